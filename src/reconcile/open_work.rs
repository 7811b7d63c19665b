//! Whether a repository has work open, decided in one place after each reconcile: the
//! periodic sweep visits a repository with any, and events that do not concern tasks run the
//! task part only while tasks are in play.

use super::cache::{cached, store_cache};
use super::error::ReconcileError;
use crate::ids::RepoName;
use crate::store::{self, CacheKind, SharedStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenWork {
    /// Coordinated pull requests carry our check runs.
    pub pull_requests: bool,
    /// Issues are in the task rules' hands, or there is a status board.
    pub tasks: bool,
}

impl OpenWork {
    pub fn any(&self) -> bool {
        self.pull_requests || self.tasks
    }
}

/// Whether the last reconcile left tasks in play.
pub async fn tasks_in_play(store: &SharedStore, repo: &RepoName) -> Result<bool, ReconcileError> {
    Ok(cached(store, CacheKind::TasksActive, repo.to_string())
        .await?
        .unwrap_or(false))
}

pub async fn save(
    store: &SharedStore,
    repo: &RepoName,
    open: OpenWork,
) -> Result<(), ReconcileError> {
    store_cache(store, CacheKind::TasksActive, repo.to_string(), &open.tasks).await?;
    let repo = repo.clone();
    store::blocking(store, move |s| s.set_open_work(&repo, open.any())).await?;
    Ok(())
}
