//! Dates a text writes — in digits (1987-04-27, 27.04.1987, 04/27/1987,
//! 2019-04, 06.1978), with a month's name (27 April 1987, April 27, 1987,
//! 27 апреля 1987 года) or with CJK marks (1987年4月27日) — held against
//! the source's. A date's month is no number of its own to the numbers
//! check (a source may name it in words), so a month changed in a date
//! whose day or year the source gives (2018年6月27日 → 2018年7月27日) is
//! read here.
//!
//! A rewrite's date is changed only where the source has a date that
//! agrees with it on its day or year and names another month, and no
//! mention of the rewrite's month that fits it: "March to May 1990" names
//! March too, so "March 1990" is the source's.

use crate::calendar::{month_named, months_in, numbered_months, states_its_length};
use crate::lexicon::Lexicons;
use crate::lexicon::common::{CJK_DAY_MARK, CJK_YEAR_MARK, DAY_END_MARKS};
use crate::text::lower_word;

/// The years a date is read in: four digits of these, not a count or a
/// code (1000 of "1000 km", 3000 of a build number 12.5.3000).
const YEARS: std::ops::RangeInclusive<u32> = 1000..=2100;
/// The days of a month and the months of a year.
const DAYS: std::ops::RangeInclusive<u32> = 1..=31;
const MONTHS: std::ops::RangeInclusive<u32> = 1..=12;

/// A date, or a month mention with a day or a year, or neither.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Date {
    pub(crate) year: Option<u32>,
    /// 1 to 12.
    pub(crate) month: u32,
    pub(crate) day: Option<u32>,
    /// The byte where the text writes it.
    pub(crate) start: usize,
    /// The byte where its month is written (the 06 of 2022-06, the name
    /// of 27 April).
    pub(crate) month_start: usize,
}

impl Date {
    /// The date in ISO form, as far as it goes (1987-04-27, 1987-04,
    /// --04-27).
    pub(crate) fn shown(&self) -> String {
        match (self.year, self.day) {
            (Some(y), Some(d)) => format!("{y}-{:02}-{d:02}", self.month),
            (Some(y), None) => format!("{y}-{:02}", self.month),
            (None, Some(d)) => format!("--{:02}-{d:02}", self.month),
            (None, None) => format!("--{:02}", self.month),
        }
    }

    /// What the date says (its year, month and day), wherever it stands.
    fn says(&self) -> (Option<u32>, u32, Option<u32>) {
        (self.year, self.month, self.day)
    }

    /// Whether `other` may be the same date: the same month, and the same
    /// day and year where both give them.
    fn fits(&self, other: &Date) -> bool {
        self.month == other.month && agree(self.year, other.year) && agree(self.day, other.day)
    }

    /// Whether `other` names another month on a day or in a year both give
    /// alike (6 November 1919 against 6 December 1919).
    fn contradicts(&self, other: &Date) -> bool {
        let shared = matches!((self.year, other.year), (Some(a), Some(b)) if a == b)
            || matches!((self.day, other.day), (Some(a), Some(b)) if a == b);
        self.month != other.month && shared && agree(self.year, other.year) && agree(self.day, other.day)
    }
}

