//! `upgrade plan` and `upgrade apply`: moving the providers of a management cluster, and
//! cert-manager, to newer versions (clusterctl's `upgrade.go`, `upgrader.go` and
//! `cert_manager.go`).
//!
//! Plans are computed per contract from what each provider's repository offers
//! ([`UpgradeInfo`]). Applying a plan fetches and processes every new version *before* the
//! cluster is touched, so a network or repository failure leaves the cluster as it was; then
//! it scales the old controllers down, deletes each provider's old objects (never its
//! namespace, CRDs or inventory entry) and installs the new ones. The inventory keeps the old
//! version until the new objects are in, so a run that stops half-way is planned and completed
//! again by the next one.

mod apply;
mod cert_manager;
pub(crate) mod error;
mod plan;

use std::time::Duration;

pub use error::{UpgradeError, VersionRole};
use plan::{parse_upgrade_item, plan_for_contract, single_core};

use crate::Client;
use crate::cluster::ManagementCluster;
use crate::cluster::inventory::{ContractCheck, InventoryEntry};
use crate::error::Error;
use crate::ops::init::DEFAULT_WAIT_PROVIDER_TIMEOUT;
use crate::progress::Progress;
use crate::provider::CURRENT_CONTRACT;
use crate::provider::{ProviderSelection, ProviderType};

/// Options of [`Client::upgrade_plan`] and [`Client::cert_manager_upgrade_plan`].
#[derive(Debug, Clone, Default)]
pub struct UpgradePlanOptions {
    /// The management cluster.
    pub kubeconfig: crate::KubeconfigSelector,
}

/// What `upgrade` would do to cert-manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertManagerUpgradePlan {
    /// cert-manager was not installed by clusterctl or capictl: it is left alone.
    pub externally_managed: bool,
    /// The installed version (`v0.11.0` when the objects carry no version annotation).
    pub from: String,
    /// The configured version.
    pub to: String,
    /// Whether `upgrade apply` would reinstall it.
    pub should_upgrade: bool,
}

/// One provider of an upgrade plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeItem {
    /// The installed provider (its `version` is the current one).
    pub provider: InventoryEntry,
    /// The version to upgrade to; empty when the provider is up to date.
    pub next_version: String,
}

/// The upgrade available towards one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradePlan {
    /// The Cluster API contract (`v1beta2`).
    pub contract: String,
    /// Every installed provider, with its next version.
    pub providers: Vec<UpgradeItem>,
}

impl UpgradePlan {
    /// Whether some provider has no version to go to.
    fn is_partial(&self) -> bool {
        self.providers.iter().any(|p| p.next_version.is_empty())
    }
}

/// Options of [`Client::upgrade_apply`]; the flags of `upgrade apply`.
#[derive(Debug, Clone)]
pub struct UpgradeApplyOptions {
    /// The management cluster.
    pub kubeconfig: crate::KubeconfigSelector,
    /// `--contract`: upgrade everything to the newest versions of this contract.
    pub contract: Option<String>,
    /// The provider flags, each `[namespace/]name:version`.
    pub providers: ProviderSelection,
    /// `--wait-providers`.
    pub wait_providers: bool,
    /// `--wait-provider-timeout`, per Deployment.
    pub wait_provider_timeout: Duration,
}

impl Default for UpgradeApplyOptions {
    fn default() -> UpgradeApplyOptions {
        UpgradeApplyOptions {
            kubeconfig: crate::KubeconfigSelector::default(),
            contract: None,
            providers: ProviderSelection::default(),
            wait_providers: false,
            wait_provider_timeout: DEFAULT_WAIT_PROVIDER_TIMEOUT,
        }
    }
}

impl UpgradeApplyOptions {
    /// The explicit provider references as `(type, [namespace/]name:version)`, in
    /// clusterctl's order.
    pub fn provider_refs(&self) -> Vec<(ProviderType, &str)> {
        self.providers.iter().collect()
    }

    /// clusterctl's flag validation: `--contract` or explicit providers, not both, not neither.
    pub fn validate(&self) -> Result<(), UpgradeError> {
        let contract = self.contract.as_deref().is_some_and(|c| !c.is_empty());
        let custom = !self.provider_refs().is_empty();
        match (contract, custom) {
            (false, false) => Err(UpgradeError::NothingSelected),
            (true, true) => Err(UpgradeError::ContractWithProviders),
            _ => Ok(()),
        }
    }
}

/// One provider moved by [`Client::upgrade_apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradedProvider {
    /// `namespace/label`.
    pub instance: String,
    /// The version before.
    pub from: String,
    /// The version now installed.
    pub to: String,
}

/// What [`Client::upgrade_apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeReport {
    /// cert-manager was reinstalled at the configured version.
    pub cert_manager_upgraded: bool,
    /// Providers upgraded, in the order they were installed.
    pub upgraded: Vec<UpgradedProvider>,
    /// HTTP requests sent to the API server.
    pub api_requests: u64,
}

impl Client {
    /// cert-manager's part of `upgrade plan`.
    pub async fn cert_manager_upgrade_plan(
        &self,
        options: UpgradePlanOptions,
    ) -> Result<CertManagerUpgradePlan, Error> {
        let cluster = ManagementCluster::connect(&options.kubeconfig, self.config().env()).await?;
        let (plan, _, _) = self.plan_cert_manager(&cluster).await?;
        Ok(plan)
    }

