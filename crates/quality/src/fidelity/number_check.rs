//! The gate's numbers check: every source number kept (in any of the ways
//! text writes one), none invented — unless the rewrite derives it by
//! arithmetic it writes out, numbers a list, names a decade, or works an
//! example in a style that asks for them — and no computation written out
//! wrong.

use crate::numbers::{Quantity, same_quantity};

use super::clock_hours::{on_the_other_clock, said_after_noon};
use super::derived_numbers::{
    is_percent_ratio, rounds_a_source_decimal, rounds_a_source_value, written_from_a_source_number,
};
use super::excused_numbers::excused_values;
use super::kept_forms::values_kept_in_another_form;
use super::number_forms::{
    centuries_of_decades, century_years, cjk_compound_numerals, date_parts, is_century_of, is_decade_of,
    is_iso_month, is_percent_base, is_worked, numbers_a_heading, restates_a_year, scale_factors, sentence_at,
    states_a_notation, without_year_steps,
};
use super::unit_conversions::{
    is_unit_conversion, metric_values, restates_a_duration, source_values_converted,
};
use super::{Verdict, pass};

/// Numbers the rewrite adds, kept apart from the gate's findings when the
/// style works its own examples ([`FidelityConfig::added_numbers_are_suspicions`]).
pub(super) struct AddedNumbers {
    /// Each added number's finding and the rewrite sentence it is in.
    pub found: Vec<(String, String)>,
}

