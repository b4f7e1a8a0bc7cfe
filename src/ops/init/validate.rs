//! clusterctl's pre-install validation (`providerInstaller.Validate`): one instance per
//! provider, exactly one core provider, every provider on a contract the core provider is
//! compatible with, and CRD names following `<plural of kind>.<group>`. Pure: metadata is
//! fetched beforehand and passed in.

use std::collections::HashMap;

use serde_json::Value;

use crate::cluster::InventoryEntry;
use crate::object;
use crate::provider::ProviderType;
use crate::provider::{CURRENT_CONTRACT, compatible_contracts};
use crate::repository::Metadata;
use crate::version::Version;

/// The annotation that exempts a CRD from the name check.
pub const SKIP_CRD_NAME_PREFLIGHT_CHECK_ANNOTATION: &str =
    "clusterctl.cluster.x-k8s.io/skip-crd-name-preflight-check";

/// Why the planned management cluster would not work; messages are clusterctl's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// A second instance of a provider.
    #[error(
        "installing provider {label:?} can lead to a non functioning management cluster: there is already an instance of the {label:?} provider installed in the {namespaces:?} namespace"
    )]
    DuplicateInstance {
        /// The provider's manifest label.
        label: String,
        /// Namespaces of the existing instances, joined with ", ".
        namespaces: String,
    },
    /// `--core -`: the core provider cannot be left out.
    #[error("the '-' value can not be used for the core provider")]
    NoopCore,
    /// Not exactly one core provider.
    #[error("invalid management cluster: there must be one core provider, found {0}")]
    CoreProviderCount(usize),
    /// The provider's metadata could not be read.
    #[error(
        "failed to fetch metadata for provider {label:?} (version {version}). Check that the release tag exists and the repository URL is correct — the project may have moved or the tag may be missing metadata.yaml: {cause}"
    )]
    Metadata {
        /// Manifest label.
        label: String,
        /// Version asked for.
        version: String,
        /// What failed.
        cause: String,
    },
    /// The version is not a semantic version.
    #[error(
        "failed to parse current version for the {instance} provider: could not parse {version:?} as version"
    )]
    Version {
        /// `namespace/label`.
        instance: String,
        /// The version.
        version: String,
    },
    /// metadata.yaml has no series for the version.
    #[error("{0}")]
    NoReleaseSeries(String),
    /// The provider implements a contract this tool does not support.
    #[error(
        "current version of clusterctl is only compatible with providers implementing the {compatible} contract versions, detected contract version {contract} for provider {label}"
    )]
    UnsupportedContract {
        /// Supported contracts, joined with ", ".
        compatible: String,
        /// The provider's contract.
        contract: String,
        /// Manifest label.
        label: String,
    },
    /// The provider's contract is not one the core provider works with.
    #[error(
        "installing provider {label:?} could lead to a non functioning management cluster: the target version for the provider implements the {contract} contract version, while the core provider is compatible with {compatible} contract versions"
    )]
    IncompatibleContract {
        /// Manifest label.
        label: String,
        /// The provider's contract.
        contract: String,
        /// The core provider's compatible contracts, joined with ",".
        compatible: String,
    },
    /// A CRD of the provider cannot be read.
    #[error("failed to read group and kind from CustomResourceDefinition: {0}")]
    CrdUnreadable(String),
    /// A CRD is not named `<plural>.<group>`.
    #[error(
        "ERROR: CRD name {name:?} is invalid for a CRD referenced in a core Cluster API CRD,it should be {expected:?}. Support for CRDs that are referenced in core Cluster API resources with invalid names has been dropped. Note: Please check if this CRD is actually referenced in core Cluster API CRDs. If not, this warning can be hidden by setting the {annotation:?}' annotation."
    )]
    CrdName {
        /// The CRD's name.
        name: String,
        /// The name it should have.
        expected: String,
        /// The annotation that skips the check.
        annotation: &'static str,
    },
}

