//! The workload `move` is tested and benchmarked on (`tests/support/workload/`) is one upstream
//! clusterctl v1.13.5 accepts and moves whole: if this test fails, the fixture drifted from what
//! Cluster API's controllers leave behind, and every `move` comparison built on it is suspect.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use support::management;
use support::workload;
use support::*;

const NAMESPACE: &str = "workload";

fn counts(cp: &ControlPlane) -> Vec<(&'static str, usize)> {
    management::counts(cp, NAMESPACE)
}

fn owner_graph(cp: &ControlPlane) -> BTreeMap<String, BTreeSet<String>> {
    management::owner_graph(cp, NAMESPACE)
}

#[test]
fn a_workload_cluster_is_25_objects() {
    assert_eq!(workload::objects_per_cluster(), 25);
    assert_eq!(
        workload::expected_counts(1),
        [
            ("Cluster", 1),
            ("DockerCluster", 1),
            ("KubeadmControlPlane", 1),
            ("DockerMachineTemplate", 2),
            ("KubeadmConfigTemplate", 1),
            ("MachineDeployment", 1),
            ("MachineSet", 1),
            ("Machine", 3),
            ("DockerMachine", 3),
            ("KubeadmConfig", 3),
            // -kubeconfig, -ca, -etcd, -sa, -proxy and three bootstrap data Secrets.
            ("Secret", 8),
        ]
    );
}

#[test]
fn clusterctl_moves_the_workload() {
    let source = ControlPlane::start("move-fixture-src");
    let target = ControlPlane::start("move-fixture-dst");
    let home = tempfile::tempdir().unwrap();
    management::init_management(&source, home.path());
    management::init_management(&target, home.path());

    let created = source.block_on(async {
        workload::create_clusters(&source.client().await, NAMESPACE, "c", 2)
            .await
            .unwrap()
    });
    assert_eq!(created, 2 * workload::objects_per_cluster());
    assert_eq!(counts(&source), workload::expected_counts(2));
    let graph = owner_graph(&source);
    let unowned: Vec<&String> = graph
        .iter()
        .filter(|(_, o)| o.is_empty())
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        unowned,
        [
            "Cluster/c-1",
            "Cluster/c-2",
            "Secret/c-1-ca",
            "Secret/c-1-etcd",
            "Secret/c-2-ca",
            "Secret/c-2-etcd"
        ],
        "only the Clusters and the user's CAs have no owner"
    );

    let out = run(clusterctl(home.path())
        .args(["move", "--kubeconfig"])
        .arg(source.kubeconfig())
        .arg("--to-kubeconfig")
        .arg(target.kubeconfig())
        .args(["-n", NAMESPACE]));
    assert!(out.status.success(), "{}", stderr(&out));

    assert_eq!(counts(&target), workload::expected_counts(2), "all moved");
    assert_eq!(
        counts(&source),
        workload::expected_counts(0),
        "none left behind"
    );
    assert_eq!(
        owner_graph(&target),
        graph,
        "same owners, with the target's uids"
    );
    let paused: Vec<serde_json::Value> = target.block_on(async {
        let c = target.client().await;
        list_objects(&c, "cluster.x-k8s.io/v1beta2", "Cluster", NAMESPACE)
            .await
            .iter()
            .map(|c| c["spec"]["paused"].clone())
            .collect()
    });
    assert!(
        paused.iter().all(|p| p.is_null() || p == false),
        "{paused:?}"
    );
}
