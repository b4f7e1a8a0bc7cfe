//! `generate cluster`, `generate provider` and `generate yaml`: rendering templates and provider
//! manifests without changing any cluster.

pub(crate) mod error;

use std::path::PathBuf;

use serde_json::Value;

use super::cluster_class::{ClassSource, add_cluster_classes};
use super::management::Management;
use crate::Client;
use crate::cluster::ObjectRef;
use crate::cluster::inventory::ContractCheck;
use crate::cluster::kubeconfig::{KubeconfigSelector, LoadedKubeconfig};
use crate::components::{Components, ComponentsOptions, Template, TemplateInput};
use crate::error::{Error, ResultExt};
use crate::provider::{self, ProviderRef, ProviderType};
pub use error::GenerateError;

use crate::fetch::{self, FetchError};
use crate::provider::COMPATIBLE_CONTRACTS;
use crate::repository::ProviderRepository;
use crate::version::Version;

/// The ConfigMap data key read when `--from-config-map-key` is not given.
pub const DEFAULT_CONFIG_MAP_KEY: &str = "template";

/// Where `generate cluster` reads its template from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// The infrastructure provider's repository (`--infrastructure`, `--flavor`); both optional.
    Repository {
        /// `name[:version]` of the infrastructure provider; the single installed one if `None`.
        infrastructure: Option<String>,
        /// Template flavor: `cluster-template-<flavor>.yaml`.
        flavor: Option<String>,
    },
    /// A URL, a local path, or `-` for standard input (`--from`).
    Url(String),
    /// A ConfigMap in the management cluster (`--from-config-map*`).
    ConfigMap {
        /// Namespace; the current one if `None`.
        namespace: Option<String>,
        /// Name.
        name: String,
        /// Data key; `template` if `None`.
        key: Option<String>,
    },
}

/// Options of [`Client::generate_cluster`].
#[derive(Debug, Clone)]
pub struct GenerateClusterOptions {
    /// The management cluster (used for defaults only).
    pub kubeconfig: KubeconfigSelector,
    /// The workload cluster name (`CLUSTER_NAME`).
    pub cluster_name: String,
    /// Namespace of the workload cluster (`NAMESPACE`); the kubeconfig's current one if `None`.
    pub target_namespace: Option<String>,
    /// `KUBERNETES_VERSION`, if given.
    pub kubernetes_version: Option<String>,
    /// `CONTROL_PLANE_MACHINE_COUNT`, if given (else the variable, else 1).
    pub control_plane_machine_count: Option<i64>,
    /// `WORKER_MACHINE_COUNT`, if given (else the variable, else 0).
    pub worker_machine_count: Option<i64>,
    /// Template sources chosen; more than one is an error. Empty means the repository of the
    /// default infrastructure provider.
    pub sources: Vec<TemplateSource>,
    /// Only list the variables (no substitution).
    pub list_variables_only: bool,
    /// Bytes of standard input, for `--from -`.
    pub stdin: Option<Vec<u8>>,
}

impl GenerateClusterOptions {
    /// Options for `name` with everything else defaulted.
    pub fn new(cluster_name: impl Into<String>) -> GenerateClusterOptions {
        GenerateClusterOptions {
            kubeconfig: KubeconfigSelector::default(),
            cluster_name: cluster_name.into(),
            target_namespace: None,
            kubernetes_version: None,
            control_plane_machine_count: None,
            worker_machine_count: None,
            sources: Vec::new(),
            list_variables_only: false,
            stdin: None,
        }
    }
}

/// Options of [`Client::generate_provider`].
#[derive(Debug, Clone)]
pub struct GenerateProviderOptions {
    /// Provider type.
    pub provider_type: ProviderType,
    /// `name[:version]`.
    pub provider: String,
    /// Namespace to install into; the manifest's own if `None`.
    pub target_namespace: Option<String>,
    /// Skip variable substitution (`--raw`, `--describe`).
    pub skip_template_process: bool,
}

