//! The cache rules of the OCI backend. Keys are OCI references:
//!
//! | key | content | lifetime |
//! |---|---|---|
//! | `oci://{registry}/{repository}/tags/list` | the tag list (JSON) | mutable: fresh for the TTL, then listed again |
//! | `oci://{registry}/{repository}:{tag}` | the manifest the tag points at | mutable: fresh for the TTL, then a `HEAD` compares `Docker-Content-Digest` |
//! | `oci://{registry}/{repository}@{digest}` | a manifest or layer by digest | immutable, verified by digest on every read |
//!
//! Tag entries are kept per credential identity; content by digest is shared, since the
//! digest proves what it is. Offline, any cached answer is used and a missing one fails with
//! the reference and the command that would fetch it.

use super::artifact::{Descriptor, MAX_LAYER_BYTES};
use super::registry::{MAX_MANIFEST_BYTES, Operation};
use super::{OciError, OciRepository, Session};
use crate::fetch::FetchError;
use crate::fetch::cache::{Cached, Entry, Lifetime, sha256_digest};
use crate::fetch::clock::now_secs;
use crate::repository::RepositoryError;

impl OciRepository {
    fn offline_error(&self, what: String) -> RepositoryError {
        RepositoryError::Fetch(FetchError::Offline {
            url: what,
            hint: Some(self.hint.clone()),
        })
    }

    fn entry(&self, key: String, identity: &str, lifetime: Lifetime) -> Entry {
        Entry {
            key,
            identity: identity.to_string(),
            digest: String::new(),
            size: 0,
            etag: None,
            last_modified: None,
            fetched_at: now_secs(),
            lifetime,
        }
    }

    /// The cached answer for a mutable key (a tag list, a manifest by tag), stale or not.
    async fn cached_mutable(&self, key: &str, identity: &str) -> Option<Cached> {
        let hit = self.fetcher.cache()?.lookup_async(key, identity).await?;
        (hit.entry.lifetime == Lifetime::Mutable).then_some(hit)
    }

    /// Every tag of the repository.
    pub(super) async fn tag_list(&self, session: &Session) -> Result<Vec<String>, RepositoryError> {
        let mut seen = self.seen_tags.lock().await;
        if let Some(tags) = seen.as_ref() {
            return Ok(tags.clone());
        }
        let tags = self.tag_list_uncached(session).await?;
        *seen = Some(tags.clone());
        Ok(tags)
    }

    async fn tag_list_uncached(&self, session: &Session) -> Result<Vec<String>, RepositoryError> {
        let key = format!("{}/tags/list", self.location.repository_url());
        if let Some(hit) = self.cached_mutable(&key, &session.identity).await
            && (self.fetcher.offline() || hit.entry.is_fresh(self.fetcher.ttl()))
            && let Ok(tags) = serde_json::from_slice::<Vec<String>>(&hit.bytes)
        {
            return Ok(tags);
        }
        if self.fetcher.offline() {
            return Err(self.offline_error(format!(
                "the tag list of {}",
                self.location.repository_url()
            )));
        }
        let tags = session.client.tags(&self.location.repository).await?;
        if let Some(cache) = self.fetcher.cache() {
            let bytes = serde_json::to_vec(&tags).unwrap_or_default();
            cache
                .store_async(self.entry(key, &session.identity, Lifetime::Mutable), bytes)
                .await
                .map_err(FetchError::from)?;
        }
        Ok(tags)
    }

    /// The manifest a tag points at, revalidated with a `HEAD` once the TTL has passed.
    pub(super) async fn manifest_by_tag(
        &self,
        session: &Session,
        tag: &str,
    ) -> Result<Vec<u8>, RepositoryError> {
        if let Some(bytes) = self.seen_manifests.lock().await.get(tag) {
            return Ok(bytes.clone());
        }
        let bytes = self.manifest_by_tag_uncached(session, tag).await?;
        self.seen_manifests
            .lock()
            .await
            .insert(tag.to_string(), bytes.clone());
        Ok(bytes)
    }

