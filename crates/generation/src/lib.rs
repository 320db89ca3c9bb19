//! Plan-driven long-form generation, after LongWriter's AgentWrite and
//! STORM: a plan (given, or generated through structured output), a state
//! table updated after each section, section-by-section generation with a
//! rolling prefix window, a guarded consistency pass, and a QC report.

mod pipeline;
mod plan;
mod qc;
pub mod state;

pub use pipeline::{
    ChunkWiseGenerationPipeline, ConsistencyOutcome, DraftQc, GenerationConfig, GenerationError,
    GenerationInput, GenerationResult, SectionRecord, StateMode,
};
pub use plan::{GenerationPlan, PlanError, SectionSpec, TopicSpec, extract_json_object, plan_schema};
pub use qc::{QcReport, QcThresholds, SectionQc, section_qc, section_qc_with};
pub use state::StateTable;
