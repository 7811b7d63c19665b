//! The PostgreSQL store, for several instances sharing one database. A pool of connections
//! lives on a small runtime of its own, so the store's calls work from any thread the way
//! the SQLite store's do. A repository being worked on has a row in `leases`: taken with a
//! conditional upsert (the row lock makes two instances' claims of one repository wait for
//! each other), renewed while the work runs, deleted when it ends, and taken over by anyone
//! once it has run out.

/// The `queue_heads` rows for the jobs a statement queues, as a CTE that follows one named
/// `queued` returning their `id, repo, run_at`. A repository new to the queue gets its first
/// job as head; one that has a head keeps it, and its row stays locked until the commit, so
/// that a worker ending the head's jobs meanwhile waits and then sees these jobs.
macro_rules! record_heads {
    () => {
        "heads AS (
        INSERT INTO queue_heads (repo, job_id, run_at)
        SELECT DISTINCT ON (repo) repo, id, run_at FROM queued ORDER BY repo, id
        ON CONFLICT (repo) DO UPDATE SET job_id = excluded.job_id, run_at = excluded.run_at
        WHERE excluded.job_id < queue_heads.job_id
        RETURNING 1
    )"
    };
}

mod budget;
mod deliveries;
mod errors;
mod recovery;
mod schema;

use self::deliveries::{PendingDelivery, job_columns};
use self::errors::{corrupt, pg, pool_error};
use crate::assign::{AssignmentRecord, Completion, MergedPr, TaskLedger, WasBlocked};
use crate::github::Pauses;
use crate::ids::{CommentId, InstallationId, IssueNumber, PrNumber, RepoName};
use crate::jobs::{JobRequest, RepoChange, Trigger};
use crate::redeliver::{DeliveryGuid, HookDeliveryId};
use crate::store::records::{TASK_TABLES, list_text, parse_list, parse_time, time_text};
use crate::store::{
    CacheKind, ClaimedJobs, Delivery, JobCounts, MAX_JOBS_PER_CLAIM, Published, RecordReply,
    RecoveryTurn, Result, Store, StoreError,
};
use deadpool_postgres::{
    GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Transaction,
};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Duration;
use tokio_postgres::NoTls;
use tokio_postgres::types::ToSql;

/// Connections one instance keeps open.
const POOL_SIZE: usize = 32;
/// Repositories one claim looks at before it gives up for now: others may be taking them.
const CLAIM_CANDIDATES: i64 = 8;

/// Repositories with work for this instance, the one due longest first: the oldest
/// unfinished job is due (a running one was, when it was claimed) and no live lease covers
/// the repository, so running jobs come back only once their lease ran out. One row per
/// repository however many jobs are queued, read in the order of an index, so that nothing
/// due costs one index probe.
const CANDIDATES: &str = "SELECT h.repo FROM queue_heads h
    WHERE h.run_at <= $1
      AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.repo = h.repo AND l.expires_at > $1)
    ORDER BY h.run_at, h.job_id
    LIMIT $2";

/// Sets a repository's row in `queue_heads` from its jobs: its oldest queued or running job,
/// or no row when it has none. Run with the row locked (see [`lock_head`]), so that jobs
/// queued meanwhile either are seen here or wait to record themselves after this.
const REFRESH_HEAD: &str = "WITH head AS (
        SELECT id, run_at FROM jobs
        WHERE id = LEAST((SELECT MIN(id) FROM jobs WHERE state = 'queued' AND repo = $1),
                         (SELECT MIN(id) FROM jobs WHERE state = 'running' AND repo = $1))
    ), gone AS (
        DELETE FROM queue_heads WHERE repo = $1 AND NOT EXISTS (SELECT 1 FROM head)
    )
    INSERT INTO queue_heads (repo, job_id, run_at) SELECT $1, id, run_at FROM head
    ON CONFLICT (repo) DO UPDATE SET job_id = excluded.job_id, run_at = excluded.run_at";

