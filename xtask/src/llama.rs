//! `cargo xtask llama-smoke`: the backend against llama.cpp's own HTTP
//! server, which nobody here wrote. A tiny random-weight GGUF model (written
//! by `xtask/llama/make_tiny_model.py` with gguf-py) is served on 127.0.0.1
//! through the `xllamacpp` wheel (llama.cpp's native server, no compiling).
//! Its text is noise: this checks protocol behaviour, not content.

use std::path::PathBuf;

use crate::venv::workspace_root;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use chunksynth_backend_openai::{BackendConfig, OpenAiBackend};
use chunksynth_llm::{ChatRequest, ErrorKind, FinishReason, LanguageModel, Message, TaskKind};
use tokio::io::AsyncBufReadExt;

const PACKAGES: &[&str] = &["xllamacpp==2026.10.11549", "gguf==0.19.0"];
const N_CTX: usize = 256;

/// A Python with xllamacpp and gguf: `CHUNKSYNTH_LLAMA_PYTHON`, else a venv
/// under target/ made (once) from PyPI.
fn python() -> Result<PathBuf> {
    crate::venv::python(
        "llama-venv",
        "CHUNKSYNTH_LLAMA_PYTHON",
        PACKAGES,
        "import xllamacpp, gguf",
    )
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

pub(crate) fn smoke() -> Result<()> {
    let py = python()?;
    let dir = workspace_root().join("target/llama");
    std::fs::create_dir_all(&dir)?;
    let model = dir.join("tiny.gguf");
    let script_dir = workspace_root().join("xtask/llama");
    let status = std::process::Command::new(&py)
        .arg(script_dir.join("make_tiny_model.py"))
        .arg(&model)
        .status()?;
    ensure!(status.success(), "writing the tiny GGUF model failed");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let port = free_port()?;
        let mut server = tokio::process::Command::new(&py)
            .arg(script_dir.join("serve.py"))
            .arg(&model)
            .arg(port.to_string())
            .arg(N_CTX.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting llama.cpp's server")?;
        let stdout = server.stdout.take().context("no stdout")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with("ready") {
                    return true;
                }
            }
            false
        })
        .await;
        ensure!(
            matches!(ready, Ok(true)),
            "llama.cpp's server did not start within 60 s"
        );
        let result = checks(&format!("http://127.0.0.1:{port}/v1")).await;
        let _ = server.kill().await;
        result
    })
}

fn backend(base_url: &str, streaming: bool, model: &str) -> Result<OpenAiBackend> {
    let mut config = BackendConfig::new(base_url, None, model);
    config.streaming = streaming;
    config.timeouts.request = Duration::from_secs(30);
    config.retry.max_retries = 1;
    config.retry.base_delay = Duration::from_millis(50);
    Ok(OpenAiBackend::new(config)?)
}

fn request(text: &str) -> ChatRequest {
    let mut r = ChatRequest::new(
        TaskKind::Rewrite,
        vec![Message::system("Rewrite."), Message::user(text)],
    );
    r.sampling.max_tokens = Some(8);
    r.sampling.temperature = Some(0.0);
    r.sampling.seed = Some(1);
    r
}

async fn checks(base_url: &str) -> Result<()> {
    let mut passed = 0;
    let plain = backend(base_url, false, "tiny")?;
    plain
        .check_model()
        .await
        .context("check_model with the served alias")?;
    let missing = backend(base_url, false, "no-such-model")?.check_model().await;
    ensure!(
        matches!(&missing, Err(e) if e.kind == ErrorKind::InvalidModel),
        "an unknown model must fail fast: {missing:?}"
    );
    passed += 2;
    println!("ok  /v1/models: the alias is accepted, an unknown model fails fast");

    let answer = plain
        .chat(&request("hello there"))
        .await
        .context("non-streaming chat")?;
    ensure!(
        matches!(answer.finish_reason, FinishReason::Length | FinishReason::Stop),
        "finish reason {:?}",
        answer.finish_reason
    );
    ensure!(
        answer.usage.prompt_tokens > 0 && answer.usage.completion_tokens > 0,
        "usage {:?}",
        answer.usage
    );
    passed += 1;
    println!(
        "ok  non-streaming: finish {:?}, usage {:?}",
        answer.finish_reason, answer.usage
    );

    let streaming = backend(base_url, true, "tiny")?;
    let answer = streaming
        .chat(&request("hello again"))
        .await
        .context("streaming chat")?;
    ensure!(
        answer.usage.completion_tokens > 0,
        "streamed usage {:?}",
        answer.usage
    );
    passed += 1;
    println!(
        "ok  streaming: finish {:?}, usage {:?}",
        answer.finish_reason, answer.usage
    );

    let long = "The quick brown fox jumps over the lazy dog. ".repeat(N_CTX);
    let started = std::time::Instant::now();
    for b in [&plain, &streaming] {
        match b.chat(&request(&long)).await {
            Err(e) if e.kind == ErrorKind::ContextTooLong => {}
            other => bail!("a prompt over the context window must be ContextTooLong, got {other:?}"),
        }
    }
    ensure!(
        started.elapsed() < Duration::from_secs(20),
        "context overflow took {:?}",
        started.elapsed()
    );
    passed += 2;
    println!(
        "ok  over the context window: ContextTooLong (both modes), in {:?}",
        started.elapsed()
    );
    println!("llama-smoke: {passed} passed, 0 failed");
    Ok(())
}
