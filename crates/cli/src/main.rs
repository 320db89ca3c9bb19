//! `chunksynth`: rephrase and generate LLM pre-training data at corpus scale.
//!
//! A thin shell over the runner and the pipelines: flags over environment
//! (`LLM_API_KEY`, `LLM_MODEL`, `LLM_BASE_URL`) over an optional TOML file,
//! resolved once (`config::Settings::combine`).
//! Output style: progress and the summary go to stderr (a bar on a terminal,
//! plain periodic lines otherwise, nothing with `--quiet`); `NO_COLOR` turns
//! colour off; data goes only to the files named.
// Flag help is written for the terminal (`<output>.journal.jsonl`), not
// as HTML; the binary's rustdoc is not read as a library's.
#![allow(rustdoc::invalid_html_tags)]

mod config;
mod progress;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chunksynth_backend_openai::{
    ApiKey, BackendConfig, BatchConfig, BatchModel, BatchTransport, EndpointConfig, OpenAiBackend,
};
use chunksynth_chunking::TokenizerSpec;
use chunksynth_generation::{GenerationConfig, GenerationPlan, TopicSpec, plan_schema};
use chunksynth_llm::{LanguageModel, Price, PriceTable, Sampling, env};
use chunksynth_prompts::{Language, STYLES};
use chunksynth_rephrase::{FailurePolicy, PipelineConfig, WindowLayout};
use chunksynth_runner::{
    Budget, DataFormat, InputFormat, InputSource, Job, KeepFields, OutputParts, QcPolicy, RESERVED_FIELDS,
    ReadOptions, RunConfig, RunSummary, Runner, Shard, StopReason, StopSignal, dry_run,
};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Settings;

/// Exit codes, documented in `--help` and the README.
mod exit {
    pub(crate) const OK: u8 = 0;
    pub(crate) const SOME_FAILED: u8 = 1;
    pub(crate) const USAGE: u8 = 2;
    pub(crate) const INCOMPLETE: u8 = 3;
    pub(crate) const BUDGET: u8 = 4;
    pub(crate) const INTERRUPTED: u8 = 130;
}

/// The style a rephrase run uses when it names none.
const DEFAULT_STYLE: &str = "textbook";

const AFTER_HELP: &str = "\
Environment:
  LLM_API_KEY    API key (required except for endpoints on 127.0.0.1/localhost)
  LLM_MODEL      model ID        [default: stepfun/step-3.5-flash:free]
  LLM_BASE_URL   base URL        [default: https://openrouter.ai/api/v1]
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

#[derive(Parser, Debug)]
#[command(name = "chunksynth", version, args_override_self = true, about = "Turn long documents into LLM pre-training data, chunk by chunk.", after_help = AFTER_HELP)]
struct Cli {
    /// Optional TOML file with settings (model, endpoints, sampling, chunking, attempts, concurrency, style bounds; see the README); flags and the environment win.
    #[arg(long, global = true, value_name = "FILE", help_heading = "Logging")]
    config: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true, help_heading = "Logging")]
    quiet: bool,
    /// Print more (per-document events, and an operator log at info level).
    #[arg(long, short, global = true, action = clap::ArgAction::Count, help_heading = "Logging")]
    verbose: u8,
    /// The operator log's format on stderr (retries, endpoint ejections,
    /// cap changes, rejects, journal replays at debug). Levels from
    /// RUST_LOG (e.g. RUST_LOG=debug); without it, the log is on at info
    /// when this flag or -v is given, off otherwise. Never prints the key.
    #[arg(long, global = true, value_enum, help_heading = "Logging")]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Rewrite documents chunk by chunk in one or more styles.
    #[command(after_help = "Examples:
  chunksynth rephrase --input corpus.jsonl --output out.jsonl --style textbook
  chunksynth rephrase --input docs/ --output out.jsonl --styles textbook,narrative --variants 2
  LLM_BASE_URL=http://127.0.0.1:8000/v1 chunksynth rephrase --input - --output out.jsonl
  chunksynth rephrase --input corpus.jsonl --output out.jsonl --dry-run --price-input 0.2 --price-output 0.8
  chunksynth rephrase --input corpus.jsonl --output out.jsonl --shard 3/8

Resume: rerun the same command. Finished model calls are replayed from the
journal (<output>.journal.jsonl); an item (record id, style, source text)
already in the output is skipped, an edited one is redone and its old record
dropped. A changed configuration on an existing output is refused (exit 2)
unless --restart.")]
    Rephrase(Box<RephraseArgs>),
    /// Generate long texts from a plan or a topic.
    #[command(after_help = "Examples:
  chunksynth generate --topic \"The history of Rust\" --target-tokens 3000 --output rust.jsonl
  chunksynth generate --manual-plan plan.json --output out.jsonl
  chunksynth generate --topics topics.jsonl --output out.jsonl   (one TopicSpec per line)")]
    Generate(Box<GenerateArgs>),
    /// List the style catalogue.
    Styles,
    /// Print the JSON schema of a generation plan.
    PlanSchema,
}

#[derive(Args, Debug, Clone, Default)]
struct ModelArgs {
    /// Model ID [env: LLM_MODEL].
    #[arg(long, help_heading = "Model and endpoint")]
    model: Option<String>,
    /// Base URL up to /v1; repeat for an endpoint pool [env: LLM_BASE_URL].
    #[arg(long = "base-url", value_name = "URL", help_heading = "Model and endpoint")]
    base_urls: Vec<String>,
    /// Sampling temperature [default: the server's].
    #[arg(long, help_heading = "Model and endpoint")]
    temperature: Option<f32>,
    /// Nucleus sampling [default: the server's].
    #[arg(long, help_heading = "Model and endpoint")]
    top_p: Option<f32>,
    /// Most tokens one call may write.
    #[arg(long, help_heading = "Model and endpoint")]
    max_new_tokens: Option<u32>,
    /// Requests in flight at most (the adaptive cap starts here).
    #[arg(long, help_heading = "Model and endpoint")]
    max_in_flight: Option<usize>,
    /// Retries of one call after a transient failure or a rate limit
    /// [default: 6]; what is still failing after them is retried by a rerun.
    #[arg(long, help_heading = "Model and endpoint")]
    max_retries: Option<u32>,
    /// Allow sending the API key over plain http:// to a host that is not
    /// loopback (a private network you trust).
    #[arg(long, help_heading = "Model and endpoint")]
    allow_insecure_http: bool,
    /// Ask for streamed answers.
    #[arg(long, help_heading = "Model and endpoint")]
    stream: bool,
    /// Send each call's priority (long documents first) in vLLM's
    /// `priority` field; only for a vLLM server started with
    /// --scheduling-policy priority.
    #[arg(long, help_heading = "Model and endpoint")]
    server_priority: bool,
    /// Price per million input tokens, for cost reports and --max-cost.
    #[arg(long, help_heading = "Budgets and prices")]
    price_input: Option<f64>,
    /// Price per million output tokens.
    #[arg(long, help_heading = "Budgets and prices")]
    price_output: Option<f64>,
}

