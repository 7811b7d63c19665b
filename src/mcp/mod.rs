//! `switchyard mcp`: local mode for coding agents, as an MCP server over stdio. Its client
//! starts it inside a lane's worktree; it speaks for that lane. Each tool runs the local
//! command it stands for through the same entry as `switchyard local` (one command layer,
//! two front ends), so a tool's answer is the command's answer and its error the command's
//! one line.

mod answers;
mod command;
mod error;
mod lane;
mod tools;

pub use command::Place;
pub use error::ToolError;
pub use tools::Server;

use crate::text::errors;
use rmcp::ServiceExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct McpArgs {
    /// The lane's worktree, for clients that start servers elsewhere; by default the
    /// directory the server starts in.
    #[arg(long, value_name = "PATH")]
    pub dir: Option<PathBuf>,
    /// The default branch, when it is neither `origin/HEAD`'s nor the one checked out in the
    /// main worktree.
    #[arg(long, value_name = "NAME")]
    pub default_branch: Option<String>,
}

/// Serves the tools over stdin and stdout until the client closes stdin, for the worktree
/// `--dir` names or else `here`. Nothing else may write to stdout: it carries the protocol.
pub fn run(args: McpArgs, here: &Path) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("switchyard: {}", errors::no_runtime(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let server = Server::new(Place {
        dir: args.dir.unwrap_or_else(|| here.to_owned()),
        default_branch: args.default_branch,
    });
    runtime.block_on(async {
        let running = match server.serve(rmcp::transport::stdio()).await {
            Ok(running) => running,
            Err(e) => {
                eprintln!(
                    "switchyard: {}",
                    errors::session_not_started(&e.to_string())
                );
                return ExitCode::FAILURE;
            }
        };
        match running.waiting().await {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("switchyard: {}", errors::session_stopped(&e.to_string()));
                ExitCode::FAILURE
            }
        }
    })
}
