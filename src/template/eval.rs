//! Evaluation of parsed templates, operator by operator.
//!
//! Values are byte strings, as in upstream. Every operator is total: upstream's answers
//! are kept where it has one, and the one place where it crashes (a substring whose
//! length would end before its start) yields an empty string.

use super::ast::{CaseChange, Expr, Node, Operator, ReplaceScope};
use super::glob;
use super::runes;

/// Evaluates `nodes`, reading variables through `lookup` (`None` counts as empty).
pub(super) fn evaluate(nodes: &[Node], lookup: &dyn Fn(&str) -> Option<String>) -> Vec<u8> {
    let mut out = Vec::new();
    for node in nodes {
        write_node(node, lookup, &mut out);
    }
    out
}

fn write_node(node: &Node, lookup: &dyn Fn(&str) -> Option<String>, out: &mut Vec<u8>) {
    match node {
        Node::Text(text) => out.extend_from_slice(text),
        Node::Expr(expr) => out.extend_from_slice(&apply(expr, lookup)),
    }
}

fn apply(expr: &Expr, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<u8> {
    let args: Vec<Vec<u8>> = expr
        .args
        .iter()
        .map(|arg| {
            let mut out = Vec::new();
            write_node(arg, lookup, &mut out);
            out
        })
        .collect();
    let value = lookup(&expr.name).unwrap_or_default().into_bytes();
    match expr.operator {
        Operator::Value | Operator::Default(_) => or_default(value, &args),
        Operator::Length => value.len().to_string().into_bytes(),
        Operator::Case(change) => change_case(&value, change),
        Operator::Substring => substring(value, &args),
        Operator::TrimPrefix { longest } => match args.first() {
            Some(pattern) => trim_prefix(&value, pattern, longest),
            None => value,
        },
        Operator::TrimSuffix { longest } => match args.first() {
            Some(pattern) => trim_suffix(&value, pattern, longest),
            None => value,
        },
        Operator::Replace(scope) => replace(value, &args, scope),
    }
}

/// The value, or when it is empty the arguments joined without a separator.
fn or_default(value: Vec<u8>, args: &[Vec<u8>]) -> Vec<u8> {
    if value.is_empty() {
        args.concat()
    } else {
        value
    }
}

fn change_case(value: &[u8], change: CaseChange) -> Vec<u8> {
    match change {
        CaseChange::UpperAll => map_chars(value, runes::to_upper),
        CaseChange::LowerAll => map_chars(value, runes::to_lower),
        CaseChange::UpperFirst => map_first(value, runes::to_upper),
        CaseChange::LowerFirst => map_first(value, runes::to_lower),
        CaseChange::LowerUpper | CaseChange::UpperLower => value.to_vec(),
    }
}

/// Maps every character; invalid bytes come out as U+FFFD, as with Go's `strings.Map`.
fn map_chars(value: &[u8], map: fn(char) -> char) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    for (c, _) in runes::chars(value) {
        runes::push_char(&mut out, map(c));
    }
    out
}

fn map_first(value: &[u8], map: fn(char) -> char) -> Vec<u8> {
    let Some((first, width)) = runes::decode(value) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(value.len() + 3);
    runes::push_char(&mut out, map(first));
    out.extend_from_slice(&value[width..]);
    out
}

