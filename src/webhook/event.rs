//! Our own event types, parsed from the payload fields Switchyard reads. Anything else in a
//! payload is ignored, so GitHub adding fields never breaks us.

use crate::github::models::User;
use crate::ids::{CommentId, InstallationId, IssueNumber, PrNumber, RepoName, Sha};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Ping,
    PullRequest {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        number: PrNumber,
        head_sha: Sha,
    },
    PullRequestReview {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        number: PrNumber,
    },
    Push {
        repo: RepoRef,
        installation: Option<InstallationId>,
        git_ref: String,
        after: Sha,
    },
    CheckRun {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        head_sha: Sha,
        name: String,
        requested_action: Option<String>,
    },
    CheckSuite {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        head_sha: Sha,
    },
    /// GitHub's merge queue built a temporary commit and waits for the required checks on it.
    MergeGroup {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        head_sha: Sha,
        /// `refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>`.
        head_ref: String,
        /// `refs/heads/<base>`.
        base_ref: String,
    },
    Issues {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        number: IssueNumber,
    },
    /// GitHub's "blocked by" links changed. `blocked` is the blocked issue when it is in
    /// this repository.
    IssueDependencies {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        blocked: Option<IssueNumber>,
    },
    /// An issue's sub-issues changed. `parent` is the parent when it is in this repository.
    SubIssues {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        parent: Option<IssueNumber>,
    },
    IssueComment {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        number: IssueNumber,
        comment: CommentId,
        author: User,
        body: String,
    },
    /// One of the repository's labels was created, edited or deleted. `renamed_from` is its
    /// name before an edit that changed it.
    Label {
        action: String,
        repo: RepoRef,
        installation: Option<InstallationId>,
        name: String,
        renamed_from: Option<String>,
    },
    Installation {
        action: String,
        installation: InstallationId,
        repos: Vec<RepoName>,
    },
    InstallationRepositories {
        action: String,
        installation: InstallationId,
        added: Vec<RepoName>,
        removed: Vec<RepoName>,
    },
    /// An event name we do not subscribe to or read.
    Other {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoRef {
    pub name: RepoName,
    pub default_branch: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("the `{event}` payload is not what GitHub sends: {source}")]
pub struct EventError {
    pub(super) event: String,
    pub(super) source: serde_json::Error,
}

impl EventError {
    /// The body is not JSON at all, rather than JSON of another shape.
    pub fn is_not_json(&self) -> bool {
        self.source.is_syntax() || self.source.is_eof()
    }
}

impl Event {
    pub fn name(&self) -> &str {
        match self {
            Event::Ping => "ping",
            Event::PullRequest { .. } => "pull_request",
            Event::PullRequestReview { .. } => "pull_request_review",
            Event::Push { .. } => "push",
            Event::CheckRun { .. } => "check_run",
            Event::CheckSuite { .. } => "check_suite",
            Event::MergeGroup { .. } => "merge_group",
            Event::Issues { .. } => "issues",
            Event::IssueDependencies { .. } => "issue_dependencies",
            Event::SubIssues { .. } => "sub_issues",
            Event::IssueComment { .. } => "issue_comment",
            Event::Label { .. } => "label",
            Event::Installation { .. } => "installation",
            Event::InstallationRepositories { .. } => "installation_repositories",
            Event::Other { name } => name,
        }
    }

    pub fn action(&self) -> Option<&str> {
        match self {
            Event::PullRequest { action, .. }
            | Event::PullRequestReview { action, .. }
            | Event::CheckRun { action, .. }
            | Event::CheckSuite { action, .. }
            | Event::MergeGroup { action, .. }
            | Event::Issues { action, .. }
            | Event::IssueDependencies { action, .. }
            | Event::SubIssues { action, .. }
            | Event::IssueComment { action, .. }
            | Event::Label { action, .. }
            | Event::Installation { action, .. }
            | Event::InstallationRepositories { action, .. } => Some(action),
            Event::Ping | Event::Push { .. } | Event::Other { .. } => None,
        }
    }

    pub fn repo(&self) -> Option<&RepoName> {
        match self {
            Event::PullRequest { repo, .. }
            | Event::PullRequestReview { repo, .. }
            | Event::Push { repo, .. }
            | Event::CheckRun { repo, .. }
            | Event::CheckSuite { repo, .. }
            | Event::MergeGroup { repo, .. }
            | Event::Issues { repo, .. }
            | Event::IssueDependencies { repo, .. }
            | Event::SubIssues { repo, .. }
            | Event::IssueComment { repo, .. }
            | Event::Label { repo, .. } => Some(&repo.name),
            _ => None,
        }
    }

    /// The installation a repository's event came through.
    pub fn installation(&self) -> Option<InstallationId> {
        match self {
            Event::PullRequest { installation, .. }
            | Event::PullRequestReview { installation, .. }
            | Event::Push { installation, .. }
            | Event::CheckRun { installation, .. }
            | Event::CheckSuite { installation, .. }
            | Event::MergeGroup { installation, .. }
            | Event::Issues { installation, .. }
            | Event::IssueDependencies { installation, .. }
            | Event::SubIssues { installation, .. }
            | Event::IssueComment { installation, .. }
            | Event::Label { installation, .. } => *installation,
            Event::Installation { installation, .. }
            | Event::InstallationRepositories { installation, .. } => Some(*installation),
            Event::Ping | Event::Other { .. } => None,
        }
    }
}

// The payloads below spell out `action`, `repository` and `installation` each rather than
// share them through `#[serde(flatten)]`, which would first buffer every field Switchyard does
// not read (up to 25 MB of them) as a tree of values. Skipped fields cost no memory.

#[derive(Deserialize)]
pub(super) struct Id {
    id: u64,
}

#[derive(Deserialize)]
pub(super) struct Repository {
    pub(super) full_name: RepoName,
    default_branch: Option<String>,
}

impl From<Repository> for RepoRef {
    fn from(r: Repository) -> Self {
        RepoRef {
            name: r.full_name,
            default_branch: r.default_branch,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Named {
    pub(super) full_name: RepoName,
}

#[derive(Deserialize)]
pub(super) struct PullRequestPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    pull_request: PullRequestBody,
}

/// `pull_request_review` carries the pull request as `pull_request` does.
#[derive(Deserialize)]
pub(super) struct ReviewPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    pull_request: PullRequestBody,
}

#[derive(Deserialize)]
struct PullRequestBody {
    number: u64,
    head: Head,
}

#[derive(Deserialize)]
struct Head {
    sha: Sha,
}

#[derive(Deserialize)]
pub(super) struct PushPayload {
    #[serde(rename = "ref")]
    git_ref: String,
    after: Sha,
    repository: Repository,
    installation: Option<Id>,
}

#[derive(Deserialize)]
pub(super) struct MergeGroupPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    merge_group: MergeGroupBody,
}

#[derive(Deserialize)]
struct MergeGroupBody {
    head_sha: Sha,
    head_ref: String,
    base_ref: String,
}

#[derive(Deserialize)]
pub(super) struct CheckRunPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    check_run: CheckRunBody,
    requested_action: Option<RequestedAction>,
}

