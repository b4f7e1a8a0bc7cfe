//! GitLab generic packages:
//! `https://{gitlab host}/api/v4/projects/{slug}/packages/generic/{package}/{version}/{file}`.
//! GitLab cannot list package versions, so the only version is the one in the URL.

use super::{Repository, RepositoryError};
use crate::config::Config;
use crate::fetch::{FetchError, Fetcher, Lifetime, Request, RequestKind};

/// A GitLab generic-package repository.
pub struct GitLabRepository {
    host: String,
    project: String,
    package: String,
    /// The version in the URL, the only one GitLab can name.
    version: String,
    fetcher: Fetcher,
    authorization: Option<String>,
    hint: String,
}

impl GitLabRepository {
    /// Whether `url` is a GitLab packages URL (host starting `gitlab.`, path `/api/v4/projects/`).
    pub fn matches(url: &str) -> bool {
        let Some(rest) = url.strip_prefix("https://") else {
            return false;
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        host.starts_with("gitlab.") && path.starts_with("api/v4/projects/")
    }

    /// Opens the repository; `gitlab-access-token` (or `GITLAB_ACCESS_TOKEN`) is sent as a
    /// bearer token.
    pub fn open(
        url: &str,
        config: &Config,
        fetcher: &Fetcher,
        hint: String,
    ) -> Result<GitLabRepository, RepositoryError> {
        let invalid = || {
            RepositoryError::InvalidUrl {
            url: url.to_string(),
            reason: "invalid url: a GitLab repository url should be in the form https://{host}/api/v4/projects/{projectSlug}/packages/generic/{packageName}/{defaultVersion}/{componentsPath}".into(),
        }
        };
        let rest = url.strip_prefix("https://").ok_or_else(invalid)?;
        let (host, path) = rest.split_once('/').ok_or_else(invalid)?;
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() != 9
            || parts[0] != "api"
            || parts[1] != "v4"
            || parts[2] != "projects"
            || parts[4] != "packages"
            || parts[5] != "generic"
        {
            return Err(invalid());
        }
        Ok(GitLabRepository {
            host: host.to_string(),
            project: parts[3].to_string(),
            package: parts[6].to_string(),
            version: parts[7].to_string(),
            fetcher: fetcher.clone(),
            authorization: config
                .get("gitlab-access-token")
                .filter(|t| !t.is_empty())
                .map(|t| format!("Bearer {t}")),
            hint,
        })
    }
}

impl Repository for GitLabRepository {
    async fn versions(&self) -> Result<Vec<String>, RepositoryError> {
        Ok(vec![self.version.clone()])
    }

    async fn file(&self, version: &str, path: &str) -> Result<Vec<u8>, RepositoryError> {
        let url = format!(
            "https://{}/api/v4/projects/{}/packages/generic/{}/{version}/{path}",
            self.host, self.project, self.package
        );
        let mut request = Request::get(url.clone(), RequestKind::Download)
            .cached(Lifetime::Immutable)
            .hinted(&self.hint);
        request.authorization.clone_from(&self.authorization);
        let context = format!("failed to get file {path:?} with version {version:?} from {url:?}");
        self.fetcher.get(&request).await.map_err(|e| match e {
            FetchError::NotFound { .. } => RepositoryError::NotFound {
                what: format!("{context}, got 404"),
                source: None,
            },
            FetchError::Status { status, .. } => RepositoryError::PackageStatus {
                file: path.to_string(),
                version: version.to_string(),
                url,
                status,
            },
            other => RepositoryError::Fetch(other).context(context),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_clusterctl_text() {
        let refused = |status| {
            RepositoryError::PackageStatus {
                file: "c.yaml".into(),
                version: "v1.0.0".into(),
                url: "https://gitlab.example.org/f".into(),
                status,
            }
            .to_string()
        };
        assert_eq!(
            refused(401),
            "failed to get file \"c.yaml\" with version \"v1.0.0\" from \"https://gitlab.example.org/f\": unauthorized access, please check your credentials (gitlab-access-token)"
        );
        assert_eq!(
            refused(500),
            "failed to get file \"c.yaml\" with version \"v1.0.0\" from \"https://gitlab.example.org/f\", got 500"
        );
    }

    // Ported from cmd/clusterctl/client/repository/repository_gitlab_test.go.
    #[test]
    fn url_forms() {
        let fetcher = Fetcher::new(Default::default());
        let config = Config::default();
        let ok = "https://gitlab.example.org/api/v4/projects/group%2Fproject/packages/generic/my-package/v1.0.0/infrastructure-components.yaml";
        assert!(GitLabRepository::matches(ok));
        let repo = GitLabRepository::open(ok, &config, &fetcher, String::new()).unwrap();
        assert_eq!(
            (
                repo.project.as_str(),
                repo.package.as_str(),
                repo.version.as_str()
            ),
            ("group%2Fproject", "my-package", "v1.0.0")
        );
        for bad in [
            "https://gitlab.example.org/api/v4/projects/group/project/packages/generic/my-package/v1.0.0/c.yaml",
            "https://gitlab.example.org/api/v4/projects/p/packages/npm/pkg/v1.0.0/c.yaml",
        ] {
            assert!(
                GitLabRepository::open(bad, &config, &fetcher, String::new()).is_err(),
                "{bad}"
            );
        }
        assert!(!GitLabRepository::matches(
            "https://github.com/o/r/releases/latest/c.yaml"
        ));
    }
}
