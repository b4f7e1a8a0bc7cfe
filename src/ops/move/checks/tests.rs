//! The checks against upstream's test tables, ported as data under testdata/move/ (see the
//! README there), and a few properties of the error values themselves.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Value, json};

use super::*;

#[derive(Deserialize)]
struct Table<C> {
    cases: Vec<C>,
}

#[derive(Deserialize)]
struct ObjectCase {
    name: String,
    objects: Vec<Value>,
    want_error: Option<String>,
}

#[derive(Deserialize)]
struct ProviderCase {
    name: String,
    source: Vec<Value>,
    target: Vec<Value>,
    want_error: Option<String>,
}

fn load<C: for<'de> Deserialize<'de>>(file: &str) -> Vec<C> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/move")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let table: Table<C> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    table.cases
}

/// Runs every case and reports all mismatches at once.
fn check_table<C>(
    cases: &[C],
    name: impl Fn(&C) -> &str,
    run: impl Fn(&C) -> (Option<String>, Option<String>),
) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let (got, want) = run(case);
            (got != want).then(|| format!("{}:\n  got:  {got:?}\n  want: {want:?}", name(case)))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn message(result: Result<(), CheckError>) -> Option<String> {
    result.err().map(|e| {
        assert!(!e.hint().is_empty());
        e.to_string()
    })
}

#[test]
fn provisioning_table() {
    let cases: Vec<ObjectCase> = load("provisioning.json");
    assert!(cases.len() >= 6);
    check_table(
        &cases,
        |c| &c.name,
        |c| {
            (
                message(check_provisioning(&c.objects)),
                c.want_error.clone(),
            )
        },
    );
}

#[test]
fn paused_table() {
    let cases: Vec<ObjectCase> = load("paused.json");
    assert!(cases.len() >= 4);
    check_table(
        &cases,
        |c| &c.name,
        |c| (message(check_not_paused(&c.objects)), c.want_error.clone()),
    );
}

#[test]
fn target_providers_table() {
    let cases: Vec<ProviderCase> = load("target_providers.json");
    assert!(cases.len() >= 4);
    let entries = |objs: &[Value]| {
        objs.iter()
            .map(InventoryEntry::from_object)
            .collect::<Vec<_>>()
    };
    check_table(
        &cases,
        |c| &c.name,
        |c| {
            let got = check_target_providers(&entries(&c.source), &entries(&c.target));
            (message(got), c.want_error.clone())
        },
    );
}

#[test]
fn errors_carry_the_objects_they_are_about() {
    let cluster = json!({
        "apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
        "metadata": {"namespace": "ns1", "name": "c1", "uid": "u-c1"},
        "spec": {"paused": true},
    });
    let machine = json!({
        "apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Machine",
        "metadata": {"namespace": "ns1", "name": "m1", "uid": "u-m1"},
    });
    let Err(CheckError::NotProvisioned { objects }) = check_provisioning([&cluster, &machine])
    else {
        panic!("expected NotProvisioned");
    };
    let uids: Vec<&str> = objects.iter().map(|o| o.object().uid.as_str()).collect();
    assert_eq!(uids, ["u-c1", "u-m1"]);
    assert!(matches!(objects[0], StillProvisioning::Infrastructure(_)));
    assert!(matches!(objects[1], StillProvisioning::Node(_)));

    let Err(CheckError::ClustersPaused { clusters }) = check_not_paused([&cluster]) else {
        panic!("expected ClustersPaused");
    };
    assert_eq!(clusters[0].uid, "u-c1");
}

#[test]
fn a_provider_version_error_keeps_its_cause() {
    let entry = InventoryEntry::from_object(&json!({
        "metadata": {"namespace": "capi-system", "name": "cluster-api"},
        "providerName": "cluster-api", "type": "CoreProvider", "version": "v1",
    }));
    let err = check_target_providers(&[entry], &[]).unwrap_err();
    assert!(matches!(
        err,
        CheckError::ProviderVersion {
            side: MoveSide::Source,
            ..
        }
    ));
    let source = std::error::Error::source(&err).expect("a source");
    assert_eq!(source.to_string(), "could not parse \"v1\" as version");
}
