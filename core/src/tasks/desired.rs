//! The desired state a plan emits: what should be true of the repository, and the writes
//! that make it so.

use crate::assign::{Board, CommandOutcome, LabelSpec, RecordChanges, TaskState};
use crate::ids::{CommentId, IssueNumber};

/// What should be true of the repository, and what to write to make it so.
///
/// Apply in this order, so that a crash part-way leaves a state the next plan repairs:
/// labels to create, branches to create, then per task its comment, labels and assignees,
/// then the records (an assignment is recorded only once its label is on the issue: a record
/// without the label reads as a release), then the command reactions and replies, then the
/// board.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One entry per issue the App manages or has just let go, by number.
    pub tasks: Vec<TaskPlan>,
    /// Labels the tasks need that the repository lacks.
    pub labels_to_create: Vec<LabelSpec>,
    /// Lane branches to create from the head of the default branch.
    pub branches_to_create: Vec<String>,
    pub records: RecordChanges,
    /// One per command comment in the snapshot, in the same order.
    pub commands: Vec<CommandOutcome>,
    pub board: Board,
    pub board_change: Option<BoardChange>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskPlan {
    pub issue: IssueNumber,
    pub state: TaskState,
    pub add_labels: Vec<String>,
    pub remove_labels: Vec<String>,
    pub add_assignees: Vec<String>,
    pub remove_assignees: Vec<String>,
    pub comment: Option<CommentChange>,
}

/// The App's one comment on an issue, found again by its marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentChange {
    Create { body: String },
    Update { id: CommentId, body: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardChange {
    Create { title: String, body: String },
    Update { issue: IssueNumber, body: String },
}
