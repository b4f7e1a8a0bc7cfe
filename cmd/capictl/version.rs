//! `capictl version`.

use crate::cli::VersionArgs;

struct Info {
    major: &'static str,
    minor: &'static str,
    git_version: String,
    git_commit: &'static str,
    git_tree_state: &'static str,
    build_date: &'static str,
    compiler: &'static str,
    platform: String,
}

fn info() -> Info {
    Info {
        major: env!("CARGO_PKG_VERSION_MAJOR"),
        minor: env!("CARGO_PKG_VERSION_MINOR"),
        git_version: format!("v{}", env!("CARGO_PKG_VERSION")),
        git_commit: env!("CAPICTL_GIT_COMMIT"),
        git_tree_state: env!("CAPICTL_GIT_TREE_STATE"),
        build_date: env!("CAPICTL_BUILD_DATE"),
        compiler: env!("CAPICTL_RUSTC_VERSION"),
        platform: format!("{}/{}", go_os(), go_arch()),
    }
}

fn go_os() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

pub fn run(args: &VersionArgs) -> anyhow::Result<()> {
    let i = info();
    let fields = [
        ("major", i.major.to_string()),
        ("minor", i.minor.to_string()),
        ("gitVersion", i.git_version.clone()),
        ("gitCommit", i.git_commit.to_string()),
        ("gitTreeState", i.git_tree_state.to_string()),
        ("buildDate", i.build_date.to_string()),
        ("compiler", i.compiler.to_string()),
        ("platform", i.platform.clone()),
    ];
    match args.output.as_str() {
        "" => println!(
            "capictl version: &version.Info{{Major:{:?}, Minor:{:?}, GitVersion:{:?}, GitCommit:{:?}, GitTreeState:{:?}, BuildDate:{:?}, Compiler:{:?}, Platform:{:?}}}",
            i.major,
            i.minor,
            i.git_version,
            i.git_commit,
            i.git_tree_state,
            i.build_date,
            i.compiler,
            i.platform
        ),
        "short" => println!("{}", i.git_version),
        "yaml" => {
            let map: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                .collect();
            let doc = serde_json::json!({ "capictl": map });
            print!("{}", capictl::yaml::to_yaml(&doc));
        }
        "json" => {
            let map: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                .collect();
            let doc = serde_json::json!({ "capictl": map });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        other => anyhow::bail!("invalid output format: {other}"),
    }
    Ok(())
}
