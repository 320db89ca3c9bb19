//! The command line: every subcommand's options, under their headings, and the
//! defaults the settings types own shown in help.

use super::*;

/// The style a rephrase run uses when it names none.
pub(crate) const DEFAULT_STYLE: &str = "textbook";

pub(crate) const AFTER_HELP: &str = "\
Environment:
  LLM_API_KEY    API key (required except for endpoints on 127.0.0.1/localhost)
  LLM_MODEL      model ID        [default: stepfun/step-3.5-flash:free]
  LLM_BASE_URL   base URL        [default: https://openrouter.ai/api/v1]
  JUDGE_API_KEY  the judge's key, with --judge-base-url
  NO_COLOR       no colour in progress output

Exit codes:
  0    every item done
  1    every item done or rejected for good, by this run or an earlier
       one (see the rejects file)
  2    usage or configuration error, a refused key or model, or another
       run holds the output; nothing is marked failed
  3    records are missing (an outage past --outage-timeout, retryable
       failures, disk full, I/O); rerun the same command to resume
  4    a --max-cost/--max-tokens budget is spent (earlier runs count)
  130  interrupted (SIGINT/SIGTERM); rerun the same command to resume";

/// A judge model for what the lexical checks cannot read.
#[derive(Args, Debug, Clone)]
pub(crate) struct JudgeArgs {
    /// Ask a judge model about chunks the gate passed. `suspicious`: only
    /// chunks with suspicions, and only about what they point at ("is this
    /// rewrite sentence supported by the source?", "is this source sentence
    /// in the rewrite?"); `all`: every chunk judged whole, one call each (a
    /// bare --llm-judge). A "not supported" is repaired like a gate finding.
    /// On generate, either mode asks about the key points QC cannot find
    /// by their words before redrafting for them.
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        num_args = 0..=1,
        default_value = "off",
        default_missing_value = "all",
        help_heading = "Judge"
    )]
    pub(crate) llm_judge: JudgeModeArg,
    /// How `suspicious` asks: `chat` (a general model; every question of a
    /// chunk in one call, JSON verdicts with evidence) or `claim` (a
    /// grounding checker such as MiniCheck or FaithLens: one "Document: …
    /// Claim: …" call per question, answered Yes or No).
    #[arg(long, value_enum, default_value = "chat", help_heading = "Judge")]
    pub(crate) judge_format: JudgeFormatArg,
    /// The judge's model ID [default: the run's model].
    #[arg(long, value_name = "MODEL", help_heading = "Judge")]
    pub(crate) judge_model: Option<String>,
    /// The judge's endpoint, with its key in JUDGE_API_KEY (the run's key
    /// goes only to the run's own hosts) [default: the run's endpoints].
    #[arg(long, value_name = "URL", help_heading = "Judge")]
    pub(crate) judge_base_url: Option<String>,
    /// The most questions asked about one chunk under `suspicious`.
    #[arg(long, value_name = "N", help_heading = "Judge")]
    pub(crate) judge_max_claims: Option<usize>,
    /// USD per million prompt tokens of the judge's model.
    #[arg(long, help_heading = "Judge")]
    pub(crate) price_judge_input: Option<f64>,
    /// USD per million completion tokens of the judge's model.
    #[arg(long, help_heading = "Judge")]
    pub(crate) price_judge_output: Option<f64>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JudgeModeArg {
    Off,
    Suspicious,
    All,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JudgeFormatArg {
    Chat,
    Claim,
}

#[derive(Parser, Debug)]
#[command(name = "chunksynth", version, args_override_self = true, about = "Turn long documents into LLM pre-training data, chunk by chunk.", after_help = AFTER_HELP)]
pub(crate) struct Cli {
    /// Optional TOML file with settings (model, endpoints, sampling, chunking, attempts, concurrency, style bounds; see the README); flags and the environment win.
    #[arg(long, global = true, value_name = "FILE", help_heading = "Logging")]
    pub(crate) config: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true, help_heading = "Logging")]
    pub(crate) quiet: bool,
    /// Print more (per-document events, and an operator log at info level).
    #[arg(long, short, global = true, action = clap::ArgAction::Count, help_heading = "Logging")]
    pub(crate) verbose: u8,
    /// The operator log's format on stderr (retries, endpoint ejections,
    /// cap changes, rejects, journal replays at debug). Levels from
    /// RUST_LOG (e.g. RUST_LOG=debug); without it, the log is on at info
    /// when this flag or -v is given, off otherwise. Never prints the key.
    #[arg(long, global = true, value_enum, help_heading = "Logging")]
    pub(crate) log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Rewrite documents chunk by chunk in one or more styles.
    #[command(after_help = "Examples:
  chunksynth rephrase --input examples/sample.jsonl --output out.jsonl --demo
  chunksynth rephrase --input corpus.jsonl --output out.jsonl \\
      --style textbook
  chunksynth rephrase --input docs/ --output out.jsonl \\
      --styles textbook,narrative --variants 2
  LLM_BASE_URL=http://127.0.0.1:8000/v1 chunksynth rephrase \\
      --input - --output out.jsonl
  chunksynth rephrase --input corpus.jsonl --output out.jsonl \\
      --dry-run --price-input 0.2 --price-output 0.8
  chunksynth rephrase --input corpus.jsonl --output out.jsonl --shard 3/8

