//! The SQLite store. One connection on its own thread; every call is an operation sent to
//! it, and the operations waiting at a time share one transaction (group commit), so many
//! concurrent deliveries cost one fsync between them while each is still on disk before it
//! is answered.

use super::records::{TASK_TABLES, list_text, parse_list, parse_time, time_text};
use super::{
    CacheKind, ClaimedJobs, Delivery, JobCounts, MAX_JOBS_PER_CLAIM, Published, RecordReply,
    Recorded, RecoveryTurn, Result, Store, StoreError,
};
use crate::assign::{AssignmentRecord, Completion, MergedPr, TaskLedger, WasBlocked};
use crate::github::Pauses;
use crate::ids::{CommentId, InstallationId, IssueNumber, PrNumber, RepoName};
use crate::jobs::JobRequest;
use crate::jobs::RepoChange;
use crate::redeliver::{DeliveryGuid, HookDeliveryId};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;
use std::sync::mpsc;

mod budget;
mod local_claims;
mod local_tasks;
mod recovery;
mod schema;

pub use local_tasks::TaskRecord;

/// Each repository with queued jobs and the oldest of them, as CTEs `heads(repo, first)`.
/// The queued repositories are walked one index seek each rather than the queued jobs one by
/// one, so a long queue (GitHub down for an hour) costs no more than a short one.
macro_rules! queued_heads {
    () => {
        "WITH RECURSIVE queued(repo) AS (
        SELECT MIN(repo) FROM jobs WHERE state = 'queued'
        UNION ALL
        SELECT (SELECT MIN(repo) FROM jobs WHERE state = 'queued' AND repo > queued.repo)
        FROM queued WHERE queued.repo IS NOT NULL
    ), heads(repo, first) AS (
        SELECT repo, (SELECT MIN(id) FROM jobs WHERE state = 'queued' AND repo = queued.repo)
        FROM queued WHERE repo IS NOT NULL
    )"
    };
}

/// The repository whose oldest queued job came first, is due, and has no job running.
const CANDIDATE: &str = concat!(
    queued_heads!(),
    "
    SELECT heads.repo FROM heads JOIN jobs head ON head.id = heads.first
    WHERE head.run_at <= ?1
      AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.repo = heads.repo)
    ORDER BY heads.first LIMIT 1"
);

/// When the next repository can be claimed: only each repository's oldest queued job
/// counts, the jobs behind it waiting for it (one backing off holds its repository back),
/// and a repository with a job running waits for that job's outcome, which wakes the
/// dispatcher by itself.
const NEXT_DUE: &str = concat!(
    queued_heads!(),
    "
    SELECT MIN(head.run_at) FROM heads JOIN jobs head ON head.id = heads.first
    WHERE NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.repo = heads.repo)"
);

/// Most operations one transaction takes before it commits.
const GROUP_COMMIT_LIMIT: usize = 512;

type Reply = Box<dyn FnOnce(Result<()>) + Send>;
type Op = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

pub struct SqliteStore {
    ops: mpsc::Sender<Op>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// More than the store has distinct statements.
const STATEMENTS_CACHED: usize = 128;

impl SqliteStore {
    /// Opens (creating if absent) the database file and runs the migrations. `:memory:` gives
    /// a private in-memory database.
    pub fn open(path: &str) -> Result<Self> {
        let conn = Connection::open(path).map_err(db)?;
        // The wait first: turning on WAL takes a lock that another process opening the same
        // file (local mode's commands, run at once) may hold for a moment.
        conn.execute_batch(
            "PRAGMA busy_timeout = 5000;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(db)?;
        // Room for every statement the store prepares: with rusqlite's default of 16, the
        // ones a reconcile uses evict each other and are parsed again on every call.
        conn.set_prepared_statement_cache_capacity(STATEMENTS_CACHED);
        schema::migrate(&conn)?;
        let (tx, rx) = mpsc::channel::<Op>();
        std::thread::Builder::new()
            .name("switchyard-sqlite".into())
            .spawn(move || serve(conn, rx))
            .map_err(|e| StoreError::Database(e.to_string()))?;
        Ok(Self { ops: tx })
    }

    fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(f, move |answer| {
            let _ = tx.send(answer);
        });
        rx.recv().map_err(|_| StoreError::Closed)?
    }

