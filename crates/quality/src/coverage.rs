//! Coverage of required entities and key points, terminology preferences and
//! banned terms, with alias matching that forgives case, hyphen/underscore/
//! space variants and plurals.

use serde::{Deserialize, Serialize};

use crate::lexicon::Lexicons;
use crate::stopwords::is_stop_word;
use std::borrow::Cow;

use crate::text::{fold_word, is_cjk, lower_word, sentences, word_ranges, words};
use crate::words::WordSet;

/// A text folded for term matching: folded words separated by single spaces,
/// with a space at each end so that matches fall on word boundaries.
#[derive(Debug, Clone)]
pub struct FoldedText {
    joined: String,
    words: Vec<String>,
}

/// Folded words of `text` (`MUTEX_GUARD` and `mutex guard` are one term:
/// split on `_` too; hyphens already separate words).
fn folded_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .flat_map(|w| w.split('_'))
        .filter(|p| !p.is_empty())
        .map(fold_word)
        .collect()
}

/// Below this many characters a term is matched only word for word (a
/// squashed match of a short term would find it across word boundaries).
const MIN_SQUASHED_CHARS: usize = 5;

impl FoldedText {
    /// `text` folded for term matching.
    pub fn new(text: &str) -> Self {
        let words = folded_words(text);
        let mut joined = String::from(" ");
        for w in &words {
            joined.push_str(w);
            joined.push(' ');
        }
        Self { joined, words }
    }

    /// Whether the term (any of its spellings) occurs: word for word after
    /// folding (case, plurals, possessives), or with its words run together
    /// or split apart (`geo-engineering` for `geoengineering`, `multicolumn
    /// index` for `multi-column index`).
    pub fn contains_term(&self, term: &str) -> bool {
        let folded = FoldedText::new(term);
        if folded.words.is_empty() {
            return false;
        }
        if self.joined.contains(&folded.joined) {
            return true;
        }
        let squashed: String = folded.words.concat();
        if squashed.chars().count() < MIN_SQUASHED_CHARS {
            return false;
        }
        let most = folded.words.len() + 2;
        (0..self.words.len()).any(|i| {
            let mut acc = String::new();
            for w in self.words[i..].iter().take(most) {
                acc.push_str(w);
                if acc.len() >= squashed.len() {
                    return acc == squashed;
                }
                if !squashed.starts_with(&acc) {
                    return false;
                }
            }
            false
        })
    }

    /// How many times the term occurs (word for word).
    pub fn count_term(&self, term: &str) -> usize {
        let folded = FoldedText::new(term);
        if folded.words.is_empty() {
            return 0;
        }
        self.joined.matches(&folded.joined).count()
    }
}

/// An entity with the other names it may go by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Its name as the plan gives it.
    pub name: String,
    /// Other names that count as naming it.
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Entity {
    /// An entity with no aliases.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            aliases: Vec::new(),
        }
    }

    /// Whether `text` names it (by its name or an alias).
    pub fn found_in(&self, text: &FoldedText) -> bool {
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .any(|t| text.contains_term(t))
    }
}

/// Share of a key point's concept words that one passage (a sentence, or
/// two adjacent ones) must carry for the key point to count as covered.
pub const KEY_POINT_RECALL: f64 = 0.6;

/// Key points of at most this many concept words need all of them (with
/// three, two are often the section's topic words alone).
const SHORT_KEY_POINT: usize = 3;

/// Whether a key point ("ownership prevents data races") is covered: one
/// sentence, or two adjacent ones, carries most of its concept words (see
/// [`concept_words`]), all of them for a short key point. Per sentence, not
/// on the bag of the whole section, so that words scattered over unrelated
/// sentences do not add up to a point; headings do not count.
pub fn key_point_covered(text: &str, key_point: &str) -> bool {
    let needed = if concept_words(key_point).len() <= SHORT_KEY_POINT {
        1.0
    } else {
        KEY_POINT_RECALL
    };
    key_point_recall(text, key_point) >= needed - 1e-9
}

/// The best share of the key point's concept words one passage carries.
pub fn key_point_recall(text: &str, key_point: &str) -> f64 {
    let wanted = concept_words(key_point);
    if wanted.is_empty() {
        return 1.0;
    }
    let body: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let passages: Vec<WordSet> = sentences(&body).into_iter().map(concept_words).collect();
    let share =
        |got: &dyn Fn(&String) -> bool| wanted.iter().filter(|w| got(w)).count() as f64 / wanted.len() as f64;
    let mut best: f64 = 0.0;
    for (i, one) in passages.iter().enumerate() {
        best = best.max(share(&|w| one.contains(w)));
        if let Some(next) = passages.get(i + 1) {
            best = best.max(share(&|w| one.contains(w) || next.contains(w)));
        }
    }
    best
}

