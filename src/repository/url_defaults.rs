//! What a provider URL says besides where its repository is: the version it names (`latest` or
//! a tag) and the file name of the components manifest. Every backend's URL carries both, so
//! they are read here once instead of by each backend.

use super::github::GitHubUrl;
use super::oci::{OciUrl, default_components_file};
use crate::config::ProviderConfig;

/// The version and components file a provider URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlDefaults {
    /// `latest` or a tag.
    pub version: String,
    /// The components file name (`core-components.yaml`).
    pub components_path: String,
}

impl UrlDefaults {
    /// Reads `provider`'s URL as its backend does: `oci://…[:tag][/file]` (no tag means
    /// `latest`, no file the type's default), `https://{github host}/…/releases/{version}/…/{file}`
    /// for GitHub and the hosts in `github_hosts`, and otherwise the layout
    /// `…/{version}/{file}` of local folders, HTTP mirrors and GitLab packages.
    pub fn of(provider: &ProviderConfig, github_hosts: &[String]) -> UrlDefaults {
        let url = provider.url.as_str();
        if url.starts_with("oci://")
            && let Ok(location) = OciUrl::parse(url)
        {
            return UrlDefaults {
                version: location.tag.unwrap_or_else(|| "latest".into()),
                components_path: location
                    .file
                    .unwrap_or_else(|| default_components_file(provider.provider_type).to_string()),
            };
        }
        if let Some(Ok(location)) = GitHubUrl::parse(url, github_hosts) {
            return UrlDefaults {
                version: location.version,
                components_path: location.components_path,
            };
        }
        UrlDefaults::from_layout(url)
    }

    /// The last two segments of `url`, `…/{version}/{file}`.
    pub fn from_layout(url: &str) -> UrlDefaults {
        let mut segments = url.rsplit('/');
        let components_path = segments.next().unwrap_or_default().to_string();
        UrlDefaults {
            version: segments.next().unwrap_or_default().to_string(),
            components_path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderType;

    fn defaults(url: &str) -> (String, String) {
        let provider = ProviderConfig {
            name: "cluster-api".into(),
            url: url.into(),
            provider_type: ProviderType::Core,
        };
        let d = UrlDefaults::of(&provider, &["ghe.example.com".into()]);
        (d.version, d.components_path)
    }

    #[test]
    fn every_url_form() {
        let cases = [
            (
                "https://github.com/o/r/releases/latest/core-components.yaml",
                ("latest", "core-components.yaml"),
            ),
            (
                "https://ghe.example.com/o/r/releases/v1.2.3/a/b/c.yaml",
                ("v1.2.3", "c.yaml"),
            ),
            (
                "/repo/cluster-api/v0.3.0/core-components.yaml",
                ("v0.3.0", "core-components.yaml"),
            ),
            (
                "https://m.example/capi/cluster-api/latest/c.yaml",
                ("latest", "c.yaml"),
            ),
            (
                "https://gitlab.example.org/api/v4/projects/p/packages/generic/pkg/v1.0.0/c.yaml",
                ("v1.0.0", "c.yaml"),
            ),
            (
                "oci://r.example/capi/core-cluster-api",
                ("latest", "core-components.yaml"),
            ),
            (
                "oci://r.example/capi/core-cluster-api:v1.0.0/c.yaml",
                ("v1.0.0", "c.yaml"),
            ),
        ];
        for (url, (version, file)) in cases {
            assert_eq!(defaults(url), (version.into(), file.into()), "{url}");
        }
    }
}
