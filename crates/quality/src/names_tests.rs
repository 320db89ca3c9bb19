//! Tests of `names.rs`: the names a text has, and a name kept when
//! written another way.

use super::*;

fn check(text: &str, expect: &[(&str, NameKind)]) {
    let got: Vec<(String, NameKind)> = names(text).into_iter().map(|m| (m.text, m.kind)).collect();
    let expect: Vec<(String, NameKind)> = expect.iter().map(|(t, k)| ((*t).to_owned(), *k)).collect();
    assert_eq!(got, expect, "names of {text:?}");
}

/// A name of `kind` as the names reader gives it.
fn mention(text: &str, kind: NameKind) -> NameMention {
    NameMention {
        text: text.to_owned(),
        kind,
    }
}

#[test]
fn finds_names_and_identifiers() {
    use NameKind::*;
    check(
        "The Rust Programming Language uses HashMap and std::collections::HashMap.",
        &[
            ("Rust Programming Language", ProperName),
            ("HashMap", Identifier),
            ("std::collections::HashMap", ItemPath),
        ],
    );
    check(
        "Call `saturating_add` on u8. See https://doc.rust-lang.org/book/, mail a@b.org or edit src/main.rs and Cargo.toml.",
        &[
            ("saturating_add", InlineCode),
            ("u8", Identifier),
            ("https://doc.rust-lang.org/book/", Url),
            ("a@b.org", Email),
            ("src/main.rs", FilePath),
            ("Cargo.toml", FilePath),
        ],
    );
    check(
        "Every value has a type. In Rust, HTTP and URLs matter to Alice.",
        &[
            ("Rust", ProperName),
            ("HTTP", Acronym),
            ("URLs", Acronym),
            ("Alice", ProperName),
        ],
    );
}

#[test]
fn the_first_word_under_a_man_page_option_is_not_a_name() {
    let text =
        "       -g, --listed-incremental=FILE\n              Handle new GNU-format incremental backups.\n";
    let found: Vec<String> = names(text).into_iter().map(|n| n.text).collect();
    assert!(!found.iter().any(|n| n == "Handle"), "{found:?}");
    // Wrapped prose lines, indented alike, still show a name mid-sentence.
    // `%k' is a man page's quotation, not inline code; `Box<T>` is code.
    let quoted: Vec<String> = names("File names match `%k' and `%p'; use `Box<T>` here.")
        .into_iter()
        .map(|n| n.text)
        .collect();
    assert_eq!(quoted, ["Box<T>"], "{quoted:?}");
    let prose = "The project was started by\nGraydon Hoare in his spare time.";
    let found: Vec<String> = names(prose).into_iter().map(|n| n.text).collect();
    assert!(found.iter().any(|n| n == "Graydon Hoare"), "{found:?}");
}

#[test]
fn a_name_written_another_way_is_kept() {
    let kept = |rewrite: &str, name: &str| contains_name(rewrite, &mention(name, NameKind::ProperName));
    assert!(kept(
        "First made by H. N. Morse in 1878.",
        "Harmon Northrop Morse"
    ));
    assert!(kept(
        "Спроектирован под руководством А. Н. Туполева.",
        "Андрея Туполева"
    ));
    assert!(kept("The CBR sets the key rate.", "Central Bank Russia"));
    assert!(kept("Farmers in Indonesia planted it.", "Indonesian"));
    assert!(crate::name_variants::contains_inflected(
        "предложенный академиком Андреем Петровичем Ершовым",
        "Андрей Петрович Ершов"
    ));
    assert!(!crate::name_variants::contains_inflected(
        "предложенный Андреем Ершовским",
        "Андрей Ершов"
    ));
    assert!(kept("Hosted on Github.", "GitHub"));
    assert!(kept("Deno：JS/TS実行環境。", "JavaScript"));
    let acronym = |rewrite: &str, name: &str| contains_name(rewrite, &mention(name, NameKind::Acronym));
    assert!(acronym("the United States naval base", "US"));
    assert!(!acronym("the United Kingdom naval base", "US"));
    assert!(!kept("Deno：TS実行環境。", "JavaScript"));
    assert!(!kept("It was sold in Australia.", "Austria"));
    assert!(!kept("Made by J. Morse.", "Harmon Morse"));
    // Cut short with a stop, or to three letters in a date.
    assert!(kept("Origin: 2000, Univ. of Illinois.", "University"));
    assert!(kept(
        "10 days removed: Thu 4 Oct 1582 → Fri 15 Oct 1582.",
        "Thursday"
    ));
    assert!(!kept("Thursday came after Wednesday 3 October.", "Friday"));
    assert!(!kept("The 4 October date.", "Theodore"));
}

