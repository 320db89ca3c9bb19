//! Scheduling a corpus: documents concurrently (chunks within a document stay
//! sequential), records written in input order, graceful stop, budgets,
//! sharding, events and the final summary.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use chunksynth_chunking::{ChunkConfig, ChunkPlan, Tokenizer};
use chunksynth_llm::{LanguageModel, PriceTable, Sampling, Usage, UsageLedger};
use chunksynth_prompts::{Language, Style, TemplateSet, style};
use chunksynth_rephrase::{
    ChunkOutcome, ChunkWiseRephrasePipeline, LlmRewriteModel, PipelineConfig, WindowLayout, choose_styles,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

use crate::input::{Document, InputFormat, InputRecord, InputSource};
use crate::journal::{Journal, JournalingModel};
use crate::output::{OutputRecord, Provenance, RecordWriter, RejectRecord};

/// SHA-256 of a text, hex.
pub fn source_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One shard of `count`, chosen by a stable hash of the document id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// `I/N` with 0 ≤ I < N.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (i, n) = spec
            .split_once('/')
            .ok_or_else(|| format!("shard {spec:?}: write it as I/N, e.g. 0/8"))?;
        let index: usize = i
            .trim()
            .parse()
            .map_err(|_| format!("shard {spec:?}: {i:?} is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("shard {spec:?}: {n:?} is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("shard {spec:?}: need 0 <= I < N"));
        }
        Ok(Self { index, count })
    }

    /// From a scheduler's environment: Slurm job arrays
    /// (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes
    /// indexed Job (`JOB_COMPLETION_INDEX`, with `count` given).
    pub fn from_env(
        lookup: impl Fn(&str) -> Option<String>,
        count: Option<usize>,
    ) -> Result<Option<Self>, String> {
        let num = |name: &str| {
            lookup(name).map(|v| {
                v.trim()
                    .parse::<usize>()
                    .map_err(|_| format!("{name}={v:?} is not a number"))
            })
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID") {
            let id = id?;
            let n = match num("SLURM_ARRAY_TASK_COUNT") {
                Some(n) => n?,
                None => count.ok_or(
                    "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; give the shard count",
                )?,
            };
            let min = match num("SLURM_ARRAY_TASK_MIN") {
                Some(m) => m?,
                None => 0,
            };
            return Self::parse(&format!("{}/{n}", id - min.min(id))).map(Some);
        }
        if let Some(id) = num("JOB_COMPLETION_INDEX") {
            let n =
                count.ok_or("JOB_COMPLETION_INDEX is set; give the shard count (the Job's completions)")?;
            return Self::parse(&format!("{}/{n}", id?)).map(Some);
        }
        Ok(None)
    }

    /// Whether this shard processes `record`. Unreadable records without an
    /// id belong to shard 0 alone, so each is rejected exactly once.
    pub fn owns_record(&self, record: &InputRecord) -> bool {
        match record.id() {
            Some(id) => self.owns(id),
            None => self.index == 0,
        }
    }

    pub fn owns(&self, id: &str) -> bool {
        let digest = Sha256::digest(id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % self.count as u64) as usize == self.index
    }
}

/// Stop taking new documents once spent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Budget {
    pub max_cost: Option<f64>,
    pub max_tokens: Option<u64>,
}

/// What to do to each document.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Rephrase in these styles; with `variants` > 0, that many styles per
    /// document are chosen from `styles` (or the catalogue) by `seed`.
    Rephrase {
        styles: Vec<String>,
        variants: usize,
        seed: u64,
    },
}

#[derive(Clone)]
pub struct RunConfig {
    pub input: InputSource,
    pub format: InputFormat,
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
    /// Records are still written in input order.
    pub lookahead: usize,
}

/// Read-ahead stops at this much text even if `lookahead` documents are not
/// reached, so that a corpus of books does not fill memory.
const LOOKAHEAD_BYTES: usize = 64 << 20;

/// A document read ahead, waiting to start.
struct ReadyDocument {
    seq: usize,
    doc: Document,
    styles: Vec<&'static Style>,
}

