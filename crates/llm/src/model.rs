//! The model trait every pipeline is written against (one `chat` call and
//! a model id), so backends, journals and test models compose.

use std::future::Future;
use std::pin::Pin;

use crate::{ChatRequest, ChatResponse, LlmError};

/// A boxed, sendable future: what makes the trait usable as `dyn`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A chat model. Backends implement it; pipelines hold `Arc<dyn LanguageModel>`.
///
/// Implementations own their error policy: a returned error is final for
/// this request (retries, if any, already happened).
pub trait LanguageModel: Send + Sync + std::fmt::Debug {
    /// Answers `request`; an error is final for it.
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>>;

    /// The model ID requests go to (for provenance).
    fn model_id(&self) -> &str;
}

impl<M: LanguageModel + ?Sized> LanguageModel for std::sync::Arc<M> {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        (**self).chat(request)
    }

    fn model_id(&self) -> &str {
        (**self).model_id()
    }
}
