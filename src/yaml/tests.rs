//! Golden tests against clusterctl's own output (see `hack/golden/yamlref/`) and property
//! tests.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use super::*;

const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/yaml");

fn read_golden(name: &str) -> String {
    let path = Path::new(GOLDEN_DIR).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn json_lines<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    read_golden(name)
        .lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{name}:{}: bad golden line: {e}", i + 1))
        })
        .collect()
}

/// Describes up to `limit` failures and the total, so one run shows many mismatches.
fn report(failures: &[String], total: usize) {
    if failures.is_empty() {
        return;
    }
    let mut text = format!("{} of {total} golden cases differ\n", failures.len());
    for failure in failures.iter().take(25) {
        let _ = writeln!(text, "{failure}");
    }
    panic!("{text}");
}

#[derive(Deserialize)]
struct EmitCase {
    input: Value,
    yaml: Option<String>,
    error: Option<String>,
}

#[test]
fn to_yaml_matches_sigs_yaml_marshal() {
    let cases: Vec<EmitCase> = json_lines("emit-cases.jsonl");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let got = to_yaml(&case.input);
        match (&case.yaml, &case.error) {
            (Some(want), _) if &got != want => failures.push(format!(
                "case {}: input {}\n  want {want:?}\n  got  {got:?}",
                i + 1,
                case.input
            )),
            // Go refuses these (control characters, line breaks in keys); we only need to
            // produce something without panicking.
            (None, Some(_)) | (Some(_), _) => {}
            (None, None) => failures.push(format!("case {}: neither yaml nor error", i + 1)),
        }
    }
    assert!(cases.len() > 1000, "emit golden file looks truncated");
    report(&failures, cases.len());
}

#[derive(Deserialize)]
struct ParseCase {
    name: String,
    yaml: String,
    json: Option<Vec<Value>>,
    output: Option<String>,
    error: Option<String>,
    error_document: Option<usize>,
}

#[test]
fn parse_documents_matches_to_unstructured() {
    let cases: Vec<ParseCase> = json_lines("parse-cases.jsonl");
    let mut failures = Vec::new();
    for case in &cases {
        let got = parse_documents(&case.yaml);
        match (&got, &case.json, &case.error) {
            (Ok(objects), Some(want), _) => {
                if objects != want {
                    failures.push(format!(
                        "{}: objects differ\n  want {}\n  got  {}",
                        case.name,
                        Value::Array(want.clone()),
                        Value::Array(objects.clone())
                    ));
                } else if let Some(output) = &case.output {
                    let printed = objects_to_yaml(objects);
                    if &printed != output {
                        failures.push(format!(
                            "{}: output differs\n  want {output:?}\n  got  {printed:?}",
                            case.name
                        ));
                    }
                }
            }
            (Err(e), None, Some(want)) => {
                if e.document() != case.error_document {
                    failures.push(format!(
                        "{}: error names document {:?}, clusterctl {:?}\n  ours: {e}\n  go:   {want}",
                        case.name,
                        e.document(),
                        case.error_document
                    ));
                }
            }
            // clusterctl reads these but fails to print them (control characters).
            (Ok(_), None, Some(want)) if want.starts_with("failed to marshal") => {}
            (Ok(objects), None, Some(want)) => failures.push(format!(
                "{}: accepted, clusterctl fails with {want}\n  got {}",
                case.name,
                Value::Array(objects.clone())
            )),
            (Err(e), Some(_), _) => {
                failures.push(format!(
                    "{}: rejected, clusterctl accepts it: {e}",
                    case.name
                ));
            }
            _ => failures.push(format!("{}: malformed golden case", case.name)),
        }
    }
    report(&failures, cases.len());
}

#[derive(Deserialize)]
struct JoinCase {
    docs: Vec<String>,
    joined: String,
}

#[test]
fn join_documents_matches_join_yaml() {
    let cases: Vec<JoinCase> = json_lines("join-cases.jsonl");
    for case in &cases {
        assert_eq!(join_documents(&case.docs), case.joined, "{:?}", case.docs);
    }
}

