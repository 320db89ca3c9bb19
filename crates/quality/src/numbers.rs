//! Numbers and quantities in text, and whether a rewrite kept them.
//!
//! Values are compared, not spellings: `3.5%` = `3.50 %`, `1,000` = `1000`,
//! `$5` = `5 dollars`. Versions, hex literals and dotted numbers
//! (`1.2.3`, `0xff`, `10.0.0.1`) are compared as written. Signs are ignored
//! (a hyphen is more often a range or a dash than a minus). Digits inside
//! identifiers (`i32`, `x86_64`) belong to the names check, not this one.

use crate::lexicon::Lexicons;

/// What a number mention means.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    /// A numeric value (`1,000` and `1000` are one).
    Value(f64),
    /// A number compared as written (a version, an IP address).
    Literal(String),
}

/// A number as written in the text, with what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberMention {
    /// As the text writes it.
    pub written: String,
    /// What it means.
    pub quantity: Quantity,
}

/// The number mentions of `text`, in order.
pub fn numbers(text: &str) -> Vec<NumberMention> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let prev = text[..i].chars().next_back();
        // `v1.2.3` is a version: the `v` does not make it an identifier.
        let version_prefix = matches!(prev, Some('v' | 'V'))
            && !text[..i - 1]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        // CJK text runs into its digits (は1964年): a CJK character before a
        // number does not make it part of an identifier.
        if prev.is_some_and(|c| (c.is_alphanumeric() && !crate::text::is_cjk(c)) || c == '_')
            && !version_prefix
        {
            // Digits inside an identifier: skip the whole identifier.
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            continue;
        }
        let (end, quantity) = scan_number(text, i);
        out.push(NumberMention {
            written: text[i..end].to_owned(),
            quantity,
        });
        i = end;
    }
    out
}

fn digits_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn scan_number(text: &str, start: usize) -> (usize, Quantity) {
    let bytes = text.as_bytes();
    if bytes[start] == b'0' && matches!(bytes.get(start + 1), Some(b'x' | b'X')) {
        let mut end = start + 2;
        while end < bytes.len() && bytes[end].is_ascii_hexdigit() {
            end += 1;
        }
        if end > start + 2 {
            return (end, Quantity::Literal(text[start..end].to_ascii_lowercase()));
        }
    }
    let mut end = digits_end(bytes, start);
    let mut digits: String = text[start..end].to_owned();
    // Thousands separators: `,` followed by exactly three digits.
    while bytes.get(end) == Some(&b',') {
        let next = digits_end(bytes, end + 1);
        if next - (end + 1) == 3 {
            digits.push_str(&text[end + 1..next]);
            end = next;
        } else {
            break;
        }
    }
    let mut dotted_groups = 0;
    let mut fraction = String::new();
    while bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        let next = digits_end(bytes, end + 1);
        if dotted_groups == 0 {
            fraction = text[end + 1..next].to_owned();
        }
        dotted_groups += 1;
        end = next;
    }
    if dotted_groups >= 2 {
        return (end, Quantity::Literal(text[start..end].to_owned()));
    }
    let value = if fraction.is_empty() {
        digits.parse::<f64>()
    } else {
        format!("{digits}.{fraction}").parse::<f64>()
    };
    match value {
        Ok(v) => (end, Quantity::Value(v)),
        Err(_) => (end, Quantity::Literal(text[start..end].to_owned())),
    }
}

/// Values spelled as cardinal words (`three`, `трёх`), not months or
/// ordinals: a source that spells a number lets its rewrite write digits
/// ("около трёх миллионов" → "≈3 млн") without "may" excusing a 5.
pub fn cardinal_word_values(text: &str) -> Vec<f64> {
    let lex = Lexicons::for_text(text, None);
    crate::text::words(text)
        .into_iter()
        .filter_map(|w| cardinal_value(&w.to_lowercase(), lex))
        .collect()
}

/// A lower-cased word's value as a cardinal word or a number word stem.
fn cardinal_value(lower: &str, lex: Lexicons) -> Option<f64> {
    lex.entries(|l| l.cardinals)
        .find(|(name, _)| *name == lower)
        .map(|&(_, v)| v as f64)
        .or_else(|| stem_value(lower, lex))
}

/// Values spelled as words (`three`, `twenty`, `March`): a rewrite may spell
/// out a number the source wrote in digits.
pub fn number_word_values(text: &str) -> Vec<f64> {
    let lex = Lexicons::for_text(text, None);
    crate::text::words(text)
        .into_iter()
        .filter_map(|w| {
            let lower = w.to_lowercase();
            // Ordinals and months, beside the cardinals.
            cardinal_value(&lower, lex).or_else(|| {
                lex.entries(|l| l.number_words)
                    .find(|(name, _)| *name == lower)
                    .map(|&(_, v)| v as f64)
            })
        })
        .collect()
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

/// Whether two quantities are the same, values within a relative tolerance.
pub fn same_quantity(a: &Quantity, b: &Quantity, tolerance: f64) -> bool {
    match (a, b) {
        (Quantity::Value(x), Quantity::Value(y)) => (x - y).abs() <= tolerance * x.abs().max(y.abs()) + 1e-9,
        (Quantity::Literal(x), Quantity::Literal(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[&str]) {
        let got: Vec<String> = numbers(text)
            .into_iter()
            .map(|m| match m.quantity {
                Quantity::Value(v) => format!("{}={v}", m.written),
                Quantity::Literal(l) => format!("{}:{l}", m.written),
            })
            .collect();
        assert_eq!(got, expect, "numbers of {text:?}");
    }

    #[test]
    fn numbers_are_read_as_values() {
        check("3.5% and 3.50 %", &["3.5=3.5", "3.50=3.5"]);
        check(
            "1,000 or 1000, 12,34",
            &["1,000=1000", "1000=1000", "12=12", "34=34"],
        );
        check(
            "v1.2.3 and 10.0.0.1 at 0xFF",
            &["1.2.3:1.2.3", "10.0.0.1:10.0.0.1", "0xFF:0xff"],
        );
        check(
            "i32 x86_64 u8 but 64-bit and 10-20 km",
            &["64=64", "10=10", "20=20"],
        );
        check(
            "$5, €10.50, 2024-01-15",
            &["5=5", "10.50=10.5", "2024=2024", "01=1", "15=15"],
        );
        check("no digits", &[]);
        check(
            "東海道新幹線は1964年、最後の噴火は1707年",
            &["1964=1964", "1707=1707"],
        );
    }

    #[test]
    fn number_words() {
        assert_eq!(number_word_values("Three cats in March"), [3.0, 3.0]);
        assert_eq!(number_word_values("Четвёртого октября, три недели"), [4.0, 3.0]);
    }
}
