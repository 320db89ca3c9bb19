//! The words generation prompts put around the plan, the state and the
//! section, per prompt language: one owner, so `--language zh` prompts are
//! Chinese throughout (the templates' own text lives in `render`). Labels
//! with `{0}`, `{1}` slots are filled by [`fill`].

use crate::Language;

/// Labels for generation prompts.
#[derive(Debug)]
pub struct GenerationLabels {
    pub plan: &'static str,
    pub objective: &'static str,
    pub audience: &'static str,
    pub tone: &'static str,
    pub voice: &'static str,
    pub sections: &'static str,
    /// `{0}`: a token count.
    pub about_tokens: &'static str,
    pub never_mention: &'static str,
    /// `{0}`: section number, `{1}`: sections, `{2}`: title.
    pub section_of: &'static str,
    pub key_points: &'static str,
    pub required_entities: &'static str,
    pub constraints: &'static str,
    pub text_so_far: &'static str,
    pub section_so_far: &'static str,
    pub draft_problems: &'static str,
    /// `{0}`: why the plan is invalid.
    pub invalid_plan: &'static str,
    pub terminology_none: &'static str,
    /// `{0}`: the preferences.
    pub terminology: &'static str,
    /// `{0}`: preferred term, `{1}`: the terms to avoid.
    pub write_not: &'static str,
    pub or: &'static str,
    pub state_so_far: &'static str,
    pub entities_introduced: &'static str,
    pub timeline: &'static str,
    pub terms_in_use: &'static str,
    pub key_points_remaining: &'static str,
    pub open_threads: &'static str,
    pub coming_after: &'static str,
    pub none: &'static str,
    /// `{0}`: how many earlier items are not shown.
    pub earlier: &'static str,
    /// Separates items in a list.
    pub list_separator: &'static str,
    /// Separates items in a short enumeration.
    pub enumeration: &'static str,
    /// Between a label and its value.
    pub colon: &'static str,
    /// The section QC's findings, quoted into a redraft prompt.
    pub findings: QcFindingLabels,
}

/// The section QC's findings in one language (`{0}`, `{1}`... as [`fill`]).
#[derive(Debug)]
pub struct QcFindingLabels {
    /// `{0}`: the key point.
    pub key_point_missing: &'static str,
    /// `{0}`: the entity.
    pub entity_missing: &'static str,
    /// `{0}`: the term used, `{1}`: the preferred one.
    pub use_instead: &'static str,
    /// `{0}`: the banned term.
    pub banned: &'static str,
    /// `{0}`: the paragraph.
    pub drift_paragraph: &'static str,
    /// `{0}`: off-plan sentences, `{1}`: sentences judged, `{2}`: examples.
    pub drift_sentences: &'static str,
    /// Joins two quoted examples.
    pub and: &'static str,
    /// `{0}`: the Gopher rules failed.
    pub repeats_itself: &'static str,
    /// `{0}`: the percentage of trigrams shared.
    pub repeats_previous: &'static str,
    /// `{0}`: tokens, `{1}`: target, `{2}`: length score.
    pub too_long: &'static str,
    pub too_short: &'static str,
    /// `{0}`: section number, `{1}`: its title, `{2}`: the sentence, `{3}`: [`Self::more_sentences`] or nothing.
    pub repeats_section: &'static str,
    /// `{0}`: how many more.
    pub more_sentences: &'static str,
    /// `{0}`: the sentence, `{1}`: how many times.
    pub loops: &'static str,
    /// `{0}`: the sentence.
    pub repeats_own: &'static str,
}

