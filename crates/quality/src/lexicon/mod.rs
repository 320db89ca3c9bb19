//! The words the checks read, as data: one [`Lexicon`] per language, in a
//! file of its own (`en.rs`, `ru.rs`, `zh.rs`, `ja.rs`), and script-neutral
//! punctuation in [`common`].
//!
//! A check does not name words; it asks the [`Lexicons`] that apply to its
//! text ([`Lexicons::for_text`]: by the scripts the text is written in, or
//! one language a run names) and iterates their lists. A fifth language is
//! one new file and one line in [`ALL`].
//!
//! Each word belongs to one lexicon: counts summed over the applicable
//! lexicons must not count a word twice. Chinese and Japanese share Han
//! characters, and a text in either selects both (as the checks always read
//! them), so a Han word both use sits in one of the two files.

pub mod common;
pub mod en;
mod en_stop_words;
mod index;
pub mod ja;
pub mod ru;
pub mod zh;

use crate::script::Script;

/// Every language the checks know, in the order their words are tried
/// (which word a finding quotes when several apply).
pub static ALL: &[&Lexicon] = &[&en::EN, &zh::ZH, &ja::JA, &ru::RU];

/// Opposite words: a text that says the first side less and the second more
/// (or the other way round) reversed a direction or an order.
pub type DirectionPair = (&'static [&'static str], &'static [&'static str]);

/// One language's vocabulary, by what the checks do with it. A list a
/// language has no use for is `&[]`.
///
/// Words are lower case. A Latin word matches a whole word; a Cyrillic one
/// the start of a word (Russian inflects by the ending, so lists hold stems);
/// a CJK one any substring. Lists read one character at a time are `char`s.
#[derive(Debug)]
pub struct Lexicon {
    /// ISO 639-1 code (`en`), the name a run selects the language by.
    pub language: &'static str,
    /// The scripts the language is written in: a text with letters of any of
    /// them (Japanese kana counts as Han) selects the lexicon.
    pub scripts: &'static [Script],

