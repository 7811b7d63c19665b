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
pub use read::TaskInputs;

use crate::assign::StatusIssue;
use crate::ids::IssueNumber;
use crate::pulls::{PullPlan, PullSnapshot};
use crate::reconcile::error::ReconcileError;
use crate::reconcile::open_work;
use crate::tasks::{self, BoardChange};

/// Reads what the task rules need, when tasks are in play or an event may start them; `None`
/// when nothing in the repository concerns them. Read before anything is written, so that a
/// status board the plan opens can go out before the runs that link to it.
pub async fn read_tasks(ctx: &Context<'_>) -> Result<Option<TaskInputs>, ReconcileError> {
    let active = open_work::tasks_in_play(ctx.store, ctx.repo()).await?;
    if !active && !ctx.reads.stale().concerns_tasks() {
        return Ok(None);
    }
    read::read(ctx).await
}

/// The task plan, with the pull requests' merge order and overlaps as `order` has them.
fn plan_tasks(ctx: &Context<'_>, inputs: &mut TaskInputs, order: &PullPlan) -> tasks::Plan {
    tasks::with_pulls(&mut inputs.snapshot, &ctx.main.open_prs, order);
    tasks::plan(&inputs.snapshot)
}

/// Opens the status board now when the plan opens one, so that the runs written after it
/// carry its link; returns the link. The rest of the task plan is written later, and the
/// board's body is brought up to date then.
pub async fn open_board_first(
    ctx: &Context<'_>,
    inputs: &mut TaskInputs,
    order: &PullPlan,
) -> Result<Option<String>, ReconcileError> {
    if inputs.snapshot.status_issue.is_some() {
        return Ok(None);
    }
    let plan = plan_tasks(ctx, inputs, order);
    let Some(change @ BoardChange::Create { body, .. }) = &plan.board_change else {
        return Ok(None);
    };
    let Some(number) = write::write_board(ctx, change, &mut inputs.open).await? else {
        return Ok(None);
    };
    inputs.snapshot.status_issue = Some(StatusIssue {
        number,
        body: body.clone(),
    });
    Ok(Some(board_url(ctx.main, number)))
}

/// The status board's page.
pub fn board_url(main: &PullSnapshot, number: IssueNumber) -> String {
    format!("{}/issues/{}", main.repo_url, number.0)
}

/// Writes the task plan, when [`read_tasks`] read one. Returns whether tasks are in play now.
pub async fn write_tasks(
    ctx: &Context<'_>,
    inputs: Option<TaskInputs>,
    order: &PullPlan,
) -> Result<bool, ReconcileError> {
    let Some(mut inputs) = inputs else {
        return Ok(false);
    };
    let plan = plan_tasks(ctx, &mut inputs, order);
    write::apply(ctx, &mut inputs, &plan).await?;
    let config = &ctx.main.config;
    let active = !inputs.ledger.assignments.is_empty()
        || inputs.snapshot.status_issue.is_some()
        || matches!(plan.board_change, Some(BoardChange::Create { .. }))
        || inputs
            .open
            .values()
            .any(|issue| read::has_task_labels(config, &issue.label_names()));
    Ok(active)
}
