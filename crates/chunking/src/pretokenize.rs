//! The pieces OpenAI's o200k and cl100k encodings split a text into before
//! byte-pair encoding, found without a backtracking regex.
//!
//! `tiktoken-rs` splits with `fancy-regex`, because each pattern has one
//! negative look-ahead (`\s+(?!\S)`: a whitespace run gives its last
//! character to the word after it). That backtracking VM was most of the
//! runner's tokenizing time (chunk plans and prompt windows, ~10% of its CPU
//! per call). Here the same patterns run on `regex-automata`'s DFA, the
//! look-ahead rewritten as a pattern that consumes the character it looks at
//! and gives it back: `\s+\s`, minus its last character (the rewrite the
//! `bpe-openai` crate uses). `\s+$` covers a run that ends the text, where
//! the look-ahead sees nothing.
//!
//! The pieces must be exactly tiktoken's: token counts cut chunks and
//! windows, and windows are part of every call's identity (a journal keyed
//! on them must still replay). The tests compare both on every fixture and
//! on generated text built from the characters the patterns distinguish.

use std::ops::Range;

use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input};

/// A pre-tokenizer: patterns in priority order, each with whether its last
/// character is a look-ahead to give back.
pub(crate) struct Pretokenizer {
    regex: Regex,
    gives_back_last: Vec<bool>,
}

/// o200k's pattern (`tiktoken_rs::O200K_BASE_PAT_STR`) up to its look-ahead,
/// with `\s+$` for a whitespace run that ends the text.
const O200K_FIRST: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}",
    r"| ?[^\s\p{L}\p{N}]+[\r\n/]*",
    r"|\s*[\r\n]+",
    r"|\s+$",
);

/// cl100k's pattern as `tiktoken-rs` writes it (possessive quantifiers,
/// which change nothing where nothing follows them; `\s++$` before
/// `\s*[\r\n]`, and a lone `\s` last), up to its look-ahead.
const CL100K_FIRST: &str = concat!(
    r"'(?i:[sdmt]|ll|ve|re)",
    r"|[^\r\n\p{L}\p{N}]?\p{L}+",
    r"|\p{N}{1,3}",
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*",
    r"|\s+$",
    r"|\s*[\r\n]",
);

/// `\s+(?!\S)` where the run does not end the text: a run of two or more,
/// less its last character.
const WHITESPACE_BEFORE_WORD: &str = r"\s+\s";

impl Pretokenizer {
    /// o200k_base's pieces.
    pub(crate) fn o200k() -> Self {
        Self::new(&[
            (O200K_FIRST, false),
            (WHITESPACE_BEFORE_WORD, true),
            (r"\s+", false),
        ])
    }

    /// cl100k_base's pieces.
    pub(crate) fn cl100k() -> Self {
        Self::new(&[
            (CL100K_FIRST, false),
            (WHITESPACE_BEFORE_WORD, true),
            (r"\s", false),
        ])
    }

    fn new(patterns: &[(&str, bool)]) -> Self {
        let (patterns, gives_back_last): (Vec<&str>, Vec<bool>) = patterns.iter().copied().unzip();
        let regex = Regex::new_many(&patterns).expect("the encodings' patterns are valid");
        Self {
            regex,
            gives_back_last,
        }
    }

    /// The byte ranges of `text`'s pieces, in order. Like a regex's
    /// `find_iter`, a stretch no pattern matches is skipped (none exists in
    /// these two encodings: every character matches one of their patterns).
    pub(crate) fn pieces<'a>(&'a self, text: &'a str) -> Pieces<'a> {
        Pieces {
            pre: self,
            text,
            at: 0,
        }
    }
}

/// The iterator of [`Pretokenizer::pieces`].
pub(crate) struct Pieces<'a> {
    pre: &'a Pretokenizer,
    text: &'a str,
    at: usize,
}

impl Iterator for Pieces<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.at >= self.text.len() {
            return None;
        }
        let regex = &self.pre.regex;
        let input = Input::new(self.text).range(self.at..);
        let found = regex
            .search(&input.clone().anchored(Anchored::Yes))
            .or_else(|| regex.search(&input))?;
        let start = found.start();
        let mut end = found.end();
        if self.pre.gives_back_last[found.pattern().as_usize()] {
            // The pattern matched at least two characters: one is kept.
            let last = self.text[start..end]
                .chars()
                .next_back()
                .map_or(0, char::len_utf8);
            end -= last;
        }
        self.at = end;
        Some(start..end)
    }
}
