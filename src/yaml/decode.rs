//! Typing a document the way clusterctl's `ToUnstructured` does.
//!
//! That is go-yaml v2 decoding into `interface{}` (YAML 1.1 scalars, aliases expanded,
//! `<<` merges applied in document order so later entries win), then sigs.k8s.io/yaml's key
//! stringification, then a JSON round trip into `map[string]interface{}` which turns every
//! number into a float64.

use serde_json::{Map, Value};

use super::ContentError;
use super::number::{self, GoNumber};
use super::parse::{MAX_DEPTH, NodeId, NodeKind, Tree};
use super::resolve::{Resolved, ScalarTag, resolve_plain, resolve_tagged};

const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// go-yaml's alias-expansion guard: from 400k decoded nodes on, the share allowed to come
/// from aliases shrinks from 99% to 10% at 4M.
const ALIAS_RATIO_LOW: usize = 400_000;
const ALIAS_RATIO_HIGH: usize = 4_000_000;

/// A content problem and the line of the node it concerns.
pub(super) type Located = (usize, ContentError);

/// Decodes the document's root node.
pub(super) fn decode_document(tree: &Tree) -> Result<Value, Located> {
    let mut decoder = Decoder {
        tree,
        decoded: 1, // the document node itself
        from_aliases: 0,
        alias_depth: 0,
        expanding: vec![false; tree.nodes.len()],
        depth: 0,
    };
    decoder.value(0)
}

/// A scalar after typing, before the JSON round trip.
pub(super) enum Scalar {
    Null,
    Bool(bool),
    Number(GoNumber),
    Str(String),
}

impl Scalar {
    /// An untagged plain scalar, typed by the YAML 1.1 rules.
    pub(super) fn plain(text: &str) -> Scalar {
        Scalar::typed(resolve_plain(text), text)
    }

    /// A scalar resolved to `resolved`, with `text` for the string cases.
    pub(super) fn typed(resolved: Resolved, text: &str) -> Scalar {
        match resolved {
            Resolved::Null => Scalar::Null,
            Resolved::Bool(b) => Scalar::Bool(b),
            Resolved::Int(i) => Scalar::Number(GoNumber::Int(i)),
            Resolved::Uint(u) => Scalar::Number(GoNumber::Uint(u)),
            Resolved::Float(f) => Scalar::Number(GoNumber::Float(f)),
            Resolved::Timestamp | Resolved::Str => Scalar::Str(text.to_owned()),
        }
    }

    /// The scalar as a JSON value, after the float64 round trip.
    pub(super) fn into_value(self) -> Result<Value, ContentError> {
        Ok(match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Str(s) => Value::String(s),
            Scalar::Number(n) => Value::Number(json_number(n).ok_or(ContentError::NonFiniteFloat)?),
        })
    }

    /// The scalar as a mapping key, stringified like sigs.k8s.io/yaml does.
    pub(super) fn into_key(self) -> Result<String, ContentError> {
        match self {
            Scalar::Null => Err(ContentError::NullKey),
            Scalar::Bool(b) => Ok(b.to_string()),
            Scalar::Str(s) => Ok(s),
            Scalar::Number(GoNumber::Int(i)) => Ok(i.to_string()),
            Scalar::Number(GoNumber::Float(f)) => Ok(number::format_g(f, true)),
            Scalar::Number(GoNumber::Uint(u)) => {
                Err(ContentError::UnsupportedKey { key: u.to_string() })
            }
        }
    }
}

struct Decoder<'t> {
    tree: &'t Tree,
    decoded: usize,
    from_aliases: usize,
    alias_depth: usize,
    /// Aliases currently being expanded (a node that contains its own alias never ends).
    expanding: Vec<bool>,
    /// Current nesting of the value being built; aliases to deep nodes inside deep nodes
    /// could otherwise nest far beyond what the parser allows.
    depth: usize,
}

