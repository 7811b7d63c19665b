//! The recovery of undelivered webhooks on SQLite: the checkpoint of its walks, and which
//! deliveries are recorded. One instance works on a SQLite file, so a turn is never another
//! instance's: one left by a process that died is free at once.

use super::db;
use crate::redeliver::{DeliveryGuid, HookDeliveryId};
use crate::store::{RecoveryTurn, Result};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;

pub(super) fn recorded(conn: &Connection, guids: &[DeliveryGuid]) -> Result<HashSet<DeliveryGuid>> {
    let mut statement = conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM deliveries WHERE id = ?1)")
        .map_err(db)?;
    let mut found = HashSet::new();
    for guid in guids {
        let exists: bool = statement
            .query_row([&guid.0], |row| row.get(0))
            .map_err(db)?;
        if exists {
            found.insert(guid.clone());
        }
    }
    Ok(found)
}

pub(super) fn begin(
    conn: &Connection,
    holder: &str,
    now: i64,
    lease_until: i64,
    last_began_by: Option<i64>,
) -> Result<Option<RecoveryTurn>> {
    conn.prepare_cached(
        "UPDATE delivery_recovery SET holder = ?1, began_at = ?2, lease_until = ?3
         WHERE id = 1 AND (?4 IS NULL OR began_at IS NULL OR began_at <= ?4)
         RETURNING checkpoint",
    )
    .and_then(|mut statement| {
        statement
            .query_row(params![holder, now, lease_until, last_began_by], |row| {
                row.get::<_, Option<i64>>(0)
            })
            .optional()
    })
    .map(|turn| {
        turn.map(|checkpoint| RecoveryTurn {
            checkpoint: checkpoint.map(|id| HookDeliveryId(id as u64)),
        })
    })
    .map_err(db)
}

pub(super) fn end(
    conn: &Connection,
    holder: &str,
    checkpoint: Option<HookDeliveryId>,
) -> Result<bool> {
    conn.prepare_cached(
        "UPDATE delivery_recovery
         SET holder = NULL, lease_until = 0, checkpoint = COALESCE(?2, checkpoint)
         WHERE id = 1 AND holder = ?1",
    )
    .and_then(|mut statement| statement.execute(params![holder, checkpoint.map(|id| id.0 as i64)]))
    .map(|ended| ended > 0)
    .map_err(db)
}
