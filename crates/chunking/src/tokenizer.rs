//! Tokenizers that report *where* their tokens are, not only how many.
//!
//! Every implementation returns [`TokenSpan`]s that tile the input exactly:
//! consecutive, non-empty, on `char` boundaries, covering `0..text.len()`.
//! Cutting the input only at span ends therefore never splits a character and
//! never loses a byte, whatever the tokenizer does internally (byte-level BPE
//! tokens that split a UTF-8 character are merged into one span that carries
//! their combined token count).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use crate::pretokenize::Pretokenizer;
use crate::units;
use crate::vocabulary::{LONG_PIECE, Vocabulary};

/// One or more tokens covering `start..end` of the input.
///
/// `tokens` is how many tokens of the document's encoding end inside the span.
/// It is usually 1; it is more when several byte tokens make up one character,
/// and 0 for a stretch no token covers (a tokenizer that drops whitespace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpan {
    /// Byte offset where the span starts.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
    /// Tokens that end inside it.
    pub tokens: u32,
}

/// What every tokenizer can do: count tokens and say where they lie.
pub trait Tokenizer: Send + Sync + fmt::Debug {
    /// The spec string that selects this tokenizer (`o200k`, `words`, a path...).
    fn name(&self) -> &str;

    /// Spans tiling `text` exactly (see the module docs). Empty input gives none.
    fn spans(&self, text: &str) -> Vec<TokenSpan>;

    /// How many tokens `text` has on its own.
    fn count(&self, text: &str) -> usize {
        self.spans(text).iter().map(|s| s.tokens as usize).sum()
    }
}

/// Builds tiling spans from the byte offsets at which tokens end.
///
/// Offsets may repeat or go backwards (zero-width or overlapping tokens); each
/// offset is snapped forward to a `char` boundary. Bytes after the last token
/// end form a final zero-token span, so the tiling always reaches `text.len()`.
pub fn spans_from_token_ends(text: &str, ends: impl IntoIterator<Item = usize>) -> Vec<TokenSpan> {
    let len = text.len();
    let ends = ends.into_iter();
    let mut spans: Vec<TokenSpan> = Vec::with_capacity(ends.size_hint().0 + 1);
    let mut start = 0;
    let mut pending = 0u32;
    for end in ends {
        let mut end = end.min(len);
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end <= start {
            match spans.last_mut() {
                Some(last) => last.tokens += 1,
                None => pending += 1,
            }
            continue;
        }
        spans.push(TokenSpan {
            start,
            end,
            tokens: 1 + pending,
        });
        pending = 0;
        start = end;
    }
    if start < len {
        spans.push(TokenSpan {
            start,
            end: len,
            tokens: pending,
        });
    } else if pending > 0
        && let Some(last) = spans.last_mut()
    {
        last.tokens += pending;
    }
    spans
}

/// OpenAI's byte-level BPE encodings, embedded in `tiktoken-rs`: no download.
pub struct TiktokenTokenizer {
    name: &'static str,
    /// The encoding: tiktoken's own, and the tables read from it once that
    /// spans and counts use (tiktoken keeps its pieces to itself).
    tables: &'static EncodingTables,
}

/// What [`TiktokenTokenizer`] reads to split and merge: the encoding's
/// pieces, without `tiktoken-rs`'s backtracking regex
/// ([`crate::pretokenize`]), and its ordinary tokens
/// ([`crate::vocabulary`]).
struct EncodingTables {
    bpe: &'static tiktoken_rs::CoreBPE,
    pieces: Pretokenizer,
    vocabulary: Vocabulary,
}

impl EncodingTables {
    fn of(bpe: &'static tiktoken_rs::CoreBPE, pieces: Pretokenizer) -> Self {
        let special = bpe.special_tokens();
        let tokens = (0..MAX_TIKTOKEN_RANK)
            .filter_map(|rank| Some((bpe.decode_bytes(&[rank]).ok()?, rank)))
            .filter(|(bytes, _)| std::str::from_utf8(bytes).map_or(true, |s| !special.contains(s)));
        Self {
            bpe,
            pieces,
            vocabulary: Vocabulary::new(tokens),
        }
    }

