package main

// richVars sets most of the names the hand-written templates use, with values
// chosen to exercise byte offsets, case mapping, globs and escapes.
var richVars = map[string]string{
	"A":           "abcABC123ABCabc",
	"B":           "",
	"C":           "héllo wörld",
	"D":           "/path/to/file.tar.gz",
	"E":           "ß日本😀",
	"G":           "İstanbul ǅ ΣΑΣ ﬀ",
	"N":           "3",
	"M":           "-2",
	"P":           "*",
	"X":           "${A}",
	"Y":           "$$",
	"Z":           `a\b/c`,
	"é":           "accent",
	"Ä1":          "umlaut",
	"_":           "underscore",
	"1":           "digit",
	"٣":           "arabic digit",
	"BA$R":        "never reachable",
	"BAR":         "bar",
	"DEF":         "football",
	"var01":       "abcdEFGH28ij",
	"default_var": "foo",
	"stringZ":     "abcABC123ABCabc",
	"filename":    "bash.string.txt",
	"path_name":   "/home/bozo/ideas/thoughts.for.today",
}

// handTemplates are the hand-written tricky cases; each runs with richVars
// and with no variables set.
var handTemplates = []string{
	// plain text and escapes
	"", "plain text", "$", "$$", "$$$", "$$$$", "$A", "$A$B", "$${A}", "$$${A}", "$$$${A}",
	"a$$b", "a$b", "}", "{}", "${A}}", "a\\b", `\\.\pipe\pipename`, `\\ foo ${A}`, "http://github.com",
	"$${var=${A}}", "some text ${A}$${var$${A}$var01${A}", "x$${A", "$${", "$", "$\n", "$ {A}",
	// simple references and unterminated forms
	"${A}", "${B}", "${Q}", "${A", "${", "${}", "${ }", "${A B}", "${A.B}", "${A-B}", "${BA$R}",
	"yaml with ${BA$R}\n${FOO}", "${A}${B}${C}", "${A}\n${B}\n${A}", "${A\n}", "${-}", "${$}",
	// legacy spacing
	"${ A }", "${ A}", "${A }", "${\tA\n}", "${ A B }", "${ $A }", "${ A:=x }", "$${ A }",
	"foo ${ BAR }, ${BAR }, ${ BAR}", "${ BA$R }", "${Q=${ A }}", "${  A  }", "${ A }${ B }",
	"${\u00a0A}", "${\vA}", "${ é }", "${${ A }", "${ A }}",
	// names
	"${é}", "${Ä1}", "${_}", "${1}", "${٣}", "${²}", "${Ⅸ}", "${ǅ}", "${ª}", "${e\u0301}", "${日本}",
	"${A_1_é}", "${😀}",
	// defaults
	"${A=}", "${A=x}", "${B=x}", "${Q=x}", "${Q:=x}", "${Q:-x}", "${Q:?x}", "${Q:+x}", "${A:?x}",
	"${A:+x}", "${B:+x}", "${Q-x}", "${Q+x}", "${Q?}", "${Q?x}", "${Q=${A}}", "${Q:=pre${A}post}",
	"${Q:=${Q2:=${A}}}", "${Q=a}b}", "${Q=a{b}", "${Q=$$}", "${Q=$}", "${Q=\\}}", "${Q=${A:1:2}}",
	"${Q=${#A}}", "${Q=${A", "${Q=", "${Q:=", "${Q:", "${Q=${}", "${Q=${Q2=${Q3=${A}}}}",
	"${Q==}", "${Q=:}", "${Q:==x}", "${Q:-}", "${E=\"\"}", "${D:=${A}}",
	"foo ${BAR=default_bar} ${BAZ:=default_baz} ${CAR=default_car} ${CAZ:-default_caz}",
	"v1: ${VAR1:=default1}\nv2: ${VAR2=default2}\nv3: ${VAR3:-default3}",
	"${A:=x} ${A}", "${A} ${A:=x}", "${Q:=x} ${Q}", "${Q} ${Q:=x}",
	// length and case
	"${#A}", "${#C}", "${#E}", "${#Q}", "${#}", "${##A}", "${#A:1}", "${#A}}", "${#A", "${#é}",
	"${A^}", "${A^^}", "${A,}", "${A,,}", "${C^^}", "${C^}", "${E^^}", "${E^}", "${G,,}", "${G^^}",
	"${G^}", "${G,}", "${A,^}", "${A^,}", "${A^^^}", "${A,,,}", "${A^x}", "${Q^^}",
	// substrings
	"${A:0}", "${A:1}", "${A:100}", "${A:-3}", "${A: -3}", "${A:x}", "${A:1:3}", "${A:1:100}",
	"${A:1:-1}", "${A:0:-20}", "${A:5:-2}", "${A:0:0}", "${A:3:0}", "${A:-1:2}", "${A: -3:2}",
	"${C:1}", "${C:2}", "${C:1:1}", "${C:2:1}", "${E:1}", "${E:2:3}", "${E:3}", "${A:${N}}",
	"${A:${N}:${N}}", "${A:${M}}", "${A:1::2}", "${A:1:2:3}", "${A:é}", "${A:€}", "${é:€}",
	"${éa:€}", "${A:😀}", "${A:}", "${A::}", "${A:1:}", "${A:+1}", "${A:01:02}",
	"${A:9223372036854775807}", "${A:9223372036854775808}", "${A:1:9223372036854775807}",
	"${A:-9223372036854775808}", "${A: -9223372036854775808:1}", "${Q:1}", "${Q:1:2}",
	"${A:1${N}}", "${A:${N}1}", "${A:1}}",
	// prefix and suffix removal
	"${A#a}", "${A##*b}", "${A#*b}", "${A%c}", "${A%%c*}", "${A%c*}", "${D#*/}", "${D##*/}",
	"${D%.*}", "${D%%.*}", "${D%/*}", "${D%%/*}", "${A#}", "${A##}", "${A###}", "${A#[a-c]}",
	"${A%[a-c]}", "${A#[}", "${A#\\}", "${A#?}", "${C#?}", "${C#??}", "${C%?}", "${E#?}",
	"${E%?}", "${A#${P}}", "${A%%${P}}", "${A#[^a]}", "${A#[!a]}", "${A#a*c}", "${A%a*c}",
	"${A#*}", "${A##*}", "${A%*}", "${A%%*}", "${A#\\a}", "${A#[\\a]}", "${A#[a-]}",
	"${A#[]a]}", "${A#[a}", "${A#a*B*1}", "${A##a*B*1}", "${D#/*/}", "${Q#x}", "${A%%C*c}",
	"${A#$}", "${A#$$}", "${A#{}", "${filename#*.}", "${filename##*.}", "${filename%.*}",
	"${filename%%.*}", "${A#é}", "${C#h?}", "${C#h[é]}", "${C%[ö]rld}", "${C%%?}",
	// replacement
	"${A/a/x}", "${A//a/x}", "${A/#a/x}", "${A/%c/x}", "${A/#a/}", "${A/%c/}", "${A/a/}",
	"${A//a}", "${A/a}", "${A/}", "${A//}", "${A///}", "${A/\\//x}", "${D//\\//-}",
	`${D//\\\\/x}`, `${Z//\\\\/x}`, `${Z//\\//x}`, `${Z/\\b/x}`, "${A/a//x}", "${A/${Q}/x}",
	"${A//${Q}/x}", "${C//${Q}/-}", "${E//${Q}/-}", "${A/$$/x}", "${X/$$/x}", "${A//a/$$}",
	"${A/a/x/y}", "${A/a/x}}", "${A//[a-c]/x}", "${A//*/x}", "${A/#abc/X}", "${A/%abc/X}",
	"${A/#/X}", "${A/%/X}", "${A/${N}/x}", "${A//${B}/-}", "${stringZ/\\//-}", "${A/a/${C}}",
	"${Q//a/x}", "${A/é/x}", "${C/é/e}", "${C//ö/oe}", "${A/a/\\}", "${A/a/\\\\}",
	// the upstream examples
	"something ${var=${default_var}}", "foo: ${var=${default_var}-suffix}",
	"foo: ${var=prefix${default_var}-suffix}", "${path_name:11}", "${path_name:11:5}",
	"${stringZ/%abc/XYZ}", "${stringZ/#abc/XYZ}", "${stringZ//abc/xyz}", "${stringZ/abc/xyz}",
	"${var=${var01^^}}", "${string#$%:*{}", "hello ${#string} world",
	// NUL behaves like the end of the input
	"a\x00b", "${A\x00}", "${A=\x00}", "\x00${A}", "${A:\x00}", "${A}\x00${B}", "$\x00", "$$\x00",
	"${A/\x00/x}", "${A#\x00}",
	// a YAML-shaped template
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${CLUSTER_NAME:=demo}\n  namespace: ${NAMESPACE}\ndata:\n  count: \"${WORKER_MACHINE_COUNT:-3}\"\n  url: ${ URL }\n  image: ${REGISTRY:=k8s.gcr.io}/pause:${TAG=3.9}\n",
}

func handCases() []testCase {
	var cases []testCase
	for _, t := range handTemplates {
		cases = append(cases, testCase{template: t, vars: richVars}, testCase{template: t})
	}
	return cases
}
