//! A fast reader for the simple block YAML nearly every manifest is written in.
//!
//! Manifests use a small part of YAML: block mappings and sequences, plain, quoted and
//! literal scalars, comments, `{}` and `[]`. For them, the general parser's event stream
//! and the node tree built from it cost several times what the text needs. This reader
//! turns such a document straight into JSON values, and gives up (`None`) on everything
//! else: anchors, aliases, tags, merge keys, flow collections with content, tabs outside
//! literal text, unusual indentation, and every error. The general path (`parse.rs` and
//! `decode.rs`) then reads the document again and has the last word, so this reader only
//! has to agree with it on what it accepts.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::decode::Scalar;
use super::resolve::{Resolved, resolve_plain};
use super::simple_lines::{Line, is_line_end, split_lines};
use super::simple_scalar::{PlainEnd, block_scalar, quoted, scan_plain_line, scan_plain_rest};

/// Nesting this reader follows; deeper documents take the general path.
const MAX_NESTING: usize = 64;
/// Longest implicit key, in bytes as written, this reader accepts (YAML allows 1024
/// characters).
const MAX_KEY_LEN: usize = 1000;

/// Reads one document (as cut by `split_documents`) that is a block mapping, or empty
/// (`Some(None)`: only comments); `None` when the document is anything but simple block
/// YAML, or is not a mapping.
pub(super) fn read_document(text: &str) -> Option<Option<Value>> {
    if !text.is_empty() && !text.ends_with('\n') {
        return None;
    }
    let reader = Reader {
        lines: split_lines(text)?,
    };
    let Some(first) = reader.skip_blank(0) else {
        return Some(None);
    };
    let (value, next) = reader.mapping(first, reader.lines[first].indent, 0)?;
    match reader.skip_blank(next) {
        Some(_) => None,
        None => Some(Some(value)),
    }
}

/// Which collection a value belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Mapping,
    Sequence,
}

/// The document's lines, without their `\n`.
///
/// Every method reads a node starting at a given line and returns it with the index of the
/// first line it did not consume; `None` means "not simple, ask the general parser".
struct Reader<'a> {
    lines: Vec<Line<'a>>,
}

