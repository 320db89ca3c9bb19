//! The QC report: every deterministic check of a generated text, per section
//! and overall, with pass/fail.

use serde::{Deserialize, Serialize};

use chunksynth_chunking::Tokenizer;
use chunksynth_quality::{
    Entity, GopherRepetition, RepeatedSentence, SelfRepeat, adjacent_similarity, concept_words, coverage,
    gopher_repetition, length_score, repeated_from_earlier, repeated_within,
};

use crate::{GenerationPlan, SectionSpec};
use chunksynth_prompts::{Language, QcFindingLabels, fill, generation_labels};

/// The QC's thresholds; the defaults are what the suite in
/// `tests/qc_suite` was measured with (docs/QUALITY.md). Set through
/// `GenerationConfig::qc`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QcThresholds {
    /// Below this S_l a section's length fails.
    pub min_length_score: f64,
    /// Above this word-trigram similarity to the previous section, a
    /// section repeats it.
    pub max_adjacent_similarity: f64,
    /// A paragraph of which fewer than this share of concept words are the
    /// plan's has drifted.
    pub min_plan_density: f64,
    /// A section of which this share of sentences share no concept word
    /// with the plan has drifted.
    pub max_off_plan_share: f64,
    /// A key point not found by its words is a suspicion (recorded in
    /// `suspicions`, no redraft) instead of a failure. Off by default: on
    /// the QC suite (docs/QUALITY.md) missing key points raised no false
    /// alarm on a good section and are the only finding for an omitted one.
    /// Written only when set, so fingerprints of runs begun before do not
    /// change.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub key_points_as_suspicions: bool,
}

impl Default for QcThresholds {
    fn default() -> Self {
        Self {
            min_length_score: MIN_LENGTH_SCORE,
            max_adjacent_similarity: MAX_ADJACENT_SIMILARITY,
            min_plan_density: MIN_PLAN_DENSITY,
            max_off_plan_share: MAX_OFF_PLAN_SHARE,
            key_points_as_suspicions: false,
        }
    }
}

/// Below this S_l a section's length fails.
pub(crate) const MIN_LENGTH_SCORE: f64 = 70.0;
/// Above this similarity to the previous section, a section repeats it.
pub(crate) const MAX_ADJACENT_SIMILARITY: f64 = 0.35;
/// Gopher's n-gram rules need a document-sized text to mean anything.
const MIN_WORDS_FOR_REPETITION: usize = 80;
/// A section drifts when at least this share of its sentences share no
/// concept word with its plan (title, key points, entities, the topic and
/// objective).
pub(crate) const MAX_OFF_PLAN_SHARE: f64 = 0.5;
/// ...counting only sentences of at least this many words, in sections of
/// at least this many such sentences (in a shorter one, one elaborating
/// sentence would be half of it).
const MIN_DRIFT_SENTENCE_WORDS: usize = 6;
const MIN_DRIFT_SENTENCES: usize = 4;
/// A paragraph of at least [`MIN_DRIFT_PARAGRAPH_WORDS`] concept words of
/// which fewer than this share belong to the plan has left it.
pub(crate) const MIN_PLAN_DENSITY: f64 = 0.08;
const MIN_DRIFT_PARAGRAPH_WORDS: usize = 15;
/// Quotes in findings are cut to this many characters.
const QUOTE_CHARS: usize = 100;

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
    /// Sentences that share no concept word with the plan (the most
    /// off-plan ones; a finding when they are most of the section).
    #[serde(default)]
    pub off_plan_sentences: Vec<String>,
    /// Sentences copied (or nearly) from an earlier section.
    #[serde(default)]
    pub repeated_from_earlier: Vec<RepeatedSentence>,
    /// Sentences written more than once in this section.
    #[serde(default)]
    pub repeated_within: Vec<SelfRepeat>,
    pub target_tokens: usize,
    pub actual_tokens: usize,
    /// LongWriter's S_l, 0–100.
    pub length_score: f64,
    pub passed: bool,
    /// What failed, as sentences a repair prompt can quote.
    pub findings: Vec<String>,
    /// What may be wrong but is not sure enough to redraft for: key points
    /// whose words the section does not use (it may say them in other
    /// words).
    #[serde(default)]
    pub suspicions: Vec<String>,
    /// A judge's verdicts on the key points QC could not find by their
    /// words (`--llm-judge`), with its evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<chunksynth_prompts::judge::ClaimVerdict>,
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

