//! A small client for the OCI distribution API, on the shared reqwest client: tags (following
//! `Link` and `n`/`last` pagination), manifests, blobs and the push calls.
//!
//! Credentials are answered on demand: Basic and static Bearer credentials are sent with the
//! first request, and a `401` with a `Bearer realm=…` challenge is answered at the token realm
//! (with the Basic credentials, an OAuth2 refresh token, or anonymously), once per scope.
//! There is no `GET /v2/` ping, so a registry open to anonymous pulls costs one request per
//! item, and a warm cache costs none.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;

use super::OciError;
use super::auth::{Credential, ResolvedCredential};
use super::challenge::{Challenge, next_link};
use crate::fetch::FetchError;
use crate::repository::RepositoryError;

/// Manifest media types we ask for.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";
/// Tags asked for per page.
pub const TAGS_PAGE: usize = 100;
/// At most this many pages are followed (100 000 tags).
const MAX_PAGES: usize = 1000;
/// Attempts for transient failures (5xx, 429, connection errors).
const ATTEMPTS: u32 = 3;
/// Largest manifest accepted.
pub const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// What a request is for, which decides the token scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Reading.
    Pull,
    /// Writing (also needs pull).
    Push,
}

impl Operation {
    fn scope(self) -> &'static str {
        match self {
            Operation::Pull => "pull",
            Operation::Push => "pull,push",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Operation::Pull => "pull",
            Operation::Push => "push",
        }
    }
}

/// The distribution API of one registry, with one set of credentials.
pub struct RegistryClient {
    http: reqwest::Client,
    scheme: &'static str,
    registry: String,
    credential: ResolvedCredential,
    /// Registries whose token realm may be plain HTTP (loopback and insecure-registries).
    plain_http_hosts: Vec<String>,
    retry_base: Duration,
    /// Bearer tokens by scope, and the last Bearer challenge seen (to skip the 401 next time).
    tokens: Mutex<HashMap<String, String>>,
    bearer: Mutex<Option<Challenge>>,
}

/// A manifest as it arrived.
pub struct FetchedManifest {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// `Docker-Content-Digest`, if the registry sent it.
    pub digest: Option<String>,
}

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

impl RegistryClient {
    /// A client for `registry` over `http` (plain HTTP when `plain_http` says so).
    pub fn new(
        http: reqwest::Client,
        registry: &str,
        plain_http_hosts: Vec<String>,
        credential: ResolvedCredential,
        retry_base: Duration,
    ) -> RegistryClient {
        let plain = plain_http_hosts.iter().any(|h| h == registry);
        RegistryClient {
            http,
            scheme: if plain { "http" } else { "https" },
            registry: registry.to_string(),
            credential,
            plain_http_hosts,
            retry_base,
            tokens: Mutex::new(HashMap::new()),
            bearer: Mutex::new(None),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}://{}/v2/{path}", self.scheme, self.registry)
    }

