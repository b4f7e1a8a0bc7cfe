//! Why `alpha rollout` refused or failed. The messages are clusterctl's, word for word
//! (including the trailing newline of some and the differing case of "invalid resource type").

use crate::cluster::ApiFailure;

use super::{RolloutAction, RolloutKind};

/// A `alpha rollout restart|pause|resume` that cannot be done.
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    /// No RESOURCE argument.
    #[error("required resource not specified")]
    NoResources,
    /// No argument has the `kind/name` form.
    #[error("arguments must be in resource/name format (e.g. machinedeployment/md-1)")]
    NotKindSlashName,
    /// Some arguments have the `kind/name` form and some do not.
    #[error(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. '{program} get resource/<resource_name>' instead of '{program} get resource resource/<resource_name>'"
    )]
    MixedForms {
        /// The program name, as clusterctl takes it from `argv[0]`.
        program: String,
    },
    /// `a/b/c`.
    #[error("arguments in resource/name form may not have more than one slash")]
    TooManySlashes,
    /// `/name` or `kind/`.
    #[error("arguments in resource/name form must have a single resource and name")]
    EmptyPart,
    /// A kind other than `machinedeployment` and `kubeadmcontrolplane`.
    #[error("{}", invalid_kind(.action, .kind))]
    UnsupportedKind {
        /// The command (each words this error differently).
        action: RolloutAction,
        /// The kind given, lowercased.
        kind: String,
    },
    /// The object could not be read (missing, or the request failed).
    #[error("failed to fetch {reference}: failed to get {} {namespace}/{name}", .kind.name())]
    Fetch {
        /// The argument, lowercased (`machinedeployment/md-0`).
        reference: String,
        /// The kind.
        kind: RolloutKind,
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
        /// What the API server answered.
        #[source]
        failure: ApiFailure,
    },
    /// `pause` of a paused object.
    #[error("{} is already paused: {reference}\n", .kind.name())]
    AlreadyPaused {
        /// The kind.
        kind: RolloutKind,
        /// The argument, lowercased.
        reference: String,
    },
    /// `resume` of an object that is not paused.
    #[error("{} is not currently paused: {reference}\n", .kind.name())]
    NotPaused {
        /// The kind.
        kind: RolloutKind,
        /// The argument, lowercased.
        reference: String,
    },
    /// `restart` of a paused object.
    #[error("can't restart paused {} ({}): {reference}", .kind.name(), .kind.unpause_hint())]
    RestartPaused {
        /// The kind.
        kind: RolloutKind,
        /// The argument, lowercased.
        reference: String,
    },
    /// `restart` while `spec.rollout.after` is still in the future.
    #[error("can't update {} (remove 'spec.rollout.after' first): {reference}", .kind.name())]
    RolloutPending {
        /// The kind.
        kind: RolloutKind,
        /// The argument, lowercased.
        reference: String,
    },
    /// The patch was refused.
    #[error("failed while patching {} {namespace}/{name}", .kind.name())]
    Patch {
        /// The kind.
        kind: RolloutKind,
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
        /// What the API server answered.
        #[source]
        failure: ApiFailure,
    },
}

const VALID_KINDS: &str = "[machinedeployment kubeadmcontrolplane]";

fn invalid_kind(action: &RolloutAction, kind: &str) -> String {
    match *action {
        RolloutAction::Restart => {
            format!("Invalid resource type {kind}. Valid values: {VALID_KINDS}")
        }
        RolloutAction::Pause => {
            format!("Invalid resource type {kind:?}, valid values are {VALID_KINDS}")
        }
        RolloutAction::Resume => {
            format!("invalid resource type {kind:?}, valid values are {VALID_KINDS}")
        }
    }
}
