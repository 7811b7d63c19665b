//! Deliveries on their way to disk: each waits for the next group commit, which records the
//! deliveries waiting at that moment in one transaction, and answers each once it is
//! committed.

use super::errors::{corrupt, pg, pool_error};
use crate::ids::RepoName;
use crate::jobs::{JobRequest, RepoChange};
use crate::store::{Delivery, RecordReply, Recorded, Result, StoreError};
use deadpool_postgres::{GenericClient, Pool};
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// A delivery, its jobs, and whether it was new, in one statement: the unique key on the
/// delivery id decides between instances receiving it at once, and a redelivery inserts no
/// job because the jobs are inserted only for the delivery row that was.
const RECORD_DELIVERY: &str = concat!(
    "WITH delivery AS (
        INSERT INTO deliveries (id, event, action, repo, received_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (id) DO NOTHING
        RETURNING received_at
    ), queued AS (
        INSERT INTO jobs (repo, installation, trigger, run_at)
        SELECT job.repo, job.installation, job.trigger, delivery.received_at
        FROM delivery,
             unnest($6::text[], $7::bigint[], $8::text[]) WITH ORDINALITY
                 AS job(repo, installation, trigger, n)
        ORDER BY job.n
        RETURNING id, repo, run_at
    ), ",
    record_heads!(),
    "
    SELECT count(*) FROM delivery"
);

/// Many deliveries, their jobs, and the repositories they say are installed, in one
/// statement: [`RECORD_DELIVERY`] for a whole batch. The deliveries come sorted by id, so
/// that concurrent batches take their locks in one order; a repository named twice takes
/// the installation of the last delivery that names it.
const RECORD_DELIVERIES: &str = concat!(
    "WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
            WITH ORDINALITY AS d(id, event, action, repo, received_at, n)
    ), delivery AS (
        INSERT INTO deliveries (id, event, action, repo, received_at)
        SELECT id, event, action, repo, received_at FROM input ORDER BY n
        ON CONFLICT (id) DO NOTHING
        RETURNING id, received_at
    ), queued AS (
        INSERT INTO jobs (repo, installation, trigger, run_at)
        SELECT job.repo, job.installation, job.trigger, delivery.received_at
        FROM unnest($6::text[], $7::text[], $8::bigint[], $9::text[]) WITH ORDINALITY
                 AS job(delivery, repo, installation, trigger, n)
             JOIN delivery ON delivery.id = job.delivery
        ORDER BY job.n
        RETURNING id, repo, run_at
    ), ",
    record_heads!(),
    ", installed AS (
        INSERT INTO repos (repo, installation, active, open_work)
        SELECT DISTINCT ON (added.repo) added.repo, added.installation, TRUE, TRUE
        FROM unnest($10::text[], $11::text[], $12::bigint[]) WITH ORDINALITY
                 AS added(delivery, repo, installation, n)
             JOIN delivery ON delivery.id = added.delivery
        WHERE NOT EXISTS (SELECT 1 FROM repos r WHERE r.repo = added.repo
                          AND r.installation = added.installation AND r.active)
        ORDER BY added.repo, added.n DESC
        ON CONFLICT (repo) DO UPDATE
        SET installation = excluded.installation, active = TRUE,
            open_work = repos.open_work OR NOT repos.active
        RETURNING 1
    )
    SELECT id FROM delivery"
);

/// A delivery and its jobs as [`RECORD_DELIVERY`] takes them.
struct DeliveryRow {
    delivery: Delivery,
    changes: Vec<RepoChange>,
    repos: Vec<String>,
    installations: Vec<i64>,
    triggers: Vec<String>,
}

impl DeliveryRow {
    fn new(delivery: Delivery, changes: Vec<RepoChange>, jobs: &[JobRequest]) -> Result<Self> {
        let (repos, installations, triggers) = job_columns(jobs)?;
        Ok(Self {
            delivery,
            changes,
            repos,
            installations,
            triggers,
        })
    }

    async fn record(
        &self,
        client: &impl GenericClient,
        statement: &tokio_postgres::Statement,
    ) -> Result<Recorded> {
        let repo = self.delivery.repo.as_ref().map(RepoName::as_str);
        let row = client
            .query_one(
                statement,
                &[
                    &self.delivery.id,
                    &self.delivery.event,
                    &self.delivery.action,
                    &repo,
                    &self.delivery.received_at,
                    &self.repos,
                    &self.installations,
                    &self.triggers,
                ],
            )
            .await
            .map_err(pg)?;
        if row.get::<_, i64>(0) == 0 {
            return Ok(Recorded::Duplicate);
        }
        for change in &self.changes {
            apply_change(client, change).await?;
        }
        Ok(Recorded::New)
    }
}

