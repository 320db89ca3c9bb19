//! The first hour: the main jobs with no endpoint (`--demo`), and against
//! the demo server (`cargo xtask fake-server`).

use std::path::Path;

use chunksynth_fake_llm::FakeLlm;

use crate::{output_of, records, tempdir};

fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The binary with no endpoint, key or model in its environment: an
/// attempt to reach one would fail (port 9 on loopback: nothing listens).
fn offline() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chunksynth"));
    cmd.env_remove("LLM_API_KEY")
        .env_remove("LLM_MODEL")
        .env("LLM_BASE_URL", "http://127.0.0.1:9/v1")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .current_dir(repo_root());
    cmd
}

/// README's first command, as written there, on a fresh build.
#[tokio::test(flavor = "multi_thread")]
async fn the_readme_first_command_runs_with_no_endpoint() {
    let dir = tempdir("demo-readme");
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.args(["rephrase", "--input", "examples/sample.jsonl", "--output"])
        .arg(&out)
        .arg("--demo");
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("fidelity pass rate 100.0%"), "{stderr}");
    let written = records(&out);
    assert_eq!(written.len(), 2, "{stderr}");
    for r in &written {
        assert_eq!(r["provenance"]["model"], "chunksynth-demo");
        assert_eq!(r["provenance"]["endpoints"], serde_json::json!(["demo"]));
        for chunk in r["provenance"]["chunks"].as_array().into_iter().flatten() {
            assert_eq!(
                chunk["attempts"].as_array().map_or(0, Vec::len),
                1,
                "no repair: {chunk}"
            );
        }
    }
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap_or_default();
    assert!(
        readme.contains(
            "cargo run --release -p chunksynth-cli -- rephrase --input examples/sample.jsonl --output out.jsonl --demo"
        ),
        "README's first command is the one tested here"
    );
}

