//! The numbers check on the forms numbers take in realistic rewrites.

use crate::{FidelityConfig, fidelity};

/// The numbers check's findings on `rewrite` of `source`.
pub(in crate::fidelity) fn number_findings(source: &str, rewrite: &str) -> Vec<String> {
    fidelity(source, rewrite, &FidelityConfig::default())
        .findings()
        .filter(|f| f.contains("number"))
        .map(str::to_owned)
        .collect()
}

/// The gate's settings as math-problems has them: an extract that works
/// examples.
pub(super) fn as_math_problems() -> FidelityConfig {
    FidelityConfig {
        keeps_subset: true,
        added_numbers_are_suspicions: true,
        ..FidelityConfig::default()
    }
}

#[test]
fn a_decimal_with_four_places_is_not_a_month_and_year() {
    let source = "Adobe rounded the point to 0.3528 mm in 1985.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("In 1985 Adobe set the point at 0.3528 mm.").is_empty());
    assert!(!numbers("In 1985 Adobe set the point at 0.3582 mm.").is_empty());
}

#[test]
fn a_number_added_to_a_problem_statement_is_a_finding_and_a_heading_number_is_not() {
    let source = "The float method was announced in 1959; the current standard dates from 2014.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let problem = |year: &str| {
        format!(
            "**Problem 3.** The method was announced in {year} and the standard dates from 2014. How many years apart?\n\n*Solution.* 2014 − 1959 = 55 years."
        )
    };
    assert!(numbers(&problem("1959")).is_empty());
    assert!(!numbers(&problem("1952")).is_empty());
    assert!(
        numbers("**Claim 4.** The method was announced in 1959.\n**Claim 5:** The standard dates from 2014.")
            .is_empty()
    );
}

#[test]
fn a_century_may_be_named_by_its_years() {
    let source = "Sewing on raised cords, usual in the 15th century, gave way after 1820.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("In the 1400s books were sewn on raised cords; after 1820 that gave way.").is_empty());
    assert!(!numbers("In the 1500s books were sewn on raised cords; after 1820 that gave way.").is_empty());
}

#[test]
fn a_century_may_be_named_for_the_years_the_source_gives() {
    let source = "Zu Chongzhi (429–500) computed π between 3.1415926 and 3.1415927.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    for placed in ["In the 5th century", "公元5世纪", "В 5 веке"] {
        let rewrite = format!("{placed} Zu Chongzhi (429–500) computed π between 3.1415926 and 3.1415927.");
        assert!(numbers(&rewrite).is_empty(), "{placed}: {:?}", numbers(&rewrite));
    }
    // A century none of the source's years falls in is a number added.
    assert!(
        !numbers("In the 6th century Zu Chongzhi (429–500) computed π between 3.1415926 and 3.1415927.")
            .is_empty()
    );
}

#[test]
fn a_spelled_century_may_be_written_in_digits() {
    let source = "The mite spread to the western honey bee in the twentieth century.";
    assert!(
        number_findings(
            source,
            "In the 20th century the mite spread to the western honey bee."
        )
        .is_empty()
    );
    assert!(
        !number_findings(
            source,
            "In the 19th century the mite spread to the western honey bee."
        )
        .is_empty()
    );
}

#[test]
fn a_value_of_a_scaled_range_comes_back_scaled() {
    let source = "Estimates of the total range from 2.2 to 3.8 million species.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Estimates range from 2.2 million to 3.8 million species.").is_empty());
    assert!(numbers("| Low | 2.2 million |\n| High | 3.8 million |").is_empty());
    assert!(!numbers("Estimates range from 2.4 million to 3.8 million species.").is_empty());
}

