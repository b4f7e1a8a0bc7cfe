//! Building the graph from objects: nodes, ownerReferences, virtual owners, labels.

use std::collections::HashMap;

use serde_json::Value;

use super::GraphError;
use super::node::{ClassRef, Node, NodeId, ObjectIdentity, OwnerLink};
use super::types::{
    ADDONS_GROUP, BLOCK_MOVE_ANNOTATION, CLUSTER_GROUP, MOVE_HIERARCHY_LABEL, MOVE_LABEL, TypeInfo,
};
use crate::object;

/// The owner-reference graph of the objects a move or a describe looks at: a node per object
/// keyed by UID, with owners, soft owners and tenants. Build it with [`ObjectGraph::build`]
/// when all objects are at hand, or step by step with [`ObjectGraph::add_object`] and the
/// `set_*` methods when some objects are fetched after a first pass (external ClusterClasses).
#[derive(Debug, Clone, Default)]
pub struct ObjectGraph {
    pub(crate) nodes: Vec<Node>,
    by_uid: HashMap<String, NodeId>,
    // Keyed by (group, kind): objects may come in another version than the storage one.
    types: HashMap<(String, String), TypeInfo>,
}

impl ObjectGraph {
    /// An empty graph that will classify objects with `types`; objects of other types can be
    /// added but never force-move.
    pub fn new(types: impl IntoIterator<Item = TypeInfo>) -> ObjectGraph {
        let types = types
            .into_iter()
            .map(|t| ((t.group().to_string(), t.kind.clone()), t))
            .collect();
        ObjectGraph {
            types,
            ..ObjectGraph::default()
        }
    }

    /// The whole discovery in one call: adds `objects`, then sets soft ownership and tenants.
    /// Call [`ObjectGraph::set_should_not_delete`] afterwards when moving one namespace.
    ///
    /// # Errors
    ///
    /// [`GraphError`] when an object or one of its ownerReferences has no UID.
    pub fn build<'a>(
        types: impl IntoIterator<Item = TypeInfo>,
        objects: impl IntoIterator<Item = &'a Value>,
    ) -> Result<ObjectGraph, GraphError> {
        let mut graph = ObjectGraph::new(types);
        for obj in objects {
            graph.add_object(obj)?;
        }
        graph.set_soft_ownership();
        graph.set_tenants();
        Ok(graph)
    }

    /// Adds an object (or updates it when its UID is already known, which also turns a
    /// virtual node into an observed one) and records its ownerReferences; owners not seen
    /// yet become virtual nodes.
    ///
    /// # Errors
    ///
    /// [`GraphError`] when the object or one of its ownerReferences has no UID.
    pub fn add_object(&mut self, obj: &Value) -> Result<NodeId, GraphError> {
        let identity = identity_of(obj);
        if identity.uid.is_empty() {
            return Err(GraphError::MissingUid {
                object: object::describe(obj),
            });
        }
        let owner_refs = owner_references(obj, &identity)?;
        let id = match self.by_uid.get(&identity.uid) {
            Some(&id) => {
                // The listed object is authoritative over what an ownerReference said.
                self.nodes[id.0].identity = identity;
                self.nodes[id.0].is_virtual = false;
                id
            }
            None => self.insert(Node::new(identity, false)),
        };
        self.classify(id, obj);
        for (owner_identity, flags) in owner_refs {
            let owner = match self.by_uid.get(&owner_identity.uid) {
                Some(&owner) => owner,
                None => self.insert(Node::new(owner_identity, true)),
            };
            self.add_owner(id, owner, flags);
        }
        Ok(id)
    }

    fn insert(&mut self, node: Node) -> NodeId {
        let id = NodeId(self.nodes.len());
        self.by_uid.insert(node.identity.uid.clone(), id);
        self.nodes.push(node);
        id
    }

    fn add_owner(&mut self, id: NodeId, owner: NodeId, flags: ReferenceFlags) {
        let link = OwnerLink {
            owner,
            controller: flags.controller,
            block_owner_deletion: flags.block_owner_deletion,
        };
        // One link per owner, as with a map keyed by owner: the last reference wins.
        let owners = &mut self.nodes[id.0].owners;
        match owners.iter_mut().find(|l| l.owner == owner) {
            Some(existing) => *existing = link,
            None => {
                owners.push(link);
                self.nodes[owner.0].dependents.push(id);
            }
        }
    }

    pub(crate) fn add_soft_owner(&mut self, id: NodeId, owner: NodeId) {
        if !self.nodes[id.0].soft_owners.contains(&owner) {
            self.nodes[id.0].soft_owners.push(owner);
            self.nodes[owner.0].soft_dependents.push(id);
        }
    }

    /// Move flags from the type and the object's own labels, and what soft ownership needs.
    fn classify(&mut self, id: NodeId, obj: &Value) {
        let identity = &self.nodes[id.0].identity;
        let key = (identity.group().to_string(), identity.kind.clone());
        let type_info = self.types.get(&key);
        let topology_class = if identity.is(CLUSTER_GROUP, "Cluster") {
            topology_class_of(obj, &identity.namespace)
        } else {
            None
        };
        let binding_cluster = if identity.is(ADDONS_GROUP, "ClusterResourceSetBinding") {
            object::get_path(obj, &["spec", "clusterName"])
                .and_then(Value::as_str)
                .map(str::to_string)
        } else {
            None
        };
        let node = &mut self.nodes[id.0];
        node.force_move =
            object::label(obj, MOVE_LABEL).is_some() || type_info.is_some_and(|t| t.force_move);
        node.force_move_hierarchy = object::label(obj, MOVE_HIERARCHY_LABEL).is_some()
            || type_info.is_some_and(|t| t.force_move_hierarchy);
        node.global = type_info.is_some_and(|t| t.global);
        node.blocking_move = object::annotation(obj, BLOCK_MOVE_ANNOTATION).is_some();
        node.topology_class = topology_class;
        node.binding_cluster = binding_cluster;
    }

    /// The node of the object with this UID.
    pub fn get(&self, uid: &str) -> Option<NodeId> {
        self.by_uid.get(uid).copied()
    }

    /// The node behind an id handed out by this graph.
    ///
    /// # Panics
    ///
    /// When `id` comes from another graph and is out of range.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// Every node with its id, in the order objects (and virtual owners) were first seen.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes.iter().enumerate().map(|(i, n)| (NodeId(i), n))
    }

    /// The number of nodes, virtual ones included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

