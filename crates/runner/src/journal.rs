//! The durable journal: every finished model call, keyed by its inputs.
//!
//! An append-only JSONL file (`{"key": .., "response": ..}` per line), each
//! line written whole and synced before the call counts as finished. On open,
//! a torn last line (a crash mid-write) is cut off. The key is a SHA-256 of
//! the model ID and the whole request (messages, task, sampling, schema,
//! metadata), so a rerun that makes the same request — which a deterministic
//! pipeline does once earlier answers are replayed — gets the recorded answer
//! without a call.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chunksynth_llm::{BoxFuture, ChatRequest, ChatResponse, LanguageModel, LlmError};
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

#[derive(Debug)]
struct Index(HashMap<String, (u64, u64)>);

pub struct Journal {
    path: PathBuf,
    files: Mutex<Files>,
    index: Mutex<Index>,
    sync: bool,
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
    pub fn open(path: &Path, sync: bool) -> std::io::Result<Self> {
        let mut append = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        let mut index = HashMap::new();
        let good = crate::lines::recover::<Entry>(&mut append, |offset, len, entry| {
            index.insert(entry.key, (offset, len));
        })?;
        let read = File::open(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            files: Mutex::new(Files {
                append,
                read,
                len: good,
            }),
            index: Mutex::new(Index(index)),
            sync,
        })
    }

    pub fn len(&self) -> usize {
        self.index.lock().map_or(0, |i| i.0.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, key: &str) -> Option<ChatResponse> {
        let (offset, len) = *self.index.lock().ok()?.0.get(key)?;
        let mut files = self.files.lock().ok()?;
        files.read.seek(SeekFrom::Start(offset)).ok()?;
        let mut buf = vec![0u8; len as usize];
        files.read.read_exact(&mut buf).ok()?;
        serde_json::from_slice::<Entry>(&buf).ok().map(|e| e.response)
    }

    pub fn put(&self, key: &str, response: &ChatResponse) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(&Entry {
            key: key.to_owned(),
            response: response.clone(),
        })
        .map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut files = self
            .files
            .lock()
            .map_err(|_| std::io::Error::other("journal lock poisoned"))?;
        files.append.write_all(&line)?;
        if self.sync {
            files.append.sync_data()?;
        }
        let offset = files.len;
        files.len += line.len() as u64;
        drop(files);
        if let Ok(mut index) = self.index.lock() {
            index.0.insert(key.to_owned(), (offset, line.len() as u64));
        }
        Ok(())
    }
}

/// The journal key of a call: SHA-256 over the model ID and the request.
pub fn call_key(model: &str, request: &ChatRequest) -> String {
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(request).unwrap_or_default());
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
}

impl JournalingModel {
    pub fn new(inner: Arc<dyn LanguageModel>, journal: Arc<Journal>) -> Self {
        Self {
            inner,
            journal,
            replayed: AtomicU64::new(0),
            recorded: AtomicU64::new(0),
        }
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
                return Ok(response);
            }
            let response = self.inner.chat(request).await?;
            // The write and its fsync block; keep them off the async workers.
            let journal = self.journal.clone();
            let (k, r) = (key.clone(), response.clone());
            let written = tokio::task::spawn_blocking(move || journal.put(&k, &r))
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
            written.map_err(|e| {
                LlmError::new(
                    chunksynth_llm::ErrorKind::Config,
                    format!("cannot write the journal: {e}; check the disk and the journal path"),
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
