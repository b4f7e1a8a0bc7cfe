//! Shared test harness: the real servers tests run against (control plane, OCI registry,
//! GitHub stand-in, static file server), the workload `move` is tested on, and the capictl and
//! clusterctl binaries with a cleared environment. Each test binary uses a part of it.

#![allow(dead_code)]

pub mod control_plane;
pub mod github;
pub mod management;
pub mod registry;
pub mod registry_mock;
pub mod static_server;
pub mod workload;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[allow(unused_imports)]
pub use control_plane::{ControlPlane, root};

/// The offline test configuration (relative `file://` URLs, a capictl extension).
pub fn test_config() -> PathBuf {
    root().join("testdata/clusterctl.yaml")
}

/// The configuration both tools understand (absolute URLs through `${CAPICTL_TESTDATA}`).
pub fn shared_config() -> PathBuf {
    root().join("testdata/interop/clusterctl.yaml")
}

/// A command with only the environment a test gives it.
fn bare(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("CLUSTERCTL_DISABLE_VERSIONCHECK", "true")
        .env("GOPROXY", "off")
        .env("CAPICTL_RETRY_DELAY", "50ms")
        .env("CAPICTL_TESTDATA", root().join("testdata"));
    cmd
}

/// capictl with an empty home, as a process to spawn or run with [`run`].
pub fn capictl_std(home: &Path) -> Command {
    bare(Path::new(env!("CARGO_BIN_EXE_capictl")), home)
}

/// capictl with an empty home, for `assert_cmd` assertions.
pub fn capictl(home: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(capictl_std(home))
}

/// Upstream clusterctl v1.13.5, built by `hack/build-control-plane.sh --clusterctl`.
pub fn clusterctl(home: &Path) -> Command {
    let cache = std::env::var("CAPICTL_CONTROL_PLANE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/capictl"));
    let binary = cache.join("clusterctl/v1.13.5/clusterctl");
    assert!(
        binary.is_file(),
        "{} is missing: run hack/build-control-plane.sh --clusterctl (hack/test.sh does)",
        binary.display()
    );
    bare(&binary, home)
}

/// Runs `cmd` and returns its output, printing it for the test log.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("command runs");
    eprintln!(
        "$ {:?}\nexit: {:?}\n--- stdout\n{}--- stderr\n{}",
        cmd,
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The log lines of a successful first `init` of the given providers (clusterctl's output).
pub fn first_init_log(providers: &[(&str, &str, &str)]) -> String {
    let mut out = String::from(
        "Fetching providers\nInstalling cert-manager version=\"v1.21.1\"\nWaiting for cert-manager to be available...\n",
    );
    for (label, version, ns) in providers {
        out.push_str(&format!(
            "Installing provider=\"{label}\" version=\"{version}\" targetNamespace=\"{ns}\"\n"
        ));
    }
    out.push_str("\nYour management cluster has been initialized successfully!\n\nYou can now create your first workload cluster by running the following:\n\n  clusterctl generate cluster [name] --kubernetes-version [version] | kubectl apply -f -\n\n");
    out
}

/// The four providers of the test configuration, as `init -i docker` installs them.
pub const FOUR_PROVIDERS: [(&str, &str, &str); 4] = [
    ("cluster-api", "v1.13.5", "capi-system"),
    (
        "bootstrap-kubeadm",
        "v1.13.5",
        "capi-kubeadm-bootstrap-system",
    ),
    (
        "control-plane-kubeadm",
        "v1.13.5",
        "capi-kubeadm-control-plane-system",
    ),
    ("infrastructure-docker", "v1.13.5", "capd-system"),
];

/// Reads an object with plain kube (not capictl's code): `None` when missing.
pub async fn get_object(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Option<serde_json::Value> {
    let api = dynamic_api(client, api_version, kind, namespace).await?;
    api.get_opt(name)
        .await
        .unwrap()
        .map(|o| serde_json::to_value(o).unwrap())
}

/// Lists objects of a kind (all namespaces when `namespace` is empty) with plain kube.
pub async fn list_objects(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    namespace: &str,
) -> Vec<serde_json::Value> {
    let Some(api) = dynamic_api(client, api_version, kind, namespace).await else {
        return Vec::new();
    };
    api.list(&Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| serde_json::to_value(o).unwrap())
        .collect()
}

async fn dynamic_api(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    namespace: &str,
) -> Option<kube::Api<kube::api::DynamicObject>> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
    let (ar, caps) = kube::discovery::pinned_kind(client, &gvk).await.ok()?;
    Some(
        if caps.scope == kube::discovery::Scope::Namespaced && !namespace.is_empty() {
            kube::Api::namespaced_with(client.clone(), namespace, &ar)
        } else {
            kube::Api::all_with(client.clone(), &ar)
        },
    )
}

/// Applies a YAML manifest with plain kube (server-side apply as manager `test`).
pub async fn apply_yaml(client: &kube::Client, yaml: &str) {
    for doc in capictl::yaml::parse_documents(yaml).unwrap() {
        let api_version = doc["apiVersion"].as_str().unwrap().to_string();
        let kind = doc["kind"].as_str().unwrap().to_string();
        let ns = doc["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let name = doc["metadata"]["name"].as_str().unwrap().to_string();
        let api = dynamic_api(client, &api_version, &kind, &ns)
            .await
            .unwrap_or_else(|| panic!("{api_version} {kind} is not served"));
        api.patch(
            &name,
            &kube::api::PatchParams::apply("test").force(),
            &kube::api::Patch::Apply(&doc),
        )
        .await
        .unwrap_or_else(|e| panic!("apply {kind} {name}: {e}"));
    }
}

/// Waits (up to 60 s) until `check` is true, polling every 200 ms.
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().filter_map(Result::ok) {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.filter_map(Result::ok) {
        if entry.path().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}
