//! The generation pipeline with a scripted model answering by task (the
//! seed's StubLLM): planning, repair of malformed plans, sections in several
//! calls, the guarded consistency pass, and a QC report that flags every
//! planted defect.

use std::sync::Arc;

use chunksynth_chunking::{Tokenizer, TokenizerSpec};
use chunksynth_generation::{
    ChunkWiseGenerationPipeline, GenerationConfig, GenerationError, GenerationInput, GenerationPlan,
    PlanError, TopicSpec, plan_schema, section_qc,
};
use chunksynth_llm::{ChatRequest, FinishReason, ScriptedModel, TaskKind};

fn words() -> Arc<dyn Tokenizer> {
    "words"
        .parse::<TokenizerSpec>()
        .and_then(|s| s.load())
        .unwrap_or_else(|e| panic!("{e}"))
}

const PLAN: &str = r#"{
  "topic": "The history of the Rust language",
  "objective": "Explain how Rust came to be",
  "audience": "programmers",
  "tone": "plain",
  "target_total_length": 90,
  "sections": [
    {"title": "Origins", "key_points": ["Graydon Hoare started Rust as a personal project"],
     "required_entities": ["Graydon Hoare", "Mozilla"], "constraints": [], "target_length": 45},
    {"title": "Stability", "key_points": ["Rust 1.0 shipped in 2015 with a stability promise"],
     "required_entities": ["Rust 1.0"], "constraints": [], "target_length": 45}
  ],
  "terminology_preferences": [{"preferred": "borrow checker", "avoid": ["borrowck"]}],
  "narrative_voice": "third person",
  "do_not_include": ["garbage collector"]
}"#;

const ORIGINS: &str = "# Origins\n\nGraydon Hoare started Rust as a personal project in 2006, building a compiler in his spare time. Mozilla began sponsoring the work in 2009 because it wanted a safer systems language for its browser engine, and a small team formed around it.";
const STABILITY: &str = "# Stability\n\nRust 1.0 shipped in May 2015 with a stability promise: code that compiled on 1.0 would keep compiling. The borrow checker matured, and the six-week release train kept new versions arriving on a predictable schedule.";

/// Answers each task as the seed's StubLLM did.
fn stub() -> ScriptedModel {
    ScriptedModel::text(|req| match req.task {
        TaskKind::PlanGeneration => PLAN.to_owned(),
        TaskKind::SectionGeneration | TaskKind::Repair => {
            if req.last_user_text().contains("Section 1 of 2") {
                ORIGINS.to_owned()
            } else {
                STABILITY.to_owned()
            }
        }
        TaskKind::ConsistencyPass => between(req, "Section:\n<<<\n"),
        TaskKind::StateExtraction => {
            r#"{"entities": ["Servo"], "terms": [], "timeline": ["2009"], "open_threads": []}"#.to_owned()
        }
        _ => String::new(),
    })
}

fn between(req: &ChatRequest, marker: &str) -> String {
    let user = req.last_user_text();
    let start = user.find(marker).map_or(0, |i| i + marker.len());
    let end = user[start..].find("\n>>>").map_or(user.len(), |e| start + e);
    user[start..end].to_owned()
}

fn pipeline(model: ScriptedModel, config: GenerationConfig) -> ChunkWiseGenerationPipeline {
    ChunkWiseGenerationPipeline::new(Arc::new(model), words(), config)
}

fn topic() -> TopicSpec {
    TopicSpec {
        topic: "The history of the Rust language".into(),
        objective: "Explain how Rust came to be".into(),
        target_tokens: 90,
        audience: "programmers".into(),
        tone: "plain".into(),
    }
}

