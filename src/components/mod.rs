//! Turning a provider's components manifest (or a cluster template) into the objects clusterctl
//! would apply or print: variable substitution, image overrides, target namespace, labels and
//! ordering. Everything here is pure; the bytes come from `repository`.

pub mod cert_manager;
mod go_sort;
mod go_types;
mod images;
mod namespace;
mod normalize;
pub mod plural;
mod quantity;
mod template;

use serde_json::Value;

pub use go_sort::slice_stable;
pub use images::{fix_images, inspect_images};
pub use namespace::{add_namespace_if_missing, fix_target_namespace, inspect_target_namespace};
pub use normalize::go_round_trip;
pub use template::{Template, TemplateInput};

use crate::config::{ImageOverrides, ProviderConfig};
use crate::object::{self, Object};
use crate::provider::{
    CLUSTERCTL_CORE_LABEL, CLUSTERCTL_LABEL, CORE_LABEL_INVENTORY, PROVIDER_NAME_LABEL,
};
use crate::template::TemplateError;

/// Errors while processing a manifest.
#[derive(Debug, thiserror::Error)]
pub enum ComponentsError {
    /// The manifest is not UTF-8 text.
    #[error("the manifest is not UTF-8 text: {0}")]
    NotText(#[source] std::str::Utf8Error),
    /// A `${...}` expression does not parse.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Variable substitution failed (missing variables).
    #[error("failed to perform variable substitution")]
    Substitution(#[source] TemplateError),
    /// The substituted text is not valid YAML.
    #[error("failed to parse yaml")]
    Yaml(#[source] crate::yaml::YamlError),
    /// cert-manager's manifest or installed objects.
    #[error(transparent)]
    CertManager(#[from] cert_manager::CertManagerError),
    /// The manifest breaks one of clusterctl's rules.
    #[error("{0}")]
    Invalid(String),
    /// A lower-level error with context.
    #[error("{context}")]
    Context {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: Box<ComponentsError>,
    },
}

impl ComponentsError {
    fn context(self, context: &str) -> ComponentsError {
        ComponentsError::Context {
            context: context.to_string(),
            source: Box::new(self),
        }
    }
}

/// How to process a components manifest.
#[derive(Debug, Clone, Default)]
pub struct ComponentsOptions {
    /// The version being processed (recorded in the inventory).
    pub version: String,
    /// Namespace to install into; the manifest's own namespace when `None`.
    pub target_namespace: Option<String>,
    /// Leave `${...}` expressions as they are (`--raw`, `--describe`, `init list-images`).
    pub skip_template_process: bool,
}

/// A provider's processed components, ready to print or apply.
#[derive(Debug, Clone)]
pub struct Components {
    /// The provider.
    pub provider: ProviderConfig,
    /// The version.
    pub version: String,
    /// Variables the manifest uses, sorted.
    pub variables: Vec<String>,
    /// Container images of its Deployments and DaemonSets (after overrides), in document order.
    pub images: Vec<String>,
    /// The namespace the provider is installed into.
    pub target_namespace: String,
    /// The objects, in clusterctl's order (Namespaces, cert-manager objects, the rest).
    pub objects: Vec<Object>,
}

impl Components {
    /// Processes a raw components manifest as clusterctl's `NewComponents` does.
    pub fn new(
        provider: ProviderConfig,
        raw: &[u8],
        options: ComponentsOptions,
        lookup: &dyn Fn(&str) -> Option<String>,
        image_overrides: &ImageOverrides,
    ) -> Result<Components, ComponentsError> {
        let text = std::str::from_utf8(raw).map_err(ComponentsError::NotText)?;
        let template = crate::template::Template::parse(text)?;
        let variables: Vec<String> = template.variables().into_iter().map(|v| v.name).collect();
        let processed = if options.skip_template_process {
            text.to_string()
        } else {
            template
                .process(lookup)
                .map_err(ComponentsError::Substitution)?
        };
        let mut objects =
            crate::yaml::parse_documents(&processed).map_err(ComponentsError::Yaml)?;
        let label = provider.manifest_label();
        fix_images(&mut objects, |image| image_overrides.alter(&label, image))
            .map_err(|e| e.context("failed to apply image overrides"))?;
        let images = inspect_images(&objects);
        let default_namespace = inspect_target_namespace(&objects)
            .map_err(|e| e.context("failed to detect default target namespace"))?;
        let target_namespace = options
            .target_namespace
            .filter(|ns| !ns.is_empty())
            .or(default_namespace)
            .ok_or_else(|| {
                ComponentsError::Invalid(
                    "target namespace can't be defaulted. Please specify a target namespace".into(),
                )
            })?;
        add_namespace_if_missing(&mut objects, &target_namespace);
        fix_target_namespace(&mut objects, &target_namespace)
            .map_err(|e| e.context("failed to set the TargetNamespace on the components"))?;
        add_common_labels(&mut objects, &label);
        sort_for_components(&mut objects);
        Ok(Components {
            provider,
            version: options.version,
            variables,
            images,
            target_namespace,
            objects,
        })
    }

    /// The inventory entry (`providers.clusterctl.cluster.x-k8s.io`) recording this install.
    pub fn inventory_object(&self) -> Object {
        let label = self.provider.manifest_label();
        serde_json::json!({
            "apiVersion": "clusterctl.cluster.x-k8s.io/v1alpha3",
            "kind": "Provider",
            "metadata": {
                "name": label,
                "namespace": self.target_namespace,
                "labels": {
                    CLUSTERCTL_LABEL: "",
                    PROVIDER_NAME_LABEL: label,
                    CLUSTERCTL_CORE_LABEL: CORE_LABEL_INVENTORY,
                },
            },
            "providerName": self.provider.name,
            "type": self.provider.provider_type.as_str(),
            "version": self.version,
        })
    }

    /// The objects as clusterctl prints them (without the final newline).
    pub fn yaml(&self) -> String {
        crate::yaml::objects_to_yaml(&self.objects)
    }
}

/// Adds `clusterctl.cluster.x-k8s.io: ""` and `cluster.x-k8s.io/provider: <label>` to every object.
pub fn add_common_labels(objects: &mut [Object], label: &str) {
    for obj in objects {
        let labels = object::string_map_mut(obj, "labels");
        labels.insert(CLUSTERCTL_LABEL.into(), Value::String(String::new()));
        labels.insert(PROVIDER_NAME_LABEL.into(), Value::String(label.into()));
    }
}

/// clusterctl's (non-strict) order: Namespaces first, then cert-manager.io objects, then the
/// rest, through Go's exact stable sort.
pub fn sort_for_components(objects: &mut [Object]) {
    slice_stable(objects, |a, b| {
        if object::kind(a) == "Namespace" {
            return true;
        }
        if object::kind(b) == "Namespace" {
            return false;
        }
        object::api_group(a) == "cert-manager.io"
    });
}
