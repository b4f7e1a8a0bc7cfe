//! The repositories and releases the stand-in serves, built by hand or read from a
//! clusterctl local repository layout.

use std::collections::BTreeMap;
use std::path::Path;

/// One release: a tag and its assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandInRelease {
    /// The tag (`v1.13.5`).
    pub tag: String,
    /// Asset name → content.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl StandInRelease {
    /// A release without assets.
    pub fn new(tag: &str) -> StandInRelease {
        StandInRelease {
            tag: tag.to_string(),
            files: BTreeMap::new(),
        }
    }

    /// Adds an asset.
    pub fn with_file(mut self, name: &str, content: impl Into<Vec<u8>>) -> StandInRelease {
        self.files.insert(name.to_string(), content.into());
        self
    }
}

/// One GitHub repository. Releases are listed in the order given (GitHub lists newest
/// first; [`StandInRepo::from_layout`] sorts that way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandInRepo {
    /// Owner (`kubernetes-sigs`).
    pub owner: String,
    /// Name (`cluster-api`).
    pub repo: String,
    /// Releases, newest first.
    pub releases: Vec<StandInRelease>,
}

impl StandInRepo {
    /// A repository without releases.
    pub fn new(owner: &str, repo: &str) -> StandInRepo {
        StandInRepo {
            owner: owner.to_string(),
            repo: repo.to_string(),
            releases: Vec::new(),
        }
    }

    /// Reads `{root}/{label}/{version}/{file}` for each of `labels` (clusterctl's local
    /// repository layout); the files of one version, from all labels, become the assets of one
    /// release (on a name clash the first label wins). Releases are sorted newest first
    /// (semver order; tags that are not semver go last, by name). A missing label folder is
    /// skipped.
    pub fn from_layout(
        owner: &str,
        repo: &str,
        root: &Path,
        labels: &[&str],
    ) -> std::io::Result<StandInRepo> {
        let mut releases: BTreeMap<String, StandInRelease> = BTreeMap::new();
        for label in labels {
            let dir = root.join(label);
            if !dir.is_dir() {
                continue;
            }
            for version in std::fs::read_dir(&dir)? {
                let version = version?;
                if !version.file_type()?.is_dir() {
                    continue;
                }
                let tag = version.file_name().to_string_lossy().into_owned();
                let release = releases
                    .entry(tag.clone())
                    .or_insert_with(|| StandInRelease::new(&tag));
                for file in std::fs::read_dir(version.path())? {
                    let file = file?;
                    if !file.file_type()?.is_file() {
                        continue;
                    }
                    let name = file.file_name().to_string_lossy().into_owned();
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        release.files.entry(name)
                    {
                        slot.insert(std::fs::read(file.path())?);
                    }
                }
            }
        }
        let mut releases: Vec<StandInRelease> = releases.into_values().collect();
        releases.sort_by(|a, b| newest_first(&a.tag, &b.tag));
        Ok(StandInRepo {
            owner: owner.to_string(),
            repo: repo.to_string(),
            releases,
        })
    }
}

/// The repositories of a clusterctl local layout as GitHub has them:
/// `kubernetes-sigs/cluster-api` with the files of `cluster-api`, `bootstrap-kubeadm`,
/// `control-plane-kubeadm` and `infrastructure-docker` (one CAPI release ships all four), and
/// `cert-manager/cert-manager` with `cert-manager`.
pub fn clusterctl_repos(root: &Path) -> std::io::Result<Vec<StandInRepo>> {
    Ok(vec![
        StandInRepo::from_layout(
            "kubernetes-sigs",
            "cluster-api",
            root,
            &[
                "cluster-api",
                "bootstrap-kubeadm",
                "control-plane-kubeadm",
                "infrastructure-docker",
            ],
        )?,
        StandInRepo::from_layout("cert-manager", "cert-manager", root, &["cert-manager"])?,
    ])
}

pub(super) fn semver_of(tag: &str) -> Option<semver::Version> {
    semver::Version::parse(tag.strip_prefix('v').unwrap_or(tag)).ok()
}

fn newest_first(a: &str, b: &str) -> std::cmp::Ordering {
    match (semver_of(a), semver_of(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}
