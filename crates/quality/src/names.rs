//! Names and identifiers a rewrite must keep: capitalised names, acronyms,
//! code identifiers (`snake_case`, `CamelCase`, `path::to::item`), URLs,
//! e-mail addresses, file paths and inline code.

pub use crate::name_variants::{contains_inflected, contains_name};
use crate::stopwords::is_stop_word;
pub(crate) use crate::token_kinds::classify_token;

/// What kind of name a mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// A capitalised name (`Graydon Hoare`).
    ProperName,
    /// All capitals (`HTTP`), or a lone capital mid-sentence.
    Acronym,
    /// A code identifier (`snake_case`, `CamelCase`, `i32`).
    Identifier,
    /// A path to an item (`std::fs::File`).
    ItemPath,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// A file path (`src/main.rs`).
    FilePath,
    /// Text in backticks.
    InlineCode,
    /// A command-line option (`--negotiate`).
    CommandOption,
}

impl NameKind {
    /// The kind's name in findings (`inline code`).
    pub fn label(self) -> &'static str {
        match self {
            Self::ProperName => "name",
            Self::Acronym => "acronym",
            Self::Identifier => "identifier",
            Self::ItemPath => "path",
            Self::Url => "URL",
            Self::Email => "e-mail address",
            Self::FilePath => "file path",
            Self::InlineCode => "inline code",
            Self::CommandOption => "option",
        }
    }
}

/// A name as the text writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMention {
    /// The name as written.
    pub text: String,
    /// What kind of name it is.
    pub kind: NameKind,
}

