//! Scalar styles: which quoting go-yaml v2 picks for a string, and how each style is written.
//!
//! The encoder asks for a literal block when the text has a `\n`, for plain style when the
//! text would read back as a string, and for double quotes otherwise. The emitter then
//! downgrades the request after scanning the text (libyaml's `analyze_scalar`): indicators
//! and surrounding spaces forbid plain style, control characters and space-before-break
//! forbid single quotes and blocks. Plain, single- and double-quoted scalars are folded at
//! the first space past column 80.

use super::lines::line_breaks;
use super::resolve::plain_reads_as_string;
use super::writer::{BEST_INDENT, BEST_WIDTH, Emitter, char_width};

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// The style go-yaml's encoder requests for a string value or key.
pub(super) fn requested_string_style(s: &str) -> ScalarStyle {
    if s.contains('\n') {
        ScalarStyle::Literal
    } else if plain_reads_as_string(s) {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    }
}

/// libyaml's choice of style for a scalar in block context: `requested`, downgraded to one
/// that represents `value` faithfully (see [`Analysis`]).
pub(super) fn select_style(value: &str, requested: ScalarStyle, simple_key: bool) -> ScalarStyle {
    quick_style(value, requested, simple_key)
        .unwrap_or_else(|| Analysis::of(value).select_style(value, requested, simple_key))
}

/// Whether a mapping key spans lines (and so needs the explicit `? ` form).
pub(super) fn is_multiline(key: &str) -> bool {
    if key.is_ascii() {
        key.bytes().any(|c| c == b'\n' || c == b'\r')
    } else {
        Analysis::of(key).multiline
    }
}

/// [`select_style`] for the common cases, without the full analysis: double quotes, which
/// nothing downgrades, and printable ASCII text (with line feeds for literal blocks).
/// `None` for everything else.
fn quick_style(value: &str, requested: ScalarStyle, simple_key: bool) -> Option<ScalarStyle> {
    let b = value.as_bytes();
    // Folds rather than short-circuiting searches, so that they compile to vector code.
    let printable = |with_line_feeds: bool| {
        let line_feed = if with_line_feeds { b'\n' } else { b' ' };
        b.iter().fold(true, |ok, &c| {
            ok & ((c.wrapping_sub(b' ') < 0x5F) | (c == line_feed))
        })
    };
    match requested {
        ScalarStyle::DoubleQuoted => Some(ScalarStyle::DoubleQuoted),
        ScalarStyle::Literal if !simple_key && printable(true) => {
            // A space before a line break or at the end cannot be written in a block.
            let block = !has_pair(b, b' ', b'\n') && b.last() != Some(&b' ');
            Some(if block {
                ScalarStyle::Literal
            } else {
                ScalarStyle::DoubleQuoted
            })
        }
        ScalarStyle::Plain if !b.is_empty() && printable(false) => {
            let first_is_indicator = match b[0] {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' => true,
                b'?' | b'-' => b.len() == 1 || b[1] == b' ',
                _ => false,
            };
            let plain = !first_is_indicator
                && !b.starts_with(b"---")
                && !b.starts_with(b"...")
                && !matches!(b.last(), Some(b' ' | b':'))
                && !has_pair(b, b':', b' ')
                && !has_pair(b, b' ', b'#');
            Some(if plain {
                ScalarStyle::Plain
            } else {
                ScalarStyle::SingleQuoted
            })
        }
        _ => None,
    }
}

/// Whether byte `x` is directly followed by byte `y` somewhere in `b`.
fn has_pair(b: &[u8], x: u8, y: u8) -> bool {
    let pairs = b.iter().zip(b.get(1..).unwrap_or_default());
    pairs.fold(false, |found, (&p, &q)| found | ((p == x) & (q == y)))
}

