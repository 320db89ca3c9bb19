//! Project tasks: `cargo xtask <task>`. Run `cargo xtask help` for the list.

use std::process::Command;

use anyhow::{Context, Result, bail};

const HELP: &str = "\
cargo xtask <task>

Tasks:
  bench [chunking|quality]
                     run the benchmarks (release build) and print their tables;
                     copy the figures into docs/BENCHMARKS.md with the date
  help               this text
";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench(args.get(1).map(String::as_str)),
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
    match which {
        None => {
            cargo(&chunking)?;
            cargo(&quality)
        }
        Some("chunking") => cargo(&chunking),
        Some("quality") => cargo(&quality),
        Some(other) => bail!("unknown benchmark {other:?}; known: chunking, quality"),
    }
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