    /// Queues `f` for the database thread; `answer` gets its result once the transaction it
    /// ran in is committed. Should the thread be gone, `answer` is dropped uncalled.
    fn submit<T, F, A>(&self, f: F, answer: A)
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
        A: FnOnce(Result<T>) + Send + 'static,
    {
        let op: Op = Box::new(move |conn| {
            let result = f(conn);
            let failed = result.is_err();
            let reply: Reply = Box::new(move |committed| answer(committed.and(result)));
            (failed, reply)
        });
        let _ = self.ops.send(op);
    }
}

/// The database thread: takes every operation waiting, runs each in a savepoint of one
/// transaction, commits, then answers them all.
fn serve(conn: Connection, ops: mpsc::Receiver<Op>) {
    while let Ok(first) = ops.recv() {
        let mut batch = vec![first];
        while batch.len() < GROUP_COMMIT_LIMIT {
            match ops.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        let began = conn.execute_batch("BEGIN IMMEDIATE").map_err(db);
        let mut replies = Vec::with_capacity(batch.len());
        for op in batch {
            if began.is_err() {
                let (_, reply) = op(&conn);
                replies.push(reply);
                continue;
            }
            let _ = run_cached(&conn, "SAVEPOINT op");
            let (failed, reply) = op(&conn);
            if failed {
                let _ = run_cached(&conn, "ROLLBACK TO op");
            }
            let _ = run_cached(&conn, "RELEASE op");
            replies.push(reply);
        }
        let committed = match began {
            Ok(()) => conn.execute_batch("COMMIT").map_err(db),
            Err(e) => Err(e),
        };
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for reply in replies {
            reply(match &committed {
                Ok(()) => Ok(()),
                Err(e) => Err(StoreError::Database(e.to_string())),
            });
        }
    }
}

/// A statement without parameters, parsed once per connection: these run for every delivery.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute([])
}

fn insert_jobs(conn: &Connection, jobs: &[JobRequest], now: i64) -> Result<()> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO jobs (repo, installation, trigger, run_at) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(db)?;
    for job in jobs {
        let trigger =
            serde_json::to_string(&job.trigger).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        stmt.execute(params![
            job.repo.as_str(),
            job.installation.0 as i64,
            trigger,
            now
        ])
        .map_err(db)?;
    }
    Ok(())
}

fn apply_change(conn: &Connection, change: &RepoChange) -> Result<()> {
    match change {
        // Nearly every delivery names a repository installed already: then nothing is written.
        // One new (or back) may have open work until a reconcile says otherwise, so that the
        // sweep heals it even if its first reconciles never got through.
        RepoChange::Add(repo, installation) => conn
            .prepare_cached(
                "INSERT INTO repos (repo, installation, active, open_work) VALUES (?1, ?2, 1, 1)
                 ON CONFLICT (repo) DO UPDATE SET installation = excluded.installation, active = 1,
                     open_work = repos.open_work OR NOT repos.active
                 WHERE repos.installation != excluded.installation OR NOT repos.active",
            )
            .and_then(|mut s| s.execute(params![repo.as_str(), installation.0 as i64])),
        RepoChange::Remove(repo) => conn.execute(
            "UPDATE repos SET active = 0, open_work = 0 WHERE repo = ?1",
            [repo.as_str()],
        ),
        RepoChange::RemoveInstallation(installation) => conn.execute(
            "UPDATE repos SET active = 0, open_work = 0 WHERE installation = ?1",
            [installation.0 as i64],
        ),
    }
    .map(drop)
    .map_err(db)
}

