//! Numbers and quantities in text, and whether a rewrite kept them.
//!
//! Values are compared, not spellings: `3.5%` = `3.50 %`, `1,000` = `1000`,
//! `$5` = `5 dollars`. Versions, hex literals and dotted numbers
//! (`1.2.3`, `0xff`, `10.0.0.1`) are compared as written. Signs are ignored
//! (a hyphen is more often a range or a dash than a minus). Digits inside
//! identifiers (`i32`, `x86_64`) belong to the names check, not this one.

use crate::lexicon::Lexicons;
use crate::lexicon::common::DIAMETER_SIGNS;
pub use crate::number_words::{
    cardinal_word_values, centuries_counted, fraction_values, number_word_values, ordinal_word_values,
};
pub(crate) use crate::number_words::{
    cardinal_word_values_in, centuries_counted_in, fraction_values_in, ordinal_word_values_in, years_later_in,
};

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
    /// Byte offset of its first digit in the text.
    pub start: usize,
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
        // (A CJK character before the `v` bounds it as a space does: に
        // V8 and ：V8 read alike.)
        // So is a diameter's sign (φ14.5 mm, ⌀8).
        let version_prefix = prev.is_some_and(|c| matches!(c, 'v' | 'V') || DIAMETER_SIGNS.contains(&c))
            && !text[..i - prev.map_or(0, char::len_utf8)]
                .chars()
                .next_back()
                .is_some_and(|c| (c.is_alphanumeric() && !crate::text::is_cjk(c)) || c == '_');
        // CJK text runs into its digits (は1964年): a CJK character before a
        // number does not make it part of an identifier.
        if (prev.is_some_and(|c| (c.is_alphanumeric() && !crate::text::is_cjk(c)) || c == '_')
            && !version_prefix)
            || after_a_formula_group(&text[..i])
        {
            // Digits inside an identifier: skip the whole identifier, its
            // decimal part too (M7.4, B55.0: no number 4 or 0 of their own).
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'_'
                    || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            {
                i += 1;
            }
            continue;
        }
        let (end, quantity) = scan_number(text, i);
        let (end, quantity) = match quantity {
            Quantity::Value(v) => {
                let (end, v) = times_power_of_ten(text, end, v);
                let (end, v) = spelled_power_of_ten(text, end, v);
                let (end, v) = scaled(text, end, v);
                let v = if end == i + 2 {
                    year_range_end(text, &out, i, v)
                } else {
                    v
                };
                (end, Quantity::Value(v))
            }
            literal => (end, literal),
        };
        out.push(NumberMention {
            written: text[i..end].trim_end().to_owned(),
            quantity,
            start: i,
        });
        i = end;
    }
    out
}

