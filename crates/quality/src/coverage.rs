//! Coverage of required entities and key points, terminology preferences and
//! banned terms, with alias matching that forgives case, hyphen/underscore/
//! space variants and plurals.

use serde::{Deserialize, Serialize};

use crate::fidelity::content_words;
use crate::text::{fold_word, words};

/// A text folded for term matching: folded words separated by single spaces,
/// with a space at each end so that matches fall on word boundaries.
#[derive(Debug, Clone)]
pub struct FoldedText(String);

impl FoldedText {
    pub fn new(text: &str) -> Self {
        let mut s = String::from(" ");
        // `MUTEX_GUARD` and `mutex guard` are one term: split on `_` too
        // (hyphens already separate words).
        for part in words(text)
            .into_iter()
            .flat_map(|w| w.split('_'))
            .filter(|p| !p.is_empty())
        {
            s.push_str(&fold_word(part));
            s.push(' ');
        }
        Self(s)
    }

    /// Whether the term (any of its spellings) occurs.
    pub fn contains_term(&self, term: &str) -> bool {
        let folded = FoldedText::new(term);
        !folded.0.trim().is_empty() && self.0.contains(&folded.0)
    }

    /// How many times the term occurs.
    pub fn count_term(&self, term: &str) -> usize {
        let folded = FoldedText::new(term);
        if folded.0.trim().is_empty() {
            return 0;
        }
        self.0.matches(&folded.0).count()
    }
}

/// An entity with the other names it may go by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Entity {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            aliases: Vec::new(),
        }
    }

    pub fn found_in(&self, text: &FoldedText) -> bool {
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .any(|t| text.contains_term(t))
    }
}

/// Share of a key point's content words that must appear for it to count as
/// covered.
pub const KEY_POINT_RECALL: f64 = 0.6;

/// Whether a key point ("ownership prevents data races") is covered: most of
/// its content words (folded) occur in the text.
pub fn key_point_covered(text: &str, key_point: &str) -> bool {
    let wanted = content_words(key_point);
    if wanted.is_empty() {
        return true;
    }
    let got = content_words(text);
    let hit = wanted.iter().filter(|w| got.contains(*w)).count();
    hit as f64 / wanted.len() as f64 >= KEY_POINT_RECALL
}

/// What a coverage check found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageReport {
    pub missing_entities: Vec<String>,
    pub missing_key_points: Vec<String>,
    /// (discouraged term used, preferred term)
    pub terminology_violations: Vec<(String, String)>,
    pub banned_hits: Vec<String>,
    /// Covered entities and key points / required ones (1.0 when none).
    pub score: f64,
}

impl CoverageReport {
    pub fn passed(&self) -> bool {
        self.missing_entities.is_empty()
            && self.missing_key_points.is_empty()
            && self.terminology_violations.is_empty()
            && self.banned_hits.is_empty()
    }
}

/// A preferred term and the variants that should not be used instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermPreference {
    pub preferred: String,
    #[serde(default)]
    pub avoid: Vec<String>,
}

/// Checks `text` for required entities and key points, terminology
/// preferences and banned terms.
pub fn coverage(
    text: &str,
    entities: &[Entity],
    key_points: &[String],
    terminology: &[TermPreference],
    do_not_include: &[String],
) -> CoverageReport {
    let folded = FoldedText::new(text);
    let missing_entities: Vec<String> = entities
        .iter()
        .filter(|e| !e.found_in(&folded))
        .map(|e| e.name.clone())
        .collect();
    let missing_key_points: Vec<String> = key_points
        .iter()
        .filter(|k| !key_point_covered(text, k))
        .cloned()
        .collect();
    let terminology_violations = terminology
        .iter()
        .flat_map(|t| {
            t.avoid
                .iter()
                .filter(|a| {
                    folded.contains_term(a) && !FoldedText::new(&t.preferred).0.eq(&FoldedText::new(a).0)
                })
                .map(|a| (a.clone(), t.preferred.clone()))
        })
        .collect();
    let banned_hits = do_not_include
        .iter()
        .filter(|b| folded.contains_term(b))
        .cloned()
        .collect();
    let required = entities.len() + key_points.len();
    let covered = required - missing_entities.len() - missing_key_points.len();
    CoverageReport {
        score: if required == 0 {
            1.0
        } else {
            covered as f64 / required as f64
        },
        missing_entities,
        missing_key_points,
        terminology_violations,
        banned_hits,
    }
}
