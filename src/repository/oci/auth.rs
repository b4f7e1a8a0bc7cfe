//! Registry credentials, found in this order: `OCI_USERNAME`/`OCI_PASSWORD` (Basic),
//! `OCI_ACCESS_TOKEN` (Bearer), `OCI_REFRESH_TOKEN` (OAuth2 refresh token), Docker's
//! `config.json` (`credHelpers` for the registry, then `auths`, then `credsStore`), else
//! anonymous. The first two are the Cluster API Operator's variables.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;

use super::OciError;
use crate::config::Env;

/// How long a Docker credential helper may take.
const HELPER_TIMEOUT: Duration = Duration::from_secs(30);

/// What to present to a registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// No credentials.
    Anonymous,
    /// A user name and password (HTTP Basic, also used at a Bearer token realm).
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// A registry access token, sent as it is.
    Bearer(String),
    /// An OAuth2 refresh token (Docker's `identitytoken`), exchanged at the token realm.
    RefreshToken(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credential::Anonymous => "Anonymous",
            Credential::Basic { .. } => "Basic(<redacted>)",
            Credential::Bearer(_) => "Bearer(<redacted>)",
            Credential::RefreshToken(_) => "RefreshToken(<redacted>)",
        })
    }
}

impl Credential {
    /// A stable text of the secret, hashed into the cache identity so that answers seen with
    /// one set of credentials are not served to another.
    pub fn identity_text(&self) -> Option<String> {
        match self {
            Credential::Anonymous => None,
            Credential::Basic { username, password } => {
                Some(format!("basic {username}:{password}"))
            }
            Credential::Bearer(token) => Some(format!("bearer {token}")),
            Credential::RefreshToken(token) => Some(format!("refresh {token}")),
        }
    }
}

/// Credentials together with where they came from, for messages.
#[derive(Debug, Clone)]
pub struct ResolvedCredential {
    /// The credential.
    pub credential: Credential,
    /// Where it was found (`OCI_USERNAME/OCI_PASSWORD`, `/home/u/.docker/config.json`, …).
    pub source: String,
}

/// Finds the credentials for `registry` (`host[:port]`).
pub async fn resolve(registry: &str, env: &Env) -> Result<ResolvedCredential, OciError> {
    let var = |k: &str| env.get(k).filter(|v| !v.is_empty()).map(str::to_string);
    match (var("OCI_USERNAME"), var("OCI_PASSWORD")) {
        (Some(username), Some(password)) => {
            return Ok(found(
                Credential::Basic { username, password },
                "OCI_USERNAME/OCI_PASSWORD",
            ));
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(OciError::Credentials {
                registry: registry.to_string(),
                reason: "OCI_USERNAME and OCI_PASSWORD must be set together".into(),
            });
        }
        (None, None) => {}
    }
    if let Some(token) = var("OCI_ACCESS_TOKEN") {
        return Ok(found(Credential::Bearer(token), "OCI_ACCESS_TOKEN"));
    }
    if let Some(token) = var("OCI_REFRESH_TOKEN") {
        return Ok(found(Credential::RefreshToken(token), "OCI_REFRESH_TOKEN"));
    }
    if let Some(path) = docker_config_path(env)
        && let Some(resolved) = from_docker_config(&path, registry, env).await?
    {
        return Ok(resolved);
    }
    Ok(found(Credential::Anonymous, "no credentials"))
}

fn found(credential: Credential, source: &str) -> ResolvedCredential {
    ResolvedCredential {
        credential,
        source: source.to_string(),
    }
}

/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
fn docker_config_path(env: &Env) -> Option<PathBuf> {
    if let Some(dir) = env.get("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(Path::new(dir).join("config.json"));
    }
    let home = env.get("HOME").filter(|h| !h.is_empty())?;
    Some(Path::new(home).join(".docker").join("config.json"))
}

