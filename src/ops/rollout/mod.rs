//! `alpha rollout restart|pause|resume`: clusterctl's rollout of MachineDeployments and
//! KubeadmControlPlanes, with its checks and its exact patches (v1beta2 objects:
//! `spec.rollout.after` to restart, `spec.paused` or the `cluster.x-k8s.io/paused`
//! annotation to pause).

pub(crate) mod error;
mod resource;

use serde_json::{Value, json};

pub use error::RolloutError;
pub use resource::{ResourceArg, parse_resources};

use crate::Client;
use crate::cluster::{ApiFailure, ClusterError, FailureKind, ManagementCluster, ObjectRef};
use crate::error::Error;

/// The annotation that pauses a KubeadmControlPlane.
pub const PAUSED_ANNOTATION: &str = "cluster.x-k8s.io/paused";

/// Which rollout command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutAction {
    /// Roll every machine out again (`spec.rollout.after` = now).
    Restart,
    /// Stop reconciling.
    Pause,
    /// Reconcile again.
    Resume,
}

/// The kinds clusterctl rolls out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutKind {
    /// `cluster.x-k8s.io/v1beta2` MachineDeployment.
    MachineDeployment,
    /// `controlplane.cluster.x-k8s.io/v1beta2` KubeadmControlPlane.
    KubeadmControlPlane,
}

impl RolloutKind {
    /// The kind for a lowercased argument (no aliases, as in clusterctl).
    pub fn from_arg(kind: &str) -> Option<RolloutKind> {
        match kind {
            "machinedeployment" => Some(RolloutKind::MachineDeployment),
            "kubeadmcontrolplane" => Some(RolloutKind::KubeadmControlPlane),
            _ => None,
        }
    }

    /// The Kubernetes kind.
    pub fn name(self) -> &'static str {
        match self {
            RolloutKind::MachineDeployment => "MachineDeployment",
            RolloutKind::KubeadmControlPlane => "KubeadmControlPlane",
        }
    }

    fn api_version(self) -> &'static str {
        match self {
            RolloutKind::MachineDeployment => "cluster.x-k8s.io/v1beta2",
            RolloutKind::KubeadmControlPlane => "controlplane.cluster.x-k8s.io/v1beta2",
        }
    }

    /// The resource as the API server names it in "not found" messages.
    fn resource(self) -> &'static str {
        match self {
            RolloutKind::MachineDeployment => "machinedeployments.cluster.x-k8s.io",
            RolloutKind::KubeadmControlPlane => {
                "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io"
            }
        }
    }

    /// How a paused object of this kind is resumed, as `restart` tells it.
    pub(crate) fn unpause_hint(self) -> &'static str {
        match self {
            RolloutKind::MachineDeployment => "run rollout resume first",
            RolloutKind::KubeadmControlPlane => "remove annotation 'cluster.x-k8s.io/paused' first",
        }
    }

    /// Whether the object is paused: `spec.paused` for a MachineDeployment, the annotation
    /// (any value) for a KubeadmControlPlane.
    pub fn is_paused(self, object: &Value) -> bool {
        match self {
            RolloutKind::MachineDeployment => object["spec"]["paused"] == true,
            RolloutKind::KubeadmControlPlane => object["metadata"]["annotations"]
                .get(PAUSED_ANNOTATION)
                .is_some(),
        }
    }
}

/// A patch clusterctl sends for a rollout command.
#[derive(Debug, Clone, PartialEq)]
pub enum RolloutPatch {
    /// A JSON merge patch.
    Merge(Value),
    /// A JSON patch (RFC 6902).
    Json(Value),
}

/// What to do, and where (`alpha rollout <action> RESOURCE... -n NS`).
#[derive(Debug, Clone)]
pub struct RolloutOptions {
    /// The management cluster.
    pub kubeconfig: crate::KubeconfigSelector,
    /// The command.
    pub action: RolloutAction,
    /// The RESOURCE arguments, as given.
    pub resources: Vec<String>,
    /// The namespace; `None` for the context's current namespace.
    pub namespace: Option<String>,
    /// The program name used in the mixed-forms message (clusterctl uses `argv[0]`).
    pub program: String,
}

