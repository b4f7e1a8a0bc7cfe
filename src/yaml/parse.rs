//! Reading YAML streams: document splitting and the node tree of one document.
//!
//! clusterctl does not hand the whole stream to a YAML parser. apimachinery's `YAMLReader`
//! first cuts it into documents at every line that starts with `---` (which may only be
//! followed by spaces or a comment), normalising CRLF to LF on the way, and each piece is
//! then parsed on its own. We do the same, then build a small node tree from
//! serde-saphyr's parser events so that `decode.rs` can apply go-yaml v2's typing, alias and
//! merge rules exactly.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle, ScanError};

use super::ContentError;
use super::lines::line_breaks;

/// Deepest collection nesting accepted. go-yaml allows 10000, but Kubernetes objects stay
/// far below this, and reading, printing and dropping a value recurse once per level, which
/// must fit the 2 MiB stacks of test and tokio worker threads even in debug builds.
pub(super) const MAX_DEPTH: usize = 500;

/// One document as `YAMLReader` returns it.
pub(super) struct Chunk<'a> {
    /// The document's lines, each ending in `\n`; borrowed from the input unless line ends
    /// had to be normalised.
    pub(super) text: Cow<'a, str>,
    /// Line of the input (1-based) where `text` starts.
    pub(super) first_line: usize,
}

/// A `---` line followed by something other than spaces or a comment.
pub(super) struct BadSeparator {
    pub(super) line: usize,
    pub(super) found: String,
}

/// Splits `input` into documents the way apimachinery's `YAMLReader` does, lazily: like
/// clusterctl, a bad separator is only reported once the documents before it were read.
pub(super) fn split_documents(input: &str) -> Documents<'_> {
    Documents {
        rest: input,
        line: 0,
    }
}

/// Iterator over the documents of a stream; see [`split_documents`].
pub(super) struct Documents<'a> {
    rest: &'a str,
    /// Lines consumed so far.
    line: usize,
}

impl<'a> Iterator for Documents<'a> {
    type Item = Result<Chunk<'a>, BadSeparator>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.rest.is_empty() {
            // The document runs up to the next line that starts with `---`.
            let mut end = None;
            let mut breaks = 0;
            if self.rest.starts_with("---") {
                end = Some(0);
            } else {
                for p in line_breaks(self.rest) {
                    breaks += 1;
                    if self.rest[p + 1..].starts_with("---") {
                        end = Some(p + 1);
                        break;
                    }
                }
            }
            let body = &self.rest[..end.unwrap_or(self.rest.len())];
            let first_line = self.line + 1;
            self.line += breaks + usize::from(!body.ends_with('\n') && !body.is_empty());
            self.rest = &self.rest[body.len()..];
            if !self.rest.is_empty() {
                let separator = self.rest.split('\n').next().unwrap_or_default();
                self.line += 1;
                self.rest = self.rest.get(separator.len() + 1..).unwrap_or_default();
                let found = separator["---".len()..].trim();
                if !found.is_empty() && !found.starts_with('#') {
                    self.rest = "";
                    let found = found.to_owned();
                    return Some(Err(BadSeparator {
                        line: self.line,
                        found,
                    }));
                }
            }
            if !body.is_empty() {
                return Some(Ok(Chunk {
                    text: normalize_line_ends(body),
                    first_line,
                }));
            }
        }
        None
    }
}

/// `YAMLReader` drops the `\r` of each CRLF and ends the last line with a `\n`.
fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') && text.ends_with('\n') {
        return Cow::Borrowed(text);
    }
    let mut owned = text.replace("\r\n", "\n");
    if !owned.ends_with('\n') {
        owned.push('\n');
    }
    Cow::Owned(owned)
}

/// Index of a node in [`Tree::nodes`].
pub(super) type NodeId = usize;

/// A parsed node, before any typing.
pub(super) enum NodeKind {
    Scalar {
        value: String,
        /// Plain and untagged, or tagged with the non-specific `!` (go-yaml's "implicit").
        implicit: bool,
        /// Full tag, e.g. `tag:yaml.org,2002:str` or `!custom`.
        tag: Option<String>,
    },
    Sequence(Vec<NodeId>),
    /// Keys and values, alternating.
    Mapping(Vec<NodeId>),
    Alias(NodeId),
}

pub(super) struct Node {
    pub(super) kind: NodeKind,
    /// Line (1-based) within the whole input.
    pub(super) line: usize,
}

/// All nodes of one document; the root is node 0.
pub(super) struct Tree {
    pub(super) nodes: Vec<Node>,
}

/// Why a document could not be turned into a tree.
pub(super) enum TreeError {
    Syntax(ScanError),
    Content { line: usize, error: ContentError },
}

/// Parses the first document of `chunk`; `None` when it holds no node at all.
pub(super) fn parse_tree(chunk: &Chunk<'_>) -> Result<Option<Tree>, TreeError> {
    let options = granit_parser::options! {
        flow_nesting_limit: MAX_DEPTH,
        block_nesting_limit: MAX_DEPTH,
        emit_comments: false,
        emit_anchor_events: true,
    };
    check_characters(chunk)?;
    let (text, placeholder) = hide_byte_order_marks(&chunk.text);
    let mut parser = Parser::new_from_str_with_options(&text, options);
    let mut builder = TreeBuilder {
        placeholder,
        ..TreeBuilder::default()
    };
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(TreeError::Syntax)?;
        let line = chunk.first_line + span.start.line().saturating_sub(1);
        // go-yaml reads only the first document of each piece.
        if matches!(event, Event::DocumentEnd | Event::StreamEnd) {
            break;
        }
        builder.event(event, line)?;
    }
    Ok((!builder.nodes.is_empty()).then_some(Tree {
        nodes: builder.nodes,
    }))
}

