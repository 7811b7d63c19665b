//! What stops one reconcile; the queue decides from it whether to try again.

use crate::github::GitHubError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The plan stopped before it gave an answer (a bug: the plan reads no input it cannot
    /// take).
    #[error("the plan did not finish: {0}")]
    Plan(String),
}
