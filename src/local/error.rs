//! Why a local command did nothing: each one line for the user, and exit code 2.

use crate::store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("not a git repository: {0} (run `switchyard local` inside one)")]
    NotARepository(PathBuf),
    #[error("the repository has no commits yet: commit something to the default branch first")]
    NoCommits,
    #[error(
        "HEAD is detached in {0}: check out the default branch there, or pass --default-branch NAME"
    )]
    DetachedHead(PathBuf),
    #[error("the default branch `{0}` does not exist")]
    NoDefaultBranch(String),
    #[error("lane `{lane}` has no branch `{branch}` yet: run `switchyard local init`")]
    MissingLaneBranch { lane: String, branch: String },
    #[error("lane `{lane}` has no worktree {worktree}: run `switchyard local init`")]
    MissingWorktree { lane: String, worktree: String },
    #[error(
        "HEAD is detached in {worktree}: its commits are on no lane branch; run `git switch {branch}` there"
    )]
    DetachedWorktree { worktree: String, branch: String },
    #[error("there is no branch `{0}`")]
    MissingBranch(String),
    #[error("{0} has uncommitted changes: commit or stash them first")]
    DirtyWorktree(PathBuf),
    #[error("cannot run git: {0}")]
    GitMissing(String),
    #[error(
        "git {found_major}.{found_minor} is too old: `git merge-tree --stdin` needs git 2.40 or newer"
    )]
    GitTooOld { found_major: u32, found_minor: u32 },
    #[error("{command}: {message}")]
    Git { command: String, message: String },
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Usage(String),
    #[error("the task book in {path}: {error}")]
    Store { path: PathBuf, error: StoreError },
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}
