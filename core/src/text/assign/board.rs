//! The body of the "Switchyard status" issue.

use super::plan::plan_group;
use super::{blocker_list, duration, issue_chain, issue_list};
use crate::assign::{BlockedTask, Board, LaneStatus, MergeQueue, PlanTime, UNESTIMATED_HOURS};
use crate::ids::PrNumber;
use crate::text::merge_order::order_cost;
use crate::text::{MAX_COMMENT_CHARS, footprint_wait, plural, within};
use std::fmt::Display;

pub const BOARD_TITLE: &str = "Switchyard status";
/// Marks the status issue's body, so the issue is found again and never duplicated.
pub const BOARD_MARKER: &str = "<!-- switchyard:status -->";

pub fn is_status_board(body: &str) -> bool {
    body.contains(BOARD_MARKER)
}

pub fn board_body(board: &Board) -> String {
    let mut body = vec![
        format!(
            "{BOARD_MARKER}\nThe lanes, what waits, the merge queue and the plan. Switchyard \
             keeps this issue up to date."
        ),
        format!("## Lanes\n\n{}", lanes_table(&board.lanes)),
        format!("## Waiting\n\n{}", waiting(board)),
        format!(
            "## Merge queue\n\n{}",
            merge_queue(board.merge_queue.as_ref())
        ),
        format!(
            "## Plan\n\n{}\n\n{}",
            plan_time(&board.time),
            "The time with lanes places the open tasks one at a time, the one with the longest \
             chain of work behind it first, each on its own lane or on the lane that can start \
             it earliest once its dependencies are done."
        ),
    ];
    if !board.plans.is_empty() {
        let plans: Vec<String> = board.plans.iter().map(plan_group).collect();
        body.insert(
            3,
            format!(
                "## Plans\n\nTheir sub-issues are the tasks.\n\n{}",
                plans.join("\n")
            ),
        );
    }
    within(body.join("\n\n"), MAX_COMMENT_CHARS)
}

pub(crate) fn lanes_table(lanes: &[LaneStatus]) -> String {
    let mut rows = vec![
        "| Lane | Branch | Task | Estimate | Done | Open PR | Overlaps |".to_owned(),
        "| --- | --- | --- | --- | --- | --- | --- |".to_owned(),
    ];
    for lane in lanes {
        let branches: Vec<String> = match &lane.branch {
            Some(branch) => vec![format!("`{branch}`")],
            None => lane
                .tasks
                .iter()
                .map(|t| format!("`{}`", t.branch))
                .collect(),
        };
        let tasks: Vec<String> = lane
            .tasks
            .iter()
            .map(|t| format!("{} {}", t.issue, cell_text(&t.title)))
            .collect();
        let estimates: Vec<String> = lane
            .tasks
            .iter()
            .map(|t| t.estimate.map_or("—".to_owned(), duration))
            .collect();
        let overlaps = match (lane.open_prs.is_empty(), lane.overlapping_prs) {
            (true, _) => "—".to_owned(),
            (false, 0) => "none".to_owned(),
            (false, count) => plural(count, "PR", "PRs"),
        };
        rows.push(format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            lane.name,
            cell(&branches),
            cell(&tasks),
            cell(&estimates),
            lane.done,
            cell(
                &lane
                    .open_prs
                    .iter()
                    .map(PrNumber::to_string)
                    .collect::<Vec<_>>()
            ),
            overlaps,
        ));
    }
    rows.join("\n")
}

/// Several values in one table cell, one per line; a dash for none.
fn cell(values: &[String]) -> String {
    if values.is_empty() {
        "—".to_owned()
    } else {
        values.join("<br>")
    }
}

/// A title that cannot break the table it sits in.
fn cell_text(title: &str) -> String {
    title
        .replace(['\r', '\n'], " ")
        .replace('|', "\\|")
        .trim()
        .to_owned()
}

