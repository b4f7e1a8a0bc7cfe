//! The provider catalogue: the built-in list (`repositories.yaml`, embedded) merged with the
//! `providers:` entries of clusterctl.yaml, validated and sorted as clusterctl does.

use std::sync::LazyLock;

use serde_json::Value;

use super::{Config, ConfigError};
use crate::provider::{self, CLUSTER_API_PROVIDER_NAME, ProviderType};

const CATALOGUE: &str = include_str!("../../repositories.yaml");

/// A provider the configuration knows: its name, type and repository URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    /// Name, e.g. `docker`.
    pub name: String,
    /// Type, e.g. [`ProviderType::Infrastructure`].
    pub provider_type: ProviderType,
    /// Repository URL of its components file, e.g.
    /// `https://github.com/kubernetes-sigs/cluster-api/releases/latest/core-components.yaml`.
    pub url: String,
}

impl ProviderConfig {
    /// The label clusterctl gives this provider's objects (`infrastructure-docker`).
    pub fn manifest_label(&self) -> String {
        provider::manifest_label(&self.name, self.provider_type)
    }

    /// The URL split as `filepath.Split` does: everything up to the last `/`, and the rest.
    pub fn url_dir_and_file(&self) -> (&str, &str) {
        match self.url.rfind('/') {
            Some(i) => (&self.url[..=i], &self.url[i + 1..]),
            None => ("", &self.url),
        }
    }

    fn sort_key(&self) -> (u8, &str) {
        (self.provider_type.order(), &self.name)
    }
}

static BUILTIN: LazyLock<Vec<ProviderConfig>> = LazyLock::new(|| {
    let docs = crate::yaml::parse_documents(CATALOGUE).unwrap_or_default();
    let entries = docs
        .first()
        .and_then(|d| d.get("providers"))
        .and_then(Value::as_array);
    entries
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            Some(ProviderConfig {
                name: entry.get("name")?.as_str()?.to_string(),
                provider_type: entry.get("type")?.as_str()?.parse().ok()?,
                url: entry.get("url")?.as_str()?.to_string(),
            })
        })
        .collect()
});

/// The built-in catalogue (`repositories.yaml`), in clusterctl's order.
pub fn builtin_providers() -> Vec<ProviderConfig> {
    BUILTIN.clone()
}

impl Config {
    /// Every provider: built-in ones, replaced or extended by the `providers:` of the file,
    /// sorted by type order then name.
    pub fn providers(&self) -> Result<Vec<ProviderConfig>, ConfigError> {
        let mut providers = builtin_providers();
        for entry in self.user_providers()? {
            let url = self.expand_env("url", &entry.url)?;
            let provider = validate(&entry.name, &entry.provider_type, url)?;
            match providers
                .iter_mut()
                .find(|p| p.name == provider.name && p.provider_type == provider.provider_type)
            {
                Some(existing) => *existing = provider,
                None => providers.push(provider),
            }
        }
        providers.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Ok(providers)
    }

    /// The provider with this name and type.
    pub fn provider(
        &self,
        name: &str,
        provider_type: ProviderType,
    ) -> Result<ProviderConfig, ConfigError> {
        self.providers()?
            .into_iter()
            .find(|p| p.name == name && p.provider_type == provider_type)
            .ok_or_else(|| ConfigError::UnknownProvider {
                name: name.to_string(),
                provider_type,
            })
    }

    fn user_providers(&self) -> Result<Vec<RawProvider>, ConfigError> {
        let section_error = |reason: String| ConfigError::Section {
            section: "providers",
            reason,
        };
        let items = match self.section("providers") {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(section_error(format!(
                    "expected a list of providers (name, url, type), got {}",
                    describe(other)
                )));
            }
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let map = item.as_object().ok_or_else(|| {
                    section_error(format!(
                        "entry {} should be a mapping with name, url and type, got {}",
                        i + 1,
                        describe(item)
                    ))
                })?;
                let field = |key: &str| -> Result<String, ConfigError> {
                    match map.get(key) {
                        None | Some(Value::Null) => Ok(String::new()),
                        Some(Value::String(s)) => Ok(s.clone()),
                        Some(other) => Err(section_error(format!(
                            "entry {}: {key} should be a string, got {}",
                            i + 1,
                            describe(other)
                        ))),
                    }
                };
                Ok(RawProvider {
                    name: field("name")?,
                    url: field("url")?,
                    provider_type: field("type")?,
                })
            })
            .collect()
    }
}

