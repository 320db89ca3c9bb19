//! `cargo xtask layout [CORPUS]`: man pages rephrased through the built
//! binary against a fake model that answers each passage with its edges
//! stripped, as models answer; the stitched output must give every page
//! back byte for byte (indentation at every seam). Without CORPUS it runs
//! on the man pages the repository ships (the chunking fixture and the
//! man-page paragraphs of the quality fixtures, in four languages); with a
//! JSONL corpus, on its documents whose id names a man page. The CLI test
//! `a_man_page_keeps_its_layout_…` checks one page in `cargo test`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

pub(crate) fn run(corpus: Option<&str>) -> Result<()> {
    let pages = match corpus {
        Some(path) => corpus_pages(path)?,
        None => shipped_pages()?,
    };
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

/// The documents of a JSONL corpus whose id names a man page (`man-sed`).
fn corpus_pages(path: &str) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let mut pages = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).context("a corpus line is not JSON")?;
        let id = v["id"].as_str().unwrap_or("");
        if id.contains("man") {
            pages.push((id.to_owned(), v["text"].as_str().unwrap_or("").to_owned()));
        }
    }
    if pages.is_empty() {
        bail!("{path} has no document whose id names a man page (\"man\" in it)");
    }
    Ok(pages)
}

/// The man pages this repository ships.
fn shipped_pages() -> Result<Vec<(String, String)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixture = root.join("crates/chunking/tests/fixtures/manpage.txt");
    let mut pages = vec![(
        "manpage.txt".to_owned(),
        std::fs::read_to_string(&fixture).with_context(|| format!("reading {}", fixture.display()))?,
    )];
    let paragraphs = root.join("crates/quality/tests/fixtures/paragraphs.json");
    let text =
        std::fs::read_to_string(&paragraphs).with_context(|| format!("reading {}", paragraphs.display()))?;
    let all: Vec<serde_json::Value> = serde_json::from_str(&text).context("paragraphs.json")?;
    for (i, p) in all.iter().enumerate() {
        let doc = p["doc"].as_str().unwrap_or("");
        if doc.starts_with("man-") {
            pages.push((format!("{doc}#{i}"), p["text"].as_str().unwrap_or("").to_owned()));
        }
    }
    Ok(pages)
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
