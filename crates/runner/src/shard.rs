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
