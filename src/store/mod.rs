//! Storage: what is in flight (deliveries, jobs, leases), the task records labels cannot
//! hold, and what can be rebuilt (caches keyed by SHA, ids and digests of what we published).
//! One small interface, two implementations: SQLite for one process, PostgreSQL for several
//! instances sharing one database. Every SQL dialect detail stays inside its implementation.

mod budget;
mod cache_kind;
mod postgres;
mod records;
mod sqlite;

pub use budget::StoreLedger;
pub use cache_kind::CacheKind;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use sqlite::TaskRecord;

use crate::assign::TaskLedger;
use crate::github::Pauses;
use crate::ids::{CommentId, InstallationId, RepoName};
use crate::jobs::{ClaimedJobs, JobCounts, JobRequest, RepoChange};
use crate::redeliver::{DeliveryGuid, HookDeliveryId};
use std::collections::HashSet;
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

/// A turn at walking GitHub's log of deliveries for what it could not deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryTurn {
    /// Where the last walk left off: every event first attempted at or before it was settled.
    pub checkpoint: Option<HookDeliveryId>,
}

/// Most jobs one claim takes. A repository's backlog (GitHub down for an hour) is worked off
/// in claims of this size, so that no claim holds the database long.
pub const MAX_JOBS_PER_CLAIM: i64 = 500;

/// Where the answer to a delivery being recorded goes, once it is on disk or has failed.
pub type RecordReply = Box<dyn FnOnce(Result<Recorded>) + Send + Sync>;

