package main

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// The grammar's pieces. Names include letters Go accepts and look-alikes it
// rejects (Ⅸ is a letter number, ² an other number, \u0301 a combining mark).
var (
	names    = []string{"A", "B", "C", "é", "Ä1", "_x", "9", "ǅ", "日"}
	badNames = []string{"Ⅸ", "²", "e\u0301", "", "A$"}
	ops      = []string{"", "=", ":=", ":-", ":?", ":+", ",", ",,", "^", "^^", ",^", ":", "#", "##", "%", "%%", "/", "//", "/#", "/%"}
	badOps   = []string{"-", "+", "?", ".", "::"}
	pieces   = []string{
		"a", "b", "x y", " ", "\n", "\t", "$", "$$", "{", "}", "\\", `\\`, `\/`, "/", ":", "-", "é", "日本", "😀",
		"#", "%", "*", "?", "[", "]", "[a-c]", "[^a]", "^", ",", "=", "+", "$A", "${", "0", "1", "2", "-1", "-3",
		" 1", "17", "ß", "\x00", "€",
	}
	// soup is the alphabet of unstructured templates, dense in the grammar's punctuation.
	soup = []string{
		"$", "{", "}", "${", "$$", ":", "=", "-", "+", "?", "#", "%", "/", "\\", ",", "^", "*", "[", "]", "A",
		"B", "é", "€", "😀", "0", "1", "-1", " ", "\n", "\x00", "x", "${A", "${B:", "${é",
	}
	values = []string{
		"", "abc", "abcABC123ABCabc", "bash.string.txt", "/path/to/file", "héllo", "日本語", "ß", "ǅǆ", "İı",
		"ﬀ", "ẞ", "😀x", "1", "2", "-1", "x/y/z", `a\b`, "*", "[a-c]", "${A}", "$$", "ΣΑΣ", "\x00z", "Ⅸ", "ǰ",
		"a.b.c", "aaa", "é/é", "ÀÉÎ", "\u0345",
	}
)

type generator struct{ r *rand.Rand }

func pick(r *rand.Rand, from []string) string { return from[r.IntN(len(from))] }

// pickMostly picks from common, and from rare one time in ten.
func pickMostly(r *rand.Rand, common, rare []string) string {
	if r.IntN(10) == 0 {
		return pick(r, rare)
	}
	return pick(r, common)
}

func randomCases(n int, seed uint64) []testCase {
	g := generator{r: rand.New(rand.NewPCG(seed, 179042472))}
	cases := make([]testCase, 0, n)
	for range n {
		cases = append(cases, testCase{template: g.template(), vars: g.vars()})
	}
	return cases
}

func (g generator) vars() map[string]string {
	vars := map[string]string{}
	for _, name := range names {
		if g.r.IntN(10) < 6 {
			vars[name] = pick(g.r, values)
		}
	}
	return vars
}

func (g generator) template() string {
	if g.r.IntN(5) == 0 {
		return g.soup()
	}
	var b strings.Builder
	for range 1 + g.r.IntN(4) {
		if g.r.IntN(3) == 0 {
			b.WriteString(pick(g.r, pieces))
		} else {
			b.WriteString(g.expr(0))
		}
	}
	s := b.String()
	for g.r.IntN(6) == 0 {
		s = g.mutate(s)
	}
	return s
}

// soup strings together punctuation with no regard for the grammar.
func (g generator) soup() string {
	var b strings.Builder
	for range 1 + g.r.IntN(24) {
		b.WriteString(pick(g.r, soup))
	}
	return b.String()
}

// expr builds one ${...} expression whose arguments fit its operator.
func (g generator) expr(depth int) string {
	var b strings.Builder
	b.WriteString("${")
	if g.r.IntN(12) == 0 {
		b.WriteString("#")
	}
	if g.r.IntN(10) == 0 {
		b.WriteString(" ")
	}
	b.WriteString(pickMostly(g.r, names, badNames))
	op := pickMostly(g.r, ops, badOps)
	b.WriteString(op)
	switch op {
	case ":", "::":
		b.WriteString(g.arg(depth))
		if g.r.IntN(2) == 0 {
			b.WriteString(":")
			b.WriteString(g.arg(depth))
		}
	case "/", "//", "/#", "/%":
		b.WriteString(g.arg(depth))
		if g.r.IntN(5) != 0 {
			b.WriteString("/")
			if g.r.IntN(4) != 0 {
				b.WriteString(g.arg(depth))
			}
		}
	case "=", ":=", ":-", ":?", ":+", "-", "+", "?", "#", "##", "%", "%%":
		for range g.r.IntN(3) {
			b.WriteString(g.arg(depth))
		}
	}
	if g.r.IntN(10) == 0 {
		b.WriteString(" ")
	}
	if g.r.IntN(30) != 0 {
		b.WriteString("}")
	}
	return b.String()
}

func (g generator) arg(depth int) string {
	if depth < 3 && g.r.IntN(4) == 0 {
		return g.expr(depth + 1)
	}
	s := pick(g.r, pieces)
	if g.r.IntN(3) == 0 {
		s += pick(g.r, pieces)
	}
	return s
}

// mutate deletes, inserts or duplicates a little text, on rune boundaries.
func (g generator) mutate(s string) string {
	var cuts []int
	for i := range s {
		cuts = append(cuts, i)
	}
	cuts = append(cuts, len(s))
	at := cuts[g.r.IntN(len(cuts))]
	switch g.r.IntN(3) {
	case 0:
		if at < len(s) {
			_, w := utf8.DecodeRuneInString(s[at:])
			return s[:at] + s[at+w:]
		}
		return s
	case 1:
		return s[:at] + pick(g.r, []string{"$", "{", "}", ":", "/", "\\", "é", "\x00", "${", " ", "#", "%"}) + s[at:]
	default:
		end := cuts[g.r.IntN(len(cuts))]
		if end < at {
			at, end = end, at
		}
		return s[:end] + s[at:end] + s[end:]
	}
}
