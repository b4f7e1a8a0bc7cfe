//! A real management cluster for tests: kube-apiserver + etcd on loopback, started with
//! `hack/control-plane.sh` under a name unique to the test (so tests run in parallel), stopped
//! when the handle is dropped.
//!
//! Nothing runs besides the API server. Where a test needs the effect of a controller it does
//! that controller's job explicitly and visibly:
//! - [`ControlPlane::mark_deployments_available`] writes Deployment status as the deployment
//!   controller and kubelet would;
//! - a background task finishes the deletion of Terminating namespaces as kube-controller-manager's
//!   namespace controller does (delete their content, then drop the `kubernetes` finalizer),
//!   because clusterctl's cert-manager check deletes a namespace on every run.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::discovery::{Discovery, Scope, verbs};

/// Root of the repository.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A running control plane.
pub struct ControlPlane {
    name: String,
    kubeconfig: PathBuf,
    runtime: tokio::runtime::Runtime,
    stop_controller: Arc<AtomicBool>,
}

impl ControlPlane {
    /// Starts a control plane named after `tag` (plus the process id and a counter).
    pub fn start(tag: &str) -> ControlPlane {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tag: String = tag
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .take(20)
            .collect();
        let name = format!("t{}-{n}-{}", std::process::id(), tag.trim_matches('-'));
        let out = script(&["start", &name]);
        let kubeconfig = PathBuf::from(out.lines().last().unwrap_or_default().trim());
        assert!(
            kubeconfig.is_file(),
            "no kubeconfig from control-plane.sh start {name}: {out}"
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let cp = ControlPlane {
            name,
            kubeconfig,
            runtime,
            stop_controller: Arc::new(AtomicBool::new(false)),
        };
        cp.spawn_namespace_controller();
        cp
    }

    /// The name given to hack/control-plane.sh.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The admin kubeconfig (context = the name, namespace `default`).
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// Runs a future on the harness's runtime.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// A kube client for assertions (build it inside [`ControlPlane::block_on`]).
    pub async fn client(&self) -> kube::Client {
        client_for(&self.kubeconfig).await
    }

    /// Stops finishing namespace deletions: from now on deleted namespaces stay Terminating,
    /// as on a cluster without kube-controller-manager.
    pub fn stop_namespace_controller(&self) {
        self.stop_controller.store(true, Ordering::Relaxed);
    }

    /// `hack/control-plane.sh restart-apiserver`.
    pub fn restart_apiserver(&self) {
        script(&["restart-apiserver", &self.name]);
    }

    /// `hack/control-plane.sh stop-apiserver`.
    pub fn stop_apiserver(&self) {
        script(&["stop-apiserver", &self.name]);
    }

    /// `hack/control-plane.sh start-apiserver`.
    pub fn start_apiserver(&self) {
        script(&["start-apiserver", &self.name]);
    }

    /// Writes `Available=True` status on every Deployment of `namespace`, as the deployment
    /// controller would once their Pods run. Returns how many were marked.
    pub async fn mark_deployments_available(&self, namespace: &str) -> usize {
        let client = self.client().await;
        let api: Api<Deployment> = Api::namespaced(client, namespace);
        let list = api.list(&ListParams::default()).await.unwrap();
        let now = chrono_like_now();
        for d in &list.items {
            let name = d.metadata.name.clone().unwrap_or_default();
            let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let status = serde_json::json!({"status": {
            "observedGeneration": d.metadata.generation.unwrap_or(1),
            "replicas": replicas, "updatedReplicas": replicas,
            "readyReplicas": replicas, "availableReplicas": replicas,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                 "message": "Deployment has minimum availability.",
                 "lastUpdateTime": now, "lastTransitionTime": now},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "message": "ReplicaSet has successfully progressed.",
                 "lastUpdateTime": now, "lastTransitionTime": now},
            ]}});
            api.patch_status(&name, &PatchParams::default(), &Patch::Merge(&status))
                .await
                .unwrap();
        }
        list.items.len()
    }

    /// Waits (up to 60 s) until no namespace is Terminating: the harness's namespace
    /// controller has caught up, as a real cluster's would have by the time a person runs the
    /// next command.
    pub fn wait_namespaces_settled(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let terminating = self.block_on(async {
                let api: Api<Namespace> = Api::all(self.client().await);
                api.list(&ListParams::default())
                    .await
                    .map(|l| {
                        l.items
                            .iter()
                            .any(|ns| ns.metadata.deletion_timestamp.is_some())
                    })
                    .unwrap_or(true)
            });
            if !terminating {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "namespaces still terminating after 60 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Starts doing what the deployment controller and kubelets would: every Deployment's
    /// status follows its `spec.replicas` (all available), so scale-downs complete and
    /// `--wait-providers` succeeds. Runs until the control plane is dropped.
    pub fn start_deployment_controller(&self) {
        let stop = self.stop_controller.clone();
        let kubeconfig = self.kubeconfig.clone();
        self.runtime.spawn(async move {
            let client = client_for(&kubeconfig).await;
            while !stop.load(Ordering::Relaxed) {
                let _ = follow_deployment_specs(&client).await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }

    fn spawn_namespace_controller(&self) {
        let stop = self.stop_controller.clone();
        let kubeconfig = self.kubeconfig.clone();
        self.runtime.spawn(async move {
            let client = client_for(&kubeconfig).await;
            while !stop.load(Ordering::Relaxed) {
                // Errors (e.g. while a test restarts the API server) are retried next round.
                if let Err(e) = finish_namespace_deletions(&client).await {
                    tracing_free_log(&format!("namespace controller: {e}"));
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        });
    }
}

impl Drop for ControlPlane {
    fn drop(&mut self) {
        self.stop_controller.store(true, Ordering::Relaxed);
        let _ = Command::new(root().join("hack/control-plane.sh"))
            .args(["stop", &self.name])
            .output();
    }
}

/// A kube client for a kubeconfig file.
pub async fn client_for(kubeconfig: &Path) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// Sets every Deployment's status to its desired replicas, all available.
async fn follow_deployment_specs(client: &kube::Client) -> Result<(), kube::Error> {
    let api: Api<Deployment> = Api::all(client.clone());
    for d in api.list(&ListParams::default()).await?.items {
        let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let status = d.status.clone().unwrap_or_default();
        if status.replicas == Some(want) && status.observed_generation == d.metadata.generation {
            continue;
        }
        let now = chrono_like_now();
        let patch = serde_json::json!({"status": {
        "observedGeneration": d.metadata.generation.unwrap_or(1),
        "replicas": want, "updatedReplicas": want,
        "readyReplicas": want, "availableReplicas": want,
        "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
             "message": "Deployment has minimum availability.",
             "lastUpdateTime": now, "lastTransitionTime": now},
        ]}});
        let ns = d.metadata.namespace.clone().unwrap_or_default();
        let name = d.metadata.name.clone().unwrap_or_default();
        let _ = Api::<Deployment>::namespaced(client.clone(), &ns)
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await;
    }
    Ok(())
}

/// A line in the test's output (shown when the test fails).
fn tracing_free_log(line: &str) {
    eprintln!("{line}");
}

/// What the namespace controller does for Terminating namespaces.
async fn finish_namespace_deletions(client: &kube::Client) -> Result<(), kube::Error> {
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let terminating: Vec<Namespace> = namespaces
        .list(&ListParams::default())
        .await?
        .items
        .into_iter()
        .filter(|ns| ns.metadata.deletion_timestamp.is_some())
        .collect();
    if terminating.is_empty() {
        return Ok(());
    }
    // Per-group discovery fails as a whole when one group version answers 404, as one briefly
    // does while a CRD changes; aggregated discovery (two requests) is the fallback.
    let discovery = match Discovery::new(client.clone()).run().await {
        Ok(d) => d,
        Err(_) => Discovery::new(client.clone()).run_aggregated().await?,
    };
    let kinds: Vec<kube::api::ApiResource> = discovery
        .groups()
        .flat_map(|g| g.recommended_resources())
        .filter(|(_, caps)| {
            caps.scope == Scope::Namespaced && caps.supports_operation(verbs::DELETE)
        })
        .map(|(ar, _)| ar)
        .collect();
    for ns in terminating {
        let name = ns.metadata.name.clone().unwrap_or_default();
        // Concurrently, as the real controller's informers do: the first list of a kind whose
        // CRD was just created waits about a second for the API server's watch cache.
        futures::StreamExt::for_each_concurrent(futures::stream::iter(&kinds), 16, |ar| {
            let api: Api<kube::api::DynamicObject> =
                Api::namespaced_with(client.clone(), &name, ar);
            async move {
                if let Ok(list) = api.list(&ListParams::default()).await {
                    for obj in list.items {
                        if let Some(n) = obj.metadata.name {
                            let _ = api.delete(&n, &DeleteParams::default()).await;
                        }
                    }
                }
            }
        })
        .await;
        let mut body = serde_json::to_value(&ns).unwrap();
        body["spec"]["finalizers"] = serde_json::json!([]);
        // Unconditional: a client updating the namespace meanwhile (clusterctl's cert-manager
        // check does so every second while it retries) would make a versioned write conflict
        // on every round, forever.
        if let Some(meta) = body["metadata"].as_object_mut() {
            meta.remove("resourceVersion");
        }
        let _ = namespaces
            .replace_subresource("finalize", &name, &PostParams::default(), &body)
            .await;
    }
    Ok(())
}

fn script(args: &[&str]) -> String {
    let out = Command::new(root().join("hack/control-plane.sh"))
        .args(args)
        .output()
        .expect("hack/control-plane.sh runs");
    assert!(
        out.status.success(),
        "hack/control-plane.sh {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// RFC 3339 "now" (UTC), for status timestamps.
pub fn chrono_like_now() -> String {
    capictl::fetch::clock::now_rfc3339()
}
