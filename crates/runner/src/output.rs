//! Output and rejects files: JSONL, each record one whole line.
//!
//! - On open, a torn last line is cut off, an unreadable line elsewhere is
//!   skipped (and counted), and what the file holds is read back as item
//!   identities ([`crate::identity`]), so a resumed run neither loses nor
//!   duplicates a record, whatever happened to the input's line order.
//! - Writing happens on a thread of its own behind a channel
//!   ([`OutcomeWriter`]): blocking writes and fsyncs stay off the async
//!   workers, and records are written in the order they finish (each carries
//!   its `input_index`), so nothing waits in memory for a slow document.
//! - At the end of a full run, [`compact`] drops lines that a newer version
//!   of their item superseded (an edited source), by writing a new file and
//!   renaming it over the old one: a reader never sees a half-written file.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use chunksynth_llm::{ErrorKind, Usage};
use chunksynth_prompts::PromptProvenance;
use chunksynth_rephrase::{ChunkRecord, WindowLayout};
use serde::{Deserialize, Serialize};

use crate::identity::{ItemKey, SourceTag};
use crate::lines::{RecoverError, recover_with};

/// Where a record came from and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// SHA-256 of the source text: with the id and style, the record's
    /// identity on resume.
    pub source_sha256: String,
    pub model: String,
    pub endpoints: Vec<String>,
    pub prompt: Option<PromptProvenance>,
    pub sampling: chunksynth_llm::Sampling,
    pub tokenizer: String,
    pub chunk_tokens: usize,
    pub overlap_tokens: usize,
    pub prefix_window_tokens: usize,
    /// How prompts showed the rewritten text (absent in older records:
    /// rolling).
    #[serde(default)]
    pub window_layout: WindowLayout,
    /// The run configuration's fingerprint (see `RunState`).
    #[serde(default)]
    pub run_fingerprint: String,
    /// One entry per chunk: span, outcome, attempts, fidelity report.
    pub chunks: Vec<ChunkRecord>,
    /// Share of the source's prose the text repeats verbatim (the chunks'
    /// `copy_ratio`, weighted by length): filter a corpus on it.
    #[serde(default)]
    pub copy_ratio: f64,
    /// Suspicions the alignment checks raised on the kept text (each in
    /// its chunk's `fidelity.suspicions`).
    #[serde(default)]
    pub suspicions: usize,
    pub usage: Usage,
    pub attempts: u32,
    pub finished_at_unix_ms: u64,
    pub tool_version: String,
}

/// One rewritten document in one style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRecord {
    pub id: String,
    pub style: String,
    pub text: String,
    /// Position of the document in this run's input (records are written in
    /// the order they finish; sort by this for input order).
    pub input_index: usize,
    pub provenance: Provenance,
    /// Input fields kept (`--keep-fields`), as top-level fields.
    #[serde(flatten, default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Why an item produced no record. Permanent kinds are what a rerun cannot
/// fix; every other kind is retried by the next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    /// The record could not be read (JSON, UTF-8, no or empty text).
    InvalidInput,
    /// A record with the same id came earlier in the input.
    DuplicateId,
    /// No attempt passed the fidelity gate under `--on-failure fail-document`.
    Fidelity,
    /// A chunk cannot fit the model's context even at its smallest.
    ContextTooLong,
    /// No valid plan came from the model in the attempts allowed.
    Plan,
    /// A generated text failed its QC under `--on-qc-failure reject`.
    Qc,
    Transient,
    RateLimited,
    Auth,
    InvalidModel,
    BadRequest,
    Truncated,
    Empty,
    Malformed,
    Config,
    /// The pipeline crashed on this item.
    Panic,
    /// A kind written by another version of chunksynth.
    #[serde(other)]
    Other,
}

impl RejectKind {
    /// Whether a rerun would fail the same way: only these count as done.
    pub fn is_permanent(self) -> bool {
        matches!(
            self,
            Self::InvalidInput
                | Self::DuplicateId
                | Self::Fidelity
                | Self::ContextTooLong
                | Self::Plan
                | Self::Qc
        )
    }

