//! The generation pipeline: a plan (given, or made and repaired through
//! structured output), sections written in order with a rolling window and
//! the state table, QC per draft with one redraft, the guarded consistency
//! pass, and the final report.

use std::sync::Arc;

use chunksynth_chunking::{Tokenizer, prefix_window};
use chunksynth_llm::{
    ChatRequest, FinishReason, LanguageModel, LlmError, ResponseSchema, Sampling, TaskKind, Usage,
};
use chunksynth_prompts::{
    ConsistencyInput, GenerationLabels, Language, PlanInput, RenderedPrompt, SectionInput, StateInput,
    TemplateSet, fill, generation_labels,
};
use chunksynth_quality::repetition::shingle_similarity;
use serde::{Deserialize, Serialize};

use crate::plan::{GenerationPlan, PlanError, TopicSpec, plan_schema};
use crate::qc::{QcReport, QcThresholds, SectionQc, qc_report, section_qc_in};
use crate::state::{StateTable, state_schema};
use chunksynth_llm::extract_json_object;

/// How the state table is updated after each section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateMode {
    /// Deterministic extraction (entities, years, key points, questions).
    #[default]
    RuleBased,
    /// Rule-based, plus what the model extracts through structured output.
    Model,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GenerationConfig {
    pub prefix_window_tokens: usize,
    /// The most tokens one call may write; longer sections take several.
    pub max_tokens_per_call: u32,
    pub max_section_attempts: u32,
    pub max_plan_attempts: u32,
    pub consistency_pass: bool,
    /// The consistency pass is reverted below this word similarity...
    pub consistency_min_similarity: f64,
    /// ...or outside these length ratios.
    pub consistency_length_bounds: (f64, f64),
    pub state_mode: StateMode,
    pub language: Language,
    pub sampling: Sampling,
    /// The QC's thresholds (section length, repetition, drift).
    pub qc: QcThresholds,
}

impl Default for GenerationConfig {
    fn default() -> Self {
        Self {
            prefix_window_tokens: 512,
            max_tokens_per_call: 1024,
            max_section_attempts: 2,
            max_plan_attempts: 2,
            consistency_pass: true,
            consistency_min_similarity: 0.6,
            consistency_length_bounds: (0.85, 1.15),
            state_mode: StateMode::RuleBased,
            language: Language::En,
            sampling: Sampling::default(),
            qc: QcThresholds::default(),
        }
    }
}

/// A manual plan, or a topic to plan from.
#[derive(Debug, Clone, PartialEq)]
pub enum GenerationInput {
    Plan(GenerationPlan),
    Topic(TopicSpec),
}

/// What the consistency pass did to a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum ConsistencyOutcome {
    Applied,
    Reverted { reason: String },
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionRecord {
    pub index: usize,
    pub title: String,
    pub text: String,
    pub attempts: u32,
    pub calls: u32,
    pub consistency: ConsistencyOutcome,
    /// The QC of every draft, in order: what each found, and so what
    /// triggered each redraft (the last draft kept may not be the last).
    #[serde(default)]
    pub drafts: Vec<DraftQc>,
    pub usage: Usage,
}

/// One draft's QC, kept in the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftQc {
    pub attempt: u32,
    pub passed: bool,
    pub length_score: f64,
    pub findings: Vec<String>,
}

