//! capictl manages Cluster API providers on a Kubernetes management cluster. It is a drop-in
//! alternative to `clusterctl`: same commands, flags, configuration file and on-cluster
//! inventory, with provider manifests fetched through a disk cache.
//!
//! The library is the whole tool; the `capictl` binary is a thin command-line front end over
//! [`Client`]. Every operation is a method of [`Client`] that takes one options value:
//!
//! | command | method | options |
//! |---|---|---|
//! | `init` | [`Client::init`] | [`InitOptions`] |
//! | `init list-images` | [`Client::init_images`] | [`InitOptions`] |
//! | `upgrade plan` | [`Client::upgrade_plan`], [`Client::cert_manager_upgrade_plan`] | [`UpgradePlanOptions`] |
//! | `upgrade apply` | [`Client::upgrade_apply`] | [`UpgradeApplyOptions`] |
//! | `delete` | [`Client::delete`] (and [`Client::delete_selection`] to preview) | [`DeleteOptions`] |
//! | `move` (and `--to-directory`, `--from-directory`, `--dry-run`) | [`Client::move_objects`] | [`MoveOptions`] |
//! | `generate cluster` | [`Client::generate_cluster`] | [`GenerateClusterOptions`] |
//! | `generate provider` | [`Client::generate_provider`] | [`GenerateProviderOptions`] |
//! | `generate yaml` | [`Client::process_yaml`] | [`ProcessYamlOptions`] |
//! | `config repositories` | [`Client::repositories`] | the loaded [`Config`] |
//! | `cache ls\|prune\|clear` | [`fetch::Cache`] | [`fetch::FetchOptions`] |
//!
//! Not yet in this version (tracked as issues): `mirror`, `describe cluster`,
//! `get kubeconfig` and `alpha rollout`.
//!
//! The layers under the operations, lowest first: [`yaml`], [`template`], [`version`],
//! [`object`], [`provider`] and [`progress`]; [`fetch`]; [`config`]; then [`repository`],
//! [`components`], [`cluster`] and [`graph`]; then [`ops`]. Each depends only on the layers
//! below it (`tests/layers.rs` checks this; `docs/architecture.md` draws it). Errors are one
//! [`Error`] that wraps each layer's and each operation's typed error.
//!
//! ```no_run
//! # async fn demo() -> Result<(), capictl::Error> {
//! use capictl::{Client, ClientOptions, GenerateClusterOptions, TemplateSource};
//!
//! let client = Client::new(ClientOptions::default()).await?;
//! let mut options = GenerateClusterOptions::new("my-cluster");
//! options.target_namespace = Some("default".into());
//! options.kubernetes_version = Some("v1.35.0".into());
//! options.sources.push(TemplateSource::Repository {
//!     infrastructure: Some("docker:v1.13.5".into()),
//!     flavor: Some("development".into()),
//! });
//! let template = client.generate_cluster(options).await?;
//! println!("{}", template.yaml());
//! # Ok(())
//! # }
//! ```

pub mod cluster;
pub mod components;
pub mod config;
mod error;
pub mod fetch;
/// The owner-reference graph of cluster objects, shared by move and describe.
pub mod graph;
pub mod object;
pub mod ops;
pub mod progress;
pub mod provider;
pub mod repository;
pub mod template;
pub mod version;
pub mod yaml;

pub use cluster::kubeconfig::KubeconfigSelector;
pub use components::{Components, Template};
pub use config::{Config, ConfigSource, Env, ProviderConfig};
pub use error::{Error, ResultExt};
pub use ops::delete::{DeleteOptions, DeleteScope};
pub use ops::generate::{
    GenerateClusterOptions, GenerateProviderOptions, ProcessYamlOptions, TemplateSource,
};
pub use ops::init::{InitOptions, InitReport, InstalledProvider};
pub use ops::r#move::{LeftOutObject, MoveOptions, MoveReport};
pub use ops::upgrade::{
    CertManagerUpgradePlan, UpgradeApplyOptions, UpgradeItem, UpgradePlan, UpgradePlanOptions,
    UpgradeReport, UpgradedProvider,
};
pub use progress::{NoProgress, Progress, ProgressEvent};
pub use provider::{ProviderRef, ProviderSelection, ProviderType};

/// How to build a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Where the configuration file comes from (`--config`).
    pub config: ConfigSource,
    /// The environment to read variables from; the CLI passes the process environment.
    pub env: Env,
    /// Network and cache settings.
    pub fetch: fetch::FetchOptions,
}

impl Default for ClientOptions {
    /// The default configuration locations and the process environment.
    fn default() -> ClientOptions {
        ClientOptions {
            config: ConfigSource::Default,
            env: Env::from_process(),
            fetch: fetch::FetchOptions::default(),
        }
    }
}

/// The entry point: one method per clusterctl operation. A `Client` holds the loaded
/// configuration; it is cheap to keep and safe to share between tasks.
#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    fetcher: fetch::Fetcher,
}

impl Client {
    /// Loads the configuration (downloading it when `--config` is a URL).
    pub async fn new(options: ClientOptions) -> Result<Client, Error> {
        let fetcher = fetch::Fetcher::new(options.fetch.clone());
        let config = match &options.config {
            ConfigSource::Url(url) => {
                let bytes = fetcher.get_config(url).await?;
                Config::from_bytes(&bytes, url, None, options.env)?
            }
            source => Config::load(source, options.env)?,
        };
        Ok(Client { config, fetcher })
    }

    /// A client over an already built configuration.
    pub fn from_config(config: Config, fetch: fetch::FetchOptions) -> Result<Client, Error> {
        Ok(Client {
            config,
            fetcher: fetch::Fetcher::new(fetch),
        })
    }

    /// The HTTP client and cache shared by this client's operations.
    pub fn fetcher(&self) -> &fetch::Fetcher {
        &self.fetcher
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every provider the configuration knows (`config repositories`): the built-in catalogue
    /// merged with clusterctl.yaml's `providers:`, sorted by type then name.
    pub fn repositories(&self) -> Result<Vec<ProviderConfig>, Error> {
        Ok(self.config.providers()?)
    }
}
