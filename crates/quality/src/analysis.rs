//! A text analysed once for every check of a fidelity report: its words
//! (found once, folded once), its lower-cased form, its names, its
//! numbers, its sentence count. The checks borrow from it instead of re-tokenising,
//! re-lower-casing and re-running `names()` each on its own.
//!
//! Everything is computed on first use, so a report with checks disabled
//! pays only for what its enabled checks read, and a text asked one
//! question (`contains_inflected`) is not split at all when the question
//! needs no words.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

use crate::lexicon::Lexicons;
use crate::names::{NameMention, names};
use crate::numbers::NumberMention;
use crate::text::{fold_lowered_str, lower_word, word_ranges};

/// Letter pairs read as one, and the words spelled with them.
type OneSpelling = (Vec<(char, char)>, Vec<String>);

/// One text, analysed once.
pub(crate) struct Analysis<'a> {
    /// The text itself.
    pub(crate) text: &'a str,
    /// Byte spans of its words (`text::word_ranges`), in order.
    spans: OnceCell<Vec<Range<usize>>>,
    /// Each word folded (`text::fold_word`), in order; borrowed from the
    /// text where folding only cuts a lower-case word (most words).
    folded: OnceCell<Vec<Cow<'a, str>>>,
    /// Each word lower-cased (`text::lower_word`), in order: what the
    /// names, spelled-number and alignment checks compare (folding does
    /// more); borrowed from the text where it is lower case already.
    lowered: OnceCell<Vec<Cow<'a, str>>>,
    /// The lowered words with letters written for one another made one
    /// (ё as е), and the letter pairs that did it.
    one_spelling: OnceCell<OneSpelling>,
    /// The text lower-cased (`str::to_lowercase`).
    lower: OnceCell<String>,
    /// Whether `lower` lines up with the text ([`Analysis::lower_lines_up`]).
    lower_lines_up: OnceCell<bool>,
    /// Its names (`names::names`).
    names: OnceCell<Vec<NameMention>>,
    /// Its numbers (`numbers::numbers`).
    numbers: OnceCell<Vec<NumberMention>>,
    /// How many sentences it has (`text::sentences`).
    sentences: OnceCell<usize>,
}

impl<'a> Analysis<'a> {
    /// `text`, its words found.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            spans: OnceCell::new(),
            folded: OnceCell::new(),
            lowered: OnceCell::new(),
            one_spelling: OnceCell::new(),
            lower: OnceCell::new(),
            lower_lines_up: OnceCell::new(),
            names: OnceCell::new(),
            numbers: OnceCell::new(),
            sentences: OnceCell::new(),
        }
    }

    fn spans(&self) -> &[Range<usize>] {
        self.spans.get_or_init(|| word_ranges(self.text).collect())
    }

    /// Byte spans of its words (`text::word_ranges`), in order.
    pub(crate) fn word_spans(&self) -> &[Range<usize>] {
        self.spans()
    }

    /// How many words it has (`text::word_count`).
    pub(crate) fn word_count(&self) -> usize {
        self.spans().len()
    }

    /// The `i`-th word as written.
    pub(crate) fn word(&self, i: usize) -> &'a str {
        &self.text[self.spans()[i].clone()]
    }

    /// Its words as written (`text::words`), in order.
    pub(crate) fn words(&self) -> impl Iterator<Item = &'a str> + '_ {
        let text = self.text;
        self.spans().iter().map(move |r| &text[r.clone()])
    }

    /// Its words folded for matching (`text::fold_word`), in order.
    pub(crate) fn folded(&self) -> &[Cow<'a, str>] {
        self.folded.get_or_init(|| {
            self.lowered_words()
                .iter()
                .map(|lower| match lower {
                    Cow::Borrowed(lower) => fold_lowered_str(lower),
                    Cow::Owned(lower) => Cow::Owned(fold_lowered_str(lower).into_owned()),
                })
                .collect()
        })
    }

    /// Its words lower-cased, in order.
    pub(crate) fn lowered_words(&self) -> &[Cow<'a, str>] {
        self.lowered
            .get_or_init(|| self.words().map(lower_word).collect())
    }

    /// Its words lower-cased with `pairs` applied (each `from` read as its
    /// `to`); kept for the first `pairs` asked about (the Russian lexicon's,
    /// in practice), made afresh for others.
    pub(crate) fn one_spelling(&self, pairs: &[(char, char)]) -> Cow<'_, [String]> {
        let spell = || -> Vec<String> {
            self.lowered_words()
                .iter()
                .map(|w| {
                    w.chars()
                        .map(|c| pairs.iter().find(|(from, _)| *from == c).map_or(c, |(_, to)| *to))
                        .collect()
                })
                .collect()
        };
        let (kept_pairs, words) = self.one_spelling.get_or_init(|| (pairs.to_vec(), spell()));
        if kept_pairs == pairs {
            Cow::Borrowed(words)
        } else {
            Cow::Owned(spell())
        }
    }

    /// The indices of the words within `part`, a slice of the text (a line):
    /// a word never spans a line break, so they are the part's own words.
    pub(crate) fn words_within(&self, part: &str) -> Range<usize> {
        let start = part.as_ptr() as usize - self.text.as_ptr() as usize;
        let end = start + part.len();
        let first = self.spans().partition_point(|r| r.start < start);
        let last = self.spans().partition_point(|r| r.start < end);
        first..last
    }

    /// The text lower-cased.
    pub(crate) fn lower(&self) -> &str {
        self.lower.get_or_init(|| self.text.to_lowercase())
    }

    /// Whether its lower case lines up with it: each character's lower
    /// case has its length and none depends on its neighbours (no `Σ`), so
    /// that a slice of the text and the same bytes of the lower case are
    /// the same words.
    pub(crate) fn lower_lines_up(&self) -> bool {
        *self.lower_lines_up.get_or_init(|| {
            let (text, lower) = (self.text, self.lower());
            lower.len() == text.len()
                && (text.is_ascii()
                    || (!text.contains('Σ')
                        && text.chars().count() == lower.chars().count()
                        && text
                            .chars()
                            .zip(lower.chars())
                            .all(|(a, b)| a.len_utf8() == b.len_utf8())))
        })
    }

    /// Its names, in order of first appearance.
    pub(crate) fn names(&self) -> &[NameMention] {
        self.names.get_or_init(|| names(self.text))
    }

    /// Its numbers, in order: the numbers check and the numbers floor of
    /// an extract read the same mentions.
    pub(crate) fn numbers(&self) -> &[NumberMention] {
        self.numbers.get_or_init(|| crate::numbers::numbers(self.text))
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
