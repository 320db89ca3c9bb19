//! Reading documents: JSONL (streamed, line by line), a folder of text files,
//! or stdin. Every problem with a record is a reject, never a panic; a
//! failure to read the stream itself (a directory given as a file, an I/O
//! error) ends the input with an error instead of looping on it.
//!
//! A record without an id gets one derived from its text
//! ([`content_id`](crate::identity::content_id)), never from its line
//! number, so inserting a line before it changes nothing on resume.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::datasets::{DataFormat, KeepFields, RESERVED_FIELDS};
use std::path::PathBuf;

/// A document to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Position in the input (0-based), for ordered output.
    pub index: usize,
    pub id: String,
    pub text: String,
    /// 1-based line in a JSONL input (0 for files).
    pub line: usize,
    /// Input fields carried into the output records (`--keep-fields`).
    pub kept: serde_json::Map<String, serde_json::Value>,
}

/// A record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedInput {
    pub index: usize,
    pub id: Option<String>,
    pub line: usize,
    pub reason: String,
    /// SHA-256 of the raw line (or file): the reject's identity on resume.
    pub source_sha256: String,
}

impl RejectedInput {
    /// An id for a record that has none, from its raw content.
    pub fn content_id(&self) -> String {
        format!(
            "sha256:{}",
            &self.source_sha256[..16.min(self.source_sha256.len())]
        )
    }
}

pub(crate) fn bytes_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    crate::identity::hex(&sha2::Sha256::digest(bytes))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputRecord {
    Document(Document),
    Rejected(RejectedInput),
}

impl InputRecord {
    pub fn index(&self) -> usize {
        match self {
            Self::Document(d) => d.index,
            Self::Rejected(r) => r.index,
        }
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Document(d) => Some(&d.id),
            Self::Rejected(r) => r.id.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object per line, with these field names.
    Jsonl { id_field: String, text_field: String },
    /// Each file is one document; its path relative to the folder is its id.
    Files,
    /// One JSON object per line that is itself the work (a topic spec, a
    /// plan): the document's text is the object without its id field, in a
    /// canonical form (sorted keys, no spaces), so that reformatting a line
    /// does not change its identity.
    Specs { id_field: String },
}

impl Default for InputFormat {
    fn default() -> Self {
        Self::Jsonl {
            id_field: "id".into(),
            text_field: "text".into(),
        }
    }
}

/// Where documents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    Path(PathBuf),
    /// An object store location (`s3://bucket/prefix/`, a glob of objects,
    /// `https://host/file.jsonl`): see [`crate::remote`].
    Object(String),
    Stdin,
    /// JSONL given on the command line (`generate --topic`).
    Inline(String),
}

/// How records are read beyond their field names: a format that overrides
/// what file names say, and the fields kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub format: Option<DataFormat>,
    pub keep: KeepFields,
    /// Ids are unique only within a shard (each shard numbered from 0, say):
    /// each id is prefixed with its shard's file name, `name/id`, so that
    /// identity and duplicate detection work per shard.
    pub ids_per_shard: bool,
}

/// How far a run is through its input, for a progress display's share and
/// ETA: bytes of the input files read (compressed bytes for compressed
/// shards, Parquet by rows) against their total, and of the records read,
/// how many are settled (written, skipped or rejected). Standard input and
/// FIFOs have no total, so no share.
#[derive(Debug, Default)]
pub struct InputProgress {
    read: AtomicU64,
    total: AtomicU64,
    records_read: AtomicU64,
    records_settled: AtomicU64,
}

impl InputProgress {
    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// The input's size, when known.
    pub fn total(&self) -> Option<u64> {
        Some(self.total.load(Ordering::Relaxed)).filter(|&t| t > 0)
    }

    /// The share of the input done, in [0, 1], when its size is known: the
    /// share of bytes read, scaled by the share of the records read that
    /// are settled (the reader runs a bounded channel ahead of the work;
    /// on a small input it has read everything before anything is done).
    pub fn fraction(&self) -> Option<f64> {
        let total = self.total()?;
        let bytes = (self.read() as f64 / total as f64).min(1.0);
        let read = self.records_read.load(Ordering::Relaxed);
        let settled = self.records_settled.load(Ordering::Relaxed).min(read);
        Some(if read == 0 {
            0.0
        } else {
            bytes * settled as f64 / read as f64
        })
    }

    fn add(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }

