//! The mode-driven scanner that upstream's parser steers.
//!
//! The parser changes what the scanner accepts before each call, and several observable
//! quirks come from the scanner's exact bookkeeping, so it is modelled closely:
//!
//! * a NUL character reads the same as the end of the input;
//! * an escape (`$$`, and inside replace operators `\/` and `\\`) deletes the escaping byte
//!   from the buffer, so the token that follows contains the escaped character;
//! * stepping back uses the width of the most recently *read* character, which is not
//!   always the character being stepped over (see `Parser::default_or_substring`).

use super::runes;

/// Mode bit: identifier-like runs of accepted characters.
pub(super) const IDENT: u8 = 1;
/// Mode bit: the opening `${`.
pub(super) const OPEN: u8 = 1 << 1;
/// Mode bit: the closing `}`.
pub(super) const CLOSE: u8 = 1 << 2;
/// Mode bit: escape sequences inside identifier runs.
pub(super) const ESCAPE: u8 = 1 << 3;

/// Escape set bit: `$$` stands for `$`.
pub(super) const DOLLAR: u8 = 1;
/// Escape set bit: `\/` and `\\` stand for `/` and `\`.
pub(super) const BACKSLASH: u8 = 1 << 1;

/// What the scanner returns for NUL and for the end of input alike.
pub(super) const END: char = '\0';

/// Decides whether a character belongs to the current token; `index` counts bytes from
/// the token start up to and including the character.
pub(super) type Accept = fn(c: char, index: usize) -> bool;

/// The token kinds the parser distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    /// Nothing the current mode allows.
    Illegal,
    /// End of input (or a NUL character).
    End,
    /// A run of accepted characters.
    Ident,
    /// `${`.
    Open,
    /// `}`.
    Close,
}

/// The input, as a prefix that escapes have edited and the untouched rest.
///
/// Escapes delete one byte just behind the read position and reading only moves forward
/// (stepping back at most a few bytes), so edits are amortised O(1).
#[derive(Debug)]
struct Buffer<'a> {
    head: Vec<u8>,
    rest: &'a [u8],
}

impl Buffer<'_> {
    fn len(&self) -> usize {
        self.head.len() + self.rest.len()
    }

    fn byte(&self, at: usize) -> Option<u8> {
        match at.checked_sub(self.head.len()) {
            None => self.head.get(at).copied(),
            Some(offset) => self.rest.get(offset).copied(),
        }
    }

    fn bytes(&self, from: usize, to: usize) -> Vec<u8> {
        (from..to).filter_map(|at| self.byte(at)).collect()
    }

    fn remove(&mut self, at: usize) {
        match at.checked_sub(self.head.len()) {
            None => {
                self.head.remove(at);
            }
            Some(offset) if offset < self.rest.len() => {
                self.head.extend_from_slice(&self.rest[..offset]);
                self.rest = &self.rest[offset + 1..];
            }
            Some(_) => {}
        }
    }
}

/// The scanner state; the parser sets `accept`, `mode` and `escapes` before scanning.
#[derive(Debug)]
pub(super) struct Scanner<'a> {
    buf: Buffer<'a>,
    pos: usize,
    start: usize,
    width: usize,
    removed: usize,
    pub(super) mode: u8,
    pub(super) escapes: u8,
    pub(super) accept: Accept,
}

impl<'a> Scanner<'a> {
    /// Starts scanning `text`.
    pub(super) fn new(text: &'a str) -> Self {
        Scanner {
            buf: Buffer {
                head: Vec::new(),
                rest: text.as_bytes(),
            },
            pos: 0,
            start: 0,
            width: 0,
            removed: 0,
            mode: 0,
            escapes: 0,
            accept: |_, _| true,
        }
    }

    /// The bytes of the most recent token.
    pub(super) fn token(&self) -> Vec<u8> {
        self.buf.bytes(self.start, self.pos)
    }

    /// How many bytes of the original text have been consumed (read position plus the
    /// escaping bytes deleted along the way).
    pub(super) fn consumed(&self) -> usize {
        self.pos + self.removed
    }

    /// Reads the next character, or [`END`] with width 0 at the end of the input.
    pub(super) fn read(&mut self) -> char {
        let mut window = [0u8; 4];
        let mut filled = 0;
        while filled < 4 {
            let Some(b) = self.buf.byte(self.pos + filled) else {
                break;
            };
            window[filled] = b;
            filled += 1;
        }
        let (c, width) = runes::decode(&window[..filled]).unwrap_or((END, 0));
        self.width = width;
        self.pos += width;
        c
    }

    /// Steps back by the width of the most recently read character.
    pub(super) fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(self.width);
    }

    /// The next character, without consuming it.
    pub(super) fn peek(&mut self) -> char {
        let c = self.read();
        self.unread();
        c
    }

    /// Scans one token under the current mode.
    pub(super) fn scan(&mut self) -> Token {
        self.start = self.pos;
        let c = self.read();
        if c == END {
            Token::End
        } else if self.scan_open(c) {
            Token::Open
        } else if self.scan_close(c) {
            Token::Close
        } else if self.scan_ident(c) {
            Token::Ident
        } else {
            Token::Illegal
        }
    }

    fn scan_ident(&mut self, first: char) -> bool {
        if self.mode & IDENT == 0 {
            return false;
        }
        if self.scan_escaped(first) {
            self.skip();
        } else if !(self.accept)(first, self.pos - self.start) {
            return false;
        }
        loop {
            let c = self.read();
            if c == END {
                self.unread();
                break;
            }
            if self.scan_open(c) {
                self.unread();
                self.unread();
                break;
            }
            if self.scan_escaped(c) {
                self.skip();
                continue;
            }
            if !(self.accept)(c, self.pos - self.start) {
                self.unread();
                break;
            }
        }
        true
    }

    fn scan_open(&mut self, c: char) -> bool {
        if self.mode & OPEN == 0 || c != '$' {
            return false;
        }
        if self.read() == '{' {
            return true;
        }
        self.unread();
        false
    }

    fn scan_close(&self, c: char) -> bool {
        self.mode & CLOSE != 0 && c == '}'
    }

    fn scan_escaped(&mut self, c: char) -> bool {
        if self.mode & ESCAPE == 0 {
            return false;
        }
        if c == '$' && self.escapes & DOLLAR != 0 && self.peek() == '$' {
            return true;
        }
        c == '\\' && self.escapes & BACKSLASH != 0 && matches!(self.peek(), '/' | '\\')
    }

    /// Deletes the escaping byte just read; the escaped character now sits where it was
    /// and is taken into the token without being looked at again.
    fn skip(&mut self) {
        if let Some(at) = self.pos.checked_sub(1)
            && at < self.buf.len()
        {
            self.buf.remove(at);
            self.removed += 1;
        }
    }
}
