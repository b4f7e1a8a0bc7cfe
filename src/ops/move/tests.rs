//! The decisions of upstream's `Test_createTargetObject` and `Test_deleteSourceObject`
//! tables that do not need a cluster: what a move does with an object that already exists on
//! the target, and which objects it deletes from the source. (The requests themselves are
//! tested on real control planes in tests/move.rs.)

use serde_json::{Value, json};

use super::discover::Discovery;
use super::run::{MOVED_FROM_ANNOTATION, OnTarget, TargetIndex, reconcile_with_target};
use crate::graph::TypeInfo;
use crate::graph::sequence::move_sequence;

fn types() -> Vec<TypeInfo> {
    let mut cluster = TypeInfo::new("cluster.x-k8s.io/v1beta2", "Cluster");
    cluster.force_move = true;
    cluster.force_move_hierarchy = true;
    // A cluster-scoped identity that moves with what it owns, as infrastructure providers'
    // `*ClusterIdentity` kinds do.
    let mut identity = TypeInfo::new("infrastructure.example.com/v1", "ClusterIdentity");
    identity.force_move = true;
    identity.force_move_hierarchy = true;
    identity.global = true;
    let mut types = vec![cluster, identity];
    types.extend(TypeInfo::core_types());
    types
}

fn discovery() -> Discovery {
    let mut d = Discovery::new(types());
    for obj in [
        json!({"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
               "metadata": {"namespace": "ns1", "name": "foo", "uid": "u-cluster"}}),
        json!({"apiVersion": "infrastructure.example.com/v1", "kind": "ClusterIdentity",
               "metadata": {"name": "id", "uid": "u-identity"}}),
        // Owned by the global identity: global hierarchy.
        json!({"apiVersion": "v1", "kind": "Secret",
               "metadata": {"namespace": "ns1", "name": "id-secret", "uid": "u-id-secret",
                            "ownerReferences": [{"apiVersion": "infrastructure.example.com/v1",
                                "kind": "ClusterIdentity", "name": "id", "uid": "u-identity"}]}}),
        json!({"apiVersion": "v1", "kind": "Secret",
               "metadata": {"namespace": "ns1", "name": "foo-kubeconfig", "uid": "u-kubeconfig"}}),
    ] {
        d.add(&obj).unwrap();
    }
    d.link();
    d
}

/// Each case: the objects already on the target (name → the moved-from annotation, if any),
/// then what the move must decide.
struct Case {
    name: &'static str,
    on_target: &'static [(&'static str, Option<&'static str>)],
    want_conflicts: &'static [&'static str],
    want_taken_over: &'static [&'static str],
    want_resumed: usize,
}

const CASES: &[Case] = &[
    Case {
        name: "creates the objects that do not exist",
        on_target: &[],
        want_conflicts: &[],
        want_taken_over: &[],
        want_resumed: 0,
    },
    Case {
        name: "takes over what an interrupted run of this move created",
        on_target: &[
            ("foo", Some("u-cluster")),
            ("foo-kubeconfig", Some("u-kubeconfig")),
        ],
        want_conflicts: &[],
        want_taken_over: &["foo", "foo-kubeconfig"],
        want_resumed: 2,
    },
    Case {
        // clusterctl updates such an object; capictl refuses before writing anything.
        name: "refuses an object that exists and is not Global/GlobalHierarchy",
        on_target: &[("foo-kubeconfig", None)],
        want_conflicts: &["Secret ns1/foo-kubeconfig"],
        want_taken_over: &[],
        want_resumed: 0,
    },
    Case {
        name: "refuses an object a move from another source created",
        on_target: &[("foo", Some("u-someone-else"))],
        want_conflicts: &["Cluster ns1/foo"],
        want_taken_over: &[],
        want_resumed: 0,
    },
    Case {
        name: "should not update Global objects",
        on_target: &[("id", None)],
        want_conflicts: &[],
        want_taken_over: &["id"],
        want_resumed: 0,
    },
    Case {
        name: "should not update Global Hierarchy objects",
        on_target: &[("id-secret", None)],
        want_conflicts: &[],
        want_taken_over: &["id-secret"],
        want_resumed: 0,
    },
];

#[test]
fn objects_already_on_the_target() {
    for case in CASES {
        let d = discovery();
        let sequence = move_sequence(&d.graph);
        let mut index = TargetIndex::default();
        for (name, moved_from) in case.on_target {
            let (id, node) = d
                .graph
                .nodes()
                .find(|(_, n)| n.identity().name == *name)
                .unwrap();
            let _ = id;
            index.insert(
                node.identity(),
                OnTarget::new(&format!("target-{name}"), moved_from.map(str::to_string)),
            );
        }
        let result = reconcile_with_target(&d, &sequence, &index);
        match result {
            Ok((resumed, uids)) => {
                assert!(case.want_conflicts.is_empty(), "{}: no conflict", case.name);
                assert_eq!(resumed, case.want_resumed, "{}", case.name);
                let mut taken: Vec<&str> = d
                    .graph
                    .nodes()
                    .filter(|(id, _)| uids[id.0].is_some())
                    .map(|(_, n)| n.identity().name.as_str())
                    .collect();
                taken.sort_unstable();
                assert_eq!(taken, case.want_taken_over, "{}", case.name);
                for (id, node) in d.graph.nodes() {
                    if let Some(uid) = &uids[id.0] {
                        assert_eq!(uid, &format!("target-{}", node.identity().name));
                    }
                }
            }
            Err(super::error::MoveError::AlreadyOnTarget { objects }) => {
                assert_eq!(objects, case.want_conflicts, "{}", case.name);
            }
            Err(e) => panic!("{}: {e}", case.name),
        }
    }
}

#[test]
fn global_and_global_hierarchy_objects_are_not_deleted_from_the_source() {
    let d = discovery();
    let sequence = move_sequence(&d.graph);
    let deleted: Vec<String> = super::run::deletable(&d, &sequence)
        .into_iter()
        .flatten()
        .map(|id| d.graph.node(id).identity().name.clone())
        .collect();
    assert_eq!(deleted, ["foo-kubeconfig", "foo"], "last group first");
}

#[test]
fn a_copy_points_at_the_target_uids_and_drops_server_fields() {
    let mut d = Discovery::new(types());
    let machine = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"namespace": "ns1", "name": "cm", "uid": "u-cm", "resourceVersion": "7",
            "generateName": "cm-", "creationTimestamp": "2026-01-01T00:00:00Z",
            "managedFields": [{"manager": "m", "operation": "Apply"}],
            "annotations": {"clusterctl.cluster.x-k8s.io/delete-for-move": "", "keep": "me"},
            "ownerReferences": [{"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
                "name": "foo", "uid": "u-cluster", "controller": true}]},
        "data": {"k": "v"}});
    d.add(
        &json!({"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
        "metadata": {"namespace": "ns1", "name": "foo", "uid": "u-cluster"}}),
    )
    .unwrap();
    let id = d.add(&machine).unwrap();
    d.link();
    let (body, managed_fields): (Value, Option<Value>) =
        super::run::copy_for_target(&d, id, |_| Some("new-cluster-uid".to_string())).unwrap();
    assert_eq!(
        body,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"namespace": "ns1", "name": "cm",
                "annotations": {"keep": "me", MOVED_FROM_ANNOTATION: "u-cm"},
                "ownerReferences": [{"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
                    "name": "foo", "uid": "new-cluster-uid", "controller": true}]},
            "data": {"k": "v"}})
    );
    assert_eq!(
        managed_fields,
        Some(json!([{"manager": "m", "operation": "Apply"}]))
    );
}
