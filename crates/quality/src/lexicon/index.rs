//! Lookup tables over each lexicon's lists, built once for the hot paths.

use super::{ALL, Lexicon, Lexicons};

/// Lookup tables over one lexicon's lists that the hot paths read per word,
/// built once: a hash lookup in place of a scan (the first entry wins, as
/// the scans found it).
pub(crate) struct Index {
    /// `irregular_verbs`: each form's base.
    irregular_verbs: rustc_hash::FxHashMap<&'static str, &'static str>,
    /// `cardinals` below 100 (units and tens): each name's value.
    units: rustc_hash::FxHashMap<&'static str, u64>,
    /// `ordinals`: each one's value (its position + 1).
    ordinals: rustc_hash::FxHashMap<&'static str, u32>,
    /// `cardinals` and `number_words`: each name's value.
    cardinals: rustc_hash::FxHashMap<&'static str, u64>,
    number_words: rustc_hash::FxHashMap<&'static str, u64>,
    /// What a word must look like for the negation scan to read it.
    pub(crate) negation_bytes: NegationBytes,
    /// `name_equivalents`, each member cut into its words, stops trimmed
    /// (cut once, not for every name a report asks about).
    pub(crate) name_equivalents: Vec<Vec<Vec<&'static str>>>,
}

/// Bytes that can start or end what the negation scan looks for, so that
/// a word that cannot be a negator is passed over at a glance.
pub(crate) struct NegationBytes {
    /// First bytes of negators, negative adverbs and verbs, negating
    /// prefixes and fused negators (a word that is, starts or is started by
    /// one of them begins with the same byte).
    word_first: ByteSet,
    /// The same words' first two bytes: a word of two bytes or more that
    /// is, starts or is started by one of them begins with one of these
    /// pairs (or with a one-byte word's byte). Most words that share a
    /// negator's first letter ("new", "number") share no pair.
    word_start: BytePairs,
    /// First bytes of negating suffixes (what follows the word: "-free").
    after_first: ByteSet,
    /// Last bytes of negative contractions (a word ending in "n't").
    word_last: ByteSet,
    /// Their last two bytes ("'t": not every word ending in "t").
    word_end: BytePairs,
}

impl NegationBytes {
    fn of(l: &Lexicon) -> Self {
        let starts = || {
            l.negators
                .iter()
                .chain(l.negative_adverbs)
                .chain(l.negative_verbs)
                .chain(l.negating_prefixes)
                .chain(l.fused_negators)
                .copied()
        };
        Self {
            word_first: ByteSet::of(starts(), false),
            word_start: BytePairs::of(starts(), false),
            after_first: ByteSet::of(l.negating_suffixes.iter().copied(), false),
            word_last: ByteSet::of(l.negative_contractions.iter().copied(), true),
            word_end: BytePairs::of(l.negative_contractions.iter().copied(), true),
        }
    }

    /// Whether the negation scan must read `word`, followed in its text by
    /// `next` (the byte after it): it may be, start or be started by a
    /// negator of this lexicon, be followed by a negating suffix, or end in
    /// a negative contraction.
    #[inline]
    pub(crate) fn may_negate(&self, word: &str, next: Option<u8>) -> bool {
        let w = word.as_bytes();
        let starts = match *w {
            [] => false,
            [b] => self.word_first.contains(b),
            [a, b, ..] => self.word_start.holds(a, b),
        };
        let ends = match *w {
            [] => false,
            [b] => self.word_last.contains(b),
            [.., a, b] => self.word_end.holds(a, b),
        };
        starts || ends || next.is_some_and(|b| self.after_first.contains(b))
    }
}

/// The first (or last) two bytes of words of two bytes or more, and the
/// first (or last) byte of one-byte words: whether a word of two bytes or
/// more can start (or end) with one of them is one bit's test.
struct BytePairs {
    pairs: Box<[u64; 1024]>,
    /// One-byte words' bytes (every byte when a word is empty: it matches
    /// anything).
    singles: ByteSet,
    /// Pairs of last bytes (ends), not first (starts).
    last: bool,
}

impl BytePairs {
    fn of<'w>(words: impl IntoIterator<Item = &'w str>, last: bool) -> Self {
        let mut pairs = Box::new([0u64; 1024]);
        let mut singles = ByteSet::default();
        for w in words {
            let b = w.as_bytes();
            match (b.len(), last) {
                (0, _) => singles = ByteSet::ALL,
                (1, _) => singles.insert(b[0]),
                (n, true) => Self::set(&mut pairs, b[n - 2], b[n - 1]),
                (_, false) => Self::set(&mut pairs, b[0], b[1]),
            }
        }
        Self { pairs, singles, last }
    }

    fn set(pairs: &mut [u64; 1024], a: u8, b: u8) {
        let i = usize::from(a) << 8 | usize::from(b);
        pairs[i >> 6] |= 1 << (i & 63);
    }

    /// Whether a word whose first (or last) two bytes are `a`, `b`, in
    /// order, can start (or end) with one of the words: by both bytes, or
    /// by a one-byte word's (`a` for a start, `b` for an end).
    #[inline]
    fn holds(&self, a: u8, b: u8) -> bool {
        let i = usize::from(a) << 8 | usize::from(b);
        self.pairs[i >> 6] & 1 << (i & 63) != 0 || self.singles.contains(if self.last { b } else { a })
    }
}

