//! The apply engine: puts a set of objects on the cluster with server-side apply (field manager
//! `capictl`, forced), in three stages — CustomResourceDefinitions (concurrently, each waited
//! for until `Established`), then Namespaces, then everything else concurrently — with retries
//! on transient failures, so that an interrupted run can simply be run again.

use std::sync::atomic::{AtomicU32, Ordering};

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::backoff::{Backoff, retry};
use super::connect::ManagementCluster;
use super::crd_wait::as_applied;
use super::error::{ClusterError, FailureKind};
use super::managed_fields;
use super::objects::ObjectRef;
use crate::fetch::clock::now_rfc3339;
use crate::object;
use crate::progress::{Progress, ProgressEvent};

/// CustomResourceDefinitions applied at the same time (they are large and each makes the API
/// server rebuild its handlers).
pub const CRD_CONCURRENCY: usize = 8;
/// Other objects applied at the same time.
pub const OBJECT_CONCURRENCY: usize = 16;
/// How many times a "resource type not found" answer is retried: right after a CRD becomes
/// Established, or while an API server restarts, a served kind can briefly answer 404.
const MISSING_TYPE_RETRIES: u32 = 8;

/// The objects of one apply, split into the stages they are applied in.
#[derive(Debug, Default, PartialEq)]
pub struct ApplyStages<'a> {
    /// CustomResourceDefinitions.
    pub crds: Vec<&'a Value>,
    /// Namespaces.
    pub namespaces: Vec<&'a Value>,
    /// Everything else, in manifest order.
    pub rest: Vec<&'a Value>,
}

/// Splits `objects` into stages, keeping manifest order within each.
pub fn stages(objects: &[Value]) -> ApplyStages<'_> {
    let mut out = ApplyStages::default();
    for obj in objects {
        match (object::api_group(obj), object::kind(obj)) {
            ("apiextensions.k8s.io", "CustomResourceDefinition") => out.crds.push(obj),
            ("", "Namespace") => out.namespaces.push(obj),
            _ => out.rest.push(obj),
        }
    }
    out
}

/// What an apply is about, for progress events and error messages.
pub struct ApplyJob<'a> {
    /// Provider label, `cert-manager`, or `inventory`.
    pub subject: &'a str,
    /// The start of each error message, naming the role of the object
    /// (`failed to create provider object`).
    pub error_prefix: &'a str,
    /// Where progress goes.
    pub progress: &'a dyn Progress,
}

/// CRDs applied by [`ManagementCluster::apply_crds`] and not yet waited for.
#[derive(Debug)]
#[must_use = "applied CRDs must be waited for with wait_applied_crds"]
pub struct AppliedCrds {
    /// Name and live object (as the apply returned it) of each CRD.
    live: Vec<(String, Value)>,
    /// Name and the error context of each CRD (the job's prefix and the object).
    contexts: Vec<(String, String)>,
}

impl ManagementCluster {
    /// Applies `objects` in stages (CRDs and their establishment, Namespaces, the rest).
    pub async fn apply_all(
        &self,
        objects: &[Value],
        job: &ApplyJob<'_>,
    ) -> Result<(), ClusterError> {
        self.apply_crds_of(&[(objects, job)]).await?;
        self.apply_rest(objects, job, &[]).await
    }