    // Negation.
    /// Words that negate the content words after them in their clause ("not",
    /// "не"); a two-word entry ("rather than") negates as a pair.
    pub negators: &'static [&'static str],
    /// Word endings that make a negator of any word ("n't").
    pub negative_contractions: &'static [&'static str],
    /// Characters that negate the two characters after them (不, 没).
    pub negator_chars: &'static [char],
    /// Endings that negate the verb stem before them (ない, ません).
    pub negative_endings: &'static [&'static str],
    /// Characters that end the read-back from a negative ending to its stem
    /// (particles: を, が).
    pub particles: &'static [char],
    /// A prefix written into a word that negates the rest of it (не- in
    /// неоткрытых).
    pub fused_negators: &'static [&'static str],
    /// Words that begin with a fused negator and negate nothing (несколько).
    pub not_fused_negations: &'static [&'static str],
    /// What, after a hyphen, negates the word before ("-free": royalty-free).
    pub negating_suffixes: &'static [&'static str],
    /// A word and hyphen that negate the word after ("non-": non-exclusive).
    pub negating_prefixes: &'static [&'static str],
    /// A negator with the word (or character) after it that denies nothing
    /// ("no" "choice", 不 过).
    pub not_negations: &'static [(&'static str, &'static str)],
    /// Adverbs that lower a claim's polarity as a negator does ("rarely"):
    /// counted, with no term of their own.
    pub negative_adverbs: &'static [&'static str],
    /// Verbs that carry a negation ("rejects", "prevents"), by stem: counted
    /// like the adverbs; negated, they affirm.
    pub negative_verbs: &'static [&'static str],
    /// Verbs that negate without counting as a negation of their own
    /// ("ignore", "omit"), by stem: negated, they affirm.
    pub negating_heads: &'static [&'static str],
    /// Compounds that negate without a negator character of their own, with
    /// the negation they read as (失去 reads as 没有).
    pub negating_compounds: &'static [(&'static str, &'static str)],
    /// Verbs a negator is read past to the word it negates (не были открыты).
    pub auxiliaries: &'static [&'static str],
    /// Characters a character negator is read past (不是, 不能).
    pub auxiliary_chars: &'static [char],
    /// Words that make an exception, negating what follows by scope
    /// ("except", "all but").
    pub exceptions: &'static [&'static str],

    // Questions.
    /// First words of a question asked for a yes or a no ("is", "does").
    pub question_openers: &'static [&'static str],
    /// What a yes/no question holds anywhere (吗, " ли ").
    pub question_markers: &'static [&'static str],
    /// What a yes/no question ends with before its question mark (か).
    pub question_endings: &'static [&'static str],

    // Modality.
    /// Words of necessity and certainty ("must", "always").
    pub necessity: &'static [&'static str],
    /// Two-word necessity ("has to"); a negator before it cancels it.
    pub necessity_phrases: &'static [&'static str],
    /// Words of permission ("may", "can").
    pub permission: &'static [&'static str],
    /// Hedges ("might", "usually"): a rewrite may add permission to explain,
    /// not a hedge.
    pub hedges: &'static [&'static str],
    /// How often ("rarely", "often"): made always or never, a claim became
    /// absolute.
    pub frequency: &'static [&'static str],
    /// Always and never.
    pub absolutes: &'static [&'static str],
    /// Absolutes that are negators too ("never"): alone no necessity.
    pub negative_absolutes: &'static [&'static str],

    // Direction, quantities, numbers.
    /// Opposite direction and order words.
    pub direction_pairs: &'static [DirectionPair],
    /// Units of one kind ("days", "weeks"): one exchanged for another
    /// changed a quantity.
    pub unit_families: &'static [&'static [&'static str]],
    /// Cardinal number words and their values ("three").
    pub cardinals: &'static [(&'static str, u64)],
    /// Number word stems in any case form, longer stems first (трёх, третий),
    /// matched when the stem is most of the word.
    pub cardinal_stems: &'static [(&'static str, u64)],
    /// The vowels (Russian: а е ё и о у ы э ю я), and those that drop out
    /// of a noun's stem in its other cases (день → дня, Орёл → Орла).
    pub vowels: &'static [char],
    /// See `vowels`.
    pub fleeting_vowels: &'static [char],
    /// Signs a stem may end with that are no letter of their own (день:
    /// its stem before the fleeting vowel is дн-).
    pub soft_signs: &'static [char],
    /// Words after a count of years that put an event that many years
    /// after the one before ("five years later", "пять лет спустя"): the
    /// year may be written out.
    pub years_later_after: &'static [&'static str],
    /// Words before a count of years that do the same ("через пять лет").
    pub years_later_before: &'static [&'static str],
    /// Words that name the year after another (次年, the following
    /// year): a rewrite may write that year out.
    pub next_year_words: &'static [&'static str],
    /// Words that name a year already said ("published in September of
    /// that year", 同年): a mention of the year a rewrite need not repeat.
    pub same_year_words: &'static [&'static str],
    /// What after a number makes it a calendar year however small (582年,
    /// "в 582 году"): a year before 1000 is read as one only so.
    pub year_marks: &'static [&'static str],
    /// Words that name the year before another (前年, a year earlier,
    /// годом ранее).
    pub previous_year_words: &'static [&'static str],
    /// Words that name the day after a date the text gives ("released the
    /// following day", 翌日): that day may be written as a date.
    pub next_day_words: &'static [&'static str],
    /// A power of ten spelled around its exponent, as (after the 10, before
    /// a negative exponent, after the exponent): 10のマイナス15乗, 10的负15次方.
    pub power_words: &'static [(&'static str, &'static str, &'static str)],
    /// Words after a number that count it in years (13 years, 170 лет,
    /// 13年後): an interval a rewrite may work out from two years.
    pub year_units: &'static [&'static str],
    /// Words after a round number that count it in years as a lower
    /// bound ("30年余り", 三十余年: thirty-odd years): an interval of 32
    /// years a rewrite may say so.
    pub approximate_year_units: &'static [&'static str],
    /// Words right before a number that say it is the difference of two
    /// values its line gives (差は9.9m/s, "a difference of 9.9", разница,
    /// 比门槛高出12.2℃, "0.7 °C lower"): worked out in passing, not written
    /// as a subtraction.
    pub difference_words: &'static [&'static str],
    /// Words before 100 that restate a percentage as a count (95 out of
    /// 100, 95 из 100, 每100人): 100 is then the percentage's base.
    pub out_of_words: &'static [&'static str],
    /// Marks after a number that make it part of a name (ひまわり9号,
    /// 长征三号, a battery's size 単3形): such a number is mentioned as often as its name.
    pub designation_marks: &'static [char],
    /// Numerals that begin compound words (девятиглавая, двухэтажный):
    /// such a word says its number.
    pub compound_number_prefixes: &'static [(&'static str, u64)],
    /// Counts said without a number word ("twice", "dozen").
    pub count_words: &'static [(&'static str, u64)],
    /// Ordinals and months a rewrite may spell a number as ("third",
    /// "march").
    pub number_words: &'static [(&'static str, u64)],
    /// Months by name, and the month each is (August 8, октябр- 10): what
    /// a worked day count names a month's length by. (CJK months are a
    /// number before [`common::CJK_MONTH_MARK`].)
    pub months: &'static [(&'static str, u64)],
    /// Words that join a month to its number of days (August has 31 days,
    /// 2月有29天, 2月は29日).
    pub month_length_links: &'static [&'static str],
    /// Words after a number that count days and never date one (30天,
    /// 30 дней): "6月30天" is June's length, where 6月30日 is a date.
    pub day_count_words: &'static [&'static str],
    /// Ordinals in order, the n-th being n ("nineteenth" century).
    pub ordinals: &'static [&'static str],
    /// What ends an ordinal written in digits ("19th", "21st").
    pub ordinal_suffixes: &'static [&'static str],
    /// Words that multiply the number before them ("million", "тыс", 万),
    /// with the factor: `10 тысяч` is the `10 000` of a rewrite.
    pub scale_words: &'static [(&'static str, f64)],
    /// Units before which a scale word is a metric prefix instead (Chinese
    /// 兆瓦 is megawatts, where Japanese 兆 alone is a trillion).
    pub prefix_units: &'static [&'static str],
    /// Words that say a fraction ("half", "половин", 一半), with its value:
    /// a rewrite may write it as `0.5` or `50%`.
    pub fraction_words: &'static [(&'static str, f64)],
    /// CJK numerals: digits and units (三, 十, 万); the values are
    /// [`crate::align`]'s to read.
    pub numeral_chars: &'static [char],
    /// The numerals that are units (十, 百, 千, 万): a run with one is a
    /// number, not a word like 一般.
    pub numeral_units: &'static [char],
    /// What after a single CJK numeral makes it a count or a span (三年,
    /// 两倍, 七次): 三 alone is a number there, not part of a word.
    pub numeral_measures: &'static [&'static str],
    /// Words written with numerals that count nothing (万一 "in case", 一一
    /// "one by one"): their numerals are no number.
    pub numeral_idioms: &'static [&'static str],
    /// What after a numeral makes it approximate (三十多年, 二十余).
    pub approximate_marks: &'static [char],
    /// Words before a number that say it is rounded ("about 2.5 m" for
    /// 2.54 m, около, 约, 約): a source value said to fewer places.
    pub approximation_words: &'static [&'static str],
    /// Words that put a clock's hour after noon ("5 p.m.", 午後5時, 夕方5時,
    /// в 5 вечера): 17:45 may be written as 5:45 with one of them.
    pub afternoon_words: &'static [&'static str],
    /// The marks a clock time is written with after its hour and minutes
    /// (5時45分, 5点45分), read past to an afternoon word after them.
    pub clock_marks: &'static [char],
    /// Times of day said in words and their hour (noon: 12, 正午: 12,
    /// полночь: 0): a rewrite may write the hour (12:00, お昼12時).
    pub named_hours: &'static [(&'static str, f64)],
    /// A part's or a quantity's label and the sign a rewrite may write it
    /// as before its number ("Section 6" → "§6", マグニチュード7.4 → M7.4).
    pub label_signs: &'static [(&'static str, char)],
    /// Words that write a division's remainder after its whole quotient
    /// (30 ÷ 11 = 2 余り 8, 27 ÷ 4 = 6 remainder 3).
    pub remainder_words: &'static [&'static str],
    /// What joins a fraction's denominator to its numerator (4分の1,
    /// 四分之一): the fraction a rewrite may write as a decimal (0.25).
    pub fraction_links: &'static [&'static str],
    /// Characters after a numeral that count tenths (九成, 7割 = 90%, 70%).
    pub tenth_markers: &'static [char],
    /// Words that label a step, a case or a part a rewrite numbers ("Step
    /// 2", "Шаг 2", ステップ2, 第2步, "Table 3", 第8章): the number is its
    /// own, not a fact.
    pub enumeration_labels: &'static [&'static str],
    /// Marks of an era written beside a year (490 BC, AD 1896): they date,
    /// they name nothing.
    pub era_marks: &'static [&'static str],
    /// What after a small number counts the text's own items ("2つの働き",
    /// 3种, "two kinds"): a restyle that counts what the source lists adds
    /// no fact.
    pub item_counters: &'static [&'static str],
    /// Counters of people after a numeral (二人, 两位, 三名): a count of the
    /// people a text has just named.
    pub person_counters: &'static [&'static str],
    /// What joins the items of a list (L・M・Q・H, 郵便事業と郵便局): a small
    /// count right after a list restates how many it names.
    pub list_joiners: &'static [&'static str],
    /// What may stand between a list and its count (L・M・Q・Hの4段階; "May,
    /// June, July — 3 months").
    pub list_count_links: &'static [&'static str],
    /// Words beside a small number that say how numbers are written, not
    /// a fact (有効数字3桁, "to 2 decimal places", 10進数, 保留两位小数):
    /// a worked problem's instruction.
    pub notation_words: &'static [&'static str],
    /// What after a year makes it a decade ("1960s", "1960-х", 1960年代):
    /// supported by any source year in it.
    pub decade_suffixes: &'static [&'static str],
    /// What after an ordinal makes it a century ("15th century", "XV век",
    /// 15世纪): the same time as the years it spans ("the 1400s").
    pub century_words: &'static [&'static str],
    /// Words that count decades after a cardinal ("four decades" = 40
    /// years), as `century_words` count centuries.
    pub decade_words: &'static [&'static str],
    /// Words after a number that make it a percentage, as `%` does (1 per
    /// cent, 5 процентов).
    pub percent_words: &'static [&'static str],
    /// What opens a worked example ("for example", "например", 例えば): a
    /// number in it may be the example's own.
    pub example_markers: &'static [&'static str],

    // Words and names.
    /// Function words (sorted: looked up by binary search).
    pub stop_words: &'static [&'static str],
    /// Words a key point keeps as its negation "not" although they are stop
    /// words.
    pub concept_negators: &'static [&'static str],
    /// Irregular verb forms and their base ("began", "begin").
    pub irregular_verbs: &'static [(&'static str, &'static str)],
    /// Plural endings that lose their "es" ("boxes" → "box").
    pub plural_suffixes: &'static [&'static str],
    /// Characters too common to say which sentence carries a fact (的, 了).
    pub function_chars: &'static [char],
    /// Characters that end a place, office, dynasty or institution name
    /// (省, 県, 朝).
    pub name_suffixes: &'static [char],
    /// Name suffixes that follow one ideograph, not two (隋朝, 唐朝).
    pub one_ideograph_name_suffixes: &'static [char],
    /// Words that end an organisation's name after two ideographs of its
    /// own (南开大学, 北陸電力, 长江水产研究所): an extract that writes one
    /// whose own part the source lacks adds it.
    pub organisation_suffixes: &'static [&'static str],
    /// Titles, offices and trades written right before a person's name
    /// (化学家舍勒, 总统拜登, 校長の小西信八): an extract whose two
    /// characters after one the source lacks adds a person. Longer titles
    /// first (总工程师 before 工程师): a person is named under the first.
    pub person_titles: &'static [&'static str],
    /// What may stand between such a title and the name (校长为张国藩,
    /// 校長の小西信八).
    pub person_title_links: &'static [&'static str],
    /// Words a name suffix begins that name nothing (朝代, "dynasty").
    pub name_suffix_words: &'static [&'static str],
    /// Common nouns a name suffix ends (会社, "company", of 株式会社): no
    /// name is read in them.
    pub suffixed_common_nouns: &'static [&'static str],
    /// The Earth's name (as a stem) and the common nouns a source says it
    /// with ("earth": "world", "planet").
    pub world_names: &'static [(&'static str, &'static [&'static str])],
    /// Names of one country or event a text uses for one another, in lower
    /// case:
    /// a word ending in a space-free stem matches any ending (росси:
    /// России, Россией), a short all-capital one only itself (рф, us).
    pub name_equivalents: &'static [&'static [&'static str]],
    /// Letters written for one another (Russian ё, mostly written е: Пётр,
    /// Петра): names are matched with the first read as the second.
    pub equivalent_letters: &'static [(char, char)],
    /// File name extensions a path ends with ("rs", "toml").
    pub file_extensions: &'static [&'static str],
    /// Lower-case particles inside personal names ("van" in Guido van
    /// Rossum): two capitalised names with one between them are one name.
    pub name_particles: &'static [&'static str],
    /// Prefixes a surname is written with before its capital (LaGuardia,
    /// McHardy, DiMaggio): such a word is a name, not `CamelCase` code.
    pub surname_prefixes: &'static [&'static str],
    /// Words of one capital letter ("I", "A"): a lone capital mid-sentence
    /// names something (the C language, a type parameter T) unless it is
    /// one of them.
    pub one_letter_words: &'static [&'static str],
    /// Words that join a name's generic head to the name that makes it
    /// one ("the University of Cambridge", "the Gulf of Mexico"): a rewrite
    /// may keep the name alone (Cambridge).
    pub name_links: &'static [&'static str],
    /// Endings of adjectives made from a name (Indonesian, Finnish): a
    /// restyle may leave such a word out as context where the noun it
    /// qualifies stays. None for Russian, whose names of places are
    /// adjectives themselves (Воронежская губерния).
    pub name_adjective_endings: &'static [&'static str],
    /// How a lower-case adjective made from a name goes on after the
    /// name's stem (Кита|йский, Урал|ьское): a name may be said as one.
    pub adjective_suffixes: &'static [&'static str],
    /// Conjunctions a sentence is cut into clauses at (", but ", "，而").
    pub clause_marks: &'static [&'static str],

    // Model output around a rewrite (the fidelity detectors).
    /// Phrases that announce a summary ("in summary").
    pub summary_markers: &'static [&'static str],
    /// Openings of model chatter ("here is").
    pub chatter_openings: &'static [&'static str],
    /// Closings of model chatter ("let me know").
    pub chatter_closings: &'static [&'static str],
    /// Openings that are chatter only as a short line of their own ("sure").
    pub chatter_interjections: &'static [&'static str],
    /// Refusals ("i cannot").
    pub refusals: &'static [&'static str],
    /// Words that mark a multiple-choice option as wrong when written
    /// after a dash or a colon ("C. Paris — wrong"), as well as ✗ does.
    pub wrong_option_words: &'static [&'static str],
    /// Words that join the two ends of a range ("B20 to B99", DENV-1至DENV-4),
    /// as a dash does.
    pub range_words: &'static [&'static str],
    /// Units of time after a number, with their length in seconds (3 суток
    /// = 72 часа, 1 小时 = 60 分钟): a rewrite that says a source's duration
    /// in another unit converts it. Longest first where one begins another
    /// (分钟 before 分). A unit that also names a calendar day (日 in
    /// 5日) or a clock hour (時) is left out.
    pub duration_units: &'static [(&'static str, f64)],
}

