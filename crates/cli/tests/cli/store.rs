//! Object stores, black-box: the built binary reads and writes `s3://` on a
//! real S3-compatible server on 127.0.0.1 (s3s-fs from crates.io, which
//! checks request signatures) and `az://` on Azurite (Microsoft's emulator,
//! from npm); `cargo xtask store-server` installs both under target/tools/.
//! Without them the tests say so and pass, except under `CI=true`, where a
//! missing server fails them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chunksynth_fake_llm::FakeLlm;
use serde_json::Value;

use super::datasets::{
    docs, lines, read_any, rephrase, run_ok, texts_by_id, upper_texts, write_gz, write_zst,
};
use super::{output_of, tempdir, upper};

const ACCESS_KEY: &str = "AKIDCHUNKSYNTHTEST";
const SECRET_KEY: &str = "s3-SECRET-chunksynth-77bb";

/// The s3s-fs binary: `CHUNKSYNTH_S3S_FS`, else where the xtask installs it.
fn s3s_fs() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHUNKSYNTH_S3S_FS") {
        return Some(PathBuf::from(p));
    }
    let installed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tools/s3s/bin/s3s-fs");
    if installed.exists() {
        return Some(installed);
    }
    assert!(
        std::env::var("CI").is_err(),
        "s3s-fs is not installed: run `cargo xtask store-server` (CI installs it before the tests)"
    );
    eprintln!("skipped: s3s-fs is not installed (run `cargo xtask store-server`)");
    None
}

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `cmd` started quietly, once it listens on `port`.
fn serve(mut cmd: Command, port: u16, what: &str) -> Child {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// An S3 server over a folder: each bucket a sub-folder, each object a file.
struct S3Server {
    child: Child,
    endpoint: String,
    root: PathBuf,
}

impl S3Server {
    fn start(dir: &Path) -> Option<Self> {
        Self::start_with(dir, true)
    }

    /// `signed`: requests must carry a signature by the test's keys;
    /// otherwise the server serves anyone, as a plain HTTP file server
    /// (with range requests) does.
    fn start_with(dir: &Path, signed: bool) -> Option<Self> {
        let binary = s3s_fs()?;
        let root = dir.join("s3");
        std::fs::create_dir_all(root.join("corpus")).unwrap_or_else(|e| panic!("{e}"));
        let port = free_port();
        let mut cmd = Command::new(binary);
        cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()]);
        if signed {
            cmd.args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY]);
        }
        cmd.arg(&root);
        let child = serve(cmd, port, "s3s-fs");
        Some(Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            root,
        })
    }

    /// Puts a file into the `corpus` bucket under `key`.
    fn put(&self, key: &str, from: &Path) {
        let to = self.root.join("corpus").join(key);
        std::fs::create_dir_all(to.parent().unwrap_or(&self.root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("{e}"));
    }

    fn put_bytes(&self, key: &str, bytes: &[u8]) {
        let to = self.root.join("corpus").join(key);
        std::fs::create_dir_all(to.parent().unwrap_or(&self.root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(to, bytes).unwrap_or_else(|e| panic!("{e}"));
    }

    /// `cmd` pointed at this server with `secret` as its secret key.
    fn env(&self, cmd: &mut Command, secret: &str) {
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE");
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fake model that answers at once until its `after`-th call, and holds
/// every later call (two minutes) until the switch it returns is set.
async fn holding_fake(after: usize) -> (FakeLlm, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    let released = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let open = released.clone();
    let fake = FakeLlm::start(move |r: &chunksynth_fake_llm::FakeRequest| {
        let held = r.index >= after && !open.load(std::sync::atomic::Ordering::SeqCst);
        let delay = Duration::from_millis(if held { 120_000 } else { 10 });
        chunksynth_fake_llm::Reply::Delayed(delay, Box::new(upper(r)))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    (fake, released)
}

/// `n` documents written as `dir/in.jsonl`.
fn input_of(dir: &Path, n: usize) -> (Vec<Value>, PathBuf) {
    let all = docs(n, 0);
    let input = dir.join("in.jsonl");
    std::fs::write(&input, lines(&all)).unwrap_or_else(|e| panic!("{e}"));
    (all, input)
}

fn url(key: &str) -> PathBuf {
    PathBuf::from(format!("s3://corpus/{key}"))
}

/// Shards of three formats in a bucket, read by prefix and by glob (Parquet
/// through ranged requests); a broken object beside them is a reject naming
/// its URL, and the rest goes on.
#[tokio::test(flavor = "multi_thread")]
async fn shards_are_read_from_an_s3_bucket_by_prefix_and_by_glob() {
    let dir = tempdir("s3-read");
    let Some(s3) = S3Server::start(&dir) else { return };
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let (a, b, c) = (docs(3, 0), docs(3, 3), docs(40, 6));
    write_gz(&dir.join("a.jsonl.gz"), &a);
    write_zst(&dir.join("b.jsonl.zst"), &b);
    let plain = dir.join("c.jsonl");
    std::fs::write(&plain, lines(&c)).unwrap_or_else(|e| panic!("{e}"));
    let made = dir.join("made.parquet");
    run_ok(rephrase(&fake.base_url(), &plain, &made, &[])).await;
    s3.put("data/train-00000.jsonl.gz", &dir.join("a.jsonl.gz"));
    s3.put("data/train-00001.jsonl.zst", &dir.join("b.jsonl.zst"));
    s3.put("data/train-00002.parquet", &made);
    s3.put_bytes("data/README.txt", b"not data: skipped in a prefix");

    let all: Vec<Value> = a.iter().chain(&b).chain(&c).cloned().collect();
    let out = dir.join("prefix.jsonl");
    let mut cmd = rephrase(&fake.base_url(), &url("data/"), &out, &[]);
    s3.env(&mut cmd, SECRET_KEY);
    let err = run_ok(cmd).await;
    assert_eq!(texts_by_id(&read_any(&out)), upper_texts(&all), "{err}");
    assert!(!err.contains(SECRET_KEY), "{err}");
    let record = &read_any(&out)[0];
    assert!(!record.to_string().contains(SECRET_KEY));

    // A glob picks the Parquet shards; a broken one is a reject naming its
    // URL and the good one is read whole.
    s3.put_bytes("data/train-00003.parquet", b"PAR1 this is not a parquet file");
    let out = dir.join("glob.jsonl");
    let mut cmd = rephrase(&fake.base_url(), &url("data/train-*.parquet"), &out, &[]);
    s3.env(&mut cmd, SECRET_KEY);
    let o = output_of(cmd).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(texts_by_id(&read_any(&out)), upper_texts(&c), "{err}");
    let rejects = read_any(&dir.join("glob.jsonl.rejects.jsonl"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(
        rejects[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("s3://corpus/data/train-00003.parquet")),
        "{rejects:?}"
    );

    // A rerun of the prefix run finds everything done and sends nothing.
    std::fs::remove_file(s3.root.join("corpus/data/train-00003.parquet")).unwrap_or_else(|e| panic!("{e}"));
    let calls = fake.requests().len();
    let mut cmd = rephrase(&fake.base_url(), &url("data/"), &dir.join("prefix.jsonl"), &[]);
    s3.env(&mut cmd, SECRET_KEY);
    run_ok(cmd).await;
    assert_eq!(
        fake.requests().len(),
        calls,
        "a finished run resumed sends no call"
    );
}

/// Wrong credentials, a missing bucket, a missing object: exit 2 before any
/// call, naming the location, never the secret.
#[tokio::test(flavor = "multi_thread")]
async fn wrong_credentials_and_missing_objects_stop_at_once_with_exit_2() {
    let dir = tempdir("s3-refused");
    let Some(s3) = S3Server::start(&dir) else { return };
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    s3.put_bytes("in.jsonl", lines(&docs(2, 0)).as_bytes());
    let wrong = "s3-WRONG-secret-0000";
    for (input, secret, says) in [
        ("s3://corpus/in.jsonl", wrong, "credentials"),
        (
            "s3://no-such-bucket/in.jsonl",
            SECRET_KEY,
            "s3://no-such-bucket/in.jsonl",
        ),
        (
            "s3://corpus/missing.jsonl",
            SECRET_KEY,
            "s3://corpus/missing.jsonl",
        ),
        ("s3://corpus/none-*.jsonl", SECRET_KEY, "no object matches"),
    ] {
        let out = dir.join("out.jsonl");
        let mut cmd = rephrase(&fake.base_url(), Path::new(input), &out, &[]);
        s3.env(&mut cmd, secret);
        let o = output_of(cmd).await;
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{input}: {err}");
        assert!(err.contains(says), "{input}: {err}");
        assert!(!err.contains(secret), "{input}: the secret leaked: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(fake.requests().len(), 0, "no model call before the input opens");
}

/// The manifest of the `all` shard under `out/`: its parts and records.
fn manifest(s3: &S3Server) -> Option<Value> {
    let bytes = std::fs::read(s3.root.join("corpus/out/manifest-all.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Every record the manifest's parts hold, in input order.
fn published(s3: &S3Server) -> Vec<Value> {
    let Some(m) = manifest(s3) else { return Vec::new() };
    let mut all: Vec<Value> = m["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| read_any(&s3.root.join("corpus").join(p.as_str().unwrap_or_default())))
        .collect();
    all.sort_by_key(|v| v["input_index"].as_u64());
    all
}

/// A store output gets parts while the run goes. A second writer is
/// refused while the first holds the lease. After `kill -9` and a lost work
/// dir, a rerun on a "new machine" (once the dead run's lease lapsed)
/// restores what was published and calls the model only for the rest:
/// every record once, no call repeated for a published record.
#[tokio::test(flavor = "multi_thread")]
async fn parts_are_published_during_the_run_and_a_rerun_without_the_work_dir_does_only_what_they_lack() {
    let dir = tempdir("s3-write");
    let Some(s3) = S3Server::start(&dir) else { return };
    // Until the kill, calls after the 12th are held: the child cannot
    // finish before it is killed, however slowly this test is scheduled.
    let (fake, killed) = holding_fake(12).await;
    let (all, input) = input_of(&dir, 30);
    let out = url("out/");
    let flags = |work: &Path| -> Vec<String> {
        [
            "--part-seconds",
            "1",
            "--lease-seconds",
            "4",
            "--output-format",
            "parquet",
            "--output-records-per-file",
            "5",
            "--work-dir",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain([work.display().to_string()])
        .collect()
    };
    let args = |work: &Path| flags(work);
    let first = args(&dir.join("w1"));
    let mut cmd = rephrase(
        &fake.base_url(),
        &input,
        &out,
        &first.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    s3.env(&mut cmd, SECRET_KEY);
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while manifest(&s3).and_then(|m| m["records"].as_u64()) != Some(12) {
        assert!(
            Instant::now() < deadline,
            "12 records were not published: {:?}",
            manifest(&s3)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let second = args(&dir.join("w2"));
    let mut cmd = rephrase(
        &fake.base_url(),
        &input,
        &out,
        &second.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    s3.env(&mut cmd, SECRET_KEY);
    let o = output_of(cmd).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "a second writer: {err}");
    assert!(err.contains("being written by another run"), "{err}");

    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    killed.store(true, std::sync::atomic::Ordering::SeqCst);
    let at_kill = published(&s3);
    assert_eq!(at_kill.len(), 12, "{:?}", manifest(&s3));
    std::fs::remove_dir_all(dir.join("w1")).unwrap_or_else(|e| panic!("{e}"));
    // The dead run's lease lapses; then a new machine takes over.
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let calls_before = fake.request_count();
    let third = args(&dir.join("w3"));
    let mut cmd = rephrase(
        &fake.base_url(),
        &input,
        &out,
        &third.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    s3.env(&mut cmd, SECRET_KEY);
    let err = run_ok(cmd).await;
    assert!(err.contains("restored 12 records"), "{err}");
    assert_eq!(
        fake.request_count() - calls_before,
        30 - 12,
        "the rerun calls for what the parts lack, nothing more: {err}"
    );
    let records = published(&s3);
    let ids: Vec<&str> = records.iter().filter_map(|r| r["id"].as_str()).collect();
    let want: Vec<String> = (0..30).map(|i| format!("d{i}")).collect();
    assert_eq!(ids, want, "every record once");
    assert_eq!(texts_by_id(&records), upper_texts(&all));
    // No part outside the manifest, no lease left, no secret anywhere.
    let listed: Vec<String> = std::fs::read_dir(s3.root.join("corpus/out"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let parts = manifest(&s3)
        .map(|m| m["parts"].as_array().map_or(0, Vec::len))
        .unwrap_or(0);
    assert_eq!(
        listed.iter().filter(|n| n.starts_with("part-")).count(),
        parts,
        "{listed:?}"
    );
    assert!(
        !listed.iter().any(|n| n.starts_with("lease-")),
        "released: {listed:?}"
    );
    for name in &listed {
        let bytes = std::fs::read(s3.root.join("corpus/out").join(name)).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET_KEY),
            "{name} holds the secret"
        );
    }
    for entry in std::fs::read_dir(dir.join("w3"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET_KEY),
            "{} holds the secret",
            entry.path().display()
        );
    }
}

/// Refused credentials for a store output: exit 2 before any call, and
/// the secret in no message.
#[tokio::test(flavor = "multi_thread")]
async fn a_store_output_with_wrong_credentials_is_refused_with_exit_2() {
    let dir = tempdir("s3-out-refused");
    let Some(s3) = S3Server::start(&dir) else { return };
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let input = dir.join("in.jsonl");
    std::fs::write(&input, lines(&docs(2, 0))).unwrap_or_else(|e| panic!("{e}"));
    let wrong = "s3-WRONG-secret-1111";
    let work = dir.join("work").display().to_string();
    let mut cmd = rephrase(&fake.base_url(), &input, &url("out/"), &["--work-dir", &work]);
    s3.env(&mut cmd, wrong);
    let o = output_of(cmd).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("s3://corpus/out/") && err.contains("credentials"),
        "{err}"
    );
    assert!(!err.contains(wrong), "the secret leaked: {err}");
    assert_eq!(fake.request_count(), 0);
}

/// An edited input record is redone; at the end the run publishes the
/// compacted output as a new set of parts, switches the manifest to it and
/// deletes the old parts: each id once, with its new text.
#[tokio::test(flavor = "multi_thread")]
async fn an_edited_input_republishes_the_compacted_output_as_a_new_part_set() {
    let dir = tempdir("s3-edit");
    let Some(s3) = S3Server::start(&dir) else { return };
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let mut all = docs(4, 0);
    let input = dir.join("in.jsonl");
    std::fs::write(&input, lines(&all)).unwrap_or_else(|e| panic!("{e}"));
    let work = dir.join("work").display().to_string();
    for round in 0..2 {
        let mut cmd = rephrase(&fake.base_url(), &input, &url("out/"), &["--work-dir", &work]);
        s3.env(&mut cmd, SECRET_KEY);
        let err = run_ok(cmd).await;
        if round == 1 {
            assert!(err.contains("the whole output anew"), "{err}");
        }
        all[2]["text"] = Value::from("Document 2 was edited since.");
        std::fs::write(&input, lines(&all)).unwrap_or_else(|e| panic!("{e}"));
    }
    let records = published(&s3);
    assert_eq!(records.len(), 4, "{records:?}");
    assert_eq!(texts_by_id(&records), upper_texts(&all));
    let parts: Vec<String> = std::fs::read_dir(s3.root.join("corpus/out"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("part-"))
        .collect();
    assert_eq!(parts.len(), 1, "the old part set is gone: {parts:?}");

    // `chunksynth status` reads the progress object the run published.
    let mut cmd = super::chunksynth(&fake.base_url());
    cmd.args(["status", "s3://corpus/out/"]);
    s3.env(&mut cmd, SECRET_KEY);
    let o = output_of(cmd).await;
    let table = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{table}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(table.contains("finished"), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with("total") && l.contains(" 4 ")),
        "{table}"
    );

    // `chunksynth report` reads the parts the manifest names.
    let page = dir.join("report.html");
    let mut cmd = super::chunksynth(&fake.base_url());
    cmd.args(["report", "s3://corpus/out/", "-o"]).arg(&page);
    s3.env(&mut cmd, SECRET_KEY);
    let o = output_of(cmd).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("4 records"), "{err}");
    let html = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        html.contains("DOCUMENT 2 WAS EDITED SINCE."),
        "the edited record is in the page"
    );
    assert!(!html.contains(SECRET_KEY));
}

/// A proxy in front of the S3 server that answers every `every`-th request
/// with a 500 of its own (the server never sees that one) and passes the
/// others through, one request per connection.
struct FaultyProxy {
    endpoint: String,
    failed: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultyProxy {
    async fn start(upstream: &str, every: usize) -> Self {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let endpoint = format!(
            "http://{}",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let (seen, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let counted = failed.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let n = seen.fetch_add(1, Ordering::SeqCst);
                let fail = n % every == every - 1;
                if fail {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
                tokio::spawn(relay(client, upstream.clone(), fail));
            }
        });
        Self {
            endpoint,
            failed,
            task,
        }
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One request: read it whole, then answer 500 or pass it on with
/// `Connection: close` and copy the answer back.
async fn relay(mut client: tokio::net::TcpStream, upstream: String, fail: bool) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 << 10];
    let head_end = loop {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let chunked = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    loop {
        let body = &buf[head_end..];
        let whole = if chunked {
            body.windows(5).any(|w| w == b"0\r\n\r\n")
        } else {
            body.len() >= length
        };
        if whole {
            break;
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    if fail {
        let body =
            "<?xml version=\"1.0\"?><Error><Code>InternalError</Code><Message>injected</Message></Error>";
        let answer = format!(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        client.write_all(answer.as_bytes()).await?;
        return client.shutdown().await;
    }
    let mut forwarded: String = head
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    forwarded.push_str("Connection: close\r\n\r\n");
    let mut server = tokio::net::TcpStream::connect(&upstream).await?;
    server.write_all(forwarded.as_bytes()).await?;
    server.write_all(&buf[head_end..]).await?;
    tokio::io::copy(&mut server, &mut client).await?;
    client.shutdown().await
}

/// One store request in twenty fails with a 500, reading shards and
/// writing parts alike: the store client retries, the run finishes with
/// every record once, and no part is lost or doubled.
#[tokio::test(flavor = "multi_thread")]
async fn a_store_failing_one_request_in_twenty_loses_nothing() {
    let dir = tempdir("s3-faults");
    let Some(s3) = S3Server::start(&dir) else { return };
    let proxy = FaultyProxy::start(&s3.endpoint, 20).await;
    let fake = FakeLlm::start(|r: &chunksynth_fake_llm::FakeRequest| {
        chunksynth_fake_llm::Reply::Delayed(Duration::from_millis(50), Box::new(upper(r)))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (a, c) = (docs(40, 0), docs(40, 40));
    write_gz(&dir.join("a.jsonl.gz"), &a);
    let plain = dir.join("c.jsonl");
    std::fs::write(&plain, lines(&c)).unwrap_or_else(|e| panic!("{e}"));
    let made = dir.join("made.parquet");
    run_ok(rephrase(&fake.base_url(), &plain, &made, &[])).await;
    s3.put("in/train-00000.jsonl.gz", &dir.join("a.jsonl.gz"));
    s3.put("in/train-00001.parquet", &made);
    let work = dir.join("work").display().to_string();
    let mut cmd = rephrase(
        &fake.base_url(),
        &url("in/"),
        &url("out/"),
        &[
            "--work-dir",
            &work,
            "--part-seconds",
            "1",
            "--output-format",
            "jsonl.zst",
            "--output-records-per-file",
            "3",
        ],
    );
    s3.env(&mut cmd, SECRET_KEY);
    cmd.env("AWS_ENDPOINT_URL", &proxy.endpoint);
    let err = run_ok(cmd).await;
    let failed = proxy.failed.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        failed >= 2,
        "only {failed} requests failed: the test tests nothing"
    );
    eprintln!("{failed} store requests failed with a 500 and were retried");
    let records = published(&s3);
    let all: Vec<Value> = a.iter().chain(&c).cloned().collect();
    assert_eq!(records.len(), all.len(), "{err}");
    assert_eq!(texts_by_id(&records), upper_texts(&all), "{err}");
}

/// Azure Blob Storage's emulator (Azurite, from npm; `cargo xtask
/// store-server` installs it under target/tools/), with a `corpus`
/// container.
struct Azurite {
    child: Child,
    port: u16,
}

impl Azurite {
    fn start(dir: &Path) -> Option<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tools/azurite");
        let binary = root.join("node_modules/.bin/azurite-blob");
        if !binary.exists() {
            assert!(
                std::env::var("CI").is_err(),
                "azurite is not installed: run `cargo xtask store-server` (CI installs it before the tests)"
            );
            eprintln!("skipped: azurite is not installed (run `cargo xtask store-server`)");
            return None;
        }
        let port = free_port();
        let data = dir.join("azurite");
        std::fs::create_dir_all(&data).unwrap_or_else(|e| panic!("{e}"));
        let mut cmd = Command::new(binary);
        cmd.args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .args([
                "--skipApiVersionCheck",
                "--loose",
                "--silent",
                "--disableTelemetry",
                "--location",
            ])
            .arg(&data);
        let child = serve(cmd, port, "azurite");
        let made = Command::new("node")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/azurite_container.js"))
            .args([&port.to_string(), "corpus"])
            .status()
            .unwrap_or_else(|e| panic!("node: {e}"));
        assert!(made.success(), "creating the container");
        Some(Self { child, port })
    }

    fn env(&self, cmd: &mut Command) {
        cmd.env("AZURE_STORAGE_USE_EMULATOR", "true").env(
            "AZURITE_BLOB_STORAGE_URL",
            format!("http://127.0.0.1:{}", self.port),
        );
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The same store code on Azure Blob (Azurite): parts published during a
/// run under a lease that refuses a second writer; `kill -9`; the rerun
/// with the same work dir takes its own lease back at once and finishes;
/// the parts then read back as input by a glob (Parquet by ranged reads)
/// and reported.
#[tokio::test(flavor = "multi_thread")]
async fn azure_blob_parts_lease_and_glob_input() {
    let dir = tempdir("azure");
    let Some(az) = Azurite::start(&dir) else { return };
    let (fake, killed) = holding_fake(8).await;
    let (_, input) = input_of(&dir, 20);
    let stage1 = Path::new("az://corpus/stage1/");
    let work = dir.join("w1");
    let flags = [
        "--part-seconds",
        "1",
        "--output-format",
        "parquet",
        "--output-records-per-file",
        "4",
        "--work-dir",
    ];
    let run_to = |out: &Path, work: &Path| {
        let mut args: Vec<String> = flags.iter().map(|s| (*s).to_owned()).collect();
        args.push(work.display().to_string());
        let mut cmd = rephrase(
            &fake.base_url(),
            &input,
            out,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        az.env(&mut cmd);
        cmd
    };
    let mut child = run_to(stage1, &work)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let state = work.join("publish-all.json");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read(&state)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["records"].as_u64())
        != Some(8)
    {
        assert!(Instant::now() < deadline, "8 records were not published");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let o = output_of(run_to(stage1, &dir.join("w2"))).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "a second writer: {err}");
    assert!(err.contains("being written by another run"), "{err}");
    child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait();
    killed.store(true, std::sync::atomic::Ordering::SeqCst);
    let calls = fake.request_count();
    let err = run_ok(run_to(stage1, &work)).await;
    assert!(
        fake.request_count() - calls == 20 - 8,
        "the journal and the published parts spare the done records: {err}"
    );

    let stage2 = Path::new("az://corpus/stage2/");
    let mut cmd = rephrase(
        &fake.base_url(),
        Path::new("az://corpus/stage1/part-*.parquet"),
        stage2,
        &["--work-dir", &dir.join("w3").display().to_string()],
    );
    az.env(&mut cmd);
    run_ok(cmd).await;
    let page = dir.join("report.html");
    let mut cmd = super::chunksynth(&fake.base_url());
    cmd.args(["report", "az://corpus/stage2/", "-o"]).arg(&page);
    az.env(&mut cmd);
    let o = output_of(cmd).await;
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("20 records"), "{err}");
}

/// A run whose lease is taken from it (here: deleted, as a takeover after
/// a long pause would replace it) stops at once, publishes nothing more,
/// and exits 3 saying why.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_loses_its_lease_stops_at_once_and_publishes_nothing_more() {
    let dir = tempdir("s3-lease-lost");
    let Some(s3) = S3Server::start(&dir) else { return };
    let (fake, _) = holding_fake(4).await;
    let (_, input) = input_of(&dir, 10);
    let work = dir.join("work").display().to_string();
    let mut cmd = rephrase(
        &fake.base_url(),
        &input,
        &url("out/"),
        &["--work-dir", &work, "--part-seconds", "1", "--lease-seconds", "3"],
    );
    s3.env(&mut cmd, SECRET_KEY);
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while manifest(&s3).and_then(|m| m["records"].as_u64()) != Some(4) {
        assert!(Instant::now() < deadline, "4 records were not published");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::fs::remove_file(s3.root.join("corpus/out/lease-all.json")).unwrap_or_else(|e| panic!("{e}"));
    let taken = Instant::now();
    let o = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("taken by another run"), "{err}");
    assert!(
        taken.elapsed() < Duration::from_secs(15),
        "stopped at the next renewal, not after the held calls"
    );
    assert_eq!(manifest(&s3).and_then(|m| m["records"].as_u64()), Some(4));
}

/// `http(s)://` names single files, read by ranged GETs from any server
/// that answers them (here s3s-fs serving anyone, as a static file server
/// would): a `.jsonl.zst` and a Parquet file; a missing file and a glob
/// (plain HTTP has no listing) stop at once with exit 2.
#[tokio::test(flavor = "multi_thread")]
async fn single_files_are_read_over_plain_http_by_range_requests() {
    let dir = tempdir("http-files");
    let Some(server) = S3Server::start_with(&dir, false) else {
        return;
    };
    let fake = FakeLlm::start(upper).await.unwrap_or_else(|e| panic!("{e}"));
    let (a, c) = (docs(5, 0), docs(5, 5));
    write_zst(&dir.join("a.jsonl.zst"), &a);
    let plain = dir.join("c.jsonl");
    std::fs::write(&plain, lines(&c)).unwrap_or_else(|e| panic!("{e}"));
    let made = dir.join("made.parquet");
    run_ok(rephrase(&fake.base_url(), &plain, &made, &[])).await;
    server.put("files/a.jsonl.zst", &dir.join("a.jsonl.zst"));
    server.put("files/c.parquet", &made);
    let http = |name: &str| PathBuf::from(format!("{}/corpus/files/{name}", server.endpoint));
    for (name, docs) in [("a.jsonl.zst", &a), ("c.parquet", &c)] {
        let out = dir.join(format!("{name}.out.jsonl"));
        run_ok(rephrase(&fake.base_url(), &http(name), &out, &[])).await;
        assert_eq!(texts_by_id(&read_any(&out)), upper_texts(docs), "{name}");
    }
    for (name, says) in [("missing.jsonl", "does not exist"), ("*.parquet", "no listing")] {
        let o = output_of(rephrase(&fake.base_url(), &http(name), &dir.join("x.jsonl"), &[])).await;
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(says), "{name}: {err}");
    }
}
