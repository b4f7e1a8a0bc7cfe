//! Moving the planned objects to a target cluster: pause, wait for block-move, create group
//! after group (concurrently within a group), delete from the source in reverse, unpause on
//! the target.
//!
//! The state of a move lives on the objects, so that running the same command again
//! completes an interrupted move, from any machine:
//! - source Clusters and ClusterClasses a move paused carry [`MOVE_PAUSED_ANNOTATION`]; a
//!   re-run accepts them (a Cluster the user paused is still refused);
//! - every object created on the target carries [`MOVED_FROM_ANNOTATION`] with the UID of
//!   its source object, so a re-run recognises what is already there and takes its UID for
//!   the ownerReferences of what it still creates;
//! - the source objects being deleted carry clusterctl's `delete-for-move` annotation;
//! - the copies of paused Clusters and ClusterClasses carry [`MOVE_PAUSED_ANNOTATION`] on the
//!   target until the move unpauses them, which a re-run also does.
//!
//! Nothing is deleted from the source before every object of the move exists on the target.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Map, Value, json};

use super::MoveReport;
use super::discover::Discovery;
use super::error::{FailureCause, MoveError, ObjectFailure};
use crate::cluster::{ClusterError, Created, Listing, ManagementCluster, ObjectRef};
use crate::error::Error;
use crate::graph::sequence::MoveSequence;
use crate::graph::{BLOCK_MOVE_ANNOTATION, CLUSTER_GROUP, NodeId, ObjectIdentity};
use crate::object;
use crate::progress::{Progress, ProgressEvent};

pub use super::checks::MOVE_PAUSED_ANNOTATION;
/// On an object a move created: the UID of the source object it copies.
pub const MOVED_FROM_ANNOTATION: &str = "capictl.cluster.x-k8s.io/moved-from";
/// clusterctl's annotation on source objects deleted by a move (controllers skip cleanup).
pub const DELETE_FOR_MOVE_ANNOTATION: &str = "clusterctl.cluster.x-k8s.io/delete-for-move";
/// Cluster API's paused annotation (ClusterClasses are paused with it).
pub const PAUSED_ANNOTATION: &str = "cluster.x-k8s.io/paused";

/// What a move knows about one object on the target.
#[derive(Debug, Clone)]
pub(super) struct OnTarget {
    pub(super) uid: String,
    moved_from: Option<String>,
}

impl OnTarget {
    #[cfg(test)]
    pub(super) fn new(uid: &str, moved_from: Option<String>) -> OnTarget {
        OnTarget {
            uid: uid.to_string(),
            moved_from,
        }
    }
}

/// Objects of the target, by (group, kind, namespace, name).
#[derive(Debug, Default)]
pub(super) struct TargetIndex {
    objects: HashMap<(String, String, String, String), OnTarget>,
    /// Clusters and ClusterClasses a move left paused on the target.
    paused: Vec<ObjectIdentity>,
}

fn key(identity: &ObjectIdentity) -> (String, String, String, String) {
    (
        identity.group().to_string(),
        identity.kind.clone(),
        identity.namespace.clone(),
        identity.name.clone(),
    )
}

