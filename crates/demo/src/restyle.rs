//! The demo restyler: what `--demo` and the demo server (`cargo xtask
//! fake-server`) answer a rewrite with. It restyles the way a cautious
//! model does and keeps every name, number, code span and code block, so
//! the fidelity gate passes it and does not take it for a copy. Its word
//! lists are the demo's, not the gate's.

/// Plain words and a synonym each: what [`demo_rewrite`] swaps.
const DEMO_SYNONYMS: &[(&str, &str)] = &[
    ("use", "employ"),
    ("uses", "employs"),
    ("used", "employed"),
    ("using", "employing"),
    ("many", "numerous"),
    ("shows", "demonstrates"),
    ("often", "frequently"),
    ("also", "additionally"),
    ("because", "since"),
    ("need", "require"),
    ("needs", "requires"),
    ("get", "obtain"),
    ("make", "create"),
    ("makes", "creates"),
    ("start", "begin"),
    ("help", "assist"),
    ("allows", "permits"),
    ("allow", "permit"),
    ("very", "highly"),
    ("different", "distinct"),
    ("and", "as well as"),
    ("but", "yet"),
    ("about", "regarding"),
    ("important", "significant"),
    ("example", "instance"),
    ("whole", "entire"),
    ("simple", "straightforward"),
    ("way", "manner"),
    ("however", "nevertheless"),
    ("which", "that"),
    ("quite", "rather"),
    ("pretty", "fairly"),
    ("clearly", "evidently"),
    ("completely", "entirely"),
    ("consider", "examine"),
    ("desirable", "preferable"),
    ("optimal", "ideal"),
    ("avoiding", "sidestepping"),
    ("into", "inside"),
    ("came", "arrived"),
    ("just", "merely"),
    ("only", "solely"),
    ("every", "each"),
    ("each", "every"),
    ("through", "via"),
    ("before", "prior to"),
    ("problem", "issue"),
    ("problems", "issues"),
    ("thing", "matter"),
    ("things", "matters"),
    ("able", "capable"),
    ("almost", "nearly"),
    ("enough", "sufficient"),
    ("insufficient", "inadequate"),
    ("changed", "modified"),
    ("change", "modify"),
    ("requires", "demands"),
    ("needed", "required"),
    ("bug", "defect"),
    ("bugs", "defects"),
    ("prevent", "stop"),
    ("exactly", "precisely"),
    ("usually", "typically"),
    ("various", "assorted"),
    ("eventually", "ultimately"),
    ("consequently", "as a result"),
    ("plausibly", "conceivably"),
    ("built", "designed"),
    ("worry", "fret"),
    ("soon", "early"),
    ("still", "yet"),
    ("promise", "pledge"),
    ("shipped", "was released"),
    ("released", "put out"),
];

/// Phrases a restyle words otherwise.
const DEMO_PHRASES: &[(&str, &str)] = &[
    ("in fact", "indeed"),
    ("This is why", "That is why"),
    ("this is why", "that is why"),
    ("as long as", "for as long as"),
    ("would be", "would prove"),
    ("a lot of", "plenty of"),
    ("in order to", "so as to"),
];

/// Phrases a restyle contracts ("do not" → "don't").
const DEMO_CONTRACTIONS: &[(&str, &str)] = &[
    ("do not", "don't"),
    ("does not", "doesn't"),
    ("is not", "isn't"),
    ("are not", "aren't"),
    ("cannot", "can't"),
    ("will not", "won't"),
    ("it is", "it's"),
    ("It is", "It's"),
    ("that is", "that's"),
    ("we will", "we'll"),
    ("We will", "We'll"),
    ("you are", "you're"),
    ("we are", "we're"),
];

/// Words that open a subordinate clause a restyle may move to the end of
/// its sentence ("If X, Y." → "Y if X.").
const DEMO_SUBORDINATORS: &[&str] = &[
    "If", "When", "Because", "Although", "While", "Unless", "Once", "Since",
];

