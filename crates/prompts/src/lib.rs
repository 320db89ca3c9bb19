//! Prompts: versioned templates rendered from typed inputs, and the style
//! catalogue. Pure: no I/O except [`TemplateSet::override_from_file`].
//!
//! Every rendered prompt says which template and version made it
//! ([`PromptProvenance`]), so an output record can name the prompt exactly.
//! Templates use `{{placeholder}}` slots; an override with an unknown or a
//! missing slot is refused when it is loaded, never mid-run.
//!
//! Rendering a rewrite prompt:
//!
//! ```
//! use chunksynth_prompts::{Language, RewriteInput, TemplateSet, last_passage, style};
//!
//! let templates = TemplateSet::defaults(Language::En);
//! let textbook = style("textbook").expect("in the catalogue");
//! let input = RewriteInput {
//!     style: textbook,
//!     current_chunk: "Ownership moves values.",
//!     rewritten_prefix: "",
//!     overlap_context: "",
//!     anchor: "",
//!     earlier: &[],
//! };
//! let prompt = templates.rewrite(&input);
//! let user = &prompt.messages.last().expect("a user message").content;
//! assert_eq!(last_passage(user), "Ownership moves values.");
//! assert_eq!(prompt.provenance.template, "rewrite_user");
//! ```

pub mod judge;
mod labels;
mod render;
mod styles;
mod template;

pub use labels::{GenerationLabels, QcFindingLabels, fill, generation_labels};
pub use render::{
    CLOSE_MARKER, ClaimInput, ConsistencyInput, ContinuationInput, EarlierTurn, JudgeInput, OPEN_MARKER,
    PlanInput, PromptProvenance, RenderedPrompt, RepairInput, RewriteInput, SectionInput, StateInput,
    judge_claims_schema, judge_schema, last_passage, marked_block, read_claim_answer,
};
pub use styles::{STYLES, Style, StyleKind, style};
pub use template::{Language, Template, TemplateError, TemplateId, TemplateSet};
