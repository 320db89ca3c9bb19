//! The splitter: a [`ChunkPlan`] of byte spans that tile the input exactly.

use std::ops::Range;

use crate::structure::{BoundaryKind, ProtectedRegions, classify};
use crate::tokenizer::{TokenSpan, Tokenizer};

/// How to cut a document. Built with [`ChunkConfig::new`], which refuses a
/// zero budget, so planning itself cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkConfig {
    chunk_tokens: usize,
    overlap_tokens: usize,
}

impl ChunkConfig {
    /// `chunk_tokens` is a hard budget per chunk; `overlap_tokens` is how much
    /// read-only source before each chunk it carries as context.
    pub fn new(chunk_tokens: usize, overlap_tokens: usize) -> Result<Self, ChunkConfigError> {
        if chunk_tokens == 0 {
            return Err(ChunkConfigError::ZeroBudget);
        }
        Ok(Self {
            chunk_tokens,
            overlap_tokens,
        })
    }

    /// The token budget of a chunk.
    pub fn chunk_tokens(&self) -> usize {
        self.chunk_tokens
    }

    /// Tokens of read-only source shown before each chunk.
    pub fn overlap_tokens(&self) -> usize {
        self.overlap_tokens
    }
}

/// Why a chunk configuration is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkConfigError {
    /// A budget of 0 tokens.
    #[error("chunk_tokens must be at least 1 (a budget of 0 tokens cannot hold any text)")]
    ZeroBudget,
}

/// One chunk of a document.
///
/// `span` is the chunk's share of the source; the spans of a plan tile the
/// source. `body` is `span` without the separator whitespace at its edges:
/// the text to rewrite. Stitching puts the source's own separators back
/// around each rewrite, so a model never has to reproduce them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Its place in the plan, from 0.
    pub index: usize,
    /// Its share of the source (the spans of a plan tile the source).
    pub span: Range<usize>,
    /// `span` without the separator whitespace at its edges: what is rewritten.
    pub body: Range<usize>,
    /// Read-only source just before `span` (up to `overlap_tokens`), for
    /// continuity. It is never rewritten: it belongs to the previous chunk.
    pub context: Range<usize>,
    /// Tokens of `span`, counted in the document's encoding.
    pub tokens: usize,
    /// The kind of place where this chunk ends (`Section` for the last one).
    pub cut: BoundaryKind,
}

impl Chunk {
    /// Whether there is anything to rewrite (false for whitespace-only chunks).
    pub fn has_body(&self) -> bool {
        !self.body.is_empty()
    }

    /// Appends this chunk's share of the output: the source whitespace before
    /// the body, `rewrite`, the source whitespace after it. The one place
    /// seams are joined, for [`stitch`](fn@crate::stitch) and for pipelines that
    /// build their output chunk by chunk.
    pub fn stitch_into(&self, source: &str, rewrite: &str, out: &mut String) {
        out.push_str(&source[self.span.start..self.body.start]);
        out.push_str(rewrite);
        out.push_str(&source[self.body.end..self.span.end]);
    }
}

/// Byte spans that tile a document exactly: concatenating the chunks gives
/// the input back byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkPlan {
    /// The chunks, in order.
    pub chunks: Vec<Chunk>,
    /// Tokens of the whole source.
    pub total_tokens: usize,
    /// Byte length of the source this plan was made for.
    pub source_len: usize,
}

impl ChunkPlan {
    /// Splits `text` into chunks of at most `config.chunk_tokens()` tokens.
    ///
    /// The one exception to the budget: a single indivisible span (one token,
    /// or the byte tokens of one character) larger than the budget becomes a
    /// chunk of its own.
    ///
    /// Cuts prefer, in order: a section break, a blank line, a line break, a
    /// sentence end, a word boundary, and only then a token boundary. A cut
    /// is looked for in the second half of the budget first so chunks stay
    /// large; fenced code blocks, tables and list items are not cut when a
    /// cut outside them exists.
    pub fn new(text: &str, tokenizer: &dyn Tokenizer, config: ChunkConfig) -> Self {
        let spans = tokenizer.spans(text);
        Self::from_spans(text, &spans, config)
    }

    /// As [`ChunkPlan::new`], from spans already computed for `text`.
    pub fn from_spans(text: &str, spans: &[TokenSpan], config: ChunkConfig) -> Self {
        let bounds = Boundaries::new(spans);
        let protected = ProtectedRegions::find(text);
        let budget = config.chunk_tokens;
        let n = bounds.len();
        let mut chunks = Vec::new();
        let mut s = 0;
        while s < n {
            let limit = bounds.cum[s] + budget;
            let mut j = s;
            while j < n && bounds.cum[j + 1] <= limit {
                j += 1;
            }
            let (cut, kind) = if j == n {
                (n, BoundaryKind::Section)
            } else if j == s {
                // One span alone is over the budget: it cannot be divided.
                (s + 1, classify(text, bounds.pos[s + 1]))
            } else {
                choose_cut(text, &bounds, &protected, s, j, budget)
            };
            chunks.push(make_chunk(
                text,
                &bounds,
                chunks.len(),
                s,
                cut,
                kind,
                config.overlap_tokens,
            ));
            s = cut;
        }
        Self {
            chunks,
            total_tokens: bounds.cum[n],
            source_len: text.len(),
        }
    }

    /// The text of chunk `i` (its full span).
    pub fn chunk_text<'a>(&self, source: &'a str, i: usize) -> &'a str {
        &source[self.chunks[i].span.clone()]
    }
}

/// Boundary positions `pos[0] = 0 < ... < pos[n] = len` and the tokens
/// before each (`cum`).
struct Boundaries {
    pos: Vec<usize>,
    cum: Vec<usize>,
}

