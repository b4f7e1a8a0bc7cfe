//! capictl and upstream clusterctl v1.13.5 on the same management clusters: the same `init`
//! output, each reading the other's inventory, clusterctl managing a capictl-initialized
//! cluster, and capictl taking over objects clusterctl created.

mod support;

use std::path::Path;

use serde_json::Value;
use support::*;

fn tool_init(
    cmd: &mut std::process::Command,
    cp: &ControlPlane,
    args: &[&str],
) -> std::process::Output {
    run(cmd
        .arg("init")
        .arg("--config")
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .args(args))
}

fn inventory(cp: &ControlPlane) -> Vec<Value> {
    cp.block_on(async {
        let c = cp.client().await;
        let mut items =
            list_objects(&c, "clusterctl.cluster.x-k8s.io/v1alpha3", "Provider", "").await;
        items.sort_by_key(|p| p["metadata"]["name"].as_str().unwrap().to_string());
        items
    })
}

/// The parts of an inventory entry both tools must write identically.
fn essence(entry: &Value) -> Value {
    serde_json::json!({
        "name": entry["metadata"]["name"],
        "namespace": entry["metadata"]["namespace"],
        "labels": entry["metadata"]["labels"],
        "annotations": entry["metadata"]["annotations"],
        "providerName": entry["providerName"],
        "type": entry["type"],
        "version": entry["version"],
    })
}

#[test]
fn both_tools_print_the_same_init_log_and_read_each_others_inventory() {
    let by_clusterctl = ControlPlane::start("interop-cc");
    let by_capictl = ControlPlane::start("interop-cap");
    let home = tempfile::tempdir().unwrap();

    let upstream = tool_init(
        &mut clusterctl(home.path()),
        &by_clusterctl,
        &["-i", "docker"],
    );
    assert!(upstream.status.success());
    let ours = tool_init(
        &mut capictl_std(home.path()),
        &by_capictl,
        &["-i", "docker"],
    );
    assert!(ours.status.success());
    assert_eq!(
        stderr(&ours),
        stderr(&upstream),
        "same log lines as clusterctl"
    );
    assert_eq!(stderr(&ours), first_init_log(&FOUR_PROVIDERS));
    assert_eq!(stdout(&ours), stdout(&upstream));

    let theirs: Vec<Value> = inventory(&by_clusterctl).iter().map(essence).collect();
    let mine: Vec<Value> = inventory(&by_capictl).iter().map(essence).collect();
    assert_eq!(mine, theirs, "same inventory entries");

    // Each tool sees the other's cluster as initialized: re-runs do nothing.
    let noop = "Fetching providers\nSkipping installing cert-manager as it is already installed\n";
    // Each init deleted its cert-manager-test namespace; the next check must not find it
    // terminating.
    by_clusterctl.wait_namespaces_settled();
    by_capictl.wait_namespaces_settled();
    let rerun = tool_init(
        &mut capictl_std(home.path()),
        &by_clusterctl,
        &["-i", "docker"],
    );
    assert!(rerun.status.success());
    assert_eq!(stderr(&rerun), noop);
    let rerun = tool_init(&mut clusterctl(home.path()), &by_capictl, &["-i", "docker"]);
    assert!(rerun.status.success());
    assert_eq!(stderr(&rerun), noop);

    // Both list the same images on both clusters.
    for cp in [&by_clusterctl, &by_capictl] {
        let a = run(capictl_std(home.path())
            .args(["init", "list-images", "-i", "docker", "--config"])
            .arg(shared_config())
            .arg("--kubeconfig")
            .arg(cp.kubeconfig()));
        let b = run(clusterctl(home.path())
            .args(["init", "list-images", "-i", "docker", "--config"])
            .arg(shared_config())
            .arg("--kubeconfig")
            .arg(cp.kubeconfig()));
        assert!(a.status.success() && b.status.success());
        assert_eq!(stdout(&a), stdout(&b));
    }

    // Both generate the same workload cluster from the inventory's defaults.
    for cp in [&by_clusterctl, &by_capictl] {
        let args = [
            "generate",
            "cluster",
            "demo",
            "--flavor",
            "development",
            "--kubernetes-version",
            "v1.35.0",
            "--config",
        ];
        let a = run(capictl_std(home.path())
            .args(args)
            .arg(shared_config())
            .arg("--kubeconfig")
            .arg(cp.kubeconfig()));
        let b = run(clusterctl(home.path())
            .args(args)
            .arg(shared_config())
            .arg("--kubeconfig")
            .arg(cp.kubeconfig()));
        assert!(a.status.success(), "{}", stderr(&a));
        assert_eq!(stdout(&a), stdout(&b));
    }
}

