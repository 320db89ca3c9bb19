//! Text units: words (the project's one rule, from `chunking::units`),
//! sentences, lines, paragraphs; and the normalised word form used for
//! matching.

use std::borrow::Cow;

pub use chunksynth_chunking::units::{is_cjk, word_count, word_ranges};
use chunksynth_chunking::units::{is_cjk_sentence_end, is_closing_punctuation, is_latin_sentence_end};

/// Closing quotes and brackets that may follow a sentence's final mark.
pub fn is_closing(c: char) -> bool {
    is_closing_punctuation(c)
}

/// Whether `text` may hold a CJK character ([`is_cjk`]): one at U+1100 or
/// above, whose UTF-8 lead byte is 0xE1 or more. A byte scan, so that text
/// without any passes the CJK-only scans at a glance.
pub(crate) fn may_have_cjk(text: &str) -> bool {
    text.bytes().any(|b| b >= 0xE1)
}

/// Whether `text` is written in CJK: a third of its characters or more
/// are Han or kana.
pub fn written_in_cjk(text: &str) -> bool {
    if !may_have_cjk(text) {
        // No CJK character: only a text of whitespace has a third of them.
        return text.trim().is_empty();
    }
    let cjk = text
        .chars()
        .filter(|&c| is_cjk(c) || ('\u{3040}'..='\u{30FF}').contains(&c))
        .count();
    cjk * 3 >= text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Whether a line (its indent trimmed) opens a list item: a bullet mark
/// of [`crate::lexicon::common::ITEM_MARKS`], or a number of up to three
/// digits before `.` or `)` (`1.`, `12)`).
pub fn starts_list_item(t: &str) -> bool {
    t.starts_with(crate::lexicon::common::ITEM_MARKS)
        || t.split_once(['.', ')'])
            .is_some_and(|(n, _)| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The words of `text`, as slices.
pub fn words(text: &str) -> Vec<&str> {
    word_ranges(text).map(|r| &text[r]).collect()
}

/// Sentences: text up to a sentence mark followed by whitespace (or a CJK
/// full-width mark), or up to a blank line. Trimmed; empty ones dropped.
pub fn sentences(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // An ASCII byte that ends nothing (most of them) is passed over
        // without decoding a character.
        let b = bytes[i];
        if b.is_ascii() && b != b'\n' && !is_latin_sentence_end(char::from(b)) {
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        let mut next = i + c.len_utf8();
        let mut end = None;
        if is_cjk_sentence_end(c) {
            end = Some(next);
        } else if is_latin_sentence_end(c) || c == '\n' {
            // Closing marks after the stop belong to its sentence.
            while c != '\n'
                && let Some(n) = text[next..].chars().next().filter(|&n| is_closing_punctuation(n))
            {
                next += n.len_utf8();
            }
            let after = text[next..].chars().next();
            let blank_line = c == '\n'
                && text[next..]
                    .trim_start_matches([' ', '\t', '\r'])
                    .starts_with('\n');
            if (c != '\n' && after.is_none_or(char::is_whitespace)) || blank_line {
                end = Some(next);
            }
        }
        if let Some(e) = end {
            push_trimmed(&mut out, &text[start..e]);
            start = e;
        }
        i = next;
    }
    push_trimmed(&mut out, &text[start..]);
    out
}

fn push_trimmed<'a>(out: &mut Vec<&'a str>, s: &'a str) {
    let t = s.trim();
    if !t.is_empty() {
        out.push(t);
    }
}

/// Lines split on runs of line breaks (Gopher's `\n+`).
pub fn lines(text: &str) -> Vec<&str> {
    text.split('\n').filter(|l| !l.is_empty()).collect()
}

/// Paragraphs split on two or more line breaks (Gopher's `\n{2,}`), of the
/// trimmed text.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let t = text.trim();
    if t.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let mut j = i;
            while j < bytes.len() && bytes[j] == b'\n' {
                j += 1;
            }
            if j - i >= 2 {
                out.push(&t[start..i]);
                start = j;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out.push(&t[start..]);
    out
}

/// A word folded for matching: lower case, without a possessive ending
/// (`Phoenix's`, `readers’`), with a plural or simple inflection removed
/// (`entities` → `entity`, `boxes` → `box`, `cats` → `cat`).
pub fn fold_word(word: &str) -> String {
    // One allocation: lower-cased, then cut in place.
    let mut folded = word.to_lowercase();
    fold_lowered(&mut folded);
    folded
}

/// A word lower-cased (`str::to_lowercase`), borrowed when it is already:
/// most words of most texts are.
pub(crate) fn lower_word(w: &str) -> Cow<'_, str> {
    if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(w)
    } else {
        Cow::Owned(w.to_lowercase())
    }
}

/// [`fold_word`] of a word already lower-cased, in place.
pub(crate) fn fold_lowered(w: &mut String) {
    match fold_lowered_str(w) {
        // A fold only cuts, or rewrites the end: a borrowed fold is a
        // prefix of the word.
        Cow::Borrowed(folded) => {
            let len = folded.len();
            w.truncate(len);
        }
        Cow::Owned(folded) => *w = folded,
    }
}

/// [`fold_word`] of a word already lower-cased, borrowed where folding only
/// cuts its end (most words): a check that folds every word of a text
/// copies only the words it keeps.
pub(crate) fn fold_lowered_str(w: &str) -> Cow<'_, str> {
    let bare = ["'s", "’s", "'", "’"]
        .iter()
        .find_map(|p| w.strip_suffix(p).filter(|b| !b.is_empty()))
        .unwrap_or(w);
    plural_stem(bare)
}

