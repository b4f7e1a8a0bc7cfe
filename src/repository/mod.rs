//! Provider repositories: where a provider's releases live, which versions exist, and the bytes
//! of each release file. Backends are chosen from the provider URL; version resolution,
//! metadata and the overrides folder are shared code above them.

pub mod github;
mod gitlab;
pub mod goproxy;
mod local;
mod metadata;
pub mod mirror;
pub mod oci;
mod overrides;
mod upgrade_info;
mod url_defaults;
mod versions;

use std::path::PathBuf;

use futures::future::BoxFuture;

pub use github::GitHubRepository;
pub use gitlab::GitLabRepository;
pub use local::LocalRepository;
pub use metadata::{METADATA_FILE, Metadata, MetadataError, ReleaseSeries};
pub use mirror::MirrorRepository;
pub use oci::{OciError, OciRepository};
pub use overrides::Overrides;
pub use upgrade_info::UpgradeInfo;
pub use url_defaults::UrlDefaults;
pub use versions::{latest_contract_release, latest_patch_release};

use crate::config::{Config, ConfigError, ProviderConfig};
use crate::fetch::{FetchError, Fetcher};

pub use crate::provider::{COMPATIBLE_CONTRACTS, CURRENT_CONTRACT};

/// One backend: answers which versions exist and what the bytes of a file at a version are.
/// What the provider URL names besides (default version, components file) is read once by
/// [`ProviderRepository`], see [`UrlDefaults`]. Implement it with `async fn`s; the layers above
/// hold backends as [`DynRepository`] trait objects.
pub trait Repository: Send + Sync {
    /// Every version the repository has (tags; unsorted, may include non-semver entries).
    fn versions(&self) -> impl Future<Output = Result<Vec<String>, RepositoryError>> + Send;
    /// The bytes of `path` in release `version`. A missing file is [`RepositoryError::NotFound`].
    fn file(
        &self,
        version: &str,
        path: &str,
    ) -> impl Future<Output = Result<Vec<u8>, RepositoryError>> + Send;
}

/// [`Repository`] as a trait object (`Box<dyn DynRepository>`); every [`Repository`] is one.
pub trait DynRepository: Send + Sync {
    /// [`Repository::versions`], boxed.
    fn versions(&self) -> BoxFuture<'_, Result<Vec<String>, RepositoryError>>;
    /// [`Repository::file`], boxed.
    fn file<'a>(
        &'a self,
        version: &'a str,
        path: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, RepositoryError>>;
}

impl<R: Repository> DynRepository for R {
    fn versions(&self) -> BoxFuture<'_, Result<Vec<String>, RepositoryError>> {
        Box::pin(Repository::versions(self))
    }

    fn file<'a>(
        &'a self,
        version: &'a str,
        path: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, RepositoryError>> {
        Box::pin(Repository::file(self, version, path))
    }
}

