//! The numbers check on how a rewrite lays numbers out and says them
//! another way: section and step numbering, ratios for percentages,
//! notations (precision, base), era years, words written with numerals.

use super::tests::{as_math_problems, number_findings};

#[test]
fn a_section_numbered_with_a_stop_or_in_bold_is_a_heading() {
    let source = "Marggraf showed in 1747 that beet holds the same sugar as cane; Achard built the first factory in 1801.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("## Chapter\n\n### 7.1. The discovery\n\nMarggraf, 1747: beet sugar is cane sugar.\n\n### 7.2. The factory\n\nAchard, 1801.").is_empty());
    assert!(numbers("**1 The discovery**\nMarggraf, 1747: beet sugar is cane sugar.\n\n**2 The factory**\nAchard, 1801.").is_empty());
    // A number in running text is still a claim.
    assert!(
        !numbers(
            "Marggraf showed in 1747, at 2 sites, that beet holds cane sugar; Achard built a factory in 1801."
        )
        .is_empty()
    );
}

#[test]
fn a_percentage_may_be_said_as_a_ratio() {
    let source = "The capital is home to about 40% of the 54,000 inhabitants.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("About 54,000 people live there; about 4 in 10 of them live in the capital.").is_empty());
    assert!(
        !numbers("About 54,000 people live there; about 3 in 10 of them live in the capital.").is_empty()
    );
}

#[test]
fn the_next_year_and_in_case_are_no_numbers() {
    // 第二年 is the year after 1978, not a count of two.
    let source = "1978年12月，小岗村的18户农民签订契约。第二年，粮食总产量达到约13.2万斤。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1978年12月，小岗村18户农民签订契约；次年粮食总产量约13.2万斤。").is_empty());
    // 万一 says "in case", not 10001.
    let source = "最高偿付限额为人民币50万元。";
    assert!(number_findings(source, "万一银行出了问题，最高能拿回50万元。").is_empty());
    assert!(!number_findings(source, "万一银行出了问题，最高能拿回60万元。").is_empty());
}

#[test]
fn a_precision_or_a_base_is_a_notation_not_a_fact() {
    let source = "1パケット（128バイト）あたり0.3円。SOIマーカーは0xFFD8。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(
        numbers("SOIマーカーは0xFFD8。1バイトあたりの料金は（有効数字3桁）0.3 ÷ 128 ≈ 0.00234（円）")
            .is_empty()
    );
    assert!(
        numbers("1パケット（128バイト）あたり0.3円。SOIマーカー 0xFFD8 を10進数に直すといくつですか。")
            .is_empty()
    );
    assert!(!numbers("1パケット（128バイト）あたり0.5円。").is_empty());
}

#[test]
fn an_era_year_the_rewrite_adds_in_brackets_restates_its_year() {
    let source = "1917年9月から禁止されていた金の輸出を解禁した。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1917年（大正6年）9月から禁止されていた金の輸出を解禁した。").is_empty());
    assert!(!numbers("1917年9月から6年間禁止されていた金の輸出を解禁した。").is_empty());
}

#[test]
fn a_step_with_a_note_still_numbers_its_row() {
    let source =
        "Crystal violet for 60 s, iodine for 60 s, 95% ethanol for 5–15 s, then safranin for 30–60 s.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let table = "| Step | Reagent | Time |\n|---|---|---|\n| 1 | Crystal violet | 60 s |\n| 2 | Iodine | 60 s |\n| 3 (critical) | 95% ethanol | 5–15 s |\n| 4 | Safranin | 30–60 s |";
    assert!(numbers(table).is_empty());
    assert!(!numbers(&table.replace("60 s |\n| 2", "90 s |\n| 2")).is_empty());
}

