//! A store `--output` (`s3://bucket/out/`): the run writes into a local work
//! dir as it would to a local output, and the runner's publisher uploads
//! parts from there under a lease that keeps a second writer out.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use chunksynth_runner::remote::{self, Lease, LeaseError, Publisher, RemoteOutput, WorkFiles};
use chunksynth_runner::{DataFormat, RunConfig, Shard};

use crate::args::CorpusArgs;

/// The store URL `--output` names, if it names one.
pub(crate) fn url(corpus: &CorpusArgs) -> Option<&str> {
    corpus.output.to_str().filter(|s| remote::is_url(s))
}

/// `--work-dir`, else a folder named after the output and shard.
pub(crate) fn work_dir(corpus: &CorpusArgs, url: &str, shard: Option<Shard>) -> PathBuf {
    corpus
        .work_dir
        .clone()
        .unwrap_or_else(|| remote::default_work_dir(url, shard))
}

/// A store output opened for a run: its parts restored into the work dir
/// when the work dir is new, and, unless `dry_run`, its lease held.
#[derive(Debug)]
pub(crate) struct StoreOutput {
    pub(crate) output: Arc<RemoteOutput>,
    lease: Option<Arc<Lease>>,
    part_seconds: u64,
}

/// Opens the store output of `config`, if `--output` is one. A live lease
/// held by another run is a usage error (exit 2) that says whose it is.
pub(crate) async fn open(
    config: &RunConfig,
    corpus: &CorpusArgs,
    dry_run: bool,
    quiet: bool,
) -> Result<Option<StoreOutput>> {
    let Some(url) = url(corpus).map(str::to_owned) else {
        return Ok(None);
    };
    let shard = config.shard;
    let dir = work_dir(corpus, &url, shard);
    let shown_dir = dir.display().to_string();
    let format = match corpus.output_format.as_deref() {
        Some(f) => DataFormat::parse(f).map_err(|e| anyhow::anyhow!("--output-format: {e}"))?,
        None => DataFormat::Jsonl,
    };
    let per_part = if corpus.output_format.is_some() {
        corpus.output_records_per_file
    } else {
        usize::MAX
    };
    let files = WorkFiles::of(config);
    let ttl = std::time::Duration::from_secs(corpus.lease_seconds.max(3));
    let part_seconds = corpus.part_seconds;
    let opened = tokio::task::spawn_blocking(move || -> Result<StoreOutput> {
        let lease = if dry_run {
            None
        } else {
            match Lease::acquire(&url, &remote::shard_tag(shard), &dir, ttl) {
                Ok(l) => Some(Arc::new(l)),
                Err(LeaseError::Refused(r)) => return Err(r.into()),
                Err(LeaseError::Store(e)) => return Err(store_error(e)),
            }
        };
        let output = RemoteOutput::open(&url, shard, &dir, format, per_part, files).map_err(store_error)?;
        Ok(StoreOutput {
            output: Arc::new(output),
            lease,
            part_seconds,
        })
    })
    .await??;
    if !quiet {
        let restored = opened.output.restored_records();
        eprintln!(
            "output {}: parts are published every {} s and at the end; work dir {}{}",
            opened.output.shown(),
            corpus.part_seconds,
            shown_dir,
            if restored > 0 {
                format!(" (restored {restored} records from the store)")
            } else {
                String::new()
            }
        );
    }
    Ok(Some(opened))
}

/// A store error in the CLI's terms: the user's fix (credentials, a missing
/// bucket, a bad URL) is exit 2, anything else exit 3 (rerun later).
fn store_error(e: std::io::Error) -> anyhow::Error {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied
        | ErrorKind::NotFound
        | ErrorKind::InvalidInput
        | ErrorKind::InvalidData => e.into(),
        _ => StoreUnavailable(e.to_string()).into(),
    }
}

/// The output store did not answer (after the client's retries): exit 3,
/// rerun later; nothing was lost.
#[derive(Debug)]
pub(crate) struct StoreUnavailable(String);

impl std::fmt::Display for StoreUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the output store: {}; nothing was lost, rerun the same command when it answers",
            self.0
        )
    }
}

impl std::error::Error for StoreUnavailable {}

impl StoreOutput {
    /// Publishes and renews during the run; a lease lost to another run
    /// stops it at once through `stop`.
    pub(crate) fn start(&self, stop: Arc<tokio::sync::watch::Sender<u8>>) -> Option<Publisher> {
        let lease = self.lease.clone()?;
        Some(Publisher::spawn(
            self.output.clone(),
            lease,
            std::time::Duration::from_secs(self.part_seconds),
            move |why| {
                eprintln!("\nerror: {why}; stopping at once, nothing more is published by this run");
                stop.send_modify(|level| *level = (*level).max(2));
            },
        ))
    }
}
