package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// js renders v as JSON without HTML escaping.
func js(v interface{}) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSpace(buf.String())
}

// trickyStrings exercise go-yaml's resolver and the emitter's scalar analysis.
var trickyStrings = []string{
	// YAML 1.1 booleans and nulls, and near misses.
	"true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "yES",
	"no", "No", "NO", "y", "Y", "n", "N", "on", "On", "ON", "off", "Off", "OFF", "oN",
	"null", "Null", "NULL", "nULL", "~", "", "nil", "None",
	// Integers in every Go base syntax, underscores, signs, overflow.
	"0", "00", "-0", "+0", "012", "0644", "08", "09", "0x1F", "0X1f", "0x", "0o17", "0O17",
	"0o", "0b101", "0B101", "0b", "0b2", "0b-101", "0b+1", "-0b101", "-0b-1", "1_000",
	"1__0", "_1", "1_", "0_1", "+_1", "-_", "+1", "-1", "+-1", "--1",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"0x7FFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
	// Floats.
	"1.0", "-1.5", "1.", "5.", ".5", "+.5", "-.5", ".5e3", "._5", ".5_0", ".5_", ".",
	"1e3", "1E3", "1e+3", "1e-3", "1e", "1e400", "-1e400", "1e-400", "1_000.5", "1.5e3_0",
	"0x1p-2", ".inf", ".Inf", ".INF", "+.inf", "-.inf", ".iNf", ".nan", ".NaN", ".NAN",
	"inf", "Inf", "nan", "NaN", "Infinity", "-Infinity",
	// Timestamps (quoted on output) and near misses (plain).
	"2001-12-14", "2001-1-2", "2001-12-14T21:59:43.10-05:00", "2001-12-14t21:59:43.10Z",
	"2001-12-14 21:59:43.10", "2001-12-14   21:59:43", "2001-12-14 21:59:43,5",
	"2001-12-14T21:59:43", "2001-12-14T21:59:43Z", "2001-12-14T21:59:43z",
	"2001-12-14T21:59:43+0500", "2001-12-14T24:00:00Z", "2001-13-14", "2001-02-29",
	"2000-02-29", "1900-02-29", "2001-012-14", "20011-12-14", "2001-12-14 21:59:43.10 -5",
	"2001-12-14T21:59:43.1234567891234Z", "2001-12-14T21:59:43.Z", "2001-12-14T1:2:3Z",
	// Sexagesimal numbers (quoted on output).
	"12:30:45", "190:20:30", "1:2", "-1:59.5", "+1:2", "1:60", "12:", ":12", "1:2:3.4_5",
	"1_0:20", "a1:20",
	// Merge key and other oddities.
	"<<", "<", "=", "!!str", "!!", "&", "*",
	// Indicators at the start, inside and at the end.
	"-", "--", "---", "----", "--- a", "...", "....", "- a", "-a", "a -", "a - b",
	":", ": ", ": a", ":a", "a:", "a:b", "a: b", "a :b", "http://example.com/x?y=1#z",
	"?", "? a", "?a", "a?", "a ? b", "#", "#a", "a#", "a #b", "a# b", " #", "a\t#b",
	"*x", "&x", "!x", "%x", "@x", "`x", "x`", "{", "}", "[", "]", "{a}", "[a]", "a{b}",
	"a[b]", ",", "a,b", ", a", "|", "|a", "a|", ">", ">a", "'", "\"", "a'b", "a\"b",
	"'a'", "\"a\"", "\\", "a\\b", "\\n", "a\\", "a'", "'a", "it's", "say \"hi\"",
	// Spaces, tabs and line breaks.
	" ", "  ", " a", "a ", " a ", "a  b", "\t", "a\tb", "\ta", "a\t", " \t ",
	"\n", "\n\n", "\n\n\n", "a\n", "a\n\n", "a\n\n\n", "a\nb", "a\nb\n", "a\nb\n\n",
	"\na", "\na\n", "\n a", " a\nb", " a\nb\n", "a \nb", "a\n b", "a\n  b\n", "a\n\tb",
	"a\tb\nc", "a\n\nb", "a\n \nb", "a\r\nb", "a\rb", "\r", "\r\n", "a\r", "a\n\r\nb",
	"#!/bin/bash\nset -e\necho hi\n", "line one\nline two\n  indented\nlast",
	"- a\n- b\n", "key: value\nother: 1\n", "---\na: 1\n", "a\n---\nb\n", "a\n...\n",
	// Unicode line/paragraph separators and other special characters.
	"\u0085", "a\u0085b", "\u2028", "a\u2028b", "a\u2029b", "a\u2028b\nc", "\u00a0",
	"a\u00a0b", "\ufeff", "\ufeffab", "\ufeffa b", "a\ufeff", "\u0000", "a\u0000b",
	"\u0001", "\u0007", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f", "a\u007fb",
	"\u0080", "\u009f", "\u00a1", "é", "café", "日本語", "Ünïcödé key", "😀", "a😀b",
	"emoji 😀 in text", "😀\n😀", "\ud7ff", "\ue000", "\ufffd", "\uffff", "\U0010ffff",
	"a\u200bb", "\u2028\u2029", "ﬁ", "İ",
}

