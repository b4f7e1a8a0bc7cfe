//! Self-tests of the GitHub / Go module proxy stand-in (tests/support/github/): every
//! endpoint, ETags and 304s, the rate-limit budget, and each injected fault.

#[path = "support/github/mod.rs"]
mod github;

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use github::{Counts, Fault, GitHubStandIn, Kind, StandInRelease, StandInRepo};
use serde_json::Value;

const CAPI: &str = "kubernetes-sigs/cluster-api";

fn repo_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/repository"))
}

fn testdata(relative: &str) -> Vec<u8> {
    std::fs::read(repo_dir().join(relative)).unwrap()
}

async fn server() -> GitHubStandIn {
    GitHubStandIn::start(github::clusterctl_repos(repo_dir()).unwrap()).await
}

fn client() -> reqwest::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn get(url: &str) -> reqwest::Response {
    client().get(url).send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn proxy_list(s: &GitHubStandIn, module_tail: &str) -> String {
    format!("{}/127.0.0.1/{module_tail}/@v/list", s.base_url())
}

#[test]
fn layout_helper_merges_providers_into_one_release() {
    let repos = github::clusterctl_repos(repo_dir()).unwrap();
    let capi = &repos[0];
    assert_eq!(
        (capi.owner.as_str(), capi.repo.as_str()),
        ("kubernetes-sigs", "cluster-api")
    );
    let tags: Vec<&str> = capi.releases.iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, ["v1.14.0-rc.1", "v1.13.5", "v1.12.4"], "newest first");
    let files = &capi.releases[1].files;
    for name in [
        "metadata.yaml",
        "core-components.yaml",
        "bootstrap-components.yaml",
        "control-plane-components.yaml",
        "infrastructure-components-development.yaml",
        "cluster-template-development.yaml",
    ] {
        assert!(files.contains_key(name), "{name}");
    }
    let cert_manager = &repos[1];
    assert_eq!(cert_manager.releases.len(), 1);
    assert_eq!(cert_manager.releases[0].tag, "v1.21.1");
    assert!(
        cert_manager.releases[0]
            .files
            .contains_key("cert-manager.yaml")
    );
}

