//! The style catalogue, in the spirit of Kimi K2's "style- and
//! perspective-diverse prompts": each entry is a named, documented way to
//! rewrite knowledge-rich text without changing what it says.

use serde::Serialize;

use crate::Language;

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
    /// The most of the source's word 8-grams a rewrite in this style may
    /// repeat verbatim before it counts as a copy, not a restyle (the
    /// fidelity gate's `not_restyled`; `None`: the style is exempt, as a
    /// translation is).
    pub max_copy_ratio: Option<f64>,
    /// The style asks for worked examples and derivations (a textbook's,
    /// a learning note's), so a faithful rewrite adds numbers of its own:
    /// the gate records an added number as a suspicion, not a failure.
    pub works_examples: bool,
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
        max_copy_ratio: Some(0.5),
        works_examples: false,
        target_language: None,
    },
    Style {
        name: "textbook",
        summary: "A textbook or lecture that explains step by step for a student.",
        instructions_en: "Rewrite the text as a passage from a textbook or a lecture: explain each idea step by step for a student meeting it for the first time, defining terms where they appear.",
        instructions_zh: "将文本改写为教科书或课堂讲义的一段：面向初次接触该内容的学生，逐步讲解每个概念，并在术语首次出现时加以说明。",
        length_band: (0.8, 2.6),
        min_content_recall: 0.5,
        max_copy_ratio: Some(0.5),
        works_examples: true,
        target_language: None,
    },
    Style {
        name: "plain-language",
        summary: "Plain language: short sentences and everyday words.",
        instructions_en: "Rewrite the text in plain language: short sentences, everyday words, active voice. Keep every fact; explain jargon instead of dropping it.",
        instructions_zh: "用浅显易懂的语言改写文本：短句、日常用词、主动语态。保留每一个事实；对术语加以解释而不是删去。",
        length_band: (0.6, 2.0),
        min_content_recall: 0.3,
        max_copy_ratio: Some(0.4),
        works_examples: false,
        target_language: None,
    },
    Style {
        name: "expert-terse",
        summary: "Dense, terse prose for experts, without hand-holding.",
        instructions_en: "Rewrite the text for an expert audience: dense and terse, using the field's own terminology, without introductions or hand-holding. Keep every fact.",
        instructions_zh: "面向专家改写文本：简洁凝练，使用该领域的专业术语，不作铺垫和浅显解释。保留每一个事实。",
        length_band: (0.2, 1.2),
        min_content_recall: 0.2,
        max_copy_ratio: Some(0.35),
        works_examples: false,
        target_language: None,
    },
    Style {
        name: "qa-interleaved",
        summary: "Questions a reader would ask, each answered by the text.",
        instructions_en: "Rewrite the text as interleaved questions and answers: before each part, ask the question a curious reader would ask, then answer it with that part of the text. Every fact must appear in an answer.",
        instructions_zh: "将文本改写为问答交替的形式：在每一部分之前提出读者可能会问的问题，再用该部分内容作答。每一个事实都必须出现在某个回答中。",
        length_band: (0.8, 2.6),
        min_content_recall: 0.45,
        max_copy_ratio: Some(0.6),
        works_examples: false,
        target_language: None,
    },
    Style {
        name: "narrative",
        summary: "A narrative explanation that tells the ideas as a story.",
        instructions_en: "Rewrite the text as a narrative explanation: tell how the ideas connect as a flowing story, with transitions that show why each point follows from the last. Do not invent events or facts.",
        instructions_zh: "将文本改写为叙事性的讲解：以连贯的故事方式讲述各个概念之间的联系，用过渡语说明每一点为何承接上一点。不要编造事件或事实。",
        length_band: (0.7, 2.2),
        min_content_recall: 0.4,
        max_copy_ratio: Some(0.4),
        works_examples: false,
        target_language: None,
    },
    Style {
        name: "learning-note",
        summary: "A learning note for mathematics and technical text (after SwallowMath).",
        instructions_en: "Rewrite the text as a clear learning note, as for mathematics (after SwallowMath): state the definitions and results, then work through each step of every derivation explicitly, keeping all formulas, numbers and code exactly.",
        instructions_zh: "将文本改写为清晰的学习笔记（参照 SwallowMath 的数学改写方式）：先列出定义和结论，再逐步写明每个推导步骤，所有公式、数字和代码保持原样。",
        length_band: (0.35, 2.6),
        min_content_recall: 0.45,
        max_copy_ratio: Some(0.5),
        works_examples: true,
        target_language: None,
    },
    Style {
        name: "translate-en",
        summary: "A faithful translation into English.",
        instructions_en: "Translate the text into fluent English. Translate everything faithfully; keep names, numbers, code, URLs and formatting unchanged.",
        instructions_zh: "将文本忠实地翻译成流畅的英文。完整翻译所有内容；名称、数字、代码、网址和格式保持不变。",
        length_band: (0.5, 2.0),
        min_content_recall: 0.0,
        max_copy_ratio: None,
        works_examples: false,
        target_language: Some("English"),
    },
];

/// The style called `name`.
pub fn style(name: &str) -> Option<&'static Style> {
    STYLES.iter().find(|s| s.name == name)
}