/// How prompts show the text already rewritten (docs/BENCHMARKS.md compares
/// their token costs and prefix-cache reuse).
#[derive(ValueEnum, Debug, Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Layout {
    /// The last --prefix-window-tokens before each chunk: fewest tokens.
    Rolling,
    /// The window's start stays put until it doubles.
    Sticky,
    /// Earlier chunks and rewrites as chat turns, up to --history-tokens:
    /// more tokens, most of them reusable by a server's prefix cache.
    Conversation,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum LogFormat {
    Text,
    Json,
}

/// The operator log (see `--log-format`), on stderr.
fn init_log(format: Option<LogFormat>, verbose: u8) {
    let filter = match std::env::var("RUST_LOG") {
        Ok(f) if !f.trim().is_empty() => f,
        _ if format.is_some() || verbose > 0 => "info".to_owned(),
        _ => return,
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false);
    let _ = match format {
        Some(LogFormat::Json) => builder.json().try_init(),
        _ => builder.try_init(),
    };
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum OnFailure {
    KeepBest,
    FallBackToSource,
    FailDocument,
}

/// Flags every corpus job shares: files, scheduling, budgets, resume.
#[derive(Args, Debug, Clone)]
struct CorpusArgs {
    /// The output: one record per item and variant, as JSONL (`.jsonl`),
    /// compressed JSONL (`.jsonl.gz`, `.jsonl.zst`) or Parquet (`.parquet`,
    /// or a folder with --output-format).
    #[arg(long, short, help_heading = "Output")]
    output: PathBuf,
    /// Rejects file [default: <output>.rejects.jsonl].
    #[arg(long, help_heading = "Output")]
    rejects: Option<PathBuf>,
    /// Journal of finished calls [default: <output>.journal.jsonl].
    #[arg(long, help_heading = "Output")]
    journal: Option<PathBuf>,
    /// o200k, cl100k, words, chars, or a path to a tokenizer.json.
    #[arg(long, default_value = "o200k", help_heading = "Styles and prompts")]
    tokenizer: String,
    /// Prompt language: en or zh.
    #[arg(long, default_value = "en", help_heading = "Styles and prompts")]
    language: String,
    /// Items in flight [default: 8; with --batch-command, --batch-max-requests].
    #[arg(long, help_heading = "Model and endpoint")]
    concurrency: Option<usize>,
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
    batch_command: Option<String>,
    /// Send the calls in wavefront rounds through the endpoint's
    /// OpenAI-compatible Batch API (/v1/files, /v1/batches): about half the
    /// price at OpenAI, each round taking up to the completion window.
    #[arg(long, help_heading = "Batch")]
    batch: bool,
    /// Run on the built-in demo model instead of an endpoint: no server,
    /// no key, no cost. It restyles lightly and keeps names, numbers and
    /// code, writes valid plans and sections; records name the model
    /// `chunksynth-demo`. For trying the tool, not for data.
    #[arg(long, conflicts_with_all = ["batch", "batch_command"], help_heading = "Model and endpoint")]
    demo: bool,
    /// Wait up to SECONDS for an endpoint that is starting (a server still
    /// loading its model) before the run begins. Without it, a run whose
    /// endpoints do not answer at all stops at once with exit 3.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 0,
        help_heading = "Model and endpoint"
    )]
    wait_for_endpoint: u64,
    /// The completion window asked of each batch.
    #[arg(long, default_value = "24h", help_heading = "Batch")]
    batch_window: String,
    /// With --batch: the share of the online prices a batch is billed
    /// (OpenAI: half), for cost reports and --max-cost.
    #[arg(long, default_value_t = 0.5, help_heading = "Budgets and prices")]
    price_batch_discount: f64,
    /// The most requests in one batch round.
    #[arg(long, default_value_t = 50_000, help_heading = "Batch")]
    batch_max_requests: usize,
    /// The most MB of requests in one batch round (OpenAI's file limit is
    /// 200 MB).
    #[arg(long, default_value_t = 190, help_heading = "Batch")]
    batch_max_mb: usize,
    /// Items read ahead; the longest of them starts first, so that long
    /// items do not start late and set the run's end (1: input order).
    /// Records are written as they finish, each with its input_index.
    #[arg(long, default_value_t = 1024, help_heading = "Input")]
    lookahead: usize,
    /// This machine's shard, I/N; `auto` reads it from SLURM_ARRAY_TASK_ID/
    /// COUNT, or JOB_COMPLETION_INDEX with --shard-count (never implicitly).
    #[arg(long, help_heading = "Input")]
    shard: Option<String>,
    /// Number of shards, when the scheduler's environment does not say.
    #[arg(long, help_heading = "Input")]
    shard_count: Option<usize>,
    /// The output was made with another configuration: set it (and its
    /// rejects) aside as <name>.replaced-<time> and start over.
    #[arg(long, help_heading = "Output")]
    restart: bool,
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
    outage_timeout: u64,
    /// Stop taking items once this much is spent (needs prices).
    #[arg(long, help_heading = "Budgets and prices")]
    max_cost: Option<f64>,
    /// Stop taking items once this many tokens are spent.
    #[arg(long, help_heading = "Budgets and prices")]
    max_tokens: Option<u64>,
    /// Run the job over a local model that answers in kind and count what
    /// would be sent: calls, tokens and cost. Sends nothing.
    #[arg(long, help_heading = "Run control")]
    dry_run: bool,
    /// Write the run summary as JSON here.
    #[arg(long, help_heading = "Output")]
    summary: Option<PathBuf>,
    /// Name of the id field or column (a dotted path reaches into nested
    /// JSON; a missing id is derived from the record's content).
    #[arg(long, default_value = "id", help_heading = "Input")]
    id_field: String,
    /// The input's format when its file names do not say: jsonl, jsonl.gz,
    /// jsonl.zst, parquet, or text (a folder of .txt/.md files). By default
    /// from each file's extension; a folder or a glob (`'data/*.parquet'`)
    /// is read as its shards in sorted order.
    #[arg(long, value_name = "FORMAT", help_heading = "Input")]
    input_format: Option<String>,
    /// Input fields or columns carried into every output record unchanged
    /// (comma-separated, e.g. url,language,score).
    #[arg(
        long,
        value_delimiter = ',',
        conflicts_with = "keep_all_fields",
        help_heading = "Input"
    )]
    keep_fields: Vec<String>,
    /// Carry every input field but the id and text into the output records.
    #[arg(long, help_heading = "Input")]
    keep_all_fields: bool,
    /// Ids are unique only within each input shard: prefix every id with
    /// its shard's file name (`train-00003.parquet/17`).
    #[arg(long, help_heading = "Input")]
    ids_per_shard: bool,
    /// Write --output as a folder of parts in this format (parquet,
    /// jsonl.zst, jsonl.gz, jsonl): part-00000.parquet, ...
    #[arg(long, value_name = "FORMAT", help_heading = "Output")]
    output_format: Option<String>,
    /// With --output-format: records per part file.
    #[arg(
        long,
        default_value_t = 100_000,
        requires = "output_format",
        help_heading = "Output"
    )]
    output_records_per_file: usize,
}

