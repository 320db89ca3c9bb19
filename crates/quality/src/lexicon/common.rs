//! Script-neutral data: the punctuation clauses are cut at, read for every
//! text whatever its language.

/// Punctuation a sentence is cut into clauses at for the clause-level
/// omission check (each language adds its conjunctions: `clause_marks`).
pub static CLAUSE_PUNCTUATION: &[&str] = &["; ", ": ", " — ", "；", "："];

/// Marks a clause ends at, for the traded-places check (not 、, which
/// lists: 四川、陕西和甘肃).
pub static CLAUSE_ENDS: &[char] = &[
    ',', ';', ':', '.', '!', '?', '—', '(', ')', '\n', '，', '。', '；', '：', '！', '？',
];

/// Marks a sentence (or a label's line) ends with, after any closing
/// mark: a stop, an ellipsis (√2 = 1,41421356… Вблизи …) and a colon that
/// introduces what follows, in Latin and CJK forms.
pub static SENTENCE_END_MARKS: &[char] = &['.', '!', '?', ':', '…', '。', '！', '？'];

/// What may follow a one-letter scale glued to its number (190k, 1.8M,
/// `+100M`): besides a space, punctuation or closing markup, CJK text's
/// too (200k，) — not a letter or an operator (`a[2k+1]`).
pub static SCALE_TAIL_MARKS: &[char] = &[
    ',', '.', ';', ':', ')', '`', '*', '"', '”', '’', '»', '）', '，', '。', '；', '：', '、', '」', '』',
];

/// Spaces a number's digits are grouped by (`10 000`): the space, no-break
/// space, thin space and narrow no-break space.
pub static DIGIT_GROUP_SPACES: &[char] = &[' ', '\u{a0}', '\u{2009}', '\u{202f}'];

/// Signs of a worked calculation: a sentence with one of them works a
/// number out (`24 ÷ 8 = 3`, `k = 2 → 5`).
pub static CALCULATION_SIGNS: &[char] = &[
    '=', '≈', '×', '÷', '→', '⇒', '+', '*', '^', '·', '−', '≤', '≥', '＝', '＋',
];

/// What marks a wrong option of a multiple-choice question (`diverse-qa`):
/// such a line names what the text does not say on purpose, so the checks
/// do not read it.
pub static WRONG_OPTION_MARKS: &[char] = &['✗', '✘', '❌'];

/// Factors a worked solution converts units by (ten and its powers, 60
/// seconds or minutes, 24 hours, 7 days, 12 months, 52 weeks, 365 days,
/// 3,600 seconds an hour, 1,440 minutes and 86,400 seconds a day, 360
/// degrees in a turn, 30 days a month is taken as): an operand of a computation written out may be one
/// though the source does not say it (`215000000 ÷ 365 ≈ 589041`, `30 ×
/// 86 400 = 2 592 000`).
pub static CONVERSION_FACTORS: &[f64] = &[
    10.0, 100.0, 1_000.0, 10_000.0, 1e6, 1e8, 1e9, 60.0, 24.0, 7.0, 12.0, 52.0, 365.0, 3_600.0, 1_440.0,
    86_400.0, 360.0, 30.0,
];

/// Marks a list item starts with (-, •, ・, an arrow).
pub static ITEM_MARKS: &[char] = &['-', '*', '•', '・', '→'];

/// Marks that lead a note's entry (※ 覚え方, ◎ 生態系).
pub static NOTE_MARKS: &[char] = &['※', '◎'];

/// Full-width signs a computation is written with in CJK text, and the
/// sign each is (1902 ＋ 5 ＝ 1907).
pub static FULL_WIDTH_SIGNS: &[(char, char)] = &[('＝', '='), ('＋', '+'), ('－', '−'), ('＊', '*')];

/// The character that counts years in Chinese and Japanese (1937年, 昭和12年).
pub static CJK_YEAR_MARK: char = '年';

/// The character that names a month in Chinese and Japanese (11月).
pub static CJK_MONTH_MARK: char = '月';

/// The character that names a day of a month in Chinese and Japanese
/// (27日).
pub static CJK_DAY_MARK: char = '日';

