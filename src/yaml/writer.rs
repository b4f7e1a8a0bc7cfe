//! The emitter's output and libyaml's cursor state, with the primitive writes that both the
//! block structure (`emit.rs`) and the scalars (`scalar.rs`) are made of: characters, runs,
//! line breaks, indentation and indicators, each keeping `column`, `whitespace` and
//! `indention` up to date.

/// Lines are folded once they pass this column (libyaml's `best_width`).
pub(super) const BEST_WIDTH: usize = 80;
/// Spaces per nesting level (libyaml's `best_indent`).
pub(super) const BEST_INDENT: isize = 2;
/// Indentation is written from this, a slice at a time.
const SPACES: &str = "                                                                ";

/// Output buffer plus libyaml's cursor state.
pub(super) struct Emitter {
    pub(super) out: String,
    pub(super) column: usize,
    /// The last character written is whitespace (so an indicator needs no space before it).
    pub(super) whitespace: bool,
    /// Only indentation has been written on the current line so far.
    pub(super) indention: bool,
    /// Current indentation; -1 before the root node.
    pub(super) indent: isize,
}

impl Emitter {
    /// An emitter that appends to `out`, before the root node.
    pub(super) fn new(out: String) -> Emitter {
        Emitter {
            out,
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
        }
    }

    pub(super) fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    pub(super) fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Writes one character of `s` starting at byte `i`; returns the next byte index.
    pub(super) fn write_char(&mut self, s: &str, i: usize) -> usize {
        let w = char_width(s.as_bytes()[i]);
        self.out.push_str(&s[i..i + w]);
        self.column += 1;
        i + w
    }

    /// Writes the run of characters `s[start..end]`, which holds no line break.
    pub(super) fn write_run(&mut self, s: &str, start: usize, end: usize) {
        let run = &s[start..end];
        self.out.push_str(run);
        self.column += if run.is_ascii() {
            run.len()
        } else {
            run.chars().count()
        };
    }

    /// Writes the line break at byte `i` of `s`, which starts a line that is indentation so
    /// far; returns the next byte index.
    pub(super) fn write_break(&mut self, s: &str, i: usize) -> usize {
        self.indention = true;
        if s.as_bytes()[i] == b'\n' {
            self.put_break();
            i + 1
        } else {
            let next = self.write_char(s, i);
            self.column = 0;
            next
        }
    }

    pub(super) fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            let n = (indent - self.column).min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            self.column += n;
        }
        self.whitespace = true;
        self.indention = true;
    }

    pub(super) fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(indicator);
        self.column += indicator.chars().count();
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }
}

/// Length of the UTF-8 sequence that starts with `lead`.
pub(super) fn char_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}
