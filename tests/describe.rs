//! `capictl describe cluster` against upstream clusterctl v1.13.5 on one real control plane:
//! workload clusters as Cluster API's controllers leave them (`support::workload`), some with
//! conditions written through `/status` the way a failing or scaling cluster's controllers
//! would; both tools run on the same objects and must print the same bytes.

mod support;

use std::path::Path;

use capictl::fetch::clock::{UtcTime, now_secs};
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};
use support::workload::{self, kind};
use support::*;

const NAMESPACE: &str = "describe";

/// Twenty days ago: SINCE reads `20d` for a whole day, whichever tool runs first.
fn long_ago() -> String {
    UtcTime::from_unix(now_secs() - 20 * 86_400).to_rfc3339()
}

/// Replaces conditions of an object's status (each `(type, status, reason, message)`),
/// keeping the others, as the object's controller would write them.
fn set_conditions(
    cp: &ControlPlane,
    kind_name: &str,
    name: &str,
    conditions: &[(&str, &str, &str, &str)],
    extra: Value,
) {
    let when = long_ago();
    cp.block_on(async {
        let client = cp.client().await;
        let api = kind(kind_name).api(&client, NAMESPACE);
        let obj = api.get(name).await.unwrap();
        let obj = serde_json::to_value(obj).unwrap();
        let mut list: Vec<Value> = obj["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (t, status, reason, message) in conditions {
            let c = json!({"type": t, "status": status, "reason": reason, "message": message,
                           "lastTransitionTime": when, "observedGeneration": 1});
            match list.iter_mut().find(|c| c["type"] == *t) {
                Some(existing) => *existing = c,
                None => list.push(c),
            }
        }
        let mut status = json!({"conditions": list});
        if let (Value::Object(s), Value::Object(e)) = (&mut status, extra) {
            s.extend(e);
        }
        api.patch_status(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"status": status})),
        )
        .await
        .unwrap();
    });
}

/// The name of the first worker Machine of cluster `<prefix>-1`.
fn first_worker(cp: &ControlPlane, cluster: &str) -> String {
    management::objects(cp, NAMESPACE)
        .into_iter()
        .filter(|o| o["kind"] == "Machine")
        .filter(|o| o["metadata"]["labels"]["cluster.x-k8s.io/cluster-name"] == cluster)
        .filter(|o| {
            o["metadata"]["labels"]
                .get("cluster.x-k8s.io/control-plane")
                .is_none()
        })
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .min()
        .unwrap()
}

/// A management cluster with three workload clusters: `healthy-1`, `failing-1` (a worker
/// Machine not Ready, its DockerMachine failing with a long message) and `scaling-1` (the
/// MachineDeployment scaling from 2 to 3).
fn management_cluster(cp: &ControlPlane, home: &Path) {
    management::init_management(cp, home);
    let when = long_ago();
    cp.block_on(async {
        let client = cp.client().await;
        for prefix in ["healthy", "failing", "scaling"] {
            workload::create_clusters_at(&client, NAMESPACE, prefix, 1, &when)
                .await
                .unwrap();
        }
    });
    let machine = first_worker(cp, "failing-1");
    set_conditions(
        cp,
        "Machine",
        &machine,
        &[
            ("Available", "False", "NotReady", ""),
            (
                "Ready",
                "False",
                "NotReady",
                "* NodeHealthy: Node not ready\n* InfrastructureReady: container exited with code 137 while running the kubelet bootstrap script on the node",
            ),
            ("NodeHealthy", "False", "NodeNotReady", "Node not ready"),
            (
                "InfrastructureReady",
                "False",
                "ContainerFailed",
                "container exited with code 137",
            ),
        ],
        json!({}),
    );
    set_conditions(
        cp,
        "DockerMachine",
        &machine,
        &[(
            "Ready",
            "False",
            "ContainerFailed",
            "container exited with code 137 while running the kubelet bootstrap script; see the container logs on the docker host for the details of the failure",
        )],
        json!({}),
    );
    set_conditions(
        cp,
        "MachineDeployment",
        "failing-1-md-0",
        &[(
            "Available",
            "False",
            "NotAvailable",
            "1 available replicas, at least 2 required (spec.strategy.rollout.maxUnavailable is 0, spec.replicas is 2)",
        )],
        json!({"availableReplicas": 1, "readyReplicas": 1}),
    );
    set_conditions(
        cp,
        "Cluster",
        "scaling-1",
        &[(
            "ScalingUp",
            "True",
            "ScalingUp",
            "* MachineDeployment scaling-1-md-0: Scaling up from 2 to 3 replicas",
        )],
        json!({"workers": {"desiredReplicas": 3, "replicas": 2, "readyReplicas": 2,
                           "availableReplicas": 2, "upToDateReplicas": 2}}),
    );
    cp.block_on(async {
        let client = cp.client().await;
        kind("MachineDeployment")
            .api(&client, NAMESPACE)
            .patch(
                "scaling-1-md-0",
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"replicas": 3}})),
            )
            .await
            .unwrap();
    });
    set_conditions(
        cp,
        "MachineDeployment",
        "scaling-1-md-0",
        &[(
            "ScalingUp",
            "True",
            "ScalingUp",
            "Scaling up from 2 to 3 replicas",
        )],
        json!({}),
    );
}

