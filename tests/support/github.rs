//! An in-process stand-in for the parts of GitHub and of the Go module proxy that capictl
//! talks to, on one loopback address. It counts requests by kind, answers conditional
//! requests with 304, keeps a rate-limit budget like GitHub's REST API, and injects faults.
//!
//! Endpoints (`{o}/{r}` is matched case-insensitively, as GitHub does):
//!
//! * Go proxy: `GET /{module}/@v/list` and `/{module}/v{N}/@v/list`, where the module is
//!   `{any-host}/{o}/{r}` (capictl uses the `github-hosts` host without its port); capitals may
//!   be `!`-escaped. One tag per line; 404 for unknown modules and for majors without tags.
//! * Downloads: `GET /{o}/{r}/releases/download/{tag}/{file}`, and
//!   `/{o}/{r}/releases/latest/download/{file}` (a 302 to the tagged URL, as GitHub does).
//! * REST API under `/api/v3`: `/repos/{o}/{r}/releases` (paginated, `Link` header),
//!   `/releases/latest`, `/releases/tags/{tag}`, `/releases/assets/{id}` (JSON, or with
//!   `Accept: application/octet-stream` the bytes or a 302 to the download URL),
//!   `/repos/{o}/{r}/contents/{path}?ref={tag}` (a release's asset named `path`, base64 JSON or
//!   raw with `Accept: application/vnd.github.raw`) and `/rate_limit`.
//! * Control (never counted or recorded): `GET /_standin/counts` (the [`Counts`] as JSON) and
//!   `POST /_standin/reset` (zeroes counts and the request log).
//!
//! The server runs on its own thread and runtime, so a test may block (for example on a
//! `capictl` child process) without starving it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use base64::Engine;
use futures::StreamExt as _;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// What a request is, for counting. Decided from the path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Anything under `/api/v3` (including `/rate_limit`).
    Api,
    /// A Go module proxy path (containing `/@v/`).
    Proxy,
    /// `/{o}/{r}/releases/download/...` or `/{o}/{r}/releases/latest/download/...`.
    Download,
    /// Anything else (answered 404).
    Other,
}

/// Request counters. Every request the server reads is counted under its kind, whatever the
/// answer (faults included); the `*_not_modified` counters are the subset answered 304.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// REST API requests.
    pub api: u64,
    /// Go proxy requests.
    pub proxy: u64,
    /// Release downloads.
    pub download: u64,
    /// Other paths.
    pub other: u64,
    /// API requests answered 304.
    pub api_not_modified: u64,
    /// Proxy requests answered 304.
    pub proxy_not_modified: u64,
    /// Downloads answered 304.
    pub download_not_modified: u64,
    /// API requests that took one unit of the rate-limit budget (not 304s, not
    /// `/rate_limit`, not refused for an exhausted budget, not faulted).
    pub api_charged: u64,
    /// Requests on which an injected fault fired (each 404 of a tag without a release too).
    pub faults: u64,
}

impl Counts {
    /// All requests.
    pub fn total(&self) -> u64 {
        self.api + self.proxy + self.download + self.other
    }

