//! Sentence alignment of a rewrite to its source, and the checks that need
//! it: a flipped negation, a reversed direction or order word, a changed
//! modality, a name swapped for another, a source sentence left out, a
//! sentence the source does not support.
//!
//! Restyles reorder, merge and split sentences and turn them into questions
//! and bullets, so each source sentence is aligned to the rewrite sentence
//! (or two adjacent ones) that carries most of its content words, weighted
//! by how specific each word is to that sentence within the source. Aligned
//! sentences form groups (a merged sentence joins the source sentences it
//! carries); the word-level checks compare a group's source side with its
//! rewrite side, so a word that moved to a neighbouring sentence of the same
//! group is not a change.

use rustc_hash::FxHashMap;

use crate::coverage::concept_words;
use crate::fidelity::WordSet;
use crate::names::names;
use crate::numbers::numbers;
use crate::text::{is_cjk, sentences};

/// A sentence-like unit: a sentence, a bullet, a question or its answer.
struct Unit<'a> {
    text: &'a str,
    terms: WordSet,
    /// Its sentences that assert (a yes/no question does not), with their
    /// negators, computed once: the polarity check reads them per group.
    assertions: Vec<Assertion<'a>>,
}

/// One asserting sentence: its negator count and the terms each governs;
/// `terms` is `None` when the sentence is the whole unit (its terms).
struct Assertion<'a> {
    text: &'a str,
    terms: Option<WordSet>,
    count: usize,
    scopes: Vec<Vec<String>>,
}

impl<'a> Unit<'a> {
    fn new(text: &'a str, terms: WordSet) -> Self {
        let parts = sentences(text);
        let whole = parts.len() == 1 && !is_yes_no_question(text);
        let assertions = parts
            .into_iter()
            .filter(|s| !is_yes_no_question(s))
            .map(|sentence| {
                let (mut count, mut scopes) = (0, Vec::new());
                negated_in_sentence(sentence, &mut count, &mut scopes);
                Assertion {
                    text: sentence,
                    terms: (!whole).then(|| alignment_terms(sentence)),
                    count,
                    scopes,
                }
            })
            .collect();
        Self {
            text,
            terms,
            assertions,
        }
    }

    /// Everything the unit negates.
    fn negated(&self) -> impl Iterator<Item = &String> {
        self.assertions.iter().flat_map(|a| a.scopes.iter().flatten())
    }
}

/// Below this weighted share of its words in a rewrite window, a source
/// sentence is not aligned there.
const MIN_ALIGNED: f64 = 0.2;
/// Below this share in its best window and anywhere in the rewrite, a
/// source sentence of at least `MIN_OMITTED_TERMS` words is omitted
/// (measured on the fidelity suite: omitted sentences score 0–0.2, the
/// lowest faithful ones 0.09–0.2 only when heavily compressed).
const MAX_OMITTED: f64 = 0.2;
const MIN_OMITTED_TERMS: usize = 4;

/// The findings of the alignment checks, by kind.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AlignmentFindings {
    /// Negations added or dropped.
    pub polarity: Vec<String>,
    /// Direction and order words reversed.
    pub direction: Vec<String>,
    /// Necessity and possibility changed.
    pub modality: Vec<String>,
    /// Names swapped for others of the source.
    pub entities: Vec<String>,
    /// Source sentences or clauses with no counterpart.
    pub omissions: Vec<String>,
    /// Sentences the source does not support.
    pub additions: Vec<String>,
    /// A number of an aligned sentence changed into one the source does not
    /// have, spelled out ("one pass" → "two passes", 四百年 → 两百年).
    pub numbers: Vec<String>,
}

/// Aligns `rewrite` to `source` and runs every alignment check.
pub fn alignment_findings(source: &str, rewrite: &str) -> AlignmentFindings {
    alignment_findings_with(source, rewrite, &names(source), 1.0)
}

/// [`alignment_findings`] with the source's names already found (the
/// fidelity report finds them for its names check).
pub(crate) fn alignment_findings_with(
    source: &str,
    rewrite: &str,
    source_names: &[crate::names::NameMention],
    omission_scale: f64,
) -> AlignmentFindings {
    let src = units(source);
    let rw = units(rewrite);
    let mut out = AlignmentFindings::default();
    if src.is_empty() || rw.is_empty() {
        return out;
    }
    let windows = align(&src, &rw, MAX_OMITTED * omission_scale, &mut out);
    let source_names = entities_of(source, source_names);
    let (whole_src, whole_rw) = (Lowered::new(source), Lowered::new(rewrite));
    let source_values = stated_values(source, &whole_src);
    let whole_negated = WholeNegations {
        source: src.iter().flat_map(Unit::negated).cloned().collect(),
        rewrite: rw.iter().flat_map(Unit::negated).cloned().collect(),
    };
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
            &mut out,
        );
    }
    additions(source, rewrite, &src, &rw, &windows, &mut out);
    // A frequency made absolute in a sentence the alignment missed (a
    // terse rewrite: "won't … very often" → "never pays").
    if out.modality.is_empty()
        && let Some((from, to)) = frequency_change(&whole_src, &whole_rw)
    {
        out.modality.push(format!(
            "modality: “{from}” became “{to}” in the text; keep how often it holds"
        ));
    }
    // A reversed word in a sentence the alignment missed (a short rewrite
    // sentence, "和紙は繊維が短い。"): the same count over the whole texts.
    // Questions ask ("How are they different?"); they state no direction.
    let stated = |text: &str| {
        let kept: Vec<&str> = sentences(text)
            .into_iter()
            .filter(|s| !s.trim_end().ends_with(['?', '？']))
            .collect();
        Lowered::new(&kept.join(" "))
    };
    if out.direction.is_empty() {
        let asks = |text: &str| text.contains(['?', '？']);
        let (stated_src, stated_rw);
        let (src_text, rw_text) = if asks(source) || asks(rewrite) {
            (stated_src, stated_rw) = (stated(source), stated(rewrite));
            (&stated_src, &stated_rw)
        } else {
            (&whole_src, &whole_rw)
        };
        if let Some((from, to)) = DIRECTION_PAIRS
            .iter()
            .find_map(|(a, b)| shifted(src_text, rw_text, a, b))
        {
            out.direction.push(format!(
                "direction: “{from}” became “{to}” in the text; keep the direction"
            ));
        }
    }
    out
}

/// A clause of fewer words says too little to be missed.
const MIN_CLAUSE_TERMS: usize = 3;

/// Each source sentence's window in the rewrite (`None`: not aligned);
/// reports the omitted ones.
fn align(
    src: &[Unit],
    rw: &[Unit],
    max_omitted: f64,
    out: &mut AlignmentFindings,
) -> Vec<Option<(usize, usize)>> {
    let weights = specificity(src);
    let all_rewrite: WordSet = rw.iter().flat_map(|u| u.terms.iter().cloned()).collect();
    let mut windows: Vec<Option<(usize, usize)>> = Vec::with_capacity(src.len());
    for s in src {
        let total: f64 = s.terms.iter().map(|t| weights[t]).sum();
        if total == 0.0 || s.terms.len() < 2 {
            windows.push(None);
            continue;
        }
        let covered = |set: &dyn Fn(&String) -> bool| {
            s.terms.iter().filter(|t| set(t)).map(|t| weights[t]).sum::<f64>() / total
        };
        let (window, best) = best_window(rw, &|r: &[Unit]| {
            covered(&|t| r.iter().any(|u| u.terms.contains(t)))
        });
        let anywhere = covered(&|t| all_rewrite.contains(t));
        if best >= MIN_ALIGNED {
            windows.push(Some(window));
            // A clause can only be missing if some of its words are.
            if s.terms.iter().filter(|t| !all_rewrite.contains(*t)).count() >= MIN_CLAUSE_TERMS {
                omitted_clause(s.text, &weights, &all_rewrite, max_omitted, out);
            }
            continue;
        }
        windows.push(None);
        if best < max_omitted && anywhere < max_omitted && s.terms.len() >= MIN_OMITTED_TERMS {
            out.omissions.push(format!(
                "omission: the source sentence “{}” has no counterpart in the rewrite; rewrite it too",
                quote(s.text)
            ));
        }
    }
    windows
}

