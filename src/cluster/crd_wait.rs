//! Waiting for CustomResourceDefinitions to be Established: followed through aggregated
//! discovery (which lists a CRD's resources once it is served), with a watch or polls where
//! discovery is unavailable, and a nudge for CRDs stuck Installing.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures::StreamExt;
use kube::core::discovery::v2::APIGroupDiscoveryList;
use serde_json::Value;

use super::backoff::{Backoff, retry};
use super::connect::ManagementCluster;
use super::error::ClusterError;
use super::objects::ObjectRef;
use crate::fetch::clock::now_rfc3339;
use crate::object;

/// How long a CRD may take to become Established (clusterctl waits as long for its inventory CRD).
pub const CRD_ESTABLISHED_TIMEOUT: Duration = Duration::from_secs(60);
/// Polling a CRD starts at `CRD_FIRST_POLL` and doubles up to `CRD_POLL_INTERVAL`: the API
/// server usually establishes a CRD within a few tens of milliseconds.
const CRD_FIRST_POLL: Duration = Duration::from_millis(25);
const CRD_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// How long a CRD may stay "Installing" before it is nudged (see `wait_crd_established`).
const CRD_NUDGE_AFTER: Duration = Duration::from_secs(5);
/// How long pending CRDs are followed through discovery before their own state is read
/// (names refused, stuck Installing).
const CRD_DISCOVERY_ROUND: Duration = Duration::from_secs(3);
/// Polling discovery starts at `CRD_FIRST_POLL` and doubles up to this.
const CRD_DISCOVERY_POLL: Duration = Duration::from_millis(50);
/// Annotation set and removed again to nudge a CRD.
const NUDGE_ANNOTATION: &str = "capictl.cluster.x-k8s.io/nudge";

impl ManagementCluster {
    /// Waits until the CRD `name` is Established. `live` is the CRD as last seen (see
    /// [`as_applied`]): when it already says Established no request is made. Fails when the
    /// API server refused the CRD's names (they clash with another CRD's).
    pub async fn wait_crd_established(&self, name: &str, live: Value) -> Result<(), ClusterError> {
        self.wait_crds_established(vec![(name.to_string(), live)])
            .await
            .map_err(|(_, e)| e)
    }

