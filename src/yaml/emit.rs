//! Block-structure emitter: go-yaml v2's output for a JSON value.
//!
//! The emitter keeps the same cursor state as libyaml's (`column`, `whitespace`,
//! `indention`, the indent stack) because line breaks and spaces depend on it: sequences
//! under a mapping key are not indented, `- ` items put a nested mapping on the same line,
//! keys longer than 128 bytes or spanning lines use the explicit `? ` form. Scalars are
//! written by `scalar.rs`; both write through `writer.rs`.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::keys::sort_by_key_order;
use super::number;
use super::scalar::{ScalarStyle, is_multiline, requested_string_style, select_style};
use super::writer::{BEST_INDENT, Emitter};

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

/// Marshals one value as a YAML document, like go-yaml v2's `Marshal`, appending it to `out`.
pub(super) fn write_document(out: &mut String, value: &Value) {
    let mut e = Emitter::new(std::mem::take(out));
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
