//! Which pull requests of lanes that take handoffs must be told what to do: a rebase because
//! the default branch changed their lines, or a PR the merge order puts first on their lines.

use super::{HandoffRequest, HandoffSpec, PrListing, PullSnapshot};
use crate::overlap::Tier;
use crate::text::{self, HandoffView, OrderHint, OverlapView};
use std::collections::BTreeMap;

pub fn handoffs(
    snapshot: &PullSnapshot,
    prs: &[&PrListing],
    views: &BTreeMap<crate::ids::PrNumber, OverlapView>,
) -> Vec<HandoffSpec> {
    prs.iter()
        .filter_map(|pr| {
            let lane = snapshot.config.lane_for_branch(&pr.head_branch)?;
            let login = lane.login.as_ref().filter(|_| lane.handoff)?;
            let view = views.get(&pr.number)?;
            let handoff = HandoffView {
                login: login.clone(),
                pr_url: pr.url.clone(),
                head_branch: pr.head_branch.clone(),
                default_branch: snapshot.default_branch.clone(),
                rebase: view.base_conflicts.clone(),
                goes_first: view
                    .others
                    .iter()
                    .filter(|other| {
                        other.order == OrderHint::OtherFirst
                            && matches!(other.tier, Tier::Lines | Tier::Regenerated)
                    })
                    .map(|other| {
                        let mut other = other.clone();
                        other
                            .files
                            .retain(|file| file.regenerated || !file.same_lines.is_empty());
                        other
                    })
                    .collect(),
            };
            let request = handoff.cause().zip(text::handoff_comment(&handoff));
            Some(HandoffSpec {
                issue: pr.number,
                request: request.map(|(cause, body)| HandoffRequest { cause, body }),
            })
        })
        .collect()
}
