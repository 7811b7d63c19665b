//! The tables, as embedded migrations.

use super::{budget, db};
use crate::store::Result;
use rusqlite::Connection;

/// Embedded migrations, applied in order at start-up.
pub(super) const MIGRATIONS: &[(i64, &str)] = &[
    (1,
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
    // The task records move out of the cache into their own tables, with what the cache
    // held of them; and the periodic tasks get their turns.
    (
        2,
        "CREATE TABLE task_assignments (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        issue INTEGER NOT NULL,
        lane TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );
    CREATE TABLE task_completions (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        issue INTEGER NOT NULL,
        lane TEXT NOT NULL,
        pr INTEGER NOT NULL,
        files_changed TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        merged_at TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );
    CREATE TABLE task_merged_prs (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        number INTEGER NOT NULL,
        merged_at TEXT NOT NULL,
        files TEXT NOT NULL,
        closes TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );
    CREATE TABLE handled_commands (
        repo TEXT NOT NULL,
        comment INTEGER NOT NULL,
        PRIMARY KEY (repo, comment)
    );
    CREATE TABLE turns (
        task TEXT PRIMARY KEY,
        next_at INTEGER NOT NULL
    );
    INSERT INTO task_assignments (repo, position, issue, lane, assigned_at)
        SELECT c.key, e.key, json_extract(e.value, '$.issue'), json_extract(e.value, '$.lane'),
               json_extract(e.value, '$.assigned_at')
        FROM cache c, json_each(CAST(c.value AS TEXT)) e
        WHERE c.kind = 'task_assignments' AND json_valid(CAST(c.value AS TEXT));
    INSERT INTO task_completions
        (repo, position, issue, lane, pr, files_changed, assigned_at, merged_at)
        SELECT c.key, e.key, json_extract(e.value, '$.issue'), json_extract(e.value, '$.lane'),
               json_extract(e.value, '$.pr'), json_extract(e.value, '$.files_changed'),
               json_extract(e.value, '$.assigned_at'), json_extract(e.value, '$.merged_at')
        FROM cache c, json_each(CAST(c.value AS TEXT)) e
        WHERE c.kind = 'task_completions' AND json_valid(CAST(c.value AS TEXT));
    INSERT INTO task_merged_prs (repo, position, number, merged_at, files, closes)
        SELECT c.key, e.key, json_extract(e.value, '$.number'),
               json_extract(e.value, '$.merged_at'), json_extract(e.value, '$.files'),
               json_extract(e.value, '$.closes')
        FROM cache c, json_each(CAST(c.value AS TEXT)) e
        WHERE c.kind = 'task_merged_prs' AND json_valid(CAST(c.value AS TEXT));
    INSERT INTO handled_commands (repo, comment)
        SELECT substr(key, 1, instr(key, ':') - 1), CAST(substr(key, instr(key, ':') + 1) AS INTEGER)
        FROM cache WHERE kind = 'task_command_handled' AND instr(key, ':') > 0;
    DELETE FROM cache
        WHERE kind IN ('task_assignments', 'task_completions', 'task_merged_prs',
                       'task_command_handled');",
    ),
    // Local mode's task book (`switchyard local`), one JSON record per task.
    (
        3,
        "CREATE TABLE local_tasks (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        record TEXT NOT NULL
    );",
    ),
    // When the next queued job is due, without reading every queued job.
    (4, "CREATE INDEX jobs_state_run_at ON jobs(state, run_at);"),
    // What each task was told it waits for, which its comment keeps telling once they close.
    (
        5,
        "CREATE TABLE task_was_blocked (
        repo TEXT NOT NULL,
        position INTEGER NOT NULL,
        issue INTEGER NOT NULL,
        blockers TEXT NOT NULL,
        PRIMARY KEY (repo, position)
    );",
    ),
    // The recovery of webhooks GitHub could not deliver: where its last walk down GitHub's
    // log left off, and who is walking.
    (
        6,
        "CREATE TABLE delivery_recovery (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        checkpoint INTEGER,
        began_at INTEGER,
        holder TEXT,
        lease_until INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO delivery_recovery (id) VALUES (1);",
    ),
    // Local mode's claims: the paths a lane is about to change, until when.
    (
        7,
        "CREATE TABLE local_claims (
        lane TEXT NOT NULL,
        path TEXT NOT NULL,
        task TEXT,
        reason TEXT,
        claimed_at INTEGER NOT NULL,
        until INTEGER NOT NULL,
        PRIMARY KEY (lane, path)
    );",
    ),
    // Each installation's rate-limit budget: its next write slot and its pauses.
    (8, budget::TABLE),
];

pub(super) fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
    )
    .map_err(db)?;
    for (version, sql) in MIGRATIONS {
        // Asked and applied in one write transaction: two processes opening the same file
        // (local mode's commands, run at once) apply each migration once between them.
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
                .map_err(db)?;
        let applied: bool = tx
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [version],
                |r| r.get(0),
            )
            .map_err(db)?;
        if !applied {
            tx.execute_batch(sql).map_err(db)?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES (?1)",
                [version],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)?;
    }
    Ok(())
}
