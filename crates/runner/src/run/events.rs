//! What a run reports: its events as it goes, why it stopped, its
//! summary and its errors.

use super::*;

/// What the run reports as it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    DocumentDone {
        id: String,
        style: String,
        chunks: usize,
        passed_chunks: usize,
    },
    DocumentFailed {
        id: Option<String>,
        style: Option<String>,
        kind: RejectKind,
        reason: String,
    },
    Skipped {
        already_done: usize,
    },
    /// Something an operator should know that does not stop the run.
    Warning {
        message: String,
    },
    /// Documents fail because the endpoint is unavailable: no new ones
    /// start; one at a time probes until it is back.
    EndpointDown {
        since_unix_ms: u64,
        reason: String,
    },
    /// The endpoint answered again after an outage.
    EndpointUp {
        down_for_ms: u64,
    },
    Stopping {
        reason: StopReason,
    },
}

/// Why a run ended before the end of its input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum StopReason {
    /// A first stop request: no call started after it; calls in flight
    /// had the grace period to answer.
    #[error("interrupted: no call started after the signal; calls in flight had the grace period")]
    Interrupted,
    /// A second stop request: documents in flight were abandoned (their
    /// finished calls are journaled).
    #[error("stopped at once")]
    Aborted,
    #[error("{detail}")]
    BudgetSpent { detail: String },
    /// The endpoint refused the key or the model: no document can succeed.
    #[error("the endpoint refused the run: {detail}")]
    Refused { detail: String },
    /// The journal cannot be written (disk full?): going on would pay for
    /// answers that cannot be kept.
    #[error("{detail}")]
    JournalFailed { detail: String },
    /// Nothing answered the first contact, made when the first document
    /// needed a model (a run with nothing to do makes none).
    #[error("{detail}")]
    Unreachable { detail: String },
    /// The endpoint stayed unavailable for the whole outage timeout.
    #[error("the endpoint has been down since {} and the outage timeout passed: {detail}", clock(*since_unix_ms))]
    EndpointDown { since_unix_ms: u64, detail: String },
}

/// `HH:MM:SS UTC` of a Unix time in ms (for operators' messages).
pub fn clock(unix_ms: u64) -> String {
    let s = unix_ms / 1000 % 86_400;
    format!("{:02}:{:02}:{:02} UTC", s / 3600, s / 60 % 60, s % 60)
}

/// The final account of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub documents_seen: usize,
    pub records_written: usize,
    /// Items rejected for good (a rerun skips them).
    pub rejected: usize,
    /// Items that failed in a way a rerun retries (outage, rate limit,
    /// crash): records are missing until a rerun makes them.
    pub retryable_failures: usize,
    pub failures_by_kind: BTreeMap<RejectKind, usize>,
    /// Items (document and style) already done by an earlier run.
    pub already_done: usize,
    /// Of those, items an earlier run rejected for good (the rejects file
    /// says why): the output still lacks them.
    pub already_rejected: usize,
    /// Items redone because their source changed since the earlier record;
    /// the older records are dropped when the output is compacted.
    pub superseded: usize,
    /// Items on file whose record id the input no longer has (left alone).
    pub not_in_input: usize,
    /// Lines dropped from output and rejects by the final compaction.
    pub compacted_lines: usize,
    /// Records written to an output in another format than JSONL (Parquet,
    /// compressed JSONL) at the end of the run.
    pub exported: Option<usize>,
    /// Unreadable lines skipped in the output, rejects and journal.
    pub unreadable_lines: usize,
    pub outside_shard: usize,
    /// Model calls made by this run (retries not counted; see `usage_ledger`).
    pub calls_made: u64,
    /// Model calls answered from the journal.
    pub calls_replayed: u64,
    pub usage: Usage,
    /// Tokens billed for this output by earlier runs (from the journal):
    /// counted against the budgets.
    pub spent_before: Usage,
    pub cost: Option<f64>,
    pub chunks: usize,
    pub chunks_passed_fidelity: usize,
    /// Suspicions raised on the records written, by check (`polarity`,
    /// `addition`, …): recorded, not repaired, unless `--max-suspicions`.
    pub suspicions: std::collections::BTreeMap<chunksynth_quality::CheckKind, usize>,
    /// The judge's calls, and the claims it found not supported or could
    /// not answer (`--llm-judge`), on the records written.
    #[serde(default)]
    pub judge: crate::job::JudgeCounts,
    /// Generated texts whose QC passed, and failed (kept under
    /// `--on-qc-failure keep`).
    #[serde(default)]
    pub qc_passed: usize,
    #[serde(default)]
    pub qc_failed: usize,
    /// Section drafts written again after QC (past each section's first).
    #[serde(default)]
    pub redrafts: usize,
    /// Plans that needed a repair call to be valid.
    #[serde(default)]
    pub plans_repaired: usize,
    pub wall_ms: u64,
    /// Why the run stopped before the end of the input, if it did.
    pub stopped_early: Option<StopReason>,
}

impl RunSummary {
    /// Whether every item of the input ended done or rejected for good.
    pub fn is_complete(&self) -> bool {
        self.stopped_early.is_none() && self.retryable_failures == 0
    }
}

/// Why a run could not start or go on, by cause.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot read the input: {0}")]
    Input(std::io::Error),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{0}")]
    Journal(#[from] JournalError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("cannot write {path}: {error}; the journal keeps finished calls, rerun to resume")]
    Write { path: String, error: std::io::Error },
    #[error("{0}")]
    Config(String),
}

impl RunError {
    /// Whether the fix is on the command line or the files named (exit 2),
    /// rather than in the machine or the endpoint (rerun later).
    pub fn is_usage(&self) -> bool {
        match self {
            Self::Config(_) => true,
            Self::Open(e) => matches!(e, OpenError::NotOurs { .. }),
            Self::Journal(e) => matches!(e, JournalError::NotOurs { .. }),
            Self::State(e) => !matches!(e, StateError::Io { .. }),
            // A single input file that is not the format it is read as.
            // A store that refuses the credentials or has no such bucket.
            Self::Input(e) => matches!(
                e.kind(),
                std::io::ErrorKind::InvalidData
                    | std::io::ErrorKind::InvalidInput
                    | std::io::ErrorKind::PermissionDenied
                    | std::io::ErrorKind::NotFound
            ),
            Self::Write { .. } => false,
        }
    }
}

/// Stop requests: 1 = stop taking documents and finish those in flight,
/// 2 = stop now (the journal still makes the resume correct).
#[derive(Debug, Clone)]
pub struct StopSignal(pub watch::Receiver<u8>);

impl StopSignal {
    /// A signal that never asks to stop (its sender is gone at once; the run
    /// treats a closed channel as "no stop").
    pub fn never() -> Self {
        Self(watch::channel(0).1)
    }

    pub(super) fn level(&self) -> u8 {
        *self.0.borrow()
    }

    /// Waits for the next change (forever once the sender is gone); marks
    /// it seen, so that waiting again does not return at once.
    pub(super) async fn changed(&mut self) {
        if self.0.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Why the first contact failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstContactError {
    /// Nothing answers (the run stops, exit 3: rerun when it is up).
    NothingAnswers(String),
    /// The endpoint refused the key or the model (the run stops, exit 2).
    Refused(String),
}

/// What must hold before a run's first call — an endpoint that answers, a
/// model it serves — checked once, when the first document that needs the
/// model starts: a rerun of a finished output sends nothing at all.
pub type FirstContact =
    Box<dyn FnOnce() -> chunksynth_llm::BoxFuture<'static, Result<(), FirstContactError>> + Send + Sync>;
