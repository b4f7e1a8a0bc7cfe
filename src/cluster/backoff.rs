//! Retries with clusterctl's exponential backoffs (`cmd/clusterctl/client/cluster/client.go`).
//! Unlike clusterctl, only transient failures are retried: a refused credential or an invalid
//! object fails at once instead of after two minutes.

use std::future::Future;
use std::time::Duration;

use super::error::ClusterError;

/// An exponential backoff: `steps` attempts, the first immediately, then waits starting at
/// `initial` and growing by `factor`, each stretched by up to `jitter` of itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// First wait.
    pub initial: Duration,
    /// Growth of each wait.
    pub factor: f64,
    /// Maximum number of attempts.
    pub steps: u32,
    /// Random extra fraction of each wait.
    pub jitter: f64,
}

impl Backoff {
    /// Writes: 500ms × 1.5, 13 attempts, jitter 0.4 (about two minutes in all).
    pub const WRITE: Backoff = Backoff {
        initial: Duration::from_millis(500),
        factor: 1.5,
        steps: 13,
        jitter: 0.4,
    };
    /// Reads: 250ms × 1.5, 9 attempts, jitter 0.1 (about 15 seconds).
    pub const READ: Backoff = Backoff {
        initial: Duration::from_millis(250),
        factor: 1.5,
        steps: 9,
        jitter: 0.1,
    };
    /// Connecting: same as reads.
    pub const CONNECT: Backoff = Backoff::READ;
    /// Availability probes: 250ms × 1.5, 7 attempts (about 5 seconds).
    pub const SHORT_CONNECT: Backoff = Backoff {
        initial: Duration::from_millis(250),
        factor: 1.5,
        steps: 7,
        jitter: 0.1,
    };

    /// CRD storage migration: 250ms × 1.4, 17 attempts.
    pub const CRD_MIGRATION: Backoff = Backoff {
        initial: Duration::from_millis(250),
        factor: 1.4,
        steps: 17,
        jitter: 0.1,
    };

    /// The waits between attempts, without jitter (`steps - 1` of them).
    pub fn waits(&self) -> Vec<Duration> {
        let mut out = Vec::new();
        let mut d = self.initial.as_secs_f64();
        for _ in 1..self.steps {
            out.push(Duration::from_secs_f64(d));
            d *= self.factor;
        }
        out
    }
}

/// Runs `op` until it succeeds, fails with a non-transient error, or `backoff` runs out; in
/// the last case the error says how many attempts were made.
pub async fn retry<T, F, Fut>(backoff: Backoff, mut op: F) -> Result<T, ClusterError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClusterError>>,
{
    let waits = backoff.waits();
    let mut attempt = 0u32;
    let mut warm_up = 0u32;
    loop {
        attempt += 1;
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) if !e.is_transient() => return Err(e),
            Err(e) if warming_up(&e) && warm_up < WARM_UP_RETRIES => {
                // A kind created a moment ago (the inventory CRD, say): the API server answers
                // 429 until its watch cache is filled, usually within a second. Polled quickly,
                // outside the backoff's steps.
                warm_up += 1;
                attempt -= 1;
                tracing::trace!(cause = %e, "Waiting for the API server's cache");
                tokio::time::sleep(WARM_UP_WAIT).await;
            }
            Err(e) => {
                let Some(wait) = waits.get(attempt as usize - 1) else {
                    return Err(ClusterError::RetriesExhausted {
                        attempts: attempt,
                        source: Box::new(e),
                    });
                };
                tracing::trace!(cause = %e, "Retrying with backoff");
                tokio::time::sleep(jittered(*wait, backoff.jitter)).await;
            }
        }
    }
}

/// How often, and how far apart, a "storage is (re)initializing" answer is retried.
const WARM_UP_RETRIES: u32 = 60;
const WARM_UP_WAIT: Duration = Duration::from_millis(50);

/// The API server's answer while the watch cache of a kind is being filled.
fn warming_up(e: &ClusterError) -> bool {
    e.failure()
        .is_some_and(|f| f.message.contains("storage is (re)initializing"))
}

/// `wait` plus a random fraction (up to `jitter`) of it.
fn jittered(wait: Duration, jitter: f64) -> Duration {
    if jitter <= 0.0 {
        return wait;
    }
    // A cheap random number: retries need spread, not cryptography.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let fraction = f64::from(nanos % 1000) / 1000.0;
    wait.mul_f64(1.0 + jitter * fraction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::error::{ApiFailure, FailureKind};

    fn failure(kind: FailureKind) -> ClusterError {
        ClusterError::Api {
            action: "x".into(),
            failure: ApiFailure {
                message: "boom".into(),
                code: None,
                kind,
            },
        }
    }

    #[test]
    fn clusterctl_backoffs_add_up() {
        let total: f64 = Backoff::WRITE
            .waits()
            .iter()
            .map(Duration::as_secs_f64)
            .sum();
        assert!((120.0..130.0).contains(&total), "{total}");
        assert_eq!(Backoff::READ.waits().len(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_failures_only() {
        let mut calls = 0;
        let r: Result<(), _> = retry(Backoff::READ, || {
            calls += 1;
            async { Err(failure(FailureKind::Forbidden)) }
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls, 1);

        let mut calls = 0;
        let r: Result<(), _> = retry(Backoff::READ, || {
            calls += 1;
            async { Err(failure(FailureKind::Transient)) }
        })
        .await;
        assert_eq!(calls, 9);
        assert!(
            r.unwrap_err()
                .to_string()
                .starts_with("action failed after 9 attempts: x: boom")
        );

        let mut calls = 0;
        let r = retry(Backoff::READ, || {
            calls += 1;
            let ok = calls == 3;
            async move {
                if ok {
                    Ok(7)
                } else {
                    Err(failure(FailureKind::Transient))
                }
            }
        })
        .await;
        assert_eq!(r.unwrap(), 7);
    }
}
