//! Output to an object store: the run writes its usual files into a local
//! work dir (the JSONL working file, rejects, journal, state, progress), and
//! the records appended since the last publication are uploaded as a new
//! part, named by the work dir's generation and the working file's byte
//! offset where the part starts:
//!
//! ```text
//! s3://bucket/out/part-<shard>-<generation>-<offset>.<ext>   records
//! s3://bucket/out/manifest-<shard>.json                      the current parts
//! s3://bucket/out/rejects-<shard>.jsonl                      the rejects, whole
//! s3://bucket/out/progress-<shard>.json                      for `chunksynth status`
//! s3://bucket/out/state-<shard>.json                         the run's fingerprint
//! s3://bucket/out/lease-<shard>.json                         who writes (see `lease`)
//! ```
//!
//! `<shard>` is `all`, or `0003-of-0016` for `--shard 3/16`, so no run or
//! shard overwrites another's. A part's name is a function of what it holds:
//! a crash between its upload and the local note of it makes the rerun
//! upload the same bytes under the same name (an overwrite, not a
//! duplicate). A rerun without the work dir (a new pod) downloads the parts
//! the manifest names into a new working file and goes on under a new
//! generation: a lost work dir costs the records not yet published. When
//! the end of a run compacts the working file (an edited input superseded
//! records), everything is published again as a new generation, the
//! manifest switched to it, and the old parts deleted.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt;
use object_store::ObjectStore;
use object_store::path::Path as StorePath;
use serde::{Deserialize, Serialize};

use super::{Location, block_on, get_whole, now_ms, put_whole, store_error, unique_id};
use crate::datasets::DataFormat;
use crate::shard::Shard;

/// Parts up to this size go up in one request; larger ones as a multipart
/// upload, which the store shows only once it is complete.
const SINGLE_PUT: u64 = 32 << 20;
const UPLOAD_PART: usize = 16 << 20;

/// What the work dir remembers of the publication.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct PublishState {
    /// Names this work dir's parts; a new one after a restore or rewrite.
    generation: String,
    /// The working file published so far: its inode and length (a file
    /// rewritten by compaction has another inode).
    inode: u64,
    offset: u64,
    /// The current parts, by key under the prefix, in order.
    parts: Vec<String>,
    records: u64,
}

/// The manifest: the parts that hold the output now, for readers.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    shard: String,
    parts: Vec<String>,
    records: u64,
    updated_unix_ms: u64,
}

/// What one publication did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    pub parts: usize,
    pub records: u64,
    /// Everything was published again: the working file was rewritten.
    pub republished: bool,
}

/// An output prefix in an object store, with the local work dir that holds
/// the run's files.
#[derive(Debug)]
pub struct RemoteOutput {
    location: Location,
    store: Arc<dyn ObjectStore>,
    /// The prefix with its trailing `/` ("" for a bucket's root).
    prefix: String,
    shard_tag: String,
    format: DataFormat,
    records_per_part: usize,
    work_dir: PathBuf,
    records: PathBuf,
    rejects: PathBuf,
    progress: PathBuf,
    fingerprint: PathBuf,
    state: Mutex<PublishState>,
    /// The parts this work dir restored from the store (0 when it had them).
    restored: u64,
}

/// Where a run keeps its files for `url` when `--work-dir` is not given: a
/// folder named after the output and shard under the system's temporary
/// folder.
pub fn default_work_dir(url: &str, shard: Option<Shard>) -> PathBuf {
    let name: String = url
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    std::env::temp_dir().join(format!(
        "chunksynth-{}-{}",
        name.trim_matches('_'),
        shard_tag(shard)
    ))
}

/// How a shard is named in the keys of its objects: `all`, or `0003-of-0016`.
pub fn shard_tag(shard: Option<Shard>) -> String {
    shard.map_or_else(
        || "all".to_owned(),
        |s| format!("{:04}-of-{:04}", s.index, s.count),
    )
}

/// The local files a run writes, for [`RemoteOutput::open`].
#[derive(Debug, Clone)]
pub struct WorkFiles {
    pub records: PathBuf,
    pub rejects: PathBuf,
    pub progress: PathBuf,
    pub fingerprint: PathBuf,
}

