//! The chunk-wise rephrase pipeline: chunk, rewrite each chunk in order with
//! what was rewritten before it in view (rolling, sticky or conversation
//! layouts), gate each answer on fidelity with repair attempts, continue
//! truncated answers, and stitch losslessly.

use std::ops::Range;
use std::sync::Arc;

use chunksynth_chunking::{ChunkConfig, ChunkConfigError, ChunkPlan, Tokenizer};
use chunksynth_llm::{ErrorKind, FinishReason, LlmError, Usage};
use chunksynth_prompts::{EarlierTurn, PromptProvenance, STYLES, Style, StyleKind};
use chunksynth_quality::{FidelityConfig, FidelityReport, Script, chatter_preamble, fidelity};
use serde::{Deserialize, Serialize};

use crate::model::{FidelityJudge, JudgeVerdict, RewriteModel, RewriteRequest};
use crate::window::PromptWindow;
use chunksynth_prompts::judge::{ClaimJudge, ClaimVerdict, JudgeFormat, JudgeMode};

use crate::claims::claim_questions;

/// What to do with a chunk whose every attempt failed the fidelity gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    /// Keep the attempt with the best fidelity score.
    #[default]
    KeepBest,
    /// Put the source text in place of a rewrite.
    FallBackToSource,
    /// Fail the whole document.
    FailDocument,
}

/// How the window of already-rewritten text moves from chunk to chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowLayout {
    /// The last `prefix_window_tokens` before every chunk: the smallest
    /// prompts, but consecutive prompts share only the system message.
    #[default]
    Rolling,
    /// The window's start stays put while it grows to twice
    /// `prefix_window_tokens`, then jumps to the last `prefix_window_tokens`:
    /// each prompt then starts with the previous prompt's window, which a
    /// server's prefix cache (vLLM, SGLang) reuses. Measured: it pays only
    /// when chunks are small next to the window (docs/BENCHMARKS.md).
    Sticky,
    /// A conversation: the first chunk's prompt is the rolling one, then each
    /// chunk is one more user turn after the earlier passages and their
    /// rewrites, until those hold `history_tokens`; then a new conversation
    /// starts from a fresh rolling window. Every prompt of a conversation
    /// begins with the whole previous prompt and its answer, which a server
    /// that caches generated tokens too (SGLang, vLLM) reuses; it costs more
    /// prompt tokens, as the model sees whole earlier passages
    /// (docs/BENCHMARKS.md).
    Conversation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PipelineConfig {
    pub chunk_tokens: usize,
    pub overlap_tokens: usize,
    pub prefix_window_tokens: usize,
    /// Tokens of the document's head shown with every chunk (0: none). Off by
    /// default: it adds its size to every call's prompt, and the prefix
    /// window already carries continuity.
    pub anchor_tokens: usize,
    pub max_attempts: u32,
    pub fidelity: FidelityConfig,
    pub on_failure: FailurePolicy,
    /// Output budget per call: the chunk's tokens × this ratio (+ 64).
    pub max_tokens_ratio: f64,
    /// A hard cap on that budget (a provider's output limit).
    pub max_new_tokens: Option<u32>,
    pub window_layout: WindowLayout,
    /// [`WindowLayout::Conversation`]: tokens of earlier passages and
    /// rewrites a conversation holds before a new one starts.
    pub history_tokens: usize,
    /// A style's own length band and recall floor, by style name, in place
    /// of the catalogue's (`[style_bounds.<name>]` in the config file).
    pub style_bounds: std::collections::BTreeMap<String, StyleBounds>,
    /// Whoever builds the pipeline over a language model attaches a judge
    /// (the corpus runner does; `--llm-judge`): [`JudgeMode::All`], an
    /// [`LlmJudge`](crate::LlmJudge), one more call per chunk whose checks
    /// passed; [`JudgeMode::Suspicious`], an
    /// [`LlmClaimJudge`](crate::LlmClaimJudge), asked only about chunks the
    /// gate passed with suspicions, and only about what those point at.
    pub llm_judge: JudgeMode,
    /// The most claim questions asked about one chunk.
    pub judge_max_claims: usize,
    /// How claim questions are put (`--judge-format`).
    pub judge_format: JudgeFormat,
    /// Keep each attempt's text in its [`AttemptRecord`] (for reviewing
    /// repairs; records grow by the failed attempts' texts). Not part of a
    /// run's identity: the texts are the journaled answers either way.
    pub keep_attempt_texts: bool,
}

