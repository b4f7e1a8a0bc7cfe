//! `capictl move` between two real local control planes, both initialized by `capictl init`,
//! on the workload of `tests/support/workload/` (25 objects per cluster, with status and
//! finalizers as Cluster API leaves them). Each test shares one source and one target and
//! uses a namespace per scenario.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use support::management::{counts, create_clusters, init_management, objects, owner_graph};
use support::workload::{self, MOVED_KINDS};
use support::*;

/// A source and a target, initialized in parallel.
fn pair(tag: &str, home: &Path) -> (ControlPlane, ControlPlane) {
    let source = ControlPlane::start(&format!("{tag}-src"));
    let target = ControlPlane::start(&format!("{tag}-dst"));
    std::thread::scope(|s| {
        s.spawn(|| init_management(&source, home));
        s.spawn(|| init_management(&target, home));
    });
    (source, target)
}

fn move_cmd(home: &Path, source: &ControlPlane, target: &ControlPlane, ns: &str) -> Command {
    let mut cmd = capictl_std(home);
    cmd.arg("move")
        .arg("--kubeconfig")
        .arg(source.kubeconfig())
        .arg("--to-kubeconfig")
        .arg(target.kubeconfig())
        .args(["-n", ns]);
    cmd
}

fn zero_counts() -> Vec<(&'static str, usize)> {
    workload::expected_counts(0)
}

/// Objects of every moved kind, by `Kind/name`, that neither cluster holds.
fn missing_on_both(
    source: &ControlPlane,
    target: &ControlPlane,
    ns: &str,
    expected: &BTreeSet<String>,
) -> Vec<String> {
    let mut seen: BTreeSet<String> = objects(source, ns).iter().map(management_id).collect();
    seen.extend(objects(target, ns).iter().map(management_id));
    expected.difference(&seen).cloned().collect()
}

fn management_id(o: &Value) -> String {
    support::management::id(o)
}

/// The Clusters of `ns` on `cp`, with `spec.paused` and the annotations that matter here.
fn cluster_pause_state(cp: &ControlPlane, ns: &str) -> Vec<(String, bool, bool)> {
    objects(cp, ns)
        .iter()
        .filter(|o| o["kind"] == "Cluster")
        .map(|o| {
            (
                o["metadata"]["name"].as_str().unwrap().to_string(),
                o["spec"]["paused"] == true,
                o["metadata"]["annotations"]["capictl.cluster.x-k8s.io/move-paused"].is_string(),
            )
        })
        .collect()
}

/// Asserts the namespace moved whole: the target holds the source's objects with the same
/// ownership (every ownerReference pointing at a target UID), unpaused; the source is empty.
fn assert_moved(
    source: &ControlPlane,
    target: &ControlPlane,
    ns: &str,
    clusters: usize,
    graph_before: &BTreeMap<String, BTreeSet<String>>,
) {
    assert_eq!(counts(target, ns), workload::expected_counts(clusters));
    assert_eq!(counts(source, ns), zero_counts(), "left on the source");
    assert_eq!(&owner_graph(target, ns), graph_before);
    for (name, paused, marked) in cluster_pause_state(target, ns) {
        assert!(
            !paused && !marked,
            "Cluster {name} still paused on the target"
        );
    }
    for o in objects(target, ns) {
        assert!(
            o["metadata"]["annotations"]["capictl.cluster.x-k8s.io/moved-from"].is_string(),
            "{} carries no moved-from annotation",
            management_id(&o)
        );
    }
}

/// Starts a move that stops at `hold` (CAPICTL_TEST_HOLD_AT) and returns once it holds there.
fn start_held(mut cmd: Command, hold: &str, log: &Path) -> Child {
    let file = std::fs::File::create(log).unwrap();
    let child = cmd
        .env("CAPICTL_TEST_HOLD_AT", hold)
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .unwrap();
    eventually(&format!("the move to hold at {hold}"), || {
        let mut text = String::new();
        std::fs::File::open(log)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(!text.contains("Error:"), "the held move failed: {text}");
        text.contains("Holding at")
    });
    child
}

