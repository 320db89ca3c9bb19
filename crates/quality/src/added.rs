//! Names a rewrite adds: a person, an option, a command, a path the source
//! never mentions. Only what is a name beyond doubt counts — restyles add
//! words, labels, headings and explanations all the time, so a capitalised
//! word alone is never enough:
//!
//! - options, URLs, file paths, e-mail addresses and item paths the source
//!   does not contain;
//! - inline code shaped like a command or identifier (no operators or
//!   brackets: `pip install cfgrib`, not `a[(i-1)//2]`) with a word the
//!   source does not have;
//! - a run of two or more capitalised words mid-sentence (Guido van Rossum)
//!   none of whose words the source has, outside headings and labels;
//! - transliterated foreign names in CJK text (詹姆斯·洛夫洛克,
//!   ジェームズ・ラブロック): parts joined by a middle dot, not in the source.

use rustc_hash::FxHashSet;

use crate::added_acronyms::{added_acronyms, expands_an_acronym, spells_out_the_acronym_after_it};
use crate::analysis::Analysis;
use crate::dotted_names;
use crate::lexicon::Lexicons;
use crate::name_variants::contains_inflected_in;
use crate::names::{NameKind, has_name};
use crate::text::{fold_word, words};

/// `(label, name)` for each name of `rewrite` that `source` does not have.
pub fn added_names(source: &str, rewrite: &str) -> Vec<(&'static str, String)> {
    added_names_of(&Analysis::new(source), &Analysis::new(rewrite))
}

/// [`added_names`] of texts already analysed: the source's folded words and
/// lower case, the rewrite's names, shared with the other checks.
pub(crate) fn added_names_of(source: &Analysis, rewrite: &Analysis) -> Vec<(&'static str, String)> {
    // Read only for a name the source does not have (most it has).
    let words_cell = std::cell::OnceCell::new();
    let source_words = || -> &FxHashSet<&str> {
        words_cell.get_or_init(|| source.folded().iter().map(AsRef::as_ref).collect())
    };
    let source_lower = source.lower();
    // The source's words are split once for every name asked about.
    let inflected_in_source = |name: &str| contains_inflected_in(source, name);
    let (source, rewrite_names, rewrite) = (source.text, rewrite.names(), rewrite.text);
    let in_source = |name: &str| has_name(source_lower, &name.to_lowercase()) || inflected_in_source(name);
    let labels_cell = std::cell::OnceCell::new();
    let heading_or_label = || labels_cell.get_or_init(|| label_lines(rewrite));
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut push = |label: &'static str, name: String| {
        if !out.iter().any(|(_, n)| *n == name) {
            out.push((label, name));
        }
    };
    for mention in joined_names(rewrite, rewrite_names.to_vec()) {
        let text = mention.text.as_str();
        // Each kind that may be an added name looks the name up in the
        // source first; the others (an acronym is looked for elsewhere)
        // need no lookup.
        let added = match mention.kind {
            NameKind::CommandOption | NameKind::Url | NameKind::Email => !in_source(text),
            NameKind::FilePath => {
                !in_source(text) && path_like(text) && !made_of_the_sources_parts(text, source)
            }
            NameKind::InlineCode if in_source(text) => false,
            NameKind::ProperName if in_source(text) => false,
            NameKind::InlineCode => {
                // An option, URL or path in backticks (`--exclude-from`) is
                // added as it would be bare.
                let as_bare = crate::names::classify_token(text, text);
                // One word in backticks is often the subject named for
                // clarity (`heapq`); a command with arguments is not. Code
                // that starts or ends with a space is backticks mispaired
                // across prose.
                matches!(
                    as_bare,
                    Some(NameKind::CommandOption | NameKind::Url | NameKind::Email)
                ) || as_bare == Some(NameKind::FilePath)
                    && path_like(text)
                    && !made_of_the_sources_parts(text, source)
                    || text.contains(' ')
                        && text.trim() == text
                        && command_like(text)
                        && words(text)
                            .into_iter()
                            .any(|w| is_term(w) && !source_words().contains(fold_word(w).as_str()))
                    // An option in a command line (`tcpdump -D`) is added
                    // as it would be bare.
                    || text.contains(' ')
                        && text.split_whitespace().any(|token| {
                            crate::names::classify_token(token, token) == Some(NameKind::CommandOption)
                                && !in_source(token)
                        })
            }
            NameKind::ProperName => {
                let lex = Lexicons::for_text(text, None);
                // A name's particles (Le, van) are words of other names too.
                let parts: Vec<&str> = text
                    .split_whitespace()
                    .filter(|p| !lex.has_word(|l| l.name_particles, &p.to_lowercase()))
                    .collect();
                let absent = |p: &&str| !source_words().contains(fold_word(p).as_str());
                // A family name the source has in any form (Арцимовича) is
                // its person, given names spelled out for initials or not.
                let several = parts.len() >= 2
                    && !expands_an_acronym(&parts, source)
                    && !spells_out_the_acronym_after_it(rewrite, text, source_lower)
                    && parts.iter().all(absent)
                    && !fused_in(source_words(), &parts)
                    && !inflected_in_source(text)
                    && !parts.last().is_some_and(|last| inflected_in_source(last));
                // A surname after initials is a person's (М. В. Фрунзе).
                let person = parts.len() == 1
                    && absent(&parts[0])
                    && !inflected_in_source(text)
                    && after_initials(rewrite, text);
                (several || person) && !heading_or_label().iter().any(|l| l.contains(text))
            }
            _ => false,
        };
        if added {
            push(mention.kind.label(), mention.text);
        }
    }
    // A work's title in 《》 or 〈〉 the source does not have: quoted as a
    // title, it names a work beyond doubt.
    for title in bracketed_titles(rewrite) {
        if !source.contains(title) {
            push("title", title.to_owned());
        }
    }
    let source_dotted = std::cell::OnceCell::new();
    for name in dotted_names::dotted_cjk_names(rewrite) {
        // In a heading or a table's header (| コマンド・ファイル | 用途 |) a
        // dotted run labels what follows, as a capitalised run does.
        if !source.contains(&name)
            && !heading_or_label().iter().any(|l| l.contains(name.as_str()))
            && !dotted_names::lists_what_the_source_names(
                &name,
                source,
                source_dotted.get_or_init(|| dotted_names::dotted_cjk_names(source)),
            )
        {
            push("name", name);
        }
    }
    out
}