/// A delivery waiting for the next group commit, and where its answer goes.
pub(super) struct PendingDelivery {
    row: DeliveryRow,
    reply: RecordReply,
}

/// Most deliveries one transaction records.
const GROUP_COMMIT_LIMIT: usize = 256;

/// Group commits under way at once: each statement of a group is a round trip, so one
/// group at a time would bound the deliveries per second by the round trip's time; more than
/// a few split the waiting deliveries into small groups, each with a flush of its own (on two
/// cores, 4 gave the most deliveries per second and the shortest tail; 2 and 8 fewer).
const GROUP_COMMITTERS: usize = 4;

/// The way into the group commits: starts [`GROUP_COMMITTERS`] of them on `runtime`.
pub(super) fn start_group_commits(
    runtime: &tokio::runtime::Runtime,
    pool: &Pool,
) -> UnboundedSender<PendingDelivery> {
    let (deliveries, pending) = tokio::sync::mpsc::unbounded_channel();
    let pending = Arc::new(Mutex::new(pending));
    for _ in 0..GROUP_COMMITTERS {
        runtime.spawn(record_in_groups(pool.clone(), pending.clone()));
    }
    deliveries
}

impl PendingDelivery {
    /// A delivery ready for the next group commit; the reply back when its jobs cannot be
    /// written down.
    pub(super) fn new(
        delivery: Delivery,
        changes: Vec<RepoChange>,
        jobs: &[JobRequest],
        reply: RecordReply,
    ) -> std::result::Result<Self, (StoreError, RecordReply)> {
        match DeliveryRow::new(delivery, changes, jobs) {
            Ok(row) => Ok(Self { row, reply }),
            Err(e) => Err((e, reply)),
        }
    }
}

/// Records the deliveries waiting at a time in one transaction, so that many concurrent
/// deliveries share one commit (and one flush of the log to disk) while each is still on
/// disk before it is answered. Rows go in by delivery id, so that concurrent batches, of
/// this instance or another, take their locks in one order and never wait for each other in
/// a circle. Should a batch fail, each delivery in it is tried alone, so that one bad row
/// fails only itself.
async fn record_in_groups(pool: Pool, pending: Arc<Mutex<UnboundedReceiver<PendingDelivery>>>) {
    loop {
        let mut batch = {
            let mut pending = pending.lock().await;
            let Some(first) = pending.recv().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < GROUP_COMMIT_LIMIT {
                match pending.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            batch
        };
        batch.sort_by(|a, b| a.row.delivery.id.cmp(&b.row.delivery.id));
        match record_group(&pool, &batch).await {
            Ok(recorded) => {
                for (waiting, recorded) in batch.into_iter().zip(recorded) {
                    (waiting.reply)(Ok(recorded));
                }
            }
            Err(e) if batch.len() == 1 => {
                if let Some(waiting) = batch.pop() {
                    (waiting.reply)(Err(e));
                }
            }
            Err(_) => {
                for waiting in batch {
                    let alone = record_group(&pool, std::slice::from_ref(&waiting))
                        .await
                        .map(|recorded| recorded[0]);
                    (waiting.reply)(alone);
                }
            }
        }
    }
}

async fn record_group(pool: &Pool, batch: &[PendingDelivery]) -> Result<Vec<Recorded>> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let only_adds = batch.iter().all(|waiting| {
        (waiting.row.changes.iter()).all(|change| matches!(change, RepoChange::Add(..)))
    });
    if only_adds {
        return record_in_one_statement(&client, batch).await;
    }
    let statement = client.prepare_cached(RECORD_DELIVERY).await.map_err(pg)?;
    let tx = client.transaction().await.map_err(pg)?;
    let mut recorded = Vec::with_capacity(batch.len());
    for waiting in batch {
        recorded.push(waiting.row.record(&tx, &statement).await?);
    }
    tx.commit().await.map_err(pg)?;
    Ok(recorded)
}

/// [`RECORD_DELIVERIES`]'s columns for a batch, and which deliveries it sends: the first
/// of each id, a later one in the same batch being a redelivery.
#[derive(Default)]
struct DeliveryColumns {
    sent: Vec<bool>,
    ids: Vec<String>,
    events: Vec<String>,
    actions: Vec<Option<String>>,
    repos: Vec<Option<String>>,
    received_at: Vec<i64>,
    job_deliveries: Vec<String>,
    job_repos: Vec<String>,
    job_installations: Vec<i64>,
    job_triggers: Vec<String>,
    add_deliveries: Vec<String>,
    add_repos: Vec<String>,
    add_installations: Vec<i64>,
}

