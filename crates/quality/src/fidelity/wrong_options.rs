//! Multiple-choice options marked wrong (`diverse-qa`): such a line names
//! what the text does not say, on purpose, so the checks do not read it.

/// `rewrite` without the lines that hold a wrong option of a
/// multiple-choice question (marked ✗, or "— wrong" after the option):
/// they are not claims of the text.
pub(super) fn without_wrong_options(rewrite: &str) -> std::borrow::Cow<'_, str> {
    let lex = crate::lexicon::Lexicons::for_text(rewrite, None);
    if !rewrite.lines().any(|line| is_wrong_option(line, lex)) {
        return std::borrow::Cow::Borrowed(rewrite);
    }
    let kept: Vec<&str> = rewrite
        .lines()
        .filter(|line| !is_wrong_option(line, lex))
        .collect();
    std::borrow::Cow::Owned(kept.join("\n"))
}

/// A line that marks itself a wrong option: a ✗, or an option label
/// (`A.`, `B)`, `(c)`, `А)`, `ウ.`, `ア．`) whose text is followed by a dash, a
/// colon or an opening bracket and a word that says wrong (`— wrong`,
/// `（误）`, `（誤り）`).
fn is_wrong_option(line: &str, lex: crate::lexicon::Lexicons) -> bool {
    use crate::lexicon::common::WRONG_OPTION_MARKS;
    if line.contains(WRONG_OPTION_MARKS) {
        return true;
    }
    let t = line
        .trim_start()
        .trim_start_matches(['-', '*', ' '])
        .trim_start_matches('(');
    let mut chars = t.chars();
    let labelled = chars.next().is_some_and(char::is_alphabetic)
        && matches!(chars.next(), Some('.' | '．' | ')' | '）'));
    labelled
        && t.split(['—', '–', '―', ':', '：', '-', '(', '（'])
            .skip(1)
            .any(|after| {
                let after = after.trim_start().to_lowercase();
                lex.words(|l| l.wrong_option_words).any(|w| after.starts_with(w))
            })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_option_marked_wrong_in_words_is_not_a_claim() {
        let source = "The Kola borehole reached 12,262 metres in 1989.";
        let numbers = |rewrite: &str| crate::fidelity::number_check::tests::number_findings(source, rewrite);
        for options in [
            "A. 7,000 metres — wrong\nB. 12,262 metres",
            "А) 7 000 м — неверно\nБ) 12 262 м",
            "A. 7000米 —— 错\nB. 12262米",
            "A. 7000メートル ―― 誤り\nB. 12262メートル",
            // The word in brackets after the option.
            "A. 约7000米（错误）\nB. 12262米",
            "ア. 7000メートル（誤り）\nイ. 12262メートル",
            "ア．7000メートル ―― 誤り\nイ．12262メートル",
            "(a) 7,000 metres (wrong)\n(b) 12,262 metres",
        ] {
            let rewrite = format!("**Q (multiple choice).** How deep did it go by 1989?\n{options}");
            assert!(numbers(&rewrite).is_empty(), "{options}: {:?}", numbers(&rewrite));
        }
        // An option not marked wrong is a claim like any other.
        assert!(!numbers("How deep by 1989?\nA. 7,000 metres\nB. 12,262 metres").is_empty());
    }
}
