//! A name kept when the rewrite writes it another way: inflected
//! (Russian cases), with its given names as initials, as its acronym, its
//! case normalised, through a possessive, a plural acronym by its singular,
//! cut short (Univ.), a CamelCase name by its capitals (JS) or an acronym
//! spelled out (the United States); and, with the source at hand, by its
//! own word, its bracketed abbreviation, expansion or other name, its short
//! form, a longer form's acronym, its values (a constraint in backticks),
//! another of its names (России → РФ) or its initial before a species
//! (E. coli). What names a text has is `names.rs`.

use crate::analysis::Analysis;
use crate::lexicon::common::CHEMICAL_ELEMENTS;
use crate::name_adjectives;
use crate::names::{NameKind, NameMention, has_name};
use crate::stopwords::is_stop_word;
use crate::words::is_cyrillic;

/// Whether `rewrite` still contains `name`, as written (case included: the
/// common noun "box" does not keep the type `Box`).
///
/// Russian inflects names (Москву, из Москвы; Советским Союзом, Советский
/// Союз): a Cyrillic name is also kept when each of its words starts a word
/// of the rewrite with all but its last two letters (at least four).
pub fn contains_name(rewrite: &str, name: &NameMention) -> bool {
    contains_name_in(&Analysis::new(rewrite), name)
}

/// [`contains_name`] in a rewrite whose words are split once for every name.
pub(crate) fn contains_name_in(words: &Analysis, name: &NameMention) -> bool {
    let rewrite = words.text;
    has_name(rewrite, &name.text)
        || contains_inflected_in(words, &name.text)
        || (matches!(name.kind, NameKind::ProperName | NameKind::Acronym)
            && contains_variant(words, &name.text))
        // A plural acronym is kept by its singular (URLs → URL).
        || (name.kind == NameKind::Acronym
            && name
                .text
                .strip_suffix('s')
                .is_some_and(|core| has_name(rewrite, core)))
        || (name.kind == NameKind::ProperName && contains_possessive(rewrite, &name.text))
        || contains_capitals(rewrite, &name.text)
        || (name.kind == NameKind::Acronym && spelled_out(rewrite, &name.text))
}

/// Whether `rewrite` spells the acronym out: as many capitalised words in
/// a row as it has letters, their initials the acronym's (US → the United
/// States).
fn spelled_out(rewrite: &str, acronym: &str) -> bool {
    let letters: Vec<char> = acronym.chars().collect();
    if letters.len() < 2 || !letters.iter().all(|c| c.is_uppercase()) {
        return false;
    }
    let words: Vec<&str> = rewrite
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(letters.len()).any(|run| {
        run.iter().zip(&letters).all(|(w, l)| {
            w.starts_with(*l) && w.chars().count() >= 3 && w.chars().skip(1).all(char::is_lowercase)
        })
    })
}

/// A one-word name with capitals inside it written as those capitals
/// (JavaScript → JS, TypeScript → TS).
fn contains_capitals(rewrite: &str, name: &str) -> bool {
    let capitals: String = name.chars().filter(|c| c.is_uppercase()).collect();
    !name.contains(char::is_whitespace)
        && name.chars().all(char::is_alphabetic)
        && name.chars().skip(1).any(char::is_lowercase)
        && capitals.chars().count() >= 2
        && has_name(rewrite, &capitals)
}

/// A name read through a possessive inside it ("St Mary's Hospital" is
/// the name "St Mary Hospital"), written so again.
fn contains_possessive(rewrite: &str, name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (0..words.len().saturating_sub(1)).any(|i| {
        ["'s", "’s"].iter().any(|mark| {
            let variant: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(j, w)| {
                    if j == i {
                        format!("{w}{mark}")
                    } else {
                        (*w).to_owned()
                    }
                })
                .collect();
            has_name(rewrite, &variant.join(" "))
        })
    })
}

