//! What the store keeps for the task rules between reconciles: the open issues as the events
//! left them, the task ledger (what labels cannot hold), the commands already handled, and
//! the text of what the App last wrote.

use crate::assign::TaskLedger;
use crate::github::models::GhIssue;
use crate::ids::{CommentId, IssueNumber, RepoName};
use crate::reconcile::cache::{cached, store_cache};
use crate::store::{self, CacheKind, SharedStore, StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

pub type OpenIssues = BTreeMap<IssueNumber, GhIssue>;

pub fn repo_key(repo: &RepoName, id: impl std::fmt::Display) -> String {
    format!("{repo}:{id}")
}

pub async fn load<T: DeserializeOwned + Default + Send + 'static>(
    store: &SharedStore,
    kind: CacheKind,
    repo: &RepoName,
) -> Result<T, StoreError> {
    Ok(cached(store, kind, repo.to_string())
        .await?
        .unwrap_or_default())
}

pub async fn save<T: Serialize>(
    store: &SharedStore,
    kind: CacheKind,
    repo: &RepoName,
    value: &T,
) -> Result<(), StoreError> {
    store_cache(store, kind, repo.to_string(), value).await
}

/// The repository's task ledger.
pub async fn load_ledger(store: &SharedStore, repo: &RepoName) -> Result<TaskLedger, StoreError> {
    let repo = repo.clone();
    store::blocking(store, move |s| s.task_ledger(&repo)).await
}

/// Saves the ledger, and marks the `handled` commands handled with it.
pub async fn save_ledger(
    store: &SharedStore,
    repo: &RepoName,
    ledger: &TaskLedger,
    handled: Vec<CommentId>,
) -> Result<(), StoreError> {
    let (repo, ledger) = (repo.clone(), ledger.clone());
    store::blocking(store, move |s| s.set_task_ledger(&repo, &ledger, &handled)).await
}
