//! go-yaml v2's implicit typing of plain scalars (YAML 1.1 rules).
//!
//! The same rules decide two things: what a plain scalar in a manifest means (`yes` is a
//! boolean, `0644` is 420) and, on output, whether a string must be quoted because written
//! plain it would be read back as something else. Number syntax follows Go's `strconv`,
//! which go-yaml calls, so the corner cases (`0o17`, `1_000`, `0b-1`, `.5_0`) agree.

use super::timestamp::is_timestamp;

/// What a plain scalar resolves to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// Looks like a timestamp; go-yaml still hands it over as the original string.
    Timestamp,
    Str,
}

/// A YAML tag that changes how a scalar is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScalarTag {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
}

impl ScalarTag {
    pub(super) fn name(self) -> &'static str {
        match self {
            ScalarTag::Str => "!!str",
            ScalarTag::Bool => "!!bool",
            ScalarTag::Int => "!!int",
            ScalarTag::Float => "!!float",
            ScalarTag::Null => "!!null",
            ScalarTag::Timestamp => "!!timestamp",
        }
    }
}

impl Resolved {
    fn tag(self) -> ScalarTag {
        match self {
            Resolved::Null => ScalarTag::Null,
            Resolved::Bool(_) => ScalarTag::Bool,
            Resolved::Int(_) | Resolved::Uint(_) => ScalarTag::Int,
            Resolved::Float(_) => ScalarTag::Float,
            Resolved::Timestamp => ScalarTag::Timestamp,
            Resolved::Str => ScalarTag::Str,
        }
    }
}

/// Resolves an untagged plain scalar.
pub(super) fn resolve_plain(s: &str) -> Resolved {
    resolve_inner(s, None)
}

/// Resolves a scalar carrying an explicit core tag; `Err` holds the type the text really has
/// when it does not fit the tag (go-yaml: "cannot decode !!str `x` as a !!int").
pub(super) fn resolve_tagged(s: &str, tag: ScalarTag) -> Result<Resolved, ScalarTag> {
    let resolved = resolve_inner(s, Some(tag));
    let found = resolved.tag();
    if found == tag || tag == ScalarTag::Str {
        return Ok(resolved);
    }
    match (tag, resolved) {
        #[allow(clippy::cast_precision_loss)] // go-yaml converts with float64(v) too.
        (ScalarTag::Float, Resolved::Int(i)) => Ok(Resolved::Float(i as f64)),
        _ => Err(found),
    }
}

/// True when go-yaml would write `s` without quotes: it reads back as a string and is not
/// a YAML 1.1 sexagesimal float.
pub(super) fn plain_reads_as_string(s: &str) -> bool {
    resolve_plain(s) == Resolved::Str && !is_base60_float(s)
}

fn resolve_inner(s: &str, tag: Option<ScalarTag>) -> Resolved {
    if tag == Some(ScalarTag::Str) {
        return Resolved::Str;
    }
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Resolved::Str,
    };
    if let Some(known) = lookup_word(s) {
        return known;
    }
    match hint {
        b'.' => {
            if let Some(f) = parse_float(s) {
                return Resolved::Float(f);
            }
        }
        b'D' | b'S' => {
            if matches!(tag, None | Some(ScalarTag::Timestamp)) && is_timestamp(s) {
                return Resolved::Timestamp;
            }
            if let Some(number) = resolve_number(s) {
                return number;
            }
        }
        _ => {}
    }
    Resolved::Str
}

