//! Turning what went wrong on the wire into an [`ErrorKind`] and a message.

use async_openai::error::OpenAIError;
use chunksynth_llm::{ErrorKind, LlmError, env};

use crate::transport::{HttpFailure, StreamFault};
use crate::wire::error_details;

const CONTEXT_MARKERS: &[&str] = &[
    "context_length_exceeded",
    "exceed_context_size_error",
    "context length",
    "context window",
    "maximum context",
    "context size",
    "too many tokens",
    "prompt is too long",
    "input is too long",
    "reduce the length",
];

const MODEL_MARKERS: &[&str] = &[
    "model_not_found",
    "not a valid model",
    "no such model",
    "model not found",
    "does not exist",
];

/// Classifies a non-success HTTP answer.
pub(crate) fn classify_http(failure: &HttpFailure) -> LlmError {
    let (message, code) = error_details(&failure.body);
    let haystack = format!(
        "{} {}",
        message.to_lowercase(),
        code.clone().unwrap_or_default().to_lowercase()
    );
    let context = CONTEXT_MARKERS.iter().any(|m| haystack.contains(m));
    let model = MODEL_MARKERS.iter().any(|m| haystack.contains(m)) && haystack.contains("model");
    let status = failure.status;
    let kind = match status {
        429 => ErrorKind::RateLimited,
        408 | 409 | 425 => ErrorKind::Transient,
        500..=599 => ErrorKind::Transient,
        413 => ErrorKind::ContextTooLong,
        401..=403 => ErrorKind::Auth,
        _ if context => ErrorKind::ContextTooLong,
        _ if model => ErrorKind::InvalidModel,
        _ => ErrorKind::BadRequest,
    };
    let hint = match kind {
        ErrorKind::Auth => format!(" (check {})", env::API_KEY),
        ErrorKind::InvalidModel => format!(" (set {} to a model this endpoint offers)", env::MODEL),
        _ => String::new(),
    };
    let mut err = LlmError::new(kind, format!("HTTP {status}: {message}{hint}")).with_status(status);
    if let Some(wait) = failure.retry_after {
        err = err.with_retry_after(wait);
    }
    err
}

/// Classifies an error from the async-openai client.
pub(crate) fn classify_client(error: OpenAIError) -> LlmError {
    match error {
        OpenAIError::Boxed(inner) => {
            if let Some(failure) = inner.downcast_ref::<HttpFailure>() {
                return classify_http(failure);
            }
            match inner.downcast::<OpenAIError>() {
                Ok(inner) => classify_client(*inner),
                Err(other) => LlmError::new(ErrorKind::Transient, other.to_string()),
            }
        }
        OpenAIError::Reqwest(e) => classify_reqwest(&e),
        OpenAIError::JSONDeserialize(e, content) if content.trim().is_empty() => LlmError::new(
            ErrorKind::Malformed,
            format!(
                "the server answered 200 with an empty body ({e}); llama-cpp-python does this when the prompt exceeds its context"
            ),
        ),
        OpenAIError::JSONDeserialize(e, content) => LlmError::new(
            ErrorKind::Malformed,
            format!(
                "could not read the answer as JSON ({e}): {}",
                content
                    .chars()
                    .take(crate::wire::ERROR_BODY_CHARS)
                    .collect::<String>()
            ),
        ),
        OpenAIError::ApiError(api) => classify_http(&HttpFailure {
            status: api.status_code.as_u16(),
            retry_after: None,
            body:
                serde_json::json!({"error": {"message": api.api_error.message, "code": api.api_error.code}})
                    .to_string(),
        }),
        OpenAIError::StreamError(e) => LlmError::new(ErrorKind::Malformed, format!("the stream failed: {e}")),
        OpenAIError::InvalidArgument(m) => LlmError::new(ErrorKind::BadRequest, m),
        other => LlmError::new(ErrorKind::Transient, other.to_string()),
    }
}

fn classify_reqwest(e: &reqwest::Error) -> LlmError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer"
    } else {
        "the request failed"
    };
    // The URL is kept out: our base URL goes into `endpoint`, and nothing
    // from the request (its headers) is ever formatted.
    let mut source = String::new();
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cause {
        source = c.to_string();
        cause = c.source();
    }
    LlmError::new(
        ErrorKind::Transient,
        if source.is_empty() {
            what.to_owned()
        } else {
            format!("{what}: {source}")
        },
    )
}

/// The error for a stream the transport saw end badly.
pub(crate) fn classify_stream_fault(fault: StreamFault, partial: String) -> LlmError {
    let (kind, message) = match fault {
        StreamFault::NoDone => (ErrorKind::Malformed, "the stream ended before [DONE]".to_owned()),
        StreamFault::Stalled(after) => (
            ErrorKind::Transient,
            format!("the stream stalled for {}s", after.as_secs_f32()),
        ),
        StreamFault::Broken => (
            ErrorKind::Transient,
            "the connection broke during the stream".to_owned(),
        ),
    };
    let err = LlmError::new(kind, message);
    if partial.is_empty() {
        err
    } else {
        err.with_partial(partial)
    }
}
