//! Entities: a name of the source swapped for another of its names, two
//! names that traded places, and the names, titles and CJK place names a
//! text mentions. Traded places serve the direction check too (two
//! opposites that traded what they say of).

use rustc_hash::FxHashMap;

use crate::lexicon::Lexicons;
use crate::names::{NameMention, count_name, has_name};
use crate::text::AdjacentBytes;
use crate::words::WordSet;

use super::segments::{Holds, Segments};
use super::units::alignment_terms;
use super::{AlignmentFindings, Group};

/// The entity checks on one aligned group: a name swapped, else two names
/// that traded places.
pub(super) fn in_group(group: &Group, source_names: &[String], out: &mut AlignmentFindings) {
    // The source's names in this group, with their counts on each side:
    // one pass over the names for both entity checks.
    let (src_bytes, rw_bytes) = (AdjacentBytes::of(group.src), AdjacentBytes::of(group.rw));
    let count = |text: &str, bytes: &AdjacentBytes, n: &str| {
        if bytes.may_hold(n) { count_name(text, n) } else { 0 }
    };
    let in_group: Vec<(&String, usize, usize)> = source_names
        .iter()
        .filter_map(|n| {
            let here = count(group.src, &src_bytes, n);
            (here > 0).then(|| (n, here, count(group.rw, &rw_bytes, n)))
        })
        .collect();
    let in_rewrite = |n: &str| count(group.rw, &rw_bytes, n);
    if let Some((from, to)) = swapped_name(&in_rewrite, &in_group, source_names) {
        out.entities.push(group.finding(format!(
            "entity: “{from}” became “{to}”; keep who or what it is about"
        )));
    } else if let Some((a, b)) = traded_names(group, &in_group) {
        out.entities.push(group.finding(format!(
            "entity: “{a}” and “{b}” traded places; keep who or what each claim is about"
        )));
    }
}

/// A name of the source that the group's rewrite drops while naming
/// another name of the source more often than the group's source does
/// (`in_rewrite`: how often the group's rewrite names a name).
fn swapped_name(
    in_rewrite: &dyn Fn(&str) -> usize,
    in_group: &[(&String, usize, usize)],
    source_names: &[String],
) -> Option<(String, String)> {
    let lost = in_group.iter().find(|(_, _, in_rw)| *in_rw == 0)?.0;
    let in_src = |n: &String| {
        in_group
            .iter()
            .find(|(m, _, _)| *m == n)
            .map_or(0, |(_, c, _)| *c)
    };
    let gained = source_names
        .iter()
        .find(|n| !lost.contains(n.as_str()) && !n.contains(lost.as_str()) && in_rewrite(n) > in_src(n))?;
    Some((lost.clone(), gained.clone()))
}

/// Two names of the source, each in a clause of its own on both sides,
/// whose clauses' other words went to the other name.
fn traded_names(group: &Group, in_group: &[(&String, usize, usize)]) -> Option<(String, String)> {
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
    let at = |text: &str| -> Vec<usize> {
        present
            .iter()
            .map(|n| text.find(n.as_str()).unwrap_or(0))
            .collect()
    };
    let (src_at, rw_at) = (at(group.src), at(group.rw));
    let reversed = |i: usize, j: usize| (src_at[i] < src_at[j]) != (rw_at[i] < rw_at[j]);
    if !(0..present.len()).any(|i| (i + 1..present.len()).any(|j| reversed(i, j))) {
        return None;
    }
    let (src, rw) = group.parts();
    // Which names each sentence and clause holds, found once per group.
    let masks = |seg: &Segments| -> [Vec<u64>; 2] {
        let mask = |part: &&str| {
            present
                .iter()
                .enumerate()
                .filter(|(_, n)| has_name(part, n))
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
            if traded_places((src, &src_holds), (rw, &rw_holds), &forms, group.lex, &mut cache) {
                return Some(((*a).clone(), (*b).clone()));
            }
        }
    }
    None
}

/// Alignment terms of the parts already read, by (side, level, index).
#[derive(Default)]
pub(super) struct TermCache(FxHashMap<(bool, usize, usize), WordSet>);

/// Whether `a` and `b`, each in a sentence or clause of its own in the
/// source and in the rewrite, traded the rest of it: the rewrite's part of
/// `a` shares more words with the source's part of `b` than with its own,
/// and the other way round ("吸收红光和蓝光，但反射绿光" → "反射红光和蓝光，
/// 但吸收绿光"; PKCS#12 and PEM exchanged between two engines). Every word
/// is still there, so no count changes; only which goes with which.
pub(super) fn traded_places(
    (src, src_holds): (&Segments, &Holds),
    (rw, rw_holds): (&Segments, &Holds),
    forms: &[&[&str]],
    lex: Lexicons,
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
            .or_insert_with(|| alignment_terms(seg.part(at), lex))
            .clone()
    };
    let (src_a, src_b) = (terms(false, src, src_a), terms(false, src, src_b));
    let (rw_a, rw_b) = (terms(true, rw, rw_a), terms(true, rw, rw_b));
    let compared: WordSet = forms
        .iter()
        .flat_map(|f| f.iter())
        .flat_map(|f| alignment_terms(f, lex))
        .collect();
    let context =
        |t: &String| !compared.contains(t) && !forms.iter().flat_map(|f| f.iter()).any(|f| t.starts_with(f));
    let shared = |x: &WordSet, y: &WordSet| x.iter().filter(|t| context(t) && y.contains(*t)).count();
    let own = shared(&rw_a, &src_a) + shared(&rw_b, &src_b);
    let crossed = shared(&rw_a, &src_b) + shared(&rw_b, &src_a);
    crossed >= own + 2 && shared(&rw_a, &src_b) > 0 && shared(&rw_b, &src_a) > 0
}

/// Names, acronyms and identifiers (possessive `'s` cut), CJK titles in
/// 《》 or 「」, and CJK place, office and dynasty names, of a text whose
/// names (`names::names`) are `found`.
pub(super) fn entities_of(text: &str, found: &[NameMention], lex: Lexicons) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in found {
        let t = n.text.trim_end_matches("'s").trim_end_matches("’s").to_owned();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out.extend(crate::cjk_names::place_names(text, lex));
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
