//! Repository labels, and the labels on an issue or pull request.

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::Value;

use super::render;
use super::{ApiResult, Ctx, created, ok, parse_body};
use crate::error::ApiError;
use crate::model::Label;
use crate::state::Repo;

/// A label as request bodies name one: a bare string or `{"name": ...}`.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum LabelName {
    Name(String),
    Object { name: String },
}

impl LabelName {
    pub fn name(&self) -> &str {
        match self {
            LabelName::Name(name) | LabelName::Object { name } => name,
        }
    }
}

/// `POST`/`PUT .../issues/{n}/labels` take `{"labels": [...]}` or a bare array.
#[derive(Deserialize)]
#[serde(untagged)]
enum LabelsBody {
    Wrapped { labels: Vec<LabelName> },
    Bare(Vec<LabelName>),
}

impl LabelsBody {
    fn into_names(self) -> Vec<LabelName> {
        match self {
            LabelsBody::Wrapped { labels } | LabelsBody::Bare(labels) => labels,
        }
    }
}

pub(crate) async fn list_repo_labels(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let labels: Vec<&Label> = repo.labels.values().collect();
    Ok(ctx.page(&labels, |label| {
        render::label(ctx.base(), repo, &label.name)
    }))
}

#[derive(Deserialize)]
struct NewLabel {
    name: String,
    color: Option<String>,
    description: Option<String>,
}

pub(crate) async fn create_label(ctx: Ctx, body: Bytes) -> ApiResult {
    let request: NewLabel = parse_body(&body)?;
    let color = request.color.unwrap_or_else(|| "ededed".into());
    if color.len() != 6 || !color.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError::Invalid {
            resource: "Label",
            field: "color",
            code: "invalid",
        });
    }
    let mut guard = ctx.lock();
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    let key = request.name.to_lowercase();
    if repo.labels.contains_key(&key) {
        return Err(ApiError::Invalid {
            resource: "Label",
            field: "name",
            code: "already_exists",
        });
    }
    let label = Label {
        id: seq.id(),
        name: request.name,
        color,
        description: request.description,
    };
    let name = label.name.clone();
    repo.labels.insert(key, label);
    created(render::label(ctx.base(), repo, &name))
}

pub(crate) async fn list_issue_labels(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let issue = repo.issue(ctx.number("n")?)?;
    Ok(ctx.page(&issue.labels, |name| render::label(ctx.base(), repo, name)))
}

/// Adds labels, creating any the repository lacks, and answers with all the issue's labels.
pub(crate) async fn add_labels(ctx: Ctx, body: Bytes) -> ApiResult {
    let names = parse_body::<LabelsBody>(&body)?.into_names();
    set_labels(&ctx, names, false)
}

/// Replaces the issue's labels.
pub(crate) async fn replace_labels(ctx: Ctx, body: Bytes) -> ApiResult {
    let names = parse_body::<LabelsBody>(&body)?.into_names();
    set_labels(&ctx, names, true)
}

fn set_labels(ctx: &Ctx, names: Vec<LabelName>, replace: bool) -> ApiResult {
    let number = ctx.number("n")?;
    let mut guard = ctx.lock();
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    repo.issue(number)?;
    let stored: Vec<String> = names
        .iter()
        .map(|label| repo.ensure_label(label.name(), seq))
        .collect();
    let now = seq.tick();
    let issue = repo.issue_mut(number)?;
    if replace {
        issue.labels.clear();
    }
    for name in stored {
        // Stored names are canonical (`ensure_label`), so plain equality is case-insensitive here.
        if !issue.labels.contains(&name) {
            issue.labels.push(name);
        }
    }
    issue.updated_at = now;
    issue_labels(ctx, repo, number)
}

/// `DELETE .../issues/{n}/labels/{name}`; the name arrives percent-encoded (`agent%3Aalpha`).
pub(crate) async fn remove_label(ctx: Ctx) -> ApiResult {
    let number = ctx.number("n")?;
    let name = ctx.param("name").to_owned();
    let mut guard = ctx.lock();
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    let now = seq.tick();
    let issue = repo.issue_mut(number)?;
    let position = issue
        .labels
        .iter()
        .position(|label| label.to_lowercase() == name.to_lowercase())
        .ok_or_else(|| ApiError::NotFoundBecause("Label does not exist".into()))?;
    issue.labels.remove(position);
    issue.updated_at = now;
    issue_labels(&ctx, repo, number)
}

fn issue_labels(ctx: &Ctx, repo: &Repo, number: u64) -> ApiResult {
    let issue = repo.issue(number)?;
    let labels: Vec<Value> = issue
        .labels
        .iter()
        .map(|name| render::label(ctx.base(), repo, name))
        .collect();
    ok(Value::Array(labels))
}
