//! Key points QC cannot find by their words, asked of a judge before a
//! redraft (`--llm-judge` on `generate`): a section may say a point in
//! other words, and redrafting it for that is a wasted call that may make
//! it worse. A point the judge finds covered is no longer a finding; one
//! it finds missing is (a suspicion becomes a finding); one it cannot
//! answer stays as QC said.

use chunksynth_llm::Usage;
use chunksynth_prompts::Language;
use chunksynth_prompts::judge::{ClaimJudge, ClaimQuestion, ClaimSide, ClaimVerdict};
use chunksynth_quality::CheckKind;

use crate::plan::SectionSpec;
use crate::qc::{SectionQc, key_point_finding};

/// Asks `judge` about `qc`'s missing key points in `text` and applies its
/// verdicts to `qc`; the usage and calls it took.
pub(crate) async fn judge_missing_key_points(
    judge: &dyn ClaimJudge,
    spec: &SectionSpec,
    text: &str,
    qc: &mut SectionQc,
    language: Language,
) -> (Usage, u32) {
    if qc.missing_key_points.is_empty() {
        return (Usage::default(), 0);
    }
    let questions: Vec<ClaimQuestion> = qc
        .missing_key_points
        .iter()
        .map(|k| ClaimQuestion {
            check: CheckKind::Omission.name().to_owned(),
            side: ClaimSide::Kept,
            claim: k.clone(),
        })
        .collect();
    // The "source" a chat judge is shown: what the section was asked to say.
    let asked = format!("{}\n\n{}", spec.title, spec.key_points.join("\n"));
    let judged = match judge.judge_claims(&asked, text, &questions).await {
        Ok(j) => j,
        Err(e) => {
            qc.claims = questions
                .iter()
                .map(|q| ClaimVerdict {
                    question: q.clone(),
                    supported: None,
                    source_evidence: None,
                    rewrite_evidence: None,
                    error: Some(e.to_string()),
                })
                .collect();
            return (Usage::default(), 0);
        }
    };
    let usage = (judged.usage, judged.calls);
    apply_verdicts(qc, judged.verdicts, language);
    usage
}

/// Applies a judge's verdicts on key points to `qc` (the final report
/// gets those of the draft kept): covered points are no longer findings,
/// missing ones are.
pub(crate) fn apply_verdicts(qc: &mut SectionQc, verdicts: Vec<ClaimVerdict>, language: Language) {
    for verdict in &verdicts {
        let point = &verdict.question.claim;
        let finding = key_point_finding(language, point);
        match verdict.supported {
            Some(true) => {
                qc.findings.retain(|f| *f != finding);
                qc.suspicions.retain(|f| *f != finding);
                qc.missing_key_points.retain(|k| k != point);
            }
            Some(false) if qc.suspicions.contains(&finding) => {
                qc.suspicions.retain(|f| *f != finding);
                qc.findings.push(finding);
            }
            _ => {}
        }
    }
    qc.passed = qc.findings.is_empty();
    qc.claims = verdicts;
}
