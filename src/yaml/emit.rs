//! Block-structure emitter: go-yaml v2's output for a JSON value.
//!
//! The emitter keeps the same cursor state as libyaml's (`column`, `whitespace`,
//! `indention`, the indent stack) because line breaks and spaces depend on it: sequences
//! under a mapping key are not indented, `- ` items put a nested mapping on the same line,
//! keys longer than 128 bytes or spanning lines use the explicit `? ` form. Scalars are
//! written by `scalar.rs`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::keys::sort_by_key_order;
use super::number;
use super::scalar::{ScalarStyle, is_multiline, requested_string_style, select_style};

/// Lines are folded once they pass this column (libyaml's `best_width`).
pub(super) const BEST_WIDTH: usize = 80;
/// Spaces per nesting level (libyaml's `best_indent`).
pub(super) const BEST_INDENT: isize = 2;
/// Indentation is written from this, a slice at a time.
const SPACES: &str = "                                                                ";
/// Longest key, in bytes, written as `key: value`.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Where a node sits, as far as the layout is concerned.
#[derive(Clone, Copy, Default)]
struct Context {
    /// The node is a mapping key or value (a block sequence here is not indented).
    mapping: bool,
    /// The node is a key written in the `key: value` form (no folding, no block scalars).
    simple_key: bool,
}

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

/// Marshals one value as a YAML document, like go-yaml v2's `Marshal`, appending it to `out`.
pub(super) fn write_document(out: &mut String, value: &Value) {
    let mut e = Emitter {
        out: std::mem::take(out),
        column: 0,
        whitespace: true,
        indention: true,
        indent: -1,
    };
    e.node(value, Context::default());
    e.write_indent();
    *out = e.out;
}

impl Emitter {
    fn node(&mut self, value: &Value, ctx: Context) {
        match value {
            Value::Null => self.scalar("null", ScalarStyle::Plain, ctx),
            Value::Bool(b) => {
                self.scalar(if *b { "true" } else { "false" }, ScalarStyle::Plain, ctx)
            }
            Value::Number(n) => {
                let text = number::from_json(n).yaml_text();
                self.scalar(&text, ScalarStyle::Plain, ctx);
            }
            Value::String(s) => {
                let s = reread_from_json(s);
                self.scalar(&s, requested_string_style(&s), ctx);
            }
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Array(items) => self.block_sequence(items, ctx),
            Value::Object(map) => self.block_mapping(map),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Value], ctx: Context) {
        let saved = self.indent;
        self.increase_indent(false, ctx.mapping && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Context::default());
        }
        self.indent = saved;
    }

    fn block_mapping(&mut self, map: &Map<String, Value>) {
        // Keys as go-yaml reads them back; only keys with a U+0085 change.
        let reread = map.keys().any(|k| !k.is_ascii() && k.contains('\u{85}'));
        let keys: Vec<Cow<'_, str>> = if reread {
            map.keys().map(|k| reread_from_json(k)).collect()
        } else {
            Vec::new()
        };
        let mut entries: Vec<(&str, &Value)> = if reread {
            keys.iter().map(|k| &**k).zip(map.values()).collect()
        } else {
            map.iter().map(|(k, v)| (k.as_str(), v)).collect()
        };
        sort_by_key_order(&mut entries);
        let saved = self.indent;
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let simple = key.len() <= MAX_SIMPLE_KEY_LEN && !is_multiline(key);
            let key_ctx = Context {
                mapping: true,
                simple_key: simple,
            };
            if simple {
                self.scalar(key, requested_string_style(key), key_ctx);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, requested_string_style(key), key_ctx);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            let value_ctx = Context {
                mapping: true,
                simple_key: false,
            };
            self.node(value, value_ctx);
        }
        self.indent = saved;
    }

    fn scalar(&mut self, text: &str, requested: ScalarStyle, ctx: Context) {
        let style = select_style(text, requested, ctx.simple_key);
        let saved = self.indent;
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            ScalarStyle::Plain => self.write_plain(text, allow_breaks),
            ScalarStyle::SingleQuoted => self.write_single_quoted(text, allow_breaks),
            ScalarStyle::DoubleQuoted => self.write_double_quoted(text, allow_breaks),
            ScalarStyle::Literal => self.write_literal(text),
        }
        self.indent = saved;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
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

    /// Writes the line break at byte `i` of `s`; returns the next byte index.
    pub(super) fn write_break(&mut self, s: &str, i: usize) -> usize {
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

/// The string go-yaml reads back from Go's JSON encoding of `s`.
///
/// Go's JSON encoder leaves U+0085 (NEL) unescaped, and go-yaml reads it as a line break
/// inside the double-quoted scalar, folding it (with the spaces around it) into one space,
/// or into `n-1` newlines for `n` consecutive breaks. Every other break is escaped by the
/// encoder, so this is the only change the round trip makes.
pub(super) fn reread_from_json(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.contains('\u{85}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while chars.peek().is_some() {
        while let Some(&c) = chars.peek().filter(|&&c| c != ' ' && c != '\u{85}') {
            out.push(c);
            chars.next();
        }
        let mut spaces = 0;
        let mut breaks = 0;
        while let Some(&c) = chars.peek().filter(|&&c| c == ' ' || c == '\u{85}') {
            match (c, breaks) {
                (' ', 0) => spaces += 1,
                (' ', _) => {}
                (_, 0) => breaks = 1,
                _ => breaks += 1,
            }
            chars.next();
        }
        match breaks {
            0 => out.extend(std::iter::repeat_n(' ', spaces)),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
    }
    Cow::Owned(out)
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
