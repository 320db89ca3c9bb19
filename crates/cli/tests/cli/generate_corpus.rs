//! `generate` at corpus scale, black-box: topic specs through the same
//! engine as rephrasing (journal, resume, concurrency, rejects, dry run).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chunksynth_fake_llm::{FakeLlm, FakeRequest, Reply};

use super::{chunksynth, newlines, output_of, records, tempdir};

/// A model that plans two sections per topic and writes them; the
/// consistency pass returns the section unchanged.
fn writer(r: &FakeRequest) -> Reply {
    let user = r.last_user_text();
    if user.starts_with("Plan a long-form text") {
        let topic = user
            .lines()
            .find_map(|l| l.strip_prefix("Topic: "))
            .unwrap_or("nothing");
        let plan = serde_json::json!({
            "topic": topic, "target_total_length": 60,
            "sections": [
                {"title": format!("Origins of {topic}"), "target_length": 30},
                {"title": format!("Uses of {topic}"), "target_length": 30},
            ]
        });
        return Reply::text(plan.to_string());
    }
    if user.starts_with("Edit one section") {
        return Reply::text(chunksynth_prompts::last_passage(&user));
    }
    let title = user
        .lines()
        .find_map(|l| l.strip_prefix("Section ").and_then(|l| l.split_once(": ")))
        .map_or("Untitled", |(_, t)| t);
    Reply::text(if title.starts_with("Origins") {
        format!(
            "# {title}\n\nThis part covers {title}: where it began, who first cared about it, how it spread \
             from one town to the next, and why readers today still find it worth a long afternoon."
        )
    } else {
        format!(
            "# {title}\n\nKitchens, workshops and schools put it to work in many ways. Some cooks swear by \
             it for soups; builders measure with it; teachers hand it to children on rainy mornings."
        )
    })
}

fn topics_file(dir: &Path, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join("topics.jsonl");
    std::fs::write(&path, lines.iter().map(|l| format!("{l}\n")).collect::<String>())
        .unwrap_or_else(|e| panic!("{e}"));
    path
}

fn topics(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            serde_json::json!({"id": format!("t{i}"), "topic": format!("Topic {i}"), "target_tokens": 60})
                .to_string()
        })
        .collect()
}

fn generate(base_url: &str, topics: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = chunksynth(base_url);
    cmd.arg("generate")
        .arg("--topics")
        .arg(topics)
        .arg("--output")
        .arg(out)
        .args(["--tokenizer", "words", "--concurrency", "3"])
        .args(extra);
    cmd
}

