//! `cargo xtask gate-reports OUT`: the fidelity report of every labelled
//! pair the repository holds, one JSON line each, so that a change meant
//! only to make the checks cheaper can be shown to change nothing: write
//! the file before and after, and compare them (`cmp`).
//!
//! The pairs: every restyle and single-error variant of every set in
//! `crates/rephrase/tests/fidelity_suite/` but the sealed ones
//! (`sealed.txt`), each through its style's gate
//! (`gate_for`), then the quality bench's pairs (2,000-byte chunks of
//! `benches/corpus.jsonl` against a lightly edited copy, the default gate).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chunksynth_fake_llm::judge::{load_sets, suite_dir};
use chunksynth_quality::{FidelityConfig, fidelity};
use chunksynth_rephrase::gate_for;

/// One pair to report on: where it comes from, and the gate it goes through.
struct Pair {
    label: String,
    source: String,
    rewrite: String,
    gate: FidelityConfig,
}

pub(crate) fn run(out: Option<&str>) -> Result<()> {
    let out = out.context("usage: cargo xtask gate-reports OUT (a file to write the reports to)")?;
    let mut pairs = suite_pairs(&suite_dir())?;
    let suite = pairs.len();
    pairs.extend(bench_pairs(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/corpus.jsonl"),
    )?);
    let started = std::time::Instant::now();
    let lines = reports(&pairs)?;
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(out).with_context(|| format!("creating {out}"))?);
    for line in &lines {
        writeln!(file, "{line}")?;
    }
    file.flush()?;
    println!(
        "gate-reports: {} reports ({suite} of the fidelity suite's sets, {} of the bench corpus) in {:.1} s, written to {out}",
        lines.len(),
        lines.len() - suite,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Every restyle and error variant of every set file, in file order.
fn suite_pairs(dir: &Path) -> Result<Vec<Pair>> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".toml").map(str::to_owned))
        .collect();
    // Sealed sets are not run before their time (`sealed.txt` lists them).
    let sealed = std::fs::read_to_string(dir.join("sealed.txt")).unwrap_or_default();
    let sealed: Vec<&str> = sealed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    files.retain(|f| !sealed.contains(&f.as_str()));
    files.sort();
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    let base = FidelityConfig::default();
    let mut pairs = Vec::new();
    for source in load_sets(dir, &names).map_err(anyhow::Error::msg)? {
        for restyle in &source.restyles {
            let style = chunksynth_prompts::style(&restyle.style).with_context(|| {
                format!("{}/{}: unknown style {:?}", source.file, source.id, restyle.style)
            })?;
            let gate = gate_for(&base, style);
            let variants = std::iter::once((String::from("faithful"), restyle.text.clone())).chain(
                restyle
                    .errors
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (format!("error {i} {}", e.kind), e.variant(&restyle.text))),
            );
            for (what, rewrite) in variants {
                pairs.push(Pair {
                    label: format!("{}/{}/{}/{what}", source.file, source.id, restyle.style),
                    source: source.text.clone(),
                    rewrite,
                    gate: gate.clone(),
                });
            }
        }
    }
    Ok(pairs)
}

/// The quality bench's pairs (`crates/quality/benches/quality_throughput.rs`).
fn bench_pairs(corpus: &Path) -> Result<Vec<Pair>> {
    let jsonl = std::fs::read_to_string(corpus).with_context(|| format!("reading {}", corpus.display()))?;
    let mut pairs = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        let doc: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("corpus line {}", n + 1))?;
        let text = doc.get("text").and_then(|t| t.as_str()).unwrap_or_default();
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + 2000).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let chunk = &text[start..end];
            pairs.push(Pair {
                label: format!("bench/{}/{start}", n + 1),
                source: chunk.to_owned(),
                rewrite: chunk.replace(" the ", " a ").replace(", ", "; "),
                gate: FidelityConfig::default(),
            });
            start = end;
        }
    }
    Ok(pairs)
}

/// Each pair's report as a JSON line, in the pairs' order.
fn reports(pairs: &[Pair]) -> Result<Vec<String>> {
    crate::on_every_core(pairs, |p| {
        let report = fidelity(&p.source, &p.rewrite, &p.gate);
        serde_json::json!({ "pair": p.label, "report": report }).to_string()
    })
}