/// A power of ten spelled around its exponent after the 10 read
/// (10のマイナス15乗 = 1e-15, 10的9次方 = 1e9): the value, and where it ends.
fn spelled_power_of_ten(text: &str, end: usize, value: f64) -> (usize, f64) {
    if value != 10.0 {
        return (end, value);
    }
    for &(joiner, minus, after) in Lexicons::all().entries(|l| l.power_words) {
        let Some(rest) = text[end..].strip_prefix(joiner) else {
            continue;
        };
        let (negative, rest) = match rest.strip_prefix(minus) {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(exponent) = rest[..digits].parse::<i32>() else {
            continue;
        };
        if digits > 0 && rest[digits..].starts_with(after) {
            let exponent = if negative { -exponent } else { exponent };
            let end = text.len() - rest.len() + digits + after.len();
            return (end, 10f64.powi(exponent));
        }
    }
    (end, value)
}

/// Whether `before` ends with a bracketed group of a chemical formula
/// ((Fe,Ni)9S8, Ca(OH)2, Pd(PPh3)4): the digits after it count atoms, as
/// those after a letter do, and a rewrite may write them as subscripts.
fn after_a_formula_group(before: &str) -> bool {
    let Some(inner) = before.strip_suffix(')') else {
        return false;
    };
    let Some(open) = inner.rfind('(') else {
        return false;
    };
    let group = &inner[open + 1..];
    // An acronym in brackets ((WHO) 2) is no group; (OH) and (CN) are.
    let element_like = group.bytes().any(|b| b.is_ascii_lowercase() || b == b',') || group.len() <= 2;
    !group.is_empty()
        && group.bytes().all(|b| b.is_ascii_alphanumeric() || b == b',')
        && group.bytes().any(|b| b.is_ascii_uppercase())
        && element_like
}

/// Whether a value reads as a calendar year: the one range every year rule
/// (ranges, decades, intervals, the year after) shares.
pub(crate) fn is_year(v: f64) -> bool {
    v.fract() == 0.0 && (1000.0..=2100.0).contains(&v)
}

/// The year that two digits after a year and a dash end a range with
/// (1914–18, 1467〜77: 1918, 1477); `v` itself otherwise.
fn year_range_end(text: &str, before: &[NumberMention], start: usize, v: f64) -> f64 {
    let Some(NumberMention {
        quantity: Quantity::Value(year),
        start: year_start,
        written,
    }) = before.last()
    else {
        return v;
    };
    let dash = &text[year_start + written.len()..start];
    let is_year = is_year(*year) && written.len() == 4;
    // A hyphen also writes a date's month (2004-07): only past 12 does it
    // end a range.
    let month = dash == "-" && v <= 12.0;
    if is_year
        && !month
        && dash.chars().count() == 1
        && dash.contains(crate::lexicon::common::RANGE_DASHES)
        && year % 100.0 < v
    {
        year - year % 100.0 + v
    } else {
        v
    }
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
    // Or a space of any width (`10 000`, `10\u{a0}000`), after a group of
    // at most three digits: a year before a count (`2019 100`) is two numbers.
    if end - start <= 3 {
        while let Some(next) = spaced_group(text, end) {
            digits.push_str(text[end..next].trim_start_matches(|c: char| !c.is_ascii_digit()));
            end = next;
        }
    }
    // A decimal comma (`0,5`, `3,1415`): one comma, then other than three
    // digits, and not a list (`1,2,3`).
    let mut fraction = String::new();
    if end - start == digits.len() && bytes.get(end) == Some(&b',') {
        let next = digits_end(bytes, end + 1);
        let list = (bytes.get(next) == Some(&b',') && bytes.get(next + 1).is_some_and(u8::is_ascii_digit))
            || (start >= 2 && bytes[start - 1] == b',' && bytes[start - 2].is_ascii_digit());
        if next > end + 1 && next - (end + 1) != 3 && !list {
            fraction = text[end + 1..next].to_owned();
            end = next;
        }
    }
    let mut dotted_groups = 0;
    if !fraction.is_empty() {
        dotted_groups = 1;
    }
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
    // Scientific notation: `1e7`, `2.5E-3`, not `3em` or `1e7x`.
    let mut exponent = 0i32;
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'-' | b'+')));
        let next = digits_end(bytes, end + 1 + sign);
        if next > end + 1 + sign
            && !bytes
                .get(next)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            exponent = text[end + 1..next].parse().unwrap_or(0);
            end = next;
        }
    }
    let value = if fraction.is_empty() {
        digits.parse::<f64>()
    } else {
        format!("{digits}.{fraction}").parse::<f64>()
    };
    match value {
        Ok(v) if exponent != 0 => (end, Quantity::Value(v * 10f64.powi(exponent))),
        Ok(v) => (end, Quantity::Value(v)),
        Err(_) => (end, Quantity::Literal(text[start..end].to_owned())),
    }
}

/// The end of a group of three digits after a space (`10 000`) at `end`,
/// if one follows and no further digit does.
fn spaced_group(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    let space = rest
        .chars()
        .next()
        .filter(|c| crate::lexicon::common::DIGIT_GROUP_SPACES.contains(c))?;
    let from = end + space.len_utf8();
    let bytes = text.as_bytes();
    let next = digits_end(bytes, from);
    (next - from == 3 && !bytes.get(next).is_some_and(u8::is_ascii_digit)).then_some(next)
}

