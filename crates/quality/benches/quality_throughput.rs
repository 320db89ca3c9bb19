//! Throughput of the full fidelity report and of the generation QC metrics.
//!
//! `cargo bench -p chunksynth-quality --bench quality_throughput` (or `cargo
//! xtask bench quality`). Reads `benches/corpus.jsonl` when present (or
//! `CHUNKSYNTH_BENCH_CORPUS`), else a generated corpus. Fidelity is measured
//! on 2,000-byte source chunks against a lightly edited rewrite of each.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chunksynth_quality::{
    CheckKind, FidelityConfig, adjacent_similarity, distinct_n, fidelity, gopher_repetition, rep_n,
};

fn corpus() -> (String, Vec<String>) {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../benches/corpus.jsonl");
    let path = std::env::var("CHUNKSYNTH_BENCH_CORPUS").unwrap_or_else(|_| default.to_owned());
    if let Ok(jsonl) = std::fs::read_to_string(&path) {
        let docs: Vec<String> = jsonl
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
            .collect();
        if !docs.is_empty() {
            return (path, docs);
        }
    }
    let para = "In 2024, the Rust Book had 20 chapters. Ownership is explained with `String` and Box<T>.\n\n";
    (
        "generated".to_owned(),
        (0..20).map(|_| para.repeat(300)).collect(),
    )
}

fn best_mb_per_s(bytes: usize, min: Duration, mut f: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut rounds = 0u32;
            while start.elapsed() < min || rounds == 0 {
                f();
                rounds += 1;
            }
            bytes as f64 * f64::from(rounds) / start.elapsed().as_secs_f64() / 1e6
        })
        .fold(0.0, f64::max)
}

fn chunks_of(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + size).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

fn main() {
    let (source, docs) = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let min = Duration::from_millis(600);
    let pairs: Vec<(&str, String)> = docs
        .iter()
        .flat_map(|d| chunks_of(d, 2000))
        .map(|c| (c, c.replace(" the ", " a ").replace(", ", "; ")))
        .collect();
    let config = FidelityConfig::default();
    let fidelity_mb = best_mb_per_s(bytes, min, || {
        for (s, r) in &pairs {
            black_box(fidelity(s, r, &config));
        }
    });
    // The orchestration bench's default answer: every word in capitals, so
    // that no name of the source is found as written and each name check
    // takes its slowest path.
    let upper: Vec<(&str, String)> = pairs.iter().map(|(s, _)| (*s, s.to_uppercase())).collect();
    let upper_mb = best_mb_per_s(bytes, min, || {
        for (s, r) in &upper {
            black_box(fidelity(s, r, &config));
        }
    });
    let gopher_mb = best_mb_per_s(bytes, min, || {
        for d in &docs {
            black_box(gopher_repetition(d));
        }
    });
    let rep_mb = best_mb_per_s(bytes, min, || {
        for d in &docs {
            black_box((rep_n(d, 4), distinct_n(d, 2)));
        }
    });
    let sections: Vec<Vec<&str>> = docs.iter().map(|d| d.split("\n\n").collect()).collect();
    let adjacent_mb = best_mb_per_s(bytes, min, || {
        for s in &sections {
            black_box(adjacent_similarity(s));
        }
    });
    println!(
        "corpus: {source} ({} documents, {:.2} MB)\n",
        docs.len(),
        bytes as f64 / 1e6
    );
    println!("| metric | MB/s |");
    println!("|---|---|");
    println!(
        "| fidelity report (all {} checks incl. sentence alignment, 2 KB chunks) | {fidelity_mb:.2} |",
        CheckKind::ALL.len()
    );
    println!("| fidelity report, the rewrite upper-cased (names' slowest path) | {upper_mb:.2} |");
    println!("| Gopher repetition (all rules) | {gopher_mb:.1} |");
    println!("| rep-4 + distinct-2 | {rep_mb:.1} |");
    println!("| adjacent-section similarity | {adjacent_mb:.1} |");
}