    pub fn from_model_error(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::Transient => Self::Transient,
            ErrorKind::RateLimited => Self::RateLimited,
            ErrorKind::ContextTooLong => Self::ContextTooLong,
            ErrorKind::Auth => Self::Auth,
            ErrorKind::InvalidModel => Self::InvalidModel,
            ErrorKind::BadRequest => Self::BadRequest,
            ErrorKind::Truncated => Self::Truncated,
            ErrorKind::Empty => Self::Empty,
            ErrorKind::Malformed => Self::Malformed,
            ErrorKind::Config => Self::Config,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::DuplicateId => "duplicate_id",
            Self::Fidelity => "fidelity",
            Self::ContextTooLong => "context_too_long",
            Self::Plan => "plan",
            Self::Qc => "qc",
            Self::Transient => "transient",
            Self::RateLimited => "rate_limited",
            Self::Auth => "auth",
            Self::InvalidModel => "invalid_model",
            Self::BadRequest => "bad_request",
            Self::Truncated => "truncated",
            Self::Empty => "empty",
            Self::Malformed => "malformed",
            Self::Config => "config",
            Self::Panic => "panic",
            Self::Other => "other",
        }
    }
}

impl std::fmt::Display for RejectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A document (or one of its variants) that produced no record, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectRecord {
    /// The record id (derived from the line's content when it has none).
    pub id: Option<String>,
    pub input_index: usize,
    /// 1-based input line (0 when the input was not JSONL).
    pub line: usize,
    pub style: Option<String>,
    pub kind: RejectKind,
    /// Whether a rerun retries it (everything but a permanent kind).
    #[serde(default)]
    pub retryable: bool,
    pub reason: String,
    /// SHA-256 of the source (the text, or the raw line when unreadable).
    #[serde(default)]
    pub source_sha256: Option<String>,
}

impl RejectRecord {
    /// A reject; whether a rerun retries it follows from its kind.
    pub fn new(
        id: Option<String>,
        input_index: usize,
        line: usize,
        style: Option<String>,
        kind: RejectKind,
        reason: String,
        source_sha256: Option<String>,
    ) -> Self {
        Self {
            id,
            input_index,
            line,
            style,
            kind,
            retryable: !kind.is_permanent(),
            reason,
            source_sha256,
        }
    }
}

/// The variant a reject stands for: its style, or for a `duplicate_id`
/// reject one of its own per content, so that it never stands for (and is
/// never compacted away by) the record of the id's first line.
pub(crate) fn reject_variant(kind: RejectKind, style: Option<&str>, source_sha256: Option<&str>) -> String {
    match (kind, source_sha256) {
        (RejectKind::DuplicateId, Some(source)) => {
            format!("duplicate_id:{}", &source[..16.min(source.len())])
        }
        _ => style.unwrap_or_default().to_owned(),
    }
}

impl RejectRecord {
    /// The variant this reject stands for (see [`reject_variant`]).
    pub(crate) fn variant(&self) -> String {
        reject_variant(self.kind, self.style.as_deref(), self.source_sha256.as_deref())
    }
}

/// One item already on file: its identity, and whether it counts as done.
#[derive(Debug, Clone)]
pub(crate) struct WrittenItem {
    pub(crate) id: String,
    pub(crate) variant: String,
    pub(crate) source: SourceTag,
    pub(crate) done: bool,
    /// A reject rather than a record.
    pub(crate) rejected: bool,
}

#[derive(Deserialize)]
struct RecordHead {
    id: String,
    /// Absent in generated records: their one variant is "".
    #[serde(default)]
    style: String,
    provenance: ProvenanceHead,
}

#[derive(Deserialize)]
struct ProvenanceHead {
    source_sha256: String,
}

#[derive(Deserialize)]
struct RejectHead {
    id: Option<String>,
    style: Option<String>,
    kind: RejectKind,
    #[serde(default)]
    source_sha256: Option<String>,
}

/// Which of our files a path is: how its lines are read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Records,
    Rejects,
}

