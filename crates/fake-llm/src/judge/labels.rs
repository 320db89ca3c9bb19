//! The truth the labelled judge answers from (see the module above, "Truth"):
//! the held-out sets loaded, and what each claim and chunk is labelled.

use super::*;

/// One passage of a set, with its restyles.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledSource {
    /// The set file it came from (filled in by [`load_sets`]).
    #[serde(skip)]
    pub file: String,
    pub id: String,
    #[serde(default)]
    pub lang: Option<String>,
    pub text: String,
    #[serde(default, rename = "restyle")]
    pub restyles: Vec<LabelledRestyle>,
}

/// A faithful restyle and its single-error variants.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledRestyle {
    pub style: String,
    pub text: String,
    #[serde(default, rename = "error")]
    pub errors: Vec<PlantedError>,
}

/// One error planted in a restyle: `find` replaced once by `replace`.
#[derive(Debug, Clone, Deserialize)]
pub struct PlantedError {
    pub kind: String,
    /// `number`, `name`, `identifier` or `word`; older sets leave it out.
    #[serde(default)]
    pub carrier: Option<String>,
    pub find: String,
    pub replace: String,
    #[serde(default)]
    pub note: String,
}

impl PlantedError {
    /// What carries it (`word` where the set does not say).
    pub fn carrier(&self) -> &str {
        self.carrier.as_deref().unwrap_or("word")
    }

    /// The restyle with this error in it.
    pub fn variant(&self, restyle: &str) -> String {
        restyle.replacen(&self.find, &self.replace, 1)
    }

    /// Whether it puts text in (an omission only takes some out).
    fn inserts(&self) -> bool {
        !self.kind.starts_with("omit") && !self.replace.trim().is_empty()
    }

    /// Whether it changes or drops what a source sentence says (a
    /// fabrication adds and keeps everything).
    fn breaks_source(&self) -> bool {
        self.kind.starts_with("alter") || self.kind.starts_with("omit")
    }

    /// Subtle: carried by an ordinary word.
    fn subtle(&self) -> bool {
        self.carrier() == "word"
    }
}

#[derive(Deserialize)]
struct SetFile {
    source: Vec<LabelledSource>,
}

/// The fidelity suite's folder in this repository.
pub fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rephrase/tests/fidelity_suite")
}

/// The files a set name stands for: a letter `x` is `set_x_en_ru` and
/// `set_x_zh_ja`; anything else is one file's stem (`held_out_2`).
pub fn set_files(name: &str) -> Vec<String> {
    let name = name.trim();
    if name.len() == 1 && name.chars().all(|c| c.is_ascii_lowercase()) {
        vec![format!("set_{name}_en_ru"), format!("set_{name}_zh_ja")]
    } else {
        vec![name.to_owned()]
    }
}

/// The sources of the named sets, read from `dir`; every error's `find`
/// must occur exactly once in its restyle.
pub fn load_sets(dir: &Path, names: &[&str]) -> Result<Vec<LabelledSource>, String> {
    let mut out = Vec::new();
    for file in names.iter().flat_map(|n| set_files(n)) {
        let path = dir.join(format!("{file}.toml"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let set: SetFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for mut source in set.source {
            for restyle in &source.restyles {
                for error in &restyle.errors {
                    if restyle.text.matches(&error.find).count() != 1 {
                        return Err(format!(
                            "{file}/{}/{}: `find` must occur once in the restyle: {:?}",
                            source.id, restyle.style, error.find
                        ));
                    }
                }
            }
            source.file.clone_from(&file);
            out.push(source);
        }
    }
    Ok(out)
}

/// Which labelled text a rewrite is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RewriteId {
    pub source: usize,
    pub restyle: usize,
    /// `None`: the faithful restyle.
    pub error: Option<usize>,
}

/// What the labels say about one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// The claim is supported (the chunk faithful).
    pub holds: bool,
    /// A hard question for the `hard-case` profile (see the module doc).
    pub hard: bool,
}

/// The checks whose suspicions are mostly paraphrases: a claim they raise
/// that holds is a hard question.
const PARAPHRASE_CHECKS: [&str; 4] = ["polarity", "modality", "direction", "entities"];

