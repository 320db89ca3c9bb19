//! What a model answers: text, finish reason, token usage (with saturating
//! arithmetic: a server's huge numbers cannot wrap a budget), latency and
//! the endpoint that answered.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, LlmError};

/// Why the model stopped. Unknown values from a provider are kept, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// The model finished.
    Stop,
    /// The token limit cut the answer.
    Length,
    /// The provider's filter stopped it.
    ContentFilter,
    /// The model asked for a tool.
    ToolCalls,
    /// A reason this crate does not know, kept as given.
    Other(String),
    /// The server did not say.
    Unknown,
}

impl FinishReason {
    /// A provider's finish reason, in whichever spelling it uses.
    pub fn parse(value: Option<&str>) -> Self {
        match value {
            Some("stop" | "eos" | "end_turn" | "stop_sequence") => Self::Stop,
            Some("length" | "max_tokens") => Self::Length,
            Some("content_filter") => Self::ContentFilter,
            Some("tool_calls" | "function_call") => Self::ToolCalls,
            Some(other) => Self::Other(other.to_owned()),
            None => Self::Unknown,
        }
    }
}

/// Token counts of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Tokens of the prompt.
    pub prompt_tokens: u64,
    /// Tokens of the answer.
    pub completion_tokens: u64,
    /// Prompt tokens served from the provider's prefix cache.
    pub cached_tokens: u64,
}

impl Usage {
    /// The sum, saturating: a server that reports absurd counts must not
    /// wrap a budget's counter back to zero.
    #[must_use]
    pub fn saturating_add(self, rhs: Self) -> Self {
        Self {
            prompt_tokens: self.prompt_tokens.saturating_add(rhs.prompt_tokens),
            completion_tokens: self.completion_tokens.saturating_add(rhs.completion_tokens),
            cached_tokens: self.cached_tokens.saturating_add(rhs.cached_tokens),
        }
    }

    /// The difference, stopping at zero.
    #[must_use]
    pub fn saturating_sub(self, rhs: Self) -> Self {
        Self {
            prompt_tokens: self.prompt_tokens.saturating_sub(rhs.prompt_tokens),
            completion_tokens: self.completion_tokens.saturating_sub(rhs.completion_tokens),
            cached_tokens: self.cached_tokens.saturating_sub(rhs.cached_tokens),
        }
    }

    /// Prompt plus completion tokens, saturating.
    pub fn total(&self) -> u64 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, rhs: Self) {
        *self = self.saturating_add(rhs);
    }
}

/// One chat completion answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatResponse {
    /// The answer's text.
    pub text: String,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// Tokens used.
    pub usage: Usage,
    /// From sending the request to the last byte of the answer.
    #[serde(with = "duration_ms")]
    pub latency: Duration,
    /// Which endpoint answered (its base URL, never its key).
    pub endpoint: String,
    /// The model that answered, as the server named it.
    pub model: String,
}

impl ChatResponse {
    /// The answer when the model finished on its own; a
    /// [`ErrorKind::Truncated`] error carrying the partial text when it hit
    /// its length limit. Pipelines that continue truncated answers read
    /// `finish_reason` instead.
    pub fn complete(self) -> Result<Self, LlmError> {
        if self.finish_reason == FinishReason::Length {
            return Err(LlmError::new(
                ErrorKind::Truncated,
                format!(
                    "the answer was cut at the length limit after {} tokens",
                    self.usage.completion_tokens
                ),
            )
            .with_partial(self.text));
        }
        Ok(self)
    }
}

mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}
