//! The describe table, as clusterctl v1.13.5 prints it (`internal/util/tree`): a borderless,
//! left-aligned table whose NAME column draws the tree, one row per node, continuation rows
//! for long messages, and with `--show-conditions` one row per condition.

use super::text::{age, wrap};
use super::tree::{ClusterTree, Condition, ConditionFilter, TreeNode};

const FIRST: &str = "├─";
const LAST: &str = "└─";
const PIPE: &str = "│ ";
const INDENT: &str = "  ";
/// How wide a condition message may get before it wraps.
const MESSAGE_WIDTH: usize = 100;
/// Types whose normal state is False.
const NEGATIVE_POLARITY: [&str; 7] = [
    "Paused",
    "Deleting",
    "RollingOut",
    "ScalingUp",
    "ScalingDown",
    "Updating",
    "Remediating",
];

/// Terminal colours (fatih/color's codes), or none.
#[derive(Debug, Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn apply(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn gray(self, text: &str) -> String {
        self.apply("90", text)
    }
}

/// The table for `tree`; ages are measured from `now` (Unix seconds).
pub fn render(tree: &ClusterTree, now: i64, colour: bool) -> String {
    let mut table = Table::default();
    let mut ctx = Context {
        paint: Paint(colour),
        now,
        last: last_node(&tree.root),
        table: &mut table,
    };
    ctx.node("", &tree.root, &[]);
    table.render()
}

/// The node printed last (its continuation rows get no prefix).
fn last_node(node: &TreeNode) -> &TreeNode {
    node.children.last().map_or(node, last_node)
}

struct Context<'a> {
    paint: Paint,
    now: i64,
    /// Compared by address: the node printed last.
    last: &'a TreeNode,
    table: &'a mut Table,
}

/// The cells of one row; widths are taken without colour codes.
type Row = [String; 9];

impl Context<'_> {
    /// `lasts`: for each ancestor below the root down to this node, whether it is the last
    /// child of its parent.
    fn node(&mut self, prefix: &str, node: &TreeNode, lasts: &[bool]) {
        let p = self.paint;
        let mut status = String::new();
        let mut reason = String::new();
        let mut since = String::new();
        let mut message = String::new();
        if let Some(c) = &node.summary {
            let (s, r, a, m) = self.condition_cells(c, true);
            (status, reason, since, message) = (s, r, a, m);
        }
        if let Some(group) = &node.group {
            let shown = if group.items.len() <= 2 {
                format!("See {}", group.items.join(", "))
            } else {
                format!("See {}, ...", group.items[..2].join(", "))
            };
            message = p.gray(&shown);
        }
        if node.show_conditions != ConditionFilter::None {
            (status, reason, since, message) = Default::default();
        }
        let count = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let replicas = node.replicas.map_or(String::new(), |r| match r.desired {
            Some(d) => format!("{}/{d}", r.current),
            None => r.current.to_string(),
        });
        let mut lines = message.split('\n');
        let first = lines.next().unwrap_or_default().to_string();
        self.table.push([
            format!("{}{}", p.gray(prefix), self.row_name(node)),
            replicas,
            count(node.available),
            count(node.ready),
            count(node.up_to_date),
            status,
            reason,
            since,
            first,
        ]);
        let rest: Vec<&str> = lines.collect();
        if !rest.is_empty() {
            let multiline = if std::ptr::eq(node, self.last) {
                String::new()
            } else {
                let mut s: String = lasts
                    .iter()
                    .map(|&last| if last { INDENT } else { PIPE })
                    .collect();
                if !node.children.is_empty() {
                    s.push_str(PIPE);
                }
                s
            };
            for m in rest {
                self.table.push(continuation(p.gray(&multiline), m));
            }
        }
        self.conditions(prefix, node);
        let n = node.children.len();
        for (i, child) in node.children.iter().enumerate() {
            let mut child_lasts = lasts.to_vec();
            child_lasts.push(i + 1 == n);
            self.node(&child_prefix(prefix, i, n), child, &child_lasts);
        }
    }

    fn row_name(&self, node: &TreeNode) -> String {
        let p = self.paint;
        if node.group.is_some() {
            return p.apply("37;1", &node.row_name());
        }
        if node.role == super::tree::NodeRole::Virtual {
            return node.row_name();
        }
        let mut name = format!("{}/{}", node.kind, p.apply("1", &node.name));
        if let Some(meta) = &node.meta_name {
            name = format!("{meta} - {}", p.gray(&name));
        }
        if node.deleting {
            name = format!("{} {name}", p.apply("31", "!! DELETED !!"));
        }
        name
    }

    /// Status (coloured), reason, age and wrapped message of a condition.
    fn condition_cells(&self, c: &Condition, positive: bool) -> (String, String, String, String) {
        let code = match (c.status.as_str(), positive) {
            ("False", true) | ("True", false) => "31",
            ("False", false) | ("True", true) => "32",
            ("Unknown", _) => "33",
            _ => "90",
        };
        (
            self.paint.apply(code, &c.status),
            c.reason.clone(),
            age(c.last_transition_time.as_deref(), self.now),
            wrap(&c.message, MESSAGE_WIDTH),
        )
    }

    /// One row per condition `--show-conditions` asks for, under the node's row.
    fn conditions(&mut self, prefix: &str, node: &TreeNode) {
        let p = self.paint;
        let shown: Vec<&Condition> = match node.show_conditions {
            ConditionFilter::None => return,
            ConditionFilter::All => node.conditions.iter().collect(),
            ConditionFilter::NonZero => node
                .conditions
                .iter()
                .filter(|c| {
                    matches!(c.kind.as_str(), "Available" | "Ready")
                        || !is_zero(c, positive(&c.kind))
                })
                .collect(),
        };
        let pipe = if node.children.is_empty() {
            INDENT
        } else {
            PIPE
        };
        let base = format!("{prefix}{pipe}{}", " ".repeat(10));
        for (i, c) in shown.iter().enumerate() {
            let row_prefix = child_prefix(&base, i, shown.len());
            let (status, reason, since, message) = self.condition_cells(c, positive(&c.kind));
            let mut lines = message.split('\n');
            self.table.push([
                format!("{}{}", p.gray(&row_prefix), p.apply("36", &c.kind)),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                status,
                reason,
                since,
                lines.next().unwrap_or_default().to_string(),
            ]);
            let multiline = multiline_condition_prefix(&row_prefix);
            for m in lines {
                self.table.push(continuation(p.gray(&multiline), m));
            }
        }
    }
}

