//! The operations (use cases) behind each command, implemented as methods of
//! [`crate::Client`]; each orchestrates the layers below.

mod cluster_class;
pub mod delete;
pub mod generate;
pub mod init;
mod management;
pub mod r#move;
pub mod upgrade;

use crate::Client;
use crate::cluster::{ClusterError, InventoryEntry};
use crate::config::ProviderConfig;
use crate::error::Error;

impl Client {
    /// The configured repository of an installed provider (found by the name and type its
    /// inventory entry records).
    pub(crate) fn installed_provider_config(
        &self,
        entry: &InventoryEntry,
    ) -> Result<ProviderConfig, Error> {
        let t = entry
            .provider_type()
            .ok_or_else(|| ClusterError::InvalidProviderType {
                entry: entry.instance_name(),
                type_name: entry.type_name.clone(),
            })?;
        Ok(self.config().provider(&entry.provider_name, t)?)
    }
}

/// Several errors as Kubernetes aggregates print them: one alone, or `[a, b]`.
pub(crate) fn aggregate(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}
