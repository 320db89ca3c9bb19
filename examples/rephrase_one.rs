//! Rephrases one document against an OpenAI-compatible endpoint with the
//! crates directly, no corpus engine: `LLM_BASE_URL`, `LLM_MODEL` and
//! `LLM_API_KEY` say where (`cargo xtask fake-server` serves a local one).
//!
//! `cargo run -p chunksynth-runner --example rephrase_one -- examples/notes.txt [STYLE]`

use std::sync::Arc;

use chunksynth_backend_openai::{BackendConfig, OpenAiBackend};
use chunksynth_chunking::TokenizerSpec;
use chunksynth_prompts::{Language, TemplateSet, style};
use chunksynth_rephrase::{ChunkWiseRephrasePipeline, LlmRewriteModel, PipelineConfig};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Errors in words, as the CLI prints them (not `Error: Os { .. }`).
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: rephrase_one FILE [STYLE]")?;
    let style_name = args.next().unwrap_or_else(|| "textbook".to_owned());
    let style = style(&style_name)
        .ok_or_else(|| format!("no style {style_name:?}; `chunksynth styles` lists them"))?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;

    let backend = Arc::new(OpenAiBackend::new(BackendConfig::from_env()?)?);
    let rewrite = LlmRewriteModel::new(backend.clone(), TemplateSet::defaults(Language::En));
    let tokenizer = "o200k".parse::<TokenizerSpec>()?.load()?;
    let pipeline = ChunkWiseRephrasePipeline::new(Arc::new(rewrite), tokenizer, PipelineConfig::default())?;

    let result = pipeline.run(&text, style).await?;
    println!("{}", result.text);
    let passed = result
        .chunks
        .iter()
        .filter(|c| c.fidelity.as_ref().is_some_and(|f| f.passed))
        .count();
    let usage = backend.ledger().snapshot().total;
    eprintln!(
        "{} chunks, {passed} passed the fidelity gate; {} calls, {} tokens",
        result.chunks.len(),
        usage.requests,
        usage.tokens.total()
    );
    Ok(())
}