impl DeliveryColumns {
    fn new(batch: &[PendingDelivery]) -> Self {
        let mut columns = Self::default();
        let mut seen = std::collections::HashSet::new();
        for DeliveryRow {
            delivery,
            changes,
            repos,
            installations,
            triggers,
        } in batch.iter().map(|waiting| &waiting.row)
        {
            let first = seen.insert(delivery.id.as_str());
            columns.sent.push(first);
            if !first {
                continue;
            }
            columns.ids.push(delivery.id.clone());
            columns.events.push(delivery.event.clone());
            columns.actions.push(delivery.action.clone());
            columns
                .repos
                .push(delivery.repo.as_ref().map(RepoName::to_string));
            columns.received_at.push(delivery.received_at);
            for ((repo, installation), trigger) in repos.iter().zip(installations).zip(triggers) {
                columns.job_deliveries.push(delivery.id.clone());
                columns.job_repos.push(repo.clone());
                columns.job_installations.push(*installation);
                columns.job_triggers.push(trigger.clone());
            }
            for change in changes {
                if let RepoChange::Add(repo, installation) = change {
                    columns.add_deliveries.push(delivery.id.clone());
                    columns.add_repos.push(repo.to_string());
                    columns.add_installations.push(installation.0 as i64);
                }
            }
        }
        columns
    }
}

/// A batch whose only repository changes are "installed" recorded by one statement: one
/// round trip, and a transaction of its own.
async fn record_in_one_statement(
    client: &deadpool_postgres::Object,
    batch: &[PendingDelivery],
) -> Result<Vec<Recorded>> {
    let columns = DeliveryColumns::new(batch);
    let statement = client.prepare_cached(RECORD_DELIVERIES).await.map_err(pg)?;
    let new: std::collections::HashSet<String> = client
        .query(
            &statement,
            &[
                &columns.ids,
                &columns.events,
                &columns.actions,
                &columns.repos,
                &columns.received_at,
                &columns.job_deliveries,
                &columns.job_repos,
                &columns.job_installations,
                &columns.job_triggers,
                &columns.add_deliveries,
                &columns.add_repos,
                &columns.add_installations,
            ],
        )
        .await
        .map_err(pg)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    Ok(batch
        .iter()
        .zip(&columns.sent)
        .map(|(waiting, &sent)| {
            if sent && new.contains(&waiting.row.delivery.id) {
                Recorded::New
            } else {
                Recorded::Duplicate
            }
        })
        .collect())
}

/// The columns of the jobs a delivery or the sweep queues, as arrays for `unnest`.
pub(super) fn job_columns(jobs: &[JobRequest]) -> Result<(Vec<String>, Vec<i64>, Vec<String>)> {
    let mut columns = (
        Vec::with_capacity(jobs.len()),
        Vec::with_capacity(jobs.len()),
        Vec::with_capacity(jobs.len()),
    );
    for job in jobs {
        columns.0.push(job.repo.to_string());
        columns.1.push(job.installation.0 as i64);
        columns
            .2
            .push(serde_json::to_string(&job.trigger).map_err(corrupt)?);
    }
    Ok(columns)
}

async fn apply_change(client: &impl GenericClient, change: &RepoChange) -> Result<()> {
    match change {
        // Nearly every delivery says its repository is installed, which it already is: that
        // case reads the row and locks nothing, so deliveries for one repository recorded
        // by different instances do not wait for each other. One new (or back) may have open
        // work until a reconcile says otherwise, so that the sweep heals it even if its first
        // reconciles never got through.
        RepoChange::Add(repo, installation) => {
            client
                .execute(
                    "INSERT INTO repos (repo, installation, active, open_work)
                     SELECT $1, $2, TRUE, TRUE
                     WHERE NOT EXISTS (SELECT 1 FROM repos
                                       WHERE repo = $1 AND installation = $2 AND active)
                     ON CONFLICT (repo) DO UPDATE
                     SET installation = excluded.installation, active = TRUE,
                         open_work = repos.open_work OR NOT repos.active",
                    &[&repo.as_str(), &(installation.0 as i64)],
                )
                .await
        }
        RepoChange::Remove(repo) => {
            client
                .execute(
                    "UPDATE repos SET active = FALSE, open_work = FALSE WHERE repo = $1",
                    &[&repo.as_str()],
                )
                .await
        }
        RepoChange::RemoveInstallation(installation) => {
            client
                .execute(
                    "UPDATE repos SET active = FALSE, open_work = FALSE WHERE installation = $1",
                    &[&(installation.0 as i64)],
                )
                .await
        }
    }
    .map(drop)
    .map_err(pg)
}
