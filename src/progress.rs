//! Progress reporting from long operations (fetching providers, applying objects, waiting), so
//! that a front end can draw progress bars. The library never writes to the terminal itself: it
//! logs through `tracing` and reports steps here; the CLI decides how to show them.

/// One step of a long operation. `subject` names what the step is about: a provider's manifest
/// label (`infrastructure-docker`), `cert-manager`, or `inventory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressEvent<'a> {
    /// Fetching the manifests of `count` providers starts.
    FetchStarted {
        /// How many providers will be fetched.
        count: usize,
    },
    /// One provider's manifest and metadata were fetched and processed.
    Fetched {
        /// The provider's manifest label.
        subject: &'a str,
    },
    /// All fetches are over (successfully or not).
    FetchFinished,
    /// Applying `count` objects of `subject` starts.
    ApplyStarted {
        /// Provider label or `cert-manager`.
        subject: &'a str,
        /// Number of objects to apply.
        count: usize,
    },
    /// One object of `subject` was applied.
    Applied {
        /// Provider label or `cert-manager`.
        subject: &'a str,
        /// `Kind namespace/name` of the object.
        object: &'a str,
    },
    /// Applying `subject` is over.
    ApplyFinished {
        /// Provider label or `cert-manager`.
        subject: &'a str,
    },
    /// Waiting for something to become ready starts (`cert-manager`, a Deployment, a CRD).
    WaitStarted {
        /// What is waited for.
        subject: &'a str,
    },
    /// The wait for `subject` is over.
    WaitFinished {
        /// What was waited for.
        subject: &'a str,
    },
}

/// Receives [`ProgressEvent`]s. Implementations must be cheap and must not block: events come
/// from concurrent tasks. Use [`NoProgress`] when nobody is watching.
pub trait Progress: Send + Sync {
    /// Called for every step.
    fn event(&self, event: ProgressEvent<'_>);
}

/// A [`Progress`] that ignores every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn event(&self, _event: ProgressEvent<'_>) {}
}
