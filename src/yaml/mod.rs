//! YAML in and out, byte-for-byte the way clusterctl v1.13.5 does it.
//!
//! clusterctl never prints the YAML it read: it parses every document into an
//! unstructured object (go-yaml v2 semantics, YAML 1.1 scalars, numbers through float64)
//! and prints the objects again with `sigs.k8s.io/yaml.Marshal` (keys in go-yaml's natural
//! order, 2-space indent, sequences not indented under their key, long lines folded at
//! column 80) joined by `---`. [`parse_documents`] and [`objects_to_yaml`] are those two
//! halves; [`to_yaml`] and [`join_documents`] are the pieces of the second.
//!
//! The golden vectors in `testdata/yaml/` come from the Go program in
//! `hack/golden/yamlref/` (`cd hack/golden/yamlref && go run . gen`), which calls the real
//! clusterctl and sigs.k8s.io/yaml code.
//!
//! Reading has two paths: documents in the plain block style of nearly every manifest are
//! read straight into JSON values (`simple.rs`); all others, and every error, go through
//! serde-saphyr's parser, a node tree and go-yaml's decoding rules (`parse.rs`,
//! `decode.rs`). The fast path gives up rather than guess, so both read alike.
//!
//! Known differences, all on inputs clusterctl itself cannot handle well:
//! - Go fails to print strings holding DEL, C1 controls or U+FFFE/U+FFFF, keys holding
//!   U+0085, and keys over 1024 characters; [`to_yaml`] prints them anyway.
//! - Go prints maps whose keys its natural order cannot rank consistently (`v2`, `v10`,
//!   `v1alpha2`) in a random order; [`to_yaml`] picks one order.
//! - Parsing uses a YAML 1.2 parser: U+2028/U+2029 are text rather than line breaks; in
//!   flow collections `[a:]`, `[?x]` and `[!x]` and plain scalars with `?` read
//!   differently; tabs after `- ` and multi-line quoted scalars with under-indented lines
//!   are accepted or refused where go-yaml does the opposite.

mod decode;
mod emit;
mod keys;
mod lines;
mod number;
mod parse;
mod resolve;
mod scalar;
mod simple;
mod simple_lines;
mod simple_scalar;
mod timestamp;
mod writer;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;

use serde_json::Value;

/// The YAML parser's error, the source of [`YamlError::Syntax`].
pub use serde_saphyr::granit_parser::ScanError;

/// Largest input [`parse_documents`] accepts, in bytes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Parses a multi-document YAML stream into JSON objects, as clusterctl's
/// `util/yaml.ToUnstructured` does.
///
/// Documents are separated by lines starting with `---`; documents that are empty, hold only
/// comments or are `null` are skipped. Every other document must be a mapping. Values are
/// typed with YAML 1.1 rules (`yes`/`no`/`on`/`off` are booleans, `0644` is 420, timestamps
/// stay strings), non-string keys are stringified, the last of duplicate keys wins, and
/// numbers take the float64 round trip clusterctl's objects go through (`1.0` becomes the
/// integer 1, integers beyond 2^53 lose precision).
///
/// # Errors
///
/// [`YamlError`] names the document (counting only non-empty ones, like clusterctl) and the
/// line of the input at fault.
pub fn parse_documents(input: &str) -> Result<Vec<Value>, YamlError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(YamlError::InputTooLarge {
            size: input.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let mut objects = Vec::new();
    for chunk in parse::split_documents(input) {
        let chunk = chunk.map_err(|bad| YamlError::InvalidSeparator {
            line: bad.line,
            found: bad.found,
        })?;
        if let Some(object) = read_document(&chunk, objects.len() + 1)? {
            objects.push(object);
        }
    }
    Ok(objects)
}

/// Reads one document; `None` for the empty and null documents clusterctl skips.
fn read_document(chunk: &parse::Chunk<'_>, document: usize) -> Result<Option<Value>, YamlError> {
    // Most documents are simple block YAML, read directly; the general parser has the last
    // word on all others, errors included.
    if let Some(object) = simple::read_document(&chunk.text) {
        return Ok(object);
    }
    read_document_generally(chunk, document)
}

/// [`read_document`] through serde-saphyr's parser, a node tree and go-yaml's decoding rules.
fn read_document_generally(
    chunk: &parse::Chunk<'_>,
    document: usize,
) -> Result<Option<Value>, YamlError> {
    let tree = match parse::parse_tree(chunk) {
        Ok(Some(tree)) => tree,
        Ok(None) => return Ok(None),
        Err(parse::TreeError::Syntax(source)) => {
            let line = chunk.first_line + source.marker().line().saturating_sub(1);
            return Err(YamlError::Syntax {
                document,
                line,
                source,
            });
        }
        Err(parse::TreeError::Content { line, error }) => {
            return Err(YamlError::Content {
                document,
                line,
                source: error,
            });
        }
    };
    let line = tree.nodes.first().map_or(chunk.first_line, |n| n.line);
    match decode::decode_document(&tree) {
        Ok(Value::Null) => Ok(None),
        Ok(object @ Value::Object(_)) => Ok(Some(object)),
        Ok(other) => Err(YamlError::NotAMapping {
            document,
            line,
            found: kind_name(&other),
        }),
        Err((line, source)) => Err(YamlError::Content {
            document,
            line,
            source,
        }),
    }
}

/// Prints a value as YAML exactly like `sigs.k8s.io/yaml.Marshal` v1.6.0; the text ends
/// with a newline.
///
/// Use [`objects_to_yaml`] to print several objects as one stream.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    emit::write_document(&mut out, value);
    out
}

