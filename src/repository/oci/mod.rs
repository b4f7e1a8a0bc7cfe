//! OCI registries: provider releases published as OCI artifacts, one repository per provider
//! and one tag per version.
//!
//! Provider URLs (clusterctl.yaml `providers[].url`):
//!
//! | form | meaning |
//! |---|---|
//! | `oci://{registry}/{repository}:{latest\|tag}/{components file}` | clusterctl's shape: version then file |
//! | `oci://{registry}/{repository}[:{latest\|tag}]` | the components file is the type's default (`core-components.yaml`, …) |
//! | `oci://{registry}/{repository}[:{tag}]@sha256:{digest}[/{file}]` | pinned to one manifest; its version is the tag, else the manifest's `org.opencontainers.image.version` |
//!
//! `latest` (or no tag) lists the repository's tags, keeps the semantic versions and resolves
//! them as for GitHub; a `latest` tag in the registry is never trusted. A repository whose last
//! path element looks like `{type}-{name}` (`core-cluster-api`, CAEP #14033) must be this
//! provider's.
//!
//! Inside an artifact, a file is the layer whose `org.opencontainers.image.title` is its name;
//! the components and metadata files also answer to the Cluster API Operator's names
//! (`{type}-{name}-{version}-components.yaml`, `{type}-components.yaml`, `components.yaml`;
//! `{type}-{name}-{version}-metadata.yaml`). When no title matches and the artifact has exactly
//! one `tar`/`tar+gzip` layer, that archive is read (files at its root or under one folder).
//!
//! Everything goes through the disk cache: tag lists and manifests by tag are mutable (fresh
//! for the TTL, then revalidated with a `HEAD`), manifests by digest and layers are immutable
//! and verified by digest. Offline, nothing touches the network.

mod artifact;
mod auth;
mod cached;
mod challenge;
mod error;
mod publish;
mod reference;
mod registry;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tokio::sync::{Mutex, OnceCell};

pub use auth::{Credential, ResolvedCredential};
pub use error::OciError;
pub use publish::{
    ArtifactLayer, PushedArtifact, ReleaseArtifact, push_artifact, push_release, release_manifest,
};
pub use reference::{OciUrl, default_components_file};

use self::artifact::Manifest;
use self::registry::RegistryClient;
use super::{Repository, RepositoryError};
use crate::config::{Config, Env, ProviderConfig};
use crate::fetch::Fetcher;
use crate::provider::ProviderType;
use crate::version::Version;

/// A provider repository in an OCI registry.
pub struct OciRepository {
    url: String,
    location: OciUrl,
    provider_type: ProviderType,
    name: String,
    components_file: String,
    env: Env,
    plain_http_hosts: Vec<String>,
    fetcher: Fetcher,
    hint: String,
    session: OnceCell<Session>,
    /// Tags as listed, by the version they parse to (`1.2.3` may be asked for as `v1.2.3`).
    tags: Mutex<HashMap<String, String>>,
    /// What this run already read or revalidated: the tag list and manifests by tag, so
    /// that a stale entry costs one request per run, not one per file.
    seen_tags: Mutex<Option<Vec<String>>>,
    seen_manifests: Mutex<HashMap<String, Vec<u8>>>,
    /// Archives already unpacked, by layer digest.
    archives: Mutex<HashMap<String, Arc<ArchiveFiles>>>,
}

/// The files of an unpacked archive layer, by path.
type ArchiveFiles = BTreeMap<String, Vec<u8>>;

/// The registry client and the cache identity of its credentials.
struct Session {
    client: RegistryClient,
    identity: String,
}

