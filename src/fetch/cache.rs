//! The disk cache: file contents stored by sha256, and an index entry per request (a URL or an
//! OCI reference, plus the identity of the credentials used) recording the digest, `ETag`,
//! `Last-Modified` and when it was fetched.
//!
//! Every write goes to a temporary file in the same folder and is renamed into place, so a
//! reader sees a whole entry or none, and two processes can share the cache (the last writer
//! wins, and both versions are valid). A blob whose digest does not match is treated as
//! missing and removed ("healed"), never returned.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::clock::now_secs;

/// How long version lists and other mutable responses stay fresh without revalidation.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
/// How long a 404 is remembered, so release windows are not hammered.
pub const NEGATIVE_TTL: Duration = Duration::from_secs(300);

/// Errors of the cache itself (not of the network).
#[derive(Debug, thiserror::Error)]
#[error("cache {action} {path}: {source}")]
pub struct CacheError {
    /// What was being done (`write`, `read`, `remove`).
    pub action: &'static str,
    /// The file involved.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

/// What a request's answer is allowed to be reused for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lifetime {
    /// Never changes (a release file at an explicit version, a blob by digest).
    Immutable,
    /// May change (version lists, tags): fresh for a TTL, then revalidated.
    Mutable,
    /// The server said 404; remembered for [`NEGATIVE_TTL`].
    NotFound,
}

/// The index record of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The request key (URL or OCI reference).
    pub key: String,
    /// Short hash of the credentials used, empty when anonymous (ETags are per token).
    #[serde(default)]
    pub identity: String,
    /// `sha256:<hex>` of the content (empty for [`Lifetime::NotFound`]).
    #[serde(default)]
    pub digest: String,
    /// Content size in bytes.
    #[serde(default)]
    pub size: u64,
    /// `ETag` from the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// `Last-Modified` from the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Seconds since the Unix epoch when the content was fetched or last revalidated.
    pub fetched_at: u64,
    /// Reuse rules.
    pub lifetime: Lifetime,
}

impl Entry {
    /// Age of the entry.
    pub fn age(&self) -> Duration {
        Duration::from_secs(now_secs().saturating_sub(self.fetched_at))
    }

    /// Whether the entry may be used without asking the server, given the TTL for mutable data.
    pub fn is_fresh(&self, ttl: Duration) -> bool {
        match self.lifetime {
            Lifetime::Immutable => true,
            Lifetime::Mutable => self.age() < ttl,
            Lifetime::NotFound => self.age() < NEGATIVE_TTL,
        }
    }
}

