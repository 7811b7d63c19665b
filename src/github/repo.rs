//! One repository as the App reads and writes it: typed methods over the installation's
//! client. The URLs, query strings, request bodies and pagination live here, so callers
//! never build a path or a JSON body.

use super::checks::{CheckRunCreate, CheckRunWrite};
use super::client::{Conditional, InstallationClient};
use super::error::GitHubError;
use super::models::{
    CheckRun, CheckRunList, Comparison, Content, Created, GhComment, GhIssue, GitRef, Label,
    LinkedIssue, Permission, PullRequest, Repository, Review, SubIssue,
};
use crate::assign::Reaction;
use crate::ids::{AppId, CheckRunId, CommentId, IssueId, IssueNumber, PrNumber, RepoName, Sha};
use crate::overlap::ChangedFile;
use crate::planfile::issue_writes::{Key, Target, Write};
use crate::url::{encode_component, encode_path};
use http::Method;
use serde::Serialize;
use serde_json::{Value, json};

/// GitHub's largest page of reviews.
pub const REVIEWS_PER_PAGE: usize = 100;

/// A client acting as one installation on one of its repositories.
#[derive(Clone)]
pub struct RepoClient {
    client: InstallationClient,
    repo: RepoName,
}

/// A label to create, with how GitHub shows it.
#[derive(Debug, Serialize)]
pub struct NewLabel<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub description: &'a str,
}

/// A write of `plan apply --github` as it goes to GitHub.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
    /// False when it names an issue not created yet (a dry run's), shown by its key: such a
    /// request is only shown, never sent.
    pub complete: bool,
}

#[derive(Serialize)]
struct Body<'a> {
    body: &'a str,
}

#[derive(Serialize)]
struct Labels<'a> {
    labels: &'a [String],
}

#[derive(Serialize)]
struct Assignees<'a> {
    assignees: &'a [String],
}

impl RepoClient {
    pub fn new(client: InstallationClient, repo: RepoName) -> Self {
        Self { client, repo }
    }

    pub fn repo(&self) -> &RepoName {
        &self.repo
    }

    fn path(&self, rest: &str) -> String {
        format!("/repos/{}{rest}", self.repo)
    }

    // Repository, branches, contents.

    pub async fn repository(
        &self,
        etag: Option<&str>,
    ) -> Result<Conditional<Repository>, GitHubError> {
        self.client.get_conditional(&self.path(""), etag).await
    }

    pub async fn branch(
        &self,
        branch: &str,
        etag: Option<&str>,
    ) -> Result<Conditional<GitRef>, GitHubError> {
        let path = self.path(&format!("/git/ref/heads/{}", encode_path(branch)));
        self.client.get_conditional(&path, etag).await
    }

    /// Whether the branch exists.
    pub async fn has_branch(&self, branch: &str) -> Result<bool, GitHubError> {
        match self.branch(branch, None).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Creates `refs/heads/{branch}` at `sha`.
    pub async fn create_branch(&self, branch: &str, sha: &Sha) -> Result<(), GitHubError> {
        #[derive(Serialize)]
        struct NewRef<'a> {
            #[serde(rename = "ref")]
            name: String,
            sha: &'a Sha,
        }
        let body = NewRef {
            name: format!("refs/heads/{branch}"),
            sha,
        };
        self.client
            .post::<_, serde_json::Value>(&self.path("/git/refs"), &body)
            .await
            .map(drop)
    }

    fn contents_path(&self, path: &str, at: &str) -> String {
        self.path(&format!(
            "/contents/{}?ref={}",
            encode_path(path),
            encode_component(at)
        ))
    }

    /// A file at a commit.
    pub async fn file(&self, path: &str, at: &Sha) -> Result<Content, GitHubError> {
        self.client
            .get(&self.contents_path(path, at.as_str()))
            .await
    }

    /// A file on a branch, which may move: read through the ETag of what is held.
    pub async fn file_on_branch(
        &self,
        path: &str,
        branch: &str,
        etag: Option<&str>,
    ) -> Result<Conditional<Content>, GitHubError> {
        self.client
            .get_conditional(&self.contents_path(path, branch), etag)
            .await
    }