/// A value followed by a power of ten it is multiplied by (`1.7 × 10⁷`,
/// `10⁶`, `10^6`): the product, and where it ends.
fn times_power_of_ten(text: &str, end: usize, value: f64) -> (usize, f64) {
    // `10⁶` on its own is a power of ten.
    if value == 10.0
        && let Some((next, exponent)) = exponent_at(text, end)
    {
        return (next, 10f64.powi(exponent));
    }
    let rest = &text[end..];
    let trimmed = rest.trim_start_matches(' ');
    let Some(after_sign) = trimmed
        .strip_prefix('×')
        .or_else(|| trimmed.strip_prefix('·'))
        .or_else(|| trimmed.strip_prefix('*'))
    else {
        return (end, value);
    };
    let after_sign = after_sign.trim_start_matches(' ');
    let Some(after_ten) = after_sign.strip_prefix("10") else {
        return (end, value);
    };
    let at = text.len() - after_ten.len();
    match exponent_at(text, at) {
        Some((next, exponent)) => (next, value * 10f64.powi(exponent)),
        None => (end, value),
    }
}

/// An exponent written at `at`: superscript digits (`⁻³`) or a caret
/// (`^6`, `^-3`).
fn exponent_at(text: &str, at: usize) -> Option<(usize, i32)> {
    const SUPERSCRIPTS: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    let rest = &text[at..];
    let (body, len) = match rest.strip_prefix('^') {
        Some(after) => {
            let n = after
                .char_indices()
                .take_while(|&(i, c)| c.is_ascii_digit() || (i == 0 && c == '-'))
                .count();
            (after[..n].to_owned(), 1 + n)
        }
        None => {
            let mut body = String::new();
            let mut len = 0;
            for c in rest.chars() {
                if c == '⁻' && body.is_empty() {
                    body.push('-');
                } else if let Some(i) = SUPERSCRIPTS.find(c) {
                    body.push(char::from(b'0' + (SUPERSCRIPTS[..i].chars().count() as u8)));
                } else {
                    break;
                }
                len += c.len_utf8();
            }
            (body, len)
        }
    };
    body.parse().ok().map(|e| (at + len, e))
}

/// Every lexicon's scale words in order, each with the lower case it is
/// matched in (`M` is matched in lower case, then as written in
/// [`scaled`]): lower-cased once, not for every number read.
static SCALE_KEYS: std::sync::LazyLock<Vec<(&'static str, String, f64)>> = std::sync::LazyLock::new(|| {
    crate::lexicon::ALL
        .iter()
        .flat_map(|l| l.scale_words.iter())
        .map(|&(word, scale)| (word, word.to_lowercase(), scale))
        .collect()
});