impl FileKind {
    fn noun(self) -> &'static str {
        match self {
            Self::Records => "output record",
            Self::Rejects => "reject",
        }
    }

    /// The identity a line stands for; `None` for a line that is not ours.
    /// Only the identity fields are decoded, the rest skipped.
    fn item(self, line: &[u8]) -> Option<WrittenItem> {
        match self {
            Self::Records => {
                let head: RecordHead = serde_json::from_slice(line).ok()?;
                Some(WrittenItem {
                    source: SourceTag::from_hex(&head.provenance.source_sha256)?,
                    id: head.id,
                    variant: head.style,
                    done: true,
                    rejected: false,
                })
            }
            Self::Rejects => {
                let head: RejectHead = serde_json::from_slice(line).ok()?;
                // Rejects from before identities cannot be matched: retried.
                let source = head.source_sha256.as_deref().and_then(SourceTag::from_hex);
                Some(WrittenItem {
                    variant: reject_variant(head.kind, head.style.as_deref(), head.source_sha256.as_deref()),
                    id: head.id.unwrap_or_default(),
                    source: source.unwrap_or(SourceTag::of("")),
                    done: source.is_some() && head.kind.is_permanent(),
                    rejected: true,
                })
            }
        }
    }
}

/// Appends whole lines to a JSONL file.
#[derive(Debug)]
pub struct RecordWriter {
    path: PathBuf,
    file: File,
}

/// Why an output or rejects file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error(
        "{path} is not a chunksynth {noun} file (it is not empty and holds no {noun} line); it was left untouched: {what_to_do}"
    )]
    NotOurs {
        path: String,
        noun: &'static str,
        what_to_do: &'static str,
    },
}

