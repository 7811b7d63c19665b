//! The task rules' snapshot, read from GitHub and the store. Whatever the events did not
//! touch comes from the store, so a reconcile with nothing new costs next to no calls.

use super::commands;
use super::context::Context;
use super::issues::Issues;
use super::merged;
use super::plans;
use super::stored::{self, OpenIssues, load_ledger, repo_key};
use crate::assign::{
    self, BLOCKED_LABEL, ExistingComment, QUEUED_LABEL, StatusIssue, TaskLedger, agent_label_name,
    same_label,
};
use crate::config::Config;
use crate::ids::{CommentId, IssueNumber};
use crate::reconcile::cache::{cached, store_cache};
use crate::reconcile::error::ReconcileError;
use crate::reconcile::publish::{self, BOARD_KEY, assignment_comment_key};
use crate::store::{self, CacheKind};
use crate::text::assign::is_status_board;

/// What one reconcile read: the rules' snapshot, and what the writes keep up to date.
pub struct TaskInputs {
    pub snapshot: assign::Snapshot,
    pub open: OpenIssues,
    pub ledger: TaskLedger,
    /// Issues with assignment records that GitHub no longer has.
    pub gone: Vec<IssueNumber>,
    /// Command comments deleted before they were read.
    pub deleted_commands: Vec<CommentId>,
}

/// `None` when nothing in the repository concerns the task rules: no issue with their
/// labels, no assignment, no command and no status board.
pub async fn read(ctx: &Context<'_>) -> Result<Option<TaskInputs>, ReconcileError> {
    let mut issues = Issues::read(ctx).await?;
    let mut ledger = load_ledger(ctx.store, ctx.repo()).await?;
    let pending = commands::pending(ctx).await?;
    let status_issue = status_issue(ctx, &mut issues).await?;
    let config = &ctx.main.config;
    let mut task_issues: Vec<IssueNumber> = issues
        .open
        .values()
        .filter(|issue| has_task_labels(config, &issue.label_names()))
        .map(|issue| issue.number)
        .collect();
    task_issues.extend(ledger.assignments.iter().map(|r| r.issue));
    task_issues.extend(pending.issues());
    if task_issues.is_empty() && pending.is_empty() && status_issue.is_none() {
        return Ok(None);
    }
    let plans = plans::read(ctx, &mut issues).await?;
    task_issues.extend(plans.values().flatten());
    let (mut found, gone) = issues.with_dependencies(ctx, task_issues).await?;
    for issue in &mut found {
        if let Some(subs) = plans.get(&issue.number) {
            issue.sub_issues = subs.clone();
        }
    }
    let open_issues = &issues.open;
    merged::track(ctx, &mut ledger, |issue| open_issues.contains_key(&issue)).await?;
    let snapshot = assign::Snapshot {
        config: config.clone(),
        repo: ctx.repo().clone(),
        now: chrono::Utc::now(),
        comments: own_comments(ctx, &found).await?,
        issues: found,
        // Filled in from the pull requests' plan by `tasks::with_pulls`, once it is made.
        open_prs: Vec::new(),
        merged_prs: ledger.merged.clone(),
        branches: stored::load(ctx.store, CacheKind::Branches, ctx.repo()).await?,
        labels: labels(ctx).await?,
        assignments: ledger.assignments.clone(),
        completions: ledger.completions.clone(),
        was_blocked: ledger.was_blocked.clone(),
        status_issue,
        merge_queue: None,
        commands: commands::command_comments(ctx, &pending, &mut issues).await?,
    };
    Ok(Some(TaskInputs {
        snapshot,
        open: issues.open,
        ledger,
        gone,
        deleted_commands: pending.deleted,
    }))
}

/// Whether an issue's labels put it in the rules' hands: the trigger label, an agent label,
/// or the labels the App uses for waiting.
pub fn has_task_labels(config: &Config, labels: &[String]) -> bool {
    labels.iter().any(|label| {
        same_label(label, &config.trigger_label)
            || same_label(label, QUEUED_LABEL)
            || same_label(label, BLOCKED_LABEL)
            || agent_label_name(label).is_some()
    })
}