    pub(crate) fn record_read(&self) {
        self.records_read.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn settled(&self, records: u64) {
        self.records_settled.store(records, Ordering::Relaxed);
    }
}

/// `inner`, counting what is read from it into `progress`.
pub(crate) fn counted<R: Read>(inner: R, progress: std::sync::Arc<InputProgress>) -> impl Read {
    Counted { inner, progress }
}

/// A reader that counts what passes through it into an [`InputProgress`].
struct Counted<R> {
    inner: R,
    progress: std::sync::Arc<InputProgress>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod progress_tests {
    use super::*;

    #[test]
    fn the_share_done_is_the_bytes_read_scaled_by_the_records_settled() {
        let p = InputProgress::default();
        assert_eq!(p.fraction(), None, "no size known: no share");
        p.total.store(1000, Ordering::Relaxed);
        p.add(1000);
        for _ in 0..8 {
            p.record_read();
        }
        assert_eq!(p.fraction(), Some(0.0), "all read, nothing settled");
        p.settled(2);
        assert_eq!(p.fraction(), Some(0.25));
        p.settled(8);
        assert_eq!(p.fraction(), Some(1.0));
    }
}

/// The field rules of one run: where the id and text are (dotted paths
/// reach into nested objects), and which fields are kept.
#[derive(Debug, Clone)]
struct Fields {
    id: String,
    /// `None`: the whole object (less the id) is the item (specs).
    text: Option<String>,
    keep: KeepFields,
}

impl Fields {
    /// The columns a Parquet shard must decode; `None` for all of them.
    fn columns(&self) -> Option<Vec<String>> {
        let top = |f: &str| f.split('.').next().unwrap_or(f).to_owned();
        match (&self.text, &self.keep) {
            (None, _) | (_, KeepFields::All) => None,
            (Some(text), KeepFields::None) => Some(vec![top(&self.id), top(text)]),
            (Some(text), KeepFields::These(keep)) => Some(
                [top(&self.id), top(text)]
                    .into_iter()
                    .chain(keep.iter().map(|k| top(k)))
                    .collect(),
            ),
        }
    }
}

impl InputSource {
    /// An iterator over the records, streamed; an `Err` ends it.
    pub fn records(&self, format: &InputFormat, options: &ReadOptions) -> std::io::Result<Records> {
        self.records_counted(format, options, &std::sync::Arc::default())
    }

    /// [`Self::records`], counting the bytes read into `progress`.
    pub fn records_counted(
        &self,
        format: &InputFormat,
        options: &ReadOptions,
        progress: &std::sync::Arc<InputProgress>,
    ) -> std::io::Result<Records> {
        let fields = match format {
            InputFormat::Jsonl { id_field, text_field } => Fields {
                id: id_field.clone(),
                text: Some(text_field.clone()),
                keep: options.keep.clone(),
            },
            InputFormat::Specs { id_field } => Fields {
                id: id_field.clone(),
                text: None,
                keep: options.keep.clone(),
            },
            InputFormat::Files => return self.text_files(),
        };
        match self {
            InputSource::Path(p) => {
                // A single .txt/.md file is one document, as each file of a
                // folder of them is.
                let text_file = options.format.is_none()
                    && fields.text.is_some()
                    && p.is_file()
                    && DataFormat::of_path(p) == Some(DataFormat::Text);
                if options.format == Some(DataFormat::Text) || text_file {
                    return Ok(Box::new(crate::text_files::files(p)?));
                }
                let shards = crate::datasets::shards(p, options.format)?;
                if p.is_dir() && shards.is_empty() {
                    if fields.text.is_none() {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidInput,
                            format!("{} holds no JSONL or Parquet file of specs", p.display()),
                        ));
                    }
                    // A folder of documents rather than of data shards.
                    return Ok(Box::new(crate::text_files::files(p)?));
                }
                let labelled = shards.len() > 1 || p.is_dir();
                let shards = shards
                    .into_iter()
                    .map(crate::data_file::DataFile::Local)
                    .collect();
                Ok(files_records(shards, labelled, fields, options, progress))
            }
            InputSource::Object(url) => {
                if options.format == Some(DataFormat::Text) {
                    return Err(text_from_store(url));
                }
                let shards = crate::remote::shards(url, options.format)?;
                let labelled = shards.len() > 1 || url.ends_with('/') || url.contains(['*', '?']);
                let shards = shards
                    .into_iter()
                    .map(crate::data_file::DataFile::Remote)
                    .collect();
                Ok(files_records(shards, labelled, fields, options, progress))
            }
            InputSource::Stdin => {
                let reader: Box<dyn BufRead + Send> = match options.format {
                    Some(DataFormat::JsonlGz) => Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(
                        std::io::stdin(),
                    ))),
                    Some(DataFormat::JsonlZst) => Box::new(BufReader::new(zstd::stream::read::Decoder::new(
                        std::io::stdin(),
                    )?)),
                    _ => Box::new(BufReader::new(std::io::stdin())),
                };
                Ok(Box::new(lines_of(
                    reader,
                    fields,
                    String::new(),
                    Counter::default(),
                )))
            }
            InputSource::Inline(text) => Ok(Box::new(lines_of(
                std::io::Cursor::new(text.clone().into_bytes()),
                fields,
                String::new(),
                Counter::default(),
            ))),
        }
    }

    /// `--input-format text`: each file one document.
    fn text_files(&self) -> std::io::Result<Records> {
        match self {
            InputSource::Path(p) => Ok(Box::new(crate::text_files::files(p)?)),
            InputSource::Object(url) => Err(text_from_store(url)),
            InputSource::Inline(text) => Ok(Box::new(std::iter::once(Ok(InputRecord::Document(Document {
                index: 0,
                id: crate::identity::content_id(text),
                text: text.clone(),
                line: 0,
                kept: serde_json::Map::new(),
            }))))),
            InputSource::Stdin => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                let record = if text.trim().is_empty() {
                    InputRecord::Rejected(RejectedInput {
                        index: 0,
                        id: Some("stdin".into()),
                        line: 0,
                        reason: "empty document".into(),
                        source_sha256: bytes_hash(text.as_bytes()),
                    })
                } else {
                    InputRecord::Document(Document {
                        index: 0,
                        id: "stdin".into(),
                        text,
                        line: 0,
                        kept: serde_json::Map::new(),
                    })
                };
                Ok(Box::new(std::iter::once(Ok(record))))
            }
        }
    }
}

