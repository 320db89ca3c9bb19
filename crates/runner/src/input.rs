//! Reading documents: JSONL (streamed, line by line), a folder of text files,
//! or stdin. Every problem with a record is a reject, never a panic; a
//! failure to read the stream itself (a directory given as a file, an I/O
//! error) ends the input with an error instead of looping on it.
//!
//! A record without an id gets one derived from its text
//! ([`content_id`](crate::identity::content_id)), never from its line
//! number, so inserting a line before it changes nothing on resume.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A document to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Position in the input (0-based), for ordered output.
    pub index: usize,
    pub id: String,
    pub text: String,
    /// 1-based line in a JSONL input (0 for files).
    pub line: usize,
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

fn bytes_hash(bytes: &[u8]) -> String {
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
    Stdin,
    /// JSONL given on the command line (`generate --topic`).
    Inline(String),
}

impl InputSource {
    /// An iterator over the records, streamed; an `Err` ends it.
    pub fn records(&self, format: &InputFormat) -> std::io::Result<Records> {
        match (self, format) {
            (InputSource::Path(p), InputFormat::Specs { .. }) if p.is_dir() => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is a folder; give a JSONL file of specs", p.display()),
            )),
            (InputSource::Path(p), _) if p.is_dir() => Ok(Box::new(files(p)?)),
            (InputSource::Path(p), InputFormat::Files) => Ok(Box::new(files(p)?)),
            (InputSource::Path(p), InputFormat::Jsonl { id_field, text_field }) => {
                let file = std::fs::File::open(p)?;
                Ok(Box::new(jsonl(
                    BufReader::new(file),
                    id_field.clone(),
                    text_field.clone(),
                )))
            }
            (InputSource::Path(p), InputFormat::Specs { id_field }) => {
                let file = std::fs::File::open(p)?;
                Ok(Box::new(specs(BufReader::new(file), id_field.clone())))
            }
            (InputSource::Stdin, InputFormat::Jsonl { id_field, text_field }) => Ok(Box::new(jsonl(
                BufReader::new(std::io::stdin()),
                id_field.clone(),
                text_field.clone(),
            ))),
            (InputSource::Stdin, InputFormat::Specs { id_field }) => Ok(Box::new(specs(
                BufReader::new(std::io::stdin()),
                id_field.clone(),
            ))),
            (InputSource::Inline(text), InputFormat::Specs { id_field }) => Ok(Box::new(specs(
                std::io::Cursor::new(text.clone().into_bytes()),
                id_field.clone(),
            ))),
            (InputSource::Inline(text), InputFormat::Jsonl { id_field, text_field }) => Ok(Box::new(jsonl(
                std::io::Cursor::new(text.clone().into_bytes()),
                id_field.clone(),
                text_field.clone(),
            ))),
            (InputSource::Inline(text), InputFormat::Files) => {
                Ok(Box::new(std::iter::once(Ok(InputRecord::Document(Document {
                    index: 0,
                    id: crate::identity::content_id(text),
                    text: text.clone(),
                    line: 0,
                })))))
            }
            (InputSource::Stdin, InputFormat::Files) => {
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
                    })
                };
                Ok(Box::new(std::iter::once(Ok(record))))
            }
        }
    }
}

/// Records, streamed; an `Err` is the last item.
pub type Records = Box<dyn Iterator<Item = std::io::Result<InputRecord>> + Send>;

/// Reads JSONL from any reader (streamed). Lines that are blank are skipped,
/// and so is a UTF-8 byte-order mark before the first line. A read error
/// ends the stream (a directory or a broken pipe does not heal by retrying).
pub fn jsonl<R: BufRead + Send + 'static>(
    reader: R,
    id_field: String,
    text_field: String,
) -> impl Iterator<Item = std::io::Result<InputRecord>> + Send + use<R> {
    lines(reader, move |bytes, line, index| {
        parse_line(bytes, line, index, &id_field, Some(&text_field))
    })
}

/// Reads JSONL specs (one work item per object) from any reader, streamed.
pub fn specs<R: BufRead + Send + 'static>(
    reader: R,
    id_field: String,
) -> impl Iterator<Item = std::io::Result<InputRecord>> + Send + use<R> {
    lines(reader, move |bytes, line, index| {
        parse_line(bytes, line, index, &id_field, None)
    })
}

