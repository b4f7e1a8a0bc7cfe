//! `get kubeconfig`: a workload cluster's kubeconfig, read from the `<cluster>-kubeconfig`
//! Secret Cluster API writes (key `value`), as clusterctl's `GetKubeconfig` reads it; and,
//! beyond clusterctl, written to a private file or merged into another kubeconfig.

pub(crate) mod error;
mod merge;

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;

pub use error::GetKubeconfigError;
pub use merge::{MergeError, merge};

use crate::Client;
use crate::cluster::{ApiFailure, ContractCheck, FailureKind, ManagementCluster, ObjectRef};
use crate::error::Error;

/// Which workload cluster (`get kubeconfig NAME -n NS`).
#[derive(Debug, Clone, Default)]
pub struct GetKubeconfigOptions {
    /// The management cluster.
    pub kubeconfig: crate::KubeconfigSelector,
    /// The workload cluster's name.
    pub cluster: String,
    /// Its namespace; `None` for the current namespace of the management cluster's context.
    pub namespace: Option<String>,
}

/// A workload cluster's kubeconfig as the Secret holds it.
#[derive(Debug, Clone)]
pub struct WorkloadKubeconfig {
    /// The workload cluster's name.
    pub cluster: String,
    /// Its namespace.
    pub namespace: String,
    /// The Secret's `value`, byte for byte.
    pub bytes: Vec<u8>,
}

impl Client {
    /// Reads the kubeconfig of a workload cluster (clusterctl's `GetKubeconfig`): the
    /// management cluster must run the current Cluster API contract.
    pub async fn get_kubeconfig(
        &self,
        options: &GetKubeconfigOptions,
    ) -> Result<WorkloadKubeconfig, Error> {
        let cluster = ManagementCluster::connect(&options.kubeconfig, self.config().env()).await?;
        cluster
            .check_capi_contract(ContractCheck::default())
            .await?;
        let namespace = options
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| cluster.current_namespace().to_string());
        let name = format!("{}-kubeconfig", options.cluster);
        let unreadable = |failure: ApiFailure| GetKubeconfigError::SecretUnreadable {
            cluster: options.cluster.clone(),
            namespace: namespace.clone(),
            failure,
        };
        let secret = match cluster
            .get(&ObjectRef::new("v1", "Secret", &namespace, &name))
            .await
        {
            Ok(Some(secret)) => secret,
            Ok(None) => {
                return Err(unreadable(ApiFailure {
                    message: format!("secrets {name:?} not found"),
                    code: Some(404),
                    kind: FailureKind::NotFound,
                })
                .into());
            }
            Err(e) => match e.failure() {
                Some(failure) => return Err(unreadable(failure.clone()).into()),
                None => return Err(e.into()),
            },
        };
        let Some(value) = secret["data"]["value"].as_str() else {
            return Err(GetKubeconfigError::MissingValue {
                cluster: options.cluster.clone(),
                namespace,
            }
            .into());
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value)
            .map_err(|e| GetKubeconfigError::NotBase64 {
                cluster: options.cluster.clone(),
                namespace: namespace.clone(),
                reason: e.to_string(),
            })?;
        Ok(WorkloadKubeconfig {
            cluster: options.cluster.clone(),
            namespace,
            bytes,
        })
    }
}

impl WorkloadKubeconfig {
    /// Writes the kubeconfig to `path` atomically (a temporary file beside it, renamed into
    /// place), readable by its owner only (mode 0600).
    pub fn write_to(&self, path: &Path) -> Result<(), Error> {
        Ok(write_private(path, &self.bytes)?)
    }

    /// Merges the kubeconfig into the kubeconfig file `path` (see [`merge`]): a context, a
    /// cluster and a user named after the workload cluster. A missing or empty file is
    /// created. The file is rewritten atomically with mode 0600.
    pub fn merge_into(&self, path: &Path) -> Result<(), Error> {
        // A kubeconfig that is a symbolic link (to a dotfiles repository, say) stays one.
        let resolved = std::fs::canonicalize(path).ok();
        let path = resolved.as_deref().unwrap_or(path);
        let invalid = |reason: String| GetKubeconfigError::WorkloadKubeconfigInvalid {
            cluster: self.cluster.clone(),
            namespace: self.namespace.clone(),
            reason,
        };
        let text = std::str::from_utf8(&self.bytes).map_err(|e| invalid(e.to_string()))?;
        let workload = first_document(text).map_err(invalid)?.unwrap_or_default();
        let target_invalid = |reason: String| GetKubeconfigError::TargetInvalid {
            path: path.to_path_buf(),
            reason,
        };
        let target = match std::fs::read_to_string(path) {
            Ok(text) => first_document(&text).map_err(target_invalid)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(GetKubeconfigError::File {
                    action: "read",
                    path: path.to_path_buf(),
                    source,
                }
                .into());
            }
        };
        let merged = merge(target, &workload, &self.cluster).map_err(|e| match e {
            MergeError::Workload(reason) => invalid(reason),
            MergeError::Target(reason) => target_invalid(reason),
        })?;
        Ok(write_private(
            path,
            crate::yaml::to_yaml(&merged).as_bytes(),
        )?)
    }
}

fn first_document(text: &str) -> Result<Option<serde_json::Value>, String> {
    let docs = crate::yaml::parse_documents(text).map_err(|e| e.to_string())?;
    Ok(docs.into_iter().next())
}

/// Writes `bytes` to a temporary file (mode 0600) beside `path`, then renames it into place.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), GetKubeconfigError> {
    let failed = |source| GetKubeconfigError::File {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        // A leftover of a run killed before its rename (same process id) is no one's.
        let _ = std::fs::remove_file(&tmp);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(failed(e));
    }
    Ok(())
}