    /// The providers' part of `upgrade plan`: one plan per contract the core provider can
    /// move to (clusterctl's `PlanUpgrade`).
    pub async fn upgrade_plan(
        &self,
        options: UpgradePlanOptions,
    ) -> Result<Vec<UpgradePlan>, Error> {
        let cluster = self.upgrade_cluster(&options.kubeconfig).await?;
        tracing::info!("Checking new release availability...");
        let inventory = cluster.list_providers().await?;
        let core = single_core(&inventory)?;
        let infos = self.provider_infos(&inventory).await?;
        let core_info = &infos[&core.instance_name()];
        let contracts = core_info.info.contracts_for_upgrade();
        if contracts.is_empty() {
            return Err(UpgradeError::NoContract {
                instance: core.instance_name(),
            }
            .into());
        }
        let mut plans = Vec::new();
        for contract in contracts {
            let plan = plan_for_contract(&inventory, &infos, &contract);
            if plan.is_partial() && core_info.info.current_contract != contract {
                continue;
            }
            plans.push(plan);
        }
        Ok(plans)
    }

    /// Upgrades cert-manager and providers (`clusterctl upgrade apply`).
    pub async fn upgrade_apply(
        &self,
        options: UpgradeApplyOptions,
        progress: &dyn Progress,
    ) -> Result<UpgradeReport, Error> {
        options.validate()?;
        if let Some(contract) = options.contract.as_deref().filter(|c| !c.is_empty())
            && contract != CURRENT_CONTRACT
        {
            return Err(UpgradeError::UnsupportedContract {
                current: CURRENT_CONTRACT,
                requested: contract.to_string(),
            }
            .into());
        }
        let cluster = self.upgrade_cluster(&options.kubeconfig).await?;
        let cert_manager_upgraded = self.ensure_latest_cert_manager(&cluster, progress).await?;

        let inventory = cluster.list_providers().await?;
        let refs = options.provider_refs();
        tracing::info!("Performing upgrade...");
        let mut plan = if refs.is_empty() {
            let infos = self.provider_infos(&inventory).await?;
            let mut plan = plan_for_contract(&inventory, &infos, CURRENT_CONTRACT);
            plan.providers.retain(|p| !p.next_version.is_empty());
            plan
        } else {
            let mut items = Vec::new();
            for (t, text) in refs {
                items.push(parse_upgrade_item(&inventory, t, text)?);
            }
            self.custom_plan(&inventory, items).await?
        };
        let upgraded = self
            .do_upgrade(&cluster, &inventory, &mut plan, &options, progress)
            .await?;
        Ok(UpgradeReport {
            cert_manager_upgraded,
            upgraded,
            api_requests: cluster.request_count(),
        })
    }

    /// Connects and runs the checks shared by plan and apply: Cluster API installed with the
    /// current contract (or, to move off it, v1beta1), the inventory CRD in place.
    async fn upgrade_cluster(
        &self,
        kubeconfig: &crate::KubeconfigSelector,
    ) -> Result<ManagementCluster, Error> {
        let cluster = ManagementCluster::connect(kubeconfig, self.config().env()).await?;
        cluster
            .check_capi_contract(ContractCheck {
                allow_not_installed: false,
                allow_any_contract: false,
                also_allow: Some("v1beta1"),
            })
            .await?;
        cluster
            .ensure_inventory_crd(self.cluster_topology())
            .await?;
        Ok(cluster)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::provider::manifest_label;
    use serde_json::json;

    pub(super) fn entry(name: &str, t: ProviderType, ns: &str, version: &str) -> InventoryEntry {
        InventoryEntry::from_object(&json!({
            "metadata": {"name": manifest_label(name, t), "namespace": ns},
            "providerName": name, "type": t.as_str(), "version": version,
        }))
    }

    pub(super) fn inventory() -> Vec<InventoryEntry> {
        vec![
            entry("cluster-api", ProviderType::Core, "capi-system", "v1.12.4"),
            entry(
                "kubeadm",
                ProviderType::Bootstrap,
                "capi-kubeadm-bootstrap-system",
                "v1.12.4",
            ),
            entry(
                "docker",
                ProviderType::Infrastructure,
                "capd-system",
                "v1.12.4",
            ),
        ]
    }

    #[test]
    fn flag_validation() {
        let err = UpgradeApplyOptions::default().validate().unwrap_err();
        assert!(err.to_string().starts_with("Either the --contract flag"));
        let both = UpgradeApplyOptions {
            contract: Some("v1beta2".into()),
            providers: ProviderSelection::from_flags(
                None,
                [&[], &[], &["docker:v1.13.5".into()], &[], &[], &[]],
            ),
            ..UpgradeApplyOptions::default()
        };
        assert!(
            both.validate()
                .unwrap_err()
                .to_string()
                .starts_with("The --contract flag can't")
        );
        let one = UpgradeApplyOptions {
            providers: ProviderSelection::from_flags(
                Some("cluster-api:v1.13.5"),
                Default::default(),
            ),
            ..UpgradeApplyOptions::default()
        };
        assert!(one.validate().is_ok());
    }
}