pub trait Store: Send + Sync + 'static {
    /// Starts recording a delivery with the repository changes and jobs it asks for,
    /// atomically; a delivery id seen before records nothing. `reply` gets the answer once it
    /// is committed. It never waits for the disk itself, so the receiver spends no thread on
    /// a delivery in flight; a store that has closed drops `reply` unanswered.
    fn submit_delivery(
        &self,
        delivery: Delivery,
        changes: Vec<RepoChange>,
        jobs: Vec<JobRequest>,
        reply: RecordReply,
    );
    /// Queues jobs that no delivery asked for (the periodic sweep).
    fn enqueue(&self, jobs: &[JobRequest], now: i64) -> Result<()>;
    /// Claims every queued job of the first repository that nobody is working on and whose
    /// oldest queued job is due, with a lease on the repository until `lease_until`, so one
    /// repository's jobs never run concurrently, on this instance or any other. A repository
    /// whose lease ran out while its jobs were running (the instance holding it died) is
    /// taken over: those jobs run again here.
    fn claim(&self, now: i64, lease_until: i64) -> Result<Option<ClaimedJobs>>;
    /// Extends this instance's lease on a repository it claimed; `false` when the lease is
    /// no longer its own (it ran out and another instance took the repository over).
    fn renew(&self, repo: &RepoName, lease_until: i64) -> Result<bool>;
    /// Done: the jobs are removed and the repository's lease released. Jobs another
    /// instance has taken over meanwhile are left to it.
    fn finish(&self, job_ids: &[i64]) -> Result<()>;
    /// Puts the jobs back in the queue until `run_at`, with `attempts` tries on record for
    /// each (the claim's count, or one less when the try did not count: waiting for a rate
    /// limit is not failing), so that jobs that ran together share one count.
    fn retry_at(&self, job_ids: &[i64], run_at: i64, attempts: u32, error: &str) -> Result<()>;
    /// Keeps the jobs as failed, for inspection; they no longer run.
    fn fail(&self, job_ids: &[i64], error: &str) -> Result<()>;
    /// At start-up: puts jobs that were running when this process last stopped back in the
    /// queue, and says how many. With several instances, only jobs no live lease covers
    /// come back; the others belong to the instances working on them.
    fn recover_running(&self, now: i64) -> Result<u64>;
    fn job_counts(&self) -> Result<JobCounts>;
    /// When the dispatcher should next look for work, if anything is queued: when the first
    /// repository it could claim is due (jobs queued behind one backing off wait with it).
    fn next_due(&self, now: i64) -> Result<Option<i64>>;
    /// Whether other processes claim from this queue: then a lease of theirs can run out
    /// with nothing here to say so, and the dispatcher looks again now and then.
    fn shared(&self) -> bool;
    /// Takes the turn at a periodic task named `task` when it is due (`now` has reached the
    /// time the last turn set), setting the next turn to `next_at`. One instance gets each
    /// turn, however many ask at once.
    fn take_turn(&self, task: &str, now: i64, next_at: i64) -> Result<bool>;

    /// An installation's rate-limit budget, in unix milliseconds (see
    /// [`crate::github::Ledger`]): takes its next write slot, `now_ms` or `interval_ms` after
    /// the slot taken before, whichever is later, and says its pauses.
    fn take_write_slot(
        &self,
        installation: InstallationId,
        now_ms: i64,
        interval_ms: i64,
    ) -> Result<(i64, Pauses)>;
    /// Records pauses of an installation's requests; a later one on record stays.
    fn pause_installation(&self, installation: InstallationId, pauses: Pauses) -> Result<()>;
    fn installation_pauses(&self, installation: InstallationId) -> Result<Pauses>;

    /// The installed repositories the sweep reconciles: those with open coordinated work,
    /// and those no reconcile has gone through for since they were installed.
    fn repos_with_open_work(&self) -> Result<Vec<(RepoName, InstallationId)>>;
    fn set_open_work(&self, repo: &RepoName, open: bool) -> Result<()>;
    fn is_active(&self, repo: &RepoName) -> Result<bool>;

    fn cache_get(&self, kind: CacheKind, key: &str) -> Result<Option<Vec<u8>>>;
    /// [`Store::cache_get`] for many keys in one call, in the keys' order: a reconcile reads
    /// every open PR's entries at once rather than one call (and one thread hop) per PR.
    fn cache_get_many(&self, kind: CacheKind, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>>;
    fn cache_put(&self, kind: CacheKind, key: &str, value: &[u8]) -> Result<()>;
    fn cache_delete(&self, kind: CacheKind, key: &str) -> Result<()>;

    /// The repository's task ledger. Durable: losing it would forget a lane's task.
    fn task_ledger(&self, repo: &RepoName) -> Result<TaskLedger>;
    /// Replaces the repository's task ledger and marks the `handled` commands handled, in
    /// one transaction: a command and what it changed are on record together or not at all.
    fn set_task_ledger(
        &self,
        repo: &RepoName,
        ledger: &TaskLedger,
        handled: &[CommentId],
    ) -> Result<()>;
    fn command_handled(&self, repo: &RepoName, comment: CommentId) -> Result<bool>;

    fn published(&self, repo: &RepoName, key: &str) -> Result<Option<Published>>;
    /// [`Store::published`] for many keys in one call, in the keys' order.
    fn published_many(&self, repo: &RepoName, keys: &[String]) -> Result<Vec<Option<Published>>>;
    fn set_published(&self, repo: &RepoName, key: &str, published: &Published) -> Result<()>;
    fn forget_published(&self, repo: &RepoName, key: &str) -> Result<()>;

    fn prune_deliveries(&self, received_before: i64) -> Result<u64>;
    /// Which of `guids` (`X-GitHub-Delivery`) are recorded as received.
    fn recorded_deliveries(&self, guids: &[DeliveryGuid]) -> Result<HashSet<DeliveryGuid>>;

    /// Takes the turn at recovering undelivered webhooks for `holder` until `lease_until`,
    /// and says where the last turn left off; `None` when the turn is not to be had: another
    /// holder's turn lasts past `now`, or, with `last_began_by`, the last turn began after that
    /// time. On SQLite, one instance's, no turn is another's.
    fn begin_recovery(
        &self,
        holder: &str,
        now: i64,
        lease_until: i64,
        last_began_by: Option<i64>,
    ) -> Result<Option<RecoveryTurn>>;
    /// Ends `holder`'s turn, keeping `checkpoint` when given; `false`, keeping nothing, when
    /// the turn was no longer its own (it ran out and another holder took it).
    fn end_recovery(&self, holder: &str, checkpoint: Option<HookDeliveryId>) -> Result<bool>;
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

/// Records a delivery (see [`Store::submit_delivery`]) without holding a thread while it
/// waits for the commit.
pub async fn record(
    store: &SharedStore,
    delivery: Delivery,
    changes: Vec<RepoChange>,
    jobs: Vec<JobRequest>,
) -> Result<Recorded> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let reply = Box::new(move |recorded| {
        let _ = tx.send(recorded);
    });
    store.submit_delivery(delivery, changes, jobs, reply);
    rx.await.map_err(|_| StoreError::Closed)?
}

/// A name no other instance has, for what it holds in a shared database: the process id and
/// random bytes.
pub fn instance_name() -> String {
    let mut bytes = [0u8; 8];
    let random = match getrandom::fill(&mut bytes) {
        Ok(()) => hex::encode(bytes),
        Err(_) => format!(
            "{:x}",
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ),
    };
    format!("{}-{random}", std::process::id())
}

/// Opens the store a `DATABASE_URL` names: `postgres://…` (or `postgresql://…`),
/// `sqlite://PATH`, `sqlite::memory:` or a plain path, and brings its schema up to date.
pub fn open(database_url: &str) -> Result<SharedStore> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        return Ok(Arc::new(PostgresStore::open(database_url)?));
    }
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .unwrap_or(database_url);
    Ok(Arc::new(SqliteStore::open(path)?))
}
