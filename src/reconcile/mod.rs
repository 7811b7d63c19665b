//! Reconcile one repository: snapshot → plan (pure) → apply (only what differs).

mod apply;
mod cache;
mod changes;
mod config_files;
mod merge_group;
mod plan;
mod snapshot;
mod tasks;

pub use apply::{CheckRunSpec, CommentSpec, apply_check_runs, apply_comments};
pub use plan::{Annotation, Plan, config_check, plan};
pub use snapshot::{BOARD_KEY, Snapshot, Taken, take_snapshot};

use crate::github::{GitHubApp, GitHubError};
use crate::jobs::Claim;
use crate::queue::{JobError, Reconcile};
use crate::store::{self, SharedStore, StoreError};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub struct Reconciler {
    pub app: Arc<GitHubApp>,
    pub store: SharedStore,
}

impl From<GitHubError> for JobError {
    fn from(e: GitHubError) -> Self {
        match e {
            GitHubError::RateLimited { until } => JobError::RateLimited {
                until,
                reason: "GitHub's rate limit".into(),
            },
            GitHubError::Status { status: 404, .. } | GitHubError::Status { status: 410, .. } => {
                JobError::Permanent(e.to_string())
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

/// What stops one reconcile; the queue decides from it whether to try again.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ReconcileError> for JobError {
    fn from(e: ReconcileError) -> Self {
        match e {
            ReconcileError::GitHub(e) => e.into(),
            ReconcileError::Store(e) => e.into(),
        }
    }
}

impl Reconciler {
    async fn run(&self, claim: &Claim) -> Result<(), JobError> {
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

    async fn attempt(&self, claim: &Claim) -> Result<(), ReconcileError> {
        let repo = claim.repo.clone();
        if !store::blocking(&self.store, move |s| s.is_active(&repo)).await? {
            tracing::info!(repo = %claim.repo, "not installed any more; nothing to do");
            return Ok(());
        }
        let client = self.app.installation(claim.installation).await?;
        let app_id = self.app.app_id();
        merge_group::publish(&client, &self.store, &claim.repo, app_id, &claim.triggers).await?;
        if merge_group::only_merge_groups(&claim.triggers) {
            return Ok(());
        }
        let snapshot = match take_snapshot(&client, &self.store, claim).await? {
            Taken::Snapshot(snapshot) => snapshot,
            Taken::BrokenConfig {
                errors,
                config_changes,
                rerequested,
            } => {
                // The rules are broken on the default branch: change nothing else, so what
                // was published under the last good rules stays.
                tracing::warn!(repo = %claim.repo, errors = %errors.render(crate::config::CONFIG_PATH), "configuration error");
                let checks: Vec<CheckRunSpec> = config_changes.iter().map(config_check).collect();
                let app_id = self.app.app_id();
                apply_check_runs(
                    &client,
                    &self.store,
                    &claim.repo,
                    app_id,
                    &checks,
                    &rerequested,
                )
                .await?;
                return Ok(());
            }
        };
        let plan = plan(&snapshot);
        apply_check_runs(
            &client,
            &self.store,
            &claim.repo,
            self.app.app_id(),
            &plan.check_runs,
            &snapshot.rerequested,
        )
        .await?;
        apply_comments(
            &client,
            &self.store,
            &claim.repo,
            self.app.app_id(),
            &plan.comments,
        )
        .await?;
        let tasks = tasks::Context {
            client: &client,
            store: &self.store,
            app_id: self.app.app_id(),
            triggers: &claim.triggers,
            main: &snapshot,
            order: &plan,
        };
        let tasks_in_play = tasks::reconcile_tasks(&tasks).await?;
        let repo = claim.repo.clone();
        let open = !plan.check_runs.is_empty() || tasks_in_play;
        store::blocking(&self.store, move |s| s.set_open_work(&repo, open)).await?;
        Ok(())
    }
}

impl Reconcile for Reconciler {
    fn reconcile<'a>(
        &'a self,
        claim: &'a Claim,
    ) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(self.run(claim))
    }
}