/// The most claim questions asked about one chunk by default: most chunks
/// with suspicions have one to three.
pub const DEFAULT_JUDGE_MAX_CLAIMS: usize = 3;

/// What a user sets for one style's gate; `None` keeps the catalogue's.
#[derive(Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StyleBounds {
    pub length_band: Option<(f64, f64)>,
    pub min_content_recall: Option<f64>,
    /// Not written when unset, so the fingerprints of runs begun before it
    /// existed do not change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_number_recall: Option<f64>,
}

/// As derived, but a field added after runs were written is left out
/// while unset: a run's fingerprint holds this text, and an output begun
/// with `[style_bounds]` before the field existed must still resume.
impl std::fmt::Debug for StyleBounds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("StyleBounds");
        out.field("length_band", &self.length_band)
            .field("min_content_recall", &self.min_content_recall);
        if let Some(floor) = self.min_number_recall {
            out.field("min_number_recall", &Some(floor));
        }
        out.finish()
    }
}

impl Default for PipelineConfig {
    fn default() -> Self {
        Self {
            chunk_tokens: 512,
            overlap_tokens: 64,
            prefix_window_tokens: 256,
            anchor_tokens: 0,
            max_attempts: 3,
            fidelity: FidelityConfig::default(),
            on_failure: FailurePolicy::KeepBest,
            max_tokens_ratio: 2.0,
            max_new_tokens: None,
            window_layout: WindowLayout::default(),
            history_tokens: 2048,
            style_bounds: Default::default(),
            llm_judge: JudgeMode::Off,
            judge_max_claims: DEFAULT_JUDGE_MAX_CLAIMS,
            judge_format: JudgeFormat::Chat,
            keep_attempt_texts: false,
        }
    }
}

/// One attempt at one chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    pub score: f64,
    pub passed: bool,
    pub findings: Vec<String>,
    pub finish_reason: FinishReason,
    pub usage: Usage,
    pub calls: u32,
    /// The judge's verdict, when a judge is set and the checks passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<JudgeVerdict>,
    /// Why the judge could not answer (the checks' verdict then stands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge_error: Option<String>,
    /// The claim judge's verdicts on what the suspicions point at
    /// (`--llm-judge suspicious`), with their evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimVerdict>,
    /// Calls the judge made for this attempt (its usage is in the chunk's).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub judge_calls: u32,
    /// The attempt's rewrite, when the run keeps them
    /// ([`PipelineConfig::keep_attempt_texts`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChunkOutcome {
    /// An attempt passed the fidelity gate.
    Passed,
    /// No attempt passed; the best one was kept (policy `keep_best`).
    KeptBest,
    /// No attempt passed; the source was kept (policy `fall_back_to_source`).
    FellBackToSource,
    /// Whitespace only: nothing to rewrite, no call made.
    Skipped,
    /// The style has nothing to work on in this chunk (`math-problems`: no
    /// quantity): kept as it is, no call made — not a copy, not a failure.
    NothingForTheStyle,
}

/// What happened to one chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkRecord {
    pub index: usize,
    /// The chunk's share of the source (byte range).
    pub span: Range<usize>,
    /// The text sent for rewriting (byte range).
    pub body: Range<usize>,
    pub outcome: ChunkOutcome,
    pub attempts: Vec<AttemptRecord>,
    /// The report of the kept text (none when skipped or fallen back).
    pub fidelity: Option<FidelityReport>,
    pub usage: Usage,
    pub prompt: Option<PromptProvenance>,
    /// Times the prefix window was shrunk because the prompt was too long.
    pub prefix_shrinks: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RephraseResult {
    pub text: String,
    pub style: String,
    pub chunks: Vec<ChunkRecord>,
    pub usage: Usage,
}

