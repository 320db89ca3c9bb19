//! `cargo xtask layout CORPUS`: every man page of a corpus rephrased through
//! the built binary against a fake model that answers each passage with its
//! edges stripped, as models answer; the stitched output must give every
//! page back byte for byte (indentation at every seam). The development
//! corpus is `../shared/corpus/dev.jsonl`; the test suite has the same check
//! on a shipped page (`a_man_page_keeps_its_layout_…` in crates/cli).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

pub(crate) fn run(corpus: Option<&str>) -> Result<()> {
    let corpus =
        corpus.context("usage: cargo xtask layout CORPUS.jsonl (e.g. ../shared/corpus/dev.jsonl)")?;
    let text = std::fs::read_to_string(corpus).with_context(|| format!("reading {corpus}"))?;
    let pages: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).context("a corpus line is not JSON")?;
            Ok((
                v["id"].as_str().unwrap_or("").to_owned(),
                v["text"].as_str().unwrap_or("").to_owned(),
            ))
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|(id, _)| id.starts_with("man"))
        .collect();
    if pages.is_empty() {
        bail!("{corpus} has no document whose id starts with \"man\"");
    }
    let dir = Path::new("target/layout");
    std::fs::create_dir_all(dir)?;
    let input = dir.join("in.jsonl");
    let body: String = pages
        .iter()
        .map(|(id, text)| format!("{}\n", serde_json::json!({"id": id, "text": text})))
        .collect();
    std::fs::write(&input, body)?;
    crate::cargo(&["build", "--quiet", "--release", "-p", "chunksynth-cli"])?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let fake = chunksynth_fake_llm::FakeLlm::start(|r: &chunksynth_fake_llm::FakeRequest| {
            chunksynth_fake_llm::Reply::text(r.passage().trim())
        })
        .await?;
        for chunk_tokens in ["256", "1500"] {
            let output = dir.join(format!("out-{chunk_tokens}.jsonl"));
            let _ = std::fs::remove_file(&output);
            for side in ["journal.jsonl", "state.json"] {
                let _ = std::fs::remove_file(dir.join(format!("out-{chunk_tokens}.jsonl.{side}")));
            }
            let status = tokio::task::spawn_blocking({
                let (base_url, input, output) = (fake.base_url(), input.clone(), output.clone());
                move || {
                    Command::new("target/release/chunksynth")
                        .env("LLM_BASE_URL", base_url)
                        .env("LLM_MODEL", "fake-model")
                        .env("LLM_API_KEY", "not-needed")
                        .args([
                            "--quiet",
                            "rephrase",
                            "--style",
                            "textbook",
                            "--max-attempts",
                            "1",
                        ])
                        .args(["--chunk-tokens", chunk_tokens, "--input"])
                        .arg(&input)
                        .arg("--output")
                        .arg(&output)
                        .status()
                }
            })
            .await??;
            if !status.success() {
                bail!("chunksynth rephrase failed with {status}");
            }
            compare(&pages, &output, chunk_tokens)?;
        }
        println!("{} requests answered with stripped edges", fake.request_count());
        Ok(())
    })
}

fn compare(pages: &[(String, String)], output: &Path, chunk_tokens: &str) -> Result<()> {
    let records = std::fs::read_to_string(output)?;
    let mut intact = 0;
    for line in records.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let id = v["id"].as_str().unwrap_or("");
        let Some((_, page)) = pages.iter().find(|(p, _)| p == id) else {
            continue;
        };
        if v["text"].as_str() == Some(page.as_str()) {
            intact += 1;
        } else {
            println!("chunk-tokens {chunk_tokens}: {id} lost its layout");
        }
    }
    println!(
        "chunk-tokens {chunk_tokens}: {intact} / {} man pages back byte for byte",
        pages.len()
    );
    if intact != pages.len() {
        bail!("{} man pages changed", pages.len() - intact);
    }
    Ok(())
}
