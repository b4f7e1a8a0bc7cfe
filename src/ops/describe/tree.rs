//! The describe tree as data: one [`TreeNode`] per row clusterctl prints, built the way
//! clusterctl's `ObjectTree.Add` builds it (echoes dropped, siblings with the same
//! Available / Ready / UpToDate conditions merged into a group), and free of any rendering.

use serde::Serialize;
use serde_json::Value;

use crate::object;

/// The API version of the nodes that stand for no object (Workers, groups, Templates).
pub const VIRTUAL_API_VERSION: &str = "virtual.cluster.x-k8s.io/v1beta2";

/// One condition of an object (`metav1.Condition`; `severity` only for v1beta1 conditions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The condition type, e.g. `Ready`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// The machine-readable reason.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The human-readable message, as written (describe wraps it at 100 columns).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// RFC 3339; absent when the condition has none (a group's Available and UpToDate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}

impl Condition {
    /// Reads one entry of a `conditions` list; `None` without a type.
    pub fn from_value(v: &Value) -> Option<Condition> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
        if text("type").is_empty() {
            return None;
        }
        Some(Condition {
            kind: text("type").to_string(),
            status: text("status").to_string(),
            reason: text("reason").to_string(),
            message: text("message").to_string(),
            last_transition_time: Some(text("lastTransitionTime"))
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        })
    }
}

/// What a node stands for, which decides the counters and the condition on its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NodeRole {
    /// The Cluster (the root).
    Cluster,
    /// A MachineDeployment.
    MachineDeployment,
    /// A MachineSet (`--show-machinesets`).
    MachineSet,
    /// A Machine.
    Machine,
    /// A MachinePool (clusterctl prints no counters nor condition for it).
    MachinePool,
    /// The object of the Cluster's `controlPlaneRef` (control plane contract counters).
    ControlPlane,
    /// Any other object read from the cluster (infrastructure, bootstrap configs).
    Object,
    /// A name for objects not read (templates, ClusterResourceSets).
    Reference,
    /// A node for no object: Workers, Other, Templates, ClusterResourceSets.
    Virtual,
    /// Siblings merged because their conditions match.
    Group,
}

/// Which conditions of a node `--show-conditions` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ConditionFilter {
    /// None: the row shows the node's summary condition.
    #[default]
    None,
    /// Every condition, one row each.
    All,
    /// Only conditions off their normal state or with a message (plus Available and Ready).
    NonZero,
}

/// `current/desired`, or a lone `1` for a Machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplicaCount {
    /// Replicas that exist.
    pub current: i64,
    /// Replicas wanted; `None` for a Machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desired: Option<i64>,
}

/// The members of a group node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembers {
    /// The names of the merged objects, sorted.
    pub items: Vec<String>,
    /// How many are Available.
    pub available: i64,
    /// How many are Ready.
    pub ready: i64,
    /// How many are UpToDate.
    pub up_to_date: i64,
}

/// One row of the tree and the rows below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeNode {
    /// The kind (`Machine`, `WorkerGroup`, `MachineGroup`, ...).
    pub kind: String,
    /// The object's apiVersion ([`VIRTUAL_API_VERSION`] for virtual and group nodes).
    pub api_version: String,
    /// The namespace.
    pub namespace: String,
    /// The object name (for virtual nodes: `Workers`, `Other`, ...).
    pub name: String,
    /// The role shown before the name (`ControlPlane`, `ClusterInfrastructure`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_name: Option<String>,
    /// What the node stands for.
    pub role: NodeRole,
    /// The object has a deletionTimestamp.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleting: bool,
    /// Children with a higher z-order come first.
    #[serde(skip_serializing_if = "is_zero")]
    pub z_order: i32,
    /// The REPLICAS column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<ReplicaCount>,
    /// The AVAILABLE column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<i64>,
    /// The READY column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<i64>,
    /// The UP TO DATE column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_to_date: Option<i64>,
    /// The condition the row shows (Available or Ready, by role).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Condition>,
    /// All the object's conditions, in the object's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The conditions `--show-conditions` lists for this node.
    #[serde(skip_serializing_if = "is_no_filter")]
    pub show_conditions: ConditionFilter,
    /// For a group node: what it merges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupMembers>,
    /// The rows below, in print order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TreeNode>,
}

