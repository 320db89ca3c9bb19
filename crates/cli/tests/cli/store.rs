//! Object stores, black-box: the built binary reads `s3://` inputs from a
//! real S3-compatible server on 127.0.0.1 (s3s-fs from crates.io, which
//! checks request signatures; `cargo xtask store-server` installs it under
//! target/tools/). Without it the tests say so and pass, except under
//! `CI=true`, where a missing server fails them.

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

/// An S3 server over a folder: each bucket a sub-folder, each object a file.
struct S3Server {
    child: Child,
    endpoint: String,
    root: PathBuf,
}

impl S3Server {
    fn start(dir: &Path) -> Option<Self> {
        let binary = s3s_fs()?;
        let root = dir.join("s3");
        std::fs::create_dir_all(root.join("corpus")).unwrap_or_else(|e| panic!("{e}"));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        let child = Command::new(binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("s3s-fs: {e}"));
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "s3s-fs did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
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
