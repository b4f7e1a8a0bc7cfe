//! clusterctl's backup directory format (temporary shim until the real encoder lands).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A backup directory problem.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// I/O.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Checks the directory exists.
pub fn check_directory(dir: &Path) -> Result<(), DirectoryError> {
    std::fs::metadata(dir)
        .map(|_| ())
        .map_err(|source| DirectoryError::Io {
            path: dir.to_path_buf(),
            source,
        })
}

/// Writes one object.
pub fn write_object(dir: &Path, obj: &Value) -> Result<PathBuf, DirectoryError> {
    let path = dir.join(format!(
        "{}_{}_{}.yaml",
        crate::object::kind(obj),
        crate::object::namespace(obj),
        crate::object::name(obj)
    ));
    std::fs::write(&path, format!("{obj}\n")).map_err(|source| DirectoryError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Reads every object.
pub fn read_directory(dir: &Path) -> Result<Vec<Value>, DirectoryError> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|source| DirectoryError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).map_err(|source| DirectoryError::Io {
            path: entry.path(),
            source,
        })?;
        if let Ok(v) = serde_json::from_str(&text) {
            out.push(v);
        }
    }
    Ok(out)
}
