//! Kubernetes objects held as JSON values (`serde_json::Value` maps), with the accessors the
//! processing code needs. Provider manifests contain arbitrary kinds, so objects stay
//! unstructured throughout, as in clusterctl.

use serde_json::{Map, Value};

/// An unstructured Kubernetes object.
pub type Object = Value;

/// The object's `kind` (empty if missing).
pub fn kind(obj: &Object) -> &str {
    obj.get("kind").and_then(Value::as_str).unwrap_or_default()
}

/// The object's `apiVersion` (empty if missing).
pub fn api_version(obj: &Object) -> &str {
    obj.get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The API group of the object (`apps` for `apps/v1`, empty for core `v1`).
pub fn api_group(obj: &Object) -> &str {
    match api_version(obj).rsplit_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}

/// The version part of `apiVersion` (`v1` for `apps/v1`).
pub fn version(obj: &Object) -> &str {
    let v = api_version(obj);
    v.rsplit_once('/').map_or(v, |(_, version)| version)
}

/// `metadata.name` (empty if missing).
pub fn name(obj: &Object) -> &str {
    metadata_str(obj, "name")
}

/// `metadata.namespace` (empty if missing).
pub fn namespace(obj: &Object) -> &str {
    metadata_str(obj, "namespace")
}

fn metadata_str<'a>(obj: &'a Object, key: &str) -> &'a str {
    obj.get("metadata")
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `metadata`, created when missing (and replaced when it is not a mapping).
pub fn metadata_mut(obj: &mut Object) -> &mut Map<String, Value> {
    let map = ensure_object(obj);
    let meta = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    ensure_object(meta)
}

/// Sets `metadata.name`.
pub fn set_name(obj: &mut Object, name: &str) {
    metadata_mut(obj).insert("name".into(), Value::String(name.into()));
}

/// Sets `metadata.namespace`.
pub fn set_namespace(obj: &mut Object, namespace: &str) {
    metadata_mut(obj).insert("namespace".into(), Value::String(namespace.into()));
}

/// A string map under `metadata` (`labels` or `annotations`), created when missing.
pub fn string_map_mut<'a>(obj: &'a mut Object, key: &str) -> &'a mut Map<String, Value> {
    let meta = metadata_mut(obj);
    let entry = meta.entry(key).or_insert_with(|| Value::Object(Map::new()));
    ensure_object(entry)
}

/// A label or annotation value.
pub fn string_map_get<'a>(obj: &'a Object, key: &str, name: &str) -> Option<&'a str> {
    obj.get("metadata")?.get(key)?.get(name)?.as_str()
}

/// A label value.
pub fn label<'a>(obj: &'a Object, name: &str) -> Option<&'a str> {
    string_map_get(obj, "labels", name)
}

/// An annotation value.
pub fn annotation<'a>(obj: &'a Object, name: &str) -> Option<&'a str> {
    string_map_get(obj, "annotations", name)
}

/// The value at a path of keys, if every step exists.
pub fn get_path<'a>(obj: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(obj, |v, key| v.get(*key))
}

/// The value at a path of keys, mutable, if every step exists.
pub fn get_path_mut<'a>(obj: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(obj, |v, key| v.get_mut(*key))
}

fn ensure_object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

/// `Kind namespace/name` or `Kind name`, for messages.
pub fn describe(obj: &Object) -> String {
    match namespace(obj) {
        "" => format!("{} {}", kind(obj), name(obj)),
        ns => format!("{} {}/{}", kind(obj), ns, name(obj)),
    }
}

/// Kinds clusterctl treats as cluster-scoped when rewriting namespaces (a fixed list; every
/// other kind, custom resources included, is namespaced).
pub fn is_cluster_scoped_kind(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "PodSecurityPolicy"
            | "CertificateSigningRequest"
            | "ClusterRoleBinding"
            | "ClusterRole"
            | "VolumeAttachment"
            | "StorageClass"
            | "CSIDriver"
            | "CSINode"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "CustomResourceDefinition"
            | "PriorityClass"
            | "RuntimeClass"
    )
}
/// A CustomResourceDefinition's `spec.group` and `spec.names.kind`, empty when missing.
pub fn crd_group_kind(crd: &Value) -> (&str, &str) {
    let text = |path: &[&str]| {
        get_path(crd, path)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    (text(&["spec", "group"]), text(&["spec", "names", "kind"]))
}
