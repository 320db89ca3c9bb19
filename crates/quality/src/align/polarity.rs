//! Polarity: a negation added or dropped in an aligned group. Negators and
//! the terms they govern are found per sentence, by language: Latin and
//! Cyrillic negator words govern the next content words in their clause,
//! Chinese negator characters the two characters after, Japanese negative
//! endings the verb stem before.

use crate::lexicon::{Lexicons, is_word_pair};
use crate::text::{is_cjk, word_ranges};
use crate::words::{WordSet, mentions};

use super::units::{Unit, single_term};
use super::{AlignmentFindings, Group};

/// "Is it useful…?", "不是食肉目动物吗？", "Замерзает ли он?": a question
/// asked for a yes or a no, whose negation is the asker's, not a claim. A
/// "why" question presupposes its claim and is read as one.
pub(super) fn is_yes_no_question(sentence: &str, lex: Lexicons) -> bool {
    if !sentence.ends_with(['?', '？']) {
        return false;
    }
    let lower = sentence.to_lowercase();
    let first = crate::text::words(&lower)
        .first()
        .map(|w| w.to_string())
        .unwrap_or_default();
    let bare = lower.trim_end_matches(['?', '？']);
    lex.has_word(|l| l.question_openers, &first)
        || lex.words(|l| l.question_markers).any(|m| lower.contains(m))
        || lex.words(|l| l.question_endings).any(|e| bare.ends_with(e))
}

/// Content words a Latin or Cyrillic negator governs.
const NEGATION_SCOPE: usize = 2;

/// The scopes of a sentence's negators (one or two terms each), added to
/// `out`, and how many negators it has, added to `count`.
/// `lowered`: the sentence lower-cased and split, where the text's own
/// were cut out for it (`units::TextWords::lowered_part`).
pub(super) fn negated_in_sentence(
    text: &str,
    lowered: Option<(&str, Vec<std::ops::Range<usize>>)>,
    lex: Lexicons,
    count: &mut usize,
    out: &mut Vec<Vec<String>>,
) {
    match lowered {
        Some((lower, ranges)) => negated_words_in(lower, &ranges, lex, count, out),
        None => negated_words(text, lex, count, out),
    }
    negated_chars(text, lex, count, out);
    negated_endings(text, lex, count, out);
}

/// Whether `s` is the one character `c`.
fn is_char(s: &str, c: char) -> bool {
    let mut chars = s.chars();
    chars.next() == Some(c) && chars.next().is_none()
}

/// Negator words (Latin, Cyrillic): a scope of the next content words.
fn negated_words(text: &str, lex: Lexicons, count: &mut usize, out: &mut Vec<Vec<String>>) {
    let mut lower = text.to_lowercase();
    if lower.contains('’') {
        lower = lower.replace('’', "'");
    }
    let ranges: Vec<std::ops::Range<usize>> = word_ranges(&lower).collect();
    negated_words_in(&lower, &ranges, lex, count, out);
}

/// [`negated_words`] of a sentence lower-cased (`’` read as `'`) and split.
fn negated_words_in(
    lower: &str,
    ranges: &[std::ops::Range<usize>],
    lex: Lexicons,
    count: &mut usize,
    out: &mut Vec<Vec<String>>,
) {
    for (i, r) in ranges.iter().enumerate() {
        let w = lower[r.clone()].trim_matches('\'');
        // A word no negator, negative word or prefix starts with, no
        // negating suffix follows and no contraction ends: nothing below
        // reads it.
        let next = lower.as_bytes().get(r.end).copied();
        if !lex.indexes().any(|l| l.negation_bytes.may_negate(w, next)) {
            continue;
        }
        if lex.has_word(|l| l.negative_adverbs, w)
            || lex.words(|l| l.negative_verbs).any(|v| w.starts_with(v))
        {
            *count += 1;
            continue;
        }
        // Hyphenated negations: royalty-free, cost-less; non-exclusive.
        let after = &lower[r.end..];
        if lex.words(|l| l.negating_suffixes).any(|s| after.starts_with(s))
            && let Some(term) = single_term(w, lex)
        {
            *count += 1;
            out.push(vec![term]);
            continue;
        }
        if !w.is_empty()
            && lex.words(|l| l.negating_prefixes).any(|p| {
                p.strip_prefix(w)
                    .is_some_and(|rest| !rest.is_empty() && after.starts_with(rest))
            })
        {
            *count += 1;
            if let Some(term) = ranges
                .get(i + 1)
                .and_then(|n| single_term(&lower[n.clone()], lex))
            {
                out.push(vec![term]);
            }
            continue;
        }
        // Russian writes "not" into the word (неоткрытых, неверно): the
        // rest of the word is negated, with the word after it.
        if let Some(rest) = lex.words(|l| l.fused_negators).find_map(|p| w.strip_prefix(p))
            && rest.chars().count() >= 5
            && !lex.words(|l| l.not_fused_negations).any(|n| w.starts_with(n))
            && let Some(term) = single_term(rest, lex)
        {
            *count += 1;
            let mut scope = vec![term];
            scope.extend(
                ranges
                    .get(i + 1)
                    .and_then(|n| single_term(&lower[n.clone()], lex)),
            );
            out.push(scope);
            continue;
        }
        let next_word = ranges.get(i + 1).map(|n| &lower[n.clone()]);
        // A two-word negator ("rather than") negates as a pair.
        let negator = lex
            .words(|l| l.negators)
            .any(|n| n == w || next_word.is_some_and(|next| is_word_pair(n, w, next)))
            || lex.words(|l| l.negative_contractions).any(|c| w.ends_with(c));
        if !negator
            || lex
                .entries(|l| l.not_negations)
                .any(|&(a, b)| a == w && next_word == Some(b))
        {
            continue;
        }
        *count += 1;
        let mut end = r.end;
        let mut scope = Vec::new();
        for next in &ranges[i + 1..] {
            if lex.has_word(|l| l.auxiliaries, &lower[next.clone()]) {
                end = next.end;
                continue;
            }
            // The clause ends at punctuation between the words.
            if lower[end..next.start].contains([',', ';', ':', '.', '—', '(', ')', '?', '!']) {
                break;
            }
            end = next.end;
            // The first two content words: "won't often use boxes" negates
            // the use of boxes, not "often".
            if let Some(term) = single_term(&lower[next.clone()], lex) {
                scope.push(term);
                if scope.len() == NEGATION_SCOPE {
                    break;
                }
            }
        }
        if !scope.is_empty() {
            out.push(scope);
        }
    }
}

