//! The library's error type: one variant per layer, plus context added by the operations.
//! `Display` shows one link of the chain; `{:#}` through anyhow, or walking `source()`, gives
//! clusterctl's `context: cause` form.

use crate::cluster::ClusterError;
use crate::cluster::kubeconfig::KubeconfigError;
use crate::components::ComponentsError;
use crate::config::ConfigError;
use crate::fetch::FetchError;
use crate::graph::GraphError;
use crate::ops::delete::error::DeleteError;
use crate::ops::generate::error::GenerateError;
use crate::ops::init::validate::ValidationError;
use crate::ops::r#move::error::MoveError;
use crate::ops::upgrade::error::UpgradeError;
use crate::provider::ProviderRefError;
use crate::repository::RepositoryError;
use crate::template::TemplateError;

/// Any error capictl's operations return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Configuration file or values.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Provider repositories.
    #[error(transparent)]
    Repository(#[from] RepositoryError),
    /// Processing manifests and templates.
    #[error(transparent)]
    Components(#[from] ComponentsError),
    /// A `name[:version]` argument.
    #[error(transparent)]
    ProviderRef(#[from] ProviderRefError),
    /// The owner-reference graph of cluster objects.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// Kubeconfig loading.
    #[error(transparent)]
    Kubeconfig(#[from] KubeconfigError),
    /// The management cluster.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// `init`'s validation of the planned management cluster.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// `delete`.
    #[error(transparent)]
    Delete(#[from] DeleteError),
    /// `generate cluster`, `generate provider` and `generate yaml`.
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// `upgrade plan` and `upgrade apply`.
    #[error(transparent)]
    Upgrade(#[from] UpgradeError),
    /// `move`.
    #[error(transparent)]
    Move(#[from] MoveError),
    /// Variable substitution.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Fetching over the network, or the disk cache.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A background task of an operation panicked or was cancelled.
    #[error("{what} failed: {source}")]
    Task {
        /// What the task was doing.
        what: &'static str,
        /// Why it ended.
        #[source]
        source: tokio::task::JoinError,
    },
    /// An error with the context of the operation that met it.
    #[error("{context}")]
    Context {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// Wraps the error with `context`.
    pub fn context(self, context: impl Into<String>) -> Error {
        Error::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }

    /// What the user can do about the error, when the message alone does not say it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Move(MoveError::Check(check)) => Some(check.hint()),
            Error::Context { source, .. } => source.hint(),
            _ => None,
        }
    }

    /// The whole chain as one line, `context: cause: root cause`.
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            let text = s.to_string();
            if !text.is_empty() && !out.ends_with(&text) {
                out.push_str(": ");
                out.push_str(&text);
            }
            source = s.source();
        }
        out
    }
}

/// Extension to add context to any error convertible into [`Error`].
pub trait ResultExt<T> {
    /// Wraps the error, if any, with `context`.
    fn context(self, context: impl Into<String>) -> Result<T, Error>;
}

impl<T, E: Into<Error>> ResultExt<T> for Result<T, E> {
    fn context(self, context: impl Into<String>) -> Result<T, Error> {
        self.map_err(|e| e.into().context(context))
    }
}