impl TargetIndex {
    /// Lists (metadata only) every kind and namespace the sequence creates into, and the
    /// Clusters and ClusterClasses of `namespace` an interrupted move left paused.
    pub(super) async fn read(
        target: &ManagementCluster,
        discovery: &Discovery,
        sequence: &MoveSequence,
        namespace: &str,
        concurrency: usize,
    ) -> Result<TargetIndex, Error> {
        let mut lists: BTreeSet<(String, String, String)> = BTreeSet::new();
        for id in sequence.nodes() {
            let node = discovery.graph.node(id);
            let identity = node.identity();
            let ns = if node.is_global() {
                String::new()
            } else {
                identity.namespace.clone()
            };
            lists.insert((identity.api_version.clone(), identity.kind.clone(), ns));
        }
        for t in &discovery.types {
            if t.group() == CLUSTER_GROUP && (t.kind == "Cluster" || t.kind == "ClusterClass") {
                lists.insert((t.api_version.clone(), t.kind.clone(), namespace.to_string()));
            }
        }
        let found: Vec<Result<Vec<Value>, ClusterError>> = futures::stream::iter(lists)
            .map(|(api_version, kind, ns)| async move {
                target
                    .list_all(&api_version, &kind, &ns, Listing::Metadata)
                    .await
            })
            .buffered(concurrency.clamp(1, 8))
            .collect()
            .await;
        let mut index = TargetIndex::default();
        for list in found {
            for obj in list? {
                let identity = identity_of(&obj);
                if object::annotation(&obj, MOVE_PAUSED_ANNOTATION).is_some()
                    && identity.is(CLUSTER_GROUP, &identity.kind)
                    && (identity.kind == "Cluster" || identity.kind == "ClusterClass")
                {
                    index.paused.push(identity.clone());
                }
                index.objects.insert(
                    key(&identity),
                    OnTarget {
                        uid: identity.uid.clone(),
                        moved_from: object::annotation(&obj, MOVED_FROM_ANNOTATION)
                            .map(str::to_string),
                    },
                );
            }
        }
        Ok(index)
    }

    pub(super) fn get(&self, identity: &ObjectIdentity) -> Option<&OnTarget> {
        self.objects.get(&key(identity))
    }

    #[cfg(test)]
    pub(super) fn insert(&mut self, identity: &ObjectIdentity, on_target: OnTarget) {
        self.objects.insert(key(identity), on_target);
    }
}

fn identity_of(obj: &Value) -> ObjectIdentity {
    ObjectIdentity {
        api_version: object::api_version(obj).to_string(),
        kind: object::kind(obj).to_string(),
        namespace: object::namespace(obj).to_string(),
        name: object::name(obj).to_string(),
        uid: object::get_path(obj, &["metadata", "uid"])
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    }
}

fn object_ref(identity: &ObjectIdentity) -> ObjectRef {
    ObjectRef::new(
        &identity.api_version,
        &identity.kind,
        &identity.namespace,
        &identity.name,
    )
}

/// What a move writes: the objects, their order, what the target holds, and the target UIDs
/// known before writing (by node index).
pub(super) struct Planned {
    pub(super) discovery: Discovery,
    pub(super) sequence: MoveSequence,
    pub(super) index: TargetIndex,
    pub(super) new_uids: Vec<Option<String>>,
}

/// One move from a source cluster to a target cluster.
pub(super) struct Mover<'a> {
    pub(super) source: &'a ManagementCluster,
    pub(super) target: &'a ManagementCluster,
    pub(super) discovery: Discovery,
    pub(super) sequence: MoveSequence,
    pub(super) index: TargetIndex,
    pub(super) concurrency: usize,
    pub(super) progress: &'a dyn Progress,
    /// The UID on the target of each node already there, by node index.
    new_uids: Vec<Option<String>>,
    /// Objects this run created.
    created: usize,
}

