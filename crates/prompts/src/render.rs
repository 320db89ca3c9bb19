//! Typed inputs rendered into chat messages through the templates.

use std::collections::BTreeMap;

use chunksynth_llm::Message;
use serde::{Deserialize, Serialize};

use crate::{Language, Style, TemplateId, TemplateSet};

/// The version of the built-in templates. Bump it with any change to their
/// text: output records name it, and journals key finished calls on it.
pub(crate) const DEFAULT_VERSION: &str = "1";

/// Which prompt made a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptProvenance {
    pub template: String,
    pub version: String,
    pub style: String,
    pub language: Language,
    /// The published study the style follows (the catalogue's
    /// `Style::follows`); absent for the catalogue's own styles.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub follows: String,
}

/// Messages ready to send, and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedPrompt {
    pub messages: Vec<Message>,
    pub provenance: PromptProvenance,
}

/// Everything a rewrite prompt shows the model.
#[derive(Debug, Clone, Copy)]
pub struct RewriteInput<'a> {
    pub style: &'a Style,
    pub current_chunk: &'a str,
    /// The tail of the text already rewritten (the rolling window).
    pub rewritten_prefix: &'a str,
    /// Source text just before the chunk, read-only.
    pub overlap_context: &'a str,
    /// The document's head, for global context; empty for none.
    pub anchor: &'a str,
    /// Earlier passages of a conversation-layout prompt and the rewrites kept
    /// for them, oldest first. Empty: one user message. Otherwise the prompt
    /// is a conversation: the first earlier passage carries the anchor,
    /// prefix and context blocks, each passage is a user turn answered by
    /// its rewrite, and the current chunk is the last user turn, bare. Each
    /// prompt of a conversation then starts with the whole previous prompt
    /// and its answer, which a server's prefix cache reuses.
    pub earlier: &'a [EarlierTurn],
}

/// One passage already rewritten in a conversation-layout prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierTurn {
    pub passage: String,
    pub rewrite: String,
}

/// A retry after a failed fidelity check.
#[derive(Debug, Clone, Copy)]
pub struct RepairInput<'a> {
    pub rewrite: RewriteInput<'a>,
    pub previous_attempt: &'a str,
    pub findings: &'a [String],
}

/// A request to go on with an answer cut at the length limit.
#[derive(Debug, Clone, Copy)]
pub struct ContinuationInput<'a> {
    pub style: &'a Style,
    pub current_chunk: &'a str,
    pub partial: &'a str,
}

struct Labels {
    anchor: &'static str,
    prefix: &'static str,
    context: &'static str,
}

fn labels(language: Language) -> Labels {
    match language {
        Language::En => Labels {
            anchor: "Beginning of the document (for orientation only):",
            prefix: "Your rewrite so far ends like this (continue from it; do not repeat it):",
            context: "Original text just before the passage (context only; do not rewrite it):",
        },
        Language::Zh => Labels {
            anchor: "文档开头（仅供了解全文）：",
            prefix: "你此前的改写结尾如下（请接着写，不要重复）：",
            context: "该段落之前的原文（仅作上下文，不要改写）：",
        },
    }
}

/// The markers a prompt puts around a passage; the one place they are
/// spelled in code (the templates' own text uses them as written).
pub const OPEN_MARKER: &str = "<<<";
pub const CLOSE_MARKER: &str = ">>>";

/// The text between the last markers of a rendered prompt: the passage it
/// asks to rewrite (what a stand-in model echoes in tests).
pub fn last_passage(prompt: &str) -> &str {
    let open = format!("{OPEN_MARKER}\n");
    let start = prompt.rfind(&open).map_or(0, |i| i + open.len());
    let end = prompt
        .rfind(&format!("\n{CLOSE_MARKER}"))
        .filter(|&e| e >= start)
        .unwrap_or(prompt.len());
    &prompt[start..end]
}

