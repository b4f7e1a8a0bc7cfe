//! The `cert-manager:` section of clusterctl.yaml: where its manifest comes from, which version,
//! how long to wait for it, and whether someone else manages it.

use std::time::Duration;

use serde_json::Value;

use super::{Config, ConfigError};

/// cert-manager version installed when the configuration names none.
pub const DEFAULT_CERT_MANAGER_VERSION: &str = "v1.21.1";
/// Manifest URL used when the configuration names none.
pub const DEFAULT_CERT_MANAGER_URL: &str =
    "https://github.com/cert-manager/cert-manager/releases/v1.21.1/cert-manager.yaml";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// The effective cert-manager settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertManagerConfig {
    /// Manifest URL, environment-expanded.
    pub url: String,
    /// Version of the manifest (used as the file version whatever the URL says).
    pub version: String,
    /// How long to wait for cert-manager to answer.
    pub timeout: Duration,
    /// The timeout as written, when it could not be parsed (clusterctl logs and uses 10m).
    pub invalid_timeout: Option<String>,
    /// True when cert-manager is installed and upgraded by someone else.
    pub externally_provisioned: bool,
}

impl Config {
    /// The cert-manager settings, defaults filled in.
    pub fn cert_manager(&self) -> Result<CertManagerConfig, ConfigError> {
        let empty = serde_json::Map::new();
        let section = match self.section("cert-manager") {
            None => &empty,
            Some(Value::Object(map)) => map,
            Some(_) => {
                return Err(ConfigError::Section {
                    section: "certManager",
                    reason: "cert-manager must be a mapping with url, version, timeout and/or externallyProvisioned".into(),
                });
            }
        };
        let field = |key: &str| -> Option<String> {
            match section.get(&key.to_lowercase())? {
                Value::String(s) if s.is_empty() => None,
                Value::String(s) => Some(s.clone()),
                Value::Bool(b) => Some(b.to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let url = field("url").unwrap_or_else(|| DEFAULT_CERT_MANAGER_URL.to_string());
        let url = self.expand_env("url", &url)?;
        let version = field("version").unwrap_or_else(|| DEFAULT_CERT_MANAGER_VERSION.to_string());
        let (timeout, invalid_timeout) = match field("timeout") {
            None => (DEFAULT_TIMEOUT, None),
            Some(t) => match parse_go_duration(&t) {
                Some(d) => (d, None),
                None => (DEFAULT_TIMEOUT, Some(t)),
            },
        };
        let externally_provisioned = match field("externallyProvisioned") {
            None => false,
            Some(v) => parse_go_bool(&v).ok_or_else(|| {
                ConfigError::CertManager(format!(
                    "strconv.ParseBool: parsing {v:?}: invalid syntax (externallyProvisioned must be true or false)"
                ))
            })?,
        };
        Ok(CertManagerConfig {
            url,
            version,
            timeout,
            invalid_timeout,
            externally_provisioned,
        })
    }
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `time.ParseDuration` for the units people write (`ns` to `h`), e.g. `10m`, `1h30m`, `90s`.
pub fn parse_go_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return None;
        }
        let value: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * seconds;
    }
    Some(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Env;

    fn cm(yaml: &str, env: &[(&str, &str)]) -> CertManagerConfig {
        Config::from_bytes(
            yaml.as_bytes(),
            "c.yaml",
            None,
            Env::from_pairs(env.iter().copied()),
        )
        .unwrap()
        .cert_manager()
        .unwrap()
    }

    // Ported from cmd/clusterctl/client/config/cert_manager_client_test.go.
    #[test]
    fn defaults_and_overrides() {
        let d = cm("", &[]);
        assert_eq!(d.url, DEFAULT_CERT_MANAGER_URL);
        assert_eq!(d.version, "v1.21.1");
        assert_eq!(d.timeout, Duration::from_secs(600));
        assert!(!d.externally_provisioned);

        let c = cm(
            "cert-manager:\n  url: ${BASE}/cert-manager.yaml\n  version: v1.1.0\n  timeout: 15m\n  externallyProvisioned: true\n",
            &[("BASE", "/mirror")],
        );
        assert_eq!(c.url, "/mirror/cert-manager.yaml");
        assert_eq!(c.version, "v1.1.0");
        assert_eq!(c.timeout, Duration::from_secs(900));
        assert!(c.externally_provisioned);

        let bad = cm("cert-manager:\n  timeout: soon\n", &[]);
        assert_eq!(bad.timeout, Duration::from_secs(600));
        assert_eq!(bad.invalid_timeout.as_deref(), Some("soon"));
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration(""), None);
    }
}
