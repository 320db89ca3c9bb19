//! Arithmetic a rewrite writes out. A learning note or a worked example
//! derives new numbers from the source's ("12 · 700 = 8400", "120万円 +
//! 240万円 = 360万円"); such a number is not invented when the rewrite shows
//! the computation and the computation is right. A number that merely
//! appears, or a computation that is wrong, stays a finding.

use crate::arithmetic_tokens::{FRACTION_SLASH, Token, is_cjk_scale, may_compute, plain_signs, spans};

/// Relative slack for a result written rounded ("≈ 1,0595").
const ROUNDING: f64 = 0.01;

/// The values `text` derives by arithmetic it writes out, starting from
/// `known` (the source's values): for each `a op b … = c` whose operands
/// are known or derived earlier and whose result is right, `c`. An operand
/// may also be a unit conversion's factor
/// ([`crate::lexicon::common::CONVERSION_FACTORS`]), with at least one
/// operand the source's; such a factor, once used, is derived too.
pub fn derived_values(text: &str, known: &[f64]) -> Vec<f64> {
    derive(&computations(text), known)
}

/// [`derived_values`] from `known`, and from `known` with `more` (values
/// in other units): the computations are read once for both.
pub fn derived_values_twice(text: &str, known: &[f64], more: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let found = computations(text);
    if found.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let all: Vec<f64> = known.iter().chain(more).copied().collect();
    (derive(&found, known), derive(&found, &all))
}

fn derive(found: &[(Vec<Token>, f64, u8)], known: &[f64]) -> Vec<f64> {
    let mut derived: Vec<f64> = Vec::new();
    let is_known = |v: f64, derived: &[f64]| known.iter().chain(derived).any(|k| close(*k, v, 1e-9));
    let is_factor = |v: f64| crate::lexicon::common::CONVERSION_FACTORS.contains(&v);
    for (expression, result, _) in found {
        let result = *result;
        let operands: Vec<f64> = expression
            .iter()
            .filter_map(|t| match t {
                Token::Number(v, _) => Some(*v),
                _ => None,
            })
            .collect();
        // Every operand known (or a unit's factor), or all but one with a
        // known result: 53 + 2 = 55 determines the 2.
        let unknown = operands
            .iter()
            .filter(|&&v| !is_known(v, &derived) && !is_factor(v))
            .count();
        let determined = unknown == 1 && operands.len() >= 2 && is_known(result, &derived);
        if !(unknown == 0 || determined) || !operands.iter().any(|&v| is_known(v, &derived)) {
            continue;
        }
        // A result with a decimal comma before three digits (15 ÷ 8 =
        // 1,875) reads as thousands too: the reading that is right counts.
        let value = evaluate(expression);
        let result = match value {
            Some(v)
                if !close(v, result, ROUNDING)
                    && result.fract() == 0.0
                    && close(v * 1000.0, result, ROUNDING) =>
            {
                v
            }
            _ => result,
        };
        if value.is_some_and(|v| close(v, result, ROUNDING)) {
            derived.extend(
                operands
                    .iter()
                    .filter(|&&v| !is_known(v, &derived))
                    .copied()
                    .collect::<Vec<_>>(),
            );
            derived.push(result);
        }
    }
    derived
}

/// The computations `text` writes out whose result is wrong, as written
/// ("3 × 4 = 13"), with the right result: a result after `=` may be rounded
/// to the decimals it shows (or, written with trailing zeros, to them:
/// "= 38,000"), one after `≈` by a hundredth of it. A computation whose
/// commas may group thousands or mark decimals (`24 × 1,852 = 44,448`,
/// `756 ÷ 8 = 94,5`) is wrong only if it is wrong read either way.
pub fn wrong_computations(text: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    'found: for found in plain_computations(text) {
        let Some(v) = evaluate(&found.expression) else {
            continue;
        };
        // A result written as a percentage (1 / 3 = 33 %) is its hundredths.
        if right_as_written(v, found.result, found.decimals, found.approximate)
            || (found.percent && right_as_written(v * 100.0, found.result, found.decimals, found.approximate))
        {
            continue;
        }
        // A whole quotient with its remainder (30 ÷ 11 = 2 余り 8: a check
        // digit's mod 11).
        if right_with_remainder(&found) {
            continue;
        }
        // Commas read the other way (all of them decimal marks), or the
        // scale words left off, since a result may carry the scale its
        // operands only imply (500 − 300 = 200万元).
        let others = [
            found.inside.contains(',').then(|| found.inside.replace(',', ".")),
            found
                .inside
                .contains(is_cjk_scale)
                .then(|| found.inside.replace(is_cjk_scale, "")),
        ];
        for other in others.into_iter().flatten() {
            let right_otherwise = computations(&other)
                .into_iter()
                .any(|(expression, result, decimals)| {
                    evaluate(&expression)
                        .is_some_and(|v| right_as_written(v, result, decimals, found.approximate))
                });
            if right_otherwise {
                continue 'found;
            }
        }
        let written: Vec<String> = found
            .expression
            .iter()
            .map(|t| match t {
                Token::Number(v, _) => trim_float(*v),
                Token::Op(FRACTION_SLASH) => "/".to_owned(),
                Token::Op(c) => c.to_string(),
                Token::Equals => "=".to_owned(),
            })
            .collect();
        out.push((format!("{} = {}", written.join(" "), trim_float(found.result)), v));
    }
    out
}