#[test]
fn move_pivots_dry_runs_resumes_after_a_kill_and_moves_a_subset() {
    let home = tempfile::tempdir().unwrap();
    let (source, target) = pair("move-pivot", home.path());

    // A dry run reports the groups and writes nothing.
    create_clusters(&source, "pivot", "c", 2);
    let before = owner_graph(&source, "pivot");
    let out =
        run(move_cmd(home.path(), &source, &target, "pivot").args(["--dry-run", "-o", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("This is a dry-run move, will not perform any real action"),
        "{}",
        stderr(&out)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let groups: Vec<Vec<String>> = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g.as_array()
                .unwrap()
                .iter()
                .map(|o| {
                    format!(
                        "{}/{}",
                        o["kind"].as_str().unwrap(),
                        o["name"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .collect();
    assert_eq!(groups[0], ["Cluster/c-1", "Cluster/c-2"]);
    assert_eq!(
        groups.iter().map(Vec::len).sum::<usize>(),
        2 * workload::objects_per_cluster()
    );
    assert_eq!(report["leftOut"], json!([]));
    // An object sits in a later group than each of its owners.
    let position: BTreeMap<&str, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| g.iter().map(move |id| (id.as_str(), i)))
        .collect();
    for (object, owners) in &before {
        for owner in owners {
            let owner = owner.trim_end_matches('*');
            assert!(
                position[owner] < position[object.as_str()],
                "{owner} after {object}"
            );
        }
    }
    assert_eq!(counts(&target, "pivot"), zero_counts());
    assert!(
        cluster_pause_state(&source, "pivot")
            .iter()
            .all(|(_, p, m)| !p && !m)
    );

    // The pivot.
    let out = run(&mut move_cmd(home.path(), &source, &target, "pivot"));
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    for line in [
        "Performing move...",
        "Discovering Cluster API objects",
        "Moving Cluster API objects Clusters=2",
        "Moving Cluster API objects ClusterClasses=0",
        "Waiting for all resources to be ready to move",
        "Creating objects in the target cluster",
        "Deleting objects from the source cluster",
    ] {
        assert!(log.contains(line), "missing {line:?} in:\n{log}");
    }
    assert_moved(&source, &target, "pivot", 2, &before);

    // Killed at each of the five points, then completed by the same command.
    for hold in ["paused", "creating:7", "created", "deleting:9", "deleted"] {
        let ns = format!("kill-{}", hold.split(':').next().unwrap());
        create_clusters(&source, &ns, "k", 1);
        let before = owner_graph(&source, &ns);
        let expected: BTreeSet<String> = before.keys().cloned().collect();
        let log = home.path().join(format!("{ns}.log"));
        let mut child = start_held(move_cmd(home.path(), &source, &target, &ns), hold, &log);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(
            missing_on_both(&source, &target, &ns, &expected),
            Vec::<String>::new(),
            "killed at {hold}: objects on neither cluster"
        );
        let out = run(&mut move_cmd(home.path(), &source, &target, &ns));
        assert!(
            out.status.success(),
            "re-run after {hold}: {}",
            stderr(&out)
        );
        assert_moved(&source, &target, &ns, 1, &before);
    }

    // A subset: two of three clusters; the third stays, unpaused.
    create_clusters(&source, "subset", "s", 3);
    let out = run(move_cmd(home.path(), &source, &target, "subset").args([
        "--filter-cluster",
        "s-1",
        "--filter-cluster",
        "s-3",
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(counts(&target, "subset"), workload::expected_counts(2));
    assert_eq!(counts(&source, "subset"), workload::expected_counts(1));
    assert!(
        objects(&source, "subset")
            .iter()
            .all(|o| o["metadata"]["name"].as_str().unwrap().starts_with("s-2")),
        "only s-2's objects stay"
    );
    assert_eq!(
        cluster_pause_state(&source, "subset"),
        [("s-2".to_string(), false, false)]
    );
    let out =
        run(move_cmd(home.path(), &source, &target, "subset").args(["--filter-cluster", "nope"]));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cluster \"nope\" not found in namespace \"subset\""),
        "{}",
        stderr(&out)
    );

    // Refusals before anything is written: an object already on the target, a paused
    // Cluster, a Machine without a Node, an older provider on the target.
    create_clusters(&source, "conflict", "x", 1);
    target.block_on(async {
        let c = target.client().await;
        workload::ensure_namespace(&c, "conflict").await.unwrap();
        apply_yaml(
            &c,
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x-1-ca\n  namespace: conflict\n",
        )
        .await;
    });
    let out = run(&mut move_cmd(home.path(), &source, &target, "conflict"));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("1 object already exist in the target cluster and were not created by a move from this source: Secret conflict/x-1-ca"),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&target, "conflict")[10], ("Secret", 1));
    assert!(
        cluster_pause_state(&source, "conflict")
            .iter()
            .all(|(_, p, m)| !p && !m)
    );

    create_clusters(&source, "userpaused", "u", 1);
    source.block_on(async {
        let c = source.client().await;
        workload::kind("Cluster")
            .api(&c, "userpaused")
            .patch(
                "u-1",
                &Default::default(),
                &kube::api::Patch::Merge(json!({"spec": {"paused": true}})),
            )
            .await
            .unwrap();
        workload::kind("Machine")
            .api(&c, "userpaused")
            .list(&Default::default())
            .await
            .unwrap();
    });
    let out = run(&mut move_cmd(home.path(), &source, &target, "userpaused"));
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out)
            .lines()
            .filter(|l| l.starts_with("Error:") || l.starts_with("Hint:"))
            .collect::<Vec<_>>(),
        [
            "Error: cannot start operation while the following Clusters are paused: userpaused/u-1",
            "Hint: resume these Clusters (set spec.paused to false and remove the cluster.x-k8s.io/paused annotation) or move another namespace, then run the move again"
        ]
    );

    create_clusters(&source, "provisioning", "p", 1);
    let machine = source.block_on(async {
        let c = source.client().await;
        let api = workload::kind("Machine").api(&c, "provisioning");
        let name = api.list(&Default::default()).await.unwrap().items[0]
            .metadata
            .name
            .clone()
            .unwrap();
        api.patch_status(
            &name,
            &Default::default(),
            &kube::api::Patch::Merge(json!({"status": {"nodeRef": null}})),
        )
        .await
        .unwrap();
        name
    });
    let out = run(&mut move_cmd(home.path(), &source, &target, "provisioning"));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "Error: failed to get object graph: failed to check for provisioned infrastructure: cannot start the move operation while \"cluster.x-k8s.io/v1beta2, Kind=Machine\" provisioning/{machine} is still provisioning the node"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&target, "provisioning"), zero_counts());

    let set_docker_version = |version: &str| {
        target.block_on(async {
            let c = target.client().await;
            let api: kube::Api<kube::api::DynamicObject> = kube::Api::namespaced_with(
                c,
                "capd-system",
                &kube::api::ApiResource::from_gvk_with_plural(
                    &kube::api::GroupVersionKind::gvk(
                        "clusterctl.cluster.x-k8s.io",
                        "v1alpha3",
                        "Provider",
                    ),
                    "providers",
                ),
            );
            api.patch(
                "infrastructure-docker",
                &Default::default(),
                &kube::api::Patch::Merge(json!({"version": version})),
            )
            .await
            .unwrap();
        })
    };
    set_docker_version("v1.12.4");
    let out = run(&mut move_cmd(home.path(), &source, &target, "provisioning"));
    set_docker_version("v1.13.5");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("Error: failed to check providers in target cluster: provider infrastructure-docker in the target cluster is older than in the source cluster (source: 1.13.5, target: 1.12.4)"),
        "{}",
        stderr(&out)
    );
}