impl<'a> Mover<'a> {
    pub(super) fn new(
        (source, target): (&'a ManagementCluster, &'a ManagementCluster),
        planned: Planned,
        concurrency: usize,
        progress: &'a dyn Progress,
    ) -> Mover<'a> {
        let Planned {
            discovery,
            sequence,
            index,
            new_uids,
        } = planned;
        Mover {
            source,
            target,
            discovery,
            sequence,
            index,
            concurrency: concurrency.max(1),
            progress,
            new_uids,
            created: 0,
        }
    }

    /// The Clusters and ClusterClasses of the move that carry the move's pause mark.
    pub(super) fn paused_on_source(&self) -> Vec<ObjectIdentity> {
        self.sequence
            .nodes()
            .filter(|&id| {
                self.discovery
                    .object(id)
                    .is_some_and(|o| object::annotation(&o, MOVE_PAUSED_ANNOTATION).is_some())
            })
            .map(|id| self.discovery.graph.node(id).identity().clone())
            .collect()
    }

    /// Whether the target holds anything of this move (created now or by an earlier run).
    pub(super) fn target_touched(&self, resumed: usize) -> bool {
        resumed > 0 || self.created > 0
    }

    /// Creates every object of the sequence that is not on the target yet, group after group.
    pub(super) async fn create_all(&mut self) -> Result<usize, Error> {
        let namespaces: BTreeSet<String> = self
            .sequence
            .nodes()
            .map(|id| self.discovery.graph.node(id))
            .filter(|n| !n.is_global())
            .map(|n| n.identity().namespace.clone())
            .filter(|ns| !ns.is_empty())
            .collect();
        let target = self.target;
        let ensured: Vec<Result<(), ClusterError>> = futures::stream::iter(namespaces)
            .map(|ns| async move { target.ensure_namespace(&ns).await })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        for result in ensured {
            result?;
        }
        let total = self.sequence.nodes().count();
        let subject = "Creating objects in the target cluster";
        self.progress.event(ProgressEvent::ApplyStarted {
            subject,
            count: total,
        });
        let groups = self.sequence.groups().to_vec();
        for group in groups {
            // Objects are parsed and built as they are sent, so that at most
            // `concurrency` of them are in memory at once.
            let todo: Vec<NodeId> = group
                .iter()
                .copied()
                .filter(|id| self.new_uids[id.0].is_none())
                .collect();
            for id in &group {
                if self.new_uids[id.0].is_some() {
                    let object = self.discovery.graph.node(*id).identity().to_string();
                    self.progress.event(ProgressEvent::Applied {
                        subject,
                        object: &object,
                    });
                }
            }
            let this = &*self;
            let results: Vec<(NodeId, Result<String, ObjectFailure>)> = futures::stream::iter(todo)
                .map(|id| async move { (id, this.create_one(id).await) })
                .buffer_unordered(self.concurrency)
                .collect()
                .await;
            let mut failures = Vec::new();
            for (id, result) in results {
                match result {
                    Ok(uid) => {
                        self.new_uids[id.0] = Some(uid);
                        self.created += 1;
                    }
                    Err(failure) => failures.push(failure),
                }
            }
            if !failures.is_empty() {
                failures.sort_by(|a, b| a.object.cmp(&b.object));
                self.progress
                    .event(ProgressEvent::ApplyFinished { subject });
                return Err(MoveError::Objects {
                    phase: "failed to create objects in the target cluster",
                    failures,
                    resumable: true,
                }
                .into());
            }
        }
        self.progress
            .event(ProgressEvent::ApplyFinished { subject });
        Ok(self.created)
    }

    /// Creates one object and restores its managed fields: two requests. Returns its UID on
    /// the target.
    async fn create_one(&self, id: NodeId) -> Result<String, ObjectFailure> {
        let node = self.discovery.graph.node(id);
        let identity = node.identity();
        let fail = |error: ClusterError| ObjectFailure {
            object: identity.to_string(),
            cause: FailureCause::Cluster(error),
        };
        let Some((body, managed_fields)) =
            copy_for_target(&self.discovery, id, |owner| self.new_uids[owner.0].clone())
        else {
            return Err(ObjectFailure {
                object: identity.to_string(),
                cause: FailureCause::NoMetadata,
            });
        };
        super::hold::at("creating").await;
        tracing::debug!(kind = %identity.kind, name = %identity.name, namespace = %identity.namespace, "Creating");
        let uid = match self.target.create(&body).await.map_err(fail)? {
            Created::New(meta) => uid_of(&meta),
            Created::AlreadyExists => {
                // A create whose answer was lost, or an object that appeared meanwhile.
                let existing = self
                    .target
                    .get(&object_ref(identity))
                    .await
                    .map_err(fail)?
                    .unwrap_or_default();
                let ours = object::annotation(&existing, MOVED_FROM_ANNOTATION)
                    == Some(identity.uid.as_str());
                if !(ours || node.is_global() || node.is_global_hierarchy()) {
                    return Err(ObjectFailure {
                        object: identity.to_string(),
                        cause: FailureCause::Foreign,
                    });
                }
                uid_of(&existing)
            }
        };
        if let Some(managed_fields) = managed_fields {
            let patch = json!({"metadata": {"managedFields": managed_fields}});
            self.target
                .merge_patch(&object_ref(identity), &patch)
                .await
                .map_err(|e| fail(e.context("failed to restore its managed fields")))?;
        }
        self.progress.event(ProgressEvent::Applied {
            subject: "Creating objects in the target cluster",
            object: &identity.to_string(),
        });
        Ok(uid)
    }

    /// Deletes the moved objects from the source, last group first, skipping global objects
    /// and those to keep. Up to three requests each: mark, delete, drop finalizers.
    pub(super) async fn delete_all(&self) -> Result<usize, Error> {
        let subject = "Deleting objects from the source cluster";
        let groups = deletable(&self.discovery, &self.sequence);
        self.progress.event(ProgressEvent::ApplyStarted {
            subject,
            count: groups.iter().map(Vec::len).sum(),
        });
        let mut deleted = 0;
        for group in groups {
            let results: Vec<Result<bool, ObjectFailure>> = futures::stream::iter(group)
                .map(|id| self.delete_one(id))
                .buffer_unordered(self.concurrency)
                .collect()
                .await;
            let mut failures = Vec::new();
            for result in results {
                match result {
                    Ok(true) => deleted += 1,
                    Ok(false) => {}
                    Err(f) => failures.push(f),
                }
            }
            if !failures.is_empty() {
                failures.sort_by(|a, b| a.object.cmp(&b.object));
                self.progress
                    .event(ProgressEvent::ApplyFinished { subject });
                return Err(MoveError::Objects {
                    phase: "failed to delete objects from the source cluster",
                    failures,
                    resumable: true,
                }
                .into());
            }
        }
        self.progress
            .event(ProgressEvent::ApplyFinished { subject });
        Ok(deleted)
    }

    async fn delete_one(&self, id: NodeId) -> Result<bool, ObjectFailure> {
        let identity = self.discovery.graph.node(id).identity();
        let r = object_ref(identity);
        let fail = |error: ClusterError| ObjectFailure {
            object: identity.to_string(),
            cause: FailureCause::Cluster(error),
        };
        super::hold::at("deleting").await;
        tracing::debug!(kind = %identity.kind, name = %identity.name, namespace = %identity.namespace, "Deleting");
        let finalizers = |obj: &Value| {
            object::get_path(obj, &["metadata", "finalizers"])
                .and_then(Value::as_array)
                .is_some_and(|f| !f.is_empty())
        };
        // An object with finalizers is marked for controllers (clusterctl's delete-for-move:
        // do not clean up what moved) and released from its finalizers in one patch, so that
        // the delete removes it at once; one without finalizers is deleted straight away.
        let release = json!({"metadata": {
            "annotations": {DELETE_FOR_MOVE_ANNOTATION: ""},
            "finalizers": null,
        }});
        if self.discovery.object(id).is_some_and(|o| finalizers(&o))
            && self
                .source
                .merge_patch_existing(&r, &release)
                .await
                .map_err(fail)?
                .is_none()
        {
            return Ok(false);
        }
        let answer = self.source.delete_existing(&r).await.map_err(fail)?;
        let existed = answer.is_some();
        // Finalizers added since discovery still hold it: release them now.
        if answer.as_ref().is_some_and(finalizers) {
            self.source
                .merge_patch_existing(&r, &release)
                .await
                .map_err(fail)?;
        }
        self.progress.event(ProgressEvent::Applied {
            subject: "Deleting objects from the source cluster",
            object: &identity.to_string(),
        });
        Ok(existed)
    }

    /// Unpauses, on the target, the ClusterClasses and then the Clusters this move (or an
    /// interrupted run of it) paused, and on the source the ClusterClasses kept there.
    pub(super) async fn unpause(&self) -> Result<usize, Error> {
        let mut on_target: BTreeMap<(String, String, String), ObjectIdentity> = BTreeMap::new();
        for id in self.sequence.nodes() {
            let identity = self.discovery.graph.node(id).identity();
            let paused_by_move = self
                .discovery
                .object(id)
                .is_some_and(|o| object::annotation(&o, MOVE_PAUSED_ANNOTATION).is_some());
            if paused_by_move {
                on_target.insert(
                    (
                        identity.kind.clone(),
                        identity.namespace.clone(),
                        identity.name.clone(),
                    ),
                    identity.clone(),
                );
            }
        }
        for identity in &self.index.paused {
            on_target.insert(
                (
                    identity.kind.clone(),
                    identity.namespace.clone(),
                    identity.name.clone(),
                ),
                identity.clone(),
            );
        }
        let (classes, clusters): (Vec<ObjectIdentity>, Vec<ObjectIdentity>) = on_target
            .into_values()
            .partition(|i| i.kind == "ClusterClass");
        let kept: Vec<ObjectIdentity> = self
            .sequence
            .nodes()
            .map(|id| self.discovery.graph.node(id))
            .filter(|n| n.should_not_delete() && n.identity().kind == "ClusterClass")
            .map(|n| n.identity().clone())
            .collect();
        let mut count = 0;
        count += set_paused(self.target, &classes, false, self.concurrency).await?;
        count += set_paused(self.target, &clusters, false, self.concurrency).await?;
        set_paused(self.source, &kept, false, self.concurrency).await?;
        Ok(count)
    }
}

