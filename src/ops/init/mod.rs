//! `init` and `init list-images`: turning a Kubernetes cluster into a management cluster.
//!
//! The sequence is clusterctl's (`cmd/clusterctl/client/init.go`): inventory CRD and contract
//! checks, default providers on the first run, fetching every provider (concurrently here),
//! skipping what is already installed, validation, cert-manager, then each provider in type
//! order. The inventory entries of all planned providers are written *before* any object,
//! marked as installing, so that no object carries provider labels the inventory does not
//! account for, and a run that stops half-way is completed by the next one.

mod plan;
pub(crate) mod validate;

use std::time::Duration;

use serde_json::Value;

use plan::{
    Requested, add_default_providers, already_installed, requested_providers, resume_interrupted,
    without_resumed,
};
pub use validate::{
    MetadataByVersion, PlannedProvider, SKIP_CRD_NAME_PREFLIGHT_CHECK_ANNOTATION, ValidationError,
    provider_contract, validate, validate_crd_name,
};

use crate::Client;
use crate::cluster::inventory::{ContractCheck, InventoryEntry};
use crate::cluster::wait::is_deployment_with_manager;
use crate::cluster::{ApplyJob, ClusterError, ManagementCluster};
use crate::components::{Components, ComponentsError, ComponentsOptions};
use crate::config::ProviderConfig;
use crate::error::{Error, ResultExt};
use crate::object;
use crate::progress::{Progress, ProgressEvent};
use crate::provider::{ProviderRef, ProviderSelection, ProviderType};
use crate::repository::ProviderRepository;

/// The provider name that means "none" (`--bootstrap -`).
pub const NOOP_PROVIDER: &str = "-";
/// The default of `--wait-provider-timeout`.
pub const DEFAULT_WAIT_PROVIDER_TIMEOUT: Duration = Duration::from_secs(300);

/// Options of [`Client::init`] and [`Client::init_images`]; the flags of `init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The management cluster.
    pub kubeconfig: crate::KubeconfigSelector,
    /// The provider flags, each `name[:version]` (`-` for none of a type).
    pub providers: ProviderSelection,
    /// `--target-namespace`: one namespace for every provider of this run.
    pub target_namespace: Option<String>,
    /// `--wait-providers`.
    pub wait_providers: bool,
    /// `--wait-provider-timeout`, per Deployment.
    pub wait_provider_timeout: Duration,
    /// `--validate`; when false, validation errors are logged and ignored.
    pub validate: bool,
    /// Log how to create a first workload cluster after a first run.
    pub log_usage_instructions: bool,
}

impl InitOptions {
    /// The provider flags as `(type, name[:version])`, in clusterctl's order.
    pub fn provider_refs(&self) -> Vec<(ProviderType, &str)> {
        self.providers.iter().collect()
    }
}

impl Default for InitOptions {
    fn default() -> InitOptions {
        InitOptions {
            kubeconfig: crate::KubeconfigSelector::default(),
            providers: ProviderSelection::default(),
            target_namespace: None,
            wait_providers: false,
            wait_provider_timeout: DEFAULT_WAIT_PROVIDER_TIMEOUT,
            validate: true,
            log_usage_instructions: false,
        }
    }
}

/// One provider installed by `init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledProvider {
    /// Manifest label (`infrastructure-docker`).
    pub label: String,
    /// Version.
    pub version: String,
    /// Namespace.
    pub namespace: String,
}

/// What [`Client::init`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    /// Providers installed by this run, in install order (empty on a no-op re-run).
    pub installed: Vec<InstalledProvider>,
    /// True when the cluster had no core provider before.
    pub first_run: bool,
    /// HTTP requests sent to the API server.
    pub api_requests: u64,
}

/// A provider fetched for installation: processed components and the metadata of its version.
struct Fetched {
    components: Components,
    metadata: Result<crate::repository::Metadata, String>,
}

