//! Properties over arbitrary input: nothing panics, and text without expressions passes
//! through unchanged.

use std::collections::HashMap;

use proptest::prelude::*;

use crate::template::{Template, TemplateError, process};

/// Strings dense in the characters the grammar cares about.
fn template_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "$", "{", "}", "${", "$$", ":", "=", "-", "+", "?", "#", "%", "/", "\\", ",", "^", "*",
        "[", "]", "A", "B", "é", "€", "😀", "0", "1", "-1", " ", "\n", "\0", "x",
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(pieces, 0..40).prop_map(|parts| parts.concat()),
    ]
}

fn values() -> impl Strategy<Value = HashMap<String, String>> {
    let value = prop_oneof![any::<String>(), "[a-cé€/.*\\-0-9]{0,6}"];
    prop::collection::hash_map(prop::sample::select(vec!["A", "B", "é", "x"]), value, 0..4)
        .prop_map(|map| map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

proptest! {
    // No regression files: they would land beside the sources in the main tree.
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics(text in template_text(), vars in values()) {
        let lookup = |name: &str| vars.get(name).cloned();
        if let Ok(template) = Template::parse(&text) {
            let _ = template.variables();
            let _ = template.evaluate(&lookup);
        }
        let _ = process(&text, &lookup);
    }

    #[test]
    fn text_without_dollar_is_unchanged(text in "[^$]*") {
        let template = Template::parse(&text).unwrap();
        prop_assert!(template.variables().is_empty());
        let upto_nul = text.split('\0').next().unwrap_or_default();
        prop_assert_eq!(template.evaluate(&|_| None), upto_nul);
    }

    #[test]
    fn without_expressions_only_escapes_change(text in "[^\0]*") {
        prop_assume!(!text.contains("${"));
        prop_assert_eq!(process(&text, &|_| None), Ok(text.replace("$$", "$")));
    }

    #[test]
    fn values_are_inserted_verbatim(value in any::<String>(), before in "[^$\0]*") {
        let lookup = |name: &str| (name == "NAME").then(|| value.clone());
        let out = process(&format!("{before}${{NAME}}"), &lookup);
        prop_assert_eq!(out, Ok(format!("{before}{value}")));
    }

    /// White space is excluded: the legacy pre-pass would delete it, even after `$$`.
    #[test]
    fn escaped_expressions_stay_literal(inner in "[^$}\0\t\n\x0C\r ]*") {
        let out = process(&format!("$${{{inner}}}"), &|_| None);
        prop_assert_eq!(out, Ok(format!("${{{inner}}}")));
    }

    #[test]
    fn unset_required_variables_are_reported(names in prop::collection::btree_set("[A-Z_][A-Z0-9_]{0,5}", 1..5)) {
        let text: String = names.iter().map(|n| format!("${{{n}}} ")).collect();
        let want: Vec<String> = names.iter().cloned().collect();
        prop_assert_eq!(process(&text, &|_| None), Err(TemplateError::MissingVariables(want)));
    }
}
