//! Setup mode: a server started without its App's credentials registers the App through
//! GitHub's manifest flow, saves the credentials, and becomes the App without a restart.
//!
//! ```text
//! GET /setup ──form POST manifest──▶ GitHub "Create GitHub App" ──redirect──▶ GET /setup/callback?code&state
//!     ──POST /app-manifests/{code}/conversions──▶ credentials file (0600) ──▶ workers, webhooks
//! ```
//!
//! Until then every route but the setup pages and `/healthz` answers 503: nothing is lost,
//! GitHub can redeliver.

mod callback_link;
mod conversion;
pub mod credentials;
mod manifest;

pub use callback_link::{CallbackRefusal, read_callback};
pub use credentials::StoredCredentials;

use crate::github::{AppCredentials, GitHubApp, RetrySettings};
use crate::pages::{self, CALLBACK_PATH, html};
use crate::queue::QueueSettings;
use crate::recovery::RecoverySettings;
use crate::server;
use crate::service::{self, Listener, Running, ServerSettings, Services, StartError};
use crate::webhook::WEBHOOK_PATH;
use crate::webhook::WebhookSecrets;
use axum::Router;
use axum::extract::{Query, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use tokio::sync::{Mutex, watch};
use tower::ServiceExt;

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
        Mode::App(settings) => service::start(settings).await,
        Mode::Setup(settings) => start(settings).await,
    }
}

/// What a server without credentials needs to register its App and then run as it.
#[derive(Clone, Debug)]
pub struct SetupSettings {
    pub listen: SocketAddr,
    /// Where GitHub reaches this server (no trailing slash); without it the page says what to
    /// set, because the App's webhook URL cannot be guessed.
    pub public_url: Option<String>,
    pub api_url: String,
    /// GitHub's web pages, where Apps are created.
    pub web_url: String,
    pub credentials_path: PathBuf,
    pub database_url: String,
    pub queue: QueueSettings,
    pub retry: RetrySettings,
    pub recovery: RecoverySettings,
}

/// GitHub's web address for its API address: `https://api.github.com` → `https://github.com`,
/// GitHub Enterprise Server's `https://HOST/api/v3` → `https://HOST`, and
/// `https://api.SUBDOMAIN.ghe.com` → `https://SUBDOMAIN.ghe.com`. Any other address is taken
/// as it is; `GITHUB_WEB_URL` overrides the guess.
pub fn web_url_for(api_url: &str) -> String {
    let api = api_url.trim_end_matches('/');
    if let Some(host) = api.strip_suffix("/api/v3") {
        return host.to_owned();
    }
    if let Some(host) = api.strip_prefix("https://api.")
        && !host.contains('/')
    {
        return format!("https://{host}");
    }
    api.to_owned()
}

const NOT_REGISTERED: &str = "Switchyard is in setup mode: no GitHub App is registered yet. \
Register one at /setup; GitHub can redeliver this delivery afterwards.\n";

/// Serves the setup pages on `settings.listen`; once the App is registered, the same server
/// runs as the App.
pub async fn start(settings: SetupSettings) -> Result<Running, StartError> {
    let services = Services::open(&settings.database_url, &settings.queue)?;
    let manifest_json = match &settings.public_url {
        Some(url) => Some(
            manifest::filled(url)
                .map_err(StartError::Setup)?
                .to_string(),
        ),
        None => None,
    };
    let state = random_state()?;
    let listener = Listener::bind(settings.listen).await?;
    let (app_sender, app_receiver) = watch::channel(None);
    match &settings.public_url {
        Some(url) => tracing::info!(
            page = %format!("{url}/setup"),
            "setup mode: no GitHub App credentials; open the page to register the App"
        ),
        None => tracing::warn!(
            page = %format!("http://{}/setup", listener.addr),
            "setup mode: no GitHub App credentials, and SWITCHYARD_PUBLIC_URL is not set; \
             the page says what to set"
        ),
    }
    let setup = Arc::new(Setup {
        public_url: settings.public_url,
        web_url: settings.web_url,
        credentials_path: settings.credentials_path,
        manifest_json,
        state,
        progress: Mutex::new(Progress::Unregistered(Box::new(Activation {
            services: services.clone(),
            api_url: settings.api_url,
            retry: settings.retry,
            registered: app_sender,
        }))),
        app_router: OnceLock::new(),
    });
    let workers = services.clone();
    let recovery = settings.recovery;
    Ok(services.serve(listener, router(setup), move |stopped| {
        tokio::spawn(workers_once_registered(
            workers,
            recovery,
            app_receiver,
            stopped,
        ))
    }))
}