/// The initials written just before the end of `text` ("A. N. " → A, N;
/// "A.N. " too), in order.
fn initials_before(text: &str) -> Vec<char> {
    let mut rest = text.trim_end();
    let mut found = Vec::new();
    while let Some(before_dot) = rest.strip_suffix('.') {
        let mut chars = before_dot.chars();
        match chars.next_back() {
            Some(c) if c.is_uppercase() && chars.clone().next_back().is_none_or(|p| !p.is_alphabetic()) => {
                found.push(c);
                rest = chars.as_str().trim_end();
            }
            _ => break,
        }
    }
    found.reverse();
    found
}

/// Whether `rewrite` writes the one-word name `name` cut short: its first
/// letters (three or more) with a stop (Univ., Oct.), or its first three
/// before a number, as dates are written (Thu 4 Oct 1582, Sep 2019).
fn abbreviated(rewrite: &str, name: &str) -> bool {
    let mut start = None;
    for (i, c) in rewrite
        .char_indices()
        .chain(std::iter::once((rewrite.len(), ' ')))
    {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                let word = &rewrite[s..i];
                let letters = word.chars().count();
                let cut = letters >= 3
                    && word.len() < name.len()
                    && name.starts_with(word)
                    && word.chars().next().is_some_and(char::is_uppercase)
                    && !is_stop_word(&word.to_lowercase());
                let rest = &rewrite[i..];
                let before_number = rest
                    .strip_prefix(' ')
                    .is_some_and(|r| r.starts_with(|d: char| d.is_ascii_digit()));
                if cut && (c == '.' || (letters == 3 && before_number)) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A name written another way that names the same thing: a product name's
/// case normalised (GitHub → Github), given names as initials (Harmon
/// Northrop Morse → H. N. Morse), or its initials as an acronym (Central
/// Bank of Russia → CBR).
fn contains_variant(words: &Analysis, name: &str) -> bool {
    let rewrite = words.text;
    // Capitals inside a word mark a product name's own spelling. (The
    // rewrite's lower case is the analysis's, made once for every name.)
    let inner_capital = name
        .split_whitespace()
        .any(|w| w.chars().skip(1).any(char::is_uppercase));
    if inner_capital && has_name(words.lower(), &name.to_lowercase()) {
        return true;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some((last, given)) = words.split_last() else {
        return false;
    };
    if given.is_empty() {
        return name_adjectives::same_stem_named(rewrite, last) || abbreviated(rewrite, last);
    }
    let initial = |w: &str| w.chars().next().filter(|c| c.is_uppercase());
    // The family name as written, or (Russian) with another ending
    // (Тушинского → Г. К. Тушинский).
    let last_stem: String = if last.chars().next().is_some_and(is_cyrillic) {
        crate::russian_stems::case_stem(last, 4)
    } else {
        (*last).to_owned()
    };
    let initials: Option<Vec<char>> = given.iter().map(|w| initial(w)).collect();
    if let Some(initials) = initials
        && rewrite
            .match_indices(last_stem.as_str())
            .any(|(at, _)| initials_before(&rewrite[..at]).starts_with(&initials))
    {
        return true;
    }
    let acronym: String = words.iter().filter_map(|w| initial(w)).collect();
    acronym.chars().count() >= 2 && has_name(rewrite, &acronym)
}

/// Whether every word of a Cyrillic `name` occurs in `text` with another
/// ending.
pub fn contains_inflected(text: &str, name: &str) -> bool {
    contains_inflected_in(&Analysis::new(text), name)
}

/// [`contains_inflected`] in a text whose words are split once.
pub(crate) fn contains_inflected_in(text: &Analysis, name: &str) -> bool {
    // A double name's parts are words of their own (Алма-Атой → Алма-Ата).
    let words: Vec<&str> = name.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    if words.is_empty() || !words.iter().all(|w| w.chars().next().is_some_and(is_cyrillic)) {
        return false;
    }
    // Letters written for one another are one (Пётр, Петра: ё as е).
    let lex = crate::lexicon::Lexicons::for_text(name, None);
    let pairs: Vec<(char, char)> = lex.entries(|l| l.equivalent_letters).copied().collect();
    let one_spelling = |w: &str| {
        w.to_lowercase()
            .chars()
            .map(|c| pairs.iter().find(|(from, _)| *from == c).map_or(c, |(_, to)| *to))
            .collect::<String>()
    };
    let text_words = text.one_spelling(&pairs);
    // A case ending is up to two letters (Идой → Ида, Манденовой →
    // Манденова), more on a long word; a one-word name keeps four letters of stem, a longer one
    // may cut its short words to two when another word holds a long stem.
    let floor = if words.len() > 1 { 2 } else { 4 };
    // A double name (Алма-Ата) is one long name of short parts.
    let long_stem = words.iter().any(|w| w.chars().count() >= 6) || name.contains('-');
    (words.len() == 1 || long_stem)
        && words.iter().all(|w| {
            let whole = one_spelling(w);
            let stem = crate::russian_stems::case_stem(&whole, floor);
            // A short stem (Лун) begins words of its own length only, not
            // "сентября" for Сена; a whole name takes an ending after it
            // (Ершов, Ершовым).
            let n = w.chars().count();
            let fleeting = crate::russian_stems::fleeting_vowel_stem(&whole, lex);
            text_words.iter().any(|t| {
                (t.starts_with(&stem) && (stem.chars().count() >= 4 || t.chars().count() <= n + 1))
                    || (n >= 4 && t.starts_with(&whole) && t.chars().count() <= n + 2)
                    || fleeting
                        .as_ref()
                        .is_some_and(|f| t.starts_with(f.as_str()) && t.chars().count() <= n + 1)
            })
        })
}

/// A name kept by what the source around it says it may be called (the
/// rewrite need not write it as the source did): by the word only it has,
/// the abbreviation the source gives it, its official short form, or an
/// acronym of a longer form. `contains_name` is the rewrite's spellings of
/// the name itself; these need the source and its other names.
pub(crate) fn kept_another_way(
    words: &Analysis,
    name: &NameMention,
    source: &str,
    wanted: &[NameMention],
) -> bool {
    let rewrite = words.text;
    kept_by_its_own_word(words, name, wanted)
        || kept_by_its_abbreviation(source, words, &name.text)
        || (name.kind == NameKind::Acronym && kept_by_its_expansion(source, rewrite, &name.text))
        || kept_by_a_short_form(source, words, &name.text)
        || kept_by_an_acronym(rewrite, &name.text)
        || (name.kind == NameKind::Acronym
            && crate::added_acronyms::kept_in_a_longer_acronym(source, rewrite, &name.text))
        || kept_by_its_words_in_lower_case(words, name)
        || kept_by_its_values(rewrite, name)
        || named_another_way_in(rewrite, &name.text)
        || named_as_its_element(words, &name.text)
        || kept_as_an_initial(source, rewrite, &name.text)
        || kept_by_a_part_of_its_double_name(words, &name.text)
        || name_adjectives::kept_as_its_adjective(words, name)
        || crate::name_abbreviated::kept_with_words_cut(words, &name.text)
}

/// A chemical element's symbol or a compound's formula said by its name
/// (Ni → nickel, никеля, 镍; SO2 → sulfur dioxide):
/// `lexicon::common::CHEMICAL_ELEMENTS` and `CHEMICAL_COMPOUNDS`.
fn named_as_its_element(words: &Analysis, symbol: &str) -> bool {
    named_as_its_substance(words.lower(), symbol)
}

/// Whether `lower` (a text's lower case) names the element or compound
/// `symbol` stands for, in words.
pub(crate) fn named_as_its_substance(lower: &str, symbol: &str) -> bool {
    let Some((_, element)) = CHEMICAL_ELEMENTS
        .iter()
        .chain(crate::lexicon::common::CHEMICAL_COMPOUNDS)
        .find(|(s, _)| *s == symbol)
    else {
        return false;
    };
    element.iter().any(|name| {
        lower.match_indices(name).any(|(at, _)| {
            name.chars().any(crate::text::is_cjk)
                || !lower[..at].chars().next_back().is_some_and(char::is_alphabetic)
        })
    })
}

/// A double name kept by a long part of it, as its short form
/// (Санкт-Петербурге → в Петербурге): a part of six letters or more the
/// rewrite writes, inflected or not.
fn kept_by_a_part_of_its_double_name(words: &Analysis, name: &str) -> bool {
    let rewrite = words.text;
    !name.contains(' ')
        && name.contains('-')
        && name.split('-').any(|part| {
            part.chars().count() >= 6
                && part.chars().next().is_some_and(char::is_uppercase)
                && (has_name(rewrite, part) || contains_inflected_in(words, part))
        })
}

/// A genus the rewrite shortens to its initial before the species, as
/// biology writes a name said before (Escherichia coli → E. coli).
fn kept_as_an_initial(source: &str, rewrite: &str, name: &str) -> bool {
    let Some(initial) = name.chars().next().filter(|c| c.is_uppercase()) else {
        return false;
    };
    !name.contains(' ')
        && source.match_indices(name).any(|(at, _)| {
            let species = source[at + name.len()..]
                .strip_prefix(' ')
                .and_then(|rest| rest.split(|c: char| !c.is_alphabetic()).next())
                .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_lowercase));
            species.is_some_and(|s| rewrite.contains(&format!("{initial}. {s}")))
        })
}

/// Whether `text` names what `name` names by another of its names
/// (России → РФ, the US → the United States, WWII → the Second World War),
/// from the lexicons' `name_equivalents`.
pub(crate) fn named_another_way_in(text: &str, name: &str) -> bool {
    let lex = crate::lexicon::Lexicons::for_text(name, None);
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphabetic() || c == '.'))
            .map(|w| w.trim_end_matches('.').to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    // A member is a run of words: each a stem the word starts with, or (of
    // two letters or three, or with a stop) the word itself.
    let matches = |parts: &[&str], run: &[String]| {
        parts.len() == run.len()
            && parts.iter().zip(run).all(|(p, w)| {
                if p.chars().count() <= 3 {
                    w == p
                } else {
                    w.starts_with(p)
                }
            })
    };
    let name_words = words(name);
    // The text's words only for a name the table has (most have none).
    let text_words = std::cell::OnceCell::new();
    lex.indexes()
        .flat_map(|l| l.name_equivalents.iter())
        .any(|group| {
            group.iter().any(|parts| matches(parts, &name_words))
                && group.iter().any(|parts| {
                    text_words
                        .get_or_init(|| words(text))
                        .windows(parts.len())
                        .any(|run| matches(parts, run))
                })
        })
}