/// Negator characters (Chinese): the two characters after, past 是/能/有… .
fn negated_chars(text: &str, lex: Lexicons, count: &mut usize, out: &mut Vec<Vec<String>>) {
    if lex.iter().all(|l| l.negator_chars.is_empty()) {
        return;
    }
    let mut zh = text.to_owned();
    for &(compound, reading) in lex.entries(|l| l.negating_compounds) {
        zh = zh.replace(compound, reading);
    }
    let negator = |c: char| lex.has_char(|l| l.negator_chars, c);
    let chars: Vec<char> = zh.chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        if !negator(c) {
            continue;
        }
        let next = chars.get(k + 1).copied();
        if lex
            .entries(|l| l.not_negations)
            .any(|&(a, b)| is_char(a, c) && next.is_some_and(|n| is_char(b, n)))
        {
            continue;
        }
        *count += 1;
        let mut j = k + 1;
        while j < chars.len() && (lex.has_char(|l| l.auxiliary_chars, chars[j]) || negator(chars[j])) {
            j += 1;
        }
        // Two characters, or none: a single one (光) matches too much.
        let run: String = chars[j..].iter().take_while(|&&d| is_cjk(d)).take(2).collect();
        if run.chars().count() == 2 {
            out.push(vec![run]);
        }
    }
}

/// Negative endings (Japanese): the kanji stem of the verb before them.
fn negated_endings(text: &str, lex: Lexicons, count: &mut usize, out: &mut Vec<Vec<String>>) {
    for neg in lex.words(|l| l.negative_endings) {
        for (at, _) in text.match_indices(neg) {
            *count += 1;
            let before: Vec<char> = text[..at].chars().rev().take(6).collect();
            // Read back over at most three kana of the verb ending to its
            // kanji stem, stopping at a particle.
            let kana = before
                .iter()
                .take_while(|&&d| ('\u{3041}'..='\u{309F}').contains(&d) && !lex.has_char(|l| l.particles, d))
                .count();
            if kana > 3 {
                continue;
            }
            let stem: String = before[kana..]
                .iter()
                .take_while(|&&d| is_cjk(d) && !('\u{3041}'..='\u{30FF}').contains(&d))
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if !stem.is_empty() {
                out.push(vec![stem]);
            }
        }
    }
}

/// The polarity check on one aligned group.
pub(super) fn in_group(
    group: &Group,
    (src, rw): (&[&Unit], &[&Unit]),
    whole: &WholeNegations,
    out: &mut AlignmentFindings,
) {
    if let Some((term, added)) = flipped_negation(src, rw, whole, group.lex) {
        let what = if added {
            "negates what the source affirms"
        } else {
            "affirms what the source negates"
        };
        out.polarity.push(group.finding(format!(
            "polarity: the rewrite {what} (“{term}”); keep the claim's polarity"
        )));
    }
}

