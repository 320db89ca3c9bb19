//! Jobs: what the engine does to one work item. The engine (`run/engine.rs`)
//! owns reading, identity, scheduling, journaling, writing, budgets and the
//! summary; a job says which variants an item has, whether its input is
//! usable, and how to turn it into records. Rephrasing and generation are
//! the two jobs; both run through [`WorkPipeline`], so they share every
//! corpus behaviour (resume, concurrency, shards, budgets, dry run).

use std::sync::Arc;

use chunksynth_chunking::{ChunkConfig, Tokenizer};
use chunksynth_generation::{
    ChunkWiseGenerationPipeline, GenerationConfig, GenerationError, GenerationInput, GenerationPlan,
    QcReport, SectionRecord, StateTable, TopicSpec,
};
use chunksynth_llm::{LanguageModel, Sampling, Usage};
use chunksynth_prompts::{Style, TemplateSet, style};
use chunksynth_rephrase::{
    ChunkOutcome, ChunkWiseRephrasePipeline, JudgeMode, LlmClaimJudge, LlmJudge, LlmRewriteModel,
    RephraseError, WindowLayout, choose_styles,
};
use serde::{Deserialize, Serialize};

use crate::input::Document;
use crate::output::{Outcome, OutputRecord, Provenance, RejectKind, RejectRecord};
use crate::run::{RunConfig, RunError};

/// What to do to each work item.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Rephrase in these styles; with `variants` > 0, that many styles per
    /// document are chosen from `styles` (or the catalogue) by `seed`.
    Rephrase {
        styles: Vec<String>,
        variants: usize,
        seed: u64,
    },
    /// Generate one long text per spec (a topic, or a whole plan). The
    /// run's `sampling` and `language` override the config's.
    Generate {
        config: GenerationConfig,
        on_qc_failure: QcPolicy,
    },
}

/// What to do with a generated text whose QC report did not pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QcPolicy {
    /// Write it; its `qc_report.passed` is false (filter later).
    #[default]
    Keep,
    /// Reject it (kind `qc`, final: a rerun replays the same answers).
    Reject,
}

/// One generated text, with what it was made from and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratedRecord {
    pub id: String,
    pub text: String,
    /// Position of the spec in this run's input.
    pub input_index: usize,
    pub plan: GenerationPlan,
    /// Calls the plan took (more than 1: an invalid plan was repaired).
    #[serde(default = "one")]
    pub plan_attempts: u32,
    pub qc_report: QcReport,
    pub sections: Vec<SectionRecord>,
    pub state: StateTable,
    pub provenance: GenerationProvenance,
    /// Input fields kept (`--keep-fields`), as top-level fields.
    #[serde(flatten, default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

fn one() -> u32 {
    1
}

/// Where a generated text came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationProvenance {
    /// SHA-256 of the canonical spec: with the id, the record's identity.
    pub source_sha256: String,
    pub model: String,
    pub endpoints: Vec<String>,
    pub sampling: Sampling,
    pub tokenizer: String,
    pub run_fingerprint: String,
    pub usage: Usage,
    pub calls: u32,
    pub finished_at_unix_ms: u64,
    pub tool_version: String,
}

/// A record of either job, as the writer and the summary see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Written {
    Rephrased(Box<OutputRecord>),
    Generated(Box<GeneratedRecord>),
}

impl Written {
    pub(crate) fn id(&self) -> &str {
        match self {
            Self::Rephrased(r) => &r.id,
            Self::Generated(r) => &r.id,
        }
    }

    /// The variant: the style, or "" for a generated text.
    pub(crate) fn variant(&self) -> &str {
        match self {
            Self::Rephrased(r) => &r.style,
            Self::Generated(_) => "",
        }
    }

    pub(crate) fn source_sha256(&self) -> &str {
        match self {
            Self::Rephrased(r) => &r.provenance.source_sha256,
            Self::Generated(r) => &r.provenance.source_sha256,
        }
    }

    pub(crate) fn usage(&self) -> Usage {
        match self {
            Self::Rephrased(r) => r.provenance.usage,
            Self::Generated(r) => r.provenance.usage,
        }
    }

    /// For a generated text: whether its QC passed, its redrafts (section
    /// drafts past the first) and whether its plan was repaired.
    pub(crate) fn generation_counts(&self) -> Option<(bool, usize, bool)> {
        match self {
            Self::Rephrased(_) => None,
            Self::Generated(r) => Some((
                r.qc_report.passed,
                r.sections
                    .iter()
                    .map(|s| s.attempts.saturating_sub(1) as usize)
                    .sum(),
                r.plan_attempts > 1,
            )),
        }
    }