/// The lexicons that apply to a text: a set of [`ALL`]'s entries. Copy, no
/// allocation: checks on the hot path pass it down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lexicons(u32);

impl Lexicons {
    /// No lexicon.
    pub const NONE: Lexicons = Lexicons(0);

    /// Every lexicon.
    pub fn all() -> Self {
        Lexicons((1u32 << ALL.len()) - 1)
    }

    /// The lexicons of the languages written in the scripts `text` uses
    /// (Latin: every Latin-script language; Cyrillic: Russian; Han or kana:
    /// Chinese and Japanese, which share characters), or the one language
    /// `language` names. An unknown name selects by script.
    pub fn for_text(text: &str, language: Option<&str>) -> Self {
        if let Some(name) = language
            && let Some(i) = ALL.iter().position(|l| l.language == name)
        {
            return Lexicons(1 << i);
        }
        // The script families present, one bit each.
        if text.is_ascii() {
            let latin = text.bytes().any(|b| b.is_ascii_alphabetic());
            return if latin {
                Self::of_scripts(1 << Script::Latin as u32)
            } else {
                Self::NONE
            };
        }
        let mut seen = 0u32;
        let latin = 1 << Script::Latin as u32;
        for c in text.chars() {
            // An ASCII letter is Latin (most letters of most texts): no
            // table read for it.
            if c.is_ascii() {
                if c.is_ascii_alphabetic() {
                    seen |= latin;
                }
                continue;
            }
            // `Script::of(c)` is this family or none: once the family is
            // seen, whether `c` is a letter changes nothing.
            let bit = 1 << Script::of_letter(c).family() as u32;
            if seen & bit == 0 && c.is_alphabetic() {
                seen |= bit;
            }
        }
        Self::of_scripts(seen)
    }

