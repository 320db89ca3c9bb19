//! The gate's checks of what a rewrite must keep: numbers, names, code
//! blocks, length, content words, completeness.

use crate::analysis::Analysis;
use crate::names::{NameMention, contains_name};
use crate::numbers::{Quantity, cardinal_word_values, number_word_values, numbers, same_quantity};
use crate::stopwords::is_stop_word;
use crate::text::is_cjk;

use super::{FidelityConfig, Verdict, pass};

/// Numbers the rewrite adds, kept apart from the gate's findings when the
/// style works its own examples ([`FidelityConfig::added_numbers_are_suspicions`]).
pub(super) struct AddedNumbers {
    /// Each added number's finding and the rewrite sentence it is in.
    pub found: Vec<(String, String)>,
}

pub(super) fn check_numbers(
    source: &str,
    rewrite: &str,
    tolerance: f64,
    added_are_suspicions: bool,
) -> (Verdict, AddedNumbers) {
    // Distinct source quantities with how often each is mentioned.
    let mut wanted: Vec<(String, Quantity, usize)> = Vec::new();
    for m in numbers(source) {
        match wanted
            .iter_mut()
            .find(|(_, q, _)| same_quantity(q, &m.quantity, tolerance))
        {
            Some(entry) => entry.2 += 1,
            None => wanted.push((m.written, m.quantity, 1)),
        }
    }
    // A date in digits (10.11.2014, 2020-05-28, 2019.4) names its day (or
    // month) and year as the source's words do.
    let found: Vec<_> = numbers(rewrite).into_iter().flat_map(date_parts).collect();
    // Spelled out in words or in CJK numerals (2か所 → 二つ).
    let spelled: Vec<Quantity> = number_word_values(rewrite)
        .into_iter()
        .chain(crate::align::cjk_numerals(rewrite).into_iter().map(|v| v as f64))
        .map(Quantity::Value)
        .collect();
    let count_in_rewrite = |q: &Quantity| {
        found
            .iter()
            .filter(|m| same_quantity(&m.quantity, q, tolerance))
            .count()
    };
    let mut findings = Vec::new();
    let mut kept = 0usize;
    let mut fewer = Vec::new();
    for (written, q, n) in &wanted {
        let got = count_in_rewrite(q);
        if got > 0 || spelled.iter().any(|s| same_quantity(s, q, tolerance)) {
            kept += 1;
            if got < *n {
                fewer.push((written, *n, got));
            }
        } else {
            findings.push(format!("the number {written} is missing"));
        }
    }
    let missing = findings.len();
    let excused = excused_values(source, rewrite, &wanted);
    let lex = crate::lexicon::Lexicons::for_text(rewrite, None);
    let mut added: Vec<(String, String)> = Vec::new();
    let mut more = false;
    for m in &found {
        let is_excused = match m.quantity {
            Quantity::Value(v) => {
                excused.contains(v)
                    || (v <= 20.0 && crate::numbers::after_label(rewrite, m.start, lex))
                    || is_decade_of(v, rewrite, m, lex, &excused.known)
            }
            Quantity::Literal(_) => false,
        };
        match wanted
            .iter()
            .find(|(_, q, _)| same_quantity(q, &m.quantity, tolerance))
        {
            Some((_, q, n)) => more |= count_in_rewrite(q) > *n,
            None if !is_excused && !added.iter().any(|(w, _)| *w == m.written) => {
                added.push((m.written.clone(), sentence_at(rewrite, m.start)));
            }
            None => {}
        }
    }
    // Mentioned less often while another value is mentioned more often: a
    // number was changed into one the source has elsewhere.
    let mut substituted = 0usize;
    if more {
        for (written, n, got) in fewer {
            substituted += 1;
            findings.push(format!(
                "the number {written} appears {got} times instead of {n}; was it changed into another number?"
            ));
        }
    }
    // A style that works examples adds numbers of its own: an added number
    // in a calculation or an example is then a suspicion, unless a source
    // number went missing beside it (a changed number, not an example).
    let mut apart = AddedNumbers { found: Vec::new() };
    let added_count = added.len();
    for (written, sentence) in added {
        let finding = format!("the number {written} is not in the source");
        if added_are_suspicions && missing == 0 && substituted == 0 && is_worked(&sentence, lex) {
            apart.found.push((finding, sentence));
        } else {
            findings.push(finding);
        }
    }
    let denominator = wanted.len() + added_count - apart.found.len();
    if denominator == 0 {
        return (pass(), apart);
    }
    let score = kept.saturating_sub(substituted) as f64 / denominator as f64;
    ((score, findings.is_empty(), findings), apart)
}

