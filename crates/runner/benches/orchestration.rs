//! Orchestration against the limit, and the cost of resuming.
//!
//! `cargo bench -p chunksynth-runner --bench orchestration` (or `cargo xtask
//! bench orchestration`). 1,000 documents of mixed lengths (cut from
//! `benches/corpus.jsonl` when present, else generated) go through the
//! runner against the fake server with per-call latency L and capacity C
//! (calls served at once). Ideal wall time = max(longest chain of sequential
//! calls × L, total calls × L / C); the table reports measured / ideal. Then a
//! run is aborted at half its calls and resumed: requests of both runs over
//! a clean run's. The fake server runs in a child process, so the runner's
//! CPU time and peak RSS (from /proc/self) are the runner's alone.
//! Environment: `CHUNKSYNTH_BENCH_LATENCY_MS` (default 20),
//! `CHUNKSYNTH_BENCH_CAPACITY` (64), `CHUNKSYNTH_BENCH_DOCS` (1000),
//! `CHUNKSYNTH_BENCH_CONCURRENCY` (documents in flight, = capacity),
//! `CHUNKSYNTH_BENCH_IN_FLIGHT` (calls in flight, = capacity),
//! `CHUNKSYNTH_BENCH_LOOKAHEAD` (1024), `CHUNKSYNTH_BENCH_NO_SYNC` (set: no
//! journal fsync), `CHUNKSYNTH_BENCH_RESUME=0` (skip the resume runs),
//! `CHUNKSYNTH_BENCH_ANSWER` (`upper`, the default: the passage upper-cased;
//! `restyle`: the demo model's restyle, see [`answer`]).
//!
//! `CHUNKSYNTH_BENCH_BATCH=1`: the same documents in batch mode, through
//! the fake server's Batch API (answers at once): rounds against the
//! longest chain, requests per round, and cost against online at stated
//! prices.
//!
//! `CHUNKSYNTH_BENCH_SCALE=1`: the scale run instead — DOCS one-chunk
//! documents, written and read as a stream (nothing of the corpus is held by
//! the bench itself), reporting peak RSS (VmHWM, this process only) and how
//! much of the output was on disk at each quarter of the run.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chunksynth_backend_openai::{BackendConfig, OpenAiBackend};
use chunksynth_fake_llm::{FakeLlm, FakeOptions, FakeRequest, Reply};
use chunksynth_llm::LanguageModel;
use chunksynth_prompts::Language;
use chunksynth_rephrase::PipelineConfig;
use chunksynth_runner::{Budget, InputFormat, InputSource, Job, RunConfig, Runner, StopSignal};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

/// The binary's allocator (crates/cli): the runner's CPU and RSS measured
/// here are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Documents of mixed lengths: prefixes of the corpus's documents cut at a
/// paragraph, from a few hundred bytes to whole documents.
fn documents(n: usize) -> Vec<(String, String)> {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../../benches/corpus.jsonl");
    let path = std::env::var("CHUNKSYNTH_BENCH_CORPUS").unwrap_or_else(|_| default.to_owned());
    let mut corpus: Vec<String> = std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
        .collect();
    if corpus.is_empty() {
        corpus = (0..10)
            .map(|i| format!("Paragraph {i} of a generated document.\n\n").repeat(300))
            .collect();
    }
    (0..n)
        .map(|i| {
            let source = &corpus[i % corpus.len()];
            // Lengths spread over 1/16 .. 16/16 of the source, deterministically.
            let share = ((i * 7) % 16 + 1) as f64 / 16.0;
            let mut cut = ((source.len() as f64 * share) as usize).min(source.len());
            while !source.is_char_boundary(cut) {
                cut += 1;
            }
            let end = source[..cut].rfind("\n\n").filter(|&e| e > 200).unwrap_or(cut);
            (format!("doc-{i:04}"), source[..end].to_owned())
        })
        .collect()
}

fn upper(r: &FakeRequest) -> Reply {
    Reply::text(r.passage().to_uppercase())
}

