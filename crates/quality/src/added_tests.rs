//! Names a rewrite adds, on the forms realistic rewrites take.

use super::added_names;
use crate::analysis::Analysis;

fn in_extract(source: &str, rewrite: &str) -> Vec<String> {
    super::added_in_extract(&Analysis::new(source), &Analysis::new(rewrite))
        .into_iter()
        .map(|(_, n)| n)
        .collect()
}

#[test]
fn an_extract_may_not_add_a_single_name_a_code_a_title_or_a_latin_word() {
    let source =
        "The basal area factor was devised by the forester Walter Bitterlich in 1947. Use ffmpeg to convert.";
    assert_eq!(
        in_extract(
            source,
            "- The factor was devised by Walter Bitterlich in Salzburg in 1947."
        ),
        ["Salzburg"]
    );
    assert_eq!(
        in_extract(source, "- Convert with `ffmpeg` and `libx265`."),
        ["libx265"]
    );
    // (A title is added in any style: `added_names` reads it.)
    assert_eq!(
        added_names("在1947年提出。", "据《天工开物》所载，在1947年提出。")
            .into_iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>(),
        ["天工开物"]
    );
    assert_eq!(
        in_extract(
            "ローカルの eslint を使う。",
            "ローカルの eslint や prettier を使う。"
        ),
        ["prettier"]
    );
    assert_eq!(
        in_extract(
            "Смертность составила 2 ‰.",
            "Смертность составила 2 ‰ по методике Росстата."
        ),
        ["Росстата"]
    );
    // A name's adjective is the name (wool from Australia, Australian
    // wool); another country is not.
    let source = "From 1883 she carried wool from Australia.";
    assert!(in_extract(source, "- From 1883: carried Australian wool.").is_empty());
    assert_eq!(
        in_extract(source, "- From 1883: carried wool to Austria."),
        ["Austria"]
    );
}

#[test]
fn an_extract_may_not_add_an_acronym_the_source_does_not_spell_out() {
    let source = "The World Curling Federation was founded in 1966; the Baikal-Amur Mainline opened in 1984.";
    assert_eq!(in_extract(source, "- The ICF was founded in 1966."), ["ICF"]);
    assert!(in_extract(source, "- The WCF was founded in 1966.").is_empty());
    assert!(in_extract(source, "- Founded in MCMLXVI (1966).").is_empty());
}

#[test]
fn a_path_or_a_setting_made_of_the_sources_parts_is_not_added() {
    let source = "The module example.com/hello must end in /v2 from version 2 on; set GOPROXY to direct to skip the proxy.";
    assert!(added_names(source, "Rename it to `example.com/hello/v2` for version 2.").is_empty());
    assert_eq!(
        added_names(source, "Rename it to `example.com/world/v2` for version 2.").len(),
        1
    );
    assert!(in_extract(source, "- Use `GOPROXY=direct` to skip the proxy.").is_empty());
    assert_eq!(
        in_extract(source, "- Use `GOPROXY=off` to skip the proxy.").len(),
        1
    );
}

#[test]
fn words_that_start_a_line_a_cell_a_bullet_or_a_label_are_not_added_names() {
    let source =
        "The basal area factor was devised by the forester Walter Bitterlich in 1947; it stores a year.";
    for rewrite in [
        "| Term | Meaning |\n|---|---|\n| Factor | Devised by Walter Bitterlich in 1947 |\n| Storage | Stores a year |",
        "- Factor: devised in 1947.\n- Inventor: Walter Bitterlich, a forester.",
        "**Question 1.** Who devised it? Walter Bitterlich, in 1947.",
        "Key point: Bitterlich devised the factor in 1947.",
        "Most use a Bitterlich-type factor devised in 1947.",
    ] {
        assert!(
            in_extract(source, rewrite).is_empty(),
            "{rewrite}: {:?}",
            in_extract(source, rewrite)
        );
    }
}

