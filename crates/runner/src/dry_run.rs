//! The dry run: what a run would send, without a request.

use chunksynth_chunking::{ChunkConfig, ChunkPlan};
use chunksynth_llm::Usage;
use chunksynth_rephrase::WindowLayout;
use serde::{Deserialize, Serialize};

use crate::input::InputRecord;
use crate::run::{RunConfig, RunError, styles_for};

/// What a run would cost, without a request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DryRunEstimate {
    pub documents: usize,
    pub rejected: usize,
    pub variants: usize,
    pub calls: usize,
    pub source_tokens: usize,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    pub cost: Option<f64>,
    pub model: String,
}

/// Tokens the fixed parts of a rewrite prompt take (instructions, labels).
const PROMPT_OVERHEAD_TOKENS: usize = 180;

/// Tokens an earlier turn of a conversation adds besides its passage and
/// rewrite (the user message's label and markers, the chat template's).
const TURN_OVERHEAD_TOKENS: usize = 16;

/// Chunks every document and counts calls and tokens as the defaults would
/// spend them (one attempt per chunk; repairs come on top). No request.
pub fn dry_run(config: &RunConfig, model: &str) -> Result<DryRunEstimate, RunError> {
    let chunking = ChunkConfig::new(config.pipeline.chunk_tokens, config.pipeline.overlap_tokens)
        .map_err(|e| RunError::Config(e.to_string()))?;
    let mut est = DryRunEstimate {
        model: model.to_owned(),
        ..DryRunEstimate::default()
    };
    for record in config.input.records(&config.format).map_err(RunError::Input)? {
        let record = record.map_err(RunError::Input)?;
        if !config.shard.is_none_or(|s| s.owns_record(&record)) {
            continue;
        }
        let InputRecord::Document(doc) = record else {
            est.rejected += 1;
            continue;
        };
        est.documents += 1;
        let n = styles_for(&config.job, &doc.id).map_err(RunError::Config)?.len();
        est.variants += n;
        let plan = ChunkPlan::new(&doc.text, config.tokenizer.as_ref(), chunking);
        est.source_tokens += plan.total_tokens;
        let mut produced = 0usize;
        // The conversation layout: the opening prompt's window and context,
        // and the earlier turns (passage, rewrite, framing) sent since.
        let (mut opening, mut history, mut held) = (0usize, 0usize, 0usize);
        let conversing = config.pipeline.window_layout == WindowLayout::Conversation;
        for chunk in plan.chunks.iter().filter(|ch| ch.has_body()) {
            let window = produced.min(config.pipeline.prefix_window_tokens);
            let context = if chunk.index == 0 {
                0
            } else {
                config.pipeline.overlap_tokens
            };
            let around = if conversing {
                if history == 0 {
                    opening = window + context;
                }
                opening + history
            } else {
                window + context
            };
            let prompt = PROMPT_OVERHEAD_TOKENS + chunk.tokens + around + config.pipeline.anchor_tokens;
            est.calls += n;
            est.prompt_tokens += n * prompt;
            est.completion_tokens += n * chunk.tokens;
            produced += chunk.tokens;
            if conversing {
                // The passage and its rewrite (about as long) count towards
                // the budget; the prompt also carries their framing.
                held += 2 * chunk.tokens;
                history += 2 * chunk.tokens + TURN_OVERHEAD_TOKENS;
                if held >= config.pipeline.history_tokens {
                    (held, history) = (0, 0);
                }
            }
        }
    }
    est.cost = config.prices.get(model).map(|p| {
        p.cost(&Usage {
            prompt_tokens: est.prompt_tokens as u64,
            completion_tokens: est.completion_tokens as u64,
            cached_tokens: 0,
        })
    });
    Ok(est)
}