fn is_zero(z: &i32) -> bool {
    *z == 0
}

fn is_no_filter(f: &ConditionFilter) -> bool {
    *f == ConditionFilter::None
}

impl TreeNode {
    /// The condition of `kind`, if the node has it.
    pub fn condition(&self, kind: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }

    /// The name column without tree prefix nor colour: `Kind/name`, `Meta - Kind/name`,
    /// `N Kinds...` for groups, the name (or meta name) for virtual nodes.
    pub fn row_name(&self) -> String {
        if let Some(group) = &self.group {
            let kind = self.kind.strip_suffix("Group").unwrap_or(&self.kind);
            return format!("{} {}...", group.items.len(), plural_kind(kind));
        }
        if self.role == NodeRole::Virtual {
            return self.meta_name.clone().unwrap_or_else(|| self.name.clone());
        }
        let mut name = format!("{}/{}", self.kind, self.name);
        if let Some(meta) = &self.meta_name {
            name = format!("{meta} - {name}");
        }
        if self.deleting {
            name = format!("!! DELETED !! {name}");
        }
        name
    }

    /// Sorts children as clusterctl prints them: z-order descending, then row name.
    pub(crate) fn sort_children(&mut self) {
        self.children.sort_by(|a, b| {
            b.z_order
                .cmp(&a.z_order)
                .then_with(|| a.row_name().cmp(&b.row_name()))
        });
        for child in &mut self.children {
            child.sort_children();
        }
    }
}

/// `Machine` → `Machines`, as flect pluralizes kinds.
fn plural_kind(kind: &str) -> String {
    let lower = kind.to_lowercase();
    let plural = crate::components::plural::pluralize(&lower);
    match plural.strip_prefix(&lower) {
        Some(suffix) => format!("{kind}{suffix}"),
        None => {
            let mut chars = plural.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// An object (or virtual object) about to enter the tree, with what its row shows.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) node: TreeNode,
    /// Whether clusterctl can read an UpToDate condition from it (typed objects, groups).
    pub(crate) typed: bool,
}

impl Entry {
    /// A node for an object read from the cluster.
    pub(crate) fn object(obj: &Value, role: NodeRole, kind: Option<&str>) -> Entry {
        let typed = matches!(
            role,
            NodeRole::Cluster
                | NodeRole::MachineDeployment
                | NodeRole::MachineSet
                | NodeRole::Machine
                | NodeRole::MachinePool
        );
        let conditions = conditions_of(obj, typed);
        let mut node = TreeNode {
            kind: kind.unwrap_or(object::kind(obj)).to_string(),
            api_version: object::api_version(obj).to_string(),
            namespace: object::namespace(obj).to_string(),
            name: object::name(obj).to_string(),
            meta_name: None,
            role,
            deleting: object::get_path(obj, &["metadata", "deletionTimestamp"])
                .is_some_and(|v| !v.is_null()),
            z_order: 0,
            replicas: None,
            available: None,
            ready: None,
            up_to_date: None,
            summary: None,
            conditions,
            show_conditions: ConditionFilter::None,
            group: None,
            children: Vec::new(),
        };
        super::row::fill(&mut node, obj);
        Entry { node, typed }
    }

    /// A node for no object (`Workers`, `Other`, `Templates`, ...).
    pub(crate) fn virtual_node(namespace: &str, kind: &str, name: &str) -> Entry {
        Entry {
            node: TreeNode {
                kind: kind.to_string(),
                api_version: VIRTUAL_API_VERSION.to_string(),
                namespace: namespace.to_string(),
                name: name.to_string(),
                meta_name: None,
                role: NodeRole::Virtual,
                deleting: false,
                z_order: 0,
                replicas: None,
                available: None,
                ready: None,
                up_to_date: None,
                summary: None,
                conditions: Vec::new(),
                show_conditions: ConditionFilter::None,
                group: None,
                children: Vec::new(),
            },
            typed: true,
        }
    }

    /// A node naming an object that is not read (a template, a ClusterResourceSet).
    pub(crate) fn reference(api_version: &str, kind: &str, namespace: &str, name: &str) -> Entry {
        let mut entry = Entry::virtual_node(namespace, kind, name);
        entry.node.api_version = api_version.to_string();
        entry.node.role = NodeRole::Reference;
        entry
    }

    fn available(&self) -> Option<&Condition> {
        self.node.condition("Available")
    }

    fn ready(&self) -> Option<&Condition> {
        self.node.condition("Ready")
    }

    fn up_to_date(&self) -> Option<&Condition> {
        self.typed
            .then(|| self.node.condition("UpToDate"))
            .flatten()
    }
}

/// v1beta2 conditions: typed objects read `status.conditions`; others prefer
/// `status.v1beta2.conditions` (objects still on the v1beta1 contract keep theirs there).
fn conditions_of(obj: &Value, typed: bool) -> Vec<Condition> {
    let list = if typed {
        object::get_path(obj, &["status", "conditions"])
    } else {
        object::get_path(obj, &["status", "v1beta2", "conditions"])
            .filter(|v| v.is_array())
            .or_else(|| object::get_path(obj, &["status", "conditions"]))
    };
    list.and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Condition::from_value).collect())
        .unwrap_or_default()
}

