//! Output and rejects files: JSONL, each record one whole line, synced. On
//! open, a torn last line is cut off and the records already there are
//! reported, so a resumed run neither loses nor duplicates a record.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chunksynth_llm::Usage;
use chunksynth_prompts::PromptProvenance;
use chunksynth_rephrase::{ChunkRecord, WindowLayout};
use serde::{Deserialize, Serialize};

/// Where a record came from and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// SHA-256 of the source text.
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
    /// One entry per chunk: span, outcome, attempts, fidelity report.
    pub chunks: Vec<ChunkRecord>,
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
    /// Position of the document in the input.
    pub input_index: usize,
    pub provenance: Provenance,
}

/// A document (or one of its variants) that produced no record, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectRecord {
    pub id: Option<String>,
    pub input_index: usize,
    /// 1-based input line (0 when the input was not JSONL).
    pub line: usize,
    pub style: Option<String>,
    /// A short class for counting (`invalid_input`, `fidelity`, `auth`, ...).
    pub kind: String,
    pub reason: String,
}

/// A record already written: its input index and style (none for rejects of
/// unreadable input).
pub type WrittenKey = (usize, Option<String>);

/// Appends whole lines to a JSONL file.
#[derive(Debug)]
pub struct RecordWriter {
    path: PathBuf,
    file: File,
}

impl RecordWriter {
    /// Opens (or creates) `path`; returns the writer and the `input_index`
    /// (and `style`, when present) of every complete record already in it.
    pub fn open(path: &Path) -> std::io::Result<(Self, Vec<WrittenKey>)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        let mut done = Vec::new();
        crate::lines::recover::<serde_json::Value>(&mut file, |_, _, value| {
            if let Some(index) = value.get("input_index").and_then(serde_json::Value::as_u64) {
                let style = value.get("style").and_then(|s| s.as_str()).map(str::to_owned);
                done.push((index as usize, style));
            }
        })?;
        Ok((
            Self {
                path: path.to_path_buf(),
                file,
            },
            done,
        ))
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