impl ReadyDocument {
    /// Longest first, then input order.
    fn rank(&self) -> (usize, std::cmp::Reverse<usize>) {
        (self.doc.text.len(), std::cmp::Reverse(self.seq))
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
        kind: String,
        reason: String,
    },
    Skipped {
        already_done: usize,
    },
    Stopping {
        reason: String,
    },
}

/// The final account of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub documents_seen: usize,
    pub records_written: usize,
    pub rejected: usize,
    pub failures_by_kind: BTreeMap<String, usize>,
    /// Documents (or variants) already in the output from an earlier run.
    pub already_done: usize,
    pub outside_shard: usize,
    /// Model calls made by this run (retries not counted; see `usage_ledger`).
    pub calls_made: u64,
    /// Model calls answered from the journal.
    pub calls_replayed: u64,
    pub usage: Usage,
    pub cost: Option<f64>,
    pub chunks: usize,
    pub chunks_passed_fidelity: usize,
    pub wall_ms: u64,
    /// Why the run stopped before the end of the input, if it did.
    pub stopped_early: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot open the input: {0}")]
    Input(std::io::Error),
    #[error("cannot open {path}: {error}")]
    File { path: String, error: std::io::Error },
    #[error("cannot write {path}: {error}; the journal keeps finished calls, rerun to resume")]
    Write { path: String, error: std::io::Error },
    #[error("{0}")]
    Config(String),
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
}

type Outcome = Result<OutputRecord, RejectRecord>;

/// Runs a job over a corpus.
pub struct Runner {
    model: Arc<dyn LanguageModel>,
    ledger: Option<Arc<UsageLedger>>,
    config: RunConfig,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn styles_for(job: &Job, doc_id: &str) -> Result<Vec<&'static Style>, String> {
    let Job::Rephrase {
        styles,
        variants,
        seed,
    } = job;
    let named: Vec<&'static Style> = styles
        .iter()
        .map(|n| style(n).ok_or_else(|| format!("unknown style {n:?}; run `chunksynth styles` for the list")))
        .collect::<Result<_, _>>()?;
    if *variants == 0 {
        return Ok(if named.is_empty() {
            vec![style("textbook").ok_or("no textbook style")?]
        } else {
            named
        });
    }
    let pool = choose_styles(*seed, doc_id, usize::MAX);
    let pool: Vec<&'static Style> = if named.is_empty() {
        pool
    } else {
        pool.into_iter().filter(|s| named.contains(s)).collect()
    };
    Ok(pool.into_iter().take(*variants).collect())
}

impl Runner {
    /// `model` is the backend (a `LanguageModel`); `ledger`, when given, is
    /// read for token and cost budgets and the summary.
    pub fn new(
        model: Arc<dyn LanguageModel>,
        ledger: Option<Arc<UsageLedger>>,
        config: RunConfig,
    ) -> Result<Self, RunError> {
        if config.concurrency == 0 {
            return Err(RunError::Config("concurrency must be at least 1".into()));
        }
        styles_for(&config.job, "check").map_err(RunError::Config)?;
        ChunkConfig::new(config.pipeline.chunk_tokens, config.pipeline.overlap_tokens)
            .map_err(|e| RunError::Config(e.to_string()))?;
        Ok(Self {
            model,
            ledger,
            config,
        })
    }

