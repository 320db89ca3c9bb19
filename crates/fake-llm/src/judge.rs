//! A labelled fake judge: it answers the three judge prompts (the chat
//! claims prompt, the grounding checker's (document, claim) pair and the
//! whole-chunk verdict) from the labels of the fidelity suite's held-out
//! sets (`crates/rephrase/tests/fidelity_suite/set_*.toml`), wrong on a
//! chosen share of its answers, deterministically.
//!
//! # Truth
//!
//! Every rewrite the fake is shown is a faithful restyle of a labelled
//! source or one of its single-error variants (`restyle.text` with the
//! error's `find` replaced once by its `replace`). What is true is decided
//! here and nowhere else ([`JudgeLabels::label_supported`],
//! [`JudgeLabels::label_kept`], [`JudgeLabels::label_faithful`]); the fake
//! answers from it and `cargo xtask judge-eval` scores answers against it.
//! Texts are compared without their whitespace (the gate quotes a group of
//! sentences joined by spaces).
//!
//! - A **REWRITE claim** (is this rewrite sentence supported by the
//!   source?) is unsupported iff it carries the text an error inserted:
//!   some error of that source that inserts text (a `fabricate_*` or
//!   `alter_*` error with a non-empty `replace`; an omission only drops)
//!   has a variant that contains the claim, and no faithful restyle of the
//!   source contains it. A sentence of a variant that no faithful restyle
//!   has must overlap the inserted text, so this is "the claim contains
//!   inserted text" without guessing sentence boundaries. A claim the
//!   gate made of several sentences is unsupported when it is so as a
//!   whole or when one of its sentences is. It needs only the source and
//!   the claim, which is all a grounding checker is shown.
//! - A **SOURCE claim** (is this source sentence's content kept in the
//!   rewrite?) is unsupported iff the rewrite is a variant of an error that
//!   changes or drops content (`alter_*`, `omit_*`; a `fabricate_*` error
//!   adds and keeps everything) and the claim is a source sentence the
//!   error bears on. The source is cut into sentences (at `.`, `!`, `?`,
//!   `。`, `！`, `？`, and at line ends unless the next line goes on in lower
//!   case); the sentence an error bears on is the one sharing the most
//!   content tokens with its `find` text, each token weighted by one over
//!   the number of source sentences that have it, ties broken by the
//!   tokens (so weighted) shared with the restyle's sentences around
//!   `find` (content tokens: lower-cased words of three letters or more
//!   cut to five but for a few stop words, any word with a digit whole but
//!   for a lone digit, CJK characters as bigrams).
//!   For an omission, every sentence with at least two tokens, and at least
//!   half of its tokens, in the omitted text is borne on too: the omitted
//!   content is all of them. A
//!   claim is such a sentence when one contains the other, or else when it
//!   shares the larger share of its tokens (Jaccard) with it than with any
//!   other source sentence.
//! - A **whole chunk** is unfaithful iff the rewrite is an error variant.
//!
//! # Errors
//!
//! Whether an answer is wrong is decided by a hash of the seed and the
//! question (its side, the document a checker would be shown — the source
//! for REWRITE claims and whole chunks, the rewrite for SOURCE claims — the
//! rewrite for whole chunks, and the claim), so reruns agree and a question
//! asked in either format gets the same answer. A wrong answer is the
//! opposite of the truth.
//!
//! - `uniform:P`: every answer is wrong with probability `P`.
//! - `hard-case:P`: a question is *hard* when the truth is subtle: it is
//!   broken by an error carried by an ordinary `word` (not a number, name
//!   or identifier), or it holds but was raised by a polarity, modality,
//!   direction or entities suspicion (a paraphrase the gate could not tell
//!   from a change; for a whole chunk, a faithful restyle with such a
//!   suspicion). Which check raised a claim is not in the prompt: the
//!   harness says so with [`JudgeLabels::hint`]. With `h` the hard share of
//!   the questions a run asks ([`LabelledJudge::calibrate`]; 0.25 when not
//!   told), a hard question is wrong with probability `min(1, 0.8·P/h)` and
//!   an easy one with `(P − h·p_hard)/(1 − h)`: four fifths of the expected
//!   errors fall on hard questions, and the expected wrong rate is `P`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chunksynth_prompts::{ClaimInput, JudgeInput, Language, TemplateSet};
use serde::Deserialize;
use serde_json::json;

use crate::{FakeRequest, Reply};

/// One passage of a set, with its restyles.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledSource {
    /// The set file it came from (filled in by [`load_sets`]).
    #[serde(skip)]
    pub file: String,
    pub id: String,
    #[serde(default)]
    pub lang: Option<String>,
    pub text: String,
    #[serde(default, rename = "restyle")]
    pub restyles: Vec<LabelledRestyle>,
}

/// A faithful restyle and its single-error variants.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledRestyle {
    pub style: String,
    pub text: String,
    #[serde(default, rename = "error")]
    pub errors: Vec<PlantedError>,
}

/// One error planted in a restyle: `find` replaced once by `replace`.
#[derive(Debug, Clone, Deserialize)]
pub struct PlantedError {
    pub kind: String,
    /// `number`, `name`, `identifier` or `word`; older sets leave it out.
    #[serde(default)]
    pub carrier: Option<String>,
    pub find: String,
    pub replace: String,
    #[serde(default)]
    pub note: String,
}

impl PlantedError {
    /// What carries it (`word` where the set does not say).
    pub fn carrier(&self) -> &str {
        self.carrier.as_deref().unwrap_or("word")
    }

