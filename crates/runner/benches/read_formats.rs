//! Input read throughput by format, and memory reading a large Parquet file.
//!
//! `cargo bench -p chunksynth-runner --bench read_formats` (or `cargo xtask
//! bench formats`). The benchmark corpus (`benches/corpus.jsonl`) is
//! repeated under fresh ids to `CHUNKSYNTH_BENCH_READ_MB` MB of text
//! (default 200), written as JSONL, `.jsonl.gz`, `.jsonl.zst` and Parquet
//! (chunksynth's own writer: zstd, 4096-row groups), and each is read back
//! through the runner's input path (records parsed, ids and text taken) —
//! what a run does before any model call. When `CHUNKSYNTH_BENCH_PYTHON`
//! names a Python with pyarrow, pyarrow reads the same Parquet file's id
//! and text columns for comparison. Peak RSS is this process's.
//! `CHUNKSYNTH_BENCH_READ_FORMATS=parquet` writes and reads only Parquet
//! (the large-file run); `CHUNKSYNTH_BENCH_UNIQUE=1` opens every text with a
//! random line, so that repeats of the corpus neither dictionary-encode nor
//! compress away (the Parquet file is then about as large as its text).
//! When `CHUNKSYNTH_BENCH_S3S` names s3s-fs, the Parquet and `.jsonl.zst`
//! files are also read from an S3 server on loopback.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use chunksynth_runner::{DataFormat, InputFormat, InputRecord, InputSource, ReadOptions, export};

/// The binary's allocator (crates/cli): the peak RSS measured here is the
/// binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../benches/corpus.jsonl");
    let texts: Vec<String> = std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    if texts.is_empty() {
        vec!["A generated paragraph of benchmark text.\n\n".repeat(200)]
    } else {
        texts
    }
}

/// Reads `path` as a run would; returns (records, text bytes, seconds,
/// peak RSS while reading in MiB).
fn read(path: &Path) -> (usize, usize, f64, f64) {
    read_source(InputSource::Path(path.to_path_buf()))
}

fn read_source(source: InputSource) -> (usize, usize, f64, f64) {
    // Resets this process's peak RSS (Linux), so the peak below is the
    // read's, not the writing's before it.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let records = source
        .records(&InputFormat::default(), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut n, mut bytes) = (0, 0);
    for r in records {
        if let Ok(InputRecord::Document(d)) = r {
            n += 1;
            bytes += d.text.len();
        }
    }
    (
        n,
        bytes,
        started.elapsed().as_secs_f64(),
        chunksynth_fake_llm::process::memory_mib("VmHWM"),
    )
}