/// The distinct names of `text`, in order of first appearance.
///
/// A capitalised word that starts a sentence ("Call", "Structs") is taken as
/// a name only when the text also capitalises it mid-sentence.
pub fn names(text: &str) -> Vec<NameMention> {
    let mut found = NameList::default();
    // Runs of capitalised words: (position in `found` order, words, whether
    // the run starts a sentence).
    let mut runs: Vec<(usize, Vec<&str>, bool)> = Vec::new();
    let mut mid_sentence_capitals: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    for code in inline_code(text) {
        push_name(&mut found, code, NameKind::InlineCode);
    }
    let mut run: Vec<&str> = Vec::new();
    let mut run_at_start = false;
    let mut sentence_start = true;
    // A line indented differently from the one before (or after a blank
    // line) starts a block: a man page's option description under its
    // header line ("-g, --listed-incremental=FILE" / "Handle new ..."), a
    // list item. Its first word starts a sentence; wrapped prose lines,
    // indented alike, do not.
    let mut previous_indent: Option<usize> = None;
    let mut previous_bullet = false;
    let words = text.lines().flat_map(|line| {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let blank = trimmed.is_empty();
        // A list item starts a sentence too, however it is indented; so
        // does a line after one that is not indented under it (a note's
        // heading: "- last point" / "Defining a struct").
        let bullet = trimmed.starts_with(['-', '*', '•', '・']) && !trimmed.starts_with("--");
        let after_item = previous_bullet && !bullet && previous_indent.is_some_and(|p| indent <= p);
        let block_start = bullet || after_item || previous_indent.is_none_or(|p| p != indent);
        previous_indent = if blank { None } else { Some(indent) };
        previous_bullet = bullet;
        // An option and its description on one line ("-g     Think of
        // this as -l"): the description's first word starts a sentence.
        let description = trimmed
            .starts_with('-')
            .then(|| trimmed.find("  "))
            .flatten()
            .map(|gap| trimmed[..gap].split_whitespace().count());
        line.split_whitespace().enumerate().flat_map(move |(i, w)| {
            let starts = (i == 0 && block_start) || Some(i) == description;
            script_pieces(w)
                .enumerate()
                .map(move |(k, piece)| (piece, starts && k == 0))
        })
    });
    let mut last_was_number = false;
    for (raw, starts_block) in words {
        let after_number = std::mem::replace(
            &mut last_was_number,
            raw.trim_end_matches([',', ';'])
                .ends_with(|c: char| c.is_ascii_digit()),
        );
        if starts_block {
            if !run.is_empty() {
                runs.push((found.len(), std::mem::take(&mut run), run_at_start));
            }
            sentence_start = true;
        }
        // A word of small letters (most words) names nothing and ends any
        // run: only whether it ends its sentence is left to read.
        if is_plain_small_word(raw) {
            if !run.is_empty() {
                runs.push((found.len(), std::mem::take(&mut run), run_at_start));
            }
            sentence_start = ends_a_sentence(raw);
            continue;
        }
        let token = raw.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '/' || c == ':'));
        // A colon ends a label after any closing mark ("Rob Pike):").
        let token = token.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '/'));
        // A possessive names its owner, with a straight or a typeset
        // apostrophe (Rust's, Rust’s).
        let owner = token
            .strip_suffix("'s")
            .or_else(|| token.strip_suffix("’s"))
            .unwrap_or(token);
        // A double name joins capitalised parts (Сент-Дьёрди, Jean-Paul).
        let capitalised = owner.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            && owner.split('-').all(|part| {
                part.chars().next().is_some_and(char::is_uppercase)
                    && part.chars().skip(1).any(char::is_lowercase)
                    && (!part.chars().skip(1).any(char::is_uppercase)
                        || crate::token_kinds::is_prefixed_surname(part))
            });
        // A middle initial continues the name it stands in ("William H.
        // Russell"): no acronym, no sentence's end.
        // Not a regnal number (Пётр I. Там …): a Latin name's initial,
        // not a Roman numeral's letter.
        let middle_initial = token.len() == 1
            && raw.len() == 2
            && raw.ends_with('.')
            && token
                .chars()
                .all(|c| c.is_ascii_uppercase() && !crate::lexicon::common::REGNAL_LETTERS.contains(&c))
            && run.last().is_some_and(|w| w.is_ascii());
        if middle_initial {
            run.push(raw);
            continue;
        }
        // Capitalised stop words ("The", "In") start sentences, not names.
        if capitalised && !is_stop_word(&owner.to_lowercase()) {
            // Punctuation between words ends a name: "Chinese, Japanese" is two.
            if !run.is_empty() && raw.starts_with(|c: char| !c.is_alphanumeric()) {
                runs.push((found.len(), std::mem::take(&mut run), run_at_start));
            }
            if run.is_empty() {
                run_at_start = sentence_start;
            }
            if !(run.is_empty() && sentence_start) {
                mid_sentence_capitals.insert(owner);
            }
            run.push(owner);
            // A possessive ends its name ("Nansen's Fram" is two).
            if owner.len() < token.len() || raw.ends_with(|c: char| !c.is_alphanumeric()) {
                runs.push((found.len(), std::mem::take(&mut run), run_at_start));
            }
        } else if !run.is_empty() {
            runs.push((found.len(), std::mem::take(&mut run), run_at_start));
        }
        // A lone capital mid-sentence names something: the C language, the
        // type parameters T and E ("I" and "A" are words).
        // After a number it is a unit (3.2 V, 5 A).
        if token.len() == 1
            && token.chars().all(|c| c.is_ascii_uppercase())
            && !sentence_start
            && !crate::lexicon::Lexicons::for_text(token, None).has_word(|l| l.one_letter_words, token)
            && !after_number
        {
            push_name(&mut found, token, NameKind::Acronym);
        }
        // A capitals-only label at a line's start ("NOTE:", "WARNING:")
        // heads what follows; it names nothing.
        let label = starts_block && raw.ends_with(':') && token.chars().all(|c| !c.is_lowercase());
        // A chemical formula (Fe₃O₄, 3H2, NH₃) names a substance: written
        // with subscripts or digits alike.
        if !label && let Some(formula) = chemical_formula(token) {
            push_name(&mut found, &formula, NameKind::Identifier);
        } else if let Some(kind) = classify_token(raw, token).filter(|_| !label) {
            let t = if kind == NameKind::CommandOption {
                raw.trim_matches(|c: char| {
                    matches!(
                        c,
                        '(' | ')' | '<' | '>' | '"' | '\'' | ',' | ';' | '.' | ':' | '`'
                    )
                })
            } else if kind == NameKind::Url || kind == NameKind::Email {
                // Closing marks in any order ("(https://x/)." ends with ").").
                raw.trim_start_matches(['(', '<', '"', '\'', '`'])
                    .trim_end_matches([
                        ')', '>', '"', '\'', ',', ';', '`', '.', ':', '）', '。', '、', '，', '」', '』',
                    ])
            } else {
                token
            };
            push_name(&mut found, t, kind);
        }
        // A bullet or dash ("- Integer = ...") does not end the sentence
        // start it follows.
        // Nor does a tag in parentheses at its start ("(HTTP) Tells curl").
        let tag = raw.starts_with('(') && raw.ends_with(')');
        // An initial's stop ("М. В. Фрунзе", "J. Smith") ends no sentence.
        let initial = raw.chars().count() == 2
            && raw.starts_with(|c: char| {
                c.is_uppercase() && !crate::lexicon::common::REGNAL_LETTERS.contains(&c)
            })
            && raw.ends_with('.');
        if raw.chars().any(char::is_alphanumeric) && !(tag && sentence_start) {
            sentence_start = ends_a_sentence(raw) && !initial;
        } else if !raw.chars().any(char::is_alphanumeric) && ends_a_sentence(raw) {
            // A sign after a number ends its sentence too ("8 %. Чайное
            // растение"): the next word starts one.
            sentence_start = true;
        }
        if sentence_start && !run.is_empty() {
            runs.push((found.len(), std::mem::take(&mut run), run_at_start));
        }
    }
    if !run.is_empty() {
        runs.push((found.len(), run, run_at_start));
    }
    // An initial that ends a run ended its sentence instead ("the Model A.
    // Its design"): the name stops before it.
    for (_, words, _) in &mut runs {
        while words.last().is_some_and(|w| w.len() == 2 && w.ends_with('.')) {
            words.pop();
        }
    }
    // Merge the runs into `found` at the places they were met.
    let mut out = NameList::default();
    let mut runs = runs.into_iter().peekable();
    for (i, mention) in found.names.into_iter().enumerate() {
        while let Some((_, words, at_start)) = runs.next_if(|r| r.0 <= i) {
            push_run(&mut out, &words, at_start, &mid_sentence_capitals);
        }
        push_name(&mut out, &mention.text, mention.kind);
    }
    for (_, words, at_start) in runs {
        push_run(&mut out, &words, at_start, &mid_sentence_capitals);
    }
    out.names
}

