//! The forms numbers take that the numbers check reads besides digits: scale
//! words, centuries, decades, list and heading numbers, dates in digits,
//! CJK numerals, and the sentence a number stands in.

use crate::numbers::Quantity;

/// The factors of the scale words `text` uses (million, млн, 万).
pub(super) fn scale_factors(text: &str) -> Vec<f64> {
    let lower = text.to_lowercase();
    // A one-letter scale (190k) counts only glued to a number, as one.
    let glued = |word: &str| {
        text.match_indices(word).any(|(at, _)| {
            text[..at].ends_with(|c: char| c.is_ascii_digit())
                && text[at + word.len()..].chars().next().is_none_or(|c| {
                    c.is_whitespace() || crate::lexicon::common::SCALE_TAIL_MARKS.contains(&c)
                })
        })
    };
    crate::lexicon::Lexicons::for_text(text, None)
        .entries(|l| l.scale_words)
        .filter(|(word, _)| {
            if word.len() == 1 {
                glued(word)
            } else {
                lower.contains(word)
            }
        })
        .map(|&(_, factor)| factor)
        .collect()
}

/// (n, the first year of the century) for each century `text` names by its
/// ordinal ("15th century", "в 15 веке", 15世纪 → (15, 1400)): a rewrite may
/// name it by its years ("the 1400s"). `numbers` are `text`'s, read once
/// by the caller.
pub(super) fn century_years(text: &str, numbers: &[crate::numbers::NumberMention]) -> Vec<(f64, f64)> {
    let lex = crate::lexicon::Lexicons::for_text(text, None);
    let century_after = |rest: &str| {
        lex.words(|l| l.century_words)
            .any(|w| rest.trim_start().starts_with(w))
    };
    let mut out: Vec<(f64, f64)> = numbers
        .iter()
        .filter_map(|m| {
            let Quantity::Value(n) = m.quantity else {
                return None;
            };
            names_a_century(n, text, m, lex).then_some((n, (n - 1.0) * 100.0))
        })
        .collect();
    // Spelled: "the twentieth century" is the 20th and the 1900s (read
    // only where a century word is).
    let lower = text.to_lowercase();
    if !lex.words(|l| l.century_words).any(|w| lower.contains(w)) {
        return out;
    }
    let mut start = None;
    for (i, c) in lower.char_indices().chain(std::iter::once((lower.len(), ' '))) {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                if let Some(n) = lex.indexes().find_map(|l| l.ordinal(&lower[s..i]))
                    && century_after(&lower[i..])
                {
                    out.push((f64::from(n), f64::from(n.saturating_sub(1)) * 100.0));
                }
            }
            _ => {}
        }
    }
    out
}

/// The centuries `text` names right before one of their decades
/// (20世纪90年代): (the century, the decade). A rewrite that writes the
/// decade (90年代, 1990年代) keeps the century it is counted in.
pub(super) fn centuries_of_decades(text: &str, numbers: &[crate::numbers::NumberMention]) -> Vec<(f64, f64)> {
    let lex = crate::lexicon::Lexicons::for_text(text, None);
    numbers
        .windows(2)
        .filter_map(|pair| {
            let (Quantity::Value(century), Quantity::Value(decade)) = (&pair[0].quantity, &pair[1].quantity)
            else {
                return None;
            };
            let between = &text[pair[0].start + pair[0].written.len()..pair[1].start];
            let after = &text[pair[1].start + pair[1].written.len()..];
            let joined = lex.words(|l| l.century_words).any(|w| between.trim() == w);
            let decade_named = lex.words(|l| l.decade_suffixes).any(|w| after.starts_with(w));
            (joined && decade_named && names_a_century(*century, text, &pair[0], lex))
                .then_some((*century, *decade))
        })
        .collect()
}

pub(super) use crate::numbers::is_year;

/// A decade ("1960s") the rewrite names, with a source year in it.
pub(super) fn is_decade_of(
    v: f64,
    rewrite: &str,
    m: &crate::numbers::NumberMention,
    lex: crate::lexicon::Lexicons,
    known: &[f64],
) -> bool {
    is_year(v)
        && v % 10.0 == 0.0
        && crate::numbers::decade_follows(rewrite, m.start + m.written.len(), lex)
        && known.iter().any(|k| (v..v + 10.0).contains(k))
}

