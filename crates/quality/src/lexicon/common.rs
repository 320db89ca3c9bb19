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

/// Factors a worked solution converts units by (ten and its powers, 60
/// seconds or minutes, 24 hours, 7 days, 12 months, 52 weeks, 365 days,
/// 3,600 seconds): an operand of a computation written out may be one
/// though the source does not say it (`215000000 ÷ 365 ≈ 589041`).
pub static CONVERSION_FACTORS: &[f64] = &[
    10.0, 100.0, 1_000.0, 10_000.0, 1e6, 1e8, 1e9, 60.0, 24.0, 7.0, 12.0, 52.0, 365.0, 3_600.0,
];

/// The letters Roman numerals are written with: `XIV` is a number, not an
/// acronym.
pub static ROMAN_NUMERAL_LETTERS: &[char] = &['I', 'V', 'X', 'L', 'C', 'D', 'M'];
