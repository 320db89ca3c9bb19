//! A chunk's suspicions as the claim judge's questions
//! ([`chunksynth_prompts::judge`] asks them; the suspicions are the
//! fidelity gate's, which the prompts crate does not sit on).

use chunksynth_prompts::judge::{ClaimQuestion, ClaimSide};
use chunksynth_quality::{CheckKind, Suspicion};

/// The questions a chunk's suspicions raise, at most `max`, each sentence
/// asked about once: an omission asks whether the source sentence is kept;
/// anything else whether the rewrite sentence is supported.
pub fn claim_questions(suspicions: &[Suspicion], max: usize) -> Vec<ClaimQuestion> {
    let mut out: Vec<ClaimQuestion> = Vec::new();
    for s in suspicions {
        let question = match (&s.rewrite, &s.source) {
            (Some(rewrite), _) if s.check != CheckKind::Omission => ClaimQuestion {
                check: s.check.name().to_owned(),
                side: ClaimSide::Supported,
                claim: rewrite.clone(),
            },
            (_, Some(source)) => ClaimQuestion {
                check: s.check.name().to_owned(),
                side: ClaimSide::Kept,
                claim: source.clone(),
            },
            (Some(rewrite), None) => ClaimQuestion {
                check: s.check.name().to_owned(),
                side: ClaimSide::Supported,
                claim: rewrite.clone(),
            },
            (None, None) => continue,
        };
        if question.claim.trim().is_empty()
            || out
                .iter()
                .any(|q| q.side == question.side && q.claim == question.claim)
        {
            continue;
        }
        if out.len() == max {
            break;
        }
        out.push(question);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suspicion(check: CheckKind, source: Option<&str>, rewrite: Option<&str>) -> Suspicion {
        Suspicion {
            check,
            source: source.map(str::to_owned),
            rewrite: rewrite.map(str::to_owned),
            why: String::new(),
        }
    }

    #[test]
    fn omissions_ask_about_the_source_the_rest_about_the_rewrite_each_once() {
        let questions = claim_questions(
            &[
                suspicion(CheckKind::Omission, Some("A is B."), None),
                suspicion(CheckKind::Polarity, Some("A is B."), Some("A is not B.")),
                suspicion(CheckKind::Modality, Some("A is B."), Some("A is not B.")),
                suspicion(CheckKind::Addition, None, Some("C is D.")),
                suspicion(CheckKind::Numbers, None, Some("E = 5.")),
            ],
            3,
        );
        let asked: Vec<(ClaimSide, &str)> = questions.iter().map(|q| (q.side, q.claim.as_str())).collect();
        assert_eq!(
            asked,
            [
                (ClaimSide::Kept, "A is B."),
                (ClaimSide::Supported, "A is not B."),
                (ClaimSide::Supported, "C is D.")
            ]
        );
        assert_eq!(questions[0].check, "omission");
    }
}