    pub async fn run(
        &self,
        events: Option<mpsc::UnboundedSender<RunEvent>>,
        stop: StopSignal,
    ) -> Result<RunSummary, RunError> {
        let started = Instant::now();
        let c = &self.config;
        let emit = |e: RunEvent| {
            if let Some(tx) = &events {
                let _ = tx.send(e);
            }
        };
        let open = |p: &PathBuf| {
            RecordWriter::open(p).map_err(|error| RunError::File {
                path: p.display().to_string(),
                error,
            })
        };
        let (mut output, done_out) = open(&c.output)?;
        let (mut rejects, done_rej) = open(&c.rejects)?;
        let done: HashSet<(usize, Option<String>)> = done_out.into_iter().chain(done_rej).collect();
        let journal =
            Arc::new(
                Journal::open(&c.journal, c.sync_journal).map_err(|error| RunError::File {
                    path: c.journal.display().to_string(),
                    error,
                })?,
            );
        let journaled = Arc::new(JournalingModel::new(self.model.clone(), journal));
        let mut rewrite = LlmRewriteModel::new(journaled.clone(), TemplateSet::defaults(c.language));
        rewrite.sampling = c.sampling.clone();
        let pipeline = Arc::new(
            ChunkWiseRephrasePipeline::new(Arc::new(rewrite), c.tokenizer.clone(), c.pipeline.clone())
                .map_err(|e| RunError::Config(e.to_string()))?,
        );
        let records = c.input.records(&c.format).map_err(RunError::Input)?;
        let semaphore = Arc::new(Semaphore::new(c.concurrency));
        let mut tasks: JoinSet<(usize, Vec<Outcome>)> = JoinSet::new();
        // What to write for a task that panics, so one bad document can
        // neither stall the ordered output nor vanish.
        let mut in_flight: HashMap<tokio::task::Id, (usize, Vec<RejectRecord>)> = HashMap::new();
        let mut pending: BTreeMap<usize, Vec<Outcome>> = BTreeMap::new();
        let mut next_seq = 0usize;
        let mut seq = 0usize;
        let mut summary = RunSummary::default();

        let mut write_ready = |pending: &mut BTreeMap<usize, Vec<Outcome>>,
                               next_seq: &mut usize,
                               summary: &mut RunSummary|
         -> Result<(), RunError> {
            let mut wrote = false;
            while let Some(outcomes) = pending.remove(next_seq) {
                for outcome in outcomes {
                    match outcome {
                        Ok(record) => {
                            output.write(&record).map_err(|error| RunError::Write {
                                path: output.path().display().to_string(),
                                error,
                            })?;
                            summary.records_written += 1;
                            summary.chunks += record.provenance.chunks.len();
                            summary.chunks_passed_fidelity += record
                                .provenance
                                .chunks
                                .iter()
                                .filter(|ch| ch.outcome == ChunkOutcome::Passed)
                                .count();
                            summary.usage += record.provenance.usage;
                        }
                        Err(reject) => {
                            rejects.write(&reject).map_err(|error| RunError::Write {
                                path: rejects.path().display().to_string(),
                                error,
                            })?;
                            summary.rejected += 1;
                            *summary.failures_by_kind.entry(reject.kind.clone()).or_default() += 1;
                        }
                    }
                }
                *next_seq += 1;
                wrote = true;
            }
            if wrote {
                output.sync().map_err(|error| RunError::Write {
                    path: output.path().display().to_string(),
                    error,
                })?;
                rejects.sync().map_err(|error| RunError::Write {
                    path: rejects.path().display().to_string(),
                    error,
                })?;
            }
            Ok(())
        };

        let mut records = records;
        let mut ready: std::collections::BinaryHeap<ReadyDocument> = std::collections::BinaryHeap::new();
        let mut ready_bytes = 0usize;
        let mut exhausted = false;
        loop {
            // A free slot first, then the stop and budget checks: a stop
            // that comes while every slot is busy starts nothing more.
            let permit = tokio::select! {
                p = semaphore.clone().acquire_owned() => p.map_err(|_| RunError::Config("scheduler closed".into()))?,
                // Write what finishes while we wait for a slot.
                Some(joined) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                    absorb(joined, &mut in_flight, &mut pending);
                    write_ready(&mut pending, &mut next_seq, &mut summary)?;
                    semaphore.clone().acquire_owned().await.map_err(|_| RunError::Config("scheduler closed".into()))?
                }
            };
            if stop.level() >= 1 {
                summary.stopped_early = Some("interrupted".into());
                emit(RunEvent::Stopping {
                    reason: "interrupted: finishing documents in flight".into(),
                });
                break;
            }
            if let Some(reason) = self.budget_spent() {
                summary.stopped_early = Some(reason.clone());
                emit(RunEvent::Stopping { reason });
                break;
            }
            // Read ahead: documents to choose from, and on the way the
            // records that need no model (skips, unreadable input).
            while !exhausted && ready.len() < c.lookahead.max(1) && ready_bytes < LOOKAHEAD_BYTES {
                let Some(record) = records.next() else {
                    exhausted = true;
                    break;
                };
                summary.documents_seen += 1;
                if !c.shard.is_none_or(|s| s.owns_record(&record)) {
                    summary.outside_shard += 1;
                    continue;
                }
                // Unreadable input already rejected, or a document whose every
                // variant is written: nothing left to do. (A crash between two
                // variants of one document leaves only the missing ones to run.)
                if done.contains(&(record.index(), None)) {
                    summary.already_done += 1;
                    continue;
                }
                match record {
                    InputRecord::Rejected(r) => {
                        emit(RunEvent::DocumentFailed {
                            id: r.id.clone(),
                            style: None,
                            kind: "invalid_input".into(),
                            reason: r.reason.clone(),
                        });
                        pending.insert(
                            seq,
                            vec![Err(RejectRecord {
                                id: r.id,
                                input_index: r.index,
                                line: r.line,
                                style: None,
                                kind: "invalid_input".into(),
                                reason: r.reason,
                            })],
                        );
                        seq += 1;
                    }
                    InputRecord::Document(doc) => {
                        let styles: Vec<&'static Style> = styles_for(&c.job, &doc.id)
                            .map_err(RunError::Config)?
                            .into_iter()
                            .filter(|s| !done.contains(&(doc.index, Some(s.name.to_owned()))))
                            .collect();
                        if styles.is_empty() {
                            summary.already_done += 1;
                            continue;
                        }
                        ready_bytes += doc.text.len();
                        ready.push(ReadyDocument { seq, doc, styles });
                        seq += 1;
                    }
                }
            }
            write_ready(&mut pending, &mut next_seq, &mut summary)?;
            let Some(ReadyDocument {
                seq: this,
                doc,
                styles,
            }) = ready.pop()
            else {
                break;
            };
            ready_bytes -= doc.text.len();
            let crashed: Vec<RejectRecord> = styles
                .iter()
                .map(|st| RejectRecord {
                    id: Some(doc.id.clone()),
                    input_index: doc.index,
                    line: doc.line,
                    style: Some(st.name.to_owned()),
                    kind: "panic".into(),
                    reason: String::new(),
                })
                .collect();
            let pipeline = pipeline.clone();
            let provenance_base = self.provenance_base();
            let events = events.clone();
            let handle = tasks.spawn(async move {
                let outcomes = process(&pipeline, &doc, &styles, provenance_base).await;
                for o in &outcomes {
                    if let Some(tx) = &events {
                        let _ = tx.send(match o {
                            Ok(r) => RunEvent::DocumentDone {
                                id: r.id.clone(),
                                style: r.style.clone(),
                                chunks: r.provenance.chunks.len(),
                                passed_chunks: r
                                    .provenance
                                    .chunks
                                    .iter()
                                    .filter(|ch| ch.outcome == ChunkOutcome::Passed)
                                    .count(),
                            },
                            Err(r) => RunEvent::DocumentFailed {
                                id: r.id.clone(),
                                style: r.style.clone(),
                                kind: r.kind.clone(),
                                reason: r.reason.clone(),
                            },
                        });
                    }
                }
                drop(permit);
                (this, outcomes)
            });
            in_flight.insert(handle.id(), (this, crashed));
            write_ready(&mut pending, &mut next_seq, &mut summary)?;
        }
        if summary.already_done > 0 {
            emit(RunEvent::Skipped {
                already_done: summary.already_done,
            });
        }
        loop {
            if stop.level() >= 2 {
                tasks.abort_all();
                summary.stopped_early = Some("stopped at once; rerun to resume".into());
                break;
            }
            let mut stop_rx = stop.0.clone();
            let stop_changed = async move {
                // A dropped sender can never ask to stop: wait forever.
                if stop_rx.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            let joined = tokio::select! {
                j = tasks.join_next_with_id() => j,
                () = stop_changed => continue,
            };
            let Some(joined) = joined else { break };
            absorb(joined, &mut in_flight, &mut pending);
            write_ready(&mut pending, &mut next_seq, &mut summary)?;
        }
        // A stop leaves documents read ahead but never started: write what
        // finished after them anyway (a rerun does the rest).
        while let Some(&first) = pending.keys().next() {
            next_seq = first;
            write_ready(&mut pending, &mut next_seq, &mut summary)?;
        }
        summary.calls_made = journaled.recorded();
        summary.calls_replayed = journaled.replayed();
        summary.cost = self
            .ledger
            .as_ref()
            .and_then(|l| l.snapshot().cost(&c.prices, self.model.model_id()));
        summary.wall_ms = started.elapsed().as_millis() as u64;
        Ok(summary)
    }