/// A cached answer: its record and, unless it is a remembered 404, the verified bytes.
#[derive(Debug, Clone)]
pub struct Cached {
    /// The index record.
    pub entry: Entry,
    /// The content (empty for a remembered 404).
    pub bytes: Vec<u8>,
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// `sha256:<hex>` of some bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Cache {
    /// A cache rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    /// The cache folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn index_path(&self, key: &str, identity: &str) -> PathBuf {
        let name = hex(&Sha256::digest(format!("{identity}\n{key}").as_bytes()));
        self.root
            .join("index")
            .join(&name[..2])
            .join(format!("{name}.json"))
    }

    fn blob_path(&self, digest: &str) -> Option<PathBuf> {
        let hex = digest.strip_prefix("sha256:")?;
        (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| {
            self.root
                .join("blobs")
                .join("sha256")
                .join(&hex[..2])
                .join(hex)
        })
    }

    /// The cached answer for `key` under `identity`, if present and intact. A damaged entry
    /// (unreadable record, missing blob, digest mismatch) is removed and reported as absent.
    pub fn lookup(&self, key: &str, identity: &str) -> Option<Cached> {
        let index = self.index_path(key, identity);
        let record = std::fs::read(&index).ok()?;
        let entry: Entry = match serde_json::from_slice(&record) {
            Ok(e) => e,
            Err(_) => {
                let _ = std::fs::remove_file(&index);
                return None;
            }
        };
        if entry.key != key {
            return None;
        }
        if entry.lifetime == Lifetime::NotFound {
            return Some(Cached {
                entry,
                bytes: Vec::new(),
            });
        }
        match self.blob(&entry.digest) {
            Some(bytes) => Some(Cached { entry, bytes }),
            None => {
                tracing::debug!(key, "cache entry damaged; refetching");
                let _ = std::fs::remove_file(&index);
                None
            }
        }
    }

    /// Content by digest, verified; a damaged blob is removed.
    pub fn blob(&self, digest: &str) -> Option<Vec<u8>> {
        let path = self.blob_path(digest)?;
        let bytes = std::fs::read(&path).ok()?;
        if sha256_digest(&bytes) != digest {
            let _ = std::fs::remove_file(&path);
            return None;
        }
        Some(bytes)
    }

    /// Stores content and its record (blob first, so a record never points at nothing).
    pub fn store(&self, mut entry: Entry, bytes: &[u8]) -> Result<Entry, CacheError> {
        entry.digest = sha256_digest(bytes);
        entry.size = bytes.len() as u64;
        self.put_blob(&entry.digest, bytes)?;
        self.write_entry(&entry)?;
        Ok(entry)
    }

    /// Stores a blob under its digest (no record), for content-addressed data such as OCI layers.
    pub fn put_blob(&self, digest: &str, bytes: &[u8]) -> Result<(), CacheError> {
        let Some(path) = self.blob_path(digest) else {
            return Ok(());
        };
        if path.exists() {
            return Ok(());
        }
        atomic_write(&path, bytes)
    }

    /// Writes or replaces a record (used to refresh `fetched_at` after a 304).
    pub fn write_entry(&self, entry: &Entry) -> Result<(), CacheError> {
        let bytes = serde_json::to_vec_pretty(entry).unwrap_or_default();
        atomic_write(&self.index_path(&entry.key, &entry.identity), &bytes)
    }

    /// [`Cache::lookup`] on tokio's blocking pool, for async callers.
    pub async fn lookup_async(&self, key: &str, identity: &str) -> Option<Cached> {
        let (cache, key, identity) = (self.clone(), key.to_string(), identity.to_string());
        off_thread(move || cache.lookup(&key, &identity))
            .await
            .ok()
            .flatten()
    }

    /// [`Cache::blob`] on tokio's blocking pool, for async callers.
    pub async fn blob_async(&self, digest: &str) -> Option<Vec<u8>> {
        let (cache, digest) = (self.clone(), digest.to_string());
        off_thread(move || cache.blob(&digest)).await.ok().flatten()
    }

    /// [`Cache::store`] on tokio's blocking pool, for async callers; hands the bytes back.
    pub async fn store_async(
        &self,
        entry: Entry,
        bytes: Vec<u8>,
    ) -> Result<(Entry, Vec<u8>), CacheError> {
        let cache = self.clone();
        off_thread(move || cache.store(entry, &bytes).map(|entry| (entry, bytes)))
            .await
            .map_err(|e| self.interrupted(e))?
    }

    /// [`Cache::write_entry`] on tokio's blocking pool, for async callers.
    pub async fn write_entry_async(&self, entry: Entry) -> Result<(), CacheError> {
        let cache = self.clone();
        off_thread(move || cache.write_entry(&entry))
            .await
            .map_err(|e| self.interrupted(e))?
    }

    /// A write that never ran because the runtime is shutting down.
    fn interrupted(&self, e: tokio::task::JoinError) -> CacheError {
        CacheError {
            action: "write",
            path: self.root.clone(),
            source: std::io::Error::other(e),
        }
    }

    /// Every record, for `cache ls` and `cache prune`.
    pub fn entries(&self) -> Vec<(PathBuf, Entry)> {
        let mut out = Vec::new();
        let Ok(shards) = std::fs::read_dir(self.root.join("index")) else {
            return out;
        };
        for shard in shards.filter_map(Result::ok) {
            let Ok(files) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for file in files.filter_map(Result::ok) {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "json")
                    && let Some(entry) = std::fs::read(&path)
                        .ok()
                        .and_then(|b| serde_json::from_slice(&b).ok())
                {
                    out.push((path, entry));
                }
            }
        }
        out.sort_by(|a, b| a.1.key.cmp(&b.1.key));
        out
    }

    /// Removes expired mutable records and remembered 404s older than `ttl`, then blobs no
    /// record points at. Returns (records removed, blobs removed, bytes freed).
    pub fn prune(&self, ttl: Duration) -> Result<(usize, usize, u64), CacheError> {
        let mut records = 0;
        let mut keep = std::collections::BTreeSet::new();
        for (path, entry) in self.entries() {
            let expired = match entry.lifetime {
                Lifetime::Immutable => false,
                Lifetime::Mutable => entry.age() >= ttl,
                Lifetime::NotFound => entry.age() >= NEGATIVE_TTL,
            };
            if expired {
                remove(&path)?;
                records += 1;
            } else {
                keep.insert(entry.digest.clone());
            }
        }
        let (mut blobs, mut freed) = (0, 0);
        for (path, digest, size) in self.blobs() {
            if !keep.contains(&digest) {
                remove(&path)?;
                blobs += 1;
                freed += size;
            }
        }
        Ok((records, blobs, freed))
    }

    /// Every blob with its digest and size. Unreferenced OCI layers are kept only while a
    /// manifest record mentions them, so `prune` drops them once their manifest expires.
    pub fn blobs(&self) -> Vec<(PathBuf, String, u64)> {
        let mut out = Vec::new();
        let Ok(shards) = std::fs::read_dir(self.root.join("blobs").join("sha256")) else {
            return out;
        };
        for shard in shards.filter_map(Result::ok) {
            let Ok(files) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for file in files.filter_map(Result::ok) {
                let name = file.file_name().to_string_lossy().into_owned();
                if name.len() == 64 {
                    let size = file.metadata().map_or(0, |m| m.len());
                    out.push((file.path(), format!("sha256:{name}"), size));
                }
            }
        }
        out
    }

    /// Deletes the whole cache folder.
    pub fn clear(&self) -> Result<(), CacheError> {
        match std::fs::remove_dir_all(&self.root) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(CacheError {
                action: "remove",
                path: self.root.clone(),
                source,
            }),
        }
    }
}

