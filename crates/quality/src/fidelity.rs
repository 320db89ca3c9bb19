//! Fidelity of a rewrite to its source chunk: deterministic checks, each with
//! a score in [0, 1], a pass/fail verdict and concrete findings a repair
//! prompt can quote ("the number 42 is missing").

use serde::{Deserialize, Serialize};

use crate::names::{contains_name, names};
use crate::numbers::{Quantity, cardinal_word_values, number_word_values, numbers, same_quantity};
use crate::script::{Script, script_shares, share_of};
use crate::stopwords::is_stop_word;
use crate::text::{fold_word, is_cjk, sentences, word_count, words};

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
}

impl CheckKind {
    /// Every check, in report order: the whole-text checks, then the
    /// alignment checks.
    pub const ALL: [CheckKind; 16] = {
        const WHOLE_TEXT: [CheckKind; 10] = [
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
        ];
        let mut all = [CheckKind::Numbers; 16];
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

    /// The checks that compare aligned sentences (a translation turns them
    /// off: its sentences do not share words with the source's).
    pub const ALIGNMENT: [CheckKind; 6] = [
        CheckKind::Polarity,
        CheckKind::Direction,
        CheckKind::Modality,
        CheckKind::Entities,
        CheckKind::Omission,
        CheckKind::Addition,
    ];

    fn default_weight(self) -> f64 {
        match self {
            CheckKind::Numbers | CheckKind::Names | CheckKind::CodeBlocks | CheckKind::Refusal => 3.0,
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
}

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

/// The verdict on one rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FidelityReport {
    /// Weighted mean of the checks' scores.
    pub score: f64,
    /// Every check passed and `score` reached the threshold.
    pub passed: bool,
    /// The score a rewrite needs.
    pub threshold: f64,
    /// Every check that ran, in order.
    pub checks: Vec<CheckReport>,
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
    // Two checks need the content words of both texts: fold them once, lazily.
    let rewrite_content = std::cell::OnceCell::new();
    let rewrite_words = || rewrite_content.get_or_init(|| content_words(rewrite));
    let source_content = std::cell::OnceCell::new();
    let source_words = || source_content.get_or_init(|| SourceWords::new(source));
    // The source's names serve the names check and the alignment's.
    let source_names = std::cell::OnceCell::new();
    let names_of_source = || source_names.get_or_init(|| names(source));
    let alignment = std::cell::OnceCell::new();
    let aligned = || {
        // A style that may drop more of the source's words (a lower recall
        // floor: terse, plain) is held to a lower bar for omissions too.
        let omission_scale = (config.min_content_recall / OMISSION_FULL_RECALL).clamp(0.2, 1.0);
        alignment.get_or_init(|| {
            crate::align::alignment_findings_with(source, rewrite, names_of_source(), omission_scale)
        })
    };
    let checks: Vec<CheckReport> = CheckKind::ALL
        .into_iter()
        .filter(|c| !config.disabled.contains(c))
        .map(|check| {
            let (score, passed, findings) = match check {
                CheckKind::Numbers => {
                    let (score, passed, mut findings) =
                        check_numbers(source, rewrite, config.number_tolerance);
                    // Spelled-out numbers changed within an aligned sentence.
                    // (Digits changed are already reported above.) Not where
                    // alignment is off (a translation): its sentences do not
                    // align, and aligning them would be work for nothing.
                    let aligning = CheckKind::ALIGNMENT.iter().any(|c| !config.disabled.contains(c));
                    if !passed || !aligning || aligned().numbers.is_empty() {
                        (score, passed, findings)
                    } else {
                        findings.extend(aligned().numbers.iter().map(ToString::to_string));
                        (score.min(0.5), false, findings)
                    }
                }
                CheckKind::Names => check_names(names_of_source(), rewrite),
                CheckKind::CodeBlocks => check_code_blocks(source, rewrite),
                CheckKind::LengthRatio => check_length(source, rewrite, config),
                CheckKind::ContentRecall => {
                    check_recall(source_words(), rewrite_words(), config.min_content_recall)
                }
                CheckKind::Completeness => check_completeness(
                    source,
                    source_words(),
                    rewrite,
                    rewrite_words(),
                    config.min_part_recall,
                ),
                CheckKind::Summary => check_summary(source, rewrite, config.min_length_ratio),
                CheckKind::Chatter => check_chatter(source, rewrite),
                CheckKind::Refusal => check_refusal(source, rewrite),
                CheckKind::Script => check_script(source, rewrite, config.expected_script),
                CheckKind::Polarity => verdict_of(&aligned().polarity),
                CheckKind::Direction => verdict_of(&aligned().direction),
                CheckKind::Modality => verdict_of(&aligned().modality),
                CheckKind::Entities => verdict_of(&aligned().entities),
                CheckKind::Omission => verdict_of(&aligned().omissions),
                CheckKind::Addition => verdict_of(&aligned().additions),
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
    let total_weight: f64 = checks.iter().map(|c| c.weight).sum();
    let score = if total_weight > 0.0 {
        checks.iter().map(|c| c.weight * c.score).sum::<f64>() / total_weight
    } else {
        1.0
    };
    FidelityReport {
        passed: checks.iter().all(|c| c.passed) && score >= config.threshold,
        score,
        threshold: config.threshold,
        checks,
    }
}

type Verdict = (f64, bool, Vec<String>);

fn pass() -> Verdict {
    (1.0, true, Vec::new())
}

/// A check that either has findings or passes.
fn verdict_of(findings: &[impl ToString]) -> Verdict {
    if findings.is_empty() {
        pass()
    } else {
        (0.0, false, findings.iter().map(ToString::to_string).collect())
    }
}

fn check_numbers(source: &str, rewrite: &str, tolerance: f64) -> Verdict {
    // Distinct source quantities with how often each is mentioned.
    let mut wanted: Vec<(String, Quantity, usize)> = Vec::new();
    for m in numbers(source) {
        match wanted
            .iter_mut()
            .find(|(_, q, _)| same_quantity(q, &m.quantity, tolerance))
        {
            Some(entry) => entry.2 += 1,
            None => wanted.push((m.written, m.quantity, 1)),
        }
    }
    let found = numbers(rewrite);
    // Spelled out in words or in CJK numerals (2か所 → 二つ).
    let spelled: Vec<Quantity> = number_word_values(rewrite)
        .into_iter()
        .chain(crate::align::cjk_numerals(rewrite).into_iter().map(|v| v as f64))
        .map(Quantity::Value)
        .collect();
    let count_in_rewrite = |q: &Quantity| {
        found
            .iter()
            .filter(|m| same_quantity(&m.quantity, q, tolerance))
            .count()
    };
    let mut findings = Vec::new();
    let mut kept = 0usize;
    let mut fewer = Vec::new();
    for (written, q, n) in &wanted {
        let got = count_in_rewrite(q);
        if got > 0 || spelled.iter().any(|s| same_quantity(s, q, tolerance)) {
            kept += 1;
            if got < *n {
                fewer.push((written, *n, got));
            }
        } else {
            findings.push(format!("the number {written} is missing"));
        }
    }
    // A value the source does not have is a changed or invented number,
    // unless it only numbers a list item the rewrite added ("1. ").
    let markers = if list_marker_values(source).is_empty() {
        list_marker_values(rewrite)
    } else {
        Vec::new()
    };
    let source_spelled = cardinal_word_values(source);
    let mut added: Vec<&str> = Vec::new();
    let mut more = false;
    for m in &found {
        let excused =
            matches!(m.quantity, Quantity::Value(v) if markers.contains(&v) || source_spelled.contains(&v));
        match wanted
            .iter()
            .find(|(_, q, _)| same_quantity(q, &m.quantity, tolerance))
        {
            Some((_, q, n)) => more |= count_in_rewrite(q) > *n,
            None if !excused && !added.contains(&m.written.as_str()) => {
                added.push(&m.written);
                findings.push(format!("the number {} is not in the source", m.written));
            }
            None => {}
        }
    }
    // Mentioned less often while another value is mentioned more often: a
    // number was changed into one the source has elsewhere.
    let mut substituted = 0usize;
    if more {
        for (written, n, got) in fewer {
            substituted += 1;
            findings.push(format!(
                "the number {written} appears {got} times instead of {n}; was it changed into another number?"
            ));
        }
    }
    let denominator = wanted.len() + added.len();
    if denominator == 0 {
        return pass();
    }
    let score = kept.saturating_sub(substituted) as f64 / denominator as f64;
    (score, findings.is_empty(), findings)
}

/// Values that number list items at line starts (`1.`, `2)`), and an
/// enumeration inside a line ("power comes from (1) …, (2) …") that counts
/// up from (1).
fn list_marker_values(text: &str) -> Vec<f64> {
    let mut out: Vec<f64> = text
        .lines()
        .filter_map(|l| {
            let t = l.trim_start();
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            let rest = &t[digits..];
            (digits > 0 && digits <= 3 && (rest.starts_with(". ") || rest.starts_with(") ")))
                .then(|| t[..digits].parse().ok())
                .flatten()
        })
        .collect();
    let inline: Vec<f64> = text
        .split('(')
        .skip(1)
        .filter_map(|part| part.split_once(')'))
        .filter(|(n, _)| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|(n, _)| n.parse().ok())
        .collect();
    // (1), (2), … in order: an enumeration, not quantities.
    if inline.len() >= 2 && inline.iter().enumerate().all(|(i, &v)| v == (i + 1) as f64) {
        out.extend(inline);
    }
    out
}

/// Whitespace runs folded to one space: justified text (man pages) has
/// double spaces a rewrite will not keep.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_names(wanted: &[crate::names::NameMention], rewrite: &str) -> Verdict {
    if wanted.is_empty() {
        return pass();
    }
    let rewrite = collapse_whitespace(rewrite);
    let mut findings = Vec::new();
    for name in wanted {
        if !contains_name(&rewrite, name) {
            findings.push(format!("the {} “{}” is missing", name.kind.label(), name.text));
        }
    }
    let score = 1.0 - findings.len() as f64 / wanted.len() as f64;
    (score, findings.is_empty(), findings)
}

/// Fenced code blocks: (first line for messages, normalised body).
pub fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        let fence = if t.starts_with("```") {
            "```"
        } else if t.starts_with("~~~") {
            "~~~"
        } else {
            continue;
        };
        let mut body = Vec::new();
        for inner in lines.by_ref() {
            if inner.trim_start().starts_with(fence) {
                break;
            }
            body.push(inner.trim_end());
        }
        let first = body
            .iter()
            .find(|l| !l.trim().is_empty())
            .map_or("", |l| l.trim());
        out.push((first.to_owned(), body.join("\n").trim_end().to_owned()));
    }
    out
}

fn check_code_blocks(source: &str, rewrite: &str) -> Verdict {
    let wanted = code_blocks(source);
    if wanted.is_empty() {
        return pass();
    }
    let got = code_blocks(rewrite);
    let mut findings = Vec::new();
    for (i, (first, body)) in wanted.iter().enumerate() {
        if !got.iter().any(|(_, b)| b == body) {
            findings.push(format!(
                "code block {} (`{first}`) was changed or dropped; keep it exactly",
                i + 1
            ));
        }
    }
    let score = 1.0 - findings.len() as f64 / wanted.len() as f64;
    (score, findings.is_empty(), findings)
}

/// Below this many words, a length ratio says little.
const MIN_WORDS_FOR_RATIO: usize = 8;

fn check_length(source: &str, rewrite: &str, config: &FidelityConfig) -> Verdict {
    let s = word_count(source);
    if s < MIN_WORDS_FOR_RATIO {
        return pass();
    }
    let ratio = word_count(rewrite) as f64 / s as f64;
    let (lo, hi) = (config.min_length_ratio, config.max_length_ratio);
    if (lo..=hi).contains(&ratio) {
        return pass();
    }
    let score = if ratio < lo { ratio / lo } else { hi / ratio };
    let finding = format!(
        "the rewrite has {:.0}% of the source's words; keep it between {:.0}% and {:.0}%",
        ratio * 100.0,
        lo * 100.0,
        hi * 100.0
    );
    (score, false, vec![finding])
}

/// A set of folded words. FxHash: these sets are built for every chunk of
/// every rewrite, and SipHash's DoS resistance buys nothing here.
pub type WordSet = rustc_hash::FxHashSet<String>;

/// Distinct folded content words: no stop words, no bare numbers.
pub fn content_words(text: &str) -> WordSet {
    words(text)
        .into_iter()
        .filter(|w| {
            let cjk = w.chars().next().is_some_and(is_cjk);
            (cjk || w.chars().count() >= 3) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .map(fold_word)
        .filter(|w| !is_stop_word(w))
        .map(|w| {
            // Russian inflects by the ending: compare stems.
            if w.chars()
                .next()
                .is_some_and(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
            {
                w.chars().take(5).collect()
            } else {
                w
            }
        })
        .collect()
}

/// Below this many content words, recall says little.
const MIN_CONTENT_WORDS: usize = 5;

/// The source's content words, whole and by thirds (for sources of at least
/// `MIN_WORDS_FOR_PARTS` words), folded once for both checks that need them.
struct SourceWords {
    whole: WordSet,
    /// The first, middle and last third (split at word starts).
    thirds: Option<[WordSet; 3]>,
}

impl SourceWords {
    fn new(source: &str) -> Self {
        let spans: Vec<std::ops::Range<usize>> = crate::text::word_ranges(source).collect();
        if spans.len() < MIN_WORDS_FOR_PARTS {
            return Self {
                whole: content_words(source),
                thirds: None,
            };
        }
        let third = spans.len() / 3;
        let (a, b) = (spans[third].start, spans[2 * third].start);
        let thirds = [
            content_words(&source[..a]),
            content_words(&source[a..b]),
            content_words(&source[b..]),
        ];
        // The cuts fall between words, so the thirds' words are the whole's.
        let whole = thirds.iter().flatten().cloned().collect();
        Self {
            whole,
            thirds: Some(thirds),
        }
    }
}

/// The words of `wanted` not in `got`, sorted (findings must not depend on
/// hash order).
fn missing_sorted<'a>(wanted: &'a WordSet, got: &WordSet) -> Vec<&'a str> {
    let mut missing: Vec<&str> = wanted
        .iter()
        .filter(|w| !got.contains(*w))
        .map(String::as_str)
        .collect();
    missing.sort_unstable();
    missing
}

fn check_recall(source: &SourceWords, got: &WordSet, min_recall: f64) -> Verdict {
    let wanted = &source.whole;
    if wanted.len() < MIN_CONTENT_WORDS {
        return pass();
    }
    let missing = missing_sorted(wanted, got);
    let recall = 1.0 - missing.len() as f64 / wanted.len() as f64;
    if recall >= min_recall {
        return (recall, true, Vec::new());
    }
    let shown: Vec<&str> = missing.iter().take(12).copied().collect();
    let more = missing.len().saturating_sub(shown.len());
    let finding = format!(
        "only {:.0}% of the source's content words are kept (at least {:.0}% needed); missing: {}{}",
        recall * 100.0,
        min_recall * 100.0,
        shown.join(", "),
        if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        }
    );
    (recall, false, vec![finding])
}

/// Below this many words, a source is not split into thirds.
const MIN_WORDS_FOR_PARTS: usize = 30;

fn check_completeness(
    source: &str,
    words: &SourceWords,
    rewrite: &str,
    got: &WordSet,
    min_part_recall: f64,
) -> Verdict {
    let mut findings = Vec::new();
    let mut score: f64 = 1.0;
    if let Some(thirds) = &words.thirds {
        for (name, wanted) in ["first", "middle", "last"].into_iter().zip(thirds) {
            if wanted.len() < MIN_CONTENT_WORDS {
                continue;
            }
            let missing = missing_sorted(wanted, got);
            let recall = 1.0 - missing.len() as f64 / wanted.len() as f64;
            score = score.min(recall);
            if recall < min_part_recall {
                let shown: Vec<&str> = missing.iter().take(8).copied().collect();
                findings.push(format!(
                    "the {name} third of the source is missing ({:.0}% of its content words kept; missing: {}); rewrite all of it",
                    recall * 100.0,
                    shown.join(", ")
                ));
            }
        }
    }
    let ends_sentence = |t: &str| {
        t.trim_end()
            .trim_end_matches(|c: char| crate::text::is_closing(c))
            .ends_with(['.', '!', '?', '。', '！', '？', ':', ';', '…'])
    };
    // A list ends without a full stop (notes, bullet points).
    let ends_in_list_item = rewrite.trim_end().lines().last().is_some_and(|l| {
        let t = l.trim_start();
        t.starts_with(['-', '*', '•', '・', '→'])
            || t.split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
    });
    if ends_sentence(source)
        && !ends_sentence(rewrite)
        && !ends_in_list_item
        && !rewrite.trim_end().ends_with("```")
    {
        let tail: String = {
            let t = rewrite.trim_end();
            let chars: Vec<char> = t.chars().collect();
            chars[chars.len().saturating_sub(40)..].iter().collect()
        };
        findings.push(format!(
            "the rewrite stops mid-sentence (“…{tail}”); finish the text"
        ));
        score = score.min(0.5);
    }
    let passed = findings.is_empty();
    (
        if passed { score.max(min_part_recall) } else { score },
        passed,
        findings,
    )
}

/// Phrases that announce a summary, not a rewrite.
const SUMMARY_MARKERS: &[&str] = &[
    "in summary",
    "to summarize",
    "to sum up",
    "in short,",
    "in brief,",
    "this passage",
    "this text ",
    "this section describes",
    "this section explains",
    "the text describes",
    "the text explains",
    "the passage",
    "总之",
    "总而言之",
    "综上所述",
    "本段",
    "这段文字",
    "要約すると",
];

/// The default config's lower length bound.
const DEFAULT_MIN_LENGTH_RATIO: f64 = 0.7;

fn check_summary(source: &str, rewrite: &str, min_length_ratio: f64) -> Verdict {
    let lower_rewrite = rewrite.to_lowercase();
    let lower_source = source.to_lowercase();
    if let Some(marker) = SUMMARY_MARKERS
        .iter()
        .find(|m| lower_rewrite.contains(*m) && !lower_source.contains(*m))
    {
        return (
            0.0,
            false,
            vec![format!(
                "the rewrite reads as a summary (“{}”); rewrite all of the text instead",
                marker.trim()
            )],
        );
    }
    let s_sent = sentences(source).len();
    // A note's bullets are its sentences, stops or not.
    let items = rewrite
        .lines()
        .filter(|l| l.trim_start().starts_with(['-', '*', '•', '・']))
        .count();
    let r_sent = sentences(rewrite).len().max(items);
    let ratio = word_count(rewrite) as f64 / word_count(source).max(1) as f64;
    // Half the words, for a style that keeps most of them (the default
    // band starts at 0.7); less for a style allowed to compress.
    let short = 0.5 * (min_length_ratio / DEFAULT_MIN_LENGTH_RATIO).min(1.0);
    if s_sent >= 4 && r_sent <= (s_sent / 3).max(2) && ratio < short {
        let finding = format!(
            "the rewrite looks like a summary: {r_sent} sentences for {s_sent} in the source, {:.0}% of its words; rewrite every sentence",
            ratio * 100.0
        );
        return (0.0, false, vec![finding]);
    }
    pass()
}

const CHATTER_OPENINGS: &[&str] = &[
    "here is",
    "here's",
    "here are",
    "sure",
    "certainly",
    "of course",
    "below is",
    "the following is",
    "rewritten text",
    "rewritten version",
    "i have rewritten",
    "i've rewritten",
    "okay,",
    "ok,",
    "以下是",
    "好的",
    "当然",
    "改写如下",
    "以下は",
];

const CHATTER_CLOSINGS: &[&str] = &[
    "let me know",
    "i hope this",
    "hope this helps",
    "feel free to",
    "if you need any",
    "if you'd like",
    "希望这",
    "如有需要",
];

/// Openings that are interjections: chatter only as a short line of their
/// own ("Sure!", "Of course."), not when a sentence goes on ("Sure enough,
/// the compiler rejects it.").
const CHATTER_INTERJECTIONS: &[&str] = &["sure", "certainly", "of course", "okay,", "ok,", "好的", "当然"];

/// The rewrite's first line when it is model chatter the source does not
/// have: one of the openings, shaped as a preamble — a line that introduces
/// what follows (ends with a colon), names the rewrite ("rewritten",
/// "改写"), or is a short interjection on its own line. "Here is an example
/// of ownership." is content, not a preamble. The one rule the detector
/// and rephrase's stripper share.
pub fn chatter_preamble<'a>(source: &str, rewrite: &'a str) -> Option<&'a str> {
    let line = rewrite.trim_start().lines().next()?.trim();
    let clean = |s: &str| s.trim_start_matches(['*', '#', '"', ' ', '_']).to_lowercase();
    let lower = clean(line);
    let source_lower = clean(source.trim_start());
    let opening = CHATTER_OPENINGS
        .iter()
        .find(|o| lower.starts_with(*o) && !source_lower.starts_with(*o))?;
    let introduces = line.trim_end_matches(['*', ' ']).ends_with([':', '：']);
    let names_the_rewrite = lower.contains("rewrit") || lower.contains("改写") || lower.contains("書き換");
    let interjection = CHATTER_INTERJECTIONS.contains(opening)
        && line.chars().count() <= 30
        && line.ends_with(['!', '.', '。', '！', ',', '，']);
    (introduces || names_the_rewrite || interjection).then_some(line)
}