#[test]
fn labels_slash_lists_possessives_and_plural_acronyms() {
    use NameKind::*;
    // A capitals label at a line's start names nothing; a slash list of
    // single letters is not a path.
    check("NOTE: the hash functions are in zlib.\nSizes show as K/M/G.", &[]);
    // A possessive inside a name, and a plural acronym, are kept when the
    // rewrite writes them so or in the singular.
    let hospital = NameMention {
        text: "St Mary Hospital".into(),
        kind: ProperName,
    };
    assert!(contains_name(
        "Fleming worked at St Mary's Hospital in London.",
        &hospital
    ));
    assert!(!contains_name(
        "Fleming worked at a hospital in London.",
        &hospital
    ));
    let urls = NameMention {
        text: "URLs".into(),
        kind: Acronym,
    };
    assert!(contains_name("a URL-safe alphabet", &urls));
    assert!(!contains_name("a web-safe alphabet", &urls));
}

#[test]
fn a_capital_after_a_number_is_a_unit_not_a_name() {
    let found = |text: &str| names(text).into_iter().map(|m| m.text).collect::<Vec<_>>();
    assert_eq!(
        found("An LFP cell has a nominal voltage of 3.2 V, lower than others."),
        ["LFP"]
    );
    assert_eq!(found("Written in the C language, like most of it."), ["C"]);
}

#[test]
fn a_short_russian_name_in_the_instrumental_is_the_name() {
    assert!(contains_inflected("на шлюпах «Надежда» и «Нева»", "Невой"));
    assert!(contains_inflected("полёт к Луне", "Луной"));
    assert!(!contains_inflected("в сентябре", "Сеной"));
}

#[test]
fn a_russian_title_is_kept_by_its_latin_abbreviation() {
    let source = "В Энциклопедии шахматных дебютов (ECO) ему отведены коды C42 и C43.";
    let name = mention("Энциклопедии", NameKind::ProperName);
    let kept = |rewrite: &str| {
        crate::name_variants::kept_another_way(&crate::analysis::Analysis::new(rewrite), &name, source, &[])
    };
    assert!(kept("**Коды ECO:** C42 и C43"));
    assert!(!kept("**Коды:** C42 и C43"));
}

#[test]
fn a_constraint_in_backticks_may_be_said_in_words() {
    let source = "`^2.1.0` allows versions `>=2.1.0 <3.0.0`.";
    let name = mention(">=2.1.0 <3.0.0", NameKind::InlineCode);
    let kept = |rewrite: &str| {
        crate::name_variants::kept_another_way(&crate::analysis::Analysis::new(rewrite), &name, source, &[])
    };
    assert!(kept("`^2.1.0` means 2.1.0 or higher, but below 3.0.0."));
    assert!(!kept("`^2.1.0` means 2.1.0 or higher, but below 4.0.0."));
}

