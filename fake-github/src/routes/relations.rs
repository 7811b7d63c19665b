//! `GET .../issues/{n}/dependencies/blocked_by` and `GET .../issues/{n}/sub_issues`: paginated
//! arrays of `issue` objects as GitHub's REST description gives them (see `crate::relations`
//! for where each rule comes from). Each listed issue is rendered from its own repository.

use super::issues::issue_json;
use super::{ApiResult, Ctx};
use crate::error::ApiError;
use crate::relations::IssueKey;
use crate::state::World;
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
