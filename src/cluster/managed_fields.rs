//! Taking over objects that clusterctl created. clusterctl writes with Create and JSON merge
//! patches, so the API server records its fields under manager `clusterctl`, operation
//! `Update`. Server-side apply only removes fields that the applier itself owned before; to let
//! capictl's later applies drop fields clusterctl set, those entries are folded into capictl's
//! `Apply` entry, as kubectl does when it upgrades client-side-applied objects
//! (`k8s.io/client-go/util/csaupgrade`).

use serde_json::{Map, Value};

/// The field manager of every capictl apply.
pub const FIELD_MANAGER: &str = "capictl";

/// Managers whose `Update` entries capictl takes over: clusterctl (its User-Agent), and the
/// API server's placeholder for objects created before managed fields existed.
pub const LEGACY_MANAGERS: [&str; 2] = ["clusterctl", "before-first-apply"];

fn str_field<'a>(entry: &'a Value, key: &str) -> &'a str {
    entry.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn is_main_resource(entry: &Value) -> bool {
    str_field(entry, "subresource").is_empty()
}

fn is_legacy(entry: &Value) -> bool {
    LEGACY_MANAGERS.contains(&str_field(entry, "manager"))
        && str_field(entry, "operation") == "Update"
        && is_main_resource(entry)
}

/// True when some fields of the object are still owned by a legacy manager.
pub fn needs_take_over(managed_fields: &[Value]) -> bool {
    managed_fields.iter().any(is_legacy)
}

/// The managedFields after the take-over: legacy `Update` entries removed and their field
/// sets merged into the `capictl`/`Apply` entry (created if missing, dated `now`). `None` when
/// there is nothing to take over.
pub fn take_over(managed_fields: &[Value], now: &str) -> Option<Vec<Value>> {
    if !needs_take_over(managed_fields) {
        return None;
    }
    let mut fields = Value::Object(Map::new());
    let mut api_version = String::new();
    let mut kept = Vec::new();
    let mut ours: Option<Value> = None;
    for entry in managed_fields {
        if is_legacy(entry) {
            if api_version.is_empty() {
                api_version = str_field(entry, "apiVersion").to_string();
            }
            if let Some(set) = entry.get("fieldsV1") {
                merge_field_sets(&mut fields, set);
            }
        } else if str_field(entry, "manager") == FIELD_MANAGER
            && str_field(entry, "operation") == "Apply"
            && is_main_resource(entry)
        {
            ours = Some(entry.clone());
        } else {
            kept.push(entry.clone());
        }
    }
    let mut entry = ours.unwrap_or_else(|| {
        serde_json::json!({
            "manager": FIELD_MANAGER,
            "operation": "Apply",
            "apiVersion": api_version,
            "fieldsType": "FieldsV1",
            "fieldsV1": {},
        })
    });
    if let Some(set) = entry.get_mut("fieldsV1") {
        merge_field_sets(set, &fields);
    }
    if let Value::Object(map) = &mut entry {
        map.insert("time".into(), Value::String(now.to_string()));
    }
    kept.push(entry);
    Some(kept)
}

/// Unites two FieldsV1 tries (`{"f:metadata":{"f:labels":{".":{},"f:a":{}}}}`).
fn merge_field_sets(into: &mut Value, from: &Value) {
    let Value::Object(from) = from else { return };
    if !into.is_object() {
        *into = Value::Object(Map::new());
    }
    let Value::Object(into) = into else { return };
    for (key, value) in from {
        merge_field_sets(
            into.entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            value,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn clusterctl_update_entries_become_capictl_apply() {
        let managed = vec![
            json!({"manager": "clusterctl", "operation": "Update", "apiVersion": "v1", "time": "t0",
                   "fieldsType": "FieldsV1",
                   "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:a": {}, "f:old": {}}}}}),
            json!({"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                   "subresource": "status", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {}}}),
            json!({"manager": "capictl", "operation": "Apply", "apiVersion": "v1", "time": "t1",
                   "fieldsType": "FieldsV1",
                   "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:a": {}, "f:b": {}}}}}),
        ];
        let out = take_over(&managed, "t2").unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0]["manager"], "kube-controller-manager");
        assert_eq!(
            out[1],
            json!({"manager": "capictl", "operation": "Apply", "apiVersion": "v1", "time": "t2",
                   "fieldsType": "FieldsV1",
                   "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:a": {}, "f:b": {}, "f:old": {}}}}})
        );
        assert!(take_over(&out, "t3").is_none());
    }

    #[test]
    fn a_new_apply_entry_is_made_when_capictl_never_applied() {
        let managed = vec![json!({"manager": "clusterctl", "operation": "Update",
            "apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}})];
        let out = take_over(&managed, "now").unwrap();
        assert_eq!(
            out,
            vec![
                json!({"manager": "capictl", "operation": "Apply", "apiVersion": "apps/v1",
                "time": "now", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}})
            ]
        );
    }

    #[test]
    fn status_updates_by_clusterctl_are_left_alone() {
        let managed = vec![json!({"manager": "clusterctl", "operation": "Update",
            "subresource": "status", "fieldsV1": {}})];
        assert!(take_over(&managed, "now").is_none());
    }
}
