//! The circuit breaker: an outage is not a per-document event.
//!
//! When a document fails because the endpoint is unavailable (after the
//! backend's own retries: 5xx, connection errors, timeouts, rate limits),
//! the engine does not reject it: it holds the document, stops starting new
//! ones, and probes with one document at a time, with a growing pause
//! between probes. The first success ends the outage and the held documents
//! go first. If the endpoint stays down for the outage timeout, the run
//! stops cleanly (exit 3) and a rerun resumes; the held documents are filed
//! as retryable rejects saying since when the endpoint was down.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::output::RejectKind;

/// Pause before the first probe; it doubles up to [`MAX_PROBE_PAUSE`].
const FIRST_PROBE_PAUSE: Duration = Duration::from_secs(1);
const MAX_PROBE_PAUSE: Duration = Duration::from_secs(60);

/// Whether a failure of this kind says the endpoint is unavailable (rather
/// than something about the document).
pub(crate) fn is_outage(kind: RejectKind) -> bool {
    matches!(kind, RejectKind::Transient | RejectKind::RateLimited)
}

/// What the engine may do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// The endpoint is up: start documents freely.
    Open,
    /// Down: start one document as a probe.
    Probe,
    /// Down: start nothing; wait for documents in flight, or until this
    /// instant (the next probe, or the timeout).
    Wait(Option<Instant>),
    /// Down for longer than the timeout: stop.
    GiveUp,
}

/// The endpoint's state as the run sees it, and the documents held back.
#[derive(Debug)]
pub(crate) struct Outage<T> {
    timeout: Option<Duration>,
    /// Since when (and since when in Unix ms, for messages) it is down.
    since: Option<(Instant, u64)>,
    pause: Duration,
    next_probe: Option<Instant>,
    held: VecDeque<T>,
}

impl<T> Outage<T> {
    /// `timeout` `None`: no breaker (each failure is filed at once).
    pub(crate) fn new(timeout: Option<Duration>) -> Self {
        Self {
            timeout,
            since: None,
            pause: FIRST_PROBE_PAUSE,
            next_probe: None,
            held: VecDeque::new(),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.timeout.is_some()
    }

    /// Since when the endpoint is down (Unix ms), if it is.
    pub(crate) fn down_since_ms(&self) -> Option<u64> {
        self.since.map(|(_, ms)| ms)
    }

    /// A document failed for an outage: hold it. Returns true when this
    /// starts the outage.
    pub(crate) fn hold(&mut self, item: T, now: Instant, now_ms: u64) -> bool {
        self.held.push_back(item);
        if self.since.is_some() {
            return false;
        }
        self.since = Some((now, now_ms));
        self.pause = FIRST_PROBE_PAUSE;
        self.next_probe = Some(now + self.pause);
        true
    }

    /// A document started at `started` succeeded: if it started after the
    /// outage began (a success of a call made before proves nothing), the
    /// outage is over. Returns how long it lasted.
    pub(crate) fn up(&mut self, started: Instant, now: Instant) -> Option<Duration> {
        let (since, _) = self.since?;
        if started < since {
            return None;
        }
        self.since = None;
        self.next_probe = None;
        Some(now.duration_since(since))
    }

    /// What the engine may do, with `in_flight` documents running.
    pub(crate) fn gate(&self, now: Instant, in_flight: usize) -> Gate {
        let (Some((since, _)), Some(timeout)) = (self.since, self.timeout) else {
            return Gate::Open;
        };
        let give_up_at = since + timeout;
        if now >= give_up_at {
            return Gate::GiveUp;
        }
        if in_flight > 0 {
            return Gate::Wait(Some(give_up_at));
        }
        match self.next_probe {
            Some(at) if now < at => Gate::Wait(Some(at.min(give_up_at))),
            _ => Gate::Probe,
        }
    }

    /// A probe is starting: the next one waits longer.
    pub(crate) fn probed(&mut self, now: Instant) {
        self.pause = (self.pause * 2).min(MAX_PROBE_PAUSE);
        self.next_probe = Some(now + self.pause);
    }

    /// How many documents are held.
    pub(crate) fn held_len(&self) -> usize {
        self.held.len()
    }

    /// The next held document, oldest first.
    pub(crate) fn next_held(&mut self) -> Option<T> {
        self.held.pop_front()
    }

    /// Every held document (at the end of a run that stopped).
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = T> + '_ {
        self.held.drain(..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_probes_with_growing_pauses_then_gives_up() {
        let t0 = Instant::now();
        let mut o = Outage::new(Some(Duration::from_secs(10)));
        assert_eq!(o.gate(t0, 3), Gate::Open);
        assert!(o.hold("a", t0, 0));
        assert!(!o.hold("b", t0, 0), "one outage, however many documents");
        assert_eq!(o.gate(t0, 1), Gate::Wait(Some(t0 + Duration::from_secs(10))));
        assert_eq!(o.gate(t0, 0), Gate::Wait(Some(t0 + FIRST_PROBE_PAUSE)));
        let t1 = t0 + FIRST_PROBE_PAUSE;
        assert_eq!(o.gate(t1, 0), Gate::Probe);
        o.probed(t1);
        assert_eq!(o.gate(t1, 0), Gate::Wait(Some(t1 + 2 * FIRST_PROBE_PAUSE)));
        assert_eq!(o.gate(t0 + Duration::from_secs(10), 1), Gate::GiveUp);
        assert_eq!(
            o.up(t0 - Duration::from_millis(1), t1),
            None,
            "started before the outage"
        );
        assert_eq!(o.up(t1, t1), Some(FIRST_PROBE_PAUSE));
        assert_eq!(o.gate(t1, 5), Gate::Open);
        assert_eq!(o.next_held(), Some("a"));
    }

    #[test]
    fn without_a_timeout_the_breaker_never_closes_the_gate() {
        let mut o = Outage::new(None);
        let t0 = Instant::now();
        o.hold(1, t0, 0);
        assert!(!o.enabled());
        assert_eq!(o.gate(t0 + Duration::from_secs(86_400), 0), Gate::Open);
    }
}
