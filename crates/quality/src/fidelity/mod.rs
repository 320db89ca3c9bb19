//! Fidelity of a rewrite to its source chunk: deterministic checks, each with
//! a score in [0, 1], a pass/fail verdict and concrete findings a repair
//! prompt can quote ("the number 42 is missing").

use serde::{Deserialize, Serialize};

use crate::analysis::Pair;
use crate::script::Script;

mod checks;
mod clock_hours;
mod derived_numbers;
mod detectors;
mod excused_numbers;
mod kept_forms;
mod list_counts;
mod name_check;
mod number_check;
mod number_forms;
mod number_recall;
mod unit_conversions;
mod wrong_options;

use checks::{
    SourceWords, check_code_blocks, check_completeness, check_length, check_recall, content_words_of,
};
pub use checks::{WordSet, code_blocks, content_words};
pub use detectors::chatter_preamble;
use detectors::{check_chatter, check_refusal, check_script, check_summary};
use name_check::check_names;
use number_check::check_numbers;
use wrong_options::without_wrong_options;

/// The checks a fidelity report is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Numbers and quantities kept, none invented.
    Numbers,
    /// Names, acronyms, identifiers, URLs, paths, inline code kept.
    Names,
    /// Fenced code blocks unchanged.
    CodeBlocks,
    /// Word count of the rewrite within bounds of the source's.
    LengthRatio,
    /// Share of the source's content words still present.
    ContentRecall,
    /// Every part of the source is there: no third of it is missing, and the
    /// rewrite does not stop mid-sentence.
    Completeness,
    /// Not a summary in place of a rewrite.
    Summary,
    /// No model chatter around the text ("Here is the rewritten text:").
    Chatter,
    /// Not a refusal.
    Refusal,
    /// Written in the expected script.
    Script,
    /// Each aligned sentence keeps its polarity (a "not" added or dropped).
    Polarity,
    /// Direction and order words kept (before/after, more/less, in/out).
    Direction,
    /// Modality kept (must/may, always/usually).
    Modality,
    /// Each aligned sentence is about the same names as its source.
    Entities,
    /// Every source sentence has a counterpart in the rewrite.
    Omission,
    /// No sentence names or says what the source does not.
    Addition,
    /// The rewrite is not a copy: it repeats at most the style's share of
    /// the source's word 8-grams verbatim ([`copy_ratio`](crate::copying::copy_ratio)).
    NotRestyled,
}

impl CheckKind {
    /// Every check, in report order: the gate's checks, then the
    /// alignment checks (suspicions).
    pub const ALL: [CheckKind; 17] = {
        const WHOLE_TEXT: [CheckKind; 11] = CheckKind::GATE;
        let mut all = [CheckKind::Numbers; 17];
        // A check added to either list must be counted here (compile error).
        assert!(WHOLE_TEXT.len() + CheckKind::ALIGNMENT.len() == all.len());
        let mut i = 0;
        while i < all.len() {
            all[i] = if i < WHOLE_TEXT.len() {
                WHOLE_TEXT[i]
            } else {
                CheckKind::ALIGNMENT[i - WHOLE_TEXT.len()]
            };
            i += 1;
        }
        all
    };

    /// The gate: checks whose findings hold on text they were not tuned on
    /// (docs/QUALITY.md). They fail a chunk and write its repair prompt.
    pub const GATE: [CheckKind; 11] = [
        CheckKind::Numbers,
        CheckKind::Names,
        CheckKind::CodeBlocks,
        CheckKind::LengthRatio,
        CheckKind::ContentRecall,
        CheckKind::Completeness,
        CheckKind::Summary,
        CheckKind::Chatter,
        CheckKind::Refusal,
        CheckKind::Script,
        CheckKind::NotRestyled,
    ];

    /// The checks that compare aligned sentences (a translation turns them
    /// off: its sentences do not share words with the source's). Their
    /// findings are suspicions: recorded, never a failure, unless
    /// [`FidelityConfig::max_suspicions`] says otherwise — on restyles they
    /// were not tuned on they flagged a quarter to a half of faithful ones.
    pub const ALIGNMENT: [CheckKind; 6] = [
        CheckKind::Polarity,
        CheckKind::Direction,
        CheckKind::Modality,
        CheckKind::Entities,
        CheckKind::Omission,
        CheckKind::Addition,
    ];