impl Client {
    /// Initializes a management cluster (`clusterctl init`).
    pub async fn init(
        &self,
        mut options: InitOptions,
        progress: &dyn Progress,
    ) -> Result<InitReport, Error> {
        let cluster = ManagementCluster::connect(&options.kubeconfig, self.config().env()).await?;
        // While the API server establishes a freshly created inventory CRD, the contract is
        // checked and the providers are fetched: an inventory this run created is empty.
        let inventory_crd = cluster.start_inventory_crd(self.cluster_topology()).await?;
        let contract = cluster.check_capi_contract(ContractCheck {
            allow_not_installed: true,
            allow_any_contract: false,
            also_allow: None,
        });
        let list = async {
            if inventory_crd.created() {
                Ok(Vec::new())
            } else {
                cluster.list_providers().await
            }
        };
        let (contract, inventory) = futures::join!(contract, list);
        contract?;
        tracing::info!("Fetching providers");
        let inventory = inventory?;
        let first_run = add_default_providers(&mut options, &inventory);
        let mut requested = requested_providers(&options)?;
        resume_interrupted(&mut requested, &inventory);
        let ((queue, metadata), ()) =
            futures::try_join!(self.fetch_queue(&requested, &inventory, progress), async {
                cluster
                    .finish_inventory_crd(inventory_crd)
                    .await
                    .map_err(Error::from)
            })?;
        check_plan(&queue, &inventory, &metadata, options.validate)?;

        let installed = self.install(&cluster, &queue, progress).await?;
        if options.wait_providers {
            tracing::info!("Waiting for providers to be available...");
            wait_providers(&cluster, &queue, options.wait_provider_timeout, progress).await?;
        }
        if first_run && options.log_usage_instructions {
            log_usage_instructions();
        }
        Ok(InitReport {
            installed,
            first_run,
            api_requests: cluster.request_count(),
        })
    }

    /// Fetches the requested providers (and the metadata of the installed core provider) and
    /// returns those not installed yet, in install order, with the metadata validation needs.
    async fn fetch_queue(
        &self,
        requested: &[Requested],
        inventory: &[InventoryEntry],
        progress: &dyn Progress,
    ) -> Result<(Vec<Fetched>, MetadataByVersion), Error> {
        let core = inventory
            .iter()
            .find(|e| e.provider_type() == Some(ProviderType::Core));
        let (fetched, core_metadata) =
            futures::join!(self.fetch_all(requested, false, progress), async {
                match core {
                    Some(entry) => Some(self.fetch_metadata(entry).await),
                    None => None,
                }
            });
        let mut queue: Vec<Fetched> = fetched?
            .into_iter()
            .filter(|f| !already_installed(inventory, &f.components))
            .collect();
        // Stable: providers of a type keep their flag order.
        queue.sort_by_key(|f| f.components.provider.provider_type.order());
        let mut metadata = MetadataByVersion::new();
        if let (Some(entry), Some(result)) = (core, core_metadata) {
            metadata.insert((entry.manifest_label(), entry.version.clone()), result);
        }
        for f in &queue {
            let key = (
                f.components.provider.manifest_label(),
                f.components.version.clone(),
            );
            metadata.insert(key, f.metadata.clone());
        }
        Ok((queue, metadata))
    }

    /// The container images `init` would need with these options (`clusterctl init
    /// list-images`): cert-manager's unless its namespace exists, and every requested
    /// provider's, sorted.
    pub async fn init_images(&self, mut options: InitOptions) -> Result<Vec<String>, Error> {
        let cluster = ManagementCluster::connect(&options.kubeconfig, self.config().env()).await?;
        cluster
            .check_capi_contract(ContractCheck {
                allow_not_installed: true,
                allow_any_contract: false,
                also_allow: None,
            })
            .await?;
        // Like clusterctl, a cluster without inventory counts as a first run.
        let inventory = cluster.list_providers().await.unwrap_or_default();
        add_default_providers(&mut options, &inventory);
        let requested = requested_providers(&options)?;
        let fetched = self
            .fetch_all(&requested, true, &crate::progress::NoProgress)
            .await?;
        let mut images = Vec::new();
        if !cluster.cert_manager_namespace_exists().await? {
            let objects = self.cert_manager_objects().await?;
            images.extend(crate::components::inspect_images(&objects));
        }
        let providers: std::collections::BTreeSet<String> = fetched
            .iter()
            .flat_map(|f| f.components.images.iter().cloned())
            .collect();
        images.extend(providers);
        images.sort();
        Ok(images)
    }

