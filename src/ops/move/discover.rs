//! Discovery: which types a move reads, every object of them in the namespace, and the owner
//! graph over them. Objects are kept as compact JSON text (a parsed value takes several times
//! the memory) and parsed again only when one is written.

use std::collections::BTreeMap;

use futures::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::cluster::backoff::{Backoff, retry};
use crate::cluster::{ClusterError, InventoryEntry, Listing, ManagementCluster, ObjectRef};
use crate::error::Error;
use crate::graph::{
    CLUSTER_GROUP, CLUSTERCTL_LABEL, NodeId, ObjectGraph, TypeInfo, cluster_class_templates,
};

/// How many lists run at once.
const LIST_CONCURRENCY: usize = 8;

/// The objects of a move and their graph.
pub(super) struct Discovery {
    pub(super) graph: ObjectGraph,
    /// The types read, in the order they were listed.
    pub(super) types: Vec<TypeInfo>,
    /// Compact JSON of each observed node's object, by node index.
    store: Vec<Option<Box<str>>>,
}

impl Discovery {
    pub(super) fn new(types: Vec<TypeInfo>) -> Discovery {
        Discovery {
            graph: ObjectGraph::new(types.clone()),
            types,
            store: Vec::new(),
        }
    }

    /// Adds an object to the graph and keeps its text.
    pub(super) fn add(&mut self, obj: &Value) -> Result<NodeId, Error> {
        let id = self.graph.add_object(obj)?;
        self.set_object(id, obj);
        Ok(id)
    }

    /// Replaces the stored object of `id` (after a patch returned a newer one).
    pub(super) fn set_object(&mut self, id: NodeId, obj: &Value) {
        let index = node_index(&self.graph, id);
        if self.store.len() <= index {
            self.store.resize(index + 1, None);
        }
        self.store[index] = Some(obj.to_string().into_boxed_str());
    }

    /// The stored object of `id`, parsed.
    pub(super) fn object(&self, id: NodeId) -> Option<Value> {
        let text = self.store.get(node_index(&self.graph, id))?.as_deref()?;
        serde_json::from_str(text).ok()
    }

    /// Soft owners and tenants, once every object is in.
    pub(super) fn link(&mut self) {
        self.graph.set_soft_ownership();
        self.graph.set_tenants();
    }
}

/// Node ids are indexes into the graph's nodes; the store follows them.
fn node_index(_graph: &ObjectGraph, id: NodeId) -> usize {
    id.0
}

/// The part of a CRD that classifies its type: labels, group, kind, scope and versions.
/// Deserialized straight from the list (CRDs are large; their schemas are skipped).
#[derive(Deserialize)]
struct CrdList {
    items: Vec<CrdSummary>,
}

#[derive(Deserialize)]
struct CrdSummary {
    metadata: CrdMetadata,
    spec: Value,
}

