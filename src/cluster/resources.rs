//! Which REST resource serves an `apiVersion`/`kind`, and whether it is namespaced: built-in
//! kinds from a table, custom kinds from the CRDs being applied, anything else from discovery
//! (one request per group-version, cached).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use kube::core::ApiResource;
use serde_json::Value;

use super::error::{ApiFailure, ClusterError};

/// A resolved resource: where objects of a kind live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// Group, version, kind and plural.
    pub api_resource: ApiResource,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
}

impl ResourceType {
    /// The URL path of the collection (namespace ignored for cluster-scoped resources).
    pub fn url_path(&self, namespace: &str) -> String {
        let ns = (self.namespaced && !namespace.is_empty()).then_some(namespace);
        <kube::core::DynamicObject as kube::Resource>::url_path(&self.api_resource, ns)
    }

    /// `group/version, Kind=Kind` as Go prints a GroupVersionKind.
    pub fn gvk_string(&self) -> String {
        gvk_string(&self.api_resource.api_version, &self.api_resource.kind)
    }
}

/// Go's `schema.GroupVersionKind.String()`: `apps/v1, Kind=Deployment`, `/v1, Kind=Namespace`.
pub fn gvk_string(api_version: &str, kind: &str) -> String {
    let (group, version) = split_api_version(api_version);
    format!("{group}/{version}, Kind={kind}")
}

fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

/// `(plural, namespaced)` of built-in kinds, by `apiVersion` and kind.
const BUILT_IN: &[(&str, &str, &str, bool)] = &[
    ("v1", "Namespace", "namespaces", false),
    ("v1", "ServiceAccount", "serviceaccounts", true),
    ("v1", "Service", "services", true),
    ("v1", "ConfigMap", "configmaps", true),
    ("v1", "Secret", "secrets", true),
    ("v1", "Pod", "pods", true),
    ("v1", "Endpoints", "endpoints", true),
    (
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
    ),
    ("v1", "PersistentVolume", "persistentvolumes", false),
    ("v1", "LimitRange", "limitranges", true),
    ("v1", "ResourceQuota", "resourcequotas", true),
    ("v1", "Node", "nodes", false),
    ("apps/v1", "Deployment", "deployments", true),
    ("apps/v1", "DaemonSet", "daemonsets", true),
    ("apps/v1", "StatefulSet", "statefulsets", true),
    ("apps/v1", "ReplicaSet", "replicasets", true),
    ("rbac.authorization.k8s.io/v1", "Role", "roles", true),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy",
        "validatingadmissionpolicies",
        false,
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings",
        false,
    ),
    (
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
    ),
    (
        "apiregistration.k8s.io/v1",
        "APIService",
        "apiservices",
        false,
    ),
    (
        "scheduling.k8s.io/v1",
        "PriorityClass",
        "priorityclasses",
        false,
    ),
    ("storage.k8s.io/v1", "StorageClass", "storageclasses", false),
    (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
    ),
    ("networking.k8s.io/v1", "Ingress", "ingresses", true),
    (
        "policy/v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
    ),
    ("coordination.k8s.io/v1", "Lease", "leases", true),
    (
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "endpointslices",
        true,
    ),
];

fn resource_type(api_version: &str, kind: &str, plural: &str, namespaced: bool) -> ResourceType {
    let (group, version) = split_api_version(api_version);
    ResourceType {
        api_resource: ApiResource {
            group: group.to_string(),
            version: version.to_string(),
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            plural: plural.to_string(),
        },
        namespaced,
    }
}

/// The cache of resolved kinds. Shared by all tasks of a [`super::ManagementCluster`].
#[derive(Debug)]
pub struct ResourceResolver {
    known: Mutex<HashMap<(String, String), ResourceType>>,
    discovered: tokio::sync::Mutex<HashSet<String>>,
}

impl Default for ResourceResolver {
    fn default() -> Self {
        ResourceResolver::new()
    }
}

impl ResourceResolver {
    /// A resolver that knows the built-in kinds.
    pub fn new() -> ResourceResolver {
        let known = BUILT_IN
            .iter()
            .map(|(av, kind, plural, ns)| {
                (
                    (av.to_string(), kind.to_string()),
                    resource_type(av, kind, plural, *ns),
                )
            })
            .collect();
        ResourceResolver {
            known: Mutex::new(known),
            discovered: tokio::sync::Mutex::new(HashSet::new()),
        }
    }