    /// Where each token of `text` ends, as tiktoken's `encode_ordinary`
    /// cuts it: a piece that is a token is one; the others are merged.
    fn token_ends(&self, text: &str, mut each: impl FnMut(usize)) {
        for piece in self.pieces.pieces(text) {
            let bytes = &text.as_bytes()[piece.clone()];
            if bytes.len() == 1 || self.vocabulary.rank(bytes).is_some() {
                each(piece.end);
            } else if bytes.len() < LONG_PIECE {
                merged_piece(&self.vocabulary, bytes, |end| each(piece.start + end));
            } else {
                // A piece is one piece on its own too: tiktoken's heap merge.
                let mut end = piece.start;
                for id in self.bpe.encode_ordinary(&text[piece.clone()]) {
                    end += self.bpe.decode_bytes(&[id]).map_or(0, |b| b.len());
                    each(end);
                }
            }
        }
    }
}

/// Pieces merged lately on this thread, each with where its tokens end, by
/// the vocabulary that merged it. A piece that is no token is merged
/// pair by pair, a hash lookup for each pair it tries; text repeats its
/// words (and upper-cased text is most of it such pieces), so a merge is
/// looked up far more often than it is worked out.
struct MergedPieces {
    /// The vocabulary's address: one thread may use two encodings.
    vocabulary: usize,
    ends: rustc_hash::FxHashMap<Box<[u8]>, Box<[u8]>>,
}

/// How many pieces a thread keeps merged: when full, it starts afresh.
/// At most about 800 KiB a thread (the table, and a few bytes of piece and
/// ends each); the runner tokenizes on its async workers, one per core.
const MERGED_PIECES: usize = 8192;

thread_local! {
    static MERGED: std::cell::RefCell<MergedPieces> = std::cell::RefCell::new(MergedPieces {
        vocabulary: 0,
        ends: rustc_hash::FxHashMap::default(),
    });
}

/// Where the tokens of `piece` (shorter than [`LONG_PIECE`], no token
/// itself) end: [`Vocabulary::merge`], remembered.
fn merged_piece(vocabulary: &Vocabulary, piece: &[u8], mut each: impl FnMut(usize)) {
    MERGED.with(|merged| {
        let mut merged = merged.borrow_mut();
        let address = std::ptr::from_ref(vocabulary) as usize;
        if merged.vocabulary != address {
            merged.vocabulary = address;
            merged.ends.clear();
        }
        if let Some(ends) = merged.ends.get(piece) {
            ends.iter().for_each(|&end| each(usize::from(end)));
            return;
        }
        // A piece is shorter than LONG_PIECE (100) bytes: each end fits a u8.
        let mut ends = Vec::new();
        vocabulary.merge(piece, |end| ends.push(end as u8));
        ends.iter().for_each(|&end| each(usize::from(end)));
        if merged.ends.len() >= MERGED_PIECES {
            merged.ends.clear();
        }
        merged.ends.insert(piece.into(), ends.into_boxed_slice());
    });
}

impl fmt::Debug for TiktokenTokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TiktokenTokenizer")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Highest token id the embedded encodings use (o200k's specials end below it).
const MAX_TIKTOKEN_RANK: u32 = 201_100;

impl TiktokenTokenizer {
    /// `o200k_base` (GPT-4o and later): the project's default.
    pub fn o200k() -> Self {
        static TABLES: OnceLock<EncodingTables> = OnceLock::new();
        Self {
            name: "o200k",
            tables: TABLES.get_or_init(|| {
                EncodingTables::of(tiktoken_rs::o200k_base_singleton(), Pretokenizer::o200k())
            }),
        }
    }

    /// `cl100k_base` (GPT-4, GPT-3.5).
    pub fn cl100k() -> Self {
        static TABLES: OnceLock<EncodingTables> = OnceLock::new();
        Self {
            name: "cl100k",
            tables: TABLES.get_or_init(|| {
                EncodingTables::of(tiktoken_rs::cl100k_base_singleton(), Pretokenizer::cl100k())
            }),
        }
    }