fn lookup_word(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Integers (any Go base prefix, underscores ignored), then decimal floats, then go-yaml's
/// own `0b` handling.
fn resolve_number(s: &str) -> Option<Resolved> {
    let plain = s.replace('_', "");
    if let Some(i) = parse_int(&plain, 0) {
        return Some(Resolved::Int(i));
    }
    if let Some(u) = parse_uint(&plain, 0) {
        return Some(Resolved::Uint(u));
    }
    if is_yaml_style_float(&plain)
        && let Some(f) = parse_float(&plain)
    {
        return Some(Resolved::Float(f));
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        if let Some(i) = parse_int(rest, 2) {
            return Some(Resolved::Int(i));
        }
        if let Some(u) = parse_uint(rest, 2) {
            return Some(Resolved::Uint(u));
        }
    } else if let Some(rest) = plain.strip_prefix("-0b")
        && let Some(i) = parse_int(&format!("-{rest}"), 2)
    {
        return Some(Resolved::Int(i));
    }
    None
}

/// Go's `strconv.ParseUint(s, base, 64)`; base 0 picks the base from a prefix.
fn parse_uint(s: &str, base: u32) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let base_prefixed = base == 0;
    let (base, digits) = if base_prefixed {
        match bytes {
            [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'b') => (2, rest),
            [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'o') => (8, rest),
            [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'x') => (16, rest),
            [b'0', rest @ ..] => (8, rest),
            _ => (10, bytes),
        }
    } else {
        (base, bytes)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' if base_prefixed => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    if underscores && !underscores_ok(s) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, base, 64)`.
fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        Some(_) => (false, s),
        None => return None,
    };
    let magnitude = parse_uint(unsigned, base)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal text; `None` on syntax errors and on
/// overflow (Go reports a range error there).
fn parse_float(s: &str) -> Option<f64> {
    if !is_go_decimal_float(s) {
        return None;
    }
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    let f: f64 = cleaned.parse().ok()?;
    f.is_finite().then_some(f)
}

/// The grammar of Go's `readFloat` for base-10 input, which must consume all of `s`.
fn is_go_decimal_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if b.len() > i + 2 && b[i] == b'0' && b[i + 1].eq_ignore_ascii_case(&b'x') {
        return false; // hexadecimal floats never reach this path in go-yaml
    }
    let (mut saw_dot, mut saw_digits, mut underscores) = (false, false, false);
    while i < b.len() {
        match b[i] {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    if i < b.len() && b[i].eq_ignore_ascii_case(&b'e') {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            underscores |= b[i] == b'_';
            i += 1;
        }
    }
    i == b.len() && (!underscores || underscores_ok(s))
}

/// Go's rule for `_` in numbers: only between digits (a base prefix counts as a digit).
fn underscores_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'+' | b'-') = b.first() {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`, which go-yaml quotes on output
/// for the sake of YAML 1.1 readers.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        // `[0-5]?[0-9]`: one digit, or two with the first in 0..=5.
        let one = b.get(i + 1).is_some_and(u8::is_ascii_digit);
        let two = one
            && matches!(b.get(i + 1), Some(b'0'..=b'5'))
            && b.get(i + 2).is_some_and(u8::is_ascii_digit);
        match (one, two) {
            (_, true) => i += 3,
            (true, false) => i += 2,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v2() {
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off"), Resolved::Bool(false));
        assert_eq!(resolve_plain("yES"), Resolved::Str);
        assert_eq!(resolve_plain("~"), Resolved::Null);
        assert_eq!(resolve_plain("0644"), Resolved::Int(420));
        assert_eq!(resolve_plain("0o17"), Resolved::Int(15));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("0b-101"), Resolved::Int(-5));
        assert_eq!(resolve_plain("08"), Resolved::Float(8.0));
        assert_eq!(resolve_plain(".5_0"), Resolved::Float(0.5));
        assert_eq!(resolve_plain("._5"), Resolved::Str);
        assert_eq!(resolve_plain("1e400"), Resolved::Str);
        assert_eq!(
            resolve_plain("18446744073709551615"),
            Resolved::Uint(u64::MAX)
        );
        assert_eq!(resolve_plain("2001-12-14"), Resolved::Timestamp);
        assert_eq!(resolve_plain("<<"), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("190:20:30"));
        assert!(is_base60_float("1:2"));
        assert!(is_base60_float("-1:59.5"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("12:"));
        assert!(!plain_reads_as_string("12:30:45"));
    }
}