fn remove(path: &Path) -> Result<(), CacheError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(CacheError {
            action: "remove",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Runs blocking file I/O on tokio's blocking pool so that it does not stall an async worker.
/// A panic in `work` is resumed here; `Err` only when the runtime is shutting down.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    match tokio::task::spawn_blocking(work).await {
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        other => other,
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place.
fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    let err = |action, source| CacheError {
        action,
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| err("write", e))?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_data()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(err("write", e));
    }
    Ok(())
}

static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, lifetime: Lifetime) -> Entry {
        Entry {
            key: key.into(),
            identity: String::new(),
            digest: String::new(),
            size: 0,
            etag: Some("\"abc\"".into()),
            last_modified: None,
            fetched_at: now_secs(),
            lifetime,
        }
    }

    #[test]
    fn stores_and_reads_back_verified_content() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let stored = cache
            .store(entry("https://x/a", Lifetime::Immutable), b"hello")
            .unwrap();
        assert_eq!(stored.size, 5);
        let got = cache.lookup("https://x/a", "").unwrap();
        assert_eq!(got.bytes, b"hello");
        assert_eq!(got.entry.etag.as_deref(), Some("\"abc\""));
        assert!(
            cache.lookup("https://x/a", "token-hash").is_none(),
            "identity is part of the key"
        );
        assert!(cache.lookup("https://x/b", "").is_none());
    }

    #[test]
    fn corrupt_blobs_are_removed_not_returned() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let stored = cache
            .store(entry("k", Lifetime::Immutable), b"good bytes")
            .unwrap();
        let blob = cache.blob_path(&stored.digest).unwrap();
        std::fs::write(&blob, b"bad bytes!").unwrap();
        assert!(cache.lookup("k", "").is_none());
        assert!(!blob.exists());
        // A record that is not JSON is dropped too.
        cache
            .store(entry("k", Lifetime::Immutable), b"good bytes")
            .unwrap();
        std::fs::write(cache.index_path("k", ""), b"{not json").unwrap();
        assert!(cache.lookup("k", "").is_none());
    }

    #[test]
    fn freshness_and_prune() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let mut old = entry("list", Lifetime::Mutable);
        old.fetched_at -= 7200;
        cache.store(old, b"v1.0.0\n").unwrap();
        cache
            .store(entry("file", Lifetime::Immutable), b"content")
            .unwrap();
        let list = cache.lookup("list", "").unwrap();
        assert!(!list.entry.is_fresh(DEFAULT_TTL));
        assert!(
            cache
                .lookup("file", "")
                .unwrap()
                .entry
                .is_fresh(DEFAULT_TTL)
        );
        let (records, blobs, freed) = cache.prune(DEFAULT_TTL).unwrap();
        assert_eq!((records, blobs, freed), (1, 1, 7));
        assert!(cache.lookup("list", "").is_none());
        assert!(cache.lookup("file", "").is_some());
        cache.clear().unwrap();
        assert!(cache.entries().is_empty());
    }

    #[test]
    fn concurrent_writers_leave_a_whole_entry() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let cache = Cache::new(dir.path());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let body = format!("version {i}").repeat(1000);
                        cache
                            .store(entry("shared", Lifetime::Mutable), body.as_bytes())
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let got = Cache::new(dir.path()).lookup("shared", "").unwrap();
        let text = String::from_utf8(got.bytes).unwrap();
        assert!(
            text.starts_with("version ") && text.len() == 9000,
            "{}",
            &text[..20]
        );
        // No temporary files are left behind.
        let leftovers = walk(dir.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(".tmp-"))
            .count();
        assert_eq!(leftovers, 0);
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
        out
    }
}
