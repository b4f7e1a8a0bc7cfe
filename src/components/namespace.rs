//! Moving a provider's objects (or a template's) into the target namespace: clusterctl's
//! `fixTargetNamespace`, `inspectTargetNamespace` and `addNamespaceIfMissing`.

use serde_json::{Value, json};

use super::ComponentsError;
use super::normalize::go_round_trip;
use crate::object::{self, Object};

const INJECT_CA_FROM: &str = "cert-manager.io/inject-ca-from";

/// The name of the single `Namespace` object, if any; more than one is an error.
pub fn inspect_target_namespace(objs: &[Object]) -> Result<Option<String>, ComponentsError> {
    let mut found: Option<String> = None;
    for obj in objs.iter().filter(|o| object::kind(o) == "Namespace") {
        if found.is_some() {
            return Err(ComponentsError::Invalid(
                "Invalid manifest. There should be no more than one resource with Kind Namespace in the provider components yaml"
                    .into(),
            ));
        }
        found = Some(object::name(obj).to_string());
    }
    Ok(found)
}

/// Appends a `Namespace` object for `namespace` when the objects have none.
pub fn add_namespace_if_missing(objs: &mut Vec<Object>, namespace: &str) {
    if !objs.iter().any(|o| object::kind(o) == "Namespace") {
        objs.push(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}),
        );
    }
}

/// Rewrites every namespace reference to `target`, as clusterctl does.
pub fn fix_target_namespace(objs: &mut [Object], target: &str) -> Result<(), ComponentsError> {
    for obj in objs.iter_mut() {
        let kind = object::kind(obj).to_string();
        if kind == "Namespace" {
            object::set_name(obj, target);
        }
        let original = object::namespace(obj).to_string();
        if !object::is_cluster_scoped_kind(&kind) {
            object::set_namespace(obj, target);
        }
        match kind.as_str() {
            "ClusterRoleBinding" | "RoleBinding" => {
                *obj = go_round_trip(&kind, obj);
                fix_subjects(obj, target);
            }
            "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "CustomResourceDefinition" => {
                fix_inject_ca_from(obj, target)?;
                fix_webhook_services(obj, &kind, target)?;
            }
            "Certificate" => fix_certificate(obj, &original, target),
            _ => {}
        }
    }
    Ok(())
}

fn fix_subjects(obj: &mut Object, target: &str) {
    let Some(Value::Array(subjects)) = obj.get_mut("subjects") else {
        return;
    };
    for subject in subjects {
        if let Some(ns) = subject.get_mut("namespace")
            && ns.as_str().is_some_and(|s| !s.is_empty())
        {
            *ns = Value::String(target.into());
        }
    }
}

fn fix_inject_ca_from(obj: &mut Object, target: &str) -> Result<(), ComponentsError> {
    let Some(value) = object::annotation(obj, INJECT_CA_FROM).map(str::to_string) else {
        return Ok(());
    };
    let parts: Vec<&str> = value.split('/').collect();
    if parts.len() != 2 {
        return Err(ComponentsError::Invalid(format!(
            "object {} {} does not have a correct value for {INJECT_CA_FROM}",
            object::kind(obj),
            object::name(obj)
        )));
    }
    let fixed = format!("{target}/{}", parts[1]);
    object::string_map_mut(obj, "annotations").insert(INJECT_CA_FROM.into(), Value::String(fixed));
    Ok(())
}

