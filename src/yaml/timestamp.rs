//! go-yaml v2's timestamp check.
//!
//! A plain scalar is a timestamp when Go's `time.Parse` accepts it with one of four layouts.
//! Decoding keeps such values as strings, but on output they must be quoted, so the exact
//! acceptance rules of `time.Parse` matter (one- or two-digit fields, `,` or `.` before
//! fractions, one or more spaces for a space, day-of-month validation).

/// One element of a Go time layout.
#[derive(Clone, Copy)]
enum Field {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Fraction,
    Zone,
    Literal(u8),
}

use Field::{Day, Fraction, Hour, Literal, Minute, Month, Second, Year, Zone};

/// "2006-1-2", the date every layout starts with.
const DATE: &[Field] = &[Year, Literal(b'-'), Month, Literal(b'-'), Day];

/// "15:4:5.999999999", the time of day after the date and a separator.
const CLOCK: &[Field] = &[Hour, Literal(b':'), Minute, Literal(b':'), Second, Fraction];

/// "2006-1-2T15:4:5.999999999Z07:00", the same with "t", "2006-1-2 15:4:5.999999999",
/// and "2006-1-2", each as the parts it is made of.
const LAYOUTS: [&[&[Field]]; 4] = [
    &[DATE, &[Literal(b'T')], CLOCK, &[Zone]],
    &[DATE, &[Literal(b't')], CLOCK, &[Zone]],
    &[DATE, &[Literal(b' ')], CLOCK],
    &[DATE],
];

/// True when go-yaml would read `s` as a `!!timestamp`.
pub(super) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    LAYOUTS
        .iter()
        .any(|parts| matches_layout(b, parts.iter().copied().flatten()))
}

fn matches_layout<'a>(mut value: &[u8], layout: impl Iterator<Item = &'a Field>) -> bool {
    let (mut year, mut month, mut day) = (0, 0, 0);
    for field in layout {
        let rest = match *field {
            Literal(b' ') => {
                // A space in a layout matches any run of spaces (but not none, unless the
                // value is used up).
                if value.first().is_some_and(|&c| c != b' ') {
                    return false;
                }
                Some((0, trim_spaces(value)))
            }
            Literal(c) => value.strip_prefix(&[c]).map(|rest| (0, rest)),
            Year => {
                let four = value.get(..4);
                four.filter(|d| d.iter().all(u8::is_ascii_digit))
                    .map(|d| (number(d), &value[4..]))
            }
            Month | Day | Hour | Minute | Second => one_or_two_digits(value),
            Fraction => Some((0, fraction(value))),
            Zone => zone(value).map(|rest| (0, rest)),
        };
        let Some((n, rest)) = rest else {
            return false;
        };
        let in_range = match *field {
            Year => {
                year = n;
                true
            }
            Month => {
                month = n;
                (1..=12).contains(&n)
            }
            Day => {
                day = n;
                true
            }
            Hour => n < 24,
            Minute | Second => n < 60,
            _ => true,
        };
        if !in_range {
            return false;
        }
        value = rest;
    }
    value.is_empty() && day >= 1 && day <= days_in_month(month, year)
}

fn one_or_two_digits(value: &[u8]) -> Option<(u32, &[u8])> {
    match value {
        [a, b, rest @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some((number(&[*a, *b]), rest))
        }
        [a, rest @ ..] if a.is_ascii_digit() => Some((number(&[*a]), rest)),
        _ => None,
    }
}

/// An optional `.ddd` or `,ddd` fraction of any length.
fn fraction(value: &[u8]) -> &[u8] {
    match value {
        [sep, first, rest @ ..] if (*sep == b'.' || *sep == b',') && first.is_ascii_digit() => {
            let more = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            &rest[more..]
        }
        _ => value,
    }
}

/// `Z` or `±hh:mm` (hours up to 24, minutes up to 60, as Go allows).
fn zone(value: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = value.strip_prefix(b"Z") {
        return Some(rest);
    }
    let [sign, h1, h2, b':', m1, m2, rest @ ..] = value else {
        return None;
    };
    let digits = [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit());
    let ok = digits
        && matches!(sign, b'+' | b'-')
        && number(&[*h1, *h2]) <= 24
        && number(&[*m1, *m2]) <= 60;
    ok.then_some(rest)
}

fn trim_spaces(value: &[u8]) -> &[u8] {
    let n = value.iter().take_while(|&&c| c == b' ').count();
    &value[n..]
}

fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0, |n, &d| n * 10 + u32::from(d.wrapping_sub(b'0')))
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn accepts_what_go_accepts() {
        for ok in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14T21:59:43.10-05:00",
            "2001-12-14t21:59:43Z",
            "2001-12-14 21:59:43.10",
            "2001-12-14   21:59:43",
            "2001-12-14 21:59:43,5",
            "2000-02-29",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "2001-12-14T21:59:43",
            "2001-13-14",
            "2001-02-29",
            "2001-12-14 21:59:43.10 -5",
            "2001-012-14",
            "20011-12-14",
            "2001-12-14T24:00:00Z",
            "2001-12-14T21:59:43+0500",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