    /// Sends the request `make` builds, answering auth challenges and retrying transient
    /// failures. Returns any response other than 401/403/5xx (including 404).
    async fn send(
        &self,
        op: Operation,
        repository: &str,
        make: &(dyn Fn() -> reqwest::RequestBuilder + Send + Sync),
    ) -> Result<reqwest::Response, RepositoryError> {
        let scope = format!("repository:{repository}:{}", op.scope());
        let mut delay = self.retry_base;
        let mut attempt = 1;
        let mut challenged = false;
        loop {
            let request = self.authorize(make(), &scope, repository).await?;
            let url_for_log = request
                .try_clone()
                .and_then(|r| r.build().ok())
                .map(|r| format!("{} {}", r.method(), r.url()))
                .unwrap_or_default();
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) if attempt < ATTEMPTS && !e.is_builder() => {
                    tracing::debug!(request = %url_for_log, error = %e, "Retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                    attempt += 1;
                    continue;
                }
                Err(e) => {
                    return Err(RepositoryError::Fetch(FetchError::Transport {
                        url: e.url().map(|u| u.to_string()).unwrap_or(url_for_log),
                        reason: describe(&e),
                    }));
                }
            };
            let status = response.status().as_u16();
            tracing::trace!(request = %url_for_log, status, "OCI");
            match status {
                401 if !challenged => {
                    challenged = true;
                    let header = response
                        .headers()
                        .get(reqwest::header::WWW_AUTHENTICATE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    if self
                        .answer_challenge(header.as_deref(), &scope, repository)
                        .await?
                    {
                        continue;
                    }
                    return Err(self.unauthorized(repository, response).await);
                }
                401 => return Err(self.unauthorized(repository, response).await),
                403 => {
                    let detail = error_message(&response.text().await.unwrap_or_default());
                    return Err(RepositoryError::Oci(OciError::Denied {
                        registry: self.registry.clone(),
                        repository: repository.to_string(),
                        operation: op.name(),
                        source_of_credentials: self.credential.source.clone(),
                        detail,
                    }));
                }
                429 | 500..=599 if attempt < ATTEMPTS => {
                    tracing::debug!(request = %url_for_log, status, "Retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                    attempt += 1;
                }
                _ => return Ok(response),
            }
        }
    }

    async fn unauthorized(&self, repository: &str, response: reqwest::Response) -> RepositoryError {
        let detail = error_message(&response.text().await.unwrap_or_default());
        RepositoryError::Oci(OciError::Unauthorized {
            registry: self.registry.clone(),
            repository: repository.to_string(),
            source_of_credentials: self.credential.source.clone(),
            detail,
        })
    }

    /// Adds the credentials we have for `scope` to a request.
    async fn authorize(
        &self,
        request: reqwest::RequestBuilder,
        scope: &str,
        repository: &str,
    ) -> Result<reqwest::RequestBuilder, RepositoryError> {
        if let Some(token) = self.tokens.lock().await.get(scope) {
            return Ok(request.bearer_auth(token));
        }
        // Once a registry has asked for Bearer tokens, get one for a new scope up front.
        let known = self.bearer.lock().await.clone();
        if let Some(challenge) = known
            && !matches!(self.credential.credential, Credential::Bearer(_))
        {
            let token = self.fetch_token(&challenge, scope, repository).await?;
            self.tokens
                .lock()
                .await
                .insert(scope.to_string(), token.clone());
            return Ok(request.bearer_auth(token));
        }
        Ok(match &self.credential.credential {
            Credential::Basic { username, password } => {
                request.basic_auth(username, Some(password))
            }
            Credential::Bearer(token) => request.bearer_auth(token),
            Credential::Anonymous | Credential::RefreshToken(_) => request,
        })
    }

    /// Answers a 401: true when a token was obtained and the request should be sent again.
    async fn answer_challenge(
        &self,
        header: Option<&str>,
        scope: &str,
        repository: &str,
    ) -> Result<bool, RepositoryError> {
        let Some(challenge) = header.and_then(Challenge::bearer) else {
            return Ok(false);
        };
        if matches!(self.credential.credential, Credential::Bearer(_)) {
            // A static access token is used as it is (as the operator and oras do).
            return Ok(false);
        }
        let token = self.fetch_token(&challenge, scope, repository).await?;
        self.tokens.lock().await.insert(scope.to_string(), token);
        *self.bearer.lock().await = Some(challenge);
        Ok(true)
    }

    /// Gets a token for `scope` at the challenge's realm.
    async fn fetch_token(
        &self,
        challenge: &Challenge,
        scope: &str,
        repository: &str,
    ) -> Result<String, RepositoryError> {
        let fail = |reason: String| {
            RepositoryError::Oci(OciError::Token {
                repository: repository.to_string(),
                realm: challenge.realm.clone(),
                reason,
            })
        };
        let realm = url::Url::parse(&challenge.realm)
            .map_err(|e| fail(format!("the realm is not a URL: {e}")))?;
        let realm_host = match realm.port() {
            Some(port) => format!("{}:{port}", realm.host_str().unwrap_or_default()),
            None => realm.host_str().unwrap_or_default().to_string(),
        };
        let plain_ok = self.plain_http_hosts.iter().any(|h| h == &realm_host)
            || crate::repository::github::is_loopback(&realm_host);
        if realm.scheme() != "https" && !(realm.scheme() == "http" && plain_ok) {
            return Err(fail(
                "refusing to send credentials to a token realm that is not https (list its host under insecure-registries to allow it)".into(),
            ));
        }
        let service = challenge.service.clone().unwrap_or_default();
        let request = match &self.credential.credential {
            Credential::RefreshToken(refresh) => {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", "refresh_token")
                    .append_pair("refresh_token", refresh)
                    .append_pair("service", &service)
                    .append_pair("scope", scope)
                    .append_pair("client_id", "capictl")
                    .finish();
                self.http
                    .post(realm.clone())
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(body)
            }
            other => {
                let mut url = realm.clone();
                {
                    let mut query = url.query_pairs_mut();
                    if !service.is_empty() {
                        query.append_pair("service", &service);
                    }
                    query.append_pair("scope", scope);
                }
                let request = self.http.get(url);
                match other {
                    Credential::Basic { username, password } => {
                        request.basic_auth(username, Some(password))
                    }
                    _ => request,
                }
            }
        };
        let response = request.send().await.map_err(|e| fail(describe(&e)))?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        match status {
            200 => {
                let answer: TokenAnswer = serde_json::from_str(&body)
                    .map_err(|e| fail(format!("the answer is not a token: {e}")))?;
                answer
                    .token
                    .or(answer.access_token)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| fail("the answer holds no token".into()))
            }
            401 | 403 => Err(RepositoryError::Oci(OciError::Unauthorized {
                registry: self.registry.clone(),
                repository: repository.to_string(),
                source_of_credentials: self.credential.source.clone(),
                detail: error_message(&body),
            })),
            _ => Err(fail(format!("{status} {}", error_message(&body)))),
        }
    }

