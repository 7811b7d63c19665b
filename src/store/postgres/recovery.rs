//! The recovery of undelivered webhooks on PostgreSQL: the checkpoint of its walks, and a
//! turn that one instance at a time holds. The row lock makes two instances asking at once
//! take turns; a turn whose instance died is free once its lease runs out.

use super::errors::pg;
use crate::redeliver::{DeliveryGuid, HookDeliveryId};
use crate::store::RecoveryTurn;
use crate::store::Result;
use deadpool_postgres::GenericClient;
use std::collections::HashSet;

pub(super) async fn recorded(
    client: &impl GenericClient,
    guids: Vec<String>,
) -> Result<HashSet<DeliveryGuid>> {
    let rows = client
        .query("SELECT id FROM deliveries WHERE id = ANY($1)", &[&guids])
        .await
        .map_err(pg)?;
    Ok(rows.iter().map(|row| DeliveryGuid(row.get(0))).collect())
}

pub(super) async fn begin(
    client: &impl GenericClient,
    holder: &str,
    now: i64,
    lease_until: i64,
    last_began_by: Option<i64>,
) -> Result<Option<RecoveryTurn>> {
    let row = client
        .query_opt(
            "UPDATE delivery_recovery SET holder = $1, began_at = $2, lease_until = $3
             WHERE id = 1
               AND (holder IS NULL OR holder = $1 OR lease_until <= $2)
               AND ($4::BIGINT IS NULL OR began_at IS NULL OR began_at <= $4)
             RETURNING checkpoint",
            &[&holder, &now, &lease_until, &last_began_by],
        )
        .await
        .map_err(pg)?;
    Ok(row.map(|row| RecoveryTurn {
        checkpoint: row
            .get::<_, Option<i64>>(0)
            .map(|id| HookDeliveryId(id as u64)),
    }))
}

pub(super) async fn end(
    client: &impl GenericClient,
    holder: &str,
    checkpoint: Option<HookDeliveryId>,
) -> Result<bool> {
    let checkpoint = checkpoint.map(|id| id.0 as i64);
    client
        .execute(
            "UPDATE delivery_recovery
             SET holder = NULL, lease_until = 0, checkpoint = COALESCE($2, checkpoint)
             WHERE id = 1 AND holder = $1",
            &[&holder, &checkpoint],
        )
        .await
        .map(|ended| ended > 0)
        .map_err(pg)
}
