//! Section headings. The section prompt asks for the section's title as a
//! Markdown heading; a model may give it twice (a draft that restates it,
//! a continuation call that starts over with it). One heading per section,
//! and headings are not sentences for the repetition checks.

/// The text of a Markdown heading line (`## Origins` → `Origins`), or
/// `None` for any other line.
fn heading_text(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &t[hashes..];
    rest.starts_with([' ', '\t'])
        .then(|| rest.trim().trim_end_matches('#').trim())
}

/// Whether a heading's text names `title` (case, emphasis and a trailing
/// colon aside).
fn names_title(heading: &str, title: &str) -> bool {
    let norm = |s: &str| {
        s.trim_matches(|c: char| c == '*' || c == '_' || c == ':' || c == '：' || c.is_whitespace())
            .to_lowercase()
    };
    norm(heading) == norm(title)
}

/// `text` with at most one heading naming `title`, the first; with
/// `continuation`, none (the section's first call already gave it).
pub(crate) fn one_title_heading(text: &str, title: &str, continuation: bool) -> String {
    let mut seen = continuation;
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines() {
        if heading_text(line).is_some_and(|h| names_title(h, title)) {
            if seen {
                continue;
            }
            seen = true;
        }
        out.push(line);
    }
    // Dropping a heading leaves the blank line that followed it.
    let mut joined = out.join("\n");
    while joined.contains("\n\n\n") {
        joined = joined.replace("\n\n\n", "\n\n");
    }
    joined.trim().to_owned()
}

/// `text` without its heading lines.
pub(crate) fn without_headings(text: &str) -> String {
    text.lines()
        .filter(|l| heading_text(l).is_none())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restated_title_heading_is_dropped() {
        let draft = "## Origins\n\n## Origins\n\nTea was first drunk in China.";
        assert_eq!(
            one_title_heading(draft, "Origins", false),
            "## Origins\n\nTea was first drunk in China."
        );
        assert_eq!(
            one_title_heading("# **Origins:**\nMore text.", "Origins", true),
            "More text."
        );
        // Another heading stays.
        let other = "## Origins\n\n### Early trade\n\nText.";
        assert_eq!(one_title_heading(other, "Origins", false), other);
    }

    #[test]
    fn headings_are_not_sentences() {
        assert_eq!(without_headings("## A\nText.\n#hashtag"), "Text.\n#hashtag");
    }
}