impl WorkFiles {
    /// The files a run with `config` writes locally.
    pub fn of(config: &crate::RunConfig) -> Self {
        Self {
            records: config.records_path(),
            rejects: config.rejects.clone(),
            progress: crate::progress_path(&config.output),
            fingerprint: crate::state::state_path(&config.output),
        }
    }
}

impl RemoteOutput {
    /// Opens `url` (a prefix) for one shard's parts in `format`: reads the
    /// work dir's publication state, or, when the work dir has none (a new
    /// machine), downloads what the store holds of this shard into `files`.
    pub fn open(
        url: &str,
        shard: Option<Shard>,
        work_dir: &Path,
        format: DataFormat,
        records_per_part: usize,
        files: WorkFiles,
    ) -> std::io::Result<Self> {
        let location = Location::parse(url)?;
        if location.scheme == super::Scheme::Http {
            return Err(super::invalid(format!(
                "{url}: plain HTTP cannot be written to; give an s3://, gs:// or az:// prefix"
            )));
        }
        let store = location.store()?;
        let prefix = match location.key.trim_end_matches('/') {
            "" => String::new(),
            k => format!("{k}/"),
        };
        std::fs::create_dir_all(work_dir)?;
        let mut out = Self {
            store,
            prefix,
            shard_tag: shard_tag(shard),
            format,
            records_per_part: records_per_part.max(1),
            work_dir: work_dir.to_path_buf(),
            records: files.records,
            rejects: files.rejects,
            progress: files.progress,
            fingerprint: files.fingerprint,
            state: Mutex::new(PublishState::default()),
            restored: 0,
            location,
        };
        match std::fs::read(out.state_path()) {
            Ok(bytes) => {
                let state = serde_json::from_slice(&bytes).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "{}: {e}; delete the work dir to restore from the store",
                            out.state_path().display()
                        ),
                    )
                })?;
                *out.state
                    .get_mut()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = state;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.restore()?,
            Err(e) => return Err(e),
        }
        Ok(out)
    }

    /// The output as shown to people.
    pub fn shown(&self) -> String {
        self.location.shown(&self.prefix)
    }

    /// Records restored from the store when this work dir was new.
    pub fn restored_records(&self) -> u64 {
        self.restored
    }

    fn state_path(&self) -> PathBuf {
        self.work_dir.join(format!("publish-{}.json", self.shard_tag))
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}-{}", self.prefix, self.shard_tag)
    }

    fn shown_key(&self, key: &str) -> String {
        self.location.shown(key)
    }

    /// Downloads this shard's parts (those the manifest names, else every
    /// part of the shard), rejects and fingerprint into a fresh work dir.
    fn restore(&mut self) -> std::io::Result<()> {
        let manifest_key = format!("{}.json", self.key("manifest"));
        let parts = match get_whole(&self.store, &manifest_key, &self.shown_key(&manifest_key))? {
            Some(bytes) => {
                serde_json::from_slice::<Manifest>(&bytes)
                    .map_err(|e| {
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("{}: {e}", self.shown_key(&manifest_key)),
                        )
                    })?
                    .parts
            }
            None => self.listed_parts()?,
        };
        for path in [&self.records, &self.rejects, &self.fingerprint] {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        let mut records = 0u64;
        let mut out = std::io::BufWriter::new(File::create(&self.records)?);
        for part in &parts {
            records += self.download_part(part, &mut out)?;
        }
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        let rejects_key = format!("{}.jsonl", self.key("rejects"));
        if let Some(bytes) = get_whole(&self.store, &rejects_key, &self.shown_key(&rejects_key))? {
            std::fs::write(&self.rejects, bytes)?;
        }
        let state_key = format!("{}.json", self.key("state"));
        if let Some(bytes) = get_whole(&self.store, &state_key, &self.shown_key(&state_key))? {
            std::fs::write(&self.fingerprint, bytes)?;
        }
        let meta = std::fs::metadata(&self.records)?;
        let state = PublishState {
            generation: unique_id(),
            inode: inode(&meta),
            offset: meta.len(),
            parts,
            records,
        };
        self.save(&state)?;
        *self
            .state
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = state;
        self.restored = records;
        Ok(())
    }

    /// Every part of this shard under the prefix, in key order.
    fn listed_parts(&self) -> std::io::Result<Vec<String>> {
        let (store, prefix) = (self.store.clone(), self.prefix.clone());
        let shown = self.shown();
        let listed = block_on(async move {
            let prefix = (!prefix.is_empty()).then(|| StorePath::from(prefix.as_str()));
            store.list(prefix.as_ref()).try_collect::<Vec<_>>().await
        })
        .map_err(|e| store_error(&shown, e))?;
        let own = format!("{}-", self.key("part"));
        let mut parts: Vec<String> = listed
            .into_iter()
            .map(|m| m.location.to_string())
            .filter(|k| k.starts_with(&own))
            .collect();
        parts.sort();
        Ok(parts)
    }

    /// Appends the records of one part to `out`; returns how many.
    fn download_part(&self, key: &str, out: &mut impl Write) -> std::io::Result<u64> {
        append_part(&self.store, &self.shown_key(key), key, &self.work_dir, out)
    }

    fn save(&self, state: &PublishState) -> std::io::Result<()> {
        let path = self.state_path();
        let tmp = crate::output::with_suffix(&path, ".tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?,
        )?;
        File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, &path)
    }

    /// Uploads the records appended since the last publication (in parts of
    /// at most `records_per_part`), then the manifest, rejects, progress and
    /// fingerprint. Blocking: call it off the async workers.
    pub fn publish(&self) -> std::io::Result<Published> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let mut done = Published::default();
        let mut superseded = Vec::new();
        if let Ok(meta) = std::fs::metadata(&self.records) {
            if inode(&meta) != state.inode || meta.len() < state.offset {
                // Compacted (or replaced): publish it all again.
                superseded = std::mem::take(&mut state.parts);
                state = PublishState {
                    generation: unique_id(),
                    inode: inode(&meta),
                    ..PublishState::default()
                };
                done.republished = true;
            }
            let mut file = File::open(&self.records)?;
            file.seek(std::io::SeekFrom::Start(state.offset))?;
            let mut reader = BufReader::new(file.take(meta.len() - state.offset));
            loop {
                let (bytes, lines) = self.next_part(&mut reader)?;
                if lines == 0 {
                    break;
                }
                let name = format!(
                    "{}-{}-{:013}.{}",
                    self.key("part"),
                    state.generation,
                    state.offset,
                    crate::datasets::extension(self.format)
                );
                self.upload_part(&name)?;
                state.parts.push(name);
                state.offset += bytes;
                state.records += lines;
                done.parts += 1;
                done.records += lines;
                self.write_manifest(&state)?;
                self.save(&state)?;
            }
        }
        if done.republished && done.parts == 0 {
            self.write_manifest(&state)?;
            self.save(&state)?;
        }
        for (local, key) in [
            (&self.rejects, format!("{}.jsonl", self.key("rejects"))),
            (&self.progress, format!("{}.json", self.key("progress"))),
            (&self.fingerprint, format!("{}.json", self.key("state"))),
        ] {
            if let Ok(bytes) = std::fs::read(local) {
                put_whole(&self.store, &key, bytes, &self.shown_key(&key))?;
            }
        }
        for old in superseded.iter().filter(|p| !state.parts.contains(p)) {
            let (store, key) = (self.store.clone(), StorePath::from(old.as_str()));
            let _ = block_on(async move {
                use object_store::ObjectStoreExt;
                store.delete(&key).await
            });
        }
        *self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = state;
        Ok(done)
    }

    /// Uploads the progress file alone (cheap; between parts, so that
    /// `chunksynth status` on the store stays current).
    pub fn publish_progress(&self) -> std::io::Result<()> {
        let key = format!("{}.json", self.key("progress"));
        match std::fs::read(&self.progress) {
            Ok(bytes) => put_whole(&self.store, &key, bytes, &self.shown_key(&key)),
            Err(_) => Ok(()),
        }
    }

    /// Copies up to `records_per_part` whole lines from `reader` into the
    /// outgoing file; returns the bytes and lines taken (a torn last line
    /// stays for the next publication).
    fn next_part(&self, reader: &mut impl BufRead) -> std::io::Result<(u64, u64)> {
        let mut out = std::io::BufWriter::new(File::create(self.outgoing())?);
        let (mut bytes, mut lines) = (0u64, 0u64);
        let mut line = Vec::new();
        while (lines as usize) < self.records_per_part {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break;
            }
            bytes += n as u64;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            out.write_all(&line)?;
            lines += 1;
        }
        out.flush()?;
        if lines == 0 && bytes > 0 {
            // Only blank lines: taken, nothing to upload.
            return Ok((0, 0));
        }
        Ok((bytes, lines))
    }

    fn outgoing(&self) -> PathBuf {
        self.work_dir.join(format!("outgoing-{}.jsonl", self.shard_tag))
    }

    /// Uploads the outgoing lines as the part `key`, in the output format.
    fn upload_part(&self, key: &str) -> std::io::Result<()> {
        let lines = self.outgoing();
        let file = if self.format == DataFormat::Jsonl {
            lines
        } else {
            let converted = self.work_dir.join(format!(
                "outgoing-{}.{}",
                self.shard_tag,
                crate::datasets::extension(self.format)
            ));
            crate::datasets::export(&lines, &converted, self.format)?;
            converted
        };
        upload_file(&self.store, key, &file, &self.shown_key(key))
    }

    fn write_manifest(&self, state: &PublishState) -> std::io::Result<()> {
        let manifest = Manifest {
            format: self.format.name().to_owned(),
            shard: self.shard_tag.clone(),
            parts: state.parts.clone(),
            records: state.records,
            updated_unix_ms: now_ms(),
        };
        let key = format!("{}.json", self.key("manifest"));
        let body = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
        put_whole(&self.store, &key, body, &self.shown_key(&key))
    }
}

