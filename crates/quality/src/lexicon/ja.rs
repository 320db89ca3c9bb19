//! Japanese. A Han or kana text selects Japanese and Chinese together: the
//! Han characters both languages read (否定の不, 北と南) sit in `zh.rs` once.

use super::Lexicon;
use crate::script::Script;

/// Japanese: words are substrings; negation is a verb ending.
pub static JA: Lexicon = Lexicon {
    language: "ja",
    scripts: &[Script::Han, Script::Kana],

    negators: &[],
    negative_contractions: &[],
    negator_chars: &[],
    // にくい ("hard to") reads as one too: 破れにくい and 簡単には破れない say
    // the same.
    negative_endings: &["ない", "ません", "せず", "ずに", "にくい"],
    particles: &['を', 'が', 'は', 'に', 'で', 'と', 'の', 'も', 'へ', '、', '。'],
    fused_negators: &[],
    not_fused_negations: &[],
    negating_suffixes: &[],
    negating_prefixes: &[],
    not_negations: &[],
    negative_adverbs: &[],
    negative_verbs: &[],
    negating_heads: &[],
    negating_compounds: &[],
    auxiliaries: &[],
    auxiliary_chars: &[],
    exceptions: &["以外"],

    question_openers: &[],
    question_markers: &[],
    question_endings: &["か"],

    necessity: &["必ず", "絶対"],
    necessity_phrases: &[],
    permission: &["ことがある"],
    hedges: &["かもしれない"],
    frequency: &["時々", "よく", "たいてい"],
    absolutes: &["いつも", "決して"],
    negative_absolutes: &[],

    direction_pairs: &[
        (&["にくい"], &["やすい"]),
        (&["前"], &["後"]),
        (&["直前"], &["直後"]),
        (&["最後"], &["最初"]),
        (&["長い", "長く"], &["短い", "短く"]),
        (&["北上", "北へ"], &["南下", "南へ"]),
        (&["以前", "より前"], &["以降", "以後", "から後"]),
        // Compass points.
        (&["東"], &["西"]),
    ],
    unit_families: &[],
    cardinals: &[],
    cardinal_stems: &[],
    next_year_words: &["翌年", "次年", "その次の年"],
    previous_year_words: &["前年", "前の年"],
    year_units: &["年後", "年前", "年間", "年目"],
    out_of_words: &[],
    designation_marks: &['号'],
    compound_number_prefixes: &[],
    count_words: &[],
    number_words: &[],
    ordinals: &[],
    scale_words: &[("億", 1e8), ("兆", 1e12)],
    prefix_units: &[],
    fraction_words: &[("半分", 0.5)],
    tenth_markers: &['割'],
    numeral_chars: &[],
    numeral_units: &[],
    approximate_marks: &[],
    numeral_measures: &[],
    enumeration_labels: &["ステップ", "手順", "その", "問", "問題", "例題", "第", "表", "図"],
    item_counters: &["つ", "種類", "項目", "点", "段階", "通り", "ステップ"],
    decade_suffixes: &[],
    century_words: &["世紀"],
    example_markers: &["たとえば", "例えば", "仮に", "例："],

    stop_words: &[
        "い", "う", "か", "が", "し", "す", "た", "て", "で", "と", "な", "に", "の", "は", "ま", "も", "る",
        "れ", "を",
    ],
    concept_negators: &[],
    irregular_verbs: &[],
    plural_suffixes: &[],
    function_chars: &[],
    // 山梨県, 気象庁, 正倉院, 靖国神社, 姫路市; not 道, which ends 軌道,
    // 鉄道 and 報道 far more often than 北海道.
    name_suffixes: &['県', '庁', '院', '寺', '宮', '社', '館', '市', '町', '村', '府'],
    one_ideograph_name_suffixes: &[],
    name_suffix_words: &[],
    suffixed_common_nouns: &["会社"],
    world_names: &[],
    name_equivalents: &[],
    equivalent_letters: &[],
    file_extensions: &[],
    name_particles: &[],
    name_adjective_endings: &[],
    clause_marks: &[],

    summary_markers: &["要約すると"],
    chatter_openings: &["以下は"],
    chatter_closings: &[],
    chatter_interjections: &[],
    refusals: &["申し訳"],
    wrong_option_words: &["誤り", "不正解", "間違い"],
};
