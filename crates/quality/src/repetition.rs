//! Repetition: Gopher's rules (Rae et al. 2021, as implemented in datatrove's
//! `GopherRepetitionFilter`), rep-n and distinct-n (Welleck et al. 2019), and
//! the similarity of adjacent sections.

// FxHash: n-gram tables over every document; SipHash's DoS resistance buys
// nothing here.
use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

use crate::text::{lines, paragraphs, words};

/// Gopher's thresholds: a document fails a rule when its value exceeds it.
pub const DUP_LINE_FRAC: f64 = 0.30;
/// Duplicated paragraphs, as a share of paragraphs.
pub const DUP_PARA_FRAC: f64 = 0.30;
/// Characters in duplicated lines.
pub const DUP_LINE_CHAR_FRAC: f64 = 0.20;
/// Characters in duplicated paragraphs.
pub const DUP_PARA_CHAR_FRAC: f64 = 0.20;
/// Per n: characters of the most frequent n-gram.
pub const TOP_NGRAM_CHAR_FRAC: [(usize, f64); 3] = [(2, 0.20), (3, 0.18), (4, 0.16)];
/// Per n: characters in duplicated n-grams.
pub const DUP_NGRAM_CHAR_FRAC: [(usize, f64); 6] =
    [(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)];

/// Measured values of every Gopher repetition rule, and which failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GopherRepetition {
    /// Duplicated lines, as a share of lines.
    pub dup_line_frac: f64,
    /// Duplicated paragraphs, as a share of paragraphs.
    pub dup_para_frac: f64,
    /// Characters in duplicated lines, as a share of all.
    pub dup_line_char_frac: f64,
    /// Characters in duplicated paragraphs, as a share of all.
    pub dup_para_char_frac: f64,
    /// (n, character share of the most frequent n-gram × its count)
    pub top_ngram_char_frac: Vec<(usize, f64)>,
    /// (n, character share of duplicated n-grams, counted without overlap)
    pub dup_ngram_char_frac: Vec<(usize, f64)>,
    /// The rules that failed, e.g. `dup_line_frac 0.42 > 0.30`.
    pub failures: Vec<String>,
}

