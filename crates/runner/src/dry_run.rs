//! The dry run: what a run would send, without a request.
//!
//! It runs the real job (the same pipelines, prompts, windows and
//! continuation rules as a run) over [`EstimatingModel`], a model that
//! answers locally: a rewrite with its passage, a section with text of the
//! length asked for, a plan with one shaped after the topic. What the
//! pipelines send it is what a run would send, so the estimate cannot drift
//! from the code it estimates. One attempt per chunk or section: repairs of
//! failed attempts come on top.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chunksynth_chunking::Tokenizer;
use chunksynth_generation::{GenerationInput, GenerationPlan, SectionSpec};
use chunksynth_llm::{
    BoxFuture, ChatRequest, ChatResponse, FinishReason, LanguageModel, LlmError, TaskKind, Usage,
};
use chunksynth_prompts::last_passage;
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use crate::input::{Document, InputRecord};
use crate::job::{Job, ProvenanceBase, WorkPipeline, parse_spec, variants_for};
use crate::run::{RunConfig, RunError, spawn_reader};

/// What a run would cost, without a request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DryRunEstimate {
    pub documents: usize,
    pub rejected: usize,
    pub variants: usize,
    pub calls: usize,
    /// The most calls one item makes in a chain (its variants' calls run
    /// side by side): the rounds a batch run takes, repairs aside.
    pub longest_chain: usize,
    pub source_tokens: usize,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    pub cost: Option<f64>,
    pub model: String,
}

/// Tokens a chat message adds besides its content (role, separators), as
/// OpenAI's chat format counts them.
const MESSAGE_OVERHEAD_TOKENS: usize = 3;

/// Tokens of section text a generated plan gives each section.
const PLANNED_SECTION_TOKENS: usize = 600;

/// Runs the job over every item of the input with a local model and counts
/// what it sends. No request leaves the machine.
pub async fn dry_run(config: &RunConfig, model: &str) -> Result<DryRunEstimate, RunError> {
    let mut config = config.clone();
    config.pipeline.max_attempts = 1;
    // The estimating model answers with the passage itself: a copy the gate
    // would fail, where a real model's restyle passes (and a judge, when
    // set, is then asked).
    config
        .pipeline
        .fidelity
        .disabled
        .push(chunksynth_quality::CheckKind::NotRestyled);
    if let Job::Generate { config: g, .. } = &mut config.job {
        g.max_plan_attempts = 1;
        g.max_section_attempts = 1;
    }
    let counters = Arc::new(Counters::default());
    let mut est = DryRunEstimate {
        model: model.to_owned(),
        ..DryRunEstimate::default()
    };
    let base = Arc::new(ProvenanceBase::for_estimate(model));
    let mut input = spawn_reader(&config, Arc::default())?;
    let mut tasks = JoinSet::new();
    let config = Arc::new(config);
    while let Some(record) = input.recv().await {
        let record = record.map_err(RunError::Input)?;
        if !config.shard.is_none_or(|s| s.owns_record(&record)) {
            continue;
        }
        let InputRecord::Document(doc) = record else {
            est.rejected += 1;
            continue;
        };
        let variants = variants_for(&config.job, &doc.id).map_err(RunError::Config)?;
        let model = Arc::new(EstimatingModel::new(
            model,
            config.tokenizer.clone(),
            &doc,
            &config.job,
            counters.clone(),
        ));
        let pipeline = WorkPipeline::new(&config, model.clone(), None)?;
        if pipeline.check(&doc).is_err() {
            est.rejected += 1;
            continue;
        }
        est.documents += 1;
        est.variants += variants.len();
        if matches!(config.job, Job::Rephrase { .. }) {
            est.source_tokens += config.tokenizer.count(&doc.text);
        }
        while tasks.len() >= config.concurrency.max(1) {
            tasks.join_next().await;
        }
        let base = base.clone();
        let counters = counters.clone();
        tasks.spawn(async move {
            pipeline.process(&doc, "", &variants, &base).await;
            // Variants run side by side: a chain is one variant's calls.
            let chain = model.calls.load(Ordering::Relaxed) / variants.len().max(1) as u64;
            counters.longest_chain.fetch_max(chain, Ordering::Relaxed);
        });
    }
    while tasks.join_next().await.is_some() {}
    est.calls = counters.calls.load(Ordering::Relaxed) as usize;
    est.longest_chain = counters.longest_chain.load(Ordering::Relaxed) as usize;
    est.prompt_tokens = counters.prompt.load(Ordering::Relaxed) as usize;
    est.completion_tokens = counters.completion.load(Ordering::Relaxed) as usize;
    est.cost = config.prices.get(model).map(|p| {
        p.cost(&Usage {
            prompt_tokens: est.prompt_tokens as u64,
            completion_tokens: est.completion_tokens as u64,
            cached_tokens: 0,
        })
    });
    Ok(est)
}

#[derive(Debug, Default)]
struct Counters {
    calls: AtomicU64,
    prompt: AtomicU64,
    completion: AtomicU64,
    longest_chain: AtomicU64,
}

/// Answers locally and counts what it is asked (see the module's doc).
#[derive(Debug)]
struct EstimatingModel {
    model: String,
    tokenizer: Arc<dyn Tokenizer>,
    /// Calls this item made.
    calls: AtomicU64,
    /// The plan answer for a topic spec: sections shaped after its length.
    plan: Option<String>,
    counters: Arc<Counters>,
}

