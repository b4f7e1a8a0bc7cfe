//! clusterctl's configuration: the `clusterctl.yaml` file, the process environment and values set
//! in-process, merged with clusterctl's precedence (set > environment > file), plus the typed
//! sections read from it (providers, images, cert-manager, overrides folder).
//!
//! A [`Config`] is a plain value: it is loaded once at the edge and handed to the layers below,
//! which never read the process environment themselves.

mod cert_manager;
mod fetch_settings;
mod images;
pub mod paths;
mod providers;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use cert_manager::{
    CertManagerConfig, DEFAULT_CERT_MANAGER_URL, DEFAULT_CERT_MANAGER_VERSION, parse_go_duration,
};
pub use fetch_settings::{fetch_settings, parse_duration};
pub use images::{ImageMeta, ImageOverrides, ImageRef, ImageRefError};
pub use providers::{ProviderConfig, builtin_providers};

/// A snapshot of environment variables. The CLI takes the process environment; library users
/// and tests may build their own so that nothing leaks in from the machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The environment of the current process.
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// An environment holding exactly the given variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `key`, if set (an empty value counts as set).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// Sets `key` to `value`.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(key.into(), value.into());
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        self.vars.remove(key);
    }

    /// Every variable, in name order (to hand to a child process such as a credential helper).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Where the configuration file comes from (`--config`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ConfigSource {
    /// The default locations: `$XDG_CONFIG_HOME/cluster-api/clusterctl.yaml`, then
    /// `~/.cluster-api/clusterctl.yaml`; no file is fine.
    #[default]
    Default,
    /// An explicit file, which must exist.
    Path(PathBuf),
    /// A remote file (`http://` or `https://`), downloaded for this run.
    Url(String),
}

impl ConfigSource {
    /// Interprets a `--config` value as clusterctl does: empty means the default locations, an
    /// `http(s)://` URL is downloaded, anything else is a path.
    pub fn from_flag(value: &str) -> ConfigSource {
        if value.is_empty() {
            ConfigSource::Default
        } else if value.starts_with("https://") || value.starts_with("http://") {
            ConfigSource::Url(value.to_string())
        } else {
            ConfigSource::Path(PathBuf::from(value))
        }
    }
}

/// Errors of the configuration layer; each names the file, key or provider at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--config PATH` does not exist or cannot be read.
    #[error("failed to check if clusterctl config file exists: {path}: {source}")]
    Missing {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid YAML (or JSON).
    #[error(
        "failed to parse the clusterctl config file {origin}: {reason}; fix its syntax, or point --config at another file"
    )]
    Malformed {
        /// Path or URL of the file.
        origin: String,
        /// What the parser said.
        reason: String,
    },
    /// A configuration format capictl does not read (TOML, HCL, INI, ...).
    #[error(
        "unsupported config type {extension:?} for {path}: capictl reads clusterctl configuration in YAML or JSON"
    )]
    UnsupportedFormat {
        /// The file found.
        path: PathBuf,
        /// Its extension.
        extension: String,
    },
    /// Downloading a remote configuration failed.
    #[error("failed to download the clusterctl config file from {url}: {reason}")]
    Download {
        /// The URL given with --config.
        url: String,
        /// What went wrong (status code or transport error).
        reason: String,
    },
    /// A section of the file has the wrong shape.
    #[error("failed to unmarshal {section} from the clusterctl configuration file: {reason}")]
    Section {
        /// `providers`, `images` or `certManager`.
        section: &'static str,
        /// What was expected.
        reason: String,
    },
    /// An entry of `providers:` is invalid.
    #[error(
        "error validating configuration for the {provider_type} with name {name}. Please fix the providers value in clusterctl configuration file: {reason}"
    )]
    InvalidProvider {
        /// The entry's name.
        name: String,
        /// The entry's type as written.
        provider_type: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A `${...}` expression in a URL or folder could not be parsed.
    #[error("unable to evaluate {what}: {value:?}: {reason}")]
    Expansion {
        /// What was being expanded (`url`, `overridesFolder`).
        what: &'static str,
        /// The text.
        value: String,
        /// The parse error.
        reason: String,
    },
    /// No provider with that name and type, built in or configured.
    #[error(
        "failed to get configuration for the {provider_type} with name {name}. Please check the provider name and/or add configuration for new providers using the .clusterctl config file"
    )]
    UnknownProvider {
        /// The name asked for.
        name: String,
        /// The type asked for.
        provider_type: crate::provider::ProviderType,
    },
    /// A cert-manager setting is invalid.
    #[error("invalid cert-manager configuration: {0}")]
    CertManager(String),
    /// An environment variable of capictl's own (`CAPICTL_OFFLINE`, ...) has a value it cannot
    /// use.
    #[error("invalid {name} {value:?}: {expected}")]
    InvalidSetting {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What to write instead.
        expected: &'static str,
    },
}

