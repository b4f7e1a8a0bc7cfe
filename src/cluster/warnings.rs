//! Which API server warnings are logged (`move --hide-api-warnings`): one setting for the
//! whole process, read by every connection.

use std::sync::atomic::{AtomicU8, Ordering};

/// Which warnings to hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiWarnings {
    /// Hide Cluster API's finalizer-name warnings and deprecation warnings (clusterctl's
    /// default), show the rest.
    Default,
    /// Hide every warning.
    All,
    /// Hide none.
    None,
}

static POLICY: AtomicU8 = AtomicU8::new(0);

/// An unknown `--hide-api-warnings` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("set of API warnings {0:?} is unknown; choose \"default\", \"all\", or \"none\"")]
pub struct UnknownWarnings(pub String);

impl ApiWarnings {
    /// Reads a `--hide-api-warnings` value.
    pub fn parse(text: &str) -> Result<ApiWarnings, UnknownWarnings> {
        match text {
            "default" => Ok(ApiWarnings::Default),
            "all" => Ok(ApiWarnings::All),
            "none" => Ok(ApiWarnings::None),
            other => Err(UnknownWarnings(other.to_string())),
        }
    }

    /// Makes this the policy of every connection of the process.
    pub fn install(self) {
        POLICY.store(self as u8, Ordering::Relaxed);
    }

    fn current() -> ApiWarnings {
        match POLICY.load(Ordering::Relaxed) {
            1 => ApiWarnings::All,
            2 => ApiWarnings::None,
            _ => ApiWarnings::Default,
        }
    }
}

/// Whether a warning is logged under the current policy.
pub(crate) fn shown(text: &str) -> bool {
    match ApiWarnings::current() {
        ApiWarnings::All => false,
        ApiWarnings::None => true,
        ApiWarnings::Default => !(is_capi_finalizer_warning(text) || is_deprecation(text)),
    }
}

/// `metadata.finalizers: "cluster.cluster.x-k8s.io": prefer a domain-qualified finalizer
/// name ...`: Cluster API's finalizers predate that advice.
fn is_capi_finalizer_warning(text: &str) -> bool {
    text.starts_with("metadata.finalizers:")
        && text.contains("cluster.x-k8s.io")
        && text.contains("prefer a domain-qualified finalizer name")
        && text.ends_with("to avoid accidental conflicts with other finalizer writers")
}

/// `... is deprecated; use ...`.
fn is_deprecation(text: &str) -> bool {
    text.find(" is deprecated; use ").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_hides_what_clusterctl_hides() {
        assert!(is_capi_finalizer_warning(
            "metadata.finalizers: \"cluster.cluster.x-k8s.io\": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers"
        ));
        assert!(!is_capi_finalizer_warning(
            "metadata.finalizers: \"foo\": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers"
        ));
        assert!(is_deprecation(
            "infrastructure.cluster.x-k8s.io/v1beta1 DockerCluster is deprecated; use infrastructure.cluster.x-k8s.io/v1beta2 DockerCluster"
        ));
        assert!(!is_deprecation("unknown field \"spec.x\""));
        assert_eq!(ApiWarnings::parse("all"), Ok(ApiWarnings::All));
        assert_eq!(
            ApiWarnings::parse("some").unwrap_err().to_string(),
            "set of API warnings \"some\" is unknown; choose \"default\", \"all\", or \"none\""
        );
    }
}
