//! Replays the Go round trip clusterctl puts some provider objects through (unstructured →
//! typed struct → unstructured) when it fixes images and namespaces: unknown fields disappear,
//! fields without `omitempty` appear with their zero value (`resources: {}`, `status: {}`,
//! `selector: null`), quantities become canonical. Only the output of `generate provider` shows
//! this, but it is what clusterctl prints, so capictl prints it too.

use serde_json::{Map, Value};

use super::go_types::{GoTypes, Ty};
use super::quantity;

/// The object as clusterctl prints it after converting it through its Go type. Kinds clusterctl
/// does not convert come back unchanged.
pub fn go_round_trip(kind: &str, object: &Value) -> Value {
    let types = GoTypes::get();
    match types.root(kind) {
        Some(index) => convert(types, &Ty::Struct(index), Some(object)).unwrap_or(Value::Null),
        None => object.clone(),
    }
}

/// Converts `input` (absent: `None`) through `ty`; `None` means Go's nil, printed as `null`.
fn convert(types: &GoTypes, ty: &Ty, input: Option<&Value>) -> Option<Value> {
    let input = input.filter(|v| !v.is_null());
    match ty {
        Ty::Str => Some(
            input
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
        ),
        Ty::Int | Ty::Float => Some(input.cloned().unwrap_or_else(|| Value::from(0))),
        Ty::Bool => Some(input.cloned().unwrap_or(Value::Bool(false))),
        Ty::Bytes | Ty::Raw => input.cloned(),
        Ty::Ptr(inner) => input.and_then(|v| convert(types, inner, Some(v))),
        Ty::Slice(inner) => input.map(|v| match v {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| convert(types, inner, Some(i)).unwrap_or(Value::Null))
                    .collect(),
            ),
            other => other.clone(),
        }),
        Ty::Map(inner) => input.map(|v| match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, i)| {
                        (
                            k.clone(),
                            convert(types, inner, Some(i)).unwrap_or(Value::Null),
                        )
                    })
                    .collect(),
            ),
            other => other.clone(),
        }),
        Ty::Struct(index) => {
            let empty = Map::new();
            let fields = match input {
                Some(Value::Object(map)) => map,
                Some(other) => return Some(other.clone()),
                None => &empty,
            };
            let mut out = Map::new();
            convert_struct(types, *index, fields, &mut out);
            Some(Value::Object(out))
        }
        Ty::Quantity => Some(match input {
            Some(Value::String(s)) => {
                Value::String(quantity::canonical(s).unwrap_or_else(|| s.clone()))
            }
            Some(Value::Number(n)) => {
                Value::String(quantity::canonical(&n.to_string()).unwrap_or_else(|| n.to_string()))
            }
            Some(other) => other.clone(),
            None => Value::String("0".into()),
        }),
        Ty::IntOrString => Some(input.cloned().unwrap_or_else(|| Value::from(0))),
        Ty::Time => input.cloned(),
        Ty::SchemaOrArray => input.and_then(|v| match v {
            Value::Array(items) if items.is_empty() => None,
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .map(|i| schema(types, i).unwrap_or(Value::Null))
                    .collect(),
            )),
            other => schema(types, other),
        }),
        Ty::SchemaOrBool => input.map(|v| match v {
            Value::Bool(_) => v.clone(),
            other => schema(types, other).unwrap_or(Value::Null),
        }),
        Ty::SchemaOrStringArray => input.and_then(|v| match v {
            Value::Array(items) if items.is_empty() => None,
            Value::Array(_) => Some(v.clone()),
            other => schema(types, other),
        }),
    }
}

fn schema(types: &GoTypes, value: &Value) -> Option<Value> {
    convert(
        types,
        &Ty::Struct(types.root("JSONSchemaProps")?),
        Some(value),
    )
}

fn convert_struct(
    types: &GoTypes,
    index: usize,
    input: &Map<String, Value>,
    out: &mut Map<String, Value>,
) {
    for field in types.fields(index) {
        if field.inline {
            if let Ty::Struct(inner) = field.ty {
                convert_struct(types, inner, input, out);
            }
            continue;
        }
        let value = convert(types, &field.ty, input.get(&field.json));
        if field.omitempty && is_empty(&field.ty, value.as_ref()) {
            continue;
        }
        if field.omitzero && value.is_none() {
            continue;
        }
        out.insert(field.json.clone(), value.unwrap_or(Value::Null));
    }
}

/// Go's `omitempty` test: zero scalars, nil pointers, empty slices and maps; never structs.
fn is_empty(ty: &Ty, value: Option<&Value>) -> bool {
    let Some(value) = value else {
        return true;
    };
    match ty {
        Ty::Str => value.as_str() == Some(""),
        Ty::Int | Ty::Float => value.as_f64() == Some(0.0),
        Ty::Bool => value.as_bool() == Some(false),
        Ty::Bytes | Ty::Slice(_) => {
            value.as_array().is_some_and(Vec::is_empty) || value.as_str() == Some("")
        }
        Ty::Map(_) => value.as_object().is_some_and(Map::is_empty),
        Ty::Ptr(_) | Ty::Raw => value.is_null(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn deployments_gain_go_zero_values_and_lose_unknown_fields() {
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "m", "namespace": "ns", "bogus": 1},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"a": "b"}},
                "template": {
                    "metadata": {"labels": {"a": "b"}},
                    "spec": {"containers": [{"name": "manager", "image": "x.io/a:b",
                        "ports": [{"name": "p", "containerPort": 9443, "protocol": "TCP"}],
                        "resources": {"limits": {"cpu": "1000m", "memory": "1024Mi"}}}]}
                }
            }
        });
        let got = go_round_trip("Deployment", &d);
        assert_eq!(
            got,
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "m", "namespace": "ns"},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": {"a": "b"}},
                    "strategy": {},
                    "template": {
                        "metadata": {"labels": {"a": "b"}},
                        "spec": {"containers": [{"name": "manager", "image": "x.io/a:b",
                            "ports": [{"name": "p", "containerPort": 9443, "protocol": "TCP"}],
                            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}
                    }
                },
                "status": {}
            })
        );
    }

    #[test]
    fn crds_gain_an_empty_status_and_keep_schemas() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "foos.x.io"},
            "spec": {"group": "x.io", "names": {"kind": "Foo", "plural": "foos"}, "scope": "Namespaced",
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object",
                        "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                            "additionalProperties": {"type": "string"}, "default": {"a": 1}}}}}}]}
        });
        let got = go_round_trip("CustomResourceDefinition", &crd);
        assert_eq!(
            got["status"],
            json!({"acceptedNames": {"kind": "", "plural": ""}, "conditions": null, "storedVersions": null})
        );
        assert_eq!(
            got["spec"]["versions"][0]["schema"],
            crd["spec"]["versions"][0]["schema"]
        );
    }

    #[test]
    fn other_kinds_are_untouched() {
        let cm = json!({"kind": "ConfigMap", "data": {"a": "b"}, "extra": true});
        assert_eq!(go_round_trip("ConfigMap", &cm), cm);
    }
}
