//! Scheduling a corpus: documents concurrently (chunks within a document stay
//! sequential), records written as they finish, identity-keyed resume,
//! graceful stop, budgets carried across resumes, events and the summary.
//!
//! Here: the [`Runner`], which opens the files, checks the run's fingerprint
//! and starts the loop. The run loop is `engine.rs` ([`Engine`]): it reads
//! ahead (on a thread of its own), decides per item whether it is new, done
//! or changed ([`crate::identity`]), starts the longest document first, and
//! hands finished outcomes to the writer thread
//! ([`crate::output::OutcomeWriter`]). What a run is told is `config.rs`
//! ([`RunConfig`]); what it reports, `events.rs`.

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

mod config;
mod engine;
mod events;

pub use config::{Budget, DEFAULT_CONCURRENCY, DEFAULT_GRACE, RunConfig};
use engine::Engine;
pub use events::{
    FirstContact, FirstContactError, RunError, RunEvent, RunSummary, StopReason, StopSignal, clock,
};

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