/// The input index, shared by the shards of one input.
#[derive(Debug, Clone, Default)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Counter {
    fn next(&self) -> usize {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// A single input file that opens but does not read as `format`: a usage
/// error (exit 2) naming the file and the flag, not an I/O failure.
/// The records of an input's data files, its size known for progress.
fn files_records(
    files: Vec<crate::data_file::DataFile>,
    labelled: bool,
    fields: Fields,
    options: &ReadOptions,
    progress: &std::sync::Arc<InputProgress>,
) -> Records {
    progress.total.store(
        files.iter().map(crate::data_file::DataFile::size).sum(),
        Ordering::Relaxed,
    );
    Box::new(shard_records(
        files,
        options.format,
        fields,
        labelled,
        options.ids_per_shard,
        progress.clone(),
    ))
}

/// Text files (one document each) are read from local folders only.
fn text_from_store(url: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{url}: text files are read from a local folder only; in a store, give JSONL or Parquet shards"
        ),
    )
}

fn wrong_format(shown: &str, e: &dyn std::fmt::Display, format: DataFormat) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{shown}: {e} — it does not read as {}; name its format with --input-format ({})",
            format.name(),
            DataFormat::names()
        ),
    )
}

/// The records of several shards, in order. A shard that cannot be opened
/// or read to its end becomes a reject naming it (when there are several:
/// the rest of the input goes on); a single file's failure ends the input.
fn shard_records(
    shards: Vec<crate::data_file::DataFile>,
    forced: Option<DataFormat>,
    fields: Fields,
    labelled: bool,
    ids_per_shard: bool,
    progress: std::sync::Arc<InputProgress>,
) -> impl Iterator<Item = std::io::Result<InputRecord>> + Send {
    let counter = Counter::default();
    shards.into_iter().flat_map(move |file| {
        let format = forced.or_else(|| file.format()).unwrap_or(DataFormat::Jsonl);
        let shown = file.shown();
        let label = if labelled {
            format!("{shown}: ")
        } else {
            String::new()
        };
        let failed = |e: String| -> Box<dyn Iterator<Item = std::io::Result<InputRecord>> + Send> {
            if !labelled {
                // A file that opens but does not read as its format is the
                // wrong format (a usage error a rerun cannot fix); one that
                // does not open is an I/O failure.
                let error = if file.opens() {
                    wrong_format(&shown, &e, format)
                } else {
                    std::io::Error::other(format!("{shown}: {e}"))
                };
                return Box::new(std::iter::once(Err(error)));
            }
            Box::new(std::iter::once(Ok(InputRecord::Rejected(RejectedInput {
                index: counter.next(),
                id: None,
                line: 0,
                reason: format!("{label}cannot read this shard: {e}"),
                source_sha256: bytes_hash(shown.as_bytes()),
            }))))
        };
        let records: Box<dyn Iterator<Item = std::io::Result<InputRecord>> + Send> = match format {
            DataFormat::Parquet => match file.parquet_rows(fields.columns().as_deref()) {
                Err(e) => failed(e),
                Ok((rows, row_count)) => {
                    let (fields, counter, label, shown) =
                        (fields.clone(), counter.clone(), label.clone(), shown.clone());
                    // Progress by rows: each row its share of the file.
                    let size = file.size();
                    let (progress, mut counted) = (progress.clone(), 0u64);
                    let mut row_no = 0usize;
                    let mut broken = false;
                    Box::new(rows.map_while(move |row| {
                        if broken {
                            return None;
                        }
                        row_no += 1;
                        let due = size * row_no as u64 / row_count.max(1);
                        progress.add(due.saturating_sub(counted));
                        counted = counted.max(due);
                        Some(match row {
                            Ok(value) => {
                                let raw = value.to_string();
                                Ok(parse_value(
                                    value,
                                    bytes_hash(raw.as_bytes()),
                                    row_no,
                                    counter.next(),
                                    &fields,
                                    &label,
                                ))
                            }
                            Err(e) => {
                                broken = true;
                                Ok(InputRecord::Rejected(RejectedInput {
                                    index: counter.next(),
                                    id: None,
                                    line: row_no,
                                    reason: format!("{label}row {row_no} and after cannot be read: {e}"),
                                    source_sha256: bytes_hash(format!("{shown}#{row_no}").as_bytes()),
                                }))
                            }
                        })
                    }))
                }
            },
            _ => match file.jsonl(format, &progress) {
                Err(e) => failed(e.to_string()),
                Ok(reader) => {
                    let lines = lines_of(reader, fields.clone(), label.clone(), counter.clone());
                    if labelled {
                        // A read error (a truncated .zst) ends this shard
                        // with a reject naming it, not the whole input.
                        let (counter, label, shown) = (counter.clone(), label.clone(), shown.clone());
                        Box::new(lines.map(move |r| {
                            r.or_else(|e| {
                                Ok(InputRecord::Rejected(RejectedInput {
                                    index: counter.next(),
                                    id: None,
                                    line: 0,
                                    reason: format!("{label}the rest of this shard cannot be read: {e}"),
                                    source_sha256: bytes_hash(format!("{shown}#rest").as_bytes()),
                                }))
                            })
                        }))
                    } else {
                        let shown = shown.clone();
                        // A compressed file that fails before its first line
                        // is not that format (a usage error, exit 2); one
                        // that fails later is cut short.
                        let compressed = matches!(format, DataFormat::JsonlGz | DataFormat::JsonlZst);
                        let mut first = true;
                        Box::new(lines.map(move |r| {
                            let at_start = std::mem::replace(&mut first, false);
                            r.map_err(|e| {
                                if at_start && compressed {
                                    wrong_format(&shown, &e, format)
                                } else {
                                    std::io::Error::new(e.kind(), format!("{shown}: {e}"))
                                }
                            })
                        }))
                    }
                }
            },
        };
        if !ids_per_shard {
            return records;
        }
        let shard = file.file_name();
        Box::new(records.map(move |r| {
            r.map(|mut record| {
                match &mut record {
                    InputRecord::Document(d) => d.id = format!("{shard}/{}", d.id),
                    InputRecord::Rejected(r) => {
                        if let Some(id) = &mut r.id {
                            *id = format!("{shard}/{id}");
                        }
                    }
                }
                record
            })
        }))
    })
}

