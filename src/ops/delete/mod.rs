//! `delete`: removing providers from a management cluster (clusterctl's `Delete`). Which
//! objects go is decided by [`objects_to_delete`], a pure function over the labelled objects
//! of the provider, so the whole matrix of options is tested without a cluster.

pub(crate) mod error;

use serde_json::Value;

pub use error::{DeleteError, ObjectFailure};

use crate::Client;
use crate::cluster::inventory::{ContractCheck, InventoryEntry};
use crate::cluster::{ManagementCluster, ObjectRef};
use crate::error::Error;
use crate::object;
use crate::provider::{
    CLUSTERCTL_LABEL, PROVIDER_NAME_LABEL, ProviderRef, ProviderSelection, manifest_label,
};

/// What to delete and how far (`delete`'s flags).
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// The management cluster.
    pub kubeconfig: crate::KubeconfigSelector,
    /// `name[:version]` per type (`--core`, `--infrastructure`, ...).
    pub providers: ProviderSelection,
    /// `--all`: every provider of the inventory.
    pub all: bool,
    /// `--include-namespace`: delete each provider's namespace too.
    pub include_namespace: bool,
    /// `--include-crd`: delete the provider's CRDs (and so every object of their kinds).
    pub include_crd: bool,
}

/// What [`objects_to_delete`] keeps and removes for one provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeleteScope {
    /// Delete the provider's namespace.
    pub include_namespace: bool,
    /// Delete the provider's CRDs.
    pub include_crd: bool,
    /// Keep the inventory entry (an upgrade replaces the provider's objects in place).
    pub skip_inventory: bool,
}

/// The provider's labelled objects that go, per clusterctl's rules: CRDs only with
/// `include_crd`; its own namespace only with `include_namespace` (then nothing inside it is
/// deleted one by one); other labelled namespaces never; the inventory entry unless
/// `skip_inventory`; webhook configurations always; other cluster-scoped objects only when
/// their name starts with `<namespace>-`.
pub fn objects_to_delete<'a>(
    objects: &'a [Value],
    namespace: &str,
    scope: DeleteScope,
) -> Vec<&'a Value> {
    let prefix = format!("{namespace}-");
    let deleting_namespace = scope.include_namespace
        && objects
            .iter()
            .any(|o| object::kind(o) == "Namespace" && object::name(o) == namespace);
    objects
        .iter()
        .filter(|o| {
            let kind = object::kind(o);
            match kind {
                "CustomResourceDefinition" => scope.include_crd,
                "Namespace" => scope.include_namespace && object::name(o) == namespace,
                "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => true,
                "Provider" if object::api_group(o) == "clusterctl.cluster.x-k8s.io" => {
                    !(scope.skip_inventory
                        || (deleting_namespace && object::namespace(o) == namespace))
                }
                _ if object::is_cluster_scoped_kind(kind) => object::name(o).starts_with(&prefix),
                _ => !(deleting_namespace && object::namespace(o) == namespace),
            }
        })
        .collect()
}

impl DeleteOptions {
    /// clusterctl's flag validation: `--all` or provider flags, not both, not neither.
    pub fn validate(&self) -> Result<(), DeleteError> {
        let named = !self.providers.is_empty();
        match (self.all, named) {
            (true, true) => Err(DeleteError::AllWithProviders),
            (false, false) => Err(DeleteError::NothingSelected),
            _ => Ok(()),
        }
    }
}

impl Client {
    /// The inventory entries `delete` would remove with these options, without changing
    /// anything (what the CLI shows before asking for confirmation).
    pub async fn delete_selection(
        &self,
        options: &DeleteOptions,
    ) -> Result<Vec<InventoryEntry>, Error> {
        options.validate()?;
        let cluster = self.delete_cluster(options).await?;
        let inventory = cluster.list_providers().await?;
        select_providers(options, &inventory)
    }

    async fn delete_cluster(&self, options: &DeleteOptions) -> Result<ManagementCluster, Error> {
        let cluster = ManagementCluster::connect(&options.kubeconfig, self.config().env()).await?;
        cluster
            .check_capi_contract(ContractCheck {
                allow_not_installed: false,
                allow_any_contract: false,
                also_allow: None,
            })
            .await?;
        cluster
            .ensure_inventory_crd(self.cluster_topology())
            .await?;
        Ok(cluster)
    }

    /// Deletes providers (`clusterctl delete`). Returns the inventory entries removed.
    pub async fn delete(&self, options: DeleteOptions) -> Result<Vec<InventoryEntry>, Error> {
        options.validate()?;
        let cluster = self.delete_cluster(&options).await?;
        let inventory = cluster.list_providers().await?;
        let selected = select_providers(&options, &inventory)?;
        if options.include_crd {
            let mut problems = Vec::new();
            for provider in &selected {
                if let Err(e) = check_no_custom_resources(&cluster, provider).await {
                    problems.push(e.to_string());
                }
            }
            if !problems.is_empty() {
                return Err(DeleteError::CustomResourcesRemain { problems }.into());
            }
        }
        let scope = DeleteScope {
            include_namespace: options.include_namespace,
            include_crd: options.include_crd,
            skip_inventory: false,
        };
        for provider in &selected {
            delete_provider(&cluster, provider, scope).await?;
        }
        Ok(selected)
    }
}

