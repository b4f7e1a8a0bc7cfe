//! The glob patterns of the `#`, `##`, `%` and `%%` operators.
//!
//! This is the pattern language of Go's `path.Match` as modified by drone/envsubst:
//! `*` also matches `/`, `?` matches any one character, `[...]` and `[^...]` are classes
//! with ranges, `\` escapes. Matching is on bytes; `?` and classes consume one whole
//! character, literals compare byte by byte. A malformed pattern is an error, but it is
//! only noticed when matching reaches the malformed part.

use super::runes;

/// The pattern is malformed (for example an unclosed `[`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BadPattern;

/// Reports whether the whole of `name` matches `pattern`.
pub(super) fn matches(mut pattern: &[u8], mut name: &[u8]) -> Result<bool, BadPattern> {
    'chunks: while !pattern.is_empty() {
        let (star, chunk, rest) = split_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing star swallows the rest, slashes included.
            return Ok(true);
        }
        let attempt = match_chunk(chunk, name);
        if let Ok(Some(after)) = attempt
            && (after.is_empty() || !pattern.is_empty())
        {
            name = after;
            continue;
        }
        attempt?;
        if star {
            for skip in 1..=name.len() {
                match match_chunk(chunk, &name[skip..]) {
                    Ok(Some(after)) => {
                        // The last chunk must consume the whole name.
                        if pattern.is_empty() && !after.is_empty() {
                            continue;
                        }
                        name = after;
                        continue 'chunks;
                    }
                    Ok(None) => {}
                    Err(bad) => return Err(bad),
                }
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off leading stars and the chunk of single-character matchers after them.
fn split_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let stars = pattern.iter().take_while(|&&b| b == b'*').count();
    let pattern = &pattern[stars..];
    let mut in_class = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'*' if !in_class => break,
            _ => {}
        }
        i += 1;
    }
    (stars > 0, &pattern[..i], &pattern[i..])
}

/// Matches `chunk` against the start of `name`; returns what is left of `name`.
fn match_chunk<'n>(mut chunk: &[u8], mut name: &'n [u8]) -> Result<Option<&'n [u8]>, BadPattern> {
    while let Some(&first) = chunk.first() {
        let Some((c, width)) = runes::decode(name) else {
            return Ok(None);
        };
        match first {
            b'[' => {
                name = &name[width..];
                let Some(rest) = match_class(&chunk[1..], c)? else {
                    return Ok(None);
                };
                chunk = rest;
            }
            b'?' => {
                name = &name[width..];
                chunk = &chunk[1..];
            }
            _ => {
                let literal_at = usize::from(first == b'\\');
                let Some(&literal) = chunk.get(literal_at) else {
                    return Err(BadPattern);
                };
                if literal != name[0] {
                    return Ok(None);
                }
                name = &name[1..];
                chunk = &chunk[literal_at + 1..];
            }
        }
    }
    Ok(Some(name))
}

/// Matches `c` against a class whose `[` was already consumed; returns the chunk after
/// the closing `]`, or `None` if `c` is not in the class.
fn match_class(mut chunk: &[u8], c: char) -> Result<Option<&[u8]>, BadPattern> {
    let negated = chunk.first() == Some(&b'^');
    if negated {
        chunk = &chunk[1..];
    }
    let mut matched = false;
    let mut ranges = 0;
    loop {
        if chunk.first() == Some(&b']') && ranges > 0 {
            chunk = &chunk[1..];
            break;
        }
        let (low, rest) = class_char(chunk)?;
        chunk = rest;
        let mut high = low;
        if chunk.first() == Some(&b'-') {
            (high, chunk) = class_char(&chunk[1..])?;
        }
        if low <= c && c <= high {
            matched = true;
        }
        ranges += 1;
    }
    Ok((matched != negated).then_some(chunk))
}

/// Reads one possibly escaped character of a class; the class must go on after it.
fn class_char(chunk: &[u8]) -> Result<(char, &[u8]), BadPattern> {
    let chunk = match chunk.first() {
        None | Some(b'-' | b']') => return Err(BadPattern),
        Some(b'\\') => &chunk[1..],
        Some(_) => chunk,
    };
    let (c, width) = runes::decode(chunk).ok_or(BadPattern)?;
    if c == runes::REPLACEMENT && width == 1 {
        return Err(BadPattern);
    }
    let rest = &chunk[width..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_table() {
        let cases: &[(&str, &str, Result<bool, BadPattern>)] = &[
            ("*.", "bash.", Ok(true)),
            ("*.", "bash", Ok(false)),
            ("*", "a/b", Ok(true)),
            ("a*c", "a/b/c", Ok(true)),
            ("?", "é", Ok(true)),
            ("??", "é", Ok(false)),
            ("[a-c]", "b", Ok(true)),
            ("[^a-c]", "b", Ok(false)),
            ("[é]", "é", Ok(true)),
            ("\\*", "*", Ok(true)),
            ("\\", "a", Err(BadPattern)),
            ("[", "a", Err(BadPattern)),
            ("[a", "a", Err(BadPattern)),
            ("[]a]", "]", Err(BadPattern)),
            ("x[", "a", Ok(false)),
            ("a*b*1", "abcAB", Ok(false)),
            ("a*b*c", "abxbyc", Ok(true)),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(
                matches(pattern.as_bytes(), name.as_bytes()),
                *want,
                "{pattern:?} {name:?}"
            );
        }
    }
}
