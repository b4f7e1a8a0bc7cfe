//! Behaviour the ported upstream tables (tests/graph.rs) do not reach.

use serde_json::{Value, json};

use super::sequence::{LeftOutReason, move_sequence};
use super::*;

fn cluster_types() -> Vec<TypeInfo> {
    let mut cluster = TypeInfo::new("cluster.x-k8s.io/v1beta2", "Cluster");
    cluster.force_move = true;
    cluster.force_move_hierarchy = true;
    let mut class = TypeInfo::new("cluster.x-k8s.io/v1beta2", "ClusterClass");
    class.force_move = true;
    class.force_move_hierarchy = true;
    let machine = TypeInfo::new("cluster.x-k8s.io/v1beta2", "Machine");
    let mut types = vec![cluster, class, machine];
    types.extend(TypeInfo::core_types());
    types
}

fn obj(kind: &str, name: &str, uid: &str, owners: Value) -> Value {
    let api_version = match kind {
        "Secret" | "ConfigMap" => "v1",
        "Foo" => "example.com/v1",
        _ => "cluster.x-k8s.io/v1beta2",
    };
    json!({"apiVersion": api_version, "kind": kind,
           "metadata": {"namespace": "ns1", "name": name, "uid": uid, "ownerReferences": owners}})
}

fn owner(kind: &str, name: &str, uid: &str) -> Value {
    json!({"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": kind, "name": name, "uid": uid,
           "controller": true, "blockOwnerDeletion": false})
}

#[test]
fn owner_reference_flags_are_kept_and_virtual_owners_promoted() {
    let machine = obj(
        "Machine",
        "m1",
        "u-m1",
        json!([owner("Cluster", "c1", "u-c1")]),
    );
    let mut graph = ObjectGraph::new(cluster_types());
    let id = graph.add_object(&machine).unwrap();
    let link = graph.node(id).owners()[0];
    assert_eq!(
        (link.controller, link.block_owner_deletion),
        (Some(true), Some(false))
    );
    assert!(graph.node(link.owner).is_virtual());
    assert_eq!(graph.node(link.owner).identity().namespace, "");

    let cluster_id = graph
        .add_object(&obj("Cluster", "c1", "u-c1", json!([])))
        .unwrap();
    assert_eq!(cluster_id, link.owner);
    let cluster = graph.node(cluster_id);
    assert!(!cluster.is_virtual() && cluster.force_move_hierarchy());
    assert_eq!(cluster.identity().to_string(), "Cluster ns1/c1");
    assert_eq!(graph.len(), 2);
}

#[test]
fn object_labels_and_block_move_annotation() {
    let mut secret = obj("Secret", "s", "u-s", json!([]));
    secret["metadata"]["labels"] = json!({MOVE_HIERARCHY_LABEL: ""});
    secret["metadata"]["annotations"] = json!({BLOCK_MOVE_ANNOTATION: "waiting"});
    let graph = ObjectGraph::build(cluster_types(), [&secret]).unwrap();
    let node = graph.node(graph.get("u-s").unwrap());
    assert!(!node.force_move() && node.force_move_hierarchy() && node.blocking_move());
    // A move-hierarchy root is its own tenant, so it moves.
    assert!(graph.is_moved(graph.get("u-s").unwrap()));
}

#[test]
fn objects_and_owner_references_need_a_uid() {
    let mut graph = ObjectGraph::new(cluster_types());
    let no_uid = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    assert!(matches!(
        graph.add_object(&no_uid),
        Err(GraphError::MissingUid { .. })
    ));
    let bad_ref = obj(
        "Secret",
        "s",
        "u-s",
        json!([{"kind": "Cluster", "name": "c1"}]),
    );
    let err = graph.add_object(&bad_ref).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Secret ns1/s has an ownerReference to Cluster c1 without a uid; fix or remove that reference"
    );
}

#[test]
fn cluster_secret_names() {
    assert_eq!(
        cluster_secret_owner("my-cluster-kubeconfig"),
        Some("my-cluster")
    );
    assert_eq!(cluster_secret_owner("c1-sa"), Some("c1"));
    assert_eq!(cluster_secret_owner("c1-cloud-config"), None);
    assert_eq!(cluster_secret_owner("credentials"), None);
    // Split at the last dash, as Cluster API does: this purpose never matches.
    assert_eq!(cluster_secret_owner("c1-apiserver-etcd-client"), None);
}

#[test]
fn left_out_nodes_name_the_owner_that_keeps_them_back() {
    let objects = [
        obj("Cluster", "c1", "u-c1", json!([])),
        // Owned by the Cluster and by an object of a type the move does not read.
        obj(
            "Machine",
            "m1",
            "u-m1",
            json!([owner("Cluster", "c1", "u-c1"), owner("Foo", "f", "u-foo")]),
        ),
        // A ConfigMap no tenant reaches, owning a labelled Secret.
        obj("ConfigMap", "cm", "u-cm", json!([])),
        {
            let mut s = obj(
                "Secret",
                "s",
                "u-s",
                json!([owner("ConfigMap", "cm", "u-cm")]),
            );
            s["metadata"]["labels"] = json!({MOVE_LABEL: ""});
            s
        },
    ];
    let graph = ObjectGraph::build(cluster_types(), &objects).unwrap();
    let sequence = move_sequence(&graph);
    let id = |uid| graph.get(uid).unwrap();
    assert_eq!(sequence.groups(), &[vec![id("u-c1")]]);
    let reasons: Vec<_> = sequence
        .left_out()
        .iter()
        .map(|l| (l.node, l.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                id("u-m1"),
                LeftOutReason::VirtualOwner { owner: id("u-foo") }
            ),
            (
                id("u-s"),
                LeftOutReason::OwnerNotMoved { owner: id("u-cm") }
            ),
        ]
    );
}