/// Records without what differs between two runs of the same work (the
/// time each finished).
fn comparable(out: &Path) -> Vec<serde_json::Value> {
    let mut all = records(out);
    for r in &mut all {
        if let Some(p) = r["provenance"].as_object_mut() {
            p.remove("finished_at_unix_ms");
            p.remove("endpoints");
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sigkilled_generate_run_resumes_to_identical_records_without_repeating_a_call() {
    // A clean run: the records and the calls the work takes.
    let clean =
        FakeLlm::start(|r: &FakeRequest| Reply::Delayed(Duration::from_millis(20), Box::new(writer(r))))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gen-clean");
    let input = topics_file(&dir, &topics(8));
    let out = dir.join("out.jsonl");
    let result = output_of(generate(&clean.base_url(), &input, &out, &[])).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let expected = comparable(&out);
    assert_eq!(expected.len(), 8, "{stderr}");
    assert!(clean.max_in_flight() > 1, "topics ran concurrently");
    let calls = clean.request_count();

    // The same work, killed mid-run: calls after the 12th are held until
    // the kill, so the child cannot finish first.
    let killed = Arc::new(AtomicBool::new(false));
    let open = killed.clone();
    let slow = move |r: &FakeRequest| {
        let held = r.index >= 12 && !open.load(Ordering::SeqCst);
        Reply::Delayed(
            Duration::from_millis(if held { 120_000 } else { 10 }),
            Box::new(writer(r)),
        )
    };
    let fake = FakeLlm::start(slow).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gen-kill");
    let input = topics_file(&dir, &topics(8));
    let out = dir.join("out.jsonl");
    let journal = dir.join("out.jsonl.journal.jsonl");
    let mut child = generate(&fake.base_url(), &input, &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while newlines(&journal) < 12 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    let journaled = newlines(&journal);
    let sent_before = fake.request_count();
    killed.store(true, Ordering::SeqCst);
    assert!(
        journaled >= 12 && journaled < calls,
        "killed mid-run: {journaled} of {calls}"
    );

    let result = output_of(generate(&fake.base_url(), &input, &out, &[])).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert_eq!(
        fake.request_count() - sent_before,
        calls - journaled,
        "the resume sent exactly the calls not journaled"
    );
    assert_eq!(comparable(&out), expected, "identical records, each once");

    // A finished run reruns with no call.
    let before = fake.request_count();
    let result = output_of(generate(&fake.base_url(), &input, &out, &[])).await;
    assert_eq!(result.status.code(), Some(0));
    assert_eq!(fake.request_count(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_specs_and_duplicate_ids_are_rejected_and_qc_failures_follow_the_policy() {
    let fake = FakeLlm::start(writer).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gen-bad");
    let mut lines = topics(2);
    lines.push(r#"{"id": "no-length", "topic": "Tea"}"#.to_owned());
    lines.push(r#"{"id": "t0", "topic": "Again", "target_tokens": 60}"#.to_owned());
    lines.push("not json".to_owned());
    let input = topics_file(&dir, &lines);
    let out = dir.join("out.jsonl");
    let result = output_of(generate(&fake.base_url(), &input, &out, &[])).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert_eq!(records(&out).len(), 2);
    let rejects = records(&dir.join("out.jsonl.rejects.jsonl"));
    let kinds: Vec<&str> = rejects.iter().map(|r| r["kind"].as_str().unwrap_or("")).collect();
    assert_eq!(
        kinds,
        ["invalid_input", "duplicate_id", "invalid_input"],
        "{rejects:?}"
    );
    assert!(
        rejects[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("target_tokens")),
        "{rejects:?}"
    );

    // A model that writes the same section twice fails QC (the second
    // repeats the first): rejected, for good, under --on-qc-failure reject.
    let short = FakeLlm::start(|r: &FakeRequest| {
        let user = r.last_user_text();
        if user.starts_with("Plan a long-form text") || user.starts_with("Edit one section") {
            writer(r)
        } else {
            Reply::text(
                "# Again\n\nThe same paragraph comes back every time, word for word, whatever section \
                 the plan asks for next, so the text says one thing twice and nothing more.",
            )
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gen-qc");
    let input = topics_file(&dir, &topics(2));
    let out = dir.join("out.jsonl");
    let result = output_of(generate(
        &short.base_url(),
        &input,
        &out,
        &["--on-qc-failure", "reject"],
    ))
    .await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(records(&out).is_empty());
    let rejects = records(&dir.join("out.jsonl.rejects.jsonl"));
    assert!(
        rejects
            .iter()
            .all(|r| r["kind"] == "qc" && r["retryable"] == false),
        "{rejects:?}"
    );
    let calls = short.request_count();
    let rerun = output_of(generate(
        &short.base_url(),
        &input,
        &out,
        &["--on-qc-failure", "reject"],
    ))
    .await;
    assert_eq!(rerun.status.code(), Some(1));
    assert_eq!(short.request_count(), calls, "a QC reject is final: no call");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_generate_dry_run_counts_the_pipelines_calls_and_sends_nothing() {
    let fake = FakeLlm::start(writer).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gen-dry");
    let lines: Vec<String> = (0..3)
        .map(|i| {
            serde_json::json!({"id": format!("t{i}"), "topic": format!("Topic {i}"), "target_tokens": 1200})
                .to_string()
        })
        .chain([r#"{"id": "bad", "topic": ""}"#.to_owned()])
        .collect();
    let input = topics_file(&dir, &lines);
    let out = dir.join("out.jsonl");
    let result = output_of(generate(
        &fake.base_url(),
        &input,
        &out,
        &["--dry-run", "--price-input", "1", "--price-output", "2"],
    ))
    .await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert_eq!(fake.request_count(), 0);
    assert!(!out.exists(), "a dry run writes no output");
    let est: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap_or_default();
    assert_eq!(est["documents"], 3, "{est}");
    assert_eq!(est["rejected"], 1, "{est}");
    // Per topic: a plan, two sections of 600 tokens (one call each), and
    // the consistency pass of the second (the first has nothing before it).
    assert_eq!(est["calls"], 12, "{est}");
    let completion = est["completion_tokens"].as_u64().unwrap_or(0);
    assert!((3 * 1800..3 * 2400).contains(&completion), "{est}");
    assert!(est["cost"].as_f64().is_some_and(|c| c > 0.0), "{est}");
}
