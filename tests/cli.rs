//! Command-line behaviour not covered by the clusterctl goldens: output files, configuration
//! discovery, remote configuration, logging, version and completion, and hostile input.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// capictl with an empty home and no inherited configuration.
fn capictl(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("capictl").unwrap();
    cmd.current_dir(root())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("CAPICTL_TESTDATA", root().join("testdata"));
    cmd
}

const DEV: [&str; 10] = [
    "generate",
    "cluster",
    "demo",
    "-i",
    "docker:v1.13.5",
    "-f",
    "development",
    "--kubernetes-version",
    "v1.35.0",
    "-ndefault",
];

#[test]
fn write_to_creates_a_private_file_with_the_yaml() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("cluster.yaml");
    capictl(home.path())
        .args(DEV)
        .args(["--config", "testdata/clusterctl.yaml", "--write-to"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&out).unwrap();
    let golden = std::fs::read_to_string(root().join("testdata/golden/out/gc-dev.stdout")).unwrap();
    assert_eq!(written, golden);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn relative_file_urls_resolve_against_the_config_folder_from_any_directory() {
    let home = tempfile::tempdir().unwrap();
    let config = root().join("testdata/clusterctl.yaml");
    capictl(home.path())
        .current_dir(home.path())
        .args(DEV)
        .arg("--config")
        .arg(&config)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "apiVersion: cluster.x-k8s.io/v1beta2\nkind: ClusterClass\n",
        ));
}

#[test]
fn default_config_is_found_in_xdg_then_legacy_folders() {
    let home = tempfile::tempdir().unwrap();
    let config = std::fs::read_to_string(root().join("testdata/golden/clusterctl.yaml")).unwrap();
    let legacy = home.path().join(".cluster-api");
    std::fs::create_dir_all(&legacy).unwrap();
    std::fs::write(legacy.join("clusterctl.yaml"), &config).unwrap();
    capictl(home.path()).args(DEV).assert().success();

    // The XDG file wins over the legacy one: make it point at a provider that does not exist.
    let xdg = home.path().join(".config/cluster-api");
    std::fs::create_dir_all(&xdg).unwrap();
    std::fs::write(
        xdg.join("clusterctl.yml"),
        "providers:\n- name: docker\n  url: /nowhere/infrastructure-docker/v1.13.5/c.yaml\n  type: InfrastructureProvider\n",
    )
    .unwrap();
    capictl(home.path())
        .args(DEV)
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains(
            "/nowhere/infrastructure-docker/v1.13.5/cluster-template-development.yaml",
        ));

    std::fs::remove_file(xdg.join("clusterctl.yml")).unwrap();
    std::fs::write(xdg.join("clusterctl.toml"), "a = 1\n").unwrap();
    capictl(home.path())
        .args(DEV)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unsupported config type \"toml\""));
}

/// Serves `body` with `status` to every connection on a loopback port, counting requests.
fn serve(status: u16, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    format!("http://{addr}/clusterctl.yaml")
}

#[test]
fn remote_config_is_downloaded() {
    let home = tempfile::tempdir().unwrap();
    let url = serve(
        200,
        "providers:\n- name: docker\n  url: file://${CAPICTL_TESTDATA}/repository/infrastructure-docker/latest/infrastructure-components-development.yaml\n  type: InfrastructureProvider\n",
    );
    capictl(home.path())
        .args(DEV)
        .args(["--config", &url])
        .assert()
        .success();
    let missing = serve(404, "nope");
    capictl(home.path())
        .args(DEV)
        .args(["--config", &missing])
        .assert()
        .code(1)
        .stderr(format!(
            "Error: failed to download the clusterctl config file from {missing} got 404\n"
        ));
}