/// Which styles can represent a scalar's text faithfully.
#[derive(Debug, Clone, Copy)]
pub(super) struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(value: &str) -> Analysis {
        let b = value.as_bytes();
        if b.is_empty() {
            return Analysis {
                multiline: false,
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }
        let f = Facts::scan(b);
        let plain_spacing =
            !(f.leading_space || f.leading_break || f.trailing_space || f.trailing_break);
        Analysis {
            multiline: f.line_breaks,
            block_plain_allowed: plain_spacing
                && !f.break_space
                && !f.space_break
                && !f.special_characters
                && !f.line_breaks
                && !f.block_indicators,
            single_quoted_allowed: !f.break_space && !f.space_break && !f.special_characters,
            block_allowed: !f.trailing_space && !f.space_break && !f.special_characters,
        }
    }

    /// libyaml's `select_scalar_style` for a block context (flow collections never hold
    /// scalars in go-yaml's output).
    fn select_style(&self, value: &str, requested: ScalarStyle, simple_key: bool) -> ScalarStyle {
        let mut style = requested;
        if simple_key && self.multiline {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Plain
            && (!self.block_plain_allowed || (value.is_empty() && simple_key))
        {
            style = ScalarStyle::SingleQuoted;
        }
        if style == ScalarStyle::SingleQuoted && !self.single_quoted_allowed {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Literal && (!self.block_allowed || simple_key) {
            style = ScalarStyle::DoubleQuoted;
        }
        style
    }
}

/// What libyaml's `analyze_scalar` notices while scanning a scalar.
#[derive(Default)]
struct Facts {
    block_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    /// A space right after a line break.
    break_space: bool,
    /// A space right before a line break.
    space_break: bool,
}

impl Facts {
    fn scan(b: &[u8]) -> Facts {
        let mut f = Facts {
            block_indicators: b.starts_with(b"---") || b.starts_with(b"..."),
            ..Facts::default()
        };
        let (mut previous_space, mut previous_break) = (false, false);
        let mut preceded_by_whitespace = true;
        let mut i = 0;
        while i < b.len() {
            if i > 0 && is_quiet(b[i]) {
                // Most of a typical string: nothing here can change a fact.
                i += b[i..].iter().take_while(|&&c| is_quiet(c)).count();
                (previous_space, previous_break) = (false, false);
                preceded_by_whitespace = false;
                continue;
            }
            if i > 0 && i + 1 < b.len() && b[i] == b' ' {
                // An inner space only matters next to a line break.
                f.break_space |= previous_break;
                (previous_space, previous_break) = (true, false);
                preceded_by_whitespace = true;
                i += 1;
                continue;
            }
            let w = char_width(b[i]);
            let first = i == 0;
            let last = i + w == b.len();
            f.block_indicators |= is_block_indicator(b, i, w, preceded_by_whitespace);
            f.special_characters |= !is_printable(b, i);
            if b[i] == b' ' {
                f.leading_space |= first;
                f.trailing_space |= last;
                f.break_space |= previous_break;
                (previous_space, previous_break) = (true, false);
            } else if is_break(b, i) {
                f.line_breaks = true;
                f.leading_break |= first;
                f.trailing_break |= last;
                f.space_break |= previous_space;
                (previous_space, previous_break) = (false, true);
            } else {
                (previous_space, previous_break) = (false, false);
            }
            preceded_by_whitespace = is_blank(b, i) || is_break(b, i) || b[i] == 0;
            i += w;
        }
        f
    }
}

/// Printable ASCII that is neither a space nor one of the indicators that matter after the
/// first character (`:` and `#`).
fn is_quiet(c: u8) -> bool {
    matches!(c, 0x21..=0x7E) && c != b':' && c != b'#'
}

/// Where a run of ordinary characters ends: the next byte at or after `from` for which
/// `stop` holds. `stop` must hold for every byte a caller handles one character at a time.
fn run_end(b: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> usize {
    b[from..]
        .iter()
        .position(|&c| stop(c))
        .map_or(b.len(), |p| from + p)
}

/// Bytes that may start a line break (CR, LF, NEL, LS, PS).
fn may_start_break(c: u8) -> bool {
    matches!(c, b'\r' | b'\n' | 0xC2 | 0xE2)
}

/// Whether the character at `i` (of width `w`) makes plain style impossible in block
/// context: an indicator at the start, `: ` anywhere, or ` #`.
fn is_block_indicator(b: &[u8], i: usize, w: usize, preceded_by_whitespace: bool) -> bool {
    let followed_by_whitespace = i + w >= b.len() || is_blank(b, i + w);
    match (i, b[i]) {
        (
            0,
            b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`',
        ) => true,
        (0, b'?' | b'-') | (_, b':') => followed_by_whitespace,
        (_, b'#') => i > 0 && preceded_by_whitespace,
        _ => false,
    }
}

impl Emitter {
    pub(super) fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        self.write_foldable(value, allow_breaks, false);
        self.whitespace = false;
        self.indention = false;
    }

    pub(super) fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        self.write_foldable(value, allow_breaks, true);
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The text of a plain or single-quoted scalar (libyaml writes both the same way, but for
    /// the quote, which is doubled, and for where a space may fold): a long line breaks at a
    /// single space, and the first line break of a run is written twice so that it reads back.
    #[inline]
    fn write_foldable(&mut self, value: &str, allow_breaks: bool, single_quoted: bool) {
        let b = value.as_bytes();
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                // Inside quotes, never at the first or last character.
                let may_fold_here = !single_quoted || (i > 0 && i < b.len() - 1);
                let fold = allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && may_fold_here
                    && b.get(i + 1) != Some(&b' ');
                if fold {
                    self.write_indent();
                    i += 1;
                } else {
                    i = self.write_char(value, i);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && b[i] == b'\n' {
                    self.put_break();
                }
                i = self.write_break(value, i);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if single_quoted && b[i] == b'\'' {
                    self.put('\'');
                    i = self.write_char(value, i);
                } else {
                    let stop = |c| c == b' ' || (single_quoted && c == b'\'') || may_start_break(c);
                    let end = run_end(b, i + char_width(b[i]), stop);
                    self.write_run(value, i, end);
                    i = end;
                }
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
    }

    pub(super) fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        let b = value.as_bytes();
        // libyaml tests the whole value for a BOM, so a leading BOM escapes every character.
        let starts_with_bom = b.starts_with(&[0xEF, 0xBB, 0xBF]);
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut i = 0;
        while i < b.len() {
            if !is_printable(b, i)
                || starts_with_bom
                || is_break(b, i)
                || b[i] == b'"'
                || b[i] == b'\\'
            {
                let c = value[i..].chars().next().unwrap_or('\u{FFFD}');
                i += c.len_utf8();
                self.write_escape(c);
                spaces = false;
            } else if b[i] == b' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < b.len() - 1 {
                    self.write_indent();
                    if b[i + 1] == b' ' {
                        self.put('\\');
                    }
                    i += 1;
                } else {
                    i = self.write_char(value, i);
                }
                spaces = true;
            } else {
                let end = run_end(b, i + char_width(b[i]), needs_care_in_double_quotes);
                self.write_run(value, i, end);
                i = end;
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{07}' => Some('a'),
            '\u{08}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{0B}' => Some('v'),
            '\u{0C}' => Some('f'),
            '\r' => Some('r'),
            '\u{1B}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{A0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let v = u32::from(c);
        let (marker, digits) = match v {
            0..=0xFF => ('x', 2),
            0x100..=0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        self.put(marker);
        for k in (0..digits).rev() {
            let digit = (v >> (4 * k)) & 0xF;
            self.put(
                char::from_digit(digit, 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase(),
            );
        }
    }

    pub(super) fn write_literal(&mut self, value: &str) {
        let b = value.as_bytes();
        self.write_indicator("|", true, false, false);
        if b.first() == Some(&b' ') || is_break(b, 0) {
            // Indentation indicator: the content starts with a space or a break.
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        if let Some(chomp) = chomp_indicator(b) {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        // Line feeds found a word at a time; the text between them is usually one run.
        let mut breaks = true;
        let mut start = 0;
        for end in line_breaks(value).chain(std::iter::once(value.len())) {
            breaks = self.write_literal_line(&value[start..end], breaks);
            if end < value.len() {
                self.put_break();
                self.indention = true;
                breaks = true;
            }
            start = end + 1;
        }
    }

    /// Writes text of a literal block that holds no `\n` (but maybe other breaks);
    /// `breaks` tells whether a break was just written. Returns the same for what follows.
    fn write_literal_line(&mut self, value: &str, mut breaks: bool) -> bool {
        let b = value.as_bytes();
        let ascii = value.is_ascii();
        let mut i = 0;
        while i < b.len() {
            if is_break(b, i) {
                i = self.write_break(value, i);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                let end = if ascii {
                    b.len()
                } else {
                    run_end(b, i + char_width(b[i]), may_start_break)
                };
                self.write_run(value, i, end);
                i = end;
                self.indention = false;
                breaks = false;
            }
        }
        breaks
    }
}

/// Bytes a double-quoted scalar handles one character at a time: spaces (folding), quotes,
/// backslashes, and every byte that may start a break or a character libyaml escapes.
fn needs_care_in_double_quotes(c: u8) -> bool {
    matches!(c, 0x00..=0x1F | b' ' | b'"' | b'\\' | 0x7F | 0xC2 | 0xE2 | 0xED | 0xEF | 0xF0..)
}

/// `-` when the text does not end in a line break, `+` when it ends in two (or is a single
/// break), nothing (clip) for exactly one.
fn chomp_indicator(b: &[u8]) -> Option<&'static str> {
    let Some(last) = last_char_start(b, b.len()) else {
        return Some("-");
    };
    if !is_break(b, last) {
        return Some("-");
    }
    if last == 0 {
        return Some("+");
    }
    let before = last_char_start(b, last)?;
    is_break(b, before).then_some("+")
}

fn last_char_start(b: &[u8], end: usize) -> Option<usize> {
    let mut i = end.checked_sub(1)?;
    while i > 0 && b[i] & 0xC0 == 0x80 {
        i -= 1;
    }
    Some(i)
}

fn byte_at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// libyaml's `is_printable`: excludes C0/C1 controls, DEL, surrogates, BOM, U+FFFE/FFFF
/// and everything outside the BMP.
fn is_printable(b: &[u8], i: usize) -> bool {
    let (c, n1, n2) = (b[i], byte_at(b, i + 1), byte_at(b, i + 2));
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (c == 0xC2 && n1 >= 0xA0)
        || (c > 0xC2 && c < 0xED)
        || (c == 0xED && n1 < 0xA0)
        || c == 0xEE
        || (c == 0xEF && !(n1 == 0xBB && n2 == 0xBF) && !(n1 == 0xBF && (n2 == 0xBE || n2 == 0xBF)))
}

/// CR, LF, NEL, LS or PS.
fn is_break(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(b'\r' | b'\n') => true,
        Some(0xC2) => byte_at(b, i + 1) == 0x85,
        Some(0xE2) => byte_at(b, i + 1) == 0x80 && matches!(byte_at(b, i + 2), 0xA8 | 0xA9),
        _ => false,
    }
}

fn is_blank(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), Some(b' ' | b'\t'))
}