/// The loaded configuration: file values, environment and in-process values.
#[derive(Debug, Clone, Default)]
pub struct Config {
    env: Env,
    origin: Option<String>,
    base_dir: Option<PathBuf>,
    values: serde_json::Map<String, Value>,
    overrides: BTreeMap<String, String>,
}

impl Config {
    /// A configuration with no file, reading variables from `env` only.
    pub fn without_file(env: Env) -> Config {
        Config {
            env,
            ..Config::default()
        }
    }

    /// Loads the file named by `source` (default locations or an explicit path). A remote
    /// source must be downloaded first and passed to [`Config::from_bytes`].
    pub fn load(source: &ConfigSource, env: Env) -> Result<Config, ConfigError> {
        let path = match source {
            ConfigSource::Default => match paths::find_default_config(&env) {
                Some(path) => path,
                None => return Ok(Config::without_file(env)),
            },
            ConfigSource::Path(path) => {
                std::fs::metadata(path).map_err(|source| ConfigError::Missing {
                    path: path.clone(),
                    source,
                })?;
                path.clone()
            }
            ConfigSource::Url(url) => {
                return Err(ConfigError::Download {
                    url: url.clone(),
                    reason: "remote configuration must be downloaded by the caller".to_string(),
                });
            }
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("yaml")
            .to_ascii_lowercase();
        if !matches!(extension.as_str(), "yaml" | "yml" | "json") && path.extension().is_some() {
            return Err(ConfigError::UnsupportedFormat { path, extension });
        }
        let bytes = std::fs::read(&path).map_err(|source| ConfigError::Missing {
            path: path.clone(),
            source,
        })?;
        let base_dir = path
            .canonicalize()
            .unwrap_or_else(|_| path.clone())
            .parent()
            .map(Path::to_path_buf);
        Config::from_bytes(&bytes, &path.display().to_string(), base_dir, env)
    }

    /// Builds a configuration from the bytes of a clusterctl.yaml. `origin` names the file in
    /// messages; `base_dir` anchors relative `file://` provider URLs (none for remote files).
    pub fn from_bytes(
        bytes: &[u8],
        origin: &str,
        base_dir: Option<PathBuf>,
        env: Env,
    ) -> Result<Config, ConfigError> {
        let malformed = |reason: String| ConfigError::Malformed {
            origin: origin.to_string(),
            reason,
        };
        let text =
            std::str::from_utf8(bytes).map_err(|e| malformed(format!("not UTF-8 text: {e}")))?;
        let docs = crate::yaml::parse_documents(text).map_err(|e| malformed(e.to_string()))?;
        let values = match docs.into_iter().next() {
            None => serde_json::Map::new(),
            Some(Value::Object(map)) => lowercase_keys(map),
            Some(_) => {
                return Err(malformed(
                    "the top level must be a mapping of keys to values".into(),
                ));
            }
        };
        Ok(Config {
            env,
            origin: Some(origin.to_string()),
            base_dir,
            values,
            overrides: BTreeMap::new(),
        })
    }

    /// The environment this configuration reads from.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Path or URL of the configuration file in use, if any.
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The folder of the configuration file, against which relative `file://` URLs resolve.
    pub fn base_dir(&self) -> Option<&Path> {
        self.base_dir.as_deref()
    }

    /// A variable, with clusterctl's precedence: values set in-process, then the environment
    /// (key upper-cased, `-` as `_`; empty values count), then the file (keys case-insensitive).
    pub fn get(&self, key: &str) -> Option<String> {
        let lower = key.to_lowercase();
        if let Some(v) = self.overrides.get(&lower) {
            return Some(v.clone());
        }
        let env_key = lower.to_uppercase().replace('-', "_");
        if let Some(v) = self.env.get(&env_key) {
            return Some(v.to_string());
        }
        self.values.get(&lower).and_then(stringify)
    }

    /// Sets a variable for this run; it wins over the environment and the file.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.overrides.insert(key.to_lowercase(), value.into());
    }

