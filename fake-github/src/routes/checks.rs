//! Check runs: create, update (annotations append), list for a ref, annotations.

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

use super::render::{self, WEB, optional_timestamp, repo_url, timestamp};
use super::{ApiResult, Ctx, created, ok, parse_body};
use crate::error::ApiError;
use crate::hash;
use crate::model::{Annotation, CheckRun, CheckRunAction};
use crate::state::{AppIdentity, Repo};

/// GitHub's limits on what one create or update request may carry.
const MAX_ANNOTATIONS_PER_REQUEST: usize = 50;
const MAX_ACTIONS: usize = 3;
const MAX_OUTPUT_CHARS: usize = 65_535;

const STATUSES: &[&str] = &[
    "queued",
    "in_progress",
    "completed",
    "waiting",
    "requested",
    "pending",
];
const CONCLUSIONS: &[&str] = &[
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
];
const ANNOTATION_LEVELS: &[&str] = &["notice", "warning", "failure"];

#[derive(Deserialize)]
struct NewCheckRun {
    name: String,
    head_sha: String,
    status: Option<String>,
    conclusion: Option<String>,
    details_url: Option<String>,
    external_id: Option<String>,
    output: Option<OutputBody>,
    actions: Option<Vec<CheckRunAction>>,
}

#[derive(Deserialize)]
struct CheckRunChanges {
    name: Option<String>,
    status: Option<String>,
    conclusion: Option<String>,
    details_url: Option<String>,
    external_id: Option<String>,
    output: Option<OutputBody>,
    actions: Option<Vec<CheckRunAction>>,
}

#[derive(Deserialize)]
struct OutputBody {
    title: Option<String>,
    summary: Option<String>,
    text: Option<String>,
    #[serde(default)]
    annotations: Vec<Annotation>,
}

pub(crate) async fn create_check_run(ctx: Ctx, body: Bytes) -> ApiResult {
    let request: NewCheckRun = parse_body(&body)?;
    if let Some(output) = &request.output {
        if output.title.is_none() {
            return Err(ApiError::unprocessable(
                "Invalid request.\n\n\"title\" wasn't supplied.",
            ));
        }
        if output.summary.is_none() {
            return Err(ApiError::unprocessable(
                "Invalid request.\n\n\"summary\" wasn't supplied.",
            ));
        }
    }
    let changes = CheckRunChanges {
        name: None,
        status: request.status,
        conclusion: request.conclusion,
        details_url: request.details_url,
        external_id: request.external_id,
        output: request.output,
        actions: request.actions,
    };
    validate(&changes)?;

    let mut guard = ctx.lock();
    let world = &mut *guard;
    let app_id = world.app.id;
    let (repo, seq) = world.repo_and_seq(&ctx.repo_name())?;
    if !repo.commits.contains_key(&request.head_sha) {
        return Err(ApiError::unprocessable(format!(
            "No commit found for SHA: {}",
            request.head_sha
        )));
    }
    let id = seq.id();
    let mut run = CheckRun {
        id,
        name: request.name,
        head_sha: request.head_sha,
        status: "queued".into(),
        conclusion: None,
        title: None,
        summary: None,
        text: None,
        annotations: Vec::new(),
        actions: Vec::new(),
        details_url: None,
        external_id: None,
        app_id,
        started_at: seq.tick(),
        completed_at: None,
    };
    apply(&mut run, changes, seq.tick())?;
    repo.check_runs_by_sha
        .entry(run.head_sha.clone())
        .or_default()
        .push(id);
    repo.check_runs.insert(id, run);

    let repo = guard.repo(&ctx.repo_name())?;
    created(check_run_json(
        ctx.base(),
        &guard.app,
        repo,
        &repo.check_runs[&id],
    ))
}

pub(crate) async fn update_check_run(ctx: Ctx, body: Bytes) -> ApiResult {
    let changes: CheckRunChanges = parse_body(&body)?;
    if changes
        .output
        .as_ref()
        .is_some_and(|output| output.summary.is_none())
    {
        return Err(ApiError::unprocessable(
            "Invalid request.\n\n\"summary\" wasn't supplied.",
        ));
    }
    validate(&changes)?;
    let id = ctx.number("id")?;
    let mut guard = ctx.lock();
    let (repo, seq) = guard.repo_and_seq(&ctx.repo_name())?;
    let now = seq.tick();
    let run = repo.check_runs.get_mut(&id).ok_or(ApiError::NotFound)?;
    // Validate on a copy so a refused update leaves the run as it was.
    let mut updated = run.clone();
    apply(&mut updated, changes, now)?;
    *run = updated;

    let repo = guard.repo(&ctx.repo_name())?;
    ok(check_run_json(
        ctx.base(),
        &guard.app,
        repo,
        &repo.check_runs[&id],
    ))
}