/// How an object is added (clusterctl's `AddObjectOption`s).
#[derive(Debug, Clone, Default)]
pub(crate) struct AddOptions {
    pub(crate) meta_name: Option<&'static str>,
    pub(crate) grouping_object: bool,
    pub(crate) no_echo: bool,
    pub(crate) z_order: i32,
}

/// A node's place in the builder.
pub(crate) type Slot = usize;

struct Item {
    entry: Entry,
    parent: Option<Slot>,
    children: Vec<Slot>,
    grouping: bool,
    attached: bool,
}

/// Builds the tree as clusterctl's `ObjectTree` does; [`TreeBuilder::finish`] gives the
/// nested, sorted [`TreeNode`]s.
pub(crate) struct TreeBuilder {
    items: Vec<Item>,
    show_conditions: String,
    echo: bool,
    grouping: bool,
}

impl TreeBuilder {
    /// A tree with `root` (the Cluster) at its top.
    pub(crate) fn new(mut root: Entry, show_conditions: &str, echo: bool, grouping: bool) -> Self {
        root.node.show_conditions = condition_filter(&root.node, show_conditions);
        TreeBuilder {
            items: vec![Item {
                entry: root,
                parent: None,
                children: Vec::new(),
                grouping: false,
                attached: true,
            }],
            show_conditions: show_conditions.to_string(),
            echo,
            grouping,
        }
    }

    /// The root's slot.
    pub(crate) const ROOT: Slot = 0;

    /// A slot for a node that is not (yet) in the tree: a virtual parent that may be added
    /// later, or never (its children are then never printed, as with clusterctl).
    pub(crate) fn detached(&mut self, entry: Entry) -> Slot {
        self.items.push(Item {
            entry,
            parent: None,
            children: Vec::new(),
            grouping: false,
            attached: false,
        });
        self.items.len() - 1
    }

    /// Adds `entry` under `parent`; returns its slot when it is visible (not dropped as an
    /// echo, not merged into a group).
    pub(crate) fn add(&mut self, parent: Slot, entry: Entry, opts: &AddOptions) -> Option<Slot> {
        let slot = self.detached(entry);
        self.add_slot(parent, slot, opts)
    }

