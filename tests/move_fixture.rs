//! The workload `move` is tested and benchmarked on (`tests/support/workload/`) is one upstream
//! clusterctl v1.13.5 accepts and moves whole: if this test fails, the fixture drifted from what
//! Cluster API's controllers leave behind, and every `move` comparison built on it is suspect.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use support::workload::{self, MOVED_KINDS};
use support::*;

const NAMESPACE: &str = "workload";

/// `capictl init -i docker`, then the providers' webhook configurations removed: the control
/// plane runs no Pods, so nothing would answer them (see `workload::remove_provider_webhooks`).
fn management_cluster(cp: &ControlPlane, home: &Path) {
    let out = run(capictl_std(home)
        .arg("init")
        .arg("--config")
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .args(["-i", "docker"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let removed = cp.block_on(async {
        workload::remove_provider_webhooks(&cp.client().await)
            .await
            .unwrap()
    });
    assert!(removed > 0, "no provider webhook configuration found");
}

fn counts(cp: &ControlPlane) -> Vec<(&'static str, usize)> {
    cp.block_on(async {
        workload::count_objects(&cp.client().await, NAMESPACE)
            .await
            .unwrap()
    })
}

/// Every object of the namespace as `Kind/name` → its owners as `Kind/name` (with `*` for the
/// controller), after checking that each ownerReference's uid is its owner's on this cluster.
fn owner_graph(cp: &ControlPlane) -> BTreeMap<String, BTreeSet<String>> {
    let objects: Vec<serde_json::Value> = cp.block_on(async {
        let client = cp.client().await;
        let mut all = Vec::new();
        for kind in &MOVED_KINDS {
            let list = kind
                .api(&client, NAMESPACE)
                .list(&Default::default())
                .await
                .unwrap();
            all.extend(list.items.into_iter().map(|o| {
                let mut v = serde_json::to_value(o).unwrap();
                v["kind"] = kind.kind.into();
                v
            }));
        }
        all
    });
    let by_uid: BTreeMap<&str, String> = objects
        .iter()
        .map(|o| {
            let id = format!(
                "{}/{}",
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            );
            (o["metadata"]["uid"].as_str().unwrap(), id)
        })
        .collect();
    let mut graph = BTreeMap::new();
    for o in &objects {
        let id = format!(
            "{}/{}",
            o["kind"].as_str().unwrap(),
            o["metadata"]["name"].as_str().unwrap()
        );
        let mut owners = BTreeSet::new();
        for r in o["metadata"]["ownerReferences"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let owner = format!(
                "{}/{}",
                r["kind"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            );
            assert_eq!(
                by_uid.get(r["uid"].as_str().unwrap()),
                Some(&owner),
                "{id}: ownerReference to {owner} has a uid of no object of this cluster"
            );
            let controller = if r["controller"] == true { "*" } else { "" };
            owners.insert(format!("{owner}{controller}"));
        }
        graph.insert(id, owners);
    }
    graph
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
    management_cluster(&source, home.path());
    management_cluster(&target, home.path());

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
