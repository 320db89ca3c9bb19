//! Plan-driven long-form generation, after LongWriter's AgentWrite and
//! STORM: a plan (given, or generated through structured output), a state
//! table updated after each section, section-by-section generation with a
//! rolling prefix window, a guarded consistency pass, and a QC report.
//!
//! Writing a text to a given plan (the model here is scripted; any
//! `chunksynth_llm::LanguageModel` is used the same way):
//!
//! ```
//! use std::sync::Arc;
//! use chunksynth_chunking::TokenizerSpec;
//! use chunksynth_generation::{ChunkWiseGenerationPipeline, GenerationConfig, GenerationInput, GenerationPlan};
//! use chunksynth_llm::{ScriptedModel, TaskKind};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let plan = GenerationPlan::from_json(r#"{
//!   "topic": "Tea", "objective": "Say where tea comes from", "audience": "students",
//!   "tone": "plain", "target_total_length": 40,
//!   "sections": [{"title": "Origins", "key_points": ["tea was first drunk in China"],
//!                 "required_entities": ["China"], "target_length": 40}]
//! }"#)?;
//! let section = "# Origins\n\nTea was first drunk in China, where people brewed the leaves of a \
//!                wild shrub as medicine long before it became an everyday drink across the country.";
//! let model = ScriptedModel::text(move |request| match request.task {
//!     // The consistency pass, asked to fix nothing, gives the section back.
//!     TaskKind::ConsistencyPass => chunksynth_prompts::last_passage(request.last_user_text()).to_owned(),
//!     _ => section.to_owned(),
//! });
//! let tokenizer = "words".parse::<TokenizerSpec>()?.load()?;
//! let pipeline = ChunkWiseGenerationPipeline::new(Arc::new(model), tokenizer, GenerationConfig::default());
//! let result = pipeline.run(GenerationInput::Plan(plan)).await?;
//! assert!(result.final_text.contains("first drunk in China"));
//! assert!(result.qc_report.passed, "{:?}", result.qc_report);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod headings;
mod key_points;
mod pipeline;
mod plan;
mod qc;
pub mod state;

pub use chunksynth_llm::extract_json_object;
pub use pipeline::{
    ChunkWiseGenerationPipeline, ConsistencyOutcome, DraftQc, GenerationConfig, GenerationError,
    GenerationInput, GenerationResult, SectionRecord, StateMode,
};
pub use plan::{GenerationPlan, PlanError, SectionSpec, TopicSpec, plan_schema};
pub use qc::{QcReport, QcThresholds, SectionQc, section_qc, section_qc_in};
pub use state::StateTable;