/// The same files served by an S3 server on loopback (s3s-fs, named by
/// `CHUNKSYNTH_BENCH_S3S`; `cargo xtask bench formats` installs it), each
/// read by a child process of this benchmark pointed at the server: ranged
/// GETs instead of a local file.
fn read_from_store(dir: &Path, files: &[(&str, std::path::PathBuf)]) {
    let Ok(server) = std::env::var("CHUNKSYNTH_BENCH_S3S") else {
        return;
    };
    let bucket = dir.join("store/bench");
    std::fs::create_dir_all(&bucket).unwrap_or_else(|e| panic!("{e}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut child = std::process::Command::new(server)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(dir.join("store"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("s3s-fs: {e}"));
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let child_env = |cmd: &mut std::process::Command| {
        cmd.env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
            .env("AWS_SKIP_SIGNATURE", "true")
            .env("AWS_REGION", "us-east-1");
    };
    for (name, path) in files.iter().filter(|(n, _)| ["parquet", "jsonl.zst"].contains(n)) {
        let key = format!("in.{name}");
        // Uploaded through the server, as a store holds its objects (with
        // their ETag: a file only placed in its folder has its MD5 taken
        // on every read).
        let mut upload = std::process::Command::new(std::env::current_exe().unwrap_or_default());
        upload
            .env("CHUNKSYNTH_BENCH_UPLOAD", path)
            .env("CHUNKSYNTH_BENCH_READ_ONE", format!("s3://bench/{key}"));
        child_env(&mut upload);
        let done = upload.status().unwrap_or_else(|e| panic!("{e}"));
        assert!(done.success(), "uploading {key}");
        let size = std::fs::metadata(path).map_or(0, |m| m.len()) as f64 / 1e6;
        let mut read = std::process::Command::new(std::env::current_exe().unwrap_or_default());
        read.env("CHUNKSYNTH_BENCH_READ_ONE", format!("s3://bench/{key}"));
        child_env(&mut read);
        let out = read.output().unwrap_or_else(|e| panic!("{e}"));
        let line = String::from_utf8_lossy(&out.stdout);
        let v: Vec<f64> = line.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        if let [n, bytes, secs, peak] = v[..] {
            println!(
                "| {name} from S3 (s3s-fs on loopback) | {size:.0} | {:.0} | {:.0} | {peak:.0} |",
                bytes / 1e6 / secs,
                n / secs
            );
        } else {
            println!(
                "(reading {key} from the store failed: {})",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    if let Ok(url) = std::env::var("CHUNKSYNTH_BENCH_READ_ONE") {
        if let Ok(file) = std::env::var("CHUNKSYNTH_BENCH_UPLOAD") {
            chunksynth_runner::remote::upload(Path::new(&file), &url).unwrap_or_else(|e| panic!("{e}"));
            return;
        }
        let (n, bytes, secs, peak) = read_source(InputSource::Object(url));
        println!("{n} {bytes} {secs} {peak}");
        return;
    }
    let mb: usize = std::env::var("CHUNKSYNTH_BENCH_READ_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("chunksynth-bench-formats-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let jsonl = dir.join("in.jsonl");
    let unique = std::env::var("CHUNKSYNTH_BENCH_UNIQUE").is_ok_and(|v| v == "1");
    let only = std::env::var("CHUNKSYNTH_BENCH_READ_FORMATS").ok();
    {
        let corpus = corpus();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut out =
            std::io::BufWriter::new(std::fs::File::create(&jsonl).unwrap_or_else(|e| panic!("{e}")));
        let (mut written, mut i) = (0usize, 0usize);
        while written < mb << 20 {
            let mut text = corpus[i % corpus.len()].clone();
            if unique {
                // Random words three times as long as the text: neither
                // dictionary encoding nor zstd can fold the corpus's repeats
                // away, so the Parquet file is most of its text's size.
                const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
                let mut noise = String::with_capacity(3 * text.len());
                while noise.len() < 3 * text.len() {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    for k in 0..8 {
                        noise.push(LETTERS[((seed >> (8 * k)) % 62) as usize] as char);
                    }
                    noise.push(' ');
                }
                text = format!("{noise}\n\n{text}");
            }
            writeln!(out, "{}", serde_json::json!({"id": format!("r{i:08}"), "text": text, "url": format!("https://example.org/{i}")}))
                .unwrap_or_else(|e| panic!("{e}"));
            written += text.len();
            i += 1;
        }
        out.flush().unwrap_or_else(|e| panic!("{e}"));
    }
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o.split(',').any(|w| w == name));
    let mut files = vec![("jsonl", jsonl.clone())];
    for (name, format) in [
        ("jsonl.gz", DataFormat::JsonlGz),
        ("jsonl.zst", DataFormat::JsonlZst),
        ("parquet", DataFormat::Parquet),
    ]
    .into_iter()
    .filter(|(name, _)| wanted(name))
    {
        let path = dir.join(format!("in.{name}"));
        export(&jsonl, &path, format).unwrap_or_else(|e| panic!("{e}"));
        files.push((name, path));
    }
    let records = read(&jsonl).0;
    if !wanted("jsonl") {
        files.remove(0);
    }
    println!("{mb} MB of text ({records} records), read through the runner's input path\n");
    println!("| format | file MB | MB/s of text | records/s | peak RSS reading, MiB |");
    println!("|---|---|---|---|---|");
    for (name, path) in &files {
        let size = std::fs::metadata(path).map_or(0, |m| m.len()) as f64 / 1e6;
        let (n, bytes, secs, peak) = read(path);
        println!(
            "| {name} | {size:.0} | {:.0} | {:.0} | {peak:.0} |",
            bytes as f64 / 1e6 / secs,
            n as f64 / secs
        );
    }
    read_from_store(&dir, &files);
    if let Ok(python) = std::env::var("CHUNKSYNTH_BENCH_PYTHON") {
        let script = "import sys, time, pyarrow.parquet as pq, pyarrow.compute as pc\n\
                      t = time.perf_counter()\n\
                      table = pq.read_table(sys.argv[1], columns=['id', 'text'])\n\
                      dt = time.perf_counter() - t\n\
                      n = pc.sum(pc.binary_length(table.column('text'))).as_py()\n\
                      print(f'| parquet, pyarrow read_table (columnar, no per-record work) | | {n / 1e6 / dt:.0f} | {table.num_rows / dt:.0f} | |')\n\
                      t = time.perf_counter()\n\
                      table = pq.read_table(sys.argv[1], columns=['id', 'text'])\n\
                      n = sum(len(s.as_py().encode()) for s in table.column('text'))\n\
                      dt = time.perf_counter() - t\n\
                      print(f'| parquet, pyarrow read_table + each text to Python | | {n / 1e6 / dt:.0f} | {table.num_rows / dt:.0f} | |')";
        let parquet = dir.join("in.parquet");
        match std::process::Command::new(python)
            .args(["-c", script])
            .arg(&parquet)
            .output()
        {
            Ok(o) if o.status.success() => print!("{}", String::from_utf8_lossy(&o.stdout)),
            Ok(o) => println!("(pyarrow failed: {})", String::from_utf8_lossy(&o.stderr).trim()),
            Err(e) => println!("(pyarrow not run: {e})"),
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
