//! A demo model: every task chunksynth asks of a model, answered in kind
//! without an endpoint, so the main jobs run on a fresh clone
//! (`chunksynth rephrase --demo`, `chunksynth generate --demo`) and the demo
//! server (`cargo xtask fake-server`) answers the same way.
//!
//! - rewrites, repairs and continuations: [`demo_rewrite`], a restyle that
//!   keeps names, numbers and code;
//! - plans: valid JSON, sections of the asked count and length;
//! - sections: the title as a heading, every key point and required entity,
//!   about the asked length, without repeating itself;
//! - consistency passes: the section unchanged; state tables: JSON; judge
//!   verdicts: faithful.
//!
//! Deterministic: the same request gets the same answer.

mod formats;
mod generation;
mod restyle;

use std::sync::Arc;
use std::time::Duration;

use chunksynth_llm::{
    BoxFuture, ChatRequest, ChatResponse, FinishReason, LanguageModel, LlmError, TaskKind, Usage, UsageLedger,
};

pub use formats::demo_in_kind;
pub use generation::{demo_plan, demo_section};
pub use restyle::demo_rewrite;

/// The model id records name when the demo answered.
pub const DEMO_MODEL: &str = "chunksynth-demo";

/// What the demo answers `task`, asked `user` (the last user message) under
/// the system message `system`: a rewrite in the form of the style the
/// system message gives (a table, a FAQ, …), or a prose restyle.
pub fn demo_answer_in(task: TaskKind, system: &str, user: &str) -> String {
    if matches!(
        task,
        TaskKind::Rewrite | TaskKind::Repair | TaskKind::Continuation
    ) && let Some(style) = chunksynth_prompts::STYLES
        .iter()
        .find(|s| system.contains(s.instructions_en) || system.contains(s.instructions_zh))
        && let Some(answer) = demo_in_kind(style.name, chunksynth_prompts::last_passage(user))
    {
        return answer;
    }
    demo_answer(task, user)
}

/// What the demo answers `task`, asked `user` (the last user message).
pub fn demo_answer(task: TaskKind, user: &str) -> String {
    match task {
        // A section redrafted with QC's findings, or a plan asked again, is
        // a repair.
        TaskKind::Repair if task_of_prompt(user) == TaskKind::SectionGeneration => demo_section(user),
        TaskKind::Repair if task_of_prompt(user) == TaskKind::PlanGeneration => demo_plan(user),
        TaskKind::Rewrite | TaskKind::Repair | TaskKind::Continuation | TaskKind::Other => {
            demo_rewrite(chunksynth_prompts::last_passage(user))
        }
        TaskKind::Judge => demo_verdict(user),
        TaskKind::PlanGeneration => demo_plan(user),
        TaskKind::SectionGeneration => demo_section(user),
        TaskKind::ConsistencyPass => chunksynth_prompts::last_passage(user).to_owned(),
        TaskKind::StateExtraction => {
            r#"{"entities": [], "terms": [], "timeline": [], "open_threads": []}"#.to_owned()
        }
    }
}

/// A judge's answer, in the form the prompt asks: every claim supported
/// (claim questions), "Yes" (a grounding checker's pair), faithful (a whole
/// chunk).
fn demo_verdict(user: &str) -> String {
    if user.starts_with("Document:") {
        return "Yes".to_owned();
    }
    let claims = user
        .lines()
        .filter(|l| {
            let rest = l.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.len() < l.len() && (rest.starts_with(". REWRITE:") || rest.starts_with(". SOURCE:"))
        })
        .count();
    if claims == 0 {
        return r#"{"faithful": true, "problems": []}"#.to_owned();
    }
    let verdicts: Vec<String> = (1..=claims)
        .map(|n| {
            format!(r#"{{"claim": {n}, "supported": true, "source_evidence": "", "rewrite_evidence": ""}}"#)
        })
        .collect();
    format!(r#"{{"verdicts": [{}]}}"#, verdicts.join(", "))
}

/// The task a prompt asks for, read from its wording (the demo server gets
/// HTTP requests, which do not say): the templates' openings in English and
/// Chinese; anything else is a rewrite.
pub fn task_of_prompt(user: &str) -> TaskKind {
    let opens = |a: &str, b: &str| user.starts_with(a) || user.starts_with(b);
    if opens("Plan a long-form text", "为一篇长文制定写作计划") {
        TaskKind::PlanGeneration
    } else if opens(
        "You are writing a long text section by section",
        "你正在逐节撰写一篇长文",
    ) {
        TaskKind::SectionGeneration
    } else if opens(
        "Edit one section of a longer text",
        "仅为保持一致性而编辑长文中的一节",
    ) {
        TaskKind::ConsistencyPass
    } else if opens("List what this section introduces", "列出本节引入的内容") {
        TaskKind::StateExtraction
    } else if opens("Compare a rewrite with its source passage", "比较改写与原文")
        || opens("Check a rewrite against its source passage", "逐条核对改写与原文")
        || user.starts_with("Document:")
    {
        TaskKind::Judge
    } else {
        TaskKind::Rewrite
    }
}

/// The demo as a [`LanguageModel`], recording usage (a token is four bytes)
/// in a ledger as a backend would.
#[derive(Debug, Clone)]
pub struct DemoModel {
    ledger: Arc<UsageLedger>,
}

impl DemoModel {
    /// A demo model recording into a fresh ledger.
    pub fn new() -> Self {
        Self {
            ledger: Arc::new(UsageLedger::new()),
        }
    }

    /// Where usage is recorded.
    pub fn ledger(&self) -> Arc<UsageLedger> {
        self.ledger.clone()
    }
}

impl Default for DemoModel {
    fn default() -> Self {
        Self::new()
    }
}

impl LanguageModel for DemoModel {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        Box::pin(async move {
            let system = request
                .messages
                .iter()
                .find(|m| m.role == chunksynth_llm::Role::System)
                .map_or("", |m| m.content.as_str());
            let text = demo_answer_in(request.task, system, request.last_user_text());
            let prompt: usize = request.messages.iter().map(|m| m.content.len()).sum();
            let usage = Usage {
                prompt_tokens: prompt.div_ceil(4) as u64,
                completion_tokens: text.len().div_ceil(4) as u64,
                cached_tokens: 0,
            };
            self.ledger.record_attempt("demo", request.task);
            self.ledger
                .record_success("demo", request.task, usage, Duration::ZERO);
            Ok(ChatResponse {
                text,
                finish_reason: FinishReason::Stop,
                usage,
                latency: Duration::ZERO,
                endpoint: "demo".to_owned(),
                model: DEMO_MODEL.to_owned(),
            })
        })
    }

    fn model_id(&self) -> &str {
        DEMO_MODEL
    }
}
