//! Resume by identity and the failure model, black-box: the built binary
//! against the fake server. Each test reproduces one failure an issue names
//! and asserts records, rejects, exit code and calls made.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chunksynth_fake_llm::{FakeLlm, FakeOptions, FakeRequest, Reply};

use super::{
    KEY, chunksynth, code_and_stderr, newlines, output_of, records, rephrase_args, tempdir, upper,
    write_input,
};

fn short_docs(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("doc-{i}"), format!("Document number {i} says one thing.")))
        .collect()
}

fn rephrase(base_url: &str, input: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = chunksynth(base_url);
    rephrase_args(&mut cmd, input, out);
    cmd.args(extra);
    cmd
}

/// Output ids with how often each appears.
fn id_counts(out: &Path) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for r in records(out) {
        *counts
            .entry(r["id"].as_str().unwrap_or("").to_owned())
            .or_default() += 1;
    }
    counts
}

/// Reruns the same command: it must exit with `expected` (0, or 1 while
/// items stay rejected for good) without a model call.
async fn assert_rerun_calls_nothing(fake: &FakeLlm, input: &Path, out: &Path, expected: i32) {
    let calls = fake.request_count();
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), input, out, &[])).await);
    assert_eq!(code, Some(expected), "{err}");
    assert_eq!(fake.request_count(), calls, "the rerun made a call");
}

