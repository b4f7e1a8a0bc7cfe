//! Shared test harness: the real servers tests run against, and a capictl command with a
//! clean environment. Each test binary uses a part of it.
#![allow(dead_code)]

pub mod github;
pub mod registry;
pub mod registry_mock;
pub mod static_server;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The capictl binary with an empty environment: `HOME` is `home`, the cache lives under it,
/// `GOPROXY=off` so nothing can reach the public Go proxy, and the repository root is the
/// working directory.
pub fn capictl(home: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("capictl").unwrap();
    cmd.current_dir(root())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GOPROXY", "off")
        .env("CAPICTL_RETRY_DELAY", "50ms")
        .env("CAPICTL_TESTDATA", root().join("testdata"));
    cmd
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
