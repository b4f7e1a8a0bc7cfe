//! Nodes of the object graph: one per Kubernetes object (or per owner not yet observed).

use std::collections::BTreeSet;
use std::fmt;

use super::types::group_of;

/// A node's position in its [`ObjectGraph`](super::ObjectGraph); valid only for that graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) usize);

/// What names an object: the fields an ownerReference or a GET needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectIdentity {
    /// `group/version`, or `v1` for the core group.
    pub api_version: String,
    /// The kind, e.g. `Machine`.
    pub kind: String,
    /// Empty for cluster-scoped objects, and for owners known only from an ownerReference.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.uid`, the graph's key.
    pub uid: String,
}

impl ObjectIdentity {
    /// The API group (empty for the core group).
    pub fn group(&self) -> &str {
        group_of(&self.api_version)
    }

    /// Whether this is `kind` in `group`, whatever the version.
    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.kind == kind && self.group() == group
    }
}

impl fmt::Display for ObjectIdentity {
    /// `Kind namespace/name`, or `Kind name` without a namespace.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.namespace.as_str() {
            "" => write!(f, "{} {}", self.kind, self.name),
            ns => write!(f, "{} {}/{}", self.kind, ns, self.name),
        }
    }
}

/// An ownerReference from a node to its owner, with the flags a move must restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnerLink {
    /// The owner.
    pub owner: NodeId,
    /// The reference's `controller` field, as found (unset stays unset).
    pub controller: Option<bool>,
    /// The reference's `blockOwnerDeletion` field, as found.
    pub block_owner_deletion: Option<bool>,
}

/// The ClusterClass a topology Cluster uses, with the namespace already defaulted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassRef {
    /// The ClusterClass namespace (the Cluster's own when the reference leaves it out).
    pub namespace: String,
    /// The ClusterClass name.
    pub name: String,
}

/// One object of the graph. Read it through [`ObjectGraph::node`](super::ObjectGraph::node).
#[derive(Debug, Clone)]
pub struct Node {
    pub(crate) identity: ObjectIdentity,
    pub(crate) owners: Vec<OwnerLink>,
    pub(crate) soft_owners: Vec<NodeId>,
    // Reverse edges, kept so that walks downwards do not scan every node.
    pub(crate) dependents: Vec<NodeId>,
    pub(crate) soft_dependents: Vec<NodeId>,
    pub(crate) force_move: bool,
    pub(crate) force_move_hierarchy: bool,
    pub(crate) global: bool,
    pub(crate) global_hierarchy: bool,
    pub(crate) should_not_delete: bool,
    pub(crate) is_virtual: bool,
    pub(crate) blocking_move: bool,
    pub(crate) excluded: bool,
    pub(crate) tenants: BTreeSet<NodeId>,
    pub(crate) topology_class: Option<ClassRef>,
    pub(crate) binding_cluster: Option<String>,
}

impl Node {
    pub(crate) fn new(identity: ObjectIdentity, is_virtual: bool) -> Node {
        Node {
            identity,
            owners: Vec::new(),
            soft_owners: Vec::new(),
            dependents: Vec::new(),
            soft_dependents: Vec::new(),
            force_move: false,
            force_move_hierarchy: false,
            global: false,
            global_hierarchy: false,
            should_not_delete: false,
            is_virtual,
            blocking_move: false,
            excluded: false,
            tenants: BTreeSet::new(),
            topology_class: None,
            binding_cluster: None,
        }
    }

    /// The object's apiVersion, kind, namespace, name and UID.
    pub fn identity(&self) -> &ObjectIdentity {
        &self.identity
    }

    /// The owners named by the object's ownerReferences, in their order.
    pub fn owners(&self) -> &[OwnerLink] {
        &self.owners
    }

    /// Owners by convention rather than by ownerReference (see the module docs).
    pub fn soft_owners(&self) -> &[NodeId] {
        &self.soft_owners
    }

    /// Moves even when nothing that moves owns it (type or object label).
    pub fn force_move(&self) -> bool {
        self.force_move
    }

    /// Moves together with everything it owns (type or object label).
    pub fn force_move_hierarchy(&self) -> bool {
        self.force_move_hierarchy
    }

    /// The object is cluster-scoped.
    pub fn is_global(&self) -> bool {
        self.global
    }

    /// The object belongs to the hierarchy of a cluster-scoped root (e.g. the Secret of a
    /// global identity): it is left in place on the source, like the root.
    pub fn is_global_hierarchy(&self) -> bool {
        self.global_hierarchy
    }

    /// The object moves but must stay on the source too (a ClusterClass other namespaces use).
    pub fn should_not_delete(&self) -> bool {
        self.should_not_delete
    }

    /// Known only from an ownerReference: its type is not one the move reads, so it never
    /// moves, and its namespace is unknown (empty).
    pub fn is_virtual(&self) -> bool {
        self.is_virtual
    }

    /// The object carried the block-move annotation when it was added.
    pub fn blocking_move(&self) -> bool {
        self.blocking_move
    }

    /// The move-hierarchy roots (Clusters, ClusterClasses, ...) this object belongs to.
    pub fn tenants(&self) -> &BTreeSet<NodeId> {
        &self.tenants
    }

    /// For a Cluster with a managed topology: the ClusterClass it uses.
    pub fn topology_class(&self) -> Option<&ClassRef> {
        self.topology_class.as_ref()
    }

    /// Whether `id` owns this object, by reference or by convention.
    pub fn is_owned_by(&self, id: NodeId) -> bool {
        self.owners.iter().any(|l| l.owner == id) || self.soft_owners.contains(&id)
    }
}
