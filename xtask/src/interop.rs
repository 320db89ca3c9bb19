//! `cargo xtask interop`: chunksynth's dataset formats against the tools
//! data engineers read and write them with. pyarrow (from PyPI, into a venv
//! under target/) writes a Hugging Face-style folder of Parquet shards and a
//! `.jsonl.zst` file; the built binary rewrites them against the fake
//! server, writing Parquet and `.jsonl.zst`; pyarrow reads the outputs back
//! and checks every record (each input once, the text rewritten, the kept
//! columns unchanged, provenance readable).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, ensure};

use crate::venv::workspace_root;

const PACKAGES: &[&str] = &["pyarrow==26.0.1"];

/// A Python with pyarrow: `CHUNKSYNTH_INTEROP_PYTHON`, else a venv under
/// target/ made (once) from PyPI.
pub(crate) fn python() -> Result<PathBuf> {
    crate::venv::python(
        "interop-venv",
        "CHUNKSYNTH_INTEROP_PYTHON",
        PACKAGES,
        "import pyarrow",
    )
}

/// The chunksynth binary beside this xtask binary, built first.
fn chunksynth() -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["build", "-q", "-p", "chunksynth-cli"])
        .status()
        .context("building chunksynth")?;
    ensure!(status.success(), "building chunksynth failed");
    let exe = std::env::current_exe()?;
    Ok(exe.with_file_name("chunksynth"))
}

pub(crate) fn run() -> Result<()> {
    let py = python()?;
    let bin = chunksynth()?;
    let dir = workspace_root().join("target/interop");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let scripts = workspace_root().join("xtask/interop");
    let status = Command::new(&py)
        .arg(scripts.join("make_inputs.py"))
        .arg(&dir)
        .status()?;
    ensure!(status.success(), "writing the inputs with pyarrow failed");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let fake = chunksynth_fake_llm::FakeLlm::start(|r| {
            chunksynth_fake_llm::Reply::text(r.passage().to_uppercase())
        })
        .await?;
        for (input, output, keep) in [
            ("data", "out.parquet", "--keep-fields=url,score"),
            ("in.jsonl.zst", "out.jsonl.zst", "--keep-all-fields"),
        ] {
            let out = Command::new(&bin)
                .args([
                    "rephrase",
                    "--style",
                    "textbook",
                    "--max-attempts",
                    "1",
                    "--quiet",
                    keep,
                ])
                .arg("--input")
                .arg(dir.join(input))
                .arg("--output")
                .arg(dir.join(output))
                .env("LLM_BASE_URL", fake.base_url())
                .env("LLM_MODEL", "fake-model")
                .env_remove("LLM_API_KEY")
                .stdin(Stdio::null())
                .output()?;
            ensure!(
                out.status.success(),
                "chunksynth on {input} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        anyhow::Ok(())
    })?;
    let status = Command::new(&py)
        .arg(scripts.join("check_outputs.py"))
        .arg(&dir)
        .status()?;
    ensure!(
        status.success(),
        "pyarrow did not read the outputs back as expected"
    );
    println!("interop: pyarrow wrote the inputs and read every output record back");
    Ok(())
}
