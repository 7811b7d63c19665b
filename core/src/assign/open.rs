//! The open issues as the rules read them: labels, tracks, estimate, dependencies and any
//! dependency cycle, and whether an issue must wait for its dependencies.

use super::deps::{cycles, dependencies};
use super::labels::track_label_name;
use super::snapshot::{Issue, Snapshot};
use super::state::{Blocked, Cycle, Dependency, DependencyState, TaskState};
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
    /// The dependencies still open.
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
    let is_open = |issue: &IssueNumber| known.get(issue).is_some_and(|i| i.open);
    let depends_on: BTreeMap<IssueNumber, Vec<IssueNumber>> = known
        .values()
        .filter(|issue| issue.open)
        .map(|issue| {
            let deps = dependencies(&issue.body)
                .into_iter()
                .filter(|&dep| dep != issue.number)
                .collect();
            (issue.number, deps)
        })
        .collect();
    let graph: BTreeMap<IssueNumber, Vec<IssueNumber>> = depends_on
        .iter()
        .map(|(&issue, deps)| (issue, deps.iter().copied().filter(is_open).collect()))
        .collect();
    let mut on_cycles = cycles(&graph);
    let board_issue = snapshot.status_issue.as_ref().map(|board| board.number);
    let mut open: Vec<OpenIssue<'_>> = known
        .values()
        .filter(|issue| issue.open && !issue.pull_request && Some(issue.number) != board_issue)
        .map(|&issue| {
            let labels = labels.get(&issue.number).cloned().unwrap_or_default();
            let deps = depends_on.get(&issue.number).map_or(&[][..], Vec::as_slice);
            OpenIssue {
                issue,
                tracks: tracks_of(config, &labels),
                estimate: config.estimate_hours_from_labels(&labels),
                depends_on: deps
                    .iter()
                    .map(|&dep| Dependency {
                        issue: dep,
                        state: match known.get(&dep) {
                            Some(d) if d.open => DependencyState::Open,
                            Some(_) => DependencyState::Closed,
                            None => DependencyState::NotFound,
                        },
                    })
                    .collect(),
                open_dependencies: deps.iter().copied().filter(is_open).collect(),
                cycle: on_cycles.remove(&issue.number),
                labels,
            }
        })
        .collect();
    open.sort_by_key(|o| (o.issue.created_at, o.issue.number));
    open
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
    } else if !open.open_dependencies.is_empty() {
        Some(TaskState::Blocked(Blocked {
            lane,
            depends_on: open.depends_on.clone(),
            estimate: open.estimate,
        }))
    } else {
        None
    }
}
