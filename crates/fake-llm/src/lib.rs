//! A real HTTP server speaking the OpenAI chat completions API on
//! `127.0.0.1:0`, answering with a script (a closure per request) and able to
//! misbehave as real providers do: 429 with Retry-After, 5xx, dropped
//! connections, hangs, malformed JSON, empty content, truncation, streams cut
//! before `[DONE]`. Tests use it instead of mocks, so every error class is
//! exercised over real HTTP.

mod batches;
pub mod judge;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use futures_util::StreamExt;

pub use batches::BatchOptions;
use serde_json::{Value, json};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct FakeRequest {
    /// 0 for the first request the server received, and so on.
    pub index: usize,
    pub body: Value,
    pub authorization: Option<String>,
}

impl FakeRequest {
    pub fn stream(&self) -> bool {
        self.body["stream"].as_bool().unwrap_or(false)
    }

    pub fn model(&self) -> &str {
        self.body["model"].as_str().unwrap_or("")
    }

    /// The content of the last user message.
    pub fn last_user_text(&self) -> String {
        self.body["messages"]
            .as_array()
            .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
            .and_then(|m| m["content"].as_str())
            .unwrap_or("")
            .to_owned()
    }

    /// The passage a rewrite prompt asks to rewrite (see
    /// `chunksynth_prompts::last_passage`).
    pub fn passage(&self) -> String {
        chunksynth_prompts::last_passage(&self.last_user_text()).to_owned()
    }

    /// All message contents joined, for prompt-size checks.
    pub fn prompt_len(&self) -> usize {
        self.body["messages"]
            .as_array()
            .map(|m| m.iter().filter_map(|m| m["content"].as_str()).map(str::len).sum())
            .unwrap_or(0)
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer `text`, finishing with `stop`.
    Text(String),
    /// Answer `text` with this finish reason (`length` for a truncation).
    Finish { text: String, finish_reason: String },
    /// Any status with a JSON or text body, and optionally Retry-After.
    Status {
        status: u16,
        body: String,
        retry_after: Option<String>,
    },
    /// 200 with this raw body (malformed JSON, odd provider shapes).
    Raw(String),
    /// 200 with no bytes at all (llama-cpp-python on context overflow).
    EmptyBody,
    /// Close the connection in the middle of the response.
    Drop,
    /// Never answer.
    Hang,
    /// Stream part of `text`, then end the body cleanly but without a finish
    /// reason or `[DONE]` (non-streaming requests get a body cut mid-JSON).
    Cut(String),
    /// Wait, then do the inner reply.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self::Status {
            status,
            body: body.into(),
            retry_after: None,
        }
    }

    /// An OpenAI-style error body.
    pub fn error(status: u16, message: &str, code: &str) -> Self {
        Self::status(
            status,
            json!({"error": {"message": message, "type": "invalid_request_error", "code": code}}).to_string(),
        )
    }

    pub fn rate_limited(retry_after: &str) -> Self {
        Self::Status {
            status: 429,
            body: json!({"error": {"message": "Rate limit exceeded", "code": 429}}).to_string(),
            retry_after: Some(retry_after.to_owned()),
        }
    }
}

type Script = dyn Fn(&FakeRequest) -> Reply + Send + Sync;

pub(crate) struct Shared {
    script: Box<Script>,
    requests: Mutex<Vec<FakeRequest>>,
    counter: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    models: Vec<String>,
    record: bool,
    /// Calls served at once; the rest queue (a server's capacity).
    capacity: Option<Arc<tokio::sync::Semaphore>>,
    models_error: Option<(u16, String)>,
    batches: batches::Batches,
}

/// A running fake server. Dropping it stops the server.
pub struct FakeLlm {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeLlm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeLlm")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Options for [`FakeLlm::start_with`].
#[derive(Debug, Clone)]
pub struct FakeOptions {
    /// Model IDs `/v1/models` lists.
    pub models: Vec<String>,
    /// Keep every request (turn off for benchmarks with millions).
    pub record_requests: bool,
    /// Address to bind; port 0 picks a free one.
    pub bind: SocketAddr,
    /// How many calls the server works on at once (None: unlimited).
    pub capacity: Option<usize>,
    /// Answer `/v1/models` with this status and body instead of the list.
    pub models_error: Option<(u16, String)>,
    /// How `/v1/batches` behaves.
    pub batches: BatchOptions,
}

impl Default for FakeOptions {
    fn default() -> Self {
        Self {
            models: vec!["fake-model".to_owned()],
            record_requests: true,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            capacity: None,
            models_error: None,
            batches: BatchOptions::default(),
        }
    }
}

impl FakeLlm {
    /// Starts a server on a free loopback port answering with `script`.
    pub async fn start(
        script: impl Fn(&FakeRequest) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        Self::start_with(FakeOptions::default(), script).await
    }

