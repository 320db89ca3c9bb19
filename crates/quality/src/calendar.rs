//! A month's length, as a worked day count states it ("August has 31
//! days", "ноябрь: 30", 6月30天, 10月：31日): a fact of the calendar, not a
//! number the rewrite invents, and an operand its arithmetic may use
//! (31 − 10 = 21). Only a length that is the named month's counts: "11月：
//! 31日" states nothing the calendar says, and stays a finding.

use crate::lexicon::Lexicons;
use crate::lexicon::common::{CJK_MONTH_MARK, CJK_YEAR_MARK, MONTH_LENGTH_MARKS};

/// The values each month-length statement of `text` gives: the length,
/// and a CJK month's number with it (11月：30日 → 11 and 30), which the
/// numbers check reads as a number too.
pub(crate) fn stated_month_lengths(text: &str, lex: Lexicons) -> Vec<f64> {
    let mut out = Vec::new();
    for m in months_in(text, lex) {
        if let Some(days) = length_after(&text[m.end..], lex)
            && is_length_of(m.month, days)
        {
            out.push(days as f64);
            if m.numbered {
                out.push(m.month as f64);
            }
        }
    }
    out
}

/// Whether the month mentioned before `end` is followed by its length
/// (февраль 1899: 28, 2016年1月：31日): a day count, not a date.
pub(crate) fn states_its_length(text: &str, end: usize, month: u64, lex: Lexicons) -> bool {
    length_after(&text[end..], lex).is_some_and(|days| is_length_of(month, days))
}

/// Whether `days` is how many days month `month` has (February: 28, or
/// 29 in a leap year).
fn is_length_of(month: u64, days: u64) -> bool {
    match month {
        2 => days == 28 || days == 29,
        4 | 6 | 9 | 11 => days == 30,
        1..=12 => days == 31,
        _ => false,
    }
}

/// A month `text` names, by its name or as a number (11月).
pub(crate) struct MonthMention {
    /// 1 to 12.
    pub(crate) month: u64,
    /// The byte where the mention starts (its first digit, for 11月).
    pub(crate) start: usize,
    /// The byte after it.
    pub(crate) end: usize,
    /// Written as a number (11月), not a name.
    pub(crate) numbered: bool,
}

/// The months `text` names, by name in the order of the text's words,
/// then its numbered months.
pub(crate) fn months_in(text: &str, lex: Lexicons) -> Vec<MonthMention> {
    let mut out: Vec<MonthMention> = crate::text::word_ranges(text)
        .filter_map(|range| {
            month_named(&crate::text::lower_word(&text[range.clone()]), lex).map(|month| MonthMention {
                month,
                start: range.start,
                end: range.end,
                numbered: false,
            })
        })
        .collect();
    out.extend(numbered_months(text));
    out
}

/// The month a word in lower case names, by the lexicons' months: a Latin
/// name is the whole word, a Cyrillic entry the word's start.
pub(crate) fn month_named(word: &str, lex: Lexicons) -> Option<u64> {
    lex.entries(|l| l.months)
        .find(|(name, _)| {
            if name.is_ascii() {
                word == *name
            } else {
                word.starts_with(name)
            }
        })
        .map(|(_, m)| *m)
}

/// The months `text` numbers (11月, 4 月): digits before the mark, a
/// space between or not.
pub(crate) fn numbered_months(text: &str) -> Vec<MonthMention> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices(CJK_MONTH_MARK) {
        let before = text[..i].strip_suffix(' ').unwrap_or(&text[..i]);
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let after_digit = before[..before.len() - digits].ends_with(['.', ',']);
        if let Ok(m) = before[before.len() - digits..].parse::<u64>()
            && digits <= 2
            && !after_digit
        {
            out.push(MonthMention {
                month: m,
                start: before.len() - digits,
                end: i + CJK_MONTH_MARK.len_utf8(),
                numbered: true,
            });
        }
    }
    out
}