    /// The restyle with this error in it.
    pub fn variant(&self, restyle: &str) -> String {
        restyle.replacen(&self.find, &self.replace, 1)
    }

    /// Whether it puts text in (an omission only takes some out).
    fn inserts(&self) -> bool {
        !self.kind.starts_with("omit") && !self.replace.trim().is_empty()
    }

    /// Whether it changes or drops what a source sentence says (a
    /// fabrication adds and keeps everything).
    fn breaks_source(&self) -> bool {
        self.kind.starts_with("alter") || self.kind.starts_with("omit")
    }

    /// Subtle: carried by an ordinary word.
    fn subtle(&self) -> bool {
        self.carrier() == "word"
    }
}

#[derive(Deserialize)]
struct SetFile {
    source: Vec<LabelledSource>,
}

/// The fidelity suite's folder in this repository.
pub fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rephrase/tests/fidelity_suite")
}

/// The files a set name stands for: a letter `x` is `set_x_en_ru` and
/// `set_x_zh_ja`; anything else is one file's stem (`held_out_2`).
pub fn set_files(name: &str) -> Vec<String> {
    let name = name.trim();
    if name.len() == 1 && name.chars().all(|c| c.is_ascii_lowercase()) {
        vec![format!("set_{name}_en_ru"), format!("set_{name}_zh_ja")]
    } else {
        vec![name.to_owned()]
    }
}

/// The sources of the named sets, read from `dir`; every error's `find`
/// must occur exactly once in its restyle.
pub fn load_sets(dir: &Path, names: &[&str]) -> Result<Vec<LabelledSource>, String> {
    let mut out = Vec::new();
    for file in names.iter().flat_map(|n| set_files(n)) {
        let path = dir.join(format!("{file}.toml"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let set: SetFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for mut source in set.source {
            for restyle in &source.restyles {
                for error in &restyle.errors {
                    if restyle.text.matches(&error.find).count() != 1 {
                        return Err(format!(
                            "{file}/{}/{}: `find` must occur once in the restyle: {:?}",
                            source.id, restyle.style, error.find
                        ));
                    }
                }
            }
            source.file.clone_from(&file);
            out.push(source);
        }
    }
    Ok(out)
}

/// Which labelled text a rewrite is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewriteId {
    pub source: usize,
    pub restyle: usize,
    /// `None`: the faithful restyle.
    pub error: Option<usize>,
}

/// What the labels say about one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// The claim is supported (the chunk faithful).
    pub holds: bool,
    /// A hard question for the `hard-case` profile (see the module doc).
    pub hard: bool,
}

/// The checks whose suspicions are mostly paraphrases: a claim they raise
/// that holds is a hard question.
const PARAPHRASE_CHECKS: [&str; 4] = ["polarity", "modality", "direction", "entities"];

/// The labelled sets, indexed by the texts a judge is shown.
#[derive(Debug, Clone, Default)]
pub struct JudgeLabels {
    sources: Vec<LabelledSource>,
    by_source: HashMap<String, Vec<usize>>,
    by_rewrite: HashMap<String, RewriteId>,
    /// Per source, its sentences and their tokens.
    sentences: Vec<Vec<(String, HashSet<String>)>>,
    /// Per (source, restyle, error) of an error that breaks a source
    /// sentence: the indexes of the sentences it bears on.
    bearing: HashMap<(usize, usize, usize), Vec<usize>>,
    /// Which checks raised a text (a claim or a rewrite), from the harness.
    hints: HashMap<String, HashSet<String>>,
}

impl JudgeLabels {
    /// Indexes `sources` (see [`load_sets`]).
    pub fn new(sources: Vec<LabelledSource>) -> Self {
        let mut labels = Self {
            sources,
            ..Self::default()
        };
        for (s, source) in labels.sources.iter().enumerate() {
            labels.by_source.entry(norm(&source.text)).or_default().push(s);
            let sentences: Vec<(String, HashSet<String>)> = sentences(&source.text)
                .into_iter()
                .map(|t| (norm(t), tokens(t)))
                .filter(|(_, t)| !t.is_empty())
                .collect();
            for (r, restyle) in source.restyles.iter().enumerate() {
                let id = RewriteId {
                    source: s,
                    restyle: r,
                    error: None,
                };
                labels.by_rewrite.insert(norm(&restyle.text), id);
                for (e, error) in restyle.errors.iter().enumerate() {
                    let variant = error.variant(&restyle.text);
                    labels
                        .by_rewrite
                        .insert(norm(&variant), RewriteId { error: Some(e), ..id });
                    if error.breaks_source() {
                        labels
                            .bearing
                            .insert((s, r, e), borne_on(&sentences, &restyle.text, error));
                    }
                }
            }
            labels.sentences.push(sentences);
        }
        labels
    }

    /// Loads and indexes the named sets (see [`set_files`]).
    pub fn load(dir: &Path, names: &[&str]) -> Result<Self, String> {
        Ok(Self::new(load_sets(dir, names)?))
    }

    pub fn sources(&self) -> &[LabelledSource] {
        &self.sources
    }

    /// Records that `check` (a `CheckKind` name: `polarity`, …) raised a
    /// suspicion about `text`: a claim, or (for the whole-chunk judge) a
    /// rewrite. Only the `hard-case` profile reads it.
    pub fn hint(&mut self, text: &str, check: &str) {
        self.hints
            .entry(norm(text))
            .or_default()
            .insert(check.to_ascii_lowercase());
    }

    fn paraphrase_hinted(&self, text: &str) -> bool {
        self.hints
            .get(&norm(text))
            .is_some_and(|checks| PARAPHRASE_CHECKS.iter().any(|c| checks.contains(*c)))
    }

