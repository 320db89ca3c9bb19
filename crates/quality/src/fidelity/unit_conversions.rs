//! A value said in another unit of its kind: a metric length, mass,
//! volume or area (304 см → 3,04 м, 65000平方米 → 6.5公顷) and a duration (3–5 суток → от 72 до 120
//! часов, 3 ч 30 мин → 3,5 часа, 93 分钟 → 1 小时 33 分). The units are
//! data: `METRIC_UNITS` in the common lexicon, each language's
//! `duration_units`.

use crate::lexicon::Lexicons;
use crate::numbers::{NumberMention, Quantity};

/// The most characters a unit of time is written with (секунды, 个星期).
const MAX_UNIT_CHARS: usize = 8;

/// The family durations are read in (after the metric families of
/// `METRIC_UNITS`); a duration's size is its unit's length in seconds.
const DURATION: u8 = u8::MAX;

/// The text after the number `written` at `start`, past the other end of
/// a range or a dimension that shares the unit written after the last
/// (304 × 587,5 см, 5〜10 μm, 3 to 5 days, от 72 до 120 часов).
fn unit_text_after<'t>(text: &'t str, start: usize, written: &str, lex: Lexicons) -> &'t str {
    let rest = text[start + written.len()..].trim_start();
    let joined = rest
        .strip_prefix(['×', 'x', '*'])
        .or_else(|| rest.strip_prefix(crate::lexicon::common::RANGE_MARKS))
        .or_else(|| {
            lex.words(|l| l.range_words)
                .find_map(|w| rest.strip_prefix(w))
                // A word joins only a number to a number (3 to 5 days).
                .filter(|after| after.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        });
    match joined {
        Some(after) => after
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',')
            .trim_start(),
        None => rest,
    }
}

/// The unit of time `rest` begins with: its length in seconds and the
/// bytes it takes in `rest`. A word of letters said whole (3 days, 72
/// часов) or CJK characters glued or spaced (60 分钟). `分` of a fraction
/// (4分の1, 3分之1) is no minute.
fn duration_unit_at(rest: &str, lex: Lexicons) -> Option<(f64, usize)> {
    if lex.words(|l| l.fraction_links).any(|link| rest.starts_with(link)) {
        return None;
    }
    let word_len = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphabetic() || crate::text::is_cjk(c))
        .map_or(rest.len(), |(i, _)| i);
    let word = rest[..word_len].to_lowercase();
    lex.entries(|l| l.duration_units).find_map(|&(unit, seconds)| {
        if unit.starts_with(crate::text::is_cjk) {
            rest.starts_with(unit).then_some((seconds, unit.len()))
        } else {
            (word == unit).then_some((seconds, word_len))
        }
    })
}

/// The unit written right after the number at `start` (304 см, 3.04 m,
/// 72 часов): its family and size.
fn unit_after(text: &str, start: usize, written: &str, lex: Lexicons) -> Option<(u8, f64)> {
    let rest = unit_text_after(text, start, written, lex);
    if let Some((seconds, _)) = duration_unit_at(rest, lex) {
        return Some((DURATION, seconds));
    }
    // (CJK text may follow a symbol unspaced: 10 μm程度; a square's or a
    // cube's sign is the symbol's: m², км³.)
    let symbol: String = rest
        .chars()
        .take_while(|&c| (c.is_alphabetic() && !crate::text::is_cjk(c)) || matches!(c, '²' | '³'))
        .collect();
    crate::lexicon::common::METRIC_UNITS
        .iter()
        .find(|(s, _, _)| {
            *s == symbol || (symbol.is_empty() && s.starts_with(crate::text::is_cjk) && rest.starts_with(s))
        })
        .map(|&(_, family, size)| (family, size))
}

/// A number in digits at the start of `s` and its length in bytes (30,
/// 3,5, 1.5).
fn leading_number(s: &str) -> Option<(f64, usize)> {
    let end = s
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || (matches!(c, '.' | ',') && s[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
        })
        .map_or(s.len(), |(i, _)| i);
    s[..end].replace(',', ".").parse().ok().map(|v| (v, end))
}