    /// [`TreeBuilder::add`] for a slot from [`TreeBuilder::detached`]; adding it again is
    /// harmless.
    pub(crate) fn add_slot(&mut self, parent: Slot, slot: Slot, opts: &AddOptions) -> Option<Slot> {
        let filter = condition_filter(&self.items[slot].entry.node, &self.show_conditions);
        self.items[slot].entry.node.show_conditions = filter;
        if opts.no_echo && !self.echo {
            let obj_ready = self.items[slot].entry.ready();
            let parent_ready = self.items[parent].entry.ready();
            if obj_ready.is_some_and(|c| c.status == "True") || same(parent_ready, obj_ready) {
                return None;
            }
        }
        let node = &mut self.items[slot].entry.node;
        if let Some(meta) = opts.meta_name {
            node.meta_name = Some(meta.to_string());
        }
        node.z_order = opts.z_order;
        if self.items[parent].grouping && self.merge_into_group(parent, slot) {
            return None;
        }
        if opts.grouping_object && self.grouping {
            self.items[slot].grouping = true;
        }
        self.attach(parent, slot);
        Some(slot)
    }

    fn attach(&mut self, parent: Slot, slot: Slot) {
        if self.items[slot].parent != Some(parent) {
            if let Some(old) = self.items[slot].parent {
                self.items[old].children.retain(|&c| c != slot);
            }
            self.items[parent].children.push(slot);
            self.items[slot].parent = Some(parent);
        }
        self.items[slot].attached = true;
    }

    /// clusterctl's grouping: the first sibling (by kind) whose Available, Ready and UpToDate
    /// match takes the new object in, as a new group or into its existing group.
    fn merge_into_group(&mut self, parent: Slot, slot: Slot) -> bool {
        let mut siblings = self.items[parent].children.clone();
        siblings.sort_by(|&a, &b| {
            self.items[a]
                .entry
                .node
                .kind
                .cmp(&self.items[b].entry.node.kind)
        });
        for s in siblings {
            let (obj, sib) = (&self.items[slot].entry, &self.items[s].entry);
            let matches = same(obj.available(), sib.available())
                && same(obj.ready(), sib.ready())
                && same(obj.up_to_date(), sib.up_to_date());
            if !matches {
                continue;
            }
            let is_group = sib.node.group.is_some();
            if is_group && sib.node.kind == format!("{}Group", obj.node.kind) {
                self.update_group(s, slot);
                return true;
            }
            if !is_group && sib.node.kind != obj.node.kind {
                continue;
            }
            let group = self.new_group(s, slot);
            let g = self.detached(group);
            self.attach(parent, g);
            self.remove(parent, s);
            return true;
        }
        false
    }

    fn new_group(&self, sibling: Slot, slot: Slot) -> Entry {
        let obj = &self.items[slot].entry;
        let sib = &self.items[sibling].entry;
        let ready_name = match obj.ready() {
            Some(r) => format!("zz_{}_{}", r.status, r.reason),
            None => "zzz".to_string(),
        };
        let mut group = Entry::virtual_node(
            &obj.node.namespace,
            &format!("{}Group", obj.node.kind),
            &ready_name,
        );
        group.node.role = NodeRole::Group;
        group.node.z_order = obj.node.z_order;
        let mut items = vec![obj.node.name.clone(), sib.node.name.clone()];
        items.sort();
        let both = |c: Option<&Condition>| {
            if c.is_some_and(|c| c.status == "True") {
                2
            } else {
                0
            }
        };
        let members = GroupMembers {
            items,
            available: both(obj.available()),
            ready: both(obj.ready()),
            up_to_date: both(obj.up_to_date()),
        };
        let blank = |c: &Condition, time: Option<String>| Condition {
            message: String::new(),
            last_transition_time: time,
            ..c.clone()
        };
        if let Some(c) = obj.available() {
            group.node.conditions.push(blank(c, None));
        }
        if let Some(c) = obj.ready() {
            let time = earliest(obj.ready(), sib.ready());
            group.node.conditions.push(blank(c, time));
        }
        if let Some(c) = obj.up_to_date() {
            group.node.conditions.push(blank(c, None));
        }
        group.node.group = Some(members);
        super::row::fill_group(&mut group.node);
        group
    }

