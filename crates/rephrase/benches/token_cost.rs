//! Prompt tokens per source token, with and without the document-head anchor,
//! over prefix-window sizes and the three window layouts, and the share of
//! each prompt that repeats the previous call's prompt (and its answer) from
//! the start: what a server's prefix cache reuses.
//!
//! `cargo bench -p chunksynth-rephrase --bench token_cost` (or `cargo xtask
//! bench tokens`). Runs the real pipeline with an echoing scripted model over
//! `benches/corpus.jsonl` (or `CHUNKSYNTH_BENCH_CORPUS`), counting with
//! o200k. Echoing keeps the rewritten prefix the size of the source's.

use std::sync::Arc;

use chunksynth_chunking::{Tokenizer, TokenizerSpec};
use chunksynth_llm::{ChatRequest, Role, ScriptedModel};
use chunksynth_prompts::{Language, TemplateSet, style};
use chunksynth_rephrase::{ChunkWiseRephrasePipeline, LlmRewriteModel, PipelineConfig, WindowLayout};

fn corpus() -> Vec<String> {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../benches/corpus.jsonl");
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

/// The prompt as a chat template lays it out for the model (ChatML, as
/// Qwen's and many others' templates do), ending with the generation prompt:
/// what a server's prefix cache sees.
fn prompt_text(r: &ChatRequest) -> String {
    let mut text = String::new();
    for m in &r.messages {
        let role = match m.role {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        text.push_str(&format!("<|im_start|>{role}\n{}<|im_end|>\n", m.content));
    }
    text.push_str("<|im_start|>assistant\n");
    text
}

/// The length of the common prefix of `a` and `b`, at a char boundary of both.
fn common_prefix(a: &str, b: &str) -> usize {
    let mut shared = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !b.is_char_boundary(shared) {
        shared -= 1;
    }
    shared
}

/// One row of the sweep.
#[derive(Clone, Copy)]
struct Setting {
    layout: WindowLayout,
    chunk: usize,
    overlap: usize,
    window: usize,
    anchor: usize,
    history: usize,
}

const fn row(layout: WindowLayout, chunk: usize, overlap: usize, window: usize, anchor: usize) -> Setting {
    Setting {
        layout,
        chunk,
        overlap,
        window,
        anchor,
        history: 0,
    }
}

const fn conversation(chunk: usize, overlap: usize, window: usize, history: usize) -> Setting {
    Setting {
        layout: WindowLayout::Conversation,
        chunk,
        overlap,
        window,
        anchor: 0,
        history,
    }
}

use WindowLayout::{Rolling, Sticky};

const SETTINGS: &[Setting] = &[
    row(Rolling, 512, 64, 256, 0),
    row(Rolling, 512, 64, 128, 0),
    row(Rolling, 512, 64, 64, 0),
    row(Rolling, 512, 64, 256, 128),
    row(Rolling, 512, 64, 256, 256),
    row(Rolling, 512, 0, 256, 0),
    row(Rolling, 512, 64, 0, 0),
    row(Rolling, 512, 64, 512, 0),
    row(Rolling, 256, 32, 128, 0),
    row(Rolling, 1024, 64, 256, 0),
    row(Rolling, 2048, 128, 512, 0),
    row(Sticky, 512, 64, 256, 0),
    row(Sticky, 512, 64, 512, 0),
    row(Sticky, 256, 32, 128, 0),
    conversation(512, 64, 256, 1024),
    conversation(512, 64, 256, 2048),
    conversation(512, 64, 256, 4096),
    conversation(512, 64, 128, 2048),
    conversation(512, 64, 0, 2048),
    conversation(256, 32, 128, 1024),
    conversation(256, 32, 128, 2048),
    conversation(1024, 64, 256, 2048),
    conversation(1024, 64, 256, 4096),
    conversation(2048, 128, 512, 4096),
];

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
    println!(
        "Corpus: {} documents, {source_tokens} o200k tokens.\n",
        docs.len()
    );
    println!(
        "| layout | chunk | overlap | window | anchor | history | calls | prompt tokens / source token | reusable: previous prompt | reusable: previous prompt + answer | uncached prompt tokens / source token |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for setting in SETTINGS {
        let model =
            ScriptedModel::text(|req| chunksynth_prompts::last_passage(req.last_user_text()).to_owned());
        let rewrite = LlmRewriteModel::new(Arc::new(model.clone()), TemplateSet::defaults(Language::En));
        let config = PipelineConfig {
            chunk_tokens: setting.chunk,
            overlap_tokens: setting.overlap,
            prefix_window_tokens: setting.window,
            anchor_tokens: setting.anchor,
            max_attempts: 1,
            window_layout: setting.layout,
            history_tokens: setting.history.max(1),
            ..PipelineConfig::default()
        };
        let pipeline = ChunkWiseRephrasePipeline::new(Arc::new(rewrite), tok.clone(), config)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut prompt_tokens = 0usize;
        let (mut reusable, mut reusable_with_answer) = (0usize, 0usize);
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
            let mut previous: Option<(String, String)> = None;
            for r in mine {
                let text = prompt_text(r);
                prompt_tokens += tok.count(&text);
                if let Some((prompt, answer)) = &previous {
                    reusable += tok.count(&text[..common_prefix(prompt, &text)]);
                    let extended = format!("{prompt}{answer}<|im_end|>\n");
                    reusable_with_answer += tok.count(&text[..common_prefix(&extended, &text)]);
                }
                let answer = chunksynth_prompts::last_passage(r.last_user_text()).to_owned();
                previous = Some((text, answer));
                calls += 1;
            }
        }
        let history = if setting.layout == WindowLayout::Conversation {
            setting.history.to_string()
        } else {
            "–".to_owned()
        };
        println!(
            "| {:?} | {} | {} | {} | {} | {history} | {calls} | {:.2} | {:.0}% | {:.0}% | {:.2} |",
            setting.layout,
            setting.chunk,
            setting.overlap,
            setting.window,
            setting.anchor,
            prompt_tokens as f64 / source_tokens as f64,
            100.0 * reusable as f64 / prompt_tokens as f64,
            100.0 * reusable_with_answer as f64 / prompt_tokens as f64,
            (prompt_tokens - reusable_with_answer) as f64 / source_tokens as f64,
        );
    }
}