/// The demo server's rewrite (`cargo xtask fake-server`): each prose
/// sentence restyled the way a cautious model does — a leading
/// subordinate clause moved after the main one, common words swapped for
/// synonyms — while every name, number, code span, code block and indented
/// line stays as it is. The fidelity gate passes it and its copy check
/// does not take it for a copy (a synonym swap alone kept most of the
/// source's 8-grams).
pub fn demo_rewrite(passage: &str) -> String {
    let mut out = String::with_capacity(passage.len() + 16);
    let mut fenced = chunksynth_chunking::structure::starts_inside_code_fence(passage);
    for (i, line) in passage.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
        }
        let verbatim = fenced
            || t.starts_with("```")
            || line.starts_with("    ")
            || line.starts_with('\t')
            || t.starts_with('|');
        if verbatim {
            out.push_str(line);
            continue;
        }
        let indent = &line[..line.len() - t.len()];
        out.push_str(indent);
        let mut restyled: Vec<String> = demo_sentences(t)
            .into_iter()
            .map(|s| swap_words(&move_clause(s)))
            .collect();
        reorder_pairs(&mut restyled);
        out.push_str(&restyled.join(" "));
    }
    out
}

/// Words that open a sentence leaning on the one before it.
const DEMO_ANAPHORS: &[&str] = &[
    "It",
    "It's",
    "This",
    "That",
    "That's",
    "These",
    "Those",
    "They",
    "He",
    "She",
    "Such",
    "Its",
    "Their",
    "However",
    "But",
    "Yet",
    "So",
    "Then",
    "Thus",
    "Nevertheless",
    "Regardless",
    "Eventually",
    "Of",
];

/// Adjacent sentences trade places, two by two, where both stand on their
/// own (neither opens with a pronoun or a connective): a restyle reorders,
/// and a copy's sentence seams disappear with it.
fn reorder_pairs(sentences: &mut [String]) {
    let stands_alone = |s: &str| {
        let first = s.split(' ').next().unwrap_or("");
        !DEMO_ANAPHORS.contains(&first.trim_end_matches(','))
    };
    let mut i = 0;
    while i + 1 < sentences.len() {
        if stands_alone(&sentences[i + 1]) && stands_alone(&sentences[i]) {
            sentences.swap(i, i + 1);
            i += 2;
        } else {
            i += 1;
        }
    }
}

/// A line's sentences, each with its final mark (for the formats that lay
/// them out one by one).
pub(crate) fn sentences_of(line: &str) -> Vec<&str> {
    demo_sentences(line)
}

