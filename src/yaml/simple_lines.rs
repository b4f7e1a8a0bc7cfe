//! The lines of a document as the simple reader (`simple.rs`, `simple_scalar.rs`) sees them:
//! each with its indentation, and `None` for a document holding anything that reader leaves
//! to the general parser.

use super::lines::line_breaks;

/// One line of the document, without its `\n`.
#[derive(Clone, Copy)]
pub(super) struct Line<'a> {
    pub(super) text: &'a str,
    /// Number of leading spaces.
    pub(super) indent: usize,
}

impl<'a> Line<'a> {
    /// The line after its indentation.
    pub(super) fn content(self) -> &'a str {
        &self.text[self.indent..]
    }

    /// Only spaces.
    pub(super) fn is_empty(self) -> bool {
        self.indent == self.text.len()
    }

    /// Only spaces, or a comment.
    pub(super) fn is_blank(self) -> bool {
        self.is_empty() || self.text.as_bytes()[self.indent] == b'#'
    }
}

/// The lines of `text`; `None` when a line starts with `...` (document end) or `%`
/// (directive), or holds a character the general parser treats specially or refuses.
pub(super) fn split_lines(text: &str) -> Option<Vec<Line<'_>>> {
    let mut lines = Vec::with_capacity(text.len() / 32);
    let mut start = 0;
    // `simple::read_document` made sure the text ends with a line break, so this sees every line.
    for end in line_breaks(text) {
        let text = &text[start..end];
        start = end + 1;
        let indent = text.bytes().take_while(|&c| c == b' ').count();
        let rest = &text.as_bytes()[indent..];
        // Not short-circuiting, so that it compiles to a vectorised loop.
        let all_printable_ascii = rest
            .iter()
            .fold(true, |ok, &c| ok & (c.wrapping_sub(b' ') < 0x5F));
        if !all_printable_ascii && !has_only_plain_characters(&text[indent..]) {
            return None;
        }
        if text.starts_with("...") || text.starts_with('%') {
            return None;
        }
        lines.push(Line { text, indent });
    }
    Some(lines)
}

/// True when `text` has no character the general parser treats specially or refuses:
/// control characters other than tab (so no CR), DEL, C1 controls (NEL among them),
/// U+2028/U+2029, byte order marks, U+FFFE and U+FFFF.
fn has_only_plain_characters(text: &str) -> bool {
    !text.chars().any(|c| {
        matches!(c, '\0'..='\u{8}' | '\n'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}'
            | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
    })
}

/// Whether `rest` of a line holds only spaces and maybe a comment after at least one.
pub(super) fn is_line_end(rest: &str) -> bool {
    let comment = rest.trim_start_matches(' ');
    comment.is_empty() || (comment.starts_with('#') && comment.len() < rest.len())
}