#[test]
fn cjk_numerals_with_a_unit_are_numbers() {
    let source = "晒场上约有3万口酱缸。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("晒场上大约有三万口酱缸。").is_empty());
    assert!(!numbers("晒场上大约有三千口酱缸。").is_empty());
    // Approximate: 三十多年 says "more than thirty", derived, not a fact.
    assert!(
        number_findings(
            "1926年发现蚕茧，1958年再次发掘。",
            "1926年发现蚕茧，三十多年后的1958年再次发掘。"
        )
        .is_empty()
    );
    // One numeral before a measure is a count; a unit alone is not.
    let source = "船舶碰撞的请求权时效为2年。";
    assert!(!number_findings(source, "船舶碰撞的请求权，时效是三年。").is_empty());
    assert!(number_findings(source, "千年来，船舶碰撞的请求权时效都是两年。").is_empty());
}

#[test]
fn a_count_of_the_texts_own_items_and_case_forms_are_not_added_numbers() {
    assert!(number_findings("地震ではP波とS波が届く。", "地震では2種類の波、P波とS波が届く。").is_empty());
    assert!(number_findings("Он выполнил около 100 операций.", "Он провёл около ста операций.").is_empty());
    assert!(number_findings("Орган имеет 3 мануала.", "Это орган с тремя мануалами.").is_empty());
    // A count of something else is a number like any other.
    assert!(!number_findings("地震ではP波とS波が届く。", "地震では2時間後にP波とS波が届く。").is_empty());
}

#[test]
fn thousands_written_short_and_a_number_glued_to_its_unit() {
    let source = "By 2020 it held more than 190,000 modules; a plant makes 1kWh per cycle at 300 K.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("2020: >190k modules; 1 kWh per cycle at 300 K.").is_empty());
    assert!(!numbers("2020: >180k modules; 1 kWh per cycle at 300 K.").is_empty());
    // M for a million, glued and in capitals; 5m is five metres.
    let source = "An estimated 1.8 million cases occurred in 1985; wells 5 m deep.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1985: ~1.8M cases; wells 5m deep.").is_empty());
    assert!(!numbers("1985: ~1.6M cases; wells 5m deep.").is_empty());
    // Not in a formula, nor a kelvin.
    assert!(!number_findings("The heap has a[k] <= a[2k+1].", "The heap has a[k] <= a[2000+1].").is_empty());
}

#[test]
fn chinese_zhao_before_a_unit_is_mega() {
    let source = "电站总装机容量3600兆瓦，共6台机组。";
    assert!(number_findings(source, "| 总装机容量 | 3600 MW |\n| 机组 | 6台 |").is_empty());
    assert!(!number_findings(source, "| 总装机容量 | 3000 MW |\n| 机组 | 6台 |").is_empty());
}

#[test]
fn a_derived_result_may_be_restated_rounded_or_as_a_percentage() {
    let source =
        "H1 weighed about 34 kg and H4 about 1.45 kg. The Act offered up to £20,000; Harrison got £8,750.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let solution = |ratio: &str, share: &str| {
        format!(
            "*Solution.* 34 ÷ 1.45 ≈ 23.4, so H1 weighed roughly {ratio} times as much.\n\n*Solution.* 8,750 ÷ 20,000 = 0.4375, i.e. {share} % of the prize."
        )
    };
    assert!(
        numbers(&solution("23", "43.75")).is_empty(),
        "{:?}",
        numbers(&solution("23", "43.75"))
    );
    // Restated wrong, it is a number the source does not have.
    assert!(!numbers(&solution("25", "43.75")).is_empty());
    assert!(!numbers(&solution("23", "47.5")).is_empty());
}

#[test]
fn one_spelled_in_any_russian_case_is_one_and_a_table_may_number_its_steps() {
    let source = "Бора продолжается обычно от одних до трёх суток, однако бывает и дольше.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Бора: обычно 1–3 сут., иногда дольше.").is_empty());
    assert!(!numbers("Бора: обычно 2–3 сут., иногда дольше.").is_empty());
    let source = "銀を含む鉱石を鉛と共に溶かし、灰の上で加熱して銀を分離する。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let steps = "| 工程 | 内容 |\n|---|---|\n| 1. 溶融 | 鉱石を鉛と溶かす |\n| 2. 加熱 | 灰の上で加熱する |\n| 3. 分離 | 銀を分離する |";
    assert!(numbers(steps).is_empty(), "{:?}", numbers(steps));
    assert!(!numbers("| 工程 | 内容 |\n|---|---|\n| 溶融 | 鉱石を鉛と2回溶かす |").is_empty());
}