/// ASCII small letters with at most one mark after them that ends or
/// continues a sentence ("word", "word," "word."): such a token names
/// nothing, and [`names`] reads only whether it ends its sentence. ("www."
/// is a host's start.)
fn is_plain_small_word(raw: &str) -> bool {
    let letters = raw.strip_suffix([',', ';', '.', '!', '?', ':']).unwrap_or(raw);
    !letters.is_empty() && letters.bytes().all(|b| b.is_ascii_lowercase()) && raw != "www."
}

/// Whether a whitespace-separated token ends its sentence: a stop or an
/// ellipsis (√2 = 1,41421356… Вблизи …), after any closing mark (emphasis
/// closes after the stop too: "**2. Выбор ответа.**").
fn ends_a_sentence(raw: &str) -> bool {
    raw.trim_end_matches(['"', '\'', ')', '”', '’', '*', '_'])
        .ends_with(crate::lexicon::common::SENTENCE_END_MARKS)
}

/// Whether `c` is written as CJK text is: Han, kana, CJK punctuation and
/// full-width forms.
fn cjk_side(c: char) -> bool {
    crate::text::is_cjk(c) || ('\u{3000}'..='\u{30FF}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c)
}

/// A whitespace-separated word cut where CJK text meets Latin text and at
/// backticks: CJK text has no spaces, so `在PostgreSQL中` holds the name
/// `PostgreSQL`, and a URL ends where the sentence around it resumes
/// (`http://host/;` then `と書く`).
fn script_pieces(word: &str) -> impl Iterator<Item = &str> {
    // ASCII without a backtick: one piece (most words), no list built.
    if word.is_ascii() && !word.contains('`') {
        return Some(word).filter(|w| !w.is_empty()).into_iter().chain(Vec::new());
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut previous: Option<bool> = None;
    for (i, c) in word.char_indices() {
        if c == '`' {
            if start < i {
                pieces.push(&word[start..i]);
            }
            start = i + 1;
            previous = None;
            continue;
        }
        let side = cjk_side(c);
        if previous.is_some_and(|p| p != side) && start < i {
            pieces.push(&word[start..i]);
            start = i;
        }
        previous = Some(side);
    }
    if start < word.len() {
        pieces.push(&word[start..]);
    }
    // Punctuation after a closing backtick (`-b`.) stays with the piece
    // before it: it ends that sentence.
    let mut merged: Vec<&str> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match merged.last_mut() {
            Some(last) if !piece.chars().any(char::is_alphanumeric) => {
                let from = last.as_ptr() as usize - word.as_ptr() as usize;
                let to = piece.as_ptr() as usize - word.as_ptr() as usize + piece.len();
                *last = &word[from..to];
            }
            _ => merged.push(piece),
        }
    }
    None.into_iter().chain(merged)
}

/// Names in the order they were first met, each once.
#[derive(Default)]
struct NameList {
    names: Vec<NameMention>,
    /// Their texts: a text of many names (an upper-cased one: every word)
    /// is not searched name by name for each new one.
    seen: rustc_hash::FxHashSet<String>,
}

impl NameList {
    fn len(&self) -> usize {
        self.names.len()
    }
}

fn push_name(out: &mut NameList, text: &str, kind: NameKind) {
    if !text.is_empty() && !out.seen.contains(text) {
        out.seen.insert(text.to_owned());
        out.names.push(NameMention {
            text: text.to_owned(),
            kind,
        });
    }
}

/// A run of capitalised words is one name ("New York City"); its first word
/// is dropped when it only starts a sentence.
fn push_run(
    out: &mut NameList,
    words: &[&str],
    at_start: bool,
    mid_sentence_capitals: &rustc_hash::FxHashSet<&str>,
) {
    let words = match words.split_first() {
        Some((first, rest)) if at_start && !mid_sentence_capitals.contains(first) => rest,
        _ => words,
    };
    if !words.is_empty() {
        push_name(out, &words.join(" "), NameKind::ProperName);
    }
}

/// `text` as its names are spelled: subscript digits as digits (H₂O →
/// H2O), and emphasis marks inside a word dropped (a mnemonic's bold
/// initial, **A**ntibiotics, writes the word Antibiotics).
pub fn plain_spelling(text: &str) -> String {
    // No subscript digit and no doubled emphasis mark: nothing to respell
    // (most texts), and no copy of the text as characters.
    if !text.contains(|c: char| ('₀'..='₉').contains(&c)) && !text.contains("**") && !text.contains("__")
    {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let inside_word = |mark: char| {
            c == mark
                && chars.get(i + 1) == Some(&mark)
                && i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 2).is_some_and(|n| n.is_alphanumeric())
        };
        if inside_word('*') || inside_word('_') {
            i += 2;
            continue;
        }
        out.push(match c {
            '₀'..='₉' => char::from_digit(c as u32 - '₀' as u32, 10).unwrap_or(c),
            _ => c,
        });
        i += 1;
    }
    out
}

