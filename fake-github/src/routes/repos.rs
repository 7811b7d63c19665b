//! Repositories: metadata, file contents, git refs and collaborator permissions.

use axum::body::Bytes;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

use super::render::{self, WEB, repo_url};
use super::{ApiResult, Ctx, created, ok, parse_body};
use crate::error::ApiError;
use crate::model::Role;
use crate::state::Repo;

/// GitHub wraps base64 file contents at this many characters per line.
const BASE64_LINE: usize = 60;

pub(crate) async fn get_repo(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    ok(render::repository(
        ctx.base(),
        world.repo(&ctx.repo_name())?,
    ))
}

/// `GET .../contents/{path}?ref=`: one file, base64 like GitHub, or raw with
/// `Accept: application/vnd.github.raw`.
pub(crate) async fn get_contents(ctx: Ctx, headers: HeaderMap) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let reference = ctx.query("ref").unwrap_or(&repo.default_branch);
    let sha = repo.resolve(reference).ok_or_else(|| {
        ApiError::NotFoundBecause(format!("No commit found for the ref {reference}"))
    })?;
    let path = ctx.param("path").trim_matches('/');
    let tree = repo.tree_at(&sha);
    let blob = tree.get(path).ok_or(ApiError::NotFound)?;

    let accept = headers
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if accept.contains("vnd.github.raw") || accept.contains("vnd.github.v3.raw") {
        let raw = [(CONTENT_TYPE, "application/vnd.github.raw")];
        return Ok((raw, blob.contents.to_string()).into_response());
    }
    let escaped = render::escape_path(path);
    let url = format!(
        "{}/contents/{escaped}?ref={reference}",
        repo_url(ctx.base(), repo)
    );
    let git_url = format!("{}/git/blobs/{}", repo_url(ctx.base(), repo), blob.sha);
    let html_url = format!("{WEB}/{}/blob/{reference}/{escaped}", repo.full_name);
    ok(json!({
        "type": "file",
        "encoding": "base64",
        "size": blob.contents.len(),
        "name": path.rsplit('/').next().unwrap_or(path),
        "path": path,
        "content": wrapped_base64(blob.contents.as_bytes()),
        "sha": blob.sha,
        "url": url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": format!("https://raw.githubusercontent.com/{}/{reference}/{escaped}", repo.full_name),
        "_links": { "self": url, "git": git_url, "html": html_url },
    }))
}

/// Base64 with a newline after every 60 characters, including the last line, as GitHub sends it.
fn wrapped_base64(bytes: &[u8]) -> String {
    let encoded = STANDARD.encode(bytes);
    let mut wrapped = String::with_capacity(encoded.len() + encoded.len() / BASE64_LINE + 1);
    for line in encoded.as_bytes().chunks(BASE64_LINE) {
        wrapped.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        wrapped.push('\n');
    }
    wrapped
}

pub(crate) async fn get_ref(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let name = format!("refs/{}", ctx.param("ref"));
    let sha = repo.refs.get(&name).ok_or(ApiError::NotFound)?;
    ok(ref_json(ctx.base(), repo, &name, sha))
}

#[derive(Deserialize)]
struct NewRef {
    #[serde(rename = "ref")]
    name: String,
    sha: String,
}

pub(crate) async fn create_ref(ctx: Ctx, body: Bytes) -> ApiResult {
    let NewRef { name, sha } = parse_body(&body)?;
    if !name.starts_with("refs/") || name.matches('/').count() < 2 {
        return Err(ApiError::unprocessable(
            "Reference name must start with 'refs/' and have at least two slashes",
        ));
    }
    let mut guard = ctx.lock();
    let repo = guard.repo_mut(&ctx.repo_name())?;
    if !repo.commits.contains_key(&sha) {
        return Err(ApiError::unprocessable("Object does not exist"));
    }
    if repo.refs.contains_key(&name) {
        return Err(ApiError::unprocessable("Reference already exists"));
    }
    repo.refs.insert(name.clone(), sha.clone());
    created(ref_json(ctx.base(), repo, &name, &sha))
}

#[derive(Deserialize)]
struct RefUpdate {
    sha: String,
    #[serde(default)]
    force: bool,
}

/// Moves a ref; without `force` only forward, as GitHub refuses a non-fast-forward update.
pub(crate) async fn update_ref(ctx: Ctx, body: Bytes) -> ApiResult {
    let RefUpdate { sha, force } = parse_body(&body)?;
    let name = format!("refs/{}", ctx.param("ref"));
    let mut guard = ctx.lock();
    let repo = guard.repo_mut(&ctx.repo_name())?;
    let current = repo
        .refs
        .get(&name)
        .ok_or_else(|| ApiError::unprocessable("Reference does not exist"))?;
    if !repo.commits.contains_key(&sha) {
        return Err(ApiError::unprocessable("Object does not exist"));
    }
    if !force && repo.commits_between(&sha, current).is_none() {
        return Err(ApiError::unprocessable("Update is not a fast forward"));
    }
    repo.refs.insert(name.clone(), sha.clone());
    ok(ref_json(ctx.base(), repo, &name, &sha))
}

pub(crate) async fn delete_ref(ctx: Ctx) -> ApiResult {
    let name = format!("refs/{}", ctx.param("ref"));
    let mut guard = ctx.lock();
    let repo = guard.repo_mut(&ctx.repo_name())?;
    repo.refs
        .remove(&name)
        .ok_or_else(|| ApiError::unprocessable("Reference does not exist"))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn ref_json(base: &str, repo: &Repo, name: &str, sha: &str) -> Value {
    let url = repo_url(base, repo);
    json!({
        "ref": name,
        "node_id": format!("REF_{}", crate::hash::fake_sha(name)),
        "url": format!("{url}/git/{name}"),
        "object": { "sha": sha, "type": "commit", "url": format!("{url}/git/commits/{sha}") },
    })
}

/// `GET .../collaborators/{username}/permission`: the legacy `permission` beside the `role_name`.
/// Users the test gave no role have none.
pub(crate) async fn get_permission(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let username = ctx.param("username");
    let role = repo
        .roles
        .get(&username.to_ascii_lowercase())
        .cloned()
        .unwrap_or_else(|| Role {
            permission: "none".into(),
            role_name: "none".into(),
        });
    let mut user = render::user(ctx.base(), username);
    user["permissions"] = role_flags(&role);
    user["role_name"] = json!(role.role_name);
    ok(json!({ "permission": role.permission, "role_name": role.role_name, "user": user }))
}

/// The `permissions` booleans GitHub reports for a role.
fn role_flags(role: &Role) -> Value {
    let level = match (role.role_name.as_str(), role.permission.as_str()) {
        ("admin", _) | (_, "admin") => 5,
        ("maintain", _) => 4,
        ("triage", _) => 2,
        (_, "write") => 3,
        (_, "read") => 1,
        _ => 0,
    };
    json!({
        "admin": level >= 5,
        "maintain": level >= 4,
        "push": level >= 3,
        "triage": level >= 2,
        "pull": level >= 1,
    })
}

#[cfg(test)]
mod tests {
    use super::wrapped_base64;

    #[test]
    fn base64_lines_are_sixty_characters_and_end_with_a_newline() {
        let wrapped = wrapped_base64(&[b'x'; 100]);
        let lines: Vec<&str> = wrapped.split_terminator('\n').collect();
        assert_eq!(lines[0].len(), 60);
        assert!(wrapped.ends_with('\n'));
        assert_eq!(lines.concat().len(), 136);
    }
}
