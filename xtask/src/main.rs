//! Project tasks: `cargo xtask <task>`. Run `cargo xtask help` for the list.

mod llama;

use std::process::Command;

use anyhow::{Context, Result, bail};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  bench [chunking|quality|client|tokens]
                     run the benchmarks (release build) and print their tables;
                     copy the figures into docs/BENCHMARKS.md with the date
  llama-smoke        the backend against llama.cpp's own server on 127.0.0.1
                     (a tiny random model; installs xllamacpp and gguf from PyPI
                     into target/llama-venv once, or uses CHUNKSYNTH_LLAMA_PYTHON)
  fake-server [PORT] run the fake OpenAI-compatible server (upper-cases the last
                     user message) on 127.0.0.1 until Ctrl-C
  help               this text
";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench(args.get(1).map(String::as_str)),
        Some("llama-smoke") => llama::smoke(),
        Some("fake-server") => fake_server(args.get(1).map(String::as_str)),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n\n{HELP}"),
    }
}

fn bench(which: Option<&str>) -> Result<()> {
    let chunking = ["bench", "-p", "chunksynth-chunking", "--bench", "throughput"];
    let quality = [
        "bench",
        "-p",
        "chunksynth-quality",
        "--bench",
        "quality_throughput",
    ];
    let tokens = ["bench", "-p", "chunksynth-rephrase", "--bench", "token_cost"];
    let client = [
        "bench",
        "-p",
        "chunksynth-backend-openai",
        "--bench",
        "client_overhead",
    ];
    match which {
        None => {
            cargo(&chunking)?;
            cargo(&quality)?;
            cargo(&client)?;
            cargo(&tokens)
        }
        Some("chunking") => cargo(&chunking),
        Some("quality") => cargo(&quality),
        Some("client") => cargo(&client),
        Some("tokens") => cargo(&tokens),
        Some(other) => bail!("unknown benchmark {other:?}; known: chunking, quality, client, tokens"),
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
        let fake = chunksynth_fake_llm::FakeLlm::start_with(options, |r| {
            chunksynth_fake_llm::Reply::text(r.last_user_text().to_uppercase())
        })
        .await?;
        println!(
            "fake server at {} (model fake-model); Ctrl-C stops it",
            fake.base_url()
        );
        tokio::signal::ctrl_c().await?;
        Ok(())
    })
}

fn cargo(args: &[&str]) -> Result<()> {
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
