//! Numbers a rewrite derives from the source's without writing the
//! arithmetic out: a percentage said as a ratio (4 in 10 for 40%), a
//! decimal said to the unit (1001 m for 1001.42 m). (A difference named
//! beside its terms — "327 votes to 229, a majority of 98" — was tried and
//! left out: it excused three invented numbers of the suite.)

use crate::lexicon::Lexicons;
use crate::numbers::{NumberMention, Quantity};

/// Days the source names by the day before them ("launched on 24 April
/// 1990 … released the following day", 翌日): each of its values a day of
/// a month may have, plus one. Only where the source (`source_lower`, its
/// lower case) says such a word.
pub(super) fn next_days(source_lower: &str, known: &[f64], lex: Lexicons) -> Vec<f64> {
    if !lex.words(|l| l.next_day_words).any(|w| source_lower.contains(w)) {
        return Vec::new();
    }
    known
        .iter()
        .filter(|v| v.fract() == 0.0 && (1.0..=30.0).contains(*v))
        .map(|v| v + 1.0)
        .collect()
}

/// Whether a number is written from a source number's own digits: a
/// code's leading digits, or all of them with its separators dropped (09
/// and 090111 for the subheading 0901.11 — a leading zero says a code, not
/// a quantity), or a power of ten the source writes (10⁻¹⁰ of 30×10⁻¹⁰),
/// or a version of three parts said without its last part, a zero (3.13
/// of 3.13.0: 3.13.1 is not 3.13).
pub(super) fn written_from_a_source_number(
    written: &str,
    source: &str,
    source_numbers: &[NumberMention],
) -> bool {
    let code_digits =
        written.len() >= 2 && written.starts_with('0') && written.bytes().all(|b| b.is_ascii_digit());
    if code_digits {
        return source_numbers.iter().any(|n| {
            let digits: String = n.written.chars().filter(char::is_ascii_digit).collect();
            n.written.starts_with('0') && digits.starts_with(written)
        });
    }
    let version = written.contains('.')
        && source_numbers
            .iter()
            .any(|n| without_zero_part(&n.written) == Some(written));
    version || !written.is_ascii() && written.starts_with("10") && source.contains(written)
}

