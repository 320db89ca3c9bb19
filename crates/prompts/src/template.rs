//! Prompt templates: their ids, the slots each may use, the languages
//! instructions are written in, and the checks that reject a user template
//! with an unknown or missing slot.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The language prompt instructions are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Zh,
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Self::En),
            "zh" | "chinese" | "zh-cn" => Ok(Self::Zh),
            _ => Err(format!("unknown prompt language {s:?}: use en or zh")),
        }
    }
}

/// Which prompt a template is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateId {
    RewriteSystem,
    RewriteUser,
    RepairUser,
    ContinuationUser,
    /// An LLM judge's fidelity verdict, answered as JSON.
    JudgeUser,
    /// A chat judge's verdicts on the claims suspicions point at, answered
    /// as JSON with evidence (`--judge-format chat`).
    JudgeClaimsUser,
    /// A grounding checker's instruction (`--judge-format claim`: MiniCheck's
    /// and FaithLens's (document, claim) → Yes/No).
    ClaimCheckSystem,
    /// A grounding checker's (document, claim) pair.
    ClaimCheckUser,
    /// A plan (JSON) from a topic spec.
    PlanUser,
    /// One section (or the continuation of one) of a planned text.
    SectionUser,
    /// Terminology and transitions of one generated section.
    ConsistencyUser,
    /// Entities, terms, dates and open threads of a section, as JSON.
    StateUser,
}

impl TemplateId {
    pub const ALL: [TemplateId; 12] = [
        Self::RewriteSystem,
        Self::RewriteUser,
        Self::RepairUser,
        Self::ContinuationUser,
        Self::JudgeUser,
        Self::JudgeClaimsUser,
        Self::ClaimCheckSystem,
        Self::ClaimCheckUser,
        Self::PlanUser,
        Self::SectionUser,
        Self::ConsistencyUser,
        Self::StateUser,
    ];

    /// The claim judge's templates (`--llm-judge suspicious`), added after
    /// runs were written: a run's fingerprint has them only when it uses them.
    pub const CLAIM_JUDGE: [TemplateId; 3] = [
        Self::JudgeClaimsUser,
        Self::ClaimCheckSystem,
        Self::ClaimCheckUser,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::RewriteSystem => "rewrite_system",
            Self::RewriteUser => "rewrite_user",
            Self::RepairUser => "repair_user",
            Self::ContinuationUser => "continuation_user",
            Self::JudgeUser => "judge_user",
            Self::JudgeClaimsUser => "judge_claims_user",
            Self::ClaimCheckSystem => "claim_check_system",
            Self::ClaimCheckUser => "claim_check_user",
            Self::PlanUser => "plan_user",
            Self::SectionUser => "section_user",
            Self::ConsistencyUser => "consistency_user",
            Self::StateUser => "state_user",
        }
    }

    /// The slots a template of this kind may use.
    pub fn allowed(self) -> &'static [&'static str] {
        match self {
            Self::RewriteSystem => &["style_instructions", "style_name"],
            Self::RewriteUser => &["anchor_block", "prefix_block", "context_block", "chunk"],
            Self::RepairUser => &[
                "anchor_block",
                "prefix_block",
                "context_block",
                "chunk",
                "findings",
                "previous_attempt",
            ],
            Self::ContinuationUser => &["chunk", "partial"],
            Self::JudgeUser => &["chunk", "rewrite"],
            Self::JudgeClaimsUser => &["chunk", "rewrite", "claims"],
            Self::ClaimCheckSystem => &[],
            Self::ClaimCheckUser => &["document", "claim"],
            Self::PlanUser => &[
                "topic",
                "objective",
                "audience",
                "tone",
                "target_tokens",
                "schema",
                "problems_block",
            ],
            Self::SectionUser => &[
                "plan_summary",
                "state",
                "prefix_block",
                "section",
                "target_tokens",
                "continuation_block",
                "problems_block",
            ],
            Self::ConsistencyUser => &["terminology", "previous_tail", "section_text"],
            Self::StateUser => &["section_text", "schema"],
        }
    }

    /// The slots it must use: without them the model cannot do the job.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Self::RewriteSystem => &["style_instructions"],
            Self::RewriteUser => &["chunk"],
            Self::RepairUser => &["chunk", "findings"],
            Self::ContinuationUser => &["chunk", "partial"],
            Self::JudgeUser => &["chunk", "rewrite"],
            Self::JudgeClaimsUser => &["chunk", "rewrite", "claims"],
            Self::ClaimCheckSystem => &[],
            Self::ClaimCheckUser => &["document", "claim"],
            Self::PlanUser => &["topic", "schema"],
            Self::SectionUser => &["section", "target_tokens"],
            Self::ConsistencyUser => &["section_text"],
            Self::StateUser => &["section_text"],
        }
    }
}

