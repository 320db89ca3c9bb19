//! What excuses a number the source does not have: the source's values
//! in words and other forms, list numbers a rewrite adds, and results of
//! arithmetic it writes out. Read by the numbers check only when a rewrite
//! has such a number.

use crate::numbers::Quantity;

use super::derived_numbers::next_days;
use super::number_forms::{is_year, list_marker_values, scale_factors};

/// Values a rewrite may add without inventing them.
pub(super) struct Excused {
    /// The source's values, in digits or words.
    pub(super) known: Vec<f64>,
    /// Numbers of list items the rewrite added, and values derived by
    /// arithmetic the rewrite writes out.
    pub(super) others: Vec<f64>,
}

impl Excused {
    pub(super) fn contains(&self, v: f64) -> bool {
        // A derived result restated rounded (215000000 ÷ 365 ≈ 589041 →
        // "about 58.9万") is the same result.
        self.known.contains(&v)
            || self
                .others
                .iter()
                .any(|d| *d == v || (v != 0.0 && (d - v).abs() <= 0.005 * d.abs()))
    }

    /// [`Self::contains`], or a derived result restated to the precision
    /// `written` shows (≈ 23.4, "roughly 23 times"), as a percentage
    /// (8,750 ÷ 20,000 = 0.4375, "43.75 %") or with a scale word of the
    /// rewrite's (7.1 ÷ 0.8 = 8.875, "约8.9万吨"); or a source value so
    /// restated with a scale word (125 640 021 → "125,64 млн").
    pub(super) fn contains_restated(&self, v: f64, written: &str, scales: &[f64]) -> bool {
        if self.contains(v) {
            return true;
        }
        // A scale word written with the number (125,64 млн) is more than
        // its digits and separators.
        let own_scales = if written.contains(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | ' ')))
        {
            scale_factors(written)
        } else {
            Vec::new()
        };
        if self.others.is_empty() && own_scales.is_empty() {
            return false;
        }
        let digits = written.trim_end_matches(|c: char| !c.is_ascii_digit());
        let decimals = digits
            .rsplit_once(['.', ','])
            .map_or(0, |(_, d)| d.chars().take_while(char::is_ascii_digit).count());
        // A round number's zeros past the first are not shown precision
        // (约400亿 for 396.8亿 is rounded to tens).
        let zeros = if decimals == 0 {
            digits
                .chars()
                .rev()
                .take_while(|&c| c == '0')
                .count()
                .saturating_sub(1)
        } else {
            0
        };
        let half_unit = 0.5 * 10f64.powi(zeros.min(9) as i32 - decimals.min(6) as i32);
        // Rounded, not moved: the shown precision is finer than a twentieth
        // of the value.
        let near = |x: f64, s: f64| (x - s).abs() <= half_unit && half_unit <= 0.05 * x.abs();
        self.others.iter().any(|d| {
            std::iter::once(v)
                .chain(scales.iter().map(|f| v / f))
                .any(|s| near(*d, s) || (d.abs() < 1.0 && near(d * 100.0, s)))
                // A result in units restated with a scale (39,680,000,000 →
                // 约400亿): both in the scale's units.
                || scales.iter().any(|f| near(d / f, v / f))
        }) || own_scales
            .iter()
            // The scale word written with this number (125,64 млн), not
            // elsewhere: "30 тысяч пластин" does not make 30 m a source value.
            .any(|f| self.known.iter().any(|k| near(k / f, v / f)))
    }
}

