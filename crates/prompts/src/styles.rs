//! The style catalogue, in the spirit of Kimi K2's "style- and
//! perspective-diverse prompts": each entry is a named, documented way to
//! rewrite knowledge-rich text without changing what it says.

use serde::Serialize;

use crate::Language;

/// What a style does with the facts of its source, which decides what the
/// gate holds it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StyleKind {
    /// Every fact kept, in another form: a missing number, name or
    /// passage is an error.
    Restyle,
    /// A deliberate subset (a list of facts, a distillation, questions on
    /// the text): leaving facts out is the point, so omissions are not
    /// errors; nothing may be added, and the output keeps at least its
    /// style's floor of the source's content.
    Extract,
    /// Every fact kept in another language: the word-level checks are off.
    Translate,
}

impl StyleKind {
    /// The kind's name as `chunksynth styles` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Restyle => "restyle",
            Self::Extract => "extract",
            Self::Translate => "translate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Style {
    /// The name used on the command line and in output records.
    pub name: &'static str,
    /// One line for `chunksynth styles`.
    pub summary: &'static str,
    /// What the model is told, in English.
    pub instructions_en: &'static str,
    /// What the model is told, in Chinese.
    pub instructions_zh: &'static str,
    /// The language the output must be in when the style translates
    /// (fidelity checks then expect that language's script).
    pub target_language: Option<&'static str>,
    /// Rewrite length / source length a faithful rewrite in this style
    /// falls in (terse styles compress, teaching styles expand): the
    /// fidelity gate's length band for it.
    pub length_band: (f64, f64),
    /// The share of the source's content words a faithful rewrite in this
    /// style keeps at least (lower where the style swaps jargon for
    /// everyday words).
    pub min_content_recall: f64,
    /// The share of the source's numbers (where it has four or more) an
    /// output keeps at least: set for the extracts that keep the knowledge
    /// (`distill`, `knowledge-list`), whose output cut to a sentence or
    /// two can still keep half of a source's common words but not its
    /// numbers. `None` for styles that pick what they keep (questions,
    /// problems) and for restyles, whose numbers check wants every number.
    pub min_number_recall: Option<f64>,
    /// The most of the source's word 8-grams a rewrite in this style may
    /// repeat verbatim before it counts as a copy, not a restyle (the
    /// fidelity gate's `not_restyled`; `None`: the style is exempt, as a
    /// translation is).
    pub max_copy_ratio: Option<f64>,
    /// The style asks for worked examples and derivations (a textbook's,
    /// a learning note's), so a faithful rewrite adds numbers of its own:
    /// the gate records an added number as a suspicion, not a failure.
    pub works_examples: bool,
    /// The style writes for readers who know the context (`expert-terse`):
    /// a name the source mentions only once (the product, the country a
    /// passage is about) may go without the gate failing the chunk — the
    /// held-out sets' faithful expert-terse restyles left such names out
    /// more than any other style; the gate records each as a suspicion.
    pub drops_context_names: bool,
    /// What the style does with the source's facts.
    pub kind: StyleKind,
    /// `--variants N` may choose it from a seed. The styles added after
    /// runs were written are not chosen, so a run begun before an upgrade
    /// gives each document the styles it gave before; name them with
    /// `--style`.
    pub seeded: bool,
    /// The published study whose format it follows, precise enough to find
    /// the prompt (empty for the catalogue's own).
    pub follows: &'static str,
    /// The style works on the text's quantities (`math-problems`): a chunk
    /// without any number is kept as it is, with no call.
    pub needs_quantities: bool,
    /// Output length / source length of a typical faithful output (the
    /// median over the held-out sets' outputs in this style,
    /// docs/QUALITY.md): what `--dry-run` expects a chunk's answer to cost.
    pub expected_length: f64,
}

impl Style {
    pub fn instructions(&self, language: Language) -> &'static str {
        match language {
            Language::En => self.instructions_en,
            Language::Zh => self.instructions_zh,
        }
    }
}

