//! Faults a test injects: what each does and which requests it applies to.

use std::time::Duration;

use super::Kind;

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
    pub(super) fn name(&self) -> &'static str {
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
