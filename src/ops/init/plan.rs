//! Deciding what `init` installs: clusterctl's defaults on a first run, the providers asked
//! for, installs a previous run left unfinished, and what the inventory already has. Pure.

use std::collections::HashSet;

use crate::cluster::InventoryEntry;
use crate::cluster::inventory;
use crate::components::Components;
use crate::error::Error;
use crate::provider::{CLUSTER_API_PROVIDER_NAME, ProviderType};

use super::validate::{PlannedProvider, ValidationError};
use super::{InitOptions, NOOP_PROVIDER};

/// clusterctl's `addDefaultProviders`: without exactly one core provider name in the inventory
/// this is a first run, which installs cluster-api and kubeadm bootstrap and control plane
/// unless other choices were given. Returns whether it is a first run.
pub(super) fn add_default_providers(
    options: &mut InitOptions,
    inventory: &[InventoryEntry],
) -> bool {
    if inventory::default_provider_name(inventory, ProviderType::Core).is_some() {
        return false;
    }
    let defaults = [
        (ProviderType::Core, CLUSTER_API_PROVIDER_NAME),
        (ProviderType::Bootstrap, "kubeadm"),
        (ProviderType::ControlPlane, "kubeadm"),
    ];
    for (t, name) in defaults {
        if !options.providers.has(t) {
            options.providers.push(t, name);
        }
    }
    true
}

/// A provider to fetch: type, `name[:version]` and target namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Requested {
    pub(super) provider_type: ProviderType,
    pub(super) reference: String,
    pub(super) target_namespace: Option<String>,
}

/// The providers to fetch, in clusterctl's flag order, without the `-` placeholders.
pub(super) fn requested_providers(options: &InitOptions) -> Result<Vec<Requested>, Error> {
    let mut out = Vec::new();
    let target_namespace = options.target_namespace.clone().filter(|ns| !ns.is_empty());
    let mut push = |provider_type, reference: &str| {
        out.push(Requested {
            provider_type,
            reference: reference.to_string(),
            target_namespace: target_namespace.clone(),
        })
    };
    for (t, reference) in options.provider_refs() {
        match (t, reference) {
            (ProviderType::Core, NOOP_PROVIDER) => {
                return Err(ValidationError::NoopCore.into());
            }
            (_, NOOP_PROVIDER) => {}
            _ => push(t, reference),
        }
    }
    Ok(out)
}

/// Adds the providers whose install a previous run started but did not finish (their inventory
/// entry is still marked installing), at the recorded version and namespace, unless this run
/// asks for them anyway.
pub(super) fn resume_interrupted(requested: &mut Vec<Requested>, inventory: &[InventoryEntry]) {
    for entry in inventory.iter().filter(|e| e.installing) {
        let Some(t) = entry.provider_type() else {
            continue;
        };
        let asked = requested.iter().any(|r| {
            r.provider_type == t
                && r.reference.split(':').next() == Some(entry.provider_name.as_str())
        });
        if asked {
            continue;
        }
        tracing::info!(
            provider = %entry.manifest_label(),
            version = %entry.version,
            target_namespace = %entry.namespace,
            "Resuming interrupted install"
        );
        requested.push(Requested {
            provider_type: t,
            reference: format!("{}:{}", entry.provider_name, entry.version),
            target_namespace: Some(entry.namespace.clone()),
        });
    }
}

/// Whether the inventory already has this provider, namespace and version, fully installed.
pub(super) fn already_installed(inventory: &[InventoryEntry], c: &Components) -> bool {
    inventory.iter().any(|e| {
        !e.installing
            && e.provider_name == c.provider.name
            && e.type_name == c.provider.provider_type.as_str()
            && e.namespace == c.target_namespace
            && e.version == c.version
    })
}

