//! Rebuilding a document from one rewrite per chunk.

use crate::plan::ChunkPlan;

/// Why rewrites cannot be stitched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StitchError {
    /// Not one rewrite per chunk.
    #[error("the plan has {expected} chunks but {got} rewrites were given; give exactly one per chunk")]
    CountMismatch {
        /// Chunks in the plan.
        expected: usize,
        /// Rewrites given.
        got: usize,
    },
    /// The source is not the one the plan was made for.
    #[error(
        "the plan was made for a {plan_len}-byte source but the source given has {source_len} bytes; stitch with the text the plan was made from"
    )]
    SourceMismatch {
        /// Bytes of the source the plan was made for.
        plan_len: usize,
        /// Bytes of the source given.
        source_len: usize,
    },
}

/// Joins the rewrites of a plan's chunks with the source's own separators.
///
/// Each chunk contributes the source whitespace before its body, its rewrite,
/// then the source whitespace after its body. An identity rewrite (each
/// chunk's body) returns `source` byte for byte; a rewrite that upper-cases
/// each body returns `source.to_uppercase()` byte for byte.
pub fn stitch<S: AsRef<str>>(source: &str, plan: &ChunkPlan, rewrites: &[S]) -> Result<String, StitchError> {
    if plan.source_len != source.len() {
        return Err(StitchError::SourceMismatch {
            plan_len: plan.source_len,
            source_len: source.len(),
        });
    }
    if plan.chunks.len() != rewrites.len() {
        return Err(StitchError::CountMismatch {
            expected: plan.chunks.len(),
            got: rewrites.len(),
        });
    }
    let capacity = rewrites.iter().map(|r| r.as_ref().len()).sum::<usize>() + source.len() / 16;
    let mut out = String::with_capacity(capacity);
    for (chunk, rewrite) in plan.chunks.iter().zip(rewrites) {
        chunk.stitch_into(source, rewrite.as_ref(), &mut out);
    }
    Ok(out)
}
