//! A small file beside each output that says how far its run got, kept up
//! to date while it runs and written once more at the end — what
//! `chunksynth status` reads over every shard of a job, the run itself
//! long gone. Written aside and renamed, so a reader never sees half of
//! one.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::output::with_suffix;

/// Where the progress of the run writing `output` is kept.
pub fn progress_path(output: &Path) -> PathBuf {
    with_suffix(output, ".progress.json")
}

/// What a run is doing, as its progress file last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Running,
    /// Ended with the whole input read and nothing left to retry.
    Finished,
    /// Ended early (a signal, a budget, an outage, a refused key) or with
    /// retryable failures: a rerun has work to do.
    Stopped,
}

/// A run's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub state: RunState,
    /// Why the run stopped, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_because: Option<String>,
    /// Items with a record: written by this run or found done.
    pub done: usize,
    /// Items rejected for good (`invalid_input`, `fidelity`, …).
    pub rejected: usize,
    /// Items that failed in a way a rerun retries.
    pub retryable: usize,
    /// Share of the input settled, when its size is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_done: Option<f64>,
    /// Tokens billed for this output, earlier runs included.
    pub tokens: u64,
    /// What they cost, when prices were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    pub updated_unix_ms: u64,
}

/// Writes `progress` for `output` (aside, then renamed).
pub(crate) fn write_progress(output: &Path, progress: &Progress) -> std::io::Result<()> {
    let path = progress_path(output);
    let tmp = with_suffix(&path, ".tmp");
    let json = serde_json::to_vec_pretty(progress).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, &path)
}

/// The progress file of `output`, if there is one that reads.
pub fn read_progress(output: &Path) -> Option<Progress> {
    let bytes = std::fs::read(progress_path(output)).ok()?;
    serde_json::from_slice(&bytes).ok()
}