#[test]
fn a_percentage_works_as_its_fraction_and_seven_is_spelled_in_its_cases() {
    let source = "2022年中国钨产量约7.1万吨，占全球的80%以上。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let solution = |result: &str| {
        format!(
            "2022年中国钨产量约7.1万吨，占全球的80%以上。若恰好占80%，全球产量为 7.1 ÷ 0.8 = {result}（万吨）。"
        )
    };
    assert!(
        numbers(&solution("8.875")).is_empty(),
        "{:?}",
        numbers(&solution("8.875"))
    );
    assert!(!numbers(&solution("9.875")).is_empty());
    let source = "Совет состоит из семи членов, назначаемых на 14 лет.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("| Совет | 7 членов | 14 лет |").is_empty());
    assert!(!numbers("| Совет | 9 членов | 14 лет |").is_empty());
}

#[test]
fn a_number_in_cjk_numerals_is_kept_in_any_form() {
    let source = "商标注册有效期为十年，期满前十二个月内可以续展；期满未办理的，可以给予六个月的宽展期。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("注册商标有效期10年。期满前12个月内可续展，未办理的还有6个月宽展期。").is_empty());
    assert!(numbers("有效期十年；期满前十二个月内续展，另有六个月宽展期。").is_empty());
    assert!(!numbers("有效期十年；期满前十二个月内续展，另有三个月宽展期。").is_empty());
}

#[test]
fn a_bold_label_does_not_make_a_problem_statement_a_calculation() {
    // As math-problems is gated: an extract that works examples.
    let config = as_math_problems();
    let source = "牛乳は無脂乳固形分8.0%以上、乳脂肪分3.0%以上を含まなければならない。";
    let findings = |rewrite: &str| {
        fidelity(source, rewrite, &config)
            .findings()
            .filter(|f| f.contains("number"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let problem = |value: &str| {
        format!(
            "**問題1** 牛乳は無脂乳固形分{value}%以上、乳脂肪分3.0%以上を含む。合計は何%か。\n\n**解答** 8.0 + 3.0 = 11.0（%）。"
        )
    };
    assert!(
        findings(&problem("8.0")).is_empty(),
        "{:?}",
        findings(&problem("8.0"))
    );
    assert!(!findings(&problem("8.5")).is_empty());
}

#[test]
fn a_year_named_by_the_one_before_or_after_it_may_be_written_out() {
    let source = "1921年，班廷和贝斯特成功提取了胰岛素，次年胰岛素首次用于治疗患者。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1921年提取了胰岛素。次年（1922年）首次用于治疗患者。").is_empty());
    assert!(!numbers("1921年提取了胰岛素。次年（1923年）首次用于治疗患者。").is_empty());
    // The rewrite may name that year by the words the source does not use
    // (第二年 for 次年): its 二 counts no thing; two years do.
    assert!(numbers("1921年提取了胰岛素，第二年首次用于治疗患者。").is_empty());
    assert!(!numbers("1921年提取了胰岛素，两年后首次用于治疗患者。").is_empty());
    // A year before 1000 is a year where a year mark follows it (582年).
    let numbers = |rewrite: &str| number_findings("582年下令营建新都，次年迁入。", rewrite);
    assert!(numbers("582年下令营建新都，583年迁入。").is_empty());
    assert!(!numbers("582年下令营建新都，584年迁入。").is_empty());
    assert!(!number_findings("工程历时582年间，次年完工。", "工程历时582年间，583年完工。").is_empty());
    // A count of years after a year (five years later) names the year
    // that far on, and no other.
    let source = "In 1823 she found a plesiosaur. Five years later she found a pterosaur.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1823: a plesiosaur. 1828: a pterosaur.").is_empty());
    assert!(!numbers("1823: a plesiosaur. 1829: a pterosaur.").is_empty());
    let source = "В 1823 году она нашла плезиозавра, а через пять лет — птерозавра.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1823 — плезиозавр, 1828 — птерозавр.").is_empty());
    assert!(!numbers("1823 — плезиозавр, 1827 — птерозавр.").is_empty());
    // The direction is the word's: a year earlier is not a year later.
    let source = "The treaty of 1494 replaced the line drawn a year earlier.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("The 1494 treaty replaced the 1493 line.").is_empty());
    assert!(!numbers("The 1494 treaty replaced the 1495 line.").is_empty());
}