pub(super) fn excused_values(
    source_words: &crate::analysis::Analysis<'_>,
    source_numbers: &[crate::numbers::NumberMention],
    (rewrite, rewrite_lex): (&str, crate::lexicon::Lexicons),
    (wanted, converted): (&[(String, Quantity, usize)], &[f64]),
    scales: &[f64],
) -> Excused {
    let source = source_words.text;
    // A value the source does not have is a changed or invented number,
    // unless it only numbers a list item the rewrite added ("1. ").
    let mut others = if list_marker_values(source).is_empty() {
        list_marker_values(rewrite)
    } else {
        Vec::new()
    };
    // A number the source spells (three, 九, half, 九成) may be written in
    // digits, a fraction as a decimal or a percentage; one the rewrite
    // computes from the source's by arithmetic it writes out is derived,
    // not invented.
    // (The source's words come split once per report: `source_words`.)
    let mut known = crate::numbers::cardinal_word_values_in(source_words);
    // An ordinal from the third on (the fourth letter → "Letter 4"); first
    // and second say too much else ("a second", "first of all").
    known.extend(
        crate::numbers::ordinal_word_values_in(source_words)
            .into_iter()
            .filter(|v| *v >= 3.0),
    );
    known.extend(crate::align::cjk_numerals(source).into_iter().map(|v| v as f64));
    known.extend(crate::numbers::centuries_counted_in(source_words));
    let lex = crate::lexicon::Lexicons::for_text(source, None);
    // A count said as a multiple (twice, втрое) may be written in digits
    // (×2, 1/3 of).
    known.extend(source_words.lowered_words().iter().filter_map(|w| {
        lex.entries(|l| l.count_words)
            .find(|(word, _)| word == w)
            .map(|&(_, v)| v as f64)
    }));
    // A value in a unit with a CJK scale (7.1万吨: ten-thousand tonnes)
    // works in a computation in that unit (7.1 ÷ 0.8 = 8.875（万吨）).
    for m in source_numbers {
        let after = &source[m.start + m.written.len()..];
        let cjk_scaled = m.written.chars().any(|c| {
            crate::lexicon::common::CJK_SCALE_CHARS
                .iter()
                .any(|(s, _)| *s == c)
        }) && lex.words(|l| l.prefix_units).any(|u| after.starts_with(u));
        let mantissa = m
            .written
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()
            .filter(|digits| cjk_scaled && digits.len() < m.written.len());
        if let Some(v) = mantissa.and_then(|d| d.parse::<f64>().ok()) {
            known.push(v);
        }
    }
    // A share said as a fraction, and the share left over (4分の3: 75%,
    // and 25% for the rest).
    let fractions = crate::numbers::fraction_values_in(source_words);
    for &f in &fractions {
        known.extend([f, f * 100.0]);
        if f < 1.0 {
            known.extend([1.0 - f, (1.0 - f) * 100.0]);
        }
    }
    // That share of an amount its sentence names (塩80gを半量ずつ → 40g
    // each; half of the 300 seats → 150).
    if !fractions.is_empty() {
        for sentence in crate::text::sentences(source) {
            let shares = crate::numbers::fraction_values(sentence);
            // (`sentences` cuts `source` itself: its offset in it.)
            let at = sentence.as_ptr() as usize - source.as_ptr() as usize;
            for m in source_numbers
                .iter()
                .filter(|m| (at..at + sentence.len()).contains(&m.start))
            {
                if let Quantity::Value(v) = m.quantity {
                    known.extend(shares.iter().filter(|&&f| f < 1.0).map(|f| f * v));
                }
            }
        }
    }
    // A percentage works in a computation as its fraction (80% → 7.1 ÷ 0.8).
    // (The share it leaves, 100 − p, is no known value of its own: with a
    // few percentages, most small numbers would be one. It is read only as
    // a ratio, "99 in 100".)
    for m in source_numbers {
        if let Quantity::Value(v) = m.quantity
            && super::number_forms::percent_after(source, m.start + m.written.len(), lex)
        {
            known.push(v / 100.0);
        }
    }
    known.extend(wanted.iter().filter_map(|(_, q, _)| match q {
        Quantity::Value(v) => Some(*v),
        Quantity::Literal(_) => None,
    }));
    // The source's values the rewrite writes in another unit (150 см for
    // 1,5 м) count in that unit.
    known.extend_from_slice(converted);
    known.extend(code_class_bounds(source));
    // A year the source names by the one before or after it (1921 … 次年,
    // 1494 … a year earlier) may be written out (1922, 1493).
    // The source's lower case, once for the years and the days after.
    let lower = source_words.lower();
    let early = early_years(source, source_numbers, lex);
    let has_year = !early.is_empty() || known.iter().any(|v| is_year(*v));
    let says = |words: fn(&crate::lexicon::Lexicon) -> &'static [&'static str]| {
        has_year && lex.words(words).any(|w| lower.contains(w))
    };
    let mut steps: Vec<f64> = [
        (says(|l| l.next_year_words), 1.0),
        (says(|l| l.previous_year_words), -1.0),
    ]
    .into_iter()
    .filter_map(|(said, step)| said.then_some(step))
    .collect();
    // Or by a count of years after it (1823 … "Five years later" → 1828).
    if has_year {
        steps.extend(crate::numbers::years_later_in(source_words));
    }
    let years: Vec<f64> = known
        .iter()
        .filter(|v| is_year(**v))
        .chain(&early)
        .flat_map(|y| steps.iter().map(move |s| y + s))
        .collect();
    known.extend(years);
    // A time of day the source names (正午, noon) is its hour.
    known.extend(
        lex.entries(|l| l.named_hours)
            .filter(|(word, _)| lower.contains(word))
            .map(|&(_, hour)| hour),
    );
    let days = next_days(lower, &known, lex);
    known.extend(days);
    // A count the source says with a scale word (трёх миллионов) may come
    // back scaled (3 млн).
    let scaled: Vec<f64> = scales
        .iter()
        .flat_map(|f| known.iter().map(move |k| k * f))
        .collect();
    known.extend(scaled);
    // A computation may count in the source's scale word (190 万字: 190 ÷
    // 52 ≈ 3.65) and restate its result with it (3.65 万字).
    let in_scale_units: Vec<f64> = scales
        .iter()
        .flat_map(|f| known.iter().map(move |k| k / f))
        .collect();
    // A month's length a worked day count states (August has 31 days,
    // 6月30天) is the calendar's, and an operand of its arithmetic.
    known.extend(crate::calendar::stated_month_lengths(rewrite, rewrite_lex));
    let (derived, with_units) = crate::arithmetic::derived_values_twice(rewrite, &known, &in_scale_units);
    // Only a result counted in the scale's units is restated with it.
    let in_units: Vec<f64> = with_units.into_iter().filter(|v| !derived.contains(v)).collect();
    let rescaled: Vec<f64> = scales
        .iter()
        .flat_map(|f| in_units.iter().map(move |d| d * f))
        .collect();
    others.extend(derived);
    others.extend(in_units);
    others.extend(rescaled);
    Excused { known, others }
}