/// Equal where both are given.
fn agree(a: Option<u32>, b: Option<u32>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// A date of a rewrite whose month the source contradicts.
pub(crate) struct ChangedDate {
    pub(crate) date: Date,
    /// The source's date it contradicts.
    pub(crate) theirs: Date,
}

/// Each date of `rewrite` whose month the source contradicts.
pub(crate) fn changed_dates(source: &str, rewrite: &str) -> Vec<ChangedDate> {
    let rewrite_dates = dates(rewrite, Lexicons::for_text(rewrite, None));
    // Most rewrites date nothing: the source is then not read.
    if rewrite_dates.is_empty() {
        return Vec::new();
    }
    let source_lex = Lexicons::for_text(source, None);
    let source_dates = dates(source, source_lex);
    // The months the source names without a day or a year (March of
    // "March to May 1990"), read only for a date it seems to contradict.
    let undated = std::cell::OnceCell::new();
    let undated_months = || -> &Vec<u64> {
        undated.get_or_init(|| {
            months_in(source, source_lex)
                .into_iter()
                .filter(|m| !source_dates.iter().any(|d| d.start == m.start))
                .map(|m| m.month)
                .collect()
        })
    };
    let mut out: Vec<ChangedDate> = Vec::new();
    for date in rewrite_dates {
        if source_dates.iter().any(|s| s.fits(&date)) || out.iter().any(|c| c.date.says() == date.says()) {
            continue;
        }
        if let Some(theirs) = source_dates.iter().find(|s| s.contradicts(&date))
            && !undated_months().contains(&u64::from(date.month))
        {
            out.push(ChangedDate {
                theirs: theirs.clone(),
                date,
            });
        }
    }
    out
}

/// The years and days of the full dates the source writes that `rewrite`
/// writes more often than the source does, once for each mention more: a
/// rewrite that repeats "31 May 1910" says its 31 and its 1910 again
/// without changing any number into another.
pub(crate) fn repeated_dates_numbers(source: &str, rewrite: &str) -> Vec<f64> {
    let full = |d: &Date| d.year.is_some() && d.day.is_some();
    let rewrite_dates: Vec<Date> = dates(rewrite, Lexicons::for_text(rewrite, None))
        .into_iter()
        .filter(full)
        .collect();
    if rewrite_dates.len() < 2 {
        return Vec::new();
    }
    let source_dates: Vec<Date> = dates(source, Lexicons::for_text(source, None))
        .into_iter()
        .filter(full)
        .collect();
    let mut out = Vec::new();
    let mut seen: Vec<(Option<u32>, u32, Option<u32>)> = Vec::new();
    for date in &rewrite_dates {
        let says = date.says();
        if seen.contains(&says) {
            continue;
        }
        seen.push(says);
        let count = |dates: &[Date]| dates.iter().filter(|d| d.says() == says).count();
        let (in_source, in_rewrite) = (count(&source_dates), count(&rewrite_dates));
        if in_source > 0 && in_rewrite > in_source {
            for _ in in_source..in_rewrite {
                out.extend(date.year.into_iter().chain(date.day).map(f64::from));
            }
        }
    }
    out
}

/// Whether `sentence` counts the time between dates it names, as a worked
/// example does in prose ("from 4 December 1963 to 4 December 1984 — 21
/// years; to 13 July — 7 months and 9 days more"): two dates or more and a
/// number counted in years or days.
pub(crate) fn counts_time_between_dates(sentence: &str, lex: Lexicons) -> bool {
    let bytes = sentence.as_bytes();
    // Each number (a run of digits from its first), and a unit word after it.
    let counted = sentence
        .match_indices(|c: char| c.is_ascii_digit())
        .filter(|&(at, _)| at == 0 || !bytes[at - 1].is_ascii_digit())
        .any(|(at, _)| {
            let rest = &sentence[at..];
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let after = rest[digits..].trim_start();
            lex.words(|l| l.year_units)
                .chain(lex.words(|l| l.day_count_words))
                .any(|unit| after.starts_with(unit))
        });
    counted && dates(sentence, lex).len() >= 2
}

/// The numbers of a dotted date a rewrite writes for one the source gives
/// with a month and a day (慶応4年3月14日 → 慶応4.3.14, 閏4月21日 →
/// 閏4.21, 9月8日 → 9.8, as a terse note writes dates): its parts, the
/// year first where it has one; `None` where `written` is no such date.
/// `month_days` are the source's (month, day) pairs
/// ([`months_and_days`]).
pub(crate) fn dotted_source_date(written: &str, month_days: &[(u32, u32)]) -> Option<Vec<u32>> {
    let parts: Vec<u32> = written
        .split('.')
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    let [.., month, day] = parts[..] else {
        return None;
    };
    (matches!(parts.len(), 2 | 3) && month_days.contains(&(month, day))).then_some(parts)
}

/// The (month, day) of each date `text` writes with both.
pub(crate) fn months_and_days(text: &str) -> Vec<(u32, u32)> {
    dates(text, Lexicons::for_text(text, None))
        .into_iter()
        .filter_map(|d| Some((d.month, d.day?)))
        .collect()
}

/// Where `rewrite` writes in digits the month of a date the source gives
/// (the 06 of 2022-06 for June 2022): a month the source names in words
/// is no number the rewrite adds.
pub(crate) fn months_of_the_sources_dates(source: &str, rewrite: &str) -> Vec<usize> {
    let in_digits: Vec<Date> = digit_runs(rewrite)
        .into_iter()
        .filter_map(|(start, run)| digit_date(run, start))
        .collect();
    if in_digits.is_empty() {
        return Vec::new();
    }
    let source_dates = dates(source, Lexicons::for_text(source, None));
    in_digits
        .into_iter()
        .filter(|d| {
            source_dates
                .iter()
                .any(|s| s.fits(d) && (s.year.is_some() || s.day.is_some()))
        })
        .map(|d| d.month_start)
        .collect()
}

/// The dates `text` writes: in digits, with a month's name beside a day
/// or a year, or with CJK marks. A month named with neither (in March) is
/// no date.
pub(crate) fn dates(text: &str, lex: Lexicons) -> Vec<Date> {
    let runs = digit_runs(text);
    let mut out: Vec<Date> = runs
        .iter()
        .filter_map(|&(start, run)| digit_date(run, start))
        .collect();
    // A named month is looked for beside each number only: its day or its
    // year is one.
    for &(start, run) in runs
        .iter()
        .filter(|(_, run)| run.bytes().all(|b| b.is_ascii_digit()))
    {
        for range in [word_before(text, start), word_after(text, start + run.len())]
            .into_iter()
            .flatten()
        {
            if out.iter().any(|d| d.start == range.start) {
                continue;
            }
            let word = &text[range.clone()];
            // A Latin month's name is capitalised (May, not "may").
            let capitalised = !word.starts_with(|c: char| c.is_ascii_lowercase());
            if let Some(month) = month_named(&lower_word(word), lex).filter(|_| capitalised)
                && !states_its_length(text, range.end, month, lex)
                && let Some(date) = named_date(text, range, month)
            {
                out.push(date);
            }
        }
    }
    for mention in numbered_months(text) {
        let year = year_before_mark(&text[..mention.start]);
        let day = day_before_mark(&text[mention.end..]).filter(|d| DAYS.contains(d));
        let length = || states_its_length(text, mention.end, mention.month, lex);
        let Some(month) = u32::try_from(mention.month).ok().filter(|m| MONTHS.contains(m)) else {
            continue;
        };
        if (year.is_some() || day.is_some()) && !length() {
            out.push(Date {
                year,
                month,
                day,
                start: mention.start,
                month_start: mention.start,
            });
        }
    }
    out
}

/// The date a month's name at `range` gives with the day before it (27
/// April) or after it where a year or a stop follows (April 27, 1987 —
/// "on 6 November 12 ships sailed" dates nothing on the 12th), and the
/// year after both.
fn named_date(text: &str, range: std::ops::Range<usize>, month: u64) -> Option<Date> {
    let (before, after) = (&text[..range.start], &text[range.end..]);
    let day_before = trailing_number(before.trim_end_matches(' '), 2);
    let (day_after, rest) = match leading_number(after.trim_start_matches(' '), 2) {
        (Some(day), rest) if day_before.is_none() && ends_a_day(rest) => (Some(day), rest),
        _ => (None, after),
    };
    let rest = rest.trim_start_matches(',').trim_start_matches(' ');
    let year = leading_number(rest, 4).0.filter(|y| YEARS.contains(y));
    let day = day_before.or(day_after).filter(|d| DAYS.contains(d));
    (year.is_some() || day.is_some()).then_some(Date {
        year,
        month: u32::try_from(month).ok()?,
        day,
        start: range.start,
        month_start: range.start,
    })
}

/// The word that ends before `at`, past spaces and a comma (April 27, |).
fn word_before(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let head = text[..at].trim_end_matches([' ', ',']);
    let start = head.trim_end_matches(char::is_alphabetic).len();
    (start < head.len()).then_some(start..head.len())
}

/// The word that starts after `at`, past spaces.
fn word_after(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let start = at + (text[at..].len() - text[at..].trim_start_matches(' ').len());
    let len = text[start..]
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(text.len() - start);
    (len > 0).then_some(start..start + len)
}

/// Each run of digits and date separators (1987-04-27, 27.04.1987) that
/// stands as a word of its own (not v1.2.3, not 2019-04-27T10), with its
/// byte offset.
fn digit_runs(text: &str) -> Vec<(usize, &str)> {
    let is_part = |c: char| c.is_ascii_digit() || matches!(c, '-' | '.' | '/');
    let mut runs = Vec::new();
    let mut at = 0;
    while let Some(offset) = text[at..].find(|c: char| c.is_ascii_digit()) {
        let start = at + offset;
        let len = text[start..]
            .find(|c: char| !is_part(c))
            .unwrap_or(text.len() - start);
        let run = text[start..start + len].trim_end_matches(['-', '.', '/']);
        let before = text[..start].chars().next_back();
        let after = text[start + run.len()..].chars().next();
        let stands_alone = !before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '/' | '_'))
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if stands_alone {
            runs.push((start, run));
        }
        at = start + len.max(1);
    }
    runs
}