impl Decoder<'_> {
    fn line(&self, id: NodeId) -> usize {
        self.tree.nodes.get(id).map_or(0, |n| n.line)
    }

    fn kind(&self, id: NodeId) -> Option<&NodeKind> {
        self.tree.nodes.get(id).map(|n| &n.kind)
    }

    /// Counts one decode step, as go-yaml's `unmarshal` does.
    fn count(&mut self, id: NodeId) -> Result<(), Located> {
        self.decoded += 1;
        if self.alias_depth > 0 {
            self.from_aliases += 1;
        }
        #[allow(clippy::cast_precision_loss)] // ratios of counts, as in go-yaml
        let excessive = self.from_aliases > 100
            && self.decoded > 1000
            && self.from_aliases as f64 / self.decoded as f64 > allowed_alias_ratio(self.decoded);
        if excessive {
            return Err((self.line(id), ContentError::ExcessiveAliasing));
        }
        Ok(())
    }

    /// Runs `f` on an alias's target with go-yaml's recursion and expansion bookkeeping.
    fn through_alias<T>(
        &mut self,
        alias: NodeId,
        target: NodeId,
        f: impl FnOnce(&mut Self, NodeId) -> Result<T, Located>,
    ) -> Result<T, Located> {
        if self.expanding[alias] {
            return Err((self.line(alias), ContentError::RecursiveAlias));
        }
        self.expanding[alias] = true;
        self.alias_depth += 1;
        let result = f(self, target);
        self.alias_depth -= 1;
        self.expanding[alias] = false;
        result
    }

    /// Steps one nesting level deeper, refusing to go past [`MAX_DEPTH`]; the caller steps
    /// back out with `self.depth -= 1`.
    fn enter(&mut self, id: NodeId) -> Result<(), Located> {
        if self.depth >= MAX_DEPTH {
            let error = ContentError::TooDeep { limit: MAX_DEPTH };
            return Err((self.line(id), error));
        }
        self.depth += 1;
        Ok(())
    }

    fn value(&mut self, id: NodeId) -> Result<Value, Located> {
        self.count(id)?;
        self.enter(id)?;
        let value = self.value_of(id);
        self.depth -= 1;
        value
    }

    fn value_of(&mut self, id: NodeId) -> Result<Value, Located> {
        let tree = self.tree;
        match &tree.nodes[id].kind {
            NodeKind::Alias(target) => self.through_alias(id, *target, Self::value),
            NodeKind::Scalar { .. } => self
                .scalar(id)?
                .into_value()
                .map_err(|e| (self.line(id), e)),
            NodeKind::Sequence(children) => {
                let mut items = Vec::with_capacity(children.len());
                for &child in children {
                    items.push(self.value(child)?);
                }
                Ok(Value::Array(items))
            }
            NodeKind::Mapping(children) => {
                let mut map = Map::new();
                self.fill_mapping(children, &mut map)?;
                Ok(Value::Object(map))
            }
        }
    }

    fn fill_mapping(
        &mut self,
        children: &[NodeId],
        map: &mut Map<String, Value>,
    ) -> Result<(), Located> {
        for pair in children.chunks(2) {
            let [key, value] = *pair else {
                continue;
            };
            if self.is_merge_key(key) {
                self.merge(value, map)?;
                continue;
            }
            let key = self.key(key)?;
            let value = self.value(value)?;
            map.insert(key, value);
        }
        Ok(())
    }

    fn is_merge_key(&self, id: NodeId) -> bool {
        matches!(self.kind(id), Some(NodeKind::Scalar { value, implicit, tag })
            if value == "<<"
                && (*implicit || tag.as_deref() == Some("tag:yaml.org,2002:merge")))
    }

    /// Applies a `<<` value: a mapping, an alias to one, or a sequence of those (earlier
    /// entries win, so they are applied last).
    fn merge(&mut self, id: NodeId, map: &mut Map<String, Value>) -> Result<(), Located> {
        let tree = self.tree;
        match &tree.nodes[id].kind {
            NodeKind::Mapping(_) => self.merge_one(id, map),
            NodeKind::Alias(target) if self.is_mapping(*target) => self.merge_one(id, map),
            NodeKind::Sequence(children) => {
                for &child in children.iter().rev() {
                    let ok = match self.kind(child) {
                        Some(NodeKind::Alias(target)) => self.is_mapping(*target),
                        Some(NodeKind::Mapping(_)) => true,
                        _ => false,
                    };
                    if !ok {
                        return Err((self.line(child), ContentError::MergeNotMapping));
                    }
                    self.merge_one(child, map)?;
                }
                Ok(())
            }
            _ => Err((self.line(id), ContentError::MergeNotMapping)),
        }
    }

    fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.kind(id), Some(NodeKind::Mapping(_)))
    }

    fn merge_one(&mut self, id: NodeId, map: &mut Map<String, Value>) -> Result<(), Located> {
        self.count(id)?;
        self.enter(id)?;
        let merged = self.merge_into(id, map);
        self.depth -= 1;
        merged
    }

    fn merge_into(&mut self, id: NodeId, map: &mut Map<String, Value>) -> Result<(), Located> {
        let tree = self.tree;
        match &tree.nodes[id].kind {
            NodeKind::Alias(target) => {
                self.through_alias(id, *target, |d, target| d.merge_one(target, map))
            }
            NodeKind::Mapping(children) => self.fill_mapping(children, map),
            _ => Err((self.line(id), ContentError::MergeNotMapping)),
        }
    }

    /// A mapping key as sigs.k8s.io/yaml stringifies it.
    fn key(&mut self, id: NodeId) -> Result<String, Located> {
        self.count(id)?;
        let tree = self.tree;
        let line = self.line(id);
        match &tree.nodes[id].kind {
            NodeKind::Alias(target) => self.through_alias(id, *target, Self::key),
            NodeKind::Sequence(_) | NodeKind::Mapping(_) => {
                Err((line, ContentError::CollectionKey))
            }
            NodeKind::Scalar { .. } => self.scalar(id)?.into_key().map_err(|e| (line, e)),
        }
    }

    fn scalar(&self, id: NodeId) -> Result<Scalar, Located> {
        let line = self.line(id);
        let Some(NodeKind::Scalar {
            value,
            implicit,
            tag,
        }) = self.kind(id)
        else {
            return Ok(Scalar::Null);
        };
        let resolved = match tag.as_deref() {
            None if !implicit => Resolved::Str,
            None => resolve_plain(value),
            Some(tag) => match tag.strip_prefix(CORE_TAG_PREFIX) {
                Some("binary") => {
                    let bytes = decode_base64(value).ok_or((line, ContentError::InvalidBase64))?;
                    return Ok(Scalar::Str(go_json_string(&bytes)));
                }
                Some(suffix) => match core_tag(suffix) {
                    Some(core) => resolve_tagged(value, core).map_err(|found| {
                        let error = ContentError::TagMismatch {
                            tag: core.name(),
                            found: found.name(),
                            value: value.clone(),
                        };
                        (line, error)
                    })?,
                    None => Resolved::Str,
                },
                None => Resolved::Str,
            },
        };
        Ok(Scalar::typed(resolved, value))
    }
}

