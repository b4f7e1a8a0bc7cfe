//! Retries of transient failures: a bounded number of attempts, the delay doubling after each
//! one unless the server named its own (`retry-after`). Shared by the [`super::Fetcher`] and
//! the backends that send their own requests (OCI registries).

use std::time::Duration;

/// The attempts left for one request and the delay before the next.
#[derive(Debug, Clone)]
pub struct Backoff {
    attempt: u32,
    attempts: u32,
    delay: Duration,
}

impl Backoff {
    /// `attempts` tries in all, waiting `first_delay` after the first failure.
    pub fn new(attempts: u32, first_delay: Duration) -> Backoff {
        Backoff {
            attempt: 1,
            attempts,
            delay: first_delay,
        }
    }

    /// The attempt being made, counting from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// After a transient failure: how long to wait before the next attempt (`server_delay`
    /// when the server named one), or `None` when no attempt is left.
    pub fn next_delay(&mut self, server_delay: Option<Duration>) -> Option<Duration> {
        if self.attempt >= self.attempts {
            return None;
        }
        let wait = server_delay.unwrap_or(self.delay);
        self.delay *= 2;
        self.attempt += 1;
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_until_attempts_run_out() {
        let mut backoff = Backoff::new(4, Duration::from_millis(100));
        assert_eq!(backoff.next_delay(None), Some(Duration::from_millis(100)));
        assert_eq!(
            backoff.next_delay(Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(backoff.next_delay(None), Some(Duration::from_millis(400)));
        assert_eq!(backoff.attempt(), 4);
        assert_eq!(backoff.next_delay(None), None);
    }
}
