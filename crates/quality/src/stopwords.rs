//! Function words, removed before content-word recall and from the start
//! of capitalised names: each lexicon's `stop_words` (Chinese and Japanese
//! particles too, since each CJK character counts as a word).

use crate::lexicon::Lexicons;

/// Whether `word` (lower case) is a function word.
pub fn is_stop_word(word: &str) -> bool {
    Lexicons::for_text(word, None)
        .indexes()
        .any(|l| l.is_stop_word(word))
}
