//! Lookup tables over each lexicon's lists, built once for the hot paths.

use super::{ALL, Lexicon, Lexicons};

/// Lookup tables over one lexicon's lists that the hot paths read per word,
/// built once: a hash lookup in place of a scan (the first entry wins, as
/// the scans found it).
pub(crate) struct Index {
    /// `stop_words`.
    stop_words: rustc_hash::FxHashSet<&'static str>,
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
}

/// Bytes that can start or end what the negation scan looks for, so that
/// a word that cannot be a negator is passed over at a glance.
#[derive(Clone, Copy, Default)]
pub(crate) struct NegationBytes {
    /// First bytes of negators, negative adverbs and verbs, negating
    /// prefixes and fused negators (a word that is, starts or is started by
    /// one of them begins with the same byte).
    pub(crate) word_first: ByteSet,
    /// First bytes of negating suffixes (what follows the word: "-free").
    pub(crate) after_first: ByteSet,
    /// Last bytes of negative contractions (a word ending in "n't").
    pub(crate) word_last: ByteSet,
}

impl NegationBytes {
    /// Both sets of bytes.
    pub(crate) fn union(self, other: Self) -> Self {
        Self {
            word_first: self.word_first.union(other.word_first),
            after_first: self.after_first.union(other.after_first),
            word_last: self.word_last.union(other.word_last),
        }
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

    fn union(self, other: Self) -> Self {
        let mut out = self;
        for (o, x) in out.0.iter_mut().zip(other.0) {
            *o |= x;
        }
        out
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
        let negation_bytes = NegationBytes {
            word_first: ByteSet::of(
                l.negators
                    .iter()
                    .chain(l.negative_adverbs)
                    .chain(l.negative_verbs)
                    .chain(l.negating_prefixes)
                    .chain(l.fused_negators)
                    .copied(),
                false,
            ),
            after_first: ByteSet::of(l.negating_suffixes.iter().copied(), false),
            word_last: ByteSet::of(l.negative_contractions.iter().copied(), true),
        };
        Self {
            negation_bytes,
            stop_words: l.stop_words.iter().copied().collect(),
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

    /// Whether `word` is one of the lexicon's stop words.
    #[inline]
    pub(crate) fn is_stop_word(&self, word: &str) -> bool {
        self.stop_words.contains(word)
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