impl OciRepository {
    /// Opens the repository behind `provider.url` (an `oci://` URL).
    pub fn open(
        provider: &ProviderConfig,
        config: &Config,
        fetcher: &Fetcher,
        hint: String,
    ) -> Result<OciRepository, RepositoryError> {
        let url = provider.url.as_str();
        let invalid = |reason: String| RepositoryError::InvalidUrl {
            url: url.to_string(),
            reason,
        };
        let location = OciUrl::parse(url).map_err(invalid)?;
        reference::check_repository_name(&location, provider.provider_type, &provider.name)
            .map_err(invalid)?;
        let components_file = location
            .file
            .clone()
            .unwrap_or_else(|| default_components_file(provider.provider_type).to_string());
        Ok(OciRepository {
            url: url.to_string(),
            plain_http_hosts: plain_http_hosts(&location.registry, config),
            location,
            provider_type: provider.provider_type,
            name: provider.name.clone(),
            components_file,
            env: config.env().clone(),
            fetcher: fetcher.clone(),
            hint,
            session: OnceCell::new(),
            tags: Mutex::new(HashMap::new()),
            seen_tags: Mutex::new(None),
            seen_manifests: Mutex::new(HashMap::new()),
            archives: Mutex::new(HashMap::new()),
        })
    }

    /// Resolves the credentials once (also offline: they decide the cache identity).
    async fn session(&self) -> Result<&Session, RepositoryError> {
        self.session
            .get_or_try_init(|| async {
                let registry = &self.location.registry;
                let credential = auth::resolve(registry, &self.env).await?;
                tracing::debug!(registry, credentials = %credential.source, "OCI registry");
                let identity =
                    crate::fetch::identity(credential.credential.identity_text().as_deref());
                let client = RegistryClient::new(
                    self.fetcher.http()?.clone(),
                    registry,
                    self.plain_http_hosts.clone(),
                    credential,
                    self.fetcher.retry_delay(),
                );
                Ok::<Session, RepositoryError>(Session { client, identity })
            })
            .await
    }

    /// `oci://registry/repository:tag` (or `@digest`) for messages and cache keys.
    fn reference(&self, reference: &str) -> String {
        let separator = if reference.starts_with("sha256:") {
            '@'
        } else {
            ':'
        };
        format!("{}{separator}{reference}", self.location.repository_url())
    }

    /// The version a digest-pinned URL stands for.
    async fn pinned_version(&self, digest: &str) -> Result<String, RepositoryError> {
        if let Some(tag) = &self.location.tag {
            return Ok(tag.clone());
        }
        let session = self.session().await?;
        let (manifest, _) = self.image_manifest(session, digest).await?;
        manifest
            .annotations
            .get(artifact::VERSION)
            .cloned()
            .ok_or_else(|| {
                RepositoryError::Oci(OciError::UnknownVersion {
                    reference: self.reference(digest),
                })
            })
    }

    /// The manifest reference (tag or digest) holding `version`.
    async fn manifest_reference(&self, version: &str) -> Result<String, RepositoryError> {
        if let Some(digest) = &self.location.digest {
            let pinned = self.pinned_version(digest).await?;
            if !same_version(&pinned, version) {
                return Err(RepositoryError::NotFound {
                    what: format!(
                        "{} pins {} (version {pinned}); version {version} is not available through it",
                        self.url,
                        self.reference(digest)
                    ),
                    source: None,
                });
            }
            return Ok(digest.clone());
        }
        let tags = self.tags.lock().await;
        Ok(tags
            .get(&normalize(version))
            .cloned()
            .unwrap_or_else(|| version.to_string()))
    }

    /// The image manifest of `reference` (an index is resolved to its first manifest), and
    /// the reference text used in messages.
    async fn image_manifest(
        &self,
        session: &Session,
        reference: &str,
    ) -> Result<(Manifest, String), RepositoryError> {
        let display = self.reference(reference);
        let bytes = if reference.starts_with("sha256:") {
            self.manifest_by_digest(session, reference).await?
        } else {
            self.manifest_by_tag(session, reference).await?
        };
        let manifest = Manifest::parse(&bytes, &display)?;
        if !manifest.is_index() {
            return Ok((manifest, display));
        }
        let Some(first) = manifest.manifests.first() else {
            return Err(RepositoryError::Oci(OciError::InvalidManifest {
                reference: display,
                reason: "the index lists no manifests".into(),
            }));
        };
        let child = self.reference(&first.digest);
        let bytes = self.manifest_by_digest(session, &first.digest).await?;
        let manifest = Manifest::parse(&bytes, &child)?;
        if manifest.is_index() {
            return Err(RepositoryError::Oci(OciError::InvalidManifest {
                reference: child,
                reason: "an index inside an index is not supported".into(),
            }));
        }
        Ok((manifest, display))
    }

