//! `--merge`: a workload cluster's kubeconfig folded into another kubeconfig under the
//! cluster's name. Pure functions over parsed YAML, so every case is tested without files.

use serde_json::{Map, Value, json};

/// Which of the two kubeconfigs [`merge`] could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeError {
    /// The workload cluster's kubeconfig.
    Workload(String),
    /// The kubeconfig merged into.
    Target(String),
}

/// Adds the workload kubeconfig's current context (its cluster, user and namespace) to
/// `target` as a context, a cluster and a user all named `name`, replacing entries of that
/// name and keeping everything else. `current-context` is set only when `target` has none.
pub fn merge(target: Option<Value>, workload: &Value, name: &str) -> Result<Value, MergeError> {
    let (cluster, user, namespace) = current_entries(workload).map_err(MergeError::Workload)?;
    let mut target = match target {
        None | Some(Value::Null) => json!({"apiVersion": "v1", "kind": "Config"}),
        Some(Value::Object(map)) => Value::Object(map),
        Some(_) => return Err(MergeError::Target("it is not a YAML mapping".into())),
    };
    let mut context = json!({"cluster": name, "user": name});
    if let Some(ns) = namespace {
        context["namespace"] = ns;
    }
    let map = target.as_object_mut().expect("checked above");
    replace_entry(map, "clusters", "cluster", name, cluster).map_err(MergeError::Target)?;
    replace_entry(map, "users", "user", name, user).map_err(MergeError::Target)?;
    replace_entry(map, "contexts", "context", name, context).map_err(MergeError::Target)?;
    let current = map.get("current-context").and_then(Value::as_str);
    if current.is_none_or(str::is_empty) {
        map.insert("current-context".into(), Value::String(name.into()));
    }
    Ok(target)
}

/// The workload kubeconfig's current context (else its only one): the cluster and user data
/// it names, and its namespace.
fn current_entries(kubeconfig: &Value) -> Result<(Value, Value, Option<Value>), String> {
    let contexts = entries(kubeconfig, "contexts");
    let current = kubeconfig["current-context"].as_str().unwrap_or_default();
    let context = match (current, contexts.as_slice()) {
        ("", [only]) => *only,
        ("", _) => return Err("it has no current-context".into()),
        (name, all) => *all
            .iter()
            .find(|c| c["name"] == name)
            .ok_or_else(|| format!("its current-context {name:?} is not among its contexts"))?,
    };
    let body = &context["context"];
    let find = |list: &str, field: &str| -> Result<Value, String> {
        let wanted = body[field].as_str().unwrap_or_default();
        entries(kubeconfig, list)
            .into_iter()
            .find(|e| e["name"] == wanted)
            .map(|e| e[field].clone())
            .filter(|data| data.is_object())
            .ok_or_else(|| {
                format!("its context names {field} {wanted:?}, which it does not define")
            })
    };
    let namespace = body.get("namespace").filter(|n| n.is_string()).cloned();
    Ok((
        find("clusters", "cluster")?,
        find("users", "user")?,
        namespace,
    ))
}

fn entries<'a>(kubeconfig: &'a Value, list: &str) -> Vec<&'a Value> {
    kubeconfig[list]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// Drops `list`'s entries called `name` and appends `{name, field: data}`.
fn replace_entry(
    map: &mut Map<String, Value>,
    list: &str,
    field: &str,
    name: &str,
    data: Value,
) -> Result<(), String> {
    let slot = map
        .entry(list.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if slot.is_null() {
        *slot = Value::Array(Vec::new());
    }
    let Value::Array(items) = slot else {
        return Err(format!("its {list:?} is not a list"));
    };
    items.retain(|e| e["name"] != name);
    items.push(json!({"name": name, field: data}));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{MergeError, merge};
    use serde_json::json;

    fn workload() -> serde_json::Value {
        json!({
            "apiVersion": "v1", "kind": "Config", "current-context": "w-admin@w",
            "clusters": [{"name": "w", "cluster": {"server": "https://w:6443", "certificate-authority-data": "Q0E="}}],
            "contexts": [{"name": "w-admin@w", "context": {"cluster": "w", "user": "w-admin"}}],
            "users": [{"name": "w-admin", "user": {"client-certificate-data": "Y2VydA==", "client-key-data": "a2V5"}}]
        })
    }

    #[test]
    fn into_nothing_gives_a_kubeconfig_of_the_workload_cluster_alone() {
        let merged = merge(None, &workload(), "w").unwrap();
        assert_eq!(merged["current-context"], "w");
        assert_eq!(
            merged["contexts"],
            json!([{"name": "w", "context": {"cluster": "w", "user": "w"}}])
        );
        assert_eq!(merged["clusters"][0]["cluster"]["server"], "https://w:6443");
        assert_eq!(merged["users"][0]["name"], "w");
        assert_eq!(merged["users"][0]["user"]["client-key-data"], "a2V5");
    }

    #[test]
    fn replaces_entries_of_the_same_name_and_keeps_the_rest() {
        let target = json!({
            "apiVersion": "v1", "kind": "Config", "current-context": "mgmt",
            "preferences": {"colors": true},
            "clusters": [{"name": "mgmt", "cluster": {"server": "https://m"}},
                         {"name": "w", "cluster": {"server": "https://old"}}],
            "contexts": [{"name": "mgmt", "context": {"cluster": "mgmt", "user": "m", "namespace": "x"}},
                         {"name": "w", "context": {"cluster": "w", "user": "w"}}],
            "users": [{"name": "m", "user": {"token": "t"}}, {"name": "w", "user": {"token": "old"}}]
        });
        let merged = merge(Some(target), &workload(), "w").unwrap();
        assert_eq!(merged["current-context"], "mgmt");
        assert_eq!(merged["preferences"], json!({"colors": true}));
        let names = |list: &str| -> Vec<String> {
            merged[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names("clusters"), ["mgmt", "w"]);
        assert_eq!(names("users"), ["m", "w"]);
        assert_eq!(names("contexts"), ["mgmt", "w"]);
        assert_eq!(merged["clusters"][1]["cluster"]["server"], "https://w:6443");
        assert_eq!(merged["users"][1]["user"].get("token"), None);
        assert_eq!(merged["contexts"][0]["context"]["namespace"], "x");
    }

    #[test]
    fn a_workload_kubeconfig_without_its_cluster_or_context_is_refused() {
        let mut w = workload();
        w["clusters"] = json!([]);
        let workload_reason = |e| match e {
            MergeError::Workload(reason) => reason,
            other => panic!("{other:?}"),
        };
        assert!(workload_reason(merge(None, &w, "w").unwrap_err()).contains("cluster \"w\""));
        let mut w = workload();
        w["current-context"] = json!("nope");
        assert!(workload_reason(merge(None, &w, "w").unwrap_err()).contains("\"nope\""));
        assert!(matches!(
            merge(Some(json!([1])), &workload(), "w"),
            Err(MergeError::Target(_))
        ));
        assert!(matches!(
            merge(Some(json!({"clusters": "x"})), &workload(), "w"),
            Err(MergeError::Target(_))
        ));
    }
}
