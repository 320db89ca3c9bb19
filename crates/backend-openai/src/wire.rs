//! What providers actually send, read leniently: every field optional,
//! unknown fields and odd types ignored.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireCompletion {
    pub model: Option<String>,
    pub choices: Vec<WireChoice>,
    pub usage: Option<WireUsage>,
    /// Some providers (OpenRouter) put an error object in a 200 body.
    pub error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireChoice {
    pub message: Option<WireMessage>,
    pub delta: Option<WireMessage>,
    pub finish_reason: Option<Value>,
}

impl WireChoice {
    pub(crate) fn finish_reason(&self) -> Option<&str> {
        self.finish_reason.as_ref().and_then(Value::as_str)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireMessage {
    pub content: Option<Value>,
}

impl WireMessage {
    /// Content as text: a string, or the text parts of a content array.
    pub(crate) fn text(&self) -> Option<String> {
        match self.content.as_ref()? {
            Value::String(s) => Some(s.clone()),
            Value::Array(parts) => Some(
                parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(""),
            ),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct WireUsage {
    pub prompt_tokens: Option<Value>,
    pub completion_tokens: Option<Value>,
    pub prompt_tokens_details: Option<Value>,
    /// DeepSeek's name for cached prompt tokens.
    pub prompt_cache_hit_tokens: Option<Value>,
}

fn as_u64(v: Option<&Value>) -> u64 {
    v.and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f as u64)))
        .unwrap_or(0)
}

impl WireUsage {
    pub(crate) fn to_usage(&self) -> chunksynth_llm::Usage {
        let cached = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.get("cached_tokens"))
            .or(self.prompt_cache_hit_tokens.as_ref());
        chunksynth_llm::Usage {
            prompt_tokens: as_u64(self.prompt_tokens.as_ref()),
            completion_tokens: as_u64(self.completion_tokens.as_ref()),
            cached_tokens: as_u64(cached),
        }
    }
}

/// How much of an error body is kept before the backend redacts the key
/// and cuts the message to its final length: cutting first could leave a
/// prefix of the key at the cut (memory stays bounded either way).
pub(crate) const ERROR_BODY_CHARS: usize = 64 * 1024;

/// The message and code of an error body, whatever its shape:
/// `{"error": {"message": .., "code": 429 | "x"}}`, `{"error": "text"}`,
/// `{"message": ..}`, or plain text.
pub(crate) fn error_details(body: &str) -> (String, Option<String>) {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        let text = body.trim();
        return (
            if text.is_empty() {
                "no message".to_owned()
            } else {
                text.chars().take(ERROR_BODY_CHARS).collect()
            },
            None,
        );
    };
    let err = v.get("error").unwrap_or(&v);
    let message = match err {
        Value::String(s) => s.clone(),
        _ => err
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| v.get("detail").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| body.chars().take(ERROR_BODY_CHARS).collect()),
    };
    let code = err.get("code").or_else(|| err.get("type")).and_then(|c| match c {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    (message, code)
}