    fn budget_spent(&self) -> Option<String> {
        let ledger = self.ledger.as_ref()?;
        let snapshot = ledger.snapshot();
        let b = &self.config.budget;
        if let Some(max) = b.max_tokens {
            let used = snapshot.total.tokens.prompt_tokens + snapshot.total.tokens.completion_tokens;
            if used >= max {
                return Some(format!("token budget spent ({used} of {max})"));
            }
        }
        if let Some(max) = b.max_cost {
            let cost = snapshot.cost(&self.config.prices, self.model.model_id())?;
            if cost >= max {
                return Some(format!("cost budget spent ({cost:.4} of {max:.4})"));
            }
        }
        None
    }

    fn provenance_base(&self) -> ProvenanceBase {
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
        }
    }
}

/// Files a finished task's outcomes; a panicked task's document becomes a
/// reject saying so (its calls so far are journaled, so nothing paid is lost).
fn absorb(
    joined: Result<(tokio::task::Id, (usize, Vec<Outcome>)), tokio::task::JoinError>,
    in_flight: &mut HashMap<tokio::task::Id, (usize, Vec<RejectRecord>)>,
    pending: &mut BTreeMap<usize, Vec<Outcome>>,
) {
    match joined {
        Ok((id, (seq, outcomes))) => {
            in_flight.remove(&id);
            pending.insert(seq, outcomes);
        }
        Err(e) => {
            let Some((seq, rejects)) = in_flight.remove(&e.id()) else {
                return;
            };
            if !e.is_panic() {
                // Aborted by a second stop signal: the resume redoes it.
                return;
            }
            let panic = e.into_panic();
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            let reason = format!("the pipeline crashed on this document ({message}); the run went on");
            pending.insert(
                seq,
                rejects
                    .into_iter()
                    .map(|r| {
                        Err(RejectRecord {
                            reason: reason.clone(),
                            ..r
                        })
                    })
                    .collect(),
            );
        }
    }
}

