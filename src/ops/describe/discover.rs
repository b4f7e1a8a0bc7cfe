//! Reading a Cluster and what belongs to it into the owner graph ([`crate::graph`]), then
//! laying the tree out as clusterctl's `tree.Discovery` does: infrastructure, control plane
//! and its Machines, Workers (MachineDeployments, MachineSets, MachinePools), and Machines
//! that nothing claims under Other.

use std::collections::{BTreeMap, HashMap};

use futures::StreamExt;
use serde_json::Value;

use super::DescribeClusterOptions;
use super::error::DescribeError;
use super::tree::{AddOptions, Entry, NodeRole, Slot, TreeBuilder, TreeNode};
use crate::cluster::{ManagementCluster, ObjectRef};
use crate::graph::{CLUSTER_GROUP, NodeId, ObjectGraph};
use crate::object;

/// Objects read at once when following references.
const GET_CONCURRENCY: usize = 8;
const CLUSTER_API_VERSION: &str = "cluster.x-k8s.io/v1beta2";
const CLUSTER_NAME_LABEL: &str = "cluster.x-k8s.io/cluster-name";
const CONTROL_PLANE_LABEL: &str = "cluster.x-k8s.io/control-plane";
/// Contracts the current one accepts, newest first.
const CONTRACTS: [&str; 2] = ["v1beta2", "v1beta1"];

/// The objects of one Cluster: the graph over them and each observed object.
struct ClusterObjects {
    graph: ObjectGraph,
    objects: HashMap<NodeId, Value>,
}

impl ClusterObjects {
    fn add(&mut self, obj: Value) -> Result<NodeId, DescribeError> {
        let id = self
            .graph
            .add_object(&obj)
            .map_err(|e| DescribeError::Contract {
                what: "object",
                kind: object::kind(&obj).to_string(),
                reason: e.to_string(),
            })?;
        self.objects.insert(id, obj);
        Ok(id)
    }

    fn object(&self, id: NodeId) -> &Value {
        &self.objects[&id]
    }
}

/// The contract labels of CRDs, read once per kind.
struct Contracts<'a> {
    cluster: &'a ManagementCluster,
    labels: HashMap<(String, String), Result<BTreeMap<String, String>, String>>,
}

