//! Text units shared by the whole project: what a word is, what ends a
//! sentence. One definition, so that the chunker's `words` budget and the
//! quality crate's word counts always agree.

use std::ops::Range;

/// Han ideographs, kana, Hangul and their compatibility blocks: scripts written
/// without spaces, where each character counts as one word.
#[inline]
pub fn is_cjk(c: char) -> bool {
    // Below the first block (Latin, Cyrillic, Greek…: most characters of
    // most texts) one comparison answers; the checks ask this of every
    // character.
    if (c as u32) < 0x1100 {
        return false;
    }
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x2E80..=0x2FDF    // CJK radicals, Kangxi radicals
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3100..=0x312F    // Bopomofo
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9D    // half-width Katakana
        | 0x20000..=0x3FFFF  // CJK extensions B and later
    )
}

/// Characters that make up a (non-CJK) word.
#[inline]
fn is_word_char(c: char) -> bool {
    // ASCII first: most text is, and the Unicode tables cost a lookup.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    // The basic Cyrillic letters are all letters; CJK is never a word
    // character here. Both skip the Unicode table search.
    if matches!(c, 'А'..='я' | 'Ё' | 'ё') {
        return true;
    }
    !is_cjk(c) && (c.is_alphanumeric() || is_combining_mark(c))
}

/// Combining marks continue the word they follow (Devanagari vowel signs, accents).
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x097F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
        && !c.is_alphanumeric()
}

/// Apostrophes inside a word ("don't", "l’homme") keep it one word.
fn is_inner_joiner(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Byte ranges of the words of `text`: runs of letters, digits and `_`
/// (joined across an inner apostrophe, and across `.` or `,` between digits:
/// `3.5` and `1,000` are one word), and each CJK character on its own.
pub fn word_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    // Read byte by byte where the text is ASCII (most of it, in most
    // corpora) and decode a character only where a byte says one starts:
    // every check of a fidelity report splits its texts with this.
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            let (c, len) = char_at(text, pos)?;
            let start = pos;
            pos += len;
            if is_cjk(c) {
                return Some(start..pos);
            }
            if !is_word_char(c) {
                continue;
            }
            let mut prev = c;
            while let Some((next, len)) = char_at(text, pos) {
                // The character after `next`, needed only around joiners.
                let after = || char_at(text, pos + len).map(|(a, _)| a);
                if is_word_char(next)
                    || (is_inner_joiner(next) && after().is_some_and(is_word_char))
                    || (matches!(next, '.' | ',')
                        && prev.is_ascii_digit()
                        && after().is_some_and(|a| a.is_ascii_digit()))
                {
                    pos += len;
                    prev = next;
                } else {
                    break;
                }
            }
            return Some(start..pos);
        }
    })
}

/// The character at byte `i` of `text` and its length in bytes, if any.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b.is_ascii() {
        return Some((b as char, 1));
    }
    let c = text[i..].chars().next()?;
    Some((c, c.len_utf8()))
}

/// How many words `text` has (see [`word_ranges`]).
pub fn word_count(text: &str) -> usize {
    word_ranges(text).count()
}

/// From `pos`, skips the punctuation that sticks to the word before it (no
/// whitespace, no word character in between) and returns where it ends.
pub fn end_of_trailing_punctuation(text: &str, pos: usize) -> usize {
    let mut end = pos;
    for c in text[pos..].chars() {
        if c.is_whitespace() || is_word_char(c) || is_cjk(c) {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// Marks that end a sentence when followed by whitespace (`.!?…`).
pub fn is_latin_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | ';')
}

/// Full-width marks that end a sentence with no space after them.
pub fn is_cjk_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '｡')
}

/// Closing quotes and brackets that may follow a sentence's final mark.
pub fn is_closing_punctuation(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '”' | '’' | '»' | '」' | '』' | '）' | '】' | '》' | '〉'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        word_ranges(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn words_follow_the_project_rule() {
        assert_eq!(
            words("Don't stop_now, 3.5 GHz!"),
            ["Don't", "stop_now", "3.5", "GHz"]
        );
        assert_eq!(words("Rust是一种语言"), ["Rust", "是", "一", "种", "语", "言"]);
        assert_eq!(words("  \n\t"), Vec::<&str>::new());
        assert_eq!(
            words("カタカナ와한글"),
            ["カ", "タ", "カ", "ナ", "와", "한", "글"]
        );
        assert_eq!(words("it's'"), ["it's"]);
        assert_eq!(words("1,000 items. 2.x"), ["1,000", "items", "2", "x"]);
    }

    #[test]
    fn trailing_punctuation_sticks_to_its_word() {
        let text = "end.) Next";
        assert_eq!(end_of_trailing_punctuation(text, 3), 5);
        assert_eq!(end_of_trailing_punctuation("a", 1), 1);
    }
}