/// A provider about to be installed, as validation sees it.
#[derive(Debug, Clone)]
pub struct PlannedProvider<'a> {
    /// Its inventory entry-to-be.
    pub entry: InventoryEntry,
    /// Its objects (only CRDs are looked at).
    pub objects: &'a [Value],
}

/// Metadata of provider versions, by `(manifest label, version)`; an `Err` holds why it could
/// not be fetched.
pub type MetadataByVersion = HashMap<(String, String), Result<Metadata, String>>;

/// Runs clusterctl's checks on the management cluster `existing` + `queue`.
pub fn validate(
    existing: &[InventoryEntry],
    queue: &[PlannedProvider<'_>],
    metadata: &MetadataByVersion,
) -> Result<(), ValidationError> {
    let mut simulated: Vec<InventoryEntry> = existing.to_vec();
    for planned in queue {
        let e = &planned.entry;
        let namespaces: Vec<&str> = simulated
            .iter()
            .filter(|p| p.provider_name == e.provider_name && p.type_name == e.type_name)
            .map(|p| p.namespace.as_str())
            .collect();
        if !namespaces.is_empty() {
            return Err(ValidationError::DuplicateInstance {
                label: e.manifest_label(),
                namespaces: namespaces.join(", "),
            });
        }
        simulated.push(e.clone());
    }
    let cores: Vec<&InventoryEntry> = simulated
        .iter()
        .filter(|p| p.provider_type() == Some(ProviderType::Core))
        .collect();
    if cores.len() != 1 {
        return Err(ValidationError::CoreProviderCount(cores.len()));
    }
    let core_contract = provider_contract(cores[0], metadata)?;
    let compatible = compatible_contracts(&core_contract);
    for planned in queue {
        let contract = provider_contract(&planned.entry, metadata)?;
        if !compatible.contains(&contract) {
            return Err(ValidationError::IncompatibleContract {
                label: planned.entry.manifest_label(),
                contract,
                compatible: compatible.join(","),
            });
        }
    }
    for planned in queue {
        for crd in planned
            .objects
            .iter()
            .filter(|o| object::kind(o) == "CustomResourceDefinition")
        {
            validate_crd_name(crd)?;
        }
    }
    Ok(())
}

/// clusterctl's `getProviderContract`: the contract of the release series of the entry's
/// version, which must be one this tool supports.
pub fn provider_contract(
    entry: &InventoryEntry,
    metadata: &MetadataByVersion,
) -> Result<String, ValidationError> {
    let label = entry.manifest_label();
    let found = metadata
        .get(&(label.clone(), entry.version.clone()))
        .cloned()
        .unwrap_or_else(|| Err("metadata was not fetched".to_string()));
    let metadata = found.map_err(|cause| ValidationError::Metadata {
        label: label.clone(),
        version: entry.version.clone(),
        cause,
    })?;
    let version: Version = entry
        .version
        .parse()
        .map_err(|_| ValidationError::Version {
            instance: entry.instance_name(),
            version: entry.version.clone(),
        })?;
    let Some(series) = metadata.series_for_version(&version) else {
        let available: Vec<String> = metadata
            .release_series
            .iter()
            .map(|s| format!("{}.{}", s.major, s.minor))
            .collect();
        let message = if available.is_empty() {
            format!(
                "invalid provider metadata: version {} for the provider {} does not match any release series. No release series found in metadata. The metadata.yaml file may be missing or the provider repository may be incorrect.",
                entry.version,
                entry.instance_name()
            )
        } else {
            format!(
                "invalid provider metadata: version {} for the provider {} does not match any release series. Available series: [{}]. This usually means the release tag lacks an updated metadata.yaml or the repository URL is stale.",
                entry.version,
                entry.instance_name(),
                available.join(", ")
            )
        };
        return Err(ValidationError::NoReleaseSeries(message));
    };
    let supported = compatible_contracts(CURRENT_CONTRACT);
    if !supported.contains(&series.contract) {
        return Err(ValidationError::UnsupportedContract {
            compatible: supported.join(", "),
            contract: series.contract.clone(),
            label,
        });
    }
    Ok(series.contract.clone())
}

/// clusterctl's `validateCRDName`.
pub fn validate_crd_name(crd: &Value) -> Result<(), ValidationError> {
    let version = object::version(crd);
    if version != "v1" && version != "v1beta1" {
        return Err(ValidationError::CrdUnreadable(format!(
            "failed to read {version} CustomResourceDefinition {:?}",
            object::name(crd)
        )));
    }
    if object::annotation(crd, SKIP_CRD_NAME_PREFLIGHT_CHECK_ANNOTATION).is_some() {
        return Ok(());
    }
    let group = object::get_path(crd, &["spec", "group"])
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = object::get_path(crd, &["spec", "names", "kind"])
        .and_then(Value::as_str)
        .unwrap_or_default();
    let expected = format!(
        "{}.{group}",
        crate::components::plural::pluralize(&kind.to_lowercase())
    );
    if object::name(crd) == expected {
        return Ok(());
    }
    Err(ValidationError::CrdName {
        name: object::name(crd).to_string(),
        expected,
        annotation: SKIP_CRD_NAME_PREFLIGHT_CHECK_ANNOTATION,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repository::ReleaseSeries;
    use serde_json::json;

    const OLD_NOT_SUPPORTED: &str = "v1alpha4";
    const OLD_SUPPORTED: &str = "v1beta1";
    const CURRENT: &str = "v1beta2";
    const NEXT: &str = "v99";

    fn entry(name: &str, t: ProviderType, version: &str, ns: &str) -> InventoryEntry {
        InventoryEntry {
            name: crate::provider::manifest_label(name, t),
            namespace: ns.into(),
            provider_name: name.into(),
            type_name: t.as_str().into(),
            version: version.into(),
            installing: false,
        }
    }

    fn md(series: &[(u64, u64, &str)]) -> Metadata {
        Metadata {
            release_series: series
                .iter()
                .map(|(major, minor, c)| ReleaseSeries {
                    major: *major,
                    minor: *minor,
                    contract: c.to_string(),
                })
                .collect(),
        }
    }

    /// The repositories of upstream `Test_providerInstaller_Validate`.
    fn repositories() -> MetadataByVersion {
        let mut m = MetadataByVersion::new();
        let standard = |label: &str, m: &mut MetadataByVersion, v1: Metadata, v2: Metadata| {
            for v in ["v0.9.0", "v1.0.0", "v1.0.1", "v2.0.0"] {
                let data = match v {
                    "v0.9.0" => md(&[(0, 9, OLD_NOT_SUPPORTED)]),
                    "v2.0.0" => v2.clone(),
                    _ => v1.clone(),
                };
                m.insert((label.into(), v.into()), Ok(data));
            }
        };
        let full = md(&[(0, 9, OLD_NOT_SUPPORTED), (1, 0, CURRENT)]);
        let full2 = md(&[(0, 9, OLD_NOT_SUPPORTED), (1, 0, CURRENT), (2, 0, NEXT)]);
        standard("cluster-api", &mut m, full.clone(), full2.clone());
        standard("infrastructure-infra1", &mut m, full, full2);
        standard(
            "infrastructure-infra2",
            &mut m,
            md(&[(1, 0, CURRENT)]),
            md(&[(1, 0, CURRENT), (2, 0, NEXT)]),
        );
        standard(
            "infrastructure-infra3",
            &mut m,
            md(&[(1, 0, OLD_SUPPORTED)]),
            md(&[(1, 0, OLD_SUPPORTED), (2, 0, NEXT)]),
        );
        m
    }

    #[test]
    fn upstream_validate_table() {
        use ProviderType::{Core, Infrastructure as Infra};
        let core = |v: &str, ns: &str| entry("cluster-api", Core, v, ns);
        let infra = |n: &str, v: &str, ns: &str| entry(n, Infra, v, ns);
        let cases: Vec<(&str, Vec<InventoryEntry>, Vec<InventoryEntry>, bool)> = vec![
            (
                "install core/current contract + infra1/current contract on an empty cluster",
                vec![],
                vec![
                    core("v1.0.0", "cluster-api-system"),
                    infra("infra1", "v1.0.0", "infra1-system"),
                ],
                false,
            ),
            (
                "install core/current contract + infra3/compatible contract on an empty cluster",
                vec![],
                vec![
                    core("v1.0.0", "cluster-api-system"),
                    infra("infra3", "v1.0.0", "infra3-system"),
                ],
                false,
            ),
            (
                "install infra2/current contract on a cluster already initialized with core/current contract + infra1/current contract",
                vec![
                    core("v1.0.0", "cluster-api-system"),
                    infra("infra1", "v1.0.0", "infra1-system"),
                ],
                vec![infra("infra2", "v1.0.0", "infra2-system")],
                false,
            ),
            (
                "install infra3/compatible contract on a cluster already initialized with core/current contract + infra1/current contract",
                vec![
                    core("v1.0.0", "cluster-api-system"),
                    infra("infra1", "v1.0.0", "infra1-system"),
                ],
                vec![infra("infra3", "v1.0.0", "infra3-system")],
                false,
            ),
            (
                "install another instance of infra1/current contract, same namespace of the existing infra1",
                vec![
                    core("v1.0.0", "cluster-api-system"),
                    infra("infra1", "v1.0.0", "n1"),
                ],
                vec![infra("infra1", "v1.0.0", "n1")],
                true,
            ),
            (
                "install another instance of infra1/current contract, different namespace of the existing infra1",
                vec![
                    core("v1.0.0", "cluster-api-system"),
                    infra("infra1", "v1.0.0", "n1"),
                ],
                vec![infra("infra1", "v1.0.0", "n2")],
                true,
            ),
            (
                "install core/previous contract (not supported) + infra1/previous contract (not supported) on an empty cluster",
                vec![],
                vec![
                    core("v0.9.0", "cluster-api-system"),
                    infra("infra1", "v0.9.0", "infra1-system"),
                ],
                true,
            ),
            (
                "install core/previous contract (not supported) + infra1/current contract on an empty cluster",
                vec![],
                vec![
                    core("v0.9.0", "cluster-api-system"),
                    infra("infra1", "v1.0.0", "infra1-system"),
                ],
                true,
            ),
            (
                "install infra1/previous contract (not supported) on a cluster already initialized with core/current contract",
                vec![core("v1.0.0", "ns1")],
                vec![infra("infra1", "v0.9.0", "infra1-system")],
                true,
            ),
            (
                "install core/next contract (not supported) + infra1/next contract (not supported) on an empty cluster",
                vec![],
                vec![
                    core("v2.0.0", "cluster-api-system"),
                    infra("infra1", "v2.0.0", "infra1-system"),
                ],
                true,
            ),
            (
                "install core/current contract + infra1/next contract (not supported) on an empty cluster",
                vec![],
                vec![
                    core("v1.0.0", "cluster-api-system"),
                    infra("infra1", "v2.0.0", "infra1-system"),
                ],
                true,
            ),
            (
                "install infra1/next contract (not supported) on a cluster already initialized with core/current contract",
                vec![core("v1.0.0", "ns1")],
                vec![infra("infra1", "v2.0.0", "infra1-system")],
                true,
            ),
        ];
        let repos = repositories();
        for (name, existing, queue, want_err) in cases {
            let planned: Vec<PlannedProvider> = queue
                .into_iter()
                .map(|entry| PlannedProvider {
                    entry,
                    objects: &[],
                })
                .collect();
            let result = validate(&existing, &planned, &repos);
            assert_eq!(result.is_err(), want_err, "{name}: {result:?}");
        }
    }

    #[test]
    fn messages_are_clusterctls() {
        let repos = repositories();
        let existing = vec![
            entry(
                "cluster-api",
                ProviderType::Core,
                "v1.0.0",
                "cluster-api-system",
            ),
            entry("infra1", ProviderType::Infrastructure, "v1.0.0", "n1"),
        ];
        let planned = [PlannedProvider {
            entry: entry("infra1", ProviderType::Infrastructure, "v1.0.0", "n2"),
            objects: &[],
        }];
        assert_eq!(
            validate(&existing, &planned, &repos)
                .unwrap_err()
                .to_string(),
            "installing provider \"infrastructure-infra1\" can lead to a non functioning management cluster: there is already an instance of the \"infrastructure-infra1\" provider installed in the \"n1\" namespace"
        );
        let planned = [PlannedProvider {
            entry: entry(
                "infra1",
                ProviderType::Infrastructure,
                "v2.0.0",
                "infra1-system",
            ),
            objects: &[],
        }];
        assert_eq!(
            validate(&existing[..1], &planned, &repos)
                .unwrap_err()
                .to_string(),
            "current version of clusterctl is only compatible with providers implementing the v1beta2, v1beta1 contract versions, detected contract version v99 for provider infrastructure-infra1"
        );
        assert_eq!(
            validate(&[], &[], &repos).unwrap_err().to_string(),
            "invalid management cluster: there must be one core provider, found 0"
        );
        let mut repos = repos;
        repos.insert(
            ("infrastructure-infra1".into(), "v1.0.0".into()),
            Ok(md(&[(1, 1, CURRENT), (1, 2, CURRENT)])),
        );
        let planned = [PlannedProvider {
            entry: entry(
                "infra1",
                ProviderType::Infrastructure,
                "v1.0.0",
                "infra1-system",
            ),
            objects: &[],
        }];
        assert_eq!(
            validate(&existing[..1], &planned, &repos)
                .unwrap_err()
                .to_string(),
            "invalid provider metadata: version v1.0.0 for the provider infra1-system/infrastructure-infra1 does not match any release series. Available series: [1.1, 1.2]. This usually means the release tag lacks an updated metadata.yaml or the repository URL is stale."
        );
    }

    #[test]
    fn a_core_on_an_older_contract_limits_the_others() {
        let mut repos = MetadataByVersion::new();
        repos.insert(
            ("cluster-api".into(), "v1.0.0".into()),
            Ok(md(&[(1, 0, OLD_SUPPORTED)])),
        );
        repos.insert(
            ("infrastructure-a".into(), "v1.0.0".into()),
            Ok(md(&[(1, 0, CURRENT)])),
        );
        let planned = [
            PlannedProvider {
                entry: entry("cluster-api", ProviderType::Core, "v1.0.0", "c"),
                objects: &[],
            },
            PlannedProvider {
                entry: entry("a", ProviderType::Infrastructure, "v1.0.0", "a"),
                objects: &[],
            },
        ];
        assert_eq!(
            validate(&[], &planned, &repos).unwrap_err().to_string(),
            "installing provider \"infrastructure-a\" could lead to a non functioning management cluster: the target version for the provider implements the v1beta2 contract version, while the core provider is compatible with v1beta1 contract versions"
        );
    }

    fn crd(name: &str, annotations: Value) -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": name, "annotations": annotations},
               "spec": {"group": "cluster.x-k8s.io", "names": {"kind": "ClusterClass"}}})
    }

    /// Upstream `Test_providerInstaller_ValidateCRDName`.
    #[test]
    fn crd_names() {
        assert!(validate_crd_name(&crd("clusterclasses.cluster.x-k8s.io", json!({}))).is_ok());
        let err = validate_crd_name(&crd("clusterclass.cluster.x-k8s.io", json!({}))).unwrap_err();
        assert!(err.to_string().starts_with(
            "ERROR: CRD name \"clusterclass.cluster.x-k8s.io\" is invalid for a CRD referenced in a core Cluster API CRD,it should be \"clusterclasses.cluster.x-k8s.io\". "
        ), "{err}");
        assert!(
            validate_crd_name(&crd(
                "clusterclass.cluster.x-k8s.io",
                json!({SKIP_CRD_NAME_PREFLIGHT_CHECK_ANNOTATION: ""})
            ))
            .is_ok()
        );
    }
}
