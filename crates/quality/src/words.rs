//! Word-level helpers the checks share: word sets, a text lower-cased and
//! counted once, and form counts by script (the ground floor: it uses
//! nothing of the checks).

use crate::text::is_cjk;

/// A set of folded words. FxHash: these sets are built for every chunk of
/// every rewrite, and SipHash's DoS resistance buys nothing here. (The same
/// type as `fidelity::WordSet`.)
pub(crate) type WordSet = rustc_hash::FxHashSet<String>;

/// Whether `c` is a Cyrillic letter.
pub(crate) fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Whether `c` is kana (hiragana or katakana).
pub(crate) fn is_kana(c: char) -> bool {
    ('\u{3040}'..='\u{30FF}').contains(&c)
}

/// Whether `c` is a letter of a katakana word (ァ to ヺ, and the long
/// vowel mark ー), not the middle dot between its words.
pub(crate) fn is_katakana_letter(c: char) -> bool {
    ('\u{30A1}'..='\u{30FA}').contains(&c) || c == 'ー'
}

/// Whether `term` occurs in `text`'s alignment terms, or as a CJK substring.
pub(crate) fn mentions(text: &str, terms: &WordSet, term: &str) -> bool {
    terms.contains(term) || (term.chars().next().is_some_and(is_cjk) && text.contains(term))
}

/// A text lower-cased and split into words once, with each word's count,
/// for the word counts of the direction and modality checks (thirty-odd
/// word lists against every aligned group). Words are spans of the one
/// lower-cased string, not strings of their own; counts are kept for the
/// words the lexicons' lists hold (what the checks count), and any other
/// word is counted on demand.
pub(crate) struct Lowered {
    pub(crate) lower: String,
    spans: Vec<(u32, u32)>,
    /// Counts of the vocabulary's words, by their index in it.
    counts: Vec<u32>,
    has_cjk: bool,
    has_cyrillic: bool,
}

/// The modality check's counted lists of one lexicon (one owner of which
/// they are, for the vocabulary and for their resolved forms).
fn modality_lists(l: &crate::lexicon::Lexicon) -> [&'static [&'static str]; 6] {
    [
        l.necessity,
        l.permission,
        l.hedges,
        l.frequency,
        l.absolutes,
        l.negative_absolutes,
    ]
}

/// Every word of every lexicon's counted lists (the forms `count_form` and
/// the number checks are asked about), as the lexicons hold them.
fn counted_words() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for l in crate::lexicon::ALL {
        for &(a, b) in l.direction_pairs {
            out.extend(a.iter().chain(b.iter()).copied());
        }
        for list in modality_lists(l) {
            out.extend(list.iter().copied());
        }
        for family in l.unit_families {
            out.extend(family.iter().copied());
        }
        out.extend(l.cardinals.iter().chain(l.count_words).map(|&(w, _)| w));
    }
    out
}

/// [`counted_words`], each with an index of its own: a word is hashed
/// once, to find its count.
static VOCABULARY: std::sync::LazyLock<rustc_hash::FxHashMap<&'static str, u32>> =
    std::sync::LazyLock::new(|| {
        let mut index = rustc_hash::FxHashMap::default();
        for word in counted_words() {
            let next = index.len() as u32;
            index.entry(word).or_insert(next);
        }
        index
    });

/// [`VOCABULARY`]'s index of each of its words as the lexicons hold it, by
/// the word's address and length: the checks ask about the lexicons' own
/// strings, so a lookup hashes two integers instead of the word (one
/// address and length is one word, so a hit is that word's index).
static BY_ADDRESS: std::sync::LazyLock<rustc_hash::FxHashMap<(usize, usize), u32>> =
    std::sync::LazyLock::new(|| {
        counted_words()
            .into_iter()
            .map(|w| ((w.as_ptr() as usize, w.len()), VOCABULARY[w]))
            .collect()
    });

/// One form of a counted list, resolved once: a word counted by its index
/// in [`VOCABULARY`], or a CJK or Cyrillic form counted as [`count_form`]
/// counts it (as a substring, as a word's start).
#[derive(Clone, Copy)]
pub(crate) enum Form {
    Counted(u32),
    Other(&'static str),
}

fn resolve(list: &'static [&'static str]) -> Box<[Form]> {
    list.iter()
        .map(|&form| match FormKind::of(form) {
            FormKind::Word => Form::Counted(VOCABULARY[form]),
            FormKind::Cjk | FormKind::Cyrillic => Form::Other(form),
        })
        .collect()
}

