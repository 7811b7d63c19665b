//! The SQLite store. One connection on its own thread; every call is an operation sent to
//! it, and the operations waiting at a time share one transaction (group commit), so many
//! concurrent deliveries cost one fsync between them while each is still on disk before it
//! is answered.

use super::{Claim, Delivery, JobCounts, Published, Recorded, Result, Store, StoreError};
use crate::ids::{InstallationId, RepoName};
use crate::jobs::JobRequest;
use crate::jobs::RepoChange;
use rusqlite::{Connection, OptionalExtension, params};
use std::sync::mpsc;

mod local_tasks;

pub use local_tasks::TaskRecord;

/// Embedded migrations, applied in order at start-up.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        action TEXT,
        repo TEXT,
        received_at INTEGER NOT NULL
    );
    CREATE INDEX deliveries_received ON deliveries(received_at);
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        repo TEXT NOT NULL,
        installation INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        run_at INTEGER NOT NULL,
        last_error TEXT
    );
    CREATE INDEX jobs_state_repo ON jobs(state, repo, id);
    CREATE TABLE repos (
        repo TEXT PRIMARY KEY,
        installation INTEGER NOT NULL,
        active INTEGER NOT NULL,
        open_work INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE cache (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value BLOB NOT NULL,
        PRIMARY KEY (kind, key)
    );
    CREATE TABLE published (
        repo TEXT NOT NULL,
        key TEXT NOT NULL,
        github_id INTEGER NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (repo, key)
    );",
    ),
    (
        2,
        "CREATE TABLE local_tasks (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        record TEXT NOT NULL
    );",
    ),
];

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

impl SqliteStore {
    /// Opens (creating if absent) the database file and runs the migrations. `:memory:` gives
    /// a private in-memory database.
    pub fn open(path: &str) -> Result<Self> {
        let conn = Connection::open(path).map_err(db)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;",
        )
        .map_err(db)?;
        migrate(&conn)?;
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
        let op: Op = Box::new(move |conn| {
            let result = f(conn);
            let failed = result.is_err();
            let reply: Reply = Box::new(move |committed| {
                let _ = tx.send(committed.and(result));
            });
            (failed, reply)
        });
        self.ops.send(op).map_err(|_| StoreError::Closed)?;
        rx.recv().map_err(|_| StoreError::Closed)?
    }
}

fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
    )
    .map_err(db)?;
    for (version, sql) in MIGRATIONS {
        let applied: bool = conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [version],
                |r| r.get(0),
            )
            .map_err(db)?;
        if !applied {
            let tx = conn.unchecked_transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES (?1)",
                [version],
            )
            .map_err(db)?;
            tx.commit().map_err(db)?;
        }
    }
    Ok(())
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
            let _ = conn.execute_batch("SAVEPOINT op");
            let (failed, reply) = op(&conn);
            let _ = conn.execute_batch(if failed {
                "ROLLBACK TO op; RELEASE op"
            } else {
                "RELEASE op"
            });
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
        RepoChange::Add(repo, installation) => conn.execute(
            "INSERT INTO repos (repo, installation, active) VALUES (?1, ?2, 1)
             ON CONFLICT (repo) DO UPDATE SET installation = excluded.installation, active = 1",
            params![repo.as_str(), installation.0 as i64],
        ),
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