impl<'a> Reader<'a> {
    /// The first line at or after `from` that holds more than spaces and a comment.
    fn skip_blank(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&l| !self.lines[l].is_blank())
    }

    /// A block mapping whose keys start at column `indent`, the first one on `line`.
    fn mapping(&self, mut line: usize, indent: usize, depth: usize) -> Option<(Value, usize)> {
        let depth = deeper(depth)?;
        let mut map = Map::new();
        loop {
            let (key, after) = self.key(line, indent)?;
            let (value, next) = self.value(line, after, indent, Parent::Mapping, depth)?;
            map.insert(key, value);
            let Some(l) = self.skip_blank(next) else {
                return Some((Value::Object(map), self.lines.len()));
            };
            let found = self.lines[l].indent;
            if found < indent {
                return Some((Value::Object(map), l));
            }
            if found > indent {
                return None;
            }
            line = l;
        }
    }

    /// A block sequence whose `-` entries sit at column `indent`, the first one on `line`.
    fn sequence(&self, mut line: usize, indent: usize, depth: usize) -> Option<(Value, usize)> {
        let depth = deeper(depth)?;
        let mut items = Vec::new();
        loop {
            let (value, next) = self.value(line, indent + 1, indent, Parent::Sequence, depth)?;
            items.push(value);
            let Some(l) = self.skip_blank(next) else {
                return Some((Value::Array(items), self.lines.len()));
            };
            let next = self.lines[l];
            if next.indent != indent || !is_entry(next.content()) {
                return Some((Value::Array(items), l));
            }
            line = l;
        }
    }

    /// The key at column `col` of `line` and the column just after its `:`.
    fn key(&self, line: usize, col: usize) -> Option<(String, usize)> {
        let s = self.lines[line].text;
        let rest = &s[col..];
        match rest.as_bytes().first()? {
            b'"' | b'\'' => {
                let (text, end) = self.one_line_quoted(line, col)?;
                if end - col > MAX_KEY_LEN {
                    return None;
                }
                let after = s[end..].trim_start_matches(' ');
                let colon = s.len() - after.len();
                after
                    .strip_prefix(':')
                    .filter(|a| a.is_empty() || a.starts_with(' '))?;
                Some((text, colon + 1))
            }
            _ => {
                let (end, stop) = scan_plain_line(s, col)?;
                let PlainEnd::Colon(colon) = stop else {
                    return None;
                };
                let text = &s[col..end];
                // `<<` is a merge key; the general path applies merges.
                if colon - col > MAX_KEY_LEN || text == "<<" {
                    return None;
                }
                let key = match Scalar::plain(text) {
                    Scalar::Str(s) => s,
                    other => other.into_key().ok()?,
                };
                Some((key, colon + 1))
            }
        }
    }

    /// Whether a key starts at column `col` of `line`.
    fn is_key(&self, line: usize, col: usize) -> Option<bool> {
        let s = self.lines[line].text;
        match s.as_bytes()[col] {
            b'"' | b'\'' => {
                // A quoted scalar running past this line is a value, not a key.
                let Some((_, end)) = self.one_line_quoted(line, col) else {
                    return Some(false);
                };
                let after = s[end..].trim_start_matches(' ');
                Some(after.starts_with(':'))
            }
            _ => {
                let (_, stop) = scan_plain_line(s, col)?;
                Some(matches!(stop, PlainEnd::Colon(_)))
            }
        }
    }

    /// A quoted scalar that closes on its own line: its text and the column after it.
    fn one_line_quoted(&self, line: usize, col: usize) -> Option<(String, usize)> {
        let (text, end_line, end_col) = quoted(&self.lines, line, col, usize::MAX)?;
        (end_line == line).then_some((text, end_col))
    }

    /// The value after a mapping's `:` or a sequence's `-`, which ends at column `col`;
    /// `indent` is the column of the collection's keys or dashes.
    fn value(
        &self,
        line: usize,
        col: usize,
        indent: usize,
        parent: Parent,
        depth: usize,
    ) -> Option<(Value, usize)> {
        let s = self.lines[line].text;
        let rest = &s[col..];
        let content = rest.trim_start_matches(' ');
        let start = s.len() - content.len();
        if content.is_empty() || (content.starts_with('#') && start > col) {
            return self.value_below(line + 1, indent, parent, depth);
        }
        if start == col {
            return None;
        }
        if parent == Parent::Sequence {
            if is_entry(content) {
                return self.sequence(line, start, depth);
            }
            if self.is_key(line, start)? {
                return self.mapping(line, start, depth);
            }
        }
        self.scalar(line, start, indent)
    }

    /// A value that starts on a later line, or is empty (null).
    fn value_below(
        &self,
        from: usize,
        indent: usize,
        parent: Parent,
        depth: usize,
    ) -> Option<(Value, usize)> {
        let Some(line) = self.skip_blank(from) else {
            return Some((Value::Null, self.lines.len()));
        };
        let found = self.lines[line].indent;
        let content = self.lines[line].content();
        if found > indent {
            if is_entry(content) {
                return self.sequence(line, found, depth);
            }
            return self.mapping(line, found, depth);
        }
        // A sequence may sit at its key's own indentation.
        if found == indent && parent == Parent::Mapping && is_entry(content) {
            return self.sequence(line, found, depth);
        }
        Some((Value::Null, line))
    }

    /// A scalar (or an empty flow collection) starting at column `col` of `line`, inside a
    /// collection indented by `indent`.
    fn scalar(&self, line: usize, col: usize, indent: usize) -> Option<(Value, usize)> {
        let s = self.lines[line].text;
        match s.as_bytes()[col] {
            b'"' | b'\'' => {
                let (text, end_line, end_col) = quoted(&self.lines, line, col, indent)?;
                let after = &self.lines[end_line].text[end_col..];
                is_line_end(after).then_some((Value::String(text), end_line + 1))
            }
            b'|' | b'>' => {
                let (text, next) = block_scalar(&self.lines, line, col, indent)?;
                Some((Value::String(text), next))
            }
            b'{' | b'[' => {
                let (empty, rest) = if let Some(rest) = s[col..].strip_prefix("{}") {
                    (Value::Object(Map::new()), rest)
                } else {
                    (Value::Array(Vec::new()), s[col..].strip_prefix("[]")?)
                };
                is_line_end(rest).then_some((empty, line + 1))
            }
            _ => {
                let (text, next) = self.plain(line, col, indent)?;
                let value = match resolve_plain(&text) {
                    Resolved::Str | Resolved::Timestamp => Value::String(text.into_owned()),
                    other => Scalar::typed(other, &text).into_value().ok()?,
                };
                Some((value, next))
            }
        }
    }

    /// A plain scalar value starting at column `col`, continued on following lines that are
    /// indented past `indent`.
    fn plain(&self, line: usize, col: usize, indent: usize) -> Option<(Cow<'a, str>, usize)> {
        let s = self.lines[line].text;
        let (end, stop) = scan_plain_line(s, col)?;
        let first = &s[col..end];
        match stop {
            PlainEnd::Colon(_) => return None,
            PlainEnd::Comment => return Some((Cow::Borrowed(first), line + 1)),
            PlainEnd::Line => {}
        }
        let mut text: Option<String> = None;
        let mut breaks = 0;
        let mut next = line + 1;
        for (l, &raw) in self.lines.iter().enumerate().skip(line + 1) {
            if raw.is_empty() {
                breaks += 1;
                continue;
            }
            if raw.indent <= indent {
                break;
            }
            let content = raw.content();
            // A comment, `: ` or a tab here is an error or changes the meaning.
            if content.starts_with(['#', ':', '\t']) {
                return None;
            }
            let (end, PlainEnd::Line) = scan_plain_rest(raw.text, raw.indent)? else {
                return None;
            };
            let text = text.get_or_insert_with(|| first.to_owned());
            if breaks == 0 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', breaks));
            }
            text.push_str(&raw.text[raw.indent..end]);
            breaks = 0;
            next = l + 1;
        }
        Some((text.map_or(Cow::Borrowed(first), Cow::Owned), next))
    }
}

