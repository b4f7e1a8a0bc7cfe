//! Tests of the template module: upstream's own tables, the differential vectors produced
//! by `hack/golden/envsubstref`, properties, and the places where capictl defines
//! behaviour that upstream leaves undefined.

mod clusterctl;
mod envsubst;
mod properties;
mod quirks;
mod vectors;

use std::collections::HashMap;

use super::ast::{CaseChange, DefaultForm, Node, Operator, ReplaceScope};
use super::{Template, TemplateError, runes};

/// Variables for a test case, as name and value pairs.
type Pairs<'a> = &'a [(&'a str, &'a str)];

/// A lookup over a fixed set of variables.
fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    let map: HashMap<&str, &str> = pairs.iter().copied().collect();
    move |name| map.get(name).map(|value| (*value).to_owned())
}

/// Evaluates `text` with `pairs` set, panicking with the parse error if there is one.
fn eval(text: &str, pairs: &[(&str, &str)]) -> String {
    match Template::parse(text) {
        Ok(template) => template.evaluate(&vars(pairs)),
        Err(err) => panic!("{text:?} did not parse: {err}"),
    }
}

/// The upstream message of a parse error, or `None` if `text` parses.
fn parse_error(text: &str) -> Option<String> {
    match Template::parse(text) {
        Ok(_) => None,
        Err(TemplateError::Parse { error, .. }) => Some(error.to_string()),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

/// A compact rendering of a parse tree: text as a quoted string, expressions as
/// `{name}`, `{#name}` or `{name OP arg...}`.
fn describe(template: &Template) -> String {
    let parts: Vec<String> = template.nodes.iter().map(describe_node).collect();
    parts.join(" ")
}

fn describe_node(node: &Node) -> String {
    match node {
        Node::Text(text) => format!("{:?}", runes::to_string_lossy(text)),
        Node::Expr(expr) => {
            let mut out = match expr.operator {
                Operator::Value => format!("{{{}", expr.name),
                Operator::Length => format!("{{#{}", expr.name),
                other => format!("{{{} {}", expr.name, symbol(other)),
            };
            for arg in &expr.args {
                out.push(' ');
                out.push_str(&describe_node(arg));
            }
            out.push('}');
            out
        }
    }
}

/// The operator as written in a template.
fn symbol(operator: Operator) -> &'static str {
    match operator {
        Operator::Value => "",
        Operator::Length | Operator::TrimPrefix { longest: false } => "#",
        Operator::TrimPrefix { longest: true } => "##",
        Operator::TrimSuffix { longest: false } => "%",
        Operator::TrimSuffix { longest: true } => "%%",
        Operator::Substring => ":",
        Operator::Case(CaseChange::UpperFirst) => "^",
        Operator::Case(CaseChange::UpperAll) => "^^",
        Operator::Case(CaseChange::LowerFirst) => ",",
        Operator::Case(CaseChange::LowerAll) => ",,",
        Operator::Case(CaseChange::LowerUpper) => ",^",
        Operator::Case(CaseChange::UpperLower) => "^,",
        Operator::Replace(ReplaceScope::First) => "/",
        Operator::Replace(ReplaceScope::All) => "//",
        Operator::Replace(ReplaceScope::Prefix) => "/#",
        Operator::Replace(ReplaceScope::Suffix) => "/%",
        Operator::Default(DefaultForm::Assign) => "=",
        Operator::Default(DefaultForm::ColonAssign) => ":=",
        Operator::Default(DefaultForm::ColonDash) => ":-",
        Operator::Default(DefaultForm::ColonQuestion) => ":?",
        Operator::Default(DefaultForm::ColonPlus) => ":+",
    }
}