    /// Which labelled text `rewrite` is.
    pub fn rewrite_id(&self, rewrite: &str) -> Option<RewriteId> {
        self.by_rewrite.get(&norm(rewrite)).copied()
    }

    /// The error of a variant.
    pub fn error(&self, id: RewriteId) -> Option<&PlantedError> {
        Some(&self.sources[id.source].restyles[id.restyle].errors[id.error?])
    }

    /// Whether the source sentence or rewrite sentence `claim` is known in
    /// `document` as written (whitespace aside): what the truth rule can see.
    pub fn verbatim(document: &str, claim: &str) -> bool {
        norm(document).contains(&norm(claim))
    }

    /// A REWRITE claim against `source` (see the module doc); `None` when
    /// the source is not labelled.
    pub fn label_supported(&self, source: &str, claim: &str) -> Option<Label> {
        let indexes = self.by_source.get(&norm(source))?;
        let mut pieces = vec![norm(claim)];
        let split = sentences(claim);
        if split.len() > 1 {
            pieces.extend(split.into_iter().map(norm));
        }
        let breaking = indexes.iter().find_map(|&s| {
            let restyles = &self.sources[s].restyles;
            pieces.iter().find_map(|piece| {
                if restyles.iter().any(|r| norm(&r.text).contains(piece.as_str())) {
                    return None;
                }
                restyles
                    .iter()
                    .flat_map(|r| r.errors.iter().map(move |e| (r, e)))
                    .find(|(r, e)| e.inserts() && norm(&e.variant(&r.text)).contains(piece.as_str()))
                    .map(|(_, e)| e)
            })
        });
        Some(match breaking {
            Some(error) => Label {
                holds: false,
                hard: error.subtle(),
            },
            None => self.holding(claim),
        })
    }

    /// A SOURCE claim looked for in `rewrite` (see the module doc); `None`
    /// when the rewrite is not labelled.
    pub fn label_kept(&self, rewrite: &str, claim: &str) -> Option<Label> {
        let id = self.rewrite_id(rewrite)?;
        let Some(e) = id.error else {
            return Some(self.holding(claim));
        };
        let error = &self.sources[id.source].restyles[id.restyle].errors[e];
        let broken = self
            .bearing
            .get(&(id.source, id.restyle, e))
            .is_some_and(|borne| {
                let sentences = &self.sentences[id.source];
                claim_sentences(sentences, claim)
                    .iter()
                    .any(|i| borne.contains(i))
            });
        Some(if broken {
            Label {
                holds: false,
                hard: error.subtle(),
            }
        } else {
            self.holding(claim)
        })
    }

    /// A whole chunk: unfaithful iff an error variant; `None` when the
    /// rewrite is not labelled.
    pub fn label_faithful(&self, rewrite: &str) -> Option<Label> {
        let id = self.rewrite_id(rewrite)?;
        Some(match self.error(id) {
            Some(error) => Label {
                holds: false,
                hard: error.subtle(),
            },
            None => self.holding(rewrite),
        })
    }

    fn holding(&self, text: &str) -> Label {
        Label {
            holds: true,
            hard: self.paraphrase_hinted(text),
        }
    }

