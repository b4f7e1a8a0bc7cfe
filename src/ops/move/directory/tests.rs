//! The backup format against upstream's test table (`testdata/move/backup_restore.json`) and
//! against files written and read by clusterctl's own code (`testdata/move/golden/`, made
//! by `hack/golden/moveref` with Go 1.26.8, k8s.io/apimachinery v0.35.4 and cluster-api
//! v1.13.5, the versions clusterctl v1.13.5 is built with).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/move")
        .join(rel)
}

fn load_json(rel: &str) -> Value {
    let text = fs::read_to_string(testdata(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// File name → content of every entry of `dir`.
fn dir_contents(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

struct Case {
    name: String,
    objects: Vec<Value>,
    files: BTreeMap<String, String>,
}

fn upstream_cases() -> Vec<Case> {
    let table = load_json("backup_restore.json");
    table["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().unwrap().to_owned(),
            objects: case["objects"].as_array().unwrap().clone(),
            files: serde_json::from_value(case["files"].clone()).unwrap(),
        })
        .collect()
}

/// Test_objectMover_backupTargetObject: each object gets its file, with exactly these bytes.
#[test]
fn upstream_table_backup_writes_the_expected_files() {
    for case in upstream_cases() {
        let dir = tempfile::tempdir().unwrap();
        for obj in &case.objects {
            let path = write_object(dir.path(), obj).unwrap();
            assert_eq!(path, dir.path().join(backup_file_name(obj)));
            #[cfg(unix)]
            assert_eq!(mode(&path), 0o600, "{}: {}", case.name, path.display());
        }
        assert_eq!(dir_contents(dir.path()), case.files, "case {}", case.name);
    }
}

/// Test_objectMover_backupTargetObject's second half: backing up again replaces the file.
#[test]
fn backup_replaces_an_existing_file() {
    let case = &upstream_cases()[0];
    let dir = tempfile::tempdir().unwrap();
    let obj = &case.objects[0];
    let path = dir.path().join(backup_file_name(obj));
    fs::write(
        &path,
        "stale content that is longer than the object itself ".repeat(20),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    }
    write_object(dir.path(), obj).unwrap();
    write_object(dir.path(), obj).unwrap();
    let name = backup_file_name(obj);
    assert_eq!(
        dir_contents(dir.path()),
        BTreeMap::from([(name.clone(), case.files[&name].clone())])
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

/// Test_objectMover_filesToObjs (whose upstream version writes no file at all: it ranges
/// over the map's values and uses them as file names, so os.Create fails and it returns).
#[test]
fn upstream_table_restore_reads_every_file_in_name_order() {
    for case in upstream_cases() {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in &case.files {
            fs::write(dir.path().join(name), content).unwrap();
        }
        let expected: Vec<Value> = case
            .files
            .values()
            .map(|content| serde_json::from_str(content).unwrap())
            .collect();
        assert_eq!(
            read_directory(dir.path()).unwrap(),
            expected,
            "case {}",
            case.name
        );
    }
}

#[test]
fn cluster_scoped_objects_have_an_empty_namespace_part() {
    let obj = json!({"apiVersion": "v1", "kind": "Foo", "metadata": {"name": "bar"}});
    assert_eq!(backup_file_name(&obj), "Foo__bar.yaml");
    let obj = json!({"kind": "Foo", "metadata": {"name": "bar", "namespace": ""}});
    assert_eq!(backup_file_name(&obj), "Foo__bar.yaml");
}

/// Objects of a golden input file, each with the backup file Go wrote for it.
fn golden_backups(input: &str, dir: &str) -> Vec<(Value, String, String)> {
    let objects = load_json(input);
    let written = dir_contents(&testdata(dir));
    let objects = objects.as_array().unwrap();
    assert_eq!(
        objects.len(),
        written.len(),
        "{dir} has one file per object"
    );
    objects
        .iter()
        .map(|obj| {
            let name = backup_file_name(obj);
            let content = written
                .get(&name)
                .unwrap_or_else(|| panic!("Go wrote no {name} in {dir}"))
                .clone();
            (obj.clone(), name, content)
        })
        .collect()
}

#[test]
fn backup_files_match_go_byte_for_byte() {
    for (input, dir) in [
        ("golden/objects.json", "golden/backup"),
        ("golden/unrestorable.json", "golden/backup-unrestorable"),
    ] {
        let out = tempfile::tempdir().unwrap();
        for (obj, name, go) in golden_backups(input, dir) {
            let path = write_object(out.path(), &obj).unwrap();
            let ours = fs::read_to_string(&path).unwrap();
            assert!(
                ours == go,
                "{name} differs from Go's:\nours: {ours}\ngo:   {go}"
            );
        }
    }
}

/// What clusterctl's filesToObjs gives for the golden backup, printed with json.Marshal.
#[test]
fn restore_matches_go() {
    let expected: Vec<Value> = fs::read_to_string(testdata("golden/restored.jsonl"))
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let ours = read_directory(&testdata("golden/backup")).unwrap();
    assert_eq!(ours.len(), expected.len());
    for (ours, go) in ours.iter().zip(&expected) {
        assert_eq!(ours, go, "{}", backup_file_name(go));
    }
}

/// True when every number in `value` survives the float64 round trip restoring puts it
/// through (clusterctl's too).
fn numbers_survive(value: &Value) -> bool {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map_or(n.is_f64(), |i| i.unsigned_abs() <= 1 << 53),
        Value::Array(items) => items.iter().all(numbers_survive),
        Value::Object(map) => map.values().all(numbers_survive),
        _ => true,
    }
}

/// Writing then reading gives back the objects, in file-name order.
#[test]
fn round_trip() {
    let mut objects: Vec<Value> = upstream_cases()
        .into_iter()
        .flat_map(|c| c.objects)
        .collect();
    objects.extend(load_json("golden/objects.json").as_array().unwrap().clone());
    objects.retain(numbers_survive);
    objects.sort_by_key(backup_file_name);
    objects.dedup_by_key(|o| backup_file_name(o));
    assert_eq!(objects.len(), 12);
    let dir = tempfile::tempdir().unwrap();
    for obj in &objects {
        write_object(dir.path(), obj).unwrap();
    }
    assert_eq!(read_directory(dir.path()).unwrap(), objects);
}

#[test]
fn restore_reads_every_file_whatever_its_name_and_skips_empty_documents() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("b-notes.txt"),
        "# hand-written\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: three\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("a"),
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"one"}}"#,
    )
    .unwrap();
    fs::write(dir.path().join(".hidden-empty"), "").unwrap();
    let names: Vec<_> = read_directory(dir.path())
        .unwrap()
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["one", "two", "three"]);
}