/// Whether the number `v` at `m` names a century by its ordinal ("15th
/// century", "в 15 веке", 15世纪).
fn names_a_century(
    v: f64,
    text: &str,
    m: &crate::numbers::NumberMention,
    lex: crate::lexicon::Lexicons,
) -> bool {
    // Past its ordinal suffix and a hyphen (the 17th-century mansion).
    let rest = &text[m.start + m.written.len()..];
    let rest = lex
        .words(|l| l.ordinal_suffixes)
        .find_map(|suffix| rest.strip_prefix(suffix))
        .unwrap_or(rest)
        .trim_start_matches('-')
        .trim_start();
    (1.0..=21.0).contains(&v)
        && v.fract() == 0.0
        && lex.words(|l| l.century_words).any(|w| rest.starts_with(w))
}

/// A century ("the 5th century", 5世纪) the rewrite names for a year the
/// source gives in it (429): a narrative places its story in time.
pub(super) fn is_century_of(
    v: f64,
    rewrite: &str,
    m: &crate::numbers::NumberMention,
    lex: crate::lexicon::Lexicons,
    known: &[f64],
) -> bool {
    // Years of three digits count here (429). A round hundred (1900, 500)
    // is said of the centuries on both its sides, so it names neither.
    names_a_century(v, rewrite, m, lex)
        && known
            .iter()
            .any(|&k| k.fract() == 0.0 && k > (v - 1.0) * 100.0 && k < v * 100.0 && k >= 100.0)
}

/// A percentage's base restated as a count ("95 out of 100", "95 из 100")
/// where the source gives a percentage.
pub(super) fn is_percent_base(
    v: f64,
    rewrite: &str,
    m: &crate::numbers::NumberMention,
    lex: crate::lexicon::Lexicons,
    source: &str,
) -> bool {
    if v != 100.0 || !source.contains(['%', '％']) {
        return false;
    }
    // The few words before it, lower-cased (not the whole text per number).
    let before = lowered_tail(rewrite[..m.start].trim_end(), 24);
    lex.words(|l| l.out_of_words).any(|w| {
        before.ends_with(w)
            && !before[..before.len() - w.len()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphabetic() && !crate::text::is_cjk(c))
    })
}

/// Whether the number at `start` (of `len` bytes) states a notation — a
/// precision or a base (有効数字3桁, "2 decimal places", 10進数) — by a
/// word of the lexicons' `notation_words` right before or after it.
pub(super) fn states_a_notation(text: &str, start: usize, len: usize, lex: crate::lexicon::Lexicons) -> bool {
    let before = text[..start].trim_end();
    let after = text[start + len..].trim_start();
    lex.words(|l| l.notation_words)
        .any(|w| before.ends_with(w) || after.starts_with(w))
}

/// Whether the number `m` counts a year in an era's years, in brackets
/// after the year itself (1937年（昭和12年）).
pub(super) fn restates_a_year(text: &str, m: &crate::numbers::NumberMention) -> bool {
    let before = &text[..m.start];
    // The era's name: a few characters, kana excepted.
    let era: String = before
        .chars()
        .rev()
        .take_while(|&c| crate::text::is_cjk(c) && !crate::words::is_kana(c))
        .collect();
    let Some(opened) = before[..before.len() - era.len()].strip_suffix(['（', '(']) else {
        return false;
    };
    let year_mark = crate::lexicon::common::CJK_YEAR_MARK;
    let closes = text[m.start + m.written.len()..]
        .strip_prefix(year_mark)
        .is_some_and(|rest| rest.starts_with(['）', ')']));
    let year_before = opened
        .strip_suffix(year_mark)
        .is_some_and(|y| y.chars().rev().take(4).filter(char::is_ascii_digit).count() == 4);
    (1..=4).contains(&era.chars().count()) && closes && year_before
}

/// Whether a sentence works something out: a calculation, an example it
/// introduces as one, or the time between dates it names counted out.
pub(super) fn is_worked(sentence: &str, lex: crate::lexicon::Lexicons) -> bool {
    // Bold marks (`**問題1** …`) are emphasis, not multiplication.
    let calculation = sentence
        .replace("**", "")
        .contains(crate::lexicon::common::CALCULATION_SIGNS);
    if calculation {
        return true;
    }
    let lower = sentence.to_lowercase();
    lex.words(|l| l.example_markers).any(|m| lower.contains(m))
        || crate::dates::counts_time_between_dates(sentence, lex)
}

