//! Moving a subset: only some Clusters and what belongs to them.

use std::collections::BTreeSet;

use super::ObjectGraph;
use super::node::NodeId;
use super::types::CLUSTER_GROUP;

impl ObjectGraph {
    /// Restricts the move set to the Clusters `selected` and what belongs to them. Call it
    /// after [`ObjectGraph::set_tenants`] (and `set_should_not_delete`).
    ///
    /// - A node that belongs to Clusters moves only when one of them is selected.
    /// - A ClusterClass (with its templates) moves when a selected Cluster uses it, and stays
    ///   on the source too (copied, not moved) while an unselected Cluster still uses it.
    /// - Every other root of the move set (a ClusterResourceSet, an object labelled for
    ///   move) may be shared by the Clusters that stay: it is copied and kept.
    pub fn keep_only_clusters(&mut self, selected: &BTreeSet<NodeId>) {
        let clusters: BTreeSet<NodeId> = self.clusters().into_iter().collect();
        let classes: BTreeSet<NodeId> = self.cluster_classes().into_iter().collect();
        let mut keep_on_source = Vec::new();
        for &class in &classes {
            let users: Vec<NodeId> = self.nodes[class.0]
                .soft_dependents
                .iter()
                .copied()
                .filter(|d| clusters.contains(d))
                .collect();
            if users.iter().any(|u| selected.contains(u)) {
                if users.iter().any(|u| !selected.contains(u)) {
                    keep_on_source.push(class);
                }
            } else {
                self.nodes[class.0].excluded = true;
            }
        }
        for id in (0..self.nodes.len()).map(NodeId) {
            let node = &self.nodes[id.0];
            if node.excluded || node.tenants.is_empty() && !node.force_move {
                continue;
            }
            let cluster_tenants: Vec<NodeId> = node
                .tenants
                .iter()
                .copied()
                .filter(|t| clusters.contains(t))
                .collect();
            let excluded = if !cluster_tenants.is_empty() {
                !cluster_tenants.iter().any(|t| selected.contains(t))
            } else {
                let class_tenants: Vec<NodeId> = node
                    .tenants
                    .iter()
                    .copied()
                    .filter(|t| classes.contains(t))
                    .collect();
                if class_tenants.is_empty() {
                    keep_on_source.push(id);
                    false
                } else {
                    class_tenants.iter().all(|t| self.nodes[t.0].excluded)
                }
            };
            self.nodes[id.0].excluded = excluded;
        }
        for id in keep_on_source {
            if !self.nodes[id.0].excluded {
                self.mark_should_not_delete(id);
            }
        }
    }

    /// The Cluster named `namespace/name`, if observed.
    pub fn cluster_named(&self, namespace: &str, name: &str) -> Option<NodeId> {
        self.observed(CLUSTER_GROUP, "Cluster").find(|id| {
            let identity = &self.nodes[id.0].identity;
            identity.namespace == namespace && identity.name == name
        })
    }
}
