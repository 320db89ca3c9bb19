//! Numbers in aligned sentences: a unit exchanged for another of its kind
//! ("three days" → "three weeks"), a value changed into one the source does
//! not have, digits, number words or CJK numerals alike.

use crate::lexicon::Lexicons;
use crate::numbers::{Quantity, numbers};
use crate::words::{Lowered, count_one, unit_families};

use super::{AlignmentFindings, Group};

/// The number checks on one aligned group.
pub(super) fn in_group(group: &Group, source_values: &[u64], out: &mut AlignmentFindings) {
    let (src, rw) = (&group.lowered_src, &group.lowered_rw);
    if let Some((from, to)) = changed_unit(src, rw, group.lex) {
        out.numbers.push(group.finding(format!(
            "the unit “{from}” became “{to}”; keep the source's quantities"
        )));
    }
    if let Some((from, to)) = changed_value((group.src, src), (group.rw, rw), source_values, group.lex) {
        out.numbers.push(group.finding(format!(
            "the number {from} became {to}; keep the source's numbers"
        )));
    }
}

/// A unit of the group's source exchanged for another of its kind.
fn changed_unit(src: &Lowered, rw: &Lowered, lex: Lexicons) -> Option<(String, String)> {
    for (family, forms) in unit_families(lex) {
        let counts: Vec<(usize, usize)> = forms
            .iter()
            .map(|&u| (count_one(src, u), count_one(rw, u)))
            .collect();
        let fewer = counts.iter().position(|(s, r)| r < s);
        let more = counts.iter().position(|(s, r)| r > s);
        if let (Some(a), Some(b)) = (fewer, more) {
            return Some((family[a].to_owned(), family[b].to_owned()));
        }
    }
    None
}

/// A value of the group's source missing from its rewrite while the rewrite
/// states a value the source never does.
fn changed_value(
    (src, lowered_src): (&str, &Lowered),
    (rw, lowered_rw): (&str, &Lowered),
    source_values: &[u64],
    lex: Lexicons,
) -> Option<(u64, u64)> {
    let (src_values, rw_values) = (
        stated_values(src, lowered_src, lex),
        stated_values(rw, lowered_rw, lex),
    );
    let lost = src_values.iter().find(|v| !rw_values.contains(v))?;
    // "one" may be an article; a value changed into one is not read.
    let gained = rw_values
        .iter()
        .find(|v| **v != 1 && !source_values.contains(v))?;
    Some((*lost, *gained))
}

/// Whole values a text states: in digits, as cardinal and count words, or
/// as CJK numerals (两万, 四百, 二十万).
pub(super) fn stated_values(text: &str, lowered: &Lowered, lex: Lexicons) -> Vec<u64> {
    let mut out: Vec<u64> = numbers(text)
        .into_iter()
        .filter_map(|m| match m.quantity {
            Quantity::Value(v) if v.fract() == 0.0 && (0.0..1e15).contains(&v) => Some(v as u64),
            _ => None,
        })
        .collect();
    // Counts said without a number word, beside the cardinals.
    for &(word, v) in lex.entries(|l| l.cardinals).chain(lex.entries(|l| l.count_words)) {
        let n = lowered.count(word);
        out.extend(std::iter::repeat_n(v, n));
    }
    if lowered.has_cjk() {
        out.extend(cjk_numerals(text));
    }
    out
}

/// Values of runs of CJK numerals.
pub(crate) fn cjk_numerals(text: &str) -> Vec<u64> {
    // Every numeral is a CJK character.
    if !crate::text::may_have_cjk(text) {
        return Vec::new();
    }
    let digit = |c: char| {
        crate::lexicon::common::CJK_DIGITS
            .find(c)
            .map(|i| (i / 3) as u64)
            .or(if c == '两' { Some(2) } else { None })
    };
    let unit = |c: char| match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        '万' => Some(10_000),
        _ => None,
    };
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() && unit(chars[i]).is_none() {
            i += 1;
            continue;
        }
        let (mut total, mut section, mut current) = (0u64, 0u64, 0u64);
        let mut any_digit = false;
        while i < chars.len() {
            let c = chars[i];
            if let Some(d) = digit(c) {
                current = d;
                any_digit = true;
            } else if let Some(u) = unit(c) {
                if u == 10_000 {
                    total += (section + current.max(u64::from(!any_digit))) * u;
                    section = 0;
                } else {
                    section += current.max(1) * u;
                }
                current = 0;
            } else {
                break;
            }
            i += 1;
        }
        let value = total + section + current;
        if value > 0 {
            out.push(value);
        }
    }
    out
}