// longStrings exercise folding at the 80-column best width.
func longStrings() []string {
	words := strings.Repeat("lorem ipsum dolor sit amet ", 12)
	var out []string
	out = append(out,
		strings.TrimSpace(words),
		strings.Repeat("x", 200),
		strings.Repeat("ab ", 60)+"end",
		strings.Repeat("word  ", 30)+"end",
		strings.Repeat("word   ", 30)+"end",
		"*"+strings.TrimSpace(words),
		"\t"+strings.TrimSpace(words),
		strings.TrimSpace(words)+" ",
		" "+strings.TrimSpace(words),
		"'"+strings.TrimSpace(words),
		"\""+strings.TrimSpace(words),
		strings.TrimSpace(words)+"\n",
		strings.TrimSpace(words)+" \nnext",
		strings.Replace(strings.TrimSpace(words), " ", "\t", 5),
		strings.TrimSpace(words)+"\u0085",
		strings.Repeat("a: b ", 40),
		strings.Repeat("é ", 100),
		strings.Repeat("😀 ", 60),
		strings.Repeat("x", 79)+" "+strings.Repeat("y", 10),
		strings.Repeat("x", 80)+" "+strings.Repeat("y", 10),
		strings.Repeat("x", 81)+" "+strings.Repeat("y", 10),
		strings.Repeat("x", 82)+"  "+strings.Repeat("y", 10),
		strings.Repeat("x", 81)+" ",
		strings.Repeat("x", 81)+" y",
		strings.Repeat("x", 81)+"  y",
		"\ufeff"+strings.TrimSpace(words),
		"--- "+strings.TrimSpace(words),
		"a"+strings.Repeat(" ", 90)+"b",
		"#"+strings.Repeat(" #", 50),
		strings.Repeat("line with several words in it\n", 5),
		strings.Repeat("a very long line that goes past the eighty column limit of the emitter ", 3)+"\nshort\n",
	)
	for _, n := range []int{70, 75, 76, 77, 78, 79, 80, 81, 82, 83} {
		out = append(out, strings.Repeat("x", n)+" tail words here")
	}
	return out
}

