//! A judge where meaning is needed: the gate's suspicions turned into
//! claim-level questions ("is this rewrite sentence supported by the
//! source?", "is this source sentence's content in the rewrite?"), asked of
//! a chat model (one call a chunk, verdicts with evidence) or of a grounding
//! checker such as MiniCheck or FaithLens (one (document, claim) call a
//! question, answered Yes or No).
//!
//! A question the judge cannot answer — after one retry that says why the
//! answer could not be read — is recorded as "no verdict", never as a pass
//! or a crash.

use std::sync::Arc;

use crate::{ClaimInput, TemplateSet, judge_claims_schema, read_claim_answer};
use chunksynth_llm::{
    BoxFuture, ChatRequest, LanguageModel, LlmError, Message, ResponseSchema, TaskKind, Usage,
};
use serde::{Deserialize, Serialize};

/// How much a run asks its judge (`--llm-judge`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgeMode {
    /// No judge.
    #[default]
    Off,
    /// Claim-level questions about what a chunk's suspicions point at, for
    /// chunks the gate passed that have any.
    Suspicious,
    /// The whole chunk judged, every chunk the gate passed (one call each;
    /// the judge of earlier versions, so their outputs resume unchanged).
    All,
}

impl JudgeMode {
    /// The mode's name as the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Suspicious => "suspicious",
            Self::All => "all",
        }
    }
}

/// How claim questions are put (`--judge-format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgeFormat {
    /// A general chat model: every question of a chunk in one call, answered
    /// as JSON with evidence quoted from both texts.
    #[default]
    Chat,
    /// A grounding checker: one (document, claim) call per question, its
    /// answer Yes or No.
    Claim,
}

impl JudgeFormat {
    /// The format's name as the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Claim => "claim",
        }
    }
}

/// Which way a claim is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimSide {
    /// A rewrite sentence, checked against the source (an addition, a
    /// flipped polarity, direction or modality, a swapped name).
    Supported,
    /// A source sentence, looked for in the rewrite (an omission).
    Kept,
}

/// One question for the judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimQuestion {
    /// The check whose suspicion raised it, by the name records give it
    /// (`omission`, `polarity`): the pipelines fill it in, so this crate
    /// needs no fidelity checks below it.
    pub check: String,
    pub side: ClaimSide,
    /// The sentence asked about.
    pub claim: String,
}

/// The judge's answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimVerdict {
    #[serde(flatten)]
    pub question: ClaimQuestion,
    /// `Some(false)`: not supported (the chunk is repaired); `None`: no
    /// verdict (see `error`).
    pub supported: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewrite_evidence: Option<String>,
    /// Why there is no verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ClaimVerdict {
    fn none(question: &ClaimQuestion, error: &str) -> Self {
        Self {
            question: question.clone(),
            supported: None,
            source_evidence: None,
            rewrite_evidence: None,
            error: Some(error.to_owned()),
        }
    }

    /// What a repair prompt is told about a claim found unsupported.
    pub fn finding(&self) -> Option<String> {
        if self.supported != Some(false) {
            return None;
        }
        let evidence = match (&self.source_evidence, &self.rewrite_evidence) {
            (Some(s), Some(r)) if !s.is_empty() || !r.is_empty() => {
                format!(" (source: «{s}»; rewrite: «{r}»)")
            }
            _ => String::new(),
        };
        Some(match self.question.side {
            ClaimSide::Supported => format!(
                "a judge found this sentence of the rewrite not supported by the source: «{}»{evidence}",
                self.question.claim
            ),
            ClaimSide::Kept => format!(
                "a judge found this sentence of the source missing from the rewrite: «{}»{evidence}",
                self.question.claim
            ),
        })
    }
}

/// Answers claim questions about one chunk.
pub trait ClaimJudge: Send + Sync {
    /// One verdict per question, in order, with the usage and the calls
    /// made. `Err` only when the model could not be reached.
    fn judge_claims<'a>(
        &'a self,
        source: &'a str,
        rewrite: &'a str,
        questions: &'a [ClaimQuestion],
    ) -> BoxFuture<'a, Result<JudgedClaims, LlmError>>;
}

/// What a [`ClaimJudge`] returns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JudgedClaims {
    pub verdicts: Vec<ClaimVerdict>,
    pub usage: Usage,
    pub calls: u32,
}

/// A judge over a language model, in either format.
#[derive(Debug, Clone)]
pub struct LlmClaimJudge {
    pub model: Arc<dyn LanguageModel>,
    pub templates: TemplateSet,
    pub format: JudgeFormat,
}

impl ClaimJudge for LlmClaimJudge {
    fn judge_claims<'a>(
        &'a self,
        source: &'a str,
        rewrite: &'a str,
        questions: &'a [ClaimQuestion],
    ) -> BoxFuture<'a, Result<JudgedClaims, LlmError>> {
        Box::pin(async move {
            match self.format {
                JudgeFormat::Chat => self.chat(source, rewrite, questions).await,
                JudgeFormat::Claim => self.claim_by_claim(source, rewrite, questions).await,
            }
        })
    }
}

/// What the retry tells a judge whose answer could not be read: the retry
/// is a different request, so a journal does not replay the first answer
/// (the whole-chunk judge asks again with it too).
pub const UNREADABLE_JSON: &str =
    "Your answer could not be read as the JSON asked for. Answer again with the JSON object only.";