impl Contracts<'_> {
    async fn crd_labels(
        &mut self,
        group: &str,
        kind: &str,
    ) -> Result<&BTreeMap<String, String>, String> {
        let key = (group.to_string(), kind.to_string());
        if !self.labels.contains_key(&key) {
            let plural = crate::components::plural::pluralize(&kind.to_lowercase());
            let name = format!("{plural}.{group}");
            let found = match self.cluster.get(&ObjectRef::crd(&name)).await {
                Ok(Some(crd)) => Ok(object::get_path(&crd, &["metadata", "labels"])
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default()),
                Ok(None) => Err(format!(
                    "failed to get CustomResourceDefinition metadata: customresourcedefinitions.apiextensions.k8s.io \"{name}\" not found"
                )),
                Err(e) => Err(format!(
                    "failed to get CustomResourceDefinition metadata: {e}"
                )),
            };
            self.labels.insert(key.clone(), found);
        }
        self.labels[&key].as_ref().map_err(Clone::clone)
    }

    /// The newest contract the CRD follows and its newest apiVersion for it.
    async fn latest(&mut self, group: &str, kind: &str) -> Result<(String, String), String> {
        let labels = self.crd_labels(group, kind).await?;
        for contract in CONTRACTS {
            let Some(versions) = labels
                .get(&format!("{CLUSTER_GROUP}/{contract}"))
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            let newest = versions
                .split('_')
                .max_by(|a, b| kube_version_order(a, b))
                .unwrap_or_default();
            return Ok((contract.to_string(), format!("{group}/{newest}")));
        }
        Err(format!(
            "cannot find any versions matching contract versions [\"v1beta2\" \"v1beta1\"] for CRD {}.{group} as contract version label(s) are either missing or empty (see https://cluster-api.sigs.k8s.io/developer/providers/contracts/overview.html#api-version-labels)",
            crate::components::plural::pluralize(&kind.to_lowercase())
        ))
    }

    async fn api_version(&mut self, group: &str, kind: &str) -> Result<String, DescribeError> {
        self.latest(group, kind)
            .await
            .map(|(_, v)| v)
            .map_err(|reason| DescribeError::Contract {
                what: "apiVersion",
                kind: kind.to_string(),
                reason,
            })
    }

    async fn contract_version(&mut self, group: &str, kind: &str) -> Result<String, DescribeError> {
        self.latest(group, kind)
            .await
            .map(|(c, _)| c)
            .map_err(|reason| DescribeError::Contract {
                what: "contract version",
                kind: kind.to_string(),
                reason,
            })
    }

    /// The contract under which the CRD serves `version` (`GetContractVersionForVersion`).
    async fn contract_of_version(
        &mut self,
        group: &str,
        kind: &str,
        version: &str,
    ) -> Option<String> {
        let labels = self.crd_labels(group, kind).await.ok()?;
        let prefix = format!("{CLUSTER_GROUP}/");
        labels.iter().find_map(|(k, v)| {
            let contract = k.strip_prefix(&prefix)?;
            v.split('_')
                .any(|x| x == version)
                .then(|| contract.to_string())
        })
    }

    /// Follows a contract-versioned reference (`apiGroup`, `kind`, `name`) in `namespace`;
    /// `None` when anything is missing, as clusterctl skips what it cannot read.
    async fn follow(&mut self, reference: Option<&Value>, namespace: &str) -> Option<Value> {
        let r = reference?;
        let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
        let (group, kind, name) = (text("apiGroup"), text("kind"), text("name"));
        if kind.is_empty() || name.is_empty() {
            return None;
        }
        let api_version = self.api_version(group, kind).await.ok()?;
        let obj = self
            .cluster
            .get(&ObjectRef::new(&api_version, kind, namespace, name))
            .await
            .ok()??;
        Some(with_type(obj, &api_version, kind))
    }
}

fn with_type(mut obj: Value, api_version: &str, kind: &str) -> Value {
    if let Value::Object(map) = &mut obj {
        map.insert("apiVersion".into(), api_version.into());
        map.insert("kind".into(), kind.into());
    }
    obj
}

/// Kubernetes' order of API versions: GA above beta above alpha, then by numbers.
fn kube_version_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(v: &str) -> (u8, u64, u64, String) {
        let Some(rest) = v.strip_prefix('v') else {
            return (0, 0, 0, v.to_string());
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(major) = digits.parse::<u64>() else {
            return (0, 0, 0, v.to_string());
        };
        let tail = &rest[digits.len()..];
        let (rank, minor) = if tail.is_empty() {
            (3, 0)
        } else if let Some(n) = tail.strip_prefix("beta") {
            (2, n.parse().unwrap_or(0))
        } else if let Some(n) = tail.strip_prefix("alpha") {
            (1, n.parse().unwrap_or(0))
        } else {
            return (0, 0, 0, v.to_string());
        };
        (rank, major, minor, String::new())
    }
    let (ka, kb) = (key(a), key(b));
    (ka.0, ka.1, ka.2)
        .cmp(&(kb.0, kb.1, kb.2))
        .then_with(|| kb.3.cmp(&ka.3))
}

