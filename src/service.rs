//! Start-up of the whole App for the binary and for tests: the store, the queue and its
//! workers, the recovery of undelivered webhooks, and the HTTP server; and the handles that
//! stop it.

use crate::github::{AppCredentials, GitHubApp, Ledger, RetrySettings};
use crate::metrics::Metrics;
use crate::queue::{Queue, QueueSettings};
use crate::reconcile::Reconciler;
use crate::recovery::{Recovery, RecoverySettings};
use crate::server::{AppState, BodyBudget, ConnectionLimits, router, serve};
use crate::store::{self, SharedStore, StoreLedger};
use crate::webhook::WebhookSecrets;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::{AbortHandle, JoinHandle};

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
    pub recovery: RecoverySettings,
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
    pub queue: Queue,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    /// Ends once the workers have stopped, and then closes the server.
    workers: JoinHandle<()>,
    workers_abort: AbortHandle,
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
        self.workers_abort.abort();
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
    let services = Services::open(&settings.database_url, &settings.queue)?;
    let app = Arc::new(GitHubApp::new(
        &settings.credentials,
        &settings.api_url,
        services.metrics.clone(),
        settings.retry.clone(),
        services.ledger(),
    )?);
    let listener = Listener::bind(settings.listen).await?;
    let router = router(services.app_state(settings.secrets.clone()));
    let workers = services.clone();
    Ok(services.serve(listener, router, move |stopped| {
        tokio::spawn(async move { workers.work(app, settings.recovery, stopped).await })
    }))
}

/// The parts of the App that exist before its credentials are known.
#[derive(Clone)]
pub(crate) struct Services {
    pub store: SharedStore,
    pub metrics: Arc<Metrics>,
    pub queue: Queue,
}

impl Services {
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
            bodies: BodyBudget::default(),
        }
    }

    /// Where the installations' rate-limit budgets are kept: the store, shared by the
    /// instances on one PostgreSQL.
    pub fn ledger(&self) -> Arc<dyn Ledger> {
        Arc::new(StoreLedger(self.store.clone()))
    }

    pub fn reconciler(&self, app: Arc<GitHubApp>) -> Arc<Reconciler> {
        Arc::new(Reconciler {
            app,
            store: self.store.clone(),
        })
    }

    /// Runs the queue's workers as `app`, and beside them the recovery of what GitHub could
    /// not deliver, until `stopped` turns true and both have ended.
    pub async fn work(
        &self,
        app: Arc<GitHubApp>,
        recovery: RecoverySettings,
        stopped: watch::Receiver<bool>,
    ) {
        let recovery = Recovery::new(
            app.clone(),
            self.store.clone(),
            self.metrics.clone(),
            recovery,
        );
        let queue = self
            .queue
            .clone()
            .run(self.reconciler(app), stopped.clone());
        tokio::join!(queue, recovery.run(stopped));
    }

    /// Serves `router` on `listener`; `workers` is started with the signal that asks for a
    /// shutdown. Deliveries are still taken while the workers finish their jobs (GitHub does
    /// not send a refused one again); the server stops once they are done.
    pub fn serve(
        &self,
        listener: Listener,
        router: Router,
        workers: impl FnOnce(watch::Receiver<bool>) -> JoinHandle<()>,
    ) -> Running {
        let (shutdown, stopped) = watch::channel(false);
        let workers = workers(stopped);
        let workers_abort = workers.abort_handle();
        let (close, closing) = watch::channel(false);
        let workers = tokio::spawn(async move {
            let _ = workers.await;
            let _ = close.send(true);
        });
        let server = tokio::spawn(serve(
            listener.socket,
            router,
            closing,
            ConnectionLimits::default(),
        ));
        tracing::info!(addr = %listener.addr, "listening");
        Running {
            addr: listener.addr,
            store: self.store.clone(),
            metrics: self.metrics.clone(),
            queue: self.queue.clone(),
            shutdown,
            server,
            workers,
            workers_abort,
        }
    }
}

/// A listening socket and the address it got.
pub(crate) struct Listener {
    socket: tokio::net::TcpListener,
    pub addr: SocketAddr,
}

impl Listener {
    pub async fn bind(listen: SocketAddr) -> Result<Self, StartError> {
        let bind_error = |source| StartError::Bind {
            addr: listen,
            source,
        };
        let socket = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(bind_error)?;
        let addr = socket.local_addr().map_err(bind_error)?;
        Ok(Self { socket, addr })
    }
}