pub(crate) async fn get_check_run(ctx: Ctx) -> ApiResult {
    let id = ctx.number("id")?;
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let run = repo.check_runs.get(&id).ok_or(ApiError::NotFound)?;
    ok(check_run_json(ctx.base(), &world.app, repo, run))
}

pub(crate) async fn list_annotations(ctx: Ctx) -> ApiResult {
    let id = ctx.number("id")?;
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let run = repo.check_runs.get(&id).ok_or(ApiError::NotFound)?;
    Ok(ctx.page(&run.annotations, |annotation| {
        annotation_json(repo, run, annotation)
    }))
}

/// `GET .../commits/{ref}/check-runs`: by default only the latest run of each name, like GitHub's
/// `filter=latest`; `filter=all` lists every run.
pub(crate) async fn list_check_runs_for_ref(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let repo = world.repo(&ctx.repo_name())?;
    let reference = ctx.param("ref");
    let sha = repo
        .resolve(reference)
        .ok_or_else(|| ApiError::unprocessable(format!("No commit found for SHA: {reference}")))?;
    let check_name = ctx.query("check_name");
    let status = ctx.query("status");
    let app_id = ctx.query("app_id").and_then(|id| id.parse::<u64>().ok());
    let latest_only = ctx.query("filter") != Some("all");

    let ids = repo
        .check_runs_by_sha
        .get(&sha)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut runs: Vec<&CheckRun> = ids
        .iter()
        .map(|id| &repo.check_runs[id])
        .filter(|run| check_name.is_none_or(|name| run.name == name))
        .filter(|run| status.is_none_or(|status| run.status == status))
        .filter(|run| app_id.is_none_or(|app_id| run.app_id == app_id))
        .collect();
    if latest_only {
        // Ids grow with time, so the last run of each (app, name) is the latest.
        let mut seen = std::collections::HashSet::new();
        runs.reverse();
        runs.retain(|run| seen.insert((run.app_id, run.name.clone())));
        runs.reverse();
    }
    Ok(ctx.wrapped_page("check_runs", &runs, |run| {
        check_run_json(ctx.base(), &world.app, repo, run)
    }))
}

fn validate(changes: &CheckRunChanges) -> Result<(), ApiError> {
    let one_of = |value: &Option<String>, allowed: &[&str], field: &str| match value {
        Some(value) if !allowed.contains(&value.as_str()) => Err(ApiError::unprocessable(format!(
            "Invalid request.\n\n{value:?} is not a member of [{}] for \"{field}\".",
            allowed.join(", ")
        ))),
        _ => Ok(()),
    };
    one_of(&changes.status, STATUSES, "status")?;
    one_of(&changes.conclusion, CONCLUSIONS, "conclusion")?;
    if changes.status.as_deref() == Some("completed") && changes.conclusion.is_none() {
        return Err(ApiError::unprocessable(
            "Invalid request.\n\n\"conclusion\" wasn't supplied.",
        ));
    }
    if let Some(output) = &changes.output {
        for (field, value) in [("summary", &output.summary), ("text", &output.text)] {
            if value
                .as_ref()
                .is_some_and(|value| value.chars().count() > MAX_OUTPUT_CHARS)
            {
                return Err(ApiError::unprocessable(format!(
                    "Invalid request.\n\nOnly {MAX_OUTPUT_CHARS} characters are allowed; {field} is too long."
                )));
            }
        }
        if output.annotations.len() > MAX_ANNOTATIONS_PER_REQUEST {
            return Err(ApiError::unprocessable(format!(
                "Invalid request.\n\nOnly {MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request."
            )));
        }
        for annotation in &output.annotations {
            one_of(
                &Some(annotation.annotation_level.clone()),
                ANNOTATION_LEVELS,
                "annotation_level",
            )?;
        }
    }
    if let Some(actions) = &changes.actions {
        let too_long = |action: &CheckRunAction| {
            action.label.chars().count() > 20
                || action.description.chars().count() > 40
                || action.identifier.chars().count() > 20
        };
        if actions.len() > MAX_ACTIONS || actions.iter().any(too_long) {
            return Err(ApiError::unprocessable(
                "Invalid request.\n\nAt most 3 actions, with labels and identifiers of up to 20 \
                 characters and descriptions of up to 40.",
            ));
        }
    }
    Ok(())
}

