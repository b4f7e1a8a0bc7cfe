//! `move`: Cluster API objects from one management cluster to another, or to and from a
//! directory (clusterctl's backup format). Discovery builds the owner graph
//! ([`crate::graph`]) from the source, the checks refuse what cannot move, and the run
//! pauses, creates on the target group after group, deletes from the source in reverse and
//! unpauses on the target. The progress of an interrupted move is kept on the objects
//! themselves, so running the same command again completes it.

pub mod checks;
pub mod directory;
