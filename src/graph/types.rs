//! The object types a move discovers, and how each one takes part in the move.

use serde_json::Value;

use crate::object;

/// The API group of Cluster API's core types (Cluster, ClusterClass, Machine, ...).
pub const CLUSTER_GROUP: &str = "cluster.x-k8s.io";
/// The API group of ClusterResourceSet and ClusterResourceSetBinding.
pub const ADDONS_GROUP: &str = "addons.cluster.x-k8s.io";
/// The label that clusterctl puts on every CRD it installs (the provider layer's constant).
pub use crate::provider::CLUSTERCTL_LABEL;
/// On a CRD or an object: move these objects even when no Cluster owns them.
pub const MOVE_LABEL: &str = "clusterctl.cluster.x-k8s.io/move";
/// On a CRD or an object: move these objects and everything they own.
pub const MOVE_HIERARCHY_LABEL: &str = "clusterctl.cluster.x-k8s.io/move-hierarchy";
/// On an object: the move must wait until this annotation is removed.
pub const BLOCK_MOVE_ANNOTATION: &str = "clusterctl.cluster.x-k8s.io/block-move";

/// One discovered type (a CRD's storage version, or core Secret/ConfigMap) and its role in a
/// move. Build it from a CRD with [`TypeInfo::from_crd`]; [`TypeInfo::core_types`] gives the
/// two core types every move also reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeInfo {
    /// `group/version`, or `v1` for the core group.
    pub api_version: String,
    /// The kind, e.g. `Cluster`.
    pub kind: String,
    /// Objects of this type move even when nothing that moves owns them.
    pub force_move: bool,
    /// Objects of this type move together with everything they own (implies `force_move`).
    pub force_move_hierarchy: bool,
    /// The type is cluster-scoped: its objects are never deleted from the source.
    pub global: bool,
}

impl TypeInfo {
    /// A namespaced type that moves only when something that moves owns its objects.
    pub fn new(api_version: impl Into<String>, kind: impl Into<String>) -> TypeInfo {
        TypeInfo {
            api_version: api_version.into(),
            kind: kind.into(),
            force_move: false,
            force_move_hierarchy: false,
            global: false,
        }
    }

    /// Secret and ConfigMap, which a move reads besides the CRDs clusterctl installed.
    pub fn core_types() -> [TypeInfo; 2] {
        [
            TypeInfo::new("v1", "Secret"),
            TypeInfo::new("v1", "ConfigMap"),
        ]
    }

    /// The type of a CRD's storage version, or `None` when the CRD declares no storage
    /// version. Cluster, ClusterClass and ClusterResourceSet always move with their hierarchy;
    /// the CRD's move / move-hierarchy labels opt other types in.
    pub fn from_crd(crd: &Value) -> Option<TypeInfo> {
        let spec = crd.get("spec")?;
        let group = spec.get("group")?.as_str()?;
        let kind = object::get_path(spec, &["names", "kind"])?.as_str()?;
        let version = spec
            .get("versions")?
            .as_array()?
            .iter()
            .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))?
            .get("name")?
            .as_str()?;
        let hierarchy = matches!(
            (group, kind),
            (CLUSTER_GROUP, "Cluster" | "ClusterClass") | (ADDONS_GROUP, "ClusterResourceSet")
        ) || object::label(crd, MOVE_HIERARCHY_LABEL).is_some();
        Some(TypeInfo {
            api_version: format!("{group}/{version}"),
            kind: kind.to_string(),
            force_move: hierarchy || object::label(crd, MOVE_LABEL).is_some(),
            force_move_hierarchy: hierarchy,
            global: spec.get("scope").and_then(Value::as_str) == Some("Cluster"),
        })
    }

    /// The API group (empty for the core group).
    pub fn group(&self) -> &str {
        group_of(&self.api_version)
    }
}

/// The group part of an `apiVersion` (empty for `v1`).
pub(crate) fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}
