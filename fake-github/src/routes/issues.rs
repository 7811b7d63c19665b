//! Issues (pull requests included, as on GitHub), their comments, reactions and assignees.

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::labels::LabelName;
use super::render::{self, WEB, optional_timestamp, repo_url, timestamp};
use super::{ApiResult, Ctx, created, ok, parse_body};
use crate::error::ApiError;
use crate::model::{Comment, Issue, IssueState, Reaction};
use crate::state::Repo;

/// GitHub refuses comment bodies longer than this.
const MAX_COMMENT_CHARS: usize = 65_536;
const REACTIONS: &[&str] = &[
    "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes",
];

/// The `state` query parameter: `open` (the default), `closed`, or `all` (`None`).
pub(crate) fn filter_state(ctx: &Ctx) -> Result<Option<IssueState>, ApiError> {
    match ctx.query("state").unwrap_or("open") {
        "open" => Ok(Some(IssueState::Open)),
        "closed" => Ok(Some(IssueState::Closed)),
        "all" => Ok(None),
        _ => Err(ApiError::Invalid {
            resource: "Issue",
            field: "state",
            code: "invalid",
        }),
    }
}

/// Orders a listing by `sort` (`created`, `updated` or `comments`) and `direction` (default `desc`).
pub(crate) fn sort_listing<T>(items: &mut [T], ctx: &Ctx, issue_of: impl Fn(&T) -> &Issue) {
    let sort = ctx.query("sort").unwrap_or("created");
    items.sort_by(|a, b| {
        let (a, b) = (issue_of(a), issue_of(b));
        let order = match sort {
            "updated" => a.updated_at.cmp(&b.updated_at),
            "comments" => a.comment_ids.len().cmp(&b.comment_ids.len()),
            _ => a.created_at.cmp(&b.created_at),
        };
        order.then(a.number.cmp(&b.number))
    });
    if ctx.query("direction") != Some("asc") {
        items.reverse();
    }
}

