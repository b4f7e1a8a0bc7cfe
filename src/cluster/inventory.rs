//! The provider inventory: clusterctl's CRD `providers.clusterctl.cluster.x-k8s.io` (v1alpha3)
//! and its `Provider` objects, one per installed provider instance, plus the checks clusterctl
//! makes on the Cluster API CRDs (contract, installed or not).

use serde_json::Value;

use super::apply::ApplyJob;
use super::connect::ManagementCluster;
use super::crd_wait::as_applied;
use super::error::{ApiFailure, ClusterError, FailureKind};
use super::objects::ObjectRef;
use crate::object;
use crate::progress::NoProgress;
use crate::provider::{self, CLUSTERCTL_CORE_LABEL, CORE_LABEL_INVENTORY, ProviderType};

/// The inventory CRD's name.
pub const INVENTORY_CRD_NAME: &str = "providers.clusterctl.cluster.x-k8s.io";
/// `apiVersion` of inventory objects.
pub const INVENTORY_API_VERSION: &str = "clusterctl.cluster.x-k8s.io/v1alpha3";
/// Marks an inventory entry written before its provider's objects: the install of that version
/// is not complete yet, and the next `init` completes it. Removed when the install finishes, so
/// a finished entry is exactly what clusterctl writes.
pub const INSTALLING_ANNOTATION: &str = "capictl.cluster.x-k8s.io/installing";
/// The Cluster API CRD whose storage version tells the management cluster's contract.
pub const CLUSTER_CRD_NAME: &str = "clusters.cluster.x-k8s.io";

/// clusterctl's manifest of the inventory CRD (`cmd/clusterctl/config/manifest/clusterctl-api.yaml`).
pub const INVENTORY_CRD_MANIFEST: &str = include_str!("assets/clusterctl-api.yaml");

/// One inventory entry (`Provider` object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryEntry {
    /// Object name (the manifest label).
    pub name: String,
    /// Namespace the provider is installed in.
    pub namespace: String,
    /// `providerName` (`docker`).
    pub provider_name: String,
    /// `type` as written (`InfrastructureProvider`).
    pub type_name: String,
    /// `version`.
    pub version: String,
    /// True while capictl is still installing this version (see [`INSTALLING_ANNOTATION`]).
    pub installing: bool,
}

impl InventoryEntry {
    /// Reads an entry from a `Provider` object.
    pub fn from_object(obj: &Value) -> InventoryEntry {
        let field = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        InventoryEntry {
            name: object::name(obj).to_string(),
            namespace: object::namespace(obj).to_string(),
            provider_name: field("providerName"),
            type_name: field("type"),
            version: field("version"),
            installing: object::annotation(obj, INSTALLING_ANNOTATION).is_some(),
        }
    }

    /// The provider type, if it is one of the seven.
    pub fn provider_type(&self) -> Option<ProviderType> {
        self.type_name.parse().ok()
    }

    /// The manifest label (`infrastructure-docker`).
    pub fn manifest_label(&self) -> String {
        match self.provider_type() {
            Some(t) => provider::manifest_label(&self.provider_name, t),
            None => self.provider_name.clone(),
        }
    }

    /// The entry as clusterctl logs an object reference (`klog.KObj` marshalled to JSON).
    pub fn log_ref(&self) -> String {
        serde_json::json!({"name": self.name, "namespace": self.namespace}).to_string()
    }

    /// clusterctl's instance name, `namespace/label`.
    pub fn instance_name(&self) -> String {
        format!("{}/{}", self.namespace, self.manifest_label())
    }
}

/// The single provider name of a type in the inventory, if exactly one (clusterctl's
/// `GetDefaultProviderName`).
pub fn default_provider_name(entries: &[InventoryEntry], t: ProviderType) -> Option<String> {
    let mut names: Vec<&str> = entries
        .iter()
        .filter(|e| e.provider_type() == Some(t))
        .map(|e| e.provider_name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    (names.len() == 1).then(|| names[0].to_string())
}

/// The single installed version of a provider, if exactly one (`GetProviderVersion`).
pub fn provider_version(entries: &[InventoryEntry], name: &str, t: ProviderType) -> Option<String> {
    let mut versions: Vec<&str> = entries
        .iter()
        .filter(|e| e.provider_type() == Some(t) && e.provider_name == name)
        .map(|e| e.version.as_str())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    (versions.len() == 1).then(|| versions[0].to_string())
}

/// Which Cluster API states [`ManagementCluster::check_capi_contract`] accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContractCheck {
    /// Cluster API not installed at all is fine (init, generate).
    pub allow_not_installed: bool,
    /// Any contract is fine (only "installed" matters).
    pub allow_any_contract: bool,
    /// A contract accepted besides the current one (`upgrade` moves clusters off v1beta1).
    pub also_allow: Option<&'static str>,
}

