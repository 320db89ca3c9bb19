//! The durable journal: every finished model call, keyed by its inputs.
//!
//! An append-only JSONL file (`{"key": .., "response": ..}` per line), each
//! line written whole and synced before the call counts as finished. On open,
//! a torn last line (a crash mid-write) is cut off and an unreadable line
//! elsewhere is skipped (every later entry still replays). A write that fails
//! (disk full) truncates the file back to the last whole entry and marks the
//! journal failed: the run stops rather than pay for answers it cannot keep.
//! Entries written while another call's fsync runs share the next one (group
//! commit): each call still returns only once its own line is on disk.
//!
//! The key ([`call_key`]) is a SHA-256 of the model ID and an explicit,
//! versioned call identity (messages, task, sampling, schema, and the
//! document, chunk and attempt), so a rerun that makes the same request —
//! which a deterministic pipeline does once earlier answers are replayed —
//! gets the recorded answer without a call.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chunksynth_chunking::Tokenizer;
use chunksynth_llm::{BoxFuture, ChatRequest, ChatResponse, LanguageModel, LlmError, Usage};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    response: ChatResponse,
}

struct Files {
    append: File,
    read: File,
    len: u64,
}

struct Durable {
    /// The file's length when the last successful fsync began.
    len: u64,
    file: File,
}

/// Where each entry is, in 16 bytes an entry (the index holds one per call
/// of the output's whole history; a 64-character key string would cost
/// five times as much): the key's first 64 bits, to the offset (40 bits:
/// 1 TiB) and length (24 bits: 16 MiB) packed in one word. A prefix
/// collision costs at most a call: [`Journal::get`] checks the whole key.
#[derive(Debug, Default)]
struct Index(HashMap<u64, u64>);

const OFFSET_BITS: u32 = 40;

impl Index {
    fn slot(key: &str) -> Option<u64> {
        key.get(..16).and_then(|h| u64::from_str_radix(h, 16).ok())
    }

    /// An entry that does not fit (a key that is not ours, a line over 16
    /// MiB, a journal over 1 TiB) is not indexed: its call is made again.
    fn insert(&mut self, key: &str, offset: u64, len: u64) {
        if let Some(slot) = Self::slot(key)
            && offset < 1 << OFFSET_BITS
            && len < 1 << (64 - OFFSET_BITS)
        {
            self.0.insert(slot, offset | (len << OFFSET_BITS));
        }
    }

    fn get(&self, key: &str) -> Option<(u64, u64)> {
        let packed = *self.0.get(&Self::slot(key)?)?;
        Some((packed & ((1 << OFFSET_BITS) - 1), packed >> OFFSET_BITS))
    }
}

pub struct Journal {
    path: PathBuf,
    files: Mutex<Files>,
    /// How much of the file is known to be on disk, and the handle that
    /// syncs it. Held for the fsync, so that calls whose lines were written
    /// meanwhile find them synced by it and make no fsync of their own.
    durable: Mutex<Durable>,
    index: Mutex<Index>,
    sync: bool,
    /// Tokens the entries on file were billed (read at open): spend that
    /// budgets carry across resumes.
    spent: Usage,
    /// Unreadable lines skipped at open.
    skipped: usize,
    /// Why writing failed, once it has: nothing more is appended.
    failed: Mutex<Option<String>>,
}

/// Why a journal could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(
        "{path} is not a chunksynth journal (it is not empty and holds no journal entry); it was left untouched: give --journal a new path"
    )]
    NotOurs { path: String },
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .field("entries", &self.len())
            .finish()
    }
}

