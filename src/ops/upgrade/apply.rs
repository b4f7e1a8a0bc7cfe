//! Applying a plan (clusterctl's `doUpgrade`): every new version is fetched and processed
//! before the cluster changes, then each provider's controllers are scaled down, its old
//! objects deleted (never its namespace, CRDs or inventory entry) and the new ones installed.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use super::{UpgradeApplyOptions, UpgradeError, UpgradeItem, UpgradePlan, UpgradedProvider};
use crate::Client;
use crate::cluster::inventory::InventoryEntry;
use crate::cluster::{ClusterError, ManagementCluster, ObjectRef};
use crate::components::{Components, ComponentsOptions};
use crate::error::Error;
use crate::object;
use crate::ops::delete::{DeleteScope, delete_provider};
use crate::progress::{Progress, ProgressEvent};
use crate::provider::{CLUSTERCTL_LABEL, PROVIDER_NAME_LABEL, ProviderType};
use crate::repository::ProviderRepository;
use crate::version::Version;

/// How long a scaled-down Deployment may take to report zero replicas.
const SCALE_DOWN_TIMEOUT: Duration = Duration::from_secs(60);

impl Client {
    /// clusterctl's `doUpgrade`, with every new version fetched before the cluster changes.
    pub(super) async fn do_upgrade(
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
            crate::ops::init::install_provider(cluster, components, progress).await?;
            upgraded.push(UpgradedProvider {
                instance: item.provider.instance_name(),
                from: item.provider.version.clone(),
                to: item.next_version.clone(),
            });
        }
        if options.wait_providers {
            tracing::info!("Waiting for providers to be available...");
            let all: Vec<&Value> = components.iter().flat_map(|c| c.objects.iter()).collect();
            crate::ops::init::wait_deployments(
                cluster,
                &all,
                options.wait_provider_timeout,
                progress,
            )
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
}

/// clusterctl's `CheckSingleProviderInstance`.
fn check_single_instances(inventory: &[InventoryEntry]) -> Result<(), UpgradeError> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in inventory {
        groups
            .entry(e.manifest_label())
            .or_default()
            .push(format!("{}/{}", e.namespace, e.name));
    }
    let problems: Vec<String> = groups
        .iter()
        .filter(|(_, instances)| instances.len() > 1)
        .map(|(label, instances)| {
            format!(
                "multiple instance of provider type {label:?} found: [{}]",
                instances.join(" ")
            )
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(UpgradeError::MultipleInstances { problems })
}

/// The version-skew guard: the core and kubeadm providers, from v1.10.0 on, may not skip more
/// than three minor versions.
fn check_version_skew(items: &[UpgradeItem]) -> Result<(), UpgradeError> {
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
            UpgradeError::BadSkewVersion {
                instance: p.instance_name(),
                which: "current",
            }
        })?;
        if current < Version::new(1, 10, 0) {
            continue;
        }
        let next = crate::version::parse_tolerant(&item.next_version).ok_or_else(|| {
            UpgradeError::BadSkewVersion {
                instance: p.instance_name(),
                which: "next",
            }
        })?;
        if next.minor() > current.minor() + 3 {
            return Err(UpgradeError::VersionSkew {
                instance: p.instance_name(),
            });
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
    use crate::ops::upgrade::tests::{entry, inventory};

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
