//! Parsing `oci://` provider URLs into a typed [`OciUrl`], and the file names an artifact may
//! use for a wanted file (clusterctl's names first, then the Cluster API Operator's).

use crate::provider::ProviderType;

/// The digest of the empty JSON object `{}`, the config of every artifact we push.
pub const EMPTY_CONFIG_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// A parsed `oci://{registry}/{repository}[:{tag}][@sha256:{hex}][/{file}]` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciUrl {
    /// `host[:port]` of the registry.
    pub registry: String,
    /// The repository path inside the registry (`capi/core-cluster-api`).
    pub repository: String,
    /// The tag written in the URL; `None` when the URL has no tag (or says `latest`).
    pub tag: Option<String>,
    /// A pinned manifest digest (`sha256:…`), which wins over the tag.
    pub digest: Option<String>,
    /// The components file named after the reference, if any.
    pub file: Option<String>,
}

impl OciUrl {
    /// Parses `url`; the error is a sentence for the user.
    pub fn parse(url: &str) -> Result<OciUrl, String> {
        let form = "an OCI provider url should be in the form oci://{registry}/{repository}:{latest|tag}[/{components file}] or oci://{registry}/{repository}@sha256:{digest}[/{components file}]";
        let rest = url
            .strip_prefix("oci://")
            .ok_or_else(|| format!("invalid url: {form}"))?;
        let (registry, path) = rest
            .split_once('/')
            .ok_or_else(|| format!("invalid url: no repository after the registry; {form}"))?;
        validate_registry(registry)?;
        let segments: Vec<&str> = path.split('/').collect();
        let pinned = segments.iter().position(|s| s.contains([':', '@']));
        let (repo_segments, reference, file_segments) = match pinned {
            Some(i) => {
                let (name, reference) = split_reference(segments[i]);
                let mut repo: Vec<&str> = segments[..i].to_vec();
                repo.push(name);
                (repo, Some(reference), &segments[i + 1..])
            }
            None => (segments.clone(), None, &[][..]),
        };
        let repository = repo_segments.join("/");
        if let Some(last) = repo_segments.last()
            && (last.ends_with(".yaml") || last.ends_with(".yml"))
        {
            return Err(format!(
                "invalid url: {last:?} looks like a file, but a file may only follow a tag or digest (oci://{registry}/{}:latest/{last}); {form}",
                repo_segments[..repo_segments.len() - 1].join("/")
            ));
        }
        validate_repository(&repository)?;
        let (tag, digest) = match reference {
            None => (None, None),
            Some(reference) => parse_reference(reference)?,
        };
        let file = if file_segments.is_empty() {
            None
        } else {
            let file = file_segments.join("/");
            check_relative_path(&file)
                .map_err(|reason| format!("invalid url: the components file {file:?} {reason}"))?;
            Some(file)
        };
        Ok(OciUrl {
            registry: registry.to_string(),
            tag: tag.filter(|t| t != "latest"),
            repository,
            digest,
            file,
        })
    }

    /// The last element of the repository path (`core-cluster-api`).
    pub fn repository_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// `oci://{registry}/{repository}`, for messages and cache keys.
    pub fn repository_url(&self) -> String {
        format!("oci://{}/{}", self.registry, self.repository)
    }
}

/// Splits `name:tag@digest` into the name and the `:tag@digest` part (without the separator
/// when only one is given, the `@` or `:` is kept so the caller can tell them apart).
fn split_reference(segment: &str) -> (&str, &str) {
    let at = segment.find([':', '@']).unwrap_or(segment.len());
    (&segment[..at], &segment[at..])
}

/// `:tag`, `@sha256:…` or `:tag@sha256:…` into (tag, digest).
fn parse_reference(reference: &str) -> Result<(Option<String>, Option<String>), String> {
    let (tag_part, digest) = match reference.split_once('@') {
        Some((tag, digest)) => (tag, Some(digest)),
        None => (reference, None),
    };
    let tag = match tag_part.strip_prefix(':') {
        Some(tag) => {
            validate_tag(tag)?;
            Some(tag.to_string())
        }
        None if tag_part.is_empty() => None,
        None => return Err(format!("invalid url: unexpected {tag_part:?}")),
    };
    let digest = digest.map(validate_digest).transpose()?;
    Ok((tag, digest))
}

fn validate_registry(registry: &str) -> Result<(), String> {
    if registry.contains('@') {
        return Err(
            "invalid url: credentials do not belong in an OCI url; set OCI_USERNAME and OCI_PASSWORD or use docker login".into(),
        );
    }
    let valid = !registry.is_empty()
        && registry
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "invalid url: {registry:?} is not a registry host[:port]"
        ))
    }
}