/// A static list's address and length: one list, whichever lexicon
/// field holds it.
type ListAddress = (usize, usize);

/// Each lexicon's counted lists with their forms resolved, by the
/// lexicon's place in `ALL`: the direction and modality checks count some
/// sixty lists in every aligned group, each form then an index, not a
/// lookup.
struct ResolvedLists {
    /// `direction_pairs`, in order: each pair and its two sides' forms.
    direction_pairs: Vec<(&'static crate::lexicon::DirectionPair, [Box<[Form]>; 2])>,
    /// The modality lists, by the list's address and length.
    lists: Vec<(ListAddress, Box<[Form]>)>,
    /// `unit_families`, in order: each family and its forms.
    unit_families: Vec<(&'static [&'static str], Box<[Form]>)>,
}

static RESOLVED: std::sync::LazyLock<Vec<ResolvedLists>> = std::sync::LazyLock::new(|| {
    crate::lexicon::ALL
        .iter()
        .map(|l| ResolvedLists {
            direction_pairs: l
                .direction_pairs
                .iter()
                .map(|pair| (pair, [resolve(pair.0), resolve(pair.1)]))
                .collect(),
            lists: modality_lists(l)
                .into_iter()
                .map(|list| ((list.as_ptr() as usize, list.len()), resolve(list)))
                .collect(),
            unit_families: l.unit_families.iter().map(|&f| (f, resolve(f))).collect(),
        })
        .collect()
});

impl Lowered {
    pub(crate) fn new(text: &str) -> Self {
        Self::of_lower(text.to_lowercase())
    }

    /// A text already lower-cased (`str::to_lowercase`), split and counted.
    pub(crate) fn of_lower(lower: String) -> Self {
        let spans: Vec<(u32, u32)> = crate::text::word_ranges(&lower)
            .map(|r| (r.start as u32, r.end as u32))
            .collect();
        Self::of_split(lower, spans)
    }

    /// An analysed text's lower case, with the words it has split already
    /// where its lower case lines up with it.
    pub(crate) fn of_analysis(text: &crate::analysis::Analysis) -> Self {
        if !text.lower_lines_up() {
            return Self::of_lower(text.lower().to_owned());
        }
        let spans = text
            .word_spans()
            .iter()
            .map(|r| (r.start as u32, r.end as u32))
            .collect();
        Self::of_split(text.lower().to_owned(), spans)
    }

    fn of_split(lower: String, spans: Vec<(u32, u32)>) -> Self {
        let mut counts = vec![0; VOCABULARY.len()];
        for &(start, end) in &spans {
            if let Some(&i) = VOCABULARY.get(&lower[start as usize..end as usize]) {
                counts[i as usize] += 1;
            }
        }
        let ascii = lower.is_ascii();
        Self {
            has_cjk: !ascii && lower.chars().any(is_cjk),
            has_cyrillic: !ascii && lower.chars().any(is_cyrillic),
            lower,
            spans,
            counts,
        }
    }

    /// Whether the text has any CJK character.
    pub(crate) fn has_cjk(&self) -> bool {
        self.has_cjk
    }

    /// The words, in order.
    pub(crate) fn words(&self) -> impl Iterator<Item = &str> + Clone {
        self.spans
            .iter()
            .map(|&(start, end)| &self.lower[start as usize..end as usize])
    }

    /// The words as a list, for reading them by position.
    pub(crate) fn word_list(&self) -> Vec<&str> {
        self.words().collect()
    }

    /// How many of the words are `word`.
    pub(crate) fn count(&self, word: &str) -> usize {
        if let Some(&i) = BY_ADDRESS
            .get(&(word.as_ptr() as usize, word.len()))
            .or_else(|| VOCABULARY.get(word))
        {
            self.counts[i as usize] as usize
        } else {
            self.words().filter(|w| *w == word).count()
        }
    }
}

