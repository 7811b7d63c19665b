//! The plan for a repository's tasks: the states the assignment rules settle on
//! ([`crate::assign::settle`]), turned into the labels, branches, comments and board that make
//! GitHub show them, written in the App's words ([`crate::text`]). Only what differs from the
//! snapshot is written, so a plan made twice writes nothing the second time.

mod changes;
mod desired;
mod standing;
#[cfg(test)]
pub(crate) mod tests;

pub use desired::{BoardChange, CommentChange, Plan, TaskPlan};
pub use standing::Standing;

use crate::assign::{Snapshot, settle};
use changes::{board_change, branches_to_create, command_outcomes, labels_to_create, task_plans};

pub fn plan(snapshot: &Snapshot) -> Plan {
    let settled = settle(snapshot);
    let tasks = task_plans(snapshot, &settled.labels, &settled.states, &settled.records);
    Plan {
        labels_to_create: labels_to_create(snapshot, &tasks),
        branches_to_create: branches_to_create(snapshot, &settled.states),
        commands: command_outcomes(snapshot, &settled.decisions, &settled.board),
        board_change: board_change(snapshot, &settled.board, &settled.states),
        tasks,
        records: settled.records_out,
        board: settled.board,
    }
}