    /// The suspicions of a rephrased record's kept chunks, by check.
    pub(crate) fn suspicions(&self) -> Vec<chunksynth_quality::CheckKind> {
        match self {
            Self::Rephrased(r) => r
                .provenance
                .chunks
                .iter()
                .filter_map(|c| c.fidelity.as_ref())
                .flat_map(|f| f.suspicions.iter().map(|s| s.check))
                .collect(),
            Self::Generated(_) => Vec::new(),
        }
    }

    /// What the judge did for a rephrased record: its calls, and the claims
    /// it found not supported and those it gave no verdict on.
    pub(crate) fn judge_counts(&self) -> JudgeCounts {
        let mut counts = JudgeCounts::default();
        if let Self::Rephrased(r) = self {
            for attempt in r.provenance.chunks.iter().flat_map(|c| &c.attempts) {
                counts.calls += attempt.judge_calls as usize + usize::from(attempt.judge.is_some());
                for claim in &attempt.claims {
                    match claim.supported {
                        Some(false) => counts.not_supported += 1,
                        None => counts.no_verdict += 1,
                        Some(true) => {}
                    }
                }
                counts.no_verdict += usize::from(attempt.judge_error.is_some());
            }
        }
        counts
    }

    /// Parts (chunks, or sections) and how many of them passed their check
    /// (fidelity, or section QC).
    pub(crate) fn parts(&self) -> (usize, usize) {
        match self {
            Self::Rephrased(r) => {
                let chunks = &r.provenance.chunks;
                let passed = chunks
                    .iter()
                    // Kept as it is because the style has nothing to do
                    // there: no failure.
                    .filter(|ch| {
                        matches!(
                            ch.outcome,
                            ChunkOutcome::Passed | ChunkOutcome::NothingForTheStyle
                        )
                    })
                    .count();
                (chunks.len(), passed)
            }
            Self::Generated(r) => {
                let qc = &r.qc_report.sections;
                (qc.len(), qc.iter().filter(|s| s.passed).count())
            }
        }
    }
}

/// The variants of an item: its styles (named ones de-duplicated, as `a,a`
/// would pay twice for one record, or `variants` of them chosen by the
/// seed), or the one unnamed variant of a generated text.
pub(crate) fn variants_for(job: &Job, doc_id: &str) -> Result<Vec<&'static str>, String> {
    let Job::Rephrase {
        styles,
        variants,
        seed,
    } = job
    else {
        return Ok(vec![""]);
    };
    let mut named: Vec<&'static Style> = Vec::new();
    for n in styles {
        let s =
            style(n).ok_or_else(|| format!("unknown style {n:?}; run `chunksynth styles` for the list"))?;
        if !named.contains(&s) {
            named.push(s);
        }
    }
    let chosen: Vec<&'static Style> = if *variants == 0 {
        if named.is_empty() {
            vec![style("textbook").ok_or("no textbook style")?]
        } else {
            named
        }
    } else {
        choose_styles(*seed, doc_id, usize::MAX)
            .into_iter()
            .filter(|s| named.is_empty() || named.contains(s))
            .take(*variants)
            .collect()
    };
    Ok(chosen.into_iter().map(|s| s.name).collect())
}

/// Reads a generation spec: `{"plan": {...}}` for a whole plan, otherwise a
/// topic spec (`topic`, `target_tokens`, optional `objective`, `audience`,
/// `tone`). The error says what a line must hold.
pub fn parse_spec(text: &str) -> Result<GenerationInput, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(plan) = value.get("plan") {
        return GenerationPlan::from_json(&plan.to_string())
            .map(GenerationInput::Plan)
            .map_err(|e| e.to_string());
    }
    let spec: TopicSpec = serde_json::from_value(value).map_err(|e| {
        format!("not a topic spec ({e}); a line needs \"topic\" and \"target_tokens\", or a whole \"plan\"")
    })?;
    if spec.topic.trim().is_empty() {
        return Err("the topic is empty".to_owned());
    }
    if spec.target_tokens == 0 {
        return Err("target_tokens must be at least 1".to_owned());
    }
    Ok(GenerationInput::Topic(spec))
}

/// What every record of a run shares: from the configuration, once.
#[derive(Debug, Clone)]
pub(crate) struct ProvenanceBase {
    pub(crate) model: String,
    pub(crate) endpoints: Vec<String>,
    pub(crate) sampling: Sampling,
    pub(crate) tokenizer: String,
    pub(crate) chunk_tokens: usize,
    pub(crate) overlap_tokens: usize,
    pub(crate) prefix_window_tokens: usize,
    pub(crate) window_layout: WindowLayout,
    pub(crate) fingerprint: String,
}