/// Whether a number is a part of a code the source writes, which a
/// rewrite takes apart to explain it: the 6M and the 30M of the duration
/// P3Y6M4DT12H30M5S, the 14 of 2024-03-15T14:30:00. The source writes the
/// number after a capital of the code, and the code has three numbers or
/// more (not the 6 of IPv6, the 2 of H2O, the 9 of a digest's f9b).
pub(super) fn part_of_a_source_code(written: &str, source: &str) -> bool {
    let ends_in_digit = written.ends_with(|c: char| c.is_ascii_digit());
    source.match_indices(written).any(|(at, _)| {
        let after = &source[at + written.len()..];
        // A capital marks the code's parts (T, Y, M, G30); a hex digest's
        // small letters and digits run on by chance.
        let after_letter = source[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_uppercase());
        let number_ends =
            !ends_in_digit || !after.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
        // (A space may be wider than a byte: 　, the ideographic one.)
        let start = source[..at]
            .char_indices()
            .rfind(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = after
            .find(char::is_whitespace)
            .map_or(source.len(), |i| at + written.len() + i);
        let code = &source[start..end];
        let numbers = code
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .count();
        after_letter && number_ends && numbers >= 3
    })
}

/// Whether the number `m` of `rewrite` is a part of a version the source
/// writes, which a rewrite takes apart to explain it: the 2 and the 4 of
/// 4.7.2 ("PATCH changes from 2 to 3"), the 10 of 1.10.0 ("MINOR: 10 >
/// 9"). The rewrite says it bare — no unit or mark glued to it (约3倍, 3%)
/// and no word saying it is approximate, which make it a quantity.
pub(super) fn part_of_a_source_version(
    rewrite: &str,
    m: &NumberMention,
    lex: crate::lexicon::Lexicons,
    source: &str,
) -> bool {
    let written = m.written.as_str();
    let bare = !rewrite[m.start + written.len()..]
        .starts_with(|c: char| c.is_alphanumeric() || c == '%' || c == '％');
    bare && !said_to_be_approximate(rewrite, m, lex)
        && source
            .match_indices(written)
            .any(|(at, _)| dotted_part(source, at, written))
}

/// Whether `written` at `at` of `text` is a whole part of a run of three
/// numbers or more joined by single dots (4.7.2, 192.168.0.1), not one
/// joined by other marks or a decimal.
fn dotted_part(text: &str, at: usize, written: &str) -> bool {
    let is_run = |c: char| c.is_ascii_digit() || c == '.';
    let start = text[..at]
        .rfind(|c: char| !is_run(c))
        .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let end = text[at..]
        .find(|c: char| !is_run(c))
        .map_or(text.len(), |i| at + i);
    let run = text[start..end].trim_matches('.');
    let parts: Vec<&str> = run.split('.').collect();
    let whole_part = written.bytes().all(|b| b.is_ascii_digit())
        && (at == start || text[..at].ends_with('.'))
        && !text[at + written.len()..].starts_with(|c: char| c.is_ascii_digit());
    whole_part && parts.len() >= 3 && parts.iter().all(|p| !p.is_empty())
}

/// The characters before and after a number a difference word is looked
/// for in (差は, "a difference of", "lower").
const DIFFERENCE_TAIL: usize = 16;
/// The characters right before a number a CJK difference word is looked
/// for in (差は, 高出).
const CJK_DIFFERENCE_TAIL: usize = 4;

/// Whether the number `m`, after a word that says so (差は9.9m/s, "a
/// difference of 9.9"), is the difference of two of the source's values
/// its own line gives, to the places it is written with.
pub(super) fn is_stated_difference(
    rewrite: &str,
    m: &NumberMention,
    lex: crate::lexicon::Lexicons,
    known: &[f64],
) -> bool {
    let Quantity::Value(v) = m.quantity else {
        return false;
    };
    // The word right before the number (差は9.9, 比它低0.7℃) or, in words
    // of letters, after it ("0.7 lower"); a CJK one after it is another
    // word's character (約70ノットの低速).
    let tail = super::number_forms::lowered_tail(&rewrite[..m.start], DIFFERENCE_TAIL);
    let near_tail = super::number_forms::lowered_tail(&rewrite[..m.start], CJK_DIFFERENCE_TAIL);
    let head: String = rewrite[m.start + m.written.len()..]
        .chars()
        .take(DIFFERENCE_TAIL)
        .collect::<String>()
        .to_lowercase();
    let said = |w: &str| {
        if w.starts_with(crate::text::is_cjk) {
            near_tail.contains(w)
        } else {
            tail.contains(w) || head.contains(w)
        }
    };
    if !lex.words(|l| l.difference_words).any(said) {
        return false;
    }
    let line_start = rewrite[..m.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = rewrite[m.start..]
        .find('\n')
        .map_or(rewrite.len(), |i| m.start + i);
    let values: Vec<f64> = crate::numbers::numbers(&rewrite[line_start..line_end])
        .into_iter()
        .filter_map(|n| match n.quantity {
            Quantity::Value(x) if x != v && known.contains(&x) => Some(x),
            _ => None,
        })
        .collect();
    // The places of its digits (0.7 of "0.7 million"), scaled with it.
    let digits: String = m
        .written
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        .collect();
    let figure: f64 = digits.replace(',', ".").parse().unwrap_or(v);
    let scale = if figure != 0.0 {
        (v / figure).abs().max(1.0)
    } else {
        1.0
    };
    let places = digits.rsplit_once(['.', ',']).map_or(0, |(_, d)| d.len());
    let half_unit = 0.5 * 10f64.powi(-(places.min(6) as i32)) * scale;
    values
        .iter()
        .any(|a| values.iter().any(|b| ((a - b) - v).abs() < half_unit))
}

/// Whether the number `m` is a term of a ratio ("4 in 10", "3 out of 4")
/// that says one of the source's percentages (40%, 75%): `percents`.
pub(super) fn is_percent_ratio(
    rewrite: &str,
    m: &NumberMention,
    lex: crate::lexicon::Lexicons,
    percents: &[f64],
) -> bool {
    let Quantity::Value(v) = m.quantity else {
        return false;
    };
    let says = |part: f64, whole: f64| {
        whole > 0.0 && percents.iter().any(|p| (part / whole * 100.0 - p).abs() < 1e-6)
    };
    let leading_number = |text: &str| -> Option<f64> {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        text[..digits].parse().ok()
    };
    let trailing_number = |text: &str| -> Option<f64> {
        let digits = text.bytes().rev().take_while(u8::is_ascii_digit).count();
        text[text.len() - digits..].parse().ok()
    };
    let after = rewrite[m.start + m.written.len()..].trim_start();
    let before = rewrite[..m.start].trim_end();
    lex.words(|l| l.out_of_words).any(|w| {
        let as_part = after
            .strip_prefix(w)
            .and_then(|r| r.strip_prefix(' '))
            .and_then(leading_number)
            .is_some_and(|whole| says(v, whole));
        let as_whole = before
            .strip_suffix(w)
            .filter(|b| b.ends_with(' '))
            .and_then(|b| trailing_number(b.trim_end()))
            .is_some_and(|part| says(part, v));
        as_part || as_whole
    })
}

/// Whether the whole number `v` says a decimal of the source to the unit
/// (1001 for 1001.42): of ten or more, so the unit is a small part of it.
pub(super) fn rounds_a_source_decimal(v: f64, source_values: &[f64]) -> bool {
    v >= 10.0
        && v.fract() == 0.0
        && source_values
            .iter()
            .any(|d| d.fract() != 0.0 && (d.floor() == v || d.round() == v))
}

/// Characters before a number read for its approximation word: far more
/// than the longest such word and the character before it.
const APPROXIMATION_TAIL: usize = 64;

/// Whether a word of the lexicons' `approximation_words` stands right
/// before the number `m` of `rewrite` ("about", около, 约).
pub(super) fn said_to_be_approximate(
    rewrite: &str,
    m: &NumberMention,
    lex: crate::lexicon::Lexicons,
) -> bool {
    // Only the words right before the number are read (an approximation
    // word and the character before it): a tail of the text is
    // lower-cased, not all of it for every number.
    let trimmed = rewrite[..m.start].trim_end();
    let tail = trimmed
        .char_indices()
        .rev()
        .nth(APPROXIMATION_TAIL)
        .map_or(0, |(at, _)| at);
    let before = trimmed[tail..].to_lowercase();
    lex.words(|l| l.approximation_words).any(|w| {
        before.ends_with(w)
            && !before[..before.len() - w.len()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphabetic() && !crate::text::is_cjk(c))
    })
}

/// Whether the number `m` of `rewrite` is said to be rounded (a word of
/// the lexicons' `approximation_words` right before it) and is a source
/// value (`source_values`) rounded to the places it shows: "about 2.5 m"
/// for 2.54 m, "около 20" for 19.6.
pub(super) fn rounds_a_source_value(
    rewrite: &str,
    m: &NumberMention,
    lex: crate::lexicon::Lexicons,
    source_values: &[f64],
) -> Option<f64> {
    let Quantity::Value(v) = m.quantity else {
        return None;
    };
    if !said_to_be_approximate(rewrite, m, lex) {
        return None;
    }
    let places = m
        .written
        .rsplit_once(['.', ','])
        .map_or(0, |(_, d)| d.chars().take_while(char::is_ascii_digit).count());
    let factor = 10f64.powi(places as i32);
    source_values
        .iter()
        .copied()
        .find(|&s| s != v && s.fract() != 0.0 && (s * factor).round() / factor == v)
}

/// A version of three parts said without its last part, a zero: `3.13`
/// for `3.13.0` (`3.13.1` has none).
pub(super) fn without_zero_part(version: &str) -> Option<&str> {
    version
        .strip_suffix(".0")
        .filter(|_| version.matches('.').count() == 2)
}

/// Whether the number `m` of `text` stands beside a calculation's sign
/// written apart from it, as a worked computation is (an operand or a
/// result: the 2 and the 4 of "2 × 16 ÷ 8 = 4"), not in code
/// (`a[2*k+1]`, `maxsize=128`).
pub(super) fn in_a_computation(text: &str, m: &crate::numbers::NumberMention) -> bool {
    let signs = crate::lexicon::common::CALCULATION_SIGNS;
    let before = &text[..m.start];
    let after = &text[m.start + m.written.len()..];
    let spaced_before = before.ends_with(char::is_whitespace) && before.trim_end().ends_with(signs);
    let spaced_after = after.starts_with(char::is_whitespace) && after.trim_start().starts_with(signs);
    spaced_before || spaced_after
}

/// Whether two of the `known` years are `v` apart.
pub(super) fn years_apart(v: f64, known: &[f64]) -> bool {
    let years = known.iter().copied().filter(|k| crate::numbers::is_year(*k));
    years.clone().any(|a| years.clone().any(|b| a - b == v))
}

/// An interval counted in years (13年後, 170 years) that two of the
/// source's years give: a narrative or a note works it out without writing
/// the subtraction.
pub(super) fn is_year_interval(
    v: f64,
    rewrite: &str,
    m: &crate::numbers::NumberMention,
    lex: crate::lexicon::Lexicons,
    known: &[f64],
) -> bool {
    let rest = rewrite[m.start + m.written.len()..].trim_start();
    let followed_by = |unit: &&str| {
        rest.starts_with(*unit)
            && !rest[unit.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() && !crate::text::is_cjk(c))
    };
    let whole = v.fract() == 0.0 && (1.0..1000.0).contains(&v);
    // A round count said as a lower bound (30年余り) fits an interval up to
    // the next ten.
    let at_least = v % 10.0 == 0.0 && lex.words(|l| l.approximate_year_units).any(|u| followed_by(&u));
    whole
        && (lex.words(|l| l.year_units).any(|u| followed_by(&u)) && years_apart(v, known)
            || at_least && (0..10).any(|d| years_apart(v + f64::from(d), known)))
}

#[cfg(test)]
mod tests {
    use crate::fidelity::number_check::tests::number_findings;

    #[test]
    fn a_difference_its_line_states_of_two_source_values_is_derived() {
        let source = "伊良湖で最大風速45.4m/s、最大瞬間風速55.3m/sを観測した。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("- 伊良湖：最大風速45.4m/s、最大瞬間風速55.3m/s（差は9.9m/s）").is_empty());
        // Another difference, or no word that says it is one.
        assert!(!numbers("- 伊良湖：最大風速45.4m/s、最大瞬間風速55.3m/s（差は8.9m/s）").is_empty());
        assert!(!numbers("- 伊良湖：最大風速45.4m/s、最大瞬間風速55.3m/s（9.9m/s）").is_empty());
        // Nor the difference of values on another line.
        assert!(!numbers("- 最大風速45.4m/s\n- 最大瞬間風速55.3m/s\n- 差は9.9m/s").is_empty());
        // A comparison says a difference too.
        let source = "吐鲁番记录到52.2℃；最高气温升至40℃以上时发布红色预警。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("红色预警的门槛是40℃以上，吐鲁番的52.2℃比它还高出12.2℃。").is_empty());
        assert!(!numbers("红色预警的门槛是40℃以上，吐鲁番的52.2℃比它还高出13.2℃。").is_empty());
        // (Not a CJK word after it: 約70ノットの低速, 71 − 1.)
        let numbers =
            |rewrite: &str| number_findings("第71航空隊の試作1号機は約50ノットで離水する。", rewrite);
        assert!(!numbers("第71航空隊の試作1号機は約70ノットの低速で離水する。").is_empty());
        let numbers =
            |rewrite: &str| number_findings("Sea ice fell to 3.8 million km² against 4.5 million.", rewrite);
        let lower = numbers("It fell to 3.8 million km², 0.7 million lower than 4.5 million.");
        assert!(lower.is_empty(), "{lower:?}");
    }

    /// The tail read before a number holds every approximation word and
    /// the character before it.
    #[test]
    fn the_tail_before_a_number_holds_every_approximation_word() {
        for l in crate::lexicon::ALL {
            for w in l.approximation_words {
                assert!(w.chars().count() < super::APPROXIMATION_TAIL / 2, "{w}");
            }
        }
    }
}