/// What an extract (a style that keeps a chosen part of its source and adds
/// nothing) may not add beyond [`added_names_of`]: where a restyle may
/// explain, an extract carries only the source's own names, so single
/// words count too.
///
/// - a capitalised word that follows a lower-case word in its sentence
///   ("… forester in Salzburg", "по методике Росстата"), in no form in the
///   source — a word after a line start, a bullet, a table cell's bar or a
///   label starts its own sentence and is not taken;
/// - a one-word identifier in backticks (`libx265`) the source does not
///   have;
/// - in CJK text, a Latin word of three letters or more with a lower-case
///   one (`prettier`) the source does not have.
pub(crate) fn added_in_extract(source: &Analysis, rewrite: &Analysis) -> Vec<(&'static str, String)> {
    let source_lower = source.lower();
    // Read only for a name the source does not have (most it has).
    let words_cell = std::cell::OnceCell::new();
    let source_words = || -> &FxHashSet<&str> {
        words_cell.get_or_init(|| source.folded().iter().map(AsRef::as_ref).collect())
    };
    let absent = |word: &str| {
        !source_words().contains(fold_word(word).as_str())
            && !source_lower.contains(&word.to_lowercase())
            && !contains_inflected_in(source, word)
            // A name's adjective or the name of its adjective (Australian
            // wool for wool from Australia).
            && !crate::name_adjectives::same_stem_named(source.text, word)
    };
    let text = rewrite.text;
    let plain_source = crate::names::plain_spelling(source.text);
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut push = |label: &'static str, name: &str| {
        if !out.iter().any(|(_, n)| n == name) {
            out.push((label, name.to_owned()));
        }
    };
    for mention in rewrite.names() {
        let name = mention.text.as_str();
        match mention.kind {
            // A compound is the name it is made of (Laspeyres-type).
            NameKind::ProperName
                if !name.contains(' ')
                    && name
                        .split('-')
                        .filter(|part| part.chars().next().is_some_and(char::is_uppercase))
                        .all(absent)
                    && after_lower_case_word(text, name)
                    // A part's label (**Problem 2.**) names nothing.
                    && !Lexicons::for_text(name, None)
                        .words(|l| l.enumeration_labels)
                        .any(|label| label == name.to_lowercase())
                    // A month is a number the numbers check reads
                    // ("December, January, February: 3 months").
                    && !Lexicons::for_text(name, None)
                        .entries(|l| l.number_words)
                        .any(|(word, _)| *word == name.to_lowercase()) =>
            {
                push("name", name);
            }
            // A person's name whose family name the source has with
            // another given name (Fred Urquhart → Norah Urquhart): the new
            // given name, unless the source gives its initial. (In Latin
            // letters: a Russian adjective's case, Южного for Южный Буг,
            // reads as another word.)
            NameKind::ProperName
                if name.split(' ').count() == 2
                    && name.is_ascii()
                    && after_lower_case_word(text, name)
                    && name.split(' ').next().is_some_and(|given| {
                        absent(given)
                            && !source
                                .text
                                .contains(&format!("{}.", given.chars().next().unwrap_or(' ')))
                    })
                    && name.split(' ').nth(1).is_some_and(|family| !absent(family)) =>
            {
                push("name", name.split(' ').next().unwrap_or(name));
            }
            // A formula or a code (Na2AlF6, A31) the source does not have,
            // unless it numbers a series the rewrite labels its parts with
            // (Q1, Q2, Q3).
            NameKind::Identifier
                if !plain_source.contains(&crate::names::plain_spelling(name))
                    && !contains_inflected_in(source, name)
                    // A formula for a substance the source names (SO₂ for
                    // sulfur dioxide).
                    && !crate::name_variants::named_as_its_substance(
                        source_lower,
                        &crate::names::plain_spelling(name),
                    )
                    && !numbers_a_series(text, name)
                    && !unit_with_another_prefix(name, source.text)
                    && !unit_after_numbers(text, name) =>
            {
                push("identifier", name);
            }
            NameKind::InlineCode
                if !name.contains(char::is_whitespace)
                    && name.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    && !made_of_the_sources_parts(name, source.text)
                    && !called_without_its_arguments(name, source.text) =>
            {
                push("identifier", name);
            }
            _ => {}
        }
    }
    for acronym in added_acronyms(source, rewrite) {
        push("acronym", &acronym);
    }
    if crate::text::written_in_cjk(text) {
        for name in crate::cjk_added::added_in_cjk_extract(source.text, text) {
            push("name", &name);
        }
        // A unit the rewrite writes after a number somewhere (1.575 GHz) is
        // a unit wherever it stands (换算成GHz).
        let after_a_number = |word: &str| {
            text.match_indices(word)
                .any(|(at, _)| text[..at].trim_end().ends_with(|c: char| c.is_ascii_digit()))
        };
        for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
            if word.len() >= 3
                && word.chars().any(|c| c.is_ascii_lowercase())
                && absent(word)
                && !after_a_number(word)
            {
                push("name", word);
            }
        }
    }
    out
}

