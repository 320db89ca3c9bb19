//! The fidelity gate as a user meets it: copies fail, suspicions are
//! recorded and counted, and repaired only when the user asks.

use chunksynth_fake_llm::{FakeLlm, FakeRequest, Reply};

use crate::{chunksynth, code_and_stderr, output_of, records, rephrase_args, tempdir, write_input};

fn rephrase(
    base_url: &str,
    input: &std::path::Path,
    out: &std::path::Path,
    extra: &[&str],
) -> std::process::Command {
    let mut cmd = chunksynth(base_url);
    rephrase_args(&mut cmd, input, out);
    cmd.args(extra);
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn an_echoing_model_passes_no_chunk_of_prose_and_every_record_has_its_copy_ratio() {
    let fake = FakeLlm::start(|r: &FakeRequest| Reply::text(r.passage()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gate-echo");
    let docs = [
        "The borrow checker compares the scopes of references with the scopes of the values they point to, and it rejects a program in which a reference could outlive its value.",
        "Cargo downloads the dependencies a project names in its manifest, compiles them once, and reuses the compiled artifacts until a version changes.",
    ];
    let input = write_input(
        &dir,
        &docs
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("doc-{i}"), (*t).to_owned()))
            .collect::<Vec<_>>(),
    );
    let out = dir.join("out.jsonl");
    let result = output_of(rephrase(&fake.base_url(), &input, &out, &["--max-attempts", "2"])).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("fidelity pass rate 0.0%"), "{stderr}");
    let written = records(&out);
    assert_eq!(written.len(), 2);
    for r in &written {
        let p = &r["provenance"];
        assert!(p["copy_ratio"].as_f64().unwrap_or(0.0) > 0.9, "{p}");
        for chunk in p["chunks"].as_array().into_iter().flatten() {
            assert_eq!(chunk["outcome"], "kept_best", "{chunk}");
            let findings = chunk["attempts"][1]["findings"].to_string();
            assert!(findings.contains("word for word"), "{findings}");
        }
    }
    // Each chunk: the copy, then one repair asking for a restyle.
    assert_eq!(fake.request_count(), 4);
    let repairs = fake
        .requests()
        .iter()
        .filter(|r| r.last_user_text().contains("restyle it in your own words"))
        .count();
    assert_eq!(repairs, 2, "each repair asks for a restyle");
}

const SOURCE: &str = "Mutex is an abbreviation for mutual exclusion, as in a mutex allows only one thread to access some data at any given time. To access the data in a mutex, a thread must first signal that it wants access by asking to acquire the mutex’s lock. The lock is a data structure that is part of the mutex that keeps track of who currently has exclusive access to the data. Therefore, the mutex is described as guarding the data it holds via the locking system.";
/// A restyle with a modality weakened and a negation added: what only the
/// alignment checks see.
const SUSPECT: &str = "Mutex is short for mutual exclusion: a mutex allows only one thread to access some data at any given time. To reach the data, a thread may first signal that it wants access by asking to acquire the mutex's lock. The lock is a data structure that is part of the mutex, and it does not keep track of who currently has exclusive access to the data. That is why the mutex is said to guard the data it holds through its locking system.";
const RIGHT: &str = "Mutex is short for mutual exclusion: a mutex allows only one thread to access some data at any given time. To reach the data, a thread must first signal that it wants access by asking to acquire the mutex's lock. The lock is a data structure that is part of the mutex, and it keeps track of who currently has exclusive access to the data. That is why the mutex is said to guard the data it holds through its locking system.";

#[tokio::test(flavor = "multi_thread")]
async fn suspicions_are_recorded_and_counted_and_repaired_only_under_max_suspicions() {
    let fake = FakeLlm::start(|r: &FakeRequest| {
        if r.last_user_text()
            .contains("Your previous rewrite had these problems")
        {
            Reply::text(RIGHT)
        } else {
            Reply::text(SUSPECT)
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gate-suspicions");
    let input = write_input(&dir, &[("mutex".to_owned(), SOURCE.to_owned())]);
    // By default: one call, the suspicions kept with the chunk and counted.
    let out = dir.join("default.jsonl");
    let result = output_of(rephrase(&fake.base_url(), &input, &out, &[])).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert_eq!(fake.request_count(), 1, "no repair for suspicions");
    let record = &records(&out)[0];
    assert_eq!(record["text"], SUSPECT);
    let suspicions = &record["provenance"]["chunks"][0]["fidelity"]["suspicions"];
    let checks: Vec<&str> = suspicions
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["check"].as_str())
        .collect();
    assert!(
        checks.contains(&"modality") && checks.contains(&"polarity"),
        "{suspicions}"
    );
    assert_eq!(record["provenance"]["suspicions"], checks.len());
    assert!(stderr.contains("suspicions (recorded"), "{stderr}");
    assert!(stderr.contains("polarity 1"), "{stderr}");
    // --max-suspicions 0: the old strictness, a repair quoting them.
    let strict = dir.join("strict.jsonl");
    let result = output_of(rephrase(
        &fake.base_url(),
        &input,
        &strict,
        &["--max-suspicions", "0", "--max-attempts", "2"],
    ))
    .await;
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_eq!(fake.request_count(), 3, "the rewrite and one repair");
    assert_eq!(records(&strict)[0]["text"], RIGHT);
    let repair = fake.requests()[2].last_user_text();
    assert!(repair.contains("does not keep track"), "{repair}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_distillation_cut_to_a_sentence_is_repaired_for_the_numbers_it_drops() {
    // The cut answer keeps most of the source's few common words but two
    // of its six numbers; the repaired one keeps them all.
    let source = "The club was founded in December 1949 and joined the league in 1950. In 1951 the club raised funds in a barrel. The club stadium opened in 2009 with 33,000 seats and cost 9 billion yen.";
    let cut = "The club was founded in December 1949 and joined the league in 1950; the club raised funds in a barrel for its stadium seats.";
    let whole = "Founded in December 1949, the club joined the league in 1950 and raised funds in a barrel in 1951; its stadium opened in 2009 with 33,000 seats at a cost of 9 billion yen.";
    let fake = FakeLlm::start(move |r: &FakeRequest| {
        Reply::text(if r.last_user_text().contains("numbers are kept") {
            whole
        } else {
            cut
        })
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("gate-number-floor");
    let input = write_input(&dir, &[("club".to_owned(), source.to_owned())]);
    let flags = ["--style", "distill", "--max-attempts", "2"];
    let out = dir.join("out.jsonl");
    let (code, stderr) = code_and_stderr(&output_of(rephrase(&fake.base_url(), &input, &out, &flags)).await);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(fake.request_count(), 2, "the cut answer, then one repair");
    let written = records(&out);
    let chunk = &written[0]["provenance"]["chunks"][0];
    let findings = chunk["attempts"][0]["findings"].to_string();
    assert!(
        findings.contains("only 2 of the source's 6 numbers are kept"),
        "{findings}"
    );
    assert_eq!(written[0]["text"], whole, "{chunk}");
    // A user who lowers the style's floor in the config file keeps the cut
    // answer at once.
    let config = dir.join("chunksynth.toml");
    std::fs::write(&config, "[style_bounds.distill]\nmin_number_recall = 0.2\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = rephrase(&fake.base_url(), &input, &dir.join("lowered.jsonl"), &flags);
    cmd.arg("--config").arg(&config);
    let (code, stderr) = code_and_stderr(&output_of(cmd).await);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(fake.request_count(), 3, "one call, no repair");
    assert_eq!(records(&dir.join("lowered.jsonl"))[0]["text"], cut);
}