#[derive(Deserialize)]
struct CrdMetadata {
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

/// clusterctl's discovery types: the storage version of every CRD carrying the
/// `clusterctl.cluster.x-k8s.io` label, then Secret and ConfigMap.
pub(super) async fn discovery_types(
    cluster: &ManagementCluster,
) -> Result<Vec<TypeInfo>, ClusterError> {
    let params = kube::core::params::ListParams::default().labels(CLUSTERCTL_LABEL);
    let list: CrdList = retry(Backoff::READ, || async {
        let req =
            kube::core::Request::new("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
                .list(&params)
                .map_err(|e| ClusterError::BuildRequest {
                    action: "failed to build a request".into(),
                    source: e,
                })?;
        cluster
            .client()
            .request::<CrdList>(req)
            .await
            .map_err(|e| ClusterError::Api {
                action: "failed to list CRDs".into(),
                failure: e.into(),
            })
    })
    .await?;
    let mut types: Vec<TypeInfo> = list
        .items
        .into_iter()
        .filter_map(|crd| {
            let summary = json!({
                "metadata": {"labels": crd.metadata.labels},
                "spec": {
                    "group": crd.spec.get("group"),
                    "names": {"kind": crate::object::get_path(&crd.spec, &["names", "kind"])},
                    "scope": crd.spec.get("scope"),
                    "versions": crd.spec.get("versions").and_then(Value::as_array).map(|vs| {
                        vs.iter()
                            .map(|v| json!({"name": v.get("name"), "storage": v.get("storage")}))
                            .collect::<Vec<_>>()
                    }),
                },
            });
            TypeInfo::from_crd(&summary)
        })
        .collect();
    types.sort_by(|a, b| (a.group(), &a.kind).cmp(&(b.group(), &b.kind)));
    types.extend(TypeInfo::core_types());
    Ok(types)
}

/// Lists every object of `types` in `namespace` (cluster-scoped types everywhere; Secrets
/// also in the namespaces of infrastructure providers, for their credentials), adds the
/// ClusterClasses of other namespaces that moved Clusters use, with their templates, and
/// links the graph.
pub(super) async fn discover(
    cluster: &ManagementCluster,
    namespace: &str,
    types: Vec<TypeInfo>,
    inventory: &[InventoryEntry],
) -> Result<Discovery, Error> {
    let mut lists: Vec<(TypeInfo, String)> = Vec::new();
    for t in &types {
        let ns = if t.global { "" } else { namespace };
        lists.push((t.clone(), ns.to_string()));
        if t.api_version == "v1" && t.kind == "Secret" && !namespace.is_empty() {
            let mut provider_namespaces: Vec<&str> = inventory
                .iter()
                .filter(|e| e.type_name == "InfrastructureProvider" && e.namespace != namespace)
                .map(|e| e.namespace.as_str())
                .collect();
            provider_namespaces.sort_unstable();
            provider_namespaces.dedup();
            lists.extend(
                provider_namespaces
                    .into_iter()
                    .map(|ns| (t.clone(), ns.to_string())),
            );
        }
    }
    let mut discovery = Discovery::new(types);
    // In order, so that the graph (and every message) is the same from run to run.
    let mut listed = futures::stream::iter(lists)
        .map(|(t, ns)| async move {
            cluster
                .list_all(&t.api_version, &t.kind, &ns, Listing::Objects)
                .await
                .map_err(|e| e.context(format!("failed to list {:?} resources", t.kind)))
        })
        .buffered(LIST_CONCURRENCY);
    while let Some(objects) = listed.next().await {
        for obj in objects? {
            discovery.add(&obj)?;
        }
    }
    drop(listed);
    add_external_classes(cluster, namespace, &mut discovery).await?;
    discovery.link();
    if !discovery.graph.cluster_classes().is_empty() && !namespace.is_empty() {
        let class_type = discovery
            .types
            .iter()
            .find(|t| t.group() == CLUSTER_GROUP && t.kind == "Cluster")
            .cloned();
        if let Some(t) = class_type {
            let clusters = cluster
                .list_all(&t.api_version, "Cluster", "", Listing::Objects)
                .await?;
            discovery.graph.set_should_not_delete(namespace, &clusters);
        }
    }
    Ok(discovery)
}

/// ClusterClasses in other namespaces used by the Clusters moved, and their templates.
async fn add_external_classes(
    cluster: &ManagementCluster,
    namespace: &str,
    discovery: &mut Discovery,
) -> Result<(), Error> {
    let classes = discovery.graph.external_cluster_classes(namespace);
    if classes.is_empty() {
        return Ok(());
    }
    let Some(class_version) = discovery
        .types
        .iter()
        .find(|t| t.group() == CLUSTER_GROUP && t.kind == "ClusterClass")
        .map(|t| t.api_version.clone())
    else {
        return Ok(());
    };
    for class in classes {
        let r = ObjectRef::new(
            &class_version,
            "ClusterClass",
            &class.namespace,
            &class.name,
        );
        let Some(obj) = cluster.get(&r).await? else {
            continue;
        };
        discovery.add(&obj)?;
        for template in cluster_class_templates(&obj) {
            let r = ObjectRef::new(
                &template.api_version,
                &template.kind,
                &template.namespace,
                &template.name,
            );
            if let Some(obj) = cluster.get(&r).await? {
                discovery.add(&obj)?;
            }
        }
    }
    Ok(())
}
