//! A count that restates the list right before it (L・M・Q・Hの4段階):
//! a rewrite that keeps the list may drop it.

use crate::numbers::Quantity;

/// The most items a list whose count a rewrite may drop holds.
const MAX_LISTED: f64 = 12.0;
/// The longest counter between a count and the colon that opens its list
/// (回, stops, станции).
const MAX_COUNTER_CHARS: usize = 10;
/// The longest item of such a list after its first (郵便局, 洞庭湖, 39):
/// longer, the joiner joins clauses (、 in Japanese).
const MAX_ITEM_CHARS: usize = 12;

/// Whether the source's count `q` (4) restates, in digits, how many items
/// the list right before it names (L・M・Q・Hの4段階, 郵便事業と郵便局の2社):
/// a rewrite that keeps the list keeps the count.
pub(super) fn counts_a_list(
    source: &str,
    source_numbers: &[crate::numbers::NumberMention],
    q: &Quantity,
) -> bool {
    let Quantity::Value(v) = *q else { return false };
    // Kana mark Japanese, whose 、 parts clauses where Chinese lists: a
    // Japanese list is read with Japanese joiners only.
    let japanese = source.chars().any(crate::words::is_kana).then_some("ja");
    let lex = crate::lexicon::Lexicons::for_text(source, japanese);
    (2.0..=MAX_LISTED).contains(&v)
        && source_numbers
            .iter()
            .any(|m| m.quantity == *q && items_listed_before(source, m.start, lex) as f64 == v)
}

/// How many items the list that ends right before byte `at` of `text`
/// names (0 where no list of two or more ends there): the clause before
/// it, cut at the lexicons' list joiners.
fn items_listed_before(text: &str, at: usize, lex: crate::lexicon::Lexicons) -> usize {
    let before = text[..at].trim_end();
    let linked = lex
        .words(|l| l.list_count_links)
        .find_map(|link| before.strip_suffix(link));
    let before = linked.unwrap_or(before).trim_end();
    // After a link (Май, июнь, июль — 3 месяца) a comma joins the list's
    // items; without one it ends the clause the list is in.
    let commas_join = linked.is_some() && lex.words(|l| l.list_joiners).any(|j| j.starts_with(','));
    let clause = before
        .rsplit(|c: char| crate::lexicon::common::CLAUSE_ENDS.contains(&c) && !(commas_join && c == ','))
        .next()
        .unwrap_or(before);
    items_in_clause(clause, lex)
}

/// How many items `clause` lists, cut at the lexicons' list joiners (0
/// unless two or more, each after the first short).
fn items_in_clause(clause: &str, lex: crate::lexicon::Lexicons) -> usize {
    let clause = without_brackets(clause);
    let mut items = vec![clause.as_str()];
    for joiner in lex.words(|l| l.list_joiners) {
        items = items.into_iter().flat_map(|i| i.split(joiner)).collect();
    }
    items.retain(|i| !i.trim().is_empty());
    // The first item may start mid-clause; the others are items, short.
    let short = items
        .iter()
        .skip(1)
        .all(|i| i.trim().chars().count() <= MAX_ITEM_CHARS);
    if items.len() >= 2 && short { items.len() } else { 0 }
}

/// `text` without what it says in round brackets: an aside
/// (高尾山駅（標高472m）, 後祭（あとまつり）) is no part of an item, and its
/// characters join nothing.
fn without_brackets(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' | '（' => {
                depth += 1;
                false
            }
            ')' | '）' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// Whether the number `m` of `text` restates, in digits, how many items the
/// list right before it names (清滝駅と高尾山駅の2駅間): a count of what
/// the text has just named, no number of its own.
pub(super) fn counts_the_list_before(text: &str, m: &crate::numbers::NumberMention) -> bool {
    let Quantity::Value(v) = m.quantity else {
        return false;
    };
    let japanese = text.chars().any(crate::words::is_kana).then_some("ja");
    let lex = crate::lexicon::Lexicons::for_text(text, japanese);
    (2.0..=MAX_LISTED).contains(&v)
        && (items_listed_before(text, m.start, lex) as f64 == v
            || items_listed_after(text, m.start + m.written.len(), lex) as f64 == v)
}

/// How many items the list after the count ending at byte `end` names,
/// where a colon opens it right after the count's counter (巡行日は2回：
/// 17日（前祭）と24日（後祭）; two stops: Toluca and Sonora; two things:
/// one; the other).
fn items_listed_after(text: &str, end: usize, lex: crate::lexicon::Lexicons) -> usize {
    let rest = &text[end..];
    let Some(colon) = rest.find([':', '：']) else {
        return 0;
    };
    let counter = &rest[..colon];
    if counter.chars().count() > MAX_COUNTER_CHARS || counter.contains(crate::lexicon::common::CLAUSE_ENDS) {
        return 0;
    }
    let list = &rest[colon + rest[colon..].chars().next().map_or(1, char::len_utf8)..];
    let clause = list
        .split(crate::lexicon::common::CLAUSE_ENDS)
        .next()
        .unwrap_or(list);
    match items_in_clause(clause, lex) {
        // Or clauses a semicolon parts up to the sentence's end (两件大事：
        // 它入选…；从那年3月起…。).
        0 => {
            let sentence = list
                .split(|c: char| crate::lexicon::common::SENTENCE_END_MARKS.contains(&c) || c == '\n')
                .next()
                .unwrap_or(list);
            let clauses = sentence
                .split([';', '；'])
                .filter(|c| !c.trim().is_empty())
                .count();
            if clauses >= 2 { clauses } else { 0 }
        }
        items => items,
    }
}

