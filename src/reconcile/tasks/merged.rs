//! The merged pull requests that finish tasks. A pull request closing an issue merges, then
//! GitHub closes the issue, and the two events may arrive in either order: a closed pull
//! request is looked at when its own event comes, and a recorded issue that closed is
//! matched with the open pull requests that said they would close it.

use super::context::Context;
use crate::assign::{MergedPr, TaskLedger, closing_issues};
use crate::ids::{IssueNumber, PrNumber};
use crate::reconcile::diffs::pr_files;
use crate::reconcile::error::ReconcileError;
use std::collections::BTreeSet;

/// Adds to `ledger` the merged pull requests that close recorded issues. `is_open` tells
/// whether an issue is still open.
pub async fn track(
    ctx: &Context<'_>,
    ledger: &mut TaskLedger,
    is_open: impl Fn(IssueNumber) -> bool,
) -> Result<(), ReconcileError> {
    if ledger.assignments.is_empty() {
        return Ok(());
    }
    let open: BTreeSet<PrNumber> = ctx.main.open_prs.iter().map(|pr| pr.number).collect();
    let mut candidates: BTreeSet<PrNumber> = ctx
        .reads
        .stale()
        .pull_requests()
        .difference(&open)
        .copied()
        .collect();
    for record in &ledger.assignments {
        let finished = ledger
            .merged
            .iter()
            .any(|pr| pr.closes.contains(&record.issue));
        if is_open(record.issue) || finished {
            continue;
        }
        candidates.extend(
            ctx.main
                .open_prs
                .iter()
                .filter(|pr| closing_issues(&pr.body).contains(&record.issue))
                .map(|pr| pr.number),
        );
    }
    for number in candidates {
        if ledger.merged.iter().any(|pr| pr.number == number) {
            continue;
        }
        if let Some(merged) = merged_pr(ctx, ledger, number).await? {
            ledger.merged.push(merged);
        }
    }
    Ok(())
}

/// The pull request, if it merged and closes an issue with an assignment record.
async fn merged_pr(
    ctx: &Context<'_>,
    ledger: &TaskLedger,
    number: PrNumber,
) -> Result<Option<MergedPr>, ReconcileError> {
    let pr = match ctx.client.pull_request(number).await {
        Ok(pr) => pr,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let Some(merged_at) = pr.merged_at else {
        return Ok(None);
    };
    let closed: Vec<IssueNumber> = closing_issues(pr.body.as_deref().unwrap_or_default())
        .into_iter()
        .filter(|issue| ledger.is_recorded(*issue))
        .collect();
    if closed.is_empty() {
        return Ok(None);
    }
    let files = pr_files(ctx.client, ctx.store, number, &pr.head.sha).await?;
    Ok(Some(MergedPr {
        number,
        merged_at,
        files: files.files.into_iter().map(|f| f.filename).collect(),
        closes: closed,
    }))
}
