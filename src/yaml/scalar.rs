//! Scalar styles: which quoting go-yaml v2 picks for a string, and how each style is written.
//!
//! The encoder asks for a literal block when the text has a `\n`, for plain style when the
//! text would read back as a string, and for double quotes otherwise. The emitter then
//! downgrades the request after scanning the text (libyaml's `analyze_scalar`): indicators
//! and surrounding spaces forbid plain style, control characters and space-before-break
//! forbid single quotes and blocks. Plain, single- and double-quoted scalars are folded at
//! the first space past column 80.

use super::emit::{BEST_INDENT, BEST_WIDTH, Emitter, char_width};
use super::resolve::plain_reads_as_string;

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

/// Which styles can represent a scalar's text faithfully.
#[derive(Debug, Clone, Copy)]
pub(super) struct Analysis {
    pub(super) multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    pub(super) fn of(value: &str) -> Analysis {
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
    pub(super) fn select_style(
        &self,
        value: &str,
        requested: ScalarStyle,
        simple_key: bool,
    ) -> ScalarStyle {
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
        let b = value.as_bytes();
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                let fold = allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
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
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                i = self.write_char(value, i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    pub(super) fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        let b = value.as_bytes();
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                let fold = allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < b.len() - 1
                    && b[i + 1] != b' ';
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
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if b[i] == b'\'' {
                    self.put('\'');
                }
                i = self.write_char(value, i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
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
                i = self.write_char(value, i);
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
        let mut breaks = true;
        let mut i = 0;
        while i < b.len() {
            if is_break(b, i) {
                i = self.write_break(value, i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                i = self.write_char(value, i);
                self.indention = false;
                breaks = false;
            }
        }
    }
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