pub(crate) fn waiting(board: &Board) -> String {
    if board.queued.is_empty() && board.blocked.is_empty() {
        return "Nothing is queued or blocked.".to_owned();
    }
    let mut parts = Vec::new();
    if !board.queued.is_empty() {
        let items: Vec<String> = board
            .queued
            .iter()
            .map(|task| {
                let estimate = task
                    .estimate
                    .map(|hours| format!(" ({})", duration(hours)))
                    .unwrap_or_default();
                let why = task
                    .footprint
                    .as_ref()
                    .map(|wait| format!(": {}", footprint_wait(wait)))
                    .unwrap_or_default();
                format!("- {} {}{estimate}{why}", task.issue, cell_text(&task.title))
            })
            .collect();
        parts.push(format!(
            "Queued, to be assigned oldest first when a lane frees:\n\n{}",
            items.join("\n")
        ));
    }
    if !board.blocked.is_empty() {
        let items: Vec<String> = board.blocked.iter().map(blocked_item).collect();
        parts.push(format!("Blocked:\n\n{}", items.join("\n")));
    }
    parts.join("\n\n")
}

fn blocked_item(task: &BlockedTask) -> String {
    let lane = task
        .lane
        .as_ref()
        .map(|lane| format!(" (lane `{lane}`)"))
        .unwrap_or_default();
    let why = match &task.cycle {
        Some(cycle) => format!("dependency cycle {}", issue_chain(cycle)),
        None => format!(
            "waits for {}",
            blocker_list(&task.waits_for, &task.elsewhere)
        ),
    };
    format!("- {} {}{lane}: {why}", task.issue, cell_text(&task.title))
}

fn merge_queue(queue: Option<&MergeQueue>) -> String {
    let Some(queue) = queue else {
        return "Not computed yet.".to_owned();
    };
    if queue.entries.is_empty() {
        return "No coordinated pull requests are open.".to_owned();
    }
    let mut rows = vec![
        "| Order | Pull request | Waits for |".to_owned(),
        "| --- | --- | --- |".to_owned(),
    ];
    for (place, entry) in queue.entries.iter().enumerate() {
        let waits = if entry.waits_for.is_empty() {
            "nothing: merge now".to_owned()
        } else {
            let prs: Vec<String> = entry.waits_for.iter().map(PrNumber::to_string).collect();
            prs.join(", ")
        };
        rows.push(format!("| {} | {} | {waits} |", place + 1, entry.pr));
    }
    let cost = order_cost(
        queue.rebases,
        queue.fewest_rebases,
        queue.fewest_proven,
        queue.arrival_rebases,
    );
    format!("{}\n\n{cost}", rows.join("\n"))
}

pub(crate) fn plan_time(time: &PlanTime) -> String {
    let (headline, lines) = plan_sentences(time, issue_list);
    let headline = headline.unwrap_or_else(|| "No open tasks to schedule.".to_owned());
    if lines.is_empty() {
        return headline;
    }
    let items: Vec<String> = lines.iter().map(|line| format!("- {line}")).collect();
    format!("{headline}\n\n{}", items.join("\n"))
}

/// The plan's time as the board and local mode's status both say it: the headline ("10.5 h
/// of work, 7 h with 3 lanes."), none when no open task is scheduled, then a sentence on each
/// thing the time rests on. Tasks are named as they `Display`, and listed by `list`.
pub(crate) fn plan_sentences<T: Display>(
    time: &PlanTime<T>,
    list: impl Fn(&[T]) -> String,
) -> (Option<String>, Vec<String>) {
    let headline = (!time.longest_chain.is_empty()).then(|| {
        format!(
            "{} of work, {} with {}.",
            duration(time.work_hours),
            duration(time.parallel_hours),
            plural(time.lanes, "lane", "lanes")
        )
    });
    let mut lines = Vec::new();
    if time.longest_chain.len() > 1 {
        let chain: Vec<String> = time.longest_chain.iter().map(T::to_string).collect();
        lines.push(format!(
            "Longest chain of dependencies: {}, {}.",
            chain.join(" → "),
            duration(time.longest_chain_hours)
        ));
    }
    if !time.unestimated.is_empty() {
        lines.push(format!(
            "Without an estimate, counted as {} each: {}.",
            duration(UNESTIMATED_HOURS),
            list(&time.unestimated)
        ));
    }
    if !time.left_out.is_empty() {
        lines.push(format!(
            "Left out, on or behind a dependency cycle: {}.",
            list(&time.left_out)
        ));
    }
    (headline, lines)
}
