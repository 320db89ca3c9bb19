//! What generation works from: a topic spec, or a plan (sections with key
//! points, entities, constraints and lengths), its validation with errors
//! that name the field, and the JSON schema the model plans against.

use chunksynth_quality::TermPreference;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// What to write about, when no plan is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSpec {
    pub topic: String,
    #[serde(default)]
    pub objective: String,
    /// Total length wanted, in tokens.
    pub target_tokens: usize,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub tone: String,
}

/// One section of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub title: String,
    #[serde(default)]
    pub key_points: Vec<String>,
    #[serde(default)]
    pub required_entities: Vec<String>,
    #[serde(default)]
    pub constraints: Vec<String>,
    /// Tokens.
    pub target_length: usize,
}

/// The plan a text is generated from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationPlan {
    pub topic: String,
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub tone: String,
    /// Tokens.
    pub target_total_length: usize,
    pub sections: Vec<SectionSpec>,
    #[serde(default)]
    pub terminology_preferences: Vec<TermPreference>,
    #[serde(default)]
    pub narrative_voice: String,
    #[serde(default)]
    pub do_not_include: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("plan{}: {message}", if path.is_empty() || path == "." { String::new() } else { format!(" field `{path}`") })]
    Invalid { path: String, message: String },
    #[error("the answer has no JSON object in it: {excerpt}")]
    NoJson { excerpt: String },
}

impl GenerationPlan {
    /// Parses and validates a plan; an error names the field and where it is.
    pub fn from_json(text: &str) -> Result<Self, PlanError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let plan: GenerationPlan = serde_path_to_error::deserialize(de).map_err(|e| PlanError::Invalid {
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })?;
        plan.validate()?;
        Ok(plan)
    }

    /// Checks what the types cannot: non-empty topic and sections, positive
    /// lengths, titles present.
    pub fn validate(&self) -> Result<(), PlanError> {
        let invalid = |path: String, message: &str| {
            Err(PlanError::Invalid {
                path,
                message: message.to_owned(),
            })
        };
        if self.topic.trim().is_empty() {
            return invalid("topic".into(), "must not be empty");
        }
        if self.sections.is_empty() {
            return invalid("sections".into(), "must list at least one section");
        }
        if self.target_total_length == 0 {
            return invalid(
                "target_total_length".into(),
                "must be a positive number of tokens",
            );
        }
        for (i, s) in self.sections.iter().enumerate() {
            if s.title.trim().is_empty() {
                return invalid(format!("sections[{i}].title"), "must not be empty");
            }
            if s.target_length == 0 {
                return invalid(
                    format!("sections[{i}].target_length"),
                    "must be a positive number of tokens",
                );
            }
        }
        Ok(())
    }

    /// A compact rendering for prompts, in English.
    pub fn summary(&self) -> String {
        self.summary_in(chunksynth_prompts::generation_labels(
            chunksynth_prompts::Language::En,
        ))
    }

    /// A compact rendering for prompts, with these labels.
    pub fn summary_in(&self, l: &chunksynth_prompts::GenerationLabels) -> String {
        let mut out = format!("{}{}{}", l.plan, l.colon, self.topic);
        for (label, value) in [
            (l.objective, &self.objective),
            (l.audience, &self.audience),
            (l.tone, &self.tone),
            (l.voice, &self.narrative_voice),
        ] {
            if !value.trim().is_empty() {
                out.push_str(&format!("\n{label}{}{value}", l.colon));
            }
        }
        out.push_str(&format!("\n{}{}", l.sections, l.colon.trim_end()));
        for (i, s) in self.sections.iter().enumerate() {
            let about = chunksynth_prompts::fill(l.about_tokens, &[&s.target_length.to_string()]);
            out.push_str(&format!("\n{}. {} ({about})", i + 1, s.title));
        }
        if !self.do_not_include.is_empty() {
            out.push_str(&format!(
                "\n{}{}{}",
                l.never_mention,
                l.colon,
                self.do_not_include.join(l.enumeration)
            ));
        }
        out
    }
}

/// The plan's published JSON schema (also sent as `response_format`).
pub fn plan_schema() -> Value {
    let strings = json!({"type": "array", "items": {"type": "string"}});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "GenerationPlan",
        "type": "object",
        "additionalProperties": false,
        "required": ["topic", "target_total_length", "sections"],
        "properties": {
            "topic": {"type": "string", "minLength": 1},
            "objective": {"type": "string"},
            "audience": {"type": "string"},
            "tone": {"type": "string"},
            "target_total_length": {"type": "integer", "minimum": 1, "description": "tokens"},
            "sections": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["title", "target_length"],
                    "properties": {
                        "title": {"type": "string", "minLength": 1},
                        "key_points": strings,
                        "required_entities": strings,
                        "constraints": strings,
                        "target_length": {"type": "integer", "minimum": 1, "description": "tokens"}
                    }
                }
            },
            "terminology_preferences": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["preferred"],
                    "properties": {"preferred": {"type": "string"}, "avoid": strings}
                }
            },
            "narrative_voice": {"type": "string"},
            "do_not_include": strings
        }
    })
}
