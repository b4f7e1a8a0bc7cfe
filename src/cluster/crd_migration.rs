//! Storage-version migration of custom resources before a CRD drops an old version
//! (clusterctl's `crd_migration.go`): every object is rewritten once at the current storage
//! version, then `status.storedVersions` is reduced to it.

use kube::core::Request;
use kube::core::params::{Patch, PatchParams, PostParams};
use serde_json::{Value, json};

use super::backoff::{Backoff, retry};
use super::connect::ManagementCluster;
use super::error::{ClusterError, FailureKind};
use super::objects::{ObjectRef, api_error, build_error};
use crate::object;

/// The version a CRD stores its objects at (`spec.versions[].storage`).
pub fn storage_version(crd: &Value) -> Option<String> {
    object::get_path(crd, &["spec", "versions"])?
        .as_array()?
        .iter()
        .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

fn served_versions(crd: &Value) -> Vec<String> {
    object::get_path(crd, &["spec", "versions"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

impl ManagementCluster {
    /// Migrates the objects of the installed CRD named like `new_crd` when `new_crd` would no
    /// longer accept what is stored. Returns whether a migration ran.
    pub async fn migrate_crd(&self, new_crd: &Value) -> Result<bool, ClusterError> {
        let name = object::name(new_crd);
        let Some(current) = self.get(&ObjectRef::crd(name)).await? else {
            return Ok(false);
        };
        let Some(storage) = storage_version(&current) else {
            return Ok(false);
        };
        if !served_versions(new_crd).contains(&storage) {
            return Err(ClusterError::StorageVersionDropped {
                name: name.to_string(),
                storage,
            });
        }
        let stored: Vec<&str> = object::get_path(&current, &["status", "storedVersions"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if stored == [storage.as_str()] {
            return Ok(false);
        }
        let (group, kind) = object::crd_group_kind(&current);
        self.learn_crd(&current);
        let api_version = format!("{group}/{storage}");
        tracing::info!(crd = name, storage_version = %storage, "Migrating CRs, this operation may take a while...");
        let objects = self.list(&api_version, kind, "", "").await?;
        for (i, obj) in objects.iter().enumerate() {
            self.rewrite(&api_version, kind, obj).await?;
            // clusterctl paces itself the same way, to spare the API server.
            if (i + 1) % 10 == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
        self.set_stored_versions(name, &storage).await?;
        Ok(true)
    }

    /// A no-op update, which makes the API server store the object at the storage version.
    async fn rewrite(
        &self,
        api_version: &str,
        kind: &str,
        obj: &Value,
    ) -> Result<(), ClusterError> {
        let rt = self.resource_type(api_version, kind).await?;
        let r = ObjectRef::of(obj);
        let body = serde_json::to_vec(obj).unwrap_or_default();
        let result = self
            .send_with_backoff(&format!("failed to migrate {r}"), || {
                Request::new(rt.url_path(&r.namespace)).replace(
                    &r.name,
                    &PostParams::default(),
                    body.clone(),
                )
            })
            .await;
        match result {
            Err(e)
                if matches!(
                    e.failure().map(|f| f.kind),
                    Some(FailureKind::NotFound | FailureKind::Conflict)
                ) =>
            {
                Ok(())
            }
            other => other,
        }
    }

    async fn set_stored_versions(&self, crd: &str, storage: &str) -> Result<(), ClusterError> {
        let rt = self
            .resource_type("apiextensions.k8s.io/v1", "CustomResourceDefinition")
            .await?;
        let patch = json!({"status": {"storedVersions": [storage]}});
        let action = format!("failed to update status.storedVersions for CRD {crd:?}");
        self.send_with_backoff(&action, || {
            Request::new(rt.url_path("")).patch_subresource(
                "status",
                crd,
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
        })
        .await
    }

    /// Sends the request `build` makes, with the migration backoff; `action` says what failed.
    async fn send_with_backoff(
        &self,
        action: &str,
        build: impl Fn() -> Result<http::Request<Vec<u8>>, kube::core::request::Error>,
    ) -> Result<(), ClusterError> {
        retry(Backoff::CRD_MIGRATION, || async {
            let req = build().map_err(|e| build_error("failed to build a request", e))?;
            self.client()
                .request::<Value>(req)
                .await
                .map(|_| ())
                .map_err(|e| api_error(action, e))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_and_served_versions() {
        let crd = json!({"spec": {"versions": [{"name": "v1beta1", "storage": false}, {"name": "v1beta2", "storage": true}]}});
        assert_eq!(storage_version(&crd).as_deref(), Some("v1beta2"));
        assert_eq!(served_versions(&crd), ["v1beta1", "v1beta2"]);
        assert_eq!(storage_version(&json!({})), None);
    }
}
