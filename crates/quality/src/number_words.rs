//! Numbers written in words: cardinals (`three`, `трёх`, 九), ordinals,
//! months, centuries counted, fractions (`half`, 九成) — the values a
//! rewrite may write in digits for a source's words, or the other way.

use crate::analysis::Analysis;
use crate::lexicon::Lexicons;

/// Values spelled as cardinal words (`three`, `трёх`), not months or
/// ordinals: a source that spells a number lets its rewrite write digits
/// ("около трёх миллионов" → "≈3 млн") without "may" excusing a 5.
pub fn cardinal_word_values(text: &str) -> Vec<f64> {
    cardinal_word_values_in(&Analysis::new(text))
}

/// [`cardinal_word_values`] of a text split once for every such reading.
pub(crate) fn cardinal_word_values_in(words: &Analysis) -> Vec<f64> {
    let lex = Lexicons::for_text(words.text, None);
    with_compounds(words, |w| cardinal_value(w, lex))
}

/// The values of number words, each word's, a ten followed by a unit as
/// one (twenty-two, двадцать два: 22 — not 20 and 2, which the text does
/// not say), and a hundred followed by a ten or a unit (ста двадцати: 120;
/// сто двадцать пять: 125). They join across a hyphen or a space only:
/// "twenty, two" is two numbers.
fn with_compounds(words: &Analysis, value: impl Fn(&str) -> Option<f64>) -> Vec<f64> {
    let spans = words.word_spans();
    let mut out = Vec::new();
    // The previous word's value and where it ends.
    let mut previous: Option<(f64, usize)> = None;
    for (lower, span) in words.lowered_words().iter().zip(spans) {
        let value = value(lower);
        if let Some(v) = value {
            let compound = previous.filter(|&(before, end)| {
                let hundreds = (100.0..=900.0).contains(&before) && before % 100.0 == 0.0 && v < 100.0;
                let tens = (20.0..=90.0).contains(&(before % 100.0))
                    && before % 10.0 == 0.0
                    && before < 1000.0
                    && v < 10.0;
                (hundreds || tens)
                    && v >= 1.0
                    && v.fract() == 0.0
                    && matches!(&words.text[end..span.start], "-" | " ")
            });
            let joined = match compound {
                // The hundred or the ten, pushed last, becomes the compound.
                Some((before, _)) => {
                    out.pop();
                    before + v
                }
                None => v,
            };
            out.push(joined);
            previous = Some((joined, span.end));
        } else {
            previous = None;
        }
    }
    out
}

/// Spans of centuries a text counts in words, as years ("two centuries",
/// "три века" → 200, 300): a rewrite may say "over 200 years".
pub fn centuries_counted(text: &str) -> Vec<f64> {
    centuries_counted_in(&Analysis::new(text))
}

/// [`centuries_counted`] of a text split once for every such reading.
pub(crate) fn centuries_counted_in(words: &Analysis) -> Vec<f64> {
    counted_in(words, |l| l.century_words, 100.0)
}

/// The years a text counts in decades or centuries ("four decades" = 40,
/// "two centuries" = 200).
pub(crate) fn years_counted_in(words: &Analysis) -> Vec<f64> {
    let mut out = counted_in(words, |l| l.decade_words, 10.0);
    out.extend(counted_in(words, |l| l.century_words, 100.0));
    out
}

/// `factor` times each cardinal word before one of the lexicons' `unit`
/// words.
fn counted_in(
    words: &Analysis,
    unit: fn(&crate::lexicon::Lexicon) -> &'static [&'static str],
    factor: f64,
) -> Vec<f64> {
    let lex = Lexicons::for_text(words.text, None);
    words
        .lowered_words()
        .windows(2)
        .filter(|pair| lex.words(unit).any(|c| pair[1] == c))
        .filter_map(|pair| cardinal_value(&pair[0], lex))
        .map(|n| n * factor)
        .collect()
}

/// A lower-cased word's value as a cardinal word or a number word stem.
fn cardinal_value(lower: &str, lex: Lexicons) -> Option<f64> {
    lex.indexes()
        .find_map(|l| l.cardinal(lower))
        .map(|v| v as f64)
        .or_else(|| stem_value(lower, lex))
        .or_else(|| {
            // A compound's numeral (девятиглавая: 9), four letters or more
            // after it.
            lex.entries(|l| l.compound_number_prefixes)
                .find(|(prefix, _)| {
                    lower.starts_with(prefix) && lower.chars().count() >= prefix.chars().count() + 4
                })
                .map(|&(_, v)| v as f64)
        })
}

/// Values of the ordinals `text` spells (`fourth` → 4).
pub fn ordinal_word_values(text: &str) -> Vec<f64> {
    ordinal_word_values_in(&Analysis::new(text))
}

/// [`ordinal_word_values`] of a text split once for every such reading.
pub(crate) fn ordinal_word_values_in(words: &Analysis) -> Vec<f64> {
    let lex = Lexicons::for_text(words.text, None);
    words
        .lowered_words()
        .iter()
        .filter_map(|lower| lex.indexes().find_map(|l| l.ordinal(lower)).map(f64::from))
        .collect()
}

/// Values spelled as words (`three`, `twenty`, `March`): a rewrite may spell
/// out a number the source wrote in digits.
pub fn number_word_values(text: &str) -> Vec<f64> {
    number_word_values_in(&Analysis::new(text))
}

