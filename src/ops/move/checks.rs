//! The checks a move runs before it writes anything: the target has every provider the source
//! has, the source objects are done provisioning, and nothing the move would pause is already
//! paused. Pure functions over what the caller read; the messages are clusterctl's.
//!
//! The object checks take the objects the move graph was built from, as listed from the source
//! (whole objects with status, Cluster API's types at their storage version `v1beta2`). They
//! look at the Clusters, Machines and ClusterClasses of `cluster.x-k8s.io` among them and ignore
//! the rest, so the caller can pass its whole list. Like clusterctl, they look at every such
//! object listed, not only the move set; every Cluster and ClusterClass is a move root anyway.
//!
//! clusterctl reads these objects from a Go map, so the order it reports them in varies from
//! run to run; here they are sorted by `namespace/name`, the order the API server lists them.

use serde_json::Value;

use crate::cluster::{InventoryEntry, gvk_string};
use crate::graph::{CLUSTER_GROUP, ObjectIdentity};
use crate::object;
use crate::ops::aggregate;
use crate::version::{InvalidVersion, Version};

/// On a Cluster or ClusterClass: capictl paused it for a move that has not finished. The
/// paused check does not count such an object as paused by its user, so running the same move
/// again carries on.
pub const MOVE_PAUSED_ANNOTATION: &str = "capictl.cluster.x-k8s.io/move-paused";

/// Cluster API's paused annotation: any value pauses the object.
const PAUSED_ANNOTATION: &str = "cluster.x-k8s.io/paused";

/// The v1beta2 condition a Cluster sets once its control plane can serve the API.
const CONTROL_PLANE_INITIALIZED: &str = "ControlPlaneInitialized";

/// Why a move must not start. `Display` gives clusterctl's message; [`CheckError::hint`] says
/// what to do about it, for a second line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// Some Clusters or Machines are still provisioning (clusterctl's
    /// `checkProvisioningCompleted`). clusterctl wraps this, like every discovery error, in
    /// `failed to get object graph: `; the caller adds that context.
    #[error("failed to check for provisioned infrastructure: {}", aggregate(&texts(.objects)))]
    NotProvisioned {
        /// Each object still provisioning, Clusters first.
        objects: Vec<StillProvisioning>,
    },
    /// Clusters paused by their user (`spec.paused` or the paused annotation).
    #[error(
        "cannot start operation while the following Clusters are paused: {}",
        namespaced_names(.clusters)
    )]
    ClustersPaused {
        /// The paused Clusters.
        clusters: Vec<ObjectIdentity>,
    },
    /// ClusterClasses paused by their user (the paused annotation).
    #[error(
        "cannot start operation while the following ClusterClasses are paused: {}",
        namespaced_names(.cluster_classes)
    )]
    ClusterClassesPaused {
        /// The paused ClusterClasses.
        cluster_classes: Vec<ObjectIdentity>,
    },
    /// Providers of the source missing on the target, or older there.
    #[error("failed to check providers in target cluster: {}", aggregate(&texts(.problems)))]
    TargetProviders {
        /// One entry per source provider the target cannot serve.
        problems: Vec<TargetProviderProblem>,
    },
    /// An inventory entry whose version is not a semantic version.
    #[error(
        "failed to check providers in target cluster: unable to parse version {version:?} for the {instance} provider in the {side} cluster: {source}"
    )]
    ProviderVersion {
        /// `namespace/name` of the inventory entry.
        instance: String,
        /// The version as written.
        version: String,
        /// Which cluster's inventory holds the entry.
        side: MoveSide,
        /// Why it does not parse.
        #[source]
        source: InvalidVersion,
    },
}

impl CheckError {
    /// What the user can do about the error, in one sentence for a line of its own.
    pub fn hint(&self) -> &'static str {
        match self {
            CheckError::NotProvisioned { .. } => {
                "wait until every Cluster has its infrastructure provisioned and its control plane initialized, and every Machine has a Node (status.nodeRef), then run the move again"
            }
            CheckError::ClustersPaused { .. } => {
                "resume these Clusters (set spec.paused to false and remove the cluster.x-k8s.io/paused annotation) or move another namespace, then run the move again"
            }
            CheckError::ClusterClassesPaused { .. } => {
                "remove the cluster.x-k8s.io/paused annotation from these ClusterClasses, then run the move again"
            }
            CheckError::TargetProviders { .. } => {
                "install the missing providers on the target cluster with `capictl init`, or bring them up to the source's versions with `capictl upgrade apply`, then run the move again"
            }
            CheckError::ProviderVersion { .. } => {
                "fix the version field of that Provider object (providers.clusterctl.cluster.x-k8s.io), or reinstall the provider with `capictl init`"
            }
        }
    }
}

/// A Cluster or Machine that a move must wait for, and what it still lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StillProvisioning {
    /// A Cluster without `status.initialization.infrastructureProvisioned: true`.
    Infrastructure(ObjectIdentity),
    /// A Cluster whose control plane is not initialized: no `ControlPlaneInitialized` condition
    /// with status `True`, or a `spec.controlPlaneRef` without
    /// `status.initialization.controlPlaneInitialized: true`.
    ControlPlane(ObjectIdentity),
    /// A Machine without `status.nodeRef`.
    Node(ObjectIdentity),
}

