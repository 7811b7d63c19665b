//! The HTTP side: the webhook receiver, health, readiness and metrics; and start-up of the
//! whole App (store, queue, workers) for the binary and for tests, with its credentials or in
//! setup mode.

mod receive;

pub use receive::MAX_BODY_BYTES;

use crate::github::{AppCredentials, GitHubApp, RetrySettings};
use crate::metrics::Metrics;
use crate::queue::{Queue, QueueSettings};
use crate::reconcile::Reconciler;
use crate::setup::{self, SetupSettings};
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

/// The path GitHub delivers webhooks to.
pub const WEBHOOK_PATH: &str = "/webhook";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(WEBHOOK_PATH, post(receive::webhook))
        .route("/api/github/webhooks", post(receive::webhook))
        .route("/", get(running_page))
        .route("/setup", get(running_page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn running_page() -> impl IntoResponse {
    setup::html(StatusCode::OK, setup::pages::running())
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
    #[error("setup: {0}")]
    Setup(String),
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

/// What `switchyard serve` starts.
#[derive(Debug)]
pub enum Mode {
    /// The App, with its credentials.
    App(ServerSettings),
    /// The setup pages that register the App first, then the App, without a restart.
    Setup(SetupSettings),
}

/// Starts the App, or the setup pages when it has no credentials yet.
pub async fn launch(mode: Mode) -> Result<Running, StartError> {
    match mode {
        Mode::App(settings) => start(settings).await,
        Mode::Setup(settings) => setup::start(settings).await,
    }
}

/// Opens the store, starts the workers and the HTTP server.
pub async fn start(settings: ServerSettings) -> Result<Running, StartError> {
    let core = Core::open(&settings.database_url, &settings.queue)?;
    let app = Arc::new(GitHubApp::new(
        &settings.credentials,
        &settings.api_url,
        core.metrics.clone(),
        settings.retry.clone(),
    )?);
    let bound = Bound::bind(settings.listen).await?;
    let router = router(core.app_state(settings.secrets.clone()));
    let reconciler = core.reconciler(app);
    let queue = core.queue.clone();
    Ok(core.serve(bound, router, |stopped| {
        tokio::spawn(queue.run(reconciler, stopped))
    }))
}

/// The parts of the App that exist before its credentials are known.
#[derive(Clone)]
pub(crate) struct Core {
    pub store: SharedStore,
    pub metrics: Arc<Metrics>,
    pub queue: Queue,
}

impl Core {
    pub fn open(database_url: &str, queue: &QueueSettings) -> Result<Self, StartError> {
        let store = store::open(database_url)?;
        let metrics = Arc::new(Metrics::new());
        let queue = Queue::new(store.clone(), queue.clone(), metrics.clone());
        Ok(Self {
            store,
            metrics,
            queue,
        })
    }

    pub fn app_state(&self, secrets: WebhookSecrets) -> AppState {
        AppState {
            store: self.store.clone(),
            secrets,
            metrics: self.metrics.clone(),
            queue: self.queue.clone(),
        }
    }

    pub fn reconciler(&self, app: Arc<GitHubApp>) -> Arc<Reconciler> {
        Arc::new(Reconciler {
            app,
            store: self.store.clone(),
        })
    }

    /// Serves `router` on `bound` until a shutdown is asked for; `workers` is started with
    /// the signal that asks for it.
    pub fn serve(
        &self,
        bound: Bound,
        router: Router,
        workers: impl FnOnce(watch::Receiver<bool>) -> JoinHandle<()>,
    ) -> Running {
        let (shutdown, stopped) = watch::channel(false);
        let workers = workers(stopped.clone());
        let mut stop_serving = stopped;
        let server = tokio::spawn(async move {
            let served = axum::serve(bound.listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stop_serving.wait_for(|stop| *stop).await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the HTTP server stopped");
            }
        });
        tracing::info!(addr = %bound.addr, "listening");
        Running {
            addr: bound.addr,
            store: self.store.clone(),
            metrics: self.metrics.clone(),
            shutdown,
            server,
            workers,
        }
    }
}

/// A listening socket and the address it got.
pub(crate) struct Bound {
    listener: tokio::net::TcpListener,
    pub addr: SocketAddr,
}

impl Bound {
    pub async fn bind(listen: SocketAddr) -> Result<Self, StartError> {
        let bind_error = |source| StartError::Bind {
            addr: listen,
            source,
        };
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        Ok(Self { listener, addr })
    }
}
