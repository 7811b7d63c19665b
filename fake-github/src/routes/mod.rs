//! The REST endpoints, and what every handler shares: the request context and body parsing.

mod app;
mod checks;
mod deliveries;
mod issues;
mod labels;
mod pulls;
mod relations;
mod render;
mod repos;

use std::collections::HashMap;
use std::sync::MutexGuard;

use axum::Router;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::StatusCode;
use axum::http::header::LINK;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::pagination::PageRequest;
use crate::state::World;
use crate::{Shared, gateway};

pub(crate) type ApiResult = Result<Response, ApiError>;

pub(crate) fn router(shared: Shared) -> Router {
    let repo = |path: &str| format!("/repos/{{owner}}/{{repo}}{path}");
    Router::new()
        .route("/app", get(app::get_app))
        .route("/app/installations", get(app::list_installations))
        .route(
            "/app/installations/{installation_id}",
            get(app::get_installation),
        )
        .route(
            "/app/installations/{installation_id}/access_tokens",
            post(app::create_access_token),
        )
        .route("/app/hook/deliveries", get(deliveries::list_deliveries))
        .route(
            "/app/hook/deliveries/{delivery_id}/attempts",
            post(deliveries::redeliver),
        )
        .route(
            "/app-manifests/{code}/conversions",
            post(app::convert_manifest),
        )
        .route(
            "/installation/repositories",
            get(app::list_installation_repositories),
        )
        .route(&repo(""), get(repos::get_repo))
        .route(&repo("/installation"), get(app::get_repo_installation))
        .route(&repo("/contents/{*path}"), get(repos::get_contents))
        .route(&repo("/git/ref/{*ref}"), get(repos::get_ref))
        .route(&repo("/git/refs"), post(repos::create_ref))
        .route(
            &repo("/git/refs/{*ref}"),
            patch(repos::update_ref).delete(repos::delete_ref),
        )
        .route(
            &repo("/collaborators/{username}/permission"),
            get(repos::get_permission),
        )
        .route(&repo("/pulls"), get(pulls::list_pulls))
        .route(&repo("/pulls/{n}"), get(pulls::get_pull))
        .route(&repo("/pulls/{n}/files"), get(pulls::list_files))
        .route(&repo("/pulls/{n}/reviews"), get(pulls::list_reviews))
        .route(&repo("/compare/{*basehead}"), get(pulls::compare))
        .route(&repo("/check-runs"), post(checks::create_check_run))
        .route(
            &repo("/check-runs/{id}"),
            get(checks::get_check_run).patch(checks::update_check_run),
        )
        .route(
            &repo("/check-runs/{id}/annotations"),
            get(checks::list_annotations),
        )
        .route(
            &repo("/commits/{ref}/check-runs"),
            get(checks::list_check_runs_for_ref),
        )
        .route(
            &repo("/issues"),
            get(issues::list_issues).post(issues::create_issue),
        )
        .route(
            &repo("/issues/{n}"),
            get(issues::get_issue).patch(issues::update_issue),
        )
        .route(
            &repo("/issues/{n}/comments"),
            get(issues::list_comments).post(issues::create_comment),
        )
        .route(
            &repo("/issues/comments/{id}"),
            get(issues::get_comment).patch(issues::update_comment),
        )
        .route(
            &repo("/issues/comments/{id}/reactions"),
            post(issues::create_reaction),
        )
        .route(
            &repo("/issues/{n}/assignees"),
            post(issues::add_assignees).delete(issues::remove_assignees),
        )
        .route(
            &repo("/issues/{n}/dependencies/blocked_by"),
            get(relations::list_blocked_by).post(relations::add_blocked_by),
        )
        .route(
            &repo("/issues/{n}/sub_issues"),
            get(relations::list_sub_issues).post(relations::add_sub_issue),
        )
        .route(
            &repo("/labels"),
            get(labels::list_repo_labels).post(labels::create_label),
        )
        .route(
            &repo("/issues/{n}/labels"),
            get(labels::list_issue_labels)
                .post(labels::add_labels)
                .put(labels::replace_labels),
        )
        .route(
            &repo("/issues/{n}/labels/{name}"),
            delete(labels::remove_label),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        // Added last so it wraps every route and the fallback, and sees which route matched.
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            gateway::gateway,
        ))
        .with_state(shared)
}