#[derive(Debug, Clone)]
struct ProvenanceBase {
    model: String,
    endpoints: Vec<String>,
    sampling: Sampling,
    tokenizer: String,
    chunk_tokens: usize,
    overlap_tokens: usize,
    prefix_window_tokens: usize,
    window_layout: WindowLayout,
}

async fn process(
    pipeline: &ChunkWiseRephrasePipeline,
    doc: &Document,
    styles: &[&'static Style],
    base: ProvenanceBase,
) -> Vec<Outcome> {
    let results = pipeline.run_variants_for(Some(&doc.id), &doc.text, styles).await;
    let hash = source_hash(&doc.text);
    results
        .into_iter()
        .zip(styles)
        .map(|(result, style)| match result {
            Ok(r) => Ok(OutputRecord {
                id: doc.id.clone(),
                style: r.style.clone(),
                text: r.text,
                input_index: doc.index,
                provenance: Provenance {
                    source_sha256: hash.clone(),
                    model: base.model.clone(),
                    endpoints: base.endpoints.clone(),
                    prompt: r.chunks.iter().find_map(|ch| ch.prompt.clone()),
                    sampling: base.sampling.clone(),
                    tokenizer: base.tokenizer.clone(),
                    chunk_tokens: base.chunk_tokens,
                    overlap_tokens: base.overlap_tokens,
                    prefix_window_tokens: base.prefix_window_tokens,
                    window_layout: base.window_layout,
                    attempts: r.chunks.iter().map(|ch| ch.attempts.len() as u32).sum(),
                    chunks: r.chunks,
                    usage: r.usage,
                    finished_at_unix_ms: now_ms(),
                    tool_version: env!("CARGO_PKG_VERSION").to_owned(),
                },
            }),
            Err(e) => Err(RejectRecord {
                id: Some(doc.id.clone()),
                input_index: doc.index,
                line: doc.line,
                style: Some(style.name.to_owned()),
                kind: match &e {
                    chunksynth_rephrase::RephraseError::Model { error, .. } => error.kind.as_str().to_owned(),
                    chunksynth_rephrase::RephraseError::FidelityFailed { .. } => "fidelity".to_owned(),
                    chunksynth_rephrase::RephraseError::Config(_) => "config".to_owned(),
                },
                reason: e.to_string(),
            }),
        })
        .collect()
}

/// What a run would cost, without a request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DryRunEstimate {
    pub documents: usize,
    pub rejected: usize,
    pub variants: usize,
    pub calls: usize,
    pub source_tokens: usize,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    pub cost: Option<f64>,
    pub model: String,
}

