//! Plugins: `capictl foo bar args…` runs `capictl-foo-bar` (else `clusterctl-foo-bar`, then
//! the shorter `capictl-foo`, `clusterctl-foo`) from PATH with the remaining arguments, as
//! clusterctl's `handlePlugins` does; and `capictl plugin list`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

/// File name prefixes of plugins, the first winning for the same command.
const PREFIXES: [&str; 2] = ["capictl", "clusterctl"];

/// `plugin`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// List the plugins found on PATH (capictl-* and clusterctl-* executables)
    #[command(
        long_about = "List the plugins found on PATH: executables named capictl-<command> or\nclusterctl-<command>, which `capictl <command>` runs. A dash in the file name separates\nwords of the command (capictl-foo-bar is `capictl foo bar`), an underscore stands for a dash.\n\nWarnings on stderr name the files capictl will not run: not executable, or shadowed by\nanother plugin or by a built-in command."
    )]
    List,
}

/// A plugin file on PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PluginFile {
    path: PathBuf,
    /// Index in [`PREFIXES`].
    prefix: usize,
    /// The command as typed: words separated by spaces.
    command: String,
    executable: bool,
}

/// Runs a plugin for arguments clap did not recognize as a command, or returns `None` when
/// no plugin applies (the caller then reports clap's error). `builtins` are the top-level
/// command names.
pub fn dispatch(args: &[OsString], builtins: &[String]) -> Option<ExitCode> {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let first_word = args.iter().find(|a| !a.starts_with('-'))?;
    if first_word == "help" || builtins.contains(first_word) {
        return None;
    }
    if args[0].starts_with('-') {
        eprintln!(
            "Error: flags cannot be placed before plugin name: {}",
            args[0]
        );
        return Some(ExitCode::FAILURE);
    }
    let words: Vec<String> = args
        .iter()
        .take_while(|a| !a.starts_with('-'))
        .map(|a| a.replace('-', "_"))
        .collect();
    let path_dirs = path_dirs();
    let mut not_executable = None;
    for len in (1..=words.len()).rev() {
        let name = words[..len].join("-");
        for prefix in PREFIXES {
            let file_name = format!("{prefix}-{name}");
            for dir in &path_dirs {
                let candidate = dir.join(&file_name);
                if !candidate.is_file() {
                    continue;
                }
                if is_executable(&candidate) {
                    return Some(run(&candidate, &args[len..]));
                }
                not_executable.get_or_insert(candidate);
            }
        }
    }
    let path = not_executable?;
    eprintln!(
        "Error: plugin {} is not executable: make it executable (chmod +x {}) or remove it from PATH",
        path.display(),
        path.display()
    );
    Some(ExitCode::FAILURE)
}

/// Replaces capictl with the plugin (exit code and stdio are the plugin's own).
#[cfg(unix)]
fn run(path: &Path, args: &[String]) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let error = std::process::Command::new(path).args(args).exec();
    eprintln!("Error: failed to run plugin {}: {error}", path.display());
    ExitCode::FAILURE
}

/// Runs the plugin and passes its exit code on (no `exec` on this platform).
#[cfg(not(unix))]
fn run(path: &Path, args: &[String]) -> ExitCode {
    match std::process::Command::new(path).args(args).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(error) => {
            eprintln!("Error: failed to run plugin {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// `plugin list`: the plugins `capictl <command>` runs, as a table on stdout; warnings about
/// the files it will not run on stderr.
pub fn list(builtins: &[String]) -> anyhow::Result<()> {
    let files = scan(&path_dirs());
    let (winners, warnings) = resolve(&files, builtins);
    for warning in &warnings {
        eprintln!("Warning: {warning}");
    }
    if winners.is_empty() {
        eprintln!("No capictl or clusterctl plugins found on PATH.");
        return Ok(());
    }
    let mut rows = vec![vec!["NAME".to_string(), "PATH".to_string()]];
    rows.extend(
        winners
            .iter()
            .map(|f| vec![f.command.clone(), f.path.display().to_string()]),
    );
    print!("{}", crate::output::tabwriter(&rows, 10, 3));
    Ok(())
}

fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .filter(|d| !d.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Every plugin file in `dirs`, in PATH order, each directory's files sorted by name.
fn scan(dirs: &[PathBuf]) -> Vec<PluginFile> {
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect();
        names.sort();
        for (name, path) in names {
            let Some((prefix, rest)) = PREFIXES
                .iter()
                .enumerate()
                .find_map(|(i, p)| name.strip_prefix(&format!("{p}-")).map(|rest| (i, rest)))
            else {
                continue;
            };
            if rest.is_empty() {
                continue;
            }
            let command = rest
                .split('-')
                .map(|w| w.replace('_', "-"))
                .collect::<Vec<_>>()
                .join(" ");
            found.push(PluginFile {
                executable: is_executable(&path),
                path,
                prefix,
                command,
            });
        }
    }
    found
}

/// The file each command runs (a `capictl-` file before a `clusterctl-` one, then PATH
/// order), and a warning for each file that never runs.
fn resolve(files: &[PluginFile], builtins: &[String]) -> (Vec<PluginFile>, Vec<String>) {
    let mut winners: Vec<PluginFile> = Vec::new();
    let mut warnings = Vec::new();
    let mut candidates: Vec<&PluginFile> = files.iter().collect();
    // Stable: PATH order is kept within a prefix.
    candidates.sort_by_key(|f| f.prefix);
    for file in candidates {
        let first = file.command.split(' ').next().unwrap_or_default();
        if !file.executable {
            warnings.push(format!(
                "{} is not executable: capictl will not run it (chmod +x to use it)",
                file.path.display()
            ));
        } else if first == "help" || builtins.iter().any(|b| b == first) {
            warnings.push(format!(
                "{} is shadowed by the built-in command `capictl {first}`",
                file.path.display()
            ));
        } else if let Some(winner) = winners.iter().find(|w| w.command == file.command) {
            warnings.push(format!(
                "{} is shadowed by {}, which `capictl {}` runs",
                file.path.display(),
                winner.path.display(),
                file.command
            ));
        } else {
            winners.push(file.clone());
        }
    }
    winners.sort_by(|a, b| a.command.cmp(&b.command));
    (winners, warnings)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, prefix: usize, command: &str, executable: bool) -> PluginFile {
        PluginFile {
            path: path.into(),
            prefix,
            command: command.into(),
            executable,
        }
    }

    #[test]
    fn capictl_files_win_then_path_order_and_builtins_shadow_all() {
        let files = vec![
            file("/a/clusterctl-foo", 1, "foo", true),
            file("/a/capictl-init", 0, "init", true),
            file("/b/capictl-foo", 0, "foo", true),
            file("/c/capictl-foo", 0, "foo", true),
            file("/c/capictl-bar", 0, "bar", false),
            file("/c/capictl-x-y", 0, "x y", true),
        ];
        let (winners, warnings) = resolve(&files, &["init".to_string()]);
        let paths: Vec<_> = winners
            .iter()
            .map(|w| w.path.display().to_string())
            .collect();
        assert_eq!(paths, ["/b/capictl-foo", "/c/capictl-x-y"]);
        assert_eq!(warnings.len(), 4, "{warnings:#?}");
        assert!(warnings[0].contains("capictl-init is shadowed by the built-in"));
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("/c/capictl-foo is shadowed by /b/capictl-foo"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("/c/capictl-bar is not executable"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("/a/clusterctl-foo is shadowed by /b/capictl-foo"))
        );
    }
}