    /// Waits until every CRD of `pending` (name, object as last seen) is Established; on failure
    /// returns the name of the CRD that failed.
    ///
    /// Pending CRDs are followed through aggregated discovery, which lists a CRD's resources
    /// once it is Established: one small document (the API server keeps it serialized) per
    /// poll, where a watch or a GET sends whole CRDs — hundreds of kilobytes each, every time
    /// one changes, which costs the API server more CPU than establishing them. Every
    /// `CRD_DISCOVERY_ROUND` the CRDs still missing are read, for the states discovery cannot
    /// show (names refused, stuck Installing). Without aggregated discovery (or while reading it
    /// fails), labelled CRDs (all that clusterctl's processing produces) are followed with one
    /// watch; others are polled.
    ///
    /// The API server establishes a CRD only when it sees the CRD change: one created just
    /// before an API server stops stays `Established=False` (reason `Installing`) forever, and
    /// applying it again unchanged does not help. Such a CRD is nudged — an annotation set and
    /// removed — which makes the new API server establish it.
    pub(super) async fn wait_crds_established(
        &self,
        pending: Vec<(String, Value)>,
    ) -> Result<(), (String, ClusterError)> {
        let started = Instant::now();
        let deadline = started + CRD_ESTABLISHED_TIMEOUT;
        let mut poll = CRD_FIRST_POLL;
        let mut pending: Vec<PendingCrd> = pending
            .into_iter()
            .map(|(name, live)| (name, Some(live), started))
            .collect();
        loop {
            let mut still = Vec::new();
            for (name, current, last_nudge) in pending {
                let Some(crd) = &current else {
                    return Err((
                        name.clone(),
                        ClusterError::CrdNotEstablished {
                            name,
                            reason: "it was deleted while waiting for it".into(),
                        },
                    ));
                };
                match crd_state(crd) {
                    CrdState::Established => continue,
                    CrdState::Refused(reason) => {
                        return Err((
                            name.clone(),
                            ClusterError::CrdNotEstablished { name, reason },
                        ));
                    }
                    CrdState::Installing if last_nudge.elapsed() >= CRD_NUDGE_AFTER => {
                        tracing::debug!(
                            crd = %name,
                            "Nudging a CustomResourceDefinition stuck in Installing"
                        );
                        self.nudge(&ObjectRef::crd(&name))
                            .await
                            .map_err(|e| (name.clone(), e))?;
                        still.push((name, current, Instant::now()));
                    }
                    CrdState::Installing | CrdState::Pending => {
                        still.push((name, current, last_nudge))
                    }
                }
            }
            if still.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let name = still[0].0.clone();
                return Err((
                    name.clone(),
                    ClusterError::CrdNotEstablished {
                        name,
                        reason: format!(
                            "still not Established after {}",
                            super::error::go_duration(CRD_ESTABLISHED_TIMEOUT)
                        ),
                    },
                ));
            }
            pending = match self.discover_crds(still).await {
                Discovered::Remaining(left) if left.is_empty() => left,
                Discovered::Remaining(left) => self.refresh_crds(left).await?,
                Discovered::Unavailable(left) => {
                    let labelled = left.iter().all(|(_, current, _)| {
                        current.as_ref().is_some_and(|c| {
                            object::label(c, crate::provider::CLUSTERCTL_LABEL).is_some()
                        })
                    });
                    if labelled {
                        self.watch_crds(left).await
                    } else {
                        tokio::time::sleep(poll).await;
                        poll = (poll * 2).min(CRD_POLL_INTERVAL);
                        self.refresh_crds(left).await?
                    }
                }
            };
        }
    }

    /// Polls aggregated discovery until every pending CRD is served or `CRD_DISCOVERY_ROUND`
    /// passes; returns the CRDs not served yet.
    async fn discover_crds(&self, mut pending: Vec<PendingCrd>) -> Discovered {
        let round_end = Instant::now() + CRD_DISCOVERY_ROUND;
        let mut poll = CRD_FIRST_POLL;
        loop {
            match self.served_resources().await {
                Ok(Some(served)) => pending.retain(|(_, current, _)| {
                    !current.as_ref().is_some_and(|crd| crd_served(crd, &served))
                }),
                Ok(None) => return Discovered::Unavailable(pending),
                Err(e) => {
                    // Followed the other way this round (a watch, or polls that wait between
                    // reads): a discovery that keeps failing must not turn this into a busy
                    // loop of reads.
                    tracing::trace!(cause = %e, "Reading discovery failed");
                    return Discovered::Unavailable(pending);
                }
            }
            if pending.is_empty() || Instant::now() >= round_end {
                return Discovered::Remaining(pending);
            }
            tokio::time::sleep(poll).await;
            poll = (poll * 2).min(CRD_DISCOVERY_POLL);
        }
    }

    /// Every `group/version/resource` the server's aggregated discovery lists; `None` when the
    /// server does not offer aggregated discovery.
    async fn served_resources(&self) -> Result<Option<HashSet<String>>, ClusterError> {
        let list = self
            .client()
            .list_api_groups_aggregated()
            .await
            .map_err(|e| ClusterError::Api {
                action: "failed to read the API server's discovery".into(),
                failure: super::error::ApiFailure::from(e),
            })?;
        Ok(aggregated_resources(&list))
    }

    /// Follows the pending CRDs with one watch (all carry the `clusterctl.cluster.x-k8s.io`
    /// label) until none is left waiting or `CRD_NUDGE_AFTER` passes; changes arrive as they
    /// happen, each CRD sent once per change instead of once per poll. A watch that cannot be
    /// opened falls back to one round of GETs.
    async fn watch_crds(&self, mut pending: Vec<PendingCrd>) -> Vec<PendingCrd> {
        use kube::api::{ApiResource, DynamicObject, GroupVersionKind, WatchEvent, WatchParams};
        let api: kube::Api<DynamicObject> = kube::Api::all_with(
            self.client().clone(),
            &ApiResource::from_gvk(&GroupVersionKind::gvk(
                "apiextensions.k8s.io",
                "v1",
                "CustomResourceDefinition",
            )),
        );
        let params = WatchParams::default()
            .labels(crate::provider::CLUSTERCTL_LABEL)
            .timeout(CRD_NUDGE_AFTER.as_secs() as u32);
        let stream = match api.watch(&params, "0").await {
            Ok(s) => s,
            Err(e) => {
                tracing::trace!(cause = %e, "Watching CustomResourceDefinitions failed");
                tokio::time::sleep(CRD_POLL_INTERVAL).await;
                return self.refresh_crds(pending.clone()).await.unwrap_or(pending);
            }
        };
        let mut stream = std::pin::pin!(stream);
        let deadline = Instant::now() + CRD_NUDGE_AFTER;
        loop {
            let waiting = pending.iter().any(|(_, current, _)| {
                current.as_ref().is_some_and(|c| {
                    matches!(crd_state(c), CrdState::Installing | CrdState::Pending)
                })
            });
            if !waiting {
                return pending;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let event = match tokio::time::timeout(left, stream.next()).await {
                Ok(Some(Ok(event))) => event,
                _ => return pending,
            };
            let (obj, deleted) = match event {
                WatchEvent::Added(o) | WatchEvent::Modified(o) => (o, false),
                WatchEvent::Deleted(o) => (o, true),
                _ => continue,
            };
            let name = obj.metadata.name.clone().unwrap_or_default();
            if let Some(entry) = pending.iter_mut().find(|(n, _, _)| *n == name) {
                entry.1 = if deleted {
                    None
                } else {
                    serde_json::to_value(&obj).ok()
                };
            }
        }
    }

    /// The current state of each pending CRD, one GET each.
    async fn refresh_crds(
        &self,
        pending: Vec<PendingCrd>,
    ) -> Result<Vec<PendingCrd>, (String, ClusterError)> {
        let mut out = Vec::with_capacity(pending.len());
        for (name, _, last_nudge) in pending {
            let current = self
                .get(&ObjectRef::crd(&name))
                .await
                .map_err(|e| (name.clone(), e))?;
            out.push((name, current, last_nudge));
        }
        Ok(out)
    }

    /// Changes an object and changes it back, so that controllers see an update.
    async fn nudge(&self, r: &ObjectRef) -> Result<(), ClusterError> {
        for value in [Value::String(now_rfc3339()), Value::Null] {
            let patch = serde_json::json!({"metadata": {"annotations": {NUDGE_ANNOTATION: value}}});
            retry(Backoff::WRITE, || self.merge_patch_once(r, &patch)).await?;
        }
        Ok(())
    }
}