/// Distribution's repository grammar: lower-case components separated by `/`, each
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn validate_repository(repository: &str) -> Result<(), String> {
    let component_ok = |c: &str| {
        let bytes = c.as_bytes();
        !c.is_empty()
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
            && c.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && !c.contains("..")
            && !c.contains("___")
    };
    if repository.split('/').all(component_ok) && repository.len() <= 255 {
        Ok(())
    } else {
        Err(format!(
            "invalid url: {repository:?} is not a valid repository name (lower-case letters, digits and . _ - separated by /)"
        ))
    }
}

/// Checks `tag` against the distribution tag grammar.
pub fn validate_tag(tag: &str) -> Result<(), String> {
    let bytes = tag.as_bytes();
    let valid = !tag.is_empty()
        && tag.len() <= 128
        && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "invalid url: {tag:?} is not a valid tag (letters, digits, . _ -; at most 128 characters; no +)"
        ))
    }
}

fn validate_digest(digest: &str) -> Result<String, String> {
    match digest.strip_prefix("sha256:") {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(digest.to_ascii_lowercase())
        }
        _ => Err(format!(
            "invalid url: {digest:?} is not a digest; pin a manifest with @sha256:<64 hex digits>"
        )),
    }
}

/// Why a relative path inside an artifact (a layer title, a tar entry, a file in the URL) is
/// unsafe, or `Ok` when it stays inside the artifact.
pub fn check_relative_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || path.contains(":\\") {
        return Err("is an absolute path");
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("contains a backslash or NUL");
    }
    if path.split('/').any(|c| c == "..") {
        return Err("leaves the artifact through `..`");
    }
    Ok(())
}

/// The type as Cluster API names OCI repositories (`{type}-{name}`, CAEP #14033).
pub fn repository_type(provider_type: ProviderType) -> &'static str {
    match provider_type {
        ProviderType::Core => "core",
        ProviderType::Bootstrap => "bootstrap",
        ProviderType::ControlPlane => "control-plane",
        ProviderType::Infrastructure => "infrastructure",
        ProviderType::Ipam => "ipam",
        ProviderType::RuntimeExtension => "runtime-extension",
        ProviderType::Addon => "addon",
    }
}

/// The type as the Cluster API Operator spells it in file names (`GetType()`).
fn operator_type(provider_type: ProviderType) -> &'static str {
    match provider_type {
        ProviderType::RuntimeExtension => "runtimeextension",
        other => repository_type(other),
    }
}

/// The components file clusterctl expects for a type (`infrastructure-components.yaml`).
pub fn default_components_file(provider_type: ProviderType) -> &'static str {
    match provider_type {
        ProviderType::Core => "core-components.yaml",
        ProviderType::Bootstrap => "bootstrap-components.yaml",
        ProviderType::ControlPlane => "control-plane-components.yaml",
        ProviderType::Infrastructure => "infrastructure-components.yaml",
        ProviderType::Ipam => "ipam-components.yaml",
        ProviderType::RuntimeExtension => "runtime-extensions-components.yaml",
        ProviderType::Addon => "addon-components.yaml",
    }
}

/// Checks that a repository named like `{type}-{name}` is the one of this provider; other
/// names are accepted as they are.
pub fn check_repository_name(
    url: &OciUrl,
    provider_type: ProviderType,
    name: &str,
) -> Result<(), String> {
    let last = url.repository_name();
    let expected = format!("{}-{name}", repository_type(provider_type));
    let looks_typed = ProviderType::ALL.iter().any(|t| {
        last.strip_prefix(repository_type(*t))
            .is_some_and(|rest| rest.len() > 1 && rest.starts_with('-'))
    });
    if !looks_typed || last == expected {
        return Ok(());
    }
    Err(format!(
        "invalid url: repository {:?} is named for another provider; the {} {name:?} lives in a repository named {expected:?} (oci://{{registry}}/{{path}}/{expected}:{{version}})",
        url.repository,
        provider_type.as_str()
    ))
}

