//! Prompts at their boundary: every rendered prompt snapshotted (insta), and
//! template overrides refused at load time when their slots are wrong.

use chunksynth_llm::Message;
use chunksynth_prompts::{
    ContinuationInput, EarlierTurn, JudgeInput, Language, RenderedPrompt, RepairInput, RewriteInput, STYLES,
    TemplateError, TemplateId, TemplateSet, style,
};

fn show(prompt: &RenderedPrompt) -> String {
    let mut out = format!(
        "# {} v{} · style {} · {:?}\n",
        prompt.provenance.template,
        prompt.provenance.version,
        prompt.provenance.style,
        prompt.provenance.language
    );
    for Message { role, content } in &prompt.messages {
        out.push_str(&format!("\n## {role:?}\n{content}\n"));
    }
    out
}

const CHUNKS: [&str; 3] = [
    "# Ownership\n\nOwnership is Rust's most unique feature. It lets Rust make memory safety guarantees without a garbage collector.",
    "Each value in Rust has an owner. There can only be one owner at a time; when the owner goes out of scope, the value is dropped.",
    "```rust\nlet s = String::from(\"hello\");\n```\n\nHere `s` owns a `String` of 5 bytes.",
];

#[test]
fn every_style_has_both_languages_and_a_unique_name() {
    let mut names: Vec<&str> = STYLES.iter().map(|s| s.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), STYLES.len());
    for required in [
        "encyclopedic",
        "textbook",
        "plain-language",
        "expert-terse",
        "qa-interleaved",
        "narrative",
        "learning-note",
        "translate-en",
    ] {
        let s = style(required).unwrap_or_else(|| panic!("missing style {required}"));
        assert!(!s.instructions_en.is_empty() && !s.instructions_zh.is_empty());
    }
    assert!(style("nope").is_none());
}

#[test]
fn system_prompts_of_every_style_snapshot() {
    for language in [Language::En, Language::Zh] {
        let set = TemplateSet::defaults(language);
        let all: Vec<String> = STYLES
            .iter()
            .map(|s| {
                let p = set.rewrite(&RewriteInput {
                    style: s,
                    current_chunk: "x",
                    rewritten_prefix: "",
                    overlap_context: "",
                    anchor: "",
                    earlier: &[],
                });
                format!("=== {}\n{}", s.name, p.messages[0].content)
            })
            .collect();
        insta::assert_snapshot!(format!("system_prompts_{language:?}"), all.join("\n\n"));
    }
}

#[test]
fn a_three_chunk_document_snapshot() {
    for language in [Language::En, Language::Zh] {
        let set = TemplateSet::defaults(language);
        let s = style("textbook").unwrap_or_else(|| panic!("textbook"));
        let mut rewritten = String::new();
        let mut shown = Vec::new();
        for (i, chunk) in CHUNKS.iter().enumerate() {
            let prompt = set.rewrite(&RewriteInput {
                style: s,
                current_chunk: chunk,
                rewritten_prefix: &rewritten,
                overlap_context: if i > 0 { CHUNKS[i - 1] } else { "" },
                anchor: if i > 0 { "# Ownership" } else { "" },
                earlier: &[],
            });
            shown.push(show(&prompt));
            rewritten.push_str(&format!("(rewrite of chunk {i}) "));
        }
        let repair = set.repair(&RepairInput {
            rewrite: RewriteInput {
                style: s,
                current_chunk: CHUNKS[2],
                rewritten_prefix: "(rewrite of chunk 1)",
                overlap_context: "",
                anchor: "",
                earlier: &[],
            },
            previous_attempt: "Here `s` owns a string.",
            findings: &[
                "the number 5 is missing".to_owned(),
                "the inline code “String” is missing".to_owned(),
            ],
        });
        shown.push(show(&repair));
        shown.push(show(&set.judge(&JudgeInput {
            source: CHUNKS[1],
            rewrite: "Every Rust value has one owner.",
        })));
        let continuation = set.continuation(&ContinuationInput {
            style: s,
            current_chunk: CHUNKS[1],
            partial: "Every value in Rust has exactly one",
        });
        shown.push(show(&continuation));
        insta::assert_snapshot!(
            format!("three_chunks_{language:?}"),
            shown.join("\n----------------\n\n")
        );
    }
}