#[test]
fn an_added_one_is_a_suspicion_unless_a_number_went_missing_beside_it() {
    let source = "Scurvy follows when intake stays below 10 mg a day for a month or more.";
    let report = |rewrite: &str| fidelity(source, rewrite, &FidelityConfig::default());
    let terse = report("Scurvy follows when the intake stays below 10 mg a day for at least 1 month.");
    let numbers: Vec<&str> = terse.findings().filter(|f| f.contains("number")).collect();
    assert!(numbers.is_empty(), "{numbers:?}");
    assert!(terse.suspicions.iter().any(|s| s.why.contains("number 1 ")));
    // Beside a changed number it is a finding.
    assert!(!report("Scurvy follows when the intake stays below 1 mg a day for a month or more.").passed);
}

#[test]
fn a_models_number_is_mentioned_as_often_as_its_name() {
    let source = "Ту-144 впервые поднялся в воздух в 1968 году. Ту-144 летал до 1978 года; всего построили 16 машин Ту-144.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Ту-144: первый полёт 1968, 16 машин, полёты до 1978; 16 — серия.").is_empty());
    // A count mentioned less often while another is mentioned more is still
    // a number changed into another.
    let source = "It has 4 engines and 4 wheels, and 9 seats.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(!numbers("It has 4 engines, 9 wheels and 9 seats.").is_empty());
}

#[test]
fn an_added_zero_as_a_starting_point_is_a_suspicion() {
    let source = "チキンラーメンは1958年に発売された。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("チキンラーメンの発売は1958年（発売年を0年目とする）。").is_empty());
    assert!(!numbers("チキンラーメンは1959年に発売された（発売年を0年目とする）。").is_empty());
}

#[test]
fn an_iso_dates_month_may_be_the_sources_month_in_words() {
    let source = "Composer was first released on 1 March 2012, alongside Packagist.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("- first release 2012-03-01, alongside Packagist").is_empty());
    assert!(!numbers("- first release 2012-03-04, alongside Packagist").is_empty());
}

#[test]
fn a_number_marked_as_a_name_is_mentioned_as_often_as_the_name() {
    let source = "2022年12月13日に同型の9号へ観測を引き継いだ。9号は2016年11月2日に打ち上げられた。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("2022年12月13日、同型9号（2016年11月2日打上げ）へ引継ぎ。").is_empty());
}

#[test]
fn an_interval_two_source_years_give_may_be_counted_in_years() {
    let source = "チキンラーメンは1958年に発売され、1971年にはカップヌードルが登場した。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(
        numbers("1958年にチキンラーメンが発売された。13年後の1971年、カップヌードルが登場した。").is_empty()
    );
    assert!(
        !numbers("1958年にチキンラーメンが発売された。15年後の1971年、カップヌードルが登場した。").is_empty()
    );
    // Not a count of other things.
    assert!(!numbers("1958年にチキンラーメンが発売され、1971年までに13種類が出た。").is_empty());
}

#[test]
fn a_spelled_ordinal_and_a_full_width_heading_number_are_no_added_numbers() {
    let source = "The fourth letter, R, marks rate modulation; the first says which chamber is paced.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("| Position | Meaning |\n|---|---|\n| Letter 4: R | rate modulation |").is_empty());
    assert!(!numbers("| Position | Meaning |\n|---|---|\n| Letter 5: R | rate modulation |").is_empty());
    let source = "観測は1996年4月に始まった。1998年にニュートリノ振動を発見した。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1．観測の開始\n観測は1996年4月に始まりました。\n\n2．主な成果\n1998年、ニュートリノ振動を発見しました。").is_empty());
}

