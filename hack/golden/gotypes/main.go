// Command gotypes writes src/components/go_types.txt: the JSON shape (field names, omitempty,
// inline members, element types) of the Kubernetes Go types clusterctl converts provider
// objects through (apps/v1 Deployment and DaemonSet, rbac/v1 bindings, admissionregistration/v1
// webhook configurations, apiextensions/v1 CustomResourceDefinition). capictl replays that
// conversion so that `generate provider` prints what clusterctl prints; the format is
// described in the header written below and parsed by src/components/go_types.rs.
//
// Regenerate from the repository root with hack/gen-go-types.sh.
package main

import (
	"fmt"
	"os"
	"reflect"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// Types whose JSON form is produced by a custom marshaler; capictl handles each by name.
var custom = map[string]string{
	"k8s.io/apimachinery/pkg/api/resource.Quantity":                                         "Quantity",
	"k8s.io/apimachinery/pkg/util/intstr.IntOrString":                                       "IntOrString",
	"k8s.io/apimachinery/pkg/apis/meta/v1.Time":                                             "Time",
	"k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime":                                        "Time",
	"k8s.io/apimachinery/pkg/apis/meta/v1.Duration":                                         "Raw",
	"k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1":                                         "Raw",
	"k8s.io/apimachinery/pkg/runtime.RawExtension":                                          "Raw",
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSON":                         "Raw",
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrArray":       "SchemaOrArray",
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrBool":        "SchemaOrBool",
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrStringArray": "SchemaOrStringArray",
}

var roots = []struct {
	name string
	t    reflect.Type
}{
	{"Deployment", reflect.TypeOf(appsv1.Deployment{})},
	{"DaemonSet", reflect.TypeOf(appsv1.DaemonSet{})},
	{"ClusterRoleBinding", reflect.TypeOf(rbacv1.ClusterRoleBinding{})},
	{"RoleBinding", reflect.TypeOf(rbacv1.RoleBinding{})},
	{"MutatingWebhookConfiguration", reflect.TypeOf(admissionregistrationv1.MutatingWebhookConfiguration{})},
	{"ValidatingWebhookConfiguration", reflect.TypeOf(admissionregistrationv1.ValidatingWebhookConfiguration{})},
	{"CustomResourceDefinition", reflect.TypeOf(apiextensionsv1.CustomResourceDefinition{})},
	{"JSONSchemaProps", reflect.TypeOf(apiextensionsv1.JSONSchemaProps{})},
}

var (
	index   = map[reflect.Type]int{}
	structs []reflect.Type
)

func fullName(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

func register(t reflect.Type) int {
	if i, ok := index[t]; ok {
		return i
	}
	i := len(structs)
	index[t] = i
	structs = append(structs, t)
	for _, f := range fields(t) {
		walk(f.Type)
	}
	return i
}

func walk(t reflect.Type) {
	if _, ok := custom[fullName(t)]; ok {
		return
	}
	switch t.Kind() {
	case reflect.Ptr, reflect.Slice, reflect.Map, reflect.Array:
		walk(t.Elem())
	case reflect.Struct:
		register(t)
	}
}

func fields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.PkgPath != "" { // unexported
			continue
		}
		out = append(out, f)
	}
	return out
}

// structName names a struct by the last two elements of its package path and its type name
// (core/v1.PodSpec): short, and unique where t.String() is not (v1.ServiceReference exists in
// both admissionregistration/v1 and apiextensions/v1).
func structName(t reflect.Type) string {
	parts := strings.Split(t.PkgPath(), "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/") + "." + t.Name()
}

func ty(t reflect.Type) string {
	if c, ok := custom[fullName(t)]; ok {
		return c
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "int"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Ptr:
		return "*" + ty(t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes"
		}
		return "[]" + ty(t.Elem())
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic("map with non-string keys in " + t.String())
		}
		return "map[string]" + ty(t.Elem())
	case reflect.Struct:
		return structName(t)
	case reflect.Interface:
		return "Raw"
	}
	panic("unsupported kind " + t.Kind().String() + " in " + t.String())
}

// field is one line of a struct's block: JSON name, type, tag options.
type field struct{ name, ty, options string }

func structFields(t reflect.Type) []field {
	var out []field
	for _, f := range fields(t) {
		parts := strings.Split(f.Tag.Get("json"), ",")
		name := parts[0]
		if name == "-" {
			continue
		}
		omitempty, omitzero, inline := false, false, false
		for _, p := range parts[1:] {
			switch p {
			case "omitempty":
				omitempty = true
			case "omitzero":
				omitzero = true
			case "inline":
				inline = true
			}
		}
		if f.Anonymous && name == "" {
			inline = true
		}
		if name == "" && !inline {
			name = f.Name
		}
		if inline {
			if name != "" {
				panic("inline field with a JSON name in " + t.String())
			}
			name = "-"
		}
		if strings.ContainsAny(name, " \t#") {
			panic("JSON name " + name + " in " + t.String() + " does not fit the table")
		}
		var options []string
		if omitempty {
			options = append(options, "omitempty")
		}
		if omitzero {
			options = append(options, "omitzero")
		}
		if inline {
			options = append(options, "inline")
		}
		out = append(out, field{name, ty(f.Type), strings.Join(options, " ")})
	}
	return out
}

const header = `# Generated by hack/gen-go-types.sh (hack/golden/gotypes, k8s.io/api v0.35.4: the version
# clusterctl v1.13.5 builds with); do not edit. The JSON shape of the Go types clusterctl
# round-trips provider objects through, read by src/components/go_types.rs.
#
# "root KIND STRUCT": objects of KIND convert through STRUCT. "struct NAME" opens a struct
# (NAME: the last two elements of its Go package path and its type name); each indented line
# below it is one field: its JSON name ("-" for an inline member), its type and its json tag
# options (omitempty, omitzero, inline). A type is a struct NAME, *T, []T, map[string]T, or one
# of string, int, float, bool, bytes ([]byte), Quantity, IntOrString, Time, Raw (printed from
# raw JSON), SchemaOrArray, SchemaOrBool, SchemaOrStringArray.
`

func main() {
	for _, r := range roots {
		register(r.t)
	}
	seen := map[string]bool{}
	for _, t := range structs {
		if seen[structName(t)] {
			panic("two structs named " + structName(t))
		}
		seen[structName(t)] = true
	}
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("\n")
	width := 0
	for _, r := range roots {
		width = max(width, len(r.name))
	}
	for _, r := range roots {
		fmt.Fprintf(&b, "root %-*s %s\n", width, r.name, structName(r.t))
	}
	for _, t := range structs {
		fmt.Fprintf(&b, "\nstruct %s\n", structName(t))
		fs := structFields(t)
		nameWidth, tyWidth := 0, 0
		for _, f := range fs {
			nameWidth = max(nameWidth, len(f.name))
			tyWidth = max(tyWidth, len(f.ty))
		}
		for _, f := range fs {
			line := fmt.Sprintf("  %-*s %-*s %s", nameWidth, f.name, tyWidth, f.ty, f.options)
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	os.Stdout.WriteString(b.String())
}
