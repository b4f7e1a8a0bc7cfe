//! Container image references and the `images:` overrides of clusterctl.yaml.
//!
//! ```yaml
//! images:
//!   all:                                  {repository: myorg.io/local-repo}
//!   cert-manager:                         {tag: v1.5.3}
//!   cluster-api/cluster-api-controller:   {name: mirrored-controller}
//! ```
//! Precedence: `all` < component (the manifest label, or `cert-manager`) < `component/image`.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::{Config, ConfigError};

/// A fully qualified image reference split the way clusterctl splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Everything before the last path element, domain included (`registry.k8s.io/cluster-api`).
    pub repository: String,
    /// The last path element (`cluster-api-controller`).
    pub name: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest (`sha256:...`), if any.
    pub digest: Option<String>,
}

/// Why an image string is not a fully qualified reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("couldn't parse image name: {reason}")]
pub struct ImageRefError {
    /// The reference library's reason (`repository name must be canonical`).
    pub reason: String,
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let alnum = "[a-z0-9]+";
    let separator = "(?:[._]|__|[-]+)";
    let component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let host = format!(r"(?:{component}(?:\.{component})*|\[(?:[a-fA-F0-9:]+)\])");
    let domain = format!("{host}(?::[0-9]+)?");
    let path_component = format!("{alnum}(?:{separator}{alnum})*");
    let remote = format!("{path_component}(?:/{path_component})*");
    let tag = r"[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
    let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    Regex::new(&format!(
        "^((?:{domain}/)?{remote})(?::({tag}))?(?:@({digest}))?$"
    ))
    .expect("static regex")
});

impl ImageRef {
    /// Parses a reference that must be fully qualified (domain and path, like
    /// `registry.k8s.io/cluster-api/cluster-api-controller:v1.13.5`), as clusterctl requires.
    pub fn parse(image: &str) -> Result<ImageRef, ImageRefError> {
        let fail = |reason: &str| ImageRefError {
            reason: reason.to_string(),
        };
        let (domain, remainder) = split_docker_domain(image);
        let remote = remainder.split(':').next().unwrap_or_default();
        if remote.to_lowercase() != remote {
            return Err(fail(&format!(
                "invalid reference format: repository name ({remote}) must be lowercase"
            )));
        }
        let normalized = format!("{domain}/{remainder}");
        let Some(caps) = REFERENCE.captures(&normalized) else {
            if REFERENCE.is_match(&normalized.to_lowercase()) {
                return Err(fail("repository name must be lowercase"));
            }
            return Err(fail("invalid reference format"));
        };
        let full_name = caps.get(1).map_or("", |m| m.as_str());
        if full_name.len() - domain.len() - 1 > 255 {
            return Err(fail("repository name must not be more than 255 characters"));
        }
        let digest = caps.get(3).map(|m| m.as_str().to_string());
        if let Some(d) = &digest {
            validate_digest(d).map_err(|r| fail(&r))?;
        }
        if normalized != image {
            return Err(fail("repository name must be canonical"));
        }
        let (repository, name) = match full_name.rfind('/') {
            Some(i) => (full_name[..i].to_string(), full_name[i + 1..].to_string()),
            None => (String::new(), full_name.to_string()),
        };
        Ok(ImageRef {
            repository,
            name,
            tag: caps.get(2).map(|m| m.as_str().to_string()),
            digest,
        })
    }
}

fn split_docker_domain(name: &str) -> (String, String) {
    let (domain, remote) = match name.split_once('/') {
        None => ("docker.io".to_string(), format!("library/{name}")),
        Some((maybe_domain, rest)) => {
            if maybe_domain == "localhost"
                || maybe_domain.contains(['.', ':'])
                || maybe_domain.to_lowercase() != maybe_domain
            {
                let domain = if maybe_domain == "index.docker.io" {
                    "docker.io"
                } else {
                    maybe_domain
                };
                (domain.to_string(), rest.to_string())
            } else {
                ("docker.io".to_string(), name.to_string())
            }
        }
    };
    if domain == "docker.io" && !remote.contains('/') {
        return (domain, format!("library/{remote}"));
    }
    (domain, remote)
}

fn validate_digest(digest: &str) -> Result<(), String> {
    let (algorithm, hex) = digest.split_once(':').unwrap_or((digest, ""));
    let want = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err("unsupported digest algorithm".into()),
    };
    if hex.len() != want
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("invalid checksum digest format".into());
    }
    Ok(())
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.repository, self.name)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// One override: the parts of an image reference to replace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageMeta {
    /// New repository (everything before the image name).
    pub repository: Option<String>,
    /// New image name.
    pub name: Option<String>,
    /// New tag.
    pub tag: Option<String>,
}

impl ImageMeta {
    fn union(&mut self, other: &ImageMeta) {
        if other.repository.is_some() {
            self.repository.clone_from(&other.repository);
        }
        if other.name.is_some() {
            self.name.clone_from(&other.name);
        }
        if other.tag.is_some() {
            self.tag.clone_from(&other.tag);
        }
    }

    fn apply(&self, mut image: ImageRef) -> String {
        if let Some(repository) = &self.repository {
            image.repository = repository.trim_end_matches('/').to_string();
        }
        if let Some(name) = &self.name {
            image.name.clone_from(name);
        }
        if let Some(tag) = &self.tag {
            image.tag = Some(tag.clone());
        }
        image.to_string()
    }
}

/// The `images:` section of the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageOverrides {
    entries: Vec<(String, ImageMeta)>,
}