/// The labelled sets, indexed by the texts a judge is shown.
#[derive(Debug, Clone, Default)]
pub struct JudgeLabels {
    sources: Vec<LabelledSource>,
    pub(super) by_source: HashMap<String, Vec<usize>>,
    by_rewrite: HashMap<String, RewriteId>,
    /// Per source, its sentences and their tokens.
    sentences: Vec<Vec<(String, HashSet<String>)>>,
    /// Per (source, restyle, error) of an error that breaks a source
    /// sentence: the indexes of the sentences it bears on.
    bearing: HashMap<(usize, usize, usize), Vec<usize>>,
    /// Which checks raised a text (a claim or a rewrite), from the harness.
    hints: HashMap<String, HashSet<String>>,
}

impl JudgeLabels {
    /// Indexes `sources` (see [`load_sets`]).
    pub fn new(sources: Vec<LabelledSource>) -> Self {
        let mut labels = Self {
            sources,
            ..Self::default()
        };
        for (s, source) in labels.sources.iter().enumerate() {
            labels.by_source.entry(norm(&source.text)).or_default().push(s);
            let sentences: Vec<(String, HashSet<String>)> = sentences(&source.text)
                .into_iter()
                .map(|t| (norm(t), tokens(t)))
                .filter(|(_, t)| !t.is_empty())
                .collect();
            for (r, restyle) in source.restyles.iter().enumerate() {
                let id = RewriteId {
                    source: s,
                    restyle: r,
                    error: None,
                };
                labels.by_rewrite.insert(norm(&restyle.text), id);
                for (e, error) in restyle.errors.iter().enumerate() {
                    let variant = error.variant(&restyle.text);
                    labels
                        .by_rewrite
                        .insert(norm(&variant), RewriteId { error: Some(e), ..id });
                    if error.breaks_source() {
                        labels
                            .bearing
                            .insert((s, r, e), borne_on(&sentences, &restyle.text, error));
                    }
                }
            }
            labels.sentences.push(sentences);
        }
        labels
    }

    /// Loads and indexes the named sets (see [`set_files`]).
    pub fn load(dir: &Path, names: &[&str]) -> Result<Self, String> {
        Ok(Self::new(load_sets(dir, names)?))
    }

    pub fn sources(&self) -> &[LabelledSource] {
        &self.sources
    }

    /// Records that `check` (a `CheckKind` name: `polarity`, …) raised a
    /// suspicion about `text`: a claim, or (for the whole-chunk judge) a
    /// rewrite. Only the `hard-case` profile reads it.
    pub fn hint(&mut self, text: &str, check: &str) {
        self.hints
            .entry(norm(text))
            .or_default()
            .insert(check.to_ascii_lowercase());
    }

    fn paraphrase_hinted(&self, text: &str) -> bool {
        self.hints
            .get(&norm(text))
            .is_some_and(|checks| PARAPHRASE_CHECKS.iter().any(|c| checks.contains(*c)))
    }

    /// Which labelled text `rewrite` is.
    pub fn rewrite_id(&self, rewrite: &str) -> Option<RewriteId> {
        self.by_rewrite.get(&norm(rewrite)).copied()
    }

    /// The error of a variant.
    pub fn error(&self, id: RewriteId) -> Option<&PlantedError> {
        Some(&self.sources[id.source].restyles[id.restyle].errors[id.error?])
    }

    /// Whether the source sentence or rewrite sentence `claim` is known in
    /// `document` as written (whitespace aside): what the truth rule can see.
    pub fn verbatim(document: &str, claim: &str) -> bool {
        norm(document).contains(&norm(claim))
    }

    /// A REWRITE claim against `source` (see the module doc); `None` when
    /// the source is not labelled.
    pub fn label_supported(&self, source: &str, claim: &str) -> Option<Label> {
        let indexes = self.by_source.get(&norm(source))?;
        let mut pieces = vec![norm(claim)];
        let split = sentences(claim);
        if split.len() > 1 {
            pieces.extend(split.into_iter().map(norm));
        }
        let breaking = indexes.iter().find_map(|&s| {
            let restyles = &self.sources[s].restyles;
            pieces.iter().find_map(|piece| {
                if restyles.iter().any(|r| norm(&r.text).contains(piece.as_str())) {
                    return None;
                }
                restyles
                    .iter()
                    .flat_map(|r| r.errors.iter().map(move |e| (r, e)))
                    .find(|(r, e)| e.inserts() && norm(&e.variant(&r.text)).contains(piece.as_str()))
                    .map(|(_, e)| e)
            })
        });
        Some(match breaking {
            Some(error) => Label {
                holds: false,
                hard: error.subtle(),
            },
            None => self.holding(claim),
        })
    }

