//! drone/envsubst's tables (`eval_test.go`, `funcs_test.go`, `parse/parse_test.go` at
//! 179042472c46), run through the public API.

use super::{Pairs, describe, eval};
use crate::template::Template;

#[test]
fn expand() {
    const Z: &str = "abcABC123ABCabc";
    let cases: &[(Pairs, &str, &str)] = &[
        (&[], "abcdEFGH28ij", "abcdEFGH28ij"),
        (&[("var01", "abcdEFGH28ij")], "${#var01}", "12"),
        (&[("var01", "abcdEFGH28ij")], "${var01^}", "AbcdEFGH28ij"),
        (&[("var01", "abcdEFGH28ij")], "${var01^^}", "ABCDEFGH28IJ"),
        (&[("var01", "ABCDEFGH28IJ")], "${var01,}", "aBCDEFGH28IJ"),
        (&[("var01", "ABCDEFGH28IJ")], "${var01,,}", "abcdefgh28ij"),
        (
            &[("path_name", "/home/bozo/ideas/thoughts.for.today")],
            "${path_name:11}",
            "ideas/thoughts.for.today",
        ),
        (
            &[("path_name", "/home/bozo/ideas/thoughts.for.today")],
            "${path_name:11:5}",
            "ideas",
        ),
        (&[("var", "abc")], "${var=xyz}", "abc"),
        (&[], "${var=xyz}", "xyz"),
        (
            &[("default_var", "foo")],
            "something ${var=${default_var}}",
            "something foo",
        ),
        (
            &[("default_var", "foo1")],
            "foo: ${var=${default_var}-suffix}",
            "foo: foo1-suffix",
        ),
        (
            &[("default_var", "foo1")],
            "foo: ${var=prefix${default_var}-suffix}",
            "foo: prefixfoo1-suffix",
        ),
        (&[], "${var:=xyz}", "xyz"),
        (&[("stringZ", Z)], "${stringZ/%abc/XYZ}", "abcABC123ABCXYZ"),
        (&[("stringZ", Z)], "${stringZ/#abc/XYZ}", "XYZABC123ABCabc"),
        (&[("stringZ", Z)], "${stringZ//abc/xyz}", "xyzABC123ABCxyz"),
        (&[("stringZ", Z)], "${stringZ/abc/xyz}", "xyzABC123ABCabc"),
        (
            &[("filename", "bash.string.txt")],
            "${filename#*.}",
            "string.txt",
        ),
        (&[("filename", "path/to/file")], "${filename#*/}", "to/file"),
        (
            &[("filename", "/path/to/file")],
            "${filename#*/}",
            "path/to/file",
        ),
        (&[("filename", "bash.string.txt")], "${filename##*.}", "txt"),
        (&[("filename", "path/to/file")], "${filename##*/}", "file"),
        (&[("filename", "/path/to/file")], "${filename##*/}", "file"),
        (
            &[("filename", "bash.string.txt")],
            "${filename%.*}",
            "bash.string",
        ),
        (
            &[("filename", "bash.string.txt")],
            "${filename%%.*}",
            "bash",
        ),
        (
            &[("var01", "abcdEFGH28ij")],
            "${var=${var01^^}}",
            "ABCDEFGH28IJ",
        ),
        (&[("var01", "abcdEFGH28ij")], "$${var01}", "${var01}"),
        (
            &[("var01", "abcdEFGH28ij")],
            "some text ${var01}$${var$${var01}$var01${var01}",
            "some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij",
        ),
        (
            &[("default_var", "foo")],
            "something $${var=${default_var}}",
            "something ${var=foo}",
        ),
        (&[("stringZ", "foo/bar")], r"${stringZ/\//-}", "foo-bar"),
        (
            &[("stringZ", "foo/bar/baz")],
            r"${stringZ//\//-}",
            "foo-bar-baz",
        ),
        (
            &[("default_var", "foo")],
            "\\\\something ${var=${default_var}}",
            "\\\\something foo",
        ),
        (&[("stringZ", "foo.bar")], "${stringZ/./}", "foobar"),
    ];
    for (pairs, input, output) in cases {
        assert_eq!(eval(input, pairs), *output, "{input}");
    }
}