/// The workers start when the App is registered, or never if the server stops first.
async fn workers_once_registered(
    services: Services,
    recovery: RecoverySettings,
    mut registered: watch::Receiver<Option<Arc<GitHubApp>>>,
    mut stopped: watch::Receiver<bool>,
) {
    let registration = async {
        let app = registered.wait_for(Option::is_some).await.ok()?;
        (*app).clone()
    };
    let app = tokio::select! {
        app = registration => app,
        _ = stopped.wait_for(|stop| *stop) => None,
    };
    if let Some(app) = app {
        services.work(app, recovery, stopped).await;
    }
}

fn random_state() -> Result<String, StartError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| StartError::Setup(format!("no random numbers for the state: {e}")))?;
    Ok(hex::encode(bytes))
}

struct Setup {
    public_url: Option<String>,
    web_url: String,
    credentials_path: PathBuf,
    /// The filled-in manifest; `None` without a public URL.
    manifest_json: Option<String>,
    /// Carried through GitHub and checked on the way back, so that only a registration started
    /// from this server's page can finish here.
    state: String,
    /// Held while a callback runs, so that a second one waits and then finds the App there.
    progress: Mutex<Progress>,
    /// The App's routes, once it is registered.
    app_router: OnceLock<Router>,
}

enum Progress {
    Unregistered(Box<Activation>),
    /// The page that says so, shown again on later visits.
    Registered {
        page: String,
    },
}

/// What turns this server into the App once its credentials exist.
struct Activation {
    services: Services,
    api_url: String,
    retry: RetrySettings,
    registered: watch::Sender<Option<Arc<GitHubApp>>>,
}

impl Activation {
    /// Starts the workers as the App and sends every other route to the App's router.
    fn activate(
        &self,
        credentials: &StoredCredentials,
        app_router: &OnceLock<Router>,
    ) -> Result<(), String> {
        let secrets = WebhookSecrets::parse(&credentials.webhook_secret)
            .map_err(|e| format!("the webhook secret {e}"))?;
        let app = GitHubApp::new(
            &AppCredentials {
                app_id: credentials.id,
                private_key_pem: credentials.pem.clone(),
            },
            &self.api_url,
            self.services.metrics.clone(),
            self.retry.clone(),
            self.services.ledger(),
        )
        .map_err(|e| e.to_string())?;
        let _ = app_router.set(server::router(self.services.app_state(secrets)));
        self.registered.send_replace(Some(Arc::new(app)));
        Ok(())
    }
}

fn router(setup: Arc<Setup>) -> Router {
    Router::new()
        .route("/", get(registration_page))
        .route("/setup", get(registration_page))
        .route(CALLBACK_PATH, get(callback))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(to_the_app)
        .with_state(setup)
}

async fn to_the_app(State(setup): State<Arc<Setup>>, request: Request) -> Response {
    match setup.app_router.get() {
        Some(app) => match app.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        },
        None => (StatusCode::SERVICE_UNAVAILABLE, NOT_REGISTERED).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct PageQuery {
    organization: Option<String>,
}

async fn registration_page(
    State(setup): State<Arc<Setup>>,
    Query(query): Query<PageQuery>,
) -> Response {
    if let Progress::Registered { page } = &*setup.progress.lock().await {
        return html(StatusCode::OK, page.clone());
    }
    let (Some(public_url), Some(manifest_json)) = (&setup.public_url, &setup.manifest_json) else {
        return html(StatusCode::OK, pages::needs_public_url());
    };
    let registration = pages::Registration {
        public_url,
        web_url: &setup.web_url,
        manifest_json,
        state: &setup.state,
    };
    let typed = query
        .organization
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty());
    let (status, organization) = match typed {
        None => (StatusCode::OK, pages::Organization::Ask),
        Some(name) => match organization_problem(name) {
            None => (StatusCode::OK, pages::Organization::Chosen(name)),
            Some(problem) => (
                StatusCode::BAD_REQUEST,
                pages::Organization::Invalid {
                    typed: name,
                    problem,
                },
            ),
        },
    };
    html(status, pages::register(&registration, &organization))
}

