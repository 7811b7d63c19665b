//! Reconcile one repository: snapshot → plan (pure) → apply (only what differs).

mod apply;
mod cache;
mod config_files;
mod diffs;
mod error;
mod handoff;
mod issue_by_number;
mod merge_group;
mod open_work;
mod publish;
mod snapshot;
mod stale;
mod tasks;

pub use apply::{Runs, apply_check_runs, apply_comments};
pub use error::ReconcileError;
pub use publish::BOARD_KEY;
pub use snapshot::{Reading, StartingPoint, take_snapshot};

use crate::github::{GitHubApp, GitHubError, RepoClient};
use crate::ids::AppId;
use crate::jobs::ClaimedJobs;
use crate::pulls::{self, CheckRunSpec, PullPlan, PullSnapshot, config_check};
use crate::queue::{JobError, Reconcile};
use crate::store::{self, SharedStore, StoreError};
use cache::Reads;
use open_work::OpenWork;
use stale::Stale;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub struct Reconciler {
    pub app: Arc<GitHubApp>,
    pub store: SharedStore,
}

/// Only an answer GitHub would give again fails a job: a 4xx other than an expired token
/// (401, renewed on the next try), a timeout (408) or a rate limit (429). An outage, however
/// long (5xx, no connection, timeouts), is waited out.
impl From<GitHubError> for JobError {
    fn from(e: GitHubError) -> Self {
        match e {
            GitHubError::RateLimited { until } => JobError::RateLimited {
                until,
                reason: "GitHub's rate limit".into(),
            },
            GitHubError::Status { status, .. }
                if (400..500).contains(&status) && ![401, 408, 429].contains(&status) =>
            {
                JobError::Permanent {
                    reason: format!("github_{status}"),
                    message: e.to_string(),
                }
            }
            other => JobError::Transient(other.to_string()),
        }
    }
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> Self {
        JobError::Transient(e.to_string())
    }
}

impl From<ReconcileError> for JobError {
    fn from(e: ReconcileError) -> Self {
        match e {
            ReconcileError::GitHub(e) => e.into(),
            ReconcileError::Store(e) => e.into(),
            // A plan that panics on a snapshot panics on it again.
            ReconcileError::Plan(reason) => JobError::Permanent {
                reason: "plan".into(),
                message: reason,
            },
        }
    }
}

impl Reconciler {
    async fn run(&self, claim: &ClaimedJobs) -> Result<(), JobError> {
        match self.attempt(claim).await {
            Err(ReconcileError::GitHub(e)) if e.status() == Some(401) => {
                // GitHub no longer takes the token we hold (revoked, or expired early):
                // the next try asks for a new one.
                self.app.forget_token(claim.installation).await;
                Err(ReconcileError::GitHub(e).into())
            }
            other => other.map_err(JobError::from),
        }
    }

