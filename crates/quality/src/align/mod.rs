//! Sentence alignment of a rewrite to its source, and the checks that need
//! it: a flipped negation (`polarity.rs`), a reversed direction or order word
//! (`direction.rs`), a changed modality (`modality.rs`), a name swapped for
//! another (`entities.rs`), a source sentence left out (`omission.rs`), a
//! sentence the source does not support (`addition.rs`), a number changed in
//! an aligned sentence (`numbers.rs`).
//!
//! Restyles reorder, merge and split sentences and turn them into questions
//! and bullets, so each source sentence is aligned to the rewrite sentence
//! (or two adjacent ones) that carries most of its content words, weighted
//! by how specific each word is to that sentence within the source. Aligned
//! sentences form groups (a merged sentence joins the source sentences it
//! carries); the word-level checks compare a group's source side with its
//! rewrite side, so a word that moved to a neighbouring sentence of the same
//! group is not a change.
//!
//! The words the checks read come from the [`Lexicons`] of the two texts'
//! scripts (or of one language a run names).

mod addition;
mod direction;
mod entities;
mod modality;
mod numbers;
mod omission;
mod polarity;
mod segments;
mod units;

use std::cell::OnceCell;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::Pair;
use crate::lexicon::Lexicons;
use crate::words::Lowered;

pub(crate) use numbers::cjk_numerals;
use segments::Segments;
use units::{Unit, units};

/// Below this weighted share of its words in a rewrite window, a source
/// sentence is not aligned there.
const MIN_ALIGNED: f64 = 0.2;
/// Below this share in its best window and anywhere in the rewrite, a
/// source sentence of at least `MIN_OMITTED_TERMS` words is omitted
/// (measured on the fidelity suite: omitted sentences score 0–0.2, the
/// lowest faithful ones 0.09–0.2 only when heavily compressed).
const MAX_OMITTED: f64 = 0.2;

/// One finding of an alignment check: the sentences concerned, where the
/// check has them, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedFinding {
    /// The source sentence (or aligned group of sentences) concerned.
    pub source: Option<String>,
    /// The rewrite sentence (or aligned group of sentences) concerned.
    pub rewrite: Option<String>,
    /// What changed and what to keep, in words ("direction: “before” became
    /// “after”; keep the direction"). Where the finding has both sentences,
    /// the message quotes them before the advice after the last "; ".
    pub why: String,
}

impl AlignedFinding {
    /// A finding on an aligned group: `why` is "what changed; what to keep".
    fn in_group(source: &str, rewrite: &str, why: String) -> Self {
        Self {
            source: Some(source.to_owned()),
            rewrite: Some(rewrite.to_owned()),
            why,
        }
    }

    /// A finding on one source sentence (`why` quotes it where it says so).
    fn of_source(source: &str, why: String) -> Self {
        Self {
            source: Some(source.to_owned()),
            rewrite: None,
            why,
        }
    }

    /// A finding on one rewrite sentence (`why` quotes it where it says so).
    fn of_rewrite(rewrite: &str, why: String) -> Self {
        Self {
            source: None,
            rewrite: Some(rewrite.to_owned()),
            why,
        }
    }

    /// A finding on the whole texts.
    fn in_text(why: String) -> Self {
        Self {
            source: None,
            rewrite: None,
            why,
        }
    }
}

/// The message a repair prompt quotes: `why`, with both sentences quoted
/// before its advice where the finding has both.
impl std::fmt::Display for AlignedFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.source, &self.rewrite) {
            (Some(source), Some(rewrite)) => {
                let quoted = format!("source: “{}”; rewrite: “{}”", quote(source), quote(rewrite));
                match self.why.rsplit_once("; ") {
                    Some((what, advice)) => write!(f, "{what} — {quoted}; {advice}"),
                    None => write!(f, "{} — {quoted}", self.why),
                }
            }
            _ => f.write_str(&self.why),
        }
    }
}

/// The findings of the alignment checks, by kind.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AlignmentFindings {
    /// Negations added or dropped.
    pub polarity: Vec<AlignedFinding>,
    /// Direction and order words reversed.
    pub direction: Vec<AlignedFinding>,
    /// Necessity and possibility changed.
    pub modality: Vec<AlignedFinding>,
    /// Names swapped for others of the source.
    pub entities: Vec<AlignedFinding>,
    /// Source sentences or clauses with no counterpart.
    pub omissions: Vec<AlignedFinding>,
    /// Sentences the source does not support.
    pub additions: Vec<AlignedFinding>,
    /// A number of an aligned sentence changed into one the source does not
    /// have, spelled out ("one pass" → "two passes", 四百年 → 两百年).
    pub numbers: Vec<AlignedFinding>,
}

/// Aligns `rewrite` to `source` and runs every alignment check.
pub fn alignment_findings(source: &str, rewrite: &str) -> AlignmentFindings {
    alignment_findings_in(source, rewrite, None)
}