#[derive(Args, Debug, Clone)]
struct RephraseArgs {
    /// The input: JSONL, compressed JSONL (.jsonl.gz, .jsonl.zst), Parquet,
    /// a single .txt/.md file, a folder of shards or of .txt/.md files, a
    /// glob ('data/train-*.parquet'), or - for JSONL on stdin.
    #[arg(long, short, help_heading = "Input")]
    input: String,
    /// One style (see `chunksynth styles`).
    #[arg(long, conflicts_with = "styles", help_heading = "Styles and prompts")]
    style: Option<String>,
    /// Several styles, comma-separated; with --variants, the pool to choose from.
    #[arg(long, value_delimiter = ',', help_heading = "Styles and prompts")]
    styles: Vec<String>,
    /// Styles per document, chosen deterministically by --seed.
    #[arg(long, default_value_t = 0, help_heading = "Styles and prompts")]
    variants: usize,
    /// Seed for choosing variant styles (same seed, same styles).
    #[arg(long, default_value_t = 0, help_heading = "Styles and prompts")]
    seed: u64,
    /// Hard token budget per chunk [default: 512].
    #[arg(long, help_heading = "Chunking")]
    chunk_tokens: Option<usize>,
    /// Read-only source tokens shown before each chunk [default: 64].
    #[arg(long, help_heading = "Chunking")]
    overlap_tokens: Option<usize>,
    /// Tokens of already-rewritten text shown before each chunk [default: 256].
    #[arg(long, help_heading = "Chunking")]
    prefix_window_tokens: Option<usize>,
    /// How prompts show the text already rewritten [default: rolling].
    #[arg(long, value_enum, help_heading = "Chunking")]
    window_layout: Option<Layout>,
    /// With --window-layout conversation: tokens of earlier chunks and
    /// rewrites a conversation holds before it starts afresh [default: 2048].
    #[arg(long, help_heading = "Chunking")]
    history_tokens: Option<usize>,
    /// Tokens of the document head shown with every chunk (0: off).
    #[arg(long, help_heading = "Chunking")]
    anchor_tokens: Option<usize>,
    /// Attempts per chunk before the failure policy applies.
    #[arg(long, help_heading = "Gate")]
    max_attempts: Option<u32>,
    /// What to do with a chunk no attempt made faithful.
    #[arg(long, value_enum, default_value = "keep-best", help_heading = "Gate")]
    on_failure: OnFailure,
    /// Weighted fidelity score a rewrite needs (0–1).
    #[arg(long, help_heading = "Gate")]
    fidelity_threshold: Option<f64>,
    /// Fail a chunk (repair, then --on-failure) when the alignment checks
    /// raise more than N suspicions (flipped negations, reversed
    /// directions, swapped names, omissions, additions). Default: never;
    /// suspicions are recorded in `fidelity.suspicions`, not repaired, since
    /// they flag a quarter to a half of good restyles of unseen text.
    /// 0 repairs every suspicion, as the gate did before they were kept apart.
    #[arg(long, value_name = "N", help_heading = "Gate")]
    max_suspicions: Option<usize>,
    /// After a chunk's rewrite passes the deterministic checks, ask the model
    /// (structured output) whether it is faithful: one more call per chunk;
    /// a "no" is repaired like a failed check, with the judge's problems.
    #[arg(long, help_heading = "Gate")]
    llm_judge: bool,
    /// Name of the text field in JSONL input.
    #[arg(long, default_value = "text", help_heading = "Input")]
    text_field: String,
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    model: ModelArgs,
}

/// What to do with a generated text whose QC report did not pass.
#[derive(ValueEnum, Debug, Clone, Copy)]
enum OnQcFailure {
    /// Write it with qc_report.passed = false.
    Keep,
    /// Reject it (kind `qc`).
    Reject,
}

#[derive(Args, Debug, Clone)]
struct GenerateArgs {
    /// JSONL of specs, or - for stdin: one per line, a topic spec
    /// ({"id", "topic", "target_tokens", "objective", "audience", "tone"})
    /// or a whole plan ({"id", "plan": {...}}; see `chunksynth plan-schema`).
    #[arg(long, conflicts_with_all = ["topic", "manual_plan"], help_heading = "Input")]
    topics: Option<String>,
    /// One topic to write about (a plan is generated first).
    #[arg(long, conflicts_with = "manual_plan", help_heading = "Input")]
    topic: Option<String>,
    /// With --topic: what the text should achieve.
    #[arg(long, default_value = "", help_heading = "Input")]
    objective: String,
    /// With --topic: total length in tokens.
    #[arg(long, default_value_t = 2000, help_heading = "Input")]
    target_tokens: usize,
    /// With --topic: who the text is for.
    #[arg(long, default_value = "", help_heading = "Input")]
    audience: String,
    /// With --topic: how it should sound.
    #[arg(long, default_value = "", help_heading = "Input")]
    tone: String,
    /// One plan file (JSON; see `chunksynth plan-schema`).
    #[arg(long, alias = "manual-plan-path", help_heading = "Input")]
    manual_plan: Option<PathBuf>,
    /// What to do with a text whose QC report did not pass.
    #[arg(long, value_enum, default_value = "keep", help_heading = "Gate")]
    on_qc_failure: OnQcFailure,
    /// Skip the consistency pass (one call less per section).
    #[arg(long, help_heading = "Gate")]
    no_consistency_pass: bool,
    /// Tokens of the text so far shown before each section [default: 512].
    #[arg(long, help_heading = "Chunking")]
    prefix_window_tokens: Option<usize>,
    #[command(flatten)]
    corpus: CorpusArgs,
    #[command(flatten)]
    model: ModelArgs,
}