/// Clause marks a sentence is split at for the clause-level omission check.
const CLAUSE_MARKS: &[&str] = &[
    "; ", ": ", " — ", ", but ", ", and ", ", or ", "；", "：", "，而", "，但",
];

/// A clause of an aligned sentence whose words are nowhere in the rewrite:
/// half a sentence dropped ("the call might fail[: the file might not
/// exist, or …]").
fn omitted_clause(
    sentence: &str,
    weights: &FxHashMap<String, f64>,
    rewrite: &WordSet,
    max_omitted: f64,
    out: &mut AlignmentFindings,
) {
    let mut clauses = vec![sentence];
    for mark in CLAUSE_MARKS {
        clauses = clauses.into_iter().flat_map(|c| c.split(mark)).collect();
    }
    if clauses.len() < 2 {
        return;
    }
    for clause in clauses {
        let terms = alignment_terms(clause);
        if terms.len() < MIN_CLAUSE_TERMS {
            continue;
        }
        let weight = |t: &String| weights.get(t).copied().unwrap_or(1.0);
        let total: f64 = terms.iter().map(weight).sum();
        let kept: f64 = terms.iter().filter(|t| rewrite.contains(*t)).map(weight).sum();
        if kept / total < max_omitted {
            out.omissions.push(format!(
                "omission: “{}” (in the source sentence “{}”) has no counterpart in the rewrite; rewrite it too",
                quote(clause),
                quote(sentence)
            ));
        }
    }
}

/// The best window of one or two adjacent rewrite units by `score`.
fn best_window(rw: &[Unit], score: &dyn Fn(&[Unit]) -> f64) -> ((usize, usize), f64) {
    let mut best = ((0, 1), -1.0);
    for j in 0..rw.len() {
        let one = score(&rw[j..j + 1]);
        if one > best.1 {
            best = ((j, 1), one);
        }
    }
    let (j, _) = best.0;
    for start in [j.saturating_sub(1), j] {
        if start + 2 <= rw.len() {
            let two = score(&rw[start..start + 2]);
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
fn specificity(src: &[Unit]) -> FxHashMap<String, f64> {
    let mut df: FxHashMap<String, f64> = FxHashMap::default();
    for u in src {
        for t in &u.terms {
            *df.entry(t.clone()).or_default() += 1.0;
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

/// The word-level checks on one aligned group.
fn compare_group(
    (src_units, rw_units): (&[&Unit], &[&Unit]),
    source_names: &[String],
    source_values: &[u64],
    whole_negated: &WholeNegations,
    out: &mut AlignmentFindings,
) {
    let join = |units: &[&Unit]| units.iter().map(|u| u.text).collect::<Vec<_>>().join(" ");
    let (src_text, rw_text) = (join(src_units), join(rw_units));
    let (src, rw) = (src_text.as_str(), rw_text.as_str());
    let quoted = || format!("source: “{}”; rewrite: “{}”", quote(src), quote(rw));
    if let Some((term, added)) = flipped_negation(src_units, rw_units, whole_negated) {
        let what = if added {
            "negates what the source affirms"
        } else {
            "affirms what the source negates"
        };
        out.polarity.push(format!(
            "polarity: the rewrite {what} (“{term}”) — {}; keep the claim's polarity",
            quoted()
        ));
    }
    let (lowered_src, lowered_rw) = (Lowered::new(src), Lowered::new(rw));
    // Each pair counted once, for the shift and for the trade.
    let counts: Vec<[usize; 4]> = DIRECTION_PAIRS
        .iter()
        .map(|(a, b)| pair_counts(&lowered_src, &lowered_rw, a, b))
        .collect();
    if let Some((from, to)) = DIRECTION_PAIRS
        .iter()
        .zip(&counts)
        .find_map(|((a, b), &c)| shift_of(c, &lowered_src, &lowered_rw, a, b))
    {
        out.direction.push(format!(
            "direction: “{from}” became “{to}” — {}; keep the direction",
            quoted()
        ));
    }
    // Cut into sentences and clauses only where a trade is possible.
    let parts = std::cell::OnceCell::new();
    let parts = || parts.get_or_init(|| (Segments::new(src), Segments::new(rw)));
    if let Some(((a, b), _)) = DIRECTION_PAIRS.iter().zip(&counts).find(|((a, b), c)| {
        c.iter().all(|&n| n > 0) && {
            // Rare (both words on both sides): each part lower-cased here.
            let holds = |_: usize, _: usize, part: &str| {
                let part = Lowered::new(part);
                (count_forms(&part, a) > 0, count_forms(&part, b) > 0)
            };
            let (src_parts, rw_parts) = parts();
            traded_places(
                (src_parts, &holds),
                (rw_parts, &holds),
                &[a, b],
                &mut TermCache::default(),
            )
        }
    }) {
        out.direction.push(format!(
            "direction: “{}” and “{}” traded what they say of — {}; keep which goes with which",
            a[0],
            b[0],
            quoted()
        ));
    }
    if let Some((from, to)) = modality_change(&lowered_src, &lowered_rw) {
        out.modality.push(format!(
            "modality: “{from}” became “{to}” — {}; keep how certain or required it is",
            quoted()
        ));
    }
    if let Some((from, to)) = changed_unit(&lowered_src, &lowered_rw) {
        out.numbers.push(format!(
            "the unit “{from}” became “{to}” — {}; keep the source's quantities",
            quoted()
        ));
    }
    if let Some((from, to)) = changed_value((src, &lowered_src), (rw, &lowered_rw), source_values) {
        out.numbers.push(format!(
            "the number {from} became {to} — {}; keep the source's numbers",
            quoted()
        ));
    }
    // The source's names in this group, with their counts on each side:
    // one pass over the names for both entity checks.
    let in_group: Vec<(&String, usize, usize)> = source_names
        .iter()
        .filter_map(|n| {
            let here = crate::names::count_name(src, n);
            (here > 0).then(|| (n, here, crate::names::count_name(rw, n)))
        })
        .collect();
    if let Some((from, to)) = swapped_name(rw, &in_group, source_names) {
        out.entities.push(format!(
            "entity: “{from}” became “{to}” — {}; keep who or what it is about",
            quoted()
        ));
    } else if let Some((a, b)) = traded_names(&parts, &in_group) {
        out.entities.push(format!(
            "entity: “{a}” and “{b}” traded places — {}; keep who or what each claim is about",
            quoted()
        ));
    }
}

/// Two names of the source, each in a clause of its own on both sides,
/// whose clauses' other words went to the other name.
fn traded_names<'a>(
    parts: &dyn Fn() -> &'a (Segments<'a>, Segments<'a>),
    in_group: &[(&String, usize, usize)],
) -> Option<(String, String)> {
    let count = crate::names::count_name;
    // Names said once on each side; at most 64, one bit each per part.
    let present: Vec<&String> = in_group
        .iter()
        .filter(|&&(n, in_src, in_rw)| n.chars().count() >= 2 && in_src == 1 && in_rw == 1)
        .map(|&(n, _, _)| n)
        .take(64)
        .collect();
    if present.len() < 2 {
        return None;
    }
    // Names that traded places come in the other order: only such pairs
    // are worth cutting the group into parts for.
    let (src, rw) = parts();
    let at = |text: &str| -> Vec<usize> {
        present
            .iter()
            .map(|n| text.find(n.as_str()).unwrap_or(0))
            .collect()
    };
    let (src_at, rw_at) = (at(src.text), at(rw.text));
    let reversed = |i: usize, j: usize| (src_at[i] < src_at[j]) != (rw_at[i] < rw_at[j]);
    if !(0..present.len()).any(|i| (i + 1..present.len()).any(|j| reversed(i, j))) {
        return None;
    }
    // Which names each sentence and clause holds, found once per group.
    let masks = |seg: &Segments| -> [Vec<u64>; 2] {
        let mask = |part: &&str| {
            present
                .iter()
                .enumerate()
                .filter(|(_, n)| count(part, n) > 0)
                .fold(0u64, |m, (i, _)| m | 1 << i)
        };
        [
            seg.sentences.iter().map(mask).collect(),
            seg.clauses.iter().map(mask).collect(),
        ]
    };
    let (src_masks, rw_masks) = (masks(src), masks(rw));
    // A trade is between names a source sentence, or two neighbouring ones,
    // holds together: the pairs are few even where a man page names dozens.
    let near = |i: usize, j: usize| {
        let sentences = &src_masks[0];
        (0..sentences.len()).any(|k| {
            let m = sentences[k] | sentences.get(k + 1).copied().unwrap_or(0);
            m & 1 << i != 0 && m & 1 << j != 0
        })
    };
    let mut cache = TermCache::default();
    for (i, a) in present.iter().enumerate() {
        for (j, b) in present.iter().enumerate().skip(i + 1) {
            if a.contains(b.as_str()) || b.contains(a.as_str()) || !reversed(i, j) || !near(i, j) {
                continue;
            }
            let bits = |m: u64| (m & 1 << i != 0, m & 1 << j != 0);
            let src_holds = |level: usize, k: usize, _: &str| bits(src_masks[level][k]);
            let rw_holds = |level: usize, k: usize, _: &str| bits(rw_masks[level][k]);
            let forms: [&[&str]; 2] = [&[a.as_str()], &[b.as_str()]];
            if traded_places((src, &src_holds), (rw, &rw_holds), &forms, &mut cache) {
                return Some(((*a).clone(), (*b).clone()));
            }
        }
    }
    None
}

/// Marks a clause ends at, for the traded-places check (not 、, which
/// lists: 四川、陕西和甘肃).
const CLAUSE_ENDS: &[char] = &[
    ',', ';', ':', '.', '!', '?', '—', '(', ')', '\n', '，', '。', '；', '：', '！', '？',
];

/// Which of two words a part holds: (level (0 sentences, 1 clauses), index,
/// the part's text) → (holds the first, holds the second).
type Holds<'h> = dyn Fn(usize, usize, &str) -> (bool, bool) + 'h;

/// A group's text cut into sentences and into clauses.
struct Segments<'a> {
    text: &'a str,
    sentences: Vec<&'a str>,
    clauses: Vec<&'a str>,
}

impl<'a> Segments<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            sentences: sentences(text),
            clauses: text.split(CLAUSE_ENDS).collect(),
        }
    }

    /// The one sentence that holds the first word and not the second ("With
    /// Secure Transport, … PKCS#12 format."), else the one clause: (level,
    /// index). `holds(level, index, part)` says which of the two it holds.
    fn own_part(&self, holds: &Holds, swap: bool) -> Option<(usize, usize)> {
        for (level, parts) in [&self.sentences, &self.clauses].into_iter().enumerate() {
            let mut found = parts.iter().enumerate().filter(|&(k, part)| {
                let (a, b) = holds(level, k, part);
                if swap { b && !a } else { a && !b }
            });
            if let Some((k, _)) = found.next()
                && found.next().is_none()
            {
                return Some((level, k));
            }
        }
        None
    }

    fn part(&self, (level, k): (usize, usize)) -> &'a str {
        if level == 0 {
            self.sentences[k]
        } else {
            self.clauses[k]
        }
    }
}

