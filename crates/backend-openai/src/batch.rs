//! Batch mode in wavefront rounds.
//!
//! Chunk-wise rewriting is a chain of calls per document, each needing the
//! previous answer, so a batch cannot hold a document's calls at once. It
//! can hold the *next* call of every document in flight: [`BatchModel`] is a
//! `LanguageModel` whose calls wait in a forming round; the round is sent
//! when calls stop arriving for a moment (every document in flight has its
//! next call waiting) or when it is full; its answers wake the callers,
//! each document takes one step, and their next calls form the next round.
//! Documents that start while a round is out join the next one.
//!
//! Rounds travel in the OpenAI batch file format (one line per request:
//! `custom_id`, `method`, `url`, `body`; answers as `custom_id`,
//! `response.status_code`, `response.body`, or `error`), the format of the
//! OpenAI Batch API and of offline runners such as `vllm run-batch`. Two
//! transports: a local command run per round with the file paths
//! (`--batch-command 'vllm run-batch -i {input} -o {output} --model M'`),
//! and the OpenAI-compatible Batch API of the endpoint (`/v1/files`,
//! `/v1/batches`: upload, create, poll with backoff, download the output
//! and error files). A line that failed or is missing from the output is
//! retried in the next round, at most `max_line_attempts` times; the
//! callers above (journal, pipeline) are the same as online, so answers are
//! journaled as they come and a run can switch between batch and online.
//!
//! A line's `custom_id` is a digest of its request body, so identical
//! requests in a round are sent once, and a submitted batch's answers match
//! requests whatever round they come in: the id of a batch submitted and
//! not yet read is kept in `submitted.json` in the batch folder, and a
//! restarted run re-attaches to it instead of paying for it twice.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chunksynth_llm::{BoxFuture, ChatRequest, ChatResponse, ErrorKind, LanguageModel, LlmError};
use serde_json::{Value, json};
use tokio::sync::{Notify, oneshot};

use crate::backend::OpenAiBackend;
use crate::wire::WireCompletion;

/// How a round travels.
#[derive(Debug, Clone)]
pub enum BatchTransport {
    /// Run per round; `{input}` and `{output}` are replaced by the round's
    /// file paths. Run through `sh -c`.
    Command(String),
    /// The OpenAI-compatible Batch API of the backend's first endpoint.
    Api {
        /// `completion_window` of each batch (`24h` at OpenAI).
        completion_window: String,
        /// The longest pause between two polls of a batch.
        max_poll: Duration,
    },
}

/// How rounds are formed and sent.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    pub transport: BatchTransport,
    /// The most requests one round holds.
    pub max_requests: usize,
    /// The most bytes of request bodies one round holds (OpenAI: a
    /// 200 MB file).
    pub max_bytes: usize,
    /// A round is sent once no call has arrived for this long.
    pub quiet: Duration,
    /// Where the round files are written.
    pub dir: PathBuf,
    /// Rounds a failed or missing line is tried in before its call fails.
    pub max_line_attempts: u32,
}

/// A call waiting for its round.
struct Waiting {
    /// A digest of the body: the line's `custom_id`.
    id: String,
    body: Value,
    /// The body's size as sent.
    bytes: usize,
    task: chunksynth_llm::TaskKind,
    attempts: u32,
    reply: oneshot::Sender<Result<ChatResponse, LlmError>>,
}

#[derive(Default)]
struct Forming {
    calls: Vec<Waiting>,
    /// The calls' bytes, kept as they come and go (summing them at every
    /// arrival would cost a round's size each time).
    bytes: usize,
    last_arrival: Option<Instant>,
}

impl Forming {
    /// Adds calls at the back (`front`: before those waiting).
    fn add(&mut self, calls: Vec<Waiting>, front: bool) {
        self.bytes += calls.iter().map(|w| w.bytes).sum::<usize>();
        if front {
            self.calls.splice(0..0, calls);
        } else {
            self.calls.extend(calls);
        }
        self.last_arrival = Some(Instant::now());
    }
}

