//! `move`: Cluster API objects from one management cluster to another, or to and from a
//! directory (clusterctl's backup format). Discovery builds the owner graph
//! ([`crate::graph`]) from the source, the checks refuse what cannot move, and the run
//! pauses, creates on the target group after group, deletes from the source in reverse and
//! unpauses on the target. The progress of an interrupted move is kept on the objects
//! themselves (see [`run`]), so running the same command again completes it.

pub mod checks;
pub mod directory;
mod discover;
pub mod error;
mod hold;
mod restore;
pub mod run;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use self::discover::Discovery;
use self::error::MoveError;
use crate::Client;
use crate::cluster::kubeconfig::KubeconfigSelector;
use crate::cluster::{ContractCheck, InventoryEntry, ManagementCluster};
use crate::error::Error;
use crate::graph::sequence::{LeftOut, LeftOutReason, MoveSequence, move_sequence};
use crate::graph::{NodeId, ObjectGraph, ObjectIdentity};
use crate::progress::Progress;

/// How many objects are written at once.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// How long a move waits, overall, for block-move annotations to go.
pub const DEFAULT_BLOCK_MOVE_TIMEOUT: Duration = Duration::from_secs(300);

/// What `move` is asked to do (clusterctl's `MoveOptions`, plus capictl's subset and
/// timeout).
#[derive(Debug, Clone)]
pub struct MoveOptions {
    /// The source cluster (`--kubeconfig`, `--kubeconfig-context`).
    pub from: KubeconfigSelector,
    /// The target cluster (`--to-kubeconfig`, `--to-kubeconfig-context`); also the cluster
    /// a `from_directory` restore writes to.
    pub to: Option<KubeconfigSelector>,
    /// Back up into this directory instead of moving (`--to-directory`).
    pub to_directory: Option<PathBuf>,
    /// Restore from this directory (`--from-directory`).
    pub from_directory: Option<PathBuf>,
    /// The namespace moved; `None` is the source context's namespace.
    pub namespace: Option<String>,
    /// Only report what would move (`--dry-run`).
    pub dry_run: bool,
    /// Move only these Clusters of the namespace and what belongs to them
    /// (`--filter-cluster`); empty moves every Cluster.
    pub filter_clusters: Vec<String>,
    /// The overall wait for block-move annotations (`--block-move-timeout`).
    pub block_move_timeout: Duration,
    /// Objects written at once.
    pub concurrency: usize,
}

