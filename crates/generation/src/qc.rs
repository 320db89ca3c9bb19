//! The QC report: every deterministic check of a generated text, per section
//! and overall, with pass/fail.

use serde::{Deserialize, Serialize};

use chunksynth_chunking::Tokenizer;
use chunksynth_quality::{
    Entity, GopherRepetition, adjacent_similarity, coverage, gopher_repetition, length_score,
};

use crate::{GenerationPlan, SectionSpec};

/// Below this S_l a section's length fails.
pub const MIN_LENGTH_SCORE: f64 = 70.0;
/// Above this similarity to the previous section, a section repeats it.
pub const MAX_ADJACENT_SIMILARITY: f64 = 0.35;
/// Gopher's n-gram rules need a document-sized text to mean anything.
const MIN_WORDS_FOR_REPETITION: usize = 80;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionQc {
    pub title: String,
    pub missing_key_points: Vec<String>,
    pub missing_entities: Vec<String>,
    /// (term used, preferred term)
    pub terminology_issues: Vec<(String, String)>,
    pub banned_hits: Vec<String>,
    pub repetition: Option<GopherRepetition>,
    /// Word-trigram similarity to the previous section.
    pub similarity_to_previous: Option<f64>,
    /// Share of the section's key-point and title words it never uses: high
    /// when the section drifted off its topic.
    pub drift: f64,
    pub target_tokens: usize,
    pub actual_tokens: usize,
    /// LongWriter's S_l, 0–100.
    pub length_score: f64,
    pub passed: bool,
    /// What failed, as sentences a repair prompt can quote.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QcReport {
    pub sections: Vec<SectionQc>,
    pub total_target_tokens: usize,
    pub total_tokens: usize,
    pub overall_length_score: f64,
    pub repetition: GopherRepetition,
    pub passed: bool,
}

/// Checks one section against its spec and the plan.
pub fn section_qc(
    plan: &GenerationPlan,
    spec: &SectionSpec,
    text: &str,
    previous: Option<&str>,
    tokenizer: &dyn Tokenizer,
) -> SectionQc {
    let entities: Vec<Entity> = spec
        .required_entities
        .iter()
        .map(|e| Entity::new(e.clone()))
        .collect();
    let cov = coverage(
        text,
        &entities,
        &spec.key_points,
        &plan.terminology_preferences,
        &plan.do_not_include,
    );
    let words = chunksynth_quality::text::word_count(text);
    let repetition = (words >= MIN_WORDS_FOR_REPETITION).then(|| gopher_repetition(text));
    let similarity = previous.map(|p| adjacent_similarity(&[p, text])[0]);
    let actual = tokenizer.count(text);
    let score = length_score(spec.target_length, actual);
    let topic_words =
        chunksynth_quality::fidelity::content_words(&format!("{} {}", spec.title, spec.key_points.join(" ")));
    let used = chunksynth_quality::fidelity::content_words(text);
    let drift = if topic_words.is_empty() {
        0.0
    } else {
        topic_words.iter().filter(|w| !used.contains(*w)).count() as f64 / topic_words.len() as f64
    };
    let mut findings = Vec::new();
    for k in &cov.missing_key_points {
        findings.push(format!("the key point “{k}” is not covered"));
    }
    for e in &cov.missing_entities {
        findings.push(format!("the entity “{e}” is never named"));
    }
    for (used, preferred) in &cov.terminology_violations {
        findings.push(format!("“{used}” is used; write “{preferred}” instead"));
    }
    for b in &cov.banned_hits {
        findings.push(format!("“{b}” must not be mentioned"));
    }
    if let Some(r) = &repetition
        && !r.passed()
    {
        findings.push(format!("the section repeats itself ({})", r.failures.join(", ")));
    }
    if let Some(s) = similarity
        && s > MAX_ADJACENT_SIMILARITY
    {
        findings.push(format!(
            "the section repeats the previous one ({:.0}% of word trigrams shared)",
            s * 100.0
        ));
    }
    if score < MIN_LENGTH_SCORE {
        let dir = if actual > spec.target_length {
            "long"
        } else {
            "short"
        };
        findings.push(format!(
            "the section is too {dir}: {actual} tokens for a target of {} (length score {score:.0})",
            spec.target_length
        ));
    }
    SectionQc {
        title: spec.title.clone(),
        missing_key_points: cov.missing_key_points,
        missing_entities: cov.missing_entities,
        terminology_issues: cov.terminology_violations,
        banned_hits: cov.banned_hits,
        repetition,
        similarity_to_previous: similarity,
        drift,
        target_tokens: spec.target_length,
        actual_tokens: actual,
        length_score: score,
        passed: findings.is_empty(),
        findings,
    }
}

/// The whole report.
pub fn qc_report(plan: &GenerationPlan, sections: &[String], tokenizer: &dyn Tokenizer) -> QcReport {
    let per_section: Vec<SectionQc> = plan
        .sections
        .iter()
        .zip(sections)
        .enumerate()
        .map(|(i, (spec, text))| {
            section_qc(
                plan,
                spec,
                text,
                i.checked_sub(1).map(|p| sections[p].as_str()),
                tokenizer,
            )
        })
        .collect();
    let full = sections.join("\n\n");
    let total_tokens = tokenizer.count(&full);
    let repetition = gopher_repetition(&full);
    QcReport {
        passed: per_section.iter().all(|s| s.passed) && repetition.passed(),
        overall_length_score: length_score(plan.target_total_length, total_tokens),
        total_target_tokens: plan.target_total_length,
        total_tokens,
        repetition,
        sections: per_section,
    }
}
