//! The tokens of a line that may hold a computation: its numbers (with
//! the decimals they are written with), operators and equals signs.

/// The operator a tight fraction's slash is read as (U+2044, the fraction
/// slash): it divides before any other operator.
pub(crate) const FRACTION_SLASH: char = '\u{2044}';

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Token {
    /// A value and the decimals it is written with.
    Number(f64, u8),
    Op(char),
    /// `=` or `≈`.
    Equals,
}

/// A line's numbers, operators and equals signs, each with the chars it
/// covers; words and units between them are skipped.
pub(crate) fn spans(line: &str) -> Vec<(Token, std::ops::Range<usize>)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out: Vec<(Token, std::ops::Range<usize>)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            // Digits grouped by spaces (42 000, 1 566 000) are one number
            // when the first group has at most three digits and each
            // group after it exactly three: a year before a count
            // (2019 100) stays two.
            let grouped_at = |i: usize| {
                crate::lexicon::common::DIGIT_GROUP_SPACES.contains(&chars[i])
                    && (1..=3).all(|k| chars.get(i + k).is_some_and(char::is_ascii_digit))
                    && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
            };
            let (mut first_group, mut grouped, mut separated) = (0usize, false, false);
            while i < chars.len() {
                if chars[i].is_ascii_digit() {
                    first_group += usize::from(!grouped && !separated);
                } else if matches!(chars[i], '.' | ',')
                    // After groups by spaces, one decimal mark (26 666,7).
                    && (!grouped || !separated)
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    separated = true;
                } else if grouped_at(i) && !separated && (grouped || first_group <= 3) {
                    grouped = true;
                } else {
                    break;
                }
                i += 1;
            }
            let written: String = chars[start..i]
                .iter()
                .filter(|c| !crate::lexicon::common::DIGIT_GROUP_SPACES.contains(c))
                .collect();
            let mut value = parse(&written);
            let decimals = written
                .rsplit_once(['.', ','])
                .filter(|(_, after)| {
                    after.len() != 3 || written.matches([',', '.']).count() == 1 && written.contains('.')
                })
                .map_or(0, |(_, after)| after.len().min(9) as u8);
            if chars.get(i) == Some(&'%') {
                i += 1;
            }
            // 万 and 亿 scale the number before them (120万円).
            let scale = chars.get(i).and_then(|c| {
                crate::lexicon::common::CJK_SCALE_CHARS
                    .iter()
                    .find(|(s, _)| s == c)
                    .map(|&(_, f)| f)
            });
            if let Some(f) = scale {
                value = value.map(|v| v * f);
                i += 1;
            }
            if let Some(v) = value {
                // A minus glued to a number that no number precedes is its
                // sign (−162 + 273 = 111).
                let glued_minus = start > 0
                    && matches!(chars[start - 1], '−' | '-')
                    && (start == 1 || !chars[start - 2].is_alphanumeric());
                let sign_token = matches!(out.last(), Some((Token::Op('−'), r)) if r.end == start);
                let before_sign = out.len() - usize::from(sign_token);
                let unary = glued_minus && !matches!(out[..before_sign].last(), Some((Token::Number(..), _)));
                if unary && sign_token {
                    out.pop();
                }
                let (v, start) = if unary { (-v, start - 1) } else { (v, start) };
                out.push((Token::Number(v, decimals), start..i));
            }
            continue;
        }
        let spaced = |j: usize| chars.get(j).is_none_or(|c| c.is_whitespace());
        match c {
            // A tally of signed counts (+6 −3 =25: wins, losses, draws)
            // glues each mark to its count, after a space: no equation.
            '=' if i > 0
                && spaced(i - 1)
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && matches!(out.last(), Some((Token::Number(..), r))
                    if r.start > 1 && matches!(chars[r.start - 1], '+' | '−' | '-') && chars[r.start - 2].is_whitespace()) =>
                {}
            '=' | '≈' => out.push((Token::Equals, i..i + 1)),
            '+' | '×' | '*' | '÷' | '−' => out.push((Token::Op(c), i..i + 1)),
            // A middle dot multiplies between numbers (12 · 700); in a unit
            // (千瓦·时, kW·h) it joins letters.
            '·' if between_numbers(&chars, i) => out.push((Token::Op(c), i..i + 1)),
            // A hyphen or slash is an operator only with spaces around it
            // (`150-300 bar` is a range, `km/h` a unit).
            '-' | '/' if i > 0 && spaced(i - 1) && spaced(i + 1) => out.push((Token::Op(c), i..i + 1)),
            // A fraction written tight (1/3 ≈ 0.333) is one number: its
            // slash binds first (30 ÷ 2/15 = 225), read as `FRACTION_SLASH`.
            '/' if i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit) =>
            {
                out.push((Token::Op(FRACTION_SLASH), i..i + 1))
            }
            // A colon between spaced numbers divides, as Russian writes it
            // (500 : 100 = 5); a clock's (8:00) and a label's do not.
            ':' if i > 0
                && spaced(i - 1)
                && spaced(i + 1)
                && matches!(out.last(), Some((Token::Number(..), _)))
                && chars[i + 1..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(char::is_ascii_digit) =>
            {
                out.push((Token::Op('÷'), i..i + 1))
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether `line` has a sign that gives a result (`=`, `≈`, or `＝`, which
/// [`plain_signs`] makes `=`): a line without one computes nothing, and
/// most lines of prose are not tokenised at all.
pub(crate) fn may_compute(line: &str) -> bool {
    line.contains(['=', '≈', '＝'])
}

/// A line with bold marks dropped (`≈ **7,8 км**` is emphasis, not `×`)
/// and full-width signs as their ASCII forms (1902 ＋ 5 ＝ 1907).
pub(crate) fn plain_signs(line: &str) -> String {
    line.replace("**", "")
        .chars()
        .map(|c| {
            crate::lexicon::common::FULL_WIDTH_SIGNS
                .iter()
                .find(|(wide, _)| *wide == c)
                .map_or(c, |&(_, ascii)| ascii)
        })
        .collect()
}

/// Whether `c` is a CJK scale character (万, 亿).
pub(crate) fn is_cjk_scale(c: char) -> bool {
    crate::lexicon::common::CJK_SCALE_CHARS
        .iter()
        .any(|(s, _)| *s == c)
}

/// Whether the nearest non-space characters on both sides of `i` are
/// digits.
pub(crate) fn between_numbers(chars: &[char], i: usize) -> bool {
    let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
    let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
    before.is_some_and(char::is_ascii_digit) && after.is_some_and(char::is_ascii_digit)
}

/// `1,000` and `1.5` as written in English; `8423,46` (a decimal comma,
/// not three digits after it) as Russian writes it.
pub(crate) fn parse(written: &str) -> Option<f64> {
    let thousands = written
        .split(',')
        .skip(1)
        .all(|group| group.len() == 3 && !group.contains('.'));
    let normal = if written.contains(',') && thousands {
        written.replace(',', "")
    } else {
        written.replace(',', ".")
    };
    normal.parse().ok()
}
