//! Which variables a template needs, as clusterctl's `inspectVariables` sees it.

use std::collections::BTreeMap;

use super::Variable;
use super::ast::Node;
use super::runes;

/// The variables of the top-level expressions, sorted by name; the first occurrence of a
/// name decides its default.
pub(super) fn inspect(nodes: &[Node]) -> Vec<Variable> {
    defaults(nodes)
        .into_iter()
        .map(|(name, default)| Variable {
            name,
            default: (!default.is_empty()).then_some(default),
        })
        .collect()
}

/// The sorted names of required variables for which `lookup` has no value.
pub(super) fn missing(nodes: &[Node], lookup: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    defaults(nodes)
        .into_iter()
        .filter(|(name, default)| default.is_empty() && lookup(name).is_none())
        .map(|(name, _)| name)
        .collect()
}

/// Name to default text; the empty text marks a required variable.
fn defaults(nodes: &[Node]) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for node in nodes {
        let Node::Expr(expr) = node else { continue };
        found.entry(expr.name.clone()).or_insert_with(|| {
            let mut text = Vec::new();
            for arg in &expr.args {
                match arg {
                    Node::Text(literal) => text.extend_from_slice(literal),
                    Node::Expr(nested) => {
                        text.extend_from_slice(format!("${{{}}}", nested.name).as_bytes())
                    }
                }
            }
            runes::to_string_lossy(&text)
        });
    }
    found
}
