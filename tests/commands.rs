//! `get kubeconfig`, `alpha rollout` and plugins through the real binary: the first two on one
//! real control plane initialized by `capictl init` with workload clusters of
//! `tests/support/workload/`, each output and refusal compared with upstream clusterctl
//! v1.13.5's; plugins with small shell scripts in a temporary PATH.

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use support::management::{create_clusters, init_management};
use support::*;

const NS: &str = "cmds";

/// Runs `args` with `--kubeconfig` through capictl and clusterctl.
fn both(home: &Path, cp: &ControlPlane, args: &[&str]) -> (Output, Output) {
    let ours = run(capictl_std(home)
        .args(args)
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    let theirs = run(clusterctl(home)
        .args(args)
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    (ours, theirs)
}

/// Both tools fail on `args` with the same message.
fn same_refusal(home: &Path, cp: &ControlPlane, args: &[&str]) -> String {
    let (ours, theirs) = both(home, cp, args);
    assert!(!theirs.status.success(), "clusterctl accepted {args:?}");
    assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
    let theirs_text = stderr(&theirs).replace("'clusterctl ", "'capictl ");
    assert_eq!(stderr(&ours), theirs_text, "{args:?}");
    stderr(&ours)
}

fn capictl_ok(home: &Path, cp: &ControlPlane, args: &[&str]) -> Output {
    let out = run(capictl_std(home)
        .args(args)
        .arg("--kubeconfig")
        .arg(cp.kubeconfig()));
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

fn object(cp: &ControlPlane, api_version: &str, kind: &str, name: &str) -> Value {
    cp.block_on(async { get_object(&cp.client().await, api_version, kind, NS, name).await })
        .unwrap_or_else(|| panic!("{kind} {name} is missing"))
}

fn md(cp: &ControlPlane, name: &str) -> Value {
    object(cp, "cluster.x-k8s.io/v1beta2", "MachineDeployment", name)
}

fn kcp(cp: &ControlPlane, name: &str) -> Value {
    object(
        cp,
        "controlplane.cluster.x-k8s.io/v1beta2",
        "KubeadmControlPlane",
        name,
    )
}

#[test]
fn get_kubeconfig_and_rollout_match_clusterctl() {
    let cp = ControlPlane::start("cmds");
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    init_management(&cp, home);
    create_clusters(&cp, NS, "wl", 2);

    get_kubeconfig_prints_what_clusterctl_prints(&cp, home);
    get_kubeconfig_writes_and_merges_files(&cp, home);
    rollout_machine_deployment(&cp, home);
    rollout_kubeadm_control_plane(&cp, home);
    rollout_refuses_arguments_as_clusterctl_does(&cp, home);
}

fn get_kubeconfig_prints_what_clusterctl_prints(cp: &ControlPlane, home: &Path) {
    let (ours, theirs) = both(home, cp, &["get", "kubeconfig", "wl-1", "-n", NS]);
    assert!(theirs.status.success() && ours.status.success());
    assert_eq!(stdout(&ours), stdout(&theirs));
    assert!(stdout(&ours).contains("server: https://172.18.0.3:6443"));

    // No such cluster (so no Secret); the context's namespace (here `default`); no `value`.
    let missing = same_refusal(home, cp, &["get", "kubeconfig", "nope", "-n", NS]);
    assert_eq!(
        missing,
        "Error: \"nope-kubeconfig\" not found in namespace \"cmds\": secrets \"nope-kubeconfig\" not found\n"
    );
    same_refusal(home, cp, &["get", "kubeconfig", "wl-1"]);
    cp.block_on(async {
        apply_yaml(
            &cp.client().await,
            &format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad-kubeconfig\n  namespace: {NS}\ndata:\n  other: eA==\n"
            ),
        )
        .await
    });
    let malformed = same_refusal(home, cp, &["get", "kubeconfig", "bad", "-n", NS]);
    assert!(malformed.contains("missing key \"value\" in secret data"));
    same_refusal(home, cp, &["get", "kubeconfig", "-n", NS]);
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn get_kubeconfig_writes_and_merges_files(cp: &ControlPlane, home: &Path) {
    let printed = stdout(&capictl_ok(
        home,
        cp,
        &["get", "kubeconfig", "wl-2", "-n", NS],
    ));
    let dir = tempfile::tempdir().unwrap();

    let file = dir.path().join("wl-2.kubeconfig");
    std::fs::write(&file, "old content, replaced").unwrap();
    let out = capictl_ok(
        home,
        cp,
        &[
            "get",
            "kubeconfig",
            "wl-2",
            "-n",
            NS,
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(stdout(&out), "");
    assert_eq!(std::fs::read_to_string(&file).unwrap() + "\n", printed);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "a temporary file was left behind");

    // Into a copy of the management cluster's kubeconfig, twice: entries replaced, not added.
    let merged_file = dir.path().join("config");
    std::fs::copy(cp.kubeconfig(), &merged_file).unwrap();
    let before = capictl::yaml::parse_documents(&std::fs::read_to_string(&merged_file).unwrap())
        .unwrap()
        .remove(0);
    for _ in 0..2 {
        capictl_ok(
            home,
            cp,
            &[
                "get",
                "kubeconfig",
                "wl-1",
                "-n",
                NS,
                "--merge",
                "--output",
                merged_file.to_str().unwrap(),
            ],
        );
    }
    #[cfg(unix)]
    assert_eq!(mode(&merged_file), 0o600);
    let merged = capictl::yaml::parse_documents(&std::fs::read_to_string(&merged_file).unwrap())
        .unwrap()
        .remove(0);
    assert_eq!(merged["current-context"], before["current-context"]);
    let names = |v: &Value, list: &str| -> Vec<String> {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    };
    for list in ["clusters", "users", "contexts"] {
        let mut expected = names(&before, list);
        expected.push("wl-1".into());
        assert_eq!(names(&merged, list), expected, "{list}");
    }
    let wl1 = |list: &str, field: &str| {
        merged[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "wl-1")
            .unwrap()[field]
            .clone()
    };
    assert_eq!(
        wl1("contexts", "context"),
        json!({"cluster": "wl-1", "user": "wl-1"})
    );
    assert_eq!(
        wl1("clusters", "cluster")["server"],
        "https://172.18.0.3:6443"
    );
    assert!(wl1("users", "user")["client-key-data"].is_string());
    // The management cluster's entries are untouched: capictl can still use the file.
    let out = run(capictl_std(home)
        .args(["get", "kubeconfig", "wl-1", "-n", NS, "--kubeconfig"])
        .arg(&merged_file));
    assert!(out.status.success(), "{}", stderr(&out));

    // A kubeconfig that is a symbolic link stays one; the file it points to is updated.
    #[cfg(unix)]
    {
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&merged_file, &link).unwrap();
        capictl_ok(
            home,
            cp,
            &[
                "get",
                "kubeconfig",
                "wl-2",
                "-n",
                NS,
                "--merge",
                "--output",
                link.to_str().unwrap(),
            ],
        );
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let text = std::fs::read_to_string(&merged_file).unwrap();
        assert!(text.contains("name: wl-2"), "{text}");
    }

    // --merge needs --output.
    let out = run(capictl_std(home).args(["get", "kubeconfig", "wl-1", "--merge"]));
    assert!(!out.status.success());
}

/// Restart, pause and resume a MachineDeployment with capictl; each refusal compared with
/// clusterctl's on the same object.
fn rollout_machine_deployment(cp: &ControlPlane, home: &Path) {
    let target = "machinedeployment/wl-1-md-0";
    let rollout = |verb: &'static str| vec!["alpha", "rollout", verb, target, "-n", NS];

    let before_restart = capictl::fetch::clock::now_rfc3339();
    capictl_ok(home, cp, &rollout("restart"));
    let after = md(cp, "wl-1-md-0")["spec"]["rollout"]["after"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(after >= before_restart, "{after} < {before_restart}");

    capictl_ok(home, cp, &rollout("pause"));
    assert_eq!(md(cp, "wl-1-md-0")["spec"]["paused"], true);
    let text = same_refusal(home, cp, &rollout("pause"));
    assert_eq!(
        text,
        "Error: MachineDeployment is already paused: machinedeployment/wl-1-md-0\n\n"
    );
    same_refusal(home, cp, &rollout("restart"));

    capictl_ok(home, cp, &rollout("resume"));
    assert_eq!(md(cp, "wl-1-md-0")["spec"]["paused"], false);
    same_refusal(home, cp, &rollout("resume"));

    // A restart planned for later is not overridden.
    cp.block_on(async {
        apply_yaml(
            &cp.client().await,
            &format!(
                "apiVersion: cluster.x-k8s.io/v1beta2\nkind: MachineDeployment\nmetadata:\n  name: wl-2-md-0\n  namespace: {NS}\nspec:\n  rollout:\n    after: \"2999-01-01T00:00:00Z\"\n"
            ),
        )
        .await
    });
    same_refusal(
        home,
        cp,
        &[
            "alpha",
            "rollout",
            "restart",
            "machinedeployment/wl-2-md-0",
            "-n",
            NS,
        ],
    );

    // Kinds and names are case-insensitive, as in clusterctl.
    capictl_ok(
        home,
        cp,
        &[
            "alpha",
            "rollout",
            "pause",
            "MachineDeployment/WL-1-MD-0",
            "-n",
            NS,
        ],
    );
    assert_eq!(md(cp, "wl-1-md-0")["spec"]["paused"], true);
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn rollout_kubeadm_control_plane(cp: &ControlPlane, home: &Path) {
    let name = "wl-1-control-plane";
    let target = format!("kubeadmcontrolplane/{name}");
    let rollout = |verb: &'static str| -> Vec<String> {
        ["alpha", "rollout", verb, &target, "-n", NS]
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let paused = |cp: &ControlPlane| {
        kcp(cp, name)["metadata"]["annotations"]["cluster.x-k8s.io/paused"].clone()
    };

    let before_restart = capictl::fetch::clock::now_rfc3339();
    capictl_ok(home, cp, &strs(&rollout("restart")));
    let after = kcp(cp, name)["spec"]["rollout"]["after"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(after >= before_restart);

    capictl_ok(home, cp, &strs(&rollout("pause")));
    assert_eq!(paused(cp), "true");
    same_refusal(home, cp, &strs(&rollout("pause")));
    let text = same_refusal(home, cp, &strs(&rollout("restart")));
    assert!(text.contains("remove annotation 'cluster.x-k8s.io/paused' first"));

    capictl_ok(home, cp, &strs(&rollout("resume")));
    assert_eq!(paused(cp), Value::Null);
    same_refusal(home, cp, &strs(&rollout("resume")));
}

fn rollout_refuses_arguments_as_clusterctl_does(cp: &ControlPlane, home: &Path) {
    for verb in ["restart", "pause", "resume"] {
        let cases: [&[&str]; 7] = [
            &[],
            &["machinedeployment"],
            &["machinedeployment", "machinedeployment/wl-1-md-0"],
            &["a/b/c"],
            &["/wl-1-md-0"],
            &["machineset/wl-1-md-0"],
            &["machinedeployment/nope"],
        ];
        for case in cases {
            let mut a = vec!["alpha", "rollout", verb, "-n", NS];
            a.extend_from_slice(case);
            same_refusal(home, cp, &a);
        }
        same_refusal(
            home,
            cp,
            &[
                "alpha",
                "rollout",
                verb,
                "kubeadmcontrolplane/nope",
                "-n",
                NS,
            ],
        );
    }
}

/// A PATH of one folder holding the given scripts (`name`, body, executable).
fn plugin_dir(scripts: &[(&str, &str, bool)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body, executable) in scripts {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if *executable { 0o755 } else { 0o644 };
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    }
    dir
}

fn with_path(home: &Path, dirs: &[&Path]) -> std::process::Command {
    let mut cmd = capictl_std(home);
    let system = std::env::var_os("PATH").unwrap_or_default();
    let mut all: Vec<std::path::PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    all.extend(std::env::split_paths(&system));
    cmd.env("PATH", std::env::join_paths(all).unwrap());
    cmd
}

#[cfg(unix)]
#[test]
fn plugins_run_from_path_and_are_listed() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let first = plugin_dir(&[
        (
            "capictl-hello",
            "echo \"hello $*\"; echo to-stderr >&2; exit 7",
            true,
        ),
        ("clusterctl-hello", "echo clusterctl-hello; exit 1", true),
        ("capictl-foo-bar", "echo \"foo bar: $*\"", true),
        ("capictl-init", "echo never", true),
        ("capictl-broken", "echo never", false),
    ]);
    let second = plugin_dir(&[
        ("capictl-hello", "echo shadowed", true),
        (
            "clusterctl-only",
            "echo \"upstream plugin $1\"; exit 0",
            true,
        ),
    ]);
    let path = [first.path(), second.path()];

    // Exit code, arguments, stdout and stderr pass through; capictl-* wins over clusterctl-*.
    let out = run(with_path(home, &path).args(["hello", "a b", "--flag", "-x"]));
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stdout(&out), "hello a b --flag -x\n");
    assert_eq!(stderr(&out), "to-stderr\n");
    // The longest name first; clusterctl-* when there is no capictl-*.
    let out = run(with_path(home, &path).args(["foo", "bar", "baz"]));
    assert_eq!(stdout(&out), "foo bar: baz\n");
    let out = run(with_path(home, &path).args(["only", "x"]));
    assert_eq!(
        (out.status.code(), stdout(&out)),
        (Some(0), "upstream plugin x\n".into())
    );
    // A built-in command is never a plugin.
    let out = run(with_path(home, &path).args(["init", "--help"]));
    assert!(!stdout(&out).contains("never"));

    // Not executable: a clear error.
    let out = run(with_path(home, &path).arg("broken"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("capictl-broken is not executable"),
        "{}",
        stderr(&out)
    );
    // No plugin at all: clap's unknown command; a flag first: clusterctl's message.
    let out = run(with_path(home, &path).arg("nothing-here"));
    assert_eq!(out.status.code(), Some(1));
    let out = run(with_path(home, &path).args(["--offline", "hello"]));
    assert_eq!(
        stderr(&out),
        "Error: flags cannot be placed before plugin name: --offline\n"
    );

    let out = run(with_path(home, &path).args(["plugin", "list"]));
    assert!(out.status.success());
    let table = stdout(&out);
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let hello = first.path().join("capictl-hello");
    let foo_bar = first.path().join("capictl-foo-bar");
    let only = second.path().join("clusterctl-only");
    assert_eq!(
        rows,
        vec![
            vec!["NAME", "PATH"],
            vec!["foo", "bar", foo_bar.to_str().unwrap()],
            vec!["hello", hello.to_str().unwrap()],
            vec!["only", only.to_str().unwrap()],
        ]
    );
    let warnings = stderr(&out);
    for expected in [
        "capictl-broken is not executable",
        "capictl-init is shadowed by the built-in command `capictl init`",
        &format!(
            "{} is shadowed by {}",
            second.path().join("capictl-hello").display(),
            hello.display()
        ),
        &format!(
            "{} is shadowed by {}",
            first.path().join("clusterctl-hello").display(),
            hello.display()
        ),
    ] {
        assert!(
            warnings.contains(expected),
            "{expected} not in:\n{warnings}"
        );
    }
}
