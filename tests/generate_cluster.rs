//! `generate cluster` with a reachable management cluster: defaults from the inventory and the
//! kubeconfig, templates from ConfigMaps, and ClusterClasses already in the cluster. Each case
//! is run with upstream clusterctl v1.13.5 too, and both must answer byte for byte the same.

mod support;

use std::path::Path;
use std::process::Output;

use support::*;

/// Runs `generate cluster ARGS --config <shared> --kubeconfig <cp>` with both tools and checks
/// that they agree; returns capictl's output.
fn both(cp: &ControlPlane, home: &Path, args: &[&str]) -> Output {
    let with = |cmd: &mut std::process::Command| {
        run(cmd
            .args(["generate", "cluster"])
            .args(args)
            .arg("--config")
            .arg(shared_config())
            .arg("--kubeconfig")
            .arg(cp.kubeconfig()))
    };
    let ours = with(&mut capictl_std(home));
    let theirs = with(&mut clusterctl(home));
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit codes of {args:?}"
    );
    assert_eq!(stdout(&ours), stdout(&theirs), "stdout of {args:?}");
    assert_eq!(stderr(&ours), stderr(&theirs), "stderr of {args:?}");
    ours
}

const DEV: [&str; 5] = [
    "demo",
    "--flavor",
    "development",
    "--kubernetes-version",
    "v1.35.0",
];

#[test]
fn defaults_come_from_the_management_cluster() {
    let cp = ControlPlane::start("gen-defaults");
    let home = tempfile::tempdir().unwrap();

    // Nothing installed yet: no default infrastructure provider, no version.
    let out = both(&cp, home.path(), &DEV);
    assert_eq!(
        stderr(&out),
        "Error: failed to identify the default infrastructure provider. Please specify an infrastructure provider\n"
    );
    let out = both(
        &cp,
        home.path(),
        &["demo", "-i", "docker", "--flavor", "development"],
    );
    assert_eq!(
        stderr(&out),
        "Error: Unable to identify version for the provider \"docker\" automatically. Please specify a version\n"
    );

    let init = run(capictl_std(home.path())
        .args(["init", "-i", "docker", "--config"])
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(init.status.success());

    // docker v1.13.5 from the inventory, namespace "default" from the kubeconfig: the same
    // output as naming them (the recorded golden), ClusterClass included.
    let out = both(&cp, home.path(), &DEV);
    assert!(out.status.success());
    let golden = std::fs::read_to_string(root().join("testdata/golden/out/gc-dev.stdout")).unwrap();
    assert_eq!(stdout(&out), golden);

    // ConfigMap templates.
    let template = std::fs::read_to_string(root().join(
        "testdata/repository/infrastructure-docker/v1.13.5/cluster-template-development.yaml",
    ))
    .unwrap();
    cp.block_on(async {
        let c = cp.client().await;
        let cm = serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "templates", "namespace": "default"},
            "data": {"template": template, "other": template},
        });
        apply_yaml(&c, &serde_json::to_string(&cm).unwrap()).await;
    });
    let out = both(
        &cp,
        home.path(),
        &[
            "demo",
            "--from-config-map",
            "templates",
            "--kubernetes-version",
            "v1.35.0",
            "-n",
            "team-a",
        ],
    );
    assert!(out.status.success());
    assert!(stdout(&out).contains("namespace: team-a"));
    let out = both(
        &cp,
        home.path(),
        &[
            "demo",
            "--from-config-map",
            "templates",
            "--from-config-map-key",
            "other",
            "--from-config-map-namespace",
            "default",
            "--list-variables",
        ],
    );
    assert!(out.status.success());
    let out = both(
        &cp,
        home.path(),
        &[
            "demo",
            "--from-config-map",
            "templates",
            "--from-config-map-key",
            "nope",
        ],
    );
    assert_eq!(
        stderr(&out),
        "Error: the ConfigMap default/templates does not have the \"nope\" data key\n"
    );
    let out = both(&cp, home.path(), &["demo", "--from-config-map", "missing"]);
    assert_eq!(
        stderr(&out),
        "Error: error reading ConfigMap default/missing: configmaps \"missing\" not found\n"
    );
}

#[test]
fn cluster_classes_already_in_the_cluster_are_not_generated_again() {
    let cp = ControlPlane::start("gen-classes");
    let home = tempfile::tempdir().unwrap();
    let init = run(capictl_std(home.path())
        .args(["init", "-i", "docker", "--config"])
        .arg(shared_config())
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(init.status.success());
    let full = both(&cp, home.path(), &DEV);
    assert!(full.status.success());
    let documents: Vec<String> = stdout(&full).split("\n---\n").map(str::to_string).collect();
    let (class_docs, cluster_docs): (Vec<&String>, Vec<&String>) =
        documents.iter().partition(|d| {
            !d.contains("\nkind: Cluster\n")
                && !d.starts_with("apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\n")
        });
    assert_eq!(class_docs.len(), 7, "ClusterClass and its templates");

    // Put the class in the cluster. No webhook server runs on this control plane, so the
    // providers' webhook configurations go first (they would refuse every object).
    cp.block_on(async {
        let c = cp.client().await;
        for kind in [
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration",
        ] {
            let api: kube::Api<kube::api::DynamicObject> = kube::Api::all_with(
                c.clone(),
                &kube::api::ApiResource::from_gvk_with_plural(
                    &kube::api::GroupVersionKind::gvk("admissionregistration.k8s.io", "v1", kind),
                    &format!("{}s", kind.to_lowercase()),
                ),
            );
            for w in api.list(&Default::default()).await.unwrap().items {
                let from_provider = w
                    .metadata
                    .labels
                    .as_ref()
                    .is_some_and(|l| l.contains_key("cluster.x-k8s.io/provider"));
                if from_provider {
                    api.delete(&w.metadata.name.unwrap(), &Default::default())
                        .await
                        .unwrap();
                }
            }
        }
        for doc in &class_docs {
            apply_yaml(&c, doc).await;
        }
    });
    let out = both(&cp, home.path(), &DEV);
    assert!(out.status.success());
    let expected: String = cluster_docs
        .iter()
        .map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join("\n---\n");
    assert_eq!(stdout(&out), expected);

    // Only part of the class left in the cluster: generating would clash with it.
    cp.block_on(async {
        let c = cp.client().await;
        let api: kube::Api<kube::api::DynamicObject> = kube::Api::namespaced_with(
            c,
            "default",
            &kube::api::ApiResource::from_gvk_with_plural(
                &kube::api::GroupVersionKind::gvk("cluster.x-k8s.io", "v1beta2", "ClusterClass"),
                "clusterclasses",
            ),
        );
        api.delete("quick-start", &Default::default())
            .await
            .unwrap();
    });
    let out = both(&cp, home.path(), &DEV);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with(
        "\nError: default/quick-start-cluster(infrastructure.cluster.x-k8s.io/v1beta2, Kind=DockerClusterTemplate) already exists in the cluster\n"
    ), "{}", stderr(&out));
}