#[test]
fn clusterctl_plans_upgrades_and_deletes_providers_capictl_installed() {
    let cp = ControlPlane::start("interop-manage");
    let home = tempfile::tempdir().unwrap();
    assert!(
        tool_init(&mut capictl_std(home.path()), &cp, &["-i", "docker"])
            .status
            .success()
    );

    let plan = run(clusterctl(home.path())
        .args(["upgrade", "plan", "--config"])
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(plan.status.success());
    let text = stdout(&plan);
    for (label, version, ns) in FOUR_PROVIDERS {
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("no {label} in the plan:\n{text}"));
        assert!(row.contains(ns) && row.contains(version), "{row}");
    }
    assert!(text.contains("You are already up to date!"), "{text}");
    assert!(
        text.contains("Cert-Manager is already up to date"),
        "{text}"
    );

    let delete = run(clusterctl(home.path())
        .args(["delete", "--all", "--config"])
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(delete.status.success());
    assert!(
        inventory(&cp).is_empty(),
        "clusterctl removed every inventory entry"
    );
    cp.block_on(async {
        let c = cp.client().await;
        for (_, _, ns) in FOUR_PROVIDERS {
            assert!(
                list_objects(&c, "apps/v1", "Deployment", ns)
                    .await
                    .is_empty(),
                "{ns}"
            );
        }
    });

    // And capictl installs again on the cluster clusterctl cleaned.
    let again = tool_init(&mut capictl_std(home.path()), &cp, &["-i", "docker"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(inventory(&cp).len(), 4);
}

#[test]
fn capictl_takes_over_fields_clusterctl_owns() {
    let cp = ControlPlane::start("interop-takeover");
    let home = tempfile::tempdir().unwrap();
    assert!(
        tool_init(&mut clusterctl(home.path()), &cp, &["-b", "-", "-c", "-"])
            .status
            .success()
    );
    let deployment = |cp: &ControlPlane| {
        cp.block_on(async {
            let c = cp.client().await;
            get_object(
                &c,
                "apps/v1",
                "Deployment",
                "capi-system",
                "capi-controller-manager",
            )
            .await
            .unwrap()
        })
    };
    let before = deployment(&cp);
    let managers = |d: &Value| -> Vec<String> {
        d["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                format!(
                    "{}/{}",
                    m["manager"].as_str().unwrap(),
                    m["operation"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        managers(&before),
        ["clusterctl/Update"],
        "clusterctl creates without apply"
    );
    assert_eq!(
        before["metadata"]["labels"]["control-plane"],
        "controller-manager"
    );

    // capictl applies the core provider's Deployment without one of its labels, as a newer
    // release of the manifest would.
    let (live, objects) = cp.block_on(async {
        let client = library_client(home.path()).await;
        let components = client
            .generate_provider(capictl::GenerateProviderOptions {
                provider_type: capictl::ProviderType::Core,
                provider: "cluster-api:v1.13.5".into(),
                target_namespace: None,
                skip_template_process: false,
            })
            .await
            .unwrap();
        let mut d = components
            .objects
            .iter()
            .find(|o| o["kind"] == "Deployment")
            .unwrap()
            .clone();
        d["metadata"]["labels"]
            .as_object_mut()
            .unwrap()
            .remove("control-plane");
        let cluster = capictl::cluster::ManagementCluster::connect(
            &capictl::KubeconfigSelector {
                path: Some(cp.kubeconfig().to_path_buf()),
                context: None,
            },
            &capictl::Env::default(),
        )
        .await
        .unwrap();
        let live = cluster
            .apply_object(
                &d,
                &capictl::cluster::ApplyJob {
                    subject: "cluster-api",
                    error_prefix: "failed to create provider object",
                    progress: &capictl::NoProgress,
                },
            )
            .await
            .unwrap();
        (live, components.objects)
    });
    assert!(
        live["metadata"]["labels"]["control-plane"].is_null(),
        "the dropped label is gone"
    );
    let after = deployment(&cp);
    assert!(after["metadata"]["labels"]["control-plane"].is_null());
    assert_eq!(managers(&after), ["capictl/Apply"]);
    assert_eq!(
        after["spec"]["template"]["spec"]["containers"][0]["image"],
        before["spec"]["template"]["spec"]["containers"][0]["image"]
    );
    assert!(objects.len() > 20);

    // clusterctl still reads the cluster, and capictl's init over it is a no-op.
    let rerun = run(capictl_std(home.path())
        .args(["init", "--config"])
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(rerun.status.success());
    let plan = run(clusterctl(home.path())
        .args(["upgrade", "plan", "--config"])
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(plan.status.success());
}

async fn library_client(home: &Path) -> capictl::Client {
    let env = capictl::Env::from_pairs([
        ("HOME", home.to_str().unwrap()),
        (
            "CAPICTL_TESTDATA",
            root().join("testdata").to_str().unwrap(),
        ),
    ]);
    let fetch = capictl::fetch::FetchOptions {
        cache_dir: Some(home.join(".cache/capictl")),
        ..Default::default()
    };
    capictl::Client::new(capictl::ClientOptions {
        config: capictl::ConfigSource::from_flag(shared_config().to_str().unwrap()),
        env,
        fetch,
    })
    .await
    .unwrap()
}

/// `TOOL ARGS --config <shared> --kubeconfig CP`.
fn tool(cmd: &mut std::process::Command, cp: &ControlPlane, args: &[&str]) -> std::process::Output {
    run(cmd
        .args(args)
        .arg("--config")
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()))
}

/// clusterctl's log without the API server's deprecation warnings for v1 Endpoints, which it
/// lists (and capictl does not: docs/differences.md).
fn without_endpoints_warnings(log: &str) -> String {
    log.lines()
        .filter(|l| !l.starts_with("v1 Endpoints is deprecated"))
        .map(|l| format!("{l}\n"))
        .collect()
}

const OLD_FOUR: [&str; 8] = [
    "--core",
    "cluster-api:v1.12.4",
    "-b",
    "kubeadm:v1.12.4",
    "-c",
    "kubeadm:v1.12.4",
    "-i",
    "docker:v1.12.4",
];

fn versions(cp: &ControlPlane) -> Vec<String> {
    inventory(cp)
        .iter()
        .map(|e| {
            format!(
                "{}={}",
                e["metadata"]["name"].as_str().unwrap(),
                e["version"].as_str().unwrap()
            )
        })
        .collect()
}

fn all_at(version: &str) -> Vec<String> {
    let mut v: Vec<String> = FOUR_PROVIDERS
        .iter()
        .map(|(label, _, _)| format!("{label}={version}"))
        .collect();
    v.sort();
    v
}

#[test]
fn capictl_upgrades_and_deletes_what_clusterctl_installed() {
    let cp = ControlPlane::start("interop-upgrade-cap");
    cp.start_deployment_controller();
    let home = tempfile::tempdir().unwrap();
    let mut init = vec!["init"];
    init.extend(OLD_FOUR);
    assert!(
        tool(&mut clusterctl(home.path()), &cp, &init)
            .status
            .success()
    );

    // Both tools plan the same upgrade, word for word.
    let theirs = tool(&mut clusterctl(home.path()), &cp, &["upgrade", "plan"]);
    let ours = tool(&mut capictl_std(home.path()), &cp, &["upgrade", "plan"]);
    assert!(theirs.status.success() && ours.status.success());
    assert_eq!(stdout(&ours), stdout(&theirs));
    assert_eq!(stderr(&ours), without_endpoints_warnings(&stderr(&theirs)));
    assert!(stdout(&ours).contains("clusterctl upgrade apply --contract v1beta2"));

    let out = tool(
        &mut capictl_std(home.path()),
        &cp,
        &["upgrade", "apply", "--contract", "v1beta2"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(versions(&cp), all_at("v1.13.5"));

    // clusterctl agrees the cluster is up to date, and deletes what capictl upgraded.
    let theirs = tool(&mut clusterctl(home.path()), &cp, &["upgrade", "plan"]);
    assert!(
        stdout(&theirs).contains("You are already up to date!"),
        "{}",
        stdout(&theirs)
    );
    let ours = tool(&mut capictl_std(home.path()), &cp, &["upgrade", "plan"]);
    assert_eq!(stdout(&ours), stdout(&theirs));
    let delete = tool(&mut clusterctl(home.path()), &cp, &["delete", "--all"]);
    assert!(delete.status.success(), "{}", stderr(&delete));
    assert!(inventory(&cp).is_empty());
}

#[test]
fn clusterctl_upgrades_what_capictl_installed_and_capictl_deletes_it() {
    let cp = ControlPlane::start("interop-upgrade-cc");
    cp.start_deployment_controller();
    let home = tempfile::tempdir().unwrap();
    let mut init = vec!["init"];
    init.extend(OLD_FOUR);
    assert!(
        tool(&mut capictl_std(home.path()), &cp, &init)
            .status
            .success()
    );

    let out = tool(
        &mut clusterctl(home.path()),
        &cp,
        &["upgrade", "apply", "--contract", "v1beta2"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(versions(&cp), all_at("v1.13.5"));
    let upstream_log = without_endpoints_warnings(&stderr(&out));

    let plan = tool(&mut capictl_std(home.path()), &cp, &["upgrade", "plan"]);
    assert!(
        stdout(&plan).contains("You are already up to date!"),
        "{}",
        stdout(&plan)
    );

    // The same upgrade by capictl on a second cluster logs what clusterctl logged.
    let twin = ControlPlane::start("interop-upgrade-twin");
    twin.start_deployment_controller();
    assert!(
        tool(&mut capictl_std(home.path()), &twin, &init)
            .status
            .success()
    );
    let ours = tool(
        &mut capictl_std(home.path()),
        &twin,
        &["upgrade", "apply", "--contract", "v1beta2"],
    );
    assert!(ours.status.success());
    assert_eq!(stderr(&ours), upstream_log);

    let delete = tool(
        &mut capictl_std(home.path()),
        &cp,
        &["delete", "--all", "--include-crd", "--include-namespace"],
    );
    assert!(delete.status.success(), "{}", stderr(&delete));
    eventually("an empty inventory", || inventory(&cp).is_empty());
}