#[test]
fn a_value_converted_to_another_metric_unit_is_no_added_number() {
    let source = "Картина имеет размер 304 × 587,5 см и весит около 40 кг.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Размер картины 304 × 587,5 см, то есть ширина 3,04 м; вес около 40 кг.").is_empty());
    // Off by a factor of ten in the same unit is a changed number.
    assert!(!numbers("Размер картины 30,4 × 587,5 см; вес около 40 кг.").is_empty());
    // The same digits in a unit of another kind are no conversion.
    assert!(!numbers("Размер картины 304 × 587,5 см; вес около 0,04 т, или 3,04 кг.").is_empty());
}

#[test]
fn a_textbook_may_number_its_sections() {
    let source = "Black answers 1.e4 with 1...c5; ECO gives it codes B20 to B99.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let sections = "第3章\u{3000}シシリアン\n\n3.1\u{3000}基本の形\n黒は1.e4に1...c5と応じる。\n\n3.2\u{3000}分類\nECOではB20からB99。";
    assert!(numbers(sections).is_empty(), "{:?}", numbers(sections));
    assert!(
        numbers("## 2.1 Basic form\nBlack answers 1.e4 with 1...c5.\n## 2.2 Codes\nECO: B20 to B99.")
            .is_empty()
    );
    // The rewrite's title may number its section, with a section sign too.
    assert!(
        numbers("§2.4\u{3000}Openings\nBlack answers 1.e4 with 1...c5; ECO gives it codes B20 to B99.")
            .is_empty()
    );
    assert!(
        numbers("### 2.4 Openings\nBlack answers 1.e4 with 1...c5; ECO gives it codes B20 to B99.")
            .is_empty()
    );
    // One dotted number before a line's words is a value, not a section.
    assert!(
        !numbers("Black answers 1.e4 with 1...c5.\n3.5 Openings\nECO gives it codes B20 to B99.").is_empty()
    );
}

#[test]
fn a_source_value_may_be_restated_rounded_with_a_scale_word() {
    let source = "Перепись насчитала 125 640 021 жителя; горожан было 16,8 млн.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let rounded = |value: &str| {
        format!("Перепись насчитала 125 640 021 жителя. Округлим до {value} млн; горожан было 16,8 млн.")
    };
    assert!(
        numbers(&rounded("125,64")).is_empty(),
        "{:?}",
        numbers(&rounded("125,64"))
    );
    assert!(numbers(&rounded("125,6")).is_empty());
    // Moved, not rounded: a changed number.
    assert!(!numbers(&rounded("125,7")).is_empty());
    assert!(!numbers(&rounded("126,64")).is_empty());
}

#[test]
fn a_scale_word_elsewhere_does_not_restate_a_number() {
    let source = "Лемех покрывает главы: таких пластин около 30 тысяч. Колокольня построена в 1862 году.";
    let rewrite = "- Пластин лемеха — около 30 тысяч.\n- Колокольня 1862 года высотой 30 м.";
    assert!(!number_findings(source, rewrite).is_empty());
}

#[test]
fn a_russian_teen_is_read_in_any_case() {
    let source = "Играют шестнадцатью шарами: пятнадцатью белыми и одним цветным.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Играют 16 шарами: 15 белыми и одним цветным.").is_empty());
    assert!(!numbers("Играют 17 шарами: 15 белыми и одним цветным.").is_empty());
}

#[test]
fn a_percentage_may_be_restated_out_of_a_hundred() {
    let source = "The skin form accounts for about 95% of cases.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("About 95 out of 100 cases are the skin form.").is_empty());
    assert!(numbers("About 95 in 100 cases are the skin form.").is_empty());
    assert!(number_findings("На кожную приходится 95 % случаев.", "Это 95 случаев из 100.").is_empty());
    assert!(number_findings("皮肤型约占95%。", "平均每100个病例中约有95个是皮肤型。").is_empty());
    // Another base, or none in the source, is a number added.
    assert!(!numbers("About 95 out of 1000 cases are the skin form.").is_empty());
    assert!(
        !number_findings(
            "The skin form is the usual one.",
            "95 out of 100 cases are the skin form."
        )
        .is_empty()
    );
}