/// The inventory CRD as [`ManagementCluster::start_inventory_crd`] left it.
#[derive(Debug)]
#[must_use = "a created CRD must be waited for with finish_inventory_crd"]
pub enum InventoryCrd {
    /// It was installed before this run: the inventory may hold entries.
    Existing,
    /// This run created it (as applied, with the live metadata): the inventory is empty, and
    /// the CRD may not be Established yet.
    Created(Value),
}

impl InventoryCrd {
    /// Whether this run created the CRD, so that the inventory is known to be empty.
    pub fn created(&self) -> bool {
        matches!(self, InventoryCrd::Created(_))
    }
}

impl ManagementCluster {
    /// clusterctl's `EnsureCustomResourceDefinitions`: checks the server version, then installs
    /// the inventory CRD (labelled `clusterctl.cluster.x-k8s.io/core: inventory`) if missing and
    /// waits until it is Established. An existing CRD must define v1alpha3.
    pub async fn ensure_inventory_crd(&self, cluster_topology: bool) -> Result<(), ClusterError> {
        let crd = self.start_inventory_crd(cluster_topology).await?;
        self.finish_inventory_crd(crd).await
    }

    /// The first half of [`ManagementCluster::ensure_inventory_crd`]: the checks, and the CRD
    /// applied when missing but not yet waited for. `init` uses the time the API server needs to
    /// establish it: a CRD this run created means an empty inventory, nothing to list.
    pub async fn start_inventory_crd(
        &self,
        cluster_topology: bool,
    ) -> Result<InventoryCrd, ClusterError> {
        self.check_server_version(cluster_topology).await?;
        let existing = self
            .get(&ObjectRef::crd(INVENTORY_CRD_NAME))
            .await
            .map_err(|e| e.context("failed to check if the clusterctl inventory CRD exists"))?;
        if let Some(crd) = existing {
            let has_version = object::get_path(&crd, &["spec", "versions"])
                .and_then(Value::as_array)
                .is_some_and(|vs| {
                    vs.iter()
                        .any(|v| v.get("name").and_then(Value::as_str) == Some("v1alpha3"))
                });
            return if has_version {
                Ok(InventoryCrd::Existing)
            } else {
                Err(ClusterError::InventoryCrdVersion)
            };
        }
        tracing::debug!("Installing the clusterctl inventory CRD");
        let mut crd = inventory_crd();
        object::string_map_mut(&mut crd, "labels").insert(
            CLUSTERCTL_CORE_LABEL.into(),
            Value::String(CORE_LABEL_INVENTORY.into()),
        );
        let job = ApplyJob {
            subject: "inventory",
            error_prefix: "failed to create clusterctl inventory CRDs component:",
            progress: &NoProgress,
        };
        self.learn_crd(&crd);
        let live = self.apply_object(&crd, &job).await?;
        Ok(InventoryCrd::Created(as_applied(&crd, live)))
    }

    /// The second half of [`ManagementCluster::ensure_inventory_crd`]: waits until a CRD this
    /// run created is Established.
    pub async fn finish_inventory_crd(&self, crd: InventoryCrd) -> Result<(), ClusterError> {
        match crd {
            InventoryCrd::Existing => Ok(()),
            InventoryCrd::Created(live) => self
                .wait_crd_established(INVENTORY_CRD_NAME, live)
                .await
                .map_err(|e| {
                    e.context(format!(
                        "failed to create clusterctl inventory CRDs component: {}",
                        ObjectRef::crd(INVENTORY_CRD_NAME).describe()
                    ))
                }),
        }
    }

    /// Every inventory entry. An inventory CRD that is not installed means no entries.
    pub async fn list_providers(&self) -> Result<Vec<InventoryEntry>, ClusterError> {
        self.learn_crd(&inventory_crd());
        match self.list(INVENTORY_API_VERSION, "Provider", "", "").await {
            Ok(items) => Ok(items.iter().map(InventoryEntry::from_object).collect()),
            Err(e)
                if e.failure()
                    .is_some_and(|f| f.kind == FailureKind::ResourceTypeMissing) =>
            {
                Ok(Vec::new())
            }
            Err(e) => Err(e.context("failed get providers")),
        }
    }