impl Default for MoveOptions {
    fn default() -> MoveOptions {
        MoveOptions {
            from: KubeconfigSelector::default(),
            to: None,
            to_directory: None,
            from_directory: None,
            namespace: None,
            dry_run: false,
            filter_clusters: Vec::new(),
            block_move_timeout: DEFAULT_BLOCK_MOVE_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl MoveOptions {
    /// clusterctl's flag rules: the mutually exclusive groups, and a target unless dry-run.
    pub fn validate(&self) -> Result<(), MoveError> {
        let from_kubeconfig = self.from.path.is_some();
        if self.to_directory.is_some() && self.to.is_some() {
            return Err(MoveError::Exclusive {
                first: "to-directory",
                second: "to-kubeconfig",
            });
        }
        if self.from_directory.is_some() && self.to_directory.is_some() {
            return Err(MoveError::Exclusive {
                first: "from-directory",
                second: "to-directory",
            });
        }
        if self.from_directory.is_some() && from_kubeconfig {
            return Err(MoveError::Exclusive {
                first: "from-directory",
                second: "kubeconfig",
            });
        }
        if self.from_directory.is_some() && !self.filter_clusters.is_empty() {
            return Err(MoveError::Exclusive {
                first: "from-directory",
                second: "filter-cluster",
            });
        }
        if self.to.is_none()
            && self.to_directory.is_none()
            && self.from_directory.is_none()
            && !self.dry_run
        {
            return Err(MoveError::NoTarget);
        }
        Ok(())
    }
}

/// What a move did (or, dry, would do).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveReport {
    /// The namespace moved.
    pub namespace: String,
    /// Nothing was written.
    pub dry_run: bool,
    /// The groups, in creation order; each sorted.
    pub groups: Vec<Vec<ObjectIdentity>>,
    /// Objects of the move set that could not be placed in any group, with the reason.
    pub left_out: Vec<LeftOutObject>,
    /// Objects created on the target (or written to the directory) by this run.
    pub created: usize,
    /// Objects an earlier, interrupted run had already created on the target.
    pub already_on_target: usize,
    /// Objects deleted from the source.
    pub deleted: usize,
    /// Objects copied but kept on the source (shared ClusterClasses, global objects).
    pub kept_on_source: Vec<ObjectIdentity>,
    /// Clusters and ClusterClasses unpaused on the target.
    pub unpaused: usize,
}

/// An object the move leaves where it is, and why.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOutObject {
    /// The object.
    pub object: ObjectIdentity,
    /// Why it does not move.
    pub reason: String,
}

impl LeftOutObject {
    fn new(graph: &ObjectGraph, left: &LeftOut) -> LeftOutObject {
        let name = |id: NodeId| graph.node(id).identity().to_string();
        let reason = match left.reason {
            LeftOutReason::VirtualOwner { owner } => {
                let o = graph.node(owner).identity();
                format!(
                    "its owner {} {} (uid {}) is not of a kind move reads",
                    o.kind, o.name, o.uid
                )
            }
            LeftOutReason::OwnerNotMoved { owner } => {
                format!("its owner {} does not move", name(owner))
            }
            LeftOutReason::OwnerLeftOut { owner } => {
                format!("its owner {} is left out too", name(owner))
            }
        };
        LeftOutObject {
            object: graph.node(left.node).identity().clone(),
            reason,
        }
    }
}

impl Client {
    /// Moves Cluster API objects (`clusterctl move`): to another cluster, to a directory,
    /// from a directory, or dry. See [`MoveOptions`].
    pub async fn move_objects(
        &self,
        options: &MoveOptions,
        progress: &dyn Progress,
    ) -> Result<MoveReport, Error> {
        options.validate()?;
        if let Some(dir) = &options.from_directory {
            let target = options.to.clone().unwrap_or_default();
            let target = self.move_cluster(&target).await?;
            return restore::from_directory(&target, dir, options, progress).await;
        }
        let source = self.move_cluster(&options.from).await?;
        let namespace = options
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| source.current_namespace().to_string());
        if options.dry_run {
            tracing::info!("Performing move...");
            tracing::info!("********************************************************");
            tracing::info!("This is a dry-run move, will not perform any real action");
            tracing::info!("********************************************************");
            let (discovery, sequence) = plan(
                &source,
                &namespace,
                options,
                &source.list_providers().await?,
            )
            .await?;
            checks_not_paused(&discovery, &sequence)?;
            return Ok(dry_report(&discovery, &sequence, &namespace));
        }
        if let Some(dir) = &options.to_directory {
            tracing::info!("Moving to directory...");
            return restore::to_directory(&source, &namespace, dir, options, progress).await;
        }
        let target_selector = options.to.clone().unwrap_or_default();
        let target = self.move_cluster(&target_selector).await?;
        move_to_cluster(&source, &target, &namespace, options, progress).await
    }

    /// A cluster of a move, checked as clusterctl checks both ends: Cluster API installed
    /// at the current contract, and the inventory CRD in place.
    async fn move_cluster(
        &self,
        selector: &KubeconfigSelector,
    ) -> Result<ManagementCluster, Error> {
        let cluster = ManagementCluster::connect(selector, self.config().env()).await?;
        cluster
            .check_capi_contract(ContractCheck {
                allow_not_installed: false,
                allow_any_contract: false,
                also_allow: None,
            })
            .await?;
        cluster
            .ensure_inventory_crd(self.cluster_topology())
            .await?;
        Ok(cluster)
    }
}