    /// How `head` differs from `base`, with up to GitHub's cap of changed files.
    pub async fn compare(&self, base: &Sha, head: &Sha) -> Result<Comparison, GitHubError> {
        self.client
            .get(&self.path(&format!("/compare/{base}...{head}")))
            .await
    }

    /// Where `head` branched from `base`, asking for as little of the diff as GitHub allows.
    pub async fn merge_base(&self, base: &Sha, head: &Sha) -> Result<Sha, GitHubError> {
        let comparison: Comparison = self
            .client
            .get(&self.path(&format!("/compare/{base}...{head}?per_page=1")))
            .await?;
        Ok(comparison.merge_base_commit.sha)
    }

    // Pull requests.

    pub async fn open_pull_requests(&self) -> Result<Vec<PullRequest>, GitHubError> {
        self.client
            .get_all(&self.path("/pulls?state=open&per_page=100"))
            .await
    }

    pub async fn pull_request(&self, number: PrNumber) -> Result<PullRequest, GitHubError> {
        self.client
            .get(&self.path(&format!("/pulls/{}", number.0)))
            .await
    }

    pub async fn pull_request_files(
        &self,
        number: PrNumber,
    ) -> Result<Vec<ChangedFile>, GitHubError> {
        self.client
            .get_all(&self.path(&format!("/pulls/{}/files?per_page=100", number.0)))
            .await
    }

    pub async fn reviews(&self, number: PrNumber) -> Result<Vec<Review>, GitHubError> {
        self.client
            .get_all(&self.path(&format!(
                "/pulls/{}/reviews?per_page={REVIEWS_PER_PAGE}",
                number.0
            )))
            .await
    }

    /// The first page of a PR's reviews, oldest first, made conditional on `etag`.
    pub async fn reviews_first_page(
        &self,
        number: PrNumber,
        etag: Option<&str>,
    ) -> Result<Conditional<Vec<Review>>, GitHubError> {
        self.client
            .get_conditional(
                &self.path(&format!(
                    "/pulls/{}/reviews?per_page={REVIEWS_PER_PAGE}",
                    number.0
                )),
                etag,
            )
            .await
    }

    // Check runs.

    /// The App's runs of one name on a commit.
    pub async fn check_runs(
        &self,
        sha: &Sha,
        name: &str,
        app_id: AppId,
    ) -> Result<Vec<CheckRun>, GitHubError> {
        let path = self.path(&format!(
            "/commits/{sha}/check-runs?check_name={}&app_id={}",
            encode_component(name),
            app_id.0
        ));
        let list: CheckRunList = self.client.get(&path).await?;
        Ok(list.check_runs)
    }

    /// Creates a run; returns its id.
    pub async fn create_check_run(
        &self,
        run: &CheckRunCreate<'_>,
    ) -> Result<CheckRunId, GitHubError> {
        let created: Created = self.client.post(&self.path("/check-runs"), run).await?;
        Ok(CheckRunId(created.id))
    }

    pub async fn update_check_run(
        &self,
        id: CheckRunId,
        run: &CheckRunWrite<'_>,
    ) -> Result<(), GitHubError> {
        self.client
            .patch::<_, Created>(&self.path(&format!("/check-runs/{}", id.0)), run)
            .await
            .map(drop)
    }

    // Issues, labels, assignees.

    pub async fn open_issues(&self) -> Result<Vec<GhIssue>, GitHubError> {
        self.client
            .get_all(&self.path("/issues?state=open&per_page=100"))
            .await
    }

    /// Every issue, open and closed (with the pull requests, which GitHub lists as issues).
    pub async fn all_issues(&self) -> Result<Vec<GhIssue>, GitHubError> {
        self.client
            .get_all(&self.path("/issues?state=all&per_page=100"))
            .await
    }

