//! End-to-end: the built `chunksynth` binary against the fake server over
//! HTTP.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use chunksynth_fake_llm::{FakeLlm, FakeRequest, Reply};

pub(crate) const KEY: &str = "sk-test-SECRET-cli-55aa";

pub(crate) fn upper(r: &FakeRequest) -> Reply {
    Reply::text(r.passage().to_uppercase())
}

pub(crate) fn docs() -> Vec<(String, String)> {
    let mut d = chunksynth_fake_llm::structured_documents();
    for i in 0..6 {
        d.push((
            format!("note-{i}"),
            format!("Note {i}.\n\nA second paragraph for note {i}."),
        ));
    }
    d
}

/// Where [`tempdir`] makes the folder `name`.
fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("chunksynth-cli-{name}-{}", std::process::id()))
}

pub(crate) fn tempdir(name: &str) -> PathBuf {
    let dir = temp_path(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

pub(crate) fn write_input(dir: &Path, docs: &[(String, String)]) -> PathBuf {
    let path = dir.join("in.jsonl");
    let body: String = docs
        .iter()
        .map(|(id, text)| format!("{}\n", serde_json::json!({"id": id, "text": text})))
        .collect();
    std::fs::write(&path, body).unwrap_or_else(|e| panic!("{e}"));
    path
}

pub(crate) fn chunksynth(base_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chunksynth"));
    cmd.env("LLM_BASE_URL", base_url)
        .env("LLM_MODEL", "fake-model")
        .env("LLM_API_KEY", KEY)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

pub(crate) async fn output_of(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A finished command's exit code and its stderr as text.
pub(crate) fn code_and_stderr(o: &std::process::Output) -> (Option<i32>, String) {
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// The lines of a records or rejects file, in input order (records are
/// written as they finish; the stable sort keeps a document's styles in
/// file order).
pub(crate) fn records(path: &Path) -> Vec<serde_json::Value> {
    let mut all: Vec<serde_json::Value> = std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    all.sort_by_key(|v| v["input_index"].as_u64());
    all
}

/// Lines (newline bytes) a file holds: how far a journal or output got.
pub(crate) fn newlines(p: &Path) -> usize {
    std::fs::read(p)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

pub(crate) fn rephrase_args(cmd: &mut Command, input: &Path, output: &Path) {
    cmd.args(["rephrase", "--input"])
        .arg(input)
        .arg("--output")
        .arg(output)
        .args([
            "--style",
            "textbook",
            "--max-attempts",
            "1",
            "--chunk-tokens",
            "200",
            "--concurrency",
            "3",
        ]);
}

/// Rephrases `docs()` with the upper-casing fake and `extra` flags; checks
/// that it succeeds and that every record is its document upper-cased, in
/// input order. Returns the fake, the folder, the run's output and records.
async fn rephrase_upper(name: &str, extra: &[&str]) -> (FakeLlm, PathBuf, Output, Vec<serde_json::Value>) {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir(name);
    let docs = docs();
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    rephrase_args(&mut cmd, &input, &out);
    cmd.args(extra);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let got = records(&out);
    assert_eq!(got.len(), docs.len());
    for ((id, text), record) in docs.iter().zip(&got) {
        assert_eq!(record["id"], id.as_str());
        assert_eq!(
            record["text"].as_str(),
            Some(text.to_uppercase().as_str()),
            "{id}"
        );
    }
    (fake, dir, result, got)
}

#[tokio::test(flavor = "multi_thread")]
async fn rephrase_upper_cases_a_corpus_byte_for_byte_and_keeps_the_key_secret() {
    let summary_arg = temp_path("upper").join("summary.json").display().to_string();
    let (_fake, dir, result, _) = rephrase_upper("upper", &["--summary", &summary_arg]).await;
    let docs = docs();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains(&format!("done: {} records written", docs.len())),
        "{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap_or_default())
            .unwrap_or_default();
    assert_eq!(summary["run"]["records_written"], docs.len());
    for f in [
        "out.jsonl",
        "out.jsonl.journal.jsonl",
        "out.jsonl.rejects.jsonl",
        "summary.json",
    ] {
        let content = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        assert!(!content.contains(KEY), "key in {f}");
    }
    assert!(!String::from_utf8_lossy(&result.stdout).contains(KEY) && !stderr.contains(KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sigkilled_run_resumes_to_the_same_output_without_duplicates() {
    // Until the kill, calls after the 7th are held, so the child cannot
    // finish before it is killed however slowly this test gets scheduled.
    let killed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let open = killed.clone();
    let slow = move |r: &FakeRequest| {
        let held = r.index >= 7 && !open.load(std::sync::atomic::Ordering::SeqCst);
        let delay = Duration::from_millis(if held { 120_000 } else { 25 });
        Reply::Delayed(delay, Box::new(upper(r)))
    };
    let fake = FakeLlm::start(slow).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("kill");
    let docs = docs();
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    rephrase_args(&mut cmd, &input, &out);
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let journal = dir.join("out.jsonl.journal.jsonl");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let lines = |p: &Path| {
        std::fs::read(p)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    };
    while lines(&journal) < 5 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    killed.store(true, std::sync::atomic::Ordering::SeqCst);
    let at_kill = lines(&journal);
    let mut again = chunksynth(&fake.base_url());
    rephrase_args(&mut again, &input, &out);
    let result = output_of(again).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(at_kill < lines(&journal), "killed mid-run");
    let ids: Vec<String> = records(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("").to_owned())
        .collect();
    let expected: Vec<String> = docs.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, expected, "every document once, in order");
    for ((_, text), r) in docs.iter().zip(records(&out)) {
        assert_eq!(r["text"].as_str(), Some(text.to_uppercase().as_str()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gives_per_record_rejects_and_exit_code_1() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("bad");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, b"{\"id\": \"ok\", \"text\": \"Fine.\"}\nnot json\n{\"id\": \"x\"}\n{\"id\": \"e\", \"text\": \"\"}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    rephrase_args(&mut cmd, &input, &out);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    let rejects = records(&dir.join("out.jsonl.rejects.jsonl"));
    let lines: Vec<u64> = rejects.iter().map(|r| r["line"].as_u64().unwrap_or(0)).collect();
    assert_eq!(lines, [2, 3, 4]);
    assert!(stderr.contains("rejected (invalid_input): 3"), "{stderr}");
    assert_eq!(records(&out).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_sends_nothing_and_prints_the_estimate() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("dry");
    let input = write_input(&dir, &docs());
    let mut cmd = chunksynth(&fake.base_url());
    rephrase_args(&mut cmd, &input, &dir.join("out.jsonl"));
    cmd.args(["--dry-run", "--price-input", "0.5", "--price-output", "1.5"]);
    let result = output_of(cmd).await;
    assert_eq!(result.status.code(), Some(0));
    assert_eq!(fake.request_count(), 0);
    let est: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap_or_default();
    assert_eq!(est["documents"], 10);
    assert!(
        est["calls"].as_u64().is_some_and(|c| c >= 10) && est["cost"].as_f64().is_some_and(|c| c > 0.0),
        "{est}"
    );
    assert!(String::from_utf8_lossy(&result.stderr).contains("nothing was sent"));
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_say_what_to_do_with_exit_code_2() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chunksynth"));
    cmd.args([
        "rephrase", "--input", "in.jsonl", "--output", "o.jsonl", "--style", "nope",
    ])
    .env("LLM_BASE_URL", "https://api.example.com/v1")
    .env_remove("LLM_API_KEY");
    let result = output_of(cmd).await;
    assert_eq!(result.status.code(), Some(2));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chunksynth"));
    let dir = tempdir("usage");
    let input = write_input(&dir, &docs());
    cmd.args(["rephrase", "--output", "o.jsonl"])
        .arg("--input")
        .arg(&input)
        .env("LLM_BASE_URL", "https://api.example.com/v1")
        .env_remove("LLM_API_KEY");
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("LLM_API_KEY"), "{stderr}");
    let schema = output_of({
        let mut c = Command::new(env!("CARGO_BIN_EXE_chunksynth"));
        c.arg("plan-schema");
        c
    })
    .await;
    let v: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap_or_default();
    assert_eq!(v["title"], "GenerationPlan");
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_writes_text_plan_and_qc_report() {
    const PLAN: &str = r#"{"topic": "Tea", "target_total_length": 60, "sections": [
        {"title": "Origins", "key_points": ["tea came from China"], "required_entities": ["China"], "target_length": 30},
        {"title": "Trade", "key_points": ["tea was traded along the Silk Road"], "required_entities": ["Silk Road"], "target_length": 30}]}"#;
    let fake = FakeLlm::start(|r: &FakeRequest| {
        let user = r.last_user_text();
        if user.starts_with("Plan a long-form text") {
            Reply::text(PLAN)
        } else if user.starts_with("Edit one section") {
            let start = user.find("Section:\n<<<\n").map_or(0, |i| i + 13);
            let end = user[start..].find("\n>>>").map_or(user.len(), |e| start + e);
            Reply::text(&user[start..end])
        } else if user.contains("Section 1 of 2") {
            Reply::text("# Origins\n\nTea came from China, where people first brewed the leaves thousands of years ago and made it a daily habit.")
        } else {
            Reply::text("# Trade\n\nTea was traded along the Silk Road, carried by caravans west to Persia and beyond, and it became a prized good.")
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("generate");
    let out = dir.join("gen.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    cmd.args([
        "generate",
        "--topic",
        "Tea",
        "--target-tokens",
        "60",
        "--tokenizer",
        "words",
        "--output",
    ])
    .arg(&out);
    let result = output_of(cmd).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let record = &records(&out)[0];
    assert!(
        record["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("# Origins") && t.contains("# Trade"))
    );
    assert_eq!(record["plan"]["topic"], "Tea");
    assert!(
        record["qc_report"]["sections"]
            .as_array()
            .is_some_and(|s| s.len() == 2)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_conversation_layout_sends_earlier_chunks_as_turns_and_says_so_in_provenance() {
    let flags = ["--window-layout", "conversation", "--history-tokens", "600"];
    let (fake, _, _, got) = rephrase_upper("conversation", &flags).await;
    for record in &got {
        assert_eq!(record["provenance"]["window_layout"], "conversation");
    }
    let turns = fake
        .requests()
        .iter()
        .filter(|r| {
            r.body["messages"]
                .as_array()
                .is_some_and(|m| m.len() > 2 && m[2]["role"] == "assistant")
        })
        .count();
    assert!(turns > 0, "no request carried earlier turns");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_priority_sends_each_calls_chunks_left_to_the_server() {
    let (fake, _, _, _) = rephrase_upper("server-priority", &["--server-priority"]).await;
    let priorities: Vec<i64> = fake
        .requests()
        .iter()
        .map(|r| r.body["priority"].as_i64().unwrap_or(i64::MIN))
        .collect();
    // Negated chunks left (vLLM serves lower first): the first chunk of a
    // multi-chunk document is below 0, a document's last chunk is 0.
    assert!(
        priorities.iter().all(|&p| (-1000..=0).contains(&p)),
        "{priorities:?}"
    );
    assert!(priorities.iter().any(|&p| p < 0) && priorities.contains(&0));
}

/// Failures of week-long runs, each reproduced against the built binary.
#[path = "cli/resume_and_failures.rs"]
mod resume_and_failures;

/// `generate` over topic specs on the corpus engine.
#[path = "cli/generate_corpus.rs"]
mod generate_corpus;

/// Parquet and compressed JSONL in and out, shards, kept fields.
#[path = "cli/datasets.rs"]
mod datasets;

/// The first hour: --demo and the demo server.
#[path = "cli/demo.rs"]
mod demo;

/// The fidelity gate: copies, suspicions.
#[path = "cli/gate.rs"]
mod gate;

/// The judge: claim questions about suspicions, its own endpoint and key.
#[path = "cli/judge.rs"]
mod judge;

/// Batch mode: wavefront rounds through a batch runner.
#[path = "cli/batch.rs"]
mod batch;

/// Object stores: inputs read from a real S3-compatible server.
#[path = "cli/store.rs"]
mod store;

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_server_answer_passes_the_gate_on_the_example_corpus() {
    // `cargo xtask fake-server` answers with demo_rewrite: a first run on
    // examples/sample.jsonl should pass the gate without repair calls.
    let fake = FakeLlm::start(chunksynth_fake_llm::demo_reply)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("demo");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample.jsonl");
    let out = dir.join("out.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    cmd.args(["rephrase", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&out)
        .args(["--style", "textbook"]);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("fidelity pass rate 100.0%"), "{stderr}");
    let chunks: usize = records(&out)
        .iter()
        .map(|r| r["provenance"]["chunks"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(fake.request_count(), chunks, "one call per chunk: no repair");
    let sources: Vec<String> = std::fs::read_to_string(&input)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["text"].as_str().unwrap_or("").to_owned())
        .collect();
    let changed = records(&out)
        .iter()
        .filter(|r| !sources.iter().any(|s| Some(s.as_str()) == r["text"].as_str()))
        .count();
    assert!(changed > 0, "a rewrite visibly happened");
}