fn core_tag(suffix: &str) -> Option<ScalarTag> {
    Some(match suffix {
        "str" => ScalarTag::Str,
        "bool" => ScalarTag::Bool,
        "int" => ScalarTag::Int,
        "float" => ScalarTag::Float,
        "null" => ScalarTag::Null,
        "timestamp" => ScalarTag::Timestamp,
        _ => return None,
    })
}

/// The JSON round trip: Go keeps every number as a float64; NaN and infinities fail.
#[allow(clippy::cast_precision_loss)] // exactly what Go's JSON decoder does
fn json_number(n: GoNumber) -> Option<serde_json::Number> {
    // Integers up to 2^53 survive float64 unchanged; skip formatting their digits.
    if let GoNumber::Int(i) = n
        && i.unsigned_abs() <= 1 << 53
    {
        return Some(i.into());
    }
    let f = match n {
        GoNumber::Int(i) => i as f64,
        GoNumber::Uint(u) => u as f64,
        GoNumber::Float(f) => f,
    };
    if !f.is_finite() {
        return None;
    }
    number::from_go_float(f).to_json()
}

fn allowed_alias_ratio(decoded: usize) -> f64 {
    if decoded <= ALIAS_RATIO_LOW {
        0.99
    } else if decoded >= ALIAS_RATIO_HIGH {
        0.10
    } else {
        let progress =
            (decoded - ALIAS_RATIO_LOW) as f64 / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW) as f64;
        0.99 - 0.89 * progress
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padded, line breaks ignored.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let quads = bytes.len() / 4;
    let mut out = Vec::with_capacity(quads * 3);
    for (index, quad) in bytes.chunks(4).enumerate() {
        let mut bits = 0u32;
        let mut padding = 0;
        for (j, &c) in quad.iter().enumerate() {
            if c == b'=' {
                if index + 1 != quads || j < 2 {
                    return None;
                }
                padding += 1;
                bits <<= 6;
                continue;
            }
            if padding > 0 {
                return None;
            }
            bits = (bits << 6) | sextet(c)?;
        }
        let [_, a, b, c] = bits.to_be_bytes();
        out.push(a);
        if padding < 2 {
            out.push(b);
        }
        if padding < 1 {
            out.push(c);
        }
    }
    Some(out)
}

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Bytes as Go's JSON encoder writes a string: each invalid UTF-8 byte becomes U+FFFD.
fn go_json_string(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                out.extend(std::iter::repeat_n('\u{FFFD}', bad));
                bytes = &rest[bad..];
            }
        }
    }
}