/// `label`, then `text` between the markers, then a blank line; nothing
/// for an empty text. Leading spaces are kept (indented code, man pages).
pub fn marked_block(label: &str, text: &str) -> String {
    if text.trim().is_empty() {
        String::new()
    } else {
        let text = text.trim_start_matches(['\n', '\r']).trim_end();
        format!("{label}\n{OPEN_MARKER}\n{text}\n{CLOSE_MARKER}\n\n")
    }
}

/// `input` without the anchor, prefix and context blocks.
fn bare<'a>(input: &RewriteInput<'a>) -> RewriteInput<'a> {
    RewriteInput {
        rewritten_prefix: "",
        overlap_context: "",
        anchor: "",
        ..*input
    }
}

fn block(label: &str, text: &str) -> String {
    marked_block(label, text)
}

impl TemplateSet {
    fn provenance(&self, id: TemplateId, style: &Style) -> PromptProvenance {
        PromptProvenance {
            template: id.name().to_owned(),
            version: self.get(id).version.clone(),
            style: style.name.to_owned(),
            language: self.language,
            follows: style.follows.to_owned(),
        }
    }

    fn system(&self, style: &Style) -> Message {
        let values = BTreeMap::from([
            ("style_instructions", style.instructions(self.language).to_owned()),
            ("style_name", style.name.to_owned()),
        ]);
        Message::system(self.get(TemplateId::RewriteSystem).render(&values))
    }

