//! The open issues as the rules read them: labels, tracks, estimate, dependencies and any
//! dependency cycle, and whether an issue must wait for its dependencies.
//!
//! An issue's dependencies are the union of what its description says ("Depends on #N") and
//! the "blocked by" links GitHub holds for it: either source blocks, so when they disagree
//! the issue waits for both. A linked blocker in another repository blocks while GitHub
//! listed it open.

use super::deps::{cycles, dependencies};
use super::labels::track_label_name;
use super::snapshot::{Issue, Snapshot};
use super::state::{
    Blocked, Cycle, Dependency, DependencySource, DependencyState, ForeignBlocker, TaskState,
};
use crate::config::{Config, Track};
use crate::ids::IssueNumber;
use std::collections::BTreeMap;

/// An open issue as the rules read it, labels after this snapshot's commands.
pub(super) struct OpenIssue<'s> {
    pub(super) issue: &'s Issue,
    pub(super) labels: Vec<String>,
    pub(super) tracks: Vec<&'s Track>,
    pub(super) estimate: Option<f64>,
    pub(super) depends_on: Vec<Dependency>,
    /// Open linked blockers in other repositories.
    pub(super) elsewhere: Vec<ForeignBlocker>,
    /// This repository's dependencies still open.
    pub(super) open_dependencies: Vec<IssueNumber>,
    pub(super) cycle: Option<Vec<IssueNumber>>,
}

/// The open issues that are not pull requests nor the status board, oldest first, read.
pub(super) fn open_issues<'s>(
    snapshot: &'s Snapshot,
    labels: &BTreeMap<IssueNumber, Vec<String>>,
) -> Vec<OpenIssue<'s>> {
    let config = &snapshot.config;
    let known: BTreeMap<IssueNumber, &Issue> = snapshot
        .issues
        .iter()
        .map(|issue| (issue.number, issue))
        .collect();
    let sourced: BTreeMap<IssueNumber, Vec<(IssueNumber, DependencySource)>> = known
        .values()
        .filter(|issue| issue.open)
        .map(|issue| (issue.number, sourced_dependencies(issue)))
        .collect();
    let is_open = |&(issue, source): &(IssueNumber, DependencySource)| match known.get(&issue) {
        Some(known) => known.open,
        // A linked blocker GitHub listed but the snapshot lacks: GitHub's listing says.
        None => source != DependencySource::Text && linked_open(&known, issue),
    };
    let graph: BTreeMap<IssueNumber, Vec<IssueNumber>> = sourced
        .iter()
        .map(|(&issue, deps)| {
            let open = deps.iter().filter(|dep| is_open(dep)).map(|dep| dep.0);
            (issue, open.collect())
        })
        .collect();
    let mut on_cycles = cycles(&graph);
    let board_issue = snapshot.status_issue.as_ref().map(|board| board.number);
    let mut open: Vec<OpenIssue<'_>> = known
        .values()
        .filter(|issue| issue.open && !issue.pull_request && Some(issue.number) != board_issue)
        .map(|&issue| {
            let labels = labels.get(&issue.number).cloned().unwrap_or_default();
            let deps = sourced.get(&issue.number).map_or(&[][..], Vec::as_slice);
            OpenIssue {
                issue,
                tracks: tracks_of(config, &labels),
                estimate: config.estimate_hours_from_labels(&labels),
                depends_on: deps
                    .iter()
                    .map(|&(dep, source)| Dependency {
                        issue: dep,
                        state: match known.get(&dep) {
                            Some(d) if d.open => DependencyState::Open,
                            Some(_) => DependencyState::Closed,
                            None if source == DependencySource::Text => DependencyState::NotFound,
                            None if linked_open(&known, dep) => DependencyState::Open,
                            None => DependencyState::Closed,
                        },
                        source,
                    })
                    .collect(),
                elsewhere: foreign_blockers(issue),
                open_dependencies: deps
                    .iter()
                    .filter(|dep| is_open(dep))
                    .map(|dep| dep.0)
                    .collect(),
                cycle: on_cycles.remove(&issue.number),
                labels,
            }
        })
        .collect();
    open.sort_by_key(|o| (o.issue.created_at, o.issue.number));
    open
}

/// This repository's issues `issue` depends on, in order of first mention (the description
/// first, then GitHub's links), each with where it was found; never itself.
fn sourced_dependencies(issue: &Issue) -> Vec<(IssueNumber, DependencySource)> {
    let mut deps: Vec<(IssueNumber, DependencySource)> = dependencies(&issue.body)
        .into_iter()
        .map(|dep| (dep, DependencySource::Text))
        .collect();
    for blocker in issue.linked_blockers.iter().filter(|b| b.repo.is_none()) {
        match deps.iter_mut().find(|(dep, _)| *dep == blocker.number) {
            Some((_, source)) => *source = source.with(DependencySource::Linked),
            None => deps.push((blocker.number, DependencySource::Linked)),
        }
    }
    deps.retain(|&(dep, _)| dep != issue.number);
    deps
}

/// Whether any issue of the snapshot lists `number` as an open linked blocker.
fn linked_open(known: &BTreeMap<IssueNumber, &Issue>, number: IssueNumber) -> bool {
    known.values().any(|issue| {
        issue
            .linked_blockers
            .iter()
            .any(|b| b.repo.is_none() && b.number == number && b.open)
    })
}

/// The open blockers GitHub lists for `issue` in other repositories.
fn foreign_blockers(issue: &Issue) -> Vec<ForeignBlocker> {
    issue
        .linked_blockers
        .iter()
        .filter(|blocker| blocker.open)
        .filter_map(|blocker| {
            Some(ForeignBlocker {
                repo: blocker.repo.clone()?,
                number: blocker.number,
                url: blocker.url.clone(),
            })
        })
        .collect()
}

/// The configured tracks the `track:` labels name, in configured order.
fn tracks_of<'c>(config: &'c Config, labels: &[String]) -> Vec<&'c Track> {
    config
        .tracks
        .iter()
        .filter(|track| {
            labels
                .iter()
                .filter_map(|label| track_label_name(label))
                .any(|name| name.eq_ignore_ascii_case(&track.name))
        })
        .collect()
}

/// On a dependency cycle or blocked by an open dependency, if it is either.
pub(super) fn waiting(open: &OpenIssue<'_>, lane: Option<String>) -> Option<TaskState> {
    if let Some(cycle) = &open.cycle {
        Some(TaskState::Cycle(Cycle {
            lane,
            cycle: cycle.clone(),
        }))
    } else if !open.open_dependencies.is_empty() || !open.elsewhere.is_empty() {
        Some(TaskState::Blocked(Blocked {
            lane,
            depends_on: open.depends_on.clone(),
            elsewhere: open.elsewhere.clone(),
            estimate: open.estimate,
        }))
    } else {
        None
    }
}