Resume: rerun the same command. Finished model calls are replayed from
the journal (<output>.journal.jsonl); an item (record id, style, source
text) already in the output is skipped, an edited one is redone and its
old record dropped. A changed configuration on an existing output is
refused (exit 2) unless --restart.")]
    Rephrase(Box<RephraseArgs>),
    /// Generate long texts from a plan or a topic.
    #[command(after_help = "Examples:
  chunksynth generate --topic \"The history of tea\" --output tea.jsonl --demo
  chunksynth generate --topic \"The history of Rust\" \\
      --target-tokens 3000 --output rust.jsonl
  chunksynth generate --manual-plan plan.json --output out.jsonl
  chunksynth generate --topics topics.jsonl --output out.jsonl

A line of topics.jsonl (one spec a line; `plan-schema --example` prints a
whole plan for --manual-plan):
  {\"id\": \"tea-1\", \"topic\": \"The history of tea\",
   \"target_tokens\": 3000, \"audience\": \"students\", \"tone\": \"plain\"}")]
    Generate(Box<GenerateArgs>),
    /// List the style catalogue.
    Styles,
    /// Print the JSON schema of a generation plan.
    #[command(after_help = "Examples:
  chunksynth plan-schema > plan.schema.json
  chunksynth plan-schema --example > plan.json
  chunksynth generate --manual-plan plan.json --output out.jsonl --demo")]
    PlanSchema {
        /// Print a valid example plan instead of the schema.
        #[arg(long)]
        example: bool,
    },
    /// One self-contained HTML page over a run's output: overview, quality
    /// histograms, records to browse with each source beside its rewrite
    /// and what the checks quote marked. No network; it holds corpus text.
    #[command(after_help = "Examples:
  chunksynth report out.jsonl --input corpus.jsonl -o report.html
  chunksynth report out.jsonl --sample 50 --seed 7 --review
  (open report.html#outcome=kept%20best to see only those)")]
    Report {
        /// The --output of the run (JSONL; for a sharded run, the name
        /// before .shard-IIII-of-NNNN).
        output: PathBuf,
        /// The run's input (JSONL), to show each source beside its rewrite.
        #[arg(long)]
        input: Option<PathBuf>,
        /// The text field of the input.
        #[arg(long, default_value = "text")]
        text_field: String,
        /// Where to write the page.
        #[arg(short = 'o', long = "out", default_value = "report.html")]
        page: PathBuf,
        /// Records kept for browsing (a random sample; totals count all).
        #[arg(long, default_value_t = crate::page::DEFAULT_SAMPLE)]
        sample: usize,
        /// The sample's seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Also write <page>.review.csv: one row a shown record, with empty
        /// verdict and note columns for reviewers.
        #[arg(long)]
        review: bool,
        /// Price per million prompt tokens, for the cost in the overview
        /// (with --price-output). Without prices the cost is what the
        /// runs' progress files say, when they say it.
        #[arg(long, requires = "price_output")]
        price_input: Option<f64>,
        /// Price per million completion tokens.
        #[arg(long, requires = "price_input")]
        price_output: Option<f64>,
    },
    /// How far a run, or every shard of one, has got: done, rejected, left
    /// to retry, tokens, cost, last update, from the progress files runs
    /// keep beside their outputs. Exit 0: every shard finished with nothing
    /// rejected; 1: finished, with rejects; 3: some shard is unfinished,
    /// stopped or never started.
    #[command(after_help = "Examples:
  chunksynth status out.jsonl          (out.jsonl and every out.shard-*)
  chunksynth status out.jsonl --json")]
    Status {
        /// The --output of the run (for a sharded run, the name before
        /// .shard-IIII-of-NNNN).
        output: PathBuf,
        /// One JSON object: shards, states, totals, exit code.
        #[arg(long)]
        json: bool,
        /// A running shard silent for longer is flagged.
        #[arg(long, value_name = "MINUTES", default_value_t = 10)]
        silent_after: u64,
    },
}