    /// Requests of `kind`.
    pub fn of(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Api => self.api,
            Kind::Proxy => self.proxy,
            Kind::Download => self.download,
            Kind::Other => self.other,
        }
    }

    /// Requests of `kind` answered 304.
    pub fn not_modified(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Api => self.api_not_modified,
            Kind::Proxy => self.proxy_not_modified,
            Kind::Download => self.download_not_modified,
            Kind::Other => 0,
        }
    }

    /// One line of JSON.
    pub fn to_json(self) -> String {
        serde_json::to_string(&self).expect("counts serialize")
    }

    fn bump(&mut self, kind: Kind) {
        match kind {
            Kind::Api => self.api += 1,
            Kind::Proxy => self.proxy += 1,
            Kind::Download => self.download += 1,
            Kind::Other => self.other += 1,
        }
    }

    fn bump_not_modified(&mut self, kind: Kind) {
        match kind {
            Kind::Api => self.api_not_modified += 1,
            Kind::Proxy => self.proxy_not_modified += 1,
            Kind::Download => self.download_not_modified += 1,
            Kind::Other => {}
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, ...
    pub method: String,
    /// The path, as sent (still percent- and `!`-escaped).
    pub path: String,
    /// The query string, without `?`.
    pub query: Option<String>,
    /// Its kind.
    pub kind: Kind,
    /// The `Authorization` header, if sent (`.is_some()` for "present").
    pub authorization: Option<String>,
    /// The `If-None-Match` header, if sent.
    pub if_none_match: Option<String>,
    /// The `Accept` header, if sent.
    pub accept: Option<String>,
    /// The status answered; `None` while in flight, or when the connection was reset.
    pub status: Option<u16>,
    /// The fault that fired on it, if any (`"rate_limited"`, `"reset"`, ...).
    pub fault: Option<&'static str>,
}

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` = now + `reset_in`
    /// (GitHub's primary rate limit).
    RateLimited {
        /// Time until the advertised reset.
        reset_in: Duration,
    },
    /// 429 with `retry-after: {retry_after}` (seconds).
    TooManyRequests {
        /// The `retry-after` value, in seconds.
        retry_after: u64,
    },
    /// That status with a short body (500, 502, 503 ...).
    Status(u16),
    /// Reads the request, then closes the socket with a TCP reset and no HTTP answer.
    Reset,
    /// Waits this long, then answers normally.
    Slow(Duration),
    /// Answers normally but, for a 200 with a body, advertises the full `content-length`,
    /// sends at most `keep` bytes (never the whole body) and closes the connection.
    Truncated {
        /// Bytes sent before closing.
        keep: usize,
    },
    /// The Go proxy lists `tag` for `repo` (`owner/name`), but the release is missing:
    /// downloads, `releases/tags/{tag}`, its assets and contents at that ref 404, and the
    /// release list leaves it out. If a release with that tag exists it reappears once the
    /// fault has fired `times` times (a tag pushed before its assets). The fault's `kind`, if
    /// set, limits which requests see the release missing; `path` is ignored.
    TagWithoutRelease {
        /// `owner/name`.
        repo: String,
        /// The tag.
        tag: String,
    },
}

impl FaultAction {
    fn name(&self) -> &'static str {
        match self {
            FaultAction::RateLimited { .. } => "rate_limited",
            FaultAction::TooManyRequests { .. } => "too_many_requests",
            FaultAction::Status(_) => "status",
            FaultAction::Reset => "reset",
            FaultAction::Slow(_) => "slow",
            FaultAction::Truncated { .. } => "truncated",
            FaultAction::TagWithoutRelease { .. } => "tag_without_release",
        }
    }
}

/// A fault and the requests it applies to. The first active fault (in injection order) whose
/// filters match a request fires on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What it does.
    pub action: FaultAction,
    /// Only requests of this kind (all kinds when `None`).
    pub kind: Option<Kind>,
    /// Only requests whose path-and-query contains this.
    pub path_contains: Option<String>,
    /// Fires this many times, then is gone; `None` is forever.
    pub times: Option<u32>,
}

impl Fault {
    /// A fault for every request, forever.
    pub fn new(action: FaultAction) -> Fault {
        Fault {
            action,
            kind: None,
            path_contains: None,
            times: None,
        }
    }

    /// 403, primary rate limit exhausted, resetting in `reset_in`.
    pub fn rate_limited(reset_in: Duration) -> Fault {
        Fault::new(FaultAction::RateLimited { reset_in })
    }

    /// 429 with `retry-after: {secs}`.
    pub fn too_many_requests(retry_after_secs: u64) -> Fault {
        Fault::new(FaultAction::TooManyRequests {
            retry_after: retry_after_secs,
        })
    }

    /// Any status.
    pub fn status(code: u16) -> Fault {
        Fault::new(FaultAction::Status(code))
    }

    /// 500 Internal Server Error.
    pub fn server_error() -> Fault {
        Fault::status(500)
    }

    /// 502 Bad Gateway.
    pub fn bad_gateway() -> Fault {
        Fault::status(502)
    }

    /// Connection reset without an answer.
    pub fn reset() -> Fault {
        Fault::new(FaultAction::Reset)
    }

    /// Answer after `delay`.
    pub fn slow(delay: Duration) -> Fault {
        Fault::new(FaultAction::Slow(delay))
    }

    /// Send at most `keep` bytes of the body, then close.
    pub fn truncated(keep: usize) -> Fault {
        Fault::new(FaultAction::Truncated { keep })
    }

    /// The proxy lists `tag` of `repo` (`owner/name`) but the release 404s.
    pub fn tag_without_release(repo: &str, tag: &str) -> Fault {
        Fault::new(FaultAction::TagWithoutRelease {
            repo: repo.to_string(),
            tag: tag.to_string(),
        })
    }

    /// Only for requests of `kind`.
    pub fn on(mut self, kind: Kind) -> Fault {
        self.kind = Some(kind);
        self
    }

    /// Only for requests whose path-and-query contains `needle`.
    pub fn path(mut self, needle: &str) -> Fault {
        self.path_contains = Some(needle.to_string());
        self
    }

    /// Fire `n` times, then disappear.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }
}

/// One release: a tag and its assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandInRelease {
    /// The tag (`v1.13.5`).
    pub tag: String,
    /// Asset name → content.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl StandInRelease {
    /// A release without assets.
    pub fn new(tag: &str) -> StandInRelease {
        StandInRelease {
            tag: tag.to_string(),
            files: BTreeMap::new(),
        }
    }

    /// Adds an asset.
    pub fn with_file(mut self, name: &str, content: impl Into<Vec<u8>>) -> StandInRelease {
        self.files.insert(name.to_string(), content.into());
        self
    }
}

/// One GitHub repository. Releases are listed in the order given (GitHub lists newest
/// first; [`StandInRepo::from_layout`] sorts that way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandInRepo {
    /// Owner (`kubernetes-sigs`).
    pub owner: String,
    /// Name (`cluster-api`).
    pub repo: String,
    /// Releases, newest first.
    pub releases: Vec<StandInRelease>,
}

impl StandInRepo {
    /// A repository without releases.
    pub fn new(owner: &str, repo: &str) -> StandInRepo {
        StandInRepo {
            owner: owner.to_string(),
            repo: repo.to_string(),
            releases: Vec::new(),
        }
    }

    /// Reads `{root}/{label}/{version}/{file}` for each of `labels` (clusterctl's local
    /// repository layout); the files of one version, from all labels, become the assets of one
    /// release (on a name clash the first label wins). Releases are sorted newest first
    /// (semver order; tags that are not semver go last, by name). A missing label folder is
    /// skipped.
    pub fn from_layout(
        owner: &str,
        repo: &str,
        root: &Path,
        labels: &[&str],
    ) -> std::io::Result<StandInRepo> {
        let mut releases: BTreeMap<String, StandInRelease> = BTreeMap::new();
        for label in labels {
            let dir = root.join(label);
            if !dir.is_dir() {
                continue;
            }
            for version in std::fs::read_dir(&dir)? {
                let version = version?;
                if !version.file_type()?.is_dir() {
                    continue;
                }
                let tag = version.file_name().to_string_lossy().into_owned();
                let release = releases
                    .entry(tag.clone())
                    .or_insert_with(|| StandInRelease::new(&tag));
                for file in std::fs::read_dir(version.path())? {
                    let file = file?;
                    if !file.file_type()?.is_file() {
                        continue;
                    }
                    let name = file.file_name().to_string_lossy().into_owned();
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        release.files.entry(name)
                    {
                        slot.insert(std::fs::read(file.path())?);
                    }
                }
            }
        }
        let mut releases: Vec<StandInRelease> = releases.into_values().collect();
        releases.sort_by(|a, b| newest_first(&a.tag, &b.tag));
        Ok(StandInRepo {
            owner: owner.to_string(),
            repo: repo.to_string(),
            releases,
        })
    }
}

/// The repositories of a clusterctl local layout as GitHub has them:
/// `kubernetes-sigs/cluster-api` with the files of `cluster-api`, `bootstrap-kubeadm`,
/// `control-plane-kubeadm` and `infrastructure-docker` (one CAPI release ships all four), and
/// `cert-manager/cert-manager` with `cert-manager`.
pub fn clusterctl_repos(root: &Path) -> std::io::Result<Vec<StandInRepo>> {
    Ok(vec![
        StandInRepo::from_layout(
            "kubernetes-sigs",
            "cluster-api",
            root,
            &[
                "cluster-api",
                "bootstrap-kubeadm",
                "control-plane-kubeadm",
                "infrastructure-docker",
            ],
        )?,
        StandInRepo::from_layout("cert-manager", "cert-manager", root, &["cert-manager"])?,
    ])
}

fn semver_of(tag: &str) -> Option<semver::Version> {
    semver::Version::parse(tag.strip_prefix('v').unwrap_or(tag)).ok()
}

fn newest_first(a: &str, b: &str) -> std::cmp::Ordering {
    match (semver_of(a), semver_of(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The server. Dropping it stops it (the thread and every connection).
pub struct GitHubStandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl GitHubStandIn {
    /// Starts serving `repos` on `127.0.0.1` with an ephemeral port.
    pub async fn start(repos: Vec<StandInRepo>) -> GitHubStandIn {
        GitHubStandIn::start_blocking(repos)
    }

    /// [`GitHubStandIn::start`] for code without a runtime.
    pub fn start_blocking(repos: Vec<StandInRepo>) -> GitHubStandIn {
        GitHubStandIn::start_on(repos, 0).expect("start the GitHub stand-in")
    }

    /// Starts serving on `127.0.0.1:{port}` (0 for any free port).
    pub fn start_on(repos: Vec<StandInRepo>, port: u16) -> std::io::Result<GitHubStandIn> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(format!("http://{addr}"), repos));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("github-standin".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("stand-in runtime");
                runtime.block_on(async move {
                    let listener = ResettableListener(
                        TcpListener::from_std(listener).expect("stand-in listener"),
                    );
                    let app = Router::new().fallback(handle).with_state(state);
                    let server = axum::serve(
                        listener,
                        app.into_make_service_with_connect_info::<ConnHandle>(),
                    );
                    tokio::select! {
                        result = std::future::IntoFuture::into_future(server) => { let _ = result; }
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime here drops every open connection.
            })?;
        Ok(GitHubStandIn {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`, for the `github-hosts` key and `GOPROXY`.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A release URL as a provider `url` would name it:
    /// `http://127.0.0.1:PORT/{owner}/{repo}/releases/{version}/{file}`.
    pub fn release_url(&self, owner_repo: &str, version: &str, file: &str) -> String {
        format!("{}/{owner_repo}/releases/{version}/{file}", self.base_url())
    }

    /// Request counters so far.
    pub fn counts(&self) -> Counts {
        self.shared.lock().counts
    }

    /// Zeroes the counters and the request log (faults and the budget stay).
    pub fn reset_counts(&self) {
        self.shared.lock().reset_log();
    }

    /// Adds a fault (after those already there).
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Faults still active (with their remaining `times`).
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.clone()
    }

    /// Every request since the start or the last [`GitHubStandIn::reset_counts`], in arrival
    /// order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Sets the REST API budget: `x-ratelimit-limit` and `-remaining`. At 0 every counted
    /// API request is refused with 403 like GitHub's primary limit. Default 5000/5000.
    pub fn set_rate_limit(&self, limit: u64, remaining: u64) {
        let mut inner = self.shared.lock();
        inner.limit = limit;
        inner.remaining = remaining.min(limit);
    }

    /// What is left of the budget.
    pub fn rate_limit_remaining(&self) -> u64 {
        self.shared.lock().remaining
    }

    /// Sets `x-ratelimit-reset` (UTC epoch seconds; default: start + 1 h).
    pub fn set_rate_limit_reset(&self, epoch_secs: u64) {
        self.shared.lock().reset_at = epoch_secs;
    }

    /// With `true`, `releases/assets/{id}` with `Accept: application/octet-stream` answers
    /// 302 to the asset's download URL (on this server) instead of the bytes. Default false.
    pub fn set_asset_redirect(&self, redirect: bool) {
        self.shared.lock().asset_redirect = redirect;
    }

    /// With `true`, API ETags also depend on the `Authorization` header, as GitHub's do (a
    /// different token gets no 304). Default false: ETags hash the body only.
    pub fn set_etag_per_token(&self, per_token: bool) {
        self.shared.lock().etag_per_token = per_token;
    }

    /// Adds a release to `owner_repo` (`owner/name`, created if unknown), or replaces the one
    /// with the same tag; the new release goes first in the list.
    pub fn publish(&self, owner_repo: &str, release: StandInRelease) {
        let (owner, name) = owner_repo
            .split_once('/')
            .expect("owner_repo is owner/name");
        let mut inner = self.shared.lock();
        let index = match inner.find_repo(owner, name) {
            Some(i) => i,
            None => {
                inner.repos.push(RepoState {
                    owner: owner.to_string(),
                    repo: name.to_string(),
                    releases: Vec::new(),
                });
                inner.repos.len() - 1
            }
        };
        let release = inner.release_state(release);
        let releases = &mut inner.repos[index].releases;
        releases.retain(|r| r.tag != release.tag);
        releases.insert(0, release);
    }

    /// Removes the release `tag` of `owner_repo`; true if it existed.
    pub fn unpublish(&self, owner_repo: &str, tag: &str) -> bool {
        let (owner, name) = owner_repo
            .split_once('/')
            .expect("owner_repo is owner/name");
        let mut inner = self.shared.lock();
        let Some(index) = inner.find_repo(owner, name) else {
            return false;
        };
        let releases = &mut inner.repos[index].releases;
        let before = releases.len();
        releases.retain(|r| r.tag != tag);
        before != releases.len()
    }
}