/// The non-blank lines of `reader`, each parsed by `parse`.
fn lines<R: BufRead + Send + 'static>(
    mut reader: R,
    parse: impl Fn(&[u8], usize, usize) -> InputRecord + Send,
) -> impl Iterator<Item = std::io::Result<InputRecord>> + Send {
    let mut line_no = 0usize;
    let mut index = 0usize;
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
            let record = parse(bytes, line_no, index);
            index += 1;
            return Some(Ok(record));
        }
    })
}

/// One line: its id and text field, or (with no text field) the whole
/// object less its id, canonical.
fn parse_line(
    bytes: &[u8],
    line: usize,
    index: usize,
    id_field: &str,
    text_field: Option<&str>,
) -> InputRecord {
    let reject = |id: Option<String>, reason: String| {
        InputRecord::Rejected(RejectedInput {
            index,
            id,
            line,
            reason,
            source_sha256: bytes_hash(bytes.trim_ascii_end()),
        })
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return reject(None, format!("line {line} is not valid UTF-8"));
    };
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return reject(None, format!("line {line} is not valid JSON: {e}")),
    };
    let given_id = match value.get(id_field) {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let id = given_id.clone().unwrap_or_default();
    let Some(text_field) = text_field else {
        let mut value = value;
        let Some(object) = value.as_object_mut() else {
            return reject(None, format!("line {line} is not a JSON object"));
        };
        object.remove(id_field);
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
        });
    };
    match value.get(text_field) {
        Some(serde_json::Value::String(t)) if t.trim().is_empty() => {
            reject(given_id, format!("line {line}: empty document"))
        }
        Some(serde_json::Value::String(t)) => InputRecord::Document(Document {
            index,
            id: if id.is_empty() {
                crate::identity::content_id(t)
            } else {
                id
            },
            text: t.clone(),
            line,
        }),
        Some(_) => reject(
            given_id,
            format!("line {line}: field {text_field:?} is not a string"),
        ),
        None => reject(
            given_id,
            format!(
                "line {line}: no field {text_field:?} (set the text field name if it is called otherwise)"
            ),
        ),
    }
}

/// The text files under `dir` (or `dir` itself): regular files only (a FIFO
/// or a device would block or never end), each directory visited once by
/// its canonical path (a symlink cycle cannot repeat files).
fn files(dir: &Path) -> std::io::Result<impl Iterator<Item = std::io::Result<InputRecord>> + Send + use<>> {
    let mut paths = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let meta = std::fs::metadata(&d)?;
        if meta.is_file() {
            paths.push(d);
            continue;
        }
        if !meta.is_dir() || !visited.insert(std::fs::canonicalize(&d)?) {
            continue;
        }
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            // Follows symlinks; a dangling one is skipped.
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file()
                && path
                    .extension()
                    .is_some_and(|e| matches!(e.to_str(), Some("txt" | "md" | "markdown" | "text")))
            {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let base = if dir.is_dir() {
        dir.to_path_buf()
    } else {
        dir.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    Ok(paths.into_iter().enumerate().map(move |(index, path)| {
        let id = path.strip_prefix(&base).unwrap_or(&path).display().to_string();
        let hash = bytes_hash(path.display().to_string().as_bytes());
        Ok(match std::fs::read(&path) {
            Err(e) => InputRecord::Rejected(RejectedInput {
                index,
                id: Some(id),
                line: 0,
                reason: format!("cannot read {}: {e}", path.display()),
                source_sha256: hash,
            }),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => InputRecord::Rejected(RejectedInput {
                    index,
                    id: Some(id),
                    line: 0,
                    reason: format!("{} is not valid UTF-8", path.display()),
                    source_sha256: hash,
                }),
                Ok(text) if text.trim().is_empty() => InputRecord::Rejected(RejectedInput {
                    index,
                    id: Some(id),
                    line: 0,
                    reason: "empty document".into(),
                    source_sha256: hash,
                }),
                Ok(text) => InputRecord::Document(Document {
                    index,
                    id,
                    text,
                    line: 0,
                }),
            },
        })
    }))
}
