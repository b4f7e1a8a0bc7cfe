//! Publishing provider releases as OCI artifacts: one manifest per version, one layer per file
//! (`application/vnd.oci.image.layer.v1.tar` with a title annotation, the ORAS convention),
//! the empty config, and the CAEP's manifest annotations. No `created` annotation, so the
//! same files always give the same digest and pushing again is a no-op.

use std::collections::BTreeMap;

use serde::Serialize;

use super::artifact::{Descriptor, OCI_MANIFEST, TITLE, VERSION};
use super::reference::{
    EMPTY_CONFIG_DIGEST, OciUrl, check_relative_path, repository_type, validate_tag,
};
use super::registry::{Operation, RegistryClient};
use super::{OciError, auth, plain_http_hosts};
use crate::config::Config;
use crate::fetch::Fetcher;
use crate::fetch::cache::sha256_digest;
use crate::provider::ProviderType;
use crate::repository::RepositoryError;

/// Media type of each file layer.
pub const FILE_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
/// The `artifactType` of the manifests we push (what `oras push` writes).
pub const ARTIFACT_TYPE: &str = "application/vnd.unknown.artifact.v1";
const EMPTY_CONFIG: &str = "application/vnd.oci.empty.v1+json";
const SOURCE: &str = "org.opencontainers.image.source";
const PROVIDER_TYPE: &str = "cluster-api.sigs.k8s.io/provider-type";
const PROVIDER_NAME: &str = "cluster-api.sigs.k8s.io/provider-name";

/// One provider release to publish with [`push_release`].
#[derive(Debug, Clone)]
pub struct ReleaseArtifact {
    /// The provider's type.
    pub provider_type: ProviderType,
    /// The provider's name (`cluster-api`, `docker`).
    pub name: String,
    /// The release version, used as the tag (`v1.13.5`).
    pub version: String,
    /// Where the release comes from (`org.opencontainers.image.source`), if known.
    pub source: Option<String>,
    /// The release files: name and content. Order does not matter.
    pub files: Vec<(String, Vec<u8>)>,
}

