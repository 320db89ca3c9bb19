//! Codes a rewrite changed: a code of letters and digits (B55.0, SC2086,
//! ЕС-1020, libx264, 2-НДФЛ, a setting and its value: maxfail=2) that the source does not have, written as a
//! code the source has with a digit changed (two, in a code of six
//! characters or more: SC2086 → SC2068). A rewrite keeps a code as it is
//! or leaves it out; one that differs from a source code only in its digits
//! names another thing — B55.1 is not B55.0 — and neither the numbers
//! check (a code is no quantity) nor the added-names check (a code the
//! rewrite adds may be an explanation) sees it.
//!
//! Not counted:
//! - a code inside a range the source gives (DENV-1 至 DENV-4 has DENV-2);
//! - a series the rewrite numbers itself (Q1, Q2, Q3 for its questions);
//! - a number with a lower-case unit or suffix (32-bit, 12th-century,
//!   1990s): the numbers check reads those;
//! - a change of letters (Q5 for A5, полоний for полонии): letters change
//!   with inflection and labels; digits do not.

use std::ops::Range;

use crate::lexicon::Lexicons;
use crate::lexicon::common::RANGE_DASHES;

/// One code as written, and where.
struct Code<'a> {
    text: &'a str,
    span: Range<usize>,
}

/// `(changed, source's)`: each code of `rewrite` that is a code of `source`
/// with its digits changed, and that source code.
pub(crate) fn changed_codes(source: &str, rewrite: &str) -> Vec<(String, String)> {
    let rewrite_codes = codes(rewrite);
    if rewrite_codes.is_empty() {
        return Vec::new();
    }
    let source_codes = codes(source);
    // Codes the rewrite has and the source does not, each once.
    let mut added: Vec<&str> = Vec::new();
    for code in &rewrite_codes {
        if !source.contains(code.text) && !added.contains(&code.text) {
            added.push(code.text);
        }
    }
    let lex = Lexicons::for_text(source, None);
    let mut out = Vec::new();
    for &code in &added {
        let Some(near) = source_codes.iter().find(|s| digits_changed(code, s.text)) else {
            continue;
        };
        let series = added.iter().filter(|other| digits_changed(code, other)).count() >= 2;
        if !series && !in_a_source_range(code, source, &source_codes, lex) {
            out.push((code.to_owned(), near.text.to_owned()));
        }
    }
    out
}

/// Whether `a` is `b` with one digit changed, or two in a code of six
/// characters or more — nothing else.
fn digits_changed(a: &str, b: &str) -> bool {
    let length = a.chars().count();
    match changed_digits(a, b) {
        Some(changed) => changed == 1 || changed == 2 && length >= 6,
        None => false,
    }
}

/// How many digits `a` and `b` differ in, if they differ in digits only
/// (the same length, the same letters and marks at the same places).
fn changed_digits(a: &str, b: &str) -> Option<usize> {
    if a.chars().count() != b.chars().count() {
        return None;
    }
    let mut changed = 0;
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            if !(x.is_ascii_digit() && y.is_ascii_digit()) {
                return None;
            }
            changed += 1;
        }
    }
    Some(changed)
}

/// Whether the source gives a range of codes `code` lies in: two codes of
/// its shape joined by a dash or a range word (B20 to B99, DENV-1至DENV-4),
/// `code` between them.
fn in_a_source_range(code: &str, source: &str, source_codes: &[Code], lex: Lexicons) -> bool {
    source_codes.windows(2).any(|pair| {
        let (from, to) = (&pair[0], &pair[1]);
        let between = source[from.span.end..to.span.start].trim().to_lowercase();
        let joined = between.chars().count() == 1 && between.starts_with(RANGE_DASHES)
            || lex.words(|l| l.range_words).any(|w| w == between);
        // The same shape, differing in digits only, so the codes compare
        // as their numbers do.
        joined
            && changed_digits(code, from.text).is_some()
            && changed_digits(code, to.text).is_some()
            && from.text < code
            && code < to.text
    })
}

/// A letter a code is written with: Latin, Greek or Cyrillic (a Han
/// character is no part of one: 编码B55.0 is the code B55.0).
fn is_code_letter(c: char) -> bool {
    c.is_alphabetic() && (c.is_ascii() || ('\u{0370}'..='\u{04FF}').contains(&c))
}