/// One more level of nesting, or `None` past [`MAX_NESTING`].
fn deeper(depth: usize) -> Option<usize> {
    (depth < MAX_NESTING).then_some(depth + 1)
}

/// Whether a line's content is a `-` sequence entry.
fn is_entry(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::yaml::parse::{Chunk, split_documents};
    use crate::yaml::read_document_generally;

    fn general(chunk: &Chunk<'_>) -> Option<Value> {
        read_document_generally(chunk, 1).expect("general path reads it")
    }

    /// The fast reader must take `input` and read it as the general path does.
    fn agrees(input: &str) {
        for chunk in split_documents(input) {
            let chunk = chunk.unwrap_or_else(|_| panic!("bad separator in {input:?}"));
            let fast = read_document(&chunk.text).unwrap_or_else(|| panic!("gave up on {input:?}"));
            assert_eq!(fast, general(&chunk), "{input:?}");
        }
    }

    #[test]
    fn reads_simple_documents_like_the_general_path() {
        for input in [
            "a: 1\nb: [] # c\nc: {}\nd:\ne: ~\n",
            "list:\n- - a\n  - b\n-   k: v\n    l: w\n-\n  - deeper\n- # c\n  m: n\n",
            "text: one\n  two\n\n  three - four\n  'x' \"y\" [z]\nnext: x # c\n",
            "q: 'it''s\n  folded\n\n  twice'\nd: \"tab\\tand \\u00e9\\x41\\\\\"\n",
            "lit: |\n  a\n\n   b\n  \nkeep: |+\n  x\n\nstrip: >-\n  a\n  b\n\n  c\n   d\n  e\n",
            "1: one\ntrue: t\n0x1F: hex\n1.5: f\n'<<': quoted\n\"k\" : v\n-k: w\n",
            "  indented: root\n  second: 2\n",
            "# only a comment\n",
            "a: yes\nb: 0644\nc: 2001-12-14\nd: 1e3\ne: 12:30:45\nf: 9007199254740993\n",
            "é: ünïcode\nk: a\u{a0}b\n",
        ] {
            agrees(input);
        }
    }

    #[test]
    fn leaves_everything_else_to_the_general_path() {
        for input in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {}\n",
            "a: [1, 2]\n",
            "a:\tb\n",
            "a: b\n  c: d\n",
            "- a\n",
            "a: .inf\n",
            "~: x\n",
            "a: |2\n   x\n",
            "a: b\n...\n",
            "a: \"x\\\n  y\"\n",
            "a: b\r\n",
            "\u{feff}a: b\n",
        ] {
            assert!(read_document(input).is_none(), "{input:?}");
        }
    }

    /// Every manifest in `testdata/`: whatever the fast reader takes, it reads as the general
    /// path does, and it takes nearly all of them.
    #[test]
    fn agrees_on_every_test_manifest() {
        fn manifests(dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir)
                .expect("testdata directory")
                .flatten()
            {
                let path = entry.path();
                if path.is_dir() {
                    manifests(&path, out);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    out.push(std::fs::read_to_string(&path).expect("manifest"));
                }
            }
        }
        let mut texts = Vec::new();
        manifests(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
            &mut texts,
        );
        let (mut taken, mut total) = (0, 0);
        for text in &texts {
            for chunk in split_documents(text).flatten() {
                let Ok(want) = read_document_generally(&chunk, 1) else {
                    continue;
                };
                total += 1;
                if let Some(fast) = read_document(&chunk.text) {
                    assert_eq!(fast, want, "{}", chunk.text);
                    taken += 1;
                }
            }
        }
        assert!(
            total > 100 && taken * 10 > total * 9,
            "took {taken} of {total}"
        );
    }
}