#[test]
fn curated_fixtures_round_trip_like_clusterctl() {
    let dir = Path::new(GOLDEN_DIR).join("fixtures");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures directory") {
        let path = entry.expect("fixture entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let input = std::fs::read_to_string(&path).expect("fixture input");
        let want = std::fs::read_to_string(path.with_extension("golden")).expect("golden");
        let got = parse_documents(&input).map(|objects| objects_to_yaml(&objects));
        match got {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!(
                "{}: first difference at byte {}",
                path.display(),
                first_difference(&got, &want)
            )),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
        checked += 1;
    }
    assert!(
        checked >= 10,
        "expected the curated fixtures, found {checked}"
    );
    report(&failures, checked);
}

/// Every cluster-api fixture (in `shared/` beside the repository, when it is there) against
/// the SHA-256 of clusterctl's output recorded in `fixtures.sha256`.
#[test]
fn all_shared_fixtures_match_recorded_checksums() {
    use sha2::{Digest, Sha256};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/cluster-api-v1.13.5");
    if !root.is_dir() {
        eprintln!("skipping: {} not found", root.display());
        return;
    }
    let sums = read_golden("fixtures/fixtures.sha256");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in sums.lines() {
        let Some((want, rel)) = line.split_once("  ") else {
            continue;
        };
        total += 1;
        let input = std::fs::read_to_string(root.join(rel)).expect("fixture file");
        match parse_documents(&input) {
            Ok(objects) => {
                let digest = Sha256::digest(objects_to_yaml(&objects).as_bytes());
                let got: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                if got != want {
                    failures.push(format!("{rel}: output differs from clusterctl's"));
                }
            }
            Err(e) => failures.push(format!("{rel}: {e}")),
        }
    }
    assert!(total > 30, "fixtures.sha256 looks truncated");
    report(&failures, total);
}

