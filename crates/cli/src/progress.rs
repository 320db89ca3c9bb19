//! Progress on stderr: a bar when stderr is a terminal, plain lines every
//! ten seconds otherwise (the same fields), nothing with --quiet. NO_COLOR
//! turns colour off.
//!
//! The fields: the share of the input read and the time left at that pace
//! (when the input's size is known: files, not standard input), documents
//! done and per second, failed, chunks, tokens and per second, retries, and
//! the cost so far when prices are given. The input is read a bounded
//! channel ahead of the work, so on a corpus of any size the share read is
//! the share done.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chunksynth_llm::{PriceTable, UsageLedger, UsageSnapshot};
use chunksynth_runner::{InputProgress, RunEvent, clock};
use tokio::sync::mpsc::UnboundedReceiver;

/// What the display reads besides the run's events.
pub(crate) struct Sources {
    pub ledger: Arc<UsageLedger>,
    pub input: Arc<InputProgress>,
    pub batch: Option<Arc<chunksynth_backend_openai::BatchStats>>,
    /// Prices and the model they are looked up for (no prices: no cost).
    pub prices: PriceTable,
    pub model: String,
}

pub(crate) fn spawn(
    mut events: UnboundedReceiver<RunEvent>,
    sources: Sources,
    quiet: bool,
    verbose: u8,
) -> tokio::task::JoinHandle<()> {
    let Sources {
        ledger,
        input,
        batch,
        prices,
        model,
    } = sources;
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
        let every = Duration::from_secs_f64(
            std::env::var(chunksynth_llm::env::PROGRESS_SECONDS)
                .ok()
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .unwrap_or(10.0),
        );
        let (mut done, mut failed, mut chunks) = (0usize, 0usize, 0usize);
        let mut down_since: Option<u64> = None;
        // Events drive the display; the tick keeps it alive through a batch
        // round that sends none for hours.
        let mut tick = tokio::time::interval(every.max(Duration::from_millis(100)));
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
            let counts = Counts { done, failed, chunks };
            let mut msg = line(
                &counts,
                &usage,
                input.fraction(),
                started.elapsed(),
                usage.cost(&prices, &model),
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
                if last_line.elapsed() >= every {
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

struct Counts {
    done: usize,
    failed: usize,
    chunks: usize,
}

/// The progress line, the same on a terminal and off it.
fn line(
    c: &Counts,
    usage: &UsageSnapshot,
    read: Option<f64>,
    elapsed: Duration,
    cost: Option<f64>,
) -> String {
    let secs = elapsed.as_secs_f64().max(0.001);
    let tokens = usage.total.tokens.total();
    let retries: u64 = usage.total.retries_by_kind.values().sum();
    let mut parts = Vec::new();
    if let Some(read) = read {
        // The time left at the pace so far, once there is a pace to go by.
        let eta = (read > 0.005 && read < 1.0 && secs >= 1.0)
            .then(|| hms(Duration::from_secs_f64(secs * (1.0 - read) / read)))
            .map_or_else(String::new, |t| format!(", ETA {t}"));
        parts.push(format!("{:.1}% of the input{eta}", read * 100.0));
    }
    parts.push(format!(
        "{} documents done ({:.1}/s), {} failed, {} chunks",
        c.done,
        c.done as f64 / secs,
        c.failed,
        c.chunks
    ));
    parts.push(format!(
        "{} tokens ({}/s)",
        short_count(tokens as f64),
        short_count(tokens as f64 / secs)
    ));
    parts.push(format!("{retries} retries"));
    if let Some(cost) = cost {
        parts.push(format!("cost so far {}", money(cost)));
    }
    parts.join(", ")
}

/// A count as people read it: 9876, 12.3k, 3.78M, 1.20B.
pub(crate) fn short_count(n: f64) -> String {
    let n = n.max(0.0);
    match n {
        n if n < 10_000.0 => format!("{n:.0}"),
        n if n < 1e6 => format!("{:.1}k", n / 1e3),
        n if n < 1e9 => format!("{:.2}M", n / 1e6),
        n => format!("{:.2}B", n / 1e9),
    }
}

/// Money to four significant digits (0.0002938, 1.500, 1234); records and
/// the summary file keep full precision.
pub(crate) fn money(amount: f64) -> String {
    if amount == 0.0 || !amount.is_finite() {
        return "0".to_owned();
    }
    let magnitude = amount.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 12) as usize;
    format!("{amount:.decimals$}")
}

/// `HH:MM:SS` (hours past 99 as they are).
fn hms(d: Duration) -> String {
    let s = d.as_secs();
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_has_the_share_the_eta_the_rates_and_the_cost() {
        let mut usage = UsageSnapshot::default();
        let counts = Counts {
            done: 10,
            failed: 1,
            chunks: 40,
        };
        // No known size (standard input): no share, no ETA.
        let l = line(&counts, &usage, None, Duration::from_secs(10), None);
        assert!(
            !l.contains('%') && !l.contains("ETA") && !l.contains("cost"),
            "{l}"
        );
        assert!(
            l.contains("10 documents done (1.0/s), 1 failed, 40 chunks"),
            "{l}"
        );
        // A quarter read in 100 s: 300 s to go at that pace.
        usage
            .total
            .retries_by_kind
            .insert(chunksynth_llm::ErrorKind::RateLimited, 3);
        let l = line(&counts, &usage, Some(0.25), Duration::from_secs(100), Some(1.5));
        assert!(l.starts_with("25.0% of the input, ETA 00:05:00, "), "{l}");
        assert!(l.contains("3 retries") && l.ends_with("cost so far 1.500"), "{l}");
        assert_eq!(hms(Duration::from_secs(3 * 3600 + 61)), "03:01:01");
        assert_eq!(money(0.000_293_774_999_999_999_97), "0.0002938");
        assert_eq!(money(1234.5), "1234");
        assert_eq!(short_count(3_782_464.0), "3.78M");
        assert_eq!(short_count(560_085.0), "560.1k");
        assert_eq!(short_count(999.0), "999");
    }
}
