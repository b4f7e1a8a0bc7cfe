//! cert-manager's part of an upgrade (clusterctl's `cert_manager.go`): the plan, and the
//! reinstall when the configured version or manifest differs from what is installed.

use serde_json::Value;

use super::CertManagerUpgradePlan;
use crate::Client;
use crate::cluster::cert_manager::CERT_MANAGER_NAMESPACE;
use crate::cluster::{ManagementCluster, ObjectRef};
use crate::components::ComponentsError;
use crate::components::cert_manager;
use crate::error::Error;
use crate::object;
use crate::progress::Progress;
use crate::provider::{CLUSTERCTL_CORE_LABEL, CORE_LABEL_CERT_MANAGER};

/// The namespaces where clusterctl looks for the cert-manager it installed.
const CERT_MANAGER_NAMESPACES: [&str; 2] = [CERT_MANAGER_NAMESPACE, "kube-system"];

impl Client {
    /// The installed cert-manager objects, and the plan for them.
    pub(super) async fn plan_cert_manager(
        &self,
        cluster: &ManagementCluster,
    ) -> Result<(CertManagerUpgradePlan, Vec<Value>, Vec<Value>), Error> {
        let namespaces: Vec<String> = CERT_MANAGER_NAMESPACES
            .iter()
            .map(|s| s.to_string())
            .collect();
        let installed = cluster
            .list_labelled(
                &[(CLUSTERCTL_CORE_LABEL, CORE_LABEL_CERT_MANAGER)],
                &namespaces,
            )
            .await
            .map_err(|e| Error::from(e).context("failed to get cert-manager components"))?;
        let settings = self.config().cert_manager()?;
        if installed.is_empty() {
            tracing::debug!("Skipping cert-manager upgrade because externally managed");
            let plan = CertManagerUpgradePlan {
                externally_managed: true,
                from: String::new(),
                to: settings.version.clone(),
                should_upgrade: false,
            };
            return Ok((plan, installed, Vec::new()));
        }
        let desired = self.cert_manager_objects().await?;
        tracing::info!("Checking if cert-manager needs upgrade...");
        let (from, should_upgrade) =
            cert_manager::should_upgrade(&settings.version, &installed, &desired)
                .map_err(ComponentsError::from)?;
        let plan = CertManagerUpgradePlan {
            externally_managed: false,
            from,
            to: settings.version.clone(),
            should_upgrade,
        };
        Ok((plan, installed, desired))
    }

    /// clusterctl's `EnsureLatestVersion`: reinstalls cert-manager when the configured version
    /// (or manifest) differs from the installed one. Returns whether it did.
    pub(super) async fn ensure_latest_cert_manager(
        &self,
        cluster: &ManagementCluster,
        progress: &dyn Progress,
    ) -> Result<bool, Error> {
        let (plan, installed, desired) = self.plan_cert_manager(cluster).await?;
        if plan.externally_managed {
            return Ok(false);
        }
        if !plan.should_upgrade {
            tracing::info!("Cert-manager is already up to date");
            return Ok(false);
        }
        for crd in desired
            .iter()
            .filter(|o| object::kind(o) == "CustomResourceDefinition")
        {
            cluster.migrate_crd(crd).await?;
        }
        tracing::info!(version = %plan.from, "Deleting cert-manager");
        for obj in installed.iter().filter(|o| {
            !matches!(
                object::kind(o),
                "CustomResourceDefinition"
                    | "Namespace"
                    | "MutatingWebhookConfiguration"
                    | "ValidatingWebhookConfiguration"
            )
        }) {
            cluster.delete(&ObjectRef::of(obj)).await?;
        }
        let settings = self.config().cert_manager()?;
        cluster
            .install_cert_manager(
                &settings.version,
                &desired,
                settings.timeout,
                progress,
                None,
            )
            .await?;
        Ok(true)
    }
}