    pub async fn start_with(
        options: FakeOptions,
        script: impl Fn(&FakeRequest) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            script: Box::new(script),
            requests: Mutex::new(Vec::new()),
            counter: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            models: options.models,
            record: options.record_requests,
            capacity: options
                .capacity
                .map(|c| Arc::new(tokio::sync::Semaphore::new(c.max(1)))),
            models_error: options.models_error,
            batches: batches::Batches::new(options.batches),
        });
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/v1/models", get(models))
            .route("/v1/files", post(batches::upload))
            .route("/v1/files/{id}/content", get(batches::content))
            .route("/v1/batches", post(batches::create))
            .route("/v1/batches/{id}", get(batches::retrieve))
            .route("/v1/batches/{id}/cancel", post(batches::cancel))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(options.bind).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, shared, task })
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests received so far (when recording).
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.shared.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Chat requests received so far (counted even when not recording).
    pub fn request_count(&self) -> usize {
        self.shared.counter.load(Ordering::SeqCst)
    }

    /// Batches created through `/v1/batches` (a re-attach creates none).
    pub fn batches_created(&self) -> usize {
        self.shared.batches.created.load(Ordering::SeqCst)
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }
}

async fn models(State(shared): State<Arc<Shared>>) -> Response {
    if let Some((status, body)) = &shared.models_error {
        let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, body.clone()).into_response();
    }
    let data: Vec<Value> = shared
        .models
        .iter()
        .map(|m| json!({"id": m, "object": "model", "owned_by": "fake"}))
        .collect();
    axum::Json(json!({"object": "list", "data": data})).into_response()
}

struct InFlight(Arc<Shared>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn chat(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let index = shared.counter.fetch_add(1, Ordering::SeqCst);
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let guard = InFlight(shared.clone());
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                json!({"error": {"message": e.to_string()}}).to_string(),
            )
                .into_response();
        }
    };
    let request = FakeRequest {
        index,
        body,
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    if shared.record
        && let Ok(mut log) = shared.requests.lock()
    {
        log.push(request.clone());
    }
    // Queue for a slot before the answer's latency starts, as a server does.
    let _slot = match &shared.capacity {
        Some(c) => c.clone().acquire_owned().await.ok(),
        None => None,
    };
    let mut reply = (shared.script)(&request);
    while let Reply::Delayed(wait, inner) = reply {
        tokio::time::sleep(wait).await;
        reply = *inner;
    }
    let response = respond(&request, reply).await;
    drop(guard);
    response
}

fn usage(request: &FakeRequest, text: &str) -> Value {
    let prompt = request.prompt_len().div_ceil(4);
    let completion = text.len().div_ceil(4);
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0}
    })
}

pub(crate) fn completion_json(request: &FakeRequest, text: &str, finish_reason: &str) -> Value {
    json!({
        "id": format!("chatcmpl-{}", request.index),
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": request.model(),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": finish_reason
        }],
        "usage": usage(request, text)
    })
}

fn sse(event: &Value) -> Bytes {
    Bytes::from(format!("data: {event}\n\n"))
}

fn chunk(request: &FakeRequest, delta: Value, finish_reason: Option<&str>) -> Value {
    json!({
        "id": format!("chatcmpl-{}", request.index),
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": request.model(),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
    })
}

/// The text in three pieces, on char boundaries.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=3 {
        let mut end = text.len() * i / 3;
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end > start {
            out.push(&text[start..end]);
            start = end;
        }
    }
    out
}

fn stream_events(request: &FakeRequest, text: &str, finish_reason: Option<&str>) -> Vec<Bytes> {
    let mut events = vec![sse(&chunk(
        request,
        json!({"role": "assistant", "content": ""}),
        None,
    ))];
    for piece in pieces(text) {
        events.push(sse(&chunk(request, json!({"content": piece}), None)));
    }
    if let Some(reason) = finish_reason {
        events.push(sse(&chunk(request, json!({}), Some(reason))));
        if request.body["stream_options"]["include_usage"].as_bool() == Some(true) {
            let mut u = chunk(request, json!({}), None);
            u["choices"] = json!([]);
            u["usage"] = usage(request, text);
            events.push(sse(&u));
        }
        events.push(Bytes::from_static(b"data: [DONE]\n\n"));
    }
    events
}