impl RephraseResult {
    /// The share of the source's prose the kept rewrites repeat verbatim:
    /// the chunks' copy ratios weighted by their length (0 when no chunk
    /// was judged).
    pub fn copy_ratio(&self) -> f64 {
        let (weighted, total) = self
            .chunks
            .iter()
            .filter_map(|c| c.fidelity.as_ref().map(|f| (f.copy_ratio, c.body.len() as f64)))
            .fold((0.0, 0.0), |(w, t), (r, len)| (w + r * len, t + len));
        if total > 0.0 { weighted / total } else { 0.0 }
    }

    /// The kept rewrites' suspicions, over all chunks.
    pub fn suspicions(&self) -> impl Iterator<Item = &chunksynth_quality::Suspicion> {
        self.chunks
            .iter()
            .filter_map(|c| c.fidelity.as_ref())
            .flat_map(|f| f.suspicions.iter())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RephraseError {
    #[error("invalid pipeline configuration: {0}")]
    Config(#[from] ChunkConfigError),
    #[error("chunk {chunk}: the model failed: {error}")]
    Model { chunk: usize, error: LlmError },
    #[error("chunk {chunk}: no attempt of {attempts} passed the fidelity gate (policy fail_document): {}", findings.join("; "))]
    FidelityFailed {
        chunk: usize,
        attempts: u32,
        findings: Vec<String>,
    },
}

/// The chunk-wise autoregressive rephrasing pipeline.
pub struct ChunkWiseRephrasePipeline {
    model: Arc<dyn RewriteModel>,
    judge: Option<Arc<dyn FidelityJudge>>,
    claim_judge: Option<Arc<dyn ClaimJudge>>,
    tokenizer: Arc<dyn Tokenizer>,
    config: PipelineConfig,
    chunking: ChunkConfig,
}

impl std::fmt::Debug for ChunkWiseRephrasePipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkWiseRephrasePipeline")
            .field("tokenizer", &self.tokenizer.name())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ChunkWiseRephrasePipeline {
    pub fn new(
        model: Arc<dyn RewriteModel>,
        tokenizer: Arc<dyn Tokenizer>,
        config: PipelineConfig,
    ) -> Result<Self, RephraseError> {
        let chunking = ChunkConfig::new(config.chunk_tokens, config.overlap_tokens)?;
        Ok(Self {
            model,
            judge: None,
            claim_judge: None,
            tokenizer,
            config,
            chunking,
        })
    }

    /// Asks `judge` for a second opinion on every rewrite the checks pass; a
    /// rewrite it finds unfaithful is repaired like any other failure.
    pub fn with_claim_judge(mut self, judge: Arc<dyn ClaimJudge>) -> Self {
        self.claim_judge = Some(judge);
        self
    }

    pub fn with_judge(mut self, judge: Arc<dyn FidelityJudge>) -> Self {
        self.judge = Some(judge);
        self
    }

    pub fn plan(&self, text: &str) -> ChunkPlan {
        ChunkPlan::new(text, self.tokenizer.as_ref(), self.chunking)
    }

    /// Rewrites `text` in `style`.
    pub async fn run(&self, text: &str, style: &Style) -> Result<RephraseResult, RephraseError> {
        self.run_document(None, text, style).await
    }

    /// As [`run`](Self::run), with a document id for request metadata.
    pub async fn run_document(
        &self,
        document_id: Option<&str>,
        text: &str,
        style: &Style,
    ) -> Result<RephraseResult, RephraseError> {
        let plan = self.plan(text);
        let anchor = if self.config.anchor_tokens > 0 {
            head(text, self.tokenizer.as_ref(), self.config.anchor_tokens)
        } else {
            ""
        };
        let fidelity_config = self.fidelity_for(style);
        let mut records = Vec::with_capacity(plan.chunks.len());
        let mut produced = String::with_capacity(text.len());
        let mut usage = Usage::default();
        let mut windows = PromptWindow::new(&self.config, self.tokenizer.as_ref());
        for chunk in &plan.chunks {
            let unsuited = style.needs_quantities
                && chunksynth_quality::numbers::numbers(&text[chunk.body.clone()]).is_empty();
            let (rewrite, record) = if chunk.has_body() && !unsuited {
                let shown = windows.shown(text, chunk, &produced);
                let around = Surroundings {
                    document_id,
                    chunks: plan.chunks.len(),
                    produced: &produced,
                    window: shown.window,
                    context: shown.context,
                    anchor,
                    earlier: shown.earlier,
                };
                let (rewrite, record) = self
                    .rewrite_chunk(text, chunk, &around, style, &fidelity_config)
                    .await?;
                windows.rewritten(
                    &text[chunk.body.clone()],
                    chunk.tokens,
                    &rewrite,
                    record.prefix_shrinks > 0,
                );
                (rewrite, record)
            } else {
                let (kept, outcome) = if unsuited && chunk.has_body() {
                    (
                        text[chunk.body.clone()].to_owned(),
                        ChunkOutcome::NothingForTheStyle,
                    )
                } else {
                    (String::new(), ChunkOutcome::Skipped)
                };
                (
                    kept,
                    ChunkRecord {
                        index: chunk.index,
                        span: chunk.span.clone(),
                        body: chunk.body.clone(),
                        outcome,
                        attempts: Vec::new(),
                        fidelity: None,
                        usage: Usage::default(),
                        prompt: None,
                        prefix_shrinks: 0,
                    },
                )
            };
            chunk.stitch_into(text, &rewrite, &mut produced);
            usage += record.usage;
            records.push(record);
        }
        // `produced` is the stitched document: each chunk was joined with the
        // source's separators as it was written.
        Ok(RephraseResult {
            text: produced,
            style: style.name.to_owned(),
            chunks: records,
            usage,
        })
    }

    /// Rewrites `text` in several styles at once.
    pub async fn run_variants(
        &self,
        text: &str,
        styles: &[&Style],
    ) -> Vec<Result<RephraseResult, RephraseError>> {
        self.run_variants_for(None, text, styles).await
    }

    /// As [`run_variants`](Self::run_variants), with a document id.
    pub async fn run_variants_for(
        &self,
        document_id: Option<&str>,
        text: &str,
        styles: &[&Style],
    ) -> Vec<Result<RephraseResult, RephraseError>> {
        futures_util::future::join_all(styles.iter().map(|s| self.run_document(document_id, text, s))).await
    }

    fn fidelity_for(&self, style: &Style) -> FidelityConfig {
        let mut style = *style;
        if let Some(bounds) = self.config.style_bounds.get(style.name) {
            style.length_band = bounds.length_band.unwrap_or(style.length_band);
            style.min_content_recall = bounds.min_content_recall.unwrap_or(style.min_content_recall);
            style.min_number_recall = bounds.min_number_recall.or(style.min_number_recall);
        }
        gate_for(&self.config.fidelity, &style)
    }

    async fn rewrite_chunk(
        &self,
        text: &str,
        chunk: &chunksynth_chunking::Chunk,
        around: &Surroundings<'_>,
        style: &Style,
        fidelity_config: &FidelityConfig,
    ) -> Result<(String, ChunkRecord), RephraseError> {
        let body = &text[chunk.body.clone()];
        let derived = ((chunk.tokens as f64 * self.config.max_tokens_ratio).ceil() as u32).saturating_add(64);
        let max_tokens = self
            .config
            .max_new_tokens
            .map_or(derived, |cap| derived.min(cap.max(1)));
        let mut window_tokens = self.config.prefix_window_tokens;
        let mut prefix_shrinks = 0;
        let mut attempts: Vec<AttemptRecord> = Vec::new();
        let mut best: Option<(String, FidelityReport, bool)> = None;
        let mut last: Option<(String, Vec<String>)> = None;
        let mut usage = Usage::default();
        let mut prompt = None;
        let mut attempt = 1;
        while attempt <= self.config.max_attempts.max(1) {
            // The chosen window, unless a context overflow made us shrink it
            // (which also leaves a conversation: its history is what overflowed).
            let shrunk = window_tokens != self.config.prefix_window_tokens;
            let (prefix, context, earlier) = if shrunk {
                let s = PromptWindow::shrunk(
                    self.tokenizer.as_ref(),
                    text,
                    chunk,
                    around.produced,
                    window_tokens,
                );
                (s.window, s.context, s.earlier)
            } else {
                (around.window, around.context, around.earlier)
            };
            let (previous_attempt, findings) = match &last {
                Some((t, f)) => (Some(t.as_str()), f.as_slice()),
                None => (None, &[][..]),
            };
            let request = RewriteRequest {
                current_chunk: body,
                rewritten_prefix: prefix,
                overlap_context: if window_tokens == 0 { "" } else { context },
                anchor: if window_tokens == 0 { "" } else { around.anchor },
                earlier,
                style,
                attempt,
                previous_findings: findings,
                previous_attempt,
                max_tokens,
                document_id: around.document_id,
                chunk_index: chunk.index,
                chunks_after: around.chunks - chunk.index - 1,
            };
            let output = match self.model.rewrite(&request).await {
                Ok(o) => o,
                Err(e) if e.kind == ErrorKind::ContextTooLong && window_tokens > 0 => {
                    // Shrink what we add around the chunk, not the chunk.
                    window_tokens /= 2;
                    if window_tokens < 16 {
                        window_tokens = 0;
                    }
                    prefix_shrinks += 1;
                    continue;
                }
                Err(error) => {
                    return Err(RephraseError::Model {
                        chunk: chunk.index,
                        error,
                    });
                }
            };
            usage += output.usage;
            prompt = output.prompt.clone().or(prompt);
            let rewrite = strip_chatter(body, &output.text);
            let report = fidelity(body, &rewrite, fidelity_config);
            let mut findings: Vec<String> = report.findings().map(str::to_owned).collect();
            let (mut judge, mut judge_error) = (None, None);
            let mut passed = report.passed;
            if passed && let Some(j) = &self.judge {
                match j.judge(body, &rewrite).await {
                    Ok((verdict, judge_usage)) => {
                        usage += judge_usage;
                        if !verdict.faithful {
                            passed = false;
                            findings
                                .extend(verdict.problems.iter().map(|p| format!("a reviewer found: {p}")));
                        }
                        judge = Some(verdict);
                    }
                    Err(e) => judge_error = Some(e.to_string()),
                }
            }
            let (mut claims, mut judge_calls) = (Vec::new(), 0);
            let questions = match &self.claim_judge {
                Some(_) if passed => claim_questions(&report.suspicions, self.config.judge_max_claims),
                _ => Vec::new(),
            };
            if !questions.is_empty()
                && let Some(j) = &self.claim_judge
            {
                match j.judge_claims(body, &rewrite, &questions).await {
                    Ok(judged) => {
                        usage += judged.usage;
                        judge_calls = judged.calls;
                        for finding in judged.verdicts.iter().filter_map(ClaimVerdict::finding) {
                            passed = false;
                            findings.push(finding);
                        }
                        claims = judged.verdicts;
                    }
                    Err(e) => judge_error = Some(e.to_string()),
                }
            }
            attempts.push(AttemptRecord {
                attempt,
                score: report.score,
                passed,
                findings: findings.clone(),
                finish_reason: output.finish_reason,
                usage: output.usage,
                calls: output.calls,
                judge,
                judge_error,
                claims,
                judge_calls,
                text: self.config.keep_attempt_texts.then(|| rewrite.clone()),
            });
            // A passing attempt beats any failing one; then the higher score.
            let better = best
                .as_ref()
                .is_none_or(|(_, b, b_passed)| (passed, report.score) > (*b_passed, b.score));
            if better {
                best = Some((rewrite.clone(), report, passed));
            }
            if passed {
                break;
            }
            last = Some((rewrite, findings));
            attempt += 1;
        }
        let record = |outcome, fidelity| ChunkRecord {
            index: chunk.index,
            span: chunk.span.clone(),
            body: chunk.body.clone(),
            outcome,
            attempts: attempts.clone(),
            fidelity,
            usage,
            prompt: prompt.clone(),
            prefix_shrinks,
        };
        let Some((best_text, best_report, best_passed)) = best else {
            // Only reachable with max_attempts 0, which `max(1)` rules out.
            return Ok((body.to_owned(), record(ChunkOutcome::FellBackToSource, None)));
        };
        if best_passed {
            return Ok((best_text, record(ChunkOutcome::Passed, Some(best_report))));
        }
        match self.config.on_failure {
            FailurePolicy::KeepBest => Ok((best_text, record(ChunkOutcome::KeptBest, Some(best_report)))),
            FailurePolicy::FallBackToSource => {
                Ok((body.to_owned(), record(ChunkOutcome::FellBackToSource, None)))
            }
            FailurePolicy::FailDocument => Err(RephraseError::FidelityFailed {
                chunk: chunk.index,
                attempts: attempts.len() as u32,
                findings: attempts.last().map(|a| a.findings.clone()).unwrap_or_default(),
            }),
        }
    }
}

/// What a chunk's prompt shows around it.
struct Surroundings<'a> {
    document_id: Option<&'a str>,
    /// Chunks in the document's plan.
    chunks: usize,
    /// The rewritten document so far (a shrunk window is cut from it).
    produced: &'a str,
    /// Rewritten text before the chunk, or before the conversation's first.
    window: &'a str,
    /// Source text before the chunk, or before the conversation's first.
    context: &'a str,
    anchor: &'a str,
    earlier: &'a [EarlierTurn],
}

/// The first `tokens` tokens of `text`, cut at a span boundary.
fn head<'a>(text: &'a str, tokenizer: &dyn Tokenizer, tokens: usize) -> &'a str {
    let probe_end = text.len().min(tokens.saturating_mul(16).max(256));
    let mut end = probe_end;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut count = 0usize;
    let mut cut = 0;
    for span in tokenizer.spans(&text[..end]) {
        count += span.tokens as usize;
        if count > tokens {
            break;
        }
        cut = span.end;
    }
    text[..cut].trim_end()
}