fn fix_webhook_services(obj: &mut Object, kind: &str, target: &str) -> Result<(), ComponentsError> {
    let version = object::version(obj).to_string();
    let supported = match kind {
        "CustomResourceDefinition" => ["v1", "v1beta1"].contains(&version.as_str()),
        _ => ["v1", "v1beta1"].contains(&version.as_str()),
    };
    if !supported {
        let what = if kind == "CustomResourceDefinition" {
            format!("failed to patch {version} {kind} version")
        } else {
            format!("failed to patch {version} {kind}")
        };
        return Err(ComponentsError::Invalid(what));
    }
    // The v1 types are the ones capictl knows the Go shape of; v1beta1 objects (removed from
    // Kubernetes in 1.22) keep their fields as written.
    if version == "v1" {
        *obj = go_round_trip(kind, obj);
    }
    let set = |service: Option<&mut Value>| {
        if let Some(Value::Object(service)) = service {
            service.insert("namespace".into(), Value::String(target.into()));
        }
    };
    if kind == "CustomResourceDefinition" {
        let path: &[&str] = if version == "v1" {
            &["spec", "conversion", "webhook", "clientConfig", "service"]
        } else {
            &["spec", "conversion", "webhookClientConfig", "service"]
        };
        set(object::get_path_mut(obj, path));
    } else if let Some(Value::Array(webhooks)) = obj.get_mut("webhooks") {
        for webhook in webhooks {
            set(object::get_path_mut(webhook, &["clientConfig", "service"]));
        }
    }
    Ok(())
}

fn fix_certificate(obj: &mut Object, original: &str, target: &str) {
    let Some(Value::Array(names)) = object::get_path_mut(obj, &["spec", "dnsNames"]) else {
        return;
    };
    let from = format!(".{original}.");
    let to = format!(".{target}.");
    for name in names {
        if let Value::String(s) = name {
            *s = s.replacen(&from, &to, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Ported from cmd/clusterctl/client/repository/components_test.go (Test_fixTargetNamespace).
    #[test]
    fn rewrites_namespaces_and_references() {
        let mut objs = vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "capi-system"}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "capi-system"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "r"},
                "subjects": [{"kind": "ServiceAccount", "name": "sa", "namespace": "capi-system"}, {"kind": "User", "name": "u"}]}),
            json!({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                "metadata": {"name": "w", "annotations": {INJECT_CA_FROM: "capi-system/capi-serving-cert"}},
                "webhooks": [{"name": "a.b", "admissionReviewVersions": ["v1"], "sideEffects": "None",
                    "clientConfig": {"service": {"name": "svc", "namespace": "capi-system", "path": "/m"}}}]}),
            json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "c", "namespace": "capi-system"},
                "spec": {"dnsNames": ["svc.capi-system.svc", "svc.capi-system.svc.cluster.local", "other"]}}),
        ];
        fix_target_namespace(&mut objs, "foo").unwrap();
        assert_eq!(object::name(&objs[0]), "foo");
        assert_eq!(object::namespace(&objs[1]), "foo");
        assert_eq!(object::namespace(&objs[2]), "");
        assert_eq!(objs[3]["subjects"][0]["namespace"], "foo");
        assert!(objs[3]["subjects"][1].get("namespace").is_none());
        assert_eq!(
            object::annotation(&objs[4], INJECT_CA_FROM),
            Some("foo/capi-serving-cert")
        );
        assert_eq!(
            objs[4]["webhooks"][0]["clientConfig"]["service"]["namespace"],
            "foo"
        );
        assert_eq!(
            objs[5]["spec"]["dnsNames"],
            json!(["svc.foo.svc", "svc.foo.svc.cluster.local", "other"])
        );
    }

    #[test]
    fn malformed_inject_ca_from_is_an_error() {
        let mut objs = vec![
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "x", "annotations": {INJECT_CA_FROM: "no-slash"}}}),
        ];
        let err = fix_target_namespace(&mut objs, "foo")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "object CustomResourceDefinition x does not have a correct value for cert-manager.io/inject-ca-from"
        );
    }

    #[test]
    fn namespace_inspection() {
        let one = vec![json!({"kind": "Namespace", "metadata": {"name": "a"}})];
        assert_eq!(
            inspect_target_namespace(&one).unwrap().as_deref(),
            Some("a")
        );
        let two = vec![
            one[0].clone(),
            json!({"kind": "Namespace", "metadata": {"name": "b"}}),
        ];
        assert!(inspect_target_namespace(&two).is_err());
        let mut none: Vec<Object> = vec![json!({"kind": "Service"})];
        add_namespace_if_missing(&mut none, "ns");
        assert_eq!(none.len(), 2);
        assert_eq!(object::kind(&none[1]), "Namespace");
    }
}