fn identity_of(obj: &Value) -> ObjectIdentity {
    ObjectIdentity {
        api_version: object::api_version(obj).to_string(),
        kind: object::kind(obj).to_string(),
        namespace: object::namespace(obj).to_string(),
        name: object::name(obj).to_string(),
        uid: object::get_path(obj, &["metadata", "uid"])
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    }
}

/// The flags of one ownerReference, before its owner has a node.
struct ReferenceFlags {
    controller: Option<bool>,
    block_owner_deletion: Option<bool>,
}

fn owner_references(
    obj: &Value,
    child: &ObjectIdentity,
) -> Result<Vec<(ObjectIdentity, ReferenceFlags)>, GraphError> {
    let Some(refs) =
        object::get_path(obj, &["metadata", "ownerReferences"]).and_then(Value::as_array)
    else {
        return Ok(Vec::new());
    };
    refs.iter()
        .map(|r| {
            let field = |key: &str| r.get(key).and_then(Value::as_str).unwrap_or_default();
            let identity = ObjectIdentity {
                api_version: field("apiVersion").to_string(),
                kind: field("kind").to_string(),
                // Unknown until the owner itself is observed.
                namespace: String::new(),
                name: field("name").to_string(),
                uid: field("uid").to_string(),
            };
            if identity.uid.is_empty() {
                return Err(GraphError::OwnerWithoutUid {
                    object: child.to_string(),
                    owner: format!("{} {}", identity.kind, identity.name),
                });
            }
            let flags = ReferenceFlags {
                controller: r.get("controller").and_then(Value::as_bool),
                block_owner_deletion: r.get("blockOwnerDeletion").and_then(Value::as_bool),
            };
            Ok((identity, flags))
        })
        .collect()
}

/// The ClusterClass of a Cluster with a managed topology. Reads the v1beta2 `classRef` and
/// falls back to v1beta1's `class` / `classNamespace`, as older clusters still store those.
fn topology_class_of(cluster: &Value, namespace: &str) -> Option<ClassRef> {
    let topology = object::get_path(cluster, &["spec", "topology"])?;
    if topology.as_object()?.is_empty() {
        return None;
    }
    let text = |path: &[&str]| {
        object::get_path(topology, path)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let (name, class_namespace) = match topology.get("classRef") {
        Some(_) => (
            text(&["classRef", "name"]),
            text(&["classRef", "namespace"]),
        ),
        None => (text(&["class"]), text(&["classNamespace"])),
    };
    let class_namespace = if class_namespace.is_empty() {
        namespace
    } else {
        class_namespace
    };
    Some(ClassRef {
        namespace: class_namespace.to_string(),
        name: name.to_string(),
    })
}
