//! Command line and environment. The environment variable names are a contract that docs,
//! deployments and outside tools rely on.

use crate::github::{AppCredentials, RetrySettings};
use crate::queue::QueueSettings;
use crate::server::ServerSettings;
use crate::webhook::WebhookSecrets;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the App: receive webhooks and reconcile repositories.
    Serve(ServeArgs),
    /// Check a `.github/switchyard.yml` file and say what it configures.
    CheckConfig {
        /// The file to check.
        path: PathBuf,
    },
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
    /// Where state lives: a SQLite file (`sqlite://PATH` or a path).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://switchyard.db")]
    pub database_url: String,
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

impl ServeArgs {
    /// Validates every setting; the first problem is reported by name.
    pub fn into_settings(self) -> Result<ServerSettings, SettingError> {
        let listen: SocketAddr = self.listen.parse().map_err(|_| {
            bad(
                "SWITCHYARD_LISTEN",
                format!("`{}` is not an address like 127.0.0.1:3000", self.listen),
            )
        })?;
        let app_id = self.app_id.ok_or_else(|| {
            bad(
                "GITHUB_APP_ID",
                "is not set (the App's id from its settings page)",
            )
        })?;
        let app_id: u64 = app_id
            .trim()
            .parse()
            .map_err(|_| bad("GITHUB_APP_ID", format!("`{app_id}` is not a number")))?;
        let private_key_pem = match (self.private_key, self.private_key_path) {
            (Some(pem), _) => pem,
            (None, Some(path)) => std::fs::read_to_string(&path).map_err(|e| {
                bad(
                    "GITHUB_PRIVATE_KEY_PATH",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?,
            (None, None) => {
                return Err(bad(
                    "GITHUB_PRIVATE_KEY",
                    "is not set, nor GITHUB_PRIVATE_KEY_PATH (the App's private key)",
                ));
            }
        };
        if !private_key_pem.contains("-----BEGIN") {
            return Err(bad("GITHUB_PRIVATE_KEY", "is not a PEM private key"));
        }
        let secret = self.webhook_secret.ok_or_else(|| {
            bad(
                "GITHUB_WEBHOOK_SECRET",
                "is not set (the App's webhook secret)",
            )
        })?;
        let secrets =
            WebhookSecrets::parse(&secret).map_err(|e| bad("GITHUB_WEBHOOK_SECRET", e))?;
        let api_url = self.api_url.trim_end_matches('/').to_owned();
        match api_url.parse::<http::Uri>() {
            Ok(uri)
                if matches!(uri.scheme_str(), Some("http" | "https"))
                    && uri.authority().is_some() => {}
            _ => {
                return Err(bad(
                    "GITHUB_API_URL",
                    format!("`{api_url}` is not an http(s) URL"),
                ));
            }
        }
        if self.database_url.trim().is_empty() {
            return Err(bad("DATABASE_URL", "is empty"));
        }
        Ok(ServerSettings {
            listen,
            credentials: AppCredentials {
                app_id,
                private_key_pem,
            },
            secrets,
            api_url,
            database_url: self.database_url,
            queue: QueueSettings::default(),
            retry: RetrySettings::default(),
        })
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
            Command::CheckConfig { .. } => unreachable!("serve was given"),
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
        ] {
            assert_eq!(
                args(&with(flag, value)).into_settings().unwrap_err().name,
                name
            );
        }
    }
}