impl GopherRepetition {
    /// No rule failed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// (number of duplicate elements, characters in them): an element is a
/// duplicate when an equal one came before.
fn find_duplicates(items: &[&str]) -> (usize, usize) {
    let mut seen = FxHashSet::default();
    let (mut elements, mut chars) = (0, 0);
    for item in items {
        if !seen.insert(*item) {
            elements += 1;
            chars += item.chars().count();
        }
    }
    (elements, chars)
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Characters of the most frequent n-gram (words joined by a space) times its
/// count.
fn top_ngram_chars(ws: &[&str], n: usize) -> usize {
    if ws.len() < n {
        return 0;
    }
    let mut counts: FxHashMap<&[&str], usize> = FxHashMap::default();
    for gram in ws.windows(n) {
        *counts.entry(gram).or_default() += 1;
    }
    // Ties: the first n-gram to reach the top count, as Python's Counter does.
    let mut best: Option<(&[&str], usize)> = None;
    for gram in ws.windows(n) {
        let c = counts[gram];
        if best.is_none_or(|(_, b)| c > b) {
            best = Some((gram, c));
        }
    }
    best.map_or(0, |(gram, count)| {
        let len: usize = gram.iter().map(|w| char_len(w)).sum::<usize>() + (n - 1);
        len * count
    })
}

/// Characters in duplicated n-grams (words joined without a space), counted
/// without overlap: after a duplicate, skip past it.
fn duplicated_ngram_chars(ws: &[&str], n: usize) -> usize {
    let mut seen: FxHashSet<&[&str]> = FxHashSet::default();
    let mut repeated = 0;
    let mut i = 0;
    while i + n <= ws.len() {
        let gram = &ws[i..i + n];
        if seen.contains(gram) {
            repeated += gram.iter().map(|w| char_len(w)).sum::<usize>();
            i += n;
        } else {
            seen.insert(gram);
            i += 1;
        }
    }
    repeated
}

/// Measures every Gopher repetition rule on `text`.
pub fn gopher_repetition(text: &str) -> GopherRepetition {
    let total = char_len(text).max(1) as f64;
    let mut failures = Vec::new();
    let mut rule = |name: &str, value: f64, limit: f64| {
        if value > limit {
            failures.push(format!("{name} {value:.2} > {limit:.2}"));
        }
        value
    };
    let paras = paragraphs(text);
    let (dup_paras, dup_para_chars) = find_duplicates(&paras);
    let dup_para_frac = rule(
        "dup_para_frac",
        dup_paras as f64 / paras.len().max(1) as f64,
        DUP_PARA_FRAC,
    );
    let dup_para_char_frac = rule(
        "dup_para_char_frac",
        dup_para_chars as f64 / total,
        DUP_PARA_CHAR_FRAC,
    );
    let ls = lines(text);
    let (dup_lines, dup_line_chars) = find_duplicates(&ls);
    let dup_line_frac = rule(
        "dup_line_frac",
        dup_lines as f64 / ls.len().max(1) as f64,
        DUP_LINE_FRAC,
    );
    let dup_line_char_frac = rule(
        "dup_line_char_frac",
        dup_line_chars as f64 / total,
        DUP_LINE_CHAR_FRAC,
    );
    let ws = words(text);
    let top_ngram_char_frac = TOP_NGRAM_CHAR_FRAC
        .iter()
        .map(|&(n, limit)| {
            (
                n,
                rule(
                    &format!("top_{n}_gram_char_frac"),
                    top_ngram_chars(&ws, n) as f64 / total,
                    limit,
                ),
            )
        })
        .collect();
    let dup_ngram_char_frac = DUP_NGRAM_CHAR_FRAC
        .iter()
        .map(|&(n, limit)| {
            (
                n,
                rule(
                    &format!("dup_{n}_gram_char_frac"),
                    duplicated_ngram_chars(&ws, n) as f64 / total,
                    limit,
                ),
            )
        })
        .collect();
    GopherRepetition {
        dup_line_frac,
        dup_para_frac,
        dup_line_char_frac,
        dup_para_char_frac,
        top_ngram_char_frac,
        dup_ngram_char_frac,
        failures,
    }
}

/// distinct-n: unique n-grams / all n-grams of the words (1.0 when none).
pub fn distinct_n(text: &str, n: usize) -> f64 {
    let ws = lower_words(text);
    if n == 0 || ws.len() < n {
        return 1.0;
    }
    let grams: Vec<&[String]> = ws.windows(n).collect();
    let unique: FxHashSet<&[String]> = grams.iter().copied().collect();
    unique.len() as f64 / grams.len() as f64
}

/// rep-n: 1 − distinct-n.
pub fn rep_n(text: &str, n: usize) -> f64 {
    1.0 - distinct_n(text, n)
}

fn lower_words(text: &str) -> Vec<String> {
    words(text).into_iter().map(str::to_lowercase).collect()
}

/// Jaccard similarity of the word `n`-gram sets of two texts (0 when both
/// are too short to have any).
pub fn shingle_similarity(a: &str, b: &str, n: usize) -> f64 {
    let (wa, wb) = (lower_words(a), lower_words(b));
    let sa: FxHashSet<&[String]> = wa.windows(n.max(1)).collect();
    let sb: FxHashSet<&[String]> = wb.windows(n.max(1)).collect();
    let union = sa.union(&sb).count();
    if union == 0 {
        return 0.0;
    }
    sa.intersection(&sb).count() as f64 / union as f64
}

/// Similarity of each section to the next (word trigram Jaccard).
pub fn adjacent_similarity(sections: &[&str]) -> Vec<f64> {
    sections
        .windows(2)
        .map(|w| shingle_similarity(w[0], w[1], 3))
        .collect()
}

/// Word shingle size for repeated sentences: 4 words, or 8 characters of
/// CJK text (where every character is a word and 4 would match set
/// phrases like 丝绸之路).
const SHINGLE_WORDS: usize = 4;
const SHINGLE_CJK: usize = 8;
/// Sentences shorter than this (words; CJK characters count one each, and
/// twice this many are needed) are never called repeats: short ones recur
/// naturally.
const MIN_REPEAT_WORDS: usize = 8;
/// Share of a sentence's shingles found in an earlier text that makes it a
/// repeat of that text (a near-copy with a few words changed keeps about
/// half of them).
pub const REPEAT_CONTAINMENT: f64 = 0.5;

/// The lower-cased words of a sentence, the shingle size its script uses,
/// and whether it is long enough to be judged.
fn sentence_units(sentence: &str, min_words: usize) -> Option<(Vec<String>, usize)> {
    let units = lower_words(sentence);
    let cjk = units
        .iter()
        .filter(|u| u.chars().next().is_some_and(crate::text::is_cjk))
        .count();
    let (n, min) = if 2 * cjk > units.len() {
        (SHINGLE_CJK, 2 * min_words)
    } else {
        (SHINGLE_WORDS, min_words)
    };
    (units.len() >= min).then_some((units, n))
}

fn shingle_hashes(units: &[String], n: usize) -> FxHashSet<u64> {
    use std::hash::{Hash, Hasher};
    units
        .windows(n)
        .map(|w| {
            let mut h = rustc_hash::FxHasher::default();
            (n, w).hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Shingles of every sentence of a text, of both sizes.
fn text_shingles(text: &str) -> FxHashSet<u64> {
    let units = lower_words(text);
    let mut all = shingle_hashes(&units, SHINGLE_WORDS);
    all.extend(shingle_hashes(&units, SHINGLE_CJK));
    all
}

/// A sentence that repeats an earlier text (near-)verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatedSentence {
    /// The repeating sentence.
    pub sentence: String,
    /// Index of the earlier text it repeats (the first with most overlap).
    pub earlier: usize,
    /// Share of its shingles found there.
    pub containment: f64,
}

/// The sentences of `text` that repeat one of `earlier` (earlier sections
/// of the same document): copies, and near-copies with a few words changed.
pub fn repeated_from_earlier(text: &str, earlier: &[&str]) -> Vec<RepeatedSentence> {
    let sets: Vec<FxHashSet<u64>> = earlier.iter().map(|e| text_shingles(e)).collect();
    let mut out = Vec::new();
    for sentence in crate::text::sentences(text) {
        let Some((units, n)) = sentence_units(sentence, MIN_REPEAT_WORDS) else {
            continue;
        };
        let mine = shingle_hashes(&units, n);
        let best = sets
            .iter()
            .enumerate()
            .map(|(i, set)| {
                (
                    i,
                    mine.iter().filter(|h| set.contains(h)).count() as f64 / mine.len().max(1) as f64,
                )
            })
            .fold(None::<(usize, f64)>, |best, (i, c)| match best {
                Some((_, b)) if b >= c => best,
                _ => Some((i, c)),
            });
        if let Some((i, c)) = best
            && c >= REPEAT_CONTAINMENT
        {
            out.push(RepeatedSentence {
                sentence: sentence.to_owned(),
                earlier: i,
                containment: c,
            });
        }
    }
    out
}

/// A sentence a text writes more than once (near-)verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfRepeat {
    /// Its first occurrence.
    pub sentence: String,
    /// How many times it occurs, the first included.
    pub times: usize,
}

/// Sentences `text` repeats within itself: twice is a repeat, three times
/// and more a loop. Near-copies count (a word changed here and there).
pub fn repeated_within(text: &str) -> Vec<SelfRepeat> {
    let judged: Vec<(&str, FxHashSet<u64>)> = crate::text::sentences(text)
        .into_iter()
        .filter_map(|s| sentence_units(s, MIN_REPEAT_WORDS / 2 + 1).map(|(u, n)| (s, shingle_hashes(&u, n))))
        .collect();
    let similar = |a: &FxHashSet<u64>, b: &FxHashSet<u64>| {
        let small = a.len().min(b.len()).max(1);
        a.intersection(b).count() as f64 / small as f64 >= REPEAT_CONTAINMENT
    };
    let mut counted = vec![false; judged.len()];
    let mut out = Vec::new();
    for i in 0..judged.len() {
        if counted[i] {
            continue;
        }
        let mut times = 1;
        for j in i + 1..judged.len() {
            if !counted[j] && similar(&judged[i].1, &judged[j].1) {
                counted[j] = true;
                times += 1;
            }
        }
        if times > 1 {
            out.push(SelfRepeat {
                sentence: judged[i].0.to_owned(),
                times,
            });
        }
    }
    out
}