/// Errors of the repository layer.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// The provider URL does not describe a repository this backend understands.
    #[error("{reason}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// Why it is invalid (clusterctl's message).
        reason: String,
    },
    /// Plain `http://` to a host that is neither loopback nor listed as insecure.
    #[error(
        "invalid provider url {url:?}: plain http is allowed only on loopback or for hosts listed under insecure-registries; use https"
    )]
    PlainHttp {
        /// The provider URL.
        url: String,
    },
    /// A URL scheme no backend serves.
    #[error("invalid provider url. there are no provider implementation for {scheme:?} schema")]
    UnsupportedScheme {
        /// The provider URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The GitHub API answered a release list that is not one.
    #[error(
        "failed to get the list of releases: the GitHub API answered something that is not a release list: {source}"
    )]
    InvalidReleaseList {
        /// The API URL.
        url: String,
        /// Why it is not a release list.
        #[source]
        source: serde_json::Error,
    },
    /// The GitHub API answered a release that is not JSON.
    #[error("failed to read release {version:?}: invalid JSON from the GitHub API: {source}")]
    InvalidRelease {
        /// The release tag.
        version: String,
        /// The API URL.
        url: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The GitHub contents API answered without a base64 file.
    #[error("failed to get {url}: the GitHub contents API did not return a base64 file")]
    InvalidContents {
        /// The template URL asked for.
        url: String,
    },
    /// A GitLab package file answered an error status other than 404.
    #[error(
        "failed to get file {file:?} with version {version:?} from {url:?}{}",
        if *.status == 401 { ": unauthorized access, please check your credentials (gitlab-access-token)".to_string() } else { format!(", got {}", .status) }
    )]
    PackageStatus {
        /// The file asked for.
        file: String,
        /// The package version.
        version: String,
        /// The package file URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// An HTTP mirror has no `index.yaml` to list its versions.
    #[error(
        "failed to list releases: the mirror has no {url}; write it with `capictl mirror`, or name an explicit version instead of latest"
    )]
    MissingMirrorIndex {
        /// The index URL.
        url: String,
    },
    /// An HTTP mirror's `index.yaml` cannot be read.
    #[error("invalid mirror index {url}: {reason}")]
    InvalidMirrorIndex {
        /// The index URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A configuration value the repository layer reads (`github-hosts`, `overridesFolder`).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The file or release does not exist (a version probe skips such candidates).
    #[error("{what}")]
    NotFound {
        /// What was looked for, and where.
        what: String,
        /// The underlying error, if any.
        #[source]
        source: Option<std::io::Error>,
    },
    /// A local I/O failure.
    #[error("{action}: {path}")]
    Io {
        /// What was being done.
        action: String,
        /// The path involved.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No tag parses as a semantic version (or none has a metadata file).
    #[error("failed to find releases tagged with a valid semantic version number")]
    NoReleases,
    /// `metadata.yaml` is invalid.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// A download failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// An OCI registry refused a request, or an artifact cannot be read.
    #[error(transparent)]
    Oci(#[from] OciError),
    /// A lower-level error with the context clusterctl adds to it.
    #[error("{context}")]
    Context {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: Box<RepositoryError>,
    },
}

impl RepositoryError {
    /// Wraps `self` with `context`, as pkg/errors' Wrap does in clusterctl.
    pub fn context(self, context: impl Into<String>) -> RepositoryError {
        RepositoryError::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }

    /// True when the root cause is a missing file or release.
    pub fn is_not_found(&self) -> bool {
        match self {
            RepositoryError::NotFound { .. } => true,
            RepositoryError::Fetch(e) => e.is_not_found(),
            RepositoryError::Context { source, .. } => source.is_not_found(),
            _ => false,
        }
    }
}

/// Opens the backend for `provider`'s URL:
///
/// | URL | backend |
/// |---|---|
/// | `https://github.com/...` or a host under `github-hosts` | [`GitHubRepository`] |
/// | `https://gitlab.*/api/v4/projects/...` | [`GitLabRepository`] |
/// | `oci://...` | [`OciRepository`] |
/// | any other `https://` (or loopback `http://`) | [`MirrorRepository`] |
/// | `file://...` or a path | [`LocalRepository`] |
pub fn open_backend(
    provider: &ProviderConfig,
    config: &Config,
    fetcher: &Fetcher,
) -> Result<Box<dyn DynRepository>, RepositoryError> {
    let url = provider.url.as_str();
    let label = provider.manifest_label();
    let hint = format!(
        "run `capictl generate provider {} {} --raw` (same configuration, without --offline) to fill the cache",
        provider.provider_type.flag(),
        provider.name
    );
    let github_hosts = config.github_hosts()?;
    let backend: Result<Box<dyn DynRepository>, RepositoryError> = match url_scheme(url) {
        None | Some("file") => LocalRepository::open(url, &label, config.base_dir())
            .map(|r| Box::new(r) as Box<dyn DynRepository>)
            .map_err(|e| e.context("error creating the local filesystem repository client")),
        Some("https" | "http") => {
            if let Some(parsed) = github::GitHubUrl::parse(url, &github_hosts) {
                parsed
                    .map(|location| {
                        Box::new(GitHubRepository::new(location, config, fetcher, hint))
                            as Box<dyn DynRepository>
                    })
                    .map_err(|e| e.context("error creating the GitHub repository client"))
            } else if GitLabRepository::matches(url) {
                GitLabRepository::open(url, config, fetcher, hint)
                    .map(|r| Box::new(r) as Box<dyn DynRepository>)
                    .map_err(|e| e.context("error creating the GitLab repository client"))
            } else if url.starts_with("https://") || insecure_allowed(url, config) {
                MirrorRepository::open(url, &label, fetcher, hint)
                    .map(|r| Box::new(r) as Box<dyn DynRepository>)
                    .map_err(|e| e.context("error creating the HTTP mirror repository client"))
            } else {
                Err(RepositoryError::PlainHttp {
                    url: url.to_string(),
                })
            }
        }
        Some("oci") => OciRepository::open(provider, config, fetcher, hint)
            .map(|r| Box::new(r) as Box<dyn DynRepository>)
            .map_err(|e| e.context("error creating the OCI repository client")),
        Some(other) => Err(RepositoryError::UnsupportedScheme {
            url: url.to_string(),
            scheme: other.to_string(),
        }),
    };
    backend.map_err(|e| {
        e.context(format!(
            "failed to get repository client for the {} with name {}",
            provider.provider_type, provider.name
        ))
    })
}

/// Whether plain `http://` may be used for `url`: loopback hosts, and hosts listed under the
/// configuration key `insecure-registries`.
pub fn insecure_allowed(url: &str, config: &Config) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default();
    github::is_loopback(host)
        || config
            .insecure_registries()
            .is_ok_and(|hosts| hosts.iter().any(|h| h == host))
}

/// The scheme of a URL (`https`), or `None` for a plain path. Windows drive letters are paths.
fn url_scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// A provider's repository together with what clusterctl layers on top of it: the version
/// and components file its URL names (with `latest` resolved) and the overrides folder.
pub struct ProviderRepository {
    provider: ProviderConfig,
    backend: Box<dyn DynRepository>,
    default_version: String,
    components_path: String,
    overrides: Overrides,
}

impl ProviderRepository {
    /// Opens the repository of `provider` and, when its URL says `latest`, resolves the newest
    /// stable release implementing the current contract.
    pub async fn open(
        provider: ProviderConfig,
        config: &Config,
        fetcher: &Fetcher,
    ) -> Result<ProviderRepository, RepositoryError> {
        let repository = Self::open_unresolved(provider, config, fetcher)?;
        repository.resolve_latest().await
    }

    /// Opens the repository of `provider` with `version` as its default version, without
    /// resolving `latest` (for repositories without `metadata.yaml`, like cert-manager's).
    pub fn open_at(
        provider: ProviderConfig,
        config: &Config,
        fetcher: &Fetcher,
        version: &str,
    ) -> Result<ProviderRepository, RepositoryError> {
        let mut repository = Self::open_unresolved(provider, config, fetcher)?;
        repository.default_version = version.to_string();
        Ok(repository)
    }

    /// Wraps an already opened backend (for library users with a backend of their own). The
    /// default version and components file are read from `provider.url` as
    /// [`UrlDefaults::of`] does (with no GitHub Enterprise hosts).
    pub async fn with_backend(
        provider: ProviderConfig,
        backend: Box<dyn DynRepository>,
        overrides: Overrides,
    ) -> Result<ProviderRepository, RepositoryError> {
        let defaults = UrlDefaults::of(&provider, &[]);
        Self::assemble(provider, backend, defaults, overrides)
            .resolve_latest()
            .await
    }

    /// The backend, the URL's defaults and the overrides folder, with `latest` unresolved.
    fn open_unresolved(
        provider: ProviderConfig,
        config: &Config,
        fetcher: &Fetcher,
    ) -> Result<ProviderRepository, RepositoryError> {
        let backend = open_backend(&provider, config, fetcher)?;
        let defaults = UrlDefaults::of(&provider, &config.github_hosts()?);
        let overrides = Overrides::from_config(config)?;
        Ok(Self::assemble(provider, backend, defaults, overrides))
    }

    fn assemble(
        provider: ProviderConfig,
        backend: Box<dyn DynRepository>,
        defaults: UrlDefaults,
        overrides: Overrides,
    ) -> ProviderRepository {
        ProviderRepository {
            provider,
            backend,
            default_version: defaults.version,
            components_path: defaults.components_path,
            overrides,
        }
    }

    /// Replaces a `latest` default version by the newest release implementing the current
    /// contract.
    async fn resolve_latest(mut self) -> Result<ProviderRepository, RepositoryError> {
        if self.default_version == "latest" {
            self.default_version = latest_contract_release(self.backend.as_ref(), CURRENT_CONTRACT)
                .await
                .map_err(|e| e.context("failed to get latest version"))
                .map_err(|e| {
                    e.context(format!(
                        "failed to get repository client for the {} with name {}",
                        self.provider.provider_type, self.provider.name
                    ))
                })?;
        }
        Ok(self)
    }

    /// The provider this repository belongs to.
    pub fn provider(&self) -> &ProviderConfig {
        &self.provider
    }

    /// The version used when none is asked for: the URL's, with `latest` resolved.
    pub fn default_version(&self) -> &str {
        &self.default_version
    }

    /// The components file name.
    pub fn components_path(&self) -> &str {
        &self.components_path
    }

    /// The provider URL.
    pub fn url(&self) -> &str {
        &self.provider.url
    }

    /// Every version the repository has.
    pub async fn versions(&self) -> Result<Vec<String>, RepositoryError> {
        self.backend.versions().await
    }

    /// A release file, from the overrides folder when it holds one. Returns the bytes and
    /// whether they came from an override. Errors carry clusterctl's context.
    pub async fn file(
        &self,
        version: &str,
        file: &str,
    ) -> Result<(Vec<u8>, bool), RepositoryError> {
        let label = self.provider.manifest_label();
        if let Some(bytes) = self.overrides.read(&label, version, file)? {
            return Ok((bytes, true));
        }
        tracing::trace!(file, provider = %self.provider.name, r#type = %self.provider.provider_type, version, "Fetching");
        let bytes = self.backend.file(version, file).await.map_err(|e| {
            e.context(format!(
                "failed to read {file:?} from provider's repository {label:?}"
            ))
        })?;
        Ok((bytes, false))
    }

    /// The raw components manifest at `version`.
    pub async fn components(&self, version: &str) -> Result<Vec<u8>, RepositoryError> {
        let path = self.components_path().to_string();
        let (bytes, overridden) = self.file(version, &path).await?;
        if overridden {
            tracing::info!(r#override = %path, provider = %self.provider.manifest_label(), version, "Using");
        }
        Ok(bytes)
    }

    /// A template or ClusterClass file at `version`.
    pub async fn template_file(
        &self,
        version: &str,
        file: &str,
    ) -> Result<Vec<u8>, RepositoryError> {
        let (bytes, overridden) = self.file(version, file).await?;
        if overridden {
            tracing::debug!(r#override = %file, provider = %self.provider.manifest_label(), version, "Using");
        }
        Ok(bytes)
    }

    /// The parsed `metadata.yaml` of `version`.
    pub async fn metadata(&self, version: &str) -> Result<Metadata, RepositoryError> {
        let label = self.provider.manifest_label();
        let (bytes, overridden) = self
            .file(version, METADATA_FILE)
            .await
            .map_err(|e| match e {
                RepositoryError::Context { source, .. } => source.context(format!(
                    "failed to read {METADATA_FILE:?} from the repository for provider {label:?}"
                )),
                other => other,
            })?;
        if overridden {
            tracing::debug!(r#override = METADATA_FILE, provider = %label, version, "Using");
        }
        Ok(Metadata::parse(&bytes, &label)?)
    }
}
