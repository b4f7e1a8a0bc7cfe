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
}

/// Moves every object of the [`MOVED_KINDS`] in `namespace` from `from` to `to`, the least way.
pub async fn floor_move(
    from: &kube::Client,
    to: &kube::Client,
    namespace: &str,
) -> anyhow::Result<FloorReport> {
    let start = Instant::now();
    let lists: Vec<Vec<(&'static MovedKind, DynamicObject)>> =
        futures::stream::iter(MOVED_KINDS.iter())
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
    let objects: Vec<(&MovedKind, DynamicObject)> = lists.into_iter().flatten().collect();
    let mut requests = MOVED_KINDS.len();

    ensure_namespace(to, namespace).await?;
    requests += 1;

    let mut new_uids: HashMap<String, String> = HashMap::new();
    for level in levels(&objects) {
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
        requests += created.len();
        new_uids.extend(created);
    }

    let deletes: Vec<usize> = futures::stream::iter(&objects)
        .map(|(kind, object)| async move {
            let api = kind.api(from, namespace);
            let mut sent = 0;
            if object
                .metadata
                .finalizers
                .as_ref()
                .is_some_and(|f| !f.is_empty())
            {
                let patch = json!({"metadata": {"finalizers": null}});
                api.patch(name(object), &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                    .with_context(|| {
                        format!("removing the finalizers of {} {}", kind.kind, name(object))
                    })?;
                sent += 1;
            }
            api.delete(name(object), &DeleteParams::default())
                .await
                .with_context(|| format!("deleting {} {}", kind.kind, name(object)))?;
            anyhow::Ok(sent + 1)
        })
        .buffer_unordered(IN_FLIGHT)
        .try_collect()
        .await?;
    requests += deletes.iter().sum::<usize>();

    Ok(FloorReport {
        objects: objects.len(),
        requests,
        elapsed: start.elapsed(),
    })
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
fn levels(objects: &[(&MovedKind, DynamicObject)]) -> Vec<Vec<usize>> {
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
