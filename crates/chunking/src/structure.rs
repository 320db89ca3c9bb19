//! What kind of place a cut position is (a section break, a blank line, a
//! sentence end...) and which stretches of text must not be cut when they fit
//! (fenced code blocks, tables, list items).

use std::ops::Range;

use crate::units::{is_cjk, is_cjk_sentence_end, is_closing_punctuation, is_latin_sentence_end};

/// Cut positions from the least to the most natural. The splitter prefers a
/// higher kind; `Token` is the last resort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BoundaryKind {
    /// Between two tokens inside a word.
    Token,
    /// Next to whitespace, or between two CJK characters.
    Word,
    /// After a sentence's final mark.
    Sentence,
    /// At the start of a line.
    Line,
    /// At the start of a line after a blank line.
    Paragraph,
    /// Before a heading, a man-page section title, a thematic break's
    /// successor, or after a form feed.
    Section,
}

/// Classifies the position `pos` of `text` (a `char` boundary).
pub fn classify(text: &str, pos: usize) -> BoundaryKind {
    let bytes = text.as_bytes();
    if pos == 0 || pos >= text.len() {
        return BoundaryKind::Section;
    }
    let before = bytes[pos - 1];
    if before == b'\x0c' || bytes[pos] == b'\x0c' {
        return BoundaryKind::Section;
    }
    if before == b'\n' {
        let line = line_at(text, pos);
        let prev = previous_line(text, pos);
        let prev_blank = prev.trim().is_empty();
        if is_heading(line) || is_thematic_break(prev) || (prev_blank && is_section_title(text, pos, line)) {
            return BoundaryKind::Section;
        }
        return if prev_blank {
            BoundaryKind::Paragraph
        } else {
            BoundaryKind::Line
        };
    }
    let head = &text[..pos];
    let next = text[pos..].chars().next().unwrap_or(' ');
    // Whitespace between the mark and `pos` belongs to whichever side the
    // tokenizer put it on; look through it.
    let head_trimmed = head.trim_end_matches([' ', '\t']);
    let spaced = head_trimmed.len() < head.len() || next.is_whitespace();
    let mut last = head_trimmed
        .chars()
        .rev()
        .skip_while(|&c| is_closing_punctuation(c));
    if let Some(mark) = last.next()
        && (is_cjk_sentence_end(mark) || (is_latin_sentence_end(mark) && spaced))
    {
        return BoundaryKind::Sentence;
    }
    let prev = head.chars().next_back().unwrap_or(' ');
    if prev.is_whitespace() || next.is_whitespace() || is_cjk(prev) || is_cjk(next) {
        BoundaryKind::Word
    } else {
        BoundaryKind::Token
    }
}

/// The line starting at `pos`, without its line break.
fn line_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos..];
    let end = rest.find('\n').unwrap_or(rest.len());
    rest[..end].trim_end_matches('\r')
}

/// The line ending just before `pos` (which follows a `\n`).
fn previous_line(text: &str, pos: usize) -> &str {
    let head = &text[..pos - 1];
    let start = head.rfind('\n').map_or(0, |i| i + 1);
    head[start..].trim_end_matches('\r')
}

/// Markdown ATX headings: one to six `#` then a space or the line's end.
fn is_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && line[hashes..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t')
}

/// `---`, `***`, `___` (three or more, spaces allowed).
fn is_thematic_break(line: &str) -> bool {
    let t = line.trim();
    let Some(first) = t.chars().next() else {
        return false;
    };
    matches!(first, '-' | '*' | '_')
        && t.chars().filter(|&c| c == first).count() >= 3
        && t.chars().all(|c| c == first || c == ' ')
}

/// A title line after a blank line: short, at column 0, not ending like a
/// sentence, and either all capitals (`NAME`, `SEE ALSO`) or followed by a
/// blank or indented line (`名称` over an indented body, a converted HTML
/// heading over its first paragraph). Works for any script.
fn is_section_title(text: &str, pos: usize, line: &str) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    let last = line.trim_end().chars().next_back().unwrap_or(first);
    if first.is_whitespace()
        || line.chars().count() > 60
        || is_latin_sentence_end(last)
        || is_cjk_sentence_end(last)
        || matches!(last, ',' | ':' | '，' | '：' | '、')
    {
        return false;
    }
    let mut letters = line.chars().filter(|c| c.is_alphabetic()).peekable();
    let shouting = letters.peek().is_some()
        && letters.clone().count() >= 2
        && letters.all(|c| !c.is_lowercase())
        && !line.chars().any(is_cjk);
    let next_start = pos + line.len();
    let rest = &text[next_start..];
    let next = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
        .map(|r| r.split('\n').next().unwrap_or(""));
    let next_blank_or_indented = next.is_some_and(|n| n.trim().is_empty() || n.starts_with([' ', '\t']));
    shouting || next_blank_or_indented
}

/// Byte ranges that should stay in one chunk when they fit: fenced code
/// blocks, tables, list items. Sorted and disjoint.
#[derive(Debug, Clone, Default)]
pub struct ProtectedRegions {
    regions: Vec<Range<usize>>,
}

