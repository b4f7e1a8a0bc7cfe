//! Walks over the graph, for move and for describe.

use std::collections::BTreeSet;

use super::ObjectGraph;
use super::node::NodeId;
use super::types::CLUSTER_GROUP;

impl ObjectGraph {
    /// The owners of a node: its ownerReferences first, then its soft owners, each once.
    pub fn owners_of(&self, id: NodeId) -> Vec<NodeId> {
        let node = &self.nodes[id.0];
        let mut owners: Vec<NodeId> = node.owners.iter().map(|l| l.owner).collect();
        for &soft in &node.soft_owners {
            if !owners.contains(&soft) {
                owners.push(soft);
            }
        }
        owners
    }

    /// The nodes `id` owns directly, by ownerReference or by convention, each once, in graph
    /// order.
    pub fn children_of(&self, id: NodeId) -> Vec<NodeId> {
        let node = &self.nodes[id.0];
        let children: BTreeSet<NodeId> = node
            .dependents
            .iter()
            .chain(&node.soft_dependents)
            .copied()
            .collect();
        children.into_iter().collect()
    }

    /// The owner whose ownerReference says `controller: true` (the first such reference), as
    /// Kubernetes' `GetControllerOf` picks it.
    pub fn controller_of(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id.0]
            .owners
            .iter()
            .find(|l| l.controller == Some(true))
            .map(|l| l.owner)
    }

    /// The nodes `owner` controls (see [`ObjectGraph::controller_of`]) of `kind` in `group`,
    /// in graph order.
    pub fn controlled_by(&self, owner: NodeId, group: &str, kind: &str) -> Vec<NodeId> {
        self.children_of(owner)
            .into_iter()
            .filter(|&c| self.nodes[c.0].identity.is(group, kind))
            .filter(|&c| self.controller_of(c) == Some(owner))
            .collect()
    }

    /// Everything below `id` (not `id` itself), in graph order; each node once, even when
    /// ownership forms a cycle.
    pub fn descendants_of(&self, id: NodeId) -> Vec<NodeId> {
        let mut seen = BTreeSet::new();
        let mut stack = self.children_of(id);
        while let Some(next) = stack.pop() {
            if next != id && seen.insert(next) {
                stack.extend(self.children_of(next));
            }
        }
        seen.into_iter().collect()
    }

    /// The nodes whose tenants include `root`, `root` itself among them.
    pub fn tenants_of(&self, root: NodeId) -> Vec<NodeId> {
        self.nodes()
            .filter(|(_, n)| n.tenants.contains(&root))
            .map(|(id, _)| id)
            .collect()
    }

    /// The Clusters of the graph.
    pub fn clusters(&self) -> Vec<NodeId> {
        self.observed(CLUSTER_GROUP, "Cluster").collect()
    }

    /// The ClusterClasses of the graph.
    pub fn cluster_classes(&self) -> Vec<NodeId> {
        self.observed(CLUSTER_GROUP, "ClusterClass").collect()
    }

    /// Owners still known only from ownerReferences; they will not move (clusterctl logs
    /// them at verbosity 5).
    pub fn virtual_nodes(&self) -> Vec<NodeId> {
        self.nodes()
            .filter(|(_, n)| n.is_virtual)
            .map(|(id, _)| id)
            .collect()
    }
}