/// The tree of the Cluster `namespace/name`.
pub(super) async fn discover(
    cluster: &ManagementCluster,
    namespace: &str,
    options: &DescribeClusterOptions,
) -> Result<TreeNode, DescribeError> {
    let name = options.name.as_str();
    let cluster_obj = cluster
        .get(&ObjectRef::new(
            CLUSTER_API_VERSION,
            "Cluster",
            namespace,
            name,
        ))
        .await?
        .ok_or_else(|| DescribeError::ClusterNotFound {
            namespace: namespace.to_string(),
            name: name.to_string(),
        })?;
    let cluster_obj = with_type(cluster_obj, CLUSTER_API_VERSION, "Cluster");
    let mut contracts = Contracts {
        cluster,
        labels: HashMap::new(),
    };
    let mut objects = ClusterObjects {
        graph: ObjectGraph::new([]),
        objects: HashMap::new(),
    };
    let spec_ref = |path: &[&str]| object::get_path(&cluster_obj, path).cloned();
    let infra = contracts
        .follow(spec_ref(&["spec", "infrastructureRef"]).as_ref(), namespace)
        .await;
    let control_plane = contracts
        .follow(spec_ref(&["spec", "controlPlaneRef"]).as_ref(), namespace)
        .await;
    let selector = format!("{CLUSTER_NAME_LABEL}={name}");
    let list = |kind: &'static str| {
        let selector = selector.clone();
        async move {
            cluster
                .list(CLUSTER_API_VERSION, kind, namespace, &selector)
                .await
        }
    };
    let (machines, deployments, sets, pools) = futures::try_join!(
        list("Machine"),
        list("MachineDeployment"),
        list("MachineSet"),
        list("MachinePool")
    )?;
    let cluster_id = objects.add(cluster_obj)?;
    let machine_ids = add_all(&mut objects, machines)?;
    let deployment_ids = add_all(&mut objects, deployments)?;
    let set_ids = add_all(&mut objects, sets)?;
    let pool_ids = add_all(&mut objects, pools)?;
    let refs = follow_refs(&mut contracts, &objects, &machine_ids, &pool_ids, namespace).await;

    let root = Entry::object(
        objects.object(cluster_id),
        NodeRole::Cluster,
        Some("Cluster"),
    );
    let mut tree = TreeBuilder::new(
        root,
        &options.show_other_conditions,
        options.echo,
        options.grouping,
    );
    let root = TreeBuilder::ROOT;
    if let Some(infra) = &infra {
        objects.add(infra.clone())?;
        let entry = Entry::object(infra, NodeRole::Object, None);
        tree.add(root, entry, &meta("ClusterInfrastructure"));
    }
    if options.show_resource_sets {
        add_resource_sets(cluster, &mut tree, namespace, name).await;
    }
    let mut cp_slot = None;
    if let Some(cp) = &control_plane {
        objects.add(cp.clone())?;
        let (group, kind) = (
            object::api_group(cp).to_string(),
            object::kind(cp).to_string(),
        );
        let contract = contracts.contract_version(&group, &kind).await?;
        let mut entry = Entry::object(cp, NodeRole::ControlPlane, None);
        if contract == "v1beta1" {
            entry.node.up_to_date =
                object::get_path(cp, &["status", "updatedReplicas"]).and_then(Value::as_i64);
        }
        let opts = AddOptions {
            grouping_object: true,
            ..meta("ControlPlane")
        };
        let slot = tree.add(root, entry, &opts);
        if let (true, Some(slot)) = (options.show_templates, slot) {
            control_plane_template(&mut contracts, &mut tree, slot, cp, namespace).await?;
        }
        cp_slot = slot;
    }
    let mut layout = Layout {
        tree,
        objects: &objects,
        refs: &refs,
        claimed: Vec::new(),
    };
    let cp_machines: Vec<NodeId> = machine_ids
        .iter()
        .copied()
        .filter(|&m| object::label(objects.object(m), CONTROL_PLANE_LABEL).is_some())
        .collect();
    // Under the control plane (always visible: the Cluster groups nothing).
    if let Some(parent) = cp_slot {
        for &m in &cp_machines {
            layout.machine(parent, m);
        }
    }
    let workers = layout
        .tree
        .detached(Entry::virtual_node(namespace, "WorkerGroup", "Workers"));
    let has_workers = machine_ids.len() != cp_machines.len();
    if has_workers || !pool_ids.is_empty() {
        layout.tree.add_slot(root, workers, &AddOptions::default());
    }
    if has_workers {
        for &md in &deployment_ids {
            layout
                .deployment(&mut contracts, workers, md, &set_ids, options, namespace)
                .await?;
        }
    }
    for &mp in &pool_ids {
        layout.pool(workers, mp);
    }
    let claimed_names: std::collections::BTreeSet<&str> = layout
        .claimed
        .iter()
        .map(|&m| object::name(objects.object(m)))
        .collect();
    if claimed_names.len() < machine_ids.len() {
        let other = layout.tree.add(
            workers,
            Entry::virtual_node(namespace, "OtherGroup", "Other"),
            &AddOptions::default(),
        );
        let unclaimed: Vec<NodeId> = machine_ids
            .iter()
            .copied()
            .filter(|&m| !claimed_names.contains(object::name(objects.object(m))))
            .collect();
        if let Some(other) = other {
            for m in unclaimed {
                layout.machine(other, m);
            }
        }
    }
    Ok(layout.tree.finish())
}

