//! Usage accounting: requests, retries by class, tokens, latency percentiles,
//! per endpoint and per task, and what it costs.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{ErrorKind, TaskKind, Usage};

/// Latencies in logarithmic buckets (eight per doubling, ≈ 9% wide): bounded
/// memory for millions of calls, percentiles within one bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyHistogram {
    buckets: BTreeMap<u32, u64>,
    count: u64,
}

const BUCKETS_PER_DOUBLING: f64 = 8.0;

impl LatencyHistogram {
    /// Counts one call that took `latency`.
    pub fn record(&mut self, latency: Duration) {
        let us = latency.as_micros().max(1) as f64;
        let bucket = (us.log2() * BUCKETS_PER_DOUBLING).floor() as u32;
        *self.buckets.entry(bucket).or_default() += 1;
        self.count += 1;
    }

    /// Calls counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The latency at quantile `q` (0.5 for the median), as the upper edge of
    /// its bucket; `None` when nothing was recorded.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (&bucket, &n) in &self.buckets {
            seen += n;
            if seen >= rank {
                let us = 2f64.powf(f64::from(bucket + 1) / BUCKETS_PER_DOUBLING);
                return Some(Duration::from_micros(us as u64));
            }
        }
        None
    }

    fn merge(&mut self, other: &LatencyHistogram) {
        for (&b, &n) in &other.buckets {
            *self.buckets.entry(b).or_default() += n;
        }
        self.count += other.count;
    }
}

/// Totals for one slice of the traffic (all, one endpoint, one task).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageTotals {
    /// Calls that ended (answered or failed for good).
    pub requests: u64,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    /// Retries, by the class of the failure retried.
    pub retries_by_kind: BTreeMap<ErrorKind, u64>,
    /// Calls that failed for good, by class.
    pub failures_by_kind: BTreeMap<ErrorKind, u64>,
    /// Tokens of the answered calls.
    pub tokens: Usage,
    /// Latency of the answered calls.
    pub latency: LatencyHistogram,
}

/// A copy of the ledger at one moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageSnapshot {
    /// All traffic.
    pub total: UsageTotals,
    /// Per endpoint (base URL).
    pub by_endpoint: BTreeMap<String, UsageTotals>,
    /// Per task.
    pub by_task: BTreeMap<TaskKind, UsageTotals>,
}

impl UsageSnapshot {
    /// What the tokens cost at `prices` for `model`.
    pub fn cost(&self, prices: &PriceTable, model: &str) -> Option<f64> {
        prices.get(model).map(|p| p.cost(&self.total.tokens))
    }
}

/// Thread-safe accounting every backend records into.
#[derive(Debug, Default)]
pub struct UsageLedger {
    inner: Mutex<UsageSnapshot>,
}

impl UsageLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    fn with(&self, endpoint: &str, task: TaskKind, f: impl Fn(&mut UsageTotals)) {
        if let Ok(mut s) = self.inner.lock() {
            f(&mut s.total);
            f(s.by_endpoint.entry(endpoint.to_owned()).or_default());
            f(s.by_task.entry(task).or_default());
        }
    }

    /// One HTTP attempt was made.
    pub fn record_attempt(&self, endpoint: &str, task: TaskKind) {
        self.with(endpoint, task, |t| t.attempts += 1);
    }

    /// An attempt failed with `kind` and will be retried.
    pub fn record_retry(&self, endpoint: &str, task: TaskKind, kind: ErrorKind) {
        self.with(endpoint, task, |t| {
            *t.retries_by_kind.entry(kind).or_default() += 1
        });
    }

    /// A call was answered.
    pub fn record_success(&self, endpoint: &str, task: TaskKind, usage: Usage, latency: Duration) {
        self.with(endpoint, task, |t| {
            t.requests += 1;
            t.tokens += usage;
            t.latency.record(latency);
        });
    }

    /// A call failed for good.
    pub fn record_failure(&self, endpoint: &str, task: TaskKind, kind: ErrorKind) {
        self.with(endpoint, task, |t| {
            t.requests += 1;
            *t.failures_by_kind.entry(kind).or_default() += 1;
        });
    }

    /// A copy of the totals now.
    pub fn snapshot(&self) -> UsageSnapshot {
        self.inner.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Adds another snapshot (e.g. from a resumed run's journal).
    pub fn absorb(&self, other: &UsageSnapshot) {
        if let Ok(mut s) = self.inner.lock() {
            merge_totals(&mut s.total, &other.total);
            for (k, v) in &other.by_endpoint {
                merge_totals(s.by_endpoint.entry(k.clone()).or_default(), v);
            }
            for (k, v) in &other.by_task {
                merge_totals(s.by_task.entry(*k).or_default(), v);
            }
        }
    }
}

fn merge_totals(into: &mut UsageTotals, from: &UsageTotals) {
    into.requests += from.requests;
    into.attempts += from.attempts;
    for (k, v) in &from.retries_by_kind {
        *into.retries_by_kind.entry(*k).or_default() += v;
    }
    for (k, v) in &from.failures_by_kind {
        *into.failures_by_kind.entry(*k).or_default() += v;
    }
    into.tokens += from.tokens;
    into.latency.merge(&from.latency);
}

/// Prices in currency units per million tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// Per million prompt tokens.
    pub input_per_million: f64,
    /// Per million completion tokens.
    pub output_per_million: f64,
    /// Cached prompt tokens; `None`: billed as ordinary input.
    #[serde(default)]
    pub cached_input_per_million: Option<f64>,
}

impl Price {
    /// What `usage` costs at this price.
    pub fn cost(&self, usage: &Usage) -> f64 {
        let cached = usage.cached_tokens.min(usage.prompt_tokens) as f64;
        let uncached = usage.prompt_tokens as f64 - cached;
        let cached_price = self.cached_input_per_million.unwrap_or(self.input_per_million);
        (uncached * self.input_per_million
            + cached * cached_price
            + usage.completion_tokens as f64 * self.output_per_million)
            / 1e6
    }
}

/// Prices per model ID; `"*"` applies to any model not listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    /// Prices by model ID (`*`: any other model).
    pub models: BTreeMap<String, Price>,
}

impl PriceTable {
    /// The price of `model`, or the `*` price.
    pub fn get(&self, model: &str) -> Option<&Price> {
        self.models.get(model).or_else(|| self.models.get("*"))
    }
}