/// Round counts, for progress and the summary.
#[derive(Debug, Default)]
pub struct BatchStats {
    pub rounds: AtomicU64,
    pub requests: AtomicU64,
    pub retried_lines: AtomicU64,
    /// The largest round sent.
    pub largest_round: AtomicU64,
    /// Requests of each round, in order.
    pub round_sizes: Mutex<Vec<u64>>,
    /// What the current round is doing, for progress displays.
    pub status: Mutex<String>,
}

impl BatchStats {
    fn set_status(&self, status: String) {
        if let Ok(mut s) = self.status.lock() {
            *s = status;
        }
    }
}

/// A `LanguageModel` that sends its calls in wavefront rounds (see the
/// module's doc).
pub struct BatchModel {
    /// Shared with the round driver.
    driver: Arc<Driver>,
}

impl std::fmt::Debug for BatchModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchModel")
            .field("transport", &self.driver.config.transport)
            .field("max_requests", &self.driver.config.max_requests)
            .finish_non_exhaustive()
    }
}

impl BatchModel {
    /// `backend` builds the request bodies and reads the answers (and keeps
    /// the usage ledger); it sends nothing itself. Starts the round driver
    /// on the current runtime.
    pub fn new(backend: Arc<OpenAiBackend>, config: BatchConfig) -> Result<Self, LlmError> {
        std::fs::create_dir_all(&config.dir).map_err(|e| {
            LlmError::new(
                ErrorKind::Config,
                format!("cannot create the batch folder {}: {e}", config.dir.display()),
            )
        })?;
        let driver = Arc::new(Driver {
            backend,
            config,
            forming: Mutex::default(),
            early: Mutex::default(),
            arrived: Notify::new(),
            stats: Arc::default(),
        });
        tokio::spawn(driver.clone().run());
        Ok(Self { driver })
    }

    pub fn stats(&self) -> Arc<BatchStats> {
        self.driver.stats.clone()
    }
}

impl LanguageModel for BatchModel {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            let d = &self.driver;
            // Built, serialised and hashed once, outside the queue's lock.
            let body = d.backend.body(request);
            let (id, bytes) = content_id(&body);
            if let Some(answer) = d.early.lock().ok().and_then(|mut e| e.remove(&id)) {
                // Answered by a re-attached batch before it was asked.
                return answer;
            }
            let waiting = Waiting {
                id,
                bytes,
                body,
                task: request.task,
                attempts: 0,
                reply: tx,
            };
            d.forming
                .lock()
                .map_err(|_| LlmError::new(ErrorKind::Config, "the batch queue is poisoned"))?
                .add(vec![waiting], false);
            self.driver.arrived.notify_one();
            rx.await
                .unwrap_or_else(|_| Err(LlmError::new(ErrorKind::Transient, "the batch driver stopped")))
        })
    }

    fn model_id(&self) -> &str {
        self.driver.backend.model_id()
    }
}

/// Forms and sends rounds, one at a time.
struct Driver {
    backend: Arc<OpenAiBackend>,
    config: BatchConfig,
    forming: Mutex<Forming>,
    /// Answers a re-attached batch gave before their calls were made.
    early: Mutex<HashMap<String, Result<ChatResponse, LlmError>>>,
    arrived: Notify,
    stats: Arc<BatchStats>,
}

impl Driver {
    async fn run(self: Arc<Self>) {
        loop {
            let round = self.next_round().await;
            if round.is_empty() {
                continue;
            }
            let retry = self.send(round).await;
            if !retry.is_empty()
                && let Ok(mut forming) = self.forming.lock()
            {
                // Retried lines go first in the next round.
                forming.add(retry, true);
            }
        }
    }

    /// Waits until calls are waiting and have stopped arriving (or a round
    /// is full), then takes up to a round's worth.
    async fn next_round(&self) -> Vec<Waiting> {
        loop {
            let (waiting, bytes, since) = match self.forming.lock() {
                Ok(f) => (f.calls.len(), f.bytes, f.last_arrival),
                Err(_) => return Vec::new(),
            };
            if waiting == 0 {
                self.arrived.notified().await;
                continue;
            }
            let quiet_for = since.map_or(self.config.quiet, |t| t.elapsed());
            if waiting >= self.config.max_requests
                || bytes >= self.config.max_bytes
                || quiet_for >= self.config.quiet
            {
                let Ok(mut f) = self.forming.lock() else {
                    return Vec::new();
                };
                // Up to the request and byte limits, at least one call.
                let (mut take, mut size) = (0, 0);
                for w in &f.calls {
                    if take >= self.config.max_requests
                        || (take > 0 && size + w.bytes > self.config.max_bytes)
                    {
                        break;
                    }
                    take += 1;
                    size += w.bytes;
                }
                f.bytes -= size;
                return f.calls.drain(..take).collect();
            }
            let wait = self.config.quiet.saturating_sub(quiet_for);
            let _ = tokio::time::timeout(wait, self.arrived.notified()).await;
        }
    }

