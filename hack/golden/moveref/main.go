// Command moveref writes the golden files capictl's `move --to-directory` /
// `--from-directory` format is compared with, using the code clusterctl v1.13.5 runs.
//
//	go run . gen                # rewrite the outputs in ../../../testdata/move/golden/
//	go run . marshal < lines    # one JSON value per line -> "value<TAB>as a backup file writes it"
//
// A backup file is what objectMover.backupTargetObject writes: the object as the client
// decodes it from the API server (Unstructured.UnmarshalJSON: integers that fit int64 stay
// integers, all other numbers become float64), then Unstructured.MarshalJSON (a json.Encoder,
// so HTML-escaped and ending in a newline), in <Kind>_<Namespace>_<Name>.yaml, mode 0600.
// Reading is objectMover.filesToObjs: every directory entry in name order, JoinYaml,
// ToUnstructured.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	clusteryaml "sigs.k8s.io/cluster-api/util/yaml"
)

func main() {
	golden := flag.String("golden", fromSource("../../../testdata/move/golden"), "golden directory")
	flag.Parse()
	var err error
	switch flag.Arg(0) {
	case "gen":
		err = generate(*golden)
	case "marshal":
		err = marshalLines(os.Stdin, os.Stdout)
	default:
		err = fmt.Errorf("usage: moveref [flags] gen|marshal")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "moveref:", err)
		os.Exit(1)
	}
}

// fromSource resolves a path relative to this source directory.
func fromSource(rel string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return rel
	}
	return filepath.Join(filepath.Dir(file), rel)
}

// generate backs up the objects of objects.json into backup/ and reads backup/ back into
// restored.jsonl (one object per line, json.Marshal). The objects of unrestorable.json go to
// backup-unrestorable/; clusterctl cannot read those back faithfully, so each file is read
// alone and the outcome recorded in unrestorable.txt.
func generate(golden string) error {
	if _, err := backup(filepath.Join(golden, "objects.json"), filepath.Join(golden, "backup")); err != nil {
		return err
	}
	objs, err := filesToObjs(filepath.Join(golden, "backup"))
	if err != nil {
		return err
	}
	var restored strings.Builder
	for _, o := range objs {
		line, err := json.Marshal(o.Object)
		if err != nil {
			return err
		}
		fmt.Fprintf(&restored, "%s\n", line)
	}
	if err := os.WriteFile(filepath.Join(golden, "restored.jsonl"), []byte(restored.String()), 0o644); err != nil {
		return err
	}

	dir := filepath.Join(golden, "backup-unrestorable")
	names, err := backup(filepath.Join(golden, "unrestorable.json"), dir)
	if err != nil {
		return err
	}
	var outcomes strings.Builder
	for _, name := range names {
		alone, err := os.MkdirTemp("", "moveref")
		if err != nil {
			return err
		}
		defer os.RemoveAll(alone)
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(alone, name), b, 0o600); err != nil {
			return err
		}
		objs, err := filesToObjs(alone)
		if err != nil {
			fmt.Fprintf(&outcomes, "%s\terror: %v\n", name, err)
			continue
		}
		line, err := json.Marshal(objs[0].Object["data"])
		if err != nil {
			return err
		}
		fmt.Fprintf(&outcomes, "%s\tdata: %s\n", name, line)
	}
	return os.WriteFile(filepath.Join(golden, "unrestorable.txt"), []byte(outcomes.String()), 0o644)
}

// backup writes each object of the JSON array in file the way backupTargetObject does and
// returns the file names in input order.
func backup(file, dir string) ([]string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var texts []json.RawMessage
	if err := json.Unmarshal(raw, &texts); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	for _, text := range texts {
		var u unstructured.Unstructured
		if err := u.UnmarshalJSON(text); err != nil {
			return nil, err
		}
		bytes, err := u.MarshalJSON()
		if err != nil {
			return nil, err
		}
		name := u.GetKind() + "_" + u.GetNamespace() + "_" + u.GetName() + ".yaml"
		if err := os.WriteFile(filepath.Join(dir, name), bytes, 0o600); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, nil
}

// filesToObjs is objectMover.filesToObjs without the logging.
func filesToObjs(dir string) ([]unstructured.Unstructured, error) {
	files, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var raws [][]byte
	for _, f := range files {
		b, err := os.ReadFile(filepath.Clean(filepath.Join(dir, f.Name())))
		if err != nil {
			return nil, err
		}
		raws = append(raws, b)
	}
	return clusteryaml.ToUnstructured(clusteryaml.JoinYaml(raws...))
}

// marshalLines prints, for each JSON object on a line, {"v": value} as a backup file would
// hold it, so single values can be checked.
func marshalLines(in io.Reader, out io.Writer) error {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" {
			continue
		}
		var u unstructured.Unstructured
		if err := u.UnmarshalJSON([]byte(`{"kind":"K","v":` + line + `}`)); err != nil {
			return fmt.Errorf("%s: %w", line, err)
		}
		bytes, err := json.Marshal(u.Object["v"])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\t%s\n", line, bytes)
	}
	return scanner.Err()
}