/// The codes of `text`: runs of code letters and ASCII digits, joined by
/// `.`, `-`, `_` or `=` between two of them, with a letter and a digit each,
/// and not a number followed by a lower-case word (32-bit, 1990s, 5mm).
/// Only the runs around a digit are read: most of a text has none.
fn codes(text: &str) -> Vec<Code<'_>> {
    let is_part = |c: char| c.is_ascii_digit() || is_code_letter(c);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(offset) = text[at..].find(|c: char| c.is_ascii_digit()) {
        let digit = at + offset;
        // Back to the run's start: a joiner counts between two parts.
        let mut start = digit;
        let mut before = text[..start].chars().rev().peekable();
        while let Some(c) = before.next() {
            let joined = matches!(c, '.' | '-' | '_' | '=') && before.peek().is_some_and(|&p| is_part(p));
            if !(is_part(c) || joined) {
                break;
            }
            start -= c.len_utf8();
        }
        // On to its end, the same way.
        let mut end = digit;
        let mut after = text[end..].chars().peekable();
        while let Some(c) = after.next() {
            let joined = matches!(c, '.' | '-' | '_' | '=') && after.peek().is_some_and(|&n| is_part(n));
            if !(is_part(c) || joined) {
                break;
            }
            end += c.len_utf8();
        }
        push_code(text, start..end, &mut out);
        at = end;
    }
    out
}

fn push_code<'a>(text: &'a str, span: Range<usize>, out: &mut Vec<Code<'a>>) {
    let word = &text[span.clone()];
    let has_digit = word.bytes().any(|b| b.is_ascii_digit());
    let first_letter = word.find(is_code_letter);
    let Some(first_letter) = first_letter.filter(|_| has_digit && word.chars().count() >= 2) else {
        return;
    };
    let (head, tail) = word.split_at(first_letter);
    let number_and_word = !head.is_empty()
        && head.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
        && tail.chars().all(|c| c.is_lowercase() || c == '-');
    if !number_and_word {
        out.push(Code { text: word, span });
    }
}

#[cfg(test)]
mod tests {
    use super::changed_codes;

    #[test]
    fn a_code_with_a_digit_changed_is_found_and_the_same_code_is_not() {
        let source = "Visceral leishmaniasis is coded B55.0 in ICD-10; ShellCheck reports SC2086.";
        assert!(changed_codes(source, "It is coded B55.0 in ICD-10; ShellCheck says SC2086.").is_empty());
        assert_eq!(
            changed_codes(source, "It is coded B55.1 in ICD-10."),
            vec![("B55.1".to_owned(), "B55.0".to_owned())]
        );
        assert_eq!(
            changed_codes(source, "ShellCheck reports SC2068."),
            vec![("SC2068".to_owned(), "SC2086".to_owned())]
        );
        // A setting's value (--maxfail=2, n=3) is part of its code.
        let source = "--maxfail=2 stops after two failures; unified_diff shows n=3 lines of context.";
        assert!(changed_codes(source, "`--maxfail=2` stops after 2 failures; n=3 lines.").is_empty());
        assert_eq!(
            changed_codes(source, "`--maxfail=3` stops after three failures; n=5 lines."),
            vec![
                ("maxfail=3".to_owned(), "maxfail=2".to_owned()),
                ("n=5".to_owned(), "n=3".to_owned())
            ]
        );
        // Cyrillic codes, and codes glued to Han text.
        assert_eq!(changed_codes("ЕС-1020 и ЕС-1050.", "ЕС-1030.").len(), 1);
        assert_eq!(changed_codes("ICD-10编码为A98.5。", "编码为A98.0。").len(), 1);
    }

    #[test]
    fn ranges_series_units_and_letters_are_not_changed_codes() {
        // A code inside a range the source gives.
        assert!(changed_codes("分为DENV-1至DENV-4四个血清型。", "DENV-2、DENV-3").is_empty());
        assert!(changed_codes("It spans the codes B20 to B99.", "B21 is one of them.").is_empty());
        // ...but not one outside it.
        assert_eq!(changed_codes("It spans the codes B20 to B29.", "B30.").len(), 1);
        // The rewrite's own numbered questions, one of them the source's
        // quarter changed.
        let questions = "Q1. What grew? Q2. By how much? Q3. Why?";
        assert!(changed_codes("Sales grew in Q4 2023.", questions).is_empty());
        // Numbers with a unit or suffix; letters changed.
        assert!(
            changed_codes(
                "a 64-bit counter in the 18th-century",
                "a 32-bit counter, 12th-century"
            )
            .is_empty()
        );
        assert!(changed_codes("Wagyu graded A5.", "Q5 of the list.").is_empty());
        assert!(changed_codes("изотоп полоний-210", "изотопа полонии-210").is_empty());
    }
}
