//! What Switchyard makes of one issue: everything its comment says, as plain values.

use super::snapshot::Completion;
use crate::footprint::Wait;
use crate::ids::{IssueNumber, RepoName};

/// Why a task waits for another lane: the file it would change there, the lane, the task.
pub type FootprintWait = Wait<IssueNumber>;

#[derive(Debug, Clone, PartialEq)]
pub enum TaskState {
    /// On a lane, with nothing open to wait for.
    Assigned(Assignment),
    /// Waits for open dependencies.
    Blocked(Blocked),
    /// On a dependency cycle: can never start as things stand.
    Cycle(Cycle),
    /// Every lane it may go to is full, or would put it beside a task changing its files.
    Queued(Queued),
    /// Left its lane: the agent label was removed, or the issue closed unmerged.
    Released(Released),
    /// Lost the trigger label while queued or blocked.
    Withdrawn(Withdrawn),
    /// Closed by a merged pull request.
    Done(Completion),
    /// Has an `agent:` label naming no configured lane.
    UnknownLane(UnknownLane),
    /// Has the trigger label and sub-issues: the sub-issues are the tasks, never the issue.
    Plan(PlanProgress),
}

impl TaskState {
    /// The lane the issue is on, if any.
    pub fn lane(&self) -> Option<&str> {
        match self {
            TaskState::Assigned(assignment) => Some(&assignment.lane),
            TaskState::Blocked(blocked) => blocked.lane.as_deref(),
            TaskState::Cycle(cycle) => cycle.lane.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub lane: String,
    pub branch: String,
    /// The worktree directory the start commands make, beside the clone.
    pub worktree: String,
    /// The branch stays with the lane from task to task (`parallel-dev/{agent}`), rather than
    /// being the task's own.
    pub lane_branch: bool,
    pub tracks: Vec<TrackPaths>,
    pub depends_on: Vec<Dependency>,
    pub estimate: Option<f64>,
    /// Other lanes' active tasks whose tracks own paths overlapping this one's.
    pub overlaps: Vec<PlannedOverlap>,
    /// The dependencies it was blocked by before it was assigned.
    pub was_blocked_by: Vec<IssueNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackPaths {
    pub name: String,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    pub issue: IssueNumber,
    pub state: DependencyState,
    pub source: DependencySource,
}

/// Where a dependency was found. Either source holds an issue back on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencySource {
    /// "Depends on #N" / "Blocked by #N" or an unticked task item in the issue's description.
    Text,
    /// A "blocked by" link on GitHub (issue dependencies).
    Linked,
    Both,
}

impl DependencySource {
    pub(crate) fn with(self, other: DependencySource) -> DependencySource {
        if self == other {
            self
        } else {
            DependencySource::Both
        }
    }
}

/// An open issue of another repository linked on GitHub as blocking this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignBlocker {
    pub repo: RepoName,
    pub number: IssueNumber,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyState {
    Open,
    Closed,
    /// Not among the snapshot's issues: blocks nothing.
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOverlap {
    pub issue: IssueNumber,
    pub lane: String,
    pub track: String,
    /// The glob of the other task's track, and the one of this task's it overlaps.
    pub theirs: String,
    pub ours: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Blocked {
    /// The lane its `agent:` label gives it, kept for when it unblocks.
    pub lane: Option<String>,
    pub depends_on: Vec<Dependency>,
    /// Open blockers in other repositories.
    pub elsewhere: Vec<ForeignBlocker>,
    pub estimate: Option<f64>,
}

impl Blocked {
    /// This repository's dependencies still open.
    pub fn waits_for(&self) -> Vec<IssueNumber> {
        self.open_dependencies()
            .map(|dependency| dependency.issue)
            .collect()
    }

    /// This repository's dependencies still open, with where each was found.
    pub fn open_dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.depends_on
            .iter()
            .filter(|dependency| dependency.state == DependencyState::Open)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub lane: Option<String>,
    /// From its smallest member round to it again; each depends on the next.
    pub cycle: Vec<IssueNumber>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    /// The lanes it may go to: all full, unless it waits for a file.
    pub lanes: Vec<String>,
    /// Set when a lane has room but another lane's task is changing one of its files.
    pub footprint: Option<FootprintWait>,
    /// The track that binds it to its one lane, if one does.
    pub bound_by: Option<String>,
    pub capacity: u32,
    pub depends_on: Vec<Dependency>,
    pub estimate: Option<f64>,
    /// The dependencies it was blocked by before it was queued.
    pub was_blocked_by: Vec<IssueNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    pub lane: String,
    pub why: ReleaseReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseReason {
    /// The `agent:` label was removed (by hand or by `/switchyard release`).
    LabelRemoved {
        trigger_label: String,
    },
    ClosedUnmerged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    pub trigger_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLane {
    /// The name after `agent:`.
    pub name: String,
    pub suggestion: Option<String>,
    pub lanes: Vec<String>,
}

/// A plan: an issue with the trigger label whose sub-issues are its tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanProgress {
    /// Each sub-issue, in GitHub's order.
    pub steps: Vec<PlanStep>,
    /// The hours the open sub-issues are estimated at (unestimated ones counted as
    /// [`super::UNESTIMATED_HOURS`]).
    pub hours_left: f64,
    /// Those hours with the lanes there are, given the dependencies.
    pub parallel_hours: f64,
    pub lanes: usize,
}

impl PlanProgress {
    pub fn done(&self) -> usize {
        self.steps
            .iter()
            .filter(|step| step.stage == Stage::Done)
            .count()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    pub issue: IssueNumber,
    pub title: String,
    pub stage: Stage,
}

/// Where one sub-issue of a plan stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Running {
        lane: String,
    },
    /// Waits for a lane to free, or (when set) for a task changing one of its files.
    Queued(Option<FootprintWait>),
    Blocked {
        by: Vec<Dependency>,
        elsewhere: Vec<ForeignBlocker>,
    },
    /// On a dependency cycle.
    Stuck,
    Done,
    /// Open, but no lane's task: released, withdrawn, or on an unknown lane.
    Waiting,
}
