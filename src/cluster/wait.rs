//! Waiting for provider controllers: Deployments that run a container named `manager` must
//! report `Available=True` (clusterctl's `--wait-providers`).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::connect::ManagementCluster;
use super::error::ClusterError;
use super::objects::ObjectRef;
use crate::object;

/// How often a Deployment is read while waiting (clusterctl polls every 100ms).
pub const DEPLOYMENT_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// clusterctl's `IsDeploymentWithManager`: a Deployment with a container named `manager`.
pub fn is_deployment_with_manager(obj: &Value) -> bool {
    object::kind(obj) == "Deployment"
        && object::get_path(obj, &["spec", "template", "spec", "containers"])
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.get("name").and_then(Value::as_str) == Some("manager"))
            })
}

/// Whether a Deployment's status has condition `Available=True`.
pub fn deployment_available(deployment: &Value) -> bool {
    object::get_path(deployment, &["status", "conditions"])
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Available")
                    && c.get("status").and_then(Value::as_str) == Some("True")
            })
        })
}

impl ManagementCluster {
    /// Polls the Deployment `namespace/name` until it is Available or `timeout` passes.
    pub async fn wait_deployment_available(
        &self,
        namespace: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<(), ClusterError> {
        self.poll_deployment(namespace, name, timeout, |d| match d {
            Some(d) if deployment_available(d) => None,
            _ => Some(format!("deployment {name:?}")),
        })
        .await
    }

    /// Polls the Deployment `namespace/name` until its status reports no replica (or it is
    /// gone), or `timeout` passes.
    pub async fn wait_deployment_scaled_down(
        &self,
        namespace: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<(), ClusterError> {
        self.poll_deployment(namespace, name, timeout, |d| {
            let replicas = d
                .and_then(|d| crate::object::get_path(d, &["status", "replicas"]))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            (replicas != 0).then(|| format!("deployment {name:?} (still {replicas} replicas)"))
        })
        .await
    }

    /// Reads the Deployment every [`DEPLOYMENT_POLL_INTERVAL`] until `pending` (given the
    /// Deployment, or `None` when it does not exist) returns `None`; on timeout the error
    /// names what `pending` last described.
    async fn poll_deployment(
        &self,
        namespace: &str,
        name: &str,
        timeout: Duration,
        pending: impl Fn(Option<&Value>) -> Option<String>,
    ) -> Result<(), ClusterError> {
        let r = ObjectRef::new("apps/v1", "Deployment", namespace, name);
        let deadline = Instant::now() + timeout;
        loop {
            let Some(what) = pending(self.get(&r).await?.as_ref()) else {
                return Ok(());
            };
            if Instant::now() + DEPLOYMENT_POLL_INTERVAL > deadline {
                return Err(ClusterError::NotReady {
                    what,
                    after: timeout,
                });
            }
            tokio::time::sleep(DEPLOYMENT_POLL_INTERVAL).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn manager_deployments_and_availability() {
        let d = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "manager"}]}}},
                       "status": {"conditions": [{"type": "Progressing", "status": "True"}, {"type": "Available", "status": "True"}]}});
        assert!(is_deployment_with_manager(&d));
        assert!(deployment_available(&d));
        let other = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "webhook"}]}}}});
        assert!(!is_deployment_with_manager(&other));
        assert!(!deployment_available(&other));
    }
}