/// Whether `result`, written with `decimals` decimals, is what `value`
/// gives, rounded as written.
fn right_as_written(value: f64, result: f64, decimals: u8, approximate: bool) -> bool {
    let mut slack = 0.5 * 10f64.powi(-i32::from(decimals)) + 1e-9;
    if decimals == 0 && result != 0.0 && result.fract() == 0.0 {
        let mut zeros = 0;
        let mut r = result.abs();
        while zeros < 9 && r % 10.0 == 0.0 {
            r /= 10.0;
            zeros += 1;
        }
        // Rounded to its zeros only with two significant digits kept
        // (38,000 for 37,950; 20 is no rounding of 25), and to hundreds at
        // least: a solution that writes "= 140" for 1,440 ÷ 10 miscounted,
        // one that rounds to tens writes ≈.
        if r >= 10.0 && zeros >= 2 {
            slack = slack.max(0.5 * 10f64.powi(zeros));
        }
    }
    // Or cut short instead of rounded (1.166… for 1.1666…, 3.566 for
    // 3.5666…): a division's digits written as far as they go.
    let scale = 10f64.powi(i32::from(decimals));
    let cut_short = decimals > 0 && ((value * scale).trunc() - result * scale).abs() < 1e-6;
    // After ≈, a hundredth of it; but a result shown with decimals claims
    // them: off by more than ten of its last digit (1854.93 for 1844.93)
    // it is wrong, not rounded.
    let approximately = approximate
        && close(value, result, ROUNDING)
        && (decimals == 0 || (value - result).abs() <= 10.0 / scale);
    (value - result).abs() <= slack || cut_short || approximately
}

/// A value as a finding writes it (`12`, `0.333333` → `0.333333`).
pub fn shown(v: f64) -> String {
    trim_float(v)
}

fn trim_float(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Each `… a op b = c` of each line: the expression (its longest tail that
/// alternates numbers and operators, so a label's number before it is not
/// an operand), the result and the result's written decimals (a result
/// written as a percentage twice: as written and as its fraction). Each
/// `=` closes the expression since the line's start or the last `=`.
fn computations(text: &str) -> Vec<(Vec<Token>, f64, u8)> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| may_compute(l)) {
        // Bold around a result (`≈ **7,8 км**`) is emphasis, not `×`.
        let line = &plain_signs(line);
        let chars: Vec<char> = line.chars().collect();
        let spans = spans(line);
        let tokens: Vec<Token> = spans.iter().map(|(t, _)| *t).collect();
        let mut start = 0;
        for (i, t) in tokens.iter().enumerate() {
            if *t != Token::Equals {
                continue;
            }
            let left = &tokens[start..i];
            start = i + 1;
            let Some(Token::Number(mut result, mut decimals)) = tokens.get(i + 1).copied() else {
                continue;
            };
            // A result written as a percentage is its fraction (3,510 /
            // 4,050 ≈ 86.7%) or counts percentage points (100 − 91,6 = 8,4
            // %): both readings are kept, the right one derives.
            let result_end = spans[i + 1].1.end;
            let percent = chars[result_end - 1] == '%'
                || chars[result_end..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|c| matches!(c, '%' | '％'));
            // A result written as a fraction (`180 ÷ 360 = 1/2`) is its value.
            if let (Some(Token::Op('/' | FRACTION_SLASH)), Some(Token::Number(denominator, _))) =
                (tokens.get(i + 2).copied(), tokens.get(i + 3).copied())
                && denominator != 0.0
            {
                result /= denominator;
                decimals = 6;
            }
            let expression = alternating_tail(left);
            if expression.len() >= 3 {
                out.push((expression.to_vec(), result, decimals));
                if percent {
                    out.push((expression.to_vec(), result / 100.0, decimals.saturating_add(2)));
                }
            }
        }
    }
    out
}

