//! Batch mode, black-box: wavefront rounds through `--batch-command` with a
//! small runner that answers the OpenAI batch file format like the fake
//! server (each passage upper-cased).

use std::path::Path;
use std::process::Command;

use chunksynth_fake_llm::FakeLlm;

use super::{chunksynth, docs, output_of, records, tempdir, upper, write_input};

/// A batch runner: reads the round's requests, answers each with its
/// passage upper-cased (the first line of the first round fails when
/// `fail_first`), and logs each round's size to `rounds.log`.
const RUNNER: &str = r#"
import json, os, sys
inp, out, log, fail_first = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
first_round = not os.path.exists(log)
lines = [json.loads(l) for l in open(inp) if l.strip()]
with open(log, "a") as f:
    f.write(f"{len(lines)}\n")
with open(out, "w") as f:
    for i, req in enumerate(lines):
        if fail_first and first_round and i == 0:
            f.write(json.dumps({"custom_id": req["custom_id"], "response": None,
                                "error": {"code": "server_error", "message": "the worker died"}}) + "\n")
            continue
        user = [m["content"] for m in req["body"]["messages"] if m["role"] == "user"][-1]
        start = user.rfind("<<<\n")
        start = 0 if start < 0 else start + 4
        end = user.rfind("\n>>>")
        end = len(user) if end < start else end
        text = user[start:end].upper()
        body = {"id": "chatcmpl-b", "object": "chat.completion", "model": req["body"]["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": len(user.split()), "completion_tokens": len(text.split())}}
        f.write(json.dumps({"id": "batch_req", "custom_id": req["custom_id"],
                            "response": {"status_code": 200, "body": body}, "error": None}) + "\n")
"#;

fn batch_run(dir: &Path, input: &Path, out: &Path, fail_first: bool) -> Command {
    let script = dir.join("runner.py");
    std::fs::write(&script, RUNNER).unwrap_or_else(|e| panic!("{e}"));
    let command = format!(
        "python3 {} {{input}} {{output}} {} {}",
        script.display(),
        dir.join("rounds.log").display(),
        u8::from(fail_first)
    );
    // No endpoint: the batch runner answers.
    let mut cmd = chunksynth("http://127.0.0.1:9/v1");
    cmd.args(["rephrase", "--input"])
        .arg(input)
        .arg("--output")
        .arg(out)
        .args([
            "--style",
            "textbook",
            "--max-attempts",
            "1",
            "--chunk-tokens",
            "200",
        ])
        .arg("--batch-command")
        .arg(command);
    cmd
}

