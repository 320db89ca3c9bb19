//! Sharding a corpus across machines by a stable hash of the record id.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::input::InputRecord;

/// One shard of `count`, chosen by a stable hash of the document id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// `out.jsonl` → `out.shard-0003-of-0008.jsonl`: the file `output` names
/// for one shard (each shard writes its own files). The one place the
/// shard file names are made and read.
pub fn shard_file(output: &std::path::Path, shard: Shard) -> std::path::PathBuf {
    let (stem, ext) = stem_and_ext(output);
    output.with_file_name(format!(
        "{stem}.shard-{:04}-of-{:04}{ext}",
        shard.index, shard.count
    ))
}

/// The shards' files beside `output` whose names end in `suffix` after the
/// output's own (`""` for the records, `".progress.json"` for progress
/// files): each shard and its output's path, in shard order.
pub fn shard_files_beside(output: &std::path::Path, suffix: &str) -> Vec<(Shard, std::path::PathBuf)> {
    let dir = output
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let (stem, ext) = stem_and_ext(output);
    let prefix = format!("{stem}.shard-");
    let mut found: Vec<(Shard, std::path::PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rest = name
                .strip_prefix(&prefix)?
                .strip_suffix(suffix)?
                .strip_suffix(ext.as_str())?;
            let (index, count) = rest.split_once("-of-")?;
            let shard = Shard {
                index: index.parse().ok()?,
                count: count.parse().ok()?,
            };
            Some((shard, shard_file(output, shard)))
        })
        .collect();
    found.sort_by_key(|(s, _)| (s.index, s.count));
    found.dedup_by_key(|(s, _)| s.index);
    found
}

/// A file name's stem and its extension with the dot (`out`, `.jsonl`).
fn stem_and_ext(path: &std::path::Path) -> (String, String) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (stem, ext)
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