/// Alignment terms of the parts already read, by (side, level, index).
#[derive(Default)]
struct TermCache(FxHashMap<(bool, usize, usize), WordSet>);

/// Whether `a` and `b`, each in a sentence or clause of its own in the
/// source and in the rewrite, traded the rest of it: the rewrite's part of
/// `a` shares more words with the source's part of `b` than with its own,
/// and the other way round ("吸收红光和蓝光，但反射绿光" → "反射红光和蓝光，
/// 但吸收绿光"; PKCS#12 and PEM exchanged between two engines). Every word
/// is still there, so no count changes; only which goes with which.
fn traded_places(
    (src, src_holds): (&Segments, &Holds),
    (rw, rw_holds): (&Segments, &Holds),
    forms: &[&[&str]],
    cache: &mut TermCache,
) -> bool {
    let (Some(src_a), Some(src_b), Some(rw_a), Some(rw_b)) = (
        src.own_part(src_holds, false),
        src.own_part(src_holds, true),
        rw.own_part(rw_holds, false),
        rw.own_part(rw_holds, true),
    ) else {
        return false;
    };
    let mut terms = |side: bool, seg: &Segments, at: (usize, usize)| {
        cache
            .0
            .entry((side, at.0, at.1))
            .or_insert_with(|| alignment_terms(seg.part(at)))
            .clone()
    };
    let (src_a, src_b) = (terms(false, src, src_a), terms(false, src, src_b));
    let (rw_a, rw_b) = (terms(true, rw, rw_a), terms(true, rw, rw_b));
    let compared: WordSet = forms
        .iter()
        .flat_map(|f| f.iter())
        .flat_map(|f| alignment_terms(f))
        .collect();
    let context =
        |t: &String| !compared.contains(t) && !forms.iter().flat_map(|f| f.iter()).any(|f| t.starts_with(f));
    let shared = |x: &WordSet, y: &WordSet| x.iter().filter(|t| context(t) && y.contains(*t)).count();
    let own = shared(&rw_a, &src_a) + shared(&rw_b, &src_b);
    let crossed = shared(&rw_a, &src_b) + shared(&rw_b, &src_a);
    crossed >= own + 2 && shared(&rw_a, &src_b) > 0 && shared(&rw_b, &src_a) > 0
}

