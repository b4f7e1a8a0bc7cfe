//! The OCI backend end to end: testdata providers are pushed to a real distribution registry
//! (Debian's docker-registry) with `push_release`, then read back through the capictl binary.
//! Bearer tokens and paginated tag lists, which distribution 2.8 lacks, come from a small mock
//! in front of the real registry.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use capictl::ProviderType;
use capictl::config::{Config, Env};
use capictl::fetch::{FetchOptions, Fetcher};
use capictl::repository::oci::{
    ArtifactLayer, PushedArtifact, ReleaseArtifact, push_artifact, push_release,
};
use predicates::prelude::*;
use support::registry::Registry;
use support::registry_mock::{MockOptions, RegistryMock};
use support::root;

const TITLE: &str = "org.opencontainers.image.title";
const CORE: [&str; 3] = ["v1.12.4", "v1.13.5", "v1.14.0-rc.1"];
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

fn golden(name: &str) -> String {
    std::fs::read_to_string(root().join(format!("testdata/golden/out/{name}.stdout"))).unwrap()
}

/// What capictl prints for `args` with the local file repositories of testdata/clusterctl.yaml.
fn with_file_repositories(args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let out = support::capictl(home.path())
        .args(["--config", "testdata/clusterctl.yaml"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// The files of a testdata release, as `push_release` wants them.
fn release(label: &str, provider_type: ProviderType, name: &str, version: &str) -> ReleaseArtifact {
    let dir = root().join("testdata/repository").join(label).join(version);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    ReleaseArtifact {
        provider_type,
        name: name.into(),
        version: version.into(),
        source: Some("https://github.com/kubernetes-sigs/cluster-api".into()),
        files,
    }
}

fn push_env(pairs: &[(&str, &str)]) -> (Config, Fetcher) {
    let config = Config::without_file(Env::from_pairs(pairs.iter().copied()));
    (config, Fetcher::new(FetchOptions::default()))
}

fn push(
    addr: &str,
    repository: &str,
    release: &ReleaseArtifact,
    env: &[(&str, &str)],
) -> PushedArtifact {
    let (config, fetcher) = push_env(env);
    block_on(push_release(
        &format!("oci://{addr}/{repository}"),
        release,
        &config,
        &fetcher,
    ))
    .unwrap_or_else(|e| panic!("push {repository}:{}: {e:?}", release.version))
}

fn push_layers(
    addr: &str,
    repository: &str,
    tag: &str,
    layers: Vec<ArtifactLayer>,
) -> PushedArtifact {
    let (config, fetcher) = push_env(&[]);
    block_on(push_artifact(
        &format!("oci://{addr}/{repository}"),
        tag,
        &layers,
        BTreeMap::new(),
        &config,
        &fetcher,
    ))
    .unwrap()
}

/// Pushes the three core releases to `{addr}/capi/core-cluster-api`.
fn push_core(addr: &str, env: &[(&str, &str)]) {
    for version in CORE {
        push(
            addr,
            "capi/core-cluster-api",
            &release("cluster-api", ProviderType::Core, "cluster-api", version),
            env,
        );
    }
}

fn push_docker(addr: &str) {
    for version in CORE {
        push(
            addr,
            "capi/infrastructure-docker",
            &release(
                "infrastructure-docker",
                ProviderType::Infrastructure,
                "docker",
                version,
            ),
            &[],
        );
    }
}

/// A test's home: config file and cache folder.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    /// A home whose clusterctl.yaml points core and docker at `registry` (`host:port`).
    fn new(registry: &str) -> Home {
        Home::with_providers(&format!(
            "providers:\n- name: cluster-api\n  url: oci://{registry}/capi/core-cluster-api:latest/core-components.yaml\n  type: CoreProvider\n- name: docker\n  url: oci://{registry}/capi/infrastructure-docker:latest/infrastructure-components-development.yaml\n  type: InfrastructureProvider\n"
        ))
    }

    fn with_providers(config: &str) -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("clusterctl.yaml"), config).unwrap();
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cache(&self) -> PathBuf {
        self.path().join("cache")
    }

    /// capictl with an empty environment, this home's config and cache.
    fn capictl(&self) -> Command {
        let mut cmd = support::capictl(self.path());
        cmd.current_dir(self.path())
            .env("CAPICTL_CACHE_DIR", self.cache())
            .arg("--config")
            .arg(self.path().join("clusterctl.yaml"));
        cmd
    }

    fn generate_core(&self) -> assert_cmd::assert::Assert {
        self.capictl()
            .args(["generate", "provider", "--core", "cluster-api"])
            .assert()
    }
}

#[test]
fn latest_resolves_stable_first_and_prints_what_the_file_repository_prints() {
    let registry = Registry::start();
    push_core(&registry.addr, &[]);
    // A `latest` tag and junk tags are never taken for versions.
    push(
        &registry.addr,
        "capi/core-cluster-api",
        &ReleaseArtifact {
            version: "latest".into(),
            ..release(
                "cluster-api",
                ProviderType::Core,
                "cluster-api",
                "v1.14.0-rc.1",
            )
        },
        &[],
    );
    let home = Home::new(&registry.addr);
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
}

const RAW_DOCKER: [&str; 5] = [
    "generate",
    "provider",
    "--infrastructure",
    "docker:v1.13.5",
    "--raw",
];

#[test]
fn generate_cluster_reads_templates_from_layers() {
    let registry = Registry::start();
    push_docker(&registry.addr);
    let home = Home::new(&registry.addr);
    home.capictl()
        .args(DEV)
        .assert()
        .success()
        .stdout(golden("gc-dev"));
    // The components file name of the URL, and the versions, come from the same artifact.
    home.capictl()
        .args(RAW_DOCKER)
        .assert()
        .success()
        .stdout(with_file_repositories(&RAW_DOCKER));
}

/// A gzipped tar of `files` under `folder/`.
fn tar_gz(folder: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, format!("{folder}{name}"), *content)
            .unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &builder.into_inner().unwrap()).unwrap();
    gz.finish().unwrap()
}