    fn rewrite_values(&self, input: &RewriteInput<'_>) -> BTreeMap<&'static str, String> {
        let l = labels(self.language);
        BTreeMap::from([
            ("anchor_block", block(l.anchor, input.anchor)),
            ("prefix_block", block(l.prefix, input.rewritten_prefix)),
            ("context_block", block(l.context, input.overlap_context)),
            ("chunk", input.current_chunk.to_owned()),
        ])
    }

    /// The system message, then for a conversation its earlier turns; what
    /// comes before the current chunk's user message.
    fn opening(&self, input: &RewriteInput<'_>) -> Vec<Message> {
        let mut messages = Vec::with_capacity(2 + 2 * input.earlier.len());
        messages.push(self.system(input.style));
        for (i, turn) in input.earlier.iter().enumerate() {
            let shown = RewriteInput {
                current_chunk: &turn.passage,
                earlier: &[],
                ..*input
            };
            let values = if i == 0 {
                self.rewrite_values(&shown)
            } else {
                self.rewrite_values(&bare(&shown))
            };
            messages.push(Message::user(self.get(TemplateId::RewriteUser).render(&values)));
            messages.push(Message::assistant(turn.rewrite.clone()));
        }
        messages
    }

    /// The slot values of the current chunk: bare in a conversation, whose
    /// first turn already showed the blocks.
    fn current_values(&self, input: &RewriteInput<'_>) -> BTreeMap<&'static str, String> {
        if input.earlier.is_empty() {
            self.rewrite_values(input)
        } else {
            self.rewrite_values(&bare(input))
        }
    }

    /// The first attempt at rewriting a chunk.
    pub fn rewrite(&self, input: &RewriteInput<'_>) -> RenderedPrompt {
        let user = self
            .get(TemplateId::RewriteUser)
            .render(&self.current_values(input));
        let mut messages = self.opening(input);
        messages.push(Message::user(user));
        RenderedPrompt {
            messages,
            provenance: self.provenance(TemplateId::RewriteUser, input.style),
        }
    }

    /// A retry that names what was wrong with the previous attempt.
    pub fn repair(&self, input: &RepairInput<'_>) -> RenderedPrompt {
        let mut values = self.current_values(&input.rewrite);
        let findings: Vec<String> = input.findings.iter().map(|f| format!("- {f}")).collect();
        values.insert("findings", findings.join("\n"));
        values.insert("previous_attempt", input.previous_attempt.to_owned());
        let user = self.get(TemplateId::RepairUser).render(&values);
        let mut messages = self.opening(&input.rewrite);
        messages.push(Message::user(user));
        RenderedPrompt {
            messages,
            provenance: self.provenance(TemplateId::RepairUser, input.rewrite.style),
        }
    }

    /// Going on with an answer that stopped at the length limit.
    pub fn continuation(&self, input: &ContinuationInput<'_>) -> RenderedPrompt {
        let values = BTreeMap::from([
            ("chunk", input.current_chunk.to_owned()),
            ("partial", input.partial.to_owned()),
        ]);
        let user = self.get(TemplateId::ContinuationUser).render(&values);
        RenderedPrompt {
            messages: vec![self.system(input.style), Message::user(user)],
            provenance: self.provenance(TemplateId::ContinuationUser, input.style),
        }
    }
}

/// What an LLM judge is shown.
#[derive(Debug, Clone, Copy)]
pub struct JudgeInput<'a> {
    pub source: &'a str,
    pub rewrite: &'a str,
}

impl TemplateSet {
    /// Asks a model whether a rewrite is faithful; the answer must follow
    /// [`judge_schema`].
    pub fn judge(&self, input: &JudgeInput<'_>) -> RenderedPrompt {
        let values = BTreeMap::from([
            ("chunk", input.source.to_owned()),
            ("rewrite", input.rewrite.to_owned()),
        ]);
        RenderedPrompt {
            messages: vec![Message::user(self.get(TemplateId::JudgeUser).render(&values))],
            provenance: PromptProvenance {
                template: TemplateId::JudgeUser.name().to_owned(),
                version: self.get(TemplateId::JudgeUser).version.clone(),
                style: String::new(),
                language: self.language,
                follows: String::new(),
            },
        }
    }
}

/// One claim a judge is asked about: a sentence of the rewrite ("is it
/// supported by the source?") or of the source ("is its content in the
/// rewrite?").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimInput<'a> {
    /// A rewrite sentence, checked against the source.
    Supported(&'a str),
    /// A source sentence, looked for in the rewrite.
    Kept(&'a str),
}

impl TemplateSet {
    /// Asks a chat model about several claims of one chunk at once; the
    /// answer must follow [`judge_claims_schema`], claims numbered from 1.
    pub fn judge_claims(&self, source: &str, rewrite: &str, claims: &[ClaimInput<'_>]) -> RenderedPrompt {
        let listed: Vec<String> = claims
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                ClaimInput::Supported(text) => format!("{}. REWRITE: {text}", i + 1),
                ClaimInput::Kept(text) => format!("{}. SOURCE: {text}", i + 1),
            })
            .collect();
        let values = BTreeMap::from([
            ("chunk", source.to_owned()),
            ("rewrite", rewrite.to_owned()),
            ("claims", listed.join("\n")),
        ]);
        RenderedPrompt {
            messages: vec![Message::user(
                self.get(TemplateId::JudgeClaimsUser).render(&values),
            )],
            provenance: self.judge_provenance(TemplateId::JudgeClaimsUser),
        }
    }

    /// Asks a grounding checker whether `document` supports `claim`, in
    /// the (document, claim) form MiniCheck and FaithLens were trained on;
    /// the answer is read by [`read_claim_answer`].
    pub fn claim_check(&self, document: &str, claim: &str) -> RenderedPrompt {
        let values = BTreeMap::from([("document", document.to_owned()), ("claim", claim.to_owned())]);
        let no_slots = BTreeMap::new();
        RenderedPrompt {
            messages: vec![
                Message::system(self.get(TemplateId::ClaimCheckSystem).render(&no_slots)),
                Message::user(self.get(TemplateId::ClaimCheckUser).render(&values)),
            ],
            provenance: self.judge_provenance(TemplateId::ClaimCheckUser),
        }
    }

    fn judge_provenance(&self, id: TemplateId) -> PromptProvenance {
        PromptProvenance {
            template: id.name().to_owned(),
            version: self.get(id).version.clone(),
            style: String::new(),
            language: self.language,
            follows: String::new(),
        }
    }
}

/// A grounding checker's answer: its first word, `Yes` (supported) or `No`
/// (not), in any case and with any punctuation after it; anything else is
/// no answer (`None`).
pub fn read_claim_answer(text: &str) -> Option<bool> {
    let first: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    match first.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// What a plan prompt shows: the topic spec, the plan's JSON schema, and
/// the problems of the previous answer (a marked block, or empty).
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    pub topic: &'a str,
    pub objective: &'a str,
    pub audience: &'a str,
    pub tone: &'a str,
    pub target_tokens: usize,
    pub schema: &'a str,
    pub problems_block: &'a str,
}

/// What a section prompt shows (blocks are already labelled in the
/// prompt's language, or empty).
#[derive(Debug, Clone, Copy)]
pub struct SectionInput<'a> {
    pub plan_summary: &'a str,
    pub state: &'a str,
    pub prefix_block: &'a str,
    pub section: &'a str,
    pub target_tokens: usize,
    pub continuation_block: &'a str,
    pub problems_block: &'a str,
}

