//! A realistic workload for `move`: workload clusters of 25 Cluster API objects each, created
//! on a management cluster the way Cluster API v1.13.5's controllers leave them once
//! provisioned (specs, ownerReferences with the API server's uids, finalizers, status written
//! through `/status`), so that upstream `clusterctl move` accepts and moves them.
//!
//! Used by the integration tests (`tests/move_fixture.rs`) and, through
//! `examples/move_workload.rs`, by `hack/bench.sh move`. `objects` and `secrets` say what each
//! cluster is made of; `floor` is the least work any client must do to move it.
#![allow(dead_code)]

mod floor;
mod machines;
mod objects;
mod secrets;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use futures::{StreamExt as _, TryStreamExt as _};
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ApiResource, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

#[allow(unused_imports)] // each user takes a part
pub use floor::{FloorReport, floor_move};
#[allow(unused_imports)]
pub use objects::{ClusterPlan, cluster_name};

/// Requests a workload client keeps in flight (creating the workload, and the floor).
pub const IN_FLIGHT: usize = 16;

/// A kind of object `move` carries, named so that no discovery is needed.
pub struct MovedKind {
    /// `group/version`, or `v1` for the core group.
    pub api_version: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// The resource (lowercase plural).
    pub plural: &'static str,
}

impl MovedKind {
    /// The resource for kube's dynamic API.
    pub fn resource(&self) -> ApiResource {
        let (group, version) = self
            .api_version
            .rsplit_once('/')
            .unwrap_or(("", self.api_version));
        ApiResource {
            group: group.to_string(),
            version: version.to_string(),
            api_version: self.api_version.to_string(),
            kind: self.kind.to_string(),
            plural: self.plural.to_string(),
        }
    }

    /// The kind's objects in `namespace`.
    pub fn api(&self, client: &kube::Client, namespace: &str) -> Api<DynamicObject> {
        Api::namespaced_with(client.clone(), namespace, &self.resource())
    }
}

/// Every kind a workload cluster is made of, owners before the objects they own.
pub const MOVED_KINDS: [MovedKind; 11] = [
    moved("cluster.x-k8s.io/v1beta2", "Cluster", "clusters"),
    moved(
        "infrastructure.cluster.x-k8s.io/v1beta2",
        "DockerCluster",
        "dockerclusters",
    ),
    moved(
        "controlplane.cluster.x-k8s.io/v1beta2",
        "KubeadmControlPlane",
        "kubeadmcontrolplanes",
    ),
    moved(
        "infrastructure.cluster.x-k8s.io/v1beta2",
        "DockerMachineTemplate",
        "dockermachinetemplates",
    ),
    moved(
        "bootstrap.cluster.x-k8s.io/v1beta2",
        "KubeadmConfigTemplate",
        "kubeadmconfigtemplates",
    ),
    moved(
        "cluster.x-k8s.io/v1beta2",
        "MachineDeployment",
        "machinedeployments",
    ),
    moved("cluster.x-k8s.io/v1beta2", "MachineSet", "machinesets"),
    moved("cluster.x-k8s.io/v1beta2", "Machine", "machines"),
    moved(
        "infrastructure.cluster.x-k8s.io/v1beta2",
        "DockerMachine",
        "dockermachines",
    ),
    moved(
        "bootstrap.cluster.x-k8s.io/v1beta2",
        "KubeadmConfig",
        "kubeadmconfigs",
    ),
    moved("v1", "Secret", "secrets"),
];

const fn moved(api_version: &'static str, kind: &'static str, plural: &'static str) -> MovedKind {
    MovedKind {
        api_version,
        kind,
        plural,
    }
}

/// The entry of [`MOVED_KINDS`] for `kind`.
pub fn kind(kind: &str) -> &'static MovedKind {
    MOVED_KINDS
        .iter()
        .find(|k| k.kind == kind)
        .unwrap_or_else(|| panic!("{kind} is not one of the moved kinds"))
}

/// The plan of workload cluster `index` (1-based), for tests that look inside it.
pub fn plan(prefix: &str, index: usize, namespace: &str) -> ClusterPlan {
    objects::cluster(prefix, index, namespace, &now())
}

/// How many objects of each kind of [`MOVED_KINDS`] `clusters` workload clusters make.
pub fn expected_counts(clusters: usize) -> Vec<(&'static str, usize)> {
    let one = plan("c", 1, "ns");
    MOVED_KINDS
        .iter()
        .map(|k| {
            let per_cluster = one.objects.iter().filter(|o| o.kind.kind == k.kind).count();
            (k.kind, per_cluster * clusters)
        })
        .collect()
}

/// Objects per workload cluster.
pub fn objects_per_cluster() -> usize {
    plan("c", 1, "ns").objects.len()
}

/// A client for a kubeconfig file (its current context).
pub async fn connect(kubeconfig: &Path) -> anyhow::Result<kube::Client> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let kc = kube::config::Kubeconfig::read_from(kubeconfig)
        .with_context(|| format!("reading {}", kubeconfig.display()))?;
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default()).await?;
    Ok(kube::Client::try_from(config)?)
}

