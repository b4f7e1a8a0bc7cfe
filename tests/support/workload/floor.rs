//! The floor of `move`: the least work any client must do to move a namespace's workload from
//! one management cluster to another, to compare `capictl move` and `clusterctl move` with.
//!
//! It knows the kinds in advance (no discovery, no inventory), lists each once, creates every
//! object on the target with its ownerReferences remapped to the new uids (owners first, level
//! by level), then deletes every object from the source — removing finalizers first where there
//! are any, so the object goes at once. No pausing, no checks, no status, no managedFields.
//! [`IN_FLIGHT`] requests at a time.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use futures::{StreamExt as _, TryStreamExt as _};
use kube::api::{DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

use super::{IN_FLIGHT, MOVED_KINDS, MovedKind, ensure_namespace};

/// What the floor did.
pub struct FloorReport {
    /// Objects moved.
    pub objects: usize,
    /// API requests sent, to both clusters.
    pub requests: usize,
    /// Wall time from the first list to the last delete.
    pub elapsed: Duration,
    /// Of which listing the source.
    pub listing: Duration,
    /// Of which creating on the target (the namespace included).
    pub creating: Duration,
}

impl FloorReport {
    /// Of which deleting from the source.
    pub fn deleting(&self) -> Duration {
        self.elapsed - self.listing - self.creating
    }
}

/// Moves every object of the [`MOVED_KINDS`] in `namespace` from `from` to `to`, the least way.
pub async fn floor_move(
    from: &kube::Client,
    to: &kube::Client,
    namespace: &str,
) -> anyhow::Result<FloorReport> {
    let start = Instant::now();
    let objects = list_source(from, namespace).await?;
    let listing = start.elapsed();
    ensure_namespace(to, namespace).await?;
    let created = create_on_target(to, namespace, &objects).await?;
    let creating = start.elapsed() - listing;
    let deleted = delete_from_source(from, namespace, &objects).await?;
    Ok(FloorReport {
        objects: objects.len(),
        requests: MOVED_KINDS.len() + 1 + created + deleted,
        elapsed: start.elapsed(),
        listing,
        creating,
    })
}

type Listed = (&'static MovedKind, DynamicObject);

/// One list per kind.
async fn list_source(from: &kube::Client, namespace: &str) -> anyhow::Result<Vec<Listed>> {
    let lists: Vec<Vec<Listed>> = futures::stream::iter(MOVED_KINDS.iter())
        .map(|kind| async move {
            let list = kind
                .api(from, namespace)
                .list(&ListParams::default())
                .await
                .with_context(|| format!("listing {} in {namespace}", kind.plural))?;
            anyhow::Ok(list.items.into_iter().map(|o| (kind, o)).collect())
        })
        .buffered(IN_FLIGHT)
        .try_collect()
        .await?;
    Ok(lists.into_iter().flatten().collect())
}

/// Creates every object, a level of the owner graph at a time; returns the requests sent.
async fn create_on_target(
    to: &kube::Client,
    namespace: &str,
    objects: &[Listed],
) -> anyhow::Result<usize> {
    let mut new_uids: HashMap<String, String> = HashMap::new();
    for level in levels(objects) {
        let created: Vec<(String, String)> = futures::stream::iter(level)
            .map(|i| {
                let (kind, object) = &objects[i];
                let body = for_target(object, &new_uids);
                async move {
                    let created = kind
                        .api(to, namespace)
                        .create(&PostParams::default(), &body)
                        .await
                        .with_context(|| format!("creating {} {}", kind.kind, name(object)))?;
                    anyhow::Ok((uid(object), created.metadata.uid.unwrap_or_default()))
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .try_collect()
            .await?;
        new_uids.extend(created);
    }
    Ok(objects.len())
}

/// Deletes every object, its finalizers removed first; returns the requests sent.
async fn delete_from_source(
    from: &kube::Client,
    namespace: &str,
    objects: &[Listed],
) -> anyhow::Result<usize> {
    let sent: Vec<usize> = futures::stream::iter(objects)
        .map(|(kind, object)| async move {
            let api = kind.api(from, namespace);
            let what = || format!("{} {}", kind.kind, name(object));
            let finalized = object.metadata.finalizers.as_ref();
            let mut sent = 1;
            if finalized.is_some_and(|f| !f.is_empty()) {
                let patch = json!({"metadata": {"finalizers": null}});
                api.patch(name(object), &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                    .with_context(|| format!("removing the finalizers of {}", what()))?;
                sent += 1;
            }
            api.delete(name(object), &DeleteParams::default())
                .await
                .with_context(|| format!("deleting {}", what()))?;
            anyhow::Ok(sent)
        })
        .buffer_unordered(IN_FLIGHT)
        .try_collect()
        .await?;
    Ok(sent.iter().sum())
}

fn name(object: &DynamicObject) -> &str {
    object.metadata.name.as_deref().unwrap_or_default()
}

fn uid(object: &DynamicObject) -> String {
    object.metadata.uid.clone().unwrap_or_default()
}

/// The object as it is created on the target: without what the source's API server set, and
/// owned by the target's copies of its owners (references to objects not moved are dropped).
fn for_target(object: &DynamicObject, new_uids: &HashMap<String, String>) -> DynamicObject {
    let mut copy = object.clone();
    let meta = &mut copy.metadata;
    meta.uid = None;
    meta.resource_version = None;
    meta.creation_timestamp = None;
    meta.generation = None;
    meta.managed_fields = None;
    if let Some(refs) = meta.owner_references.take() {
        let kept: Vec<_> = refs
            .into_iter()
            .filter_map(|mut r| {
                r.uid = new_uids.get(&r.uid)?.clone();
                Some(r)
            })
            .collect();
        meta.owner_references = (!kept.is_empty()).then_some(kept);
    }
    if let Some(data) = copy.data.as_object_mut() {
        // The API server drops status on create anyway.
        data.remove("status");
    }
    copy
}

/// Indexes of `objects` grouped by depth in the owner graph (owners in earlier groups).
fn levels(objects: &[Listed]) -> Vec<Vec<usize>> {
    let by_uid: HashMap<String, usize> = objects
        .iter()
        .enumerate()
        .map(|(i, (_, o))| (uid(o), i))
        .collect();
    let owners: Vec<Vec<usize>> = objects
        .iter()
        .map(|(_, o)| {
            o.metadata
                .owner_references
                .iter()
                .flatten()
                .filter_map(|r| by_uid.get(&r.uid).copied())
                .collect()
        })
        .collect();
    // Relax until stable; a cycle (which the API server allows) stops at the object count.
    let mut depth = vec![0usize; objects.len()];
    for _ in 0..objects.len() {
        let mut changed = false;
        for i in 0..objects.len() {
            let d = owners[i].iter().map(|&o| depth[o] + 1).max().unwrap_or(0);
            if d > depth[i] && d <= objects.len() {
                depth[i] = d;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let deepest = depth.iter().copied().max().unwrap_or(0);
    (0..=deepest)
        .map(|d| (0..objects.len()).filter(|&i| depth[i] == d).collect())
        .filter(|level: &Vec<usize>| !level.is_empty())
        .collect()
}
