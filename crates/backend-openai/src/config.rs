//! The backend's configuration: endpoints (base URL, key that cannot print
//! itself), limits, retry policy, timeouts, read from flags or the
//! environment and validated before the first request.

use std::time::Duration;

use chunksynth_llm::{ErrorKind, LlmError, env};

/// An API key. It cannot be printed: `Debug` and `Display` show a redaction,
/// and the only way to the secret is [`ApiKey::expose`], used once, to build
/// the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One OpenAI-compatible endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointConfig {
    /// Base URL up to and including `/v1`.
    pub base_url: String,
    /// `None` only for loopback endpoints (a local llama.cpp, vLLM).
    pub api_key: Option<ApiKey>,
}

/// `url` without credentials (`https://user:pw@host/v1` → `https://host/v1`):
/// what may be stored in records, journals and messages.
pub(crate) fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if scheme.is_empty() => rest[at + 1..].to_owned(),
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

impl EndpointConfig {
    /// The base URL as it may be shown and stored: without credentials.
    pub fn label(&self) -> String {
        without_credentials(&self.base_url)
    }

    pub fn new(base_url: impl Into<String>, api_key: Option<ApiKey>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            api_key,
        }
    }

    /// Scheme, host and port (`https://api.example.com:443` is written as
    /// given): two endpoints of one origin may share a key.
    pub fn origin(&self) -> String {
        let url = self.label();
        let (scheme, rest) = url.split_once("://").unwrap_or(("", &url));
        let authority = rest.split('/').next().unwrap_or("");
        format!("{scheme}://{}", authority.to_ascii_lowercase())
    }

    pub fn is_loopback(&self) -> bool {
        let url = self.label();
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .unwrap_or(&url);
        if let Some(v6) = rest.strip_prefix('[') {
            let host = v6.split(']').next().unwrap_or("");
            return host
                .parse::<std::net::Ipv6Addr>()
                .is_ok_and(|ip| ip.is_loopback());
        }
        let host = rest.split(['/', ':']).next().unwrap_or("");
        host == "localhost"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Timeouts {
    pub connect: Duration,
    /// Total deadline for one attempt (request, answer, whole stream).
    pub request: Duration,
    /// Longest silence allowed between two pieces of a stream.
    pub stream_stall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(600),
            stream_stall: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Most requests in flight at once (the adaptive cap starts here).
    pub max_in_flight: usize,
    /// Halve the cap on 429 and recover additively on success.
    pub adaptive: bool,
    pub requests_per_minute: Option<u32>,
    pub tokens_per_minute: Option<u64>,
    /// How long an endpoint that failed with connection errors or 5xx sits out.
    pub endpoint_cooldown: Duration,
    /// How long a request waits for an endpoint when all are ejected.
    pub max_wait_for_endpoint: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_in_flight: 64,
            adaptive: true,
            requests_per_minute: None,
            tokens_per_minute: None,
            endpoint_cooldown: Duration::from_secs(15),
            max_wait_for_endpoint: Duration::from_secs(120),
        }
    }
}

/// Everything the backend needs.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendConfig {
    pub endpoints: Vec<EndpointConfig>,
    pub model: String,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    pub limits: Limits,
    /// Ask for server-sent events (with usage in the last event).
    pub streaming: bool,
    /// Send each call's scheduling priority in vLLM's `priority` field (the
    /// calls left in its document, negated: vLLM serves lower values first),
    /// so that a server started with `--scheduling-policy priority` orders
    /// its own queue by the critical path too. Off by default: vLLM refuses
    /// a non-zero priority without that policy, and other servers may refuse
    /// the field.
    pub server_priority: bool,
    /// Send the key over plain `http://` to a host that is not loopback
    /// (off: anyone on the path could read it).
    pub allow_insecure_http: bool,
}

impl BackendConfig {
    /// One endpoint, defaults for the rest.
    pub fn new(base_url: impl Into<String>, api_key: Option<ApiKey>, model: impl Into<String>) -> Self {
        Self {
            endpoints: vec![EndpointConfig::new(base_url, api_key)],
            model: model.into(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            limits: Limits::default(),
            streaming: false,
            server_priority: false,
            allow_insecure_http: false,
        }
    }

    /// From `LLM_BASE_URL`, `LLM_API_KEY` and `LLM_MODEL`, with the project's
    /// defaults for the URL and the model.
    pub fn from_env() -> Result<Self, LlmError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`BackendConfig::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, LlmError> {
        let non_empty = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let base_url = non_empty(env::BASE_URL).unwrap_or_else(|| env::DEFAULT_BASE_URL.to_owned());
        let model = non_empty(env::MODEL).unwrap_or_else(|| env::DEFAULT_MODEL.to_owned());
        let key = non_empty(env::API_KEY).map(ApiKey::new);
        let config = Self::new(base_url, key, model);
        config.validate()?;
        Ok(config)
    }

    /// Refuses a configuration that cannot work, before any request.
    pub fn validate(&self) -> Result<(), LlmError> {
        if self.endpoints.is_empty() {
            return Err(LlmError::new(
                ErrorKind::Config,
                format!("no endpoint configured; set {}", env::BASE_URL),
            ));
        }
        if self.model.trim().is_empty() {
            return Err(LlmError::new(
                ErrorKind::Config,
                format!("no model configured; set {}", env::MODEL),
            ));
        }
        for e in &self.endpoints {
            if !(e.base_url.starts_with("http://") || e.base_url.starts_with("https://")) {
                return Err(LlmError::new(
                    ErrorKind::Config,
                    format!("base URL {:?} must start with http:// or https://", e.base_url),
                ));
            }
            if let Some(key) = &e.api_key
                && let Some(bad) = key.expose().chars().find(|c| !c.is_ascii_graphic())
            {
                // Never the key itself in the message, only what is wrong.
                let what = match bad {
                    '\r' => "a carriage return (a .env file with Windows line endings?)".to_owned(),
                    '\n' => "a line break".to_owned(),
                    ' ' | '\t' => "white space".to_owned(),
                    c => format!("the character U+{:04X}", c as u32),
                };
                return Err(LlmError::new(
                    ErrorKind::Config,
                    format!(
                        "{} contains {what}, which cannot be sent in an HTTP header; fix the value",
                        env::API_KEY
                    ),
                ));
            }
            if e.api_key.is_some()
                && e.base_url.starts_with("http://")
                && !e.is_loopback()
                && !self.allow_insecure_http
            {
                return Err(LlmError::new(
                    ErrorKind::Config,
                    format!(
                        "{} would send the API key in clear text over http://; use https://, or pass --allow-insecure-http if the network is yours",
                        e.label()
                    ),
                ));
            }
            if e.api_key.is_none() && !e.is_loopback() {
                return Err(LlmError::new(
                    ErrorKind::Config,
                    format!(
                        "no API key for {}: set {} (only loopback endpoints may go without one)",
                        e.base_url,
                        env::API_KEY
                    ),
                ));
            }
        }
        if self.limits.max_in_flight == 0 {
            return Err(LlmError::new(
                ErrorKind::Config,
                "max_in_flight must be at least 1",
            ));
        }
        Ok(())
    }
}
