//! The durable job queue: jobs keyed by repository, one repository's jobs one at a time and
//! in order, different repositories in parallel up to a bound, a burst coalesced into one
//! reconcile, failures retried with backoff and then kept, and a periodic sweep.

mod worker;

pub use worker::{JobError, Queue, QueueSettings, Reconcile, now};

use crate::ids::{CommentId, InstallationId, IssueNumber, PrNumber, RepoName, Sha};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A job to queue: reconcile `repo`, with what caused it as a hint of what to re-read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRequest {
    pub repo: RepoName,
    pub installation: InstallationId,
    pub trigger: Trigger,
}

/// Why a reconcile runs. A snapshot is always taken whole; the trigger only says which
/// cached reads are stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Re-read everything (new installation, periodic sweep).
    Full,
    /// Nothing in particular changed that we cache (check suites, reviews).
    Refresh,
    /// This pull request changed.
    PullRequest(PrNumber),
    /// This issue changed.
    Issue(IssueNumber),
    /// The default branch moved.
    BaseMoved,
    /// Someone asked for a check run to be run again.
    Rerequested { head_sha: Sha, check_name: String },
    /// A comment on this issue or pull request may hold `/switchyard` commands.
    Command {
        issue: IssueNumber,
        comment: CommentId,
    },
}

impl Trigger {
    /// The pull requests that `triggers` say changed.
    pub fn pull_requests(triggers: &[Trigger]) -> BTreeSet<PrNumber> {
        triggers
            .iter()
            .filter_map(|t| match t {
                Trigger::PullRequest(n) => Some(*n),
                _ => None,
            })
            .collect()
    }

    /// The issues that `triggers` say changed or got a comment that may hold commands (for a
    /// comment on a pull request, its number).
    pub fn issues(triggers: &[Trigger]) -> BTreeSet<IssueNumber> {
        triggers
            .iter()
            .filter_map(|t| match t {
                Trigger::Issue(n) | Trigger::Command { issue: n, .. } => Some(*n),
                _ => None,
            })
            .collect()
    }
}
