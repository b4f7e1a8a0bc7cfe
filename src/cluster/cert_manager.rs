//! cert-manager as clusterctl manages it: its manifest objects carry clusterctl's labels and a
//! version annotation; readiness is proven by creating a self-signed Issuer and Certificate
//! (`assets/cert-manager-test-resources.yaml`) and deleting them again; an installed version is
//! upgraded when it is older, differently built, or its objects or images differ.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::apply::ApplyJob;
use super::connect::ManagementCluster;
use super::error::{ClusterError, go_duration};
use super::objects::ObjectRef;
use crate::config::ImageOverrides;
use crate::object;
use crate::progress::{Progress, ProgressEvent};
use crate::provider::{CLUSTERCTL_CORE_LABEL, CLUSTERCTL_LABEL, CORE_LABEL_CERT_MANAGER};

/// The annotation recording the cert-manager version clusterctl installed.
pub const CERT_MANAGER_VERSION_ANNOTATION: &str =
    "cert-manager.clusterctl.cluster.x-k8s.io/version";
/// The namespace cert-manager is installed in.
pub const CERT_MANAGER_NAMESPACE: &str = "cert-manager";
/// Image override component name of cert-manager.
pub const CERT_MANAGER_IMAGE_COMPONENT: &str = "cert-manager";
/// The readiness test objects.
pub const TEST_RESOURCES: &str = include_str!("assets/cert-manager-test-resources.yaml");
const TEST_NAMESPACE: &str = "cert-manager-test";
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How long a terminating `cert-manager-test` namespace is waited for.
const TEST_NAMESPACE_GRACE: Duration = Duration::from_secs(10);