/// Whether the number at `start` numbers a heading: one word before it on
/// its line, after heading or emphasis marks, and a stop or a colon after
/// it ("**Утверждение 4.**", "## Claim 2:", "结论 1：").
pub(super) fn numbers_a_heading(text: &str, start: usize, len: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start]
        .trim_start_matches(['#', '*', '_', ' ', '§'])
        .trim_end();
    let after = &text[start + len..];
    if before.is_empty() {
        return is_section_number(text, start, len);
    }
    before.chars().all(char::is_alphabetic) && after.starts_with(['.', ':', '：', ')', '）'])
}

/// Whether the number at `start`, first on its line and followed by a
/// title (3.1\u{3000}基本の形, "2.4 Results", "### 7.1. Научная
/// предпосылка", "**2 「洋上のアルプス」**"), numbers a section: another line
/// starts with a sibling (3.2; for a whole number, another whole number on
/// a heading or bold line) the same way.
fn is_section_number(text: &str, start: usize, len: usize) -> bool {
    let written = &text[start..start + len];
    let parent = written.rsplit_once('.').map(|(parent, _)| parent);
    let titled = |rest: &str| {
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        rest.starts_with([' ', '\u{3000}'])
            && rest
                .trim_start_matches([' ', '\u{3000}'])
                .trim_start_matches(crate::lexicon::common::OPENING_QUOTES)
                .starts_with(char::is_alphabetic)
    };
    if !titled(&text[start + len..]) {
        return false;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let heading_line = |line: &str| line.starts_with(['#', '*']);
    if parent.is_none() && !heading_line(&text[line_start..]) {
        return false;
    }
    // The title of the whole rewrite (4.3　费托合成, then its text).
    let first_line = text[..start]
        .trim_start_matches(['#', '*', '_', ' ', '\n', '§'])
        .is_empty();
    first_line
        || text.lines().any(|line| {
            let marked = heading_line(line);
            let line = line.trim_start_matches(['#', '*', '_', ' ', '§']);
            let number_end = line
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(line.len());
            let number = &line[..number_end];
            let number = number.strip_suffix('.').unwrap_or(number);
            let rest = &line[number.len()..];
            let sibling = match parent {
                Some(parent) => number
                    .rsplit_once('.')
                    .is_some_and(|(p, last)| p == parent && !last.is_empty()),
                None => marked && !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            };
            number != written && sibling && titled(rest)
        })
}

/// The sentence (or line) of `text` around byte `at`, trimmed.
pub(super) fn sentence_at(text: &str, at: usize) -> String {
    let is_end = |c: char| matches!(c, '\n' | '。' | '！' | '？' | '!' | '?');
    // A label's stop inside emphasis ends it too: "**Задача 3.** О …".
    let stop_before_space = |rest: &str| rest.trim_start_matches(['*', '_']).starts_with(' ');
    // The stop of a one-letter word ends no sentence: "i.e.", "e.g.", an
    // initial ("J. Smith").
    let abbreviates = |i: usize| {
        let mut before = text[..i].chars().rev();
        before.next().is_some_and(char::is_alphabetic) && !before.next().is_some_and(char::is_alphabetic)
    };
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|&(i, c)| is_end(c) || (c == '.' && stop_before_space(&text[i + 1..]) && !abbreviates(i)))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .char_indices()
        .find(|&(i, c)| {
            is_end(c) || (c == '.' && text[at + i + 1..].starts_with([' ', '\n']) && !abbreviates(at + i))
        })
        .map_or(text.len(), |(i, c)| at + i + c.len_utf8());
    text[start..end]
        .trim()
        .trim_start_matches(['*', '_'])
        .trim_start()
        .to_owned()
}