    /// A plan's write as a request. `known` gives the number and id of each issue it names,
    /// where they are known.
    pub fn plan_request(
        &self,
        write: &Write,
        known: &dyn Fn(&Target) -> Option<(IssueNumber, IssueId)>,
    ) -> PlanRequest {
        let mut complete = true;
        let mut number = |target: &Target| match known(target) {
            Some((number, _)) => number.0.to_string(),
            None => {
                complete = false;
                format!("{{{}}}", key_name(target))
            }
        };
        let (method, path, body) = match write {
            Write::Create {
                title,
                body,
                labels,
                ..
            } => (
                Method::POST,
                "/issues".to_owned(),
                Some(json!({ "title": title, "body": body, "labels": labels })),
            ),
            Write::Edit {
                number: issue,
                title,
                body,
            } => {
                let mut changes = serde_json::Map::new();
                if let Some(title) = title {
                    changes.insert("title".into(), json!(title));
                }
                if let Some(body) = body {
                    changes.insert("body".into(), json!(body));
                }
                (
                    Method::PATCH,
                    format!("/issues/{}", issue.0),
                    Some(Value::Object(changes)),
                )
            }
            Write::AddLabels {
                number: issue,
                labels,
            } => (
                Method::POST,
                format!("/issues/{}/labels", issue.0),
                Some(json!({ "labels": labels })),
            ),
            Write::RemoveLabel {
                number: issue,
                label,
            } => (
                Method::DELETE,
                format!("/issues/{}/labels/{}", issue.0, encode_component(label)),
                None,
            ),
            Write::AddSubIssue { parent, child } => {
                let path = format!("/issues/{}/sub_issues", number(parent));
                (
                    Method::POST,
                    path,
                    Some(json!({ "sub_issue_id": id_value(known, child, &mut complete) })),
                )
            }
            Write::AddBlockedBy { blocked, blocker } => {
                let path = format!("/issues/{}/dependencies/blocked_by", number(blocked));
                (
                    Method::POST,
                    path,
                    Some(json!({ "issue_id": id_value(known, blocker, &mut complete) })),
                )
            }
        };
        PlanRequest {
            method,
            path: self.path(&path),
            body,
            complete,
        }
    }

    /// Sends a complete plan request; its answer, `null` for none.
    pub async fn send_plan_request(&self, request: &PlanRequest) -> Result<Value, GitHubError> {
        let body = request.body.clone().unwrap_or(Value::Null);
        match request.method {
            Method::POST => self.client.post(&request.path, &body).await,
            Method::PATCH => self.client.patch(&request.path, &body).await,
            _ => self
                .client
                .delete(&request.path)
                .await
                .map(|()| Value::Null),
        }
    }

    /// An issue or pull request by number.
    pub async fn issue(
        &self,
        number: IssueNumber,
        etag: Option<&str>,
    ) -> Result<Conditional<GhIssue>, GitHubError> {
        self.client
            .get_conditional(&self.path(&format!("/issues/{}", number.0)), etag)
            .await
    }

    /// The issues GitHub lists as blocking this one (issue dependencies). GitHub allows 50
    /// per issue, so one page of 100 holds them all. A server without the feature answers 404.
    pub async fn blocked_by(
        &self,
        number: IssueNumber,
        etag: Option<&str>,
    ) -> Result<Conditional<Vec<LinkedIssue>>, GitHubError> {
        let path = format!("/issues/{}/dependencies/blocked_by?per_page=100", number.0);
        self.client.get_conditional(&self.path(&path), etag).await
    }

    /// An issue's sub-issues. GitHub allows 100 per parent, so one page of 100 holds them all.
    pub async fn sub_issues(
        &self,
        number: IssueNumber,
        etag: Option<&str>,
    ) -> Result<Conditional<Vec<SubIssue>>, GitHubError> {
        let path = format!("/issues/{}/sub_issues?per_page=100", number.0);
        self.client.get_conditional(&self.path(&path), etag).await
    }

