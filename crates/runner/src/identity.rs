//! What a work item is, independent of where it sits in the input.
//!
//! An item is a record id, a variant (a style name; empty for the record as
//! a whole) and the SHA-256 of its source. Resume compares identities, never
//! line positions: inserting, deleting or reordering input lines shifts
//! nothing, and an edited text is a new item under the same key.
//!
//! Keys and hashes are kept as fixed-size prefixes of SHA-256 digests so that
//! what the engine remembers per item is a few dozen bytes, whatever the
//! lengths of ids: a run over millions of records keeps its memory small.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

/// SHA-256 of a text, hex.
pub fn source_hash(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The id of a record that has none: derived from its content, so that
/// inserting a line before it does not change it.
pub fn content_id(text: &str) -> String {
    content_id_of_hash(&source_hash(text))
}

/// The content id for a hex SHA-256 already computed (of a raw line, say).
pub(crate) fn content_id_of_hash(hex: &str) -> String {
    format!("sha256:{}", hex.get(..16).unwrap_or(hex))
}

/// An item's key: (record id, variant), hashed to 128 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ItemKey(u128);

impl ItemKey {
    pub(crate) fn new(id: &str, variant: &str) -> Self {
        let mut h = Sha256::new();
        h.update(id.as_bytes());
        h.update([0]);
        h.update(variant.as_bytes());
        Self(prefix128(&h.finalize()))
    }
}

/// A record id, hashed to 128 bits (for duplicate detection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct IdKey(u128);

impl IdKey {
    pub(crate) fn new(id: &str) -> Self {
        Self(prefix128(&Sha256::digest(id.as_bytes())))
    }

    /// The first 63 bits.
    fn short(self) -> u64 {
        (self.0 >> 65) as u64
    }
}

/// The first 64 bits of a source's SHA-256 (compared only between items of
/// one key, so a collision would need two versions of one record to agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SourceTag(u64);

impl SourceTag {
    /// From the hex SHA-256 as stored in records; `None` if it is not hex.
    pub(crate) fn from_hex(hex: &str) -> Option<Self> {
        let head = hex.get(..16)?;
        u64::from_str_radix(head, 16).ok().map(Self)
    }

    pub(crate) fn of(text: &str) -> Self {
        let digest = Sha256::digest(text.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        Self(u64::from_be_bytes(first))
    }
}

fn prefix128(digest: &[u8]) -> u128 {
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(first)
}

/// What the output (and the permanent rejects) already hold: for each key,
/// the source it was made from and the record id it belongs to.
#[derive(Debug, Default)]
pub(crate) struct DoneItems {
    items: HashMap<ItemKey, DoneItem>,
    /// Keys seen more than once in the output (to be compacted).
    repeated: usize,
}

/// One done item, packed into 16 bytes (the done set holds one per item of
/// the output's whole history): the source tag, and the record id's first
/// 63 bits with whether it is done by a permanent reject rather than a
/// record in the last bit. The id bits serve only counts and the rejects'
/// compaction, where a collision would at worst keep or drop one reject.
#[derive(Debug, Clone, Copy)]
struct DoneItem {
    source: SourceTag,
    id_and_rejected: u64,
}

impl DoneItem {
    fn new(source: SourceTag, id: IdKey, rejected: bool) -> Self {
        Self {
            source,
            id_and_rejected: (id.short() << 1) | u64::from(rejected),
        }
    }

    fn rejected(self) -> bool {
        self.id_and_rejected & 1 == 1
    }

    fn id_bits(self) -> u64 {
        self.id_and_rejected >> 1
    }
}

/// How an item of the current input stands against what is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Never done.
    New,
    /// Done from this very source: skip it.
    Done,
    /// Rejected for good from this very source: skip it (the rejects file
    /// says why).
    Rejected,
    /// Done from another version of the source: redo it; the old record is
    /// superseded.
    Changed,
}

impl DoneItems {
    /// Records that `(id, variant)` is done from `source`, by a record or
    /// (`rejected`) by a permanent reject.
    pub(crate) fn insert(&mut self, id: &str, variant: &str, source: SourceTag, rejected: bool) {
        let entry = DoneItem::new(source, IdKey::new(id), rejected);
        let previous = self.items.insert(ItemKey::new(id, variant), entry);
        if previous.is_some() {
            self.repeated += 1;
        }
    }

    pub(crate) fn standing(&self, id: &str, variant: &str, source: SourceTag) -> Standing {
        match self.items.get(&ItemKey::new(id, variant)) {
            None => Standing::New,
            Some(done) if done.source != source => Standing::Changed,
            Some(done) if done.rejected() => Standing::Rejected,
            Some(_) => Standing::Done,
        }
    }

    /// Whether `key` now stands for `source` (the latest version written).
    pub(crate) fn is_current(&self, key: ItemKey, source: SourceTag) -> bool {
        self.items.get(&key).is_some_and(|d| d.source == source)
    }

    /// Whether `key` is done by a record (not by a reject).
    pub(crate) fn is_record(&self, key: ItemKey) -> bool {
        self.items.get(&key).is_some_and(|d| !d.rejected())
    }

    /// The ids with at least one record (see [`Self::has_id`]).
    pub(crate) fn record_ids(&self) -> HashSet<u64> {
        self.items
            .values()
            .filter(|d| !d.rejected())
            .map(|d| d.id_bits())
            .collect()
    }

    /// Whether `ids` (from [`Self::record_ids`]) holds `id`.
    pub(crate) fn has_id(ids: &HashSet<u64>, id: &str) -> bool {
        ids.contains(&IdKey::new(id).short())
    }

    /// Lines written more than once for one key when the files were read.
    pub(crate) fn repeated(&self) -> usize {
        self.repeated
    }

    /// Items whose record id the current input no longer has.
    pub(crate) fn not_in(&self, ids: &HashSet<IdKey>) -> usize {
        let short: HashSet<u64> = ids.iter().map(|i| i.short()).collect();
        self.items
            .values()
            .filter(|d| !short.contains(&d.id_bits()))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_id_and_variant() {
        assert_ne!(ItemKey::new("ab", "c"), ItemKey::new("a", "bc"));
        assert_eq!(ItemKey::new("a", "b"), ItemKey::new("a", "b"));
    }

    #[test]
    fn a_source_tag_reads_back_from_its_hex() {
        let text = "some text";
        assert_eq!(SourceTag::from_hex(&source_hash(text)), Some(SourceTag::of(text)));
        assert_eq!(SourceTag::from_hex("zz"), None);
    }

    #[test]
    fn standing_tells_new_done_and_changed() {
        let mut done = DoneItems::default();
        done.insert("a", "textbook", SourceTag::of("v1"), false);
        assert_eq!(
            done.standing("a", "textbook", SourceTag::of("v1")),
            Standing::Done
        );
        assert_eq!(
            done.standing("a", "textbook", SourceTag::of("v2")),
            Standing::Changed
        );
        assert_eq!(
            done.standing("a", "narrative", SourceTag::of("v1")),
            Standing::New
        );
        assert_eq!(content_id("x"), content_id("x"));
        assert!(content_id("x").starts_with("sha256:"));
    }
}
