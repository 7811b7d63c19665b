//! GitHub's web side of the manifest flow, played here: the "Create GitHub App" page.

use axum::Router;
use axum::extract::{Form, Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// One App created on [`GitHubWeb`]: for which account, with which state and manifest.
#[derive(Clone, Debug)]
pub(super) struct Created {
    pub(super) organization: Option<String>,
    pub(super) state: String,
    pub(super) manifest: Value,
}

/// GitHub's web side: takes the manifest form, "creates" the App and sends the browser back
/// to the manifest's `redirect_url` with the code the fake GitHub's API converts.
pub(super) struct GitHubWeb {
    pub(super) url: String,
    created: Arc<Mutex<Vec<Created>>>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct WebState {
    code: &'static str,
    created: Arc<Mutex<Vec<Created>>>,
}

#[derive(serde::Deserialize)]
struct NewAppQuery {
    state: Option<String>,
}

#[derive(serde::Deserialize)]
struct ManifestForm {
    manifest: String,
}

impl GitHubWeb {
    pub(super) async fn start(code: &'static str) -> Self {
        let created = Arc::new(Mutex::new(Vec::new()));
        let state = WebState {
            code,
            created: created.clone(),
        };
        let router = Router::new()
            .route("/settings/apps/new", post(create_for_user))
            .route(
                "/organizations/{org}/settings/apps/new",
                post(create_for_organization),
            )
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serves");
        });
        Self {
            url,
            created,
            server,
        }
    }

    pub(super) fn created(&self) -> Vec<Created> {
        self.created.lock().expect("not poisoned").clone()
    }
}

impl Drop for GitHubWeb {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn create_for_user(
    State(web): State<WebState>,
    Query(query): Query<NewAppQuery>,
    Form(form): Form<ManifestForm>,
) -> Response {
    create(web, None, query, form)
}

async fn create_for_organization(
    State(web): State<WebState>,
    UrlPath(org): UrlPath<String>,
    Query(query): Query<NewAppQuery>,
    Form(form): Form<ManifestForm>,
) -> Response {
    create(web, Some(org), query, form)
}

fn create(
    web: WebState,
    organization: Option<String>,
    query: NewAppQuery,
    form: ManifestForm,
) -> Response {
    let Ok(manifest) = serde_json::from_str::<Value>(&form.manifest) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "the manifest is not JSON").into_response();
    };
    let Some(redirect_url) = manifest["redirect_url"].as_str().map(str::to_owned) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "no redirect_url").into_response();
    };
    let state = query.state.unwrap_or_default();
    web.created.lock().expect("not poisoned").push(Created {
        organization,
        state: state.clone(),
        manifest,
    });
    Redirect::to(&format!("{redirect_url}?code={}&state={state}", web.code)).into_response()
}
