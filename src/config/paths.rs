//! Where clusterctl keeps its files: the XDG configuration folder, the legacy `~/.cluster-api`
//! folder, and (for capictl) the cache folder.

use std::path::PathBuf;

use super::Env;

/// Folder name under the XDG configuration home (`~/.config/cluster-api`).
pub const CONFIG_FOLDER_XDG: &str = "cluster-api";
/// Legacy folder under the home directory (`~/.cluster-api`).
pub const CONFIG_FOLDER_LEGACY: &str = ".cluster-api";
/// Base name of the configuration file.
pub const CONFIG_NAME: &str = "clusterctl";
/// Extensions tried for the default configuration file, in viper's order. Only JSON and YAML
/// are understood; the others are listed so that such a file is reported rather than ignored.
pub const CONFIG_EXTENSIONS: [&str; 12] = [
    "json",
    "toml",
    "yaml",
    "yml",
    "properties",
    "props",
    "prop",
    "hcl",
    "tfvars",
    "dotenv",
    "env",
    "ini",
];

/// The user's home directory, from `HOME`.
pub fn home_dir(env: &Env) -> Option<PathBuf> {
    env.get("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// `$XDG_CONFIG_HOME`, or the platform default (`~/.config`; on macOS
/// `~/Library/Application Support`, as clusterctl's xdg library does).
pub fn config_home(env: &Env) -> Option<PathBuf> {
    xdg_home(
        env,
        "XDG_CONFIG_HOME",
        "Library/Application Support",
        ".config",
    )
}

/// `$XDG_CACHE_HOME`, or the platform default (`~/.cache`; on macOS `~/Library/Caches`).
pub fn cache_home(env: &Env) -> Option<PathBuf> {
    xdg_home(env, "XDG_CACHE_HOME", "Library/Caches", ".cache")
}

/// The folder `variable` names, or else `macos` or `other` below the home folder.
fn xdg_home(env: &Env, variable: &str, macos: &str, other: &str) -> Option<PathBuf> {
    if let Some(dir) = env.get(variable).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let below_home = if cfg!(target_os = "macos") {
        macos
    } else {
        other
    };
    Some(home_dir(env)?.join(below_home))
}

/// The folders searched for `clusterctl.<ext>`, in priority order.
pub fn config_search_dirs(env: &Env) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(xdg) = config_home(env) {
        dirs.push(xdg.join(CONFIG_FOLDER_XDG));
    }
    if let Some(home) = home_dir(env) {
        dirs.push(home.join(CONFIG_FOLDER_LEGACY));
    }
    dirs
}

/// The default configuration file: the first `clusterctl.<ext>` found in the search folders.
pub fn find_default_config(env: &Env) -> Option<PathBuf> {
    config_search_dirs(env).into_iter().find_map(|dir| {
        CONFIG_EXTENSIONS
            .iter()
            .map(|ext| dir.join(format!("{CONFIG_NAME}.{ext}")))
            .find(|p| p.is_file())
    })
}

/// The default overrides folder: `$XDG_CONFIG_HOME/cluster-api/overrides`, or
/// `~/.cluster-api/overrides` when only that one exists.
pub fn default_overrides_folder(env: &Env) -> Option<PathBuf> {
    let xdg = config_home(env).map(|d| d.join(CONFIG_FOLDER_XDG).join("overrides"));
    if let Some(xdg) = &xdg
        && xdg.exists()
    {
        return Some(xdg.clone());
    }
    let legacy = home_dir(env).map(|h| h.join(CONFIG_FOLDER_LEGACY).join("overrides"));
    match legacy {
        Some(legacy) if legacy.exists() => Some(legacy),
        _ => xdg,
    }
}