    /// The check's name as records write it (`not_restyled`).
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Numbers => "numbers",
            CheckKind::Names => "names",
            CheckKind::CodeBlocks => "code_blocks",
            CheckKind::LengthRatio => "length_ratio",
            CheckKind::ContentRecall => "content_recall",
            CheckKind::Completeness => "completeness",
            CheckKind::Summary => "summary",
            CheckKind::Chatter => "chatter",
            CheckKind::Refusal => "refusal",
            CheckKind::Script => "script",
            CheckKind::Polarity => "polarity",
            CheckKind::Direction => "direction",
            CheckKind::Modality => "modality",
            CheckKind::Entities => "entities",
            CheckKind::Omission => "omission",
            CheckKind::Addition => "addition",
            CheckKind::NotRestyled => "not_restyled",
        }
    }

    fn default_weight(self) -> f64 {
        match self {
            CheckKind::Numbers
            | CheckKind::Names
            | CheckKind::CodeBlocks
            | CheckKind::Refusal
            | CheckKind::NotRestyled => 3.0,
            CheckKind::Summary | CheckKind::Chatter | CheckKind::Script | CheckKind::Completeness => 2.0,
            CheckKind::Polarity
            | CheckKind::Direction
            | CheckKind::Modality
            | CheckKind::Entities
            | CheckKind::Omission
            | CheckKind::Addition => 2.0,
            CheckKind::LengthRatio | CheckKind::ContentRecall => 1.0,
        }
    }
}

/// Which checks run, how they weigh, and their tolerances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FidelityConfig {
    /// The weighted score a rewrite needs, on top of every check passing.
    pub threshold: f64,
    /// Relative tolerance when comparing numeric values (0: exact).
    pub number_tolerance: f64,
    /// Allowed words(rewrite) / words(source), inclusive.
    pub min_length_ratio: f64,
    /// See `min_length_ratio`.
    pub max_length_ratio: f64,
    /// Minimum share of the source's distinct content words kept.
    pub min_content_recall: f64,
    /// Minimum share kept of each third of the source (catches truncation
    /// and summaries that keep only the start and the end).
    pub min_part_recall: f64,
    /// The script the rewrite must be in; `None`: the source's own.
    pub expected_script: Option<Script>,
    /// Weights per check; a check missing here has its default weight.
    pub weights: Vec<(CheckKind, f64)>,
    /// Checks that do not run (e.g. `names` and `content_recall` for a
    /// translation).
    pub disabled: Vec<CheckKind>,
    /// The most of the source's word 8-grams a rewrite may repeat verbatim
    /// before it is a copy (`not_restyled`); `None`: [`DEFAULT_MAX_COPY_RATIO`]
    /// (a run sets each style's own bound). Not written when unset, so
    /// the fingerprints of runs begun before it existed do not change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_copy_ratio: Option<f64>,
    /// More suspicions than this fail the chunk like a gate finding (the
    /// alignment checks then repair, as they did before they became
    /// suspicions); `None`: suspicions never fail a chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_suspicions: Option<usize>,
    /// A number the rewrite adds is a suspicion, not a gate finding, while
    /// every source number is kept: for styles that work examples and
    /// derivations (learning notes, textbooks), whose faithful rewrites add
    /// numbers of their own (in a calculation or an example they
    /// introduce). Not written when unset (fingerprints).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub added_numbers_are_suspicions: bool,
    /// The style keeps a chosen part of its source (`StyleKind::Extract`:
    /// a knowledge list, a distillation): numbers and names left out are
    /// no finding, added ones are. Not written when unset (fingerprints).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub keeps_subset: bool,
    /// The style may leave out a name its source mentions only once
    /// (`Style::drops_context_names`): such a name missing is a suspicion,
    /// not a finding. Not written when unset (fingerprints).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub names_mentioned_once_are_suspicions: bool,
    /// The share of the source's numbers (four or more) a rewrite keeps at
    /// least, read by `content_recall`: for the extracts that keep the
    /// knowledge (`Style::min_number_recall`). `None`: no such floor. Not
    /// written when unset (fingerprints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_number_recall: Option<f64>,
}

/// The default config's lower length bound.
pub(super) const DEFAULT_MIN_LENGTH_RATIO: f64 = 0.7;

/// The share of the source's word 8-grams a rewrite may repeat verbatim
/// when no style sets its own bound.
pub const DEFAULT_MAX_COPY_RATIO: f64 = 0.5;

impl Default for FidelityConfig {
    fn default() -> Self {
        Self {
            threshold: 0.9,
            number_tolerance: 0.0,
            min_length_ratio: DEFAULT_MIN_LENGTH_RATIO,
            max_length_ratio: 1.8,
            min_content_recall: 0.5,
            min_part_recall: 0.4,
            expected_script: None,
            weights: Vec::new(),
            disabled: Vec::new(),
            max_copy_ratio: None,
            max_suspicions: None,
            added_numbers_are_suspicions: false,
            keeps_subset: false,
            names_mentioned_once_are_suspicions: false,
            min_number_recall: None,
        }
    }
}

impl FidelityConfig {
    fn weight(&self, check: CheckKind) -> f64 {
        self.weights
            .iter()
            .find(|(c, _)| *c == check)
            .map_or(check.default_weight(), |&(_, w)| w)
    }
}