/// Discovery, the subset asked for, and the sequence.
async fn plan(
    source: &ManagementCluster,
    namespace: &str,
    options: &MoveOptions,
    inventory: &[InventoryEntry],
) -> Result<(Discovery, MoveSequence), Error> {
    tracing::info!("Discovering Cluster API objects");
    let types = discover::discovery_types(source).await?;
    let mut discovery = discover::discover(source, namespace, types, inventory).await?;
    tracing::debug!(count = discovery.graph.len() as u64, "Total objects");
    if !options.filter_clusters.is_empty() {
        let mut selected = BTreeSet::new();
        for name in &options.filter_clusters {
            let id = discovery
                .graph
                .cluster_named(namespace, name)
                .ok_or_else(|| MoveError::UnknownCluster {
                    name: name.clone(),
                    namespace: namespace.to_string(),
                })?;
            selected.insert(id);
        }
        discovery.graph.keep_only_clusters(&selected);
    }
    let sequence = move_sequence(&discovery.graph);
    check_cycles(&discovery.graph, &sequence)?;
    Ok((discovery, sequence))
}

/// Refuses a move set whose ownerReferences go round in a circle (clusterctl leaves such
/// objects out silently).
fn check_cycles(graph: &ObjectGraph, sequence: &MoveSequence) -> Result<(), MoveError> {
    let left: BTreeSet<NodeId> = sequence.left_out().iter().map(|l| l.node).collect();
    // Depth-first over owners inside the left-out set; meeting a node of the current path
    // closes a cycle.
    let mut done: BTreeSet<NodeId> = BTreeSet::new();
    for &start in &left {
        let mut path: Vec<(NodeId, Vec<NodeId>)> = Vec::new();
        let owners_in_left = |id: NodeId| -> Vec<NodeId> {
            graph
                .owners_of(id)
                .into_iter()
                .filter(|o| left.contains(o))
                .collect()
        };
        if done.contains(&start) {
            continue;
        }
        path.push((start, owners_in_left(start)));
        while let Some((node, pending)) = path.last_mut() {
            let node = *node;
            match pending.pop() {
                Some(next) if path.iter().any(|(p, _)| *p == next) => {
                    let at = path.iter().position(|(p, _)| *p == next).unwrap_or(0);
                    let mut cycle: Vec<String> = path[at..]
                        .iter()
                        .map(|(id, _)| graph.node(*id).identity().to_string())
                        .collect();
                    cycle.push(graph.node(next).identity().to_string());
                    return Err(MoveError::OwnerCycle { objects: cycle });
                }
                Some(next) if !done.contains(&next) => {
                    let owners = owners_in_left(next);
                    path.push((next, owners));
                }
                Some(_) => {}
                None => {
                    done.insert(node);
                    path.pop();
                }
            }
        }
    }
    Ok(())
}

fn dry_report(discovery: &Discovery, sequence: &MoveSequence, namespace: &str) -> MoveReport {
    let mut report = MoveReport {
        namespace: namespace.to_string(),
        dry_run: true,
        ..MoveReport::default()
    };
    run::report_groups(discovery, sequence, &mut report);
    log_counts(discovery, sequence);
    report.kept_on_source = kept_on_source(discovery, sequence);
    for group in &report.groups {
        for object in group {
            tracing::debug!(kind = %object.kind, name = %object.name, namespace = %object.namespace, "Creating");
        }
    }
    report
}

fn kept_on_source(discovery: &Discovery, sequence: &MoveSequence) -> Vec<ObjectIdentity> {
    let mut kept: Vec<ObjectIdentity> = sequence
        .nodes()
        .map(|id| discovery.graph.node(id))
        .filter(|n| n.is_global() || n.is_global_hierarchy() || n.should_not_delete())
        .map(|n| n.identity().clone())
        .collect();
    kept.sort();
    kept
}

fn log_counts(discovery: &Discovery, sequence: &MoveSequence) {
    let (mut clusters, mut classes) = (0u64, 0u64);
    for id in sequence.nodes() {
        let identity = discovery.graph.node(id).identity();
        if identity.is(crate::graph::CLUSTER_GROUP, "Cluster") {
            clusters += 1;
        } else if identity.is(crate::graph::CLUSTER_GROUP, "ClusterClass") {
            classes += 1;
        }
    }
    tracing::info!(Clusters = clusters, "Moving Cluster API objects");
    tracing::info!(ClusterClasses = classes, "Moving Cluster API objects");
}

