//! The task book in local mode's words: a line on each task a command changed, and the
//! status board for a terminal.

use super::claims::{ClaimView, status_claim};
use crate::assign::PlanTime;
use crate::claims::Claim;
use crate::tasks::Standing;
use crate::text::assign::{duration, plan_sentences};
use crate::text::{footprint_wait, plural};
use serde::Serialize;

/// "assigned", "queued", "blocked by T1", as a sentence ends.
pub fn describe(standing: &Standing) -> String {
    match standing {
        Standing::Assigned { started: true, .. } => "started".into(),
        Standing::Assigned { started: false, .. } => "assigned".into(),
        Standing::Queued { footprint: None } => "queued".into(),
        Standing::Queued {
            footprint: Some(wait),
        } => format!("queued, {}", footprint_wait(wait)),
        Standing::Blocked { waits_for } => format!("blocked by {}", waits_for.join(", ")),
        Standing::Cycle { cycle } => format!("on a dependency cycle ({})", cycle.join(" → ")),
        Standing::Done => "done".into(),
        Standing::Released => "released".into(),
    }
}

/// One line on a task: what it is and where it stands. `capacity` is how many tasks its
/// lane holds at a time; `worktree` is the lane's worktree as the user finds it.
pub fn task_line(
    id: &str,
    lane: &str,
    standing: &Standing,
    capacity: u32,
    worktree: &str,
) -> String {
    match standing {
        Standing::Assigned { branch, started } => format!(
            "{id} {} on {lane}: branch {branch}, worktree {worktree}",
            if *started { "started" } else { "assigned" },
        ),
        Standing::Queued {
            footprint: Some(wait),
        } => format!("{id} queued for {lane}: {}", footprint_wait(wait)),
        Standing::Queued { footprint: None } => format!(
            "{id} queued for {lane}: the lane is full ({} at a time)",
            plural(capacity as usize, "task", "tasks")
        ),
        Standing::Blocked { waits_for } => {
            format!(
                "{id} blocked for {lane}: waits for {}",
                waits_for.join(", ")
            )
        }
        other => format!("{id} is {} ({lane})", describe(other)),
    }
}

/// The line on another task whose standing a command changed, after the line on the task
/// it acted on.
pub fn then(line: &str) -> String {
    format!("then {line}")
}

/// The status: what `status --json` prints, and what the text tells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status<'a> {
    pub lanes: Vec<StatusLane<'a>>,
    pub queued: Vec<StatusTask<'a>>,
    pub blocked: Vec<StatusTask<'a>>,
    pub plan: PlanTime<String>,
    /// The claims holding now.
    pub claims: &'a [Claim],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusLane<'a> {
    pub name: &'a str,
    /// The lane's own branch; none with a branch per task.
    pub branch: Option<&'a str>,
    /// The lane's worktree, as the user finds it.
    pub worktree: String,
    pub tasks: Vec<StatusTask<'a>>,
    pub done: Vec<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusTask<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub lane: &'a str,
    pub estimate_hours: Option<f64>,
    pub depends_on: &'a [String],
    #[serde(flatten)]
    pub standing: Standing,
}

/// The status board for a terminal; `claims` are the status's claims on the reader's clock.
pub fn status(status: &Status<'_>, claims: &[ClaimView<'_>]) -> String {
    let estimate = |hours: Option<f64>| hours.map(duration).unwrap_or_else(|| "no estimate".into());
    let mut lines = vec!["Lanes:".to_owned()];
    for lane in &status.lanes {
        let branch = lane.branch.unwrap_or("a branch per task");
        let tasks: Vec<String> = lane
            .tasks
            .iter()
            .map(|t| {
                let state = describe(&t.standing);
                format!(
                    "{} {} ({}, {state})",
                    t.id,
                    t.title,
                    estimate(t.estimate_hours)
                )
            })
            .collect();
        let done = if lane.done.is_empty() {
            "none done".to_owned()
        } else {
            format!("done: {}", lane.done.join(", "))
        };
        lines.push(format!(
            "  {}  {branch}  {}  {done}",
            lane.name,
            if tasks.is_empty() {
                "no task".to_owned()
            } else {
                tasks.join("; ")
            }
        ));
    }
    if !status.queued.is_empty() {
        lines.push("Queued, assigned oldest first when their lane frees:".into());
        for t in &status.queued {
            let why = match &t.standing {
                Standing::Queued {
                    footprint: Some(wait),
                } => format!(": {}", footprint_wait(wait)),
                _ => String::new(),
            };
            lines.push(format!(
                "  {} {} ({}) for {}{why}",
                t.id,
                t.title,
                estimate(t.estimate_hours),
                t.lane
            ));
        }
    }
    if !status.blocked.is_empty() {
        lines.push("Blocked:".into());
        for t in &status.blocked {
            lines.push(format!(
                "  {} {} ({}): {}",
                t.id,
                t.title,
                t.lane,
                describe(&t.standing)
            ));
        }
    }
    if !claims.is_empty() {
        lines.push("Claims:".into());
        lines.extend(claims.iter().map(status_claim));
    }
    lines.push(plan_lines(&status.plan));
    lines.join("\n")
}

/// "Plan: 10.5 h of work, 7 h with 3 lanes." and what it rests on, in the board's sentences.
fn plan_lines(time: &PlanTime<String>) -> String {
    let (headline, notes) = plan_sentences(time, |ids| ids.join(", "));
    let Some(headline) = headline else {
        return "Plan: no open tasks to schedule.".into();
    };
    let mut lines = vec![format!("Plan: {headline}")];
    lines.extend(notes.iter().map(|note| format!("  {note}")));
    lines.join("\n")
}