/// go-yaml's reader refuses C0 controls other than tab and line breaks, DEL, C1 controls
/// other than NEL, and U+FFFE/U+FFFF anywhere in the text, comments included.
fn check_characters(chunk: &Chunk<'_>) -> Result<(), TreeError> {
    let refused = |c: char| {
        matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{84}'
            | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
    };
    let Some(at) = chunk.text.find(refused) else {
        return Ok(());
    };
    let character = chunk.text[at..].chars().next().unwrap_or('\0');
    let line = chunk.first_line + chunk.text[..at].matches('\n').count();
    Err(TreeError::Content {
        line,
        error: ContentError::ControlCharacter { character },
    })
}

/// go-yaml skips a byte order mark at the start of each document and reads any other
/// U+FEFF as an ordinary character, which our YAML 1.2 parser refuses. Other U+FEFF are
/// swapped for a private-use character absent from the text, swapped back in scalars.
fn hide_byte_order_marks(text: &str) -> (Cow<'_, str>, Option<char>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains('\u{feff}') {
        return (Cow::Borrowed(text), None);
    }
    let free = ('\u{e000}'..='\u{f8ff}').find(|&c| !text.contains(c));
    match free {
        Some(p) => (
            Cow::Owned(text.replace('\u{feff}', p.encode_utf8(&mut [0; 4]))),
            Some(p),
        ),
        None => (Cow::Borrowed(text), None),
    }
}

#[derive(Default)]
struct TreeBuilder {
    nodes: Vec<Node>,
    /// Collections not yet closed, innermost last.
    open: Vec<NodeId>,
    anchors: HashMap<usize, NodeId>,
    /// Stand-in for U+FEFF in the parsed text, see [`hide_byte_order_marks`].
    placeholder: Option<char>,
}

impl TreeBuilder {
    fn event(&mut self, event: Event<'_>, line: usize) -> Result<(), TreeError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle(), t.suffix()));
                let implicit =
                    (style == ScalarStyle::Plain && tag.is_none()) || tag.as_deref() == Some("!");
                let value = match self.placeholder {
                    Some(p) => value.replace(p, "\u{feff}"),
                    None => value.into_owned(),
                };
                self.add(
                    NodeKind::Scalar {
                        value,
                        implicit,
                        tag,
                    },
                    anchor,
                    line,
                );
            }
            Event::SequenceStart(_, anchor, _) => {
                let id = self.add(NodeKind::Sequence(Vec::new()), anchor, line);
                self.open(id, line)?;
            }
            Event::MappingStart(_, anchor, _) => {
                let id = self.add(NodeKind::Mapping(Vec::new()), anchor, line);
                self.open(id, line)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.open.pop();
            }
            Event::Anchor(_, name) => {
                // go-yaml only accepts letters, digits, `_` and `-` in anchor names.
                let valid = name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if !valid {
                    let name = name.into_owned();
                    let error = ContentError::AnchorName { name };
                    return Err(TreeError::Content { line, error });
                }
            }
            Event::Alias(anchor) => {
                // The parser rejects aliases to unknown anchors, so the lookup cannot fail.
                let target = self.anchors.get(&anchor).copied().unwrap_or(0);
                self.add(NodeKind::Alias(target), 0, line);
            }
            _ => {}
        }
        Ok(())
    }

    fn add(&mut self, kind: NodeKind, anchor: usize, line: usize) -> NodeId {
        let id = self.nodes.len();
        self.nodes.push(Node { kind, line });
        if let Some(&parent) = self.open.last()
            && let NodeKind::Sequence(children) | NodeKind::Mapping(children) =
                &mut self.nodes[parent].kind
        {
            children.push(id);
        }
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        id
    }

    fn open(&mut self, id: NodeId, line: usize) -> Result<(), TreeError> {
        self.open.push(id);
        if self.open.len() > MAX_DEPTH {
            return Err(TreeError::Content {
                line,
                error: ContentError::TooDeep { limit: MAX_DEPTH },
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<(String, usize)> {
        let chunks: Result<Vec<Chunk<'_>>, _> = split_documents(input).collect();
        chunks
            .map(|chunks| {
                chunks
                    .into_iter()
                    .map(|c| (c.text.into_owned(), c.first_line))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn splits_like_yaml_reader() {
        assert_eq!(
            texts("a: 1\r\n---\r\nb: 2"),
            vec![("a: 1\n".to_owned(), 1), ("b: 2\n".to_owned(), 3)]
        );
        assert_eq!(texts("---\n---\n"), vec![]);
        assert_eq!(
            texts("--- # c\nx\n---  \n\ny"),
            vec![("x\n".to_owned(), 2), ("\ny\n".to_owned(), 4)]
        );
        let bad = |input| split_documents(input).any(|chunk| chunk.is_err());
        assert!(bad("a\n--- b\n"));
        assert!(bad("----\n"));
    }
}
