//! The task that keeps a remote output current during a run: renews the
//! lease every third of its time and publishes a part every `every` (and
//! once more at the end). Store work is blocking and runs off the async
//! workers. A lease taken by another run stops publication at once and
//! calls `on_lost`, which stops the run: two writers must never publish.

use std::sync::Arc;
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
    task: JoinHandle<Result<Published, String>>,
}

impl Publisher {
    pub fn spawn(
        output: Arc<RemoteOutput>,
        lease: Arc<Lease>,
        every: Duration,
        on_lost: impl Fn(String) + Send + 'static,
    ) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let (out, held) = (output.clone(), lease.clone());
        let task = tokio::spawn(async move {
            let mut total = Published::default();
            let mut renew = tokio::time::interval(held.renew_every());
            let mut publish = tokio::time::interval(every.max(Duration::from_secs(1)));
            renew.tick().await;
            publish.tick().await;
            loop {
                tokio::select! {
                    _ = stopped.changed() => return Ok(total),
                    _ = renew.tick() => {
                        let l = held.clone();
                        match tokio::task::spawn_blocking(move || l.renew()).await {
                            Ok(Err(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                                let why = e.to_string();
                                on_lost(why.clone());
                                return Err(why);
                            }
                            Ok(Err(e)) => tracing::warn!(error = %e, "renewing the output's lease failed; trying again"),
                            _ => {
                                let o = out.clone();
                                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || o.publish_progress()).await {
                                    tracing::warn!(error = %e, "uploading the progress file failed");
                                }
                            }
                        }
                    }
                    _ = publish.tick() => {
                        let o = out.clone();
                        match tokio::task::spawn_blocking(move || o.publish()).await {
                            Ok(Ok(p)) => {
                                if p.parts > 0 {
                                    tracing::info!(parts = p.parts, records = p.records, "published to the store");
                                }
                                total.parts += p.parts;
                                total.records += p.records;
                            }
                            Ok(Err(e)) => tracing::warn!(error = %e, "publishing a part failed; trying again at the next one"),
                            Err(e) => tracing::warn!(error = %e, "publishing a part failed"),
                        }
                    }
                }
            }
        });
        Self {
            output,
            lease,
            stop,
            task,
        }
    }

    /// Stops the task, publishes what is left, and releases the lease.
    /// Returns what was published during and at the end of the run.
    pub async fn finish(self) -> Result<Published, String> {
        let _ = self.stop.send(true);
        let during = self.task.await.map_err(|e| e.to_string())??;
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
