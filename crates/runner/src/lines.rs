//! Reading an append-only JSONL file written by a process that may have been
//! killed mid-write: whole lines are kept, a torn last line is cut off.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};

/// Calls `each(offset, line)` for every whole line that parses as `T`, in
/// order, stopping at the first torn or unreadable one; then cuts the file
/// after the last good line so later appends start on a fresh line.
pub(crate) fn recover<T: serde::de::DeserializeOwned>(
    file: &mut File,
    mut each: impl FnMut(u64, u64, T),
) -> std::io::Result<u64> {
    let mut good = 0u64;
    {
        let mut reader = BufReader::new(&mut *file);
        reader.seek(SeekFrom::Start(0))?;
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break;
            }
            let Ok(value) = serde_json::from_slice::<T>(&line) else {
                break;
            };
            each(good, n as u64, value);
            good += n as u64;
        }
    }
    if file.metadata()?.len() > good {
        file.set_len(good)?;
        file.sync_data()?;
    }
    Ok(good)
}
