//! First run: a server without credentials serves the setup pages, registers its App through
//! GitHub's manifest flow and then runs as the App without a restart. GitHub's API is the fake;
//! GitHub's web side (the "Create GitHub App" page) is played by [`GitHubWeb`] here.

use crate::support::{
    self, APP_ID, Binary, Http, INSTALLATION, REPO, pull_request_payload, sqlite_url,
};
use axum::Router;
use axum::extract::{Form, Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use fake_github::{FakeGitHub, FileChange, ManifestApp, PrSpec, TEST_PRIVATE_KEY_PEM};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchyard::server::{self, Mode, WEBHOOK_PATH};
use switchyard::settings::{Cli, Command as CliCommand};
use switchyard::setup::{self, SetupSettings, StoredCredentials};
use switchyard::webhook::WebhookSecrets;

const CODE: &str = "5ca1ab1e0ddba11c0de5";

/// A loopback port that was free a moment ago: the public URL must be known before the
/// server binds, as it is in a deployment.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

fn ping() -> Value {
    json!({ "zen": "Keep it logically awesome.", "hook_id": 1 })
}

/// The `state` that the registration page carries to GitHub.
fn state_in(page: &str) -> String {
    let start = page.find("?state=").expect("a form with a state") + "?state=".len();
    page[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

/// One App created on [`GitHubWeb`]: for which account, with which state and manifest.
#[derive(Clone, Debug)]
struct Created {
    organization: Option<String>,
    state: String,
    manifest: Value,
}

/// GitHub's web side: takes the manifest form, "creates" the App and sends the browser back
/// to the manifest's `redirect_url` with the code the fake GitHub's API converts.
struct GitHubWeb {
    url: String,
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
    async fn start(code: &'static str) -> Self {
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

    fn created(&self) -> Vec<Created> {
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

/// The fake GitHub's API with one App to be created from a manifest, GitHub's web side, and
/// the server in setup mode with its credentials file in a temporary directory.
struct FirstRun {
    gh: FakeGitHub,
    created: ManifestApp,
    web: GitHubWeb,
    dir: tempfile::TempDir,
    credentials_path: PathBuf,
    app: server::Running,
    public_url: String,
    http: Http,
}

impl FirstRun {
    async fn start() -> Self {
        Self::start_saving_to("switchyard-credentials.json").await
    }

    /// Saves the credentials at `credentials` within the temporary directory.
    async fn start_saving_to(credentials: &str) -> Self {
        let gh = FakeGitHub::start().await;
        gh.set_app_id(APP_ID);
        let created = gh.register_manifest_code(CODE);
        let web = GitHubWeb::start(CODE).await;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let settings = SetupSettings {
            credentials_path: dir.path().join(credentials),
            ..setup_settings(&gh, &web, dir.path(), Some(free_port()))
        };
        let credentials_path = settings.credentials_path.clone();
        let public_url = settings.public_url.clone().expect("a public URL");
        let app = setup::start(settings).await.expect("setup mode starts");
        Self {
            gh,
            created,
            web,
            dir,
            credentials_path,
            app,
            public_url,
            http: Http::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Opens the registration page and comes back from GitHub with its state and the code:
    /// the state, and the callback's status and page.
    async fn register(&self) -> (String, u16, String) {
        let (_, page) = self.http.get(&self.url("/setup")).await;
        let state = state_in(&page);
        let (status, page) = self
            .http
            .get(&self.url(&format!("/setup/callback?code={CODE}&state={state}")))
            .await;
        (state, status, page)
    }
}

/// Setup mode against `gh` and `web`, keeping its files in `dir`. With a `port`, it listens
/// there and that is its public URL; without one, it has no public URL.
fn setup_settings(
    gh: &FakeGitHub,
    web: &GitHubWeb,
    dir: &Path,
    port: Option<u16>,
) -> SetupSettings {
    let database_url = support::sqlite_url(dir);
    let app_settings = support::settings(gh.url(), database_url.clone());
    SetupSettings {
        listen: SocketAddr::from(([127, 0, 0, 1], port.unwrap_or(0))),
        public_url: port.map(|port| format!("http://127.0.0.1:{port}")),
        api_url: gh.url().to_owned(),
        web_url: web.url.clone(),
        credentials_path: dir.join("switchyard-credentials.json"),
        database_url,
        queue: app_settings.queue,
        retry: app_settings.retry,
    }
}

fn cli(args: &[&str]) -> switchyard::settings::ServeArgs {
    let mut argv = vec!["switchyard", "serve"];
    argv.extend_from_slice(args);
    match <Cli as clap::Parser>::try_parse_from(argv)
        .expect("valid arguments")
        .command
    {
        CliCommand::Serve(args) => args,
        CliCommand::CheckConfig { .. } => unreachable!("serve was given"),
    }
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn a_callback_without_the_pages_state_or_a_good_code_registers_nothing() {
    let run = FirstRun::start().await;
    for query in [
        format!("?code={CODE}"),
        format!("?code={CODE}&state="),
        format!("?code={CODE}&state=0123456789abcdef0123456789abcdef"),
    ] {
        let (status, page) = run
            .http
            .get(&run.url(&format!("/setup/callback{query}")))
            .await;
        assert_eq!(status, 400, "{query}");
        assert!(page.contains("its state is missing or wrong"), "{page}");
    }
    assert_eq!(run.gh.count("POST /app-manifests/*/conversions"), 0);
    assert!(!run.credentials_path.exists());

    let (status, page) = run.http.get(&run.url("/setup")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Register GitHub App"), "{page}");

    // With the right state: a missing code, or one GitHub does not know, registers nothing.
    let state = state_in(&page);
    let (status, page) = run
        .http
        .get(&run.url(&format!("/setup/callback?state={state}")))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("code is missing"), "{page}");
    let (status, page) = run
        .http
        .get(&run.url(&format!("/setup/callback?code=0ddc0de&state={state}")))
        .await;
    assert_eq!(status, 502);
    assert!(page.contains("GitHub refused the code (404"), "{page}");
    assert!(!run.credentials_path.exists());
    let (status, _) = run
        .http
        .deliver(
            &run.public_url,
            &run.created.webhook_secret,
            "ping",
            &ping(),
        )
        .await;
    assert_eq!(status, 503, "still in setup mode");
    run.app.stop().await;
}

#[tokio::test]
async fn credentials_that_cannot_be_saved_are_reported_and_the_app_still_runs() {
    let run = FirstRun::start_saving_to("missing-directory/switchyard-credentials.json").await;
    let (_, status, page) = run.register().await;
    assert_eq!(status, 500);
    assert!(
        page.contains("The credentials could not be saved"),
        "{page}"
    );
    assert!(page.contains(&format!("GITHUB_APP_ID={}", run.created.id)));
    let (status, _) = run
        .http
        .deliver(
            &run.public_url,
            &run.created.webhook_secret,
            "ping",
            &ping(),
        )
        .await;
    assert_eq!(status, 200, "the App runs until the process stops");
    run.app.stop().await;
}

#[tokio::test]
async fn until_registered_webhooks_wait_and_health_answers() {
    let run = FirstRun::start().await;
    let (status, body) = run
        .http
        .deliver(
            &run.public_url,
            &run.created.webhook_secret,
            "ping",
            &ping(),
        )
        .await;
    assert_eq!(status, 503);
    assert!(body.contains("GitHub can redeliver"), "{body}");
    assert_eq!(run.http.get(&run.url("/healthz")).await.0, 200);
    assert_eq!(run.http.get(&run.url("/readyz")).await.0, 503);
    run.app.stop().await;
}

#[tokio::test]
async fn an_organization_gets_a_form_of_its_own() {
    let run = FirstRun::start().await;
    let (status, page) = run
        .http
        .get(&run.url("/setup?organization=acme-labs"))
        .await;
    assert_eq!(status, 200);
    let state = state_in(&page);
    assert!(
        page.contains(&format!(
            r#"action="{}/organizations/acme-labs/settings/apps/new?state={state}""#,
            run.web.url
        )),
        "{page}"
    );
    assert!(page.contains("Register GitHub App for acme-labs"));

    let (status, page) = run
        .http
        .get(&run.url("/setup?organization=%22%3E%3Cb%3Eacme"))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("up to 39 letters, digits and single hyphens"));
    assert!(page.contains("&quot;&gt;&lt;b&gt;acme") && !page.contains("<b>acme"));
    assert!(!page.contains("/organizations/"));
    run.app.stop().await;
}

#[tokio::test]
async fn registering_saves_private_credentials_that_the_next_start_uses() {
    let run = FirstRun::start().await;
    let (state, status, page) = run.register().await;
    assert_eq!(status, 200, "{page}");
    let install = format!(
        "{}/apps/{}/installations/new",
        run.web.url, run.created.slug
    );
    assert!(page.contains(&install), "{page}");

    let path = run.credentials_path.clone();
    #[cfg(unix)]
    assert_eq!(mode_of(&path), 0o600);
    let stored: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        stored,
        json!({
            "id": run.created.id,
            "slug": run.created.slug,
            "pem": run.created.pem,
            "webhook_secret": run.created.webhook_secret,
            "client_id": run.created.client_id,
            "client_secret": run.created.client_secret,
        })
    );

    // Running as the App now, without a restart.
    let secret = &run.created.webhook_secret;
    let (status, body) = run
        .http
        .deliver(&run.public_url, secret, "ping", &ping())
        .await;
    assert_eq!((status, body.as_str()), (200, "pong"));
    let (status, _) = run
        .http
        .deliver(&run.public_url, "not-it", "ping", &ping())
        .await;
    assert_eq!(status, 401);
    let (status, page) = run.http.get(&run.url("/")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&install), "the root page links to installing");
    let (status, page) = run
        .http
        .get(&run.url(&format!("/setup/callback?code={CODE}&state={state}")))
        .await;
    assert_eq!(status, 200, "a reload shows the same page: {page}");
    assert_eq!(run.gh.count("POST /app-manifests/*/conversions"), 1);

    let FirstRun {
        gh,
        created,
        app,
        http,
        dir,
        ..
    } = run;
    app.stop().await;
    let database_url = sqlite_url(dir.path());
    let mode = cli(&[
        "--listen",
        "127.0.0.1:0",
        "--api-url",
        gh.url(),
        "--database-url",
        &database_url,
        "--credentials-path",
        path.to_str().unwrap(),
    ])
    .into_settings()
    .expect("the stored credentials are valid settings");
    let Mode::App(settings) = &mode else {
        panic!("the next start should run as the App: {mode:?}");
    };
    assert_eq!(settings.credentials.app_id, created.id);
    let next = server::launch(mode).await.expect("the App starts");
    let base = format!("http://{}", next.addr);
    let (status, _) = http
        .deliver(&base, &created.webhook_secret, "ping", &ping())
        .await;
    assert_eq!(status, 200);
    let (status, page) = http.get(&format!("{base}/")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Switchyard is running"), "{page}");
    next.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_without_credentials_serves_the_setup_page() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = sqlite_url(dir.path());
    let mut binary = Binary::spawn(dir.path(), &[("DATABASE_URL", &database_url)]);
    let http = Http::new();

    let (status, page) = http.get(&binary.url("/")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Set <code>SWITCHYARD_PUBLIC_URL</code>"),
        "{page}"
    );
    assert!(!page.contains("Register GitHub App"));
    let (status, _) = http.deliver(&binary.url(""), "any", "ping", &ping()).await;
    assert_eq!(status, 503);
    assert_eq!(http.get(&binary.url("/healthz")).await.0, 200);

    assert_eq!(binary.stop(), Some(0));
    assert!(!dir.path().join("switchyard-credentials.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_in_the_environment_win_over_the_credentials_file() {
    let gh = FakeGitHub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("switchyard-credentials.json");
    setup::credentials::save(
        &path,
        &StoredCredentials {
            id: APP_ID,
            slug: "switchyard".into(),
            pem: TEST_PRIVATE_KEY_PEM.into(),
            webhook_secret: "from-the-file".into(),
            client_id: "Iv1.0123456789abcdef".into(),
            client_secret: "client-secret".into(),
        },
    )
    .unwrap();

    let database_url = sqlite_url(dir.path());
    let mut binary = Binary::spawn(
        dir.path(),
        &[
            ("GITHUB_WEBHOOK_SECRET", "from-the-environment"),
            ("GITHUB_API_URL", gh.url()),
            ("DATABASE_URL", &database_url),
        ],
    );
    let http = Http::new();
    let base = binary.url("");
    let (status, _) = http
        .deliver(&base, "from-the-environment", "ping", &ping())
        .await;
    assert_eq!(status, 200, "the environment's secret verifies");
    let (status, _) = http.deliver(&base, "from-the-file", "ping", &ping()).await;
    assert_eq!(status, 401, "the file's secret is overridden");
    assert_eq!(binary.stop(), Some(0));

    let mode = cli(&[
        "--credentials-path",
        path.to_str().unwrap(),
        "--app-id",
        "9",
    ])
    .into_settings()
    .unwrap();
    let Mode::App(settings) = mode else {
        panic!("expected the App: {mode:?}");
    };
    assert_eq!(settings.credentials.app_id, 9);
    assert_eq!(settings.credentials.private_key_pem, TEST_PRIVATE_KEY_PEM);
    let body = b"{}";
    let signed = WebhookSecrets::parse("from-the-file").unwrap().sign(body);
    assert_eq!(settings.secrets.verify(Some(&signed), body), Ok(()));
}

/// Drives the whole first run in a real headless Chromium: the page without a public URL, the
/// registration page, an organization's form, a refused link, then the personal account's button through GitHub and
/// back to the success page. Then the App accepts webhooks signed with the stored secret and
/// its workers reconcile as the new App.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_registers_the_app_in_a_browser() {
    if !Path::new(browser::CHROMEDRIVER).exists() {
        eprintln!("skipped: needs chromium-driver");
        return;
    }
    let run = FirstRun::start().await;
    let unconfigured_dir = tempfile::tempdir().unwrap();
    let unconfigured = setup::start(setup_settings(
        &run.gh,
        &run.web,
        unconfigured_dir.path(),
        None,
    ))
    .await
    .unwrap();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("setup-flow");
    std::fs::create_dir_all(&shots).unwrap();
    let browser = browser::Browser::start().await;
    let unconfigured_url = format!("http://{}/", unconfigured.addr);
    let seen = walk_through(&browser, &unconfigured_url, &run, &shots).await;
    browser.quit().await;
    unconfigured.stop().await;
    let seen = seen.unwrap_or_else(|e| panic!("the browser walk failed: {e}"));
    for shot in &seen.screenshots {
        println!("screenshot: {}", shot.display());
    }

    assert!(
        seen.needs_public_url.contains("Set SWITCHYARD_PUBLIC_URL"),
        "{}",
        seen.needs_public_url
    );
    assert!(seen.setup.contains("Register GitHub App"), "{}", seen.setup);
    assert!(
        seen.organization
            .contains("Register GitHub App for acme-labs")
    );
    assert!(seen.refused.contains("its state is missing or wrong"));
    assert!(
        seen.landed_on.contains("/setup/callback?code="),
        "{}",
        seen.landed_on
    );
    assert!(seen.registered.contains("Switchyard is registered"));
    assert_eq!(
        seen.install_link,
        format!(
            "{}/apps/{}/installations/new",
            run.web.url, run.created.slug
        )
    );

    let created = run.web.created();
    assert_eq!(created.len(), 1, "one App was created: {created:?}");
    let Created {
        organization,
        state,
        manifest,
    } = &created[0];
    assert_eq!(organization, &None);
    assert_eq!(state.len(), 32);
    assert_eq!(manifest["name"], "Switchyard");
    assert_eq!(manifest["url"], run.public_url.as_str());
    assert_eq!(
        manifest["hook_attributes"]["url"],
        run.url(WEBHOOK_PATH).as_str()
    );
    assert_eq!(
        manifest["redirect_url"],
        run.url("/setup/callback").as_str()
    );
    #[cfg(unix)]
    assert_eq!(mode_of(&run.credentials_path), 0o600);

    // The App now runs: a signed ping is answered, a pull request is queued and reconciled
    // with the new App's key, which puts a check run on its head.
    let secret = &run.created.webhook_secret;
    let (status, body) = run
        .http
        .deliver(&run.public_url, secret, "ping", &ping())
        .await;
    assert_eq!((status, body.as_str()), (200, "pong"));
    run.gh.install(INSTALLATION, REPO);
    let number = run.gh.open_pr(
        REPO,
        PrSpec {
            files: vec![FileChange::modified("src/lib.rs")],
            ..PrSpec::new("parallel-dev/agent-1", "")
        },
    );
    let head = run
        .gh
        .issue(REPO, number)
        .pull_request
        .expect("a pull request")
        .head_sha;
    let (status, _) = run
        .http
        .deliver(
            &run.public_url,
            secret,
            "pull_request",
            &pull_request_payload("opened", REPO, number, &head),
        )
        .await;
    assert_eq!(status, 202);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while run.gh.check_runs(REPO, &head).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no check run on the pull request's head"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    run.app.stop().await;
}

/// What the browser showed on the way.
struct Seen {
    needs_public_url: String,
    setup: String,
    organization: String,
    refused: String,
    landed_on: String,
    registered: String,
    install_link: String,
    screenshots: Vec<PathBuf>,
}

async fn walk_through(
    browser: &browser::Browser,
    unconfigured_url: &str,
    run: &FirstRun,
    shots: &Path,
) -> Result<Seen, String> {
    let mut screenshots = Vec::new();
    let mut shoot = async |name: &str| -> Result<(), String> {
        let path = shots.join(name);
        browser.screenshot(&path).await?;
        screenshots.push(path);
        Ok(())
    };

    browser.goto(unconfigured_url).await?;
    let needs_public_url = browser.text().await?;
    shoot("1-needs-public-url.png").await?;

    browser.goto(&run.url("/")).await?;
    let setup = browser.text().await?;
    shoot("2-setup.png").await?;

    let field = browser.find("#organization").await?;
    browser.type_into(&field, "acme-labs").await?;
    browser
        .click(&browser.find("#choose-organization").await?)
        .await?;
    let organization = browser.text().await?;
    shoot("3-organization.png").await?;

    browser
        .goto(&run.url("/setup/callback?code=0123&state=forged"))
        .await?;
    let refused = browser.text().await?;
    shoot("4-refused.png").await?;

    browser.goto(&run.url("/setup")).await?;
    browser
        .click(&browser.find("#register-personal").await?)
        .await?;
    let landed_on = browser.wait_for_url("/setup/callback").await?;
    let registered = browser.text().await?;
    let install_link = browser
        .attribute(&browser.find("#install").await?, "href")
        .await?;
    shoot("5-registered.png").await?;

    Ok(Seen {
        needs_public_url,
        setup,
        organization,
        refused,
        landed_on,
        registered,
        install_link,
        screenshots,
    })
}

/// A small WebDriver client for chromedriver: just the commands a person's walk needs.
mod browser {
    use super::free_port;
    use base64::Engine;
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::rt::TokioExecutor;
    use serde_json::{Value, json};
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::time::Duration;

    pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
    const CHROMIUM: &str = "/usr/bin/chromium";
    /// The key under which WebDriver names an element.
    const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

    pub struct Browser {
        http: Client<HttpConnector, Full<Bytes>>,
        driver_url: String,
        /// `/session/<id>` once the browser runs.
        session: String,
        driver: Child,
        _profile: tempfile::TempDir,
    }

    impl Drop for Browser {
        fn drop(&mut self) {
            let _ = self.driver.kill();
            let _ = self.driver.wait();
        }
    }

    impl Browser {
        pub async fn start() -> Self {
            let port = free_port();
            let driver = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts");
            let profile = tempfile::tempdir().expect("a profile directory");
            let mut browser = Self {
                http: Client::builder(TokioExecutor::new()).build_http(),
                driver_url: format!("http://127.0.0.1:{port}"),
                session: String::new(),
                driver,
                _profile: profile,
            };
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            loop {
                let ready = browser.call("GET", "/status", None).await;
                if ready.is_ok_and(|status| status["ready"] == true) {
                    break;
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "chromedriver did not get ready"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let capabilities = json!({
                "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--window-size=1024,900",
                            format!("--user-data-dir={}", browser._profile.path().display()),
                        ],
                    },
                }},
            });
            let created = browser
                .call("POST", "/session", Some(capabilities))
                .await
                .unwrap_or_else(|e| panic!("chromium starts: {e}"));
            let id = created["sessionId"]
                .as_str()
                .expect("a session id")
                .to_owned();
            browser.session = format!("/session/{id}");
            browser
        }

        /// One WebDriver command; its `value`, or the error WebDriver reported.
        async fn call(
            &self,
            method: &str,
            path: &str,
            body: Option<Value>,
        ) -> Result<Value, String> {
            let body = body.map(|b| b.to_string()).unwrap_or_default();
            let request = http::Request::builder()
                .method(method)
                .uri(format!("{}{}{path}", self.driver_url, self.session))
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(body)))
                .map_err(|e| e.to_string())?;
            let exchange = async {
                let response = self
                    .http
                    .request(request)
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map_err(|e| e.to_string())?
                    .to_bytes();
                Ok::<_, String>((status, body))
            };
            let (status, body) = tokio::time::timeout(Duration::from_secs(60), exchange)
                .await
                .map_err(|_| format!("{method} {path}: no answer within a minute"))??;
            let mut answer: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            let value = answer["value"].take();
            if status.is_success() {
                Ok(value)
            } else {
                Err(format!(
                    "{method} {path}: {} {}",
                    value["error"], value["message"]
                ))
            }
        }

        pub async fn goto(&self, url: &str) -> Result<(), String> {
            self.call("POST", "/url", Some(json!({ "url": url })))
                .await?;
            Ok(())
        }

        pub async fn find(&self, css: &str) -> Result<String, String> {
            let found = self
                .call(
                    "POST",
                    "/element",
                    Some(json!({ "using": "css selector", "value": css })),
                )
                .await?;
            found[ELEMENT]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("no element for {css}"))
        }

        pub async fn click(&self, element: &str) -> Result<(), String> {
            self.call(
                "POST",
                &format!("/element/{element}/click"),
                Some(json!({})),
            )
            .await?;
            Ok(())
        }

        pub async fn type_into(&self, element: &str, text: &str) -> Result<(), String> {
            self.call(
                "POST",
                &format!("/element/{element}/value"),
                Some(json!({ "text": text })),
            )
            .await?;
            Ok(())
        }

        pub async fn attribute(&self, element: &str, name: &str) -> Result<String, String> {
            let value = self
                .call("GET", &format!("/element/{element}/attribute/{name}"), None)
                .await?;
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("no {name} attribute"))
        }

        /// The page's text as a person reads it. A click or a redirect may still be replacing
        /// the page, so a body that went stale is looked up again.
        pub async fn text(&self) -> Result<String, String> {
            let mut tries = 0;
            loop {
                let body = self.find("body").await?;
                match self
                    .call("GET", &format!("/element/{body}/text"), None)
                    .await
                {
                    Ok(text) => return Ok(text.as_str().unwrap_or_default().to_owned()),
                    Err(e) if e.contains("stale element") && tries < 50 => {
                        tries += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        }

        /// Waits until the address contains `part`, and returns it.
        pub async fn wait_for_url(&self, part: &str) -> Result<String, String> {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            loop {
                let url = self.call("GET", "/url", None).await?;
                let url = url.as_str().unwrap_or_default();
                if url.contains(part) {
                    return Ok(url.to_owned());
                }
                if tokio::time::Instant::now() > deadline {
                    return Err(format!("still on {url}, not on {part}"));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }

        pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
            let png = self.call("GET", "/screenshot", None).await?;
            let png = base64::engine::general_purpose::STANDARD
                .decode(png.as_str().unwrap_or_default())
                .map_err(|e| e.to_string())?;
            std::fs::write(path, png).map_err(|e| e.to_string())
        }

        /// Closes the browser; chromedriver is stopped when the handle drops.
        pub async fn quit(self) {
            let _ = self.call("DELETE", "", None).await;
        }
    }
}