impl ProtectedRegions {
    /// The regions of `text`.
    pub fn find(text: &str) -> Self {
        let lines = lines_with_offsets(text);
        let mut regions = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let (start, line) = lines[i];
            if let Some(fence) = opening_fence(line) {
                let mut j = i + 1;
                while j < lines.len() && !closes_fence(lines[j].1, fence) {
                    j += 1;
                }
                let last = j.min(lines.len() - 1);
                regions.push(start..line_end(&lines, last, text));
                i = last + 1;
            } else if is_table_row(line) && lines.get(i + 1).is_some_and(|l| is_table_row(l.1)) {
                let mut j = i + 1;
                while j + 1 < lines.len() && is_table_row(lines[j + 1].1) {
                    j += 1;
                }
                regions.push(start..line_end(&lines, j, text));
                i = j + 1;
            } else if is_list_item_start(line) {
                let mut j = i;
                while j + 1 < lines.len() && continues_list_item(lines[j + 1].1) {
                    j += 1;
                }
                regions.push(start..line_end(&lines, j, text));
                i = j + 1;
            } else {
                i += 1;
            }
        }
        Self { regions }
    }

    /// Whether cutting at `pos` would split a region.
    pub fn splits(&self, pos: usize) -> bool {
        let idx = self.regions.partition_point(|r| r.end <= pos);
        self.regions
            .get(idx)
            .is_some_and(|r| r.start < pos && pos < r.end)
    }

    /// The regions, sorted and disjoint.
    pub fn regions(&self) -> &[Range<usize>] {
        &self.regions
    }
}

/// Each line's start offset and text (without `\n`, with any `\r`).
fn lines_with_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches('\n')));
        start += line.len();
    }
    out
}

/// Where line `i` ends, its line break included.
fn line_end(lines: &[(usize, &str)], i: usize, text: &str) -> usize {
    lines.get(i + 1).map_or(text.len(), |l| l.0)
}

/// An opening code fence: up to three spaces, then three or more backticks
/// or tildes. Returns the fence character and its length.
fn opening_fence(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = rest.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

fn closes_fence(line: &str, (c, n): (char, usize)) -> bool {
    let t = line.trim();
    t.chars().take_while(|&x| x == c).count() >= n && t.chars().all(|x| x == c)
}

fn is_table_row(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') || (t.contains(" | ") && !t.is_empty()) || is_table_delimiter(t)
}

fn is_table_delimiter(t: &str) -> bool {
    t.contains('-') && t.contains('|') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// `- item`, `* item`, `+ item`, `1. item`, `1) item`, indented at most three.
fn is_list_item_start(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return false;
    }
    let bullet = t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ");
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let numbered =
        (1..=9).contains(&digits) && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "));
    bullet || numbered
}

/// A non-blank line that is not the next item, a heading or a fence.
fn continues_list_item(line: &str) -> bool {
    !line.trim().is_empty() && !is_list_item_start(line) && !is_heading(line) && opening_fence(line).is_none()
}

/// Whether `passage`, a chunk cut from a longer text, starts inside a
/// fenced code block: it has an odd number of fence lines, and the lines
/// before its first fence read as code (a line ending in `;`, `{` or `}`,
/// or a `//` comment). Whoever reads a chunk line by line starts with its
/// fence state from this, or takes the code for prose and the prose after
/// the closing fence for code.
pub fn starts_inside_code_fence(passage: &str) -> bool {
    let fences = passage.lines().filter(|l| opening_fence(l).is_some()).count();
    if fences.is_multiple_of(2) {
        return false;
    }
    passage
        .lines()
        .take_while(|l| opening_fence(l).is_none())
        .any(|l| {
            let t = l.trim();
            t.ends_with([';', '{', '}']) || t.starts_with("//")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_places() {
        let text = "# Title\nIntro line.\nNext one. More\n\nPara two\n## Sub\nNAME\n";
        let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
        assert_eq!(classify(text, at("Intro")), BoundaryKind::Line);
        assert_eq!(classify(text, at(" More")), BoundaryKind::Sentence);
        assert_eq!(classify(text, at("More")), BoundaryKind::Sentence);
        assert_eq!(classify(text, at(" one.")), BoundaryKind::Word);
        assert_eq!(classify(text, at("ore")), BoundaryKind::Token);
        assert_eq!(classify(text, at("Para")), BoundaryKind::Paragraph);
        assert_eq!(classify(text, at("## Sub")), BoundaryKind::Section);
        assert_eq!(classify(text, at("NAME")), BoundaryKind::Line);
        assert_eq!(classify("x\n\n名称\n   chsh\n", 3), BoundaryKind::Section);
        assert_eq!(classify("x\n\nA sentence.\n\nB", 3), BoundaryKind::Paragraph);
        assert_eq!(
            classify("x\n\nScalar Types\n\nA scalar", 3),
            BoundaryKind::Section
        );
        assert_eq!(classify("a\n\nNAME\n", 3), BoundaryKind::Section);
        assert_eq!(classify("一句。二句", "一句。".len()), BoundaryKind::Sentence);
        assert_eq!(classify("一句", "一".len()), BoundaryKind::Word);
        assert_eq!(classify("end.\") Next", 6), BoundaryKind::Sentence);
    }

    #[test]
    fn protected_regions_cover_code_tables_and_items() {
        let text = "p\n```rs\nfn a() {}\n\nfn b() {}\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n  more\n- two\n";
        let found: Vec<&str> = ProtectedRegions::find(text)
            .regions()
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(
            found,
            [
                "```rs\nfn a() {}\n\nfn b() {}\n```\n",
                "| a | b |\n|---|---|\n| 1 | 2 |\n",
                "- one\n  more\n",
                "- two\n"
            ]
        );
        let regions = ProtectedRegions::find(text);
        assert!(regions.splits(text.find("fn b").unwrap_or(0)));
        assert!(!regions.splits(text.find("```rs").unwrap_or(0)));
    }

    #[test]
    fn a_chunk_that_starts_inside_a_code_block_says_so() {
        assert!(super::starts_inside_code_fence(
            "let x = 1;\n}\n```\n\nProse after it."
        ));
        assert!(!super::starts_inside_code_fence("Prose.\n```\nlet x = 1;\n```\n"));
        assert!(!super::starts_inside_code_fence(
            "Prose before.\n```rust\nlet x = 1;"
        ));
    }
}
