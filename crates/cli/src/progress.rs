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
            let (read, elapsed, cost) = (input.fraction(), started.elapsed(), usage.cost(&prices, &model));
            let mut msg = line(&counts, &usage, read, elapsed, cost);
            let mut extra = Vec::new();
            if let Some(since) = down_since {
                let at = clock(since);
                extra.push(Field::new(
                    format!("endpoint down since {at}"),
                    format!("down since {at}"),
                    10,
                ));
            }
            if let Some(status) = batch
                .as_ref()
                .and_then(|b| b.status.lock().ok().map(|s| s.clone()))
                && !status.is_empty()
            {
                extra.push(Field::new(status.clone(), status, 5));
            }
            for f in &extra {
                msg.push_str(&format!("; {}", f.full));
            }
            if let Some(bar) = &bar {
                // The spinner and the elapsed time take 11 columns; the line
                // never wraps (a wrapped line scrolls the terminal each tick).
                let width = console::Term::stderr()
                    .size_checked()
                    .map_or(80, |(_, cols)| usize::from(cols))
                    .saturating_sub(12)
                    .max(20);
                let mut all = fields(&counts, &usage, read, elapsed, cost);
                all.extend(extra);
                bar.set_message(fitted(&all, width));
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

/// One field of the progress line: its full form, a shorter one, and how
/// long it stays when the terminal is narrow (higher stays longer).
struct Field {
    full: String,
    short: String,
    keep: u8,
}

impl Field {
    fn new(full: String, short: String, keep: u8) -> Self {
        Self { full, short, keep }
    }
}

/// The progress line's fields, most useful first.
fn fields(
    c: &Counts,
    usage: &UsageSnapshot,
    read: Option<f64>,
    elapsed: Duration,
    cost: Option<f64>,
) -> Vec<Field> {
    let secs = elapsed.as_secs_f64().max(0.001);
    let tokens = usage.total.tokens.total() as f64;
    let retries: u64 = usage.total.retries_by_kind.values().sum();
    let mut out = Vec::new();
    if let Some(read) = read {
        // The time left at the pace so far, once there is a pace to go by.
        let eta = (read > 0.005 && read < 1.0 && secs >= 1.0)
            .then(|| hms(Duration::from_secs_f64(secs * (1.0 - read) / read)));
        let share = format!("{:.1}%", read * 100.0);
        out.push(Field::new(
            format!(
                "{share} of the input{}",
                eta.as_ref().map_or_else(String::new, |t| format!(", ETA {t}"))
            ),
            format!("{share}{}", eta.map_or_else(String::new, |t| format!(" ETA {t}"))),
            9,
        ));
    }
    out.push(Field::new(
        format!("{} documents done ({:.1}/s)", c.done, c.done as f64 / secs),
        format!("{} docs", c.done),
        8,
    ));
    out.push(Field::new(
        format!("{} failed", c.failed),
        format!("{} failed", c.failed),
        7,
    ));
    out.push(Field::new(
        format!("{} chunks", c.chunks),
        format!("{} ch", c.chunks),
        2,
    ));
    out.push(Field::new(
        format!(
            "{} tokens ({}/s)",
            short_count(tokens),
            short_count(tokens / secs)
        ),
        format!("{} tok", short_count(tokens)),
        4,
    ));
    out.push(Field::new(
        format!("{retries} retries"),
        format!("{retries} retr"),
        3,
    ));
    if let Some(cost) = cost {
        out.push(Field::new(
            format!("cost so far {}", money(cost)),
            format!("cost {}", money(cost)),
            6,
        ));
    }
    out
}

/// The progress line off a terminal: every field in full.
fn line(
    c: &Counts,
    usage: &UsageSnapshot,
    read: Option<f64>,
    elapsed: Duration,
    cost: Option<f64>,
) -> String {
    fields(c, usage, read, elapsed, cost)
        .iter()
        .map(|f| f.full.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields in at most `width` characters: in full if they fit, else in
/// their short forms, else without the least useful ones, else cut.
fn fitted(fields: &[Field], width: usize) -> String {
    let join = |forms: Vec<&str>| forms.join(", ");
    let full = join(fields.iter().map(|f| f.full.as_str()).collect());
    if full.chars().count() <= width {
        return full;
    }
    let mut kept: Vec<&Field> = fields.iter().collect();
    loop {
        let short = join(kept.iter().map(|f| f.short.as_str()).collect());
        if short.chars().count() <= width || kept.len() <= 1 {
            return short.chars().take(width).collect();
        }
        // Drop the least useful field (the last of equals).
        if let Some(i) = kept
            .iter()
            .enumerate()
            .min_by_key(|(i, f)| (f.keep, std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
        {
            kept.remove(i);
        }
    }
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
        // At 80 columns (68 for the message) with big numbers: shorter forms,
        // then the least useful fields go; the share, documents, failures
        // and cost stay.
        let mut usage = UsageSnapshot::default();
        usage.total.tokens.prompt_tokens = 3_782_464_000;
        let big = Counts {
            done: 1_234_567,
            failed: 12_345,
            chunks: 9_876_543,
        };
        let all = fields(
            &big,
            &usage,
            Some(0.375),
            Duration::from_secs(7200),
            Some(1234.5678),
        );
        let full = all.iter().map(|f| f.full.as_str()).collect::<Vec<_>>().join(", ");
        assert!(full.chars().count() > 68, "{full}");
        let fit = fitted(&all, 68);
        assert!(fit.chars().count() <= 68, "{fit}");
        for kept in ["37.5% ETA", "1234567 docs", "12345 failed", "cost 1235"] {
            assert!(fit.contains(kept), "{kept}: {fit}");
        }
        assert_eq!(fitted(&all, 400), full);
    }
}