/// What may follow a day written after its month's name and end it
/// (April 27, 1987; April 27.): a comma, a stop, a bracket, CJK text's too.
pub static DAY_END_MARKS: &[char] = &[',', '.', ';', ')', '）', '，', '、', '。'];

/// Marks between a month and its number of days (ноябрь: 30, ноябрь — 30,
/// 10月：31日, August (31 days)).
pub static MONTH_LENGTH_MARKS: &[char] = &[':', '：', '(', '（', '—', '–'];

/// Marks that open a quotation or a title before its first word
/// (「洋上のアルプス」, “Voyager”).
pub static OPENING_QUOTES: &[char] = &['「', '『', '“', '"', '«', '(', '（', '《'];

/// Signs written before a diameter's value (φ14.5 mm, ⌀8, Ø 20): a
/// sign, not the letter of an identifier.
pub static DIAMETER_SIGNS: &[char] = &['⌀', 'φ', 'Φ', 'Ø', 'ø'];

/// Dashes a range is written with (1914–18, 1467〜1477, 6-7).
pub static RANGE_DASHES: &[char] = &['-', '–', '—', '〜', '~', '～', '－'];

/// Metric prefixes a unit symbol may take (kWh, MWh, GHz, mm, μm).
pub static METRIC_PREFIXES: &[char] = &['k', 'M', 'G', 'T', 'm', 'μ', 'µ', 'c', 'n'];

/// One-letter regnal numbers (Пётр I., Henry V.): the stop after one
/// ends a sentence, as no initial's does.
pub static REGNAL_LETTERS: &[char] = &['I', 'V', 'X'];

/// The letters Roman numerals are written with: `XIV` is a number, not an
/// acronym.
pub static ROMAN_NUMERAL_LETTERS: &[char] = &['I', 'V', 'X', 'L', 'C', 'D', 'M'];