    /// The raw value of a top-level key of the file.
    pub(crate) fn section(&self, key: &str) -> Option<&Value> {
        self.values.get(key).filter(|v| !v.is_null())
    }

    /// A list of strings under `key` (e.g. `github-hosts`), empty when unset.
    pub fn string_list(&self, key: &str) -> Result<Vec<String>, ConfigError> {
        match self.section(&key.to_lowercase()) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.trim().to_string()),
                    other => Err(ConfigError::Section {
                        section: "host lists",
                        reason: format!(
                            "{key} must be a list of host[:port] strings, found {other}"
                        ),
                    }),
                })
                .collect(),
            Some(Value::String(s)) => Ok(s
                .split(',')
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .collect()),
            Some(other) => Err(ConfigError::Section {
                section: "host lists",
                reason: format!("{key} must be a list of host[:port] strings, found {other}"),
            }),
        }
    }

    /// Hosts treated as GitHub Enterprise (`github-hosts`), besides github.com.
    pub fn github_hosts(&self) -> Result<Vec<String>, ConfigError> {
        self.string_list("github-hosts")
    }

    /// Registries and mirrors that may be reached over plain HTTP (`insecure-registries`).
    pub fn insecure_registries(&self) -> Result<Vec<String>, ConfigError> {
        self.string_list("insecure-registries")
    }

    /// The log verbosity from `CLUSTERCTL_LOG_LEVEL` (environment or file), if set.
    pub fn log_level(&self) -> Result<Option<u8>, String> {
        match self.get("CLUSTERCTL_LOG_LEVEL") {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => v.trim().parse::<u8>().map(Some).map_err(|e| {
                format!("Failed to convert CLUSTERCTL_LOG_LEVEL string to an int. err=strconv.Atoi: parsing {v:?}: {e}")
            }),
        }
    }

    /// The overrides folder: `overridesFolder` (environment-expanded) or the default location.
    pub fn overrides_folder(&self) -> Result<Option<PathBuf>, ConfigError> {
        match self.get("overridesFolder").filter(|f| !f.trim().is_empty()) {
            Some(folder) => {
                let expanded = self.expand_env("overridesFolder", &folder)?;
                Ok(Some(PathBuf::from(expanded)))
            }
            None => Ok(paths::default_overrides_folder(&self.env)),
        }
    }

    /// Expands `${VAR}` forms in `value` with the process environment, as clusterctl does for
    /// provider URLs, the cert-manager URL and the overrides folder.
    pub(crate) fn expand_env(
        &self,
        what: &'static str,
        value: &str,
    ) -> Result<String, ConfigError> {
        let lookup = |name: &str| self.env.get(name).map(str::to_string);
        crate::template::Template::parse(value)
            .map(|t| t.evaluate(&lookup))
            .map_err(|e| ConfigError::Expansion {
                what,
                value: value.to_string(),
                reason: e.to_string(),
            })
    }
}

