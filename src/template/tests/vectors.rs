//! Replays `testdata/template/vectors.jsonl`, the answers of the upstream Go code for
//! hand-written and generated templates (see `hack/golden/envsubstref`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::template::{Template, TemplateError, Variable};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/template/vectors.jsonl"
);

#[derive(Debug, Deserialize)]
struct Vector {
    template: String,
    vars: BTreeMap<String, String>,
    variables: Option<Vec<ExpectedVariable>>,
    parse_error: Option<String>,
    eval: Option<String>,
    eval_panic: bool,
    process: Option<String>,
    process_error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ExpectedVariable {
    name: String,
    default: Option<String>,
}

fn load() -> Vec<Vector> {
    let text =
        std::fs::read_to_string(VECTORS).unwrap_or_else(|err| panic!("reading {VECTORS}: {err}"));
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("line {}: {err}", i + 1))
        })
        .collect()
}

/// Compares one vector; returns a description of the first difference.
fn check(v: &Vector) -> Result<(), String> {
    let lookup = |name: &str| v.vars.get(name).cloned();
    let template = match (Template::parse(&v.template), &v.parse_error) {
        (Ok(template), None) => template,
        (Err(TemplateError::Parse { error, .. }), Some(want)) if error.to_string() == *want => {
            return Ok(());
        }
        (got, want) => return Err(format!("parse: got {got:?}, want error {want:?}")),
    };
    let want_vars: Vec<Variable> = v
        .variables
        .iter()
        .flatten()
        .map(|e| Variable {
            name: e.name.clone(),
            default: e.default.clone(),
        })
        .collect();
    if template.variables() != want_vars {
        return Err(format!(
            "variables: got {:?}, want {want_vars:?}",
            template.variables()
        ));
    }
    if v.eval_panic {
        // Upstream crashes; capictl must merely not (its answer is pinned in quirks.rs).
        template.evaluate(&lookup);
        return Ok(());
    }
    let evaluated = template.evaluate(&lookup);
    if Some(&evaluated) != v.eval.as_ref() {
        return Err(format!("eval: got {evaluated:?}, want {:?}", v.eval));
    }
    let processed = template.process(&lookup);
    let matches = match &processed {
        Ok(out) => Some(out) == v.process.as_ref(),
        Err(err) => Some(err.to_string()) == v.process_error,
    };
    if !matches {
        return Err(format!(
            "process: got {processed:?}, want {:?} / {:?}",
            v.process, v.process_error
        ));
    }
    Ok(())
}

#[test]
fn upstream_vectors() {
    let vectors = load();
    assert!(vectors.len() > 3000, "only {} vectors", vectors.len());
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            check(v)
                .err()
                .map(|why| format!("{:?} vars={:?}: {why}", v.template, v.vars))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} vectors differ; first ones:\n{}",
        failures.len(),
        vectors.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
