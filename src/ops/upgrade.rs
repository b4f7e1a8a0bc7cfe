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

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{Value, json};

use crate::Client;
use crate::cluster::cert_manager::{self, CERT_MANAGER_NAMESPACE};
use crate::cluster::inventory::{ContractCheck, InventoryEntry};
use crate::cluster::{ClusterError, ManagementCluster, ObjectRef};
use crate::components::{Components, ComponentsOptions};
use crate::error::Error;
use crate::object;
use crate::ops::delete::{DeleteScope, delete_provider};
use crate::ops::init::DEFAULT_WAIT_PROVIDER_TIMEOUT;
use crate::progress::{Progress, ProgressEvent};
use crate::provider::{
    CLUSTERCTL_CORE_LABEL, CLUSTERCTL_LABEL, CORE_LABEL_CERT_MANAGER, PROVIDER_NAME_LABEL,
    ProviderType, manifest_label,
};
use crate::repository::{CURRENT_CONTRACT, Metadata, ProviderRepository, UpgradeInfo};
use crate::version::Version;

/// The namespaces where clusterctl looks for the cert-manager it installed.
const CERT_MANAGER_NAMESPACES: [&str; 2] = [CERT_MANAGER_NAMESPACE, "kube-system"];

/// How long a scaled-down Deployment may take to report zero replicas.
const SCALE_DOWN_TIMEOUT: Duration = Duration::from_secs(60);

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
    /// `--core`: `[namespace/]name:version`.
    pub core: Option<String>,
    /// `--bootstrap`.
    pub bootstrap: Vec<String>,
    /// `--control-plane`.
    pub control_plane: Vec<String>,
    /// `--infrastructure`.
    pub infrastructure: Vec<String>,
    /// `--ipam`.
    pub ipam: Vec<String>,
    /// `--runtime-extension`.
    pub runtime_extension: Vec<String>,
    /// `--addon`.
    pub addon: Vec<String>,
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
            core: None,
            bootstrap: Vec::new(),
            control_plane: Vec::new(),
            infrastructure: Vec::new(),
            ipam: Vec::new(),
            runtime_extension: Vec::new(),
            addon: Vec::new(),
            wait_providers: false,
            wait_provider_timeout: DEFAULT_WAIT_PROVIDER_TIMEOUT,
        }
    }
}

impl UpgradeApplyOptions {
    /// The explicit provider references as `(type, [namespace/]name:version)`, in
    /// clusterctl's order.
    pub fn provider_refs(&self) -> Vec<(ProviderType, &str)> {
        crate::provider::flag_refs(
            self.core.as_deref(),
            [
                &self.bootstrap,
                &self.control_plane,
                &self.infrastructure,
                &self.ipam,
                &self.runtime_extension,
                &self.addon,
            ],
        )
    }

