// Command yamlref prints what clusterctl v1.13.5 prints for YAML, and writes the golden
// vectors capictl's src/yaml tests compare against.
//
//	go run . gen                 # rewrite ../../../testdata/yaml/*
//	go run . marshal < lines     # one JSON value per line -> sigs.k8s.io/yaml.Marshal
//	go run . process < stream    # YAML stream -> ToUnstructured + FromUnstructured
//	go run . fuzz N SEED > file  # N random emit cases (same format as emit-cases.jsonl)
//	go run . parsefuzz N SEED    # N random YAML streams (same format as parse-cases.jsonl)
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	clusteryaml "sigs.k8s.io/cluster-api/util/yaml"
	"sigs.k8s.io/yaml"
)

func main() {
	out := flag.String("out", fromSource("../../../testdata/yaml"), "directory for the golden files")
	fixtures := flag.String("fixtures", fromSource("../../../../shared/fixtures/cluster-api-v1.13.5"), "cluster-api fixture tree")
	flag.Parse()
	var err error
	switch flag.Arg(0) {
	case "gen":
		err = generate(*out, *fixtures)
	case "marshal":
		err = marshalLines(os.Stdin, os.Stdout)
	case "process":
		err = processStream(os.Stdin, os.Stdout)
	case "fuzz":
		n, _ := strconv.Atoi(flag.Arg(1))
		seed, _ := strconv.ParseUint(flag.Arg(2), 10, 64)
		err = writeEmitRecords("/dev/stdout", randomInputs(n, seed))
	case "parsefuzz":
		n, _ := strconv.Atoi(flag.Arg(1))
		seed, _ := strconv.ParseUint(flag.Arg(2), 10, 64)
		err = writeParseRecords("/dev/stdout", randomStreams(n, seed))
	default:
		err = fmt.Errorf("usage: yamlref [flags] gen|marshal|process|fuzz|parsefuzz")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "yamlref:", err)
		os.Exit(1)
	}
}

// fromSource resolves a path relative to this source directory, so `go run .` works from
// anywhere.
func fromSource(rel string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return rel
	}
	return filepath.Join(filepath.Dir(file), rel)
}

// decodeJSON reads one JSON value with the number types serde_json would pick: integer
// literals become int64 (or uint64 when only that fits), everything else float64.
func decodeJSON(text string) (interface{}, error) {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var v interface{}
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return convertNumbers(v)
}

func convertNumbers(v interface{}) (interface{}, error) {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, e := range t {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			t[k] = c
		}
		return t, nil
	case []interface{}:
		for i, e := range t {
			c, err := convertNumbers(e)
			if err != nil {
				return nil, err
			}
			t[i] = c
		}
		return t, nil
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i, nil
			}
			if u, err := strconv.ParseUint(s, 10, 64); err == nil {
				return u, nil
			}
		}
		return strconv.ParseFloat(s, 64)
	}
	return v, nil
}

func marshalLines(in io.Reader, out io.Writer) error {
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		v, err := decodeJSON(line)
		if err != nil {
			return err
		}
		y, err := yaml.Marshal(v)
		if err != nil {
			fmt.Fprintf(out, "ERROR: %v\n", err)
			continue
		}
		fmt.Fprintf(out, "%s", y)
		fmt.Fprintln(out, "=====")
	}
	return nil
}

func processStream(in io.Reader, out io.Writer) error {
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	text, err := clusterctlOutput(data)
	if err != nil {
		return err
	}
	_, err = io.WriteString(out, text)
	return err
}

// clusterctlOutput is what clusterctl does to a template or components file before
// printing it: parse into unstructured objects and marshal them back.
func clusterctlOutput(data []byte) (string, error) {
	objs, err := clusteryaml.ToUnstructured(data)
	if err != nil {
		return "", err
	}
	return marshalObjects(objs)
}

func marshalObjects(objs []unstructured.Unstructured) (string, error) {
	out, err := clusteryaml.FromUnstructured(objs)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// writeJSONLines writes one compact JSON document per line, without HTML escaping.
func writeJSONLines(path string, records []interface{}) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
