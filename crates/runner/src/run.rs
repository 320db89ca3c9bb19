//! Scheduling a corpus: documents concurrently (chunks within a document stay
//! sequential), records written as they finish, identity-keyed resume,
//! graceful stop, budgets carried across resumes, events and the summary.
//!
//! The run loop is [`Engine`]: it reads ahead (on a thread of its own),
//! decides per item whether it is new, done or changed ([`crate::identity`]),
//! starts the longest document first, and hands finished outcomes to the
//! writer thread ([`crate::output::OutcomeWriter`]).

use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use chunksynth_chunking::{ChunkConfig, Tokenizer};
use chunksynth_llm::{LanguageModel, PriceTable, Sampling, Usage, UsageLedger};
use chunksynth_prompts::{Language, TemplateId, TemplateSet};
use chunksynth_rephrase::{JudgeMode, PipelineConfig};

use crate::progress_file::{Progress, RunState, write_progress};
use crate::stop_gate::{CallsInFlight, GatedModel, StopGate};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

use crate::datasets::{DataFormat, OutputParts};
use crate::identity::{DoneItems, IdKey, SourceTag, Standing, source_hash};
use crate::input::{Document, InputFormat, InputProgress, InputRecord, InputSource, ReadOptions};
use crate::job::{Job, ProvenanceBase, WorkPipeline, generation_config, reject_of, variants_for};
use crate::journal::{Journal, JournalError, JournalingModel};
use crate::outage::{Gate, Outage, is_outage};
use crate::output::{
    FileKind, OpenError, Outcome, OutcomeWriter, RecordWriter, RejectKind, RejectRecord, compact, key_of,
    scan,
};
use crate::shard::Shard;
use crate::state::{RunFingerprint, StateError, check_fingerprint, lock};

/// Stop taking new documents once spent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Budget {
    pub max_cost: Option<f64>,
    pub max_tokens: Option<u64>,
}

#[derive(Clone)]
pub struct RunConfig {
    pub input: InputSource,
    pub format: InputFormat,
    /// A format overriding what file names say, and the fields kept.
    pub read: ReadOptions,
    /// Write the output as a folder of parts rather than one file.
    pub output_parts: Option<OutputParts>,
    pub output: PathBuf,
    pub rejects: PathBuf,
    pub journal: PathBuf,
    pub job: Job,
    pub concurrency: usize,
    pub shard: Option<Shard>,
    pub budget: Budget,
    pub prices: PriceTable,
    pub pipeline: PipelineConfig,
    pub tokenizer: Arc<dyn Tokenizer>,
    pub language: Language,
    pub sampling: Sampling,
    /// Base URLs, for provenance.
    pub endpoints: Vec<String>,
    /// fsync every journal entry (turn off only for benchmarks).
    pub sync_journal: bool,
    /// Documents read ahead of those started; among them the longest starts
    /// first, so that the long documents (each a chain of calls that cannot
    /// overlap) do not start late and set the run's end. 1: input order.
    /// Records are written as they finish, each with its `input_index`.
    pub lookahead: usize,
    /// Set an output made under another configuration aside and start
    /// over, instead of refusing it.
    pub restart: bool,
    /// When documents fail because the endpoint is unavailable, hold them
    /// and probe until it is back, for at most this long; then stop (exit
    /// 3). `None`: no waiting, each such failure is a retryable reject.
    pub outage_timeout: Option<std::time::Duration>,
    /// After a first stop signal, how long calls in flight may take to
    /// answer before the run abandons them (their documents resume from the
    /// journal). Slurm and Kubernetes kill 30 s after SIGTERM by default.
    pub grace: std::time::Duration,
}

/// How often a running run rewrites its progress file.
const PROGRESS_FILE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The grace period calls in flight get after a first stop signal.
pub const DEFAULT_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// Read-ahead stops at this much text even if `lookahead` documents are not
/// reached, so that a corpus of books does not fill memory.
const LOOKAHEAD_BYTES: usize = 64 << 20;

/// A document read ahead, waiting to start.
struct ReadyDocument {
    doc: Document,
    /// SHA-256 of the text, hashed once at admission.
    hash: String,
    /// The variants still to make (styles; "" for a generated text).
    variants: Vec<&'static str>,
    /// When it was last started.
    started: Option<Instant>,
}

impl ReadyDocument {
    /// Longest first, then input order.
    fn rank(&self) -> (usize, std::cmp::Reverse<usize>) {
        (self.doc.text.len(), std::cmp::Reverse(self.doc.index))
    }
}

impl PartialEq for ReadyDocument {
    fn eq(&self, other: &Self) -> bool {
        self.rank() == other.rank()
    }
}

impl Eq for ReadyDocument {}

impl PartialOrd for ReadyDocument {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ReadyDocument {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl RunConfig {
    /// A rephrasing run in `style` with the command line's defaults: rejects
    /// and journal beside the output (`<output>.rejects.jsonl`,
    /// `<output>.journal.jsonl`), 8 documents at a time, 1,024 read ahead,
    /// the journal synced, outages waited out for 30 minutes, no budget.
    /// Every field is public: change what differs.
    pub fn rephrase(input: InputSource, output: PathBuf, style: &str, tokenizer: Arc<dyn Tokenizer>) -> Self {
        Self {
            input,
            format: InputFormat::default(),
            read: ReadOptions::default(),
            output_parts: None,
            rejects: crate::output::with_suffix(&output, ".rejects.jsonl"),
            journal: crate::output::with_suffix(&output, ".journal.jsonl"),
            output,
            job: Job::Rephrase {
                styles: vec![style.to_owned()],
                variants: 0,
                seed: 0,
            },
            concurrency: DEFAULT_CONCURRENCY,
            shard: None,
            budget: Budget::default(),
            prices: PriceTable::default(),
            pipeline: PipelineConfig::default(),
            tokenizer,
            language: Language::En,
            sampling: Sampling::default(),
            endpoints: Vec::new(),
            sync_journal: true,
            lookahead: 1024,
            restart: false,
            outage_timeout: Some(std::time::Duration::from_secs(1800)),
            grace: DEFAULT_GRACE,
        }
    }