/// Inline code with no letter in it (`>=2.1.0 <3.0.0`) is a constraint on
/// values, which a rewrite may say in words ("2.1.0 or higher, below
/// 3.0.0"): kept when the rewrite writes each of its numbers.
fn kept_by_its_values(rewrite: &str, name: &NameMention) -> bool {
    if name.kind != NameKind::InlineCode || name.text.chars().any(char::is_alphabetic) {
        return false;
    }
    let values = crate::numbers::numbers(&name.text);
    let in_rewrite = crate::numbers::numbers(rewrite);
    !values.is_empty()
        && values
            .iter()
            .all(|v| in_rewrite.iter().any(|w| w.written == v.written))
}

/// A name whose every word the rewrite writes, in lower case or as part
/// of another name (the Eddystone Lighthouse → "the lighthouses on the
/// Eddystone Rocks"; объект Всемирного наследия → всемирного наследия).
fn kept_by_its_words_in_lower_case(rewrite: &Analysis, name: &NameMention) -> bool {
    if name.kind != NameKind::ProperName {
        return false;
    }
    let lower = name.text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.iter().any(|w| w.chars().count() < 3) {
        return false;
    }
    // The rewrite's words as written and lower-cased, tokenised once.
    let folded = rewrite.lowered_words();
    let is = |r: &str, w: &str| r == w || r.strip_suffix('s') == Some(w);
    // Some word of it in lower case: the name said as words, not another
    // name that happens to share them.
    words.iter().any(|w| rewrite.words().any(|r| is(r, w)))
        && words.iter().all(|w| folded.iter().any(|r| is(r, w)))
}