#[test]
fn a_name_is_kept_by_the_spelling_or_the_other_name_the_source_gives_it() {
    let source = "Tests at the Royal Aircraft Establishment (RAE) in Farnborough found it.";
    let rae = mention("RAE", NameKind::Acronym);
    let kept = |rewrite: &str, name: &NameMention, source: &str| {
        crate::name_variants::kept_another_way(&crate::analysis::Analysis::new(rewrite), name, source, &[])
    };
    assert!(kept(
        "The Royal Aircraft Establishment in Farnborough found it.",
        &rae,
        source
    ));
    assert!(!kept("An establishment in Farnborough found it.", &rae, source));
    let source = "Трубка расположена у города Мирный в Республике Саха (Якутия).";
    let saha = mention("Республике Саха", NameKind::ProperName);
    assert!(kept("Её открыли в Якутии, у города Мирный.", &saha, source));
    assert!(!kept("Её открыли в Сибири, у города Мирный.", &saha, source));
    let source = "In 2022 the US Food and Drug Administration (FDA) convened a panel.";
    let us = mention("US", NameKind::Acronym);
    assert!(kept("2022: FDA advisory panel.", &us, source));
    let source = "The worms are fed on Escherichia coli grown on agar.";
    let genus = mention("Escherichia", NameKind::ProperName);
    assert!(kept("They eat E. coli on agar.", &genus, source));
    assert!(!kept("They eat B. subtilis on agar.", &genus, source));
    assert!(!kept("2022: an advisory panel.", &us, source));
}

#[test]
fn a_bold_initial_inside_a_word_spells_the_word() {
    assert_eq!(
        crate::names::plain_spelling("- **S**urgery\n- **A**ntibiotics, H₂O"),
        "- **Surgery\n- **Antibiotics, H2O"
    );
    assert_eq!(
        crate::names::plain_spelling("**bold** and __x__"),
        "**bold** and __x__"
    );
}

#[test]
fn a_country_is_kept_by_another_of_its_names() {
    let kept = |rewrite: &str, name: &str| {
        let name = mention(name, NameKind::ProperName);
        crate::name_variants::kept_another_way(&crate::analysis::Analysis::new(rewrite), &name, "", &[])
    };
    assert!(kept("Вакцина применяется в РФ поныне.", "России"));
    assert!(kept(
        "Глава 26.5 Налогового кодекса России.",
        "Российской Федерации"
    ));
    assert!(kept("В Советском Союзе в 1940 году.", "СССР"));
    assert!(kept("the United States naval base", "U.S."));
    assert!(kept("After WWII they turned to oil drums.", "Second World War"));
    assert!(!kept("Вакцина применяется в Казахстане поныне.", "России"));
    assert!(!kept("the United Kingdom naval base", "US"));
}

#[test]
fn a_stop_inside_emphasis_ends_the_sentence() {
    let found = name_texts("**2. Выбор ответа.** Когда Минздрав РФ зарегистрировал вакцину?");
    assert!(!found.iter().any(|n| n.starts_with("Когда")), "{found:?}");
}

#[test]
fn a_possessive_ends_its_name() {
    let found = name_texts("Fridtjof Nansen's Fram expedition of 1893 tested his theory.");
    assert!(
        found.contains(&"Fram".to_owned())
            && !found.iter().any(|n| n.contains("Fram") && n.contains("Nansen")),
        "{found:?}"
    );
}

#[test]
fn a_middle_initial_continues_a_name_and_an_initial_at_the_end_does_not() {
    let found = name_texts;
    let organisers = found("It was organised by William H. Russell and Alexander Majors.");
    assert!(
        organisers.contains(&"William H. Russell".to_owned()),
        "{organisers:?}"
    );
    let model = found("It was built until 1927, when it gave way to the Model A. Its design team was small.");
    assert!(!model.iter().any(|n| n.ends_with('.')), "{model:?}");
}

#[test]
fn a_regnal_number_ends_its_sentence() {
    let found = name_texts("Фонтаны заложил Пётр I. Там работают 64 фонтана.");
    assert!(!found.iter().any(|n| n.contains("Там")), "{found:?}");
}

/// The texts of the names `names` finds in `text`.
fn name_texts(text: &str) -> Vec<String> {
    names(text).into_iter().map(|m| m.text).collect()
}

