//! Client overhead: CPU µs per request and requests/s with 1,000 requests in
//! flight against the fake server answering at once.
//!
//! `cargo bench -p chunksynth-backend-openai --bench client_overhead` (or
//! `cargo xtask bench client`). The fake server runs in a child process, so
//! the CPU time measured (from /proc/self/stat) is the client's alone.
//! `CHUNKSYNTH_BENCH_REQUESTS` sets how many requests (default 20,000).

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chunksynth_backend_openai::{BackendConfig, OpenAiBackend};
use chunksynth_fake_llm::{FakeLlm, FakeOptions, Reply};
use chunksynth_llm::{ChatRequest, LanguageModel, Message, TaskKind};
use tokio::io::AsyncBufReadExt;

async fn serve() {
    let options = FakeOptions {
        record_requests: false,
        ..FakeOptions::default()
    };
    let fake = FakeLlm::start_with(options, |_| {
        Reply::text("The quick brown fox jumps over the lazy dog.")
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    println!("{}", fake.base_url());
    std::future::pending::<()>().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    if std::env::args().any(|a| a == "--serve") {
        runtime.block_on(serve());
        return;
    }
    runtime.block_on(client());
}

async fn client() {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut child = tokio::process::Command::from(Command::new(exe))
        .arg("--serve")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let base_url = lines
        .next_line()
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("server did not start"));

    let total: usize = std::env::var("CHUNKSYNTH_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let in_flight = 1_000;
    let mut config = BackendConfig::new(base_url, None, "fake-model");
    config.limits.max_in_flight = in_flight;
    config.timeouts.request = Duration::from_secs(60);
    let backend = Arc::new(OpenAiBackend::new(config).unwrap_or_else(|e| panic!("{e}")));
    let request = Arc::new(ChatRequest::new(
        TaskKind::Rewrite,
        vec![
            Message::system("Rewrite the text."),
            Message::user("A short paragraph of source text to rewrite."),
        ],
    ));
    // Warm up connections.
    run(&backend, &request, in_flight, in_flight).await;
    let cpu0 = chunksynth_fake_llm::process::cpu_seconds();
    let t0 = Instant::now();
    let failures = run(&backend, &request, total, in_flight).await;
    let wall = t0.elapsed().as_secs_f64();
    let cpu = chunksynth_fake_llm::process::cpu_seconds() - cpu0;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "| requests | in flight | failures | wall s | requests/s | client CPU µs/request | machine cores |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {total} | {in_flight} | {failures} | {wall:.2} | {:.0} | {:.1} | {cores} |",
        total as f64 / wall,
        cpu * 1e6 / total as f64
    );
    let _ = child.kill().await;
}

async fn run(
    backend: &Arc<OpenAiBackend>,
    request: &Arc<ChatRequest>,
    total: usize,
    in_flight: usize,
) -> usize {
    let semaphore = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = Vec::with_capacity(total);
    for _ in 0..total {
        let permit = semaphore
            .clone()
            .acquire_owned()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let backend = backend.clone();
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let ok = backend.chat(&request).await.is_ok();
            drop(permit);
            ok
        }));
    }
    let mut failures = 0;
    for t in tasks {
        if !matches!(t.await, Ok(true)) {
            failures += 1;
        }
    }
    failures
}
