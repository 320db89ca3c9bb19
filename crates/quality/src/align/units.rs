//! Sentence-like units of a text (a sentence, a bullet, a question with its
//! answer) and their alignment terms.

use std::borrow::Cow;
use std::ops::Range;

use crate::analysis::Analysis;
use crate::coverage::{concept_words_in, concept_words_of};
use crate::lexicon::Lexicons;
use crate::numbers::numbers;
use crate::text::{is_cjk, sentences};
use crate::words::{WordSet, is_cyrillic, is_kana};

use super::polarity::{is_yes_no_question, negated_in_sentence};

/// A sentence-like unit: a sentence, a bullet, a question or its answer.
pub(super) struct Unit<'a> {
    pub(super) text: &'a str,
    pub(super) terms: WordSet,
    /// Its sentences that assert (a yes/no question does not), with their
    /// negators, computed once: the polarity check reads them per group.
    pub(super) assertions: Vec<Assertion<'a>>,
}

/// One asserting sentence: its negator count and the terms each governs;
/// `terms` is `None` when the sentence is the whole unit (its terms).
pub(super) struct Assertion<'a> {
    pub(super) text: &'a str,
    pub(super) terms: Option<WordSet>,
    pub(super) count: usize,
    pub(super) scopes: Vec<Vec<String>>,
}

impl<'a> Unit<'a> {
    /// `parts`: its sentences, as the block was cut (a question and its
    /// answer are two).
    fn new(words: &TextWords, text: &'a str, parts: Vec<&'a str>, terms: WordSet, lex: Lexicons) -> Self {
        let whole = parts.len() == 1 && !is_yes_no_question(text, lex);
        let assertions = parts
            .into_iter()
            .filter(|s| !is_yes_no_question(s, lex))
            .map(|sentence| {
                let (mut count, mut scopes) = (0, Vec::new());
                negated_in_sentence(
                    sentence,
                    words.lowered_part(sentence),
                    lex,
                    &mut count,
                    &mut scopes,
                );
                Assertion {
                    text: sentence,
                    terms: (!whole).then(|| words.alignment_terms(sentence, lex)),
                    count,
                    scopes,
                }
            })
            .collect();
        Self {
            text,
            terms,
            assertions,
        }
    }

    /// Everything the unit negates.
    pub(super) fn negated(&self) -> impl Iterator<Item = &String> {
        self.assertions.iter().flat_map(|a| a.scopes.iter().flatten())
    }
}

/// The sentences of `block` as units; a question and its answer ("What is
/// an integer? A number without…") are one unit, as the claim needs both.
fn push_block<'a>(out: &mut Vec<Unit<'a>>, words: &TextWords, block: &'a str, lex: Lexicons) {
    let offset = |s: &str| s.as_ptr() as usize - block.as_ptr() as usize;
    // The questions waiting for their answer: where the first starts, and
    // each one.
    let mut question: Option<(usize, Vec<&str>)> = None;
    for s in sentences(block) {
        let (start, mut parts) = question.take().unwrap_or_else(|| (offset(s), Vec::new()));
        parts.push(s);
        if s.ends_with(['?', '？']) {
            question = Some((start, parts));
            continue;
        }
        let text = &block[start..offset(s) + s.len()];
        let terms = words.alignment_terms(text, lex);
        if !terms.is_empty() {
            out.push(Unit::new(words, text, parts, terms, lex));
        }
    }
    if let Some((start, parts)) = question {
        let text = block[start..].trim_end();
        out.push(Unit::new(
            words,
            text,
            parts,
            words.alignment_terms(text, lex),
            lex,
        ));
    }
}

/// Sentences, with bullets and lines of a list as units of their own.
pub(super) fn units<'a>(analysis: &Analysis<'a>, lex: Lexicons) -> Vec<Unit<'a>> {
    let text = analysis.text;
    let words = TextWords::of(analysis);
    let mut out = Vec::new();
    let mut block_start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let bullet = crate::text::starts_list_item(t);
        if bullet && offset > block_start {
            push_block(&mut out, &words, &text[block_start..offset], lex);
            block_start = offset;
        }
        offset += line.len();
    }
    push_block(&mut out, &words, &text[block_start..], lex);
    out
}

/// A text's words, split and lower-cased once for the alignment terms of
/// all its sentences (the fidelity report's own, `Analysis::lowered_words`).
struct TextWords<'a> {
    text: &'a str,
    ranges: &'a [Range<usize>],
    lowered: &'a [Cow<'a, str>],
    /// The text lower-cased, when each character's lower case has its
    /// length and none depends on its neighbours (no `Σ`): a sentence's
    /// lower case is then the same bytes of it.
    lower: Option<&'a str>,
}

impl<'a> TextWords<'a> {
    fn of(analysis: &'a Analysis<'_>) -> Self {
        let (text, ranges) = (analysis.text, analysis.word_spans());
        Self {
            text,
            ranges,
            lowered: analysis.lowered_words(),
            lower: analysis.lower_lines_up().then(|| analysis.lower()),
        }
    }

    /// `part` (a slice of the text) lower-cased and its words' spans in
    /// that, cut from the text's: what the negation scan would make of it,
    /// when certain to be the same (the lower case lines up, no word
    /// crosses the part's edges, and no `’` is there to be read as `'`).
    fn lowered_part(&self, part: &str) -> Option<(&'a str, Vec<Range<usize>>)> {
        let lower = self.lower?;
        let (bytes, words) = self.own_words(part)?;
        if part.contains('’') {
            return None;
        }
        let ranges = self.ranges[words]
            .iter()
            .map(|r| r.start - bytes.start..r.end - bytes.start)
            .collect();
        Some((&lower[bytes], ranges))
    }

