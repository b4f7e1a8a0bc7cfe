//! The distribution API calls: tag lists, manifests, blobs, and the three push calls.

use std::collections::BTreeSet;

use reqwest::Method;

use super::{FetchedManifest, TagList, content_digest, error_message};
use super::{MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, Operation, RegistryClient, TAGS_PAGE};
use crate::repository::RepositoryError;
use crate::repository::oci::OciError;
use crate::repository::oci::challenge::next_link;

/// At most this many pages are followed (100 000 tags).
const MAX_PAGES: usize = 1000;

impl RegistryClient {
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
        let base = url::Url::parse(current).map_err(|source| OciError::InvalidUrl {
            url: current.to_string(),
            source,
        })?;
        let joined = base.join(next).map_err(|source| OciError::InvalidLink {
            link: next.to_string(),
            base: current.to_string(),
            source,
        })?;
        if joined.host_str() != base.host_str() || joined.port() != base.port() {
            return Err(OciError::ForeignLink {
                target: joined.to_string(),
            }
            .into());
        }
        Ok(joined.to_string())
    }

    /// Sends `method` to `{repository}/{path}` (`manifests/{reference}` or `blobs/{digest}`;
    /// manifests are asked for in the media types we read). Returns the URL and the answer.
    async fn call(
        &self,
        op: Operation,
        method: Method,
        repository: &str,
        path: &str,
    ) -> Result<(String, reqwest::Response), RepositoryError> {
        let url = self.url(&format!("{repository}/{path}"));
        let accept = path.starts_with("manifests/").then_some(MANIFEST_ACCEPT);
        let response = self
            .send(op, repository, &|| {
                let request = self.http.request(method.clone(), &url);
                match accept {
                    Some(accept) => request.header(reqwest::header::ACCEPT, accept),
                    None => request,
                }
            })
            .await?;
        Ok((url, response))
    }

    /// The manifest `reference` (a tag or digest) of `repository`.
    pub async fn manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<FetchedManifest, RepositoryError> {
        let path = format!("manifests/{reference}");
        let (url, response) = self
            .call(Operation::Pull, Method::GET, repository, &path)
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
        let path = format!("manifests/{reference}");
        let (url, response) = self.call(op, Method::HEAD, repository, &path).await?;
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
        let path = format!("blobs/{digest}");
        let (url, response) = self
            .call(Operation::Pull, Method::GET, repository, &path)
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
        let path = format!("blobs/{digest}");
        let (_, response) = self
            .call(Operation::Push, Method::HEAD, repository, &path)
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
            .map_err(|source| OciError::InvalidUploadLocation {
                location: location.clone(),
                source,
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
}