#[test]
fn a_person_an_option_and_a_command_the_source_lacks_are_added() {
    let source =
        "The copy module offers shallow and deep copy operations. Use `copy.deepcopy()` for nested lists.";
    let found = |rewrite: &str| added_names(source, rewrite);
    assert_eq!(
        found("Written by Guido van Rossum, the copy module offers shallow and deep copies.").len(),
        1
    );
    assert_eq!(
        found("Run `pip install cfgrib` first; use `copy.deepcopy()`.").len(),
        1
    );
    assert_eq!(found("Pass --force to copy.").len(), 1);
    // A particle another name of the source has (Le Chatelier) does
    // not make a new person the source's; a surname after initials is
    // a person's.
    let haber = "Fritz Haber used Le Chatelier's principle. The institute trained chemists.";
    assert_eq!(
        added_names(
            haber,
            "Fritz Haber, with Robert Le Rossignol, used Le Chatelier's principle."
        )
        .len(),
        1
    );
    assert_eq!(
        added_names(
            "Институт готовил химиков.",
            "Институт имени М. В. Фрунзе готовил химиков."
        )
        .len(),
        1
    );
    assert_eq!(found("Pass `--force` to copy.").len(), 1);
    assert_eq!(
        added_names("光合成を研究した。", "ジェームズ・ラブロックが光合成を研究した。").len(),
        1
    );
    assert!(added_names("手順を説明する。", "ステップ・バイ・ステップで手順を説明する。").is_empty());
}

#[test]
fn labels_headings_and_expressions_are_not_names() {
    let source = "A heap is a list where a[k] <= a[2*k+1]. The smallest item is a[0].";
    for rewrite in [
        "## Learning Note\n**Definition.** A heap is a list with `a[k] <= a[2*k+1]`.",
        "Worked Example: the parent of `i` is `(i-1)//2`.",
        "The smallest item, `a[0]`, comes first.",
    ] {
        assert!(
            added_names(source, rewrite).is_empty(),
            "{rewrite}: {:?}",
            added_names(source, rewrite)
        );
    }
}

#[test]
fn an_extract_may_not_add_a_formula_or_a_code_but_may_label_its_parts() {
    let source = "Alumina dissolves in molten cryolite, Na3AlF6. Leprosy is coded A30 in ICD-10.";
    assert!(in_extract(source, "- Cryolite: Na₃AlF₆\n- ICD-10: A30").is_empty());
    assert_eq!(in_extract(source, "- Cryolite: Na2AlF6"), ["Na2AlF6"]);
    assert_eq!(in_extract(source, "- ICD-10 code: A31"), ["A31"]);
    assert!(in_extract(source, "**Q1.** What is cryolite?\n**Q2.** Its code? A30.").is_empty());
}

#[test]
fn a_name_in_a_label_line_is_read_past_the_label() {
    let source = "The go command uses minimal version selection (MVS), designed by Russ Cox.";
    assert!(added_names(source, "- Selection: MVS (minimal version selection; Russ Cox).").is_empty());
    let added = |rewrite: &str| {
        added_names(source, rewrite)
            .into_iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        added("- Selection: MVS (designed by Russ Cox and Rob Pike): lowest versions."),
        ["Rob Pike"]
    );
    // A table's header row and first column label; its cells are claims.
    let table =
        "| Design Choice | Who |\n|---|---|\n| Version Selection | designed by Russ Cox and Rob Pike |";
    assert_eq!(added(table), ["Rob Pike"]);
    assert!(added("| Design Choice | Who |\n|---|---|\n| Version Selection | Russ Cox |").is_empty());
    // An acronym's hyphenated expansion is no new name.
    assert!(
        added_names(
            "MSM runs eight times a day.",
            "The Meso-Scale Model (MSM) runs eight times a day."
        )
        .is_empty()
    );
}

#[test]
fn a_unit_in_cjk_text_is_no_added_word() {
    let source = "B1C信号的中心频率为1575.42 MHz。";
    assert!(
        in_extract(
            source,
            "换算成GHz是多少？1575.42 ÷ 1000 = 1.57542，即约1.575 GHz。"
        )
        .is_empty()
    );
    assert_eq!(
        in_extract(
            source,
            "该信号与Galileo系统兼容，中心频率换算成GHz约为1.575 GHz。"
        ),
        ["Galileo"]
    );
}