/// A date written in digits: year first (1987-04-27, 2019-04, 2019/04),
/// day first (27.04.1987), month first where the day says so
/// (04/27/1987), or a month and year (06.1978). A slash date whose day
/// and month could trade places (04/05/1987) is none: it cannot be read
/// for sure.
fn digit_date(written: &str, start: usize) -> Option<Date> {
    let separator = written.chars().find(|c| matches!(c, '-' | '.' | '/'))?;
    let parts: Vec<&str> = written.split(separator).collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    // (year, month, day, which part is the month)
    let (year, month, day, month_part) = match lens.as_slice() {
        [4, 1 | 2, 1 | 2] => (n(parts[0]), n(parts[1])?, n(parts[2]), 1),
        // 2019-04, 2019/04: not 2019.4, a decimal as well.
        [4, 2] if separator != '.' => (n(parts[0]), n(parts[1])?, None, 1),
        [2, 4] => (n(parts[1]), n(parts[0])?, None, 0),
        [1 | 2, 1 | 2, 4] => {
            let (a, b) = (n(parts[0])?, n(parts[1])?);
            let (month, day, month_part) = if b > 12 && a <= 12 {
                (a, b, 0)
            } else if separator == '/' && a <= 12 {
                return None;
            } else {
                (b, a, 1)
            };
            (n(parts[2]), month, Some(day), month_part)
        }
        _ => return None,
    };
    let plausible = year.is_some_and(|y| YEARS.contains(&y))
        && MONTHS.contains(&month)
        && day.is_none_or(|d| DAYS.contains(&d));
    let month_start = start + parts[..month_part].iter().map(|p| p.len() + 1).sum::<usize>();
    plausible.then_some(Date {
        year,
        month,
        day,
        start,
        month_start,
    })
}