/// A name of several words kept by one that only it has: a person by the
/// family name (Arthur Doodson → Doodson, Карл Фридрих Гаусс → Гаусса), an
/// institution by its own word (Harvard University → Harvard), a treaty by
/// its head (the United Nations Convention → the Convention). A word another
/// of the source's names shares ("University" of two universities) keeps
/// neither.
fn kept_by_its_own_word(words: &Analysis, name: &NameMention, wanted: &[NameMention]) -> bool {
    let rewrite = words.text;
    name.kind == NameKind::ProperName
        && name.text.contains(' ')
        && name.text.split_whitespace().any(|word| {
            word.chars().count() >= 4
                && word.chars().next().is_some_and(char::is_uppercase)
                && !is_stop_word(&word.to_lowercase())
                && !wanted
                    .iter()
                    .any(|other| other.text != name.text && other.text.split_whitespace().any(|w| w == word))
                && (has_name(rewrite, word) || contains_inflected_in(words, word))
        })
}

/// An official name of which only the first word is capitalised, as
/// Russian writes them (Гражданского кодекса, Государственного реестра),
/// kept by its usual short form: the initials of it and the words after it
/// (ГК), or its first syllable joined to the next word (Госреестра).
fn kept_by_a_short_form(source: &str, rewrite: &Analysis, name: &str) -> bool {
    if name.contains(' ') {
        return false;
    }
    source.match_indices(name).any(|(at, _)| {
        let next: Vec<&str> = source[at + name.len()..]
            .split_whitespace()
            .take(2)
            .take_while(|w| w.chars().next().is_some_and(char::is_lowercase))
            .collect();
        let Some(first) = next.first() else { return false };
        let initials: String = std::iter::once(name)
            .chain(next.iter().copied())
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect();
        let by_initials = (2..=initials.chars().count()).any(|n| {
            let short: String = initials.chars().take(n).collect();
            rewrite.words().any(|w| w == short)
        });
        let syllable: String = name.chars().take(3).collect();
        let stem: String = first.chars().take(4).collect();
        let joined = format!("{syllable}{stem}");
        by_initials || (stem.chars().count() == 4 && rewrite.words().any(|w| w.starts_with(&joined)))
    })
}

