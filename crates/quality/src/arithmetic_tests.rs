//! Computations written out: read, checked and derived.

use super::{derived_values, wrong_computations};

#[test]
fn a_written_out_computation_derives_its_result() {
    assert_eq!(derived_values("12 · 700 = 8400 cents", &[12.0, 700.0]), [8400.0]);
    assert_eq!(
        derived_values("120万円 + 240万円 = 360万円", &[1_200_000.0, 2_400_000.0]),
        [3_600_000.0]
    );
    // Chained: the first result is an operand of the next.
    assert_eq!(
        derived_values(
            "15.315% + 5% = 20.315%; 500,000 × 0.20315 = 101,575",
            &[15.315, 5.0, 500_000.0]
        ),
        [20.315]
    );
    // A decimal comma (Russian).
    assert_eq!(derived_values("7 · 0,5 = 3,5", &[7.0, 0.5]), [3.5]);
}

#[test]
fn a_wrong_result_is_found_and_a_rounded_or_labelled_one_is_not() {
    let wrong: Vec<String> = wrong_computations("Problem 1: 3 × 4 = 13 apples")
        .into_iter()
        .map(|w| w.0)
        .collect();
    assert_eq!(wrong, ["3 × 4 = 13"]);
    assert!(wrong_computations("Problem 2: 3 × 4 = 12; 1/3 ≈ 0.33; 2 ÷ 3 ≈ 0.7").is_empty());
    // After ≈ a result may be rounded by a hundredth of it, unless it shows
    // decimals that say otherwise.
    assert!(wrong_computations("5534.8 ÷ 3 ≈ 1844.93; 5534.8 ÷ 3 ≈ 1845; 5534.8 ÷ 3 ≈ 1850").is_empty());
    assert_eq!(wrong_computations("5534.8 ÷ 3 ≈ 1854.93").len(), 1);
    assert!(wrong_computations("150-300 = 2 and a label 2024 = 2").is_empty());
    // A chain, a percentage, a digit group: not read as wrong.
    assert!(
        wrong_computations("35 × 30% = 35 × 0.30 = 10.5; 400 ÷ 200 000 × 1000 = 400 ÷ 200 = 2; 4 ÷ 24 = 1/6")
            .is_empty()
    );
    assert_eq!(derived_values("Problem 1: 3 × 4 = 12", &[3.0, 4.0]), [12.0]);
}

#[test]
fn digits_grouped_by_spaces_are_one_number() {
    assert!(wrong_computations("2000 × 21 = 42 000 яиц.").is_empty());
    assert!(wrong_computations("130 500 × 12 = 1 566 000 мм².").is_empty());
    assert_eq!(wrong_computations("2000 × 21 = 41 000 яиц.").len(), 1);
}

#[test]
fn a_wrong_or_unfounded_computation_derives_nothing() {
    assert!(derived_values("12 · 700 = 8500", &[12.0, 700.0]).is_empty());
    // An operand the source does not have.
    assert!(derived_values("3 × 700 = 2100", &[700.0]).is_empty());
    assert_eq!(derived_values("1/3 ≈ 0.333", &[1.0, 3.0]), [0.333]);
    // A range is no subtraction.
    assert!(derived_values("150-300 = 2", &[150.0, 300.0]).is_empty());
    // Full-width signs, as Japanese writes them.
    assert!(wrong_computations("1902 ＋ 5 ＝ 1907（年）").is_empty());
    assert_eq!(wrong_computations("1902 ＋ 5 ＝ 1908（年）").len(), 1);
    assert_eq!(derived_values("1902 ＋ 5 ＝ 1907", &[1902.0, 5.0]), [1907.0]);
    // A negative operand (a temperature in Celsius).
    assert!(wrong_computations("K = −162 + 273 = 111 K").is_empty());
    assert_eq!(wrong_computations("−162 + 273 = 435 K").len(), 1);
    assert!(wrong_computations("300 −162 = 138").is_empty());
    assert_eq!(wrong_computations("300 −162 = 148").len(), 1);
    // A result written as a fraction, with a turn's 360 degrees.
    assert_eq!(derived_values("180 ÷ 360 = 1/2", &[180.0]), [360.0, 0.5]);
    assert!(derived_values("180 ÷ 360 = 1/3", &[180.0]).is_empty());
    // A month taken as 30 days ("Считая месяц за 30 дней: 3 × 30 = 90").
    assert_eq!(derived_values("3 × 30 = 90 дней", &[3.0]), [30.0, 90.0]);
    assert!(derived_values("3 × 31 = 93 дня", &[3.0]).is_empty());
}

#[test]
fn commas_are_read_both_ways_and_a_result_is_rounded_as_written() {
    for right in [
        "24 × 1,852 = 44,448 m",
        "756 ÷ 8 = 94,5 кг",
        "1,02 × 1,02 = 1,0404",
        "197,000 − 118,200 = 78,800 m³",
        "101 ÷ 13 ≈ **7,8 км**",
        "215000000 ÷ 365 = 589041",
    ] {
        assert!(wrong_computations(right).is_empty(), "{right}");
    }
    for wrong in [
        "24 × 1,852 = 44,848 m",
        "200 × 1,852 = 307,400 m",
        "150 × 1,852 = 278,800 m",
        "756 ÷ 8 = 96,5 кг",
        "1,02 × 1,02 = 1,0440",
        "197,000 − 118,200 = 88,800 m³",
        "666.67 ÷ 2 = 332.335",
        "101 ÷ 13 ≈ **8,4 км**",
    ] {
        assert_eq!(wrong_computations(wrong).len(), 1, "{wrong}");
    }
}

