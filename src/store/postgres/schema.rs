//! The tables, as embedded migrations.

use super::budget;
use super::errors::{pg, pool_error};
use crate::store::Result;
use deadpool_postgres::Pool;

/// Embedded migrations, applied in order at start-up by whichever instance gets the
/// migration lock first.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        action TEXT,
        repo TEXT,
        received_at BIGINT NOT NULL
    );
    CREATE INDEX deliveries_received ON deliveries (received_at);
    CREATE TABLE jobs (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        repo TEXT NOT NULL,
        installation BIGINT NOT NULL,
        trigger TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        run_at BIGINT NOT NULL,
        last_error TEXT,
        holder TEXT
    );
    CREATE INDEX jobs_state_repo ON jobs (state, repo, id);
    CREATE INDEX jobs_repo ON jobs (repo, id);
    CREATE INDEX jobs_due ON jobs (state, run_at);
    CREATE TABLE leases (
        repo TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE TABLE turns (
        task TEXT PRIMARY KEY,
        next_at BIGINT NOT NULL
    );
    CREATE TABLE repos (
        repo TEXT PRIMARY KEY,
        installation BIGINT NOT NULL,
        active BOOLEAN NOT NULL,
        open_work BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE TABLE cache (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value BYTEA NOT NULL,
        PRIMARY KEY (kind, key)
    );
    CREATE TABLE published (
        repo TEXT NOT NULL,
        key TEXT NOT NULL,
        github_id BIGINT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (repo, key)
    );
    CREATE TABLE task_assignments (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        issue BIGINT NOT NULL,
        lane TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );
    CREATE TABLE task_completions (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        issue BIGINT NOT NULL,
        lane TEXT NOT NULL,
        pr BIGINT NOT NULL,
        files_changed TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        merged_at TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );
    CREATE TABLE task_merged_prs (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        number BIGINT NOT NULL,
        merged_at TEXT NOT NULL,
        files TEXT NOT NULL,
        closes TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );
    CREATE TABLE handled_commands (
        repo TEXT NOT NULL,
        comment BIGINT NOT NULL,
        PRIMARY KEY (repo, comment)
    );",
    ),
    // What each task was told it waits for, which its comment keeps telling once they close.
    (
        2,
        "CREATE TABLE task_was_blocked (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        issue BIGINT NOT NULL,
        blockers TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );",
    ),
    // Each repository with unfinished (queued or running) jobs, with the oldest of them and
    // when it is due, kept in the transactions that change its jobs: a claim walks these
    // rather than every queued job. Nothing reads jobs by due time or by repository alone
    // any more, and each index is written again whenever a job changes state.
    (
        3,
        "DROP INDEX jobs_due;
    DROP INDEX jobs_repo;
    CREATE TABLE queue_heads (
        repo TEXT PRIMARY KEY,
        job_id BIGINT NOT NULL,
        run_at BIGINT NOT NULL
    );
    CREATE INDEX queue_heads_due ON queue_heads (run_at, job_id);
    INSERT INTO queue_heads (repo, job_id, run_at)
        SELECT DISTINCT ON (repo) repo, id, run_at FROM jobs
        WHERE state IN ('queued', 'running')
        ORDER BY repo, id;",
    ),
    // The recovery of webhooks GitHub could not deliver: where its last walk down GitHub's
    // log left off, and which instance is walking until when.
    (
        4,
        "CREATE TABLE delivery_recovery (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        checkpoint BIGINT,
        began_at BIGINT,
        holder TEXT,
        lease_until BIGINT NOT NULL DEFAULT 0
    );
    INSERT INTO delivery_recovery (id) VALUES (1);",
    ),
    // Each installation's rate-limit budget, shared by the instances: its next write slot
    // and its pauses.
    (5, budget::TABLE),
];

pub(super) async fn migrate(pool: &Pool) -> Result<()> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let tx = client.transaction().await.map_err(pg)?;
    // Instances starting together wait here for the first one's migrations, per schema.
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(hashtext('switchyard migrations '
                                               || coalesce(current_schema(), '')));
         CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY);",
    )
    .await
    .map_err(pg)?;
    let applied: Vec<i64> = tx
        .query("SELECT version FROM schema_migrations", &[])
        .await
        .map_err(pg)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for (version, sql) in MIGRATIONS {
        if applied.contains(version) {
            continue;
        }
        tx.batch_execute(sql).await.map_err(pg)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[version],
        )
        .await
        .map_err(pg)?;
    }
    tx.commit().await.map_err(pg)
}