/// `funcs_test.go` calls the operator functions directly; here each call is spelled as the
/// template that reaches it.
#[test]
fn functions() {
    let digits = "123456789123456789";
    let cases: &[(&str, &str, &str)] = &[
        ("Hello World", "${V^^}", "HELLO WORLD"),
        ("Hello World", "${#V}", "11"),
        ("Hello World", "${V,,}", "hello world"),
        ("HELLO WORLD", "${V,}", "hELLO WORLD"),
        ("", "${V,}", ""),
        ("hello world", "${V^}", "Hello world"),
        ("", "${V^}", ""),
        ("Hello World", "${V=Hola Mundo}", "Hello World"),
        ("", "${V=Hola Mundo}", "Hola Mundo"),
        (
            "",
            "${V=Hola Mundo${E}-Bonjour le monde${E}-Halló heimur}",
            "Hola Mundo-Bonjour le monde-Halló heimur",
        ),
        (digits, "${V:0:8}", "12345678"),
        (digits, "${V:1:8}", "23456789"),
        (digits, "${V:9}", "123456789"),
        (digits, "${V:9:50}", "123456789"),
        (digits, "${V:-3:2}", digits),
        (digits, "${V: -3:2}", digits),
        ("12345678", "${V:9:1}", ""),
    ];
    for (value, input, output) in cases {
        assert_eq!(
            eval(input, &[("V", value)]),
            *output,
            "{input} with V={value:?}"
        );
    }
    // Negative offsets cannot be written as `:-n` (that is a default), but a nested
    // expression can supply them, which is how funcs_test.go's negative cases arise.
    assert_eq!(eval("${V:${P}:2}", &[("V", digits), ("P", "-3")]), "78");
    assert_eq!(eval("${V:${P}:3}", &[("V", digits), ("P", "-300")]), "123");
}

#[test]
fn parse_trees() {
    let cases: &[(&str, &str)] = &[
        ("text", r#""text""#),
        ("}text", r#""}text""#),
        ("http://github.com", r#""http://github.com""#),
        ("$${string}", r#""${string}""#),
        ("$$string", r#""$string""#),
        (r"\\.\pipe\pipename", r#""\\\\.\\pipe\\pipename""#),
        ("${string}", "{string}"),
        ("${string,}", "{string ,}"),
        ("${string,,}", "{string ,,}"),
        ("${string^}", "{string ^}"),
        ("${string^^}", "{string ^^}"),
        ("${string:position}", r#"{string : "position"}"#),
        (
            "${string:position:length}",
            r#"{string : "position" "length"}"#,
        ),
        ("${string#substring}", r##"{string # "substring"}"##),
        ("${string##substring}", r##"{string ## "substring"}"##),
        ("${string%substring}", r#"{string % "substring"}"#),
        ("${string%%substring}", r#"{string %% "substring"}"#),
        (
            "${string/substring/replacement}",
            r#"{string / "substring" "replacement"}"#,
        ),
        (
            "${string//substring/replacement}",
            r#"{string // "substring" "replacement"}"#,
        ),
        (
            "${string/#substring/replacement}",
            r##"{string /# "substring" "replacement"}"##,
        ),
        (
            "${string/%substring/replacement}",
            r#"{string /% "substring" "replacement"}"#,
        ),
        ("${string=default}", r#"{string = "default"}"#),
        ("${string:=default}", r#"{string := "default"}"#),
        ("${string:-default}", r#"{string :- "default"}"#),
        ("${string:?default}", r#"{string :? "default"}"#),
        ("${string:+default}", r#"{string :+ "default"}"#),
        ("${#string}", "{#string}"),
        ("${string#$%:*{}", r##"{string # "$%:*{"}"##),
        ("hello ${#string} world", r#""hello " {#string} " world""#),
        (
            r"\\ hello ${#string} world \\",
            r#""\\\\ hello " {#string} " world \\\\""#,
        ),
        (
            r"${string/\/position/length}",
            r#"{string / "/position" "length"}"#,
        ),
        (
            r"${string/\/position\\/length}",
            r#"{string / "/position\\" "length"}"#,
        ),
        (
            r"${string/position/\/length}",
            r#"{string / "position" "/length"}"#,
        ),
        (
            r"${string/position/\/length\\}",
            r#"{string / "position" "/length\\"}"#,
        ),
        (
            r"${string/position/\/leng\\th}",
            r#"{string / "position" "/leng\\th"}"#,
        ),
        ("${string:${position}}", "{string : {position}}"),
        (
            "${string:${stringy:position:length}:${stringz,,}}",
            r#"{string : {stringy : "position" "length"} {stringz ,,}}"#,
        ),
        ("${string#${stringz}}", "{string # {stringz}}"),
        ("${string=${stringz}}", "{string = {stringz}}"),
        ("${string=prefix-${var}}", r#"{string = "prefix-" {var}}"#),
        ("${string=${var}-suffix}", r#"{string = {var} "-suffix"}"#),
        (
            "${string=prefix-${var}-suffix}",
            r#"{string = "prefix-" {var} "-suffix"}"#,
        ),
        (
            "${string=prefix${var} suffix}",
            r#"{string = "prefix" {var} " suffix"}"#,
        ),
        (
            "${string//${stringy}/${stringz}}",
            "{string // {stringy} {stringz}}",
        ),
    ];
    for (text, want) in cases {
        let template = Template::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_eq!(describe(&template), *want, "{text}");
    }
}