/// Whether what follows a day after its month ends it: a comma, a stop,
/// a bracket or the text's end.
fn ends_a_day(rest: &str) -> bool {
    rest.chars().next().is_none_or(|c| DAY_END_MARKS.contains(&c))
}

/// The year a CJK month follows (1987年4月, 1987 年 4 月).
fn year_before_mark(before: &str) -> Option<u32> {
    let before = before.trim_end().strip_suffix(CJK_YEAR_MARK)?.trim_end();
    trailing_number(before, 4).filter(|y| YEARS.contains(y))
}

/// The day a CJK month is followed by (4月27日, 4 月 27 日).
fn day_before_mark(after: &str) -> Option<u32> {
    let (day, rest) = leading_number(after.trim_start(), 2);
    day.filter(|_| rest.trim_start().starts_with(CJK_DAY_MARK))
}

/// The number of at most `most` digits `text` starts with (not part of a
/// longer number or a decimal), and what follows it.
fn leading_number(text: &str, most: usize) -> (Option<u32>, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &text[digits..];
    let decimal = rest.starts_with(['.', ',']) && rest[1..].starts_with(|c: char| c.is_ascii_digit());
    if digits == 0 || digits > most || decimal {
        return (None, text);
    }
    (text[..digits].parse().ok(), rest)
}

