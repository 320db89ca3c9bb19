//! The rewrite model seam: a `RewriteRequest` (chunk, window, style, earlier
//! findings) in, text out; `LlmRewriteModel` renders it into a chat request,
//! `EchoRewriteModel` answers with the chunk for tests.

use std::sync::Arc;

use chunksynth_llm::{
    BoxFuture, ChatRequest, FinishReason, LanguageModel, LlmError, RequestMetadata, Sampling, TaskKind, Usage,
};
use chunksynth_prompts::{
    ContinuationInput, EarlierTurn, PromptProvenance, RepairInput, RewriteInput, Style, TemplateSet,
};

/// What a rewrite model is asked for one chunk.
#[derive(Debug, Clone)]
pub struct RewriteRequest<'a> {
    /// The chunk's body: the text to rewrite.
    pub current_chunk: &'a str,
    /// The tail of the text already rewritten (the rolling window).
    pub rewritten_prefix: &'a str,
    /// Read-only source text just before the chunk.
    pub overlap_context: &'a str,
    /// The document's head, or empty.
    pub anchor: &'a str,
    pub style: &'a Style,
    /// 1 for the first try.
    pub attempt: u32,
    /// What was wrong with the previous attempt (empty on the first).
    pub previous_findings: &'a [String],
    pub previous_attempt: Option<&'a str>,
    /// Output budget for this call.
    pub max_tokens: u32,
    pub document_id: Option<&'a str>,
    pub chunk_index: usize,
    /// Chunks of the document after this one: the calls its chain still
    /// needs, which a backend uses to serve long documents first.
    pub chunks_after: usize,
    /// [`WindowLayout::Conversation`](crate::WindowLayout): the
    /// conversation's earlier passages and rewrites. When it is not empty,
    /// `rewritten_prefix` and `overlap_context` are those of its first turn.
    pub earlier: &'a [EarlierTurn],
}

/// A rewrite, and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct RewriteOutput {
    pub text: String,
    pub finish_reason: FinishReason,
    pub usage: Usage,
    /// Model calls made (continuations included).
    pub calls: u32,
    pub prompt: Option<PromptProvenance>,
}

/// Anything that rewrites a chunk: a language model through the prompts, or
/// a stand-in for tests.
pub trait RewriteModel: Send + Sync {
    fn rewrite<'a>(
        &'a self,
        request: &'a RewriteRequest<'a>,
    ) -> BoxFuture<'a, Result<RewriteOutput, LlmError>>;
}

/// Returns `request.current_chunk` unchanged: stitching it gives the input
/// back byte for byte.
#[derive(Debug, Clone, Copy, Default)]
pub struct EchoRewriteModel;

impl RewriteModel for EchoRewriteModel {
    fn rewrite<'a>(
        &'a self,
        request: &'a RewriteRequest<'a>,
    ) -> BoxFuture<'a, Result<RewriteOutput, LlmError>> {
        Box::pin(async move {
            Ok(RewriteOutput {
                text: request.current_chunk.to_owned(),
                finish_reason: FinishReason::Stop,
                usage: Usage::default(),
                calls: 0,
                prompt: None,
            })
        })
    }
}

/// Rewrites through any [`LanguageModel`] with the prompts crate's templates.
/// An answer cut at the length limit is continued (up to
/// `max_continuations` calls) and joined.
#[derive(Debug, Clone)]
pub struct LlmRewriteModel {
    pub model: Arc<dyn LanguageModel>,
    pub templates: TemplateSet,
    pub sampling: Sampling,
    pub max_continuations: u32,
}

impl LlmRewriteModel {
    pub fn new(model: Arc<dyn LanguageModel>, templates: TemplateSet) -> Self {
        Self {
            model,
            templates,
            sampling: Sampling::default(),
            max_continuations: 2,
        }
    }

    fn request(
        &self,
        task: TaskKind,
        r: &RewriteRequest<'_>,
        messages: Vec<chunksynth_llm::Message>,
    ) -> ChatRequest {
        let mut req = ChatRequest::new(task, messages);
        req.sampling = self.sampling.clone();
        req.sampling.max_tokens = Some(r.max_tokens);
        req.metadata = RequestMetadata {
            document_id: r.document_id.map(str::to_owned),
            chunk_index: Some(r.chunk_index),
            attempt: r.attempt,
            priority: u32::try_from(r.chunks_after).unwrap_or(u32::MAX),
        };
        req
    }
}

