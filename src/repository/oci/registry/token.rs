//! Credentials on requests: Basic and static Bearer credentials up front, and `Bearer`
//! challenges answered at the token realm (Basic credentials, an OAuth2 refresh token, or
//! anonymously), once per scope and run.

use super::RegistryClient;
use super::error_message;
use crate::fetch::describe;
use crate::repository::RepositoryError;
use crate::repository::oci::OciError;
use crate::repository::oci::auth::Credential;
use crate::repository::oci::challenge::Challenge;

/// A token realm's answer (distribution's `token`, or OAuth2's `access_token`).
#[derive(serde::Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

impl RegistryClient {
    /// Adds the credentials we have for `scope` to a request.
    pub(super) async fn authorize(
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
    pub(super) async fn answer_challenge(
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
        let realm = self.checked_realm(&challenge.realm).map_err(fail)?;
        let service = challenge.service.as_deref().unwrap_or_default();
        let response = self
            .token_request(realm, service, scope)
            .send()
            .await
            .map_err(|e| fail(describe(&e)))?;
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

    /// The realm as a URL, if credentials may be sent there: https, or plain http on
    /// loopback and hosts listed under insecure-registries.
    fn checked_realm(&self, realm: &str) -> Result<url::Url, String> {
        let url = url::Url::parse(realm).map_err(|e| format!("the realm is not a URL: {e}"))?;
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        let plain_ok = self.plain_http_hosts.iter().any(|h| h == &host)
            || crate::repository::github::is_loopback(&host);
        if url.scheme() == "https" || (url.scheme() == "http" && plain_ok) {
            Ok(url)
        } else {
            Err("refusing to send credentials to a token realm that is not https (list its host under insecure-registries to allow it)".into())
        }
    }

    /// The token request: an OAuth2 refresh grant (POST) for a refresh token, else the
    /// distribution token GET, with Basic credentials when we have them.
    fn token_request(
        &self,
        mut realm: url::Url,
        service: &str,
        scope: &str,
    ) -> reqwest::RequestBuilder {
        if let Credential::RefreshToken(refresh) = &self.credential.credential {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "refresh_token")
                .append_pair("refresh_token", refresh)
                .append_pair("service", service)
                .append_pair("scope", scope)
                .append_pair("client_id", "capictl")
                .finish();
            return self
                .http
                .post(realm)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body);
        }
        {
            let mut query = realm.query_pairs_mut();
            if !service.is_empty() {
                query.append_pair("service", service);
            }
            query.append_pair("scope", scope);
        }
        let request = self.http.get(realm);
        match &self.credential.credential {
            Credential::Basic { username, password } => {
                request.basic_auth(username, Some(password))
            }
            _ => request,
        }
    }
}
