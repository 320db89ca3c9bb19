//! The gate's detectors of what a rewrite must not be: a summary, model
//! chatter, a refusal, the wrong script. Their phrases are the lexicons'
//! (`summary_markers`, `chatter_*`, `refusals`), of the languages the
//! source and the rewrite are written in.

use crate::analysis::Pair;
use crate::lexicon::Lexicons;
use crate::script::{Script, script_shares, share_of};

use super::checks::MIN_WORDS_FOR_RATIO;
use super::{DEFAULT_MIN_LENGTH_RATIO, Verdict, pass};

/// `text` without the lines a table follows (after blank lines).
fn without_table_lead_ins(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let leads = |i: usize| {
        lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with('|'))
    };
    (0..lines.len())
        .filter(|&i| lines[i].trim_start().starts_with('|') || !leads(i))
        .map(|i| lines[i])
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn check_summary(pair: &Pair, min_length_ratio: f64) -> Verdict {
    let (source, rewrite) = (&pair.source, &pair.rewrite);
    // A sentence that introduces a table names the text it tabulates ("the
    // facts the text describes:"): not a summary's marker.
    let lower_rewrite = if rewrite.text.contains('|') {
        std::borrow::Cow::Owned(without_table_lead_ins(rewrite.text).to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(rewrite.lower())
    };
    let lower_source = source.lower();
    let ratio = rewrite.word_count() as f64 / source.word_count().max(1) as f64;
    // A summary is shorter than its text: a textbook's "this section
    // explains" over a rewrite as long as the source introduces it.
    if ratio < 1.0
        && let Some(marker) = pair
            .lexicons()
            .words(|l| l.summary_markers)
            .find(|m| lower_rewrite.contains(*m) && !lower_source.contains(*m))
    {
        return (
            0.0,
            false,
            vec![format!(
                "the rewrite reads as a summary (“{}”); rewrite all of the text instead",
                marker.trim()
            )],
        );
    }
    let s_sent = source.sentence_count();
    // A note's bullets are its sentences, stops or not.
    let items = rewrite
        .text
        .lines()
        .filter(|l| l.trim_start().starts_with(['-', '*', '•', '・']))
        .count();
    let r_sent = rewrite.sentence_count().max(items);
    // Half the words, for a style that keeps most of them (the default
    // band starts at 0.7); less for a style allowed to compress.
    let short = 0.5 * (min_length_ratio / DEFAULT_MIN_LENGTH_RATIO).min(1.0);
    if s_sent >= 4 && r_sent <= (s_sent / 3).max(2) && ratio < short {
        let finding = format!(
            "the rewrite looks like a summary: {r_sent} sentences for {s_sent} in the source, {:.0}% of its words; rewrite every sentence",
            ratio * 100.0
        );
        return (0.0, false, vec![finding]);
    }
    pass()
}

/// The rewrite's first line when it is model chatter the source does not
/// have: one of the openings, shaped as a preamble — a line that introduces
/// what follows (ends with a colon), names the rewrite ("rewritten",
/// "改写"), or is a short interjection on its own line. "Here is an example
/// of ownership." is content, not a preamble. The one rule the detector
/// and rephrase's stripper share.
pub fn chatter_preamble<'a>(source: &str, rewrite: &'a str) -> Option<&'a str> {
    chatter_preamble_in(source, rewrite, Lexicons::for_pair(source, rewrite, None))
}

/// [`chatter_preamble`] with the pair's lexicons already chosen.
fn chatter_preamble_in<'a>(source: &str, rewrite: &'a str, lex: Lexicons) -> Option<&'a str> {
    let line = rewrite.trim_start().lines().next()?.trim();
    let clean = |s: &str| s.trim_start_matches(['*', '#', '"', ' ', '_']).to_lowercase();
    let lower = clean(line);
    let source_lower = clean(source.trim_start());
    let opening = lex
        .words(|l| l.chatter_openings)
        .find(|o| lower.starts_with(*o) && !source_lower.starts_with(*o))?;
    let introduces = line.trim_end_matches(['*', ' ']).ends_with([':', '：']);
    let names_the_rewrite = lower.contains("rewrit") || lower.contains("改写") || lower.contains("書き換");
    let interjection = lex.words(|l| l.chatter_interjections).any(|i| i == opening)
        && line.chars().count() <= 30
        && line.ends_with(['!', '.', '。', '！', ',', '，']);
    (introduces || names_the_rewrite || interjection).then_some(line)
}