impl EstimatingModel {
    fn new(
        model: &str,
        tokenizer: Arc<dyn Tokenizer>,
        doc: &Document,
        job: &Job,
        counters: Arc<Counters>,
    ) -> Self {
        let plan = match (job, parse_spec(&doc.text)) {
            (Job::Generate { .. }, Ok(GenerationInput::Topic(topic))) => {
                let n = topic.target_tokens.div_ceil(PLANNED_SECTION_TOKENS).max(1);
                let plan = GenerationPlan {
                    topic: topic.topic.clone(),
                    objective: topic.objective.clone(),
                    audience: topic.audience.clone(),
                    tone: topic.tone.clone(),
                    target_total_length: topic.target_tokens,
                    sections: (0..n)
                        .map(|i| SectionSpec {
                            title: format!("Part {} of {}", i + 1, topic.topic),
                            key_points: Vec::new(),
                            required_entities: Vec::new(),
                            constraints: Vec::new(),
                            target_length: (topic.target_tokens / n).max(1),
                        })
                        .collect(),
                    terminology_preferences: Vec::new(),
                    narrative_voice: String::new(),
                    do_not_include: Vec::new(),
                };
                serde_json::to_string(&plan).ok()
            }
            _ => None,
        };
        Self {
            model: model.to_owned(),
            tokenizer,
            calls: AtomicU64::new(0),
            plan,
            counters,
        }
    }

    fn answer(&self, request: &ChatRequest) -> String {
        let user = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == chunksynth_llm::Role::User)
            .map_or("", |m| m.content.as_str());
        match request.task {
            TaskKind::PlanGeneration => self.plan.clone().unwrap_or_default(),
            TaskKind::SectionGeneration => {
                let asked = request.sampling.max_tokens.unwrap_or(256) as f64;
                // write_section asks for 1.2× what remains plus 32.
                filler(self.tokenizer.as_ref(), ((asked - 32.0) / 1.2).max(1.0) as usize)
            }
            TaskKind::StateExtraction => "{}".to_owned(),
            // A judge that finds the rewrite faithful: the call is counted,
            // the verdict changes nothing.
            TaskKind::Judge => r#"{"faithful": true, "problems": []}"#.to_owned(),
            TaskKind::Other => String::new(),
            // Rewrites, repairs, continuations, consistency edits: the
            // passage back, as long as the style's outputs typically are.
            _ => {
                let passage = last_passage(user);
                let system = request
                    .messages
                    .iter()
                    .find(|m| m.role == chunksynth_llm::Role::System)
                    .map_or("", |m| m.content.as_str());
                let ratio = chunksynth_prompts::STYLES
                    .iter()
                    .find(|s| system.contains(s.instructions_en) || system.contains(s.instructions_zh))
                    .map_or(1.0, |s| s.expected_length);
                // The passage itself (the gate passes it, and a judge is
                // then asked), lengthened to the style's typical length;
                // never shortened: a budget is better overestimated.
                let extra = (self.tokenizer.count(passage) as f64 * (ratio - 1.0)).round();
                if extra < 1.0 {
                    passage.to_owned()
                } else {
                    // Ending as a sentence does (a rewrite cut short fails).
                    let more = filler(self.tokenizer.as_ref(), extra as usize);
                    format!("{passage}\n\n{}.", more.trim_end_matches(['.', ' ']))
                }
            }
        }
    }
}

impl LanguageModel for EstimatingModel {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        Box::pin(async move {
            let prompt: usize = request
                .messages
                .iter()
                .map(|m| self.tokenizer.count(&m.content) + MESSAGE_OVERHEAD_TOKENS)
                .sum();
            let text = self.answer(request);
            let completion = self.tokenizer.count(&text);
            self.counters.calls.fetch_add(1, Ordering::Relaxed);
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.counters.prompt.fetch_add(prompt as u64, Ordering::Relaxed);
            self.counters
                .completion
                .fetch_add(completion as u64, Ordering::Relaxed);
            Ok(ChatResponse {
                text,
                finish_reason: FinishReason::Stop,
                usage: Usage {
                    prompt_tokens: prompt as u64,
                    completion_tokens: completion as u64,
                    cached_tokens: 0,
                },
                latency: Duration::ZERO,
                endpoint: "dry-run".to_owned(),
                model: self.model.clone(),
            })
        })
    }

    fn model_id(&self) -> &str {
        &self.model
    }
}

/// About `tokens` tokens of varied prose-like words (no repeated n-grams for
/// the QC to flag), sized with the run's tokenizer.
fn filler(tokenizer: &dyn Tokenizer, tokens: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "fo", "gu", "ha", "ji", "ke", "pa", "zo",
    ];
    let mut state = 0x9e37_79b9_u64 ^ tokens as u64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut text = String::new();
    let mut words = 0usize;
    // Grow in steps sized by the tokens still missing, so long sections do
    // not recount their whole text for every word.
    loop {
        let have = tokenizer.count(&text);
        if have >= tokens {
            return text;
        }
        for _ in 0..(tokens - have).div_ceil(2).max(1) {
            if !text.is_empty() {
                text.push(if words % 12 == 11 { '.' } else { ' ' });
                if words % 12 == 11 {
                    text.push(' ');
                }
            }
            for _ in 0..2 + next() % 2 {
                text.push_str(SYLLABLES[next() % SYLLABLES.len()]);
            }
            words += 1;
        }
    }
}