/// Rewrite sentences that name something the source does not (an
/// unsupported claim), and unaligned declarative sentences made of words the
/// source does not use.
fn additions(
    source: &str,
    rewrite: &str,
    src: &[Unit],
    rw: &[Unit],
    windows: &[Option<(usize, usize)>],
    out: &mut AlignmentFindings,
) {
    let mut reported: Vec<usize> = Vec::new();
    // Whitespace folded (wrapped lines split names: "Secure\n    Transport")
    // and lower-cased.
    let folded_source = source
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    // The source's words, for the common case of a one-word name: a set
    // lookup, not a scan of the source per name (an upper-cased rewrite
    // makes every word an acronym).
    let source_words: rustc_hash::FxHashSet<&str> = crate::text::words(&folded_source).into_iter().collect();
    for name in entities(rewrite) {
        let lower = name.to_lowercase();
        // A path spelled from the source's words: `From::from` for "the from
        // function of the From trait".
        let spelled_path = name.contains("::")
            && name
                .split("::")
                .filter(|p| !p.is_empty())
                .all(|p| source_words.contains(p.to_lowercase().as_str()));
        // A dynasty is 隋朝 or 隋代.
        let dynasty = name
            .strip_suffix('朝')
            .is_some_and(|stem| source.contains(&format!("{stem}代")));
        if source_words.contains(lower.as_str())
            || in_source(&name, source, &folded_source)
            || names_the_world(&lower, &source_words)
            || dynasty
            || spelled_path
        {
            continue;
        }
        let Some(j) = rw.iter().position(|u| u.text.contains(&name)) else {
            continue;
        };
        if !reported.contains(&j) {
            reported.push(j);
            out.additions.push(format!(
                "unsupported claim: “{}” names “{name}”, which the source does not; remove what the source does not say",
                quote(rw[j].text)
            ));
        }
    }
    let source_terms: WordSet = src.iter().flat_map(|u| u.terms.iter().cloned()).collect();
    for (j, r) in rw.iter().enumerate() {
        let aligned = windows
            .iter()
            .flatten()
            .any(|&(start, len)| (start..start + len).contains(&j));
        // CJK glue ("我们先来认识长城。") is made of characters the source
        // lacks too; only names tell a claim there.
        let cjk = r.text.chars().any(is_cjk);
        if aligned || cjk || reported.contains(&j) || r.text.trim_end().ends_with(['?', '？', ':', '：']) {
            continue;
        }
        let new = r.terms.iter().filter(|t| !source_terms.contains(*t)).count();
        if new >= MIN_NEW_TERMS && new * 4 >= r.terms.len() * 3 {
            out.additions.push(format!(
                "unsupported claim: “{}” says what the source does not; remove it or rewrite a source sentence instead",
                quote(r.text)
            ));
        }
    }
}

/// The Earth by name, and the common nouns a source says it with ("на
/// Земле" for "на планете", "on Earth" for "in the world").
const WORLD_NAMES: &[(&str, &[&str])] = &[
    ("earth", &["world", "planet", "globe"]),
    ("земл", &["мир", "планет", "свет"]),
];

/// Whether a name of the rewrite is the Earth where the source says world
/// or planet: no new claim.
fn names_the_world(name: &str, source_words: &rustc_hash::FxHashSet<&str>) -> bool {
    WORLD_NAMES.iter().any(|(earth, nouns)| {
        name.starts_with(earth)
            && source_words
                .iter()
                .any(|w| nouns.iter().any(|n| w.starts_with(n)))
    })
}

/// An unaligned sentence needs this many words new to the source to read
/// as a claim rather than glue ("Let's begin with integers.").
const MIN_NEW_TERMS: usize = 5;

/// Ideographs that end a place, an office, a dynasty or an institution: 山梨県, 四川省,
/// 気象庁, 明朝, 北海道, 正倉院, 靖国神社.
const CJK_NAME_SUFFIXES: &[char] = &[
    '県', '省', '庁', '市', '州', '朝', '道', '院', '寺', '宮', '社', '館',
];

