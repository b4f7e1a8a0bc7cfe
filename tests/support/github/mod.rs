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
//!
//! `handler` counts each request, fires faults and routes it to `goproxy`, `releases` or
//! `api`; `state` holds what they serve and what was counted.
#![allow(dead_code)]

mod answer;
mod api;
mod connection;
mod faults;
mod goproxy;
mod handler;
mod releases;
mod repos;
mod requests;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

// Not every test binary uses every re-export.
#[allow(unused_imports)]
pub use faults::{Fault, FaultAction};
#[allow(unused_imports)]
pub use repos::{StandInRelease, StandInRepo, clusterctl_repos};
#[allow(unused_imports)]
pub use requests::{Counts, Kind, RecordedRequest};

use connection::{ConnHandle, ResettableListener};
use handler::handle;
use state::{RepoState, Shared};

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
