//! Wall-clock time for the cache and for messages: seconds since the Unix epoch, and a UTC
//! calendar time written out, without a date library.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The current time as RFC 3339 in UTC, second precision (`2026-11-22T03:04:05Z`), as
/// Kubernetes writes timestamps.
pub fn now_rfc3339() -> String {
    UtcTime::from_unix(now_secs()).to_rfc3339()
}

/// A moment in UTC at second precision, broken into calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    year: i64,
    month: i64,
    day: i64,
    hour: u64,
    minute: u64,
    second: u64,
}

impl UtcTime {
    /// The calendar time of `secs` seconds since the Unix epoch.
    pub fn from_unix(secs: u64) -> UtcTime {
        let days = secs / 86_400;
        let rem = secs % 86_400;
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        UtcTime {
            year: yoe + era * 400 + i64::from(month <= 2),
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
        }
    }

    /// `2026-11-22 03:04:05 UTC`, for people.
    pub fn to_text(self) -> String {
        self.format(' ', " UTC")
    }

    /// `2026-11-22T03:04:05Z` (RFC 3339), for machines.
    pub fn to_rfc3339(self) -> String {
        self.format('T', "Z")
    }

    fn format(self, separator: char, zone: &str) -> String {
        let UtcTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        } = self;
        format!("{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{zone}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_dates() {
        assert_eq!(UtcTime::from_unix(0).to_text(), "1970-01-01 00:00:00 UTC");
        let t = UtcTime::from_unix(1_795_000_000);
        assert_eq!(t.to_text(), "2026-11-18 11:06:40 UTC");
        assert_eq!(t.to_rfc3339(), "2026-11-18T11:06:40Z");
    }
}
