//! Why `upgrade plan` or `upgrade apply` refused to go on. The messages are clusterctl's, so
//! scripts that match them keep working; each variant carries the provider it is about.

use crate::provider::ProviderRefError;
use crate::version::InvalidVersion;

/// Which of a provider's versions could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionRole {
    /// The version the inventory records.
    Current,
    /// A version the repository lists.
    Available,
    /// The version asked for.
    Target,
}

impl VersionRole {
    fn as_str(self) -> &'static str {
        match self {
            VersionRole::Current => "current",
            VersionRole::Available => "available",
            VersionRole::Target => "target",
        }
    }
}

/// An upgrade that cannot be planned or applied.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    /// Neither `--contract` nor a provider flag.
    #[error(
        "Either the --contract flag or at least one of the following flags has to be set: --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon"
    )]
    NothingSelected,
    /// `--contract` together with provider flags.
    #[error(
        "The --contract flag can't be used in combination with --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon"
    )]
    ContractWithProviders,
    /// `--contract` names another contract than the one this version implements.
    #[error(
        "current version of clusterctl could only upgrade to {current} contract, requested {requested}"
    )]
    UnsupportedContract {
        /// The contract this version implements.
        current: &'static str,
        /// The contract asked for.
        requested: String,
    },
    /// The requested core version implements another contract.
    #[error(
        "current version of clusterctl could only upgrade the core provider to {current} contract version, requested {requested}"
    )]
    UnsupportedCoreContract {
        /// The contract this version implements.
        current: &'static str,
        /// The contract of the requested core version.
        requested: String,
    },
    /// A version of a provider is not a semantic version.
    #[error("failed to parse {} version for the {instance} provider: {source}", role.as_str())]
    BadVersion {
        /// `namespace/label`.
        instance: String,
        /// Which version.
        role: VersionRole,
        /// The parse failure.
        #[source]
        source: InvalidVersion,
    },
    /// A version given to the skew check is not a semantic version.
    #[error("failed to parse {which} version for {instance} provider")]
    BadSkewVersion {
        /// `namespace/label`.
        instance: String,
        /// `current` or `next`.
        which: &'static str,
    },
    /// The repository lists no version.
    #[error("failed to get available versions for the {instance} provider")]
    NoVersions {
        /// `namespace/label`.
        instance: String,
    },
    /// The requested version is in no release series of the provider's metadata.
    #[error(
        "invalid target version: version {version} for the provider {instance} does not match any release series"
    )]
    TargetNotInSeries {
        /// `namespace/label`.
        instance: String,
        /// The requested version.
        version: String,
    },
    /// The installed or an available version is in no release series of the metadata.
    #[error(
        "invalid provider metadata: version {version} ({}) for the provider {instance} does not match any release series",
        if *.installed { "the current version" } else { "one of the available versions" }
    )]
    NotInSeries {
        /// `namespace/label`.
        instance: String,
        /// The version.
        version: String,
        /// Whether it is the installed version.
        installed: bool,
    },
    /// The core provider's metadata names no contract to upgrade to.
    #[error(
        "invalid metadata: unable to find the contract version implemented by the {instance} provider"
    )]
    NoContract {
        /// `namespace/label` of the core provider.
        instance: String,
    },
    /// The inventory has no core provider, or several.
    #[error("invalid management cluster: there must be one core provider, found {found}")]
    CoreCount {
        /// How many core providers it has.
        found: usize,
    },
    /// A provider flag names a provider the cluster does not have.
    #[error(
        "unable to perform upgrade: the provider {instance} in not part of the management cluster"
    )]
    NotInstalled {
        /// `namespace/label`.
        instance: String,
    },
    /// A requested version implements a contract the new core does not support.
    #[error(
        "unable to perform upgrade: the target version for the provider {instance} implements the {contract} contract version, while the core provider supports {} contract versions",
        .compatible.join(", ")
    )]
    IncompatibleTarget {
        /// `namespace/label`.
        instance: String,
        /// The contract of the requested version.
        contract: String,
        /// The contracts the new core supports.
        compatible: Vec<String>,
    },
    /// A provider left out of a custom upgrade would be incompatible with the new core.
    #[error(
        "unable to perform upgrade: the provider {instance} implements the {contract} contract version, while the core provider is getting updated to a version that supports {} contract versions. Please include the {instance} provider in the upgrade",
        .compatible.join(", ")
    )]
    IncompatibleInstalled {
        /// `namespace/label`.
        instance: String,
        /// The contract it implements.
        contract: String,
        /// The contracts the new core supports.
        compatible: Vec<String>,
    },
    /// An `upgrade apply` provider flag that is not `[namespace/]name:version`.
    #[error(
        "invalid provider name {text:?}. Provider name should be in the form namespace/provider:version or provider:version{}",
        .cause.as_ref().map(|c| format!(": {c}")).unwrap_or_default()
    )]
    BadReference {
        /// The flag's value.
        text: String,
        /// Why the `name:version` part was refused.
        #[source]
        cause: Option<ProviderRefError>,
    },
    /// An `upgrade apply` provider flag without a version.
    #[error(
        "invalid provider name {text:?}. Provider name should be in the form namespace/name:version and version cannot be empty"
    )]
    NoVersion {
        /// The flag's value.
        text: String,
    },
    /// Two instances of one provider: clusterctl refuses to upgrade them.
    #[error(
        "detected multiple instances of the same provider, but clusterctl does not support this use case. See https://cluster-api.sigs.k8s.io/developer/core/support-multiple-instances for more details: {}",
        crate::ops::aggregate(.problems)
    )]
    MultipleInstances {
        /// One line per duplicated provider.
        problems: Vec<String>,
    },
    /// A core or kubeadm provider would skip more than three minor versions.
    #[error("upgrade for {instance} provider can't skip more than 3 versions")]
    VersionSkew {
        /// `namespace/label`.
        instance: String,
    },
}
