//! Omission: a source sentence with no counterpart in the rewrite, or a
//! clause of an aligned sentence whose words are nowhere in the rewrite.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::lexicon::Lexicons;
use crate::lexicon::common::CLAUSE_PUNCTUATION;

use super::units::{Unit, alignment_terms};
use super::{AlignedFinding, AlignmentFindings, quote};

/// A source sentence needs this many words to be reported omitted.
const MIN_OMITTED_TERMS: usize = 4;
/// A clause of fewer words says too little to be missed.
pub(super) const MIN_CLAUSE_TERMS: usize = 3;

/// A source sentence the alignment found no window for, and whose words
/// are scarce anywhere in the rewrite.
pub(super) fn omitted_sentence(s: &Unit, out: &mut AlignmentFindings) {
    if s.terms.len() >= MIN_OMITTED_TERMS {
        out.omissions.push(AlignedFinding::of_source(
            s.text,
            format!(
                "omission: the source sentence “{}” has no counterpart in the rewrite; rewrite it too",
                quote(s.text)
            ),
        ));
    }
}

/// The clauses of an aligned sentence whose words are nowhere in the
/// rewrite: half a sentence dropped ("the call might fail[: the file might
/// not exist, or …]").
pub(super) fn omitted_clauses(
    sentence: &str,
    weights: &FxHashMap<&str, f64>,
    rewrite: &FxHashSet<&str>,
    max_omitted: f64,
    lex: Lexicons,
    out: &mut AlignmentFindings,
) {
    let mut clauses = vec![sentence];
    for mark in CLAUSE_PUNCTUATION
        .iter()
        .copied()
        .chain(lex.words(|l| l.clause_marks))
    {
        clauses = clauses.into_iter().flat_map(|c| c.split(mark)).collect();
    }
    if clauses.len() < 2 {
        return;
    }
    for clause in clauses {
        let terms = alignment_terms(clause, lex);
        if terms.len() < MIN_CLAUSE_TERMS {
            continue;
        }
        let weight = |t: &String| weights.get(t.as_str()).copied().unwrap_or(1.0);
        let total: f64 = terms.iter().map(weight).sum();
        let kept: f64 = terms
            .iter()
            .filter(|t| rewrite.contains(t.as_str()))
            .map(weight)
            .sum();
        if kept / total < max_omitted {
            out.omissions.push(AlignedFinding::of_source(
                sentence,
                format!(
                    "omission: “{}” (in the source sentence “{}”) has no counterpart in the rewrite; rewrite it too",
                    quote(clause),
                    quote(sentence)
                ),
            ));
        }
    }
}