/// A name of several words kept by an acronym of a longer form of it that
/// starts with its initial and holds its initials in order (Советским
/// Союзом → СССР).
fn kept_by_an_acronym(rewrite: &str, name: &str) -> bool {
    let initials: Vec<char> = name.split_whitespace().filter_map(|w| w.chars().next()).collect();
    initials.len() >= 2
        && rewrite
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= initials.len() && w.chars().all(char::is_uppercase))
            .any(|w| w.chars().next() == initials.first().copied() && initials_in_order(name, w))
}

/// Whether the initials of `name`'s words occur in `abbreviation` in order
/// (United Nations Convention, Law, Sea: each in UNCLOS).
fn initials_in_order(name: &str, abbreviation: &str) -> bool {
    let mut letters = abbreviation.chars();
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .all(|initial| letters.any(|c| c == initial))
}

/// A name the source abbreviates in brackets right after it ("the United
/// Nations Convention on the Law of the Sea (UNCLOS)": the names United
/// Nations Convention, Law and Sea) kept by that abbreviation.
fn kept_by_its_abbreviation(source: &str, words: &Analysis, name: &str) -> bool {
    let rewrite = words.text;
    source.match_indices(name).any(|(at, _)| {
        let after = &source[at + name.len()..];
        // The bracket within the next few words.
        let Some(open) = crate::text::bracket_within_words(after, 6) else {
            return false;
        };
        let inside = &after[open..].trim_start_matches(['(', '（']);
        let abbreviation: &str = inside
            .split([')', '）', ',', ';', '，'])
            .next()
            .unwrap_or("")
            .trim();
        let capitals = abbreviation.chars().filter(|c| c.is_uppercase()).count();
        // A Russian title abbreviated by its English name's initials
        // (Энциклопедия шахматных дебютов (ECO)) shares no letter with it.
        let other_script = name.chars().next().is_some_and(is_cyrillic) && abbreviation.is_ascii();
        let abbreviated = capitals >= 2
            && !abbreviation.contains(char::is_whitespace)
            && (initials_in_order(name, abbreviation) || other_script)
            && crate::names::has_name(rewrite, abbreviation);
        // Or another name of it, right after it (Республике Саха (Якутия)).
        let other_name = after[..open].trim().is_empty()
            && abbreviation.chars().count() >= 4
            && abbreviation.chars().next().is_some_and(char::is_uppercase)
            && abbreviation.chars().all(char::is_alphabetic)
            && (crate::names::has_name(rewrite, abbreviation) || contains_inflected_in(words, abbreviation));
        // Or a word qualifying the name the abbreviation stands for (the US
        // of "US Food and Drug Administration (FDA)").
        let capitals_between: String = after[..open]
            .split_whitespace()
            .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
            .collect();
        let qualifier = capitals_between.chars().count() >= 2
            && capitals_between == abbreviation
            && crate::names::has_name(rewrite, abbreviation);
        abbreviated || other_name || qualifier
    })
}

