//! The requests a move makes for many objects: lists read page by page, and one-request
//! creates and deletes whose outcome (created, already there, gone) the caller decides on.

use kube::core::Request;
use kube::core::params::{DeleteParams, ListParams, PostParams};
use serde_json::Value;

use super::backoff::{Backoff, retry};
use super::connect::ManagementCluster;
use super::error::{ApiFailure, ClusterError, FailureKind};
use super::objects::{ObjectRef, build_error};

/// Objects per page when listing: large pages keep requests few, and bound the memory one
/// response takes.
const PAGE_SIZE: u32 = 500;

/// The `Accept` header that asks for an object's metadata only.
const METADATA_ONLY: &str =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
/// The same for a list.
const LIST_METADATA_ONLY: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/// What a list returns of each object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// The whole object.
    Objects,
    /// `metadata` only (plus apiVersion and kind): far less to send and to hold.
    Metadata,
}

/// What a create found.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// The object was created; its metadata as the server returned it (uid included).
    New(Value),
    /// An object with that name already exists (nothing was written).
    AlreadyExists,
}

impl ManagementCluster {
    /// Every object of a kind in `namespace` (everywhere when empty), read in pages of 500;
    /// each page with the read backoff. A kind the server does not serve lists as empty.
    pub async fn list_all(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        listing: Listing,
    ) -> Result<Vec<Value>, ClusterError> {
        let rt = match self.resource_type(api_version, kind).await {
            Ok(rt) => rt,
            Err(e) if e.failure().map(|f| f.kind) == Some(FailureKind::ResourceTypeMissing) => {
                return Ok(Vec::new());
            }
            Err(e) => return Err(e),
        };
        let url = rt.url_path(namespace);
        let mut items = Vec::new();
        let mut continue_token: Option<String> = None;
        loop {
            let params = ListParams {
                limit: Some(PAGE_SIZE),
                continue_token: continue_token.clone(),
                ..ListParams::default()
            };
            let page = retry(Backoff::READ, || async {
                let mut req = Request::new(&url)
                    .list(&params)
                    .map_err(|e| build_error("failed to build a request", e))?;
                if listing == Listing::Metadata {
                    req.headers_mut().insert(
                        http::header::ACCEPT,
                        http::HeaderValue::from_static(LIST_METADATA_ONLY),
                    );
                }
                self.client()
                    .request::<Value>(req)
                    .await
                    .map_err(|e| ClusterError::Api {
                        action: format!("failed to list {}", rt.gvk_string()),
                        failure: ApiFailure::from(e),
                    })
            })
            .await;
            let mut page = match page {
                Ok(page) => page,
                Err(e) if e.is_not_found() => return Ok(Vec::new()),
                Err(e) => return Err(e),
            };
            if let Some(Value::Array(list)) = page.get_mut("items").map(Value::take) {
                items.extend(list.into_iter().map(|mut item| {
                    // List items carry no type information.
                    if let Value::Object(map) = &mut item {
                        map.insert("apiVersion".into(), Value::String(api_version.into()));
                        map.insert("kind".into(), Value::String(kind.into()));
                    }
                    item
                }));
            }
            continue_token = crate::object::get_path(&page, &["metadata", "continue"])
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if continue_token.is_none() {
                return Ok(items);
            }
        }
    }

    /// Creates `obj` (one POST; transient failures retried with the write backoff). The
    /// answer holds the new object's metadata only.
    pub async fn create(&self, obj: &Value) -> Result<Created, ClusterError> {
        let r = ObjectRef::of(obj);
        let rt = self.resource_type(&r.api_version, &r.kind).await?;
        // Encoding a JSON value cannot fail: its keys are strings.
        let body = serde_json::to_vec(obj).unwrap_or_default();
        let namespace = if rt.namespaced { &r.namespace[..] } else { "" };
        retry(Backoff::WRITE, || async {
            let mut req = Request::new(rt.url_path(namespace))
                .create(&PostParams::default(), body.clone())
                .map_err(|e| build_error("failed to build a request", e))?;
            req.headers_mut().insert(
                http::header::ACCEPT,
                http::HeaderValue::from_static(METADATA_ONLY),
            );
            match self.client().request::<Value>(req).await {
                Ok(created) => Ok(Created::New(created)),
                Err(e) => {
                    let failure = ApiFailure::from(e);
                    if failure.kind == FailureKind::AlreadyExists {
                        Ok(Created::AlreadyExists)
                    } else {
                        Err(ClusterError::Api {
                            action: format!("failed to create {}", r.describe()),
                            failure,
                        })
                    }
                }
            }
        })
        .await
    }

    /// Deletes `r` (one DELETE; transient failures retried with the write backoff). Returns
    /// the server's answer (the object's metadata, with a deletionTimestamp when finalizers
    /// still hold it), or `None` when it was already gone.
    pub async fn delete_existing(&self, r: &ObjectRef) -> Result<Option<Value>, ClusterError> {
        let rt = self.resource_type(&r.api_version, &r.kind).await?;
        retry(Backoff::WRITE, || async {
            let mut req = Request::new(rt.url_path(&r.namespace))
                .delete(&r.name, &DeleteParams::default())
                .map_err(|e| build_error("failed to build a request", e))?;
            req.headers_mut().insert(
                http::header::ACCEPT,
                http::HeaderValue::from_static(METADATA_ONLY),
            );
            match self.client().request::<Value>(req).await {
                Ok(answer) => Ok(Some(answer)),
                Err(e) => {
                    let failure = ApiFailure::from(e);
                    if failure.kind == FailureKind::NotFound {
                        Ok(None)
                    } else {
                        Err(ClusterError::Api {
                            action: format!("failed to delete {}", r.describe()),
                            failure,
                        })
                    }
                }
            }
        })
        .await
    }

    /// A JSON merge patch with the write backoff; `Ok(None)` when the object is gone.
    pub async fn merge_patch_existing(
        &self,
        r: &ObjectRef,
        patch: &Value,
    ) -> Result<Option<Value>, ClusterError> {
        match self.merge_patch(r, patch).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