/// `w` without an English plural ending (an ASCII word over three letters).
fn plural_stem(w: &str) -> Cow<'_, str> {
    if !w.is_ascii() || w.len() <= 3 {
        return Cow::Borrowed(w);
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return Cow::Owned(format!("{stem}y"));
    }
    // English morphology: the only language this stems.
    for suffix in crate::lexicon::en::EN.plural_suffixes {
        if w.ends_with(suffix) {
            return Cow::Borrowed(&w[..w.len() - 2]);
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return Cow::Borrowed(&w[..w.len() - 1]);
    }
    Cow::Borrowed(w)
}

/// Where `name` occurs in `text`, left to right, not overlapping (as
/// `str::match_indices`). The checks look for each of dozens of names in
/// every text and aligned group: `memchr::memmem` finds a name by a rare
/// pair of its bytes (SIMD), where looking for its first character stopped
/// at every common letter.
pub(crate) fn occurrences<'a>(text: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    // An empty name matches at every character boundary, as
    // `match_indices` says; memmem would answer every byte.
    let empty = name.is_empty().then(|| text.match_indices("").map(|(at, _)| at));
    // A match of valid UTF-8 in valid UTF-8 starts on a character boundary.
    let found = (!name.is_empty()).then(|| memchr::memmem::find_iter(text.as_bytes(), name.as_bytes()));
    empty.into_iter().flatten().chain(found.into_iter().flatten())
}

/// The pairs of adjacent bytes a text holds, hashed into 1,024 bits: a
/// word one of whose pairs is missing cannot be in the text
/// ([`AdjacentBytes::may_hold`]); one pass over a text answers that for every
/// name looked for in it (an aligned group is asked about each of its
/// source's names, and holds few of them). A collision only lets a word
/// through to the real search.
#[derive(Clone, Copy)]
pub(crate) struct AdjacentBytes([u64; 16]);

impl AdjacentBytes {
    #[inline]
    fn bit(a: u8, b: u8) -> usize {
        (usize::from(a) * 31 + usize::from(b)) & 1023
    }

    pub(crate) fn of(text: &str) -> Self {
        let mut bits = [0u64; 16];
        for pair in text.as_bytes().windows(2) {
            let i = Self::bit(pair[0], pair[1]);
            bits[i >> 6] |= 1 << (i & 63);
        }
        Self(bits)
    }

    /// Whether the text may hold `word`: every pair of its adjacent bytes
    /// is among the text's (a word of one byte may always be).
    pub(crate) fn may_hold(&self, word: &str) -> bool {
        word.as_bytes().windows(2).all(|pair| {
            let i = Self::bit(pair[0], pair[1]);
            self.0[i >> 6] & 1 << (i & 63) != 0
        })
    }
}

/// Where the first opening bracket of `text` is, if at most `words`
/// words come before it (`split_whitespace`'s): read only that far, not to
/// the first bracket of the whole text for every mention of a name.
pub(crate) fn bracket_within_words(text: &str, words: usize) -> Option<usize> {
    let (mut seen, mut in_word) = (0, false);
    for (at, c) in text.char_indices() {
        if matches!(c, '(' | '（') {
            return Some(at);
        }
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            seen += 1;
            if seen > words {
                return None;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan cuts as the character scan it replaced did (these
    /// cuts were that scan's): closing marks stay with their stop, a CJK
    /// stop ends a sentence with no space after it, a blank line with
    /// spaces or a CR in it ends one, a stop inside a word does not.
    #[test]
    fn the_byte_scan_cuts_sentences_as_the_character_scan_did() {
        // (Beside `units` below.)
        let cases: [(&str, &[&str]); 7] = [
            (
                "Он сказал: «Да.» Потом… ушёл; всё.\n  \n\tДалее",
                &["Он сказал: «Да.»", "Потом…", "ушёл;", "всё.", "Далее"],
            ),
            (
                "“Quoted.”) Next! (aside.) end…",
                &["“Quoted.”)", "Next!", "(aside.)", "end…"],
            ),
            ("a.b. c.\r\n\r\nd?! e」。f", &["a.b.", "c.", "d?!", "e」。", "f"]),
            ("", &[]),
            ("...", &["..."]),
            ("no end at all", &["no end at all"]),
            ("末尾。」「次！」\n\n最後", &["末尾。", "」「次！", "」", "最後"]),
        ];
        for (text, cut) in cases {
            assert_eq!(sentences(text), cut, "{text:?}");
        }
    }

    #[test]
    fn units() {
        assert_eq!(
            sentences("One. Two? \"Three.\" Four\n\nFive 3.5 six. 七。八！"),
            [
                "One.",
                "Two?",
                "\"Three.\"",
                "Four",
                "Five 3.5 six.",
                "七。",
                "八！"
            ]
        );
        assert_eq!(paragraphs("\n\na\nb\n\n\nc\n"), ["a\nb", "c"]);
        assert_eq!(lines("a\n\nb\n"), ["a", "b"]);
        assert_eq!(fold_word("Entities"), "entity");
        assert_eq!(fold_word("boxes"), "box");
        assert_eq!(fold_word("class"), "class");
        assert_eq!(fold_word("status"), "status");
    }

    #[test]
    fn a_bracket_is_found_within_so_many_words_as_the_whole_scan_found_it() {
        let old = |text: &str, words: usize| {
            let open = text.find(['(', '（'])?;
            (text[..open].split_whitespace().count() <= words).then_some(open)
        };
        for text in [
            " Administration (FDA) approved",
            " one two three four five six (x)",
            " one two three four five six seven (x)",
            "（略称）",
            "  spaced   words\n(x)",
            " word(x)",
            " no bracket at all",
            "",
        ] {
            assert_eq!(bracket_within_words(text, 6), old(text, 6), "{text:?}");
        }
    }
}