    /// The bytes of `wanted` in release `version`.
    async fn read_file(&self, version: &str, wanted: &str) -> Result<Vec<u8>, RepositoryError> {
        let session = self.session().await?;
        let reference = self.manifest_reference(version).await?;
        let (manifest, shown) = self.image_manifest(session, &reference).await?;
        manifest.check_titles(&shown)?;
        for key in [artifact::VERSION, artifact::TITLE] {
            if !manifest.annotations.contains_key(key) {
                tracing::debug!(reference = %shown, annotation = key, "OCI artifact lacks a recommended annotation");
            }
        }
        let names = reference::candidate_names(
            wanted,
            &self.components_file,
            self.provider_type,
            &self.name,
            version,
        );
        if let Some(layer) = manifest.layer_titled(&names) {
            return self.layer(session, layer, &shown).await;
        }
        let mut contents = manifest.titles();
        if let Some(layer) = manifest.single_archive() {
            let files = self.unpacked(session, layer, &shown).await?;
            if let Some(bytes) = names.iter().find_map(|n| files.get(n)) {
                return Ok(bytes.clone());
            }
            contents = files.keys().cloned().collect();
        }
        Err(RepositoryError::NotFound {
            what: format!(
                "{shown} has no file {wanted:?}{}; the artifact contains: {}",
                if names.len() > 1 {
                    format!(" (also looked for {})", names[1..].join(", "))
                } else {
                    String::new()
                },
                if contents.is_empty() {
                    "nothing".to_string()
                } else {
                    contents.join(", ")
                }
            ),
            source: None,
        })
    }

    /// The files of an archive layer, unpacked once per run.
    async fn unpacked(
        &self,
        session: &Session,
        layer: &artifact::Descriptor,
        display: &str,
    ) -> Result<Arc<ArchiveFiles>, RepositoryError> {
        if let Some(files) = self.archives.lock().await.get(&layer.digest) {
            return Ok(files.clone());
        }
        let bytes = self.layer(session, layer, display).await?;
        let files = Arc::new(artifact::unpack(&bytes, display, &layer.digest)?);
        self.archives
            .lock()
            .await
            .insert(layer.digest.clone(), files.clone());
        Ok(files)
    }
}

/// Registries reached over plain HTTP: loopback ones and those under `insecure-registries`.
fn plain_http_hosts(registry: &str, config: &Config) -> Vec<String> {
    let mut hosts = config.insecure_registries().unwrap_or_default();
    if super::github::is_loopback(registry) {
        hosts.push(registry.to_string());
    }
    hosts
}

/// The canonical text of a version (`v1.2.3` for `1.2.3`), or the text itself.
fn normalize(version: &str) -> String {
    version
        .parse::<Version>()
        .map_or_else(|_| version.to_string(), |v| v.tag())
}

fn same_version(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

impl Repository for OciRepository {
    async fn versions(&self) -> Result<Vec<String>, RepositoryError> {
        if let Some(digest) = &self.location.digest {
            return Ok(vec![self.pinned_version(digest).await?]);
        }
        let session = self.session().await?;
        let tags = self.tag_list(session).await?;
        let mut known = self.tags.lock().await;
        let mut versions = Vec::new();
        for tag in tags {
            if tag == "latest" {
                continue;
            }
            if let Ok(version) = tag.parse::<Version>() {
                known.insert(version.tag(), tag.clone());
                versions.push(tag);
            }
        }
        Ok(versions)
    }

    async fn file(&self, version: &str, path: &str) -> Result<Vec<u8>, RepositoryError> {
        self.read_file(version, path).await
    }
}
