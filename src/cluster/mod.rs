//! The management cluster through kube-rs: connecting with a kubeconfig
//! ([`ManagementCluster::connect`]), resolving kinds, the apply engine (server-side apply in
//! stages, with retries and the take-over of objects clusterctl created), clusterctl's provider
//! inventory, cert-manager, and the waits. Nothing here knows about providers' repositories or
//! the terminal: `ops` feeds it processed objects, and progress goes through
//! [`crate::progress::Progress`].

pub mod apply;
pub mod backoff;
mod bulk;
pub mod cert_manager;
mod connect;
mod crd_migration;
pub mod crd_wait;
pub use crd_migration::storage_version;
mod discovery;
mod error;
pub mod inventory;
pub mod kubeconfig;
pub mod managed_fields;
mod objects;
mod resources;
pub mod wait;
mod warnings;
pub use warnings::{ApiWarnings, UnknownWarnings};

pub use apply::{ApplyJob, ApplyStages};
pub use bulk::{Created, Listing};
pub use connect::{
    MINIMUM_KUBERNETES_VERSION, MINIMUM_KUBERNETES_VERSION_CLUSTER_TOPOLOGY, ManagementCluster,
    check_kubernetes_version,
};
pub use error::{ApiFailure, ClusterError, FailureKind, go_duration};
pub use inventory::{ContractCheck, InventoryEntry};
pub use objects::ObjectRef;
pub use resources::{ResourceResolver, ResourceType, gvk_string};