/// The model's answer. `upper` (the default, kept so that figures compare
/// across dates) writes every word in another case than its source, so the
/// gate's name checks fail to find each name as written and take their
/// slowest paths on every call; `restyle` is the demo model's restyle
/// (sentences reordered and merged, numbers, names and code kept), the
/// work a faithful model gives the gate.
fn answer(r: &FakeRequest, restyle: bool) -> Reply {
    if restyle {
        Reply::text(chunksynth_fake_llm::demo_rewrite(&r.passage()))
    } else {
        upper(r)
    }
}

fn config(dir: &Path, input: PathBuf, url: &str, concurrency: usize) -> RunConfig {
    RunConfig {
        input: InputSource::Path(input),
        format: InputFormat::default(),
        read: Default::default(),
        output_parts: None,
        output: dir.join("out.jsonl"),
        rejects: dir.join("rejects.jsonl"),
        journal: dir.join("journal.jsonl"),
        job: Job::Rephrase {
            styles: vec!["textbook".into()],
            variants: 0,
            seed: 0,
        },
        concurrency,
        shard: None,
        budget: Budget::default(),
        prices: Default::default(),
        pipeline: PipelineConfig {
            max_attempts: 1,
            ..PipelineConfig::default()
        },
        tokenizer: tokenizer(),
        language: Language::En,
        sampling: Default::default(),
        endpoints: vec![url.to_owned()],
        sync_journal: std::env::var_os("CHUNKSYNTH_BENCH_NO_SYNC").is_none(),
        lookahead: env_num("CHUNKSYNTH_BENCH_LOOKAHEAD", 1024),
        restart: false,
        outage_timeout: None,
        grace: chunksynth_runner::DEFAULT_GRACE,
    }
}

/// o200k, loaded once: its load (a few hundred ms) is start-up, not
/// orchestration, and would otherwise count in every measured run.
fn tokenizer() -> Arc<dyn chunksynth_chunking::Tokenizer> {
    static TOKENIZER: std::sync::OnceLock<Arc<dyn chunksynth_chunking::Tokenizer>> =
        std::sync::OnceLock::new();
    TOKENIZER
        .get_or_init(|| {
            "o200k"
                .parse::<chunksynth_chunking::TokenizerSpec>()
                .and_then(|s| s.load())
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .clone()
}

/// Times every call by document, to break the longest chain's time down.
#[derive(Debug)]
struct Timed {
    inner: Arc<dyn LanguageModel>,
    epoch: Instant,
    /// (document, start, end, the backend's latency: the call without its
    /// wait for a slot).
    calls: std::sync::Mutex<Vec<(String, Duration, Duration, Duration)>>,
}

impl LanguageModel for Timed {
    fn chat<'a>(
        &'a self,
        request: &'a chunksynth_llm::ChatRequest,
    ) -> chunksynth_llm::BoxFuture<'a, Result<chunksynth_llm::ChatResponse, chunksynth_llm::LlmError>> {
        Box::pin(async move {
            let start = self.epoch.elapsed();
            let result = self.inner.chat(request).await;
            let end = self.epoch.elapsed();
            if let Ok(mut calls) = self.calls.lock() {
                let doc = request.metadata.document_id.clone().unwrap_or_default();
                let latency = result.as_ref().map_or(Duration::ZERO, |r| r.latency);
                calls.push((doc, start, end, latency));
            }
            result
        })
    }

    fn model_id(&self) -> &str {
        self.inner.model_id()
    }
}

impl Timed {
    /// The document whose calls ended last: its calls, its start, and its
    /// time split into waits for a slot, the calls themselves, and the gaps
    /// between calls (the pipeline's own work and scheduling).
    fn last_chain(&self) -> Option<(String, usize, Duration, Duration, Duration, Duration)> {
        let calls = self.calls.lock().ok()?;
        let (doc, ..) = calls.iter().max_by_key(|c| c.2)?;
        let mut mine: Vec<_> = calls.iter().filter(|c| &c.0 == doc).collect();
        mine.sort_by_key(|c| c.1);
        let in_calls: Duration = mine.iter().map(|c| c.3).sum();
        let waits: Duration = mine.iter().map(|c| (c.2 - c.1).saturating_sub(c.3)).sum();
        let gaps: Duration = mine.windows(2).map(|w| w[1].1.saturating_sub(w[0].2)).sum();
        Some((doc.clone(), mine.len(), mine.first()?.1, waits, in_calls, gaps))
    }
}