#[derive(Args, Debug, Clone, Default)]
pub(crate) struct ModelArgs {
    /// Model ID [env: LLM_MODEL].
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) model: Option<String>,
    /// Base URL up to /v1; repeat for an endpoint pool [env: LLM_BASE_URL].
    #[arg(long = "base-url", value_name = "URL", help_heading = "Model and endpoint")]
    pub(crate) base_urls: Vec<String>,
    /// Sampling temperature [default: the server's].
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) temperature: Option<f32>,
    /// Nucleus sampling [default: the server's].
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) top_p: Option<f32>,
    /// Most tokens one call may write.
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) max_new_tokens: Option<u32>,
    /// Requests in flight at most (the adaptive cap starts here).
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) max_in_flight: Option<usize>,
    /// Retries of one call after a transient failure or a rate limit
    /// [default: 6]; what is still failing after them is retried by a rerun.
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) max_retries: Option<u32>,
    /// Allow sending the API key over plain http:// to a host that is not
    /// loopback (a private network you trust).
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) allow_insecure_http: bool,
    /// Ask for streamed answers.
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) stream: bool,
    /// Send each call's priority (long documents first) in vLLM's
    /// `priority` field; only for a vLLM server started with
    /// --scheduling-policy priority.
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) server_priority: bool,
    /// Price per million input tokens, for cost reports and --max-cost.
    #[arg(long, help_heading = "Budgets and prices")]
    pub(crate) price_input: Option<f64>,
    /// Price per million output tokens.
    #[arg(long, help_heading = "Budgets and prices")]
    pub(crate) price_output: Option<f64>,
}

/// How prompts show the text already rewritten (docs/BENCHMARKS.md compares
/// their token costs and prefix-cache reuse).
#[derive(ValueEnum, Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Layout {
    /// The last --prefix-window-tokens before each chunk: fewest tokens.
    Rolling,
    /// The window's start stays put until it doubles.
    Sticky,
    /// Earlier chunks and rewrites as chat turns, up to --history-tokens:
    /// more tokens, most of them reusable by a server's prefix cache.
    Conversation,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub(crate) enum OnFailure {
    KeepBest,
    FallBackToSource,
    FailDocument,
}

