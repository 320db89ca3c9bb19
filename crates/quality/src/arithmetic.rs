//! Arithmetic a rewrite writes out. A learning note or a worked example
//! derives new numbers from the source's ("12 · 700 = 8400", "120万円 +
//! 240万円 = 360万円"); such a number is not invented when the rewrite shows
//! the computation and the computation is right. A number that merely
//! appears, or a computation that is wrong, stays a finding.

/// Relative slack for a result written rounded ("≈ 1,0595").
const ROUNDING: f64 = 0.01;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Number(f64),
    Op(char),
    /// `=` or `≈`.
    Equals,
}

/// The values `text` derives by arithmetic it writes out, starting from
/// `known` (the source's values): for each `a op b … = c` whose operands
/// are known or derived earlier and whose result is right, `c`.
pub fn derived_values(text: &str, known: &[f64]) -> Vec<f64> {
    let mut derived: Vec<f64> = Vec::new();
    let is_known = |v: f64, derived: &[f64]| known.iter().chain(derived).any(|k| close(*k, v, 1e-9));
    for line in text.lines() {
        let tokens = tokens(line);
        // Each `=` closes the expression since the line's start or the last `=`.
        let mut start = 0;
        for (i, t) in tokens.iter().enumerate() {
            if *t != Token::Equals {
                continue;
            }
            let left = &tokens[start..i];
            start = i + 1;
            let Some(Token::Number(result)) = tokens.get(i + 1).copied() else {
                continue;
            };
            let operands: Vec<f64> = left
                .iter()
                .filter_map(|t| match t {
                    Token::Number(v) => Some(*v),
                    _ => None,
                })
                .collect();
            if operands.len() < 2 || !operands.iter().all(|&v| is_known(v, &derived)) {
                continue;
            }
            if evaluate(left).is_some_and(|v| close(v, result, ROUNDING)) {
                derived.push(result);
            }
        }
    }
    derived
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()) + 1e-9
}

/// `n op n op n …` with × and ÷ before + and −; `None` unless the tokens
/// alternate so.
fn evaluate(tokens: &[Token]) -> Option<f64> {
    // Skip anything before the first number (a label's leftovers).
    let first = tokens.iter().position(|t| matches!(t, Token::Number(_)))?;
    let tokens = &tokens[first..];
    if tokens.len() < 3 || tokens.len().is_multiple_of(2) {
        return None;
    }
    let mut terms: Vec<f64> = Vec::new();
    let mut term = match tokens[0] {
        Token::Number(v) => v,
        _ => return None,
    };
    for pair in tokens[1..].chunks(2) {
        let (Token::Op(op), Token::Number(v)) = (pair[0], pair[1]) else {
            return None;
        };
        match op {
            '×' | '·' | '*' => term *= v,
            '÷' | '/' => {
                if v == 0.0 {
                    return None;
                }
                term /= v;
            }
            '+' => {
                terms.push(term);
                term = v;
            }
            '−' | '-' => {
                terms.push(term);
                term = -v;
            }
            _ => return None,
        }
    }
    terms.push(term);
    Some(terms.iter().sum())
}

/// A line's numbers, operators and equals signs; words and units between
/// them are skipped.
fn tokens(line: &str) -> Vec<Token> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (matches!(chars[i], '.' | ',') && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            let written: String = chars[start..i].iter().collect();
            let mut value = parse(&written);
            if chars.get(i) == Some(&'%') {
                i += 1;
            }
            // 万 and 亿 scale the number before them (120万円).
            match chars.get(i) {
                Some('万') => value = value.map(|v| v * 1e4),
                Some('亿' | '億') => value = value.map(|v| v * 1e8),
                _ => {}
            }
            if let Some(v) = value {
                out.push(Token::Number(v));
            }
            continue;
        }
        let spaced = |j: usize| chars.get(j).is_none_or(|c| c.is_whitespace());
        match c {
            '=' | '≈' => out.push(Token::Equals),
            '+' | '×' | '·' | '*' | '÷' | '−' => out.push(Token::Op(c)),
            // A hyphen or slash is an operator only with spaces around it
            // (`150-300 bar` is a range, `km/h` a unit).
            '-' | '/' if i > 0 && spaced(i - 1) && spaced(i + 1) => out.push(Token::Op(c)),
            // A fraction written tight (1/3 ≈ 0.333).
            '/' if i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit) =>
            {
                out.push(Token::Op(c))
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `1,000` and `1.5` as written in English; `8423,46` (a decimal comma,
/// not three digits after it) as Russian writes it.
fn parse(written: &str) -> Option<f64> {
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

#[cfg(test)]
mod tests {
    use super::derived_values;

    #[test]
    fn a_written_out_computation_derives_its_result() {
        assert_eq!(derived_values("12 · 700 = 8400 cents", &[12.0, 700.0]), [8400.0]);
        assert_eq!(
            derived_values("120万円 + 240万円 = 360万円", &[1_200_000.0, 2_400_000.0]),
            [3_600_000.0]
        );
        // Chained: the first result is an operand of the next.
        assert_eq!(
            derived_values(
                "15.315% + 5% = 20.315%; 500,000 × 0.20315 = 101,575",
                &[15.315, 5.0, 500_000.0]
            ),
            [20.315]
        );
        // A decimal comma (Russian).
        assert_eq!(derived_values("7 · 0,5 = 3,5", &[7.0, 0.5]), [3.5]);
    }

    #[test]
    fn a_wrong_or_unfounded_computation_derives_nothing() {
        assert!(derived_values("12 · 700 = 8500", &[12.0, 700.0]).is_empty());
        // An operand the source does not have.
        assert!(derived_values("3 × 700 = 2100", &[700.0]).is_empty());
        assert_eq!(derived_values("1/3 ≈ 0.333", &[1.0, 3.0]), [0.333]);
        // A range is no subtraction.
        assert!(derived_values("150-300 = 2", &[150.0, 300.0]).is_empty());
    }
}
