//! Byte strings read the way Go reads them.
//!
//! Upstream works on Go strings, which are byte strings: substring and trim operators cut at
//! byte offsets and may split a multi-byte character. To reproduce that exactly, evaluation
//! works on `Vec<u8>` and only turns the result into a `String` at the end, with
//! [`to_string_lossy`].

use super::go_unicode::{DIGIT, LETTER, TO_LOWER, TO_UPPER};

/// What Go substitutes for a byte that does not start a valid UTF-8 sequence.
pub(super) const REPLACEMENT: char = char::REPLACEMENT_CHARACTER;

/// Decodes the character at the start of `bytes` like Go's `utf8.DecodeRune`.
///
/// Returns `None` for empty input. An invalid or truncated sequence decodes as
/// [`REPLACEMENT`] with width 1, so callers always make progress.
pub(super) fn decode(bytes: &[u8]) -> Option<(char, usize)> {
    let first = *bytes.first()?;
    let width = match first {
        0x00..=0x7F => return Some((char::from(first), 1)),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return Some((REPLACEMENT, 1)),
    };
    let decoded = bytes
        .get(..width)
        .and_then(|sequence| std::str::from_utf8(sequence).ok())
        .and_then(|text| text.chars().next());
    Some(decoded.map_or((REPLACEMENT, 1), |c| (c, width)))
}

/// Iterates over the characters of `bytes` as Go's `for range` over a string does.
pub(super) fn chars(bytes: &[u8]) -> impl Iterator<Item = (char, usize)> + '_ {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let (c, width) = decode(rest)?;
        rest = &rest[width..];
        Some((c, width))
    })
}

/// Turns a Go byte string into text, each invalid byte becoming U+FFFD.
///
/// This is what Go's `encoding/json` prints for such a string, so results match the
/// reference vectors byte for byte.
pub(super) fn to_string_lossy(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => chars(bytes).map(|(c, _)| c).collect(),
    }
}

/// Appends the UTF-8 encoding of `c`.
pub(super) fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Go's `unicode.IsLetter`: general category L, in Go's Unicode version.
pub(super) fn is_letter(c: char) -> bool {
    in_ranges(LETTER, c)
}

/// Go's `unicode.IsDigit`: general category Nd, in Go's Unicode version.
pub(super) fn is_digit(c: char) -> bool {
    in_ranges(DIGIT, c)
}

/// Go's `unicode.ToUpper`: the simple (one character) upper-case mapping.
pub(super) fn to_upper(c: char) -> char {
    map_case(TO_UPPER, c)
}

/// Go's `unicode.ToLower`: the simple (one character) lower-case mapping.
pub(super) fn to_lower(c: char) -> char {
    map_case(TO_LOWER, c)
}

fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let code = u32::from(c);
    let after = ranges.partition_point(|&(first, _)| first <= code);
    after > 0 && code <= ranges[after - 1].1
}

fn map_case(runs: &[(u32, u32, u32, i32)], c: char) -> char {
    let code = u32::from(c);
    let after = runs.partition_point(|&(first, ..)| first <= code);
    let Some(&(first, last, stride, delta)) = after.checked_sub(1).and_then(|i| runs.get(i)) else {
        return c;
    };
    if code > last || stride == 0 || (code - first) % stride != 0 {
        return c;
    }
    code.checked_add_signed(delta)
        .and_then(char::from_u32)
        .unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_matches_go_for_invalid_sequences() {
        type Decoded = Option<(char, usize)>;
        let cases: &[(&[u8], Decoded)] = &[
            (b"", None),
            (b"a", Some(('a', 1))),
            ("é".as_bytes(), Some(('é', 2))),
            (&[0xC3], Some((REPLACEMENT, 1))),
            (&[0xA9], Some((REPLACEMENT, 1))),
            (&[0xE2, 0x82], Some((REPLACEMENT, 1))),
            (&[0xED, 0xA0, 0x80], Some((REPLACEMENT, 1))),
            (&[0xC0, 0x80], Some((REPLACEMENT, 1))),
            ("😀".as_bytes(), Some(('😀', 4))),
        ];
        for (bytes, want) in cases {
            assert_eq!(decode(bytes), *want, "{bytes:x?}");
        }
    }

    #[test]
    fn lossy_replaces_each_invalid_byte() {
        assert_eq!(
            to_string_lossy(&[b'a', 0xE2, 0x82, b'b']),
            "a\u{FFFD}\u{FFFD}b"
        );
        assert_eq!(to_string_lossy("ok é".as_bytes()), "ok é");
    }

    #[test]
    fn unicode_tables_follow_go() {
        let letters = [
            ('A', true),
            ('é', true),
            ('ǅ', true),
            ('Ⅸ', false),
            ('²', false),
            ('_', false),
        ];
        for (c, want) in letters {
            assert_eq!(is_letter(c), want, "{c}");
        }
        let digits = [
            ('7', true),
            ('٣', true),
            ('²', false),
            ('Ⅸ', false),
            ('a', false),
        ];
        for (c, want) in digits {
            assert_eq!(is_digit(c), want, "{c}");
        }
        let upper = [
            ('a', 'A'),
            ('ß', 'ß'),
            ('ǆ', 'Ǆ'),
            ('ǅ', 'Ǆ'),
            ('ı', 'I'),
            ('ﬀ', 'ﬀ'),
            ('1', '1'),
        ];
        for (c, want) in upper {
            assert_eq!(to_upper(c), want, "{c}");
        }
        let lower = [
            ('A', 'a'),
            ('İ', 'i'),
            ('ǅ', 'ǆ'),
            ('Σ', 'σ'),
            ('ẞ', 'ß'),
            ('Ā', 'ā'),
            ('ā', 'ā'),
        ];
        for (c, want) in lower {
            assert_eq!(to_lower(c), want, "{c}");
        }
    }
}