/// Whether `code` (Q2) is a letter and a number the rewrite also writes
/// with the number before or after it (Q1, Q3): a label of its parts.
fn numbers_a_series(text: &str, code: &str) -> bool {
    let Some(digits_at) = code.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let (prefix, digits) = code.split_at(digits_at);
    let Ok(n) = digits.parse::<u32>() else {
        return false;
    };
    [n.checked_sub(1), n.checked_add(1)]
        .into_iter()
        .flatten()
        .any(|m| crate::names::has_name(text, &format!("{prefix}{m}")))
}

/// Whether every part of a path or a setting is the source's
/// (`example.com/hello/v2` from "example.com/hello" and "a /v2 suffix",
/// `GOPROXY=direct` from "set GOPROXY to direct"): put together as the
/// source says to.
fn made_of_the_sources_parts(code: &str, source: &str) -> bool {
    code.split(['/', '='])
        .filter(|p| !p.is_empty())
        .all(|p| source.contains(p))
}

/// The letters of a name's word that stand for it in a compound.
const COMPOUND_STEM: usize = 4;

/// Whether one word of `words` holds the stems of all of `parts` in order
/// (западноевропейских for Западной Европы): the source's compound
/// adjective said as the name it is made of.
fn fused_in(words: &FxHashSet<&str>, parts: &[&str]) -> bool {
    let stems: Vec<String> = parts
        .iter()
        .map(|p| fold_word(p).chars().take(COMPOUND_STEM).collect())
        .collect();
    stems.iter().all(|s| s.chars().count() == COMPOUND_STEM)
        && words.iter().any(|w| {
            let mut rest = *w;
            stems.iter().all(|s| match rest.find(s.as_str()) {
                Some(at) => {
                    rest = &rest[at + s.len()..];
                    true
                }
                None => false,
            })
        })
}

