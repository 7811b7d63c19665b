//! Switchyard: coordinates parallel branches on one repository.
//!
//! GitHub ──webhook──▶ receive ──▶ queue (durable) ──▶ reconcile(repo) ──▶ GitHub.
//! The binary is thin; everything here is a library that tests drive directly.

pub mod github;
pub mod jobs;
pub mod local;
pub mod mcp;
pub mod metrics;
pub mod pages;
pub mod plan_cli;
pub mod plan_github;
pub mod queue;
pub mod reconcile;
pub mod recovery;
pub mod server;
pub mod service;
pub mod settings;
pub mod setup;
pub mod store;
pub mod webhook;

pub use switchyard_core::{
    assign, claims, config, footprint, globs, graph, ids, order, overlap, planfile, pulls,
    redeliver, suggest, tasks, text, url,
};

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
            println!("{}", text::config_summary(&config));
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
pub async fn serve(mode: setup::Mode) -> ExitCode {
    // Listen for SIGTERM before anything else, so a signal sent the moment the server says
    // it is listening is never missed.
    let stop = stop_signal();
    let running = match setup::launch(mode).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("switchyard: {e}");
            return ExitCode::from(2);
        }
    };
    let shutdown = running.shutdown_handle();
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutting down: finishing running jobs");
        let _ = shutdown.send(true);
    });
    running.wait().await;
    ExitCode::SUCCESS
}

/// Resolves at SIGTERM or SIGINT; the handlers are installed when this is called.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let interrupt = tokio::signal::ctrl_c();
    async move {
        #[cfg(unix)]
        let terminated = async {
            match term.as_mut() {
                Some(term) => {
                    term.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let terminated = std::future::pending::<()>();
        tokio::select! {
            _ = terminated => {}
            _ = interrupt => {}
        }
    }
}