impl RecordWriter {
    /// Opens (or creates) `path`; returns the writer, the items already in
    /// it and the number of unreadable lines skipped.
    pub(crate) fn open(path: &Path, kind: FileKind) -> Result<(Self, Vec<WrittenItem>, usize), OpenError> {
        let io = |error| OpenError::Io {
            path: path.display().to_string(),
            error,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let mut items = Vec::new();
        let found = recover_with(
            &mut file,
            kind.noun(),
            |line| kind.item(line),
            |_, _, item| items.push(item),
        )
        .map_err(|e| match e {
            RecoverError::Io(e) => io(e),
            RecoverError::NotOurs { .. } => not_ours(path, kind),
        })?;
        let writer = Self {
            path: path.to_path_buf(),
            file,
        };
        Ok((writer, items, found.skipped))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one record as one line (whole: a torn last line is cut off
    /// when the file is opened again). Call [`sync`](Self::sync) after a
    /// batch: a record lost to a crash before its sync is rebuilt from the
    /// journal without a model call, so syncing each one is not worth
    /// stalling the run for.
    pub fn write<T: Serialize>(&mut self, record: &T) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)
    }

    /// Makes what was written durable.
    pub fn sync(&mut self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}

fn not_ours(path: &Path, kind: FileKind) -> OpenError {
    OpenError::NotOurs {
        path: path.display().to_string(),
        noun: kind.noun(),
        what_to_do: match kind {
            FileKind::Records => "give --output a new path",
            FileKind::Rejects => "give --rejects a new path",
        },
    }
}

/// What a run hands the writer: a record, or a reject.
pub(crate) type Outcome = Result<crate::job::Written, RejectRecord>;

/// The writer thread: outcomes in through a channel, written in arrival
/// order, both files synced after each batch the channel held.
#[derive(Debug)]
pub(crate) struct OutcomeWriter {
    tx: Option<mpsc::Sender<Outcome>>,
    thread: Option<std::thread::JoinHandle<()>>,
    failed: Arc<Mutex<Option<(PathBuf, std::io::Error)>>>,
}

impl OutcomeWriter {
    pub(crate) fn spawn(mut output: RecordWriter, mut rejects: RecordWriter) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Outcome>();
        let failed = Arc::new(Mutex::new(None));
        let report = failed.clone();
        let thread = std::thread::Builder::new()
            .name("chunksynth-writer".into())
            .spawn(move || {
                if let Err(e) = write_batches(&rx, &mut output, &mut rejects) {
                    *report.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
                }
            })?;
        Ok(Self {
            tx: Some(tx),
            thread: Some(thread),
            failed,
        })
    }

    /// Queues one outcome; fails once the writer has failed.
    pub(crate) fn send(&self, outcome: Outcome) -> Result<(), (PathBuf, std::io::Error)> {
        if let Some(e) = self.take_failure() {
            return Err(e);
        }
        match self.tx.as_ref().map(|tx| tx.send(outcome).is_ok()) {
            Some(true) => Ok(()),
            _ => Err(self
                .take_failure()
                .unwrap_or_else(|| (PathBuf::new(), std::io::Error::other("the writer thread is gone")))),
        }
    }

    fn take_failure(&self) -> Option<(PathBuf, std::io::Error)> {
        self.failed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// Writes and syncs everything queued, then stops the thread. Blocks:
    /// call it off the async workers.
    pub(crate) fn finish(mut self) -> Result<(), (PathBuf, std::io::Error)> {
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        match self.take_failure() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn write_batches(
    rx: &mpsc::Receiver<Outcome>,
    output: &mut RecordWriter,
    rejects: &mut RecordWriter,
) -> Result<(), (PathBuf, std::io::Error)> {
    let fail = |w: &RecordWriter| {
        let path = w.path().to_path_buf();
        move |e| (path, e)
    };
    while let Ok(first) = rx.recv() {
        let (mut wrote_output, mut wrote_rejects) = (false, false);
        for outcome in std::iter::once(first).chain(rx.try_iter()) {
            match outcome {
                Ok(record) => {
                    output.write(&record).map_err(fail(output))?;
                    wrote_output = true;
                }
                Err(reject) => {
                    rejects.write(&reject).map_err(fail(rejects))?;
                    wrote_rejects = true;
                }
            }
        }
        if wrote_output {
            output.sync().map_err(fail(output))?;
        }
        if wrote_rejects {
            rejects.sync().map_err(fail(rejects))?;
        }
    }
    Ok(())
}

/// Rewrites `path` keeping the lines `keep` accepts (given each line's item,
/// `None` for a line that is not one of ours), in order; such lines, when
/// dropped, go to `<path>.unreadable` rather than away. Written to a temporary file,
/// synced, then renamed over `path`. Returns the lines dropped.
pub(crate) fn compact(
    path: &Path,
    kind: FileKind,
    mut keep: impl FnMut(Option<&WrittenItem>) -> bool,
) -> std::io::Result<usize> {
    let tmp = with_suffix(path, ".compacting");
    let mut reader = BufReader::new(File::open(path)?);
    let mut out = BufWriter::new(File::create(&tmp)?);
    let mut unreadable: Option<BufWriter<File>> = None;
    let mut dropped = 0usize;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let item = kind.item(&line);
        if keep(item.as_ref()) {
            out.write_all(&line)?;
            continue;
        }
        dropped += 1;
        if item.is_none() {
            let file = match unreadable.as_mut() {
                Some(f) => f,
                None => unreadable.insert(BufWriter::new(
                    OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(with_suffix(path, ".unreadable"))?,
                )),
            };
            file.write_all(&line)?;
        }
    }
    if let Some(mut f) = unreadable {
        f.flush()?;
        f.get_ref().sync_data()?;
    }
    out.flush()?;
    out.get_ref().sync_data()?;
    drop(out);
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename is durable once the directory is.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(dropped)
}

/// Calls `each` with the item of every line of `path` (`None` for a line
/// that is not ours), in order, reading only.
pub(crate) fn scan(
    path: &Path,
    kind: FileKind,
    mut each: impl FnMut(Option<&WrittenItem>),
) -> std::io::Result<()> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        each(kind.item(&line).as_ref());
    }
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The key of a written item.
pub(crate) fn key_of(item: &WrittenItem) -> ItemKey {
    ItemKey::new(&item.id, &item.variant)
}
