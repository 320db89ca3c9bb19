//! Inputs in object stores: `s3://` (and S3-compatible stores through
//! `AWS_ENDPOINT_URL`), `gs://`, `az://`, and single files over `https://`,
//! through the `object_store` crate. Credentials come from each cloud's
//! standard environment variables; nothing here stores or prints them.
//!
//! The engine reads its input on a thread of its own with blocking reads
//! (`std::io::Read`, Parquet's `ChunkReader`); this module gives it that over
//! ranged GETs, run on a small runtime of its own so that a read never needs
//! the caller's runtime (and never blocks one of its workers). Each ranged
//! request is retried by the store client on 5xx and timeouts.

use std::sync::{Arc, OnceLock};

use object_store::ObjectStore;
// Not called here: the manifest declares reqwest to turn on its rustls TLS
// (without a provider; ring is installed below), which object_store's
// client needs and does not ask for itself.
use reqwest as _;

mod lease;
mod objects;
mod publish;
mod publisher;

pub use lease::{Lease, LeaseError, LeaseRefused};
pub(crate) use objects::{RemoteObject, shards};
pub use publish::{
    Published, RemoteOutput, WorkFiles, default_work_dir, download_output, progress_in_store, shard_tag,
};
pub use publisher::Publisher;

/// The URL schemes read as object stores.
const SCHEMES: &[(&str, Scheme)] = &[
    ("s3://", Scheme::S3),
    ("s3a://", Scheme::S3),
    ("gs://", Scheme::Gcs),
    ("az://", Scheme::Azure),
    ("abfs://", Scheme::Azure),
    ("abfss://", Scheme::Azure),
    ("https://", Scheme::Http),
    ("http://", Scheme::Http),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    S3,
    Gcs,
    Azure,
    Http,
}

/// Whether `input` names an object store location rather than a local path.
pub fn is_url(input: &str) -> bool {
    scheme_of(input).is_some()
}

fn scheme_of(input: &str) -> Option<(Scheme, usize)> {
    SCHEMES.iter().find_map(|(prefix, scheme)| {
        input
            .get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| (*scheme, prefix.len()))
    })
}

/// A location split into its store (`s3://bucket`, `https://host:port`) and
/// the key or prefix inside it; user info in an HTTP URL is dropped from
/// what is shown.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub(crate) scheme: Scheme,
    /// What names the store: `s3://bucket`, `https://host`.
    pub(crate) root: String,
    /// The key, glob or prefix inside the store, without a leading `/`.
    pub(crate) key: String,
}

impl Location {
    pub(crate) fn parse(input: &str) -> std::io::Result<Self> {
        let (scheme, at) = scheme_of(input).ok_or_else(|| invalid(format!("{input} is not a store URL")))?;
        let rest = &input[at..];
        let (host, key) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty() {
            return Err(invalid(format!(
                "{input}: the URL names no bucket or host (write s3://BUCKET/KEY)"
            )));
        }
        let prefix = &input[..at];
        Ok(Self {
            scheme,
            root: format!("{}{host}", prefix.to_ascii_lowercase()),
            key: key.to_owned(),
        })
    }

    /// The location as shown to people: no user info.
    pub(crate) fn shown(&self, key: &str) -> String {
        let root = match self.root.split_once("://") {
            Some((s, rest)) => format!("{s}://{}", rest.rsplit('@').next().unwrap_or(rest)),
            None => self.root.clone(),
        };
        format!("{root}/{key}")
    }

    pub(crate) fn store(&self) -> std::io::Result<Arc<dyn ObjectStore>> {
        // The same provider the model client installs; a run that reads a
        // store but calls no model (a dry run) needs it too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let built: object_store::Result<Arc<dyn ObjectStore>> = match self.scheme {
            Scheme::S3 => {
                let mut b = object_store::aws::AmazonS3Builder::from_env().with_url(&self.root);
                // An endpoint given as http:// (a store on the local network
                // or a test server) is meant to be used as such.
                let plain = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT", "AWS_ENDPOINT_URL_S3"]
                    .iter()
                    .filter_map(|k| std::env::var(k).ok())
                    .any(|v| v.starts_with("http://"));
                if plain {
                    b = b.with_allow_http(true);
                }
                b.build().map(|s| Arc::new(s) as _)
            }
            Scheme::Gcs => object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_url(&self.root)
                .build()
                .map(|s| Arc::new(s) as _),
            Scheme::Azure => object_store::azure::MicrosoftAzureBuilder::from_env()
                .with_url(&self.root)
                .build()
                .map(|s| Arc::new(s) as _),
            Scheme::Http => object_store::http::HttpBuilder::new()
                .with_url(&self.root)
                .with_client_options(
                    object_store::ClientOptions::new().with_allow_http(self.root.starts_with("http://")),
                )
                .build()
                .map(|s| Arc::new(s) as _),
        };
        built.map_err(|e| store_error(&self.shown(&self.key), e))
    }
}

