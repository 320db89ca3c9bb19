//! A source's value the rewrite keeps in a form that holds no number of
//! its own to the number reader: after its label's sign (マグニチュード7.4 →
//! M7.4), or as the code the source also writes it as (Release 15（R15） →
//! R15).

use crate::numbers::Quantity;

/// The source's values the rewrite keeps in one of the forms below.
pub(super) fn values_kept_in_another_form(
    source: &str,
    source_numbers: &[crate::numbers::NumberMention],
    source_lex: crate::lexicon::Lexicons,
    rewrite: &str,
) -> Vec<f64> {
    let mut out = values_after_their_sign(source, source_numbers, source_lex, rewrite);
    out.extend(values_kept_as_a_code(source, source_numbers, rewrite));
    out
}

/// The source's values whose label the rewrite writes as its sign glued
/// to them (マグニチュード7.4 → M7.4: the lexicons' `label_signs`).
fn values_after_their_sign(
    source: &str,
    source_numbers: &[crate::numbers::NumberMention],
    source_lex: crate::lexicon::Lexicons,
    rewrite: &str,
) -> Vec<f64> {
    source_numbers
        .iter()
        .filter(|n| {
            // Only the words right before it (a label is short).
            let before = super::number_forms::lowered_tail(source[..n.start].trim_end(), MAX_LABEL_CHARS);
            source_lex.entries(|l| l.label_signs).any(|&(label, sign)| {
                before.ends_with(label) && rewrite.contains(&format!("{sign}{}", n.written))
            })
        })
        .filter_map(|n| match n.quantity {
            Quantity::Value(v) => Some(v),
            Quantity::Literal(_) => None,
        })
        .collect()
}

/// The source's values that the source also writes as a code in brackets
/// right beside them (Release 15（R15）, R15 (Release 15)), where the
/// rewrite writes that code: the number is kept, in the source's own
/// short form.
fn values_kept_as_a_code(
    source: &str,
    source_numbers: &[crate::numbers::NumberMention],
    rewrite: &str,
) -> Vec<f64> {
    let is_code_of = |token: &str, written: &str| {
        let letters = token.bytes().take_while(u8::is_ascii_alphabetic).count();
        (1..=MAX_CODE_LETTERS).contains(&letters) && token[letters..] == *written
    };
    let in_rewrite = |code: &str| crate::names::has_name(rewrite, code);
    source_numbers
        .iter()
        .filter(|n| {
            let after = source[n.start + n.written.len()..].trim_start();
            let before = source[..n.start].trim_end();
            // The code in brackets after the number, or the number in
            // brackets after the code.
            let code_after = after
                .strip_prefix(['(', '（'])
                .and_then(|inside| inside.split([')', '）']).next())
                .map(str::trim);
            let code_before = before
                .strip_suffix(['(', '（'])
                .map(str::trim_end)
                .and_then(|b| b.rsplit(|c: char| !c.is_ascii_alphanumeric()).next());
            [code_after, code_before]
                .into_iter()
                .flatten()
                .any(|code| is_code_of(code, &n.written) && in_rewrite(code))
        })
        .filter_map(|n| match n.quantity {
            Quantity::Value(v) => Some(v),
            Quantity::Literal(_) => None,
        })
        .collect()
}

/// The most characters of a label read before its number.
const MAX_LABEL_CHARS: usize = 24;

/// The most letters before a code's digits (R15, ISO9001 is no code here).
const MAX_CODE_LETTERS: usize = 3;

#[cfg(test)]
mod tests {
    use crate::fidelity::number_check::tests::number_findings;

    #[test]
    fn a_number_kept_as_the_code_the_source_also_writes_is_kept() {
        let source = "3GPP在Release 15（R15）中首次定义5G NR。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("3GPP R15首次定义5G NR。").is_empty());
        assert!(!numbers("3GPP R16首次定义5G NR。").is_empty());
    }
}
