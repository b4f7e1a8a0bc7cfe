//! ClusterClasses for `generate cluster`: the classes a template's topology Clusters use are
//! added from the provider's repository (`clusterclass-<name>.yaml`), unless the management
//! cluster already has them (clusterctl's `addClusterClassIfMissing`).

use serde_json::Value;

use super::management::Management;
use crate::cluster::{ObjectRef, gvk_string};
use crate::components::{Template, TemplateInput};
use crate::error::{Error, ResultExt};
use crate::object;
use crate::ops::generate::error::GenerateError;
use crate::repository::ProviderRepository;

/// Where ClusterClass templates come from.
pub(crate) struct ClassSource<'a> {
    pub(crate) repo: &'a ProviderRepository,
    pub(crate) version: &'a str,
    pub(crate) namespace: &'a str,
    pub(crate) lookup: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) list_variables_only: bool,
}

/// clusterctl's `addClusterClassIfMissing`: adds `clusterclass-<name>.yaml` for every
/// ClusterClass the template's topology Clusters use, before the template's objects. Classes
/// already in an initialized management cluster are skipped; a class template whose objects
/// partly exist there is an error.
pub(crate) async fn add_cluster_classes(
    source: &ClassSource<'_>,
    management: &Management<'_>,
    template: Template,
) -> Result<Template, Error> {
    let classes = cluster_class_names(&template.objects);
    if classes.is_empty() {
        return Ok(template);
    }
    let cluster = management.initialized().await?;
    let mut templates = Vec::new();
    for (class_namespace, class) in classes {
        if let Some(cluster) = &cluster {
            let r = ObjectRef::new(
                "cluster.x-k8s.io/v1beta2",
                "ClusterClass",
                &class_namespace,
                &class,
            );
            let exists = cluster.get(&r).await.map_err(|e| {
                Error::from(e).context(format!(
                    "failed to check if ClusterClass {class:?} exists in the cluster"
                ))
            })?;
            if exists.is_some() {
                continue;
            }
        }
        let file = format!("clusterclass-{class}.yaml");
        let what =
            format!("failed to get the cluster class template for \"{class_namespace}/{class}\"");
        let raw = source
            .repo
            .template_file(source.version, &file)
            .await
            .context(what.clone())?;
        let class_template = Template::new(TemplateInput {
            raw: &raw,
            lookup: source.lookup,
            target_namespace: Some(source.namespace),
            skip_template_process: source.list_variables_only,
        })
        .context(what)?;
        if let Some(cluster) = &cluster {
            for obj in &class_template.objects {
                if cluster.get(&ObjectRef::of(obj)).await?.is_some() {
                    let key = match object::namespace(obj) {
                        "" => object::name(obj).to_string(),
                        ns => format!("{ns}/{}", object::name(obj)),
                    };
                    return Err(GenerateError::ClassObjectExists {
                        object: key,
                        gvk: gvk_string(object::api_version(obj), object::kind(obj)),
                    }
                    .into());
                }
            }
        }
        templates.push(class_template);
    }
    templates.push(template);
    Ok(Template::merge(templates).unwrap_or_default())
}

/// `(namespace, name)` of the ClusterClass of each topology Cluster, in order (like clusterctl,
/// a class used by two Clusters is listed twice).
fn cluster_class_names(objects: &[Value]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for obj in objects {
        if object::kind(obj) != "Cluster" || object::api_group(obj) != "cluster.x-k8s.io" {
            continue;
        }
        let Some(topology) = object::get_path(obj, &["spec", "topology"]).filter(|t| !t.is_null())
        else {
            continue;
        };
        let (name, namespace) = match object::version(obj) {
            "v1beta1" => (topology.get("class"), topology.get("classNamespace")),
            _ => {
                let class_ref = topology.get("classRef");
                (
                    class_ref.and_then(|c| c.get("name")),
                    class_ref.and_then(|c| c.get("namespace")),
                )
            }
        };
        let name = name.and_then(Value::as_str).unwrap_or_default().to_string();
        if name.is_empty() {
            continue;
        }
        let namespace = namespace
            .and_then(Value::as_str)
            .filter(|ns| !ns.is_empty())
            .unwrap_or(object::namespace(obj))
            .to_string();
        out.push((namespace, name));
    }
    out
}
