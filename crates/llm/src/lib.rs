//! The model interface: what every pipeline calls and every backend
//! implements (as ripgrep's `grep-matcher` is for matchers).
//!
//! - [`ChatRequest`] / [`ChatResponse`]: one chat completion, with a task
//!   kind a model (or a test double) can see and metadata for accounting.
//! - [`LlmError`] with an [`ErrorKind`] a pipeline can act on.
//! - [`LanguageModel`]: usable as `Arc<dyn LanguageModel>`.
//! - [`ScriptedModel`]: an in-process model for pipelines' unit tests.
//! - [`UsageLedger`] and [`PriceTable`]: tokens, retries, latency, cost.
//! - [`env`](mod@env): the one place environment variable names are spelled.
//!
//! A pipeline is written against `dyn LanguageModel`; a test answers it
//! with a script:
//!
//! ```
//! use chunksynth_llm::{ChatRequest, LanguageModel, Message, ScriptedModel, TaskKind};
//!
//! let model = ScriptedModel::text(|req| req.last_user_text().to_uppercase());
//! let request = ChatRequest::new(TaskKind::Rewrite, vec![Message::user("hello")]);
//! let answer = futures_lite_block_on(model.chat(&request)).expect("scripted models answer");
//! assert_eq!(answer.text, "HELLO");
//! assert_eq!(model.requests().len(), 1);
//! # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     use std::task::{Context, Poll, Waker};
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = Context::from_waker(Waker::noop());
//! #     loop { if let Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! ```

// The bottom of the graph: every public item says what it is.
#![warn(missing_docs)]

pub mod env;
mod error;
mod json;
mod model;
mod request;
mod response;
mod scripted;
mod usage;

pub use error::{ErrorKind, LlmError};
pub use json::extract_json_object;
pub use model::{BoxFuture, LanguageModel};
pub use request::{ChatRequest, Message, RequestMetadata, ResponseSchema, Role, Sampling, TaskKind};
pub use response::{ChatResponse, FinishReason, Usage};
pub use scripted::ScriptedModel;
pub use usage::{LatencyHistogram, Price, PriceTable, UsageLedger, UsageSnapshot, UsageTotals};
