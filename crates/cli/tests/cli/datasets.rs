//! Dataset formats, black-box: Parquet and compressed JSONL in and out,
//! folders and globs of shards, kept fields, broken shards, and a SIGKILL
//! with Parquet output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chunksynth_fake_llm::{FakeLlm, FakeRequest, Reply};
use serde_json::{Value, json};

use super::{chunksynth, newlines, output_of, tempdir, upper};

pub(super) fn lines(docs: &[Value]) -> String {
    docs.iter().map(|d| format!("{d}\n")).collect()
}

pub(super) fn docs(n: usize, from: usize) -> Vec<Value> {
    (from..from + n)
        .map(|i| {
            json!({"id": format!("d{i}"), "text": format!("Document {i} has a few words."),
                   "url": format!("https://example.org/{i}"), "lang": "en", "score": i as f64 / 10.0})
        })
        .collect()
}

pub(super) fn write_gz(path: &Path, docs: &[Value]) {
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}")),
        flate2::Compression::default(),
    );
    e.write_all(lines(docs).as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    e.finish().unwrap_or_else(|e| panic!("{e}"));
}

pub(super) fn write_zst(path: &Path, docs: &[Value]) {
    let bytes = zstd::encode_all(lines(docs).as_bytes(), 3).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

/// Every record of an output file, in input order, whatever its format.
pub(super) fn read_any(path: &Path) -> Vec<Value> {
    let name = path.to_string_lossy().to_string();
    let text = if name.ends_with(".parquet") {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let reader =
            parquet::file::reader::SerializedFileReader::new(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut rows: Vec<Value> = parquet::record::reader::RowIter::from_file_into(Box::new(reader))
            .map(|r| r.unwrap_or_else(|e| panic!("{name}: {e}")).to_json_value())
            .collect();
        rows.sort_by_key(|v| v["input_index"].as_u64());
        return rows;
    } else if name.ends_with(".zst") {
        String::from_utf8(
            zstd::decode_all(std::fs::File::open(path).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_default(),
        )
        .unwrap_or_default()
    } else if name.ends_with(".gz") {
        let mut s = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::MultiGzDecoder::new(
                std::fs::File::open(path).unwrap_or_else(|e| panic!("{e}")),
            ),
            &mut s,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        s
    } else {
        std::fs::read_to_string(path).unwrap_or_default()
    };
    let mut all: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    all.sort_by_key(|v| v["input_index"].as_u64());
    all
}

pub(super) fn rephrase(base_url: &str, input: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = chunksynth(base_url);
    cmd.args(["rephrase", "--input"])
        .arg(input)
        .arg("--output")
        .arg(out)
        .args(["--style", "textbook", "--max-attempts", "1", "--concurrency", "3"])
        .args(extra);
    cmd
}

pub(super) async fn run_ok(cmd: Command) -> String {
    let o = output_of(cmd).await;
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{err}");
    err
}

/// Texts in id order (a Parquet file made by chunksynth holds its rows in
/// the order they finished).
pub(super) fn texts_by_id(records: &[Value]) -> Vec<String> {
    let mut sorted = records.to_vec();
    sorted.sort_by_key(|r| r["id"].as_str().map(|id| (id.len(), id.to_owned())));
    texts(&sorted)
}

fn texts(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["text"].as_str().unwrap_or("").to_owned())
        .collect()
}

pub(super) fn upper_texts(docs: &[Value]) -> Vec<String> {
    docs.iter()
        .map(|d| d["text"].as_str().unwrap_or("").to_uppercase())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_output_format_round_trips_and_parquet_reads_back_as_input() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("formats-out");
    let input = dir.join("in.jsonl.zst");
    let docs = docs(6, 0);
    write_zst(&input, &docs);
    for name in ["out.jsonl", "out.jsonl.gz", "out.jsonl.zst", "out.parquet"] {
        let out = dir.join(name);
        let err = run_ok(rephrase(
            &fake.base_url(),
            &input,
            &out,
            &["--keep-fields", "url,score"],
        ))
        .await;
        let got = read_any(&out);
        assert_eq!(texts(&got), upper_texts(&docs), "{name}: {err}");
        assert_eq!(got[2]["url"], "https://example.org/2", "{name}: kept fields");
        assert_eq!(got[2]["score"], 0.2, "{name}: kept types");
        assert!(got[2].get("lang").is_none(), "{name}");
        assert!(
            !dir.join(format!("{name}.partial.jsonl")).exists(),
            "{name}: the working file is gone"
        );
        // A rerun reads the finished output back and calls nothing.
        let calls = fake.request_count();
        run_ok(rephrase(
            &fake.base_url(),
            &input,
            &out,
            &["--keep-fields", "url,score"],
        ))
        .await;
        assert_eq!(fake.request_count(), calls, "{name}: the rerun made a call");
        assert_eq!(read_any(&out).len(), docs.len(), "{name}: each record once");
    }
    // The Parquet output is an input like any dataset's.
    let again = dir.join("again.jsonl");
    run_ok(rephrase(
        &fake.base_url(),
        &dir.join("out.parquet"),
        &again,
        &["--keep-all-fields"],
    ))
    .await;
    // Its rows are in the order the first run finished them.
    let mut twice = read_any(&again);
    twice.sort_by_key(|r| r["id"].as_str().map(str::to_owned));
    assert_eq!(texts(&twice), upper_texts(&docs));
    assert_eq!(
        twice[1]["url"], "https://example.org/1",
        "kept from the Parquet columns"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_and_a_glob_of_mixed_shards_with_a_broken_one() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("shards");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap_or_else(|e| panic!("{e}"));
    let (a, b, c) = (docs(3, 0), docs(3, 3), docs(3, 6));
    write_gz(&data.join("train-00000.jsonl.gz"), &a);
    write_zst(&data.join("train-00001.jsonl.zst"), &b);
    // A Parquet shard, made by chunksynth itself from the third set.
    let plain = dir.join("c.jsonl");
    std::fs::write(&plain, lines(&c)).unwrap_or_else(|e| panic!("{e}"));
    let made = dir.join("made.parquet");
    run_ok(rephrase(&fake.base_url(), &plain, &made, &[])).await;
    std::fs::copy(&made, data.join("train-00002.parquet")).unwrap_or_else(|e| panic!("{e}"));
    // Upper-cased texts of the third set come back upper-cased again.
    let all: Vec<Value> = a.iter().chain(&b).chain(&c).cloned().collect();

    let out = dir.join("out.jsonl");
    run_ok(rephrase(&fake.base_url(), &data, &out, &[])).await;
    assert_eq!(texts_by_id(&read_any(&out)), upper_texts(&all));

    // A glob picks the Parquet shard only; a broken shard beside it is a
    // reject naming it, and the rest goes on.
    std::fs::write(
        data.join("train-00003.parquet"),
        b"PAR1 this is not a parquet file",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("glob.jsonl");
    let o = output_of(rephrase(
        &fake.base_url(),
        &data.join("train-*.parquet"),
        &out,
        &[],
    ))
    .await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(texts_by_id(&read_any(&out)), upper_texts(&c));
    let rejects = read_any(&dir.join("glob.jsonl.rejects.jsonl"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(
        rejects[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("train-00003.parquet")),
        "{rejects:?}"
    );

    // A truncated .zst: its whole records go through, then a reject names
    // the shard; as the only input file, the run stops with exit 3 naming it.
    let cut = dir.join("cut");
    std::fs::create_dir_all(&cut).unwrap_or_else(|e| panic!("{e}"));
    // Several zstd blocks (128 KiB each) of text that compresses poorly, so
    // that the first half of the file decodes.
    let mut seed = 7u64;
    let big: Vec<Value> = (0..1500)
        .map(|i| {
            let noise: String = (0..12)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    format!("{:x}", seed >> 16)
                })
                .collect();
            json!({"id": format!("z{i}"), "text": format!("Record {i} says {noise}.")})
        })
        .collect();
    write_zst(&cut.join("a.jsonl.zst"), &big);
    let bytes = std::fs::read(cut.join("a.jsonl.zst")).unwrap_or_default();
    std::fs::write(cut.join("a.jsonl.zst"), &bytes[..bytes.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    write_gz(&cut.join("b.jsonl.gz"), &a);
    let out = dir.join("cut.jsonl");
    let o = output_of(rephrase(&fake.base_url(), &cut, &out, &["--concurrency", "32"])).await;
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let got = read_any(&out);
    assert!(
        got.len() > 100 && got.len() < 1503,
        "the readable part and the next shard: {}",
        got.len()
    );
    let rejects = read_any(&dir.join("cut.jsonl.rejects.jsonl"));
    assert!(
        rejects
            .iter()
            .any(|r| r["reason"].as_str().is_some_and(|t| t.contains("a.jsonl.zst"))),
        "{rejects:?}"
    );
    let o = output_of(rephrase(
        &fake.base_url(),
        &cut.join("a.jsonl.zst"),
        &dir.join("single.jsonl"),
        &["--concurrency", "32"],
    ))
    .await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("a.jsonl.zst"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn kept_fields_are_checked_and_nested_fields_are_reached() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("kept");
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        "{\"meta\": {\"id\": \"n1\", \"source\": \"web\"}, \"body\": {\"text\": \"Nested text here.\"}}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.jsonl");
    run_ok(rephrase(
        &fake.base_url(),
        &input,
        &out,
        &[
            "--id-field",
            "meta.id",
            "--text-field",
            "body.text",
            "--keep-fields",
            "meta.source",
        ],
    ))
    .await;
    let got = read_any(&out);
    assert_eq!(
        (got[0]["id"].as_str(), got[0]["meta.source"].as_str()),
        (Some("n1"), Some("web"))
    );
    let o = output_of(rephrase(
        &fake.base_url(),
        &input,
        &dir.join("x.jsonl"),
        &["--keep-fields", "url,text"],
    ))
    .await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--keep-fields text"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sigkilled_run_with_parquet_output_resumes_to_a_readable_file_with_each_record_once() {
    let killed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let open = killed.clone();
    let slow = move |r: &FakeRequest| {
        let held = r.index >= 6 && !open.load(std::sync::atomic::Ordering::SeqCst);
        Reply::Delayed(
            Duration::from_millis(if held { 120_000 } else { 10 }),
            Box::new(upper(r)),
        )
    };
    let fake = FakeLlm::start(slow).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("parquet-kill");
    let input = dir.join("in.jsonl.gz");
    let docs = docs(12, 0);
    write_gz(&input, &docs);
    let out: PathBuf = dir.join("out.parquet");
    let mut child = rephrase(&fake.base_url(), &input, &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let working = dir.join("out.parquet.partial.jsonl");
    let deadline = Instant::now() + Duration::from_secs(60);
    while newlines(&working) < 4 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    killed.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(!out.exists(), "no half-written Parquet file");
    run_ok(rephrase(&fake.base_url(), &input, &out, &[])).await;
    let got = read_any(&out);
    assert_eq!(texts(&got), upper_texts(&docs), "each record once");
    assert!(!working.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_of_parquet_parts_is_written_reread_and_grown() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("parts");
    let input = dir.join("in.jsonl");
    let first = docs(10, 0);
    std::fs::write(&input, lines(&first)).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out");
    let flags = ["--output-format", "parquet", "--output-records-per-file", "4"];
    run_ok(rephrase(&fake.base_url(), &input, &out, &flags)).await;
    let parts = |n: usize| -> Vec<Value> {
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        let want: Vec<String> = (0..n).map(|i| format!("part-{i:05}.parquet")).collect();
        assert_eq!(names, want);
        names.iter().flat_map(|name| read_any(&out.join(name))).collect()
    };
    assert_eq!(texts_by_id(&parts(3)), upper_texts(&first));
    // Two more input lines: only they are called, and the parts are
    // rewritten from the whole output.
    let grown: Vec<Value> = first.iter().cloned().chain(docs(2, 10)).collect();
    std::fs::write(&input, lines(&grown)).unwrap_or_else(|e| panic!("{e}"));
    let calls = fake.request_count();
    run_ok(rephrase(&fake.base_url(), &input, &out, &flags)).await;
    assert_eq!(fake.request_count() - calls, 2);
    assert_eq!(texts_by_id(&parts(3)), upper_texts(&grown));
    assert!(!dir.join("out.partial.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn ids_unique_only_per_shard_are_duplicates_without_the_flag_and_distinct_with_it() {
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let dir = tempdir("shard-ids");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap_or_else(|e| panic!("{e}"));
    // Both shards number their records from 0.
    let renumber = |docs: Vec<Value>| -> Vec<Value> {
        docs.into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                d["id"] = json!(i);
                d
            })
            .collect()
    };
    write_gz(&data.join("a.jsonl.gz"), &renumber(docs(3, 0)));
    write_gz(&data.join("b.jsonl.gz"), &renumber(docs(3, 3)));
    let o = output_of(rephrase(&fake.base_url(), &data, &dir.join("plain.jsonl"), &[])).await;
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let rejects = read_any(&dir.join("plain.jsonl.rejects.jsonl"));
    assert!(
        rejects.len() == 3 && rejects.iter().all(|r| r["kind"] == "duplicate_id"),
        "{rejects:?}"
    );
    let out = dir.join("scoped.jsonl");
    run_ok(rephrase(&fake.base_url(), &data, &out, &["--ids-per-shard"])).await;
    let ids: Vec<String> = read_any(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        ids,
        [
            "a.jsonl.gz/0",
            "a.jsonl.gz/1",
            "a.jsonl.gz/2",
            "b.jsonl.gz/0",
            "b.jsonl.gz/1",
            "b.jsonl.gz/2"
        ]
    );
}