#[test]
fn family_names_joined_by_a_dot_list_people_the_source_names() {
    let source = "マーティン・チャルフィーが発現させ、ロジャー・チェンが変異体を作った。";
    let listed = "下村・チャルフィー・チェンの3人が受賞した。";
    assert!(added_names(source, &format!("{source}{listed}")).is_empty());
    // One's given name with another's family name is a name the source lacks.
    let swapped = "マーティン・チェンが変異体を作った。";
    assert_eq!(added_names(source, swapped).len(), 1);
    // Words of the source listed with a dot name no one; a new name does.
    let source = "既定ではファイル、ネットワークへのアクセスが禁止される。";
    assert!(added_names(source, "既定ではファイル・ネットワークへのアクセスは禁止。").is_empty());
    assert_eq!(added_names(source, "ライアン・ダールが禁止した。").len(), 1);
}

#[test]
fn words_of_another_script_joined_by_slashes_are_no_path() {
    assert!(!super::path_like("синие/фиолет./розовые"));
    assert!(!super::path_like("mg/kg/d"));
    // A unit before a CJK word: 30–50 mg/kg/日.
    assert!(!super::path_like("mg/kg/"));
    assert!(super::path_like("usr/local/bin/"));
    assert!(super::path_like("usr/local/bin"));
    assert!(super::path_like("docs/руководство.md"));
}

#[test]
fn a_unit_with_another_metric_prefix_is_the_sources_unit() {
    let source = "电站规模为100 MW/400 MWh，能量密度为25–35 Wh/L。";
    assert!(in_extract(source, "**解：** 1 kWh（即1000 Wh）÷ 35 Wh/L ≈ 28.6 L。").is_empty());
    assert!(!in_extract(source, "**解：** 需要 1 kWh 与 NaCl2 电解液。").is_empty());
}

#[test]
fn a_unit_after_a_number_and_an_inflected_identifier_are_not_added() {
    let source = "Турбина Парсонса 1884 года давала 7,5 кВт; язык КуМир изучают в школе.";
    assert!(
        in_extract(
            "The 1884 turbine gave 7.5 kW, later 50 MW.",
            "- 1884: 7.5 kW; by 1900 50 MW."
        )
        .is_empty()
    );
    assert!(in_extract(source, "- На КуМире учатся в школе.").is_empty());
    assert_eq!(
        in_extract(
            "The 1884 turbine gave 7.5 kW.",
            "- The MW turbine of 1884: 7.5 kW."
        ),
        ["MW"]
    );
}

#[test]
fn a_part_label_is_no_name_an_extract_adds() {
    let source = "The DKM 54 first ran in 1957; the Spider reached production in 1964.";
    let extract =
        "*Solution.* 1964 − 1957 = 7 years. **Problem 2.** When did the DKM 54 run? *Solution.* In 1957.";
    assert!(
        in_extract(source, extract).is_empty(),
        "{:?}",
        in_extract(source, extract)
    );
}

#[test]
fn an_extract_keeps_a_plural_acronym_emphasis_and_units_after_values() {
    // The source writes the plural itself.
    let source = "与其他非甾体抗炎药（NSAIDs）不同，阿司匹林对COX-1的抑制是不可逆的。带宽为48 Gbit/s。";
    assert!(in_extract(source, "不同于其他NSAIDs，阿司匹林不可逆地抑制COX-1。").is_empty());
    assert_eq!(
        in_extract(source, "不同于其他NSAIDs和SSRIs，阿司匹林不可逆地抑制COX-1。"),
        ["SSRIs"]
    );
    // A unit after its value, in brackets too, and a unit symbol.
    assert!(
        in_extract(
            source,
            "48 × 60 = 2880（Gbit）；2880 ÷ 8 = 360（GB）。答：360 GB。"
        )
        .is_empty()
    );
    assert!(in_extract(source, "每100 mL洗涤液：100 mL × 0.0005 = 0.05 mL。").is_empty());
    // A stop word in capitals is emphasis, not an acronym.
    let source = "The 1865 convention was signed in Paris by twenty states.";
    assert!(
        in_extract(
            source,
            "**Question 2.** Which is NOT true? A) It was signed in Paris ✓"
        )
        .is_empty()
    );
}

#[test]
fn a_month_an_extract_counts_is_no_name() {
    let source =
        "The redefinition took effect on 20 May 2019, 144 years after the Metre Convention of 20 May 1875.";
    assert!(in_extract(source, "**Problem 1.** From December 2018 to May 2019 (December, January, February, March, April): 5 months.").is_empty());
    assert_eq!(
        in_extract(source, "It was agreed in Sèvres near Paris."),
        ["Sèvres", "Paris"]
    );
}

