//! The tasks that keep a remote output current during a run: one renews the
//! lease every third of its time (and uploads the progress file), one
//! publishes a part every `every`; a last part is published at the end.
//! They are apart so that a long upload never delays a renewal past the
//! lease's end. Store work is blocking and runs off the async workers. A
//! lease taken by another run stops publication at once and calls
//! `on_lost`, which stops the run: two writers must never publish.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Lease, Published, RemoteOutput};

/// A running publisher; [`Publisher::finish`] ends it.
#[derive(Debug)]
pub struct Publisher {
    output: Arc<RemoteOutput>,
    lease: Arc<Lease>,
    stop: watch::Sender<bool>,
    renewing: JoinHandle<Result<(), String>>,
    publishing: JoinHandle<Published>,
}

impl Publisher {
    pub fn spawn(
        output: Arc<RemoteOutput>,
        lease: Arc<Lease>,
        every: Duration,
        on_lost: impl Fn(String) + Send + 'static,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let lost = Arc::new(AtomicBool::new(false));
        let renewing = tokio::spawn(renew(
            lease.clone(),
            output.clone(),
            stopped.clone(),
            lost.clone(),
            on_lost,
        ));
        let publishing = tokio::spawn(publish(output.clone(), every, stopped, lost));
        Self {
            output,
            lease,
            stop,
            renewing,
            publishing,
        }
    }

    /// Stops the tasks, publishes what is left (unless the lease was lost),
    /// and releases the lease. Returns what was published during and at the
    /// end of the run.
    pub async fn finish(self) -> Result<Published, String> {
        let _ = self.stop.send(true);
        let during = self.publishing.await.map_err(|e| e.to_string())?;
        self.renewing.await.map_err(|e| e.to_string())??;
        let (output, lease) = (self.output, self.lease);
        tokio::task::spawn_blocking(move || {
            let last = output.publish().map_err(|e| e.to_string());
            lease.release();
            let last = last?;
            Ok(Published {
                parts: during.parts + last.parts,
                records: during.records + last.records,
                republished: last.republished,
            })
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

/// Renews the lease until stopped; a lease taken by another run ends it
/// with the reason, after `on_lost`.
async fn renew(
    lease: Arc<Lease>,
    output: Arc<RemoteOutput>,
    mut stopped: watch::Receiver<bool>,
    lost: Arc<AtomicBool>,
    on_lost: impl Fn(String),
) -> Result<(), String> {
    let mut tick = tokio::time::interval(lease.renew_every());
    tick.tick().await;
    loop {
        tokio::select! {
            _ = stopped.changed() => return Ok(()),
            _ = tick.tick() => {}
        }
        let l = lease.clone();
        match tokio::task::spawn_blocking(move || l.renew()).await {
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                lost.store(true, Ordering::SeqCst);
                let why = e.to_string();
                on_lost(why.clone());
                return Err(why);
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "renewing the output's lease failed; trying again"),
            _ => {
                let o = output.clone();
                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || o.publish_progress()).await {
                    tracing::warn!(error = %e, "uploading the progress file failed");
                }
            }
        }
    }
}

/// Publishes a part every `every` until stopped or the lease is lost.
async fn publish(
    output: Arc<RemoteOutput>,
    every: Duration,
    mut stopped: watch::Receiver<bool>,
    lost: Arc<AtomicBool>,
) -> Published {
    let mut total = Published::default();
    let mut tick = tokio::time::interval(every.max(Duration::from_secs(1)));
    tick.tick().await;
    loop {
        tokio::select! {
            _ = stopped.changed() => return total,
            _ = tick.tick() => {}
        }
        if lost.load(Ordering::SeqCst) {
            return total;
        }
        let o = output.clone();
        match tokio::task::spawn_blocking(move || o.publish()).await {
            Ok(Ok(p)) => {
                if p.parts > 0 {
                    tracing::info!(parts = p.parts, records = p.records, "published to the store");
                }
                total.parts += p.parts;
                total.records += p.records;
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "publishing a part failed; trying again at the next one")
            }
            Err(e) => tracing::warn!(error = %e, "publishing a part failed"),
        }
    }
}
