//! Errors of the cluster layer. Kubernetes API failures are turned into [`ApiFailure`]: the
//! server's own message (as kubectl would print it) plus a classification used by the retry
//! logic, instead of kube's debug-heavy `Display`.

use std::time::Duration;

use super::kubeconfig::KubeconfigError;

/// Any error while talking to the management cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No usable kubeconfig.
    #[error(transparent)]
    Kubeconfig(#[from] KubeconfigError),
    /// The kubeconfig was read but kube could not build a client from it (bad certificate data,
    /// unsupported auth provider, malformed server URL).
    #[error("failed to build a client for context {context:?} from the kubeconfig: {reason}")]
    ClientConfig {
        /// The context in use.
        context: String,
        /// What kube reported.
        reason: String,
    },
    /// The first request failed: nothing answers at the server address, TLS failed, or the
    /// credentials were refused.
    #[error("failed to get the Kubernetes version: {failure}{hint}")]
    ServerVersion {
        /// What failed, with the URL.
        failure: ApiFailure,
        /// What to do about it (starts with "; " when present).
        hint: String,
    },
    /// The management cluster runs a Kubernetes version clusterctl does not support.
    #[error(
        "unsupported management cluster server version: {version} - minimum required version is {minimum}"
    )]
    UnsupportedServerVersion {
        /// The server's `gitVersion`.
        version: String,
        /// The minimum.
        minimum: String,
    },
    /// A request about one object (or collection) failed.
    #[error("{action}: {failure}")]
    Api {
        /// What was being done, naming the object (clusterctl's wording where it has one).
        action: String,
        /// The failure.
        failure: ApiFailure,
    },
    /// A transient failure persisted through every retry.
    #[error("action failed after {attempts} attempts: {source}")]
    RetriesExhausted {
        /// How many attempts were made.
        attempts: u32,
        /// The last error.
        #[source]
        source: Box<ClusterError>,
    },
    /// A CustomResourceDefinition will not become Established.
    #[error(
        "CustomResourceDefinition {name} is not Established: {reason}; the API server will not serve its resources until this is fixed"
    )]
    CrdNotEstablished {
        /// The CRD's name.
        name: String,
        /// The condition that explains it, or the time waited.
        reason: String,
    },
    /// A wait ran out of time.
    #[error("{what} is not ready after {}: context deadline exceeded", go_duration(*after))]
    NotReady {
        /// What was waited for (`deployment "capi-controller-manager"`).
        what: String,
        /// How long it was waited for.
        after: Duration,
    },
    /// The inventory CRD exists without the v1alpha3 version.
    #[error(
        "clusterctl inventory CRD does not defines the v1alpha3 version; the providers.clusterctl.cluster.x-k8s.io CRD was changed by someone else: restore it from clusterctl's manifest"
    )]
    InventoryCrdVersion,
    /// The management cluster runs Cluster API objects of another contract.
    #[error(
        "this version of clusterctl could be used only with \"{expected}\" management clusters, \"{detected}\" detected"
    )]
    ContractMismatch {
        /// The contract this tool implements.
        expected: String,
        /// The storage version of the Cluster CRD.
        detected: String,
    },
    /// An inventory entry with a type clusterctl does not know.
    #[error("invalid provider type {type_name:?} in the inventory entry {entry}")]
    InvalidProviderType {
        /// `namespace/label`.
        entry: String,
        /// The `type` field.
        type_name: String,
    },
    /// An object of a manifest lacks a field every object needs.
    #[error("object #{number} of {subject} ({object}) has no {field}; fix the manifest")]
    MissingField {
        /// Its position in the manifest, from 1.
        number: usize,
        /// The manifest (`provider "infrastructure-docker"`).
        subject: String,
        /// The object as far as it is described.
        object: String,
        /// The missing field.
        field: &'static str,
    },
    /// A request could not be built (a name or body the client refuses).
    #[error("{action}: {source}")]
    BuildRequest {
        /// What was being done.
        action: String,
        /// The client's reason.
        #[source]
        source: kube::core::request::Error,
    },
    /// The API server serves no such kind.
    #[error(
        "no matches for kind {kind:?} in version {api_version:?}: the API server does not serve this kind; install the CustomResourceDefinition that defines it first"
    )]
    KindNotServed {
        /// The kind.
        kind: String,
        /// Its `group/version`.
        api_version: String,
    },
    /// An object changed under every attempt to take over clusterctl's fields.
    #[error(
        "failed to take over the fields clusterctl owns in {object}: the object keeps changing"
    )]
    KeepsChanging {
        /// The object.
        object: String,
    },
    /// A new CRD no longer serves the version its objects are stored in.
    #[error(
        "unable to upgrade CRD {name:?} because the new CRD does not contain the storage version {storage:?} of the current CRD, thus not allowing CR migration"
    )]
    StorageVersionDropped {
        /// The CRD's name.
        name: String,
        /// The version its objects are stored in.
        storage: String,
    },
    /// The Cluster API CRD carries no contract label.
    #[error("failed to check Cluster API version")]
    ContractUnknown,
    /// cert-manager's readiness test kept failing.
    #[error(
        "cert-manager is not available after {}: {source}; check the cert-manager Pods (kubectl -n cert-manager get pods)",
        go_duration(*after)
    )]
    CertManagerUnavailable {
        /// How long it was tried.
        after: Duration,
        /// The last failure.
        #[source]
        source: Box<ClusterError>,
    },
    /// Context added around another cluster error.
    #[error("{context}")]
    Context {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: Box<ClusterError>,
    },
}

