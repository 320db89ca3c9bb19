//! Progress on stderr: a bar when stderr is a terminal, plain lines every
//! ten seconds otherwise, nothing with --quiet. NO_COLOR turns colour off.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chunksynth_llm::UsageLedger;
use chunksynth_runner::{RunEvent, clock};
use tokio::sync::mpsc::UnboundedReceiver;

pub fn spawn(
    mut events: UnboundedReceiver<RunEvent>,
    ledger: Arc<UsageLedger>,
    batch: Option<Arc<chunksynth_backend_openai::BatchStats>>,
    quiet: bool,
    verbose: u8,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let terminal = std::io::stderr().is_terminal() && !quiet;
        let color = std::env::var_os("NO_COLOR").is_none();
        let bar = terminal.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            let template = if color {
                "{spinner:.green} {elapsed_precise} {msg}"
            } else {
                "{spinner} {elapsed_precise} {msg}"
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let started = Instant::now();
        let mut last_line = Instant::now();
        let (mut done, mut failed, mut chunks) = (0usize, 0usize, 0usize);
        let mut down_since: Option<u64> = None;
        // Events drive the display; the tick keeps it alive through a batch
        // round that sends none for hours.
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            // `None`: the tick, no event.
            let event = tokio::select! {
                e = events.recv() => match e {
                    Some(e) => Some(e),
                    None => break,
                },
                _ = tick.tick() => None,
            };
            match &event {
                Some(RunEvent::DocumentDone { chunks: c, .. }) => {
                    done += 1;
                    chunks += c;
                }
                Some(RunEvent::DocumentFailed { .. }) => failed += 1,
                Some(RunEvent::EndpointDown { since_unix_ms, .. }) => down_since = Some(*since_unix_ms),
                Some(RunEvent::EndpointUp { .. }) => down_since = None,
                _ => {}
            }
            if quiet {
                continue;
            }
            let notice = match &event {
                Some(RunEvent::Warning { message }) => Some(format!("warning: {message}")),
                Some(RunEvent::Stopping { reason }) => Some(format!("stopping: {reason}")),
                Some(RunEvent::EndpointDown {
                    since_unix_ms,
                    reason,
                }) => Some(format!(
                    "endpoint down since {}: {reason}; holding documents and probing with one at a time (--outage-timeout)",
                    clock(*since_unix_ms)
                )),
                Some(RunEvent::EndpointUp { down_for_ms }) => Some(format!(
                    "endpoint back after {:.0}s; going on",
                    *down_for_ms as f64 / 1000.0
                )),
                _ => None,
            };
            if let Some(notice) = notice {
                match &bar {
                    Some(bar) => bar.println(notice),
                    None => eprintln!("{notice}"),
                }
            }
            let usage = ledger.snapshot();
            let tokens = usage.total.tokens.total();
            let rate = tokens as f64 / started.elapsed().as_secs_f64().max(0.001);
            let mut msg = format!(
                "{done} documents done, {failed} failed, {chunks} chunks, {tokens} tokens ({rate:.0}/s)"
            );
            if let Some(since) = down_since {
                msg.push_str(&format!("; endpoint down since {}", clock(since)));
            }
            if let Some(status) = batch
                .as_ref()
                .and_then(|b| b.status.lock().ok().map(|s| s.clone()))
                && !status.is_empty()
            {
                msg.push_str(&format!("; {status}"));
            }
            if let Some(bar) = &bar {
                bar.set_message(msg);
                if let Some(event) = event.as_ref().filter(|_| verbose > 0) {
                    bar.println(format!("{event:?}"));
                }
            } else {
                if let Some(event) = event.as_ref().filter(|_| verbose > 0) {
                    eprintln!("{}", serde_json::to_string(event).unwrap_or_default());
                }
                if last_line.elapsed() >= Duration::from_secs(10) {
                    eprintln!("progress: {msg}");
                    last_line = Instant::now();
                }
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
    })
}
