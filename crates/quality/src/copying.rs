//! Is a rewrite a copy? The share of the source's word 8-grams that the
//! rewrite repeats verbatim. A model that answers with its input passes every
//! fidelity check (nothing is missing, nothing is added), yet for
//! pre-training data a copy is a wasted call and a duplicate in the mix.
//!
//! Words are the project's one unit, so a CJK character is a word and an
//! 8-gram over CJK text is eight characters.
//!
//! What cannot or need not be restyled is left out of the count: fenced
//! code, table rows, option lists (a line that starts with `-x` or
//! `--name`), and lines of identifiers only. A source with fewer than
//! [`MIN_PROSE_WORDS`] words of prose left is exempt.

use rustc_hash::FxHashSet;

use crate::analysis::Analysis;

/// The n of the n-grams: long enough that restyled prose rarely repeats
/// one by chance, short enough that a copied sentence always does.
pub const COPY_NGRAM: usize = 8;

/// The n for CJK text, in characters: a CJK word is one to three
/// characters, and restyles keep set phrases of eight characters and more
/// (faithful Chinese and Japanese textbook restyles repeated 56–64% of
/// their sources' 8-grams).
pub const COPY_NGRAM_CJK: usize = 16;

/// Below this many words of prose, a source is too short to judge.
pub const MIN_PROSE_WORDS: usize = 8;

/// How much of `source` a rewrite repeats verbatim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CopyMeasure {
    /// Share of the source's prose 8-grams found in the rewrite, in [0, 1].
    pub ratio: f64,
    /// The source has enough prose to judge (otherwise `ratio` is reported
    /// but never fails a chunk).
    pub judged: bool,
}

/// Measures how much of `source`'s prose `rewrite` repeats word for word.
pub fn copy_ratio(source: &str, rewrite: &str) -> CopyMeasure {
    copy_ratio_of(&Analysis::new(source), &Analysis::new(rewrite))
}

/// [`copy_ratio`] on texts already analysed: their folded words are the
/// fidelity report's, not folded again here.
pub(crate) fn copy_ratio_of(source: &Analysis, rewrite: &Analysis) -> CopyMeasure {
    let folded = source.folded();
    // Words of each run of prose lines: an n-gram never spans a skipped
    // line (a copy has that line in between).
    let mut blocks: Vec<Vec<&str>> = prose_blocks(source.text)
        .iter()
        .map(|lines| {
            lines
                .iter()
                .flat_map(|l| folded[source.words_within(l)].iter().map(AsRef::as_ref))
                .collect::<Vec<_>>()
        })
        .filter(|b| !b.is_empty())
        .collect();
    let prose_words: usize = blocks.iter().map(Vec::len).sum();
    let judged = prose_words >= MIN_PROSE_WORDS;
    // No prose (code, a table): the ratio over everything, for the record.
    if blocks.is_empty() {
        blocks = vec![folded.iter().map(AsRef::as_ref).collect()];
    }
    let all: Vec<&str> = blocks.iter().flatten().copied().collect();
    let cjk = all
        .iter()
        .filter(|w| w.chars().next().is_some_and(crate::text::is_cjk))
        .count();
    let n = if cjk * 2 > all.len() {
        COPY_NGRAM_CJK
    } else {
        COPY_NGRAM
    };
    // Words as ids, so that a gram hashes as integers, not eight strings:
    // each source word its own, every word the source lacks one that no
    // source gram holds.
    let mut ids: rustc_hash::FxHashMap<&str, u32> = rustc_hash::FxHashMap::default();
    let blocks: Vec<Vec<u32>> = blocks
        .iter()
        .map(|b| {
            b.iter()
                .map(|w| {
                    let next = ids.len() as u32;
                    *ids.entry(w).or_insert(next)
                })
                .collect()
        })
        .collect();
    let source_grams: FxHashSet<&[u32]> = blocks.iter().flat_map(|b| grams(b, n)).collect();
    if source_grams.is_empty() {
        return CopyMeasure { ratio: 0.0, judged };
    }
    let rewrite_words: Vec<u32> = rewrite
        .folded()
        .iter()
        .map(|w| ids.get(w.as_ref()).copied().unwrap_or(u32::MAX))
        .collect();
    // The rewrite's n-grams, for the grams of full length; a block shorter
    // than n is one shorter gram, looked for window by window.
    let rewrite_grams: FxHashSet<&[u32]> = rewrite_words.windows(n).collect();
    let kept = source_grams
        .iter()
        .filter(|g| {
            if g.len() == n {
                rewrite_grams.contains(*g)
            } else {
                rewrite_words.windows(g.len()).any(|w| w == **g)
            }
        })
        .count();
    CopyMeasure {
        ratio: kept as f64 / source_grams.len() as f64,
        judged,
    }
}