impl DraftQc {
    fn of(attempt: u32, qc: &SectionQc) -> Self {
        Self {
            attempt,
            passed: qc.passed,
            length_score: qc.length_score,
            findings: qc.findings.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GenerationResult {
    pub final_text: String,
    pub plan: GenerationPlan,
    /// Calls the plan took (1 for a plan given or valid at once; more when
    /// an invalid plan was repaired).
    pub plan_attempts: u32,
    pub sections: Vec<SectionRecord>,
    pub state: StateTable,
    pub qc_report: QcReport,
    pub usage: Usage,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerationError {
    #[error("invalid plan: {0}")]
    InvalidPlan(PlanError),
    #[error("no valid plan after {attempts} attempts: {reason}")]
    Plan { attempts: u32, reason: String },
    #[error("{stage}: the model failed: {error}")]
    Model { stage: String, error: LlmError },
}

/// The generation pipeline.
pub struct ChunkWiseGenerationPipeline {
    model: Arc<dyn LanguageModel>,
    tokenizer: Arc<dyn Tokenizer>,
    config: GenerationConfig,
    templates: TemplateSet,
    /// Asked about the key points QC cannot find by their words, before a
    /// redraft (`--llm-judge`).
    judge: Option<Arc<dyn chunksynth_prompts::judge::ClaimJudge>>,
}

impl std::fmt::Debug for ChunkWiseGenerationPipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkWiseGenerationPipeline")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn block(label: &str, text: &str) -> String {
    chunksynth_prompts::marked_block(label, text)
}

impl ChunkWiseGenerationPipeline {
    pub fn new(
        model: Arc<dyn LanguageModel>,
        tokenizer: Arc<dyn Tokenizer>,
        config: GenerationConfig,
    ) -> Self {
        let templates = TemplateSet::defaults(config.language);
        Self {
            model,
            tokenizer,
            config,
            templates,
            judge: None,
        }
    }

    /// Asks `judge` about every key point a draft does not say by its
    /// words before redrafting for it.
    pub fn with_judge(mut self, judge: Arc<dyn chunksynth_prompts::judge::ClaimJudge>) -> Self {
        self.judge = Some(judge);
        self
    }

    /// Section QC, then the judge on the key points it could not find.
    async fn qc_of(
        &self,
        plan: &GenerationPlan,
        spec: &crate::plan::SectionSpec,
        text: &str,
        earlier: &[&str],
        usage: &mut Usage,
        calls: &mut u32,
    ) -> SectionQc {
        let mut qc = section_qc_in(
            plan,
            spec,
            text,
            earlier,
            self.tokenizer.as_ref(),
            &self.config.qc,
            self.config.language,
        );
        if let Some(judge) = &self.judge {
            let (used, n) = crate::key_points::judge_missing_key_points(
                judge.as_ref(),
                spec,
                text,
                &mut qc,
                self.config.language,
            )
            .await;
            *usage += used;
            *calls += n;
        }
        qc
    }

    /// The labels of the prompt language.
    fn labels(&self) -> &'static GenerationLabels {
        generation_labels(self.config.language)
    }

    /// Uses these templates (e.g. with overrides loaded from files).
    pub fn with_templates(mut self, templates: TemplateSet) -> Self {
        self.templates = templates;
        self
    }

    fn request(&self, task: TaskKind, prompt: RenderedPrompt, max_tokens: Option<u32>) -> ChatRequest {
        let mut req = ChatRequest::new(task, prompt.messages);
        req.sampling = self.config.sampling.clone();
        if max_tokens.is_some() {
            req.sampling.max_tokens = max_tokens;
        }
        req
    }

    async fn call(
        &self,
        stage: impl Fn() -> String,
        req: &ChatRequest,
        usage: &mut Usage,
    ) -> Result<chunksynth_llm::ChatResponse, GenerationError> {
        let answer = self
            .model
            .chat(req)
            .await
            .map_err(|error| GenerationError::Model {
                stage: stage(),
                error,
            })?;
        *usage += answer.usage;
        Ok(answer)
    }

    /// Runs the whole pipeline.
    pub async fn run(&self, input: GenerationInput) -> Result<GenerationResult, GenerationError> {
        let mut usage = Usage::default();
        let (plan, plan_attempts) = match input {
            GenerationInput::Plan(plan) => {
                plan.validate().map_err(GenerationError::InvalidPlan)?;
                (plan, 1)
            }
            GenerationInput::Topic(topic) => self.generate_plan(&topic, &mut usage).await?,
        };
        let mut state = StateTable::new(&plan);
        let mut texts: Vec<String> = Vec::new();
        let mut records: Vec<SectionRecord> = Vec::new();
        let mut kept_claims: Vec<Vec<chunksynth_prompts::judge::ClaimVerdict>> = Vec::new();
        for (i, spec) in plan.sections.iter().enumerate() {
            let produced = texts.join("\n\n");
            let mut section_usage = Usage::default();
            let earlier: Vec<&str> = texts.iter().map(String::as_str).collect();
            let (first, mut calls) = self
                .write_section(&plan, &state, i, &produced, &[], &mut section_usage)
                .await?;
            let first_qc = self
                .qc_of(&plan, spec, &first, &earlier, &mut section_usage, &mut calls)
                .await;
            let mut drafts = vec![DraftQc::of(1, &first_qc)];
            let mut problems = first_qc.findings.clone();
            let (mut text, mut qc) = (first, first_qc);
            let mut attempts = 1;
            while !qc.passed && attempts < self.config.max_section_attempts {
                attempts += 1;
                let (retry, n) = self
                    .write_section(&plan, &state, i, &produced, &problems, &mut section_usage)
                    .await?;
                calls += n;
                let retry_qc = self
                    .qc_of(&plan, spec, &retry, &earlier, &mut section_usage, &mut calls)
                    .await;
                drafts.push(DraftQc::of(attempts, &retry_qc));
                problems = retry_qc.findings.clone();
                // Keep the better draft: passing first, then fewer findings.
                if (retry_qc.passed, std::cmp::Reverse(retry_qc.findings.len()))
                    > (qc.passed, std::cmp::Reverse(qc.findings.len()))
                {
                    (text, qc) = (retry, retry_qc);
                }
            }
            let consistency = if self.config.consistency_pass {
                let (outcome, edited) = self
                    .consistency(&plan, i, &text, &earlier, &qc, &mut section_usage)
                    .await?;
                if let Some(edited) = edited {
                    text = crate::headings::one_title_heading(&edited, &spec.title, false);
                }
                outcome
            } else {
                ConsistencyOutcome::Skipped
            };
            state.update(&plan, i, &text);
            if self.config.state_mode == StateMode::Model {
                self.extract_state(&mut state, i, &text, &mut section_usage)
                    .await?;
            }
            usage += section_usage;
            kept_claims.push(qc.claims.clone());
            records.push(SectionRecord {
                index: i,
                title: spec.title.clone(),
                text: text.clone(),
                attempts,
                calls,
                consistency,
                drafts,
                usage: section_usage,
            });
            texts.push(text);
        }
        let mut qc_report = qc_report(&plan, &texts, self.tokenizer.as_ref(), &self.config.qc);
        // The judge's verdicts on the drafts kept stand in the final report.
        for (section, verdicts) in qc_report.sections.iter_mut().zip(kept_claims) {
            if !verdicts.is_empty() {
                crate::key_points::apply_verdicts(section, verdicts, Language::En);
            }
        }
        qc_report.passed = qc_report.sections.iter().all(|s| s.passed) && qc_report.repetition.passed();
        Ok(GenerationResult {
            final_text: texts.join("\n\n"),
            plan,
            plan_attempts,
            sections: records,
            state,
            qc_report,
            usage,
        })
    }

    async fn generate_plan(
        &self,
        topic: &TopicSpec,
        usage: &mut Usage,
    ) -> Result<(GenerationPlan, u32), GenerationError> {
        let schema = serde_json::to_string_pretty(&plan_schema()).unwrap_or_default();
        let mut problems = String::new();
        let attempts = self.config.max_plan_attempts.max(1);
        let mut reason = String::new();
        for attempt in 1..=attempts {
            let prompt = self.templates.plan(&PlanInput {
                topic: &topic.topic,
                objective: &topic.objective,
                audience: &topic.audience,
                tone: &topic.tone,
                target_tokens: topic.target_tokens,
                schema: &schema,
                problems_block: &problems,
            });
            let task = if attempt == 1 {
                TaskKind::PlanGeneration
            } else {
                TaskKind::Repair
            };
            let mut req = self.request(task, prompt, None);
            req.response_schema = Some(ResponseSchema {
                name: "generation_plan".to_owned(),
                schema: plan_schema(),
            });
            req.metadata.attempt = attempt;
            let answer = self.call(|| "plan generation".to_owned(), &req, usage).await?;
            let parsed = extract_json_object(&answer.text)
                .ok_or_else(|| PlanError::NoJson {
                    excerpt: answer.text.chars().take(120).collect(),
                })
                .and_then(GenerationPlan::from_json);
            match parsed {
                Ok(plan) => return Ok((plan, attempt)),
                Err(e) => {
                    reason = e.to_string();
                    problems = format!("{}\n\n", fill(self.labels().invalid_plan, &[&reason]));
                }
            }
        }
        Err(GenerationError::Plan { attempts, reason })
    }

    /// Writes section `i`, in several calls when it is longer than one call
    /// may write. Returns the text and the number of calls.
    async fn write_section(
        &self,
        plan: &GenerationPlan,
        state: &StateTable,
        i: usize,
        produced: &str,
        problems: &[String],
        usage: &mut Usage,
    ) -> Result<(String, u32), GenerationError> {
        let spec = &plan.sections[i];
        let l = self.labels();
        let mut section_desc = fill(
            l.section_of,
            &[
                &(i + 1).to_string(),
                &plan.sections.len().to_string(),
                &spec.title,
            ],
        );
        for (label, items) in [
            (l.key_points, &spec.key_points),
            (l.required_entities, &spec.required_entities),
            (l.constraints, &spec.constraints),
        ] {
            if !items.is_empty() {
                section_desc.push_str(&format!("\n{label}{}{}", l.colon, items.join(l.list_separator)));
            }
        }
        let problems_block = if problems.is_empty() {
            String::new()
        } else {
            format!(
                "{}\n{}\n\n",
                l.draft_problems,
                problems
                    .iter()
                    .map(|p| format!("- {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        };
        let budget = self.config.max_tokens_per_call.max(16);
        let max_calls = (spec.target_length as u32).div_ceil(budget) + 1;
        let mut text = String::new();
        let mut calls = 0;
        let mut written = 0;
        loop {
            let remaining = spec.target_length.saturating_sub(written);
            let max_tokens = ((remaining as f64 * 1.2) as u32 + 32).min(budget);
            // The window needs only the end of what is written: a tail of
            // the document (32 bytes a token is ample) keeps each call from
            // copying the whole document so far.
            let mut tail_start = produced
                .len()
                .saturating_sub(self.config.prefix_window_tokens.saturating_mul(32));
            while !produced.is_char_boundary(tail_start) {
                tail_start -= 1;
            }
            let tail = &produced[tail_start..];
            let before = if text.is_empty() {
                tail.to_owned()
            } else {
                format!("{tail}\n\n{text}")
            };
            let prefix = prefix_window(&before, self.tokenizer.as_ref(), self.config.prefix_window_tokens);
            let (plan_summary, state_shown) = (plan.summary_in(l), state.render_in(plan, i, l));
            let prefix_block = block(l.text_so_far, if text.is_empty() { prefix } else { "" });
            let continuation_block = block(l.section_so_far, if text.is_empty() { "" } else { prefix });
            let prompt = self.templates.section(&SectionInput {
                plan_summary: &plan_summary,
                state: &state_shown,
                prefix_block: &prefix_block,
                section: &section_desc,
                target_tokens: spec.target_length,
                continuation_block: &continuation_block,
                problems_block: &problems_block,
            });
            let task = if problems.is_empty() {
                TaskKind::SectionGeneration
            } else {
                TaskKind::Repair
            };
            let mut req = self.request(task, prompt, Some(max_tokens));
            req.metadata.chunk_index = Some(i);
            let answer = self
                .call(|| format!("section {} ({})", i + 1, spec.title), &req, usage)
                .await?;
            calls += 1;
            if text.is_empty() {
                text = crate::headings::one_title_heading(answer.text.trim(), &spec.title, false);
            } else {
                let piece = &crate::headings::one_title_heading(answer.text.trim(), &spec.title, true);
                let sep = if answer.text.starts_with(char::is_whitespace) {
                    " "
                } else {
                    ""
                };
                text = format!("{text}{sep}{piece}");
            }
            written = self.tokenizer.count(&text);
            let short =
                spec.target_length > budget as usize && (written as f64) < 0.8 * spec.target_length as f64;
            if calls >= max_calls || !(answer.finish_reason == FinishReason::Length || short) {
                break;
            }
        }
        Ok((text, calls))
    }

    /// Fixes terminology and transitions, guarded: reverted when the edit
    /// changes too much, changes the length, or makes the QC worse.
    async fn consistency(
        &self,
        plan: &GenerationPlan,
        i: usize,
        text: &str,
        earlier: &[&str],
        qc: &SectionQc,
        usage: &mut Usage,
    ) -> Result<(ConsistencyOutcome, Option<String>), GenerationError> {
        let previous = earlier.last().copied();
        if plan.terminology_preferences.is_empty() && previous.is_none() {
            return Ok((ConsistencyOutcome::Skipped, None));
        }
        let terminology = if plan.terminology_preferences.is_empty() {
            self.labels().terminology_none.to_owned()
        } else {
            let prefs: Vec<String> = plan
                .terminology_preferences
                .iter()
                .map(|t| {
                    let avoid: Vec<String> = t.avoid.iter().map(|a| format!("“{a}”")).collect();
                    fill(
                        self.labels().write_not,
                        &[&t.preferred, &avoid.join(self.labels().or)],
                    )
                })
                .collect();
            fill(
                self.labels().terminology,
                &[&prefs.join(self.labels().list_separator)],
            )
        };
        let previous_tail = previous.map_or("", |p| prefix_window(p, self.tokenizer.as_ref(), 80));
        let prompt = self.templates.consistency(&ConsistencyInput {
            terminology: &terminology,
            previous_tail,
            section_text: text,
        });
        let max_tokens = ((self.tokenizer.count(text) as f64 * 1.3) as u32 + 64).max(64);
        let mut req = self.request(TaskKind::ConsistencyPass, prompt, Some(max_tokens));
        req.metadata.chunk_index = Some(i);
        let answer = self
            .call(|| format!("consistency pass of section {}", i + 1), &req, usage)
            .await?;
        let edited = answer.text.trim().to_owned();
        let similarity = shingle_similarity(text, &edited, 1);
        let ratio = self.tokenizer.count(&edited) as f64 / self.tokenizer.count(text).max(1) as f64;
        let (lo, hi) = self.config.consistency_length_bounds;
        let reason = if answer.finish_reason == FinishReason::Length {
            Some("the edit was cut at the length limit".to_owned())
        } else if similarity < self.config.consistency_min_similarity {
            Some(format!(
                "the edit changed too much (word similarity {similarity:.2})"
            ))
        } else if !(lo..=hi).contains(&ratio) {
            Some(format!("the edit changed the length ({:.0}%)", ratio * 100.0))
        } else {
            let after = section_qc_in(
                plan,
                &plan.sections[i],
                &edited,
                earlier,
                self.tokenizer.as_ref(),
                &self.config.qc,
                self.config.language,
            );
            (after.findings.len() > qc.findings.len())
                .then(|| format!("the edit made the QC worse: {}", after.findings.join("; ")))
        };
        Ok(match reason {
            Some(reason) => (ConsistencyOutcome::Reverted { reason }, None),
            None => (ConsistencyOutcome::Applied, Some(edited)),
        })
    }

    async fn extract_state(
        &self,
        state: &mut StateTable,
        i: usize,
        text: &str,
        usage: &mut Usage,
    ) -> Result<(), GenerationError> {
        let schema = serde_json::to_string_pretty(&state_schema()).unwrap_or_default();
        let prompt = self.templates.state(&StateInput {
            section_text: text,
            schema: &schema,
        });
        let mut req = self.request(TaskKind::StateExtraction, prompt, None);
        req.response_schema = Some(ResponseSchema {
            name: "state_update".to_owned(),
            schema: state_schema(),
        });
        let answer = self
            .call(|| format!("state extraction of section {}", i + 1), &req, usage)
            .await?;
        // A malformed extraction is not worth failing a document for: the
        // rule-based update already ran.
        if let Some(value) = extract_json_object(&answer.text).and_then(|j| serde_json::from_str(j).ok()) {
            state.merge_extracted(i, &value);
        }
        Ok(())
    }
}