/// The App's assignment comment on each issue that has one, found by the id recorded when it
/// was written; its text is kept beside the id, or read again when it is not.
async fn own_comments(
    ctx: &Context<'_>,
    issues: &[assign::Issue],
) -> Result<Vec<ExistingComment>, ReconcileError> {
    let numbers: Vec<IssueNumber> = issues
        .iter()
        .filter(|issue| !issue.pull_request)
        .map(|issue| issue.number)
        .collect();
    let repo = ctx.repo().clone();
    // Two trips to the store for every issue: the records, then the texts kept of them.
    let stored = store::blocking(ctx.store, move |s| {
        let keys: Vec<String> = numbers.iter().map(|&n| assignment_comment_key(n)).collect();
        let found: Vec<(IssueNumber, u64)> = numbers
            .into_iter()
            .zip(s.published_many(&repo, &keys)?)
            .filter_map(|(number, record)| Some((number, record?.github_id)))
            .collect();
        let body_keys: Vec<String> = found.iter().map(|(_, id)| repo_key(&repo, id)).collect();
        let bodies = s.cache_get_many(CacheKind::CommentBody, &body_keys)?;
        Ok(found
            .into_iter()
            .zip(bodies)
            .map(|((number, id), body)| {
                let body = body.and_then(|bytes| serde_json::from_slice::<String>(&bytes).ok());
                (number, CommentId(id), body)
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let mut comments = Vec::new();
    for (issue, id, body) in stored {
        let body = match body {
            Some(body) => body,
            None => match read_comment_body(ctx, issue, id).await? {
                Some(body) => body,
                None => continue,
            },
        };
        comments.push(ExistingComment { issue, id, body });
    }
    Ok(comments)
}

/// A comment's text, read from GitHub and kept; `None` if someone deleted the comment, which
/// the App then forgets.
async fn read_comment_body(
    ctx: &Context<'_>,
    issue: IssueNumber,
    id: CommentId,
) -> Result<Option<String>, ReconcileError> {
    match ctx.client.comment(id).await {
        Ok(comment) => {
            let key = repo_key(ctx.repo(), id);
            store_cache(ctx.store, CacheKind::CommentBody, key, &comment.body()).await?;
            Ok(Some(comment.body().to_owned()))
        }
        Err(e) if e.is_not_found() => {
            publish::forget(ctx.store, ctx.client, &assignment_comment_key(issue)).await?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// The repository's label names: listed on a full reconcile or when the store has none;
/// otherwise as the App last knew them (creating one that exists is harmless).
async fn labels(ctx: &Context<'_>) -> Result<Vec<String>, ReconcileError> {
    let stored: Option<Vec<String>> =
        cached(ctx.store, CacheKind::Labels, ctx.repo().to_string()).await?;
    let stale = ctx.reads.is_stale(CacheKind::Labels, ctx.repo(), None);
    if let Some(labels) = stored.filter(|_| !stale) {
        return Ok(labels);
    }
    let listed = ctx.client.labels().await?;
    let names: Vec<String> = listed.into_iter().map(|label| label.name).collect();
    stored::save(ctx.store, CacheKind::Labels, ctx.repo(), &names).await?;
    Ok(names)
}

/// The "Switchyard status" issue: the one recorded, or one the App opened that a lost record
/// forgot (found by its marker, and recorded again).
async fn status_issue(
    ctx: &Context<'_>,
    issues: &mut Issues,
) -> Result<Option<StatusIssue>, ReconcileError> {
    let record = publish::last_published(ctx.store, ctx.client, BOARD_KEY).await?;
    let number = match record {
        Some(record) => IssueNumber(record.github_id),
        None => {
            let Some(found) = issues
                .open
                .values()
                .find(|issue| issue.by_app(ctx.app_id) && is_status_board(issue.body()))
            else {
                return Ok(None);
            };
            let board = StatusIssue {
                number: found.number,
                body: found.body().to_owned(),
            };
            // What it says is read from the issue itself, so no digest of a write is known.
            publish::record(
                ctx.store,
                ctx.client,
                BOARD_KEY,
                found.number.0,
                String::new(),
            )
            .await?;
            return Ok(Some(board));
        }
    };
    let stored: Option<String> =
        cached(ctx.store, CacheKind::BoardBody, ctx.repo().to_string()).await?;
    let body = match stored {
        Some(body) => body,
        None => match issues.get(ctx, number).await? {
            Some(issue) => issue.body().to_owned(),
            None => {
                publish::forget(ctx.store, ctx.client, BOARD_KEY).await?;
                return Ok(None);
            }
        },
    };
    Ok(Some(StatusIssue { number, body }))
}
