//! The OpenAI Batch API, faked: `/v1/files` (multipart upload, content),
//! `/v1/batches` (create, retrieve, cancel). Each line of a batch's input
//! is answered by the same script as a live call; a batch completes after
//! the configured turnaround, or (the first one, when asked) expires with
//! only half its lines answered. It counts the batches created, so tests
//! can tell a re-attach from a second submission.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::{FakeRequest, Reply, Shared, completion_json};

/// How the fake's batches behave.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// How long a batch stays `in_progress`.
    pub turnaround: Duration,
    /// The first batch created expires with only the first half of its
    /// lines answered.
    pub expire_first: bool,
}

#[derive(Debug)]
struct Batch {
    input_file_id: String,
    created: Instant,
    ordinal: usize,
    cancelled: bool,
    /// (status, output file, error file) once processed.
    done: Option<(String, Option<String>, Option<String>, usize)>,
}

#[derive(Debug, Default)]
pub(crate) struct Batches {
    files: Mutex<HashMap<String, Vec<u8>>>,
    batches: Mutex<HashMap<String, Batch>>,
    pub(crate) created: std::sync::atomic::AtomicUsize,
    next_file: std::sync::atomic::AtomicUsize,
    pub(crate) options: BatchOptions,
}

impl Batches {
    pub(crate) fn new(options: BatchOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    fn store(&self, bytes: Vec<u8>) -> String {
        let id = format!("file-{}", self.next_file.fetch_add(1, Ordering::SeqCst));
        if let Ok(mut f) = self.files.lock() {
            f.insert(id.clone(), bytes);
        }
        id
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, json!({"error": {"message": message}}).to_string()).into_response()
}

/// The `file` part of a multipart/form-data body.
fn multipart_file(headers: &HeaderMap, body: &[u8]) -> Option<Vec<u8>> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let boundary = ct.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let text = body;
    let mut parts = Vec::new();
    let mut start = 0;
    while let Some(pos) = find(&text[start..], delimiter.as_bytes()) {
        parts.push(&text[start..start + pos]);
        start += pos + delimiter.len();
    }
    parts.into_iter().find_map(|part| {
        let head_end = find(part, b"\r\n\r\n")?;
        let head = std::str::from_utf8(&part[..head_end]).ok()?;
        if !head.contains("name=\"file\"") {
            return None;
        }
        let mut content = &part[head_end + 4..];
        if content.ends_with(b"\r\n") {
            content = &content[..content.len() - 2];
        }
        Some(content.to_vec())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub(crate) async fn upload(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(file) = multipart_file(&headers, &body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "expected multipart/form-data with a file part",
        );
    };
    let bytes = file.len();
    let id = shared.batches.store(file);
    json!({"id": id, "object": "file", "bytes": bytes, "purpose": "batch"})
        .to_string()
        .into_response()
}

pub(crate) async fn content(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.batches.files.lock().ok().and_then(|f| f.get(&id).cloned()) {
        Some(bytes) => bytes.into_response(),
        None => error(StatusCode::NOT_FOUND, "no such file"),
    }
}

pub(crate) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "not JSON");
    };
    let Some(input) = request["input_file_id"].as_str() else {
        return error(StatusCode::BAD_REQUEST, "input_file_id is required");
    };
    let ordinal = shared.batches.created.fetch_add(1, Ordering::SeqCst);
    let id = format!("batch-{ordinal}");
    if let Ok(mut b) = shared.batches.batches.lock() {
        b.insert(
            id.clone(),
            Batch {
                input_file_id: input.to_owned(),
                created: Instant::now(),
                ordinal,
                cancelled: false,
                done: None,
            },
        );
    }
    json!({"id": id, "object": "batch", "status": "validating", "input_file_id": input})
        .to_string()
        .into_response()
}

pub(crate) async fn cancel(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    if let Ok(mut b) = shared.batches.batches.lock()
        && let Some(batch) = b.get_mut(&id)
    {
        batch.cancelled = true;
    }
    retrieve(State(shared), Path(id)).await
}