/// The defaults that live in the settings types, shown in help from there
/// (flags whose absence means "the configuration's value" cannot carry a
/// clap default without overriding the config file).
fn with_defaults(cmd: clap::Command) -> clap::Command {
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
        ("fidelity_threshold", p.fidelity.threshold.to_string()),
        (
            "max_retries",
            chunksynth_backend_openai::RetryPolicy::default()
                .max_retries
                .to_string(),
        ),
        ("max_in_flight", limits.max_in_flight.to_string()),
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

fn main() -> ExitCode {
    let parsed = with_defaults(<Cli as clap::CommandFactory>::command())
        .try_get_matches()
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(exit::INCOMPLETE);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            // Nothing was wrong with the command: rerun when the server is up.
            let code = if e.is::<NothingAnswers>() {
                exit::INCOMPLETE
            } else {
                exit::USAGE
            };
            ExitCode::from(code)
        }
    }
}

async fn run(cli: Cli) -> Result<u8> {
    init_log(cli.log_format, cli.verbose);
    let file = match &cli.config {
        Some(path) => Settings::load(path)?,
        None => Settings::default(),
    };
    match cli.command {
        Command::Styles => {
            let text: String = STYLES
                .iter()
                .map(|s| format!("{:<16} {}\n", s.name, s.summary))
                .collect();
            print_quietly(&text)
        }
        Command::PlanSchema => print_quietly(&format!("{}\n", serde_json::to_string_pretty(&plan_schema())?)),
        Command::Rephrase(args) => rephrase(*args, &file, cli.quiet, cli.verbose).await,
        Command::Generate(args) => generate(*args, &file, cli.quiet, cli.verbose).await,
    }
}

/// Writes to stdout; a reader that went away (`| head`) ends it quietly.
fn print_quietly(text: &str) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(exit::OK),
    }
}

fn tokenizer_and_language(
    tokenizer: &str,
    language: &str,
) -> Result<(Arc<dyn chunksynth_chunking::Tokenizer>, Language)> {
    let tokenizer = tokenizer
        .parse::<TokenizerSpec>()
        .and_then(|s| s.load())
        .context("--tokenizer")?;
    let language: Language = language.parse().map_err(anyhow::Error::msg)?;
    Ok((tokenizer, language))
}

/// The flags' settings (`None` where a flag was not given).
fn flag_settings(m: &ModelArgs) -> Settings {
    Settings {
        model: m.model.clone(),
        base_urls: (!m.base_urls.is_empty()).then(|| m.base_urls.clone()),
        temperature: m.temperature,
        top_p: m.top_p,
        max_new_tokens: m.max_new_tokens,
        max_in_flight: m.max_in_flight,
        max_retries: m.max_retries,
        stream: m.stream.then_some(true),
        server_priority: m.server_priority.then_some(true),
        price_input: m.price_input,
        price_output: m.price_output,
        ..Settings::default()
    }
}

/// The settings of a run: `flags` over the environment over the file.
fn resolve(flags: Settings, file: &Settings) -> Settings {
    flags.combine(Settings::from_env()).combine(file.clone())
}

/// The model ID, or the default.
fn resolve_model(s: &Settings) -> String {
    s.model.clone().unwrap_or_else(|| env::DEFAULT_MODEL.to_owned())
}

fn backend_config(m: &ModelArgs, s: &Settings) -> Result<BackendConfig> {
    let model = resolve_model(s);
    let urls: Vec<String> = s
        .base_urls
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| vec![env::DEFAULT_BASE_URL.to_owned()]);
    let key = config::env_var(env::API_KEY).map(ApiKey::new);
    let mut config = BackendConfig::new(urls[0].clone(), key.clone(), model);
    config.endpoints = urls
        .iter()
        .map(|u| EndpointConfig::new(u.clone(), key.clone()))
        .collect();
    if let Some(n) = s.max_in_flight {
        config.limits.max_in_flight = n;
    }
    if let Some(n) = s.max_retries {
        config.retry.max_retries = n;
    }
    // Sending a key over plain http is a decision for the command line.
    config.allow_insecure_http = m.allow_insecure_http;
    config.streaming = s.stream.unwrap_or(false);
    config.server_priority = s.server_priority.unwrap_or(false);
    config.validate()?;
    Ok(config)
}

fn prices(s: &Settings) -> PriceTable {
    let mut table = PriceTable::default();
    if let (Some(i), Some(o)) = (s.price_input, s.price_output) {
        table.models.insert(
            "*".into(),
            Price {
                input_per_million: i,
                output_per_million: o,
                cached_input_per_million: None,
            },
        );
    }
    table
}

fn sampling(s: &Settings) -> Sampling {
    Sampling {
        temperature: s.temperature,
        top_p: s.top_p,
        ..Sampling::default()
    }
}

fn with_suffix(path: &std::path::Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// `out.jsonl` → `out.shard-0003-of-0008.jsonl`: each shard writes its own files.
fn shard_path(path: &std::path::Path, shard: Option<Shard>) -> PathBuf {
    let Some(s) = shard else { return path.to_path_buf() };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!("{stem}.shard-{:04}-of-{:04}{ext}", s.index, s.count))
}

fn resolve_shard(corpus: &CorpusArgs) -> Result<Option<Shard>> {
    Ok(match corpus.shard.as_deref() {
        Some("auto") => Some(
            Shard::from_env(|n| std::env::var(n).ok(), corpus.shard_count)
                .map_err(anyhow::Error::msg)?
                .context("--shard auto: no SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment")?,
        ),
        Some(spec) => Some(Shard::parse(spec).map_err(anyhow::Error::msg)?),
        None => None,
    })
}

