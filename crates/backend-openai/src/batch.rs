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
//! OpenAI Batch API and of offline runners such as `vllm run-batch`. The
//! transport here is a local command run per round with the file paths
//! (`--batch-command 'vllm run-batch -i {input} -o {output} --model M'`).
//! A line that failed or is missing from the output is retried in the next
//! round, at most `max_line_attempts` times; the callers above (journal,
//! pipeline) are the same as online, so answers are journaled as they come
//! and a run can switch between batch and online between resumes.

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

/// How rounds are formed and sent.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    /// Run per round; `{input}` and `{output}` are replaced by the round's
    /// file paths. Run through `sh -c`.
    pub command: String,
    /// The most requests one round holds.
    pub max_requests: usize,
    /// A round is sent once no call has arrived for this long.
    pub quiet: Duration,
    /// Where the round files are written.
    pub dir: PathBuf,
    /// Rounds a failed or missing line is tried in before its call fails.
    pub max_line_attempts: u32,
}

/// A call waiting for its round.
struct Waiting {
    body: Value,
    task: chunksynth_llm::TaskKind,
    attempts: u32,
    reply: oneshot::Sender<Result<ChatResponse, LlmError>>,
}

#[derive(Default)]
struct Forming {
    calls: Vec<Waiting>,
    last_arrival: Option<Instant>,
}

/// Round counts, for progress and the summary.
#[derive(Debug, Default)]
pub struct BatchStats {
    pub rounds: AtomicU64,
    pub requests: AtomicU64,
    pub retried_lines: AtomicU64,
    /// The largest round sent.
    pub largest_round: AtomicU64,
}

/// A `LanguageModel` that sends its calls in wavefront rounds (see the
/// module's doc).
pub struct BatchModel {
    backend: Arc<OpenAiBackend>,
    config: BatchConfig,
    forming: Arc<Mutex<Forming>>,
    arrived: Arc<Notify>,
    stats: Arc<BatchStats>,
}

impl std::fmt::Debug for BatchModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchModel")
            .field("command", &self.config.command)
            .field("max_requests", &self.config.max_requests)
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
        let model = Self {
            backend,
            config,
            forming: Arc::default(),
            arrived: Arc::new(Notify::new()),
            stats: Arc::default(),
        };
        let driver = Driver {
            backend: model.backend.clone(),
            config: model.config.clone(),
            forming: model.forming.clone(),
            arrived: model.arrived.clone(),
            stats: model.stats.clone(),
        };
        tokio::spawn(driver.run());
        Ok(model)
    }

    pub fn stats(&self) -> Arc<BatchStats> {
        self.stats.clone()
    }
}

impl LanguageModel for BatchModel {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            {
                let mut forming = self
                    .forming
                    .lock()
                    .map_err(|_| LlmError::new(ErrorKind::Config, "the batch queue is poisoned"))?;
                forming.calls.push(Waiting {
                    body: self.backend.body(request),
                    task: request.task,
                    attempts: 0,
                    reply: tx,
                });
                forming.last_arrival = Some(Instant::now());
            }
            self.arrived.notify_one();
            rx.await
                .unwrap_or_else(|_| Err(LlmError::new(ErrorKind::Transient, "the batch driver stopped")))
        })
    }

    fn model_id(&self) -> &str {
        self.backend.model_id()
    }
}

/// Forms and sends rounds, one at a time.
struct Driver {
    backend: Arc<OpenAiBackend>,
    config: BatchConfig,
    forming: Arc<Mutex<Forming>>,
    arrived: Arc<Notify>,
    stats: Arc<BatchStats>,
}

impl Driver {
    async fn run(self) {
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
                let mut calls = retry;
                calls.append(&mut forming.calls);
                forming.calls = calls;
                forming.last_arrival = Some(Instant::now());
            }
        }
    }

    /// Waits until calls are waiting and have stopped arriving (or a round
    /// is full), then takes up to a round's worth.
    async fn next_round(&self) -> Vec<Waiting> {
        loop {
            let (waiting, since) = match self.forming.lock() {
                Ok(f) => (f.calls.len(), f.last_arrival),
                Err(_) => return Vec::new(),
            };
            if waiting == 0 {
                self.arrived.notified().await;
                continue;
            }
            let quiet_for = since.map_or(self.config.quiet, |t| t.elapsed());
            if waiting >= self.config.max_requests || quiet_for >= self.config.quiet {
                let Ok(mut f) = self.forming.lock() else {
                    return Vec::new();
                };
                let take = f.calls.len().min(self.config.max_requests);
                return f.calls.drain(..take).collect();
            }
            let wait = self.config.quiet.saturating_sub(quiet_for);
            let _ = tokio::time::timeout(wait, self.arrived.notified()).await;
        }
    }

    /// Sends one round; answers its callers; returns the lines to retry.
    async fn send(&self, round: Vec<Waiting>) -> Vec<Waiting> {
        let n = self.stats.rounds.fetch_add(1, Ordering::Relaxed);
        self.stats
            .requests
            .fetch_add(round.len() as u64, Ordering::Relaxed);
        self.stats
            .largest_round
            .fetch_max(round.len() as u64, Ordering::Relaxed);
        let input = self.config.dir.join(format!("round-{n:06}.input.jsonl"));
        let output = self.config.dir.join(format!("round-{n:06}.output.jsonl"));
        let ids: Vec<String> = (0..round.len()).map(|i| format!("r{n}-{i}")).collect();
        let started = Instant::now();
        let answers = {
            let (input, output, command) = (input.clone(), output.clone(), self.config.command.clone());
            let lines: Vec<Value> = ids
                .iter()
                .zip(&round)
                .map(|(id, w)| json!({"custom_id": id, "method": "POST", "url": "/v1/chat/completions", "body": w.body}))
                .collect();
            tokio::task::spawn_blocking(move || run_round(&command, &input, &output, &lines))
                .await
                .unwrap_or_else(|e| Err(format!("the round crashed: {e}")))
        };
        let latency = started.elapsed();
        let mut answers = match answers {
            Ok(a) => a,
            Err(why) => {
                // The whole round failed (the command did): every line is
                // retried, then fails as transient.
                return self.retry_or_fail(round, &why);
            }
        };
        let mut retry = Vec::new();
        for (id, waiting) in ids.iter().zip(round) {
            match answers.remove(id) {
                Some(Ok(mut response)) => {
                    response.latency = latency;
                    response.endpoint = "batch".to_owned();
                    self.backend
                        .ledger()
                        .record_success("batch", waiting.task, response.usage, latency);
                    let _ = waiting.reply.send(Ok(response));
                }
                Some(Err(e)) if e.kind.is_retryable() => retry.push((waiting, e.to_string())),
                Some(Err(e)) => {
                    self.backend
                        .ledger()
                        .record_failure("batch", waiting.task, e.kind);
                    let _ = waiting.reply.send(Err(e));
                }
                None => retry.push((waiting, "the line is missing from the round's output".to_owned())),
            }
        }
        let _ = std::fs::remove_file(&input);
        let _ = std::fs::remove_file(&output);
        let mut again = Vec::new();
        for (waiting, why) in retry {
            again.extend(self.retry_or_fail(vec![waiting], &why));
        }
        again
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
fn run_round(
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

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
