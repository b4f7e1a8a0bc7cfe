//! What each row shows besides its name: the replica counters and the summary condition,
//! chosen by the node's role as clusterctl's `newRowDescriptor` does.

use serde_json::Value;

use super::tree::{NodeRole, ReplicaCount, TreeNode};
use crate::object;

fn int(obj: &Value, path: &[&str]) -> Option<i64> {
    object::get_path(obj, path).and_then(Value::as_i64)
}

/// Fills the counters and summary of an object's node.
pub(crate) fn fill(node: &mut TreeNode, obj: &Value) {
    match node.role {
        NodeRole::Cluster => cluster(node, obj),
        NodeRole::MachineDeployment | NodeRole::MachineSet => {
            if let Some(desired) = int(obj, &["spec", "replicas"]) {
                node.replicas = Some(ReplicaCount {
                    current: int(obj, &["status", "replicas"]).unwrap_or(0),
                    desired: Some(desired),
                });
            }
            node.available = int(obj, &["status", "availableReplicas"]);
            node.ready = int(obj, &["status", "readyReplicas"]);
            node.up_to_date = int(obj, &["status", "upToDateReplicas"]);
            if node.role == NodeRole::MachineDeployment {
                node.summary = node.condition("Available").cloned();
            }
        }
        NodeRole::Machine => {
            let is_true =
                |kind: &str| i64::from(node.condition(kind).is_some_and(|c| c.status == "True"));
            let (available, ready, up_to_date) =
                (is_true("Available"), is_true("Ready"), is_true("UpToDate"));
            node.replicas = Some(ReplicaCount {
                current: 1,
                desired: None,
            });
            node.available = Some(available);
            node.ready = Some(ready);
            node.up_to_date = Some(up_to_date);
            node.summary = node.condition("Ready").cloned();
        }
        NodeRole::ControlPlane => control_plane(node, obj),
        NodeRole::Object | NodeRole::Reference | NodeRole::Virtual => {
            node.summary = node.condition("Ready").cloned();
        }
        NodeRole::MachinePool | NodeRole::Group => {}
    }
}

/// A group's counters and summary (its Ready condition).
pub(crate) fn fill_group(node: &mut TreeNode) {
    if let Some(g) = &node.group {
        node.available = Some(g.available);
        node.ready = Some(g.ready);
        node.up_to_date = Some(g.up_to_date);
    }
    node.summary = node.condition("Ready").cloned();
}

/// Control plane and workers summed; the Available condition.
fn cluster(node: &mut TreeNode, obj: &Value) {
    let pair = |field: &str| {
        (
            int(obj, &["status", "controlPlane", field]),
            int(obj, &["status", "workers", field]),
        )
    };
    let sum = |(a, b): (Option<i64>, Option<i64>)| {
        (a.is_some() || b.is_some()).then(|| a.unwrap_or(0) + b.unwrap_or(0))
    };
    let (desired, current) = (pair("desiredReplicas"), pair("replicas"));
    if sum(desired).is_some() || sum(current).is_some() {
        node.replicas = Some(ReplicaCount {
            current: sum(current).unwrap_or(0),
            desired: Some(sum(desired).unwrap_or(0)),
        });
    }
    node.available = sum(pair("availableReplicas"));
    node.ready = sum(pair("readyReplicas"));
    node.up_to_date = sum(pair("upToDateReplicas"));
    node.summary = node.condition("Available").cloned();
}

/// The control plane contract's counters; Available when present, else Ready.
fn control_plane(node: &mut TreeNode, obj: &Value) {
    node.summary = node
        .condition("Available")
        .or_else(|| node.condition("Ready"))
        .cloned();
    if let (Some(current), Some(desired)) = (
        int(obj, &["status", "replicas"]),
        int(obj, &["spec", "replicas"]),
    ) {
        node.replicas = Some(ReplicaCount {
            current,
            desired: Some(desired),
        });
    }
    node.available = int(obj, &["status", "availableReplicas"]);
    node.ready = int(obj, &["status", "readyReplicas"]);
    // The v1beta1 contract calls it updatedReplicas: the discovery replaces it for those.
    node.up_to_date = int(obj, &["status", "upToDateReplicas"]);
}