/// [`alignment_findings`] with the words of the language `language` names
/// (`Some("en")`), or of the texts' scripts (`None`).
pub fn alignment_findings_in(source: &str, rewrite: &str, language: Option<&str>) -> AlignmentFindings {
    let lex = Lexicons::for_pair(source, rewrite, language);
    findings(&Pair::new(source, rewrite), 1.0, lex)
}

/// [`alignment_findings`] of texts the fidelity report already analysed:
/// their names (the names check's), lower case and words are shared.
pub(crate) fn alignment_findings_of(pair: &Pair, omission_scale: f64) -> AlignmentFindings {
    findings(pair, omission_scale, pair.lexicons())
}

fn findings(pair: &Pair, omission_scale: f64, lex: Lexicons) -> AlignmentFindings {
    let (source, rewrite) = (pair.source.text, pair.rewrite.text);
    let src = units(&pair.source, lex);
    let rw = units(&pair.rewrite, lex);
    let mut out = AlignmentFindings::default();
    if src.is_empty() || rw.is_empty() {
        return out;
    }
    let windows = align(&src, &rw, MAX_OMITTED * omission_scale, lex, &mut out);
    let source_names = entities::entities_of(source, pair.source.names(), lex);
    let (whole_src, whole_rw) = (
        Lowered::of_analysis(&pair.source),
        Lowered::of_analysis(&pair.rewrite),
    );
    let source_values = numbers::stated_values(source, &whole_src, lex);
    let whole_negated = polarity::WholeNegations::of(&src, &rw);
    for (src_units, rw_units) in groups(&windows, rw.len()) {
        let (src_group, rw_group): (Vec<&Unit>, Vec<&Unit>) = (
            src_units.iter().map(|&i| &src[i]).collect(),
            rw_units.iter().map(|&j| &rw[j]).collect(),
        );
        compare_group(
            (&src_group, &rw_group),
            &source_names,
            &source_values,
            &whole_negated,
            lex,
            &mut out,
        );
    }
    let rewrite_entities = entities::entities_of(rewrite, pair.rewrite.names(), lex);
    addition::additions(source, (&src, &rw), &windows, &rewrite_entities, lex, &mut out);
    // Checks on the whole texts, for what the alignment missed.
    if out.modality.is_empty() {
        modality::in_text(&whole_src, &whole_rw, lex, &mut out);
    }
    if out.direction.is_empty() {
        direction::in_text((source, rewrite), (&whole_src, &whole_rw), lex, &mut out);
    }
    out
}

/// Each source sentence's window in the rewrite (`None`: not aligned);
/// reports the omitted ones.
fn align(
    src: &[Unit],
    rw: &[Unit],
    max_omitted: f64,
    lex: Lexicons,
    out: &mut AlignmentFindings,
) -> Vec<Option<(usize, usize)>> {
    let weights = specificity(src);
    let all_rewrite: FxHashSet<&str> = rw
        .iter()
        .flat_map(|u| u.terms.iter().map(String::as_str))
        .collect();
    // Which rewrite units hold each term, one bit each: a window's score is
    // then a mask test per term, not a set lookup per term and unit.
    let masks: Option<FxHashMap<&str, u64>> = (rw.len() <= 64).then(|| {
        let mut masks: FxHashMap<&str, u64> = FxHashMap::default();
        for (j, u) in rw.iter().enumerate() {
            for t in &u.terms {
                *masks.entry(t.as_str()).or_default() |= 1 << j;
            }
        }
        masks
    });
    let mut windows: Vec<Option<(usize, usize)>> = Vec::with_capacity(src.len());
    for s in src {
        let total: f64 = s.terms.iter().map(|t| weights[t.as_str()]).sum();
        if total == 0.0 || s.terms.len() < 2 {
            windows.push(None);
            continue;
        }
        // Each term's weight, in the order the sums have always added them.
        let weighted: Vec<(&str, f64)> = s
            .terms
            .iter()
            .map(|t| (t.as_str(), weights[t.as_str()]))
            .collect();
        let covered = |set: &dyn Fn(&str) -> bool| {
            weighted
                .iter()
                .filter(|(t, _)| set(t))
                .map(|&(_, w)| w)
                .sum::<f64>()
                / total
        };
        let (window, best) = match &masks {
            Some(masks) => {
                let held: Vec<(f64, u64)> = weighted
                    .iter()
                    .map(|&(t, w)| (w, masks.get(t).copied().unwrap_or(0)))
                    .collect();
                best_window(rw.len(), &|start, len| {
                    let window = ((1u64 << len) - 1) << start;
                    held.iter()
                        .filter(|&&(_, m)| m & window != 0)
                        .map(|&(w, _)| w)
                        .sum::<f64>()
                        / total
                })
            }
            None => best_window(rw.len(), &|start, len| {
                let r = &rw[start..start + len];
                covered(&|t| r.iter().any(|u| u.terms.contains(t)))
            }),
        };
        let anywhere = covered(&|t| all_rewrite.contains(t));
        if best >= MIN_ALIGNED {
            windows.push(Some(window));
            // A clause can only be missing if some of its words are.
            if s.terms
                .iter()
                .filter(|t| !all_rewrite.contains(t.as_str()))
                .count()
                >= omission::MIN_CLAUSE_TERMS
            {
                omission::omitted_clauses(s.text, &weights, &all_rewrite, max_omitted, lex, out);
            }
            continue;
        }
        windows.push(None);
        if best < max_omitted && anywhere < max_omitted {
            omission::omitted_sentence(s, out);
        }
    }
    windows
}

