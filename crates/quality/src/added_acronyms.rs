//! Acronyms a rewrite adds, the spelled-out names of the source's
//! acronyms (the Central Bank of Russia for CBR, the International
//! Organization for Standardization (ISO)) that are no added names, and a
//! source's acronym kept inside a longer one (US Geological Survey → USGS).

use crate::added::unit_after_numbers;
use crate::analysis::Analysis;
use crate::lexicon::Lexicons;
use crate::names::{NameKind, has_name};
use crate::text::words;

/// Acronyms of `rewrite` (two capitals or more: `ICF`, `БАМ`) the source
/// neither has nor spells out by the initials of its words ("the
/// Central Bank of Russia" → CBR). A Roman numeral is not one. (A restyle
/// may add one as an explanation — API, WHO — an extract may not.)
pub(crate) fn added_acronyms(source: &Analysis, rewrite: &Analysis) -> Vec<String> {
    let mut out = Vec::new();
    for mention in rewrite.names() {
        let text = mention.text.as_str();
        let core = text.strip_suffix('s').unwrap_or(text);
        let letters: String = core.chars().filter(|c| c.is_alphabetic()).collect();
        if mention.kind != NameKind::Acronym
            || letters.chars().count() < 2
            || letters
                .chars()
                .all(|c| crate::lexicon::common::ROMAN_NUMERAL_LETTERS.contains(&c))
            || has_name(source.lower(), &core.to_lowercase())
            // A plural the source writes as such (NSAIDs).
            || has_name(source.lower(), &text.to_lowercase())
            // A word in capitals for emphasis ("Which is NOT …").
            || crate::stopwords::is_stop_word(&text.to_lowercase())
            // One letter said again is a placeholder (YYYY, XX), no name.
            || letters.chars().all(|c| letters.starts_with(c))
            || spelled_out_in(source.text, &letters)
            || crate::name_variants::named_another_way_in(source.text, text)
            // A unit after a number wherever it stands (2,200 MW).
            || unit_after_numbers(rewrite.text, text)
            || part_of_an_identifier(source.text, core)
            || Lexicons::for_text(text, None).words(|l| l.era_marks).any(|m| m == core)
            || out.iter().any(|o| o == text)
        {
            continue;
        }
        out.push(text.to_owned());
    }
    out
}

/// Whether `text` has `part` as a part of an identifier joined by
/// underscores (the `FULL` of `SQLITE_CHECKPOINT_FULL`): named by it.
fn part_of_an_identifier(text: &str, part: &str) -> bool {
    text.match_indices(part)
        .any(|(at, _)| text[..at].ends_with('_') || text[at + part.len()..].starts_with('_'))
}

/// Whether consecutive words of `text` begin with the letters of `acronym`
/// in order, small words skipped ("National Institute of Standards and
/// Technology" → NIST); a compound gives a letter per part.
fn spelled_out_in(text: &str, acronym: &str) -> bool {
    let wanted: Vec<char> = acronym.chars().flat_map(char::to_lowercase).collect();
    let words: Vec<String> = words(text).iter().map(|w| w.to_lowercase()).collect();
    (0..words.len()).any(|start| {
        let mut letters = wanted.iter().peekable();
        for word in &words[start..] {
            let Some(&&next) = letters.peek() else { break };
            let parts: Vec<char> = word.split('-').filter_map(|p| p.chars().next()).collect();
            if parts.first() == Some(&next) {
                for part in parts {
                    if letters.peek() == Some(&&part) {
                        letters.next();
                    }
                }
            } else if !crate::stopwords::is_stop_word(word) {
                return false;
            }
        }
        letters.peek().is_none()
    })
}

/// Whether a name's initials are part of an acronym the source uses
/// ("Operating System" in "ROS"): the rewrite spelled out what the source
/// abbreviates.
pub(crate) fn expands_an_acronym(parts: &[&str], source: &str) -> bool {
    // Each part of a hyphenated word gives its initial (Meso-Scale Model:
    // MSM).
    let initials: String = parts
        .iter()
        .flat_map(|p| p.split('-'))
        .filter_map(|p| p.chars().next())
        .collect();
    initials.chars().count() >= 2
        && source
            .split(|c: char| !c.is_alphanumeric() || crate::text::is_cjk(c))
            .any(|w| {
                w.chars().count() > 1
                    && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
                    && w.contains(&initials)
            })
}

/// Whether `name` begins the spelled-out form of an acronym the source
/// has, written right after it in brackets (International Organization for
/// Standardization (ISO)): the initials of its capitalised words, and of
/// those up to the bracket, are the acronym's letters, in its order or, as
/// an acronym from another language has them (ISO), in another.
pub(crate) fn spells_out_the_acronym_after_it(rewrite: &str, name: &str, source_lower: &str) -> bool {
    rewrite.match_indices(name).any(|(at, _)| {
        let rest = &rewrite[at..];
        let Some(open) = rest.find('(') else {
            return false;
        };
        let Some(close) = rest[open..].find(')') else {
            return false;
        };
        let acronym = &rest[open + 1..open + close];
        let words: Vec<&str> = rest[..open].split_whitespace().collect();
        let initials: String = words
            .iter()
            .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
            .collect();
        words.len() <= MAX_SPELLED_OUT_WORDS
            && acronym.chars().count() >= 2
            && acronym.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
            && same_letters(&initials, acronym)
            && crate::names::has_name(source_lower, &acronym.to_lowercase())
    })
}

/// Whether `a` and `b` have the same letters, in any order.
fn same_letters(a: &str, b: &str) -> bool {
    let sorted = |s: &str| {
        let mut v: Vec<char> = s.chars().collect();
        v.sort_unstable();
        v
    };
    sorted(a) == sorted(b)
}

/// The most words an acronym's spelled-out form runs to.
const MAX_SPELLED_OUT_WORDS: usize = 8;

/// Whether the source's acronym `acronym` heads a name in the source (US
/// Geological Survey) whose acronym the rewrite writes instead (USGS):
/// the acronym and the initials of the capitalised words after it.
pub(crate) fn kept_in_a_longer_acronym(source: &str, rewrite: &str, acronym: &str) -> bool {
    source.match_indices(acronym).any(|(at, _)| {
        let initials: String = source[at + acronym.len()..]
            .split_whitespace()
            .map_while(|w| {
                let w = w.trim_start_matches(['(', '"', '“']);
                // A possessive ends the name (Survey's Volcano …).
                let (w, last) = match w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")) {
                    Some(owner) => (owner, true),
                    None => (w.trim_end_matches([',', '.', ';', ':', ')']), false),
                };
                w.chars().next().filter(|c| c.is_uppercase()).map(|c| (c, last))
            })
            .scan(false, |ended, (c, last)| {
                if *ended {
                    return None;
                }
                *ended = last;
                Some(c)
            })
            .collect();
        !initials.is_empty() && has_name(rewrite, &format!("{acronym}{initials}"))
    })
}
