//! GitHub releases: `https://github.com/{owner}/{repo}/releases/{latest|tag}/{file}`, and the
//! same on GitHub Enterprise hosts listed under `github-hosts` (API under `/api/v3`).
//!
//! Three tiers, cheapest first: versions from the Go module proxy, files from
//! `releases/download/{tag}/{file}` (no API quota), and the REST API only when those cannot
//! answer. Everything goes through the shared [`Fetcher`], so the disk cache, rate-limit rules
//! and offline mode apply.

use std::collections::HashMap;

use serde_json::Value;
use tokio::sync::Mutex;

use super::goproxy::{self, ProxyEntry};
use super::{Repository, RepositoryError};
use crate::config::Config;
use crate::fetch::{FetchError, Fetcher, Lifetime, Request, RequestKind};
use crate::version::Version;

const GITHUB_DOT_COM: &str = "github.com";

/// A parsed GitHub release URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubUrl {
    /// `https` (or `http` for a loopback test host).
    pub scheme: String,
    /// `github.com` or an Enterprise `host[:port]`.
    pub host: String,
    /// Repository owner.
    pub owner: String,
    /// Repository name.
    pub repo: String,
    /// `latest` or a tag.
    pub version: String,
    /// Folder of the components file inside the release (`` or `a/b/`).
    pub root_path: String,
    /// File name of the components file.
    pub components_path: String,
}

impl GitHubUrl {
    /// Parses `url` when its host is github.com or one of `github_hosts`; `None` otherwise.
    pub fn parse(url: &str, github_hosts: &[String]) -> Option<Result<GitHubUrl, RepositoryError>> {
        let (scheme, rest) = url.split_once("://")?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let known = host == GITHUB_DOT_COM || github_hosts.iter().any(|h| h == host);
        if !known {
            return None;
        }
        if scheme != "https" && !(scheme == "http" && is_loopback(host)) {
            return Some(Err(RepositoryError::InvalidUrl {
                url: url.to_string(),
                reason: format!(
                    "invalid url: GitHub host {host} must be reached over https (plain http is allowed on loopback only)"
                ),
            }));
        }
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() < 5 || parts[2] != "releases" || parts.iter().take(4).any(|p| p.is_empty()) {
            return Some(Err(RepositoryError::InvalidUrl {
                url: url.to_string(),
                reason: "invalid url: a GitHub repository url should be in the form https://github.com/{owner}/{Repository}/releases/{latest|version-tag}/{componentsClient.yaml}".into(),
            }));
        }
        let file_path = parts[4..].join("/");
        let (root_path, components_path) = match file_path.rfind('/') {
            Some(i) => (file_path[..=i].to_string(), file_path[i + 1..].to_string()),
            None => (String::new(), file_path.clone()),
        };
        Some(Ok(GitHubUrl {
            scheme: scheme.to_string(),
            host: host.to_string(),
            owner: parts[0].to_string(),
            repo: parts[1].to_string(),
            version: parts[3].to_string(),
            root_path,
            components_path,
        }))
    }

    /// The REST API base (`https://api.github.com`, or `{scheme}://{host}/api/v3`).
    pub fn api_base(&self) -> String {
        if self.host == GITHUB_DOT_COM {
            "https://api.github.com".into()
        } else {
            format!("{}://{}/api/v3", self.scheme, self.host)
        }
    }

    /// The Go module path of the repository (`github.com/{owner}/{repo}`).
    pub fn module(&self) -> String {
        let host = self.host.split(':').next().unwrap_or(&self.host);
        format!("{host}/{}/{}", self.owner, self.repo)
    }
}

/// Whether `host` (with optional port) is a loopback address.
pub fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The token for GitHub: `GITHUB_TOKEN`, then `GH_TOKEN`, then `github-token` in the file.
pub fn github_token(config: &Config) -> Option<String> {
    let env = config.env();
    env.get("GITHUB_TOKEN")
        .or_else(|| env.get("GH_TOKEN"))
        .map(str::to_string)
        .or_else(|| config.get("github-token"))
        .filter(|t| !t.is_empty())
}

/// A GitHub-hosted provider repository.
pub struct GitHubRepository {
    location: GitHubUrl,
    fetcher: Fetcher,
    authorization: Option<String>,
    proxies: Vec<ProxyEntry>,
    hint: String,
    releases: Mutex<HashMap<String, Option<Value>>>,
}

impl GitHubRepository {
    /// Opens the repository at `location`.
    pub fn new(
        location: GitHubUrl,
        config: &Config,
        fetcher: &Fetcher,
        hint: String,
    ) -> GitHubRepository {
        GitHubRepository {
            fetcher: fetcher.clone(),
            authorization: github_token(config).map(|t| format!("Bearer {t}")),
            proxies: goproxy::parse_goproxy(config.env().get("GOPROXY")),
            location,
            hint,
            releases: Mutex::new(HashMap::new()),
        }
    }

    fn request(&self, url: String, kind: RequestKind, lifetime: Lifetime) -> Request {
        let mut request = Request::get(url, kind).cached(lifetime).hinted(&self.hint);
        request.github = true;
        request.authorization.clone_from(&self.authorization);
        request
    }

