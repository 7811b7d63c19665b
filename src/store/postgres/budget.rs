//! Each installation's rate-limit budget (see [`crate::github::budget`]), shared by the
//! instances: one row with its next write slot and its pauses, in unix milliseconds. Taking a
//! slot moves the row's next slot on in one statement, so two instances never get one slot.

use super::errors::pg;
use crate::github::Pauses;
use crate::ids::InstallationId;
use crate::store::Result;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

pub(super) const TABLE: &str = "CREATE TABLE write_budgets (
        installation BIGINT PRIMARY KEY,
        next_write_at BIGINT NOT NULL DEFAULT 0,
        writes_paused_until BIGINT NOT NULL DEFAULT 0,
        all_paused_until BIGINT NOT NULL DEFAULT 0
    );";

fn pauses(row: &Row, first: usize) -> Pauses {
    Pauses {
        writes_until: row.get(first),
        all_until: row.get(first + 1),
    }
}

pub(super) async fn take_write_slot(
    client: &impl GenericClient,
    installation: InstallationId,
    now: i64,
    interval_ms: i64,
) -> Result<(i64, Pauses)> {
    let statement = client
        .prepare_cached(
            "INSERT INTO write_budgets (installation, next_write_at)
             VALUES ($1, $2::BIGINT + $3::BIGINT)
             ON CONFLICT (installation) DO UPDATE
             SET next_write_at = GREATEST(write_budgets.next_write_at, $2::BIGINT) + $3::BIGINT
             RETURNING next_write_at - $3::BIGINT, writes_paused_until, all_paused_until",
        )
        .await
        .map_err(pg)?;
    let row = client
        .query_one(&statement, &[&(installation.0 as i64), &now, &interval_ms])
        .await
        .map_err(pg)?;
    Ok((row.get(0), pauses(&row, 1)))
}

pub(super) async fn pause(
    client: &impl GenericClient,
    installation: InstallationId,
    to: Pauses,
) -> Result<()> {
    let statement = client
        .prepare_cached(
            "INSERT INTO write_budgets (installation, writes_paused_until, all_paused_until)
             VALUES ($1, $2, $3)
             ON CONFLICT (installation) DO UPDATE
             SET writes_paused_until = GREATEST(write_budgets.writes_paused_until, $2),
                 all_paused_until = GREATEST(write_budgets.all_paused_until, $3)",
        )
        .await
        .map_err(pg)?;
    client
        .execute(
            &statement,
            &[&(installation.0 as i64), &to.writes_until, &to.all_until],
        )
        .await
        .map(drop)
        .map_err(pg)
}

pub(super) async fn read(
    client: &impl GenericClient,
    installation: InstallationId,
) -> Result<Pauses> {
    let statement = client
        .prepare_cached(
            "SELECT writes_paused_until, all_paused_until FROM write_budgets
             WHERE installation = $1",
        )
        .await
        .map_err(pg)?;
    let row = client
        .query_opt(&statement, &[&(installation.0 as i64)])
        .await
        .map_err(pg)?;
    Ok(row.map(|row| pauses(&row, 0)).unwrap_or_default())
}