/// CJK place, office and dynasty names: two ideographs before a suffix
/// (one before 朝), none of them a function character, kana or numeral.
fn cjk_place_names(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let ideograph = |c: char| {
        is_cjk(c)
            && !('\u{3040}'..='\u{30FF}').contains(&c)
            && !CJK_FUNCTION_CHARS.contains(&c)
            && !"〇一二三四五六七八九十百千万两".contains(c)
    };
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if !CJK_NAME_SUFFIXES.contains(&c) || chars.get(i + 1) == Some(&'代') {
            continue;
        }
        let stem = if c == '朝' { 1 } else { 2 };
        if i >= stem && chars[i - stem..i].iter().all(|&d| ideograph(d)) {
            let name: String = chars[i - stem..=i].iter().collect();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Whether a name of the rewrite is in the source: as written, or for
/// Cyrillic words by stem (Москву, Москвы).
///
/// Case is ignored: a word the source has, capitalised or upper-cased by
/// the rewrite, names nothing new.
fn in_source(name: &str, source: &str, folded_source: &str) -> bool {
    source.contains(name)
        || folded_source.contains(&name.to_lowercase())
        || crate::names::contains_inflected(source, name)
}

/// Names, acronyms and identifiers (possessive `'s` cut), CJK titles in
/// 《》 or 「」, and CJK place, office and dynasty names.
fn entities(text: &str) -> Vec<String> {
    entities_of(text, &names(text))
}

fn entities_of(text: &str, found: &[crate::names::NameMention]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in found {
        let t = n.text.trim_end_matches("'s").trim_end_matches("’s").to_owned();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out.extend(cjk_place_names(text));
    for (open, close) in [('《', '》'), ('「', '」')] {
        for part in text.split(open).skip(1) {
            // A reading in parentheses is not part of the title:
            // 「武蔵（むさし）」 names 武蔵.
            if let Some((title, _)) = part.split_once(close)
                && let Some(title) = title.split(['（', '(']).next().map(str::trim)
                && !title.is_empty()
                && !out.iter().any(|o| o == title)
            {
                out.push(title.to_owned());
            }
        }
    }
    out
}

/// Negators, per language. A negator governs the first content word after
/// it in its clause (Latin, Cyrillic, Chinese) or the word before it
/// (Japanese verb endings).
const NEGATORS_LATIN: &[&str] = &[
    "not", "no", "never", "none", "nor", "neither", "nothing", "nobody", "cannot", "without", "lack", "lacks",
];
/// Russian words that begin with не- and negate nothing.
const RU_NE_WORDS: &[&str] = &[
    "несколь",
    "некотор",
    "недел",
    "небо",
    "немного",
    "необходим",
    "несмотр",
    "нефт",
    "нерв",
    "небольш",
];
/// Russian verbs a negator is read past (не были открыты → открыты).
const RU_AUXILIARIES: &[&str] = &[
    "был",
    "была",
    "были",
    "было",
    "будет",
    "может",
    "могут",
    "стал",
    "стали",
];
const NEGATORS_CYRILLIC: &[&str] = &["не", "нет", "ни", "никогда", "нельзя", "без", "ничего"];
const NEGATORS_ZH: &[char] = &['不', '没', '无', '非', '未'];
/// Chinese compounds that hold a negator character without negating.
/// 失去光 ("losing the light") negates as 没有光 does: read as 没.
const ZH_NEGATING_VERBS: &[&str] = &["失去", "缺少", "缺乏"];
const NOT_NEGATIONS_ZH: &[&str] = &["不过", "不仅", "不断", "无论", "非常", "不同", "无数"];
/// Verbs a Chinese negator is read past (不是一道 → 一道, 不能进行 → 进行).
const ZH_AUXILIARIES: &[char] = &[
    '是', '有', '能', '会', '可', '要', '该', '得', '必', '法', '需', '用',
];
/// Japanese negative endings; にくい ("hard to") reads as one too, so
/// 破れにくい and 簡単には破れない say the same.
const NEGATORS_JA: &[&str] = &["ない", "ません", "せず", "ずに", "にくい"];
/// Japanese particles that end the read-back from a negator.
const JA_PARTICLES: &[char] = &['を', 'が', 'は', 'に', 'で', 'と', 'の', 'も', 'へ', '、', '。'];

/// "Is it useful…?", "不是食肉目动物吗？", "Замерзает ли он?": a question
/// asked for a yes or a no, whose negation is the asker's, not a claim. A
/// "why" question presupposes its claim and is read as one.
fn is_yes_no_question(sentence: &str) -> bool {
    if !sentence.ends_with(['?', '？']) {
        return false;
    }
    let lower = sentence.to_lowercase();
    let first = crate::text::words(&lower)
        .first()
        .map(|w| w.to_string())
        .unwrap_or_default();
    const AUXILIARIES: &[&str] = &[
        "is", "are", "was", "were", "do", "does", "did", "can", "could", "must", "should", "will", "would",
        "may", "has", "have", "isn't", "aren't", "doesn't", "don't", "can't",
    ];
    AUXILIARIES.contains(&first.as_str())
        || lower.contains('吗')
        || lower.contains(" ли ")
        || lower.trim_end_matches(['?', '？']).ends_with('か')
}

/// Content words a Latin or Cyrillic negator governs.
const NEGATION_SCOPE: usize = 2;

/// Phrases whose negator does not deny ("has no choice but to accept").
const NOT_NEGATIONS_LATIN: &[(&str, &str)] = &[
    ("no", "choice"),
    ("not", "only"),
    ("no", "matter"),
    ("no", "doubt"),
    ("nothing", "but"),
];
/// Verbs that negate without counting as a negation of their own (the
/// counted ones are `NEGATIVE_VERBS`); either, negated, affirms: "not
/// ignore", "not avoid".
const NEGATING_HEADS: &[&str] = &[
    "ignor", "omit", "exclud", "skip", "hid", "lack", "miss", "forget", "fail",
];
/// Words that make an exception, negating what follows by scope.
const EXCEPTIONS: &[&str] = &[
    "except",
    "all but",
    "other than",
    "excluding",
    "кроме",
    "除了",
    "以外",
];

/// Words that lower a claim's polarity as a negator does ("rarely used"
/// for "won't often use"): counted, with no term of their own.
const NEGATIVE_ADVERBS: &[&str] = &["rarely", "seldom", "hardly", "barely", "scarcely"];
/// Verbs that carry a negation ("rejects any reference that outlives" for
/// "no reference outlives"), by stem: counted like the adverbs.
const NEGATIVE_VERBS: &[&str] = &[
    "reject",
    "prevent",
    "forbid",
    "refus",
    "prohibit",
    "disallow",
    "avoid",
    "disabl",
    "избега",
    "избеж",
    "предотвра",
    "запрещ",
    "отказ",
    "отверг",
];

/// The scopes of a sentence's negators (one or two terms each), added to
/// `out`, and how many negators it has, added to `count`.
fn negated_in_sentence(text: &str, count: &mut usize, out: &mut Vec<Vec<String>>) {
    negated_words(text, count, out);
    negated_chinese(text, count, out);
    negated_japanese(text, count, out);
}

/// Latin and Cyrillic negators: a scope of the next content words.
fn negated_words(text: &str, count: &mut usize, out: &mut Vec<Vec<String>>) {
    let lower = text.to_lowercase().replace('’', "'");
    let ranges: Vec<std::ops::Range<usize>> = crate::text::word_ranges(&lower).collect();
    for (i, r) in ranges.iter().enumerate() {
        let w = lower[r.clone()].trim_matches('\'');
        if NEGATIVE_ADVERBS.contains(&w) || NEGATIVE_VERBS.iter().any(|v| w.starts_with(v)) {
            *count += 1;
            continue;
        }
        // Hyphenated negations: royalty-free, cost-less; non-exclusive.
        let after = &lower[r.end..];
        if (after.starts_with("-free") || after.starts_with("-less"))
            && let Some(term) = single_term(w)
        {
            *count += 1;
            out.push(vec![term]);
            continue;
        }
        if w == "non" && after.starts_with('-') {
            *count += 1;
            if let Some(term) = ranges.get(i + 1).and_then(|n| single_term(&lower[n.clone()])) {
                out.push(vec![term]);
            }
            continue;
        }
        // Russian writes "not" into the word (неоткрытых, неверно): the
        // rest of the word is negated, with the word after it.
        if let Some(rest) = w.strip_prefix("не")
            && rest.chars().count() >= 5
            && !RU_NE_WORDS.iter().any(|n| w.starts_with(n))
            && let Some(term) = single_term(rest)
        {
            *count += 1;
            let mut scope = vec![term];
            scope.extend(ranges.get(i + 1).and_then(|n| single_term(&lower[n.clone()])));
            out.push(scope);
            continue;
        }
        let next_word = ranges.get(i + 1).map(|n| &lower[n.clone()]);
        // "rather than" negates what follows ("a trait rather than a type").
        let negator = (w == "rather" && next_word == Some("than"))
            || NEGATORS_LATIN.contains(&w)
            || w.ends_with("n't")
            || NEGATORS_CYRILLIC.contains(&w);
        if !negator
            || NOT_NEGATIONS_LATIN
                .iter()
                .any(|&(a, b)| a == w && next_word == Some(b))
        {
            continue;
        }
        *count += 1;
        let mut end = r.end;
        let mut scope = Vec::new();
        for next in &ranges[i + 1..] {
            if RU_AUXILIARIES.contains(&&lower[next.clone()]) {
                end = next.end;
                continue;
            }
            // The clause ends at punctuation between the words.
            if lower[end..next.start].contains([',', ';', ':', '.', '—', '(', ')', '?', '!']) {
                break;
            }
            end = next.end;
            // The first two content words: "won't often use boxes" negates
            // the use of boxes, not "often".
            if let Some(term) = single_term(&lower[next.clone()]) {
                scope.push(term);
                if scope.len() == NEGATION_SCOPE {
                    break;
                }
            }
        }
        if !scope.is_empty() {
            out.push(scope);
        }
    }
}

/// Chinese negators: the two characters after, past 是/能/有… .
fn negated_chinese(text: &str, count: &mut usize, out: &mut Vec<Vec<String>>) {
    let mut zh = text.to_owned();
    for verb in ZH_NEGATING_VERBS {
        zh = zh.replace(verb, "没有");
    }
    let chars: Vec<char> = zh.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        if !NEGATORS_ZH.contains(&c) {
            continue;
        }
        let compound: String = chars[k..(k + 2).min(chars.len())].iter().collect();
        if NOT_NEGATIONS_ZH.contains(&compound.as_str()) {
            continue;
        }
        *count += 1;
        let mut j = k + 1;
        while j < chars.len() && (ZH_AUXILIARIES.contains(&chars[j]) || NEGATORS_ZH.contains(&chars[j])) {
            j += 1;
        }
        // Two characters, or none: a single one (光) matches too much.
        let run: String = chars[j..].iter().take_while(|&&d| is_cjk(d)).take(2).collect();
        if run.chars().count() == 2 {
            out.push(vec![run]);
        }
    }
}

/// Japanese negative endings: the kanji stem of the verb before them.
fn negated_japanese(text: &str, count: &mut usize, out: &mut Vec<Vec<String>>) {
    for neg in NEGATORS_JA {
        for (at, _) in text.match_indices(neg) {
            *count += 1;
            let before: Vec<char> = text[..at].chars().rev().take(6).collect();
            // Read back over at most three kana of the verb ending to its
            // kanji stem, stopping at a particle.
            let kana = before
                .iter()
                .take_while(|&&d| ('\u{3041}'..='\u{309F}').contains(&d) && !JA_PARTICLES.contains(&d))
                .count();
            if kana > 3 {
                continue;
            }
            let stem: String = before[kana..]
                .iter()
                .take_while(|&&d| is_cjk(d) && !('\u{3041}'..='\u{30FF}').contains(&d))
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if !stem.is_empty() {
                out.push(vec![stem]);
            }
        }
    }
}

/// A word's alignment term, if it is a content word.
fn single_term(word: &str) -> Option<String> {
    alignment_terms(word)
        .into_iter()
        .find(|t| !t.chars().all(|c| c.is_ascii_digit()))
}

/// Whether `term` occurs in `text`'s alignment terms, or as a CJK substring.
fn mentions(text: &str, terms: &WordSet, term: &str) -> bool {
    terms.contains(term) || (term.chars().next().is_some_and(is_cjk) && text.contains(term))
}

/// A term one side negates while the other says it unnegated: (the term,
/// whether the rewrite added the negation).
///
/// A negation kept elsewhere in the text (a neighbouring group) is no flip.
fn flipped_negation(src: &[&Unit], rw: &[&Unit], whole: &WholeNegations) -> Option<(String, bool)> {
    let (src_side, rw_side) = (Polarity::of(src), Polarity::of(rw));
    if src_side.count == 0 && rw_side.count == 0 {
        return None;
    }
    // A whole negated phrase the other side states unnegated.
    // Of the negated phrase's words, those the other side says it says
    // unnegated (one at least), and the first side never says them
    // unnegated.
    let flipped = |from: &Polarity, to: &Polarity, whole_to: &[String]| {
        from.scopes
            .iter()
            .find(|scope| {
                let said: Vec<&String> = scope.iter().filter(|t| to.mentions(t)).collect();
                // A negated verb that negates ("do not ignore entries") says
                // what "include entries" says: only the verb said again tells.
                let double_negative = scope.first().is_some_and(|head| {
                    NEGATING_HEADS
                        .iter()
                        .chain(NEGATIVE_VERBS)
                        .any(|v| head.starts_with(v))
                        && !to.mentions(head)
                });
                !double_negative
                    && !said.is_empty()
                    && said.iter().all(|t| {
                        to.affirmations(t) > from.affirmations(t)
                            && !to.negates(t)
                            && !to.excepts(t)
                            && !whole_to.contains(*t)
                    })
            })
            .map(|scope| scope.join(" "))
    };
    let dropped = flipped(&src_side, &rw_side, &whole.rewrite);
    let added = flipped(&rw_side, &src_side, &whole.source);
    // A paraphrase moves negations around ("won't be able to" → "cannot
    // prove"); a flip changes how many there are, or moves one from a term
    // to another the source affirms ("not by mass but by charge" → "by mass,
    // not by charge").
    let (src_count, rw_count) = (src_side.count, rw_side.count);
    match (dropped, added) {
        (Some(t), Some(_)) if src_count == rw_count => Some((t, false)),
        (Some(t), _) if src_count > rw_count => Some((t, false)),
        (_, Some(t)) if rw_count > src_count => Some((t, true)),
        _ => None,
    }
}

/// What the whole source and the whole rewrite negate.
struct WholeNegations {
    source: Vec<String>,
    rewrite: Vec<String>,
}

/// What a text negates and affirms, sentence by sentence; a yes/no
/// question does neither.
struct Polarity<'a> {
    count: usize,
    /// The terms each negator governs.
    scopes: Vec<Vec<String>>,
    /// Per asserting sentence: its text, its terms and what it negates.
    sentences: Vec<(&'a str, &'a WordSet, Vec<String>)>,
}

impl<'a> Polarity<'a> {
    fn of(units: &[&'a Unit<'a>]) -> Self {
        let mut out = Polarity {
            count: 0,
            scopes: Vec::new(),
            sentences: Vec::new(),
        };
        for unit in units {
            for a in &unit.assertions {
                out.count += a.count;
                out.scopes.extend(a.scopes.iter().cloned());
                let negated = a.scopes.iter().flatten().cloned().collect();
                out.sentences
                    .push((a.text, a.terms.as_ref().unwrap_or(&unit.terms), negated));
            }
        }
        out
    }

    /// How many times its sentences say `term` unnegated: in
    /// "最後の噴火は宝永噴火で、それ以降は噴火していない" 噴火 is said three
    /// times and negated once, so affirmed twice.
    fn affirmations(&self, term: &str) -> usize {
        self.sentences
            .iter()
            .map(|(text, terms, negated)| {
                let said = if term.chars().next().is_some_and(is_cjk) {
                    text.matches(term).count()
                } else {
                    usize::from(terms.contains(term))
                };
                said.saturating_sub(negated.iter().filter(|n| *n == term).count())
            })
            .sum()
    }

    fn mentions(&self, term: &str) -> bool {
        self.sentences
            .iter()
            .any(|(text, terms, _)| mentions(text, terms, term))
    }

    /// Whether a sentence that mentions `term` makes an exception ("all
    /// but the implied entries", "everything except"): it negates by scope.
    fn excepts(&self, term: &str) -> bool {
        self.sentences.iter().any(|(text, terms, _)| {
            if !mentions(text, terms, term) {
                return false;
            }
            let lower = text.to_lowercase();
            let words = crate::text::words(&lower);
            EXCEPTIONS.iter().any(|e| {
                if e.chars().next().is_some_and(is_cjk) {
                    lower.contains(e)
                } else {
                    words.windows(e.split(' ').count()).any(|w| w.join(" ") == *e)
                }
            })
        })
    }

    fn negates(&self, term: &str) -> bool {
        self.scopes.iter().flatten().any(|t| t == term)
    }
}

/// Opposite words: a group whose source uses the first more often than its
/// rewrite while the rewrite uses the second more often (or the other way
/// round) reversed a direction or an order.
const DIRECTION_PAIRS: &[(&[&str], &[&str])] = &[
    (&["before", "earlier", "prior"], &["after", "later"]),
    (&["first", "earliest"], &["last", "latest"]),
    (&["top", "begin", "beginning"], &["bottom"]),
    (&["にくい"], &["やすい"]),
    (
        &["increasing", "increase", "increases", "ascending"],
        &["decreasing", "decrease", "decreases", "descending"],
    ),
    (
        &["more", "most", "larger", "bigger", "greater"],
        &["less", "least", "fewer", "smaller"],
    ),
    (&["higher", "highest"], &["lower", "lowest"]),
    (&["faster", "efficient"], &["slower", "inefficient"]),
    (&["inside", "within", "part"], &["outside"]),
    (&["unsigned"], &["signed"]),
    (&["immutable"], &["mutable"]),
    (&["stack"], &["heap"]),
    (&["same", "similar"], &["opposite", "different"]),
    (
        &["complicated", "complex", "harder", "stricter"],
        &["simpler", "easier", "looser"],
    ),
    (&["longest", "longer"], &["shortest", "shorter"]),
    (&["filed", "filing"], &["judgment", "judgement"]),
    (&["unlike"], &["like"]),
    (&["secure", "safest"], &["insecure", "least"]),
    (&["之前", "以前", "前"], &["之后", "以后", "后"]),
    (&["早"], &["晚"]),
    (&["吸收"], &["反射"]),
    (&["增加", "增长"], &["减少"]),
    (&["低"], &["高"]),
    (&["前"], &["後"]),
    (&["直前", "開幕"], &["直後", "閉幕"]),
    (&["最後"], &["最初"]),
    (&["長い", "長く"], &["短い", "短く"]),
    (&["北上", "北へ"], &["南下", "南へ"]),
    (&["возрастан", "увелич"], &["убыван", "уменьш"]),
    (&["впадает"], &["вытекает"]),
    (&["длинн"], &["коротк"]),
    (&["до", "перед"], &["после"]),
    (&["以前", "より前"], &["以降", "以後", "から後"]),
    // Compass points.
    (&["east", "eastern"], &["west", "western"]),
    (&["north", "northern"], &["south", "southern"]),
    (&["东"], &["西"]),
    (&["東"], &["西"]),
    (&["北"], &["南"]),
    (&["восто", "восточн"], &["запад"]),
    (&["север"], &["юг", "южн"]),
];

/// Occurrences of any of `forms` in `text`: as words for Latin and Cyrillic
/// forms (a Cyrillic form matches a word's start), as substrings for CJK.
fn count_forms(text: &Lowered, forms: &[&str]) -> usize {
    forms
        .iter()
        .map(|f| {
            let first = f.chars().next();
            if first.is_some_and(is_cjk) {
                if text.has_cjk {
                    text.lower.matches(f).count()
                } else {
                    0
                }
            } else if first.is_some_and(is_cyrillic) {
                if text.has_cyrillic {
                    text.words.iter().filter(|w| w.starts_with(f)).count()
                } else {
                    0
                }
            } else {
                text.counts.get(*f).copied().unwrap_or(0)
            }
        })
        .sum()
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// A text lower-cased and split into words once, with each word's count,
/// for the word counts of the direction and modality checks (thirty-odd
/// word lists against every aligned group).
struct Lowered {
    lower: String,
    words: Vec<String>,
    counts: rustc_hash::FxHashMap<String, usize>,
    has_cjk: bool,
    has_cyrillic: bool,
}

impl Lowered {
    fn new(text: &str) -> Self {
        let lower = text.to_lowercase();
        let words: Vec<String> = crate::text::words(&lower)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut counts = rustc_hash::FxHashMap::default();
        for w in &words {
            *counts.entry(w.clone()).or_insert(0) += 1;
        }
        Self {
            has_cjk: lower.chars().any(is_cjk),
            has_cyrillic: lower.chars().any(is_cyrillic),
            lower,
            words,
            counts,
        }
    }
}

/// The first of `forms` that `text` uses.
fn first_form(text: &Lowered, forms: &[&str]) -> Option<String> {
    forms
        .iter()
        .find(|f| count_forms(text, &[f]) > 0)
        .map(|f| (*f).to_owned())
}

/// The pair of forms that shifted from one side to the other, if any.
fn shifted(src: &Lowered, rw: &Lowered, a: &[&str], b: &[&str]) -> Option<(String, String)> {
    shift_of(pair_counts(src, rw, a, b), src, rw, a, b)
}

/// How often the source and the rewrite say each side of a pair: [source
/// a, source b, rewrite a, rewrite b].
fn pair_counts(src: &Lowered, rw: &Lowered, a: &[&str], b: &[&str]) -> [usize; 4] {
    [
        count_forms(src, a),
        count_forms(src, b),
        count_forms(rw, a),
        count_forms(rw, b),
    ]
}

/// [`shifted`] on counts already taken.
fn shift_of(
    [sa, sb, ra, rb]: [usize; 4],
    src: &Lowered,
    rw: &Lowered,
    a: &[&str],
    b: &[&str],
) -> Option<(String, String)> {
    let first_found = |text: &Lowered, forms: &[&str]| first_form(text, forms).unwrap_or_default();
    if ra < sa && rb > sb {
        Some((first_found(src, a), first_found(rw, b)))
    } else if rb < sb && ra > sa {
        Some((first_found(src, b), first_found(rw, a)))
    } else {
        None
    }
}

/// Units of one kind: a group whose rewrite uses one less and another more
/// than its source changed a quantity ("three days" → "three weeks").
const UNIT_FAMILIES: &[&[&str]] = &[
    &["seconds", "minutes", "hours", "days", "weeks", "months", "years"],
    &["second", "minute", "hour", "day", "week", "month", "year"],
    &[
        "bits",
        "bytes",
        "kilobytes",
        "megabytes",
        "gigabytes",
        "kb",
        "mb",
        "gb",
        "kib",
        "mib",
        "gib",
    ],
    &[
        "metres",
        "meters",
        "kilometres",
        "kilometers",
        "km",
        "miles",
        "feet",
    ],
    &["天", "周", "小时", "分钟"],
    &["секунд", "минут", "час", "недел", "месяц", "сут"],
];

/// A unit of the group's source exchanged for another of its kind.
fn changed_unit(src: &Lowered, rw: &Lowered) -> Option<(String, String)> {
    for family in UNIT_FAMILIES {
        let counts: Vec<(usize, usize)> = family
            .iter()
            .map(|u| (count_forms(src, &[u]), count_forms(rw, &[u])))
            .collect();
        let fewer = counts.iter().position(|(s, r)| r < s);
        let more = counts.iter().position(|(s, r)| r > s);
        if let (Some(a), Some(b)) = (fewer, more) {
            return Some((family[a].to_owned(), family[b].to_owned()));
        }
    }
    None
}

/// Words of necessity and certainty, of permission, and hedges; possibility
/// is the last two together (a rewrite may add "can" to explain; it may not
/// add "usually").
const NECESSARY: &[&str] = &[
    "must",
    "require",
    "requires",
    "always",
    "never",
    "required",
    "shall",
    "mandatory",
    "exactly",
    "definitely",
    "forced",
    "必须",
    "一定",
    "总是",
    "只能",
    "只有",
    "务必",
    "必ず",
    "絶対",
    "обязан",
    "обязательно",
    "должен",
    "должна",
    "всегда",
    "ровно",
];
const PERMISSIONS: &[&str] = &[
    "may",
    "can",
    "could",
    "allow",
    "allows",
    "allowed",
    "permit",
    "permits",
    "permitted",
    "позволя",
    "разреша",
    "optional",
    "rarely",
    "可以",
    "ことがある",
    "могут",
    "может",
    "примерно",
    "около",
];
const HEDGES: &[&str] = &[
    "might",
    "possibly",
    "perhaps",
    "probably",
    "usually",
    "often",
    "sometimes",
    "ideally",
    "generally",
    "plausibly",
    "可能",
    "也许",
    "通常",
    "或许",
    "かもしれない",
    "возможно",
    "обычно",
    "иногда",
];

/// How often: a claim hedged by one of these and restated with always or
/// never ("rarely pays" → "never pays") was made absolute.
const FREQUENCIES: &[&str] = &[
    "rarely",
    "seldom",
    "often",
    "usually",
    "sometimes",
    "generally",
    "occasionally",
    "typically",
    "mostly",
    "frequently",
    "通常",
    "经常",
    "有时",
    "往往",
    "時々",
    "よく",
    "たいてい",
    "часто",
    "иногда",
    "обычно",
    "редко",
];
const ABSOLUTES: &[&str] = &[
    "always",
    "never",
    "总是",
    "从不",
    "从来",
    "いつも",
    "決して",
    "всегда",
    "никогда",
];

/// A frequency made absolute or an absolute hedged: (from, to).
fn frequency_change(src: &Lowered, rw: &Lowered) -> Option<(String, String)> {
    let (sf, rf) = (count_forms(src, FREQUENCIES), count_forms(rw, FREQUENCIES));
    let (sa, ra) = (count_forms(src, ABSOLUTES), count_forms(rw, ABSOLUTES));
    let first = |text: &Lowered, forms: &[&str]| first_form(text, forms).unwrap_or_default();
    if ra > sa && rf < sf {
        Some((first(src, FREQUENCIES), first(rw, ABSOLUTES)))
    } else if sa > ra && sf < rf {
        Some((first(src, ABSOLUTES), first(rw, FREQUENCIES)))
    } else {
        None
    }
}

/// "needs to", "has to", "have to": necessity in two words.
fn must_phrases(text: &Lowered) -> usize {
    let words = &text.words;
    // "does not have to" says the opposite: no necessity.
    words
        .windows(3)
        .filter(|w| {
            matches!(w[1].as_str(), "need" | "needs" | "has" | "have" | "had")
                && w[2] == "to"
                && !(w[0] == "not" || w[0].ends_with("n't"))
        })
        .count()
}

fn modality_change(src: &Lowered, rw: &Lowered) -> Option<(String, String)> {
    let count = |text: &Lowered, forms: &[&str]| count_forms(text, forms);
    let (sn, sp, sh) = (
        count(src, NECESSARY) + must_phrases(src),
        count(src, PERMISSIONS) + count(src, HEDGES),
        count(src, HEDGES),
    );
    let (rn, rp, rh) = (
        count(rw, NECESSARY) + must_phrases(rw),
        count(rw, PERMISSIONS) + count(rw, HEDGES),
        count(rw, HEDGES),
    );
    let first = |text: &Lowered, forms: &[&str]| {
        first_form(text, forms).unwrap_or_else(|| "(no modal word)".to_owned())
    };
    // "never" is also a negator: alone it is no claim of necessity.
    let (sa, ra) = (count(src, &["never"]), count(rw, &["never"]));
    let weakened = (rn < sn && rp > sp) || (rh > sh && rp > sp && rn <= sn);
    let strengthened = (rn > sn && rp < sp) || (rn - ra > sn - sa && sn == sa);
    if let Some(change) = frequency_change(src, rw) {
        Some(change)
    } else if weakened {
        Some((
            first(src, NECESSARY),
            first(rw, HEDGES).replace("(no modal word)", &first(rw, PERMISSIONS)),
        ))
    } else if strengthened {
        Some((
            first(src, PERMISSIONS).replace("(no modal word)", &first(src, HEDGES)),
            first(rw, NECESSARY),
        ))
    } else {
        None
    }
}

/// A value of the group's source missing from its rewrite while the rewrite
/// states a value the source never does.
fn changed_value(
    (src, lowered_src): (&str, &Lowered),
    (rw, lowered_rw): (&str, &Lowered),
    source_values: &[u64],
) -> Option<(u64, u64)> {
    let (src_values, rw_values) = (stated_values(src, lowered_src), stated_values(rw, lowered_rw));
    let lost = src_values.iter().find(|v| !rw_values.contains(v))?;
    // "one" may be an article; a value changed into one is not read.
    let gained = rw_values
        .iter()
        .find(|v| **v != 1 && !source_values.contains(v))?;
    Some((*lost, *gained))
}

/// Whole values a text states: in digits, as English cardinal words, or as
/// CJK numerals (两万, 四百, 二十万).
fn stated_values(text: &str, lowered: &Lowered) -> Vec<u64> {
    // Counts said without a number word, beside the cardinals.
    const COUNT_WORDS: [(&str, u64); 4] = [("once", 1), ("twice", 2), ("both", 2), ("dozen", 12)];
    let mut out: Vec<u64> = numbers(text)
        .into_iter()
        .filter_map(|m| match m.quantity {
            crate::numbers::Quantity::Value(v) if v.fract() == 0.0 && (0.0..1e15).contains(&v) => {
                Some(v as u64)
            }
            _ => None,
        })
        .collect();
    for &(word, v) in crate::numbers::CARDINALS.iter().chain(&COUNT_WORDS) {
        let n = lowered.counts.get(word).copied().unwrap_or(0);
        out.extend(std::iter::repeat_n(v, n));
    }
    if lowered.has_cjk {
        out.extend(cjk_numerals(text));
    }
    out
}

/// Values of runs of CJK numerals.
pub(crate) fn cjk_numerals(text: &str) -> Vec<u64> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u64)
            .or(if c == '两' { Some(2) } else { None })
    };
    let unit = |c: char| match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        '万' => Some(10_000),
        _ => None,
    };
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() && unit(chars[i]).is_none() {
            i += 1;
            continue;
        }
        let (mut total, mut section, mut current) = (0u64, 0u64, 0u64);
        let mut any_digit = false;
        while i < chars.len() {
            let c = chars[i];
            if let Some(d) = digit(c) {
                current = d;
                any_digit = true;
            } else if let Some(u) = unit(c) {
                if u == 10_000 {
                    total += (section + current.max(u64::from(!any_digit))) * u;
                    section = 0;
                } else {
                    section += current.max(1) * u;
                }
                current = 0;
            } else {
                break;
            }
            i += 1;
        }
        let value = total + section + current;
        if value > 0 {
            out.push(value);
        }
    }
    out
}