/// Occurrences of one form in `text`: as a word for a Latin form, at a
/// word's start for a Cyrillic one (Russian inflects by the ending), as a
/// substring for a CJK one.
pub(crate) fn count_form(text: &Lowered, form: &str) -> usize {
    match FormKind::of(form) {
        FormKind::Cjk if text.has_cjk => text.lower.matches(form).count(),
        FormKind::Cyrillic if text.has_cyrillic => text.words().filter(|w| w.starts_with(form)).count(),
        FormKind::Cjk | FormKind::Cyrillic => 0,
        FormKind::Word => text.count(form),
    }
}

/// How a form is counted, by its first character: the one owner of the
/// rule for [`count_form`] and for the forms resolved once ([`Form`]).
enum FormKind {
    /// A substring.
    Cjk,
    /// A word's start.
    Cyrillic,
    /// A whole word.
    Word,
}

impl FormKind {
    fn of(form: &str) -> Self {
        match form.chars().next() {
            Some(c) if is_cjk(c) => Self::Cjk,
            Some(c) if is_cyrillic(c) => Self::Cyrillic,
            _ => Self::Word,
        }
    }
}

/// Occurrences of any of `forms` in `text` (see [`count_form`]).
pub(crate) fn count_forms<'f>(text: &Lowered, forms: impl IntoIterator<Item = &'f str>) -> usize {
    forms.into_iter().map(|f| count_form(text, f)).sum()
}

/// Occurrences of any of the resolved `forms` in `text` (see
/// [`count_form`]).
pub(crate) fn count_resolved(text: &Lowered, forms: &[Form]) -> usize {
    forms.iter().map(|&f| count_one(text, f)).sum()
}

/// The direction pairs of the lexicons of `lex`, in order, each with its
/// two sides' forms resolved.
pub(crate) fn direction_pairs(
    lex: crate::lexicon::Lexicons,
) -> impl Iterator<Item = &'static (&'static crate::lexicon::DirectionPair, [Box<[Form]>; 2])> {
    lex.positions().flat_map(|i| RESOLVED[i].direction_pairs.iter())
}

/// The unit families of the lexicons of `lex`, in order, each with its
/// forms resolved.
pub(crate) fn unit_families(
    lex: crate::lexicon::Lexicons,
) -> impl Iterator<Item = &'static (&'static [&'static str], Box<[Form]>)> {
    lex.positions().flat_map(|i| RESOLVED[i].unit_families.iter())
}

/// How often `text` has `form` (see [`count_form`]).
pub(crate) fn count_one(text: &Lowered, form: Form) -> usize {
    match form {
        Form::Counted(i) => text.counts[i as usize] as usize,
        Form::Other(form) => count_form(text, form),
    }
}

/// Occurrences in `text` of any form of the list `list` selects, in every
/// lexicon of `lex` (a modality list: [`ResolvedLists::lists`]).
pub(crate) fn count_lexicon_list(
    text: &Lowered,
    lex: crate::lexicon::Lexicons,
    list: fn(&crate::lexicon::Lexicon) -> &'static [&'static str],
) -> usize {
    lex.positions()
        .map(|i| {
            let words = list(crate::lexicon::ALL[i]);
            let key = (words.as_ptr() as usize, words.len());
            match RESOLVED[i].lists.iter().find(|(k, _)| *k == key) {
                Some((_, forms)) => count_resolved(text, forms),
                None => count_forms(text, words.iter().copied()),
            }
        })
        .sum()
}

/// The first of `forms` that `text` uses.
pub(crate) fn first_form<'f>(text: &Lowered, forms: impl IntoIterator<Item = &'f str>) -> Option<String> {
    forms
        .into_iter()
        .find(|f| count_form(text, f) > 0)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_from_the_analysis_are_the_lower_cases_own() {
        for text in [
            "The Rust Book's 20 chapters: `String`, Box<T>; don’t STOP.",
            "ПРИВЕТ, Мир! Он не пришёл — «Ермак» 17.10.1898.",
            "ΣΟΦΊΑ and Σίσυφος; İstanbul, straße, ǅemal.",
            "嫦娥四号于2018年12月8日发射，玉兔二号 135千克。",
            "x86_64 -O2 --help a/b.c 3.14",
        ] {
            let analysis = crate::analysis::Analysis::new(text);
            let (split, cut) = (
                Lowered::of_lower(text.to_lowercase()),
                Lowered::of_analysis(&analysis),
            );
            assert_eq!(split.word_list(), cut.word_list(), "{text}");
            assert_eq!(split.counts, cut.counts, "{text}");
        }
    }
}
