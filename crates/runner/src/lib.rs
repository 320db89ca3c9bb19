//! The corpus engine: documents in, records out, at corpus scale.
//!
//! - **Input** is streamed (JSONL, a folder of text files, stdin): memory is
//!   bounded by the work in flight, not the corpus. A bad record (invalid
//!   JSON or UTF-8, no text, empty text) becomes a reject with its line
//!   number; the run goes on.
//! - **Output** is JSONL, one record per document and variant, with
//!   provenance; failures go to a rejects file with the reason and whether a
//!   rerun retries them. Records are written as they finish (each with its
//!   `input_index`), each as one whole line, so memory does not grow with
//!   the corpus.
//! - **Resume by identity**: an item is its record id, its variant and the
//!   SHA-256 of its source; a run by the fingerprint of its configuration.
//!   Reordered, inserted or edited input lines are each done exactly once;
//!   an output made under another configuration is refused. A lock keeps a
//!   second run off the same output.
//! - **The journal** records every finished model call under a key derived
//!   from its inputs; a rerun after a crash or `kill -9` replays finished
//!   calls instead of repeating them, and a finished run reruns with zero
//!   requests.
//! - **Sharding** by a stable hash of the document id; **budgets** on cost or
//!   tokens; a **dry run** that estimates without calling; **events** for a
//!   progress display and a final [`RunSummary`].
//!
//! Running a small corpus against an endpoint (the project's fake server
//! here), then once more, which finds everything done and calls nothing:
//!
//! ```
//! use std::sync::Arc;
//! use chunksynth_backend_openai::{BackendConfig, OpenAiBackend};
//! use chunksynth_chunking::TokenizerSpec;
//! use chunksynth_fake_llm::{FakeLlm, Reply};
//! use chunksynth_llm::LanguageModel;
//! use chunksynth_runner::{InputSource, RunConfig, Runner, StopSignal};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! let dir = std::env::temp_dir().join(format!("chunksynth-runner-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(
//!     dir.join("in.jsonl"),
//!     "{\"id\": \"a\", \"text\": \"Rust uses ownership.\"}\n{\"id\": \"b\", \"text\": \"Each value has an owner.\"}\n",
//! )?;
//! let server = FakeLlm::start(|r| Reply::text(r.passage().trim())).await?;
//! let backend = Arc::new(OpenAiBackend::new(BackendConfig::new(server.base_url(), None, "fake-model"))?);
//! let tokenizer = "words".parse::<TokenizerSpec>()?.load()?;
//! let config = RunConfig::rephrase(
//!     InputSource::Path(dir.join("in.jsonl")),
//!     dir.join("out.jsonl"),
//!     "textbook",
//!     tokenizer,
//! );
//! let model = backend.clone() as Arc<dyn LanguageModel>;
//! let summary = Runner::new(model.clone(), Some(backend.ledger()), config.clone())?
//!     .run(None, StopSignal::never())
//!     .await?;
//! assert_eq!((summary.records_written, summary.calls_made), (2, 2));
//! let again = Runner::new(model, None, config)?.run(None, StopSignal::never()).await?;
//! assert_eq!((again.already_done, again.calls_made), (2, 0));
//! std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod data_file;
mod datasets;
mod dry_run;
mod identity;
mod input;
mod job;
mod journal;
mod lines;
mod outage;
mod output;
mod progress_file;
pub mod remote;
mod run;
mod shard;
mod state;
mod stop_gate;
mod text_files;

pub use datasets::{DataFormat, KeepFields, OutputParts, RESERVED_FIELDS, export, records_as_jsonl};
pub use dry_run::{DryRunEstimate, dry_run};
pub use identity::{content_id, source_hash};
pub use input::{
    Document, InputFormat, InputProgress, InputRecord, InputSource, ReadOptions, Records, RejectedInput,
};
pub use job::{GeneratedRecord, GenerationProvenance, Job, JudgeCounts, QcPolicy, Written, parse_spec};
pub use journal::{CALL_IDENTITY_VERSION, Journal, JournalError, JournalingModel, call_key};
pub use output::{OpenError, OutputRecord, Provenance, RecordWriter, RejectKind, RejectRecord};
pub use progress_file::{Progress, RunState, progress_path, read_progress};
pub use run::{
    Budget, DEFAULT_CONCURRENCY, DEFAULT_GRACE, FirstContact, FirstContactError, RunConfig, RunError,
    RunEvent, RunSummary, Runner, StopReason, StopSignal, clock, now_unix_ms,
};
pub use shard::{Shard, shard_file, shard_files_beside};
pub use state::{RunFingerprint, StateError};
pub use stop_gate::CallsInFlight;
