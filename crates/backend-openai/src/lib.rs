//! An OpenAI-compatible chat backend (OpenAI, OpenRouter, vLLM, SGLang,
//! llama.cpp) that survives real providers at corpus scale.
//!
//! - **One retry policy.** async-openai runs over a plain transport (its own
//!   retry layer is not installed), so retries never multiply.
//! - **Error policy.** 408/409/429/5xx, resets and timeouts are retried with
//!   exponential backoff and full jitter, honouring `Retry-After`; 400/401/
//!   403/404 fail fast with the server's message; context-length errors have
//!   their own class; a stream without `[DONE]` or a 200 without bytes is an
//!   error, never an empty answer.
//! - **Deadlines.** Connect timeout, a total deadline per attempt, a stall
//!   timeout for streams: no request hangs forever.
//! - **Limits.** A global in-flight cap that halves on 429 and recovers
//!   additively; optional requests/min and tokens/min.
//! - **Endpoint pool.** Least-busy healthy endpoint; failing endpoints are
//!   ejected for a cooldown; when all are down, requests wait (bounded).
//! - **Lenient wire types.** Numeric error codes, missing ids, unknown finish
//!   reasons and extra fields never break a run.
//! - **The key stays secret.** [`ApiKey`] has no way to print itself.
//! - **Batch mode.** [`BatchModel`] sends calls in wavefront rounds through
//!   a batch runner (OpenAI batch file format).
//!
//! Calling an endpoint (here the project's fake server on 127.0.0.1; for a
//! provider, `BackendConfig::from_env()` reads `LLM_BASE_URL`, `LLM_MODEL`
//! and `LLM_API_KEY`):
//!
//! ```
//! use chunksynth_backend_openai::{BackendConfig, OpenAiBackend};
//! use chunksynth_fake_llm::{FakeLlm, Reply};
//! use chunksynth_llm::{ChatRequest, LanguageModel, Message, TaskKind};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! let server = FakeLlm::start(|r| Reply::text(r.last_user_text().to_uppercase())).await?;
//! let backend = OpenAiBackend::new(BackendConfig::new(server.base_url(), None, "fake-model"))?;
//! let request = ChatRequest::new(TaskKind::Other, vec![Message::user("hello")]);
//! let answer = backend.chat(&request).await?;
//! assert_eq!(answer.text, "HELLO");
//! // Every call is accounted: requests, retries, tokens, latency.
//! assert_eq!(backend.ledger().snapshot().total.requests, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod backend;
mod batch;
mod classify;
mod config;
mod limits;
mod pool;
mod transport;
mod wire;

pub use backend::OpenAiBackend;
pub use batch::{BatchConfig, BatchModel, BatchStats, BatchTransport};
pub use config::{ApiKey, BackendConfig, EndpointConfig, Limits, RetryPolicy, Timeouts};
pub use transport::parse_retry_after;