/// Whether a count the rewrite spells in CJK numerals (两件大事：…；…)
/// restates how many items or clauses the list after its colon names.
pub(super) fn counts_a_spelled_list_after(text: &str, v: f64) -> bool {
    if !(2.0..=MAX_LISTED).contains(&v) {
        return false;
    }
    let japanese = text.chars().any(crate::words::is_kana).then_some("ja");
    let lex = crate::lexicon::Lexicons::for_text(text, japanese);
    text.match_indices([':', '：']).any(|(colon, _)| {
        // A one-character numeral (两, 三) within the counter's reach
        // before the colon, the last such.
        let before = &text[..colon];
        let Some((at, numeral)) = before
            .char_indices()
            .rev()
            .take(MAX_COUNTER_CHARS)
            .find(|&(at, c)| crate::align::cjk_numerals(&before[at..at + c.len_utf8()]) == [v as u64])
        else {
            return false;
        };
        let end = at + numeral.len_utf8();
        items_listed_after(text, end, lex) as f64 == v
    })
}

/// Whether a count of people the rewrite spells (二人, 两位, 三人) counts
/// the people its sentence, or the sentence before, has just listed
/// (山中伸弥と高橋和利。二人は…, 鈴木章と宮浦憲夫は…。のちに二人の名を冠して): the
/// count restates the list, as a count right after a list does.
pub(super) fn counts_the_people_just_listed(text: &str, v: f64) -> bool {
    let japanese = text.chars().any(crate::words::is_kana).then_some("ja");
    let lex = crate::lexicon::Lexicons::for_text(text, japanese);
    let counters = crate::lexicon::Lexicons::for_text(text, None);
    // CJK text's sentence ends (`chunking::units`), and the Latin marks that
    // end one in it without a space after them ('.' there is a decimal's).
    let sentence_end =
        |c: char| chunksynth_chunking::units::is_cjk_sentence_end(c) || matches!(c, '!' | '?' | '\n');
    text.char_indices().any(|(at, c)| {
        let rest = &text[at + c.len_utf8()..];
        // The counter first: it rules out nearly every character at once.
        let counted = counters.words(|l| l.person_counters).any(|w| rest.starts_with(w))
            && crate::align::cjk_numerals(&c.to_string()) == [v as u64];
        if !counted {
            return false;
        }
        // Where the sentence a text ends in starts.
        let last_start = |s: &str| {
            s.char_indices()
                .rev()
                .find(|&(_, c)| sentence_end(c))
                .map_or(0, |(i, c)| i + c.len_utf8())
        };
        let before = &text[..at];
        let this_start = last_start(before);
        let previous_start = last_start(before[..this_start].trim_end_matches(sentence_end));
        // Japanese parts clauses with 、 where Chinese lists with it.
        let clause_end =
            |c: char| crate::lexicon::common::CLAUSE_ENDS.contains(&c) || (japanese.is_some() && c == '、');
        text[previous_start..at]
            .split(clause_end)
            .any(|clause| items_in_clause(clause, lex) as f64 == v)
    })
}

#[cfg(test)]
mod tests {
    use crate::fidelity::number_check::tests::number_findings;

    #[test]
    fn a_count_of_the_places_just_named_is_no_number_of_its_own() {
        let source = "麓の清滝駅（標高201m）と山上の高尾山駅（標高472m）を結ぶ。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("麓側の清滝駅（標高201m）と山上側の高尾山駅（標高472m）の2駅間を結ぶ。").is_empty());
        assert!(!numbers("麓側の清滝駅（標高201m）と山上側の高尾山駅（標高472m）の3駅間を結ぶ。").is_empty());
        // An aside's characters join nothing (あとまつり has a と).
        let source = "7月17日の前祭（さきまつり）と24日の後祭（あとまつり）に巡行する。";
        let numbers = |rewrite: &str| number_findings(source, rewrite);
        assert!(numbers("7月17日の前祭（さきまつり）と7月24日の後祭（あとまつり）の2回です。").is_empty());
        // The count before its list, which a colon opens.
        assert!(numbers("巡行日は2回：7月17日（前祭）と24日（後祭）").is_empty());
        assert!(!numbers("巡行日は3回：7月17日（前祭）と24日（後祭）").is_empty());
    }

    #[test]
    fn a_count_after_a_dash_or_before_clauses_restates_its_list() {
        // After a dash, commas join the list's items.
        let source = "Половодье приходится на май, июнь и июль.";
        assert!(number_findings(source, "Половодье: май, июнь, июль — 3 месяца.").is_empty());
        assert!(!number_findings(source, "Половодье: май, июнь, июль — 4 месяца.").is_empty());
        // A count before a colon of the clauses a semicolon parts after it.
        let source = "2008年，该馆入选首批国家一级博物馆，并于同年3月起实行免费开放。";
        let two = number_findings(
            source,
            "2008年，它迎来了两件大事：入选首批国家一级博物馆；同年3月起免费开放。",
        );
        assert!(two.is_empty(), "{two:?}");
        assert!(
            !number_findings(
                source,
                "2008年，它迎来了两件大事：入选首批国家一级博物馆；同年3月起免费开放；游客增多。"
            )
            .is_empty()
        );
    }
}
