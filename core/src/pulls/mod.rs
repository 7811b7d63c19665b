//! The pull requests' plan: from what the App read of a repository's open pull requests
//! ([`PullSnapshot`]) to what each should show (its "Merge order" run, overlap comment and
//! handoff) and the merge order the task plan reads. A pure function: the same snapshot
//! always gives the same plan.

mod config_check;
mod desired;
mod handoff;
mod inputs;
mod merge_order;
mod overlaps;
#[cfg(test)]
mod tests;

pub use config_check::check_run as config_check;
pub use desired::{
    Annotation, AnnotationLevel, CheckRunSpec, CommentSpec, Conclusion, HandoffRequest,
    HandoffSpec, MAX_ANNOTATIONS, PullPlan,
};
pub use inputs::{ConfigChange, ConfigVersion, PrListing, PullSnapshot, depends_on};

use crate::ids::PrNumber;
use crate::overlap::{PathRules, analyze};
use crate::text;
use std::collections::{BTreeMap, BTreeSet};

pub fn plan(snapshot: &PullSnapshot) -> PullPlan {
    let prs = snapshot.coordinated();
    let rules = PathRules::of(&snapshot.config);
    let analysis =
        analyze(&rules.inputs(&snapshot.default_head, &snapshot.prs, &snapshot.base_diffs));
    let order = merge_order::order(snapshot, &prs, overlaps::conflicts(&analysis));
    let mut overlaps_with: BTreeMap<PrNumber, BTreeSet<PrNumber>> = BTreeMap::new();
    for pair in analysis.pairs() {
        overlaps_with.entry(pair.a).or_default().insert(pair.b);
        overlaps_with.entry(pair.b).or_default().insert(pair.a);
    }
    let findings = overlaps::findings(snapshot, &prs, &analysis, &order);
    let check_runs = prs
        .iter()
        .map(|pr| {
            let annotations = findings
                .annotations
                .get(&pr.number)
                .cloned()
                .unwrap_or_default();
            merge_order::check_run(snapshot, pr, &order, annotations)
        })
        .chain(snapshot.config_changes.iter().map(config_check::check_run))
        .collect();
    let comments = prs
        .iter()
        .filter_map(|pr| {
            let view = findings.views.get(&pr.number)?;
            let body = if overlaps::has_findings(view) {
                text::overlap_comment(view)
            } else if snapshot.commented.contains(&pr.number) {
                text::overlap_gone_comment()
            } else {
                return None;
            };
            Some(CommentSpec {
                issue: pr.number,
                body,
            })
        })
        .collect();
    let handoffs = handoff::handoffs(snapshot, &prs, &findings.views);
    PullPlan {
        check_runs,
        comments,
        handoffs,
        order,
        overlaps_with,
    }
}
