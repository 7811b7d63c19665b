//! The fields of GitHub's responses that Switchyard reads. Small structs of our own rather
//! than octocrab's models, so a field GitHub adds, drops or reshapes elsewhere never breaks us.

use crate::ids::{AppId, CheckRunId, CommentId, IssueId, IssueNumber, PrNumber, Sha};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repository {
    pub full_name: String,
    pub default_branch: String,
    /// The repository's page, on github.com or on a GitHub Enterprise Server.
    pub html_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub login: String,
    #[serde(rename = "type", default)]
    pub kind: String,
}

impl User {
    pub fn is_bot(&self) -> bool {
        self.kind == "Bot" || self.login.ends_with("[bot]")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    #[serde(rename = "ref")]
    pub name: String,
    pub sha: Sha,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub number: PrNumber,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    #[serde(default)]
    pub draft: bool,
    pub user: User,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub head: Branch,
    pub base: Branch,
    #[serde(default)]
    pub merged_at: Option<chrono::DateTime<chrono::Utc>>,
    pub html_url: String,
    #[serde(default)]
    pub labels: Vec<Label>,
}

impl PullRequest {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InstallationToken {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub sha: Sha,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub encoding: String,
}

impl Content {
    /// The file's text; GitHub sends base64 with line breaks.
    pub fn text(&self) -> Option<String> {
        use base64::Engine;
        if self.encoding != "base64" {
            return None;
        }
        let compact: String = self.content.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .ok()?;
        String::from_utf8(bytes).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckRunList {
    pub check_runs: Vec<CheckRun>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckRun {
    pub id: CheckRunId,
    pub name: String,
    pub head_sha: Sha,
    #[serde(default)]
    pub app: Option<AppRef>,
    /// What the App wrote there: for ours, the digest of the content, once all of it is on.
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppRef {
    pub id: AppId,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Created {
    pub id: u64,
}

/// An issue or, as GitHub also lists them as issues, a pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GhIssue {
    /// Its id across GitHub, which links between issues name.
    #[serde(default)]
    pub id: IssueId,
    pub number: IssueNumber,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub assignees: Vec<Login>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub user: Option<User>,
    /// Present on pull requests, which share the issues' numbers and endpoints.
    #[serde(default)]
    pub pull_request: Option<PullRequestLink>,
    #[serde(default)]
    pub performed_via_github_app: Option<AppRef>,
}

/// An issue as a list of linked issues gives it (an issue's blockers), with what tells
/// another repository's issue apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkedIssue {
    #[serde(default)]
    pub id: IssueId,
    pub number: IssueNumber,
    pub state: String,
    /// `https://api.github.com/repos/{owner}/{repo}`.
    pub repository_url: String,
    pub html_url: String,
}

/// A sub-issue as its parent's list gives it: the whole issue, and its repository, which may
/// be another of the same owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubIssue {
    #[serde(flatten)]
    pub issue: GhIssue,
    /// `https://api.github.com/repos/{owner}/{repo}`.
    pub repository_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Login {
    pub login: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequestLink {}

/// Written by this App: GitHub names the App on what it performed; without that field, a bot
/// account is the best evidence there is.
fn by_app(user: Option<&User>, via: Option<&AppRef>, app_id: AppId) -> bool {
    match via {
        Some(app) => app.id == app_id,
        None => user.is_some_and(User::is_bot),
    }
}

impl GhIssue {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }

    pub fn is_pull_request(&self) -> bool {
        self.pull_request.is_some()
    }

    pub fn body(&self) -> &str {
        self.body.as_deref().unwrap_or_default()
    }

    pub fn label_names(&self) -> Vec<String> {
        self.labels.iter().map(|l| l.name.clone()).collect()
    }

    pub fn by_app(&self, app_id: AppId) -> bool {
        by_app(
            self.user.as_ref(),
            self.performed_via_github_app.as_ref(),
            app_id,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GhComment {
    pub id: CommentId,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub performed_via_github_app: Option<AppRef>,
}

impl GhComment {
    pub fn body(&self) -> &str {
        self.body.as_deref().unwrap_or_default()
    }

    pub fn by_app(&self, app_id: AppId) -> bool {
        by_app(
            self.user.as_ref(),
            self.performed_via_github_app.as_ref(),
            app_id,
        )
    }
}

/// `GET /repos/{owner}/{repo}/collaborators/{user}/permission`, read with our own type:
/// `role_name` may name a custom role, which octocrab's model does not accept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Permission {
    pub permission: String,
    #[serde(default)]
    pub role_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GitRef {
    pub object: GitObject,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GitObject {
    pub sha: Sha,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub user: Option<User>,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Comparison {
    pub merge_base_commit: CommitRef,
    #[serde(default)]
    pub files: Vec<crate::overlap::ChangedFile>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CommitRef {
    pub sha: Sha,
}
