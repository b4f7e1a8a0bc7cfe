//! The overrides folder: `<base>/<manifest-label>/<version>/<file>` replaces the same file of a
//! repository, for every file clusterctl reads (components, templates, ClusterClasses,
//! metadata). Overrides never take part in version resolution.

use std::path::PathBuf;

use super::RepositoryError;
use crate::config::{Config, ConfigError};

/// Where overrides are looked for.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    base: Option<PathBuf>,
}

impl Overrides {
    /// The overrides folder of `config` (`overridesFolder`, or the default location).
    pub fn from_config(config: &Config) -> Result<Overrides, ConfigError> {
        Ok(Overrides {
            base: config.overrides_folder()?,
        })
    }

    /// No overrides folder at all.
    pub fn none() -> Overrides {
        Overrides { base: None }
    }

    /// The override path for a file, whether or not it exists.
    pub fn path(&self, label: &str, version: &str, file: &str) -> Option<PathBuf> {
        Some(self.base.as_ref()?.join(label).join(version).join(file))
    }

    /// The override's bytes, if the folder holds this file.
    pub fn read(
        &self,
        label: &str,
        version: &str,
        file: &str,
    ) -> Result<Option<Vec<u8>>, RepositoryError> {
        let Some(path) = self.path(label, version, file) else {
            return Ok(None);
        };
        tracing::trace!(search_file = %path.display(), provider = label, version, "Potential override file");
        match std::fs::metadata(&path) {
            Ok(_) => std::fs::read(&path)
                .map(Some)
                .map_err(|source| RepositoryError::Io {
                    action: "failed to read local override".to_string(),
                    path,
                    source,
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(RepositoryError::Io {
                action: "failed to check the local override".to_string(),
                path,
                source,
            }),
        }
    }
}
