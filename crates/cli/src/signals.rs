//! Stopping a run on signals: SIGINT and SIGTERM behave alike, with a
//! countdown on a terminal.

use std::sync::Arc;

use chunksynth_runner::StopSignal;

use super::exit;

/// SIGINT (Ctrl-C) and SIGTERM (Slurm, Kubernetes), one behaviour: the
/// first starts no new document or call and gives calls in flight up to
/// `grace` to answer, then abandons the documents in flight (every answer
/// is journaled; the rerun resumes them); the second abandons them at once;
/// the third exits at once.
pub(crate) fn stop_on_signals(
    stop_tx: Arc<tokio::sync::watch::Sender<u8>>,
    grace: std::time::Duration,
    in_flight: chunksynth_runner::CallsInFlight,
    quiet: bool,
) -> StopSignal {
    let stop_rx = stop_tx.subscribe();
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let mut countdown: Option<tokio::task::JoinHandle<()>> = None;
        for level in 1..=3u8 {
            let got = async {
                match term.as_mut() {
                    Some(t) => tokio::select! {
                        r = tokio::signal::ctrl_c() => r.is_ok(),
                        r = t.recv() => r.is_some(),
                    },
                    None => tokio::signal::ctrl_c().await.is_ok(),
                }
            };
            if !got.await {
                return;
            }
            if let Some(c) = countdown.take() {
                c.abort();
            }
            match level {
                1 if !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) => {
                    countdown = Some(tokio::spawn(count_down(grace, in_flight.clone())));
                }
                1 => eprintln!(
                    "\nstopping: no new calls; {} calls in flight get up to {} s to answer, and their answers are kept — signal again to stop now",
                    in_flight.count(),
                    grace.as_secs()
                ),
                2 => eprintln!(
                    "\nstopping now: documents in flight are abandoned; their finished calls are journaled"
                ),
                _ => {
                    eprintln!("\nexiting at once; rerun the same command to resume");
                    std::process::exit(i32::from(exit::INTERRUPTED));
                }
            }
            // Another stop (a lost lease) may have asked for more already.
            stop_tx.send_modify(|l| *l = (*l).max(level));
        }
    });
    StopSignal(stop_rx)
}

/// On a terminal: what a first stop is waiting for, counted down each
/// second on one line.
async fn count_down(grace: std::time::Duration, in_flight: chunksynth_runner::CallsInFlight) {
    let ends = std::time::Instant::now() + grace;
    eprintln!();
    loop {
        let left = ends
            .saturating_duration_since(std::time::Instant::now())
            .as_secs();
        eprint!(
            "\rstopping: finishing {} calls in flight, {left} s left — press Ctrl-C again to stop now   ",
            in_flight.count()
        );
        if left == 0 {
            eprintln!();
            return;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}