/// Options of [`Client::process_yaml`].
#[derive(Debug, Clone)]
pub struct ProcessYamlOptions {
    /// URL, path, or `-`.
    pub from: String,
    /// Bytes of standard input, for `-`.
    pub stdin: Option<Vec<u8>>,
    /// Only list the variables.
    pub list_variables_only: bool,
}

impl Client {
    /// Renders a workload cluster template (`generate cluster`).
    pub async fn generate_cluster(
        &self,
        mut options: GenerateClusterOptions,
    ) -> Result<Template, Error> {
        if options.sources.len() > 1 {
            return Err(GenerateError::MultipleSources.into());
        }
        let source = options.sources.pop().unwrap_or(TemplateSource::Repository {
            infrastructure: None,
            flavor: None,
        });
        let kubeconfig = LoadedKubeconfig::load(&options.kubeconfig, self.config().env())?;
        let namespace = match options.target_namespace.clone().filter(|ns| !ns.is_empty()) {
            Some(ns) => ns,
            None => {
                kubeconfig.check_usable(&options.kubeconfig).map_err(|e| {
                    Error::from(e).context(
                        "management cluster not available. Cannot auto-discover target namespace. Please specify a target namespace",
                    )
                })?;
                kubeconfig.current_namespace(&options.kubeconfig)?
            }
        };
        let mut config = self.config().clone();
        set_template_variables(&mut config, &options, &namespace)?;
        let lookup = |name: &str| config.get(name);
        match source {
            TemplateSource::Repository {
                infrastructure,
                flavor,
            } => {
                let management = Management::new(self, &options.kubeconfig, kubeconfig);
                if options.kubeconfig.path.is_some() {
                    management
                        .connect()
                        .await?
                        .check_capi_contract(ContractCheck {
                            allow_not_installed: true,
                            allow_any_contract: false,
                            also_allow: None,
                        })
                        .await?;
                }
                let infrastructure = match infrastructure.filter(|i| !i.is_empty()) {
                    Some(i) => i,
                    None => management.default_infrastructure().await?,
                };
                let reference: ProviderRef = infrastructure.parse()?;
                let version = match reference.version.clone() {
                    Some(v) => v,
                    None => management.installed_version(&reference.name).await?,
                };
                let provider = config.provider(&reference.name, ProviderType::Infrastructure)?;
                let repo = ProviderRepository::open(provider, &config, self.fetcher()).await?;
                let file = match flavor.filter(|f| !f.is_empty()) {
                    Some(f) => format!("cluster-template-{f}.yaml"),
                    None => "cluster-template.yaml".to_string(),
                };
                let raw = repo.template_file(&version, &file).await?;
                let template = Template::new(TemplateInput {
                    raw: &raw,
                    lookup: &lookup,
                    target_namespace: Some(&namespace),
                    skip_template_process: options.list_variables_only,
                })?;
                let classes = ClassSource {
                    repo: &repo,
                    version: &version,
                    namespace: &namespace,
                    lookup: &lookup,
                    list_variables_only: options.list_variables_only,
                };
                add_cluster_classes(&classes, &management, template).await
            }
            TemplateSource::Url(url) => {
                let raw = self
                    .read_url(&url, options.stdin.take())
                    .await
                    .context("invalid GetFromURL operation")?;
                Ok(Template::new(TemplateInput {
                    raw: &raw,
                    lookup: &lookup,
                    target_namespace: Some(&namespace),
                    skip_template_process: options.list_variables_only,
                })?)
            }
            TemplateSource::ConfigMap {
                namespace: cm_namespace,
                name,
                key,
            } => {
                let management = Management::new(self, &options.kubeconfig, kubeconfig);
                let cm_namespace = match cm_namespace.filter(|n| !n.is_empty()) {
                    Some(ns) => ns,
                    None => management
                        .kubeconfig
                        .current_namespace(&options.kubeconfig)?,
                };
                let key = key
                    .filter(|k| !k.is_empty())
                    .unwrap_or_else(|| DEFAULT_CONFIG_MAP_KEY.to_string());
                if name.is_empty() {
                    return Err(GenerateError::NoConfigMapName.into());
                }
                let cluster = management.connect().await?;
                let cm = cluster
                    .get(&ObjectRef::new("v1", "ConfigMap", &cm_namespace, &name))
                    .await
                    .map_err(|e| {
                        Error::from(e)
                            .context(format!("error reading ConfigMap {cm_namespace}/{name}"))
                    })?
                    .ok_or_else(|| GenerateError::ConfigMapNotFound {
                        namespace: cm_namespace.clone(),
                        name: name.clone(),
                    })?;
                let data = cm
                    .get("data")
                    .and_then(|d| d.get(&key))
                    .and_then(Value::as_str)
                    .ok_or_else(|| GenerateError::ConfigMapKeyMissing {
                        namespace: cm_namespace.clone(),
                        name: name.clone(),
                        key: key.clone(),
                    })?;
                Ok(Template::new(TemplateInput {
                    raw: data.as_bytes(),
                    lookup: &lookup,
                    target_namespace: Some(&namespace),
                    skip_template_process: options.list_variables_only,
                })?)
            }
        }
    }