/// Removes model chatter the source did not have: an opening line such as
/// "Here is the rewritten text:", a code fence wrapped around prose, the
/// `<<<`/`>>>` markers of the prompt. Then trims the edges (stitching puts the
/// source's own separators back) — except that when the source passage
/// starts indented (code, man-page options, nested lists) its first line's
/// indentation is kept, or put back when the model dropped it (models
/// answer from the first non-blank character), so the stitched document
/// keeps its layout at the seams. The source's trailing whitespace is put
/// back the same way.
pub fn strip_chatter(source: &str, rewrite: &str) -> String {
    let text = strip_wrappers(source, rewrite);
    let source_indent: &str = {
        let body = source.trim_start_matches(['\n', '\r']);
        let end = body.find(|c: char| c != ' ' && c != '\t').unwrap_or(body.len());
        &body[..end]
    };
    let mut out = if source_indent.is_empty() {
        text.trim_start().to_owned()
    } else {
        // Drop leading blank lines only.
        let first_content = text
            .char_indices()
            .find(|&(_, c)| !c.is_whitespace())
            .map_or(text.len(), |(i, _)| i);
        let line_start = text[..first_content].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[line_start..];
        if line.starts_with([' ', '\t']) || line.is_empty() {
            line.to_owned()
        } else {
            format!("{source_indent}{line}")
        }
    };
    let trailing = &source[source.trim_end().len()..];
    if !trailing.is_empty() && out.trim_end().len() == out.len() {
        out.push_str(trailing);
    }
    out
}

