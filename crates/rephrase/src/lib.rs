//! Chunk-wise autoregressive rephrasing (Kimi K2's recipe), done faithfully
//! and losslessly.
//!
//! A document is split into a [`ChunkPlan`](chunksynth_chunking::ChunkPlan);
//! each chunk's body is rewritten in a style while the model sees the tail of
//! what it has already rewritten (the rolling prefix window), read-only
//! source context before the chunk, and optionally the document's head. Each
//! rewrite passes a fidelity gate (the quality crate); below the threshold it
//! is retried with a repair prompt naming the concrete findings, then the
//! configured [`FailurePolicy`] applies — and is recorded. Rewrites are
//! stitched back with the source's own separators.

mod model;
mod pipeline;

pub use model::{
    EchoRewriteModel, FidelityJudge, JudgeVerdict, LlmJudge, LlmRewriteModel, RewriteModel, RewriteOutput,
    RewriteRequest,
};
pub use pipeline::{
    AttemptRecord, ChunkOutcome, ChunkRecord, ChunkWiseRephrasePipeline, FailurePolicy, PipelineConfig,
    RephraseError, RephraseResult, StyleBounds, WindowLayout, choose_styles, gate_for, strip_chatter,
};