/// The n-grams of `words` (all of them, as one gram, when there are fewer
/// than n).
fn grams(words: &[u32], n: usize) -> Vec<&[u32]> {
    if words.is_empty() {
        return Vec::new();
    }
    if words.len() < n {
        return vec![words];
    }
    words.windows(n).collect()
}

/// The runs of consecutive prose lines of `text`.
fn prose_blocks(text: &str) -> Vec<Vec<&str>> {
    let prose = prose_of(text);
    let mut next = prose.iter().peekable();
    let mut blocks: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if next.peek().is_some_and(|p| std::ptr::eq(**p, line)) {
            next.next();
            if let Some(b) = blocks.last_mut() {
                b.push(line);
            }
        } else if blocks.last().is_some_and(|b| !b.is_empty()) {
            blocks.push(Vec::new());
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

/// The lines of `text` that are prose: not inside a code fence, not a
/// table row, not an option list's line, not identifiers only.
fn prose_of(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut fenced = chunksynth_chunking::structure::starts_inside_code_fence(text);
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced || t.starts_with('|') || is_option_line(t) || is_identifiers_only(t) {
            continue;
        }
        // Indented by four or more: code or a preformatted block.
        if line.starts_with("    ") && !t.is_empty() && !t.chars().next().is_some_and(char::is_alphabetic) {
            continue;
        }
        out.push(line);
    }
    out
}

/// `-n, --number`, `--output FILE`: the head of an option list's entry.
/// Its description, on the same line after two spaces, is prose.
fn is_option_line(line: &str) -> bool {
    // Its head starts the line: a line without a dash is no option's,
    // and a paragraph need not be searched for a double space.
    if !line.starts_with('-') {
        return false;
    }
    let head = line.split("  ").next().unwrap_or(line);
    head.trim_start_matches('-')
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && line.split("  ").filter(|p| !p.trim().is_empty()).count() == 1
}

/// A line with no word of lower-case letters that is not code-like: paths,
/// identifiers, numbers, symbols.
fn is_identifiers_only(line: &str) -> bool {
    if line.chars().any(crate::text::is_cjk) {
        return false;
    }
    !line.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.chars().count() >= 2 && w.chars().all(char::is_alphabetic) && w.chars().any(char::is_lowercase)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROSE: &str = "Ownership is a set of rules that govern how a Rust program manages memory. \
        All programs have to manage the way they use a computer's memory while running.";

    #[test]
    fn a_copy_is_all_kept_and_a_restyle_little() {
        assert_eq!(copy_ratio(PROSE, PROSE).ratio, 1.0);
        let restyle = "A Rust program manages memory under a set of rules called ownership. \
            Every running program must handle how it uses the computer's memory.";
        assert!(copy_ratio(PROSE, restyle).ratio < 0.1);
    }

    #[test]
    fn code_tables_and_options_are_not_prose() {
        let source = "```\nfn main() { println!(\"hello world from a long line of code\"); }\n```\n| a | b | c | d | e | f | g | h |\n-n, --number\n";
        let m = copy_ratio(source, source);
        assert!(!m.judged);
    }

    #[test]
    fn cjk_counts_characters() {
        let source = "贝加尔湖位于俄罗斯西伯利亚南部，是世界上最深的湖泊。";
        assert_eq!(copy_ratio(source, source).ratio, 1.0);
        assert!(copy_ratio(source, source).judged);
        assert!(copy_ratio(source, "世界最深的湖是西伯利亚南部的贝加尔湖，在俄罗斯境内。").ratio < 0.3);
    }
}
