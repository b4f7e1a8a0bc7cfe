//! The GitHub backend against the GitHub / Go proxy stand-in: which requests each situation
//! costs (no API call in normal use), tokens, GOPROXY forms, rate limits, transient faults,
//! tags without releases, the cache and offline mode.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use predicates::prelude::*;
use support::github::{Fault, GitHubStandIn, Kind};
use support::{capictl, root};

const CAPI: &str = "kubernetes-sigs/cluster-api";

fn standin() -> GitHubStandIn {
    GitHubStandIn::start_blocking(
        support::github::clusterctl_repos(&root().join("testdata/repository")).unwrap(),
    )
}

/// A clusterctl.yaml pointing the four providers and cert-manager at the stand-in.
fn config(home: &Path, s: &GitHubStandIn, extra: &str) -> PathBuf {
    let base = s.base_url();
    let path = home.join("clusterctl.yaml");
    std::fs::write(
        &path,
        format!(
            "github-hosts:\n- {host}\nproviders:\n\
             - name: cluster-api\n  type: CoreProvider\n  url: {base}/{CAPI}/releases/latest/core-components.yaml\n\
             - name: kubeadm\n  type: BootstrapProvider\n  url: {base}/{CAPI}/releases/latest/bootstrap-components.yaml\n\
             - name: kubeadm\n  type: ControlPlaneProvider\n  url: {base}/{CAPI}/releases/latest/control-plane-components.yaml\n\
             - name: docker\n  type: InfrastructureProvider\n  url: {base}/{CAPI}/releases/latest/infrastructure-components-development.yaml\n{extra}",
            host = s.host()
        ),
    )
    .unwrap();
    path
}

/// capictl with the stand-in as Go proxy.
fn cmd(home: &Path, s: &GitHubStandIn, cfg: &Path) -> assert_cmd::Command {
    let mut c = capictl(home);
    c.env("GOPROXY", s.base_url()).arg("--config").arg(cfg);
    c
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(root().join(format!("testdata/golden/out/{name}.stdout"))).unwrap()
}

const PROVIDERS: [[&str; 2]; 4] = [
    ["--core", "cluster-api"],
    ["--bootstrap", "kubeadm"],
    ["--control-plane", "kubeadm"],
    ["--infrastructure", "docker"],
];

#[test]
fn no_api_calls_cold_no_requests_warm_only_304s_past_the_ttl() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    for p in PROVIDERS {
        cmd(home.path(), &s, &cfg)
            .args(["generate", "provider"])
            .args(p)
            .assert()
            .success();
    }
    let cold = s.counts();
    assert_eq!(cold.api, 0, "cold: {cold:?}");
    assert!(cold.proxy > 0 && cold.download > 0, "cold: {cold:?}");

    s.reset_counts();
    let out = cmd(home.path(), &s, &cfg)
        .args(["generate", "provider", "--core", "cluster-api"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        golden("gp-core-latest")
    );
    for p in &PROVIDERS[1..] {
        cmd(home.path(), &s, &cfg)
            .args(["generate", "provider"])
            .args(p)
            .assert()
            .success();
    }
    assert_eq!(s.counts().total(), 0, "warm: {:?}", s.counts());

    s.reset_counts();
    for p in PROVIDERS {
        cmd(home.path(), &s, &cfg)
            .env("CAPICTL_CACHE_TTL", "0s")
            .args(["generate", "provider"])
            .args(p)
            .assert()
            .success();
    }
    let expired = s.counts();
    assert_eq!(
        (expired.api, expired.download),
        (0, 0),
        "past TTL: {expired:?}"
    );
    assert!(expired.proxy > 0, "past TTL: {expired:?}");
    assert_eq!(
        expired.proxy_not_modified, expired.proxy,
        "every revalidation answered 304: {expired:?}"
    );
}

