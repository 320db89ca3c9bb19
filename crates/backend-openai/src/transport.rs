//! The HTTP transport under async-openai: a plain reqwest call (no retry,
//! ours is the only policy) that keeps what async-openai would throw away —
//! the status, `Retry-After` and the raw body of failures — and guards
//! streams: a stream that ends without `[DONE]` or goes silent is an error.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use bytes::Bytes;
use futures_util::StreamExt;

/// A non-success HTTP answer, whole.
#[derive(Debug, thiserror::Error)]
#[error("HTTP {status}")]
pub(crate) struct HttpFailure {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: String,
}

/// How a stream went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamFault {
    NoDone,
    Stalled(Duration),
    Broken,
}

/// Where the transport reports a stream fault to the call that made it.
pub(crate) type FaultSlot = Arc<Mutex<Option<StreamFault>>>;

tokio::task_local! {
    /// Set by the backend around a streaming call; the transport captures it
    /// into the stream guard (which async-openai polls on another task).
    pub(crate) static FAULT_SLOT: FaultSlot;
}

#[derive(Clone, Debug)]
pub(crate) struct Transport {
    pub client: reqwest::Client,
    pub stall: Duration,
}

type TransportFuture = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let client = self.client.clone();
        let stall = self.stall;
        let slot = FAULT_SLOT.try_with(Clone::clone).ok();
        Box::pin(async move {
            let request = factory.build().await?;
            let response = client.execute(request).await.map_err(OpenAIError::Reqwest)?;
            let status = response.status();
            if !status.is_success() {
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                let body = response.text().await.unwrap_or_default();
                return Err(OpenAIError::Boxed(Box::new(HttpFailure {
                    status: status.as_u16(),
                    retry_after,
                    body,
                })));
            }
            let is_stream = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/event-stream"));
            match (is_stream, slot) {
                (true, Some(slot)) => Ok(guard_stream(response, stall, slot)),
                _ => Ok(response),
            }
        })
    }
}

const DONE: &[u8] = b"data: [DONE]";

struct Guard {
    inner: Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<Bytes>> + Send>>,
    tail: Vec<u8>,
    seen_done: bool,
    ended: bool,
    slot: FaultSlot,
}

fn fail(guard: &mut Guard, fault: StreamFault) -> std::io::Error {
    guard.ended = true;
    if let Ok(mut s) = guard.slot.lock() {
        *s = Some(fault);
    }
    std::io::Error::other(format!("{fault:?}"))
}

/// Re-wraps a streaming body so that silence longer than `stall`, a broken
/// connection, or an end without `[DONE]` surfaces as an error.
fn guard_stream(response: reqwest::Response, stall: Duration, slot: FaultSlot) -> reqwest::Response {
    let status = response.status();
    let headers = response.headers().clone();
    let guard = Guard {
        inner: Box::pin(response.bytes_stream()),
        tail: Vec::new(),
        seen_done: false,
        ended: false,
        slot,
    };
    let body = futures_util::stream::unfold(guard, move |mut g| async move {
        if g.ended {
            return None;
        }
        match tokio::time::timeout(stall, g.inner.next()).await {
            Err(_) => {
                let e = fail(&mut g, StreamFault::Stalled(stall));
                Some((Err(e), g))
            }
            Ok(Some(Ok(bytes))) => {
                // Look for the marker across chunk edges.
                g.tail.extend_from_slice(&bytes);
                if g.tail.windows(DONE.len()).any(|w| w == DONE) {
                    g.seen_done = true;
                }
                let keep = g.tail.len().saturating_sub(DONE.len());
                g.tail.drain(..keep);
                Some((Ok(bytes), g))
            }
            Ok(Some(Err(_))) => {
                let e = fail(&mut g, StreamFault::Broken);
                Some((Err(e), g))
            }
            Ok(None) if g.seen_done => None,
            Ok(None) => {
                let e = fail(&mut g, StreamFault::NoDone);
                Some((Err(e), g))
            }
        }
    });
    let mut builder = http::Response::builder().status(status);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    match builder.body(reqwest::Body::wrap_stream(body)) {
        Ok(r) => reqwest::Response::from(r),
        // Unreachable: status and headers came from a valid response.
        Err(_) => reqwest::Response::from(http::Response::new(reqwest::Body::from(Vec::<u8>::new()))),
    }
}

/// The longest wait a `Retry-After` is taken at: a server asking for more
/// (`1e20`) is not asking for anything a run can honour.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// `Retry-After` as seconds (`"2"`, `"1.5"`) or an HTTP date, at most a day.
/// Never panics on what a server sends: absurd values are capped, negative
/// or non-numbers ignored.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_nan() || secs < 0.0 {
            return None;
        }
        return Some(
            Duration::try_from_secs_f64(secs)
                .unwrap_or(MAX_RETRY_AFTER)
                .min(MAX_RETRY_AFTER),
        );
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}