impl ClusterError {
    /// Wraps the error with `context` (pkg/errors' `Wrap`).
    pub fn context(self, context: impl Into<String>) -> ClusterError {
        ClusterError::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }

    /// The API failure at the root of this error, if any.
    pub fn failure(&self) -> Option<&ApiFailure> {
        match self {
            ClusterError::Api { failure, .. } | ClusterError::ServerVersion { failure, .. } => {
                Some(failure)
            }
            ClusterError::RetriesExhausted { source, .. }
            | ClusterError::Context { source, .. } => source.failure(),
            _ => None,
        }
    }

    /// True when retrying may help (connection lost, server busy or restarting).
    pub fn is_transient(&self) -> bool {
        self.failure()
            .is_some_and(|f| f.kind == FailureKind::Transient)
    }

    /// True when the object asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        self.failure()
            .is_some_and(|f| f.kind == FailureKind::NotFound)
    }
}

/// How a failed request is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Connection refused/reset/closed, timeouts, 429 and 5xx: worth retrying.
    Transient,
    /// 404 for a named object.
    NotFound,
    /// 404 for the resource type itself (a CRD not served yet, or an unknown kind).
    ResourceTypeMissing,
    /// 409 AlreadyExists.
    AlreadyExists,
    /// 409 Conflict (stale resourceVersion).
    Conflict,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 400 / 422: the object is invalid.
    Invalid,
    /// Anything else (TLS failures, malformed responses).
    Other,
}

/// A failed Kubernetes API request, with the server's message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiFailure {
    /// What the server (or the connection) said.
    pub message: String,
    /// HTTP status code, when the server answered.
    pub code: Option<u16>,
    /// The classification.
    pub kind: FailureKind,
}

impl ApiFailure {
    /// Prefixes the message with the request, Go style: `Get "https://...": connection refused`.
    pub fn with_request(mut self, method: &str, url: &str) -> ApiFailure {
        self.message = format!("{method} {url:?}: {}", self.message);
        self
    }
}

impl From<kube::Error> for ApiFailure {
    fn from(error: kube::Error) -> ApiFailure {
        match &error {
            kube::Error::Api(status) => from_status(status),
            kube::Error::HyperError(_) | kube::Error::Service(_) => from_transport(&error),
            kube::Error::SerdeError(e) => ApiFailure {
                message: format!("unexpected answer from the API server: {e}"),
                code: None,
                kind: FailureKind::Other,
            },
            other => ApiFailure {
                message: other.to_string(),
                code: None,
                kind: FailureKind::Other,
            },
        }
    }
}