/// The objects of a backup file for comparison across runs: the fields a pause and an
/// unpause change (resourceVersion, managedFields, generation) removed.
fn comparable(text: &str) -> Value {
    let mut v: Value = serde_json::from_str(text).unwrap();
    let meta = v["metadata"].as_object_mut().unwrap();
    for field in ["resourceVersion", "managedFields", "generation"] {
        meta.remove(field);
    }
    v
}

fn backup_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn move_backups_restore_across_capictl_and_clusterctl() {
    use std::os::unix::fs::PermissionsExt;

    let home = tempfile::tempdir().unwrap();
    let (source, target) = pair("move-backup", home.path());
    for ns in ["bk1", "bk2", "bk3"] {
        create_clusters(&source, ns, ns, 1);
    }
    let dir = |name: &str| {
        let d = home.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let backup = |tool: &mut Command, ns: &str, to: &Path| {
        let out = run(tool
            .arg("move")
            .arg("--kubeconfig")
            .arg(source.kubeconfig())
            .args(["-n", ns, "--to-directory"])
            .arg(to));
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let restore = |tool: &mut Command, from: &Path| {
        let out = run(tool
            .arg("move")
            .arg("--from-directory")
            .arg(from)
            .arg("--to-kubeconfig")
            .arg(target.kubeconfig()));
        assert!(out.status.success(), "{}", stderr(&out));
    };

    // The same namespace backed up by both tools: the same files, the same objects.
    let (ours, theirs) = (dir("bk1-capictl"), dir("bk1-clusterctl"));
    backup(&mut capictl_std(home.path()), "bk1", &ours);
    backup(&mut clusterctl(home.path()), "bk1", &theirs);
    let (ours_files, theirs_files) = (backup_files(&ours), backup_files(&theirs));
    assert_eq!(
        ours_files.keys().collect::<Vec<_>>(),
        theirs_files.keys().collect::<Vec<_>>()
    );
    assert_eq!(ours_files.len(), workload::objects_per_cluster());
    for (name, text) in &ours_files {
        assert_eq!(comparable(text), comparable(&theirs_files[name]), "{name}");
        // Compact JSON, keys sorted, one trailing newline, as Go's encoder writes it.
        let reencoded = capictl::ops::r#move::directory::backup_file_content(
            &serde_json::from_str(text).unwrap(),
        );
        assert_eq!(text, &reencoded, "{name}");
        let mode = std::fs::metadata(ours.join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    let cluster_file = &ours_files["Cluster_bk1_bk1-1.yaml"];
    assert!(cluster_file.contains("\"paused\":true"), "{cluster_file}");
    let saved: Value = serde_json::from_str(cluster_file).unwrap();
    assert!(
        saved["metadata"]["annotations"]["capictl.cluster.x-k8s.io/move-paused"].is_null(),
        "{cluster_file}"
    );
    // A backup leaves the source as it was, unpaused.
    assert_eq!(counts(&source, "bk1"), workload::expected_counts(1));
    assert!(
        cluster_pause_state(&source, "bk1")
            .iter()
            .all(|(_, p, m)| !p && !m)
    );

    // clusterctl restores capictl's backup; capictl restores clusterctl's, and its own.
    let graph = |ns: &str| owner_graph(&source, ns);
    restore(&mut clusterctl(home.path()), &ours);
    let (bk2_theirs, bk3_ours) = (dir("bk2-clusterctl"), dir("bk3-capictl"));
    backup(&mut clusterctl(home.path()), "bk2", &bk2_theirs);
    restore(&mut capictl_std(home.path()), &bk2_theirs);
    backup(&mut capictl_std(home.path()), "bk3", &bk3_ours);
    restore(&mut capictl_std(home.path()), &bk3_ours);
    for ns in ["bk1", "bk2", "bk3"] {
        assert_eq!(counts(&target, ns), workload::expected_counts(1), "{ns}");
        assert_eq!(owner_graph(&target, ns), graph(ns), "{ns}");
        assert!(
            cluster_pause_state(&target, ns)
                .iter()
                .all(|(_, p, m)| !p && !m),
            "{ns} paused on the target"
        );
    }
    // Restoring again changes nothing.
    restore(&mut capictl_std(home.path()), &bk3_ours);
    assert_eq!(counts(&target, "bk3"), workload::expected_counts(1));
}

#[test]
fn move_failures_name_the_object_and_lose_nothing() {
    let home = tempfile::tempdir().unwrap();

    // Flag errors, before any connection.
    let out = run(capictl_std(home.path()).arg("move"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("please specify a target cluster using the --to-kubeconfig flag when not using --dry-run, --to-directory or --from-directory"), "{}", stderr(&out));
    let out = run(capictl_std(home.path()).args([
        "move",
        "--to-directory",
        "/tmp",
        "--to-kubeconfig",
        "x",
    ]));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("[to-directory to-kubeconfig]"),
        "{}",
        stderr(&out)
    );
    let out =
        run(capictl_std(home.path()).args(["move", "--dry-run", "--hide-api-warnings", "some"]));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "set of API warnings \"some\" is unknown; choose \"default\", \"all\", or \"none\""
        ),
        "{}",
        stderr(&out)
    );

    let (source, target) = pair("move-fail", home.path());

    // Backup directories: missing, and holding a file that is not an object.
    let missing = home.path().join("no-such-dir");
    let out = run(capictl_std(home.path())
        .arg("move")
        .arg("--kubeconfig")
        .arg(source.kubeconfig())
        .arg("--to-directory")
        .arg(&missing));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(missing.to_str().unwrap()),
        "{}",
        stderr(&out)
    );
    let junk = home.path().join("junk");
    std::fs::create_dir_all(&junk).unwrap();
    std::fs::write(junk.join("notes.txt"), "just some notes\n").unwrap();
    let out = run(capictl_std(home.path())
        .arg("move")
        .arg("--from-directory")
        .arg(&junk)
        .arg("--to-kubeconfig")
        .arg(target.kubeconfig()));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("notes.txt"), "{}", stderr(&out));

    // A block-move annotation that is never removed: one overall timeout, nothing written.
    create_clusters(&source, "blocked", "b", 1);
    let machine = |cp: &ControlPlane, ns: &str| {
        cp.block_on(async {
            let c = cp.client().await;
            workload::kind("Machine")
                .api(&c, ns)
                .list(&Default::default())
                .await
                .unwrap()
                .items[0]
                .metadata
                .name
                .clone()
                .unwrap()
        })
    };
    let blocked = machine(&source, "blocked");
    let annotate = |value: Option<&str>| {
        source.block_on(async {
            let c = source.client().await;
            workload::kind("Machine")
                .api(&c, "blocked")
                .patch(
                    &blocked,
                    &Default::default(),
                    &kube::api::Patch::Merge(json!({"metadata": {"annotations": {"clusterctl.cluster.x-k8s.io/block-move": value}}})),
                )
                .await
                .unwrap();
        })
    };
    annotate(Some(""));
    let out = run(
        move_cmd(home.path(), &source, &target, "blocked").args(["--block-move-timeout", "2s"])
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("move blocked: after 2s these objects still have the clusterctl.cluster.x-k8s.io/block-move annotation: Machine blocked/{blocked}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&target, "blocked"), zero_counts());
    assert!(
        cluster_pause_state(&source, "blocked")
            .iter()
            .all(|(_, p, m)| !p && !m),
        "not unpaused"
    );
    // Removed while the move waits: it carries on.
    let child = move_cmd(home.path(), &source, &target, "blocked")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    annotate(None);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Move blocked by clusterctl.cluster.x-k8s.io/block-move annotation, waiting for it to be removed"));
    assert_eq!(counts(&target, "blocked"), workload::expected_counts(1));

    // An admission policy on the target refuses MachineDeployments: the move stops after
    // creating what it could, deletes nothing, and the same command finishes once it is gone.
    create_clusters(&source, "refused", "r", 1);
    let before = owner_graph(&source, "refused");
    target.block_on(async {
        apply_yaml(&target.client().await, REFUSE_MACHINE_DEPLOYMENTS).await;
    });
    std::thread::sleep(Duration::from_secs(2)); // policies take a moment to load
    let out = run(&mut move_cmd(home.path(), &source, &target, "refused"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("Error: failed to create objects in the target cluster: MachineDeployment refused/r-1-md-0"), "{err}");
    assert!(err.contains("no MachineDeployments here"), "{err}");
    assert!(
        err.contains("run the same command again to finish the move"),
        "{err}"
    );
    assert_eq!(counts(&source, "refused"), workload::expected_counts(1));
    target.block_on(async {
        let c = target.client().await;
        for (kind, name) in [
            ("ValidatingAdmissionPolicyBinding", "refuse-md"),
            ("ValidatingAdmissionPolicy", "refuse-md"),
        ] {
            let api: kube::Api<kube::api::DynamicObject> = kube::Api::all_with(
                c.clone(),
                &kube::api::ApiResource::from_gvk(&kube::api::GroupVersionKind::gvk(
                    "admissionregistration.k8s.io",
                    "v1",
                    kind,
                )),
            );
            api.delete(name, &Default::default()).await.unwrap();
        }
    });
    std::thread::sleep(Duration::from_secs(2));
    let out = run(&mut move_cmd(home.path(), &source, &target, "refused"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_moved(&source, &target, "refused", 1, &before);

    // The target's API server goes away in the middle of creating and comes back: the
    // move retries and completes by itself.
    create_clusters(&source, "lost", "l", 1);
    let before = owner_graph(&source, "lost");
    let log = home.path().join("lost.log");
    let mut cmd = move_cmd(home.path(), &source, &target, "lost");
    let child = start_held(
        {
            cmd.env("CAPICTL_TEST_HOLD_AT", "creating:5:4");
            cmd
        },
        "creating:5:4",
        &log,
    );
    target.stop_apiserver();
    std::thread::sleep(Duration::from_secs(5));
    target.start_apiserver();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        std::fs::read_to_string(&log).unwrap()
    );
    assert_moved(&source, &target, "lost", 1, &before);

    // An ownerReference cycle: refused before anything is written.
    create_clusters(&source, "cycle", "y", 1);
    source.block_on(async {
        let c = source.client().await;
        let api = workload::kind("DockerMachineTemplate").api(&c, "cycle");
        let list = api.list(&Default::default()).await.unwrap().items;
        let (a, b) = (&list[0], &list[1]);
        let reference = |o: &kube::api::DynamicObject| {
            json!({"apiVersion": "infrastructure.cluster.x-k8s.io/v1beta2", "kind": "DockerMachineTemplate",
                   "name": o.metadata.name, "uid": o.metadata.uid})
        };
        for (obj, owner) in [(a, b), (b, a)] {
            let mut refs = obj.metadata.owner_references.clone().unwrap_or_default();
            refs.retain(|r| r.kind == "Cluster");
            let mut refs: Vec<Value> = refs.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
            refs.push(reference(owner));
            api.patch(
                obj.metadata.name.as_deref().unwrap(),
                &Default::default(),
                &kube::api::Patch::Merge(json!({"metadata": {"ownerReferences": refs}})),
            )
            .await
            .unwrap();
        }
    });
    let out = run(&mut move_cmd(home.path(), &source, &target, "cycle"));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ownerReferences form a cycle: DockerMachineTemplate cycle/"),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&target, "cycle"), zero_counts());
    assert!(
        cluster_pause_state(&source, "cycle")
            .iter()
            .all(|(_, p, m)| !p && !m)
    );

    // An object whose owner does not move stays behind, and the move says so.
    create_clusters(&source, "leftout", "o", 1);
    source.block_on(async {
        let c = source.client().await;
        apply_yaml(
            &c,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-moved\n  namespace: leftout\n",
        )
        .await;
        let owner = get_object(&c, "v1", "ConfigMap", "leftout", "not-moved")
            .await
            .unwrap();
        let cluster = get_object(&c, "cluster.x-k8s.io/v1beta2", "Cluster", "leftout", "o-1")
            .await
            .unwrap();
        let reference = |o: &Value, kind: &str, api_version: &str| {
            json!({"apiVersion": api_version, "kind": kind,
                   "name": o["metadata"]["name"], "uid": o["metadata"]["uid"]})
        };
        let secret = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "shared-secret", "namespace": "leftout", "ownerReferences": [
                reference(&cluster, "Cluster", "cluster.x-k8s.io/v1beta2"),
                reference(&owner, "ConfigMap", "v1")]}});
        apply_yaml(&c, &serde_json::to_string(&secret).unwrap()).await;
    });
    let out = run(&mut move_cmd(home.path(), &source, &target, "leftout"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Not moved: Secret leftout/shared-secret: its owner ConfigMap leftout/not-moved does not move"),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&target, "leftout"), workload::expected_counts(1));
    assert!(
        source
            .block_on(async {
                get_object(
                    &source.client().await,
                    "v1",
                    "Secret",
                    "leftout",
                    "shared-secret",
                )
                .await
            })
            .is_some(),
        "the Secret stays on the source"
    );
    let _ = MOVED_KINDS.len();
}

/// A ValidatingAdmissionPolicy (CEL in the API server itself: no webhook Pod needed) that
/// refuses every MachineDeployment.
const REFUSE_MACHINE_DEPLOYMENTS: &str = "apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: refuse-md
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [cluster.x-k8s.io]
      apiVersions: ['*']
      operations: [CREATE]
      resources: [machinedeployments]
  validations:
  - expression: 'false'
    message: no MachineDeployments here
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: refuse-md
spec:
  policyName: refuse-md
  validationActions: [Deny]
";
