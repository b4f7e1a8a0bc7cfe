//! clusterctl's tables: `yamlprocessor/simple_processor_test.go` and
//! `cmd/generate_yaml_test.go` (v1.13.5).

use super::{Pairs, vars};
use crate::template::{Template, TemplateError, Variable, process};

fn names(text: &str) -> Result<Vec<String>, TemplateError> {
    Template::parse(text).map(|t| t.variables().into_iter().map(|v| v.name).collect())
}

#[test]
fn get_variables() {
    let cases: &[(&str, &str, Option<&[&str]>)] = &[
        (
            "variable with different spacing around the name",
            "yaml with ${A} ${ B} ${ C} ${ D }",
            Some(&["A", "B", "C", "D"]),
        ),
        (
            "variables used in many places are grouped",
            "yaml with ${A } ${A} ${A}",
            Some(&["A"]),
        ),
        (
            "variables in multiline texts are processed",
            "yaml with ${A}\n${B}\n${C}",
            Some(&["A", "B", "C"]),
        ),
        (
            "variables are sorted",
            "yaml with ${C}\n${B}\n${A}",
            Some(&["A", "B", "C"]),
        ),
        (
            "returns error for variables with regex metacharacters",
            "yaml with ${BA$R}\n${FOO}",
            None,
        ),
        (
            "variables with envsubst functions are properly parsed",
            "yaml with ${C:=default}\n${B}\n${A=foobar}",
            Some(&["A", "B", "C"]),
        ),
    ];
    for (name, data, want) in cases {
        let got = names(data);
        match want {
            Some(want) => {
                let want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
                assert_eq!(got, Ok(want), "{name}");
            }
            None => assert!(got.is_err(), "{name}: {got:?}"),
        }
    }
}

#[test]
fn get_variable_map() {
    type Defaults<'a> = &'a [(&'a str, Option<&'a str>)];
    let cases: &[(&str, &str, Option<Defaults>)] = &[
        (
            "variable with different spacing around the name",
            "yaml with ${A} ${ B} ${ C} ${ D }",
            Some(&[("A", None), ("B", None), ("C", None), ("D", None)]),
        ),
        (
            "variables used in many places are grouped",
            "yaml with ${A } ${A} ${A}",
            Some(&[("A", None)]),
        ),
        (
            "variables in multiline texts are processed",
            "yaml with ${A}\n${B}\n${C}",
            Some(&[("A", None), ("B", None), ("C", None)]),
        ),
        (
            "returns error for variables with regex metacharacters",
            "yaml with ${BA$R}\n${FOO}",
            None,
        ),
        (
            "variables with envsubst functions are properly parsed",
            r#"yaml with ${C:=default}\n${B}\n${A=foobar}\n${E=""}\n${D:=${A}}"#,
            Some(&[
                ("A", Some("foobar")),
                ("B", None),
                ("C", Some("default")),
                ("D", Some("${A}")),
                ("E", Some(r#""""#)),
            ]),
        ),
    ];
    for (name, data, want) in cases {
        let got = Template::parse(data).map(|t| t.variables());
        match want {
            Some(want) => {
                let want: Vec<Variable> = want
                    .iter()
                    .map(|(n, d)| Variable {
                        name: (*n).to_owned(),
                        default: d.map(str::to_owned),
                    })
                    .collect();
                assert_eq!(got, Ok(want), "{name}");
            }
            None => assert!(got.is_err(), "{name}: {got:?}"),
        }
    }
}

/// What `Process` should produce: text, the missing variables, or a parse error.
enum Want {
    Output(&'static str),
    Missing(&'static [&'static str]),
    ParseError,
}

#[test]
fn process_table() {
    let cases: &[(&str, &str, Pairs, Want)] = &[
        (
            "replaces legacy variables names (with spaces)",
            "foo ${ BAR }, ${BAR }, ${ BAR}",
            &[("BAR", "bar")],
            Want::Output("foo bar, bar, bar"),
        ),
        (
            "does not escape slashes used for windows named pipes",
            r"\\ foo ${ BAR }, ${BAR }, ${ BAR}",
            &[("BAR", "bar")],
            Want::Output(r"\\ foo bar, bar, bar"),
        ),
        (
            "replaces variables when variable value contains regex metacharacters",
            "foo ${BAR}",
            &[("BAR", "ba$r")],
            Want::Output("foo ba$r"),
        ),
        (
            "uses default values if variable doesn't exist in variables client",
            "foo ${BAR=default_bar} ${BAZ:=default_baz} ${CAR=default_car} ${CAZ:-default_caz} ${DAR=default_dar}",
            &[("BAR", "ba$r"), ("CAZ", ""), ("DAR", "")],
            Want::Output("foo ba$r default_baz default_car default_caz default_dar"),
        ),
        (
            "uses default variables if main variable is doesn't exist",
            "foo ${BAR=default_bar} ${BAZ:=prefix${DEF}-suffix} ${CAZ=${DEF}}",
            &[("BAR", "ba$r"), ("DEF", "football")],
            Want::Output("foo ba$r prefixfootball-suffix football"),
        ),
        (
            "returns error with missing template variables listed (for better ux)",
            "foo ${ BAR} ${BAZ} ${CAR}",
            &[("CAR", "car")],
            Want::Missing(&["BAR", "BAZ"]),
        ),
        (
            "returns error when variable name contains regex metacharacters",
            "foo ${BA$R} ${BA_R}",
            &[("BA$R", "bar"), ("BA_R", "ba_r")],
            Want::ParseError,
        ),
    ];
    for (name, text, pairs, want) in cases {
        let got = process(text, &vars(pairs));
        match want {
            Want::Output(out) => assert_eq!(got.as_deref(), Ok(*out), "{name}"),
            Want::Missing(missing) => {
                let missing = missing.iter().map(|s| (*s).to_owned()).collect();
                assert_eq!(got, Err(TemplateError::MissingVariables(missing)), "{name}");
            }
            Want::ParseError => assert!(
                matches!(got, Err(TemplateError::Parse { .. })),
                "{name}: {got:?}"
            ),
        }
    }
}

#[test]
fn missing_variables_message() {
    let err = process("foo ${ BAR} ${BAZ} ${CAR}", &vars(&[("CAR", "car")])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "value for variables [BAR, BAZ] is not set. Please set the value using os environment \
         variables or the clusterctl config file"
    );
}

#[test]
fn generate_yaml() {
    let contents = "v1: ${VAR1:=default1}\nv2: ${VAR2=default2}\nv3: ${VAR3:-default3}";
    let processed = process(contents, &vars(&[]));
    assert_eq!(
        processed.as_deref(),
        Ok("v1: default1\nv2: default2\nv3: default3")
    );
    assert_eq!(
        names(contents),
        Ok(vec!["VAR1".into(), "VAR2".into(), "VAR3".into()])
    );
    assert_eq!(names("v1: foobar\nv2: bazfoo"), Ok(vec![]));
}