/// Deletes the providers' ValidatingWebhookConfigurations and MutatingWebhookConfigurations
/// (those labelled `cluster.x-k8s.io/provider`). The test control plane runs no Pods, so the
/// webhooks could never answer and every create or update of a provider's object would fail;
/// without them the API server only validates against the CRD schemas. Returns how many went.
pub async fn remove_provider_webhooks(client: &kube::Client) -> anyhow::Result<usize> {
    let selector = ListParams::default().labels("cluster.x-k8s.io/provider");
    let mut removed = 0;
    let validating: Api<ValidatingWebhookConfiguration> = Api::all(client.clone());
    for w in validating.list_metadata(&selector).await? {
        let name = w.metadata.name.unwrap_or_default();
        validating.delete(&name, &Default::default()).await?;
        removed += 1;
    }
    let mutating: Api<MutatingWebhookConfiguration> = Api::all(client.clone());
    for w in mutating.list_metadata(&selector).await? {
        let name = w.metadata.name.unwrap_or_default();
        mutating.delete(&name, &Default::default()).await?;
        removed += 1;
    }
    Ok(removed)
}

/// Creates `namespace` unless it exists.
pub async fn ensure_namespace(client: &kube::Client, namespace: &str) -> anyhow::Result<()> {
    let api: Api<Namespace> = Api::all(client.clone());
    let body: Namespace = serde_json::from_value(json!({"metadata": {"name": namespace}}))?;
    match api.create(&PostParams::default(), &body).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 409 => Ok(()),
        Err(e) => Err(e).with_context(|| format!("creating namespace {namespace}")),
    }
}

/// Creates `namespace` and workload clusters `<prefix>-1` … `<prefix>-<count>` in it, with
/// [`IN_FLIGHT`] requests at a time. Returns how many objects were created.
pub async fn create_clusters(
    client: &kube::Client,
    namespace: &str,
    prefix: &str,
    count: usize,
) -> anyhow::Result<usize> {
    create_clusters_at(client, namespace, prefix, count, &now()).await
}

/// [`create_clusters`] with `now` (RFC 3339) as the time written in status timestamps and
/// conditions' lastTransitionTime: a time well in the past keeps ages (`describe`'s SINCE)
/// the same for a whole day.
pub async fn create_clusters_at(
    client: &kube::Client,
    namespace: &str,
    prefix: &str,
    count: usize,
    now: &str,
) -> anyhow::Result<usize> {
    ensure_namespace(client, namespace).await?;
    let permits = Arc::new(Semaphore::new(IN_FLIGHT));
    let now = now.to_string();
    let created: Vec<usize> = futures::stream::iter(1..=count)
        .map(|index| {
            let plan = objects::cluster(prefix, index, namespace, &now);
            create_cluster(client, namespace, plan, permits.clone())
        })
        // Enough clusters at once to keep every permit busy while each waits for its owners.
        .buffer_unordered(IN_FLIGHT)
        .try_collect()
        .await?;
    Ok(created.iter().sum())
}

/// Creates one cluster's objects level by level (owners first, so their uids are known), each
/// followed by its status.
async fn create_cluster(
    client: &kube::Client,
    namespace: &str,
    plan: ClusterPlan,
    permits: Arc<Semaphore>,
) -> anyhow::Result<usize> {
    let mut uids: Vec<String> = vec![String::new(); plan.objects.len()];
    for level in plan.levels() {
        let created = futures::future::try_join_all(
            level
                .iter()
                .map(|&i| create_planned(client, namespace, &plan, i, &uids, permits.clone())),
        )
        .await?;
        for (i, uid) in level.into_iter().zip(created) {
            uids[i] = uid;
        }
    }
    Ok(plan.objects.len())
}

async fn create_planned(
    client: &kube::Client,
    namespace: &str,
    plan: &ClusterPlan,
    index: usize,
    uids: &[String],
    permits: Arc<Semaphore>,
) -> anyhow::Result<String> {
    let planned = &plan.objects[index];
    let mut body = planned.body.clone();
    if !planned.owners.is_empty() {
        let refs: Vec<Value> = planned
            .owners
            .iter()
            .map(|link| {
                let owner = &plan.objects[link.owner];
                let mut r = json!({
                    "apiVersion": owner.kind.api_version, "kind": owner.kind.kind,
                    "name": owner.name(), "uid": uids[link.owner],
                    "controller": link.controller,
                });
                if link.block_owner_deletion {
                    r["blockOwnerDeletion"] = json!(true);
                }
                r
            })
            .collect();
        body["metadata"]["ownerReferences"] = Value::Array(refs);
    }
    let what = || format!("{} {namespace}/{}", planned.kind.kind, planned.name());
    let api = planned.kind.api(client, namespace);
    let object: DynamicObject = serde_json::from_value(body)?;
    let created = {
        let _permit = permits.acquire().await?;
        api.create(&PostParams::default(), &object)
            .await
            .with_context(|| format!("creating {}", what()))?
    };
    if let Some(status) = &planned.status {
        let _permit = permits.acquire().await?;
        api.patch_status(
            planned.name(),
            &PatchParams::default(),
            &Patch::Merge(json!({ "status": status })),
        )
        .await
        .with_context(|| format!("writing the status of {}", what()))?;
    }
    Ok(created.metadata.uid.unwrap_or_default())
}

/// How many objects of each kind of [`MOVED_KINDS`] are in `namespace`.
pub async fn count_objects(
    client: &kube::Client,
    namespace: &str,
) -> anyhow::Result<Vec<(&'static str, usize)>> {
    let mut counts = Vec::new();
    for k in &MOVED_KINDS {
        let list = k
            .api(client, namespace)
            .list_metadata(&ListParams::default())
            .await
            .with_context(|| format!("listing {} in {namespace}", k.plural))?;
        counts.push((k.kind, list.items.len()));
    }
    Ok(counts)
}

fn now() -> String {
    capictl::fetch::clock::now_rfc3339()
}