#[derive(Deserialize)]
struct CheckRunBody {
    head_sha: Sha,
    name: String,
}

#[derive(Deserialize)]
struct RequestedAction {
    identifier: String,
}

#[derive(Deserialize)]
pub(super) struct CheckSuitePayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    check_suite: CheckSuiteBody,
}

#[derive(Deserialize)]
struct CheckSuiteBody {
    head_sha: Sha,
}

#[derive(Deserialize)]
pub(super) struct IssuesPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    issue: IssueBody,
}

#[derive(Deserialize)]
pub(super) struct IssueBody {
    pub(super) number: u64,
}

#[derive(Deserialize)]
pub(super) struct IssueCommentPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    issue: IssueBody,
    comment: CommentBody,
}

#[derive(Deserialize)]
struct CommentBody {
    id: u64,
    user: User,
    #[serde(default)]
    body: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct LabelPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    label: LabelBody,
    #[serde(default)]
    changes: Option<LabelChanges>,
}

#[derive(Deserialize)]
struct LabelBody {
    name: String,
}

/// What an edit changed: only a new name is read.
#[derive(Deserialize)]
struct LabelChanges {
    name: Option<Previous>,
}

#[derive(Deserialize)]
struct Previous {
    from: String,
}

#[derive(Deserialize)]
pub(super) struct InstallationPayload {
    action: String,
    installation: Id,
    #[serde(default)]
    repositories: Option<Vec<Named>>,
}

