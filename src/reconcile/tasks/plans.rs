//! The sub-issues of issues with the trigger label: such an issue with sub-issues is a plan,
//! whose open sub-issues are tasks. Each list is read through its ETag and kept, read again
//! only when an event names the parent (a label, a sub-issue added or removed) or on a full
//! reconcile.

use super::context::Context;
use super::issues::Issues;
use super::links::repository;
use super::stored;
use crate::assign::same_label;
use crate::github::models::SubIssue;
use crate::ids::IssueNumber;
use crate::reconcile::error::ReconcileError;
use crate::store::CacheKind;
use std::collections::BTreeMap;

/// This repository's sub-issues of each open issue with the trigger label that has any.
/// Sub-issues read fresh join the open issues, as their own events would have put them.
pub async fn read(
    ctx: &Context<'_>,
    issues: &mut Issues,
) -> Result<BTreeMap<IssueNumber, Vec<IssueNumber>>, ReconcileError> {
    let trigger = &ctx.main.config.trigger_label;
    let parents: Vec<IssueNumber> = issues
        .open
        .values()
        .filter(|issue| issue.label_names().iter().any(|l| same_label(l, trigger)))
        .map(|issue| issue.number)
        .collect();
    let mut plans = BTreeMap::new();
    let mut joined = false;
    for parent in parents {
        let held: Option<Vec<SubIssue>> = (ctx.reads)
            .kept(ctx.store, CacheKind::SubIssues, ctx.repo(), Some(parent))
            .await?;
        let fresh = held.is_none();
        let listed = match held {
            Some(held) => held,
            None => ctx
                .reads
                .read(
                    ctx.client,
                    ctx.store,
                    CacheKind::SubIssues,
                    Some(parent),
                    |etag| async move { ctx.client.sub_issues(parent, etag.as_deref()).await },
                )
                .await?
                .unwrap_or_default(),
        };
        let here: Vec<&SubIssue> = listed
            .iter()
            .filter(|sub| repository(&sub.repository_url).as_ref() == Some(ctx.repo()))
            .collect();
        if fresh {
            for sub in here.iter().filter(|sub| sub.issue.is_open()) {
                joined |= issues
                    .open
                    .insert(sub.issue.number, sub.issue.clone())
                    .is_none();
            }
        }
        if !here.is_empty() {
            let numbers = here.iter().map(|sub| sub.issue.number);
            plans.insert(parent, numbers.collect());
        }
    }
    if joined {
        stored::save(ctx.store, CacheKind::OpenIssues, ctx.repo(), &issues.open).await?;
    }
    Ok(plans)
}