impl Boundaries {
    fn new(spans: &[TokenSpan]) -> Self {
        let mut pos = Vec::with_capacity(spans.len() + 1);
        let mut cum = Vec::with_capacity(spans.len() + 1);
        pos.push(0);
        cum.push(0);
        let mut total = 0;
        for span in spans {
            total += span.tokens as usize;
            pos.push(span.end);
            cum.push(total);
        }
        Self { pos, cum }
    }

    /// Number of spans.
    fn len(&self) -> usize {
        self.pos.len() - 1
    }
}

/// Picks the cut in `(s, j]`: the best unprotected place in the second half of
/// the budget; else the best unprotected place anywhere (a protected region
/// starts early and runs past the budget); else, when the region alone is
/// larger than the budget, the best place inside it. Ties go to the later
/// place, so chunks are as large as the budget allows.
fn choose_cut(
    text: &str,
    bounds: &Boundaries,
    protected: &ProtectedRegions,
    s: usize,
    j: usize,
    budget: usize,
) -> (usize, BoundaryKind) {
    let half = bounds.cum[s] + budget / 2;
    let mut upper_free: Option<(BoundaryKind, usize)> = None;
    let mut any_free: Option<(BoundaryKind, usize)> = None;
    let mut upper: Option<(BoundaryKind, usize)> = None;
    let mut any: Option<(BoundaryKind, usize)> = None;
    let bytes = text.as_bytes();
    for k in (s + 1..=j).rev() {
        let pos = bounds.pos[k];
        let in_upper = bounds.cum[k] >= half;
        // The lower zone only matters when the upper one has no free word
        // boundary or better.
        if !in_upper && upper_free.is_some_and(|(b, _)| b >= BoundaryKind::Word) {
            break;
        }
        // Most places cannot beat what was found: only a line start or a form
        // feed can be more than a sentence end. Skip those without classifying.
        let ceiling = if bytes[pos - 1] == b'\n' || bytes[pos - 1] == b'\x0c' || bytes[pos] == b'\x0c' {
            BoundaryKind::Section
        } else {
            BoundaryKind::Sentence
        };
        let settled = |best: &Option<(BoundaryKind, usize)>| best.is_some_and(|(b, _)| b >= ceiling);
        if settled(&any) && settled(&any_free) && (!in_upper || (settled(&upper) && settled(&upper_free))) {
            continue;
        }
        let kind = classify(text, pos);
        let free = !protected.splits(pos);
        let better = |best: &Option<(BoundaryKind, usize)>| best.is_none_or(|(b, _)| kind > b);
        if in_upper && free && better(&upper_free) {
            upper_free = Some((kind, k));
        }
        if free && better(&any_free) {
            any_free = Some((kind, k));
        }
        if in_upper && better(&upper) {
            upper = Some((kind, k));
        }
        if better(&any) {
            any = Some((kind, k));
        }
        // Nothing beats a section break found in the upper half.
        if upper_free.is_some_and(|(b, _)| b == BoundaryKind::Section) {
            break;
        }
    }
    // A word boundary late in the chunk beats a mid-word cut; a mid-word cut
    // only wins when no word or better boundary is free anywhere.
    let pick = match (upper_free, any_free) {
        (Some(u), Some(a)) if u.0 < BoundaryKind::Word && a.0 > u.0 => Some(a),
        (Some(u), _) => Some(u),
        (None, Some(a)) => Some(a),
        (None, None) => upper.or(any),
    };
    match pick {
        Some((kind, k)) => (k, kind),
        None => (j, BoundaryKind::Token),
    }
}

fn make_chunk(
    text: &str,
    bounds: &Boundaries,
    index: usize,
    s: usize,
    cut: usize,
    kind: BoundaryKind,
    overlap_tokens: usize,
) -> Chunk {
    let span = bounds.pos[s]..bounds.pos[cut];
    Chunk {
        index,
        body: body_of(text, span.clone()),
        context: context_before(text, bounds, s, overlap_tokens),
        tokens: bounds.cum[cut] - bounds.cum[s],
        span,
        cut: kind,
    }
}

/// The span without separator whitespace. At the front, a chunk that starts
/// a line keeps its indentation (code, man-page option lists): only the line
/// breaks before it are separator. Mid-line, leading spaces are separator.
fn body_of(text: &str, span: Range<usize>) -> Range<usize> {
    let slice = &text[span.clone()];
    let trimmed_front = slice.trim_start();
    let lead_len = slice.len() - trimmed_front.len();
    let lead = &slice[..lead_len];
    let at_line_start = span.start == 0 || text.as_bytes()[span.start - 1] == b'\n';
    let start = if trimmed_front.is_empty() {
        span.end
    } else if let Some(nl) = lead.rfind('\n') {
        span.start + nl + 1
    } else if at_line_start {
        span.start
    } else {
        span.start + lead_len
    };
    let end = span.start + slice.trim_end().len();
    start..end.max(start)
}

/// Up to `overlap_tokens` of source before boundary `s`, starting at a word
/// boundary or better when one is within reach.
fn context_before(text: &str, bounds: &Boundaries, s: usize, overlap_tokens: usize) -> Range<usize> {
    let end = bounds.pos[s];
    if overlap_tokens == 0 || s == 0 {
        return end..end;
    }
    let floor = bounds.cum[s].saturating_sub(overlap_tokens);
    let mut k = bounds.cum[..=s].partition_point(|&c| c < floor);
    // The first span may carry several tokens; never exceed the overlap.
    while k < s && bounds.cum[s] - bounds.cum[k] > overlap_tokens {
        k += 1;
    }
    let first = k;
    while k < s && classify(text, bounds.pos[k]) < BoundaryKind::Word {
        k += 1;
    }
    let start = if k < s { bounds.pos[k] } else { bounds.pos[first] };
    start..end
}
