//! What a first stop signal does to calls: none starts after it (a call
//! asked for waits until the run ends, its document abandoned and resumed
//! from the journal by the rerun), and the calls in flight are counted, so
//! the run ends as soon as they have answered — or when the grace period
//! (`--grace-seconds`) is over, whichever comes first. Slurm and Kubernetes
//! kill a task 30 s after SIGTERM; a graceful stop must fit inside that.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chunksynth_llm::{BoxFuture, ChatRequest, ChatResponse, LanguageModel, LlmError};
use tokio::sync::Notify;

/// Shared between the engine (which closes it) and every gated model.
#[derive(Debug, Default)]
pub(crate) struct StopGate {
    closed: AtomicBool,
    in_flight: AtomicUsize,
    changed: Notify,
}

impl StopGate {
    /// No call starts from now on.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Calls that started and have not answered.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Waits until a call answers (or the gate closes).
    pub(crate) async fn changed(&self) {
        self.changed.notified().await;
    }
}

/// The calls a run has in flight, for a display (a stop's countdown).
#[derive(Debug, Clone)]
pub struct CallsInFlight(pub(crate) Arc<StopGate>);

impl CallsInFlight {
    /// Calls that started and have not answered.
    pub fn count(&self) -> usize {
        self.0.in_flight()
    }
}

/// Counts a call in flight until it answers or is dropped (aborted).
struct InFlight<'a>(&'a StopGate);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.changed.notify_waiters();
    }
}

/// A model behind the gate.
#[derive(Debug)]
pub(crate) struct GatedModel {
    pub(crate) inner: Arc<dyn LanguageModel>,
    pub(crate) gate: Arc<StopGate>,
}

impl LanguageModel for GatedModel {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        Box::pin(async move {
            if self.gate.closed.load(Ordering::SeqCst) {
                // Never answered: the run ends and drops this document.
                std::future::pending::<()>().await;
            }
            self.gate.in_flight.fetch_add(1, Ordering::SeqCst);
            let _counted = InFlight(&self.gate);
            self.inner.chat(request).await
        })
    }

    fn model_id(&self) -> &str {
        self.inner.model_id()
    }
}