impl Journal {
    /// Opens (or creates) the journal at `path`, indexing what it holds and
    /// cutting off a torn last line. `sync`: fsync every entry (off only for
    /// benchmarks).
    pub fn open(path: &Path, sync: bool) -> Result<Self, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut append = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        let mut index = Index::default();
        let mut spent = Usage::default();
        let found = crate::lines::recover::<Entry>(&mut append, "journal", |offset, len, entry| {
            spent = spent.saturating_add(entry.response.usage);
            index.insert(&entry.key, offset, len);
        })
        .map_err(|e| match e {
            crate::lines::RecoverError::Io(e) => JournalError::Io(e),
            crate::lines::RecoverError::NotOurs { .. } => JournalError::NotOurs {
                path: path.display().to_string(),
            },
        })?;
        let read = File::open(path)?;
        let durable = Durable {
            len: found.len,
            file: append.try_clone()?,
        };
        Ok(Self {
            path: path.to_path_buf(),
            durable: Mutex::new(durable),
            files: Mutex::new(Files {
                append,
                read,
                len: found.len,
            }),
            index: Mutex::new(index),
            sync,
            spent,
            skipped: found.skipped,
            failed: Mutex::new(None),
        })
    }

    /// Tokens billed for the entries that were on file at open.
    pub fn spent_before(&self) -> Usage {
        self.spent
    }

    /// Unreadable lines skipped at open (their calls will be made again).
    pub fn skipped_lines(&self) -> usize {
        self.skipped
    }

    /// Why a write failed, if one has.
    pub fn failure(&self) -> Option<String> {
        locked(&self.failed).clone()
    }

    pub fn len(&self) -> usize {
        locked(&self.index).0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, key: &str) -> Option<ChatResponse> {
        let (offset, len) = locked(&self.index).get(key)?;
        let mut files = locked(&self.files);
        files.read.seek(SeekFrom::Start(offset)).ok()?;
        let mut buf = vec![0u8; len as usize];
        files.read.read_exact(&mut buf).ok()?;
        // The whole key is checked: the index holds only its first half.
        serde_json::from_slice::<Entry>(&buf)
            .ok()
            .filter(|e| e.key == key)
            .map(|e| e.response)
    }

    pub fn put(&self, key: &str, response: &ChatResponse) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(&Entry {
            key: key.to_owned(),
            response: response.clone(),
        })
        .map_err(std::io::Error::other)?;
        line.push(b'\n');
        let offset = self.append(&line)?;
        let end = offset + line.len() as u64;
        if self.sync {
            self.sync_through(end)?;
        }
        locked(&self.index).insert(key, offset, line.len() as u64);
        Ok(())
    }

    /// Writes `line` at the end of the file; returns where it begins.
    fn append(&self, line: &[u8]) -> std::io::Result<u64> {
        let mut files = locked(&self.files);
        if let Some(why) = self.failure() {
            return Err(std::io::Error::other(why));
        }
        if let Err(e) = files.append.write_all(line) {
            // Cut a partial line back off, so that the next run reads every
            // entry before it and the next append starts on a fresh line.
            let _ = files.append.set_len(files.len);
            return Err(self.fail(e));
        }
        let offset = files.len;
        files.len += line.len() as u64;
        Ok(offset)
    }

    /// Returns once the file is on disk through `end`: at once where an
    /// fsync that began after that byte was written has succeeded, else
    /// after one of its own, which covers every line written so far.
    fn sync_through(&self, end: u64) -> std::io::Result<()> {
        let mut durable = locked(&self.durable);
        if durable.len >= end {
            return Ok(());
        }
        if let Some(why) = self.failure() {
            return Err(std::io::Error::other(why));
        }
        let written = locked(&self.files).len;
        match durable.file.sync_data() {
            Ok(()) => {
                durable.len = written;
                Ok(())
            }
            Err(e) => {
                // What is past the last fsync may not be on disk: cut it,
                // so that no later read finds an entry whose call failed.
                let mut files = locked(&self.files);
                let _ = files.append.set_len(durable.len);
                files.len = durable.len;
                Err(self.fail(e))
            }
        }
    }

    /// Marks the journal failed (nothing more is appended) with why.
    fn fail(&self, e: std::io::Error) -> std::io::Error {
        let why = format!("cannot write the journal {}: {e}", self.path.display());
        *locked(&self.failed) = Some(why.clone());
        std::io::Error::new(e.kind(), why)
    }
}

/// The version of `CallIdentity`. Bump it only when what a call asks
/// changes meaning; every journal written before then stops matching (its
/// calls are paid again), so a bump is a release-note event.
///
/// Version 1 hashes exactly the request shape chunksynth 0.1.0 journaled
/// (no version tag in the hash), so journals from before the identity was
/// made explicit still replay.
pub const CALL_IDENTITY_VERSION: u32 = 1;

/// What identifies a call for the journal: everything that changes the
/// answer (model, messages, task, sampling, structured-output schema, and
/// the document, chunk and attempt it is for), spelled out field by field.
/// It is its own type on purpose: a field added to `ChatRequest` (a
/// scheduling hint, say) cannot silently change every key and make a
/// resumed run pay for its whole journal again. `call_key_is_pinned` pins
/// one key.
#[derive(Serialize)]
struct CallIdentity<'a> {
    messages: Vec<IdentityMessage<'a>>,
    task: chunksynth_llm::TaskKind,
    sampling: IdentitySampling<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_schema: Option<IdentitySchema<'a>>,
    metadata: IdentityMetadata<'a>,
}

#[derive(Serialize)]
struct IdentityMessage<'a> {
    role: chunksynth_llm::Role,
    content: &'a str,
}

#[derive(Serialize)]
struct IdentitySampling<'a> {
    temperature: Option<f32>,
    top_p: Option<f32>,
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    stop: &'a [String],
    seed: Option<u64>,
}

#[derive(Serialize)]
struct IdentitySchema<'a> {
    name: &'a str,
    schema: &'a serde_json::Value,
}

