//! The plan for a repository's tasks: the states the assignment rules settle on
//! ([`crate::assign::settle`]), turned into the labels, branches, comments and board that make
//! GitHub show them, written in the App's words ([`crate::text`]). Only what differs from the
//! snapshot is written, so a plan made twice writes nothing the second time.

mod changes;
mod desired;
#[cfg(test)]
pub(crate) mod tests;

pub use desired::{BoardChange, CommentChange, Plan, TaskPlan};

use crate::assign::{BoardPr, MergeQueue, Snapshot, closing_issues, settle};
use crate::pulls::{PrListing, PullPlan};
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

/// Gives the rules' snapshot the pull requests' merge queue and, for the board, the open pull
/// requests with what the overlap engine found.
pub fn with_pulls(snapshot: &mut Snapshot, open_prs: &[PrListing], pulls: &PullPlan) {
    snapshot.merge_queue = Some(MergeQueue::from(&pulls.order));
    snapshot.open_prs = open_prs
        .iter()
        .map(|pr| BoardPr {
            number: pr.number,
            head_branch: pr.head_branch.clone(),
            closes: closing_issues(&pr.body),
            overlaps_with: pulls
                .overlaps_with
                .get(&pr.number)
                .map(|others| others.iter().copied().collect())
                .unwrap_or_default(),
        })
        .collect();
}