/// The inventory entries `options` names: all of them, or one per flag, found by name and type
/// (and version, when given).
fn select_providers(
    options: &DeleteOptions,
    inventory: &[InventoryEntry],
) -> Result<Vec<InventoryEntry>, Error> {
    if options.all {
        return Ok(inventory.to_vec());
    }
    let mut selected = Vec::new();
    for (provider_type, text) in options.providers.iter() {
        let reference: ProviderRef = text.parse()?;
        let matching: Vec<&InventoryEntry> = inventory
            .iter()
            .filter(|e| {
                e.provider_name == reference.name && e.provider_type() == Some(provider_type)
            })
            .collect();
        let namespaces: std::collections::BTreeSet<&str> =
            matching.iter().map(|e| e.namespace.as_str()).collect();
        if namespaces.len() != 1 {
            return Err(DeleteError::NamespaceUnknown {
                provider: reference.name,
            }
            .into());
        }
        let entry = matching[0];
        if let Some(version) = &reference.version {
            let versions: std::collections::BTreeSet<&str> =
                matching.iter().map(|e| e.version.as_str()).collect();
            if versions.len() != 1 || !versions.contains(version.as_str()) {
                return Err(DeleteError::VersionUnknown {
                    provider: reference.name.clone(),
                    version: version.clone(),
                }
                .into());
            }
        }
        if entry.manifest_label() != manifest_label(&reference.name, provider_type) {
            return Err(DeleteError::NamespaceUnknown {
                provider: reference.name,
            }
            .into());
        }
        selected.push(entry.clone());
    }
    Ok(selected)
}

/// `--include-crd` safety: none of the provider's CRDs may still have objects.
async fn check_no_custom_resources(
    cluster: &ManagementCluster,
    provider: &InventoryEntry,
) -> Result<(), Error> {
    let label = provider.manifest_label();
    tracing::info!(json.Provider = %provider.log_ref(), provider_version = %provider.version, "Checking for CRs");
    let selector = format!("{CLUSTERCTL_LABEL},{PROVIDER_NAME_LABEL}={label}");
    let crds = cluster
        .list(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "",
            &selector,
        )
        .await?;
    let mut with_objects = Vec::new();
    for crd in &crds {
        let (group, kind) = object::crd_group_kind(crd);
        let storage = crate::cluster::storage_version(crd).unwrap_or_default();
        cluster.learn_crd(crd);
        let objects = cluster
            .list(&format!("{group}/{storage}"), kind, "", "")
            .await?;
        if !objects.is_empty() {
            with_objects.push(format!("{kind} ({} objects)", objects.len()));
        }
    }
    if with_objects.is_empty() {
        return Ok(());
    }
    Err(DeleteError::CustomResourcesExist {
        label,
        kinds: with_objects,
    }
    .into())
}