#[test]
fn missing_directories_name_the_flag_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = read_directory(&missing).unwrap_err();
    assert!(matches!(err, DirectoryError::FromDirectoryMissing { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "backup directory {} does not exist: check --from-directory",
            missing.display()
        )
    );
    let err = check_to_directory(&missing).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "backup directory {} does not exist: create it first or check --to-directory",
            missing.display()
        )
    );
    let obj = &upstream_cases()[0].objects[0];
    let err = write_object(&missing, obj).unwrap_err();
    assert!(
        matches!(err, DirectoryError::ToDirectoryMissing { .. }),
        "{err:?}"
    );
    check_to_directory(dir.path()).unwrap();
}

#[test]
fn a_file_given_as_the_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.yaml");
    fs::write(&file, "").unwrap();
    for err in [
        read_directory(&file).unwrap_err(),
        check_to_directory(&file).unwrap_err(),
    ] {
        assert!(
            matches!(err, DirectoryError::NotADirectory { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains(&file.display().to_string()));
    }
}

#[test]
fn a_subdirectory_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("old")).unwrap();
    let err = read_directory(dir.path()).unwrap_err();
    assert!(matches!(err, DirectoryError::NotAFile { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&dir.path().join("old").display().to_string()),
        "{text}"
    );
    assert!(text.contains("move it out of the directory"), "{text}");
}

#[test]
fn an_unparsable_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.yaml"),
        "apiVersion: v1\nkind: [unclosed\n",
    )
    .unwrap();
    let err = read_directory(dir.path()).unwrap_err();
    let DirectoryError::Parse { path, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, &dir.path().join("a.yaml"));
    assert!(
        err.to_string()
            .contains("is not valid YAML or JSON: fix it")
    );
}

#[test]
fn a_document_that_is_not_an_object_is_an_error_naming_file_and_document() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("kind: ConfigMap\nmetadata:\n  name: x\n", "apiVersion"),
        ("apiVersion: v1\nmetadata:\n  name: x\n", "kind"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"\"\n",
            "metadata.name",
        ),
        ("apiVersion: v1\nkind: ConfigMap\n", "metadata.name"),
    ];
    for (doc, field) in cases {
        let good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n";
        fs::write(dir.path().join("f.yaml"), format!("{good}---\n{doc}")).unwrap();
        let err = read_directory(dir.path()).unwrap_err();
        let DirectoryError::NotAnObject {
            document, missing, ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!((*document, *missing), (2, field));
        let text = err.to_string();
        assert!(
            text.contains("f.yaml (document 2) is not a Kubernetes object"),
            "{text}"
        );
    }
}

#[test]
fn objects_without_a_usable_file_name_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (json!({"metadata": {"name": "x"}}), "has no kind"),
        (
            json!({"kind": "Foo", "metadata": {}}),
            "has no metadata.name",
        ),
        (
            json!({"kind": "Foo", "metadata": {"name": "../x"}}),
            "path separator",
        ),
    ];
    for (obj, reason) in cases {
        let err = write_object(dir.path(), &obj).unwrap_err();
        assert!(err.to_string().contains(reason), "{err}");
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Backups clusterctl writes but cannot restore as written (`golden/unrestorable.txt`):
/// both refuse DEL, C1 controls and U+FFFE/U+FFFF; clusterctl reads U+0085 as a space,
/// capictl keeps it.
#[test]
fn unrestorable_backups_fail_as_in_clusterctl() {
    let outcomes = fs::read_to_string(testdata("golden/unrestorable.txt")).unwrap();
    assert_eq!(outcomes.lines().count(), 4);
    for line in outcomes.lines() {
        let (name, go) = line.split_once('\t').unwrap();
        let dir = tempfile::tempdir().unwrap();
        fs::copy(
            testdata("golden/backup-unrestorable").join(name),
            dir.path().join(name),
        )
        .unwrap();
        let ours = read_directory(dir.path());
        if go.starts_with("error: ") {
            assert!(go.contains("control characters are not allowed"), "{go}");
            let err = ours.unwrap_err();
            assert!(
                matches!(err, DirectoryError::Parse { .. }),
                "{name}: {err:?}"
            );
        } else {
            assert_eq!(go, r#"data: {"value":"a b"}"#, "{name}");
            assert_eq!(ours.unwrap()[0]["data"]["value"], "a\u{85}b", "{name}");
        }
    }
}