    /// The source sentences an error bears on (empty for a fabrication).
    pub fn borne_on(&self, id: RewriteId) -> Vec<&str> {
        let Some(e) = id.error else { return Vec::new() };
        self.bearing
            .get(&(id.source, id.restyle, e))
            .map(|b| {
                b.iter()
                    .map(|&i| self.sentences[id.source][i].0.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The text without its whitespace: the gate quotes a group of sentences
/// joined by a space ("。 "), and line breaks and indents of a rewrite are
/// layout, not content.
fn norm(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // kana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF)
}

/// Sentences: cut after `.`, `!` or `?` followed by a space, after `。`,
/// `！` or `？`, and at line ends, except where the next line goes on in
/// lower case (prose wrapped by hand, as docstrings are).
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let end = match c {
            '\n' => {
                let goes_on = text[i + 1..]
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase);
                (!goes_on).then_some(i)
            }
            '。' | '！' | '？' => Some(i + c.len_utf8()),
            '.' | '!' | '?' if next.is_none_or(char::is_whitespace) => Some(i + 1),
            _ => None,
        };
        if let Some(end) = end {
            let piece = text[start..end].trim();
            if !piece.is_empty() {
                out.push(piece);
            }
            start = end;
        }
    }
    let piece = text[start..].trim();
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

/// Words too common to tell sentences apart (negations too: "not" and
/// "don't" say the same).
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "that", "with", "this", "these", "those", "there", "their", "they", "them", "such",
    "are", "was", "were", "been", "being", "from", "its", "which", "who", "what", "when", "where", "into",
    "onto", "than", "then", "each", "can", "could", "has", "have", "had", "also", "but", "not", "don",
    "doesn", "didn", "isn", "aren", "won", "does", "did", "any", "all", "you", "your", "our", "one", "only",
    "very", "more", "most", "some", "other", "about", "over", "just", "will", "would", "что", "как", "для",
    "это", "или", "при", "его", "она", "они", "так", "уже",
];

/// Content tokens: lower-cased words of three letters or more, not stop
/// words, cut to five characters (inflections aside); words with a digit
/// whole (a lone digit dropped); CJK runs as character bigrams (a lone
/// character as itself).
fn tokens(text: &str) -> HashSet<String> {
    fn flush_word(word: &mut String, out: &mut HashSet<String>) {
        let n = word.chars().count();
        if word.chars().any(|c| c.is_ascii_digit()) {
            // A lone digit is a list's number more often than a fact.
            if n > 1 {
                out.insert(word.clone());
            }
        } else if n >= 3 && !STOP_WORDS.contains(&word.as_str()) {
            out.insert(word.chars().take(5).collect());
        }
        word.clear();
    }
    fn flush_run(run: &mut Vec<char>, out: &mut HashSet<String>) {
        if run.len() == 1 {
            out.insert(run[0].to_string());
        }
        for pair in run.windows(2) {
            out.insert(pair.iter().collect());
        }
        run.clear();
    }
    let mut out = HashSet::new();
    let (mut word, mut run) = (String::new(), Vec::new());
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut out);
            flush_run(&mut run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_run(&mut run, &mut out);
    out
}

/// The restyle's sentences around an error's `find` (from the sentence
/// boundary before it to the one after it).
fn context<'a>(restyle: &'a str, find: &'a str) -> &'a str {
    let Some(at) = restyle.find(find) else { return find };
    let end_of_find = at + find.len();
    let boundary = |c: char| matches!(c, '\n' | '.' | '!' | '?' | '。' | '！' | '？');
    let start = restyle[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| boundary(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = restyle[end_of_find..]
        .find(boundary)
        .map_or(restyle.len(), |i| end_of_find + i);
    &restyle[start..end]
}

fn shared(a: &HashSet<String>, b: &HashSet<String>) -> usize {
    a.intersection(b).count()
}

/// The sentences an error that changes or drops content bears on (see the
/// module doc). Tokens count by their rarity among the source's sentences,
/// so the word that makes a sentence itself outweighs the passage's topic.
fn borne_on(sentences: &[(String, HashSet<String>)], restyle: &str, error: &PlantedError) -> Vec<usize> {
    let weight = |token: &String| {
        let n = sentences.iter().filter(|(_, t)| t.contains(token)).count();
        1.0 / n.max(1) as f64
    };
    let find = tokens(&error.find);
    let around = tokens(context(restyle, &error.find));
    let score = |t: &HashSet<String>| {
        let of_find: f64 = t.intersection(&find).map(weight).sum();
        let of_context: f64 = t.intersection(&around).map(weight).sum();
        (of_find, of_context)
    };
    let mut best: Option<((f64, f64), usize)> = None;
    for (i, (_, t)) in sentences.iter().enumerate() {
        let s = score(t);
        if s.0 + s.1 > 0.0 && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, i));
        }
    }
    let mut out: Vec<usize> = best.map(|(_, i)| i).into_iter().collect();
    if error.kind.starts_with("omit") {
        for (i, (_, t)) in sentences.iter().enumerate() {
            let n = shared(t, &find);
            if !out.contains(&i) && n >= 2 && 2 * n >= t.len() {
                out.push(i);
            }
        }
    }
    out
}

/// The source sentences a claim stands for: those it contains or that
/// contain it, else the one sharing the largest share of tokens with it.
fn claim_sentences(sentences: &[(String, HashSet<String>)], claim: &str) -> Vec<usize> {
    let claim_norm = norm(claim);
    let overlapping: Vec<usize> = sentences
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.contains(&claim_norm) || claim_norm.contains(s.as_str()))
        .map(|(i, _)| i)
        .collect();
    if !overlapping.is_empty() {
        return overlapping;
    }
    let claim = tokens(claim);
    let jaccard = |t: &HashSet<String>| {
        let union = claim.union(t).count();
        if union == 0 {
            0.0
        } else {
            shared(&claim, t) as f64 / union as f64
        }
    };
    sentences
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (jaccard(t), i))
        .filter(|&(j, _)| j > 0.0)
        .fold(None, |best: Option<(f64, usize)>, (j, i)| match best {
            Some((b, _)) if b >= j => best,
            _ => Some((j, i)),
        })
        .map(|(_, i)| vec![i])
        .unwrap_or_default()
}

/// How often the fake answers wrong.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ErrorProfile {
    /// Every answer wrong with this probability.
    Uniform(f64),
    /// Wrong mostly on hard questions, this share overall (module doc).
    HardCase(f64),
}

impl ErrorProfile {
    /// The asked wrong rate.
    pub fn rate(self) -> f64 {
        match self {
            Self::Uniform(p) | Self::HardCase(p) => p,
        }
    }

    /// `uniform:P`, `hard-case:P` or `perfect` (`uniform:0`).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "perfect" {
            return Ok(Self::Uniform(0.0));
        }
        let (name, rate) = text
            .split_once(':')
            .ok_or_else(|| format!("a fake judge's profile is uniform:P or hard-case:P, not {text:?}"))?;
        let p: f64 = rate
            .parse()
            .ok()
            .filter(|p| (0.0..=1.0).contains(p))
            .ok_or_else(|| format!("{text:?}: P must be a number from 0 to 1"))?;
        match name {
            "uniform" => Ok(Self::Uniform(p)),
            "hard-case" | "hard" => Ok(Self::HardCase(p)),
            _ => Err(format!("unknown profile {name:?}: uniform or hard-case")),
        }
    }
}

impl std::fmt::Display for ErrorProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Uniform(p) => write!(f, "uniform:{p}"),
            Self::HardCase(p) => write!(f, "hard-case:{p}"),
        }
    }
}

/// Which way a question is asked, for the hash and the labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked<'a> {
    /// A rewrite sentence against its source.
    Supported { source: &'a str, claim: &'a str },
    /// A source sentence looked for in a rewrite.
    Kept { rewrite: &'a str, claim: &'a str },
    /// A whole chunk.
    Chunk { source: &'a str, rewrite: &'a str },
}