    fn update_group(&mut self, group: Slot, slot: Slot) {
        let obj = self.items[slot].entry.clone();
        let node = &mut self.items[group].entry.node;
        let time = earliest(obj.ready(), node.condition("Ready"));
        if let Some(ready) = node.conditions.iter_mut().find(|c| c.kind == "Ready") {
            ready.last_transition_time = time;
            ready.message.clear();
        }
        let is_true = |c: Option<&Condition>| i64::from(c.is_some_and(|c| c.status == "True"));
        if let Some(members) = &mut node.group {
            members.items.push(obj.node.name.clone());
            members.items.sort();
            members.available += is_true(obj.available());
            members.ready += is_true(obj.ready());
            members.up_to_date += is_true(obj.up_to_date());
        }
        super::row::fill_group(node);
    }

    fn remove(&mut self, parent: Slot, slot: Slot) {
        self.items[parent].children.retain(|&c| c != slot);
        self.items[slot].parent = None;
        self.items[slot].attached = false;
    }

    /// The nested tree, children in print order.
    pub(crate) fn finish(self) -> TreeNode {
        let mut root = self.nest(Self::ROOT);
        root.sort_children();
        root
    }

    fn nest(&self, slot: Slot) -> TreeNode {
        let item = &self.items[slot];
        let mut node = item.entry.node.clone();
        node.children = item
            .children
            .iter()
            .filter(|&&c| self.items[c].attached)
            .map(|&c| self.nest(c))
            .collect();
        node
    }
}

/// clusterctl's `hasSameStatusAndReason`: both absent, or same status and reason.
fn same(a: Option<&Condition>, b: Option<&Condition>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.status == b.status && a.reason == b.reason,
        _ => false,
    }
}

/// The earlier lastTransitionTime of two conditions (RFC 3339 texts in UTC compare as times).
fn earliest(a: Option<&Condition>, b: Option<&Condition>) -> Option<String> {
    let time = |c: Option<&Condition>| c.and_then(|c| c.last_transition_time.clone());
    match (a, b) {
        (Some(_), None) => time(a),
        (None, _) => time(b),
        (Some(_), Some(_)) => {
            let (ta, tb) = (time(a), time(b));
            let (sa, sb) = (
                ta.as_deref().map(super::text::unix_seconds),
                tb.as_deref().map(super::text::unix_seconds),
            );
            // A missing time is Go's zero time, earlier than any other.
            if sa.unwrap_or(i64::MIN) > sb.unwrap_or(i64::MIN) {
                tb
            } else {
                ta
            }
        }
    }
}

/// clusterctl's `showConditions`: `all`, `Kind` or `Kind/name` (case-insensitive), each with
/// an optional `+` for non-zero conditions only; the first entry that matches wins.
pub(crate) fn condition_filter(node: &TreeNode, spec: &str) -> ConditionFilter {
    let pick = |plus: bool| {
        if plus {
            ConditionFilter::NonZero
        } else {
            ConditionFilter::All
        }
    };
    for filter in spec.split(',').filter(|f| !f.is_empty()) {
        let plus = filter.ends_with('+');
        if filter
            .strip_suffix('+')
            .unwrap_or(filter)
            .eq_ignore_ascii_case("all")
        {
            return pick(plus);
        }
        let parts: Vec<&str> = filter.split('/').collect();
        if parts.len() == 2 {
            let name = parts[1].strip_suffix('+').unwrap_or(parts[1]);
            if node.kind.eq_ignore_ascii_case(parts[0]) && node.name.eq_ignore_ascii_case(name) {
                return pick(parts[1].ends_with('+'));
            }
            continue;
        }
        let kind = parts[0].strip_suffix('+').unwrap_or(parts[0]);
        if node.kind.eq_ignore_ascii_case(kind) {
            return pick(parts[0].ends_with('+'));
        }
    }
    ConditionFilter::None
}

/// What `describe cluster` found: the Cluster and the rows below it. Print it with
/// [`render`](super::render::render), or serialize it (`-o json|yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterTree {
    /// The Cluster's node; everything else hangs below it, in print order.
    pub root: TreeNode,
}
