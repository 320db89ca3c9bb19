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

mod labels;

pub use labels::*;

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
mod tests;