    /// The raw token ids, for benchmarks that compare with plain encoding.
    pub fn encode_ids(&self, text: &str) -> Vec<u32> {
        self.tables.bpe.encode_ordinary(text)
    }
}

impl Tokenizer for TiktokenTokenizer {
    fn name(&self) -> &str {
        self.name
    }

    fn spans(&self, text: &str) -> Vec<TokenSpan> {
        let mut ends = Vec::with_capacity(text.len() / 3);
        self.tables.token_ends(text, |end| ends.push(end));
        spans_from_token_ends(text, ends)
    }

    fn count(&self, text: &str) -> usize {
        let mut tokens = 0;
        self.tables.token_ends(text, |_| tokens += 1);
        tokens
    }
}

/// Any Hugging Face `tokenizer.json`, through the pure-Rust `tokenizers` build.
pub struct HuggingFaceTokenizer {
    name: String,
    inner: tokenizers::Tokenizer,
}

impl fmt::Debug for HuggingFaceTokenizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HuggingFaceTokenizer")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl HuggingFaceTokenizer {
    /// Parses the contents of a `tokenizer.json`. `name` is what error messages
    /// and provenance call it (usually the path it came from).
    pub fn from_json(name: impl Into<String>, json: &[u8]) -> Result<Self, TokenizerError> {
        let name = name.into();
        let mut inner = tokenizers::Tokenizer::from_bytes(json).map_err(|e| TokenizerError::Invalid {
            given: name.clone(),
            reason: e.to_string(),
        })?;
        // Counting must see the whole text: a truncating or padding tokenizer
        // would report wrong budgets.
        inner.with_padding(None);
        inner.with_truncation(None).map_err(|e| TokenizerError::Invalid {
            given: name.clone(),
            reason: e.to_string(),
        })?;
        Ok(Self { name, inner })
    }
}

impl Tokenizer for HuggingFaceTokenizer {
    fn name(&self) -> &str {
        &self.name
    }

    fn spans(&self, text: &str) -> Vec<TokenSpan> {
        match self.inner.encode(text, false) {
            Ok(encoding) => spans_from_token_ends(text, encoding.get_offsets().iter().map(|o| o.1)),
            // Encoding a plain string with truncation off does not fail in
            // practice; if it ever does, counting every character as a token
            // over-counts, which keeps every budget safe.
            Err(_) => CharTokenizer.spans(text),
        }
    }
}

/// Unicode words, each CJK character one word: the project's one word rule
/// (see [`units::word_ranges`]).
///
/// A token is a word with the punctuation that sticks to it and the
/// whitespace after it, up to and including its last line break; so cuts fall
/// after a sentence's full stop and at line starts, and indentation stays with
/// its line. Every line start is a boundary too (a zero-token span ends
/// there), so lines of punctuation only (`}`, a code fence) can be cut before.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordTokenizer;

impl Tokenizer for WordTokenizer {
    fn name(&self) -> &str {
        "words"
    }

    fn spans(&self, text: &str) -> Vec<TokenSpan> {
        let mut spans = Vec::new();
        let mut start = 0;
        let push = |spans: &mut Vec<TokenSpan>, start: &mut usize, end: usize, tokens: u32| {
            if end > *start {
                spans.push(TokenSpan {
                    start: *start,
                    end,
                    tokens,
                });
                *start = end;
            } else if let Some(last) = spans.last_mut() {
                last.tokens += tokens;
            }
        };
        let line_starts = |from: usize, to: usize| {
            text[from..to]
                .match_indices('\n')
                .map(move |(i, _)| from + i + 1)
                .collect::<Vec<_>>()
        };
        for word in units::word_ranges(text) {
            for line_start in line_starts(start, word.start) {
                push(&mut spans, &mut start, line_start, 0);
            }
            let end = units::end_of_trailing_punctuation(text, word.end);
            let gap = &text[end..];
            let gap = &gap[..gap.len() - gap.trim_start().len()];
            let cut = gap.rfind('\n').map_or(end + gap.len(), |nl| end + nl + 1);
            push(&mut spans, &mut start, cut, 1);
        }
        for line_start in line_starts(start, text.len()) {
            push(&mut spans, &mut start, line_start, 0);
        }
        push(&mut spans, &mut start, text.len(), 0);
        spans
    }

