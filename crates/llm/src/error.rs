//! Model errors as a kind callers match on (transient, rate limited, auth,
//! context too long, truncated, ...) with the server's message, status,
//! Retry-After and any partial answer.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What went wrong, in classes a pipeline can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A timeout, a dropped connection, 408/409/5xx: try again.
    Transient,
    /// 429: try again after `retry_after`, and send less.
    RateLimited,
    /// The prompt does not fit the model's context: shrink it.
    ContextTooLong,
    /// 401/403: the key is missing, wrong or not allowed.
    Auth,
    /// The model ID is unknown to the endpoint.
    InvalidModel,
    /// 400/404 and other requests the server will never accept as sent.
    BadRequest,
    /// The answer stopped at the length limit (partial text attached).
    Truncated,
    /// The answer had no content.
    Empty,
    /// The body could not be read as an answer (bad JSON, cut stream).
    Malformed,
    /// The client is misconfigured (no key, bad URL): nothing was sent.
    Config,
}

impl ErrorKind {
    /// Whether the same request may succeed if sent again.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::Transient | Self::RateLimited | Self::Empty | Self::Malformed
        )
    }

    /// The class's name in messages and logs (`rate_limited`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transient => "transient",
            Self::RateLimited => "rate_limited",
            Self::ContextTooLong => "context_too_long",
            Self::Auth => "auth",
            Self::InvalidModel => "invalid_model",
            Self::BadRequest => "bad_request",
            Self::Truncated => "truncated",
            Self::Empty => "empty",
            Self::Malformed => "malformed",
            Self::Config => "config",
        }
    }
}

/// A failed model call. The message never contains an API key.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[error("{} error{}: {message}", kind.as_str(), endpoint.as_ref().map(|e| format!(" from {e}")).unwrap_or_default())]
pub struct LlmError {
    /// The class of failure, which decides retrying.
    pub kind: ErrorKind,
    /// What went wrong, for people (never the key).
    pub message: String,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// How long the server asked us to wait (Retry-After).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// The endpoint's base URL.
    pub endpoint: Option<String>,
    /// Text produced before a truncation or a cut stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_text: Option<String>,
}

impl LlmError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
            retry_after_ms: None,
            endpoint: None,
            partial_text: None,
        }
    }

    /// With the HTTP status the server answered.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// With the wait the server asked for (`Retry-After`).
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after_ms = Some(wait.as_millis() as u64);
        self
    }

    /// With the endpoint that failed (its base URL).
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// With the text received before the failure (a cut stream).
    pub fn with_partial(mut self, text: impl Into<String>) -> Self {
        self.partial_text = Some(text.into());
        self
    }

    /// The wait the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after_ms.map(Duration::from_millis)
    }

    /// Whether the same request may succeed later.
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }
}
