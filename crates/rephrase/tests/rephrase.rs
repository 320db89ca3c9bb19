//! The rephrase pipeline with scripted models: lossless stitching, the
//! rolling prefix window, the fidelity gate with repair, every failure policy,
//! truncation and context overflow.

mod fidelity_suite;

use std::sync::Arc;

use chunksynth_chunking::{Tokenizer, TokenizerSpec};
use chunksynth_llm::{ChatRequest, ErrorKind, FinishReason, LlmError, ScriptedModel, TaskKind};
use chunksynth_prompts::{Language, Style, TemplateSet, style};
use chunksynth_rephrase::{
    ChunkOutcome, ChunkWiseRephrasePipeline, EchoRewriteModel, FailurePolicy, LlmRewriteModel,
    PipelineConfig, RephraseError, RewriteModel, RewriteOutput, RewriteRequest, WindowLayout, choose_styles,
    strip_chatter,
};

fn words() -> Arc<dyn Tokenizer> {
    "words"
        .parse::<TokenizerSpec>()
        .and_then(|s| s.load())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn o200k() -> Arc<dyn Tokenizer> {
    "o200k"
        .parse::<TokenizerSpec>()
        .and_then(|s| s.load())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn textbook() -> &'static Style {
    style("textbook").unwrap_or_else(|| panic!("textbook style"))
}

fn fixtures() -> [(&'static str, &'static str); 4] {
    [
        (
            "markdown",
            include_str!("../../chunking/tests/fixtures/markdown.md"),
        ),
        (
            "manpage",
            include_str!("../../chunking/tests/fixtures/manpage.txt"),
        ),
        ("cjk", include_str!("../../chunking/tests/fixtures/cjk.txt")),
        ("crlf", include_str!("../../chunking/tests/fixtures/crlf.txt")),
    ]
}

fn pipeline(model: Arc<dyn RewriteModel>, config: PipelineConfig) -> ChunkWiseRephrasePipeline {
    ChunkWiseRephrasePipeline::new(model, o200k(), config).unwrap_or_else(|e| panic!("{e}"))
}

/// The rewrite model the seed's example uses: echo the chunk. Stitching
/// gives every fixture back byte for byte (the copy check is off here: this
/// is about the seams).
#[tokio::test]
async fn an_echo_model_reproduces_every_fixture_byte_for_byte() {
    let p = pipeline(
        Arc::new(EchoRewriteModel),
        PipelineConfig {
            chunk_tokens: 120,
            fidelity: copies_allowed(),
            ..PipelineConfig::default()
        },
    );
    for (name, text) in fixtures() {
        let result = p
            .run(text, textbook())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(result.text, text, "{name}");
        assert!(result.chunks.len() > 1, "{name} should be several chunks");
        for c in &result.chunks {
            let findings: Vec<&String> = c.attempts.iter().flat_map(|a| &a.findings).collect();
            let outcome_ok = matches!(c.outcome, ChunkOutcome::Passed | ChunkOutcome::Skipped);
            assert!(
                outcome_ok,
                "{name} chunk {}: identity failed the gate: {findings:?}",
                c.index
            );
        }
    }
}

/// A copy is not a rewrite: under the default gate no chunk with prose in
/// it passes when the model echoes it, and each carries its copy ratio.
#[tokio::test]
async fn an_echo_model_passes_no_chunk_of_prose() {
    let p = pipeline(
        Arc::new(EchoRewriteModel),
        PipelineConfig {
            chunk_tokens: 120,
            max_attempts: 2,
            ..PipelineConfig::default()
        },
    );
    let mut judged = 0;
    for (name, text) in fixtures() {
        let result = p
            .run(text, textbook())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for c in result
            .chunks
            .iter()
            .filter(|c| c.outcome != ChunkOutcome::Skipped)
        {
            let body = &text[c.body.clone()];
            let report = c.fidelity.as_ref().unwrap_or_else(|| panic!("{name}: no report"));
            if chunksynth_quality::copy_ratio(body, body).judged {
                judged += 1;
                assert!(
                    report.copy_ratio > 0.9,
                    "{name} chunk {}: {}",
                    c.index,
                    report.copy_ratio
                );
                assert_eq!(c.outcome, ChunkOutcome::KeptBest, "{name} chunk {}", c.index);
                assert_eq!(c.attempts.len(), 2, "{name} chunk {}: one repair", c.index);
                let failed: Vec<chunksynth_quality::CheckKind> = report.failed_checks().collect();
                assert_eq!(failed, [chunksynth_quality::CheckKind::NotRestyled], "{name}");
            }
        }
    }
    assert!(judged >= 8, "only {judged} chunks of prose");
}

#[tokio::test]
async fn an_upper_casing_model_gives_to_uppercase_byte_for_byte() {
    let model =
        ScriptedModel::text(|req| chunksynth_prompts::last_passage(req.last_user_text()).to_uppercase());
    let rewrite = LlmRewriteModel::new(Arc::new(model), TemplateSet::defaults(Language::En));
    let p = pipeline(
        Arc::new(rewrite),
        PipelineConfig {
            chunk_tokens: 150,
            max_attempts: 1,
            ..PipelineConfig::default()
        },
    );
    for (name, text) in fixtures() {
        let result = p
            .run(text, textbook())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(result.text, text.to_uppercase(), "{name}");
    }
}

/// Records every request it gets and answers with a marked copy.
struct Recording(std::sync::Mutex<Vec<(String, String)>>);

impl RewriteModel for Recording {
    fn rewrite<'a>(
        &'a self,
        r: &'a RewriteRequest<'a>,
    ) -> chunksynth_llm::BoxFuture<'a, Result<RewriteOutput, LlmError>> {
        let text = format!("R{}: {}", r.chunk_index, r.current_chunk);
        if let Ok(mut log) = self.0.lock() {
            log.push((r.rewritten_prefix.to_owned(), text.clone()));
        }
        Box::pin(async move {
            Ok(RewriteOutput {
                text,
                finish_reason: FinishReason::Stop,
                usage: Default::default(),
                calls: 1,
                prompt: None,
            })
        })
    }
}

