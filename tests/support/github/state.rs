//! The server's state behind one lock: repositories with their release and asset ids,
//! counters, the request log, faults and the REST API budget.

use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;

use super::{Counts, Fault, FaultAction, Kind, RecordedRequest, StandInRelease, StandInRepo};

pub(super) struct Shared {
    pub(super) base_url: String,
    pub(super) inner: Mutex<Inner>,
}

pub(super) struct Inner {
    pub(super) repos: Vec<RepoState>,
    pub(super) counts: Counts,
    pub(super) requests: Vec<RecordedRequest>,
    /// Index in `requests` of the first entry, so answers can find their entry after a reset.
    pub(super) request_base: usize,
    pub(super) faults: Vec<Fault>,
    pub(super) limit: u64,
    pub(super) remaining: u64,
    pub(super) reset_at: u64,
    pub(super) asset_redirect: bool,
    pub(super) etag_per_token: bool,
    next_id: u64,
}

pub(super) struct RepoState {
    pub(super) owner: String,
    pub(super) repo: String,
    pub(super) releases: Vec<ReleaseState>,
}

pub(super) struct ReleaseState {
    pub(super) id: u64,
    pub(super) tag: String,
    pub(super) assets: Vec<AssetState>,
}

pub(super) struct AssetState {
    pub(super) id: u64,
    pub(super) name: String,
    pub(super) bytes: Bytes,
}

pub(super) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl Shared {
    pub(super) fn new(base_url: String, repos: Vec<StandInRepo>) -> Shared {
        let mut inner = Inner {
            repos: Vec::new(),
            counts: Counts::default(),
            requests: Vec::new(),
            request_base: 0,
            faults: Vec::new(),
            limit: 5000,
            remaining: 5000,
            reset_at: now_secs() + 3600,
            asset_redirect: false,
            etag_per_token: false,
            next_id: 1000,
        };
        for repo in repos {
            let releases = repo
                .releases
                .into_iter()
                .map(|r| inner.release_state(r))
                .collect();
            inner.repos.push(RepoState {
                owner: repo.owner,
                repo: repo.repo,
                releases,
            });
        }
        Shared {
            base_url,
            inner: Mutex::new(inner),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    pub(super) fn release_state(&mut self, release: StandInRelease) -> ReleaseState {
        self.next_id += 1;
        let id = self.next_id;
        let assets = release
            .files
            .into_iter()
            .map(|(name, bytes)| {
                self.next_id += 1;
                AssetState {
                    id: self.next_id,
                    name,
                    bytes: Bytes::from(bytes),
                }
            })
            .collect();
        ReleaseState {
            id,
            tag: release.tag,
            assets,
        }
    }

    pub(super) fn find_repo(&self, owner: &str, repo: &str) -> Option<usize> {
        self.repos
            .iter()
            .position(|r| r.owner.eq_ignore_ascii_case(owner) && r.repo.eq_ignore_ascii_case(repo))
    }

    /// The first request-level fault matching, consumed once.
    pub(super) fn take_fault(&mut self, kind: Kind, path_and_query: &str) -> Option<FaultAction> {
        let index = self.faults.iter().position(|f| {
            !matches!(f.action, FaultAction::TagWithoutRelease { .. })
                && f.kind.is_none_or(|k| k == kind)
                && f.path_contains
                    .as_deref()
                    .is_none_or(|needle| path_and_query.contains(needle))
        })?;
        Some(self.consume(index))
    }

    fn consume(&mut self, index: usize) -> FaultAction {
        self.counts.faults += 1;
        let fault = &mut self.faults[index];
        let action = fault.action.clone();
        if let Some(times) = &mut fault.times {
            *times = times.saturating_sub(1);
            if *times == 0 {
                self.faults.remove(index);
            }
        }
        action
    }

    pub(super) fn phantom_index(
        &self,
        repo: usize,
        tag: &str,
        kind: Option<Kind>,
    ) -> Option<usize> {
        let r = &self.repos[repo];
        self.faults.iter().position(|f| match &f.action {
            FaultAction::TagWithoutRelease { repo: name, tag: t } => {
                t == tag
                    && name.split_once('/').is_some_and(|(o, n)| {
                        o.eq_ignore_ascii_case(&r.owner) && n.eq_ignore_ascii_case(&r.repo)
                    })
                    && match (f.kind, kind) {
                        (Some(fk), Some(k)) => fk == k,
                        _ => true,
                    }
            }
            _ => false,
        })
    }

    /// Whether the release `tag` must look missing to this request; consumes one firing.
    pub(super) fn release_hidden(&mut self, repo: usize, tag: &str, kind: Kind) -> bool {
        match self.phantom_index(repo, tag, Some(kind)) {
            Some(index) => {
                self.consume(index);
                true
            }
            None => false,
        }
    }

    /// Tags listed by the proxy for a repository: releases and tags without a release.
    pub(super) fn proxy_tags(&self, repo: usize) -> Vec<String> {
        let r = &self.repos[repo];
        let mut tags: Vec<String> = r.releases.iter().map(|x| x.tag.clone()).collect();
        for f in &self.faults {
            if let FaultAction::TagWithoutRelease { repo: name, tag } = &f.action
                && name.split_once('/').is_some_and(|(o, n)| {
                    o.eq_ignore_ascii_case(&r.owner) && n.eq_ignore_ascii_case(&r.repo)
                })
                && !tags.contains(tag)
            {
                tags.push(tag.clone());
            }
        }
        tags
    }

    pub(super) fn reset_log(&mut self) {
        self.counts = Counts::default();
        self.request_base += self.requests.len();
        self.requests.clear();
    }

    pub(super) fn record_status(
        &mut self,
        index: usize,
        status: Option<u16>,
        fault: Option<&'static str>,
    ) {
        if let Some(i) = index.checked_sub(self.request_base)
            && let Some(entry) = self.requests.get_mut(i)
        {
            entry.status = status;
            if fault.is_some() {
                entry.fault = fault;
            }
        }
    }
}