/// A value followed by a scale word (`10 тысяч`, `1000万`, `2.5 million`):
/// the scaled value, and where the word ends.
fn scaled(text: &str, end: usize, value: f64) -> (usize, f64) {
    let rest = &text[end..];
    let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
    let rest = &rest[gap..];
    let lower = rest.chars().take(16).collect::<String>().to_lowercase();
    for &(word, ref key, scale) in SCALE_KEYS.iter() {
        if let Some(after) = lower.strip_prefix(key.as_str()) {
            // 兆瓦 is megawatts: a metric prefix, not a scale — in a
            // language whose own scale words do not hold it (万吨 is
            // ten thousand tonnes).
            if crate::lexicon::ALL.iter().any(|l| {
                l.prefix_units.iter().any(|u| after.starts_with(u))
                    && !l.scale_words.iter().any(|(own, _)| *own == word)
            }) {
                continue;
            }
            // A Latin word must end there (`millions`, not `millimetre`:
            // the list holds whole words and their plural).
            let tail = after.chars().next();
            let latin = word.is_ascii();
            if latin && tail.is_some_and(char::is_alphabetic) {
                continue;
            }
            // A one-letter scale (190k) only glued and as the list
            // writes it: 300 K is a temperature.
            if latin
                && word.len() == 1
                && (gap > 0
                    || !rest.starts_with(word)
                    || tail.is_some_and(|c| {
                        !(c.is_whitespace() || crate::lexicon::common::SCALE_TAIL_MARKS.contains(&c))
                    }))
            {
                // (and not in a formula: `a[2k+1]`)
                continue;
            }
            // A stem (тыс) runs to the end of its word (тысяч).
            let stem = !latin && !word.chars().any(crate::text::is_cjk);
            let written: usize = rest
                .char_indices()
                .skip(word.chars().count())
                .find(|&(_, c)| !(stem && c.is_alphabetic()))
                .map_or(rest.len(), |(i, _)| i);
            // Japanese and Chinese write the rest after the scale:
            // 135万5000 is 1 355 000, 716万3520 is 7 163 520.
            let after = end + gap + written;
            let bytes = text.as_bytes();
            // Typeset with spaces (約 2 万 9 千年前), the rest is read
            // only with its own unit: "2 万 3" may be two numbers.
            let spaced =
                |at: usize| at + text[at..].len() - text[at..].trim_start_matches([' ', '\u{a0}']).len();
            let rest_start = spaced(after);
            let mut rest_end = digits_end(bytes, rest_start);
            // Its thousands may be grouped (1万5,893).
            let grouped = rest_end - rest_start <= 3;
            while grouped
                && bytes.get(rest_end) == Some(&b',')
                && digits_end(bytes, rest_end + 1) == rest_end + 4
            {
                rest_end += 4;
            }
            if !latin
                && !stem
                && rest_end > rest_start
                && bytes.get(rest_end).is_none_or(|b| *b != b'.')
                && let Ok(rest) = text[rest_start..rest_end].replace(',', "").parse::<f64>()
                && rest < scale
            {
                // Or with a smaller unit of its own (36万5千), a smaller
                // scale too (2亿9430万 is 294 300 000).
                let unit_at = if rest_start > after {
                    spaced(rest_end)
                } else {
                    rest_end
                };
                let unit = text[unit_at..].chars().next().and_then(|c| {
                    crate::lexicon::common::CJK_SMALL_UNITS
                        .iter()
                        .chain(crate::lexicon::common::CJK_SCALE_CHARS)
                        .find(|(u, _)| *u == c)
                        .map(|&(u, factor)| (u.len_utf8(), factor))
                });
                if let Some((len, factor)) = unit
                    && rest * factor < scale
                {
                    return (unit_at + len, value * scale + rest * factor);
                }
                if rest_start == after {
                    return (rest_end, value * scale + rest);
                }
            }
            return (after, value * scale);
        }
    }
    (end, value)
}

/// The most letters a label's plural or case ending adds to it (steps,
/// шагов).
const LABEL_ENDING: usize = 2;

/// Whether the number at byte `start` numbers a step or a case the text
/// labels ("Step 2", "Шаг 2", 第2步, ステップ2), or ends a range of them
/// ("steps 1–5", "из шагов 1–5").
pub fn after_label(text: &str, start: usize, lex: Lexicons) -> bool {
    let mut before = text[..start].trim_end_matches([' ', '#', '\u{a0}']);
    // The range's first number and its mark (1–), when there is one.
    if let Some(first) = before.strip_suffix(['–', '-'])
        && first.ends_with(|c: char| c.is_ascii_digit())
    {
        before = first.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end();
    }
    let lower = before.chars().rev().take(16).collect::<String>();
    let lower: String = lower.chars().rev().collect::<String>().to_lowercase();
    // A label of letters may take a plural or case ending (steps, шагов).
    let word: &str = lower.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    lex.words(|l| l.enumeration_labels).any(|label| {
        let lettered = label.chars().all(char::is_alphabetic) && !label.chars().any(crate::text::is_cjk);
        if lettered {
            word.starts_with(label) && word.chars().count() <= label.chars().count() + LABEL_ENDING
        } else {
            lower.ends_with(label)
        }
    })
}

/// Whether what follows byte `end` counts items ("2つ", "3 kinds").
pub fn counts_items(text: &str, end: usize, lex: Lexicons) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\u{a0}']);
    lex.words(|l| l.item_counters).any(|counter| {
        rest.starts_with(counter)
            && !rest[counter.len()..].chars().next().is_some_and(|c| {
                c.is_alphanumeric() && !crate::text::is_cjk(c) && !counter.chars().any(crate::text::is_cjk)
            })
    })
}

/// Whether what follows byte `end` makes the year before it a decade
/// ("1960s", "1960-х", 1960年代).
pub fn decade_follows(text: &str, end: usize, lex: Lexicons) -> bool {
    let rest = &text[end..];
    lex.words(|l| l.decade_suffixes).any(|suffix| {
        rest.starts_with(suffix)
            && !rest[suffix.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() && !crate::text::is_cjk(c))
    })
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
#[path = "numbers_tests.rs"]
mod tests;