#[derive(Serialize)]
struct IdentityMetadata<'a> {
    document_id: Option<&'a str>,
    chunk_index: Option<usize>,
    attempt: u32,
}

impl<'a> CallIdentity<'a> {
    fn of(request: &'a ChatRequest) -> Self {
        let s = &request.sampling;
        let m = &request.metadata;
        Self {
            messages: request
                .messages
                .iter()
                .map(|m| IdentityMessage {
                    role: m.role,
                    content: &m.content,
                })
                .collect(),
            task: request.task,
            sampling: IdentitySampling {
                temperature: s.temperature,
                top_p: s.top_p,
                max_tokens: s.max_tokens,
                stop: &s.stop,
                seed: s.seed,
            },
            response_schema: request.response_schema.as_ref().map(|r| IdentitySchema {
                name: &r.name,
                schema: &r.schema,
            }),
            metadata: IdentityMetadata {
                document_id: m.document_id.as_deref(),
                chunk_index: m.chunk_index,
                attempt: m.attempt,
            },
        }
    }
}

/// The journal key of a call: SHA-256 over the model ID and the call's
/// `CallIdentity` (version [`CALL_IDENTITY_VERSION`]).
pub fn call_key(model: &str, request: &ChatRequest) -> String {
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(&CallIdentity::of(request)).unwrap_or_default());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A model that answers from the journal when it can and journals every new
/// answer before returning it.
#[derive(Debug)]
pub struct JournalingModel {
    inner: Arc<dyn LanguageModel>,
    journal: Arc<Journal>,
    replayed: AtomicU64,
    recorded: AtomicU64,
    /// Tokens billed for the calls this model made (not replays).
    spent: Mutex<Usage>,
    /// Counts a call's tokens when the server reports none, so that budgets
    /// still hold against a server that sends no usage.
    counter: Option<Arc<dyn Tokenizer>>,
}

impl JournalingModel {
    pub fn new(inner: Arc<dyn LanguageModel>, journal: Arc<Journal>) -> Self {
        Self {
            inner,
            journal,
            replayed: AtomicU64::new(0),
            recorded: AtomicU64::new(0),
            spent: Mutex::new(Usage::default()),
            counter: None,
        }
    }

    /// Counts tokens with `tokenizer` for answers that report no usage (the
    /// count is journaled with the answer, so it carries across resumes).
    pub fn count_missing_usage_with(&mut self, tokenizer: Arc<dyn Tokenizer>) {
        self.counter = Some(tokenizer);
    }

    /// Tokens billed for the calls made so far (replays cost nothing).
    pub fn spent(&self) -> Usage {
        *locked(&self.spent)
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Calls answered from the journal.
    pub fn replayed(&self) -> u64 {
        self.replayed.load(Ordering::Relaxed)
    }

    /// Calls made and journaled.
    pub fn recorded(&self) -> u64 {
        self.recorded.load(Ordering::Relaxed)
    }
}

impl LanguageModel for JournalingModel {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<ChatResponse, LlmError>> {
        Box::pin(async move {
            let key = call_key(self.inner.model_id(), request);
            if let Some(response) = self.journal.get(&key) {
                self.replayed.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(
                    task = request.task.as_str(),
                    document = request.metadata.document_id.as_deref(),
                    chunk = request.metadata.chunk_index,
                    "answer replayed from the journal"
                );
                return Ok(response);
            }
            let mut response = self.inner.chat(request).await?;
            if response.usage.total() == 0
                && let Some(tokenizer) = &self.counter
            {
                let prompt: usize = request.messages.iter().map(|m| tokenizer.count(&m.content)).sum();
                response.usage.prompt_tokens = prompt as u64;
                response.usage.completion_tokens = tokenizer.count(&response.text) as u64;
            }
            {
                let mut spent = locked(&self.spent);
                *spent = spent.saturating_add(response.usage);
            }
            // The write and its fsync block; keep them off the async workers.
            let journal = self.journal.clone();
            let (k, r) = (key.clone(), response.clone());
            let written = tokio::task::spawn_blocking(move || journal.put(&k, &r))
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
            // The run sees the journal's failure and stops (exit 3); this
            // call's answer is lost, but nothing more is paid for.
            written.map_err(|e| {
                LlmError::new(
                    chunksynth_llm::ErrorKind::Config,
                    format!("{e}; the run stops: free space and rerun to resume"),
                )
            })?;
            self.recorded.fetch_add(1, Ordering::Relaxed);
            Ok(response)
        })
    }

    fn model_id(&self) -> &str {
        self.inner.model_id()
    }
}

/// The data behind `mutex`, whether or not a thread panicked holding it: a
/// poisoned lock must not make a journal lookup miss (a paid call repeated)
/// or a write failure go unreported. Every use here leaves the data whole
/// between statements, so what a panicking thread left is consistent.
fn locked<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use chunksynth_llm::{Message, ResponseSchema, TaskKind};