/// Whether `name` follows two initials somewhere in `text` ("М. В.
/// Фрунзе", "J. R. Smith"): capitals with stops, each a word of its own.
/// One alone may label a multiple-choice option ("Б. Восемь").
fn after_initials(text: &str, name: &str) -> bool {
    let initial_before = |s: &str| -> Option<usize> {
        let rest = s.trim_end().strip_suffix('.')?;
        let mut chars = rest.char_indices().rev();
        let (at, c) = chars.next()?;
        (c.is_uppercase() && chars.next().is_none_or(|(_, c)| c.is_whitespace() || c == '.')).then_some(at)
    };
    text.match_indices(name).any(|(at, _)| {
        initial_before(&text[..at]).is_some_and(|first| initial_before(&text[..first]).is_some())
    })
}

/// Whether some occurrence of `word` in `text` comes right after a
/// lower-case word of the same sentence (a capital there marks a name).
fn after_lower_case_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].trim_end_matches([' ', '\u{a0}']);
        before.len() < i
            && before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_lowercase() || c == ',')
    })
}

/// Titles of works as Chinese writes them: 《天工开物》, 〈…〉.
fn bracketed_titles(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (open, close) in [('《', '》'), ('〈', '〉')] {
        let mut rest = text;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len_utf8()..];
            let Some(j) = after.find(close) else { break };
            if j > 0 {
                out.push(&after[..j]);
            }
            rest = &after[j + close.len_utf8()..];
        }
    }
    out
}

/// Whether `name` is a function the source calls with arguments, named
/// with empty brackets (`shutil.disk_usage()` for
/// `shutil.disk_usage(path)`): the function, not another name.
fn called_without_its_arguments(name: &str, source: &str) -> bool {
    name.strip_suffix("()")
        .is_some_and(|function| !function.is_empty() && source.contains(&format!("{function}(")))
}

/// Consecutive capitalised names that the rewrite writes as one ("Guido"
/// and "Rossum" in "Guido van Rossum") joined into one mention.
fn joined_names(text: &str, found: Vec<crate::names::NameMention>) -> Vec<crate::names::NameMention> {
    let mut out: Vec<crate::names::NameMention> = Vec::with_capacity(found.len());
    for m in found {
        if let Some(prev) = out.last_mut()
            && prev.kind == NameKind::ProperName
            && m.kind == NameKind::ProperName
        {
            let joined = std::iter::once(format!("{} {}", prev.text, m.text))
                .chain(
                    Lexicons::for_text(text, None)
                        .words(|l| l.name_particles)
                        .map(|p| format!("{} {p} {}", prev.text, m.text)),
                )
                .find(|j| has_name(text, j));
            if let Some(joined) = joined {
                prev.text = joined;
                continue;
            }
        }
        out.push(m);
    }
    out
}

/// A word that can carry a name: letters, three or more.
fn is_term(word: &str) -> bool {
    word.chars().count() >= 3 && word.chars().all(char::is_alphabetic)
}