/// The computations of `text` written plainly enough to check: numbers,
/// operators and spaces from the first operand to the result, nothing
/// around them that changes what they mean (a bracket, a power, a unit, a
/// scale word, a comma: `2^(1/12)`, `(1071 + 1) / 2`, `17 × 10⁶`,
/// `6 km/s − 3.5`, `1000万`).
fn plain_computations(text: &str) -> Vec<Written> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| may_compute(l)) {
        let line = &plain_signs(line);
        let chars: Vec<char> = line.chars().collect();
        let spans = spans(line);
        let mut start = 0;
        for i in 0..spans.len() {
            if spans[i].0 != Token::Equals {
                continue;
            }
            let left = &spans[start..i];
            start = i + 1;
            let Some((Token::Number(result, decimals), result_span)) = spans.get(i + 1).cloned() else {
                continue;
            };
            // `a × b = c × d = e`: what follows the `=` is another
            // expression, not a result (`35 × 30% = 35 × 0.30`).
            if spans.get(i + 2).is_some_and(|(t, _)| matches!(t, Token::Op(_))) {
                continue;
            }
            let tokens: Vec<Token> = left.iter().map(|(t, _)| *t).collect();
            let tail = alternating_tail(&tokens).len();
            if tail < 3 {
                continue;
            }
            let first = &left[left.len() - tail].1;
            let inside = &chars[first.start..result_span.end];
            let before = first.start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(result_span.end).copied();
            // No percentage (`35 × 30%` means 35 × 0.3). A comma stays
            // (`701,955` groups thousands in English and marks decimals in
            // Russian): the check reads it both ways.
            // A unit after an operand or the result (30 МВт − 5 МВт = 25
            // МВт, 1,000万円 × 0.078 = 78万円) is read past; the numbers
            // carry their scale words.
            let plain = with_units_only(inside);
            // A colon glued at an edge makes a clock of it (3:25 + 2 min =
            // 3:27), not a number of the computation.
            let clean_edges = !before.is_some_and(|c| "(^/÷×*·⁻:".contains(c) || c.is_alphanumeric())
                && !after.is_some_and(|c| "^(⁰¹²³⁴⁵⁶⁷⁸⁹×*·:".contains(c) || c.is_ascii_digit());
            // A result that is a date's day (9 Nov 1967 + 5 years = 9 Nov
            // 1972) is no result of the sum before it.
            let a_days_date = starts_with_a_month(&chars[result_span.end..]);
            if plain && clean_edges && !a_days_date {
                out.push(Written {
                    expression: tokens[tokens.len() - tail..].to_vec(),
                    result,
                    decimals,
                    approximate: chars[spans[i].1.start] == '≈',
                    inside: inside.iter().collect(),
                    // (A glued one, `50%`, never gets here: `with_units_only`
                    // turns any `%` in the computation away.)
                    percent: chars[result_span.end..]
                        .iter()
                        .find(|c| !c.is_whitespace())
                        .is_some_and(|c| matches!(c, '%' | '％')),
                    after: chars[result_span.end..].iter().take(24).collect(),
                });
            }
        }
    }
    out
}

/// Whether `inside` (a computation from its first operand to its result)
/// holds only numbers, operators and units: a run of letters right after a
/// number (with at most one space), never a word between an operator and
/// its operand.
fn with_units_only(inside: &[char]) -> bool {
    let mut previous: Option<char> = None;
    let mut in_unit = false;
    for (k, &c) in inside.iter().enumerate() {
        if c.is_ascii_digit() || "+-−×·*÷/=≈.,".contains(c) {
            in_unit = false;
        } else if c.is_whitespace() {
            continue;
        } else if c.is_alphabetic() || c == '·' {
            let after_number = previous.is_some_and(|p| p.is_ascii_digit())
                && (k == 0 || inside[k - 1].is_ascii_digit() || inside[k - 1] == ' ');
            if !(in_unit || after_number) {
                return false;
            }
            in_unit = true;
        } else {
            return false;
        }
        previous = Some(c);
    }
    true
}