/// The object to create for node `id`: the source object without its server-set fields,
/// with ownerReferences pointing at the owners' UIDs on the target, and marked with the
/// source UID.
/// Also returns the source's managed fields, to restore after the create.
pub(super) fn copy_for_target(
    discovery: &Discovery,
    id: NodeId,
    target_uid: impl Fn(NodeId) -> Option<String>,
) -> Option<(Value, Option<Value>)> {
    let node = discovery.graph.node(id);
    let mut obj = discovery.object(id)?;
    let mut owner_refs = Vec::new();
    for link in node.owners() {
        let owner = discovery.graph.node(link.owner).identity();
        let mut reference = Map::new();
        reference.insert("apiVersion".into(), owner.api_version.clone().into());
        reference.insert("kind".into(), owner.kind.clone().into());
        reference.insert("name".into(), owner.name.clone().into());
        reference.insert(
            "uid".into(),
            target_uid(link.owner).unwrap_or_default().into(),
        );
        if let Some(c) = link.controller {
            reference.insert("controller".into(), c.into());
        }
        if let Some(b) = link.block_owner_deletion {
            reference.insert("blockOwnerDeletion".into(), b.into());
        }
        owner_refs.push(Value::Object(reference));
    }
    let metadata = obj.get_mut("metadata")?.as_object_mut()?;
    // Restored after the create (the API server ignores them in a create) when they record
    // a server-side apply: only then does field ownership decide what a later apply may
    // change. Entries of plain updates are history, and cost a request per object.
    let managed_fields = metadata
        .get("managedFields")
        .filter(|m| {
            m.as_array().is_some_and(|entries| {
                entries
                    .iter()
                    .any(|e| e.get("operation").and_then(Value::as_str) == Some("Apply"))
            })
        })
        .cloned();
    for field in [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
        "selfLink",
        "managedFields",
        "ownerReferences",
    ] {
        metadata.remove(field);
    }
    if metadata.get("name").and_then(Value::as_str).is_some() {
        metadata.remove("generateName");
    }
    if !owner_refs.is_empty() {
        metadata.insert("ownerReferences".into(), Value::Array(owner_refs));
    }
    let annotations = metadata
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(annotations) = annotations {
        annotations.insert(
            MOVED_FROM_ANNOTATION.into(),
            node.identity().uid.clone().into(),
        );
        annotations.remove(DELETE_FOR_MOVE_ANNOTATION);
    }
    Some((obj, managed_fields))
}

