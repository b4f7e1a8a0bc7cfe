//! Connecting to the management cluster: a kube client from a kubeconfig selection, with
//! capictl's User-Agent and a counter of API requests, and the server version check.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::error::{ApiFailure, ClusterError, FailureKind};
use super::kubeconfig::{KubeconfigSelector, LoadedKubeconfig};
use super::resources::ResourceResolver;
use crate::config::Env;

/// clusterctl's minimum management cluster version.
pub const MINIMUM_KUBERNETES_VERSION: &str = "v1.20.0";
/// The minimum when `CLUSTER_TOPOLOGY=true`.
pub const MINIMUM_KUBERNETES_VERSION_CLUSTER_TOPOLOGY: &str = "v1.22.0";

/// A connection to a management cluster. Cheap to clone; clones share the request counter
/// and the resource cache.
#[derive(Clone)]
pub struct ManagementCluster {
    client: kube::Client,
    server: String,
    context: String,
    current_namespace: String,
    requests: Arc<AtomicU64>,
    resources: Arc<ResourceResolver>,
}

impl std::fmt::Debug for ManagementCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagementCluster")
            .field("server", &self.server)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl ManagementCluster {
    /// Builds a client for the selected kubeconfig and context. Nothing is sent to the server
    /// yet; [`ManagementCluster::check_server_version`] is the usual first request.
    pub async fn connect(
        selector: &KubeconfigSelector,
        env: &Env,
    ) -> Result<ManagementCluster, ClusterError> {
        let loaded = LoadedKubeconfig::load(selector, env)?;
        ManagementCluster::connect_loaded(&loaded, selector).await
    }

    /// [`ManagementCluster::connect`] with a kubeconfig already loaded, for callers that
    /// read it for other reasons first (`generate cluster`'s namespace default).
    pub async fn connect_loaded(
        loaded: &LoadedKubeconfig,
        selector: &KubeconfigSelector,
    ) -> Result<ManagementCluster, ClusterError> {
        loaded.check_usable(selector)?;
        let context = loaded.context_name(selector).to_string();
        let current_namespace = loaded.current_namespace(selector)?;
        let kubeconfig = loaded.to_kube()?;
        let options = kube::config::KubeConfigOptions {
            context: Some(context.clone()),
            cluster: None,
            user: None,
        };
        let client_error = |reason: String| ClusterError::ClientConfig {
            context: context.clone(),
            reason,
        };
        let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|e| client_error(e.to_string()))?;
        // Retries are ours (see backoff.rs), so that every request is counted and classified.
        config.default_retry = false;
        config.read_timeout = Some(Duration::from_secs(60));
        config.connect_timeout = Some(Duration::from_secs(10));
        if let Ok(value) = http::HeaderValue::from_str(&user_agent()) {
            config.headers.push((http::header::USER_AGENT, value));
        }
        let server = config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string();
        let requests = Arc::new(AtomicU64::new(0));
        let client = kube::client::ClientBuilder::try_from(config)
            .map_err(|e| client_error(e.to_string()))?
            .with_layer(&CountingLayer(requests.clone()))
            .build();
        Ok(ManagementCluster {
            client,
            server,
            context,
            current_namespace,
            requests,
            resources: Arc::new(ResourceResolver::new()),
        })
    }

    /// The kube client (for requests this layer has no helper for).
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The API server URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The kubeconfig context in use.
    pub fn context_name(&self) -> &str {
        &self.context
    }

    /// The namespace of the context, else `default` (clusterctl's `CurrentNamespace`).
    pub fn current_namespace(&self) -> &str {
        &self.current_namespace
    }

    /// How many HTTP requests were sent to the API server so far.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(crate) fn resources(&self) -> &ResourceResolver {
        &self.resources
    }

    /// Reads the server version and checks it against clusterctl's minimum (v1.20.0, or
    /// v1.22.0 when `CLUSTER_TOPOLOGY=true`). The first request of most commands: its errors
    /// say whether the cluster is reachable and the credentials accepted.
    pub async fn check_server_version(
        &self,
        cluster_topology: bool,
    ) -> Result<String, ClusterError> {
        let info = self.client.apiserver_version().await.map_err(|e| {
            let failure = ApiFailure::from(e);
            let hint = match failure.kind {
                FailureKind::Transient | FailureKind::Other if failure.code.is_none() => format!(
                    "; check that the management cluster is running and reachable at {} (context {:?} of the kubeconfig)",
                    self.server, self.context
                ),
                FailureKind::Unauthorized => format!(
                    "; the credentials of context {:?} were refused: renew the client certificate or token in the kubeconfig",
                    self.context
                ),
                _ => String::new(),
            };
            let failure = if failure.code.is_none() {
                failure.with_request("Get", &format!("{}/version", self.server))
            } else {
                failure
            };
            ClusterError::ServerVersion { failure, hint }
        })?;
        let minimum = if cluster_topology {
            MINIMUM_KUBERNETES_VERSION_CLUSTER_TOPOLOGY
        } else {
            MINIMUM_KUBERNETES_VERSION
        };
        check_kubernetes_version(&info.git_version, minimum)?;
        Ok(info.git_version)
    }
}

