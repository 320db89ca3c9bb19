//! Chunking throughput beside raw encode throughput, per tokenizer.
//!
//! `cargo bench -p chunksynth-chunking --bench throughput` (or `cargo xtask
//! bench chunking`). Reads `benches/corpus.jsonl` when present (or the
//! JSONL named by `CHUNKSYNTH_BENCH_CORPUS`), else a generated corpus. Prints
//! a Markdown table; nothing here asserts a time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chunksynth_chunking::{ChunkConfig, ChunkPlan, TiktokenTokenizer, TokenizerSpec, units};

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
    let para = "Chunk-wise rewriting keeps every byte. It cuts at headings, blank lines and sentences.\n\n```rust\nfn main() { println!(\"{}\", 42); }\n```\n\n分块改写保留每一个字节。\n\n";
    (
        "generated".to_owned(),
        (0..20)
            .map(|i| format!("# Doc {i}\n\n{}", para.repeat(200)))
            .collect(),
    )
}

/// One round: runs `f` over all documents for at least `min`; MB/s.
fn round(docs: &[String], min: Duration, f: &mut dyn FnMut(&str)) -> f64 {
    let bytes: usize = docs.iter().map(String::len).sum();
    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed() < min || rounds == 0 {
        for d in docs {
            f(d);
        }
        rounds += 1;
    }
    (bytes as f64 * f64::from(rounds)) / start.elapsed().as_secs_f64() / 1e6
}

/// Best MB/s of each measurement over five interleaved rounds, so that a
/// slow spell of this shared machine hits every measurement alike.
fn interleaved(docs: &[String], min: Duration, fs: &mut [&mut dyn FnMut(&str)]) -> Vec<f64> {
    let mut best = vec![0.0f64; fs.len()];
    for _ in 0..5 {
        for (b, f) in best.iter_mut().zip(fs.iter_mut()) {
            *b = b.max(round(docs, min, *f));
        }
    }
    best
}

fn main() {
    let (source, docs) = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let min = Duration::from_millis(400);
    let config = ChunkConfig::new(512, 64).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "corpus: {source} ({} documents, {:.2} MB)",
        docs.len(),
        bytes as f64 / 1e6
    );
    println!("chunk_tokens 512, overlap_tokens 64\n");
    println!(
        "| tokenizer | raw encode MB/s | spans MB/s | chunking MB/s | chunking / raw | planning alone MB/s | chunks |"
    );
    println!("|---|---|---|---|---|---|---|");
    for spec in ["o200k", "cl100k", "words", "chars"] {
        let tok = spec
            .parse::<TokenizerSpec>()
            .and_then(|s| s.load())
            .unwrap_or_else(|e| panic!("{e}"));
        // Warm up lazily built tables outside the timing.
        black_box(tok.spans("warm up"));
        let o200k = TiktokenTokenizer::o200k();
        let cl100k = TiktokenTokenizer::cl100k();
        let mut raw = |d: &str| match spec {
            "o200k" => {
                black_box(o200k.encode_ids(d));
            }
            "cl100k" => {
                black_box(cl100k.encode_ids(d));
            }
            "words" => {
                black_box(units::word_count(d));
            }
            _ => {
                black_box(d.chars().count());
            }
        };
        let mut spans = |d: &str| {
            black_box(tok.spans(d));
        };
        let mut chunking = |d: &str| {
            black_box(ChunkPlan::new(d, tok.as_ref(), config));
        };
        let all_spans: Vec<_> = docs.iter().map(|d| tok.spans(d)).collect();
        let mut next = 0;
        let mut plan_only = |d: &str| {
            black_box(ChunkPlan::from_spans(
                d,
                &all_spans[next % all_spans.len()],
                config,
            ));
            next += 1;
        };
        let best = interleaved(
            &docs,
            min,
            &mut [&mut raw, &mut spans, &mut chunking, &mut plan_only],
        );
        let (raw, spans, chunking, plan_only) = (best[0], best[1], best[2], best[3]);
        let chunks: usize = docs
            .iter()
            .map(|d| ChunkPlan::new(d, tok.as_ref(), config).chunks.len())
            .sum();
        println!(
            "| {spec} | {raw:.1} | {spans:.1} | {chunking:.1} | {:.2} | {plan_only:.1} | {chunks} |",
            chunking / raw
        );
    }
}