/// The Clusters, ClusterClasses and Machines of the sequence, parsed, for the checks.
fn checked_objects(discovery: &Discovery, sequence: &MoveSequence) -> Vec<serde_json::Value> {
    sequence
        .nodes()
        .filter(|&id| {
            let identity = discovery.graph.node(id).identity();
            identity.group() == crate::graph::CLUSTER_GROUP
                && matches!(
                    identity.kind.as_str(),
                    "Cluster" | "ClusterClass" | "Machine"
                )
        })
        .filter_map(|id| discovery.object(id))
        .collect()
}

/// The paused check (also run dry and before a backup).
fn checks_not_paused(discovery: &Discovery, sequence: &MoveSequence) -> Result<(), Error> {
    Ok(checks::check_not_paused(&checked_objects(discovery, sequence)).map_err(MoveError::from)?)
}

/// The provisioning check (skipped dry).
fn checks_provisioned(discovery: &Discovery, sequence: &MoveSequence) -> Result<(), Error> {
    checks::check_provisioning(&checked_objects(discovery, sequence))
        .map_err(|e| Error::from(MoveError::from(e)).context("failed to get object graph"))
}

/// The whole move from one cluster to another.
async fn move_to_cluster(
    source: &ManagementCluster,
    target: &ManagementCluster,
    namespace: &str,
    options: &MoveOptions,
    progress: &dyn Progress,
) -> Result<MoveReport, Error> {
    let (source_inventory, target_inventory) =
        futures::try_join!(source.list_providers(), target.list_providers())?;
    checks_target_providers(&source_inventory, &target_inventory)?;
    tracing::info!("Performing move...");
    let (mut discovery, sequence) = plan(source, namespace, options, &source_inventory).await?;
    checks_provisioned(&discovery, &sequence)?;
    checks_not_paused(&discovery, &sequence)?;
    let index = run::TargetIndex::read(
        target,
        &discovery,
        &sequence,
        namespace,
        options.concurrency,
    )
    .await?;
    log_counts(&discovery, &sequence);
    let mut report = MoveReport {
        namespace: namespace.to_string(),
        ..MoveReport::default()
    };
    run::report_groups(&discovery, &sequence, &mut report);
    report.kept_on_source = kept_on_source(&discovery, &sequence);

    // Before anything is written: what the target already holds.
    let (resumed, new_uids) = run::reconcile_with_target(&discovery, &sequence, &index)?;
    tracing::debug!("Pausing the source cluster");
    run::pause_source(source, &mut discovery, &sequence, options.concurrency).await?;
    let planned = run::Planned {
        discovery,
        sequence,
        index,
        new_uids,
    };
    let mut mover = run::Mover::new((source, target), planned, options.concurrency, progress);
    hold::at("paused").await;
    report.already_on_target = resumed;
    let result = async {
        tracing::info!("Waiting for all resources to be ready to move");
        run::wait_block_move(
            source,
            &mut mover.discovery,
            &mover.sequence,
            options.block_move_timeout,
        )
        .await?;
        tracing::info!("Creating objects in the target cluster");
        mover.create_all().await
    }
    .await;
    match result {
        Ok(created) => report.created = created,
        Err(e) => {
            if !mover.target_touched(resumed) {
                unpause_source(source, &mover, options.concurrency).await;
            }
            return Err(e);
        }
    }
    hold::at("created").await;
    tracing::info!("Deleting objects from the source cluster");
    report.deleted = mover.delete_all().await?;
    hold::at("deleted").await;
    tracing::debug!("Resuming the target ClusterClasses and Clusters");
    report.unpaused = mover.unpause().await?;
    Ok(report)
}

/// Undoes the pause when the move stopped before writing anything to the target.
async fn unpause_source(source: &ManagementCluster, mover: &run::Mover<'_>, concurrency: usize) {
    let identities = mover.paused_on_source();
    if let Err(e) = run::set_paused(source, &identities, false, concurrency).await {
        tracing::warn!(error = %e, "Could not unpause the source Clusters again; run the move again, or unpause them yourself");
    }
}

/// clusterctl's check of the target's providers.
fn checks_target_providers(
    source: &[InventoryEntry],
    target: &[InventoryEntry],
) -> Result<(), Error> {
    Ok(checks::check_target_providers(source, target).map_err(MoveError::from)?)
}