/// Names to look for, in order, when `wanted` is asked of release `version`: the name itself,
/// then the operator's versioned and typed names for the components and metadata files.
pub fn candidate_names(
    wanted: &str,
    components_file: &str,
    provider_type: ProviderType,
    name: &str,
    version: &str,
) -> Vec<String> {
    let op = operator_type(provider_type);
    let mut names = vec![wanted.to_string()];
    if wanted == components_file {
        names.push(format!("{op}-{name}-{version}-components.yaml"));
        names.push(format!("{op}-components.yaml"));
        names.push("components.yaml".into());
    } else if wanted == super::super::METADATA_FILE {
        names.push(format!("{op}-{name}-{version}-metadata.yaml"));
    }
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> OciUrl {
        OciUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    #[test]
    fn url_forms() {
        let u = parse("oci://127.0.0.1:5000/capi/core-cluster-api:latest/core-components.yaml");
        assert_eq!(u.registry, "127.0.0.1:5000");
        assert_eq!(u.repository, "capi/core-cluster-api");
        assert_eq!((u.tag, u.digest), (None, None));
        assert_eq!(u.file.as_deref(), Some("core-components.yaml"));

        let u = parse("oci://ghcr.io/org/infrastructure-aws:v2.9.0");
        assert_eq!(u.tag.as_deref(), Some("v2.9.0"));
        assert_eq!(u.file, None);

        let u = parse("oci://reg.example/a/b/bootstrap-kubeadm");
        assert_eq!(
            (u.repository.as_str(), u.tag.as_deref()),
            ("a/b/bootstrap-kubeadm", None)
        );

        let digest = format!("sha256:{}", "ab".repeat(32));
        let u = parse(&format!(
            "oci://r/x/core-cluster-api@{digest}/core-components.yaml"
        ));
        assert_eq!(u.digest.as_deref(), Some(digest.as_str()));
        assert_eq!(u.tag, None);
        let u = parse(&format!("oci://r/x/core-cluster-api:v1.13.5@{digest}"));
        assert_eq!(u.tag.as_deref(), Some("v1.13.5"));
        assert_eq!(u.digest.as_deref(), Some(digest.as_str()));

        let u = parse("oci://r/x:v1/sub/file.yaml");
        assert_eq!(u.file.as_deref(), Some("sub/file.yaml"));
    }

    #[test]
    fn bad_urls_say_why() {
        for (url, needle) in [
            ("https://r/x:v1", "oci://{registry}"),
            ("oci://r", "no repository"),
            ("oci://user:pw@r/x:v1", "credentials"),
            ("oci://r/X:v1", "not a valid repository"),
            ("oci://r/x:v1+build", "not a valid tag"),
            ("oci://r/x@sha256:abc", "not a digest"),
            ("oci://r/x:v1/../evil.yaml", "`..`"),
            ("oci://r/x/core-components.yaml", "may only follow a tag"),
            ("oci://r//x:v1", "not a valid repository"),
        ] {
            let err = OciUrl::parse(url).unwrap_err();
            assert!(err.contains(needle), "{url}: {err}");
        }
    }

    #[test]
    fn typed_repository_names_must_match_the_provider() {
        let check = |url: &str, t, name| check_repository_name(&parse(url), t, name);
        assert!(
            check(
                "oci://r/p/core-cluster-api:v1",
                ProviderType::Core,
                "cluster-api"
            )
            .is_ok()
        );
        assert!(
            check(
                "oci://r/p/control-plane-kubeadm",
                ProviderType::ControlPlane,
                "kubeadm"
            )
            .is_ok()
        );
        assert!(check("oci://r/p/my-manifests", ProviderType::Core, "cluster-api").is_ok());
        let err = check(
            "oci://r/p/infrastructure-aws",
            ProviderType::Infrastructure,
            "docker",
        )
        .unwrap_err();
        assert!(err.contains("\"infrastructure-docker\""), "{err}");
        assert!(
            check(
                "oci://r/p/bootstrap-kubeadm",
                ProviderType::ControlPlane,
                "kubeadm"
            )
            .is_err()
        );
    }

    #[test]
    fn candidate_names_follow_the_operator() {
        let names = candidate_names(
            "infrastructure-components.yaml",
            "infrastructure-components.yaml",
            ProviderType::Infrastructure,
            "azure",
            "v1.9.3",
        );
        assert_eq!(
            names,
            [
                "infrastructure-components.yaml",
                "infrastructure-azure-v1.9.3-components.yaml",
                "components.yaml"
            ]
        );
        let names = candidate_names(
            "metadata.yaml",
            "x.yaml",
            ProviderType::RuntimeExtension,
            "n",
            "v1.0.0",
        );
        assert_eq!(
            names,
            ["metadata.yaml", "runtimeextension-n-v1.0.0-metadata.yaml"]
        );
        assert_eq!(
            candidate_names(
                "cluster-template.yaml",
                "x.yaml",
                ProviderType::Core,
                "c",
                "v1"
            ),
            ["cluster-template.yaml"]
        );
    }

    #[test]
    fn relative_paths() {
        assert!(check_relative_path("a/b.yaml").is_ok());
        assert!(check_relative_path("a..b.yaml").is_ok());
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a\\b", "C:\\x"] {
            assert!(check_relative_path(bad).is_err(), "{bad}");
        }
    }
}