/// The length in seconds of the duration of two units the number `m`
/// begins or ends (3 ч 30 мин, 1 小时 33 分, 1 hour and 30 minutes): the
/// larger unit first, then the smaller.
fn two_unit_total(text: &str, m: &NumberMention, lex: Lexicons) -> Option<(f64, [f64; 2])> {
    let Quantity::Value(v) = m.quantity else {
        return None;
    };
    let after = text[m.start + m.written.len()..].trim_start();
    let (own, own_len) = duration_unit_at(after, lex)?;
    // Forward: this number's unit, then a smaller one's number.
    let next = after[own_len..].trim_start();
    let next = lex
        .words(|l| l.list_joiners)
        .find_map(|j| next.strip_prefix(j.trim()))
        .map_or(next, str::trim_start);
    if let Some((n, len)) = leading_number(next)
        && let Some((smaller, _)) = duration_unit_at(next[len..].trim_start(), lex)
        && smaller < own
    {
        return Some((v * own + n * smaller, [v, n]));
    }
    // Backward: a larger unit's number, then this one. (The few characters
    // before it, lower-cased once: a unit is a short word.)
    let before = text[..m.start].trim_end();
    let before = lex
        .words(|l| l.list_joiners)
        .find_map(|j| before.strip_suffix(j.trim()))
        .map_or(before, str::trim_end);
    let tail = super::number_forms::lowered_tail(before, MAX_UNIT_CHARS);
    let (unit_start, larger) = lex
        .entries(|l| l.duration_units)
        .filter(|&&(_, seconds)| seconds > own)
        .find_map(|&(unit, seconds)| {
            tail.ends_with(unit)
                .then(|| (before.len() - unit.len(), seconds))
                // A letters' unit is a word of its own (not the "ч" of "луч").
                .filter(|&(at, _)| {
                    before.is_char_boundary(at)
                        && (unit.starts_with(crate::text::is_cjk)
                            || !before[..at].ends_with(char::is_alphabetic))
                })
        })?;
    let digits = before[..unit_start].trim_end();
    let number_start = digits
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map_or(0, |i| i + digits[i..].chars().next().map_or(1, char::len_utf8));
    let (n, _) = leading_number(&digits[number_start..])?;
    Some((n * larger + v * own, [n, v]))
}

/// A value of a text in a unit of the tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Measure {
    family: u8,
    /// The unit's size in its family's base unit.
    size: f64,
    value: f64,
    /// The text's numbers it is written with: itself, or a duration's two
    /// (3 and 30 of 3 ч 30 мин).
    pub(super) written: [f64; 2],
}

/// The values of `text` written in a unit of the tables (304 см: length,
/// size 0.01, 304); a duration of two units counts as well, in seconds
/// (3 ч 30 мин: duration, size 1, 12600, written with 3 and 30).
pub(super) fn metric_values(text: &str, numbers: &[NumberMention], lex: Lexicons) -> Vec<Measure> {
    let mut out: Vec<Measure> = numbers
        .iter()
        .filter_map(|k| {
            let Quantity::Value(v) = k.quantity else {
                return None;
            };
            unit_after(text, k.start, &k.written, lex).map(|(family, size)| Measure {
                family,
                size,
                value: v,
                written: [v, v],
            })
        })
        .collect();
    if lex.entries(|l| l.duration_units).next().is_none() {
        return out;
    }
    for k in numbers {
        if let Some((total, written)) = two_unit_total(text, k, lex) {
            let whole = Measure {
                family: DURATION,
                size: 1.0,
                value: total,
                written,
            };
            if !out.contains(&whole) {
                out.push(whole);
            }
        }
    }
    out
}

/// Whether the rewrite's number `m` (in a unit of the tables) is one of
/// the source's `metric` values in another unit of the same kind,
/// converted (304 см → 3,04 м), or a part of a duration of two units that
/// is one (3 суток → 2 суток 24 часа; 93 分钟 → 1 小时 33 分).
pub(super) fn is_unit_conversion(
    metric: &[Measure],
    rewrite: &str,
    m: &NumberMention,
    lex: Lexicons,
) -> bool {
    conversions_of(metric, rewrite, m, lex).next().is_some()
}