/// `keeps_subset`: the style keeps a chosen part of its source (an
/// extract), so a number left out is no finding; one added or computed
/// wrong still is.
pub(super) fn check_numbers(
    (src, rw): (&crate::analysis::Analysis<'_>, &crate::analysis::Analysis<'_>),
    tolerance: f64,
    added_are_suspicions: bool,
    keeps_subset: bool,
) -> (Verdict, AddedNumbers) {
    // Both texts come analysed (split into words once per report).
    let (source, rewrite) = (src.text, rw.text);
    // The source's numbers, read once: the checks below all use them. A
    // Russian day and month (15.12) is its day, as in a rewrite.
    let source_day_month = source.chars().any(crate::words::is_cyrillic);
    let source_numbers: Vec<_> = src
        .numbers()
        .iter()
        .cloned()
        .flat_map(|m| {
            let short_date = m.written.len() <= 5 && m.written.contains('.');
            if source_day_month && short_date {
                date_parts(m, true)
            } else {
                vec![m]
            }
        })
        .collect();
    // Distinct source quantities with how often each is mentioned. A
    // round hour's minutes (the 00 of 8:00) are no number of their own: a
    // rewrite writes the hour (8時, 8 o'clock).
    let mut wanted: Vec<(String, Quantity, usize)> = Vec::new();
    let round_hours_minutes =
        |m: &&crate::numbers::NumberMention| m.written == "00" && source[..m.start].ends_with(':');
    for m in source_numbers.iter().filter(|m| !round_hours_minutes(m)) {
        match wanted
            .iter_mut()
            .find(|(_, q, _)| same_quantity(q, &m.quantity, tolerance))
        {
            Some(entry) => entry.2 += 1,
            None => wanted.push((m.written.clone(), m.quantity.clone(), 1)),
        }
    }
    // A year restated in an era's count (1937年（昭和12年）) may go with
    // its brackets: the year says it.
    let era_years: Vec<Quantity> = source_numbers
        .iter()
        .filter(|m| restates_a_year(source, m))
        .map(|m| m.quantity.clone())
        .collect();
    // A date in digits (10.11.2014, 2020-05-28, 2019.4) names its day (or
    // month) and year as the source's words do.
    // Not a number the source writes the same (1864.8米 is a height, not
    // August 1864): that is the source's number.
    let day_month = rewrite.chars().any(crate::words::is_cyrillic);
    // A dotted date (9.8, 慶応4.3.14) of a day the source dates with its
    // month (9月8日) names that day, as a Chinese or Japanese note writes
    // it; read only for a dotted number.
    let month_days = std::cell::OnceCell::new();
    let found: Vec<_> = rw
        .numbers()
        .iter()
        .cloned()
        .flat_map(|m| {
            if source_numbers.iter().any(|s| s.written == m.written) {
                return vec![m];
            }
            let dated = (m.written.contains('.') && crate::text::written_in_cjk(rewrite)).then(|| {
                crate::dates::dotted_source_date(
                    &m.written,
                    month_days.get_or_init(|| crate::dates::months_and_days(source)),
                )
            });
            match dated.flatten() {
                Some(parts) => parts
                    .into_iter()
                    .map(|v| crate::numbers::NumberMention {
                        written: v.to_string(),
                        quantity: Quantity::Value(f64::from(v)),
                        start: m.start,
                    })
                    .collect(),
                None => date_parts(m, day_month),
            }
        })
        .collect();
    // Spelled out in words or in CJK numerals (2か所 → 二つ).
    // Read only for a number the digits say less often than the source.
    let spelled_cell = std::cell::OnceCell::new();
    let spelled = || -> &[Quantity] {
        spelled_cell.get_or_init(|| {
            crate::number_words::number_word_values_in(rw)
                .into_iter()
                .chain(crate::align::cjk_numerals(rewrite).into_iter().map(|v| v as f64))
                .map(Quantity::Value)
                .collect::<Vec<_>>()
        })
    };
    let count_in_rewrite = |q: &Quantity| {
        found
            .iter()
            .filter(|m| same_quantity(&m.quantity, q, tolerance))
            .count()
    };
    let centuries = century_years(source, &source_numbers);
    let decades = centuries_of_decades(source, &source_numbers);
    // A value the source scales in a range ("2.2 to 3.8 million") comes
    // back scaled ("2.2 million").
    let scales = scale_factors(source);
    let source_values: Vec<f64> = source_numbers
        .iter()
        .filter_map(|n| match n.quantity {
            Quantity::Value(v) => Some(v),
            Quantity::Literal(_) => None,
        })
        .collect();
    let source_lex = crate::lexicon::Lexicons::for_text(source, None);
    let source_percents: Vec<f64> = source_numbers
        .iter()
        .filter(|n| super::number_forms::percent_after(source, n.start + n.written.len(), source_lex))
        .filter_map(|n| match n.quantity {
            Quantity::Value(v) => Some(v),
            Quantity::Literal(_) => None,
        })
        .collect();
    // The source's percentages and the shares they leave (1 per cent on
    // display: 99 in 100 are not).
    let source_shares: Vec<f64> = source_percents
        .iter()
        .flat_map(|&p| [p, 100.0 - p])
        .filter(|p| *p > 0.0)
        .collect();
    let rewrite_lex = crate::lexicon::Lexicons::for_text(rewrite, None);
    // A percentage said as a ratio ("4 in 10" for 40%).
    let said_as_ratio = |v: f64| {
        source_percents.contains(&v)
            && found
                .iter()
                .any(|m| is_percent_ratio(rewrite, m, rewrite_lex, &[v]))
    };
    // A source value the rewrite says rounded ("about 2.5" for 2.54).
    let rounded: Vec<f64> = found
        .iter()
        .filter_map(|m| rounds_a_source_value(rewrite, m, rewrite_lex, &source_values))
        .collect();
    // The source's values in units of the tables, read once, and only
    // where a value is not found as written or a number is not the source's.
    let source_metric_cell = std::cell::OnceCell::new();
    let source_metric =
        || source_metric_cell.get_or_init(|| metric_values(source, &source_numbers, source_lex));
    // A source value the rewrite converts into another unit (75 mm → 7.5
    // cm).
    let converted_cell = std::cell::OnceCell::new();
    let converted = || {
        converted_cell
            .get_or_init(|| source_values_converted(source_metric(), (rewrite, &found, rewrite_lex)))
    };
    // A count of tenths (5割, 九成) comes back as a percentage (50%) or a
    // fraction (半分).
    let fractions = std::cell::OnceCell::new();
    let rewrite_fractions = || fractions.get_or_init(|| crate::numbers::fraction_values(rewrite));
    let tenths: Vec<f64> = source_numbers
        .iter()
        .filter(|n| {
            source[n.start + n.written.len()..]
                .chars()
                .next()
                .is_some_and(|c| source_lex.has_char(|l| l.tenth_markers, c))
        })
        .filter_map(|n| match n.quantity {
            Quantity::Value(v) => Some(v),
            Quantity::Literal(_) => None,
        })
        .collect();
    // The scales a table's header gives its cells (（亿元）), read only for
    // a rewrite with a table.
    let header_scales = if rewrite.contains("|") {
        super::excused_numbers::table_header_scales(rewrite)
    } else {
        Vec::new()
    };
    // A value written after its label's sign (マグニチュード7.4 → M7.4) or
    // as the code the source writes beside it (R15): no number of its own
    // to the number reader.
    let kept_cell = std::cell::OnceCell::new();
    let kept_in_another_form = || {
        kept_cell.get_or_init(|| values_kept_in_another_form(source, &source_numbers, source_lex, rewrite))
    };
    // Years counted in decades or centuries ("nearly four decades" for
    // "nearly 40 years"), read only for a value otherwise missing.
    let years_counted = std::cell::OnceCell::new();
    let counted_in_years = |v: f64| {
        years_counted
            .get_or_init(|| crate::number_words::years_counted_in(rw))
            .contains(&v)
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
    let kept_otherwise = |q: &Quantity| match q {
        Quantity::Value(v) => {
            (tenths.contains(v)
                && (count_in_rewrite(&Quantity::Value(v * 10.0)) > 0
                    || rewrite_fractions().contains(&(v / 10.0))))
                || said_as_ratio(*v)
                // An hour after noon on the other clock (17:45 → 夕方5時45分,
                // 午後11時 → 23時).
                || on_the_other_clock(
                    *v,
                    || {
                        source_numbers
                            .iter()
                            .any(|n| n.quantity == Quantity::Value(*v) && said_after_noon(source, n, source_lex))
                    },
                    (rewrite, &found, rewrite_lex),
                )
                // In a table whose header gives the scale (216784 under
                // （亿元） for 216784 亿元).
                || header_scales.iter().any(|s| {
                    found.iter().any(|m| matches!(m.quantity, Quantity::Value(n) if close(n * s, *v)))
                })
                // A fraction said in words (1,5 м as "до полутора метров"),
                // a percentage in tenths (90% as 9割).
                || (v.fract() != 0.0 && rewrite_fractions().contains(v))
                || (source_percents.contains(v) && rewrite_fractions().contains(&(v / 100.0)))
                || rounded.contains(v)
                || converted().contains(v)
                || kept_in_another_form().contains(v)
                || counted_in_years(*v)
                || centuries
                    .iter()
                    .any(|&(n, year)| n == *v && count_in_rewrite(&Quantity::Value(year)) > 0)
                // 20世纪80年代 as 80年代 or 1980年代: the century and the
                // decade both kept.
                || decades.iter().any(|&(n, decade)| {
                    let in_years = count_in_rewrite(&Quantity::Value((n - 1.0) * 100.0 + decade)) > 0;
                    (n == *v && (in_years || count_in_rewrite(&Quantity::Value(decade)) > 0))
                        || (decade == *v && in_years)
                })
                || scales
                    .iter()
                    .any(|f| count_in_rewrite(&Quantity::Value(v * f)) > 0)
        }
        // A version of three parts said without its last, a zero (3.13.0
        // → 3.13).
        Quantity::Literal(version) => super::derived_numbers::without_zero_part(version)
            .is_some_and(|short| found.iter().any(|m| m.written == short)),
    };
    // A year mentioned less often where the rewrite names it as "that
    // year" (同年) as often as it is missing.
    let said_as_that_year = |q: &Quantity, missing: usize| {
        matches!(q, Quantity::Value(y) if crate::numbers::is_year(*y))
            && rewrite_lex
                .words(|l| l.same_year_words)
                .map(|w| rw.lower().matches(w).count())
                .sum::<usize>()
                >= missing
    };
    let mut findings = Vec::new();
    let mut kept = 0usize;
    let mut fewer = Vec::new();
    for (written, q, n) in &wanted {
        // Spelled mentions count too ("около ста операций" keeps 100).
        // (Below `n` only the exact count matters: spelled ones are read
        // only then.)
        let in_digits = count_in_rewrite(q);
        let got = if in_digits >= *n {
            in_digits
        } else {
            in_digits
                + spelled()
                    .iter()
                    .filter(|s| same_quantity(s, q, tolerance))
                    .count()
        };
        if got > 0 || kept_otherwise(q) {
            kept += 1;
            // Kept another way (a century by its years, a scaled value),
            // it is not a number changed into another.
            if got < *n && !kept_otherwise(q) && !said_as_that_year(q, *n - got) {
                fewer.push((written, *n, got));
            }
        } else if !keeps_subset
            && !era_years.contains(q)
            && !super::list_counts::counts_a_list(source, &source_numbers, q)
        {
            findings.push(format!("the number {written} is missing"));
        }
    }
    // A number the source writes in CJK numerals with a unit or a measure
    // (六个月, 二十回, 六万) is kept as digits are: in any form.
    if !keeps_subset && !source.is_ascii() {
        let in_rewrite = |v: f64| {
            let q = Quantity::Value(v);
            found.iter().any(|m| same_quantity(&m.quantity, &q, tolerance))
                || spelled().iter().any(|s| same_quantity(s, &q, tolerance))
                || wanted.iter().any(|(_, w, _)| same_quantity(w, &q, tolerance))
        };
        let plain = without_year_steps(source, source_lex);
        let mut lost: Vec<f64> = Vec::new();
        for v in cjk_compound_numerals(&plain) {
            if v >= 2.0 && !lost.contains(&v) && !in_rewrite(v) {
                lost.push(v);
                findings.push(format!("the number {} is missing", crate::arithmetic::shown(v)));
            }
        }
    }
    let missing = findings.len();
    // A computation written out with a wrong result, unless the source
    // writes the same one.
    for (computation, right) in crate::arithmetic::wrong_computations(rewrite) {
        if !crate::arithmetic::wrong_computations(source)
            .iter()
            .any(|(c, _)| *c == computation)
        {
            findings.push(format!(
                "the computation {computation} is wrong: it gives {}",
                crate::arithmetic::shown(right)
            ));
        }
    }
    // What may excuse a number the source lacks, read only when the
    // rewrite has one (a faithful rewrite's numbers are all the source's).
    let excused_cell = std::cell::OnceCell::new();
    let excused = || {
        excused_cell.get_or_init(|| {
            // A source value the rewrite converts (1,5 м = 150 см) is an
            // operand of its arithmetic in the new unit (150 ÷ 7 ≈ 21,4).
            let converted: Vec<f64> = found
                .iter()
                .filter(|m| is_unit_conversion(source_metric(), rewrite, m, rewrite_lex))
                .filter_map(|m| match m.quantity {
                    Quantity::Value(v) => Some(v),
                    Quantity::Literal(_) => None,
                })
                .collect();
            let mut excused = excused_values(
                src,
                &source_numbers,
                (rewrite, rewrite_lex),
                (&wanted, &converted),
                &scales,
            );
            excused
                .known
                .extend(centuries.iter().flat_map(|&(n, year)| [n, year]));
            // Scale words matter only to restate a derived result (约8.9万吨).
            let rewrite_scales = if excused.others.is_empty() {
                Vec::new()
            } else {
                scale_factors(rewrite)
            };
            (excused, rewrite_scales)
        })
    };
    let dated_months = std::cell::OnceCell::new();
    let repeated_dates = std::cell::OnceCell::new();
    let lex = rewrite_lex;
    let mut added: Vec<(String, String)> = Vec::new();
    let mut more = false;
    for m in &found {
        let is_excused = || match m.quantity {
            Quantity::Value(v) => {
                let (excused, rewrite_scales) = excused();
                excused.contains_restated(v, &m.written, rewrite_scales)
                    || (v <= 20.0
                        && (crate::numbers::after_label(rewrite, m.start, lex)
                            || numbers_a_heading(rewrite, m.start, m.written.len())))
                    || (v <= 10.0 && crate::numbers::counts_items(rewrite, m.start + m.written.len(), lex))
                    || (v <= 16.0 && states_a_notation(rewrite, m.start, m.written.len(), lex))
                    || is_decade_of(v, rewrite, m, lex, &excused.known)
                    || is_century_of(v, rewrite, m, lex, &excused.known)
                    || is_percent_base(v, rewrite, m, lex, source)
                    || is_percent_ratio(rewrite, m, lex, &source_shares)
                    || header_scales.iter().any(|s| source_values.iter().any(|sv| close(v * s, *sv)))
                    || restates_a_duration(rewrite, &found, m, lex)
                    || super::list_counts::counts_the_list_before(rewrite, m)
                    // A source's hour after noon on the other clock.
                    || on_the_other_clock(
                        v,
                        || said_after_noon(rewrite, m, lex),
                        (source, &source_numbers, source_lex),
                    )
                    // Tenths of a source percentage (9割 for 90%).
                    || (source_percents.contains(&(v * 10.0))
                        && rewrite[m.start + m.written.len()..]
                            .chars()
                            .next()
                            .is_some_and(|c| lex.has_char(|l| l.tenth_markers, c)))
                    || rounds_a_source_decimal(v, &source_values)
                    || rounds_a_source_value(rewrite, m, lex, &source_values).is_some()
                    // An era's count of a year the rewrite writes (1917年
                    // （大正6年）).
                    || restates_a_year(rewrite, m)
                    // A clock's round hour (6:00 for "six o'clock").
                    || (v == 0.0 && m.written == "00" && rewrite[..m.start].ends_with(':'))
                    || super::derived_numbers::is_year_interval(v, rewrite, m, lex, &excused.known)
                    || super::derived_numbers::is_stated_difference(rewrite, m, lex, &excused.known)
                    // (A number in another unit of a source value is in
                    // `excused.known` already: `converted` above.)
                    // An ISO date's month (the 03 of 2012-03-01) the
                    // source may name in words.
                    || is_iso_month(rewrite, m.start, &m.written)
                    // A month in digits of a date the source gives (the 06
                    // of 2022-06 for June 2022).
                    || dated_months.get_or_init(|| crate::dates::months_of_the_sources_dates(source, rewrite)).contains(&m.start)
                    || written_from_a_source_number(&m.written, source, &source_numbers)
                    || super::derived_numbers::part_of_a_source_code(&m.written, source)
                    || super::derived_numbers::part_of_a_source_version(rewrite, m, lex, source)
            }
            Quantity::Literal(_) => false,
        };
        match wanted
            .iter()
            .find(|(_, q, _)| same_quantity(q, &m.quantity, tolerance))
        {
            Some((_, q, n)) => {
                more |= count_in_rewrite(q) > *n && {
                    // A full date of the source said again is no number
                    // said more often.
                    let again = match q {
                        Quantity::Value(v) => repeated_dates
                            .get_or_init(|| crate::dates::repeated_dates_numbers(source, rewrite))
                            .iter()
                            .filter(|r| *r == v)
                            .count(),
                        Quantity::Literal(_) => 0,
                    };
                    // A number worked with (44100 × 2 × 16 ÷ 8 = 176400) is
                    // said again to compute, not changed into another.
                    let worked = found
                        .iter()
                        .filter(|m| {
                            same_quantity(&m.quantity, q, tolerance)
                                && super::derived_numbers::in_a_computation(rewrite, m)
                        })
                        .count();
                    count_in_rewrite(q) > *n + again + worked
                }
            }
            None if !added.iter().any(|(w, _)| *w == m.written) && !is_excused() => {
                added.push((m.written.clone(), sentence_at(rewrite, m.start)));
            }
            None => {}
        }
    }
    // A number spelled in CJK numerals with a unit (三千, 二十二) is a
    // number as digits are, unless the source has it in any form.
    let spelled_in_rewrite = cjk_compound_numerals(&without_year_steps(rewrite, lex));
    let known_spelled: Vec<f64> = if spelled_in_rewrite.is_empty() {
        Vec::new()
    } else {
        crate::number_words::number_word_values_in(src)
            .into_iter()
            .chain(crate::align::cjk_numerals(source).into_iter().map(|v| v as f64))
            .collect()
    };
    // An interval in years two of the source's years give (三年后 for
    // 1967 and 1970), where the rewrite counts in years at all.
    let counts_years = lex.words(|l| l.year_units).any(|unit| rewrite.contains(unit));
    let year_interval = |v: f64| counts_years && super::derived_numbers::years_apart(v, &excused().0.known);
    for v in spelled_in_rewrite {
        let q = Quantity::Value(v);
        let written = crate::arithmetic::shown(v);
        if !(excused().0.contains(v)
            || year_interval(v)
            || known_spelled.contains(&v)
            || wanted.iter().any(|(_, w, _)| same_quantity(w, &q, tolerance))
            || found.iter().any(|m| same_quantity(&m.quantity, &q, tolerance))
            || added.iter().any(|(w, _)| *w == written)
            || super::list_counts::counts_the_people_just_listed(rewrite, v)
            || super::list_counts::counts_a_spelled_list_after(rewrite, v))
        {
            added.push((written, String::new()));
        }
    }
    // Mentioned less often while another value is mentioned more often: a
    // number was changed into one the source has elsewhere.
    let mut substituted = 0usize;
    // (An extract mentions a number as often as it likes.)
    if more && !keeps_subset {
        // A model's number (Ту-144, F-16, ひまわり9号) is mentioned as
        // often as its name is, and a restyle says a name as often as it
        // likes.
        let designation = |written: &str| {
            // Each mention of the number as a whole (not the 3 of 1936).
            let whole = |at: usize| {
                !source[..at].ends_with(|c: char| c.is_ascii_digit())
                    && !source[at + written.len()..].starts_with(|c: char| c.is_ascii_digit())
            };
            source
                .match_indices(written)
                .filter(|(at, _)| whole(*at))
                .all(|(at, _)| {
                    let mut before = source[..at].chars().rev();
                    let after = source[at + written.len()..].chars().next();
                    (before.next() == Some('-') && before.next().is_some_and(char::is_alphabetic))
                        || after.is_some_and(|c| source_lex.has_char(|l| l.designation_marks, c))
                })
        };
        for (written, n, got) in fewer.into_iter().filter(|(w, _, _)| !designation(w)) {
            substituted += 1;
            findings.push(format!(
                "the number {written} appears {got} times instead of {n}; was it changed into another number?"
            ));
        }
    }
    // A date whose month changed (1987年4月27日 → 1987-07-27): its day and
    // year are the source's numbers, so only the date as a whole shows it.
    // In a style that works examples, a date a worked sentence computes is
    // its own, as a number is, and a date without its year or day is a
    // step of a worked count ("from 25 April to 25 October: 6 months",
    // "from February 1932 to February 1933, 12 months"): suspicions, first
    // in the report; the score below counts only the numbers'.
    let mut dated_apart = Vec::new();
    for changed in crate::dates::changed_dates(source, rewrite) {
        let finding = format!(
            "the date {} is not the source's, which has {}",
            changed.date.shown(),
            changed.theirs.shown()
        );
        let sentence = sentence_at(rewrite, changed.date.start);
        let partial = changed.date.year.is_none() || changed.date.day.is_none();
        if added_are_suspicions && (partial || is_worked(&sentence, lex)) {
            dated_apart.push((finding, sentence));
        } else {
            findings.push(finding);
        }
    }
    // A style that works examples adds numbers of its own: an added number
    // in a calculation or an example is then a suspicion, unless a source
    // number went missing beside it (a changed number, not an example).
    let mut apart = AddedNumbers { found: Vec::new() };
    let added_count = added.len();
    for (written, sentence) in added {
        let finding = format!("the number {written} is not in the source");
        // 1 is what an article or "per" says (a day → ≥ 1 day, line 1,
        // 1釜あたり), 0 a starting point (発売年を0年目とする, a score of
        // 0): added while every source number is kept, each is a
        // suspicion.
        let one = written == "1" || written == "0";
        if missing == 0 && substituted == 0 && (one || (added_are_suspicions && is_worked(&sentence, lex))) {
            apart.found.push((finding, sentence));
        } else {
            findings.push(finding);
        }
    }
    let denominator = if keeps_subset { kept } else { wanted.len() } + added_count - apart.found.len();
    apart.found.splice(0..0, dated_apart);
    if denominator == 0 {
        return (pass(), apart);
    }
    let score = kept.saturating_sub(substituted) as f64 / denominator as f64;
    ((score, findings.is_empty(), findings), apart)
}

#[cfg(test)]
#[path = "number_check_tests.rs"]
pub(super) mod tests;

#[cfg(test)]
#[path = "number_layout_tests.rs"]
mod layout_tests;