/// The run configuration both jobs share, from the corpus flags.
fn corpus_config(
    corpus: &CorpusArgs,
    settings: &Settings,
    job: Job,
    input: InputSource,
    format: InputFormat,
) -> Result<RunConfig> {
    let shard = resolve_shard(corpus)?;
    let (tokenizer, language) = tokenizer_and_language(&corpus.tokenizer, &corpus.language)?;
    if let InputSource::Path(p) = &input
        && !p.exists()
        && !p.to_string_lossy().contains(['*', '?'])
    {
        bail!("input {} does not exist", p.display());
    }
    if let Some(reserved) = corpus
        .keep_fields
        .iter()
        .find(|f| RESERVED_FIELDS.contains(&f.as_str()))
    {
        bail!(
            "--keep-fields {reserved}: the output records have a field of that name already; keep the others"
        );
    }
    let read = ReadOptions {
        format: corpus
            .input_format
            .as_deref()
            .map(DataFormat::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--input-format: {e}"))?,
        ids_per_shard: corpus.ids_per_shard,
        keep: if corpus.keep_all_fields {
            KeepFields::All
        } else if corpus.keep_fields.is_empty() {
            KeepFields::None
        } else {
            KeepFields::These(corpus.keep_fields.clone())
        },
    };
    let prices = prices(settings);
    if corpus.max_cost.is_some() && prices.models.is_empty() {
        bail!("--max-cost needs prices: give --price-input and --price-output");
    }
    let output = shard_path(&corpus.output, shard);
    let output_parts = corpus
        .output_format
        .as_deref()
        .map(|f| {
            DataFormat::parse(f)
                .ok()
                .filter(|f| *f != DataFormat::Text)
                .map(|format| OutputParts {
                    format,
                    records_per_file: corpus.output_records_per_file.max(1),
                })
                .ok_or_else(|| {
                    anyhow::anyhow!("--output-format {f}: use parquet, jsonl.zst, jsonl.gz or jsonl")
                })
        })
        .transpose()?;
    if output_parts.is_some() && corpus.output.is_file() {
        bail!(
            "--output-format writes a folder of parts, and {} is a file: give a folder path",
            corpus.output.display()
        );
    }
    Ok(RunConfig {
        input,
        format,
        read,
        output_parts,
        rejects: corpus.rejects.clone().map_or_else(
            || with_suffix(&output, ".rejects.jsonl"),
            |p| shard_path(&p, shard),
        ),
        journal: corpus.journal.clone().map_or_else(
            || with_suffix(&output, ".journal.jsonl"),
            |p| shard_path(&p, shard),
        ),
        output,
        job,
        concurrency: settings
            .concurrency
            .unwrap_or(if corpus.batch_command.is_some() || corpus.batch {
                corpus.batch_max_requests
            } else {
                chunksynth_runner::DEFAULT_CONCURRENCY
            }),
        shard,
        budget: Budget {
            max_cost: corpus.max_cost,
            max_tokens: corpus.max_tokens,
        },
        prices,
        pipeline: PipelineConfig::default(),
        tokenizer,
        language,
        sampling: sampling(settings),
        endpoints: Vec::new(),
        sync_journal: true,
        lookahead: corpus.lookahead,
        restart: corpus.restart,
        outage_timeout: (corpus.outage_timeout > 0)
            .then(|| std::time::Duration::from_secs(corpus.outage_timeout)),
    })
}

fn input_source(input: &str) -> InputSource {
    if input == "-" {
        InputSource::Stdin
    } else {
        InputSource::Path(PathBuf::from(input))
    }
}

async fn rephrase(args: RephraseArgs, file: &Settings, quiet: bool, verbose: u8) -> Result<u8> {
    let flags = Settings {
        styles: match (&args.style, args.styles.is_empty()) {
            (Some(s), _) => Some(vec![s.clone()]),
            (None, false) => Some(args.styles.clone()),
            (None, true) => None,
        },
        concurrency: args.corpus.concurrency,
        chunk_tokens: args.chunk_tokens,
        overlap_tokens: args.overlap_tokens,
        prefix_window_tokens: args.prefix_window_tokens,
        window_layout: args.window_layout,
        history_tokens: args.history_tokens,
        anchor_tokens: args.anchor_tokens,
        max_attempts: args.max_attempts,
        fidelity_threshold: args.fidelity_threshold,
        max_suspicions: args.max_suspicions,
        ..flag_settings(&args.model)
    };
    let settings = resolve(flags, file);
    // Repeats are dropped by the runner (one owner for what a style list means).
    let styles = settings
        .styles
        .clone()
        .unwrap_or_else(|| vec![DEFAULT_STYLE.to_owned()]);
    let job = Job::Rephrase {
        styles,
        variants: args.variants,
        seed: args.seed,
    };
    let format = InputFormat::Jsonl {
        id_field: args.corpus.id_field.clone(),
        text_field: args.text_field.clone(),
    };
    let mut config = corpus_config(&args.corpus, &settings, job, input_source(&args.input), format)?;
    let pipeline = &mut config.pipeline;
    let s = &settings;
    pipeline.chunk_tokens = s.chunk_tokens.unwrap_or(pipeline.chunk_tokens);
    pipeline.overlap_tokens = s.overlap_tokens.unwrap_or(pipeline.overlap_tokens);
    pipeline.prefix_window_tokens = s.prefix_window_tokens.unwrap_or(pipeline.prefix_window_tokens);
    if let Some(v) = s.window_layout {
        pipeline.window_layout = match v {
            Layout::Rolling => WindowLayout::Rolling,
            Layout::Sticky => WindowLayout::Sticky,
            Layout::Conversation => WindowLayout::Conversation,
        };
    }
    pipeline.history_tokens = s.history_tokens.unwrap_or(pipeline.history_tokens);
    pipeline.anchor_tokens = s.anchor_tokens.unwrap_or(pipeline.anchor_tokens);
    pipeline.max_attempts = s.max_attempts.unwrap_or(pipeline.max_attempts);
    pipeline.fidelity.threshold = s.fidelity_threshold.unwrap_or(pipeline.fidelity.threshold);
    pipeline.fidelity.max_suspicions = s.max_suspicions;
    pipeline.style_bounds = s.style_bounds()?;
    pipeline.llm_judge = args.llm_judge;
    pipeline.max_new_tokens = s.max_new_tokens;
    pipeline.on_failure = match args.on_failure {
        OnFailure::KeepBest => FailurePolicy::KeepBest,
        OnFailure::FallBackToSource => FailurePolicy::FallBackToSource,
        OnFailure::FailDocument => FailurePolicy::FailDocument,
    };
    run_corpus(config, &args.corpus, &args.model, &settings, quiet, verbose).await
}

async fn generate(args: GenerateArgs, file: &Settings, quiet: bool, verbose: u8) -> Result<u8> {
    let flags = Settings {
        concurrency: args.corpus.concurrency,
        ..flag_settings(&args.model)
    };
    let settings = resolve(flags, file);
    let input = if let Some(path) = &args.manual_plan {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let plan = GenerationPlan::from_json(&text).with_context(|| format!("in {}", path.display()))?;
        InputSource::Inline(format!("{}\n", serde_json::json!({ "plan": plan })))
    } else if let Some(topics) = &args.topics {
        input_source(topics)
    } else if let Some(topic) = &args.topic {
        let spec = TopicSpec {
            topic: topic.clone(),
            objective: args.objective.clone(),
            target_tokens: args.target_tokens,
            audience: args.audience.clone(),
            tone: args.tone.clone(),
        };
        InputSource::Inline(format!("{}\n", serde_json::to_string(&spec)?))
    } else {
        bail!("give --topics, --topic or --manual-plan");
    };
    let defaults = GenerationConfig::default();
    let job = Job::Generate {
        config: GenerationConfig {
            max_tokens_per_call: settings.max_new_tokens.unwrap_or(defaults.max_tokens_per_call),
            consistency_pass: !args.no_consistency_pass,
            prefix_window_tokens: args.prefix_window_tokens.unwrap_or(defaults.prefix_window_tokens),
            ..defaults
        },
        on_qc_failure: match args.on_qc_failure {
            OnQcFailure::Keep => QcPolicy::Keep,
            OnQcFailure::Reject => QcPolicy::Reject,
        },
    };
    let format = InputFormat::Specs {
        id_field: args.corpus.id_field.clone(),
    };
    let config = corpus_config(&args.corpus, &settings, job, input, format)?;
    run_corpus(config, &args.corpus, &args.model, &settings, quiet, verbose).await
}

/// Runs a configured job to its end (or prints its dry-run estimate), with
/// progress, the summary and the exit code.
async fn run_corpus(
    config: RunConfig,
    corpus: &CorpusArgs,
    model_args: &ModelArgs,
    settings: &Settings,
    quiet: bool,
    verbose: u8,
) -> Result<u8> {
    if let Some(s) = config.shard
        && !quiet
    {
        eprintln!(
            "sharded run: shard {} of {}; records of other shards are skipped",
            s.index, s.count
        );
    }
    if let InputSource::Path(p) = &config.input
        && !quiet
        && std::fs::metadata(p).is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()))
    {
        // Read as a stream, like stdin (`--input <(zstd -dc x.zst)`).
        eprintln!(
            "reading {} as a stream (a FIFO: it waits for a writer)",
            p.display()
        );
    }
    let mut config = config;
    if corpus.batch {
        for price in config.prices.models.values_mut() {
            price.input_per_million *= corpus.price_batch_discount;
            price.output_per_million *= corpus.price_batch_discount;
            if let Some(c) = &mut price.cached_input_per_million {
                *c *= corpus.price_batch_discount;
            }
        }
    }
    if corpus.dry_run {
        let model = if corpus.demo {
            chunksynth_demo::DEMO_MODEL.to_owned()
        } else {
            resolve_model(settings)
        };
        let est = dry_run(&config, &model).await?;
        if (corpus.batch || corpus.batch_command.is_some()) && !quiet {
            eprintln!(
                "batch: about {} rounds (the longest chain of calls, repairs aside), the first of about {} requests{}",
                est.longest_chain,
                est.documents.min(corpus.batch_max_requests),
                if corpus.batch {
                    format!("; prices at {}× online", corpus.price_batch_discount)
                } else {
                    String::new()
                }
            );
        }
        print_quietly(&format!("{}\n", serde_json::to_string_pretty(&est)?))?;
        if !quiet {
            eprintln!(
                "dry run: {} items ({} unreadable), {} calls, ~{} prompt + ~{} completion tokens{}; nothing was sent",
                est.documents,
                est.rejected,
                est.calls,
                est.prompt_tokens,
                est.completion_tokens,
                est.cost
                    .map(|c| format!(", ~{} at the given prices", progress::money(c)))
                    .unwrap_or_default()
            );
        }
        return Ok(exit::OK);
    }
    let (model, ledger, endpoints, batch) = model_for(corpus, &config, model_args, settings).await?;
    let output = config.output.clone();
    let rejects = config.rejects.clone();
    let generating = matches!(config.job, Job::Generate { .. });
    let model_id_for_display = model.model_id().to_owned();
    let config = RunConfig { endpoints, ..config };
    let prices_for_display = config.prices.clone();
    let runner = Runner::new(model, Some(ledger.clone()), config)?;
    let (events_tx, events_rx) = tokio::sync::mpsc::unbounded_channel();
    let sources = progress::Sources {
        ledger: ledger.clone(),
        input: runner.input_progress(),
        batch: batch.clone(),
        prices: prices_for_display,
        model: model_id_for_display,
    };
    let display = progress::spawn(events_rx, sources, quiet, verbose);
    let summary = runner.run(Some(events_tx), stop_on_signals()).await;
    let _ = display.await;
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(if e.is_usage() {
                exit::USAGE
            } else {
                exit::INCOMPLETE
            });
        }
    };
    let usage = ledger.snapshot();
    report(
        &summary,
        &usage,
        &output,
        corpus.summary.as_deref(),
        quiet,
        generating,
    )?;
    if !quiet && summary.rejected + summary.retryable_failures > 0 {
        let lines = tokio::task::spawn_blocking(move || reject_reasons(&rejects, summary.records_written))
            .await
            .unwrap_or_default();
        for line in lines {
            eprintln!("{line}");
        }
    }
    if let Some(stats) = batch
        && !quiet
    {
        use std::sync::atomic::Ordering::Relaxed;
        eprintln!(
            "  batch: {} rounds, {} requests (largest round {}), {} lines retried",
            stats.rounds.load(Relaxed),
            stats.requests.load(Relaxed),
            stats.largest_round.load(Relaxed),
            stats.retried_lines.load(Relaxed)
        );
    }
    Ok(exit_code(&summary))
}