/// The best window of one or two adjacent rewrite units (of `units`) by
/// `score(start, len)`.
fn best_window(units: usize, score: &dyn Fn(usize, usize) -> f64) -> ((usize, usize), f64) {
    let mut best = ((0, 1), -1.0);
    for j in 0..units {
        let one = score(j, 1);
        if one > best.1 {
            best = ((j, 1), one);
        }
    }
    let (j, _) = best.0;
    for start in [j.saturating_sub(1), j] {
        if start + 2 <= units {
            let two = score(start, 2);
            // A second sentence must add real content, not a stray word.
            if two >= best.1 + 0.15 {
                best = ((start, 2), two);
            }
        }
    }
    best
}

/// Each source word's weight: 1 / the number of source sentences that use
/// it, so a sentence is recognised by what only it says.
fn specificity<'a>(src: &'a [Unit]) -> FxHashMap<&'a str, f64> {
    let mut df: FxHashMap<&str, f64> = FxHashMap::default();
    for u in src {
        for t in &u.terms {
            *df.entry(t.as_str()).or_default() += 1.0;
        }
    }
    df.values_mut().for_each(|v| *v = 1.0 / *v);
    df
}

/// Groups of (source units, rewrite units) joined by alignment windows.
fn groups(windows: &[Option<(usize, usize)>], rewrite_len: usize) -> Vec<(Vec<usize>, Vec<usize>)> {
    // Union-find over source units, joined when their windows overlap.
    let mut owner: Vec<Option<usize>> = vec![None; rewrite_len];
    let mut parent: Vec<usize> = (0..windows.len()).collect();
    fn find(parent: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while parent[r] != r {
            r = parent[r];
        }
        parent[i] = r;
        r
    }
    for (i, w) in windows.iter().enumerate() {
        let Some((start, len)) = *w else { continue };
        for slot in &mut owner[start..start + len] {
            match *slot {
                Some(other) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, other));
                    parent[a] = b;
                }
                None => *slot = Some(i),
            }
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, (Vec<usize>, Vec<usize>)> = Default::default();
    for (i, w) in windows.iter().enumerate() {
        if w.is_some() {
            let root = find(&mut parent, i);
            by_root.entry(root).or_default().0.push(i);
        }
    }
    for (j, slot) in owner.iter().enumerate() {
        if let Some(i) = *slot {
            let root = find(&mut parent, i);
            by_root.entry(root).or_default().1.push(j);
        }
    }
    by_root.into_values().collect()
}

/// One aligned group's two sides, each joined, lower-cased and counted
/// once for every word-level check.
struct Group<'a> {
    src: &'a str,
    rw: &'a str,
    lowered_src: Lowered,
    lowered_rw: Lowered,
    /// Cut into sentences and clauses only where a trade is possible.
    parts: OnceCell<(Segments<'a>, Segments<'a>)>,
    lex: Lexicons,
}

impl<'a> Group<'a> {
    fn parts(&self) -> &(Segments<'a>, Segments<'a>) {
        self.parts
            .get_or_init(|| (Segments::new(self.src), Segments::new(self.rw)))
    }

    /// A finding on this group: `why` is "what changed; what to keep".
    fn finding(&self, why: String) -> AlignedFinding {
        AlignedFinding::in_group(self.src, self.rw, why)
    }
}

/// The word-level checks on one aligned group.
fn compare_group(
    (src_units, rw_units): (&[&Unit], &[&Unit]),
    source_names: &[String],
    source_values: &[u64],
    whole_negated: &polarity::WholeNegations,
    lex: Lexicons,
    out: &mut AlignmentFindings,
) {
    let join = |units: &[&Unit]| units.iter().map(|u| u.text).collect::<Vec<_>>().join(" ");
    let (src_text, rw_text) = (join(src_units), join(rw_units));
    let group = Group {
        src: &src_text,
        rw: &rw_text,
        lowered_src: Lowered::new(&src_text),
        lowered_rw: Lowered::new(&rw_text),
        parts: OnceCell::new(),
        lex,
    };
    polarity::in_group(&group, (src_units, rw_units), whole_negated, out);
    direction::in_group(&group, out);
    modality::in_group(&group, out);
    numbers::in_group(&group, source_values, out);
    entities::in_group(&group, source_names, out);
}

/// A sentence for a finding: whitespace folded, long ones cut.
fn quote(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= 160 {
        return folded;
    }
    let cut: String = folded.chars().take(157).collect();
    format!("{cut}…")
}