#[test]
fn an_ordinal_that_heads_each_row_numbers_the_rows() {
    let source = "Затем он возглавил четыре экспедиции: в Монголию (1870–1873), на Лобнор (1876–1877), в Тибет (1879–1880) и к Хуанхэ (1883–1885).";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let table = "| Экспедиция | Годы |\n|---|---|\n| 1-я экспедиция, Монголия | 1870–1873 |\n| 2-я экспедиция, Лобнор | 1876–1877 |\n| 3-я экспедиция, Тибет | 1879–1880 |\n| 4-я экспедиция, Хуанхэ | 1883–1885 |";
    assert!(numbers(table).is_empty(), "{:?}", numbers(table));
    // Out of order, the numbers are not the rows' count.
    assert!(!numbers(&table.replace("| 3-я", "| 5-я")).is_empty());
}

#[test]
fn a_decimal_may_be_said_to_the_unit() {
    let source = "燊海井于1835年完钻，井深1001.42米。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("1835年完钻，井深1001.42米。记忆技巧：“1001米，千米第一井”。").is_empty());
    assert!(!numbers("1835年完钻，井深1001.42米。记忆技巧：“1011米，千米第一井”。").is_empty());
}

#[test]
fn a_value_may_be_rounded_with_about_or_converted_to_a_spelled_unit() {
    let source = "The primary mirror is 100 inches (2.54 m) across; each segment is 75 mm thick.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(
        numbers("The mirror is 100 inches across — about 2.5 metres. Each piece is 7.5 centimetres thick.")
            .is_empty()
    );
    // Without "about" a rounded value is a changed one; a wrong conversion
    // is wrong.
    assert!(
        !numbers("The mirror is 100 inches across — 2.5 metres. Each piece is 7.5 centimetres thick.")
            .is_empty()
    );
    assert!(
        !numbers("The mirror is 100 inches across — about 2.5 metres. Each piece is 8.5 centimetres thick.")
            .is_empty()
    );
}

#[test]
fn a_table_may_number_its_rows_in_any_column() {
    let source = "債務者区分は正常先、要注意先、破綻懸念先の3つで、1999年7月に策定された。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    let table = "1999年7月策定。債務者区分は3つ。\n\n| 債務者区分 | 順番 |\n|---|---|\n| 正常先 | 1 |\n| 要注意先 | 2 |\n| 破綻懸念先 | 3 |";
    assert!(numbers(table).is_empty(), "{:?}", numbers(table));
    assert!(!numbers(&table.replace("| 3 |", "| 5 |")).is_empty());
}

#[test]
fn an_old_date_and_a_russian_day_and_month_read_as_dates() {
    let source = "Компания учреждена в июле 1799 года; маркировка обязательна с 15.12 для обуви.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Учреждена 07.1799; маркировка обуви — с 15 декабря.").is_empty());
    assert!(!numbers("Учреждена 07.1798; маркировка обуви — с 15 декабря.").is_empty());
    let source = "長篠の戦いは1575年6月29日に起きた。";
    assert!(number_findings(source, "長篠の戦い：1575.6.29").is_empty());
    assert!(!number_findings(source, "長篠の戦い：1576.6.29").is_empty());
}

#[test]
fn the_day_after_a_date_may_be_written_as_a_date() {
    let source = "It launched on 24 April 1990 and was released the following day.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Launched on 24 April 1990, it was released on 25 April.").is_empty());
    assert!(!numbers("Launched on 24 April 1990, it was released on 26 April.").is_empty());
    // Without the source's "following day", a day after is a changed day.
    let numbers = |rewrite: &str| number_findings("It launched on 24 April 1990.", rewrite);
    assert!(!numbers("It launched on 25 April 1990.").is_empty());
}

