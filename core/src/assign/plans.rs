//! Plans: an issue with the trigger label that has sub-issues on GitHub. Its open sub-issues
//! are tasks, given lanes by the same rules as labelled issues; the plan itself never takes a
//! lane, and its one comment says where each sub-issue stands.

use super::labels::same_label;
use super::lanes::UNESTIMATED_HOURS;
use super::open::OpenIssue;
use super::schedule::{Job, plan_time};
use super::snapshot::{Issue, Snapshot};
use super::state::{PlanProgress, PlanStep, Stage, TaskState};
use crate::ids::IssueNumber;
use std::collections::BTreeMap;

/// Each plan's sub-issues, by plan: open issues with the trigger label (after this
/// snapshot's commands) and at least one sub-issue.
pub(super) fn plans(
    snapshot: &Snapshot,
    labels: &BTreeMap<IssueNumber, Vec<String>>,
) -> BTreeMap<IssueNumber, Vec<IssueNumber>> {
    let trigger = &snapshot.config.trigger_label;
    snapshot
        .issues
        .iter()
        .filter(|issue| issue.open && !issue.pull_request)
        .filter(|issue| {
            labels
                .get(&issue.number)
                .is_some_and(|held| held.iter().any(|label| same_label(label, trigger)))
        })
        .filter_map(|issue| {
            let subs: Vec<IssueNumber> = (issue.sub_issues.iter())
                .copied()
                .filter(|&sub| sub != issue.number)
                .collect();
            (!subs.is_empty()).then_some((issue.number, subs))
        })
        .collect()
}

/// Where a plan stands, from its sub-issues' states. `open` are the open issues as the rules
/// read them; a sub-issue missing from them is closed, or was not found.
pub(super) fn progress(
    subs: &[IssueNumber],
    snapshot: &Snapshot,
    open: &[OpenIssue<'_>],
    states: &BTreeMap<IssueNumber, TaskState>,
    lanes: usize,
) -> PlanProgress {
    let issues: BTreeMap<IssueNumber, &Issue> =
        snapshot.issues.iter().map(|i| (i.number, i)).collect();
    let mut steps = Vec::new();
    let mut jobs = Vec::new();
    for &sub in subs {
        let Some(issue) = issues.get(&sub) else {
            continue;
        };
        let read = open.iter().find(|o| o.issue.number == sub);
        let stage = match (read, states.get(&sub)) {
            (None, _) => Stage::Done,
            (Some(_), Some(TaskState::Assigned(a))) => Stage::Running {
                lane: a.lane.clone(),
            },
            (Some(_), Some(TaskState::Queued(q))) => Stage::Queued(q.footprint.clone()),
            (Some(_), Some(TaskState::Blocked(b))) => Stage::Blocked {
                by: b.open_dependencies().copied().collect(),
                elsewhere: b.elsewhere.clone(),
            },
            (Some(_), Some(TaskState::Cycle(_))) => Stage::Stuck,
            (Some(_), _) => Stage::Waiting,
        };
        if let Some(read) = read.filter(|_| stage != Stage::Done) {
            jobs.push(Job {
                issue: sub,
                estimate: read.estimate,
                lane: None,
                depends_on: read
                    .open_dependencies
                    .iter()
                    .copied()
                    .filter(|dep| subs.contains(dep))
                    .collect(),
                stuck: stage == Stage::Stuck,
            });
        }
        steps.push(PlanStep {
            issue: sub,
            title: issue.title.clone(),
            stage,
        });
    }
    let time = plan_time(&jobs, lanes);
    PlanProgress {
        steps,
        hours_left: jobs
            .iter()
            .map(|job| job.estimate.unwrap_or(UNESTIMATED_HOURS))
            .sum(),
        parallel_hours: time.parallel_hours,
        lanes: lanes.max(1),
    }
}
