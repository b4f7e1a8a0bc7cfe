//! Providers served by an HTTP mirror (a real static file server on loopback) through the
//! disk cache: cold, warm, expired (revalidated, 304), corrupt entries, concurrent processes,
//! offline, and failures.

mod support;

use std::path::Path;

use predicates::prelude::*;
use support::static_server::StaticServer;
use support::{capictl, copy_tree, files_under, root};

/// A mirror folder holding the testdata providers with their `index.yaml`.
fn mirror_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for label in ["cluster-api", "infrastructure-docker"] {
        let from = root().join("testdata/repository").join(label);
        let to = dir.path().join("capi").join(label);
        copy_tree(&from, &to);
        std::fs::write(
            to.join("index.yaml"),
            "apiVersion: capictl.cluster.x-k8s.io/v1alpha1\nkind: ReleaseIndex\nversions:\n- v1.12.4\n- v1.13.5\n- v1.14.0-rc.1\n",
        )
        .unwrap();
    }
    dir
}

fn config(home: &Path, base: &str) -> std::path::PathBuf {
    let path = home.join("clusterctl.yaml");
    std::fs::write(
        &path,
        format!(
            "providers:\n- name: cluster-api\n  url: {base}/capi/cluster-api/latest/core-components.yaml\n  type: CoreProvider\n- name: docker\n  url: {base}/capi/infrastructure-docker/latest/infrastructure-components-development.yaml\n  type: InfrastructureProvider\n"
        ),
    )
    .unwrap();
    path
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(root().join(format!("testdata/golden/out/{name}.stdout"))).unwrap()
}

#[test]
fn cold_warm_and_expired_cache() {
    let mirror = mirror_dir();
    let server = StaticServer::start(mirror.path());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.base_url());
    let run = || {
        capictl(home.path())
            .args(["generate", "provider", "--core", "cluster-api", "--config"])
            .arg(&cfg)
            .assert()
            .success()
    };

    // Cold: the index, the metadata of the newest stable release, the components.
    let out = run();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        golden("gp-core-latest")
    );
    let cold = server.requests();
    assert!(
        cold.iter()
            .any(|r| r.contains("/capi/cluster-api/index.yaml")),
        "{cold:#?}"
    );
    assert!(
        cold.iter()
            .any(|r| r.contains("/capi/cluster-api/v1.13.5/core-components.yaml")),
        "{cold:#?}"
    );
    assert!(
        !cold.iter().any(|r| r.contains("v1.14.0-rc.1")),
        "pre-releases are not probed: {cold:#?}"
    );

    // Warm, within the TTL: no request at all.
    server.reset();
    let out = run();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        golden("gp-core-latest")
    );
    assert_eq!(server.requests(), Vec::<String>::new());

    // Past the TTL: only the version list is asked again, conditionally, and answered 304.
    server.reset();
    capictl(home.path())
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .env("CAPICTL_CACHE_TTL", "0s")
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    let expired = server.requests();
    assert_eq!(expired.len(), 1, "{expired:#?}");
    assert!(
        expired[0].contains("/capi/cluster-api/index.yaml") && expired[0].contains("\" 304 "),
        "{expired:#?}"
    );
}

#[test]
fn corrupt_cache_entries_are_refetched() {
    let mirror = mirror_dir();
    let server = StaticServer::start(mirror.path());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.base_url());
    let args = [
        "generate",
        "provider",
        "--core",
        "cluster-api:v1.13.5",
        "--config",
    ];
    capictl(home.path()).args(args).arg(&cfg).assert().success();
    // Damage every cached file.
    let blobs: Vec<_> = files_under(&home.path().join(".cache/capictl/blobs"))
        .into_iter()
        .collect();
    assert!(!blobs.is_empty());
    for blob in &blobs {
        std::fs::write(blob, b"garbage").unwrap();
    }
    server.reset();
    capictl(home.path())
        .args(args)
        .arg(&cfg)
        .assert()
        .success()
        .stdout(golden("gp-core"));
    let refetched = server.requests();
    assert!(
        refetched
            .iter()
            .any(|r| r.contains("v1.13.5/core-components.yaml HTTP/1.1\" 200")),
        "{refetched:#?}"
    );
}

