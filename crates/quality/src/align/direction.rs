//! Direction: an order or direction word reversed ("before" → "after",
//! 增加 → 减少), or two opposites that traded what they say of.

use crate::lexicon::{DirectionPair, Lexicons};
use crate::text::sentences;
use crate::words::{Form, Lowered, count_forms, count_resolved, direction_pairs, first_form};

use super::entities::{TermCache, traded_places};
use super::{AlignedFinding, AlignmentFindings, Group};

/// The direction checks on one aligned group: a pair shifted from one side
/// to the other, or both sides' words traded places.
pub(super) fn in_group(group: &Group, out: &mut AlignmentFindings) {
    let (src, rw) = (&group.lowered_src, &group.lowered_rw);
    // Each pair counted once, for the shift and for the trade.
    let counts: Vec<(&DirectionPair, [usize; 4])> = direction_pairs(group.lex)
        .map(|(pair, forms)| (*pair, pair_counts(src, rw, forms)))
        .collect();
    if let Some((from, to)) = counts.iter().find_map(|&(pair, c)| shift_of(c, src, rw, pair)) {
        out.direction
            .push(group.finding(format!("direction: “{from}” became “{to}”; keep the direction")));
    }
    if let Some(((a, b), _)) = counts.iter().find(|&&((a, b), c)| {
        c.iter().all(|&n| n > 0) && {
            // Rare (both words on both sides): each part lower-cased here.
            let holds = |_: usize, _: usize, part: &str| {
                let part = Lowered::new(part);
                (
                    count_forms(&part, a.iter().copied()) > 0,
                    count_forms(&part, b.iter().copied()) > 0,
                )
            };
            let (src_parts, rw_parts) = group.parts();
            traded_places(
                (src_parts, &holds),
                (rw_parts, &holds),
                &[a, b],
                group.lex,
                &mut TermCache::default(),
            )
        }
    }) {
        out.direction.push(group.finding(format!(
            "direction: “{}” and “{}” traded what they say of; keep which goes with which",
            a[0], b[0]
        )));
    }
}

/// A reversed word in a sentence the alignment missed (a short rewrite
/// sentence, "和紙は繊維が短い。"): the same count over the whole texts.
/// Questions ask ("How are they different?"); they state no direction.
pub(super) fn in_text(
    (source, rewrite): (&str, &str),
    (whole_src, whole_rw): (&Lowered, &Lowered),
    lex: Lexicons,
    out: &mut AlignmentFindings,
) {
    let stated = |text: &str| {
        let kept: Vec<&str> = sentences(text)
            .into_iter()
            .filter(|s| !s.trim_end().ends_with(['?', '？']))
            .collect();
        Lowered::new(&kept.join(" "))
    };
    let asks = |text: &str| text.contains(['?', '？']);
    let (stated_src, stated_rw);
    let (src_text, rw_text) = if asks(source) || asks(rewrite) {
        (stated_src, stated_rw) = (stated(source), stated(rewrite));
        (&stated_src, &stated_rw)
    } else {
        (whole_src, whole_rw)
    };
    if let Some((from, to)) = direction_pairs(lex)
        .find_map(|(pair, forms)| shift_of(pair_counts(src_text, rw_text, forms), src_text, rw_text, pair))
    {
        out.direction.push(AlignedFinding::in_text(format!(
            "direction: “{from}” became “{to}” in the text; keep the direction"
        )));
    }
}

/// How often the source and the rewrite say each side of a pair: [source
/// a, source b, rewrite a, rewrite b].
fn pair_counts(src: &Lowered, rw: &Lowered, [a, b]: &[Box<[Form]>; 2]) -> [usize; 4] {
    [
        count_resolved(src, a),
        count_resolved(src, b),
        count_resolved(rw, a),
        count_resolved(rw, b),
    ]
}

/// The pair of forms that shifted from one side to the other, if any, on
/// counts already taken.
fn shift_of(
    [sa, sb, ra, rb]: [usize; 4],
    src: &Lowered,
    rw: &Lowered,
    (a, b): &DirectionPair,
) -> Option<(String, String)> {
    let first_found =
        |text: &Lowered, forms: &[&str]| first_form(text, forms.iter().copied()).unwrap_or_default();
    if ra < sa && rb > sb {
        Some((first_found(src, a), first_found(rw, b)))
    } else if rb < sb && ra > sa {
        Some((first_found(src, b), first_found(rw, a)))
    } else {
        None
    }
}
