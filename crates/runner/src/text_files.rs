//! A folder of `.txt`/`.md` files (or one such file) as input: one
//! document a file, its id the path under the folder.

use std::path::Path;

use crate::input::{Document, InputRecord, RejectedInput, bytes_hash};

/// The text files under `dir` (or `dir` itself): regular files only (a FIFO
/// or a device would block or never end), each directory visited once by
/// its canonical path (a symlink cycle cannot repeat files).
pub(crate) fn files(
    dir: &Path,
) -> std::io::Result<impl Iterator<Item = std::io::Result<InputRecord>> + Send + use<>> {
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
                    kept: serde_json::Map::new(),
                }),
            },
        })
    }))
}