/// Values a rewrite may add without inventing them.
struct Excused {
    /// The source's values, in digits or words.
    known: Vec<f64>,
    /// Numbers of list items the rewrite added, and values derived by
    /// arithmetic the rewrite writes out.
    others: Vec<f64>,
}

impl Excused {
    fn contains(&self, v: f64) -> bool {
        self.others.contains(&v) || self.known.contains(&v)
    }
}

fn excused_values(source: &str, rewrite: &str, wanted: &[(String, Quantity, usize)]) -> Excused {
    // A value the source does not have is a changed or invented number,
    // unless it only numbers a list item the rewrite added ("1. ").
    let mut others = if list_marker_values(source).is_empty() {
        list_marker_values(rewrite)
    } else {
        Vec::new()
    };
    // A number the source spells (three, 九, half, 九成) may be written in
    // digits, a fraction as a decimal or a percentage; one the rewrite
    // computes from the source's by arithmetic it writes out is derived,
    // not invented.
    let mut known = cardinal_word_values(source);
    known.extend(crate::align::cjk_numerals(source).into_iter().map(|v| v as f64));
    for f in crate::numbers::fraction_values(source) {
        known.extend([f, f * 100.0]);
    }
    known.extend(wanted.iter().filter_map(|(_, q, _)| match q {
        Quantity::Value(v) => Some(*v),
        Quantity::Literal(_) => None,
    }));
    // A count the source says with a scale word (трёх миллионов) may come
    // back scaled (3 млн).
    let lower = source.to_lowercase();
    let scales: Vec<f64> = crate::lexicon::Lexicons::for_text(source, None)
        .entries(|l| l.scale_words)
        .filter(|(word, _)| lower.contains(word))
        .map(|&(_, factor)| factor)
        .collect();
    let scaled: Vec<f64> = scales
        .iter()
        .flat_map(|f| known.iter().map(move |k| k * f))
        .collect();
    known.extend(scaled);
    others.extend(crate::arithmetic::derived_values(rewrite, &known));
    Excused { known, others }
}

/// A decade ("1960s") the rewrite names, with a source year in it.
fn is_decade_of(
    v: f64,
    rewrite: &str,
    m: &crate::numbers::NumberMention,
    lex: crate::lexicon::Lexicons,
    known: &[f64],
) -> bool {
    v.fract() == 0.0
        && v % 10.0 == 0.0
        && (1000.0..=2100.0).contains(&v)
        && crate::numbers::decade_follows(rewrite, m.start + m.written.len(), lex)
        && known.iter().any(|k| (v..v + 10.0).contains(k))
}

/// Whether a sentence works something out: a calculation, or an example
/// it introduces as one.
fn is_worked(sentence: &str, lex: crate::lexicon::Lexicons) -> bool {
    if sentence.contains(crate::lexicon::common::CALCULATION_SIGNS) {
        return true;
    }
    let lower = sentence.to_lowercase();
    lex.words(|l| l.example_markers).any(|m| lower.contains(m))
}

