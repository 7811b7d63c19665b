//! Descriptions a test hands to the DSL; anything left at its default is filled in plausibly.

use chrono::{DateTime, Utc};

use crate::model::FileChange;

/// A pull request to open with [`FakeGitHub::open_pr`](crate::FakeGitHub::open_pr).
///
/// ```
/// # use fake_github::{FileChange, PrSpec};
/// let spec = PrSpec {
///     title: "Add the parser".into(),
///     files: vec![FileChange::added("src/parser.rs")],
///     ..PrSpec::new("lane/alpha", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1")
/// };
/// ```
#[derive(Debug, Clone)]
pub struct PrSpec {
    /// `None` takes the repository's next issue number.
    pub number: Option<u64>,
    pub title: String,
    pub body: Option<String>,
    /// Empty invents `branch-<number>`.
    pub head_ref: String,
    /// Empty invents a sha.
    pub head_sha: String,
    /// `None` targets the default branch.
    pub base_ref: Option<String>,
    /// `None` branches from the base branch's current tip.
    pub merge_base: Option<String>,
    pub draft: bool,
    pub author: String,
    pub labels: Vec<String>,
    pub files: Vec<FileChange>,
    /// `None` takes the story clock's next tick.
    pub created_at: Option<DateTime<Utc>>,
}

impl PrSpec {
    pub fn new(head_ref: impl Into<String>, head_sha: impl Into<String>) -> Self {
        PrSpec {
            head_ref: head_ref.into(),
            head_sha: head_sha.into(),
            ..PrSpec::default()
        }
    }
}

impl Default for PrSpec {
    fn default() -> Self {
        PrSpec {
            number: None,
            title: "Update".into(),
            body: None,
            head_ref: String::new(),
            head_sha: String::new(),
            base_ref: None,
            merge_base: None,
            draft: false,
            author: "octocat".into(),
            labels: Vec::new(),
            files: Vec::new(),
            created_at: None,
        }
    }
}

/// An issue to add with [`FakeGitHub::add_issue`](crate::FakeGitHub::add_issue).
#[derive(Debug, Clone)]
pub struct IssueSpec {
    /// `None` takes the repository's next issue number.
    pub number: Option<u64>,
    pub title: String,
    pub body: Option<String>,
    pub author: String,
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
    /// `None` takes the story clock's next tick.
    pub created_at: Option<DateTime<Utc>>,
}

impl IssueSpec {
    pub fn new(title: impl Into<String>) -> Self {
        IssueSpec {
            title: title.into(),
            ..IssueSpec::default()
        }
    }
}

impl Default for IssueSpec {
    fn default() -> Self {
        IssueSpec {
            number: None,
            title: "Issue".into(),
            body: None,
            author: "octocat".into(),
            labels: Vec::new(),
            assignees: Vec::new(),
            created_at: None,
        }
    }
}

/// The answer to `GET /repos/{owner}/{repo}/compare/{base}...{head}` for one pair of refs.
///
/// A plain `Vec<FileChange>` converts into a comparison one commit ahead and none behind.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareSpec {
    pub ahead_by: u64,
    pub behind_by: u64,
    /// `None` reports the base itself as the merge base.
    pub merge_base: Option<String>,
    pub files: Vec<FileChange>,
}

impl CompareSpec {
    /// `identical`, `ahead`, `behind` or `diverged`, as GitHub derives it.
    pub(crate) fn status(&self) -> &'static str {
        match (self.ahead_by, self.behind_by) {
            (0, 0) => "identical",
            (_, 0) => "ahead",
            (0, _) => "behind",
            _ => "diverged",
        }
    }
}

impl From<Vec<FileChange>> for CompareSpec {
    fn from(files: Vec<FileChange>) -> Self {
        CompareSpec {
            ahead_by: 1,
            behind_by: 0,
            merge_base: None,
            files,
        }
    }
}
