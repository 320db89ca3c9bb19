//! Modality: necessity made possibility or the other way round ("must" →
//! "may"), a hedge added, a frequency made absolute ("rarely" → "never").

use crate::lexicon::{Lexicon, Lexicons, is_word_pair};
use crate::words::{Lowered, count_lexicon_list, first_form};

use super::{AlignedFinding, AlignmentFindings, Group};

/// The modality check on one aligned group.
pub(super) fn in_group(group: &Group, out: &mut AlignmentFindings) {
    if let Some((from, to)) = modality_change(&group.lowered_src, &group.lowered_rw, group.lex) {
        out.modality.push(group.finding(format!(
            "modality: “{from}” became “{to}”; keep how certain or required it is"
        )));
    }
}

/// A frequency made absolute in a sentence the alignment missed (a terse
/// rewrite: "won't … very often" → "never pays").
pub(super) fn in_text(src: &Lowered, rw: &Lowered, lex: Lexicons, out: &mut AlignmentFindings) {
    if let Some((from, to)) = frequency_change(src, rw, lex) {
        out.modality.push(AlignedFinding::in_text(format!(
            "modality: “{from}” became “{to}” in the text; keep how often it holds"
        )));
    }
}

/// A frequency made absolute or an absolute hedged: (from, to).
fn frequency_change(src: &Lowered, rw: &Lowered, lex: Lexicons) -> Option<(String, String)> {
    let frequency = lex.words(|l| l.frequency);
    let absolutes = lex.words(|l| l.absolutes);
    let (sf, rf) = (
        count_lexicon_list(src, lex, |l| l.frequency),
        count_lexicon_list(rw, lex, |l| l.frequency),
    );
    let (sa, ra) = (
        count_lexicon_list(src, lex, |l| l.absolutes),
        count_lexicon_list(rw, lex, |l| l.absolutes),
    );
    if ra > sa && rf < sf {
        Some((
            first_form(src, frequency).unwrap_or_default(),
            first_form(rw, absolutes).unwrap_or_default(),
        ))
    } else if sa > ra && sf < rf {
        Some((
            first_form(src, absolutes).unwrap_or_default(),
            first_form(rw, frequency).unwrap_or_default(),
        ))
    } else {
        None
    }
}

/// Necessity in two words ("needs to", "has to"); "does not have to" says
/// the opposite: no necessity.
fn must_phrases(text: &Lowered, lex: Lexicons) -> usize {
    text.word_list()
        .windows(3)
        .filter(|w| {
            lex.words(|l| l.necessity_phrases)
                .any(|p| is_word_pair(p, w[1], w[2]))
                && !(lex.has_word(|l| l.negators, w[0])
                    || lex.words(|l| l.negative_contractions).any(|c| w[0].ends_with(c)))
        })
        .count()
}

fn modality_change(src: &Lowered, rw: &Lowered, lex: Lexicons) -> Option<(String, String)> {
    let count =
        |text: &Lowered, list: fn(&Lexicon) -> &'static [&'static str]| count_lexicon_list(text, lex, list);
    let (sn, sp, sh) = (
        count(src, |l| l.necessity) + must_phrases(src, lex),
        count(src, |l| l.permission) + count(src, |l| l.hedges),
        count(src, |l| l.hedges),
    );
    let (rn, rp, rh) = (
        count(rw, |l| l.necessity) + must_phrases(rw, lex),
        count(rw, |l| l.permission) + count(rw, |l| l.hedges),
        count(rw, |l| l.hedges),
    );
    let first = |text: &Lowered, list: fn(&Lexicon) -> &'static [&'static str]| {
        first_form(text, lex.words(list)).unwrap_or_else(|| "(no modal word)".to_owned())
    };
    // An absolute that is also a negator ("never"): alone it is no claim of
    // necessity.
    let (sa, ra) = (
        count(src, |l| l.negative_absolutes),
        count(rw, |l| l.negative_absolutes),
    );
    let weakened = (rn < sn && rp > sp) || (rh > sh && rp > sp && rn <= sn);
    let strengthened = (rn > sn && rp < sp) || (rn - ra > sn - sa && sn == sa);
    if let Some(change) = frequency_change(src, rw, lex) {
        Some(change)
    } else if weakened {
        Some((
            first(src, |l| l.necessity),
            first(rw, |l| l.hedges).replace("(no modal word)", &first(rw, |l| l.permission)),
        ))
    } else if strengthened {
        Some((
            first(src, |l| l.permission).replace("(no modal word)", &first(src, |l| l.hedges)),
            first(rw, |l| l.necessity),
        ))
    } else {
        None
    }
}