/// Applies validated changes. A conclusion completes the run, as on GitHub.
fn apply(
    run: &mut CheckRun,
    changes: CheckRunChanges,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    if let Some(name) = changes.name {
        run.name = name;
    }
    if let Some(url) = changes.details_url {
        run.details_url = Some(url);
    }
    if let Some(external_id) = changes.external_id {
        run.external_id = Some(external_id);
    }
    if let Some(status) = changes.status {
        run.status = status;
    }
    if let Some(conclusion) = changes.conclusion {
        run.status = "completed".into();
        run.conclusion = Some(conclusion);
    }
    if run.status == "completed" {
        if run.conclusion.is_none() {
            return Err(ApiError::unprocessable(
                "Invalid request.\n\n\"conclusion\" wasn't supplied.",
            ));
        }
        run.completed_at.get_or_insert(now);
    }
    if let Some(output) = changes.output {
        run.title = output.title.or(run.title.take());
        run.summary = output.summary.or(run.summary.take());
        run.text = output.text.or(run.text.take());
        run.annotations.extend(output.annotations);
    }
    if let Some(actions) = changes.actions {
        run.actions = actions;
    }
    Ok(())
}

fn check_run_json(base: &str, app: &AppIdentity, repo: &Repo, run: &CheckRun) -> Value {
    let url = format!("{}/check-runs/{}", repo_url(base, repo), run.id);
    let html_url = format!("{WEB}/{}/runs/{}", repo.full_name, run.id);
    let mut app_json = render::app(base, app);
    app_json["id"] = json!(run.app_id);
    let pull_requests: Vec<Value> = repo
        .pulls_by_head
        .get(&run.head_sha)
        .into_iter()
        .flatten()
        .filter_map(|number| Some((number, repo.issues.get(number)?.pull_request.as_ref()?)))
        .map(|(number, pull)| {
            let repo_ref = json!({ "id": repo.id, "url": repo_url(base, repo), "name": repo.name });
            json!({
                "url": format!("{}/pulls/{number}", repo_url(base, repo)),
                "id": pull.id,
                "number": number,
                "head": { "ref": pull.head_ref, "sha": pull.head_sha, "repo": repo_ref },
                "base": {
                    "ref": pull.base_ref,
                    "sha": repo.branch_sha(&pull.base_ref).unwrap_or(&pull.merge_base),
                    "repo": repo_ref,
                },
            })
        })
        .collect();
    json!({
        "id": run.id,
        "node_id": format!("CR_{}", run.id),
        "head_sha": run.head_sha,
        "external_id": run.external_id.as_deref().unwrap_or(""),
        "url": url,
        "html_url": html_url,
        "details_url": run.details_url.clone().unwrap_or_else(|| format!("{WEB}/apps/{}", app.slug)),
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": timestamp(run.started_at),
        "completed_at": optional_timestamp(run.completed_at),
        "output": {
            "title": run.title,
            "summary": run.summary,
            "text": run.text,
            "annotations_count": run.annotations.len(),
            "annotations_url": format!("{url}/annotations"),
        },
        "name": run.name,
        "check_suite": { "id": hash::user_id(&run.head_sha) },
        "app": app_json,
        "pull_requests": pull_requests,
    })
}

fn annotation_json(repo: &Repo, run: &CheckRun, annotation: &Annotation) -> Value {
    json!({
        "path": annotation.path,
        "blob_href": format!("{WEB}/{}/blob/{}/{}", repo.full_name, run.head_sha, render::escape_path(&annotation.path)),
        "start_line": annotation.start_line,
        "start_column": annotation.start_column,
        "end_line": annotation.end_line,
        "end_column": annotation.end_column,
        "annotation_level": annotation.annotation_level,
        "title": annotation.title,
        "message": annotation.message,
        "raw_details": annotation.raw_details,
    })
}
