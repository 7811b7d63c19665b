//! The App's HTTP side: the webhook receiver, the running page, health, readiness and
//! metrics.

mod body;
mod listen;
mod receive;

pub use body::{BODY_DEADLINE, BodyBudget, MAX_BODY_BYTES};
pub use listen::{ConnectionLimits, serve};

use crate::metrics::Metrics;
use crate::pages;
use crate::queue::Queue;
use crate::store::{self, SharedStore};
use crate::webhook::{WEBHOOK_PATH, WebhookSecrets};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::sync::Arc;

/// Everything the request handlers share.
#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    pub secrets: WebhookSecrets,
    pub metrics: Arc<Metrics>,
    pub queue: Queue,
    /// The memory webhook bodies in flight may hold together.
    pub bodies: BodyBudget,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(WEBHOOK_PATH, post(receive::webhook))
        .route("/api/github/webhooks", post(receive::webhook))
        .route("/", get(running_page))
        .route("/setup", get(running_page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn running_page() -> impl IntoResponse {
    pages::html(StatusCode::OK, pages::running())
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if let Some(error) = state.queue.write_error() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database: cannot record outcomes: {error}"),
        );
    }
    match store::blocking(&state.store, |s| s.ping()).await {
        Ok(()) => (StatusCode::OK, "ready".to_owned()),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}")),
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    if let Ok(counts) = store::blocking(&state.store, |s| s.job_counts()).await {
        state.metrics.set_job_counts(counts);
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
