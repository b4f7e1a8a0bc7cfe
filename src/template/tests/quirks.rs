//! Upstream behaviour that surprises, kept on purpose, and the few answers capictl defines
//! where upstream has none.

use super::{describe, eval, parse_error, vars};
use crate::template::{SyntaxError, Template, TemplateError, process};

#[test]
fn forms_that_parse_oddly() {
    let cases: &[(&str, Option<&str>)] = &[
        ("${A-x}", Some("missing closing brace")),
        ("${A+x}", Some("missing closing brace")),
        ("${A?}", Some("missing closing brace")),
        ("${BA$R}", Some("missing closing brace")),
        ("${A", Some("missing closing brace")),
        ("${", Some("unable to parse variable name")),
        ("${}", Some("unable to parse variable name")),
        ("${ A B }", Some("unable to parse variable name")),
        ("${Ⅸ}", Some("unable to parse variable name")),
        (
            "${A#}",
            Some("unable to parse substitution within function"),
        ),
        (
            "${A=x",
            Some("unable to parse substitution within function"),
        ),
        ("${#}", Some("bad substitution")),
        ("${#A:1}", Some("bad substitution")),
        ("${A^x}", Some("bad substitution")),
        ("${A:1:2:3}", None),
        // A multi-byte character after `:` makes the scanner step back too far.
        ("${A:é}", Some("bad substitution")),
        ("${A:e}", None),
        ("${é}", None),
        ("${٣}", None),
    ];
    for (text, want) in cases {
        assert_eq!(parse_error(text).as_deref(), *want, "{text:?}");
    }
}

#[test]
fn operators_that_behave_oddly() {
    let abc = [("A", "abcABCabc"), ("P", "é/é")];
    let cases: &[(&str, &str)] = &[
        // `:?` and `:+` are defaults too.
        ("${A:+x} ${Q:+x} ${Q:?y}", "abcABCabc x y"),
        // Anchored replacements need a replacement: these change nothing.
        ("${A/#abc/}", "abcABCabc"),
        ("${A/%abc/}", "abcABCabc"),
        ("${A/abc/}", "ABCabc"),
        // Suffix trims reverse the pattern, so classes break and leave the value alone.
        ("${A%[a-c]}", "abcABCabc"),
        ("${A#[a-c]}", "bcABCabc"),
        // `*` matches `/`.
        ("${P#*/}", "é"),
        // Mixed case operators parse and do nothing.
        ("${A,^}${A^,}", "abcABCabcabcABCabc"),
        // Empty patterns match before every character.
        ("${A//${Q}/-}", "-a-b-c-A-B-C-a-b-c-"),
        // Unparsable offsets leave the value whole.
        ("${A: -3}", "abcABCabc"),
        ("${A:x:1}", "abcABCabc"),
    ];
    for (text, want) in cases {
        assert_eq!(eval(text, &abc), *want, "{text:?}");
    }
}

#[test]
fn byte_offsets_split_characters() {
    let set = [("V", "héllo"), ("E", "é")];
    let cases: &[(&str, &str)] = &[
        ("${#V}", "6"),
        ("${V:1:1}", "\u{FFFD}"),
        ("${V:2}", "\u{FFFD}llo"),
        ("${V:1:2}", "é"),
        ("${E#?}", "\u{FFFD}"),
        ("${E%?}", "\u{FFFD}"),
        ("${V:2:1}", "\u{FFFD}"),
        // A partial character from one operator can complete another's pattern.
        ("${V/${E:0:1}/x}", "hx\u{FFFD}llo"),
    ];
    for (text, want) in cases {
        assert_eq!(eval(text, &set), *want, "{text:?}");
    }
}

#[test]
fn negative_lengths_give_empty_text() {
    // Upstream slices out of bounds and panics on these.
    let set = [("A", "abcdef"), ("L", "-1"), ("H", "9223372036854775807")];
    for text in ["${A:1:${L}}", "${A:0:-5}", "${A:1:${H}}", "${A:3:-1}"] {
        assert_eq!(eval(text, &set), "", "{text:?}");
    }
    assert_eq!(eval("${A:1:${L}}x${A:2:2}", &set), "xcd");
}

#[test]
fn nul_ends_the_input() {
    assert_eq!(eval("a\0${A}", &[("A", "x")]), "a");
    assert_eq!(
        parse_error("${A\0}").as_deref(),
        Some("missing closing brace")
    );
    assert_eq!(
        parse_error("${A=\0}").as_deref(),
        Some("unable to parse substitution within function")
    );
}

#[test]
fn escapes() {
    let set = [("A", "x"), ("B", "a/b\\c"), ("D", "a$$b")];
    let cases: &[(&str, &str)] = &[
        ("$A $$ $$$ $${A} $$${A}", "$A $ $$ ${A} $x"),
        ("$${v=${A}}", "${v=x}"),
        (r"${B/\//-}", "a-b\\c"),
        (r"${B/\\/-}", "a/b-c"),
        // `$$` is an escape inside replace arguments too, but not inside defaults.
        ("${D/$$/-}${Q=$$}", "a-$b$$"),
    ];
    for (text, want) in cases {
        assert_eq!(eval(text, &set), *want, "{text:?}");
    }
}

#[test]
fn variables_and_requiredness() {
    let template = Template::parse("${A=} ${B:0:3} ${#C} ${D^^} ${E:=${F}} ${G/x/y} ${E}").unwrap();
    let listed: Vec<(String, Option<String>)> = template
        .variables()
        .into_iter()
        .map(|v| (v.name, v.default))
        .collect();
    let want = [
        ("A", None),
        ("B", Some("03")),
        ("C", None),
        ("D", None),
        ("E", Some("${F}")),
        ("G", Some("xy")),
    ];
    let want: Vec<(String, Option<String>)> = want
        .iter()
        .map(|(n, d)| ((*n).to_owned(), d.map(str::to_owned)))
        .collect();
    assert_eq!(listed, want);
    let missing = process("${A=} ${C:=x}", &vars(&[("C", "")]));
    assert_eq!(
        missing,
        Err(TemplateError::MissingVariables(vec!["A".into()]))
    );
    assert_eq!(process("${A}", &vars(&[("A", "")])), Ok(String::new()));
}

#[test]
fn parse_errors_point_at_the_expression() {
    let err = Template::parse("kind: x\nname: ${ NAME }\nns: ${NS-default}\n").unwrap_err();
    assert_eq!(
        err,
        TemplateError::Parse {
            error: SyntaxError::MissingClosingBrace,
            line: 3,
            column: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "missing closing brace in the expression starting at line 3, column 5"
    );
    let err = Template::parse("é $$ ${  A  } ${B:é}").unwrap_err();
    assert_eq!(
        err,
        TemplateError::Parse {
            error: SyntaxError::BadSubstitution,
            line: 1,
            column: 15
        }
    );
}

#[test]
fn nesting_is_bounded() {
    let deep = |n: usize| format!("{}x{}", "${A=".repeat(n), "}".repeat(n));
    assert!(Template::parse(&deep(64)).is_ok());
    let err = Template::parse(&deep(65)).unwrap_err();
    assert!(
        matches!(
            err,
            TemplateError::Parse {
                error: SyntaxError::TooDeep,
                line: 1,
                column: 1
            }
        ),
        "{err:?}"
    );
    let wide = "${A} ".repeat(50_000);
    assert_eq!(Template::parse(&wide).map(|t| t.variables().len()), Ok(1));
}

#[test]
fn legacy_spacing_applies_inside_defaults() {
    let template = Template::parse("${Q=${ A }}").unwrap();
    assert_eq!(describe(&template), "{Q = {A}}");
}