/// A term one side negates while the other says it unnegated: (the term,
/// whether the rewrite added the negation).
///
/// A negation kept elsewhere in the text (a neighbouring group) is no flip.
fn flipped_negation(
    src: &[&Unit],
    rw: &[&Unit],
    whole: &WholeNegations,
    lex: Lexicons,
) -> Option<(String, bool)> {
    let (src_side, rw_side) = (Polarity::of(src, lex), Polarity::of(rw, lex));
    if src_side.count == 0 && rw_side.count == 0 {
        return None;
    }
    // A whole negated phrase the other side states unnegated.
    // Of the negated phrase's words, those the other side says it says
    // unnegated (one at least), and the first side never says them
    // unnegated.
    let flipped = |from: &Polarity, to: &Polarity, whole_to: &[String]| {
        from.scopes
            .iter()
            .find(|scope| {
                let said: Vec<&String> = scope.iter().filter(|t| to.mentions(t)).collect();
                // A negated verb that negates ("do not ignore entries") says
                // what "include entries" says: only the verb said again tells.
                let double_negative = scope.first().is_some_and(|head| {
                    lex.words(|l| l.negating_heads)
                        .chain(lex.words(|l| l.negative_verbs))
                        .any(|v| head.starts_with(v))
                        && !to.mentions(head)
                });
                !double_negative
                    && !said.is_empty()
                    && said.iter().all(|t| {
                        to.affirmations(t) > from.affirmations(t)
                            && !to.negates(t)
                            && !to.excepts(t)
                            && !whole_to.contains(*t)
                    })
            })
            .map(|scope| scope.join(" "))
    };
    let dropped = flipped(&src_side, &rw_side, &whole.rewrite);
    let added = flipped(&rw_side, &src_side, &whole.source);
    // A paraphrase moves negations around ("won't be able to" → "cannot
    // prove"); a flip changes how many there are, or moves one from a term
    // to another the source affirms ("not by mass but by charge" → "by mass,
    // not by charge").
    let (src_count, rw_count) = (src_side.count, rw_side.count);
    match (dropped, added) {
        (Some(t), Some(_)) if src_count == rw_count => Some((t, false)),
        (Some(t), _) if src_count > rw_count => Some((t, false)),
        (_, Some(t)) if rw_count > src_count => Some((t, true)),
        _ => None,
    }
}

/// What the whole source and the whole rewrite negate.
pub(super) struct WholeNegations {
    source: Vec<String>,
    rewrite: Vec<String>,
}

impl WholeNegations {
    pub(super) fn of(src: &[Unit], rw: &[Unit]) -> Self {
        Self {
            source: src.iter().flat_map(Unit::negated).cloned().collect(),
            rewrite: rw.iter().flat_map(Unit::negated).cloned().collect(),
        }
    }
}

/// What a text negates and affirms, sentence by sentence; a yes/no
/// question does neither.
struct Polarity<'a> {
    count: usize,
    /// The terms each negator governs.
    scopes: Vec<Vec<String>>,
    /// Per asserting sentence: its text, its terms and what it negates.
    sentences: Vec<(&'a str, &'a WordSet, Vec<String>)>,
    lex: Lexicons,
}

impl<'a> Polarity<'a> {
    fn of(units: &[&'a Unit<'a>], lex: Lexicons) -> Self {
        let mut out = Polarity {
            count: 0,
            scopes: Vec::new(),
            sentences: Vec::new(),
            lex,
        };
        for unit in units {
            for a in &unit.assertions {
                out.count += a.count;
                out.scopes.extend(a.scopes.iter().cloned());
                let negated = a.scopes.iter().flatten().cloned().collect();
                out.sentences
                    .push((a.text, a.terms.as_ref().unwrap_or(&unit.terms), negated));
            }
        }
        out
    }

    /// How many times its sentences say `term` unnegated: in
    /// "最後の噴火は宝永噴火で、それ以降は噴火していない" 噴火 is said three
    /// times and negated once, so affirmed twice.
    fn affirmations(&self, term: &str) -> usize {
        self.sentences
            .iter()
            .map(|(text, terms, negated)| {
                let said = if term.chars().next().is_some_and(is_cjk) {
                    text.matches(term).count()
                } else {
                    usize::from(terms.contains(term))
                };
                said.saturating_sub(negated.iter().filter(|n| *n == term).count())
            })
            .sum()
    }

    fn mentions(&self, term: &str) -> bool {
        self.sentences
            .iter()
            .any(|(text, terms, _)| mentions(text, terms, term))
    }

    /// Whether a sentence that mentions `term` makes an exception ("all
    /// but the implied entries", "everything except"): it negates by scope.
    fn excepts(&self, term: &str) -> bool {
        self.sentences.iter().any(|(text, terms, _)| {
            if !mentions(text, terms, term) {
                return false;
            }
            let lower = text.to_lowercase();
            let words = crate::text::words(&lower);
            self.lex.words(|l| l.exceptions).any(|e| {
                if e.chars().next().is_some_and(is_cjk) {
                    lower.contains(e)
                } else {
                    words
                        .windows(e.split(' ').count())
                        .any(|w| w.iter().copied().eq(e.split(' ')))
                }
            })
        })
    }

    fn negates(&self, term: &str) -> bool {
        self.scopes.iter().flatten().any(|t| t == term)
    }
}