/// The parts of Docker's `config.json` that hold credentials.
#[derive(Debug, Default, Deserialize)]
struct DockerConfig {
    #[serde(default)]
    auths: std::collections::BTreeMap<String, DockerAuth>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: std::collections::BTreeMap<String, String>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct DockerAuth {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

async fn from_docker_config(
    path: &Path,
    registry: &str,
    env: &Env,
) -> Result<Option<ResolvedCredential>, OciError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "Ignoring unreadable Docker config");
            return Ok(None);
        }
    };
    let config: DockerConfig = match serde_json::from_slice(&bytes) {
        Ok(config) => config,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "Ignoring invalid Docker config");
            return Ok(None);
        }
    };
    let source = path.display().to_string();
    if let Some((_, helper)) = config
        .cred_helpers
        .iter()
        .find(|(key, _)| same_registry(key, registry))
    {
        let credential = run_helper(helper, registry, env, false).await?;
        return Ok(Some(found(
            credential,
            &format!("credential helper docker-credential-{helper} ({source})"),
        )));
    }
    if let Some((_, auth)) = config
        .auths
        .iter()
        .find(|(key, _)| same_registry(key, registry))
        && let Some(credential) = auth_entry(auth, registry, &source)?
    {
        return Ok(Some(found(credential, &source)));
    }
    if let Some(store) = config.creds_store.filter(|s| !s.is_empty()) {
        // A default store copied from another machine must not block anonymous pulls.
        let credential = run_helper(&store, registry, env, true).await?;
        if credential != Credential::Anonymous {
            return Ok(Some(found(
                credential,
                &format!("credential store docker-credential-{store} ({source})"),
            )));
        }
    }
    Ok(None)
}

/// One `auths` entry: `auth` (base64 `user:pass`), `username`/`password`, `identitytoken` or
/// `registrytoken`. An empty entry (as `docker login` leaves with a credential store) is `None`.
fn auth_entry(
    auth: &DockerAuth,
    registry: &str,
    source: &str,
) -> Result<Option<Credential>, OciError> {
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    if let Some(token) = nonempty(&auth.identitytoken) {
        return Ok(Some(Credential::RefreshToken(token)));
    }
    if let Some(token) = nonempty(&auth.registrytoken) {
        return Ok(Some(Credential::Bearer(token)));
    }
    if let Some(encoded) = nonempty(&auth.auth) {
        let invalid = || OciError::Credentials {
            registry: registry.to_string(),
            reason: format!(
                "the \"auth\" entry in {source} is not base64 of user:password; run docker login {registry} again"
            ),
        };
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| invalid())?;
        let text = String::from_utf8(decoded).map_err(|_| invalid())?;
        let (username, password) = text.split_once(':').ok_or_else(invalid)?;
        return Ok(Some(Credential::Basic {
            username: username.to_string(),
            password: password.to_string(),
        }));
    }
    match (nonempty(&auth.username), nonempty(&auth.password)) {
        (Some(username), Some(password)) => Ok(Some(Credential::Basic { username, password })),
        _ => Ok(None),
    }
}

/// Whether a `config.json` key (`host:port`, `https://host/v1/`, …) names `registry`.
fn same_registry(key: &str, registry: &str) -> bool {
    let host = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = host.split('/').next().unwrap_or(host);
    host == registry || (is_docker_hub(host) && is_docker_hub(registry))
}

fn is_docker_hub(host: &str) -> bool {
    matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    )
}

