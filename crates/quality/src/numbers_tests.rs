//! The number reader on the forms numbers are written in.

use super::*;

fn check(text: &str, expect: &[&str]) {
    let got: Vec<String> = numbers(text)
        .into_iter()
        .map(|m| match m.quantity {
            Quantity::Value(v) => format!("{}={v}", m.written),
            Quantity::Literal(l) => format!("{}:{l}", m.written),
        })
        .collect();
    assert_eq!(got, expect, "numbers of {text:?}");
}

#[test]
fn a_year_range_may_end_in_two_digits() {
    check(
        "1914–18 and 1467〜77",
        &["1914=1914", "18=1918", "1467=1467", "77=1477"],
    );
    // Not after a year, nor ending before it began, nor a page range.
    check("2012-03, pages 10-12", &["2012=2012", "03=3", "10=10", "12=12"]);
    check(
        "1.0 in 2004-07, 1914-18",
        &["1.0=1", "2004=2004", "07=7", "1914=1914", "18=1918"],
    );
}

#[test]
fn numbers_are_read_as_values() {
    check("3.5% and 3.50 %", &["3.5=3.5", "3.50=3.5"]);
    check(
        "1,000 or 1000, 12,34 and 1,2,3",
        &["1,000=1000", "1000=1000", "12,34=12.34", "1=1", "2=2", "3=3"],
    );
    check("エンジンにV8、エンジン：V8", &["8=8", "8=8"]);
    check(
        "v1.2.3 and 10.0.0.1 at 0xFF",
        &["1.2.3:1.2.3", "10.0.0.1:10.0.0.1", "0xFF:0xff"],
    );
    check(
        "i32 x86_64 u8 but 64-bit and 10-20 km",
        &["64=64", "10=10", "20=20"],
    );
    check(
        "$5, €10.50, 2024-01-15",
        &["5=5", "10.50=10.5", "2024=2024", "01=1", "15=15"],
    );
    check("no digits", &[]);
    // Atoms counted after a formula's bracketed group; a year after an
    // acronym's brackets is a number.
    check("(Fe,Ni)9S8, Ca(OH)2 and Pd(PPh3)4 (WHO)2019", &["2019=2019"]);
    // A power of ten spelled around its exponent.
    check(
        "約10のマイナス15乗メートル、10的9次方",
        &["10のマイナス15乗=0.000000000000001", "10的9次方=1000000000"],
    );
    // A diameter's sign; a Greek letter in a word is a word's.
    check("単3形φ14.5 mm, ⌀8 but aφ2", &["3=3", "14.5=14.5", "8=8"]);
    check(
        "東海道新幹線は1964年、最後の噴火は1707年",
        &["1964=1964", "1707=1707"],
    );
}

#[test]
fn one_value_written_many_ways() {
    check(
        "10 000 т, 10\u{a0}000, 0,5 м",
        &["10 000=10000", "10\u{a0}000=10000", "0,5=0.5"],
    );
    check("in 2019 100 people", &["2019=2019", "100=100"]);
    check(
        "10 тысяч тонн, 1000万, 2.5 million",
        &["10 тысяч=10000", "1000万=10000000", "2.5 million=2500000"],
    );
    check(
        "1 Sv = 10⁶ m³/s = 1.7 × 10⁷, 1e7 rows, 10^3",
        &[
            "1=1",
            "10⁶=1000000",
            "1.7 × 10⁷=17000000",
            "1e7=10000000",
            "10^3=1000",
        ],
    );
    check("3em and a 1e7x", &["3=3", "1=1"]);
    check("2 millimetres", &["2=2"]);
}

#[test]
fn fractions_labels_and_decades() {
    assert_eq!(fraction_values("превышать полметра"), [0.5]);
    assert_eq!(fraction_values("约九成泥沙"), [0.9]);
    assert_eq!(fraction_values("half of it"), [0.5]);
    let en = Lexicons::for_text("x", None);
    assert!(after_label("Step 2: add", 5, en));
    assert!(!after_label("Misstep 2", 8, en));
    // A range of labelled steps ends with a label's number too.
    let text = "from steps 1–5 only";
    assert!(after_label(text, text.find('5').unwrap_or(0), en));
    let ru = Lexicons::for_text("шаг", None);
    let text = "из шагов 1–5";
    assert!(after_label(text, text.len() - 1, ru));
    assert!(!after_label("stepping 2", 9, en));
    assert!(decade_follows("the 1960s were", 8, en));
    assert!(!decade_follows("the 1960 set", 8, en));
}