/// One check's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Which check.
    pub check: CheckKind,
    /// Its score in [0, 1].
    pub score: f64,
    /// Its weight in the report's score.
    pub weight: f64,
    /// Whether it passed.
    pub passed: bool,
    /// What is wrong, concretely; empty when the check passed.
    pub findings: Vec<String>,
}

/// Something an alignment check saw that may be an error: recorded for a
/// judge, a reviewer or a filter, never a repair on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suspicion {
    /// Which alignment check saw it.
    pub check: CheckKind,
    /// The source sentence concerned, where the check has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The rewrite sentence concerned, where the check has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<String>,
    /// What it saw, in words.
    pub why: String,
}

/// The verdict on one rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FidelityReport {
    /// Weighted mean of the gate's checks' scores.
    pub score: f64,
    /// Every check passed and `score` reached the threshold.
    pub passed: bool,
    /// The score a rewrite needs.
    pub threshold: f64,
    /// Every gate check that ran, in order (and the alignment checks that
    /// failed when suspicions exceeded [`FidelityConfig::max_suspicions`]).
    pub checks: Vec<CheckReport>,
    /// What the alignment checks saw (empty in reports written before they
    /// were kept apart).
    #[serde(default)]
    pub suspicions: Vec<Suspicion>,
    /// Share of the source's word 8-grams the rewrite repeats verbatim
    /// ([`copy_ratio`](crate::copying::copy_ratio)).
    #[serde(default)]
    pub copy_ratio: f64,
}

impl FidelityReport {
    /// Every finding of every check, for a repair prompt or a log.
    pub fn findings(&self) -> impl Iterator<Item = &str> {
        self.checks
            .iter()
            .flat_map(|c| c.findings.iter().map(String::as_str))
    }

    /// The checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = CheckKind> + '_ {
        self.checks.iter().filter(|c| !c.passed).map(|c| c.check)
    }
}

/// Recall floors at or above this hold omissions to the full bar; below it
/// (expert-terse 0.2, plain-language 0.3) the bar is lowered in proportion.
const OMISSION_FULL_RECALL: f64 = 0.4;

/// Judges `rewrite` against `source` with every enabled check.
pub fn fidelity(source: &str, rewrite: &str, config: &FidelityConfig) -> FidelityReport {
    let claims = without_wrong_options(rewrite);
    let rewrite: &str = &claims;
    // Each text analysed once (words, folded words, lower case, names),
    // lazily, for every check that reads it.
    let pair = Pair::new(source, rewrite);
    let (src, rw) = (&pair.source, &pair.rewrite);
    // Two checks need the content words of both texts: fold them once, lazily.
    let rewrite_content = std::cell::OnceCell::new();
    let rewrite_words = || rewrite_content.get_or_init(|| content_words_of(rw, 0..rw.word_count()));
    let source_content = std::cell::OnceCell::new();
    let source_words = || source_content.get_or_init(|| SourceWords::new(src));
    let alignment = std::cell::OnceCell::new();
    let aligned = || {
        // A style that may drop more of the source's words (a lower recall
        // floor: terse, plain) is held to a lower bar for omissions too.
        let omission_scale = (config.min_content_recall / OMISSION_FULL_RECALL).clamp(0.2, 1.0);
        alignment.get_or_init(|| crate::align::alignment_findings_of(&pair, omission_scale))
    };
    let copy = crate::copying::copy_ratio_of(src, rw);
    let enabled = |c: &CheckKind| !config.disabled.contains(c);
    let mut added_numbers = Vec::new();
    let mut missing_context_names = Vec::new();
    let mut checks: Vec<CheckReport> = CheckKind::GATE
        .into_iter()
        .filter(enabled)
        .map(|check| {
            let (score, passed, findings) = match check {
                CheckKind::Numbers => {
                    let (verdict, added) = check_numbers(
                        (src, rw),
                        config.number_tolerance,
                        config.added_numbers_are_suspicions,
                        config.keeps_subset,
                    );
                    added_numbers = added.found;
                    verdict
                }
                CheckKind::Names => {
                    let (verdict, apart) = check_names(
                        src.names(),
                        src,
                        rw,
                        config.keeps_subset,
                        config.names_mentioned_once_are_suspicions,
                    );
                    missing_context_names = apart;
                    verdict
                }
                CheckKind::CodeBlocks => check_code_blocks(source, rewrite),
                CheckKind::LengthRatio => check_length(src, rw, config),
                CheckKind::ContentRecall => {
                    let words = check_recall(source_words(), rewrite_words(), config.min_content_recall);
                    match config.min_number_recall {
                        Some(floor) => both(words, number_recall::check_number_recall(src, rw, floor)),
                        None => words,
                    }
                }
                CheckKind::Completeness => check_completeness(
                    source,
                    source_words(),
                    rewrite,
                    rewrite_words(),
                    config.min_part_recall,
                ),
                CheckKind::Summary => check_summary(&pair, config.min_length_ratio),
                CheckKind::Chatter => check_chatter(&pair),
                CheckKind::Refusal => check_refusal(&pair),
                CheckKind::Script => check_script(&pair, config.expected_script),
                CheckKind::NotRestyled => check_copy(copy, config),
                _ => pass(),
            };
            CheckReport {
                check,
                score,
                weight: config.weight(check),
                passed,
                findings,
            }
        })
        .collect();
    let mut suspicions = if CheckKind::ALIGNMENT.iter().any(enabled) {
        suspicions_of(aligned(), config)
    } else {
        Vec::new()
    };
    suspicions.extend(missing_context_names.into_iter().map(|why| Suspicion {
        check: CheckKind::Names,
        source: None,
        rewrite: None,
        why,
    }));
    suspicions.extend(added_numbers.into_iter().map(|(why, sentence)| Suspicion {
        check: CheckKind::Numbers,
        source: None,
        rewrite: Some(sentence),
        why,
    }));
    let total_weight: f64 = checks.iter().map(|c| c.weight).sum();
    let score = if total_weight > 0.0 {
        checks.iter().map(|c| c.weight * c.score).sum::<f64>() / total_weight
    } else {
        1.0
    };
    // The old strictness, for a user who asks for it: too many suspicions
    // fail the chunk, and their checks' findings go into the repair prompt.
    if config.max_suspicions.is_some_and(|n| suspicions.len() > n) {
        for (check, found) in by_check(aligned()) {
            if config.disabled.contains(&check) || found.is_empty() {
                continue;
            }
            checks.push(CheckReport {
                check,
                score: 0.0,
                weight: config.weight(check),
                passed: false,
                // The whole message, sentences quoted, as repair prompts
                // quoted it before suspicions were kept apart.
                findings: found.iter().map(ToString::to_string).collect(),
            });
        }
    }
    FidelityReport {
        passed: checks.iter().all(|c| c.passed) && score >= config.threshold,
        score,
        threshold: config.threshold,
        checks,
        suspicions,
        copy_ratio: copy.ratio,
    }
}

