//! The judge where meaning is needed (`--llm-judge suspicious`): asked only
//! about chunks with suspicions, at its own endpoint with its own key, its
//! unreadable answers asked again then recorded as no verdict, its calls
//! replayed from the journal on a rerun.

use chunksynth_fake_llm::{FakeLlm, FakeOptions, FakeRequest, Reply};

use crate::{KEY, chunksynth, output_of, records, rephrase_args, tempdir, write_input};

const JUDGE_KEY: &str = "sk-judge-SECRET-77bb";

/// A restyle with a negation added and a modality weakened: suspicions.
const MUTEX: &str = "Mutex is an abbreviation for mutual exclusion, as in a mutex allows only one thread to access some data at any given time. To access the data in a mutex, a thread must first signal that it wants access by asking to acquire the mutex’s lock. The lock is a data structure that is part of the mutex that keeps track of who currently has exclusive access to the data. Therefore, the mutex is described as guarding the data it holds via the locking system.";
const SUSPECT: &str = "Mutex is short for mutual exclusion: a mutex allows only one thread to access some data at any given time. To reach the data, a thread may first signal that it wants access by asking to acquire the mutex's lock. The lock is a data structure that is part of the mutex, and it does not keep track of who currently has exclusive access to the data. That is why the mutex is said to guard the data it holds through its locking system.";
const RIGHT: &str = "Mutex is short for mutual exclusion: a mutex allows only one thread to access some data at any given time. To reach the data, a thread must first signal that it wants access by asking to acquire the mutex's lock. The lock is a data structure that is part of the mutex, and it keeps track of who currently has exclusive access to the data. That is why the mutex is said to guard the data it holds through its locking system.";
/// A faithful restyle that raises no suspicion.
const CARGO: &str =
    "Cargo downloads the dependencies that a project names in its manifest and compiles each of them once.";
const CARGO_RESTYLED: &str = "The dependencies that a project names in its manifest are downloaded by Cargo, which compiles each of them once.";

