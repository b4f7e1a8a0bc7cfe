//! `capictl init` against a real API server: what lands on the cluster, idempotence, flags,
//! validation, failures (unreachable cluster, bad credentials, CRDs that never become
//! Established, an API server restart in the middle), and `init list-images`.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::*;

fn init(cp: &ControlPlane, home: &Path, args: &[&str]) -> std::process::Output {
    run(capictl_std(home)
        .arg("init")
        .arg("--config")
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .args(args))
}

fn label<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj["metadata"]["labels"][key].as_str()
}

fn provider_entries(cp: &ControlPlane) -> Vec<Value> {
    cp.block_on(async {
        let c = cp.client().await;
        let mut items =
            list_objects(&c, "clusterctl.cluster.x-k8s.io/v1alpha3", "Provider", "").await;
        items.sort_by_key(|p| p["metadata"]["name"].as_str().unwrap().to_string());
        items
    })
}

fn resource_version(
    cp: &ControlPlane,
    api_version: &str,
    kind: &str,
    ns: &str,
    name: &str,
) -> String {
    cp.block_on(async {
        let c = cp.client().await;
        get_object(&c, api_version, kind, ns, name).await.unwrap()["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_string()
    })
}

/// Every provider object of the test repository is on the cluster, CRDs Established, and the
/// inventory says exactly what clusterctl would write.
fn assert_complete_install(cp: &ControlPlane, providers: &[(&str, &str, &str)]) {
    let entries = provider_entries(cp);
    assert_eq!(entries.len(), providers.len(), "{entries:#?}");
    for (label_value, version, ns) in providers {
        let e = entries
            .iter()
            .find(|e| e["metadata"]["name"] == *label_value)
            .unwrap_or_else(|| panic!("no inventory entry for {label_value}"));
        assert_eq!(e["metadata"]["namespace"], *ns);
        assert_eq!(e["version"], *version);
        assert_eq!(label(e, "clusterctl.cluster.x-k8s.io"), Some(""));
        assert_eq!(label(e, "cluster.x-k8s.io/provider"), Some(*label_value));
        assert_eq!(
            label(e, "clusterctl.cluster.x-k8s.io/core"),
            Some("inventory")
        );
        assert!(
            e["metadata"]["annotations"]["capictl.cluster.x-k8s.io/installing"].is_null(),
            "{label_value} still marked as installing"
        );
        assert!(e["watchedNamespace"].is_null());
    }
    cp.block_on(async {
        let c = cp.client().await;
        let crds = list_objects(
            &c,
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "",
        )
        .await;
        for (label_value, _, ns) in providers {
            let mine: Vec<&Value> = crds
                .iter()
                .filter(|crd| label(crd, "cluster.x-k8s.io/provider") == Some(label_value))
                .collect();
            assert!(!mine.is_empty(), "no CRDs for {label_value}");
            for crd in mine {
                let established = crd["status"]["conditions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["type"] == "Established" && c["status"] == "True");
                assert!(established, "{} not Established", crd["metadata"]["name"]);
            }
            let deployments = list_objects(&c, "apps/v1", "Deployment", ns).await;
            assert_eq!(deployments.len(), 1, "{label_value} deployments");
            assert_eq!(
                label(&deployments[0], "cluster.x-k8s.io/provider"),
                Some(*label_value)
            );
            assert_eq!(
                label(&deployments[0], "clusterctl.cluster.x-k8s.io"),
                Some("")
            );
            for kind in ["ServiceAccount", "Service", "Role", "RoleBinding"] {
                let found = list_objects(
                    &c,
                    if kind.starts_with("Role") {
                        "rbac.authorization.k8s.io/v1"
                    } else {
                        "v1"
                    },
                    kind,
                    ns,
                )
                .await
                .into_iter()
                .filter(|o| label(o, "cluster.x-k8s.io/provider") == Some(label_value))
                .count();
                assert!(found >= 1, "{label_value}: no {kind} in {ns}");
            }
            let issuers = list_objects(&c, "cert-manager.io/v1", "Issuer", ns).await;
            assert_eq!(issuers.len(), 1, "{label_value} issuer");
        }
        for kind in [
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration",
        ] {
            let webhooks = list_objects(&c, "admissionregistration.k8s.io/v1", kind, "").await;
            for (label_value, _, _) in providers {
                assert!(
                    webhooks
                        .iter()
                        .any(|w| label(w, "cluster.x-k8s.io/provider") == Some(label_value)),
                    "no {kind} for {label_value}"
                );
            }
        }
        let roles = list_objects(&c, "rbac.authorization.k8s.io/v1", "ClusterRole", "").await;
        for (label_value, _, _) in providers {
            assert!(
                roles
                    .iter()
                    .any(|r| label(r, "cluster.x-k8s.io/provider") == Some(label_value))
            );
        }
    });
}

fn assert_cert_manager_marked(cp: &ControlPlane) {
    cp.block_on(async {
        let c = cp.client().await;
        let d = get_object(&c, "apps/v1", "Deployment", "cert-manager", "cert-manager")
            .await
            .expect("cert-manager Deployment");
        assert_eq!(label(&d, "clusterctl.cluster.x-k8s.io"), Some(""));
        assert_eq!(
            label(&d, "clusterctl.cluster.x-k8s.io/core"),
            Some("cert-manager")
        );
        assert_eq!(
            d["metadata"]["annotations"]["cert-manager.clusterctl.cluster.x-k8s.io/version"],
            "v1.21.1"
        );
        let crd = get_object(
            &c,
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "",
            "certificates.cert-manager.io",
        )
        .await
        .unwrap();
        assert_eq!(
            label(&crd, "clusterctl.cluster.x-k8s.io/core"),
            Some("cert-manager")
        );
        let inventory_crd = get_object(
            &c,
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "",
            "providers.clusterctl.cluster.x-k8s.io",
        )
        .await
        .unwrap();
        assert_eq!(
            label(&inventory_crd, "clusterctl.cluster.x-k8s.io/core"),
            Some("inventory")
        );
        // The readiness check cleans up after itself.
        assert!(
            get_object(
                &c,
                "cert-manager.io/v1",
                "Issuer",
                "cert-manager-test",
                "test-selfsigned"
            )
            .await
            .is_none()
        );
    });
}

#[test]
fn init_installs_four_providers_and_a_rerun_changes_nothing() {
    let cp = ControlPlane::start("init-defaults");
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = init(&cp, home.path(), &["-i", "docker", "-v", "1"]);
    let took = started.elapsed();
    assert!(out.status.success());
    let log: String = stderr(&out)
        .lines()
        .filter(|l| {
            !l.starts_with("Creating")
                && !l.starts_with("Init finished")
                && !l.starts_with("Installing the clusterctl inventory CRD")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(log, first_init_log(&FOUR_PROVIDERS));
    let finished = stderr(&out)
        .lines()
        .find(|l| l.starts_with("Init finished"))
        .unwrap()
        .to_string();
    eprintln!("FIGURES first init: {took:?} {finished}");
    assert_complete_install(&cp, &FOUR_PROVIDERS);
    assert_cert_manager_marked(&cp);

    // Objects are owned by capictl's server-side apply.
    let managers: Vec<String> = cp.block_on(async {
        let c = cp.client().await;
        let d = get_object(
            &c,
            "apps/v1",
            "Deployment",
            "capi-system",
            "capi-controller-manager",
        )
        .await
        .unwrap();
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
    });
    assert_eq!(managers, ["capictl/Apply"]);

    let rv = resource_version(
        &cp,
        "apps/v1",
        "Deployment",
        "capd-system",
        "capd-controller-manager",
    );
    let started = Instant::now();
    let again = init(&cp, home.path(), &["-i", "docker", "-v", "1"]);
    assert!(again.status.success());
    let again_log = stderr(&again);
    let log: Vec<&str> = again_log
        .lines()
        .filter(|l| !l.starts_with("Init finished"))
        .collect();
    assert_eq!(
        log,
        [
            "Fetching providers",
            "Skipping installing cert-manager as it is already installed"
        ]
    );
    eprintln!(
        "FIGURES re-run: {:?} {}",
        started.elapsed(),
        stderr(&again)
            .lines()
            .find(|l| l.starts_with("Init finished"))
            .unwrap()
    );
    assert_eq!(
        rv,
        resource_version(
            &cp,
            "apps/v1",
            "Deployment",
            "capd-system",
            "capd-controller-manager"
        )
    );
    // Without -i docker the inventory's providers are simply kept.
    let plain = init(&cp, home.path(), &[]);
    assert!(plain.status.success());
    assert_eq!(
        stderr(&plain),
        "Fetching providers\nSkipping installing cert-manager as it is already installed\n"
    );

    // -v 5 logs every request with its answer, one line each: as many as capictl counted.
    let traced = init(&cp, home.path(), &["-v", "5"]);
    assert!(traced.status.success());
    let traced_log = stderr(&traced);
    let requests: Vec<&str> = traced_log
        .lines()
        .filter(|l| l.ends_with(" milliseconds"))
        .collect();
    let first = requests.first().copied().unwrap_or_default();
    assert!(
        first.starts_with("GET /version 200 OK in "),
        "first request line: {first:?}"
    );
    let counted = traced_log
        .lines()
        .filter(|l| l.starts_with("Init finished "))
        .flat_map(|l| l.split_whitespace())
        .find_map(|field| field.strip_prefix("apiRequests="))
        .unwrap_or_else(|| panic!("no request count in {traced_log}"));
    assert_eq!(requests.len().to_string(), counted, "{traced_log}");
}

#[test]
fn target_namespace_and_skipped_defaults() {
    let cp = ControlPlane::start("init-ns");
    let home = tempfile::tempdir().unwrap();
    let out = init(
        &cp,
        home.path(),
        &["-n", "capi-everything", "--bootstrap", "-", "-c=-"],
    );
    assert!(out.status.success());
    assert!(stderr(&out).contains(
        "Installing provider=\"cluster-api\" version=\"v1.13.5\" targetNamespace=\"capi-everything\"\n"
    ));
    let entries = provider_entries(&cp);
    assert_eq!(entries.len(), 1, "only the core provider: {entries:#?}");
    assert_eq!(entries[0]["metadata"]["namespace"], "capi-everything");
    cp.block_on(async {
        let c = cp.client().await;
        assert!(
            get_object(
                &c,
                "apps/v1",
                "Deployment",
                "capi-everything",
                "capi-controller-manager"
            )
            .await
            .is_some()
        );
        assert!(
            get_object(&c, "v1", "Namespace", "", "capi-system")
                .await
                .is_none()
        );
        let bindings =
            list_objects(&c, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "").await;
        let capi = bindings
            .iter()
            .find(|b| label(b, "cluster.x-k8s.io/provider") == Some("cluster-api"))
            .unwrap();
        assert_eq!(capi["subjects"][0]["namespace"], "capi-everything");
        let webhook = get_object(
            &c,
            "admissionregistration.k8s.io/v1",
            "ValidatingWebhookConfiguration",
            "",
            "capi-validating-webhook-configuration",
        )
        .await
        .unwrap();
        assert_eq!(
            webhook["webhooks"][0]["clientConfig"]["service"]["namespace"],
            "capi-everything"
        );
        assert_eq!(
            webhook["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
            "capi-everything/capi-serving-cert"
        );
    });

    // A later run adds providers (comma-separated and repeated flags) in their own namespaces.
    let more = init(
        &cp,
        home.path(),
        &["-b", "kubeadm", "--infrastructure=docker"],
    );
    assert!(more.status.success());
    assert_eq!(provider_entries(&cp).len(), 3);
    assert!(
        !stderr(&more).contains("initialized successfully"),
        "not a first run"
    );
}

#[test]
fn wait_providers_waits_for_available_deployments_and_times_out() {
    let cp = ControlPlane::start("init-wait");
    let home = tempfile::tempdir().unwrap();
    let short = init(
        &cp,
        home.path(),
        &[
            "-b",
            "-",
            "-c",
            "-",
            "--wait-providers",
            "--wait-provider-timeout",
            "2",
        ],
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(
        stderr(&short).contains("Waiting for providers to be available...\n"),
        "{}",
        stderr(&short)
    );
    assert!(
        stderr(&short).contains(
            "Error: deployment \"capi-controller-manager\" is not ready after 2s: context deadline exceeded"
        ),
        "{}",
        stderr(&short)
    );

    // Now a kubelet-like status arrives while init waits for the provider it installs.
    let mut child = capictl_std(home.path())
        .args(["init", "-i", "docker", "--wait-providers=true", "--config"])
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    eventually("the docker provider's Deployment", || {
        cp.block_on(async {
            let c = cp.client().await;
            !list_objects(&c, "apps/v1", "Deployment", "capd-system")
                .await
                .is_empty()
        })
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "init must still be waiting"
    );
    assert_eq!(cp.block_on(cp.mark_deployments_available("capd-system")), 1);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "Fetching providers\nSkipping installing cert-manager as it is already installed\nInstalling provider=\"infrastructure-docker\" version=\"v1.13.5\" targetNamespace=\"capd-system\"\nWaiting for providers to be available...\n"
    );
}

#[test]
fn validation_refuses_broken_management_clusters() {
    let cp = ControlPlane::start("init-validate");
    let home = tempfile::tempdir().unwrap();
    assert!(
        init(&cp, home.path(), &["-i", "docker", "-b", "-", "-c", "-"])
            .status
            .success()
    );

    // A second instance of a provider, in another namespace.
    let second = init(&cp, home.path(), &["-i", "docker", "-n", "other"]);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(
        stderr(&second),
        "Fetching providers\nError: installing provider \"infrastructure-docker\" can lead to a non functioning management cluster: there is already an instance of the \"infrastructure-docker\" provider installed in the \"capd-system\" namespace\n"
    );

    // Providers whose metadata declares an unsupported or incompatible contract, or no series for
    // their version (an overrides folder changes metadata.yaml, as a stale release would).
    let overrides = tempfile::tempdir().unwrap();
    let write_metadata = |label: &str, series: &str| {
        let dir = overrides.path().join(label).join("v1.13.5");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("metadata.yaml"),
            format!("apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Metadata\nreleaseSeries:\n{series}"),
        )
        .unwrap();
    };
    write_metadata(
        "bootstrap-kubeadm",
        "  - major: 1\n    minor: 13\n    contract: v1alpha4\n",
    );
    write_metadata(
        "control-plane-kubeadm",
        "  - major: 1\n    minor: 12\n    contract: v1beta2\n  - major: 1\n    minor: 11\n    contract: v1beta2\n",
    );
    let with_overrides = |args: &[&str]| {
        run(capictl_std(home.path())
            .env("OVERRIDESFOLDER", overrides.path())
            .arg("init")
            .arg("--config")
            .arg(test_config())
            .arg("--kubeconfig")
            .arg(cp.kubeconfig())
            .args(args))
    };
    let old = with_overrides(&["-b", "kubeadm"]);
    assert_eq!(old.status.code(), Some(1));
    assert!(stderr(&old).ends_with(
        "Error: current version of clusterctl is only compatible with providers implementing the v1beta2, v1beta1 contract versions, detected contract version v1alpha4 for provider bootstrap-kubeadm\n"
    ), "{}", stderr(&old));
    let stale = with_overrides(&["-c", "kubeadm"]);
    assert!(stderr(&stale).ends_with(
        "Error: invalid provider metadata: version v1.13.5 for the provider capi-kubeadm-control-plane-system/control-plane-kubeadm does not match any release series. Available series: [1.12, 1.11]. This usually means the release tag lacks an updated metadata.yaml or the repository URL is stale.\n"
    ), "{}", stderr(&stale));
    // Nothing was installed by the refused runs.
    assert_eq!(provider_entries(&cp).len(), 2);

    // --validate=false logs the problem and installs anyway.
    let forced = init(
        &cp,
        home.path(),
        &["-i", "docker", "-n", "other", "--validate=false"],
    );
    assert!(forced.status.success());
    assert!(
        stderr(&forced).contains("Ignoring validation errors"),
        "{}",
        stderr(&forced)
    );
    assert_eq!(provider_entries(&cp).len(), 3);
}

#[test]
fn a_core_provider_on_an_older_contract_blocks_newer_providers() {
    let cp = ControlPlane::start("init-contract");
    let home = tempfile::tempdir().unwrap();
    let overrides = tempfile::tempdir().unwrap();
    let dir = overrides.path().join("cluster-api/v1.13.5");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("metadata.yaml"),
        "apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Metadata\nreleaseSeries:\n  - major: 1\n    minor: 13\n    contract: v1beta1\n",
    )
    .unwrap();
    let out = run(capictl_std(home.path())
        .env("OVERRIDESFOLDER", overrides.path())
        .args(["init", "--config"])
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "Fetching providers\nError: installing provider \"bootstrap-kubeadm\" could lead to a non functioning management cluster: the target version for the provider implements the v1beta2 contract version, while the core provider is compatible with v1beta1 contract versions\n"
    );

    // A management cluster whose Cluster CRD stores another contract is refused up front.
    cp.block_on(async {
        let c = cp.client().await;
        apply_yaml(
            &c,
            r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: clusters.cluster.x-k8s.io
spec:
  group: cluster.x-k8s.io
  scope: Namespaced
  names: {kind: Cluster, listKind: ClusterList, plural: clusters, singular: cluster}
  versions:
  - name: v1beta1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"#,
        )
        .await;
    });
    let old = init(&cp, home.path(), &[]);
    assert_eq!(old.status.code(), Some(1));
    assert_eq!(
        stderr(&old),
        "Error: this version of clusterctl could be used only with \"v1beta2\" management clusters, \"v1beta1\" detected\n"
    );
}

#[test]
fn connection_failures_are_explained() {
    let cp = ControlPlane::start("init-conn");
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = std::fs::read_to_string(cp.kubeconfig()).unwrap();

    // Unknown context.
    let out = init(&cp, home.path(), &["--kubeconfig-context", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "Error: clusterctl requires either a valid kubeconfig or in cluster config to connect to the management cluster: [context \"nope\" does not exist, unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined]\n"
    );

    // Credentials the API server does not accept: a client certificate from another CA.
    let pki = tempfile::tempdir().unwrap();
    let key = pki.path().join("k.pem");
    let crt = pki.path().join("c.pem");
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=intruder",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .unwrap();
    assert!(status.status.success());
    use base64::Engine as _;
    let b64 =
        |p: &Path| base64::engine::general_purpose::STANDARD.encode(std::fs::read(p).unwrap());
    let bad: String = kubeconfig
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("client-certificate-data:") {
                format!("    client-certificate-data: {}", b64(&crt))
            } else if l.trim_start().starts_with("client-key-data:") {
                format!("    client-key-data: {}", b64(&key))
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    let bad_path = home.path().join("bad-credentials.kubeconfig");
    std::fs::write(&bad_path, bad).unwrap();
    let out = run(capictl_std(home.path())
        .args(["init", "--config"])
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(&bad_path));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "Error: failed to get the Kubernetes version: the server has asked for the client to provide credentials; the credentials of context \"{}\" were refused: renew the client certificate or token in the kubeconfig\n",
            cp.name()
        )
    );

    // A stopped management cluster: a clear error, quickly.
    cp.stop_apiserver();
    let server = kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap()
        .to_string();
    let started = Instant::now();
    let out = init(&cp, home.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        stderr(&out),
        format!(
            "Error: failed to get the Kubernetes version: Get \"{server}/version\": connection refused; check that the management cluster is running and reachable at {server} (context \"{}\" of the kubeconfig)\n",
            cp.name()
        )
    );
}

#[test]
fn crds_that_are_refused_or_never_established_stop_the_install() {
    let cp = ControlPlane::start("init-crd");
    let home = tempfile::tempdir().unwrap();
    // A leftover CRD that already claims the kind Cluster in the cluster.x-k8s.io group: the API
    // server will never accept the names of clusters.cluster.x-k8s.io, so it never becomes
    // Established.
    cp.block_on(async {
        let c = cp.client().await;
        apply_yaml(
            &c,
            r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: legacyclusters.cluster.x-k8s.io
spec:
  group: cluster.x-k8s.io
  scope: Namespaced
  names: {kind: Cluster, listKind: ClusterList, plural: legacyclusters, singular: legacycluster}
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"#,
        )
        .await;
    });
    let out = init(&cp, home.path(), &["-b", "-", "-c", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("Error: failed to create provider object apiextensions.k8s.io/v1, Kind=CustomResourceDefinition, /clusters.cluster.x-k8s.io: CustomResourceDefinition clusters.cluster.x-k8s.io is not Established: NamesAccepted=False ("),
        "{err}"
    );
    // The inventory accounts for the objects that were applied, marked as unfinished.
    let entries = provider_entries(&cp);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0]["metadata"]["annotations"]["capictl.cluster.x-k8s.io/installing"],
        "v1.13.5"
    );

    // Once the leftover is gone the same command completes the install.
    cp.block_on(async {
        let c = cp.client().await;
        let api: kube::Api<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition> =
            kube::Api::all(c);
        api.delete("legacyclusters.cluster.x-k8s.io", &Default::default()).await.unwrap();
    });
    let again = init(&cp, home.path(), &["-b", "-", "-c", "-"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("Installing provider=\"cluster-api\""));
    assert_complete_install(&cp, &FOUR_PROVIDERS[..1]);

    // A CRD the API server rejects outright (a schema type that does not exist).
    let overrides = tempfile::tempdir().unwrap();
    let dir = overrides.path().join("infrastructure-docker/v1.13.5");
    std::fs::create_dir_all(&dir).unwrap();
    let components = std::fs::read_to_string(root().join(
        "testdata/repository/infrastructure-docker/v1.13.5/infrastructure-components-development.yaml",
    ))
    .unwrap();
    let broken = components.replacen("type: object", "type: objekt", 1);
    assert_ne!(broken, components);
    std::fs::write(
        dir.join("infrastructure-components-development.yaml"),
        broken,
    )
    .unwrap();
    let out = run(capictl_std(home.path())
        .env("OVERRIDESFOLDER", overrides.path())
        .args(["init", "-i", "docker", "--config"])
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("Error: failed to create provider object apiextensions.k8s.io/v1, Kind=CustomResourceDefinition, /") && err.contains("is invalid"),
        "{err}"
    );
}

#[test]
fn an_api_server_restart_during_init_loses_nothing() {
    let cp = ControlPlane::start("init-restart");
    let home = tempfile::tempdir().unwrap();
    let child = capictl_std(home.path())
        .args(["init", "-i", "docker", "--config"])
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Restart as soon as the core provider's CRDs start to arrive.
    eventually("the core provider's first CRD", || {
        cp.block_on(async {
            let c = cp.client().await;
            get_object(
                &c,
                "apiextensions.k8s.io/v1",
                "CustomResourceDefinition",
                "",
                "clusterclasses.cluster.x-k8s.io",
            )
            .await
            .is_some()
        })
    });
    cp.restart_apiserver();
    let out = child.wait_with_output().unwrap();
    eprintln!(
        "first run (restart in the middle): {:?}\n{}",
        out.status,
        stderr(&out)
    );
    if !out.status.success() {
        let again = init(&cp, home.path(), &["-i", "docker"]);
        assert!(again.status.success(), "the re-run must converge");
    }
    assert_complete_install(&cp, &FOUR_PROVIDERS);
    assert_cert_manager_marked(&cp);
    // Whatever happened, a further run has nothing left to do.
    let last = init(&cp, home.path(), &["-i", "docker"]);
    assert_eq!(
        stderr(&last),
        "Fetching providers\nSkipping installing cert-manager as it is already installed\n"
    );
}

#[test]
fn a_killed_init_is_completed_by_the_next_run() {
    let cp = ControlPlane::start("init-killed");
    let home = tempfile::tempdir().unwrap();
    let mut child = capictl_std(home.path())
        .args(["init", "-i", "docker", "--config"])
        .arg(test_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it while it applies the bootstrap provider.
    eventually("the bootstrap provider's first CRD", || {
        cp.block_on(async {
            let c = cp.client().await;
            get_object(
                &c,
                "apiextensions.k8s.io/v1",
                "CustomResourceDefinition",
                "",
                "kubeadmconfigs.bootstrap.cluster.x-k8s.io",
            )
            .await
            .is_some()
        })
    });
    child.kill().unwrap();
    child.wait().unwrap();
    // Every object with a provider label is accounted for by an inventory entry.
    cp.block_on(async {
        let c = cp.client().await;
        let entries: Vec<String> =
            list_objects(&c, "clusterctl.cluster.x-k8s.io/v1alpha3", "Provider", "")
                .await
                .iter()
                .map(|e| e["metadata"]["name"].as_str().unwrap().to_string())
                .collect();
        for (api_version, kind) in [
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
            ("v1", "Namespace"),
            ("apps/v1", "Deployment"),
            ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ] {
            for obj in list_objects(&c, api_version, kind, "").await {
                if let Some(provider) = label(&obj, "cluster.x-k8s.io/provider") {
                    assert!(
                        entries.iter().any(|e| e == provider),
                        "{kind} {} of {provider} has no inventory entry",
                        obj["metadata"]["name"]
                    );
                }
            }
        }
    });
    let again = init(&cp, home.path(), &["-i", "docker"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_complete_install(&cp, &FOUR_PROVIDERS);
}

#[test]
fn a_namespace_stuck_terminating_does_not_block_the_cert_manager_check() {
    let cp = ControlPlane::start("init-stuck-ns");
    let home = tempfile::tempdir().unwrap();
    assert!(
        init(&cp, home.path(), &["-b", "-", "-c", "-"])
            .status
            .success()
    );
    // Without a namespace controller the check's namespace never goes away.
    cp.stop_namespace_controller();
    std::thread::sleep(Duration::from_millis(500));
    let terminating = |name: &str| {
        cp.block_on(async {
            let c = cp.client().await;
            get_object(&c, "v1", "Namespace", "", name)
                .await
                .is_some_and(|ns| !ns["metadata"]["deletionTimestamp"].is_null())
        })
    };
    let first = init(&cp, home.path(), &["-b", "-", "-c", "-"]);
    assert!(first.status.success());
    assert!(terminating("cert-manager-test"));
    let started = Instant::now();
    let again = init(&cp, home.path(), &["-b", "-", "-c", "-"]);
    assert!(again.status.success());
    assert_eq!(
        stderr(&again),
        "Fetching providers\nSkipping installing cert-manager as it is already installed\n"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn list_images_names_every_image_init_needs() {
    let cp = ControlPlane::start("init-images");
    let home = tempfile::tempdir().unwrap();
    let list = |args: &[&str]| {
        run(capictl_std(home.path())
            .args(["init", "list-images", "--config"])
            .arg(test_config())
            .arg("--kubeconfig")
            .arg(cp.kubeconfig())
            .args(args))
    };
    let out = list(&["-i", "docker"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "gcr.io/k8s-staging-cluster-api/capd-manager:v1.13.5\n\
         quay.io/jetstack/cert-manager-cainjector:v1.21.1\n\
         quay.io/jetstack/cert-manager-controller:v1.21.1\n\
         registry.k8s.io/cluster-api/cluster-api-controller:v1.13.5\n\
         registry.k8s.io/cluster-api/kubeadm-bootstrap-controller:v1.13.5\n\
         registry.k8s.io/cluster-api/kubeadm-control-plane-controller:v1.13.5\n"
    );
    assert_eq!(stderr(&out), "");
    // Nothing was installed.
    assert!(provider_entries(&cp).is_empty());

    // cert-manager managed by someone else must already work: init waits for it, then fails.
    let absolute = std::fs::read_to_string(test_config()).unwrap().replace(
        "file://./",
        &format!("file://{}/", root().join("testdata").display()),
    );
    let external = home.path().join("external.yaml");
    std::fs::write(
        &external,
        absolute.replace(
            "  version: \"v1.21.1\"",
            "  version: \"v1.21.1\"\n  externallyProvisioned: true\n  timeout: 3s",
        ),
    )
    .unwrap();
    let started = Instant::now();
    let out = run(capictl_std(home.path())
        .args(["init", "--config"])
        .arg(&external)
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert!(
        stderr(&out).starts_with("Fetching providers\nWaiting for cert-manager to be available...\nError: cert-manager is marked as externally provisioned (cert-manager.externallyProvisioned in the clusterctl configuration) but it does not work: cert-manager is not available after 3s: "),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("Installing"), "nothing is installed");

    // Once cert-manager's namespace exists its images are no longer listed; image overrides apply.
    assert!(
        init(&cp, home.path(), &["-b", "-", "-c", "-"])
            .status
            .success()
    );
    let config = home.path().join("images.yaml");
    std::fs::write(
        &config,
        std::fs::read_to_string(test_config()).unwrap().replace(
            "file://./",
            &format!("file://{}/", root().join("testdata").display()),
        ) + "images:\n  infrastructure-docker:\n    repository: mirror.example.com/capi\n",
    )
    .unwrap();
    let out = run(capictl_std(home.path())
        .args(["init", "list-images", "-i", "docker:v1.12.4", "--config"])
        .arg(&config)
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "mirror.example.com/capi/capd-manager:v1.12.4\n"
    );
}
