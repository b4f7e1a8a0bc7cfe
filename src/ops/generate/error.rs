//! Why `generate cluster`, `generate provider` or `generate yaml` could not render. The
//! messages are clusterctl's; each variant carries the template, file or provider it is about.

use crate::fetch::FetchError;
use crate::version::InvalidVersion;

/// A template or provider that cannot be rendered.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// More than one of `--from`, `--from-config-map` and a repository flavor.
    #[error("invalid cluster template source: only one template can be used at time")]
    MultipleSources,
    /// `generate yaml` without `--from`.
    #[error("unable to read custom template. Please specify a template source")]
    NoSource,
    /// `--from-config-map` with an empty name.
    #[error("invalid GetFromConfigMap operation: missing configMapName value")]
    NoConfigMapName,
    /// The ConfigMap does not exist.
    #[error("error reading ConfigMap {namespace}/{name}: configmaps {name:?} not found")]
    ConfigMapNotFound {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
    /// The ConfigMap has no such data key.
    #[error("the ConfigMap {namespace}/{name} does not have the {key:?} data key")]
    ConfigMapKeyMissing {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
        /// The key asked for (`--from-config-map-key`).
        key: String,
    },
    /// A template URL with a scheme capictl does not read.
    #[error(
        "unable to read content from {url:?}. Only reading from GitHub and local file system is supported"
    )]
    UnsupportedUrl {
        /// The URL.
        url: String,
    },
    /// The template file cannot be found or opened.
    #[error("failed to read file {path:?}")]
    FileUnreadable {
        /// The path as given.
        path: String,
        /// What the file system said (kept out of the message, as clusterctl does).
        kind: std::io::ErrorKind,
    },
    /// The template path is a directory.
    #[error("invalid path: file {path:?} is actually a directory")]
    IsDirectory {
        /// The path as given.
        path: String,
    },
    /// Reading the template file failed.
    #[error("failed to read file {path:?}")]
    ReadFile {
        /// The path as given.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The template server answered with an error status.
    #[error("failed to get file, got {}", .status.map_or("404".to_string(), |s| s.to_string()))]
    DownloadStatus {
        /// The URL.
        url: String,
        /// The status; `None` for a 404.
        status: Option<u16>,
    },
    /// The template could not be downloaded.
    #[error(transparent)]
    Download(FetchError),
    /// The provider version is not a semantic version.
    #[error(transparent)]
    BadVersion(#[from] InvalidVersion),
    /// The provider version is in no release series of its metadata.
    #[error(
        "invalid provider metadata: version {version} for the provider {provider} does not match any release series"
    )]
    NotInSeries {
        /// The provider name.
        provider: String,
        /// The version.
        version: String,
    },
    /// The provider version implements a contract this version cannot install.
    #[error(
        "current version of clusterctl is only compatible with provider implementing {} contract versions, detected {contract} for provider {provider}",
        crate::provider::COMPATIBLE_CONTRACTS.join(", ")
    )]
    IncompatibleContract {
        /// The provider name.
        provider: String,
        /// The contract its version implements.
        contract: String,
    },
    /// `--target-namespace` (or the kubeconfig's namespace) is not a DNS-1123 label.
    #[error("invalid target-namespace: {}", .reasons.join("; "))]
    BadNamespace {
        /// The validation failures.
        reasons: Vec<String>,
    },
    /// The cluster name is not a DNS-1123 subdomain.
    #[error("invalid cluster name: {}", .reasons.join("; "))]
    BadClusterName {
        /// The validation failures.
        reasons: Vec<String>,
    },
    /// `--kubernetes-version` is not a semantic version.
    #[error("invalid KubernetesVersion. Please use a semantic version number")]
    BadKubernetesVersion,
    /// No `--infrastructure`, and the management cluster has no single infrastructure provider.
    #[error(
        "failed to identify the default infrastructure provider. Please specify an infrastructure provider"
    )]
    NoDefaultInfrastructure,
    /// No version given, and the management cluster does not have the provider.
    #[error(
        "Unable to identify version for the provider {provider:?} automatically. Please specify a version"
    )]
    NoInstalledVersion {
        /// The provider name.
        provider: String,
    },
    /// An object of a ClusterClass template already exists on the management cluster.
    #[error("{object}({gvk}) already exists in the cluster")]
    ClassObjectExists {
        /// `namespace/name` (or `name`).
        object: String,
        /// Its group, version and kind, as Go prints a GroupVersionKind.
        gvk: String,
    },
    /// A machine-count variable is not an integer.
    #[error("invalid value for {variable} set")]
    BadCount {
        /// `CONTROL_PLANE_MACHINE_COUNT` or `WORKER_MACHINE_COUNT`.
        variable: &'static str,
    },
    /// Fewer than one control-plane machine.
    #[error("invalid ControlPlaneMachineCount. Please use a number greater than or equal to 1")]
    ControlPlaneCount,
    /// A negative worker count.
    #[error("invalid WorkerMachineCount. Please use a number greater than or equal to 0")]
    WorkerCount,
}
