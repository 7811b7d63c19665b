//! Switchyard: coordinates parallel branches on one repository.
//!
//! GitHub ──webhook──▶ receive ──▶ queue (durable) ──▶ reconcile(repo) ──▶ GitHub.
//! The binary is thin; everything here is a library that tests drive directly.

pub mod assign;
pub mod config;
pub mod github;
pub mod ids;
pub mod metrics;
pub mod order;
pub mod overlap;
pub mod queue;
pub mod reconcile;
pub mod server;
pub mod settings;
pub mod setup;
pub mod store;
pub mod text;
pub mod webhook;

use std::path::Path;
use std::process::ExitCode;

/// `switchyard check-config PATH`: the errors (exit 1) or what the file configures (exit 0).
pub fn check_config(path: &Path) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    match config::parse(&text) {
        Ok(config) => {
            println!("{}", config.summary());
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{}", errors.render(&path.display().to_string()));
            ExitCode::FAILURE
        }
    }
}

/// `switchyard serve`: runs until SIGTERM or SIGINT, then lets running jobs finish. Without
/// the App's credentials it starts in setup mode.
pub async fn serve(mode: server::Mode) -> ExitCode {
    let running = match server::launch(mode).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::from(2);
        }
    };
    let shutdown = running.shutdown_handle();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing running jobs");
        let _ = shutdown.send(true);
    });
    running.wait().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