/// A name of the source that the group's rewrite drops while naming
/// another name of the source more often than the group's source does.
fn swapped_name(
    rw: &str,
    in_group: &[(&String, usize, usize)],
    source_names: &[String],
) -> Option<(String, String)> {
    let count = crate::names::count_name;
    let lost = in_group.iter().find(|(_, _, in_rw)| *in_rw == 0)?.0;
    let in_src = |n: &String| {
        in_group
            .iter()
            .find(|(m, _, _)| *m == n)
            .map_or(0, |(_, c, _)| *c)
    };
    let gained = source_names
        .iter()
        .find(|n| !lost.contains(n.as_str()) && !n.contains(lost.as_str()) && count(rw, n) > in_src(n))?;
    Some((lost.clone(), gained.clone()))
}

/// The sentences of `block` as units; a question and its answer ("What is
/// an integer? A number without…") are one unit, as the claim needs both.
fn push_block<'a>(out: &mut Vec<Unit<'a>>, block: &'a str) {
    let offset = |s: &str| s.as_ptr() as usize - block.as_ptr() as usize;
    let mut question: Option<usize> = None;
    for s in sentences(block) {
        let start = question.take().unwrap_or_else(|| offset(s));
        if s.ends_with(['?', '？']) {
            question = Some(start);
            continue;
        }
        let text = &block[start..offset(s) + s.len()];
        let terms = alignment_terms(text);
        if !terms.is_empty() {
            out.push(Unit::new(text, terms));
        }
    }
    if let Some(start) = question {
        let text = block[start..].trim_end();
        out.push(Unit::new(text, alignment_terms(text)));
    }
}