/// Flags every corpus job shares: files, scheduling, budgets, resume.
#[derive(Args, Debug, Clone)]
pub(crate) struct CorpusArgs {
    /// The output: one record per item and variant, as JSONL (`.jsonl`),
    /// compressed JSONL (`.jsonl.gz`, `.jsonl.zst`) or Parquet (`.parquet`,
    /// or a folder with --output-format); or an object-store prefix
    /// (`s3://bucket/out/`, `gs://`, `az://`) that receives parts as the run
    /// goes (see --work-dir, --part-seconds).
    #[arg(long, short, help_heading = "Output")]
    pub(crate) output: PathBuf,
    /// Keep a report page of the run at FILE (the page `chunksynth report`
    /// makes), rewritten every --report-seconds during the run and once
    /// more at its end.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub(crate) report: Option<PathBuf>,
    /// With --report: how often the page is rewritten during the run.
    #[arg(
        long,
        default_value_t = 60,
        value_name = "SECONDS",
        requires = "report",
        help_heading = "Output"
    )]
    pub(crate) report_seconds: u64,
    /// With a store --output: the local folder for the run's journal,
    /// working file, rejects and state [default: a folder named after the
    /// output under the system's temporary folder]. Losing it costs the
    /// records not yet published, not the run.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub(crate) work_dir: Option<PathBuf>,
    /// With a store --output: publish the records finished since the last
    /// part as a new part this often (and at the end).
    #[arg(long, default_value_t = 300, value_name = "SECONDS", help_heading = "Output")]
    pub(crate) part_seconds: u64,
    /// With a store --output: the writer's lease on the output lasts this
    /// long unless renewed (every third of it); a second writer is refused
    /// while it lasts, and may take it over once it has lapsed.
    #[arg(long, default_value_t = 60, value_name = "SECONDS", help_heading = "Output")]
    pub(crate) lease_seconds: u64,
    /// Rejects file [default: <output>.rejects.jsonl].
    #[arg(long, help_heading = "Output")]
    pub(crate) rejects: Option<PathBuf>,
    /// Journal of finished calls [default: <output>.journal.jsonl].
    #[arg(long, help_heading = "Output")]
    pub(crate) journal: Option<PathBuf>,
    /// o200k, cl100k, words, chars, or a path to a tokenizer.json.
    #[arg(long, default_value = "o200k", help_heading = "Styles and prompts")]
    pub(crate) tokenizer: String,
    /// Prompt language: en or zh.
    #[arg(long, default_value = "en", help_heading = "Styles and prompts")]
    pub(crate) language: String,
    /// Items in flight (in batch mode: a round, --batch-max-requests).
    #[arg(long, help_heading = "Model and endpoint")]
    pub(crate) concurrency: Option<usize>,
    /// Send the calls in wavefront rounds through this batch runner, run
    /// per round with the OpenAI batch file format: `{input}` and
    /// `{output}` are replaced by the round's files, e.g.
    /// 'vllm run-batch -i {input} -o {output} --model M'. Each round holds
    /// the next call of every document in flight.
    #[arg(
        long,
        value_name = "COMMAND",
        conflicts_with = "batch",
        help_heading = "Batch"
    )]
    pub(crate) batch_command: Option<String>,
    /// Send the calls in wavefront rounds through the endpoint's
    /// OpenAI-compatible Batch API (/v1/files, /v1/batches): about half the
    /// price at OpenAI, each round taking up to the completion window.
    #[arg(long, help_heading = "Batch")]
    pub(crate) batch: bool,
    /// Run on the built-in demo model instead of an endpoint: no server,
    /// no key, no cost. It restyles lightly and keeps names, numbers and
    /// code, writes valid plans and sections; records name the model
    /// `chunksynth-demo`. For trying the tool, not for data.
    #[arg(long, conflicts_with_all = ["batch", "batch_command"], help_heading = "Model and endpoint")]
    pub(crate) demo: bool,
    /// Wait up to SECONDS for an endpoint that is starting (a server still
    /// loading its model) before the run begins. Without it, a run whose
    /// endpoints do not answer at all stops at once with exit 3.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 0,
        help_heading = "Model and endpoint"
    )]
    pub(crate) wait_for_endpoint: u64,
    /// The completion window asked of each batch.
    #[arg(long, default_value = "24h", help_heading = "Batch")]
    pub(crate) batch_window: String,
    /// With --batch: the share of the online prices a batch is billed
    /// (OpenAI: half), for cost reports and --max-cost.
    #[arg(long, default_value_t = 0.5, help_heading = "Budgets and prices")]
    pub(crate) price_batch_discount: f64,
    /// The most requests in one batch round.
    #[arg(long, default_value_t = 50_000, help_heading = "Batch")]
    pub(crate) batch_max_requests: usize,
    /// The most MB of requests in one batch round (OpenAI's file limit is
    /// 200 MB).
    #[arg(long, default_value_t = 190, help_heading = "Batch")]
    pub(crate) batch_max_mb: usize,
    /// Items read ahead; the longest of them starts first, so that long
    /// items do not start late and set the run's end (1: input order).
    /// Records are written as they finish, each with its input_index.
    #[arg(long, default_value_t = 1024, help_heading = "Input")]
    pub(crate) lookahead: usize,
    /// This machine's shard, I/N; `auto` reads it from SLURM_ARRAY_TASK_ID/
    /// COUNT, or JOB_COMPLETION_INDEX with --shard-count (never implicitly).
    #[arg(long, help_heading = "Input")]
    pub(crate) shard: Option<String>,
    /// Number of shards, when the scheduler's environment does not say.
    #[arg(long, help_heading = "Input")]
    pub(crate) shard_count: Option<usize>,
    /// The output was made with another configuration: set it (and its
    /// rejects) aside as <name>.replaced-<time> and start over.
    #[arg(long, help_heading = "Output")]
    pub(crate) restart: bool,
    /// Seconds to wait out an unavailable endpoint: documents that fail
    /// for it are held and one at a time probes until it is back; past
    /// this, the run stops with exit 3 (rerun to resume). 0: no waiting,
    /// each such document becomes a retryable reject at once.
    #[arg(
        long,
        default_value_t = 1800,
        value_name = "SECS",
        help_heading = "Run control"
    )]
    pub(crate) outage_timeout: u64,
    /// After a first SIGTERM or Ctrl-C: no new call starts, and calls in
    /// flight get this long to answer (their answers are journaled); then
    /// the run exits 130 and the rerun resumes every document from the
    /// journal. Keep it under the scheduler's kill delay (Slurm's KillWait,
    /// Kubernetes' terminationGracePeriodSeconds: 30 s by default).
    #[arg(long, value_name = "SECS", help_heading = "Run control")]
    pub(crate) grace_seconds: Option<u64>,
    /// Stop taking items once this much is spent (needs prices).
    #[arg(long, help_heading = "Budgets and prices")]
    pub(crate) max_cost: Option<f64>,
    /// Stop taking items once this many tokens are spent.
    #[arg(long, help_heading = "Budgets and prices")]
    pub(crate) max_tokens: Option<u64>,
    /// Run the job over a local model that answers in kind and count what
    /// would be sent: calls, tokens and cost. Sends nothing.
    #[arg(long, help_heading = "Run control")]
    pub(crate) dry_run: bool,
    /// Write the run summary as JSON here.
    #[arg(long, help_heading = "Output")]
    pub(crate) summary: Option<PathBuf>,
    /// Name of the id field or column (a dotted path reaches into nested
    /// JSON; a missing id is derived from the record's content).
    #[arg(long, default_value = "id", help_heading = "Input")]
    pub(crate) id_field: String,
    /// The input's format when its file names do not say: jsonl, jsonl.gz,
    /// jsonl.zst, parquet, or text (a folder of .txt/.md files). By default
    /// from each file's extension; a folder or a glob (`'data/*.parquet'`)
    /// is read as its shards in sorted order.
    #[arg(long, value_name = "FORMAT", help_heading = "Input")]
    pub(crate) input_format: Option<String>,
    /// Input fields or columns carried into every output record unchanged
    /// (comma-separated, e.g. url,language,score).
    #[arg(
        long,
        value_delimiter = ',',
        conflicts_with = "keep_all_fields",
        help_heading = "Input"
    )]
    pub(crate) keep_fields: Vec<String>,
    /// Carry every input field but the id and text into the output records.
    #[arg(long, help_heading = "Input")]
    pub(crate) keep_all_fields: bool,
    /// Ids are unique only within each input shard: prefix every id with
    /// its shard's file name (`train-00003.parquet/17`).
    #[arg(long, help_heading = "Input")]
    pub(crate) ids_per_shard: bool,
    /// Write --output as a folder of parts in this format (parquet,
    /// jsonl.zst, jsonl.gz, jsonl): part-00000.parquet, ...; with a store
    /// --output, the format of its parts (default jsonl).
    #[arg(long, value_name = "FORMAT", help_heading = "Output")]
    pub(crate) output_format: Option<String>,
    /// With --output-format: records per part file.
    #[arg(
        long,
        default_value_t = 100_000,
        requires = "output_format",
        help_heading = "Output"
    )]
    pub(crate) output_records_per_file: usize,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct RephraseArgs {
    /// The input: JSONL, compressed JSONL (.jsonl.gz, .jsonl.zst), Parquet,
    /// a single .txt/.md file, a folder of shards or of .txt/.md files, a
    /// glob ('data/train-*.parquet'), or - for JSONL on stdin.
    #[arg(long, short, help_heading = "Input")]
    pub(crate) input: String,
    /// One style (see `chunksynth styles`).
    #[arg(long, conflicts_with = "styles", help_heading = "Styles and prompts")]
    pub(crate) style: Option<String>,
    /// Several styles, comma-separated; with --variants, the pool to choose from.
    #[arg(long, value_delimiter = ',', help_heading = "Styles and prompts")]
    pub(crate) styles: Vec<String>,
    /// Styles per document, chosen deterministically by --seed.
    #[arg(long, default_value_t = 0, help_heading = "Styles and prompts")]
    pub(crate) variants: usize,
    /// Seed for choosing variant styles (same seed, same styles).
    #[arg(long, default_value_t = 0, help_heading = "Styles and prompts")]
    pub(crate) seed: u64,
    /// Hard token budget per chunk [default: 512].
    #[arg(long, help_heading = "Chunking")]
    pub(crate) chunk_tokens: Option<usize>,
    /// Read-only source tokens shown before each chunk [default: 64].
    #[arg(long, help_heading = "Chunking")]
    pub(crate) overlap_tokens: Option<usize>,
    /// Tokens of already-rewritten text shown before each chunk [default: 256].
    #[arg(long, help_heading = "Chunking")]
    pub(crate) prefix_window_tokens: Option<usize>,
    /// How prompts show the text already rewritten [default: rolling].
    #[arg(long, value_enum, help_heading = "Chunking")]
    pub(crate) window_layout: Option<Layout>,
    /// With --window-layout conversation: tokens of earlier chunks and
    /// rewrites a conversation holds before it starts afresh [default: 2048].
    #[arg(long, help_heading = "Chunking")]
    pub(crate) history_tokens: Option<usize>,
    /// Tokens of the document head shown with every chunk (0: off).
    #[arg(long, help_heading = "Chunking")]
    pub(crate) anchor_tokens: Option<usize>,
    /// Attempts per chunk before the failure policy applies.
    #[arg(long, help_heading = "Gate")]
    pub(crate) max_attempts: Option<u32>,
    /// What to do with a chunk no attempt made faithful.
    #[arg(long, value_enum, default_value = "keep-best", help_heading = "Gate")]
    pub(crate) on_failure: OnFailure,
    /// Keep every attempt's text in provenance (`attempts[].text`), so that
    /// `chunksynth report` shows what each repair replaced; records grow by
    /// the failed attempts' texts.
    #[arg(long, help_heading = "Gate")]
    pub(crate) keep_attempt_texts: bool,
    /// Weighted fidelity score a rewrite needs (0–1).
    #[arg(long, help_heading = "Gate")]
    pub(crate) fidelity_threshold: Option<f64>,
    /// Fail a chunk (repair, then --on-failure) when the alignment checks
    /// raise more than N suspicions (flipped negations, reversed
    /// directions, swapped names, omissions, additions). Default: never;
    /// suspicions are recorded in `fidelity.suspicions`, not repaired, since
    /// they flag a quarter to a half of good restyles of unseen text.
    /// 0 repairs every suspicion, as the gate did before they were kept apart.
    #[arg(long, value_name = "N", help_heading = "Gate")]
    pub(crate) max_suspicions: Option<usize>,
    #[command(flatten)]
    pub(crate) judge: JudgeArgs,
    /// Name of the text field in JSONL input.
    #[arg(long, default_value = "text", help_heading = "Input")]
    pub(crate) text_field: String,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
    #[command(flatten)]
    pub(crate) model: ModelArgs,
}

