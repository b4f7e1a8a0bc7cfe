//! Container images of Deployments and DaemonSets: listing them, and rewriting them with the
//! `images:` overrides.

use serde_json::Value;

use super::ComponentsError;
use super::normalize::go_round_trip;
use crate::config::ImageRefError;
use crate::object::{self, Object};

fn is_workload(obj: &Object) -> bool {
    matches!(object::kind(obj), "Deployment" | "DaemonSet")
}

fn containers_mut<'a>(obj: &'a mut Object, key: &str) -> impl Iterator<Item = &'a mut Value> {
    object::get_path_mut(obj, &["spec", "template", "spec", key])
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// Rewrites the image of every container and init container of Deployments and DaemonSets
/// with `alter`. Like clusterctl, each such object goes through its Go type on the way.
pub fn fix_images(
    objects: &mut [Object],
    alter: impl Fn(&str) -> Result<String, ImageRefError>,
) -> Result<(), ComponentsError> {
    for obj in objects.iter_mut().filter(|o| is_workload(o)) {
        let kind = object::kind(obj).to_string();
        *obj = go_round_trip(&kind, obj);
        let name = object::name(obj).to_string();
        let what = if kind == "Deployment" {
            "deployment"
        } else {
            "deamonSet"
        };
        for (key, list) in [
            ("containers", "containers"),
            ("initContainers", "init containers"),
        ] {
            for container in containers_mut(obj, key) {
                let image = container
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let altered = alter(image).map_err(|e| {
                    ComponentsError::Invalid(format!(
                        "failed to fix containers in {what} {name}: failed to fix {list}: failed to fix image for container {}: {e}",
                        container.get("name").and_then(Value::as_str).unwrap_or_default(),
                    ))
                })?;
                if let Value::Object(map) = container {
                    map.insert("image".into(), Value::String(altered));
                }
            }
        }
    }
    Ok(())
}

/// The images of every container, then every init container, of each Deployment and DaemonSet,
/// in document order (duplicates kept, as clusterctl does).
pub fn inspect_images(objects: &[Object]) -> Vec<String> {
    let mut images = Vec::new();
    for obj in objects.iter().filter(|o| is_workload(o)) {
        for key in ["containers", "initContainers"] {
            let list =
                object::get_path(obj, &["spec", "template", "spec", key]).and_then(Value::as_array);
            for container in list.into_iter().flatten() {
                let image = container
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                images.push(image.to_string());
            }
        }
    }
    images
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config::ImageRef;

    fn deployment(image: &str) -> Object {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"template": {"spec": {
                "containers": [{"name": "manager", "image": image}],
                "initContainers": [{"name": "init", "image": "quay.io/init:v1"}]}}}})
    }

    #[test]
    fn lists_and_rewrites_images() {
        let mut objs = vec![
            deployment("registry.k8s.io/capi/controller:v1"),
            json!({"kind": "Pod"}),
        ];
        assert_eq!(
            inspect_images(&objs),
            ["registry.k8s.io/capi/controller:v1", "quay.io/init:v1"]
        );
        fix_images(&mut objs, |i| {
            let mut r = ImageRef::parse(i)?;
            r.tag = Some("v2".into());
            Ok(r.to_string())
        })
        .unwrap();
        assert_eq!(
            inspect_images(&objs),
            ["registry.k8s.io/capi/controller:v2", "quay.io/init:v2"]
        );
    }

    #[test]
    fn unqualified_images_are_reported_with_the_container() {
        let mut objs = vec![deployment("nginx")];
        let err = fix_images(&mut objs, |i| ImageRef::parse(i).map(|r| r.to_string())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "failed to fix containers in deployment d: failed to fix containers: failed to fix image for container manager: couldn't parse image name: repository name must be canonical"
        );
    }
}