#[test]
fn a_part_of_a_source_identifier_or_an_era_mark_is_no_added_acronym() {
    // The mode of `SQLITE_CHECKPOINT_FULL`, named by its own part.
    let source = "Call it in one of two modes: SQLITE_CHECKPOINT_PASSIVE or SQLITE_CHECKPOINT_FULL.";
    assert!(in_extract(source, "- Two modes: PASSIVE and FULL.").is_empty());
    // An acronym no identifier of the source holds still counts.
    assert_eq!(in_extract(source, "- Two modes: PASSIVE and FSYNC."), ["FSYNC"]);
    // AD dates; it names nothing.
    let source = "Pheidippides ran in 490 BC; the first modern marathon was run in 1896.";
    assert!(in_extract(source, "- 490 BC to AD 1896: 2,385 years.").is_empty());
}

#[test]
fn a_dot_that_lists_words_of_han_joins_no_name() {
    let source = "鍵ペアは ssh-keygen で作り、設定ファイルは sshd_config である。";
    // コマンド・ファイル・設定 lists three words; a name is katakana only.
    assert!(added_names(source, "関わるコマンド・ファイル・設定を表にまとめる。").is_empty());
    assert!(added_names(source, "設定・コマンド・ファイルを表にまとめる。").is_empty());
    assert_eq!(
        added_names(source, "ジェームズ・ラブロックの設定ファイル。").len(),
        1
    );
}

#[test]
fn a_name_the_source_has_fused_in_a_compound_is_not_added() {
    let source = "В отличие от западноевропейских академий, петербургская совмещала их.";
    assert!(added_names(source, "Этим она отличалась от академий Западной Европы.").is_empty());
    // The stems must all be in one word, in order.
    assert_eq!(
        added_names(source, "Этим она отличалась от академий Южной Америки.").len(),
        1
    );
}

#[test]
fn a_letter_said_again_is_a_placeholder_not_an_acronym() {
    let source = "出生日期码按 YYYYMMDD 格式表示年、月、日。";
    assert!(in_extract(source, "- 年份 YYYY 为 4 位。").is_empty());
    assert_eq!(in_extract(source, "- 年份由 ISO 规定。"), ["ISO"]);
}

#[test]
fn an_option_in_a_command_line_is_added_as_it_would_be_bare() {
    let source = "To listen on every interface, run `tcpdump -i any`; -n keeps addresses as numbers.";
    let added = |rewrite: &str| -> Vec<String> {
        added_names(source, rewrite)
            .into_iter()
            .map(|(_, name)| name)
            .collect()
    };
    assert!(added("Listen everywhere with `tcpdump -i any -n`.").is_empty());
    assert_eq!(
        added("Listen everywhere with `tcpdump -i any`; list the interfaces with `tcpdump -D`."),
        ["tcpdump -D"]
    );
}

#[test]
fn a_russian_name_with_a_fleeting_vowel_is_the_sources() {
    let source = "Законом 1995 года 18 апреля объявлено Днём воинской славы России; битва под Орлом.";
    assert!(
        in_extract(
            source,
            "**Задача 1.** Отмечается День воинской славы; битва — город Орёл."
        )
        .is_empty()
    );
    assert_eq!(
        in_extract(
            source,
            "**Задача 1.** Отмечается День воинской славы; битва — город Курск."
        ),
        ["Курск"]
    );
}

#[test]
fn a_function_named_without_its_arguments_and_a_dotted_header_are_not_added() {
    let source = "shutil.disk_usage(path), added in Python 3.3, and shutil.which('git') find things.";
    // The function the source calls, named with empty brackets.
    assert!(
        in_extract(
            source,
            "- `shutil.disk_usage()` and `shutil.which()` came in 3.3."
        )
        .is_empty()
    );
    // ...but not a function the source never calls.
    assert_eq!(
        in_extract(source, "- `shutil.chown()` came in 3.3."),
        ["shutil.chown()"]
    );
    // A dotted katakana run that heads a table's column labels it.
    let source =
        "現在のモードは getenforce で、詳しい状態は sestatus でわかる。設定ファイルは /etc/selinux/config。";
    let table =
        "| コマンド・ファイル | 用途 |\n|---|---|\n| getenforce | 現在のモード |\n| sestatus | 詳しい状態 |";
    assert!(added_names(source, table).is_empty());
    // In a sentence it is a name the source does not have.
    assert_eq!(
        added_names(
            source,
            "ジョン・スミスによれば、getenforce で現在のモードがわかる。"
        ),
        [("name", "ジョン・スミス".to_owned())]
    );
}