/// GitHub answers unknown paths, and unknown methods on known paths, with a JSON 404.
async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// What a handler needs from its request: path parameters, query, caller and the shared world.
pub(crate) struct Ctx {
    shared: Shared,
    params: HashMap<String, String>,
    query: HashMap<String, String>,
    raw_query: Option<String>,
    path: String,
    pub caller: Caller,
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Shared) -> Result<Self, ApiError> {
        let params = Path::<HashMap<String, String>>::from_request_parts(parts, shared)
            .await
            .map(|Path(params)| params)
            .unwrap_or_default();
        let query = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|Query(query)| query)
            .unwrap_or_default();
        Ok(Ctx {
            shared: shared.clone(),
            params,
            query,
            raw_query: parts.uri.query().map(str::to_owned),
            path: parts.uri.path().to_owned(),
            caller: parts
                .extensions
                .get::<Caller>()
                .cloned()
                .unwrap_or(Caller::Anonymous),
        })
    }
}

impl Ctx {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.shared.lock()
    }

    pub fn base(&self) -> &str {
        &self.shared.base_url
    }

    /// `owner/repo` from the path.
    pub fn repo_name(&self) -> String {
        format!("{}/{}", self.param("owner"), self.param("repo"))
    }

    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    /// A numeric path parameter; anything else is a path GitHub does not have.
    pub fn number(&self, name: &str) -> Result<u64, ApiError> {
        self.param(name).parse().map_err(|_| ApiError::NotFound)
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// The login GitHub records for what this caller writes: the app's bot for installation tokens.
    pub fn author(&self, world: &World) -> String {
        match self.caller {
            Caller::Installation(_) => world.app.bot_login(),
            _ => world.app.owner.clone(),
        }
    }

    /// One page of `items` as a JSON array, with a `Link` header when there are more pages.
    pub fn page<T>(&self, items: &[T], render: impl FnMut(&T) -> Value) -> Response {
        let (page, link) = self.paginate(items, render);
        with_link(Value::Array(page), link)
    }

    /// One page of `items` wrapped as GitHub's search-style lists are:
    /// `{"total_count": n, "<key>": [...]}`.
    pub fn wrapped_page<T>(
        &self,
        key: &str,
        items: &[T],
        render: impl FnMut(&T) -> Value,
    ) -> Response {
        let (page, link) = self.paginate(items, render);
        let mut body = json!({ "total_count": items.len() });
        body[key] = Value::Array(page);
        with_link(body, link)
    }

    fn paginate<T>(
        &self,
        items: &[T],
        render: impl FnMut(&T) -> Value,
    ) -> (Vec<Value>, Option<String>) {
        let request = PageRequest::from_query(&self.query);
        let page = request.slice(items).iter().map(render).collect();
        let url = format!("{}{}", self.base(), self.path);
        (
            page,
            request.link_header(items.len(), &url, self.raw_query.as_deref()),
        )
    }
}

fn with_link(body: Value, link: Option<String>) -> Response {
    let mut response = axum::Json(body).into_response();
    if let Some(link) = link {
        response
            .headers_mut()
            .insert(LINK, link.parse().expect("Link header is ASCII"));
    }
    response
}

pub(crate) fn ok(body: Value) -> ApiResult {
    Ok(axum::Json(body).into_response())
}

pub(crate) fn created(body: Value) -> ApiResult {
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// Parses a JSON body: broken JSON is a 400, missing or mistyped fields a 422, as on GitHub.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|error| match error.classify() {
        serde_json::error::Category::Data => {
            ApiError::unprocessable(format!("Invalid request.\n\n{error}"))
        }
        _ => ApiError::BadJson,
    })
}