#[test]
fn overrides_are_logged_at_their_verbosity() {
    let home = tempfile::tempdir().unwrap();
    let overrides = root().join("testdata/golden/overrides");
    // Templates from an override are logged at level 1.
    capictl(home.path())
        .args(DEV)
        .args(["--config", "testdata/clusterctl.yaml", "-v", "1"])
        .env("OVERRIDESFOLDER", &overrides)
        .assert()
        .success()
        .stdout(predicate::str::contains("serviceDomain: override.local"))
        .stderr(
            "Using override=\"cluster-template-development.yaml\" provider=\"infrastructure-docker\" version=\"v1.13.5\"\n",
        );
    capictl(home.path())
        .args(DEV)
        .args(["--config", "testdata/clusterctl.yaml"])
        .env("OVERRIDESFOLDER", &overrides)
        .assert()
        .success()
        .stderr("");
    // CLUSTERCTL_LOG_LEVEL sets the level when -v does not.
    capictl(home.path())
        .args(DEV)
        .args(["--config", "testdata/clusterctl.yaml"])
        .env("OVERRIDESFOLDER", &overrides)
        .env("CLUSTERCTL_LOG_LEVEL", "3")
        .assert()
        .success()
        .stderr(predicate::str::starts_with("Using override="));
    capictl(home.path())
        .args(DEV)
        .env("CLUSTERCTL_LOG_LEVEL", "loud")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Failed to convert CLUSTERCTL_LOG_LEVEL string to an int.",
        ));
}

#[test]
fn version_formats() {
    let home = tempfile::tempdir().unwrap();
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    capictl(home.path())
        .args(["version", "-o", "short"])
        .assert()
        .success()
        .stdout(format!("{version}\n"));
    capictl(home.path())
        .arg("version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "capictl version: &version.Info{{Major:\"0\", Minor:\"1\", GitVersion:\"{version}\""
        )));
    let json = capictl(home.path())
        .args(["version", "-o", "json"])
        .assert()
        .success();
    let parsed: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(parsed["capictl"]["gitVersion"], version.as_str());
    capictl(home.path())
        .args(["version", "-o", "yaml"])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("capictl:\n").and(predicate::str::contains(format!(
                "  gitVersion: {version}\n"
            ))),
        );
    capictl(home.path())
        .args(["version", "-o", "xml"])
        .assert()
        .code(1)
        .stderr("Error: invalid output format: xml\n");
}

#[test]
fn completion_scripts() {
    let home = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_capictl()"),
        ("zsh", "#compdef capictl"),
        ("fish", "complete -c capictl"),
    ] {
        capictl(home.path())
            .args(["completion", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker).and(predicate::str::contains("generate")));
    }
    capictl(home.path())
        .args(["completion", "tcsh"])
        .assert()
        .code(1)
        .stderr("Error: unsupported shell type \"tcsh\"\n");
    capictl(home.path())
        .arg("completion")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "Error: please specify a shell\n",
        ));
}

#[test]
fn bad_flags_exit_with_one() {
    let home = tempfile::tempdir().unwrap();
    capictl(home.path())
        .args(["generate", "cluster", "x", "--bogus"])
        .assert()
        .code(1);
    capictl(home.path()).args(["nonsense"]).assert().code(1);
    capictl(home.path())
        .args(["generate", "cluster", "x", "--worker-machine-count", "many"])
        .assert()
        .code(1);
    capictl(home.path())
        .args(["generate"])
        .assert()
        .success()
        .stdout(predicate::str::contains("cluster"));
}

#[test]
fn malformed_templates_fail_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 5] = [
        (
            "a: ${BA$R}\n",
            "Error: missing closing brace in the expression starting at line 1, column 4\n",
        ),
        ("a: [\n", "Error: failed to parse yaml"),
        ("- just\n- a list\n", "Error: failed to parse yaml"),
        ("a: ${X:=1}\n---\nb: [1, 2\n", "Error: failed to parse yaml"),
        (
            "\u{feff}kind: x\n  bad: indent\n",
            "Error: failed to parse yaml",
        ),
    ];
    for (input, want) in cases {
        capictl(home.path())
            .args(["generate", "yaml"])
            .write_stdin(input)
            .assert()
            .code(1)
            .stderr(predicate::str::starts_with(want));
    }
}

#[test]
fn arbitrary_input_never_panics() {
    use proptest::prelude::*;
    let home = tempfile::tempdir().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 48,
        failure_persistence: None,
        ..Default::default()
    });
    let input = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        "[a-z${}:=#\\-\\[\\]{}\n '\"|>*&!%@`]{0,200}".prop_map(String::into_bytes),
    ];
    runner
        .run(&input, |bytes| {
            let out = capictl(home.path())
                .args(["generate", "yaml"])
                .env("X", "1")
                .write_stdin(bytes)
                .output()
                .unwrap();
            let code = out.status.code();
            prop_assert!(code == Some(0) || code == Some(1), "exit {code:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            prop_assert!(!stderr.contains("panicked"), "{stderr}");
            Ok(())
        })
        .unwrap();
}