    pub async fn create_issue(&self, title: &str, body: &str) -> Result<GhIssue, GitHubError> {
        #[derive(Serialize)]
        struct NewIssue<'a> {
            title: &'a str,
            body: &'a str,
        }
        self.client
            .post(&self.path("/issues"), &NewIssue { title, body })
            .await
    }

    pub async fn edit_issue_body(
        &self,
        number: IssueNumber,
        body: &str,
    ) -> Result<GhIssue, GitHubError> {
        self.client
            .patch(&self.path(&format!("/issues/{}", number.0)), &Body { body })
            .await
    }

    pub async fn labels(&self) -> Result<Vec<Label>, GitHubError> {
        self.client
            .get_all(&self.path("/labels?per_page=100"))
            .await
    }

    pub async fn create_label(&self, label: &NewLabel<'_>) -> Result<(), GitHubError> {
        self.client
            .post::<_, serde_json::Value>(&self.path("/labels"), label)
            .await
            .map(drop)
    }

    pub async fn add_labels(
        &self,
        issue: IssueNumber,
        labels: &[String],
    ) -> Result<(), GitHubError> {
        self.client
            .post::<_, serde_json::Value>(
                &self.path(&format!("/issues/{}/labels", issue.0)),
                &Labels { labels },
            )
            .await
            .map(drop)
    }

    pub async fn remove_label(&self, issue: IssueNumber, label: &str) -> Result<(), GitHubError> {
        let path = self.path(&format!(
            "/issues/{}/labels/{}",
            issue.0,
            encode_component(label)
        ));
        self.client.delete(&path).await
    }

    pub async fn add_assignees(
        &self,
        issue: IssueNumber,
        logins: &[String],
    ) -> Result<(), GitHubError> {
        self.client
            .post::<_, serde_json::Value>(
                &self.path(&format!("/issues/{}/assignees", issue.0)),
                &Assignees { assignees: logins },
            )
            .await
            .map(drop)
    }

    pub async fn remove_assignees(
        &self,
        issue: IssueNumber,
        logins: &[String],
    ) -> Result<(), GitHubError> {
        self.client
            .delete_with(
                &self.path(&format!("/issues/{}/assignees", issue.0)),
                &Assignees { assignees: logins },
            )
            .await
    }

    /// A person's access to the repository.
    pub async fn permission(&self, login: &str) -> Result<Permission, GitHubError> {
        let path = self.path(&format!(
            "/collaborators/{}/permission",
            encode_component(login)
        ));
        self.client.get(&path).await
    }

    // Comments.

    pub async fn comments(&self, issue: IssueNumber) -> Result<Vec<GhComment>, GitHubError> {
        self.client
            .get_all(&self.path(&format!("/issues/{}/comments?per_page=100", issue.0)))
            .await
    }

    pub async fn comment(&self, id: CommentId) -> Result<GhComment, GitHubError> {
        self.client
            .get(&self.path(&format!("/issues/comments/{}", id.0)))
            .await
    }

    /// Posts a comment; returns its id.
    pub async fn post_comment(
        &self,
        issue: IssueNumber,
        body: &str,
    ) -> Result<CommentId, GitHubError> {
        let created: Created = self
            .client
            .post(
                &self.path(&format!("/issues/{}/comments", issue.0)),
                &Body { body },
            )
            .await?;
        Ok(CommentId(created.id))
    }

    pub async fn edit_comment(&self, id: CommentId, body: &str) -> Result<(), GitHubError> {
        self.client
            .patch::<_, Created>(
                &self.path(&format!("/issues/comments/{}", id.0)),
                &Body { body },
            )
            .await
            .map(drop)
    }

    pub async fn react(&self, comment: CommentId, reaction: Reaction) -> Result<(), GitHubError> {
        #[derive(Serialize)]
        struct NewReaction {
            content: &'static str,
        }
        let body = NewReaction {
            content: reaction.content(),
        };
        self.client
            .post::<_, serde_json::Value>(
                &self.path(&format!("/issues/comments/{}/reactions", comment.0)),
                &body,
            )
            .await
            .map(drop)
    }
}

/// How a request shows an issue not created yet: by its key.
fn key_name(target: &Target) -> String {
    match target {
        Target::Existing { number, .. } => number.0.to_string(),
        Target::New(Key::Parent) => "new: the plan".to_owned(),
        Target::New(Key::Item(item)) => format!("new: {item}"),
    }
}

/// The id of the issue `target` names, or a placeholder naming it.
fn id_value(
    known: &dyn Fn(&Target) -> Option<(IssueNumber, IssueId)>,
    target: &Target,
    complete: &mut bool,
) -> Value {
    match known(target) {
        Some((_, id)) => json!(id.0),
        None => {
            *complete = false;
            json!(format!("{{id of {}}}", key_name(target)))
        }
    }
}
