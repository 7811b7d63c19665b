//! What the assignment rules read: plain values gathered from GitHub and the store, with no
//! handle on either.

use crate::config::Config;
use crate::ids::{CommentId, IssueNumber, PrNumber, RepoName};
use crate::order::MergeOrder;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One repository as the assignment rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub config: Config,
    pub repo: RepoName,
    pub now: DateTime<Utc>,
    /// Every open issue with the trigger label, an `agent:` label, the `queued` or `blocked`
    /// label, or an assignment record; every issue a command in `commands` is on; every issue
    /// or pull request such an issue names as a dependency (open or closed); and every closed
    /// issue with an assignment record. A dependency missing from this list is reported as not
    /// found and blocks nothing.
    pub issues: Vec<Issue>,
    /// The App's own assignment comment on each issue that has one: written by the App and
    /// holding [`crate::text::assign::ASSIGN_MARKER`] (anyone else's comment quoting the
    /// marker is not it).
    pub comments: Vec<ExistingComment>,
    /// Open pull requests, for the board's lanes.
    pub open_prs: Vec<BoardPr>,
    /// Merged pull requests that close issues: at least those closing an issue with an
    /// assignment record.
    pub merged_prs: Vec<MergedPr>,
    /// Names of the repository's branches that are lane branches (others may be left out).
    pub branches: Vec<String>,
    /// Names of the repository's labels.
    pub labels: Vec<String>,
    /// Assignments recorded earlier: which lane took which issue, and when.
    pub assignments: Vec<AssignmentRecord>,
    /// Tasks recorded as done earlier.
    pub completions: Vec<Completion>,
    /// What each task was last told it waits for, as recorded when it was told.
    pub was_blocked: Vec<WasBlocked>,
    /// The "Switchyard status" issue, if it exists: opened by the App, its body holding
    /// [`crate::text::assign::BOARD_MARKER`].
    pub status_issue: Option<StatusIssue>,
    /// The merge order of the coordinated open pull requests, if it was computed.
    pub merge_queue: Option<MergeQueue>,
    /// Command comments not handled yet, in the order they were written.
    pub commands: Vec<CommandComment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub number: IssueNumber,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    /// Logins of the assignees.
    pub assignees: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub open: bool,
    /// A pull request (they share the issue numbers): never assigned, only waited for.
    pub pull_request: bool,
    /// The issues GitHub lists as blocking this one (its issue dependencies), as far as they
    /// were read: empty for issues the rules do not look at, or where GitHub has no such links.
    pub linked_blockers: Vec<LinkedBlocker>,
    /// This repository's issues GitHub lists as its sub-issues, in GitHub's order, as far as
    /// they were read (for issues with the trigger label).
    pub sub_issues: Vec<IssueNumber>,
}

/// An issue linked on GitHub as blocking another ("blocked by" in the issue's sidebar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedBlocker {
    /// Another repository's `owner/name`; `None` for this repository.
    pub repo: Option<RepoName>,
    pub number: IssueNumber,
    /// Whether it was open when GitHub listed it. For this repository's issues the snapshot's
    /// own copy says more recently; for another repository's this is all the rules know.
    pub open: bool,
    /// Its page on GitHub.
    pub url: String,
}

/// A comment the App wrote earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingComment {
    pub issue: IssueNumber,
    pub id: CommentId,
    /// Its text, to tell whether it needs rewriting.
    pub body: String,
}

/// An open pull request as the board places it: on the lane of its branch, or of the tasks
/// it closes, with the pull requests it overlaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardPr {
    pub number: PrNumber,
    pub head_branch: String,
    /// The issues its body closes ([`super::closing_issues`]).
    pub closes: Vec<IssueNumber>,
    /// The other open pull requests it overlaps, if the overlap engine has run.
    pub overlaps_with: Vec<PrNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedPr {
    pub number: PrNumber,
    pub merged_at: DateTime<Utc>,
    /// Paths of the files it changed.
    pub files: Vec<String>,
    /// The issues it closed: its body's closing keywords ([`super::closing_issues`]), or
    /// whatever closed them as GitHub's timeline tells it (a commit message's keyword).
    pub closes: Vec<IssueNumber>,
}