    /// The first stage of [`ManagementCluster::apply_all`] for several manifests at once: their
    /// CRDs are applied together and waited for together, so that the API server establishes
    /// them in one go instead of one manifest after the other. Reports `ApplyStarted` for
    /// each job; finish each with [`ManagementCluster::apply_rest`].
    pub async fn apply_crds_of(
        &self,
        sets: &[(&[Value], &ApplyJob<'_>)],
    ) -> Result<(), ClusterError> {
        let applied = self.apply_crds(sets).await?;
        self.wait_applied_crds(applied).await
    }

    /// [`ManagementCluster::apply_crds_of`] without the wait: the CRDs are applied (the API
    /// server has accepted them) but may not be Established yet. Wait for them with
    /// [`ManagementCluster::wait_applied_crds`].
    pub async fn apply_crds(
        &self,
        sets: &[(&[Value], &ApplyJob<'_>)],
    ) -> Result<AppliedCrds, ClusterError> {
        let mut crds: Vec<(&Value, &ApplyJob<'_>)> = Vec::new();
        for (objects, job) in sets {
            for (i, obj) in objects.iter().enumerate() {
                check_applicable(obj, i, job.subject)?;
            }
            for crd in stages(objects).crds {
                self.learn_crd(crd);
                crds.push((crd, job));
            }
            job.progress.event(ProgressEvent::ApplyStarted {
                subject: job.subject,
                count: objects.len(),
            });
        }
        let live: Vec<(String, Value)> = futures::stream::iter(&crds)
            .map(|(crd, job)| async move {
                let live = self.apply_object(crd, job).await?;
                Ok::<_, ClusterError>((object::name(crd).to_string(), as_applied(crd, live)))
            })
            .buffer_unordered(CRD_CONCURRENCY)
            .try_collect()
            .await?;
        let contexts = crds
            .iter()
            .map(|(crd, job)| {
                (
                    object::name(crd).to_string(),
                    format!("{} {}", job.error_prefix, ObjectRef::of(crd).describe()),
                )
            })
            .collect();
        Ok(AppliedCrds { live, contexts })
    }

    /// Waits until every CRD of an [`ManagementCluster::apply_crds`] is Established.
    pub async fn wait_applied_crds(&self, applied: AppliedCrds) -> Result<(), ClusterError> {
        let AppliedCrds { live, contexts } = applied;
        self.wait_crds_established(live).await.map_err(|(name, e)| {
            match contexts.iter().find(|(n, _)| *n == name) {
                Some((_, context)) => e.context(context.clone()),
                None => e,
            }
        })
    }

    /// The stages after the CRDs: Namespaces, then everything else concurrently. Reports
    /// `ApplyFinished` for the job. Namespaces named in `existing` are known to exist already
    /// (the caller created them): applying them (their labels) waits for nothing, so they go
    /// with the rest instead of a round of their own.
    pub async fn apply_rest(
        &self,
        objects: &[Value],
        job: &ApplyJob<'_>,
        existing: &[&str],
    ) -> Result<(), ClusterError> {
        let mut stages = stages(objects);
        let (known, new): (Vec<&Value>, Vec<&Value>) = stages
            .namespaces
            .into_iter()
            .partition(|ns| existing.contains(&object::name(ns)));
        stages.rest.extend(known);
        for group in [new, stages.rest] {
            futures::stream::iter(group)
                .map(|obj| self.apply_object(obj, job))
                .buffer_unordered(OBJECT_CONCURRENCY)
                .try_collect::<Vec<Value>>()
                .await?;
        }
        job.progress.event(ProgressEvent::ApplyFinished {
            subject: job.subject,
        });
        Ok(())
    }

    /// Applies one object with the write backoff, taking over fields that clusterctl owns (see
    /// `managed_fields.rs`). Returns the live object's metadata (see
    /// [`ManagementCluster::apply_once`]).
    pub async fn apply_object(
        &self,
        obj: &Value,
        job: &ApplyJob<'_>,
    ) -> Result<Value, ClusterError> {
        let r = ObjectRef::of(obj);
        let result = async {
            let rt = self.resource_type(&r.api_version, &r.kind).await?;
            let live = self.apply_retrying(obj, &rt).await?;
            let managed = managed_fields_of(&live);
            if !managed_fields::needs_take_over(&managed) {
                return Ok(live);
            }
            tracing::debug!(object = %r, "Taking over fields owned by clusterctl");
            self.take_over(&r, live).await?;
            self.apply_retrying(obj, &rt).await
        }
        .await;
        match result {
            Ok(live) => {
                job.progress.event(ProgressEvent::Applied {
                    subject: job.subject,
                    object: &r.to_string(),
                });
                Ok(live)
            }
            Err(e) => Err(relabel(
                e,
                &format!("{} {}", job.error_prefix, r.describe()),
            )),
        }
    }

    async fn apply_retrying(
        &self,
        obj: &Value,
        rt: &super::resources::ResourceType,
    ) -> Result<Value, ClusterError> {
        let missing_type = AtomicU32::new(0);
        retry(Backoff::WRITE, || async {
            match self.apply_once(obj, rt).await {
                Err(ClusterError::Api {
                    action,
                    mut failure,
                }) if failure.kind == FailureKind::ResourceTypeMissing
                    && missing_type.fetch_add(1, Ordering::Relaxed) < MISSING_TYPE_RETRIES =>
                {
                    failure.kind = FailureKind::Transient;
                    Err(ClusterError::Api { action, failure })
                }
                other => other,
            }
        })
        .await
    }

    /// Rewrites the managedFields of `live` so that capictl owns what clusterctl owned.
    async fn take_over(&self, r: &ObjectRef, mut live: Value) -> Result<(), ClusterError> {
        for _ in 0..5 {
            let Some(fields) = managed_fields::take_over(&managed_fields_of(&live), &now_rfc3339())
            else {
                return Ok(());
            };
            let patch = serde_json::json!({
                "metadata": {
                    "resourceVersion": object::get_path(&live, &["metadata", "resourceVersion"]).cloned().unwrap_or(Value::Null),
                    "managedFields": fields,
                }
            });
            match retry(Backoff::WRITE, || self.merge_patch_once(r, &patch)).await {
                Ok(_) => return Ok(()),
                Err(e) if e.failure().is_some_and(|f| f.kind == FailureKind::Conflict) => {
                    // Someone changed the object meanwhile: start again from its new state.
                    match self.get(r).await? {
                        Some(fresh) => live = fresh,
                        None => return Ok(()),
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(ClusterError::KeepsChanging {
            object: r.to_string(),
        })
    }
}

/// Rejects objects the API cannot take before sending anything.
fn check_applicable(obj: &Value, index: usize, subject: &str) -> Result<(), ClusterError> {
    let missing = if object::api_version(obj).is_empty() {
        Some("apiVersion")
    } else if object::kind(obj).is_empty() {
        Some("kind")
    } else if object::name(obj).is_empty() {
        Some("metadata.name")
    } else {
        None
    };
    match missing {
        Some(field) => Err(ClusterError::MissingField {
            number: index + 1,
            subject: subject.to_string(),
            object: object::describe(obj).trim().to_string(),
            field,
        }),
        None => Ok(()),
    }
}

fn managed_fields_of(live: &Value) -> Vec<Value> {
    object::get_path(live, &["metadata", "managedFields"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Replaces the action of the API error inside `e` (keeping retry information), so that the
/// message names the object as the caller sees it.
fn relabel(e: ClusterError, action: &str) -> ClusterError {
    match e {
        ClusterError::Api { failure, .. } => ClusterError::Api {
            action: action.to_string(),
            failure,
        },
        ClusterError::RetriesExhausted { attempts, source } => ClusterError::RetriesExhausted {
            attempts,
            source: Box::new(relabel(*source, action)),
        },
        other => other.context(action.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_are_staged_crds_namespaces_rest() {
        let objects = vec![
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a"}}),
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "b"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "c"}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}),
        ];
        let s = stages(&objects);
        assert_eq!(s.crds, vec![&objects[1]]);
        assert_eq!(s.namespaces, vec![&objects[2]]);
        assert_eq!(s.rest, vec![&objects[0], &objects[3]]);
    }

    #[test]
    fn objects_without_names_are_refused() {
        let err = check_applicable(&json!({"apiVersion": "v1", "kind": "ConfigMap"}), 2, "x")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "object #3 of x (ConfigMap) has no metadata.name; fix the manifest"
        );
    }
}
