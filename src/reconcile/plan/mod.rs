//! The desired state, computed from a snapshot alone: no I/O, so the same snapshot always
//! gives the same plan.

mod config_check;
mod handoff;
mod merge_order;
mod overlaps;

pub use config_check::check_run as config_check;

use crate::ids::PrNumber;
use crate::order::MergeOrder;
use crate::overlap::{PathRules, analyze};
use crate::pulls::PullSnapshot;
use crate::pulls::{CheckRunSpec, CommentSpec, HandoffSpec};
use crate::text::{self, ConflictPaths};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One "Merge order" run per coordinated open PR's head.
    pub check_runs: Vec<CheckRunSpec>,
    /// The overlap comment of each PR that has (or had) something to say.
    pub comments: Vec<CommentSpec>,
    /// What each PR of a lane that takes handoffs must be told, if anything.
    pub handoffs: Vec<HandoffSpec>,
    /// The recommended merge order of the coordinated PRs that are not drafts.
    pub order: MergeOrder<ConflictPaths>,
    /// For each coordinated PR, the other open PRs it shares a file with.
    pub overlaps_with: BTreeMap<PrNumber, BTreeSet<PrNumber>>,
}

pub fn plan(snapshot: &PullSnapshot) -> Plan {
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
                issue: pr.number.0,
                body,
            })
        })
        .collect();
    let handoffs = handoff::handoffs(snapshot, &prs, &findings.views);
    Plan {
        check_runs,
        comments,
        handoffs,
        order,
        overlaps_with,
    }
}
