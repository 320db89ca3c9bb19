//! A name said as the adjective made from it: Indonesian for Indonesia,
//! китайский for Китай.

use crate::analysis::Analysis;
use crate::names::{NameKind, NameMention};

/// Whether `rewrite` has a capitalised word of the same stem as the
/// one-word name `name` (Indonesian → Indonesia, Japan → Japanese): they
/// share all but the last letter of the shorter, of five or more.
pub(crate) fn same_stem_named(rewrite: &str, name: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    if name.len() < 5 || !name[0].is_uppercase() {
        return false;
    }
    rewrite
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.starts_with(name[0]))
        .any(|w| {
            let w: Vec<char> = w.chars().collect();
            let shorter = w.len().min(name.len());
            let common = w.iter().zip(&name).take_while(|(a, b)| a == b).count();
            shorter >= 5 && common + 1 >= shorter
        })
}

/// Letters a name's stem keeps, at least, for its adjective to be read.
const MIN_STEM: usize = 4;

/// A one-word name the rewrite says as its lower-case adjective, as
/// Russian does (чай из Китая → китайский чай, Урала → уральское): a word
/// that starts with the name less its last letter and goes on with one of
/// the lexicons' adjective suffixes.
pub(crate) fn kept_as_its_adjective(words: &Analysis, name: &NameMention) -> bool {
    if name.kind != NameKind::ProperName || name.text.contains([' ', '-']) {
        return false;
    }
    let lower = name.text.to_lowercase();
    let mut stem: Vec<char> = lower.chars().collect();
    stem.pop();
    if stem.len() < MIN_STEM {
        return false;
    }
    let stem: String = stem.into_iter().collect();
    let lex = crate::lexicon::Lexicons::for_text(&name.text, None);
    words.words().any(|w| {
        w.strip_prefix(stem.as_str())
            .is_some_and(|rest| lex.words(|l| l.adjective_suffixes).any(|s| rest.starts_with(s)))
    })
}