#[test]
fn a_computation_with_units_or_scale_words_is_checked_and_a_small_round_result_is_not_rounding() {
    let wrong = |text: &str| {
        wrong_computations(text)
            .into_iter()
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        wrong("*Решение.* 30 − 5 = 20 МВт; 25 ÷ 30 ≈ 0,833"),
        ["30 − 5 = 20"]
    );
    assert!(wrong("*Решение.* 30 − 5 = 25 МВт; 25 ÷ 30 ≈ 0,833").is_empty());
    assert_eq!(wrong("Doubling time ≈ 70 ÷ 2 = **30 years**."), ["70 ÷ 2 = 30"]);
    assert!(wrong("37,950 × 1 = 38,000 km").is_empty());
    // Rounded to tens after `=`: a miscount, not a rounding (≈ may round).
    assert_eq!(wrong("1,440 ÷ 10 = 140 blocks per day"), ["1440 ÷ 10 = 140"]);
    assert!(wrong("1,440 ÷ 10 = 144 blocks; 1,437 ÷ 10 ≈ 144 blocks").is_empty());
    // A middle dot in a unit joins letters; between numbers it multiplies.
    assert_eq!(
        wrong("**解：** 87.16 − 66.12 = 21.14（亿千瓦·时）。"),
        ["87.16 − 66.12 = 21.14"]
    );
    assert!(wrong("87.16 − 66.12 = 21.04（亿千瓦·时）").is_empty());
    assert_eq!(
        wrong("- 国税分：1,000万円 × 0.078 = 87万円"),
        ["10000000 × 0.078 = 870000"]
    );
    assert!(wrong("- 国税分：1,000万円 × 0.078 = 78万円").is_empty());
    // A result may carry the scale its operands only imply.
    assert!(wrong("增加 500 − 300 = 200万元。").is_empty());
    // A word between an operator and its operand is no unit.
    assert!(wrong("30 − about 5 = 20").is_empty());
}

#[test]
fn a_result_with_a_decimal_comma_before_three_digits_is_derived() {
    assert_eq!(derived_values("15 ÷ 8 = 1,875", &[15.0, 8.0]), [1.875]);
    assert!(derived_values("15 ÷ 8 = 1,785", &[15.0, 8.0]).is_empty());
}

#[test]
fn a_result_written_as_a_percentage_is_its_hundredths() {
    assert!(wrong_computations("Доля: 1 / 3 = 33 %").is_empty());
    assert!(wrong_computations("1 / 2 = 50%").is_empty());
    assert_eq!(wrong_computations("1 / 2 = 40 %").len(), 1);
}

#[test]
fn a_result_cut_short_is_right_and_one_cut_wrong_is_not() {
    // A division's digits written as far as they go, not rounded.
    assert!(wrong_computations("350 ÷ 300 = 1.166… ≈ 1.17 years; 107 ÷ 30 = 3.566").is_empty());
    assert!(wrong_computations("2530 ÷ 60 = 42,166… часа").is_empty());
    // Cut at a wrong digit is wrong.
    assert_eq!(wrong_computations("107 ÷ 30 = 3.577").len(), 1);
    assert_eq!(wrong_computations("350 ÷ 300 = 1.176…").len(), 1);
}

#[test]
fn groups_of_thousands_then_a_decimal_comma_are_one_number() {
    assert!(wrong_computations("4 000 000 ÷ 150 ≈ 26 666,7 с; 26 666,7 ÷ 60 ≈ 444,4 мин.").is_empty());
    assert_eq!(wrong_computations("26 666,7 ÷ 60 ≈ 454,4 мин.").len(), 1);
}

#[test]
fn a_tight_fraction_is_one_number_and_a_spaced_colon_divides() {
    // 30 ÷ (2/15), not (30 ÷ 2) / 15.
    assert!(wrong_computations("30 ÷ 2/15 = 225").is_empty());
    assert_eq!(derived_values("30 ÷ 2/15 = 225", &[30.0, 2.0, 15.0]), [225.0]);
    assert_eq!(wrong_computations("30 ÷ 2/15 = 250").len(), 1);
    // The Russian division colon, spaced; a clock's colon is no operator.
    assert_eq!(derived_values("500 : 100 = 5", &[500.0, 100.0]), [5.0]);
    // It only excuses: a colon is a score or a ratio too (3 : 2 = a win),
    // so a "wrong" one is not a finding.
    assert!(derived_values("500 : 100 = 6", &[500.0, 100.0]).is_empty());
    assert!(wrong_computations("500 : 100 = 6").is_empty());
    assert!(wrong_computations("at 8:00 = 2 hours later").is_empty());
}
#[test]
fn a_tally_of_signed_counts_is_no_equation() {
    // Wins, losses and draws (a chess match's score).
    assert!(wrong_computations("Победой Алехина со счётом +6 −3 =25, то есть 18½ : 15½.").is_empty());
    // A computation written with spaces is still read.
    assert_eq!(wrong_computations("Итого: 6 − 3 = 25 партий.").len(), 1);
}

#[test]
fn clock_times_are_no_operands() {
    assert!(wrong_computations("strike ≈ 3:25 + 2 min = 3:27; ditching ≈ 3:31").is_empty());
    assert_eq!(wrong_computations("25 + 2 = 3 minutes").len(), 1);
}

#[test]
fn a_dates_day_is_no_result() {
    assert!(wrong_computations("9 Nov 1967 + 5 years = 9 Nov 1972; + 6 months = 9 May 1973").is_empty());
    assert_eq!(wrong_computations("1967 + 5 = 1973").len(), 1);
}