/// `token` as a chemical formula with its subscripts as digits, when it is
/// one: an optional coefficient, then element symbols (a capital and at
/// most one small letter) with counts, a count among them (`Fe3O4`, `3H2`,
/// `NH₃`; not `CO`, `Fe`).
fn chemical_formula(token: &str) -> Option<String> {
    // Most words have no capital, no digit (a formula counts an atom) or a
    // letter beyond ASCII: no copy made.
    if !token.bytes().any(|b| b.is_ascii_uppercase())
        || !token.contains(|c: char| c.is_ascii_digit() || ('₀'..='₉').contains(&c))
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ('₀'..='₉').contains(&c))
    {
        return None;
    }
    let plain = plain_spelling(token);
    let bytes = plain.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let (mut elements, mut counts) = (0, 0);
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase() {
            return None;
        }
        i += 1;
        if i < bytes.len() && bytes[i].is_ascii_lowercase() {
            i += 1;
        }
        elements += 1;
        let digits = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        counts += usize::from(i > digits);
    }
    (elements >= 1 && counts >= 1 && plain.len() <= 12).then_some(plain)
}

/// Contents of single-backtick spans outside fenced blocks.
fn inline_code(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            continue;
        }
        let mut rest = line;
        while let Some(open) = rest.find('`') {
            let after = &rest[open + 1..];
            // Man pages quote `%k' (find(1)): a backtick closed by an
            // apostrophe, with no space or backtick between, is a
            // quotation, not code. (`rsync -e 'ssh -p 22'` is code.)
            if let Some(quote) = after
                .find('\'')
                .filter(|&q| q > 0 && !after[..q].contains('`') && !after[..q].contains(char::is_whitespace))
            {
                rest = &after[quote + 1..];
                continue;
            }
            let Some(close) = after.find('`') else { break };
            let code = &after[..close];
            // Code never starts or ends with a space: one that does is the
            // prose between two spans, the backticks paired wrongly.
            if !code.trim().is_empty() && code.trim() == code {
                out.push(code);
            }
            rest = &after[close + 1..];
        }
    }
    out
}

/// How often `text` mentions `name` as written, as a whole word: the name
/// `C` is not in "Chapter", `Rust` not in "Rustonomicon" (CJK text has no
/// word boundaries, so a CJK neighbour does not count as one).
pub fn count_name(text: &str, name: &str) -> usize {
    mentions(text, name).count()
}

/// Whether `text` mentions `name` at all, as [`count_name`] counts: it
/// stops at the first mention.
pub fn has_name(text: &str, name: &str) -> bool {
    mentions(text, name).next().is_some()
}

/// The whole-word occurrences of `name` in `text`.
fn mentions<'a>(text: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    let joins =
        |c: Option<char>| c.is_some_and(|c| (c.is_alphanumeric() && !crate::text::is_cjk(c)) || c == '_');
    let name_starts_word = joins(name.chars().next());
    let name_ends_word = joins(name.chars().next_back());
    crate::text::occurrences(text, name).filter(move |&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        let glued = (name_starts_word && joins(before)) || (name_ends_word && joins(after));
        !glued
    })
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