/// The source's values the rewrite says in another unit of their kind
/// (75 mm → 7.5 cm), as the source writes them (both numbers of 3 ч 30 мин).
pub(super) fn source_values_converted(
    metric: &[Measure],
    (rewrite, rewrite_numbers, rewrite_lex): (&str, &[NumberMention], Lexicons),
) -> Vec<f64> {
    rewrite_numbers
        .iter()
        .flat_map(|m| conversions_of(metric, rewrite, m, rewrite_lex))
        .flat_map(|k| k.written)
        .collect()
}

/// The measures of `metric` the rewrite's number `m` says in another unit
/// (see [`is_unit_conversion`]); its unit and the readings around it are
/// read once for all of them.
fn conversions_of<'k>(
    metric: &'k [Measure],
    rewrite: &str,
    m: &NumberMention,
    lex: Lexicons,
) -> impl Iterator<Item = &'k Measure> {
    let unit = match m.quantity {
        Quantity::Value(v) => unit_after(rewrite, m.start, &m.written, lex).map(|u| (v, u)),
        Quantity::Literal(_) => None,
    };
    let (v, (family, size)) = unit.unwrap_or((0.0, (0, 0.0)));
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1e-12);
    // Said to be approximate (1921 m（约1.92 km）), rounded to the places
    // it shows.
    let approximate = unit.is_some() && super::derived_numbers::said_to_be_approximate(rewrite, m, lex);
    let places = m
        .written
        .rsplit_once(['.', ','])
        .map_or(0, |(_, d)| d.chars().take_while(char::is_ascii_digit).count());
    let factor = 10f64.powi(places as i32);
    let total = (unit.is_some() && family == DURATION)
        .then(|| two_unit_total(rewrite, m, lex).map(|(total, _)| total))
        .flatten();
    metric.iter().filter(move |k| {
        unit.is_some()
            && ((k.family == family
                && k.size != size
                && (same(k.value * k.size, v * size)
                    || (approximate && (k.value * k.size / size * factor).round() / factor == v)))
                || total.is_some_and(|total| k.family == DURATION && same(k.value * k.size, total)))
    })
}

/// Whether the rewrite's number `m` is a part of a duration of two units
/// that restates another duration the rewrite writes in one (93～98 分钟，
/// 约 1 小时 33 分至 1 小时 38 分): no number of its own; the one it
/// restates answers for it.
pub(super) fn restates_a_duration(
    rewrite: &str,
    numbers: &[NumberMention],
    m: &NumberMention,
    lex: Lexicons,
) -> bool {
    let Some((total, _)) = two_unit_total(rewrite, m, lex) else {
        return false;
    };
    numbers.iter().any(|n| {
        n.start != m.start
            && two_unit_total(rewrite, n, lex).is_none()
            && matches!(n.quantity, Quantity::Value(v)
                if unit_after(rewrite, n.start, &n.written, lex)
                    .is_some_and(|(family, size)| family == DURATION && (v * size - total).abs() < 1e-6))
    })
}

#[cfg(test)]
mod tests {
    use crate::fidelity::number_check::tests::number_findings;