/// Records, streamed; an `Err` is the last item.
pub type Records = Box<dyn Iterator<Item = std::io::Result<InputRecord>> + Send>;

/// The records of JSONL lines (streamed; blank lines and a UTF-8 byte-order
/// mark before the first line skipped; a read error ends the stream: a
/// directory or a broken pipe does not heal by retrying), indexed by
/// `counter`; `label` (a shard's name) opens every reject's reason.
fn lines_of<R: BufRead + Send + 'static>(
    mut reader: R,
    fields: Fields,
    label: String,
    counter: Counter,
) -> impl Iterator<Item = std::io::Result<InputRecord>> + Send + use<R> {
    let mut line_no = 0usize;
    let mut buf = Vec::new();
    let mut failed = false;
    std::iter::from_fn(move || {
        loop {
            if failed {
                return None;
            }
            buf.clear();
            line_no += 1;
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    failed = true;
                    return Some(Err(std::io::Error::new(e.kind(), format!("line {line_no}: {e}"))));
                }
            }
            let bytes = match (line_no, buf.strip_prefix(b"\xef\xbb\xbf")) {
                (1, Some(rest)) => rest,
                _ => &buf[..],
            };
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok(parse_line(bytes, line_no, counter.next(), &fields, &label)));
        }
    })
}

