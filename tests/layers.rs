//! The layer check: every module of the library depends only on the layers below it
//! (docs/architecture.md). It reads `src/` as text, finds each `crate::<module>` a file names
//! (in `use` lines, grouped `use crate::{...}` lines and inline paths) and fails on any that
//! points to the same layer or one above, listing file, line and the module named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The library's top-level modules by layer, lowest first. A module may name modules of lower
/// layers only; `ops` and `error` share a layer because the library's error type wraps each
/// operation's error and every operation returns it.
const LAYERS: &[&[&str]] = &[
    &[
        "object", "progress", "provider", "template", "version", "yaml",
    ],
    &["fetch"],
    &["config"],
    &["cluster", "components", "graph", "repository"],
    &["error", "ops"],
];

/// The layer of a top-level module, or `None` for a name that is not one (a type re-exported
/// from `lib.rs`, such as `crate::Client`, is the front door: only `ops` and `error` may use it).
fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Names `lib.rs` re-exports that lower layers must not reach for.
fn front_door_layer(name: &str) -> Option<usize> {
    name.chars()
        .next()
        .filter(char::is_ascii_uppercase)
        .map(|_| LAYERS.len() - 1)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every top-level module a line names through `crate::`.
fn named_modules(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c, d::{e, f}}`: the first segment of each item at depth 0.
            let mut depth = 0;
            let mut item = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        if !item.is_empty() {
                            out.push(std::mem::take(&mut item));
                        }
                        at_start = true;
                    }
                    c if at_start && item.is_empty() && c.is_whitespace() => {}
                    c if at_start && (c.is_alphanumeric() || c == '_') => item.push(c),
                    _ if at_start && !item.is_empty() => {
                        out.push(std::mem::take(&mut item));
                        at_start = false;
                    }
                    _ => {}
                }
            }
            if !item.is_empty() {
                out.push(item);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// The top-level module a file belongs to (`src/cluster/apply.rs` → `cluster`,
/// `src/error.rs` → `error`); `None` for `lib.rs`, which may name everything.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first.strip_suffix(".rs") {
        Some("lib") => None,
        Some(name) => Some(name.to_string()),
        None => Some(first.to_string()),
    }
}

#[test]
fn modules_depend_only_on_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(own) = layer_of(&module) else {
            unknown.push(module);
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for named in named_modules(code) {
                if named == module {
                    continue;
                }
                let Some(target) = layer_of(&named).or_else(|| front_door_layer(&named)) else {
                    continue;
                };
                let same_layer_allowed = own == LAYERS.len() - 1;
                if target > own || (target == own && !same_layer_allowed) {
                    violations
                        .entry(format!("{module} -> {named}"))
                        .or_default()
                        .push(format!(
                            "{}:{}",
                            file.strip_prefix(&src).unwrap_or(file).display(),
                            n + 1
                        ));
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "modules missing from LAYERS in tests/layers.rs (add each to its layer and to docs/architecture.md): {unknown:?}"
    );
    let report: Vec<String> = violations
        .iter()
        .map(|(edge, places)| format!("{edge}: {}", places.join(", ")))
        .collect();
    assert!(
        report.is_empty(),
        "imports that point to the same layer or one above (see docs/architecture.md):\n{}",
        report.join("\n")
    );
}

#[test]
fn grouped_and_inline_paths_are_read() {
    assert_eq!(
        named_modules("use crate::{cluster::ObjectRef, yaml, ops::{a, b}};"),
        ["cluster", "yaml", "ops"]
    );
    assert_eq!(
        named_modules("let x = crate::version::parse(v) + crate::object::kind(o);"),
        ["version", "object"]
    );
    assert_eq!(named_modules("use crate::Client;"), ["Client"]);
}