/// What the fake has answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JudgeStats {
    /// Questions answered (a chat call answers several).
    pub answered: u64,
    /// Of them, answered against the labels.
    pub wrong: u64,
    /// Requests it could not read or whose texts are not labelled
    /// (answered with a 400).
    pub unknown: u64,
}

/// The labelled fake judge: [`LabelledJudge::reply`] is a script for
/// [`crate::FakeLlm::start_with`].
#[derive(Debug)]
pub struct LabelledJudge {
    labels: Arc<JudgeLabels>,
    profile: ErrorProfile,
    seed: u64,
    hard_share: f64,
    forms: Forms,
    answered: AtomicU64,
    wrong: AtomicU64,
    unknown: AtomicU64,
}

impl LabelledJudge {
    pub fn new(labels: Arc<JudgeLabels>, profile: ErrorProfile, seed: u64) -> Self {
        Self {
            labels,
            profile,
            seed,
            hard_share: 0.25,
            forms: Forms::new(),
            answered: AtomicU64::new(0),
            wrong: AtomicU64::new(0),
            unknown: AtomicU64::new(0),
        }
    }

    /// Tells a `hard-case` judge the hard share of the questions the run
    /// will ask (`hard / total`), so its overall wrong rate comes out at P.
    pub fn calibrate(&mut self, hard: usize, total: usize) {
        if total > 0 {
            self.hard_share = hard as f64 / total as f64;
        }
    }

    pub fn labels(&self) -> &JudgeLabels {
        &self.labels
    }

    pub fn stats(&self) -> JudgeStats {
        JudgeStats {
            answered: self.answered.load(Ordering::Relaxed),
            wrong: self.wrong.load(Ordering::Relaxed),
            unknown: self.unknown.load(Ordering::Relaxed),
        }
    }

    /// The truth about a question (`None`: not labelled).
    pub fn label(&self, asked: Asked<'_>) -> Option<Label> {
        match asked {
            Asked::Supported { source, claim } => self.labels.label_supported(source, claim),
            Asked::Kept { rewrite, claim } => self.labels.label_kept(rewrite, claim),
            Asked::Chunk { rewrite, .. } => self.labels.label_faithful(rewrite),
        }
    }

    /// The probability of a wrong answer to a question of this hardness.
    pub fn wrong_probability(&self, hard: bool) -> f64 {
        match self.profile {
            ErrorProfile::Uniform(p) => p,
            ErrorProfile::HardCase(p) => {
                let h = self.hard_share;
                if h <= 0.0 {
                    return p;
                }
                if h >= 1.0 {
                    return p.min(1.0);
                }
                let p_hard = (0.8 * p / h).min(1.0);
                if hard {
                    p_hard
                } else {
                    ((p - h * p_hard) / (1.0 - h)).clamp(0.0, 1.0)
                }
            }
        }
    }

    /// The fake's answer to a question: the truth, or its opposite where
    /// the hash says so. `None`: not labelled.
    pub fn answer(&self, asked: Asked<'_>) -> Option<bool> {
        let label = self.label(asked)?;
        let wrong = unit_hash(self.seed, asked) < self.wrong_probability(label.hard);
        self.answered.fetch_add(1, Ordering::Relaxed);
        if wrong {
            self.wrong.fetch_add(1, Ordering::Relaxed);
        }
        Some(label.holds != wrong)
    }

    /// The answer to a judge request, in the form it was asked.
    pub fn reply(&self, request: &FakeRequest) -> Reply {
        match self.reply_to(request) {
            Some(text) => Reply::Text(text),
            None => {
                self.unknown.fetch_add(1, Ordering::Relaxed);
                Reply::error(
                    400,
                    "the labelled fake judge cannot read this prompt or does not know its texts",
                    "unknown_prompt",
                )
            }
        }
    }

    fn reply_to(&self, request: &FakeRequest) -> Option<String> {
        let messages = request.body["messages"].as_array()?;
        let content = |role: &str| {
            messages
                .iter()
                .find(|m| m["role"] == role)
                .and_then(|m| m["content"].as_str())
        };
        // The first user message: a retry appends to it.
        let user = content("user")?;
        if content("system") == Some(self.forms.check_system.as_str()) {
            let (document, claim) = self.forms.check_user.split(user)?;
            let asked = if self.labels.by_source.contains_key(&norm(document)) {
                Asked::Supported {
                    source: document,
                    claim,
                }
            } else {
                Asked::Kept {
                    rewrite: document,
                    claim,
                }
            };
            let supported = self.answer(asked)?;
            return Some(if supported { "Yes" } else { "No" }.to_owned());
        }
        if let Some((source, rewrite, claims)) = self.forms.claims.split3(user) {
            let claims = parse_claims(claims)?;
            let askeds: Vec<Asked<'_>> = claims
                .iter()
                .map(|&(kept, claim)| {
                    if kept {
                        Asked::Kept { rewrite, claim }
                    } else {
                        Asked::Supported { source, claim }
                    }
                })
                .collect();
            // Every claim labelled before any is counted.
            if askeds.iter().any(|&a| self.label(a).is_none()) {
                return None;
            }
            let verdicts: Vec<serde_json::Value> = askeds
                .into_iter()
                .enumerate()
                .map(|(i, asked)| {
                    let supported = self.answer(asked).unwrap_or(true);
                    json!({"claim": i + 1, "supported": supported, "source_evidence": "", "rewrite_evidence": ""})
                })
                .collect();
            return Some(json!({ "verdicts": verdicts }).to_string());
        }
        let (source, rewrite) = self.forms.whole.split(user)?;
        let faithful = self.answer(Asked::Chunk { source, rewrite })?;
        let problems: Vec<&str> = if faithful {
            Vec::new()
        } else {
            vec!["the rewrite changes, adds or drops a fact of the source"]
        };
        Some(json!({"faithful": faithful, "problems": problems}).to_string())
    }
}

