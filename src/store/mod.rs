//! Storage: what is in flight (deliveries, jobs) and what can be rebuilt (caches keyed by
//! SHA, ids and digests of what we published). One small interface; every SQL dialect detail
//! stays inside its implementation.

mod sqlite;

pub use sqlite::SqliteStore;
pub use sqlite::TaskRecord;

use crate::ids::{InstallationId, RepoName};
use crate::jobs::{Claim, JobCounts, JobRequest, RepoChange};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(String),
    #[error("the database worker has stopped")]
    Closed,
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A received delivery, identified by `X-GitHub-Delivery`.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: String,
    pub event: String,
    pub action: Option<String>,
    pub repo: Option<RepoName>,
    pub received_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New,
    /// The delivery id was already recorded: a redelivery changes nothing.
    Duplicate,
}

/// Something we wrote to GitHub: its id there, and a digest of what we last wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub github_id: u64,
    pub digest: String,
}

pub trait Store: Send + Sync + 'static {
    /// Records a delivery with the repository changes and jobs it asks for, atomically; a
    /// delivery id seen before records nothing.
    fn record_delivery(
        &self,
        delivery: &Delivery,
        changes: &[RepoChange],
        jobs: &[JobRequest],
    ) -> Result<Recorded>;
    /// Queues jobs that no delivery asked for (the periodic sweep).
    fn enqueue(&self, jobs: &[JobRequest], now: i64) -> Result<()>;
    /// Claims every queued job of the first repository that has nothing running and whose
    /// oldest queued job is due, so one repository's jobs never run concurrently.
    fn claim(&self, now: i64) -> Result<Option<Claim>>;
    fn finish(&self, job_ids: &[i64]) -> Result<()>;
    fn retry_at(&self, job_ids: &[i64], run_at: i64, error: &str) -> Result<()>;
    /// Keeps the jobs as failed, for inspection; they no longer run.
    fn fail(&self, job_ids: &[i64], error: &str) -> Result<()>;
    /// Puts jobs that were running when the process stopped back in the queue.
    fn recover_running(&self) -> Result<u64>;
    fn job_counts(&self) -> Result<JobCounts>;
    /// When the next queued job is due, if any.
    fn next_due(&self) -> Result<Option<i64>>;

    fn repos_with_open_work(&self) -> Result<Vec<(RepoName, InstallationId)>>;
    fn set_open_work(&self, repo: &RepoName, open: bool) -> Result<()>;
    fn is_active(&self, repo: &RepoName) -> Result<bool>;

    fn cache_get(&self, kind: &str, key: &str) -> Result<Option<Vec<u8>>>;
    fn cache_put(&self, kind: &str, key: &str, value: &[u8]) -> Result<()>;
    fn cache_delete(&self, kind: &str, key: &str) -> Result<()>;

    fn published(&self, repo: &RepoName, key: &str) -> Result<Option<Published>>;
    fn set_published(&self, repo: &RepoName, key: &str, published: &Published) -> Result<()>;
    fn forget_published(&self, repo: &RepoName, key: &str) -> Result<()>;

    fn prune_deliveries(&self, received_before: i64) -> Result<u64>;
    /// The database answers.
    fn ping(&self) -> Result<()>;
}

pub type SharedStore = Arc<dyn Store>;

/// Runs a store call off the async executor.
pub async fn blocking<T, F>(store: &SharedStore, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|_| StoreError::Closed)?
}

/// Opens the store a `DATABASE_URL` names: `sqlite://PATH`, `sqlite::memory:` or a plain path.
pub fn open(database_url: &str) -> Result<SharedStore> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return Err(StoreError::Database(
            "PostgreSQL is not supported yet; use a SQLite file".into(),
        ));
    }
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .unwrap_or(database_url);
    Ok(Arc::new(SqliteStore::open(path)?))
}