/// Sentences, with bullets and lines of a list as units of their own.
fn units(text: &str) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    let mut block_start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let bullet = t.starts_with(['-', '*', '•', '・', '→'])
            || t.split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()));
        if bullet && offset > block_start {
            push_block(&mut out, &text[block_start..offset]);
            block_start = offset;
        }
        offset += line.len();
    }
    push_block(&mut out, &text[block_start..]);
    out
}

/// Content words for alignment: concept words without negators (a flipped
/// claim still aligns), Cyrillic words cut to a five-letter stem (Russian
/// inflects heavily), numbers as written.
fn alignment_terms(sentence: &str) -> WordSet {
    let mut terms: WordSet = concept_words(sentence)
        .into_iter()
        .filter(|t| t != "not")
        .map(|t| {
            if t.chars()
                .next()
                .is_some_and(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
            {
                t.chars().take(CYRILLIC_STEM).collect()
            } else {
                t
            }
        })
        .collect();
    for n in numbers(sentence) {
        terms.insert(n.written);
    }
    // CJK words are not delimited and paraphrase reshuffles them: single
    // ideographs (not kana, not function characters) align what bigrams miss.
    for c in sentence.chars() {
        if is_cjk(c) && !('\u{3040}'..='\u{30FF}').contains(&c) && !CJK_FUNCTION_CHARS.contains(&c) {
            terms.insert(c.to_string());
        }
    }
    terms
}

/// Chinese characters too common to say which sentence carries a fact.
const CJK_FUNCTION_CHARS: &[char] = &[
    '的', '了', '是', '在', '和', '与', '把', '被', '这', '那', '个', '一', '也', '都', '就', '而', '及',
    '或', '之', '其', '为', '以', '于', '着', '很', '们', '它', '他', '她', '我', '你', '有', '中', '上',
    '下', '不', '要', '会', '能', '可', '从', '到', '对', '说', '时', '后', '前', '来', '去', '地', '得',
    '所', '等', '年', '月', '日',
];

/// Letters a Cyrillic word is cut to for matching (шесть, шести; суток,
/// сутки): Russian inflects by the ending.
const CYRILLIC_STEM: usize = 4;

/// A sentence for a finding: whitespace folded, long ones cut.
fn quote(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= 160 {
        return folded;
    }
    let cut: String = folded.chars().take(157).collect();
    format!("{cut}…")
}
