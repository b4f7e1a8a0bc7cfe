//! Numbers as Go prints them on clusterctl's output path.
//!
//! `sigs.k8s.io/yaml.Marshal` writes a value as JSON (Go's `encoding/json` float format),
//! reads that text back with go-yaml (which picks int, uint64 or float64), and prints the
//! result (floats with `strconv.FormatFloat(f, 'g', -1, 64)`). The helpers here reproduce
//! each step from the shortest round-trip digits of the float.

use serde_json::Number;

/// A number as go-yaml holds it after reading JSON text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum GoNumber {
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl GoNumber {
    /// The number's YAML text (always a plain scalar).
    pub(super) fn yaml_text(self) -> String {
        match self {
            GoNumber::Int(i) => i.to_string(),
            GoNumber::Uint(u) => u.to_string(),
            GoNumber::Float(f) => format_g(f, false),
        }
    }

    /// The number as a `serde_json` value; floats that are not finite become `None`.
    pub(super) fn to_json(self) -> Option<Number> {
        match self {
            GoNumber::Int(i) => Some(Number::from(i)),
            GoNumber::Uint(u) => Some(Number::from(u)),
            GoNumber::Float(f) => Number::from_f64(f),
        }
    }
}

/// What go-yaml reads back after `encoding/json` wrote the float64 `f`.
///
/// Integral values below 1e21 are written without a fraction or exponent and so come back as
/// integers when they fit 64 bits; everything else stays a float.
pub(super) fn from_go_float(f: f64) -> GoNumber {
    if !f.is_finite() || f != f.trunc() || f.abs() >= 1e21 {
        return GoNumber::Float(f);
    }
    let digits = Digits::shortest(f, false);
    // Go writes the shortest digits padded with zeros, not the exact integer value.
    let mut text = String::with_capacity(24);
    if f.is_sign_negative() {
        text.push('-');
    }
    if digits.digits.is_empty() {
        text.push('0');
    } else {
        text.push_str(&digits.digits);
        for _ in digits.digits.len()..usize::try_from(digits.point).unwrap_or(0) {
            text.push('0');
        }
    }
    if let Ok(i) = text.parse::<i64>() {
        GoNumber::Int(i)
    } else if let Ok(u) = text.parse::<u64>() {
        GoNumber::Uint(u)
    } else {
        GoNumber::Float(f)
    }
}

/// The number go-yaml reads back from a `serde_json` number.
pub(super) fn from_json(n: &Number) -> GoNumber {
    if let Some(i) = n.as_i64() {
        GoNumber::Int(i)
    } else if let Some(u) = n.as_u64() {
        GoNumber::Uint(u)
    } else {
        from_go_float(n.as_f64().unwrap_or(0.0))
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (or bit size 32 when `single`), with go-yaml's
/// spelling of the non-finite values.
pub(super) fn format_g(f: f64, single: bool) -> String {
    // Narrowing to float32 first, as Go does, can overflow to infinity.
    #[allow(clippy::cast_possible_truncation)]
    let narrowed = if single { f64::from(f as f32) } else { f };
    if narrowed.is_nan() {
        return ".nan".to_owned();
    }
    if narrowed.is_infinite() {
        return if narrowed > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let d = Digits::shortest(f, single);
    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    let nd = i32::try_from(d.digits.len()).unwrap_or(i32::MAX);
    // With shortest formatting Go switches to %e outside 1e-4 <= |f| < 1e6.
    let exp = d.point - 1;
    if !(-4..6).contains(&exp) {
        format_e(&mut out, &d);
    } else {
        format_f(&mut out, &d, (nd - d.point).max(0));
    }
    out
}

/// Shortest decimal digits of a float: value = 0.DIGITS × 10^point.
struct Digits {
    digits: String,
    point: i32,
}

impl Digits {
    fn shortest(f: f64, single: bool) -> Digits {
        if f == 0.0 {
            return Digits {
                digits: String::new(),
                point: 0,
            };
        }
        // `{:e}` prints the shortest round-trip digits, e.g. "1.2345e-7".
        #[allow(clippy::cast_possible_truncation)] // Go's FormatFloat(.., 32) narrows too.
        let text = if single {
            format!("{:e}", (f.abs()) as f32)
        } else {
            format!("{:e}", f.abs())
        };
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_end_matches('0').to_owned();
        let exponent: i32 = exponent.parse().unwrap_or(0);
        Digits {
            digits,
            point: exponent + 1,
        }
    }

    fn digit(&self, i: i32) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.digits.as_bytes().get(i))
            .map_or('0', |&b| char::from(b))
    }
}

/// Go's `%e` with the shortest digits: `d.ddde±XX`.
fn format_e(out: &mut String, d: &Digits) {
    out.push(d.digit(0));
    if d.digits.len() > 1 {
        out.push('.');
        out.push_str(&d.digits[1..]);
    }
    out.push('e');
    let exp = if d.digits.is_empty() { 0 } else { d.point - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

/// Go's `%f` with `frac` digits after the point.
fn format_f(out: &mut String, d: &Digits, frac: i32) {
    if d.point > 0 {
        for i in 0..d.point {
            out.push(d.digit(i));
        }
    } else {
        out.push('0');
    }
    if frac > 0 {
        out.push('.');
        for i in 1..=frac {
            out.push(d.digit(d.point + i - 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_g_matches_go() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (0.5, "0.5"),
            (1.0, "1"),
            (123456.7, "123456.7"),
            (1234567.5, "1.2345675e+06"),
            (1e21, "1e+21"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e100, "1e+100"),
            (-2.5e-300, "-2.5e-300"),
            (f64::MAX, "1.7976931348623157e+308"),
        ];
        for &(f, want) in cases {
            assert_eq!(format_g(f, false), want, "{f}");
        }
        assert_eq!(format_g(0.1, true), "0.1");
        assert_eq!(format_g(std::f64::consts::PI, true), "3.1415927");
        assert_eq!(format_g(1e10, true), "1e+10");
        assert_eq!(format_g(1e300, true), ".inf");
        assert_eq!(format_g(-1e300, true), "-.inf");
        assert_eq!(format_g(1e-50, true), "0");
    }

    #[test]
    fn go_float_round_trip() {
        assert_eq!(from_go_float(3.0), GoNumber::Int(3));
        assert_eq!(from_go_float(-0.0), GoNumber::Int(0));
        assert_eq!(
            from_go_float(12_345_678_901_234_567_890.0),
            GoNumber::Uint(12_345_678_901_234_567_000)
        );
        assert_eq!(from_go_float(1e20), GoNumber::Float(1e20));
        assert_eq!(from_go_float(-1e19), GoNumber::Float(-1e19));
        assert_eq!(from_go_float(0.5), GoNumber::Float(0.5));
    }
}