/// A line's sentences, each with its final mark.
fn demo_sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'?' | b'!') && bytes.get(i + 1) == Some(&b' ') {
            out.push(line[start..=i].trim());
            start = i + 2;
        }
    }
    if start < line.len() {
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// "If X, Y." → "Y if X." for a sentence that opens with a subordinate
/// clause; any other sentence as it is.
fn move_clause(sentence: &str) -> String {
    if let Some(flipped) = flip_cause(sentence) {
        return flipped;
    }
    if let Some(fronted) = front_time_phrase(sentence) {
        return fronted;
    }
    let Some((first, _)) = sentence.split_once(' ') else {
        return sentence.to_owned();
    };
    let Some((clause, main)) = sentence.split_once(", ") else {
        return sentence.to_owned();
    };
    let end = main.chars().last().filter(|c| matches!(c, '.' | '?' | '!'));
    if !DEMO_SUBORDINATORS.contains(&first)
        || clause.contains('`')
        || main.split(' ').count() < 3
        || end.is_none()
    {
        return sentence.to_owned();
    }
    let main = main.trim_end_matches(['.', '?', '!']);
    let mut chars = main.chars();
    let Some(head) = chars.next() else {
        return sentence.to_owned();
    };
    // Lower-case words of the clause keep their case; the subordinator
    // becomes lower-case, the main clause's first letter upper-case.
    let lowered = format!("{}{}", first.to_lowercase(), &clause[first.len()..]);
    format!(
        "{}{} {lowered}{}",
        head.to_uppercase(),
        chars.as_str(),
        end.unwrap_or('.')
    )
}

/// Sentence openers that are no name, lower-cased when they move inside.
const DEMO_COMMON_OPENERS: &[&str] = &[
    "The", "This", "That", "A", "An", "It", "We", "You", "They", "Each", "Every", "Some",
];

/// "A, because B." → "B, so a." (effect and cause trade places, as a
/// restyle says it), when A opens with a common word.
fn flip_cause(sentence: &str) -> Option<String> {
    let end = sentence.chars().last().filter(|c| *c == '.')?;
    let body = sentence.trim_end_matches('.');
    let (effect, cause) = body
        .split_once(", because ")
        .or_else(|| body.split_once(" because "))?;
    let first = effect.split(' ').next()?;
    if cause.contains(" because ")
        || cause.split(' ').count() < 3
        || effect.split(' ').count() < 3
        || effect.contains('`')
        || cause.contains('`')
    {
        return None;
    }
    let effect = if DEMO_COMMON_OPENERS.contains(&first) {
        format!("{}{}", first.to_lowercase(), &effect[first.len()..])
    } else if first.chars().next().is_some_and(char::is_lowercase) {
        effect.to_owned()
    } else {
        return None;
    };
    let mut c = cause.chars();
    let head = c.next()?.to_uppercase();
    Some(format!("{head}{}, so {effect}{end}", c.as_str()))
}

/// "X shipped in May 2015." → "In May 2015, X shipped.": a short closing
/// phrase of time or place with a number in it moves to the front.
fn front_time_phrase(sentence: &str) -> Option<String> {
    let end = sentence.chars().last().filter(|c| *c == '.')?;
    let body = sentence.trim_end_matches('.');
    let words: Vec<&str> = body.split(' ').collect();
    let at = words
        .iter()
        .rposition(|w| matches!(*w, "in" | "on" | "since" | "by" | "during"))?;
    let phrase = &words[at..];
    let main = &words[..at];
    // The phrase ends in its number (in May 2015, since 2009).
    let dated = phrase
        .last()
        .is_some_and(|w| w.chars().any(|c| c.is_ascii_digit()));
    if main.len() < 2 || phrase.len() > 4 || !dated || main.iter().any(|w| w.ends_with(':')) {
        return None;
    }
    let first = main[0];
    let main_text = if DEMO_COMMON_OPENERS.contains(&first) {
        format!("{}{}", first.to_lowercase(), &main.join(" ")[first.len()..])
    } else {
        main.join(" ")
    };
    let mut p = phrase.join(" ");
    p.replace_range(..1, &p[..1].to_uppercase());
    Some(format!("{p}, {main_text}{end}"))
}

/// "keeps compiling" → "continues compiling": keep before a gerund.
fn continue_for_keep(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let gerund = words
            .get(i + 1)
            .is_some_and(|n| n.trim_end_matches(['.', ',', ';', ':']).ends_with("ing"));
        out.push(match *w {
            "keeps" if gerund => "continues",
            "keep" if gerund => "continue",
            other => other,
        });
    }
    out.join(" ")
}

/// Common lower-case words swapped for synonyms and phrases contracted,
/// outside code spans.
fn swap_words(text: &str) -> String {
    if text.contains('`') {
        return swap_single_words(text);
    }
    let mut contracted = format!(" {text} ");
    for (from, to) in DEMO_CONTRACTIONS.iter().chain(DEMO_PHRASES) {
        contracted = contracted.replace(&format!(" {from} "), &format!(" {to} "));
    }
    swap_single_words(&continue_for_keep(contracted.trim()))
}

fn swap_single_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let lower = word.to_lowercase();
        // A capitalised common word ("However") swaps too, capitalised.
        let capitalised = word.chars().next().is_some_and(char::is_uppercase) && word[1..] == lower[1..];
        match DEMO_SYNONYMS.iter().find(|(from, _)| *from == lower.as_str()) {
            Some((_, to)) if capitalised => {
                let mut c = to.chars();
                out.extend(c.next().map(|f| f.to_ascii_uppercase()));
                out.push_str(c.as_str());
            }
            Some((_, to)) if *word == lower => out.push_str(to),
            _ => out.push_str(word),
        }
        word.clear();
    };
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        if c.is_ascii_alphabetic() && !in_code {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod demo_tests {
    use super::demo_rewrite;

    #[test]
    fn the_demo_restyles_and_keeps_names_numbers_and_code() {
        assert_eq!(
            demo_rewrite(
                "Rust 1.0 shipped in May 2015.\n\nIt came with a promise: code that compiles on 1.0 keeps compiling."
            ),
            "In May 2015, Rust 1.0 was released.\n\nIt arrived with a pledge: code that compiles on 1.0 continues compiling."
        );
        assert_eq!(
            demo_rewrite("If the borrow fails, the compiler stops."),
            "The compiler stops if the borrow fails."
        );
        let code = "```\nlet x = use_it(1);\n```";
        assert_eq!(demo_rewrite(code), code);
    }
}
