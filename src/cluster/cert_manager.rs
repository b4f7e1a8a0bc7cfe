//! cert-manager as clusterctl manages it: its manifest objects carry clusterctl's labels and a
//! version annotation; readiness is proven by creating a self-signed Issuer and Certificate
//! (`assets/cert-manager-test-resources.yaml`) and deleting them again; an installed version is
//! upgraded when it is older, differently built, or its objects or images differ.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::apply::ApplyJob;
use super::connect::ManagementCluster;
use super::error::ClusterError;
use super::objects::ObjectRef;
use crate::object;
use crate::progress::{Progress, ProgressEvent};

/// The namespace cert-manager is installed in.
pub const CERT_MANAGER_NAMESPACE: &str = "cert-manager";
/// The readiness test objects.
pub const TEST_RESOURCES: &str = include_str!("assets/cert-manager-test-resources.yaml");
const TEST_NAMESPACE: &str = "cert-manager-test";
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How long a terminating `cert-manager-test` namespace is waited for.
const TEST_NAMESPACE_GRACE: Duration = Duration::from_secs(10);

fn test_objects() -> Vec<Value> {
    crate::yaml::parse_documents(TEST_RESOURCES).unwrap_or_default()
}

impl ManagementCluster {
    /// Whether the `cert-manager` namespace exists (`init list-images` then skips cert-manager's
    /// images).
    pub async fn cert_manager_namespace_exists(&self) -> Result<bool, ClusterError> {
        Ok(self
            .get(&ObjectRef::new(
                "v1",
                "Namespace",
                "",
                CERT_MANAGER_NAMESPACE,
            ))
            .await?
            .is_some())
    }

    /// clusterctl's `waitForAPIReady`: creates the test Issuer and Certificate, then deletes
    /// them. Without `retry` one attempt is made; with it each object is retried every second
    /// until `timeout`.
    pub async fn cert_manager_ready(
        &self,
        retry: bool,
        timeout: Duration,
    ) -> Result<(), ClusterError> {
        if retry {
            tracing::info!("Waiting for cert-manager to be available...");
        }
        let mut objects = test_objects();
        if !retry {
            // A single check fails at once when the API server does not serve cert-manager's
            // kinds (not installed): found before the test namespace is created for nothing.
            for obj in &objects {
                self.resource_type(object::api_version(obj), object::kind(obj))
                    .await?;
            }
        }
        let namespace = self.test_namespace(timeout).await?;
        if namespace != TEST_NAMESPACE {
            for obj in &mut objects {
                if object::kind(obj) == "Namespace" {
                    object::set_name(obj, &namespace);
                } else {
                    object::set_namespace(obj, &namespace);
                }
            }
        }
        for obj in &objects {
            let deadline = Instant::now() + timeout;
            loop {
                let attempt = async {
                    let rt = self
                        .resource_type(object::api_version(obj), object::kind(obj))
                        .await?;
                    self.apply_once(obj, &rt).await
                }
                .await;
                match attempt {
                    Ok(_) => break,
                    Err(e) if !retry => return Err(e),
                    Err(e) if Instant::now() >= deadline => {
                        return Err(ClusterError::CertManagerUnavailable {
                            after: timeout,
                            source: Box::new(e),
                        });
                    }
                    Err(e) => {
                        tracing::trace!(cause = %e, "cert-manager not ready yet");
                        tokio::time::sleep(POLL_INTERVAL).await;
                    }
                }
            }
        }
        for obj in &objects {
            self.delete(&ObjectRef::of(obj)).await?;
        }
        Ok(())
    }

    /// The namespace of the readiness test: `cert-manager-test`, as in clusterctl. When the
    /// previous check's namespace is still terminating it would refuse the test objects: it is
    /// waited for a little, and if it is stuck (a cluster without a namespace controller, a
    /// finalizer that never completes) a namespace of this run's own is used instead.
    async fn test_namespace(&self, timeout: Duration) -> Result<String, ClusterError> {
        let r = ObjectRef::new("v1", "Namespace", "", TEST_NAMESPACE);
        let deadline = Instant::now() + timeout.min(TEST_NAMESPACE_GRACE);
        loop {
            let Some(ns) = self.get(&r).await? else {
                return Ok(TEST_NAMESPACE.to_string());
            };
            if object::get_path(&ns, &["metadata", "deletionTimestamp"]).is_none_or(Value::is_null)
            {
                return Ok(TEST_NAMESPACE.to_string());
            }
            if Instant::now() >= deadline {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let fresh = format!("{TEST_NAMESPACE}-{secs}");
                tracing::debug!(namespace = %fresh, "Namespace cert-manager-test is stuck terminating; checking cert-manager in");
                return Ok(fresh);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Installs cert-manager's manifest objects (from [`manifest_objects`]) and waits until it
    /// answers. `crds_applied`, if given, is notified once the API server has accepted
    /// cert-manager's CRDs: CRDs applied after that are established after cert-manager's.
    pub async fn install_cert_manager(
        &self,
        version: &str,
        objects: &[Value],
        timeout: Duration,
        progress: &dyn Progress,
        crds_applied: Option<&tokio::sync::Notify>,
    ) -> Result<(), ClusterError> {
        tracing::info!(version = version, "Installing cert-manager");
        let job = ApplyJob {
            subject: "cert-manager",
            error_prefix: "failed to create cert-manager component",
            progress,
        };
        let crds = self.apply_crds(&[(objects, &job)]).await?;
        if let Some(n) = crds_applied {
            n.notify_one();
        }
        self.wait_applied_crds(crds).await?;
        self.apply_rest(objects, &job, &[]).await?;
        progress.event(ProgressEvent::WaitStarted {
            subject: "cert-manager",
        });
        let result = self.cert_manager_ready(true, timeout).await;
        progress.event(ProgressEvent::WaitFinished {
            subject: "cert-manager",
        });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_resources_are_clusterctls() {
        let objs = test_objects();
        let kinds: Vec<&str> = objs.iter().map(object::kind).collect();
        assert_eq!(kinds, ["Namespace", "Issuer", "Certificate"]);
    }
}
