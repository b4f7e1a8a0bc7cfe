//! Planning an upgrade: what each installed provider's repository offers
//! (clusterctl's `getUpgradeInfo`), the plan towards a contract (`getUpgradePlan`) and the
//! custom plan of `upgrade apply` with explicit providers (`createCustomPlan`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::{UpgradeError, UpgradeItem, UpgradePlan, VersionRole};
use crate::Client;
use crate::cluster::inventory::InventoryEntry;
use crate::error::Error;
use crate::provider::CURRENT_CONTRACT;
use crate::provider::{ProviderRef, ProviderType, manifest_label};
use crate::repository::{Metadata, ProviderRepository, UpgradeInfo};
use crate::version::Version;

/// A provider's upgrade facts with the metadata they came from.
#[derive(Debug, Clone)]
pub(super) struct ProviderInfo {
    pub(super) info: UpgradeInfo,
    metadata: Metadata,
}

impl ProviderInfo {
    /// The contract of `version`'s release series.
    pub(super) fn contract_of(
        &self,
        entry: &InventoryEntry,
        version: &str,
    ) -> Result<String, UpgradeError> {
        let parsed: Version = version.parse().map_err(|source| UpgradeError::BadVersion {
            instance: entry.instance_name(),
            role: VersionRole::Target,
            source,
        })?;
        self.metadata
            .series_for_version(&parsed)
            .map(|s| s.contract.clone())
            .ok_or_else(|| UpgradeError::TargetNotInSeries {
                instance: entry.instance_name(),
                version: version.to_string(),
            })
    }
}

impl Client {
    /// `namespace/label`. The first failure in inventory order is returned.
    pub(super) async fn provider_infos(
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
            let v: Version = text.parse().map_err(|source| UpgradeError::BadVersion {
                instance: instance.clone(),
                role: VersionRole::Available,
                source,
            })?;
            parsed.push(v);
        }
        let Some(latest) = parsed.iter().max().cloned() else {
            return Err(UpgradeError::NoVersions { instance }.into());
        };
        let metadata = repo.metadata(&latest.tag()).await?;
        let current: Version =
            entry
                .version
                .parse()
                .map_err(|source| UpgradeError::BadVersion {
                    instance: instance.clone(),
                    role: VersionRole::Current,
                    source,
                })?;
        if metadata.series_for_version(&current).is_none() {
            return Err(UpgradeError::NotInSeries {
                instance,
                version: entry.version.clone(),
                installed: true,
            }
            .into());
        }
        let mut next = Vec::new();
        for (text, v) in available.iter().zip(parsed) {
            if v <= current {
                continue;
            }
            if metadata.series_for_version(&v).is_none() {
                return Err(UpgradeError::NotInSeries {
                    instance,
                    version: text.clone(),
                    installed: false,
                }
                .into());
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
    pub(super) async fn custom_plan(
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
            return Err(UpgradeError::UnsupportedCoreContract {
                current: CURRENT_CONTRACT,
                requested: target_contract,
            }
            .into());
        }
        let compatible: BTreeSet<String> = crate::provider::compatible_contracts(&target_contract)
            .into_iter()
            .collect();
        let compatible_list: Vec<String> = compatible.iter().cloned().collect();
        let mut providers = Vec::new();
        let mut named = BTreeSet::new();
        for mut item in items {
            let instance = item.provider.instance_name();
            let Some(installed) = inventory.iter().find(|e| e.instance_name() == instance) else {
                return Err(UpgradeError::NotInstalled { instance }.into());
            };
            item.provider = installed.clone();
            let contract = infos[&instance].contract_of(installed, &item.next_version)?;
            if !compatible.contains(&contract) {
                return Err(UpgradeError::IncompatibleTarget {
                    instance,
                    contract,
                    compatible: compatible_list,
                }
                .into());
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
                return Err(UpgradeError::IncompatibleInstalled {
                    instance,
                    contract,
                    compatible: compatible_list,
                }
                .into());
            }
        }
        Ok(UpgradePlan {
            contract: target_contract,
            providers,
        })
    }
}

/// The single core provider of the inventory.
pub(super) fn single_core(inventory: &[InventoryEntry]) -> Result<&InventoryEntry, UpgradeError> {
    let cores: Vec<&InventoryEntry> = inventory
        .iter()
        .filter(|e| e.provider_type() == Some(ProviderType::Core))
        .collect();
    match cores.as_slice() {
        [one] => Ok(one),
        _ => Err(UpgradeError::CoreCount { found: cores.len() }),
    }
}

/// clusterctl's `getUpgradePlan`: every provider with its newest version compatible with
/// `contract`.
pub(super) fn plan_for_contract(
    inventory: &[InventoryEntry],
    infos: &BTreeMap<String, ProviderInfo>,
    contract: &str,
) -> UpgradePlan {
    let compatible: BTreeSet<String> = crate::provider::compatible_contracts(contract)
        .into_iter()
        .collect();
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
pub(super) fn parse_upgrade_item(
    inventory: &[InventoryEntry],
    provider_type: ProviderType,
    text: &str,
) -> Result<UpgradeItem, UpgradeError> {
    let malformed = || UpgradeError::BadReference {
        text: text.to_string(),
        cause: None,
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
    let reference: ProviderRef = rest.parse().map_err(|e| UpgradeError::BadReference {
        text: text.to_string(),
        cause: Some(e),
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
        return Err(UpgradeError::NoVersion {
            text: text.to_string(),
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::upgrade::tests::inventory;

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
}