/// Content words normalised for paraphrase: folded, lightly stemmed
/// (`recorded`/`records` → `record`, `began` → `begin`), numbers in one
/// spelling (`2,000`, `two thousand` → `2000`), years, decades and ordinal
/// centuries as the century they fall in (`1840s`, `1815`, `nineteenth
/// century`, `19th century` → `c19`), negators kept, and CJK text as
/// character bigrams (its words are not delimited; single characters match
/// too much).
pub fn concept_words(text: &str) -> WordSet {
    concept_words_in(text, Lexicons::for_text(text, None))
}

/// [`concept_words`] with the lexicons that apply already chosen. Words that
/// flip a claim (`concept_negators`) are kept although they are stop words
/// (a key point "the table is never read" needs its "never").
pub(crate) fn concept_words_in(text: &str, lex: Lexicons) -> WordSet {
    // Lower-cased word by word; most words are lower case already and are
    // borrowed, not copied.
    let folded: Vec<Cow<str>> = word_ranges(text).map(|r| lower_word(&text[r])).collect();
    concept_words_of(&folded, lex)
}

/// [`concept_words_in`] of a text's words, already split and lower-cased
/// (`text::lower_word`): the alignment reads every sentence's, and splits each
/// text once for all of them.
pub(crate) fn concept_words_of<W: AsRef<str>>(folded: &[W], lex: Lexicons) -> WordSet {
    let mut out = WordSet::default();
    // Inserted in the order they are met (a set's iteration order follows
    // it); a word met again is not copied again.
    let insert = |out: &mut WordSet, term: &str| {
        if !out.contains(term) {
            out.insert(term.to_owned());
        }
    };
    // A CJK bigram is joined here, and copied only the first time.
    let mut bigram = String::new();
    let mut i = 0;
    while i < folded.len() {
        let w: &str = folded[i].as_ref();
        let next = folded.get(i + 1).map(AsRef::as_ref);
        if w.chars().next().is_some_and(is_cjk) {
            match next.filter(|n| n.chars().next().is_some_and(is_cjk)) {
                Some(n) => {
                    bigram.clear();
                    bigram.push_str(w);
                    bigram.push_str(n);
                    insert(&mut out, &bigram);
                }
                None if i == 0 || !folded[i - 1].as_ref().chars().next().is_some_and(is_cjk) => {
                    insert(&mut out, w);
                }
                None => {}
            }
            i += 1;
            continue;
        }
        if next.is_some_and(|n| lex.words(|l| l.century_words).any(|c| c == n))
            && let Some(c) = ordinal(w, lex)
        {
            out.insert(format!("c{c}"));
            i += 2;
            continue;
        }
        if let Some((value, used)) = number_words(&folded[i..], lex) {
            out.insert(value.to_string());
            i += used;
            continue;
        }
        let digits: Cow<str> = if w.contains(',') {
            Cow::Owned(w.replace(',', ""))
        } else {
            Cow::Borrowed(w)
        };
        let year = digits.strip_suffix('s').unwrap_or(&digits);
        if year.len() == 4
            && let Ok(y) = year.parse::<u32>()
            && (1000..2100).contains(&y)
        {
            out.insert(format!("c{}", y / 100 + 1));
        }
        if digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
            insert(&mut out, &digits);
        } else if lex.has_word(|l| l.concept_negators, w) || w == "n't" {
            insert(&mut out, "not");
        } else if w.chars().count() >= 3 {
            let word = fold_lower_word(w);
            if !is_stop_word(&word) {
                insert(&mut out, stem(&word, lex));
            }
        }
        i += 1;
    }
    out
}

/// [`fold_word`] of a lower-cased word.
fn fold_lower_word(w: &str) -> Cow<'_, str> {
    if w.is_ascii() {
        // Lower case already: lower-casing again changes nothing.
        crate::text::fold_lowered_str(w)
    } else {
        Cow::Owned(fold_word(w))
    }
}