fn rounds(dir: &Path) -> Vec<usize> {
    std::fs::read_to_string(dir.join("rounds.log"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect()
}

/// (id, text) of every record, by id.
fn texts(out: &Path) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = records(out)
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_owned(),
                r["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    all.sort();
    all
}

/// The longest document's chain: calls of its chunks with a body.
fn longest_chain(out: &Path) -> usize {
    records(out)
        .iter()
        .map(|r| {
            r["provenance"]["chunks"]
                .as_array()
                .map_or(0, |c| c.iter().filter(|ch| ch["outcome"] != "skipped").count())
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_rounds_give_the_online_records_in_as_many_rounds_as_the_longest_chain() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("batch");
    let input = write_input(&dir, &docs());
    let online = dir.join("online.jsonl");
    let mut cmd = chunksynth(&fake.base_url());
    cmd.args(["rephrase", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&online)
        .args([
            "--style",
            "textbook",
            "--max-attempts",
            "1",
            "--chunk-tokens",
            "200",
        ]);
    let o = output_of(cmd).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));

    let batched = dir.join("batched.jsonl");
    let o = output_of(batch_run(&dir, &input, &batched, false)).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(texts(&batched), texts(&online), "the same records as online");
    let chain = longest_chain(&online);
    let sizes = rounds(&dir);
    assert!(chain > 1, "the inputs have a multi-chunk document");
    assert_eq!(
        sizes.len(),
        chain,
        "one round per step of the longest chain: {sizes:?}"
    );
    assert_eq!(
        sizes[0],
        docs().len(),
        "the first round holds every document's first call"
    );
    assert!(err.contains(&format!("batch: {chain} rounds")), "{err}");

    // A rerun replays the journal: no round.
    let o = output_of(batch_run(&dir, &input, &batched, false)).await;
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(rounds(&dir).len(), chain, "no round on a rerun");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_batch_line_goes_into_the_next_round() {
    let dir = tempdir("batch-fail");
    let input = write_input(&dir, &docs());
    let out = dir.join("out.jsonl");
    let o = output_of(batch_run(&dir, &input, &out, true)).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("1 lines retried"), "{err}");
    let want: Vec<(String, String)> = {
        let mut w: Vec<(String, String)> = docs().into_iter().map(|(id, t)| (id, t.to_uppercase())).collect();
        w.sort();
        w
    };
    assert_eq!(texts(&out), want, "every record, the failed line's included");
    let chain = longest_chain(&out);
    let sizes = rounds(&dir);
    assert!(
        sizes.len() == chain || sizes.len() == chain + 1,
        "the retried line costs at most one round more: {sizes:?} for a chain of {chain}"
    );
}

fn batch_api(base_url: &str, input: &Path, out: &Path) -> Command {
    let mut cmd = chunksynth(base_url);
    cmd.args(["rephrase", "--input"])
        .arg(input)
        .arg("--output")
        .arg(out)
        .args([
            "--style",
            "textbook",
            "--max-attempts",
            "1",
            "--chunk-tokens",
            "200",
            "--batch",
        ]);
    cmd
}

async fn fake_with(options: chunksynth_fake_llm::BatchOptions) -> FakeLlm {
    let fake_options = chunksynth_fake_llm::FakeOptions {
        batches: options,
        ..chunksynth_fake_llm::FakeOptions::default()
    };
    FakeLlm::start_with(fake_options, |r: &chunksynth_fake_llm::FakeRequest| {
        // One line fails once: the passage of note-3.
        if r.passage().starts_with("Note 3.") && r.index < 40 {
            return chunksynth_fake_llm::Reply::error(500, "the worker died", "server_error");
        }
        upper(r)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_batch_api_gives_the_online_records_with_expired_batches_and_failed_lines_recovered() {
    let fake = fake_with(chunksynth_fake_llm::BatchOptions {
        turnaround: std::time::Duration::ZERO,
        expire_first: true,
    })
    .await;
    let dir = tempdir("batch-api");
    let input = write_input(&dir, &docs());
    let out = dir.join("out.jsonl");
    let o = output_of(batch_api(&fake.base_url(), &input, &out)).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let want: Vec<(String, String)> = {
        let mut w: Vec<(String, String)> = docs().into_iter().map(|(id, t)| (id, t.to_uppercase())).collect();
        w.sort();
        w
    };
    assert_eq!(
        texts(&out),
        want,
        "every record despite the expired batch and the failed line"
    );
    assert!(
        fake.batches_created() > longest_chain(&out),
        "the expired batch's lines went into another"
    );
    assert!(!err.contains(super::KEY), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_while_its_batch_is_out_reattaches_instead_of_paying_twice() {
    let fake = fake_with(chunksynth_fake_llm::BatchOptions {
        turnaround: std::time::Duration::from_secs(3),
        expire_first: false,
    })
    .await;
    let dir = tempdir("batch-reattach");
    let short: Vec<(String, String)> = (0..6)
        .map(|i| (format!("s{i}"), format!("Short document {i} in one chunk.")))
        .collect();
    let input = write_input(&dir, &short);
    let out = dir.join("out.jsonl");
    let mut child = batch_api(&fake.base_url(), &input, &out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    // Killed once the batch is out and its id kept.
    let kept = dir.join("out.jsonl.batch/submitted.json");
    while !(fake.batches_created() == 1 && kept.exists()) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    assert_eq!(fake.batches_created(), 1, "killed with its batch out");
    let o = output_of(batch_api(&fake.base_url(), &input, &out)).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fake.batches_created(), 1, "re-attached: no second submission");
    let mut want: Vec<(String, String)> = short.into_iter().map(|(id, t)| (id, t.to_uppercase())).collect();
    want.sort();
    assert_eq!(texts(&out), want);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_dry_run_says_how_many_rounds_at_what_price() {
    let dir = tempdir("batch-dry");
    let input = write_input(&dir, &docs());
    let out = dir.join("out.jsonl");
    let mut cmd = batch_api("http://127.0.0.1:9/v1", &input, &out);
    cmd.args(["--dry-run", "--price-input", "1", "--price-output", "2"]);
    let o = output_of(cmd).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let est: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let chain = est["longest_chain"].as_u64().unwrap_or(0);
    assert!(chain > 1, "{est}");
    assert!(
        err.contains(&format!("about {chain} rounds")) && err.contains("0.5× online"),
        "{err}"
    );
    // Half the online price.
    let online = (est["prompt_tokens"].as_f64().unwrap_or(0.0)
        + 2.0 * est["completion_tokens"].as_f64().unwrap_or(0.0))
        / 1e6;
    assert!(
        (est["cost"].as_f64().unwrap_or(0.0) - online / 2.0).abs() < 1e-9,
        "{est}"
    );
}

/// A SIGTERM with a batch out: the batch stays submitted (its id kept),
/// the run exits 130 inside the grace period without waiting for it, and
/// the rerun re-attaches to it instead of submitting again.
#[tokio::test(flavor = "multi_thread")]
async fn a_sigterm_with_a_batch_out_exits_within_the_grace_and_the_rerun_reattaches() {
    let fake = fake_with(chunksynth_fake_llm::BatchOptions {
        turnaround: std::time::Duration::from_secs(12),
        expire_first: false,
    })
    .await;
    let dir = tempdir("batch-sigterm");
    let short: Vec<(String, String)> = (0..4)
        .map(|i| (format!("s{i}"), format!("Short document {i} in one chunk.")))
        .collect();
    let input = write_input(&dir, &short);
    let out = dir.join("out.jsonl");
    let mut cmd = batch_api(&fake.base_url(), &input, &out);
    cmd.args(["--grace-seconds", "2"]);
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let kept = dir.join("out.jsonl.batch/submitted.json");
    while !(fake.batches_created() == 1 && kept.exists()) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let sent = std::time::Instant::now();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let took = sent.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        took < std::time::Duration::from_secs(2 + 5),
        "exited after {took:?}, not waiting for the batch: {stderr}"
    );
    assert!(kept.exists(), "the batch's id is kept for the rerun");
    let o = output_of(batch_api(&fake.base_url(), &input, &out)).await;
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fake.batches_created(), 1, "re-attached: no second submission");
    let mut want: Vec<(String, String)> = short.into_iter().map(|(id, t)| (id, t.to_uppercase())).collect();
    want.sort();
    assert_eq!(texts(&out), want);
}
