//! Input objects: the data shards an input URL names, read by ranged GETs
//! as a stream (JSONL) or as Parquet's byte ranges.

use std::io::Read;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};

use super::{Location, Scheme, block_on, invalid, store_error};
use crate::datasets::DataFormat;

/// Bytes fetched per request when a file is streamed (JSONL).
const STREAM_BLOCK: u64 = 8 << 20;
/// Bytes fetched per request inside a Parquet file (pages are smaller than
/// a column chunk; a block holds several).
const PARQUET_BLOCK: u64 = 4 << 20;
/// Blocks kept: rows are assembled from several column chunks at once (the
/// id's and the text's, far apart in the file), each read page by page; a
/// block per column read keeps each one's next page at hand.
const CACHED_BLOCKS: usize = 4;
/// A Parquet file's footer and metadata are read together from its tail.
const PARQUET_TAIL: u64 = 64 << 10;

/// One object of an input: a data shard read by ranged requests.
#[derive(Debug, Clone)]
pub(crate) struct RemoteObject {
    inner: Arc<Object>,
}

#[derive(Debug)]
struct Object {
    store: Arc<dyn ObjectStore>,
    path: StorePath,
    shown: String,
    size: u64,
    /// The blocks fetched last, the most recent at the end: Parquet reads a
    /// page header, then the page, then the next header, from the same few
    /// hundred kilobytes of each column it reads.
    cache: Mutex<Vec<(u64, Bytes)>>,
}

impl RemoteObject {
    /// The URL as shown in messages and rejects.
    pub(crate) fn shown(&self) -> &str {
        &self.inner.shown
    }

    /// The object's name: the last component of its key.
    pub(crate) fn file_name(&self) -> &str {
        self.inner.path.as_ref().rsplit('/').next().unwrap_or_default()
    }

    pub(crate) fn size(&self) -> u64 {
        self.inner.size
    }

    /// The object streamed from its start, a large block per request.
    pub(crate) fn reader(&self) -> impl Read + Send + 'static {
        ObjectReader {
            object: self.inner.clone(),
            pos: 0,
            block: STREAM_BLOCK,
        }
    }
}

impl Object {
    /// `length` bytes from `start`, from the cached block when it holds
    /// them, else from a new block of at least `block` bytes.
    fn bytes(&self, start: u64, length: u64, block: u64) -> std::io::Result<Bytes> {
        let end = (start + length).min(self.size);
        if start >= end {
            return Ok(Bytes::new());
        }
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(i) = cache
            .iter()
            .rposition(|(at, data)| *at <= start && end <= at + data.len() as u64)
        {
            let hit = cache.remove(i);
            let slice = hit.1.slice((start - hit.0) as usize..(end - hit.0) as usize);
            cache.push(hit);
            return Ok(slice);
        }
        // A read near the end is the footer: take the whole tail at once.
        let from = if self.size - start <= PARQUET_TAIL && block == PARQUET_BLOCK {
            self.size.saturating_sub(PARQUET_TAIL)
        } else {
            start
        };
        let to = end.max((from + block).min(self.size));
        let (store, path) = (self.store.clone(), self.path.clone());
        let data = block_on(async move { store.get_range(&path, from..to).await })
            .map_err(|e| store_error(&self.shown, e))?;
        let slice = data.slice((start - from) as usize..((end - from) as usize).min(data.len()));
        if block == STREAM_BLOCK {
            // A stream never goes back: keep its current block only.
            cache.clear();
        } else if cache.len() >= CACHED_BLOCKS {
            cache.remove(0);
        }
        cache.push((from, data));
        Ok(slice)
    }
}

/// A `Read` over an object from a position, through its block cache.
pub(crate) struct ObjectReader {
    object: Arc<Object>,
    pos: u64,
    block: u64,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let data = self.object.bytes(self.pos, buf.len() as u64, self.block)?;
        buf[..data.len()].copy_from_slice(&data);
        self.pos += data.len() as u64;
        Ok(data.len())
    }
}

impl parquet::file::reader::Length for RemoteObject {
    fn len(&self) -> u64 {
        self.inner.size
    }
}

impl parquet::file::reader::ChunkReader for RemoteObject {
    type T = ObjectReader;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(ObjectReader {
            object: self.inner.clone(),
            pos: start,
            block: PARQUET_BLOCK,
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.inner
            .bytes(start, length as u64, PARQUET_BLOCK)
            .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))
    }
}

/// The data shards an input URL names, in key order: the object itself; the
/// data files under it when it ends with `/` or names no object (a
/// "folder"); or, when its last component holds `*` or `?`, the objects
/// beside it that match. `forced` is `--input-format`.
pub(crate) fn shards(input: &str, forced: Option<DataFormat>) -> std::io::Result<Vec<RemoteObject>> {
    let location = Location::parse(input)?;
    let input = &location.shown(&location.key);
    let store = location.store()?;
    let (dir, name) = match location.key.rsplit_once('/') {
        Some((dir, name)) => (dir.to_owned(), name.to_owned()),
        None => (String::new(), location.key.clone()),
    };
    let wanted = |key: &str| -> bool {
        let format = DataFormat::of_path(std::path::Path::new(key));
        match forced {
            Some(f) => format.is_none_or(|g| g == f),
            None => format.is_some_and(|f| f != DataFormat::Text),
        }
    };
    let metas: Vec<object_store::ObjectMeta> = if name.contains(['*', '?']) {
        if location.scheme == Scheme::Http {
            return Err(invalid(format!(
                "{input}: plain HTTP has no listing; name each file, or use a store URL"
            )));
        }
        let prefix = (!dir.is_empty()).then(|| StorePath::from(dir.as_str()));
        let s = store.clone();
        let listed = block_on(async move { s.list_with_delimiter(prefix.as_ref()).await })
            .map_err(|e| store_error(input, e))?;
        let mut found: Vec<_> = listed
            .objects
            .into_iter()
            .filter(|m| crate::datasets::glob_match(&name, m.location.filename().unwrap_or_default()))
            .collect();
        if found.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no object matches {input}"),
            ));
        }
        found.sort_by(|a, b| a.location.cmp(&b.location));
        found
    } else {
        let key = StorePath::from(location.key.as_str());
        let one = if location.key.ends_with('/') || location.key.is_empty() {
            None
        } else {
            let (s, k) = (store.clone(), key.clone());
            match block_on(async move { s.head(&k).await }) {
                Ok(meta) => Some(meta),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(e) => return Err(store_error(input, e)),
            }
        };
        match one {
            Some(meta) => vec![meta],
            None if location.scheme == Scheme::Http => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("{input} does not exist (the server answered 404)"),
                ));
            }
            None => {
                let s = store.clone();
                let prefix = (!location.key.is_empty()).then_some(key);
                let mut found: Vec<_> =
                    block_on(async move { s.list(prefix.as_ref()).try_collect::<Vec<_>>().await })
                        .map_err(|e| store_error(input, e))?
                        .into_iter()
                        .filter(|m| wanted(m.location.as_ref()))
                        .collect();
                if found.is_empty() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("{input}: no object there, and no JSONL or Parquet object under it"),
                    ));
                }
                found.sort_by(|a, b| a.location.cmp(&b.location));
                found
            }
        }
    };
    Ok(metas
        .into_iter()
        .map(|m| RemoteObject {
            inner: Arc::new(Object {
                store: store.clone(),
                shown: location.shown(m.location.as_ref()),
                path: m.location,
                size: m.size,
                cache: Mutex::new(Vec::new()),
            }),
        })
        .collect())
}