fn layer(media_type: &str, title: Option<&str>, bytes: Vec<u8>) -> ArtifactLayer {
    ArtifactLayer {
        media_type: media_type.into(),
        annotations: title
            .map(|t| BTreeMap::from([(TITLE.to_string(), t.to_string())]))
            .unwrap_or_default(),
        bytes,
    }
}

#[test]
fn a_single_tar_gzip_layer_is_unpacked() {
    let registry = Registry::start();
    let dir = root().join("testdata/repository/cluster-api");
    for version in CORE {
        let metadata = std::fs::read(dir.join(version).join("metadata.yaml")).unwrap();
        let components = std::fs::read(dir.join(version).join("core-components.yaml")).unwrap();
        // The CAEP layout: one tar+gzip layer, files under one folder, operator's typed name.
        let archive = tar_gz(
            &format!("{version}/"),
            &[
                ("metadata.yaml", &metadata),
                ("core-components.yaml", &components),
            ],
        );
        push_layers(
            &registry.addr,
            "capi/core-cluster-api",
            version,
            vec![layer(
                "application/vnd.oci.image.layer.v1.tar+gzip",
                None,
                archive,
            )],
        );
    }
    let home = Home::new(&registry.addr);
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
}

#[test]
fn operator_file_names_are_found() {
    let registry = Registry::start();
    let dir = root().join("testdata/repository/cluster-api/v1.13.5");
    let tar = "application/vnd.oci.image.layer.v1.tar";
    push_layers(
        &registry.addr,
        "capi/core-cluster-api",
        "v1.13.5",
        vec![
            layer(
                tar,
                Some("core-cluster-api-v1.13.5-metadata.yaml"),
                std::fs::read(dir.join("metadata.yaml")).unwrap(),
            ),
            layer(
                tar,
                Some("components.yaml"),
                std::fs::read(dir.join("core-components.yaml")).unwrap(),
            ),
        ],
    );
    let home = Home::new(&registry.addr);
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
}

#[test]
fn a_missing_file_names_the_reference_and_lists_the_artifact() {
    let registry = Registry::start();
    let dir = root().join("testdata/repository/cluster-api/v1.13.5");
    push_layers(
        &registry.addr,
        "capi/core-cluster-api",
        "v1.13.5",
        vec![layer(
            "application/vnd.oci.image.layer.v1.tar",
            Some("metadata.yaml"),
            std::fs::read(dir.join("metadata.yaml")).unwrap(),
        )],
    );
    let home = Home::new(&registry.addr);
    let reference = format!("oci://{}/capi/core-cluster-api:v1.13.5", registry.addr);
    home.generate_core().code(1).stderr(
        predicate::str::contains(format!("{reference} has no file \"core-components.yaml\"")).and(
            predicate::str::contains("the artifact contains: metadata.yaml"),
        ),
    );
}