/// A date in digits as its day and year (and, written year first with
/// dots, its month: 2017.5.5 says 5 twice, as 2017年5月5日 does); with
/// `day_month` (text that writes decimals with a comma, as Russian does), a
/// day and month with a dot (31.12) as its day, the month being a word in
/// the source as in other dates; any other number as it is.
pub(super) fn date_parts(
    m: crate::numbers::NumberMention,
    day_month: bool,
) -> Vec<crate::numbers::NumberMention> {
    let parts: Vec<&str> = m.written.split(['.', '-', '/']).collect();
    let all_digits = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let plausible_in = |years: std::ops::RangeInclusive<u32>, year: &str, month: &str| {
        year.parse::<u32>().is_ok_and(|y| years.contains(&y))
            && month.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
    };
    let plausible = |year: &str, month: &str| plausible_in(1800..=2100, year, month);
    // Two stops make no decimal: any year of the last thousand reads
    // (1575.6.29); so does a month written with its zero (07.1799).
    let plausible_old = |year: &str, month: &str| plausible_in(1000..=2100, year, month);
    let mut parts: Vec<&str> = match lens.as_slice() {
        [1 | 2, 1 | 2, 4] if all_digits => vec![parts[0], parts[2]],
        // A year and month (2019.4, 2019/04): both, as 2019年4月 has them.
        [4, 1 | 2] if all_digits && plausible(parts[0], parts[1]) => vec![parts[1], parts[0]],
        [4, 2, 2] if all_digits => vec![parts[2], parts[0]],
        // Year first with a one-digit month or day (2017.5.5, 2023.5.28).
        [4, 1 | 2, 1 | 2] if all_digits && plausible_old(parts[0], parts[1]) => {
            vec![parts[2], parts[0], parts[1]]
        }
        // A month and year (06.1978): the year — only where it reads as
        // one: 0.3528 is a decimal, not month 0 of year 3528.
        [1 | 2, 4]
            if all_digits
                && (plausible(parts[1], parts[0])
                    || parts[0].len() == 2 && plausible_old(parts[1], parts[0])) =>
        {
            vec![parts[1]]
        }
        [1 | 2, 2]
            if day_month
                && all_digits
                && m.written.contains('.')
                && parts[0].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
                && parts[1].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)) =>
        {
            vec![parts[0]]
        }
        _ => return vec![m],
    };
    parts.dedup();
    parts
        .into_iter()
        .filter_map(|p| p.parse::<f64>().ok())
        .map(|v| crate::numbers::NumberMention {
            written: v.to_string(),
            quantity: Quantity::Value(v),
            start: m.start,
        })
        .collect()
}

/// `text` without the words that name the year after or before another
/// (第二年, 前年): the 二 of 第二年 ("the next year") counts no thing, in a
/// source or a rewrite; the year it names is a year (1979) either may
/// write.
pub(super) fn without_year_steps(text: &str, lex: crate::lexicon::Lexicons) -> std::borrow::Cow<'_, str> {
    let mut plain = std::borrow::Cow::Borrowed(text);
    for word in lex
        .words(|l| l.next_year_words)
        .chain(lex.words(|l| l.previous_year_words))
    {
        if plain.contains(word) {
            plain = std::borrow::Cow::Owned(plain.replace(word, "\u{3000}"));
        }
    }
    plain
}

/// Whether the number ending at byte `end` of `text` is a percentage: `%`
/// after it, or a word of the lexicons' `percent_words` (1 per cent).
pub(super) fn percent_after(text: &str, end: usize, lex: crate::lexicon::Lexicons) -> bool {
    let rest = text[end..].trim_start();
    rest.starts_with(['%', '％'])
        || lex.words(|l| l.percent_words).any(|w| {
            rest.get(..w.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(w))
                && !rest[w.len()..].starts_with(char::is_alphabetic)
        })
}

/// The last `chars` characters of `text`, lower-cased: what a label or a
/// unit right before a number is looked for in, not the whole text before
/// it lower-cased per number.
pub(super) fn lowered_tail(text: &str, chars: usize) -> String {
    let start = text.char_indices().rev().nth(chars).map_or(0, |(i, _)| i);
    text[start..].to_lowercase()
}

/// Whether the number `written` at `start` is the month of an ISO date
/// (the 03 of 2012-03-01).
pub(super) fn is_iso_month(text: &str, start: usize, written: &str) -> bool {
    let before = &text[..start];
    let after = &text[start + written.len()..];
    written.len() == 2
        && before.len() >= 5
        && before.ends_with('-')
        && before[..before.len() - 1]
            .chars()
            .rev()
            .take(4)
            .filter(char::is_ascii_digit)
            .count()
            == 4
        && after.starts_with('-')
        && after[1..].chars().take(2).filter(char::is_ascii_digit).count() == 2
}