#[test]
fn centuries_counted_in_words_may_be_said_in_years() {
    let source = "The treaty ended more than two centuries of seclusion in 1854.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("In 1854 the treaty ended over 200 years of seclusion.").is_empty());
    assert!(!numbers("In 1854 the treaty ended over 300 years of seclusion.").is_empty());
}

#[test]
fn russian_collective_numerals_and_a_thousand_in_words_are_numbers() {
    let source = "В 1924 году семеро мастеров создали артель; заболели более тысячи человек.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1924: артель (7 мастеров); заболели >1000 человек.").is_empty());
    assert!(!numbers("1924: артель (8 мастеров); заболели >1000 человек.").is_empty());
}

#[test]
fn an_era_year_in_brackets_may_go_with_them() {
    let source = "大和は1937年（昭和12年）11月4日に起工された。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("大和：起工1937.11.4。").is_empty());
    // A number of its own is still wanted.
    assert!(!numbers("大和：起工1937年（昭和12年）。").is_empty());
}

#[test]
fn cjk_numerals_may_count_the_years_between_two_of_the_sources() {
    let source = "1965年集中108名专家攻关，1967年试验成功；1970年7月1日1号高炉出铁。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1965年集中108名专家，1967年成功。三年后，1970年7月1日1号高炉出铁。").is_empty());
    assert!(!numbers("1965年集中108名专家，1967年成功。四年后，1970年7月1日1号高炉出铁。").is_empty());
}

#[test]
fn a_heading_may_be_numbered_with_a_full_width_space() {
    let source = "日光東照宮は1617年に創建され、1999年に世界遺産に登録された。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let headed = "1\u{3000}創建\n1617年に創建された。\n\n2\u{3000}世界遺産への登録\n1999年に登録された。";
    assert!(numbers(headed).is_empty(), "{:?}", numbers(headed));
}

#[test]
fn a_round_hour_adds_no_number() {
    let source = "Старт состоялся 15 ноября 1988 года в 6 часов утра.";
    assert!(number_findings(source, "| Дата | 15 ноября 1988 г., 6:00 |").is_empty());
    assert!(!number_findings(source, "| Дата | 15 ноября 1988 г., 6:30 |").is_empty());
}

#[test]
fn a_derived_value_may_be_rounded_to_a_round_number() {
    let source = "DX7は国内価格24万8000円で、16万台が売れた。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let solved =
        |total: &str| format!("**解** 248,000 × 160,000 = 39,680,000,000（円）。約{total}億円となる。");
    assert!(
        numbers(&solved("400")).is_empty(),
        "{:?}",
        numbers(&solved("400"))
    );
    assert!(!numbers(&solved("500")).is_empty());
}

#[test]
fn a_russian_day_and_month_may_be_written_with_a_dot() {
    let source = "Уведомление подают не позднее 31 декабря, декларацию — до 25 марта.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Уведомление — не позднее 31.12; декларация — до 25.03.").is_empty());
    assert!(!numbers("Уведомление — не позднее 30.12; декларация — до 25.03.").is_empty());
}

#[test]
fn a_designation_is_mentioned_as_often_as_its_name_whatever_other_numbers_hold_its_digits() {
    let source = "The DC-3 first flew in 1935; 607 civil DC-3s were built, and many DC-3s still fly.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("DC-3: first flight 1935; 607 civil built; many still fly.").is_empty());
}

#[test]
fn a_part_numbered_by_its_label_or_a_tutorial_counting_its_steps_adds_no_number() {
    let source = "ヤマハは1983年にDX7を発売した。価格は24万8000円だった。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("第8章　DX7\n**表3**\u{3000}発売：1983年、価格：24万8000円").is_empty());
    assert!(numbers("## DX7を理解する4ステップ\n発売は1983年、価格は24万8000円。").is_empty());
    // A number after no label is one added.
    assert!(!numbers("DX7\n発売は1983年、価格は24万8000円、8色。").is_empty());
    let source = "The DX7 came out in 1983 at 1,995 dollars.";
    assert!(number_findings(source, "Table 2: the DX7 came out in 1983 at 1,995 dollars.").is_empty());
}

