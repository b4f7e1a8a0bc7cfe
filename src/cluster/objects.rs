//! Reading and writing single objects of any kind as JSON values: get, list, delete, merge
//! patch and server-side apply. Every call resolves the kind first (see `resources.rs`) and
//! maps failures to [`ClusterError`] naming the object.

use kube::core::Request;
use kube::core::params::{DeleteParams, GetParams, ListParams, Patch, PatchParams};
use serde_json::Value;

use super::backoff::{Backoff, retry};
use super::connect::ManagementCluster;
use super::error::{ApiFailure, ClusterError, FailureKind};
use super::managed_fields::FIELD_MANAGER;
use super::resources::{ResourceType, gvk_string};
use crate::object;

/// Identifies one object: `apiVersion`, kind, namespace (empty when cluster-scoped) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    /// `group/version`, or `v1`.
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// Namespace; empty for cluster-scoped objects.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl ObjectRef {
    /// The reference of an object value.
    pub fn of(obj: &Value) -> ObjectRef {
        ObjectRef {
            api_version: object::api_version(obj).to_string(),
            kind: object::kind(obj).to_string(),
            namespace: object::namespace(obj).to_string(),
            name: object::name(obj).to_string(),
        }
    }

    /// A reference built from parts.
    pub fn new(api_version: &str, kind: &str, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            api_version: api_version.into(),
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The CustomResourceDefinition `name` (`<plural>.<group>`).
    pub fn crd(name: &str) -> ObjectRef {
        ObjectRef::new(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "",
            name,
        )
    }

    /// `group/version, Kind=Kind, namespace/name`, as clusterctl names objects in errors.
    pub fn describe(&self) -> String {
        format!(
            "{}, {}/{}",
            gvk_string(&self.api_version, &self.kind),
            self.namespace,
            self.name
        )
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {}", self.kind, self.name)
        } else {
            write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// The `Accept` header that asks for an object's metadata only (plain JSON as the fallback).
const METADATA_ONLY: &str =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

pub(super) fn api_error(action: impl Into<String>, e: kube::Error) -> ClusterError {
    ClusterError::Api {
        action: action.into(),
        failure: ApiFailure::from(e),
    }
}

pub(super) fn build_error(action: &str, e: kube::core::request::Error) -> ClusterError {
    ClusterError::BuildRequest {
        action: action.to_string(),
        source: e,
    }
}

impl ManagementCluster {
    /// Resolves the resource serving `api_version`/`kind`.
    pub async fn resource_type(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<ResourceType, ClusterError> {
        self.resources()
            .resolve(self.client(), api_version, kind)
            .await
    }

    /// Teaches the resolver the kinds a CRD defines (used before the CRD is even applied).
    pub fn learn_crd(&self, crd: &Value) {
        self.resources().learn_crd(crd);
    }

    /// One GET, no retry. `Ok(None)` when the object does not exist.
    pub async fn get_once(&self, r: &ObjectRef) -> Result<Option<Value>, ClusterError> {
        let rt = self.resource_type(&r.api_version, &r.kind).await?;
        let req = Request::new(rt.url_path(&r.namespace))
            .get(&r.name, &GetParams::default())
            .map_err(|e| build_error("failed to build a request", e))?;
        self.send_tolerating(req, FailureKind::NotFound, || format!("failed to get {r}"))
            .await
    }

    /// Sends one request. An answer of kind `tolerated` (the object is not there, or is there
    /// already) is no failure: `Ok(None)`. Other failures are reported as `action()`.
    async fn send_tolerating(
        &self,
        req: http::Request<Vec<u8>>,
        tolerated: FailureKind,
        action: impl FnOnce() -> String,
    ) -> Result<Option<Value>, ClusterError> {
        match self.client().request::<Value>(req).await {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                let failure = ApiFailure::from(e);
                if failure.kind == tolerated {
                    Ok(None)
                } else {
                    Err(ClusterError::Api {
                        action: action(),
                        failure,
                    })
                }
            }
        }
    }

    /// GET with the read backoff. `Ok(None)` when the object does not exist.
    pub async fn get(&self, r: &ObjectRef) -> Result<Option<Value>, ClusterError> {
        retry(Backoff::READ, || self.get_once(r)).await
    }

    /// Lists objects of a kind (in `namespace`, or everywhere when empty) matching
    /// `label_selector` (may be empty), with the read backoff.
    pub async fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        label_selector: &str,
    ) -> Result<Vec<Value>, ClusterError> {
        let rt = self.resource_type(api_version, kind).await?;
        let mut params = ListParams::default();
        if !label_selector.is_empty() {
            params = params.labels(label_selector);
        }
        let url = rt.url_path(namespace);
        let list = retry(Backoff::READ, || async {
            let req = Request::new(&url)
                .list(&params)
                .map_err(|e| build_error("failed to build a request", e))?;
            self.client()
                .request::<Value>(req)
                .await
                .map_err(|e| api_error(format!("failed to list {}", rt.gvk_string()), e))
        })
        .await?;
        let api_version = api_version.to_string();
        Ok(list
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut item| {
                // List items carry no type information.
                if let Value::Object(map) = &mut item {
                    map.insert("apiVersion".into(), Value::String(api_version.clone()));
                    map.insert("kind".into(), Value::String(kind.to_string()));
                }
                item
            })
            .collect())
    }

    /// Deletes an object with the write backoff; a missing object is not an error.
    pub async fn delete(&self, r: &ObjectRef) -> Result<(), ClusterError> {
        let rt = self.resource_type(&r.api_version, &r.kind).await?;
        retry(Backoff::WRITE, || async {
            let req = Request::new(rt.url_path(&r.namespace))
                .delete(&r.name, &DeleteParams::default())
                .map_err(|e| build_error("failed to build a request", e))?;
            self.send_tolerating(req, FailureKind::NotFound, || {
                format!("failed to delete {r}")
            })
            .await
            .map(drop)
        })
        .await
    }

    /// Makes sure the namespace `name` exists, creating it bare (no labels, so that it needs no
    /// inventory entry) when missing. Used before an inventory entry is written into it.
    pub async fn ensure_namespace(&self, name: &str) -> Result<(), ClusterError> {
        let r = ObjectRef::new("v1", "Namespace", "", name);
        let rt = self.resource_type("v1", "Namespace").await?;
        let body = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
        // Created straight away: AlreadyExists is the answer when it exists (one request where a
        // GET first takes two). A user who may read namespaces but not create them is answered
        // Forbidden even for an existing one: that is settled with a GET.
        let created = retry(Backoff::WRITE, || async {
            let req = Request::new(rt.url_path(""))
                .create(
                    &kube::core::params::PostParams::default(),
                    serde_json::to_vec(&body).unwrap_or_default(),
                )
                .map_err(|e| build_error("failed to build a request", e))?;
            let action = || format!("failed to create namespace {name}");
            self.send_tolerating(req, FailureKind::AlreadyExists, action)
                .await
                .map(drop)
        })
        .await;
        match created {
            Err(e)
                if e.failure()
                    .is_some_and(|f| f.kind == FailureKind::Forbidden) =>
            {
                match self.get(&r).await? {
                    Some(_) => Ok(()),
                    None => Err(e),
                }
            }
            other => other,
        }
    }

    /// A JSON merge patch with the write backoff.
    pub async fn merge_patch(&self, r: &ObjectRef, patch: &Value) -> Result<Value, ClusterError> {
        retry(Backoff::WRITE, || self.merge_patch_once(r, patch)).await
    }

    /// One JSON merge patch, no retry (callers decide, e.g. on a resourceVersion conflict).
    pub async fn merge_patch_once(
        &self,
        r: &ObjectRef,
        patch: &Value,
    ) -> Result<Value, ClusterError> {
        let rt = self.resource_type(&r.api_version, &r.kind).await?;
        let req = Request::new(rt.url_path(&r.namespace))
            .patch(&r.name, &PatchParams::default(), &Patch::Merge(patch))
            .map_err(|e| build_error("failed to build a request", e))?;
        self.client()
            .request::<Value>(req)
            .await
            .map_err(|e| api_error(format!("failed to patch {r}"), e))
    }

    /// One server-side apply of `obj` (field manager `capictl`, forced), no retry. Returns the
    /// live object's metadata (a `PartialObjectMetadata`): the API server does not encode, nor
    /// send back, the whole object (for a CRD, hundreds of kilobytes).
    pub async fn apply_once(&self, obj: &Value, rt: &ResourceType) -> Result<Value, ClusterError> {
        let r = ObjectRef::of(obj);
        let mut body = obj.clone();
        if !rt.namespaced {
            // clusterctl's namespace rewriting only knows a fixed list of cluster-scoped kinds.
            if let Some(Value::Object(meta)) = body.get_mut("metadata") {
                meta.remove("namespace");
            }
        }
        let mut params = PatchParams::apply(FIELD_MANAGER).force();
        if rt.api_resource.group == "apiextensions.k8s.io" {
            // For a CRD, fieldValidation=Ignore: otherwise the API server parses the body a
            // second time (a strict YAML decode, only to warn about unknown fields), which for
            // CRDs of a few hundred kilobytes is a large part of the cost of applying them.
            // Other objects keep the default, and their unknown-field warnings are logged.
            params = params.validation_ignore();
        }
        let mut req = Request::new(rt.url_path(&r.namespace))
            .patch(&r.name, &params, &Patch::Apply(&body))
            .map_err(|e| build_error("failed to build a request", e))?;
        req.headers_mut().insert(
            http::header::ACCEPT,
            http::HeaderValue::from_static(METADATA_ONLY),
        );
        self.client()
            .request::<Value>(req)
            .await
            .map_err(|e| api_error(format!("failed to apply {}", r.describe()), e))
    }
}