fn meta(name: &'static str) -> AddOptions {
    AddOptions {
        meta_name: Some(name),
        ..AddOptions::default()
    }
}

fn add_all(objects: &mut ClusterObjects, list: Vec<Value>) -> Result<Vec<NodeId>, DescribeError> {
    list.into_iter().map(|o| objects.add(o)).collect()
}

/// The infrastructure and bootstrap objects of Machines and MachinePools, by owner node.
#[derive(Default)]
struct Refs {
    infrastructure: HashMap<NodeId, Value>,
    bootstrap: HashMap<NodeId, Value>,
}

async fn follow_refs(
    contracts: &mut Contracts<'_>,
    objects: &ClusterObjects,
    machines: &[NodeId],
    pools: &[NodeId],
    namespace: &str,
) -> Refs {
    // Learn each kind's apiVersion first, so that the reads below can run at once.
    let mut wanted: Vec<(NodeId, bool, Value)> = Vec::new();
    let paths: [(&[NodeId], [&[&str]; 2]); 2] = [
        (
            machines,
            [
                &["spec", "infrastructureRef"],
                &["spec", "bootstrap", "configRef"],
            ],
        ),
        (
            pools,
            [
                &["spec", "template", "spec", "infrastructureRef"],
                &["spec", "template", "spec", "bootstrap", "configRef"],
            ],
        ),
    ];
    for (ids, [infra_path, bootstrap_path]) in paths {
        for &id in ids {
            let obj = objects.object(id);
            for (is_infra, path) in [(true, infra_path), (false, bootstrap_path)] {
                if let Some(r) = object::get_path(obj, path) {
                    wanted.push((id, is_infra, r.clone()));
                }
            }
        }
    }
    let mut resolved = Vec::new();
    for (id, is_infra, r) in wanted {
        let text = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (group, kind, name) = (text("apiGroup"), text("kind"), text("name"));
        if kind.is_empty() || name.is_empty() {
            continue;
        }
        if let Ok(api_version) = contracts.api_version(&group, &kind).await {
            resolved.push((
                id,
                is_infra,
                ObjectRef::new(&api_version, &kind, namespace, &name),
            ));
        }
    }
    let cluster = contracts.cluster;
    let found: Vec<(NodeId, bool, Option<Value>)> = futures::stream::iter(resolved)
        .map(|(id, is_infra, r)| async move {
            let obj = cluster.get(&r).await.ok().flatten();
            (
                id,
                is_infra,
                obj.map(|o| with_type(o, &r.api_version, &r.kind)),
            )
        })
        .buffered(GET_CONCURRENCY)
        .collect()
        .await;
    let mut refs = Refs::default();
    for (id, is_infra, obj) in found {
        if let Some(obj) = obj {
            let map = if is_infra {
                &mut refs.infrastructure
            } else {
                &mut refs.bootstrap
            };
            map.insert(id, obj);
        }
    }
    refs
}