/// An acronym the source spells out right before it ("the Royal Aircraft
/// Establishment (RAE)") kept by that spelling.
fn kept_by_its_expansion(source: &str, rewrite: &str, acronym: &str) -> bool {
    let letters = acronym.chars().count();
    [format!("({acronym})"), format!("（{acronym}）")]
        .iter()
        .any(|bracketed| {
            source.match_indices(bracketed.as_str()).any(|(at, _)| {
                let words: Vec<&str> = source[..at].split_whitespace().collect();
                // The shortest run of words before the bracket whose capitals
                // spell the acronym (small words such as "of" in between).
                (1..=words.len().min(letters + 3)).any(|k| {
                    let run = &words[words.len() - k..];
                    let capitals: String = run
                        .iter()
                        .filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()))
                        .collect();
                    let capitalised = capitals == acronym
                        && run
                            .first()
                            .is_some_and(|w| w.starts_with(|c: char| c.is_uppercase()))
                        && crate::names::has_name(rewrite, &run.join(" "));
                    capitalised || spelled_in_lower_case(run, acronym, rewrite)
                })
            })
        })
}

/// Whether `run`, the words before an acronym's bracket, spells `acronym`
/// by the initials of its words and their hyphenated parts (individual
/// transferable quotas → ITQs, Российско-американская компания → РАК), in
/// lower case as the source writes them, and the rewrite writes each of
/// its words (a Cyrillic one with any ending).
fn spelled_in_lower_case(run: &[&str], acronym: &str, rewrite: &str) -> bool {
    let core = acronym.strip_suffix('s').unwrap_or(acronym).to_lowercase();
    let words: Vec<String> = run
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphabetic() && c != '-')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty() && !is_stop_word(w))
        .collect();
    let initials: String = words
        .iter()
        .flat_map(|w| w.split('-').filter_map(|p| p.chars().next()))
        .collect();
    let lower = rewrite.to_lowercase();
    let stem = |w: &String| -> String {
        let n = w.chars().count();
        if w.chars().any(is_cyrillic) {
            w.chars().take(n.saturating_sub(2).max(4)).collect()
        } else {
            w.strip_suffix('s').unwrap_or(w).to_owned()
        }
    };
    // The expansion labelled with another acronym (валютный фонд (МБРР))
    // is that one's.
    let relabelled = words.last().is_some_and(|last| {
        lower.match_indices(stem(last).as_str()).any(|(at, found)| {
            let after = lower[at + found.len()..]
                .trim_start_matches(char::is_alphabetic)
                .trim_start();
            let label: String = after
                .strip_prefix(['(', '（'])
                .map(|inside| inside.chars().take_while(|c| c.is_alphabetic()).collect())
                .unwrap_or_default();
            label.chars().count() >= 2 && label != acronym.to_lowercase()
        })
    });
    initials == core && !relabelled && words.iter().all(|w| lower.contains(&stem(w)))
}
