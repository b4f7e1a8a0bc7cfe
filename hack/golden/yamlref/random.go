package main

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
)

// randomInputs returns n JSON values from a fixed seed, so the golden file also holds
// shapes nobody thought of. Floats keep at most 15 significant digits and moderate
// exponents so every JSON parser reads them back exactly.
func randomInputs(n int, seed uint64) []string {
	g := generator{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			out = append(out, js(g.object(0)))
		} else {
			out = append(out, js(g.value(0)))
		}
	}
	return out
}

type generator struct{ r *rand.Rand }

var fragments = []string{
	"a", "b", "word", "kube", "-", "_", ".", "/", ":", ": ", " :", "#", " #", "# ", "'", "\"",
	"\\", "*", "&", "!", "%", "@", "`", "|", ">", "?", ",", "[", "]", "{", "}", " ", "  ",
	"\t", "\n", "\n\n", "\r", "0", "1", "12", "0x", "e", "yes", "no", "null", "~", "true",
	"é", "日本", "😀", "\u0085", "\u2028", "\u00a0", "\ufeff", "\u0001", "${VAR}", "$(x)",
	"http://", "v1.2.3", "2001-12-14", "12:30", "--", "...", "<<", "=",
}

func (g generator) str() string {
	switch g.r.IntN(10) {
	case 0:
		return trickyStrings[g.r.IntN(len(trickyStrings))]
	case 1:
		words := g.r.IntN(40) + 10
		var b strings.Builder
		for i := 0; i < words; i++ {
			if i > 0 {
				b.WriteString(strings.Repeat(" ", 1+g.r.IntN(2)*g.r.IntN(3)))
			}
			b.WriteString(strings.Repeat("x", 1+g.r.IntN(12)))
		}
		return b.String()
	}
	parts := g.r.IntN(8)
	var b strings.Builder
	for i := 0; i < parts; i++ {
		b.WriteString(fragments[g.r.IntN(len(fragments))])
	}
	return b.String()
}

func (g generator) key() string {
	if g.r.IntN(3) == 0 {
		return trickyKeys[g.r.IntN(len(trickyKeys))]
	}
	const alphabet = "abcXYZ019-_./é"
	runes := []rune(alphabet)
	n := 1 + g.r.IntN(6)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(runes[g.r.IntN(len(runes))])
	}
	return b.String()
}

func (g generator) number() interface{} {
	switch g.r.IntN(6) {
	case 0:
		return g.r.Int64()
	case 1:
		return g.r.Int64N(2000) - 1000
	case 2:
		return g.r.Uint64()
	default:
		// Written as mantissa and exponent so that every JSON reader, including
		// serde_json's fast path, reads exactly the float Go reads.
		digits := strconv.FormatInt(g.r.Int64N(1_000_000_000_000_000)+1, 10)
		digits = digits[:1+g.r.IntN(len(digits))]
		exp := g.r.IntN(40) - 20
		if g.r.IntN(2) == 0 {
			digits = "-" + digits
		}
		return json.Number(digits + "e" + strconv.Itoa(exp))
	}
}

func (g generator) value(depth int) interface{} {
	limit := 9
	if depth >= 4 {
		limit = 5
	}
	switch g.r.IntN(limit) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2:
		return g.number()
	case 3, 4:
		return g.str()
	case 5, 6:
		return g.object(depth + 1)
	default:
		return g.array(depth + 1)
	}
}

func (g generator) object(depth int) map[string]interface{} {
	n := g.r.IntN(6)
	m := make(map[string]interface{}, n)
	for i := 0; i < n; i++ {
		var k string
		if g.r.IntN(4) == 0 {
			k = g.str()
		} else {
			k = g.key()
		}
		m[k] = g.value(depth)
	}
	return m
}

func (g generator) array(depth int) []interface{} {
	n := g.r.IntN(5)
	a := make([]interface{}, n)
	for i := range a {
		a[i] = g.value(depth)
	}
	return a
}

// randomStreams returns n small YAML streams that put random scalars in many syntactic
// positions (plain, quoted, block, flow, key), so parsing is compared on texts nobody
// wrote by hand. Many are invalid YAML; that they fail alike is part of the comparison.
// Two constructs where go-yaml (YAML 1.1, libyaml) and capictl's YAML 1.2 parser are
// known to disagree are left out: plain scalars inside flow collections (`[a:, ?x, !]`)
// tabs right after `- ` or at the start of a block scalar, and tag or anchor properties
// made of punctuation (`!,`, `&http://`), all written as plain scalars starting with `!`
// or `&`.
func randomStreams(n int, seed uint64) []yamlInput {
	g := generator{rand.New(rand.NewPCG(seed, seed^0x51f15e))}
	out := make([]yamlInput, 0, n)
	for i := 0; i < n; i++ {
		var b strings.Builder
		docs := 1 + g.r.IntN(2)
		for d := 0; d < docs; d++ {
			if d > 0 {
				b.WriteString("---\n")
			}
			lines := 1 + g.r.IntN(5)
			for l := 0; l < lines; l++ {
				b.WriteString(g.yamlLine(l))
			}
		}
		out = append(out, yamlInput{name: "random " + strconv.Itoa(i), yaml: b.String()})
	}
	return out
}

// scalarText is a one-line random scalar, used as written.
func (g generator) scalarText() string {
	var s string
	if g.r.IntN(2) == 0 {
		s = trickyStrings[g.r.IntN(len(trickyStrings))]
	} else {
		s = g.str()
	}
	return strings.NewReplacer("\n", " ", "\r", " ", "\u0085", " ", "\u2028", " ", "\u2029", " ").Replace(s)
}

func (g generator) scalarIn(style int) string {
	s := strings.TrimLeft(g.scalarText(), "\t")
	switch style {
	case 0:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	case 1:
		q := js(s)
		return q
	default:
		if t := strings.TrimLeft(s, " \t"); strings.HasPrefix(t, "!") || strings.HasPrefix(t, "&") {
			return js(s)
		}
		return s
	}
}

func (g generator) yamlLine(i int) string {
	key := "k" + strconv.Itoa(i)
	switch g.r.IntN(9) {
	case 0:
		return key + ": " + g.scalarIn(2) + "\n"
	case 1:
		return key + ": " + g.scalarIn(g.r.IntN(2)) + "\n"
	case 2:
		return g.scalarIn(g.r.IntN(3)) + ": v" + strconv.Itoa(i) + "\n"
	case 3:
		return key + ":\n- " + g.scalarIn(2) + "\n- " + g.scalarIn(g.r.IntN(3)) + "\n"
	case 4:
		return key + ": [" + g.scalarIn(g.r.IntN(2)) + ", " + g.scalarIn(g.r.IntN(2)) + "]\n"
	case 5:
		return key + ": {a: " + g.scalarIn(g.r.IntN(2)) + "}\n"
	case 6:
		indicator := []string{"|", "|-", "|+", ">", ">-", "|2"}[g.r.IntN(6)]
		first := strings.TrimLeft(g.scalarText(), "\t")
		return key + ": " + indicator + "\n  " + first + "\n  " + g.scalarText() + "\n"
	case 7:
		return key + ": &a" + strconv.Itoa(i) + " " + g.scalarIn(2) + "\nr" + key + ": *a" + strconv.Itoa(i) + "\n"
	default:
		return key + ": " + g.scalarIn(2) + " # " + g.scalarText() + "\n"
	}
}