    /// Writes an inventory entry (the object of `Components::inventory_object`). With
    /// `installing`, the entry carries [`INSTALLING_ANNOTATION`]; writing it again without
    /// removes the annotation.
    pub async fn write_inventory_entry(
        &self,
        entry: &Value,
        installing: bool,
    ) -> Result<(), ClusterError> {
        let mut obj = entry.clone();
        if installing {
            let version = obj.get("version").cloned().unwrap_or(Value::Null);
            object::string_map_mut(&mut obj, "annotations")
                .insert(INSTALLING_ANNOTATION.into(), version);
        }
        self.learn_crd(&inventory_crd());
        self.apply_object(
            &obj,
            &ApplyJob {
                subject: "inventory",
                error_prefix: "failed to create provider object",
                progress: &NoProgress,
            },
        )
        .await
        .map(|_| ())
    }

    /// clusterctl's `CheckCAPIContract`: the storage version of `clusters.cluster.x-k8s.io`
    /// must be the current contract (v1beta2).
    pub async fn check_capi_contract(&self, check: ContractCheck) -> Result<(), ClusterError> {
        let crd = self
            .get(&ObjectRef::crd(CLUSTER_CRD_NAME))
            .await
            .map_err(|e| e.context("failed to check Cluster API version"))?;
        let Some(crd) = crd else {
            if check.allow_not_installed {
                return Ok(());
            }
            return Err(capi_not_installed());
        };
        if check.allow_any_contract {
            return Ok(());
        }
        match super::storage_version(&crd) {
            Some(name)
                if name == crate::provider::CURRENT_CONTRACT
                    || check.also_allow == Some(name.as_str()) =>
            {
                Ok(())
            }
            Some(name) => Err(ClusterError::ContractMismatch {
                expected: crate::provider::CURRENT_CONTRACT.into(),
                detected: name,
            }),
            None => Err(ClusterError::ContractUnknown),
        }
    }

    /// clusterctl's `CheckCAPIInstalled`: whether the Cluster CRD exists.
    pub async fn capi_installed(&self) -> Result<bool, ClusterError> {
        match self
            .check_capi_contract(ContractCheck {
                allow_not_installed: false,
                allow_any_contract: true,
                also_allow: None,
            })
            .await
        {
            Ok(()) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// The error clusterctl reports when Cluster API is not installed.
fn capi_not_installed() -> ClusterError {
    ClusterError::Api {
        action: "failed to check Cluster API version".into(),
        failure: ApiFailure {
            message: format!(
                "customresourcedefinitions.apiextensions.k8s.io {CLUSTER_CRD_NAME:?} not found"
            ),
            code: Some(404),
            kind: FailureKind::NotFound,
        },
    }
}

fn inventory_crd() -> Value {
    crate::yaml::parse_documents(INVENTORY_CRD_MANIFEST)
        .ok()
        .and_then(|d| d.into_iter().next())
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(name: &str, t: &str, ns: &str, version: &str) -> InventoryEntry {
        InventoryEntry::from_object(&json!({
            "metadata": {"name": "x", "namespace": ns},
            "providerName": name, "type": t, "version": version,
        }))
    }

    #[test]
    fn defaults_need_a_single_provider() {
        let entries = vec![
            entry("cluster-api", "CoreProvider", "capi-system", "v1.13.5"),
            entry("docker", "InfrastructureProvider", "capd-system", "v1.13.5"),
            entry("docker", "InfrastructureProvider", "other", "v1.12.4"),
        ];
        assert_eq!(
            default_provider_name(&entries, ProviderType::Infrastructure).as_deref(),
            Some("docker")
        );
        assert_eq!(
            default_provider_name(&entries, ProviderType::Bootstrap),
            None
        );
        assert_eq!(
            provider_version(&entries, "docker", ProviderType::Infrastructure),
            None
        );
        assert_eq!(
            provider_version(&entries, "cluster-api", ProviderType::Core).as_deref(),
            Some("v1.13.5")
        );
        assert_eq!(
            entries[1].instance_name(),
            "capd-system/infrastructure-docker"
        );
    }

    #[test]
    fn the_embedded_crd_is_clusterctls() {
        let crd = inventory_crd();
        assert_eq!(object::name(&crd), INVENTORY_CRD_NAME);
        assert_eq!(crd["spec"]["versions"][0]["name"], "v1alpha3");
    }
}
