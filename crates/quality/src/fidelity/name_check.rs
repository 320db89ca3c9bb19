//! The gate's names check: every name, acronym, identifier, URL, path and
//! piece of inline code of the source kept (in any of the ways a rewrite
//! may say a name), none added, and no code of the source changed into
//! another.

use crate::analysis::Analysis;
use crate::name_variants::{contains_name_in, kept_another_way};
use crate::names::NameMention;

use super::{Verdict, pass};

/// Whitespace runs folded to one space: justified text (man pages) has
/// double spaces a rewrite will not keep.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `keeps_subset`: the style keeps a chosen part of its source (an
/// extract), so a name left out is no finding; one added still is.
pub(super) fn check_names(
    wanted: &[NameMention],
    source: &Analysis,
    rewrite: &Analysis,
    keeps_subset: bool,
    once_mentioned_are_suspicions: bool,
) -> (Verdict, Vec<String>) {
    let mut added = crate::added::added_names_of(source, rewrite);
    if keeps_subset {
        for (label, name) in crate::added::added_in_extract(source, rewrite) {
            if !added.iter().any(|(_, n)| n.contains(&name)) {
                added.push((label, name));
            }
        }
    }
    // A code of the source with its digits changed (B55.0 → B55.1), in
    // either kind of style; once, if it is an added name already.
    let changed: Vec<(String, String)> = crate::changed_codes::changed_codes(source.text, rewrite.text)
        .into_iter()
        .filter(|(code, _)| !added.iter().any(|(_, n)| n.contains(code.as_str())))
        .collect();
    let wanted = if keeps_subset { &[][..] } else { wanted };
    // (A CJK source with no Latin name nor added name returns here, before
    // its suffix-marked names are read: as measured; see docs/QUALITY.md.)
    if wanted.is_empty() && added.is_empty() && changed.is_empty() {
        return (pass(), Vec::new());
    }
    let rewrite = crate::names::plain_spelling(&collapse_whitespace(rewrite.text));
    // CJK names marked by a suffix (姫路市): written without capitals,
    // `wanted` does not hold them; they are wanted as well.
    let cjk_wanted = if !keeps_subset && crate::text::written_in_cjk(source.text) {
        crate::cjk_names::place_names_kept(source.text, &rewrite)
    } else {
        Vec::new()
    };
    let rewrite_words = crate::analysis::Analysis::new(&rewrite);
    let mut apart = Vec::new();
    let mut findings = Vec::new();
    for name in wanted {
        // Two words joined by a slash ("wrapping/filling") may be said
        // another way; a path beyond doubt may not.
        if name.kind == crate::names::NameKind::FilePath && !crate::added::path_like(&name.text) {
            continue;
        }
        // A month is a number the numbers check keeps ("April 2016" →
        // "2016-04"), not a name.
        let lower = name.text.to_lowercase();
        if crate::lexicon::Lexicons::for_text(&name.text, None)
            .entries(|l| l.number_words)
            .any(|(word, _)| *word == lower)
        {
            continue;
        }
        if kept_as_its_sign(source.text, rewrite_words.text, name)
            || kept_after_a_slash(rewrite_words.text, &name.text)
        {
            continue;
        }
        if !contains_name_in(&rewrite_words, name)
            && !kept_another_way(&rewrite_words, name, source.text, wanted)
            && !kept_by_the_names_it_heads(source.text, &rewrite, &name.text)
        {
            let finding = format!("the {} “{}” is missing", name.kind.label(), name.text);
            let once = crate::names::count_name(source.text, &name.text) <= 1;
            // A product's name written in one word of letters (PostgreSQL,
            // OpenSSH) is context as a proper name is; code is not.
            let product = name.kind == crate::names::NameKind::Identifier
                && name.text.chars().all(char::is_alphabetic)
                && !source.text.contains(&format!("-{}", name.text))
                && !source.text.contains(&format!("`{}", name.text));
            let context = name.kind == crate::names::NameKind::ProperName || product;
            let classifies_a_kept_name = once
                && name.kind == crate::names::NameKind::Acronym
                && classifies_a_kept_name(source.text, &rewrite, &name.text);
            if classifies_a_kept_name
                || once && context && (once_mentioned_are_suspicions || is_name_adjective(&name.text))
            {
                apart.push(finding);
            } else {
                findings.push(finding);
            }
        }
    }
    for (name, _) in cjk_wanted.iter().filter(|(_, kept)| !kept) {
        let finding = format!("the name “{name}” is missing");
        if once_mentioned_are_suspicions && source.text.matches(name.as_str()).count() <= 1 {
            apart.push(finding);
        } else {
            findings.push(finding);
        }
    }
    let missing = findings.len();
    for (label, name) in &added {
        findings.push(format!("the {label} “{name}” is not in the source"));
    }
    for (code, source_code) in &changed {
        findings.push(format!(
            "the code “{code}” is not in the source, which has “{source_code}”"
        ));
    }
    let wrong = added.len() + changed.len();
    // Suspicions are names left out of the count; each was a wanted one.
    let counted = wanted.len() + cjk_wanted.len() + wrong - apart.len();
    let score = 1.0 - (missing + wrong) as f64 / counted.max(1) as f64;
    ((score, findings.is_empty(), findings), apart)
}