impl Drop for GitHubStandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ----------------------------------------------------------------------------------------
// State

struct Shared {
    base_url: String,
    inner: Mutex<Inner>,
}

struct Inner {
    repos: Vec<RepoState>,
    counts: Counts,
    requests: Vec<RecordedRequest>,
    /// Index in `requests` of the first entry, so answers can find their entry after a reset.
    request_base: usize,
    faults: Vec<Fault>,
    limit: u64,
    remaining: u64,
    reset_at: u64,
    asset_redirect: bool,
    etag_per_token: bool,
    next_id: u64,
}

struct RepoState {
    owner: String,
    repo: String,
    releases: Vec<ReleaseState>,
}

struct ReleaseState {
    id: u64,
    tag: String,
    assets: Vec<AssetState>,
}

struct AssetState {
    id: u64,
    name: String,
    bytes: Bytes,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl Shared {
    fn new(base_url: String, repos: Vec<StandInRepo>) -> Shared {
        let mut inner = Inner {
            repos: Vec::new(),
            counts: Counts::default(),
            requests: Vec::new(),
            request_base: 0,
            faults: Vec::new(),
            limit: 5000,
            remaining: 5000,
            reset_at: now_secs() + 3600,
            asset_redirect: false,
            etag_per_token: false,
            next_id: 1000,
        };
        for repo in repos {
            let releases = repo
                .releases
                .into_iter()
                .map(|r| inner.release_state(r))
                .collect();
            inner.repos.push(RepoState {
                owner: repo.owner,
                repo: repo.repo,
                releases,
            });
        }
        Shared {
            base_url,
            inner: Mutex::new(inner),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn release_state(&mut self, release: StandInRelease) -> ReleaseState {
        self.next_id += 1;
        let id = self.next_id;
        let assets = release
            .files
            .into_iter()
            .map(|(name, bytes)| {
                self.next_id += 1;
                AssetState {
                    id: self.next_id,
                    name,
                    bytes: Bytes::from(bytes),
                }
            })
            .collect();
        ReleaseState {
            id,
            tag: release.tag,
            assets,
        }
    }

    fn find_repo(&self, owner: &str, repo: &str) -> Option<usize> {
        self.repos
            .iter()
            .position(|r| r.owner.eq_ignore_ascii_case(owner) && r.repo.eq_ignore_ascii_case(repo))
    }

    /// The first request-level fault matching, consumed once.
    fn take_fault(&mut self, kind: Kind, path_and_query: &str) -> Option<FaultAction> {
        let index = self.faults.iter().position(|f| {
            !matches!(f.action, FaultAction::TagWithoutRelease { .. })
                && f.kind.is_none_or(|k| k == kind)
                && f.path_contains
                    .as_deref()
                    .is_none_or(|needle| path_and_query.contains(needle))
        })?;
        Some(self.consume(index))
    }

    fn consume(&mut self, index: usize) -> FaultAction {
        self.counts.faults += 1;
        let fault = &mut self.faults[index];
        let action = fault.action.clone();
        if let Some(times) = &mut fault.times {
            *times = times.saturating_sub(1);
            if *times == 0 {
                self.faults.remove(index);
            }
        }
        action
    }

    fn phantom_index(&self, repo: usize, tag: &str, kind: Option<Kind>) -> Option<usize> {
        let r = &self.repos[repo];
        self.faults.iter().position(|f| match &f.action {
            FaultAction::TagWithoutRelease { repo: name, tag: t } => {
                t == tag
                    && name.split_once('/').is_some_and(|(o, n)| {
                        o.eq_ignore_ascii_case(&r.owner) && n.eq_ignore_ascii_case(&r.repo)
                    })
                    && match (f.kind, kind) {
                        (Some(fk), Some(k)) => fk == k,
                        _ => true,
                    }
            }
            _ => false,
        })
    }

    /// Whether the release `tag` must look missing to this request; consumes one firing.
    fn release_hidden(&mut self, repo: usize, tag: &str, kind: Kind) -> bool {
        match self.phantom_index(repo, tag, Some(kind)) {
            Some(index) => {
                self.consume(index);
                true
            }
            None => false,
        }
    }

    /// Tags listed by the proxy for a repository: releases and tags without a release.
    fn proxy_tags(&self, repo: usize) -> Vec<String> {
        let r = &self.repos[repo];
        let mut tags: Vec<String> = r.releases.iter().map(|x| x.tag.clone()).collect();
        for f in &self.faults {
            if let FaultAction::TagWithoutRelease { repo: name, tag } = &f.action
                && name.split_once('/').is_some_and(|(o, n)| {
                    o.eq_ignore_ascii_case(&r.owner) && n.eq_ignore_ascii_case(&r.repo)
                })
                && !tags.contains(tag)
            {
                tags.push(tag.clone());
            }
        }
        tags
    }

    fn reset_log(&mut self) {
        self.counts = Counts::default();
        self.request_base += self.requests.len();
        self.requests.clear();
    }

    fn record_status(&mut self, index: usize, status: Option<u16>, fault: Option<&'static str>) {
        if let Some(i) = index.checked_sub(self.request_base)
            && let Some(entry) = self.requests.get_mut(i)
        {
            entry.status = status;
            if fault.is_some() {
                entry.fault = fault;
            }
        }
    }
}

// ----------------------------------------------------------------------------------------
// Connections that a handler can reset

struct ConnState {
    reset: AtomicBool,
}

/// The accepted socket; once its connection is marked for reset it refuses all I/O, and on
/// drop it closes with `SO_LINGER` 0, which sends a TCP RST.
struct ResettableStream {
    stream: TcpStream,
    state: Arc<ConnState>,
}

impl ResettableStream {
    fn check(&self) -> std::io::Result<()> {
        if self.state.reset.load(Ordering::SeqCst) {
            Err(std::io::Error::from(std::io::ErrorKind::ConnectionReset))
        } else {
            Ok(())
        }
    }
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.state.reset.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

struct ResettableListener(TcpListener);

impl Listener for ResettableListener {
    type Io = ResettableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let state = Arc::new(ConnState {
                        reset: AtomicBool::new(false),
                    });
                    return (ResettableStream { stream, state }, addr);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// The connection a request came on, handed to the handler as connect info.
#[derive(Clone)]
struct ConnHandle(Arc<ConnState>);

impl Connected<IncomingStream<'_, ResettableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, ResettableListener>) -> ConnHandle {
        ConnHandle(stream.io().state.clone())
    }
}

// ----------------------------------------------------------------------------------------
// Requests

fn classify(path: &str) -> Kind {
    if path == "/api/v3" || path.starts_with("/api/v3/") {
        return Kind::Api;
    }
    if path.contains("/@v/") {
        return Kind::Proxy;
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if parts.len() >= 5
        && parts[2] == "releases"
        && (parts[3] == "download" || (parts[3] == "latest" && parts[4] == "download"))
    {
        return Kind::Download;
    }
    Kind::Other
}

/// An answer before it becomes a response.
struct Answer {
    status: StatusCode,
    headers: Vec<(HeaderName, String)>,
    body: Bytes,
    /// Whether it gets an ETag (and may become a 304).
    cacheable: bool,
}

impl Answer {
    fn new(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Answer {
        Answer {
            status,
            headers: vec![(header::CONTENT_TYPE, content_type.to_string())],
            body: body.into(),
            cacheable: status == StatusCode::OK,
        }
    }

    fn json(status: StatusCode, value: &Value) -> Answer {
        Answer::new(
            status,
            "application/json; charset=utf-8",
            serde_json::to_vec_pretty(value).expect("json"),
        )
    }

    fn api_not_found() -> Answer {
        Answer::json(
            StatusCode::NOT_FOUND,
            &json!({
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest",
                "status": "404"
            }),
        )
    }

    fn text(status: StatusCode, text: impl Into<String>) -> Answer {
        Answer::new(status, "text/plain; charset=utf-8", text.into())
    }

    fn redirect(location: String) -> Answer {
        let mut answer = Answer::text(StatusCode::FOUND, "");
        answer.headers.push((header::LOCATION, location));
        answer.cacheable = false;
        answer
    }

    fn with(mut self, name: HeaderName, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }
}

struct Incoming {
    kind: Kind,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
}

impl Incoming {
    fn header(&self, name: HeaderName) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    fn query_param(&self, name: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then(|| percent_decode(v))
        })
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `!x` → `X`, the Go proxy's case encoding.
fn unescape_module(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut bang = false;
    for c in path.chars() {
        if bang {
            out.push(c.to_ascii_uppercase());
            bang = false;
        } else if c == '!' {
            bang = true;
        } else {
            out.push(c);
        }
    }
    out
}

fn etag_of(body: &[u8], salt: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(body);
    if let Some(salt) = salt {
        hasher.update(b"\0");
        hasher.update(salt.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (weak comparison, as for GET).
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let etag = bare(etag);
    if_none_match
        .split(',')
        .any(|candidate| candidate.trim() == "*" || bare(candidate) == etag)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let path = uri.path().to_string();
    let query = uri.query().map(str::to_string);
    let headers = request.headers().clone();

    if path.starts_with("/_standin/") {
        return control(&shared, &method, &path);
    }

    let kind = classify(&path);
    let incoming = Incoming {
        kind,
        path: path.clone(),
        query: query.clone(),
        headers,
    };
    let path_and_query = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };

    let (index, fault) = {
        let mut inner = shared.lock();
        inner.counts.bump(kind);
        let index = inner.request_base + inner.requests.len();
        inner.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            kind,
            authorization: incoming.header(header::AUTHORIZATION),
            if_none_match: incoming.header(header::IF_NONE_MATCH),
            accept: incoming.header(header::ACCEPT),
            status: None,
            fault: None,
        });
        let fault = inner.take_fault(kind, &path_and_query);
        (index, fault)
    };
    let fault_name = fault.as_ref().map(FaultAction::name);

    let mut truncate = None;
    let answer = match fault {
        Some(FaultAction::Reset) => {
            conn.0.reset.store(true, Ordering::SeqCst);
            shared.lock().record_status(index, None, fault_name);
            return Response::new(Body::empty());
        }
        Some(FaultAction::RateLimited { reset_in }) => {
            let inner = shared.lock();
            let reset = now_secs() + reset_in.as_secs();
            Answer::json(
                StatusCode::FORBIDDEN,
                &json!({
                    "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
                    "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
                }),
            )
            .with(HeaderName::from_static("x-ratelimit-limit"), inner.limit.to_string())
            .with(HeaderName::from_static("x-ratelimit-remaining"), "0")
            .with(HeaderName::from_static("x-ratelimit-used"), inner.limit.to_string())
            .with(HeaderName::from_static("x-ratelimit-reset"), reset.to_string())
            .with(HeaderName::from_static("x-ratelimit-resource"), "core")
        }
        Some(FaultAction::TooManyRequests { retry_after }) => with_rate_headers(
            &shared,
            kind,
            Answer::json(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({
                    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
                }),
            )
            .with(header::RETRY_AFTER, retry_after.to_string()),
        ),
        Some(FaultAction::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut answer = Answer::text(
                status,
                format!("stand-in fault: {}", status.canonical_reason().unwrap_or("error")),
            );
            answer.cacheable = false;
            with_rate_headers(&shared, kind, answer)
        }
        other => {
            match other {
                Some(FaultAction::Slow(delay)) => tokio::time::sleep(delay).await,
                Some(FaultAction::Truncated { keep }) => truncate = Some(keep),
                _ => {}
            }
            if method != Method::GET && method != Method::HEAD {
                Answer::text(StatusCode::METHOD_NOT_ALLOWED, "only GET is served")
            } else {
                serve(&shared, &incoming)
            }
        }
    };

    let status = answer.status.as_u16();
    shared.lock().record_status(index, Some(status), fault_name);
    respond(answer, truncate)
}

fn with_rate_headers(shared: &Shared, kind: Kind, answer: Answer) -> Answer {
    if kind != Kind::Api {
        return answer;
    }
    let inner = shared.lock();
    rate_headers(&inner, answer)
}

fn rate_headers(inner: &Inner, answer: Answer) -> Answer {
    answer
        .with(
            HeaderName::from_static("x-ratelimit-limit"),
            inner.limit.to_string(),
        )
        .with(
            HeaderName::from_static("x-ratelimit-remaining"),
            inner.remaining.to_string(),
        )
        .with(
            HeaderName::from_static("x-ratelimit-used"),
            (inner.limit - inner.remaining).to_string(),
        )
        .with(
            HeaderName::from_static("x-ratelimit-reset"),
            inner.reset_at.to_string(),
        )
        .with(HeaderName::from_static("x-ratelimit-resource"), "core")
}

fn control(shared: &Shared, method: &Method, path: &str) -> Response {
    let answer = match (method.as_str(), path) {
        ("GET", "/_standin/counts") => Answer::new(
            StatusCode::OK,
            "application/json",
            shared.lock().counts.to_json(),
        ),
        ("POST", "/_standin/reset") => {
            shared.lock().reset_log();
            Answer::text(StatusCode::OK, "ok")
        }
        _ => Answer::text(StatusCode::NOT_FOUND, "unknown control path"),
    };
    respond(answer, None)
}

/// Routes a request (no fault), with ETag, 304 and the API budget.
fn serve(shared: &Shared, incoming: &Incoming) -> Answer {
    let mut inner = shared.lock();
    let kind = incoming.kind;
    let charged = kind == Kind::Api && incoming.path != "/api/v3/rate_limit";
    if charged && inner.remaining == 0 {
        let answer = Answer::json(
            StatusCode::FORBIDDEN,
            &json!({
                "message": "API rate limit exceeded for 127.0.0.1.",
                "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
            }),
        );
        return rate_headers(&inner, answer);
    }
    let mut answer = match kind {
        Kind::Api => api(shared, &mut inner, incoming),
        Kind::Proxy => proxy(&inner, &incoming.path),
        Kind::Download => download(shared, &mut inner, &incoming.path),
        Kind::Other => Answer::text(StatusCode::NOT_FOUND, "Not Found"),
    };
    if answer.cacheable {
        let salt = if kind == Kind::Api && inner.etag_per_token {
            Some(incoming.header(header::AUTHORIZATION).unwrap_or_default())
        } else {
            None
        };
        let etag = etag_of(&answer.body, salt.as_deref());
        if incoming
            .header(header::IF_NONE_MATCH)
            .is_some_and(|inm| etag_matches(&inm, &etag))
        {
            inner.counts.bump_not_modified(kind);
            let headers: Vec<(HeaderName, String)> = answer
                .headers
                .into_iter()
                .filter(|(n, _)| n != header::CONTENT_TYPE)
                .collect();
            answer = Answer {
                status: StatusCode::NOT_MODIFIED,
                headers,
                body: Bytes::new(),
                cacheable: false,
            };
            answer.headers.push((header::ETAG, etag));
            return if kind == Kind::Api {
                rate_headers(&inner, answer)
            } else {
                answer
            };
        }
        answer.headers.push((header::ETAG, etag));
    }
    if kind == Kind::Api {
        if charged {
            inner.remaining -= 1;
            inner.counts.api_charged += 1;
        }
        answer = rate_headers(&inner, answer);
    }
    answer
}

fn respond(answer: Answer, truncate: Option<usize>) -> Response {
    let mut builder = Response::builder().status(answer.status);
    for (name, value) in &answer.headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            builder = builder.header(name, value);
        }
    }
    let body = match truncate {
        Some(keep) if answer.status == StatusCode::OK && !answer.body.is_empty() => {
            let full = answer.body.len();
            let keep = keep.min(full - 1);
            builder = builder.header(header::CONTENT_LENGTH, full.to_string());
            let head = answer.body.slice(..keep);
            let stream = futures::stream::iter([Ok::<Bytes, std::io::Error>(head)]).chain(
                futures::stream::once(async {
                    // Let the partial body reach the socket, then break the connection.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(std::io::Error::other("stand-in fault: truncated body"))
                }),
            );
            Body::from_stream(stream)
        }
        _ => Body::from(answer.body),
    };
    builder.body(body).expect("response")
}

// ----------------------------------------------------------------------------------------
// Go proxy

fn proxy(inner: &Inner, path: &str) -> Answer {
    let not_found = |what: &str| Answer::text(StatusCode::NOT_FOUND, format!("not found: {what}"));
    let Some((module, rest)) = path.trim_start_matches('/').split_once("/@v/") else {
        return not_found(path);
    };
    if rest != "list" {
        return not_found(path);
    }
    let module = unescape_module(&percent_decode(module));
    let mut segments: Vec<&str> = module.split('/').collect();
    let mut major = None;
    if let Some(last) = segments.last()
        && segments.len() == 4
        && let Some(n) = last.strip_prefix('v').and_then(|n| n.parse::<u64>().ok())
    {
        if n < 2 {
            return not_found(&module);
        }
        major = Some(n);
        segments.pop();
    }
    if segments.len() != 3 {
        return not_found(&module);
    }
    let Some(repo) = inner.find_repo(segments[1], segments[2]) else {
        return not_found(&format!("module {module}: 404 Not Found"));
    };
    let tags: Vec<String> = inner
        .proxy_tags(repo)
        .into_iter()
        .filter(|t| {
            semver_of(t).is_some_and(|v| match major {
                None => v.major <= 1,
                Some(n) => v.major == n,
            })
        })
        .collect();
    if major.is_some() && tags.is_empty() {
        return not_found(&format!("module {module}: no matching versions"));
    }
    let mut body = String::new();
    for tag in tags {
        body.push_str(&tag);
        body.push('\n');
    }
    Answer::text(StatusCode::OK, body)
}

// ----------------------------------------------------------------------------------------
// Downloads

fn download(shared: &Shared, inner: &mut Inner, path: &str) -> Answer {
    let not_found = || Answer::text(StatusCode::NOT_FOUND, "Not Found");
    let decoded = percent_decode(path);
    let parts: Vec<&str> = decoded.trim_start_matches('/').splitn(6, '/').collect();
    if parts.len() < 5 {
        return not_found();
    }
    let Some(repo) = inner.find_repo(parts[0], parts[1]) else {
        return not_found();
    };
    if parts[3] == "latest" {
        // /{o}/{r}/releases/latest/download/{file...}
        let file = parts[4..].join("/");
        let file = file.strip_prefix("download/").unwrap_or(&file).to_string();
        let Some(tag) = latest_tag(inner, repo) else {
            return not_found();
        };
        let r = &inner.repos[repo];
        return Answer::redirect(format!(
            "{}/{}/{}/releases/download/{tag}/{file}",
            shared.base_url, r.owner, r.repo
        ));
    }
    // /{o}/{r}/releases/download/{tag}/{file...}
    if parts.len() < 6 {
        return not_found();
    }
    let (tag, file) = (parts[4], parts[5]);
    if inner.release_hidden(repo, tag, Kind::Download) {
        return not_found();
    }
    let asset = inner.repos[repo]
        .releases
        .iter()
        .find(|r| r.tag == tag)
        .and_then(|r| r.assets.iter().find(|a| a.name == file));
    match asset {
        Some(a) => Answer::new(StatusCode::OK, "application/octet-stream", a.bytes.clone()),
        None => not_found(),
    }
}

fn latest_tag(inner: &Inner, repo: usize) -> Option<String> {
    inner.repos[repo]
        .releases
        .iter()
        .filter(|r| inner.phantom_index(repo, &r.tag, Some(Kind::Api)).is_none())
        .find(|r| semver_of(&r.tag).is_some_and(|v| v.pre.is_empty()))
        .map(|r| r.tag.clone())
}

// ----------------------------------------------------------------------------------------
// REST API

fn release_json(shared: &Shared, r: &RepoState, release: &ReleaseState) -> Value {
    let api = format!("{}/api/v3/repos/{}/{}", shared.base_url, r.owner, r.repo);
    let prerelease = semver_of(&release.tag).is_some_and(|v| !v.pre.is_empty());
    let assets: Vec<Value> = release
        .assets
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.name,
                "label": "",
                "content_type": "application/octet-stream",
                "state": "uploaded",
                "size": a.bytes.len(),
                "url": format!("{api}/releases/assets/{}", a.id),
                "browser_download_url": format!(
                    "{}/{}/{}/releases/download/{}/{}",
                    shared.base_url, r.owner, r.repo, release.tag, a.name
                ),
            })
        })
        .collect();
    json!({
        "id": release.id,
        "tag_name": release.tag,
        "name": release.tag,
        "draft": false,
        "prerelease": prerelease,
        "url": format!("{api}/releases/{}", release.id),
        "assets_url": format!("{api}/releases/{}/assets", release.id),
        "html_url": format!("{}/{}/{}/releases/tag/{}", shared.base_url, r.owner, r.repo, release.tag),
        "assets": assets,
    })
}

