//! Finding and reading kubeconfig files with client-go's loading rules (`--kubeconfig`, else
//! the `KUBECONFIG` list, else `~/.kube/config`), without connecting to anything.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::config::Env;

/// Which kubeconfig and context to use (`--kubeconfig`, `--kubeconfig-context`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeconfigSelector {
    /// An explicit kubeconfig file; empty means the default loading rules.
    pub path: Option<PathBuf>,
    /// A context name; empty means the current context.
    pub context: Option<String>,
}

/// Why no usable kubeconfig was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KubeconfigError {
    /// A file could not be read or parsed.
    #[error("failed to load Kubeconfig: {0}")]
    Load(String),
    /// Nothing usable: no file, no context, or the context has no cluster.
    #[error(
        "clusterctl requires either a valid kubeconfig or in cluster config to connect to the management cluster: [{0}, unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined]"
    )]
    NoConfig(String),
    /// The requested context does not exist.
    #[error("failed to get context {context:?} from {from}")]
    NoContext {
        /// Context asked for.
        context: String,
        /// Where it was looked for.
        from: String,
    },
}

/// The merged content of the kubeconfig files that apply.
#[derive(Debug, Clone, Default)]
pub struct LoadedKubeconfig {
    /// Files read, in precedence order.
    pub files: Vec<PathBuf>,
    current_context: String,
    contexts: Vec<(String, Value)>,
    clusters: Vec<(String, Value)>,
}

impl LoadedKubeconfig {
    /// Loads per client-go's rules. Missing files in `KUBECONFIG` are skipped; an explicit file
    /// must exist.
    pub fn load(
        selector: &KubeconfigSelector,
        env: &Env,
    ) -> Result<LoadedKubeconfig, KubeconfigError> {
        let files: Vec<PathBuf> = match &selector.path {
            Some(p) => vec![p.clone()],
            None => match env.get("KUBECONFIG").filter(|v| !v.is_empty()) {
                Some(list) => std::env::split_paths(list)
                    .filter(|p| p.is_file())
                    .collect(),
                None => crate::config::paths::home_dir(env)
                    .map(|h| h.join(".kube").join("config"))
                    .filter(|p| p.is_file())
                    .into_iter()
                    .collect(),
            },
        };
        let mut loaded = LoadedKubeconfig::default();
        for file in &files {
            let doc = read_file(file)?;
            if loaded.current_context.is_empty()
                && let Some(c) = doc.get("current-context").and_then(Value::as_str)
            {
                loaded.current_context = c.to_string();
            }
            merge_named(&mut loaded.contexts, doc.get("contexts"), "context");
            merge_named(&mut loaded.clusters, doc.get("clusters"), "cluster");
        }
        loaded.files = files;
        Ok(loaded)
    }

    /// The context to use: the selected one, else the current one.
    pub fn context_name<'a>(&'a self, selector: &'a KubeconfigSelector) -> &'a str {
        selector
            .context
            .as_deref()
            .filter(|c| !c.is_empty())
            .unwrap_or(&self.current_context)
    }

    fn context(&self, name: &str) -> Option<&Value> {
        self.contexts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// clusterctl's `CurrentNamespace`: the selected context's namespace, else `default`.
    pub fn current_namespace(
        &self,
        selector: &KubeconfigSelector,
    ) -> Result<String, KubeconfigError> {
        let name = self.context_name(selector);
        let context = self
            .context(name)
            .ok_or_else(|| KubeconfigError::NoContext {
                context: name.to_string(),
                from: match &selector.path {
                    Some(p) => p.display().to_string(),
                    None => format!("{:?}", self.files),
                },
            })?;
        Ok(context
            .get("namespace")
            .and_then(Value::as_str)
            .filter(|ns| !ns.is_empty())
            .unwrap_or("default")
            .to_string())
    }

    /// Checks that the selection names a context with a cluster that has a server, as
    /// client-go requires before it will build a client.
    pub fn check_usable(&self, selector: &KubeconfigSelector) -> Result<(), KubeconfigError> {
        if self.files.is_empty() {
            return Err(KubeconfigError::NoConfig(
                "no configuration has been provided, try setting KUBERNETES_MASTER environment variable".into(),
            ));
        }
        let name = self.context_name(selector);
        let explicit = selector.context.as_deref().is_some_and(|c| !c.is_empty());
        let Some(context) = self.context(name) else {
            // client-go words a missing --context and a dangling current-context differently.
            return Err(KubeconfigError::NoConfig(if name.is_empty() {
                "no configuration has been provided, try setting KUBERNETES_MASTER environment variable".into()
            } else if explicit {
                format!("context {name:?} does not exist")
            } else {
                format!(
                    "context was not found for specified context: {name}, cluster has no server defined"
                )
            }));
        };
        let cluster_name = context
            .get("cluster")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let server = self
            .clusters
            .iter()
            .find(|(n, _)| n == cluster_name)
            .and_then(|(_, c)| c.get("server").and_then(Value::as_str))
            .unwrap_or_default();
        if server.is_empty() {
            return Err(KubeconfigError::NoConfig(format!(
                "invalid configuration: cluster has no server defined (context {name:?}, cluster {cluster_name:?})"
            )));
        }
        Ok(())
    }
}

fn read_file(path: &Path) -> Result<Value, KubeconfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        // Go's wording of the common cases, as client-go reports them.
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        KubeconfigError::Load(format!("stat {}: {reason}", path.display()))
    })?;
    let docs = crate::yaml::parse_documents(&text).map_err(|e| {
        KubeconfigError::Load(format!(
            "error loading config file \"{}\": {e}",
            path.display()
        ))
    })?;
    Ok(docs.into_iter().next().unwrap_or(Value::Null))
}

/// First definition of a name wins, as in client-go's merge.
fn merge_named(into: &mut Vec<(String, Value)>, list: Option<&Value>, field: &str) {
    for item in list.and_then(Value::as_array).into_iter().flatten() {
        let Some(name) = item.get("name").and_then(Value::as_str) else {
            continue;
        };
        if into.iter().any(|(n, _)| n == name) {
            continue;
        }
        into.push((
            name.to_string(),
            item.get(field).cloned().unwrap_or(Value::Null),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECONFIG: &str = "apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u, namespace: team-a}\n- name: b\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: u\n  user: {token: t}\n";

    #[test]
    fn current_namespace_follows_the_context() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, KUBECONFIG).unwrap();
        let sel = KubeconfigSelector {
            path: Some(path.clone()),
            context: None,
        };
        let k = LoadedKubeconfig::load(&sel, &Env::default()).unwrap();
        assert!(k.check_usable(&sel).is_ok());
        assert_eq!(k.current_namespace(&sel).unwrap(), "team-a");
        let b = KubeconfigSelector {
            path: Some(path.clone()),
            context: Some("b".into()),
        };
        assert_eq!(k.current_namespace(&b).unwrap(), "default");
        let missing = KubeconfigSelector {
            path: Some(path),
            context: Some("zz".into()),
        };
        assert!(k.current_namespace(&missing).is_err());
        assert!(k.check_usable(&missing).is_err());
    }

    #[test]
    fn no_kubeconfig_is_reported_like_client_go() {
        let env = Env::from_pairs([("HOME", "/nonexistent")]);
        let sel = KubeconfigSelector::default();
        let k = LoadedKubeconfig::load(&sel, &env).unwrap();
        let err = k.check_usable(&sel).unwrap_err().to_string();
        assert!(
            err.starts_with("clusterctl requires either a valid kubeconfig or in cluster config"),
            "{err}"
        );
    }
}