/// One JSONL line: parsed, then read by [`parse_value`].
fn parse_line(bytes: &[u8], line: usize, index: usize, fields: &Fields, label: &str) -> InputRecord {
    let hash = bytes_hash(bytes.trim_ascii_end());
    let reject = |reason: String| {
        InputRecord::Rejected(RejectedInput {
            index,
            id: None,
            line,
            reason: format!("{label}{reason}"),
            source_sha256: hash.clone(),
        })
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return reject(format!("line {line} is not valid UTF-8"));
    };
    match serde_json::from_str(text) {
        Ok(value) => parse_value(value, hash, line, index, fields, label),
        Err(e) => reject(format!("line {line} is not valid JSON: {e}")),
    }
}

/// A field by name, or by a dotted path into nested objects (`meta.id`)
/// when no field has the whole name.
fn lookup<'a>(value: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    value
        .get(path)
        .or_else(|| path.split('.').try_fold(value, |v, k| v.get(k)))
}

/// [`lookup`], for moving a value out.
fn lookup_mut<'a>(value: &'a mut serde_json::Value, path: &str) -> Option<&'a mut serde_json::Value> {
    if value.get(path).is_some() {
        return value.get_mut(path);
    }
    path.split('.').try_fold(value, |v, k| v.get_mut(k))
}

/// One record (a JSONL line, or a Parquet row as an object): its id and
/// text, or (with no text field) the whole object less its id, canonical;
/// and the fields kept.
fn parse_value(
    value: serde_json::Value,
    hash: String,
    line: usize,
    index: usize,
    fields: &Fields,
    label: &str,
) -> InputRecord {
    let reject = |id: Option<String>, reason: String| {
        InputRecord::Rejected(RejectedInput {
            index,
            id,
            line,
            reason: format!("{label}{reason}"),
            source_sha256: hash.clone(),
        })
    };
    let given_id = match lookup(&value, &fields.id) {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let id = given_id.clone().unwrap_or_default();
    let kept = kept_fields(&value, fields);
    let Some(text_field) = &fields.text else {
        let mut value = value;
        let Some(object) = value.as_object_mut() else {
            return reject(None, format!("line {line} is not a JSON object"));
        };
        object.remove(&fields.id);
        // serde_json's map keeps keys sorted: this is the canonical form.
        let text = value.to_string();
        return InputRecord::Document(Document {
            index,
            id: if id.is_empty() {
                crate::identity::content_id(&text)
            } else {
                id
            },
            text,
            line,
            kept,
        });
    };
    let mut value = value;
    // The text is moved out, not copied: it is most of the record's bytes.
    match lookup_mut(&mut value, text_field).map(std::mem::take) {
        Some(serde_json::Value::String(t)) if t.trim().is_empty() => {
            reject(given_id, format!("line {line}: empty document"))
        }
        Some(serde_json::Value::String(t)) => InputRecord::Document(Document {
            index,
            id: if id.is_empty() {
                crate::identity::content_id(&t)
            } else {
                id
            },
            text: t,
            line,
            kept,
        }),
        Some(_) => reject(
            given_id,
            format!("line {line}: field {text_field:?} is not a string"),
        ),
        None => {
            // Name the fields the line has, and the flag that picks one.
            let has: Vec<&str> = value
                .as_object()
                .map(|o| o.keys().map(String::as_str).take(8).collect())
                .unwrap_or_default();
            reject(
                given_id,
                format!(
                    "line {line}: no field {text_field:?} (its fields: {}); pass --text-field NAME if the text is in another field",
                    if has.is_empty() {
                        "none".to_owned()
                    } else {
                        has.join(", ")
                    }
                ),
            )
        }
    }
}

/// The fields a record carries into its output records: those named (a
/// missing one is left out), or all but the id, the text and the output's
/// own names.
fn kept_fields(value: &serde_json::Value, fields: &Fields) -> serde_json::Map<String, serde_json::Value> {
    let mut kept = serde_json::Map::new();
    match &fields.keep {
        KeepFields::None => {}
        KeepFields::These(names) => {
            for name in names {
                if let Some(v) = lookup(value, name) {
                    kept.insert(name.clone(), v.clone());
                }
            }
        }
        KeepFields::All => {
            if let Some(object) = value.as_object() {
                for (k, v) in object {
                    let own = Some(k.as_str()) == fields.text.as_deref()
                        || *k == fields.id
                        || RESERVED_FIELDS.contains(&k.as_str());
                    if !own {
                        kept.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }
    kept
}