fn read_task_ledger(conn: &Connection, repo: &str) -> Result<TaskLedger> {
    let mut records = TaskLedger::default();
    let mut stmt = conn
        .prepare_cached(
            "SELECT issue, lane, assigned_at FROM task_assignments WHERE repo = ?1
             ORDER BY position",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([repo], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(db)?;
    for row in rows {
        let (issue, lane, assigned_at) = row.map_err(db)?;
        records.assignments.push(AssignmentRecord {
            issue: IssueNumber(issue as u64),
            lane,
            assigned_at: parse_time(&assigned_at)?,
        });
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT issue, lane, pr, files_changed, assigned_at, merged_at FROM task_completions
             WHERE repo = ?1 ORDER BY position",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([repo], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .map_err(db)?;
    for row in rows {
        let (issue, lane, pr, files_changed, assigned_at, merged_at) = row.map_err(db)?;
        records.completions.push(Completion {
            issue: IssueNumber(issue as u64),
            lane,
            pr: PrNumber(pr as u64),
            files_changed: parse_list(&files_changed)?,
            assigned_at: parse_time(&assigned_at)?,
            merged_at: parse_time(&merged_at)?,
        });
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT number, merged_at, files, closes FROM task_merged_prs WHERE repo = ?1
             ORDER BY position",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([repo], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .map_err(db)?;
    for row in rows {
        let (number, merged_at, files, closes) = row.map_err(db)?;
        records.merged.push(MergedPr {
            number: PrNumber(number as u64),
            merged_at: parse_time(&merged_at)?,
            files: parse_list(&files)?,
            closes: parse_list(&closes)?,
        });
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT issue, blockers FROM task_was_blocked WHERE repo = ?1 ORDER BY position",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([repo], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(db)?;
    for row in rows {
        let (issue, blockers) = row.map_err(db)?;
        records.was_blocked.push(WasBlocked {
            issue: IssueNumber(issue as u64),
            by: parse_list(&blockers)?,
        });
    }
    Ok(records)
}

/// Runs inside the operation's savepoint, so the tables change together or not at all.
fn write_task_ledger(conn: &Connection, repo: &str, records: &TaskLedger) -> Result<()> {
    for table in TASK_TABLES {
        conn.execute(&format!("DELETE FROM {table} WHERE repo = ?1"), [repo])
            .map_err(db)?;
    }
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO task_assignments (repo, position, issue, lane, assigned_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(db)?;
    for (position, record) in records.assignments.iter().enumerate() {
        stmt.execute(params![
            repo,
            position as i64,
            record.issue.0 as i64,
            record.lane,
            time_text(&record.assigned_at)
        ])
        .map_err(db)?;
    }
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO task_completions
             (repo, position, issue, lane, pr, files_changed, assigned_at, merged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(db)?;
    for (position, done) in records.completions.iter().enumerate() {
        stmt.execute(params![
            repo,
            position as i64,
            done.issue.0 as i64,
            done.lane,
            done.pr.0 as i64,
            list_text(&done.files_changed)?,
            time_text(&done.assigned_at),
            time_text(&done.merged_at)
        ])
        .map_err(db)?;
    }
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO task_merged_prs (repo, position, number, merged_at, files, closes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(db)?;
    for (position, pr) in records.merged.iter().enumerate() {
        stmt.execute(params![
            repo,
            position as i64,
            pr.number.0 as i64,
            time_text(&pr.merged_at),
            list_text(&pr.files)?,
            list_text(&pr.closes)?
        ])
        .map_err(db)?;
    }
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO task_was_blocked (repo, position, issue, blockers)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(db)?;
    for (position, told) in records.was_blocked.iter().enumerate() {
        stmt.execute(params![
            repo,
            position as i64,
            told.issue.0 as i64,
            list_text(&told.by)?
        ])
        .map_err(db)?;
    }
    Ok(())
}

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

impl Store for SqliteStore {
    fn submit_delivery(
        &self,
        delivery: Delivery,
        changes: Vec<RepoChange>,
        jobs: Vec<JobRequest>,
        reply: RecordReply,
    ) {
        let record = move |conn: &Connection| {
            let inserted = conn
                .prepare_cached(
                    "INSERT INTO deliveries (id, event, action, repo, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        delivery.id,
                        delivery.event,
                        delivery.action,
                        delivery.repo.as_ref().map(RepoName::as_str),
                        delivery.received_at
                    ])
                })
                .map_err(db)?;
            if inserted == 0 {
                return Ok(Recorded::Duplicate);
            }
            for change in &changes {
                apply_change(conn, change)?;
            }
            insert_jobs(conn, &jobs, delivery.received_at)?;
            Ok(Recorded::New)
        };
        self.submit(record, reply);
    }

    fn enqueue(&self, jobs: &[JobRequest], now: i64) -> Result<()> {
        let jobs = jobs.to_vec();
        self.run(move |conn| insert_jobs(conn, &jobs, now))
    }

    // One process owns the file, so a running job is its own lease and `lease_until` has
    // nothing to add.
    fn claim(&self, now: i64, _lease_until: i64) -> Result<Option<ClaimedJobs>> {
        self.run(move |conn| {
            let repo: Option<String> = conn
                .query_row(CANDIDATE, [now], |r| r.get(0))
                .optional()
                .map_err(db)?;
            let Some(repo) = repo else { return Ok(None) };
            let mut stmt = conn
                .prepare(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1
                     WHERE id IN (SELECT id FROM jobs WHERE repo = ?1 AND state = 'queued'
                                  ORDER BY id LIMIT ?2)
                     RETURNING id, installation, trigger, attempts",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map(params![&repo, MAX_JOBS_PER_CLAIM], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .map_err(db)?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(db)?;
            let mut rows = rows;
            rows.sort_by_key(|r| r.0);
            let repo: RepoName = repo.parse().map_err(StoreError::Corrupt)?;
            let installation = rows.last().map(|r| r.1).unwrap_or_default();
            let mut triggers = Vec::with_capacity(rows.len());
            for (_, _, trigger, _) in &rows {
                triggers.push(
                    serde_json::from_str(trigger)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                );
            }
            Ok(Some(ClaimedJobs {
                repo,
                installation: InstallationId(installation as u64),
                job_ids: rows.iter().map(|r| r.0).collect(),
                triggers,
                attempts: rows.iter().map(|r| r.3 as u32).max().unwrap_or(1),
                taken_over: false,
            }))
        })
    }

    fn renew(&self, _repo: &RepoName, _lease_until: i64) -> Result<bool> {
        Ok(true)
    }

    fn finish(&self, job_ids: &[i64]) -> Result<()> {
        let ids = ids_json(job_ids);
        self.run(move |conn| {
            conn.execute(
                "DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?1))",
                [ids],
            )
            .map(drop)
            .map_err(db)
        })
    }

    fn retry_at(&self, job_ids: &[i64], run_at: i64, attempts: u32, error: &str) -> Result<()> {
        let (ids, error) = (ids_json(job_ids), error.to_owned());
        self.run(move |conn| {
            conn.execute(
                "UPDATE jobs SET state = 'queued', run_at = ?2, attempts = ?3, last_error = ?4
                 WHERE id IN (SELECT value FROM json_each(?1))",
                params![ids, run_at, attempts, error],
            )
            .map(drop)
            .map_err(db)
        })
    }

    fn fail(&self, job_ids: &[i64], error: &str) -> Result<()> {
        let (ids, error) = (ids_json(job_ids), error.to_owned());
        self.run(move |conn| {
            conn.execute(
                "UPDATE jobs SET state = 'failed', last_error = ?2
                 WHERE id IN (SELECT value FROM json_each(?1))",
                params![ids, error],
            )
            .map(drop)
            .map_err(db)
        })
    }

    fn recover_running(&self, _now: i64) -> Result<u64> {
        self.run(|conn| {
            conn.execute(
                "UPDATE jobs SET state = 'queued' WHERE state = 'running'",
                [],
            )
            .map(|n| n as u64)
            .map_err(db)
        })
    }

    fn job_counts(&self) -> Result<JobCounts> {
        self.run(|conn| {
            let mut counts = JobCounts::default();
            let mut stmt = conn
                .prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state")
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(db)?;
            for row in rows {
                let (state, n) = row.map_err(db)?;
                match state.as_str() {
                    "queued" => counts.queued = n as u64,
                    "running" => counts.running = n as u64,
                    "failed" => counts.failed = n as u64,
                    _ => {}
                }
            }
            Ok(counts)
        })
    }

    fn next_due(&self, _now: i64) -> Result<Option<i64>> {
        self.run(|conn| {
            conn.prepare_cached(NEXT_DUE)
                .and_then(|mut s| s.query_row([], |r| r.get(0)))
                .map_err(db)
        })
    }

    fn shared(&self) -> bool {
        false
    }

    fn take_write_slot(
        &self,
        installation: InstallationId,
        now_ms: i64,
        interval_ms: i64,
    ) -> Result<(i64, Pauses)> {
        self.run(move |conn| budget::take_write_slot(conn, installation, now_ms, interval_ms))
    }

    fn pause_installation(&self, installation: InstallationId, pauses: Pauses) -> Result<()> {
        self.run(move |conn| budget::pause(conn, installation, pauses))
    }

    fn installation_pauses(&self, installation: InstallationId) -> Result<Pauses> {
        self.run(move |conn| budget::read(conn, installation))
    }

    fn take_turn(&self, task: &str, now: i64, next_at: i64) -> Result<bool> {
        let task = task.to_owned();
        self.run(move |conn| {
            conn.query_row(
                "INSERT INTO turns (task, next_at) VALUES (?1, ?3)
                 ON CONFLICT (task) DO UPDATE SET next_at = excluded.next_at
                 WHERE turns.next_at <= ?2
                 RETURNING 1",
                params![task, now, next_at],
                |_| Ok(()),
            )
            .optional()
            .map(|taken| taken.is_some())
            .map_err(db)
        })
    }

    fn repos_with_open_work(&self) -> Result<Vec<(RepoName, InstallationId)>> {
        self.run(|conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT repo, installation FROM repos WHERE active = 1 AND open_work = 1
                     ORDER BY repo",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(db)?;
            let mut repos = Vec::new();
            for row in rows {
                let (repo, installation) = row.map_err(db)?;
                repos.push((
                    repo.parse().map_err(StoreError::Corrupt)?,
                    InstallationId(installation as u64),
                ));
            }
            Ok(repos)
        })
    }

    fn set_open_work(&self, repo: &RepoName, open: bool) -> Result<()> {
        let repo = repo.clone();
        self.run(move |conn| {
            conn.execute(
                "UPDATE repos SET open_work = ?2 WHERE repo = ?1",
                params![repo.as_str(), open],
            )
            .map(drop)
            .map_err(db)
        })
    }

    fn is_active(&self, repo: &RepoName) -> Result<bool> {
        let repo = repo.clone();
        self.run(move |conn| {
            conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM repos WHERE repo = ?1 AND active = 1)",
                [repo.as_str()],
                |r| r.get(0),
            )
            .map_err(db)
        })
    }

    fn cache_get(&self, kind: CacheKind, key: &str) -> Result<Option<Vec<u8>>> {
        let (kind, key) = (kind.as_str(), key.to_owned());
        self.run(move |conn| {
            conn.prepare_cached("SELECT value FROM cache WHERE kind = ?1 AND key = ?2")
                .and_then(|mut s| s.query_row(params![kind, key], |r| r.get(0)).optional())
                .map_err(db)
        })
    }

    fn cache_get_many(&self, kind: CacheKind, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>> {
        let (kind, keys) = (kind.as_str(), keys.to_vec());
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached("SELECT value FROM cache WHERE kind = ?1 AND key = ?2")
                .map_err(db)?;
            keys.iter()
                .map(|key| {
                    statement
                        .query_row(params![kind, key], |r| r.get(0))
                        .optional()
                        .map_err(db)
                })
                .collect()
        })
    }

    fn cache_put(&self, kind: CacheKind, key: &str, value: &[u8]) -> Result<()> {
        let (kind, key, value) = (kind.as_str(), key.to_owned(), value.to_vec());
        self.run(move |conn| {
            conn.prepare_cached(
                "INSERT INTO cache (kind, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
            )
            .and_then(|mut s| s.execute(params![kind, key, value]))
            .map(drop)
            .map_err(db)
        })
    }

    fn cache_delete(&self, kind: CacheKind, key: &str) -> Result<()> {
        let (kind, key) = (kind.as_str(), key.to_owned());
        self.run(move |conn| {
            conn.execute(
                "DELETE FROM cache WHERE kind = ?1 AND key = ?2",
                params![kind, key],
            )
            .map(drop)
            .map_err(db)
        })
    }

    fn task_ledger(&self, repo: &RepoName) -> Result<TaskLedger> {
        let repo = repo.clone();
        self.run(move |conn| read_task_ledger(conn, repo.as_str()))
    }

    fn set_task_ledger(
        &self,
        repo: &RepoName,
        records: &TaskLedger,
        handled: &[CommentId],
    ) -> Result<()> {
        let (repo, records, handled) = (repo.clone(), records.clone(), handled.to_vec());
        self.run(move |conn| {
            write_task_ledger(conn, repo.as_str(), &records)?;
            let mut mark = conn
                .prepare_cached(
                    "INSERT INTO handled_commands (repo, comment) VALUES (?1, ?2)
                     ON CONFLICT DO NOTHING",
                )
                .map_err(db)?;
            for comment in handled {
                mark.execute(params![repo.as_str(), comment.0 as i64])
                    .map_err(db)?;
            }
            Ok(())
        })
    }

    fn command_handled(&self, repo: &RepoName, comment: CommentId) -> Result<bool> {
        let repo = repo.clone();
        self.run(move |conn| {
            conn.prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM handled_commands WHERE repo = ?1 AND comment = ?2)",
            )
            .and_then(|mut s| s.query_row(params![repo.as_str(), comment.0 as i64], |r| r.get(0)))
            .map_err(db)
        })
    }

    fn published_many(&self, repo: &RepoName, keys: &[String]) -> Result<Vec<Option<Published>>> {
        let (repo, keys) = (repo.clone(), keys.to_vec());
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT github_id, digest FROM published WHERE repo = ?1 AND key = ?2",
                )
                .map_err(db)?;
            keys.iter()
                .map(|key| {
                    statement
                        .query_row(params![repo.as_str(), key], |r| {
                            Ok(Published {
                                github_id: r.get::<_, i64>(0)? as u64,
                                digest: r.get(1)?,
                            })
                        })
                        .optional()
                        .map_err(db)
                })
                .collect()
        })
    }

    fn published(&self, repo: &RepoName, key: &str) -> Result<Option<Published>> {
        let (repo, key) = (repo.clone(), key.to_owned());
        self.run(move |conn| {
            conn.prepare_cached(
                "SELECT github_id, digest FROM published WHERE repo = ?1 AND key = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![repo.as_str(), key], |r| {
                    Ok(Published {
                        github_id: r.get::<_, i64>(0)? as u64,
                        digest: r.get(1)?,
                    })
                })
                .optional()
            })
            .map_err(db)
        })
    }

    fn set_published(&self, repo: &RepoName, key: &str, published: &Published) -> Result<()> {
        let (repo, key, published) = (repo.clone(), key.to_owned(), published.clone());
        self.run(move |conn| {
            conn.prepare_cached(
                "INSERT INTO published (repo, key, github_id, digest) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (repo, key) DO UPDATE SET github_id = excluded.github_id,
                 digest = excluded.digest",
            )
            .and_then(|mut s| {
                s.execute(params![
                    repo.as_str(),
                    key,
                    published.github_id as i64,
                    published.digest
                ])
            })
            .map(drop)
            .map_err(db)
        })
    }

    fn forget_published(&self, repo: &RepoName, key: &str) -> Result<()> {
        let (repo, key) = (repo.clone(), key.to_owned());
        // Kept prepared: every record of a create takes its sign back.
        self.run(move |conn| {
            conn.prepare_cached("DELETE FROM published WHERE repo = ?1 AND key = ?2")
                .and_then(|mut s| s.execute(params![repo.as_str(), key]))
                .map(drop)
                .map_err(db)
        })
    }

    fn prune_deliveries(&self, received_before: i64) -> Result<u64> {
        self.run(move |conn| {
            conn.execute(
                "DELETE FROM deliveries WHERE received_at < ?1",
                [received_before],
            )
            .map(|n| n as u64)
            .map_err(db)
        })
    }

    fn recorded_deliveries(&self, guids: &[DeliveryGuid]) -> Result<HashSet<DeliveryGuid>> {
        let guids = guids.to_vec();
        self.run(move |conn| recovery::recorded(conn, &guids))
    }

    fn begin_recovery(
        &self,
        holder: &str,
        now: i64,
        lease_until: i64,
        last_began_by: Option<i64>,
    ) -> Result<Option<RecoveryTurn>> {
        let holder = holder.to_owned();
        self.run(move |conn| recovery::begin(conn, &holder, now, lease_until, last_began_by))
    }

    fn end_recovery(&self, holder: &str, checkpoint: Option<HookDeliveryId>) -> Result<bool> {
        let holder = holder.to_owned();
        self.run(move |conn| recovery::end(conn, &holder, checkpoint))
    }

    fn ping(&self) -> Result<()> {
        self.run(|conn| conn.query_row("SELECT 1", [], |_| Ok(())).map_err(db))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database as the first schema left it, with task records in the cache the way the
    /// App wrote them there, opened by this version.
    #[test]
    fn task_records_the_cache_held_move_into_their_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let assigned: chrono::DateTime<chrono::Utc> = "2026-03-01T10:00:00.5Z".parse().unwrap();
        let merged: chrono::DateTime<chrono::Utc> = "2026-03-02T10:00:00Z".parse().unwrap();
        let records = TaskLedger {
            assignments: vec![AssignmentRecord {
                issue: IssueNumber(4),
                lane: "agent-2".into(),
                assigned_at: assigned,
            }],
            completions: vec![Completion {
                issue: IssueNumber(1),
                lane: "agent-1".into(),
                pr: PrNumber(9),
                files_changed: vec!["src/a.rs".into()],
                assigned_at: assigned,
                merged_at: merged,
            }],
            merged: vec![MergedPr {
                number: PrNumber(11),
                merged_at: merged,
                files: vec!["Cargo.lock".into()],
                closes: vec![IssueNumber(4)],
            }],
            was_blocked: vec![],
        };
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);
                 INSERT INTO schema_migrations (version) VALUES (1);",
            )
            .unwrap();
            conn.execute_batch(schema::MIGRATIONS[0].1).unwrap();
            let put = |kind: &str, key: &str, value: Vec<u8>| {
                conn.execute(
                    "INSERT INTO cache (kind, key, value) VALUES (?1, ?2, ?3)",
                    params![kind, key, value],
                )
                .unwrap();
            };
            put(
                "task_assignments",
                "o/a",
                serde_json::to_vec(&records.assignments).unwrap(),
            );
            put(
                "task_completions",
                "o/a",
                serde_json::to_vec(&records.completions).unwrap(),
            );
            put(
                "task_merged_prs",
                "o/a",
                serde_json::to_vec(&records.merged).unwrap(),
            );
            put("task_command_handled", "o/a:77", b"true".to_vec());
            put("task_labels", "o/a", b"[]".to_vec());
        }
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        let repo: RepoName = "o/a".parse().unwrap();
        assert_eq!(store.task_ledger(&repo).unwrap(), records);
        assert!(store.command_handled(&repo, CommentId(77)).unwrap());
        // A kind the cache no longer has, so it is looked for in the table itself.
        let assignments: i64 = Connection::open(&path)
            .unwrap()
            .query_row(
                "SELECT COUNT(*) FROM cache WHERE kind = 'task_assignments'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(assignments, 0);
        assert_eq!(
            store.cache_get(CacheKind::Labels, "o/a").unwrap(),
            Some(b"[]".to_vec()),
            "the rest of the cache stays"
        );
    }
}