const UNREADABLE_YES_NO: &str = "Answer with Yes or No only.";

impl LlmClaimJudge {
    async fn chat(
        &self,
        source: &str,
        rewrite: &str,
        questions: &[ClaimQuestion],
    ) -> Result<JudgedClaims, LlmError> {
        let claims: Vec<ClaimInput<'_>> = questions.iter().map(claim_input).collect();
        let prompt = self.templates.judge_claims(source, rewrite, &claims);
        let mut request = ChatRequest::new(TaskKind::Judge, prompt.messages);
        request.sampling.temperature = Some(0.0);
        request.response_schema = Some(ResponseSchema {
            name: "claim_verdicts".to_owned(),
            schema: judge_claims_schema(),
        });
        let mut judged = JudgedClaims::default();
        for attempt in 0..2 {
            let answer = self.model.chat(&request).await?;
            judged.usage += answer.usage;
            judged.calls += 1;
            if let Some(verdicts) = read_verdicts(&answer.text, questions) {
                judged.verdicts = verdicts;
                return Ok(judged);
            }
            if attempt == 0 {
                request.messages.push(Message::assistant(answer.text));
                request.messages.push(Message::user(UNREADABLE_JSON));
            }
        }
        judged.verdicts = questions
            .iter()
            .map(|q| ClaimVerdict::none(q, "the judge's answer could not be read, twice"))
            .collect();
        Ok(judged)
    }

    async fn claim_by_claim(
        &self,
        source: &str,
        rewrite: &str,
        questions: &[ClaimQuestion],
    ) -> Result<JudgedClaims, LlmError> {
        let mut judged = JudgedClaims::default();
        for question in questions {
            let document = match question.side {
                ClaimSide::Supported => source,
                ClaimSide::Kept => rewrite,
            };
            let prompt = self.templates.claim_check(document, &question.claim);
            let mut request = ChatRequest::new(TaskKind::Judge, prompt.messages);
            request.sampling.temperature = Some(0.0);
            request.sampling.max_tokens = Some(8);
            let mut verdict = None;
            for attempt in 0..2 {
                let answer = self.model.chat(&request).await?;
                judged.usage += answer.usage;
                judged.calls += 1;
                if let Some(supported) = read_claim_answer(&answer.text) {
                    verdict = Some(ClaimVerdict {
                        question: question.clone(),
                        supported: Some(supported),
                        source_evidence: None,
                        rewrite_evidence: None,
                        error: None,
                    });
                    break;
                }
                if attempt == 0 {
                    request.messages.push(Message::assistant(answer.text));
                    request.messages.push(Message::user(UNREADABLE_YES_NO));
                }
            }
            judged.verdicts.push(verdict.unwrap_or_else(|| {
                ClaimVerdict::none(question, "the checker answered neither Yes nor No, twice")
            }));
        }
        Ok(judged)
    }
}

fn claim_input(q: &ClaimQuestion) -> ClaimInput<'_> {
    match q.side {
        ClaimSide::Supported => ClaimInput::Supported(&q.claim),
        ClaimSide::Kept => ClaimInput::Kept(&q.claim),
    }
}

/// A chat judge's answer as one verdict per question (claims numbered from
/// 1); `None` when it is not the JSON asked for. A claim the answer skips
/// gets no verdict.
fn read_verdicts(text: &str, questions: &[ClaimQuestion]) -> Option<Vec<ClaimVerdict>> {
    let value: serde_json::Value = serde_json::from_str(chunksynth_llm::extract_json_object(text)?).ok()?;
    let listed = value.get("verdicts")?.as_array()?;
    let text_of = |v: &serde_json::Value, key: &str| v.get(key).and_then(|s| s.as_str()).map(str::to_owned);
    Some(
        questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let found = listed
                    .iter()
                    .find(|v| v.get("claim").and_then(serde_json::Value::as_u64) == Some(i as u64 + 1));
                match found.and_then(|v| Some((v, v.get("supported")?.as_bool()?))) {
                    Some((v, supported)) => ClaimVerdict {
                        question: q.clone(),
                        supported: Some(supported),
                        source_evidence: text_of(v, "source_evidence"),
                        rewrite_evidence: text_of(v, "rewrite_evidence"),
                        error: None,
                    },
                    None => ClaimVerdict::none(q, "the judge gave no verdict on this claim"),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(claim: &str) -> ClaimQuestion {
        ClaimQuestion {
            check: "addition".to_owned(),
            side: ClaimSide::Supported,
            claim: claim.to_owned(),
        }
    }

    #[test]
    fn verdicts_are_read_by_number_and_a_skipped_claim_has_none() {
        let qs = [asked("one"), asked("two")];
        let read = read_verdicts(
            r#"Here: {"verdicts": [{"claim": 2, "supported": false, "source_evidence": "x", "rewrite_evidence": "two"}]}"#,
            &qs,
        )
        .unwrap();
        assert_eq!(read[0].supported, None);
        assert!(read[0].error.is_some());
        assert_eq!(read[1].supported, Some(false));
        assert!(read[1].finding().unwrap().contains("«two»"));
        assert!(read_verdicts("not json", &qs).is_none());
    }
}
