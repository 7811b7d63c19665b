//! Command line and environment. The environment variable names are a contract that docs,
//! deployments and outside tools rely on.

use crate::github::{AppCredentials, DEFAULT_WRITE_INTERVAL, RetrySettings};
use crate::queue::{DEFAULT_LEASE_SECS, QueueSettings};
use crate::recovery::{DEFAULT_RECOVERY_SECS, RecoverySettings};
use crate::service::ServerSettings;
use crate::setup::{self, Mode, SetupSettings, StoredCredentials};
use crate::webhook::WebhookSecrets;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A lease shorter than this would be renewed more often than once a second.
const MIN_LEASE_SECS: u64 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "switchyard",
    version,
    about = "Coordinates parallel branches on one repository"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process: boxing the large variant would save nothing worth having.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the App: receive webhooks and reconcile repositories.
    Serve(ServeArgs),
    /// Check a `.github/switchyard.yml` file and say what it configures.
    CheckConfig {
        /// The file to check.
        path: PathBuf,
    },
    /// Coordinate lanes in worktrees on this machine, inside a git repository.
    Local(crate::local::cli::LocalArgs),
    /// Serve local mode's answers to a coding agent: an MCP server over stdio, started in a
    /// lane's worktree.
    Mcp(crate::mcp::McpArgs),
    /// Read a parallel plan written in Markdown, and turn it into tasks.
    Plan(crate::plan_cli::PlanArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to bind.
    #[arg(long, env = "SWITCHYARD_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: String,
    /// The GitHub App's id.
    #[arg(long, env = "GITHUB_APP_ID")]
    pub app_id: Option<String>,
    /// The App's private key, PEM text.
    #[arg(
        long,
        env = "GITHUB_PRIVATE_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub private_key: Option<String>,
    /// A file holding the App's private key.
    #[arg(long, env = "GITHUB_PRIVATE_KEY_PATH")]
    pub private_key_path: Option<PathBuf>,
    /// Webhook secrets, comma-separated; any of them verifies a delivery.
    #[arg(long, env = "GITHUB_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// GitHub's API: api.github.com, or a GitHub Enterprise Server's `/api/v3`.
    #[arg(long, env = "GITHUB_API_URL", default_value = "https://api.github.com")]
    pub api_url: String,
    /// Where state lives: a SQLite file (`sqlite://PATH` or a path) for one instance, or a
    /// PostgreSQL database (`postgres://USER:PASSWORD@HOST/DB`) shared by several.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://switchyard.db")]
    pub database_url: String,
    /// Seconds a repository's lease lasts without renewal. An instance that dies has its
    /// work taken over by another within this and a quarter more.
    #[arg(long, env = "SWITCHYARD_LEASE_SECS", default_value_t = DEFAULT_LEASE_SECS)]
    pub lease_secs: u64,
    /// Milliseconds at least between two writes of one installation, across workers and
    /// instances. GitHub asks for a second; a GitHub Enterprise Server whose administrators
    /// lifted its limits may take less.
    #[arg(long, env = "SWITCHYARD_WRITE_INTERVAL_MS", default_value_t = DEFAULT_WRITE_INTERVAL.as_millis() as u64)]
    pub write_interval_ms: u64,
    /// Seconds between walks of GitHub's delivery log for deliveries it could not make, which
    /// it is asked to make again (also one at start-up); 0 turns this off.
    #[arg(long, env = "SWITCHYARD_REDELIVER_SECS", default_value_t = DEFAULT_RECOVERY_SECS)]
    pub redeliver_secs: u64,
    /// This server's URL as GitHub reaches it; the setup page fills it into the App's manifest.
    #[arg(long, env = "SWITCHYARD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Where the setup page saves the App's credentials, and where a start without them in
    /// the environment looks for them.
    #[arg(
        long,
        env = "SWITCHYARD_CREDENTIALS_PATH",
        default_value = "switchyard-credentials.json"
    )]
    pub credentials_path: PathBuf,
    /// GitHub's web pages, where Apps are registered; by default derived from the API URL.
    #[arg(long, env = "GITHUB_WEB_URL")]
    pub web_url: Option<String>,
}

/// One line naming the setting and what is wrong with it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{name}: {problem}")]
pub struct SettingError {
    pub name: &'static str,
    pub problem: String,
}