fn first_difference(a: &str, b: &str) -> usize {
    a.bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

#[test]
fn key_order_is_natural() {
    let mut keys = vec![
        "a10", "a2", "a1", "B", "b", "_x", "a01", "1", "10", "9", "a-b", "ab",
    ];
    keys.sort_by(|a, b| key_order(a, b));
    assert_eq!(
        keys,
        [
            "_x", "1", "9", "10", "B", "a-b", "a1", "a01", "a2", "a10", "ab", "b"
        ]
    );
}

#[test]
fn errors_name_document_and_line() {
    let e = parse_documents("a: 1\n---\nb: [1, 2\n").unwrap_err();
    assert_eq!((e.document(), e.line()), (Some(2), Some(3)), "{e}");
    assert!(e.to_string().contains("2nd YAML document"), "{e}");

    let e = parse_documents("a: 1\n--- b\n").unwrap_err();
    assert_eq!((e.document(), e.line()), (None, Some(2)));

    let e = parse_documents("a: 1\n---\n---\n- x\n").unwrap_err();
    assert!(
        matches!(
            e,
            YamlError::NotAMapping {
                document: 2,
                line: 4,
                ..
            }
        ),
        "{e}"
    );

    let e = parse_documents("a:\n  b: .nan\n").unwrap_err();
    assert!(
        matches!(
            e,
            YamlError::Content {
                document: 1,
                line: 2,
                source: ContentError::NonFiniteFloat
            }
        ),
        "{e}"
    );
}

#[test]
fn rejects_oversized_and_too_deep_input() {
    let big = " ".repeat(MAX_INPUT_BYTES + 1);
    assert!(matches!(
        parse_documents(&big),
        Err(YamlError::InputTooLarge { .. })
    ));
    let deep = format!("a: {}{}\n", "[".repeat(1500), "]".repeat(1500));
    assert!(parse_documents(&deep).is_err());
}

#[test]
fn reads_a_large_stream() {
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  key: value\n  list: [1, 2, 3]\n";
    let stream = format!("{doc}---\n").repeat(60_000);
    assert!(stream.len() > 5_000_000);
    let objects = parse_documents(&stream).expect("large stream");
    assert_eq!(objects.len(), 60_000);
}

#[test]
fn alias_bombs_are_refused() {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = i - 1;
        let _ = writeln!(
            doc,
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]"
        );
    }
    let e = parse_documents(&doc).unwrap_err();
    assert!(
        matches!(
            e,
            YamlError::Content {
                source: ContentError::ExcessiveAliasing,
                ..
            }
        ),
        "{e}"
    );
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e15f64..1e15).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC*".prop_map(Value::String),
        "[ -~\\n\\t\u{85}é😀]{0,120}".prop_map(Value::String),
        prop::sample::select(vec![
            "yes",
            "no",
            "~",
            "null",
            "0x1F",
            "012",
            "1e3",
            ".5",
            "2001-12-14",
            "12:30:45",
            "<<",
            "- a",
            ": ",
            " #",
            "*x",
            "",
            " ",
            "\n",
            "a\n",
            "\n a",
            "a \nb",
            "\u{feff}x",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z0-9_./ -]{0,12}|\\PC{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// What `parse_documents` is expected to give back for a value printed by `to_yaml`:
/// numbers through float64, U+0085 folded the way go-yaml reads it from JSON.
fn as_clusterctl_reads_it(value: &Value) -> Value {
    match value {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            number::from_go_float(f)
                .to_json()
                .map_or(Value::Null, Value::Number)
        }
        Value::String(s) => Value::String(emit::reread_from_json(s).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(as_clusterctl_reads_it).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        emit::reread_from_json(k).into_owned(),
                        as_clusterctl_reads_it(v),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Strings the round trip cannot hold: characters Go refuses to print, and U+2028/U+2029,
/// which go-yaml (YAML 1.1) reads as line breaks but our YAML 1.2 parser reads as text.
///
/// Also `<<` keys: go-yaml writes them plain, and reading that back makes them merge keys.
fn has_unprintable(value: &Value) -> bool {
    let bad = |s: &str| {
        s.chars().any(|c| {
            matches!(
                c,
                '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
            )
        })
    };
    match value {
        Value::String(s) => bad(s),
        Value::Array(items) => items.iter().any(has_unprintable),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| bad(k) || k.contains('\u{85}') || k == "<<" || has_unprintable(v)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printed_objects_read_back_unchanged(
        map in prop::collection::btree_map("[a-zA-Z0-9_./ -]{0,12}|\\PC{0,8}", json_value(), 0..8)
    ) {
        let object = Value::Object(map.into_iter().collect());
        prop_assume!(!has_unprintable(&object));
        let yaml = to_yaml(&object);
        let parsed = parse_documents(&yaml);
        let want = vec![as_clusterctl_reads_it(&object)];
        prop_assert_eq!(parsed.as_ref().ok(), Some(&want), "yaml:\n{}", yaml);
        // What was read back is a fixed point: printing and reading it changes nothing.
        // (Not objects_to_yaml: JoinYaml trims the final newline, which a trailing `|+`
        // block needs.)
        let again = parse_documents(&to_yaml(&want[0]));
        prop_assert_eq!(again.ok(), Some(want));
    }

    #[test]
    fn parse_documents_never_panics(input in "\\PC{0,400}|[-:#&*!|>'\"%@`{}\\[\\], ?\\n\\ta-z0-9~.<=]{0,400}") {
        let _ = parse_documents(&input);
    }

    #[test]
    fn to_yaml_never_panics(value in json_value()) {
        let text = to_yaml(&value);
        prop_assert!(text.ends_with('\n'));
    }
}

#[test]
fn deep_nesting_within_limit_works() {
    let depth = parse::MAX_DEPTH - 1;
    let doc = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let objects = parse_documents(&doc).expect("nesting within the limit");
    let printed = to_yaml(&objects[0]);
    assert!(printed.starts_with("a:\n- - - "));
    let blocks = format!(
        "a:\n{}x\n",
        (1..depth)
            .map(|i| format!("{}- ", "  ".repeat(i - 1)))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let _ = parse_documents(&blocks);
}

#[test]
fn nested_aliases_cannot_exhaust_the_stack() {
    let depth = 400;
    let mut doc = format!("a0: &a0 {}x{}\n", "[".repeat(depth), "]".repeat(depth));
    for i in 1..40 {
        let _ = writeln!(
            doc,
            "a{i}: &a{i} {}*a{}{}",
            "[".repeat(depth),
            i - 1,
            "]".repeat(depth)
        );
    }
    let e = parse_documents(&doc).unwrap_err();
    assert!(
        matches!(
            e,
            YamlError::Content {
                source: ContentError::TooDeep { .. },
                ..
            }
        ),
        "{e}"
    );
}