impl ProvenanceBase {
    /// For records nobody keeps (the dry run).
    pub(crate) fn for_estimate(model: &str) -> Self {
        Self {
            model: model.to_owned(),
            endpoints: Vec::new(),
            sampling: Sampling::default(),
            tokenizer: String::new(),
            chunk_tokens: 0,
            overlap_tokens: 0,
            prefix_window_tokens: 0,
            window_layout: WindowLayout::default(),
            fingerprint: String::new(),
        }
    }
}

/// The judge's work on records: calls (whole-chunk and claim questions),
/// claims found not supported, questions left without a verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeCounts {
    pub calls: usize,
    pub not_supported: usize,
    pub no_verdict: usize,
}

/// A job made ready to run over one model.
pub(crate) enum WorkPipeline {
    Rephrase(ChunkWiseRephrasePipeline),
    Generate {
        pipeline: ChunkWiseGenerationPipeline,
        on_qc_failure: QcPolicy,
    },
}

/// The generation config a run uses: the job's, with the run's sampling
/// and language (one owner each).
pub(crate) fn generation_config(c: &RunConfig) -> Option<GenerationConfig> {
    let Job::Generate { config, .. } = &c.job else {
        return None;
    };
    Some(GenerationConfig {
        sampling: c.sampling.clone(),
        language: c.language,
        ..config.clone()
    })
}

impl WorkPipeline {
    /// `judge` is the judge's own model (`--judge-model`), when it has one;
    /// otherwise the run's model judges.
    pub(crate) fn new(
        c: &RunConfig,
        model: Arc<dyn LanguageModel>,
        judge: Option<Arc<dyn LanguageModel>>,
    ) -> Result<Self, RunError> {
        let tokenizer: Arc<dyn Tokenizer> = c.tokenizer.clone();
        let judge_model = judge.unwrap_or_else(|| model.clone());
        match &c.job {
            Job::Rephrase { .. } => {
                ChunkConfig::new(c.pipeline.chunk_tokens, c.pipeline.overlap_tokens)
                    .map_err(|e| RunError::Config(e.to_string()))?;
                let templates = TemplateSet::defaults(c.language);
                let mut rewrite = LlmRewriteModel::new(model, templates.clone());
                rewrite.sampling = c.sampling.clone();
                let pipeline =
                    ChunkWiseRephrasePipeline::new(Arc::new(rewrite), tokenizer, c.pipeline.clone())
                        .map_err(|e| RunError::Config(e.to_string()))?;
                Ok(Self::Rephrase(match c.pipeline.llm_judge {
                    JudgeMode::Off => pipeline,
                    JudgeMode::All => pipeline.with_judge(Arc::new(LlmJudge {
                        model: judge_model,
                        templates,
                    })),
                    JudgeMode::Suspicious => pipeline.with_claim_judge(Arc::new(LlmClaimJudge {
                        model: judge_model,
                        templates,
                        format: c.pipeline.judge_format,
                    })),
                }))
            }
            Job::Generate { on_qc_failure, .. } => {
                let config =
                    generation_config(c).ok_or_else(|| RunError::Config("not a generate job".into()))?;
                let templates = TemplateSet::defaults(c.language);
                let pipeline = ChunkWiseGenerationPipeline::new(model, tokenizer, config);
                // Key points QC cannot find by their words are asked about
                // before a redraft, in either judge mode.
                let pipeline = match c.pipeline.llm_judge {
                    JudgeMode::Off => pipeline,
                    JudgeMode::Suspicious | JudgeMode::All => pipeline.with_judge(Arc::new(LlmClaimJudge {
                        model: judge_model,
                        templates,
                        format: c.pipeline.judge_format,
                    })),
                };
                Ok(Self::Generate {
                    pipeline,
                    on_qc_failure: *on_qc_failure,
                })
            }
        }
    }

    /// Why this item cannot be worked on, if it cannot (checked before any
    /// call, so a bad spec is an `invalid_input` reject, not a paid failure).
    pub(crate) fn check(&self, doc: &Document) -> Result<(), String> {
        match self {
            Self::Rephrase(_) => Ok(()),
            Self::Generate { .. } => parse_spec(&doc.text).map(|_| ()),
        }
    }