/// What a consistency-pass prompt shows.
#[derive(Debug, Clone, Copy)]
pub struct ConsistencyInput<'a> {
    pub terminology: &'a str,
    pub previous_tail: &'a str,
    pub section_text: &'a str,
}

/// What a state-extraction prompt shows.
#[derive(Debug, Clone, Copy)]
pub struct StateInput<'a> {
    pub section_text: &'a str,
    pub schema: &'a str,
}

impl TemplateSet {
    /// The plan prompt: one owner for its slot names.
    pub fn plan(&self, i: &PlanInput<'_>) -> RenderedPrompt {
        let target = i.target_tokens.to_string();
        self.render_user(
            TemplateId::PlanUser,
            &BTreeMap::from([
                ("topic", i.topic.to_owned()),
                ("objective", i.objective.to_owned()),
                ("audience", i.audience.to_owned()),
                ("tone", i.tone.to_owned()),
                ("target_tokens", target),
                ("schema", i.schema.to_owned()),
                ("problems_block", i.problems_block.to_owned()),
            ]),
        )
    }

    /// A section prompt.
    pub fn section(&self, i: &SectionInput<'_>) -> RenderedPrompt {
        self.render_user(
            TemplateId::SectionUser,
            &BTreeMap::from([
                ("plan_summary", i.plan_summary.to_owned()),
                ("state", i.state.to_owned()),
                ("prefix_block", i.prefix_block.to_owned()),
                ("section", i.section.to_owned()),
                ("target_tokens", i.target_tokens.to_string()),
                ("continuation_block", i.continuation_block.to_owned()),
                ("problems_block", i.problems_block.to_owned()),
            ]),
        )
    }

    /// A consistency-pass prompt.
    pub fn consistency(&self, i: &ConsistencyInput<'_>) -> RenderedPrompt {
        self.render_user(
            TemplateId::ConsistencyUser,
            &BTreeMap::from([
                ("terminology", i.terminology.to_owned()),
                ("previous_tail", i.previous_tail.to_owned()),
                ("section_text", i.section_text.to_owned()),
            ]),
        )
    }

    /// A state-extraction prompt.
    pub fn state(&self, i: &StateInput<'_>) -> RenderedPrompt {
        self.render_user(
            TemplateId::StateUser,
            &BTreeMap::from([
                ("section_text", i.section_text.to_owned()),
                ("schema", i.schema.to_owned()),
            ]),
        )
    }
}

impl TemplateSet {
    /// Renders template `id` with `values` into one user message: for the
    /// generation pipeline, which builds its own slot values.
    pub fn render_user(&self, id: TemplateId, values: &BTreeMap<&str, String>) -> RenderedPrompt {
        RenderedPrompt {
            messages: vec![Message::user(self.get(id).render(values))],
            provenance: PromptProvenance {
                template: id.name().to_owned(),
                version: self.get(id).version.clone(),
                style: String::new(),
                language: self.language,
                follows: String::new(),
            },
        }
    }
}