/// An output prefix's objects of one kind, and where they were listed.
struct ShardObjects {
    location: Location,
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// Each object's key and shard tag, in key order.
    objects: Vec<(String, String)>,
}

/// An output prefix's objects named `<kind>-<shard>.<ext>` (its
/// manifests, its progress files).
fn shard_objects(url: &str, kind: &str, ext: &str) -> std::io::Result<ShardObjects> {
    let location = Location::parse(url)?;
    let store = location.store()?;
    let prefix = match location.key.trim_end_matches('/') {
        "" => String::new(),
        k => format!("{k}/"),
    };
    let shown = location.shown(&prefix);
    let (s, p) = (store.clone(), prefix.clone());
    let listed = block_on(async move {
        let p = (!p.is_empty()).then(|| StorePath::from(p.as_str()));
        s.list_with_delimiter(p.as_ref()).await
    })
    .map_err(|e| store_error(&shown, e))?;
    let (start, end) = (format!("{kind}-"), format!(".{ext}"));
    let mut found: Vec<(String, String)> = listed
        .objects
        .iter()
        .filter_map(|meta| {
            let tag = meta
                .location
                .filename()?
                .strip_prefix(&start)?
                .strip_suffix(&end)?;
            Some((meta.location.to_string(), tag.to_owned()))
        })
        .collect();
    found.sort();
    Ok(ShardObjects {
        location,
        store,
        prefix,
        objects: found,
    })
}

