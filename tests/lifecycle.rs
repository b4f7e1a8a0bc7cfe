//! `capictl upgrade plan`, `upgrade apply` and `delete` against a real API server: plans by
//! contract, upgrades by contract and by provider, what is kept and what goes, cert-manager
//! upgrades, the delete matrix, and the errors users can cause.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use support::*;

const OLD: &str = "v1.12.4";
const NEW: &str = "v1.13.5";

/// `capictl ARGS --config testdata/clusterctl.yaml --kubeconfig CP`.
fn capictl_on(cp: &ControlPlane, home: &Path, args: &[&str]) -> std::process::Output {
    run(capictl_std(home)
        .args(args)
        .arg("--config")
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()))
}

/// Installs the four test providers at `version`.
fn init_at(cp: &ControlPlane, home: &Path, version: &str) {
    let core = format!("cluster-api:{version}");
    let kubeadm = format!("kubeadm:{version}");
    let docker = format!("docker:{version}");
    let out = capictl_on(
        cp,
        home,
        &[
            "init", "--core", &core, "-b", &kubeadm, "-c", &kubeadm, "-i", &docker,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Inventory entries as `name=version` in `namespace`, sorted.
fn inventory(cp: &ControlPlane) -> Vec<String> {
    cp.block_on(async {
        let c = cp.client().await;
        let mut items: Vec<String> =
            list_objects(&c, "clusterctl.cluster.x-k8s.io/v1alpha3", "Provider", "")
                .await
                .iter()
                .map(|p| {
                    format!(
                        "{}/{}={}",
                        p["metadata"]["namespace"].as_str().unwrap(),
                        p["metadata"]["name"].as_str().unwrap(),
                        p["version"].as_str().unwrap()
                    )
                })
                .collect();
        items.sort();
        items
    })
}

fn four_at(version: &str) -> Vec<String> {
    let mut v: Vec<String> = FOUR_PROVIDERS
        .iter()
        .map(|(label, _, ns)| format!("{ns}/{label}={version}"))
        .collect();
    v.sort();
    v
}

fn get(cp: &ControlPlane, api_version: &str, kind: &str, ns: &str, name: &str) -> Option<Value> {
    cp.block_on(async {
        let c = cp.client().await;
        get_object(&c, api_version, kind, ns, name).await
    })
}

fn exists(cp: &ControlPlane, api_version: &str, kind: &str, ns: &str, name: &str) -> bool {
    get(cp, api_version, kind, ns, name).is_some()
}

/// Webhook configurations call Services no Pod backs here: without them, custom resources of
/// the provider can be created.
fn remove_webhooks(cp: &ControlPlane, label: &str) {
    cp.block_on(async {
        let c = cp.client().await;
        for kind in [
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ] {
            let api = kube::Api::<kube::api::DynamicObject>::all_with(
                c.clone(),
                &kube::api::ApiResource::from_gvk(&kube::api::GroupVersionKind::gvk(
                    "admissionregistration.k8s.io",
                    "v1",
                    kind,
                )),
            );
            let lp = kube::api::ListParams::default()
                .labels(&format!("cluster.x-k8s.io/provider={label}"));
            for o in api.list(&lp).await.unwrap() {
                api.delete(&o.metadata.name.unwrap(), &Default::default())
                    .await
                    .unwrap();
            }
        }
    });
}

fn apply(cp: &ControlPlane, yaml: &str) {
    cp.block_on(async {
        let c = cp.client().await;
        apply_yaml(&c, yaml).await;
    });
}

const DOCKER_CLUSTER: &str = "apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
kind: DockerCluster
metadata:
  name: dc1
  namespace: default
spec: {}
";

fn plan_text(version: &str, next: &str, footer: &str) -> String {
    format!(
        "Cert-Manager is already up to date


Latest release available for the v1beta2 Cluster API contract version:

NAME                    NAMESPACE                           TYPE                     CURRENT VERSION   NEXT VERSION
bootstrap-kubeadm       capi-kubeadm-bootstrap-system       BootstrapProvider        {version}           {next}
control-plane-kubeadm   capi-kubeadm-control-plane-system   ControlPlaneProvider     {version}           {next}
cluster-api             capi-system                         CoreProvider             {version}           {next}
infrastructure-docker   capd-system                         InfrastructureProvider   {version}           {next}

{footer}
"
    )
}

#[test]
fn upgrade_by_contract_replaces_components_and_keeps_what_users_made() {
    let cp = ControlPlane::start("upgrade-contract");
    cp.start_deployment_controller();
    let home = tempfile::tempdir().unwrap();
    init_at(&cp, home.path(), OLD);
    remove_webhooks(&cp, "infrastructure-docker");
    apply(&cp, DOCKER_CLUSTER);
    // An object the old release had and the new one has not, and one of the user's.
    apply(
        &cp,
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: capd-retired
  namespace: capd-system
  labels:
    clusterctl.cluster.x-k8s.io: ''
    cluster.x-k8s.io/provider: infrastructure-docker
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: user-settings
  namespace: capd-system
",
    );
    let new_crd = "clusterresourcesetbindings.addons.cluster.x-k8s.io";

    let plan = capictl_on(&cp, home.path(), &["upgrade", "plan"]);
    assert!(plan.status.success());
    assert_eq!(
        stdout(&plan),
        plan_text(
            OLD,
            NEW,
            "You can now apply the upgrade by executing the following command:\n\nclusterctl upgrade apply --contract v1beta2\n"
        )
    );
    assert_eq!(
        stderr(&plan),
        "Checking if cert-manager needs upgrade...\nChecking new release availability...\n"
    );

    let apply_out = capictl_on(
        &cp,
        home.path(),
        &["upgrade", "apply", "--contract", "v1beta2"],
    );
    assert!(apply_out.status.success(), "{}", stderr(&apply_out));
    let mut want = String::from(
        "Checking if cert-manager needs upgrade...\nCert-manager is already up to date\nPerforming upgrade...\n",
    );
    for (label, _, ns) in FOUR_PROVIDERS {
        want.push_str(&format!(
            "Scaling down Provider={{\"name\":\"{label}\",\"namespace\":\"{ns}\"}} providerVersion=\"{OLD}\"\n"
        ));
    }
    for (label, _, ns) in FOUR_PROVIDERS {
        want.push_str(&format!(
            "Deleting Provider={{\"name\":\"{label}\",\"namespace\":\"{ns}\"}} providerVersion=\"{OLD}\"\nInstalling provider=\"{label}\" version=\"{NEW}\" targetNamespace=\"{ns}\"\n"
        ));
    }
    assert_eq!(stderr(&apply_out), want);

    assert_eq!(inventory(&cp), four_at(NEW));
    let d = get(
        &cp,
        "apps/v1",
        "Deployment",
        "capd-system",
        "capd-controller-manager",
    )
    .unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        format!("gcr.io/k8s-staging-cluster-api/capd-manager:{NEW}")
    );
    assert_eq!(d["spec"]["replicas"], 1, "the new Deployment runs again");
    assert!(!exists(
        &cp,
        "v1",
        "ConfigMap",
        "capd-system",
        "capd-retired"
    ));
    assert!(exists(
        &cp,
        "v1",
        "ConfigMap",
        "capd-system",
        "user-settings"
    ));
    assert!(exists(
        &cp,
        "infrastructure.cluster.x-k8s.io/v1beta2",
        "DockerCluster",
        "default",
        "dc1"
    ));
    assert!(exists(&cp, "v1", "Namespace", "", "capd-system"));
    assert!(exists(
        &cp,
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "",
        new_crd
    ));
    assert!(exists(
        &cp,
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        "",
        "capd-validating-webhook-configuration"
    ));

    let plan = capictl_on(&cp, home.path(), &["upgrade", "plan"]);
    assert_eq!(
        stdout(&plan),
        plan_text(NEW, "Already up to date", "You are already up to date!\n")
    );

    // Nothing left to do: a second apply changes nothing.
    // Same object (uid), same spec (generation): the status may move, the controller runs.
    let identity = |d: &Value| {
        (
            d["metadata"]["uid"].clone(),
            d["metadata"]["generation"].clone(),
        )
    };
    let before = identity(&d);
    let again = capictl_on(
        &cp,
        home.path(),
        &["upgrade", "apply", "--contract", "v1beta2"],
    );
    assert!(again.status.success());
    assert_eq!(
        stderr(&again),
        "Checking if cert-manager needs upgrade...\nCert-manager is already up to date\nPerforming upgrade...\n"
    );
    let d = get(
        &cp,
        "apps/v1",
        "Deployment",
        "capd-system",
        "capd-controller-manager",
    )
    .unwrap();
    assert_eq!(identity(&d), before);
}

#[test]
fn upgrade_of_named_providers_checks_references_versions_and_contracts() {
    let cp = ControlPlane::start("upgrade-custom");
    cp.start_deployment_controller();
    let home = tempfile::tempdir().unwrap();

    // Flag errors come before any connection.
    for (args, message) in [
        (
            vec!["upgrade", "apply"],
            "Error: Either the --contract flag or at least one of the following flags has to be set: --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon\n",
        ),
        (
            vec![
                "upgrade",
                "apply",
                "--contract",
                "v1beta2",
                "-i",
                "docker:v1.13.5",
            ],
            "Error: The --contract flag can't be used in combination with --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon\n",
        ),
        (
            vec!["upgrade", "apply", "--contract", "v1beta1"],
            "Error: current version of clusterctl could only upgrade to v1beta2 contract, requested v1beta1\n",
        ),
    ] {
        let out = run(capictl_std(home.path())
            .args(&args)
            .args(["--kubeconfig", "/nonexistent"]));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&out), message, "{args:?}");
    }

    // Upgrade commands refuse a cluster without Cluster API.
    let out = capictl_on(&cp, home.path(), &["upgrade", "plan"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "customresourcedefinitions.apiextensions.k8s.io \"clusters.cluster.x-k8s.io\" not found"
        ),
        "{}",
        stderr(&out)
    );

    init_at(&cp, home.path(), OLD);
    for (args, message) in [
        (
            vec!["-i", "docker"],
            "invalid provider name \"docker\". Provider name should be in the form namespace/provider:version or provider:version",
        ),
        (
            vec!["-i", "capd-system/docker"],
            "invalid provider name \"capd-system/docker\". Provider name should be in the form namespace/name:version and version cannot be empty",
        ),
        (
            vec!["-i", "aws:v2.0.0"],
            "unable to perform upgrade: the provider /infrastructure-aws in not part of the management cluster",
        ),
        (
            vec!["-i", "docker:v1.99.0"],
            "invalid target version: version v1.99.0 for the provider capd-system/infrastructure-docker does not match any release series",
        ),
    ] {
        let mut full = vec!["upgrade", "apply"];
        full.extend(args.iter());
        let out = capictl_on(&cp, home.path(), &full);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).ends_with(&format!("Error: {message}\n")),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(inventory(&cp), four_at(OLD), "failed runs change nothing");

    // Only the core provider: the others implement a compatible contract and stay.
    let out = capictl_on(
        &cp,
        home.path(),
        &["upgrade", "apply", "--core", "cluster-api:v1.13.5"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut want = four_at(OLD);
    want.retain(|e| !e.starts_with("capi-system/"));
    want.push(format!("capi-system/cluster-api={NEW}"));
    want.sort();
    assert_eq!(inventory(&cp), want);

    // The deprecated namespace/name:version form, and two types at once.
    let out = capictl_on(
        &cp,
        home.path(),
        &[
            "upgrade",
            "apply",
            "-i",
            "capd-system/docker:v1.13.5",
            "-b",
            "kubeadm:v1.13.5",
            "-c",
            "kubeadm:v1.13.5",
            "--wait-providers",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with("Waiting for providers to be available...\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(inventory(&cp), four_at(NEW));
}

#[test]
fn cert_manager_is_reinstalled_when_an_older_version_runs() {
    let cp = ControlPlane::start("upgrade-cert-manager");
    cp.start_deployment_controller();
    let home = tempfile::tempdir().unwrap();
    init_at(&cp, home.path(), NEW);

    // Mark every cert-manager object as installed by an older clusterctl run.
    let manifest = std::fs::read_to_string(
        root().join("testdata/repository/cert-manager/v1.21.1/cert-manager.yaml"),
    )
    .unwrap();
    let objects = capictl::yaml::parse_documents(&manifest).unwrap();
    cp.block_on(async {
        let c = cp.client().await;
        for o in &objects {
            let mut patch = json!({
                "apiVersion": o["apiVersion"], "kind": o["kind"],
                "metadata": {"name": o["metadata"]["name"],
                             "annotations": {"cert-manager.clusterctl.cluster.x-k8s.io/version": "v1.20.0"}}});
            if let Some(ns) = o["metadata"]["namespace"].as_str() {
                patch["metadata"]["namespace"] = json!(ns);
            }
            apply_yaml(&c, &serde_json::to_string(&patch).unwrap()).await;
        }
    });

    let plan = capictl_on(&cp, home.path(), &["upgrade", "plan"]);
    assert!(plan.status.success());
    assert!(
        stdout(&plan)
            .starts_with("Cert-Manager will be upgraded from \"v1.20.0\" to \"v1.21.1\"\n\n"),
        "{}",
        stdout(&plan)
    );
    assert!(stdout(&plan).contains("You are already up to date!"));

    let out = capictl_on(
        &cp,
        home.path(),
        &["upgrade", "apply", "--contract", "v1beta2"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "Checking if cert-manager needs upgrade...\nDeleting cert-manager version=\"v1.20.0\"\nInstalling cert-manager version=\"v1.21.1\"\nWaiting for cert-manager to be available...\nPerforming upgrade...\n"
    );
    for o in &objects {
        let live = get(
            &cp,
            o["apiVersion"].as_str().unwrap(),
            o["kind"].as_str().unwrap(),
            o["metadata"]["namespace"].as_str().unwrap_or_default(),
            o["metadata"]["name"].as_str().unwrap(),
        )
        .unwrap_or_else(|| panic!("{} {} is back", o["kind"], o["metadata"]["name"]));
        assert_eq!(
            live["metadata"]["annotations"]["cert-manager.clusterctl.cluster.x-k8s.io/version"],
            "v1.21.1"
        );
    }
    let plan = capictl_on(&cp, home.path(), &["upgrade", "plan"]);
    assert!(stdout(&plan).starts_with("Cert-Manager is already up to date\n"));
}

#[test]
fn delete_follows_clusterctls_matrix() {
    let cp = ControlPlane::start("delete-matrix");
    let home = tempfile::tempdir().unwrap();

    for (args, message) in [
        (
            vec!["delete"],
            "Error: At least one of --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon should be specified or the --all flag should be set\n",
        ),
        (
            vec!["delete", "--all", "-i", "docker"],
            "Error: The --all flag can't be used in combination with --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon\n",
        ),
    ] {
        let out = run(capictl_std(home.path())
            .args(&args)
            .args(["--kubeconfig", "/nonexistent"]));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&out), message, "{args:?}");
    }

    init_at(&cp, home.path(), NEW);
    remove_webhooks(&cp, "infrastructure-docker");
    apply(&cp, DOCKER_CLUSTER);

    for (args, message) in [
        (
            vec!["-i", "aws"],
            "failed to identify the namespace for the \"aws\" provider",
        ),
        (
            vec!["-i", "docker:v1.12.4"],
            "failed to identify the provider \"docker\" with version \"v1.12.4\"",
        ),
        (
            vec!["--all", "--include-crd"],
            "found existing objects for provider CRDs \"infrastructure-docker\": [DockerCluster (1 objects)]. Please delete these objects first before running clusterctl delete with --include-crd",
        ),
    ] {
        let mut full = vec!["delete"];
        full.extend(args.iter());
        let out = capictl_on(&cp, home.path(), &full);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).ends_with(&format!("Error: {message}\n")),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        inventory(&cp),
        four_at(NEW),
        "refused deletes change nothing"
    );

    // Default: the provider's objects and inventory entry go; its namespace, CRDs (and so the
    // users' objects), and cluster-scoped objects not prefixed with the namespace stay.
    let out = capictl_on(&cp, home.path(), &["delete", "-i", "docker:v1.13.5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "Deleting Provider={\"name\":\"infrastructure-docker\",\"namespace\":\"capd-system\"} providerVersion=\"v1.13.5\"\n"
    );
    let mut want = four_at(NEW);
    want.retain(|e| !e.starts_with("capd-system/"));
    assert_eq!(inventory(&cp), want);
    assert!(!exists(
        &cp,
        "apps/v1",
        "Deployment",
        "capd-system",
        "capd-controller-manager"
    ));
    assert!(!exists(
        &cp,
        "v1",
        "Service",
        "capd-system",
        "capd-webhook-service"
    ));
    assert!(exists(&cp, "v1", "Namespace", "", "capd-system"));
    assert!(exists(
        &cp,
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "",
        "dockerclusters.infrastructure.cluster.x-k8s.io"
    ));
    assert!(exists(
        &cp,
        "infrastructure.cluster.x-k8s.io/v1beta2",
        "DockerCluster",
        "default",
        "dc1"
    ));
    assert!(exists(
        &cp,
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "",
        "capd-manager-role"
    ));

    // Everything, with namespaces and CRDs.
    let out = capictl_on(
        &cp,
        home.path(),
        &["delete", "--all", "--include-crd", "--include-namespace"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Entries inside a deleted namespace go with it.
    eventually("an empty inventory", || inventory(&cp).is_empty());
    for (_, _, ns) in &FOUR_PROVIDERS[..3] {
        eventually(&format!("namespace {ns} deleted"), || {
            !exists(&cp, "v1", "Namespace", "", ns)
        });
    }
    assert!(!exists(
        &cp,
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "",
        "clusters.cluster.x-k8s.io"
    ));
    assert!(!exists(
        &cp,
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        "",
        "capi-validating-webhook-configuration"
    ));
    // cert-manager is not a provider: it stays.
    assert!(exists(&cp, "v1", "Namespace", "", "cert-manager"));

    // With Cluster API gone, delete says so.
    let out = capictl_on(&cp, home.path(), &["delete", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("\"clusters.cluster.x-k8s.io\" not found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_interrupted_upgrade_is_completed_by_the_next_run() {
    use std::io::BufRead;

    let cp = ControlPlane::start("upgrade-killed");
    cp.start_deployment_controller();
    let home = tempfile::tempdir().unwrap();
    init_at(&cp, home.path(), OLD);

    // Kill the upgrade while it deletes the core provider's old objects.
    let mut child = capictl_std(home.path())
        .args(["upgrade", "apply", "--contract", "v1beta2", "--config"])
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    for line in lines.lines() {
        let line = line.unwrap();
        let stop = line.starts_with("Deleting Provider={\"name\":\"cluster-api\"");
        seen.push(line);
        if stop {
            child.kill().unwrap();
            break;
        }
    }
    let _ = child.wait();
    assert!(seen.last().unwrap().starts_with("Deleting"), "{seen:?}");
    assert_eq!(
        inventory(&cp),
        four_at(OLD),
        "the inventory still says what to redo"
    );

    let out = capictl_on(
        &cp,
        home.path(),
        &["upgrade", "apply", "--contract", "v1beta2"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(inventory(&cp), four_at(NEW));
    for (_, _, ns) in FOUR_PROVIDERS {
        let deployments = cp.block_on(async {
            let c = cp.client().await;
            list_objects(&c, "apps/v1", "Deployment", ns).await
        });
        assert_eq!(deployments.len(), 1, "{ns}");
        assert!(
            deployments[0]["spec"]["template"]["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap()
                .ends_with(NEW)
        );
    }
}

/// Runs `capictl ARGS` on a pseudo-terminal (util-linux `script`), typing `input`.
fn on_terminal(cp: &ControlPlane, home: &Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;

    let template = capictl_std(home);
    let mut line = format!("'{}'", env!("CARGO_BIN_EXE_capictl"));
    for a in args
        .iter()
        .copied()
        .chain(["--config", test_config().to_str().unwrap()])
        .chain(["--kubeconfig", cp.kubeconfig().to_str().unwrap()])
    {
        line.push_str(&format!(" '{a}'"));
    }
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(root())
        .env_clear()
        .envs(
            template
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .env("SHELL", "/bin/sh")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Give the prompt time to appear before answering, as a person would.
    std::thread::sleep(std::time::Duration::from_secs(2));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    eprintln!("--- terminal\n{}", String::from_utf8_lossy(&out.stdout));
    out
}

#[test]
fn delete_and_upgrade_ask_first_on_a_terminal() {
    let cp = ControlPlane::start("confirm");
    let home = tempfile::tempdir().unwrap();
    let out = capictl_on(
        &cp,
        home.path(),
        &[
            "init",
            "--core",
            "cluster-api:v1.12.4",
            "-b",
            "-",
            "-c",
            "-",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let core_only = |version: &str| vec![format!("capi-system/cluster-api={version}")];

    let no = on_terminal(&cp, home.path(), &["delete", "--core", "cluster-api"], "n");
    let screen = String::from_utf8_lossy(&no.stdout).into_owned();
    assert!(!no.status.success());
    assert!(
        screen.contains("These providers will be deleted:"),
        "{screen}"
    );
    assert!(
        screen.contains("capi-system/cluster-api v1.12.4"),
        "{screen}"
    );
    assert!(
        screen.contains("cancelled, nothing was deleted"),
        "{screen}"
    );
    assert_eq!(inventory(&cp), core_only("v1.12.4"));

    let no = on_terminal(
        &cp,
        home.path(),
        &["upgrade", "apply", "--contract", "v1beta2"],
        "n",
    );
    let screen = String::from_utf8_lossy(&no.stdout).into_owned();
    assert!(!no.status.success());
    assert!(
        screen.contains("cancelled, nothing was upgraded"),
        "{screen}"
    );
    assert_eq!(inventory(&cp), core_only("v1.12.4"));

    let yes = on_terminal(
        &cp,
        home.path(),
        &["upgrade", "apply", "--contract", "v1beta2"],
        "y",
    );
    assert!(
        yes.status.success(),
        "{}",
        String::from_utf8_lossy(&yes.stdout)
    );
    assert_eq!(inventory(&cp), core_only("v1.13.5"));

    // --yes: no question at all.
    let forced = on_terminal(
        &cp,
        home.path(),
        &["delete", "--core", "cluster-api", "--yes"],
        "",
    );
    let screen = String::from_utf8_lossy(&forced.stdout).into_owned();
    assert!(forced.status.success(), "{screen}");
    assert!(!screen.contains("Continue?"), "{screen}");
    assert!(inventory(&cp).is_empty());
}

/// A CRD `widgets.example.com` serving `versions` (name, storage) with any content.
fn widget_crd(versions: &[(&str, bool)]) -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"kind": "Widget", "listKind": "WidgetList", "plural": "widgets", "singular": "widget"},
            "versions": versions.iter().map(|(name, storage)| json!({
                "name": name, "served": true, "storage": storage,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
            })).collect::<Vec<_>>(),
        }
    })
}

// The storage-version migration cert-manager upgrades run (clusterctl's crd_migration.go),
// on a CRD whose objects were stored under a version the next manifest drops.
#[test]
fn crd_storage_migration_lets_a_manifest_drop_an_old_version() {
    let cp = ControlPlane::start("crd-migration");
    let stored_versions = |cp: &ControlPlane| -> Value {
        get(
            cp,
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "",
            "widgets.example.com",
        )
        .unwrap()["status"]["storedVersions"]
            .clone()
    };
    cp.block_on(async {
        let c = cp.client().await;
        apply_yaml(&c, &widget_crd(&[("v1alpha1", true)]).to_string()).await;
    });
    eventually("widgets served", || {
        cp.block_on(async {
            let c = cp.client().await;
            kube::discovery::pinned_kind(
                &c,
                &kube::api::GroupVersionKind::gvk("example.com", "v1alpha1", "Widget"),
            )
            .await
            .is_ok()
        })
    });
    let widgets: String = (0..25)
        .map(|i| {
            format!(
                "apiVersion: example.com/v1alpha1\nkind: Widget\nmetadata:\n  name: w{i}\n  namespace: default\nsize: {i}\n---\n"
            )
        })
        .collect();
    apply(&cp, &widgets);
    // The next release stores v1; objects written before stay stored as v1alpha1.
    cp.block_on(async {
        let c = cp.client().await;
        apply_yaml(
            &c,
            &widget_crd(&[("v1alpha1", false), ("v1", true)]).to_string(),
        )
        .await;
    });
    assert_eq!(stored_versions(&cp), json!(["v1alpha1", "v1"]));

    let without_old = widget_crd(&[("v1", true)]);
    // Before migration the API server refuses it: v1alpha1 is still a stored version.
    let refused = cp.block_on(async {
        let c = cp.client().await;
        let api: kube::Api<
            k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
        > = kube::Api::all(c);
        api.patch(
            "widgets.example.com",
            &kube::api::PatchParams::apply("test").force(),
            &kube::api::Patch::Apply(&without_old),
        )
        .await
        .unwrap_err()
        .to_string()
    });
    assert!(refused.contains("storedVersions"), "{refused}");
    let home = tempfile::tempdir().unwrap();
    let selector = capictl::KubeconfigSelector {
        path: Some(cp.kubeconfig().to_path_buf()),
        context: None,
    };
    let env = capictl::Env::from_pairs([("HOME", home.path().to_str().unwrap())]);
    cp.block_on(async {
        let cluster = capictl::cluster::ManagementCluster::connect(&selector, &env)
            .await
            .unwrap();
        // A manifest that lacks the current storage version cannot be migrated to.
        let err = cluster
            .migrate_crd(&widget_crd(&[("v2", true)]))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "unable to upgrade CRD \"widgets.example.com\" because the new CRD does not contain the storage version \"v1\" of the current CRD, thus not allowing CR migration"
        );
        assert!(cluster.migrate_crd(&without_old).await.unwrap(), "migrated");
        assert!(!cluster.migrate_crd(&without_old).await.unwrap(), "nothing left to do");
    });
    assert_eq!(stored_versions(&cp), json!(["v1"]));
    // Now the API server accepts the CRD without v1alpha1, and every object is still there.
    cp.block_on(async {
        let c = cp.client().await;
        apply_yaml(&c, &without_old.to_string()).await;
        let items = list_objects(&c, "example.com/v1", "Widget", "default").await;
        assert_eq!(items.len(), 25);
        assert!(items.iter().any(|w| w["size"] == 24));
    });
}