fn ids_json(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

impl Store for SqliteStore {
    fn record_delivery(
        &self,
        delivery: &Delivery,
        changes: &[RepoChange],
        jobs: &[JobRequest],
    ) -> Result<Recorded> {
        let delivery = delivery.clone();
        let changes = changes.to_vec();
        let jobs = jobs.to_vec();
        self.run(move |conn| {
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
        })
    }

    fn enqueue(&self, jobs: &[JobRequest], now: i64) -> Result<()> {
        let jobs = jobs.to_vec();
        self.run(move |conn| insert_jobs(conn, &jobs, now))
    }

    fn claim(&self, now: i64) -> Result<Option<Claim>> {
        self.run(move |conn| {
            let repo: Option<String> = conn
                .query_row(
                    "SELECT j.repo FROM jobs j
                     WHERE j.state = 'queued'
                       AND j.id = (SELECT MIN(id) FROM jobs WHERE repo = j.repo AND state = 'queued')
                       AND j.run_at <= ?1
                       AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.repo = j.repo AND r.state = 'running')
                     ORDER BY j.id LIMIT 1",
                    [now],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)?;
            let Some(repo) = repo else { return Ok(None) };
            let mut stmt = conn
                .prepare(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1
                     WHERE repo = ?1 AND state = 'queued'
                     RETURNING id, installation, trigger, attempts",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map([&repo], |r| {
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
                    serde_json::from_str(trigger).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                );
            }
            Ok(Some(Claim {
                repo,
                installation: InstallationId(installation as u64),
                job_ids: rows.iter().map(|r| r.0).collect(),
                triggers,
                attempts: rows.iter().map(|r| r.3 as u32).max().unwrap_or(1),
            }))
        })
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

    fn retry_at(&self, job_ids: &[i64], run_at: i64, error: &str) -> Result<()> {
        let (ids, error) = (ids_json(job_ids), error.to_owned());
        self.run(move |conn| {
            conn.execute(
                "UPDATE jobs SET state = 'queued', run_at = ?2, last_error = ?3
                 WHERE id IN (SELECT value FROM json_each(?1))",
                params![ids, run_at, error],
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

    fn recover_running(&self) -> Result<u64> {
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

    fn next_due(&self) -> Result<Option<i64>> {
        self.run(|conn| {
            conn.query_row(
                "SELECT MIN(run_at) FROM jobs WHERE state = 'queued'",
                [],
                |r| r.get(0),
            )
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

    fn cache_get(&self, kind: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let (kind, key) = (kind.to_owned(), key.to_owned());
        self.run(move |conn| {
            conn.prepare_cached("SELECT value FROM cache WHERE kind = ?1 AND key = ?2")
                .and_then(|mut s| s.query_row(params![kind, key], |r| r.get(0)).optional())
                .map_err(db)
        })
    }

    fn cache_put(&self, kind: &str, key: &str, value: &[u8]) -> Result<()> {
        let (kind, key, value) = (kind.to_owned(), key.to_owned(), value.to_vec());
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

    fn cache_delete(&self, kind: &str, key: &str) -> Result<()> {
        let (kind, key) = (kind.to_owned(), key.to_owned());
        self.run(move |conn| {
            conn.execute(
                "DELETE FROM cache WHERE kind = ?1 AND key = ?2",
                params![kind, key],
            )
            .map(drop)
            .map_err(db)
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
        self.run(move |conn| {
            conn.execute(
                "DELETE FROM published WHERE repo = ?1 AND key = ?2",
                params![repo.as_str(), key],
            )
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

    fn ping(&self) -> Result<()> {
        self.run(|conn| conn.query_row("SELECT 1", [], |_| Ok(())).map_err(db))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PrNumber;
    use crate::jobs::Trigger;

    fn repo(s: &str) -> RepoName {
        s.parse().unwrap()
    }

    fn job(r: &str, trigger: Trigger) -> JobRequest {
        JobRequest {
            repo: repo(r),
            installation: InstallationId(7),
            trigger,
        }
    }

    fn delivery(id: &str) -> Delivery {
        Delivery {
            id: id.into(),
            event: "pull_request".into(),
            action: Some("opened".into()),
            repo: Some(repo("o/a")),
            received_at: 100,
        }
    }

    #[test]
    fn a_redelivery_records_nothing() {
        let store = SqliteStore::open(":memory:").unwrap();
        let jobs = [job("o/a", Trigger::PullRequest(PrNumber(1)))];
        assert_eq!(
            store.record_delivery(&delivery("d1"), &[], &jobs).unwrap(),
            Recorded::New
        );
        assert_eq!(
            store.record_delivery(&delivery("d1"), &[], &jobs).unwrap(),
            Recorded::Duplicate
        );
        assert_eq!(store.job_counts().unwrap().queued, 1);
    }

    #[test]
    fn one_repository_runs_one_claim_at_a_time_and_coalesces() {
        let store = SqliteStore::open(":memory:").unwrap();
        store
            .enqueue(
                &[
                    job("o/a", Trigger::PullRequest(PrNumber(1))),
                    job("o/b", Trigger::Full),
                    job("o/a", Trigger::PullRequest(PrNumber(2))),
                ],
                10,
            )
            .unwrap();
        let first = store.claim(10).unwrap().unwrap();
        assert_eq!(first.repo, repo("o/a"));
        assert_eq!(first.triggers.len(), 2, "a burst coalesces");
        store.enqueue(&[job("o/a", Trigger::Refresh)], 11).unwrap();
        let second = store.claim(11).unwrap().unwrap();
        assert_eq!(second.repo, repo("o/b"), "o/a is busy");
        assert_eq!(store.claim(11).unwrap(), None);
        store.finish(&first.job_ids).unwrap();
        let third = store.claim(11).unwrap().unwrap();
        assert_eq!(third.repo, repo("o/a"));
        assert_eq!(third.triggers, vec![Trigger::Refresh]);
    }

    #[test]
    fn retries_wait_and_failures_are_kept() {
        let store = SqliteStore::open(":memory:").unwrap();
        store.enqueue(&[job("o/a", Trigger::Full)], 0).unwrap();
        let claim = store.claim(0).unwrap().unwrap();
        store.retry_at(&claim.job_ids, 50, "boom").unwrap();
        assert_eq!(store.claim(49).unwrap(), None);
        let again = store.claim(50).unwrap().unwrap();
        assert_eq!(again.attempts, 2);
        store.fail(&again.job_ids, "gave up").unwrap();
        assert_eq!(
            store.job_counts().unwrap(),
            JobCounts {
                queued: 0,
                running: 0,
                failed: 1
            }
        );
    }

    #[test]
    fn running_jobs_are_recovered_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let path = path.to_str().unwrap();
        {
            let store = SqliteStore::open(path).unwrap();
            store.enqueue(&[job("o/a", Trigger::Full)], 0).unwrap();
            store.claim(0).unwrap().unwrap();
        }
        let store = SqliteStore::open(path).unwrap();
        assert_eq!(store.recover_running().unwrap(), 1);
        assert!(store.claim(0).unwrap().is_some());
    }

    #[test]
    fn caches_and_published_records_round_trip() {
        let store = SqliteStore::open(":memory:").unwrap();
        store.cache_put("files", "abc", b"[1]").unwrap();
        assert_eq!(
            store.cache_get("files", "abc").unwrap(),
            Some(b"[1]".to_vec())
        );
        let r = repo("o/a");
        let p = Published {
            github_id: 9,
            digest: "d".into(),
        };
        store.set_published(&r, "check:abc", &p).unwrap();
        assert_eq!(store.published(&r, "check:abc").unwrap(), Some(p));
        store.forget_published(&r, "check:abc").unwrap();
        assert_eq!(store.published(&r, "check:abc").unwrap(), None);
    }

    #[test]
    fn installation_changes_track_active_repositories() {
        let store = SqliteStore::open(":memory:").unwrap();
        let changes = [RepoChange::Add(repo("o/a"), InstallationId(1))];
        store
            .record_delivery(&delivery("d"), &changes, &[])
            .unwrap();
        assert!(store.is_active(&repo("o/a")).unwrap());
        store.set_open_work(&repo("o/a"), true).unwrap();
        assert_eq!(store.repos_with_open_work().unwrap().len(), 1);
        let changes = [RepoChange::RemoveInstallation(InstallationId(1))];
        store
            .record_delivery(&delivery("e"), &changes, &[])
            .unwrap();
        assert!(!store.is_active(&repo("o/a")).unwrap());
        assert!(store.repos_with_open_work().unwrap().is_empty());
    }
}