    #[test]
    fn a_duration_said_in_another_unit_is_the_sources() {
        let source = "Брожение идёт 3–5 суток; безостановочные рейсы проходят путь за 3 ч 30 мин.";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(
            numbers("Бродит 3–5 суток (от 72 до 120 часов); рейс без остановок идёт 3,5 часа.").is_empty()
        );
        // Another length of time is still a changed number.
        assert!(
            !numbers("Бродит 3–5 суток (от 72 до 100 часов); рейс без остановок идёт 3,5 часа.").is_empty()
        );
        assert!(
            !numbers("Бродит 3–5 суток (от 72 до 120 часов); рейс без остановок идёт 4,5 часа.").is_empty()
        );
        let source = "在28～32℃处发酵约1小时，再蒸15分钟。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("放在 28～32 ℃ 的地方发酵约 1 小时（60 分钟），再蒸 15 分钟。").is_empty());
        assert!(!numbers("放在 28～32 ℃ 的地方发酵约 1 小时（90 分钟），再蒸 15 分钟。").is_empty());
        // Two units said as one, and one as two.
        let source = "The climb takes 90 minutes and the descent 1 hour 15 minutes.";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("Up: 1 hour 30 minutes. Down: 75 minutes.").is_empty());
        assert!(!numbers("Up: 1 hour 40 minutes. Down: 75 minutes.").is_empty());
    }

    #[test]
    fn a_conversion_said_to_be_approximate_may_be_rounded_and_power_converts() {
        let source = "祝融号累计行驶1921米，电站总装机271.5万kW。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("累计行驶 1921 m（约1.92 km）；总装机271.5万kW（2715 MW）。").is_empty());
        // Not said to be approximate, or rounded wrong: a changed number.
        assert!(!numbers("累计行驶 1921 m（1.92 km）；总装机271.5万kW（2715 MW）。").is_empty());
        assert!(!numbers("累计行驶 1921 m（约1.93 km）；总装机271.5万kW（2715 MW）。").is_empty());
        assert!(!numbers("累计行驶 1921 m（约1.92 km）；总装机271.5万kW（2751 MW）。").is_empty());
        // Area, in CJK names and in symbols with the square's sign.
        let source = "馆区占地面积65000平方米，其中库区8000平方米。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("馆区占地65000平方米（即6.5公顷），库区8000平方米。").is_empty());
        assert!(!numbers("馆区占地65000平方米（即6.8公顷），库区8000平方米。").is_empty());
        let numbers = |rewrite: &str| number_findings("The park covers 4.2 km².", rewrite);
        assert!(numbers("The park covers 420 ha.").is_empty());
        assert!(!numbers("The park covers 42 ha.").is_empty());
        // A nautical mile, by its name's first word.
        let numbers = |rewrite: &str| number_findings("Дальность видимости — 17,5 морской мили.", rewrite);
        assert!(numbers("Дальность: 17,5 морской мили (≈ 32,4 км).").is_empty());
        assert!(!numbers("Дальность: 17,5 морской мили (≈ 30,4 км).").is_empty());
    }

    #[test]
    fn years_counted_in_decades_or_centuries_are_the_sources() {
        let source = "It remained the tallest for nearly 40 years, until 1970.";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("For nearly four decades, until 1970, it was the tallest.").is_empty());
        assert!(!numbers("For nearly three decades, until 1970, it was the tallest.").is_empty());
        // A century written as an ordinal glued to its word by a hyphen.
        let source = "It opened in Montagu House, a 17th-century mansion.";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("It opened in Montagu House, a big old house from the 1600s.").is_empty());
        assert!(!numbers("It opened in Montagu House, a big old house from the 1700s.").is_empty());
    }

    #[test]
    fn a_duration_restated_in_two_units_is_no_new_number() {
        let source = "先发酵45分钟，再蒸40分钟。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("共需 45 + 40 = 85 分钟，即 1 小时 25 分。").is_empty());
        assert_eq!(
            numbers("共需 45 + 40 = 85 分钟，即 1 小时 35 分。"),
            ["the number 35 is not in the source"]
        );
    }

    #[test]
    fn million_tonnes_are_megatonnes() {
        let source = "India's output rose from 12.3 to 20.1 million tonnes.";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("India's output rose from 12.3 to 20.1 Mt.").is_empty());
        assert!(!numbers("India's output rose from 12.3 to 21.1 Mt.").is_empty());
    }

    #[test]
    fn an_hour_after_noon_may_be_written_on_a_24_hour_clock() {
        let source = "営業時間は午前7時から午後11時までだった。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("営業時間は7時〜23時だった。").is_empty());
        assert!(!numbers("営業時間は7時〜22時だった。").is_empty());
    }

    #[test]
    fn a_fraction_or_a_calendar_day_is_no_duration() {
        // 4分の1 is a quarter, not four minutes: 15 is no conversion of it.
        let source = "費用の4分の1を国が負担し、工事は3時間かかる。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(!numbers("費用の4分の1（15分）を国が負担し、工事は3時間かかる。").is_empty());
        assert!(numbers("費用の4分の1を国が負担し、工事は180分かかる。").is_empty());
    }
}
