//! Soft ownership: links Cluster API relies on without writing ownerReferences.

use std::collections::HashMap;

use super::ObjectGraph;
use super::node::NodeId;
use super::types::CLUSTER_GROUP;

/// The suffixes of the Secrets Cluster API names after their Cluster (`<cluster>-<purpose>`).
pub const CLUSTER_SECRET_PURPOSES: [&str; 6] = [
    "kubeconfig",
    "ca",
    "etcd",
    "sa",
    "proxy",
    "apiserver-etcd-client",
];

/// The Cluster name a Secret name refers to, if it follows `<cluster>-<purpose>`.
///
/// Like Cluster API, the name is split at its last `-`, so the multi-word purpose
/// `apiserver-etcd-client` never matches; such Secrets carry ownerReferences anyway.
pub fn cluster_secret_owner(secret_name: &str) -> Option<&str> {
    let (cluster, purpose) = secret_name.rsplit_once('-')?;
    CLUSTER_SECRET_PURPOSES
        .contains(&purpose)
        .then_some(cluster)
}

impl ObjectGraph {
    /// Adds the soft owners: a Secret without ownerReferences named `<cluster>-<purpose>` is
    /// soft-owned by that Cluster (same namespace); a topology Cluster by its ClusterClass; a
    /// ClusterResourceSetBinding by the Cluster in its `spec.clusterName` (same namespace).
    /// Virtual nodes never soft-own: their namespace is unknown.
    pub fn set_soft_ownership(&mut self) {
        let clusters: HashMap<(String, String), NodeId> = self
            .observed(CLUSTER_GROUP, "Cluster")
            .map(|id| {
                let identity = &self.nodes[id.0].identity;
                ((identity.namespace.clone(), identity.name.clone()), id)
            })
            .collect();
        let classes: HashMap<(String, String), NodeId> = self
            .observed(CLUSTER_GROUP, "ClusterClass")
            .map(|id| {
                let identity = &self.nodes[id.0].identity;
                ((identity.namespace.clone(), identity.name.clone()), id)
            })
            .collect();

        let mut links = Vec::new();
        for (id, node) in self.nodes() {
            let identity = node.identity();
            let namespace = identity.namespace.clone();
            let owner = if identity.api_version == "v1" && identity.kind == "Secret" {
                if !node.owners.is_empty() {
                    continue;
                }
                cluster_secret_owner(&identity.name)
                    .and_then(|cluster| clusters.get(&(namespace, cluster.to_string())))
            } else if let Some(class) = &node.topology_class {
                classes.get(&(class.namespace.clone(), class.name.clone()))
            } else if let Some(cluster) = &node.binding_cluster {
                clusters.get(&(namespace, cluster.clone()))
            } else {
                None
            };
            if let Some(&owner) = owner {
                links.push((id, owner));
            }
        }
        for (id, owner) in links {
            self.add_soft_owner(id, owner);
        }
    }

    /// Observed nodes of `kind` in `group`.
    pub(crate) fn observed<'a>(
        &'a self,
        group: &'a str,
        kind: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.nodes()
            .filter(move |(_, n)| !n.is_virtual && n.identity.is(group, kind))
            .map(|(id, _)| id)
    }
}
