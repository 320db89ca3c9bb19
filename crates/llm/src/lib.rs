//! The model interface: what every pipeline calls and every backend
//! implements (as ripgrep's `grep-matcher` is for matchers).
//!
//! - [`ChatRequest`] / [`ChatResponse`]: one chat completion, with a task
//!   kind a model (or a test double) can see and metadata for accounting.
//! - [`LlmError`] with an [`ErrorKind`] a pipeline can act on.
//! - [`LanguageModel`]: usable as `Arc<dyn LanguageModel>`.
//! - [`ScriptedModel`]: an in-process model for pipelines' unit tests.
//! - [`UsageLedger`] and [`PriceTable`]: tokens, retries, latency, cost.
//! - [`env`]: the one place environment variable names are spelled.

pub mod env;
mod error;
mod model;
mod request;
mod response;
mod scripted;
mod usage;

pub use error::{ErrorKind, LlmError};
pub use model::{BoxFuture, LanguageModel};
pub use request::{ChatRequest, Message, RequestMetadata, ResponseSchema, Role, Sampling, TaskKind};
pub use response::{ChatResponse, FinishReason, Usage};
pub use scripted::ScriptedModel;
pub use usage::{LatencyHistogram, Price, PriceTable, UsageLedger, UsageSnapshot, UsageTotals};