/// Units of length, mass, volume, power, energy and area with their size in the
/// family's base unit (`(symbol, family, size)`): a rewrite that restates 304 cm as
/// 3.04 m converts, it does not invent. Latin and Cyrillic symbols, and
/// the spelled names of length units (7.5 centimetres for 75 mm).
pub static METRIC_UNITS: &[(&str, u8, f64)] = &[
    // The micrometre with the Greek mu and with the micro sign.
    ("μm", 0, 1e-6),
    ("µm", 0, 1e-6),
    ("мкм", 0, 1e-6),
    ("mm", 0, 1e-3),
    ("millimetre", 0, 1e-3),
    ("millimetres", 0, 1e-3),
    ("millimeter", 0, 1e-3),
    ("millimeters", 0, 1e-3),
    ("centimetre", 0, 1e-2),
    ("centimetres", 0, 1e-2),
    ("centimeter", 0, 1e-2),
    ("centimeters", 0, 1e-2),
    ("metre", 0, 1.0),
    ("metres", 0, 1.0),
    ("meter", 0, 1.0),
    ("meters", 0, 1.0),
    ("kilometre", 0, 1e3),
    ("kilometres", 0, 1e3),
    ("kilometer", 0, 1e3),
    ("kilometers", 0, 1e3),
    ("миллиметр", 0, 1e-3),
    ("миллиметра", 0, 1e-3),
    ("миллиметров", 0, 1e-3),
    ("сантиметр", 0, 1e-2),
    ("сантиметра", 0, 1e-2),
    ("сантиметров", 0, 1e-2),
    ("метр", 0, 1.0),
    ("метра", 0, 1.0),
    ("метров", 0, 1.0),
    ("километр", 0, 1e3),
    ("километра", 0, 1e3),
    ("километров", 0, 1e3),
    ("cm", 0, 1e-2),
    ("m", 0, 1.0),
    ("km", 0, 1e3),
    ("мм", 0, 1e-3),
    ("см", 0, 1e-2),
    ("м", 0, 1.0),
    ("км", 0, 1e3),
    ("mg", 1, 1e-3),
    ("g", 1, 1.0),
    ("kg", 1, 1e3),
    ("t", 1, 1e6),
    ("tonne", 1, 1e6),
    ("tonnes", 1, 1e6),
    ("kt", 1, 1e9),
    ("Mt", 1, 1e12),
    ("мг", 1, 1e-3),
    ("г", 1, 1.0),
    ("кг", 1, 1e3),
    ("т", 1, 1e6),
    ("тонна", 1, 1e6),
    ("тонны", 1, 1e6),
    ("тонн", 1, 1e6),
    ("ml", 2, 1e-3),
    ("l", 2, 1.0),
    ("мл", 2, 1e-3),
    ("л", 2, 1.0),
    // Power and energy (271.5万kW → 2715 MW).
    ("W", 3, 1.0),
    ("kW", 3, 1e3),
    ("MW", 3, 1e6),
    ("GW", 3, 1e9),
    ("Вт", 3, 1.0),
    ("кВт", 3, 1e3),
    ("МВт", 3, 1e6),
    ("ГВт", 3, 1e9),
    ("Wh", 4, 1.0),
    ("kWh", 4, 1e3),
    ("MWh", 4, 1e6),
    ("GWh", 4, 1e9),
    ("TWh", 4, 1e12),
    // A nautical mile (17,5 морской мили ≈ 32,4 км), by the first word of
    // its name where the name has two.
    ("nautical", 0, 1852.0),
    ("морской", 0, 1852.0),
    ("морских", 0, 1852.0),
    ("морская", 0, 1852.0),
    ("морские", 0, 1852.0),
    ("nmi", 0, 1852.0),
    // Area, and volume in cubic metres (65000 m² → 6.5 ha).
    ("m²", 5, 1.0),
    ("km²", 5, 1e6),
    ("ha", 5, 1e4),
    ("hectare", 5, 1e4),
    ("hectares", 5, 1e4),
    ("м²", 5, 1.0),
    ("км²", 5, 1e6),
    ("га", 5, 1e4),
    ("гектар", 5, 1e4),
    ("гектара", 5, 1e4),
    ("гектаров", 5, 1e4),
    ("m³", 2, 1e3),
    ("м³", 2, 1e3),
    // Chinese and Japanese names, read where they begin the text after a
    // number (1921米, 271.5万千瓦): longest first where one ends another.
    ("毫米", 0, 1e-3),
    ("厘米", 0, 1e-2),
    ("千米", 0, 1e3),
    ("公里", 0, 1e3),
    ("米", 0, 1.0),
    ("ミリメートル", 0, 1e-3),
    ("センチメートル", 0, 1e-2),
    ("キロメートル", 0, 1e3),
    ("メートル", 0, 1.0),
    ("毫克", 1, 1e-3),
    ("千克", 1, 1e3),
    ("公斤", 1, 1e3),
    ("克", 1, 1.0),
    ("吨", 1, 1e6),
    ("キログラム", 1, 1e3),
    ("グラム", 1, 1.0),
    ("トン", 1, 1e6),
    ("毫升", 2, 1e-3),
    ("升", 2, 1.0),
    ("ミリリットル", 2, 1e-3),
    ("リットル", 2, 1.0),
    ("千瓦时", 4, 1e3),
    ("千瓦", 3, 1e3),
    ("兆瓦", 3, 1e6),
    ("瓦", 3, 1.0),
    ("キロワット", 3, 1e3),
    ("メガワット", 3, 1e6),
    ("ワット", 3, 1.0),
    ("海里", 0, 1852.0),
    ("平方千米", 5, 1e6),
    ("平方公里", 5, 1e6),
    ("平方米", 5, 1.0),
    ("公顷", 5, 1e4),
    ("平方キロメートル", 5, 1e6),
    ("平方メートル", 5, 1.0),
    ("ヘクタール", 5, 1e4),
];

/// The CJK digits, zero to nine in order (〇 is 0, 九 is 9).
pub static CJK_DIGITS: &str = "〇一二三四五六七八九";

/// The CJK numeral ten, one numeral on its own (十分の一: a tenth).
pub static CJK_TEN: char = '十';

/// Marks between the ends of a range (5〜10 μm, 200–300 ℃): the first end
/// shares the unit written after the last.
pub static RANGE_MARKS: &[char] = &['〜', '～', '~', '–'];

/// The units below a CJK scale a figure goes on with after it (36万5千 is
/// 365,000).
pub static CJK_SMALL_UNITS: &[(char, f64)] = &[('千', 1e3), ('百', 1e2)];