/// The answer of `docker-credential-<helper> get`.
#[derive(Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Runs `docker-credential-{helper} get` with the registry on stdin. "Not found" is anonymous,
/// and so is a helper that is not installed when `missing_ok`.
async fn run_helper(
    helper: &str,
    registry: &str,
    env: &Env,
    missing_ok: bool,
) -> Result<Credential, OciError> {
    use tokio::io::AsyncWriteExt;
    let program = format!("docker-credential-{helper}");
    let fail = |reason: String| OciError::CredentialHelper {
        helper: program.clone(),
        registry: registry.to_string(),
        reason,
    };
    let server = if is_docker_hub(registry) {
        "https://index.docker.io/v1/".to_string()
    } else {
        registry.to_string()
    };
    let spawned = tokio::process::Command::new(&program)
        .arg("get")
        .env_clear()
        .envs(env.iter())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if missing_ok && e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(helper = %program, registry, "Credential store not installed; continuing without credentials");
            return Ok(Credential::Anonymous);
        }
        Err(e) => {
            return Err(fail(format!(
                "cannot run it ({e}); is it installed and on PATH?"
            )));
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(server.as_bytes())
            .await
            .map_err(|e| fail(format!("cannot write to it: {e}")))?;
    }
    let output = tokio::time::timeout(HELPER_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| {
            fail(format!(
                "it did not answer within {}s",
                HELPER_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| fail(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let message = format!(
            "{}{}",
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
        if message.to_lowercase().contains("credentials not found") {
            return Ok(Credential::Anonymous);
        }
        return Err(fail(format!("it failed ({}): {message}", output.status)));
    }
    let answer: HelperAnswer = serde_json::from_str(stdout.trim())
        .map_err(|e| fail(format!("its answer is not the expected JSON: {e}")))?;
    Ok(match (answer.username.as_str(), answer.secret) {
        (_, secret) if secret.is_empty() => Credential::Anonymous,
        ("<token>", secret) => Credential::RefreshToken(secret),
        (username, password) => Credential::Basic {
            username: username.to_string(),
            password,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    async fn resolve_with(config: &str, pairs: &[(&str, &str)]) -> Credential {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), config).unwrap();
        let mut vars = vec![("DOCKER_CONFIG", dir.path().to_str().unwrap())];
        vars.extend_from_slice(pairs);
        resolve("reg.example:5000", &env(&vars))
            .await
            .unwrap()
            .credential
    }

    #[tokio::test]
    async fn order_env_then_docker_config() {
        let config = r#"{"auths":{"reg.example:5000":{"auth":"dTpw"}}}"#;
        let basic = |u: &str, p: &str| Credential::Basic {
            username: u.into(),
            password: p.into(),
        };
        assert_eq!(
            resolve_with(config, &[("OCI_USERNAME", "a"), ("OCI_PASSWORD", "b")]).await,
            basic("a", "b")
        );
        assert_eq!(
            resolve_with(config, &[("OCI_ACCESS_TOKEN", "t")]).await,
            Credential::Bearer("t".into())
        );
        assert_eq!(resolve_with(config, &[]).await, basic("u", "p"));
        assert_eq!(
            resolve_with(
                r#"{"auths":{"https://reg.example:5000/v1/":{"identitytoken":"r"}}}"#,
                &[]
            )
            .await,
            Credential::RefreshToken("r".into())
        );
        assert_eq!(
            resolve_with(r#"{"auths":{"other:5000":{"auth":"dTpw"}}}"#, &[]).await,
            Credential::Anonymous
        );
        assert_eq!(resolve_with("not json", &[]).await, Credential::Anonymous);
        let err = resolve("r", &env(&[("OCI_USERNAME", "a")]))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("must be set together"), "{err}");
    }

    #[tokio::test]
    async fn missing_helper_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"credHelpers":{"reg.example:5000":"capictl-test-none"}}"#,
        )
        .unwrap();
        let env = env(&[
            ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
            ("PATH", "/nonexistent"),
        ]);
        let err = resolve("reg.example:5000", &env)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("docker-credential-capictl-test-none"), "{err}");
    }

    #[tokio::test]
    async fn a_missing_default_store_means_anonymous() {
        let credential = resolve_with(
            r#"{"credsStore":"capictl-test-none"}"#,
            &[("PATH", "/nonexistent")],
        )
        .await;
        assert_eq!(credential, Credential::Anonymous);
    }

    #[test]
    fn registry_keys() {
        assert!(same_registry("https://index.docker.io/v1/", "docker.io"));
        assert!(same_registry("http://r:5000", "r:5000"));
        assert!(!same_registry("r:5001", "r:5000"));
    }
}