/// `capictl/<version> (<os>/<arch>)`, like clusterctl's `clusterctl/<version> (<platform>)`.
/// The API server also derives the default field manager from its first word.
fn user_agent() -> String {
    format!(
        "capictl/v{} ({}/{})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// clusterctl's `CheckKubernetesVersion`: compares the numeric parts of `version` (a generic
/// version: `v1.35.4`, `v1.30.2-gke.1`, `1.29`) with `minimum`.
pub fn check_kubernetes_version(version: &str, minimum: &str) -> Result<(), ClusterError> {
    let parse = |v: &str| -> Option<Vec<u64>> {
        let v = v.strip_prefix('v').unwrap_or(v);
        let numeric_end = v
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(v.len());
        let parts: Option<Vec<u64>> = v[..numeric_end]
            .split('.')
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().ok())
            .collect();
        parts.filter(|p| p.len() >= 2)
    };
    let (Some(mut have), Some(mut want)) = (parse(version), parse(minimum)) else {
        return Err(ClusterError::UnsupportedServerVersion {
            version: version.to_string(),
            minimum: minimum.to_string(),
        });
    };
    let len = have.len().max(want.len());
    have.resize(len, 0);
    want.resize(len, 0);
    if have < want {
        return Err(ClusterError::UnsupportedServerVersion {
            version: version.to_string(),
            minimum: minimum.to_string(),
        });
    }
    Ok(())
}

/// A tower layer that counts requests and logs the API server's warnings (`Warning: 299 - "..."`
/// headers: deprecated versions, unknown fields), as clusterctl does.
#[derive(Clone)]
struct CountingLayer(Arc<AtomicU64>);

impl<S> tower::Layer<S> for CountingLayer {
    type Service = Counting<S>;

    fn layer(&self, inner: S) -> Counting<S> {
        Counting {
            inner,
            count: self.0.clone(),
        }
    }
}

#[derive(Clone)]
struct Counting<S> {
    inner: S,
    count: Arc<AtomicU64>,
}

impl<S, B, RB> tower::Service<http::Request<B>> for Counting<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = futures::future::BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        self.count.fetch_add(1, Ordering::Relaxed);
        // client-go logs each request at -v 6 the same way ("GET URL 200 OK in 5 milliseconds").
        let line = tracing::enabled!(tracing::Level::TRACE).then(|| {
            (
                format!("{} {}", request.method(), request.uri()),
                Instant::now(),
            )
        });
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            if let Some((what, started)) = line {
                tracing::trace!(
                    "{what} {} in {} milliseconds",
                    response.status(),
                    started.elapsed().as_millis()
                );
            }
            for value in response.headers().get_all(http::header::WARNING) {
                if let Some(text) = value.to_str().ok().and_then(parse_warning)
                    && super::warnings::shown(&text)
                {
                    tracing::info!("{text}");
                }
            }
            Ok(response)
        })
    }
}

/// The text of an RFC 7234 `Warning` header with code 299 (the only one the API server
/// sends): `299 - "text"`.
fn parse_warning(header: &str) -> Option<String> {
    let rest = header.trim().strip_prefix("299")?.trim_start();
    let rest = rest.split_once(' ')?.1.trim_start();
    let quoted = rest.strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.push(chars.next()?),
            '"' => return Some(text),
            c => text.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_version_minimum() {
        assert!(check_kubernetes_version("v1.35.4", MINIMUM_KUBERNETES_VERSION).is_ok());
        assert!(check_kubernetes_version("v1.20.0", MINIMUM_KUBERNETES_VERSION).is_ok());
        assert!(check_kubernetes_version("v1.20.0-rc.1", MINIMUM_KUBERNETES_VERSION).is_ok());
        assert!(check_kubernetes_version("v1.30.2-gke.1500", MINIMUM_KUBERNETES_VERSION).is_ok());
        let err = check_kubernetes_version("v1.19.16", MINIMUM_KUBERNETES_VERSION).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unsupported management cluster server version: v1.19.16 - minimum required version is v1.20.0"
        );
        assert!(
            check_kubernetes_version("v1.21.3", MINIMUM_KUBERNETES_VERSION_CLUSTER_TOPOLOGY)
                .is_err()
        );
        assert!(check_kubernetes_version("v0.0.0-master", MINIMUM_KUBERNETES_VERSION).is_err());
    }

    #[test]
    fn warning_headers() {
        assert_eq!(
            parse_warning("299 - \"infrastructure.cluster.x-k8s.io/v1beta2 DockerClusterTemplate is deprecated\"").as_deref(),
            Some("infrastructure.cluster.x-k8s.io/v1beta2 DockerClusterTemplate is deprecated")
        );
        assert_eq!(
            parse_warning("299 - \"unknown field \\\"spec.x\\\"\"").as_deref(),
            Some("unknown field \"spec.x\"")
        );
        assert_eq!(parse_warning("199 - \"misc\""), None);
    }

    #[test]
    fn user_agent_names_capictl() {
        assert!(user_agent().starts_with("capictl/v"), "{}", user_agent());
    }
}