pub(crate) async fn list_issues(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let state = filter_state(&ctx)?;
    let wanted_labels: Vec<String> = ctx
        .query("labels")
        .map(|labels| {
            labels
                .split(',')
                .map(|label| label.trim().to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let creator = ctx.query("creator");
    let assignee = ctx.query("assignee");
    let mut issues: Vec<&Issue> = repo
        .issues
        .values()
        .filter(|issue| state.is_none_or(|state| issue.state == state))
        .filter(|issue| {
            let has = |wanted: &String| {
                issue
                    .labels
                    .iter()
                    .any(|label| label.to_lowercase() == *wanted)
            };
            wanted_labels.iter().all(has)
        })
        .filter(|issue| creator.is_none_or(|creator| issue.author.eq_ignore_ascii_case(creator)))
        .filter(|issue| match assignee {
            None => true,
            Some("*") => !issue.assignees.is_empty(),
            Some("none") => issue.assignees.is_empty(),
            Some(login) => issue
                .assignees
                .iter()
                .any(|assigned| assigned.eq_ignore_ascii_case(login)),
        })
        .collect();
    sort_listing(&mut issues, &ctx, |issue| *issue);
    Ok(ctx.page(&issues, |issue| issue_json(ctx.base(), repo, issue)))
}

pub(crate) async fn get_issue(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    ok(issue_json(ctx.base(), repo, repo.issue(ctx.number("n")?)?))
}

#[derive(Deserialize)]
struct NewIssue {
    title: String,
    body: Option<String>,
    #[serde(default)]
    labels: Vec<LabelName>,
    #[serde(default)]
    assignees: Vec<String>,
}

pub(crate) async fn create_issue(ctx: Ctx, body: Bytes) -> ApiResult {
    let request: NewIssue = parse_body(&body)?;
    if request.title.trim().is_empty() {
        return Err(ApiError::Invalid {
            resource: "Issue",
            field: "title",
            code: "missing_field",
        });
    }
    let mut guard = ctx.lock();
    let author = ctx.author(&guard);
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    let labels = request
        .labels
        .iter()
        .map(|label| repo.ensure_label(label.name(), seq))
        .collect();
    let number = repo.claim_number(None);
    let now = seq.tick();
    let issue = Issue {
        number,
        id: seq.id(),
        title: request.title,
        body: request.body,
        state: IssueState::Open,
        author,
        labels,
        assignees: request.assignees,
        created_at: now,
        updated_at: now,
        closed_at: None,
        comment_ids: Vec::new(),
        pull_request: None,
    };
    let body = issue_json(ctx.base(), repo, &issue);
    repo.issues.insert(number, issue);
    created(body)
}

#[derive(Deserialize)]
struct IssueChanges {
    title: Option<String>,
    /// `null` clears the body, so absent and null differ.
    #[serde(default)]
    body: Option<Value>,
    state: Option<String>,
    labels: Option<Vec<LabelName>>,
    assignees: Option<Vec<String>>,
}

pub(crate) async fn update_issue(ctx: Ctx, body: Bytes) -> ApiResult {
    let changes: IssueChanges = parse_body(&body)?;
    let number = ctx.number("n")?;
    let mut guard = ctx.lock();
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    repo.issue(number)?;
    let labels: Option<Vec<String>> = changes.labels.map(|labels| {
        labels
            .iter()
            .map(|label| repo.ensure_label(label.name(), seq))
            .collect()
    });
    let now = seq.tick();
    let issue = repo.issue_mut(number)?;
    if let Some(title) = changes.title {
        issue.title = title;
    }
    match changes.body {
        Some(Value::Null) => issue.body = None,
        Some(Value::String(body)) => issue.body = Some(body),
        Some(_) => {
            return Err(ApiError::unprocessable(
                "Invalid request.\n\nFor 'body', expected a string.",
            ));
        }
        None => {}
    }
    match changes.state.as_deref() {
        Some("closed") if issue.state == IssueState::Open => {
            issue.state = IssueState::Closed;
            issue.closed_at = Some(now);
        }
        Some("open") if issue.state == IssueState::Closed => {
            issue.state = IssueState::Open;
            issue.closed_at = None;
        }
        Some("open" | "closed") | None => {}
        Some(_) => {
            return Err(ApiError::Invalid {
                resource: "Issue",
                field: "state",
                code: "invalid",
            });
        }
    }
    if let Some(labels) = labels {
        issue.labels = labels;
    }
    if let Some(assignees) = changes.assignees {
        issue.assignees = assignees;
    }
    issue.updated_at = now;
    ok(issue_json(ctx.base(), repo, repo.issue(number)?))
}

pub(crate) async fn list_comments(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let issue = repo.issue(ctx.number("n")?)?;
    Ok(ctx.page(&issue.comment_ids, |id| {
        comment_json(ctx.base(), repo, &repo.comments[id])
    }))
}

#[derive(Deserialize)]
struct CommentBody {
    body: String,
}

fn comment_body(body: &[u8]) -> Result<String, ApiError> {
    let CommentBody { body } = parse_body(body)?;
    if body.trim().is_empty() {
        return Err(ApiError::Invalid {
            resource: "IssueComment",
            field: "body",
            code: "missing_field",
        });
    }
    if body.chars().count() > MAX_COMMENT_CHARS {
        return Err(ApiError::unprocessable(format!(
            "Validation Failed: body is too long (maximum is {MAX_COMMENT_CHARS} characters)"
        )));
    }
    Ok(body)
}

pub(crate) async fn create_comment(ctx: Ctx, body: Bytes) -> ApiResult {
    let text = comment_body(&body)?;
    let number = ctx.number("n")?;
    let mut guard = ctx.lock();
    let author = ctx.author(&guard);
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    repo.issue(number)?;
    let (id, now) = (seq.id(), seq.tick());
    let comment = Comment {
        id,
        issue_number: number,
        body: text,
        author,
        created_at: now,
        updated_at: now,
        reactions: Vec::new(),
    };
    let issue = repo.issue_mut(number)?;
    issue.comment_ids.push(id);
    issue.updated_at = now;
    repo.comments.insert(id, comment);
    created(comment_json(ctx.base(), repo, &repo.comments[&id]))
}

pub(crate) async fn get_comment(ctx: Ctx) -> ApiResult {
    let id = ctx.number("id")?;
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let comment = repo.comments.get(&id).ok_or(ApiError::NotFound)?;
    ok(comment_json(ctx.base(), repo, comment))
}

pub(crate) async fn update_comment(ctx: Ctx, body: Bytes) -> ApiResult {
    let text = comment_body(&body)?;
    let id = ctx.number("id")?;
    let mut guard = ctx.lock();
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    let comment = repo.comments.get_mut(&id).ok_or(ApiError::NotFound)?;
    comment.body = text;
    comment.updated_at = seq.tick();
    ok(comment_json(ctx.base(), repo, &repo.comments[&id]))
}

#[derive(Deserialize)]
struct ReactionBody {
    content: String,
}

/// 201 for a new reaction, 200 with the existing one when this user already reacted so.
pub(crate) async fn create_reaction(ctx: Ctx, body: Bytes) -> ApiResult {
    let ReactionBody { content } = parse_body(&body)?;
    if !REACTIONS.contains(&content.as_str()) {
        return Err(ApiError::Invalid {
            resource: "Reaction",
            field: "content",
            code: "invalid",
        });
    }
    let id = ctx.number("id")?;
    let mut guard = ctx.lock();
    let user = ctx.author(&guard);
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    let comment = repo.comments.get_mut(&id).ok_or(ApiError::NotFound)?;
    if let Some(existing) = comment
        .reactions
        .iter()
        .find(|reaction| reaction.user == user && reaction.content == content)
    {
        return ok(reaction_json(ctx.base(), existing));
    }
    let reaction = Reaction {
        id: seq.id(),
        content,
        user,
        created_at: seq.tick(),
    };
    let body = reaction_json(ctx.base(), &reaction);
    comment.reactions.push(reaction);
    created(body)
}

#[derive(Deserialize)]
struct AssigneesBody {
    #[serde(default)]
    assignees: Vec<String>,
}

pub(crate) async fn add_assignees(ctx: Ctx, body: Bytes) -> ApiResult {
    let AssigneesBody { assignees } = parse_body(&body)?;
    change_assignees(&ctx, |current| {
        for login in assignees {
            if !current
                .iter()
                .any(|assigned| assigned.eq_ignore_ascii_case(&login))
            {
                current.push(login);
            }
        }
    })
    .and_then(created)
}

pub(crate) async fn remove_assignees(ctx: Ctx, body: Bytes) -> ApiResult {
    let AssigneesBody { assignees } = parse_body(&body)?;
    change_assignees(&ctx, |current| {
        current.retain(|assigned| {
            !assignees
                .iter()
                .any(|login| login.eq_ignore_ascii_case(assigned))
        });
    })
    .and_then(ok)
}

fn change_assignees(ctx: &Ctx, change: impl FnOnce(&mut Vec<String>)) -> Result<Value, ApiError> {
    let number = ctx.number("n")?;
    let mut guard = ctx.lock();
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    let now = seq.tick();
    let issue = repo.issue_mut(number)?;
    change(&mut issue.assignees);
    issue.updated_at = now;
    Ok(issue_json(ctx.base(), repo, repo.issue(number)?))
}

pub(crate) fn issue_json(base: &str, repo: &Repo, issue: &Issue) -> Value {
    let number = issue.number;
    let url = format!("{}/issues/{number}", repo_url(base, repo));
    let kind = if issue.pull_request.is_some() {
        "pull"
    } else {
        "issues"
    };
    let mut body = json!({
        "url": url,
        "repository_url": repo_url(base, repo),
        "labels_url": format!("{url}/labels{{/name}}"),
        "comments_url": format!("{url}/comments"),
        "events_url": format!("{url}/events"),
        "html_url": format!("{WEB}/{}/{kind}/{number}", repo.full_name),
        "id": issue.id,
        "node_id": format!("I_{}", issue.id),
        "number": number,
        "title": issue.title,
        "user": render::user(base, &issue.author),
        "labels": render::labels(base, repo, issue),
        "state": issue.state.as_str(),
        "state_reason": (issue.state == IssueState::Closed).then_some("completed"),
        "locked": false,
        "assignee": issue.assignees.first().map(|login| render::user(base, login)),
        "assignees": issue.assignees.iter().map(|login| render::user(base, login)).collect::<Vec<_>>(),
        "milestone": null,
        "comments": issue.comment_ids.len(),
        "created_at": timestamp(issue.created_at),
        "updated_at": timestamp(issue.updated_at),
        "closed_at": optional_timestamp(issue.closed_at),
        "author_association": render::author_association(repo, &issue.author),
        "active_lock_reason": null,
        "body": issue.body,
    });
    if let Some(pull) = &issue.pull_request {
        let html = format!("{WEB}/{}/pull/{number}", repo.full_name);
        body["draft"] = json!(pull.draft);
        body["pull_request"] = json!({
            "url": format!("{}/pulls/{number}", repo_url(base, repo)),
            "html_url": html,
            "diff_url": format!("{html}.diff"),
            "patch_url": format!("{html}.patch"),
            "merged_at": optional_timestamp(pull.merged_at),
        });
    }
    body
}

fn comment_json(base: &str, repo: &Repo, comment: &Comment) -> Value {
    let id = comment.id;
    let number = comment.issue_number;
    let kind = match repo.issues.get(&number) {
        Some(issue) if issue.pull_request.is_some() => "pull",
        _ => "issues",
    };
    let url = format!("{}/issues/comments/{id}", repo_url(base, repo));
    let mut reactions =
        json!({ "url": format!("{url}/reactions"), "total_count": comment.reactions.len() });
    for content in REACTIONS {
        let count = comment
            .reactions
            .iter()
            .filter(|reaction| reaction.content == *content)
            .count();
        reactions[*content] = json!(count);
    }
    json!({
        "id": id,
        "node_id": format!("IC_{id}"),
        "url": url,
        "html_url": format!("{WEB}/{}/{kind}/{number}#issuecomment-{id}", repo.full_name),
        "issue_url": format!("{}/issues/{number}", repo_url(base, repo)),
        "body": comment.body,
        "user": render::user(base, &comment.author),
        "created_at": timestamp(comment.created_at),
        "updated_at": timestamp(comment.updated_at),
        "author_association": render::author_association(repo, &comment.author),
        "reactions": reactions,
        "performed_via_github_app": null,
    })
}

fn reaction_json(base: &str, reaction: &Reaction) -> Value {
    json!({
        "id": reaction.id,
        "node_id": format!("REA_{}", reaction.id),
        "user": render::user(base, &reaction.user),
        "content": reaction.content,
        "created_at": timestamp(reaction.created_at),
    })
}