fn api(shared: &Shared, inner: &mut Inner, incoming: &Incoming) -> Answer {
    let rest = &incoming.path["/api/v3".len()..];
    if rest == "/rate_limit" {
        let core = json!({
            "limit": inner.limit,
            "remaining": inner.remaining,
            "used": inner.limit - inner.remaining,
            "reset": inner.reset_at,
            "resource": "core",
        });
        return Answer::json(
            StatusCode::OK,
            &json!({ "resources": { "core": core }, "rate": core }),
        );
    }
    let decoded = percent_decode(rest);
    let parts: Vec<&str> = decoded.trim_start_matches('/').split('/').collect();
    if parts.len() < 4 || parts[0] != "repos" {
        return Answer::api_not_found();
    }
    let Some(repo) = inner.find_repo(parts[1], parts[2]) else {
        return Answer::api_not_found();
    };
    match &parts[3..] {
        ["releases"] => list_releases(shared, inner, repo, incoming),
        ["releases", "latest"] => match latest_tag(inner, repo) {
            Some(tag) => {
                let r = &inner.repos[repo];
                let release = r.releases.iter().find(|x| x.tag == tag).expect("latest");
                Answer::json(StatusCode::OK, &release_json(shared, r, release))
            }
            None => Answer::api_not_found(),
        },
        ["releases", "tags", tag @ ..] => {
            let tag = tag.join("/");
            if inner.release_hidden(repo, &tag, Kind::Api) {
                return Answer::api_not_found();
            }
            let r = &inner.repos[repo];
            match r.releases.iter().find(|x| x.tag == tag) {
                Some(release) => Answer::json(StatusCode::OK, &release_json(shared, r, release)),
                None => Answer::api_not_found(),
            }
        }
        ["releases", "assets", id] => {
            let Ok(id) = id.parse::<u64>() else {
                return Answer::api_not_found();
            };
            let found = inner.repos[repo].releases.iter().find_map(|release| {
                release
                    .assets
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| (release.tag.clone(), a.name.clone(), a.bytes.clone()))
            });
            let Some((tag, name, bytes)) = found else {
                return Answer::api_not_found();
            };
            if inner.release_hidden(repo, &tag, Kind::Api) {
                return Answer::api_not_found();
            }
            let r = &inner.repos[repo];
            let wants_bytes = incoming
                .header(header::ACCEPT)
                .is_some_and(|a| a.contains("application/octet-stream"));
            if !wants_bytes {
                let release = r.releases.iter().find(|x| x.tag == tag).expect("release");
                let json = release_json(shared, r, release);
                let asset = json["assets"]
                    .as_array()
                    .and_then(|assets| assets.iter().find(|a| a["id"] == id))
                    .cloned()
                    .unwrap_or(Value::Null);
                return Answer::json(StatusCode::OK, &asset);
            }
            if inner.asset_redirect {
                return Answer::redirect(format!(
                    "{}/{}/{}/releases/download/{tag}/{name}",
                    shared.base_url, r.owner, r.repo
                ));
            }
            Answer::new(StatusCode::OK, "application/octet-stream", bytes)
        }
        ["contents", path @ ..] if !path.is_empty() => {
            let path = path.join("/");
            let tag = match incoming.query_param("ref") {
                Some(tag) => tag,
                None => match inner.repos[repo].releases.first() {
                    Some(r) => r.tag.clone(),
                    None => return Answer::api_not_found(),
                },
            };
            if inner.release_hidden(repo, &tag, Kind::Api) {
                return Answer::api_not_found();
            }
            let asset = inner.repos[repo]
                .releases
                .iter()
                .find(|r| r.tag == tag)
                .and_then(|r| r.assets.iter().find(|a| a.name == path));
            let Some(asset) = asset else {
                return Answer::api_not_found();
            };
            if incoming
                .header(header::ACCEPT)
                .is_some_and(|a| a.contains("application/vnd.github.raw"))
            {
                return Answer::new(
                    StatusCode::OK,
                    "application/vnd.github.raw",
                    asset.bytes.clone(),
                );
            }
            let encoded = base64::engine::general_purpose::STANDARD.encode(&asset.bytes);
            // GitHub wraps the base64 text at 60 characters.
            let wrapped: Vec<&str> = encoded
                .as_bytes()
                .chunks(60)
                .map(|c| std::str::from_utf8(c).expect("base64 is ascii"))
                .collect();
            let mut content = wrapped.join("\n");
            content.push('\n');
            let r = &inner.repos[repo];
            Answer::json(
                StatusCode::OK,
                &json!({
                    "type": "file",
                    "encoding": "base64",
                    "name": path.rsplit('/').next().unwrap_or(&path),
                    "path": path,
                    "size": asset.bytes.len(),
                    "sha": etag_of(&asset.bytes, None).trim_matches('"'),
                    "content": content,
                    "download_url": format!(
                        "{}/{}/{}/releases/download/{tag}/{path}",
                        shared.base_url, r.owner, r.repo
                    ),
                }),
            )
        }
        _ => Answer::api_not_found(),
    }
}

fn list_releases(shared: &Shared, inner: &Inner, repo: usize, incoming: &Incoming) -> Answer {
    let per_page = incoming
        .query_param("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page = incoming
        .query_param("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let r = &inner.repos[repo];
    let visible: Vec<&ReleaseState> = r
        .releases
        .iter()
        .filter(|x| inner.phantom_index(repo, &x.tag, Some(Kind::Api)).is_none())
        .collect();
    let last = visible.len().div_ceil(per_page).max(1);
    let items: Vec<Value> = visible
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|x| release_json(shared, r, x))
        .collect();
    let mut answer = Answer::json(StatusCode::OK, &Value::Array(items));
    if last > 1 {
        let link = |p: usize, rel: &str| {
            format!(
                "<{}/api/v3/repos/{}/{}/releases?per_page={per_page}&page={p}>; rel=\"{rel}\"",
                shared.base_url, r.owner, r.repo
            )
        };
        let mut links = Vec::new();
        if page > 1 {
            links.push(link(page - 1, "prev"));
        }
        if page < last {
            links.push(link(page + 1, "next"));
            links.push(link(last, "last"));
        }
        if page > 1 {
            links.push(link(1, "first"));
        }
        answer = answer.with(header::LINK, links.join(", "));
    }
    answer
}