/// The alignment's findings by the check they count for. Spelled-out
/// numbers changed within an aligned sentence ("one pass" → "two passes")
/// are as precise as the alignment, so a suspicion too.
fn by_check(aligned: &crate::align::AlignmentFindings) -> [(CheckKind, &[crate::align::AlignedFinding]); 7] {
    [
        (CheckKind::Numbers, &aligned.numbers),
        (CheckKind::Polarity, &aligned.polarity),
        (CheckKind::Direction, &aligned.direction),
        (CheckKind::Modality, &aligned.modality),
        (CheckKind::Entities, &aligned.entities),
        (CheckKind::Omission, &aligned.omissions),
        (CheckKind::Addition, &aligned.additions),
    ]
}

/// The alignment's findings as suspicions, for the enabled checks.
fn suspicions_of(aligned: &crate::align::AlignmentFindings, config: &FidelityConfig) -> Vec<Suspicion> {
    by_check(aligned)
        .into_iter()
        .filter(|(check, _)| !config.disabled.contains(check))
        .flat_map(|(check, found)| {
            found.iter().map(move |f| Suspicion {
                check,
                source: f.source.clone(),
                rewrite: f.rewrite.clone(),
                why: f.why.clone(),
            })
        })
        .collect()
}

/// A rewrite that repeats more of the source's prose verbatim than the
/// style allows is a copy, not a rewrite.
fn check_copy(copy: crate::copying::CopyMeasure, config: &FidelityConfig) -> Verdict {
    let bound = config.max_copy_ratio.unwrap_or(DEFAULT_MAX_COPY_RATIO);
    if !copy.judged || copy.ratio <= bound {
        return (1.0, true, Vec::new());
    }
    let finding = format!(
        "the rewrite repeats {:.0}% of the source word for word (at most {:.0}%); restyle it in your own words",
        copy.ratio * 100.0,
        bound * 100.0
    );
    (0.0, false, vec![finding])
}

pub(super) type Verdict = (f64, bool, Vec<String>);

/// Two verdicts of one check as one: the lower score, passed if both
/// passed, the findings of both.
fn both(a: Verdict, b: Verdict) -> Verdict {
    let (score_a, passed_a, mut findings) = a;
    let (score_b, passed_b, more) = b;
    findings.extend(more);
    (score_a.min(score_b), passed_a && passed_b, findings)
}

pub(super) fn pass() -> Verdict {
    (1.0, true, Vec::new())
}