/// Joins YAML documents with `---` lines like clusterctl's `util/yaml.JoinYaml`: each
/// document is put on its own lines and the result has no leading or trailing newline.
pub fn join_documents<S: AsRef<str>>(docs: &[S]) -> String {
    let parts: Vec<String> = docs
        .iter()
        .map(|doc| {
            let doc = doc.as_ref();
            let mut part = String::with_capacity(doc.len() + 2);
            if !doc.starts_with('\n') {
                part.push('\n');
            }
            part.push_str(doc);
            if !part.ends_with('\n') {
                part.push('\n');
            }
            part
        })
        .collect();
    let joined = parts.join("---");
    let joined = joined.strip_prefix('\n').unwrap_or(&joined);
    joined.strip_suffix('\n').unwrap_or(joined).to_owned()
}

/// Prints objects the way clusterctl prints a template or components file (its
/// `util/yaml.FromUnstructured`): [`to_yaml`] each, then [`join_documents`]. clusterctl
/// writes one more `\n` after this text.
pub fn objects_to_yaml(values: &[Value]) -> String {
    // `join_documents` written in place, so the documents are not copied a second time.
    let mut out = String::new();
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        let start = out.len();
        emit::write_document(&mut out, value);
        if out[start..].starts_with('\n') {
            // Either the `\n` after `---` or, for the first document, the leading one
            // `join_documents` trims.
            out.remove(start);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out.pop();
    out
}

/// Orders two mapping keys the way go-yaml v2 does on output: letters after other
/// characters, runs of digits by numeric value (`a2` before `a10`), then by code point.
///
/// Anything that must list keys in clusterctl's order (diffs, tables of variables) should
/// sort with this rather than with `str::cmp`.
pub fn key_order(a: &str, b: &str) -> Ordering {
    keys::key_order(a, b)
}

/// Why a YAML stream could not be read.
///
/// Document numbers are 1-based and, like clusterctl's "failed to unmarshal the 2nd yaml
/// document", count only the documents kept so far plus the failing one. Lines are 1-based
/// lines of the whole input.
#[derive(Debug, thiserror::Error)]
pub enum YamlError {
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("YAML input is {size} bytes, more than the {limit} bytes that can be read")]
    InputTooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A line starts with `---` but goes on with something other than a comment.
    #[error(
        "line {line}: invalid YAML document separator: {found:?} follows \"---\"; only spaces or a comment may follow it"
    )]
    InvalidSeparator {
        /// Line of the separator.
        line: usize,
        /// What follows the `---`, trimmed.
        found: String,
    },
    /// A document is not well-formed YAML.
    #[error("failed to parse the {} YAML document (line {line}): {}", ordinal(*.document), .source.info())]
    Syntax {
        /// Document number.
        document: usize,
        /// Line of the error.
        line: usize,
        /// The parser's error.
        #[source]
        source: ScanError,
    },
    /// A document is a sequence or a scalar; clusterctl only accepts mappings (objects).
    #[error("the {} YAML document (line {line}) is {found}, but a Kubernetes object must be a mapping", ordinal(*.document))]
    NotAMapping {
        /// Document number.
        document: usize,
        /// Line where the document starts.
        line: usize,
        /// What the document is instead ("a sequence", "a string", ...).
        found: &'static str,
    },
    /// A document is well-formed but holds something clusterctl cannot represent.
    #[error("failed to read the {} YAML document (line {line}): {source}", ordinal(*.document))]
    Content {
        /// Document number.
        document: usize,
        /// Line of the offending node.
        line: usize,
        /// What is wrong.
        #[source]
        source: ContentError,
    },
}

