//! Russian stems as a name's other cases write them: the letters a case
//! ending may change cut off, or a fleeting vowel dropped.

/// A Russian noun's stem with its fleeting vowel dropped, as its other
/// cases write it (день → дн-: Днём; Орёл → орл-: Орла; отец → отц-): a
/// vowel (`fleeting_vowels`) between the last two consonants of a short
/// word, a soft sign after them or not.
pub(crate) fn fleeting_vowel_stem(lower: &str, lex: crate::lexicon::Lexicons) -> Option<String> {
    let mut letters: Vec<char> = lower.chars().collect();
    if letters.last().is_some_and(|&c| lex.has_char(|l| l.soft_signs, c)) {
        letters.pop();
    }
    let n = letters.len();
    let vowel = |c: char| lex.has_char(|l| l.vowels, c);
    let fleeting = (3..=6).contains(&n)
        && !vowel(letters[n - 1])
        && lex.has_char(|l| l.fleeting_vowels, letters[n - 2])
        && !vowel(letters[n - 3]);
    fleeting.then(|| {
        letters.remove(n - 2);
        letters.into_iter().collect()
    })
}

/// A Russian word without the letters a case ending may change, keeping at
/// least `floor`: up to two on a short word, more on a long one —
/// adjectival surnames and places end longer (Лобачевского → Лобачевский,
/// Шаболовской → Шаболовке).
pub(crate) fn case_stem(word: &str, floor: usize) -> String {
    let n = word.chars().count();
    // A short name changes its last letter (Луна, Луну, Луне), or its last
    // two in the instrumental (Невой, Луной).
    let floor = if n <= 5 { floor.min(3) } else { floor };
    let ending = match n {
        0..=6 => 2,
        7..=8 => 3,
        _ => 4,
    };
    word.chars()
        .take(n.saturating_sub(ending).max(floor).min(n))
        .collect()
}