/// FNV-1a over the seed and the question, finished with SplitMix64, as a
/// number in [0, 1): the same on every machine and every run.
fn unit_hash(seed: u64, asked: Asked<'_>) -> f64 {
    let (tag, document, claim) = match asked {
        Asked::Supported { source, claim } => (b'S', source, claim),
        Asked::Kept { rewrite, claim } => (b'K', rewrite, claim),
        Asked::Chunk { source, rewrite } => (b'C', source, rewrite),
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(&seed.to_le_bytes());
    eat(&[tag]);
    eat(norm(document).as_bytes());
    eat(&[0xff]);
    eat(norm(claim).as_bytes());
    let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// A template's literal text around its slots, learnt by rendering it with
/// markers in the slots (so a reworded template is still read).
#[derive(Debug, Clone)]
struct Shape {
    pieces: Vec<String>,
}

const MARKS: [&str; 3] = ["\u{e000}", "\u{e001}", "\u{e002}"];

impl Shape {
    fn of(rendered: &str, slots: usize) -> Self {
        let mut pieces = Vec::new();
        let mut rest = rendered;
        for mark in &MARKS[..slots] {
            let (before, after) = rest.split_once(mark).unwrap_or((rest, ""));
            pieces.push(before.to_owned());
            rest = after;
        }
        pieces.push(rest.to_owned());
        Self { pieces }
    }

    /// The slots' values in `text` (each the text up to the first
    /// occurrence of the next piece; the last up to the final piece).
    fn values<'a>(&self, text: &'a str) -> Option<Vec<&'a str>> {
        let last = self.pieces.len() - 1;
        let mut rest = text
            .strip_prefix(self.pieces[0].as_str())?
            .strip_suffix(self.pieces[last].as_str())?;
        let mut out = Vec::new();
        for piece in &self.pieces[1..last] {
            let (value, after) = rest.split_once(piece.as_str())?;
            out.push(value);
            rest = after;
        }
        out.push(rest);
        Some(out)
    }

    fn split<'a>(&self, text: &'a str) -> Option<(&'a str, &'a str)> {
        match self.values(text)?.as_slice() {
            [a, b] => Some((a, b)),
            _ => None,
        }
    }

    fn split3<'a>(&self, text: &'a str) -> Option<(&'a str, &'a str, &'a str)> {
        match self.values(text)?.as_slice() {
            [a, b, c] => Some((a, b, c)),
            _ => None,
        }
    }
}

/// The three judge prompts' shapes (English templates, as the pipeline's
/// judges use by default).
#[derive(Debug, Clone)]
struct Forms {
    /// Source, rewrite, the claims list.
    claims: Shape,
    /// Document, claim.
    check_user: Shape,
    check_system: String,
    /// Source, rewrite.
    whole: Shape,
}

impl Forms {
    fn new() -> Self {
        let templates = TemplateSet::defaults(Language::En);
        let last = |p: &chunksynth_prompts::RenderedPrompt| {
            p.messages.last().map(|m| m.content.clone()).unwrap_or_default()
        };
        let claims = last(&templates.judge_claims(MARKS[0], MARKS[1], &[ClaimInput::Supported("x")]));
        // The list is rendered by code ("1. REWRITE: x"), not the template.
        let claims = claims.replacen("1. REWRITE: x", MARKS[2], 1);
        let check = templates.claim_check(MARKS[0], MARKS[1]);
        let whole = last(&templates.judge(&JudgeInput {
            source: MARKS[0],
            rewrite: MARKS[1],
        }));
        Self {
            claims: Shape::of(&claims, 3),
            check_user: Shape::of(&last(&check), 2),
            check_system: check
                .messages
                .first()
                .map(|m| m.content.clone())
                .unwrap_or_default(),
            whole: Shape::of(&whole, 2),
        }
    }
}

