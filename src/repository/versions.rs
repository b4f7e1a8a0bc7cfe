//! Version resolution shared by every backend: the newest stable release (pre-releases only
//! when nothing else exists), probed through `metadata.yaml`, and the newest release series
//! implementing a contract.

use super::{DynRepository, METADATA_FILE, Metadata, RepositoryError};
use crate::version::Version;

/// How many candidates are probed before giving up (clusterctl's limit).
const MAX_CANDIDATES: usize = 5;

/// The newest release implementing `contract`: the newest release overall, unless its
/// metadata names a newer-contract-free series, in which case the newest patch of the newest
/// series implementing `contract`.
pub async fn latest_contract_release(
    repo: &dyn DynRepository,
    contract: &str,
) -> Result<String, RepositoryError> {
    let latest = latest_patch_release(repo, None).await?;
    let bytes = match repo.file(&latest, METADATA_FILE).await {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return Err(e),
        Err(_) => return Ok(latest),
    };
    // clusterctl falls back to the newest release when its metadata cannot be decoded.
    let Ok(metadata) = Metadata::parse(&bytes, "") else {
        return Ok(latest);
    };
    let Some(series) = metadata.series_for_contract(contract) else {
        return Ok(latest);
    };
    let Ok(version) = latest.parse::<Version>() else {
        return Ok(latest);
    };
    if version.major() != series.major || version.minor() != series.minor {
        return latest_patch_release(repo, Some((series.major, series.minor))).await;
    }
    Ok(latest)
}

/// The newest release (optionally within `major.minor`): stable releases first, newest first;
/// the first of at most five candidates whose `metadata.yaml` exists wins.
pub async fn latest_patch_release(
    repo: &dyn DynRepository,
    series: Option<(u64, u64)>,
) -> Result<String, RepositoryError> {
    let versions = repo
        .versions()
        .await
        .map_err(|e| e.context("failed to get repository versions"))?;
    let mut candidates: Vec<Version> = versions
        .iter()
        .filter_map(|v| v.parse::<Version>().ok())
        .filter(|v| series.is_none_or(|(major, minor)| v.major() == major && v.minor() == minor))
        .collect();
    if candidates.is_empty() {
        return Err(RepositoryError::NoReleases);
    }
    candidates.sort_by(|a, b| a.is_prerelease().cmp(&b.is_prerelease()).then(b.cmp(a)));
    for candidate in candidates.iter().take(MAX_CANDIDATES) {
        let tag = candidate.tag();
        match repo.file(&tag, METADATA_FILE).await {
            Ok(_) => return Ok(tag),
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(RepositoryError::NoReleases)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::repository::Repository;

    /// An in-memory repository, like clusterctl's `repository_memory.go` test double.
    struct MemoryRepository {
        files: BTreeMap<(String, String), Vec<u8>>,
    }

    impl MemoryRepository {
        fn new(releases: &[(&str, Option<&str>)]) -> MemoryRepository {
            let mut files = BTreeMap::new();
            for (version, metadata) in releases {
                files.insert(
                    (version.to_string(), "components.yaml".to_string()),
                    b"x".to_vec(),
                );
                if let Some(m) = metadata {
                    files.insert(
                        (version.to_string(), METADATA_FILE.to_string()),
                        m.as_bytes().to_vec(),
                    );
                }
            }
            MemoryRepository { files }
        }
    }

    impl Repository for MemoryRepository {
        async fn versions(&self) -> Result<Vec<String>, RepositoryError> {
            let mut v: Vec<String> = self.files.keys().map(|(v, _)| v.clone()).collect();
            v.dedup();
            Ok(v)
        }
        async fn file(&self, version: &str, path: &str) -> Result<Vec<u8>, RepositoryError> {
            let found = self
                .files
                .get(&(version.to_string(), path.to_string()))
                .cloned();
            found.ok_or_else(|| RepositoryError::NotFound {
                what: format!("{path} not found in {version}"),
                source: None,
            })
        }
    }

    fn meta(series: &[(u64, u64, &str)]) -> String {
        let mut s =
            "apiVersion: clusterctl.cluster.x-k8s.io/v1alpha3\nkind: Metadata\nreleaseSeries:\n"
                .to_string();
        for (major, minor, contract) in series {
            s.push_str(&format!(
                "- major: {major}\n  minor: {minor}\n  contract: {contract}\n"
            ));
        }
        s
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    // Ported from the latest-release tables of cmd/clusterctl/client/repository/repository_github_test.go.
    #[test]
    fn stable_releases_win_over_newer_prereleases() {
        let m = meta(&[(1, 0, "v1beta2")]);
        let repo = MemoryRepository::new(&[
            ("v1.0.0", Some(&m)),
            ("v1.1.0-rc.1", Some(&m)),
            ("v0.9.0", Some(&m)),
        ]);
        assert_eq!(
            block_on(latest_patch_release(&repo, None)).unwrap(),
            "v1.0.0"
        );
        let only_pre =
            MemoryRepository::new(&[("v2.0.0-alpha.0", Some(&m)), ("v2.0.0-beta.1", Some(&m))]);
        assert_eq!(
            block_on(latest_patch_release(&only_pre, None)).unwrap(),
            "v2.0.0-beta.1"
        );
    }

    #[test]
    fn releases_without_metadata_are_skipped_and_probing_is_bounded() {
        let m = meta(&[(1, 0, "v1beta2")]);
        let repo =
            MemoryRepository::new(&[("v1.0.2", None), ("v1.0.1", Some(&m)), ("v1.0.0", Some(&m))]);
        assert_eq!(
            block_on(latest_patch_release(&repo, None)).unwrap(),
            "v1.0.1"
        );
        let six_missing: Vec<(String, Option<&str>)> = (0..6)
            .map(|i| (format!("v1.0.{}", 10 - i), None))
            .chain([("v1.0.0".to_string(), Some(m.as_str()))])
            .collect();
        let refs: Vec<(&str, Option<&str>)> =
            six_missing.iter().map(|(v, m)| (v.as_str(), *m)).collect();
        let repo = MemoryRepository::new(&refs);
        assert!(matches!(
            block_on(latest_patch_release(&repo, None)),
            Err(RepositoryError::NoReleases)
        ));
        let none = MemoryRepository::new(&[("main", None), ("latest", None)]);
        assert!(matches!(
            block_on(latest_patch_release(&none, None)),
            Err(RepositoryError::NoReleases)
        ));
    }

    #[test]
    fn contract_release_picks_the_newest_series_with_the_contract() {
        let m = meta(&[(2, 0, "v1beta3"), (1, 1, "v1beta2"), (1, 0, "v1beta1")]);
        let repo = MemoryRepository::new(&[
            ("v2.0.0", Some(&m)),
            ("v1.1.3", Some(&m)),
            ("v1.1.2", Some(&m)),
            ("v1.0.9", Some(&m)),
        ]);
        assert_eq!(
            block_on(latest_contract_release(&repo, "v1beta2")).unwrap(),
            "v1.1.3"
        );
        assert_eq!(
            block_on(latest_contract_release(&repo, "v1beta3")).unwrap(),
            "v2.0.0"
        );
        // No series with that contract: the newest release.
        assert_eq!(
            block_on(latest_contract_release(&repo, "v1alpha1")).unwrap(),
            "v2.0.0"
        );
    }
}