#[test]
fn without_a_proxy_the_api_lists_releases_with_the_token() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    capictl(home.path())
        .env("GOPROXY", "off")
        .env("GITHUB_TOKEN", "t0ken")
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    let requests = s.requests();
    let api: Vec<_> = requests.iter().filter(|r| r.kind == Kind::Api).collect();
    assert_eq!(api.len(), 1, "one release list page: {requests:#?}");
    assert!(
        api[0]
            .path
            .ends_with("/repos/kubernetes-sigs/cluster-api/releases"),
        "{requests:#?}"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.authorization.as_deref() == Some("Bearer t0ken")),
        "{requests:#?}"
    );

    // GH_TOKEN, then github-token in the file, are the fallbacks.
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "github-token: from-file\n");
    s.reset_counts();
    cmd(home.path(), &s, &cfg)
        .env("GH_TOKEN", "gh")
        .args(["generate", "provider", "--core", "cluster-api:v1.13.5"])
        .assert()
        .success();
    // The token goes to GitHub (downloads, API), never to the Go proxy.
    let sent = |token: &str| {
        s.requests().iter().all(|r| match r.kind {
            Kind::Proxy => r.authorization.is_none(),
            _ => r.authorization.as_deref() == Some(token),
        })
    };
    assert!(sent("Bearer gh"), "{:#?}", s.requests());
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "github-token: from-file\n");
    s.reset_counts();
    cmd(home.path(), &s, &cfg)
        .args(["generate", "provider", "--core", "cluster-api:v1.13.5"])
        .assert()
        .success();
    assert!(sent("Bearer from-file"), "{:#?}", s.requests());
}

#[test]
fn goproxy_lists_fall_through_as_go_does() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    let dead = format!("http://127.0.0.1:{}", {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    });
    // `|` falls through on any error.
    capictl(home.path())
        .env("GOPROXY", format!("{dead}|{}", s.base_url()))
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    assert_eq!(s.counts().api, 0);
    // `,` falls through only on 404: a dead first proxy is an error... which the API answers.
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    s.reset_counts();
    capictl(home.path())
        .env("GOPROXY", format!("{dead},{}", s.base_url()))
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .assert()
        .success();
    assert_eq!(
        s.counts().proxy,
        0,
        "the second proxy is not asked after a transport error"
    );
    assert_eq!(s.counts().api, 1, "the API lists releases instead");
}

#[test]
fn capitals_in_the_owner_are_escaped_for_the_proxy() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("c.yaml");
    std::fs::write(
        &cfg,
        format!(
            "github-hosts: [{}]\nproviders:\n- name: cluster-api\n  type: CoreProvider\n  url: {}/Kubernetes-SIGs/cluster-api/releases/latest/core-components.yaml\n",
            s.host(),
            s.base_url()
        ),
    )
    .unwrap();
    cmd(home.path(), &s, &cfg)
        .args(["generate", "provider", "--core", "cluster-api"])
        .assert()
        .success();
    let proxy: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.kind == Kind::Proxy)
        .collect();
    assert!(
        proxy[0]
            .path
            .contains("/!kubernetes-!s!i!gs/cluster-api/@v/list"),
        "{proxy:#?}"
    );
}

#[test]
fn an_exhausted_rate_limit_fails_at_once_with_the_ways_out() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    s.inject(Fault::rate_limited(Duration::from_secs(1800)).on(Kind::Api));
    capictl(home.path())
        .env("GOPROXY", "off")
        .args(["generate", "provider", "--core", "cluster-api", "--config"])
        .arg(&cfg)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("rate limit for github api has been reached")
                .and(predicate::str::contains("(in 30 min)"))
                .and(predicate::str::contains("Set GITHUB_TOKEN"))
                .and(predicate::str::contains("--offline")),
        );
    assert_eq!(
        s.counts().api,
        1,
        "no retry against an exhausted budget: {:?}",
        s.counts()
    );
}