#[test]
fn occurrences_are_what_match_indices_finds() {
    let cases = [
        ("Rust and Rust", "Rust"),
        ("aaaa", "aa"),
        ("ababab", "aba"),
        ("東京と東京都", "東京"),
        ("x", ""),
        ("", "a"),
        ("né né", "né"),
        ("abc", "abcd"),
    ];
    for (text, name) in cases {
        let expected: Vec<usize> = text.match_indices(name).map(|(at, _)| at).collect();
        assert_eq!(
            crate::text::occurrences(text, name).collect::<Vec<_>>(),
            expected,
            "{text:?} / {name:?}"
        );
    }
}

#[test]
fn a_russian_name_said_as_its_adjective_is_kept() {
    let source = "Сюда везли хлопок из Средней Азии, чай из Китая, железо с Урала и рыбу.";
    let missing = |rewrite: &str| missing_names(source, rewrite);
    assert!(missing("Сюда везли среднеазиатский хлопок, китайский чай, уральское железо и рыбу.").is_empty());
    // A word of another stem keeps nothing.
    assert!(
        !missing("Сюда везли среднеазиатский хлопок, индийский чай, уральское железо и рыбу.").is_empty()
    );
}

#[test]
fn an_elements_symbol_said_by_its_name_is_kept() {
    let source = "Grade 316 has roughly 16–18% Cr and 10–14% Ni plus 2–3% molybdenum.";
    let missing = |rewrite: &str| missing_names(source, rewrite);
    assert!(missing("Grade 316 holds 16–18% chromium, 10–14% nickel and 2–3% molybdenum.").is_empty());
    assert!(missing("Grade 316 holds 16–18% хрома, 10–14% никеля and 2–3% molybdenum.").is_empty());
    // Another element's name keeps nothing.
    assert!(!missing("Grade 316 holds 16–18% chromium, 10–14% cobalt and 2–3% molybdenum.").is_empty());
}

#[test]
fn a_head_word_is_kept_by_the_names_it_heads() {
    let source = "He studied at the University of Cambridge and later worked at the University of Chicago.";
    let missing = |rewrite: &str| missing_names(source, rewrite);
    assert!(missing("He studied at Cambridge and later worked at Chicago.").is_empty());
    // One of the names it heads dropped: the head is missing with it.
    assert!(!missing("He studied at Cambridge and later worked in the United States.").is_empty());
}

/// The gate's findings of names missing from `rewrite` of `source`.
fn missing_names(source: &str, rewrite: &str) -> Vec<String> {
    crate::fidelity::fidelity(source, rewrite, &crate::FidelityConfig::default())
        .findings()
        .filter(|f| f.contains("missing"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_acronym_that_classifies_a_kept_name_may_be_said_in_words() {
    let source = "psql — интерактивный терминальный клиент СУБД PostgreSQL, входящий в её поставку.";
    let missing = |rewrite: &str| missing_names(source, rewrite);
    assert!(
        missing("psql — интерактивный терминальный клиент базы данных PostgreSQL, входящий в её поставку.")
            .is_empty()
    );
    // Said before another name, or before none, it is missing.
    assert!(
        !missing("psql — интерактивный терминальный клиент базы данных, входящий в её поставку.").is_empty()
    );
    let source = "The index lives in the DBMS PostgreSQL, and the DBMS MySQL has none.";
    assert!(
        !missing_names(source, "The index lives in PostgreSQL, and MySQL has none.").is_empty(),
        "an acronym said twice is not context"
    );
}

#[test]
fn a_word_after_an_ellipsis_starts_its_sentence() {
    // √2 = 1,41421356… ends a sentence: Вблизи is its next one's first
    // word, not a name.
    let found = names("тогда как √2 = 1,41421356… Вблизи простого корня сходимость квадратичная.");
    assert!(!found.iter().any(|m| m.text == "Вблизи"), "{found:?}");
}
