//! Runs capictl on every case of testdata/golden/cases.txt and compares it with what upstream
//! clusterctl v1.13.5 printed for the same case (recorded by hack/golden/record.sh).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Case {
    name: String,
    mode: String,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    args: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<Case> {
    let root = root();
    let root_str = root.to_str().unwrap();
    let text = std::fs::read_to_string(root.join("testdata/golden/cases.txt")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let parts: Vec<&str> = line.splitn(5, '|').map(str::trim).collect();
            assert_eq!(parts.len(), 5, "malformed case line: {line}");
            let env = if parts[2] == "-" {
                Vec::new()
            } else {
                parts[2]
                    .split(',')
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').unwrap();
                        (k.to_string(), v.replace("$ROOT", root_str))
                    })
                    .collect()
            };
            Case {
                name: parts[0].to_string(),
                mode: parts[1].to_string(),
                env,
                stdin: (parts[3] != "-").then(|| parts[3].to_string()),
                args: parts[4]
                    .split_whitespace()
                    .map(|a| a.replace("$ROOT", root_str))
                    .collect(),
            }
        })
        .collect()
}

fn expected(name: &str, what: &str) -> String {
    let path = root().join(format!("testdata/golden/out/{name}.{what}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(case: &Case, home: &Path) -> (String, String, i32) {
    let root = root();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capictl"));
    cmd.current_dir(&root)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("CLUSTERCTL_DISABLE_VERSIONCHECK", "true")
        .env("CAPICTL_TESTDATA", root.join("testdata"))
        .args(&case.args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &case.env {
        cmd.env(k, v);
    }
    match &case.stdin {
        Some(file) => cmd.stdin(std::fs::File::open(root.join(file)).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    let out = cmd.output().unwrap();
    let normalize = |b: &[u8]| String::from_utf8_lossy(b).replace(root.to_str().unwrap(), "$ROOT");
    (
        normalize(&out.stdout),
        normalize(&out.stderr),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn capictl_matches_clusterctl_on_every_golden_case() {
    let home = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() > 60,
        "expected the full case list, found {}",
        all.len()
    );
    for case in &all {
        let (stdout, stderr, code) = run(case, home.path());
        let want_code: i32 = expected(&case.name, "code").trim().parse().unwrap();
        if code != want_code {
            failures.push(format!(
                "{}: exit code {code}, clusterctl {want_code}\nstderr: {stderr}",
                case.name
            ));
            continue;
        }
        match case.mode.as_str() {
            "out" | "out-upstream-head" => {
                let want = expected(&case.name, "stdout");
                if stdout != want {
                    failures.push(format!(
                        "{}: stdout differs\n{}",
                        case.name,
                        first_difference(&want, &stdout)
                    ));
                }
            }
            "err" => {
                let want = expected(&case.name, "stderr");
                if stderr != want {
                    failures.push(format!(
                        "{}: stderr differs\n  clusterctl: {want}  capictl:    {stderr}",
                        case.name
                    ));
                }
            }
            "code" => {
                if !stderr.starts_with("Error: ") {
                    failures.push(format!(
                        "{}: no `Error: ` line on stderr: {stderr}",
                        case.name
                    ));
                }
            }
            other => failures.push(format!("{}: unknown mode {other}", case.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

/// The first differing line, with a little context, for readable failures on large outputs.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        if w.get(i) != g.get(i) {
            let from = i.saturating_sub(3);
            let show =
                |lines: &[&str]| lines[from.min(lines.len())..(i + 3).min(lines.len())].join("\n");
            return format!(
                "  at line {}:\n--- clusterctl\n{}\n--- capictl\n{}",
                i + 1,
                show(&w),
                show(&g)
            );
        }
    }
    format!(
        "  only the trailing newline differs (clusterctl {} bytes, capictl {} bytes)",
        want.len(),
        got.len()
    )
}
