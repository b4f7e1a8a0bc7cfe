//! cert-manager's manifest as clusterctl prepares it (`getManifestObjs`: image overrides,
//! labels, version annotation) and the comparison that decides whether an installed
//! cert-manager must be upgraded (`shouldUpgrade`). Pure functions over objects; installing
//! and checking readiness on a cluster is `cluster::cert_manager`'s job.

use serde_json::Value;

use super::ComponentsError;

/// A cert-manager manifest that cannot be prepared, or installed objects that cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum CertManagerError {
    /// The manifest is not UTF-8 text.
    #[error("failed to parse yaml for cert-manager manifest: {0}")]
    NotText(#[source] std::str::Utf8Error),
    /// The manifest is not YAML.
    #[error("failed to parse yaml for cert-manager manifest: {0}")]
    Yaml(#[source] crate::yaml::YamlError),
    /// An image override does not apply.
    #[error("failed to apply image override to the cert-manager manifest: {0}")]
    Images(#[source] Box<ComponentsError>),
    /// The configured cert-manager version is not a version.
    #[error("failed to parse config version [{version}] for cert-manager component")]
    ConfigVersion {
        /// The configured version.
        version: String,
    },
    /// An installed cert-manager object carries a version annotation that is not a version.
    #[error("failed to parse version for cert-manager component {kind}/{name}")]
    InstalledVersion {
        /// The object's kind.
        kind: String,
        /// The object's name.
        name: String,
    },
}
use crate::config::ImageOverrides;
use crate::object;
use crate::provider::{CLUSTERCTL_CORE_LABEL, CLUSTERCTL_LABEL, CORE_LABEL_CERT_MANAGER};

/// The annotation recording the cert-manager version clusterctl installed.
pub const CERT_MANAGER_VERSION_ANNOTATION: &str =
    "cert-manager.clusterctl.cluster.x-k8s.io/version";
/// The namespace cert-manager is installed in.
/// Image override component name of cert-manager.
pub const CERT_MANAGER_IMAGE_COMPONENT: &str = "cert-manager";

/// clusterctl's `getManifestObjs` after the download: parses the manifest, applies image
/// overrides (component `cert-manager`), and marks every object with clusterctl's labels and the
/// version annotation. No variable substitution and no namespace rewriting.
pub fn manifest_objects(
    raw: &[u8],
    version: &str,
    overrides: &ImageOverrides,
) -> Result<Vec<Value>, CertManagerError> {
    let text = std::str::from_utf8(raw).map_err(CertManagerError::NotText)?;
    let mut objects = crate::yaml::parse_documents(text).map_err(CertManagerError::Yaml)?;
    super::fix_images(&mut objects, |image| {
        overrides.alter(CERT_MANAGER_IMAGE_COMPONENT, image)
    })
    .map_err(|e| CertManagerError::Images(Box::new(e)))?;
    for obj in &mut objects {
        let labels = object::string_map_mut(obj, "labels");
        labels.insert(CLUSTERCTL_LABEL.into(), Value::String(String::new()));
        labels.insert(
            CLUSTERCTL_CORE_LABEL.into(),
            Value::String(CORE_LABEL_CERT_MANAGER.into()),
        );
        object::string_map_mut(obj, "annotations").insert(
            CERT_MANAGER_VERSION_ANNOTATION.into(),
            Value::String(version.into()),
        );
    }
    Ok(objects)
}

/// clusterctl's `shouldUpgrade`: compares the installed cert-manager objects (`installed`, as
/// listed from the cluster) with the desired version and manifest objects (`desired`). Returns
/// the installed version and whether an upgrade is needed.
pub fn should_upgrade(
    desired_version: &str,
    installed: &[Value],
    desired: &[Value],
) -> Result<(String, bool), CertManagerError> {
    let desired_semver = crate::version::parse_tolerant(desired_version).ok_or_else(|| {
        CertManagerError::ConfigVersion {
            version: desired_version.to_string(),
        }
    })?;
    // Endpoints and EndpointSlices are made by the API server, not by the manifest.
    let relevant: Vec<&Value> = installed
        .iter()
        .filter(|o| !matches!(object::kind(o), "Endpoints" | "EndpointSlice"))
        .collect();
    let mut current = String::new();
    for obj in &relevant {
        let Some(version) = object::annotation(obj, CERT_MANAGER_VERSION_ANNOTATION) else {
            return Ok(("v0.11.0".into(), true));
        };
        let semver = crate::version::parse_tolerant(version).ok_or_else(|| {
            CertManagerError::InstalledVersion {
                kind: object::kind(obj).to_string(),
                name: object::name(obj).to_string(),
            }
        })?;
        current = version.to_string();
        let upgrade = match crate::version::compare_with_build_tags(&semver, &desired_semver) {
            crate::version::BuildOrdering::Less | crate::version::BuildOrdering::Different => true,
            crate::version::BuildOrdering::Equal => {
                relevant.len() != desired.len() || images_differ(&relevant, desired)
            }
            crate::version::BuildOrdering::Greater => false,
        };
        if upgrade {
            return Ok((current, true));
        }
    }
    Ok((current, false))
}

fn images_differ(installed: &[&Value], desired: &[Value]) -> bool {
    let installed: Vec<Value> = installed.iter().map(|v| (*v).clone()).collect();
    let mut a = super::inspect_images(&installed);
    let mut b = super::inspect_images(desired);
    a.sort();
    b.sort();
    a != b
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEFAULT: &str = crate::config::DEFAULT_CERT_MANAGER_VERSION;

    fn annotated(version: &str) -> Value {
        json!({"metadata": {"annotations": {CERT_MANAGER_VERSION_ANNOTATION: version}}})
    }

    /// Upstream `Test_shouldUpgrade` (cmd/clusterctl/client/cluster/cert_manager_test.go).
    #[test]
    fn should_upgrade_table() {
        struct Case {
            name: &'static str,
            config_version: &'static str,
            objs: Vec<Value>,
            diff_install_objs: bool,
            diff_images: bool,
            want_from: &'static str,
            want: bool,
        }
        let case = |name, config_version, objs, want_from, want| Case {
            name,
            config_version,
            objs,
            diff_install_objs: false,
            diff_images: false,
            want_from,
            want,
        };
        let cases = vec![
            case(
                "Version is not defined (e.g. cluster created with clusterctl < v0.3.9), should upgrade",
                DEFAULT,
                vec![json!({})],
                "v0.11.0",
                true,
            ),
            case(
                "Version is equal, should not upgrade",
                DEFAULT,
                vec![annotated(DEFAULT)],
                DEFAULT,
                false,
            ),
            case(
                "Version is equal but current version has no build metadata, should upgrade",
                "v1.5.3+h4fd4",
                vec![annotated("v1.5.3")],
                "v1.5.3",
                true,
            ),
            case(
                "Version is equal but different build metadata with hash, should upgrade",
                "v1.5.3+h4fd4",
                vec![annotated("v1.5.3+h4fd5")],
                "v1.5.3+h4fd5",
                true,
            ),
            case(
                "Version is equal and same build metadata with hash, should not upgrade",
                "v1.5.3+h4fd5",
                vec![annotated("v1.5.3+h4fd5")],
                "v1.5.3+h4fd5",
                false,
            ),
            case(
                "Version is equal but older numbered build metadata, should not upgrade",
                "v1.5.3+build.1",
                vec![annotated("v1.5.3+build.2")],
                "v1.5.3+build.2",
                false,
            ),
            case(
                "Version is equal but newer numbered build metadata, should upgrade",
                "v1.5.3+build.3",
                vec![annotated("v1.5.3+build.2")],
                "v1.5.3+build.2",
                true,
            ),
            Case {
                diff_install_objs: true,
                ..case(
                    "Version is equal, but should upgrade because objects to install are a different size",
                    DEFAULT,
                    vec![annotated(DEFAULT)],
                    DEFAULT,
                    true,
                )
            },
            Case {
                diff_images: true,
                ..case(
                    "Version is equal, but should upgrade because images differ",
                    DEFAULT,
                    vec![annotated(DEFAULT)],
                    DEFAULT,
                    true,
                )
            },
            case(
                "Version is older, should upgrade",
                DEFAULT,
                vec![annotated("v0.11.0")],
                "v0.11.0",
                true,
            ),
            case(
                "Version is newer, should not upgrade",
                DEFAULT,
                vec![annotated("v100.0.0")],
                "v100.0.0",
                false,
            ),
            case(
                "Endpoint are ignored",
                DEFAULT,
                vec![
                    json!({"kind": "Endpoints", "metadata": {"annotations": {CERT_MANAGER_VERSION_ANNOTATION: DEFAULT}}}),
                ],
                "",
                false,
            ),
        ];
        for c in cases {
            let mut installed = c.objs.clone();
            let mut desired = c.objs.clone();
            if c.diff_install_objs {
                desired.push(json!({}));
            }
            if c.diff_images {
                let deployment = |image: &str| {
                    json!({"apiVersion": "apps/v1", "kind": "Deployment",
                           "metadata": {"name": "cert-manager", "annotations": {CERT_MANAGER_VERSION_ANNOTATION: DEFAULT}},
                           "spec": {"template": {"spec": {"containers": [{"name": "c", "image": image}]}}}})
                };
                installed = vec![deployment(
                    "quay.io/jetstack/cert-manager-controller:v1.0.0",
                )];
                desired = vec![deployment(
                    "quay.io/jetstack/cert-manager-controller:v1.0.1",
                )];
            }
            let (from, got) = should_upgrade(c.config_version, &installed, &desired).unwrap();
            assert_eq!(got, c.want, "{}", c.name);
            assert_eq!(from, c.want_from, "{}", c.name);
        }
        assert!(should_upgrade("not-a-version", &[], &[]).is_err());
    }

    #[test]
    fn manifest_objects_carry_labels_and_annotation() {
        let raw = b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cert-manager\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: cert-manager\n  labels:\n    app: cm\n";
        let objs = manifest_objects(raw, "v1.21.1", &ImageOverrides::default()).unwrap();
        assert_eq!(objs.len(), 2);
        for o in &objs {
            assert_eq!(object::label(o, CLUSTERCTL_LABEL), Some(""));
            assert_eq!(
                object::label(o, CLUSTERCTL_CORE_LABEL),
                Some("cert-manager")
            );
            assert_eq!(
                object::annotation(o, CERT_MANAGER_VERSION_ANNOTATION),
                Some("v1.21.1")
            );
        }
        assert_eq!(object::label(&objs[1], "app"), Some("cm"));
        assert_eq!(object::namespace(&objs[1]), "cert-manager");
    }
}