/// The ClusterResourceSets bound to the Cluster, under a ClusterResourceSets node.
async fn add_resource_sets(
    cluster: &ManagementCluster,
    tree: &mut TreeBuilder,
    namespace: &str,
    name: &str,
) {
    let binding = ObjectRef::new(
        "addons.cluster.x-k8s.io/v1beta2",
        "ClusterResourceSetBinding",
        namespace,
        name,
    );
    let Ok(Some(binding)) = cluster.get(&binding).await else {
        return;
    };
    let group = Entry::virtual_node(namespace, "ClusterResourceSetGroup", "ClusterResourceSets");
    let Some(group) = tree.add(TreeBuilder::ROOT, group, &AddOptions::default()) else {
        return;
    };
    let bindings = object::get_path(&binding, &["spec", "bindings"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for b in bindings {
        let set = b
            .get("clusterResourceSetName")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let entry = Entry::reference(
            "addons.cluster.x-k8s.io/v1beta2",
            "ClusterResourceSet",
            namespace,
            set,
        );
        tree.add(group, entry, &AddOptions::default());
    }
}

/// The control plane's machine template, under a Templates node (`--show-templates`).
async fn control_plane_template(
    contracts: &mut Contracts<'_>,
    tree: &mut TreeBuilder,
    cp_slot: Slot,
    cp: &Value,
    namespace: &str,
) -> Result<(), DescribeError> {
    let (group, kind) = (
        object::api_group(cp).to_string(),
        object::kind(cp).to_string(),
    );
    let version = object::version(cp).to_string();
    let Some(contract) = contracts.contract_of_version(&group, &kind, &version).await else {
        return Err(DescribeError::Contract {
            what: "contract version",
            kind,
            reason: format!("cannot find any contract version matching version {version}"),
        });
    };
    let reference = if contract == "v1beta1" {
        let r = object::get_path(cp, &["spec", "machineTemplate", "infrastructureRef"]);
        let Some(r) = r else { return Ok(()) };
        let text = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Entry::reference(
            &text("apiVersion"),
            &text("kind"),
            &text("namespace"),
            &text("name"),
        )
    } else {
        let r = object::get_path(
            cp,
            &["spec", "machineTemplate", "spec", "infrastructureRef"],
        );
        let Some(r) = r else { return Ok(()) };
        let text = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let api_version = contracts
            .api_version(&text("apiGroup"), &text("kind"))
            .await?;
        Entry::reference(&api_version, &text("kind"), namespace, &text("name"))
    };
    let templates = templates_node(tree, cp_slot, object::name(cp), namespace);
    tree.add(templates, reference, &meta("MachineInfrastructureTemplate"));
    Ok(())
}

/// The virtual Templates node of `parent` (printed first: z-order 1).
fn templates_node(
    tree: &mut TreeBuilder,
    parent: Slot,
    parent_name: &str,
    namespace: &str,
) -> Slot {
    let entry = Entry::virtual_node(namespace, "TemplateGroup", parent_name);
    let opts = AddOptions {
        z_order: 1,
        ..meta("Templates")
    };
    let detached = tree.detached(entry);
    tree.add_slot(parent, detached, &opts).unwrap_or(detached)
}

/// The tree being laid out, with the objects and which Machines are placed.
struct Layout<'a> {
    tree: TreeBuilder,
    objects: &'a ClusterObjects,
    refs: &'a Refs,
    claimed: Vec<NodeId>,
}

impl Layout<'_> {
    /// A Machine, and when it is visible its infrastructure and bootstrap objects unless they
    /// only echo it.
    fn machine(&mut self, parent: Slot, m: NodeId) {
        let obj = self.objects.object(m);
        self.claimed.push(m);
        let entry = Entry::object(obj, NodeRole::Machine, Some("Machine"));
        let Some(slot) = self.tree.add(parent, entry, &AddOptions::default()) else {
            return;
        };
        let no_echo = |name| AddOptions {
            no_echo: true,
            ..meta(name)
        };
        if let Some(infra) = self.refs.infrastructure.get(&m) {
            let entry = Entry::object(infra, NodeRole::Object, None);
            self.tree
                .add(slot, entry, &no_echo("MachineInfrastructure"));
        }
        if let Some(bootstrap) = self.refs.bootstrap.get(&m) {
            let entry = Entry::object(bootstrap, NodeRole::Object, None);
            self.tree.add(slot, entry, &no_echo("BootstrapConfig"));
        }
    }

    async fn deployment(
        &mut self,
        contracts: &mut Contracts<'_>,
        workers: Slot,
        md: NodeId,
        sets: &[NodeId],
        options: &DescribeClusterOptions,
        namespace: &str,
    ) -> Result<(), DescribeError> {
        let obj = self.objects.object(md);
        let entry = Entry::object(obj, NodeRole::MachineDeployment, Some("MachineDeployment"));
        let opts = AddOptions {
            grouping_object: !options.show_machine_sets,
            ..AddOptions::default()
        };
        let md_slot = self.tree.add(workers, entry, &opts);
        // A MachineDeployment merged away still has its Machines placed (never printed).
        let md_slot =
            md_slot.unwrap_or_else(|| self.tree.detached(Entry::virtual_node("", "", "")));
        if options.show_templates {
            let templates = templates_node(&mut self.tree, md_slot, object::name(obj), namespace);
            let template = |path: &[&str]| object::get_path(obj, path).cloned();
            let bootstrap = template(&["spec", "template", "spec", "bootstrap", "configRef"]);
            if let Some(r) = bootstrap.filter(is_defined) {
                let entry = reference_entry(contracts, &r, namespace).await?;
                self.tree
                    .add(templates, entry, &meta("BootstrapConfigTemplate"));
            }
            let infra =
                template(&["spec", "template", "spec", "infrastructureRef"]).unwrap_or(Value::Null);
            let entry = reference_entry(contracts, &infra, namespace).await?;
            self.tree
                .add(templates, entry, &meta("MachineInfrastructureTemplate"));
        }
        let graph = &self.objects.graph;
        for ms in graph.controlled_by(md, CLUSTER_GROUP, "MachineSet") {
            if !sets.contains(&ms) {
                continue;
            }
            let mut parent = md_slot;
            if options.show_machine_sets {
                let entry = Entry::object(
                    self.objects.object(ms),
                    NodeRole::MachineSet,
                    Some("MachineSet"),
                );
                let opts = AddOptions {
                    grouping_object: true,
                    ..AddOptions::default()
                };
                parent = self
                    .tree
                    .add(md_slot, entry, &opts)
                    .unwrap_or_else(|| self.tree.detached(Entry::virtual_node("", "", "")));
            }
            for m in self
                .objects
                .graph
                .controlled_by(ms, CLUSTER_GROUP, "Machine")
            {
                self.machine(parent, m);
            }
        }
        Ok(())
    }

    fn pool(&mut self, workers: Slot, mp: NodeId) {
        let obj = self.objects.object(mp);
        let entry = Entry::object(obj, NodeRole::MachinePool, Some("MachinePool"));
        let opts = AddOptions {
            grouping_object: true,
            ..AddOptions::default()
        };
        let slot = self.tree.add(workers, entry, &opts);
        let no_echo = |name| AddOptions {
            no_echo: true,
            ..meta(name)
        };
        if let Some(slot) = slot {
            if let Some(b) = self.refs.bootstrap.get(&mp) {
                let entry = Entry::object(b, NodeRole::Object, None);
                self.tree.add(slot, entry, &no_echo("BootstrapConfig"));
            }
            if let Some(i) = self.refs.infrastructure.get(&mp) {
                let entry = Entry::object(i, NodeRole::Object, None);
                self.tree
                    .add(slot, entry, &no_echo("MachinePoolInfrastructure"));
            }
        }
        let parent = slot.unwrap_or_else(|| self.tree.detached(Entry::virtual_node("", "", "")));
        for m in self
            .objects
            .graph
            .controlled_by(mp, CLUSTER_GROUP, "Machine")
        {
            self.machine(parent, m);
        }
    }
}

/// A reference with any of apiGroup, kind or name set.
fn is_defined(r: &Value) -> bool {
    ["apiGroup", "kind", "name"].iter().any(|k| {
        r.get(k)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.is_empty())
    })
}

/// A template named by a contract-versioned reference, at its newest apiVersion.
async fn reference_entry(
    contracts: &mut Contracts<'_>,
    r: &Value,
    namespace: &str,
) -> Result<Entry, DescribeError> {
    let text = |k: &str| {
        r.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let api_version = contracts
        .api_version(&text("apiGroup"), &text("kind"))
        .await?;
    Ok(Entry::reference(
        &api_version,
        &text("kind"),
        namespace,
        &text("name"),
    ))
}
