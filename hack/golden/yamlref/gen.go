package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	clusteryaml "sigs.k8s.io/cluster-api/util/yaml"
	"sigs.k8s.io/yaml"
)

// emitCase is one line of emit-cases.jsonl: a JSON value and what
// sigs.k8s.io/yaml.Marshal prints for it (or the error it returns).
type emitCase struct {
	Input json.RawMessage `json:"input"`
	YAML  *string         `json:"yaml,omitempty"`
	Error string          `json:"error,omitempty"`
}

// parseCase is one line of parse-cases.jsonl: a YAML stream, the objects clusterctl's
// ToUnstructured reads from it, and what clusterctl prints for them.
type parseCase struct {
	Name   string          `json:"name"`
	YAML   string          `json:"yaml"`
	JSON   json.RawMessage `json:"json,omitempty"`
	Output *string         `json:"output,omitempty"`
	Error  string          `json:"error,omitempty"`
	// ErrorDocument is the ordinal clusterctl names in "failed to unmarshal the Nth yaml document".
	ErrorDocument int `json:"error_document,omitempty"`
}

// joinCase is one line of join-cases.jsonl: JoinYaml's inputs and output.
type joinCase struct {
	Docs   []string `json:"docs"`
	Joined string   `json:"joined"`
}

// curatedFixtures are copied next to their golden output so the tests need nothing
// outside the repository; every other fixture is checked by checksum when present.
var curatedFixtures = []string{
	"cmd/clusterctl/client/cluster/assets/cert-manager-test-resources.yaml",
	"cmd/clusterctl/config/manifest/clusterctl-api.yaml",
	"metadata.yaml",
	"test/infrastructure/docker/templates/cluster-template-development.yaml",
	"test/infrastructure/docker/templates/cluster-template-development-mp.yaml",
	"test/infrastructure/docker/templates/cluster-template-in-memory.yaml",
	"test/infrastructure/docker/templates/clusterclass-in-memory.yaml",
	"test/infrastructure/docker/templates/clusterclass-quick-start.yaml",
	"config/crd/bases/addons.cluster.x-k8s.io_clusterresourcesetbindings.yaml",
	"config/crd/bases/cluster.x-k8s.io_machinehealthchecks.yaml",
}

func generate(out, fixtures string) error {
	if err := os.MkdirAll(filepath.Join(out, "fixtures"), 0o755); err != nil {
		return err
	}
	steps := []func() error{
		func() error { return writeEmitCases(filepath.Join(out, "emit-cases.jsonl")) },
		func() error { return writeParseCases(filepath.Join(out, "parse-cases.jsonl")) },
		func() error { return writeJoinCases(filepath.Join(out, "join-cases.jsonl")) },
		func() error { return writeFixtures(filepath.Join(out, "fixtures"), fixtures) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func writeEmitCases(path string) error {
	return writeEmitRecords(path, append(emitInputs(), randomInputs(400, 20260513)...))
}

func writeEmitRecords(path string, inputs []string) error {
	records := make([]interface{}, 0, len(inputs))
	skipped := 0
	for _, in := range inputs {
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(in)); err != nil {
			return fmt.Errorf("bad emit input %q: %w", in, err)
		}
		v, err := decodeJSON(in)
		if err != nil {
			return fmt.Errorf("bad emit input %q: %w", in, err)
		}
		if !deterministic(v) {
			skipped++
			continue
		}
		c := emitCase{Input: compact.Bytes()}
		if y, err := yaml.Marshal(v); err != nil {
			c.Error = err.Error()
		} else {
			s := string(y)
			c.YAML = &s
		}
		records = append(records, c)
	}
	fmt.Fprintf(os.Stderr, "emit cases: %d written, %d skipped (Go prints them in random key order)\n", len(records), skipped)
	return writeJSONLines(path, records)
}

var ordinalDoc = regexp.MustCompile(`failed to unmarshal the (\d+)(st|nd|rd|th) yaml document`)

func writeParseCases(path string) error {
	return writeParseRecords(path, append(parseInputs(), randomStreams(300, 20260514)...))
}

func writeParseRecords(path string, inputs []yamlInput) error {
	var records []interface{}
	for _, pc := range inputs {
		c := parseCase{Name: pc.name, YAML: pc.yaml}
		objs, err := clusteryaml.ToUnstructured([]byte(pc.yaml))
		if err == nil {
			contents := make([]interface{}, 0, len(objs))
			for _, o := range objs {
				contents = append(contents, o.Object)
			}
			c.JSON, err = json.Marshal(contents)
		}
		var text string
		if err == nil {
			text, err = marshalObjects(objs)
		}
		if err != nil {
			c.JSON = nil
			c.Error = err.Error()
			if m := ordinalDoc.FindStringSubmatch(c.Error); m != nil {
				c.ErrorDocument, _ = strconv.Atoi(m[1])
			}
		} else {
			c.Output = &text
		}
		records = append(records, c)
	}
	return writeJSONLines(path, records)
}

func writeJoinCases(path string) error {
	var records []interface{}
	for _, docs := range joinInputs() {
		raw := make([][]byte, len(docs))
		for i, d := range docs {
			raw[i] = []byte(d)
		}
		records = append(records, joinCase{Docs: docs, Joined: string(clusteryaml.JoinYaml(raw...))})
	}
	return writeJSONLines(path, records)
}

// writeFixtures writes <name>.yaml/<name>.golden for the curated fixtures and
// fixtures.sha256 with the SHA-256 of the output for every fixture file.
func writeFixtures(dir, root string) error {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	curated := map[string]bool{}
	for _, f := range curatedFixtures {
		curated[f] = true
	}
	var sums strings.Builder
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return err
		}
		text, err := clusterctlOutput(data)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		sum := sha256.Sum256([]byte(text))
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), rel)
		if curated[rel] {
			base := strings.TrimSuffix(filepath.Base(rel), ".yaml")
			if err := os.WriteFile(filepath.Join(dir, base+".yaml"), data, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, base+".golden"), []byte(text), 0o644); err != nil {
				return err
			}
			delete(curated, rel)
		}
	}
	if len(curated) > 0 {
		return fmt.Errorf("curated fixtures not found under %s: %v", root, curated)
	}
	return os.WriteFile(filepath.Join(dir, "fixtures.sha256"), []byte(sums.String()), 0o644)
}
