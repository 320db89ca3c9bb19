//! An hour after noon written on the other clock: 17:45 as 夕方5時45分, 午後11時
//! as 23時. The afternoon words are the lexicons' `afternoon_words`.

use crate::lexicon::Lexicons;
use crate::numbers::{NumberMention, Quantity};

/// The most characters an afternoon word is written with ("in the
/// evening").
const MAX_AFTERNOON_CHARS: usize = 16;

/// Whether the hour `v` one text writes is an hour the other text
/// (`there`, its numbers and lexicons) writes on the other clock: `v − 12`
/// said after noon there (17 → 夕方5時), or `v + 12` there where `v` is said
/// after noon here (`said_after_noon_here`: 午後11時 → 23時).
pub(super) fn on_the_other_clock(
    v: f64,
    said_after_noon_here: impl Fn() -> bool,
    (there, there_numbers, there_lex): (&str, &[NumberMention], Lexicons),
) -> bool {
    if v.fract() != 0.0 {
        return false;
    }
    let there_has = |h: f64| {
        there_numbers
            .iter()
            .filter(move |n| n.quantity == Quantity::Value(h))
    };
    ((13.0..=23.0).contains(&v) && there_has(v - 12.0).any(|n| said_after_noon(there, n, there_lex)))
        || ((1.0..=11.0).contains(&v) && there_has(v + 12.0).next().is_some() && said_after_noon_here())
}

/// Whether the lexicons' `afternoon_words` stand right before or after the
/// number `m` (午後5時, "5 p.m.", в 5 вечера).
pub(super) fn said_after_noon(
    text: &str,
    m: &crate::numbers::NumberMention,
    lex: crate::lexicon::Lexicons,
) -> bool {
    let before = text[..m.start].trim_end();
    let after = text[m.start + m.written.len()..].trim_start();
    // The minutes and the hour's mark may stand between (5時45分, 5:45 p.m.;
    // the lexicons' `clock_marks`).
    let after = after
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ':' || lex.has_char(|l| l.clock_marks, c))
        .trim_start();
    // (Its first few characters, lower-cased once: an afternoon word is
    // short.)
    let head: String = after
        .chars()
        .take(MAX_AFTERNOON_CHARS)
        .collect::<String>()
        .to_lowercase();
    lex.words(|l| l.afternoon_words)
        .any(|w| before.ends_with(w) || head.starts_with(w))
}