#[test]
fn a_codes_digits_and_a_power_of_ten_are_the_sources() {
    let source = "Coffee is classified in subheading 0901.11, within heading 09.01; radon at 30×10⁻¹⁰ Ci/kg.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(
        numbers("Subheading 0901.11 (digits 090111) sits in heading 09.01, chapter 09; 30×10⁻¹⁰ Ci/kg, so 3.7 Bq per 10⁻¹⁰ Ci of 30×10⁻¹⁰ Ci/kg.")
            .iter()
            .all(|f| !f.contains("09") && !f.contains("10⁻¹⁰"))
    );
    // Digits a code does not start with, or a power the source does not write.
    assert!(!numbers("Subheading 0901.11 sits in chapter 01; 30×10⁻¹⁰ Ci/kg.").is_empty());
    assert!(!numbers("Subheading 0901.11 in 09.01; 30×10⁻¹⁰ Ci/kg, or 3×10⁻⁹ per 10⁻⁹ Ci.").is_empty());
}

#[test]
fn a_version_may_drop_its_last_zero_part() {
    let source = "Python 3.13.0 was released on 7 October 2024, a year after 3.12.0.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Python 3.13 came out on 7 October 2024, a year after 3.12.").is_empty());
    // 3.14 is another version; 3.1 is not 3.13.
    assert!(!numbers("Python 3.14 came out on 7 October 2024, a year after 3.12.").is_empty());
    assert!(!numbers("Python 3.1 came out on 7 October 2024, a year after 3.12.").is_empty());
}

#[test]
fn a_formulas_atoms_a_diameter_and_a_size_are_no_quantities() {
    // Subscripts written as such: the source's 9 of (Fe,Ni)9S8 counts atoms.
    let source = "Pentlandite (Fe,Ni)9S8 and chalcopyrite CuFeS2 are the main ores.";
    assert!(
        number_findings(
            source,
            "The main ores: pentlandite (Fe,Ni)₉S₈ and chalcopyrite CuFeS₂."
        )
        .is_empty()
    );
    // φ before a diameter; 単3形 names a size as 号 names a model.
    let source = "単3形の寸法は直径14.5 mm、高さ50.5 mm。単3形はR6、単3形はLR6と表記される。9 V電池もある。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("単3形：φ14.5 mm×H 50.5 mm、R6／LR6。9 V電池、9 Vの積層形もある。").is_empty());
    assert!(!numbers("単3形：φ15.5 mm×H 50.5 mm、R6／LR6。9 V電池もある。").is_empty());
}

#[test]
fn a_decade_keeps_the_century_it_is_counted_in() {
    let source = "王永民在20世纪80年代发明五笔字型，1983年通过鉴定。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("五笔字型由王永民于80年代发明，1983年通过鉴定。").is_empty());
    assert!(numbers("五笔字型由王永民于1980年代发明，1983年通过鉴定。").is_empty());
    // Another decade keeps nothing; a century alone is still wanted.
    assert!(!numbers("五笔字型由王永民于70年代发明，1983年通过鉴定。").is_empty());
    let numbers = |rewrite: &str| number_findings("这种技术出现于20世纪，1983年通过鉴定。", rewrite);
    assert!(!numbers("这种技术1983年通过鉴定。").is_empty());
}

#[test]
fn a_count_said_as_a_multiple_may_be_written_in_digits() {
    let source = "Солёность около 13 промилле — примерно втрое меньше океанической.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Солёность ≈ 13 ‰ (≈ 1/3 океанической).").is_empty());
    assert!(!numbers("Солёность ≈ 13 ‰ (≈ 1/4 океанической).").is_empty());
}

#[test]
fn a_count_of_the_people_just_listed_is_no_added_number() {
    let source = "2006年、京都大学の山中伸弥と高橋和利がマウスの細胞で報告した。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(
        numbers("2006年に論文が載った。著者は京都大学の山中伸弥と高橋和利。二人はマウスの細胞で報告した。")
            .is_empty()
    );
    // Three people for a list of two is a number the source does not give.
    assert!(
        !numbers("2006年に論文が載った。著者は京都大学の山中伸弥と高橋和利。三人はマウスの細胞で報告した。")
            .is_empty()
    );
    let source = "1979年，铃木章与宫浦宪夫报告了这一反应。";
    assert!(number_findings(source, "1979年，铃木章与宫浦宪夫报告了这一反应，两人因此闻名。").is_empty());
}