/// CJK scale characters glued to a number inside a written computation
/// (1,000万円 × 0.078 = 78万円), with their factors.
pub static CJK_SCALE_CHARS: &[(char, f64)] = &[('万', 1e4), ('亿', 1e8), ('億', 1e8)];

/// Chemical elements written by their two-letter symbols in prose ("10–14%
/// Ni"), with their names in each language a rewrite may say instead
/// (nickel, никел-, 镍, ニッケル): Latin and Cyrillic names match a word's
/// start, CJK ones anywhere — so a CJK name that begins common words (铁路,
/// 銀行, 鉛筆) is left out, as is "lead".
pub static CHEMICAL_ELEMENTS: &[(&str, &[&str])] = &[
    ("Li", &["lithium", "лити", "锂", "リチウム"]),
    ("Na", &["sodium", "натри", "钠", "ナトリウム"]),
    ("Mg", &["magnesium", "магни", "镁", "マグネシウム"]),
    ("Al", &["alumin", "алюмини", "铝", "アルミニウム"]),
    ("Si", &["silicon", "кремни", "硅", "ケイ素"]),
    ("Cl", &["chlorine", "chloride", "хлор", "氯", "塩素"]),
    ("Ca", &["calcium", "кальци", "钙", "カルシウム"]),
    ("Ti", &["titanium", "титан", "钛", "チタン"]),
    ("Cr", &["chromium", "хром", "铬", "クロム"]),
    ("Mn", &["manganese", "марган", "锰", "マンガン"]),
    ("Fe", &["iron", "желез"]),
    ("Co", &["cobalt", "кобальт", "钴", "コバルト"]),
    ("Ni", &["nickel", "никел", "镍", "ニッケル"]),
    ("Cu", &["copper", "медь", "меди", "铜", "銅"]),
    ("Zn", &["zinc", "цинк", "锌", "亜鉛"]),
    ("Mo", &["molybdenum", "молибден", "钼", "モリブデン"]),
    ("Ag", &["silver", "серебр"]),
    ("Sn", &["tin", "олов", "锡", "スズ"]),
    ("Pt", &["platinum", "платин", "铂", "白金"]),
    ("Pd", &["palladium", "паллади", "钯", "パラジウム"]),
    ("Au", &["gold", "золот"]),
    ("Hg", &["mercury", "ртут", "汞", "水銀"]),
    ("Pb", &["свинец", "свинца"]),
    ("Rn", &["radon", "радон", "氡", "ラドン"]),
    ("Nb", &["niobium", "ниоби", "铌", "ニオブ"]),
    ("Zr", &["zirconium", "цирконий", "циркония", "锆", "ジルコニウム"]),
];

/// Compounds written by their formulas in prose (SO2, CO₂), with their
/// names in each language, read as `CHEMICAL_ELEMENTS`' are: a formula
/// for a substance the text names in words is that substance.
pub static CHEMICAL_COMPOUNDS: &[(&str, &[&str])] = &[
    (
        "SO2",
        &[
            "sulfur dioxide",
            "sulphur dioxide",
            "диоксид серы",
            "сернистый газ",
            "二氧化硫",
            "二酸化硫黄",
        ],
    ),
    (
        "CO2",
        &[
            "carbon dioxide",
            "углекислый газ",
            "углекислого газа",
            "диоксид углерода",
            "二氧化碳",
            "二酸化炭素",
        ],
    ),
    (
        "CO",
        &[
            "carbon monoxide",
            "угарный газ",
            "угарного газа",
            "一氧化碳",
            "一酸化炭素",
        ],
    ),
    (
        "NO2",
        &["nitrogen dioxide", "диоксид азота", "二氧化氮", "二酸化窒素"],
    ),
    ("CH4", &["methane", "метан", "甲烷", "メタン"]),
    ("O3", &["ozone", "озон", "臭氧", "オゾン"]),
    (
        "NaCl",
        &["sodium chloride", "хлорид натрия", "氯化钠", "塩化ナトリウム"],
    ),
    ("H2O", &["water", "вода", "воды", "воду"]),
];