pub const STYLES: &[Style] = &[
    Style {
        name: "encyclopedic",
        summary: "Neutral, third-person reference prose in the manner of Wikipedia.",
        instructions_en: "Rewrite the text as a neutral, encyclopedic reference article in the manner of Wikipedia: third person, precise, declarative sentences, no opinions and no addressing the reader.",
        instructions_zh: "将文本改写为中立的百科全书式条目（类似维基百科）：使用第三人称，措辞准确，以陈述句为主，不带个人观点，不直接称呼读者。",
        length_band: (0.7, 1.6),
        min_content_recall: 0.5,
        min_number_recall: None,
        max_copy_ratio: Some(0.5),
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: true,
        follows: "",
        expected_length: 1.1,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "textbook",
        summary: "A textbook or lecture that explains step by step for a student.",
        instructions_en: "Rewrite the text as a passage from a textbook or a lecture: explain each idea step by step for a student meeting it for the first time, defining terms where they appear.",
        instructions_zh: "将文本改写为教科书或课堂讲义的一段：面向初次接触该内容的学生，逐步讲解每个概念，并在术语首次出现时加以说明。",
        length_band: (0.8, 2.6),
        min_content_recall: 0.5,
        min_number_recall: None,
        max_copy_ratio: Some(0.5),
        works_examples: true,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: true,
        follows: "",
        expected_length: 1.67,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "plain-language",
        summary: "Plain language: short sentences and everyday words.",
        instructions_en: "Rewrite the text in plain language: short sentences, everyday words, active voice. Keep every fact; explain jargon instead of dropping it.",
        instructions_zh: "用浅显易懂的语言改写文本：短句、日常用词、主动语态。保留每一个事实；对术语加以解释而不是删去。",
        length_band: (0.6, 2.0),
        min_content_recall: 0.3,
        min_number_recall: None,
        max_copy_ratio: Some(0.4),
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: true,
        follows: "",
        expected_length: 1.44,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "expert-terse",
        summary: "Dense, terse prose for experts, without hand-holding.",
        instructions_en: "Rewrite the text for an expert audience: dense and terse, using the field's own terminology, without introductions or hand-holding. Keep every fact.",
        instructions_zh: "面向专家改写文本：简洁凝练，使用该领域的专业术语，不作铺垫和浅显解释。保留每一个事实。",
        length_band: (0.2, 1.2),
        min_content_recall: 0.2,
        min_number_recall: None,
        max_copy_ratio: Some(0.35),
        works_examples: false,
        drops_context_names: true,
        kind: StyleKind::Restyle,
        seeded: true,
        follows: "",
        expected_length: 0.63,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "qa-interleaved",
        summary: "Questions a reader would ask, each answered by the text.",
        instructions_en: "Rewrite the text as interleaved questions and answers: before each part, ask the question a curious reader would ask, then answer it with that part of the text. Every fact must appear in an answer.",
        instructions_zh: "将文本改写为问答交替的形式：在每一部分之前提出读者可能会问的问题，再用该部分内容作答。每一个事实都必须出现在某个回答中。",
        length_band: (0.8, 2.6),
        min_content_recall: 0.45,
        min_number_recall: None,
        max_copy_ratio: Some(0.6),
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: true,
        follows: "",
        expected_length: 1.39,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "narrative",
        summary: "A narrative explanation that tells the ideas as a story.",
        instructions_en: "Rewrite the text as a narrative explanation: tell how the ideas connect as a flowing story, with transitions that show why each point follows from the last. Do not invent events or facts.",
        instructions_zh: "将文本改写为叙事性的讲解：以连贯的故事方式讲述各个概念之间的联系，用过渡语说明每一点为何承接上一点。不要编造事件或事实。",
        length_band: (0.7, 2.2),
        min_content_recall: 0.4,
        min_number_recall: None,
        max_copy_ratio: Some(0.4),
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: true,
        follows: "",
        expected_length: 1.47,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "learning-note",
        summary: "A learning note for mathematics and technical text (after SwallowMath).",
        instructions_en: "Rewrite the text as a clear learning note, as for mathematics (after SwallowMath): state the definitions and results, then work through each step of every derivation explicitly, keeping all formulas, numbers and code exactly.",
        instructions_zh: "将文本改写为清晰的学习笔记（参照 SwallowMath 的数学改写方式）：先列出定义和结论，再逐步写明每个推导步骤，所有公式、数字和代码保持原样。",
        length_band: (0.35, 2.6),
        min_content_recall: 0.45,
        min_number_recall: None,
        max_copy_ratio: Some(0.5),
        works_examples: true,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: true,
        follows: "",
        expected_length: 1.47,
        needs_quantities: false,
        target_language: None,
    },
    // The formats the published studies found best (issue 28): FinePhrase
    // (Hugging Face, 2026: 90 configurations, 486B tokens; math 15.31,
    // table 14.83, FAQ 14.45, tutorial 14.30 against DCLM's 13.77) and
    // Nemotron-CC (NVIDIA; Su et al., 2024, arXiv:2412.02595, appendix:
    // its diverse QA, distill, extract-knowledge and knowledge-list
    // prompts). Instructions in our own words.
    Style {
        name: "table",
        summary: "The facts as Markdown tables with a short lead-in (FinePhrase's table format).",
        instructions_en: "Rewrite the text as Markdown tables: a one-sentence lead-in, then every fact of the text in table rows with clear column headers (one table per kind of fact). Keep every number, name and term exactly; add nothing the text does not say.",
        instructions_zh: "将文本改写为 Markdown 表格：先用一句话引入，再把文本中的每一个事实放入带有清晰列标题的表格行中（每类事实一张表）。数字、名称和术语保持原样；不要添加文本没有的内容。",
        length_band: (0.4, 1.8),
        // Floors of the new styles from 370–395 faithful outputs each (session
        // 20): the lowest seen, less a margin, above the single errors that
        // keep too little (docs/QUALITY.md). Table: lowest 0.65.
        min_content_recall: 0.55,
        min_number_recall: None,
        // Cells keep the source's phrases verbatim.
        max_copy_ratio: Some(0.6),
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: false,
        follows: "FinePhrase (Hugging Face, 2026), table format",
        expected_length: 1.33,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "faq",
        summary: "A FAQ: readers' questions, each answered from the text (FinePhrase's FAQ format).",
        instructions_en: "Rewrite the text as a FAQ: a list of questions a reader would ask, each followed by its answer taken from the text. Every fact of the text must appear in some answer; add nothing the text does not say.",
        instructions_zh: "将文本改写为常见问题（FAQ）：列出读者会问的问题，每个问题后面给出取自文本的回答。文本中的每一个事实都必须出现在某个回答中；不要添加文本没有的内容。",
        length_band: (0.8, 2.6),
        min_content_recall: 0.45,
        min_number_recall: None,
        max_copy_ratio: Some(0.6),
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: false,
        follows: "FinePhrase (Hugging Face, 2026), FAQ format",
        expected_length: 1.29,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "tutorial",
        summary: "Numbered steps with worked examples from the text only (FinePhrase's tutorial format).",
        instructions_en: "Rewrite the text as a tutorial: numbered steps that teach how to do or understand what the text describes, with worked examples built only from the text's own facts, numbers and code. Keep every fact; invent no new facts.",
        instructions_zh: "将文本改写为教程：用编号的步骤教读者如何完成或理解文本所描述的内容，示例只能基于文本自身的事实、数字和代码。保留每一个事实；不要编造新事实。",
        length_band: (0.8, 2.8),
        min_content_recall: 0.4,
        min_number_recall: None,
        max_copy_ratio: Some(0.5),
        works_examples: true,
        drops_context_names: false,
        kind: StyleKind::Restyle,
        seeded: false,
        follows: "FinePhrase (Hugging Face, 2026), tutorial format",
        expected_length: 1.62,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "math-problems",
        summary: "Word problems with worked solutions from the text's own quantities (FinePhrase's math reformulation).",
        instructions_en: "Turn the text into math word problems with worked solutions: each problem uses quantities and relations stated in the text, and each solution writes out every computation (+, −, ×, ÷, percentages, fractions) with its result. Use only numbers from the text or computed from them; do not state facts the text does not.",
        instructions_zh: "把文本改写成带详细解答的数学应用题：每道题使用文本中给出的数量和关系，每个解答写出每一步计算（加、减、乘、除、百分比、分数）及其结果。只使用文本中的数字或由它们算出的数字；不要陈述文本没有的事实。",
        length_band: (0.3, 3.0),
        min_content_recall: 0.1,
        min_number_recall: None,
        max_copy_ratio: Some(0.5),
        works_examples: true,
        drops_context_names: false,
        // Problems use the quantities, not every fact.
        kind: StyleKind::Extract,
        seeded: false,
        follows: "FinePhrase (Hugging Face, 2026), math reformulation",
        expected_length: 1.55,
        needs_quantities: true,
        target_language: None,
    },
    Style {
        name: "diverse-qa",
        summary: "Yes/no, open and multiple-choice questions answered from the text (Nemotron-CC's diverse QA pairs).",
        instructions_en: "Write questions of several kinds about the text — yes/no, open-ended and multiple-choice — each followed by its answer from the text. In a multiple-choice question, mark each wrong option with ✗ and the right one with ✓. Answer only from the text.",
        instructions_zh: "针对文本提出多种类型的问题——是非题、开放式问题和选择题——每个问题后给出取自文本的答案。选择题中，每个错误选项用 ✗ 标出，正确选项用 ✓ 标出。只根据文本作答。",
        length_band: (0.4, 2.8),
        // Lowest seen 0.48.
        min_content_recall: 0.4,
        min_number_recall: None,
        max_copy_ratio: Some(0.6),
        works_examples: false,
        drops_context_names: false,
        // Questions cover what they ask about, not every fact.
        kind: StyleKind::Extract,
        seeded: false,
        follows: "Nemotron-CC (NVIDIA; Su et al., 2024, arXiv:2412.02595), diverse QA pairs",
        expected_length: 1.3,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "distill",
        summary: "Shorter and clearer, the knowledge kept (Nemotron-CC's distill).",
        instructions_en: "Distill the text: rewrite it shorter and clearer, keeping the knowledge it conveys (facts, numbers, names, definitions) and dropping repetition, filler and asides. Add nothing.",
        instructions_zh: "提炼文本：把它改写得更短、更清楚，保留其中的知识（事实、数字、名称、定义），删去重复、赘语和题外话。不要添加任何内容。",
        // A short chunk distils to about its own length.
        length_band: (0.2, 1.1),
        // Lowest seen 0.45.
        min_content_recall: 0.4,
        // Lowest seen 0.69 of 450 faithful distillations (sources with
        // four numbers or more); cut ones median 0.23.
        min_number_recall: Some(0.5),
        max_copy_ratio: Some(0.5),
        works_examples: false,
        drops_context_names: false,
        // Dropping asides is the point.
        kind: StyleKind::Extract,
        seeded: false,
        follows: "Nemotron-CC (NVIDIA; Su et al., 2024, arXiv:2412.02595), distill",
        expected_length: 0.8,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "knowledge-list",
        summary: "The facts as a list of self-contained items (Nemotron-CC's knowledge list).",
        instructions_en: "Extract the knowledge in the text as a bulleted list: one self-contained fact per item, each stated so it can be understood on its own, with its numbers, names and terms exactly as in the text. Leave out what is not knowledge (opinions, filler, navigation). Add nothing.",
        instructions_zh: "将文本中的知识提取为项目符号列表：每项一个独立完整的事实，能单独读懂，数字、名称和术语与原文一致。不是知识的内容（观点、赘语、导航文字）略去。不要添加任何内容。",
        length_band: (0.3, 1.6),
        // Lowest seen 0.62.
        min_content_recall: 0.45,
        // Lowest seen 0.67 of 437 faithful lists; cut ones median 0.09.
        min_number_recall: Some(0.5),
        // Items keep the source's phrases verbatim.
        max_copy_ratio: Some(0.7),
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Extract,
        seeded: false,
        follows: "Nemotron-CC (NVIDIA; Su et al., 2024, arXiv:2412.02595), knowledge list",
        expected_length: 1.14,
        needs_quantities: false,
        target_language: None,
    },
    Style {
        name: "translate-en",
        summary: "A faithful translation into English.",
        instructions_en: "Translate the text into fluent English. Translate everything faithfully; keep names, numbers, code, URLs and formatting unchanged.",
        instructions_zh: "将文本忠实地翻译成流畅的英文。完整翻译所有内容；名称、数字、代码、网址和格式保持不变。",
        length_band: (0.5, 2.0),
        min_content_recall: 0.0,
        min_number_recall: None,
        max_copy_ratio: None,
        works_examples: false,
        drops_context_names: false,
        kind: StyleKind::Translate,
        seeded: true,
        follows: "",
        expected_length: 1.0,
        needs_quantities: false,
        target_language: Some("English"),
    },
];

/// The style called `name`.
pub fn style(name: &str) -> Option<&'static Style> {
    STYLES.iter().find(|s| s.name == name)
}