/// Why GitHub would not accept `name` as an organization's login, if it would not: 1 to 39
/// letters, digits or single hyphens, not at either end.
fn organization_problem(name: &str) -> Option<&'static str> {
    let valid = name.len() <= 39
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    (!valid).then_some(
        "An organization's name has up to 39 letters, digits and single hyphens, \
         as in github.com/acme-labs.",
    )
}

async fn callback(State(setup): State<Arc<Setup>>, RawQuery(query): RawQuery) -> Response {
    let mut progress = setup.progress.lock().await;
    let activation = match &*progress {
        Progress::Registered { page } => return html(StatusCode::OK, page.clone()),
        Progress::Unregistered(activation) => activation,
    };
    let code = match read_callback(query.as_deref().unwrap_or_default(), &setup.state) {
        Ok(code) => code,
        Err(CallbackRefusal::WrongState) => {
            tracing::warn!("refused a setup callback whose state is missing or wrong");
            return html(
                StatusCode::BAD_REQUEST,
                pages::refused(
                    "This link was not started from this server's registration page: its state \
                     is missing or wrong. Nothing was registered here.",
                ),
            );
        }
        Err(CallbackRefusal::NoCode) => {
            return html(
                StatusCode::BAD_REQUEST,
                pages::refused("GitHub's code is missing from this link, or is not a code."),
            );
        }
    };
    let credentials = match conversion::exchange(&activation.api_url, &code).await {
        Ok(credentials) => credentials,
        Err(problem) => {
            tracing::warn!(%problem, "could not exchange the manifest code");
            return html(
                StatusCode::BAD_GATEWAY,
                pages::refused(&format!(
                    "{problem}. A code works once, within an hour of creating the App."
                )),
            );
        }
    };
    let path = std::path::absolute(&setup.credentials_path)
        .unwrap_or_else(|_| setup.credentials_path.clone())
        .display()
        .to_string();
    let not_saved = credentials::save(&setup.credentials_path, &credentials)
        .err()
        .map(|e| e.to_string());
    match &not_saved {
        None => tracing::info!(app_id = credentials.id, slug = %credentials.slug, %path,
            "registered the GitHub App; credentials saved"),
        Some(problem) => tracing::error!(app_id = credentials.id, slug = %credentials.slug,
            %path, %problem, "registered the GitHub App but could not save its credentials"),
    }
    let not_started = activation.activate(&credentials, &setup.app_router).err();
    match &not_started {
        None => tracing::info!("running as the App"),
        Some(problem) => tracing::error!(%problem, "the App could not start"),
    }
    let webhook_url = format!(
        "{}{WEBHOOK_PATH}",
        setup.public_url.as_deref().unwrap_or_default()
    );
    let page = pages::registered(&pages::Registered {
        id: credentials.id,
        slug: &credentials.slug,
        web_url: &setup.web_url,
        webhook_url: &webhook_url,
        credentials_path: &path,
        not_saved: not_saved.as_deref(),
        not_started: not_started.as_deref(),
    });
    let status = if not_saved.is_none() && not_started.is_none() {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    *progress = Progress::Registered { page: page.clone() };
    html(status, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_web_address_follows_from_the_api_address() {
        for (api, web) in [
            ("https://api.github.com", "https://github.com"),
            ("https://api.github.com/", "https://github.com"),
            ("https://ghe.example.com/api/v3", "https://ghe.example.com"),
            ("https://api.acme.ghe.com", "https://acme.ghe.com"),
            ("http://127.0.0.1:4000", "http://127.0.0.1:4000"),
        ] {
            assert_eq!(web_url_for(api), web, "{api}");
        }
    }

    #[test]
    fn organization_names_follow_github_rules() {
        for name in ["acme", "acme-labs", "a1", &"a".repeat(39)] {
            assert_eq!(organization_problem(name), None, "{name}");
        }
        for name in [
            "-acme",
            "acme-",
            "ac--me",
            "ac me",
            "acme/x",
            &"a".repeat(40),
        ] {
            assert!(organization_problem(name).is_some(), "{name}");
        }
    }
}
