//! `ScriptedModel`: a `LanguageModel` answering with a closure, recording
//! every request; what pipeline tests use instead of a server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{BoxFuture, ChatRequest, ChatResponse, FinishReason, LanguageModel, LlmError, Usage};

type Script = dyn Fn(&ChatRequest) -> Result<ChatResponse, LlmError> + Send + Sync;

/// An in-process model that answers with a closure and records every request.
/// For pipelines' unit tests: no network, fully deterministic.
#[derive(Clone)]
pub struct ScriptedModel {
    script: Arc<Script>,
    requests: Arc<Mutex<Vec<ChatRequest>>>,
    model: String,
}

impl std::fmt::Debug for ScriptedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedModel")
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

impl ScriptedModel {
    /// Answers each request with `script(request)`.
    pub fn new(
        script: impl Fn(&ChatRequest) -> Result<ChatResponse, LlmError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            script: Arc::new(script),
            requests: Arc::new(Mutex::new(Vec::new())),
            model: "scripted".to_owned(),
        }
    }

    /// Answers each request with the text `answer(request)` returns, finishing
    /// normally, with token counts of one token per 4 bytes.
    pub fn text(answer: impl Fn(&ChatRequest) -> String + Send + Sync + 'static) -> Self {
        Self::new(move |req| Ok(Self::reply(req, answer(req), FinishReason::Stop)))
    }

    /// A response as a backend would build it.
    pub fn reply(request: &ChatRequest, text: String, finish_reason: FinishReason) -> ChatResponse {
        let prompt: usize = request.messages.iter().map(|m| m.content.len()).sum();
        ChatResponse {
            usage: Usage {
                prompt_tokens: prompt.div_ceil(4) as u64,
                completion_tokens: text.len().div_ceil(4) as u64,
                cached_tokens: 0,
            },
            text,
            finish_reason,
            latency: Duration::ZERO,
            endpoint: "scripted".to_owned(),
            model: "scripted".to_owned(),
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl LanguageModel for ScriptedModel {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        if let Ok(mut log) = self.requests.lock() {
            log.push(request.clone());
        }
        let answer = (self.script)(request);
        Box::pin(async move { answer })
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}
