//! What a pipeline asks: messages, the task (for accounting and scripted
//! answers), sampling, an optional response schema, and metadata (document,
//! chunk, attempt, scheduling priority).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }

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
    Rewrite,
    Continuation,
    Repair,
    Judge,
    PlanGeneration,
    SectionGeneration,
    ConsistencyPass,
    StateExtraction,
    Other,
}

impl TaskKind {
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
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    pub seed: Option<u64>,
}

/// A JSON schema the answer must follow (structured output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSchema {
    pub name: String,
    pub schema: serde_json::Value,
}

/// Where a request belongs, for accounting and logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestMetadata {
    pub document_id: Option<String>,
    pub chunk_index: Option<usize>,
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
    pub messages: Vec<Message>,
    pub task: TaskKind,
    #[serde(default)]
    pub sampling: Sampling,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_schema: Option<ResponseSchema>,
    #[serde(default)]
    pub metadata: RequestMetadata,
}

impl ChatRequest {
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