pub(super) fn check_chatter(pair: &Pair) -> Verdict {
    let (source, rewrite) = (pair.source.text, pair.rewrite.text);
    let mut findings = Vec::new();
    if let Some(line) = chatter_preamble_in(source, rewrite, pair.lexicons()) {
        findings.push(format!(
            "the rewrite starts with model chatter (“{line}”); answer with the text only"
        ));
    }
    let tail_start = rewrite.len().saturating_sub(300);
    let tail_start = (0..=tail_start)
        .rev()
        .find(|&i| rewrite.is_char_boundary(i))
        .unwrap_or(0);
    let tail = rewrite[tail_start..].to_lowercase();
    let lower_source = pair.source.lower();
    if let Some(closing) = pair
        .lexicons()
        .words(|l| l.chatter_closings)
        .find(|c| tail.contains(*c) && !lower_source.contains(*c))
    {
        findings.push(format!(
            "the rewrite ends with model chatter (“{closing}…”); answer with the text only"
        ));
    }
    let fenced = |s: &str| s.trim_start().starts_with("```");
    if fenced(rewrite) && !fenced(source) && crate::fidelity::code_blocks(source).is_empty() {
        findings.push("the rewrite wraps prose in a code fence; answer with plain text".to_owned());
    }
    if findings.is_empty() {
        pass()
    } else {
        (0.0, false, findings)
    }
}

pub(super) fn check_refusal(pair: &Pair) -> Verdict {
    let lower_rewrite = pair.rewrite.lower().replace('’', "'");
    let lower_source = pair.source.lower().replace('’', "'");
    match pair
        .lexicons()
        .words(|l| l.refusals)
        .find(|r| lower_rewrite.contains(*r) && !lower_source.contains(*r))
    {
        Some(r) => (
            0.0,
            false,
            vec![format!("the answer is a refusal (“{r}…”), not a rewrite")],
        ),
        None => pass(),
    }
}

pub(super) fn check_script(pair: &Pair, expected: Option<Script>) -> Verdict {
    let (source, rewrite) = (pair.source.text, pair.rewrite.text);
    let (script, needed) = match expected {
        Some(script) => (script, 0.5),
        None => match script_shares(source).first() {
            Some(&(script, share)) => (script, share * 0.5),
            None => return pass(),
        },
    };
    let share = share_of(rewrite, script);
    let letters = rewrite.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 && expected.is_none() && pair.source.word_count() < MIN_WORDS_FOR_RATIO {
        return pass();
    }
    let score = if needed > 0.0 {
        (share / (needed * 2.0)).min(1.0)
    } else {
        1.0
    };
    if share >= needed {
        return (score, true, Vec::new());
    }
    let actual = script_shares(rewrite)
        .first()
        .map_or_else(|| "no letters".to_owned(), |(s, _)| format!("mostly {s:?}"));
    let finding = format!(
        "the rewrite is in the wrong script ({actual}, {:.0}% {script:?}); write it in {script:?} like the source",
        share * 100.0
    );
    (score, false, vec![finding])
}

#[cfg(test)]
mod chatter_tests {
    use super::chatter_preamble;

    #[test]
    fn a_preamble_is_chatter_and_content_that_opens_alike_is_not() {
        let src = "Ownership moves values.";
        for chatter in [
            "Here is the rewritten text:\n\nOwnership...",
            "Sure! Here's a rewrite:\nOwnership...",
            "Of course.\n\nOwnership...",
            "以下是改写后的文本：\n所有权……",
        ] {
            assert!(chatter_preamble(src, chatter).is_some(), "{chatter}");
        }
        for content in [
            "Here is an example of ownership in action: a value moves.",
            "Here is an example.\n\nfn main() {}",
            "Sure enough, the compiler rejects the second use.",
        ] {
            assert!(chatter_preamble(src, content).is_none(), "{content}");
        }
        // The source itself opening so is never chatter.
        assert!(chatter_preamble("Here is the plan:\nstep", "Here is the plan:\nstep").is_none());
    }
}
