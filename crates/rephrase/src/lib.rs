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
//!
//! Rephrasing a document with a model (here a scripted one that answers each
//! prompt with its passage restyled; a backend such as
//! `chunksynth_backend_openai::OpenAiBackend` is the same trait):
//!
//! ```
//! use std::sync::Arc;
//! use chunksynth_chunking::TokenizerSpec;
//! use chunksynth_llm::ScriptedModel;
//! use chunksynth_prompts::{Language, TemplateSet, last_passage, style};
//! use chunksynth_rephrase::{ChunkWiseRephrasePipeline, ChunkOutcome, LlmRewriteModel, PipelineConfig};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let model = ScriptedModel::text(|request| {
//!     last_passage(request.last_user_text())
//!         .replace("Rust uses ownership to manage memory.", "Memory in Rust is managed through ownership.")
//!         .replace("Each value has one owner at a time.", "At any moment, a value has one owner.")
//! });
//! let rewrite = LlmRewriteModel::new(Arc::new(model), TemplateSet::defaults(Language::En));
//! let tokenizer = "words".parse::<TokenizerSpec>()?.load()?;
//! let config = PipelineConfig { chunk_tokens: 12, overlap_tokens: 2, ..PipelineConfig::default() };
//! let pipeline = ChunkWiseRephrasePipeline::new(Arc::new(rewrite), tokenizer, config)?;
//!
//! let text = "Rust uses ownership to manage memory.\n\nEach value has one owner at a time.";
//! let result = pipeline.run(text, style("textbook").unwrap()).await?;
//! assert_eq!(
//!     result.text,
//!     "Memory in Rust is managed through ownership.\n\nAt any moment, a value has one owner."
//! );
//! // Two chunks, each passed the fidelity gate on its first attempt.
//! assert!(result.chunks.iter().all(|c| c.outcome == ChunkOutcome::Passed));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod claims;
mod model;
mod pipeline;
mod window;

pub use chunksynth_prompts::judge::{
    ClaimJudge, ClaimQuestion, ClaimSide, ClaimVerdict, JudgeFormat, JudgeMode, JudgedClaims, LlmClaimJudge,
};
pub use claims::claim_questions;
pub use model::{
    EchoRewriteModel, FidelityJudge, JudgeVerdict, LlmJudge, LlmRewriteModel, RewriteModel, RewriteOutput,
    RewriteRequest,
};
pub use pipeline::{
    AttemptRecord, ChunkOutcome, ChunkRecord, ChunkWiseRephrasePipeline, DEFAULT_JUDGE_MAX_CLAIMS,
    FailurePolicy, PipelineConfig, RephraseError, RephraseResult, StyleBounds, WindowLayout, choose_styles,
    gate_for, strip_chatter,
};
