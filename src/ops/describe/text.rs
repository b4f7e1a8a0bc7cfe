//! Text helpers of the describe table, as Kubernetes and clusterctl write them: ages
//! (`HumanDuration`), RFC 3339 times, and messages wrapped at 100 columns.

/// Seconds since the Unix epoch of an RFC 3339 time (`2024-05-01T10:00:00Z`, offsets and
/// fractions accepted); Go's zero time (year 1) when it does not parse, as a condition
/// without a time reads.
pub fn unix_seconds(text: &str) -> i64 {
    parse(text).unwrap_or(GO_ZERO_TIME)
}

/// `0001-01-01T00:00:00Z` in Unix seconds.
const GO_ZERO_TIME: i64 = -62_135_596_800;

fn parse(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// How long ago `since` was, as `kubectl get` prints ages (`45s`, `3m12s`, `5h`, `12d`).
pub fn age(since: Option<&str>, now: i64) -> String {
    let then = since.map_or(GO_ZERO_TIME, unix_seconds);
    human_duration(now - then)
}

/// Kubernetes' `duration.HumanDuration` for a whole number of seconds.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// clusterctl's `formatParagraph`: each line of `text` split into lines shorter than
/// `max_width` bytes at whitespace, continuation lines indented like the line (plus two
/// spaces under a `* ` bullet).
pub fn wrap(text: &str, max_width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let leading = line.chars().take_while(|&c| c == ' ').count();
        let mut current = " ".repeat(leading);
        let mut indent = current.clone();
        if line.trim().starts_with("* ") {
            indent.push_str("  ");
        }
        for word in split_whitespace_runs(line) {
            if current.len() + word.len() < max_width {
                if !current.trim().is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
                continue;
            }
            lines.push(std::mem::replace(&mut current, format!("{indent}{word}")));
        }
        lines.push(current);
    }
    lines.join("\n")
}

/// Go's `regexp.MustCompile(`[\s]+`).Split(s, -1)`: empty pieces kept at both ends.
fn split_whitespace_runs(s: &str) -> Vec<&str> {
    if s.is_empty() {
        return vec![""];
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r');
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_space(c) {
            out.push(&s[start..i]);
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_space(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            start = end;
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_match_kubernetes() {
        assert_eq!(human_duration(-5), "<invalid>");
        assert_eq!(human_duration(-1), "0s");
        assert_eq!(human_duration(119), "119s");
        assert_eq!(human_duration(120), "2m");
        assert_eq!(human_duration(192), "3m12s");
        assert_eq!(human_duration(11 * 60), "11m");
        assert_eq!(human_duration(5 * 3600 + 60), "5h1m");
        assert_eq!(human_duration(30 * 3600), "30h");
        assert_eq!(human_duration(3 * 86_400 + 3600), "3d1h");
        assert_eq!(human_duration(20 * 86_400), "20d");
        assert_eq!(human_duration(3 * 365 * 86_400), "3y");
    }

    #[test]
    fn times_parse_as_rfc3339() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), 0);
        assert_eq!(unix_seconds("2024-02-29T12:00:00Z"), 1_709_208_000);
        assert_eq!(unix_seconds("2024-02-29T14:00:00.5+02:00"), 1_709_208_000);
        assert_eq!(unix_seconds("garbage"), GO_ZERO_TIME);
    }

    #[test]
    fn paragraphs_wrap_below_the_width_and_keep_bullet_indents() {
        assert_eq!(wrap("a b c", 4), "a b\nc");
        assert_eq!(wrap("* aa bb", 6), "* aa\n  bb");
        assert_eq!(wrap("  x yy", 5), "  x\n  yy");
        assert_eq!(wrap("", 100), "");
        assert_eq!(wrap("one\ntwo", 100), "one\ntwo");
    }
}