#[test]
fn overrides_with_wrong_slots_are_refused_when_loaded() {
    let mut set = TemplateSet::defaults(Language::En);
    let unknown = set.override_with(
        TemplateId::RewriteUser,
        "my.txt",
        "Rewrite:\n{{chunk}}\n{{chunck_typo}}",
    );
    assert!(
        matches!(&unknown, Err(TemplateError::UnknownPlaceholder { line: 3, name, .. }) if name == "chunck_typo")
    );
    let message = unknown.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("my.txt") && message.contains("allowed: anchor_block"),
        "{message}"
    );
    let missing = set.override_with(TemplateId::RepairUser, "r.txt", "Fix {{chunk}}");
    assert!(matches!(missing, Err(TemplateError::MissingPlaceholder { name, .. }) if name == "findings"));
    let unclosed = set.override_with(TemplateId::RewriteUser, "u.txt", "{{chunk}} and {{oops");
    assert!(matches!(unclosed, Err(TemplateError::Unclosed { .. })));
    let unreadable = set.override_from_file(
        TemplateId::RewriteUser,
        std::path::Path::new("/nonexistent/t.txt"),
    );
    assert!(matches!(unreadable, Err(TemplateError::Unreadable { .. })));
}

#[test]
fn an_override_renders_and_names_itself_in_provenance() {
    let dir = std::env::temp_dir().join(format!("chunksynth-prompts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("rewrite_user.txt");
    std::fs::write(&path, "{{prefix_block}}PASSAGE:\n{{chunk}}").unwrap_or_else(|e| panic!("{e}"));
    let mut set = TemplateSet::defaults(Language::En);
    set.override_from_file(TemplateId::RewriteUser, &path)
        .unwrap_or_else(|e| panic!("{e}"));
    let s = style("encyclopedic").unwrap_or_else(|| panic!("style"));
    let p = set.rewrite(&RewriteInput {
        style: s,
        current_chunk: "Body.",
        rewritten_prefix: "",
        overlap_context: "",
        anchor: "",
        earlier: &[],
    });
    assert_eq!(p.messages[1].content, "PASSAGE:\nBody.");
    assert_eq!(p.provenance.version, format!("override:{}", path.display()));
    assert_eq!(p.provenance.template, "rewrite_user");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn consecutive_prompts_share_their_static_start() {
    // Static instructions first, the chunk last: a server's prefix cache can
    // reuse the system message of every call for a document.
    let set = TemplateSet::defaults(Language::En);
    let s = style("narrative").unwrap_or_else(|| panic!("style"));
    let a = set.rewrite(&RewriteInput {
        style: s,
        current_chunk: CHUNKS[0],
        rewritten_prefix: "",
        overlap_context: "",
        anchor: "",
        earlier: &[],
    });
    let b = set.rewrite(&RewriteInput {
        style: s,
        current_chunk: CHUNKS[1],
        rewritten_prefix: "x",
        overlap_context: "y",
        anchor: "",
        earlier: &[],
    });
    assert_eq!(a.messages[0], b.messages[0]);
    assert!(b.messages[1].content.ends_with(&format!("{}\n>>>", CHUNKS[1])));
}

#[test]
fn a_conversation_prompt_extends_the_previous_prompt_and_its_answer() {
    // The conversation layout: each prompt is the previous prompt, its
    // answer, and one more user turn, so a prefix cache reuses all of it.
    let set = TemplateSet::defaults(Language::En);
    let s = style("textbook").unwrap_or_else(|| panic!("style"));
    let mut earlier: Vec<EarlierTurn> = Vec::new();
    let mut previous: Option<Vec<Message>> = None;
    for (i, chunk) in CHUNKS.iter().enumerate() {
        let p = set.rewrite(&RewriteInput {
            style: s,
            current_chunk: chunk,
            rewritten_prefix: "the rewrite before the conversation",
            overlap_context: "source before the first chunk",
            anchor: "# Ownership",
            earlier: &earlier,
        });
        assert_eq!(p.messages.len(), 2 + 2 * i);
        let last = &p.messages[p.messages.len() - 1].content;
        assert_eq!(chunksynth_prompts::last_passage(last), *chunk);
        // Only the conversation's first user turn shows the blocks.
        assert!(p.messages[1].content.contains("the rewrite before"));
        if i > 0 {
            assert!(!last.contains("the rewrite before") && !last.contains("# Ownership"));
        }
        if let Some(prev) = &previous {
            let answer = Message::assistant(format!("rewrite {}", i - 1));
            assert_eq!(&p.messages[..prev.len()], &prev[..]);
            assert_eq!(p.messages[prev.len()], answer);
        }
        earlier.push(EarlierTurn {
            passage: (*chunk).to_owned(),
            rewrite: format!("rewrite {i}"),
        });
        previous = Some(p.messages);
    }
    let repair = set.repair(&RepairInput {
        rewrite: RewriteInput {
            style: s,
            current_chunk: "next",
            rewritten_prefix: "the rewrite before the conversation",
            overlap_context: "source before the first chunk",
            anchor: "# Ownership",
            earlier: &earlier,
        },
        previous_attempt: "nxt",
        findings: &["a word is missing".to_owned()],
    });
    assert_eq!(repair.messages.len(), 2 + 2 * CHUNKS.len());
    let previous = previous.unwrap_or_default();
    assert_eq!(&repair.messages[..previous.len()], &previous[..]);
    insta::assert_snapshot!("conversation_repair", show(&repair));
}
