//! The harness: a fake GitHub, the App started against it on a temporary SQLite file, and
//! helpers to send signed deliveries and wait for the queue to settle.

use bytes::Bytes;
use fake_github::{FakeGitHub, FileChange, PrSpec, TEST_PRIVATE_KEY_PEM};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchyard::github::{AppCredentials, RetrySettings};
use switchyard::queue::QueueSettings;
use switchyard::recovery::RecoverySettings;
use switchyard::service::{self, Running, ServerSettings};
use switchyard::webhook::{WEBHOOK_PATH, WebhookSecrets};

pub const APP_ID: u64 = 42;
pub const INSTALLATION: u64 = 7;
pub const REPO: &str = "octo/repo";
pub const SECRET: &str = "it-is-a-secret";
/// Between two writes of the installation: short, so that stories stay quick, yet spaced as
/// GitHub's second is.
pub const WRITE_INTERVAL: Duration = Duration::from_millis(5);

/// The `switchyard` binary with an empty environment: only the settings a test gives reach it.
pub fn switchyard() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    command.env_clear();
    command
}

/// `switchyard serve` as an operator starts it: only the given environment, in `cwd`.
pub struct Binary {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Binary {
    pub fn spawn(cwd: &Path, env: &[(&str, &str)]) -> Self {
        let mut command = switchyard();
        command.arg("serve");
        Self::spawn_command(command, cwd, env)
    }

    /// [`Binary::spawn`] with the process's open-file limit set to `open_files`, by util-linux's
    /// `prlimit`.
    pub fn spawn_with_open_files(cwd: &Path, env: &[(&str, &str)], open_files: u32) -> Self {
        let mut command = Command::new("/usr/bin/prlimit");
        command
            .env_clear()
            .arg(format!("--nofile={open_files}:{open_files}"))
            .arg(env!("CARGO_BIN_EXE_switchyard"))
            .arg("serve");
        Self::spawn_command(command, cwd, env)
    }

    fn spawn_command(mut command: Command, cwd: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = command
            .current_dir(cwd)
            .env("SWITCHYARD_LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("its output");
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut addr = None;
        for line in lines.by_ref() {
            addr = listening_addr(&line);
            log.lock().expect("the log").push(line);
            if addr.is_some() {
                break;
            }
        }
        let addr = addr.expect("the server says where it listens");
        // Keeps reading, so that a full pipe never blocks the server's logging.
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines {
                kept.lock().expect("the log").push(line);
            }
        });
        Self { child, addr, log }
    }