    /// The lower-cased words of `part`, a slice of the text, when they are
    /// the words `part` has on its own (see [`TextWords::own_words`]).
    fn within(&self, part: &str) -> Option<&[Cow<'a, str>]> {
        self.own_words(part).map(|(_, words)| &self.lowered[words])
    }

    /// Where `part`, a slice of the text, lies in it and which of the
    /// text's words are its own, when they are the words it has on its
    /// own: no word of the text crosses either end of it (`3.5` cut after
    /// `3.`, say). Otherwise `None`.
    fn own_words(&self, part: &str) -> Option<(Range<usize>, Range<usize>)> {
        let start = (part.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)?;
        let end = start + part.len();
        if end > self.text.len() {
            return None;
        }
        let first = self.ranges.partition_point(|r| r.end <= start);
        let last = self.ranges.partition_point(|r| r.start < end).max(first);
        let crosses = |i: usize| self.ranges.get(i).is_some_and(|r| r.start < start || r.end > end);
        if first < last && (crosses(first) || crosses(last - 1)) {
            return None;
        }
        Some((start..end, first..last))
    }

    /// [`alignment_terms`] of `part`, a slice of the text, from the words
    /// already split where they are the part's own.
    fn alignment_terms(&self, part: &str, lex: Lexicons) -> WordSet {
        match self.within(part) {
            Some(words) => terms_with(part, concept_words_of(words, lex), lex),
            None => alignment_terms(part, lex),
        }
    }
}

/// Letters a Cyrillic word is cut to for matching (шесть, шести; суток,
/// сутки): Russian inflects by the ending.
const CYRILLIC_STEM: usize = 4;

/// Content words for alignment: concept words without negators (a flipped
/// claim still aligns), Cyrillic words cut to a four-letter stem (Russian
/// inflects heavily), numbers as written.
pub(super) fn alignment_terms(sentence: &str, lex: Lexicons) -> WordSet {
    terms_with(sentence, concept_words_in(sentence, lex), lex)
}

/// [`alignment_terms`] of `sentence`, its concept words given.
fn terms_with(sentence: &str, mut terms: WordSet, lex: Lexicons) -> WordSet {
    terms.remove("not");
    // Rebuilt only where a word is cut: most sentences have none to cut.
    if terms.iter().any(|t| t.chars().next().is_some_and(is_cyrillic)) {
        terms = terms
            .into_iter()
            .map(|t| {
                if t.chars().next().is_some_and(is_cyrillic) {
                    t.chars().take(CYRILLIC_STEM).collect()
                } else {
                    t
                }
            })
            .collect();
    }
    for n in numbers(sentence) {
        terms.insert(n.written);
    }
    // CJK words are not delimited and paraphrase reshuffles them: single
    // ideographs (not kana, not function characters) align what bigrams miss.
    let mut buf = [0u8; 4];
    for c in sentence.chars() {
        if is_cjk(c) && !is_kana(c) && !lex.has_char(|l| l.function_chars, c) {
            // Copied only the first time: most ideographs repeat.
            let c = c.encode_utf8(&mut buf);
            if !terms.contains(&*c) {
                terms.insert(c.to_owned());
            }
        }
    }
    terms
}

/// A word's alignment term, if it is a content word.
pub(super) fn single_term(word: &str, lex: Lexicons) -> Option<String> {
    alignment_terms(word, lex)
        .into_iter()
        .find(|t| !t.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_has_the_text_words_it_has_on_its_own_or_none() {
        let text = "Prices rose 3.5% in 2021. Don’t panic: they fell again.";
        let analysis = Analysis::new(text);
        let words = TextWords::of(&analysis);
        let lex = Lexicons::for_text(text, None);
        for part in crate::text::sentences(text) {
            assert!(words.within(part).is_some(), "{part}");
            assert_eq!(
                words.alignment_terms(part, lex),
                alignment_terms(part, lex),
                "{part}"
            );
        }
        // Cut inside "3.5" and inside "Don’t": the text's words cross the cut.
        assert!(words.within(&text[..14]).is_none());
        let dont = text.find("Don").unwrap_or_default();
        assert!(words.within(&text[dont..dont + "Don’".len()]).is_none());
        assert_eq!(
            words.alignment_terms(&text[..14], lex),
            alignment_terms(&text[..14], lex)
        );
        // Not a slice of the text at all.
        assert!(words.within("rose").is_none());
    }

    #[test]
    fn the_negation_scan_reads_the_same_from_the_text_lower_case() {
        let text = "We do NOT copy the heap. It is royalty-free and non-exclusive, never sold. \
            Оно НЕВЕРНО. Он не пришёл. Don’t panic. 价格没有上涨。Nothing changed; never again.";
        let analysis = Analysis::new(text);
        let words = TextWords::of(&analysis);
        let lex = Lexicons::for_text(text, None);
        let mut cut_from_text = 0;
        for sentence in crate::text::sentences(text) {
            let scan = |lowered| {
                let (mut count, mut scopes) = (0, Vec::new());
                negated_in_sentence(sentence, lowered, lex, &mut count, &mut scopes);
                (count, scopes)
            };
            let lowered = words.lowered_part(sentence);
            cut_from_text += usize::from(lowered.is_some());
            assert_eq!(scan(lowered), scan(None), "{sentence}");
        }
        // All but the sentence with a typeset apostrophe.
        assert_eq!(cut_from_text, crate::text::sentences(text).len() - 1);
        // A Σ lower-cases by its neighbours: the text's lower case is not used.
        let greek = Analysis::new("ΟΔΟΣ is not a word here.");
        assert!(TextWords::of(&greek).lowered_part(greek.text).is_none());
    }
}