    fn repo_api(&self) -> String {
        format!(
            "{}/repos/{}/{}",
            self.location.api_base(),
            self.location.owner,
            self.location.repo
        )
    }

    /// Tags of every release, from the REST API (paginated, 100 per page).
    async fn versions_from_api(&self) -> Result<Vec<String>, RepositoryError> {
        let mut versions = Vec::new();
        for page in 1..=100 {
            let url = format!("{}/releases?per_page=100&page={page}", self.repo_api());
            let body = self
                .fetcher
                .get(&self.request(url.clone(), RequestKind::Api, Lifetime::Mutable))
                .await
                .map_err(|e| fetch_error(e, "failed to get the list of releases"))?;
            let releases: Vec<Value> = serde_json::from_slice(&body).map_err(|source| {
                RepositoryError::InvalidReleaseList {
                    url: url.clone(),
                    source,
                }
            })?;
            let count = releases.len();
            versions.extend(
                releases
                    .iter()
                    .filter_map(|r| r.get("tag_name").and_then(Value::as_str))
                    .filter(|t| t.parse::<Version>().is_ok())
                    .map(str::to_string),
            );
            if count < 100 {
                break;
            }
        }
        Ok(versions)
    }

    /// The release with tag `version`, or `None` when it does not exist (yet).
    async fn release(&self, version: &str) -> Result<Option<Value>, RepositoryError> {
        if let Some(known) = self.releases.lock().await.get(version) {
            return Ok(known.clone());
        }
        let url = format!("{}/releases/tags/{version}", self.repo_api());
        let release = match self
            .fetcher
            .get(&self.request(url.clone(), RequestKind::Api, Lifetime::Mutable))
            .await
        {
            Ok(body) => Some(serde_json::from_slice(&body).map_err(|source| {
                RepositoryError::InvalidRelease {
                    version: version.to_string(),
                    url,
                    source,
                }
            })?),
            Err(e) if e.is_not_found() => None,
            Err(e) => {
                return Err(fetch_error(
                    e,
                    &format!("failed to read release {version:?}"),
                ));
            }
        };
        self.releases
            .lock()
            .await
            .insert(version.to_string(), release.clone());
        Ok(release)
    }

    /// A file through the API: release by tag, then the asset by id.
    async fn file_from_api(&self, version: &str, name: &str) -> Result<Vec<u8>, RepositoryError> {
        let Some(release) = self.release(version).await? else {
            return Err(RepositoryError::NotFound {
                what: format!(
                    "release not found for version {version}, please retry later or set \"GOPROXY=off\" to get the current stable release"
                ),
                source: None,
            });
        };
        let asset = release
            .get("assets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|a| a.get("name").and_then(Value::as_str) == Some(name));
        let Some(id) = asset.and_then(|a| a.get("id")).and_then(Value::as_u64) else {
            return Err(RepositoryError::NotFound {
                what: format!("failed to get file {name:?} from {version:?} release"),
                source: None,
            });
        };
        let url = format!("{}/releases/assets/{id}", self.repo_api());
        let mut request = self.request(url, RequestKind::Api, Lifetime::Immutable);
        request.accept = Some("application/octet-stream");
        self.fetcher.get(&request).await.map_err(|e| {
            fetch_error(
                e,
                &format!("failed to download file {name:?} from {version:?} release"),
            )
        })
    }
}

/// Turns a fetch failure into a repository error; a 404 stays "not found".
fn fetch_error(e: FetchError, context: &str) -> RepositoryError {
    match e {
        FetchError::NotFound { url } => RepositoryError::NotFound {
            what: format!("{context}: {url} was not found (404)"),
            source: None,
        },
        other => RepositoryError::Fetch(other).context(context),
    }
}

impl Repository for GitHubRepository {
    async fn versions(&self) -> Result<Vec<String>, RepositoryError> {
        let module = self.location.module();
        match goproxy::list_versions(&self.fetcher, &self.proxies, &module, &self.hint).await {
            Ok(Some(versions)) => return Ok(versions),
            Ok(None) => {}
            Err(e @ FetchError::Offline { .. }) => return Err(RepositoryError::Fetch(e)),
            Err(e) => {
                tracing::debug!(error = %e, module, "Go proxy unavailable; listing releases through the GitHub API")
            }
        }
        self.versions_from_api().await
    }

