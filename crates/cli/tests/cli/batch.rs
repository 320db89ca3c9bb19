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