fn continuation(prefix: String, message: &str) -> Row {
    let mut row: Row = Default::default();
    row[0] = prefix;
    row[8] = message.to_string();
    row
}

fn positive(kind: &str) -> bool {
    !NEGATIVE_POLARITY.contains(&kind)
}

/// A condition in its normal state with no message (hidden by the `+` filters).
fn is_zero(c: &Condition, positive: bool) -> bool {
    match c.status.as_str() {
        "False" if positive => false,
        "Unknown" => false,
        "True" if !positive => false,
        _ => c.message.is_empty(),
    }
}

/// clusterctl's `getChildPrefix`.
fn child_prefix(current: &str, index: usize, count: usize) -> String {
    let next = current.replace(FIRST, PIPE).replace(LAST, "  ");
    if index + 1 < count {
        next + FIRST
    } else {
        next + LAST
    }
}

/// clusterctl's `getMultilineConditionPrefix`.
fn multiline_condition_prefix(current: &str) -> String {
    if let Some(p) = current.strip_suffix(FIRST) {
        return format!("{p}{PIPE}");
    }
    if let Some(p) = current.strip_suffix(LAST) {
        return p.to_string();
    }
    "?".to_string()
}

const HEADER: [&str; 9] = [
    "NAME",
    "REPLICAS",
    "AVAILABLE",
    "READY",
    "UP TO DATE",
    "STATUS",
    "REASON",
    "SINCE",
    "MESSAGE",
];

/// A borderless table: columns as wide as their widest cell, the header padded by one space
/// and rows by two, as clusterctl configures tablewriter.
#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    fn render(&self) -> String {
        let mut widths: Vec<usize> = HEADER.iter().map(|h| h.chars().count() + 1).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(display_width(cell) + 2);
            }
        }
        let mut out = String::new();
        let header: Vec<String> = HEADER.iter().map(|h| (*h).to_string()).collect();
        write_line(&mut out, &header, &widths);
        for row in &self.rows {
            write_line(&mut out, row, &widths);
        }
        out
    }
}

fn write_line(out: &mut String, cells: &[String], widths: &[usize]) {
    for (cell, &w) in cells.iter().zip(widths) {
        out.push_str(cell);
        out.push_str(&" ".repeat(w.saturating_sub(display_width(cell))));
    }
    out.push('\n');
}

/// Characters on screen: colour codes take none.
fn display_width(s: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}