impl RewriteModel for LlmRewriteModel {
    fn rewrite<'a>(&'a self, r: &'a RewriteRequest<'a>) -> BoxFuture<'a, Result<RewriteOutput, LlmError>> {
        Box::pin(async move {
            let input = RewriteInput {
                style: r.style,
                current_chunk: r.current_chunk,
                rewritten_prefix: r.rewritten_prefix,
                overlap_context: r.overlap_context,
                anchor: r.anchor,
                earlier: r.earlier,
            };
            let (task, prompt) = match r.previous_attempt {
                Some(previous) if !r.previous_findings.is_empty() => (
                    TaskKind::Repair,
                    self.templates.repair(&RepairInput {
                        rewrite: input,
                        previous_attempt: previous,
                        findings: r.previous_findings,
                    }),
                ),
                _ => (TaskKind::Rewrite, self.templates.rewrite(&input)),
            };
            let answer = self.model.chat(&self.request(task, r, prompt.messages)).await?;
            let mut text = answer.text;
            let mut usage = answer.usage;
            let mut finish = answer.finish_reason;
            let mut calls = 1;
            while finish == FinishReason::Length && calls <= self.max_continuations {
                let cont = self.templates.continuation(&ContinuationInput {
                    style: r.style,
                    current_chunk: r.current_chunk,
                    partial: &text,
                });
                let more = self
                    .model
                    .chat(&self.request(TaskKind::Continuation, r, cont.messages))
                    .await?;
                text.push_str(&more.text);
                usage += more.usage;
                finish = more.finish_reason;
                calls += 1;
            }
            Ok(RewriteOutput {
                text,
                finish_reason: finish,
                usage,
                calls,
                prompt: Some(prompt.provenance),
            })
        })
    }
}

/// A second opinion on a rewrite the deterministic checks passed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JudgeVerdict {
    pub faithful: bool,
    pub problems: Vec<String>,
}

/// Judges whether a rewrite is faithful (an LLM through structured output,
/// or anything else).
pub trait FidelityJudge: Send + Sync {
    fn judge<'a>(
        &'a self,
        source: &'a str,
        rewrite: &'a str,
    ) -> BoxFuture<'a, Result<(JudgeVerdict, Usage), LlmError>>;
}

/// An LLM judge: the prompts crate's judge prompt, the verdict's JSON schema
/// in `response_format`, and a tolerant reading of the answer (the first JSON
/// object in it) for endpoints that ignore the schema.
#[derive(Debug, Clone)]
pub struct LlmJudge {
    pub model: Arc<dyn LanguageModel>,
    pub templates: TemplateSet,
}

impl FidelityJudge for LlmJudge {
    fn judge<'a>(
        &'a self,
        source: &'a str,
        rewrite: &'a str,
    ) -> BoxFuture<'a, Result<(JudgeVerdict, Usage), LlmError>> {
        Box::pin(async move {
            let prompt = self
                .templates
                .judge(&chunksynth_prompts::JudgeInput { source, rewrite });
            let mut request = ChatRequest::new(TaskKind::Judge, prompt.messages);
            request.sampling.temperature = Some(0.0);
            request.response_schema = Some(chunksynth_llm::ResponseSchema {
                name: "fidelity_verdict".to_owned(),
                schema: chunksynth_prompts::judge_schema(),
            });
            let answer = self.model.chat(&request).await?;
            if let Some(verdict) = parse_verdict(&answer.text) {
                return Ok((verdict, answer.usage));
            }
            // Asked again once, saying why (a new request: a journal does
            // not replay the first answer); then no verdict.
            let mut usage = answer.usage;
            request
                .messages
                .push(chunksynth_llm::Message::assistant(answer.text));
            request.messages.push(chunksynth_llm::Message::user(
                chunksynth_prompts::judge::UNREADABLE_JSON,
            ));
            let again = self.model.chat(&request).await?;
            usage += again.usage;
            let verdict = parse_verdict(&again.text).ok_or_else(|| {
                LlmError::new(
                    chunksynth_llm::ErrorKind::Malformed,
                    format!(
                        "the judge's answer is not a verdict, twice: {}",
                        again.text.chars().take(200).collect::<String>()
                    ),
                )
            })?;
            Ok((verdict, usage))
        })
    }
}

/// The first JSON object in `text` read as a verdict.
fn parse_verdict(text: &str) -> Option<JudgeVerdict> {
    let value: serde_json::Value = serde_json::from_str(chunksynth_llm::extract_json_object(text)?).ok()?;
    let faithful = value.get("faithful")?.as_bool()?;
    let problems = value
        .get("problems")
        .and_then(|p| p.as_array())
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    Some(JudgeVerdict { faithful, problems })
}