#[tokio::test(flavor = "multi_thread")]
async fn prepended_deleted_and_reordered_lines_each_end_up_once() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("reorder");
    let docs = short_docs(5);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    let first_calls = fake.request_count();
    // A new document first, doc-0 deleted, the rest reversed.
    let mut changed = vec![("new".to_owned(), "A new document arrived.".to_owned())];
    changed.extend(docs[1..].iter().rev().cloned());
    write_input(&dir, &changed);
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        fake.request_count() - first_calls,
        1,
        "only the new document is called"
    );
    let counts = id_counts(&out);
    for (id, _) in &changed {
        assert_eq!(counts.get(id), Some(&1), "{id} once: {counts:?}");
    }
    assert_eq!(
        counts.get("doc-0"),
        Some(&1),
        "a deleted line's record is left alone"
    );
    assert!(err.contains("no longer in the input"), "{err}");
    for r in records(&out) {
        let id = r["id"].as_str().unwrap_or("");
        let source = changed
            .iter()
            .chain(&docs)
            .find(|(i, _)| i == id)
            .map(|(_, t)| t.to_uppercase());
        assert_eq!(r["text"].as_str(), source.as_deref(), "{id}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edited_text_is_redone_and_its_stale_record_dropped() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("edited");
    let mut docs = short_docs(4);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    assert_eq!(
        output_of(rephrase(&fake.base_url(), &input, &out, &[]))
            .await
            .status
            .code(),
        Some(0)
    );
    docs[2].1 = "Document number 2 was corrected.".to_owned();
    write_input(&dir, &docs);
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    let got = records(&out);
    assert_eq!(got.len(), docs.len(), "one record per id: {got:?}");
    assert_eq!(got[2]["text"], "DOCUMENT NUMBER 2 WAS CORRECTED.");
    assert!(err.contains("source changed"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fixed_invalid_line_is_processed_by_the_rerun() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("fixed");
    let input = dir.join("in.jsonl");
    let out = dir.join("out.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"Fine.\"}\n{\"id\": \"b\", \"text\": \"Broken\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(1), "{err}");
    // Unchanged, it stays rejected without a call (and the exit code still
    // says the output lacks it); fixed, it is processed.
    assert_rerun_calls_nothing(&fake, &input, &out, 1).await;
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"Fine.\"}\n{\"id\": \"b\", \"text\": \"Fixed.\"}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    let texts: Vec<String> = records(&out)
        .iter()
        .map(|r| r["text"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(texts, ["FINE.", "FIXED."]);
    assert!(
        records(&dir.join("out.jsonl.rejects.jsonl")).is_empty(),
        "the stale invalid_input reject is compacted away"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_id_is_rejected_not_overwritten() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("dup");
    let docs = vec![
        ("same".to_owned(), "The first text.".to_owned()),
        ("other".to_owned(), "Another text.".to_owned()),
        ("same".to_owned(), "The second text.".to_owned()),
    ];
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(1), "{err}");
    let rejects = records(&dir.join("out.jsonl.rejects.jsonl"));
    assert_eq!(rejects.len(), 1);
    assert_eq!(
        (rejects[0]["kind"].as_str(), rejects[0]["line"].as_u64()),
        (Some("duplicate_id"), Some(3))
    );
    let got = records(&out);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["text"], "THE FIRST TEXT.");
    // The rerun neither calls nor writes the reject again.
    assert_rerun_calls_nothing(&fake, &input, &out, 1).await;
    assert_eq!(records(&dir.join("out.jsonl.rejects.jsonl")).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_model_on_an_existing_output_is_refused_until_restart() {
    let options = FakeOptions {
        models: vec!["fake-model".to_owned(), "other-model".to_owned()],
        ..FakeOptions::default()
    };
    let fake = FakeLlm::start_with(options, upper)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("fingerprint");
    let input = write_input(&dir, &short_docs(3));
    let out = dir.join("out.jsonl");
    assert_eq!(
        output_of(rephrase(&fake.base_url(), &input, &out, &[]))
            .await
            .status
            .code(),
        Some(0)
    );
    let calls = fake.request_count();
    let mut other = rephrase(&fake.base_url(), &input, &out, &[]);
    other.env("LLM_MODEL", "other-model");
    let (code, err) = code_and_stderr(&output_of(other).await);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("model: fake-model → other-model") && err.contains("--restart"),
        "{err}"
    );
    assert_eq!(fake.request_count(), calls, "nothing sent");
    let mut restart = rephrase(&fake.base_url(), &input, &out, &["--restart"]);
    restart.env("LLM_MODEL", "other-model");
    let (code, err) = code_and_stderr(&output_of(restart).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(records(&out).len(), 3);
    let aside = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().contains(".replaced-"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(aside, 1, "the old output is set aside, not deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_outage_past_the_timeout_stops_with_exit_3_and_the_rerun_does_the_rest() {
    let down = Arc::new(AtomicBool::new(true));
    let state = down.clone();
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        if state.load(Ordering::SeqCst) {
            Reply::error(503, "the server is down for maintenance", "unavailable")
        } else {
            upper(r)
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("outage");
    let docs = short_docs(5);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let flags = ["--max-retries", "0", "--outage-timeout", "1"];
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("endpoint down since") && err.contains("rerun"),
        "{err}"
    );
    assert!(records(&out).is_empty());
    // Held documents are filed as retryable, saying why (those never
    // started are simply missing); none started after the outage began
    // except probes.
    let rejects = records(&dir.join("out.jsonl.rejects.jsonl"));
    assert!(!rejects.is_empty());
    assert!(
        rejects
            .iter()
            .all(|r| r["retryable"] == true && r["reason"].as_str().is_some_and(|t| t.contains("down"))),
        "{rejects:?}"
    );
    assert!(
        fake.request_count() <= 3 + 2,
        "only probes while down: {}",
        fake.request_count()
    );
    down.store(false, Ordering::SeqCst);
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(id_counts(&out).len(), docs.len());
    assert_eq!(records(&out).len(), docs.len());
    assert!(
        records(&dir.join("out.jsonl.rejects.jsonl")).is_empty(),
        "stale rejects compacted away"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_waits_out_an_outage_and_ends_with_every_document_done() {
    // Down for two seconds from the 5th request on.
    let back_at: Arc<std::sync::Mutex<Option<Instant>>> = Arc::default();
    let failed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (window, failures) = (back_at.clone(), failed.clone());
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        let mut back = window.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if r.index >= 4 && back.is_none() {
            *back = Some(Instant::now() + Duration::from_secs(2));
        }
        if back.is_some_and(|t| Instant::now() < t) {
            failures.fetch_add(1, Ordering::SeqCst);
            return Reply::error(503, "upstream unavailable", "unavailable");
        }
        Reply::Delayed(Duration::from_millis(20), Box::new(upper(r)))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("outage-wait");
    let docs = short_docs(12);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let flags = ["--max-retries", "0", "--outage-timeout", "60"];
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("endpoint down since") && err.contains("endpoint back after"),
        "{err}"
    );
    assert_eq!(id_counts(&out).len(), docs.len(), "every document once");
    assert_eq!(records(&out).len(), docs.len());
    assert!(records(&dir.join("out.jsonl.rejects.jsonl")).is_empty());
    // Those in flight when it went down (3) failed, then one probe at a
    // time with a growing pause: a handful, not one per document.
    let failed = failed.load(Ordering::SeqCst);
    assert!(
        (1..=3 + 3).contains(&failed),
        "{failed} failed calls during the outage"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_key_stops_the_run_with_exit_2_and_marks_nothing_failed() {
    let refuse = Arc::new(AtomicBool::new(false));
    let state = refuse.clone();
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        // The model check at start passes; the key is revoked mid-run.
        if state.load(Ordering::SeqCst) || r.index >= 2 {
            state.store(true, Ordering::SeqCst);
            Reply::error(401, "Incorrect API key provided", "invalid_api_key")
        } else {
            Reply::Delayed(Duration::from_millis(20), Box::new(upper(r)))
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("revoked");
    let input = write_input(&dir, &short_docs(12));
    let out = dir.join("out.jsonl");
    let (code, err) =
        code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &["--max-retries", "0"])).await);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        fake.request_count() < 12,
        "stopped early: {}",
        fake.request_count()
    );
    assert!(records(&dir.join("out.jsonl.rejects.jsonl")).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_on_the_same_output_fails_fast() {
    let release = Arc::new(AtomicBool::new(false));
    let open = release.clone();
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        let wait = if open.load(Ordering::SeqCst) { 1 } else { 60_000 };
        Reply::Delayed(Duration::from_millis(wait), Box::new(upper(r)))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("lock");
    let input = write_input(&dir, &short_docs(4));
    let out = dir.join("out.jsonl");
    let mut first = rephrase(&fake.base_url(), &input, &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.request_count() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    let _ = first.kill();
    let _ = first.wait();
    release.store(true, Ordering::SeqCst);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("held by another chunksynth run"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(records(&out).is_empty(), "the second run wrote nothing");
    // The lock died with the killed process: a rerun goes ahead.
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(records(&out).len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_middle_journal_line_costs_one_call_and_a_foreign_file_is_refused() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("corrupt");
    let docs = short_docs(6);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    assert_eq!(
        output_of(rephrase(&fake.base_url(), &input, &out, &[]))
            .await
            .status
            .code(),
        Some(0)
    );
    let journal = dir.join("out.jsonl.journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap_or_default();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), docs.len());
    lines[1] = "{\"key\": \"garbled by a bad disk";
    std::fs::write(&journal, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(&out).unwrap_or_else(|e| panic!("{e}"));
    let calls = fake.request_count();
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        fake.request_count() - calls,
        1,
        "every entry after the bad line replays"
    );
    assert!(err.contains("unreadable"), "{err}");
    assert_eq!(records(&out).len(), docs.len());
    // A garbled line in the output: its item is redone from the journal
    // (no call) and the line is moved to out.jsonl.unreadable, not lost.
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "garbled output line";
    std::fs::write(&out, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
    let calls = fake.request_count();
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(fake.request_count(), calls);
    assert_eq!(records(&out).len(), docs.len());
    let moved = std::fs::read_to_string(dir.join("out.jsonl.unreadable")).unwrap_or_default();
    assert_eq!(moved, "garbled output line\n");
    // A journal path that names someone else's file: refused, left whole.
    let notes = dir.join("notes.md");
    std::fs::write(&notes, "# Notes\nkeep these").unwrap_or_else(|e| panic!("{e}"));
    let flags = ["--journal", notes.to_str().unwrap_or("")];
    let (code, err) =
        code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &dir.join("o2.jsonl"), &flags)).await);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a chunksynth journal"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap_or_default(),
        "# Notes\nkeep these"
    );
}

/// Runs the binary with a file size limit (`ulimit -f`, in KiB), SIGXFSZ
/// ignored so a write past it fails with EFBIG as on a full disk.
fn with_file_limit(cmd: &Command, kib: u32) -> Command {
    let mut limited = Command::new("bash");
    limited
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => limited.env(k, v),
            None => limited.env_remove(k),
        };
    }
    limited.stdin(Stdio::null());
    limited
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_under_the_journal_stops_with_exit_3_and_the_rerun_repeats_no_journaled_call() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let docs = super::docs();
    let clean = tempdir("disk-clean");
    let input = write_input(&clean, &docs);
    let flags = ["--concurrency", "1"];
    assert_eq!(
        output_of(rephrase(
            &fake.base_url(),
            &input,
            &clean.join("out.jsonl"),
            &flags
        ))
        .await
        .status
        .code(),
        Some(0)
    );
    let all_calls = fake.request_count();
    let dir = tempdir("disk-full");
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let limited = with_file_limit(&rephrase(&fake.base_url(), &input, &out, &flags), 8);
    let (code, err) = code_and_stderr(&output_of(limited).await);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("journal"), "{err}");
    let journal = dir.join("out.jsonl.journal.jsonl");
    let bytes = std::fs::read(&journal).unwrap_or_default();
    assert!(
        bytes.is_empty() || bytes.ends_with(b"\n"),
        "no partial entry left behind"
    );
    let journaled = newlines(&journal);
    assert!(
        journaled > 0 && journaled < all_calls,
        "{journaled} of {all_calls}"
    );
    let before = fake.request_count();
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        fake.request_count() - before,
        all_calls - journaled,
        "no journaled call is paid twice"
    );
    assert_eq!(records(&out).len(), docs.len());
}

fn signal(child: &std::process::Child, name: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status();
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_calls_in_flight_and_a_second_one_stops_at_once() {
    let release = Arc::new(AtomicBool::new(false));
    let open = release.clone();
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        let wait = if open.load(Ordering::SeqCst) || r.index < 3 {
            5
        } else {
            120_000
        };
        Reply::Delayed(Duration::from_millis(wait), Box::new(upper(r)))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("sigterm");
    let docs = short_docs(10);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let mut child = rephrase(&fake.base_url(), &input, &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    // Every slot busy with a call that hangs for two minutes.
    while fake.request_count() < 6 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    signal(&child, "TERM");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        child.try_wait().ok().flatten().is_none(),
        "the first SIGTERM waits for calls in flight"
    );
    let stopped = Instant::now();
    signal(&child, "TERM");
    let status = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        stopped.elapsed() < Duration::from_secs(20),
        "the second signal stops at once"
    );
    assert_eq!(
        status.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    release.store(true, Ordering::SeqCst);
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(records(&out).len(), docs.len());
}

/// Waits for `child` to exit, at most `limit`; its status and stderr, and
/// how long it took from `since`.
async fn exit_within(child: std::process::Child, since: Instant) -> (std::process::Output, Duration) {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    (output, since.elapsed())
}

/// Slurm and Kubernetes kill 30 s after SIGTERM: one SIGTERM while every
/// call hangs, and one during a server's `Retry-After: 86400`, each end
/// with exit 130 inside the grace period (3 s here, 20 by default) — no new
/// call starts, calls in flight are given up — and the rerun writes every
/// record once.
#[tokio::test(flavor = "multi_thread")]
async fn a_sigterm_ends_within_the_grace_period_while_calls_hang_or_wait_out_a_retry_after() {
    for case in ["hang", "retry-after"] {
        let release = Arc::new(AtomicBool::new(false));
        let open = release.clone();
        let fake = FakeLlm::start(move |r: &FakeRequest| {
            if open.load(Ordering::SeqCst) {
                upper(r)
            } else if case == "hang" {
                Reply::Delayed(Duration::from_secs(600), Box::new(upper(r)))
            } else {
                Reply::rate_limited("86400")
            }
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let dir = tempdir(&format!("grace-{case}"));
        let docs = short_docs(6);
        let input = write_input(&dir, &docs);
        let out = dir.join("out.jsonl");
        let child = rephrase(&fake.base_url(), &input, &out, &["--grace-seconds", "3"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let deadline = Instant::now() + Duration::from_secs(60);
        while fake.request_count() < 3 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Let the retry wait begin.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let sent = Instant::now();
        signal(&child, "TERM");
        let (output, took) = exit_within(child, sent).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{case}: {stderr}");
        assert!(
            took < Duration::from_secs(3 + 5),
            "{case}: exited after {took:?}: {stderr}"
        );
        assert!(
            stderr.contains("calls in flight get up to 3 s"),
            "{case}: {stderr}"
        );
        let calls_before = fake.request_count();
        release.store(true, Ordering::SeqCst);
        let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &[])).await);
        assert_eq!(code, Some(0), "{case}: {err}");
        let ids = id_counts(&out);
        assert_eq!(ids.len(), docs.len(), "{case}: {ids:?}");
        assert!(ids.values().all(|&n| n == 1), "{case}: each record once: {ids:?}");
        assert!(
            fake.request_count() > calls_before,
            "{case}: the rerun did the rest"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_budget_holds_across_reruns() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("budget");
    let input = write_input(&dir, &short_docs(8));
    let out = dir.join("out.jsonl");
    let flags = ["--concurrency", "1", "--max-tokens", "300"];
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(4), "{err}");
    let written = records(&out).len();
    assert!((1..8).contains(&written), "{written}");
    let calls = fake.request_count();
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(4), "{err}");
    assert_eq!(fake.request_count(), calls, "the spent budget is not spent again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_with_a_carriage_return_is_refused_without_a_panic_or_the_key() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("crlf-key");
    let input = write_input(&dir, &short_docs(2));
    let mut cmd = rephrase(&fake.base_url(), &input, &dir.join("out.jsonl"), &[]);
    cmd.env("LLM_API_KEY", format!("{KEY}\r"));
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("carriage return") && !err.contains(KEY) && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_streams_are_retried_never_written_as_short_records() {
    // While `broken`, doc-1's stream stops halfway without a finish reason
    // or [DONE], and doc-2 gets a JSON body cut mid-way instead of a stream.
    let broken = Arc::new(AtomicBool::new(true));
    let state = broken.clone();
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        let text = r.passage().to_uppercase();
        match (
            state.load(Ordering::SeqCst),
            r.passage().contains("number 1 "),
            r.passage().contains("number 2 "),
        ) {
            (true, true, _) => Reply::Cut(text),
            (true, _, true) => Reply::Raw(format!(
                "{{\"choices\": [{{\"message\": {{\"content\": \"{}",
                &text[..8]
            )),
            _ => Reply::text(text),
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("cut-stream");
    let docs = short_docs(4);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let flags = ["--stream", "--max-retries", "0"];
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(3), "{err}");
    let written: Vec<String> = records(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(written, ["doc-0", "doc-3"], "no short record for a cut answer");
    let rejects = records(&dir.join("out.jsonl.rejects.jsonl"));
    assert_eq!(rejects.len(), 2, "{rejects:?}");
    assert!(rejects.iter().all(|r| r["retryable"] == true), "{rejects:?}");
    broken.store(false, Ordering::SeqCst);
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(0), "{err}");
    for ((_, text), r) in docs.iter().zip(records(&out)) {
        assert_eq!(r["text"].as_str(), Some(text.to_uppercase().as_str()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_as_input_is_read_as_a_stream_once_its_writer_comes() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("fifo");
    let fifo = dir.join("in.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let docs = short_docs(3);
    let body: String = docs
        .iter()
        .map(|(id, text)| format!("{}\n", serde_json::json!({"id": id, "text": text})))
        .collect();
    let out = dir.join("out.jsonl");
    let child = rephrase(&fake.base_url(), &fifo, &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // The writer comes late: the run waits for it without spinning.
    tokio::time::sleep(Duration::from_millis(300)).await;
    std::fs::write(&fifo, body).unwrap_or_else(|e| panic!("{e}"));
    let result = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, err) = code_and_stderr(&result);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("as a stream"), "{err}");
    assert_eq!(records(&out).len(), docs.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_retry_after_and_a_huge_usage_neither_panic_nor_wrap() {
    // Retry-After: 1e20 on the first call (Duration::from_secs_f64 panics
    // on it): waited at most the cap, never a panic reject.
    let fake = FakeLlm::start(|r: &FakeRequest| {
        if r.index == 0 {
            Reply::rate_limited("1e20")
        } else {
            upper(r)
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("huge-numbers");
    let docs = short_docs(5);
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let (code, err) =
        code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &["--max-retries", "0"])).await);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panic"), "{err}");
    assert_eq!(records(&out).len(), docs.len());

    // A server that bills u64::MAX tokens a call: the budget counter
    // saturates instead of wrapping to a small number, so the run stops.
    let huge = FakeLlm::start(|r: &FakeRequest| {
        let body = serde_json::json!({
            "id": "x", "object": "chat.completion", "created": 1, "model": "fake-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": r.passage().to_uppercase()},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": u64::MAX, "completion_tokens": u64::MAX, "total_tokens": u64::MAX}
        });
        Reply::Raw(body.to_string())
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("huge.jsonl");
    let flags = ["--max-tokens", "1000000", "--concurrency", "1"];
    let (code, err) = code_and_stderr(&output_of(rephrase(&huge.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.contains("token budget spent") && !err.contains("panic"),
        "{err}"
    );
    assert!(
        huge.request_count() < docs.len(),
        "the budget stopped the run early"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn input_hygiene_bom_duplicate_styles_symlink_loops_and_a_closed_pipe() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("hygiene");
    // A BOM before line 1, and the same style named twice.
    let input = dir.join("in.jsonl");
    std::fs::write(&input, "\u{feff}{\"id\": \"a\", \"text\": \"With a BOM.\"}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    cmd.args(["rephrase", "--styles", "textbook,textbook", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&out);
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(records(&out).len(), 1, "one record, one call");
    assert_eq!(fake.request_count(), 1);
    // A folder with a symlink to itself: each file once.
    let folder = dir.join("docs");
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(folder.join("one.txt"), "The only file.").unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&folder, folder.join("loop")).unwrap_or_else(|e| panic!("{e}"));
    let out2: PathBuf = dir.join("out2.jsonl");
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &folder, &out2, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(records(&out2).len(), 1);
    // `plan-schema | head -c 1`: a closed pipe ends quietly.
    let mut schema = Command::new(env!("CARGO_BIN_EXE_chunksynth"));
    schema
        .arg("plan-schema")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = schema.spawn().unwrap_or_else(|e| panic!("{e}"));
    drop(child.stdout.take());
    let result = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(result.status.code(), Some(0), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_stay_out_of_config_errors_records_journals_and_clear_text_http() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("secrets");
    let input = write_input(&dir, &short_docs(2));
    // A key pasted into the wrong field of the config file.
    let config = dir.join("chunksynth.toml");
    std::fs::write(&config, format!("temperature = \"{KEY}\"\n")).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = rephrase(&fake.base_url(), &input, &dir.join("o1.jsonl"), &[]);
    cmd.arg("--config").arg(&config);
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("line 1") && !err.contains(KEY), "{err}");
    // Credentials in the base URL are stored nowhere.
    let with_user = fake.base_url().replace("http://", "http://alice:hunter2@");
    let out = dir.join("o2.jsonl");
    let (code, err) = code_and_stderr(&output_of(rephrase(&with_user, &input, &out, &[])).await);
    assert_eq!(code, Some(0), "{err}");
    for f in ["o2.jsonl", "o2.jsonl.journal.jsonl", "o2.jsonl.state.json"] {
        let content = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        assert!(
            !content.is_empty() && !content.contains("hunter2"),
            "{f}: {content}"
        );
    }
    assert!(!err.contains("hunter2"), "{err}");
    // A key over plain http to a host that is not loopback: refused before
    // anything is sent (`.invalid` never resolves).
    let cmd = rephrase("http://example.invalid/v1", &input, &dir.join("o3.jsonl"), &[]);
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--allow-insecure-http") && !err.contains(KEY),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_man_page_keeps_its_layout_when_the_model_strips_the_edges_of_each_answer() {
    // Answers are the passage with its edges stripped, as models answer.
    let fake = FakeLlm::start(|r: &FakeRequest| Reply::text(r.passage().trim()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("man-layout");
    let mut page =
        String::from("TAR(1)                     GNU TAR Manual                     TAR(1)\n\nOPTIONS\n");
    for (flag, what) in [
        (
            "-A, --catenate, --concatenate",
            "Append archive to the end of another archive.",
        ),
        (
            "-c, --create",
            "Create a new archive. Arguments supply the names of the files to be archived.",
        ),
        (
            "-d, --diff, --compare",
            "Find differences between archive and file system.",
        ),
        (
            "-g, --listed-incremental=FILE",
            "Handle new GNU-format incremental backups. FILE is the name of a snapshot file.",
        ),
        ("-r, --append", "Append files to the end of an archive."),
        ("-t, --list", "List the contents of an archive."),
    ] {
        page.push_str(&format!("\n       {flag}\n              {what}\n"));
    }
    let docs = vec![("tar.1".to_owned(), page.clone())];
    let input = write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    cmd.args(["rephrase", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&out)
        .args([
            "--style",
            "textbook",
            "--max-attempts",
            "1",
            "--chunk-tokens",
            "24",
            "--overlap-tokens",
            "0",
        ]);
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(0), "{err}");
    let got = records(&out);
    assert!(fake.request_count() > 3, "several chunks, most starting indented");
    assert_eq!(
        got[0]["text"].as_str(),
        Some(page.as_str()),
        "byte for byte, indentation at every seam"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operator_log_gives_reasons_as_json_and_never_the_key() {
    let fake = FakeLlm::start(|r: &FakeRequest| match r.index {
        0 => Reply::rate_limited("0"),
        1 => Reply::error(
            400,
            &format!("bad request from key {KEY}"),
            "invalid_request_error",
        ),
        _ => upper(r),
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("oplog");
    let input = write_input(&dir, &short_docs(3));
    let out = dir.join("out.jsonl");
    let mut cmd = rephrase(
        &fake.base_url(),
        &input,
        &out,
        &["--log-format", "json", "--concurrency", "1"],
    );
    cmd.env("RUST_LOG", "debug");
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(3), "{err}");
    let events: Vec<serde_json::Value> = err
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .collect();
    let said = |m: &str| events.iter().any(|e| e["fields"]["message"] == m);
    assert!(said("retrying"), "{err}");
    assert!(said("rate limited: in-flight cap halved"), "{err}");
    assert!(said("item rejected"), "{err}");
    assert!(
        events
            .iter()
            .any(|e| e["fields"]["kind"] == "bad_request" && e["fields"]["retryable"] == true),
        "{err}"
    );
    assert!(!err.contains(KEY), "the key leaked into the log: {err}");
    // With the output gone, a rerun rebuilds it from the journal: at debug,
    // each replay is a line.
    std::fs::remove_file(&out).unwrap_or_else(|e| panic!("{e}"));
    let mut again = rephrase(&fake.base_url(), &input, &out, &["--log-format", "json"]);
    again.env("RUST_LOG", "debug");
    let (_, err) = code_and_stderr(&output_of(again).await);
    assert!(err.contains("answer replayed from the journal"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn style_bounds_in_the_config_file_move_the_gate_and_a_wrong_one_is_refused() {
    // The model answers with a restyle twice over: about 200% of the
    // source's words, within textbook's catalogue band (0.8–2.6), outside a
    // band the user narrows.
    let restyle = "Every reference in a program is examined by the borrow checker, which makes sure each one stays valid for the whole time it is in use.";
    let fake = FakeLlm::start(move |_: &FakeRequest| Reply::text(format!("{restyle} {restyle}")))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("style-bounds");
    let text = "The borrow checker looks at every reference in the program. It makes sure that each reference is valid for as long as it is used.";
    let input = write_input(&dir, &[("doc".to_owned(), text.to_owned())]);
    let flags = ["--style", "textbook", "--max-attempts", "2"];
    let (code, err) =
        code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &dir.join("a.jsonl"), &flags)).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(fake.request_count(), 1, "the catalogue's band passes 200%");
    let config = dir.join("chunksynth.toml");
    std::fs::write(&config, "[style_bounds.textbook]\nlength_band = [0.8, 1.5]\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = rephrase(&fake.base_url(), &input, &dir.join("b.jsonl"), &flags);
    cmd.arg("--config").arg(&config);
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(fake.request_count(), 3, "the narrowed band fails it: one repair");
    let attempts = &records(&dir.join("b.jsonl"))[0]["provenance"]["chunks"][0]["attempts"];
    assert!(
        attempts[0]["findings"]
            .to_string()
            .contains("keep it between 80% and 150%"),
        "{attempts}"
    );
    // A style that does not exist, or a band upside down: refused, exit 2.
    for (toml, says) in [
        (
            "[style_bounds.textbok]\nmin_content_recall = 0.3\n",
            "names no style",
        ),
        (
            "[style_bounds.textbook]\nlength_band = [2.0, 1.0]\n",
            "0 < low < high",
        ),
    ] {
        std::fs::write(&config, toml).unwrap_or_else(|e| panic!("{e}"));
        let mut cmd = rephrase(&fake.base_url(), &input, &dir.join("c.jsonl"), &flags);
        cmd.arg("--config").arg(&config);
        let (code, err) = code_and_stderr(&output_of(cmd).await);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert_eq!(fake.request_count(), 3, "nothing sent for a refused config");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_llm_judge_vetoes_a_rewrite_the_checks_passed_and_its_problem_reaches_the_repair() {
    // The rewrite keeps every word (the checks pass); the judge says no
    // once, then yes to the repaired text. (An identical judge prompt
    // would be replayed from the journal, not asked again.)
    let judged = Arc::new(AtomicUsize::new(0));
    let counter = judged.clone();
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        if r.last_user_text().starts_with("Compare a rewrite with its source passage") {
            let verdict = if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                r#"{"faithful": false, "problems": ["the rewrite says the checker runs after compilation; the source says during"]}"#
            } else {
                r#"{"faithful": true, "problems": []}"#
            };
            return Reply::text(verdict);
        }
        if r.last_user_text().contains("Your previous rewrite had these problems") {
            return Reply::text("During compilation, the borrow checker runs and looks at every reference.");
        }
        // A restyle the checks pass (not a copy of the passage).
        Reply::text("Every reference is looked at by the borrow checker, which runs during compilation.")
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("judge");
    let text = "The borrow checker runs during compilation and looks at every reference.";
    let input = write_input(&dir, &[("doc".to_owned(), text.to_owned())]);
    let out = dir.join("out.jsonl");
    let flags = ["--llm-judge", "--max-attempts", "3"];
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        judged.load(Ordering::SeqCst),
        2,
        "a verdict on each attempt the checks passed"
    );
    assert_eq!(fake.request_count(), 4, "rewrite, judge, repair, judge");
    let repair = fake
        .requests()
        .iter()
        .map(|r| r.last_user_text())
        .find(|t| t.contains("Your previous rewrite had these problems"))
        .unwrap_or_default();
    assert!(repair.contains("the source says during"), "{repair}");
    let attempts = &records(&out)[0]["provenance"]["chunks"][0]["attempts"];
    assert_eq!(attempts[0]["judge"]["faithful"], false, "{attempts}");
    assert_eq!(attempts[1]["judge"]["faithful"], true, "{attempts}");
    // The dry run counts the judge's calls and sends nothing.
    let mut cmd = rephrase(&fake.base_url(), &input, &dir.join("dry.jsonl"), &flags);
    cmd.arg("--dry-run");
    let result = output_of(cmd).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let est: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap_or_default();
    assert_eq!(est["calls"], 2, "one rewrite and one judge call: {est}");
    assert_eq!(fake.request_count(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_lines_off_a_terminal_give_the_share_of_the_input_the_eta_and_the_cost() {
    let fake = FakeLlm::start(|r: &FakeRequest| {
        Reply::Delayed(
            Duration::from_millis(250),
            Box::new(Reply::text(r.passage().trim())),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("progress");
    let input = write_input(&dir, &short_docs(8));
    let flags = ["--concurrency", "1", "--price-input", "1", "--price-output", "2"];
    let mut cmd = rephrase(&fake.base_url(), &input, &dir.join("out.jsonl"), &flags);
    cmd.env("CHUNKSYNTH_PROGRESS_SECONDS", "0.2");
    let (code, err) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("progress: ")).collect();
    assert!(lines.len() >= 3, "a line every 0.2 s over about 2 s: {err}");
    let last = lines[lines.len() - 1];
    for field in [
        "% of the input",
        "documents done (",
        "failed",
        "tokens (",
        "retries",
        "cost so far",
    ] {
        assert!(last.contains(field), "{field}: {last}");
    }
    assert!(lines.iter().any(|l| l.contains("ETA")), "{err}");
}

/// `chunksynth status` over four shards in mixed states: finished,
/// finished with a rejected item, stopped by its budget, never started;
/// read from the progress files the runs left, the runs long gone.
#[tokio::test(flavor = "multi_thread")]
async fn status_reads_every_shards_progress_file_finished_rejected_stopped_and_never_started() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("status");
    let shard = |i: usize| dir.join(format!("out.shard-{i:04}-of-0004.jsonl"));
    let good = write_input(&dir, &short_docs(3));
    let (code, err) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &good, &shard(0), &[])).await);
    assert_eq!(code, Some(0), "{err}");
    let with_bad = dir.join("with-bad.jsonl");
    std::fs::write(
        &with_bad,
        "{\"id\": \"a\", \"text\": \"Document a says one thing.\"}\n{\"id\": \"b\"}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (code, err) =
        code_and_stderr(&output_of(rephrase(&fake.base_url(), &with_bad, &shard(1), &[])).await);
    assert_eq!(code, Some(1), "{err}");
    let (code, err) = code_and_stderr(
        &output_of(rephrase(
            &fake.base_url(),
            &good,
            &shard(2),
            &["--max-tokens", "1", "--concurrency", "1"],
        ))
        .await,
    );
    assert_eq!(code, Some(4), "{err}");

    let mut cmd = chunksynth(&fake.base_url());
    cmd.args(["status", "--json"]).arg(dir.join("out.jsonl"));
    let result = output_of(cmd).await;
    assert_eq!(
        result.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap_or_default();
    let states: Vec<&str> = report["shards"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["state"].as_str())
        .collect();
    assert_eq!(states.len(), 4, "{report}");
    assert_eq!(states[0], "finished");
    assert_eq!(states[1], "finished, with rejects");
    assert!(states[2].starts_with("stopped: token budget spent"), "{report}");
    assert_eq!(states[3], "never started");
    assert_eq!(report["totals"]["rejected"], 1, "{report}");
    assert_eq!(report["shards"][0]["progress"]["done"], 3, "{report}");
    // The table, for people.
    let mut cmd = chunksynth(&fake.base_url());
    cmd.arg("status").arg(dir.join("out.jsonl"));
    let result = output_of(cmd).await;
    let table = String::from_utf8_lossy(&result.stdout);
    assert_eq!(result.status.code(), Some(3), "{table}");
    assert!(
        table.contains("never started") && table.lines().last().unwrap_or("").starts_with("total"),
        "{table}"
    );
}

/// The deployable examples stay true to the CLI: their chunksynth command
/// lines parse (every flag known: clap stops at an unknown one before the
/// trailing --help), the grace period is under the kill delay, and the
/// Kubernetes Job does not count an exit of 130 against its backoffLimit.
#[tokio::test(flavor = "multi_thread")]
async fn the_slurm_and_kubernetes_examples_parse_and_stop_inside_their_kill_delay() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let script =
        std::fs::read_to_string(root.join("examples/slurm-array.sh")).unwrap_or_else(|e| panic!("{e}"));
    let joined = script.replace("\\\n", " ");
    let slurm: Vec<String> = joined
        .lines()
        .find_map(|l| l.trim().strip_prefix("exec chunksynth "))
        .unwrap_or_else(|| panic!("no `exec chunksynth` line"))
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let yaml_of = |name: &str| {
        std::fs::read_to_string(root.join("examples").join(name)).unwrap_or_else(|e| panic!("{e}"))
    };
    let command_of = |yaml: &str| -> Vec<String> {
        yaml.lines()
            .find_map(|l| l.trim().strip_prefix("command: "))
            .and_then(|list| serde_json::from_str::<Vec<String>>(list).ok())
            .unwrap_or_else(|| panic!("no command list"))
            .into_iter()
            .skip(1)
            .collect()
    };
    let (yaml, yaml_s3) = (
        yaml_of("k8s-indexed-job.yaml"),
        yaml_of("k8s-indexed-job-s3.yaml"),
    );
    let (k8s, k8s_s3) = (command_of(&yaml), command_of(&yaml_s3));
    assert!(
        k8s_s3.iter().any(|a| a.starts_with("s3://")) && k8s_s3.contains(&"--work-dir".to_owned()),
        "{k8s_s3:?}"
    );
    let grace_of = |args: &[String]| -> u64 {
        let i = args
            .iter()
            .position(|a| a == "--grace-seconds")
            .unwrap_or_else(|| panic!("{args:?}"));
        args[i + 1].parse().unwrap_or_else(|e| panic!("{e}"))
    };
    for args in [&slurm, &k8s, &k8s_s3] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chunksynth"));
        cmd.args(args).arg("--help");
        let result = output_of(cmd).await;
        assert_eq!(
            result.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        assert!(
            grace_of(args) + 5 <= 30,
            "{args:?}: the grace period must end before the kill"
        );
    }
    for yaml in [&yaml, &yaml_s3] {
        assert!(yaml.contains("terminationGracePeriodSeconds: 30"));
        assert!(
            yaml.contains("action: Ignore") && yaml.contains("values: [130]"),
            "an exit of 130 is not a failure"
        );
    }
    assert!(script.contains("--requeue"));
}