impl StillProvisioning {
    /// The Cluster or Machine.
    pub fn object(&self) -> &ObjectIdentity {
        match self {
            StillProvisioning::Infrastructure(o)
            | StillProvisioning::ControlPlane(o)
            | StillProvisioning::Node(o) => o,
        }
    }
}

impl std::fmt::Display for StillProvisioning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = self.object();
        let (gvk, ns, name) = (gvk_text(o), &o.namespace, &o.name);
        match self {
            StillProvisioning::Infrastructure(_) => write!(
                f,
                "cannot start the move operation while {gvk} {ns}/{name} is still provisioning the infrastructure"
            ),
            StillProvisioning::ControlPlane(_) => write!(
                f,
                "cannot start the move operation while the control plane for {gvk} {ns}/{name} is not yet initialized"
            ),
            StillProvisioning::Node(_) => write!(
                f,
                "cannot start the move operation while {gvk} {ns}/{name} is still provisioning the node"
            ),
        }
    }
}

/// A provider of the source cluster that the target cluster cannot serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetProviderProblem {
    /// No provider on the target has the same provider name and type.
    Missing {
        /// The source's inventory entry.
        provider: InventoryEntry,
    },
    /// The newest matching provider on the target is older than the source's.
    Older {
        /// The source's inventory entry.
        provider: InventoryEntry,
        /// The source's version.
        source_version: Version,
        /// The newest version among the target's matching entries.
        target_version: Version,
    },
}

impl std::fmt::Display for TargetProviderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetProviderProblem::Missing { provider } => {
                write!(
                    f,
                    "provider {} not found in the target cluster",
                    provider.name
                )
            }
            TargetProviderProblem::Older {
                provider,
                source_version,
                target_version,
            } => write!(
                f,
                "provider {} in the target cluster is older than in the source cluster (source: {source_version}, target: {target_version})",
                provider.name
            ),
        }
    }
}

/// The two clusters of a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveSide {
    /// The cluster the objects leave.
    Source,
    /// The cluster the objects go to.
    Target,
}

impl std::fmt::Display for MoveSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MoveSide::Source => "source",
            MoveSide::Target => "target",
        })
    }
}

/// clusterctl's `checkProvisioningCompleted`: every Cluster has its infrastructure provisioned
/// and its control plane initialized, and every Machine has a Node. A Cluster is reported once,
/// for the first thing it lacks. clusterctl skips this check in a dry run.
///
/// `objects` is the move's object list (see the module docs).
///
/// # Errors
///
/// [`CheckError::NotProvisioned`] with every Cluster and Machine still provisioning.
pub fn check_provisioning<'a>(
    objects: impl IntoIterator<Item = &'a Value>,
) -> Result<(), CheckError> {
    let objects: Vec<&Value> = objects.into_iter().collect();
    let mut problems: Vec<StillProvisioning> = of_kind(&objects, "Cluster")
        .into_iter()
        .filter_map(cluster_provisioning)
        .collect();
    problems.extend(
        of_kind(&objects, "Machine")
            .into_iter()
            .filter(|m| !is_set(m, &["status", "nodeRef", "name"]))
            .map(|m| StillProvisioning::Node(identity(m))),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CheckError::NotProvisioned { objects: problems })
    }
}

fn cluster_provisioning(cluster: &Value) -> Option<StillProvisioning> {
    let initialized = |field: &str| {
        object::get_path(cluster, &["status", "initialization", field]).and_then(Value::as_bool)
            == Some(true)
    };
    if !initialized("infrastructureProvisioned") {
        return Some(StillProvisioning::Infrastructure(identity(cluster)));
    }
    // The condition is required even without a controlPlaneRef: the Cluster controller then
    // sets it from the control plane Machines.
    let has_control_plane_ref = ["kind", "name", "apiGroup"]
        .iter()
        .any(|field| is_set(cluster, &["spec", "controlPlaneRef", field]));
    if !condition_true(cluster, CONTROL_PLANE_INITIALIZED)
        || (has_control_plane_ref && !initialized("controlPlaneInitialized"))
    {
        return Some(StillProvisioning::ControlPlane(identity(cluster)));
    }
    None
}

