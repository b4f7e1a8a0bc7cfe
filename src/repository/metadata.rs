//! `metadata.yaml`: the release series of a provider and the Cluster API contract each
//! implements.

use serde_json::Value;

use crate::version::Version;

/// The API version `metadata.yaml` must declare.
pub const METADATA_API_VERSION: &str = "clusterctl.cluster.x-k8s.io/v1alpha3";
/// File name of the metadata file in every release.
pub const METADATA_FILE: &str = "metadata.yaml";

/// One `major.minor` release series and its contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseSeries {
    /// Major version.
    pub major: u64,
    /// Minor version.
    pub minor: u64,
    /// Contract implemented by this series (`v1beta2`).
    pub contract: String,
}

/// A parsed and validated `metadata.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The release series, as listed.
    pub release_series: Vec<ReleaseSeries>,
}

/// Why a `metadata.yaml` was rejected; messages are clusterctl's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// Not YAML, or not shaped like metadata.
    #[error("error decoding \"metadata.yaml\" for provider {label:?}: {reason}")]
    Decode {
        /// Manifest label of the provider.
        label: String,
        /// What is wrong.
        reason: String,
    },
    /// Wrong `apiVersion`.
    #[error(
        "invalid provider metadata: unexpected apiVersion {api_version:?} for provider {label} (expected \"clusterctl.cluster.x-k8s.io/v1alpha3\")"
    )]
    ApiVersion {
        /// Manifest label.
        label: String,
        /// The apiVersion found.
        api_version: String,
    },
    /// Wrong `kind`.
    #[error(
        "invalid provider metadata: unexpected kind {kind:?} for provider {label} (expected \"Metadata\")"
    )]
    Kind {
        /// Manifest label.
        label: String,
        /// The kind found.
        kind: String,
    },
    /// No release series at all.
    #[error("invalid provider metadata: releaseSeries is empty in metadata.yaml for provider {0}")]
    Empty(String),
}

impl Metadata {
    /// Parses and validates the bytes of `metadata.yaml` for the provider `label`.
    pub fn parse(bytes: &[u8], label: &str) -> Result<Metadata, MetadataError> {
        let decode = |reason: String| MetadataError::Decode {
            label: label.to_string(),
            reason,
        };
        let text =
            std::str::from_utf8(bytes).map_err(|e| decode(format!("not UTF-8 text: {e}")))?;
        let doc = crate::yaml::parse_documents(text)
            .map_err(|e| decode(e.to_string()))?
            .into_iter()
            .next()
            .ok_or_else(|| decode("the file is empty".into()))?;
        let field = |key: &str| {
            doc.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let api_version = field("apiVersion");
        let kind = field("kind");
        if api_version.is_empty() {
            return Err(decode("Object 'apiVersion' is missing".into()));
        }
        if api_version != METADATA_API_VERSION {
            return Err(MetadataError::ApiVersion {
                label: label.to_string(),
                api_version,
            });
        }
        if kind != "Metadata" && !kind.is_empty() {
            return Err(MetadataError::Kind {
                label: label.to_string(),
                kind,
            });
        }
        let series = match doc.get("releaseSeries") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    parse_series(item)
                        .ok_or_else(|| decode(format!("invalid release series entry {item}")))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(decode("releaseSeries must be a list".into())),
        };
        if series.is_empty() {
            return Err(MetadataError::Empty(label.to_string()));
        }
        Ok(Metadata {
            release_series: series,
        })
    }

    /// The series a version belongs to (same major and minor).
    pub fn series_for_version(&self, version: &Version) -> Option<&ReleaseSeries> {
        self.release_series
            .iter()
            .find(|s| s.major == version.major() && s.minor == version.minor())
    }

    /// The newest series implementing `contract` (ties broken by the highest major.minor).
    pub fn series_for_contract(&self, contract: &str) -> Option<&ReleaseSeries> {
        self.release_series
            .iter()
            .filter(|s| s.contract == contract)
            .max_by_key(|s| (s.major, s.minor))
    }
}

fn parse_series(item: &Value) -> Option<ReleaseSeries> {
    let number = |key: &str| -> Option<u64> {
        match item.get(key) {
            None | Some(Value::Null) => Some(0),
            Some(v) => v.as_u64(),
        }
    };
    Some(ReleaseSeries {
        major: number("major")?,
        minor: number("minor")?,
        contract: match item.get("contract") {
            None | Some(Value::Null) => String::new(),
            Some(v) => v.as_str()?.to_string(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Metadata\nreleaseSeries:\n- major: 1\n  minor: 13\n  contract: v1beta2\n- major: 1\n  minor: 12\n  contract: v1beta2\n- major: 1\n  minor: 10\n  contract: v1beta1\n";

    #[test]
    fn finds_series_by_version_and_contract() {
        let m = Metadata::parse(GOOD.as_bytes(), "cluster-api").unwrap();
        assert_eq!(m.release_series.len(), 3);
        assert_eq!(
            m.series_for_version(&"v1.12.4".parse().unwrap())
                .unwrap()
                .contract,
            "v1beta2"
        );
        assert!(m.series_for_version(&"v1.11.0".parse().unwrap()).is_none());
        let newest = m.series_for_contract("v1beta2").unwrap();
        assert_eq!((newest.major, newest.minor), (1, 13));
        assert!(m.series_for_contract("v1alpha4").is_none());
    }

    // Ported from cmd/clusterctl/client/repository/metadata_client_test.go.
    #[test]
    fn validation_messages() {
        let bad_api = "apiVersion: foo/v1\nkind: Metadata\nreleaseSeries: [{major: 1, minor: 0, contract: v1beta1}]\n";
        assert!(matches!(
            Metadata::parse(bad_api.as_bytes(), "p"),
            Err(MetadataError::ApiVersion { .. })
        ));
        let bad_kind = "apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Foo\nreleaseSeries: [{major: 1}]\n";
        assert!(matches!(
            Metadata::parse(bad_kind.as_bytes(), "p"),
            Err(MetadataError::Kind { .. })
        ));
        let empty = "apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Metadata\n";
        assert_eq!(
            Metadata::parse(empty.as_bytes(), "infrastructure-foo")
                .unwrap_err()
                .to_string(),
            "invalid provider metadata: releaseSeries is empty in metadata.yaml for provider infrastructure-foo"
        );
        let no_kind = "apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nreleaseSeries: [{major: 1, minor: 2, contract: v1beta1}]\n";
        assert!(Metadata::parse(no_kind.as_bytes(), "p").is_ok());
        assert!(Metadata::parse(b"::: not yaml [", "p").is_err());
    }
}