// trickyKeys exercise the natural key order.
var trickyKeys = []string{
	"a", "b", "A", "B", "z", "Z", "_", "-", ".", "/", "0", "1", "2", "9", "10", "01", "001",
	"a1", "a2", "a10", "a01", "a001", "a0", "a00", "a000", "a1b", "a01b", "1a", "10a", "a_b",
	"a-b", "a.b", "a/b", "aB", "Ab", "ab", "é", "e", "f", "日", "本", "😀", "a😀", "x1y2",
	"x1y10", "x10y1", "x01y1", "v1", "v1beta1", "v1alpha2", "v2", "v10", "apiVersion",
	"kind", "metadata", "spec", "status", "data", "stringData", "app.kubernetes.io/name",
	"kubernetes.io/name", "cluster.x-k8s.io/provider", "~", "!", "#", "$", "%", "&", "*",
	"+", ":", "?", "@", "[", "^", "`", "{", "|", "}", "a:", "a ", " a", "", "0x1", "1.5",
	"1e3", "true", "null", "yes", "<<", "item9", "item10", "item100", "item09", "item010",
	"1.10", "1.9", "1.09", "0.0", "00.0", "a0b", "a00b", "a0c", "ä", "ß", "Ω", "ω", "١", "٢",
	"a١", "a٢", "x٣", "x3", "ǅ", "ʰ", "Ⅸ", "ⓐ", "\u0301", "e\u0301",
	"99999999999999999999", "999999999999999999999", "a99999999999999999999b",
}

func emitInputs() []string {
	var out []string
	add := func(v interface{}) { out = append(out, js(v)) }
	for _, s := range trickyStrings {
		add(s)
		add(map[string]interface{}{"k": s})
		add(map[string]interface{}{s: "v"})
		add([]interface{}{s})
		add(map[string]interface{}{"a": map[string]interface{}{"b": []interface{}{s, map[string]interface{}{"c": s}}}})
	}
	for _, s := range longStrings() {
		add(s)
		add(map[string]interface{}{"key": s})
		add(map[string]interface{}{"a": map[string]interface{}{"nested": map[string]interface{}{"deeper": s}}})
		add([]interface{}{s, []interface{}{s}})
		add(map[string]interface{}{"list": []interface{}{map[string]interface{}{"item": s}}})
		add(map[string]interface{}{s: "value"})
	}
	// Keys: all at once, and pairwise for a few neighbours.
	// go-yaml's key order is not transitive for some key sets (v2 < v10 < v1alpha2 < v2),
	// and Go then prints such maps in a random order; split the keys into maps whose
	// order is total.
	for _, group := range totalOrderGroups(trickyKeys) {
		m := map[string]interface{}{}
		for i, k := range group {
			m[k] = i
		}
		add(m)
	}
	for i := 0; i+1 < len(trickyKeys); i++ {
		add(map[string]interface{}{trickyKeys[i]: 1, trickyKeys[i+1]: 2})
	}
	// Keys around the 128-byte simple-key limit, and keys spanning lines.
	for _, n := range []int{127, 128, 129, 200} {
		add(map[string]interface{}{strings.Repeat("k", n): "v"})
		add(map[string]interface{}{strings.Repeat("k", n): map[string]interface{}{"a": 1}})
		add(map[string]interface{}{strings.Repeat("k", n): []interface{}{1, 2}})
	}
	add(map[string]interface{}{strings.Repeat("é", 64): "v", strings.Repeat("é", 65): "w"})
	add(map[string]interface{}{"multi\nline": "v", "x": 1})
	add(map[string]interface{}{"multi\nline\n": map[string]interface{}{"a": []interface{}{1}}})
	add(map[string]interface{}{"a\u2028b": "v"})
	add(map[string]interface{}{strings.Repeat("word ", 30): "v"})
	add(map[string]interface{}{"tab\tkey": []interface{}{}, "k": map[string]interface{}{}})
	// Numbers, written as JSON text so integer and float literals stay distinct.
	for _, n := range []string{
		"0", "-1", "1", "42", "1.5", "-2.25", "0.1", "0.5", "2.5", "100.0", "1.0", "-0.0",
		"-0", "3.14159", "1e21", "1e20", "1.5e19", "1e6", "1e-6", "1e-7", "0.000001",
		"0.0000001", "1234567.5", "123456.7", "1e100", "1.5e-10", "15000000000000000000",
		"9007199254740993", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "18446744073709551615", "18446744073709551616",
		"-9223372036854775809", "123456789012345678901234567890", "5e-324",
		"1.7976931348623157e308", "2.2250738585072014e-308", "0.30000000000000004",
		"123456789.123", "1e15", "1e16", "12345678901234567", "-1e19", "1e-5", "0.0001",
		"99999.99", "999999.9", "1000000.5",
	} {
		out = append(out, n, `{"n":`+n+`}`, `[`+n+`,[`+n+`]]`)
	}
	// Structure: empties, nesting, roots.
	for _, s := range []string{
		`null`, `true`, `false`, `[]`, `{}`, `[[]]`, `[{}]`, `[[[]]]`, `[[{}]]`, `{"a":[]}`,
		`{"a":{}}`, `{"a":[[]]}`, `{"a":[{}]}`, `{"a":{"b":{"c":{}}}}`, `{"a":{"b":[]}}`,
		`[null,true,false,0,"",[],{}]`, `{"a":null,"b":true,"c":""}`, `[[1,2],[3,[4,[5]]]]`,
		`[{"a":1,"b":[1,2]},{"c":{"d":[{"e":[]}]}}]`, `{"a":[[1,2],[3]]}`,
		`{"a":[{"b":1,"c":2},{"d":[{"e":{"f":[1]}}]}]}`, `[["a","b"],{"c":["d"]}]`,
		`{"list":[[{"a":1}],[{"b":[[]]}]]}`, `[{"a":{"b":{"c":[1,{"d":2}]}}}]`,
		`{"a":["x\ny","z"],"b":{"c":"line1\nline2\n"}}`, `[["x\ny"]]`, `["a\n","b\n\n"]`,
		`{"k":{"a\nb":1}}`, `[{"a\nb":[1]}]`, `{"a":[{"b":"c\n"}],"d":"e"}`,
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":{"a":"b"}},"data":{"script.sh":"#!/bin/sh\necho \"hello\"\n","empty":"","yes":"yes","n":"0644"}}`,
	} {
		out = append(out, s)
	}
	return out
}