/// The lane an issue was given, and when: kept so that a removed label can be told apart from
/// one never added, and to time the task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRecord {
    pub issue: IssueNumber,
    pub lane: String,
    pub assigned_at: DateTime<Utc>,
}

/// The open issues a task was told it waits for: kept so that, once they close, its comment
/// still says what it was blocked by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasBlocked {
    pub issue: IssueNumber,
    pub by: Vec<IssueNumber>,
}

/// A task finished by a merged pull request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub issue: IssueNumber,
    pub lane: String,
    pub pr: PrNumber,
    pub files_changed: Vec<String>,
    pub assigned_at: DateTime<Utc>,
    pub merged_at: DateTime<Utc>,
}

impl Completion {
    /// Hours from assignment to merge (never negative).
    pub fn hours_to_merge(&self) -> f64 {
        let seconds = (self.merged_at - self.assigned_at).num_seconds().max(0);
        seconds as f64 / 3600.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusIssue {
    pub number: IssueNumber,
    pub body: String,
}

/// A comment that may hold commands, with what is known of its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandComment {
    pub issue: IssueNumber,
    /// Whether the comment is on a pull request.
    pub on_pull_request: bool,
    pub comment: CommentId,
    pub author: Author,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub login: String,
    /// A bot account (`user.type == "Bot"`).
    pub is_bot: bool,
    /// This App (the comment's `performed_via_github_app` is this App, or its bot user).
    pub is_app: bool,
    /// The author's access to the repository, from [`Access::from_github`].
    pub access: Access,
}

/// The merge order as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeQueue {
    /// In the recommended order.
    pub entries: Vec<QueueEntry>,
    pub rebases: usize,
    /// No order forces fewer rebases than this.
    pub fewest_rebases: usize,
    /// `rebases` is proven to be the fewest.
    pub fewest_proven: bool,
    pub arrival_rebases: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub pr: PrNumber,
    /// Empty: may merge now.
    pub waits_for: Vec<PrNumber>,
}

impl<R> From<&MergeOrder<R>> for MergeQueue {
    fn from(order: &MergeOrder<R>) -> Self {
        MergeQueue {
            entries: order
                .order
                .iter()
                .map(|&pr| QueueEntry {
                    pr,
                    waits_for: order
                        .placements
                        .get(&pr)
                        .map(|placement| placement.waits_for.iter().map(|wait| wait.pr).collect())
                        .unwrap_or_default(),
                })
                .collect(),
            rebases: order.rebases,
            fewest_rebases: order.fewest_rebases,
            fewest_proven: order.fewest_proven,
            arrival_rebases: order.arrival_rebases,
        }
    }
}

/// A person's access to a repository, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Read,
    Triage,
    Write,
    Maintain,
    Admin,
}

impl Access {
    /// From GitHub's collaborator-permission answer: `permission` is only ever `admin`,
    /// `write`, `read` or `none` (maintainers show as `write`, triagers as `read`), while
    /// `role_name` tells `maintain` and `triage` apart but may name a custom role, which
    /// says nothing here. The higher of the two readings counts.
    pub fn from_github(permission: &str, role_name: Option<&str>) -> Access {
        let read = |name: &str| match name.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Access::Admin),
            "maintain" => Some(Access::Maintain),
            "write" | "push" => Some(Access::Write),
            "triage" => Some(Access::Triage),
            "read" | "pull" => Some(Access::Read),
            _ => None,
        };
        let from_role = role_name.and_then(read);
        read(permission).max(from_role).unwrap_or(Access::None)
    }

    /// Write access or more.
    pub fn may_command(self) -> bool {
        self >= Access::Write
    }

    /// As a reply names it: "read access", "no access".
    pub fn describe(self) -> &'static str {
        match self {
            Access::None => "no access",
            Access::Read => "read access",
            Access::Triage => "triage access",
            Access::Write => "write access",
            Access::Maintain => "maintain access",
            Access::Admin => "admin access",
        }
    }
}