/// A store's error as an I/O error whose kind says whose fix it is: bad
/// credentials and missing buckets are the user's (exit 2), the rest the
/// store's or the network's. The message names the location, never a
/// credential (the store client does not put them in its errors).
pub(crate) fn store_error(location: &str, e: object_store::Error) -> std::io::Error {
    use std::io::ErrorKind;
    // S3 answers a missing bucket with a 404 the client reports as generic;
    // its error code is part of the protocol.
    let no_bucket = e.to_string().contains("<Code>NoSuchBucket</Code>");
    let kind = match &e {
        object_store::Error::NotFound { .. } => ErrorKind::NotFound,
        _ if no_bucket => ErrorKind::NotFound,
        object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. } => {
            ErrorKind::PermissionDenied
        }
        object_store::Error::InvalidPath { .. } | object_store::Error::UnknownConfigurationKey { .. } => {
            ErrorKind::InvalidInput
        }
        _ => ErrorKind::Other,
    };
    if no_bucket {
        return std::io::Error::new(kind, format!("{location}: no such bucket"));
    }
    let hint = match kind {
        ErrorKind::PermissionDenied => {
            " (check the store's credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
             GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_ACCOUNT_KEY, and the endpoint)"
        }
        _ => "",
    };
    std::io::Error::new(kind, format!("{location}: {e}{hint}"))
}

pub(crate) fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

/// Runs a store request to completion from any thread, on this module's
/// runtime (started on first use): the caller may be a plain thread or a
/// worker of another runtime, and waits on a channel either way.
pub(crate) fn block_on<T: Send + 'static>(
    request: impl std::future::Future<Output = object_store::Result<T>> + Send + 'static,
) -> object_store::Result<T> {
    static RUNTIME: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chunksynth-store")
            .enable_all()
            .build()
            .ok()
    });
    let Some(runtime) = runtime else {
        return Err(object_store::Error::Generic {
            store: "runtime",
            source: "cannot start the threads that read the object store".into(),
        });
    };
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime.spawn(async move {
        let _ = tx.send(request.await);
    });
    rx.recv().unwrap_or_else(|_| {
        Err(object_store::Error::Generic {
            store: "runtime",
            source: "a store request was dropped".into(),
        })
    })
}

/// Copies a local file to the object `url` names (one request when small,
/// else a multipart upload that shows only once complete).
pub fn upload(file: &std::path::Path, url: &str) -> std::io::Result<()> {
    let location = Location::parse(url)?;
    let store = location.store()?;
    publish::upload_file(&store, &location.key, file, &location.shown(&location.key))
}

/// The whole object at `key`, or `None` when there is none.
pub(crate) fn get_whole(
    store: &Arc<dyn ObjectStore>,
    key: &str,
    shown: &str,
) -> std::io::Result<Option<bytes::Bytes>> {
    let (s, k) = (store.clone(), object_store::path::Path::from(key));
    match block_on(async move {
        use object_store::ObjectStoreExt;
        s.get(&k).await?.bytes().await
    }) {
        Ok(b) => Ok(Some(b)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(store_error(shown, e)),
    }
}

/// Writes `bytes` as the object at `key`, replacing what was there.
pub(crate) fn put_whole(
    store: &Arc<dyn ObjectStore>,
    key: &str,
    bytes: Vec<u8>,
    shown: &str,
) -> std::io::Result<()> {
    let (s, k) = (store.clone(), object_store::path::Path::from(key));
    block_on(async move {
        use object_store::ObjectStoreExt;
        s.put(&k, bytes.into()).await
    })
    .map(|_| ())
    .map_err(|e| store_error(shown, e))
}

/// The current time in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A value no other run will draw: a digest of the time, the process and
/// the host (names a part generation or a lease holder).
pub(crate) fn unique_id() -> String {
    use sha2::{Digest, Sha256};
    let seed = format!(
        "{:?}-{}-{}",
        std::time::SystemTime::now(),
        std::process::id(),
        host_name()
    );
    let digest = Sha256::digest(seed.as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// This machine's name, for a lease's holder (a pod's name on Kubernetes).
pub(crate) fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("s3://bucket/data/"));
        assert!(is_url("S3://bucket/x.parquet"));
        assert!(is_url("https://example.org/x.jsonl"));
        assert!(!is_url("data/s3://x"));
        assert!(!is_url("./in.jsonl"));
    }

    #[test]
    fn a_location_splits_into_store_and_key_and_hides_user_info() {
        let l = Location::parse("s3://bucket/data/train-*.parquet").expect("parses");
        assert_eq!(
            (l.root.as_str(), l.key.as_str()),
            ("s3://bucket", "data/train-*.parquet")
        );
        let h = Location::parse("https://user:secret@host:8080/x.jsonl").expect("parses");
        assert_eq!(h.shown(&h.key), "https://host:8080/x.jsonl");
        assert!(Location::parse("s3:///x").is_err());
    }
}
