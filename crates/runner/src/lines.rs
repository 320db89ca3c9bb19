//! Reading an append-only JSONL file written by a process that may have been
//! killed mid-write. Nothing readable is ever destroyed:
//! - a final line without its newline (a write cut by a crash) is cut off,
//!   so later appends start on a fresh line;
//! - a complete line that does not parse (a flipped bit, a hand edit) is
//!   skipped and counted, and every line after it is still read;
//! - a non-empty file with no line of ours is refused, not truncated: the
//!   path most likely names someone else's file.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};

/// What reading a file found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Recovered {
    /// Bytes up to the end of the last complete line.
    pub(crate) len: u64,
    /// Complete lines that did not parse (skipped).
    pub(crate) skipped: usize,
}

/// The file holds data that is not ours.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RecoverError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it is not empty and holds no chunksynth {what} line")]
    NotOurs { what: &'static str },
}

/// Calls `each(offset, len, value)` for every complete line that parses as
/// `T`, in order; `what` names the kind of file for the refusal message.
pub(crate) fn recover<T: serde::de::DeserializeOwned>(
    file: &mut File,
    what: &'static str,
    each: impl FnMut(u64, u64, T),
) -> Result<Recovered, RecoverError> {
    recover_with(file, what, |line| serde_json::from_slice(line).ok(), each)
}

/// [`recover`] with the line reader given: `parse` says what a line holds,
/// `None` for a line that is not one of ours.
pub(crate) fn recover_with<T>(
    file: &mut File,
    what: &'static str,
    mut parse: impl FnMut(&[u8]) -> Option<T>,
    mut each: impl FnMut(u64, u64, T),
) -> Result<Recovered, RecoverError> {
    let mut found = Recovered::default();
    let mut parsed = 0usize;
    let mut torn_looks_ours = false;
    {
        let mut reader = BufReader::new(&mut *file);
        reader.seek(SeekFrom::Start(0))?;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            if line.last() != Some(&b'\n') {
                // A torn final write: ours if it starts like one of our lines.
                torn_looks_ours = line.first() == Some(&b'{');
                break;
            }
            match parse(&line) {
                Some(value) => {
                    each(found.len, n as u64, value);
                    parsed += 1;
                }
                None => found.skipped += 1,
            }
            found.len += n as u64;
        }
    }
    let total = file.metadata()?.len();
    if total > 0 && parsed == 0 && !(found.len == 0 && torn_looks_ours) {
        return Err(RecoverError::NotOurs { what });
    }
    if total > found.len {
        file.set_len(found.len)?;
        file.sync_data()?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(name: &str, content: &[u8]) -> (std::path::PathBuf, File) {
        let path = std::env::temp_dir().join(format!("chunksynth-lines-{name}-{}", std::process::id()));
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("{e}"));
        f.write_all(content).unwrap_or_else(|e| panic!("{e}"));
        (path, f)
    }

    #[test]
    fn a_bad_middle_line_is_skipped_and_later_lines_are_kept() {
        let (path, mut f) = file_with("middle", b"{\"a\":1}\nnot json\n{\"a\":3}\n{\"a\":");
        let mut seen = Vec::new();
        let r = recover::<serde_json::Value>(&mut f, "test", |_, _, v| seen.push(v["a"].clone()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(seen, [1, 3]);
        assert_eq!(r.skipped, 1);
        assert_eq!(std::fs::read(&path).unwrap_or_default().len(), 25);
    }

    #[test]
    fn a_file_that_is_not_ours_is_refused_and_left_whole() {
        let (path, mut f) = file_with("notes", b"# My notes\nbuy milk");
        let r = recover::<serde_json::Value>(&mut f, "journal", |_, _, _| {});
        assert!(matches!(r, Err(RecoverError::NotOurs { .. })));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), b"# My notes\nbuy milk");
    }

    #[test]
    fn a_torn_first_line_of_ours_is_cut() {
        let (path, mut f) = file_with("torn", b"{\"key\": \"ab");
        let r =
            recover::<serde_json::Value>(&mut f, "journal", |_, _, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.len, 0);
        assert_eq!(std::fs::read(&path).unwrap_or_default().len(), 0);
    }
}
