//! The task plan written to GitHub, in the order its docs ask for so that a crash part-way
//! leaves a state the next plan repairs: labels, branches, each task's comment, labels and
//! assignees, the ledger, the answers to commands, the board.

use super::context::Context;
use super::read::TaskInputs;
use super::stored::{self, OpenIssues, repo_key, save_ledger};
use crate::assign::{CommandOutcome, LabelSpec, TaskState, same_label};
use crate::github::models::{GhIssue, Label, Login};
use crate::github::{GitHubError, NewLabel};
use crate::ids::IssueNumber;
use crate::reconcile::cache::store_cache;
use crate::reconcile::error::ReconcileError;
use crate::reconcile::publish::{self, BOARD_KEY, Comment, assignment_comment_key};
use crate::store::{self, CacheKind};
use crate::tasks::{BoardChange, CommentChange, Plan, TaskPlan};
use crate::text::assign::is_assign_comment;
use std::collections::BTreeSet;

pub async fn apply(
    ctx: &Context<'_>,
    inputs: &mut TaskInputs,
    plan: &Plan,
) -> Result<(), ReconcileError> {
    create_labels(ctx, &inputs.snapshot.labels, &plan.labels_to_create).await?;
    create_branches(ctx, &inputs.snapshot.branches, plan).await?;
    for task in &plan.tasks {
        write_task(ctx, task, &mut inputs.open).await?;
    }
    inputs.ledger.apply(&plan.records);
    inputs.ledger.forget(&inputs.gone);
    // Each command is on record as handled together with the ledger, once its answer is
    // out: a failure further on answers again only the commands not answered yet.
    for outcome in &plan.commands {
        answer_command(ctx, outcome).await?;
        save_ledger(ctx.store, ctx.repo(), &inputs.ledger, vec![outcome.comment]).await?;
    }
    let deleted = inputs.deleted_commands.clone();
    save_ledger(ctx.store, ctx.repo(), &inputs.ledger, deleted).await?;
    if let Some(change) = &plan.board_change {
        write_board(ctx, change, &mut inputs.open).await?;
    }
    stored::save(ctx.store, CacheKind::OpenIssues, ctx.repo(), &inputs.open).await?;
    Ok(())
}

/// Creates the labels the tasks need, with a colour and a description.
async fn create_labels(
    ctx: &Context<'_>,
    known: &[String],
    specs: &[LabelSpec],
) -> Result<(), ReconcileError> {
    let mut known = known.to_vec();
    for spec in specs {
        let label = NewLabel {
            name: &spec.name,
            color: &spec.color,
            description: &spec.description,
        };
        // GitHub's 422 here says the label exists already: made by someone meanwhile.
        ignore_status(ctx.client.create_label(&label).await, 422)?;
        known.push(spec.name.clone());
        stored::save(ctx.store, CacheKind::Labels, ctx.repo(), &known).await?;
    }
    Ok(())
}

/// Creates the lane branches the plan needs from the head of the default branch. A branch
/// the App knew of is looked up again when a new task starts on it: merged lanes' branches
/// are often deleted.
async fn create_branches(
    ctx: &Context<'_>,
    known: &[String],
    plan: &Plan,
) -> Result<(), ReconcileError> {
    let assigned: BTreeSet<IssueNumber> = plan.records.assigned.iter().map(|r| r.issue).collect();
    let mut wanted: Vec<&String> = plan.branches_to_create.iter().collect();
    for task in plan.tasks.iter().filter(|t| assigned.contains(&t.issue)) {
        let TaskState::Assigned(assignment) = &task.state else {
            continue;
        };
        let branch = &assignment.branch;
        if !wanted.contains(&branch) && !ctx.client.has_branch(branch).await? {
            wanted.push(branch);
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let mut known = known.to_vec();
    for branch in wanted {
        let created = ctx
            .client
            .create_branch(branch, &ctx.main.default_head)
            .await;
        // GitHub's 422 here says the branch exists already.
        ignore_status(created, 422)?;
        if !known.contains(branch) {
            known.push(branch.clone());
        }
        stored::save(ctx.store, CacheKind::Branches, ctx.repo(), &known).await?;
    }
    Ok(())
}

/// One task's comment, labels and assignees; the stored copy of the issue follows.
async fn write_task(
    ctx: &Context<'_>,
    task: &TaskPlan,
    open: &mut OpenIssues,
) -> Result<(), ReconcileError> {
    let (client, issue) = (ctx.client, task.issue);
    if let Some(change) = &task.comment {
        write_comment(ctx, task.issue, change).await?;
    }
    if !task.add_labels.is_empty() {
        client.add_labels(issue, &task.add_labels).await?;
    }
    for label in &task.remove_labels {
        // Gone already: someone removed it meanwhile.
        ignore_status(client.remove_label(issue, label).await, 404)?;
    }
    if !task.add_assignees.is_empty() {
        client.add_assignees(issue, &task.add_assignees).await?;
    }
    if !task.remove_assignees.is_empty() {
        client
            .remove_assignees(issue, &task.remove_assignees)
            .await?;
    }
    if let Some(stored) = open.get_mut(&task.issue) {
        follow(stored, task);
    }
    Ok(())
}

/// The stored copy of an issue after the task's writes, as GitHub now has it.
fn follow(issue: &mut GhIssue, task: &TaskPlan) {
    issue
        .labels
        .retain(|l| !task.remove_labels.iter().any(|r| same_label(r, &l.name)));
    for name in &task.add_labels {
        if !issue.labels.iter().any(|l| same_label(&l.name, name)) {
            issue.labels.push(Label { name: name.clone() });
        }
    }
    issue.assignees.retain(|a| {
        !task
            .remove_assignees
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&a.login))
    });
    for login in &task.add_assignees {
        if !issue
            .assignees
            .iter()
            .any(|a| a.login.eq_ignore_ascii_case(login))
        {
            issue.assignees.push(Login {
                login: login.clone(),
            });
        }
    }
}