pub(crate) async fn retrieve(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let ready = {
        let Ok(b) = shared.batches.batches.lock() else {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "poisoned");
        };
        let Some(batch) = b.get(&id) else {
            return error(StatusCode::NOT_FOUND, "no such batch");
        };
        if batch.done.is_none()
            && batch.created.elapsed() < shared.batches.options.turnaround
            && !batch.cancelled
        {
            return json!({"id": id, "object": "batch", "status": "in_progress"})
                .to_string()
                .into_response();
        }
        batch.done.clone().map_or_else(
            || Err((batch.input_file_id.clone(), batch.ordinal, batch.cancelled)),
            Ok,
        )
    };
    let (status, output, errors, n) = match ready {
        Ok(done) => done,
        Err((input, ordinal, cancelled)) => {
            let done = process(&shared, &input, ordinal, cancelled);
            if let Ok(mut b) = shared.batches.batches.lock()
                && let Some(batch) = b.get_mut(&id)
            {
                batch.done = Some(done.clone());
            }
            done
        }
    };
    json!({
        "id": id, "object": "batch", "status": status,
        "output_file_id": output, "error_file_id": errors,
        "request_counts": {"total": n}
    })
    .to_string()
    .into_response()
}

/// Answers a batch's lines with the script; returns (status, output file,
/// error file, lines).
fn process(
    shared: &Arc<Shared>,
    input: &str,
    ordinal: usize,
    cancelled: bool,
) -> (String, Option<String>, Option<String>, usize) {
    let bytes = shared
        .batches
        .files
        .lock()
        .ok()
        .and_then(|f| f.get(input).cloned())
        .unwrap_or_default();
    let lines: Vec<Value> = String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let expire = shared.batches.options.expire_first && ordinal == 0;
    let answered = if expire || cancelled {
        lines.len() / 2
    } else {
        lines.len()
    };
    let (mut out, mut err) = (String::new(), String::new());
    for line in lines.iter().take(answered) {
        let index = shared.counter.fetch_add(1, Ordering::SeqCst);
        let request = FakeRequest {
            index,
            body: line["body"].clone(),
            authorization: None,
        };
        if shared.record
            && let Ok(mut log) = shared.requests.lock()
        {
            log.push(request.clone());
        }
        let mut reply = (shared.script)(&request);
        while let Reply::Delayed(_, inner) = reply {
            reply = *inner;
        }
        let id = &line["custom_id"];
        match reply {
            Reply::Text(text) => {
                let body = completion_json(&request, &text, "stop");
                out.push_str(&format!(
                    "{}\n",
                    json!({"custom_id": id, "response": {"status_code": 200, "body": body}, "error": null})
                ));
            }
            Reply::Finish { text, finish_reason } => {
                let body = completion_json(&request, &text, &finish_reason);
                out.push_str(&format!(
                    "{}\n",
                    json!({"custom_id": id, "response": {"status_code": 200, "body": body}, "error": null})
                ));
            }
            Reply::Status { status, body, .. } => {
                let body: Value = serde_json::from_str(&body).unwrap_or(json!({"error": {"message": body}}));
                err.push_str(&format!(
                    "{}\n",
                    json!({"custom_id": id, "response": {"status_code": status, "body": body}, "error": null})
                ));
            }
            _ => {
                err.push_str(&format!(
                    "{}\n",
                    json!({"custom_id": id, "response": null, "error": {"code": "server_error", "message": "the fake cannot batch this reply"}})
                ));
            }
        }
    }
    let status = if cancelled {
        "cancelled"
    } else if expire {
        "expired"
    } else {
        "completed"
    };
    let output = (!out.is_empty()).then(|| shared.batches.store(out.into_bytes()));
    let errors = (!err.is_empty()).then(|| shared.batches.store(err.into_bytes()));
    (status.to_owned(), output, errors, lines.len())
}