    async fn attempt(&self, claim: &ClaimedJobs) -> Result<(), ReconcileError> {
        let repo = claim.repo.clone();
        if !store::blocking(&self.store, move |s| s.is_active(&repo)).await? {
            tracing::info!(repo = %claim.repo, "not installed any more; nothing to do");
            return Ok(());
        }
        let client = RepoClient::new(
            self.app.installation(claim.installation).await?,
            claim.repo.clone(),
        );
        let app_id = self.app.app_id();
        let reads = Reads::new(Stale::of(&claim.triggers));
        merge_group::publish(&client, &self.store, &reads, app_id).await?;
        if reads.stale().only_merge_groups() {
            return Ok(());
        }
        let mut reading = match take_snapshot(&client, &self.store, &reads).await? {
            StartingPoint::Snapshot(reading) => *reading,
            StartingPoint::BrokenConfig {
                errors,
                config_changes,
                rerequested,
            } => {
                // The rules are broken on the default branch: change nothing else, so what
                // was published under the last good rules stays.
                tracing::warn!(repo = %claim.repo, errors = %errors.render(crate::config::CONFIG_PATH), "configuration error");
                let checks: Vec<CheckRunSpec> = config_changes.iter().map(config_check).collect();
                apply_check_runs(
                    &client,
                    &self.store,
                    app_id,
                    &checks,
                    &rerequested,
                    Runs::All,
                )
                .await?;
                return Ok(());
            }
        };
        let publisher = Publisher {
            client: &client,
            store: &self.store,
            app_id,
            reads: &reads,
        };
        let mut tasks = tasks::read_tasks(&publisher.tasks(&reading.snapshot)).await?;
        // A large snapshot (a first reconcile) is published as it is read: each batch's new
        // heads get their runs before the next batch is read, so the first runs go out within
        // seconds rather than after every PR is read.
        let mut batch = FIRST_BATCH;
        while reading.unread() > batch {
            reading
                .read_next(&client, &self.store, &reads, batch)
                .await?;
            let (partial, plan) = publisher.plan(reading.partial(), &mut tasks).await?;
            if partial.board_url.is_some() {
                reading.snapshot.board_url.clone_from(&partial.board_url);
            }
            publisher.runs(&partial, &plan, Runs::New).await?;
            batch *= 2;
        }
        let snapshot = reading.finish(&client, &self.store, &reads).await?;
        let (snapshot, plan) = publisher.plan(snapshot, &mut tasks).await?;
        // New heads' runs first, then the runs that changed, the comments, the tasks and,
        // last, the board's body.
        publisher.runs(&snapshot, &plan, Runs::All).await?;
        apply_comments(&client, &self.store, app_id, &plan.comments).await?;
        handoff::apply_handoffs(&client, &self.store, app_id, &plan.handoffs).await?;
        let open = OpenWork {
            pull_requests: !plan.check_runs.is_empty(),
            tasks: tasks::write_tasks(&publisher.tasks(&snapshot), tasks, &plan).await?,
        };
        open_work::save(&self.store, &claim.repo, open).await?;
        Ok(())
    }
}

/// PRs read from GitHub before the first runs of a large snapshot go out; each batch after it
/// is twice the one before.
const FIRST_BATCH: usize = 25;

/// What one reconcile plans and writes with.
struct Publisher<'a> {
    client: &'a RepoClient,
    store: &'a SharedStore,
    app_id: AppId,
    reads: &'a Reads,
}

impl Publisher<'_> {
    fn tasks<'s>(&'s self, main: &'s PullSnapshot) -> tasks::Context<'s> {
        tasks::Context {
            client: self.client,
            store: self.store,
            app_id: self.app_id,
            reads: self.reads,
            main,
        }
    }

    /// Plans the snapshot. When the task plan opens the status board, it is opened first and
    /// the snapshot planned again with its link, so that no run goes out without it.
    async fn plan(
        &self,
        snapshot: PullSnapshot,
        tasks: &mut Option<tasks::TaskInputs>,
    ) -> Result<(PullSnapshot, PullPlan), ReconcileError> {
        let (mut snapshot, plan) = plan_off_the_executor(snapshot).await?;
        let Some(inputs) = tasks.as_mut() else {
            return Ok((snapshot, plan));
        };
        let opened = tasks::open_board_first(&self.tasks(&snapshot), inputs, &plan).await?;
        match opened {
            Some(url) => {
                snapshot.board_url = Some(url);
                plan_off_the_executor(snapshot).await
            }
            None => Ok((snapshot, plan)),
        }
    }

    async fn runs(
        &self,
        snapshot: &PullSnapshot,
        plan: &PullPlan,
        runs: Runs,
    ) -> Result<(), ReconcileError> {
        apply_check_runs(
            self.client,
            self.store,
            self.app_id,
            &plan.check_runs,
            &snapshot.rerequested,
            runs,
        )
        .await
    }
}

/// The overlap threads and the merge order's search are CPU work of up to seconds: they run
/// on the blocking pool, so the async workers keep serving other repositories.
async fn plan_off_the_executor(
    snapshot: PullSnapshot,
) -> Result<(PullSnapshot, PullPlan), ReconcileError> {
    tokio::task::spawn_blocking(move || {
        let plan = pulls::plan(&snapshot);
        (snapshot, plan)
    })
    .await
    .map_err(|e| ReconcileError::Plan(e.to_string()))
}

impl Reconcile for Reconciler {
    fn reconcile<'a>(
        &'a self,
        claim: &'a ClaimedJobs,
    ) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(self.run(claim))
    }
}