fn check_chatter(source: &str, rewrite: &str) -> Verdict {
    let mut findings = Vec::new();
    if let Some(line) = chatter_preamble(source, rewrite) {
        findings.push(format!(
            "the rewrite starts with model chatter (“{line}”); answer with the text only"
        ));
    }
    let tail_start = rewrite.len().saturating_sub(300);
    let tail_start = (0..=tail_start)
        .rev()
        .find(|&i| rewrite.is_char_boundary(i))
        .unwrap_or(0);
    let tail = rewrite[tail_start..].to_lowercase();
    let lower_source = source.to_lowercase();
    if let Some(closing) = CHATTER_CLOSINGS
        .iter()
        .find(|c| tail.contains(*c) && !lower_source.contains(*c))
    {
        findings.push(format!(
            "the rewrite ends with model chatter (“{closing}…”); answer with the text only"
        ));
    }
    let fenced = |s: &str| s.trim_start().starts_with("```");
    if fenced(rewrite) && !fenced(source) && crate::fidelity::code_blocks(source).is_empty() {
        findings.push("the rewrite wraps prose in a code fence; answer with plain text".to_owned());
    }
    if findings.is_empty() {
        pass()
    } else {
        (0.0, false, findings)
    }
}

const REFUSALS: &[&str] = &[
    "i'm sorry",
    "i am sorry",
    "i cannot",
    "i can't",
    "i can not",
    "as an ai",
    "i'm unable",
    "i am unable",
    "i won't be able",
    "i must decline",
    "抱歉",
    "我无法",
    "我不能",
    "申し訳",
];

