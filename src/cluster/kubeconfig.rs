//! Finding and reading kubeconfig files with client-go's loading rules (`--kubeconfig`, else
//! the `KUBECONFIG` list, else `~/.kube/config`), without connecting to anything. Each file is
//! read and parsed once: the client is built from the same parse (see
//! [`LoadedKubeconfig::to_kube`]).

use std::path::{Path, PathBuf};

use serde::Deserialize;
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
    /// The first document of each file (the one client-go reads), in the order of `files`.
    documents: Vec<Value>,
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
            loaded.documents.push(doc);
        }
        loaded.files = files;
        Ok(loaded)
    }

    /// The files as kube's `Kubeconfig`, for building a client: what `Kubeconfig::read_from`
    /// and `merge` make of them (relative paths resolved against each file's folder, the first
    /// definition of a name winning), without reading them again.
    pub(super) fn to_kube(&self) -> Result<kube::config::Kubeconfig, KubeconfigError> {
        let mut merged = kube::config::Kubeconfig::default();
        for (file, doc) in self.files.iter().zip(&self.documents) {
            let load_error = |e: &dyn std::fmt::Display| {
                KubeconfigError::Load(format!("{}: {e}", file.display()))
            };
            let mut one = match doc {
                Value::Null => kube::config::Kubeconfig::default(),
                doc => kube::config::Kubeconfig::deserialize(doc).map_err(|e| load_error(&e))?,
            };
            if let Some(dir) = file.parent() {
                resolve_relative_paths(&mut one, dir);
            }
            merged = merged.merge(one).map_err(|e| load_error(&e))?;
        }
        Ok(merged)
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

/// Makes the relative file paths of `config` absolute against `dir`, the folder of the file it
/// was read from, as client-go and kube's `Kubeconfig::read_from` do.
fn resolve_relative_paths(config: &mut kube::config::Kubeconfig, dir: &Path) {
    let resolve = |path: &mut Option<String>| {
        if let Some(p) = path
            && Path::new(p.as_str()).is_relative()
            && let Some(absolute) = dir.join(p.as_str()).to_str()
        {
            *p = absolute.to_string();
        }
    };
    for cluster in config
        .clusters
        .iter_mut()
        .filter_map(|c| c.cluster.as_mut())
    {
        resolve(&mut cluster.certificate_authority);
    }
    for user in config
        .auth_infos
        .iter_mut()
        .filter_map(|u| u.auth_info.as_mut())
    {
        resolve(&mut user.client_certificate);
        resolve(&mut user.client_key);
        resolve(&mut user.token_file);
        // An exec plugin's command is a path only with a separator; `aws` is looked up in PATH.
        if let Some(exec) = user.exec.as_mut()
            && exec
                .command
                .as_deref()
                .is_some_and(|c| c.contains(std::path::MAIN_SEPARATOR))
        {
            resolve(&mut exec.command);
        }
    }
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

    /// Two files in `KUBECONFIG`, each with paths relative to its own folder, and a context
    /// defined in both (the first file's wins).
    #[test]
    fn kube_config_resolves_paths_per_file_like_kubes_own_reader() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("a/config"), dir.path().join("b/c/config"));
        std::fs::create_dir_all(first.parent().unwrap()).unwrap();
        std::fs::create_dir_all(second.parent().unwrap()).unwrap();
        std::fs::write(
            &first,
            "apiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts:\n- name: one\n  context: {cluster: one, user: one}\nclusters:\n- name: one\n  cluster: {server: 'https://127.0.0.1:1', certificate-authority: ca.crt}\nusers:\n- name: one\n  user:\n    client-certificate: pki/client.crt\n    client-key: /etc/pki/client.key\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}\n",
        )
        .unwrap();
        std::fs::write(
            &second,
            "apiVersion: v1\nkind: Config\ncurrent-context: two\ncontexts:\n- name: one\n  context: {cluster: two, user: two}\n- name: two\n  context: {cluster: two, user: two}\nclusters:\n- name: two\n  cluster: {server: 'https://127.0.0.1:2', certificate-authority: ../ca.crt}\nusers:\n- name: two\n  user:\n    tokenFile: token\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin}\n",
        )
        .unwrap();
        let list = std::env::join_paths([&first, &dir.path().join("missing"), &second]).unwrap();
        let env = Env::from_pairs([("KUBECONFIG", list.to_str().unwrap())]);
        let sel = KubeconfigSelector::default();
        let loaded = LoadedKubeconfig::load(&sel, &env).unwrap();
        assert_eq!(loaded.files, [first.clone(), second.clone()]);
        assert_eq!(loaded.context_name(&sel), "one");

        let ours = loaded.to_kube().unwrap();
        let clusters: Vec<_> = ours
            .clusters
            .iter()
            .map(|c| c.cluster.as_ref().unwrap())
            .collect();
        let ca = |i: usize| clusters[i].certificate_authority.clone().unwrap();
        assert_eq!(ca(0), dir.path().join("a/ca.crt").to_str().unwrap());
        assert_eq!(ca(1), dir.path().join("b/c/../ca.crt").to_str().unwrap());
        let user = ours.auth_infos[0].auth_info.as_ref().unwrap();
        let client_certificate = dir.path().join("a/pki/client.crt");
        assert_eq!(
            user.client_certificate.as_deref(),
            client_certificate.to_str()
        );
        assert_eq!(user.client_key.as_deref(), Some("/etc/pki/client.key"));
        let command =
            |u: &kube::config::AuthInfo| u.exec.as_ref().unwrap().command.clone().unwrap();
        assert_eq!(command(user), "aws");
        let plugin = ours.auth_infos[1].auth_info.as_ref().unwrap();
        assert_eq!(
            command(plugin),
            dir.path().join("b/c/./bin/plugin").to_str().unwrap()
        );

        // The same as kube reading the files itself.
        let theirs = [&first, &second]
            .into_iter()
            .map(|f| kube::config::Kubeconfig::read_from(f).unwrap())
            .try_fold(kube::config::Kubeconfig::default(), |m, one| m.merge(one))
            .unwrap();
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&theirs).unwrap()
        );
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