/// The century an ordinal names (`nineteenth`, `19th` → 19).
fn ordinal(w: &str, lex: Lexicons) -> Option<u32> {
    if let Some(i) = lex.indexes().find_map(|l| l.ordinal(w)) {
        return Some(i);
    }
    let n = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[n.len()..];
    (n.len() < w.len() && lex.words(|l| l.ordinal_suffixes).any(|s| s == suffix))
        .then(|| n.parse().ok())
        .flatten()
}

/// A number spelled in words at the start of `words` (`two thousand`,
/// `forty five`), and how many words it took.
fn number_words<W: AsRef<str>>(words: &[W], lex: Lexicons) -> Option<(u64, usize)> {
    // Units and tens; hundred, thousand and million scale them below.
    let unit = |w: &str| lex.indexes().find_map(|l| l.unit(w));
    let (mut total, mut current, mut used) = (0u64, 0u64, 0usize);
    for w in words {
        match w.as_ref() {
            "hundred" if current > 0 => current *= 100,
            "thousand" if current > 0 => {
                total += current * 1000;
                current = 0;
            }
            "million" if current > 0 => {
                total += current * 1_000_000;
                current = 0;
            }
            other => match unit(other) {
                Some(v) => current += v,
                None => break,
            },
        }
        used += 1;
    }
    (used > 0).then_some((total + current, used))
}

/// A light stem: irregular past forms to their base, then `-ing`/`-ed` and a
/// final `e` off (`trading`, `traded`, `trade` → `trad`).
fn stem(w: &str, lex: Lexicons) -> &str {
    let base = lex.indexes().find_map(|l| l.irregular_base(w)).unwrap_or(w);
    if !base.is_ascii() {
        return base;
    }
    let cut = if base.len() > 5 && base.ends_with("ing") {
        &base[..base.len() - 3]
    } else if (base.len() > 4 && base.ends_with("ed")) || (base.len() > 5 && base.ends_with("ly")) {
        &base[..base.len() - 2]
    } else {
        base
    };
    cut.strip_suffix('e').filter(|c| c.len() >= 3).unwrap_or(cut)
}

/// What a coverage check found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageReport {
    /// Required entities the text never names.
    pub missing_entities: Vec<String>,
    /// Key points the text does not cover.
    pub missing_key_points: Vec<String>,
    /// (discouraged term used, preferred term)
    pub terminology_violations: Vec<(String, String)>,
    /// Banned terms the text uses.
    pub banned_hits: Vec<String>,
    /// Covered entities and key points / required ones (1.0 when none).
    pub score: f64,
}

impl CoverageReport {
    /// Nothing missing, no discouraged or banned term.
    pub fn passed(&self) -> bool {
        self.missing_entities.is_empty()
            && self.missing_key_points.is_empty()
            && self.terminology_violations.is_empty()
            && self.banned_hits.is_empty()
    }
}

/// A preferred term and the variants that should not be used instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermPreference {
    /// The term to use.
    pub preferred: String,
    /// Terms to write it instead of.
    #[serde(default)]
    pub avoid: Vec<String>,
}

/// Checks `text` for required entities and key points, terminology
/// preferences and banned terms.
pub fn coverage(
    text: &str,
    entities: &[Entity],
    key_points: &[String],
    terminology: &[TermPreference],
    do_not_include: &[String],
) -> CoverageReport {
    let folded = FoldedText::new(text);
    let missing_entities: Vec<String> = entities
        .iter()
        .filter(|e| !e.found_in(&folded))
        .map(|e| e.name.clone())
        .collect();
    let missing_key_points: Vec<String> = key_points
        .iter()
        .filter(|k| !key_point_covered(text, k))
        .cloned()
        .collect();
    let terminology_violations = terminology
        .iter()
        .flat_map(|t| {
            t.avoid
                .iter()
                .filter(|a| {
                    folded.contains_term(a) && FoldedText::new(&t.preferred).words != FoldedText::new(a).words
                })
                .map(|a| (a.clone(), t.preferred.clone()))
        })
        .collect();
    let banned_hits = do_not_include
        .iter()
        .filter(|b| folded.contains_term(b))
        .cloned()
        .collect();
    let required = entities.len() + key_points.len();
    let covered = required - missing_entities.len() - missing_key_points.len();
    CoverageReport {
        score: if required == 0 {
            1.0
        } else {
            covered as f64 / required as f64
        },
        missing_entities,
        missing_key_points,
        terminology_violations,
        banned_hits,
    }
}