/// [`number_word_values`] of a text split once for every such reading.
pub(crate) fn number_word_values_in(words: &Analysis) -> Vec<f64> {
    let lex = Lexicons::for_text(words.text, None);
    with_compounds(words, |lower| {
        // Ordinals and months, beside the cardinals: "the eleventh
        // version" keeps the source's "version 11".
        cardinal_value(lower, lex)
            .or_else(|| lex.indexes().find_map(|l| l.number_word(lower)).map(|v| v as f64))
            .or_else(|| lex.indexes().find_map(|l| l.ordinal(lower)).map(f64::from))
    })
}

/// A number word, cardinal or ordinal, in any case form, by its stem
/// (`четыре`, `четвёртого` → 4; `трёх`, `третий` → 3): a date written
/// "Четвёртого октября" keeps the source's 4.
fn stem_value(word: &str, lex: Lexicons) -> Option<f64> {
    // A stem must be most of the word ("пят" is not "пятно"); longer stems
    // come first in their lists.
    lex.entries(|l| l.cardinal_stems)
        .find(|(stem, _)| word.starts_with(stem) && word.chars().count() <= stem.chars().count() + 4)
        .map(|&(_, v)| v as f64)
}

/// Fractions said in words (`half`, `полметра`, 一半, 九成 = 0.9): a
/// rewrite may write each as a decimal or a percentage.
pub fn fraction_values(text: &str) -> Vec<f64> {
    fraction_values_in(&Analysis::new(text))
}

/// [`fraction_values`] of a text split once for every such reading.
pub(crate) fn fraction_values_in(words: &Analysis) -> Vec<f64> {
    let text = words.text;
    let lex = Lexicons::for_text(text, None);
    let mut out = Vec::new();
    for &(word, value) in lex.entries(|l| l.fraction_words) {
        let said = if word.is_ascii() {
            words.words().any(|w| w.eq_ignore_ascii_case(word))
        } else if word.chars().any(crate::text::is_cjk) {
            text.contains(word)
        } else {
            words.lowered_words().iter().any(|w| w.starts_with(word))
        };
        if said {
            out.push(value);
        }
    }
    out.extend(linked_fractions(text, lex));
    if lex.iter().all(|l| l.tenth_markers.is_empty()) {
        return out;
    }
    // Tenths: a digit or a CJK numeral before a marker (九成, 7割).
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if lex.has_char(|l| l.tenth_markers, c)
            && let Some(p) = previous
        {
            let digit = p.to_digit(10).map(f64::from).or_else(|| {
                crate::lexicon::common::CJK_DIGITS
                    .chars()
                    .position(|d| d == p)
                    .map(|i| i as f64)
            });
            if let Some(d) = digit {
                out.push(d / 10.0);
            }
        }
        previous = Some(c);
    }
    out
}

/// Fractions written as a denominator, a link and a numerator (4分の1,
/// 四分之一, the lexicons' `fraction_links`), each a digit run or one CJK
/// numeral: their values (0.25).
fn linked_fractions(text: &str, lex: Lexicons) -> Vec<f64> {
    let numeral = |c: char| {
        crate::lexicon::common::CJK_DIGITS
            .chars()
            .position(|d| d == c)
            .map(|i| i as f64)
            .or((c == crate::lexicon::common::CJK_TEN).then_some(10.0))
    };
    let mut out = Vec::new();
    for link in lex.words(|l| l.fraction_links) {
        for (at, _) in text.match_indices(link) {
            let before = &text[..at];
            let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let denominator = if digits > 0 {
                before[before.len() - digits..].parse::<f64>().ok()
            } else {
                before.chars().next_back().and_then(numeral)
            };
            let after = &text[at + link.len()..];
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let numerator = if digits > 0 {
                after[..digits].parse::<f64>().ok()
            } else {
                after.chars().next().and_then(numeral)
            };
            if let (Some(d), Some(n)) = (denominator, numerator)
                && d > 0.0
                && n > 0.0
            {
                out.push(n / d);
            }
        }
    }
    out
}

/// The counts of years a text puts between two events in words ("Five
/// years later", "через пять лет", "3 years later"): the lexicons'
/// `years_later_after` after a count and a year unit, or
/// `years_later_before` before them.
pub(crate) fn years_later_in(words: &Analysis) -> Vec<f64> {
    let lex = Lexicons::for_text(words.text, None);
    let count = |w: &str| {
        cardinal_value(w, lex).or_else(|| {
            (w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()))
                .then(|| w.parse().ok())
                .flatten()
        })
    };
    let is = |w: &str, list: fn(&crate::lexicon::Lexicon) -> &'static [&'static str]| {
        lex.words(list).any(|x| x == w)
    };
    let words: Vec<&str> = words.lowered_words().iter().map(AsRef::as_ref).collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(n) = count(w) else { continue };
        if !words.get(i + 1).is_some_and(|unit| is(unit, |l| l.year_units)) {
            continue;
        }
        let after = words
            .get(i + 2)
            .is_some_and(|next| is(next, |l| l.years_later_after));
        let before = i > 0 && is(words[i - 1], |l| l.years_later_before);
        if after || before {
            out.push(n);
        }
    }
    out
}