/// clusterctl's `getManifestObjs` after the download: parses the manifest, applies image
/// overrides (component `cert-manager`), and marks every object with clusterctl's labels and the
/// version annotation. No variable substitution and no namespace rewriting.
pub fn manifest_objects(
    raw: &[u8],
    version: &str,
    overrides: &ImageOverrides,
) -> Result<Vec<Value>, ClusterError> {
    let text = std::str::from_utf8(raw).map_err(|e| {
        ClusterError::CertManager(format!(
            "failed to parse yaml for cert-manager manifest: {e}"
        ))
    })?;
    let mut objects = crate::yaml::parse_documents(text).map_err(|e| {
        ClusterError::CertManager(format!(
            "failed to parse yaml for cert-manager manifest: {e}"
        ))
    })?;
    crate::components::fix_images(&mut objects, |image| {
        overrides.alter(CERT_MANAGER_IMAGE_COMPONENT, image)
    })
    .map_err(|e| {
        ClusterError::CertManager(format!(
            "failed to apply image override to the cert-manager manifest: {e}"
        ))
    })?;
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

fn test_objects() -> Vec<Value> {
    crate::yaml::parse_documents(TEST_RESOURCES).unwrap_or_default()
}

impl ManagementCluster {
    /// Whether the `cert-manager` namespace exists (`init list-images` then skips cert-manager's
    /// images).
    pub async fn cert_manager_namespace_exists(&self) -> Result<bool, ClusterError> {
        Ok(self
            .get(&ObjectRef::new(
                "v1",
                "Namespace",
                "",
                CERT_MANAGER_NAMESPACE,
            ))
            .await?
            .is_some())
    }

    /// clusterctl's `waitForAPIReady`: creates the test Issuer and Certificate, then deletes
    /// them. Without `retry` one attempt is made; with it each object is retried every second
    /// until `timeout`.
    pub async fn cert_manager_ready(
        &self,
        retry: bool,
        timeout: Duration,
    ) -> Result<(), ClusterError> {
        if retry {
            tracing::info!("Waiting for cert-manager to be available...");
        }
        let mut objects = test_objects();
        if !retry {
            // A single check fails at once when the API server does not serve cert-manager's
            // kinds (not installed): found before the test namespace is created for nothing.
            for obj in &objects {
                self.resource_type(object::api_version(obj), object::kind(obj))
                    .await?;
            }
        }
        let namespace = self.test_namespace(timeout).await?;
        if namespace != TEST_NAMESPACE {
            for obj in &mut objects {
                if object::kind(obj) == "Namespace" {
                    object::set_name(obj, &namespace);
                } else {
                    object::set_namespace(obj, &namespace);
                }
            }
        }
        for obj in &objects {
            let deadline = Instant::now() + timeout;
            loop {
                let attempt = async {
                    let rt = self
                        .resource_type(object::api_version(obj), object::kind(obj))
                        .await?;
                    self.apply_once(obj, &rt).await
                }
                .await;
                match attempt {
                    Ok(_) => break,
                    Err(e) if !retry => return Err(e),
                    Err(e) if Instant::now() >= deadline => {
                        return Err(ClusterError::CertManager(format!(
                            "cert-manager is not available after {}: {e}; check the cert-manager Pods (kubectl -n {CERT_MANAGER_NAMESPACE} get pods)",
                            go_duration(timeout)
                        )));
                    }
                    Err(e) => {
                        tracing::trace!(cause = %e, "cert-manager not ready yet");
                        tokio::time::sleep(POLL_INTERVAL).await;
                    }
                }
            }
        }
        for obj in &objects {
            self.delete(&ObjectRef::of(obj)).await?;
        }
        Ok(())
    }

    /// The namespace of the readiness test: `cert-manager-test`, as in clusterctl. When the
    /// previous check's namespace is still terminating it would refuse the test objects: it is
    /// waited for a little, and if it is stuck (a cluster without a namespace controller, a
    /// finalizer that never completes) a namespace of this run's own is used instead.
    async fn test_namespace(&self, timeout: Duration) -> Result<String, ClusterError> {
        let r = ObjectRef::new("v1", "Namespace", "", TEST_NAMESPACE);
        let deadline = Instant::now() + timeout.min(TEST_NAMESPACE_GRACE);
        loop {
            let Some(ns) = self.get(&r).await? else {
                return Ok(TEST_NAMESPACE.to_string());
            };
            if object::get_path(&ns, &["metadata", "deletionTimestamp"]).is_none_or(Value::is_null)
            {
                return Ok(TEST_NAMESPACE.to_string());
            }
            if Instant::now() >= deadline {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let fresh = format!("{TEST_NAMESPACE}-{secs}");
                tracing::debug!(namespace = %fresh, "Namespace cert-manager-test is stuck terminating; checking cert-manager in");
                return Ok(fresh);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Installs cert-manager's manifest objects (from [`manifest_objects`]) and waits until it
    /// answers. `crds_applied`, if given, is notified once the API server has accepted
    /// cert-manager's CRDs: CRDs applied after that are established after cert-manager's.
    pub async fn install_cert_manager(
        &self,
        version: &str,
        objects: &[Value],
        timeout: Duration,
        progress: &dyn Progress,
        crds_applied: Option<&tokio::sync::Notify>,
    ) -> Result<(), ClusterError> {
        tracing::info!(version = version, "Installing cert-manager");
        let job = ApplyJob {
            subject: "cert-manager",
            error_prefix: "failed to create cert-manager component",
            progress,
        };
        let crds = self.apply_crds(&[(objects, &job)]).await?;
        if let Some(n) = crds_applied {
            n.notify_one();
        }
        self.wait_applied_crds(crds).await?;
        self.apply_rest(objects, &job, &[]).await?;
        progress.event(ProgressEvent::WaitStarted {
            subject: "cert-manager",
        });
        let result = self.cert_manager_ready(true, timeout).await;
        progress.event(ProgressEvent::WaitFinished {
            subject: "cert-manager",
        });
        result
    }
}

/// clusterctl's `shouldUpgrade`: compares the installed cert-manager objects (`installed`, as
/// listed from the cluster) with the desired version and manifest objects (`desired`). Returns
/// the installed version and whether an upgrade is needed.
pub fn should_upgrade(
    desired_version: &str,
    installed: &[Value],
    desired: &[Value],
) -> Result<(String, bool), ClusterError> {
    let desired_semver = crate::version::parse_tolerant(desired_version).ok_or_else(|| {
        ClusterError::CertManager(format!(
            "failed to parse config version [{desired_version}] for cert-manager component"
        ))
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
            ClusterError::CertManager(format!(
                "failed to parse version for cert-manager component {}/{}",
                object::kind(obj),
                object::name(obj)
            ))
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
    let mut a = crate::components::inspect_images(&installed);
    let mut b = crate::components::inspect_images(desired);
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

    #[test]
    fn test_resources_are_clusterctls() {
        let objs = test_objects();
        let kinds: Vec<&str> = objs.iter().map(object::kind).collect();
        assert_eq!(kinds, ["Namespace", "Issuer", "Certificate"]);
    }
}