    /// Every tag of `repository`, following `Link: <…>; rel="next"` and `n`/`last` pagination.
    pub async fn tags(&self, repository: &str) -> Result<Vec<String>, RepositoryError> {
        let mut url = self.url(&format!("{repository}/tags/list?n={TAGS_PAGE}"));
        let mut tags = BTreeSet::new();
        let mut previous_last: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let request_url = url.clone();
            let response = self
                .send(Operation::Pull, repository, &|| self.http.get(&request_url))
                .await?;
            let status = response.status().as_u16();
            if status == 404 {
                return Err(RepositoryError::NotFound {
                    what: format!(
                        "oci://{}/{repository} does not exist (the registry answered 404 to its tag list)",
                        self.registry
                    ),
                    source: None,
                });
            }
            let link = response
                .headers()
                .get_all(reqwest::header::LINK)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(next_link);
            let body = self.read_ok(response, &url, MAX_MANIFEST_BYTES).await?;
            let page: TagList = serde_json::from_slice(&body).map_err(|e| {
                RepositoryError::Oci(OciError::Registry {
                    url: url.clone(),
                    status,
                    message: format!("the tag list is not JSON: {e}"),
                })
            })?;
            let page = page.tags.unwrap_or_default();
            let count = page.len();
            let last = page.last().cloned();
            tags.extend(page);
            if let Some(next) = link {
                url = self.follow(&url, &next)?;
                continue;
            }
            // Without Link, a full page may mean more: ask again after the last tag, unless the
            // registry ignored `last` (same page again).
            if count == TAGS_PAGE && last.is_some() && last != previous_last {
                let last = last.unwrap_or_default();
                url = self.url(&format!(
                    "{repository}/tags/list?n={TAGS_PAGE}&last={}",
                    url::form_urlencoded::byte_serialize(last.as_bytes()).collect::<String>()
                ));
                previous_last = Some(last);
                continue;
            }
            break;
        }
        Ok(tags.into_iter().collect())
    }

    /// Resolves a `Link` target against the current URL; only the same registry is followed.
    fn follow(&self, current: &str, next: &str) -> Result<String, RepositoryError> {
        let base = url::Url::parse(current).map_err(|e| {
            RepositoryError::Unsupported(format!("invalid registry URL {current}: {e}"))
        })?;
        let joined = base.join(next).map_err(|e| {
            RepositoryError::Unsupported(format!("invalid Link {next:?} from {current}: {e}"))
        })?;
        if joined.host_str() != base.host_str() || joined.port() != base.port() {
            return Err(RepositoryError::Unsupported(format!(
                "the registry's tag list points to another host ({joined}); refusing to follow it"
            )));
        }
        Ok(joined.to_string())
    }

    /// The manifest `reference` (a tag or digest) of `repository`.
    pub async fn manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<FetchedManifest, RepositoryError> {
        let url = self.url(&format!("{repository}/manifests/{reference}"));
        let response = self
            .send(Operation::Pull, repository, &|| {
                self.http
                    .get(&url)
                    .header(reqwest::header::ACCEPT, MANIFEST_ACCEPT)
            })
            .await?;
        if response.status().as_u16() == 404 {
            return Err(self.manifest_not_found(repository, reference));
        }
        let digest = content_digest(&response);
        let bytes = self.read_ok(response, &url, MAX_MANIFEST_BYTES).await?;
        Ok(FetchedManifest { bytes, digest })
    }

    /// The digest the tag points at, from a HEAD request (`None` if the registry does not say).
    pub async fn manifest_digest(
        &self,
        op: Operation,
        repository: &str,
        reference: &str,
    ) -> Result<Option<String>, RepositoryError> {
        let url = self.url(&format!("{repository}/manifests/{reference}"));
        let response = self
            .send(op, repository, &|| {
                self.http
                    .head(&url)
                    .header(reqwest::header::ACCEPT, MANIFEST_ACCEPT)
            })
            .await?;
        match response.status().as_u16() {
            200 => Ok(content_digest(&response)),
            404 => Err(self.manifest_not_found(repository, reference)),
            status => Err(RepositoryError::Oci(OciError::Registry {
                url,
                status,
                message: String::new(),
            })),
        }
    }

    fn manifest_not_found(&self, repository: &str, reference: &str) -> RepositoryError {
        let separator = if reference.starts_with("sha256:") {
            '@'
        } else {
            ':'
        };
        RepositoryError::NotFound {
            what: format!(
                "oci://{}/{repository}{separator}{reference} does not exist (404)",
                self.registry
            ),
            source: None,
        }
    }

    /// A blob, at most `limit` bytes (not verified here).
    pub async fn blob(
        &self,
        repository: &str,
        digest: &str,
        limit: u64,
    ) -> Result<Vec<u8>, RepositoryError> {
        let url = self.url(&format!("{repository}/blobs/{digest}"));
        let response = self
            .send(Operation::Pull, repository, &|| self.http.get(&url))
            .await?;
        if response.status().as_u16() == 404 {
            return Err(RepositoryError::NotFound {
                what: format!(
                    "layer oci://{}/{repository}@{digest} does not exist (404)",
                    self.registry
                ),
                source: None,
            });
        }
        self.read_ok(response, &url, limit).await
    }

    /// Whether the registry has blob `digest` in `repository`.
    pub async fn blob_exists(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<bool, RepositoryError> {
        let url = self.url(&format!("{repository}/blobs/{digest}"));
        let response = self
            .send(Operation::Push, repository, &|| self.http.head(&url))
            .await?;
        Ok(response.status().is_success())
    }

    /// Uploads a blob in one request after opening an upload session.
    pub async fn upload_blob(
        &self,
        repository: &str,
        digest: &str,
        bytes: &[u8],
    ) -> Result<(), RepositoryError> {
        let start = self.url(&format!("{repository}/blobs/uploads/"));
        let response = self
            .send(Operation::Push, repository, &|| {
                self.http
                    .post(&start)
                    .header(reqwest::header::CONTENT_LENGTH, "0")
            })
            .await?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let Some(location) = location.filter(|_| status == 202) else {
            let body = response.text().await.unwrap_or_default();
            return Err(RepositoryError::Oci(OciError::Registry {
                url: start,
                status,
                message: error_message(&body),
            }));
        };
        let mut put = url::Url::parse(&start)
            .and_then(|base| base.join(&location))
            .map_err(|e| {
                RepositoryError::Unsupported(format!("invalid upload location {location:?}: {e}"))
            })?;
        put.query_pairs_mut().append_pair("digest", digest);
        let put = put.to_string();
        let response = self
            .send(Operation::Push, repository, &|| {
                self.http
                    .put(&put)
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .body(bytes.to_vec())
            })
            .await?;
        self.read_ok(response, &put, MAX_MANIFEST_BYTES).await?;
        Ok(())
    }

    /// Puts a manifest under `reference`; returns the digest the registry reports.
    pub async fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Option<String>, RepositoryError> {
        let url = self.url(&format!("{repository}/manifests/{reference}"));
        let response = self
            .send(Operation::Push, repository, &|| {
                self.http
                    .put(&url)
                    .header(reqwest::header::CONTENT_TYPE, media_type)
                    .body(bytes.to_vec())
            })
            .await?;
        let digest = content_digest(&response);
        self.read_ok(response, &url, MAX_MANIFEST_BYTES).await?;
        Ok(digest)
    }

    /// The body of a 2xx answer (at most `limit` bytes), or the registry's error.
    async fn read_ok(
        &self,
        mut response: reqwest::Response,
        url: &str,
        limit: u64,
    ) -> Result<Vec<u8>, RepositoryError> {
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let body = response.text().await.unwrap_or_default();
            return Err(RepositoryError::Oci(OciError::Registry {
                url: url.to_string(),
                status,
                message: error_message(&body),
            }));
        }
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large(url, limit));
        }
        let mut out = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if out.len() as u64 + chunk.len() as u64 > limit {
                        return Err(too_large(url, limit));
                    }
                    out.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(out),
                Err(e) => {
                    return Err(RepositoryError::Fetch(FetchError::Transport {
                        url: url.to_string(),
                        reason: describe(&e),
                    }));
                }
            }
        }
    }
}

fn too_large(url: &str, limit: u64) -> RepositoryError {
    RepositoryError::Oci(OciError::TooLarge {
        what: "the answer".into(),
        reference: url.to_string(),
        limit,
    })
}

fn content_digest(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The `errors[].code: message` of a distribution error body, or its first line.
pub fn error_message(body: &str) -> String {
    #[derive(Deserialize)]
    struct Errors {
        errors: Vec<ErrorItem>,
    }
    #[derive(Deserialize)]
    struct ErrorItem {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    if let Ok(parsed) = serde_json::from_str::<Errors>(body) {
        return parsed
            .errors
            .iter()
            .map(|e| match (e.code.is_empty(), e.message.is_empty()) {
                (false, false) => format!("{} ({})", e.message, e.code),
                (false, true) => e.code.clone(),
                _ => e.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    body.lines()
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(200)
        .collect()
}

/// A transport error in words, with its causes.
fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "timed out".to_string()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_error_bodies() {
        assert_eq!(
            error_message(
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}"#
            ),
            "authentication required (UNAUTHORIZED)"
        );
        assert_eq!(error_message("plain text\nmore"), "plain text");
    }
}