enum CrdState {
    Established,
    /// Names accepted, waiting for the API server to serve it.
    Installing,
    Pending,
    Refused(String),
}

fn crd_state(crd: &Value) -> CrdState {
    if object::get_path(crd, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null()) {
        return CrdState::Refused("it is being deleted".into());
    }
    let conditions = object::get_path(crd, &["status", "conditions"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let field = |c: &Value, k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    for c in &conditions {
        if field(c, "type") == "Established" && field(c, "status") == "True" {
            return CrdState::Established;
        }
    }
    for c in &conditions {
        if field(c, "type") == "NamesAccepted" && field(c, "status") == "False" {
            return CrdState::Refused(format!(
                "NamesAccepted=False ({}): {}",
                field(c, "reason"),
                field(c, "message")
            ));
        }
    }
    let installing = conditions.iter().any(|c| {
        field(c, "type") == "Established"
            && field(c, "status") == "False"
            && field(c, "reason") == "Installing"
    });
    if installing {
        CrdState::Installing
    } else {
        CrdState::Pending
    }
}

/// What the API server holds after applying `desired`, as far as a wait needs it: the applied
/// object with the live metadata the apply returned (its spec is what was applied; its status is
/// unknown).
pub(crate) fn as_applied(desired: &Value, live: Value) -> Value {
    let mut out = desired.clone();
    if let (Value::Object(map), Some(meta)) = (&mut out, live.get("metadata")) {
        map.insert("metadata".into(), meta.clone());
        map.remove("status");
    }
    out
}

/// A CRD being waited for: name, object as last seen (`None` once deleted), last nudge.
type PendingCrd = (String, Option<Value>, Instant);

/// What following CRDs through discovery left.
enum Discovered {
    /// The server has no aggregated discovery, or reading it failed: these CRDs are to be
    /// followed another way.
    Unavailable(Vec<PendingCrd>),
    /// These CRDs are not served yet.
    Remaining(Vec<PendingCrd>),
}

/// `group/version/resource` of every resource in an aggregated discovery list; `None` for an
/// empty one: a server without aggregated discovery answers with the legacy `APIGroupList`,
/// which reads as a list without items (every real server has groups: `apps`, `rbac`, ...).
fn aggregated_resources(list: &APIGroupDiscoveryList) -> Option<HashSet<String>> {
    if list.items.is_empty() {
        return None;
    }
    let mut out = HashSet::new();
    for group in &list.items {
        let name = group.metadata.as_ref().and_then(|m| m.name.as_deref());
        for version in &group.versions {
            for resource in &version.resources {
                out.insert(format!(
                    "{}/{}/{}",
                    name.unwrap_or_default(),
                    version.version.as_deref().unwrap_or_default(),
                    resource.resource.as_deref().unwrap_or_default()
                ));
            }
        }
    }
    Some(out)
}

/// Whether discovery serves every served version of `crd`: the API server lists a CRD's
/// resources only once it is Established.
fn crd_served(crd: &Value, served: &HashSet<String>) -> bool {
    let group = object::get_path(crd, &["spec", "group"]).and_then(Value::as_str);
    let plural = object::get_path(crd, &["spec", "names", "plural"]).and_then(Value::as_str);
    let (Some(group), Some(plural)) = (group, plural) else {
        return false;
    };
    let versions: Vec<&str> = object::get_path(crd, &["spec", "versions"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v.get("served").and_then(Value::as_bool) == Some(true))
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .collect();
    !versions.is_empty()
        && versions
            .iter()
            .all(|v| served.contains(&format!("{group}/{v}/{plural}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn crd_conditions() {
        let est = json!({"status": {"conditions": [{"type": "NamesAccepted", "status": "True"}, {"type": "Established", "status": "True"}]}});
        assert!(matches!(crd_state(&est), CrdState::Established));
        let clash = json!({"status": {"conditions": [{"type": "NamesAccepted", "status": "False", "reason": "KindConflict", "message": "\"Cluster\" is already in use"}]}});
        match crd_state(&clash) {
            CrdState::Refused(r) => assert_eq!(
                r,
                "NamesAccepted=False (KindConflict): \"Cluster\" is already in use"
            ),
            _ => panic!("not refused"),
        }
        assert!(matches!(crd_state(&json!({})), CrdState::Pending));
        let stuck = json!({"status": {"conditions": [{"type": "NamesAccepted", "status": "True"}, {"type": "Established", "status": "False", "reason": "Installing"}]}});
        assert!(matches!(crd_state(&stuck), CrdState::Installing));
    }

    #[test]
    fn discovery_serves_established_crds() {
        // Trimmed from a real kube-apiserver v1.35 answer to GET /apis (aggregated discovery).
        let doc = json!({
            "kind": "APIGroupDiscoveryList",
            "apiVersion": "apidiscovery.k8s.io/v2",
            "items": [
                {"metadata": {"name": "apps"}, "versions": [
                    {"version": "v1", "resources": [{"resource": "deployments"}]}]},
                {"metadata": {"name": "cluster.x-k8s.io"}, "versions": [
                    {"version": "v1beta2", "resources": [{"resource": "clusters"}, {"resource": "machines"}]},
                    {"version": "v1beta1", "resources": [{"resource": "clusters"}]}]}
            ]
        });
        let discovery =
            |doc: Value| -> APIGroupDiscoveryList { serde_json::from_value(doc).unwrap() };
        let served = aggregated_resources(&discovery(doc)).unwrap();
        assert!(served.contains("apps/v1/deployments"));
        assert!(served.contains("cluster.x-k8s.io/v1beta1/clusters"));
        let crd = |versions: Value| json!({"spec": {"group": "cluster.x-k8s.io", "names": {"plural": "clusters"}, "versions": versions}});
        // Every served version must be listed; versions not served are not.
        assert!(crd_served(
            &crd(
                json!([{"name": "v1beta2", "served": true}, {"name": "v1beta1", "served": true}, {"name": "v1alpha4", "served": false}])
            ),
            &served
        ));
        assert!(!crd_served(
            &crd(json!([{"name": "v1beta3", "served": true}, {"name": "v1beta2", "served": true}])),
            &served
        ));
        assert!(!crd_served(
            &crd(json!([{"name": "v1beta2", "served": false}])),
            &served
        ));
        assert!(!crd_served(&json!({"spec": {}}), &served));
        // A server without aggregated discovery answers with the legacy group list.
        assert_eq!(
            aggregated_resources(&discovery(
                json!({"kind": "APIGroupList", "groups": [{"name": "apps"}]})
            )),
            None
        );
    }

    #[test]
    fn applied_crds_keep_the_live_metadata() {
        let desired = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "a.b"}, "spec": {"group": "b"}, "status": {"x": 1}});
        let live = json!({"kind": "PartialObjectMetadata", "metadata": {"name": "a.b", "resourceVersion": "7",
            "deletionTimestamp": "2026-11-22T00:00:00Z"}});
        let applied = as_applied(&desired, live);
        assert_eq!(applied["spec"]["group"], "b");
        assert_eq!(applied["metadata"]["resourceVersion"], "7");
        assert_eq!(applied["kind"], "CustomResourceDefinition");
        assert!(applied.get("status").is_none());
        assert!(matches!(crd_state(&applied), CrdState::Refused(_)));
    }
}
