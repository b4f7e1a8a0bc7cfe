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

/// Several errors as Kubernetes aggregates print them: one alone, or `[a, b]`, each message
/// once (a repeated message is printed only the first time).
pub(crate) fn aggregate(errors: &[String]) -> String {
    let mut unique: Vec<&str> = Vec::with_capacity(errors.len());
    for e in errors {
        if !unique.contains(&e.as_str()) {
            unique.push(e);
        }
    }
    match unique.as_slice() {
        [one] => (*one).to_string(),
        many => format!("[{}]", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::aggregate;

    #[test]
    fn aggregate_prints_one_alone_and_several_in_brackets_once_each() {
        let texts = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(aggregate(&texts(&["a"])), "a");
        assert_eq!(aggregate(&texts(&["a", "b"])), "[a, b]");
        assert_eq!(aggregate(&texts(&["a", "b", "a"])), "[a, b]");
        assert_eq!(aggregate(&texts(&["a", "a"])), "a");
    }
}