    /// Sends one round (or re-attaches to the batch a killed run left);
    /// answers its callers; returns the calls for the next round.
    async fn send(&self, round: Vec<Waiting>) -> Vec<Waiting> {
        let n = self.stats.rounds.fetch_add(1, Ordering::Relaxed);
        // Identical requests go once; all their callers get the answer.
        let mut by_id: HashMap<String, Vec<Waiting>> = HashMap::new();
        let mut lines = Vec::new();
        for w in round {
            if !by_id.contains_key(&w.id) {
                lines.push(json!({"custom_id": w.id, "method": "POST", "url": "/v1/chat/completions", "body": w.body}));
            }
            by_id.entry(w.id.clone()).or_default().push(w);
        }
        self.stats
            .requests
            .fetch_add(lines.len() as u64, Ordering::Relaxed);
        self.stats
            .largest_round
            .fetch_max(lines.len() as u64, Ordering::Relaxed);
        if let Ok(mut sizes) = self.stats.round_sizes.lock() {
            sizes.push(lines.len() as u64);
        }
        self.stats
            .set_status(format!("batch round {} of {} requests out", n + 1, lines.len()));
        let started = Instant::now();
        let answers = match &self.config.transport {
            BatchTransport::Command(command) => {
                let input = self.config.dir.join(format!("round-{n:06}.input.jsonl"));
                let output = self.config.dir.join(format!("round-{n:06}.output.jsonl"));
                let command = command.clone();
                tokio::task::spawn_blocking(move || {
                    let answers = run_command_round(&command, &input, &output, &lines);
                    let _ = std::fs::remove_file(&input);
                    let _ = std::fs::remove_file(&output);
                    answers
                })
                .await
                .unwrap_or_else(|e| Err(format!("the round crashed: {e}")))
            }
            BatchTransport::Api {
                completion_window,
                max_poll,
            } => self.api_round(&lines, completion_window, *max_poll).await,
        };
        let latency = started.elapsed();
        let mut answers = match answers {
            Ok(a) => a,
            // The whole round failed: every line is retried, then fails.
            Err(why) => {
                self.stats
                    .set_status(format!("batch round {} failed: {why}", n + 1));
                return self.retry_or_fail(by_id.into_values().flatten().collect(), &why);
            }
        };
        self.stats.set_status(format!(
            "batch round {} answered in {:.0}s",
            n + 1,
            latency.as_secs_f64()
        ));
        let mut again = Vec::new();
        for (id, callers) in by_id {
            match answers.remove(&id) {
                Some(Ok(mut response)) => {
                    response.latency = latency;
                    response.endpoint = "batch".to_owned();
                    // Billed once per line, however many callers asked it.
                    if let Some(first) = callers.first() {
                        self.backend
                            .ledger()
                            .record_success("batch", first.task, response.usage, latency);
                    }
                    for w in callers {
                        let _ = w.reply.send(Ok(response.clone()));
                    }
                }
                Some(Err(e)) if !e.kind.is_retryable() => {
                    for w in callers {
                        self.backend.ledger().record_failure("batch", w.task, e.kind);
                        let _ = w.reply.send(Err(e.clone()));
                    }
                }
                Some(Err(e)) => again.extend(self.retry_or_fail(callers, &e.to_string())),
                None => {
                    again.extend(self.retry_or_fail(callers, "the line is missing from the round's output"))
                }
            }
        }
        // A re-attached batch may answer calls not asked yet.
        if !answers.is_empty()
            && let Ok(mut early) = self.early.lock()
        {
            early.extend(answers);
        }
        again
    }

