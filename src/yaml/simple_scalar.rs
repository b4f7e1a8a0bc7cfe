//! Scalars for the fast reader in `simple.rs`: plain, single- and double-quoted, literal
//! and folded, each read the way serde-saphyr's scanner reads them, or refused (`None`)
//! where the scanner would report an error or the rules get subtle.

use super::simple_lines::{Line, is_line_end};

/// What ends a plain scalar on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PlainEnd {
    /// The end of the line.
    Line,
    /// A ` #` comment.
    Comment,
    /// A `:` followed by a space or the end of the line, at this byte: the scalar is a key.
    Colon(usize),
}

/// Scans the plain scalar starting at byte `col` of `line`; returns where its text ends
/// (trailing spaces excluded) and what ends it. `None` when no plain scalar may start there
/// in block context, or a tab is involved.
pub(super) fn scan_plain_line(line: &str, col: usize) -> Option<(usize, PlainEnd)> {
    let b = line.as_bytes();
    match *b.get(col)? {
        b'-' => {
            // `-x` is text; `- ` and a lone `-` are sequence entries.
            if matches!(b.get(col + 1), None | Some(b' ' | b'\t')) {
                return None;
            }
        }
        // Indicators, and `?`/`:`, which the general parser reads differently from go-yaml.
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' | b'?' | b':' | b'\t' => return None,
        _ => {}
    }
    scan_plain_rest(line, col)
}

