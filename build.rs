//! Records build information for `capictl version`.

use std::process::Command;

fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = run("git", &["rev-parse", "HEAD"]).unwrap_or_default();
    let dirty = run("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    let state = match (commit.is_empty(), dirty) {
        (true, _) => "",
        (false, true) => "dirty",
        (false, false) => "clean",
    };
    let date = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .or_else(|| run("git", &["log", "-1", "--format=%cI"]))
        .unwrap_or_default();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = run(&rustc, &["--version"]).unwrap_or_default();
    println!("cargo:rustc-env=CAPICTL_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=CAPICTL_GIT_TREE_STATE={state}");
    println!("cargo:rustc-env=CAPICTL_BUILD_DATE={date}");
    println!("cargo:rustc-env=CAPICTL_RUSTC_VERSION={rustc_version}");
    // The git directory may be elsewhere (`.git` is a file in a worktree); outside git there
    // is nothing to watch.
    if let Some(git_dir) = run("git", &["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
        println!("cargo:rerun-if-changed={git_dir}/index");
    } else {
        println!("cargo:rerun-if-changed=build.rs");
    }
}