/// The finding for a key point the section does not say by its words.
pub(crate) fn key_point_finding(language: Language, key_point: &str) -> String {
    fill(
        generation_labels(language).findings.key_point_missing,
        &[key_point],
    )
}

/// Checks one section against its spec and the plan; `earlier` are the
/// sections before it, in order. Default thresholds.
pub fn section_qc(
    plan: &GenerationPlan,
    spec: &SectionSpec,
    text: &str,
    earlier: &[&str],
    tokenizer: &dyn Tokenizer,
) -> SectionQc {
    section_qc_in(
        plan,
        spec,
        text,
        earlier,
        tokenizer,
        &QcThresholds::default(),
        Language::En,
    )
}

/// [`section_qc`] with these thresholds, its findings written in `language` (a redraft
/// prompt in Chinese quotes them in Chinese).
pub fn section_qc_in(
    plan: &GenerationPlan,
    spec: &SectionSpec,
    text: &str,
    earlier: &[&str],
    tokenizer: &dyn Tokenizer,
    limits: &QcThresholds,
    language: Language,
) -> SectionQc {
    let say = &generation_labels(language).findings;
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
    let previous = earlier.last().copied();
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
    let (off_plan, judged) = off_plan_sentences(plan, spec, text);
    // A heading is no sentence: a section's title repeated (a draft that
    // restates it, a heading that names a key point) is not repetition.
    let prose = crate::headings::without_headings(text);
    let from_earlier = repeated_from_earlier(&prose, earlier);
    let within = repeated_within(&prose);
    let mut findings = Vec::new();
    let mut suspicions = Vec::new();
    for k in &cov.missing_key_points {
        let to = if limits.key_points_as_suspicions {
            &mut suspicions
        } else {
            &mut findings
        };
        to.push(key_point_finding(language, k));
    }
    for e in &cov.missing_entities {
        findings.push(fill(say.entity_missing, &[e]));
    }
    for (used, preferred) in &cov.terminology_violations {
        findings.push(fill(say.use_instead, &[used, preferred]));
    }
    for b in &cov.banned_hits {
        findings.push(fill(say.banned, &[b]));
    }
    findings.extend(repeat_findings(plan, &from_earlier, &within, say));
    if let Some(paragraph) = off_plan_paragraphs(plan, spec, text, limits.min_plan_density).first() {
        findings.push(fill(say.drift_paragraph, &[&quote(paragraph)]));
    } else if judged >= MIN_DRIFT_SENTENCES
        && off_plan.len() as f64 >= limits.max_off_plan_share * judged as f64
    {
        let quoted: Vec<String> = off_plan
            .iter()
            .take(2)
            .map(|s| format!("“{}”", quote(s)))
            .collect();
        findings.push(fill(
            say.drift_sentences,
            &[
                &off_plan.len().to_string(),
                &judged.to_string(),
                &quoted.join(say.and),
            ],
        ));
    }
    if let Some(r) = &repetition
        && !r.passed()
    {
        findings.push(fill(say.repeats_itself, &[&r.failures.join(", ")]));
    }
    if let Some(s) = similarity
        && s > limits.max_adjacent_similarity
    {
        findings.push(fill(say.repeats_previous, &[&format!("{:.0}", s * 100.0)]));
    }
    if score < limits.min_length_score {
        let template = if actual > spec.target_length {
            say.too_long
        } else {
            say.too_short
        };
        findings.push(fill(
            template,
            &[
                &actual.to_string(),
                &spec.target_length.to_string(),
                &format!("{score:.0}"),
            ],
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
        off_plan_sentences: off_plan,
        repeated_from_earlier: from_earlier,
        repeated_within: within,
        target_tokens: spec.target_length,
        actual_tokens: actual,
        length_score: score,
        passed: findings.is_empty(),
        findings,
        suspicions,
        claims: Vec::new(),
    }
}

/// `text` cut to [`QUOTE_CHARS`] characters, with an ellipsis when cut.
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Findings for sentences copied from earlier sections (one per earlier
/// section, quoting the first) and repeated within this one.
fn repeat_findings(
    plan: &GenerationPlan,
    from_earlier: &[RepeatedSentence],
    within: &[SelfRepeat],
    say: &QcFindingLabels,
) -> Vec<String> {
    let mut findings = Vec::new();
    let mut sections: Vec<usize> = from_earlier.iter().map(|r| r.earlier).collect();
    sections.dedup();
    for k in sections {
        let mine: Vec<&RepeatedSentence> = from_earlier.iter().filter(|r| r.earlier == k).collect();
        let title = plan.sections.get(k).map_or("", |s| s.title.as_str());
        let more = match mine.len() {
            1 => String::new(),
            n => fill(say.more_sentences, &[&(n - 1).to_string()]),
        };
        findings.push(fill(
            say.repeats_section,
            &[&(k + 1).to_string(), title, &quote(&mine[0].sentence), &more],
        ));
    }
    for r in within {
        findings.push(if r.times >= 3 {
            fill(say.loops, &[&quote(&r.sentence), &r.times.to_string()])
        } else {
            fill(say.repeats_own, &[&quote(&r.sentence)])
        });
    }
    findings
}

/// The plan's words for a section: topic, objective, title, key points,
/// entities.
fn plan_vocabulary(plan: &GenerationPlan, spec: &SectionSpec) -> chunksynth_quality::fidelity::WordSet {
    concept_words(&format!(
        "{} {} {} {} {}",
        plan.topic,
        plan.objective,
        spec.title,
        spec.key_points.join(" "),
        spec.required_entities.join(" ")
    ))
}

/// The body sentences of the section that share no concept word with its
/// plan, and how many body sentences were judged.
fn off_plan_sentences(plan: &GenerationPlan, spec: &SectionSpec, text: &str) -> (Vec<String>, usize) {
    let vocabulary = plan_vocabulary(plan, spec);
    let mut judged = 0;
    let mut off = Vec::new();
    for sentence in chunksynth_quality::text::sentences(text) {
        if sentence.starts_with('#')
            || chunksynth_quality::text::word_count(sentence) < MIN_DRIFT_SENTENCE_WORDS
        {
            continue;
        }
        judged += 1;
        if concept_words(sentence).iter().all(|w| !vocabulary.contains(w)) {
            off.push(sentence.to_owned());
        }
    }
    (off, judged)
}

/// Body paragraphs that have left the plan: long enough to judge, and
/// almost none of their concept words are the plan's.
fn off_plan_paragraphs<'a>(
    plan: &GenerationPlan,
    spec: &SectionSpec,
    text: &'a str,
    min_density: f64,
) -> Vec<&'a str> {
    let vocabulary = plan_vocabulary(plan, spec);
    chunksynth_quality::text::paragraphs(text)
        .into_iter()
        .filter(|p| !p.starts_with('#'))
        .filter(|p| {
            let words = concept_words(p);
            let on = words.iter().filter(|w| vocabulary.contains(*w)).count();
            words.len() >= MIN_DRIFT_PARAGRAPH_WORDS && (on as f64) < min_density * words.len() as f64
        })
        .collect()
}

/// The whole report.
pub(crate) fn qc_report(
    plan: &GenerationPlan,
    sections: &[String],
    tokenizer: &dyn Tokenizer,
    limits: &QcThresholds,
) -> QcReport {
    let per_section: Vec<SectionQc> = plan
        .sections
        .iter()
        .zip(sections)
        .enumerate()
        .map(|(i, (spec, text))| {
            let earlier: Vec<&str> = sections[..i].iter().map(String::as_str).collect();
            section_qc_in(plan, spec, text, &earlier, tokenizer, limits, Language::En)
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