#[test]
fn archive_entries_leaving_the_artifact_are_refused() {
    let registry = Registry::start();
    // A tar whose entry climbs out of the extraction folder.
    let mut header = tar::Header::new_gnu();
    header.set_size(5);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.as_old_mut().name[..8].copy_from_slice(b"../evil\0");
    header.set_cksum();
    let mut builder = tar::Builder::new(Vec::new());
    builder.append(&header, &b"evil\n"[..]).unwrap();
    push_layers(
        &registry.addr,
        "capi/core-cluster-api",
        "v1.13.5",
        vec![layer(
            "application/vnd.oci.image.layer.v1.tar",
            None,
            builder.into_inner().unwrap(),
        )],
    );
    let home = Home::new(&registry.addr);
    home.generate_core().code(1).stderr(
        predicate::str::contains("refusing \"../evil\"").and(predicate::str::contains("`..`")),
    );
    assert!(!home.path().parent().unwrap().join("evil").exists());
    let files = support::files_under(home.path());
    assert!(
        files
            .iter()
            .all(|p| p.file_name().is_none_or(|n| n != "evil")),
        "{files:?}"
    );
}

#[test]
fn htpasswd_registry_needs_credentials() {
    let registry = Registry::with_htpasswd("capi", "s3cret");
    push_core(
        &registry.addr,
        &[("OCI_USERNAME", "capi"), ("OCI_PASSWORD", "s3cret")],
    );
    let home = Home::new(&registry.addr);
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api"])
        .env("OCI_USERNAME", "capi")
        .env("OCI_PASSWORD", "s3cret")
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    home.generate_core().code(1).stderr(predicate::str::contains(format!(
        "registry {} refused access to capi/core-cluster-api (401 Unauthorized) with no credentials",
        registry.addr
    )).and(predicate::str::contains("set OCI_USERNAME and OCI_PASSWORD")));
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api"])
        .env("OCI_USERNAME", "capi")
        .env("OCI_PASSWORD", "wrong")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("with OCI_USERNAME/OCI_PASSWORD"));
}

#[test]
fn docker_config_json_and_credential_helpers() {
    use base64::Engine as _;
    let registry = Registry::with_htpasswd("capi", "s3cret");
    push_core(
        &registry.addr,
        &[("OCI_USERNAME", "capi"), ("OCI_PASSWORD", "s3cret")],
    );
    let home = Home::new(&registry.addr);
    let docker = home.path().join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode("capi:s3cret");
    std::fs::write(
        docker.join("config.json"),
        format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, registry.addr),
    )
    .unwrap();
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api"])
        .env("DOCKER_CONFIG", &docker)
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));

    // ~/.docker/config.json with a credential helper found on PATH.
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-capitest");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = \"{}\" ] || exit 1\necho '{{\"ServerURL\":\"'$server'\",\"Username\":\"capi\",\"Secret\":\"s3cret\"}}'\n",
            registry.addr
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(home.path().join(".docker")).unwrap();
    std::fs::write(
        home.path().join(".docker/config.json"),
        format!(r#"{{"credHelpers":{{"{}":"capitest"}}}}"#, registry.addr),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api"])
        .env("PATH", &path)
        .env("CAPICTL_CACHE_DIR", home.path().join("cache2"))
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
}

#[test]
fn bearer_token_realm_and_link_pagination() {
    let registry = Registry::start();
    push_core(&registry.addr, &[]);
    let mock = RegistryMock::start(
        &registry.addr,
        MockOptions {
            bearer: true,
            basic: Some(("robot".into(), "pw".into())),
            link_page: Some(2),
            extra_tags: vec!["nightly".into(), "v1.13-junk".into()],
            ..MockOptions::default()
        },
    );
    let home = Home::new(&mock.addr);
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api"])
        .env("OCI_USERNAME", "robot")
        .env("OCI_PASSWORD", "pw")
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    let tag_pages: Vec<String> = mock
        .requests()
        .into_iter()
        .filter(|r| r.contains("/tags/list"))
        .collect();
    // 5 tags in pages of 2, each page asked once after the first token: 1 refused + 3 pages.
    assert_eq!(tag_pages.len(), 4, "{tag_pages:?}");
    assert!(tag_pages[3].contains("last=v1.13.5"), "{tag_pages:?}");
    assert_eq!(
        mock.token_requests(),
        ["GET repository:capi/core-cluster-api:pull"],
        "one token for the whole run"
    );
    // Wrong credentials at the realm: a clear message.
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api"])
        .env("OCI_USERNAME", "robot")
        .env("OCI_PASSWORD", "nope")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("refused access to capi/core-cluster-api").and(
                predicate::str::contains("bad credentials for the token realm"),
            ),
        );
}

