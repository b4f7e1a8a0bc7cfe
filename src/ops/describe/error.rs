//! What can go wrong in `describe cluster`.

use crate::cluster::ClusterError;

/// Errors of [`Client::describe_cluster`](crate::Client::describe_cluster).
#[derive(Debug, thiserror::Error)]
pub enum DescribeError {
    /// No Cluster of that name in the namespace (clusterctl prints the API server's words).
    #[error("clusters.cluster.x-k8s.io \"{name}\" not found")]
    ClusterNotFound {
        /// The namespace searched.
        namespace: String,
        /// The Cluster name asked for.
        name: String,
    },
    /// A kind's CRD could not be read to learn which contract (and apiVersion) it follows.
    #[error("failed to get {what} for kind {kind}: {reason}")]
    Contract {
        /// `contract version` or `apiVersion`.
        what: &'static str,
        /// The kind asked about.
        kind: String,
        /// Why: the CRD is missing, or carries no contract label.
        reason: String,
    },
    /// Listing the Cluster's Machines, MachineSets, MachineDeployments or MachinePools failed.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
}