    /// The output's format, from its name (JSONL unless it says otherwise).
    pub fn output_format(&self) -> DataFormat {
        if let Some(parts) = self.output_parts {
            return parts.format;
        }
        match DataFormat::of_path(&self.output) {
            Some(f @ (DataFormat::Parquet | DataFormat::JsonlGz | DataFormat::JsonlZst)) => f,
            _ => DataFormat::Jsonl,
        }
    }

    /// The JSONL file records are appended to: the output itself, or for
    /// another format its working file (exported to the output at the end
    /// of a run; see the `datasets` module).
    pub fn records_path(&self) -> PathBuf {
        match (self.output_parts, self.output_format()) {
            (None, DataFormat::Jsonl) => self.output.clone(),
            _ => crate::output::with_suffix(&self.output, ".partial.jsonl"),
        }
    }

    /// Writes the working file as the output (a file, or a folder of
    /// parts); returns the records written.
    fn export(&self) -> std::io::Result<usize> {
        let working = self.records_path();
        match self.output_parts {
            Some(p) => crate::datasets::export_parts(&working, &self.output, p.format, p.records_per_file),
            None => crate::datasets::export(&working, &self.output, self.output_format()),
        }
    }

    /// Rebuilds the working file from a finished output.
    fn import(&self) -> std::io::Result<usize> {
        let working = self.records_path();
        match self.output_parts {
            Some(p) => crate::datasets::import_parts(&self.output, p.format, &working),
            None => crate::datasets::import(&self.output, self.output_format(), &working),
        }
    }
}

impl std::fmt::Debug for RunConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunConfig")
            .field("input", &self.input)
            .field("output", &self.output)
            .field("job", &self.job)
            .field("concurrency", &self.concurrency)
            .field("shard", &self.shard)
            .finish_non_exhaustive()
    }
}

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