/// The number of days `rest` (what follows a month) gives it: after the
/// month's year if it has one, a mark (`:`, `(`) or a linking word (has,
/// 有, は), then the number; or the number at once, where a word that
/// counts days follows it (6月30天: 6月30日 is a date).
fn length_after(rest: &str, lex: Lexicons) -> Option<u64> {
    let mut r = rest.trim_start();
    let year = r.bytes().take_while(u8::is_ascii_digit).count();
    if year == 4 {
        r = r[4..].strip_prefix(CJK_YEAR_MARK).unwrap_or(&r[4..]).trim_start();
        // The year's word (февраль 1899 года — 28).
        if let Some(after) = lex.words(|l| l.year_units).find_map(|w| {
            r.strip_prefix(w)
                .filter(|a| !a.starts_with(char::is_alphanumeric))
        }) {
            r = after.trim_start();
        }
    }
    let linked = if let Some(after) = r.strip_prefix(MONTH_LENGTH_MARKS) {
        r = after.trim_start();
        true
    } else if let Some(after) = lex.words(|l| l.month_length_links).find_map(|link| {
        r.strip_prefix(link)
            .filter(|after| !link.is_ascii() || after.starts_with(char::is_whitespace))
    }) {
        r = after.trim_start();
        true
    } else {
        false
    };
    let digits = r.bytes().take_while(u8::is_ascii_digit).count();
    let after = &r[digits..];
    // Not a decimal's or a longer number's start (31.5, 31,2).
    let decimal = after.starts_with(['.', ',']) && after[1..].starts_with(|c: char| c.is_ascii_digit());
    if !(1..=2).contains(&digits) || decimal {
        return None;
    }
    let counts_days = || {
        let after = after.trim_start();
        lex.words(|l| l.day_count_words).any(|w| {
            after
                .strip_prefix(w)
                .is_some_and(|end| !w.is_ascii() || !end.starts_with(char::is_alphanumeric))
        })
    };
    (linked || counts_days())
        .then(|| r[..digits].parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lengths(text: &str) -> Vec<f64> {
        stated_month_lengths(text, Lexicons::for_text(text, None))
    }

    #[test]
    fn a_months_length_is_read_where_a_day_count_states_it() {
        assert_eq!(
            lengths("August has 31 days. From 10 August to 31 August: 31 − 10 = 21 days."),
            [31.0, 31.0]
        );
        assert_eq!(lengths("In February (29 days in 2016)"), [29.0]);
        assert_eq!(
            lengths("- октябрь 1898: 31 − 17 = 14 дней;\n- ноябрь: 30; декабрь: 31; февраль 1899: 28"),
            [31.0, 30.0, 31.0, 28.0]
        );
        assert_eq!(lengths("ноябрь — 30, февраль 1899 года — 28"), [30.0, 28.0]);
        assert_eq!(lengths("6月30天，7月31天"), [30.0, 6.0, 31.0, 7.0]);
        assert_eq!(lengths("2 月有 29 天；3 月：31 天"), [29.0, 2.0, 31.0, 3.0]);
        assert_eq!(
            lengths("2016年1月：31日、2月：29日（2016年はうるう年）"),
            [31.0, 1.0, 29.0, 2.0]
        );
    }

    #[test]
    fn a_date_or_a_wrong_length_is_no_months_length() {
        // Dates, however written.
        assert!(lengths("June 30, 2018, and 30 June 2018").is_empty());
        assert!(lengths("2019年6月30日发布；12月1日から3日まで").is_empty());
        assert!(lengths("30 ноября 1898 года").is_empty());
        // A length that is not the month's: an error, not the calendar.
        assert!(lengths("11月：31日。August has 30 days. февраль: 30").is_empty());
        // A month's other numbers: its year alone, a count of days after a
        // mark that is not the month's length, a decimal.
        assert!(lengths("August: 2018. June (3 days). May: 31.5 mm").is_empty());
        // Months counted, not named (3个月) and a version (3.6月) are no month.
        assert!(lengths("3个月：30天；v3.6月：30天").is_empty());
    }

    #[test]
    fn each_lexicon_that_names_months_names_all_twelve() {
        for lexicon in Lexicons::all().iter().filter(|l| !l.months.is_empty()) {
            let mut named: Vec<u64> = lexicon.months.iter().map(|(_, m)| *m).collect();
            named.dedup();
            assert_eq!(named, (1..=12).collect::<Vec<_>>(), "{}", lexicon.language);
        }
    }
}