/// Writes the App's one comment on an issue, through the one publisher, and keeps its text.
async fn write_comment(
    ctx: &Context<'_>,
    issue: IssueNumber,
    change: &CommentChange,
) -> Result<(), ReconcileError> {
    let (known, body) = match change {
        CommentChange::Update { id, body } => (Some(*id), body),
        CommentChange::Create { body } => (None, body),
    };
    let comment = Comment {
        key: assignment_comment_key(issue),
        issue,
        body,
        is_ours: is_assign_comment,
    };
    let id = publish::comment(ctx.client, ctx.store, ctx.app_id, &comment, known, true).await?;
    store_cache(
        ctx.store,
        CacheKind::CommentBody,
        repo_key(ctx.repo(), id),
        body,
    )
    .await?;
    Ok(())
}

/// Reacts to each command comment and replies where there is something to say; then the
/// comment is recorded as handled, so a later event never answers it twice.
/// Reacts to a command and posts its reply.
async fn answer_command(ctx: &Context<'_>, outcome: &CommandOutcome) -> Result<(), ReconcileError> {
    if let Some(reaction) = outcome.reaction {
        let reacted = ctx.client.react(outcome.comment, reaction).await;
        // Deleted meanwhile: there is nothing left to react to.
        ignore_status(reacted, 404)?;
    }
    if let Some(reply) = &outcome.reply {
        ctx.client.post_comment(outcome.issue, reply).await?;
    }
    Ok(())
}

/// Opens the status issue, or edits its body; returns its number. One deleted by hand is
/// forgotten, so the next reconcile opens a new one.
pub async fn write_board(
    ctx: &Context<'_>,
    change: &BoardChange,
    open: &mut OpenIssues,
) -> Result<Option<IssueNumber>, ReconcileError> {
    let (written, body) = match change {
        BoardChange::Create { title, body } => {
            let created = ctx.client.create_issue(title, body).await?;
            let digest = publish::digest(body);
            publish::record(ctx.store, ctx.client, BOARD_KEY, created.number.0, digest).await?;
            (created, body)
        }
        BoardChange::Update { issue, body } => {
            match ctx.client.edit_issue_body(*issue, body).await {
                Ok(edited) => (edited, body),
                Err(e) if matches!(e.status(), Some(404 | 410)) => {
                    publish::forget(ctx.store, ctx.client, BOARD_KEY).await?;
                    let repo = ctx.repo().clone();
                    store::blocking(ctx.store, move |s| {
                        s.cache_delete(CacheKind::BoardBody, repo.as_str())
                    })
                    .await?;
                    return Ok(None);
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    store_cache(
        ctx.store,
        CacheKind::BoardBody,
        ctx.repo().to_string(),
        body,
    )
    .await?;
    let number = written.number;
    if written.is_open() {
        open.insert(written.number, written);
    }
    Ok(Some(number))
}

/// A write whose failure with `status` means what it was to do is done already.
fn ignore_status<T>(result: Result<T, GitHubError>, status: u16) -> Result<(), GitHubError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.status() == Some(status) => Ok(()),
        Err(e) => Err(e),
    }
}