#[test]
fn walks_follow_owners_and_soft_owners() {
    let objects = [
        obj("Cluster", "c1", "u-c1", json!([])),
        obj("Secret", "c1-ca", "u-ca", json!([])),
        obj(
            "Machine",
            "m1",
            "u-m1",
            json!([owner("Cluster", "c1", "u-c1")]),
        ),
        obj(
            "Secret",
            "m1",
            "u-data",
            json!([owner("Machine", "m1", "u-m1")]),
        ),
    ];
    let graph = ObjectGraph::build(cluster_types(), &objects).unwrap();
    let id = |uid| graph.get(uid).unwrap();
    assert_eq!(graph.children_of(id("u-c1")), [id("u-ca"), id("u-m1")]);
    assert_eq!(
        graph.descendants_of(id("u-c1")),
        [id("u-ca"), id("u-m1"), id("u-data")]
    );
    assert_eq!(graph.owners_of(id("u-ca")), [id("u-c1")]);
    assert_eq!(graph.tenants_of(id("u-c1")).len(), 4);
    assert_eq!(graph.clusters(), [id("u-c1")]);
}

#[test]
fn v1beta1_topology_fields_link_a_cluster_to_its_class() {
    let class = obj("ClusterClass", "cc", "u-cc", json!([]));
    let mut cluster = obj("Cluster", "c1", "u-c1", json!([]));
    cluster["spec"] = json!({"topology": {"class": "cc", "version": "v1.35.0"}});
    let graph = ObjectGraph::build(cluster_types(), [&class, &cluster]).unwrap();
    let c1 = graph.node(graph.get("u-c1").unwrap());
    assert_eq!(c1.soft_owners(), [graph.get("u-cc").unwrap()]);
    assert!(graph.external_cluster_classes("ns1").is_empty());
    assert_eq!(
        graph.external_cluster_classes("other"),
        [ClassRef {
            namespace: "ns1".into(),
            name: "cc".into()
        }]
    );
}

#[test]
fn class_templates_skip_empty_references() {
    let class = json!({"metadata": {"namespace": "ns1", "name": "cc"}, "spec": {
        "infrastructure": {"templateRef": {"apiVersion": "i/v1", "kind": "IT", "name": "it"}},
        "controlPlane": {"templateRef": {"apiVersion": "c/v1", "kind": "CT", "name": "ct"},
                         "machineInfrastructure": {"templateRef": {}}},
        "workers": {"machinePools": [{"class": "p",
            "bootstrap": {"templateRef": {"apiVersion": "b/v1", "kind": "BT", "name": "bt"}}}]}}});
    let names: Vec<String> = cluster_class_templates(&class)
        .into_iter()
        .map(|t| format!("{} {}/{}", t.kind, t.namespace, t.name))
        .collect();
    assert_eq!(names, ["IT ns1/it", "CT ns1/ct", "BT ns1/bt"]);
}

#[test]
fn a_subset_moves_its_clusters_and_copies_shared_classes() {
    let topology = |name: &str, uid: &str, class: &str| {
        let mut c = obj("Cluster", name, uid, json!([]));
        c["spec"] = json!({"topology": {"classRef": {"name": class}}});
        c
    };
    let objects = [
        obj("ClusterClass", "shared", "u-shared", json!([])),
        obj("ClusterClass", "only-c3", "u-only-c3", json!([])),
        obj("ClusterClass", "unused-by-selection", "u-unused", json!([])),
        obj(
            "ConfigMap",
            "shared-tpl",
            "u-shared-tpl",
            json!([owner("ClusterClass", "shared", "u-shared")]),
        ),
        topology("c1", "u-c1", "shared"),
        topology("c2", "u-c2", "shared"),
        topology("c3", "u-c3", "only-c3"),
        topology("c4", "u-c4", "unused-by-selection"),
        obj(
            "Machine",
            "m1",
            "u-m1",
            json!([owner("Cluster", "c1", "u-c1")]),
        ),
        obj(
            "Machine",
            "m2",
            "u-m2",
            json!([owner("Cluster", "c2", "u-c2")]),
        ),
        obj("Secret", "c1-kubeconfig", "u-s1", json!([])),
        obj("Secret", "c2-kubeconfig", "u-s2", json!([])),
    ];
    let mut graph = ObjectGraph::build(cluster_types(), &objects).unwrap();
    let selected = [graph.get("u-c1").unwrap(), graph.get("u-c3").unwrap()]
        .into_iter()
        .collect();
    graph.keep_only_clusters(&selected);
    let moved: Vec<String> = move_sequence(&graph)
        .nodes()
        .map(|id| graph.node(id).identity().name.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        moved,
        [
            "c1",
            "c1-kubeconfig",
            "c3",
            "m1",
            "only-c3",
            "shared",
            "shared-tpl"
        ]
    );
    let kept: Vec<&str> = graph
        .nodes()
        .filter(|(_, n)| n.should_not_delete())
        .map(|(_, n)| n.identity().name.as_str())
        .collect();
    // c2 still uses "shared": copied, and kept with what it owns; only-c3 moves.
    assert_eq!(kept, ["shared", "shared-tpl"]);
    assert_eq!(graph.cluster_named("ns1", "c3"), graph.get("u-c3"));
    assert_eq!(graph.cluster_named("ns2", "c3"), None);
}
