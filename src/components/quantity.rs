//! Kubernetes resource quantities (`100m`, `128Mi`, `1e3`) in their canonical form, as
//! `resource.Quantity` prints them after a round trip (`1000m` → `1`, `1024Mi` → `1Gi`,
//! `0.5` → `500m`).

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalSi,
    BinarySi,
    DecimalExponent,
}

/// The decimal SI suffixes and the power of ten each stands for.
const DECIMAL_SUFFIXES: [(&str, i32); 9] = [
    ("n", -9),
    ("u", -6),
    ("m", -3),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];

/// The binary SI suffixes, for 1024 to the power of one to six.
const BINARY_SUFFIXES: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// The power of ten a decimal SI suffix stands for.
fn decimal_exponent(suffix: &str) -> Option<i32> {
    DECIMAL_SUFFIXES
        .iter()
        .find(|(s, _)| *s == suffix)
        .map(|&(_, e)| e)
}

/// The canonical form of `text`, or `None` when it is not a quantity.
pub fn canonical(text: &str) -> Option<String> {
    let (negative, mut mantissa, mut scale, format) = parse(text)?;
    if already_canonical(text, format) {
        // Kubernetes keeps the text as written when it is in canonical shape (even `+1`).
        return Some(text.to_string());
    }
    if mantissa == 0 {
        return Some("0".to_string());
    }
    let sign = if negative { "-" } else { "" };
    if format == Format::BinarySi {
        // Exact integer bytes at or above 1024 print in base 1024; the rest as decimal SI.
        let integral = to_integer(mantissa, scale);
        if let Some(value) = integral.filter(|v| v.unsigned_abs() >= 1024) {
            let (mut amount, mut exponent) = (value, 0u32);
            while amount % 1024 == 0 && exponent < 6 {
                amount /= 1024;
                exponent += 1;
            }
            let suffix = match exponent {
                0 => "",
                e => BINARY_SUFFIXES[e as usize - 1],
            };
            return Some(format!("{sign}{amount}{suffix}"));
        }
        return Some(format!(
            "{sign}{}",
            decimal(mantissa, scale, Format::DecimalSi)
        ));
    }
    while mantissa % 10 == 0 {
        mantissa /= 10;
        scale += 1;
    }
    Some(format!("{sign}{}", decimal(mantissa, scale, format)))
}

/// Go's fast path in `ParseQuantity`, which reuses the input string for values that look
/// canonical: decimal digits not ending in `000` nor starting with `0`, at a scale that is a
/// multiple of three; binary values whose number is not a multiple of eight.
fn already_canonical(text: &str, format: Format) -> bool {
    let rest = text.trim_start_matches(['+', '-']);
    if rest.len() + 1 < text.len() {
        return false;
    }
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (num, denom) = number.split_once('.').unwrap_or((number, ""));
    let shifted = format!("{num}{denom}");
    if shifted.is_empty() || shifted.len() > 18 {
        return false;
    }
    match format {
        Format::BinarySi => denom.is_empty() && num.parse::<i64>().is_ok_and(|v| v & 7 != 0),
        Format::DecimalSi | Format::DecimalExponent => {
            let exponent = match suffix {
                "" => Some(0),
                _ => decimal_exponent(suffix).or_else(|| suffix.get(1..)?.parse().ok()),
            };
            let Some(exponent) = exponent else {
                return false;
            };
            let scale = exponent - denom.len() as i32;
            scale >= -9 && scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0')
        }
    }
}

/// Prints `mantissa × 10^exponent` with an exponent that is a multiple of three.
fn decimal(mut mantissa: i128, mut exponent: i32, format: Format) -> String {
    while mantissa % 10 == 0 && mantissa != 0 {
        mantissa /= 10;
        exponent += 1;
    }
    match exponent.rem_euclid(3) {
        1 => {
            mantissa *= 10;
            exponent -= 1;
        }
        2 => {
            mantissa *= 100;
            exponent -= 2;
        }
        _ => {}
    }
    let si = DECIMAL_SUFFIXES.iter().find(|&&(_, e)| e == exponent);
    let suffix = match si {
        _ if exponent == 0 => String::new(),
        Some((s, _)) if format != Format::DecimalExponent => s.to_string(),
        _ => format!("e{exponent}"),
    };
    format!("{}{suffix}", mantissa.abs())
}

fn to_integer(mantissa: i128, scale: i32) -> Option<i128> {
    if scale >= 0 {
        mantissa.checked_mul(10i128.checked_pow(scale as u32)?)
    } else {
        let div = 10i128.checked_pow(scale.unsigned_abs())?;
        (mantissa % div == 0).then_some(mantissa / div)
    }
}

/// Splits a quantity into sign, digits as an integer, a power-of-ten scale and its format; the
/// binary suffixes are folded into the integer.
fn parse(text: &str) -> Option<(bool, i128, i32, Format)> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    if int_part.is_empty() && frac_part.is_empty() || frac_part.contains('.') {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let mut mantissa: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let mut scale = -(frac_part.len() as i32);
    let format = if suffix.is_empty() {
        Format::DecimalSi
    } else if let Some(power) = BINARY_SUFFIXES.iter().position(|s| *s == suffix) {
        mantissa = mantissa.checked_mul(1024i128.checked_pow(power as u32 + 1)?)?;
        Format::BinarySi
    } else if let Some(exponent) = decimal_exponent(suffix) {
        scale += exponent;
        Format::DecimalSi
    } else {
        let exponent = suffix.strip_prefix(['e', 'E'])?;
        scale += exponent.parse::<i32>().ok().filter(|e| e.abs() < 40)?;
        Format::DecimalExponent
    };
    if negative && mantissa == 0 {
        return Some((false, 0, 0, format));
    }
    Some((negative, mantissa, scale, format))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn matches_kubernetes_canonical_forms() {
        let cases = [
            ("100m", "100m"),
            ("1000m", "1"),
            ("0.5", "500m"),
            ("1", "1"),
            ("2000", "2k"),
            ("1500", "1500"),
            ("128Mi", "128Mi"),
            ("1024Mi", "1Gi"),
            ("1536Mi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("512", "512"),
            ("0.5Ki", "512"),
            ("1e3", "1e3"),
            ("1.5e3", "1500"),
            ("0", "0"),
            ("-100m", "-100m"),
            ("+1", "+1"),
            ("0.1Ki", "102400m"),
            ("1e-3", "1e-3"),
            ("1E3", "1E3"),
            ("12e1", "120"),
            ("1Gi", "1Gi"),
            ("8Mi", "8Mi"),
            ("1.0", "1"),
            ("10G", "10G"),
            ("100M", "100M"),
            ("1000M", "1G"),
        ];
        for (input, want) in cases {
            assert_eq!(canonical(input).as_deref(), Some(want), "{input}");
        }
        for bad in ["", "abc", "1.2.3", "1Xi", "--1"] {
            assert_eq!(canonical(bad), None, "{bad}");
        }
    }
}