#[test]
fn an_abbreviation_ends_no_sentence_a_worked_number_stands_in() {
    let source = "The disease kills about 10,000 of the 6–7 million infected each year.";
    let solved = "**Problem 1.** What share dies each year?\n\n*Solution.* (6 + 7) ÷ 2 = 6.5 million; 10,000 ÷ 6,500,000 ≈ 0.0015, i.e. about 0.15% a year.";
    let config = as_math_problems();
    let gate = |rewrite: &str| {
        fidelity(source, rewrite, &config)
            .findings()
            .filter(|f| f.contains("number"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert!(gate(solved).is_empty(), "{:?}", gate(solved));
    // After a full stop the sentence is another, and its number added.
    assert!(!gate(&solved.replace("i.e. about", "That is. About")).is_empty());
}

#[test]
fn a_count_of_the_list_before_it_may_go_with_the_list_kept() {
    // 3 counts 37・38・39; 4 counts L・M・Q・H.
    let source = "40 チャネルに分け、そのうち 37・38・39 の 3 チャネルを広告に使う。";
    assert!(number_findings(source, "40 ch に分割、ch 37/38/39 が広告用。").is_empty());
    // A count of no list is a fact of its own.
    let source = "40 チャネルのうち 3 チャネルを広告に使う。";
    assert!(!number_findings(source, "40 ch のうち一部が広告用。").is_empty());
    // 、 joins clauses here, not items: the share is a fact.
    let source = "1979年以降、作付面積で全国第1位を続けており、近年でも水稲作付面積のおよそ3割を占める。";
    assert!(!number_findings(source, "1979年以降、作付面積で全国第1位を続けている。").is_empty());
    let source = "誤り訂正レベルはL・M・Q・Hの4段階である。";
    assert!(number_findings(source, "誤り訂正レベル：L／M／Q／H。").is_empty());
}

#[test]
fn a_result_restated_with_its_operands_scale_word_is_derived() {
    let config = as_math_problems();
    let source = "全书共 52 卷，约 190 万字。";
    let gate = |rewrite: &str| {
        fidelity(source, rewrite, &config)
            .checks
            .iter()
            .filter(|c| !c.passed)
            .flat_map(|c| c.findings.clone())
            .filter(|f| f.contains("number"))
            .collect::<Vec<_>>()
    };
    let solved = "**题 3** 全书约 190 万字，平均每卷约多少万字？\n\n解：190 ÷ 52 ≈ 3.65（万字）。平均每卷约";
    let got = gate(&format!("{solved} 3.65 万字。"));
    assert!(got.is_empty(), "{got:?}");
    // A scaled number no computation gives is still added.
    assert!(!gate(&format!("{solved} 3.75 万字。")).is_empty());
}

#[test]
fn a_count_of_tenths_may_come_back_as_a_percentage() {
    let source = "生産量のおよそ8割を米味噌が占め、信州味噌は全国シェアの約5割に達する。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("生産量の約80%が米味噌、信州味噌が全国シェアの約50%を占める。").is_empty());
    assert!(numbers("生産量の8割ほどが米味噌、信州味噌は全国の約半分を占める。").is_empty());
    assert!(!numbers("生産量の約80%が米味噌、信州味噌が全国シェアの約40%を占める。").is_empty());
}

#[test]
fn a_quantity_written_after_its_sign_is_kept() {
    let source = "1978年の宮城県沖地震（マグニチュード7.4）の被害を踏まえて改正された。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1978年の宮城県沖地震（M7.4）の被害を踏まえて改正された。").is_empty());
    assert!(!numbers("1978年の宮城県沖地震（M7.8）の被害を踏まえて改正された。").is_empty());
}
