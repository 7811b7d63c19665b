//! The merge queue: the order engine's input from the snapshot, and each PR's check run.

use super::{Annotation, CheckRunSpec, Conclusion, PrListing, PullSnapshot};
use crate::ids::PrNumber;
use crate::order::{Candidate, Conflict, MergeOrder, OrderInput, recommend};
use crate::text::{self, ConflictPaths};
use std::time::Duration;

pub fn order(
    snapshot: &PullSnapshot,
    prs: &[&PrListing],
    conflicts: Vec<Conflict<ConflictPaths>>,
) -> MergeOrder<ConflictPaths> {
    let candidates: Vec<Candidate> = prs
        .iter()
        .filter(|pr| !pr.draft)
        .map(|pr| Candidate {
            pr: pr.number,
            ready: snapshot.approved.contains(&pr.number),
            arrival: pr.created_at.timestamp(),
            depends_on: pr
                .depends_on
                .iter()
                .copied()
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
    snapshot: &PullSnapshot,
    pr: &PrListing,
    order: &MergeOrder<ConflictPaths>,
    annotations: Vec<Annotation>,
) -> CheckRunSpec {
    let settings = &snapshot.config.merge_order;
    let (words, conclusion) = match order.placements.get(&pr.number) {
        None => (text::merge_order_draft(), Conclusion::Neutral),
        Some(placement) => {
            let conclusion = if placement.merge_now() {
                Conclusion::Success
            } else if settings.enforce {
                Conclusion::ActionRequired
            } else {
                Conclusion::Neutral
            };
            (
                text::merge_order_check(placement, snapshot.board_url.as_deref()),
                conclusion,
            )
        }
    };
    CheckRunSpec {
        name: settings.check_name.clone(),
        head_sha: pr.head_sha.clone(),
        conclusion,
        title: words.title,
        summary: words.summary,
        annotations,
        recompute: true,
    }
}