    /// Renders a provider's components (`generate provider`).
    pub async fn generate_provider(
        &self,
        options: GenerateProviderOptions,
    ) -> Result<Components, Error> {
        let reference: ProviderRef = options.provider.parse()?;
        let config = self.config();
        let provider = config.provider(&reference.name, options.provider_type)?;
        let repo = ProviderRepository::open(provider.clone(), config, self.fetcher()).await?;
        let version = reference
            .version
            .clone()
            .unwrap_or_else(|| repo.default_version().to_string());
        let metadata = repo.metadata(&version).await?;
        let parsed: Version = version.parse().map_err(GenerateError::BadVersion)?;
        let series =
            metadata
                .series_for_version(&parsed)
                .ok_or_else(|| GenerateError::NotInSeries {
                    provider: reference.name.clone(),
                    version: version.clone(),
                })?;
        if !COMPATIBLE_CONTRACTS.contains(&series.contract.as_str()) {
            return Err(GenerateError::IncompatibleContract {
                provider: reference.name.clone(),
                contract: series.contract.clone(),
            }
            .into());
        }
        let raw = repo.components(&version).await?;
        let lookup = |name: &str| config.get(name);
        let components = Components::new(
            provider,
            &raw,
            ComponentsOptions {
                version,
                target_namespace: options.target_namespace,
                skip_template_process: options.skip_template_process,
            },
            &lookup,
            &config.image_overrides()?,
        )?;
        Ok(components)
    }

    /// Substitutes variables in any YAML (`generate yaml`).
    pub async fn process_yaml(&self, options: ProcessYamlOptions) -> Result<Template, Error> {
        if options.from.is_empty() {
            return Err(GenerateError::NoSource.into());
        }
        let raw = if options.from == "-" {
            options.stdin.unwrap_or_default()
        } else {
            self.read_url(&options.from, None)
                .await
                .context("invalid GetFromURL operation")?
        };
        let config = self.config();
        let lookup = |name: &str| config.get(name);
        Ok(Template::new(TemplateInput {
            raw: &raw,
            lookup: &lookup,
            target_namespace: None,
            skip_template_process: options.list_variables_only,
        })?)
    }

