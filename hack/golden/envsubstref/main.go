// Command envsubstref writes the reference data for capictl's src/template
// module by running the upstream Go code that clusterctl v1.13.5 uses:
// sigs.k8s.io/cluster-api/cmd/clusterctl/client/yamlprocessor (SimpleProcessor)
// on top of github.com/drone/envsubst/v2 at 179042472c46.
//
// Regenerate both outputs from the repository root with:
//
//	(cd hack/golden/envsubstref && go run . \
//	    -vectors ../../../testdata/template/vectors.jsonl \
//	    -tables ../../../src/template/go_unicode.rs)
//
// The corpus is the hand-written cases in corpus.go plus templates drawn from
// the grammar in random.go with a fixed seed, so the output is deterministic.
// The tables are Go's own answers (unicode.IsLetter, IsDigit, ToUpper,
// ToLower) for every code point, so the Rust side agrees with Go's Unicode
// version rather than with the Rust standard library's.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"

	"sigs.k8s.io/cluster-api/cmd/clusterctl/client/yamlprocessor"
)

// vector is one line of vectors.jsonl.
type vector struct {
	Template string            `json:"template"`
	Vars     map[string]string `json:"vars"`
	// Variables is GetVariableMap sorted by name; nil when parsing failed.
	Variables []variable `json:"variables"`
	// ParseError is the message of GetVariableMap's error, if any.
	ParseError *string `json:"parse_error"`
	// Eval is Process with every lookup succeeding (unset names give ""):
	// the plain envsubst evaluation after the legacy-spacing pre-pass.
	Eval *string `json:"eval"`
	// EvalPanic records that the upstream evaluation panicked.
	EvalPanic bool `json:"eval_panic"`
	// Process is Process with lookups failing for names not in Vars.
	Process      *string `json:"process"`
	ProcessError *string `json:"process_error"`
}

type variable struct {
	Name    string  `json:"name"`
	Default *string `json:"default"`
}

var errNotSet = errors.New("not set")

func main() {
	vectorsPath := flag.String("vectors", "", "write test vectors (JSON lines) to this file")
	tablesPath := flag.String("tables", "", "write the Rust Unicode tables to this file")
	randomCount := flag.Int("random", 4000, "number of random templates")
	seed := flag.Uint64("seed", 20240611, "seed for the random templates")
	flag.Parse()
	if *vectorsPath == "" && *tablesPath == "" {
		log.Fatal("nothing to do: pass -vectors and/or -tables")
	}
	if *tablesPath != "" {
		if err := os.WriteFile(*tablesPath, []byte(rustTables()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *vectorsPath != "" {
		cases := append(handCases(), randomCases(*randomCount, *seed)...)
		written, err := writeVectors(*vectorsPath, cases)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "wrote %d vectors to %s\n", written, *vectorsPath)
	}
}

// testCase is a template and the variables that are set for it.
type testCase struct {
	template string
	vars     map[string]string
}

// writeVectors writes one line per distinct case and returns how many it wrote.
func writeVectors(path string, cases []testCase) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	seen := map[string]bool{}
	for _, c := range cases {
		v := run(c)
		line, err := json.Marshal(struct {
			T string
			V map[string]string
		}{c.template, c.vars})
		if err != nil {
			return 0, err
		}
		if seen[string(line)] {
			continue
		}
		seen[string(line)] = true
		if err := enc.Encode(v); err != nil {
			return 0, err
		}
	}
	return len(seen), w.Flush()
}

func run(c testCase) vector {
	if c.vars == nil {
		c.vars = map[string]string{}
	}
	v := vector{Template: c.template, Vars: c.vars}
	p := yamlprocessor.NewSimpleProcessor()
	m, err := p.GetVariableMap([]byte(c.template))
	if err != nil {
		msg := err.Error()
		v.ParseError = &msg
	} else {
		v.Variables = []variable{}
		for name, def := range m {
			v.Variables = append(v.Variables, variable{Name: name, Default: def})
		}
		sort.Slice(v.Variables, func(i, j int) bool { return v.Variables[i].Name < v.Variables[j].Name })
	}

	lenient := func(name string) (string, error) { return c.vars[name], nil }
	strict := func(name string) (string, error) {
		if val, ok := c.vars[name]; ok {
			return val, nil
		}
		return "", errNotSet
	}
	evaluated, err, panicked := process(p, c.template, lenient)
	v.EvalPanic = panicked
	if err == nil && !panicked {
		v.Eval = &evaluated
	}
	processed, err, panicked := process(p, c.template, strict)
	switch {
	case panicked:
		v.EvalPanic = true
	case err != nil:
		msg := err.Error()
		v.ProcessError = &msg
	default:
		v.Process = &processed
	}
	return v
}

func process(p *yamlprocessor.SimpleProcessor, template string, get func(string) (string, error)) (out string, err error, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	b, err := p.Process([]byte(template), get)
	return string(b), err, false
}
