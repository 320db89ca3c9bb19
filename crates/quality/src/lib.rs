//! Deterministic quality metrics. Pure: no I/O, no model calls, no clocks.
//!
//! - [`fidelity`](mod@fidelity): is a rewrite faithful to its source chunk? Numbers, names,
//!   code blocks, length, content words, and detectors for summaries, chatter,
//!   refusals and the wrong script — each with concrete findings.
//! - [`repetition`]: Gopher's repetition rules with their thresholds, rep-n,
//!   distinct-n, adjacent-section similarity.
//! - [`coverage`](mod@coverage): required entities and key points, terminology, banned terms.
//! - [`length`]: LongWriter's S_l.
//!
//! Words are the project's one unit (`chunking::units`): CJK characters count
//! one each.
//!
//! Scoring a rewrite against its source:
//!
//! ```
//! use chunksynth_quality::{FidelityConfig, fidelity};
//!
//! let source = "Rust 1.0 shipped in May 2015. Mozilla sponsored it.";
//! let faithful = "In May 2015, Rust 1.0 shipped; Mozilla was its sponsor.";
//! assert!(fidelity(source, faithful, &FidelityConfig::default()).passed);
//!
//! let wrong = "In May 2016, Rust 1.0 shipped; Mozilla was its sponsor.";
//! let report = fidelity(source, wrong, &FidelityConfig::default());
//! assert!(!report.passed);
//! assert!(report.findings().any(|f| f.contains("2015")));
//! ```

// Near the bottom of the graph: every public item says what it is.
#![warn(missing_docs)]

pub mod added;
mod added_acronyms;
pub mod align;
mod analysis;
pub mod arithmetic;
mod arithmetic_tokens;
mod calendar;
mod changed_codes;
mod cjk_added;
mod cjk_names;
pub mod copying;
pub mod coverage;
mod dates;
mod dotted_names;
pub mod fidelity;
pub mod length;
pub mod lexicon;
mod name_abbreviated;
mod name_adjectives;
mod name_variants;
pub mod names;
mod number_words;
pub mod numbers;
pub mod repetition;
mod russian_stems;
pub mod script;
pub mod stopwords;
pub mod text;
mod token_kinds;
mod words;

pub use copying::{CopyMeasure, copy_ratio};
pub use coverage::{CoverageReport, Entity, FoldedText, TermPreference, concept_words, coverage};
pub use fidelity::{
    CheckKind, CheckReport, DEFAULT_MAX_COPY_RATIO, FidelityConfig, FidelityReport, Suspicion,
    chatter_preamble, fidelity,
};
pub use length::length_score;
pub use repetition::{
    GopherRepetition, RepeatedSentence, SelfRepeat, adjacent_similarity, distinct_n, gopher_repetition,
    rep_n, repeated_from_earlier, repeated_within,
};
pub use script::Script;
