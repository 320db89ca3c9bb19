//! `OpenAiBackend`: the one `LanguageModel` that talks HTTP. It owns the
//! retry loop, the adaptive in-flight cap, the endpoint pool, streaming,
//! key redaction in errors, and the usage ledger.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use chunksynth_llm::{
    BoxFuture, ChatRequest, ChatResponse, ErrorKind, FinishReason, LanguageModel, LlmError, Role, Usage,
    UsageLedger, env,
};
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::classify::{classify_client, classify_stream_fault};
use crate::config::BackendConfig;
use crate::limits::{AdaptiveCap, Bucket};
use crate::pool::{Endpoint, EndpointLease, Pool};
use crate::transport::{FAULT_SLOT, FaultSlot, Transport};
use crate::wire::{WireCompletion, error_details};

/// The OpenAI-compatible backend. Cheap to share: hold it in an `Arc`.
pub struct OpenAiBackend {
    config: BackendConfig,
    pool: Pool,
    cap: Arc<AdaptiveCap>,
    requests_per_minute: Option<Bucket>,
    tokens_per_minute: Option<Bucket>,
    ledger: Arc<UsageLedger>,
    http: reqwest::Client,
    rng: AtomicU64,
}

impl std::fmt::Debug for OpenAiBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: Vec<&str> = self
            .config
            .endpoints
            .iter()
            .map(|e| e.base_url.as_str())
            .collect();
        f.debug_struct("OpenAiBackend")
            .field("model", &self.config.model)
            .field("endpoints", &urls)
            .finish_non_exhaustive()
    }
}

/// The longest error message kept (in rejects, logs and summaries).
const MESSAGE_CHARS: usize = 600;

impl OpenAiBackend {
    /// The HTTP client (shared with batch transports).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Builds the clients; sends nothing. Fails on a configuration that
    /// cannot work (no key for a remote endpoint, a bad URL).
    pub fn new(config: BackendConfig) -> Result<Self, LlmError> {
        config.validate()?;
        // ring, not aws-lc: cheaper to build. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeouts.connect)
            .tcp_nodelay(true)
            .pool_max_idle_per_host(config.limits.max_in_flight)
            .build()
            .map_err(|e| LlmError::new(ErrorKind::Config, format!("cannot build the HTTP client: {e}")))?;
        let transport = Transport {
            client: http.clone(),
            stall: config.timeouts.stream_stall,
        };
        let endpoints = config
            .endpoints
            .iter()
            .map(|e| {
                let oa = OpenAIConfig::new()
                    .with_api_base(e.base_url.clone())
                    .with_api_key(e.api_key.as_ref().map_or("", |k| k.expose()))
                    .with_org_id("")
                    .with_project_id("");
                let client = Client::with_config(oa)
                    .with_http_client(http.clone())
                    .with_http_service(transport.clone());
                Endpoint::new(client)
            })
            .collect();
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        Ok(Self {
            cap: AdaptiveCap::new(config.limits.max_in_flight, config.limits.adaptive),
            requests_per_minute: config
                .limits
                .requests_per_minute
                .map(|r| Bucket::per_minute(f64::from(r))),
            tokens_per_minute: config
                .limits
                .tokens_per_minute
                .map(|t| Bucket::per_minute(t as f64)),
            pool: Pool::new(endpoints),
            ledger: Arc::new(UsageLedger::new()),
            http,
            rng: AtomicU64::new(seed),
            config,
        })
    }

    pub fn config(&self) -> &BackendConfig {
        &self.config
    }

    /// Where usage is recorded; share it with a run summary.
    pub fn ledger(&self) -> Arc<UsageLedger> {
        self.ledger.clone()
    }

    /// The adaptive in-flight cap as it stands.
    pub fn current_in_flight_limit(&self) -> f64 {
        self.cap.current_limit()
    }

