//! One writer per output across machines. A kernel lock does not span
//! machines, and Kubernetes can start a replacement pod while the old one is
//! still terminating; so the writer of an output prefix (per shard) holds a
//! lease object in the store: created only if absent (`If-None-Match: *`),
//! renewed before it expires and replaced only if unchanged since it was
//! read (`If-Match: <etag>`). A lease that has expired (its holder died
//! without releasing it) may be taken over; a live one held by another run
//! refuses this one. The holder's id lives in the work dir, so a rerun on
//! the same machine and work dir takes its own lease back at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, UpdateVersion};
use serde::{Deserialize, Serialize};

use super::{Location, block_on, host_name, now_ms, store_error, unique_id};

/// What the lease object holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LeaseBody {
    holder: String,
    host: String,
    expires_unix_ms: u64,
}

/// Another run holds the output: who, and for how long yet.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{output} is being written by another run (on {host}; its lease ends in {seconds_left} s unless renewed): \
     stop that run, or wait for its lease to lapse; two writers would publish the same records twice"
)]
pub struct LeaseRefused {
    pub output: String,
    pub host: String,
    pub seconds_left: u64,
}

/// A held lease; renew it at least every third of its time.
#[derive(Debug)]
pub struct Lease {
    store: Arc<dyn ObjectStore>,
    key: StorePath,
    shown: String,
    holder: String,
    ttl: Duration,
    version: Mutex<UpdateVersion>,
}

/// Why a lease could not be had or kept.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error(transparent)]
    Refused(#[from] LeaseRefused),
    #[error("{0}")]
    Store(#[from] std::io::Error),
}

impl Lease {
    /// Takes the lease on `url` for `shard_tag` (`all`, `0003-of-0016`) as
    /// the holder named in `work_dir` (made on first use).
    pub fn acquire(
        url: &str,
        shard_tag: &str,
        work_dir: &std::path::Path,
        ttl: Duration,
    ) -> Result<Self, LeaseError> {
        let location = Location::parse(url)?;
        let store = location.store()?;
        let prefix = match location.key.trim_end_matches('/') {
            "" => String::new(),
            k => format!("{k}/"),
        };
        let key = format!("{prefix}lease-{shard_tag}.json");
        let holder_file = work_dir.join(format!("holder-{shard_tag}"));
        let holder = match std::fs::read_to_string(&holder_file) {
            Ok(h) if !h.trim().is_empty() => h.trim().to_owned(),
            _ => {
                let h = format!("{}-{}", host_name(), unique_id());
                std::fs::create_dir_all(work_dir)?;
                std::fs::write(&holder_file, &h)?;
                h
            }
        };
        let lease = Self {
            store,
            shown: location.shown(&key),
            key: StorePath::from(key),
            holder,
            ttl,
            version: Mutex::new(UpdateVersion {
                e_tag: None,
                version: None,
            }),
        };
        lease.take(location.shown(&prefix))?;
        Ok(lease)
    }

    fn body(&self) -> Vec<u8> {
        let body = LeaseBody {
            holder: self.holder.clone(),
            host: host_name(),
            expires_unix_ms: now_ms() + u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX),
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }

    fn put(&self, mode: PutMode) -> object_store::Result<UpdateVersion> {
        let (store, key, body) = (self.store.clone(), self.key.clone(), self.body());
        block_on(async move { store.put_opts(&key, body.into(), PutOptions::from(mode)).await })
            .map(UpdateVersion::from)
    }

    fn take(&self, output: String) -> Result<(), LeaseError> {
        match self.put(PutMode::Create) {
            Ok(v) => return self.keep(v),
            Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => {}
            Err(e) => return Err(store_error(&self.shown, e).into()),
        }
        let (store, key) = (self.store.clone(), self.key.clone());
        let current = block_on(async move {
            let got = store.get(&key).await?;
            let version = UpdateVersion {
                e_tag: got.meta.e_tag.clone(),
                version: got.meta.version.clone(),
            };
            Ok((got.bytes().await?, version))
        });
        let (bytes, version) = match current {
            Ok(c) => c,
            // Released between our two requests: try once more from the top.
            Err(object_store::Error::NotFound { .. }) => {
                return self.put(PutMode::Create).map_or_else(
                    |_| {
                        Err(LeaseRefused {
                            output,
                            host: "another machine".into(),
                            seconds_left: self.ttl.as_secs(),
                        }
                        .into())
                    },
                    |v| self.keep(v),
                );
            }
            Err(e) => return Err(store_error(&self.shown, e).into()),
        };
        let held: Option<LeaseBody> = serde_json::from_slice(&bytes).ok();
        if let Some(h) = &held
            && h.holder != self.holder
            && h.expires_unix_ms > now_ms()
        {
            return Err(LeaseRefused {
                output,
                host: h.host.clone(),
                seconds_left: (h.expires_unix_ms - now_ms()).div_ceil(1000),
            }
            .into());
        }
        // Ours from before, expired, or unreadable: replace it if nobody
        // changed it since we read it.
        match self.put(PutMode::Update(version)) {
            Ok(v) => self.keep(v),
            Err(object_store::Error::Precondition { .. } | object_store::Error::AlreadyExists { .. }) => {
                Err(LeaseRefused {
                    output,
                    host: "another machine".into(),
                    seconds_left: self.ttl.as_secs(),
                }
                .into())
            }
            Err(e) => Err(store_error(&self.shown, e).into()),
        }
    }

    fn keep(&self, version: UpdateVersion) -> Result<(), LeaseError> {
        *self
            .version
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = version;
        Ok(())
    }

    /// Extends the lease. An error of kind `PermissionDenied` means another
    /// run took it (this run must stop writing); others are the store's.
    pub fn renew(&self) -> std::io::Result<()> {
        let version = self
            .version
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        match self.put(PutMode::Update(version)) {
            Ok(v) => {
                let _ = self.keep(v);
                Ok(())
            }
            Err(object_store::Error::Precondition { .. } | object_store::Error::NotFound { .. }) => {
                Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{}: the lease was taken by another run", self.shown),
                ))
            }
            Err(e) => Err(store_error(&self.shown, e)),
        }
    }

    /// Gives the lease up (a finished or stopped run), unless another run
    /// holds it by now.
    pub fn release(&self) {
        let (store, key) = (self.store.clone(), self.key.clone());
        let holder = self.holder.clone();
        let _ = block_on(async move {
            let got = store.get(&key).await?.bytes().await?;
            if serde_json::from_slice::<LeaseBody>(&got).is_ok_and(|b| b.holder == holder) {
                store.delete(&key).await?;
            }
            Ok(())
        });
    }

    /// How often to renew: a third of the lease's time.
    pub fn renew_every(&self) -> Duration {
        self.ttl / 3
    }
}