#[test]
fn number_words() {
    assert_eq!(number_word_values("Three cats in March"), [3.0, 3.0]);
    assert_eq!(number_word_values("the eleventh version"), [11.0]);
    assert_eq!(number_word_values("Четвёртого октября, три недели"), [4.0, 3.0]);
    assert_eq!(
        number_word_values("девятиглавая церковь, двухэтажный дом"),
        [9.0, 2.0]
    );
    assert!(number_word_values("семинар в столовой").is_empty());
    assert_eq!(number_word_values("шестнадцатилетний школьник"), [16.0]);
    // A ten and a unit are one number, not two; a ten and a ten, a unit
    // and a ten, or a ten and a unit a comma parts, are not one.
    assert_eq!(number_word_values("Twenty-two players"), [22.0]);
    assert_eq!(number_word_values("двадцать два игрока"), [22.0]);
    assert_eq!(number_word_values("twenty, two"), [20.0, 2.0]);
    // A hundred and what follows it are one number too, in any case.
    assert_eq!(number_word_values("более ста двадцати лет"), [120.0]);
    assert_eq!(number_word_values("сто двадцать пять лет"), [125.0]);
    assert_eq!(number_word_values("сто, двадцать"), [100.0, 20.0]);
    // (стоит is no hundred: "сто" is read as a whole word.)
    assert_eq!(number_word_values("Рядом стоит девятиглавая церковь"), [9.0]);
    assert_eq!(number_word_values("к столетию со дня рождения"), [100.0]);
    assert_eq!(
        number_word_values("two twenty, twenty thirty"),
        [2.0, 20.0, 20.0, 30.0]
    );
}

#[test]
fn a_figure_goes_on_after_its_scale_with_a_smaller_unit() {
    let values = |text: &str| -> Vec<f64> {
        numbers(text)
            .into_iter()
            .filter_map(|m| match m.quantity {
                Quantity::Value(v) => Some(v),
                Quantity::Literal(_) => None,
            })
            .collect()
    };
    // 36万5千 is 365,000, not 360,005 and a stray thousand.
    assert_eq!(values("およそ36万5千円です。"), [365_000.0]);
    // Its rest may group thousands (約1万5,893円).
    assert_eq!(
        values("答：約1万5,893円、1億2,345,678円。"),
        [15_893.0, 102_345_678.0]
    );
    // A smaller scale after a larger one goes on with it (2亿9430万港元).
    assert_eq!(
        values("以2.943亿港元（即2亿9430万港元）成交"),
        [294_300_000.0, 294_300_000.0]
    );
    assert_eq!(values("135万5000人"), [1_355_000.0]);
}

#[test]
fn ten_thousand_tonnes_is_a_scale_and_megawatts_a_prefix() {
    check("排水量约2.1万吨", &["2.1万=21000"]);
    check("装机容量3兆瓦", &["3=3"]);
}

#[test]
fn a_cjk_compound_typeset_with_spaces_is_one_number() {
    check("約 2 万 9 千年前", &["2 万 9 千=29000"]);
    check("約2万9千年前", &["2万9千=29000"]);
    // Without a unit of its own, a spaced number after 万 is another.
    check("2 万 3 人", &["2 万=20000", "3=3"]);
}

#[test]
fn a_glued_one_letter_scale_may_close_markup() {
    check("`-size +100M`", &["100M=100000000"]);
    check("-size +100M here", &["100M=100000000"]);
}

#[test]
fn a_one_letter_scale_before_cjk_punctuation_is_a_scale() {
    let values = |t: &str| numbers(t).into_iter().map(|m| m.written).collect::<Vec<_>>();
    assert_eq!(values("例如 --limit-rate=200k，就能限速。"), ["200k"]);
    assert_eq!(values("--limit-rate=200k 把下载速度限制"), ["200k"]);
}
#[test]
fn the_decimal_part_of_a_code_is_no_number() {
    let values = |text: &str| -> Vec<String> { numbers(text).into_iter().map(|m| m.written).collect() };
    assert!(values("地震（M7.4）の被害; the code B55.0 and Mw9.0").is_empty());
    assert_eq!(values("M 7.4"), ["7.4"]);
}