/// A path beyond doubt: rooted (`/etc`, `~/.config`, `./x`), with an
/// extension, or of three parts or more; `node/child` and
/// `analgesic/antipyretic` are words joined by a slash, and so are words
/// of a script paths are not written in, however many (синие/фиолет./
/// розовые), and a unit's symbols (mg/kg/d).
pub(crate) fn path_like(text: &str) -> bool {
    let words_of_another_script = text.split('/').all(|part| {
        let word = part.strip_suffix('.').unwrap_or(part);
        !word.is_empty() && word.chars().all(|c| c.is_alphabetic() && !c.is_ascii())
    });
    // A unit's slash may end what is read as the path when the word
    // after it is CJK (mg/kg/日 is "per day").
    let unit = text
        .strip_suffix('/')
        .unwrap_or(text)
        .split('/')
        .all(|part| (1..=3).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphabetic()));
    !words_of_another_script
        && !unit
        && (text.starts_with(['/', '~', '.'])
            || text.rsplit('/').next().is_some_and(|last| last.contains('.'))
            || text.matches('/').count() >= 2)
}

/// Whether every mention of `word` in `text` (one at least) follows a
/// number, as a unit's symbol does (50 MW).
pub(crate) fn unit_after_numbers(text: &str, word: &str) -> bool {
    let mut mentions = text.match_indices(word).peekable();
    mentions.peek().is_some()
        && mentions.all(|(at, _)| {
            // In brackets after its value too: 360（GB）.
            text[..at]
                .trim_end()
                .trim_end_matches(['(', '（'])
                .ends_with(|c: char| c.is_ascii_digit())
        })
}

/// A unit the source writes with another metric prefix or none (kWh for
/// MWh or Wh, kPa for MPa): a solution converts between them.
fn unit_with_another_prefix(name: &str, source: &str) -> bool {
    let Some(unit) = name.strip_prefix(crate::lexicon::common::METRIC_PREFIXES) else {
        return false;
    };
    let bare = (1..=3).contains(&unit.chars().count())
        && unit.starts_with(|c: char| c.is_ascii_alphabetic())
        && crate::names::has_name(source, unit);
    let other_prefix = !unit.is_empty()
        && crate::lexicon::common::METRIC_PREFIXES
            .iter()
            .any(|p| crate::names::has_name(source, &format!("{p}{unit}")));
    bare || other_prefix
}

/// Inline code that reads as a command or an identifier, not an expression.
fn command_like(code: &str) -> bool {
    !code.contains([
        '(', ')', '[', ']', '{', '}', '<', '>', '=', '+', '*', '|', '&', ',',
    ])
}

/// Lines that are headings, or whose start is a label (`**Result.**`,
/// `Definition:`): a note style writes capitalised words there that name
/// nothing.
fn label_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut header_row = true;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('#') {
            out.push(t);
            continue;
        }
        if let Some(cells) = t.strip_prefix('|') {
            // A table's header row and its first column label; the other
            // cells are what the table says.
            let separator = t.chars().all(|c| "|-: ".contains(c));
            if header_row || separator {
                out.push(t);
            } else if let Some(first) = cells.split('|').next() {
                out.push(first);
            }
            header_row = false;
            continue;
        }
        header_row = true;
        let t = t.trim_start_matches(['-', '*', '+', '•', ' ']).trim_start();
        let t = t
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(['.', ')', ' ']);
        // A bold lead (**Step 2. Check the Seal**) or what comes before a
        // colon in a short label (Key Facts: …).
        if let Some(rest) = line
            .trim_start()
            .strip_prefix("**")
            .or_else(|| t.strip_prefix("**"))
            && let Some(end) = rest.find("**")
        {
            out.push(&rest[..end]);
        }
        let head = t.split(':').next().unwrap_or(t);
        if head.len() < t.len() && head.split_whitespace().count() <= 4 {
            out.push(head);
        }
    }
    out
}

#[cfg(test)]
#[path = "added_tests.rs"]
mod tests;
