//! ClusterClasses outside the moved namespace, which discovery fetches one by one.

use std::collections::BTreeSet;

use serde_json::Value;

use super::ObjectGraph;
use super::node::ClassRef;
use crate::object;

/// A template a ClusterClass references, to be fetched along with the class.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TemplateRef {
    /// `group/version` as written in the class.
    pub api_version: String,
    /// The template kind.
    pub kind: String,
    /// The class's namespace: templates live next to their class.
    pub namespace: String,
    /// The template name.
    pub name: String,
}

impl ObjectGraph {
    /// The ClusterClasses that Clusters of the graph use but that live outside `namespace`
    /// (so listing `namespace` did not find them), each once, sorted. Discovery fetches
    /// each one and its [`cluster_class_templates`], adds them, and only then sets soft
    /// ownership. Empty when every namespace was listed.
    pub fn external_cluster_classes(&self, namespace: &str) -> Vec<ClassRef> {
        if namespace.is_empty() {
            return Vec::new();
        }
        let wanted: BTreeSet<ClassRef> = self
            .clusters()
            .into_iter()
            .filter_map(|id| self.nodes[id.0].topology_class.clone())
            .filter(|class| class.namespace != namespace)
            .collect();
        wanted.into_iter().collect()
    }
}

/// The templates a ClusterClass references: infrastructure cluster, control plane, control
/// plane machine infrastructure, and the bootstrap and infrastructure templates of every
/// MachineDeployment and MachinePool class. References left empty are skipped.
pub fn cluster_class_templates(class: &Value) -> Vec<TemplateRef> {
    let namespace = object::namespace(class);
    let Some(spec) = class.get("spec") else {
        return Vec::new();
    };
    let mut refs: Vec<&Value> = [
        &["infrastructure"][..],
        &["controlPlane"],
        &["controlPlane", "machineInfrastructure"],
    ]
    .iter()
    .filter_map(|path| object::get_path(spec, path))
    .collect();
    for workers in ["machineDeployments", "machinePools"] {
        let classes = object::get_path(spec, &["workers", workers]).and_then(Value::as_array);
        for worker in classes.into_iter().flatten() {
            refs.extend(
                ["bootstrap", "infrastructure"]
                    .iter()
                    .filter_map(|k| worker.get(*k)),
            );
        }
    }
    refs.into_iter()
        .filter_map(|holder| template_ref(holder.get("templateRef")?, namespace))
        .collect()
}

fn template_ref(reference: &Value, namespace: &str) -> Option<TemplateRef> {
    let field = |key: &str| {
        reference
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    if field("name").is_empty() || field("kind").is_empty() {
        return None;
    }
    Some(TemplateRef {
        api_version: field("apiVersion").to_string(),
        kind: field("kind").to_string(),
        namespace: namespace.to_string(),
        name: field("name").to_string(),
    })
}