/// The rewriter: the suspect restyle first, the right one when repaired.
async fn rewriter() -> FakeLlm {
    FakeLlm::start(|r: &FakeRequest| {
        let user = r.last_user_text();
        if user.contains("Your previous rewrite had these problems") {
            Reply::text(RIGHT)
        } else if r.passage().contains("Mutex") {
            Reply::text(SUSPECT)
        } else {
            Reply::text(CARGO_RESTYLED)
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A judge serving `judge-model` that answers with `answer(user text)`.
async fn judge(answer: fn(&str) -> String) -> FakeLlm {
    let options = FakeOptions {
        models: vec!["judge-model".to_owned()],
        ..FakeOptions::default()
    };
    FakeLlm::start_with(options, move |r: &FakeRequest| {
        Reply::text(answer(&r.last_user_text()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Chat verdicts: the added negation is not supported, the rest is.
fn chat_verdicts(user: &str) -> String {
    let verdicts: Vec<String> = user
        .lines()
        .filter_map(|line| {
            let (number, claim) = line.split_once(". REWRITE: ").or_else(|| line.split_once(". SOURCE: "))?;
            let number: u32 = number.trim().parse().ok()?;
            let supported = !claim.contains("does not keep track");
            Some(format!(
                r#"{{"claim": {number}, "supported": {supported}, "source_evidence": "keeps track of who", "rewrite_evidence": "does not keep track"}}"#
            ))
        })
        .collect();
    format!(r#"{{"verdicts": [{}]}}"#, verdicts.join(", "))
}

fn run(
    rewriter: &FakeLlm,
    judge: &FakeLlm,
    input: &std::path::Path,
    out: &std::path::Path,
    extra: &[&str],
) -> std::process::Command {
    let mut cmd = chunksynth(&rewriter.base_url());
    rephrase_args(&mut cmd, input, out);
    cmd.env("JUDGE_API_KEY", JUDGE_KEY)
        .args([
            "--llm-judge",
            "suspicious",
            "--judge-model",
            "judge-model",
            "--max-attempts",
            "2",
        ])
        .arg("--judge-base-url")
        .arg(judge.base_url())
        .args(extra);
    cmd
}

fn input(dir: &std::path::Path) -> std::path::PathBuf {
    write_input(
        dir,
        &[
            ("mutex".to_owned(), MUTEX.to_owned()),
            ("cargo".to_owned(), CARGO.to_owned()),
        ],
    )
}

fn record<'a>(written: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    written
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no record {id}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn suspicious_asks_its_own_endpoint_only_about_chunks_with_suspicions_and_a_rerun_replays_it() {
    let (rewriter, judge) = (rewriter().await, judge(chat_verdicts).await);
    let dir = tempdir("judge-suspicious");
    let input = input(&dir);
    let out = dir.join("out.jsonl");
    let result = output_of(run(&rewriter, &judge, &input, &out, &[])).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let written = records(&out);

    // The chunk without suspicions: no question asked.
    let cargo = &record(&written, "cargo")["provenance"]["chunks"][0];
    assert_eq!(cargo["fidelity"]["suspicions"], serde_json::json!([]), "{cargo}");
    assert!(cargo["attempts"][0].get("judge_calls").is_none(), "{cargo}");
    // The chunk with suspicions: one call, the negation not supported,
    // with its evidence, and repaired with the judge's finding.
    let mutex = &record(&written, "mutex");
    let first = &mutex["provenance"]["chunks"][0]["attempts"][0];
    assert_eq!(first["judge_calls"], 1, "{first}");
    let claims = first["claims"].as_array().cloned().unwrap_or_default();
    let refuted: Vec<&serde_json::Value> = claims.iter().filter(|c| c["supported"] == false).collect();
    assert_eq!(refuted.len(), 1, "{first}");
    assert!(
        refuted[0]["claim"]
            .as_str()
            .unwrap_or("")
            .contains("does not keep track")
    );
    assert_eq!(refuted[0]["rewrite_evidence"], "does not keep track");
    assert_eq!(mutex["text"], RIGHT);
    let repair = rewriter
        .requests()
        .iter()
        .map(FakeRequest::last_user_text)
        .find(|t| t.contains("Your previous rewrite had these problems"))
        .unwrap_or_default();
    assert!(
        repair.contains("a judge found this sentence of the rewrite not supported by the source"),
        "{repair}"
    );

    // Every judge call went to the judge, as judge-model, with its key;
    // the rewriter's key never left the rewriter's host, nor the reverse.
    let judge_calls: usize = written
        .iter()
        .flat_map(|r| r["provenance"]["chunks"].as_array().cloned().unwrap_or_default())
        .flat_map(|c| c["attempts"].as_array().cloned().unwrap_or_default())
        .map(|a| a["judge_calls"].as_u64().unwrap_or(0) as usize)
        .sum();
    let asked: Vec<FakeRequest> = judge
        .requests()
        .into_iter()
        .filter(|r| !r.body.is_null())
        .collect();
    assert_eq!(asked.len(), judge_calls, "one call per chunk with suspicions");
    for r in &asked {
        assert_eq!(r.model(), "judge-model");
        assert_eq!(
            r.authorization.as_deref(),
            Some(format!("Bearer {JUDGE_KEY}").as_str())
        );
    }
    for r in rewriter.requests() {
        assert_eq!(r.authorization.as_deref(), Some(format!("Bearer {KEY}").as_str()));
        assert!(
            !r.last_user_text().starts_with("Check a rewrite"),
            "no judge question at the rewriter"
        );
    }
    assert!(
        stderr.contains("judge: 1 calls; 1 claims not supported"),
        "{stderr}"
    );

    // The output lost: every call, the judge's too, replayed from the journal.
    let (rewrites, judged) = (rewriter.request_count(), judge.request_count());
    std::fs::remove_file(&out).unwrap_or_else(|e| panic!("{e}"));
    let rerun = output_of(run(&rewriter, &judge, &input, &out, &[])).await;
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert_eq!(rerun.status.code(), Some(0), "{stderr}");
    assert_eq!(rewriter.request_count(), rewrites, "{stderr}");
    assert_eq!(
        judge.request_count(),
        judged,
        "no judge question asked again: {stderr}"
    );
    assert_eq!(record(&records(&out), "mutex")["text"], RIGHT);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_judge_answer_is_asked_again_then_recorded_as_no_verdict() {
    for (format, answer) in [
        (
            "chat",
            (|_: &str| "It looks fine to me.".to_owned()) as fn(&str) -> String,
        ),
        ("claim", |_: &str| "Maybe.".to_owned()),
    ] {
        let (rewriter, judge) = (rewriter().await, judge(answer).await);
        let dir = tempdir(&format!("judge-unreadable-{format}"));
        let input = input(&dir);
        let out = dir.join("out.jsonl");
        let result = output_of(run(&rewriter, &judge, &input, &out, &["--judge-format", format])).await;
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(0), "{format}: {stderr}");
        let written = records(&out);
        let mutex = record(&written, "mutex");
        // The gate passed it and nobody could say otherwise: kept, and
        // every question marked as unanswered, with why.
        assert_eq!(mutex["text"], SUSPECT, "{format}");
        let first = &mutex["provenance"]["chunks"][0]["attempts"][0];
        let claims = first["claims"].as_array().cloned().unwrap_or_default();
        assert!(!claims.is_empty(), "{format}: {first}");
        for c in &claims {
            assert!(c["supported"].is_null(), "{format}: {c}");
            assert!(
                c["error"].as_str().is_some_and(|e| e.contains("twice")),
                "{format}: {c}"
            );
        }
        // Each question asked twice, the second time saying why.
        let questions = if format == "chat" { 1 } else { claims.len() };
        assert_eq!(first["judge_calls"], 2 * questions, "{format}: {first}");
        let retries = judge
            .requests()
            .iter()
            .filter(|r| {
                let t = r.last_user_text();
                t.contains("could not be read") || t.contains("Answer with Yes or No only")
            })
            .count();
        assert_eq!(retries, questions, "{format}");
        assert!(
            stderr.contains(&format!("{} questions without a verdict", claims.len())),
            "{format}: {stderr}"
        );
    }
}

/// Another origin and no JUDGE_API_KEY: the judge is sent no key at all,
/// never the run's.
#[tokio::test(flavor = "multi_thread")]
async fn the_runs_key_never_goes_to_another_judge_host() {
    let (rewriter, judge) = (rewriter().await, judge(chat_verdicts).await);
    let dir = tempdir("judge-no-key");
    let input = input(&dir);
    let out = dir.join("out.jsonl");
    let mut cmd = run(&rewriter, &judge, &input, &out, &[]);
    cmd.env_remove("JUDGE_API_KEY");
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let asked: Vec<FakeRequest> = judge.requests();
    assert!(!asked.is_empty(), "the judge was asked");
    for r in &asked {
        // No key: no header, or a bearer with nothing after it.
        let sent = r
            .authorization
            .as_deref()
            .unwrap_or("")
            .trim_start_matches("Bearer")
            .trim();
        assert_eq!(sent, "", "{:?}", r.authorization);
    }
    assert!(!stderr.contains(KEY) && !std::fs::read_to_string(&out).unwrap_or_default().contains(KEY));
}

/// Generate: a key point the section says in other words (QC cannot find
/// it by its words) is asked about before a redraft: covered, no redraft;
/// not covered, a redraft; no judge, a redraft as before.
#[tokio::test(flavor = "multi_thread")]
async fn generate_asks_the_judge_about_a_key_point_before_redrafting_for_it() {
    const PLAN: &str = r#"{"topic": "Tea", "target_total_length": 32, "sections": [
        {"title": "Processing", "key_points": ["tea leaves are withered before rolling"], "required_entities": [], "target_length": 32}]}"#;
    const SECTION: &str = "# Processing\n\nFreshly picked leaves are first left to wilt for several hours until they soften, and only after that are they rolled by hand or by machine to shape them.";
    for (judge, covered, sections_written) in [(true, true, 1), (true, false, 2), (false, true, 2)] {
        let fake = FakeLlm::start(move |r: &FakeRequest| {
            let user = r.last_user_text();
            if user.starts_with("Check a rewrite against its source passage") {
                Reply::text(format!(
                    r#"{{"verdicts": [{{"claim": 1, "supported": {covered}, "source_evidence": "withered before rolling", "rewrite_evidence": "left to wilt … only after that are they rolled"}}]}}"#
                ))
            } else if user.starts_with("List what this section introduces") {
                Reply::text(r#"{"entities": [], "terms": [], "timeline": [], "open_threads": []}"#)
            } else {
                Reply::text(SECTION)
            }
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let dir = tempdir(&format!("judge-generate-{judge}-{covered}"));
        let plan = dir.join("plan.json");
        std::fs::write(&plan, PLAN).unwrap_or_else(|e| panic!("{e}"));
        let out = dir.join("gen.jsonl");
        let mut cmd = chunksynth(&fake.base_url());
        cmd.args(["generate", "--manual-plan"])
            .arg(&plan)
            .args(["--tokenizer", "words", "--no-consistency-pass", "--output"])
            .arg(&out);
        if judge {
            cmd.arg("--llm-judge");
        }
        let result = output_of(cmd).await;
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            matches!(result.status.code(), Some(0 | 1)),
            "{judge}/{covered}: {stderr}"
        );
        let asked = |prefix: &str| {
            fake.requests()
                .iter()
                .filter(|r| r.last_user_text().starts_with(prefix))
                .count()
        };
        assert_eq!(
            asked("You are writing a long text section by section"),
            sections_written,
            "{judge}/{covered}: {stderr}"
        );
        let judged = asked("Check a rewrite against its source passage");
        let qc = &records(&out)[0]["qc_report"]["sections"][0];
        if judge {
            assert!(judged >= 1, "{judge}/{covered}");
            assert_eq!(qc["claims"][0]["supported"], covered, "{qc}");
        } else {
            assert_eq!(judged, 0);
            assert!(qc.get("claims").is_none(), "{qc}");
        }
    }
}