    use super::*;

    fn request() -> ChatRequest {
        let mut r = ChatRequest::new(
            TaskKind::Rewrite,
            vec![Message::system("Rewrite."), Message::user("<<<\nSome text.\n>>>")],
        );
        r.sampling.temperature = Some(0.5);
        r.sampling.max_tokens = Some(300);
        r.metadata.document_id = Some("doc-1".into());
        r.metadata.chunk_index = Some(2);
        r.metadata.attempt = 1;
        r
    }

    #[test]
    fn the_index_packs_offset_and_length_and_skips_what_does_not_fit() {
        let mut index = Index::default();
        let key = call_key("m", &request());
        index.insert(&key, (1 << 39) + 5, 4096);
        assert_eq!(index.get(&key), Some(((1 << 39) + 5, 4096)));
        index.insert("not-hex", 1, 1);
        index.insert(&call_key("n", &request()), 1 << 40, 1);
        index.insert(&call_key("o", &request()), 1, 1 << 24);
        assert_eq!(index.0.len(), 1, "none of the three fits");
    }

    #[test]
    fn call_key_is_pinned() {
        // If this fails, every journal on disk stops matching: bump
        // CALL_IDENTITY_VERSION on purpose, or undo the change.
        assert_eq!(
            call_key("m", &request()),
            "02726fca7d14e34440194b312f6ffa6b7aea8681273ac02c987fd5823cd02d77"
        );
        assert_eq!(CALL_IDENTITY_VERSION, 1);
    }

    #[test]
    fn version_1_matches_what_0_1_0_journaled() {
        // 0.1.0 hashed the serialized request itself.
        for schema in [None, Some(serde_json::json!({"type": "object"}))] {
            let mut r = request();
            r.response_schema = schema.map(|schema| ResponseSchema {
                name: "plan".into(),
                schema,
            });
            r.sampling.stop = vec!["\n\n".into()];
            let mut h = Sha256::new();
            h.update(b"m\0");
            h.update(serde_json::to_vec(&r).unwrap_or_default());
            let old: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(call_key("m", &r), old);
        }
    }

    #[test]
    fn scheduling_hints_do_not_change_the_key_but_what_is_asked_does() {
        let base = call_key("m", &request());
        let mut r = request();
        r.metadata.priority = 7;
        assert_eq!(call_key("m", &r), base);
        for change in [
            |r: &mut ChatRequest| r.metadata.attempt = 2,
            |r: &mut ChatRequest| r.sampling.seed = Some(1),
            |r: &mut ChatRequest| r.messages[1].content.push('!'),
            |r: &mut ChatRequest| r.task = TaskKind::Repair,
        ] {
            let mut r = request();
            change(&mut r);
            assert_ne!(call_key("m", &r), base);
        }
        assert_ne!(call_key("other-model", &request()), base);
    }

    #[test]
    fn lines_written_during_another_fsync_are_all_kept_and_indexed() {
        // Sixteen threads put at once, so that most find their line synced
        // by another's fsync: every entry must still be read back, whole,
        // by this journal and by a reopened one.
        let dir = std::env::temp_dir().join(format!("chunksynth-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("journal.jsonl");
        let journal = Arc::new(Journal::open(&path, true).unwrap_or_else(|e| panic!("{e}")));
        // A key per chunk and attempt (the index tells keys apart by their
        // first 64 bits).
        let key = |i: usize, attempt: u32| {
            let mut r = request();
            r.metadata.chunk_index = Some(i);
            r.metadata.attempt = attempt;
            call_key("m", &r)
        };
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let journal = journal.clone();
                std::thread::spawn(move || {
                    for attempt in 0..8 {
                        let response = ChatResponse {
                            text: format!("answer {i} {attempt}"),
                            finish_reason: chunksynth_llm::FinishReason::Stop,
                            usage: Usage::default(),
                            latency: std::time::Duration::from_millis(1),
                            endpoint: "http://127.0.0.1:1/v1".into(),
                            model: "m".into(),
                        };
                        journal
                            .put(&key(i, attempt), &response)
                            .unwrap_or_else(|e| panic!("{e}"));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap_or_else(|_| panic!("a writer panicked"));
        }
        let reopened = Journal::open(&path, true).unwrap_or_else(|e| panic!("{e}"));
        for j in [&*journal, &reopened] {
            assert_eq!(j.len(), 16 * 8);
            for i in 0..16 {
                for attempt in 0..8 {
                    let got = j.get(&key(i, attempt)).map(|r| r.text);
                    assert_eq!(got.as_deref(), Some(format!("answer {i} {attempt}").as_str()));
                }
            }
        }
        assert_eq!(reopened.skipped_lines(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
