//! The vocabulary of queued work, shared by the receiver, the store and the workers: what a
//! delivery asks to be done, why, and what a worker claims.

use crate::ids::{CommentId, InstallationId, IssueNumber, PrNumber, RepoName, Sha};
use serde::{Deserialize, Serialize};

/// A job to queue: reconcile `repo`, with what caused it as a hint of what to re-read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRequest {
    pub repo: RepoName,
    pub installation: InstallationId,
    pub trigger: Trigger,
}

/// Why a reconcile runs. A snapshot is always taken whole; the trigger only says which
/// cached reads are stale (the reconcile works that out once, in `reconcile::stale`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Re-read everything (new installation, periodic sweep).
    Full,
    /// Nothing in particular changed that we cache (check suites).
    Refresh,
    /// This pull request changed.
    PullRequest(PrNumber),
    /// A review of this pull request was submitted or dismissed: its reviews are read again,
    /// and nothing else of it.
    Review(PrNumber),
    /// This issue changed.
    Issue(IssueNumber),
    /// GitHub's "blocked by" links of this issue changed.
    Dependencies(IssueNumber),
    /// This issue's sub-issues changed.
    SubIssues(IssueNumber),
    /// A label was renamed or deleted: every issue carrying it changed, with no event of its
    /// own.
    Labels,
    /// The default branch moved.
    BaseMoved,
    /// Someone asked for a check run to be run again.
    Rerequested { head_sha: Sha, check_name: String },
    /// GitHub's merge queue waits for the required checks on this temporary commit: the
    /// "Merge order" run goes there at once, with no snapshot of the open PRs.
    MergeGroup {
        head_sha: Sha,
        head_ref: String,
        base_ref: String,
    },
    /// A comment on this issue or pull request may hold `/switchyard` commands.
    Command {
        issue: IssueNumber,
        comment: CommentId,
    },
}

/// A change to the list of repositories we serve, from installation events.
#[derive(Debug, Clone, PartialEq)]
pub enum RepoChange {
    Add(RepoName, InstallationId),
    Remove(RepoName),
    RemoveInstallation(InstallationId),
}

/// Jobs of one repository claimed together; they run as one reconcile.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJobs {
    pub repo: RepoName,
    pub installation: InstallationId,
    pub job_ids: Vec<i64>,
    pub triggers: Vec<Trigger>,
    /// The most attempts any of the claimed jobs has had, this one included.
    pub attempts: u32,
    /// The repository's lease had run out with these jobs running: the instance that held
    /// it stopped, and this claim takes its work over.
    pub taken_over: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub queued: u64,
    pub running: u64,
    pub failed: u64,
}

/// The check run's button that asks for the order to be computed again.
pub const RECOMPUTE_ACTION: &str = "recompute";
