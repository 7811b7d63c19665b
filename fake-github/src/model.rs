//! What the fake stores. Inspectors hand out clones of these, so tests assert on plain data.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// An issue or a pull request: on GitHub both share one number space and the issue fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub number: u64,
    pub id: u64,
    pub title: String,
    pub body: Option<String>,
    pub state: IssueState,
    pub author: String,
    /// Label names, in the order they were added.
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Ids of the issue's comments, oldest first.
    pub comment_ids: Vec<u64>,
    /// Present when this issue is a pull request.
    pub pull_request: Option<PullRequest>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueState {
    Open,
    Closed,
}

impl IssueState {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueState::Open => "open",
            IssueState::Closed => "closed",
        }
    }
}

/// The parts of a pull request that an issue does not have.
#[derive(Debug, Clone, PartialEq)]
pub struct PullRequest {
    /// Pull requests have an id of their own, distinct from their issue's id.
    pub id: u64,
    pub head_ref: String,
    pub head_sha: String,
    pub base_ref: String,
    /// The commit the head branched from; compare responses report it.
    pub merge_base: String,
    pub draft: bool,
    /// The whole diff against the base, as `GET .../pulls/{n}/files` lists it.
    pub files: Vec<FileChange>,
    /// Commits on the head branch; grows by one per push.
    pub commits: u64,
    pub merged_at: Option<DateTime<Utc>>,
    pub merge_commit_sha: Option<String>,
    pub reviews: Vec<Review>,
}

/// One file in a pull request's or a comparison's diff.
#[derive(Debug, Clone, PartialEq)]
pub struct FileChange {
    pub filename: String,
    pub status: FileStatus,
    pub additions: u64,
    pub deletions: u64,
    /// GitHub omits the patch for binary and very large diffs; `None` does the same.
    pub patch: Option<String>,
    pub previous_filename: Option<String>,
    /// The file's contents at the head, served by the contents API; `None` leaves them unknown.
    pub contents: Option<String>,
}

impl FileChange {
    /// A modified file with a one-line patch.
    pub fn modified(filename: impl Into<String>) -> Self {
        Self::with_status(
            filename,
            FileStatus::Modified,
            "@@ -1 +1 @@\n-before\n+after",
        )
    }

    /// An added file with a one-line patch.
    pub fn added(filename: impl Into<String>) -> Self {
        Self::with_status(filename, FileStatus::Added, "@@ -0,0 +1 @@\n+added")
    }

    /// A removed file with a one-line patch.
    pub fn removed(filename: impl Into<String>) -> Self {
        Self::with_status(filename, FileStatus::Removed, "@@ -1 +0,0 @@\n-removed")
    }

    /// A file renamed from `from` to `to` without changes to its lines.
    pub fn renamed(from: impl Into<String>, to: impl Into<String>) -> Self {
        FileChange {
            filename: to.into(),
            status: FileStatus::Renamed,
            additions: 0,
            deletions: 0,
            patch: None,
            previous_filename: Some(from.into()),
            contents: None,
        }
    }

    /// Replaces the patch; additions and deletions are counted from its lines.
    pub fn with_patch(mut self, patch: impl Into<String>) -> Self {
        let patch = patch.into();
        let changed_lines = patch.lines().filter(|line| !line.starts_with("@@"));
        let (additions, deletions) =
            changed_lines.fold((0, 0), |(added, deleted), line| {
                match line.as_bytes().first() {
                    Some(b'+') => (added + 1, deleted),
                    Some(b'-') => (added, deleted + 1),
                    _ => (added, deleted),
                }
            });
        self.additions = additions;
        self.deletions = deletions;
        self.patch = Some(patch);
        self
    }

    /// Drops the patch, as GitHub does for binary files and oversized diffs.
    pub fn without_patch(mut self) -> Self {
        self.patch = None;
        self
    }

    /// Sets the file's contents at the pull request's head.
    pub fn with_contents(mut self, contents: impl Into<String>) -> Self {
        self.contents = Some(contents.into());
        self
    }

    fn with_status(filename: impl Into<String>, status: FileStatus, patch: &str) -> Self {
        FileChange {
            filename: filename.into(),
            status,
            additions: 0,
            deletions: 0,
            patch: None,
            previous_filename: None,
            contents: None,
        }
        .with_patch(patch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Added,
    Removed,
    Modified,
    Renamed,
    Copied,
    Changed,
    Unchanged,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Added => "added",
            FileStatus::Removed => "removed",
            FileStatus::Modified => "modified",
            FileStatus::Renamed => "renamed",
            FileStatus::Copied => "copied",
            FileStatus::Changed => "changed",
            FileStatus::Unchanged => "unchanged",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub id: u64,
    pub reviewer: String,
    pub state: ReviewState,
    /// The head sha the review was given on; a push leaves older reviews pointing at older shas.
    pub commit_id: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
}

impl ReviewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Approved => "APPROVED",
            ReviewState::ChangesRequested => "CHANGES_REQUESTED",
            ReviewState::Commented => "COMMENTED",
            ReviewState::Dismissed => "DISMISSED",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: u64,
    pub issue_number: u64,
    pub body: String,
    /// The login; comments posted with an installation token are by `<app-slug>[bot]`.
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reactions: Vec<Reaction>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    pub id: u64,
    /// One of GitHub's reaction names: `+1`, `-1`, `laugh`, `confused`, `heart`, `hooray`, `rocket`, `eyes`.
    pub content: String,
    pub user: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub id: u64,
    pub name: String,
    /// Six hex digits without `#`, as GitHub stores it.
    pub color: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    /// `queued`, `in_progress` or `completed` (GitHub's words, kept as sent).
    pub status: String,
    pub conclusion: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub text: Option<String>,
    /// Every annotation sent on creation and in updates; updates append, as on GitHub.
    pub annotations: Vec<Annotation>,
    pub actions: Vec<CheckRunAction>,
    pub details_url: Option<String>,
    pub external_id: Option<String>,
    /// The app that created the run.
    pub app_id: u64,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Annotation {
    pub path: String,
    pub start_line: u64,
    pub end_line: u64,
    pub start_column: Option<u64>,
    pub end_column: Option<u64>,
    /// `notice`, `warning` or `failure`.
    pub annotation_level: String,
    pub message: String,
    pub title: Option<String>,
    pub raw_details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckRunAction {
    pub label: String,
    pub description: String,
    pub identifier: String,
}

/// A collaborator's access: the legacy `permission` and the `role_name` GitHub reports beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// `admin`, `write`, `read` or `none`.
    pub permission: String,
    /// `admin`, `maintain`, `write`, `triage`, `read` or a custom role's name.
    pub role_name: String,
}

/// What `POST /app-manifests/{code}/conversions` hands back for a registered code.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestApp {
    pub id: u64,
    pub slug: String,
    pub name: String,
    pub owner: String,
    pub client_id: String,
    pub client_secret: String,
    pub webhook_secret: String,
    /// A real RSA key, so the app can sign JWTs with it; the fake never checks signatures.
    pub pem: String,
}
