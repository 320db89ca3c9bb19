//! Environment variable names, spelled once for the whole project.

/// The API key sent as a bearer token. Required except for loopback endpoints.
pub const API_KEY: &str = "LLM_API_KEY";
/// The judge's API key (`--judge-base-url`): the run's key is never sent
/// to another host.
pub const JUDGE_API_KEY: &str = "JUDGE_API_KEY";
/// The model ID.
pub const MODEL: &str = "LLM_MODEL";
/// The base URL of the OpenAI-compatible API (`…/v1`).
pub const BASE_URL: &str = "LLM_BASE_URL";

/// Seconds between the plain progress lines printed when stderr is not a
/// terminal (default 10).
pub const PROGRESS_SECONDS: &str = "CHUNKSYNTH_PROGRESS_SECONDS";

/// The base URL used when `LLM_BASE_URL` is not set.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";
/// The model used when `LLM_MODEL` is not set.
pub const DEFAULT_MODEL: &str = "stepfun/step-3.5-flash:free";