impl ImageOverrides {
    /// True when no override is configured.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get(&self, key: &str) -> Option<&ImageMeta> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, m)| m)
    }

    /// The image to use instead of `image` for `component` (a manifest label or
    /// `cert-manager`). Without any configured override the image is returned untouched,
    /// but it must still be a fully qualified reference, as in clusterctl.
    pub fn alter(&self, component: &str, image: &str) -> Result<String, ImageRefError> {
        let parsed = ImageRef::parse(image)?;
        if self.entries.is_empty() {
            return Ok(image.to_string());
        }
        let mut meta = ImageMeta::default();
        for key in [
            "all".to_string(),
            component.to_string(),
            format!("{component}/{}", parsed.name),
        ] {
            if let Some(m) = self.get(&key.to_lowercase()) {
                meta.union(m);
            }
        }
        Ok(meta.apply(parsed))
    }
}

impl Config {
    /// The `images:` overrides.
    pub fn image_overrides(&self) -> Result<ImageOverrides, ConfigError> {
        let section_error = |reason: String| ConfigError::Section {
            section: "image override configurations",
            reason,
        };
        let map = match self.section("images") {
            None => return Ok(ImageOverrides::default()),
            Some(Value::Object(map)) => map,
            Some(_) => {
                return Err(section_error(
                    "images must be a mapping of component to {repository, name, tag}".into(),
                ));
            }
        };
        let mut entries = Vec::new();
        for (key, value) in map {
            let fields = match value {
                Value::Object(fields) => fields,
                Value::Null => continue,
                _ => {
                    return Err(section_error(format!(
                        "images.{key} must be a mapping with repository, name and/or tag"
                    )));
                }
            };
            let field = |name: &str| -> Result<Option<String>, ConfigError> {
                match fields.get(name) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) if s.is_empty() => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    Some(Value::Number(n)) => Ok(Some(n.to_string())),
                    Some(_) => Err(section_error(format!(
                        "images.{key}.{name} must be a string"
                    ))),
                }
            };
            entries.push((
                key.clone(),
                ImageMeta {
                    repository: field("repository")?,
                    name: field("name")?,
                    tag: field("tag")?,
                },
            ));
        }
        Ok(ImageOverrides { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Env;

    #[test]
    fn parses_fully_qualified_references() {
        let r =
            ImageRef::parse("registry.k8s.io/cluster-api/cluster-api-controller:v1.13.5").unwrap();
        assert_eq!(r.repository, "registry.k8s.io/cluster-api");
        assert_eq!(r.name, "cluster-api-controller");
        assert_eq!(r.tag.as_deref(), Some("v1.13.5"));
        let d = format!("sha256:{}", "a".repeat(64));
        let r = ImageRef::parse(&format!("localhost:5000/foo@{d}")).unwrap();
        assert_eq!(
            (r.repository.as_str(), r.name.as_str()),
            ("localhost:5000", "foo")
        );
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        assert_eq!(r.to_string(), format!("localhost:5000/foo@{d}"));
        assert_eq!(
            ImageRef::parse("docker.io/library/nginx:1")
                .unwrap()
                .to_string(),
            "docker.io/library/nginx:1"
        );
    }

    #[test]
    fn rejects_references_clusterctl_rejects() {
        let cases = [
            ("nginx", "repository name must be canonical"),
            ("docker.io/nginx", "repository name must be canonical"),
            ("quay.io/Foo/bar", "must be lowercase"),
            ("quay.io/foo/bar:", "invalid reference format"),
            ("", "invalid reference format"),
            ("quay.io/foo@sha256:abc", "invalid reference format"),
        ];
        for (image, want) in cases {
            let e = ImageRef::parse(image).unwrap_err().to_string();
            assert!(e.starts_with("couldn't parse image name: "), "{e}");
            assert!(e.contains(want), "{image:?}: {e}");
        }
    }

    fn overrides(yaml: &str) -> ImageOverrides {
        Config::from_bytes(yaml.as_bytes(), "c.yaml", None, Env::default())
            .unwrap()
            .image_overrides()
            .unwrap()
    }

    // Ported from cmd/clusterctl/client/config/imagemeta_client_test.go (Test_imageMetaClient_AlterImage).
    #[test]
    fn precedence_is_all_then_component_then_image() {
        let image = "gcr.io/k8s-staging-cluster-api/cluster-api-controller:v0.3.0";
        let cases = [
            ("", image.to_string()),
            (
                "images:\n  all:\n    repository: myorg.io/local-repo\n",
                "myorg.io/local-repo/cluster-api-controller:v0.3.0".to_string(),
            ),
            (
                "images:\n  all:\n    tag: v1.0.0\n",
                "gcr.io/k8s-staging-cluster-api/cluster-api-controller:v1.0.0".to_string(),
            ),
            (
                "images:\n  all:\n    repository: myorg.io/local-repo/\n",
                "myorg.io/local-repo/cluster-api-controller:v0.3.0".to_string(),
            ),
            (
                "images:\n  all:\n    repository: a.io/all\n  cluster-api:\n    repository: b.io/component\n",
                "b.io/component/cluster-api-controller:v0.3.0".to_string(),
            ),
            (
                "images:\n  cluster-api:\n    repository: b.io/component\n    tag: v2\n  cluster-api/cluster-api-controller:\n    tag: v3\n",
                "b.io/component/cluster-api-controller:v3".to_string(),
            ),
            (
                "images:\n  cluster-api/other:\n    tag: v3\n",
                image.to_string(),
            ),
            ("images:\n  cert-manager:\n    tag: v3\n", image.to_string()),
            (
                "images:\n  all:\n    name: renamed\n",
                "gcr.io/k8s-staging-cluster-api/renamed:v0.3.0".to_string(),
            ),
        ];
        for (yaml, want) in cases {
            assert_eq!(
                overrides(yaml).alter("cluster-api", image).unwrap(),
                want,
                "{yaml}"
            );
        }
        assert!(overrides("").alter("cluster-api", "nginx").is_err());
    }
}