/// Whether `rest`, past spaces, begins with a month's name or its
/// abbreviation of three letters or more (Nov, ноября).
fn starts_with_a_month(rest: &[char]) -> bool {
    let word: String = rest
        .iter()
        .skip_while(|c| c.is_whitespace())
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    word.chars().count() >= 3
        && crate::lexicon::Lexicons::all()
            .entries(|l| l.months)
            .any(|(month, _)| month.starts_with(word.as_str()))
}

/// A computation written plainly: its expression, result, the result's
/// decimals, whether it says `≈`, and its text from the first operand to
/// the result.
struct Written {
    expression: Vec<Token>,
    result: f64,
    decimals: u8,
    approximate: bool,
    inside: String,
    /// The result is a percentage (`= 33 %`): its hundredths are the value.
    percent: bool,
    /// What the line writes after the result (a remainder: `= 2 余り 8`).
    after: String,
}

/// Whether `found` divides two whole numbers into a whole quotient and
/// the remainder written after it with a word of the lexicons'
/// `remainder_words` (30 ÷ 11 = 2 余り 8, 27 ÷ 4 = 6 remainder 3), rightly.
fn right_with_remainder(found: &Written) -> bool {
    let [
        Token::Number(a, 0),
        Token::Op('÷' | '/' | FRACTION_SLASH),
        Token::Number(b, 0),
    ] = found.expression[..]
    else {
        return false;
    };
    let after = found.after.trim_start();
    let lex = crate::lexicon::Lexicons::for_text(after, None);
    let remainder = lex.words(|l| l.remainder_words).find_map(|w| {
        let rest = after.strip_prefix(w)?;
        // A word, not the start of a longer one (r, not "rows").
        if w.is_ascii() && rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let rest = rest.trim_start_matches([' ', ':', '：']);
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        rest[..digits].parse::<f64>().ok()
    });
    let q = found.result;
    remainder.is_some_and(|r| found.decimals == 0 && b > 0.0 && r < b && q * b + r == a)
}

/// The longest tail of `tokens` that reads number, operator, number, …
fn alternating_tail(tokens: &[Token]) -> &[Token] {
    let mut start = tokens.len();
    let mut want_number = true;
    while start > 0 {
        let t = tokens[start - 1];
        let fits = matches!(
            (want_number, t),
            (true, Token::Number(..)) | (false, Token::Op(_))
        );
        if !fits {
            break;
        }
        start -= 1;
        want_number = !want_number;
    }
    // It must start with a number.
    if tokens.get(start).is_some_and(|t| matches!(t, Token::Op(_))) {
        start += 1;
    }
    &tokens[start..]
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()) + 1e-9
}

/// `n op n op n …` with × and ÷ before + and −; `None` unless the tokens
/// alternate so.
fn evaluate(tokens: &[Token]) -> Option<f64> {
    // Skip anything before the first number (a label's leftovers).
    let first = tokens.iter().position(|t| matches!(t, Token::Number(..)))?;
    let tokens = &tokens[first..];
    if tokens.len() < 3 || tokens.len().is_multiple_of(2) {
        return None;
    }
    // Tight fractions first: each is one number (2/15).
    let mut folded: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut rest = tokens.iter();
    while let Some(&t) = rest.next() {
        match (t, folded.last().copied()) {
            (Token::Op(FRACTION_SLASH), Some(Token::Number(n, _))) => {
                let Some(&Token::Number(d, _)) = rest.next() else {
                    return None;
                };
                if d == 0.0 {
                    return None;
                }
                folded.pop();
                folded.push(Token::Number(n / d, 6));
            }
            _ => folded.push(t),
        }
    }
    let tokens = &folded[..];
    if tokens.len().is_multiple_of(2) {
        return None;
    }
    let mut terms: Vec<f64> = Vec::new();
    let mut term = match tokens[0] {
        Token::Number(v, _) => v,
        _ => return None,
    };
    for pair in tokens[1..].chunks(2) {
        let (Token::Op(op), Token::Number(v, _)) = (pair[0], pair[1]) else {
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

#[cfg(test)]
#[path = "arithmetic_tests.rs"]
mod tests;
