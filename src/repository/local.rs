//! A provider repository on the local file system, in clusterctl's layout
//! `{basepath}/{provider-label}/{version}/{file}`.

use std::path::{Path, PathBuf};

use super::{Repository, RepositoryError};
use crate::version::Version;

/// A local repository; `versions` are the sub-folders of `{basepath}/{label}` that parse as
/// semantic versions.
#[derive(Debug, Clone)]
pub struct LocalRepository {
    url: String,
    basepath: PathBuf,
    label: String,
}

impl LocalRepository {
    /// Opens the repository described by `url`, a `file://` URL or plain path ending in
    /// `{label}/{version|latest}/{components file}`. Relative paths (a capictl extension) are
    /// resolved against `base_dir`, the folder of the configuration file.
    pub fn open(
        url: &str,
        label: &str,
        base_dir: Option<&Path>,
    ) -> Result<LocalRepository, RepositoryError> {
        let path = local_path(url, base_dir)?;
        let components: Vec<&str> = path.split('/').collect();
        if components.len() < 3 {
            return Err(RepositoryError::InvalidUrl {
                url: url.to_string(),
                reason: "invalid path: path should be in the form {basepath}/{provider-name}/{version}/{components.yaml}"
                    .to_string(),
            });
        }
        let n = components.len();
        let (provider_id, version) = (components[n - 3], components[n - 2]);
        if version != "latest" && version.parse::<Version>().is_err() {
            return Err(RepositoryError::InvalidUrl {
                url: url.to_string(),
                reason: format!(
                    "invalid version: {version:?}. Version must obey the syntax and semantics of the \"Semantic Versioning\" specification (http://semver.org/) and path format {{basepath}}/{{provider-name}}/{{version}}/{{components.yaml}}"
                ),
            });
        }
        if provider_id != label {
            return Err(RepositoryError::InvalidUrl {
                url: url.to_string(),
                reason: format!(
                    "invalid path: path {url:?} must contain provider {label:?} in the format {{basepath}}/{{provider-label}}/{{version}}/{{components.yaml}}"
                ),
            });
        }
        let base = components[..n - 3].join("/");
        Ok(LocalRepository {
            url: url.to_string(),
            basepath: PathBuf::from(if base.is_empty() {
                "/".to_string()
            } else {
                base
            }),
            label: label.to_string(),
        })
    }

    fn release_dir(&self) -> PathBuf {
        self.basepath.join(&self.label)
    }
}

/// The absolute path a local repository URL points at.
fn local_path(url: &str, base_dir: Option<&Path>) -> Result<String, RepositoryError> {
    let raw = url.strip_prefix("file://").unwrap_or(url);
    let relative = raw.starts_with("./") || raw.starts_with("../");
    let raw = if !relative && url.starts_with("file://") {
        // file://host/path: Go's url.Parse keeps only the path.
        match raw.find('/') {
            Some(i) => &raw[i..],
            None => "",
        }
    } else {
        raw
    };
    let decoded = percent_decode(raw).ok_or_else(|| RepositoryError::InvalidUrl {
        url: url.to_string(),
        reason: "invalid url: malformed percent-encoding".to_string(),
    })?;
    if relative {
        let base = base_dir.ok_or_else(|| RepositoryError::InvalidUrl {
            url: url.to_string(),
            reason: format!(
                "invalid path: path {url:?} is relative, and relative paths are resolved against the folder of the configuration file, but none is in use; use an absolute path"
            ),
        })?;
        return Ok(normalize(&base.join(&decoded)));
    }
    if !decoded.starts_with('/') {
        return Err(RepositoryError::InvalidUrl {
            url: url.to_string(),
            reason: format!("invalid path: path {url:?} must be an absolute path"),
        });
    }
    Ok(normalize(Path::new(&decoded)))
}

/// Lexically cleans a path (`a/./b/../c` → `a/c`) like Go's `filepath.Clean`.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    format!("/{}", parts.join("/"))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Repository for LocalRepository {
    async fn versions(&self) -> Result<Vec<String>, RepositoryError> {
        let dir = self.release_dir();
        let entries = std::fs::read_dir(&dir).map_err(|source| RepositoryError::Io {
            action: "failed to list release directories".to_string(),
            path: dir.clone(),
            source,
        })?;
        let mut versions: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.parse::<Version>().is_ok())
            .collect();
        versions.sort();
        Ok(versions)
    }

    async fn file(&self, version: &str, path: &str) -> Result<Vec<u8>, RepositoryError> {
        let absolute = self.release_dir().join(version).join(path);
        let not_found = |source: std::io::Error| RepositoryError::NotFound {
            what: format!(
                "failed to read file {:?} from local release {version}",
                absolute.display().to_string()
            ),
            source: Some(source),
        };
        let meta = std::fs::metadata(&absolute).map_err(not_found)?;
        if meta.is_dir() {
            return Err(RepositoryError::InvalidUrl {
                url: self.url.clone(),
                reason: format!(
                    "invalid path: file {path:?} is actually a directory {:?}",
                    absolute.display().to_string()
                ),
            });
        }
        std::fs::read(&absolute).map_err(not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Ported from cmd/clusterctl/client/repository/repository_local_test.go (Test_localRepository_newLocalRepository).
    #[test]
    fn url_layout_is_validated() {
        let ok = LocalRepository::open(
            "/home/user/.config/cluster-api/overrides/infrastructure-docker/v0.3.0/infrastructure-components.yaml",
            "infrastructure-docker",
            None,
        )
        .unwrap();
        assert_eq!(
            ok.basepath,
            PathBuf::from("/home/user/.config/cluster-api/overrides")
        );

        let file = LocalRepository::open(
            "file:///repo/cluster-api/latest/core-components.yaml",
            "cluster-api",
            None,
        )
        .unwrap();
        assert_eq!(file.basepath, PathBuf::from("/repo"));

        let cases = [
            (
                "relative/infrastructure-docker/v0.3.0/c.yaml",
                "infrastructure-docker",
                "must be an absolute path",
            ),
            ("/a", "infrastructure-docker", "path should be in the form"),
            ("/a/b", "infrastructure-docker", "invalid version: \"a\""),
            (
                "/repo/infrastructure-docker/foo/c.yaml",
                "infrastructure-docker",
                "invalid version: \"foo\"",
            ),
            (
                "/repo/infrastructure-aws/v1.0.0/c.yaml",
                "infrastructure-docker",
                "must contain provider \"infrastructure-docker\"",
            ),
        ];
        for (url, label, want) in cases {
            let err = LocalRepository::open(url, label, None)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{url}: {err}");
        }
    }

    #[test]
    fn relative_urls_resolve_against_the_config_folder() {
        let repo = LocalRepository::open(
            "file://./repository/cluster-api/latest/core-components.yaml",
            "cluster-api",
            Some(Path::new("/work/testdata")),
        )
        .unwrap();
        assert_eq!(repo.basepath, PathBuf::from("/work/testdata/repository"));
        let up = LocalRepository::open(
            "../repo/cluster-api/v1.0.0/c.yaml",
            "cluster-api",
            Some(Path::new("/a/b")),
        )
        .unwrap();
        assert_eq!(up.basepath, PathBuf::from("/a/repo"));
        assert!(
            LocalRepository::open("./repo/cluster-api/v1.0.0/c.yaml", "cluster-api", None).is_err()
        );
    }
}