    /// clusterctl's flag validation: `--contract` or explicit providers, not both, not neither.
    pub fn validate(&self) -> Result<(), Error> {
        let contract = self.contract.as_deref().is_some_and(|c| !c.is_empty());
        let custom = !self.provider_refs().is_empty();
        match (contract, custom) {
            (false, false) => Err(Error::Invalid(
                "Either the --contract flag or at least one of the following flags has to be set: --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon".into(),
            )),
            (true, true) => Err(Error::Invalid(
                "The --contract flag can't be used in combination with --core, --bootstrap, --control-plane, --infrastructure, --ipam, --extension, --addon".into(),
            )),
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

/// A provider's upgrade facts with the metadata they came from.
#[derive(Debug, Clone)]
struct ProviderInfo {
    info: UpgradeInfo,
    metadata: Metadata,
}

impl ProviderInfo {
    /// The contract of `version`'s release series.
    fn contract_of(&self, entry: &InventoryEntry, version: &str) -> Result<String, Error> {
        let parsed: Version = version.parse().map_err(|e| {
            Error::Invalid(format!(
                "failed to parse target version for the {} provider: {e}",
                entry.instance_name()
            ))
        })?;
        self.metadata
            .series_for_version(&parsed)
            .map(|s| s.contract.clone())
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "invalid target version: version {version} for the provider {} does not match any release series",
                    entry.instance_name()
                ))
            })
    }
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
            return Err(Error::Invalid(format!(
                "invalid metadata: unable to find the contract version implemented by the {} provider",
                core.instance_name()
            )));
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
            return Err(Error::Invalid(format!(
                "current version of clusterctl could only upgrade to {CURRENT_CONTRACT} contract, requested {contract}"
            )));
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

    /// The upgrade facts of every installed provider, fetched concurrently, keyed by
    /// `namespace/label`. The first failure in inventory order is returned.
    async fn provider_infos(
        &self,
        inventory: &[InventoryEntry],
    ) -> Result<BTreeMap<String, ProviderInfo>, Error> {
        let results =
            futures::future::join_all(inventory.iter().map(|e| self.provider_info(e))).await;
        let mut out = BTreeMap::new();
        for (entry, result) in inventory.iter().zip(results) {
            out.insert(entry.instance_name(), result?);
        }
        Ok(out)
    }

    /// clusterctl's `getUpgradeInfo`.
    async fn provider_info(&self, entry: &InventoryEntry) -> Result<ProviderInfo, Error> {
        let instance = entry.instance_name();
        let provider = self.installed_provider_config(entry)?;
        let repo =
            ProviderRepository::open_at(provider, self.config(), self.fetcher(), &entry.version)?;
        let available = repo.versions().await?;
        let mut parsed = Vec::new();
        for text in &available {
            let v: Version = text.parse().map_err(|e| {
                Error::Invalid(format!(
                    "failed to parse available version for the {instance} provider: {e}"
                ))
            })?;
            parsed.push(v);
        }
        let Some(latest) = parsed.iter().max().cloned() else {
            return Err(Error::Invalid(format!(
                "failed to get available versions for the {instance} provider"
            )));
        };
        let metadata = repo.metadata(&latest.tag()).await?;
        let current: Version = entry.version.parse().map_err(|e| {
            Error::Invalid(format!(
                "failed to parse current version for the {instance} provider: {e}"
            ))
        })?;
        if metadata.series_for_version(&current).is_none() {
            return Err(Error::Invalid(format!(
                "invalid provider metadata: version {} (the current version) for the provider {instance} does not match any release series",
                entry.version
            )));
        }
        let mut next = Vec::new();
        for (text, v) in available.iter().zip(parsed) {
            if v <= current {
                continue;
            }
            if metadata.series_for_version(&v).is_none() {
                return Err(Error::Invalid(format!(
                    "invalid provider metadata: version {text} (one of the available versions) for the provider {instance} does not match any release series"
                )));
            }
            next.push(v);
        }
        Ok(ProviderInfo {
            info: UpgradeInfo::new(&metadata, current, next),
            metadata,
        })
    }

    /// clusterctl's `createCustomPlan`: the named providers at the named versions, checked
    /// against the contract the core provider will implement.
    async fn custom_plan(
        &self,
        inventory: &[InventoryEntry],
        items: Vec<UpgradeItem>,
    ) -> Result<UpgradePlan, Error> {
        let core = single_core(inventory)?;
        let infos = self.provider_infos(inventory).await?;
        let target_core_version = items
            .iter()
            .find(|i| i.provider.instance_name() == core.instance_name())
            .map_or(core.version.as_str(), |i| i.next_version.as_str());
        let target_contract =
            infos[&core.instance_name()].contract_of(core, target_core_version)?;
        if target_contract != CURRENT_CONTRACT {
            return Err(Error::Invalid(format!(
                "current version of clusterctl could only upgrade the core provider to {CURRENT_CONTRACT} contract version, requested {target_contract}"
            )));
        }
        let compatible = crate::repository::compatible_contracts(&target_contract);
        let compatible_text = compatible.iter().cloned().collect::<Vec<_>>().join(", ");
        let mut providers = Vec::new();
        let mut named = BTreeSet::new();
        for mut item in items {
            let instance = item.provider.instance_name();
            let Some(installed) = inventory.iter().find(|e| e.instance_name() == instance) else {
                return Err(Error::Invalid(format!(
                    "unable to perform upgrade: the provider {instance} in not part of the management cluster"
                )));
            };
            item.provider = installed.clone();
            let contract = infos[&instance].contract_of(installed, &item.next_version)?;
            if !compatible.contains(&contract) {
                return Err(Error::Invalid(format!(
                    "unable to perform upgrade: the target version for the provider {instance} implements the {contract} contract version, while the core provider supports {compatible_text} contract versions"
                )));
            }
            named.insert(instance);
            providers.push(item);
        }
        for entry in inventory {
            let instance = entry.instance_name();
            if named.contains(&instance) {
                continue;
            }
            let contract = infos[&instance].contract_of(entry, &entry.version)?;
            if !compatible.contains(&contract) {
                return Err(Error::Invalid(format!(
                    "unable to perform upgrade: the provider {instance} implements the {contract} contract version, while the core provider is getting updated to a version that supports {compatible_text} contract versions. Please include the {instance} provider in the upgrade"
                )));
            }
        }
        Ok(UpgradePlan {
            contract: target_contract,
            providers,
        })
    }

    /// clusterctl's `doUpgrade`, with every new version fetched before the cluster changes.
    async fn do_upgrade(
        &self,
        cluster: &ManagementCluster,
        inventory: &[InventoryEntry],
        plan: &mut UpgradePlan,
        options: &UpgradeApplyOptions,
        progress: &dyn Progress,
    ) -> Result<Vec<UpgradedProvider>, Error> {
        check_single_instances(inventory)?;
        check_version_skew(&plan.providers)?;
        plan.providers.sort_by_key(|p| {
            p.provider
                .provider_type()
                .map_or(u8::MAX, ProviderType::order)
        });
        plan.providers.retain(|p| !p.next_version.is_empty());

        progress.event(ProgressEvent::FetchStarted {
            count: plan.providers.len(),
        });
        let fetched = futures::future::join_all(
            plan.providers
                .iter()
                .map(|item| self.upgrade_components(item)),
        )
        .await;
        progress.event(ProgressEvent::FetchFinished);
        let components: Vec<Components> = fetched.into_iter().collect::<Result<_, _>>()?;

        for item in &plan.providers {
            scale_down(cluster, &item.provider).await?;
        }
        let mut upgraded = Vec::new();
        for (item, components) in plan.providers.iter().zip(&components) {
            delete_provider(
                cluster,
                &item.provider,
                DeleteScope {
                    include_namespace: false,
                    include_crd: false,
                    skip_inventory: true,
                },
            )
            .await?;
            super::init::install_provider(cluster, components, progress).await?;
            upgraded.push(UpgradedProvider {
                instance: item.provider.instance_name(),
                from: item.provider.version.clone(),
                to: item.next_version.clone(),
            });
        }
        if options.wait_providers {
            tracing::info!("Waiting for providers to be available...");
            let all: Vec<&Value> = components.iter().flat_map(|c| c.objects.iter()).collect();
            super::init::wait_deployments(cluster, &all, options.wait_provider_timeout, progress)
                .await?;
        }
        Ok(upgraded)
    }

    /// The processed components of an item's next version, in the provider's namespace.
    async fn upgrade_components(&self, item: &UpgradeItem) -> Result<Components, Error> {
        let entry = &item.provider;
        let config = self.config();
        let provider = self.installed_provider_config(entry)?;
        let repo = ProviderRepository::open_at(
            provider.clone(),
            config,
            self.fetcher(),
            &item.next_version,
        )?;
        let raw = repo.components(&item.next_version).await?;
        let lookup = |key: &str| config.get(key);
        let components = Components::new(
            provider,
            &raw,
            ComponentsOptions {
                version: item.next_version.clone(),
                target_namespace: Some(entry.namespace.clone()),
                skip_template_process: false,
            },
            &lookup,
            &config.image_overrides()?,
        )?;
        Ok(components)
    }

    /// The installed cert-manager objects, and the plan for them.
    async fn plan_cert_manager(
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
            cert_manager::should_upgrade(&settings.version, &installed, &desired)?;
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
    async fn ensure_latest_cert_manager(
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

/// The single core provider of the inventory.
fn single_core(inventory: &[InventoryEntry]) -> Result<&InventoryEntry, Error> {
    let cores: Vec<&InventoryEntry> = inventory
        .iter()
        .filter(|e| e.provider_type() == Some(ProviderType::Core))
        .collect();
    match cores.as_slice() {
        [one] => Ok(one),
        _ => Err(Error::Invalid(format!(
            "invalid management cluster: there must be one core provider, found {}",
            cores.len()
        ))),
    }
}

/// clusterctl's `getUpgradePlan`: every provider with its newest version compatible with
/// `contract`.
fn plan_for_contract(
    inventory: &[InventoryEntry],
    infos: &BTreeMap<String, ProviderInfo>,
    contract: &str,
) -> UpgradePlan {
    let compatible = crate::repository::compatible_contracts(contract);
    UpgradePlan {
        contract: contract.to_string(),
        providers: inventory
            .iter()
            .map(|entry| UpgradeItem {
                provider: entry.clone(),
                next_version: infos[&entry.instance_name()]
                    .info
                    .latest_next_version(&compatible)
                    .map(|v| v.tag())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// Parses an `upgrade apply` provider reference: `name:version`, or the deprecated
/// `namespace/name:version`. Without a namespace it is the one namespace where the inventory
/// has that provider (empty when there is none or several: the plan then reports the
/// provider as not installed, as clusterctl does).
fn parse_upgrade_item(
    inventory: &[InventoryEntry],
    provider_type: ProviderType,
    text: &str,
) -> Result<UpgradeItem, Error> {
    let malformed = || {
        Error::Invalid(format!(
            "invalid provider name {text:?}. Provider name should be in the form namespace/provider:version or provider:version"
        ))
    };
    let (namespace, rest) = if text.contains('/') {
        let lower = text.to_lowercase();
        let parts: Vec<&str> = lower.split('/').collect();
        if parts.len() != 2 || parts[0].is_empty() {
            return Err(malformed());
        }
        (Some(parts[0].to_string()), parts[1].to_string())
    } else {
        if !text.contains(':') {
            return Err(malformed());
        }
        (None, text.to_string())
    };
    let reference: crate::provider::ProviderRef = rest.parse().map_err(|e| {
        Error::Invalid(format!(
            "invalid provider name {text:?}. Provider name should be in the form namespace/provider:version or provider:version: {e}"
        ))
    })?;
    let namespace = namespace.unwrap_or_else(|| {
        let found: BTreeSet<&str> = inventory
            .iter()
            .filter(|e| {
                e.provider_name == reference.name && e.provider_type() == Some(provider_type)
            })
            .map(|e| e.namespace.as_str())
            .collect();
        match found.len() {
            1 => found.into_iter().next().unwrap_or_default().to_string(),
            _ => String::new(),
        }
    });
    let next_version = reference.version.clone().unwrap_or_default();
    if next_version.is_empty() {
        return Err(Error::Invalid(format!(
            "invalid provider name {text:?}. Provider name should be in the form namespace/name:version and version cannot be empty"
        )));
    }
    let label = manifest_label(&reference.name, provider_type);
    Ok(UpgradeItem {
        provider: InventoryEntry::from_object(&json!({
            "metadata": {"name": label, "namespace": namespace},
            "providerName": reference.name,
            "type": provider_type.as_str(),
            "version": "",
        })),
        next_version,
    })
}

/// clusterctl's `CheckSingleProviderInstance`.
fn check_single_instances(inventory: &[InventoryEntry]) -> Result<(), Error> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in inventory {
        groups
            .entry(e.manifest_label())
            .or_default()
            .push(format!("{}/{}", e.namespace, e.name));
    }
    let errors: Vec<String> = groups
        .iter()
        .filter(|(_, instances)| instances.len() > 1)
        .map(|(label, instances)| {
            format!(
                "multiple instance of provider type {label:?} found: [{}]",
                instances.join(" ")
            )
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "detected multiple instances of the same provider, but clusterctl does not support this use case. See https://cluster-api.sigs.k8s.io/developer/core/support-multiple-instances for more details: {}",
        super::aggregate(&errors)
    )))
}

/// The version-skew guard: the core and kubeadm providers, from v1.10.0 on, may not skip more
/// than three minor versions.
fn check_version_skew(items: &[UpgradeItem]) -> Result<(), Error> {
    for item in items {
        let p = &item.provider;
        let guarded = match p.provider_type() {
            Some(ProviderType::Core) => true,
            Some(ProviderType::Bootstrap | ProviderType::ControlPlane) => {
                p.provider_name == "kubeadm"
            }
            _ => false,
        };
        if !guarded || item.next_version.is_empty() {
            continue;
        }
        let current = crate::version::parse_tolerant(&p.version).ok_or_else(|| {
            Error::Invalid(format!(
                "failed to parse current version for {} provider",
                p.instance_name()
            ))
        })?;
        if current < Version::new(1, 10, 0) {
            continue;
        }
        let next = crate::version::parse_tolerant(&item.next_version).ok_or_else(|| {
            Error::Invalid(format!(
                "failed to parse next version for {} provider",
                p.instance_name()
            ))
        })?;
        if next.minor() > current.minor() + 3 {
            return Err(Error::Invalid(format!(
                "upgrade for {} provider can't skip more than 3 versions",
                p.instance_name()
            )));
        }
    }
    Ok(())
}

/// Scales the provider's Deployments to zero and waits until none reports a replica.
async fn scale_down(cluster: &ManagementCluster, provider: &InventoryEntry) -> Result<(), Error> {
    tracing::info!(json.Provider = %provider.log_ref(), provider_version = %provider.version, "Scaling down");
    let selector = format!(
        "{CLUSTERCTL_LABEL},{PROVIDER_NAME_LABEL}={}",
        provider.manifest_label()
    );
    let deployments = cluster
        .list("apps/v1", "Deployment", &provider.namespace, &selector)
        .await
        .map_err(|e| {
            Error::from(e).context(format!(
                "failed to list Deployments for provider {}",
                provider.name
            ))
        })?;
    for d in &deployments {
        let r = ObjectRef::of(d);
        tracing::trace!(deployment = %format!("{}/{}", r.namespace, r.name), "Scaling down");
        if object::get_path(d, &["spec", "replicas"]).and_then(Value::as_i64) != Some(0) {
            cluster
                .merge_patch(&r, &json!({"spec": {"replicas": 0}}))
                .await
                .map_err(|e| Error::from(e).context("failed to scale down Deployment"))?;
        }
        cluster
            .wait_deployment_scaled_down(&r.namespace, &r.name, SCALE_DOWN_TIMEOUT)
            .await
            .map_err(|e: ClusterError| {
                Error::from(e).context("failed to wait until Deployment is scaled down")
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, t: ProviderType, ns: &str, version: &str) -> InventoryEntry {
        InventoryEntry::from_object(&json!({
            "metadata": {"name": manifest_label(name, t), "namespace": ns},
            "providerName": name, "type": t.as_str(), "version": version,
        }))
    }

    fn inventory() -> Vec<InventoryEntry> {
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
            infrastructure: vec!["docker:v1.13.5".into()],
            ..UpgradeApplyOptions::default()
        };
        assert!(
            both.validate()
                .unwrap_err()
                .to_string()
                .starts_with("The --contract flag can't")
        );
        let one = UpgradeApplyOptions {
            core: Some("cluster-api:v1.13.5".into()),
            ..UpgradeApplyOptions::default()
        };
        assert!(one.validate().is_ok());
    }

    // Upstream Test_parseUpgradeItem (cmd/clusterctl/client/upgrade_test.go), as data:
    // reference, expected namespace/label and next version, or the error.
    #[test]
    fn upgrade_item_references() {
        let inv = inventory();
        /// The reference, its type, and the instance and version it names (or the error).
        type Case = (
            &'static str,
            ProviderType,
            Result<(&'static str, &'static str), &'static str>,
        );
        let cases: [Case; 7] = [
            (
                "docker:v1.13.5",
                ProviderType::Infrastructure,
                Ok(("capd-system/infrastructure-docker", "v1.13.5")),
            ),
            (
                "capd-system/docker:v1.13.5",
                ProviderType::Infrastructure,
                Ok(("capd-system/infrastructure-docker", "v1.13.5")),
            ),
            (
                "other/docker:v1.13.5",
                ProviderType::Infrastructure,
                Ok(("other/infrastructure-docker", "v1.13.5")),
            ),
            (
                "aws:v2.0.0",
                ProviderType::Infrastructure,
                Ok(("/infrastructure-aws", "v2.0.0")),
            ),
            (
                "docker",
                ProviderType::Infrastructure,
                Err(
                    "invalid provider name \"docker\". Provider name should be in the form namespace/provider:version or provider:version",
                ),
            ),
            (
                "/docker:v1.13.5",
                ProviderType::Infrastructure,
                Err(
                    "invalid provider name \"/docker:v1.13.5\". Provider name should be in the form namespace/provider:version or provider:version",
                ),
            ),
            (
                "capd-system/docker",
                ProviderType::Infrastructure,
                Err(
                    "invalid provider name \"capd-system/docker\". Provider name should be in the form namespace/name:version and version cannot be empty",
                ),
            ),
        ];
        for (text, t, want) in cases {
            let got = parse_upgrade_item(&inv, t, text)
                .map(|i| (i.provider.instance_name(), i.next_version))
                .map_err(|e| e.to_string());
            match want {
                Ok((instance, version)) => {
                    assert_eq!(
                        got,
                        Ok((instance.to_string(), version.to_string())),
                        "{text}"
                    )
                }
                Err(message) => assert_eq!(got, Err(message.to_string()), "{text}"),
            }
        }
    }

    #[test]
    fn single_instances() {
        let mut inv = inventory();
        assert!(check_single_instances(&inv).is_ok());
        inv.push(entry(
            "docker",
            ProviderType::Infrastructure,
            "other",
            "v1.12.4",
        ));
        assert_eq!(
            check_single_instances(&inv).unwrap_err().to_string(),
            "detected multiple instances of the same provider, but clusterctl does not support this use case. See https://cluster-api.sigs.k8s.io/developer/core/support-multiple-instances for more details: multiple instance of provider type \"infrastructure-docker\" found: [capd-system/infrastructure-docker other/infrastructure-docker]"
        );
    }

    // The skew rule of doUpgrade: core and kubeadm providers from v1.10 on skip at most three
    // minors; other providers and older versions are not limited.
    #[test]
    fn version_skew_guard() {
        let item = |name: &str, t, from: &str, to: &str| UpgradeItem {
            provider: entry(name, t, "ns", from),
            next_version: to.into(),
        };
        let cases = [
            (
                item("cluster-api", ProviderType::Core, "v1.10.0", "v1.13.0"),
                true,
            ),
            (
                item("cluster-api", ProviderType::Core, "v1.10.0", "v1.14.0"),
                false,
            ),
            (
                item("cluster-api", ProviderType::Core, "v1.9.0", "v1.14.0"),
                true,
            ),
            (
                item("kubeadm", ProviderType::Bootstrap, "v1.10.0", "v1.14.0"),
                false,
            ),
            (
                item("kubeadm", ProviderType::ControlPlane, "v1.11.2", "v1.15.0"),
                false,
            ),
            (
                item("talos", ProviderType::Bootstrap, "v1.10.0", "v1.14.0"),
                true,
            ),
            (
                item("docker", ProviderType::Infrastructure, "v1.10.0", "v1.20.0"),
                true,
            ),
        ];
        for (item, ok) in cases {
            let result = check_version_skew(std::slice::from_ref(&item));
            assert_eq!(result.is_ok(), ok, "{item:?}");
            if !ok {
                assert_eq!(
                    result.unwrap_err().to_string(),
                    format!(
                        "upgrade for ns/{} provider can't skip more than 3 versions",
                        item.provider.name
                    )
                );
            }
        }
    }
}
