//! Tenants, objects to keep on the source, and the move set.

use serde_json::Value;

use super::ObjectGraph;
use super::node::NodeId;
use super::types::CLUSTER_GROUP;
use crate::object;

impl ObjectGraph {
    /// Makes every move-hierarchy root (Cluster, ClusterClass, ClusterResourceSet, types or
    /// objects labelled move-hierarchy) a tenant of itself and of everything it owns or
    /// soft-owns, transitively. Below a cluster-scoped root, nodes become global-hierarchy.
    /// Ownership cycles (which the API server accepts) are walked once. Call it once, after
    /// every object and soft owner is in: a second call does not revisit known tenants.
    pub fn set_tenants(&mut self) {
        let roots: Vec<NodeId> = self
            .nodes()
            .filter(|(_, n)| n.force_move_hierarchy)
            .map(|(id, _)| id)
            .collect();
        for root in roots {
            let global = self.nodes[root.0].global;
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                let node = &mut self.nodes[id.0];
                if !node.tenants.insert(root) {
                    continue;
                }
                node.global_hierarchy |= global;
                stack.extend(node.dependents.iter().chain(&node.soft_dependents));
            }
        }
    }

    /// When moving only `namespace`: marks the ClusterClasses that must stay on the source,
    /// with everything they own. Those are the classes outside `namespace` (fetched because
    /// a moved Cluster uses them) and the classes in `namespace` that a Cluster of another
    /// namespace uses. `clusters` is every Cluster of the source, in all namespaces.
    pub fn set_should_not_delete(&mut self, namespace: &str, clusters: &[Value]) {
        if namespace.is_empty() {
            return;
        }
        let classes: Vec<NodeId> = self.observed(CLUSTER_GROUP, "ClusterClass").collect();
        for class in classes {
            let identity = &self.nodes[class.0].identity;
            let used_elsewhere = identity.namespace == namespace
                && clusters.iter().any(|c| {
                    let class_ref = |key| {
                        object::get_path(c, &["spec", "topology", "classRef", key])
                            .and_then(Value::as_str)
                    };
                    object::namespace(c) != namespace
                        && class_ref("namespace") == Some(namespace)
                        && class_ref("name") == Some(identity.name.as_str())
                });
            if identity.namespace != namespace || used_elsewhere {
                self.mark_should_not_delete(class);
            }
        }
    }

    /// Marks `id` and everything it owns by ownerReference (not by convention) as to be kept
    /// on the source after the move.
    pub fn mark_should_not_delete(&mut self, id: NodeId) {
        self.nodes[id.0].should_not_delete = true;
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            // Skipping marked nodes is what ends the walk on ownership cycles.
            for dependent in self.nodes[id.0].dependents.clone() {
                let node = &mut self.nodes[dependent.0];
                if !node.should_not_delete {
                    node.should_not_delete = true;
                    stack.push(dependent);
                }
            }
        }
    }

    /// Whether the node moves: it belongs to a tenant or is force-moved, and was not left
    /// out by [`ObjectGraph::keep_only_clusters`].
    pub fn is_moved(&self, id: NodeId) -> bool {
        let node = &self.nodes[id.0];
        !node.is_virtual && !node.excluded && (node.force_move || !node.tenants.is_empty())
    }

    /// The nodes that move, in graph order.
    pub fn move_nodes(&self) -> Vec<NodeId> {
        self.nodes()
            .map(|(id, _)| id)
            .filter(|&id| self.is_moved(id))
            .collect()
    }
}