    async fn manifest_by_tag_uncached(
        &self,
        session: &Session,
        tag: &str,
    ) -> Result<Vec<u8>, RepositoryError> {
        let key = self.reference(tag);
        let cache = self.fetcher.cache();
        if let Some(hit) = self.cached_mutable(&key, &session.identity).await {
            if self.fetcher.offline() || hit.entry.is_fresh(self.fetcher.ttl()) {
                return Ok(hit.bytes);
            }
            let current = session
                .client
                .manifest_digest(Operation::Pull, &self.location.repository, tag)
                .await?;
            if current.as_deref() == Some(hit.entry.digest.as_str()) {
                let mut entry = hit.entry;
                entry.fetched_at = now_secs();
                if let Some(cache) = cache {
                    cache
                        .write_entry_async(entry)
                        .await
                        .map_err(FetchError::from)?;
                }
                return Ok(hit.bytes);
            }
        }
        if self.fetcher.offline() {
            return Err(self.offline_error(key));
        }
        let fetched = session
            .client
            .manifest(&self.location.repository, tag)
            .await?;
        let digest = sha256_digest(&fetched.bytes);
        if let Some(header) = fetched.digest.filter(|d| d.starts_with("sha256:"))
            && header != digest
        {
            return Err(RepositoryError::Oci(OciError::DigestMismatch {
                what: "manifest",
                reference: key,
                expected: header,
                actual: digest,
            }));
        }
        if let Some(cache) = cache {
            let mut entry = self.entry(key, &session.identity, Lifetime::Mutable);
            entry.etag = Some(digest.clone());
            let (_, bytes) = cache
                .store_async(entry, fetched.bytes)
                .await
                .map_err(FetchError::from)?;
            let by_digest = self.entry(self.reference(&digest), "", Lifetime::Immutable);
            let (_, bytes) = cache
                .store_async(by_digest, bytes)
                .await
                .map_err(FetchError::from)?;
            return Ok(bytes);
        }
        Ok(fetched.bytes)
    }

    /// A manifest by digest (immutable, verified).
    pub(super) async fn manifest_by_digest(
        &self,
        session: &Session,
        digest: &str,
    ) -> Result<Vec<u8>, RepositoryError> {
        self.by_digest(session, digest, Content::Manifest, MAX_MANIFEST_BYTES)
            .await
    }

    /// A layer's bytes (immutable, verified).
    pub(super) async fn layer(
        &self,
        session: &Session,
        layer: &Descriptor,
        display: &str,
    ) -> Result<Vec<u8>, RepositoryError> {
        if layer.size > MAX_LAYER_BYTES {
            return Err(RepositoryError::Oci(OciError::TooLarge {
                what: format!("layer {}", layer.digest),
                reference: display.to_string(),
                limit: MAX_LAYER_BYTES,
            }));
        }
        self.by_digest(session, &layer.digest, Content::Layer, MAX_LAYER_BYTES)
            .await
    }

    async fn by_digest(
        &self,
        session: &Session,
        digest: &str,
        content: Content,
        limit: u64,
    ) -> Result<Vec<u8>, RepositoryError> {
        let key = self.reference(digest);
        if !is_sha256(digest) {
            return Err(RepositoryError::Oci(OciError::InvalidManifest {
                reference: key,
                reason: "only sha256 digests are supported".into(),
            }));
        }
        let cache = self.fetcher.cache();
        if let Some(cache) = cache
            && let Some(bytes) = cache.blob_async(digest).await
        {
            return Ok(bytes);
        }
        if self.fetcher.offline() {
            return Err(self.offline_error(key));
        }
        let repository = &self.location.repository;
        let bytes = match content {
            Content::Manifest => session.client.manifest(repository, digest).await?.bytes,
            Content::Layer => session.client.blob(repository, digest, limit).await?,
        };
        let actual = sha256_digest(&bytes);
        if actual != digest {
            return Err(RepositoryError::Oci(OciError::DigestMismatch {
                what: content.name(),
                reference: key,
                expected: digest.to_string(),
                actual,
            }));
        }
        if let Some(cache) = cache {
            // A record beside the blob keeps it listed by `cache ls` and alive in `cache prune`.
            let (_, bytes) = cache
                .store_async(self.entry(key, "", Lifetime::Immutable), bytes)
                .await
                .map_err(FetchError::from)?;
            return Ok(bytes);
        }
        Ok(bytes)
    }
}

/// What is fetched by digest: the endpoint differs.
#[derive(Debug, Clone, Copy)]
enum Content {
    Manifest,
    Layer,
}

impl Content {
    fn name(self) -> &'static str {
        match self {
            Content::Manifest => "manifest",
            Content::Layer => "layer",
        }
    }
}

fn is_sha256(digest: &str) -> bool {
    digest
        .strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}