#[test]
fn refresh_tokens_from_docker_config_are_exchanged() {
    let registry = Registry::start();
    push_core(&registry.addr, &[]);
    let mock = RegistryMock::start(
        &registry.addr,
        MockOptions {
            bearer: true,
            refresh_token: Some("refresh-me".into()),
            link_page: Some(100),
            ..MockOptions::default()
        },
    );
    let home = Home::new(&mock.addr);
    std::fs::create_dir_all(home.path().join(".docker")).unwrap();
    std::fs::write(
        home.path().join(".docker/config.json"),
        format!(
            r#"{{"auths":{{"https://{}/v1/":{{"identitytoken":"refresh-me"}}}}}}"#,
            mock.addr
        ),
    )
    .unwrap();
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
    assert_eq!(
        mock.token_requests(),
        ["POST refresh_token repository:capi/core-cluster-api:pull"]
    );
}

#[test]
fn n_and_last_pagination_without_link() {
    let registry = Registry::start();
    push_core(&registry.addr, &[]);
    let junk: Vec<String> = (0..150).map(|i| format!("build-{i:03}")).collect();
    let mock = RegistryMock::start(
        &registry.addr,
        MockOptions {
            link_page: None,
            extra_tags: junk,
            ..MockOptions::default()
        },
    );
    let home = Home::new(&mock.addr);
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
    let pages: Vec<String> = mock
        .requests()
        .into_iter()
        .filter(|r| r.contains("/tags/list"))
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].ends_with("n=100&last=build-099"), "{pages:?}");
}

#[test]
fn a_warm_cache_makes_no_requests_and_works_offline() {
    let registry = Registry::start();
    push_core(&registry.addr, &[]);
    let home = Home::new(&registry.addr);
    let before = registry.requests().len();
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
    let cold = registry.requests_since(before);
    assert_eq!(
        cold,
        [
            "GET /v2/capi/core-cluster-api/tags/list?n=100 200".to_string(),
            "GET /v2/capi/core-cluster-api/manifests/v1.13.5 200".into(),
            format!(
                "GET /v2/capi/core-cluster-api/blobs/{} 200",
                blob_digest("v1.13.5", "metadata.yaml")
            ),
            format!(
                "GET /v2/capi/core-cluster-api/blobs/{} 200",
                blob_digest("v1.13.5", "core-components.yaml")
            ),
        ]
    );
    let before = registry.requests().len();
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
    assert_eq!(
        registry.requests_since(before),
        Vec::<String>::new(),
        "warm run"
    );

    // Past the TTL: the tag list is listed again and the tag revalidated with a HEAD only.
    let before = registry.requests().len();
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api"])
        .env("CAPICTL_CACHE_TTL", "0s")
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    assert_eq!(
        registry.requests_since(before),
        [
            "GET /v2/capi/core-cluster-api/tags/list?n=100 200",
            "HEAD /v2/capi/core-cluster-api/manifests/v1.13.5 200",
        ]
    );

    // Offline, with the registry gone.
    let addr = registry.addr.clone();
    drop(registry);
    home.capictl()
        .args(["--offline", "generate", "provider", "--core", "cluster-api"])
        .assert()
        .success()
        .stdout(golden("gp-core-latest"));
    let cold = Home::new(&addr);
    cold.capictl()
        .args(["--offline", "generate", "provider", "--core", "cluster-api"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "the tag list of oci://{addr}/capi/core-cluster-api is not in the cache and --offline forbids network access"
        )));
    let pinned = Home::with_providers(&format!(
        "providers:\n- name: cluster-api\n  url: oci://{addr}/capi/core-cluster-api:v1.12.4/core-components.yaml\n  type: CoreProvider\n"
    ));
    pinned
        .capictl()
        .args(["--offline", "generate", "provider", "--core", "cluster-api"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "oci://{addr}/capi/core-cluster-api:v1.12.4 is not in the cache and --offline forbids network access; run `capictl generate provider --core cluster-api --raw`"
        )));
}