/// The progress objects under an output prefix, by shard tag (`all`,
/// `0003-of-0016`), for `chunksynth status`; an object that does not parse
/// is `None`.
pub fn progress_in_store(url: &str) -> std::io::Result<Vec<(String, Option<crate::Progress>)>> {
    let ShardObjects {
        location,
        store,
        objects,
        ..
    } = shard_objects(url, "progress", "json")?;
    let mut found = Vec::new();
    for (key, tag) in objects {
        let bytes = get_whole(&store, &key, &location.shown(&key))?;
        found.push((tag, bytes.and_then(|b| serde_json::from_slice(&b).ok())));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// Appends the records of the part `key` to `out` (any format, read
/// through `scratch_dir`); returns how many.
fn append_part(
    store: &Arc<dyn ObjectStore>,
    shown: &str,
    key: &str,
    scratch_dir: &Path,
    out: &mut impl Write,
) -> std::io::Result<u64> {
    let bytes = get_whole(store, key, shown)?.ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{shown}: the manifest names this part but the store has none; restore it or delete the manifest"),
        )
    })?;
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = name.split_once('.').map_or("jsonl", |(_, e)| e);
    let local = scratch_dir.join(format!("incoming.{ext}"));
    std::fs::write(&local, bytes)?;
    let scratch = scratch_dir.join("incoming.scratch.jsonl");
    let reader = crate::datasets::records_as_jsonl(&local, &scratch)?;
    let mut n = 0;
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        n += 1;
    }
    let _ = std::fs::remove_file(&local);
    let _ = std::fs::remove_file(&scratch);
    Ok(n)
}