/// [`scan_plain_line`] for a continuation line, where indicators are ordinary text.
pub(super) fn scan_plain_rest(line: &str, col: usize) -> Option<(usize, PlainEnd)> {
    let b = line.as_bytes();
    let mut i = col;
    loop {
        let Some(p) = b[i..]
            .iter()
            .position(|&c| matches!(c, b' ' | b':' | b'\t'))
        else {
            return Some((b.len(), PlainEnd::Line));
        };
        i += p;
        match b[i] {
            b'\t' => return None,
            b':' => match b.get(i + 1) {
                None | Some(b' ') => return Some((i, PlainEnd::Colon(i))),
                Some(b'\t') => return None,
                Some(_) => i += 1,
            },
            _ => {
                let end = i;
                i += b[i..].iter().take_while(|&&c| c == b' ').count();
                match b.get(i) {
                    None => return Some((end, PlainEnd::Line)),
                    Some(b'#') => return Some((end, PlainEnd::Comment)),
                    Some(b':') if matches!(b.get(i + 1), None | Some(b' ')) => {
                        return Some((end, PlainEnd::Colon(i)));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// Reads the quoted scalar whose opening quote is at byte `col` of `lines[line]`; its
/// continuation lines must be indented past `indent` (`usize::MAX`: it must close on its
/// first line). Returns the text and the line and byte just after the closing quote.
pub(super) fn quoted(
    lines: &[Line<'_>],
    mut line: usize,
    col: usize,
    indent: usize,
) -> Option<(String, usize, usize)> {
    let single = lines[line].text.as_bytes()[col] == b'\'';
    let mut out = String::new();
    let mut i = col + 1;
    loop {
        let s = lines[line].text;
        let b = s.as_bytes();
        loop {
            let special = |c: &u8| match c {
                b'\t' => true,
                b'\'' => single,
                b'"' | b'\\' => !single,
                _ => false,
            };
            let Some(p) = b[i..].iter().position(special) else {
                // Spaces before a line break are dropped.
                out.push_str(s[i..].trim_end_matches(' '));
                break;
            };
            let p = i + p;
            out.push_str(&s[i..p]);
            match b[p] {
                b'\'' if b.get(p + 1) == Some(&b'\'') => {
                    out.push('\'');
                    i = p + 2;
                }
                b'\'' | b'"' => return Some((out, line, p + 1)),
                b'\\' => {
                    let (c, len) = escape(&s[p + 1..])?;
                    out.push(c);
                    i = p + 1 + len;
                }
                _ => return None,
            }
        }
        if indent == usize::MAX {
            return None;
        }
        // Fold the line break: one space, or the empty lines that follow it.
        let mut breaks = 0;
        loop {
            line += 1;
            let next = lines.get(line)?;
            if next.is_empty() {
                breaks += 1;
                continue;
            }
            if next.indent <= indent || next.content().starts_with('\t') {
                return None;
            }
            i = next.indent;
            break;
        }
        if breaks == 0 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', breaks));
        }
    }
}

/// The character a double-quoted escape stands for (`rest` follows the backslash) and the
/// escape's length; `None` for escaped line breaks and invalid escapes.
fn escape(rest: &str) -> Option<(char, usize)> {
    let c = match rest.as_bytes().first()? {
        b'0' => '\0',
        b'a' => '\u{07}',
        b'b' => '\u{08}',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\u{0B}',
        b'f' => '\u{0C}',
        b'r' => '\r',
        b'e' => '\u{1B}',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{A0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex_escape(rest, 2),
        b'u' => return hex_escape(rest, 4),
        b'U' => return hex_escape(rest, 8),
        _ => return None,
    };
    Some((c, 1))
}

fn hex_escape(rest: &str, digits: usize) -> Option<(char, usize)> {
    let hex = rest.get(1..=digits)?;
    if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let code = u32::from_str_radix(hex, 16).ok()?;
    Some((char::from_u32(code)?, 1 + digits))
}

/// An upper bound of the length of a block scalar whose content starts at `lines[0]`.
fn text_len(lines: &[Line<'_>], content_indent: usize) -> usize {
    lines
        .iter()
        .take_while(|line| line.is_empty() || line.indent >= content_indent)
        .map(|line| line.text.len().saturating_sub(content_indent) + 1)
        .sum()
}

/// Chomping of a block scalar's final line breaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

/// Reads the literal (`|`) or folded (`>`) scalar whose header is at byte `col` of
/// `lines[line]`, inside a collection indented by `indent`; returns the text and the first
/// line after it. Explicit indentation indicators and empty scalars are left to the general
/// parser.
pub(super) fn block_scalar(
    lines: &[Line<'_>],
    line: usize,
    col: usize,
    indent: usize,
) -> Option<(String, usize)> {
    let header = &lines[line].text[col..];
    let folded = header.starts_with('>');
    let (chomping, rest) = match header.as_bytes().get(1) {
        Some(b'-') => (Chomping::Strip, &header[2..]),
        Some(b'+') => (Chomping::Keep, &header[2..]),
        _ => (Chomping::Clip, &header[1..]),
    };
    if !is_line_end(rest) {
        return None;
    }
    // The content's indentation is that of its first non-empty line (or of a longer
    // whitespace-only line before it, which the general parser then refuses).
    let mut l = line + 1;
    let mut trailing_breaks = 0;
    let mut widest = 0;
    loop {
        let raw = lines.get(l)?;
        widest = widest.max(raw.indent);
        if !raw.is_empty() {
            break;
        }
        trailing_breaks += 1;
        l += 1;
    }
    let content_indent = widest.max(indent + 1);
    if lines[l].indent < content_indent {
        return None;
    }
    // serde-saphyr's `scan_block_scalar`, one content line at a time.
    let mut out = String::with_capacity(text_len(&lines[l..], content_indent));
    let (mut leading_break, mut leading_blank) = (false, false);
    while let Some(raw) = lines.get(l).filter(|raw| raw.indent >= content_indent) {
        let content = &raw.text[content_indent..];
        let trailing_blank = content.starts_with([' ', '\t']);
        if folded && leading_break && !leading_blank && !trailing_blank {
            out.extend(std::iter::repeat_n('\n', trailing_breaks));
            if trailing_breaks == 0 {
                out.push(' ');
            }
        } else {
            if leading_break {
                out.push('\n');
            }
            out.extend(std::iter::repeat_n('\n', trailing_breaks));
        }
        trailing_breaks = 0;
        leading_blank = trailing_blank;
        out.push_str(content);
        leading_break = true;
        l += 1;
        // Lines of at most `content_indent` spaces are empty lines.
        while let Some(raw) = lines.get(l) {
            if !raw.is_empty() || raw.indent > content_indent {
                break;
            }
            trailing_breaks += 1;
            l += 1;
        }
    }
    if chomping != Chomping::Strip && leading_break {
        out.push('\n');
    }
    if chomping == Chomping::Keep {
        out.extend(std::iter::repeat_n('\n', trailing_breaks));
    }
    Some((out, l))
}
