//! Management clusters for `move` tests: providers installed by `capictl init`, their webhook
//! configurations removed (nothing answers them on a control plane without Pods), and the
//! state of a namespace's Cluster API objects read back for assertions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::workload::{self, MOVED_KINDS};
use super::{ControlPlane, capictl_std, run, stderr, test_config};

/// `capictl init -i docker` (core, kubeadm bootstrap and control plane, docker; v1.13.5 from
/// the offline repository), then the providers' webhook configurations removed.
pub fn init_management(cp: &ControlPlane, home: &Path) {
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

/// Every moved kind's objects of `namespace`, as JSON values with their kind set.
pub fn objects(cp: &ControlPlane, namespace: &str) -> Vec<Value> {
    cp.block_on(async {
        let client = cp.client().await;
        let mut all = Vec::new();
        for kind in &MOVED_KINDS {
            let list = kind
                .api(&client, namespace)
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
    })
}

/// `Kind/name` of an object value.
pub fn id(o: &Value) -> String {
    format!(
        "{}/{}",
        o["kind"].as_str().unwrap(),
        o["metadata"]["name"].as_str().unwrap()
    )
}

/// Every object of the namespace as `Kind/name` → its owners as `Kind/name` (with `*` for the
/// controller), after checking that each ownerReference's uid is its owner's on this cluster.
pub fn owner_graph(cp: &ControlPlane, namespace: &str) -> BTreeMap<String, BTreeSet<String>> {
    let objects = objects(cp, namespace);
    let by_uid: BTreeMap<&str, String> = objects
        .iter()
        .map(|o| (o["metadata"]["uid"].as_str().unwrap(), id(o)))
        .collect();
    let mut graph = BTreeMap::new();
    for o in &objects {
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
                "{}: ownerReference to {owner} has a uid of no object of this cluster",
                id(o)
            );
            let controller = if r["controller"] == true { "*" } else { "" };
            owners.insert(format!("{owner}{controller}"));
        }
        graph.insert(id(o), owners);
    }
    graph
}

/// How many objects of each moved kind `namespace` holds.
pub fn counts(cp: &ControlPlane, namespace: &str) -> Vec<(&'static str, usize)> {
    cp.block_on(async {
        workload::count_objects(&cp.client().await, namespace)
            .await
            .unwrap()
    })
}

/// Creates `count` workload clusters `<prefix>-1…` in `namespace`.
pub fn create_clusters(cp: &ControlPlane, namespace: &str, prefix: &str, count: usize) {
    let created = cp.block_on(async {
        workload::create_clusters(&cp.client().await, namespace, prefix, count)
            .await
            .unwrap()
    });
    assert_eq!(created, count * workload::objects_per_cluster());
}