/// The rewrite without the wrappers a model adds; untouched (indentation
/// included) when there are none.
fn strip_wrappers<'a>(source: &str, rewrite: &'a str) -> &'a str {
    let untouched = rewrite.trim_end();
    let mut text = untouched.trim_start();
    let mut stripped = false;
    let source_trim = source.trim_start();
    // The quality gate's own rule: whatever it would flag as a preamble is
    // stripped here, so chatter never costs a repair call.
    if let Some((_, rest)) = text.split_once('\n')
        && chatter_preamble(source, text).is_some()
        && !rest.trim().is_empty()
    {
        text = rest.trim();
        stripped = true;
    }
    let (open, close) = (chunksynth_prompts::OPEN_MARKER, chunksynth_prompts::CLOSE_MARKER);
    if text.starts_with(open) && text.ends_with(close) && !source_trim.starts_with(open) {
        text = text.trim_start_matches(open).trim_end_matches(close).trim();
        stripped = true;
    }
    if text.starts_with("```") && text.ends_with("```") && !source_trim.starts_with("```") {
        let inner = text.trim_start_matches('`');
        let inner = inner.split_once('\n').map_or("", |(_, rest)| rest);
        text = inner.trim_end().trim_end_matches('`').trim();
        stripped = true;
    }
    if stripped { text } else { untouched }
}

