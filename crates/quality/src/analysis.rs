//! A text analysed once for every check of a fidelity report: its words
//! (found once, folded once), its lower-cased form, its names, its
//! sentence count. The checks borrow from it instead of re-tokenising,
//! re-lower-casing and re-running `names()` each on its own.
//!
//! Everything but the word spans is computed on first use, so a report
//! with checks disabled pays only for what its enabled checks read.

use std::cell::OnceCell;
use std::ops::Range;

use crate::lexicon::Lexicons;
use crate::names::{NameMention, names};
use crate::text::{fold_word, word_ranges};

/// One text, analysed once.
pub(crate) struct Analysis<'a> {
    /// The text itself.
    pub(crate) text: &'a str,
    /// Byte spans of its words (`text::word_ranges`), in order.
    spans: Vec<Range<usize>>,
    /// Each word folded (`text::fold_word`), in order.
    folded: OnceCell<Vec<String>>,
    /// The text lower-cased (`str::to_lowercase`).
    lower: OnceCell<String>,
    /// Its names (`names::names`).
    names: OnceCell<Vec<NameMention>>,
    /// How many sentences it has (`text::sentences`).
    sentences: OnceCell<usize>,
}

impl<'a> Analysis<'a> {
    /// `text`, its words found.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            spans: word_ranges(text).collect(),
            folded: OnceCell::new(),
            lower: OnceCell::new(),
            names: OnceCell::new(),
            sentences: OnceCell::new(),
        }
    }

    /// How many words it has (`text::word_count`).
    pub(crate) fn word_count(&self) -> usize {
        self.spans.len()
    }

    /// The `i`-th word as written.
    pub(crate) fn word(&self, i: usize) -> &'a str {
        &self.text[self.spans[i].clone()]
    }

    /// Its words folded for matching, in order.
    pub(crate) fn folded(&self) -> &[String] {
        self.folded.get_or_init(|| {
            self.spans
                .iter()
                .map(|r| fold_word(&self.text[r.clone()]))
                .collect()
        })
    }

    /// The indices of the words within `part`, a slice of the text (a line):
    /// a word never spans a line break, so they are the part's own words.
    pub(crate) fn words_within(&self, part: &str) -> Range<usize> {
        let start = part.as_ptr() as usize - self.text.as_ptr() as usize;
        let end = start + part.len();
        let first = self.spans.partition_point(|r| r.start < start);
        let last = self.spans.partition_point(|r| r.start < end);
        first..last
    }

    /// The text lower-cased.
    pub(crate) fn lower(&self) -> &str {
        self.lower.get_or_init(|| self.text.to_lowercase())
    }

    /// Its names, in order of first appearance.
    pub(crate) fn names(&self) -> &[NameMention] {
        self.names.get_or_init(|| names(self.text))
    }

    /// How many sentences it has.
    pub(crate) fn sentence_count(&self) -> usize {
        *self
            .sentences
            .get_or_init(|| crate::text::sentences(self.text).len())
    }
}

/// A source and its rewrite, analysed once each, with the lexicons of
/// their scripts.
pub(crate) struct Pair<'a> {
    pub(crate) source: Analysis<'a>,
    pub(crate) rewrite: Analysis<'a>,
    lexicons: OnceCell<Lexicons>,
}

impl<'a> Pair<'a> {
    pub(crate) fn new(source: &'a str, rewrite: &'a str) -> Self {
        Self {
            source: Analysis::new(source),
            rewrite: Analysis::new(rewrite),
            lexicons: OnceCell::new(),
        }
    }

    /// `Lexicons::for_pair(source, rewrite, None)`.
    pub(crate) fn lexicons(&self) -> Lexicons {
        *self
            .lexicons
            .get_or_init(|| Lexicons::for_pair(self.source.text, self.rewrite.text, None))
    }
}
