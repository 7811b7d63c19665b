//! From the states the rules reached to the writes that make GitHub show them: only what
//! differs from the snapshot, so that a plan made twice writes nothing the second time.

use super::desired::{BoardChange, CommentChange, TaskPlan};
use crate::assign::{
    AssignmentRecord, BLOCKED_LABEL, Board, CommandOutcome, Decision, Issue, LabelSpec,
    QUEUED_LABEL, ReleaseReason, Snapshot, TaskState, agent_label, agent_label_name, label_spec,
    same_label,
};
use crate::config::Config;
use crate::ids::IssueNumber;
use crate::text::assign as text;
use std::collections::{BTreeMap, BTreeSet};

/// The writes for every issue with a state. `labels` are the labels after the snapshot's
/// commands; the changes are measured against the labels the issues have now.
pub(super) fn task_plans(
    snapshot: &Snapshot,
    labels: &BTreeMap<IssueNumber, Vec<String>>,
    states: &BTreeMap<IssueNumber, TaskState>,
    records: &BTreeMap<IssueNumber, &AssignmentRecord>,
) -> Vec<TaskPlan> {
    let issues: BTreeMap<IssueNumber, &Issue> = snapshot
        .issues
        .iter()
        .map(|issue| (issue.number, issue))
        .collect();
    states
        .iter()
        .filter_map(|(number, state)| {
            let issue = issues.get(number)?;
            let held = labels.get(number).unwrap_or(&issue.labels);
            let wanted = desired_labels(&snapshot.config, held, state);
            let (add_assignees, remove_assignees) =
                assignee_changes(&snapshot.config, issue, state, records.get(number).copied());
            Some(TaskPlan {
                issue: *number,
                state: state.clone(),
                add_labels: missing(&wanted, &issue.labels),
                remove_labels: missing(&issue.labels, &wanted),
                add_assignees,
                remove_assignees,
                comment: comment_change(snapshot, *number, state),
            })
        })
        .collect()
}

/// The labels `held` should become in `state`: Switchyard's own labels set as the state
/// says, every other label left alone.
fn desired_labels(config: &Config, held: &[String], state: &TaskState) -> Vec<String> {
    let is_lane = |label: &str, lane: Option<&str>| {
        agent_label_name(label)
            .filter(|name| config.agent(name).is_some())
            .is_some_and(|name| lane.is_none_or(|lane| !name.eq_ignore_ascii_case(lane)))
    };
    let without = |drop: &dyn Fn(&str) -> bool| -> Vec<String> {
        held.iter().filter(|label| !drop(label)).cloned().collect()
    };
    let is = |label: &str, name: &str| same_label(label, name);
    let (mut wanted, add) = match state {
        TaskState::Assigned(assignment) => (
            without(&|l| {
                is_lane(l, Some(&assignment.lane)) || is(l, BLOCKED_LABEL) || is(l, QUEUED_LABEL)
            }),
            config.agent(&assignment.lane).map(agent_label),
        ),
        TaskState::Blocked(_) | TaskState::Cycle(_) => (
            without(&|l| is_lane(l, state.lane()) || is(l, QUEUED_LABEL)),
            Some(BLOCKED_LABEL.to_owned()),
        ),
        TaskState::Queued(_) => (
            without(&|l| is(l, BLOCKED_LABEL)),
            Some(QUEUED_LABEL.to_owned()),
        ),
        TaskState::Released(released) if released.why != ReleaseReason::ClosedUnmerged => (
            without(&|l| {
                is_lane(l, None)
                    || is(l, &config.trigger_label)
                    || is(l, BLOCKED_LABEL)
                    || is(l, QUEUED_LABEL)
            }),
            None,
        ),
        TaskState::Withdrawn(_) => (
            without(&|l| is(l, BLOCKED_LABEL) || is(l, QUEUED_LABEL)),
            None,
        ),
        TaskState::Plan(_) => (
            without(&|l| is_lane(l, None) || is(l, BLOCKED_LABEL) || is(l, QUEUED_LABEL)),
            None,
        ),
        TaskState::Released(_) | TaskState::Done(_) | TaskState::UnknownLane(_) => {
            (held.to_vec(), None)
        }
    };
    if let Some(label) = add
        && !wanted.iter().any(|held| same_label(held, &label))
    {
        wanted.push(label);
    }
    wanted
}

/// The labels of `from` that `to` lacks, ignoring case.
fn missing(from: &[String], to: &[String]) -> Vec<String> {
    from.iter()
        .filter(|label| !to.iter().any(|other| same_label(label, other)))
        .cloned()
        .collect()
}

