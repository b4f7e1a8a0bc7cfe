//! Workload cluster templates: the variables they expect, and their objects once substituted
//! and moved into the target namespace (clusterctl's `repository.Template`).

use std::collections::BTreeMap;

use super::{ComponentsError, fix_target_namespace};
use crate::object::Object;

/// What to build a template from.
pub struct TemplateInput<'a> {
    /// The template text.
    pub raw: &'a [u8],
    /// Where variable values come from.
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// Namespace to move the objects into (none: leave them where they are).
    pub target_namespace: Option<&'a str>,
    /// Only list variables; do not substitute or parse.
    pub skip_template_process: bool,
}

/// A processed template.
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// Variable names, sorted.
    pub variables: Vec<String>,
    /// Each variable's default (`None` when it is required).
    pub variable_map: BTreeMap<String, Option<String>>,
    /// The namespace the objects were moved into.
    pub target_namespace: Option<String>,
    /// The objects (empty when only variables were asked for).
    pub objects: Vec<Object>,
}

impl Template {
    /// Builds a template as clusterctl's `NewTemplate` does.
    pub fn new(input: TemplateInput<'_>) -> Result<Template, ComponentsError> {
        let text = std::str::from_utf8(input.raw).map_err(ComponentsError::NotText)?;
        let parsed = crate::template::Template::parse(text)?;
        let vars = parsed.variables();
        let variables = vars.iter().map(|v| v.name.clone()).collect();
        let variable_map = vars.into_iter().map(|v| (v.name, v.default)).collect();
        let target_namespace = input.target_namespace.map(str::to_string);
        if input.skip_template_process {
            return Ok(Template {
                variables,
                variable_map,
                target_namespace,
                objects: Vec::new(),
            });
        }
        let processed = parsed.process(input.lookup)?;
        let mut objects =
            crate::yaml::parse_documents(&processed).map_err(ComponentsError::Yaml)?;
        if let Some(ns) = input.target_namespace.filter(|ns| !ns.is_empty()) {
            fix_target_namespace(&mut objects, ns).map_err(|e| ComponentsError::Context {
                context: "failed to set the TargetNamespace in the template".into(),
                source: Box::new(e),
            })?;
        }
        Ok(Template {
            variables,
            variable_map,
            target_namespace,
            objects,
        })
    }

    /// Concatenates templates (clusterctl's `MergeTemplates`): variables united, the first
    /// known default kept, objects in order, target namespace kept only if all agree.
    pub fn merge(templates: Vec<Template>) -> Option<Template> {
        let mut iter = templates.into_iter();
        let mut merged = iter.next()?;
        for t in iter {
            for v in t.variables {
                if !merged.variables.contains(&v) {
                    merged.variables.push(v);
                }
            }
            merged.variables.sort();
            for (k, v) in t.variable_map {
                let entry = merged.variable_map.entry(k).or_insert(None);
                if entry.is_none() {
                    *entry = v;
                }
            }
            if merged.target_namespace != t.target_namespace {
                merged.target_namespace = None;
            }
            merged.objects.extend(t.objects);
        }
        Some(merged)
    }

    /// The objects as clusterctl prints them (without the final newline).
    pub fn yaml(&self) -> String {
        crate::yaml::objects_to_yaml(&self.objects)
    }
}