/// clusterctl's `checkClustersNotPaused` then `checkClusterClassesNotPaused`: no Cluster is
/// paused (`spec.paused: true` or the `cluster.x-k8s.io/paused` annotation, any value), then no
/// ClusterClass is (the annotation). The ClusterClasses are looked at only when no Cluster is
/// paused, as clusterctl returns at the first check that fails. clusterctl runs both in a dry
/// run too.
///
/// capictl's addition: an object carrying [`MOVE_PAUSED_ANNOTATION`] was paused by a move that
/// did not finish, whatever pauses it now, and does not count.
///
/// `objects` is the move's object list (see the module docs).
///
/// # Errors
///
/// [`CheckError::ClustersPaused`] or [`CheckError::ClusterClassesPaused`], listing every
/// paused object of that kind.
pub fn check_not_paused<'a>(
    objects: impl IntoIterator<Item = &'a Value>,
) -> Result<(), CheckError> {
    let objects: Vec<&Value> = objects.into_iter().collect();
    let paused_by_user = |obj: &&Value, spec_field: bool| {
        let paused = object::annotation(obj, PAUSED_ANNOTATION).is_some()
            || (spec_field
                && object::get_path(obj, &["spec", "paused"]).and_then(Value::as_bool)
                    == Some(true));
        paused && object::annotation(obj, MOVE_PAUSED_ANNOTATION).is_none()
    };
    let clusters: Vec<ObjectIdentity> = of_kind(&objects, "Cluster")
        .into_iter()
        .filter(|c| paused_by_user(c, true))
        .map(identity)
        .collect();
    if !clusters.is_empty() {
        return Err(CheckError::ClustersPaused { clusters });
    }
    let cluster_classes: Vec<ObjectIdentity> = of_kind(&objects, "ClusterClass")
        .into_iter()
        .filter(|c| paused_by_user(c, false))
        .map(identity)
        .collect();
    if !cluster_classes.is_empty() {
        return Err(CheckError::ClusterClassesPaused { cluster_classes });
    }
    Ok(())
}

/// clusterctl's `checkTargetProviders`: every provider of the source inventory exists on the
/// target (same provider name and type, in any namespace) at a version at least as new, taking
/// the newest when the target has several instances. Versions compare by semver precedence
/// (build metadata ignored). clusterctl skips this check in a dry run.
///
/// Both slices are inventories as listed ([`InventoryEntry::from_object`]); problems are
/// reported in the source's order.
///
/// # Errors
///
/// [`CheckError::TargetProviders`] with every provider missing or older on the target, or
/// [`CheckError::ProviderVersion`] at the first version that does not parse (a target entry's
/// version only matters when it matches a source provider).
pub fn check_target_providers(
    source: &[InventoryEntry],
    target: &[InventoryEntry],
) -> Result<(), CheckError> {
    let mut problems = Vec::new();
    for provider in source {
        let source_version = parse_version(provider, MoveSide::Source)?;
        let mut newest: Option<Version> = None;
        for candidate in target.iter().filter(|t| same_provider(provider, t)) {
            let version = parse_version(candidate, MoveSide::Target)?;
            // Keep the first of equal versions, as clusterctl does.
            if newest.as_ref().is_none_or(|n| *n < version) {
                newest = Some(version);
            }
        }
        match newest {
            None => problems.push(TargetProviderProblem::Missing {
                provider: provider.clone(),
            }),
            Some(target_version) if target_version < source_version => {
                problems.push(TargetProviderProblem::Older {
                    provider: provider.clone(),
                    source_version,
                    target_version,
                });
            }
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CheckError::TargetProviders { problems })
    }
}

/// clusterctl's `Provider.SameAs`: instances of one provider share name and type.
fn same_provider(a: &InventoryEntry, b: &InventoryEntry) -> bool {
    a.provider_name == b.provider_name && a.type_name == b.type_name
}

fn parse_version(entry: &InventoryEntry, side: MoveSide) -> Result<Version, CheckError> {
    entry
        .version
        .trim()
        .parse()
        .map_err(|source| CheckError::ProviderVersion {
            instance: entry.instance_name(),
            version: entry.version.clone(),
            side,
            source,
        })
}

/// The objects of `kind` in Cluster API's core group, sorted by `namespace/name`.
fn of_kind<'a>(objects: &[&'a Value], kind: &str) -> Vec<&'a Value> {
    let mut found: Vec<&Value> = objects
        .iter()
        .copied()
        .filter(|o| object::kind(o) == kind && object::api_group(o) == CLUSTER_GROUP)
        .collect();
    found.sort_by_cached_key(|o| namespaced_name(o));
    found
}

fn namespaced_name(obj: &Value) -> String {
    format!("{}/{}", object::namespace(obj), object::name(obj))
}

fn identity(obj: &Value) -> ObjectIdentity {
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

/// A non-empty string at `path`.
fn is_set(obj: &Value, path: &[&str]) -> bool {
    object::get_path(obj, path)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
}

/// Whether the first `status.conditions` entry of `type_name` has status `True`.
fn condition_true(obj: &Value, type_name: &str) -> bool {
    object::get_path(obj, &["status", "conditions"])
        .and_then(Value::as_array)
        .and_then(|all| {
            all.iter()
                .find(|c| c.get("type").and_then(Value::as_str) == Some(type_name))
        })
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True")
}

/// The object's GroupVersionKind, quoted, as clusterctl's `%q` prints it.
///
/// clusterctl reads the object into a typed struct whose TypeMeta the client clears, so
/// against a real API server it prints `"/, Kind="`; capictl prints the object's real one.
fn gvk_text(o: &ObjectIdentity) -> String {
    format!("\"{}\"", gvk_string(&o.api_version, &o.kind))
}

fn namespaced_names(objects: &[ObjectIdentity]) -> String {
    objects
        .iter()
        .map(|o| format!("{}/{}", o.namespace, o.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn texts<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

#[cfg(test)]
mod tests;