/// Decides the patch for `action` on `object` (read at `now`, RFC 3339 UTC), or clusterctl's
/// refusal. Pure: the whole matrix is tested without a cluster.
pub fn plan_patch(
    action: RolloutAction,
    kind: RolloutKind,
    object: &Value,
    reference: &str,
    now: &str,
) -> Result<RolloutPatch, RolloutError> {
    let reference = reference.to_string();
    let paused = kind.is_paused(object);
    match action {
        RolloutAction::Restart => {
            if paused {
                return Err(RolloutError::RestartPaused { kind, reference });
            }
            // Kubernetes writes times as RFC 3339 UTC at second precision, so the strings
            // compare as the times do.
            if let Some(after) = object["spec"]["rollout"]["after"].as_str()
                && after > now
            {
                return Err(RolloutError::RolloutPending { kind, reference });
            }
            Ok(RolloutPatch::Merge(
                json!({"spec": {"rollout": {"after": now}}}),
            ))
        }
        RolloutAction::Pause if paused => Err(RolloutError::AlreadyPaused { kind, reference }),
        RolloutAction::Resume if !paused => Err(RolloutError::NotPaused { kind, reference }),
        RolloutAction::Pause => Ok(RolloutPatch::Merge(match kind {
            RolloutKind::MachineDeployment => json!({"spec": {"paused": true}}),
            RolloutKind::KubeadmControlPlane => {
                json!({"metadata": {"annotations": {PAUSED_ANNOTATION: "true"}}})
            }
        })),
        RolloutAction::Resume => Ok(match kind {
            RolloutKind::MachineDeployment => {
                RolloutPatch::Merge(json!({"spec": {"paused": false}}))
            }
            RolloutKind::KubeadmControlPlane => RolloutPatch::Json(json!([{
                "op": "remove",
                "path": format!("/metadata/annotations/{}", PAUSED_ANNOTATION.replace('/', "~1")),
            }])),
        }),
    }
}

impl Client {
    /// clusterctl's `RolloutRestart`, `RolloutPause` and `RolloutResume`: each resource in
    /// turn, stopping at the first refusal (the ones before it are done). Returns the
    /// references done.
    pub async fn rollout(&self, options: &RolloutOptions) -> Result<Vec<String>, Error> {
        let cluster = ManagementCluster::connect(&options.kubeconfig, self.config().env()).await?;
        let namespace = options
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| cluster.current_namespace().to_string());
        let resources = parse_resources(&options.resources, &options.program)?;
        let mut done = Vec::new();
        for arg in resources {
            let Some(kind) = RolloutKind::from_arg(&arg.kind) else {
                return Err(RolloutError::UnsupportedKind {
                    action: options.action,
                    kind: arg.kind,
                }
                .into());
            };
            rollout_one(&cluster, options.action, kind, &namespace, &arg).await?;
            done.push(arg.reference());
        }
        Ok(done)
    }
}

async fn rollout_one(
    cluster: &ManagementCluster,
    action: RolloutAction,
    kind: RolloutKind,
    namespace: &str,
    arg: &ResourceArg,
) -> Result<(), Error> {
    let r = ObjectRef::new(kind.api_version(), kind.name(), namespace, &arg.name);
    let object = match cluster.get(&r).await {
        Ok(Some(object)) => object,
        Ok(None) => {
            let failure = ApiFailure {
                message: format!("{} {:?} not found", kind.resource(), arg.name),
                code: Some(404),
                kind: FailureKind::NotFound,
            };
            return Err(fetch_error(kind, namespace, arg, failure).into());
        }
        Err(e) => return Err(fetch_error(kind, namespace, arg, as_failure(e)).into()),
    };
    let now = crate::fetch::clock::now_rfc3339();
    let patch = plan_patch(action, kind, &object, &arg.reference(), &now)?;
    let sent = match &patch {
        RolloutPatch::Merge(body) => cluster.merge_patch(&r, body).await,
        RolloutPatch::Json(body) => cluster.json_patch(&r, body).await,
    };
    sent.map_err(|e| RolloutError::Patch {
        kind,
        namespace: namespace.to_string(),
        name: arg.name.clone(),
        failure: as_failure(e),
    })?;
    Ok(())
}

fn fetch_error(
    kind: RolloutKind,
    namespace: &str,
    arg: &ResourceArg,
    failure: ApiFailure,
) -> RolloutError {
    RolloutError::Fetch {
        reference: arg.reference(),
        kind,
        namespace: namespace.to_string(),
        name: arg.name.clone(),
        failure,
    }
}