    /// A SOURCE claim looked for in `rewrite` (see the module doc); `None`
    /// when the rewrite is not labelled.
    pub fn label_kept(&self, rewrite: &str, claim: &str) -> Option<Label> {
        let id = self.rewrite_id(rewrite)?;
        let Some(e) = id.error else {
            return Some(self.holding(claim));
        };
        let error = &self.sources[id.source].restyles[id.restyle].errors[e];
        let broken = self
            .bearing
            .get(&(id.source, id.restyle, e))
            .is_some_and(|borne| {
                let sentences = &self.sentences[id.source];
                claim_sentences(sentences, claim)
                    .iter()
                    .any(|i| borne.contains(i))
            });
        Some(if broken {
            Label {
                holds: false,
                hard: error.subtle(),
            }
        } else {
            self.holding(claim)
        })
    }

    /// A whole chunk: unfaithful iff an error variant; `None` when the
    /// rewrite is not labelled.
    pub fn label_faithful(&self, rewrite: &str) -> Option<Label> {
        let id = self.rewrite_id(rewrite)?;
        Some(match self.error(id) {
            Some(error) => Label {
                holds: false,
                hard: error.subtle(),
            },
            None => self.holding(rewrite),
        })
    }

    fn holding(&self, text: &str) -> Label {
        Label {
            holds: true,
            hard: self.paraphrase_hinted(text),
        }
    }

