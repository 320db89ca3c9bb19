//! The demo's plans and sections: read from the prompt (the topic and total
//! length of a planning prompt; a section's title, key points, required
//! entities and length), answered so that the plan validates and each
//! section passes QC — it covers its key points and entities, stays on its
//! plan, is about the asked length, and repeats nothing.

use serde_json::json;

/// Sections of about this many tokens in a demo plan.
const TOKENS_PER_SECTION: usize = 300;

/// Section titles of a demo plan, in English and Chinese: two content
/// words each (a character pair in Chinese), so a paragraph about one holds
/// more than one word of its plan, as the QC's drift check asks.
const TITLES_EN: [&str; 5] = [
    "Early background",
    "Core ideas",
    "Working mechanisms",
    "Practical applications",
    "Open questions",
];
const TITLES_ZH: [&str; 5] = ["历史背景", "核心概念", "工作原理", "实际应用", "未解问题"];

/// The value after `label` on a line of `prompt` (`Topic: tea` → `tea`).
fn field<'a>(prompt: &'a str, labels: &[&str]) -> Option<&'a str> {
    prompt.lines().find_map(|l| {
        labels
            .iter()
            .find_map(|label| l.strip_prefix(label))
            .map(str::trim)
    })
}

/// The first number in `text`.
fn first_number(text: &str) -> Option<usize> {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn is_chinese(prompt: &str) -> bool {
    prompt.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// A plan for the planning prompt `user`: sections of about
/// 300 tokens adding up to the total asked, each with one
/// key point drawn from its title.
pub fn demo_plan(user: &str) -> String {
    let zh = is_chinese(user);
    let topic = field(user, &["Topic: ", "主题："]).unwrap_or("the topic");
    let total = field(user, &["Total length: ", "总长度："])
        .and_then(first_number)
        .unwrap_or(1200)
        .max(60);
    let n = total.div_ceil(TOKENS_PER_SECTION).clamp(2, TITLES_EN.len());
    let titles = if zh { TITLES_ZH } else { TITLES_EN };
    let sections: Vec<serde_json::Value> = titles[..n]
        .iter()
        .map(|title| {
            // Short: a sentence this short is never taken for a repeat of
            // another section's.
            let point = if zh {
                format!("{title}的要点")
            } else {
                format!("{title}: evidence and examples")
            };
            json!({
                "title": title,
                "key_points": [point],
                "required_entities": [],
                "constraints": [],
                "target_length": total / n,
            })
        })
        .collect();
    json!({
        "topic": topic,
        "objective": field(user, &["Objective: ", "目标："]).unwrap_or(""),
        "audience": field(user, &["Audience: ", "读者："]).unwrap_or(""),
        "tone": field(user, &["Tone: ", "语气："]).unwrap_or(""),
        "target_total_length": total,
        "sections": sections,
        "terminology_preferences": [],
        "narrative_voice": "",
        "do_not_include": [],
    })
    .to_string()
}

/// What a section prompt asks for.
struct Asked<'a> {
    title: &'a str,
    key_points: Vec<&'a str>,
    entities: Vec<&'a str>,
    tokens: usize,
    zh: bool,
}

fn asked(user: &str) -> Asked<'_> {
    let zh = is_chinese(user);
    let list = |labels: &[&str]| -> Vec<&str> {
        field(user, labels)
            .map(|v| {
                v.split(['；', ';'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    // "Section 2 of 3: Title" / "第 2 节（共 3 节）：Title"
    let title = user
        .lines()
        .find(|l| {
            (l.starts_with("Section ") && l.contains(" of ")) || (l.starts_with("第 ") && l.contains("节"))
        })
        .and_then(|l| l.split_once(": ").or_else(|| l.split_once('：')))
        .map_or("", |(_, t)| t.trim());
    Asked {
        title,
        key_points: list(&["Key points: ", "要点："]),
        entities: list(&["Required entities: ", "必须提到的实体："]),
        tokens: field(user, &["Length: ", "长度："])
            .and_then(first_number)
            .unwrap_or(TOKENS_PER_SECTION),
        zh,
    }
}

/// The parts the demo builds sentences from: an opening, a subject, a verb
/// and an object naming the section's subject (`{t}`). Sentence k takes
/// part k of each list, modulo its length; the lengths are coprime (19, 23,
/// 17, 29), so two sentences of a text share at most one part and no run of
/// five words repeats — what the QC's repetition checks look for.
struct Parts {
    openings: [&'static str; 19],
    subjects: [&'static str; 23],
    verbs: [&'static str; 17],
    objects: [&'static str; 29],
    /// Between words (a space; none in Chinese).
    gap: &'static str,
    end: &'static str,
}

const PARTS_EN: Parts = Parts {
    openings: [
        "Put simply,",
        "Seen plainly,",
        "For a newcomer,",
        "On reflection,",
        "In most accounts,",
        "At first glance,",
        "Over time,",
        "In practice,",
        "By most measures,",
        "For this reason,",
        "As a rule,",
        "Taken together,",
        "In the end,",
        "Step by step,",
        "With hindsight,",
        "On balance,",
        "From the outset,",
        "In broad terms,",
        "Looked at closely,",
    ],
    subjects: [
        "the evidence",
        "each example",
        "a careful reader",
        "the record",
        "most teachers",
        "the usual summary",
        "this account",
        "a good diagram",
        "every source",
        "the first chapter",
        "an old textbook",
        "a short survey",
        "the common view",
        "a closer look",
        "the debate",
        "a simple model",
        "the working vocabulary",
        "a later study",
        "the main argument",
        "a fair critic",
        "the next step",
        "a useful habit",
        "this outline",
    ],
    verbs: [
        "points to",
        "clarifies",
        "touches on",
        "returns to",
        "sheds light on",
        "depends on",
        "leads back to",
        "says much about",
        "rests on",
        "connects with",
        "explains",
        "frames",
        "reflects",
        "highlights",
        "builds on",
        "questions",
        "illustrates",
    ],
    objects: [
        "the core of {t}",
        "why {t} matters",
        "how {t} began",
        "what {t} changes",
        "the limits of {t}",
        "the heart of {t}",
        "the uses of {t}",
        "the story of {t}",
        "the rules behind {t}",
        "common mistakes about {t}",
        "the terms of {t}",
        "a quieter side of {t}",
        "the costs of {t}",
        "the early days of {t}",
        "the structure of {t}",
        "open problems in {t}",
        "the purpose of {t}",
        "the language of {t}",
        "everyday examples of {t}",
        "the evidence for {t}",
        "the reach of {t}",
        "the parts of {t}",
        "the sources of {t}",
        "the habits around {t}",
        "the growth of {t}",
        "the future of {t}",
        "the meaning of {t}",
        "the practice of {t}",
        "the people behind {t}",
    ],
    gap: " ",
    end: ".",
};

const PARTS_ZH: Parts = Parts {
    openings: [
        "简单地说，",
        "平心而论，",
        "对初学者而言，",
        "回头来看，",
        "在多数记载中，",
        "乍看之下，",
        "随着时间推移，",
        "在实践中，",
        "从多数标准看，",
        "正因如此，",
        "一般来说，",
        "综合来看，",
        "归根结底，",
        "循序渐进地看，",
        "事后看来，",
        "权衡之下，",
        "从一开始，",
        "大体而言，",
        "仔细观察，",
    ],
    subjects: [
        "现有证据",
        "每个例子",
        "细心的读者",
        "历史记录",
        "多数教师",
        "通常的概述",
        "这段叙述",
        "一张好图",
        "每份资料",
        "第一章",
        "旧教材",
        "一份简短的调查",
        "普遍看法",
        "进一步的考察",
        "这场争论",
        "一个简单模型",
        "常用术语",
        "后来的研究",
        "主要论点",
        "公允的批评者",
        "下一步",
        "一个好习惯",
        "这份提纲",
    ],
    verbs: [
        "指向",
        "澄清了",
        "涉及",
        "回到",
        "揭示了",
        "取决于",
        "引回",
        "说明了很多关于",
        "建立在",
        "联系着",
        "解释了",
        "勾勒出",
        "反映了",
        "突出了",
        "延伸了",
        "质疑了",
        "例示了",
    ],
    objects: [
        "{t}的核心",
        "{t}为何重要",
        "{t}如何开始",
        "{t}带来的变化",
        "{t}的局限",
        "{t}的要害",
        "{t}的用途",
        "{t}的来龙去脉",
        "{t}背后的规则",
        "关于{t}的常见误解",
        "{t}的术语",
        "{t}不太显眼的一面",
        "{t}的代价",
        "{t}的早期阶段",
        "{t}的结构",
        "{t}中的未解问题",
        "{t}的目的",
        "{t}的语言",
        "{t}的日常例子",
        "支持{t}的证据",
        "{t}的影响范围",
        "{t}的组成部分",
        "{t}的来源",
        "围绕{t}的习惯",
        "{t}的发展",
        "{t}的前景",
        "{t}的含义",
        "{t}的做法",
        "{t}背后的人",
    ],
    gap: "",
    end: "。",
};

/// Sentence `k` of the demo's sentences on `subject`.
fn sentence(parts: &Parts, k: usize, subject: &str) -> String {
    let object = parts.objects[k % parts.objects.len()].replace("{t}", subject);
    format!(
        "{}{}{}{}{}{}{}{}",
        parts.openings[k % parts.openings.len()],
        if parts.gap.is_empty() { "" } else { " " },
        parts.subjects[k % parts.subjects.len()],
        parts.gap,
        parts.verbs[k % parts.verbs.len()],
        parts.gap,
        object,
        parts.end
    )
}

/// The section's place in the plan ("Section 2 of 3" → 1), so each section
/// takes its own run of sentences.
fn section_index(user: &str) -> usize {
    user.lines()
        .find(|l| l.starts_with("Section ") || l.starts_with("第 "))
        .and_then(first_number)
        .map_or(0, |n| n.saturating_sub(1))
}

/// A section for the section prompt `user`: the title as a heading, a
/// sentence for each key point and required entity, and sentences on the
/// title until about the asked length.
pub fn demo_section(user: &str) -> String {
    let a = asked(user);
    let mut sentences: Vec<String> = Vec::new();
    for point in &a.key_points {
        sentences.push(if a.zh {
            format!("{point}。")
        } else {
            let mut c = point.chars();
            c.next()
                .map(|f| format!("{}{}.", f.to_uppercase(), c.as_str()))
                .unwrap_or_default()
        });
    }
    for entity in &a.entities {
        sentences.push(if a.zh {
            format!("{entity}在这一部分中起着重要作用。")
        } else {
            format!("{entity} plays a part in this account.")
        });
    }
    // A token is about 0.75 English words, or one to two Chinese characters.
    let wanted = if a.zh { a.tokens } else { a.tokens * 3 / 4 };
    let size = |s: &[String]| -> usize {
        if a.zh {
            s.iter().map(|x| x.chars().count()).sum()
        } else {
            s.iter().map(|x| x.split_whitespace().count()).sum()
        }
    };
    let subject = if a.title.is_empty() {
        if a.zh {
            "本主题".to_owned()
        } else {
            "this subject".to_owned()
        }
    } else if a.zh {
        a.title.to_owned()
    } else {
        a.title.to_lowercase()
    };
    let parts = if a.zh { &PARTS_ZH } else { &PARTS_EN };
    // The title in every sentence would be the section's most frequent
    // n-gram (the repetition checks cap it): a third of the sentences name
    // the whole title, the others one of its halves.
    let halves: Vec<String> = if a.zh {
        let chars: Vec<char> = subject.chars().collect();
        let mid = chars.len() / 2;
        vec![chars[..mid].iter().collect(), chars[mid..].iter().collect()]
    } else {
        // The noun, twice ("early background" → "background").
        let noun = subject.rsplit(' ').next().unwrap_or(&subject).to_owned();
        vec![noun.clone(), noun]
    };
    // Far enough apart that sections share no sentence.
    let mut k = section_index(user) * 40;
    while size(&sentences) < wanted && sentences.len() < 200 {
        let about = match k % 3 {
            0 => subject.as_str(),
            1 => halves[1].as_str(),
            _ => halves[0].as_str(),
        };
        sentences.push(sentence(parts, k, about));
        k += 1;
    }
    // Three sentences a paragraph.
    let paragraphs: Vec<String> = sentences
        .chunks(3)
        .map(|p| p.join(if a.zh { "" } else { " " }))
        .collect();
    format!("# {}\n\n{}", a.title, paragraphs.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_has_the_asked_sections_and_length() {
        let prompt = "Plan a long-form text.\nTopic: The history of tea\nObjective: x\nAudience: students\nTone: plain\nTotal length: about 900 tokens.\n\n";
        let plan: serde_json::Value = serde_json::from_str(&demo_plan(prompt)).unwrap_or_default();
        assert_eq!(plan["topic"], "The history of tea");
        assert_eq!(plan["sections"].as_array().map_or(0, Vec::len), 3);
        assert_eq!(plan["sections"][0]["target_length"], 300);
    }

    #[test]
    fn a_section_covers_its_key_points_and_entities() {
        let prompt = "You are writing a long text section by section.\n\nWrite the next section.\nSection 1 of 2: Origins\nKey points: Tea was first drunk in China\nRequired entities: Yunnan; Shen Nong\nLength: about 120 tokens.";
        let text = demo_section(prompt);
        assert!(text.starts_with("# Origins\n\n"), "{text}");
        for want in ["Tea was first drunk in China", "Yunnan", "Shen Nong"] {
            assert!(text.contains(want), "{want}: {text}");
        }
        let words = text.split_whitespace().count();
        assert!((70..=140).contains(&words), "{words} words: {text}");
    }
}