/// The model a run calls, where its usage is recorded, the endpoint labels
/// records carry, and batch mode's counters when it is on.
type RunModel = (
    Arc<dyn LanguageModel>,
    Arc<chunksynth_llm::UsageLedger>,
    Vec<String>,
    Option<Arc<chunksynth_backend_openai::BatchStats>>,
);

async fn model_for(
    corpus: &CorpusArgs,
    config: &RunConfig,
    model_args: &ModelArgs,
    settings: &Settings,
) -> Result<RunModel> {
    if corpus.demo {
        let demo = chunksynth_demo::DemoModel::new();
        let ledger = demo.ledger();
        return Ok((Arc::new(demo), ledger, vec!["demo".to_owned()], None));
    }
    if corpus.batch_command.is_some() || corpus.batch {
        let b = batch_model(corpus, config, model_args, settings)?;
        return Ok((
            b.model,
            b.backend.ledger(),
            vec!["batch".to_owned()],
            Some(b.stats),
        ));
    }
    let backend = Arc::new(OpenAiBackend::new(backend_config(model_args, settings)?)?);
    wait_for_an_answer(&backend, corpus.wait_for_endpoint).await?;
    if let Err(e) = backend.check_model().await
        && matches!(
            e.kind,
            chunksynth_llm::ErrorKind::InvalidModel | chunksynth_llm::ErrorKind::Auth
        )
    {
        bail!("{e}");
    }
    // Credentials in a URL (user:pw@host) never reach records or journals.
    let endpoints = backend.config().endpoints.iter().map(|e| e.label()).collect();
    Ok((backend.clone(), backend.ledger(), endpoints, None))
}