fn describe(
    cmd: &mut std::process::Command,
    cp: &ControlPlane,
    args: &[&str],
) -> std::process::Output {
    run(cmd
        .args(["describe", "cluster"])
        .args(args)
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .args(["-n", NAMESPACE]))
}

/// Both tools on the same arguments: same exit status, same stdout.
fn assert_same(cp: &ControlPlane, home: &Path, args: &[&str]) -> String {
    let ours = describe(&mut capictl_std(home), cp, args);
    let theirs = describe(&mut clusterctl(home), cp, args);
    assert_eq!(
        stdout(&ours),
        stdout(&theirs),
        "describe cluster {args:?}: capictl (left) and clusterctl (right) differ\n--- capictl\n{}\n--- clusterctl\n{}",
        stdout(&ours),
        stdout(&theirs)
    );
    assert_eq!(
        ours.status.success(),
        theirs.status.success(),
        "{}\n{}",
        stderr(&ours),
        stderr(&theirs)
    );
    stdout(&ours)
}

#[test]
fn describe_cluster_prints_what_clusterctl_prints() {
    let cp = ControlPlane::start("describe");
    let home = tempfile::tempdir().unwrap();
    management_cluster(&cp, home.path());
    for cluster in ["healthy-1", "failing-1", "scaling-1"] {
        let table = assert_same(&cp, home.path(), &[cluster]);
        assert!(table.contains(&format!("Cluster/{cluster}")), "{table}");
        for flags in [
            &["--show-conditions", "all"][..],
            &["--show-conditions", "Machine+,KubeadmControlPlane"],
            &["--grouping=false"],
            &["--echo"],
            &["--show-machinesets", "--show-templates"],
            &["--show-resourcesets"],
        ] {
            let mut args = vec![cluster];
            args.extend_from_slice(flags);
            assert_same(&cp, home.path(), &args);
        }
    }
    let failing = assert_same(&cp, home.path(), &["failing-1"]);
    assert!(failing.contains("NotReady"), "{failing}");

    // Beyond clusterctl: the same tree as JSON, rows in print order.
    let out = describe(
        &mut capictl_std(home.path()),
        &cp,
        &["failing-1", "-o", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let tree: Value = serde_json::from_slice(&out.stdout).unwrap();
    let root = &tree["root"];
    assert_eq!(
        (root["kind"].as_str(), root["role"].as_str()),
        (Some("Cluster"), Some("cluster"))
    );
    let rows: Vec<&str> = root["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["metaName"]
                .as_str()
                .unwrap_or_else(|| c["name"].as_str().unwrap())
        })
        .collect();
    assert_eq!(rows, ["ClusterInfrastructure", "ControlPlane", "Workers"]);
    let deployment = &root["children"][2]["children"][0];
    assert_eq!(deployment["summary"]["reason"], "NotAvailable");
    let machines = deployment["children"].as_array().unwrap();
    assert_eq!(machines.len(), 2, "{deployment}");
    assert_eq!(machines[0]["summary"]["status"], "False");
    assert_eq!(
        machines[0]["children"][0]["metaName"],
        "MachineInfrastructure"
    );
}

#[test]
fn describe_cluster_errors_like_clusterctl() {
    let cp = ControlPlane::start("describe-errors");
    let home = tempfile::tempdir().unwrap();
    management::init_management(&cp, home.path());
    let ours = describe(&mut capictl_std(home.path()), &cp, &["no-such-cluster"]);
    let theirs = describe(&mut clusterctl(home.path()), &cp, &["no-such-cluster"]);
    assert!(!ours.status.success() && !theirs.status.success());
    assert_eq!(stderr(&ours), stderr(&theirs));
    let ours = run(capictl_std(home.path()).args(["describe", "cluster"]));
    assert_eq!(stderr(&ours), "Error: please specify a cluster name\n");
}

#[test]
fn describe_cluster_reports_an_unreachable_cluster() {
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n",
    )
    .unwrap();
    let out = run(capictl_std(home.path())
        .args(["describe", "cluster", "c1", "--kubeconfig"])
        .arg(&kubeconfig));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.starts_with("Error: failed to check Cluster API version"),
        "{err}"
    );
}