fn from_status(status: &kube::core::Status) -> ApiFailure {
    let code = status.code;
    let named = status.details.as_ref().is_some_and(|d| !d.name.is_empty());
    let etcd_blip = status.message.contains("etcdserver: leader changed")
        || status.message.contains("etcdserver: request timed out");
    let kind = match code {
        401 => FailureKind::Unauthorized,
        403 => FailureKind::Forbidden,
        404 if named => FailureKind::NotFound,
        404 => FailureKind::ResourceTypeMissing,
        409 if status.reason == "AlreadyExists" => FailureKind::AlreadyExists,
        409 => FailureKind::Conflict,
        400 | 422 => FailureKind::Invalid,
        429 | 500 | 502 | 503 | 504 => FailureKind::Transient,
        _ if etcd_blip => FailureKind::Transient,
        _ => FailureKind::Other,
    };
    let message = match code {
        // client-go's wording, which clusterctl prints.
        401 => "the server has asked for the client to provide credentials".to_string(),
        _ if status.message.trim().is_empty() => format!("the server answered {code}"),
        _ => status.message.trim().to_string(),
    };
    ApiFailure {
        message,
        code: Some(code),
        kind,
    }
}

fn from_transport(error: &kube::Error) -> ApiFailure {
    use std::error::Error as _;
    let mut kind = FailureKind::Other;
    let mut message = None;
    let mut deepest = error.to_string();
    let mut source: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(e) = source {
        deepest = e.to_string();
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            let (transient, text) = match io.kind() {
                K::ConnectionRefused => (true, "connection refused"),
                K::ConnectionReset => (true, "connection reset by peer"),
                K::ConnectionAborted => (true, "connection aborted"),
                K::BrokenPipe => (true, "broken pipe"),
                K::UnexpectedEof => (true, "unexpected EOF"),
                K::TimedOut => (true, "i/o timeout"),
                K::NotConnected => (true, "not connected"),
                _ => (false, ""),
            };
            if transient {
                kind = FailureKind::Transient;
                message.get_or_insert_with(|| text.to_string());
            }
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_closed() || h.is_canceled() || h.is_timeout())
        {
            kind = FailureKind::Transient;
            message.get_or_insert_with(|| h.to_string());
        }
        source = e.source();
    }
    ApiFailure {
        message: message.unwrap_or(deepest),
        code: None,
        kind,
    }
}

/// Go's `time.Duration.String()` for whole milliseconds: `300ms`, `2s`, `1m30s`, `5m0s`, `1h0m0s`.
pub fn go_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let total_secs = d.as_secs_f64();
    let hours = (total_secs / 3600.0).floor() as u64;
    let minutes = ((total_secs - hours as f64 * 3600.0) / 60.0).floor() as u64;
    let seconds = total_secs - hours as f64 * 3600.0 - minutes as f64 * 60.0;
    let secs = if seconds.fract() == 0.0 {
        format!("{}s", seconds as u64)
    } else {
        let text = format!("{seconds:.3}");
        format!("{}s", text.trim_end_matches('0'))
    };
    match (hours, minutes) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(Duration::from_secs(2)), "2s");
        assert_eq!(go_duration(Duration::from_secs(300)), "5m0s");
        assert_eq!(go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(go_duration(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration(Duration::from_millis(250)), "250ms");
    }

    fn status(code: u16, reason: &str, message: &str, name: &str) -> kube::core::Status {
        let details = if name.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::json!({"name": name, "kind": "things"})
        };
        serde_json::from_value(serde_json::json!({
            "status": "Failure", "code": code, "reason": reason, "message": message, "details": details,
        }))
        .unwrap()
    }

    #[test]
    fn statuses_are_classified() {
        let f = from_status(&status(404, "NotFound", "x \"a\" not found", "a"));
        assert_eq!(f.kind, FailureKind::NotFound);
        let f = from_status(&status(
            404,
            "NotFound",
            "the server could not find the requested resource",
            "",
        ));
        assert_eq!(f.kind, FailureKind::ResourceTypeMissing);
        let f = from_status(&status(401, "Unauthorized", "Unauthorized", ""));
        assert_eq!(f.kind, FailureKind::Unauthorized);
        assert_eq!(
            f.message,
            "the server has asked for the client to provide credentials"
        );
        for code in [429, 500, 503, 504] {
            assert_eq!(
                from_status(&status(code, "", "busy", "")).kind,
                FailureKind::Transient
            );
        }
        assert_eq!(
            from_status(&status(422, "Invalid", "bad", "a")).kind,
            FailureKind::Invalid
        );
        assert_eq!(
            from_status(&status(409, "AlreadyExists", "exists", "a")).kind,
            FailureKind::AlreadyExists
        );
    }
}