/// Tokens the fixed parts of a rewrite prompt take (instructions, labels).
const PROMPT_OVERHEAD_TOKENS: usize = 180;

/// Tokens an earlier turn of a conversation adds besides its passage and
/// rewrite (the user message's label and markers, the chat template's).
const TURN_OVERHEAD_TOKENS: usize = 16;

/// Chunks every document and counts calls and tokens as the defaults would
/// spend them (one attempt per chunk; repairs come on top). No request.
pub fn dry_run(config: &RunConfig, model: &str) -> Result<DryRunEstimate, RunError> {
    let chunking = ChunkConfig::new(config.pipeline.chunk_tokens, config.pipeline.overlap_tokens)
        .map_err(|e| RunError::Config(e.to_string()))?;
    let mut est = DryRunEstimate {
        model: model.to_owned(),
        ..DryRunEstimate::default()
    };
    for record in config.input.records(&config.format).map_err(RunError::Input)? {
        if !config.shard.is_none_or(|s| s.owns_record(&record)) {
            continue;
        }
        let InputRecord::Document(doc) = record else {
            est.rejected += 1;
            continue;
        };
        est.documents += 1;
        let n = styles_for(&config.job, &doc.id).map_err(RunError::Config)?.len();
        est.variants += n;
        let plan = ChunkPlan::new(&doc.text, config.tokenizer.as_ref(), chunking);
        est.source_tokens += plan.total_tokens;
        let mut produced = 0usize;
        // The conversation layout: the opening prompt's window and context,
        // and the earlier turns (passage, rewrite, framing) sent since.
        let (mut opening, mut history, mut held) = (0usize, 0usize, 0usize);
        let conversing = config.pipeline.window_layout == WindowLayout::Conversation;
        for chunk in plan.chunks.iter().filter(|ch| ch.has_body()) {
            let window = produced.min(config.pipeline.prefix_window_tokens);
            let context = if chunk.index == 0 {
                0
            } else {
                config.pipeline.overlap_tokens
            };
            let around = if conversing {
                if history == 0 {
                    opening = window + context;
                }
                opening + history
            } else {
                window + context
            };
            let prompt = PROMPT_OVERHEAD_TOKENS + chunk.tokens + around + config.pipeline.anchor_tokens;
            est.calls += n;
            est.prompt_tokens += n * prompt;
            est.completion_tokens += n * chunk.tokens;
            produced += chunk.tokens;
            if conversing {
                // The passage and its rewrite (about as long) count towards
                // the budget; the prompt also carries their framing.
                held += 2 * chunk.tokens;
                history += 2 * chunk.tokens + TURN_OVERHEAD_TOKENS;
                if held >= config.pipeline.history_tokens {
                    (held, history) = (0, 0);
                }
            }
        }
    }
    est.cost = config.prices.get(model).map(|p| {
        p.cost(&Usage {
            prompt_tokens: est.prompt_tokens as u64,
            completion_tokens: est.completion_tokens as u64,
            cached_tokens: 0,
        })
    });
    Ok(est)
}