fn blob_digest(version: &str, file: &str) -> String {
    let bytes = std::fs::read(
        root()
            .join("testdata/repository/cluster-api")
            .join(version)
            .join(file),
    )
    .unwrap();
    capictl::fetch::cache::sha256_digest(&bytes)
}

#[test]
fn corrupt_cached_blobs_are_fetched_again() {
    let registry = Registry::start();
    push_core(&registry.addr, &[]);
    let home = Home::new(&registry.addr);
    home.generate_core().success();
    let mut corrupted = 0;
    for path in support::files_under(&home.cache().join("blobs")) {
        std::fs::write(&path, b"garbage").unwrap();
        corrupted += 1;
    }
    assert!(corrupted >= 4, "{corrupted}");
    let before = registry.requests().len();
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
    let again = registry.requests_since(before);
    assert!(
        again
            .iter()
            .filter(|r| r.contains("/blobs/sha256:"))
            .count()
            == 2,
        "{again:?}"
    );
}

#[test]
fn pushing_the_same_release_twice_sends_nothing_new() {
    let registry = Registry::start();
    let core = release("cluster-api", ProviderType::Core, "cluster-api", "v1.13.5");
    let first = push(&registry.addr, "capi/core-cluster-api", &core, &[]);
    assert!(first.pushed);
    let before = registry.requests().len();
    let second = push(&registry.addr, "capi/core-cluster-api", &core, &[]);
    assert_eq!((second.pushed, &second.digest), (false, &first.digest));
    assert_eq!(
        registry.requests_since(before),
        ["HEAD /v2/capi/core-cluster-api/manifests/v1.13.5 200"]
    );
    assert_eq!(
        capictl::repository::oci::release_manifest(&core).unwrap().1,
        first.digest
    );
}

#[test]
fn digest_pins_and_index_manifests() {
    let registry = Registry::start();
    let core = release("cluster-api", ProviderType::Core, "cluster-api", "v1.13.5");
    let pushed = push(&registry.addr, "capi/core-cluster-api", &core, &[]);
    let manifest_size = capictl::repository::oci::release_manifest(&core)
        .unwrap()
        .0
        .len();
    // Pinned without a tag: the version comes from the manifest's annotation.
    let home = Home::with_providers(&format!(
        "providers:\n- name: cluster-api\n  url: oci://{}/capi/core-cluster-api@{}\n  type: CoreProvider\n",
        registry.addr, pushed.digest
    ));
    home.generate_core()
        .success()
        .stdout(golden("gp-core-latest"));
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api:v1.12.4"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "version v1.12.4 is not available through it",
        ));

    // A tag pointing at an index: its first manifest is read.
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": pushed.digest,
            "size": manifest_size
        }]
    });
    let put = reqwest_blocking_put(
        &format!(
            "http://{}/v2/capi/core-cluster-api/manifests/v1.13.6",
            registry.addr
        ),
        "application/vnd.oci.image.index.v1+json",
        serde_json::to_vec(&index).unwrap(),
    );
    assert_eq!(put, 201);
    let home = Home::with_providers(&format!(
        "providers:\n- name: cluster-api\n  url: oci://{}/capi/core-cluster-api:v1.13.6\n  type: CoreProvider\n",
        registry.addr
    ));
    home.capictl()
        .args(["generate", "provider", "--core", "cluster-api", "--raw"])
        .assert()
        .success()
        .stdout(with_file_repositories(&[
            "generate",
            "provider",
            "--core",
            "cluster-api:v1.13.5",
            "--raw",
        ]));
}

fn reqwest_blocking_put(url: &str, content_type: &str, body: Vec<u8>) -> u16 {
    block_on(async {
        reqwest::Client::new()
            .put(url)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

#[test]
fn provider_urls_are_checked() {
    let home = Home::with_providers(
        "providers:\n- name: cluster-api\n  url: oci://127.0.0.1:9/capi/infrastructure-aws:latest\n  type: CoreProvider\n",
    );
    home.generate_core()
        .code(1)
        .stderr(predicate::str::contains(
            "the CoreProvider \"cluster-api\" lives in a repository named \"core-cluster-api\"",
        ));
    let home = Home::with_providers(
        "providers:\n- name: cluster-api\n  url: oci://registry.example/capi/core-components.yaml\n  type: CoreProvider\n",
    );
    home.generate_core()
        .code(1)
        .stderr(predicate::str::contains("may only follow a tag or digest"));
}
