//! Why `get kubeconfig` failed. The messages about the Secret are clusterctl's; the ones about
//! `--output` and `--merge` (capictl only) name the file.

use std::path::PathBuf;

use crate::cluster::ApiFailure;

/// A workload cluster's kubeconfig that cannot be read, merged or written.
#[derive(Debug, thiserror::Error)]
pub enum GetKubeconfigError {
    /// The `<cluster>-kubeconfig` Secret could not be read (missing, or the request failed).
    #[error("\"{cluster}-kubeconfig\" not found in namespace {namespace:?}")]
    SecretUnreadable {
        /// The workload cluster.
        cluster: String,
        /// Its namespace.
        namespace: String,
        /// What the API server answered.
        #[source]
        failure: ApiFailure,
    },
    /// The Secret exists without the `value` key Cluster API writes the kubeconfig under.
    #[error(
        "\"{cluster}-kubeconfig\" not found in namespace {namespace:?}: missing key \"value\" in secret data"
    )]
    MissingValue {
        /// The workload cluster.
        cluster: String,
        /// Its namespace.
        namespace: String,
    },
    /// The Secret's `value` is not base64 (the API server never sends that; a proxy might).
    #[error("the \"value\" of Secret {namespace}/{cluster}-kubeconfig is not base64: {reason}")]
    NotBase64 {
        /// The workload cluster.
        cluster: String,
        /// Its namespace.
        namespace: String,
        /// The decoder's message.
        reason: String,
    },
    /// `--merge` needs the Secret to hold a kubeconfig it can read.
    #[error("the kubeconfig in Secret {namespace}/{cluster}-kubeconfig cannot be merged: {reason}")]
    WorkloadKubeconfigInvalid {
        /// The workload cluster.
        cluster: String,
        /// Its namespace.
        namespace: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The file to merge into is not a kubeconfig.
    #[error(
        "cannot merge into {}: {reason}; fix the file or choose another one with --output",
        .path.display()
    )]
    TargetInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("failed to {action} {}", .path.display())]
    File {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
