//! The lexicons: choice by script, lookups and the tidy rules on their data.

use super::*;

#[test]
fn the_registry_fits_the_bit_set_and_names_each_language_once() {
    assert!(ALL.len() <= 32, "Lexicons is a bit set of at most 32 languages");
    for (i, l) in ALL.iter().enumerate() {
        assert!(
            ALL[..i].iter().all(|o| o.language != l.language),
            "{} twice",
            l.language
        );
    }
}

#[test]
fn stop_words_are_sorted_for_binary_search() {
    for l in ALL {
        let mut sorted = l.stop_words.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            sorted, l.stop_words,
            "keep {}'s stop words sorted, once each",
            l.language
        );
    }
}

#[test]
fn a_one_ideograph_stop_word_is_a_function_character() {
    // A name read in CJK text stops at a function character (将杭州 is
    // 杭州 after a preposition): each one-ideograph word the language
    // stops on is one.
    for l in ALL.iter().filter(|l| !l.function_chars.is_empty()) {
        for word in l.stop_words {
            let mut chars = word.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                assert!(
                    !crate::text::is_cjk(c) || l.function_chars.contains(&c),
                    "{}: the stop word {word} is no function character",
                    l.language
                );
            }
        }
    }
}

#[test]
fn texts_select_lexicons_by_script() {
    let langs = |text: &str, name: Option<&str>| -> Vec<&str> {
        Lexicons::for_text(text, name)
            .iter()
            .map(|l| l.language)
            .collect()
    };
    assert_eq!(langs("It was not", None), ["en"]);
    assert_eq!(langs("Это не так", None), ["ru"]);
    assert_eq!(langs("这不是", None), ["zh", "ja"]);
    assert_eq!(langs("ではない", None), ["zh", "ja"]);
    assert_eq!(langs("Rust 是一种语言", None), ["en", "zh", "ja"]);
    assert_eq!(langs("123 !!", None), Vec::<&str>::new());
    assert_eq!(langs("这不是", Some("ja")), ["ja"]);
    assert_eq!(langs("It was not", Some("xx")), ["en"]);
}