/// Downloads every shard's output under a store prefix (the parts its
/// manifest names, and its rejects) into `dir`, as `records-<shard>.jsonl`
/// with `records-<shard>.jsonl.rejects.jsonl` beside it, for tools that
/// read an output whole (`chunksynth report`). Returns the records files.
pub fn download_output(url: &str, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let ShardObjects {
        location,
        store,
        prefix,
        objects: manifests,
    } = shard_objects(url, "manifest", "json")?;
    let shown = location.shown(&prefix);
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for (key, tag) in manifests {
        let Some(bytes) = get_whole(&store, &key, &location.shown(&key))? else {
            continue;
        };
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", location.shown(&key)),
            )
        })?;
        let records = dir.join(format!("records-{tag}.jsonl"));
        let mut out = std::io::BufWriter::new(File::create(&records)?);
        for part in &manifest.parts {
            append_part(&store, &location.shown(part), part, dir, &mut out)?;
        }
        out.flush()?;
        let rejects_key = format!("{prefix}rejects-{tag}.jsonl");
        if let Some(bytes) = get_whole(&store, &rejects_key, &location.shown(&rejects_key))? {
            std::fs::write(crate::output::with_suffix(&records, ".rejects.jsonl"), bytes)?;
        }
        files.push(records);
    }
    if files.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{shown}: no manifest-<shard>.json here: is it the --output of a run?"),
        ));
    }
    files.sort();
    Ok(files)
}

fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

/// Uploads a local file as `key`: one request when small, else a multipart
/// upload (the object appears only when the upload completes).
pub(super) fn upload_file(
    store: &Arc<dyn ObjectStore>,
    key: &str,
    file: &Path,
    shown: &str,
) -> std::io::Result<()> {
    let size = std::fs::metadata(file)?.len();
    if size <= SINGLE_PUT {
        return put_whole(store, key, std::fs::read(file)?, shown);
    }
    let (s, k) = (store.clone(), StorePath::from(key));
    let mut upload = block_on(async move {
        use object_store::ObjectStoreExt;
        s.put_multipart(&k).await
    })
    .map_err(|e| store_error(shown, e))?;
    let mut reader = File::open(file)?;
    let sent = (|| -> std::io::Result<()> {
        loop {
            let mut chunk = Vec::with_capacity(UPLOAD_PART);
            (&mut reader).take(UPLOAD_PART as u64).read_to_end(&mut chunk)?;
            if chunk.is_empty() {
                return Ok(());
            }
            let part = upload.put_part(chunk.into());
            block_on(part).map_err(|e| store_error(shown, e))?;
        }
    })();
    match sent {
        Ok(()) => block_on(async move {
            let done = upload.complete().await;
            if done.is_err() {
                let _ = upload.abort().await;
            }
            done
        })
        .map(|_| ())
        .map_err(|e| store_error(shown, e)),
        Err(e) => {
            let _ = block_on(async move { upload.abort().await });
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_part_goes_up_as_a_multipart_upload_and_arrives_whole() {
        let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
        let dir = std::env::temp_dir().join(format!("chunksynth-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("big.jsonl");
        // Over the single-request limit and not a whole number of parts.
        let size = SINGLE_PUT as usize + UPLOAD_PART + 12_345;
        let body: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&file, &body).expect("write");
        upload_file(&store, "out/part-big.jsonl", &file, "memory://out/part-big.jsonl").expect("upload");
        let got = get_whole(&store, "out/part-big.jsonl", "memory")
            .expect("get")
            .expect("present");
        assert_eq!(got.len(), body.len());
        assert!(got == body, "the object is the file, byte for byte");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
