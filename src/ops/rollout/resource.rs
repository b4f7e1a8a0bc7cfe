//! RESOURCE arguments as clusterctl reads them (`GetObjectReferences`): lowercased, every one
//! `kind/name`. Kinds are checked later, one object at a time, as clusterctl does.

use super::error::RolloutError;

/// One `kind/name` argument, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceArg {
    /// The kind as written (`machinedeployment`), lowercased.
    pub kind: String,
    /// The object's name, lowercased.
    pub name: String,
}

impl ResourceArg {
    /// `kind/name`, as messages name it.
    pub fn reference(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// Parses the RESOURCE arguments. `program` names the tool in the message about mixed forms.
pub fn parse_resources(args: &[String], program: &str) -> Result<Vec<ResourceArg>, RolloutError> {
    if args.is_empty() {
        return Err(RolloutError::NoResources);
    }
    let with_slash = args.iter().filter(|a| a.contains('/')).count();
    if with_slash == 0 {
        return Err(RolloutError::NotKindSlashName);
    }
    if with_slash != args.len() {
        return Err(RolloutError::MixedForms {
            program: program.to_string(),
        });
    }
    args.iter()
        .map(|arg| {
            let arg = arg.to_lowercase();
            let parts: Vec<&str> = arg.split('/').collect();
            match parts.as_slice() {
                [kind, name] if !kind.is_empty() && !name.is_empty() => Ok(ResourceArg {
                    kind: (*kind).to_string(),
                    name: (*name).to_string(),
                }),
                [_, _] => Err(RolloutError::EmptyPart),
                _ => Err(RolloutError::TooManySlashes),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Vec<String>, String> {
        let args: Vec<String> = args.iter().map(ToString::to_string).collect();
        parse_resources(&args, "capictl")
            .map(|v| v.iter().map(ResourceArg::reference).collect())
            .map_err(|e| e.to_string())
    }

    /// Upstream's `TestGetObjectReferences` cases, and the messages of each refusal.
    #[test]
    fn clusterctl_argument_forms() {
        assert_eq!(
            parse(&["machinedeployment/foo"]).unwrap(),
            ["machinedeployment/foo"]
        );
        assert_eq!(
            parse(&["MachineDeployment/Foo", "kubeadmcontrolplane/bar"]).unwrap(),
            ["machinedeployment/foo", "kubeadmcontrolplane/bar"]
        );
        assert_eq!(parse(&[]).unwrap_err(), "required resource not specified");
        assert_eq!(
            parse(&[",machinedeployment"]).unwrap_err(),
            "arguments must be in resource/name format (e.g. machinedeployment/md-1)"
        );
        for bad in [",machinedeployment/", ",foo/", "/foo"] {
            assert_eq!(
                parse(&[bad]).unwrap_err(),
                "arguments in resource/name form must have a single resource and name",
                "{bad}"
            );
        }
        assert_eq!(
            parse(&["a/b/c"]).unwrap_err(),
            "arguments in resource/name form may not have more than one slash"
        );
        assert!(
            parse(&["machinedeployment", "machinedeployment/foo"])
                .unwrap_err()
                .starts_with("there is no need to specify a resource type")
        );
    }
}
