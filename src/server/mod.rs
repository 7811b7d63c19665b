//! The HTTP side: the webhook receiver, health, readiness and metrics; and start-up of the
//! whole App (store, queue, workers) for the binary and for tests.

mod receive;

pub use receive::MAX_BODY_BYTES;

use crate::github::{AppCredentials, GitHubApp, RetrySettings};
use crate::metrics::Metrics;
use crate::queue::{Queue, QueueSettings};
use crate::reconcile::Reconciler;
use crate::store::{self, SharedStore};
use crate::webhook::WebhookSecrets;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Everything the request handlers share.
#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    pub secrets: WebhookSecrets,
    pub metrics: Arc<Metrics>,
    pub queue: Queue,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/webhook", post(receive::webhook))
        .route("/api/github/webhooks", post(receive::webhook))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
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

/// What a running App is built from.
#[derive(Clone, Debug)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub credentials: AppCredentials,
    pub secrets: WebhookSecrets,
    pub api_url: String,
    pub database_url: String,
    pub queue: QueueSettings,
    pub retry: RetrySettings,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("DATABASE_URL: {0}")]
    Store(#[from] store::StoreError),
    #[error("GitHub App: {0}")]
    GitHub(#[from] crate::github::GitHubError),
    #[error("SWITCHYARD_LISTEN: cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A started App: its address, and the handles to stop it.
pub struct Running {
    pub addr: SocketAddr,
    pub store: SharedStore,
    pub metrics: Arc<Metrics>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    workers: JoinHandle<()>,
}

impl Running {
    /// Stops taking requests and work, lets running jobs finish within the grace period.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        let _ = self.workers.await;
    }

    /// Ends everything at once, as a crash would: nothing is given time to finish.
    pub fn kill(self) {
        self.server.abort();
        self.workers.abort();
    }

    /// Resolves once a shutdown was asked for and everything has stopped.
    pub async fn wait(self) {
        let _ = self.server.await;
        let _ = self.workers.await;
    }

    pub fn shutdown_handle(&self) -> watch::Sender<bool> {
        self.shutdown.clone()
    }
}

/// Opens the store, starts the workers and the HTTP server.
pub async fn start(settings: ServerSettings) -> Result<Running, StartError> {
    let store = store::open(&settings.database_url)?;
    let metrics = Arc::new(Metrics::new());
    let app = Arc::new(GitHubApp::new(
        &settings.credentials,
        &settings.api_url,
        metrics.clone(),
        settings.retry.clone(),
    )?);
    let queue = Queue::new(store.clone(), settings.queue.clone(), metrics.clone());
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: settings.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: settings.listen,
        source,
    })?;
    let (shutdown, stopped) = watch::channel(false);
    let reconciler = Arc::new(Reconciler {
        app,
        store: store.clone(),
    });
    let workers = tokio::spawn(queue.clone().run(reconciler, stopped.clone()));
    let state = AppState {
        store: store.clone(),
        secrets: settings.secrets.clone(),
        metrics: metrics.clone(),
        queue,
    };
    let mut stop_serving = stopped;
    let server = tokio::spawn(async move {
        let served = axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                let _ = stop_serving.wait_for(|stop| *stop).await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the HTTP server stopped");
        }
    });
    tracing::info!(%addr, "listening");
    Ok(Running {
        addr,
        store,
        metrics,
        shutdown,
        server,
        workers,
    })
}