/// The objects of the sequence that already exist on the target: those an earlier run of
/// this move created are taken over, global ones are left untouched (as clusterctl does),
/// and any other is a conflict, reported before anything is written. Returns how many were
/// taken over, and the target UID of each node already there (by node index).
pub(super) fn reconcile_with_target(
    discovery: &Discovery,
    sequence: &MoveSequence,
    index: &TargetIndex,
) -> Result<(usize, Vec<Option<String>>), MoveError> {
    let mut new_uids = vec![None; discovery.graph.len()];
    let mut conflicts = Vec::new();
    let mut resumed = 0;
    for id in sequence.nodes() {
        let node = discovery.graph.node(id);
        let identity = node.identity();
        let Some(existing) = index.get(identity) else {
            continue;
        };
        if existing.moved_from.as_deref() == Some(identity.uid.as_str()) {
            resumed += 1;
            new_uids[id.0] = Some(existing.uid.clone());
        } else if node.is_global() || node.is_global_hierarchy() {
            new_uids[id.0] = Some(existing.uid.clone());
        } else {
            conflicts.push(identity.to_string());
        }
    }
    if conflicts.is_empty() {
        Ok((resumed, new_uids))
    } else {
        Err(MoveError::AlreadyOnTarget { objects: conflicts })
    }
}