type yamlInput struct {
	name string
	yaml string
}

func parseInputs() []yamlInput {
	cases := []yamlInput{
		{"simple", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
		{"no trailing newline", "a: 1\nb: 2"},
		{"two docs", "a: 1\n---\nb: 2\n"},
		{"leading separator", "---\na: 1\n"},
		{"trailing separator", "a: 1\n---\n"},
		{"separator with comment", "a: 1\n--- # next\nb: 2\n"},
		{"separator with spaces", "a: 1\n---   \nb: 2\n"},
		{"separator with text", "a: 1\n--- b: 2\n"},
		{"four dashes", "a: 1\n----\nb: 2\n"},
		{"separator literal", "--- |\n  text\n"},
		{"empty docs", "---\n---\na: 1\n---\n\n---\n# only a comment\n---\nb: 2\n"},
		{"null doc", "~\n---\na: 1\n"},
		{"null word doc", "null\n---\na: 1\n"},
		{"empty map doc", "{}\n---\na: 1\n"},
		{"empty stream", ""},
		{"only comments", "# hello\n# world\n"},
		{"sequence doc", "- a\n- b\n"},
		{"scalar doc", "hello\n"},
		{"second doc bad", "a: 1\n---\n- x\n"},
		{"third doc bad after empty", "a: 1\n---\n---\nb: 2\n---\n[1]\n"},
		{"syntax error", "a: 1\nb: [1, 2\n"},
		{"syntax error second doc", "a: 1\n---\nb: \"unterminated\n"},
		{"bad indentation", "a:\n  b: 1\n c: 2\n"},
		{"tab indentation", "a:\n\tb: 1\n"},
		{"crlf", "a: 1\r\nb:\r\n  - x\r\n  - y\r\n---\r\nc: \"q\r\n  r\"\r\n"},
		{"crlf literal", "a: |\r\n  line1\r\n  line2\r\n"},
		{"lone cr", "a: x\ry\n"},
		{"document end marker", "a: 1\n...\n"},
		{"yaml directive", "%YAML 1.1\n---\na: 1\n"},
		{"booleans", "a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: True\nh: FALSE\ni: yES\nj: 'yes'\n"},
		{"nulls", "a: ~\nb: null\nc:\nd: Null\ne: ''\nf: \"\"\ng: NULL\n"},
		{"ints", "a: 0644\nb: 0o644\nc: 0x1F\nd: 1_000\ne: -12\nf: +7\ng: 0b101\nh: 08\ni: 0\nj: -0\nk: 0b-101\n"},
		{"big ints", "a: 9007199254740993\nb: 12345678901234567890\nc: 9223372036854775807\nd: -9223372036854775808\ne: 18446744073709551616\nf: 123456789012345678901234567890\n"},
		{"floats", "a: 1.0\nb: 2.50\nc: 1e3\nd: .5\ne: -1.5e-7\nf: 1e20\ng: -1e19\nh: 1.5e21\ni: 0.1\nj: 3.14159\nk: 1234567.5\n"},
		{"inf", "a: .inf\n"},
		{"neg inf", "a: -.inf\n"},
		{"nan", "a: .nan\n"},
		{"strings", "a: 'single ''quoted'''\nb: \"double \\\"quoted\\\" \\u00e9 \\x41 \\U0001F600 \\t\"\nc: plain text here\nd: 2001-12-14\ne: 12:30:45\nf: <<\ng: \"0644\"\n"},
		{"multi-line plain", "a: this is\n  folded text\n\n  with a blank line\n"},
		{"literal blocks", "a: |\n  line1\n  line2\nb: |-\n  stripped\nc: |+\n  kept\n\nd: |2\n    indented\ne: >\n  folded\n  text\n\n  para\nf: >-\n  x\n  y\n"},
		{"literal trailing spaces", "a: |\n  line  \n  next\n"},
		{"literal leading blank", "a: |\n\n  after blank\n"},
		{"keys", "1: a\n1.5: b\ntrue: c\nyes: d\n0x10: e\n1e3: f\n0.1: g\n3.14159265358979: h\n123456789.0: i\n-1: j\n.inf: k\n-.inf: l\n.nan: m\n2001-12-14: n\n\"quoted\": o\n'0644': p\n0644: q\n"},
		{"float keys", "1e300: a\n-1e300: b\n1e-50: c\n-1e-50: d\n2.5e10: e\n1e6: f\n0.000123: g\n1.5e-7: h\n"},
		{"null key", "~: a\n"},
		{"empty key", ": a\n"},
		{"uint key", "18446744073709551615: a\n"},
		{"map key", "? {a: 1}\n: b\n"},
		{"seq key", "? [a]\n: b\n"},
		{"complex key", "? long key\n: value\n"},
		{"duplicate keys", "a: 1\nb: 2\na: 3\n"},
		{"anchors", "base: &b\n  x: 1\n  y: [1, 2]\nuse: *b\nlist:\n- &s scalar\n- *s\n"},
		{"alias key", "k: &k name\n*k : value\n"},
		{"merge", "base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3\n  z: 4\n"},
		{"merge after explicit", "base: &b\n  x: 1\n  y: 2\nderived:\n  y: 3\n  <<: *b\n"},
		{"merge list", "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 0\n"},
		{"merge inline", "c:\n  <<: {x: 1}\n  y: 2\n"},
		{"merge quoted", "c:\n  \"<<\": {x: 1}\n"},
		{"merge tagged", "c:\n  !!merge <<: {x: 1}\n"},
		{"merge scalar", "c:\n  <<: 1\n"},
		{"merge nested", "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc:\n  <<: *b\n"},
		{"recursive alias", "a: &a [*a]\n"},
		{"unknown alias", "a: *nope\n"},
		{"tags", "a: !!str 123\nb: !!int \"12\"\nc: !!float 1\nd: !!bool yes\ne: !!null ''\nf: !custom value\ng: ! 123\nh: !!str\ni: !!timestamp 2001-12-14\n"},
		{"tag mismatch", "a: !!int 1.5\n"},
		{"tag mismatch bool", "a: !!bool 1\n"},
		{"binary", "a: !!binary aGVsbG8=\nb: !!binary |\n  aGVs\n  bG8=\n"},
		{"binary invalid utf8", "a: !!binary /w==\n"},
		{"binary bad", "a: !!binary '!!!'\n"},
		{"flow", "a: {b: 1, c: [x, y, {d: e}]}\nf: [1, 2.5, true, null, \"s\"]\n"},
		{"nested lists", "a:\n- - 1\n  - 2\n- - 3\n- []\n- {}\nb:\n  - x: 1\n    y:\n    - z\n"},
		{"comments", "# top\na: 1 # trailing\n# between\nb: # after key\n  c: 2\n"},
		{"long line", "description: " + strings.Repeat("word ", 40) + "end\n"},
		{"unicode", "name: café\nemoji: 😀\nkey ü: wert\n"},
		{"special strings", "a: '*x'\nb: '&x'\nc: '- a'\nd: ': '\ne: ' lead'\nf: 'trail '\ng: \"tab\\tin\"\nh: \"nl\\nin\"\ni: \"\\u0085\"\n"},
		{"control escape", "a: \"\\x7f\"\n"},
		{"deep nesting", strings.Repeat("[", 50) + strings.Repeat("]", 50) + "\n"},
		{"deep nesting map", "a: " + strings.Repeat("[", 50) + strings.Repeat("]", 50) + "\n"},
		{"k8s deployment", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: capi-controller-manager
  namespace: capi-system
  labels:
    cluster.x-k8s.io/provider: cluster-api
spec:
  replicas: 1
  selector:
    matchLabels:
      control-plane: controller-manager
  template:
    metadata:
      labels:
        control-plane: controller-manager
    spec:
      containers:
      - args:
        - --leader-elect
        - --diagnostics-address=${CAPI_DIAGNOSTICS_ADDRESS:=:8443}
        - "--feature-gates=MachinePool=${EXP_MACHINE_POOL:=true}"
        command:
        - /manager
        image: registry.k8s.io/cluster-api/cluster-api-controller:v1.13.5
        ports:
        - containerPort: 9443
          name: webhook-server
          protocol: TCP
        resources: {}
      terminationGracePeriodSeconds: 10
      tolerations:
      - effect: NoSchedule
        key: node-role.kubernetes.io/master
`},
		{"configmap script", "apiVersion: v1\nkind: ConfigMap\ndata:\n  run.sh: |\n    #!/bin/bash\n    set -euo pipefail\n\n    for i in 1 2 3; do\n    \techo \"$i\"  \n    done\n  mode: \"0644\"\n  flag: \"true\"\n"},
	}
	return cases
}

func joinInputs() [][]string {
	return [][]string{
		{},
		{""},
		{"a: 1\n"},
		{"a: 1\n", "b: 2\n"},
		{"a: 1", "b: 2"},
		{"\na: 1\n", "\nb: 2\n"},
		{"a: 1\n\n", "b: 2\n"},
		{"x\n", "y\n", "z\n"},
		{"{}\n", "{}\n"},
		{"{}\n", "a: 1\n"},
		{"a: 1\n", "{}\n"},
		{"{}\n", "abcdefgh: 1\n"},
		{"---\n", "a\n"},
		{"", ""},
		{"\n", "\n"},
		{fmt.Sprintf("%s\n", strings.Repeat("k: v\n", 3)), "long: document\nwith: keys\n"},
	}
}