    /// Makes one outcome per variant.
    pub(crate) async fn process(
        &self,
        doc: &Document,
        hash: &str,
        variants: &[&'static str],
        base: &ProvenanceBase,
    ) -> Vec<Outcome> {
        match self {
            Self::Rephrase(pipeline) => rephrase(pipeline, doc, hash, variants, base).await,
            Self::Generate {
                pipeline,
                on_qc_failure,
            } => vec![generate(pipeline, *on_qc_failure, doc, hash, base).await],
        }
    }
}

/// A reject of `doc`'s variant `variant` ("" for none).
pub(crate) fn reject_of(
    doc: &Document,
    hash: &str,
    variant: &str,
    kind: RejectKind,
    reason: String,
) -> RejectRecord {
    RejectRecord::new(
        Some(doc.id.clone()),
        doc.index,
        doc.line,
        (!variant.is_empty()).then(|| variant.to_owned()),
        kind,
        reason,
        Some(hash.to_owned()),
    )
}

async fn rephrase(
    pipeline: &ChunkWiseRephrasePipeline,
    doc: &Document,
    hash: &str,
    variants: &[&'static str],
    base: &ProvenanceBase,
) -> Vec<Outcome> {
    let styles: Vec<&'static Style> = variants.iter().filter_map(|v| style(v)).collect();
    let results = pipeline.run_variants_for(Some(&doc.id), &doc.text, &styles).await;
    results
        .into_iter()
        .zip(variants)
        .map(|(result, variant)| match result {
            Ok(r) => {
                let (copy_ratio, suspicions) = (r.copy_ratio(), r.suspicions().count());
                Ok(Written::Rephrased(Box::new(OutputRecord {
                    id: doc.id.clone(),
                    style: r.style.clone(),
                    text: r.text,
                    input_index: doc.index,
                    provenance: Provenance {
                        source_sha256: hash.to_owned(),
                        model: base.model.clone(),
                        endpoints: base.endpoints.clone(),
                        prompt: r.chunks.iter().find_map(|ch| ch.prompt.clone()),
                        sampling: base.sampling.clone(),
                        tokenizer: base.tokenizer.clone(),
                        chunk_tokens: base.chunk_tokens,
                        overlap_tokens: base.overlap_tokens,
                        prefix_window_tokens: base.prefix_window_tokens,
                        window_layout: base.window_layout,
                        run_fingerprint: base.fingerprint.clone(),
                        attempts: r.chunks.iter().map(|ch| ch.attempts.len() as u32).sum(),
                        copy_ratio,
                        suspicions,
                        chunks: r.chunks,
                        usage: r.usage,
                        finished_at_unix_ms: crate::run::now_ms(),
                        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
                    },
                    fields: doc.kept.clone(),
                })))
            }
            Err(e) => {
                let kind = match &e {
                    RephraseError::Model { error, .. } => RejectKind::from_model_error(error.kind),
                    RephraseError::FidelityFailed { .. } => RejectKind::Fidelity,
                    RephraseError::Config(_) => RejectKind::Config,
                };
                Err(reject_of(doc, hash, variant, kind, e.to_string()))
            }
        })
        .collect()
}

async fn generate(
    pipeline: &ChunkWiseGenerationPipeline,
    on_qc_failure: QcPolicy,
    doc: &Document,
    hash: &str,
    base: &ProvenanceBase,
) -> Outcome {
    let input =
        parse_spec(&doc.text).map_err(|reason| reject_of(doc, hash, "", RejectKind::InvalidInput, reason))?;
    let result = pipeline.run(input).await.map_err(|e| {
        let kind = match &e {
            GenerationError::InvalidPlan(_) => RejectKind::InvalidInput,
            GenerationError::Plan { .. } => RejectKind::Plan,
            GenerationError::Model { error, .. } => RejectKind::from_model_error(error.kind),
        };
        reject_of(doc, hash, "", kind, e.to_string())
    })?;
    if !result.qc_report.passed && on_qc_failure == QcPolicy::Reject {
        let failed: Vec<String> = result
            .qc_report
            .sections
            .iter()
            .filter(|s| !s.passed)
            .map(|s| s.title.clone())
            .collect();
        let reason = format!(
            "the QC report did not pass (sections: {}; whole text: {} of {} target tokens) under --on-qc-failure reject",
            if failed.is_empty() {
                "all passed".to_owned()
            } else {
                failed.join(", ")
            },
            result.qc_report.total_tokens,
            result.qc_report.total_target_tokens
        );
        return Err(reject_of(doc, hash, "", RejectKind::Qc, reason));
    }
    Ok(Written::Generated(Box::new(GeneratedRecord {
        id: doc.id.clone(),
        text: result.final_text,
        input_index: doc.index,
        provenance: GenerationProvenance {
            source_sha256: hash.to_owned(),
            model: base.model.clone(),
            endpoints: base.endpoints.clone(),
            sampling: base.sampling.clone(),
            tokenizer: base.tokenizer.clone(),
            run_fingerprint: base.fingerprint.clone(),
            usage: result.usage,
            calls: result.sections.iter().map(|s| s.calls).sum(),
            finished_at_unix_ms: crate::run::now_ms(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        plan: result.plan,
        plan_attempts: result.plan_attempts,
        qc_report: result.qc_report,
        sections: result.sections,
        state: result.state,
        fields: doc.kept.clone(),
    })))
}
