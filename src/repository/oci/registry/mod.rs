//! A small client for the OCI distribution API, on the shared reqwest client: tags (following
//! `Link` and `n`/`last` pagination), manifests, blobs and the push calls.
//!
//! Credentials are answered on demand: Basic and static Bearer credentials are sent with the
//! first request, and a `401` with a `Bearer realm=…` challenge is answered at the token realm
//! (with the Basic credentials, an OAuth2 refresh token, or anonymously), once per scope.
//! There is no `GET /v2/` ping, so a registry open to anonymous pulls costs one request per
//! item, and a warm cache costs none.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;

mod endpoints;
mod token;

use super::OciError;
use super::auth::ResolvedCredential;
use super::challenge::Challenge;
use crate::fetch::{Backoff, FetchError};
use crate::repository::RepositoryError;

/// Manifest media types we ask for.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";
/// Tags asked for per page.
pub const TAGS_PAGE: usize = 100;
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
        let mut backoff = Backoff::new(ATTEMPTS, self.retry_base);
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
                Err(e) => {
                    if !e.is_builder()
                        && let Some(wait) = backoff.next_delay(None)
                    {
                        tracing::debug!(request = %url_for_log, error = %e, "Retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    let url = e.url().map(|u| u.to_string()).unwrap_or(url_for_log);
                    return Err(FetchError::transport(url, &e).into());
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
                    return Err(self.refused(op, repository, response).await);
                }
                401 | 403 => return Err(self.refused(op, repository, response).await),
                429 | 500..=599 => match backoff.next_delay(None) {
                    Some(wait) => {
                        tracing::debug!(request = %url_for_log, status, "Retrying");
                        tokio::time::sleep(wait).await;
                    }
                    None => return Ok(response),
                },
                _ => return Ok(response),
            }
        }
    }

    /// The error for a 401 or 403, with the registry's message and where the credentials
    /// came from.
    async fn refused(
        &self,
        op: Operation,
        repository: &str,
        response: reqwest::Response,
    ) -> RepositoryError {
        let status = response.status().as_u16();
        let detail = error_message(&response.text().await.unwrap_or_default());
        let (registry, repository) = (self.registry.clone(), repository.to_string());
        let source_of_credentials = self.credential.source.clone();
        RepositoryError::Oci(if status == 403 {
            OciError::Denied {
                registry,
                repository,
                operation: op.name(),
                source_of_credentials,
                detail,
            }
        } else {
            OciError::Unauthorized {
                registry,
                repository,
                source_of_credentials,
                detail,
            }
        })
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
                Err(e) => return Err(FetchError::transport(url, &e).into()),
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