fn openai(url: &str, in_flight: usize) -> Arc<OpenAiBackend> {
    let mut c = BackendConfig::new(url, None, "fake-model");
    c.limits.max_in_flight = in_flight;
    c.timeouts.request = Duration::from_secs(120);
    Arc::new(OpenAiBackend::new(c).unwrap_or_else(|e| panic!("{e}")))
}

fn backend(url: &str, in_flight: usize) -> Arc<dyn LanguageModel> {
    openai(url, in_flight)
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chunksynth-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// Calls per document of an output (one per chunk with a body, one attempt).
fn chains(output: &Path) -> Vec<usize> {
    std::fs::read_to_string(output)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|r| {
            r["provenance"]["chunks"]
                .as_array()
                .map_or(0, |c| c.iter().filter(|ch| ch["outcome"] != "skipped").count())
        })
        .collect()
}

fn journal_lines(dir: &Path) -> usize {
    std::fs::read(dir.join("journal.jsonl"))
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// The fake server, in its own process (`--serve`), so that its CPU does not
/// compete with the runner's async workers. It prints its URL, then its
/// request count for every line it reads on stdin.
async fn serve(latency: Duration, capacity: usize) {
    let options = FakeOptions {
        record_requests: false,
        capacity: Some(capacity),
        ..FakeOptions::default()
    };
    let restyle = std::env::var("CHUNKSYNTH_BENCH_ANSWER").is_ok_and(|a| a == "restyle");
    let fake = FakeLlm::start_with(options, move |r| {
        Reply::Delayed(latency, Box::new(answer(r, restyle)))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    println!("{}", fake.base_url());
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(_)) = lines.next_line().await {
        println!("{}", fake.request_count());
    }
}

/// The server process and a way to read its request count.
struct Server {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    url: String,
}

impl Server {
    async fn start() -> Self {
        let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
        let mut child = tokio::process::Command::new(exe)
            .arg("--serve")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let url = lines
            .next_line()
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("server did not start"));
        Self {
            child,
            stdin,
            lines,
            url,
        }
    }

    async fn request_count(&mut self) -> usize {
        self.stdin
            .write_all(b"count\n")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        self.lines
            .next_line()
            .await
            .ok()
            .flatten()
            .and_then(|l| l.parse().ok())
            .unwrap_or(0)
    }
}

fn main() {
    let latency = Duration::from_millis(env_num("CHUNKSYNTH_BENCH_LATENCY_MS", 20) as u64);
    let capacity = env_num("CHUNKSYNTH_BENCH_CAPACITY", 64);
    let n = env_num("CHUNKSYNTH_BENCH_DOCS", 1000);
    // As many documents as calls in flight: each has a call in flight or is
    // between two, so the cap never queues the longest chain's calls
    // (measured: 1.07 × ideal against 1.09–1.10 with twice as many).
    let concurrency = env_num("CHUNKSYNTH_BENCH_CONCURRENCY", capacity);
    // Calls in flight: the server's capacity, so that calls queue in the
    // client, where the longest chains go first.
    let in_flight = env_num("CHUNKSYNTH_BENCH_IN_FLIGHT", capacity);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    if std::env::args().any(|a| a == "--serve") {
        runtime.block_on(serve(latency, capacity));
        return;
    }
    if std::env::var("CHUNKSYNTH_BENCH_BATCH").is_ok_and(|v| v == "1") {
        runtime.block_on(batch(n, capacity));
        return;
    }
    if std::env::var("CHUNKSYNTH_BENCH_SCALE").is_ok_and(|v| v == "1") {
        runtime.block_on(scale(n, latency, capacity, concurrency, in_flight));
        return;
    }
    runtime.block_on(async {
        let mut fake = Server::start().await;
        let url = fake.url.clone();
        let docs = documents(n);
        let dir = fresh("clean");
        let input = dir.join("in.jsonl");
        let body: String = docs.iter().map(|(id, t)| format!("{}\n", serde_json::json!({"id": id, "text": t}))).collect();
        std::fs::write(&input, body).unwrap_or_else(|e| panic!("{e}"));

        let _ = tokenizer();
        let rss_before = chunksynth_fake_llm::process::memory_mib("VmRSS");
        let cpu_before = chunksynth_fake_llm::process::cpu_seconds();
        let started = Instant::now();
        let timed = Arc::new(Timed {
            inner: backend(&url, in_flight),
            epoch: started,
            calls: std::sync::Mutex::new(Vec::new()),
        });
        let runner = Runner::new(timed.clone(), None, config(&dir, input.clone(), &url, concurrency)).unwrap_or_else(|e| panic!("{e}"));
        let summary = runner.run(None, StopSignal::never()).await.unwrap_or_else(|e| panic!("{e}"));
        let wall = started.elapsed();
        let cpu = chunksynth_fake_llm::process::cpu_seconds() - cpu_before;
        let rss_peak = chunksynth_fake_llm::process::memory_mib("VmHWM");
        let clean_calls = fake.request_count().await;
        let chains = chains(&dir.join("out.jsonl"));
        let longest = chains.iter().copied().max().unwrap_or(0);
        let total: usize = chains.iter().sum();
        let ideal = (latency.as_secs_f64() * longest as f64).max(latency.as_secs_f64() * total as f64 / capacity as f64);
        let answer = std::env::var("CHUNKSYNTH_BENCH_ANSWER").unwrap_or_else(|_| "upper".into());
        println!("documents {n}, records {}, calls {clean_calls} (chains: longest {longest}, total {total}), L {} ms, C {capacity}, concurrency {concurrency}, calls in flight {in_flight}, answers: {answer}\n", summary.records_written, latency.as_millis());
        println!("| measured s | ideal s | measured / ideal | runner CPU ms / call | RSS before MiB | peak RSS MiB |");
        println!("|---|---|---|---|---|---|");
        println!(
            "| {:.2} | {:.2} | {:.3} | {:.2} | {rss_before:.0} | {rss_peak:.0} |\n",
            wall.as_secs_f64(),
            ideal,
            wall.as_secs_f64() / ideal,
            cpu * 1e3 / clean_calls.max(1) as f64
        );
        if let Some((doc, calls, start, waits, in_calls, gaps)) = timed.last_chain() {
            println!(
                "The last document to finish, {doc}: {calls} calls, started at {:.2} s; {:.2} s waiting for a slot, {:.2} s in calls ({:.1} ms each, L {} ms), {:.2} s between them ({:.1} ms each).\n",
                start.as_secs_f64(),
                waits.as_secs_f64(),
                in_calls.as_secs_f64(),
                in_calls.as_secs_f64() * 1e3 / calls as f64,
                latency.as_millis(),
                gaps.as_secs_f64(),
                gaps.as_secs_f64() * 1e3 / calls.saturating_sub(1).max(1) as f64,
            );
        }

        if std::env::var("CHUNKSYNTH_BENCH_RESUME").is_ok_and(|v| v == "0") {
            let _ = std::fs::remove_dir_all(dir);
            let _ = fake.child.kill().await;
            return;
        }
        // Resume after an abort at half the calls.
        let before = fake.request_count().await;
        let dir2 = fresh("resume");
        let input2 = dir2.join("in.jsonl");
        std::fs::copy(&input, &input2).unwrap_or_else(|e| panic!("{e}"));
        let cfg = config(&dir2, input2.clone(), &url, concurrency);
        let model = backend(&url, in_flight);
        let task = tokio::spawn(async move {
            let runner = Runner::new(model, None, cfg).unwrap_or_else(|e| panic!("{e}"));
            runner.run(None, StopSignal::never()).await
        });
        while journal_lines(&dir2) < clean_calls / 2 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        task.abort();
        let _ = task.await;
        let runner = Runner::new(backend(&url, in_flight), None, config(&dir2, input2.clone(), &url, concurrency)).unwrap_or_else(|e| panic!("{e}"));
        runner.run(None, StopSignal::never()).await.unwrap_or_else(|e| panic!("{e}"));
        let resumed_calls = fake.request_count().await - before;
        let before = fake.request_count().await;
        let runner = Runner::new(backend(&url, in_flight), None, config(&dir2, input2, &url, concurrency)).unwrap_or_else(|e| panic!("{e}"));
        runner.run(None, StopSignal::never()).await.unwrap_or_else(|e| panic!("{e}"));
        let rerun_calls = fake.request_count().await - before;
        println!("| resume case | requests | vs a clean run |");
        println!("|---|---|---|");
        println!("| killed at 50%, then resumed | {resumed_calls} | {:.3} |", resumed_calls as f64 / clean_calls as f64);
        println!("| rerun after completion | {rerun_calls} | {:.3} |", rerun_calls as f64 / clean_calls as f64);
        let _ = std::fs::remove_dir_all(dir);
        let _ = std::fs::remove_dir_all(dir2);
        let _ = fake.child.kill().await;
    });
}

/// Writes `n` one-chunk documents to `path`, one at a time.
fn write_one_chunk_documents(path: &Path, n: usize) {
    use std::io::Write;
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    let mut out = std::io::BufWriter::new(file);
    for i in 0..n {
        let text = format!(
            "Record {i} describes batch {} of the survey. It was taken in region {} and weighs {}.{} kg. \
             The team noted {} samples, of which {} passed the first check and the rest were sent back.",
            i % 977,
            i % 31,
            i % 90 + 10,
            i % 10,
            i % 50 + 5,
            i % 5 + 1
        );
        writeln!(
            out,
            "{}",
            serde_json::json!({"id": format!("r{i:07}"), "text": text})
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    out.flush().unwrap_or_else(|e| panic!("{e}"));
}

/// The scale run: peak RSS and output growth over `n` one-chunk documents.
async fn scale(n: usize, latency: Duration, capacity: usize, concurrency: usize, in_flight: usize) {
    let mut fake = Server::start().await;
    let url = fake.url.clone();
    let dir = fresh(&format!("scale-{n}"));
    let input = dir.join("in.jsonl");
    write_one_chunk_documents(&input, n);
    let _ = tokenizer();
    let rss_before = chunksynth_fake_llm::process::memory_mib("VmRSS");
    let cpu_before = chunksynth_fake_llm::process::cpu_seconds();
    let started = Instant::now();
    // How much output is on disk over time (bytes), sampled every 100 ms.
    let samples = Arc::new(std::sync::Mutex::new(Vec::<(Duration, u64)>::new()));
    let sampled = samples.clone();
    let output = dir.join("out.jsonl");
    let sampler = tokio::spawn(async move {
        loop {
            let size = std::fs::metadata(&output).map_or(0, |m| m.len());
            if let Ok(mut s) = sampled.lock() {
                s.push((started.elapsed(), size));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let runner = Runner::new(
        backend(&url, in_flight),
        None,
        config(&dir, input, &url, concurrency),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let summary = runner
        .run(None, StopSignal::never())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let wall = started.elapsed();
    sampler.abort();
    let cpu = chunksynth_fake_llm::process::cpu_seconds() - cpu_before;
    let rss_peak = chunksynth_fake_llm::process::memory_mib("VmHWM");
    let calls = fake.request_count().await;
    let final_size = std::fs::metadata(dir.join("out.jsonl")).map_or(1, |m| m.len().max(1));
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    let share_at = |q: f64| {
        let t = wall.mul_f64(q);
        let size = samples
            .iter()
            .take_while(|(at, _)| *at <= t)
            .last()
            .map_or(0, |s| s.1);
        100.0 * size as f64 / final_size as f64
    };
    println!(
        "documents {n} (one chunk each), records {}, calls {calls}, L {} ms, C {capacity}, concurrency {concurrency}, calls in flight {in_flight}\n",
        summary.records_written,
        latency.as_millis()
    );
    println!(
        "| documents | wall s | runner CPU ms / call | RSS before MiB | peak RSS MiB | output on disk at 25% / 50% / 75% of the run |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| {n} | {:.1} | {:.2} | {rss_before:.0} | {rss_peak:.0} | {:.0}% / {:.0}% / {:.0}% |\n",
        wall.as_secs_f64(),
        cpu * 1e3 / calls.max(1) as f64,
        share_at(0.25),
        share_at(0.5),
        share_at(0.75)
    );
    let _ = std::fs::remove_dir_all(dir);
    let _ = fake.child.kill().await;
}

/// Prices stated for the cost comparison (USD per million tokens; OpenAI's
/// gpt-4o-mini online, its Batch API at half).
const PRICE_INPUT: f64 = 0.15;
const PRICE_OUTPUT: f64 = 0.60;

/// Batch mode over the documents: rounds, requests per round, cost.
async fn batch(n: usize, capacity: usize) {
    let mut fake = Server::start().await;
    let url = fake.url.clone();
    let docs = documents(n);
    let dir = fresh("batch");
    let input = dir.join("in.jsonl");
    let body: String = docs
        .iter()
        .map(|(id, t)| format!("{}\n", serde_json::json!({"id": id, "text": t})))
        .collect();
    std::fs::write(&input, body).unwrap_or_else(|e| panic!("{e}"));
    let _ = tokenizer();
    let backend = openai(&url, capacity);
    let model = chunksynth_backend_openai::BatchModel::new(
        backend.clone(),
        chunksynth_backend_openai::BatchConfig {
            transport: chunksynth_backend_openai::BatchTransport::Api {
                completion_window: "24h".into(),
                max_poll: Duration::from_secs(1),
            },
            max_requests: 50_000,
            max_bytes: 190 << 20,
            quiet: Duration::from_millis(300),
            dir: dir.join("batch"),
            max_line_attempts: 3,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let stats = model.stats();
    let started = Instant::now();
    let runner = Runner::new(
        Arc::new(model),
        Some(backend.ledger()),
        config(&dir, input, &url, n),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let summary = runner
        .run(None, StopSignal::never())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let wall = started.elapsed();
    let chains = chains(&dir.join("out.jsonl"));
    let longest = chains.iter().copied().max().unwrap_or(0);
    let sizes = stats.round_sizes.lock().map(|s| s.clone()).unwrap_or_default();
    // Online, every call is billed; in batch, each distinct request once
    // (the ledger's count).
    let usage = summary.usage;
    let billed = backend.ledger().snapshot().total.tokens;
    let online =
        (usage.prompt_tokens as f64 * PRICE_INPUT + usage.completion_tokens as f64 * PRICE_OUTPUT) / 1e6;
    let batch = (billed.prompt_tokens as f64 * PRICE_INPUT + billed.completion_tokens as f64 * PRICE_OUTPUT)
        / 1e6
        / 2.0;
    println!(
        "documents {n}, records {}, calls {}, longest chain {longest}; the fake's Batch API answers at once\n",
        summary.records_written,
        sizes.iter().sum::<u64>()
    );
    println!("| rounds | longest chain | idle rounds | largest round | wall s |");
    println!("|---|---|---|---|---|");
    println!(
        "| {} | {longest} | {} | {} | {:.1} |\n",
        sizes.len(),
        sizes.iter().filter(|s| **s == 0).count(),
        sizes.iter().max().unwrap_or(&0),
        wall.as_secs_f64()
    );
    let shown: Vec<String> = sizes.iter().map(u64::to_string).collect();
    println!("Requests per round, in order: {}.\n", shown.join(", "));
    println!("| | calls billed | tokens in | tokens out | cost at ${PRICE_INPUT}/${PRICE_OUTPUT} per M |");
    println!("|---|---|---|---|---|");
    println!(
        "| online | {} | {} | {} | ${online:.4} |",
        chains.iter().sum::<usize>(),
        usage.prompt_tokens,
        usage.completion_tokens
    );
    println!(
        "| batch (x0.5) | {} | {} | {} | ${batch:.4} |",
        sizes.iter().sum::<u64>(),
        billed.prompt_tokens,
        billed.completion_tokens
    );
    let _ = std::fs::remove_dir_all(dir);
    let _ = fake.child.kill().await;
}