    async fn file(&self, version: &str, path: &str) -> Result<Vec<u8>, RepositoryError> {
        let name = format!("{}{path}", self.location.root_path);
        let url = format!(
            "{}://{}/{}/{}/releases/download/{version}/{name}",
            self.location.scheme, self.location.host, self.location.owner, self.location.repo
        );
        let request = self.request(url, RequestKind::Download, Lifetime::Immutable);
        match self.fetcher.get(&request).await {
            Ok(bytes) => Ok(bytes),
            Err(e @ FetchError::Offline { .. }) => Err(RepositoryError::Fetch(e)),
            Err(e @ FetchError::RateLimited { .. }) => Err(RepositoryError::Fetch(e)),
            Err(e) => {
                tracing::debug!(error = %e, "download failed; asking the GitHub API");
                self.file_from_api(version, &name).await
            }
        }
    }
}

/// Reads a template given as a GitHub URL (`--from`), or `None` when `url` is not on a GitHub
/// host. `.../blob/{ref}/{path}` is read through the contents API (one call), and
/// `.../releases/download/{tag}/{asset}` is downloaded directly (no API quota).
pub async fn read_template_url(
    url: &str,
    config: &Config,
    fetcher: &Fetcher,
) -> Option<Result<Vec<u8>, RepositoryError>> {
    use base64::Engine;
    let hosts = config.github_hosts().unwrap_or_default();
    let (scheme, rest) = url.split_once("://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host != GITHUB_DOT_COM && !hosts.iter().any(|h| h == host) {
        return None;
    }
    let invalid = || RepositoryError::InvalidUrl {
        url: url.to_string(),
        reason: format!(
            "invalid GitHub url {url:?}: a GitHub url should be in on of these the forms\n- https://github.com/{{owner}}/{{repository}}/blob/{{branch}}/{{path-to-file}}\n- https://github.com/{{owner}}/{{repository}}/releases/download/{{tag}}/{{asset-file-name}}"
        ),
    };
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 5 {
        return Some(Err(invalid()));
    }
    let location = GitHubUrl {
        scheme: scheme.to_string(),
        host: host.to_string(),
        owner: parts[0].to_string(),
        repo: parts[1].to_string(),
        version: String::new(),
        root_path: String::new(),
        components_path: String::new(),
    };
    let authorization = github_token(config).map(|t| format!("Bearer {t}"));
    let mut request = match (parts[2], parts[3]) {
        ("blob", reference) => {
            let file = parts[4..].join("/");
            let api = format!(
                "{}/repos/{}/{}/contents/{file}?ref={reference}",
                location.api_base(),
                location.owner,
                location.repo
            );
            Request::get(api, RequestKind::Api).cached(Lifetime::Mutable)
        }
        ("releases", "download") if parts.len() >= 6 => {
            Request::get(url, RequestKind::Download).cached(Lifetime::Immutable)
        }
        _ => return Some(Err(invalid())),
    };
    request.github = true;
    request.authorization = authorization;
    let body = match fetcher.get(&request).await {
        Ok(body) => body,
        Err(e) => return Some(Err(fetch_error(e, &format!("failed to get {url}")))),
    };
    if parts[2] != "blob" {
        return Some(Ok(body));
    }
    let decoded = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|json| {
            let content = json.get("content")?.as_str()?.replace(['\n', '\r'], "");
            base64::engine::general_purpose::STANDARD
                .decode(content)
                .ok()
        });
    Some(decoded.ok_or_else(|| RepositoryError::InvalidContents {
        url: url.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Ported from cmd/clusterctl/client/repository/repository_github_test.go
    // (Test_gitHubRepository_newGitHubRepository, getComponentsPath).
    #[test]
    fn parses_release_urls() {
        let hosts = vec!["127.0.0.1:8080".to_string(), "ghe.example.com".to_string()];
        let u = GitHubUrl::parse("https://github.com/o/r/releases/v0.4.1/path", &hosts)
            .unwrap()
            .unwrap();
        assert_eq!(
            (u.owner.as_str(), u.repo.as_str(), u.version.as_str()),
            ("o", "r", "v0.4.1")
        );
        assert_eq!(
            (u.root_path.as_str(), u.components_path.as_str()),
            ("", "path")
        );
        assert_eq!(u.api_base(), "https://api.github.com");
        assert_eq!(u.module(), "github.com/o/r");
        let nested = GitHubUrl::parse("https://github.com/o/r/releases/latest/a/b/c.yaml", &hosts)
            .unwrap()
            .unwrap();
        assert_eq!(
            (nested.root_path.as_str(), nested.components_path.as_str()),
            ("a/b/", "c.yaml")
        );
        let ghe = GitHubUrl::parse("https://ghe.example.com/o/r/releases/latest/c.yaml", &hosts)
            .unwrap()
            .unwrap();
        assert_eq!(ghe.api_base(), "https://ghe.example.com/api/v3");
        let local = GitHubUrl::parse("http://127.0.0.1:8080/o/r/releases/latest/c.yaml", &hosts)
            .unwrap()
            .unwrap();
        assert_eq!(local.api_base(), "http://127.0.0.1:8080/api/v3");
        assert!(
            GitHubUrl::parse("https://gitlab.com/o/r/releases/latest/c.yaml", &hosts).is_none()
        );
        for bad in [
            "https://github.com/o/r/releases/v0.4.1",
            "https://github.com/o/r/blob/v0.4.1/path",
            "https://github.com/o",
            "http://github.com/o/r/releases/latest/c.yaml",
            "http://ghe.example.com/o/r/releases/latest/c.yaml",
        ] {
            assert!(GitHubUrl::parse(bad, &hosts).unwrap().is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_detection() {
        for host in ["127.0.0.1:1", "localhost:8080", "[::1]:9", "127.0.0.1"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["10.0.0.1:1", "example.com", "github.com"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