#[test]
fn a_restyle_may_not_add_a_works_title() {
    let added = |source: &str, rewrite: &str| -> Vec<String> {
        added_names(source, rewrite).into_iter().map(|(_, n)| n).collect()
    };
    assert_eq!(
        added("2017年8月，成果发表。", "2017年8月，成果发表于《自然》。"),
        ["自然"]
    );
    // A title the source has, in the brackets or without them.
    assert!(added("据《天工开物》所载。", "《天工开物》记载。").is_empty());
    assert!(added("据天工开物所载。", "据《天工开物》所载。").is_empty());
}

#[test]
fn an_acronym_of_the_source_spelled_out_before_it_is_no_added_name() {
    let added = |source: &str, rewrite: &str| -> Vec<String> {
        added_names(source, rewrite).into_iter().map(|(_, n)| n).collect()
    };
    let source = "C++11 was approved by ISO on 12 August 2011.";
    assert!(
        added(
            source,
            "It was approved by the International Organization for Standardization (ISO) in 2011."
        )
        .is_empty()
    );
    // Other words before the bracket, or an acronym the source lacks.
    assert!(
        !added(
            source,
            "It was approved by the International Electrotechnical Commission (IEC) in 2011."
        )
        .is_empty()
    );
    assert!(
        !added(
            source,
            "It was approved by the Interstate Oil Compact (ISO) in 2011."
        )
        .is_empty()
    );
}

#[test]
fn a_surname_with_a_prefix_is_a_name_not_code() {
    let added = |source: &str, rewrite: &str| -> Vec<String> {
        added_names(source, rewrite).into_iter().map(|(_, n)| n).collect()
    };
    // Added, as any person's name is.
    assert_eq!(
        added(
            "2014年，内核引入了 nftables。",
            "2014年，内核引入了由 Patrick McHardy 主导开发的 nftables。"
        ),
        ["Patrick McHardy"]
    );
    // Kept without its kind word, as "Teterboro" for "Teterboro Airport".
    let wanted: Vec<String> = crate::names::names("It took off from LaGuardia Airport in New York.")
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(wanted.contains(&"LaGuardia Airport".to_owned()), "{wanted:?}");
}

#[test]
fn a_formula_for_a_substance_the_source_names_is_not_added() {
    let source = "It injected roughly 15 million tonnes of sulfur dioxide into the stratosphere.";
    assert!(
        in_extract(
            source,
            "**Problem 6 – Putting the stratospheric SO₂ in perspective**"
        )
        .is_empty()
    );
    assert_eq!(
        in_extract(source, "**Problem 6 – the stratospheric NO₂**"),
        ["NO2"]
    );
}

#[test]
fn an_acronym_kept_inside_the_longer_one_of_the_name_it_heads_is_kept() {
    let source = "A team from the US Geological Survey's Volcano Disaster Assistance Program joined.";
    assert!(crate::added_acronyms::kept_in_a_longer_acronym(
        source,
        "The USGS team joined.",
        "US"
    ));
    assert!(!crate::added_acronyms::kept_in_a_longer_acronym(
        source,
        "The USGSV team joined.",
        "US"
    ));
    assert!(!crate::added_acronyms::kept_in_a_longer_acronym(
        source,
        "The team joined.",
        "US"
    ));
}

#[test]
fn an_extract_may_not_add_a_given_name_to_a_family_the_source_names() {
    let source = "Brugger and Aguado worked with the Canadian zoologist Fred Urquhart.";
    assert_eq!(
        in_extract(
            source,
            "They worked with the Canadian zoologists Fred and Norah Urquhart."
        ),
        ["Norah"]
    );
    assert!(in_extract(source, "They worked with the Canadian zoologist Fred Urquhart.").is_empty());
    // An initial the source gives, spelled out.
    assert!(in_extract("Work by F. Urquhart.", "Work by the zoologist Fred Urquhart.").is_empty());
}
