//! Each installation's rate-limit budget (see [`crate::github::budget`]): one row with its next
//! write slot and its pauses, in unix milliseconds. One process alone uses a SQLite file, so
//! it takes its slots itself; the rows keep the pauses across a restart.

use super::db;
use crate::github::Pauses;
use crate::ids::InstallationId;
use crate::store::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

pub(super) const TABLE: &str = "CREATE TABLE write_budgets (
        installation INTEGER PRIMARY KEY,
        next_write_at INTEGER NOT NULL DEFAULT 0,
        writes_paused_until INTEGER NOT NULL DEFAULT 0,
        all_paused_until INTEGER NOT NULL DEFAULT 0
    );";

fn pauses(row: &Row<'_>, first: usize) -> rusqlite::Result<Pauses> {
    Ok(Pauses {
        writes_until: row.get(first)?,
        all_until: row.get(first + 1)?,
    })
}

pub(super) fn take_write_slot(
    conn: &Connection,
    installation: InstallationId,
    now: i64,
    interval_ms: i64,
) -> Result<(i64, Pauses)> {
    conn.prepare_cached(
        "INSERT INTO write_budgets (installation, next_write_at) VALUES (?1, ?2 + ?3)
         ON CONFLICT (installation) DO UPDATE
         SET next_write_at = max(write_budgets.next_write_at, ?2) + ?3
         RETURNING next_write_at - ?3, writes_paused_until, all_paused_until",
    )
    .and_then(|mut s| {
        s.query_row(params![installation.0 as i64, now, interval_ms], |r| {
            Ok((r.get(0)?, pauses(r, 1)?))
        })
    })
    .map_err(db)
}

pub(super) fn pause(conn: &Connection, installation: InstallationId, to: Pauses) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO write_budgets (installation, writes_paused_until, all_paused_until)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (installation) DO UPDATE
         SET writes_paused_until = max(write_budgets.writes_paused_until, ?2),
             all_paused_until = max(write_budgets.all_paused_until, ?3)",
    )
    .and_then(|mut s| {
        s.execute(params![
            installation.0 as i64,
            to.writes_until,
            to.all_until
        ])
    })
    .map(drop)
    .map_err(db)
}

pub(super) fn read(conn: &Connection, installation: InstallationId) -> Result<Pauses> {
    conn.prepare_cached(
        "SELECT writes_paused_until, all_paused_until FROM write_budgets WHERE installation = ?1",
    )
    .and_then(|mut s| {
        s.query_row([installation.0 as i64], |r| pauses(r, 0))
            .optional()
    })
    .map(Option::unwrap_or_default)
    .map_err(db)
}
