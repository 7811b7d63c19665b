//! Tasks: labelled issues assigned to lanes, gated on their dependencies, commands in
//! comments, and the status board. The rules are [`crate::assign`]'s pure plan; this is the
//! I/O around it: read its snapshot from GitHub and the store, then write only what differs.
//!
//! A repository that has never used them costs nothing: the task part runs only for events
//! about issues and comments, on a full reconcile, or once the store says tasks are in play.

mod commands;
mod context;
mod github;
mod issues;
mod links;
mod merged;
mod plans;
mod read;
mod stored;
mod write;

pub use context::Context;

use crate::jobs::Trigger;
use crate::reconcile::error::ReconcileError;
use crate::reconcile::open_work;
use crate::tasks::{self, BoardChange};

/// Reconciles the repository's tasks when they are in play or an event may start them.
/// Returns whether tasks are in play now.
pub async fn reconcile_tasks(ctx: &Context<'_>) -> Result<bool, ReconcileError> {
    let active = open_work::tasks_in_play(ctx.store, ctx.repo()).await?;
    if !active && !concerns_tasks(ctx.triggers) {
        return Ok(false);
    }
    let Some(mut inputs) = read::read(ctx).await? else {
        return Ok(false);
    };
    let plan = tasks::plan(&inputs.snapshot);
    write::apply(ctx, &mut inputs, &plan).await?;
    let config = &ctx.main.config;
    let active = !inputs.records.assignments.is_empty()
        || inputs.snapshot.status_issue.is_some()
        || matches!(plan.board_change, Some(BoardChange::Create { .. }))
        || inputs
            .open
            .values()
            .any(|issue| read::has_task_labels(config, &issue.label_names()));
    Ok(active)
}

/// Events that may start tasks where none are in play.
fn concerns_tasks(triggers: &[Trigger]) -> bool {
    triggers.iter().any(|trigger| {
        matches!(
            trigger,
            Trigger::Full | Trigger::Issue(_) | Trigger::Dependencies(_) | Trigger::Command { .. }
        )
    })
}
