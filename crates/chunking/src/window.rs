//! The rolling prefix window: the tail of already-produced text a model sees.

use crate::structure::{BoundaryKind, classify};
use crate::tokenizer::Tokenizer;

/// The last `window_tokens` tokens of `text` (or fewer), starting on a
/// sentence boundary when one lies in the window's first quarter, else on a
/// word boundary, and never inside a character. Leading whitespace is dropped.
///
/// Only a tail of `text` is tokenized (grown until it holds more than the
/// window), so calling this after every chunk of a long document stays cheap.
pub fn prefix_window<'a>(text: &'a str, tokenizer: &dyn Tokenizer, window_tokens: usize) -> &'a str {
    if window_tokens == 0 || text.is_empty() {
        return "";
    }
    // About 4.5 bytes a token in English, fewer in CJK and code: six bytes a
    // token usually holds the window in one pass (it runs once per chunk, so
    // an overlong guess is tokenization paid on every call).
    let mut guess = window_tokens.saturating_mul(6).max(256);
    loop {
        let mut from = text.len().saturating_sub(guess);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let tail = &text[from..];
        let spans = tokenizer.spans(tail);
        let total: usize = spans.iter().map(|s| s.tokens as usize).sum();
        if total <= window_tokens && from == 0 {
            return text.trim_start();
        }
        if total > window_tokens {
            return window_start(text, from, &spans, total, window_tokens);
        }
        guess = guess.saturating_mul(4);
    }
}

fn window_start<'a>(
    text: &'a str,
    from: usize,
    spans: &[crate::tokenizer::TokenSpan],
    total: usize,
    window_tokens: usize,
) -> &'a str {
    // First span whose start leaves at most `window_tokens` after it. The
    // tail's first span may be a piece of a longer token: skip it.
    let mut remaining = total;
    let mut first = spans.len();
    for (i, span) in spans.iter().enumerate() {
        if remaining <= window_tokens && (i > 0 || from == 0) {
            first = i;
            break;
        }
        remaining -= span.tokens as usize;
    }
    if first == spans.len() {
        return "";
    }
    let quarter = window_tokens / 4;
    let mut word = None;
    let mut remaining_at = remaining;
    for span in &spans[first..] {
        let pos = from + span.start;
        let kind = classify(text, pos);
        if kind >= BoundaryKind::Sentence && remaining_at + quarter >= window_tokens {
            return text[pos..].trim_start();
        }
        if kind >= BoundaryKind::Word && word.is_none() {
            word = Some(pos);
        }
        if remaining_at + quarter < window_tokens && word.is_some() {
            break;
        }
        remaining_at -= span.tokens as usize;
    }
    let pos = word.unwrap_or(from + spans[first].start);
    text[pos..].trim_start()
}
