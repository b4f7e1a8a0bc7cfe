//! The order in which a move creates objects: groups whose owners are all in earlier groups.

use super::ObjectGraph;
use super::node::NodeId;

/// The move sequence: create group 0 first, then group 1, ...; delete in reverse. Objects
/// within a group do not depend on each other. Build it with [`move_sequence`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MoveSequence {
    groups: Vec<Vec<NodeId>>,
    left_out: Vec<LeftOut>,
}

/// A node of the move set that no group can hold, because one of its owners will not be
/// on the target before it. clusterctl drops these silently; a move should report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// The node left out.
    pub node: NodeId,
    /// Why.
    pub reason: LeftOutReason,
}

/// Why a node of the move set is not scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOutReason {
    /// An owner was never observed: its type is not one the move reads.
    VirtualOwner {
        /// The unobserved owner.
        owner: NodeId,
    },
    /// An owner (or soft owner) exists but does not move (it belongs to no tenant).
    OwnerNotMoved {
        /// The owner that stays behind.
        owner: NodeId,
    },
    /// The owner moves but is itself left out, or owns this node in a cycle.
    OwnerLeftOut {
        /// The owner that is left out too.
        owner: NodeId,
    },
}

impl MoveSequence {
    /// The groups, in creation order.
    pub fn groups(&self) -> &[Vec<NodeId>] {
        &self.groups
    }

    /// The nodes of the move set that are not in any group, with the reason.
    pub fn left_out(&self) -> &[LeftOut] {
        &self.left_out
    }

    /// Every scheduled node, in creation order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.groups.iter().flatten().copied()
    }
}

/// Orders the move set of `graph` (see [`ObjectGraph::move_nodes`]) into groups: a node
/// joins the first group after all its owners and soft owners, so each group can be
/// created once the earlier ones exist. Nodes whose owners never get scheduled are returned
/// in [`MoveSequence::left_out`] instead.
pub fn move_sequence(graph: &ObjectGraph) -> MoveSequence {
    let mut pending = graph.move_nodes();
    let mut scheduled = vec![false; graph.len()];
    let mut groups = Vec::new();
    loop {
        // Decide the whole group before marking it, so a node never joins the group of
        // its own owner.
        let (group, rest): (Vec<NodeId>, Vec<NodeId>) = pending
            .into_iter()
            .partition(|&id| graph.owners_of(id).iter().all(|o| scheduled[o.0]));
        pending = rest;
        if group.is_empty() {
            break;
        }
        for id in &group {
            scheduled[id.0] = true;
        }
        groups.push(group);
    }
    let left_out = pending
        .into_iter()
        .map(|node| LeftOut {
            node,
            reason: left_out_reason(graph, node, &scheduled),
        })
        .collect();
    MoveSequence { groups, left_out }
}

fn left_out_reason(graph: &ObjectGraph, id: NodeId, scheduled: &[bool]) -> LeftOutReason {
    let owners = graph.owners_of(id);
    let blocking = || owners.iter().copied().filter(|o| !scheduled[o.0]);
    // Prefer the root cause over "an owner is left out too".
    if let Some(owner) = blocking().find(|&o| graph.node(o).is_virtual()) {
        return LeftOutReason::VirtualOwner { owner };
    }
    if let Some(owner) = blocking().find(|&o| !graph.is_moved(o)) {
        return LeftOutReason::OwnerNotMoved { owner };
    }
    match blocking().next() {
        Some(owner) => LeftOutReason::OwnerLeftOut { owner },
        // Unreachable by construction: a node with every owner scheduled is scheduled.
        None => LeftOutReason::OwnerLeftOut { owner: id },
    }
}
