//! A tiktoken encoding's ordinary tokens, held compactly, and tiktoken's
//! byte-pair merge over them.
//!
//! `tiktoken_rs::CoreBPE` keeps its token table to itself, and its public
//! merge (`byte_pair_split`) wants a `HashMap<Vec<u8>, Rank>`: 200,000
//! vectors, about 16 MiB more per process. Here the tokens' bytes lie back
//! to back in one buffer, and a table of indices finds them (about 4 MiB
//! for o200k), with the two-byte tokens in a table of their own (256 KiB).

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// A token's merge priority: its id (lower merges first).
pub(crate) type Rank = u32;

/// Pieces this long or longer are merged by tiktoken itself, whose merge
/// keeps a heap for them; the plain merge below is quadratic in a piece's
/// length (tiktoken draws the line at the same place).
pub(crate) const LONG_PIECE: usize = 100;

/// The ordinary (non-special) tokens of one encoding.
pub(crate) struct Vocabulary {
    /// Every token's bytes, back to back.
    bytes: Vec<u8>,
    /// Where each token's bytes start in `bytes`; one more for the end.
    starts: Vec<u32>,
    /// Each token's rank.
    ranks: Vec<Rank>,
    /// Token indices, found by their bytes.
    by_bytes: HashTable<u32>,
    /// The rank of each two-byte token, by its bytes (`Rank::MAX`: none):
    /// the merge asks about every adjacent pair of a piece first.
    pairs: Box<[Rank]>,
}

impl Vocabulary {
    /// The tokens `(bytes, rank)` given.
    pub(crate) fn new(tokens: impl Iterator<Item = (Vec<u8>, Rank)>) -> Self {
        let mut vocabulary = Self {
            bytes: Vec::new(),
            starts: vec![0],
            ranks: Vec::new(),
            by_bytes: HashTable::new(),
            pairs: vec![Rank::MAX; 1 << 16].into_boxed_slice(),
        };
        for (bytes, rank) in tokens {
            if let [a, b] = bytes[..] {
                vocabulary.pairs[usize::from(a) << 8 | usize::from(b)] = rank;
            }
            vocabulary.bytes.extend_from_slice(&bytes);
            vocabulary.starts.push(vocabulary.bytes.len() as u32);
            vocabulary.ranks.push(rank);
        }
        let mut by_bytes = HashTable::with_capacity(vocabulary.ranks.len());
        for index in 0..vocabulary.ranks.len() as u32 {
            let hash = FxBuildHasher.hash_one(vocabulary.token(index));
            by_bytes.insert_unique(hash, index, |&i| FxBuildHasher.hash_one(vocabulary.token(i)));
        }
        vocabulary.by_bytes = by_bytes;
        vocabulary.bytes.shrink_to_fit();
        vocabulary
    }

    fn token(&self, index: u32) -> &[u8] {
        let i = index as usize;
        &self.bytes[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// The rank of the token spelled `bytes`, if one is.
    pub(crate) fn rank(&self, bytes: &[u8]) -> Option<Rank> {
        if let [a, b] = *bytes {
            let rank = self.pairs[usize::from(a) << 8 | usize::from(b)];
            return (rank != Rank::MAX).then_some(rank);
        }
        let hash = FxBuildHasher.hash_one(bytes);
        self.by_bytes
            .find(hash, |&i| self.token(i) == bytes)
            .map(|&i| self.ranks[i as usize])
    }

    /// Where the tokens of `piece` (shorter than [`LONG_PIECE`]) end, by
    /// tiktoken's merge: the adjacent pair that is the lowest-ranked token
    /// merges first, the leftmost of equals first, until no pair is a token.
    pub(crate) fn merge(&self, piece: &[u8], mut each_end: impl FnMut(usize)) {
        // (start of a part, rank of that part joined with the next one).
        let pair_rank = |parts: &[(usize, Rank)], i: usize| -> Rank {
            // parts[i + 1] is still there when this runs: the joined part
            // ends where parts[i + 3] starts.
            match parts.get(i + 3) {
                Some(&(end, _)) => self.rank(&piece[parts[i].0..end]).unwrap_or(Rank::MAX),
                None => Rank::MAX,
            }
        };
        let mut parts: Vec<(usize, Rank)> = (0..piece.len().saturating_sub(1))
            .map(|i| (i, self.rank(&piece[i..i + 2]).unwrap_or(Rank::MAX)))
            .collect();
        parts.push((piece.len().saturating_sub(1), Rank::MAX));
        parts.push((piece.len(), Rank::MAX));
        while let Some(i) = lowest(&parts[..parts.len() - 1]) {
            if i > 0 {
                parts[i - 1].1 = pair_rank(&parts, i - 1);
            }
            parts[i].1 = pair_rank(&parts, i);
            parts.remove(i + 1);
        }
        for window in parts.windows(2) {
            each_end(window[1].0);
        }
    }
}

/// The index of the lowest rank below `Rank::MAX`, the first of equals.
fn lowest(parts: &[(usize, Rank)]) -> Option<usize> {
    let mut best: Option<(Rank, usize)> = None;
    for (i, &(_, rank)) in parts.iter().enumerate() {
        if rank != Rank::MAX && best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, i));
        }
    }
    best.map(|(_, i)| i)
}
