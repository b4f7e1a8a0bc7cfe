//! Kubernetes resource quantities (`100m`, `128Mi`, `1e3`) in their canonical form, as
//! `resource.Quantity` prints them after a round trip (`1000m` → `1`, `1024Mi` → `1Gi`,
//! `0.5` → `500m`).

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalSi,
    BinarySi,
    DecimalExponent,
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
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exponent as usize];
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
            let exponent: i32 = match suffix {
                "" => 0,
                "n" => -9,
                "u" => -6,
                "m" => -3,
                "k" => 3,
                "M" => 6,
                "G" => 9,
                "T" => 12,
                "P" => 15,
                "E" => 18,
                other => match other.get(1..).and_then(|e| e.parse().ok()) {
                    Some(e) => e,
                    None => return false,
                },
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
    let suffix = match (format, exponent) {
        (_, 0) => String::new(),
        (Format::DecimalExponent, e) => format!("e{e}"),
        (_, -9) => "n".into(),
        (_, -6) => "u".into(),
        (_, -3) => "m".into(),
        (_, 3) => "k".into(),
        (_, 6) => "M".into(),
        (_, 9) => "G".into(),
        (_, 12) => "T".into(),
        (_, 15) => "P".into(),
        (_, 18) => "E".into(),
        (_, e) => format!("e{e}"),
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
    let format = match suffix {
        "" => Format::DecimalSi,
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            let power = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                .iter()
                .position(|s| *s == suffix)? as u32
                + 1;
            mantissa = mantissa.checked_mul(1024i128.checked_pow(power)?)?;
            Format::BinarySi
        }
        "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => {
            scale += match suffix {
                "n" => -9,
                "u" => -6,
                "m" => -3,
                "k" => 3,
                "M" => 6,
                "G" => 9,
                "T" => 12,
                "P" => 15,
                _ => 18,
            };
            Format::DecimalSi
        }
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            scale += exponent.parse::<i32>().ok().filter(|e| e.abs() < 40)?;
            Format::DecimalExponent
        }
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
