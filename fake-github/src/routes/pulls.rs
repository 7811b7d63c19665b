//! Pull requests, their files and reviews, and comparisons between two refs.

use serde_json::{Value, json};

use super::issues::{filter_state, sort_listing};
use super::render::{self, WEB, optional_timestamp, repo_url, timestamp};
use super::{ApiResult, Ctx, ok};
use crate::error::ApiError;
use crate::model::{Issue, IssueState, PullRequest, Review};
use crate::spec::CompareSpec;
use crate::state::Repo;

/// GitHub lists at most this many files of a pull request, however many pages are asked for.
const MAX_PULL_FILES: usize = 3000;
/// Compare responses carry at most this many files.
const MAX_COMPARE_FILES: usize = 300;

pub(crate) async fn list_pulls(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let state = filter_state(&ctx)?;
    // `head` is `owner:branch`; `base` a branch name.
    let head = ctx
        .query("head")
        .map(|head| head.split_once(':').map_or(head, |(_, branch)| branch));
    let base = ctx.query("base");
    let mut pulls: Vec<(&Issue, &PullRequest)> = repo
        .issues
        .values()
        .filter(|issue| state.is_none_or(|state| issue.state == state))
        .filter_map(|issue| Some((issue, issue.pull_request.as_ref()?)))
        .filter(|(_, pull)| head.is_none_or(|head| pull.head_ref == head))
        .filter(|(_, pull)| base.is_none_or(|base| pull.base_ref == base))
        .collect();
    sort_listing(&mut pulls, &ctx, |(issue, _)| *issue);
    // Rendered once: every pull request embeds the repository twice.
    let repository = render::repository(ctx.base(), repo);
    Ok(ctx.page(&pulls, |(issue, pull)| {
        pull_json(ctx.base(), repo, &repository, issue, pull)
    }))
}

pub(crate) async fn get_pull(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let (issue, pull) = find_pull(repo, ctx.number("n")?)?;
    let mut body = pull_json(
        ctx.base(),
        repo,
        &render::repository(ctx.base(), repo),
        issue,
        pull,
    );
    let open = issue.state == IssueState::Open;
    let details = json!({
        "merged": pull.merged_at.is_some(),
        "mergeable": if open { json!(true) } else { Value::Null },
        "rebaseable": if open { json!(true) } else { Value::Null },
        "mergeable_state": match (open, pull.draft) {
            (false, _) => "unknown",
            (true, true) => "draft",
            (true, false) => "clean",
        },
        "merged_by": null,
        "comments": issue.comment_ids.len(),
        "review_comments": 0,
        "maintainer_can_modify": false,
        "commits": pull.commits,
        "additions": pull.files.iter().map(|file| file.additions).sum::<u64>(),
        "deletions": pull.files.iter().map(|file| file.deletions).sum::<u64>(),
        "changed_files": pull.files.len(),
    });
    for (key, value) in details.as_object().expect("details is an object") {
        body[key] = value.clone();
    }
    ok(body)
}

pub(crate) async fn list_files(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let (_, pull) = find_pull(repo, ctx.number("n")?)?;
    let listed = &pull.files[..pull.files.len().min(MAX_PULL_FILES)];
    Ok(ctx.page(listed, |file| {
        render::file_change(ctx.base(), repo, file, &pull.head_sha)
    }))
}

pub(crate) async fn list_reviews(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let number = ctx.number("n")?;
    let (_, pull) = find_pull(repo, number)?;
    Ok(ctx.page(&pull.reviews, |review| {
        review_json(ctx.base(), repo, number, review)
    }))
}

/// `GET .../compare/{base}...{head}`: a comparison the test set, else one derived from the pull
/// request whose head is `head`, else one derived from the commit chain alone.
pub(crate) async fn compare(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let basehead = ctx.param("basehead");
    let (base, head) = basehead.split_once("...").ok_or(ApiError::NotFound)?;
    let base_sha = repo.resolve(base).ok_or(ApiError::NotFound)?;
    let head_sha = repo.resolve(head).ok_or(ApiError::NotFound)?;
    let spec = set_comparison(repo, (base, head), (&base_sha, &head_sha))
        .unwrap_or_else(|| derived_comparison(repo, &base_sha, &head_sha));
    let merge_base = spec.merge_base.clone().unwrap_or_else(|| base_sha.clone());
    let url = repo_url(ctx.base(), repo);
    let html = format!("{WEB}/{}/compare/{basehead}", repo.full_name);
    let files: Vec<Value> = spec
        .files
        .iter()
        .take(MAX_COMPARE_FILES)
        .map(|file| render::file_change(ctx.base(), repo, file, &head_sha))
        .collect();
    ok(json!({
        "url": format!("{url}/compare/{basehead}"),
        "html_url": html,
        "permalink_url": format!("{WEB}/{}/compare/{base_sha}...{head_sha}", repo.full_name),
        "diff_url": format!("{html}.diff"),
        "patch_url": format!("{html}.patch"),
        "base_commit": render::commit(ctx.base(), repo, &base_sha),
        "merge_base_commit": render::commit(ctx.base(), repo, &merge_base),
        "status": spec.status(),
        "ahead_by": spec.ahead_by,
        "behind_by": spec.behind_by,
        "total_commits": spec.ahead_by,
        "commits": [],
        "files": files,
    }))
}