    /// What the server has logged so far, one line each.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("the log").clone()
    }

    /// SIGKILL: the process ends at once, with no chance to finish anything.
    pub fn kill(&mut self) {
        self.child.kill().expect("the process is killed");
        self.child.wait().expect("the killed process is reaped");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The process's resident memory in KiB, as `/proc/<pid>/status` says (Linux only).
    pub fn resident_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// SIGTERM, then the exit code.
    pub fn stop(&mut self) -> Option<i32> {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().expect("the child's status") {
                return status.code();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "still running after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listening_addr(line: &str) -> Option<SocketAddr> {
    if !line.contains("listening") {
        return None;
    }
    let start = line.find("addr=")? + "addr=".len();
    line[start..].split_whitespace().next()?.parse().ok()
}

/// A real payload GitHub sends, read in place beside the clone. Tests that read one are
/// marked `#[cfg_attr(no_shared_fixtures, ignore = ...)]` (see `build.rs`), so they are
/// reported as ignored, not passed, where the folder is absent.
pub fn real_payload(relative: &str) -> Vec<u8> {
    let path = shared_fixtures().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn shared_fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/github-webhooks")
}

static NEXT_DELIVERY: AtomicU64 = AtomicU64::new(1);

/// A delivery id not used before in this run, shaped like GitHub's.
pub fn delivery_id() -> String {
    let n = NEXT_DELIVERY.fetch_add(1, Ordering::Relaxed);
    format!("00000000-0000-0000-0000-{n:012}")
}

/// A plain HTTP client for talking to the App as GitHub or a person would.
pub struct Http(Client<HttpConnector, Full<Bytes>>);

impl Http {
    pub fn new() -> Self {
        Self(Client::builder(TokioExecutor::new()).build_http())
    }

    pub async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (u16, String) {
        let (status, body) = self
            .try_send(method, url, headers, body)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// One request; its status and body, or why there was none.
    pub async fn try_send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), String> {
        let mut request = http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("{method} {url}: not a request: {e}"))?;
        let exchange = async {
            let response = self
                .0
                .request(request)
                .await
                .map_err(|e| format!("{method} {url}: no answer: {e}"))?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{method} {url}: no body: {e}"))?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(Duration::from_secs(60), exchange)
            .await
            .map_err(|_| format!("{method} {url}: no answer within a minute"))?
    }

    pub async fn get(&self, url: &str) -> (u16, String) {
        self.send("GET", url, &[], Vec::new()).await
    }

    /// A delivery signed with `secret`, as GitHub sends it.
    pub async fn deliver(
        &self,
        base: &str,
        secret: &str,
        event: &str,
        payload: &Value,
    ) -> (u16, String) {
        let body = serde_json::to_vec(payload).expect("JSON");
        self.deliver_body(base, secret, event, &delivery_id(), &body)
            .await
    }

    /// `body` as it stands, signed with `secret` and sent under `delivery`.
    pub async fn deliver_body(
        &self,
        base: &str,
        secret: &str,
        event: &str,
        delivery: &str,
        body: &[u8],
    ) -> (u16, String) {
        self.try_deliver_body(base, secret, event, delivery, body)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Http::deliver_body`], or why no answer came: the server is down, or died before
    /// it answered.
    pub async fn try_deliver_body(
        &self,
        base: &str,
        secret: &str,
        event: &str,
        delivery: &str,
        body: &[u8],
    ) -> Result<(u16, String), String> {
        let signature = WebhookSecrets::parse(secret).expect("a secret").sign(body);
        let (status, answer) = self
            .try_send(
                "POST",
                &format!("{base}{WEBHOOK_PATH}"),
                &[
                    ("x-github-event", event.to_owned()),
                    ("x-github-delivery", delivery.to_owned()),
                    ("x-hub-signature-256", signature),
                    ("content-type", "application/json".to_owned()),
                ],
                body.to_vec(),
            )
            .await?;
        Ok((status, String::from_utf8_lossy(&answer).into_owned()))
    }
}

pub struct Harness {
    pub gh: FakeGitHub,
    pub app: Option<Running>,
    pub db: tempfile::TempDir,
    http: Http,
}

/// The SQLite database the App keeps in `dir`.
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("switchyard.db").display())
}

pub fn settings(api_url: &str, database_url: String) -> ServerSettings {
    ServerSettings {
        listen: "127.0.0.1:0".parse().expect("loopback address"),
        credentials: AppCredentials {
            app_id: APP_ID,
            private_key_pem: TEST_PRIVATE_KEY_PEM.to_owned(),
        },
        secrets: WebhookSecrets::parse(SECRET).expect("a secret"),
        api_url: api_url.to_owned(),
        database_url,
        queue: QueueSettings {
            max_parallel: 4,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(1),
            sweep_interval: Duration::from_secs(3600),
            shutdown_grace: Duration::from_secs(5),
            lease: Duration::from_secs(20),
        },
        retry: RetrySettings {
            max_tries: 4,
            backoff: Duration::from_millis(50),
            max_wait: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            write_interval: WRITE_INTERVAL,
        },
        // The tests of recovery turn it on; others count GitHub's requests without it.
        recovery: RecoverySettings::off(),
    }
}

impl Harness {
    /// A fake GitHub where installation 7 has `octo/repo` (default branch `main`), and the
    /// App running against it.
    pub async fn start() -> Self {
        Self::start_against(FakeGitHub::start().await).await
    }

    /// [`Harness::start`] against a fake GitHub already running.
    pub async fn start_against(gh: FakeGitHub) -> Self {
        gh.set_app_id(APP_ID);
        gh.install(INSTALLATION, REPO);
        let mut harness = Self {
            gh,
            app: None,
            db: tempfile::tempdir().expect("a temporary directory"),
            http: Http::new(),
        };
        harness.start_app().await;
        harness
    }

    pub fn database_url(&self) -> String {
        sqlite_url(self.db.path())
    }

    pub async fn start_app(&mut self) {
        self.start_with(settings(self.gh.url(), self.database_url()))
            .await;
    }

    /// The App answering webhooks with its workers idle, so queued jobs stay visible.
    pub async fn start_app_without_workers(&mut self) {
        let mut settings = settings(self.gh.url(), self.database_url());
        settings.queue.max_parallel = 0;
        self.start_with(settings).await;
    }

    pub async fn start_with(&mut self, settings: ServerSettings) {
        let running = service::start(settings).await.expect("the App starts");
        self.app = Some(running);
    }

    pub fn app(&self) -> &Running {
        self.app.as_ref().expect("the App is running")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.app().addr, path)
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> (u16, String) {
        self.http.send(method, &self.url(path), headers, body).await
    }

    /// Sends a delivery signed with the App's secret, as GitHub would.
    pub async fn deliver_as(&self, event: &str, delivery: &str, body: &[u8]) -> (u16, String) {
        self.http
            .deliver_body(&self.url(""), SECRET, event, delivery, body)
            .await
    }

    pub async fn deliver(&self, event: &str, payload: &Value) -> (u16, String) {
        self.http
            .deliver(&self.url(""), SECRET, event, payload)
            .await
    }

    /// Waits until no job is queued or running (failed ones stay), or panics after 20 s.
    /// It looks again each time the queue records an outcome, never on a timer.
    pub async fn settle(&self) {
        let app = self.app();
        let mut outcomes = app.queue.outcomes();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let counts = app.store.job_counts().expect("the store answers");
            if counts.queued == 0 && counts.running == 0 {
                return;
            }
            let next = tokio::time::timeout_at(deadline, outcomes.changed()).await;
            assert!(
                matches!(next, Ok(Ok(()))),
                "the queue did not settle: {counts:?}"
            );
        }
    }

    pub fn head(&self, number: u64) -> String {
        self.gh
            .issue(REPO, number)
            .pull_request
            .expect("a pull request")
            .head_sha
    }

    /// Opens a PR from a lane branch and tells the App, as GitHub would.
    pub async fn open_lane_pr(&self, lane: &str, files: &[&str]) -> u64 {
        let number = self.gh.open_pr(
            REPO,
            PrSpec {
                files: files
                    .iter()
                    .map(|f| fake_github::FileChange::modified(*f))
                    .collect(),
                ..PrSpec::new(format!("parallel-dev/{lane}"), "")
            },
        );
        self.tell_pr(number, "opened").await;
        number
    }
}

impl Harness {
    /// Opens a PR with these files and body from a lane branch and tells the App.
    pub async fn open_pr_with(&self, lane: &str, body: &str, files: Vec<FileChange>) -> u64 {
        let number = self.gh.open_pr(
            REPO,
            PrSpec {
                body: Some(body.to_owned()),
                files,
                ..PrSpec::new(format!("parallel-dev/{lane}"), "")
            },
        );
        self.tell_pr(number, "opened").await;
        number
    }

    /// Sends a `pull_request` event for a PR as it now is.
    pub async fn tell_pr(&self, number: u64, action: &str) {
        let (status, _) = self
            .deliver(
                "pull_request",
                &pull_request_payload(action, REPO, number, &self.head(number)),
            )
            .await;
        assert_eq!(status, 202);
    }

    /// The latest "Merge order" run on a PR's head.
    pub fn merge_order_run(&self, number: u64) -> fake_github::CheckRun {
        self.gh
            .check_runs(REPO, &self.head(number))
            .into_iter()
            .filter(|r| r.name == "Merge order")
            .max_by_key(|r| r.id)
            .expect("a Merge order run")
    }

    /// The App's comments on an issue or PR, oldest first.
    pub fn app_comments(&self, number: u64) -> Vec<String> {
        let app = self.gh.bot_login();
        self.gh
            .comments(REPO, number)
            .into_iter()
            .filter(|c| c.author == app)
            .map(|c| c.body)
            .collect()
    }

    /// Requests that changed something on GitHub since the log was last cleared.
    pub fn writes(&self) -> Vec<String> {
        self.gh
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

impl Harness {
    /// GitHub adds the repository to the installation: a full first reconcile.
    pub async fn add_repository(&self) {
        self.deliver(
            "installation_repositories",
            &json!({
                "action": "added",
                "installation": { "id": INSTALLATION },
                "repositories_added": [{ "full_name": REPO }],
                "repositories_removed": []
            }),
        )
        .await;
    }

    /// A push to the default branch, now at `after`.
    pub async fn push_default_branch(&self, after: &str) {
        self.deliver(
            "push",
            &json!({
                "ref": "refs/heads/main", "after": after,
                "repository": { "full_name": REPO, "default_branch": "main" },
                "installation": { "id": INSTALLATION }
            }),
        )
        .await;
    }

    /// GitHub's `check_suite` `completed` event for `head`.
    pub async fn check_suite_event(&self, head: &str) {
        self.deliver(
            "check_suite",
            &json!({
                "action": "completed",
                "check_suite": { "head_sha": head },
                "repository": { "full_name": REPO, "default_branch": "main" },
                "installation": { "id": INSTALLATION }
            }),
        )
        .await;
    }

    /// A `check_run` event on the "Merge order" run of `head`, e.g. a press of its button.
    pub async fn check_run_event(&self, action: &str, head: &str, identifier: Option<&str>) {
        let mut payload = json!({
            "action": action,
            "check_run": { "head_sha": head, "name": "Merge order" },
            "repository": { "full_name": REPO, "default_branch": "main" },
            "installation": { "id": INSTALLATION }
        });
        if let Some(identifier) = identifier {
            payload["requested_action"] = json!({ "identifier": identifier });
        }
        self.deliver("check_run", &payload).await;
    }
}

/// A patch replacing `count` lines from `start` with new text, as GitHub shows it.
pub fn lines_patch(start: u32, count: u32, tag: &str) -> String {
    let mut patch = format!("@@ -{start},{count} +{start},{count} @@\n");
    for i in 0..count {
        patch.push_str(&format!("-line {}\n", start + i));
    }
    for i in 0..count {
        patch.push_str(&format!("+{tag} {}\n", start + i));
    }
    patch.trim_end().to_owned()
}

pub fn changed(path: &str, start: u32, count: u32, tag: &str) -> FileChange {
    FileChange::modified(path).with_patch(lines_patch(start, count, tag))
}

/// A `pull_request` payload with the fields GitHub always sends that the App reads.
pub fn pull_request_payload(action: &str, repo: &str, number: u64, head_sha: &str) -> Value {
    json!({
        "action": action,
        "number": number,
        "pull_request": { "number": number, "head": { "sha": head_sha, "ref": "x" }, "state": "open" },
        "repository": { "full_name": repo, "default_branch": "main" },
        "installation": { "id": INSTALLATION },
        "sender": { "login": "octocat", "type": "User" }
    })
}

/// Replaces the repository and installation of a real payload with the harness's.
pub fn retarget(mut payload: Value, repo: &str) -> Value {
    if let Some(r) = payload.get_mut("repository") {
        r["full_name"] = json!(repo);
        r["default_branch"] = json!("main");
    }
    payload["installation"] = json!({ "id": INSTALLATION });
    payload
}