fn bad(name: &'static str, problem: impl Into<String>) -> SettingError {
    SettingError {
        name,
        problem: problem.into(),
    }
}

/// `url` without a trailing slash, if it is an http(s) URL with a host.
fn http_url(name: &'static str, url: &str) -> Result<String, SettingError> {
    let url = url.trim().trim_end_matches('/').to_owned();
    match url.parse::<http::Uri>() {
        Ok(uri)
            if matches!(uri.scheme_str(), Some("http" | "https")) && uri.authority().is_some() =>
        {
            Ok(url)
        }
        _ => Err(bad(name, format!("`{url}` is not an http(s) URL"))),
    }
}

impl ServeArgs {
    /// Validates every setting; the first problem is reported by name. Without any of the
    /// App's credentials in the flags, the environment or the credentials file, the server
    /// starts in setup mode. A setting given in the flags or the environment wins over the
    /// file, one by one.
    pub fn into_settings(self) -> Result<Mode, SettingError> {
        let listen: SocketAddr = self.listen.parse().map_err(|_| {
            bad(
                "SWITCHYARD_LISTEN",
                format!("`{}` is not an address like 127.0.0.1:3000", self.listen),
            )
        })?;
        let api_url = http_url("GITHUB_API_URL", &self.api_url)?;
        let web_url = match &self.web_url {
            Some(url) => http_url("GITHUB_WEB_URL", url)?,
            None => setup::web_url_for(&api_url),
        };
        let public_url = self
            .public_url
            .as_deref()
            .map(|url| http_url("SWITCHYARD_PUBLIC_URL", url))
            .transpose()?;
        if self.database_url.trim().is_empty() {
            return Err(bad("DATABASE_URL", "is empty"));
        }
        if self.lease_secs < MIN_LEASE_SECS {
            return Err(bad(
                "SWITCHYARD_LEASE_SECS",
                format!("must be at least {MIN_LEASE_SECS} seconds"),
            ));
        }
        let queue = QueueSettings {
            lease: Duration::from_secs(self.lease_secs),
            ..QueueSettings::default()
        };
        let retry = RetrySettings {
            write_interval: Duration::from_millis(self.write_interval_ms),
            ..RetrySettings::default()
        };
        let recovery = RecoverySettings {
            interval: Duration::from_secs(self.redeliver_secs),
            ..RecoverySettings::default()
        };
        let key_given = self.private_key.is_some() || self.private_key_path.is_some();
        let given = [
            self.app_id.is_some(),
            key_given,
            self.webhook_secret.is_some(),
        ];
        let stored = if given.iter().all(|g| *g) {
            None
        } else {
            setup::credentials::load(&self.credentials_path)
                .map_err(|e| bad("SWITCHYARD_CREDENTIALS_PATH", e))?
        };
        if !given.iter().any(|g| *g) && stored.is_none() {
            return Ok(Mode::Setup(SetupSettings {
                listen,
                public_url,
                api_url,
                web_url,
                credentials_path: self.credentials_path,
                database_url: self.database_url,
                queue,
                retry,
                recovery,
            }));
        }
        let stored = stored.as_ref();
        let app_id = match (self.app_id, stored) {
            (Some(id), _) => id
                .trim()
                .parse()
                .map_err(|_| bad("GITHUB_APP_ID", format!("`{id}` is not a number")))?,
            (None, Some(file)) => file.id,
            (None, None) => {
                return Err(bad(
                    "GITHUB_APP_ID",
                    "is not set (the App's id from its settings page)",
                ));
            }
        };
        let private_key_pem = match (self.private_key, self.private_key_path, stored) {
            (Some(pem), _, _) => pem,
            (None, Some(path), _) => std::fs::read_to_string(&path).map_err(|e| {
                bad(
                    "GITHUB_PRIVATE_KEY_PATH",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?,
            (None, None, Some(file)) => file.pem.clone(),
            (None, None, None) => {
                return Err(bad(
                    "GITHUB_PRIVATE_KEY",
                    "is not set, nor GITHUB_PRIVATE_KEY_PATH (the App's private key)",
                ));
            }
        };
        if !private_key_pem.contains("-----BEGIN") {
            return Err(bad("GITHUB_PRIVATE_KEY", "is not a PEM private key"));
        }
        let secret = match (self.webhook_secret, stored) {
            (Some(secret), _) => secret,
            (None, Some(StoredCredentials { webhook_secret, .. })) => webhook_secret.clone(),
            (None, None) => {
                return Err(bad(
                    "GITHUB_WEBHOOK_SECRET",
                    "is not set (the App's webhook secret)",
                ));
            }
        };
        let secrets =
            WebhookSecrets::parse(&secret).map_err(|e| bad("GITHUB_WEBHOOK_SECRET", e))?;
        Ok(Mode::App(ServerSettings {
            listen,
            credentials: AppCredentials {
                app_id,
                private_key_pem,
            },
            secrets,
            api_url,
            database_url: self.database_url,
            queue,
            retry,
            recovery,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[&str]) -> ServeArgs {
        let mut argv = vec!["switchyard", "serve"];
        argv.extend_from_slice(pairs);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Serve(a) => a,
            Command::CheckConfig { .. }
            | Command::Local(_)
            | Command::Mcp(_)
            | Command::Plan(_) => {
                unreachable!("serve was given")
            }
        }
    }

    const KEY: &str = "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----";

    #[test]
    fn each_malformed_setting_is_named() {
        let full = [
            ("--app-id", "12"),
            ("--private-key", KEY),
            ("--webhook-secret", "s"),
        ];
        let with = |flag: &'static str, value: &'static str| -> Vec<&'static str> {
            let mut argv: Vec<&str> = full
                .iter()
                .filter(|(f, _)| *f != flag)
                .flat_map(|(f, v)| [*f, *v])
                .collect();
            argv.extend([flag, value]);
            argv
        };
        assert!(
            args(&with("--listen", "127.0.0.1:3000"))
                .into_settings()
                .is_ok()
        );
        for (flag, value, name) in [
            ("--listen", "nope", "SWITCHYARD_LISTEN"),
            ("--app-id", "x", "GITHUB_APP_ID"),
            ("--api-url", "ftp://x", "GITHUB_API_URL"),
            ("--webhook-secret", "a,,b", "GITHUB_WEBHOOK_SECRET"),
            ("--private-key", "not a key", "GITHUB_PRIVATE_KEY"),
            (
                "--public-url",
                "switchyard.example.com",
                "SWITCHYARD_PUBLIC_URL",
            ),
            ("--web-url", "github", "GITHUB_WEB_URL"),
            ("--lease-secs", "1", "SWITCHYARD_LEASE_SECS"),
        ] {
            assert_eq!(
                args(&with(flag, value)).into_settings().unwrap_err().name,
                name
            );
        }
    }

    #[test]
    fn writes_are_a_second_apart_unless_told_otherwise() {
        let full = [
            "--app-id",
            "12",
            "--private-key",
            KEY,
            "--webhook-secret",
            "s",
        ];
        let interval = |extra: &[&str]| {
            let argv: Vec<&str> = full.iter().chain(extra).copied().collect();
            match args(&argv).into_settings().unwrap() {
                Mode::App(settings) => settings.retry.write_interval,
                other => panic!("expected the App, got {other:?}"),
            }
        };
        assert_eq!(interval(&[]), Duration::from_secs(1));
        assert_eq!(
            interval(&["--write-interval-ms", "250"]),
            Duration::from_millis(250)
        );
    }

    #[test]
    fn without_credentials_anywhere_the_server_starts_in_setup_mode() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("credentials.json");
        let mode = args(&[
            "--credentials-path",
            missing.to_str().unwrap(),
            "--public-url",
            "https://switchyard.example.com/",
            "--api-url",
            "https://ghe.example.com/api/v3",
        ])
        .into_settings()
        .unwrap();
        let Mode::Setup(setup) = mode else {
            panic!("expected setup mode, got {mode:?}");
        };
        assert_eq!(
            setup.public_url.as_deref(),
            Some("https://switchyard.example.com")
        );
        assert_eq!(setup.web_url, "https://ghe.example.com");
        assert_eq!(setup.credentials_path, missing);
    }

    #[test]
    fn some_credentials_without_a_file_name_the_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("credentials.json");
        let error = args(&[
            "--credentials-path",
            missing.to_str().unwrap(),
            "--webhook-secret",
            "s",
        ])
        .into_settings()
        .unwrap_err();
        assert_eq!(error.name, "GITHUB_APP_ID");
    }
}