/// Deletes one provider's objects (clusterctl's `providerComponents.Delete`).
pub async fn delete_provider(
    cluster: &ManagementCluster,
    provider: &InventoryEntry,
    scope: DeleteScope,
) -> Result<(), Error> {
    tracing::info!(json.Provider = %provider.log_ref(), provider_version = %provider.version, "Deleting");
    let label = provider.manifest_label();
    let objects = cluster
        .list_labelled(
            &[(CLUSTERCTL_LABEL, ""), (PROVIDER_NAME_LABEL, &label)],
            std::slice::from_ref(&provider.namespace),
        )
        .await?;
    let doomed = objects_to_delete(&objects, &provider.namespace, scope);
    let mut failures = Vec::new();
    for obj in doomed {
        let r = ObjectRef::of(obj);
        tracing::trace!(kind = %r.kind, namespace = %r.namespace, name = %r.name, "Deleting");
        if let Err(error) = cluster.delete(&r).await {
            failures.push(ObjectFailure {
                object: r.describe(),
                error,
            });
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(DeleteError::ObjectsNotDeleted { failures }.into())
    }
}

#[cfg(test)]
mod tests {
    use crate::provider::ProviderType;
    use serde_json::json;

    use super::*;

    fn objects() -> Vec<Value> {
        let labels = json!({PROVIDER_NAME_LABEL: "infrastructure-infra"});
        vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns1", "labels": labels}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "ns1", "name": "pod1", "labels": labels}}),
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "crd1", "labels": labels}}),
            json!({"apiVersion": "clusterctl.cluster.x-k8s.io/v1alpha3", "kind": "Provider", "metadata": {"namespace": "ns1", "name": "providerOne", "labels": labels}}),
            json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration", "metadata": {"name": "mwh1", "labels": labels}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "ns1-cluster-role", "labels": labels}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "some-cluster-role", "labels": labels}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other", "labels": labels}}),
        ]
    }

    fn names(objs: &[&Value]) -> Vec<String> {
        objs.iter()
            .map(|o| format!("{}/{}", object::kind(o), object::name(o)))
            .collect()
    }

    // The matrix of cmd/clusterctl/client/cluster/components_test.go (Test_providerComponents_Delete):
    // objects listed here are the labelled ones ListResources returns; unlabelled objects and
    // objects in other namespaces never reach the filter.
    #[test]
    fn delete_matrix() {
        let objs = objects();
        let cases = [
            (
                "keep namespace, CRDs and inventory",
                DeleteScope {
                    include_namespace: false,
                    include_crd: false,
                    skip_inventory: true,
                },
                vec![
                    "Pod/pod1",
                    "MutatingWebhookConfiguration/mwh1",
                    "ClusterRole/ns1-cluster-role",
                ],
            ),
            (
                "delete the namespace (and so what it contains), keep CRDs and inventory",
                DeleteScope {
                    include_namespace: true,
                    include_crd: false,
                    skip_inventory: true,
                },
                vec![
                    "Namespace/ns1",
                    "MutatingWebhookConfiguration/mwh1",
                    "ClusterRole/ns1-cluster-role",
                ],
            ),
            (
                "delete CRDs, keep namespace and inventory",
                DeleteScope {
                    include_namespace: false,
                    include_crd: true,
                    skip_inventory: true,
                },
                vec![
                    "Pod/pod1",
                    "CustomResourceDefinition/crd1",
                    "MutatingWebhookConfiguration/mwh1",
                    "ClusterRole/ns1-cluster-role",
                ],
            ),
            (
                "delete everything",
                DeleteScope {
                    include_namespace: true,
                    include_crd: true,
                    skip_inventory: false,
                },
                vec![
                    "Namespace/ns1",
                    "CustomResourceDefinition/crd1",
                    "MutatingWebhookConfiguration/mwh1",
                    "ClusterRole/ns1-cluster-role",
                ],
            ),
            (
                "default delete: the inventory entry goes",
                DeleteScope {
                    include_namespace: false,
                    include_crd: false,
                    skip_inventory: false,
                },
                vec![
                    "Pod/pod1",
                    "Provider/providerOne",
                    "MutatingWebhookConfiguration/mwh1",
                    "ClusterRole/ns1-cluster-role",
                ],
            ),
        ];
        for (name, scope, want) in cases {
            assert_eq!(
                names(&objects_to_delete(&objs, "ns1", scope)),
                want,
                "{name}"
            );
        }
    }

    fn entry(name: &str, t: ProviderType, ns: &str, version: &str) -> InventoryEntry {
        InventoryEntry::from_object(&json!({
            "apiVersion": "clusterctl.cluster.x-k8s.io/v1alpha3", "kind": "Provider",
            "metadata": {"name": manifest_label(name, t), "namespace": ns},
            "providerName": name, "type": t.as_str(), "version": version,
        }))
    }

    #[test]
    fn selection_by_flags() {
        let inventory = vec![
            entry("cluster-api", ProviderType::Core, "capi-system", "v1.13.5"),
            entry(
                "docker",
                ProviderType::Infrastructure,
                "capd-system",
                "v1.13.5",
            ),
        ];
        let options = |providers: Vec<(ProviderType, &str)>, all| DeleteOptions {
            providers: providers
                .into_iter()
                .map(|(t, s)| (t, s.to_string()))
                .collect(),
            all,
            ..DeleteOptions::default()
        };
        assert_eq!(
            select_providers(&options(vec![], true), &inventory)
                .unwrap()
                .len(),
            2
        );
        let one = select_providers(
            &options(
                vec![(ProviderType::Infrastructure, "docker:v1.13.5")],
                false,
            ),
            &inventory,
        )
        .unwrap();
        assert_eq!(one[0].namespace, "capd-system");
        let err = select_providers(
            &options(vec![(ProviderType::Infrastructure, "aws")], false),
            &inventory,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to identify the namespace for the \"aws\" provider"
        );
        let err = select_providers(
            &options(
                vec![(ProviderType::Infrastructure, "docker:v1.12.4")],
                false,
            ),
            &inventory,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to identify the provider \"docker\" with version \"v1.12.4\""
        );
        let err = select_providers(
            &options(vec![(ProviderType::Bootstrap, "docker")], false),
            &inventory,
        )
        .unwrap_err();
        assert!(err.to_string().contains("failed to identify the namespace"));
    }
}
