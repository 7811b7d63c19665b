//! The merge queue: the order engine's input from the snapshot, and each PR's check run.

use super::Snapshot;
use super::overlaps::Annotation;
use crate::assign;
use crate::github::checks::Conclusion;
use crate::github::models::PullRequest;
use crate::ids::PrNumber;
use crate::order::{Candidate, Conflict, MergeOrder, OrderInput, recommend};
use crate::reconcile::apply::CheckRunSpec;
use crate::text::{self, ConflictPaths};
use std::time::Duration;

/// The numbers a PR body says it depends on ("Depends on #12", "Blocked by #12", unticked
/// task-list items); PRs and issues share the numbering.
pub fn dependencies(body: &str) -> Vec<PrNumber> {
    assign::dependencies(body)
        .into_iter()
        .map(|issue| PrNumber(issue.0))
        .collect()
}

pub fn order(
    snapshot: &Snapshot,
    prs: &[&PullRequest],
    conflicts: Vec<Conflict<ConflictPaths>>,
) -> MergeOrder<ConflictPaths> {
    let candidates: Vec<Candidate> = prs
        .iter()
        .filter(|pr| !pr.draft)
        .map(|pr| Candidate {
            pr: pr.number,
            ready: snapshot.approved.contains(&pr.number),
            arrival: pr.created_at.timestamp(),
            depends_on: dependencies(pr.body.as_deref().unwrap_or_default())
                .into_iter()
                .filter(|n| *n != pr.number && !snapshot.merged_or_closed(*n))
                .collect(),
        })
        .collect();
    let queued: std::collections::BTreeSet<PrNumber> = candidates.iter().map(|c| c.pr).collect();
    recommend(&OrderInput {
        candidates,
        conflicts: conflicts
            .into_iter()
            .filter(|c| queued.contains(&c.a) && queued.contains(&c.b))
            .collect(),
        exact_budget: Duration::from_millis(snapshot.config.merge_order.exact_budget_ms),
    })
}

pub fn check_run(
    snapshot: &Snapshot,
    pr: &PullRequest,
    order: &MergeOrder<ConflictPaths>,
    annotations: Vec<Annotation>,
) -> CheckRunSpec {
    let settings = &snapshot.config.merge_order;
    let (words, conclusion) = match order.verdicts.get(&pr.number) {
        None => (text::merge_order_draft(), Conclusion::Neutral),
        Some(verdict) => {
            let conclusion = if verdict.merge_now() {
                Conclusion::Success
            } else if settings.enforce {
                Conclusion::ActionRequired
            } else {
                Conclusion::Neutral
            };
            (
                text::merge_order_check(verdict, snapshot.board_url.as_deref()),
                conclusion,
            )
        }
    };
    CheckRunSpec {
        name: settings.check_name.clone(),
        head_sha: pr.head.sha.clone(),
        conclusion,
        title: words.title,
        summary: words.summary,
        annotations,
        recompute: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_read_from_lines_outside_code_and_quotes() {
        let body = "Adds the parser.\n\nDepends on #12, #15\n- blocked by #3.\n\
                    > Depends on #99\n```\nDepends on #98\n```\nmentions #7 in passing";
        let mut found = dependencies(body);
        found.sort();
        assert_eq!(found, vec![PrNumber(3), PrNumber(12), PrNumber(15)]);
    }
}