#[tokio::test]
async fn each_prompt_carries_the_tail_of_the_previous_rewrite_within_the_window() {
    let model = Arc::new(Recording(std::sync::Mutex::new(Vec::new())));
    let window = 20;
    let p = ChunkWiseRephrasePipeline::new(
        model.clone(),
        words(),
        PipelineConfig {
            chunk_tokens: 40,
            prefix_window_tokens: window,
            window_layout: WindowLayout::Rolling,
            fidelity: chunksynth_quality::FidelityConfig {
                disabled: chunksynth_quality::CheckKind::ALL.to_vec(),
                ..Default::default()
            },
            ..PipelineConfig::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = include_str!("../../chunking/tests/fixtures/markdown.md");
    p.run(text, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    let log = model.0.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(log.len() > 3);
    assert_eq!(log[0].0, "", "the first chunk has nothing before it");
    for k in 1..log.len() {
        let (prefix, _) = &log[k];
        let previous_rewrite = &log[k - 1].1;
        assert!(!prefix.is_empty());
        assert!(
            words().count(prefix) <= window,
            "request {k}: prefix over the window"
        );
        // The window ends with the end of rewrite k-1 (plus source separators).
        let tail: String = previous_rewrite
            .trim_end()
            .chars()
            .rev()
            .take(10)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(
            prefix.trim_end().ends_with(&tail),
            "request {k}: {prefix:?} does not end with {tail:?}"
        );
    }
}

const SOURCE: &str = "In 2024 the team shipped 42 releases of Chunksynth. Each release was tested on 3 machines before it went out to users.";

/// The gate without the copy check: the scripted answers below repeat
/// their sources on purpose, to test what follows a gate decision.
fn copies_allowed() -> chunksynth_quality::FidelityConfig {
    chunksynth_quality::FidelityConfig {
        disabled: vec![chunksynth_quality::CheckKind::NotRestyled],
        ..Default::default()
    }
}

fn scripted_pipeline(model: ScriptedModel, policy: FailurePolicy) -> ChunkWiseRephrasePipeline {
    scripted_pipeline_with(model, policy, copies_allowed())
}

fn scripted_pipeline_with(
    model: ScriptedModel,
    policy: FailurePolicy,
    fidelity: chunksynth_quality::FidelityConfig,
) -> ChunkWiseRephrasePipeline {
    let rewrite = LlmRewriteModel::new(Arc::new(model), TemplateSet::defaults(Language::En));
    pipeline(
        Arc::new(rewrite),
        PipelineConfig {
            on_failure: policy,
            fidelity,
            ..PipelineConfig::default()
        },
    )
}

#[tokio::test]
async fn a_fidelity_failure_triggers_a_repair_prompt_naming_the_finding() {
    let model = ScriptedModel::text(|req| {
        match req.task {
        TaskKind::Rewrite => "In 2024 the team shipped many releases of Chunksynth. Every release was tested on 3 machines before it reached users.".into(),
        _ => "In 2024 the team shipped 42 releases of Chunksynth. Every release was tested on 3 machines before it reached users.".into(),
    }
    });
    let p = scripted_pipeline(model.clone(), FailurePolicy::KeepBest);
    let result = p.run(SOURCE, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    let requests = model.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].task, TaskKind::Repair);
    assert!(
        requests[1].last_user_text().contains("the number 42 is missing"),
        "{}",
        requests[1].last_user_text()
    );
    let chunk = &result.chunks[0];
    assert_eq!(chunk.outcome, ChunkOutcome::Passed);
    assert_eq!(chunk.attempts.len(), 2);
    assert!(!chunk.attempts[0].passed && chunk.attempts[1].passed);
    assert!(result.text.contains("42 releases"));
}

fn always_bad() -> ScriptedModel {
    ScriptedModel::text(|req| {
        match req.metadata.attempt {
        1 => "In 2024 the team shipped 41 releases of Chunksynth. Each release was tested on 3 machines before it went out.".into(),
        _ => "The team shipped releases.".into(),
    }
    })
}

#[tokio::test]
async fn keep_best_keeps_and_records_the_best_attempt() {
    let p = scripted_pipeline(always_bad(), FailurePolicy::KeepBest);
    let result = p.run(SOURCE, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    let chunk = &result.chunks[0];
    assert_eq!(chunk.outcome, ChunkOutcome::KeptBest);
    assert_eq!(chunk.attempts.len(), 3);
    assert!(
        result.text.contains("41 releases"),
        "the best attempt is the first: {}",
        result.text
    );
    assert!(chunk.fidelity.as_ref().is_some_and(|f| !f.passed));
}

#[tokio::test]
async fn fall_back_to_source_keeps_the_source_and_says_so() {
    let p = scripted_pipeline(always_bad(), FailurePolicy::FallBackToSource);
    let result = p.run(SOURCE, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.text, SOURCE);
    assert_eq!(result.chunks[0].outcome, ChunkOutcome::FellBackToSource);
}

#[tokio::test]
async fn fail_document_fails_with_the_findings() {
    let p = scripted_pipeline(always_bad(), FailurePolicy::FailDocument);
    let err = p.run(SOURCE, textbook()).await.err();
    let Some(RephraseError::FidelityFailed {
        chunk: 0,
        attempts: 3,
        findings,
    }) = err
    else {
        panic!("expected FidelityFailed, got {err:?}")
    };
    assert!(findings.iter().any(|f| f.contains("42")), "{findings:?}");
}

#[tokio::test]
async fn a_truncated_answer_is_continued() {
    let model = ScriptedModel::new(|req: &ChatRequest| {
        let (text, finish) = match req.task {
            TaskKind::Continuation => (
                " Each release was tested on 3 machines before it went out to users.",
                FinishReason::Stop,
            ),
            _ => (
                "In 2024 the team shipped 42 releases of Chunksynth.",
                FinishReason::Length,
            ),
        };
        Ok(ScriptedModel::reply(req, text.to_owned(), finish))
    });
    let p = scripted_pipeline(model.clone(), FailurePolicy::FailDocument);
    let result = p.run(SOURCE, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.text, SOURCE);
    let tasks: Vec<TaskKind> = model.requests().iter().map(|r| r.task).collect();
    assert_eq!(tasks, [TaskKind::Rewrite, TaskKind::Continuation]);
    assert!(
        model.requests()[1]
            .last_user_text()
            .contains("In 2024 the team shipped 42 releases")
    );
    assert_eq!(result.chunks[0].attempts[0].calls, 2);
    // The output budget follows the chunk's size.
    let max = model.requests()[0].sampling.max_tokens.unwrap_or(0);
    assert!((64..=64 + 2 * 40).contains(&max), "max_tokens {max}");
}

/// Runs `layout` against a model that refuses prompts `too_long` finds too
/// long for its context: the chunk must still come back whole, with the
/// prefix window shrunk.
async fn check_context_overflow(
    layout: WindowLayout,
    too_long: impl Fn(&ChatRequest) -> bool + Send + Sync + 'static,
) {
    let text = "First paragraph with some words in it.\n\nSecond paragraph that follows the first one.\n\nThird paragraph closes the document here.\n\nA fourth paragraph ends it.";
    let model = ScriptedModel::new(move |req: &ChatRequest| {
        if too_long(req) {
            return Err(LlmError::new(
                ErrorKind::ContextTooLong,
                "maximum context length exceeded",
            ));
        }
        let passage = chunksynth_prompts::last_passage(req.last_user_text()).to_owned();
        Ok(ScriptedModel::reply(req, passage, FinishReason::Stop))
    });
    let rewrite = LlmRewriteModel::new(Arc::new(model), TemplateSet::defaults(Language::En));
    let p = ChunkWiseRephrasePipeline::new(
        Arc::new(rewrite),
        words(),
        PipelineConfig {
            chunk_tokens: 8,
            prefix_window_tokens: 64,
            window_layout: layout,
            history_tokens: 10_000,
            ..PipelineConfig::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let result = p.run(text, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.text, text, "{layout:?}");
    assert!(result.chunks.iter().any(|c| c.prefix_shrinks > 0), "{layout:?}");
}

#[tokio::test]
async fn a_prompt_too_long_for_the_context_shrinks_the_prefix_window() {
    check_context_overflow(WindowLayout::Rolling, |req| {
        let user = req.last_user_text();
        user.contains("Your rewrite so far") && user.len() > 200
    })
    .await;
    // A conversation that outgrows the context starts afresh with a
    // shorter window.
    check_context_overflow(WindowLayout::Conversation, |req| req.messages.len() > 4).await;
}

#[tokio::test]
async fn a_model_error_names_the_chunk() {
    let model = ScriptedModel::new(|_| {
        Err(LlmError::new(
            ErrorKind::Auth,
            "HTTP 401: bad key (check LLM_API_KEY)",
        ))
    });
    let p = scripted_pipeline(model, FailurePolicy::KeepBest);
    let err = p
        .run(SOURCE, textbook())
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("chunk 0") && err.contains("LLM_API_KEY"), "{err}");
}

#[test]
fn chatter_is_stripped_only_where_the_source_had_none() {
    assert_eq!(
        strip_chatter("Body.", "Here is the rewritten text:\n\nBody text."),
        "Body text."
    );
    assert_eq!(strip_chatter("Body.", "```\nBody text.\n```"), "Body text.");
    assert_eq!(
        strip_chatter("```\ncode\n```", "```\ncode\n```"),
        "```\ncode\n```"
    );
    assert_eq!(
        strip_chatter("Here is the plan:\nstep", "Here is the plan:\nstep"),
        "Here is the plan:\nstep"
    );
    assert_eq!(strip_chatter("Body.", "<<<\nBody.\n>>>"), "Body.");
}

#[test]
fn an_indented_passage_gets_its_indentation_back_when_the_model_drops_it() {
    let option =
        "       -g, --listed-incremental=FILE\n              Handle new GNU-format incremental backups.";
    // Models answer from the first non-blank character.
    let answer = "-g, --listed-incremental=FILE\n              Handle new GNU-format incremental backups.";
    assert_eq!(strip_chatter(option, answer), option);
    // Kept as the model wrote it when it kept an indentation.
    assert_eq!(
        strip_chatter(option, &format!("  {answer}")),
        format!("  {answer}")
    );
    // Trailing whitespace of the passage comes back too; none is invented.
    assert_eq!(strip_chatter("    x = 1\n", "x = 1"), "    x = 1\n");
    assert_eq!(strip_chatter("Plain.", "  Plain.  "), "Plain.");
}

#[test]
fn variant_styles_are_deterministic_and_distinct() {
    let a: Vec<&str> = choose_styles(7, "doc-1", 3).iter().map(|s| s.name).collect();
    let b: Vec<&str> = choose_styles(7, "doc-1", 3).iter().map(|s| s.name).collect();
    assert_eq!(a, b);
    let mut unique = a.clone();
    unique.dedup();
    assert_eq!(unique.len(), 3);
    let others: Vec<Vec<&str>> = (0..8)
        .map(|i| {
            choose_styles(7, &format!("doc-{i}"), 3)
                .iter()
                .map(|s| s.name)
                .collect()
        })
        .collect();
    assert!(
        others.iter().any(|o| *o != a),
        "different documents get different styles"
    );
}

#[tokio::test]
async fn variants_run_concurrently_in_their_own_styles() {
    let p = pipeline(Arc::new(EchoRewriteModel), PipelineConfig::default());
    let styles = choose_styles(1, "doc", 2);
    let results = p.run_variants(SOURCE, &styles).await;
    let names: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| r.style.clone())
        .collect();
    assert_eq!(
        names,
        styles.iter().map(|s| s.name.to_owned()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn prompts_of_a_three_chunk_document_snapshot() {
    let text = "# Ownership\n\nOwnership is Rust's most unique feature, and it lets Rust make memory safety guarantees.\n\nEach value in Rust has an owner, and there can only be one owner at a time.\n\nWhen the owner goes out of scope, the value will be dropped.";
    let model = ScriptedModel::text(|req| chunksynth_prompts::last_passage(req.last_user_text()).to_owned());
    let rewrite = LlmRewriteModel::new(Arc::new(model.clone()), TemplateSet::defaults(Language::En));
    let p = ChunkWiseRephrasePipeline::new(
        Arc::new(rewrite),
        words(),
        PipelineConfig {
            chunk_tokens: 18,
            overlap_tokens: 6,
            prefix_window_tokens: 10,
            fidelity: copies_allowed(),
            ..PipelineConfig::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let result = p.run(text, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.text, text);
    let shown: Vec<String> = model
        .requests()
        .iter()
        .map(|r| {
            format!(
                "## {:?} (chunk {:?}, max_tokens {:?})\n{}",
                r.task,
                r.metadata.chunk_index,
                r.sampling.max_tokens,
                r.last_user_text()
            )
        })
        .collect();
    assert_eq!(shown.len(), 3, "three chunks, three calls");
    insta::assert_snapshot!(shown.join("\n\n"));
}

#[tokio::test]
async fn an_llm_judge_can_veto_a_rewrite_the_checks_passed() {
    let model = ScriptedModel::text(|req| match req.task {
        TaskKind::Judge if req.last_user_text().contains("All good here.") => {
            "```json\n{\"faithful\": true, \"problems\": []}\n```".into()
        }
        TaskKind::Judge => {
            "{\"faithful\": false, \"problems\": [\"The claim about testing is reversed.\"]}".into()
        }
        TaskKind::Repair => format!("{SOURCE} All good here."),
        _ => SOURCE.into(),
    });
    let rewrite = LlmRewriteModel::new(Arc::new(model.clone()), TemplateSet::defaults(Language::En));
    let judge = chunksynth_rephrase::LlmJudge {
        model: Arc::new(model.clone()),
        templates: TemplateSet::defaults(Language::En),
    };
    let p = pipeline(
        Arc::new(rewrite),
        PipelineConfig {
            fidelity: copies_allowed(),
            ..PipelineConfig::default()
        },
    )
    .with_judge(Arc::new(judge));
    let result = p.run(SOURCE, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    let tasks: Vec<TaskKind> = model.requests().iter().map(|r| r.task).collect();
    assert_eq!(
        tasks,
        [
            TaskKind::Rewrite,
            TaskKind::Judge,
            TaskKind::Repair,
            TaskKind::Judge
        ]
    );
    let judge_request = &model.requests()[1];
    assert!(
        judge_request.response_schema.is_some(),
        "structured output asked for"
    );
    assert!(
        model.requests()[2]
            .last_user_text()
            .contains("a reviewer found: The claim about testing is reversed.")
    );
    let chunk = &result.chunks[0];
    assert_eq!(chunk.outcome, ChunkOutcome::Passed);
    assert_eq!(chunk.attempts[0].judge.as_ref().map(|j| j.faithful), Some(false));
    assert_eq!(chunk.attempts[1].judge.as_ref().map(|j| j.faithful), Some(true));
}

#[tokio::test]
async fn a_sticky_window_keeps_its_start_so_prompts_share_a_prefix() {
    let model = Arc::new(Recording(std::sync::Mutex::new(Vec::new())));
    let window = 20;
    let p = ChunkWiseRephrasePipeline::new(
        model.clone(),
        words(),
        PipelineConfig {
            chunk_tokens: 12,
            prefix_window_tokens: window,
            window_layout: WindowLayout::Sticky,
            fidelity: chunksynth_quality::FidelityConfig {
                disabled: chunksynth_quality::CheckKind::ALL.to_vec(),
                ..Default::default()
            },
            ..PipelineConfig::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = include_str!("../../chunking/tests/fixtures/markdown.md");
    let result = p.run(text, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    let log = model.0.lock().map(|l| l.clone()).unwrap_or_default();
    let (mut kept, mut jumped) = (0, 0);
    for k in 1..log.len() {
        let (previous, current) = (&log[k - 1].0, &log[k].0);
        assert!(
            words().count(current) <= 2 * window + 12,
            "request {k}: window too large"
        );
        if !previous.is_empty() && current.starts_with(previous.as_str()) {
            kept += 1;
        } else {
            jumped += 1;
            assert!(
                words().count(current) <= window,
                "a jump resets to the rolling window"
            );
        }
    }
    assert!(
        kept > jumped,
        "the start is kept more often than it jumps: {kept} vs {jumped}"
    );
    assert!(result.text.starts_with("R0: "));
}

#[tokio::test]
async fn a_conversation_prompt_extends_the_previous_prompt_and_answer_until_its_budget() {
    // Echo with a marker, so the assistant turns are recognisable rewrites.
    let model =
        ScriptedModel::text(|req| format!("{} [r]", chunksynth_prompts::last_passage(req.last_user_text())));
    let rewrite = LlmRewriteModel::new(Arc::new(model.clone()), TemplateSet::defaults(Language::En));
    let budget = 60;
    let p = ChunkWiseRephrasePipeline::new(
        Arc::new(rewrite),
        words(),
        PipelineConfig {
            chunk_tokens: 12,
            prefix_window_tokens: 16,
            window_layout: WindowLayout::Conversation,
            history_tokens: budget,
            max_attempts: 1,
            ..PipelineConfig::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = include_str!("../../chunking/tests/fixtures/markdown.md");
    let result = p.run(text, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    let requests = model.requests();
    let (mut extended, mut opened) = (0, 0);
    for k in 1..requests.len() {
        let (previous, current) = (&requests[k - 1], &requests[k]);
        let answer = format!(
            "{} [r]",
            chunksynth_prompts::last_passage(previous.last_user_text())
        );
        if current.messages.len() > 2 {
            // One more turn: the previous prompt, its (kept) answer, a user turn.
            assert_eq!(current.messages[..previous.messages.len()], previous.messages[..]);
            assert_eq!(
                current.messages[previous.messages.len()],
                chunksynth_llm::Message::assistant(answer)
            );
            assert_eq!(current.messages.len(), previous.messages.len() + 2);
            extended += 1;
        } else {
            // A new conversation opens with the rolling window.
            assert!(
                current.last_user_text().contains("Your rewrite so far"),
                "request {k}"
            );
            opened += 1;
        }
        // Earlier passages and rewrites stay under the budget.
        let history: usize = current.messages[1..current.messages.len() - 1]
            .iter()
            .map(|m| words().count(chunksynth_prompts::last_passage(&m.content)))
            .sum();
        assert!(history < budget, "request {k}: history of {history} tokens");
    }
    assert!(extended > 0 && opened > 0, "extended {extended}, opened {opened}");
    // Lossless: stripping the marker gives the source back.
    assert_eq!(result.text.replace(" [r]", ""), text);
}

#[tokio::test]
async fn each_style_is_held_to_its_own_length_band() {
    // A dense rewrite at about half the source's length, as expert-terse
    // asks: within that style's band, outside textbook's.
    let source = "The borrow checker, which is a part of the Rust compiler, looks at every reference in the program \
                  and makes sure that no reference ever outlives the value that it points to, so that a program \
                  which compiles can never read memory that has already been freed.";
    let terse = "The Rust compiler's borrow checker checks every reference in a program and rejects any reference \
                 that outlives its value, so compiled programs never read memory already freed.";
    let gate = |style: &'static Style| {
        let model = ScriptedModel::text(move |_| terse.to_owned());
        let p = scripted_pipeline(model, FailurePolicy::KeepBest);
        async move {
            let result = p.run(source, style).await.unwrap_or_else(|e| panic!("{e}"));
            let report = result.chunks[0].attempts[0].clone();
            (report.passed, report.findings)
        }
    };
    let expert = chunksynth_prompts::style("expert-terse").unwrap_or_else(|| panic!("no expert-terse"));
    let (passed, findings) = gate(expert).await;
    let about_length = |f: &String| f.contains("of the source's words");
    assert!(!findings.iter().any(about_length), "{findings:?}");
    assert!(passed, "{findings:?}");
    let (_, findings) = gate(textbook()).await;
    assert!(
        findings.iter().any(about_length),
        "textbook asks for more: {findings:?}"
    );
}

#[tokio::test]
async fn a_repair_prompt_quotes_the_sentences_a_model_error_concerns() {
    // A restyle with three errors models make: "must" weakened to "may", a
    // negation added, a name the source never gives.
    let source = "Mutex is an abbreviation for mutual exclusion, as in a mutex allows only one thread to access some data at any given time. To access the data in a mutex, a thread must first signal that it wants access by asking to acquire the mutex’s lock. The lock is a data structure that is part of the mutex that keeps track of who currently has exclusive access to the data. Therefore, the mutex is described as guarding the data it holds via the locking system.";
    let wrong = "Mutex is short for mutual exclusion: a mutex allows only one thread to access some data at any given time. To reach the data, a thread may first signal that it wants access by asking to acquire the mutex's lock. The lock is a data structure that is part of the mutex, and it does not keep track of who currently has exclusive access to the data. Like a POSIX semaphore, the mutex is said to guard the data it holds through its locking system.";
    let right = "Mutex is short for mutual exclusion: a mutex allows only one thread to access some data at any given time. To reach the data, a thread must first signal that it wants access by asking to acquire the mutex's lock. The lock is a data structure that is part of the mutex, and it keeps track of who currently has exclusive access to the data. That is why the mutex is said to guard the data it holds through its locking system.";
    let model = ScriptedModel::text(move |req| match req.task {
        TaskKind::Rewrite => wrong.to_owned(),
        _ => right.to_owned(),
    });
    // The alignment checks see these as suspicions; a user who wants them
    // repaired says so (`--max-suspicions 0`).
    let strict = chunksynth_quality::FidelityConfig {
        max_suspicions: Some(0),
        ..copies_allowed()
    };
    let p = scripted_pipeline_with(model.clone(), FailurePolicy::KeepBest, strict);
    let result = p.run(source, textbook()).await.unwrap_or_else(|e| panic!("{e}"));
    let requests = model.requests();
    assert_eq!(requests.len(), 2, "one repair");
    assert_eq!(result.chunks[0].outcome, ChunkOutcome::Passed);
    let repair = requests[1].last_user_text();
    for quoted in ["may", "does not keep track", "POSIX"] {
        assert!(repair.contains(quoted), "{quoted}: {repair}");
    }
    insta::assert_snapshot!(repair);
}

#[test]
fn a_style_bound_added_in_an_upgrade_leaves_the_fingerprint_text_of_older_bounds_as_it_was() {
    // A run's fingerprint holds this text: an output begun with
    // `[style_bounds]` before `min_number_recall` existed must resume.
    let older = chunksynth_rephrase::StyleBounds {
        min_content_recall: Some(0.3),
        ..Default::default()
    };
    assert_eq!(
        format!("{older:?}"),
        "StyleBounds { length_band: None, min_content_recall: Some(0.3) }"
    );
    let newer = chunksynth_rephrase::StyleBounds {
        min_number_recall: Some(0.2),
        ..older
    };
    assert!(format!("{newer:?}").ends_with("min_number_recall: Some(0.2) }"));
    // And the catalogue's floor reaches the distillation's gate only.
    let base = chunksynth_quality::FidelityConfig::default();
    let gate =
        |name: &str| chunksynth_rephrase::gate_for(&base, style(name).unwrap_or_else(|| panic!("{name}")));
    assert_eq!(gate("distill").min_number_recall, Some(0.5));
    assert_eq!(gate("knowledge-list").min_number_recall, Some(0.5));
    assert_eq!(gate("diverse-qa").min_number_recall, None);
    assert_eq!(gate("textbook").min_number_recall, None);
}
