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

/// Every report allocates per word and per sentence: mimalloc spends less
/// of a run's CPU there than the system allocator (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
use chunksynth_rephrase::{FailurePolicy, JudgeFormat, JudgeMode, PipelineConfig, WindowLayout};
use chunksynth_runner::{
    Budget, DataFormat, InputFormat, InputSource, Job, KeepFields, OutputParts, QcPolicy, RESERVED_FIELDS,
    ReadOptions, RunConfig, RunSummary, Runner, Shard, StopReason, dry_run,
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

mod args;
mod job;
mod page;
mod report;
mod resolve;
mod signals;
mod status;
mod store_output;

use args::*;
use job::*;
use report::*;
use resolve::*;

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
            let code = if e.is::<NothingAnswers>() || e.is::<store_output::StoreUnavailable>() {
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
                .map(|s| format!("{:<16} {:<10} {}\n", s.name, s.kind.name(), s.summary))
                .collect();
            print_quietly(&text)
        }
        Command::PlanSchema { example: false } => {
            print_quietly(&format!("{}\n", serde_json::to_string_pretty(&plan_schema())?))
        }
        Command::PlanSchema { example: true } => {
            // The demo's plan: valid by construction (a test reads it back).
            let plan = chunksynth_demo::demo_plan(
                "Topic: The history of tea\nAudience: students\nTone: plain\nTotal length: about 1200 tokens.",
            );
            let value: serde_json::Value = serde_json::from_str(&plan)?;
            print_quietly(&format!("{}\n", serde_json::to_string_pretty(&value)?))
        }
        Command::Report {
            output,
            input,
            text_field,
            page,
            sample,
            seed,
            review,
            price_input,
            price_output,
        } => page::report(&page::ReportArgs {
            output: &output,
            input: input.as_deref(),
            text_field: &text_field,
            page: &page,
            sample,
            seed,
            review,
            prices: price_input.zip(price_output),
        }),
        Command::Status {
            output,
            json,
            silent_after,
        } => status::status(&output, json, silent_after),
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
