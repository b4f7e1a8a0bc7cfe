//! Why a move refused to start or stopped. Each variant names the objects it is about and,
//! where the fix is not obvious, says it.

use std::fmt;
use std::time::Duration;

use crate::cluster::ClusterError;

/// A move that cannot be done, or was done only in part.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// No target: neither `--to-kubeconfig`, `--to-directory`, `--from-directory` nor
    /// `--dry-run`.
    #[error(
        "please specify a target cluster using the --to-kubeconfig flag when not using --dry-run, --to-directory or --from-directory"
    )]
    NoTarget,
    /// Two options that exclude each other.
    #[error(
        "if any flags in the group [{first} {second}] are set none of the others can be; [{first} {second}] were all set"
    )]
    Exclusive {
        /// The first flag, without dashes.
        first: &'static str,
        /// The second flag.
        second: &'static str,
    },
    /// `--filter-cluster` names a Cluster that is not in the namespace moved.
    #[error(
        "cluster {name:?} not found in namespace {namespace:?}: --filter-cluster takes the name of a Cluster in the namespace being moved (-n)"
    )]
    UnknownCluster {
        /// The name given.
        name: String,
        /// The namespace moved.
        namespace: String,
    },
    /// The target already holds objects the move would create, and they were not created by
    /// an earlier run of this move.
    #[error(
        "{} already exist in the target cluster and were not created by a move from this source: {}; delete them from the target (or move them back) and run the move again",
        if .objects.len() == 1 { "1 object" } else { "objects" },
        list(.objects)
    )]
    AlreadyOnTarget {
        /// `Kind namespace/name` of each object.
        objects: Vec<String>,
    },
    /// ownerReferences that go round in a circle: none of these objects can be created
    /// before the others.
    #[error(
        "ownerReferences form a cycle: {}; none of these objects can be created before the others: remove one of these ownerReferences and run the move again",
        .objects.join(" is owned by ")
    )]
    OwnerCycle {
        /// `Kind namespace/name` of each object, each owned by the next (the first repeats
        /// at the end).
        objects: Vec<String>,
    },
    /// Objects still carry `clusterctl.cluster.x-k8s.io/block-move` when the time is up.
    #[error(
        "move blocked: after {} these objects still have the clusterctl.cluster.x-k8s.io/block-move annotation: {}; wait for the provider that set it (or remove it yourself) and run the move again, or raise --block-move-timeout",
        crate::cluster::go_duration(*.waited),
        list(.objects)
    )]
    Blocked {
        /// `Kind namespace/name` of each object.
        objects: Vec<String>,
        /// How long the move waited.
        waited: Duration,
    },
    /// A check before the move refused it.
    #[error(transparent)]
    Check(#[from] super::checks::CheckError),
    /// The backup directory, or a file in it.
    #[error(transparent)]
    Directory(#[from] super::directory::DirectoryError),
    /// Some objects could not be written. Nothing was deleted from the source when creating
    /// failed; running the same command again carries on.
    #[error("{phase}: {}{}", list_failures(.failures), resume_hint(*.resumable))]
    Objects {
        /// What was being done (`failed to create objects in the target cluster`).
        phase: &'static str,
        /// Each object and why.
        failures: Vec<ObjectFailure>,
        /// Whether running the move again completes it.
        resumable: bool,
    },
}

/// One object a move could not write.
#[derive(Debug)]
pub struct ObjectFailure {
    /// `Kind namespace/name`.
    pub object: String,
    /// Why.
    pub cause: FailureCause,
}

/// Why one object could not be written.
#[derive(Debug)]
pub enum FailureCause {
    /// The API server refused or could not be reached.
    Cluster(ClusterError),
    /// An object of that name appeared on the target after the move checked it, and no move
    /// created it.
    Foreign,
    /// The object as read has no `metadata` to build the copy from.
    NoMetadata,
}

impl fmt::Display for ObjectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            FailureCause::Cluster(e) => write!(f, "{}: {e}", self.object),
            FailureCause::Foreign => write!(
                f,
                "{}: it already exists in the target cluster, created by someone else; delete it there and run the move again",
                self.object
            ),
            FailureCause::NoMetadata => write!(
                f,
                "{}: it has no metadata; check the object on the source",
                self.object
            ),
        }
    }
}

fn list(objects: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut out = objects
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if objects.len() > SHOWN {
        out.push_str(&format!(" and {} more", objects.len() - SHOWN));
    }
    out
}

fn list_failures(failures: &[ObjectFailure]) -> String {
    crate::ops::aggregate(&failures.iter().map(ToString::to_string).collect::<Vec<_>>())
}

fn resume_hint(resumable: bool) -> &'static str {
    if resumable {
        "; nothing was deleted that the target does not hold: fix the cause and run the same command again to finish the move"
    } else {
        ""
    }
}
