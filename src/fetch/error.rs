//! Why a download failed. Each error names the URL; the repository layer adds provider and
//! version.

use super::ATTEMPTS;
use super::cache::CacheError;

/// Errors of the fetch layer.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// 404 or 410 (possibly remembered from a recent attempt).
    #[error("{url} was not found (404)")]
    NotFound {
        /// The URL.
        url: String,
    },
    /// GitHub's budget is exhausted.
    #[error(
        "rate limit for github api has been reached ({url}): {detail}. Set GITHUB_TOKEN (5000 requests per hour instead of 60), point the provider at a mirror (file://, https:// or oci:// URL), or use --offline to work from the cache"
    )]
    RateLimited {
        /// The URL that was refused.
        url: String,
        /// When the budget resets, in words.
        detail: String,
    },
    /// Another HTTP status.
    #[error("{url} answered {status}{}", if .body.is_empty() { String::new() } else { format!(": {}", .body) })]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// The start of the body, for context.
        body: String,
    },
    /// The request never got an answer (DNS, connection, TLS, timeout, reset).
    #[error(
        "failed to get {url}: {reason} (after {ATTEMPTS} attempts; check the address, the network and any proxy settings, or use --offline to work from the cache)"
    )]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong, with causes (see [`FetchError::transport`]).
        reason: String,
    },
    /// Offline and not in the cache.
    #[error("{url} is not in the cache and --offline forbids network access; {}", .hint.as_deref().unwrap_or("run the same command without --offline to fetch it"))]
    Offline {
        /// The URL.
        url: String,
        /// The command that would fetch it.
        hint: Option<String>,
    },
    /// A remote clusterctl.yaml (`--config URL`) was asked for with `--offline`.
    #[error(
        "failed to download the clusterctl config file from {url}: --offline forbids network access; download it and pass its path to --config"
    )]
    ConfigOffline {
        /// The URL given with `--config`.
        url: String,
    },
    /// The server of a remote clusterctl.yaml answered an error status (404 included).
    #[error("failed to download the clusterctl config file from {url} got {status}")]
    ConfigStatus {
        /// The URL given with `--config`.
        url: String,
        /// The status code.
        status: u16,
    },
    /// A remote clusterctl.yaml could not be downloaded for another reason.
    #[error("failed to download the clusterctl config file from {url}: {source}")]
    ConfigDownload {
        /// The URL given with `--config`.
        url: String,
        /// What went wrong.
        #[source]
        source: Box<FetchError>,
    },
    /// The cache could not be written.
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl FetchError {
    /// True for a 404/410.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FetchError::NotFound { .. })
    }

    /// A request to `url` that got no answer, with the causes of `error` in words. Every
    /// backend that sends its own requests (OCI) reports transport failures through this.
    pub fn transport(url: impl Into<String>, error: &reqwest::Error) -> FetchError {
        FetchError::Transport {
            url: url.into(),
            reason: describe(error),
        }
    }
}

/// A transport error in words, with its causes.
pub fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "timed out".to_string()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