    /// Reads a template from `-` (the given stdin bytes), a local path or `file://` URL, or an
    /// `http(s)://` URL.
    async fn read_url(&self, url: &str, stdin: Option<Vec<u8>>) -> Result<Vec<u8>, Error> {
        if url == "-" {
            return Ok(stdin.unwrap_or_default());
        }
        match url.split_once("://").map(|(scheme, _)| scheme) {
            Some("http") if !crate::repository::insecure_allowed(url, self.config()) => {
                Err(GenerateError::UnsupportedUrl {
                    url: url.to_string(),
                }
                .into())
            }
            Some("https") | Some("http") => {
                match crate::repository::github::read_template_url(
                    url,
                    self.config(),
                    self.fetcher(),
                )
                .await
                {
                    Some(result) => Ok(result?),
                    None => self.fetch_template_url(url).await,
                }
            }
            Some("file") | None => {
                let path = PathBuf::from(url.strip_prefix("file://").unwrap_or(url));
                let shown = path.display().to_string();
                let meta = std::fs::metadata(&path).map_err(|e| GenerateError::FileUnreadable {
                    path: shown.clone(),
                    kind: e.kind(),
                })?;
                if meta.is_dir() {
                    return Err(GenerateError::IsDirectory { path: shown }.into());
                }
                std::fs::read(&path).map_err(|source| {
                    GenerateError::ReadFile {
                        path: shown,
                        source,
                    }
                    .into()
                })
            }
            Some(_) => Err(GenerateError::UnsupportedUrl {
                url: url.to_string(),
            }
            .into()),
        }
    }

    /// Downloads a template from a URL no provider repository serves.
    async fn fetch_template_url(&self, url: &str) -> Result<Vec<u8>, Error> {
        let request = fetch::Request::get(url, fetch::RequestKind::Other);
        self.fetcher().get(&request).await.map_err(|e| {
            let status = match &e {
                FetchError::Status { status, .. } => Some(Some(*status)),
                FetchError::NotFound { .. } => Some(None),
                _ => None,
            };
            match status {
                Some(status) => GenerateError::DownloadStatus {
                    url: url.to_string(),
                    status,
                },
                None => GenerateError::Download(e),
            }
            .into()
        })
    }
}

/// Puts the values `generate cluster` derives from its arguments into the configuration, where
/// templates read them as variables.
fn set_template_variables(
    config: &mut crate::config::Config,
    options: &GenerateClusterOptions,
    namespace: &str,
) -> Result<(), GenerateError> {
    let errors = provider::dns1123_label_errors(namespace);
    if !errors.is_empty() {
        return Err(GenerateError::BadNamespace { reasons: errors });
    }
    config.set("NAMESPACE", namespace);
    let errors = provider::dns1123_subdomain_errors(&options.cluster_name);
    if !errors.is_empty() {
        return Err(GenerateError::BadClusterName { reasons: errors });
    }
    config.set("CLUSTER_NAME", &options.cluster_name);
    if let Some(v) = options
        .kubernetes_version
        .as_deref()
        .filter(|v| !v.is_empty())
    {
        if v.parse::<Version>().is_err() {
            return Err(GenerateError::BadKubernetesVersion);
        }
        config.set("KUBERNETES_VERSION", v);
    }
    let count =
        |explicit: Option<i64>, name: &'static str, default: i64| -> Result<i64, GenerateError> {
            match explicit {
                Some(n) => Ok(n),
                None => match config.get(name) {
                    Some(v) => v
                        .parse::<i64>()
                        .map_err(|_| GenerateError::BadCount { variable: name }),
                    None => Ok(default),
                },
            }
        };
    let control_plane = count(
        options.control_plane_machine_count,
        "CONTROL_PLANE_MACHINE_COUNT",
        1,
    )?;
    if control_plane < 1 {
        return Err(GenerateError::ControlPlaneCount);
    }
    let workers = count(options.worker_machine_count, "WORKER_MACHINE_COUNT", 0)?;
    if workers < 0 {
        return Err(GenerateError::WorkerCount);
    }
    config.set("CONTROL_PLANE_MACHINE_COUNT", control_plane.to_string());
    config.set("WORKER_MACHINE_COUNT", workers.to_string());
    Ok(())
}
