//! `GET .../issues/{n}/dependencies/blocked_by` and `GET .../issues/{n}/sub_issues`: paginated
//! arrays of `issue` objects as GitHub's REST description gives them (see `crate::relations`
//! for where each rule comes from). Each listed issue is rendered from its own repository.
//! `POST` on the same paths adds a link to the issue the body names by its id.

use super::issues::issue_json;
use super::{ApiResult, Ctx, created, parse_body};
use crate::error::ApiError;
use crate::relations::{IssueKey, RelationError};
use crate::state::World;
use axum::body::Bytes;
use serde::Deserialize;
use serde_json::Value;

pub(crate) async fn list_blocked_by(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    if !world.relations.dependencies {
        return Err(ApiError::NotFound);
    }
    let key = issue_key(&ctx, &world)?;
    let listed = world.relations.blocked_by.get(&key);
    let issues = rendered(&ctx, &world, listed.map_or(&[][..], Vec::as_slice));
    Ok(ctx.page(&issues, Value::clone))
}

pub(crate) async fn list_sub_issues(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let key = issue_key(&ctx, &world)?;
    let listed = world.relations.sub_issues.get(&key);
    let issues = rendered(&ctx, &world, listed.map_or(&[][..], Vec::as_slice));
    Ok(ctx.page(&issues, Value::clone))
}

#[derive(Deserialize)]
struct NewBlocker {
    issue_id: u64,
}

pub(crate) async fn add_blocked_by(ctx: Ctx, body: Bytes) -> ApiResult {
    let request: NewBlocker = parse_body(&body)?;
    let mut world = ctx.lock();
    if !world.relations.dependencies {
        return Err(ApiError::NotFound);
    }
    let blocked = issue_key(&ctx, &world)?;
    let blocker = by_id(&world, request.issue_id).ok_or_else(|| {
        ApiError::NotFoundBecause("The provided blocking issue does not exist".into())
    })?;
    world
        .relations
        .block(blocked.clone(), blocker)
        .map_err(refused)?;
    rendered_one(&ctx, &world, &blocked)
}

#[derive(Deserialize)]
struct NewSubIssue {
    sub_issue_id: u64,
    #[serde(default)]
    replace_parent: bool,
}

pub(crate) async fn add_sub_issue(ctx: Ctx, body: Bytes) -> ApiResult {
    let request: NewSubIssue = parse_body(&body)?;
    let mut world = ctx.lock();
    let parent = issue_key(&ctx, &world)?;
    let sub = by_id(&world, request.sub_issue_id).ok_or(ApiError::NotFound)?;
    world
        .relations
        .add_sub(parent.clone(), sub, request.replace_parent)
        .map_err(refused)?;
    rendered_one(&ctx, &world, &parent)
}

/// The issue whose id is `id`, in any repository.
fn by_id(world: &World, id: u64) -> Option<IssueKey> {
    world.repos.iter().find_map(|(name, repo)| {
        repo.issues
            .values()
            .find(|issue| issue.id == id && issue.pull_request.is_none())
            .map(|issue| (name.clone(), issue.number))
    })
}

fn refused(error: RelationError) -> ApiError {
    ApiError::unprocessable(format!("Validation Failed: {error}"))
}

fn rendered_one(ctx: &Ctx, world: &World, key: &IssueKey) -> ApiResult {
    let issue = rendered(ctx, world, std::slice::from_ref(key))
        .pop()
        .ok_or(ApiError::NotFound)?;
    created(issue)
}

/// The issue the path names, which must exist.
fn issue_key(ctx: &Ctx, world: &World) -> Result<IssueKey, ApiError> {
    let name = ctx.repo_name();
    let number = ctx.number("n")?;
    world.repo(&name)?.issue(number)?;
    Ok((name.to_ascii_lowercase(), number))
}

fn rendered(ctx: &Ctx, world: &World, keys: &[IssueKey]) -> Vec<Value> {
    keys.iter()
        .filter_map(|(repo, number)| {
            let repo = world.repo(repo).ok()?;
            Some(issue_json(ctx.base(), repo, repo.issues.get(number)?))
        })
        .collect()
}