fn sse_response(events: Vec<Bytes>) -> Response {
    let stream = futures_util::stream::iter(events.into_iter().map(Ok::<Bytes, std::io::Error>));
    let body = Body::from_stream(stream);
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    response
}

async fn respond(request: &FakeRequest, reply: Reply) -> Response {
    match reply {
        Reply::Text(text) => finish(request, &text, "stop"),
        Reply::Finish { text, finish_reason } => finish(request, &text, &finish_reason),
        Reply::Status {
            status,
            body,
            retry_after,
        } => {
            let mut response = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body,
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            if let Some(wait) = retry_after.and_then(|r| HeaderValue::from_str(&r).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, wait);
            }
            response
        }
        Reply::Raw(body) => json_response(body),
        Reply::EmptyBody => json_response(String::new()),
        Reply::Drop => {
            let fail = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by the fake server"))
            });
            let partial = futures_util::stream::once(async { Ok(Bytes::from_static(b"{\"id\":")) });
            Response::new(Body::from_stream(partial.chain(fail)))
        }
        Reply::Hang => std::future::pending::<Response>().await,
        Reply::Cut(text) => {
            if request.stream() {
                sse_response(stream_events(request, &text, None))
            } else {
                let full = completion_json(request, &text, "stop").to_string();
                let mut half = full.len() / 2;
                while !full.is_char_boundary(half) {
                    half += 1;
                }
                json_response(full[..half].to_owned())
            }
        }
        Reply::Delayed(..) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn finish(request: &FakeRequest, text: &str, finish_reason: &str) -> Response {
    if request.stream() {
        sse_response(stream_events(request, text, Some(finish_reason)))
    } else {
        json_response(completion_json(request, text, finish_reason).to_string())
    }
}

fn json_response(body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

pub use chunksynth_demo::demo_rewrite;

/// The demo server's answer (`cargo xtask fake-server`): the demo model's
/// answer to the task the prompt asks for — a restyle, a plan, a section, a
/// consistency pass, a state table or a verdict.
pub fn demo_reply(request: &FakeRequest) -> Reply {
    let user = request.last_user_text();
    let system = request.body["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "system"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or("");
    Reply::text(chunksynth_demo::demo_answer_in(
        chunksynth_demo::task_of_prompt(&user),
        system,
        &user,
    ))
}

/// Documents with the structures rewriting must keep (Markdown with code and
/// a table, a man page, CJK, CRLF line ends): the chunking crate's fixtures,
/// which end-to-end tests against the fake push through whole runs.
pub fn structured_documents() -> Vec<(String, String)> {
    [
        (
            "markdown",
            include_str!("../../chunking/tests/fixtures/markdown.md"),
        ),
        (
            "manpage",
            include_str!("../../chunking/tests/fixtures/manpage.txt"),
        ),
        ("cjk", include_str!("../../chunking/tests/fixtures/cjk.txt")),
        ("crlf", include_str!("../../chunking/tests/fixtures/crlf.txt")),
    ]
    .into_iter()
    .map(|(id, text)| (id.to_owned(), text.to_owned()))
    .collect()
}

/// What benchmarks against the fake measure about their own process (Linux
/// `/proc/self`; zero elsewhere).
pub mod process {
    /// User + system CPU seconds of this process so far.
    pub fn cpu_seconds() -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        // Fields after the command name (which may contain spaces) start at ')'.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
        // utime and stime are fields 14 and 15 of the full line: 11 and 12 here.
        (ticks(11) + ticks(12)) / 100.0
    }

    /// A memory field of /proc/self/status (`VmRSS`, `VmHWM`) in MiB.
    pub fn memory_mib(field: &str) -> f64 {
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::process;

    #[test]
    fn the_process_figures_are_read() {
        let before = process::cpu_seconds();
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < std::time::Duration::from_millis(300) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(process::cpu_seconds() > before, "CPU time did not grow");
        assert!(process::memory_mib("VmRSS") > 1.0);
        assert!(process::memory_mib("VmHWM") >= process::memory_mib("VmRSS") * 0.5);
        assert_eq!(process::memory_mib("NoSuchField"), 0.0);
    }
}