/// One layer of an arbitrary artifact pushed with [`push_artifact`].
#[derive(Debug, Clone)]
pub struct ArtifactLayer {
    /// The layer media type.
    pub media_type: String,
    /// Layer annotations (the title goes here).
    pub annotations: BTreeMap<String, String>,
    /// The content.
    pub bytes: Vec<u8>,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedArtifact {
    /// `oci://{registry}/{repository}:{tag}`.
    pub reference: String,
    /// The manifest digest.
    pub digest: String,
    /// False when the tag already pointed at this exact manifest and nothing was sent.
    pub pushed: bool,
}

#[derive(Serialize)]
struct ManifestOut<'a> {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'a str,
    #[serde(rename = "artifactType")]
    artifact_type: &'a str,
    config: Descriptor,
    layers: Vec<Descriptor>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

/// The layers and manifest annotations of a release (files sorted by name).
fn release_layers(
    release: &ReleaseArtifact,
) -> Result<(Vec<ArtifactLayer>, BTreeMap<String, String>), RepositoryError> {
    let mut files: Vec<&(String, Vec<u8>)> = release.files.iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut layers = Vec::new();
    for (name, bytes) in files {
        check_relative_path(name).map_err(|reason| OciError::UnpublishableFile {
            name: name.clone(),
            reason,
        })?;
        layers.push(ArtifactLayer {
            media_type: FILE_LAYER.into(),
            annotations: BTreeMap::from([(TITLE.to_string(), name.clone())]),
            bytes: bytes.clone(),
        });
    }
    let type_name = repository_type(release.provider_type);
    let mut annotations = BTreeMap::from([
        (TITLE.to_string(), format!("{type_name}-{}", release.name)),
        (VERSION.to_string(), release.version.clone()),
        (PROVIDER_TYPE.to_string(), type_name.to_string()),
        (PROVIDER_NAME.to_string(), release.name.clone()),
    ]);
    if let Some(source) = &release.source {
        annotations.insert(SOURCE.to_string(), source.clone());
    }
    Ok((layers, annotations))
}

/// The manifest bytes and digest [`push_release`] would push, without any network.
pub fn release_manifest(release: &ReleaseArtifact) -> Result<(Vec<u8>, String), RepositoryError> {
    let (layers, annotations) = release_layers(release)?;
    Ok(artifact_manifest(&layers, annotations))
}

fn artifact_manifest(
    layers: &[ArtifactLayer],
    annotations: BTreeMap<String, String>,
) -> (Vec<u8>, String) {
    let manifest = ManifestOut {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        artifact_type: ARTIFACT_TYPE,
        config: Descriptor {
            media_type: EMPTY_CONFIG.into(),
            digest: EMPTY_CONFIG_DIGEST.into(),
            size: 2,
            annotations: BTreeMap::new(),
        },
        layers: layers
            .iter()
            .map(|l| Descriptor {
                media_type: l.media_type.clone(),
                digest: sha256_digest(&l.bytes),
                size: l.bytes.len() as u64,
                annotations: l.annotations.clone(),
            })
            .collect(),
        annotations,
    };
    let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    let digest = sha256_digest(&bytes);
    (bytes, digest)
}

/// Pushes one provider release to `repository` (`oci://{registry}/{path}/{type}-{name}`),
/// tagged with its version. Credentials and plain-HTTP registries are found as for reading.
pub async fn push_release(
    repository: &str,
    release: &ReleaseArtifact,
    config: &Config,
    fetcher: &Fetcher,
) -> Result<PushedArtifact, RepositoryError> {
    let (layers, annotations) = release_layers(release)?;
    push_artifact(
        repository,
        &release.version,
        &layers,
        annotations,
        config,
        fetcher,
    )
    .await
}

/// Pushes an artifact with the given layers (empty config, `artifactType`
/// `application/vnd.unknown.artifact.v1`) as `repository:tag`, skipping everything when the
/// tag already has the same digest. Use [`push_release`] for a provider release.
pub async fn push_artifact(
    repository: &str,
    tag: &str,
    layers: &[ArtifactLayer],
    annotations: BTreeMap<String, String>,
    config: &Config,
    fetcher: &Fetcher,
) -> Result<PushedArtifact, RepositoryError> {
    let invalid = |reason: String| RepositoryError::InvalidUrl {
        url: repository.to_string(),
        reason,
    };
    let target = OciUrl::parse(&format!("oci://{}", strip_scheme(repository))).map_err(invalid)?;
    if target.digest.is_some() || target.file.is_some() || target.tag.is_some() {
        return Err(invalid(format!(
            "push to a repository (oci://{{registry}}/{{repository}}) and give the tag separately, not {repository}"
        )));
    }
    validate_tag(tag).map_err(invalid)?;
    if fetcher.offline() {
        return Err(OciError::PushOffline {
            repository: target.repository_url(),
        }
        .into());
    }
    let (manifest, digest) = artifact_manifest(layers, annotations);
    let reference = format!("{}:{tag}", target.repository_url());
    let credential = auth::resolve(&target.registry, config.env()).await?;
    let client = RegistryClient::new(
        fetcher.http()?.clone(),
        &target.registry,
        plain_http_hosts(&target.registry, config),
        credential,
        fetcher.retry_delay(),
    );
    let repo = &target.repository;
    match client.manifest_digest(Operation::Push, repo, tag).await {
        Ok(Some(current)) if current == digest => {
            tracing::debug!(reference, digest, "Already published");
            return Ok(PushedArtifact {
                reference,
                digest,
                pushed: false,
            });
        }
        Ok(_) => {}
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e.context(format!("failed to push {reference}"))),
    }
    let blobs = std::iter::once(b"{}".to_vec()).chain(layers.iter().map(|l| l.bytes.clone()));
    for bytes in blobs {
        let blob_digest = sha256_digest(&bytes);
        if !client.blob_exists(repo, &blob_digest).await? {
            client
                .upload_blob(repo, &blob_digest, &bytes)
                .await
                .map_err(|e| e.context(format!("failed to push {reference}")))?;
        }
    }
    let reported = client
        .put_manifest(repo, tag, OCI_MANIFEST, &manifest)
        .await
        .map_err(|e| e.context(format!("failed to push {reference}")))?;
    if let Some(reported) = reported.filter(|r| r != &digest) {
        return Err(OciError::DigestChanged {
            reference,
            reported,
            pushed: digest,
        }
        .into());
    }
    Ok(PushedArtifact {
        reference,
        digest,
        pushed: true,
    })
}

fn strip_scheme(repository: &str) -> &str {
    repository.strip_prefix("oci://").unwrap_or(repository)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_manifests_are_reproducible() {
        let release = ReleaseArtifact {
            provider_type: ProviderType::Infrastructure,
            name: "docker".into(),
            version: "v1.13.5".into(),
            source: Some("https://github.com/kubernetes-sigs/cluster-api".into()),
            files: vec![
                ("metadata.yaml".into(), b"m".to_vec()),
                ("infrastructure-components.yaml".into(), b"c".to_vec()),
            ],
        };
        let (bytes, digest) = release_manifest(&release).unwrap();
        let mut reordered = release.clone();
        reordered.files.reverse();
        assert_eq!(release_manifest(&reordered).unwrap().1, digest);
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["artifactType"], ARTIFACT_TYPE);
        assert_eq!(json["config"]["digest"], EMPTY_CONFIG_DIGEST);
        assert_eq!(
            json["layers"][0]["annotations"][TITLE],
            "infrastructure-components.yaml"
        );
        assert_eq!(json["annotations"][TITLE], "infrastructure-docker");
        assert_eq!(json["annotations"][PROVIDER_TYPE], "infrastructure");
        assert!(
            json["annotations"]
                .get("org.opencontainers.image.created")
                .is_none()
        );
        assert_eq!(sha256_digest(b"{}"), EMPTY_CONFIG_DIGEST);

        let mut bad = release;
        bad.files.push(("../x.yaml".into(), vec![]));
        assert!(release_manifest(&bad).is_err());
    }
}