    /// The endpoints from which nothing answers at all: a `GET /models` gets
    /// no HTTP response (the connection is refused, the host unknown, TLS
    /// fails, or nothing arrives within the connect timeout). Any HTTP
    /// status is an answer. Empty when at least one endpoint answers: a run
    /// then starts, and a later failure is an outage, not a missing server.
    pub async fn silent_endpoints(&self) -> Vec<String> {
        let mut silent = Vec::new();
        for e in &self.config.endpoints {
            let mut req = self
                .http
                .get(format!("{}/models", e.base_url))
                .timeout(self.config.timeouts.connect);
            if let Some(key) = &e.api_key {
                req = req.bearer_auth(key.expose());
            }
            match req.send().await {
                Ok(_) => return Vec::new(),
                Err(_) => silent.push(e.label()),
            }
        }
        silent
    }

    /// Asks each endpoint's `/models` whether it offers the configured model,
    /// so a typo fails in a second instead of after the first document.
    /// Endpoints without a model list are given the benefit of the doubt.
    pub async fn check_model(&self) -> Result<(), LlmError> {
        for (index, e) in self.config.endpoints.iter().enumerate() {
            let mut req = self
                .http
                .get(format!("{}/models", e.base_url))
                .timeout(self.config.timeouts.connect * 3);
            if let Some(key) = &e.api_key {
                req = req.bearer_auth(key.expose());
            }
            let response = req.send().await.map_err(|err| {
                LlmError::new(
                    ErrorKind::Transient,
                    format!("cannot reach {}: {}", e.label(), err.without_url()),
                )
                .with_endpoint(e.label())
            })?;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            if status == 401 || status == 403 {
                let (message, _) = error_details(&body);
                let err = LlmError::new(
                    ErrorKind::Auth,
                    format!("HTTP {status}: {message} (check {})", env::API_KEY),
                );
                return Err(self.redact(index, err.with_status(status)));
            }
            let ids: Vec<String> = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| v.get("data").and_then(Value::as_array).cloned())
                .map(|d| {
                    d.iter()
                        .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if !ids.is_empty() && !ids.contains(&self.config.model) {
                let some: Vec<&str> = ids.iter().take(8).map(String::as_str).collect();
                return Err(LlmError::new(
                    ErrorKind::InvalidModel,
                    format!(
                        "model {:?} is not offered by {}; set {} to one of: {}{}",
                        self.config.model,
                        e.label(),
                        env::MODEL,
                        some.join(", "),
                        if ids.len() > some.len() { ", …" } else { "" }
                    ),
                )
                .with_endpoint(e.label()));
            }
        }
        Ok(())
    }

    pub(crate) fn body(&self, request: &ChatRequest) -> Value {
        let messages: Vec<Value> = request
            .messages
            .iter()
            .map(|m| {
                let role = match m.role {
                    Role::System => "system",
                    Role::User => "user",
                    Role::Assistant => "assistant",
                };
                json!({"role": role, "content": m.content})
            })
            .collect();
        let mut body =
            json!({"model": self.config.model, "messages": messages, "stream": self.config.streaming});
        let s = &request.sampling;
        if let Some(t) = s.temperature {
            body["temperature"] = json!(t);
        }
        if let Some(p) = s.top_p {
            body["top_p"] = json!(p);
        }
        if let Some(m) = s.max_tokens {
            body["max_tokens"] = json!(m);
        }
        if !s.stop.is_empty() {
            body["stop"] = json!(s.stop);
        }
        if let Some(seed) = s.seed {
            body["seed"] = json!(seed);
        }
        if let Some(schema) = &request.response_schema {
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": {"name": schema.name, "schema": schema.schema, "strict": true}
            });
        }
        if self.config.streaming {
            body["stream_options"] = json!({"include_usage": true});
        }
        if self.config.server_priority {
            body["priority"] = json!(-i64::from(request.metadata.priority));
        }
        body
    }

    fn random(&self) -> f64 {
        // splitmix64: jitter needs spread, not cryptographic strength.
        let mut z = self.rng.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / u64::MAX as f64
    }

    /// Exponential backoff with full jitter; a server's Retry-After wins,
    /// capped at `max_delay`.
    fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let policy = &self.config.retry;
        if let Some(wait) = retry_after {
            let jitter = policy.base_delay.mul_f64(self.random() * 0.5);
            return wait.saturating_add(jitter).min(policy.max_delay);
        }
        let ceiling = policy
            .base_delay
            .saturating_mul(1u32 << retry.min(20))
            .min(policy.max_delay);
        ceiling.mul_f64(self.random())
    }

    async fn attempt(
        &self,
        lease: &EndpointLease<'_>,
        body: &Value,
    ) -> Result<(ChatResponse, Instant), LlmError> {
        let endpoint = lease.endpoint();
        let started = Instant::now();
        let deadline = self.config.timeouts.request;
        let call = async {
            if self.config.streaming {
                self.streamed(endpoint, body).await
            } else {
                let wire: WireCompletion = endpoint
                    .client
                    .chat()
                    .create_byot(body)
                    .await
                    .map_err(classify_client)?;
                into_response(wire)
            }
        };
        match tokio::time::timeout(deadline, call).await {
            Ok(result) => result.map(|r| (r, started)),
            Err(_) => Err(LlmError::new(
                ErrorKind::Transient,
                format!("no complete answer within {}s", deadline.as_secs_f32()),
            )),
        }
    }

    async fn streamed(&self, endpoint: &Endpoint, body: &Value) -> Result<ChatResponse, LlmError> {
        let slot: FaultSlot = FaultSlot::default();
        FAULT_SLOT
            .scope(slot.clone(), async {
                let mut stream = endpoint
                    .client
                    .chat()
                    .create_stream_byot::<&Value, WireCompletion>(body)
                    .await
                    .map_err(classify_client)?;
                let mut text = String::new();
                let mut finish: Option<String> = None;
                let mut usage: Option<Usage> = None;
                let mut model = String::new();
                while let Some(event) = stream.next().await {
                    match event {
                        Ok(chunk) => {
                            if let Some(m) = chunk.model {
                                model = m;
                            }
                            if let Some(u) = chunk.usage {
                                usage = Some(u.to_usage());
                            }
                            if let Some(err) = chunk.error {
                                let (message, _) = error_details(&json!({"error": err}).to_string());
                                return Err(LlmError::new(
                                    ErrorKind::Transient,
                                    format!("error in stream: {message}"),
                                )
                                .with_partial(text));
                            }
                            for choice in chunk.choices {
                                if let Some(piece) = choice.delta.as_ref().and_then(|d| d.text()) {
                                    text.push_str(&piece);
                                }
                                if let Some(r) = choice.finish_reason() {
                                    finish = Some(r.to_owned());
                                }
                            }
                        }
                        Err(e) => {
                            let fault = slot.lock().ok().and_then(|s| *s);
                            return Err(match fault {
                                Some(fault) => classify_stream_fault(fault, text),
                                None => classify_client(e).with_partial(text),
                            });
                        }
                    }
                }
                if let Some(fault) = slot.lock().ok().and_then(|s| *s) {
                    return Err(classify_stream_fault(fault, text));
                }
                finish_response(text, finish.as_deref(), usage.unwrap_or_default(), model)
            })
            .await
    }

    fn redact(&self, index: usize, mut err: LlmError) -> LlmError {
        let endpoint = &self.config.endpoints[index];
        if let Some(key) = endpoint
            .api_key
            .as_ref()
            .map(|k| k.expose())
            .filter(|k| k.len() >= 4)
        {
            err.message = err.message.replace(key, "<redacted>");
            err.partial_text = err.partial_text.map(|p| p.replace(key, "<redacted>"));
        }
        // Cut only after redacting: a cut through the key would leave its
        // prefix, which no longer matches the whole key.
        if let Some((cut, _)) = err.message.char_indices().nth(MESSAGE_CHARS) {
            err.message.truncate(cut);
            err.message.push('…');
        }
        err.with_endpoint(endpoint.label())
    }

    async fn chat_inner(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError> {
        let body = self.body(request);
        let prompt_bytes: usize = request.messages.iter().map(|m| m.content.len()).sum();
        let estimate = (prompt_bytes / 4) as f64 + f64::from(request.sampling.max_tokens.unwrap_or(0));
        let mut retry = 0u32;
        loop {
            if let Some(b) = &self.requests_per_minute {
                b.take(1.0).await;
            }
            if let Some(b) = &self.tokens_per_minute {
                b.take(estimate).await;
            }
            let permit = self.cap.acquire(request.metadata.priority).await;
            let lease = match self.pool.lease(self.config.limits.max_wait_for_endpoint).await {
                Ok(lease) => lease,
                Err(e) => {
                    self.ledger.record_failure("(none)", request.task, e.kind);
                    return Err(e);
                }
            };
            let index = lease.index;
            let url = self.config.endpoints[index].label();
            self.ledger.record_attempt(&url, request.task);
            let result = self.attempt(&lease, &body).await;
            drop(lease);
            drop(permit);
            let error = match result {
                Ok((mut response, started)) => {
                    response.latency = started.elapsed();
                    response.endpoint = url.clone();
                    if response.model.is_empty() {
                        response.model = self.config.model.clone();
                    }
                    self.cap.on_success();
                    self.pool.restore(index);
                    if let Some(b) = &self.tokens_per_minute {
                        let actual = response.usage.total() as f64;
                        b.adjust(actual - estimate);
                    }
                    self.ledger
                        .record_success(&url, request.task, response.usage, response.latency);
                    return Ok(response);
                }
                Err(e) => self.redact(index, e),
            };
            match error.kind {
                ErrorKind::RateLimited => {
                    if let Some(limit) = self.cap.on_rate_limited() {
                        tracing::warn!(endpoint = %url, limit, "rate limited: in-flight cap halved");
                    }
                }
                ErrorKind::Transient
                    if error.status.is_none_or(|s| s >= 500) && self.pool.endpoints.len() > 1 =>
                {
                    let cooldown = self.config.limits.endpoint_cooldown;
                    self.pool.eject(index, cooldown);
                    tracing::warn!(endpoint = %url, cooldown_s = cooldown.as_secs_f64(), "endpoint ejected after a server error");
                }
                _ => {}
            }
            if error.is_retryable() && retry < self.config.retry.max_retries {
                self.ledger.record_retry(&url, request.task, error.kind);
                let wait = self.backoff(retry, error.retry_after());
                tracing::warn!(
                    endpoint = %url,
                    class = error.kind.as_str(),
                    status = error.status,
                    attempt = retry + 1,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
                retry += 1;
                continue;
            }
            self.ledger.record_failure(&url, request.task, error.kind);
            tracing::warn!(endpoint = %url, class = error.kind.as_str(), status = error.status, "call failed for good after its retries");
            return Err(error);
        }
    }
}

fn finish_response(
    text: String,
    finish: Option<&str>,
    usage: Usage,
    model: String,
) -> Result<ChatResponse, LlmError> {
    let finish_reason = FinishReason::parse(finish);
    if text.trim().is_empty() && finish_reason != FinishReason::Length {
        return Err(LlmError::new(ErrorKind::Empty, "the answer had no content"));
    }
    Ok(ChatResponse {
        text,
        finish_reason,
        usage,
        latency: Duration::ZERO,
        endpoint: String::new(),
        model,
    })
}

pub(crate) fn into_response(wire: WireCompletion) -> Result<ChatResponse, LlmError> {
    if wire.choices.is_empty()
        && let Some(err) = wire.error
    {
        // OpenRouter reports some upstream failures in a 200 body.
        let (message, code) = error_details(&json!({"error": err}).to_string());
        let status = code.and_then(|c| c.parse::<u16>().ok());
        let failure = crate::transport::HttpFailure {
            status: status.unwrap_or(502),
            retry_after: None,
            body: json!({"error": {"message": message}}).to_string(),
        };
        return Err(crate::classify::classify_http(&failure));
    }
    let Some(choice) = wire.choices.first() else {
        return Err(LlmError::new(ErrorKind::Malformed, "the answer had no choices"));
    };
    let text = choice.message.as_ref().and_then(|m| m.text()).unwrap_or_default();
    finish_response(
        text,
        choice.finish_reason(),
        wire.usage.map(|u| u.to_usage()).unwrap_or_default(),
        wire.model.unwrap_or_default(),
    )
}

impl LanguageModel for OpenAiBackend {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        Box::pin(self.chat_inner(request))
    }

    fn model_id(&self) -> &str {
        &self.config.model
    }
}
