//! Word-level helpers the checks share: word sets, a text lower-cased and
//! counted once, and form counts by script (the ground floor: it uses
//! nothing of the checks).

use crate::text::is_cjk;

/// A set of folded words. FxHash: these sets are built for every chunk of
/// every rewrite, and SipHash's DoS resistance buys nothing here. (The same
/// type as `fidelity::WordSet`.)
pub(crate) type WordSet = rustc_hash::FxHashSet<String>;

/// Whether `c` is a Cyrillic letter.
pub(crate) fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Whether `c` is kana (hiragana or katakana).
pub(crate) fn is_kana(c: char) -> bool {
    ('\u{3040}'..='\u{30FF}').contains(&c)
}

/// Whether `term` occurs in `text`'s alignment terms, or as a CJK substring.
pub(crate) fn mentions(text: &str, terms: &WordSet, term: &str) -> bool {
    terms.contains(term) || (term.chars().next().is_some_and(is_cjk) && text.contains(term))
}

/// A text lower-cased and split into words once, with each word's count,
/// for the word counts of the direction and modality checks (thirty-odd
/// word lists against every aligned group).
pub(crate) struct Lowered {
    pub(crate) lower: String,
    pub(crate) words: Vec<String>,
    pub(crate) counts: rustc_hash::FxHashMap<String, usize>,
    has_cjk: bool,
    has_cyrillic: bool,
}

impl Lowered {
    pub(crate) fn new(text: &str) -> Self {
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

    /// Whether the text has any CJK character.
    pub(crate) fn has_cjk(&self) -> bool {
        self.has_cjk
    }
}

/// Occurrences of one form in `text`: as a word for a Latin form, at a
/// word's start for a Cyrillic one (Russian inflects by the ending), as a
/// substring for a CJK one.
pub(crate) fn count_form(text: &Lowered, form: &str) -> usize {
    let first = form.chars().next();
    if first.is_some_and(is_cjk) {
        if text.has_cjk {
            text.lower.matches(form).count()
        } else {
            0
        }
    } else if first.is_some_and(is_cyrillic) {
        if text.has_cyrillic {
            text.words.iter().filter(|w| w.starts_with(form)).count()
        } else {
            0
        }
    } else {
        text.counts.get(form).copied().unwrap_or(0)
    }
}

/// Occurrences of any of `forms` in `text` (see [`count_form`]).
pub(crate) fn count_forms<'f>(text: &Lowered, forms: impl IntoIterator<Item = &'f str>) -> usize {
    forms.into_iter().map(|f| count_form(text, f)).sum()
}

/// The first of `forms` that `text` uses.
pub(crate) fn first_form<'f>(text: &Lowered, forms: impl IntoIterator<Item = &'f str>) -> Option<String> {
    forms
        .into_iter()
        .find(|f| count_form(text, f) > 0)
        .map(str::to_owned)
}
