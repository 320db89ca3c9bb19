//! Admission: an adaptive in-flight cap (AIMD) and token buckets for
//! requests/min and tokens/min. Our own few lines instead of a crate: the
//! adaptive cap has to react to 429s, which no rate-limiting crate does.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

#[derive(Debug)]
struct CapState {
    in_flight: usize,
    limit: f64,
    last_decrease: Option<Instant>,
    waiting: BinaryHeap<Waiter>,
    next_ticket: u64,
}

/// A call waiting for a slot: the highest priority first, then the earliest.
#[derive(Debug)]
struct Waiter {
    priority: u32,
    ticket: Reverse<u64>,
    grant: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        (self.priority, self.ticket) == (other.priority, other.ticket)
    }
}

impl Eq for Waiter {}

impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.priority, self.ticket).cmp(&(other.priority, other.ticket))
    }
}

impl CapState {
    fn open(&self) -> bool {
        self.in_flight < (self.limit.floor() as usize).max(1)
    }

    /// Hands free slots to the waiters that come first.
    fn grant(&mut self) {
        while self.open() {
            let Some(waiter) = self.waiting.pop() else { return };
            // A waiter that gave up has dropped its receiver: skip it.
            if waiter.grant.send(()).is_ok() {
                self.in_flight += 1;
            }
        }
    }
}

/// The in-flight cap: halves on 429 (at most once per `cooldown`, so a burst
/// of 429s from one window counts once), grows by 1/limit per success. Calls
/// that must wait are served by priority (the calls left in their
/// document's chain: the critical path first), then in arrival order, so a
/// long document does not queue behind short ones at a saturated server.
#[derive(Debug)]
pub(crate) struct AdaptiveCap {
    state: Mutex<CapState>,
    max: usize,
    adaptive: bool,
}

pub(crate) struct CapPermit(Arc<AdaptiveCap>);

impl Drop for CapPermit {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// A wait for a slot; if it is dropped after the slot was granted (the call
/// was cancelled), the slot goes back.
struct Pending {
    cap: Arc<AdaptiveCap>,
    granted: oneshot::Receiver<()>,
    received: bool,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.received {
            return;
        }
        self.granted.close();
        if self.granted.try_recv().is_ok() {
            self.cap.release();
        }
    }
}

const DECREASE_COOLDOWN: Duration = Duration::from_millis(500);

impl AdaptiveCap {
    pub(crate) fn new(max: usize, adaptive: bool) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(CapState {
                in_flight: 0,
                limit: max as f64,
                last_decrease: None,
                waiting: BinaryHeap::new(),
                next_ticket: 0,
            }),
            max,
            adaptive,
        })
    }

    fn release(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.in_flight -= 1;
            s.grant();
        }
    }

    /// A slot, once the calls that come before this one (higher `priority`,
    /// or equal and earlier) have theirs.
    pub(crate) async fn acquire(self: &Arc<Self>, priority: u32) -> CapPermit {
        let granted = {
            let Ok(mut s) = self.state.lock() else {
                // A poisoned lock means a panic elsewhere: do not block.
                return CapPermit(self.clone());
            };
            if s.open() && s.waiting.is_empty() {
                s.in_flight += 1;
                return CapPermit(self.clone());
            }
            let (grant, granted) = oneshot::channel();
            let ticket = Reverse(s.next_ticket);
            s.next_ticket += 1;
            s.waiting.push(Waiter {
                priority,
                ticket,
                grant,
            });
            s.grant();
            granted
        };
        let mut pending = Pending {
            cap: self.clone(),
            granted,
            received: false,
        };
        // The slot is ours now: the permit releases it, not `pending`.
        if (&mut pending.granted).await.is_err() {
            // Unreachable (a waiter's sender is dropped only after it
            // sends); count the call anyway so that the permit's release
            // balances.
            if let Ok(mut s) = self.state.lock() {
                s.in_flight += 1;
            }
        }
        pending.received = true;
        CapPermit(self.clone())
    }

    /// Halves the cap (at most once per cooldown); returns the new limit
    /// when it changed.
    pub(crate) fn on_rate_limited(&self) -> Option<f64> {
        if !self.adaptive {
            return None;
        }
        let mut s = self.state.lock().ok()?;
        if s.last_decrease.is_none_or(|t| t.elapsed() >= DECREASE_COOLDOWN) {
            s.limit = (s.limit / 2.0).max(1.0);
            s.last_decrease = Some(Instant::now());
            return Some(s.limit);
        }
        None
    }

    pub(crate) fn on_success(&self) {
        if !self.adaptive {
            return;
        }
        if let Ok(mut s) = self.state.lock()
            && s.limit < self.max as f64
        {
            s.limit = (s.limit + 1.0 / s.limit).min(self.max as f64);
            s.grant();
        }
    }

    pub(crate) fn current_limit(&self) -> f64 {
        self.state.lock().map_or(self.max as f64, |s| s.limit)
    }
}

/// A token bucket refilled continuously at `per_minute`.
#[derive(Debug)]
pub(crate) struct Bucket {
    state: Mutex<(f64, Instant)>,
    capacity: f64,
    per_second: f64,
}

impl Bucket {
    pub(crate) fn per_minute(per_minute: f64) -> Self {
        Self {
            state: Mutex::new((per_minute, Instant::now())),
            capacity: per_minute,
            per_second: per_minute / 60.0,
        }
    }

    /// Takes `cost`, waiting until the bucket holds it (a cost above the
    /// capacity waits for a full bucket, then goes into debt).
    pub(crate) async fn take(&self, cost: f64) {
        loop {
            let wait = match self.state.lock() {
                Ok(mut s) => {
                    let now = Instant::now();
                    s.0 = (s.0 + now.duration_since(s.1).as_secs_f64() * self.per_second).min(self.capacity);
                    s.1 = now;
                    let need = cost.min(self.capacity);
                    if s.0 >= need {
                        s.0 -= cost;
                        return;
                    }
                    Duration::try_from_secs_f64((need - s.0) / self.per_second)
                        .unwrap_or(Duration::from_secs(1))
                }
                Err(_) => return,
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Corrects an estimate once the real cost is known.
    pub(crate) fn adjust(&self, delta: f64) {
        if let Ok(mut s) = self.state.lock() {
            s.0 = (s.0 - delta).min(self.capacity);
        }
    }
}
