//! The status board: the lanes and their tasks, what waits, the merge queue and the plan's
//! time, as plain values for [`crate::text::assign::board_body`].

use super::schedule::{Job, PlanTime, plan_time};
use super::snapshot::{BoardPr, Completion, Issue, MergeQueue};
use super::state::{Dependency, FootprintWait, ForeignBlocker, PlanProgress, TaskState};
use crate::config::Config;
use crate::ids::{IssueNumber, PrNumber};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub lanes: Vec<LaneStatus>,
    /// Oldest first: the order they will be assigned in.
    pub queued: Vec<WaitingTask>,
    /// Blocked issues and issues on a dependency cycle, by number.
    pub blocked: Vec<BlockedTask>,
    /// `None` until the merge order has been computed.
    pub merge_queue: Option<MergeQueue>,
    pub time: PlanTime,
    /// Plans (issues whose sub-issues are the tasks), by number.
    pub plans: Vec<PlanGroup>,
}

/// A plan on the board, with its sub-issues grouped under it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanGroup {
    pub issue: IssueNumber,
    pub title: String,
    pub progress: PlanProgress,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LaneStatus {
    pub name: String,
    /// The lane's branch, when the lane keeps one branch from task to task.
    pub branch: Option<String>,
    pub tasks: Vec<LaneTask>,
    /// Tasks the lane finished with a merged pull request.
    pub done: usize,
    /// Open pull requests from the lane's branches or closing its tasks.
    pub open_prs: Vec<PrNumber>,
    /// Other open pull requests those overlap.
    pub overlapping_prs: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LaneTask {
    pub issue: IssueNumber,
    pub title: String,
    pub estimate: Option<f64>,
    pub branch: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaitingTask {
    pub issue: IssueNumber,
    pub title: String,
    pub estimate: Option<f64>,
    /// Set when it waits for a task changing one of its files rather than for a free lane.
    pub footprint: Option<FootprintWait>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedTask {
    pub issue: IssueNumber,
    pub title: String,
    pub lane: Option<String>,
    /// This repository's open dependencies, with where each was found.
    pub waits_for: Vec<Dependency>,
    /// Open linked blockers in other repositories.
    pub elsewhere: Vec<ForeignBlocker>,
    /// Set when the issue is on a dependency cycle.
    pub cycle: Option<Vec<IssueNumber>>,
}

/// One issue the plan has a state for, with what the board needs of it.
pub(crate) struct BoardTask<'a> {
    pub(crate) issue: &'a Issue,
    pub(crate) state: &'a TaskState,
    pub(crate) estimate: Option<f64>,
    pub(crate) depends_on: &'a [IssueNumber],
    /// The lane it must run on, by position: its own, or its bound track's.
    pub(crate) lane: Option<usize>,
}

pub(crate) struct BoardInput<'a> {
    pub(crate) config: &'a Config,
    /// In the order queued issues are assigned: oldest first.
    pub(crate) tasks: &'a [BoardTask<'a>],
    pub(crate) open_prs: &'a [BoardPr],
    pub(crate) completions: &'a [Completion],
    pub(crate) merge_queue: Option<&'a MergeQueue>,
}

pub(crate) fn board(input: &BoardInput<'_>) -> Board {
    let lanes = input
        .config
        .agents
        .iter()
        .map(|agent| lane_status(input, &agent.name))
        .collect();
    let queued = input
        .tasks
        .iter()
        .filter_map(|task| match task.state {
            TaskState::Queued(queued) => Some(WaitingTask {
                issue: task.issue.number,
                title: task.issue.title.clone(),
                estimate: task.estimate,
                footprint: queued.footprint.clone(),
            }),
            _ => None,
        })
        .collect();
    let mut blocked: Vec<BlockedTask> = input.tasks.iter().filter_map(blocked_task).collect();
    blocked.sort_by_key(|task| task.issue);
    Board {
        lanes,
        queued,
        blocked,
        merge_queue: input.merge_queue.cloned(),
        time: plan_time(&jobs(input.tasks), input.config.agents.len()),
        plans: plan_groups(input.tasks),
    }
}

fn plan_groups(tasks: &[BoardTask<'_>]) -> Vec<PlanGroup> {
    let mut plans: Vec<PlanGroup> = tasks
        .iter()
        .filter_map(|task| match task.state {
            TaskState::Plan(progress) => Some(PlanGroup {
                issue: task.issue.number,
                title: task.issue.title.clone(),
                progress: progress.clone(),
            }),
            _ => None,
        })
        .collect();
    plans.sort_by_key(|plan| plan.issue);
    plans
}

fn lane_status(input: &BoardInput<'_>, lane: &str) -> LaneStatus {
    let config = input.config;
    let tasks: Vec<LaneTask> = input
        .tasks
        .iter()
        .filter_map(|task| match task.state {
            TaskState::Assigned(assignment) if assignment.lane == lane => Some(LaneTask {
                issue: task.issue.number,
                title: task.issue.title.clone(),
                estimate: task.estimate,
                branch: assignment.branch.clone(),
            }),
            _ => None,
        })
        .collect();
    let open_prs: Vec<&BoardPr> = input
        .open_prs
        .iter()
        .filter(|pr| {
            config
                .lane_for_branch(&pr.head_branch)
                .is_some_and(|agent| agent.name == lane)
                || pr
                    .closes
                    .iter()
                    .any(|issue| tasks.iter().any(|t| t.issue == *issue))
        })
        .collect();
    let own: BTreeSet<PrNumber> = open_prs.iter().map(|pr| pr.number).collect();
    let overlapping: BTreeSet<PrNumber> = open_prs
        .iter()
        .flat_map(|pr| pr.overlaps_with.iter().copied())
        .filter(|pr| !own.contains(pr))
        .collect();
    LaneStatus {
        name: lane.to_owned(),
        // A lane's one branch does not depend on the issue, so any number gives it.
        branch: config
            .agent(lane)
            .filter(|_| config.branch_per_lane())
            .map(|agent| config.branch_for(agent, IssueNumber(0), "")),
        tasks,
        done: input
            .completions
            .iter()
            .filter(|done| done.lane.eq_ignore_ascii_case(lane))
            .count(),
        open_prs: own.into_iter().collect(),
        overlapping_prs: overlapping.len(),
    }
}

fn blocked_task(task: &BoardTask<'_>) -> Option<BlockedTask> {
    let (lane, waits_for, elsewhere, cycle) = match task.state {
        TaskState::Blocked(blocked) => (
            blocked.lane.clone(),
            blocked.open_dependencies().copied().collect(),
            blocked.elsewhere.clone(),
            None,
        ),
        TaskState::Cycle(cycle) => (
            cycle.lane.clone(),
            Vec::new(),
            Vec::new(),
            Some(cycle.cycle.clone()),
        ),
        _ => return None,
    };
    Some(BlockedTask {
        issue: task.issue.number,
        title: task.issue.title.clone(),
        lane,
        waits_for,
        elsewhere,
        cycle,
    })
}

/// The open tasks: assigned, queued, blocked or on a cycle.
fn jobs(tasks: &[BoardTask<'_>]) -> Vec<Job> {
    tasks
        .iter()
        .filter(|task| {
            matches!(
                task.state,
                TaskState::Assigned(_)
                    | TaskState::Queued(_)
                    | TaskState::Blocked(_)
                    | TaskState::Cycle(_)
            )
        })
        .map(|task| Job {
            issue: task.issue.number,
            estimate: task.estimate,
            lane: task.lane,
            depends_on: task.depends_on.to_vec(),
            stuck: matches!(task.state, TaskState::Cycle(_)),
        })
        .collect()
}
