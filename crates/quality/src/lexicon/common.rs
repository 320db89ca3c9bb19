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

/// Spaces a number's digits are grouped by (`10 000`): the space, no-break
/// space, thin space and narrow no-break space.
pub static DIGIT_GROUP_SPACES: &[char] = &[' ', '\u{a0}', '\u{2009}', '\u{202f}'];

/// Signs of a worked calculation: a sentence with one of them works a
/// number out (`24 ÷ 8 = 3`, `k = 2 → 5`).
pub static CALCULATION_SIGNS: &[char] = &['=', '≈', '×', '÷', '→', '⇒', '+', '*', '^', '·', '−', '≤', '≥'];

/// What marks a wrong option of a multiple-choice question (`diverse-qa`):
/// such a line names what the text does not say on purpose, so the checks
/// do not read it.
pub static WRONG_OPTION_MARKS: &[char] = &['✗', '✘', '❌'];