/// The numbered claims of a chat claims prompt: (is a SOURCE claim, text).
fn parse_claims(list: &str) -> Option<Vec<(bool, &str)>> {
    let marker = |n: usize, text: &str| -> Option<(bool, usize)> {
        if text.starts_with(&format!("{n}. REWRITE: ")) {
            Some((false, format!("{n}. REWRITE: ").len()))
        } else if text.starts_with(&format!("{n}. SOURCE: ")) {
            Some((true, format!("{n}. SOURCE: ").len()))
        } else {
            None
        }
    };
    let mut out = Vec::new();
    let mut rest = list;
    let mut n = 1;
    while !rest.is_empty() {
        let (kept, skip) = marker(n, rest)?;
        rest = &rest[skip..];
        let next = [
            format!("\n{}. REWRITE: ", n + 1),
            format!("\n{}. SOURCE: ", n + 1),
        ]
        .iter()
        .filter_map(|m| rest.find(m.as_str()))
        .min()
        .unwrap_or(rest.len());
        out.push((kept, &rest[..next]));
        rest = rest[next..].strip_prefix('\n').unwrap_or(&rest[next..]);
        n += 1;
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "The cache holds 16 entries. Entries are evicted in order of age. \
                          The oldest entry always goes first.";
    const RESTYLE: &str = "The cache has room for 16 entries. When it is full, entries leave by age: \
                           the oldest one is always the first to go.";

    fn labels() -> JudgeLabels {
        let errors = vec![
            PlantedError {
                kind: "alter_number".to_owned(),
                carrier: Some("number".to_owned()),
                find: "16 entries".to_owned(),
                replace: "32 entries".to_owned(),
                note: String::new(),
            },
            PlantedError {
                kind: "alter_modality".to_owned(),
                carrier: Some("word".to_owned()),
                find: "is always the first".to_owned(),
                replace: "is usually the first".to_owned(),
                note: String::new(),
            },
            PlantedError {
                kind: "fabricate_claim".to_owned(),
                carrier: Some("word".to_owned()),
                find: "room for 16 entries.".to_owned(),
                replace: "room for 16 entries. It was designed in Oslo.".to_owned(),
                note: String::new(),
            },
            PlantedError {
                kind: "omit_plain".to_owned(),
                carrier: Some("word".to_owned()),
                find: " When it is full, entries leave by age: the oldest one is always the first to go."
                    .to_owned(),
                replace: String::new(),
                note: String::new(),
            },
        ];
        JudgeLabels::new(vec![LabelledSource {
            file: "test".to_owned(),
            id: "cache".to_owned(),
            lang: Some("en".to_owned()),
            text: SOURCE.to_owned(),
            restyles: vec![LabelledRestyle {
                style: "textbook".to_owned(),
                text: RESTYLE.to_owned(),
                errors,
            }],
        }])
    }

    fn variant(labels: &JudgeLabels, e: usize) -> String {
        let r = &labels.sources()[0].restyles[0];
        r.errors[e].variant(&r.text)
    }

    #[test]
    fn a_rewrite_claim_is_unsupported_iff_it_carries_inserted_text() {
        let l = labels();
        let holds = |claim: &str| l.label_supported(SOURCE, claim).map(|x| x.holds);
        assert_eq!(holds("The cache has room for 32 entries."), Some(false));
        assert_eq!(holds("the oldest one is usually the first to go."), Some(false));
        assert_eq!(holds("It was designed in Oslo."), Some(false));
        // Sentences every variant shares with the faithful restyle hold.
        assert_eq!(holds("The cache has room for 16 entries."), Some(true));
        assert_eq!(holds("When it is full, entries leave by age:"), Some(true));
        // Whitespace aside.
        assert_eq!(holds("The cache  has room\nfor 32 entries."), Some(false));
        // A group of sentences the gate quotes together, one of them broken.
        assert_eq!(
            holds("The cache has room for 16 entries. It was designed in Oslo. Later."),
            Some(false)
        );
        assert_eq!(
            holds("The cache has room for 16 entries. When it is full, entries leave by age:"),
            Some(true)
        );
        assert_eq!(l.label_supported("another source", "x"), None);
        // A word-carried error is hard; a number-carried one is not.
        assert!(l.label_supported(SOURCE, "usually the first").unwrap().hard);
        assert!(!l.label_supported(SOURCE, "room for 32").unwrap().hard);
    }

    #[test]
    fn a_source_claim_is_unsupported_iff_the_variant_breaks_the_sentence_it_is() {
        let l = labels();
        let kept = |e: Option<usize>, claim: &str| {
            let rewrite = e.map_or_else(|| RESTYLE.to_owned(), |e| variant(&l, e));
            l.label_kept(&rewrite, claim).map(|x| x.holds)
        };
        let (first, last) = (
            "The cache holds 16 entries.",
            "The oldest entry always goes first.",
        );
        assert_eq!(kept(None, first), Some(true));
        assert_eq!(kept(Some(0), first), Some(false));
        assert_eq!(kept(Some(0), last), Some(true));
        assert_eq!(kept(Some(1), last), Some(false));
        assert_eq!(kept(Some(1), first), Some(true));
        // A fabrication keeps every source sentence.
        assert_eq!(kept(Some(2), first), Some(true));
        // An omission breaks every sentence it dropped.
        assert_eq!(kept(Some(3), last), Some(false));
        assert_eq!(kept(Some(3), "Entries are evicted in order of age."), Some(false));
        assert_eq!(kept(Some(3), first), Some(true));
        // A claim cut differently still maps to its sentence.
        assert_eq!(kept(Some(1), "oldest entry always goes first"), Some(false));
        assert_eq!(l.label_kept("not a labelled rewrite", first), None);
    }

    #[test]
    fn a_whole_chunk_is_unfaithful_iff_it_is_a_variant() {
        let l = labels();
        assert_eq!(l.label_faithful(RESTYLE).map(|x| x.holds), Some(true));
        for e in 0..4 {
            assert_eq!(l.label_faithful(&variant(&l, e)).map(|x| x.holds), Some(false));
        }
    }

    #[test]
    fn hints_make_holding_paraphrases_hard() {
        let mut l = labels();
        let claim = "the oldest one is always the first to go.";
        assert!(!l.label_supported(SOURCE, claim).unwrap().hard);
        l.hint(claim, "modality");
        assert!(l.label_supported(SOURCE, claim).unwrap().hard);
        l.hint(RESTYLE, "addition");
        assert!(!l.label_faithful(RESTYLE).unwrap().hard);
        l.hint(RESTYLE, "Polarity");
        assert!(l.label_faithful(RESTYLE).unwrap().hard);
    }

    #[test]
    fn errors_are_deterministic_and_near_the_asked_rate() {
        let l = Arc::new(labels());
        let claims: Vec<String> = (0..4000).map(|i| format!("claim number {i}")).collect();
        let run = |seed| {
            let judge = LabelledJudge::new(l.clone(), ErrorProfile::Uniform(0.2), seed);
            let answers: Vec<bool> = claims
                .iter()
                .map(|c| {
                    judge
                        .answer(Asked::Supported {
                            source: SOURCE,
                            claim: c,
                        })
                        .unwrap()
                })
                .collect();
            (answers, judge.stats())
        };
        let (a, stats) = run(7);
        assert_eq!(a, run(7).0);
        assert_ne!(a, run(8).0);
        let rate = stats.wrong as f64 / stats.answered as f64;
        assert!((rate - 0.2).abs() < 0.03, "{rate}");
        // All these claims hold, so a wrong answer is "unsupported".
        assert_eq!(a.iter().filter(|s| !**s).count() as u64, stats.wrong);
    }

    #[test]
    fn hard_case_puts_most_errors_on_hard_questions_at_the_asked_rate() {
        let mut judge = LabelledJudge::new(Arc::new(labels()), ErrorProfile::HardCase(0.1), 1);
        judge.calibrate(20, 100);
        let (hard, easy) = (judge.wrong_probability(true), judge.wrong_probability(false));
        assert!((hard - 0.4).abs() < 1e-9);
        assert!((0.2 * hard + 0.8 * easy - 0.1).abs() < 1e-9);
        judge.calibrate(5, 100);
        assert_eq!(judge.wrong_probability(true), 1.0);
        assert!((0.05 + 0.95 * judge.wrong_probability(false) - 0.1).abs() < 1e-9);
    }

    #[test]
    fn profiles_parse() {
        assert_eq!(ErrorProfile::parse("uniform:0.1"), Ok(ErrorProfile::Uniform(0.1)));
        assert_eq!(
            ErrorProfile::parse("hard-case:0.2"),
            Ok(ErrorProfile::HardCase(0.2))
        );
        assert_eq!(ErrorProfile::parse("perfect"), Ok(ErrorProfile::Uniform(0.0)));
        assert!(ErrorProfile::parse("uniform:2").is_err());
        assert!(ErrorProfile::parse("sometimes:0.1").is_err());
    }

    fn request(messages: serde_json::Value) -> FakeRequest {
        FakeRequest {
            index: 0,
            body: json!({"model": "m", "messages": messages}),
            authorization: None,
        }
    }

    #[test]
    fn the_three_prompt_forms_are_read_and_answered_from_the_labels() {
        let judge = LabelledJudge::new(Arc::new(labels()), ErrorProfile::Uniform(0.0), 1);
        let templates = TemplateSet::defaults(Language::En);
        let text = |reply: Reply| match reply {
            Reply::Text(t) => t,
            other => panic!("{other:?}"),
        };
        let bad = variant(judge.labels(), 1);
        let claims = templates.judge_claims(
            SOURCE,
            &bad,
            &[
                ClaimInput::Supported("The cache has room for 16 entries."),
                ClaimInput::Kept("The oldest entry always goes first."),
                ClaimInput::Supported("the oldest one is usually the first to go."),
            ],
        );
        let messages: Vec<serde_json::Value> = claims
            .messages
            .iter()
            .map(|m| json!({"role": "user", "content": m.content}))
            .collect();
        let answer: serde_json::Value =
            serde_json::from_str(&text(judge.reply(&request(json!(messages))))).unwrap();
        let supported: Vec<bool> = answer["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["supported"].as_bool().unwrap())
            .collect();
        assert_eq!(supported, [true, false, false]);

        let check = templates.claim_check(SOURCE, "The cache has room for 32 entries.");
        let pair = json!([
            {"role": "system", "content": check.messages[0].content},
            {"role": "user", "content": check.messages[1].content},
        ]);
        assert_eq!(text(judge.reply(&request(pair))), "No");
        let check = templates.claim_check(&bad, "The cache holds 16 entries.");
        let pair = json!([
            {"role": "system", "content": check.messages[0].content},
            {"role": "user", "content": check.messages[1].content},
        ]);
        assert_eq!(text(judge.reply(&request(pair))), "Yes");

        let whole = templates.judge(&JudgeInput {
            source: SOURCE,
            rewrite: &bad,
        });
        let messages = json!([{"role": "user", "content": whole.messages[0].content}]);
        let answer: serde_json::Value = serde_json::from_str(&text(judge.reply(&request(messages)))).unwrap();
        assert_eq!(answer["faithful"], false);

        let unknown = json!([{"role": "user", "content": "Write a poem."}]);
        assert!(matches!(
            judge.reply(&request(unknown)),
            Reply::Status { status: 400, .. }
        ));
        assert_eq!(
            judge.stats(),
            JudgeStats {
                answered: 6,
                wrong: 0,
                unknown: 1
            }
        );
    }

    #[test]
    fn the_suite_sets_load_and_every_rewrite_is_indexed() {
        let labels = JudgeLabels::load(&suite_dir(), &["a"]).unwrap();
        let sources = labels.sources();
        assert_eq!(sources.len(), 16);
        for source in sources {
            for restyle in &source.restyles {
                assert!(labels.label_faithful(&restyle.text).unwrap().holds);
                for error in &restyle.errors {
                    assert!(
                        !labels
                            .label_faithful(&error.variant(&restyle.text))
                            .unwrap()
                            .holds
                    );
                }
            }
        }
    }

    #[test]
    fn claims_lists_are_read_whatever_their_claims_hold() {
        assert_eq!(
            parse_claims("1. REWRITE: a\nb\n2. SOURCE: c. 3. d"),
            Some(vec![(false, "a\nb"), (true, "c. 3. d")])
        );
        assert_eq!(parse_claims("2. REWRITE: a"), None);
    }
}