    /// The source sentences an error bears on (empty for a fabrication).
    pub fn borne_on(&self, id: RewriteId) -> Vec<&str> {
        let Some(e) = id.error else { return Vec::new() };
        self.bearing
            .get(&(id.source, id.restyle, e))
            .map(|b| {
                b.iter()
                    .map(|&i| self.sentences[id.source][i].0.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The text without its whitespace: the gate quotes a group of sentences
/// joined by a space ("。 "), and line breaks and indents of a rewrite are
/// layout, not content.
pub(super) fn norm(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

pub(super) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // kana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF)
}

/// Sentences: cut after `.`, `!` or `?` followed by a space, after `。`,
/// `！` or `？`, and at line ends, except where the next line goes on in
/// lower case (prose wrapped by hand, as docstrings are).
pub(super) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let end = match c {
            '\n' => {
                let goes_on = text[i + 1..]
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase);
                (!goes_on).then_some(i)
            }
            '。' | '！' | '？' => Some(i + c.len_utf8()),
            '.' | '!' | '?' if next.is_none_or(char::is_whitespace) => Some(i + 1),
            _ => None,
        };
        if let Some(end) = end {
            let piece = text[start..end].trim();
            if !piece.is_empty() {
                out.push(piece);
            }
            start = end;
        }
    }
    let piece = text[start..].trim();
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

/// Words too common to tell sentences apart (negations too: "not" and
/// "don't" say the same).
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "that", "with", "this", "these", "those", "there", "their", "they", "them", "such",
    "are", "was", "were", "been", "being", "from", "its", "which", "who", "what", "when", "where", "into",
    "onto", "than", "then", "each", "can", "could", "has", "have", "had", "also", "but", "not", "don",
    "doesn", "didn", "isn", "aren", "won", "does", "did", "any", "all", "you", "your", "our", "one", "only",
    "very", "more", "most", "some", "other", "about", "over", "just", "will", "would", "что", "как", "для",
    "это", "или", "при", "его", "она", "они", "так", "уже",
];

/// Content tokens: lower-cased words of three letters or more, not stop
/// words, cut to five characters (inflections aside); words with a digit
/// whole (a lone digit dropped); CJK runs as character bigrams (a lone
/// character as itself).
pub(super) fn tokens(text: &str) -> HashSet<String> {
    fn flush_word(word: &mut String, out: &mut HashSet<String>) {
        let n = word.chars().count();
        if word.chars().any(|c| c.is_ascii_digit()) {
            // A lone digit is a list's number more often than a fact.
            if n > 1 {
                out.insert(word.clone());
            }
        } else if n >= 3 && !STOP_WORDS.contains(&word.as_str()) {
            out.insert(word.chars().take(5).collect());
        }
        word.clear();
    }
    fn flush_run(run: &mut Vec<char>, out: &mut HashSet<String>) {
        if run.len() == 1 {
            out.insert(run[0].to_string());
        }
        for pair in run.windows(2) {
            out.insert(pair.iter().collect());
        }
        run.clear();
    }
    let mut out = HashSet::new();
    let (mut word, mut run) = (String::new(), Vec::new());
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut out);
            flush_run(&mut run, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_run(&mut run, &mut out);
    out
}

/// The restyle's sentences around an error's `find` (from the sentence
/// boundary before it to the one after it).
pub(super) fn context<'a>(restyle: &'a str, find: &'a str) -> &'a str {
    let Some(at) = restyle.find(find) else { return find };
    let end_of_find = at + find.len();
    let boundary = |c: char| matches!(c, '\n' | '.' | '!' | '?' | '。' | '！' | '？');
    let start = restyle[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| boundary(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = restyle[end_of_find..]
        .find(boundary)
        .map_or(restyle.len(), |i| end_of_find + i);
    &restyle[start..end]
}

pub(super) fn shared(a: &HashSet<String>, b: &HashSet<String>) -> usize {
    a.intersection(b).count()
}

/// The sentences an error that changes or drops content bears on (see the
/// module doc). Tokens count by their rarity among the source's sentences,
/// so the word that makes a sentence itself outweighs the passage's topic.
pub(super) fn borne_on(
    sentences: &[(String, HashSet<String>)],
    restyle: &str,
    error: &PlantedError,
) -> Vec<usize> {
    let weight = |token: &String| {
        let n = sentences.iter().filter(|(_, t)| t.contains(token)).count();
        1.0 / n.max(1) as f64
    };
    let find = tokens(&error.find);
    let around = tokens(context(restyle, &error.find));
    let score = |t: &HashSet<String>| {
        let of_find: f64 = t.intersection(&find).map(weight).sum();
        let of_context: f64 = t.intersection(&around).map(weight).sum();
        (of_find, of_context)
    };
    let mut best: Option<((f64, f64), usize)> = None;
    for (i, (_, t)) in sentences.iter().enumerate() {
        let s = score(t);
        if s.0 + s.1 > 0.0 && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, i));
        }
    }
    let mut out: Vec<usize> = best.map(|(_, i)| i).into_iter().collect();
    if error.kind.starts_with("omit") {
        for (i, (_, t)) in sentences.iter().enumerate() {
            let n = shared(t, &find);
            if !out.contains(&i) && n >= 2 && 2 * n >= t.len() {
                out.push(i);
            }
        }
    }
    out
}

/// The source sentences a claim stands for: those it contains or that
/// contain it, else the one sharing the largest share of tokens with it.
pub(super) fn claim_sentences(sentences: &[(String, HashSet<String>)], claim: &str) -> Vec<usize> {
    let claim_norm = norm(claim);
    let overlapping: Vec<usize> = sentences
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.contains(&claim_norm) || claim_norm.contains(s.as_str()))
        .map(|(i, _)| i)
        .collect();
    if !overlapping.is_empty() {
        return overlapping;
    }
    let claim = tokens(claim);
    let jaccard = |t: &HashSet<String>| {
        let union = claim.union(t).count();
        if union == 0 {
            0.0
        } else {
            shared(&claim, t) as f64 / union as f64
        }
    };
    sentences
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (jaccard(t), i))
        .filter(|&(j, _)| j > 0.0)
        .fold(None, |best: Option<(f64, usize)>, (j, i)| match best {
            Some((b, _)) if b >= j => best,
            _ => Some((j, i)),
        })
        .map(|(_, i)| vec![i])
        .unwrap_or_default()
}