/// The API server's answer inside a cluster error, or the whole error as one.
fn as_failure(e: ClusterError) -> ApiFailure {
    e.failure().cloned().unwrap_or_else(|| ApiFailure {
        message: e.to_string(),
        code: None,
        kind: FailureKind::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-05-01T10:00:00Z";

    fn plan(
        action: RolloutAction,
        kind: RolloutKind,
        object: Value,
    ) -> Result<RolloutPatch, String> {
        plan_patch(action, kind, &object, "x/y", NOW).map_err(|e| e.to_string())
    }

    #[test]
    fn machine_deployment_patches_and_refusals() {
        use RolloutAction::*;
        let md = RolloutKind::MachineDeployment;
        assert_eq!(
            plan(Restart, md, json!({"spec": {}})).unwrap(),
            RolloutPatch::Merge(json!({"spec": {"rollout": {"after": NOW}}}))
        );
        assert_eq!(
            plan(
                Restart,
                md,
                json!({"spec": {"rollout": {"after": "2026-05-01T09:00:00Z"}}})
            )
            .unwrap(),
            RolloutPatch::Merge(json!({"spec": {"rollout": {"after": NOW}}}))
        );
        assert_eq!(
            plan(
                Restart,
                md,
                json!({"spec": {"rollout": {"after": "2027-01-01T00:00:00Z"}}})
            )
            .unwrap_err(),
            "can't update MachineDeployment (remove 'spec.rollout.after' first): x/y"
        );
        assert_eq!(
            plan(Restart, md, json!({"spec": {"paused": true}})).unwrap_err(),
            "can't restart paused MachineDeployment (run rollout resume first): x/y"
        );
        assert_eq!(
            plan(Pause, md, json!({"spec": {}})).unwrap(),
            RolloutPatch::Merge(json!({"spec": {"paused": true}}))
        );
        assert_eq!(
            plan(Pause, md, json!({"spec": {"paused": true}})).unwrap_err(),
            "MachineDeployment is already paused: x/y\n"
        );
        assert_eq!(
            plan(Resume, md, json!({"spec": {"paused": true}})).unwrap(),
            RolloutPatch::Merge(json!({"spec": {"paused": false}}))
        );
        assert_eq!(
            plan(Resume, md, json!({"spec": {"paused": false}})).unwrap_err(),
            "MachineDeployment is not currently paused: x/y\n"
        );
    }

    #[test]
    fn kubeadm_control_plane_patches_and_refusals() {
        use RolloutAction::*;
        let kcp = RolloutKind::KubeadmControlPlane;
        let paused = json!({"metadata": {"annotations": {PAUSED_ANNOTATION: ""}}, "spec": {}});
        assert_eq!(
            plan(Restart, kcp, paused.clone()).unwrap_err(),
            "can't restart paused KubeadmControlPlane (remove annotation 'cluster.x-k8s.io/paused' first): x/y"
        );
        assert_eq!(
            plan(Pause, kcp, json!({"metadata": {}})).unwrap(),
            RolloutPatch::Merge(json!({"metadata": {"annotations": {PAUSED_ANNOTATION: "true"}}}))
        );
        assert_eq!(
            plan(Pause, kcp, paused.clone()).unwrap_err(),
            "KubeadmControlPlane is already paused: x/y\n"
        );
        assert_eq!(
            plan(Resume, kcp, paused).unwrap(),
            RolloutPatch::Json(
                json!([{"op": "remove", "path": "/metadata/annotations/cluster.x-k8s.io~1paused"}])
            )
        );
        assert_eq!(
            plan(Resume, kcp, json!({"metadata": {}})).unwrap_err(),
            "KubeadmControlPlane is not currently paused: x/y\n"
        );
    }

    #[test]
    fn each_command_words_an_unsupported_kind_as_clusterctl_does() {
        let text = |action| {
            RolloutError::UnsupportedKind {
                action,
                kind: "machineset".into(),
            }
            .to_string()
        };
        assert_eq!(
            text(RolloutAction::Restart),
            "Invalid resource type machineset. Valid values: [machinedeployment kubeadmcontrolplane]"
        );
        assert_eq!(
            text(RolloutAction::Pause),
            "Invalid resource type \"machineset\", valid values are [machinedeployment kubeadmcontrolplane]"
        );
        assert_eq!(
            text(RolloutAction::Resume),
            "invalid resource type \"machineset\", valid values are [machinedeployment kubeadmcontrolplane]"
        );
    }
}
