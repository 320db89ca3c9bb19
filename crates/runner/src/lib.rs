//! The corpus engine: documents in, records out, at corpus scale.
//!
//! - **Input** is streamed (JSONL, a folder of text files, stdin): memory is
//!   bounded by the work in flight, not the corpus. A bad record (invalid
//!   JSON or UTF-8, no text, empty text) becomes a reject with its line
//!   number; the run goes on.
//! - **Output** is JSONL, one record per document and variant, with
//!   provenance; failures go to a rejects file with the reason. Records are
//!   written in input order, each as one whole line, so the output of an
//!   interrupted run is always a prefix of the full output.
//! - **The journal** records every finished model call under a key derived
//!   from its inputs; a rerun after a crash or `kill -9` replays finished
//!   calls instead of repeating them, and a finished run reruns with zero
//!   requests.
//! - **Sharding** by a stable hash of the document id; **budgets** on cost or
//!   tokens; a **dry run** that estimates without calling; **events** for a
//!   progress display and a final [`RunSummary`].

mod input;
mod journal;
mod lines;
mod output;
mod run;

pub use input::{Document, InputFormat, InputRecord, InputSource, RejectedInput};
pub use journal::{Journal, JournalingModel, call_key};
pub use output::{OutputRecord, Provenance, RecordWriter, RejectRecord};
pub use run::{
    Budget, DryRunEstimate, Job, RunConfig, RunError, RunEvent, RunSummary, Runner, Shard, StopSignal,
    dry_run, source_hash,
};