/// Viper reads keys case-insensitively; lower-case them once so lookups are plain.
fn lowercase_keys(map: serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    map.into_iter()
        .map(|(k, v)| (k.to_lowercase(), lowercase_value(v)))
        .collect()
}

fn lowercase_value(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(lowercase_keys(map)),
        Value::Array(items) => Value::Array(items.into_iter().map(lowercase_value).collect()),
        other => other,
    }
}

/// How viper's GetString renders a file value; `None` for null (unset).
fn stringify(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if n.is_f64() => format_go_float(f),
            _ => n.to_string(),
        }),
        Value::Array(_) | Value::Object(_) => Some(String::new()),
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest decimal, never an exponent.
fn format_go_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str, env: &[(&str, &str)]) -> Config {
        Config::from_bytes(
            yaml.as_bytes(),
            "test.yaml",
            None,
            Env::from_pairs(env.iter().copied()),
        )
        .unwrap()
    }

    #[test]
    fn set_beats_env_beats_file() {
        let mut c = config(
            "FOO: file\nBAR: file\nBAZ: file\n",
            &[("FOO", "env"), ("BAR", "env")],
        );
        c.set("FOO", "set");
        assert_eq!(c.get("FOO").as_deref(), Some("set"));
        assert_eq!(c.get("BAR").as_deref(), Some("env"));
        assert_eq!(c.get("BAZ").as_deref(), Some("file"));
        assert_eq!(c.get("QUX"), None);
    }

    #[test]
    fn keys_are_case_insensitive_and_env_names_use_underscores() {
        let c = config("Github-Token: from-file\n", &[("GITLAB_ACCESS_TOKEN", "")]);
        assert_eq!(c.get("github-token").as_deref(), Some("from-file"));
        assert_eq!(c.get("GITHUB-TOKEN").as_deref(), Some("from-file"));
        // An empty environment value still counts as set.
        assert_eq!(c.get("gitlab-access-token").as_deref(), Some(""));
    }

    #[test]
    fn non_string_file_values_are_stringified_like_viper() {
        let c = config("A: 3\nB: true\nC: 1.5\nD: [1]\nE: null\nF: 2.0\n", &[]);
        assert_eq!(c.get("A").as_deref(), Some("3"));
        assert_eq!(c.get("B").as_deref(), Some("true"));
        assert_eq!(c.get("C").as_deref(), Some("1.5"));
        assert_eq!(c.get("D").as_deref(), Some(""));
        assert_eq!(c.get("E"), None);
        assert_eq!(c.get("F").as_deref(), Some("2"));
    }

    #[test]
    fn malformed_files_are_reported_with_their_origin() {
        let err =
            Config::from_bytes(b"a: [", "/x/clusterctl.yaml", None, Env::default()).unwrap_err();
        assert!(err.to_string().contains("/x/clusterctl.yaml"), "{err}");
        let err = Config::from_bytes(b"- a\n", "/x/c.yaml", None, Env::default()).unwrap_err();
        assert!(err.to_string().contains("mapping"), "{err}");
    }

    #[test]
    fn log_level_must_be_an_integer() {
        assert_eq!(
            config("", &[("CLUSTERCTL_LOG_LEVEL", "4")]).log_level(),
            Ok(Some(4))
        );
        assert_eq!(
            config("CLUSTERCTL_LOG_LEVEL: 2", &[]).log_level(),
            Ok(Some(2))
        );
        let err = config("", &[("CLUSTERCTL_LOG_LEVEL", "x")])
            .log_level()
            .unwrap_err();
        assert!(err.starts_with("Failed to convert CLUSTERCTL_LOG_LEVEL string to an int."));
    }

    #[test]
    fn missing_explicit_file_is_an_error() {
        let err = Config::load(
            &ConfigSource::Path("/does/not/exist.yaml".into()),
            Env::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("failed to check if clusterctl config file exists")
        );
    }
}
