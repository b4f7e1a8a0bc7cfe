//! Finding every object that carries a set of labels, whatever its kind: clusterctl's
//! `ListResources`. Discovery (the aggregated API, two requests) gives every resource that
//! supports list and delete, in its preferred version; namespaced kinds are listed in the given
//! namespaces, cluster-scoped kinds everywhere. Custom resources of provider CRDs are left out,
//! so that deleting a provider never lists (or deletes) the users' objects.

use futures::{StreamExt, TryStreamExt};
use kube::discovery::{Discovery, Scope, verbs};
use serde_json::Value;

use super::connect::ManagementCluster;
use super::error::{ApiFailure, ClusterError, FailureKind};
use crate::provider::{CLUSTERCTL_CORE_LABEL, CORE_LABEL_CERT_MANAGER, PROVIDER_NAME_LABEL};

/// How many kinds are listed at once.
const LIST_CONCURRENCY: usize = 8;

/// A listable and deletable resource, in its preferred version.
#[derive(Debug, Clone)]
struct Listable {
    api_version: String,
    kind: String,
    namespaced: bool,
}

impl ManagementCluster {
    /// Every resource of the server that supports `list` and `delete`, preferred versions.
    async fn listable_resources(&self) -> Result<Vec<Listable>, ClusterError> {
        let discovery = match Discovery::new(self.client().clone()).run_aggregated().await {
            Ok(d) => d,
            Err(_) => Discovery::new(self.client().clone())
                .run()
                .await
                .map_err(|e| ClusterError::Api {
                    action: "failed to list api resources".into(),
                    failure: ApiFailure::from(e),
                })?,
        };
        let mut out = Vec::new();
        for group in discovery.groups() {
            for (resource, caps) in group.recommended_resources() {
                if !(caps.supports_operation(verbs::LIST) && caps.supports_operation(verbs::DELETE))
                {
                    continue;
                }
                out.push(Listable {
                    api_version: resource.api_version.clone(),
                    kind: resource.kind.clone(),
                    namespaced: caps.scope == Scope::Namespaced,
                });
            }
        }
        Ok(out)
    }

    /// `group/kind` of every kind defined by a CRD that belongs to a provider (or, for
    /// cert-manager objects, every CRD-defined kind), which `list_labelled` skips.
    async fn excluded_kinds(
        &self,
        cert_manager: bool,
    ) -> Result<Vec<(String, String)>, ClusterError> {
        let crds = self
            .list(
                "apiextensions.k8s.io/v1",
                "CustomResourceDefinition",
                "",
                "",
            )
            .await
            .map_err(|e| e.context("failed to list CRDs"))?;
        Ok(crds
            .iter()
            .filter(|crd| cert_manager || crate::object::label(crd, PROVIDER_NAME_LABEL).is_some())
            .filter_map(|crd| {
                let spec = crd.get("spec")?;
                Some((
                    spec.get("group")?.as_str()?.to_string(),
                    spec.get("names")?.get("kind")?.as_str()?.to_string(),
                ))
            })
            .collect())
    }

    /// Every object matching `labels` (`key=value`, comma-separated): namespaced kinds in
    /// `namespaces` only, cluster-scoped kinds everywhere.
    pub async fn list_labelled(
        &self,
        labels: &[(&str, &str)],
        namespaces: &[String],
    ) -> Result<Vec<Value>, ClusterError> {
        let selector = labels
            .iter()
            .map(|(k, v)| {
                if v.is_empty() {
                    (*k).to_string()
                } else {
                    format!("{k}={v}")
                }
            })
            .collect::<Vec<_>>()
            .join(",");
        let cert_manager = labels
            .iter()
            .any(|(k, v)| *k == CLUSTERCTL_CORE_LABEL && *v == CORE_LABEL_CERT_MANAGER);
        let (resources, excluded) =
            futures::try_join!(self.listable_resources(), self.excluded_kinds(cert_manager))?;
        let mut lists = Vec::new();
        for r in resources {
            let group = r.api_version.rsplit_once('/').map_or("", |(g, _)| g);
            if excluded.iter().any(|(g, k)| g == group && *k == r.kind) {
                continue;
            }
            // Legacy workload kinds, and v1 Endpoints: the API server derives them from
            // Services (they go with their Service) and warns on every list since v1.33.
            if r.api_version == "extensions/v1beta1"
                || (r.api_version == "v1" && r.kind == "Endpoints")
            {
                continue;
            }
            if r.namespaced {
                for ns in namespaces {
                    lists.push((r.clone(), ns.clone()));
                }
            } else {
                lists.push((r, String::new()));
            }
        }
        let found: Vec<Vec<Value>> = futures::stream::iter(lists)
            .map(|(r, ns)| {
                let selector = selector.clone();
                async move {
                    match self.list(&r.api_version, &r.kind, &ns, &selector).await {
                        // A kind whose CRD is being deleted (by this very run, say) is
                        // still in discovery for a moment, but no longer served.
                        Err(e)
                            if matches!(
                                e.failure().map(|f| f.kind),
                                Some(FailureKind::NotFound | FailureKind::ResourceTypeMissing)
                            ) =>
                        {
                            Ok(Vec::new())
                        }
                        other => other,
                    }
                }
            })
            .buffer_unordered(LIST_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }
}
