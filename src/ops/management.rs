//! The management cluster as `generate cluster` uses it: only to discover defaults (the
//! infrastructure provider and its version, from the inventory) and whether Cluster API is
//! installed, connecting lazily so that commands given everything never touch it.

use tokio::sync::OnceCell;

use crate::Client;
use crate::cluster::ManagementCluster;
use crate::cluster::inventory;
use crate::cluster::kubeconfig::{KubeconfigSelector, LoadedKubeconfig};
use crate::error::Error;
use crate::ops::generate::error::GenerateError;
use crate::provider::ProviderType;

/// The management cluster as `generate cluster` uses it: only when a default has to be
/// discovered, and connected lazily.
pub(crate) struct Management<'a> {
    client: &'a Client,
    selector: &'a KubeconfigSelector,
    pub(crate) kubeconfig: LoadedKubeconfig,
    /// One connection for every question of the run, made on the first.
    cluster: OnceCell<ManagementCluster>,
}

impl<'a> Management<'a> {
    pub(crate) fn new(
        client: &'a Client,
        selector: &'a KubeconfigSelector,
        kubeconfig: LoadedKubeconfig,
    ) -> Self {
        Management {
            client,
            selector,
            kubeconfig,
            cluster: OnceCell::new(),
        }
    }

    /// clusterctl's `CheckClusterAvailable`: a kubeconfig to build a client from.
    fn available(&self) -> Result<(), Error> {
        Ok(self.kubeconfig.check_usable(self.selector)?)
    }

    /// The connection, made once from the kubeconfig already loaded.
    pub(crate) async fn connect(&self) -> Result<ManagementCluster, Error> {
        let cluster = self
            .cluster
            .get_or_try_init(|| ManagementCluster::connect_loaded(&self.kubeconfig, self.selector))
            .await?;
        Ok(cluster.clone())
    }

    /// The single infrastructure provider of the inventory.
    pub(crate) async fn default_infrastructure(&self) -> Result<String, Error> {
        self.available().map_err(|e| {
            e.context("management cluster not available. Cannot auto-discover default infrastructure provider. Please specify an infrastructure provider")
        })?;
        let cluster = self.connect().await?;
        cluster
            .ensure_inventory_crd(self.client.cluster_topology())
            .await
            .map_err(|e| {
                Error::from(e)
                    .context("provider custom resource definitions (CRDs) are not installed")
            })?;
        let inventory = cluster.list_providers().await?;
        inventory::default_provider_name(&inventory, ProviderType::Infrastructure)
            .ok_or_else(|| GenerateError::NoDefaultInfrastructure.into())
    }

    /// The installed version of the infrastructure provider `name`.
    pub(crate) async fn installed_version(&self, name: &str) -> Result<String, Error> {
        self.available().map_err(|e| {
            e.context(format!(
                "management cluster not available. Cannot auto-discover version for the provider {name:?} automatically. Please specify a version"
            ))
        })?;
        let cluster = self.connect().await?;
        cluster
            .ensure_inventory_crd(self.client.cluster_topology())
            .await.map_err(|e| {
            Error::from(e).context(format!(
                "failed to identify the default version for the provider {name:?}. Please specify a version"
            ))
        })?;
        let inventory = cluster.list_providers().await?;
        inventory::provider_version(&inventory, name, ProviderType::Infrastructure).ok_or_else(
            || {
                GenerateError::NoInstalledVersion {
                    provider: name.to_string(),
                }
                .into()
            },
        )
    }

    /// The cluster, when it is reachable and has Cluster API installed.
    pub(crate) async fn initialized(&self) -> Result<Option<ManagementCluster>, Error> {
        if self.available().is_err() {
            return Ok(None);
        }
        let cluster = self.connect().await?;
        let installed = cluster
            .capi_installed()
            .await
            .map_err(|e| Error::from(e).context("failed to check if the cluster is initialized"))?;
        Ok(installed.then_some(cluster))
    }
}