#[test]
fn transient_failures_are_retried() {
    let faults = [
        (
            "429 with retry-after",
            Fault::too_many_requests(1).on(Kind::Download).times(1),
        ),
        ("500", Fault::server_error().on(Kind::Download).times(2)),
        ("502", Fault::bad_gateway().on(Kind::Proxy).times(1)),
        (
            "connection reset",
            Fault::reset().on(Kind::Download).times(1),
        ),
        (
            "truncated body",
            Fault::truncated(100).on(Kind::Download).times(1),
        ),
        (
            "slow answer",
            Fault::slow(Duration::from_secs(3))
                .on(Kind::Download)
                .times(1),
        ),
    ];
    for (name, fault) in faults {
        let s = standin();
        let home = tempfile::tempdir().unwrap();
        let cfg = config(home.path(), &s, "");
        s.inject(fault);
        cmd(home.path(), &s, &cfg)
            .env("CAPICTL_HTTP_TIMEOUT", "1s")
            .args(["generate", "provider", "--core", "cluster-api"])
            .assert()
            .success()
            .stdout(golden("gp-core-latest"));
        assert!(s.counts().faults >= 1, "{name}: the fault fired");
        // Nothing damaged reached the cache: a second run is served from it, identically.
        s.reset_counts();
        cmd(home.path(), &s, &cfg)
            .args(["generate", "provider", "--core", "cluster-api"])
            .assert()
            .success()
            .stdout(golden("gp-core-latest"));
        assert_eq!(s.counts().total(), 0, "{name}");
    }
    // A fault that never stops ends in an error naming the URL.
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    s.inject(Fault::bad_gateway().on(Kind::Download));
    s.inject(Fault::bad_gateway().on(Kind::Api));
    cmd(home.path(), &s, &cfg)
        .args(["generate", "provider", "--core", "cluster-api:v1.13.5"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("answered 502").and(predicate::str::contains("cluster-api")),
        );
}

#[test]
fn a_tag_without_a_release_is_skipped() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    s.inject(Fault::tag_without_release(CAPI, "v1.13.6"));
    cmd(home.path(), &s, &cfg)
        .args(["generate", "provider", "--core", "cluster-api"])
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    // Asking for it explicitly says what clusterctl says.
    cmd(home.path(), &s, &cfg)
        .args(["generate", "provider", "--core", "cluster-api:v1.13.6"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "release not found for version v1.13.6, please retry later",
        ));
}

#[test]
fn offline_with_and_without_the_cache() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    cmd(home.path(), &s, &cfg)
        .args([
            "--offline",
            "generate",
            "provider",
            "--infrastructure",
            "docker",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("is not in the cache and --offline forbids network access")
                .and(predicate::str::contains(
                    "capictl generate provider --infrastructure docker --raw",
                )),
        );
    assert_eq!(s.counts().total(), 0);
    cmd(home.path(), &s, &cfg)
        .args(["generate", "provider", "--infrastructure", "docker"])
        .assert()
        .success();
    s.reset_counts();
    cmd(home.path(), &s, &cfg)
        .env("CAPICTL_OFFLINE", "1")
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
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cluster-template-development.yaml is not in the cache",
        ));
    cmd(home.path(), &s, &cfg)
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
        ])
        .assert()
        .success()
        .stdout(golden("gc-dev"));
    s.reset_counts();
    cmd(home.path(), &s, &cfg)
        .env("CAPICTL_OFFLINE", "1")
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
        ])
        .assert()
        .success()
        .stdout(golden("gc-dev"));
    assert_eq!(s.counts().total(), 0);
}

#[test]
fn templates_from_github_urls() {
    let s = standin();
    let home = tempfile::tempdir().unwrap();
    let cfg = config(home.path(), &s, "");
    let blob = format!(
        "{}/{CAPI}/blob/v1.13.5/cluster-template-development.yaml",
        s.base_url()
    );
    cmd(home.path(), &s, &cfg)
        .args([
            "generate",
            "cluster",
            "demo",
            "--kubernetes-version",
            "v1.35.0",
            "-n",
            "default",
            "--from",
            &blob,
        ])
        .assert()
        .success()
        .stdout(golden("gc-from-dev"));
    assert_eq!(s.counts().api, 1, "the contents API, once");
    let download = format!(
        "{}/{CAPI}/releases/download/v1.13.5/cluster-template-development.yaml",
        s.base_url()
    );
    s.reset_counts();
    cmd(home.path(), &s, &cfg)
        .args([
            "generate",
            "cluster",
            "demo",
            "--kubernetes-version",
            "v1.35.0",
            "-n",
            "default",
            "--from",
            &download,
        ])
        .assert()
        .success()
        .stdout(golden("gc-from-dev"));
    assert_eq!((s.counts().api, s.counts().download), (0, 1));
    cmd(home.path(), &s, &cfg)
        .args([
            "generate",
            "cluster",
            "demo",
            "-n",
            "default",
            "--from",
            &format!("{}/{CAPI}/tree/main", s.base_url()),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid GitHub url"));
}
