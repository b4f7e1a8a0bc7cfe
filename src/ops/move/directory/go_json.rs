//! JSON text exactly as Go's `encoding/json` writes an unstructured object (what
//! clusterctl's `Unstructured.MarshalJSON` puts in a backup file, minus its final newline).

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// Prints `value` as compact JSON, byte for byte as Go's `encoding/json` prints the same
/// object held as `map[string]interface{}`.
///
/// That means: object keys sorted by their bytes; `<`, `>` and `&` written as `\u003c`,
/// `\u003e`, `\u0026` and U+2028/U+2029 as `\u2028`/`\u2029` (Go's HTML-safe escaping);
/// `\b`, `\f`, `\n`, `\r`, `\t` as short escapes and the other control characters below
/// U+0020 as `\u00XX` with lowercase hex; everything else, DEL and C1 controls included, as
/// is. Numbers are written the way Go holds them after reading an object from the API
/// server: integers that fit `int64` as integers, every other number as a `float64`, in the
/// shortest form that reads back exactly, with an exponent (`1e-7`, `1e+21`) only below
/// 1e-6 or from 1e21 on. A negative zero is written `0`: the API server sends it as `-0`,
/// which Go reads as the integer 0 (serde_json reads it as the float -0.0).
///
/// The result is valid JSON; use `serde_json::to_string` where no Go program compares the
/// bytes.
pub fn go_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // serde_json keeps keys sorted unless its `preserve_order` feature is on; Go
            // always sorts, so sort here rather than rely on the feature set.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        // Go's unstructured decoding keeps an integer only when it fits int64; larger ones
        // become float64 and are printed as such (18446744073709551615 → 18446744073709552000).
        #[allow(clippy::cast_precision_loss)]
        write_float(out, u as f64);
    } else if let Some(f) = n.as_f64() {
        write_float(out, f);
    }
}

/// Go's float64 encoding: `strconv.AppendFloat(f, 'f', -1, 64)`, or `'e'` outside
/// [1e-6, 1e21) with a one-digit negative exponent unpadded (`e-07` → `e-7`).
fn write_float(out: &mut String, f: f64) {
    let abs = f.abs();
    if abs == 0.0 {
        out.push('0');
    } else if !(1e-6..1e21).contains(&abs) {
        // Rust's `{:e}` has the same shortest digits and never pads the exponent; Go adds
        // a `+` to positive exponents.
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        out.push_str(mantissa);
        out.push('e');
        if !exponent.starts_with('-') {
            out.push('+');
        }
        out.push_str(exponent);
    } else {
        // `{}` prints the shortest round-trip digits without an exponent, as Go's 'f' does.
        let _ = write!(out, "{f}");
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{0}'..='\u{1f}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Each input number as a JSON literal, and what Go 1.26.8 writes for it after
    /// `Unstructured.UnmarshalJSON` (`hack/golden/moveref`, `go run . marshal`).
    #[test]
    fn numbers_match_go() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("1.0", "1"),
            ("12.50", "12.5"),
            ("1e2", "100"),
            ("0.1", "0.1"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("0.000001", "0.000001"),
            ("0.0000025", "0.0000025"),
            ("9.999999999999999e-7", "0.000001"),
            ("9.999999999999998e-7", "9.999999999999997e-7"),
            ("9.99999999999999e-7", "9.99999999999999e-7"),
            ("1e-5", "0.00001"),
            ("0.00001234", "0.00001234"),
            ("4.35", "4.35"),
            ("2.2250738585072014e-308", "2.2250738585072014e-308"),
            ("1e-7", "1e-7"),
            ("1.5e-7", "1.5e-7"),
            ("-1.25e-10", "-1.25e-10"),
            ("5e-324", "5e-324"),
            ("1e20", "100000000000000000000"),
            ("123456789012345678901", "123456789012345680000"),
            ("999999999999999900000", "999999999999999900000"),
            ("1e21", "1e+21"),
            ("999999999999999999999", "1e+21"),
            ("1.0000000000000001e21", "1.0000000000000001e+21"),
            ("-2e22", "-2e+22"),
            ("1.5e300", "1.5e+300"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("9007199254740993", "9007199254740993"),
            ("9223372036854775807", "9223372036854775807"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("9223372036854775808", "9223372036854776000"),
            ("18446744073709551615", "18446744073709552000"),
            ("3.14159", "3.14159"),
            ("2.5e-5", "0.000025"),
            ("1e-6", "0.000001"),
            ("123.456e5", "12345600"),
        ];
        for (input, go) in cases {
            let value: Value = serde_json::from_str(input).unwrap();
            assert_eq!(go_json(&value), go, "number {input}");
        }
    }

    /// Strings as Go 1.26.8 writes them (`go run . marshal`); Go uses `\b` and `\f` since
    /// 1.22 and leaves DEL, C1 controls and U+FFFE/U+FFFF unescaped.
    #[test]
    fn strings_match_go() {
        let cases = [
            ("plain", r#""plain""#),
            (
                "<a href=\"x\">&amp;</a>",
                r#""\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e""#,
            ),
            ("back\\slash /slash", r#""back\\slash /slash""#),
            ("\u{8}\u{c}\n\r\t", r#""\b\f\n\r\t""#),
            (
                "\u{0}\u{1}\u{b}\u{1b}\u{1f} ",
                r#""\u0000\u0001\u000b\u001b\u001f ""#,
            ),
            (
                "\u{7f}\u{80}\u{85}\u{9f}\u{fffe}",
                "\"\u{7f}\u{80}\u{85}\u{9f}\u{fffe}\"",
            ),
            ("\u{2028}\u{2029}\u{2027}", "\"\\u2028\\u2029\u{2027}\""),
            ("Zoë ✓ 日本 🚀 \u{feff}", "\"Zoë ✓ 日本 🚀 \u{feff}\""),
            ("", r#""""#),
        ];
        for (input, go) in cases {
            assert_eq!(go_json(&json!(input)), go, "string {input:?}");
        }
    }

    /// Go writes the float -0 as `-0`, but reads the `-0` the API server sends as the
    /// integer 0, and never holds a float -0 for an object it got from a cluster.
    #[test]
    fn negative_zero_is_written_as_go_reads_it() {
        assert_eq!(go_json(&json!(-0.0)), "0");
    }

    #[test]
    fn keys_are_sorted_by_bytes_and_escaped() {
        let value = json!({"b": 1, "a": 2, "B": 3, "a10": 4, "a2": 5, "é": 6, "<&>": 7, "": 8});
        assert_eq!(
            go_json(&value),
            r#"{"":8,"\u003c\u0026\u003e":7,"B":3,"a":2,"a10":4,"a2":5,"b":1,"é":6}"#
        );
    }

    #[test]
    fn nesting_and_empties() {
        let value = json!({"l": [[], {}, [null, true, false, ""], {"n": [{"d": [1, [2.5]]}]}]});
        assert_eq!(
            go_json(&value),
            r#"{"l":[[],{},[null,true,false,""],{"n":[{"d":[1,[2.5]]}]}]}"#
        );
    }
}
