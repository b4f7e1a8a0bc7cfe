//! Pure and synchronous: the callers list objects from a cluster (or read them from a
//! directory) and hand them over as JSON values, with the [`TypeInfo`] of each discovered
//! type. The graph has one [`Node`] per object, keyed by UID, linked to its owners by
//! ownerReferences (keeping the `controller` / `blockOwnerDeletion` flags a move restores).
//! An owner that was never listed is a *virtual* node until it is added; virtual nodes never
//! move. On top of ownerReferences come *soft owners*, links Cluster API keeps by
//! convention: the `<cluster>-<purpose>` Secrets without ownerReferences belong to their
//! Cluster, a topology Cluster to its ClusterClass, and a ClusterResourceSetBinding to the
//! Cluster it names.
//!
//! Every move-hierarchy root (Cluster, ClusterClass, ClusterResourceSet, or a type or object
//! labelled `clusterctl.cluster.x-k8s.io/move-hierarchy`) becomes a *tenant* of everything
//! below it. The move set is every node with a tenant or a force-move label;
//! [`sequence::move_sequence`] orders it into groups that can be created one after the other,
//! and reports the nodes it cannot place. Describe walks the same graph with
//! [`ObjectGraph::children_of`] and [`ObjectGraph::owners_of`].
//!
//! ```
//! use capictl::graph::{sequence::move_sequence, ObjectGraph, TypeInfo};
//! use serde_json::json;
//!
//! let mut cluster_type = TypeInfo::new("cluster.x-k8s.io/v1beta2", "Cluster");
//! cluster_type.force_move = true;
//! cluster_type.force_move_hierarchy = true;
//! let objects = [
//!     json!({"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
//!            "metadata": {"namespace": "ns1", "name": "c1", "uid": "u-cluster"}}),
//!     json!({"apiVersion": "v1", "kind": "Secret",
//!            "metadata": {"namespace": "ns1", "name": "c1-ca", "uid": "u-ca"}}),
//! ];
//! let types = TypeInfo::core_types().into_iter().chain([cluster_type]);
//! let graph = ObjectGraph::build(types, &objects)?;
//! let sequence = move_sequence(&graph);
//! assert_eq!(sequence.groups().len(), 2); // the Cluster, then its soft-owned Secret
//! # Ok::<(), capictl::graph::GraphError>(())
//! ```

mod build;
mod class;
mod filter;
mod node;
pub mod sequence;
mod soft;
mod tenants;
mod types;
mod walk;

pub use build::ObjectGraph;
pub use class::{TemplateRef, cluster_class_templates};
pub use node::{ClassRef, Node, NodeId, ObjectIdentity, OwnerLink};
pub use soft::{CLUSTER_SECRET_PURPOSES, cluster_secret_owner};
pub use types::{
    ADDONS_GROUP, BLOCK_MOVE_ANNOTATION, CLUSTER_GROUP, CLUSTERCTL_LABEL, MOVE_HIERARCHY_LABEL,
    MOVE_LABEL, TypeInfo,
};

/// Why an object cannot enter the graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// The graph keys objects by UID; objects read from a cluster or a backup always have one.
    #[error("{object} has no metadata.uid; only objects read from a cluster can be moved")]
    MissingUid {
        /// `Kind namespace/name` of the object.
        object: String,
    },
    /// An ownerReference without a UID cannot be matched to its owner.
    #[error(
        "{object} has an ownerReference to {owner} without a uid; fix or remove that reference"
    )]
    OwnerWithoutUid {
        /// `Kind namespace/name` of the object.
        object: String,
        /// `Kind name` of the owner.
        owner: String,
    },
}

#[cfg(test)]
mod tests;