    fn count(&self, text: &str) -> usize {
        units::word_count(text)
    }
}

/// One token per Unicode scalar value.
#[derive(Debug, Clone, Copy, Default)]
pub struct CharTokenizer;

impl Tokenizer for CharTokenizer {
    fn name(&self) -> &str {
        "chars"
    }

    fn spans(&self, text: &str) -> Vec<TokenSpan> {
        text.char_indices()
            .map(|(i, c)| TokenSpan {
                start: i,
                end: i + c.len_utf8(),
                tokens: 1,
            })
            .collect()
    }

    fn count(&self, text: &str) -> usize {
        text.chars().count()
    }
}

/// Which tokenizer a spec string names: `o200k`, `cl100k`, `words`, `chars`,
/// or a path to a Hugging Face `tokenizer.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenizerSpec {
    /// OpenAI's `o200k_base` (GPT-4o and later).
    O200k,
    /// OpenAI's `cl100k_base` (GPT-4, GPT-3.5).
    Cl100k,
    /// Words as the project counts them (`units`): no model's encoding.
    Words,
    /// Unicode scalar values.
    Chars,
    /// A Hugging Face `tokenizer.json` at this path.
    HuggingFace(PathBuf),
}

impl TokenizerSpec {
    /// The names a spec may use, for help texts and error messages.
    pub const NAMES: &'static str = "o200k, cl100k, words, chars, or a path to a tokenizer.json";

    /// Builds the tokenizer. The one I/O in this crate: reading a
    /// `tokenizer.json` named by path (the embedded ones need nothing).
    pub fn load(&self) -> Result<Arc<dyn Tokenizer>, TokenizerError> {
        Ok(match self {
            Self::O200k => Arc::new(TiktokenTokenizer::o200k()),
            Self::Cl100k => Arc::new(TiktokenTokenizer::cl100k()),
            Self::Words => Arc::new(WordTokenizer),
            Self::Chars => Arc::new(CharTokenizer),
            Self::HuggingFace(path) => {
                let given = path.display().to_string();
                let json = std::fs::read(path).map_err(|e| TokenizerError::Unreadable {
                    given: given.clone(),
                    reason: e.to_string(),
                })?;
                Arc::new(HuggingFaceTokenizer::from_json(given, &json)?)
            }
        })
    }
}

impl FromStr for TokenizerSpec {
    type Err = TokenizerError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let trimmed = spec.trim();
        Ok(match trimmed.to_ascii_lowercase().as_str() {
            "o200k" | "o200k_base" => Self::O200k,
            "cl100k" | "cl100k_base" => Self::Cl100k,
            "words" | "word" => Self::Words,
            "chars" | "char" | "characters" => Self::Chars,
            lower if lower.ends_with(".json") || trimmed.contains(['/', '\\']) => {
                Self::HuggingFace(PathBuf::from(trimmed))
            }
            _ => {
                return Err(TokenizerError::Unknown {
                    given: spec.to_owned(),
                });
            }
        })
    }
}

impl fmt::Display for TokenizerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::O200k => f.write_str("o200k"),
            Self::Cl100k => f.write_str("cl100k"),
            Self::Words => f.write_str("words"),
            Self::Chars => f.write_str("chars"),
            Self::HuggingFace(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Why a tokenizer could not be had. Each message names what was given.
#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    /// A name that is no tokenizer and no file.
    #[error("unknown tokenizer {given:?}: use {}", TokenizerSpec::NAMES)]
    Unknown {
        /// What was given.
        given: String,
    },
    /// A `tokenizer.json` that cannot be read.
    #[error("cannot read tokenizer file {given}: {reason}; check the path")]
    Unreadable {
        /// The path given.
        given: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// A file that is not a Hugging Face `tokenizer.json`.
    #[error(
        "{given} is not a valid Hugging Face tokenizer.json ({reason}); give the tokenizer.json file itself, not a model folder or vocab file"
    )]
    Invalid {
        /// The path given.
        given: String,
        /// What the parser said.
        reason: String,
    },
}
