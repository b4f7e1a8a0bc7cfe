//! An HTTP(S) mirror in clusterctl's local layout: `{base}/{label}/{latest|version}/{file}`,
//! with the versions listed in `{base}/{label}/index.yaml`:
//!
//! ```yaml
//! apiVersion: capictl.cluster.x-k8s.io/v1alpha1
//! kind: ReleaseIndex
//! versions:
//! - v1.13.5
//! - v1.12.4
//! ```
//!
//! `capictl mirror` writes this file; any static web server can then serve the folder.

use serde_json::Value;

use super::{Repository, RepositoryError};
use crate::fetch::{FetchError, Fetcher, Lifetime, Request, RequestKind};
use crate::version::Version;

/// The index file of a mirrored provider.
pub const INDEX_FILE: &str = "index.yaml";
/// `apiVersion` of the index.
pub const INDEX_API_VERSION: &str = "capictl.cluster.x-k8s.io/v1alpha1";
/// `kind` of the index.
pub const INDEX_KIND: &str = "ReleaseIndex";

/// A provider mirrored on a web server.
pub struct MirrorRepository {
    base: String,
    fetcher: Fetcher,
    hint: String,
}

/// The text of an index listing `versions`.
pub fn render_index(versions: &[String]) -> String {
    let doc = serde_json::json!({"apiVersion": INDEX_API_VERSION, "kind": INDEX_KIND, "versions": versions});
    crate::yaml::to_yaml(&doc)
}

/// The versions of an index file.
pub fn parse_index(bytes: &[u8], url: &str) -> Result<Vec<String>, RepositoryError> {
    let invalid = |reason: String| RepositoryError::InvalidMirrorIndex {
        url: url.to_string(),
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| invalid(e.to_string()))?;
    let doc = crate::yaml::parse_documents(text)
        .map_err(|e| invalid(e.to_string()))?
        .into_iter()
        .next()
        .ok_or_else(|| invalid("the file is empty".into()))?;
    if doc.get("kind").and_then(Value::as_str) != Some(INDEX_KIND) {
        return Err(invalid(format!("kind must be {INDEX_KIND}")));
    }
    let versions = doc
        .get("versions")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("versions must be a list of release tags".into()))?;
    Ok(versions
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect())
}

impl MirrorRepository {
    /// Opens the mirror behind `url` (`https://host/base/{label}/{version}/{file}`; plain
    /// `http://` only for loopback or a host listed under `insecure-registries`).
    pub fn open(
        url: &str,
        label: &str,
        fetcher: &Fetcher,
        hint: String,
    ) -> Result<MirrorRepository, RepositoryError> {
        let invalid = |reason: String| RepositoryError::InvalidUrl {
            url: url.to_string(),
            reason,
        };
        let parts: Vec<&str> = url.split('/').collect();
        // scheme:, "", host, ..., label, version, file
        if parts.len() < 6 {
            return Err(invalid(
                "invalid url: a mirror url should be in the form https://{host}/{base}/{provider-label}/{version}/{components.yaml}".into(),
            ));
        }
        let n = parts.len();
        let (found_label, version) = (parts[n - 3], parts[n - 2]);
        if found_label != label {
            return Err(invalid(format!(
                "invalid path: url {url:?} must contain provider {label:?} in the form {{base}}/{{provider-label}}/{{version}}/{{components.yaml}}"
            )));
        }
        if version != "latest" && version.parse::<Version>().is_err() {
            return Err(invalid(format!(
                "invalid version: {version:?}. Version must be a semantic version or latest"
            )));
        }
        Ok(MirrorRepository {
            base: parts[..n - 2].join("/"),
            fetcher: fetcher.clone(),
            hint,
        })
    }
}

impl Repository for MirrorRepository {
    async fn versions(&self) -> Result<Vec<String>, RepositoryError> {
        let url = format!("{}/{INDEX_FILE}", self.base);
        let request = Request::get(url.clone(), RequestKind::Download)
            .cached(Lifetime::Mutable)
            .hinted(&self.hint);
        let bytes = self.fetcher.get(&request).await.map_err(|e| match e {
            FetchError::NotFound { .. } => RepositoryError::MissingMirrorIndex { url: url.clone() },
            other => RepositoryError::Fetch(other).context("failed to list releases"),
        })?;
        parse_index(&bytes, &url)
    }

    async fn file(&self, version: &str, path: &str) -> Result<Vec<u8>, RepositoryError> {
        let url = format!("{}/{version}/{path}", self.base);
        let request = Request::get(url, RequestKind::Download)
            .cached(Lifetime::Immutable)
            .hinted(&self.hint);
        self.fetcher.get(&request).await.map_err(|e| match e {
            FetchError::NotFound { url } => RepositoryError::NotFound {
                what: format!(
                    "failed to read file {url:?} from mirror release {version}: not found (404)"
                ),
                source: None,
            },
            other => RepositoryError::Fetch(other),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips() {
        let text = render_index(&["v1.13.5".into(), "v1.12.4".into()]);
        assert_eq!(
            text,
            "apiVersion: capictl.cluster.x-k8s.io/v1alpha1\nkind: ReleaseIndex\nversions:\n- v1.13.5\n- v1.12.4\n"
        );
        assert_eq!(
            parse_index(text.as_bytes(), "u").unwrap(),
            ["v1.13.5", "v1.12.4"]
        );
        assert!(parse_index(b"kind: Other\nversions: []\n", "u").is_err());
        assert!(parse_index(b"kind: ReleaseIndex\n", "u").is_err());
    }

    #[test]
    fn url_layout() {
        let f = Fetcher::new(Default::default());
        let r = MirrorRepository::open(
            "https://m.example/capi/cluster-api/latest/core-components.yaml",
            "cluster-api",
            &f,
            String::new(),
        )
        .unwrap();
        assert_eq!(r.base, "https://m.example/capi/cluster-api");
        assert!(
            MirrorRepository::open(
                "https://m.example/capi/infrastructure-aws/v1.0.0/c.yaml",
                "cluster-api",
                &f,
                String::new()
            )
            .is_err()
        );
        assert!(
            MirrorRepository::open(
                "https://m.example/cluster-api/main/c.yaml",
                "cluster-api",
                &f,
                String::new()
            )
            .is_err()
        );
    }
}