/// The source's years before 1000 (582年, "в 582 году"): a small whole
/// number a year mark of `lex` follows, not a word that counts years with
/// it (582年间).
fn early_years(
    source: &str,
    source_numbers: &[crate::numbers::NumberMention],
    lex: crate::lexicon::Lexicons,
) -> Vec<f64> {
    source_numbers
        .iter()
        .filter_map(|m| {
            let Quantity::Value(v) = m.quantity else {
                return None;
            };
            let after = &source[m.start + m.written.len()..];
            let marked = |words: fn(&crate::lexicon::Lexicon) -> &'static [&'static str]| {
                lex.words(words).any(|w| after.trim_start().starts_with(w))
            };
            (v.fract() == 0.0
                && (1.0..1000.0).contains(&v)
                && marked(|l| l.year_marks)
                && !marked(|l| l.year_units))
            .then_some(v)
        })
        .collect()
}

/// The bounds of each class of codes `text` writes with x's for its last
/// digits (4xx: the client errors), which a rewrite may write out (400〜499).
fn code_class_bounds(text: &str) -> Vec<f64> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices(['x', 'X']) {
        let class = at.checked_sub(1).map(|i| bytes[i]);
        let ends = |i: usize| bytes.get(i).is_none_or(|b| !b.is_ascii_alphanumeric());
        if let Some(digit @ b'1'..=b'9') = class
            && matches!(bytes.get(at + 1), Some(b'x' | b'X'))
            && (at < 2 || ends(at - 2))
            && ends(at + 2)
        {
            let hundred = f64::from(digit - b'0') * 100.0;
            out.extend([hundred, hundred + 99.0]);
        }
    }
    out
}

/// The scales a table's header row gives its cells in brackets ("2023 年
/// （亿元）", "Revenue (US$ million)"): a cell's 216784 is the source's
/// 216784 亿元.
pub(super) fn table_header_scales(text: &str) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    let mut lines = text.lines().map(str::trim).peekable();
    while let Some(line) = lines.next() {
        let is_header = line.starts_with('|')
            && lines
                .peek()
                .is_some_and(|rule| rule.starts_with('|') && rule.contains("---"));
        if !is_header {
            continue;
        }
        for opened in line.split(['(', '（']).skip(1) {
            let inside = opened.split([')', '）']).next().unwrap_or_default();
            for f in super::number_forms::scale_factors(inside) {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::fidelity::number_check::tests::number_findings;

    #[test]
    fn a_percentage_in_words_and_the_share_it_leaves_may_be_said_as_ratios() {
        let source = "Of 8 million objects about 80,000, or 1 per cent, are on display.";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(
            numbers("About 80,000 of 8 million are on display: 1 in every 100, so 99 in 100 are not.")
                .is_empty()
        );
        assert!(
            !numbers("About 80,000 of 8 million are on display: 1 in every 100, so 98 in 100 are not.")
                .is_empty()
        );
    }

    #[test]
    fn a_year_named_as_that_year_is_no_year_changed() {
        let source =
            "It was approved on 12 August 2011, published in September 2011 and replaced C++03 in 2011.";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("Approved on 12 August 2011 and published in September of that year, it replaced C++03 in 2011.").is_empty());
        // Without the words, a mention short and another year more: changed.
        assert!(
            !numbers(
                "Approved on 12 August 2011 and published in September 2012, it replaced C++03 in 2011."
            )
            .is_empty()
        );
    }

    #[test]
    fn a_share_of_an_amount_its_sentence_names_is_derived() {
        let source = "葉400gを用意し、塩80gを半量ずつ使って2回もむ。重石は4kgとする。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(
            numbers("葉400gを用意し、塩80gを半量ずつ、つまり40gずつ使って2回もむ。重石は4kg。").is_empty()
        );
        // Half of another sentence's amount (4kg → 2kg) is not the share
        // the source names.
        assert!(!numbers("葉400gを用意し、塩80gを半量ずつ使って2回もむ。重石は2kg。").is_empty());
        assert!(
            !numbers("葉400gを用意し、塩80gを半量ずつ、つまり30gずつ使って2回もむ。重石は4kg。").is_empty()
        );
    }
}