/// The sentence (or line) of `text` around byte `at`, trimmed.
fn sentence_at(text: &str, at: usize) -> String {
    let is_end = |c: char| matches!(c, '\n' | '。' | '！' | '？' | '!' | '?');
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|&(i, c)| is_end(c) || (c == '.' && text[i + 1..].starts_with(' ')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .char_indices()
        .find(|&(i, c)| is_end(c) || (c == '.' && text[at + i + 1..].starts_with([' ', '\n'])))
        .map_or(text.len(), |(i, c)| at + i + c.len_utf8());
    text[start..end].trim().to_owned()
}

/// A date in digits as its day and year; any other number as it is.
fn date_parts(m: crate::numbers::NumberMention) -> Vec<crate::numbers::NumberMention> {
    let parts: Vec<&str> = m.written.split(['.', '-', '/']).collect();
    let all_digits = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let plausible = |year: &str, month: &str| {
        year.parse::<u32>().is_ok_and(|y| (1800..=2100).contains(&y))
            && month.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
    };
    let (day, year) = match lens.as_slice() {
        [1 | 2, 1 | 2, 4] if all_digits => (parts[0], parts[2]),
        // A year and month (2019.4, 2019/04): both, as 2019年4月 has them.
        [4, 1 | 2] if all_digits && plausible(parts[0], parts[1]) => (parts[1], parts[0]),
        [4, 2, 2] if all_digits => (parts[2], parts[0]),
        // A month and year (06.1978): the year.
        [1 | 2, 4] if all_digits => (parts[1], parts[1]),
        _ => return vec![m],
    };
    let mut parts = vec![day, year];
    parts.dedup();
    parts
        .into_iter()
        .filter_map(|p| p.parse::<f64>().ok())
        .map(|v| crate::numbers::NumberMention {
            written: v.to_string(),
            quantity: Quantity::Value(v),
            start: m.start,
        })
        .collect()
}

/// Values that number list items at line starts (`1.`, `2)`), and an
/// enumeration inside a line ("power comes from (1) …, (2) …") that counts
/// up from (1).
fn list_marker_values(text: &str) -> Vec<f64> {
    let mut out: Vec<f64> = text
        .lines()
        .filter_map(|l| {
            // A numbered heading or a bold number (`## 3. Undo`, `**2.**`)
            // numbers a part as a list item does.
            let t = l.trim_start().trim_start_matches(['#', '*', ' ']);
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            let rest = &t[digits..];
            (digits > 0 && digits <= 3 && (rest.starts_with(". ") || rest.starts_with(") ")))
                .then(|| t[..digits].parse().ok())
                .flatten()
        })
        .collect();
    let inline: Vec<f64> = text
        .split('(')
        .skip(1)
        .filter_map(|part| part.split_once(')'))
        .filter(|(n, _)| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|(n, _)| n.parse().ok())
        .collect();
    // (1), (2), … in order: an enumeration, not quantities.
    if inline.len() >= 2 && inline.iter().enumerate().all(|(i, &v)| v == (i + 1) as f64) {
        out.extend(inline);
    }
    out
}

/// Whitespace runs folded to one space: justified text (man pages) has
/// double spaces a rewrite will not keep.
fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn check_names(wanted: &[NameMention], source: &Analysis, rewrite: &Analysis) -> Verdict {
    let added = crate::added::added_names_of(source, rewrite);
    if wanted.is_empty() && added.is_empty() {
        return pass();
    }
    let rewrite = collapse_whitespace(rewrite.text);
    let mut findings = Vec::new();
    for name in wanted {
        if !contains_name(&rewrite, name) {
            findings.push(format!("the {} “{}” is missing", name.kind.label(), name.text));
        }
    }
    let missing = findings.len();
    for (label, name) in &added {
        findings.push(format!("the {label} “{name}” is not in the source"));
    }
    let score = 1.0 - (missing + added.len()) as f64 / (wanted.len() + added.len()) as f64;
    (score, findings.is_empty(), findings)
}

/// Fenced code blocks: (first line for messages, normalised body).
pub fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        let fence = if t.starts_with("```") {
            "```"
        } else if t.starts_with("~~~") {
            "~~~"
        } else {
            continue;
        };
        let mut body = Vec::new();
        for inner in lines.by_ref() {
            if inner.trim_start().starts_with(fence) {
                break;
            }
            body.push(inner.trim_end());
        }
        let first = body
            .iter()
            .find(|l| !l.trim().is_empty())
            .map_or("", |l| l.trim());
        out.push((first.to_owned(), body.join("\n").trim_end().to_owned()));
    }
    out
}