    /// The lexicons applying to either of two texts (a source and its
    /// rewrite).
    pub fn for_pair(source: &str, rewrite: &str, language: Option<&str>) -> Self {
        Self::for_text(source, language).union(Self::for_text(rewrite, language))
    }

    fn of_scripts(seen: u32) -> Self {
        let mut set = 0u32;
        for (i, lexicon) in ALL.iter().enumerate() {
            if lexicon.scripts.iter().any(|s| seen & 1 << s.family() as u32 != 0) {
                set |= 1 << i;
            }
        }
        Lexicons(set)
    }

    /// Both sets.
    #[inline]
    pub fn union(self, other: Self) -> Self {
        Lexicons(self.0 | other.0)
    }

    /// Whether no lexicon applies.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The lexicons, in [`ALL`]'s order.
    #[inline]
    pub fn iter(self) -> impl Iterator<Item = &'static Lexicon> + Clone {
        self.positions().map(|i| ALL[i])
    }

    /// The lexicons' places in [`ALL`], in order: for tables built once
    /// per lexicon.
    #[inline]
    pub(crate) fn positions(self) -> impl Iterator<Item = usize> + Clone {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                i
            })
        })
    }

    /// One list of every lexicon, in order: `lex.words(|l| l.negators)`.
    #[inline]
    pub fn words(
        self,
        list: fn(&Lexicon) -> &'static [&'static str],
    ) -> impl Iterator<Item = &'static str> + Clone {
        self.iter().flat_map(move |l| list(l).iter().copied())
    }

    /// One list of entries of every lexicon, in order.
    #[inline]
    pub fn entries<T: 'static>(
        self,
        list: fn(&Lexicon) -> &'static [T],
    ) -> impl Iterator<Item = &'static T> + Clone {
        self.iter().flat_map(move |l| list(l).iter())
    }

    /// Whether a list of characters of any lexicon holds `c`.
    #[inline]
    pub fn has_char(self, list: fn(&Lexicon) -> &'static [char], c: char) -> bool {
        self.iter().any(|l| list(l).contains(&c))
    }

    /// Whether a list of words of any lexicon holds `word`.
    #[inline]
    pub fn has_word(self, list: fn(&Lexicon) -> &'static [&'static str], word: &str) -> bool {
        self.iter().any(|l| list(l).contains(&word))
    }
}

/// Whether a two-word entry ("rather than", "has to") is `first` followed
/// by `second`.
#[inline]
pub(crate) fn is_word_pair(entry: &str, first: &str, second: &str) -> bool {
    entry.len() == first.len() + 1 + second.len()
        && entry.starts_with(first)
        && entry.ends_with(second)
        && entry.as_bytes()[first.len()] == b' '
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
