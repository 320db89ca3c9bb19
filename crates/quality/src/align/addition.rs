//! Addition: a rewrite sentence that names something the source does not
//! (an unsupported claim), or an unaligned declarative sentence made of
//! words the source does not use.

use std::cell::OnceCell;

use rustc_hash::FxHashSet;

use crate::lexicon::Lexicons;
use crate::text::is_cjk;

use super::units::Unit;
use super::{AlignedFinding, AlignmentFindings, quote};

/// An unaligned sentence needs this many words new to the source to read
/// as a claim rather than glue ("Let's begin with integers.").
const MIN_NEW_TERMS: usize = 5;

/// Rewrite sentences that name something the source does not, and
/// unaligned declarative sentences made of words the source does not use.
pub(super) fn additions(
    source: &str,
    (src, rw): (&[Unit], &[Unit]),
    windows: &[Option<(usize, usize)>],
    rewrite_entities: &[String],
    lex: Lexicons,
    out: &mut AlignmentFindings,
) {
    let mut reported: Vec<usize> = Vec::new();
    // Whitespace folded (wrapped lines split names: "Secure\n    Transport")
    // and lower-cased; read only for a name the source does not have as
    // written (most names it has).
    let folded_cell = OnceCell::new();
    let folded_source = || -> &str {
        folded_cell.get_or_init(|| {
            source
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
    };
    // The source's words, for the common case of a one-word name: a set
    // lookup, not a scan of the source per name (an upper-cased rewrite
    // makes every word an acronym).
    let words_cell = OnceCell::new();
    let source_words = || -> &FxHashSet<&str> {
        words_cell.get_or_init(|| crate::text::words(folded_source()).into_iter().collect())
    };
    for name in rewrite_entities.iter().map(String::as_str) {
        if source.contains(name) {
            continue;
        }
        let lower = name.to_lowercase();
        // A path spelled from the source's words: `From::from` for "the from
        // function of the From trait".
        let spelled_path = || {
            name.contains("::")
                && name
                    .split("::")
                    .filter(|p| !p.is_empty())
                    .all(|p| source_words().contains(p.to_lowercase().as_str()))
        };
        // A dynasty is 隋朝 or 隋代.
        let dynasty = || {
            name.strip_suffix('朝')
                .is_some_and(|stem| source.contains(&format!("{stem}代")))
        };
        if source_words().contains(lower.as_str())
            || in_source(name, source, folded_source())
            || names_the_world(&lower, source_words(), lex)
            || dynasty()
            || spelled_path()
        {
            continue;
        }
        let Some(j) = rw.iter().position(|u| u.text.contains(name)) else {
            continue;
        };
        if !reported.contains(&j) {
            reported.push(j);
            out.additions.push(AlignedFinding::of_rewrite(
                rw[j].text,
                format!(
                    "unsupported claim: “{}” names “{name}”, which the source does not; remove what the source does not say",
                    quote(rw[j].text)
                ),
            ));
        }
    }
    // Read only for a rewrite sentence no source sentence aligned to.
    let terms_cell = OnceCell::new();
    let source_terms = || -> &FxHashSet<&str> {
        terms_cell.get_or_init(|| {
            src.iter()
                .flat_map(|u| u.terms.iter().map(String::as_str))
                .collect()
        })
    };
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
        let new = r
            .terms
            .iter()
            .filter(|t| !source_terms().contains(t.as_str()))
            .count();
        if new >= MIN_NEW_TERMS && new * 4 >= r.terms.len() * 3 {
            out.additions.push(AlignedFinding::of_rewrite(
                r.text,
                format!(
                    "unsupported claim: “{}” says what the source does not; remove it or rewrite a source sentence instead",
                    quote(r.text)
                ),
            ));
        }
    }
}

/// Whether a name of the rewrite is the Earth where the source says world
/// or planet ("на Земле" for "на планете", "on Earth" for "in the world"):
/// no new claim.
fn names_the_world(name: &str, source_words: &FxHashSet<&str>, lex: Lexicons) -> bool {
    lex.entries(|l| l.world_names).any(|(earth, nouns)| {
        name.starts_with(earth)
            && source_words
                .iter()
                .any(|w| nouns.iter().any(|n| w.starts_with(n)))
    })
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
