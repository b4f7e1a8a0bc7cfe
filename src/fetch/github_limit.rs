//! GitHub's rate limits, as seen by one process: the budget read from `x-ratelimit-*` headers
//! of every answer, at most four requests at a time, `retry-after` honoured, and no request
//! sent at all once the budget is known to be gone.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::clock::{UtcTime, now_secs};
use super::{Failure, FetchError};

/// Concurrent requests allowed to a GitHub host.
pub const MAX_GITHUB_CONCURRENCY: usize = 4;
/// The longest `retry-after` capictl waits for instead of failing.
const MAX_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
struct Budget {
    remaining: u64,
    limit: u64,
    reset: u64,
}

/// Process-wide GitHub state.
#[derive(Debug)]
pub struct GitHubLimit {
    slots: Semaphore,
    budget: Mutex<Option<Budget>>,
}

impl Default for GitHubLimit {
    fn default() -> GitHubLimit {
        GitHubLimit {
            slots: Semaphore::new(MAX_GITHUB_CONCURRENCY),
            budget: Mutex::new(None),
        }
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// `retry-after` in seconds (GitHub does not send HTTP dates there).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_u64(headers, "retry-after").map(Duration::from_secs)
}

fn describe_reset(budget: &Budget) -> String {
    let now = now_secs();
    let wait = budget.reset.saturating_sub(now);
    format!(
        "{} of {} requests left; the budget resets at {} (in {} min)",
        budget.remaining,
        budget.limit,
        UtcTime::from_unix(budget.reset).to_text(),
        wait.div_ceil(60)
    )
}

impl GitHubLimit {
    /// Waits for one of the concurrent slots.
    pub async fn acquire(&self) -> Option<SemaphorePermit<'_>> {
        self.slots.acquire().await.ok()
    }

    /// Fails at once when the budget is known to be exhausted and not yet reset.
    pub fn check_budget(&self, url: &str) -> Result<(), FetchError> {
        let budget = *self.budget.lock().unwrap_or_else(|p| p.into_inner());
        match budget {
            Some(b) if b.remaining == 0 && b.reset > now_secs() => Err(FetchError::RateLimited {
                url: url.to_string(),
                detail: describe_reset(&b),
            }),
            _ => Ok(()),
        }
    }

    /// Records the budget an answer reports.
    pub fn observe(&self, headers: &HeaderMap) {
        let (Some(remaining), Some(reset)) = (
            header_u64(headers, "x-ratelimit-remaining"),
            header_u64(headers, "x-ratelimit-reset"),
        ) else {
            return;
        };
        let limit = header_u64(headers, "x-ratelimit-limit").unwrap_or(0);
        if remaining < 10 {
            tracing::debug!(remaining, limit, "GitHub rate limit nearly exhausted");
        }
        *self.budget.lock().unwrap_or_else(|p| p.into_inner()) = Some(Budget {
            remaining,
            limit,
            reset,
        });
    }

    /// Classifies a 403/429 from GitHub: an exhausted budget fails at once; a secondary limit
    /// with a short `retry-after` is retried after it; anything else is final.
    pub fn refused(&self, url: &str, status: u16, headers: &HeaderMap) -> Failure {
        let remaining = header_u64(headers, "x-ratelimit-remaining");
        let wait = retry_after(headers);
        if remaining == Some(0) && wait.is_none() {
            let budget = Budget {
                remaining: 0,
                limit: header_u64(headers, "x-ratelimit-limit").unwrap_or(0),
                reset: header_u64(headers, "x-ratelimit-reset").unwrap_or(0),
            };
            return Failure::Final(FetchError::RateLimited {
                url: url.to_string(),
                detail: describe_reset(&budget),
            });
        }
        match wait {
            Some(after) if after <= MAX_WAIT => Failure::Retry {
                error: FetchError::RateLimited {
                    url: url.to_string(),
                    detail: format!("GitHub asked to retry after {} s", after.as_secs()),
                },
                after: Some(after),
            },
            Some(after) => Failure::Final(FetchError::RateLimited {
                url: url.to_string(),
                detail: format!(
                    "GitHub asked to retry after {} min",
                    after.as_secs().div_ceil(60)
                ),
            }),
            None if status == 429 => Failure::Retry {
                error: FetchError::RateLimited {
                    url: url.to_string(),
                    detail: "GitHub answered 429 Too Many Requests".into(),
                },
                after: None,
            },
            None => Failure::Final(FetchError::Status {
                url: url.to_string(),
                status,
                body: "forbidden; check that GITHUB_TOKEN has access to this repository".into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhausted_budget_blocks_until_reset() {
        let limit = GitHubLimit::default();
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        headers.insert("x-ratelimit-limit", "60".parse().unwrap());
        headers.insert(
            "x-ratelimit-reset",
            (now_secs() + 600).to_string().parse().unwrap(),
        );
        limit.observe(&headers);
        let err = limit
            .check_budget("https://api.github.com/x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("0 of 60 requests left"), "{err}");
        assert!(err.contains("(in 10 min)"), "{err}");
        headers.insert(
            "x-ratelimit-reset",
            (now_secs() - 1).to_string().parse().unwrap(),
        );
        limit.observe(&headers);
        assert!(limit.check_budget("u").is_ok());
    }
}