    /// One round through the Batch API, or the batch a killed run
    /// submitted and never read (its id in `submitted.json`).
    async fn api_round(
        &self,
        lines: &[Value],
        completion_window: &str,
        max_poll: Duration,
    ) -> Result<HashMap<String, Result<ChatResponse, LlmError>>, String> {
        let api = Api::of(&self.backend)?;
        let submitted = self.config.dir.join("submitted.json");
        let batch_id = match std::fs::read(&submitted)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| v["batch_id"].as_str().map(str::to_owned))
        {
            Some(id) => id,
            None => {
                let mut file = Vec::new();
                for line in lines {
                    file.extend(serde_json::to_vec(line).map_err(|e| e.to_string())?);
                    file.push(b'\n');
                }
                let file_id = api.upload(file).await?;
                let id = api.create(&file_id, completion_window).await?;
                // Kept before waiting: a restarted run re-attaches to it.
                let record = json!({"batch_id": id, "input_file_id": file_id}).to_string();
                let tmp = self.config.dir.join("submitted.json.tmp");
                std::fs::write(&tmp, record)
                    .and_then(|()| std::fs::rename(&tmp, &submitted))
                    .map_err(|e| format!("cannot keep the batch id: {e}"))?;
                id
            }
        };
        let batch = api.wait(&batch_id, max_poll).await?;
        let mut answers = HashMap::new();
        for key in ["output_file_id", "error_file_id"] {
            if let Some(file) = batch[key].as_str() {
                for line in api.content(file).await?.lines() {
                    let Ok(value) = serde_json::from_str::<Value>(line) else {
                        continue;
                    };
                    if let Some(id) = value["custom_id"].as_str() {
                        answers.insert(id.to_owned(), answer_of(&value));
                    }
                }
            }
        }
        let _ = std::fs::remove_file(&submitted);
        Ok(answers)
    }

    fn retry_or_fail(&self, calls: Vec<Waiting>, why: &str) -> Vec<Waiting> {
        let mut again = Vec::new();
        for mut w in calls {
            w.attempts += 1;
            if w.attempts < self.config.max_line_attempts {
                self.stats.retried_lines.fetch_add(1, Ordering::Relaxed);
                again.push(w);
            } else {
                self.backend
                    .ledger()
                    .record_failure("batch", w.task, ErrorKind::Transient);
                let _ = w.reply.send(Err(LlmError::new(
                    ErrorKind::Transient,
                    format!("batch line failed in {} rounds: {why}", w.attempts),
                )));
            }
        }
        again
    }
}

/// Writes a round's input, runs the command, reads its output: answers by
/// `custom_id`. Blocking.
fn run_command_round(
    command: &str,
    input: &std::path::Path,
    output: &std::path::Path,
    lines: &[Value],
) -> Result<HashMap<String, Result<ChatResponse, LlmError>>, String> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(input).map_err(|e| e.to_string())?);
    for line in lines {
        serde_json::to_writer(&mut file, line).map_err(|e| e.to_string())?;
        file.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    file.flush().map_err(|e| e.to_string())?;
    drop(file);
    let _ = std::fs::remove_file(output);
    let script = command
        .replace("{input}", &shell_quote(&input.display().to_string()))
        .replace("{output}", &shell_quote(&output.display().to_string()));
    let status = std::process::Command::new("sh")
        .args(["-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run the batch command: {e}"))?;
    if !status.success() {
        return Err(format!("the batch command exited with {status}"));
    }
    let out =
        std::fs::File::open(output).map_err(|e| format!("the batch command wrote no output file: {e}"))?;
    let mut answers = HashMap::new();
    for line in BufReader::new(out).lines() {
        let Ok(line) = line else { break };
        let Ok(value) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(id) = value["custom_id"].as_str() else {
            continue;
        };
        answers.insert(id.to_owned(), answer_of(&value));
    }
    Ok(answers)
}