pub(super) fn check_code_blocks(source: &str, rewrite: &str) -> Verdict {
    let wanted = code_blocks(source);
    if wanted.is_empty() {
        return pass();
    }
    let got = code_blocks(rewrite);
    let mut findings = Vec::new();
    for (i, (first, body)) in wanted.iter().enumerate() {
        if !got.iter().any(|(_, b)| b == body) {
            findings.push(format!(
                "code block {} (`{first}`) was changed or dropped; keep it exactly",
                i + 1
            ));
        }
    }
    let score = 1.0 - findings.len() as f64 / wanted.len() as f64;
    (score, findings.is_empty(), findings)
}

/// Below this many words, a length ratio says little.
pub(super) const MIN_WORDS_FOR_RATIO: usize = 8;

pub(super) fn check_length(source: &Analysis, rewrite: &Analysis, config: &FidelityConfig) -> Verdict {
    let s = source.word_count();
    if s < MIN_WORDS_FOR_RATIO {
        return pass();
    }
    let ratio = rewrite.word_count() as f64 / s as f64;
    let (lo, hi) = (config.min_length_ratio, config.max_length_ratio);
    if (lo..=hi).contains(&ratio) {
        return pass();
    }
    let score = if ratio < lo { ratio / lo } else { hi / ratio };
    let finding = format!(
        "the rewrite has {:.0}% of the source's words; keep it between {:.0}% and {:.0}%",
        ratio * 100.0,
        lo * 100.0,
        hi * 100.0
    );
    (score, false, vec![finding])
}

/// A set of folded words. FxHash: these sets are built for every chunk of
/// every rewrite, and SipHash's DoS resistance buys nothing here.
pub type WordSet = rustc_hash::FxHashSet<String>;

/// Distinct folded content words: no stop words, no bare numbers.
pub fn content_words(text: &str) -> WordSet {
    let analysis = Analysis::new(text);
    content_words_of(&analysis, 0..analysis.word_count())
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Content words borrowed from a text's folded words.
pub(super) type ContentWords<'a> = rustc_hash::FxHashSet<&'a str>;

/// [`content_words`] of the words `range` of an analysed text.
pub(super) fn content_words_of<'a>(text: &'a Analysis, range: std::ops::Range<usize>) -> ContentWords<'a> {
    let folded = text.folded();
    range
        .filter(|&i| {
            let w = text.word(i);
            let cjk = w.chars().next().is_some_and(is_cjk);
            (cjk || w.chars().count() >= 3) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .map(|i| folded[i].as_str())
        .filter(|w| !is_stop_word(w))
        .map(|w| {
            // Russian inflects by the ending: compare stems.
            if w.chars()
                .next()
                .is_some_and(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
            {
                let end = w.char_indices().nth(5).map_or(w.len(), |(at, _)| at);
                &w[..end]
            } else {
                w
            }
        })
        .collect()
}

/// Below this many content words, recall says little.
const MIN_CONTENT_WORDS: usize = 5;

/// The source's content words, whole and by thirds (for sources of at least
/// `MIN_WORDS_FOR_PARTS` words), folded once for both checks that need them.
pub(super) struct SourceWords<'a> {
    whole: ContentWords<'a>,
    /// The first, middle and last third (split at word starts).
    thirds: Option<[ContentWords<'a>; 3]>,
}

impl<'a> SourceWords<'a> {
    pub(super) fn new(source: &'a Analysis) -> Self {
        let n = source.word_count();
        if n < MIN_WORDS_FOR_PARTS {
            return Self {
                whole: content_words_of(source, 0..n),
                thirds: None,
            };
        }
        // The cuts fall at word starts, so each third's words are the
        // whole text's words between them.
        let third = n / 3;
        let thirds = [
            content_words_of(source, 0..third),
            content_words_of(source, third..2 * third),
            content_words_of(source, 2 * third..n),
        ];
        let whole = thirds.iter().flatten().copied().collect();
        Self {
            whole,
            thirds: Some(thirds),
        }
    }
}

/// The words of `wanted` not in `got`, sorted (findings must not depend on
/// hash order).
fn missing_sorted<'a>(wanted: &ContentWords<'a>, got: &ContentWords) -> Vec<&'a str> {
    let mut missing: Vec<&str> = wanted.iter().filter(|w| !got.contains(*w)).copied().collect();
    missing.sort_unstable();
    missing
}