/// A comparison the test set for these refs, matched as requested or by the shas they resolve to.
fn set_comparison(
    repo: &Repo,
    requested: (&str, &str),
    resolved: (&str, &str),
) -> Option<CompareSpec> {
    if let Some(spec) = repo
        .compares
        .get(&(requested.0.to_owned(), requested.1.to_owned()))
    {
        return Some(spec.clone());
    }
    repo.compares
        .iter()
        .find(|((base, head), _)| {
            repo.resolve(base).as_deref() == Some(resolved.0)
                && repo.resolve(head).as_deref() == Some(resolved.1)
        })
        .map(|(_, spec)| spec.clone())
}

fn derived_comparison(repo: &Repo, base_sha: &str, head_sha: &str) -> CompareSpec {
    let pull = repo
        .pulls_by_head
        .get(head_sha)
        .and_then(|numbers| numbers.iter().next())
        .and_then(|number| repo.issues.get(number)?.pull_request.as_ref());
    match pull {
        Some(pull) => CompareSpec {
            ahead_by: pull.commits,
            behind_by: repo
                .commits_between(base_sha, &pull.merge_base)
                .unwrap_or(0),
            merge_base: Some(pull.merge_base.clone()),
            files: pull.files.clone(),
        },
        None => {
            let ahead_by = repo.commits_between(head_sha, base_sha);
            let behind_by = repo.commits_between(base_sha, head_sha);
            CompareSpec {
                ahead_by: ahead_by.unwrap_or(0),
                behind_by: behind_by.unwrap_or(0),
                merge_base: Some(
                    if behind_by.is_some() {
                        head_sha
                    } else {
                        base_sha
                    }
                    .to_owned(),
                ),
                files: Vec::new(),
            }
        }
    }
}

fn find_pull(repo: &Repo, number: u64) -> Result<(&Issue, &PullRequest), ApiError> {
    let issue = repo.issue(number)?;
    Ok((
        issue,
        issue.pull_request.as_ref().ok_or(ApiError::NotFound)?,
    ))
}

/// A pull request as `GET .../pulls` lists it; `GET .../pulls/{n}` adds a few fields.
fn pull_json(
    base: &str,
    repo: &Repo,
    repository: &Value,
    issue: &Issue,
    pull: &PullRequest,
) -> Value {
    let number = issue.number;
    let url = repo_url(base, repo);
    let html = format!("{WEB}/{}/pull/{number}", repo.full_name);
    let base_sha = repo.branch_sha(&pull.base_ref).unwrap_or(&pull.merge_base);
    json!({
        "url": format!("{url}/pulls/{number}"),
        "id": pull.id,
        "node_id": format!("PR_{}", pull.id),
        "html_url": html,
        "diff_url": format!("{html}.diff"),
        "patch_url": format!("{html}.patch"),
        "issue_url": format!("{url}/issues/{number}"),
        "commits_url": format!("{url}/pulls/{number}/commits"),
        "review_comments_url": format!("{url}/pulls/{number}/comments"),
        "comments_url": format!("{url}/issues/{number}/comments"),
        "statuses_url": format!("{url}/statuses/{}", pull.head_sha),
        "number": number,
        "state": issue.state.as_str(),
        "locked": false,
        "title": issue.title,
        "user": render::user(base, &issue.author),
        "body": issue.body,
        "labels": render::labels(base, repo, issue),
        "milestone": null,
        "active_lock_reason": null,
        "created_at": timestamp(issue.created_at),
        "updated_at": timestamp(issue.updated_at),
        "closed_at": optional_timestamp(issue.closed_at),
        "merged_at": optional_timestamp(pull.merged_at),
        "merge_commit_sha": pull.merge_commit_sha,
        "assignee": issue.assignees.first().map(|login| render::user(base, login)),
        "assignees": issue.assignees.iter().map(|login| render::user(base, login)).collect::<Vec<_>>(),
        "requested_reviewers": [],
        "requested_teams": [],
        "head": {
            "label": format!("{}:{}", repo.owner, pull.head_ref),
            "ref": pull.head_ref,
            "sha": pull.head_sha,
            "user": repository["owner"],
            "repo": repository,
        },
        "base": {
            "label": format!("{}:{}", repo.owner, pull.base_ref),
            "ref": pull.base_ref,
            "sha": base_sha,
            "user": repository["owner"],
            "repo": repository,
        },
        "author_association": render::author_association(repo, &issue.author),
        "auto_merge": null,
        "draft": pull.draft,
    })
}

fn review_json(base: &str, repo: &Repo, number: u64, review: &Review) -> Value {
    let html = format!(
        "{WEB}/{}/pull/{number}#pullrequestreview-{}",
        repo.full_name, review.id
    );
    let pull_url = format!("{}/pulls/{number}", repo_url(base, repo));
    json!({
        "id": review.id,
        "node_id": format!("PRR_{}", review.id),
        "user": render::user(base, &review.reviewer),
        "body": "",
        "state": review.state.as_str(),
        "html_url": html,
        "pull_request_url": pull_url,
        "author_association": render::author_association(repo, &review.reviewer),
        "submitted_at": timestamp(review.submitted_at),
        "commit_id": review.commit_id,
        "_links": { "html": { "href": html }, "pull_request": { "href": pull_url } },
    })
}
