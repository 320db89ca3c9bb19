//! One data file of an input, wherever it lies: a local path or an object
//! in a store (`remote`), read by the same JSONL and Parquet readers.

use std::fs::File;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::datasets::{DataFormat, decoded, jsonl_reader_counted, parquet_rows, parquet_rows_of};

/// The rows of a Parquet file, each a JSON object or why it cannot be read.
pub(crate) type ParquetRows = Box<dyn Iterator<Item = Result<Value, String>> + Send>;

/// One data file of an input: a local path or an object in a store.
#[derive(Debug, Clone)]
pub(crate) enum DataFile {
    Local(PathBuf),
    Remote(crate::remote::RemoteObject),
}

impl DataFile {
    /// The file as shown in messages and rejects: its path or URL.
    pub(crate) fn shown(&self) -> String {
        match self {
            Self::Local(p) => p.display().to_string(),
            Self::Remote(o) => o.shown().to_owned(),
        }
    }

    /// Its last component, which names its format.
    pub(crate) fn file_name(&self) -> String {
        match self {
            Self::Local(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Self::Remote(o) => o.file_name().to_owned(),
        }
    }

    pub(crate) fn format(&self) -> Option<DataFormat> {
        DataFormat::of_path(Path::new(&self.file_name()))
    }

    /// Its size in bytes (0 when unknown).
    pub(crate) fn size(&self) -> u64 {
        match self {
            Self::Local(p) => std::fs::metadata(p)
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map_or(0, |m| m.len()),
            Self::Remote(o) => o.size(),
        }
    }

    /// Whether it opens at all (a file that opens but does not parse is in
    /// the wrong format; one that does not open is an I/O failure).
    pub(crate) fn opens(&self) -> bool {
        match self {
            Self::Local(p) => File::open(p).is_ok(),
            Self::Remote(_) => true,
        }
    }

    /// Its JSONL lines, decompressed as read, the bytes counted into `progress`.
    pub(crate) fn jsonl(
        &self,
        format: DataFormat,
        progress: &Arc<crate::input::InputProgress>,
    ) -> std::io::Result<Box<dyn BufRead + Send>> {
        match self {
            Self::Local(p) => jsonl_reader_counted(p, format, progress),
            Self::Remote(o) => decoded(crate::input::counted(o.reader(), progress.clone()), format),
        }
    }

    /// Its rows, when it is Parquet; see [`parquet_rows`].
    pub(crate) fn parquet_rows(&self, columns: Option<&[String]>) -> Result<(ParquetRows, u64), String> {
        match self {
            Self::Local(p) => parquet_rows(p, columns).map(|(r, n)| (Box::new(r) as Box<_>, n)),
            Self::Remote(o) => parquet_rows_of(o.clone(), columns).map(|(r, n)| (Box::new(r) as Box<_>, n)),
        }
    }
}
