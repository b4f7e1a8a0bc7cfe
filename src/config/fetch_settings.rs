//! The network and cache settings the environment gives, turned into the fetch layer's typed
//! [`FetchOptions`]: `CAPICTL_CACHE_DIR`, `CAPICTL_OFFLINE`, `CAPICTL_CACHE_TTL`,
//! `CAPICTL_HTTP_TIMEOUT` and `CAPICTL_RETRY_DELAY`. Flags (`--cache-dir`, `--offline`) are
//! laid over the result by the CLI.

use std::path::PathBuf;
use std::time::Duration;

use super::{ConfigError, Env, parse_go_duration, paths};
use crate::fetch::FetchOptions;

/// Settings from the environment: `CAPICTL_CACHE_DIR` (default `$XDG_CACHE_HOME/capictl`),
/// `CAPICTL_OFFLINE` (`1`/`true`), `CAPICTL_CACHE_TTL` (a Go duration such as `30m`, or
/// seconds), `CAPICTL_HTTP_TIMEOUT` and `CAPICTL_RETRY_DELAY` (durations). Unset or empty
/// variables keep [`FetchOptions::default`].
pub fn fetch_settings(env: &Env) -> Result<FetchOptions, ConfigError> {
    let mut options = FetchOptions {
        cache_dir: paths::cache_home(env).map(|d| d.join("capictl")),
        ..FetchOptions::default()
    };
    if let Some(dir) = setting(env, "CAPICTL_CACHE_DIR") {
        options.cache_dir = Some(PathBuf::from(dir));
    }
    if let Some(v) = setting(env, "CAPICTL_OFFLINE") {
        options.offline = match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => true,
            "0" | "false" | "no" => false,
            _ => return Err(invalid("CAPICTL_OFFLINE", v, "use 1 or 0")),
        };
    }
    if let Some(ttl) = duration(env, "CAPICTL_CACHE_TTL")? {
        options.ttl = ttl;
    }
    if let Some(timeout) = duration(env, "CAPICTL_HTTP_TIMEOUT")? {
        options.timeout = timeout;
    }
    if let Some(delay) = duration(env, "CAPICTL_RETRY_DELAY")? {
        options.retry_base = delay;
    }
    Ok(options)
}

/// A variable's value, unless it is unset or empty.
fn setting<'a>(env: &'a Env, name: &str) -> Option<&'a str> {
    env.get(name).filter(|v| !v.is_empty())
}

fn duration(env: &Env, name: &'static str) -> Result<Option<Duration>, ConfigError> {
    match setting(env, name) {
        None => Ok(None),
        Some(v) => parse_duration(v)
            .map(Some)
            .ok_or_else(|| invalid(name, v, "use a duration such as 30m, 1h or 90s")),
    }
}

fn invalid(name: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::InvalidSetting {
        name,
        value: value.to_string(),
        expected,
    }
}

/// A Go duration (`1h30m`, `90s`) or a number of seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    match text.trim().parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => parse_go_duration(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_over_defaults() {
        let env = Env::from_pairs([
            ("XDG_CACHE_HOME", "/xdg"),
            ("CAPICTL_OFFLINE", "TRUE"),
            ("CAPICTL_CACHE_TTL", "90"),
            ("CAPICTL_RETRY_DELAY", "1m30s"),
            ("CAPICTL_HTTP_TIMEOUT", ""),
        ]);
        let options = fetch_settings(&env).unwrap();
        assert_eq!(options.cache_dir, Some(PathBuf::from("/xdg/capictl")));
        assert!(options.offline);
        assert_eq!(options.ttl, Duration::from_secs(90));
        assert_eq!(options.retry_base, Duration::from_secs(90));
        assert_eq!(options.timeout, FetchOptions::default().timeout);
        let dir = Env::from_pairs([("XDG_CACHE_HOME", "/xdg"), ("CAPICTL_CACHE_DIR", "/c")]);
        assert_eq!(
            fetch_settings(&dir).unwrap().cache_dir,
            Some(PathBuf::from("/c"))
        );
    }

    #[test]
    fn invalid_values_are_named() {
        let err = fetch_settings(&Env::from_pairs([("CAPICTL_OFFLINE", "maybe")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid CAPICTL_OFFLINE \"maybe\": use 1 or 0"
        );
        let err = fetch_settings(&Env::from_pairs([("CAPICTL_CACHE_TTL", "soon")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid CAPICTL_CACHE_TTL \"soon\": use a duration such as 30m, 1h or 90s"
        );
    }
}