/// The JSON schema of a chat judge's verdicts on numbered claims:
/// `{"verdicts": [{"claim": 1, "supported": bool, "source_evidence": "..",
/// "rewrite_evidence": ".."}]}`.
pub fn judge_claims_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "verdicts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "claim": {"type": "integer"},
                        "supported": {"type": "boolean"},
                        "source_evidence": {"type": "string"},
                        "rewrite_evidence": {"type": "string"}
                    },
                    "required": ["claim", "supported", "source_evidence", "rewrite_evidence"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["verdicts"],
        "additionalProperties": false
    })
}

/// The JSON schema of a judge's verdict: `{"faithful": bool, "problems": [..]}`.
pub fn judge_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "faithful": {"type": "boolean"},
            "problems": {"type": "array", "items": {"type": "string"}}
        },
        "required": ["faithful", "problems"],
        "additionalProperties": false
    })
}

/// The built-in template texts. Static instructions come first and the
/// chunk last, so consecutive prompts of a document share a long prefix a
/// server's prefix cache can reuse.
pub(crate) fn default_text(language: Language, id: TemplateId) -> &'static str {
    match (language, id) {
        (Language::En, TemplateId::RewriteSystem) => {
            "You rewrite long documents one passage at a time, for a training corpus.\n\
             {{style_instructions}}\n\n\
             Rules:\n\
             - Keep every fact, number, name, identifier, URL and code block of the passage; add no facts.\n\
             - Rewrite the whole passage, from its first sentence to its last; do not summarise.\n\
             - Keep fenced code blocks and tables exactly as they are.\n\
             - Write in the language of the passage unless the style says otherwise.\n\
             - Answer with the rewritten passage only: no preamble, no notes, no code fence around it."
        }
        (Language::En, TemplateId::RewriteUser) => {
            "{{anchor_block}}{{prefix_block}}{{context_block}}Rewrite this passage:\n<<<\n{{chunk}}\n>>>"
        }
        (Language::En, TemplateId::RepairUser) => {
            "{{anchor_block}}{{prefix_block}}{{context_block}}Rewrite this passage:\n<<<\n{{chunk}}\n>>>\n\n\
             Your previous rewrite had these problems:\n{{findings}}\n\n\
             Previous rewrite:\n<<<\n{{previous_attempt}}\n>>>\n\n\
             Write the rewrite again, fixing every problem listed."
        }
        (Language::En, TemplateId::ContinuationUser) => {
            "Rewrite this passage:\n<<<\n{{chunk}}\n>>>\n\n\
             Your rewrite was cut off here:\n<<<\n{{partial}}\n>>>\n\n\
             Continue exactly where it stops. Answer with the continuation only; do not repeat what is already written."
        }
        (Language::En, TemplateId::JudgeUser) => {
            "Compare a rewrite with its source passage. It is faithful when it keeps every fact, number, name \
             and code block of the source, adds no facts, and leaves nothing out (style may change freely).\n\n\
             Source:\n<<<\n{{chunk}}\n>>>\n\nRewrite:\n<<<\n{{rewrite}}\n>>>\n\n\
             Answer with JSON only: {\"faithful\": true or false, \"problems\": [each problem as one short sentence]}."
        }
        (Language::En, TemplateId::JudgeClaimsUser) => {
            "Check a rewrite against its source passage, one numbered claim at a time. A claim marked REWRITE \
             is a sentence of the rewrite: it is supported when everything it states is stated or directly \
             implied by the source. A claim marked SOURCE is a sentence of the source: it is supported when \
             its content is kept in the rewrite. Rewording, reordering, explaining and changing the style are \
             fine; a fact added, dropped or changed (a number, a name, a negation, a direction, a certainty) \
             is not.\n\n\
             Source:\n<<<\n{{chunk}}\n>>>\n\nRewrite:\n<<<\n{{rewrite}}\n>>>\n\nClaims:\n{{claims}}\n\n\
             Answer with JSON only, one verdict per claim, quoting the words of each text your verdict rests \
             on: {\"verdicts\": [{\"claim\": 1, \"supported\": true or false, \"source_evidence\": \"...\", \
             \"rewrite_evidence\": \"...\"}]}."
        }
        // MiniCheck's and FaithLens's own instruction and pair, in English
        // whatever the prompt language: the checkers were trained on it.
        (_, TemplateId::ClaimCheckSystem) => {
            "Determine whether the provided claim is consistent with the corresponding document. Consistency \
             in this context implies that all information presented in the claim is substantiated by the \
             document. If not, it should be considered inconsistent. Please assess the claim's consistency \
             with the document by responding with either \"Yes\" or \"No\"."
        }
        (_, TemplateId::ClaimCheckUser) => "Document: {{document}}\nClaim: {{claim}}",
        (Language::En, TemplateId::PlanUser) => {
            "Plan a long-form text.\n\
             Topic: {{topic}}\nObjective: {{objective}}\nAudience: {{audience}}\nTone: {{tone}}\n\
             Total length: about {{target_tokens}} tokens.\n\n\
             Divide it into sections; give each a title, its key points, the entities it must name, any \
             constraints, and a target length in tokens (the targets should add up to the total).\n\n\
             {{problems_block}}Answer with one JSON object following this schema, and nothing else:\n{{schema}}"
        }
        (Language::En, TemplateId::SectionUser) => {
            "You are writing a long text section by section.\n\n{{plan_summary}}\n\n{{state}}\n\n\
             {{prefix_block}}Write the next section.\n{{section}}\n\
             Length: about {{target_tokens}} tokens. Cover every key point, name every required entity, follow \
             the constraints, keep the terminology and voice of the plan, and do not repeat earlier text.\n\n\
             {{continuation_block}}{{problems_block}}Answer with the section's text only, starting with its title as a Markdown heading."
        }
        (Language::En, TemplateId::ConsistencyUser) => {
            "Edit one section of a longer text for consistency only.\n\n{{terminology}}\n\n\
             The previous section ends:\n<<<\n{{previous_tail}}\n>>>\n\n\
             Section:\n<<<\n{{section_text}}\n>>>\n\n\
             Fix terminology to match the preferences and smooth the transition from the previous section. \
             Change nothing else: keep every sentence, fact and the length. Answer with the edited section only."
        }
        (Language::En, TemplateId::StateUser) => {
            "List what this section introduces.\n\nSection:\n<<<\n{{section_text}}\n>>>\n\n\
             Answer with one JSON object following this schema, and nothing else:\n{{schema}}"
        }
        (Language::Zh, TemplateId::PlanUser) => {
            "为一篇长文制定写作计划。\n\
             主题：{{topic}}\n目标：{{objective}}\n读者：{{audience}}\n语气：{{tone}}\n\
             总长度：约 {{target_tokens}} 个 token。\n\n\
             将其分为若干章节；为每一节给出标题、要点、必须提到的实体、约束条件，以及以 token 计的目标长度（各节目标之和应等于总长度）。\n\n\
             {{problems_block}}只输出一个符合以下 JSON schema 的 JSON 对象：\n{{schema}}"
        }
        (Language::Zh, TemplateId::SectionUser) => {
            "你正在逐节撰写一篇长文。\n\n{{plan_summary}}\n\n{{state}}\n\n\
             {{prefix_block}}请撰写下一节。\n{{section}}\n\
             长度：约 {{target_tokens}} 个 token。覆盖每个要点，提到每个必需实体，遵守约束，保持计划中的术语和叙述视角，不要重复前文。\n\n\
             {{continuation_block}}{{problems_block}}只输出该节正文，以 Markdown 标题形式的节标题开头。"
        }
        (Language::Zh, TemplateId::ConsistencyUser) => {
            "仅为保持一致性而编辑长文中的一节。\n\n{{terminology}}\n\n\
             上一节的结尾：\n<<<\n{{previous_tail}}\n>>>\n\n\
             本节：\n<<<\n{{section_text}}\n>>>\n\n\
             按术语偏好统一用词，并使与上一节的衔接更自然。其他一律不改：保留每一句话、每个事实和篇幅。只输出编辑后的本节。"
        }
        (Language::Zh, TemplateId::StateUser) => {
            "列出本节引入的内容。\n\n本节：\n<<<\n{{section_text}}\n>>>\n\n\
             只输出一个符合以下 JSON schema 的 JSON 对象：\n{{schema}}"
        }
        (Language::Zh, TemplateId::JudgeUser) => {
            "比较改写与原文段落。若改写保留了原文的每一个事实、数字、名称和代码块，没有添加事实，也没有遗漏内容（风格可以自由改变），则为忠实。\n\n\
             原文：\n<<<\n{{chunk}}\n>>>\n\n改写：\n<<<\n{{rewrite}}\n>>>\n\n\
             只用 JSON 回答：{\"faithful\": true 或 false, \"problems\": [每个问题用一句简短的话]}。"
        }
        (Language::Zh, TemplateId::JudgeClaimsUser) => {
            "逐条核对改写与原文段落。标为 REWRITE 的条目是改写中的一句：若其所述内容都由原文陈述或直接蕴含，则为有依据。\
             标为 SOURCE 的条目是原文中的一句：若其内容在改写中保留，则为有依据。换说法、调整顺序、解释和改变风格都可以；\
             增加、遗漏或改变事实（数字、名称、否定、方向、确定程度）则不行。\n\n\
             原文：\n<<<\n{{chunk}}\n>>>\n\n改写：\n<<<\n{{rewrite}}\n>>>\n\n条目：\n{{claims}}\n\n\
             只用 JSON 回答，每个条目一个结论，并引用两段文字中作为依据的原话：{\"verdicts\": [{\"claim\": 1, \
             \"supported\": true 或 false, \"source_evidence\": \"...\", \"rewrite_evidence\": \"...\"}]}。"
        }
        (Language::Zh, TemplateId::RewriteSystem) => {
            "你为训练语料逐段改写长文档。\n\
             {{style_instructions}}\n\n\
             规则：\n\
             - 保留该段落中的每一个事实、数字、名称、标识符、网址和代码块；不要添加任何事实。\n\
             - 从第一句到最后一句完整改写整个段落；不要概括。\n\
             - 围栏代码块和表格保持原样。\n\
             - 除非风格另有要求，使用段落原文的语言写作。\n\
             - 只输出改写后的段落：不要开场白、不要说明、不要用代码块包裹。"
        }
        (Language::Zh, TemplateId::RewriteUser) => {
            "{{anchor_block}}{{prefix_block}}{{context_block}}请改写以下段落：\n<<<\n{{chunk}}\n>>>"
        }
        (Language::Zh, TemplateId::RepairUser) => {
            "{{anchor_block}}{{prefix_block}}{{context_block}}请改写以下段落：\n<<<\n{{chunk}}\n>>>\n\n\
             你上一次的改写存在以下问题：\n{{findings}}\n\n\
             上一次的改写：\n<<<\n{{previous_attempt}}\n>>>\n\n\
             请重新改写，并修正上面列出的每一个问题。"
        }
        (Language::Zh, TemplateId::ContinuationUser) => {
            "请改写以下段落：\n<<<\n{{chunk}}\n>>>\n\n\
             你的改写在此处被截断：\n<<<\n{{partial}}\n>>>\n\n\
             请从截断处继续写。只输出续写部分，不要重复已写的内容。"
        }
    }
}