/// Takes the lease if nobody holds it or it ran out; no row when another instance holds it.
const TAKE_LEASE: &str = "INSERT INTO leases (repo, holder, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (repo) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
    WHERE leases.expires_at <= $4
    RETURNING 1";

pub struct PostgresStore {
    pool: Pool,
    /// Deliveries on their way to the next group commit.
    deliveries: tokio::sync::mpsc::UnboundedSender<PendingDelivery>,
    /// Where the pool's connections run; `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
    /// This instance's name in `leases` and in the jobs it runs.
    holder: String,
}

impl PostgresStore {
    /// Connects to the database `url` names (`options=-c search_path=…` picks a schema) and
    /// runs the migrations the database lacks.
    pub fn open(url: &str) -> Result<Self> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Database(format!("not a PostgreSQL URL: {e}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("switchyard-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Database(format!("cannot start the database runtime: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| StoreError::Database(format!("PostgreSQL connection pool: {e}")))?;
        let deliveries = deliveries::start_group_commits(&runtime, &pool);
        let store = Self {
            pool,
            deliveries,
            runtime: Some(runtime),
            holder: crate::store::instance_name(),
        };
        store.run(|pool| async move { schema::migrate(&pool).await })?;
        Ok(store)
    }

    /// Runs `work` on the store's runtime and waits for its answer.
    fn run<T, F, Fut>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(Pool) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        let runtime = self.runtime.as_ref().ok_or(StoreError::Closed)?;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let work = work(self.pool.clone());
        runtime.spawn(async move {
            let _ = tx.send(work.await);
        });
        rx.recv().map_err(|_| StoreError::Closed)?
    }

    /// `run` with a connection from the pool.
    fn with_client<T, F, Fut>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(deadpool_postgres::Object) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        self.run(|pool| async move {
            let client = pool.get().await.map_err(pool_error)?;
            work(client).await
        })
    }

    /// Runs one statement on a pooled connection, prepared once per connection. The
    /// parameters are owned, so they can go to the store's runtime with it; the answer is the
    /// number of rows it touched.
    fn execute(&self, sql: &'static str, params: Vec<Box<dyn ToSql + Send + Sync>>) -> Result<u64> {
        self.with_client(move |client| async move {
            let statement = client.prepare_cached(sql).await.map_err(pg)?;
            let params: Vec<&(dyn ToSql + Sync)> = params
                .iter()
                .map(|param| param.as_ref() as &(dyn ToSql + Sync))
                .collect();
            client.execute(&statement, &params).await.map_err(pg)
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // The store may be dropped on an async thread, where waiting for the runtime to stop
        // is not allowed; its connections close as their tasks end.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Takes the lease on `repo` and the repository's jobs with it, in one transaction; `None`
/// when another instance holds the lease or there is nothing left to run.
async fn claim_repo(
    client: &mut deadpool_postgres::Object,
    repo: &str,
    holder: &str,
    now: i64,
    lease_until: i64,
) -> Result<Option<ClaimedJobs>> {
    let tx = client.transaction().await.map_err(pg)?;
    let taken = tx
        .query_opt(TAKE_LEASE, &[&repo, &holder, &lease_until, &now])
        .await
        .map_err(pg)?;
    if taken.is_none() {
        return Ok(None);
    }
    let requeued = tx
        .execute(
            "UPDATE jobs SET state = 'queued', holder = NULL
             WHERE repo = $1 AND state = 'running'",
            &[&repo],
        )
        .await
        .map_err(pg)?;
    // The ids as an array, looked up one by one: as `IN (subquery)` the planner joins it
    // with a scan of every job.
    let rows = tx
        .query(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, holder = $2
             WHERE id = ANY(ARRAY(SELECT id FROM jobs WHERE repo = $1 AND state = 'queued'
                                  ORDER BY id LIMIT $3))
             RETURNING id, installation, trigger, attempts",
            &[&repo, &holder, &MAX_JOBS_PER_CLAIM],
        )
        .await
        .map_err(pg)?;
    if rows.is_empty() {
        // Another instance ran the jobs meanwhile; the head it left may be stale if it
        // could not record it, so it is set again here.
        tx.execute(
            "DELETE FROM leases WHERE repo = $1 AND holder = $2",
            &[&repo, &holder],
        )
        .await
        .map_err(pg)?;
        lock_head(&tx, repo).await?;
        tx.execute(REFRESH_HEAD, &[&repo]).await.map_err(pg)?;
        tx.commit().await.map_err(pg)?;
        return Ok(None);
    }
    tx.commit().await.map_err(pg)?;
    let mut jobs: Vec<(i64, i64, String, i32)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    jobs.sort_by_key(|job| job.0);
    let triggers = jobs
        .iter()
        .map(|job| serde_json::from_str::<Trigger>(&job.2).map_err(corrupt))
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(ClaimedJobs {
        repo: repo.parse().map_err(StoreError::Corrupt)?,
        installation: InstallationId(jobs.last().map(|job| job.1).unwrap_or_default() as u64),
        job_ids: jobs.iter().map(|job| job.0).collect(),
        triggers,
        attempts: jobs.iter().map(|job| job.3 as u32).max().unwrap_or(1),
        taken_over: requeued > 0,
    }))
}

/// Locks a repository's row in `queue_heads` until the transaction ends. Locks are taken
/// in one order, lease then head then jobs, so that claims, outcomes and deliveries never
/// wait for each other in a circle.
async fn lock_head(tx: &Transaction<'_>, repo: &str) -> Result<()> {
    tx.execute(
        "SELECT 1 FROM queue_heads WHERE repo = $1 FOR UPDATE",
        &[&repo],
    )
    .await
    .map(drop)
    .map_err(pg)
}

/// Ends this instance's work on `job_ids` with `update` (which sets their new state, `$1`
/// being this instance and `$2` the ids), releases the lease it held for them, and sets
/// their repository's head again, in one transaction. Jobs another instance has taken over
/// meanwhile are left to it, with its lease.
async fn end_jobs(
    client: &mut deadpool_postgres::Object,
    update: &'static str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<()> {
    let tx = client.transaction().await.map_err(pg)?;
    let repo: Option<String> = tx
        .query_opt(
            "SELECT repo FROM jobs WHERE id = ANY($2) AND holder = $1 LIMIT 1",
            &params[..2],
        )
        .await
        .map_err(pg)?
        .map(|row| row.get(0));
    let Some(repo) = repo else {
        return tx.commit().await.map_err(pg);
    };
    let lease = tx
        .query_opt(
            "SELECT 1 FROM leases WHERE repo = $1 AND holder = $2 FOR UPDATE",
            &[&repo, params[0]],
        )
        .await
        .map_err(pg)?;
    lock_head(&tx, &repo).await?;
    let ended = tx.execute(update, params).await.map_err(pg)?;
    if ended > 0 && lease.is_some() {
        tx.execute(
            "DELETE FROM leases WHERE repo = $1 AND holder = $2",
            &[&repo, params[0]],
        )
        .await
        .map_err(pg)?;
    }
    tx.execute(REFRESH_HEAD, &[&repo]).await.map_err(pg)?;
    tx.commit().await.map_err(pg)
}

impl Store for PostgresStore {
    fn submit_delivery(
        &self,
        delivery: Delivery,
        changes: Vec<RepoChange>,
        jobs: Vec<JobRequest>,
        reply: RecordReply,
    ) {
        match PendingDelivery::new(delivery, changes, &jobs, reply) {
            // Should the committers be gone, the reply is dropped with the delivery.
            Ok(pending) => drop(self.deliveries.send(pending)),
            Err((e, reply)) => reply(Err(e)),
        }
    }

    fn enqueue(&self, jobs: &[JobRequest], now: i64) -> Result<()> {
        let (repos, installations, triggers) = job_columns(jobs)?;
        self.execute(
            concat!(
                "WITH queued AS (
                    INSERT INTO jobs (repo, installation, trigger, run_at)
                    SELECT job.repo, job.installation, job.trigger, $4
                    FROM unnest($1::text[], $2::bigint[], $3::text[]) WITH ORDINALITY
                        AS job(repo, installation, trigger, n)
                    ORDER BY job.n
                    RETURNING id, repo, run_at
                ), ",
                record_heads!(),
                " SELECT count(*) FROM queued"
            ),
            vec![
                Box::new(repos),
                Box::new(installations),
                Box::new(triggers),
                Box::new(now),
            ],
        )
        .map(drop)
    }

    fn claim(&self, now: i64, lease_until: i64) -> Result<Option<ClaimedJobs>> {
        let holder = self.holder.clone();
        self.with_client(move |mut client| async move {
            let candidates: Vec<String> = client
                .query(CANDIDATES, &[&now, &CLAIM_CANDIDATES])
                .await
                .map_err(pg)?
                .iter()
                .map(|row| row.get(0))
                .collect();
            for repo in candidates {
                if let Some(claim) =
                    claim_repo(&mut client, &repo, &holder, now, lease_until).await?
                {
                    return Ok(Some(claim));
                }
            }
            Ok(None)
        })
    }

    fn renew(&self, repo: &RepoName, lease_until: i64) -> Result<bool> {
        let (repo, holder) = (repo.to_string(), self.holder.clone());
        self.with_client(move |client| async move {
            client
                .execute(
                    "UPDATE leases SET expires_at = $3 WHERE repo = $1 AND holder = $2",
                    &[&repo, &holder, &lease_until],
                )
                .await
                .map(|n| n == 1)
                .map_err(pg)
        })
    }

    fn finish(&self, job_ids: &[i64]) -> Result<()> {
        let (ids, holder) = (job_ids.to_vec(), self.holder.clone());
        self.with_client(move |mut client| async move {
            let update = "DELETE FROM jobs WHERE id = ANY($2) AND holder = $1";
            end_jobs(&mut client, update, &[&holder, &ids]).await
        })
    }

    fn retry_at(&self, job_ids: &[i64], run_at: i64, attempts: u32, error: &str) -> Result<()> {
        let (ids, holder, error) = (job_ids.to_vec(), self.holder.clone(), error.to_owned());
        let attempts = attempts as i32;
        self.with_client(move |mut client| async move {
            let update = "UPDATE jobs SET state = 'queued', run_at = $3, attempts = $4,
                          last_error = $5, holder = NULL
                          WHERE id = ANY($2) AND holder = $1";
            let params: [&(dyn ToSql + Sync); 5] = [&holder, &ids, &run_at, &attempts, &error];
            end_jobs(&mut client, update, &params).await
        })
    }

    fn fail(&self, job_ids: &[i64], error: &str) -> Result<()> {
        let (ids, holder, error) = (job_ids.to_vec(), self.holder.clone(), error.to_owned());
        self.with_client(move |mut client| async move {
            let update = "UPDATE jobs SET state = 'failed', last_error = $3, holder = NULL
                          WHERE id = ANY($2) AND holder = $1";
            end_jobs(&mut client, update, &[&holder, &ids, &error]).await
        })
    }

    fn recover_running(&self, now: i64) -> Result<u64> {
        let holder = self.holder.clone();
        self.with_client(move |mut client| async move {
            let repos: Vec<String> = client
                .query(
                    "SELECT DISTINCT j.repo FROM jobs j
                     WHERE j.state = 'running'
                       AND NOT EXISTS (SELECT 1 FROM leases l
                                       WHERE l.repo = j.repo AND l.expires_at > $1)",
                    &[&now],
                )
                .await
                .map_err(pg)?
                .iter()
                .map(|row| row.get(0))
                .collect();
            let mut recovered = 0;
            // Through the lease, so that an instance claiming the repository meanwhile and
            // this one never both move its jobs.
            for repo in repos {
                let tx = client.transaction().await.map_err(pg)?;
                if tx
                    .query_opt(TAKE_LEASE, &[&repo, &holder, &now, &now])
                    .await
                    .map_err(pg)?
                    .is_none()
                {
                    continue;
                }
                recovered += tx
                    .execute(
                        "UPDATE jobs SET state = 'queued', holder = NULL
                         WHERE repo = $1 AND state = 'running'",
                        &[&repo],
                    )
                    .await
                    .map_err(pg)?;
                tx.execute(
                    "DELETE FROM leases WHERE repo = $1 AND holder = $2",
                    &[&repo, &holder],
                )
                .await
                .map_err(pg)?;
                tx.commit().await.map_err(pg)?;
            }
            Ok(recovered)
        })
    }

    fn job_counts(&self) -> Result<JobCounts> {
        self.with_client(|client| async move {
            let mut counts = JobCounts::default();
            for row in client
                .query("SELECT state, COUNT(*) FROM jobs GROUP BY state", &[])
                .await
                .map_err(pg)?
            {
                let n = row.get::<_, i64>(1) as u64;
                match row.get::<_, &str>(0) {
                    "queued" => counts.queued = n,
                    "running" => counts.running = n,
                    "failed" => counts.failed = n,
                    _ => {}
                }
            }
            Ok(counts)
        })
    }

    // Another instance's lease holds a repository's queued jobs back until it releases the
    // lease, which this instance hears of only by looking again: once a second. A lease
    // is due for takeover when it ends; running jobs no live lease covers, at once.
    fn next_due(&self, now: i64) -> Result<Option<i64>> {
        self.with_client(move |client| async move {
            client
                .query_one(
                    "SELECT LEAST(
                         (SELECT h.run_at FROM queue_heads h
                          WHERE NOT EXISTS (SELECT 1 FROM leases l
                                            WHERE l.repo = h.repo AND l.expires_at > $1)
                          ORDER BY h.run_at LIMIT 1),
                         (SELECT $1 + 1 WHERE EXISTS (
                              SELECT 1 FROM leases l
                              WHERE l.expires_at > $1
                                AND EXISTS (SELECT 1 FROM jobs j
                                            WHERE j.state = 'queued' AND j.repo = l.repo))),
                         (SELECT MIN(expires_at) FROM leases))",
                    &[&now],
                )
                .await
                .map(|row| row.get(0))
                .map_err(pg)
        })
    }

    fn shared(&self) -> bool {
        true
    }

    fn take_write_slot(
        &self,
        installation: InstallationId,
        now_ms: i64,
        interval_ms: i64,
    ) -> Result<(i64, Pauses)> {
        self.with_client(move |client| async move {
            budget::take_write_slot(&client, installation, now_ms, interval_ms).await
        })
    }

    fn pause_installation(&self, installation: InstallationId, pauses: Pauses) -> Result<()> {
        self.with_client(
            move |client| async move { budget::pause(&client, installation, pauses).await },
        )
    }

    fn installation_pauses(&self, installation: InstallationId) -> Result<Pauses> {
        self.with_client(move |client| async move { budget::read(&client, installation).await })
    }

    fn take_turn(&self, task: &str, now: i64, next_at: i64) -> Result<bool> {
        let task = task.to_owned();
        self.with_client(move |client| async move {
            client
                .query_opt(
                    "INSERT INTO turns (task, next_at) VALUES ($1, $3)
                     ON CONFLICT (task) DO UPDATE SET next_at = excluded.next_at
                     WHERE turns.next_at <= $2
                     RETURNING 1",
                    &[&task, &now, &next_at],
                )
                .await
                .map(|taken| taken.is_some())
                .map_err(pg)
        })
    }

    fn repos_with_open_work(&self) -> Result<Vec<(RepoName, InstallationId)>> {
        self.with_client(|client| async move {
            client
                .query(
                    "SELECT repo, installation FROM repos WHERE active AND open_work
                     ORDER BY repo",
                    &[],
                )
                .await
                .map_err(pg)?
                .iter()
                .map(|row| {
                    Ok((
                        row.get::<_, &str>(0).parse().map_err(StoreError::Corrupt)?,
                        InstallationId(row.get::<_, i64>(1) as u64),
                    ))
                })
                .collect()
        })
    }

    fn set_open_work(&self, repo: &RepoName, open: bool) -> Result<()> {
        let repo = repo.to_string();
        self.execute(
            "UPDATE repos SET open_work = $2 WHERE repo = $1",
            vec![Box::new(repo), Box::new(open)],
        )
        .map(drop)
    }

    fn is_active(&self, repo: &RepoName) -> Result<bool> {
        let repo = repo.to_string();
        self.with_client(move |client| async move {
            client
                .query_one(
                    "SELECT EXISTS(SELECT 1 FROM repos WHERE repo = $1 AND active)",
                    &[&repo],
                )
                .await
                .map(|row| row.get(0))
                .map_err(pg)
        })
    }

    fn cache_get(&self, kind: CacheKind, key: &str) -> Result<Option<Vec<u8>>> {
        let (kind, key) = (kind.as_str(), key.to_owned());
        self.with_client(move |client| async move {
            let statement = client
                .prepare_cached("SELECT value FROM cache WHERE kind = $1 AND key = $2")
                .await
                .map_err(pg)?;
            client
                .query_opt(&statement, &[&kind, &key])
                .await
                .map(|row| row.map(|row| row.get(0)))
                .map_err(pg)
        })
    }

    fn cache_get_many(&self, kind: CacheKind, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
        let (kind, keys) = (kind.as_str(), keys.to_vec());
        self.with_client(move |client| async move {
            let statement = client
                .prepare_cached("SELECT key, value FROM cache WHERE kind = $1 AND key = ANY($2)")
                .await
                .map_err(pg)?;
            let found: HashMap<String, Vec<u8>> = client
                .query(&statement, &[&kind, &keys])
                .await
                .map_err(pg)?
                .into_iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect();
            Ok(keys.iter().map(|key| found.get(key).cloned()).collect())
        })
    }

    fn cache_put(&self, kind: CacheKind, key: &str, value: &[u8]) -> Result<()> {
        let (kind, key, value) = (kind.as_str(), key.to_owned(), value.to_vec());
        self.execute(
            "INSERT INTO cache (kind, key, value) VALUES ($1, $2, $3)
                     ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
            vec![Box::new(kind), Box::new(key), Box::new(value)],
        )
        .map(drop)
    }

    fn cache_delete(&self, kind: CacheKind, key: &str) -> Result<()> {
        let (kind, key) = (kind.as_str(), key.to_owned());
        self.execute(
            "DELETE FROM cache WHERE kind = $1 AND key = $2",
            vec![Box::new(kind), Box::new(key)],
        )
        .map(drop)
    }

    fn task_ledger(&self, repo: &RepoName) -> Result<TaskLedger> {
        let repo = repo.to_string();
        self.with_client(move |client| async move { read_task_ledger(&client, &repo).await })
    }

    fn set_task_ledger(
        &self,
        repo: &RepoName,
        records: &TaskLedger,
        handled: &[CommentId],
    ) -> Result<()> {
        let (repo, records) = (repo.to_string(), records.clone());
        let handled: Vec<i64> = handled.iter().map(|comment| comment.0 as i64).collect();
        self.with_client(move |mut client| async move {
            let tx = client.transaction().await.map_err(pg)?;
            write_task_ledger(&tx, &repo, &records).await?;
            tx.execute(
                "INSERT INTO handled_commands (repo, comment)
                 SELECT $1, comment FROM unnest($2::bigint[]) AS handled(comment)
                 ON CONFLICT DO NOTHING",
                &[&repo, &handled],
            )
            .await
            .map_err(pg)?;
            tx.commit().await.map_err(pg)
        })
    }

    fn command_handled(&self, repo: &RepoName, comment: CommentId) -> Result<bool> {
        let repo = repo.to_string();
        self.with_client(move |client| async move {
            client
                .query_one(
                    "SELECT EXISTS(SELECT 1 FROM handled_commands
                                   WHERE repo = $1 AND comment = $2)",
                    &[&repo, &(comment.0 as i64)],
                )
                .await
                .map(|row| row.get(0))
                .map_err(pg)
        })
    }

    fn published_many(&self, repo: &RepoName, keys: &[String]) -> Result<Vec<Option<Published>>> {
        let (repo, keys) = (repo.to_string(), keys.to_vec());
        self.with_client(move |client| async move {
            let statement = client
                .prepare_cached(
                    "SELECT key, github_id, digest FROM published WHERE repo = $1 AND key = ANY($2)",
                )
                .await
                .map_err(pg)?;
            let found: HashMap<String, Published> = client
                .query(&statement, &[&repo, &keys])
                .await
                .map_err(pg)?
                .into_iter()
                .map(|row| {
                    let published = Published {
                        github_id: row.get::<_, i64>(1) as u64,
                        digest: row.get(2),
                    };
                    (row.get(0), published)
                })
                .collect();
            Ok(keys.iter().map(|key| found.get(key).cloned()).collect())
        })
    }

    fn published(&self, repo: &RepoName, key: &str) -> Result<Option<Published>> {
        let (repo, key) = (repo.to_string(), key.to_owned());
        self.with_client(move |client| async move {
            let statement = client
                .prepare_cached(
                    "SELECT github_id, digest FROM published WHERE repo = $1 AND key = $2",
                )
                .await
                .map_err(pg)?;
            client
                .query_opt(&statement, &[&repo, &key])
                .await
                .map(|row| {
                    row.map(|row| Published {
                        github_id: row.get::<_, i64>(0) as u64,
                        digest: row.get(1),
                    })
                })
                .map_err(pg)
        })
    }

    fn set_published(&self, repo: &RepoName, key: &str, published: &Published) -> Result<()> {
        let (repo, key, published) = (repo.to_string(), key.to_owned(), published.clone());
        self.execute(
            "INSERT INTO published (repo, key, github_id, digest) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (repo, key) DO UPDATE SET github_id = excluded.github_id,
                     digest = excluded.digest",
            vec![
                Box::new(repo),
                Box::new(key),
                Box::new(published.github_id as i64),
                Box::new(published.digest),
            ],
        )
        .map(drop)
    }

    fn forget_published(&self, repo: &RepoName, key: &str) -> Result<()> {
        let (repo, key) = (repo.to_string(), key.to_owned());
        self.execute(
            "DELETE FROM published WHERE repo = $1 AND key = $2",
            vec![Box::new(repo), Box::new(key)],
        )
        .map(drop)
    }

    fn prune_deliveries(&self, received_before: i64) -> Result<u64> {
        self.with_client(move |client| async move {
            client
                .execute(
                    "DELETE FROM deliveries WHERE received_at < $1",
                    &[&received_before],
                )
                .await
                .map_err(pg)
        })
    }

    fn recorded_deliveries(&self, guids: &[DeliveryGuid]) -> Result<HashSet<DeliveryGuid>> {
        let guids: Vec<String> = guids.iter().map(|guid| guid.0.clone()).collect();
        self.with_client(move |client| async move { recovery::recorded(&client, guids).await })
    }

    fn begin_recovery(
        &self,
        holder: &str,
        now: i64,
        lease_until: i64,
        last_began_by: Option<i64>,
    ) -> Result<Option<RecoveryTurn>> {
        let holder = holder.to_owned();
        self.with_client(move |client| async move {
            recovery::begin(&client, &holder, now, lease_until, last_began_by).await
        })
    }

    fn end_recovery(&self, holder: &str, checkpoint: Option<HookDeliveryId>) -> Result<bool> {
        let holder = holder.to_owned();
        self.with_client(
            move |client| async move { recovery::end(&client, &holder, checkpoint).await },
        )
    }

    fn ping(&self) -> Result<()> {
        self.with_client(|client| async move {
            client.simple_query("SELECT 1").await.map(drop).map_err(pg)
        })
    }
}

async fn read_task_ledger(client: &impl GenericClient, repo: &str) -> Result<TaskLedger> {
    let mut records = TaskLedger::default();
    for row in client
        .query(
            "SELECT issue, lane, assigned_at FROM task_assignments WHERE repo = $1
             ORDER BY position",
            &[&repo],
        )
        .await
        .map_err(pg)?
    {
        records.assignments.push(AssignmentRecord {
            issue: IssueNumber(row.get::<_, i64>(0) as u64),
            lane: row.get(1),
            assigned_at: parse_time(row.get(2))?,
        });
    }
    for row in client
        .query(
            "SELECT issue, lane, pr, files_changed, assigned_at, merged_at FROM task_completions
             WHERE repo = $1 ORDER BY position",
            &[&repo],
        )
        .await
        .map_err(pg)?
    {
        records.completions.push(Completion {
            issue: IssueNumber(row.get::<_, i64>(0) as u64),
            lane: row.get(1),
            pr: PrNumber(row.get::<_, i64>(2) as u64),
            files_changed: parse_list(row.get(3))?,
            assigned_at: parse_time(row.get(4))?,
            merged_at: parse_time(row.get(5))?,
        });
    }
    for row in client
        .query(
            "SELECT number, merged_at, files, closes FROM task_merged_prs WHERE repo = $1
             ORDER BY position",
            &[&repo],
        )
        .await
        .map_err(pg)?
    {
        records.merged.push(MergedPr {
            number: PrNumber(row.get::<_, i64>(0) as u64),
            merged_at: parse_time(row.get(1))?,
            files: parse_list(row.get(2))?,
            closes: parse_list(row.get(3))?,
        });
    }
    for row in client
        .query(
            "SELECT issue, blockers FROM task_was_blocked WHERE repo = $1 ORDER BY position",
            &[&repo],
        )
        .await
        .map_err(pg)?
    {
        records.was_blocked.push(WasBlocked {
            issue: IssueNumber(row.get::<_, i64>(0) as u64),
            by: parse_list(row.get(1))?,
        });
    }
    Ok(records)
}

async fn write_task_ledger(
    client: &impl GenericClient,
    repo: &str,
    records: &TaskLedger,
) -> Result<()> {
    for table in TASK_TABLES {
        client
            .execute(&format!("DELETE FROM {table} WHERE repo = $1"), &[&repo])
            .await
            .map_err(pg)?;
    }
    for (position, record) in records.assignments.iter().enumerate() {
        client
            .execute(
                "INSERT INTO task_assignments (repo, position, issue, lane, assigned_at)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &repo,
                    &(position as i32),
                    &(record.issue.0 as i64),
                    &record.lane,
                    &time_text(&record.assigned_at),
                ],
            )
            .await
            .map_err(pg)?;
    }
    for (position, done) in records.completions.iter().enumerate() {
        client
            .execute(
                "INSERT INTO task_completions
                 (repo, position, issue, lane, pr, files_changed, assigned_at, merged_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &repo,
                    &(position as i32),
                    &(done.issue.0 as i64),
                    &done.lane,
                    &(done.pr.0 as i64),
                    &list_text(&done.files_changed)?,
                    &time_text(&done.assigned_at),
                    &time_text(&done.merged_at),
                ],
            )
            .await
            .map_err(pg)?;
    }
    for (position, pr) in records.merged.iter().enumerate() {
        client
            .execute(
                "INSERT INTO task_merged_prs (repo, position, number, merged_at, files, closes)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &repo,
                    &(position as i32),
                    &(pr.number.0 as i64),
                    &time_text(&pr.merged_at),
                    &list_text(&pr.files)?,
                    &list_text(&pr.closes)?,
                ],
            )
            .await
            .map_err(pg)?;
    }
    for (position, told) in records.was_blocked.iter().enumerate() {
        client
            .execute(
                "INSERT INTO task_was_blocked (repo, position, issue, blockers)
                 VALUES ($1, $2, $3, $4)",
                &[
                    &repo,
                    &(position as i32),
                    &(told.issue.0 as i64),
                    &list_text(&told.by)?,
                ],
            )
            .await
            .map_err(pg)?;
    }
    Ok(())
}