/// What the rejects file says, for the terminal: the most common reasons
/// with their counts and one example each, the file's path, and, when no
/// record came out of an input whose lines could not be read, the likely
/// fix. Reasons are grouped with their line numbers and digits left out.
fn reject_reasons(rejects: &std::path::Path, records_written: usize) -> Vec<String> {
    use std::io::BufRead;
    let Ok(file) = std::fs::File::open(rejects) else {
        return Vec::new();
    };
    let mut groups: Vec<(String, String, usize, String)> = Vec::new();
    let mut total = 0usize;
    let mut invalid = 0usize;
    let mut not_json = 0usize;
    for line in std::io::BufReader::new(file).lines().map_while(Result::ok) {
        let Ok(r) = serde_json::from_str::<chunksynth_runner::RejectRecord>(&line) else {
            continue;
        };
        total += 1;
        let kind = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        invalid += usize::from(kind == "invalid_input");
        not_json += usize::from(r.reason.contains("is not valid JSON"));
        let shape: String = r.reason.chars().filter(|c| !c.is_ascii_digit()).collect();
        match groups.iter_mut().find(|g| g.0 == kind && g.1 == shape) {
            Some(g) => g.2 += 1,
            None => groups.push((kind, shape, 1, r.reason)),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.2));
    let mut out: Vec<String> = groups
        .iter()
        .take(3)
        .map(|(kind, _, n, example)| format!("  {n} × {kind}: {example}"))
        .collect();
    if groups.len() > 3 {
        out.push(format!("  … and {} other reasons", groups.len() - 3));
    }
    if total > 0 {
        out.push(format!("  every reject is in {}", rejects.display()));
    }
    if records_written == 0 && total > 0 && not_json == total {
        out.push(
            "no input line is JSON: chunksynth reads JSONL, compressed JSONL, Parquet and folders of .txt/.md files (--input-format names the format when the file name does not); convert a CSV to JSONL first".to_owned(),
        );
    } else if records_written == 0 && total > 0 && invalid == total {
        out.push(
            "no input line could be read: if the text is in another field, pass --text-field NAME".to_owned(),
        );
    }
    out
}

/// Why a run did not start: nothing answers at any endpoint (exit 3, as a
/// run that could not finish).
#[derive(Debug)]
struct NothingAnswers {
    urls: String,
}

impl std::fmt::Display for NothingAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "nothing answers at {} — is the server running? (--wait-for-endpoint SECONDS waits for one that is starting)",
            self.urls
        )
    }
}

impl std::error::Error for NothingAnswers {}