struct RawProvider {
    name: String,
    url: String,
    provider_type: String,
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

/// clusterctl's `validateProvider`, in its order of checks.
fn validate(name: &str, type_name: &str, url: String) -> Result<ProviderConfig, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidProvider {
        name: name.to_string(),
        provider_type: type_name.to_string(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("name value cannot be empty".into()));
    }
    if name != name.to_lowercase() {
        return Err(invalid(format!(
            "provider name {name} must be in lower case"
        )));
    }
    if (name == CLUSTER_API_PROVIDER_NAME) != (type_name == ProviderType::Core.as_str()) {
        return Err(invalid(format!(
            "name {CLUSTER_API_PROVIDER_NAME} must be used with the CoreProvider type (name: {name}, type: {type_name})"
        )));
    }
    let errors = provider::dns1123_subdomain_errors(name);
    if !errors.is_empty() {
        return Err(invalid(format!(
            "invalid provider name: {}",
            errors.join("; ")
        )));
    }
    if url.is_empty() {
        return Err(invalid("provider URL value cannot be empty".into()));
    }
    if url.chars().any(|c| c.is_control()) {
        return Err(invalid(format!(
            "error parsing provider URL: {url:?} contains a control character"
        )));
    }
    let provider_type = type_name
        .parse::<ProviderType>()
        .map_err(|e| invalid(e.to_string()))?;
    Ok(ProviderConfig {
        name: name.to_string(),
        provider_type,
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Env;

    fn config(yaml: &str) -> Config {
        Config::from_bytes(
            yaml.as_bytes(),
            "clusterctl.yaml",
            None,
            Env::from_pairs([("HOME", "/h")]),
        )
        .unwrap()
    }

    #[test]
    fn catalogue_holds_every_builtin_provider_sorted() {
        let all = builtin_providers();
        assert_eq!(all.len(), 66);
        let mut sorted = all.clone();
        sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        assert_eq!(all, sorted);
        assert_eq!(all[0].name, "cluster-api");
        let docker = all.iter().find(|p| p.name == "docker").unwrap();
        assert_eq!(
            docker.url_dir_and_file().1,
            "infrastructure-components-development.yaml"
        );
    }

    // Ported from cmd/clusterctl/client/config/providers_client_test.go (Test_providers_List).
    #[test]
    fn user_providers_replace_or_extend_the_catalogue() {
        let c = config(
            "providers:\n- name: cluster-api\n  url: https://github.com/myorg/myforkofclusterapi/releases/latest/core-components.yaml\n  type: CoreProvider\n- name: foo\n  url: https://x/infrastructure-foo/latest/infrastructure-components.yaml\n  type: InfrastructureProvider\n",
        );
        let all = c.providers().unwrap();
        assert_eq!(all.len(), 67);
        assert_eq!(
            all[0].url,
            "https://github.com/myorg/myforkofclusterapi/releases/latest/core-components.yaml"
        );
        let foo = c.provider("foo", ProviderType::Infrastructure).unwrap();
        assert_eq!(foo.manifest_label(), "infrastructure-foo");
        assert!(c.provider("foo", ProviderType::Bootstrap).is_err());
    }

    #[test]
    fn provider_urls_are_expanded_from_the_environment() {
        let c = Config::from_bytes(
            b"providers:\n- name: foo\n  url: ${BASE}/infrastructure-foo/v1.0.0/c.yaml\n  type: InfrastructureProvider\n",
            "c.yaml",
            None,
            Env::from_pairs([("BASE", "/repo")]),
        )
        .unwrap();
        assert_eq!(
            c.provider("foo", ProviderType::Infrastructure).unwrap().url,
            "/repo/infrastructure-foo/v1.0.0/c.yaml"
        );
    }

    #[test]
    fn invalid_entries_get_clusterctl_messages() {
        let cases = [
            (
                "- name: ''\n  url: u\n  type: CoreProvider",
                "name value cannot be empty",
            ),
            (
                "- name: Foo\n  url: u\n  type: InfrastructureProvider",
                "provider name Foo must be in lower case",
            ),
            (
                "- name: cluster-api\n  url: u\n  type: InfrastructureProvider",
                "name cluster-api must be used with the CoreProvider type (name: cluster-api, type: InfrastructureProvider)",
            ),
            (
                "- name: foo\n  url: u\n  type: CoreProvider",
                "name cluster-api must be used with the CoreProvider type",
            ),
            (
                "- name: foo_bar\n  url: u\n  type: InfrastructureProvider",
                "invalid provider name: a lowercase RFC 1123 subdomain",
            ),
            (
                "- name: foo\n  url: ''\n  type: InfrastructureProvider",
                "provider URL value cannot be empty",
            ),
            (
                "- name: foo\n  url: u\n  type: Bar",
                "invalid provider type. Allowed values are",
            ),
        ];
        for (entries, want) in cases {
            let c = config(&format!("providers:\n{entries}\n"));
            let err = c.providers().unwrap_err().to_string();
            assert!(err.contains(want), "{entries}: {err}");
            assert!(
                err.starts_with("error validating configuration for the"),
                "{err}"
            );
        }
        let err = config("providers: foobar\n")
            .providers()
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("failed to unmarshal providers from the clusterctl configuration file"),
            "{err}"
        );
    }

    #[test]
    fn unknown_provider_message_is_clusterctls() {
        let err = config("")
            .provider("nope", ProviderType::Infrastructure)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to get configuration for the InfrastructureProvider with name nope. Please check the provider name and/or add configuration for new providers using the .clusterctl config file"
        );
    }
}