#[tokio::test]
async fn go_proxy_lists_tags_by_major() {
    let s = server().await;
    assert!(s.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(s.base_url(), format!("http://{}", s.host()));

    let list = get(&proxy_list(&s, "kubernetes-sigs/cluster-api")).await;
    assert_eq!(list.status(), 200);
    let body = list.text().await.unwrap();
    let mut tags: Vec<&str> = body.lines().collect();
    tags.sort();
    assert_eq!(tags, ["v1.12.4", "v1.13.5", "v1.14.0-rc.1"]);

    // Capitals may be !-escaped; GitHub names are case-insensitive; any host prefix works.
    for tail in [
        "!kubernetes-!sigs/cluster-api",
        "Kubernetes-Sigs/Cluster-API",
    ] {
        assert_eq!(get(&proxy_list(&s, tail)).await.status(), 200, "{tail}");
    }
    let github_com = format!(
        "{}/github.com/cert-manager/cert-manager/@v/list",
        s.base_url()
    );
    assert_eq!(get(&github_com).await.text().await.unwrap(), "v1.21.1\n");

    // No v2 tags: 404; unknown modules: 404; other @v files: 404.
    assert_eq!(
        get(&proxy_list(&s, "kubernetes-sigs/cluster-api/v2"))
            .await
            .status(),
        404
    );
    assert_eq!(
        get(&proxy_list(&s, "kubernetes-sigs/nope")).await.status(),
        404
    );
    let info = format!(
        "{}/127.0.0.1/kubernetes-sigs/cluster-api/@v/v1.13.5.info",
        s.base_url()
    );
    assert_eq!(get(&info).await.status(), 404);

    // A v2 tag moves to /v2/@v/list.
    s.publish(
        CAPI,
        StandInRelease::new("v2.0.0").with_file("metadata.yaml", "x"),
    );
    let v2 = get(&proxy_list(&s, "kubernetes-sigs/cluster-api/v2")).await;
    assert_eq!(v2.text().await.unwrap(), "v2.0.0\n");
    let v1 = get(&proxy_list(&s, "kubernetes-sigs/cluster-api")).await;
    assert!(!v1.text().await.unwrap().contains("v2.0.0"));
    assert_eq!(
        get(&proxy_list(&s, "kubernetes-sigs/cluster-api/v3"))
            .await
            .status(),
        404
    );

    let c = s.counts();
    assert_eq!((c.proxy, c.api, c.download, c.other), (10, 0, 0, 0));
}

#[tokio::test]
async fn downloads_serve_release_assets() {
    let s = server().await;
    let url = format!(
        "{}/{CAPI}/releases/download/v1.13.5/core-components.yaml",
        s.base_url()
    );
    let answer = get(&url).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        header(&answer, "content-type"),
        Some("application/octet-stream")
    );
    assert!(
        header(&answer, "x-ratelimit-remaining").is_none(),
        "not an API answer"
    );
    assert_eq!(
        answer.bytes().await.unwrap().as_ref(),
        testdata("cluster-api/v1.13.5/core-components.yaml")
    );
    // Files of the other providers live in the same release.
    let infra = format!(
        "{}/{CAPI}/releases/download/v1.12.4/infrastructure-components-development.yaml",
        s.base_url()
    );
    assert_eq!(
        get(&infra).await.bytes().await.unwrap().as_ref(),
        testdata("infrastructure-docker/v1.12.4/infrastructure-components-development.yaml")
    );
    let cm = format!(
        "{}/cert-manager/cert-manager/releases/download/v1.21.1/cert-manager.yaml",
        s.base_url()
    );
    assert_eq!(get(&cm).await.status(), 200);

    for missing in [
        "kubernetes-sigs/cluster-api/releases/download/v1.13.5/nope.yaml",
        "kubernetes-sigs/cluster-api/releases/download/v9.9.9/metadata.yaml",
        "kubernetes-sigs/nope/releases/download/v1.13.5/metadata.yaml",
    ] {
        assert_eq!(
            get(&format!("{}/{missing}", s.base_url())).await.status(),
            404,
            "{missing}"
        );
    }

    // latest/download redirects to the newest stable release, as GitHub does.
    let latest = get(&format!(
        "{}/{CAPI}/releases/latest/download/metadata.yaml",
        s.base_url()
    ))
    .await;
    assert_eq!(latest.status(), 302);
    assert_eq!(
        header(&latest, "location").unwrap(),
        format!(
            "{}/kubernetes-sigs/cluster-api/releases/download/v1.13.5/metadata.yaml",
            s.base_url()
        )
    );

    assert_eq!(
        get(&format!("{}/elsewhere", s.base_url())).await.status(),
        404
    );
    let c = s.counts();
    assert_eq!((c.download, c.other, c.api, c.proxy), (7, 1, 0, 0));
}