pub(super) fn check_recall(source: &SourceWords, got: &ContentWords, min_recall: f64) -> Verdict {
    let wanted = &source.whole;
    if wanted.len() < MIN_CONTENT_WORDS {
        return pass();
    }
    let missing = missing_sorted(wanted, got);
    let recall = 1.0 - missing.len() as f64 / wanted.len() as f64;
    if recall >= min_recall {
        return (recall, true, Vec::new());
    }
    let shown: Vec<&str> = missing.iter().take(12).copied().collect();
    let more = missing.len().saturating_sub(shown.len());
    let finding = format!(
        "only {:.0}% of the source's content words are kept (at least {:.0}% needed); missing: {}{}",
        recall * 100.0,
        min_recall * 100.0,
        shown.join(", "),
        if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        }
    );
    (recall, false, vec![finding])
}

/// Below this many words, a source is not split into thirds.
const MIN_WORDS_FOR_PARTS: usize = 30;

pub(super) fn check_completeness(
    source: &str,
    words: &SourceWords,
    rewrite: &str,
    got: &ContentWords,
    min_part_recall: f64,
) -> Verdict {
    let mut findings = Vec::new();
    let mut score: f64 = 1.0;
    if let Some(thirds) = &words.thirds {
        for (i, wanted) in thirds.iter().enumerate() {
            let name = match i {
                0 => "first",
                1 => "middle",
                _ => "last",
            };
            if wanted.len() < MIN_CONTENT_WORDS {
                continue;
            }
            let missing = missing_sorted(wanted, got);
            let recall = 1.0 - missing.len() as f64 / wanted.len() as f64;
            score = score.min(recall);
            if recall < min_part_recall {
                let shown: Vec<&str> = missing.iter().take(8).copied().collect();
                findings.push(format!(
                    "the {name} third of the source is missing ({:.0}% of its content words kept; missing: {}); rewrite all of it",
                    recall * 100.0,
                    shown.join(", ")
                ));
            }
        }
    }
    let ends_sentence = |t: &str| {
        // A closing backtick ends inline code, not the sentence.
        t.trim_end()
            .trim_end_matches(|c: char| crate::text::is_closing(c) || c == '`')
            .ends_with(['.', '!', '?', '。', '！', '？', ':', ';', '…'])
    };
    // A list ends without a full stop (notes, bullet points).
    let ends_in_list_item = rewrite.trim_end().lines().last().is_some_and(|l| {
        let t = l.trim_start();
        t.starts_with(['-', '*', '•', '・', '→'])
            || t.split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
    });
    if ends_sentence(source)
        && !ends_sentence(rewrite)
        && !ends_in_list_item
        && !rewrite.trim_end().ends_with("```")
    {
        let tail: String = {
            let t = rewrite.trim_end();
            let chars: Vec<char> = t.chars().collect();
            chars[chars.len().saturating_sub(40)..].iter().collect()
        };
        findings.push(format!(
            "the rewrite stops mid-sentence (“…{tail}”); finish the text"
        ));
        score = score.min(0.5);
    }
    let passed = findings.is_empty();
    (
        if passed { score.max(min_part_recall) } else { score },
        passed,
        findings,
    )
}