#[tokio::test]
async fn a_topic_becomes_a_plan_then_sections_with_a_passing_report() {
    let model = stub();
    let p = pipeline(model.clone(), GenerationConfig::default());
    let result = p
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.plan.sections.len(), 2);
    assert_eq!(result.final_text, format!("{ORIGINS}\n\n{STABILITY}"));
    assert!(
        result.qc_report.passed,
        "{:#?}",
        result
            .qc_report
            .sections
            .iter()
            .map(|s| &s.findings)
            .collect::<Vec<_>>()
    );
    let tasks: Vec<TaskKind> = model.requests().iter().map(|r| r.task).collect();
    assert_eq!(
        tasks,
        [
            TaskKind::PlanGeneration,
            TaskKind::SectionGeneration,
            TaskKind::ConsistencyPass,
            TaskKind::SectionGeneration,
            TaskKind::ConsistencyPass
        ]
    );
    assert!(
        model.requests()[0].response_schema.is_some(),
        "the plan is asked for through structured output"
    );
    // The state table saw both sections.
    let names: Vec<&str> = result.state.entities.iter().map(|e| e.name.as_str()).collect();
    assert!(
        names.contains(&"Graydon Hoare") && names.contains(&"Rust 1.0"),
        "{names:?}"
    );
    assert_eq!(result.state.timeline, ["2006", "2009", "2015"]);
    assert!(
        result.state.key_points_remaining.is_empty(),
        "{:?}",
        result.state.key_points_remaining
    );
    // The second section's prompt carries the first one's tail and the state.
    let second = model.requests()[3].last_user_text().to_owned();
    assert!(
        second.contains("for its browser engine, and a small team formed around it."),
        "{second}"
    );
    assert!(second.contains("Entities introduced: ") && second.contains("Graydon Hoare"));
    assert!(result.usage.prompt_tokens > 0);
}

/// A model that restates its section's heading (the prompt asks for the
/// title as a heading; the draft gives it twice, and a continuation call
/// would give it again): the text keeps one heading and QC finds nothing.
#[tokio::test]
async fn a_draft_echoing_its_heading_gives_one_heading_and_no_finding() {
    let model = ScriptedModel::text(|req| match req.task {
        TaskKind::PlanGeneration => PLAN.to_owned(),
        TaskKind::SectionGeneration | TaskKind::Repair => {
            let section = if req.last_user_text().contains("Section 1 of 2") {
                ORIGINS
            } else {
                STABILITY
            };
            let heading = section.lines().next().unwrap_or_default();
            format!("{heading}\n\n{section}")
        }
        TaskKind::ConsistencyPass => between(req, "Section:\n<<<\n"),
        _ => String::new(),
    });
    let result = pipeline(model.clone(), GenerationConfig::default())
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.final_text, format!("{ORIGINS}\n\n{STABILITY}"));
    for s in &result.qc_report.sections {
        assert!(s.findings.is_empty(), "{}: {:?}", s.title, s.findings);
    }
    // No redraft was asked for.
    let sections = model
        .requests()
        .iter()
        .filter(|r| matches!(r.task, TaskKind::SectionGeneration | TaskKind::Repair))
        .count();
    assert_eq!(sections, 2);
}

#[tokio::test]
async fn model_extracted_state_is_merged() {
    let config = GenerationConfig {
        state_mode: chunksynth_generation::StateMode::Model,
        ..GenerationConfig::default()
    };
    let p = pipeline(stub(), config);
    let result = p
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(result.state.entities.iter().any(|e| e.name == "Servo"));
}

#[test]
fn plan_errors_name_the_field_and_where_it_is() {
    let wrong_type =
        GenerationPlan::from_json(r#"{"topic": "x", "target_total_length": "long", "sections": []}"#);
    let msg = wrong_type.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        msg.contains("`target_total_length`") && msg.contains("invalid type"),
        "{msg}"
    );
    let missing = GenerationPlan::from_json(r#"{"topic": "x", "target_total_length": 10}"#);
    let msg = missing.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("missing field `sections`"), "{msg}");
    let nested = GenerationPlan::from_json(
        r#"{"topic": "x", "target_total_length": 10, "sections": [{"title": "a", "target_length": 5}, {"title": "b", "target_length": -3}]}"#,
    );
    let msg = nested.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("`sections[1].target_length`"), "{msg}");
    let unknown = GenerationPlan::from_json(
        r#"{"topic": "x", "target_total_length": 10, "sections": [], "sectons": []}"#,
    );
    assert!(
        unknown
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("unknown field `sectons`")
    );
    let empty = GenerationPlan::from_json(
        r#"{"topic": "x", "target_total_length": 10, "sections": [{"title": " ", "target_length": 5}]}"#,
    );
    assert_eq!(
        empty.err(),
        Some(PlanError::Invalid {
            path: "sections[0].title".into(),
            message: "must not be empty".into()
        })
    );
    assert!(GenerationPlan::from_json(PLAN).is_ok());
}

