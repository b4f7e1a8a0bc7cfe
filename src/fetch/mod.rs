//! Network access and the disk cache. Every download capictl makes goes through [`Fetcher`]:
//! it answers from the cache when it may, revalidates with `If-None-Match` when an entry is
//! stale, retries transient failures, keeps GitHub's rate limit in view (at most four requests
//! at a time, failing at once when the budget is gone) and, offline, never touches the network.

pub mod cache;
pub mod clock;
mod error;
mod github_limit;
pub mod retry;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use cache::{Cache, Cached, Entry, Lifetime};
pub use error::{FetchError, describe};
use github_limit::GitHubLimit;
pub use retry::Backoff;

/// How long one request may take, end to end (clusterctl uses 30 s).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts for transient failures (5xx, resets, truncated bodies).
pub const ATTEMPTS: u32 = 4;

/// What a request is, for accounting and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// A GitHub REST API call (counts against the rate limit).
    Api,
    /// A Go module proxy call.
    Proxy,
    /// A file download (release asset, mirror file, GitLab package).
    Download,
    /// Anything else (remote configuration, template URLs).
    Other,
}

impl RequestKind {
    fn as_str(self) -> &'static str {
        match self {
            RequestKind::Api => "api",
            RequestKind::Proxy => "proxy",
            RequestKind::Download => "download",
            RequestKind::Other => "other",
        }
    }
}

/// One GET request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The URL.
    pub url: String,
    /// Accounting class.
    pub kind: RequestKind,
    /// How the answer may be reused; `None` means never cached.
    pub lifetime: Option<Lifetime>,
    /// Value of the `Authorization` header, if any.
    pub authorization: Option<String>,
    /// Value of the `Accept` header, if any.
    pub accept: Option<&'static str>,
    /// Whether GitHub's rate-limit rules apply.
    pub github: bool,
    /// The command that would fetch this item, named when it is missing offline.
    pub fetch_hint: Option<String>,
}

impl Request {
    /// A plain, uncached GET.
    pub fn get(url: impl Into<String>, kind: RequestKind) -> Request {
        Request {
            url: url.into(),
            kind,
            lifetime: None,
            authorization: None,
            accept: None,
            github: false,
            fetch_hint: None,
        }
    }

    /// Caches the answer with `lifetime`.
    pub fn cached(mut self, lifetime: Lifetime) -> Request {
        self.lifetime = Some(lifetime);
        self
    }

    /// Names `hint`, the command that would fetch this item, when it is missing offline.
    pub fn hinted(mut self, hint: &str) -> Request {
        self.fetch_hint = Some(hint.to_string());
        self
    }
}

/// Counters of what a [`Fetcher`] did, for logs and benchmarks.
#[derive(Debug, Default)]
pub struct Stats {
    api: AtomicU64,
    proxy: AtomicU64,
    download: AtomicU64,
    other: AtomicU64,
    cache_hits: AtomicU64,
    not_modified: AtomicU64,
}

/// A snapshot of [`Stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// GitHub REST API requests sent.
    pub api: u64,
    /// Go proxy requests sent.
    pub proxy: u64,
    /// File downloads sent.
    pub download: u64,
    /// Other requests sent.
    pub other: u64,
    /// Answers served from the cache without a request.
    pub cache_hits: u64,
    /// Conditional requests answered 304.
    pub not_modified: u64,
}

/// Settings of a [`Fetcher`].
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The cache folder; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Never use the network.
    pub offline: bool,
    /// Freshness of mutable entries.
    pub ttl: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// First retry delay; doubles on each attempt.
    pub retry_base: Duration,
}

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            cache_dir: None,
            offline: false,
            ttl: cache::DEFAULT_TTL,
            timeout: DEFAULT_TIMEOUT,
            retry_base: Duration::from_millis(500),
        }
    }
}

/// The HTTP client and cache shared by every repository of a run.
#[derive(Debug, Clone)]
pub struct Fetcher {
    /// Built on first use: loading the system's root certificates costs more than rendering a
    /// template from a local repository.
    client: Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
    cache: Option<Cache>,
    options: FetchOptions,
    github: Arc<GitHubLimit>,
    stats: Arc<Stats>,
}

impl Fetcher {
    /// A fetcher with `options`; the HTTP client itself is built on first use.
    pub fn new(options: FetchOptions) -> Fetcher {
        Fetcher {
            client: Arc::new(std::sync::OnceLock::new()),
            cache: options.cache_dir.clone().map(Cache::new),
            options,
            github: Arc::new(GitHubLimit::default()),
            stats: Arc::new(Stats::default()),
        }
    }