/// What to do with a generated text whose QC report did not pass.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub(crate) enum OnQcFailure {
    /// Write it with qc_report.passed = false.
    Keep,
    /// Reject it (kind `qc`).
    Reject,
}

#[derive(Args, Debug, Clone)]
pub(crate) struct GenerateArgs {
    /// JSONL of specs, or - for stdin: one per line, a topic spec
    /// ({"id", "topic", "target_tokens", "objective", "audience", "tone"})
    /// or a whole plan ({"id", "plan": {...}}; see `chunksynth plan-schema`).
    #[arg(long, conflicts_with_all = ["topic", "manual_plan"], help_heading = "Input")]
    pub(crate) topics: Option<String>,
    /// One topic to write about (a plan is generated first).
    #[arg(long, conflicts_with = "manual_plan", help_heading = "Input")]
    pub(crate) topic: Option<String>,
    /// With --topic: what the text should achieve.
    #[arg(long, default_value = "", help_heading = "Input")]
    pub(crate) objective: String,
    /// With --topic: total length in tokens.
    #[arg(long, default_value_t = 2000, help_heading = "Input")]
    pub(crate) target_tokens: usize,
    /// With --topic: who the text is for.
    #[arg(long, default_value = "", help_heading = "Input")]
    pub(crate) audience: String,
    /// With --topic: how it should sound.
    #[arg(long, default_value = "", help_heading = "Input")]
    pub(crate) tone: String,
    /// One plan file (JSON; see `chunksynth plan-schema`).
    #[arg(long, alias = "manual-plan-path", help_heading = "Input")]
    pub(crate) manual_plan: Option<PathBuf>,
    /// What to do with a text whose QC report did not pass.
    #[arg(long, value_enum, default_value = "keep", help_heading = "Gate")]
    pub(crate) on_qc_failure: OnQcFailure,
    /// Skip the consistency pass (one call less per section).
    #[arg(long, help_heading = "Gate")]
    pub(crate) no_consistency_pass: bool,
    /// Tokens of the text so far shown before each section [default: 512].
    #[arg(long, help_heading = "Chunking")]
    pub(crate) prefix_window_tokens: Option<usize>,
    #[command(flatten)]
    pub(crate) judge: JudgeArgs,
    #[command(flatten)]
    pub(crate) corpus: CorpusArgs,
    #[command(flatten)]
    pub(crate) model: ModelArgs,
}