/// `n` distinct styles for a document, chosen deterministically from `seed`
/// and the document id (the same inputs always give the same styles).
pub fn choose_styles(seed: u64, document_id: &str, n: usize) -> Vec<&'static Style> {
    // FNV-1a over the id, mixed with the seed: stable across runs and builds.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in document_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // The styles of the first catalogue only: a style added later joining
    // the draw would change the styles of a run begun before.
    let mut order: Vec<&'static Style> = STYLES
        .iter()
        .filter(|s| s.seeded && s.kind == StyleKind::Restyle)
        .collect();
    // Fisher-Yates with an xorshift stream seeded by the hash.
    for i in (1..order.len()).rev() {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
        order.swap(i, (h % (i as u64 + 1)) as usize);
    }
    order.truncate(n);
    order
}

/// A third of the source keeps at least this share of the style's recall
/// floor.
const PART_RECALL_PER_RECALL: f64 = 0.6;

/// The fidelity gate for `style`: the style's own length band and recall
/// floor (a dense `expert-terse` rewrite is half its source, a `textbook`
/// one twice; one fixed band rejected both while the prompts asked for
/// them), unless `base` changed them from the defaults. A translation keeps
/// facts, not words: the word-level and alignment checks are off for it.
pub fn gate_for(base: &FidelityConfig, style: &Style) -> FidelityConfig {
    use chunksynth_quality::CheckKind;
    let mut config = base.clone();
    let defaults = FidelityConfig::default();
    if (config.min_length_ratio, config.max_length_ratio)
        == (defaults.min_length_ratio, defaults.max_length_ratio)
    {
        (config.min_length_ratio, config.max_length_ratio) = style.length_band;
    }
    if config.min_content_recall == defaults.min_content_recall {
        config.min_content_recall = style.min_content_recall;
    }
    if config.min_part_recall == defaults.min_part_recall {
        // Each third of the source keeps a share in proportion to the
        // whole's floor: a terse restyle compresses every part.
        config.min_part_recall = style.min_content_recall * PART_RECALL_PER_RECALL;
    }
    if config.max_copy_ratio.is_none() {
        config.max_copy_ratio = style.max_copy_ratio;
    }
    if config.min_number_recall.is_none() {
        config.min_number_recall = style.min_number_recall;
    }
    config.added_numbers_are_suspicions |= style.works_examples;
    config.names_mentioned_once_are_suspicions |= style.drops_context_names;
    if style.kind == StyleKind::Extract {
        // Leaving facts out is the point: no omission, completeness or
        // summary finding; the style's recall floor stays.
        config.keeps_subset = true;
        for check in [CheckKind::Completeness, CheckKind::Summary, CheckKind::Omission] {
            if !config.disabled.contains(&check) {
                config.disabled.push(check);
            }
        }
    }
    if style.max_copy_ratio.is_none() && !config.disabled.contains(&CheckKind::NotRestyled) {
        config.disabled.push(CheckKind::NotRestyled);
    }
    if style.target_language == Some("English") {
        config.expected_script = Some(Script::Latin);
        let word_checks = [
            CheckKind::Names,
            CheckKind::ContentRecall,
            CheckKind::Completeness,
            CheckKind::LengthRatio,
        ];
        for check in word_checks.into_iter().chain(CheckKind::ALIGNMENT) {
            if !config.disabled.contains(&check) {
                config.disabled.push(check);
            }
        }
    }
    config
}