/// Before the first document: some endpoint must answer (any HTTP status),
/// within `wait` seconds when given. The outage logic takes over once one
/// has answered.
async fn wait_for_an_answer(backend: &OpenAiBackend, wait: u64) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(wait);
    loop {
        let silent = backend.silent_endpoints().await;
        if silent.is_empty() {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            return Err(NothingAnswers {
                urls: silent.join(", "),
            }
            .into());
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// What batch mode runs on: the model the runner calls, the backend that
/// builds bodies and keeps the ledger, and the round counts.
struct Batch {
    model: Arc<dyn LanguageModel>,
    backend: Arc<OpenAiBackend>,
    stats: Arc<chunksynth_backend_openai::BatchStats>,
}

/// The batch model: through a batch runner command (the backend then only
/// builds request bodies and reads answers, and no endpoint is needed), or
/// through the endpoint's Batch API.
fn batch_model(
    corpus: &CorpusArgs,
    config: &RunConfig,
    model_args: &ModelArgs,
    settings: &Settings,
) -> Result<Batch> {
    let (backend_config, transport) = match &corpus.batch_command {
        Some(command) => (
            BackendConfig::new("http://127.0.0.1/v1".to_owned(), None, resolve_model(settings)),
            BatchTransport::Command(command.clone()),
        ),
        None => (
            backend_config(model_args, settings)?,
            BatchTransport::Api {
                completion_window: corpus.batch_window.clone(),
                max_poll: std::time::Duration::from_secs(60),
            },
        ),
    };
    let backend = Arc::new(OpenAiBackend::new(backend_config)?);
    let batch = BatchModel::new(
        backend.clone(),
        BatchConfig {
            transport,
            max_requests: corpus.batch_max_requests.max(1),
            max_bytes: corpus.batch_max_mb.max(1) << 20,
            // Long enough for every document in flight to send its next
            // call after a round (their pipelines' work between calls is
            // milliseconds), short next to any batch round's own time.
            quiet: std::time::Duration::from_secs(1),
            dir: with_suffix(&config.output, ".batch"),
            max_line_attempts: model_args
                .max_retries
                .unwrap_or(chunksynth_backend_openai::RetryPolicy::default().max_retries)
                + 1,
        },
    )?;
    let stats = batch.stats();
    Ok(Batch {
        model: Arc::new(batch),
        backend,
        stats,
    })
}

/// The exit code a finished (or stopped) run ends with.
fn exit_code(summary: &RunSummary) -> u8 {
    match &summary.stopped_early {
        Some(StopReason::Interrupted | StopReason::Aborted) => exit::INTERRUPTED,
        Some(StopReason::Refused { .. }) => exit::USAGE,
        Some(StopReason::JournalFailed { .. } | StopReason::EndpointDown { .. }) => exit::INCOMPLETE,
        Some(StopReason::BudgetSpent { .. }) => exit::BUDGET,
        None if summary.retryable_failures > 0 => exit::INCOMPLETE,
        None if summary.rejected + summary.already_rejected > 0 => exit::SOME_FAILED,
        None => exit::OK,
    }
}

/// SIGINT (Ctrl-C) and SIGTERM (Slurm, Kubernetes): the first stops taking
/// documents and finishes those in flight, the second abandons them (their
/// finished calls are journaled), the third exits at once.
fn stop_on_signals() -> StopSignal {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(0u8);
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        for level in 1..=3u8 {
            let got = async {
                match term.as_mut() {
                    Some(t) => tokio::select! {
                        r = tokio::signal::ctrl_c() => r.is_ok(),
                        r = t.recv() => r.is_some(),
                    },
                    None => tokio::signal::ctrl_c().await.is_ok(),
                }
            };
            if !got.await {
                return;
            }
            match level {
                1 => eprintln!("\nstopping: finishing documents in flight (signal again to stop now)"),
                2 => eprintln!(
                    "\nstopping now: documents in flight are abandoned; their finished calls are journaled"
                ),
                _ => {
                    eprintln!("\nexiting at once; rerun the same command to resume");
                    std::process::exit(i32::from(exit::INTERRUPTED));
                }
            }
            let _ = stop_tx.send(level);
        }
    });
    StopSignal(stop_rx)
}

/// A token count in a line of text (3.78M).
fn short_tokens(n: u64) -> String {
    progress::short_count(n as f64)
}

fn report(
    summary: &RunSummary,
    usage: &chunksynth_llm::UsageSnapshot,
    output: &std::path::Path,
    summary_file: Option<&std::path::Path>,
    quiet: bool,
    generating: bool,
) -> Result<()> {
    let retries: u64 = usage.total.retries_by_kind.values().sum();
    if let Some(path) = summary_file {
        let json = serde_json::json!({"run": summary, "usage": usage});
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if quiet {
        return Ok(());
    }
    // What the run made: rewritten records with their gate's pass rate, or
    // generated texts with their QC.
    let made = if generating {
        format!(
            "{} texts written to {}, QC passed {}, failed {}; {} redrafts, {} plans repaired",
            summary.records_written,
            output.display(),
            summary.qc_passed,
            summary.qc_failed,
            summary.redrafts,
            summary.plans_repaired
        )
    } else {
        let rate = if summary.chunks > 0 {
            format!(
                "{:.1}%",
                100.0 * summary.chunks_passed_fidelity as f64 / summary.chunks as f64
            )
        } else {
            "n/a".to_owned()
        };
        format!(
            "{} records written to {}, fidelity pass rate {rate}",
            summary.records_written,
            output.display()
        )
    };
    eprintln!(
        "done: {made}; {} rejected, {} to retry, {} already done; {} calls ({} replayed from the journal, {} retries); {} prompt + {} completion tokens{}; {:.1}s",
        summary.rejected,
        summary.retryable_failures,
        summary.already_done,
        summary.calls_made,
        summary.calls_replayed,
        retries,
        short_tokens(usage.total.tokens.prompt_tokens),
        short_tokens(usage.total.tokens.completion_tokens),
        summary
            .cost
            .map(|c| format!("; cost {}", progress::money(c)))
            .unwrap_or_default(),
        summary.wall_ms as f64 / 1000.0
    );
    if !summary.suspicions.is_empty() {
        let counts: Vec<String> = summary
            .suspicions
            .iter()
            .map(|(check, n)| format!("{} {n}", check.name()))
            .collect();
        eprintln!(
            "  suspicions (recorded in fidelity.suspicions, not repaired; --max-suspicions N repairs them): {}",
            counts.join(", ")
        );
    }
    for (kind, n) in &summary.failures_by_kind {
        let what = if kind.is_permanent() {
            "rejected"
        } else {
            "to retry"
        };
        eprintln!("  {what} ({kind}): {n}");
    }
    if let Some(n) = summary.exported {
        eprintln!("  wrote {n} records to {}", output.display());
    }
    if summary.already_rejected > 0 {
        eprintln!(
            "  {} items were rejected for good by an earlier run (see the rejects file)",
            summary.already_rejected
        );
    }
    if summary.superseded > 0 {
        eprintln!(
            "  {} records redone because their source changed; the older records were dropped",
            summary.superseded
        );
    }
    if summary.not_in_input > 0 {
        eprintln!(
            "  {} records on file belong to ids no longer in the input (left alone)",
            summary.not_in_input
        );
    }
    if summary.unreadable_lines > 0 {
        eprintln!(
            "  warning: {} unreadable lines were skipped in the output, rejects or journal",
            summary.unreadable_lines
        );
    }
    match &summary.stopped_early {
        Some(StopReason::BudgetSpent { detail }) => {
            eprintln!("stopped early: {detail}; raise the budget and rerun to go on");
        }
        Some(StopReason::Refused { detail }) => {
            eprintln!("stopped: {detail}; fix the key or model and rerun");
        }
        Some(reason @ StopReason::EndpointDown { .. }) => {
            eprintln!("stopped: {reason}; rerun the same command once the endpoint is back");
        }
        Some(reason) => eprintln!("stopped early: {reason}; rerun the same command to resume"),
        None if summary.retryable_failures > 0 => eprintln!(
            "incomplete: {} items failed in ways a rerun retries; rerun the same command",
            summary.retryable_failures
        ),
        None => {}
    }
    Ok(())
}