#[test]
fn a_number_the_source_writes_the_same_is_no_date() {
    let source = "主峰莲花峰海拔1864.8米，为黄山最高峰。";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("莲花峰（1864.8米）是黄山最高峰。").is_empty());
    assert!(!numbers("莲花峰（1864.9米）是黄山最高峰。").is_empty());
}

/// The numbers check's findings, computations' included, on a
/// math-problems output.
fn worked_findings(source: &str, rewrite: &str) -> Vec<String> {
    crate::fidelity(source, rewrite, &as_math_problems())
        .findings()
        .filter(|f| f.contains("number") || f.contains("computation"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_months_length_in_a_worked_day_count_is_the_calendars() {
    let source = "TLS 1.3 was published on 10 August 2018; OpenSSL 1.1.1 shipped on 11 September 2018.";
    let findings = |rewrite: &str| worked_findings(source, rewrite);
    let days = |length: &str, total: &str| {
        format!(
            "From 10 August 2018 to 11 September 2018. August has {length} days. From 10 to {length} August: {length} − 10 = 21 days; then 21 + 11 = {total} days."
        )
    };
    assert!(
        findings(&days("31", "32")).is_empty(),
        "{:?}",
        findings(&days("31", "32"))
    );
    // August's length wrong, or the total: findings.
    assert!(!findings(&days("30", "31")).is_empty());
    assert!(!findings(&days("31", "33")).is_empty());
    // Months by number, as a Chinese day count writes them.
    let source = "嫦娥四号于2018年5月21日发射中继卫星，2018年12月8日发射探测器。";
    let findings = |rewrite: &str| worked_findings(source, rewrite);
    let worked = |june: &str| {
        format!(
            "解：按月份逐段计算。\n5月21日到5月31日：31 − 21 = 10（天）。\n6月{june}天，7月31天，8月31天，9月30天，10月31天，11月30天。\n12月1日到12月8日：8天。\n合计：10 + {june} + 31 + 31 + 30 + 31 + 30 + 8 = 201（天）。"
        )
    };
    assert!(
        findings(&worked("30")).is_empty(),
        "{:?}",
        findings(&worked("30"))
    );
    assert!(!findings(&worked("31")).is_empty());
}

#[test]
fn a_date_with_its_month_changed_fails_unless_a_worked_count_steps_through_it() {
    use crate::{FidelityConfig, fidelity};
    let dates = |source: &str, rewrite: &str, config: &FidelityConfig| -> Vec<String> {
        fidelity(source, rewrite, config)
            .findings()
            .filter(|f| f.contains("date"))
            .map(str::to_owned)
            .collect()
    };
    // The day and the year are the source's numbers: only the date as a
    // whole shows the month changed.
    let source = "第四套人民币于 1987 年 4 月 27 日开始发行，新增了 50 元和 100 元。";
    let default = FidelityConfig::default();
    assert!(
        dates(
            source,
            "- 第四套：1987-04-27 起发行，新增 50 元、100 元",
            &default
        )
        .is_empty()
    );
    assert_eq!(
        dates(
            source,
            "- 第四套：1987-07-27 起发行，新增 50 元、100 元",
            &default
        ),
        ["the date 1987-07-27 is not the source's, which has 1987-04-27"]
    );
    // A worked count of months steps through dates without their day: in
    // a style that works examples, no finding of the gate's.
    let source = "Первый чугун получен 1 февраля 1932 года, первую сталь дали в июле 1933 года.";
    let rewrite = "С февраля 1932 по февраль 1933 года — 12 месяцев, с февраля по июль 1933 года — ещё 5. Итого 12 + 5 = 17 месяцев.";
    assert!(dates(source, rewrite, &as_math_problems()).is_empty());
    assert!(!dates(source, rewrite, &default).is_empty());
    // So does one through dates without their year.
    let source = "It was dug from 25 April 1859 until its opening on 17 November 1869.";
    let rewrite = "From 25 April 1859 to 25 April 1869: 10 years. From 25 April to 25 October: 6 months. From 25 October to 17 November: (31 − 25) + 17 = 23 days.";
    assert!(dates(source, rewrite, &as_math_problems()).is_empty());
}

#[test]
fn a_number_of_a_code_the_rewrite_takes_apart_is_the_sources() {
    let source = "Длительности записываются с префиксом P, например P3Y6M4DT12H30M5S; момент — 2024-03-15T14:30:00+03:00.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("Разбор P3Y6M4DT12H30M5S: 3Y — три года, 6M — шесть месяцев, 12H, 30M. Время — 14:30:00, дата 2024-03-15T14:30:00+03:00.").is_empty());
    // A number the code does not have is still one added.
    assert!(!numbers("Разбор P3Y6M4DT12H30M5S: 7M — семь месяцев.").is_empty());
    // Nor is a number of a short code (IPv6) or a digest's run.
    assert!(!number_findings("Use IPv6 here.", "Use IPv6 on 6 hosts.").is_empty());
    let digest = "The token was 'f9bf78b9a18ce6d46a0cd2b0b86df9da'.";
    assert!(
        !number_findings(
            digest,
            "The token 'f9bf78b9a18ce6d46a0cd2b0b86df9da' took 9 seconds."
        )
        .is_empty()
    );
    // A code after a space wider than a byte (the ideographic one) is read
    // whole, without a panic.
    let source = "期間は　P3Y6M4DT12H30M5S　と書く。";
    assert!(number_findings(source, "P3Y6M4DT12H30M5S の 6M は6か月。").is_empty());
}

#[test]
fn a_part_of_a_version_the_rewrite_takes_apart_is_the_sources() {
    let source = "A bug fix after 4.7.2 gives 4.7.3; 1.10.0 sorts after 1.9.0. Since 1.3.0 (2019) Coursier resolves dependencies.";
    let numbers = |rewrite: &str| number_findings(source, rewrite);
    assert!(numbers("From 4.7.2 a fix gives 4.7.3: PATCH goes from 2 to 3. MINOR: 10 > 9, so 1.10.0 sorts after 1.9.0. Since 1.3.0 (2019) Coursier resolves dependencies.").is_empty());
    // A part said as a quantity (3 times, about 3) is a number added.
    assert!(
        !numbers("Since 1.3.0 (2019) Coursier resolves dependencies 3x faster. 4.7.2, 4.7.3, 1.10.0, 1.9.0.")
            .is_empty()
    );
    assert!(
        !numbers(
            "Since 1.3.0 (2019) Coursier resolves dependencies in about 3 s. 4.7.2, 4.7.3, 1.10.0, 1.9.0."
        )
        .is_empty()
    );
    // A number no version has, or a decimal's part (2.5), is no part.
    assert!(
        !numbers("PATCH goes from 2 to 8. 4.7.2, 4.7.3, 1.10.0, 1.9.0, 1.3.0 (2019), Coursier.").is_empty()
    );
    assert!(!number_findings("It weighs 2.5 kg.", "It weighs 2.5 kg, 5 of them.").is_empty());
}

#[test]
fn a_fraction_said_in_words_keeps_the_sources_decimal() {
    let source = "Летом глубина 5–7 см, весной доходит до 1,5 м.";
    assert!(number_findings(source, "Летом 5–7 см, а весной — до полутора метров.").is_empty());
    assert!(number_findings(source, "Летом 5–7 см, а весной — полтора метра.").is_empty());
    // Another amount in words keeps nothing.
    assert!(!number_findings(source, "Летом 5–7 см, а весной — до двух метров.").is_empty());
}

#[test]
fn a_value_converted_to_another_unit_works_in_that_unit() {
    let source = "Летом глубина обычно не превышает 5–7 см, а весной доходит до 1,5 м.";
    let rewrite = "Переведём в сантиметры: 1,5 м = 150 см. При 5 см: 150 ÷ 5 = 30 раз. При 7 см: 150 ÷ 7 ≈ 21,4 раза. Весной озеро глубже примерно в 21–30 раз.";
    assert!(worked_findings(source, rewrite).is_empty());
    // A result rounded to another number is still wrong.
    let wrong = rewrite.replace("в 21–30 раз", "в 25–30 раз");
    assert!(!worked_findings(source, &wrong).is_empty());
}

#[test]
fn a_full_date_said_again_is_no_number_said_more_often() {
    let source = "Elizabeth Blackwell (1821–1910) was born on 3 February 1821 in Bristol; the family moved in 1832. She died on 31 May 1910.";
    let rewrite = "Elizabeth Blackwell (3 February 1821 – 31 May 1910) was born in Bristol; the family moved in 1832. She died on 31 May 1910.";
    assert!(number_findings(source, rewrite).is_empty());
    // A year changed into another of the source's is still one, beside a
    // date said again.
    let source = "She applied in 1847 and was admitted in 1847; the family had moved in 1832. She died on 31 May 1910.";
    let kept = "She applied in 1847 and got in in 1847; the family had moved in 1832. She died on 31 May 1910 (31 May 1910).";
    assert!(number_findings(source, kept).is_empty());
    let changed = kept.replace("got in in 1847", "got in in 1832");
    assert!(!number_findings(source, &changed).is_empty());
}

#[test]
fn a_share_worked_out_as_a_percentage_is_derived() {
    let source = "The Drogden Tunnel is 4,050 m long, of which 3,510 m is an immersed tube.";
    let table = "| Immersed tube | 3,510 m (3,510 / 4,050 ≈ 86.7% of the tunnel) |\n| Total | 4,050 m |";
    assert!(number_findings(source, table).is_empty());
    // A share that is not the quotient is still added.
    assert!(!number_findings(source, &table.replace("86.7%", "88.7%")).is_empty());
    // Percentage points worked out stay right too (100 − 91,6 = 8,4 %).
    let source = "Эффективность составила 91,6 %.";
    assert!(
        worked_findings(
            source,
            "Эффективность 91,6 %; до 100 % недостаёт 100 − 91,6 = 8,4 %."
        )
        .is_empty()
    );
}

#[test]
fn a_day_in_seconds_converts_and_a_class_of_codes_spans_its_hundred() {
    let source = "A time to live above 30 days (2 592 000 seconds) is read as Unix time.";
    assert!(number_findings(source, "Above 30 days (30 × 86 400 = 2 592 000 s): Unix time.").is_empty());
    let source = "Responses carry three-digit codes: 1xx provisional, 2xx success, 4xx client errors.";
    let rewrite = "Codes: 1xx (100–199) provisional, 2xx (200–299) success, 4xx (400–499) client errors.";
    assert!(number_findings(source, rewrite).is_empty());
    // A code outside the classes the source names is added.
    assert!(!number_findings(source, &rewrite.replace("(400–499)", "(400–499, 500–599)")).is_empty());
}

#[test]
fn numbers_worked_with_are_not_numbers_said_more_often() {
    let source = "The header is 12 bytes: three fields of 4 bytes each, 4 bytes, 4 bytes. Stereo at 16 bits: the block align is 4 bytes.";
    let rewrite =
        "The header is 12 bytes, three 4-byte fields. Block align = 2 × 16 ÷ 8 = 4 bytes; 3 × 4 = 12.";
    assert!(
        !number_findings(source, rewrite)
            .iter()
            .any(|f| f.contains("appears")),
        "{:?}",
        number_findings(source, rewrite)
    );
    // A pair said with 双 is a 2 to work with (双声道: two channels).
    let source = "块对齐=声道数×位深÷8；CD音质为双声道、位深16位，块对齐为4字节。";
    assert!(number_findings(source, "CD音质：双声道、16位，块对齐 = 2 × 16 ÷ 8 = 4 字节。").is_empty());
    // A number changed into another the source has, outside a computation,
    // still is one.
    let source = "Ports: 5060 for UDP, 5060 for TCP and 5061 for TLS.";
    let changed = "Ports: 5060 for UDP, 5061 for TCP and 5061 for TLS.";
    assert!(
        number_findings(source, changed)
            .iter()
            .any(|f| f.contains("appears"))
    );
}

#[test]
fn time_counted_between_dates_in_prose_is_worked() {
    let source = "Бубка родился 4 декабря 1963 года; 13 июля 1985 года в Париже он первым преодолел 6 м.";
    let rewrite = "Бубка родился 4 декабря 1963 года. Сколько ему было лет 13 июля 1985 года? От 4 декабря 1963 года до 4 декабря 1984 года — 21 год; до 4 июля 1985 года — ещё 7 месяцев; до 13 июля — ещё 9 дней. В Париже он первым преодолел 6 м.";
    assert!(
        worked_findings(source, rewrite).is_empty(),
        "{:?}",
        worked_findings(source, rewrite)
    );
    // Outside a style that works examples, the numbers are still added.
    assert!(!number_findings(source, rewrite).is_empty());
    // A number added beside one date only is no count between dates.
    let added = "Бубка родился 4 декабря 1963 года. 13 июля 1985 года в Париже он первым преодолел 6 м, за 7 месяцев до чемпионата.";
    assert!(!worked_findings(source, added).is_empty());
}

#[test]
fn a_range_in_micrometres_converts_and_tenths_and_fractions_say_a_share() {
    let source =
        "炭素繊維は質量の90%以上が炭素からなる直径5〜10 μm程度の繊維で、密度は鋼の4分の1以下である。";
    let rewrite =
        "質量の9割以上が炭素で、太さは5〜10 μm、つまり0.005〜0.01 mmくらい。密度は鋼の4分の1（0.25）以下。";
    assert!(
        number_findings(source, rewrite).is_empty(),
        "{:?}",
        number_findings(source, rewrite)
    );
    // Another size, another share, another fraction: each is added.
    for wrong in [
        rewrite.replace("0.005〜0.01 mm", "0.05〜0.1 mm"),
        rewrite.replace("9割", "8割"),
        rewrite.replace("（0.25）", "（0.2）"),
    ] {
        assert!(!number_findings(source, &wrong).is_empty(), "{wrong}");
    }
}

#[test]
fn an_interval_of_years_may_be_spelled_or_said_as_a_lower_bound() {
    let source = "1970年，弗朗兹发现了它的除草活性，1974年以商品名“农达”上市。";
    let rewrite = "那一年是1970年。四年之后，也就是1974年，它以“农达”为商品名进入市场。";
    assert!(number_findings(source, rewrite).is_empty());
    assert!(!number_findings(source, &rewrite.replace("四年之后", "五年之后")).is_empty());
    let source = "1906年6月にロンドンで設立された。1938年に刊行された『用語集』。";
    let rewrite = "1906年6月にロンドンで設立された。設立から30年余りを経た1938年には『用語集』が刊行された。";
    assert!(number_findings(source, rewrite).is_empty());
    // Thirty-odd is not forty-odd.
    assert!(!number_findings(source, &rewrite.replace("30年余り", "40年余り")).is_empty());
}

#[test]
fn a_dotted_date_of_a_day_the_source_dates_names_it() {
    let source = "慶応4年3月14日（1868年4月6日）に示された。同年閏4月21日に政体書が公布され、9月8日の改元で明治元年となった。";
    let rewrite = "慶応4.3.14（1868.4.6）に提示。閏4.21政体書公布。9.8改元で明治元年。";
    assert!(
        number_findings(source, rewrite).is_empty(),
        "{:?}",
        number_findings(source, rewrite)
    );
    // A day the source does not date is no date of it.
    assert!(!number_findings(source, &rewrite.replace("9.8改元", "9.9改元")).is_empty());
}

#[test]
fn a_whole_quotient_may_carry_its_remainder() {
    let source = "検査数字は、重みを掛けた和を11で割った余りから求める。";
    let rewrite = "和は30。30 ÷ 11 ＝ 2 余り 8。";
    assert!(
        !worked_findings(source, rewrite)
            .iter()
            .any(|f| f.contains("computation"))
    );
    // A wrong remainder is a wrong computation.
    let wrong = "和は30。30 ÷ 11 ＝ 2 余り 7。";
    assert!(
        worked_findings(source, wrong)
            .iter()
            .any(|f| f.contains("computation"))
    );
    let source = "27 sweets are shared among 4 children.";
    assert!(
        !worked_findings(source, "27 ÷ 4 = 6 remainder 3.")
            .iter()
            .any(|f| f.contains("computation"))
    );
}

#[test]
fn a_scale_in_a_tables_header_scales_its_cells() {
    let source = "2023 年全国一般公共预算收入 216784 亿元，比上年增长 6.4%；支出 274574 亿元，增长 5.4%。";
    let table = "| 项目 | 2023 年（亿元） | 比上年 |\n|---|---|---|\n| 收入 | 216784 | +6.4% |\n| 支出 | 274574 | +5.4% |";
    assert!(
        number_findings(source, table).is_empty(),
        "{:?}",
        number_findings(source, table)
    );
    // Another figure under the same header is still another number.
    assert!(!number_findings(source, &table.replace("216784", "216884")).is_empty());
    // Without the scale in its header, the cells are bare numbers.
    assert!(!number_findings(source, &table.replace("（亿元）", "")).is_empty());
}

#[test]
fn an_operand_a_known_result_determines_and_a_shares_rest_are_derived() {
    let source = "東海道の53の宿場に起点と終点を加えた全55枚から成る。";
    assert!(
        number_findings(
            source,
            "53の宿場に起点と終点を加えます。53 + 2 = 55 なので全55枚です。"
        )
        .is_empty()
    );
    // A wrong sum determines nothing.
    assert!(
        !number_findings(
            source,
            "53の宿場に起点と終点を加えます。53 + 3 = 55 なので全55枚です。"
        )
        .is_empty()
    );
    let source = "登録地域のおよそ4分の3は青森県側にあり、残りは秋田県側にある。";
    assert!(number_findings(source, "およそ4分の3、約75%が青森県側、秋田県側が約25%です。").is_empty());
    assert!(!number_findings(source, "およそ4分の3、約75%が青森県側、秋田県側が約35%です。").is_empty());
}

#[test]
fn a_round_hour_and_an_hour_after_noon_may_be_said_in_words() {
    let source = "運転時間はおおむね8:00〜17:45だが、季節によって変わる。";
    let rewrite = "動いている時間は、だいたい朝8時から夕方5時45分までです。";
    assert!(
        number_findings(source, rewrite).is_empty(),
        "{:?}",
        number_findings(source, rewrite)
    );
    // Another hour is not the source's.
    assert!(!number_findings(source, &rewrite.replace("夕方5時45分", "夕方6時45分")).is_empty());
    // Without a word for the afternoon, 5 is not 17.
    assert!(!number_findings(source, &rewrite.replace("夕方5時45分", "5時45分")).is_empty());
    // Noon is 12 o'clock (開局当日の正午 → お昼12時), and no other hour.
    let source = "開局当日の正午には日本初のテレビCMが放送された。";
    assert!(number_findings(source, "放送が始まった日のお昼12時に、初めてのCMが流れました。").is_empty());
    assert!(!number_findings(source, "放送が始まった日の11時に、初めてのCMが流れました。").is_empty());
}
