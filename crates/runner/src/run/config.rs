//! What a run is told: its files, job, limits and budgets ([`RunConfig`]).

use super::*;

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

/// The grace period calls in flight get after a first stop signal.
pub const DEFAULT_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

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
    pub(super) fn export(&self) -> std::io::Result<usize> {
        let working = self.records_path();
        match self.output_parts {
            Some(p) => crate::datasets::export_parts(&working, &self.output, p.format, p.records_per_file),
            None => crate::datasets::export(&working, &self.output, self.output_format()),
        }
    }

    /// Rebuilds the working file from a finished output.
    pub(super) fn import(&self) -> std::io::Result<usize> {
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

/// Items in flight when a run does not say (online; batch mode sends a
/// round's worth).
pub const DEFAULT_CONCURRENCY: usize = 8;
