//! The demo's answers for the formats that are not prose restyles (issue
//! 28's styles): the restyled sentences laid out as the style asks — rows
//! of a table, questions and answers, numbered steps, a bullet list, a
//! shorter text, word problems solved with the passage's own numbers — so
//! each passes the gate the way a good model's answer does.

use crate::restyle::{demo_rewrite, sentences_of};

/// The answer in the form of the style called `style`, or `None` for a
/// prose restyle (the demo's plain rewrite).
pub fn demo_in_kind(style: &str, passage: &str) -> Option<String> {
    let restyled = demo_rewrite(passage);
    // Prose sentences are laid out; code blocks, indented lines and tables
    // stay as they are, in place.
    let mut parts: Vec<Part> = Vec::new();
    let mut fenced = false;
    for line in restyled.split('\n') {
        let t = line.trim_start();
        let fence = t.starts_with("```") || t.starts_with("~~~");
        if fenced || fence || line.starts_with("    ") || line.starts_with('\t') || t.starts_with('|') {
            if fence {
                fenced = !fenced;
            }
            match parts.last_mut() {
                Some(Part::Verbatim(lines)) => lines.push(line.to_owned()),
                _ => parts.push(Part::Verbatim(vec![line.to_owned()])),
            }
            continue;
        }
        let sentences = sentences_of(line).into_iter().map(str::to_owned);
        match parts.last_mut() {
            Some(Part::Prose(all)) => all.extend(sentences),
            _ => parts.push(Part::Prose(sentences.collect())),
        }
    }
    let sentences: Vec<String> = parts
        .iter()
        .flat_map(|p| match p {
            Part::Prose(s) => s.clone(),
            Part::Verbatim(_) => Vec::new(),
        })
        .collect();
    if sentences.is_empty() {
        return None;
    }
    if style == "math-problems" {
        return math_problem(&sentences);
    }
    if style == "distill" {
        // Shorter: the last sentence of a longer passage goes.
        let keep = if sentences.len() >= 3 {
            sentences.len() - 1
        } else {
            sentences.len()
        };
        let mut out = vec![sentences[..keep].join(" ")];
        out.extend(verbatim(&parts));
        return Some(out.join("\n\n"));
    }
    let mut n = 0;
    let mut out: Vec<String> = Vec::new();
    for part in &parts {
        match part {
            Part::Verbatim(lines) => out.push(lines.join("\n")),
            Part::Prose(prose) => {
                // Each table numbers its own rows.
                if style == "table" {
                    n = 0;
                }
                let mut laid = Vec::new();
                for s in prose {
                    n += 1;
                    laid.push(match style {
                        "table" => format!("| {n} | {} |", s.replace('|', "/")),
                        "faq" => format!("**Question {n}: what does the text state here?**\n\n{s}\n"),
                        "tutorial" => format!("Step {n}. {s}"),
                        "knowledge-list" => format!("- {s}"),
                        "diverse-qa" => format!("Q{n} (open): What does the text say next?\nA: {s}\n"),
                        _ => return None,
                    });
                }
                let body = laid.join("\n");
                out.push(if style == "table" {
                    format!("In table form:\n\n| Item | Fact |\n|---|---|\n{body}")
                } else {
                    body
                });
            }
        }
    }
    Some(out.join("\n\n"))
}

/// A passage's prose (sentences) and what stays as written.
enum Part {
    Prose(Vec<String>),
    Verbatim(Vec<String>),
}

fn verbatim(parts: &[Part]) -> Vec<String> {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Verbatim(lines) => Some(lines.join("\n")),
            Part::Prose(_) => None,
        })
        .collect()
}

/// A word problem from the first two plain numbers of the passage (digits,
/// at most one decimal point), solved by writing the sum out; `None` when
/// the passage has fewer than two.
fn math_problem(sentences: &[String]) -> Option<String> {
    let mut found: Vec<(String, f64, usize)> = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        for word in s.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            let word = word.trim_matches('.');
            if !word.is_empty()
                && word.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && word.matches('.').count() <= 1
                && let Ok(v) = word.parse::<f64>()
            {
                found.push((word.to_owned(), v, i));
            }
        }
    }
    let [(a, va, ia), (b, vb, ib), ..] = found.as_slice() else {
        return None;
    };
    let mut context = vec![sentences[*ia].clone()];
    if ib != ia {
        context.push(sentences[*ib].clone());
    }
    let sum = va + vb;
    let sum = if sum.fract() == 0.0 {
        format!("{sum:.0}")
    } else {
        format!("{sum}")
    };
    Some(format!(
        "**Problem 1.** {}\nWhat do {a} and {b} add up to?\n\n**Solution.** {a} + {b} = {sum}.",
        context.join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_answers_in_kind() {
        let passage = "The bridge opened in 1932. It is 503 metres long. Trains cross it every day.";
        let table = demo_in_kind("table", passage).unwrap_or_default();
        assert!(table.contains("|---|---|") && table.contains("1932"), "{table}");
        let math = demo_in_kind("math-problems", passage).unwrap_or_default();
        assert!(math.contains("1932 + 503 = 2435"), "{math}");
        assert!(demo_in_kind("math-problems", "No numbers here at all.").is_none());
        assert!(
            demo_in_kind("knowledge-list", passage)
                .unwrap_or_default()
                .starts_with("- ")
        );
        assert!(demo_in_kind("textbook", passage).is_none());
    }
}