#[test]
fn the_schema_is_published_with_its_required_fields() {
    let schema = plan_schema();
    assert_eq!(
        schema["required"],
        serde_json::json!(["topic", "target_total_length", "sections"])
    );
    assert_eq!(
        schema["properties"]["sections"]["items"]["required"],
        serde_json::json!(["title", "target_length"])
    );
}

#[tokio::test]
async fn a_malformed_plan_is_repaired_or_fails_with_a_reason() {
    let repaired = ScriptedModel::text(|req| match (req.task, req.metadata.attempt) {
        (TaskKind::PlanGeneration, _) => {
            "Sure! Here is the plan: {\"topic\": \"x\", \"sections\": ".to_owned()
        }
        (TaskKind::Repair, 2) if req.last_user_text().contains("not a valid plan") => {
            format!("```json\n{PLAN}\n```")
        }
        (TaskKind::ConsistencyPass, _) => between(req, "Section:\n<<<\n"),
        _ => ORIGINS.to_owned(),
    });
    let p = pipeline(repaired.clone(), GenerationConfig::default());
    let result = p.run(GenerationInput::Topic(topic())).await;
    assert!(result.is_ok(), "{:?}", result.err());
    assert_eq!(repaired.requests()[1].task, TaskKind::Repair);

    let hopeless = ScriptedModel::text(|_| "{\"topic\": 5}".to_owned());
    let err = pipeline(hopeless, GenerationConfig::default())
        .run(GenerationInput::Topic(topic()))
        .await
        .err();
    let Some(GenerationError::Plan { attempts: 2, reason }) = err else {
        panic!("expected a plan error, got {err:?}")
    };
    assert!(
        reason.contains("`topic`") && reason.contains("invalid type"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_long_section_is_written_in_several_calls() {
    let model = ScriptedModel::new(|req: &ChatRequest| {
        let text = match req.task {
            TaskKind::ConsistencyPass => between(req, "Section:\n<<<\n"),
            _ => "Graydon Hoare and Mozilla built Rust step by step, one release after another, over many years".to_owned(),
        };
        let finish = if req.task == TaskKind::SectionGeneration {
            FinishReason::Length
        } else {
            FinishReason::Stop
        };
        Ok(ScriptedModel::reply(req, text, finish))
    });
    let mut plan = GenerationPlan::from_json(PLAN).unwrap_or_else(|e| panic!("{e}"));
    plan.sections.truncate(1);
    plan.sections[0].target_length = 60;
    let config = GenerationConfig {
        max_tokens_per_call: 20,
        max_section_attempts: 1,
        ..GenerationConfig::default()
    };
    let p = pipeline(model.clone(), config);
    let result = p
        .run(GenerationInput::Plan(plan))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        result.sections[0].calls, 4,
        "60 tokens at 20 a call: 3 calls plus one spare"
    );
    let continuation = model.requests()[1].last_user_text().to_owned();
    assert!(
        continuation.contains("This section so far (continue it exactly where it stops"),
        "{continuation}"
    );
    let section_calls: Vec<ChatRequest> = model
        .requests()
        .into_iter()
        .filter(|r| r.task == TaskKind::SectionGeneration)
        .collect();
    assert!(
        section_calls
            .iter()
            .all(|r| r.sampling.max_tokens.unwrap_or(0) <= 20)
    );
}

#[tokio::test]
async fn the_consistency_pass_is_applied_or_reverted_and_recorded() {
    let borrowck = STABILITY.replace("The borrow checker", "The borrowck");
    let with_borrowck = borrowck.clone();
    let fixing = ScriptedModel::text(move |req| match req.task {
        TaskKind::PlanGeneration => PLAN.to_owned(),
        TaskKind::ConsistencyPass => between(req, "Section:\n<<<\n").replace("borrowck", "borrow checker"),
        _ if req.last_user_text().contains("Section 1 of 2") => ORIGINS.to_owned(),
        _ => with_borrowck.clone(),
    });
    let config = GenerationConfig {
        max_section_attempts: 1,
        ..GenerationConfig::default()
    };
    let result = pipeline(fixing, config.clone())
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        result.sections[1].consistency,
        chunksynth_generation::ConsistencyOutcome::Applied
    );
    assert!(result.final_text.contains("The borrow checker matured"));

    let rewriting = ScriptedModel::text(move |req| match req.task {
        TaskKind::PlanGeneration => PLAN.to_owned(),
        TaskKind::ConsistencyPass => {
            "Something else entirely, written from scratch by an overeager editor.".to_owned()
        }
        _ if req.last_user_text().contains("Section 1 of 2") => ORIGINS.to_owned(),
        _ => borrowck.clone(),
    });
    let result = pipeline(rewriting, config)
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let outcome = format!("{:?}", result.sections[1].consistency);
    assert!(
        outcome.contains("Reverted") && outcome.contains("changed too much"),
        "{outcome}"
    );
    assert!(result.final_text.contains("The borrowck matured"));
    assert!(!result.qc_report.passed, "the terminology issue stays flagged");
}

#[test]
fn qc_flags_every_planted_defect() {
    let plan = GenerationPlan::from_json(PLAN).unwrap_or_else(|e| panic!("{e}"));
    let tok = words();
    let spec = &plan.sections[0];
    let clean = section_qc(&plan, spec, ORIGINS, &[], tok.as_ref());
    assert!(clean.passed, "{:?}", clean.findings);

    let missing_entity = ORIGINS.replace("Mozilla", "A company");
    let qc = section_qc(&plan, spec, &missing_entity, &[], tok.as_ref());
    assert_eq!(qc.missing_entities, ["Mozilla"]);
    assert!(
        qc.findings
            .contains(&"the entity “Mozilla” is never named".to_owned())
    );

    let paragraph = ORIGINS.split("\n\n").nth(1).unwrap_or("");
    let repeated = format!("{ORIGINS}\n\n{paragraph}\n\n{paragraph}\n\n{paragraph}");
    let mut long_spec = spec.clone();
    long_spec.target_length = chunksynth_quality::text::word_count(&repeated);
    let qc = section_qc(&plan, &long_spec, &repeated, &[], tok.as_ref());
    assert!(
        qc.repetition.as_ref().is_some_and(|r| !r.passed()),
        "{:?}",
        qc.repetition
    );
    assert!(
        qc.findings
            .iter()
            .any(|f| f.starts_with("the section repeats itself"))
    );

    let over = format!(
        "{ORIGINS} {}",
        "More words that pad the section well past its target length. ".repeat(12)
    );
    let qc = section_qc(&plan, spec, &over, &[], tok.as_ref());
    assert!(
        qc.length_score < 70.0
            && qc
                .findings
                .iter()
                .any(|f| f.starts_with("the section is too long")),
        "{:?}",
        qc.findings
    );

    let under = "# Origins\n\nGraydon Hoare started Rust as a personal project; Mozilla helped.";
    let qc = section_qc(&plan, spec, under, &[], tok.as_ref());
    assert!(
        qc.findings
            .iter()
            .any(|f| f.starts_with("the section is too short")),
        "{:?}",
        qc.findings
    );

    let banned = ORIGINS.replace("a compiler", "a compiler without a garbage collector");
    let qc = section_qc(&plan, spec, &banned, &[], tok.as_ref());
    assert_eq!(qc.banned_hits, ["garbage collector"]);

    let off_term = format!("{ORIGINS} The borrowck was young.");
    let qc = section_qc(&plan, spec, &off_term, &[], tok.as_ref());
    assert_eq!(
        qc.terminology_issues,
        [("borrowck".to_owned(), "borrow checker".to_owned())]
    );

    let same_again = section_qc(&plan, spec, ORIGINS, &[ORIGINS], tok.as_ref());
    assert!(
        same_again
            .findings
            .iter()
            .any(|f| f.starts_with("the section repeats the previous one"))
    );

    let missing_point = ORIGINS.replace("Graydon Hoare started Rust as a personal project", "Work began");
    let qc = section_qc(&plan, spec, &missing_point, &[], tok.as_ref());
    assert_eq!(
        qc.missing_key_points,
        ["Graydon Hoare started Rust as a personal project"]
    );
    assert!(!qc.passed, "{:?}", qc.findings);
    // Asked to, a key point not found by its words is a suspicion, not a
    // redraft.
    let lenient = chunksynth_generation::QcThresholds {
        key_points_as_suspicions: true,
        ..Default::default()
    };
    let qc = chunksynth_generation::section_qc_in(
        &plan,
        spec,
        &missing_point,
        &[],
        tok.as_ref(),
        &lenient,
        chunksynth_prompts::Language::En,
    );
    assert!(
        qc.findings.iter().all(|f| !f.contains("Graydon Hoare started")),
        "{:?}",
        qc.findings
    );
    assert_eq!(qc.suspicions.len(), 1, "{:?}", qc.suspicions);
}

#[tokio::test]
async fn prompts_snapshot() {
    let model = stub();
    let p = pipeline(model.clone(), GenerationConfig::default());
    p.run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<String> = model
        .requests()
        .iter()
        .map(|r| {
            format!(
                "## {:?} (max_tokens {:?})\n{}",
                r.task,
                r.sampling.max_tokens,
                r.last_user_text()
            )
        })
        .collect();
    insta::assert_snapshot!(shown.join("\n\n"));
}

/// The QC suite over realistic good and one-defect sections.
#[path = "qc_suite/suite.rs"]
mod qc_suite;

#[tokio::test]
async fn a_redraft_quotes_the_repeat_and_the_loop_and_every_draft_is_kept() {
    // The first draft of section 2 copies section 1's opening and loops on
    // its last sentence; the redraft (asked with the findings) is good.
    let looping = format!(
        "{STABILITY}\n\nGraydon Hoare started Rust as a personal project in 2006, building a compiler in his spare time. \
         The schedule held. The release train kept every version on time. The release train kept every version on time. \
         The release train kept every version on time."
    );
    let model = ScriptedModel::text(move |req| match req.task {
        TaskKind::PlanGeneration => PLAN.to_owned(),
        TaskKind::SectionGeneration if req.last_user_text().contains("Section 1 of 2") => ORIGINS.to_owned(),
        TaskKind::SectionGeneration => looping.clone(),
        TaskKind::Repair => STABILITY.to_owned(),
        TaskKind::ConsistencyPass => between(req, "Section:\n<<<\n"),
        _ => String::new(),
    });
    let config = GenerationConfig {
        consistency_pass: false,
        ..GenerationConfig::default()
    };
    let result = pipeline(model.clone(), config)
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let repair = model
        .requests()
        .into_iter()
        .find(|r| r.task == TaskKind::Repair)
        .unwrap_or_else(|| panic!("a redraft was asked for"));
    let user = repair.last_user_text();
    let problems = user
        .split("A previous draft of this section had these problems; avoid them:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default();
    insta::assert_snapshot!(problems);
    let drafts = &result.sections[1].drafts;
    assert_eq!(drafts.len(), 2);
    assert!(!drafts[0].passed && drafts[1].passed, "{drafts:?}");
    assert!(
        drafts[0]
            .findings
            .iter()
            .any(|f| f.starts_with("the section loops"))
    );
    assert_eq!(result.sections[1].text, STABILITY);
}

const PLAN_ZH: &str = r#"{
  "topic": "茶的历史", "objective": "介绍茶如何传到世界各地", "audience": "中学生", "tone": "平实",
  "target_total_length": 120,
  "sections": [
    {"title": "起源", "key_points": ["茶最早在中国西南饮用"], "required_entities": ["云南"], "constraints": ["不超过三段"], "target_length": 60},
    {"title": "传播", "key_points": ["茶沿商路传到西藏"], "required_entities": ["西藏"], "target_length": 60}
  ],
  "terminology_preferences": [{"preferred": "茶树", "avoid": ["茶丛"]}],
  "narrative_voice": "第三人称",
  "do_not_include": ["咖啡", "可可"]
}"#;

#[tokio::test]
async fn a_chinese_redraft_quotes_the_qc_findings_in_chinese() {
    // The first draft of section 1 never names 云南; the redraft prompt
    // says so in Chinese, with no English around it.
    let first = "# 起源\n\n茶最早在中国西南饮用，那里的山林里至今还生长着野生的茶树。人们最初把它当作药物，用来提神和治疗头痛；后来才慢慢变成日常的饮品，出现在家家户户的餐桌上。";
    let model = ScriptedModel::text(move |req| {
        match req.task {
        TaskKind::PlanGeneration => PLAN_ZH.to_owned(),
        TaskKind::ConsistencyPass => between(req, "本节：\n<<<\n"),
        _ if req.last_user_text().contains("上一稿有以下问题") => first.replace("那里", "云南"),
        _ if req.last_user_text().contains("第 1 节") => first.to_owned(),
        _ => "# 传播\n\n后来，茶沿着商路传到西藏。马帮翻山越岭，把压紧的茶砖运到高原，商人用茶叶换取当地的良马，这条漫长而艰险的道路因此被称为茶马古道，沿用了许多世纪。".to_owned(),
    }
    });
    let config = GenerationConfig {
        language: chunksynth_prompts::Language::Zh,
        ..GenerationConfig::default()
    };
    let result = pipeline(model.clone(), config)
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let redraft = model
        .requests()
        .iter()
        .map(|r| r.last_user_text().to_owned())
        .find(|t| t.contains("上一稿有以下问题"))
        .unwrap_or_else(|| panic!("no redraft"));
    assert!(redraft.contains("没有提到“云南”"), "{redraft}");
    let without_loanwords = redraft.replace("token", "").replace("Markdown", "");
    let english: Vec<&str> = without_loanwords
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .collect();
    assert!(english.is_empty(), "{english:?}\n{redraft}");
    assert!(
        result.sections[0].drafts[0]
            .findings
            .iter()
            .any(|f| f == "没有提到“云南”")
    );
}

#[tokio::test]
async fn chinese_generation_prompts_are_chinese_throughout() {
    let model = ScriptedModel::text(|req| match req.task {
        TaskKind::PlanGeneration => PLAN_ZH.to_owned(),
        TaskKind::SectionGeneration | TaskKind::Repair => {
            if req.last_user_text().contains("第 1 节") {
                "# 起源\n\n茶最早在中国西南饮用，云南的山林里至今还生长着野生的茶树。人们最初把它当作药物，用来提神和治疗头痛；后来才慢慢变成日常的饮品，出现在家家户户的餐桌上。".to_owned()
            } else {
                "# 传播\n\n后来，茶沿着商路传到西藏。马帮翻山越岭，把压紧的茶砖运到高原，商人用茶叶换取当地的良马，这条漫长而艰险的道路因此被称为茶马古道，沿用了许多世纪。".to_owned()
            }
        }
        TaskKind::ConsistencyPass => between(req, "本节：\n<<<\n"),
        _ => String::new(),
    });
    let config = GenerationConfig {
        language: chunksynth_prompts::Language::Zh,
        ..GenerationConfig::default()
    };
    pipeline(model.clone(), config)
        .run(GenerationInput::Topic(topic()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let requests = model.requests();
    let shown: Vec<String> = requests
        .iter()
        .map(|r| format!("## {:?}\n{}", r.task, r.last_user_text()))
        .collect();
    insta::assert_snapshot!(shown.join("\n\n"));
    // Beyond the plan prompt (which carries the JSON schema and the topic
    // spec as given), no English word: "token" and "Markdown" are the
    // templates' own loanwords.
    for r in requests.iter().filter(|r| r.task != TaskKind::PlanGeneration) {
        let text = r.last_user_text().replace("token", "").replace("Markdown", "");
        let english: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 3)
            .collect();
        assert!(
            english.is_empty(),
            "{:?} prompt has English: {english:?}\n{text}",
            r.task
        );
    }
}