/// Whether the rewrite writes `name` (HMAC-SHA-512) with the part it shares
/// with the name before it left off after a slash (HMAC-SHA-256/-512).
fn kept_after_a_slash(rewrite: &str, name: &str) -> bool {
    let Some((shared, last)) = name.rsplit_once('-') else {
        return false;
    };
    !shared.is_empty()
        && !last.is_empty()
        && rewrite.match_indices(&format!("/-{last}")).any(|(at, _)| {
            let before = &rewrite[..at];
            let word_start = before
                .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '（' | '、' | '，' | ','))
                .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
            before[word_start..].starts_with(&format!("{shared}-"))
                && !rewrite[at + 2 + last.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        })
}

/// Whether a one-word name is a part's label before its number wherever
/// the source writes it (Section 6), which the rewrite writes as its sign
/// before each of those numbers (§6, § 6: the lexicons' `label_signs`).
fn kept_as_its_sign(source: &str, rewrite: &str, name: &NameMention) -> bool {
    let word = name.text.as_str();
    let lower = word.to_lowercase();
    if name.kind != crate::names::NameKind::ProperName || word.contains(' ') {
        return false;
    }
    let Some(sign) = crate::lexicon::Lexicons::for_text(word, None)
        .entries(|l| l.label_signs)
        .find(|(label, _)| *label == lower)
        .map(|&(_, sign)| sign)
    else {
        return false;
    };
    source.match_indices(word).all(|(at, _)| {
        let rest = &source[at + word.len()..];
        let Some(rest) = rest.strip_prefix(' ') else {
            return false;
        };
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let number = &rest[..digits];
        !number.is_empty()
            && rewrite.match_indices(sign).any(|(s, _)| {
                let after = rewrite[s + sign.len_utf8()..].trim_start();
                after.starts_with(number) && !after[number.len()..].starts_with(|c: char| c.is_ascii_digit())
            })
    })
}

/// Whether a one-word name is an adjective made from a name, by the
/// endings of the lexicons (Indonesian, Finnish): a restyle leaves it out
/// as context ("the Indonesian island of Java" → "Java").
fn is_name_adjective(name: &str) -> bool {
    let lower = name.to_lowercase();
    let last = lower.rsplit('-').next().unwrap_or(&lower);
    !name.contains(' ')
        && crate::lexicon::Lexicons::for_text(name, None)
            .words(|l| l.name_adjective_endings)
            .any(|ending| last.len() > ending.len() + 2 && last.ends_with(ending))
}

/// Whether a one-word head (University) is kept by the names it heads in
/// the source (the University of Cambridge, the University of Chicago):
/// every mention of it is joined by a link word (`name_links`) to a name
/// the rewrite has.
fn kept_by_the_names_it_heads(source: &str, rewrite: &str, head: &str) -> bool {
    if head.contains(char::is_whitespace) {
        return false;
    }
    let lex = crate::lexicon::Lexicons::for_text(head, None);
    let mut mentions = source.match_indices(head).peekable();
    mentions.peek().is_some()
        && mentions.all(|(at, _)| {
            let after = &source[at + head.len()..];
            lex.words(|l| l.name_links).any(|link| {
                let Some(rest) = after.strip_prefix(' ').and_then(|r| r.strip_prefix(link)) else {
                    return false;
                };
                let Some(rest) = rest.strip_prefix(' ') else {
                    return false;
                };
                let name = leading_word(rest, |c| c.is_alphabetic() || c == '-');
                name.starts_with(char::is_uppercase) && crate::names::has_name(rewrite, name)
            })
        })
}

/// Whether an acronym names the kind of thing the name right after it is
/// (the DBMS PostgreSQL, клиент СУБД PostgreSQL) and the rewrite keeps that
/// name: a rewrite may say the kind in words or leave it to the name.
fn classifies_a_kept_name(source: &str, rewrite: &str, acronym: &str) -> bool {
    source.match_indices(acronym).any(|(at, _)| {
        let Some(after) = source[at + acronym.len()..].strip_prefix(' ') else {
            return false;
        };
        let next = leading_word(after, char::is_alphanumeric);
        next.chars().count() >= 3
            && next.starts_with(char::is_uppercase)
            && !next.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
            && crate::names::has_name(rewrite, next)
    })
}

/// The start of `text` made of characters `part` accepts: the name a
/// head word or an acronym is followed by.
fn leading_word(text: &str, part: impl Fn(char) -> bool) -> &str {
    &text[..text.find(|c: char| !part(c)).unwrap_or(text.len())]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_whose_shared_part_is_left_off_after_a_slash_is_kept() {
        assert!(super::kept_after_a_slash(
            "HMAC-SHA-1既定、HMAC-SHA-256/-512も可。",
            "HMAC-SHA-512"
        ));
        assert!(!super::kept_after_a_slash(
            "HMAC-SHA-1既定、HMAC-SHA-256/-384も可。",
            "HMAC-SHA-512"
        ));
        assert!(!super::kept_after_a_slash("RSA-2048/-512", "HMAC-SHA-512"));
    }
}
