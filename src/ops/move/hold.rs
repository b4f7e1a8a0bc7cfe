//! A test hook: `CAPICTL_TEST_HOLD_AT=<point>` makes a move stop at one of its five
//! interruption points and wait there (until it is killed), so that tests can kill a real
//! move at an exact point and check that running it again completes the work. Points:
//! `paused`, `creating:N` (after N objects are created), `created`, `deleting:N` (after N
//! objects are deleted) and `deleted` (before the unpause). Unset, it costs one lookup.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable read.
pub const HOLD_VARIABLE: &str = "CAPICTL_TEST_HOLD_AT";

fn setting() -> Option<&'static (String, usize)> {
    static SETTING: OnceLock<Option<(String, usize)>> = OnceLock::new();
    SETTING
        .get_or_init(|| {
            let value = std::env::var(HOLD_VARIABLE).ok()?;
            let (point, count) = match value.split_once(':') {
                Some((p, n)) => (p.to_string(), n.parse().ok()?),
                None => (value, 0),
            };
            Some((point, count))
        })
        .as_ref()
}

static PASSED: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

/// Holds at `point` when asked to. `counted` points hold once `N` earlier calls passed.
pub(super) async fn at(point: &str) {
    let Some((wanted, count)) = setting() else {
        return;
    };
    if wanted != point {
        return;
    }
    let counter = match point {
        "creating" => Some(&PASSED[0]),
        "deleting" => Some(&PASSED[1]),
        _ => None,
    };
    if let Some(counter) = counter
        && counter.fetch_add(1, Ordering::SeqCst) < *count
    {
        return;
    }
    eprintln!("Holding at {point} ({HOLD_VARIABLE})");
    std::future::pending::<()>().await;
}