/// The defaults that live in the settings types, shown in help from there
/// (flags whose absence means "the configuration's value" cannot carry a
/// clap default without overriding the config file).
pub(crate) fn with_defaults(cmd: clap::Command) -> clap::Command {
    let p = chunksynth_rephrase::PipelineConfig::default();
    let limits = chunksynth_backend_openai::Limits::default();
    let shown: Vec<(&str, String)> = vec![
        ("style", DEFAULT_STYLE.to_owned()),
        ("chunk_tokens", p.chunk_tokens.to_string()),
        ("overlap_tokens", p.overlap_tokens.to_string()),
        ("prefix_window_tokens", p.prefix_window_tokens.to_string()),
        ("history_tokens", p.history_tokens.to_string()),
        ("anchor_tokens", p.anchor_tokens.to_string()),
        ("max_attempts", p.max_attempts.to_string()),
        ("judge_max_claims", p.judge_max_claims.to_string()),
        ("fidelity_threshold", p.fidelity.threshold.to_string()),
        (
            "max_retries",
            chunksynth_backend_openai::RetryPolicy::default()
                .max_retries
                .to_string(),
        ),
        ("max_in_flight", limits.max_in_flight.to_string()),
        ("concurrency", chunksynth_runner::DEFAULT_CONCURRENCY.to_string()),
        (
            "grace_seconds",
            chunksynth_runner::DEFAULT_GRACE.as_secs().to_string(),
        ),
    ];
    let annotate = |mut sub: clap::Command| {
        for (id, value) in &shown {
            if sub.get_arguments().any(|a| a.get_id() == *id) {
                sub = sub.mut_arg(*id, |a| {
                    let help = a.get_help().map(ToString::to_string).unwrap_or_default();
                    let long = a.get_long_help().map(ToString::to_string);
                    let a = a.help(format!("{help} [default: {value}]"));
                    match long {
                        Some(l) => a.long_help(format!("{l} [default: {value}]")),
                        None => a,
                    }
                });
            }
        }
        sub
    };
    cmd.mut_subcommand("rephrase", annotate)
        .mut_subcommand("generate", annotate)
}
