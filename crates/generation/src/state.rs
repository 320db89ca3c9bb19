//! The state table: what the text has established so far, updated after
//! each section and shown (compressed) to the model for the next one.

use serde::{Deserialize, Serialize};

use chunksynth_quality::coverage::key_point_covered;
use chunksynth_quality::names::{NameKind, names};
use chunksynth_quality::numbers::{Quantity, numbers};
use chunksynth_quality::{Entity, FoldedText};

use crate::GenerationPlan;

/// An entity and where it first appeared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub name: String,
    /// Index of the section that first named it.
    pub first_section: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateTable {
    pub entities: Vec<EntityMention>,
    pub terms_used: Vec<String>,
    /// Years and dates mentioned, in order of first mention.
    pub timeline: Vec<String>,
    pub key_points_covered: Vec<String>,
    pub key_points_remaining: Vec<String>,
    /// Questions raised and not yet answered.
    pub open_threads: Vec<String>,
}

/// Caps on what is rendered into a prompt.
const MAX_ENTITIES: usize = 20;
const MAX_TIMELINE: usize = 10;
const MAX_THREADS: usize = 5;
const MAX_REMAINING: usize = 12;

impl StateTable {
    pub fn new(plan: &GenerationPlan) -> Self {
        Self {
            key_points_remaining: plan.sections.iter().flat_map(|s| s.key_points.clone()).collect(),
            ..Self::default()
        }
    }

    fn add_entity(&mut self, name: &str, section: usize) {
        if !self.entities.iter().any(|e| e.name == name) {
            self.entities.push(EntityMention {
                name: name.to_owned(),
                first_section: section,
            });
        }
    }

    /// Rule-based update from section `index`'s text.
    pub fn update(&mut self, plan: &GenerationPlan, index: usize, text: &str) {
        let folded = FoldedText::new(text);
        for s in &plan.sections {
            for e in &s.required_entities {
                if Entity::new(e.clone()).found_in(&folded) {
                    self.add_entity(e, index);
                }
            }
        }
        for n in names(text).into_iter().filter(|n| n.kind == NameKind::ProperName) {
            self.add_entity(&n.text, index);
        }
        for t in &plan.terminology_preferences {
            if folded.contains_term(&t.preferred) && !self.terms_used.contains(&t.preferred) {
                self.terms_used.push(t.preferred.clone());
            }
        }
        for m in numbers(text) {
            let is_year = matches!(m.quantity, Quantity::Value(v) if (1000.0..=2100.0).contains(&v) && v.fract() == 0.0)
                && m.written.len() == 4;
            if is_year && !self.timeline.contains(&m.written) {
                self.timeline.push(m.written);
            }
        }
        let (covered, remaining): (Vec<String>, Vec<String>) = self
            .key_points_remaining
            .drain(..)
            .partition(|k| key_point_covered(text, k));
        self.key_points_covered.extend(covered);
        self.key_points_remaining = remaining;
        for sentence in chunksynth_quality::text::sentences(text) {
            if sentence.ends_with('?') || sentence.ends_with('？') {
                self.open_threads.push(sentence.to_owned());
            }
        }
        if self.open_threads.len() > MAX_THREADS {
            let drop = self.open_threads.len() - MAX_THREADS;
            self.open_threads.drain(..drop);
        }
    }

    /// Merges what a model extracted (structured output) into the table.
    pub fn merge_extracted(&mut self, index: usize, extracted: &serde_json::Value) {
        let strings = |key: &str| -> Vec<String> {
            extracted
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        for e in strings("entities") {
            self.add_entity(&e, index);
        }
        for t in strings("terms") {
            if !self.terms_used.contains(&t) {
                self.terms_used.push(t);
            }
        }
        for d in strings("timeline") {
            if !self.timeline.contains(&d) {
                self.timeline.push(d);
            }
        }
        self.open_threads.extend(strings("open_threads"));
    }

    /// The compressed state for a prompt, with a preview of what comes
    /// next, in English.
    pub fn render(&self, plan: &GenerationPlan, next: usize) -> String {
        self.render_in(
            plan,
            next,
            chunksynth_prompts::generation_labels(chunksynth_prompts::Language::En),
        )
    }

    /// [`Self::render`] with these labels.
    pub fn render_in(
        &self,
        plan: &GenerationPlan,
        next: usize,
        l: &chunksynth_prompts::GenerationLabels,
    ) -> String {
        let mut out = String::from(l.state_so_far);
        let list = |items: Vec<&str>, cap: usize| {
            let shown: Vec<&str> = items.iter().rev().take(cap).rev().copied().collect();
            let more = items.len().saturating_sub(shown.len());
            let mut s = shown.join(l.list_separator);
            if more > 0 {
                s.push_str(&chunksynth_prompts::fill(l.earlier, &[&more.to_string()]));
            }
            if s.is_empty() { l.none.to_owned() } else { s }
        };
        let line = |label: &str, value: String| format!("\n- {label}{}{value}", l.colon);
        out.push_str(&line(
            l.entities_introduced,
            list(
                self.entities.iter().map(|e| e.name.as_str()).collect(),
                MAX_ENTITIES,
            ),
        ));
        out.push_str(&line(
            l.timeline,
            list(self.timeline.iter().map(String::as_str).collect(), MAX_TIMELINE),
        ));
        if !self.terms_used.is_empty() {
            out.push_str(&line(l.terms_in_use, self.terms_used.join(l.enumeration)));
        }
        out.push_str(&line(
            l.key_points_remaining,
            list(
                self.key_points_remaining.iter().map(String::as_str).collect(),
                MAX_REMAINING,
            ),
        ));
        if !self.open_threads.is_empty() {
            out.push_str(&line(l.open_threads, self.open_threads.join(" | ")));
        }
        let upcoming: Vec<&str> = plan
            .sections
            .iter()
            .skip(next + 1)
            .take(2)
            .map(|s| s.title.as_str())
            .collect();
        if !upcoming.is_empty() {
            out.push_str(&line(l.coming_after, upcoming.join(l.list_separator)));
        }
        out
    }
}

/// The JSON schema of a model-extracted state update.
pub fn state_schema() -> serde_json::Value {
    let strings = serde_json::json!({"type": "array", "items": {"type": "string"}});
    serde_json::json!({
        "type": "object",
        "properties": {"entities": strings, "terms": strings, "timeline": strings, "open_threads": strings},
        "required": ["entities", "terms", "timeline", "open_threads"],
        "additionalProperties": false
    })
}