fn check_refusal(source: &str, rewrite: &str) -> Verdict {
    let lower_rewrite = rewrite.to_lowercase().replace('’', "'");
    let lower_source = source.to_lowercase().replace('’', "'");
    match REFUSALS
        .iter()
        .find(|r| lower_rewrite.contains(*r) && !lower_source.contains(*r))
    {
        Some(r) => (
            0.0,
            false,
            vec![format!("the answer is a refusal (“{r}…”), not a rewrite")],
        ),
        None => pass(),
    }
}

fn check_script(source: &str, rewrite: &str, expected: Option<Script>) -> Verdict {
    let (script, needed) = match expected {
        Some(script) => (script, 0.5),
        None => match script_shares(source).first() {
            Some(&(script, share)) => (script, share * 0.5),
            None => return pass(),
        },
    };
    let share = share_of(rewrite, script);
    let letters = rewrite.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 && expected.is_none() && word_count(source) < MIN_WORDS_FOR_RATIO {
        return pass();
    }
    let score = if needed > 0.0 {
        (share / (needed * 2.0)).min(1.0)
    } else {
        1.0
    };
    if share >= needed {
        return (score, true, Vec::new());
    }
    let actual = script_shares(rewrite)
        .first()
        .map_or_else(|| "no letters".to_owned(), |(s, _)| format!("mostly {s:?}"));
    let finding = format!(
        "the rewrite is in the wrong script ({actual}, {:.0}% {script:?}); write it in {script:?} like the source",
        share * 100.0
    );
    (score, false, vec![finding])
}

#[cfg(test)]
mod chatter_tests {
    use super::chatter_preamble;

    #[test]
    fn a_preamble_is_chatter_and_content_that_opens_alike_is_not() {
        let src = "Ownership moves values.";
        for chatter in [
            "Here is the rewritten text:\n\nOwnership...",
            "Sure! Here's a rewrite:\nOwnership...",
            "Of course.\n\nOwnership...",
            "以下是改写后的文本：\n所有权……",
        ] {
            assert!(chatter_preamble(src, chatter).is_some(), "{chatter}");
        }
        for content in [
            "Here is an example of ownership in action: a value moves.",
            "Here is an example.\n\nfn main() {}",
            "Sure enough, the compiler rejects the second use.",
        ] {
            assert!(chatter_preamble(src, content).is_none(), "{content}");
        }
        // The source itself opening so is never chatter.
        assert!(chatter_preamble("Here is the plan:\nstep", "Here is the plan:\nstep").is_none());
    }
}
