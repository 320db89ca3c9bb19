//! Admission: an adaptive in-flight cap (AIMD) and token buckets for
//! requests/min and tokens/min. Our own few lines instead of a crate: the
//! adaptive cap has to react to 429s, which no rate-limiting crate does.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

#[derive(Debug)]
struct CapState {
    in_flight: usize,
    limit: f64,
    last_decrease: Option<Instant>,
}

/// The in-flight cap: halves on 429 (at most once per `cooldown`, so a burst
/// of 429s from one window counts once), grows by 1/limit per success.
#[derive(Debug)]
pub(crate) struct AdaptiveCap {
    state: Mutex<CapState>,
    max: usize,
    adaptive: bool,
    notify: Notify,
}

pub(crate) struct CapPermit(Arc<AdaptiveCap>);

impl Drop for CapPermit {
    fn drop(&mut self) {
        if let Ok(mut s) = self.0.state.lock() {
            s.in_flight -= 1;
        }
        self.0.notify.notify_one();
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
            }),
            max,
            adaptive,
            notify: Notify::new(),
        })
    }

    fn try_acquire(&self) -> bool {
        match self.state.lock() {
            Ok(mut s) if s.in_flight < (s.limit.floor() as usize).max(1) => {
                s.in_flight += 1;
                true
            }
            _ => false,
        }
    }

    pub(crate) async fn acquire(self: &Arc<Self>) -> CapPermit {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.try_acquire() {
                return CapPermit(self.clone());
            }
            notified.await;
        }
    }

    pub(crate) fn on_rate_limited(&self) {
        if !self.adaptive {
            return;
        }
        if let Ok(mut s) = self.state.lock()
            && s.last_decrease.is_none_or(|t| t.elapsed() >= DECREASE_COOLDOWN)
        {
            s.limit = (s.limit / 2.0).max(1.0);
            s.last_decrease = Some(Instant::now());
        }
    }

    pub(crate) fn on_success(&self) {
        if !self.adaptive {
            return;
        }
        let grew = match self.state.lock() {
            Ok(mut s) if s.limit < self.max as f64 => {
                let before = s.limit.floor();
                s.limit = (s.limit + 1.0 / s.limit).min(self.max as f64);
                s.limit.floor() > before
            }
            _ => false,
        };
        if grew {
            self.notify.notify_one();
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
                    Duration::from_secs_f64((need - s.0) / self.per_second)
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
