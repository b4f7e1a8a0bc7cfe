//! What the stand-in records of each request it reads: its kind (decided from the path),
//! the counters per kind, and the request log.

use serde::Serialize;

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

    pub(super) fn bump(&mut self, kind: Kind) {
        match kind {
            Kind::Api => self.api += 1,
            Kind::Proxy => self.proxy += 1,
            Kind::Download => self.download += 1,
            Kind::Other => self.other += 1,
        }
    }

    pub(super) fn bump_not_modified(&mut self, kind: Kind) {
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

pub(super) fn classify(path: &str) -> Kind {
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