fn assert_generated_with_qc_passed(out: &Path, stderr: &str) {
    let written = records(out);
    assert_eq!(written.len(), 1, "{stderr}");
    let qc = &written[0]["qc_report"];
    assert_eq!(qc["passed"], true, "{qc}");
    let sections = qc["sections"].as_array().map_or(0, Vec::len);
    assert!(sections >= 2, "{qc}");
    let text = written[0]["text"].as_str().unwrap_or_default();
    assert_eq!(
        text.matches("\n# ").count() + usize::from(text.starts_with("# ")),
        sections,
        "one heading a section"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_with_the_demo_writes_a_plan_and_sections_that_pass_qc() {
    let dir = tempdir("demo-generate");
    let out = dir.join("tea.jsonl");
    let mut cmd = offline();
    cmd.args(["generate", "--topic", "The history of tea", "--output"])
        .arg(&out)
        .arg("--demo");
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert_generated_with_qc_passed(&out, &stderr);
    // generate's summary speaks of texts and QC, not of a fidelity rate.
    assert!(
        stderr.contains("done: 1 texts written to")
            && stderr.contains("QC passed 1, failed 0; 0 redrafts, 0 plans repaired"),
        "{stderr}"
    );
    assert!(!stderr.contains("fidelity pass rate"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_against_the_demo_server_passes_qc() {
    let fake = FakeLlm::start(chunksynth_fake_llm::demo_reply)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("demo-server-generate");
    let out = dir.join("tea.jsonl");
    let mut cmd = crate::chunksynth(&fake.base_url());
    cmd.args(["generate", "--topic", "How volcanoes form", "--output"])
        .arg(&out);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert_generated_with_qc_passed(&out, &stderr);
    assert!(fake.request_count() > 2, "a plan and sections were asked for");
}

/// A server that was never started is no outage: the run says so and ends
/// in seconds with exit 3, before reading any input.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_exits_3_within_seconds_saying_so() {
    let dir = tempdir("demo-refused");
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.env("LLM_MODEL", "fake-model")
        .args(["rephrase", "--input", "examples/sample.jsonl", "--output"])
        .arg(&out);
    let started = std::time::Instant::now();
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(3), "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        stderr.contains("nothing answers at http://127.0.0.1:9/v1 — is the server running?"),
        "{stderr}"
    );
    assert!(records(&out).is_empty());
}

/// `--wait-for-endpoint`: a server that comes up while the run waits is
/// used.
#[tokio::test(flavor = "multi_thread")]
async fn wait_for_endpoint_waits_for_a_server_that_is_starting() {
    // A free port, then nothing on it until the run has started waiting.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("demo-wait");
    let out = dir.join("out.jsonl");
    let mut cmd = crate::chunksynth(&format!("http://127.0.0.1:{port}/v1"));
    cmd.current_dir(repo_root())
        .args(["rephrase", "--input", "examples/sample.jsonl", "--output"])
        .arg(&out)
        .args(["--wait-for-endpoint", "20"]);
    let run = tokio::spawn(output_of(cmd));
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let options = chunksynth_fake_llm::FakeOptions {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        ..Default::default()
    };
    let fake = FakeLlm::start_with(options, chunksynth_fake_llm::demo_reply)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let result = run.await.unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert_eq!(records(&out).len(), 2);
    assert!(fake.request_count() >= 2);
}

/// Bad input is explained on the terminal: the reasons with counts and an
/// example, the rejects file's path, and the likely fix.
#[tokio::test(flavor = "multi_thread")]
async fn bad_input_says_why_on_the_terminal_and_where_the_rejects_are() {
    let dir = tempdir("demo-bad-input");
    let csv = dir.join("in.csv");
    std::fs::write(&csv, "id,text\n1,hello world\n2,another line\n").unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.args(["rephrase", "--demo", "--input"])
        .arg(&csv)
        .arg("--output")
        .arg(&out);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("× invalid_input: line 2 is not valid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("out.jsonl.rejects.jsonl"), "{stderr}");
    assert!(stderr.contains("no input line is JSON"), "{stderr}");

    let jsonl = dir.join("content.jsonl");
    std::fs::write(&jsonl, "{\"id\": \"a\", \"content\": \"Some text.\"}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out2.jsonl");
    let mut cmd = offline();
    cmd.args(["rephrase", "--demo", "--input"])
        .arg(&jsonl)
        .arg("--output")
        .arg(&out);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("its fields: content, id"), "{stderr}");
    assert!(stderr.contains("pass --text-field NAME"), "{stderr}");
}

/// A single input file that is not what its name says: exit 2 (a rerun
/// cannot fix it), naming the file and the flag.
#[tokio::test(flavor = "multi_thread")]
async fn a_jsonl_file_named_parquet_exits_2_naming_it() {
    let dir = tempdir("demo-misnamed");
    let input = dir.join("corpus.parquet");
    std::fs::write(&input, "{\"id\": \"a\", \"text\": \"Some text.\"}\n").unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = offline();
    cmd.args(["rephrase", "--demo", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(dir.join("out.jsonl"));
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("corpus.parquet"), "{stderr}");
    assert!(stderr.contains("does not read as parquet"), "{stderr}");
    assert!(stderr.contains("--input-format"), "{stderr}");
    // The same for a .jsonl.zst that is plain JSONL.
    let zst = dir.join("corpus.jsonl.zst");
    std::fs::write(&zst, "{\"id\": \"a\", \"text\": \"Some text.\"}\n").unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = offline();
    cmd.args(["rephrase", "--demo", "--input"])
        .arg(&zst)
        .arg("--output")
        .arg(dir.join("out2.jsonl"));
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not read as jsonl.zst"), "{stderr}");
}

/// A single .txt file is one document, not JSONL lines.
#[tokio::test(flavor = "multi_thread")]
async fn a_single_text_file_is_one_document() {
    let dir = tempdir("demo-one-txt");
    let input = dir.join("notes.txt");
    std::fs::write(
        &input,
        "Ownership is a set of rules that govern how a Rust program manages memory.\n\nA second paragraph of the same note.\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.args(["rephrase", "--demo", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&out);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let written = records(&out);
    assert_eq!(written.len(), 1, "{stderr}");
    assert_eq!(written[0]["id"], "notes.txt");
}

/// `rephrase --help` reads like a manual: options under headings, and the
/// defaults that live in the settings types shown from there.
#[test]
fn rephrase_help_is_grouped_and_shows_its_defaults() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chunksynth"))
        .args(["rephrase", "--help"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let help = String::from_utf8_lossy(&out.stdout);
    for heading in [
        "\nInput:\n",
        "\nOutput:\n",
        "\nModel and endpoint:\n",
        "\nStyles and prompts:\n",
        "\nChunking:\n",
        "\nGate:\n",
        "\nBudgets and prices:\n",
        "\nBatch:\n",
    ] {
        assert!(help.contains(heading), "{heading:?} missing:\n{help}");
    }
    let p = chunksynth_rephrase::PipelineConfig::default();
    for (flag, default) in [
        ("--style <STYLE>", "textbook".to_owned()),
        ("--max-attempts", p.max_attempts.to_string()),
        ("--chunk-tokens", p.chunk_tokens.to_string()),
        ("--fidelity-threshold", p.fidelity.threshold.to_string()),
    ] {
        let at = help.find(flag).unwrap_or_else(|| panic!("{flag} missing"));
        let next = help[at + flag.len()..]
            .find("\n      -")
            .map_or(help.len(), |n| at + flag.len() + n);
        assert!(
            help[at..next].contains(&format!("[default: {default}]")),
            "{flag}: {}",
            &help[at..next]
        );
    }
    assert!(
        help.contains("Parquet") && help.contains("glob"),
        "--input names its formats"
    );
}

/// `plan-schema --example` prints a plan `generate --manual-plan` takes.
#[tokio::test(flavor = "multi_thread")]
async fn the_example_plan_is_a_valid_manual_plan() {
    let dir = tempdir("demo-example-plan");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chunksynth"))
        .args(["plan-schema", "--example"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0));
    let plan = dir.join("plan.json");
    std::fs::write(&plan, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let generated = dir.join("gen.jsonl");
    let mut cmd = offline();
    cmd.args(["generate", "--demo", "--manual-plan"])
        .arg(&plan)
        .arg("--output")
        .arg(&generated);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert_eq!(records(&generated).len(), 1, "{stderr}");
}

/// Every example line of the help fits 80 columns.
#[test]
fn help_examples_fit_80_columns() {
    for command in ["rephrase", "generate", "plan-schema"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_chunksynth"))
            .args([command, "--help"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let help = String::from_utf8_lossy(&out.stdout);
        let examples = help
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{command}: no examples"));
        for line in examples.lines() {
            assert!(line.chars().count() <= 80, "{command}: {line}");
        }
    }
}

/// On a terminal 80 columns wide the progress line never wraps: under tmux,
/// every progress line the pane shows (wrapped lines joined back, `-J`)
/// fits in 80 columns.
#[tokio::test(flavor = "multi_thread")]
async fn the_progress_line_fits_80_columns_under_tmux() {
    let fake = FakeLlm::start(|r| {
        chunksynth_fake_llm::Reply::Delayed(
            std::time::Duration::from_millis(250),
            Box::new(chunksynth_fake_llm::demo_reply(r)),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("demo-tmux");
    let docs: Vec<(String, String)> = (0..24)
        .map(|i| (format!("note-{i}"), format!("Note {i} says that the borrow checker runs during compilation and looks at every reference in the program.")))
        .collect();
    let input = crate::write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let socket = format!("chunksynth-test-{}", std::process::id());
    let command = format!(
        "env LLM_BASE_URL={} LLM_MODEL=fake-model {} rephrase --input {} --output {} --concurrency 1 --price-input 1 --price-output 2; sleep 30",
        fake.base_url(),
        env!("CARGO_BIN_EXE_chunksynth"),
        input.display(),
        out.display()
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("tmux: {e}"))
    };
    let started = tmux(&[
        "new-session",
        "-d",
        "-x",
        "80",
        "-y",
        "24",
        "-s",
        "progress",
        &command,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let mut seen = Vec::new();
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let pane = tmux(&["capture-pane", "-p", "-J", "-t", "progress"]);
        let text = String::from_utf8_lossy(&pane.stdout).into_owned();
        seen.extend(
            text.lines()
                .filter(|l| l.contains(" docs") || l.contains("documents done"))
                .map(str::to_owned),
        );
        if seen.len() >= 5 {
            break;
        }
    }
    let _ = tmux(&["kill-server"]);
    assert!(!seen.is_empty(), "no progress line seen");
    for line in &seen {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}

/// The record README shows is what `--demo` writes today: README's block is
/// compared with a fresh run (its checks cut to those README lists, scores
/// to two decimals, the finishing time taken as README's).
#[tokio::test(flavor = "multi_thread")]
async fn the_readme_example_record_is_a_fresh_demo_run() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap_or_default();
    let block = readme
        .split("An excerpt of a real record")
        .nth(1)
        .and_then(|rest| rest.split("```json\n").nth(1))
        .and_then(|rest| rest.split("\n```").next())
        .unwrap_or_else(|| panic!("README has no example record"));
    let shown: serde_json::Value =
        serde_json::from_str(block).unwrap_or_else(|e| panic!("README's record: {e}"));
    let dir = tempdir("demo-readme-record");
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.args(["rephrase", "--input", "examples/sample.jsonl", "--output"])
        .arg(&out)
        .arg("--demo");
    let result = output_of(cmd).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let mut fresh = records(&out)
        .into_iter()
        .find(|r| r["id"] == shown["id"])
        .unwrap_or_else(|| panic!("no record {}", shown["id"]));
    fresh["provenance"]["finished_at_unix_ms"] = shown["provenance"]["finished_at_unix_ms"].clone();
    let names: Vec<serde_json::Value> = shown["provenance"]["chunks"][0]["fidelity"]["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["check"].clone())
        .collect();
    if let Some(checks) = fresh["provenance"]["chunks"][0]["fidelity"]["checks"].as_array_mut() {
        checks.retain(|c| names.contains(&c["check"]));
    }
    assert_eq!(rounded(&fresh), rounded(&shown));
}

/// Every float to two decimals, so a score README writes as 0.98 matches.
fn rounded(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            serde_json::json!((n.as_f64().unwrap_or_default() * 100.0).round() / 100.0)
        }
        serde_json::Value::Array(a) => a.iter().map(rounded).collect(),
        serde_json::Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), rounded(v))).collect(),
        other => other.clone(),
    }
}

/// An output begun by a version whose gate had fewer settings resumes:
/// fields the gate gained since, at their unset value, are not a change
/// (the state file below is what such a version wrote: the fidelity part
/// without them, its own digest). A setting that did change is refused.
#[tokio::test(flavor = "multi_thread")]
async fn an_output_begun_before_the_gate_gained_settings_resumes_and_a_changed_setting_is_refused() {
    let dir = tempdir("demo-upgrade");
    let out = dir.join("out.jsonl");
    let run = || {
        let mut cmd = offline();
        cmd.args(["rephrase", "--input", "examples/sample.jsonl", "--output"])
            .arg(&out)
            .arg("--demo");
        cmd
    };
    let first = output_of(run()).await;
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let state_path = dir.join("out.jsonl.state.json");
    let fresh: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state_path).expect("state file")).expect("state json");
    let older = |fidelity: &str| {
        let mut state = fresh.clone();
        state["fingerprint"] = serde_json::json!("0123456789abcdef");
        state["parts"]["fidelity"] = serde_json::json!(fidelity);
        std::fs::write(&state_path, serde_json::to_vec(&state).expect("json")).expect("write state");
    };
    let current = fresh["parts"]["fidelity"]
        .as_str()
        .expect("a fidelity part")
        .to_owned();
    let before_upgrade = [
        ", max_copy_ratio: None",
        ", max_suspicions: None",
        ", added_numbers_are_suspicions: false",
        ", min_number_recall: None",
    ]
    .iter()
    .fold(current.clone(), |p, field| p.replace(field, ""));
    assert_ne!(
        before_upgrade, current,
        "the gate has fields an older version lacked"
    );

    older(&before_upgrade);
    let resumed = output_of(run()).await;
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert_eq!(resumed.status.code(), Some(0), "{stderr}");
    assert_eq!(records(&out).len(), 2, "nothing redone or doubled: {stderr}");

    older(&before_upgrade.replace("threshold: 0.9", "threshold: 0.8"));
    let refused = output_of(run()).await;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("threshold: 0.8 → 0.9"), "{stderr}");
}

/// The formats the studies found best, with no endpoint: each answered in
/// kind, each passing its gate without a repair.
#[tokio::test(flavor = "multi_thread")]
async fn every_new_style_runs_with_the_demo_in_kind_and_passes_its_gate() {
    let dir = tempdir("demo-styles");
    for (style, in_kind) in [
        ("table", "|---|"),
        ("faq", "**Question 1"),
        ("tutorial", "Step 1."),
        ("math-problems", "**Solution.**"),
        ("diverse-qa", "Q1 (open)"),
        ("distill", ""),
        ("knowledge-list", "- "),
    ] {
        let out = dir.join(format!("{style}.jsonl"));
        let mut cmd = offline();
        cmd.args(["rephrase", "--input", "examples/sample.jsonl", "--output"])
            .arg(&out)
            .args(["--demo", "--style", style]);
        let result = output_of(cmd).await;
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(0), "{style}: {stderr}");
        let written = records(&out);
        assert_eq!(written.len(), 2, "{style}: {stderr}");
        assert!(
            written
                .iter()
                .any(|r| r["text"].as_str().unwrap_or("").contains(in_kind)),
            "{style}: {:?}",
            written.iter().map(|r| r["text"].clone()).collect::<Vec<_>>()
        );
        for r in &written {
            for chunk in r["provenance"]["chunks"].as_array().into_iter().flatten() {
                // A chunk without quantities gets no math problems and no
                // call (its own test below).
                if style == "math-problems" && chunk["outcome"] == "nothing_for_the_style" {
                    assert_eq!(chunk["attempts"].as_array().map_or(1, Vec::len), 0, "{chunk}");
                    continue;
                }
                assert_eq!(chunk["outcome"], "passed", "{style}: {chunk}");
                assert_eq!(
                    chunk["attempts"].as_array().map_or(0, Vec::len),
                    1,
                    "{style}: {chunk}"
                );
            }
        }
    }
}

/// `chunksynth styles`: every style with its kind, the new ones citing the
/// study they follow.
#[tokio::test(flavor = "multi_thread")]
async fn styles_lists_each_style_with_its_kind() {
    let mut cmd = offline();
    cmd.arg("styles");
    let result = output_of(cmd).await;
    assert_eq!(result.status.code(), Some(0));
    let listed = String::from_utf8_lossy(&result.stdout);
    for (style, kind) in [
        ("textbook", "restyle"),
        ("table", "restyle"),
        ("knowledge-list", "extract"),
        ("math-problems", "extract"),
        ("translate-en", "translate"),
    ] {
        let line = listed
            .lines()
            .find(|l| l.split_whitespace().next() == Some(style))
            .unwrap_or_else(|| panic!("{style} missing: {listed}"));
        assert_eq!(line.split_whitespace().nth(1), Some(kind), "{line}");
    }
    assert!(
        listed.contains("FinePhrase") && listed.contains("Nemotron-CC"),
        "{listed}"
    );
}

/// Ctrl-C on a terminal says what the stop waits for and counts down:
/// the calls in flight, the seconds left, how to stop at once.
#[tokio::test(flavor = "multi_thread")]
async fn a_first_ctrl_c_on_a_terminal_counts_down_the_calls_in_flight() {
    let fake = FakeLlm::start(|r| {
        chunksynth_fake_llm::Reply::Delayed(
            std::time::Duration::from_secs(600),
            Box::new(chunksynth_fake_llm::demo_reply(r)),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("demo-tmux-stop");
    let docs: Vec<(String, String)> = (0..4)
        .map(|i| {
            (
                format!("note-{i}"),
                format!("Note {i} says that the borrow checker runs during compilation."),
            )
        })
        .collect();
    let input = crate::write_input(&dir, &docs);
    let out = dir.join("out.jsonl");
    let socket = format!("chunksynth-stop-{}", std::process::id());
    let command = format!(
        "env LLM_BASE_URL={} LLM_MODEL=fake-model {} rephrase --input {} --output {} --concurrency 2 --grace-seconds 6; echo EXIT=$?; sleep 30",
        fake.base_url(),
        env!("CARGO_BIN_EXE_chunksynth"),
        input.display(),
        out.display()
    );
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("tmux: {e}"))
    };
    let started = tmux(&[
        "new-session",
        "-d",
        "-x",
        "100",
        "-y",
        "24",
        "-s",
        "stop",
        &command,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while fake.request_count() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = tmux(&["send-keys", "-t", "stop", "C-c"]);
    let mut counting = String::new();
    let mut ended = String::new();
    for _ in 0..60 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let pane =
            String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-J", "-t", "stop"]).stdout).into_owned();
        if counting.is_empty()
            && let Some(line) = pane.lines().find(|l| l.contains("s left — press Ctrl-C again"))
        {
            counting = line.to_owned();
        }
        if pane.contains("EXIT=") {
            ended = pane;
            break;
        }
    }
    let _ = tmux(&["kill-server"]);
    assert!(
        counting.contains("stopping: finishing 2 calls in flight"),
        "{counting:?}"
    );
    assert!(ended.contains("EXIT=130"), "{ended}");
}

/// A rerun with nothing left to do contacts nobody: against an endpoint
/// that is gone it still exits 0 with every record in place (the first
/// contact waits for the first document that needs the model).
#[tokio::test(flavor = "multi_thread")]
async fn a_finished_rerun_sends_nothing_and_needs_no_endpoint() {
    let fake = FakeLlm::start(chunksynth_fake_llm::demo_reply)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("demo-finished-rerun");
    let out = dir.join("out.jsonl");
    let run = |url: &str| {
        let mut cmd = crate::chunksynth(url);
        cmd.current_dir(repo_root())
            .args(["rephrase", "--input", "examples/sample.jsonl", "--output"])
            .arg(&out);
        cmd
    };
    let first = output_of(run(&fake.base_url())).await;
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let asked = fake.request_count();
    let rerun = output_of(run(&fake.base_url())).await;
    assert_eq!(
        rerun.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert_eq!(fake.request_count(), asked, "no call on a finished rerun");
    drop(fake);
    let gone = output_of(run("http://127.0.0.1:9/v1")).await;
    let stderr = String::from_utf8_lossy(&gone.stderr);
    assert_eq!(gone.status.code(), Some(0), "{stderr}");
    assert_eq!(records(&out).len(), 2);
}

/// `chunksynth report` over a demo run: one page that loads nothing from
/// outside (a strict Content-Security-Policy, no src/href/url()/@import to
/// anywhere), a source's `<script>` shown as text, and a review sheet whose
/// cells a spreadsheet never runs as formulas. (The page in a real browser:
/// `cargo xtask report-check`.)
#[tokio::test(flavor = "multi_thread")]
async fn report_writes_one_page_that_loads_nothing_and_shows_markup_as_text() {
    let dir = tempdir("demo-report");
    let input = dir.join("in.jsonl");
    let mut corpus = std::fs::read_to_string(repo_root().join("examples/sample.jsonl")).unwrap_or_default();
    corpus.push_str(&format!(
        "{}\n",
        serde_json::json!({"id": "=HYPERLINK(\"x\")", "text": "A source may hold <script>alert(1)</script> and <img src=\"https://example.com/x.png\"> as text, and nothing else."})
    ));
    std::fs::write(&input, corpus).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.args(["rephrase", "--demo", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&out);
    assert_eq!(output_of(cmd).await.status.code(), Some(0));
    let page = dir.join("report.html");
    let mut cmd = offline();
    cmd.arg("report")
        .arg(&out)
        .arg("--input")
        .arg(&input)
        .arg("-o")
        .arg(&page)
        .arg("--review");
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("it holds corpus text"), "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    assert!(!html.contains("<script>alert(1)") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for outside in ["src=\"http", "href=\"http", "url(", "@import", "fetch("] {
        assert!(!html.contains(outside), "{outside}");
    }
    assert_eq!(
        html.matches("<tr data-style=").count(),
        3,
        "every record in the sample"
    );
    let csv = std::fs::read_to_string(dir.join("report.review.csv")).unwrap_or_default();
    assert!(
        csv.starts_with("id,style,outcome,score,link,verdict,note"),
        "{csv}"
    );
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "a formula is text: {csv}"
    );
}

/// A report reads every format a run writes: Parquet and compressed JSONL.
#[tokio::test(flavor = "multi_thread")]
async fn report_reads_parquet_and_compressed_outputs() {
    let dir = tempdir("demo-report-formats");
    for name in ["out.parquet", "out.jsonl.zst", "out.jsonl.gz"] {
        let out = dir.join(name);
        let mut cmd = offline();
        cmd.args([
            "rephrase",
            "--demo",
            "--input",
            "examples/sample.jsonl",
            "--output",
        ])
        .arg(&out);
        assert_eq!(output_of(cmd).await.status.code(), Some(0), "{name}");
        let page = dir.join(format!("{name}.html"));
        let mut cmd = offline();
        cmd.arg("report").arg(&out).arg("-o").arg(&page);
        let result = output_of(cmd).await;
        assert_eq!(
            result.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        let html = std::fs::read_to_string(&page).unwrap_or_default();
        assert!(html.contains("<td id=\"n-records\">2</td>"), "{name}");
    }
}

/// `math-problems` on a chunk without a quantity: no call, the chunk kept
/// as it is and recorded so (not a copy, not a failure); a chunk with
/// quantities gets its problems.
#[tokio::test(flavor = "multi_thread")]
async fn math_problems_sends_no_call_for_a_chunk_without_quantities() {
    let dir = tempdir("demo-math");
    let input = crate::write_input(
        &dir,
        &[
            (
                "plain".to_owned(),
                "The borrow checker looks at every reference in the program.".to_owned(),
            ),
            (
                "counted".to_owned(),
                "The bridge opened in 1932. It is 503 metres long.".to_owned(),
            ),
        ],
    );
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.args(["rephrase", "--demo", "--style", "math-problems", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&out);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let written = records(&out);
    let plain = written
        .iter()
        .find(|r| r["id"] == "plain")
        .unwrap_or_else(|| panic!("{written:?}"));
    assert_eq!(
        plain["text"],
        "The borrow checker looks at every reference in the program."
    );
    let chunk = &plain["provenance"]["chunks"][0];
    assert_eq!(chunk["outcome"], "nothing_for_the_style", "{chunk}");
    assert_eq!(chunk["attempts"], serde_json::json!([]), "no call: {chunk}");
    let counted = written
        .iter()
        .find(|r| r["id"] == "counted")
        .unwrap_or_else(|| panic!("{written:?}"));
    assert!(
        counted["text"]
            .as_str()
            .unwrap_or("")
            .contains("1932 + 503 = 2435"),
        "{counted}"
    );
    assert!(
        stderr.contains("1 calls") || stderr.contains(" 1 call"),
        "one call in all: {stderr}"
    );
}

/// `--report FILE` keeps the page current during a run: while calls after
/// the fifth take their time, the page already counts the records
/// finished, and at the end it counts them all (made from the whole
/// output, here a Parquet file the run exported at its end).
#[tokio::test(flavor = "multi_thread")]
async fn a_report_page_is_kept_during_the_run_and_made_whole_at_its_end() {
    let fake = chunksynth_fake_llm::FakeLlm::start(|r: &chunksynth_fake_llm::FakeRequest| {
        let delay = std::time::Duration::from_millis(if r.index >= 5 { 6_000 } else { 0 });
        chunksynth_fake_llm::Reply::Delayed(
            delay,
            Box::new(chunksynth_fake_llm::Reply::text(r.passage().to_uppercase())),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("report-watch");
    let input = dir.join("in.jsonl");
    let body: String = (0..10)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"id": format!("d{i}"), "text": format!("Document {i} says a few plain things.")})
            )
        })
        .collect();
    std::fs::write(&input, body).unwrap_or_else(|e| panic!("{e}"));
    let page = dir.join("page.html");
    let mut cmd = super::chunksynth(&fake.base_url());
    cmd.args(["rephrase", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(dir.join("out.parquet"))
        .args(["--style", "textbook", "--max-attempts", "1", "--concurrency", "5"])
        .arg("--report")
        .arg(&page)
        .args(["--report-seconds", "1"]);
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut during = String::new();
    while !during.contains("id=\"n-records\">10<") && std::time::Instant::now() < deadline {
        let html = std::fs::read_to_string(&page).unwrap_or_default();
        if html.contains("id=\"n-records\">5<") {
            during = html;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        during.contains("id=\"n-records\">5<"),
        "no page with the first 5 records during the run"
    );
    let o = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        html.contains("id=\"n-records\">10<"),
        "the final page counts every record"
    );
}

/// A report of `generate`: each text opens as its plan, section by section,
/// with its key points ticked (or crossed when QC misses one), what QC found
/// and what the consistency pass did, beside the section's text; QC and
/// consistency are counted per section in the charts.
#[tokio::test(flavor = "multi_thread")]
async fn a_report_of_generated_texts_shows_each_plan_with_its_key_points_ticked() {
    let dir = tempdir("report-generate");
    let out = dir.join("gen.jsonl");
    let mut cmd = offline();
    cmd.args(["generate", "--demo", "--topic", "How tides work", "--output"])
        .arg(&out);
    let result = output_of(cmd).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let page = dir.join("gen.html");
    let mut cmd = offline();
    cmd.arg("report").arg(&out).arg("-o").arg(&page);
    let result = output_of(cmd).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 generated texts, 1 shown"), "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    let record = records(&out).remove(0);
    assert!(html.contains("<h2>Generated texts</h2>") && html.contains("id=\"t-0\""));
    for section in record["plan"]["sections"].as_array().into_iter().flatten() {
        let title = section["title"].as_str().unwrap_or("");
        assert!(html.contains(&format!("<h4>{title} — ")), "{title}");
        for point in section["key_points"].as_array().into_iter().flatten() {
            let point = point.as_str().unwrap_or("");
            assert!(html.contains(&format!("✓ {point}")), "{point} ticked");
        }
    }
    assert!(html.contains("generated sections: QC") && html.contains("generated sections: consistency pass"));
    assert!(html.contains("sections passed"));

    // A key point QC reports missing is crossed, not ticked.
    let mut edited = record.clone();
    let point = edited["plan"]["sections"][0]["key_points"][0]
        .as_str()
        .unwrap_or("")
        .to_owned();
    edited["qc_report"]["sections"][0]["missing_key_points"] = serde_json::json!([point.clone()]);
    edited["qc_report"]["sections"][0]["passed"] = serde_json::json!(false);
    let edited_out = dir.join("edited.jsonl");
    std::fs::write(&edited_out, format!("{edited}\n")).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = offline();
    cmd.arg("report").arg(&edited_out).arg("-o").arg(&page);
    assert_eq!(output_of(cmd).await.status.code(), Some(0));
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(html.contains(&format!("✗ {point}")), "missing point crossed");
    assert!(html.contains("sections failed"));
}

/// `--keep-attempt-texts`: a first attempt that changed a number is kept in
/// provenance beside its findings, and the report shows it under the
/// record; without the flag no attempt carries a text.
#[tokio::test(flavor = "multi_thread")]
async fn failed_attempts_are_kept_with_the_flag_and_shown_by_the_report() {
    let fake = FakeLlm::start(|r: &chunksynth_fake_llm::FakeRequest| {
        // The first attempt changes the year; the repair restyles it
        // faithfully.
        let text = if r.index.is_multiple_of(2) {
            "After years of public work on the language, Rust 1.0 came out in May 2016."
        } else {
            "After years of public work on the language, Rust 1.0 came out in May 2015."
        };
        chunksynth_fake_llm::Reply::text(text)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("attempt-texts");
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        format!(
            "{}\n",
            serde_json::json!({"id": "rust", "text": "Rust 1.0 was released in May 2015 after years of public work on the language."})
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for keep in [false, true] {
        let out = dir.join(format!("out-{keep}.jsonl"));
        let mut cmd = super::chunksynth(&fake.base_url());
        cmd.args(["rephrase", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&out)
            .args(["--style", "textbook", "--concurrency", "1"]);
        if keep {
            cmd.arg("--keep-attempt-texts");
        }
        let result = output_of(cmd).await;
        assert_eq!(
            result.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        let record = records(&out).remove(0);
        let attempts = record["provenance"]["chunks"][0]["attempts"].clone();
        assert_eq!(attempts.as_array().map_or(0, Vec::len), 2, "{attempts}");
        if !keep {
            assert!(attempts[0].get("text").is_none(), "{attempts}");
            continue;
        }
        assert_eq!(attempts[0]["passed"], false);
        assert!(
            attempts[0]["text"].as_str().is_some_and(|t| t.contains("2016")),
            "{attempts}"
        );
        let page = dir.join("page.html");
        let mut cmd = offline();
        cmd.arg("report").arg(&out).arg("-o").arg(&page);
        assert_eq!(output_of(cmd).await.status.code(), Some(0));
        let html = std::fs::read_to_string(&page).unwrap_or_default();
        assert!(
            html.contains("<details class=\"attempt\"><summary>attempt 1"),
            "the failed attempt is shown"
        );
        assert!(html.contains("May 2016"), "with its text");
    }
}

/// The overview names the configuration that made the records and the
/// cost: at the prices given, else as the run's progress file says.
#[tokio::test(flavor = "multi_thread")]
async fn the_report_states_configuration_and_cost() {
    let dir = tempdir("report-cost");
    let out = dir.join("out.jsonl");
    let mut cmd = offline();
    cmd.args([
        "rephrase",
        "--demo",
        "--style",
        "faq",
        "--input",
        "examples/sample.jsonl",
        "--output",
    ])
    .arg(&out)
    .args(["--price-input", "1", "--price-output", "2"]);
    let result = output_of(cmd).await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let page = dir.join("page.html");
    let usage: (u64, u64) = records(&out).iter().fold((0, 0), |(p, c), r| {
        (
            p + r["provenance"]["usage"]["prompt_tokens"].as_u64().unwrap_or(0),
            c + r["provenance"]["usage"]["completion_tokens"]
                .as_u64()
                .unwrap_or(0),
        )
    });
    for (prices, whence, cost) in [
        (None, "as the runs' progress files say", None),
        (
            Some(("3", "5")),
            "at the prices given",
            Some((usage.0 * 3 + usage.1 * 5) as f64 / 1e6),
        ),
    ] {
        let mut cmd = offline();
        cmd.arg("report").arg(&out).arg("-o").arg(&page);
        if let Some((i, o)) = prices {
            cmd.args(["--price-input", i, "--price-output", o]);
        }
        assert_eq!(output_of(cmd).await.status.code(), Some(0));
        let html = std::fs::read_to_string(&page).unwrap_or_default();
        assert!(html.contains(whence), "{whence}");
        if let Some(cost) = cost {
            assert!(
                html.contains(&format!("{cost:.4} (at the prices given)")),
                "{cost}"
            );
        }
        assert!(
            html.contains("tokenizer o200k; chunks of 512 tokens (+64 overlap); window rolling, 256 tokens; style faq, prompts v"),
            "the configuration"
        );
    }
}