impl fmt::Display for TemplateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "template {template} ({origin}), line {line}: unknown placeholder {{{{{name}}}}}; allowed: {allowed}"
    )]
    UnknownPlaceholder {
        template: TemplateId,
        origin: String,
        name: String,
        line: usize,
        allowed: String,
    },
    #[error(
        "template {template} ({origin}) lacks the placeholder {{{{{name}}}}}; it must contain: {required}"
    )]
    MissingPlaceholder {
        template: TemplateId,
        origin: String,
        name: String,
        required: String,
    },
    #[error(
        "template {template} ({origin}), line {line}: a placeholder opened with {{{{ is not closed with }}}}"
    )]
    Unclosed {
        template: TemplateId,
        origin: String,
        line: usize,
    },
    #[error("cannot read template file {path}: {reason}")]
    Unreadable { path: String, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Slot(String),
}

/// A parsed template: text with `{{slot}}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: TemplateId,
    /// Bumped whenever the default text changes; `override:<file>` versions
    /// name the file.
    pub version: String,
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses `text`, refusing unknown, missing or unclosed placeholders.
    pub fn parse(
        id: TemplateId,
        version: impl Into<String>,
        origin: &str,
        text: &str,
    ) -> Result<Self, TemplateError> {
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut line = 1;
        while let Some(open) = rest.find("{{") {
            let before = &rest[..open];
            line += before.matches('\n').count();
            if !before.is_empty() {
                pieces.push(Piece::Text(before.to_owned()));
            }
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                return Err(TemplateError::Unclosed {
                    template: id,
                    origin: origin.to_owned(),
                    line,
                });
            };
            let name = after[..close].trim();
            if !id.allowed().contains(&name) {
                return Err(TemplateError::UnknownPlaceholder {
                    template: id,
                    origin: origin.to_owned(),
                    name: name.to_owned(),
                    line,
                    allowed: id.allowed().join(", "),
                });
            }
            pieces.push(Piece::Slot(name.to_owned()));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        for required in id.required() {
            if !pieces
                .iter()
                .any(|p| matches!(p, Piece::Slot(s) if s == required))
            {
                return Err(TemplateError::MissingPlaceholder {
                    template: id,
                    origin: origin.to_owned(),
                    name: (*required).to_owned(),
                    required: id.required().join(", "),
                });
            }
        }
        Ok(Self {
            id,
            version: version.into(),
            pieces,
        })
    }

    /// Fills the slots; a slot without a value renders empty.
    pub fn render(&self, values: &BTreeMap<&str, String>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Slot(s) => out.push_str(values.get(s.as_str()).map_or("", String::as_str)),
            }
        }
        out
    }
}

/// The templates in use: the compiled-in defaults for a language, some
/// perhaps replaced from files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSet {
    pub language: Language,
    templates: BTreeMap<TemplateId, Template>,
}

impl TemplateSet {
    /// The compiled-in templates for `language`.
    pub fn defaults(language: Language) -> Self {
        let templates = TemplateId::ALL
            .into_iter()
            .map(|id| {
                let text = crate::render::default_text(language, id);
                let template = Template::parse(id, crate::render::DEFAULT_VERSION, "built in", text)
                    .unwrap_or_else(|e| unreachable!("built-in template is invalid: {e}"));
                (id, template)
            })
            .collect();
        Self { language, templates }
    }

    /// Replaces one template with `text` (validated now).
    pub fn override_with(&mut self, id: TemplateId, origin: &str, text: &str) -> Result<(), TemplateError> {
        let template = Template::parse(id, format!("override:{origin}"), origin, text)?;
        self.templates.insert(id, template);
        Ok(())
    }

    /// Replaces one template with the contents of a file (validated now).
    pub fn override_from_file(
        &mut self,
        id: TemplateId,
        path: &std::path::Path,
    ) -> Result<(), TemplateError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| TemplateError::Unreadable {
            path: origin.clone(),
            reason: e.to_string(),
        })?;
        self.override_with(id, &origin, &text)
    }

    pub fn get(&self, id: TemplateId) -> &Template {
        // Every id is present: `defaults` fills all of them.
        &self.templates[&id]
    }

    /// What a run's fingerprint digests of the templates a job uses: the
    /// set written out, less `unused` — templates added later join a
    /// fingerprint only when a run uses them, so outputs begun before they
    /// existed still resume.
    pub fn fingerprint_text(&self, unused: &[TemplateId]) -> String {
        let mut used = self.clone();
        used.templates.retain(|id, _| !unused.contains(id));
        format!("{used:?}")
    }
}
