//! Assignment of labelled issues to agent lanes, gated on their dependencies, and the status
//! board: a pure function from a [`Snapshot`] of a repository to the [`Plan`] that makes
//! GitHub show the desired state. No I/O: every rule is tested with plain values.
//!
//! Labels are the truth. An issue with the trigger label (`parallel`) is given a lane by the
//! rules; one with `agent:<name>` is on that lane. Open dependencies ("Depends on #N") keep an
//! issue `blocked`; a full set of lanes keeps it `queued`. Removing the agent label, or
//! closing the issue unmerged, frees the lane; a merged pull request closing it marks it done.
//! The store adds only what labels cannot hold: when each assignment was made, and the
//! finished tasks.

mod board;
mod commands;
mod deps;
mod labels;
mod lanes;
mod ledger;
mod markdown;
mod open;
mod plan;
mod plans;
mod schedule;
mod snapshot;
mod state;
mod track_overlap;

pub use board::{BlockedTask, Board, LaneStatus, LaneTask, PlanGroup, WaitingTask};
pub(crate) use commands::Decision;
pub use commands::{
    COMMAND_PREFIX, Command, CommandError, CommandErrorKind, CommandOutcome, MAX_COMMANDS,
    Reaction, ReplyPart, parse as parse_commands,
};
pub use deps::{closing_issues, dependencies};
pub(crate) use labels::spec as label_spec;
pub use labels::{BLOCKED_LABEL, LabelSpec, QUEUED_LABEL, agent_label};
pub use labels::{agent_label_name, same_label};
pub use lanes::UNESTIMATED_HOURS;
pub use ledger::TaskLedger;
pub use plan::RecordChanges;
pub(crate) use plan::settle;
pub use schedule::PlanTime;
pub use snapshot::{
    Access, AssignmentRecord, Author, BoardPr, CommandComment, Completion, ExistingComment, Issue,
    LinkedBlocker, MergeQueue, MergedPr, QueueEntry, Snapshot, StatusIssue, WasBlocked,
};
pub use state::{
    Assignment, Blocked, Cycle, Dependency, DependencySource, DependencyState, FootprintWait,
    ForeignBlocker, PlanProgress, PlanStep, PlannedOverlap, Queued, ReleaseReason, Released, Stage,
    TaskState, TrackPaths, UnknownLane, Withdrawn,
};
