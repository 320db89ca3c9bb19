//! Function words, removed before content-word recall and from the start
//! of capitalised names: each lexicon's `stop_words` (Chinese and Japanese
//! particles too, since each CJK character counts as a word).

use crate::lexicon::Lexicons;

/// Whether `word` (lower case) is a function word: one of the stop words
/// of a lexicon that applies to it (`Lexicons::for_text(word, None)`).
pub fn is_stop_word(word: &str) -> bool {
    // A word is a stop word of a lexicon applying to it exactly when it is
    // one of the stop words that lexicon applies to: the set is made once,
    // and asking costs one lookup, not the word's script and a lookup per
    // lexicon (every word of every report asks).
    STOP_WORDS.contains(word)
}

/// Every lexicon's stop words that the lexicon applies to themselves.
static STOP_WORDS: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        crate::lexicon::ALL
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.stop_words.iter().map(move |&s| (i, s)))
            .filter(|&(i, s)| Lexicons::for_text(s, None).positions().any(|p| p == i))
            .map(|(_, s)| s)
            .collect()
    });

#[cfg(test)]
mod one_lookup {
    use super::*;

    /// The set asks what the lexicons applying to the word would say, for
    /// every stop word of every lexicon (some apply to a script the word is
    /// not written in) and for words that are none.
    #[test]
    fn the_set_says_what_the_lexicons_applying_to_the_word_say() {
        let by_lexicons = |word: &str| {
            Lexicons::for_text(word, None)
                .iter()
                .any(|l| l.stop_words.contains(&word))
        };
        let words = crate::lexicon::ALL
            .iter()
            .flat_map(|l| l.stop_words.iter().copied())
            .chain(["ownership", "память", "所有権", "内存", "", "42", "the1"]);
        for word in words {
            assert_eq!(is_stop_word(word), by_lexicons(word), "{word:?}");
        }
    }
}