/// Items in flight when a run does not say (online; batch mode sends a
/// round's worth).
pub const DEFAULT_CONCURRENCY: usize = 8;

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

    fn level(&self) -> u8 {
        *self.0.borrow()
    }

    /// Waits for the next change (forever once the sender is gone); marks
    /// it seen, so that waiting again does not return at once.
    async fn changed(&mut self) {
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

/// A model and, when it keeps one, its usage ledger.
type ModelAndLedger = (Arc<dyn LanguageModel>, Option<Arc<UsageLedger>>);

/// Runs a job over a corpus.
pub struct Runner {
    model: Arc<dyn LanguageModel>,
    ledger: Option<Arc<UsageLedger>>,
    /// The judge's own model and ledger (`--judge-model`), when it has one.
    judge: Option<ModelAndLedger>,
    config: RunConfig,
    /// How much of the input the run has read (see [`Runner::input_progress`]).
    progress: Arc<InputProgress>,
    /// Closed by a first stop signal: no call starts after it.
    gate: Arc<StopGate>,
    /// Checked before the first document that needs the model starts.
    first_contact: std::sync::Mutex<Option<FirstContact>>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch (0 before it).
pub fn now_unix_ms() -> u64 {
    now_ms()
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Runner {
    /// `model` is the backend (a `LanguageModel`); `ledger`, when given, is
    /// read for the summary's cost.
    pub fn new(
        model: Arc<dyn LanguageModel>,
        ledger: Option<Arc<UsageLedger>>,
        config: RunConfig,
    ) -> Result<Self, RunError> {
        if config.concurrency == 0 {
            return Err(RunError::Config("concurrency must be at least 1".into()));
        }
        variants_for(&config.job, "check").map_err(RunError::Config)?;
        if matches!(config.job, Job::Rephrase { .. }) {
            ChunkConfig::new(config.pipeline.chunk_tokens, config.pipeline.overlap_tokens)
                .map_err(|e| RunError::Config(e.to_string()))?;
        }
        Ok(Self {
            model,
            ledger,
            judge: None,
            config,
            progress: Arc::default(),
            gate: Arc::default(),
            first_contact: std::sync::Mutex::new(None),
        })
    }

    /// Checks `contact` once, right before the first document that needs
    /// the model starts; a failure stops the run (nothing is marked failed).
    pub fn with_first_contact(self, contact: FirstContact) -> Self {
        if let Ok(mut slot) = self.first_contact.lock() {
            *slot = Some(contact);
        }
        self
    }

    /// Judges with `model` (its own endpoint, key and prices; `ledger`, when
    /// given, is read for the summary's cost) in place of the run's model.
    pub fn with_judge_model(
        mut self,
        model: Arc<dyn LanguageModel>,
        ledger: Option<Arc<UsageLedger>>,
    ) -> Self {
        self.judge = Some((model, ledger));
        self
    }

    /// The calls in flight, counted as they start and answer (for a stop's
    /// countdown).
    pub fn calls_in_flight(&self) -> CallsInFlight {
        CallsInFlight(self.gate.clone())
    }

    /// The bytes of the input read so far and the input's size (for a
    /// progress display's percentage and ETA), updated as the run reads.
    pub fn input_progress(&self) -> Arc<InputProgress> {
        self.progress.clone()
    }

    /// Everything that changes what the model is asked.
    pub fn fingerprint(&self) -> RunFingerprint {
        fingerprint(
            &self.config,
            self.model.model_id(),
            self.judge.as_ref().map(|(m, _)| m.model_id()),
        )
    }

    pub async fn run(
        &self,
        events: Option<mpsc::UnboundedSender<RunEvent>>,
        stop: StopSignal,
    ) -> Result<RunSummary, RunError> {
        let started = Instant::now();
        let c = &self.config;
        let fingerprint = self.fingerprint();
        let opened = {
            let (c, fingerprint) = (c.clone(), fingerprint.clone());
            tokio::task::spawn_blocking(move || open_files(&c, &fingerprint))
                .await
                .map_err(|e| RunError::Config(format!("opening the run's files: {e}")))??
        };
        let emit = |e: RunEvent| {
            if let Some(tx) = &events {
                let _ = tx.send(e);
            }
        };
        for aside in &opened.set_aside {
            emit(RunEvent::Warning {
                message: format!("--restart: the earlier file was set aside as {}", aside.display()),
            });
        }
        if opened.unreadable > 0 {
            emit(RunEvent::Warning {
                message: format!(
                    "{} unreadable line(s) skipped in the output, rejects and journal; their items are redone",
                    opened.unreadable
                ),
            });
        }
        let journal = opened.journal.clone();
        let mut journaled = JournalingModel::new(self.model.clone(), journal.clone());
        journaled.count_missing_usage_with(c.tokenizer.clone());
        let journaled = Arc::new(journaled);
        // The judge's calls are journaled beside the run's (the model's name
        // is part of each call's key) and counted apart, priced at its rates.
        let judge_journaled = self.judge.as_ref().map(|(model, _)| {
            let mut j = JournalingModel::new(model.clone(), journal.clone());
            j.count_missing_usage_with(c.tokenizer.clone());
            Arc::new(j)
        });
        let gate = self.gate.clone();
        let gated = |inner: Arc<dyn LanguageModel>| -> Arc<dyn LanguageModel> {
            Arc::new(GatedModel {
                inner,
                gate: gate.clone(),
            })
        };
        let pipeline = Arc::new(WorkPipeline::new(
            c,
            gated(journaled.clone()),
            judge_journaled.clone().map(|j| gated(j)),
        )?);
        let mut engine = Engine {
            runner: self,
            events,
            journaled: journaled.clone(),
            judge_journaled: judge_journaled.clone(),
            gate,
            stopping_since: None,
            progress_written: Instant::now(),
            pipeline,
            base: Arc::new(self.provenance_base(fingerprint.digest())),
            writer: Some(opened.writer),
            done: opened.done,
            seen: HashSet::new(),
            input: spawn_reader(c, self.progress.clone())?,
            exhausted: false,
            ready: BinaryHeap::new(),
            ready_bytes: 0,
            tasks: JoinSet::new(),
            outage: Outage::new(c.outage_timeout),
            outage_reason: String::new(),
            in_flight: HashMap::new(),
            rejects_on_file: opened.rejects_on_file,
            summary: RunSummary {
                unreadable_lines: opened.unreadable,
                spent_before: journal.spent_before(),
                ..RunSummary::default()
            },
        };
        engine.drive(stop).await?;
        let mut summary = engine.finish().await?;
        let judged = judge_journaled.as_ref();
        summary.calls_made = journaled.recorded() + judged.map_or(0, |j| j.recorded());
        summary.calls_replayed = journaled.replayed() + judged.map_or(0, |j| j.replayed());
        summary.cost = self
            .ledger
            .as_ref()
            .and_then(|l| l.snapshot().cost(&c.prices, self.model.model_id()));
        if let Some((model, Some(ledger))) = &self.judge {
            let judge_cost = ledger.snapshot().cost(&c.prices, model.model_id());
            summary.cost = match (summary.cost, judge_cost) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
        }
        summary.wall_ms = started.elapsed().as_millis() as u64;
        let progress = self.progress_of(
            &summary,
            spent_total(&summary, &journaled, judge_journaled.as_deref()),
            true,
        );
        let output = c.output.clone();
        // The last word on this output for `chunksynth status`; a failure to
        // write it loses no work.
        let _ = tokio::task::spawn_blocking(move || write_progress(&output, &progress)).await;
        Ok(summary)
    }

    /// What the progress file says of a run at `summary`, `spent` tokens
    /// billed so far; `ended`: the run is over.
    fn progress_of(&self, summary: &RunSummary, spent: Usage, ended: bool) -> Progress {
        let state = match (ended, &summary.stopped_early) {
            (false, _) => RunState::Running,
            (true, None) if summary.retryable_failures == 0 => RunState::Finished,
            (true, _) => RunState::Stopped,
        };
        let stopped_because = match (&summary.stopped_early, state) {
            (Some(reason), _) => Some(reason.to_string()),
            (None, RunState::Stopped) => Some(format!(
                "{} item(s) failed in a way a rerun retries",
                summary.retryable_failures
            )),
            _ => None,
        };
        Progress {
            state,
            stopped_because,
            done: summary.records_written + summary.already_done,
            rejected: summary.rejected + summary.already_rejected,
            retryable: summary.retryable_failures,
            share_done: if state == RunState::Finished {
                Some(1.0)
            } else {
                self.progress.fraction()
            },
            tokens: spent.total(),
            cost: self.cost_of(spent),
            updated_unix_ms: now_ms(),
        }
    }

    /// What `spent` costs at the run's prices (the judge's at its own, when
    /// it has its own ledger).
    fn cost_of(&self, spent: Usage) -> Option<f64> {
        let c = &self.config;
        let judge = self
            .judge
            .as_ref()
            .and_then(|(m, l)| Some((m.model_id(), l.as_ref()?.snapshot().total.tokens)));
        let judge_spent = judge.map(|(_, u)| u).unwrap_or_default();
        let mut cost = c
            .prices
            .get(self.model.model_id())?
            .cost(&spent.saturating_sub(judge_spent));
        if let Some((model, used)) = judge {
            cost += c.prices.get(model).map_or(0.0, |p| p.cost(&used));
        }
        Some(cost)
    }

    fn provenance_base(&self, fingerprint: String) -> ProvenanceBase {
        let c = &self.config;
        ProvenanceBase {
            model: self.model.model_id().to_owned(),
            endpoints: c.endpoints.clone(),
            sampling: c.sampling.clone(),
            tokenizer: c.tokenizer.name().to_owned(),
            chunk_tokens: c.pipeline.chunk_tokens,
            overlap_tokens: c.pipeline.overlap_tokens,
            prefix_window_tokens: c.pipeline.prefix_window_tokens,
            window_layout: c.pipeline.window_layout,
            fingerprint,
        }
    }
}

/// Tokens billed for the output: earlier runs' and this one's (the judge's
/// included).
fn spent_total(summary: &RunSummary, journaled: &JournalingModel, judge: Option<&JournalingModel>) -> Usage {
    summary
        .spent_before
        .saturating_add(journaled.spent())
        .saturating_add(judge.map(JournalingModel::spent).unwrap_or_default())
}

/// The fingerprint of a configuration for `model`: what the job asks the
/// model, and how.
fn fingerprint(c: &RunConfig, model: &str, judge_model: Option<&str>) -> RunFingerprint {
    let p = &c.pipeline;
    let templates = TemplateSet::defaults(c.language);
    let common = RunFingerprint::default()
        .with("model", model)
        // The templates' text is long: its digest names a change well enough.
        // The claim judge's templates join only when it is on.
        .with(
            "templates",
            source_hash(&templates.fingerprint_text(&TemplateId::CLAIM_JUDGE)),
        )
        .with("sampling", &c.sampling)
        .with("tokenizer", c.tokenizer.name());
    if let (Job::Generate { on_qc_failure, .. }, Some(generation)) = (&c.job, generation_config(c)) {
        let common = common
            .with("job", "generate")
            .with("generation", &generation)
            .with("on_qc_failure", on_qc_failure);
        // Added after runs were written: only when on.
        return match p.llm_judge {
            JudgeMode::Off => common,
            mode => common
                .with("llm_judge", mode.name())
                .with("judge_format", p.judge_format)
                .with("judge_model", judge_model.unwrap_or(model)),
        };
    }
    // Parts added after runs were written join only when set, so an older
    // run's output still resumes.
    let common = if p.style_bounds.is_empty() {
        common
    } else {
        common.with("style_bounds", &p.style_bounds)
    };
    let common = match p.llm_judge {
        JudgeMode::Off => common,
        // As earlier versions wrote a bare `--llm-judge`.
        JudgeMode::All => common.with("llm_judge", true),
        JudgeMode::Suspicious => {
            let unused: Vec<TemplateId> = TemplateId::ALL
                .into_iter()
                .filter(|id| !TemplateId::CLAIM_JUDGE.contains(id))
                .collect();
            common
                .with("llm_judge", "suspicious")
                .with("judge_format", p.judge_format)
                .with("judge_max_claims", p.judge_max_claims)
                .with(
                    "judge_templates",
                    source_hash(&templates.fingerprint_text(&unused)),
                )
        }
    };
    let common = match judge_model {
        Some(judge) if p.llm_judge != JudgeMode::Off => common.with("judge_model", judge),
        _ => common,
    };
    common
        .with("job", &c.job)
        .with("chunk_tokens", p.chunk_tokens)
        .with("overlap_tokens", p.overlap_tokens)
        .with("prefix_window_tokens", p.prefix_window_tokens)
        .with("anchor_tokens", p.anchor_tokens)
        .with("window_layout", p.window_layout)
        .with("history_tokens", p.history_tokens)
        .with("max_attempts", p.max_attempts)
        .with("on_failure", p.on_failure)
        .with("fidelity", &p.fidelity)
        .with("max_new_tokens", p.max_new_tokens)
        .with("max_tokens_ratio", p.max_tokens_ratio)
}

/// The run's files, opened and checked (blocking: run off the workers).
struct OpenedFiles {
    writer: OutcomeWriter,
    journal: Arc<Journal>,
    done: DoneItems,
    unreadable: usize,
    /// Rejects on file at the start: those of items done since are
    /// compacted away at the end of a full run.
    rejects_on_file: usize,
    set_aside: Vec<PathBuf>,
    /// Held for the whole run.
    _lock: crate::state::RunLock,
}

fn open_files(c: &RunConfig, fingerprint: &RunFingerprint) -> Result<OpenedFiles, RunError> {
    let lock = lock(&c.output, &c.journal)?;
    let working = c.records_path();
    let files: Vec<&std::path::Path> = if working == c.output {
        vec![&c.output]
    } else {
        vec![&c.output, &working]
    };
    let set_aside = check_fingerprint(&c.output, &files, &c.rejects, fingerprint, c.restart)?;
    if working != c.output && !working.exists() && c.output.exists() {
        // A finished output in another format: resume from its records.
        c.import().map_err(|error| RunError::Write {
            path: working.display().to_string(),
            error,
        })?;
    }
    let (output, records, skipped_out) = RecordWriter::open(&working, FileKind::Records)?;
    let (rejects, rejected, skipped_rej) = RecordWriter::open(&c.rejects, FileKind::Rejects)?;
    let journal = Arc::new(Journal::open(&c.journal, c.sync_journal)?);
    let mut done = DoneItems::default();
    let rejects_on_file = rejected.len();
    for item in records.into_iter().chain(rejected).filter(|i| i.done) {
        done.insert(&item.id, &item.variant, item.source, item.rejected);
    }
    let writer = OutcomeWriter::spawn(output, rejects).map_err(|error| RunError::Write {
        path: c.output.display().to_string(),
        error,
    })?;
    Ok(OpenedFiles {
        writer,
        rejects_on_file,
        unreadable: skipped_out + skipped_rej + journal.skipped_lines(),
        journal,
        done,
        set_aside,
        _lock: lock,
    })
}

/// Reads the input on a thread of its own (blocking reads stay off the
/// workers), a bounded channel ahead of the engine.
pub(crate) fn spawn_reader(
    c: &RunConfig,
    progress: Arc<InputProgress>,
) -> Result<mpsc::Receiver<std::io::Result<InputRecord>>, RunError> {
    let (input, format, options) = (c.input.clone(), c.format.clone(), c.read.clone());
    let (tx, rx) = mpsc::channel(256);
    std::thread::Builder::new()
        .name("chunksynth-reader".into())
        .spawn(move || {
            // Opened here: opening a FIFO waits for its writer, which must
            // not hold an async worker.
            let records = match input.records_counted(&format, &options, &progress) {
                Ok(records) => records,
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            };
            for record in records {
                progress.record_read();
                let stop = record.is_err();
                if tx.blocking_send(record).is_err() || stop {
                    return;
                }
            }
        })
        .map_err(RunError::Input)?;
    Ok(rx)
}

/// The run loop's state.
struct Engine<'a> {
    runner: &'a Runner,
    events: Option<mpsc::UnboundedSender<RunEvent>>,
    journaled: Arc<JournalingModel>,
    /// The judge's own model, journaled, when it has one.
    judge_journaled: Option<Arc<JournalingModel>>,
    /// Closed by a first stop signal: no call starts after it.
    gate: Arc<StopGate>,
    /// When the first stop signal came (the grace period runs from it).
    stopping_since: Option<Instant>,
    /// When the progress file was last written.
    progress_written: Instant,
    pipeline: Arc<WorkPipeline>,
    base: Arc<ProvenanceBase>,
    writer: Option<OutcomeWriter>,
    /// What the files hold, updated as records are written.
    done: DoneItems,
    /// Record ids met in this run's input (duplicates, `not_in_input`).
    seen: HashSet<IdKey>,
    input: mpsc::Receiver<std::io::Result<InputRecord>>,
    exhausted: bool,
    ready: BinaryHeap<ReadyDocument>,
    ready_bytes: usize,
    tasks: JoinSet<(ReadyDocument, Vec<Outcome>)>,
    /// The circuit breaker and the documents it holds back.
    outage: Outage<ReadyDocument>,
    /// Why the last held document failed (for the final rejects).
    outage_reason: String,
    /// What to write for a task that panics: one reject per variant.
    in_flight: HashMap<tokio::task::Id, Vec<RejectRecord>>,
    /// Rejects on file at the start (the final compaction drops those
    /// whose items are now done).
    rejects_on_file: usize,
    summary: RunSummary,
}

impl Engine<'_> {
    fn emit(&self, e: RunEvent) {
        if let Some(tx) = &self.events {
            let _ = tx.send(e);
        }
    }

    /// Starts documents until the input is done or a stop, then waits for
    /// those in flight (a second stop abandons them). While the endpoint is
    /// down, only one document at a time starts, as a probe.
    async fn drive(&mut self, mut stop: StopSignal) -> Result<(), RunError> {
        let semaphore = Arc::new(Semaphore::new(self.runner.config.concurrency));
        while self.summary.stopped_early.is_none() {
            let probe = match self.outage.gate(Instant::now(), self.tasks.len()) {
                Gate::Open => false,
                Gate::Probe => true,
                Gate::Wait(until) => {
                    self.wait(until, &mut stop).await?;
                    continue;
                }
                Gate::GiveUp => {
                    let since_unix_ms = self.outage.down_since_ms().unwrap_or_default();
                    let detail = self.outage_reason.clone();
                    self.stop(StopReason::EndpointDown {
                        since_unix_ms,
                        detail,
                    });
                    break;
                }
            };
            self.report_progress();
            self.write_progress_now().await;
            // A free slot first, then the stop and budget checks: a stop
            // that comes while every slot is busy starts nothing more.
            let permit = tokio::select! {
                p = semaphore.clone().acquire_owned() => p.map_err(|_| RunError::Config("scheduler closed".into()))?,
                Some(joined) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => {
                    self.absorb(joined)?;
                    continue;
                }
                () = stop.changed() => {
                    if self.check_stop(&stop) {
                        break;
                    }
                    continue;
                }
            };
            if self.check_stop(&stop) {
                break;
            }
            if let Some(detail) = self.budget_spent() {
                self.stop(StopReason::BudgetSpent { detail });
                break;
            }
            let Some(next) = self.next_item().await? else {
                // Nothing to start: a document in flight may still be held
                // back for a retry, so wait for them before ending.
                drop(permit);
                if self.tasks.is_empty() {
                    break;
                }
                self.wait(None, &mut stop).await?;
                continue;
            };
            if probe {
                self.outage.probed(Instant::now());
            }
            if !self.first_contact_holds().await {
                // `next` never started: the rerun does it.
                break;
            }
            self.start(next, permit);
        }
        if self.summary.already_done > 0 {
            let already_done = self.summary.already_done;
            self.emit(RunEvent::Skipped { already_done });
        }
        self.drain(&mut stop).await?;
        self.release_held()
    }

    /// Makes the first contact, once (later calls: true); a failure stops
    /// the run.
    async fn first_contact_holds(&mut self) -> bool {
        let contact = self.runner.first_contact.lock().ok().and_then(|mut c| c.take());
        let Some(contact) = contact else {
            return true;
        };
        match contact().await {
            Ok(()) => true,
            Err(FirstContactError::NothingAnswers(detail)) => {
                self.stop(StopReason::Unreachable { detail });
                false
            }
            Err(FirstContactError::Refused(detail)) => {
                self.stop(StopReason::Refused { detail });
                false
            }
        }
    }

    /// Waits for documents in flight after the main loop. After a first
    /// stop signal only the calls in flight are waited for, up to the grace
    /// period: then every document still in flight is abandoned (its
    /// finished calls are journaled; the rerun resumes it).
    async fn drain(&mut self, stop: &mut StopSignal) -> Result<(), RunError> {
        let grace_ends = self.stopping_since.map(|t| t + self.runner.config.grace);
        while !self.tasks.is_empty() {
            if stop.level() >= 2 && !matches!(self.summary.stopped_early, Some(StopReason::Aborted)) {
                // A second request overrides the first: stop now.
                self.summary.stopped_early = None;
                self.stop(StopReason::Aborted);
            }
            let graceful_end = matches!(self.summary.stopped_early, Some(StopReason::Interrupted))
                && (self.gate.in_flight() == 0 || grace_ends.is_some_and(|t| Instant::now() >= t));
            if graceful_end
                || matches!(
                    self.summary.stopped_early,
                    Some(StopReason::Aborted | StopReason::Refused { .. } | StopReason::JournalFailed { .. })
                )
            {
                self.tasks.abort_all();
            }
            let grace_over = async move {
                match grace_ends {
                    Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
                    None => std::future::pending().await,
                }
            };
            let gate = self.gate.clone();
            tokio::select! {
                Some(joined) = self.tasks.join_next_with_id() => self.absorb(joined)?,
                () = stop.changed() => {}
                () = grace_over => {}
                () = gate.changed() => {}
            }
        }
        Ok(())
    }

    /// Waits for a document in flight to finish, `until` passes, or a stop.
    async fn wait(&mut self, until: Option<Instant>, stop: &mut StopSignal) -> Result<(), RunError> {
        let deadline = async move {
            match until {
                Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(joined) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => self.absorb(joined)?,
            () = deadline => {}
            () = stop.changed() => {
                self.check_stop(stop);
            }
        }
        Ok(())
    }

    /// The next document to start: one held back by an outage first.
    async fn next_item(&mut self) -> Result<Option<ReadyDocument>, RunError> {
        if let Some(held) = self.outage.next_held() {
            return Ok(Some(held));
        }
        self.read_ahead().await?;
        let next = self.ready.pop();
        if let Some(n) = &next {
            self.ready_bytes -= n.doc.text.len();
        }
        Ok(next)
    }

    /// Files the documents still held when the run stops: retryable
    /// rejects saying since when the endpoint was down.
    fn release_held(&mut self) -> Result<(), RunError> {
        let since = self.outage.down_since_ms().map(clock).unwrap_or_default();
        let held: Vec<ReadyDocument> = self.outage.drain().collect();
        for ready in held {
            for v in &ready.variants {
                let reason = format!(
                    "the endpoint was down (since {since}) when the run stopped: {}; a rerun retries it",
                    self.outage_reason
                );
                let reject = reject_of(&ready.doc, &ready.hash, v, RejectKind::Transient, reason);
                self.file(Err(reject))?;
            }
        }
        Ok(())
    }

    /// Whether a stop was asked for; records it.
    fn check_stop(&mut self, stop: &StopSignal) -> bool {
        match stop.level() {
            0 => false,
            1 => {
                self.stop(StopReason::Interrupted);
                self.gate.close();
                self.stopping_since.get_or_insert_with(Instant::now);
                true
            }
            _ => {
                self.stop(StopReason::Aborted);
                true
            }
        }
    }

    fn stop(&mut self, reason: StopReason) {
        if self.summary.stopped_early.is_none() {
            self.summary.stopped_early = Some(reason.clone());
            self.emit(RunEvent::Stopping { reason });
        }
    }

    /// Fills the read-ahead: documents to choose from and, on the way, what
    /// needs no model (skips, unreadable input, duplicate ids).
    async fn read_ahead(&mut self) -> Result<(), RunError> {
        let lookahead = self.runner.config.lookahead.max(1);
        while !self.exhausted && self.ready.len() < lookahead && self.ready_bytes < LOOKAHEAD_BYTES {
            // The reader thread keeps the channel full; waiting here is what
            // lets the longest of `lookahead` documents start first.
            match self.input.recv().await {
                None => self.exhausted = true,
                Some(Err(e)) => return Err(RunError::Input(e)),
                Some(Ok(record)) => self.admit(record)?,
            }
        }
        Ok(())
    }

    /// Decides what one input record needs.
    fn admit(&mut self, record: InputRecord) -> Result<(), RunError> {
        let c = &self.runner.config;
        self.summary.documents_seen += 1;
        if !c.shard.is_none_or(|s| s.owns_record(&record)) {
            self.summary.outside_shard += 1;
            return Ok(());
        }
        let doc = match record {
            InputRecord::Rejected(r) => {
                let id = r.id.clone().unwrap_or_else(|| r.content_id());
                let source = SourceTag::from_hex(&r.source_sha256).unwrap_or(SourceTag::of(""));
                self.seen.insert(IdKey::new(&id));
                if self.skip_if_done(&id, "", source) {
                    return Ok(());
                }
                let reject = RejectRecord::new(
                    Some(id),
                    r.index,
                    r.line,
                    None,
                    RejectKind::InvalidInput,
                    r.reason,
                    Some(r.source_sha256),
                );
                return self.file(Err(reject));
            }
            InputRecord::Document(doc) => doc,
        };
        let hash = source_hash(&doc.text);
        let source = SourceTag::from_hex(&hash).unwrap_or(SourceTag::of(""));
        if !self.seen.insert(IdKey::new(&doc.id)) {
            let reason = format!(
                "id {:?} came earlier in the input; this record was not processed (give each record its own id)",
                doc.id
            );
            let reject = reject_of(&doc, &hash, "", RejectKind::DuplicateId, reason);
            if self.skip_if_done(&doc.id, &reject.variant(), source) {
                return Ok(());
            }
            return self.file(Err(reject));
        }
        let mut variants = Vec::new();
        for v in variants_for(&c.job, &doc.id).map_err(RunError::Config)? {
            match self.done.standing(&doc.id, v, source) {
                Standing::Done | Standing::Rejected => {
                    self.skip_if_done(&doc.id, v, source);
                }
                Standing::Changed => {
                    self.summary.superseded += 1;
                    variants.push(v);
                }
                Standing::New => variants.push(v),
            }
        }
        if variants.is_empty() {
            return Ok(());
        }
        if let Err(reason) = self.pipeline.check(&doc) {
            let line = if doc.line > 0 {
                format!("line {}: ", doc.line)
            } else {
                String::new()
            };
            let reject = reject_of(
                &doc,
                &hash,
                "",
                RejectKind::InvalidInput,
                format!("{line}{reason}"),
            );
            return self.file(Err(reject));
        }
        self.ready_bytes += doc.text.len();
        self.ready.push(ReadyDocument {
            doc,
            hash,
            variants,
            started: None,
        });
        Ok(())
    }

    /// Whether the item is done (or rejected for good) from this source;
    /// counts it if so.
    fn skip_if_done(&mut self, id: &str, variant: &str, source: SourceTag) -> bool {
        match self.done.standing(id, variant, source) {
            Standing::Done => self.summary.already_done += 1,
            Standing::Rejected => {
                self.summary.already_done += 1;
                self.summary.already_rejected += 1;
            }
            Standing::New | Standing::Changed => return false,
        }
        true
    }

    fn start(&mut self, next: ReadyDocument, permit: tokio::sync::OwnedSemaphorePermit) {
        let ReadyDocument {
            doc, hash, variants, ..
        } = next;
        let started = Some(Instant::now());
        let crashed: Vec<RejectRecord> = variants
            .iter()
            .map(|v| reject_of(&doc, &hash, v, RejectKind::Panic, String::new()))
            .collect();
        let pipeline = self.pipeline.clone();
        let base = self.base.clone();
        let handle = self.tasks.spawn(async move {
            let outcomes = pipeline.process(&doc, &hash, &variants, &base).await;
            drop(permit);
            let ready = ReadyDocument {
                doc,
                hash,
                variants,
                started,
            };
            (ready, outcomes)
        });
        self.in_flight.insert(handle.id(), crashed);
    }

    /// Files a finished task's outcomes; a panicked task's document becomes
    /// a retryable reject saying so (its calls so far are journaled). A
    /// document that failed because the endpoint is down is held back for
    /// a retry (see [`crate::outage`]).
    /// Tells the progress display how many of the items read are settled
    /// (done, skipped or rejected): read less waiting, running and held.
    fn report_progress(&self) {
        let pending = self.ready.len() + self.tasks.len() + self.outage.held_len();
        let settled = self.summary.documents_seen.saturating_sub(pending);
        self.runner.progress.settled(settled as u64);
    }

    /// Rewrites the progress file every few seconds (off the workers).
    async fn write_progress_now(&mut self) {
        if self.progress_written.elapsed() < PROGRESS_FILE_EVERY {
            return;
        }
        self.progress_written = Instant::now();
        let spent = spent_total(&self.summary, &self.journaled, self.judge_journaled.as_deref());
        let progress = self.runner.progress_of(&self.summary, spent, false);
        let output = self.runner.config.output.clone();
        let _ = tokio::task::spawn_blocking(move || write_progress(&output, &progress)).await;
    }

    fn absorb(
        &mut self,
        joined: Result<(tokio::task::Id, (ReadyDocument, Vec<Outcome>)), tokio::task::JoinError>,
    ) -> Result<(), RunError> {
        let absorbed = self.absorb_task(joined);
        self.report_progress();
        absorbed
    }

    fn absorb_task(
        &mut self,
        joined: Result<(tokio::task::Id, (ReadyDocument, Vec<Outcome>)), tokio::task::JoinError>,
    ) -> Result<(), RunError> {
        let (ready, outcomes) = match joined {
            Ok((id, finished)) => {
                self.in_flight.remove(&id);
                finished
            }
            Err(e) => {
                let Some(rejects) = self.in_flight.remove(&e.id()) else {
                    return Ok(());
                };
                if !e.is_panic() {
                    // Aborted by a stop: the resume redoes it.
                    return Ok(());
                }
                let reason = format!(
                    "the pipeline crashed on this document ({}); the run went on, a rerun retries it",
                    panic_message(e.into_panic())
                );
                for r in rejects {
                    let reason = reason.clone();
                    self.file(Err(RejectRecord { reason, ..r }))?;
                }
                return Ok(());
            }
        };
        let mut retry = Vec::new();
        for outcome in outcomes {
            match outcome {
                Err(r) if self.should_hold(&r) => {
                    let variant = r.style.as_deref().unwrap_or("");
                    retry.extend(ready.variants.iter().find(|v| **v == variant));
                    self.outage_reason = r.reason;
                }
                Ok(record) => {
                    let started = ready.started.unwrap_or_else(Instant::now);
                    if let Some(down) = self.outage.up(started, Instant::now()) {
                        let down_for_ms = down.as_millis() as u64;
                        tracing::info!(down_for_s = down_for_ms / 1000, "endpoint back");
                        self.emit(RunEvent::EndpointUp { down_for_ms });
                    }
                    self.file(Ok(record))?;
                }
                Err(r) => self.file(Err(r))?,
            }
        }
        if !retry.is_empty() {
            let held = ReadyDocument {
                variants: retry,
                ..ready
            };
            if self.outage.hold(held, Instant::now(), now_ms()) {
                let since_unix_ms = self.outage.down_since_ms().unwrap_or_default();
                let reason = self.outage_reason.clone();
                tracing::warn!(since = %clock(since_unix_ms), reason = %reason, "endpoint down: holding documents, probing with one");
                self.emit(RunEvent::EndpointDown {
                    since_unix_ms,
                    reason,
                });
            }
        }
        Ok(())
    }

    /// Whether a failure is held for a retry rather than filed: the
    /// endpoint is unavailable, the breaker is on, and the run goes on.
    fn should_hold(&self, reject: &RejectRecord) -> bool {
        self.outage.enabled() && is_outage(reject.kind) && self.summary.stopped_early.is_none()
    }

    /// Counts one outcome and hands it to the writer — unless it shows the
    /// run cannot go on (a failed journal, a refused key), which stops it.
    fn file(&mut self, outcome: Outcome) -> Result<(), RunError> {
        if let Some(detail) = self.journaled.journal().failure() {
            self.stop(StopReason::JournalFailed { detail });
            return Ok(());
        }
        match &outcome {
            Ok(record) => {
                let (parts, passed) = record.parts();
                self.summary.records_written += 1;
                self.summary.chunks += parts;
                self.summary.chunks_passed_fidelity += passed;
                for check in record.suspicions() {
                    *self.summary.suspicions.entry(check).or_default() += 1;
                }
                let judged = record.judge_counts();
                self.summary.judge.calls += judged.calls;
                self.summary.judge.not_supported += judged.not_supported;
                self.summary.judge.no_verdict += judged.no_verdict;
                if let Some((passed, redrafts, repaired)) = record.generation_counts() {
                    if passed {
                        self.summary.qc_passed += 1;
                    } else {
                        self.summary.qc_failed += 1;
                    }
                    self.summary.redrafts += redrafts;
                    self.summary.plans_repaired += usize::from(repaired);
                }
                self.summary.usage += record.usage();
                let source = SourceTag::from_hex(record.source_sha256()).unwrap_or(SourceTag::of(""));
                self.done.insert(record.id(), record.variant(), source, false);
                self.emit(RunEvent::DocumentDone {
                    id: record.id().to_owned(),
                    style: record.variant().to_owned(),
                    chunks: parts,
                    passed_chunks: passed,
                });
            }
            Err(reject) => {
                if matches!(reject.kind, RejectKind::Auth | RejectKind::InvalidModel) {
                    self.stop(StopReason::Refused {
                        detail: reject.reason.clone(),
                    });
                    return Ok(());
                }
                if reject.kind.is_permanent() {
                    self.summary.rejected += 1;
                    let source = reject.source_sha256.as_deref().and_then(SourceTag::from_hex);
                    if let (Some(id), Some(source)) = (&reject.id, source) {
                        self.done.insert(id, &reject.variant(), source, true);
                    }
                } else {
                    self.summary.retryable_failures += 1;
                }
                *self.summary.failures_by_kind.entry(reject.kind).or_default() += 1;
                tracing::warn!(
                    id = reject.id.as_deref(),
                    variant = reject.style.as_deref(),
                    kind = reject.kind.as_str(),
                    retryable = !reject.kind.is_permanent(),
                    reason = %reject.reason,
                    "item rejected"
                );
                self.emit(RunEvent::DocumentFailed {
                    id: reject.id.clone(),
                    style: reject.style.clone(),
                    kind: reject.kind,
                    reason: reject.reason.clone(),
                });
            }
        }
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| RunError::Config("writer closed".into()))?;
        writer.send(outcome).map_err(|(path, error)| RunError::Write {
            path: path.display().to_string(),
            error,
        })
    }

    fn budget_spent(&self) -> Option<String> {
        let c = &self.runner.config;
        let b = &c.budget;
        let judge_spent = self
            .judge_journaled
            .as_ref()
            .map(|j| j.spent())
            .unwrap_or_default();
        let spent = self
            .summary
            .spent_before
            .saturating_add(self.journaled.spent())
            .saturating_add(judge_spent);
        if let Some(max) = b.max_tokens {
            let used = spent.total();
            if used >= max {
                return Some(format!(
                    "token budget spent ({used} of {max}, earlier runs on this output included)"
                ));
            }
        }
        if let Some(max) = b.max_cost {
            // Earlier runs' spending is priced at the run model's rates.
            let rewriter = spent.saturating_sub(judge_spent);
            let mut cost = c.prices.get(self.runner.model.model_id())?.cost(&rewriter);
            if let Some((judge, _)) = &self.runner.judge {
                cost += c
                    .prices
                    .get(judge.model_id())
                    .map_or(0.0, |p| p.cost(&judge_spent));
            }
            if cost >= max {
                return Some(format!(
                    "cost budget spent ({cost:.4} of {max:.4}, earlier runs on this output included)"
                ));
            }
        }
        None
    }

    /// Writes what is queued; after a full run, compacts superseded lines
    /// away and counts the items the input no longer has.
    async fn finish(mut self) -> Result<RunSummary, RunError> {
        let writer = self.writer.take();
        let config = self.runner.config.clone();
        let full = self.exhausted && self.summary.stopped_early.is_none();
        // The output (large) is rewritten only when it holds lines to
        // drop; the rejects file (small) whenever it held any.
        let compact_output = full
            && (self.summary.superseded > 0 || self.done.repeated() > 0 || self.summary.unreadable_lines > 0);
        let compact_rejects = full && (self.rejects_on_file > 0 || compact_output);
        let done = std::mem::take(&mut self.done);
        let seen = std::mem::take(&mut self.seen);
        // Another output format is written from the working file at the end
        // of every run a signal did not cut short, and the working file is
        // dropped once nothing is left to do.
        let export = config.records_path() != config.output
            && !matches!(
                self.summary.stopped_early,
                Some(StopReason::Interrupted | StopReason::Aborted)
            );
        let complete = full && self.summary.retryable_failures == 0;
        let (dropped, not_in_input, exported) = tokio::task::spawn_blocking(move || {
            if let Some(w) = writer {
                w.finish().map_err(|(path, error)| RunError::Write {
                    path: path.display().to_string(),
                    error,
                })?;
            }
            let dropped =
                compact_files(&config, &done, &seen, compact_output, compact_rejects).map_err(|error| {
                    RunError::Write {
                        path: config.output.display().to_string(),
                        error,
                    }
                })?;
            let exported = if export {
                let working = config.records_path();
                let written = config.export().map_err(|error| RunError::Write {
                    path: config.output.display().to_string(),
                    error,
                })?;
                if complete {
                    std::fs::remove_file(&working).map_err(|error| RunError::Write {
                        path: working.display().to_string(),
                        error,
                    })?;
                }
                Some(written)
            } else {
                None
            };
            Ok::<_, RunError>((dropped, if full { done.not_in(&seen) } else { 0 }, exported))
        })
        .await
        .map_err(|e| RunError::Config(format!("finishing the run: {e}")))??;
        self.summary.compacted_lines = dropped;
        self.summary.not_in_input = not_in_input;
        self.summary.exported = exported;
        Ok(self.summary)
    }
}

/// Drops from the output every record a newer version of its item
/// superseded (and repeats of one item); from the rejects, every reject of
/// an item now done by a record (a whole-document reject, such as
/// `invalid_input`, once its id has any record), every reject a later one
/// of the same item replaced, and every reject of an id the input no longer
/// has (a line fixed into another id, or deleted: the rejects file lists
/// what the output lacks of the current input).
fn compact_files(
    c: &RunConfig,
    done: &DoneItems,
    seen: &HashSet<IdKey>,
    output: bool,
    rejects: bool,
) -> std::io::Result<usize> {
    let mut dropped = 0;
    if output {
        let mut kept = HashSet::new();
        dropped += compact(&c.records_path(), FileKind::Records, |item| {
            item.is_some_and(|i| done.is_current(key_of(i), i.source) && kept.insert(key_of(i)))
        })?;
    }
    if !rejects {
        return Ok(dropped);
    }
    let with_records = done.record_ids();
    let mut last = HashMap::new();
    let mut n = 0usize;
    scan(&c.rejects, FileKind::Rejects, |item| {
        if let Some(i) = item {
            last.insert(key_of(i), n);
        }
        n += 1;
    })?;
    let mut m = 0usize;
    dropped += compact(&c.rejects, FileKind::Rejects, |item| {
        let this = m;
        m += 1;
        item.is_some_and(|i| {
            last.get(&key_of(i)) == Some(&this)
                && seen.contains(&IdKey::new(&i.id))
                && !done.is_record(key_of(i))
                && !(i.variant.is_empty() && DoneItems::has_id(&with_records, &i.id))
        })
    })?;
    Ok(dropped)
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