/// A set of bytes.
#[derive(Clone, Copy, Default)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    /// Every byte.
    const ALL: ByteSet = ByteSet([u64::MAX; 4]);

    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    /// The first (or last) bytes of `words`; every byte when one is empty
    /// (it matches anything).
    fn of<'w>(words: impl IntoIterator<Item = &'w str>, last: bool) -> Self {
        let mut set = ByteSet::default();
        for w in words {
            let b = if last {
                w.bytes().next_back()
            } else {
                w.bytes().next()
            };
            match b {
                Some(b) => set.insert(b),
                None => return ByteSet::ALL,
            }
        }
        set
    }

    /// Whether `b` is in the set.
    #[inline]
    pub(crate) fn contains(self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & 1 << (b & 63) != 0
    }
}

impl Index {
    fn of(l: &'static Lexicon) -> Self {
        let mut irregular_verbs = rustc_hash::FxHashMap::default();
        for &(form, base) in l.irregular_verbs {
            irregular_verbs.entry(form).or_insert(base);
        }
        let mut units = rustc_hash::FxHashMap::default();
        for &(name, v) in l.cardinals {
            if v < 100 {
                units.entry(name).or_insert(v);
            }
        }
        let first_wins = |list: &'static [(&'static str, u64)]| {
            let mut map = rustc_hash::FxHashMap::default();
            for &(name, v) in list {
                map.entry(name).or_insert(v);
            }
            map
        };
        let mut ordinals = rustc_hash::FxHashMap::default();
        for (i, &o) in l.ordinals.iter().enumerate() {
            ordinals.entry(o).or_insert(i as u32 + 1);
        }
        let negation_bytes = NegationBytes::of(l);
        let name_equivalents = l
            .name_equivalents
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|m| m.split(' ').map(|p| p.trim_end_matches('.')).collect())
                    .collect()
            })
            .collect();
        Self {
            negation_bytes,
            name_equivalents,
            irregular_verbs,
            units,
            ordinals,
            cardinals: first_wins(l.cardinals),
            number_words: first_wins(l.number_words),
        }
    }

    /// The value of a cardinal's name (`cardinals`).
    #[inline]
    pub(crate) fn cardinal(&self, name: &str) -> Option<u64> {
        self.cardinals.get(name).copied()
    }

    /// The value of a number word (`number_words`).
    #[inline]
    pub(crate) fn number_word(&self, name: &str) -> Option<u64> {
        self.number_words.get(name).copied()
    }

    /// The base of an irregular verb form.
    #[inline]
    pub(crate) fn irregular_base(&self, form: &str) -> Option<&'static str> {
        self.irregular_verbs.get(form).copied()
    }

    /// The value of a unit or ten spelled as a cardinal.
    #[inline]
    pub(crate) fn unit(&self, name: &str) -> Option<u64> {
        self.units.get(name).copied()
    }

    /// The value of an ordinal.
    #[inline]
    pub(crate) fn ordinal(&self, word: &str) -> Option<u32> {
        self.ordinals.get(word).copied()
    }
}

/// [`Index`]es of [`ALL`], in its order.
static INDEXES: std::sync::LazyLock<Vec<Index>> =
    std::sync::LazyLock::new(|| ALL.iter().map(|l| Index::of(l)).collect());

impl Lexicons {
    /// The [`Index`]es of the lexicons, in [`ALL`]'s order.
    #[inline]
    pub(crate) fn indexes(self) -> impl Iterator<Item = &'static Index> + Clone {
        let indexes: &'static [Index] = &INDEXES;
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                &indexes[i]
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The glance never passes over what the scan reads: every word of
    /// every lexicon's lists, as written, inflected after its stem, with a
    /// contraction's ending, or before a negating suffix.
    #[test]
    fn the_negation_glance_keeps_every_negator() {
        for l in ALL {
            let bytes = NegationBytes::of(l);
            let starts = l
                .negators
                .iter()
                .chain(l.negative_adverbs)
                .chain(l.negative_verbs)
                .chain(l.negating_prefixes)
                .chain(l.fused_negators);
            for w in starts {
                let first = w.split(' ').next().unwrap_or(w);
                for form in [
                    first.to_owned(),
                    format!("{first}ing"),
                    first.chars().take(1).collect(),
                ] {
                    assert!(bytes.may_negate(&form, None), "{}: {form}", l.language);
                }
            }
            for c in l.negative_contractions {
                assert!(bytes.may_negate(&format!("do{c}"), None), "{}: {c}", l.language);
            }
            for s in l.negating_suffixes {
                assert!(bytes.may_negate("cost", s.bytes().next()), "{}: {s}", l.language);
            }
        }
    }

    /// …and passes over words that only share a negator's first letter or
    /// a contraction's last.
    #[test]
    fn the_negation_glance_passes_over_plain_words() {
        let bytes = NegationBytes::of(&crate::lexicon::en::EN);
        for w in ["number", "that", "first", "what", "data"] {
            assert!(!bytes.may_negate(w, Some(b' ')), "{w}");
        }
        assert!(bytes.may_negate("not", None) && bytes.may_negate("don't", None));
    }
}