    /// `CLUSTER_TOPOLOGY=true` in the environment raises the minimum Kubernetes version, as
    /// clusterctl's proxy reads it (from the process environment only).
    pub(crate) fn cluster_topology(&self) -> bool {
        self.config()
            .env()
            .get("CLUSTER_TOPOLOGY")
            .is_some_and(|v| matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"))
    }

    /// Fetches and processes every requested provider concurrently; errors are reported for the
    /// first failing provider in flag order.
    async fn fetch_all(
        &self,
        requested: &[Requested],
        skip_template_process: bool,
        progress: &dyn Progress,
    ) -> Result<Vec<Fetched>, Error> {
        progress.event(ProgressEvent::FetchStarted {
            count: requested.len(),
        });
        // One task per provider: parsing and processing a large manifest is CPU work, which
        // then runs on every core instead of one after the other.
        let tasks = requested.iter().cloned().map(|r| {
            let client = self.clone();
            tokio::spawn(async move {
                client
                    .fetch_provider(
                        r.provider_type,
                        &r.reference,
                        r.target_namespace.as_deref(),
                        skip_template_process,
                    )
                    .await
                    .context(format!(
                        "failed to get provider components for the {:?} provider",
                        r.reference
                    ))
            })
        });
        let results = futures::future::join_all(tasks.map(|task| async move {
            let result = task.await.unwrap_or_else(|source| {
                Err(Error::Task {
                    what: "fetching a provider",
                    source,
                })
            });
            if let Ok(f) = &result {
                progress.event(ProgressEvent::Fetched {
                    subject: &f.components.provider.manifest_label(),
                });
            }
            result
        }))
        .await;
        progress.event(ProgressEvent::FetchFinished);
        results.into_iter().collect()
    }

    async fn fetch_provider(
        &self,
        provider_type: ProviderType,
        name: &str,
        target_namespace: Option<&str>,
        skip_template_process: bool,
    ) -> Result<Fetched, Error> {
        let reference: ProviderRef = name.parse()?;
        let config = self.config();
        let provider = config.provider(&reference.name, provider_type)?;
        let repo = ProviderRepository::open(provider.clone(), config, self.fetcher()).await?;
        let version = reference
            .version
            .clone()
            .unwrap_or_else(|| repo.default_version().to_string());
        let (raw, metadata) = futures::join!(repo.components(&version), repo.metadata(&version));
        let lookup = |key: &str| config.get(key);
        let components = Components::new(
            provider,
            &raw?,
            ComponentsOptions {
                version,
                target_namespace: target_namespace.map(str::to_string),
                skip_template_process,
            },
            &lookup,
            &config.image_overrides()?,
        )?;
        Ok(Fetched {
            components,
            metadata: metadata.map_err(|e| Error::from(e).chain()),
        })
    }

    /// The metadata of an installed provider's version (for the contract checks).
    async fn fetch_metadata(
        &self,
        entry: &InventoryEntry,
    ) -> Result<crate::repository::Metadata, String> {
        let result: Result<_, Error> = async {
            let provider = self.installed_provider_config(entry)?;
            let repo = ProviderRepository::open_at(
                provider,
                self.config(),
                self.fetcher(),
                &entry.version,
            )?;
            Ok(repo.metadata(&entry.version).await?)
        }
        .await;
        result.map_err(|e| e.chain())
    }

    /// cert-manager's manifest objects at the configured version, labelled as clusterctl does.
    pub(crate) async fn cert_manager_objects(&self) -> Result<Vec<Value>, Error> {
        let settings = self.config().cert_manager()?;
        let provider = ProviderConfig {
            name: "cert-manager".into(),
            // The core type has no label prefix: the repository label is `cert-manager`.
            provider_type: ProviderType::Core,
            url: settings.url.clone(),
        };
        let repo = ProviderRepository::open_at(
            provider,
            self.config(),
            self.fetcher(),
            &settings.version,
        )?;
        let raw = repo.components(&settings.version).await?;
        let overrides = self.config().image_overrides()?;
        let objects =
            crate::components::cert_manager::manifest_objects(&raw, &settings.version, &overrides)
                .map_err(ComponentsError::from)?;
        Ok(objects)
    }

    /// clusterctl's `EnsureInstalled`.
    ///
    /// `cert_manager_crds` is notified as soon as cert-manager's CRDs are in the API server:
    /// after the first check when it passes, else once the install has applied them.
    async fn ensure_cert_manager(
        &self,
        cluster: &ManagementCluster,
        progress: &dyn Progress,
        cert_manager_crds: &tokio::sync::Notify,
    ) -> Result<(), Error> {
        let settings = self.config().cert_manager()?;
        if let Some(timeout) = &settings.invalid_timeout {
            tracing::info!(timeout = %timeout, "Invalid value set for cert-manager configuration");
        }
        let ready = cluster
            .cert_manager_ready(settings.externally_provisioned, settings.timeout)
            .await;
        match ready {
            Ok(()) => {
                cert_manager_crds.notify_one();
                tracing::info!("Skipping installing cert-manager as it is already installed");
                Ok(())
            }
            Err(e) if settings.externally_provisioned => Err(Error::from(e).context(
                "cert-manager is marked as externally provisioned (cert-manager.externallyProvisioned in the clusterctl configuration) but it does not work",
            )),
            Err(e) => {
                tracing::trace!(cause = %e, "cert-manager is not available");
                let objects = self.cert_manager_objects().await?;
                cluster
                    .install_cert_manager(
                        &settings.version,
                        &objects,
                        settings.timeout,
                        progress,
                        Some(cert_manager_crds),
                    )
                    .await?;
                Ok(())
            }
        }
    }
}

/// clusterctl's `Validate` on the cluster this run would produce; with `--validate=false` a
/// failure is only logged.
fn check_plan(
    queue: &[Fetched],
    inventory: &[InventoryEntry],
    metadata: &MetadataByVersion,
    enforce: bool,
) -> Result<(), Error> {
    let planned: Vec<PlannedProvider> = queue
        .iter()
        .map(|f| PlannedProvider {
            entry: InventoryEntry::from_object(&f.components.inventory_object()),
            objects: &f.components.objects,
        })
        .collect();
    let existing = without_resumed(inventory, &planned);
    match validate(&existing, &planned, metadata) {
        Ok(()) => Ok(()),
        Err(e) if enforce => Err(e.into()),
        Err(e) => {
            tracing::error!(error = %e, "Ignoring validation errors");
            Ok(())
        }
    }
}

impl Client {
    /// cert-manager, then the queue. Every planned provider is recorded first: if this run
    /// stops, the next one finds the whole plan (entries marked installing) and completes it.
    /// The CRDs of all providers are applied while cert-manager is checked (and installed):
    /// neither needs the other, and the API server then establishes them all in one go instead
    /// of one provider after the other. Once they are Established, the providers' other objects
    /// are applied, all providers at once (a provider's Namespaces before the rest, except its
    /// target namespace: created with its entry, it goes with the rest).
    async fn install(
        &self,
        cluster: &ManagementCluster,
        queue: &[Fetched],
        progress: &dyn Progress,
    ) -> Result<Vec<InstalledProvider>, Error> {
        let entries = futures::future::try_join_all(queue.iter().map(|f| async move {
            cluster
                .ensure_namespace(&f.components.target_namespace)
                .await?;
            cluster
                .write_inventory_entry(&f.components.inventory_object(), true)
                .await
        }));
        let labels: Vec<String> = queue
            .iter()
            .map(|f| f.components.provider.manifest_label())
            .collect();
        let jobs: Vec<ApplyJob<'_>> = labels
            .iter()
            .map(|label| ApplyJob {
                subject: label,
                error_prefix: "failed to create provider object",
                progress,
            })
            .collect();
        let sets: Vec<(&[Value], &ApplyJob<'_>)> = queue
            .iter()
            .zip(&jobs)
            .map(|(f, job)| (f.components.objects.as_slice(), job))
            .collect();
        // cert-manager is checked while the inventory entries are written. The providers' CRDs
        // (which carry provider labels: their entries come first) follow cert-manager's into
        // the API server: it establishes CRDs one after the other, in the order they arrive,
        // and cert-manager's check (which needs only its own) then does not wait behind
        // thirty others.
        let cert_manager_crds = tokio::sync::Notify::new();
        futures::try_join!(
            async {
                let result = self
                    .ensure_cert_manager(cluster, progress, &cert_manager_crds)
                    .await;
                cert_manager_crds.notify_one();
                result
            },
            async {
                entries.await?;
                cert_manager_crds.notified().await;
                cluster.apply_crds_of(&sets).await.map_err(Error::from)
            }
        )?;
        // clusterctl's log, one line per provider in install order, then the objects.
        for (f, job) in queue.iter().zip(&jobs) {
            tracing::info!(
                provider = %job.subject,
                version = %f.components.version,
                target_namespace = %f.components.target_namespace,
                "Installing"
            );
        }
        futures::future::try_join_all(queue.iter().zip(&jobs).map(|(f, job)| async move {
            // The target namespace was created with the inventory entry.
            let existing = [f.components.target_namespace.as_str()];
            cluster
                .apply_rest(&f.components.objects, job, &existing)
                .await?;
            cluster
                .write_inventory_entry(&f.components.inventory_object(), false)
                .await
        }))
        .await?;
        Ok(queue
            .iter()
            .zip(&jobs)
            .map(|(f, job)| InstalledProvider {
                label: job.subject.to_string(),
                version: f.components.version.clone(),
                namespace: f.components.target_namespace.clone(),
            })
            .collect())
    }
}

/// clusterctl's closing lines after a first run (its wording, `clusterctl` included, so that
/// scripts reading them keep working).
fn log_usage_instructions() {
    for line in [
        "",
        "Your management cluster has been initialized successfully!",
        "",
        "You can now create your first workload cluster by running the following:",
        "",
        "  clusterctl generate cluster [name] --kubernetes-version [version] | kubectl apply -f -",
        "",
    ] {
        tracing::info!("{line}");
    }
}

/// Installs one provider whose inventory entry is already written (marked installing): its
/// objects, then the entry again, complete.
pub(crate) async fn install_provider(
    cluster: &ManagementCluster,
    components: &Components,
    progress: &dyn Progress,
) -> Result<(), ClusterError> {
    let label = components.provider.manifest_label();
    tracing::info!(
        provider = %label,
        version = %components.version,
        target_namespace = %components.target_namespace,
        "Installing"
    );
    tracing::debug!(provider = %label, version = %components.version, target_namespace = %components.target_namespace, "Creating objects");
    cluster
        .apply_all(
            &components.objects,
            &ApplyJob {
                subject: &label,
                error_prefix: "failed to create provider object",
                progress,
            },
        )
        .await?;
    tracing::debug!(provider = %label, version = %components.version, target_namespace = %components.target_namespace, "Creating inventory entry");
    cluster
        .write_inventory_entry(&components.inventory_object(), false)
        .await
}

/// `--wait-providers`: every Deployment with a `manager` container must become Available.
async fn wait_providers(
    cluster: &ManagementCluster,
    queue: &[Fetched],
    timeout: Duration,
    progress: &dyn Progress,
) -> Result<(), ClusterError> {
    let objects: Vec<&Value> = queue
        .iter()
        .flat_map(|f| f.components.objects.iter())
        .collect();
    wait_deployments(cluster, &objects, timeout, progress).await
}

/// Waits until every Deployment among `objects` that runs a `manager` container is Available.
pub(crate) async fn wait_deployments(
    cluster: &ManagementCluster,
    objects: &[&Value],
    timeout: Duration,
    progress: &dyn Progress,
) -> Result<(), ClusterError> {
    let deployments: Vec<(String, String)> = objects
        .iter()
        .filter(|o| is_deployment_with_manager(o))
        .map(|o| {
            (
                object::namespace(o).to_string(),
                object::name(o).to_string(),
            )
        })
        .collect();
    let results = futures::future::join_all(deployments.iter().map(|(ns, name)| async move {
        let subject = format!("deployment {ns}/{name}");
        progress.event(ProgressEvent::WaitStarted { subject: &subject });
        let r = cluster.wait_deployment_available(ns, name, timeout).await;
        progress.event(ProgressEvent::WaitFinished { subject: &subject });
        r
    }))
    .await;
    results.into_iter().collect()
}
