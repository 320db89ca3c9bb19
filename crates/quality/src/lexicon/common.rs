//! Script-neutral data: the punctuation clauses are cut at, read for every
//! text whatever its language.

/// Punctuation a sentence is cut into clauses at for the clause-level
/// omission check (each language adds its conjunctions: `clause_marks`).
pub static CLAUSE_PUNCTUATION: &[&str] = &["; ", ": ", " — ", "；", "："];

/// Marks a clause ends at, for the traded-places check (not 、, which
/// lists: 四川、陕西和甘肃).
pub static CLAUSE_ENDS: &[char] = &[
    ',', ';', ':', '.', '!', '?', '—', '(', ')', '\n', '，', '。', '；', '：', '！', '？',
];