#[tokio::test]
async fn api_lists_releases_with_pagination() {
    let s = server().await;
    let base = format!("{}/api/v3/repos/{CAPI}/releases", s.base_url());

    let all = get(&format!("{base}?per_page=100&page=1")).await;
    assert_eq!(all.status(), 200);
    assert!(header(&all, "link").is_none(), "one page: no Link");
    let releases: Vec<Value> = all.json().await.unwrap();
    let tags: Vec<&str> = releases
        .iter()
        .map(|r| r["tag_name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["v1.14.0-rc.1", "v1.13.5", "v1.12.4"]);
    assert_eq!(releases[0]["prerelease"], true);
    assert_eq!(releases[1]["prerelease"], false);

    let first = get(&format!("{base}?per_page=2")).await;
    let link = header(&first, "link").unwrap().to_string();
    assert_eq!(
        link,
        format!(
            "<{base}?per_page=2&page=2>; rel=\"next\", <{base}?per_page=2&page=2>; rel=\"last\""
        )
    );
    assert_eq!(first.json::<Vec<Value>>().await.unwrap().len(), 2);
    let second = get(&format!("{base}?per_page=2&page=2")).await;
    let link = header(&second, "link").unwrap().to_string();
    assert!(
        link.contains("page=1>; rel=\"prev\"") && link.contains("rel=\"first\""),
        "{link}"
    );
    assert!(!link.contains("rel=\"next\""), "{link}");
    let page: Vec<Value> = second.json().await.unwrap();
    assert_eq!(page[0]["tag_name"], "v1.12.4");
    let beyond: Vec<Value> = get(&format!("{base}?per_page=2&page=3"))
        .await
        .json()
        .await
        .unwrap();
    assert!(beyond.is_empty());

    let latest: Value = get(&format!("{base}/latest")).await.json().await.unwrap();
    assert_eq!(latest["tag_name"], "v1.13.5");
    let unknown = get(&format!("{}/api/v3/repos/o/nope/releases", s.base_url())).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<Value>().await.unwrap()["message"],
        "Not Found"
    );
}

#[tokio::test]
async fn api_release_by_tag_and_asset_download() {
    let s = server().await;
    let repo_api = format!("{}/api/v3/repos/{CAPI}", s.base_url());

    let missing = get(&format!("{repo_api}/releases/tags/v9.9.9")).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["message"],
        "Not Found"
    );

    let release: Value = get(&format!("{repo_api}/releases/tags/v1.13.5"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(release["tag_name"], "v1.13.5");
    let asset = release["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "metadata.yaml")
        .unwrap()
        .clone();
    let id = asset["id"].as_u64().unwrap();
    assert_eq!(asset["url"], format!("{repo_api}/releases/assets/{id}"));
    let download = format!(
        "{}/kubernetes-sigs/cluster-api/releases/download/v1.13.5/metadata.yaml",
        s.base_url()
    );
    assert_eq!(asset["browser_download_url"], download);

    // Without Accept: octet-stream, the asset's JSON.
    let meta: Value = get(&format!("{repo_api}/releases/assets/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(meta["name"], "metadata.yaml");

    let octet = || {
        client()
            .get(format!("{repo_api}/releases/assets/{id}"))
            .header("accept", "application/octet-stream")
            .send()
    };
    let bytes = octet().await.unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(
        bytes.bytes().await.unwrap().as_ref(),
        testdata("cluster-api/v1.13.5/metadata.yaml")
    );

    s.set_asset_redirect(true);
    let redirect = octet().await.unwrap();
    assert_eq!(redirect.status(), 302);
    assert_eq!(header(&redirect, "location"), Some(download.as_str()));
    assert!(header(&redirect, "x-ratelimit-remaining").is_some());

    // A redirect-following client ends at the download, counted as such.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let followed = reqwest::Client::new()
        .get(format!("{repo_api}/releases/assets/{id}"))
        .header("accept", "application/octet-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), 200);
    assert_eq!(
        followed.bytes().await.unwrap().as_ref(),
        testdata("cluster-api/v1.13.5/metadata.yaml")
    );

    assert_eq!(
        get(&format!("{repo_api}/releases/assets/1")).await.status(),
        404
    );
    let c = s.counts();
    assert_eq!((c.api, c.download), (7, 1));
}

#[tokio::test]
async fn api_contents_and_rate_limit() {
    let s = server().await;
    let repo_api = format!("{}/api/v3/repos/cert-manager/cert-manager", s.base_url());
    let contents: Value = get(&format!(
        "{repo_api}/contents/cert-manager.yaml?ref=v1.21.1"
    ))
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(contents["encoding"], "base64");
    let text: String = contents["content"].as_str().unwrap().split('\n').collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap();
    assert_eq!(decoded, testdata("cert-manager/v1.21.1/cert-manager.yaml"));

    let raw = client()
        .get(format!("{repo_api}/contents/cert-manager.yaml"))
        .header("accept", "application/vnd.github.raw")
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.bytes().await.unwrap().as_ref(),
        testdata("cert-manager/v1.21.1/cert-manager.yaml")
    );
    let missing = get(&format!("{repo_api}/contents/cert-manager.yaml?ref=v0.0.1")).await;
    assert_eq!(missing.status(), 404);

    // /rate_limit reports the budget and does not spend it.
    let rate: Value = get(&format!("{}/api/v3/rate_limit", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rate["resources"]["core"]["limit"], 5000);
    assert_eq!(rate["resources"]["core"]["remaining"], 4997);
    assert_eq!(rate["rate"]["used"], 3);
    let c = s.counts();
    assert_eq!((c.api, c.api_charged), (4, 3));
}

#[tokio::test]
async fn budget_runs_out_like_github() {
    let s = server().await;
    s.set_rate_limit(3, 2);
    s.set_rate_limit_reset(1_900_000_000);
    let url = format!("{}/api/v3/repos/{CAPI}/releases/tags/v1.13.5", s.base_url());
    for expected in ["1", "0"] {
        let answer = get(&url).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(header(&answer, "x-ratelimit-limit"), Some("3"));
        assert_eq!(header(&answer, "x-ratelimit-remaining"), Some(expected));
        assert_eq!(header(&answer, "x-ratelimit-reset"), Some("1900000000"));
        assert_eq!(header(&answer, "x-ratelimit-resource"), Some("core"));
    }
    let refused = get(&url).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(header(&refused, "x-ratelimit-remaining"), Some("0"));
    assert_eq!(header(&refused, "x-ratelimit-used"), Some("3"));
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("API rate limit exceeded")
    );
    // Downloads and the proxy are not API calls.
    let download = format!(
        "{}/{CAPI}/releases/download/v1.13.5/metadata.yaml",
        s.base_url()
    );
    assert_eq!(get(&download).await.status(), 200);
    assert_eq!(
        get(&proxy_list(&s, "kubernetes-sigs/cluster-api"))
            .await
            .status(),
        200
    );
    assert_eq!(s.rate_limit_remaining(), 0);
    let c = s.counts();
    assert_eq!((c.api, c.api_charged), (3, 2));
}

#[tokio::test]
async fn etags_and_conditional_requests_for_every_kind() {
    let s = server().await;
    s.set_rate_limit(10, 10);
    let urls = [
        (
            Kind::Api,
            format!("{}/api/v3/repos/{CAPI}/releases?per_page=100", s.base_url()),
        ),
        (Kind::Proxy, proxy_list(&s, "kubernetes-sigs/cluster-api")),
        (
            Kind::Download,
            format!(
                "{}/{CAPI}/releases/download/v1.13.5/metadata.yaml",
                s.base_url()
            ),
        ),
    ];
    for (kind, url) in &urls {
        let first = get(url).await;
        let etag = header(&first, "etag").expect("etag").to_string();
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "strong: {etag}"
        );
        let again = get(url).await;
        assert_eq!(header(&again, "etag"), Some(etag.as_str()), "stable");

        let conditional = client()
            .get(url)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(conditional.status(), 304, "{kind:?}");
        assert_eq!(header(&conditional, "etag"), Some(etag.as_str()));
        assert!(conditional.bytes().await.unwrap().is_empty());

        // Weak form and lists also match; another tag does not.
        let weak = client()
            .get(url)
            .header("if-none-match", format!("\"other\", W/{etag}"))
            .send()
            .await
            .unwrap();
        assert_eq!(weak.status(), 304);
        let other = client()
            .get(url)
            .header("if-none-match", "\"other\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 200);
    }
    let c = s.counts();
    assert_eq!(
        (c.api, c.proxy, c.download),
        (5, 5, 5),
        "every request counts"
    );
    assert_eq!(
        (
            c.api_not_modified,
            c.proxy_not_modified,
            c.download_not_modified
        ),
        (2, 2, 2)
    );
    assert_eq!(c.api_charged, 3, "304s are free");
    assert_eq!(s.rate_limit_remaining(), 7);

    // A changed list gets a new ETag.
    let list_url = &urls[1].1;
    let before = header(&get(list_url).await, "etag").unwrap().to_string();
    s.publish(
        CAPI,
        StandInRelease::new("v1.13.6").with_file("metadata.yaml", "x"),
    );
    let after = client()
        .get(list_url)
        .header("if-none-match", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200);
    assert!(after.text().await.unwrap().contains("v1.13.6"));

    // Per-token ETags: another token does not get a 304.
    s.set_etag_per_token(true);
    let api_url = &urls[0].1;
    let with_token = |token: &'static str, etag: Option<String>| {
        let mut request = client().get(api_url).bearer_auth(token);
        if let Some(etag) = etag {
            request = request.header("if-none-match", etag);
        }
        request.send()
    };
    let etag_a = header(&with_token("a", None).await.unwrap(), "etag")
        .unwrap()
        .to_string();
    assert_eq!(
        with_token("a", Some(etag_a.clone()))
            .await
            .unwrap()
            .status(),
        304
    );
    assert_eq!(with_token("b", Some(etag_a)).await.unwrap().status(), 200);
}

#[tokio::test]
async fn records_requests_and_resets_counts() {
    let s = server().await;
    let url = format!(
        "{}/api/v3/repos/{CAPI}/releases?per_page=100&page=1",
        s.base_url()
    );
    client()
        .get(&url)
        .bearer_auth("secret")
        .header("if-none-match", "\"x\"")
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .unwrap();
    get(&proxy_list(&s, "kubernetes-sigs/cluster-api")).await;
    let log = s.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(
        log[0].path,
        "/api/v3/repos/kubernetes-sigs/cluster-api/releases"
    );
    assert_eq!(log[0].query.as_deref(), Some("per_page=100&page=1"));
    assert_eq!(log[0].kind, Kind::Api);
    assert_eq!(log[0].authorization.as_deref(), Some("Bearer secret"));
    assert_eq!(log[0].if_none_match.as_deref(), Some("\"x\""));
    assert_eq!(
        log[0].accept.as_deref(),
        Some("application/vnd.github+json")
    );
    assert_eq!(log[0].status, Some(200));
    assert_eq!(log[1].kind, Kind::Proxy);
    assert!(log[1].authorization.is_none() && log[1].if_none_match.is_none());

    // Control endpoints are neither counted nor recorded.
    let counts: Value = get(&format!("{}/_standin/counts", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(counts["api"], 1);
    assert_eq!(counts["proxy"], 1);
    assert_eq!(s.counts().total(), 2);
    let reset = client()
        .post(format!("{}/_standin/reset", s.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(s.counts(), Counts::default());
    assert!(s.requests().is_empty());

    get(&proxy_list(&s, "kubernetes-sigs/cluster-api")).await;
    assert_eq!(s.counts().proxy, 1);
    assert_eq!(s.requests()[0].status, Some(200));
    s.reset_counts();
    assert_eq!(s.counts().total(), 0);
}

#[tokio::test]
async fn fault_rate_limited_403() {
    let s = server().await;
    s.inject(
        Fault::rate_limited(Duration::from_secs(600))
            .on(Kind::Api)
            .times(1),
    );
    let url = format!("{}/api/v3/repos/{CAPI}/releases/tags/v1.13.5", s.base_url());
    let refused = get(&url).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(header(&refused, "x-ratelimit-remaining"), Some("0"));
    let reset: u64 = header(&refused, "x-ratelimit-reset")
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!((now + 590..=now + 610).contains(&reset), "{reset} vs {now}");
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("rate limit exceeded")
    );
    // Fired once, then gone.
    assert_eq!(get(&url).await.status(), 200);
    assert!(s.faults().is_empty());
    let c = s.counts();
    assert_eq!((c.api, c.faults, c.api_charged), (2, 1, 1));
    assert_eq!(s.requests()[0].fault, Some("rate_limited"));
}

#[tokio::test]
async fn fault_too_many_requests_429() {
    let s = server().await;
    s.inject(Fault::too_many_requests(7).on(Kind::Download));
    let download = format!(
        "{}/{CAPI}/releases/download/v1.13.5/metadata.yaml",
        s.base_url()
    );
    for _ in 0..2 {
        let answer = get(&download).await;
        assert_eq!(answer.status(), 429);
        assert_eq!(header(&answer, "retry-after"), Some("7"));
    }
    // Other kinds are untouched.
    assert_eq!(
        get(&proxy_list(&s, "kubernetes-sigs/cluster-api"))
            .await
            .status(),
        200
    );
    assert_eq!(s.counts().faults, 2);
}

#[tokio::test]
async fn fault_server_errors_by_path_and_count() {
    let s = server().await;
    s.inject(Fault::server_error().path("/@v/list").times(2));
    s.inject(Fault::bad_gateway().path("page=2"));
    let list = proxy_list(&s, "kubernetes-sigs/cluster-api");
    assert_eq!(get(&list).await.status(), 500);
    assert_eq!(get(&list).await.status(), 500);
    assert_eq!(get(&list).await.status(), 200);

    let releases = format!("{}/api/v3/repos/{CAPI}/releases", s.base_url());
    let gateway = get(&format!("{releases}?per_page=1&page=2")).await;
    assert_eq!(gateway.status(), 502);
    assert!(header(&gateway, "x-ratelimit-remaining").is_some());
    assert_eq!(
        get(&format!("{releases}?per_page=1&page=1")).await.status(),
        200
    );
    assert_eq!(s.counts().faults, 3);
    assert_eq!(s.counts().api_charged, 1, "faulted answers are not charged");
}

#[tokio::test]
async fn fault_connection_reset() {
    let s = server().await;
    s.inject(Fault::reset().on(Kind::Download).times(1));
    let url = format!(
        "{}/{CAPI}/releases/download/v1.13.5/metadata.yaml",
        s.base_url()
    );
    let error = client().get(&url).send().await.unwrap_err();
    assert!(
        !error.is_status() && (error.is_request() || error.is_connect()),
        "{error:?}"
    );
    assert_eq!(get(&url).await.status(), 200);
    let log = s.requests();
    assert_eq!((log[0].status, log[0].fault), (None, Some("reset")));
    assert_eq!(s.counts().download, 2);
}

#[test]
fn fault_connection_reset_sends_no_http_bytes() {
    // Without a runtime: start_blocking and a raw socket.
    let s = GitHubStandIn::start_blocking(vec![StandInRepo::new("o", "r")]);
    s.inject(Fault::reset());
    let mut stream = std::net::TcpStream::connect(s.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /o/r/releases/download/v1/x HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    match stream.read_to_end(&mut buf) {
        Ok(_) => assert!(buf.is_empty(), "no answer expected: {buf:?}"),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    assert!(buf.is_empty());
}

#[tokio::test]
async fn fault_slow_answer() {
    let s = server().await;
    s.inject(
        Fault::slow(Duration::from_millis(400))
            .on(Kind::Proxy)
            .times(1),
    );
    let list = proxy_list(&s, "kubernetes-sigs/cluster-api");
    let start = Instant::now();
    assert_eq!(get(&list).await.status(), 200);
    assert!(start.elapsed() >= Duration::from_millis(400));
    // A client with a shorter timeout gives up.
    s.inject(Fault::slow(Duration::from_secs(3)).times(1));
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = impatient.get(&list).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    // Other requests are served meanwhile.
    let start = Instant::now();
    assert_eq!(get(&list).await.status(), 200);
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn fault_truncated_body() {
    let s = server().await;
    s.inject(Fault::truncated(10).on(Kind::Download).times(1));
    let url = format!(
        "{}/{CAPI}/releases/download/v1.13.5/core-components.yaml",
        s.base_url()
    );
    let full = testdata("cluster-api/v1.13.5/core-components.yaml");
    let answer = get(&url).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.content_length(), Some(full.len() as u64));
    let error = answer.bytes().await.unwrap_err();
    assert!(error.is_body() || error.is_decode(), "{error:?}");
    assert_eq!(get(&url).await.bytes().await.unwrap().as_ref(), full);
}

#[test]
fn fault_truncated_body_on_the_wire() {
    let s = GitHubStandIn::start_blocking(vec![StandInRepo {
        owner: "o".into(),
        repo: "r".into(),
        releases: vec![StandInRelease::new("v1.0.0").with_file("f", "0123456789abcdef")],
    }]);
    s.inject(Fault::truncated(4));
    let mut stream = std::net::TcpStream::connect(s.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /o/r/releases/download/v1.0.0/f HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("content-length: 16"),
        "{head}"
    );
    assert_eq!(body, "0123");
}

#[tokio::test]
async fn fault_tag_without_release() {
    let s = server().await;
    s.inject(Fault::tag_without_release(CAPI, "v1.15.0"));
    let list = get(&proxy_list(&s, "kubernetes-sigs/cluster-api")).await;
    assert!(list.text().await.unwrap().lines().any(|l| l == "v1.15.0"));
    let download = format!(
        "{}/{CAPI}/releases/download/v1.15.0/metadata.yaml",
        s.base_url()
    );
    assert_eq!(get(&download).await.status(), 404);
    let by_tag = format!("{}/api/v3/repos/{CAPI}/releases/tags/v1.15.0", s.base_url());
    assert_eq!(get(&by_tag).await.status(), 404);
    let releases: Vec<Value> = get(&format!("{}/api/v3/repos/{CAPI}/releases", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert!(releases.iter().all(|r| r["tag_name"] != "v1.15.0"));

    // An existing release hidden for two requests, then published (tag before assets).
    s.clear_faults();
    s.inject(Fault::tag_without_release(CAPI, "v1.13.5").times(2));
    let download = format!(
        "{}/{CAPI}/releases/download/v1.13.5/metadata.yaml",
        s.base_url()
    );
    let by_tag = format!("{}/api/v3/repos/{CAPI}/releases/tags/v1.13.5", s.base_url());
    let releases: Vec<Value> = get(&format!("{}/api/v3/repos/{CAPI}/releases", s.base_url()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        releases.len(),
        2,
        "hidden from the list (listing does not consume it)"
    );
    assert_eq!(get(&download).await.status(), 404);
    assert_eq!(get(&by_tag).await.status(), 404);
    assert_eq!(get(&download).await.status(), 200);
    assert_eq!(get(&by_tag).await.status(), 200);
    assert_eq!(s.counts().faults, 4);

    // Limited to one kind: only downloads miss it.
    s.inject(Fault::tag_without_release(CAPI, "v1.12.4").on(Kind::Download));
    let download = format!(
        "{}/{CAPI}/releases/download/v1.12.4/metadata.yaml",
        s.base_url()
    );
    let by_tag = format!("{}/api/v3/repos/{CAPI}/releases/tags/v1.12.4", s.base_url());
    assert_eq!(get(&download).await.status(), 404);
    assert_eq!(get(&by_tag).await.status(), 200);
}