    /// The underlying HTTP client, built on first use.
    pub fn http(&self) -> Result<&reqwest::Client, FetchError> {
        let timeout = self.options.timeout;
        self.client
            .get_or_init(|| {
                let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
                reqwest::Client::builder()
                    .timeout(timeout)
                    .connect_timeout(timeout.min(Duration::from_secs(10)))
                    .user_agent(concat!("capictl/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| describe(&e))
            })
            .as_ref()
            .map_err(|reason| FetchError::Transport {
                url: String::new(),
                reason: format!("failed to build the HTTP client: {reason}"),
            })
    }

    /// The cache, if enabled.
    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    /// Whether network access is forbidden.
    pub fn offline(&self) -> bool {
        self.options.offline
    }

    /// Freshness of mutable entries.
    pub fn ttl(&self) -> Duration {
        self.options.ttl
    }

    /// The first retry delay (doubling on each attempt), for backends that send their own
    /// requests.
    pub fn retry_delay(&self) -> Duration {
        self.options.retry_base
    }

    /// What this fetcher did so far.
    pub fn stats(&self) -> StatsSnapshot {
        let s = &self.stats;
        StatsSnapshot {
            api: s.api.load(Ordering::Relaxed),
            proxy: s.proxy.load(Ordering::Relaxed),
            download: s.download.load(Ordering::Relaxed),
            other: s.other.load(Ordering::Relaxed),
            cache_hits: s.cache_hits.load(Ordering::Relaxed),
            not_modified: s.not_modified.load(Ordering::Relaxed),
        }
    }

    fn count(&self, kind: RequestKind) {
        let counter = match kind {
            RequestKind::Api => &self.stats.api,
            RequestKind::Proxy => &self.stats.proxy,
            RequestKind::Download => &self.stats.download,
            RequestKind::Other => &self.stats.other,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Gets `request.url`, through the cache when the request allows it.
    pub async fn get(&self, request: &Request) -> Result<Vec<u8>, FetchError> {
        let identity = identity(request.authorization.as_deref());
        let cached = match (&self.cache, request.lifetime) {
            (Some(cache), Some(_)) => cache.lookup_async(&request.url, &identity).await,
            _ => None,
        };
        if let Some(hit) = &cached
            && (self.options.offline || hit.entry.is_fresh(self.options.ttl))
        {
            self.stats.cache_hits.fetch_add(1, Ordering::Relaxed);
            tracing::trace!(url = %request.url, "Using cached");
            return match hit.entry.lifetime {
                Lifetime::NotFound => Err(FetchError::NotFound {
                    url: request.url.clone(),
                }),
                _ => Ok(hit.bytes.clone()),
            };
        }
        if self.options.offline {
            return Err(FetchError::Offline {
                url: request.url.clone(),
                hint: request.fetch_hint.clone(),
            });
        }
        let revalidate = cached
            .as_ref()
            .filter(|c| c.entry.lifetime == Lifetime::Mutable);
        let answer = self
            .send_with_retries(request, revalidate.map(|c| &c.entry))
            .await;
        self.record(request, &identity, cached, answer).await
    }

    /// Stores the answer in the cache (when allowed) and turns it into the caller's result.
    async fn record(
        &self,
        request: &Request,
        identity: &str,
        cached: Option<Cached>,
        answer: Result<Answer, FetchError>,
    ) -> Result<Vec<u8>, FetchError> {
        let store = self.cache.as_ref().zip(request.lifetime);
        match answer {
            Ok(Answer::NotModified) => {
                self.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                let Some(mut hit) = cached else {
                    return Err(FetchError::Status {
                        url: request.url.clone(),
                        status: 304,
                        body: "not modified, but nothing is cached".into(),
                    });
                };
                hit.entry.fetched_at = clock::now_secs();
                if let Some((cache, _)) = store {
                    cache.write_entry_async(hit.entry).await?;
                }
                Ok(hit.bytes)
            }
            Ok(Answer::Body {
                bytes,
                etag,
                last_modified,
            }) => {
                if let Some((cache, lifetime)) = store {
                    let entry = Entry {
                        key: request.url.clone(),
                        identity: identity.to_string(),
                        digest: String::new(),
                        size: 0,
                        etag,
                        last_modified,
                        fetched_at: clock::now_secs(),
                        lifetime,
                    };
                    return Ok(cache.store_async(entry, bytes).await?.1);
                }
                Ok(bytes)
            }
            Err(FetchError::NotFound { url }) => {
                if let Some((cache, _)) = store {
                    let entry = Entry {
                        key: url.clone(),
                        identity: identity.to_string(),
                        digest: String::new(),
                        size: 0,
                        etag: None,
                        last_modified: None,
                        fetched_at: clock::now_secs(),
                        lifetime: Lifetime::NotFound,
                    };
                    cache.write_entry_async(entry).await?;
                }
                Err(FetchError::NotFound { url })
            }
            Err(e) => Err(e),
        }
    }

    async fn send_with_retries(
        &self,
        request: &Request,
        revalidate: Option<&Entry>,
    ) -> Result<Answer, FetchError> {
        let mut backoff = Backoff::new(ATTEMPTS, self.options.retry_base);
        loop {
            let (error, after) = match self.send_once(request, revalidate).await {
                Err(Failure::Retry { error, after }) => (error, after),
                other => return other.map_err(Failure::into_error),
            };
            let attempt = backoff.attempt();
            let Some(wait) = backoff.next_delay(after) else {
                return Err(error);
            };
            tracing::debug!(url = %request.url, attempt, "Retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(
        &self,
        request: &Request,
        revalidate: Option<&Entry>,
    ) -> Result<Answer, Failure> {
        let _permit = if request.github {
            self.github
                .check_budget(&request.url)
                .map_err(Failure::Final)?;
            Some(self.github.acquire().await)
        } else {
            None
        };
        let mut builder = self.http().map_err(Failure::Final)?.get(&request.url);
        if let Some(auth) = &request.authorization {
            builder = builder.header(reqwest::header::AUTHORIZATION, auth);
        }
        if let Some(accept) = request.accept {
            builder = builder.header(reqwest::header::ACCEPT, accept);
        }
        if let Some(entry) = revalidate {
            if let Some(etag) = &entry.etag {
                builder = builder.header(reqwest::header::IF_NONE_MATCH, etag);
            } else if let Some(modified) = &entry.last_modified {
                builder = builder.header(reqwest::header::IF_MODIFIED_SINCE, modified);
            }
        }
        self.count(request.kind);
        let transport = |e: reqwest::Error| Failure::Retry {
            error: FetchError::transport(&request.url, &e),
            after: None,
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        tracing::trace!(url = %request.url, status, kind = request.kind.as_str(), "GET");
        if request.github {
            self.github.observe(response.headers());
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        match status {
            200 => {
                let etag = header(reqwest::header::ETAG);
                let last_modified = header(reqwest::header::LAST_MODIFIED);
                let bytes = response.bytes().await.map_err(transport)?;
                Ok(Answer::Body {
                    bytes: bytes.to_vec(),
                    etag,
                    last_modified,
                })
            }
            304 => Ok(Answer::NotModified),
            404 | 410 => Err(Failure::Final(FetchError::NotFound {
                url: request.url.clone(),
            })),
            403 | 429 if request.github => {
                Err(self
                    .github
                    .refused(&request.url, status, response.headers()))
            }
            429 | 500..=599 => {
                let after = github_limit::retry_after(response.headers())
                    .filter(|d| *d <= Duration::from_secs(60));
                let body = excerpt(&response.text().await.unwrap_or_default());
                Err(Failure::Retry {
                    error: FetchError::Status {
                        url: request.url.clone(),
                        status,
                        body,
                    },
                    after,
                })
            }
            _ => {
                let body = excerpt(&response.text().await.unwrap_or_default());
                Err(Failure::Final(FetchError::Status {
                    url: request.url.clone(),
                    status,
                    body,
                }))
            }
        }
    }

    /// Downloads a remote clusterctl.yaml (never cached).
    pub async fn get_config(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        if self.options.offline {
            return Err(FetchError::ConfigOffline { url: url.into() });
        }
        self.get(&Request::get(url, RequestKind::Other))
            .await
            .map_err(|e| match e {
                FetchError::NotFound { .. } => FetchError::ConfigStatus {
                    url: url.into(),
                    status: 404,
                },
                FetchError::Status { status, .. } => FetchError::ConfigStatus {
                    url: url.into(),
                    status,
                },
                other => FetchError::ConfigDownload {
                    url: url.into(),
                    source: Box::new(other),
                },
            })
    }
}

/// Outcome of one attempt.
enum Answer {
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    NotModified,
}

/// A failed attempt: worth retrying (optionally after a server-given delay) or not.
enum Failure {
    Retry {
        error: FetchError,
        after: Option<Duration>,
    },
    Final(FetchError),
}

impl Failure {
    fn into_error(self) -> FetchError {
        match self {
            Failure::Retry { error, .. } | Failure::Final(error) => error,
        }
    }
}

/// A short, stable hash of the credentials, so cache entries (and ETags) stay per token.
/// Empty when anonymous. Backends with their own requests (OCI) key their entries with it too.
pub fn identity(authorization: Option<&str>) -> String {
    match authorization {
        None => String::new(),
        Some(auth) => Sha256::digest(auth.as_bytes())[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    }
}

fn excerpt(body: &str) -> String {
    let line = body.lines().next().unwrap_or_default().trim();
    line.chars().take(200).collect()
}
