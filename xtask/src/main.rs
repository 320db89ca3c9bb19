//! Project tasks: `cargo xtask <task>`. Run `cargo xtask help` for the list.

mod bench;
mod gate_reports;
mod interop;
mod judge_eval;
mod layout;
mod llama;
mod report_check;
mod store_server;
mod venv;

use std::process::Command;

use anyhow::{Context, Result, bail};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  bench [chunking|quality|client|tokens|orchestration|scale|formats|batch]
                     run the benchmarks (release build, about 10 minutes for
                     all) and write their figures into docs/BENCHMARKS.md with
                     the command, the machine and the date
  llama-smoke        the backend against llama.cpp's own server on 127.0.0.1
                     (a tiny random model; installs xllamacpp and gguf from PyPI
                     into target/llama-venv once, or uses CHUNKSYNTH_LLAMA_PYTHON)
  fake-server [PORT] run the demo model as an OpenAI-compatible server on
                     127.0.0.1 until Ctrl-C: restyles that keep names, numbers
                     and code, valid plans and sections (what --demo runs
                     in process)
  live-rephrase ARGS rephrase against a real endpoint (needs LLM_API_KEY), with
                     the seed script's flags: --input --output --style --model
                     --base-url --temperature --top-p --max-new-tokens
  live-generate ARGS generate against a real endpoint (needs LLM_API_KEY):
                     --topic --objective --target-tokens --audience --tone
                     --manual-plan-path --output, and the model flags above
  interop            dataset formats against pyarrow (venv under target/)
  judge-eval ARGS    the LLM judge measured on the labelled held-out sets:
                     confusion matrix, false alarms, detection by carrier,
                     calls and cost per chunk. --base-url URL --model M
                     [--format chat|claim] [--mode suspicious|all|both]
                     [--sets a,b,c,d] [--price-input X --price-output Y];
                     --fake PROFILE (uniform:P, hard-case:P) runs the
                     labelled fake judge in process; --simulate prints the
                     table of docs/QUALITY.md
  gate-reports OUT [--against BASE]
                     the fidelity report of every labelled pair (the fidelity
                     suite's sets through each style's gate, the quality
                     bench's pairs) as JSON lines in OUT: run it before and
                     after a change meant only to make the checks cheaper,
                     and compare the two files; --against BASE (an earlier
                     OUT) prints which reports changed and whose verdict
                     turned: false alarms new and gone, catches new and lost
  report-check       `chunksynth report` pages opened in headless Chromium
                     (installed with apt-get when missing): charts, records,
                     a filter in the address, a record side by side, no
                     script error, an injected <script> shown as text
  store-server       the object-store tests' servers, under target/tools/:
                     s3s-fs (S3, from crates.io) and Azurite (Azure Blob,
                     from npm)
  layout [CORPUS]    man pages (the shipped ones, or a JSONL corpus's) through
                     the binary with a model that strips each answer's
                     edges: each page must come back byte for byte
  snapshots          check every prompt snapshot (insta never writes here)
  help               this text
";

/// `f` of each item, in the items' order, the items split evenly over the
/// machine's cores (the gate over every labelled pair: judge-eval,
/// gate-reports).
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Result<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per = items.len().div_ceil(threads).max(1);
    let f = &f;
    let out: Vec<R> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    anyhow::ensure!(out.len() == items.len(), "a worker thread panicked");
    Ok(out)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(args.get(1).map(String::as_str)),
        Some("llama-smoke") => llama::smoke(),
        Some("interop") => interop::run(),
        Some("judge-eval") => judge_eval::run(&args[1..]),
        Some("gate-reports") => gate_reports::run(&args[1..]),
        Some("report-check") => report_check::check(),
        Some("store-server") => store_server::install(),
        Some("layout") => layout::run(args.get(1).map(String::as_str)),
        Some("fake-server") => fake_server(args.get(1).map(String::as_str)),
        Some("live-rephrase") => live("rephrase", &args[1..]),
        Some("live-generate") => live("generate", &args[1..]),
        Some("snapshots") => {
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
                .args([
                    "test",
                    "-p",
                    "chunksynth-prompts",
                    "-p",
                    "chunksynth-rephrase",
                    "-p",
                    "chunksynth-generation",
                ])
                .env("INSTA_UPDATE", "no")
                .env("CI", "true")
                .status()
                .context("running cargo test")?;
            if !status.success() {
                bail!(
                    "a prompt snapshot changed: review with INSTA_UPDATE=always cargo test, then commit the .snap files"
                );
            }
            Ok(())
        }
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n\n{HELP}"),
    }
}

fn fake_server(port: Option<&str>) -> Result<()> {
    let port: u16 = port
        .map(str::parse)
        .transpose()
        .context("PORT must be a number")?
        .unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let options = chunksynth_fake_llm::FakeOptions {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            record_requests: false,
            ..Default::default()
        };
        // The demo model behind HTTP: restyles that keep names, numbers
        // and code (the gate passes them), valid plans, sections, verdicts.
        let fake = chunksynth_fake_llm::FakeLlm::start_with(options, chunksynth_fake_llm::demo_reply).await?;
        println!(
            "fake server at {} (model fake-model); Ctrl-C stops it",
            fake.base_url()
        );
        tokio::signal::ctrl_c().await?;
        Ok(())
    })
}

/// Runs the CLI against a real endpoint, refusing early without a key.
fn live(command: &str, args: &[String]) -> Result<()> {
    if std::env::var(chunksynth_llm::env::API_KEY).map_or(true, |k| k.trim().is_empty()) {
        bail!(
            "live runs need an API key: set {} (and {} / {} for another provider or model)",
            chunksynth_llm::env::API_KEY,
            chunksynth_llm::env::BASE_URL,
            chunksynth_llm::env::MODEL
        );
    }
    let mut full = vec![
        "run",
        "--quiet",
        "--release",
        "-p",
        "chunksynth-cli",
        "--",
        command,
    ];
    full.extend(args.iter().map(String::as_str));
    cargo(&full)
}

pub(crate) fn cargo(args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(args)
        .status()
        .with_context(|| format!("running {cargo} {}", args.join(" ")))?;
    if !status.success() {
        bail!("{cargo} {} failed with {status}", args.join(" "));
    }
    Ok(())
}