/// One output line's answer: the response body as an online answer, or its
/// error classified like an HTTP failure.
fn answer_of(line: &Value) -> Result<ChatResponse, LlmError> {
    let response = &line["response"];
    let status = response["status_code"].as_u64().unwrap_or(0) as u16;
    if !line["error"].is_null() || !(200..300).contains(&status) {
        let failure = crate::transport::HttpFailure {
            status: if status == 0 { 500 } else { status },
            retry_after: None,
            body: if line["error"].is_null() {
                response["body"].to_string()
            } else {
                json!({"error": line["error"]}).to_string()
            },
        };
        return Err(crate::classify::classify_http(&failure));
    }
    let wire: WireCompletion = serde_json::from_value(response["body"].clone()).map_err(|e| {
        LlmError::new(
            ErrorKind::Malformed,
            format!("a batch answer is not a completion: {e}"),
        )
    })?;
    crate::backend::into_response(wire)
}

/// A line's `custom_id` (a digest of its request body) and the body's size
/// as sent, from one serialisation. `DefaultHasher::new()` has fixed keys:
/// the id is the same in a restarted run (re-attach depends on it) with the
/// same toolchain.
fn content_id(body: &Value) -> (String, usize) {
    use std::hash::{Hash, Hasher};
    let text = body.to_string();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    (format!("c{:016x}", h.finish()), text.len())
}

/// The Batch API of the backend's first endpoint.
struct Api<'a> {
    http: &'a reqwest::Client,
    base: String,
    key: Option<String>,
}

impl<'a> Api<'a> {
    fn of(backend: &'a OpenAiBackend) -> Result<Self, String> {
        let endpoint = backend
            .config()
            .endpoints
            .first()
            .ok_or("no endpoint for the Batch API")?;
        Ok(Self {
            http: backend.http(),
            base: endpoint.base_url.trim_end_matches('/').to_owned(),
            key: endpoint.api_key.as_ref().map(|k| k.expose().to_owned()),
        })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        match &self.key {
            Some(k) => r.bearer_auth(k),
            None => r,
        }
    }

    /// Sends a request; the body of a 2xx, else an error naming the call
    /// (never the key: only the path and the server's message).
    async fn call(&self, what: &str, r: reqwest::RequestBuilder) -> Result<String, String> {
        let response = r
            .send()
            .await
            .map_err(|e| format!("{what}: {}", e.without_url()))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| format!("{what}: {}", e.without_url()))?;
        if !status.is_success() {
            let (message, _) = crate::wire::error_details(&body);
            let message = match &self.key {
                Some(k) if k.len() >= 4 => message.replace(k.as_str(), "<redacted>"),
                _ => message,
            };
            return Err(format!("{what}: HTTP {status}: {message}"));
        }
        Ok(body)
    }

    async fn upload(&self, file: Vec<u8>) -> Result<String, String> {
        let boundary = format!("chunksynth{:016x}", file.len() as u64 ^ 0x9e37_79b9_7f4a_7c15);
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"round.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n"
        )
        .into_bytes();
        body.extend(file);
        body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        let r = self
            .request(reqwest::Method::POST, "/files")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        let answer = self.call("uploading the round", r).await?;
        serde_json::from_str::<Value>(&answer)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_owned))
            .ok_or_else(|| "uploading the round: no file id in the answer".to_owned())
    }

    async fn create(&self, file_id: &str, window: &str) -> Result<String, String> {
        let r = self.request(reqwest::Method::POST, "/batches").json(&json!({
            "input_file_id": file_id,
            "endpoint": "/v1/chat/completions",
            "completion_window": window,
        }));
        let answer = self.call("creating the batch", r).await?;
        serde_json::from_str::<Value>(&answer)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_owned))
            .ok_or_else(|| "creating the batch: no batch id in the answer".to_owned())
    }

    /// Polls until the batch ends (completed, expired, cancelled, failed),
    /// pausing 1 s, doubling up to `max_poll`.
    async fn wait(&self, id: &str, max_poll: Duration) -> Result<Value, String> {
        let mut pause = Duration::from_millis(250);
        loop {
            let r = self.request(reqwest::Method::GET, &format!("/batches/{id}"));
            let batch: Value = serde_json::from_str(&self.call("polling the batch", r).await?)
                .map_err(|e| format!("polling the batch: {e}"))?;
            if let Some("completed" | "expired" | "cancelled" | "failed") = batch["status"].as_str() {
                return Ok(batch);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(max_poll);
        }
    }

    async fn content(&self, file: &str) -> Result<String, String> {
        let r = self.request(reqwest::Method::GET, &format!("/files/{file}/content"));
        self.call("downloading the batch's results", r).await
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