/// Values that number list items at line starts (`1.`, `2)`), and an
/// enumeration inside a line ("power comes from (1) …, (2) …") that counts
/// up from (1).
pub(super) fn list_marker_values(text: &str) -> Vec<f64> {
    let mut out: Vec<f64> = text
        .lines()
        .filter_map(|l| {
            // A numbered heading or a bold number (`## 3. Undo`, `**2.**`)
            // numbers a part as a list item does.
            let t = l.trim_start().trim_start_matches(['#', '*', ' ']);
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            let rest = &t[digits..];
            // `1. `, `2) `, and `1.（是非题）` or `3．主な成果` (a full-width
            // stop) where CJK text needs no space.
            let cjk_after = rest
                .strip_prefix(['.', '．'])
                .and_then(|r| r.chars().next())
                .is_some_and(|c| crate::text::is_cjk(c) || matches!(c, '（' | '【' | '「'));
            // A heading numbered with a full-width space (4　世界遺産への登録).
            let wide_space = rest.starts_with('\u{3000}');
            (digits > 0
                && digits <= 3
                && (rest.starts_with(". ") || rest.starts_with(") ") || cjk_after || wide_space))
                .then(|| t[..digits].parse().ok())
                .flatten()
        })
        .collect();
    // Full-width brackets too: （1）, （2）.
    let inline: Vec<f64> = text
        .split(['(', '（'])
        .skip(1)
        .filter_map(|part| part.split_once([')', '）']))
        .filter(|(n, _)| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|(n, _)| n.parse().ok())
        .collect();
    // (1), (2), … in order: an enumeration, not quantities.
    if inline.len() >= 2 && inline.iter().enumerate().all(|(i, &v)| v == (i + 1) as f64) {
        out.extend(inline);
    }
    // A table's column counting its rows (`| 1 | … |`, `| 2位 | … |`, an
    // order column last), table by table.
    let mut columns: Vec<Vec<u32>> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        let Some(row) = line.trim().strip_prefix('|') else {
            for column in &columns {
                if column.len() >= 2 && column.iter().enumerate().all(|(i, &v)| v as usize == i + 1) {
                    out.extend(column.iter().map(|&v| f64::from(v)));
                }
            }
            columns.clear();
            continue;
        };
        for (k, cell) in row.trim_end().trim_end_matches('|').split('|').enumerate() {
            if let Some(value) = row_count(cell.trim()) {
                if columns.len() <= k {
                    columns.resize(k + 1, Vec::new());
                }
                columns[k].push(value);
            }
        }
    }
    out
}

/// A table cell that counts its row: `1`, `1.`, a rank with its counter
/// (`1位`, `2nd`) or a numbered step (`1. 溶融`, `2) Heat`, `3 (critical)`),
/// or an ordinal that heads the row's thing (`1-я экспедиция`, `2nd
/// expedition`).
fn row_count(cell: &str) -> Option<u32> {
    let digits = cell.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &cell[digits..];
    let ordinal_first = rest
        .split_once(' ')
        .is_some_and(|(mark, _)| (1..=2).contains(&mark.chars().count()) && !mark.contains(char::is_numeric));
    let step = rest.starts_with(". ")
        || rest.starts_with(") ")
        || ordinal_first
        || rest.strip_prefix(' ').is_some_and(|r| r.starts_with(['(', '（']));
    (digits > 0 && (rest.chars().count() <= 2 || step))
        .then(|| cell[..digits].parse().ok())
        .flatten()
}

/// CJK numeral runs of two characters or more with a unit (三千, 二十二,
/// 三万), and single numerals before a measure (三年, 两倍); not one said as
/// approximate (三十多年, 二十余).
pub(super) fn cjk_compound_numerals(text: &str) -> Vec<f64> {
    let lex = crate::lexicon::Lexicons::for_text(text, None);
    let mut out = Vec::new();
    if lex.iter().all(|l| l.numeral_chars.is_empty()) {
        return out;
    }
    let chars: Vec<char> = text.chars().collect();
    let numeral = |c: char| lex.has_char(|l| l.numeral_chars, c);
    let mut i = 0;
    while i < chars.len() {
        if !numeral(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && numeral(chars[i]) {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        if lex.words(|l| l.numeral_idioms).any(|w| run.starts_with(w)) {
            continue;
        }
        let approximate = chars
            .get(i)
            .is_some_and(|&c| lex.has_char(|l| l.approximate_marks, c));
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        // 三年, 两倍: one numeral before a measure is a count, not part of a
        // word (一般, 统一; 一 alone is too common a part of words to read).
        // 千年 and 万人 say "ages" and "crowds": a unit alone is no count.
        let counted = i - start == 1
            && !run.starts_with('一')
            && !run.chars().any(|c| lex.has_char(|l| l.numeral_units, c))
            && lex.words(|l| l.numeral_measures).any(|m| rest.starts_with(m));
        let compound = i - start >= 2 && run.chars().any(|c| lex.has_char(|l| l.numeral_units, c));
        if (compound || counted) && !approximate {
            out.extend(crate::align::cjk_numerals(&run).into_iter().map(|v| v as f64));
        }
    }
    out
}