#[derive(Deserialize)]
pub(super) struct InstallationRepositoriesPayload {
    action: String,
    installation: Id,
    #[serde(default)]
    repositories_added: Vec<Named>,
    #[serde(default)]
    repositories_removed: Vec<Named>,
}

fn names(repos: Vec<Named>) -> Vec<RepoName> {
    repos.into_iter().map(|r| r.full_name).collect()
}

pub(super) fn installation(id: Option<Id>) -> Option<InstallationId> {
    id.map(|i| InstallationId(i.id))
}

impl From<PullRequestPayload> for Event {
    fn from(p: PullRequestPayload) -> Event {
        Event::PullRequest {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            number: PrNumber(p.pull_request.number),
            head_sha: p.pull_request.head.sha,
        }
    }
}

impl From<ReviewPayload> for Event {
    fn from(p: ReviewPayload) -> Event {
        Event::PullRequestReview {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            number: PrNumber(p.pull_request.number),
        }
    }
}

impl From<PushPayload> for Event {
    fn from(p: PushPayload) -> Event {
        Event::Push {
            repo: p.repository.into(),
            installation: installation(p.installation),
            git_ref: p.git_ref,
            after: p.after,
        }
    }
}

impl From<CheckRunPayload> for Event {
    fn from(p: CheckRunPayload) -> Event {
        Event::CheckRun {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            head_sha: p.check_run.head_sha,
            name: p.check_run.name,
            requested_action: p.requested_action.map(|a| a.identifier),
        }
    }
}

impl From<CheckSuitePayload> for Event {
    fn from(p: CheckSuitePayload) -> Event {
        Event::CheckSuite {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            head_sha: p.check_suite.head_sha,
        }
    }
}

impl From<MergeGroupPayload> for Event {
    fn from(p: MergeGroupPayload) -> Event {
        Event::MergeGroup {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            head_sha: p.merge_group.head_sha,
            head_ref: p.merge_group.head_ref,
            base_ref: p.merge_group.base_ref,
        }
    }
}

impl From<IssuesPayload> for Event {
    fn from(p: IssuesPayload) -> Event {
        Event::Issues {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            number: IssueNumber(p.issue.number),
        }
    }
}

impl From<IssueCommentPayload> for Event {
    fn from(p: IssueCommentPayload) -> Event {
        Event::IssueComment {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            number: IssueNumber(p.issue.number),
            comment: CommentId(p.comment.id),
            author: p.comment.user,
            body: p.comment.body.unwrap_or_default(),
        }
    }
}

impl From<LabelPayload> for Event {
    fn from(p: LabelPayload) -> Event {
        Event::Label {
            action: p.action,
            repo: p.repository.into(),
            installation: installation(p.installation),
            name: p.label.name,
            renamed_from: p.changes.and_then(|c| c.name).map(|name| name.from),
        }
    }
}

impl From<InstallationPayload> for Event {
    fn from(p: InstallationPayload) -> Event {
        Event::Installation {
            action: p.action,
            installation: InstallationId(p.installation.id),
            repos: names(p.repositories.unwrap_or_default()),
        }
    }
}

impl From<InstallationRepositoriesPayload> for Event {
    fn from(p: InstallationRepositoriesPayload) -> Event {
        Event::InstallationRepositories {
            action: p.action,
            installation: InstallationId(p.installation.id),
            added: names(p.repositories_added),
            removed: names(p.repositories_removed),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::webhook::parse_event;

    #[test]
    fn fields_not_read_are_skipped_however_deep_or_long() {
        let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        let wide = format!("[{}[]]", "[],".repeat(1_000_000));
        for padding in [deep, wide] {
            let body = format!(
                r#"{{"action":"opened","padding":{padding},"pull_request":{{"number":3,
                "head":{{"sha":"{sha}"}}}},"repository":{{"full_name":"o/r"}},
                "installation":{{"id":7}}}}"#,
                sha = "a".repeat(40)
            );
            let event = parse_event("pull_request", body.as_bytes()).expect("parsed");
            assert_eq!(
                event.repo().map(ToString::to_string).as_deref(),
                Some("o/r")
            );
        }
    }
}