/// What a move deletes from the source, in order: the groups last first, without global
/// objects, what global objects own, and what stays on the source.
pub(super) fn deletable(discovery: &Discovery, sequence: &MoveSequence) -> Vec<Vec<NodeId>> {
    sequence
        .groups()
        .iter()
        .rev()
        .map(|g| {
            g.iter()
                .copied()
                .filter(|&id| {
                    let n = discovery.graph.node(id);
                    !(n.is_global() || n.is_global_hierarchy() || n.should_not_delete())
                })
                .collect()
        })
        .collect()
}

fn uid_of(obj: &Value) -> String {
    object::get_path(obj, &["metadata", "uid"])
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The patch that pauses (or unpauses) a Cluster or a ClusterClass for a move.
pub(super) fn pause_patch(kind: &str, pause: bool) -> Value {
    let mark = pause.then(|| Value::String(String::new()));
    let mark = mark.unwrap_or(Value::Null);
    if kind == "ClusterClass" {
        json!({"metadata": {"annotations": {PAUSED_ANNOTATION: mark.clone(), MOVE_PAUSED_ANNOTATION: mark}}})
    } else {
        let paused = if pause {
            Value::Bool(true)
        } else {
            Value::Null
        };
        json!({"spec": {"paused": paused}, "metadata": {"annotations": {MOVE_PAUSED_ANNOTATION: mark}}})
    }
}

/// Pauses or unpauses Clusters and ClusterClasses, concurrently; returns how many were
/// changed (objects already gone are skipped). The patched objects come back in the order
/// given.
pub(super) async fn set_paused(
    cluster: &ManagementCluster,
    objects: &[ObjectIdentity],
    pause: bool,
    concurrency: usize,
) -> Result<usize, Error> {
    let results: Vec<Result<Option<Value>, ClusterError>> = futures::stream::iter(objects)
        .map(|identity| async move {
            let verb = if pause { "pause" } else { "unpause" };
            tracing::trace!(kind = %identity.kind, name = %identity.name, namespace = %identity.namespace, paused = pause, "Set paused");
            cluster
                .merge_patch_existing(&object_ref(identity), &pause_patch(&identity.kind, pause))
                .await
                .map_err(|e| e.context(format!("failed to {verb} {identity}")))
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    let mut count = 0;
    for result in results {
        if result?.is_some() {
            count += 1;
        }
    }
    Ok(count)
}

/// Pauses the Clusters and ClusterClasses of the move set on the source (those an earlier run
/// paused are left as they are) and keeps the patched objects.
pub(super) async fn pause_source(
    source: &ManagementCluster,
    discovery: &mut Discovery,
    sequence: &MoveSequence,
    concurrency: usize,
) -> Result<Vec<NodeId>, Error> {
    let to_pause: Vec<NodeId> = sequence
        .nodes()
        .filter(|&id| {
            let identity = discovery.graph.node(id).identity();
            identity.is(CLUSTER_GROUP, "Cluster") || identity.is(CLUSTER_GROUP, "ClusterClass")
        })
        .filter(|&id| {
            discovery
                .object(id)
                .is_some_and(|o| object::annotation(&o, MOVE_PAUSED_ANNOTATION).is_none())
        })
        .collect();
    // Classes first, as clusterctl pauses them after Clusters but unpauses them first; the
    // order does not matter to the API server.
    let results: Vec<(NodeId, Result<Option<Value>, ClusterError>)> =
        futures::stream::iter(to_pause.iter().copied())
            .map(|id| {
                let identity = discovery.graph.node(id).identity().clone();
                async move {
                    let patched = source
                        .merge_patch_existing(
                            &object_ref(&identity),
                            &pause_patch(&identity.kind, true),
                        )
                        .await
                        .map_err(|e| e.context(format!("failed to pause {identity}")));
                    (id, patched)
                }
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
    let mut paused = Vec::new();
    let mut first_error = None;
    for (id, result) in results {
        match result {
            Ok(Some(obj)) => {
                discovery.set_object(id, &obj);
                paused.push(id);
            }
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(paused),
    }
}

/// Waits until no object of the move set carries the block-move annotation, polling them
/// all together; one overall `timeout`. Keeps the objects read last.
pub(super) async fn wait_block_move(
    source: &ManagementCluster,
    discovery: &mut Discovery,
    sequence: &MoveSequence,
    timeout: Duration,
) -> Result<(), Error> {
    let mut blocked: Vec<NodeId> = sequence
        .nodes()
        .filter(|&id| discovery.graph.node(id).blocking_move())
        .collect();
    if blocked.is_empty() {
        return Ok(());
    }
    tracing::info!(
        "Move blocked by {BLOCK_MOVE_ANNOTATION} annotation, waiting for it to be removed"
    );
    let start = Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        let reads: Vec<(NodeId, Result<Option<Value>, ClusterError>)> =
            futures::stream::iter(blocked.iter().copied())
                .map(|id| {
                    let r = object_ref(discovery.graph.node(id).identity());
                    async move { (id, source.get(&r).await) }
                })
                .buffer_unordered(16)
                .collect()
                .await;
        let mut still = Vec::new();
        for (id, read) in reads {
            if let Some(obj) = read? {
                let blocking = object::annotation(&obj, BLOCK_MOVE_ANNOTATION).is_some();
                discovery.set_object(id, &obj);
                if blocking {
                    still.push(id);
                }
            }
        }
        still.sort();
        blocked = still;
        if blocked.is_empty() {
            return Ok(());
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Err(MoveError::Blocked {
                objects: blocked
                    .iter()
                    .map(|&id| discovery.graph.node(id).identity().to_string())
                    .collect(),
                waited: timeout,
            }
            .into());
        }
        tokio::time::sleep(wait.min(timeout - elapsed)).await;
        wait = (wait.mul_f64(1.5)).min(Duration::from_secs(10));
    }
}

/// The report of a finished (or dry) run.
pub(super) fn report_groups(
    discovery: &Discovery,
    sequence: &MoveSequence,
    report: &mut MoveReport,
) {
    report.groups = sequence
        .groups()
        .iter()
        .map(|g| {
            let mut group: Vec<ObjectIdentity> = g
                .iter()
                .map(|&id| discovery.graph.node(id).identity().clone())
                .collect();
            group.sort();
            group
        })
        .collect();
    report.left_out = sequence
        .left_out()
        .iter()
        .map(|l| super::LeftOutObject::new(&discovery.graph, l))
        .collect();
}