    /// Records the resources a CustomResourceDefinition object (v1) defines, so that objects of
    /// its kinds resolve without discovery.
    pub fn learn_crd(&self, crd: &Value) {
        let spec = crd.get("spec");
        let group = spec
            .and_then(|s| s.get("group"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let names = spec.and_then(|s| s.get("names"));
        let kind = names
            .and_then(|n| n.get("kind"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let plural = names
            .and_then(|n| n.get("plural"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let namespaced =
            spec.and_then(|s| s.get("scope")).and_then(Value::as_str) != Some("Cluster");
        if group.is_empty() || kind.is_empty() || plural.is_empty() {
            return;
        }
        let versions = spec
            .and_then(|s| s.get("versions"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        for v in versions {
            if let Some(version) = v.get("name").and_then(Value::as_str) {
                let api_version = format!("{group}/{version}");
                known.insert(
                    (api_version.clone(), kind.to_string()),
                    resource_type(&api_version, kind, plural, namespaced),
                );
            }
        }
    }

    fn cached(&self, api_version: &str, kind: &str) -> Option<ResourceType> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known
            .get(&(api_version.to_string(), kind.to_string()))
            .cloned()
    }

    /// Resolves `api_version`/`kind`, asking the server's discovery for the group-version once
    /// when the kind is not known yet.
    pub async fn resolve(
        &self,
        client: &kube::Client,
        api_version: &str,
        kind: &str,
    ) -> Result<ResourceType, ClusterError> {
        if let Some(found) = self.cached(api_version, kind) {
            return Ok(found);
        }
        let mut discovered = self.discovered.lock().await;
        if let Some(found) = self.cached(api_version, kind) {
            return Ok(found);
        }
        if !discovered.contains(api_version) {
            let list = super::backoff::retry(super::backoff::Backoff::READ, || async {
                let result = if api_version.contains('/') {
                    client.list_api_group_resources(api_version).await
                } else {
                    client.list_core_api_resources(api_version).await
                };
                result.map_err(|e| ClusterError::Api {
                    action: format!("failed to discover the resources of {api_version}"),
                    failure: ApiFailure::from(e),
                })
            })
            .await;
            match list {
                Ok(list) => {
                    let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
                    for r in list.resources.iter().filter(|r| !r.name.contains('/')) {
                        known.insert(
                            (api_version.to_string(), r.kind.clone()),
                            resource_type(api_version, &r.kind, &r.name, r.namespaced),
                        );
                    }
                    discovered.insert(api_version.to_string());
                }
                Err(e) if e.failure().is_some_and(|f| f.code == Some(404)) => {}
                Err(e) => return Err(e),
            }
        }
        drop(discovered);
        self.cached(api_version, kind)
            .ok_or_else(|| ClusterError::KindNotServed {
                kind: kind.to_string(),
                api_version: api_version.to_string(),
            })
    }

    /// Forgets what discovery said about `api_version` (after the server stopped serving a
    /// kind it listed, e.g. during a restart).
    pub async fn forget(&self, api_version: &str) {
        self.discovered.lock().await.remove(api_version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crds_teach_their_kinds() {
        let r = ResourceResolver::new();
        r.learn_crd(&serde_json::json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "dockerclusters.infrastructure.cluster.x-k8s.io"},
            "spec": {"group": "infrastructure.cluster.x-k8s.io", "scope": "Namespaced",
                     "names": {"kind": "DockerCluster", "plural": "dockerclusters"},
                     "versions": [{"name": "v1beta1"}, {"name": "v1beta2"}]}
        }));
        let t = r
            .cached("infrastructure.cluster.x-k8s.io/v1beta2", "DockerCluster")
            .unwrap();
        assert_eq!(t.api_resource.plural, "dockerclusters");
        assert!(t.namespaced);
        assert_eq!(
            t.url_path("ns1"),
            "/apis/infrastructure.cluster.x-k8s.io/v1beta2/namespaces/ns1/dockerclusters"
        );
        let ns = r.cached("v1", "Namespace").unwrap();
        assert_eq!(ns.url_path("ignored"), "/api/v1/namespaces");
        assert_eq!(ns.gvk_string(), "/v1, Kind=Namespace");
    }
}
