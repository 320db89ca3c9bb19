//! Endpoints: each request goes to the least-busy healthy one; an endpoint
//! failing with connection errors or 5xx sits out a cooldown, then gets
//! requests again (the next request is its probe).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use chunksynth_llm::{ErrorKind, LlmError};

pub(crate) struct Endpoint {
    pub client: Client<OpenAIConfig>,
    in_flight: AtomicUsize,
    ejected_until: Mutex<Option<Instant>>,
}

impl Endpoint {
    pub(crate) fn new(client: Client<OpenAIConfig>) -> Self {
        Self {
            client,
            in_flight: AtomicUsize::new(0),
            ejected_until: Mutex::new(None),
        }
    }
}

pub(crate) struct Pool {
    pub endpoints: Vec<Endpoint>,
    next: AtomicUsize,
}

/// An endpoint in use; dropping it frees its slot.
pub(crate) struct EndpointLease<'a> {
    pub index: usize,
    pool: &'a Pool,
}

impl EndpointLease<'_> {
    pub(crate) fn endpoint(&self) -> &Endpoint {
        &self.pool.endpoints[self.index]
    }
}

impl Drop for EndpointLease<'_> {
    fn drop(&mut self) {
        self.pool.endpoints[self.index]
            .in_flight
            .fetch_sub(1, Ordering::SeqCst);
    }
}

impl Pool {
    pub(crate) fn new(endpoints: Vec<Endpoint>) -> Self {
        Self {
            endpoints,
            next: AtomicUsize::new(0),
        }
    }

    /// The least busy available endpoint, or how long until one is back.
    fn pick(&self) -> Result<usize, Duration> {
        let now = Instant::now();
        let n = self.endpoints.len();
        // Rotate the starting point so ties spread over endpoints.
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let mut best: Option<(usize, usize)> = None;
        let mut soonest = Duration::MAX;
        for k in 0..n {
            let i = (start + k) % n;
            let e = &self.endpoints[i];
            let until = e.ejected_until.lock().ok().and_then(|u| *u);
            if let Some(until) = until.filter(|u| *u > now) {
                soonest = soonest.min(until - now);
                continue;
            }
            let busy = e.in_flight.load(Ordering::SeqCst);
            if best.is_none_or(|(_, b)| busy < b) {
                best = Some((i, busy));
            }
        }
        best.map(|(i, _)| i).ok_or(soonest)
    }

    /// Waits (at most `max_wait`) for an available endpoint.
    pub(crate) async fn lease(&self, max_wait: Duration) -> Result<EndpointLease<'_>, LlmError> {
        let started = Instant::now();
        loop {
            match self.pick() {
                Ok(index) => {
                    self.endpoints[index].in_flight.fetch_add(1, Ordering::SeqCst);
                    return Ok(EndpointLease { index, pool: self });
                }
                Err(wait) => {
                    let waited = started.elapsed();
                    if waited >= max_wait {
                        return Err(LlmError::new(
                            ErrorKind::Transient,
                            format!(
                                "all {} endpoints are down (waited {:.0}s for one to come back)",
                                self.endpoints.len(),
                                waited.as_secs_f64()
                            ),
                        ));
                    }
                    tokio::time::sleep(wait.min(max_wait - waited)).await;
                }
            }
        }
    }

    pub(crate) fn eject(&self, index: usize, cooldown: Duration) {
        if let Ok(mut u) = self.endpoints[index].ejected_until.lock() {
            *u = Some(Instant::now() + cooldown);
        }
    }

    pub(crate) fn restore(&self, index: usize) {
        if let Ok(mut u) = self.endpoints[index].ejected_until.lock() {
            *u = None;
        }
    }
}
