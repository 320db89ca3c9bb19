//! `cargo xtask gate-reports OUT`: the fidelity report of every labelled
//! pair the repository holds, one JSON line each, so that a change meant
//! only to make the checks cheaper can be shown to change nothing: write
//! the file before and after, and compare them (`cmp`). A change to the
//! checks is read the same way: `--against BASE` lists the reports that
//! changed and whose verdict turned (a faithful output now failed or
//! passed, an error now caught or missed), with the findings that differ.
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

const USAGE: &str = "usage: cargo xtask gate-reports OUT [--against BASE] (OUT: a file to write the reports to; BASE: an earlier OUT to compare with)";

pub(crate) fn run(args: &[String]) -> Result<()> {
    let (out, against) = match args {
        [out] => (out.as_str(), None),
        [out, flag, base] if flag == "--against" => (out.as_str(), Some(base.as_str())),
        _ => anyhow::bail!(USAGE),
    };
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
    if let Some(base) = against {
        let base_lines = std::fs::read_to_string(base).with_context(|| format!("reading {base}"))?;
        print!("{}", compare(&base_lines, &lines)?);
    }
    Ok(())
}

/// What changed between two runs' reports, pair by pair (pairs found in
/// one run only are counted apart): how many reports differ, and each
/// pair whose verdict turned, with the findings that came or went.
fn compare(base: &str, now: &[String]) -> Result<String> {
    let verdicts = |line: &str| -> Result<(String, bool, Vec<String>)> {
        let v: serde_json::Value = serde_json::from_str(line).context("a report line that is not JSON")?;
        let findings = v["report"]["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["findings"].as_array().into_iter().flatten())
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect();
        let passed = v["report"]["passed"].as_bool().unwrap_or(false);
        Ok((
            v["pair"].as_str().unwrap_or_default().to_owned(),
            passed,
            findings,
        ))
    };
    let mut before = std::collections::HashMap::new();
    for line in base.lines().filter(|l| !l.is_empty()) {
        let (pair, passed, findings) = verdicts(line)?;
        before.insert(pair, (line, passed, findings));
    }
    let (mut changed, mut only_now, mut turned) = (0usize, 0usize, Vec::new());
    // [false alarms gone, new; catches new, lost]
    let mut counts = [0usize; 4];
    for line in now {
        let (pair, passed, findings) = verdicts(line)?;
        let Some((old_line, was_passed, old_findings)) = before.remove(&pair) else {
            only_now += 1;
            continue;
        };
        if old_line == line {
            continue;
        }
        changed += 1;
        if passed == was_passed {
            continue;
        }
        let faithful = pair.ends_with("/faithful");
        let (what, slot) = match (faithful, passed) {
            (true, true) => ("false alarm gone", 0),
            (true, false) => ("false alarm NEW", 1),
            (false, false) => ("catch new", 2),
            (false, true) => ("catch LOST", 3),
        };
        counts[slot] += 1;
        let came: Vec<&String> = findings.iter().filter(|f| !old_findings.contains(f)).collect();
        let went: Vec<&String> = old_findings.iter().filter(|f| !findings.contains(f)).collect();
        turned.push(format!("{what}: {pair}\n    came {came:?}\n    went {went:?}"));
    }
    let mut out = format!(
        "against the base: {changed} reports changed; false alarms gone {}, new {}; catches new {}, lost {} \
         (an error 'caught' only by a finding on its faithful text counts too); {only_now} pairs only now, {} only in the base\n",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        before.len()
    );
    for t in turned {
        out.push_str(&t);
        out.push('\n');
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::compare;

    fn line(pair: &str, passed: bool, findings: &[&str]) -> String {
        serde_json::json!({
            "pair": pair,
            "report": {"passed": passed, "checks": [{"check": "numbers", "findings": findings}]}
        })
        .to_string()
    }

    #[test]
    fn the_comparison_names_each_turned_verdict_and_counts_the_rest() {
        let base = [
            line("s/a/x/faithful", false, &["the number 21 is not in the source"]),
            line("s/a/x/error 0 alter_number", true, &[]),
            line("s/a/x/error 1 omit_fact", false, &["the number 7 is missing"]),
            line("s/b/y/faithful", true, &[]),
            line("s/gone/z/faithful", true, &[]),
        ]
        .join("\n");
        let now = [
            line("s/a/x/faithful", true, &[]),
            line(
                "s/a/x/error 0 alter_number",
                false,
                &["the number 8 is not in the source"],
            ),
            line(
                "s/a/x/error 1 omit_fact",
                false,
                &["the number 7 is missing", "another"],
            ),
            line("s/b/y/faithful", true, &[]),
            line("s/new/z/faithful", false, &["x"]),
        ];
        let out = compare(&base, &now).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            out.starts_with(
                "against the base: 3 reports changed; false alarms gone 1, new 0; catches new 1, lost 0"
            ),
            "{out}"
        );
        assert!(out.contains("1 pairs only now, 1 only in the base"), "{out}");
        assert!(out.contains("false alarm gone: s/a/x/faithful"), "{out}");
        assert!(
            out.contains("went [\"the number 21 is not in the source\"]"),
            "{out}"
        );
        assert!(out.contains("catch new: s/a/x/error 0 alter_number"), "{out}");
        assert!(
            !out.contains("omit_fact"),
            "a changed report whose verdict held is only counted: {out}"
        );
    }
}
