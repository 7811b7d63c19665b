//! The desired state, computed from a snapshot alone: no I/O, so the same snapshot always
//! gives the same plan.

mod config_check;
mod overlaps;
mod queue;

pub use config_check::check_run as config_check;
pub use overlaps::Annotation;
pub use queue::dependencies;

use super::apply::{CheckRunSpec, CommentSpec};
use super::snapshot::Snapshot;
use crate::config::{Config, Coordinate};
use crate::github::models::PullRequest;
use crate::ids::PrNumber;
use crate::order::MergeOrder;
use crate::overlap::{Inputs, Ownership, PathFilter, analyze};
use crate::text::{self, ConflictPaths};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One "Merge order" run per coordinated open PR's head.
    pub check_runs: Vec<CheckRunSpec>,
    /// The overlap comment of each PR that has (or had) something to say.
    pub comments: Vec<CommentSpec>,
    /// The recommended merge order of the coordinated PRs that are not drafts.
    pub order: MergeOrder<ConflictPaths>,
    /// For each coordinated PR, the other open PRs it shares a file with.
    pub overlaps_with: BTreeMap<PrNumber, BTreeSet<PrNumber>>,
}

/// Whether Switchyard coordinates this pull request.
pub fn is_coordinated(config: &Config, pr: &PullRequest) -> bool {
    match config.coordinate {
        Coordinate::All => true,
        Coordinate::LaneBranches => config.lane_for_branch(&pr.head.name).is_some(),
    }
}

pub fn coordinated(snapshot: &Snapshot) -> Vec<&PullRequest> {
    snapshot
        .open_prs
        .iter()
        .filter(|pr| is_coordinated(&snapshot.config, pr))
        .collect()
}

/// Config globs were validated when the file was parsed, so they compile here.
pub fn ignored(config: &Config) -> PathFilter {
    PathFilter::new(&config.ignore_paths).unwrap_or_else(|_| PathFilter::empty())
}

/// The files regenerated rather than merged (validated when the file was parsed).
pub fn regenerated(config: &Config) -> PathFilter {
    PathFilter::new(&config.regenerated_paths).unwrap_or_else(|_| PathFilter::empty())
}

/// The tracks bound to lanes, with their globs (validated when the file was parsed).
pub fn ownership(config: &Config) -> Ownership {
    Ownership::from_tracks(&config.tracks).unwrap_or_default()
}

pub fn plan(snapshot: &Snapshot) -> Plan {
    let prs = coordinated(snapshot);
    let (ignore, ownership) = (ignored(&snapshot.config), ownership(&snapshot.config));
    let regenerated = regenerated(&snapshot.config);
    let analysis = analyze(&Inputs {
        default_head: &snapshot.default_head,
        prs: &snapshot.prs,
        base_diffs: &snapshot.base_diffs,
        ignore: &ignore,
        regenerated: &regenerated,
        ownership: &ownership,
    });
    let order = queue::order(snapshot, &prs, overlaps::conflicts(&analysis));
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
            queue::check_run(snapshot, pr, &order, annotations)
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
                text::overlap_gone_comment(&pr.head.sha)
            } else {
                return None;
            };
            Some(CommentSpec {
                issue: pr.number.0,
                body,
            })
        })
        .collect();
    Plan {
        check_runs,
        comments,
        order,
        overlaps_with,
    }
}
