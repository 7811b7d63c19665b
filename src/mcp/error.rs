//! Why a tool did nothing: one line, sent back as the tool's error result (`isError`), never
//! as a failure of the protocol, so the agent reads it and the session goes on.

use crate::local::error::LocalError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The local command refused: the same line `switchyard local` prints.
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error(
        "{} is not a lane's worktree ({}): start the server in one (`switchyard local init` makes them), or pass `lane`",
        worktree.display(),
        branch.as_deref().map_or_else(|| "its HEAD is detached".to_owned(), |b| format!("it is on `{b}`"))
    )]
    NoLane {
        worktree: PathBuf,
        branch: Option<String>,
    },
    /// The command line the tool built was refused: the local command is missing from this
    /// build, or an argument is not one it takes.
    #[error("switchyard local {command}: {message}")]
    Refused { command: String, message: String },
    #[error("switchyard local {command} printed no JSON: {error}")]
    NotJson {
        command: String,
        error: serde_json::Error,
    },
    #[error("{0}")]
    Arguments(String),
    /// The blocking task running the command died, which only a bug does.
    #[error("the command stopped unexpectedly: {0}")]
    Stopped(String),
}
