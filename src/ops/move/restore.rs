//! `--to-directory` and `--from-directory`: clusterctl's backup and restore, in its file
//! format (see [`super::directory`]), so that a backup taken by either tool restores with
//! the other.

use std::path::Path;

use serde_json::Value;

use super::discover::{self, Discovery};
use super::error::MoveError;
use super::run::{self, MOVE_PAUSED_ANNOTATION, Mover, Planned, TargetIndex};
use super::{MoveOptions, MoveReport, directory, kept_on_source, plan};
use crate::cluster::ManagementCluster;
use crate::error::Error;
use crate::graph::sequence::move_sequence;
use crate::graph::{CLUSTER_GROUP, ObjectIdentity};
use crate::progress::{Progress, ProgressEvent};

/// Backs the namespace up into `dir`: the same discovery and checks as a move, the source
/// paused while the files are written, then unpaused. Nothing is deleted.
pub(super) async fn to_directory(
    source: &ManagementCluster,
    namespace: &str,
    dir: &Path,
    options: &MoveOptions,
    progress: &dyn Progress,
) -> Result<MoveReport, Error> {
    directory::check_to_directory(dir).map_err(MoveError::from)?;
    let inventory = source.list_providers().await?;
    let (mut discovery, sequence) = plan(source, namespace, options, &inventory).await?;
    super::checks_provisioned(&discovery, &sequence)?;
    super::checks_not_paused(&discovery, &sequence)?;
    let mut report = MoveReport {
        namespace: namespace.to_string(),
        ..MoveReport::default()
    };
    run::report_groups(&discovery, &sequence, &mut report);
    report.kept_on_source = kept_on_source(&discovery, &sequence);
    let (clusters, classes) = count_roots(&discovery, &sequence);
    tracing::info!(Clusters = clusters, "Starting move of Cluster API objects");
    tracing::info!(ClusterClasses = classes, "Moving Cluster API objects");
    tracing::debug!("Pausing the source cluster");
    run::pause_source(source, &mut discovery, &sequence, options.concurrency).await?;
    tracing::info!("Saving files to {}", dir.display());
    let subject = "Saving objects";
    let total = sequence.nodes().count();
    progress.event(ProgressEvent::ApplyStarted {
        subject,
        count: total,
    });
    let mut written = Ok(0);
    for id in sequence.nodes() {
        let Some(mut obj) = discovery.object(id) else {
            continue;
        };
        // The pause mark is capictl's bookkeeping; the file holds what clusterctl writes.
        remove_annotation(&mut obj, MOVE_PAUSED_ANNOTATION);
        tracing::debug!(kind = %crate::object::kind(&obj), name = %crate::object::name(&obj), namespace = %crate::object::namespace(&obj), "Saving");
        match directory::write_object(dir, &obj) {
            Ok(_) => {
                written = written.map(|n| n + 1);
                let object = discovery.graph.node(id).identity().to_string();
                progress.event(ProgressEvent::Applied {
                    subject,
                    object: &object,
                });
            }
            Err(e) => {
                written = Err(e);
                break;
            }
        }
    }
    progress.event(ProgressEvent::ApplyFinished { subject });
    tracing::debug!("Resuming the source cluster");
    let paused: Vec<ObjectIdentity> = sequence
        .nodes()
        .filter(|&id| {
            discovery
                .object(id)
                .is_some_and(|o| crate::object::annotation(&o, MOVE_PAUSED_ANNOTATION).is_some())
        })
        .map(|id| discovery.graph.node(id).identity().clone())
        .collect();
    let unpaused = run::set_paused(source, &paused, false, options.concurrency).await;
    report.created = written.map_err(MoveError::from)?;
    report.unpaused = unpaused?;
    Ok(report)
}

/// Restores a backup into the target: every file of `dir`, created group after group;
/// objects already there (by name) are kept and their UIDs used for the ownerReferences.
/// Clusters and ClusterClasses are unpaused at the end.
pub(super) async fn from_directory(
    target: &ManagementCluster,
    dir: &Path,
    options: &MoveOptions,
    progress: &dyn Progress,
) -> Result<MoveReport, Error> {
    tracing::info!("Moving from directory...");
    tracing::info!("Restoring files from {}", dir.display());
    let objects = directory::read_directory(dir).map_err(MoveError::from)?;
    let types = discover::discovery_types(target).await?;
    let mut discovery = Discovery::new(types);
    for obj in &objects {
        discovery.add(obj)?;
    }
    drop(objects);
    discovery.link();
    let sequence = move_sequence(&discovery.graph);
    let namespace = options.namespace.clone().unwrap_or_default();
    let index = TargetIndex::read(target, &discovery, &sequence, "", options.concurrency).await?;
    let mut new_uids = vec![None; discovery.graph.len()];
    let mut already = 0;
    for id in sequence.nodes() {
        if let Some(existing) = index.get(discovery.graph.node(id).identity()) {
            new_uids[id.0] = Some(existing.uid.clone());
            already += 1;
        }
    }
    let mut report = MoveReport {
        namespace,
        already_on_target: already,
        ..MoveReport::default()
    };
    run::report_groups(&discovery, &sequence, &mut report);
    let to_unpause: Vec<ObjectIdentity> = sequence
        .nodes()
        .map(|id| discovery.graph.node(id).identity())
        .filter(|i| i.is(CLUSTER_GROUP, "Cluster") || i.is(CLUSTER_GROUP, "ClusterClass"))
        .cloned()
        .collect();
    tracing::info!("Restoring objects into the target cluster");
    let planned = Planned {
        discovery,
        sequence,
        index,
        new_uids,
    };
    let mut mover = Mover::new((target, target), planned, options.concurrency, progress);
    report.created = mover.create_all().await?;
    tracing::debug!("Resuming the target ClusterClasses and Clusters");
    let (classes, clusters): (Vec<ObjectIdentity>, Vec<ObjectIdentity>) = to_unpause
        .into_iter()
        .partition(|i| i.kind == "ClusterClass");
    report.unpaused = run::set_paused(target, &classes, false, options.concurrency).await?
        + run::set_paused(target, &clusters, false, options.concurrency).await?;
    Ok(report)
}

fn count_roots(
    discovery: &Discovery,
    sequence: &crate::graph::sequence::MoveSequence,
) -> (u64, u64) {
    let (mut clusters, mut classes) = (0, 0);
    for id in sequence.nodes() {
        let identity = discovery.graph.node(id).identity();
        if identity.is(CLUSTER_GROUP, "Cluster") {
            clusters += 1;
        } else if identity.is(CLUSTER_GROUP, "ClusterClass") {
            classes += 1;
        }
    }
    (clusters, classes)
}

fn remove_annotation(obj: &mut Value, key: &str) {
    let Some(Value::Object(metadata)) = obj.get_mut("metadata") else {
        return;
    };
    let empty = match metadata.get_mut("annotations") {
        Some(Value::Object(annotations)) => {
            annotations.remove(key);
            annotations.is_empty()
        }
        _ => false,
    };
    if empty {
        metadata.remove("annotations");
    }
}
