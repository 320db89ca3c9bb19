//! Prompt tokens per source token, with and without the document-head anchor
//! and over prefix-window sizes, and the share of each prompt that repeats
//! the previous call's prompt prefix (what a server's prefix cache reuses).
//!
//! `cargo bench -p chunksynth-rephrase --bench token_cost` (or `cargo xtask
//! bench tokens`). Runs the real pipeline with an echoing scripted model over
//! `../shared/corpus/dev.jsonl` (or `CHUNKSYNTH_BENCH_CORPUS`), counting with
//! o200k. Echoing keeps the rewritten prefix the size of the source's.

use std::sync::Arc;

use chunksynth_chunking::{Tokenizer, TokenizerSpec};
use chunksynth_llm::{ChatRequest, ScriptedModel};
use chunksynth_prompts::{Language, TemplateSet, style};
use chunksynth_rephrase::{ChunkWiseRephrasePipeline, LlmRewriteModel, PipelineConfig, WindowLayout};

fn corpus() -> Vec<String> {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/dev.jsonl");
    let path = std::env::var("CHUNKSYNTH_BENCH_CORPUS").unwrap_or_else(|_| default.to_owned());
    let docs: Vec<String> = std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
        .collect();
    if docs.is_empty() {
        let para = "Ownership is a set of rules that govern how a Rust program manages memory. ";
        return (0..5).map(|_| para.repeat(400)).collect();
    }
    docs
}

fn prompt_text(r: &ChatRequest) -> String {
    r.messages
        .iter()
        .map(|m| m.content.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn common_prefix_bytes(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn main() {
    let docs = corpus();
    let tok: Arc<dyn Tokenizer> = "o200k"
        .parse::<TokenizerSpec>()
        .and_then(|s| s.load())
        .unwrap_or_else(|e| panic!("{e}"));
    let source_tokens: usize = docs.iter().map(|d| tok.count(d)).sum();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    println!("corpus: {} documents, {source_tokens} o200k tokens\n", docs.len());
    println!(
        "| chunk | overlap | window | anchor | calls | prompt tokens / source token | reusable prefix share |"
    );
    println!("|---|---|---|---|---|---|---|");
    let settings = [
        (512, 64, 256, 0),
        (512, 64, 128, 0),
        (512, 64, 64, 0),
        (512, 64, 256, 128),
        (512, 64, 256, 256),
        (512, 0, 256, 0),
        (512, 64, 0, 0),
        (512, 64, 512, 0),
        (256, 32, 128, 0),
        (1024, 64, 256, 0),
        (2048, 128, 512, 0),
    ];
    let runs = [WindowLayout::Rolling, WindowLayout::Sticky]
        .into_iter()
        .flat_map(|layout| settings.iter().map(move |s| (layout, *s)));
    for (layout, (chunk, overlap, window, anchor)) in runs {
        let model =
            ScriptedModel::text(|req| chunksynth_prompts::last_passage(req.last_user_text()).to_owned());
        let rewrite = LlmRewriteModel::new(Arc::new(model.clone()), TemplateSet::defaults(Language::En));
        let config = PipelineConfig {
            chunk_tokens: chunk,
            overlap_tokens: overlap,
            prefix_window_tokens: window,
            anchor_tokens: anchor,
            max_attempts: 1,
            window_layout: layout,
            ..PipelineConfig::default()
        };
        let pipeline = ChunkWiseRephrasePipeline::new(Arc::new(rewrite), tok.clone(), config)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut prompt_tokens = 0usize;
        let mut reusable = 0usize;
        let mut calls = 0usize;
        let textbook = style("textbook").unwrap_or_else(|| panic!("style"));
        let mut seen = 0;
        for doc in &docs {
            runtime
                .block_on(pipeline.run(doc, textbook))
                .unwrap_or_else(|e| panic!("{e}"));
            let requests = model.requests();
            let mine = &requests[seen..];
            seen = requests.len();
            let mut previous: Option<String> = None;
            for r in mine {
                let text = prompt_text(r);
                prompt_tokens += tok.count(&text);
                if let Some(p) = &previous {
                    let mut shared = common_prefix_bytes(p, &text);
                    while !text.is_char_boundary(shared) {
                        shared -= 1;
                    }
                    reusable += tok.count(&text[..shared]);
                }
                previous = Some(text);
                calls += 1;
            }
        }
        println!(
            "| {layout:?} | {chunk} | {overlap} | {window} | {anchor} | {calls} | {:.2} | {:.0}% |",
            prompt_tokens as f64 / source_tokens as f64,
            100.0 * reusable as f64 / prompt_tokens as f64
        );
    }
}
