//! A test hook: `CAPICTL_TEST_HOLD_AT=<point>` makes a move stop at one of its five
//! interruption points and wait there (until it is killed), so that tests can kill a real
//! move at an exact point and check that running it again completes the work. Points:
//! `paused`, `creating:N` (after N objects are created), `created`, `deleting:N` (after N
//! objects are deleted) and `deleted` (before the unpause). A third field, `point:N:SECONDS`,
//! holds that long and then carries on (to take a server away under a running move). Unset,
//! it costs one lookup.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable read.
pub const HOLD_VARIABLE: &str = "CAPICTL_TEST_HOLD_AT";

struct Hold {
    point: String,
    count: usize,
    seconds: Option<u64>,
}

fn setting() -> Option<&'static Hold> {
    static SETTING: OnceLock<Option<Hold>> = OnceLock::new();
    SETTING
        .get_or_init(|| {
            let value = std::env::var(HOLD_VARIABLE).ok()?;
            let mut fields = value.split(':');
            let point = fields.next()?.to_string();
            let count = fields.next().map_or(Some(0), |n| n.parse().ok())?;
            let seconds = match fields.next() {
                Some(s) => Some(s.parse().ok()?),
                None => None,
            };
            Some(Hold {
                point,
                count,
                seconds,
            })
        })
        .as_ref()
}

static PASSED: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

/// Holds at `point` when asked to. `counted` points hold once `N` earlier calls passed.
pub(super) async fn at(point: &str) {
    let Some(hold) = setting() else {
        return;
    };
    if hold.point != point {
        return;
    }
    let counter = match point {
        "creating" => Some(&PASSED[0]),
        "deleting" => Some(&PASSED[1]),
        _ => None,
    };
    if let Some(counter) = counter
        && counter.fetch_add(1, Ordering::SeqCst) < hold.count
    {
        return;
    }
    eprintln!("Holding at {point} ({HOLD_VARIABLE})");
    match hold.seconds {
        Some(s) => tokio::time::sleep(std::time::Duration::from_secs(s)).await,
        None => std::future::pending::<()>().await,
    }
}