/// Assignees to add and remove: the lane's login on an assigned issue; off again when the
/// issue leaves the lane or moves to another.
fn assignee_changes(
    config: &Config,
    issue: &Issue,
    state: &TaskState,
    record: Option<&AssignmentRecord>,
) -> (Vec<String>, Vec<String>) {
    let login = |lane: &str| config.agent(lane).and_then(|agent| agent.login.clone());
    let holds = |login: &str| {
        issue
            .assignees
            .iter()
            .any(|held| held.eq_ignore_ascii_case(login))
    };
    let old = record.and_then(|record| login(&record.lane));
    match state {
        TaskState::Assigned(assignment) => {
            let new = login(&assignment.lane);
            let add = new.clone().filter(|new| !holds(new));
            let remove = old.filter(|old| holds(old) && Some(old) != new.as_ref());
            (add.into_iter().collect(), remove.into_iter().collect())
        }
        TaskState::Released(released) if released.why != ReleaseReason::ClosedUnmerged => {
            let remove = login(&released.lane).filter(|login| holds(login));
            (Vec::new(), remove.into_iter().collect())
        }
        _ => (Vec::new(), Vec::new()),
    }
}

/// The comment to write, if the one there differs. An ending (released, withdrawn, done) only
/// rewrites a comment that exists: an issue never told it was assigned needs no farewell.
fn comment_change(
    snapshot: &Snapshot,
    issue: IssueNumber,
    state: &TaskState,
) -> Option<CommentChange> {
    let body = text::task_comment(state);
    let existing = snapshot
        .comments
        .iter()
        .find(|comment| comment.issue == issue);
    match existing {
        Some(comment) if same_text(&comment.body, &body) => None,
        Some(comment) => Some(CommentChange::Update {
            id: comment.id,
            body,
        }),
        None if is_ending(state) => None,
        None => Some(CommentChange::Create { body }),
    }
}

fn is_ending(state: &TaskState) -> bool {
    matches!(
        state,
        TaskState::Released(_) | TaskState::Withdrawn(_) | TaskState::Done(_)
    )
}

/// GitHub may hand a body back with `\r\n` line ends or without the final newline.
fn same_text(a: &str, b: &str) -> bool {
    a.replace("\r\n", "\n").trim_end() == b.replace("\r\n", "\n").trim_end()
}

/// The labels the tasks add that the repository does not have yet.
pub(super) fn labels_to_create(snapshot: &Snapshot, tasks: &[TaskPlan]) -> Vec<LabelSpec> {
    let mut needed: Vec<&String> = Vec::new();
    for label in tasks.iter().flat_map(|task| &task.add_labels) {
        let known = snapshot.labels.iter().chain(needed.iter().copied());
        if !known.into_iter().any(|held| same_label(held, label)) {
            needed.push(label);
        }
    }
    needed
        .into_iter()
        .map(|label| label_spec(&snapshot.config, label))
        .collect()
}

/// The assigned tasks' branches that do not exist yet.
pub(super) fn branches_to_create(
    snapshot: &Snapshot,
    states: &BTreeMap<IssueNumber, TaskState>,
) -> Vec<String> {
    let wanted: BTreeSet<&String> = states
        .values()
        .filter_map(|state| match state {
            TaskState::Assigned(assignment) => Some(&assignment.branch),
            _ => None,
        })
        .filter(|branch| !snapshot.branches.contains(branch))
        .collect();
    wanted.into_iter().cloned().collect()
}

/// The reaction and reply for each command comment, the status replies showing `board`.
pub(super) fn command_outcomes(
    snapshot: &Snapshot,
    decisions: &[Decision],
    board: &Board,
) -> Vec<CommandOutcome> {
    let board_issue = snapshot.status_issue.as_ref().map(|issue| issue.number);
    snapshot
        .commands
        .iter()
        .zip(decisions)
        .map(|(comment, decision)| CommandOutcome {
            issue: comment.issue,
            comment: comment.comment,
            reaction: decision.reaction,
            reply: (!decision.replies.is_empty())
                .then(|| text::reply(&decision.replies, &snapshot.config, board, board_issue)),
        })
        .collect()
}

/// The status issue's new body, or a new status issue at the first assignment.
pub(super) fn board_change(
    snapshot: &Snapshot,
    board: &Board,
    states: &BTreeMap<IssueNumber, TaskState>,
) -> Option<BoardChange> {
    let body = text::board_body(board);
    match &snapshot.status_issue {
        Some(issue) if same_text(&issue.body, &body) => None,
        Some(issue) => Some(BoardChange::Update {
            issue: issue.number,
            body,
        }),
        None if states
            .values()
            .any(|state| matches!(state, TaskState::Assigned(_))) =>
        {
            Some(BoardChange::Create {
                title: text::BOARD_TITLE.to_owned(),
                body,
            })
        }
        None => None,
    }
}
