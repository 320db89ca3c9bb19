//! Deterministic quality metrics. Pure: no I/O, no model calls, no clocks.
//!
//! - [`fidelity`]: is a rewrite faithful to its source chunk? Numbers, names,
//!   code blocks, length, content words, and detectors for summaries, chatter,
//!   refusals and the wrong script — each with concrete findings.
//! - [`repetition`]: Gopher's repetition rules with their thresholds, rep-n,
//!   distinct-n, adjacent-section similarity.
//! - [`coverage`]: required entities and key points, terminology, banned terms.
//! - [`length`]: LongWriter's S_l.
//!
//! Words are the project's one unit (`chunking::units`): CJK characters count
//! one each.

pub mod coverage;
pub mod fidelity;
pub mod length;
pub mod names;
pub mod numbers;
pub mod repetition;
pub mod script;
pub mod stopwords;
pub mod text;

pub use coverage::{CoverageReport, Entity, FoldedText, TermPreference, concept_words, coverage};
pub use fidelity::{CheckKind, CheckReport, FidelityConfig, FidelityReport, chatter_preamble, fidelity};
pub use length::length_score;
pub use repetition::{
    GopherRepetition, RepeatedSentence, SelfRepeat, adjacent_similarity, distinct_n, gopher_repetition,
    rep_n, repeated_from_earlier, repeated_within,
};
pub use script::Script;
