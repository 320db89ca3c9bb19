//! What a pipeline asks: messages, the task (for accounting and scripted
//! answers), sampling, an optional response schema, and metadata (document,
//! chunk, attempt, scheduling priority).

use serde::{Deserialize, Serialize};

/// Who speaks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions for the model.
    System,
    /// The user's turn.
    User,
    /// An earlier answer of the model.
    Assistant,
}

/// One message of a chat.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    /// Who speaks it.
    pub role: Role,
    /// What it says.
    pub content: String,
}

impl Message {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }

    /// An assistant message (an earlier answer).
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// What a request is for. Visible to models (a scripted model answers by
/// task) and used to account usage per task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Rewriting a chunk.
    Rewrite,
    /// Continuing an answer cut at the length limit.
    Continuation,
    /// Rewriting again with the gate's findings.
    Repair,
    /// Judging whether a rewrite is faithful.
    Judge,
    /// Writing a plan for a long text.
    PlanGeneration,
    /// Writing one section to a plan.
    SectionGeneration,
    /// Fixing a section against the state table.
    ConsistencyPass,
    /// Extracting the state table from a section.
    StateExtraction,
    /// Anything else.
    Other,
}

impl TaskKind {
    /// The task's name in records and logs (`plan_generation`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rewrite => "rewrite",
            Self::Continuation => "continuation",
            Self::Repair => "repair",
            Self::Judge => "judge",
            Self::PlanGeneration => "plan_generation",
            Self::SectionGeneration => "section_generation",
            Self::ConsistencyPass => "consistency_pass",
            Self::StateExtraction => "state_extraction",
            Self::Other => "other",
        }
    }
}

/// Sampling parameters; `None` leaves the server's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Nucleus sampling mass.
    pub top_p: Option<f32>,
    /// The most tokens to generate.
    pub max_tokens: Option<u32>,
    /// Strings that end the answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    /// A seed, for servers that honour one.
    pub seed: Option<u64>,
}

/// A JSON schema the answer must follow (structured output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSchema {
    /// The schema's name (`response_format.json_schema.name`).
    pub name: String,
    /// The JSON schema itself.
    pub schema: serde_json::Value,
}

/// Where a request belongs, for accounting and logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestMetadata {
    /// The document the call works on.
    pub document_id: Option<String>,
    /// The chunk (or section) of that document.
    pub chunk_index: Option<usize>,
    /// Which attempt at that chunk (1 for the first).
    pub attempt: u32,
    /// A scheduling hint: how many calls of this document's chain still
    /// follow this one. A backend that must queue calls serves higher values
    /// first, so the longest document (the run's critical path) never waits
    /// behind short ones. Not part of what the request asks, so it is not
    /// serialized (journal keys ignore it).
    #[serde(skip)]
    pub priority: u32,
}

/// One chat completion request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The chat, in order.
    pub messages: Vec<Message>,
    /// What the call is for.
    pub task: TaskKind,
    /// Sampling parameters.
    #[serde(default)]
    pub sampling: Sampling,
    /// A schema the answer must follow, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_schema: Option<ResponseSchema>,
    /// Where the call belongs (accounting, logs).
    #[serde(default)]
    pub metadata: RequestMetadata,
}

impl ChatRequest {
    /// A request for `task` with `messages`, default sampling and no schema.
    pub fn new(task: TaskKind, messages: Vec<Message>) -> Self {
        Self {
            messages,
            task,
            sampling: Sampling::default(),
            response_schema: None,
            metadata: RequestMetadata::default(),
        }
    }

    /// The text of the last user message (what scripted models usually answer).
    pub fn last_user_text(&self) -> &str {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map_or("", |m| m.content.as_str())
    }
}
