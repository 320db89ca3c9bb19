//! Chinese. A Han or kana text selects Chinese and Japanese together: Han
//! characters both languages read sit here once.

use super::Lexicon;
use crate::script::Script;

/// Chinese: words are substrings (the text does not delimit them), and some
/// lists are read one character at a time.
pub static ZH: Lexicon = Lexicon {
    language: "zh",
    scripts: &[Script::Han],

    negators: &[],
    negative_contractions: &[],
    negator_chars: &['不', '没', '无', '非', '未'],
    negative_endings: &[],
    particles: &[],
    fused_negators: &[],
    not_fused_negations: &[],
    negating_suffixes: &[],
    negating_prefixes: &[],
    // 不过, 不仅, 不断, 无论, 非常, 不同, 无数
    not_negations: &[
        ("不", "过"),
        ("不", "仅"),
        ("不", "断"),
        ("无", "论"),
        ("非", "常"),
        ("不", "同"),
        ("无", "数"),
    ],
    negative_adverbs: &[],
    negative_verbs: &[],
    negating_heads: &[],
    // 失去光 ("losing the light") negates as 没有光 does.
    negating_compounds: &[("失去", "没有"), ("缺少", "没有"), ("缺乏", "没有")],
    auxiliaries: &[],
    // 不是一道 → 一道, 不能进行 → 进行
    auxiliary_chars: &[
        '是', '有', '能', '会', '可', '要', '该', '得', '必', '法', '需', '用',
    ],
    exceptions: &["除了"],

    question_openers: &[],
    question_markers: &["吗"],
    question_endings: &[],

    necessity: &["必须", "一定", "总是", "只能", "只有", "务必"],
    necessity_phrases: &[],
    permission: &["可以"],
    hedges: &["可能", "也许", "通常", "或许"],
    frequency: &["通常", "经常", "有时", "往往"],
    absolutes: &["总是", "从不", "从来"],
    negative_absolutes: &[],

    direction_pairs: &[
        (&["之前", "以前", "前"], &["之后", "以后", "后"]),
        (&["早"], &["晚"]),
        (&["吸收"], &["反射"]),
        (&["增加", "增长"], &["减少"]),
        (&["低"], &["高"]),
        // Compass points (北 and 南 for Japanese too).
        (&["东"], &["西"]),
        (&["北"], &["南"]),
    ],
    unit_families: &[&["天", "周", "小时", "分钟"]],
    cardinals: &[],
    cardinal_stems: &[],
    vowels: &[],
    fleeting_vowels: &[],
    soft_signs: &[],
    years_later_after: &[],
    years_later_before: &[],
    next_year_words: &["次年", "翌年", "第二年"],
    // Not 前年: in Chinese it is the year before last.
    previous_year_words: &["前一年", "上一年"],
    next_day_words: &["次日", "第二天", "翌日"],
    power_words: &[("的", "负", "次方"), ("的", "负", "次幂")],
    year_units: &[
        "年后",
        "年前",
        "年间",
        "年来",
        "年之后",
        "年以后",
        "年之前",
        "年以前",
    ],
    approximate_year_units: &["余年", "多年"],
    out_of_words: &["每"],
    designation_marks: &['号'],
    compound_number_prefixes: &[],
    count_words: &[("双", 2)],
    number_words: &[],
    months: &[],
    month_length_links: &["有", "共有", "共"],
    day_count_words: &["天"],
    ordinals: &[],
    ordinal_suffixes: &[],
    // 千 is not here: 千米 is a kilometre.
    scale_words: &[("万", 1e4), ("萬", 1e4), ("亿", 1e8)],
    prefix_units: &["瓦", "赫", "焦", "帕", "字节", "比特", "欧", "伏", "吨"],
    fraction_words: &[("一半", 0.5), ("半数", 0.5), ("过半", 0.5)],
    afternoon_words: &["下午", "傍晚", "晚上"],
    label_signs: &[],
    remainder_words: &["余"],
    fraction_links: &["分之"],
    tenth_markers: &['成'],
    numeral_chars: &[
        '〇', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '两',
    ],
    numeral_units: &['十', '百', '千', '万'],
    approximation_words: &["约", "大约", "大概", "将近", "近", "~", "≈"],
    approximate_marks: &['多', '余', '几', '来'],
    numeral_idioms: &["万一", "万千", "一一"],
    numeral_measures: &[
        "年", "个月", "か月", "ヶ月", "カ月", "天", "日間", "周", "週間", "次", "回", "倍", "人", "名", "件",
        "座", "台", "口", "歳", "岁",
    ],
    era_marks: &["公元", "公元前"],
    enumeration_labels: &["第", "步骤", "例", "题目", "问题", "题", "表", "图"],
    notation_words: &["有效数字", "位小数", "进制", "位有效"],
    item_counters: &["种", "类", "项", "条", "步", "方面"],
    person_counters: &["人", "位", "名"],
    list_joiners: &["以及", "、", "与", "和", "及"],
    list_count_links: &[],
    decade_suffixes: &["年代"],
    century_words: &["世纪"],
    decade_words: &[],
    example_markers: &["例如", "比如", "假设", "假如", "举例"],

    stop_words: &[
        "与", "个", "中", "为", "之", "也", "了", "从", "以", "其", "及", "和", "在", "对", "将", "就", "或",
        "把", "是", "的", "着", "等", "而", "被", "这", "那", "都",
    ],
    concept_negators: &[],
    irregular_verbs: &[],
    plural_suffixes: &[],
    function_chars: &[
        '的', '了', '是', '在', '和', '与', '把', '被', '这', '那', '个', '一', '也', '都', '就', '而', '及',
        '或', '之', '其', '为', '以', '于', '着', '很', '们', '它', '他', '她', '我', '你', '有', '中', '上',
        '下', '不', '要', '会', '能', '可', '从', '到', '对', '说', '时', '后', '前', '来', '去', '地', '得',
        '所', '等', '年', '月', '日', '将',
    ],
    // 四川省, 明朝
    name_suffixes: &['省', '市', '州', '朝', '县', '院'],
    one_ideograph_name_suffixes: &['朝'],
    name_suffix_words: &["朝代"],
    suffixed_common_nouns: &[],
    world_names: &[],
    name_equivalents: &[],
    equivalent_letters: &[],
    file_extensions: &[],
    name_particles: &[],
    one_letter_words: &[],
    name_links: &[],
    name_adjective_endings: &[],
    adjective_suffixes: &[],
    clause_marks: &["，而", "，但"],

    summary_markers: &["总之", "总而言之", "综上所述", "本段", "这段文字"],
    chatter_openings: &["以下是", "好的", "当然", "改写如下"],
    // "如有需要" alone also says "if needed" of the text's own matter
    // (如有需要，也可以改为存放在云存储中); addressed to the reader it is chatter.
    chatter_closings: &["希望这", "如有需要，请", "如有需要，我", "如有其他问题"],
    chatter_interjections: &["好的", "当然"],
    refusals: &["抱歉", "我无法", "我不能"],
    wrong_option_words: &["错误", "错", "不正确"],
    range_words: &["至", "到"],
    duration_units: &[
        ("秒钟", 1.0),
        ("秒", 1.0),
        ("分钟", 60.0),
        // (分 alone after a number: the minutes of 1 小时 33 分; 分之 of a
        // fraction is read apart.)
        ("分", 60.0),
        ("个小时", 3600.0),
        ("小时", 3600.0),
        ("天", 86_400.0),
        ("个星期", 604_800.0),
        ("星期", 604_800.0),
        ("周", 604_800.0),
    ],
};
