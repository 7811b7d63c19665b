//! First run: a server without credentials serves the setup pages, registers its App through
//! GitHub's manifest flow and then runs as the App without a restart. GitHub's API is the fake;
//! GitHub's web side (the "Create GitHub App" page) is played by [`GitHubWeb`] here.

mod browser;
mod github_web;
mod in_browser;
mod registration;
mod start;

use crate::support::{self, APP_ID, Http};
use fake_github::{FakeGitHub, ManifestApp};
use github_web::GitHubWeb;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use switchyard::service;
use switchyard::settings::{Cli, Command as CliCommand};
use switchyard::setup::{self, SetupSettings};

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

/// The fake GitHub's API with one App to be created from a manifest, GitHub's web side, and
/// the server in setup mode with its credentials file in a temporary directory.
struct FirstRun {
    gh: FakeGitHub,
    created: ManifestApp,
    web: GitHubWeb,
    dir: tempfile::TempDir,
    credentials_path: PathBuf,
    app: service::Running,
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

    /// A ping signed with `secret` to the App's public URL: its status and body.
    async fn ping_signed_with(&self, secret: &str) -> (u16, String) {
        self.http
            .deliver(&self.public_url, secret, "ping", &ping())
            .await
    }

    /// A ping signed with the registered App's own secret.
    async fn ping(&self) -> (u16, String) {
        self.ping_signed_with(&self.created.webhook_secret).await
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
        recovery: app_settings.recovery,
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
        CliCommand::CheckConfig { .. }
        | CliCommand::Local(_)
        | CliCommand::Mcp(_)
        | CliCommand::Plan(_) => {
            unreachable!("serve was given")
        }
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
