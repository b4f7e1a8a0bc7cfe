//! `describe cluster`: an at-a-glance view of one Cluster API cluster, as clusterctl v1.13.5
//! gives it. [`discover`] reads the Cluster and what belongs to it into the owner graph
//! ([`crate::graph`], the one `move` walks) and lays out the tree; [`tree`] is that tree as
//! data, built with clusterctl's echo and grouping rules; [`render::render`] prints it as
//! clusterctl's table. The tree also serializes (`-o json|yaml`).

mod discover;
pub mod error;
pub mod render;
mod row;
pub mod text;
pub mod tree;

pub use self::tree::{
    ClusterTree, Condition, ConditionFilter, GroupMembers, NodeRole, ReplicaCount, TreeNode,
};
use crate::Client;
use crate::cluster::kubeconfig::KubeconfigSelector;
use crate::cluster::{ContractCheck, ManagementCluster};
use crate::error::Error;

/// What `describe cluster` is asked to show (clusterctl's `DescribeClusterOptions`).
#[derive(Debug, Clone)]
pub struct DescribeClusterOptions {
    /// The management cluster (`--kubeconfig`, `--kubeconfig-context`).
    pub kubeconfig: KubeconfigSelector,
    /// The Cluster's namespace; `None` is the context's namespace (`-n`).
    pub namespace: Option<String>,
    /// The Cluster's name.
    pub name: String,
    /// `all`, `Kind` or `Kind/name`, comma-separated, each with an optional `+` for non-zero
    /// conditions only (`--show-conditions`).
    pub show_other_conditions: String,
    /// MachineSets between MachineDeployments and Machines (`--show-machinesets`).
    pub show_machine_sets: bool,
    /// The ClusterResourceSets bound to the Cluster (`--show-resourcesets`).
    pub show_resource_sets: bool,
    /// Infrastructure and bootstrap templates (`--show-templates`).
    pub show_templates: bool,
    /// Machine infrastructure and bootstrap objects even when they only echo their Machine
    /// (`--echo`).
    pub echo: bool,
    /// Siblings with the same Available, Ready and UpToDate conditions merged into one row
    /// (`--grouping`, on by default).
    pub grouping: bool,
}

impl DescribeClusterOptions {
    /// The defaults of clusterctl's flags for the Cluster `name`.
    pub fn new(name: impl Into<String>) -> DescribeClusterOptions {
        DescribeClusterOptions {
            kubeconfig: KubeconfigSelector::default(),
            namespace: None,
            name: name.into(),
            show_other_conditions: String::new(),
            show_machine_sets: false,
            show_resource_sets: false,
            show_templates: false,
            echo: false,
            grouping: true,
        }
    }
}

impl Client {
    /// The tree of one Cluster (`describe cluster NAME`). The management cluster must run
    /// Cluster API at the current contract.
    pub async fn describe_cluster(
        &self,
        options: &DescribeClusterOptions,
    ) -> Result<ClusterTree, Error> {
        let cluster = ManagementCluster::connect(&options.kubeconfig, self.config().env()).await?;
        cluster
            .check_capi_contract(ContractCheck::default())
            .await?;
        let namespace = options
            .namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| cluster.current_namespace().to_string());
        let root = discover::discover(&cluster, &namespace, options).await?;
        Ok(ClusterTree { root })
    }
}