#[test]
fn two_processes_share_a_cold_cache() {
    let mirror = mirror_dir();
    let server = StaticServer::start(mirror.path());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.base_url());
    let spawn = || {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("capictl"));
        cmd.current_dir(root())
            .env_clear()
            .env("HOME", home.path())
            .env("GOPROXY", "off")
            .args(["generate", "provider", "--core", "cluster-api", "--config"])
            .arg(&cfg)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&a.stdout), golden("gp-core-latest"));
    assert_eq!(a.stdout, b.stdout);
    let leftovers: Vec<_> = files_under(&home.path().join(".cache/capictl"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The shared cache is complete: a third run needs no request.
    server.reset();
    capictl(home.path())
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .assert()
        .success();
    assert!(server.requests().is_empty());
}

#[test]
fn offline_uses_the_cache_and_names_what_is_missing() {
    let mirror = mirror_dir();
    let server = StaticServer::start(mirror.path());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.base_url());
    // Cold and offline: nothing is fetched; the error names the URL and how to fetch it.
    capictl(home.path())
        .args(["generate", "provider", "--core", "cluster-api", "--offline", "--config"])
        .arg(&cfg)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(format!("{}/capi/cluster-api/index.yaml is not in the cache and --offline forbids network access", server.base_url()))
                .and(predicate::str::contains("capictl generate provider --core cluster-api --raw")),
        );
    assert!(server.requests().is_empty());
    // Fill the cache, then work offline (CAPICTL_OFFLINE=1), even past the TTL.
    capictl(home.path())
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .assert()
        .success();
    server.reset();
    capictl(home.path())
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .env("CAPICTL_OFFLINE", "1")
        .env("CAPICTL_CACHE_TTL", "0s")
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    assert!(server.requests().is_empty());
    // A version never fetched is missing offline.
    capictl(home.path())
        .args([
            "generate",
            "provider",
            "--core",
            "cluster-api:v1.12.4",
            "--offline",
            "--config",
        ])
        .arg(&cfg)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "/capi/cluster-api/v1.12.4/metadata.yaml is not in the cache",
        ));
}

#[test]
fn templates_come_from_the_mirror() {
    let mirror = mirror_dir();
    let server = StaticServer::start(mirror.path());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.base_url());
    capictl(home.path())
        .args([
            "generate",
            "cluster",
            "demo",
            "-i",
            "docker:v1.13.5",
            "-f",
            "development",
            "--kubernetes-version",
            "v1.35.0",
            "-n",
            "default",
            "--config",
        ])
        .arg(&cfg)
        .assert()
        .success()
        .stdout(golden("gc-dev"));
}

#[test]
fn failures_name_the_url_provider_and_version() {
    let mirror = mirror_dir();
    let server = StaticServer::start(mirror.path());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.base_url());
    // A version the mirror does not have.
    capictl(home.path())
        .args([
            "generate",
            "provider",
            "--core",
            "cluster-api:v9.9.9",
            "--config",
        ])
        .arg(&cfg)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(
                "failed to read \"metadata.yaml\" from the repository for provider \"cluster-api\"",
            )
            .and(predicate::str::contains(
                "/capi/cluster-api/v9.9.9/metadata.yaml",
            )),
        );
    // A mirror nobody answers on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dead = config(home.path(), &format!("http://127.0.0.1:{closed}"));
    capictl(home.path())
        .args([
            "generate",
            "provider",
            "--core",
            "cluster-api:v1.13.5",
            "--config",
        ])
        .arg(&dead)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(format!(
                "failed to get http://127.0.0.1:{closed}/capi/cluster-api/index.yaml"
            ))
            .and(predicate::str::contains("with name cluster-api"))
            .and(predicate::str::contains("Connection refused")),
        );
    // Plain http to a non-loopback host is refused unless listed as insecure.
    let remote = config(home.path(), "http://mirror.example.com");
    capictl(home.path())
        .args([
            "generate",
            "provider",
            "--core",
            "cluster-api:v1.13.5",
            "--config",
        ])
        .arg(&remote)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "plain http is allowed only on loopback or for hosts listed under insecure-registries",
        ));
    // No partial file is ever left in the cache.
    let leftovers: Vec<_> = files_under(&home.path().join(".cache/capictl"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn cache_commands_list_prune_and_clear() {
    let mirror = mirror_dir();
    let server = StaticServer::start(mirror.path());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &server.base_url());
    capictl(home.path())
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .assert()
        .success();
    capictl(home.path())
        .args(["cache", "ls"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("/capi/cluster-api/index.yaml")
                .and(predicate::str::contains("list"))
                .and(predicate::str::contains("core-components.yaml")),
        );
    capictl(home.path())
        .args(["cache", "prune"])
        .env("CAPICTL_CACHE_TTL", "0s")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Removed 1 expired entries"));
    capictl(home.path())
        .args(["cache", "clear"])
        .assert()
        .success();
    assert!(!home.path().join(".cache/capictl").exists());
    let custom = home.path().join("elsewhere");
    capictl(home.path())
        .args([
            "generate",
            "provider",
            "--core",
            "cluster-api",
            "--cache-dir",
        ])
        .arg(&custom)
        .arg("--config")
        .arg(&cfg)
        .assert()
        .success();
    assert!(custom.join("index").exists());
}