/// The inventory without the entries of interrupted installs this run resumes (same provider,
/// type and namespace), which must not count as another instance.
pub(super) fn without_resumed(
    inventory: &[InventoryEntry],
    queue: &[PlannedProvider<'_>],
) -> Vec<InventoryEntry> {
    let resumed: HashSet<(&str, &str, &str)> = queue
        .iter()
        .map(|p| {
            (
                p.entry.provider_name.as_str(),
                p.entry.type_name.as_str(),
                p.entry.namespace.as_str(),
            )
        })
        .collect();
    inventory
        .iter()
        .filter(|e| {
            !(e.installing
                && resumed.contains(&(
                    e.provider_name.as_str(),
                    e.type_name.as_str(),
                    e.namespace.as_str(),
                )))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, t: &str, ns: &str, version: &str, installing: bool) -> InventoryEntry {
        InventoryEntry {
            name: name.into(),
            namespace: ns.into(),
            provider_name: name.into(),
            type_name: t.into(),
            version: version.into(),
            installing,
        }
    }

    #[test]
    fn first_run_adds_the_defaults_unless_chosen() {
        let mut o = InitOptions::default();
        o.providers.push(ProviderType::Bootstrap, "-");
        assert!(add_default_providers(&mut o, &[]));
        assert_eq!(
            o.provider_refs(),
            [
                (ProviderType::Core, "cluster-api"),
                (ProviderType::Bootstrap, "-"),
                (ProviderType::ControlPlane, "kubeadm")
            ]
        );
        let requested: Vec<(ProviderType, String)> = requested_providers(&o)
            .unwrap()
            .into_iter()
            .map(|r| (r.provider_type, r.reference))
            .collect();
        assert_eq!(
            requested,
            vec![
                (ProviderType::Core, "cluster-api".to_string()),
                (ProviderType::ControlPlane, "kubeadm".to_string())
            ]
        );

        let mut later = InitOptions::default();
        let inventory = [entry(
            "cluster-api",
            "CoreProvider",
            "capi-system",
            "v1.13.5",
            false,
        )];
        assert!(!add_default_providers(&mut later, &inventory));
        assert!(later.providers.is_empty());
    }

    #[test]
    fn core_cannot_be_skipped() {
        let mut o = InitOptions::default();
        o.providers.push(ProviderType::Core, "-");
        assert_eq!(
            requested_providers(&o).unwrap_err().to_string(),
            "the '-' value can not be used for the core provider"
        );
    }

    #[test]
    fn interrupted_installs_are_requested_again() {
        let inventory = vec![
            entry(
                "cluster-api",
                "CoreProvider",
                "capi-system",
                "v1.13.5",
                true,
            ),
            entry(
                "docker",
                "InfrastructureProvider",
                "capd-system",
                "v1.13.5",
                true,
            ),
            entry(
                "kubeadm",
                "BootstrapProvider",
                "capi-kubeadm-bootstrap-system",
                "v1.13.5",
                false,
            ),
        ];
        let mut requested = vec![Requested {
            provider_type: ProviderType::Infrastructure,
            reference: "docker".into(),
            target_namespace: None,
        }];
        resume_interrupted(&mut requested, &inventory);
        assert_eq!(
            requested[1],
            Requested {
                provider_type: ProviderType::Core,
                reference: "cluster-api:v1.13.5".into(),
                target_namespace: Some("capi-system".into()),
            }
        );
        assert_eq!(requested.len(), 2);
    }

    #[test]
    fn interrupted_installs_are_resumed_not_duplicated() {
        let inventory = vec![
            entry(
                "cluster-api",
                "CoreProvider",
                "capi-system",
                "v1.13.5",
                true,
            ),
            entry(
                "docker",
                "InfrastructureProvider",
                "capd-system",
                "v1.13.5",
                true,
            ),
        ];
        let planned = [PlannedProvider {
            entry: entry(
                "cluster-api",
                "CoreProvider",
                "capi-system",
                "v1.13.5",
                false,
            ),
            objects: &[],
        }];
        let left = without_resumed(&inventory, &planned);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].provider_name, "docker");
    }
}
