//! Why `delete` refused or stopped. The messages are clusterctl's; each variant carries the
//! provider or objects it is about.

use std::fmt;

use crate::cluster::ClusterError;

/// A `delete` that cannot be done, or was done only in part.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    /// `--all` together with provider flags.
    #[error(
        "The --all flag can't be used in combination with --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon"
    )]
    AllWithProviders,
    /// Neither `--all` nor a provider flag.
    #[error(
        "At least one of --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon should be specified or the --all flag should be set"
    )]
    NothingSelected,
    /// The provider is installed in no namespace, or in several.
    #[error("failed to identify the namespace for the {provider:?} provider")]
    NamespaceUnknown {
        /// The provider name.
        provider: String,
    },
    /// The provider is not installed at the version named.
    #[error("failed to identify the provider {provider:?} with version {version:?}")]
    VersionUnknown {
        /// The provider name.
        provider: String,
        /// The version named.
        version: String,
    },
    /// `--include-crd` while objects of one provider's kinds still exist.
    #[error(
        "found existing objects for provider CRDs {label:?}: [{}]. Please delete these objects first before running clusterctl delete with --include-crd",
        .kinds.join(", ")
    )]
    CustomResourcesExist {
        /// The provider's manifest label.
        label: String,
        /// Each kind with objects, as `Kind (N objects)`.
        kinds: Vec<String>,
    },
    /// `--include-crd` while objects of the providers' kinds still exist.
    #[error("{}", crate::ops::aggregate(.problems))]
    CustomResourcesRemain {
        /// One message per provider that still has objects (or whose check failed).
        problems: Vec<String>,
    },
    /// Some of a provider's objects could not be deleted.
    #[error("{}", crate::ops::aggregate(&.failures.iter().map(ToString::to_string).collect::<Vec<_>>()))]
    ObjectsNotDeleted {
        /// Each object and why.
        failures: Vec<ObjectFailure>,
    },
}

/// One object `delete` could not remove.
#[derive(Debug)]
pub struct ObjectFailure {
    /// The object, as `Kind namespace/name`.
    pub object: String,
    /// Why.
    pub error: ClusterError,
}

impl fmt::Display for ObjectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error deleting object {}: {}", self.object, self.error)
    }
}
