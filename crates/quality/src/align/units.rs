//! Sentence-like units of a text (a sentence, a bullet, a question with its
//! answer) and their alignment terms.

use crate::coverage::concept_words_in;
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
    fn new(text: &'a str, parts: Vec<&'a str>, terms: WordSet, lex: Lexicons) -> Self {
        let whole = parts.len() == 1 && !is_yes_no_question(text, lex);
        let assertions = parts
            .into_iter()
            .filter(|s| !is_yes_no_question(s, lex))
            .map(|sentence| {
                let (mut count, mut scopes) = (0, Vec::new());
                negated_in_sentence(sentence, lex, &mut count, &mut scopes);
                Assertion {
                    text: sentence,
                    terms: (!whole).then(|| alignment_terms(sentence, lex)),
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
fn push_block<'a>(out: &mut Vec<Unit<'a>>, block: &'a str, lex: Lexicons) {
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
        let terms = alignment_terms(text, lex);
        if !terms.is_empty() {
            out.push(Unit::new(text, parts, terms, lex));
        }
    }
    if let Some((start, parts)) = question {
        let text = block[start..].trim_end();
        out.push(Unit::new(text, parts, alignment_terms(text, lex), lex));
    }
}

/// Sentences, with bullets and lines of a list as units of their own.
pub(super) fn units(text: &str, lex: Lexicons) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    let mut block_start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let bullet = crate::text::starts_list_item(t);
        if bullet && offset > block_start {
            push_block(&mut out, &text[block_start..offset], lex);
            block_start = offset;
        }
        offset += line.len();
    }
    push_block(&mut out, &text[block_start..], lex);
    out
}

/// Letters a Cyrillic word is cut to for matching (шесть, шести; суток,
/// сутки): Russian inflects by the ending.
const CYRILLIC_STEM: usize = 4;

/// Content words for alignment: concept words without negators (a flipped
/// claim still aligns), Cyrillic words cut to a four-letter stem (Russian
/// inflects heavily), numbers as written.
pub(super) fn alignment_terms(sentence: &str, lex: Lexicons) -> WordSet {
    let mut terms: WordSet = concept_words_in(sentence, lex);
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
