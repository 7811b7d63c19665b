//! JSON shapes shared by several endpoints, with GitHub's field names and nesting.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::hash;
use crate::model::{FileChange, Issue};
use crate::state::{AppIdentity, Repo};

pub(crate) const WEB: &str = "https://github.com";

pub(crate) fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn optional_timestamp(time: Option<DateTime<Utc>>) -> Value {
    time.map_or(Value::Null, |time| Value::String(timestamp(time)))
}

/// A user as GitHub embeds one (`user`, `owner`, `account`...). Logins ending in `[bot]` are bots.
pub(crate) fn user(base: &str, login: &str) -> Value {
    let id = hash::user_id(login);
    let bot = login.ends_with("[bot]");
    // Brackets in bot logins are percent-encoded in URLs, as GitHub does.
    let escaped = login.replace('[', "%5B").replace(']', "%5D");
    let api = format!("{base}/users/{escaped}");
    let html = match login.strip_suffix("[bot]") {
        Some(slug) => format!("{WEB}/apps/{slug}"),
        None => format!("{WEB}/{login}"),
    };
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "",
        "url": api,
        "html_url": html,
        "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"),
        "type": if bot { "Bot" } else { "User" },
        "site_admin": false,
    })
}

pub(crate) fn repo_url(base: &str, repo: &Repo) -> String {
    format!("{base}/repos/{}", repo.full_name)
}

pub(crate) fn repository(base: &str, repo: &Repo) -> Value {
    let url = repo_url(base, repo);
    json!({
        "id": repo.id,
        "node_id": format!("R_{}", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "visibility": if repo.private { "private" } else { "public" },
        "owner": user(base, &repo.owner),
        "html_url": format!("{WEB}/{}", repo.full_name),
        "description": null,
        "fork": false,
        "url": url,
        "pulls_url": format!("{url}/pulls{{/number}}"),
        "issues_url": format!("{url}/issues{{/number}}"),
        "contents_url": format!("{url}/contents/{{+path}}"),
        "created_at": timestamp(repo.created_at),
        "default_branch": repo.default_branch,
        "archived": false,
        "disabled": false,
    })
}

/// A label of the repository by name; a name the repository lacks still renders, in grey.
pub(crate) fn label(base: &str, repo: &Repo, name: &str) -> Value {
    let stored = repo.labels.get(&name.to_lowercase());
    let id = stored.map_or_else(|| hash::user_id(name), |label| label.id);
    json!({
        "id": id,
        "node_id": format!("LA_{id}"),
        "url": format!("{}/labels/{}", repo_url(base, repo), escape_segment(name)),
        "name": stored.map_or(name, |label| label.name.as_str()),
        "color": stored.map_or("ededed", |label| label.color.as_str()),
        "description": stored.and_then(|label| label.description.clone()),
        "default": false,
    })
}

pub(crate) fn labels(base: &str, repo: &Repo, issue: &Issue) -> Value {
    issue
        .labels
        .iter()
        .map(|name| label(base, repo, name))
        .collect()
}

/// One entry of a diff, as in `pulls/{n}/files` and `compare`.
pub(crate) fn file_change(base: &str, repo: &Repo, file: &FileChange, head_sha: &str) -> Value {
    let blob_sha = hash::git_blob_sha(
        file.contents
            .as_deref()
            .unwrap_or(&format!("{}\n{:?}", file.filename, file.patch))
            .as_bytes(),
    );
    let path = escape_path(&file.filename);
    let mut entry = json!({
        "sha": blob_sha,
        "filename": file.filename,
        "status": file.status.as_str(),
        "additions": file.additions,
        "deletions": file.deletions,
        "changes": file.additions + file.deletions,
        "blob_url": format!("{WEB}/{}/blob/{head_sha}/{path}", repo.full_name),
        "raw_url": format!("{WEB}/{}/raw/{head_sha}/{path}", repo.full_name),
        "contents_url": format!("{}/contents/{path}?ref={head_sha}", repo_url(base, repo)),
    });
    if let Some(patch) = &file.patch {
        entry["patch"] = json!(patch);
    }
    if let Some(previous) = &file.previous_filename {
        entry["previous_filename"] = json!(previous);
    }
    entry
}

/// A commit as embedded in compare responses; the fake knows only its sha and parent.
pub(crate) fn commit(base: &str, repo: &Repo, sha: &str) -> Value {
    let url = repo_url(base, repo);
    let parents: Vec<Value> = repo
        .commits
        .get(sha)
        .and_then(|commit| commit.parent.as_ref())
        .map(|parent| json!({ "sha": parent, "url": format!("{url}/commits/{parent}") }))
        .into_iter()
        .collect();
    json!({
        "sha": sha,
        "node_id": format!("C_{sha}"),
        "url": format!("{url}/commits/{sha}"),
        "html_url": format!("{WEB}/{}/commit/{sha}", repo.full_name),
        "comments_url": format!("{url}/commits/{sha}/comments"),
        "commit": {
            "url": format!("{url}/git/commits/{sha}"),
            "message": "",
            "comment_count": 0,
            "tree": { "sha": sha, "url": format!("{url}/git/trees/{sha}") },
            "author": null,
            "committer": null,
        },
        "author": null,
        "committer": null,
        "parents": parents,
    })
}

/// GitHub's `author_association` for a login on this repository.
pub(crate) fn author_association(repo: &Repo, login: &str) -> &'static str {
    if login.eq_ignore_ascii_case(&repo.owner) {
        "OWNER"
    } else if repo
        .roles
        .get(&login.to_ascii_lowercase())
        .is_some_and(|role| role.permission != "none")
    {
        "COLLABORATOR"
    } else {
        "NONE"
    }
}

/// Permissions the fake app asks for, reported on the app, its installations and tokens.
pub(crate) fn app_permissions() -> Value {
    json!({
        "checks": "write",
        "contents": "write",
        "issues": "write",
        "metadata": "read",
        "pull_requests": "write",
    })
}

pub(crate) fn app_events() -> Value {
    json!([
        "check_run",
        "issue_comment",
        "issues",
        "label",
        "pull_request",
        "pull_request_review",
        "push"
    ])
}

pub(crate) fn app(base: &str, app: &AppIdentity) -> Value {
    json!({
        "id": app.id,
        "slug": app.slug,
        "node_id": format!("A_{}", app.id),
        "client_id": format!("Iv1.{:016x}", app.id),
        "owner": user(base, &app.owner),
        "name": app.slug,
        "description": "",
        "external_url": format!("{WEB}/{}", app.owner),
        "html_url": format!("{WEB}/apps/{}", app.slug),
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "permissions": app_permissions(),
        "events": app_events(),
    })
}

/// Percent-encodes one path segment (a label name, say) for a URL.
pub(crate) fn escape_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Percent-encodes a file path for a URL, keeping its slashes.
pub(crate) fn escape_path(path: &str) -> String {
    path.split('/')
        .map(escape_segment)
        .collect::<Vec<_>>()
        .join("/")
}