const EN: GenerationLabels = GenerationLabels {
    plan: "Plan",
    objective: "Objective",
    audience: "Audience",
    tone: "Tone",
    voice: "Voice",
    sections: "Sections",
    about_tokens: "~{0} tokens",
    never_mention: "Never mention",
    section_of: "Section {0} of {1}: {2}",
    key_points: "Key points",
    required_entities: "Required entities",
    constraints: "Constraints",
    text_so_far: "The text so far ends like this:",
    section_so_far: "This section so far (continue it exactly where it stops; do not repeat it):",
    draft_problems: "A previous draft of this section had these problems; avoid them:",
    invalid_plan: "Your previous answer was not a valid plan: {0}. Fix it.",
    terminology_none: "Terminology preferences: none.",
    terminology: "Terminology preferences: {0}.",
    write_not: "write “{0}”, not {1}",
    or: " or ",
    state_so_far: "State so far:",
    entities_introduced: "Entities introduced",
    timeline: "Timeline",
    terms_in_use: "Terms in use",
    key_points_remaining: "Key points still to cover",
    open_threads: "Open threads",
    coming_after: "Coming after this section",
    none: "none",
    earlier: " (+{0} earlier)",
    list_separator: "; ",
    enumeration: ", ",
    colon: ": ",
    findings: QcFindingLabels {
        key_point_missing: "the key point “{0}” is not covered",
        entity_missing: "the entity “{0}” is never named",
        use_instead: "“{0}” is used; write “{1}” instead",
        banned: "“{0}” must not be mentioned",
        drift_paragraph: "the section drifts from its plan: the paragraph “{0}” shares almost no words with its title, key points or entities",
        drift_sentences: "the section drifts from its plan: {0} of {1} sentences share no word with its title, key points or entities, such as {2}",
        and: " and ",
        repeats_itself: "the section repeats itself ({0})",
        repeats_previous: "the section repeats the previous one ({0}% of word trigrams shared)",
        too_long: "the section is too long: {0} tokens for a target of {1} (length score {2})",
        too_short: "the section is too short: {0} tokens for a target of {1} (length score {2})",
        repeats_section: "the section repeats section {0} (“{1}”): “{2}”{3}",
        more_sentences: " and {0} more sentence(s)",
        loops: "the section loops: “{0}” is written {1} times",
        repeats_own: "the section repeats its own sentence “{0}”",
    },
};

const ZH: GenerationLabels = GenerationLabels {
    plan: "计划",
    objective: "目标",
    audience: "读者",
    tone: "语气",
    voice: "叙述视角",
    sections: "章节",
    about_tokens: "约 {0} 个 token",
    never_mention: "不得提及",
    section_of: "第 {0} 节（共 {1} 节）：{2}",
    key_points: "要点",
    required_entities: "必须提到的实体",
    constraints: "约束",
    text_so_far: "目前的文本以此结尾：",
    section_so_far: "本节目前的内容（从中断处接着写，不要重复）：",
    draft_problems: "本节的上一稿有以下问题，请避免：",
    invalid_plan: "你上一次的回答不是有效的计划：{0}。请修正。",
    terminology_none: "术语偏好：无。",
    terminology: "术语偏好：{0}。",
    write_not: "写“{0}”，不写{1}",
    or: "或",
    state_so_far: "目前的状态：",
    entities_introduced: "已出现的实体",
    timeline: "时间线",
    terms_in_use: "已使用的术语",
    key_points_remaining: "尚待覆盖的要点",
    open_threads: "未完的线索",
    coming_after: "本节之后",
    none: "无",
    earlier: "（另有 {0} 项较早的）",
    list_separator: "；",
    enumeration: "、",
    colon: "：",
    findings: QcFindingLabels {
        key_point_missing: "没有写到要点“{0}”",
        entity_missing: "没有提到“{0}”",
        use_instead: "用了“{0}”；请改用“{1}”",
        banned: "不得提到“{0}”",
        drift_paragraph: "本节偏离了计划：段落“{0}”与标题、要点和实体几乎没有共同的词",
        drift_sentences: "本节偏离了计划：{1} 句中有 {0} 句与标题、要点和实体没有共同的词，例如{2}",
        and: "和",
        repeats_itself: "本节自身重复（{0}）",
        repeats_previous: "本节与上一节重复（{0}% 的三词组相同）",
        too_long: "本节太长：{0} 个 token，目标为 {1}（长度得分 {2}）",
        too_short: "本节太短：{0} 个 token，目标为 {1}（长度得分 {2}）",
        repeats_section: "本节重复了第 {0} 节（“{1}”）：“{2}”{3}",
        more_sentences: "，另有 {0} 句",
        loops: "本节陷入循环：“{0}”写了 {1} 次",
        repeats_own: "本节重复了自己的句子“{0}”",
    },
};

/// The labels of a prompt language.
pub fn generation_labels(language: Language) -> &'static GenerationLabels {
    match language {
        Language::En => &EN,
        Language::Zh => &ZH,
    }
}

/// `template` with `{0}`, `{1}`, ... replaced by `args`.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_owned();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}