/// The number of at most `most` digits `text` ends with (not the end of
/// a longer number or a decimal).
fn trailing_number(text: &str, most: usize) -> Option<u32> {
    let digits = text.len() - text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let head = &text[..text.len() - digits];
    let decimal =
        head.ends_with(['.', ',']) && head[..head.len() - 1].ends_with(|c: char| c.is_ascii_digit());
    if digits == 0 || digits > most || decimal {
        return None;
    }
    text[text.len() - digits..].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<String> {
        dates(text, Lexicons::for_text(text, None))
            .iter()
            .map(Date::shown)
            .collect()
    }

    fn changed(source: &str, rewrite: &str) -> Vec<String> {
        changed_dates(source, rewrite)
            .iter()
            .map(|c| format!("{} for {}", c.date.shown(), c.theirs.shown()))
            .collect()
    }

    #[test]
    fn dates_are_read_in_each_form_the_languages_write() {
        assert_eq!(shown("On 1987-04-27 and 2019/04."), ["1987-04-27", "2019-04"]);
        assert_eq!(
            shown("связь прекратилась 14.09.1971, в 06.1978"),
            ["1971-09-14", "1978-06"]
        );
        assert_eq!(shown("released 04/27/1987"), ["1987-04-27"]);
        assert_eq!(
            shown("on 6 November 1919 and April 27, 1987"),
            ["1919-11-06", "1987-04-27"]
        );
        assert_eq!(shown("до 25 апреля 1997 года"), ["1997-04-25"]);
        assert_eq!(shown("第四套人民币于 1987 年 4 月 27 日开始发行"), ["1987-04-27"]);
        assert_eq!(
            shown("2018年6月27日に到着、7月11日に着地"),
            ["2018-06-27", "--07-11"]
        );
        // A month with neither day nor year dates nothing, nor one its
        // length follows in a worked day count.
        assert_eq!(shown("from March to May 1990"), ["1990-05"]);
        assert!(
            shown("январь 1899: 31; февраль 1899 года — 28; 2016年1月：31日、1975年2月は28日まで").is_empty()
        );
    }

    #[test]
    fn what_only_looks_like_a_date_is_none() {
        // A slash date whose day and month could trade places, a decimal,
        // a version, "may" the verb, a year out of range.
        assert!(shown("on 04/05/1987").is_empty());
        assert!(shown("a value of 2019.4 and version 2.6.32").is_empty());
        assert!(shown("it may 2 times fail; step 3 may fail").is_empty());
        assert!(shown("the 12.5.3000 build").is_empty());
    }

    #[test]
    fn a_month_changed_in_a_date_the_source_gives_is_read() {
        assert_eq!(
            changed(
                "第四套人民币于 1987 年 4 月 27 日开始发行。",
                "- 第四套：1987-07-27"
            ),
            ["1987-07-27 for 1987-04-27"]
        );
        assert_eq!(
            changed(
                "It was confirmed in London on 6 November 1919.",
                "London, 6 December 1919."
            ),
            ["1919-12-06 for 1919-11-06"]
        );
        // By the day alone, and by the year alone.
        assert_eq!(
            changed("ИП платят до 25 апреля.", "ИП — до 25 мая."),
            ["--05-25 for --04-25"]
        );
        assert_eq!(
            changed(
                "TypeScript 1.0 は2014年4月に公開された。",
                "2014年10月に1.0が公開"
            ),
            ["2014-10 for 2014-04"]
        );
    }

    #[test]
    fn a_month_in_digits_of_a_date_the_source_gives_is_found() {
        let source = "RFC 9110 came out in June 2022; RFC 7231 in June 2014.";
        // The 06 of each, at its byte.
        assert_eq!(
            months_of_the_sources_dates(source, "RFC 9110 (2022-06), RFC 7231 (06/2014)"),
            [15, 30]
        );
        assert!(months_of_the_sources_dates(source, "RFC 9110 (2022-07), RFC 7231 (2015-06)").is_empty());
    }

    #[test]
    fn a_date_the_source_has_in_any_form_is_no_change() {
        let source = "第四套人民币于 1987 年 4 月 27 日开始发行；2018年6月27日到着、7月11日に着地。";
        assert!(changed(source, "1987-04-27 · 27.04.1987 · 2018-06-27 · 2018-07-11").is_empty());
        // A range names its first month too; another event's month is
        // no change of a date without a shared day or year.
        assert!(
            changed(
                "Built from March to May 1990 and opened on 3 June 1991.",
                "March 1990; 5 July 1992"
            )
            .is_empty()
        );
        // The old style and the new style: both the source's.
        let source = "25 октября (7 ноября) 1917 года";
        assert!(changed(source, "7 ноября 1917 года, по старому стилю 25 октября 1917").is_empty());
    }
}
