//! A group's text cut into sentences and into clauses, for the checks that
//! ask which part holds which word (traded places).

use crate::lexicon::common::CLAUSE_ENDS;
use crate::text::sentences;

/// Which of two words a part holds: (level (0 sentences, 1 clauses), index,
/// the part's text) → (holds the first, holds the second).
pub(super) type Holds<'h> = dyn Fn(usize, usize, &str) -> (bool, bool) + 'h;

/// A group's text cut into sentences and into clauses.
pub(super) struct Segments<'a> {
    pub(super) sentences: Vec<&'a str>,
    pub(super) clauses: Vec<&'a str>,
}

impl<'a> Segments<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            sentences: sentences(text),
            clauses: text.split(CLAUSE_ENDS).collect(),
        }
    }

    /// The one sentence that holds the first word and not the second ("With
    /// Secure Transport, … PKCS#12 format."), else the one clause: (level,
    /// index). `holds(level, index, part)` says which of the two it holds.
    pub(super) fn own_part(&self, holds: &Holds, swap: bool) -> Option<(usize, usize)> {
        for (level, parts) in [&self.sentences, &self.clauses].into_iter().enumerate() {
            let mut found = parts.iter().enumerate().filter(|&(k, part)| {
                let (a, b) = holds(level, k, part);
                if swap { b && !a } else { a && !b }
            });
            if let Some((k, _)) = found.next()
                && found.next().is_none()
            {
                return Some((level, k));
            }
        }
        None
    }

    pub(super) fn part(&self, (level, k): (usize, usize)) -> &'a str {
        if level == 0 {
            self.sentences[k]
        } else {
            self.clauses[k]
        }
    }
}