impl YamlError {
    /// The 1-based document number, when the error concerns one document.
    pub fn document(&self) -> Option<usize> {
        match self {
            YamlError::Syntax { document, .. }
            | YamlError::NotAMapping { document, .. }
            | YamlError::Content { document, .. } => Some(*document),
            YamlError::InputTooLarge { .. } | YamlError::InvalidSeparator { .. } => None,
        }
    }

    /// The 1-based line of the input, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            YamlError::InvalidSeparator { line, .. }
            | YamlError::Syntax { line, .. }
            | YamlError::NotAMapping { line, .. }
            | YamlError::Content { line, .. } => Some(*line),
            YamlError::InputTooLarge { .. } => None,
        }
    }
}

/// Well-formed YAML that does not map onto a Kubernetes object the way clusterctl reads it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContentError {
    /// A mapping key is null (`~: x`); JSON keys must be strings.
    #[error("a mapping key is null; quote it if it is meant as text")]
    NullKey,
    /// A mapping key is an integer too large for int64 (sigs.k8s.io/yaml rejects uint64 keys).
    #[error("mapping key {key} is too large an integer to be used as a key; quote it")]
    UnsupportedKey {
        /// The key's digits.
        key: String,
    },
    /// A mapping key is itself a mapping or a sequence.
    #[error("a mapping key is a mapping or a sequence; keys must be scalars")]
    CollectionKey,
    /// A `<<` merge key's value is not a mapping, an alias to one, or a list of those.
    #[error("a merge key (<<) needs a mapping or a list of mappings as its value")]
    MergeNotMapping,
    /// An alias refers to a node that contains the alias.
    #[error("an alias refers to a node that contains it")]
    RecursiveAlias,
    /// Aliases expand to far more nodes than the document holds (an "alias bomb").
    #[error("the document expands aliases excessively")]
    ExcessiveAliasing,
    /// A scalar's explicit tag does not fit its text (`!!int 1.5`).
    #[error("cannot read {found} `{value}` as {tag}")]
    TagMismatch {
        /// The explicit tag.
        tag: &'static str,
        /// The type the text has.
        found: &'static str,
        /// The scalar's text.
        value: String,
    },
    /// A `!!binary` scalar is not valid base64.
    #[error("a !!binary value is not valid base64")]
    InvalidBase64,
    /// `.inf`, `-.inf` or `.nan`: JSON has no such numbers.
    #[error("infinite and NaN numbers (.inf, .nan) cannot be represented in JSON; quote the value")]
    NonFiniteFloat,
    /// The text holds a character YAML does not allow unescaped (a control character,
    /// U+FFFE or U+FFFF).
    #[error(
        "the text contains the control character {character:?}; write it as an escape in a double-quoted string"
    )]
    ControlCharacter {
        /// The offending character.
        character: char,
    },
    /// An anchor name has characters other than letters, digits, `_` and `-`.
    #[error("anchor name {name:?} may only contain letters, digits, '_' and '-'")]
    AnchorName {
        /// The anchor name as written.
        name: String,
    },
    /// Collections nest deeper than the limit.
    #[error("collections nest more than {limit} levels deep")]
    TooDeep {
        /// The nesting limit.
        limit: usize,
    },
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

/// English ordinal as clusterctl's `util.Ordinalize` writes it: 1st, 2nd, 3rd, 11th, 21st.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