/// `${A:offset}` and `${A:offset:length}` on byte offsets, with bash's forgiving bounds:
/// a negative offset counts from the end, an unparsable number leaves the value alone.
fn substring(value: Vec<u8>, args: &[Vec<u8>]) -> Vec<u8> {
    let Some(offset) = args.first() else {
        return value;
    };
    let Some(offset) = parse_int(offset) else {
        return value;
    };
    let len = i64::try_from(value.len()).unwrap_or(i64::MAX);
    let start = if offset < 0 {
        (len + offset).max(0)
    } else {
        offset
    };
    let tail = |start: i64| match usize::try_from(start) {
        Ok(start) if start < value.len() => value[start..].to_vec(),
        _ => Vec::new(),
    };
    let Some(length) = args.get(1) else {
        return tail(start);
    };
    let Some(length) = parse_int(length) else {
        return value;
    };
    // Upstream adds with Go's wrapping `int` arithmetic; keep that for identical answers.
    let end = start.wrapping_add(length);
    if end >= len {
        return tail(start);
    }
    if end < start {
        // Upstream slices s[start:end] here and panics; an empty result is our answer.
        return Vec::new();
    }
    match (usize::try_from(start), usize::try_from(end)) {
        (Ok(start), Ok(end)) => value
            .get(start..end)
            .map(<[u8]>::to_vec)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Go's `strconv.Atoi` on a 64-bit platform.
fn parse_int(text: &[u8]) -> Option<i64> {
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// Removes the shortest or longest prefix of `value` that matches `pattern`.
///
/// Only non-empty prefixes are tried, cut at every byte offset; a malformed pattern leaves
/// the value unchanged.
fn trim_prefix(value: &[u8], pattern: &[u8], longest: bool) -> Vec<u8> {
    let mut cut = None;
    for end in (1..=value.len()).rev() {
        match glob::matches(pattern, &value[..end]) {
            Err(glob::BadPattern) => return value.to_vec(),
            Ok(true) if longest => return value[end..].to_vec(),
            Ok(true) => cut = Some(end),
            Ok(false) => {}
        }
    }
    cut.map_or_else(|| value.to_vec(), |end| value[end..].to_vec())
}

/// Removes a matching suffix by trimming the prefix of the character-reversed value
/// with the character-reversed pattern, as upstream does. So `[a-c]` becomes `]c-a[`
/// and classes do not work here, and invalid bytes come out as U+FFFD.
fn trim_suffix(value: &[u8], pattern: &[u8], longest: bool) -> Vec<u8> {
    let trimmed = trim_prefix(&reverse(value), &reverse(pattern), longest);
    reverse(&trimmed)
}

fn reverse(bytes: &[u8]) -> Vec<u8> {
    let chars: Vec<char> = runes::chars(bytes).map(|(c, _)| c).collect();
    let mut out = Vec::with_capacity(bytes.len());
    for &c in chars.iter().rev() {
        runes::push_char(&mut out, c);
    }
    out
}

fn replace(value: Vec<u8>, args: &[Vec<u8>], scope: ReplaceScope) -> Vec<u8> {
    let (pattern, replacement) = match args {
        [pattern] => (pattern, &Vec::new()),
        [pattern, replacement, ..] => (pattern, replacement),
        [] => return value,
    };
    match scope {
        ReplaceScope::First => replace_n(&value, pattern, replacement, Some(1)),
        ReplaceScope::All => replace_n(&value, pattern, replacement, None),
        // Anchored replacements need both arguments: `${A/#p/}` changes nothing.
        _ if args.len() != 2 => value,
        ReplaceScope::Prefix if value.starts_with(pattern) => {
            replace_n(&value, pattern, replacement, Some(1))
        }
        ReplaceScope::Suffix if value.ends_with(pattern) => {
            let mut out = value[..value.len() - pattern.len()].to_vec();
            out.extend_from_slice(replacement);
            out
        }
        ReplaceScope::Prefix | ReplaceScope::Suffix => value,
    }
}

/// Go's `strings.Replace`: an empty pattern matches before every character and at the end.
fn replace_n(value: &[u8], pattern: &[u8], replacement: &[u8], limit: Option<usize>) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut rest = value;
    let mut done = 0;
    while limit.is_none_or(|limit| done < limit) {
        let found = if pattern.is_empty() {
            // Empty matches sit at the start, then after each character.
            if done == 0 {
                0
            } else {
                match runes::decode(rest) {
                    Some((_, width)) => width,
                    None => break,
                }
            }
        } else {
            match find(rest, pattern) {
                Some(at) => at,
                None => break,
            }
        };
        out.extend_from_slice(&rest[..found]);
        out.extend_from_slice(replacement);
        rest = &rest[found + pattern.len()..];
        done += 1;
    }
    out.extend_from_slice(rest);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
