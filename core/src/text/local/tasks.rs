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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::footprint::Wait;
    use chrono::NaiveDate;

    fn assigned(started: bool) -> Standing {
        Standing::Assigned {
            branch: "parallel-dev/agent-1".into(),
            started,
        }
    }

    fn file_wait() -> Standing {
        Standing::Queued {
            footprint: Some(Wait {
                path: "src/store/notes.ts".into(),
                lane: "agent-1".into(),
                task: "T1".into(),
            }),
        }
    }

    fn task<'a>(id: &'a str, title: &'a str, lane: &'a str, standing: Standing) -> StatusTask<'a> {
        StatusTask {
            id,
            title,
            lane,
            estimate_hours: Some(2.0),
            depends_on: &[],
            standing,
        }
    }

    fn lane<'a>(name: &'a str, tasks: Vec<StatusTask<'a>>) -> StatusLane<'a> {
        StatusLane {
            name,
            branch: None,
            worktree: format!("../repo-worktrees/{name}"),
            tasks,
            done: vec![],
        }
    }

    fn time(chain: &[&str], unestimated: &[&str], left_out: &[&str]) -> PlanTime<String> {
        let ids = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect();
        PlanTime {
            work_hours: 10.5,
            parallel_hours: 5.0,
            lanes: 3,
            longest_chain: ids(chain),
            longest_chain_hours: 4.0,
            unestimated: ids(unestimated),
            left_out: ids(left_out),
        }
    }

    #[test]
    fn a_line_for_each_standing_of_a_task() {
        let worktree = "../repo-worktrees/agent-1";
        let standings = [
            assigned(false),
            assigned(true),
            Standing::Queued { footprint: None },
            file_wait(),
            Standing::Blocked {
                waits_for: vec!["T1".into(), "T4".into()],
            },
            Standing::Cycle {
                cycle: vec!["T2".into(), "T3".into(), "T2".into()],
            },
            Standing::Done,
            Standing::Released,
        ];
        let mut said: Vec<String> = standings
            .iter()
            .map(|standing| task_line("T2", "agent-1", standing, 1, worktree))
            .collect();
        said.push(task_line(
            "T2",
            "agent-1",
            &Standing::Queued { footprint: None },
            3,
            worktree,
        ));
        let on_agent_2 = Standing::Assigned {
            branch: "parallel-dev/agent-2".into(),
            started: false,
        };
        said.push(then(&task_line(
            "T3",
            "agent-2",
            &on_agent_2,
            1,
            "../repo-worktrees/agent-2",
        )));
        insta::assert_snapshot!(said.join("\n"));
    }

    #[test]
    fn the_status_of_lanes_a_queue_and_a_blocked_task() {
        let view = Status {
            lanes: vec![
                StatusLane {
                    branch: Some("parallel-dev/agent-1"),
                    ..lane(
                        "agent-1",
                        vec![task("T1", "Parser", "agent-1", assigned(false))],
                    )
                },
                StatusLane {
                    branch: Some("parallel-dev/agent-2"),
                    ..lane("agent-2", vec![])
                },
                StatusLane {
                    branch: Some("parallel-dev/agent-3"),
                    ..lane(
                        "agent-3",
                        vec![StatusTask {
                            estimate_hours: Some(4.0),
                            ..task("T4", "CI", "agent-3", assigned(false))
                        }],
                    )
                },
            ],
            queued: vec![StatusTask {
                estimate_hours: Some(3.0),
                ..task(
                    "T2",
                    "Lexer",
                    "agent-1",
                    Standing::Queued { footprint: None },
                )
            }],
            blocked: vec![task(
                "T3",
                "Docs",
                "agent-2",
                Standing::Blocked {
                    waits_for: vec!["T1".into()],
                },
            )],
            plan: time(&["T1"], &[], &[]),
            claims: &[],
        };
        let said = status(&view, &[]);
        assert_eq!(
            said,
            "Lanes:\n  \
             agent-1  parallel-dev/agent-1  T1 Parser (2 h, assigned)  none done\n  \
             agent-2  parallel-dev/agent-2  no task  none done\n  \
             agent-3  parallel-dev/agent-3  T4 CI (4 h, assigned)  none done\n\
             Queued, assigned oldest first when their lane frees:\n  \
             T2 Lexer (3 h) for agent-1\n\
             Blocked:\n  \
             T3 Docs (agent-2): blocked by T1\n\
             Plan: 10.5 h of work, 5 h with 3 lanes."
        );
        insta::assert_snapshot!(said);
    }

    #[test]
    fn the_status_with_done_tasks_a_file_wait_claims_and_what_the_plan_rests_on() {
        let at = |hour, minute| {
            NaiveDate::from_ymd_opt(2025, 3, 3)
                .unwrap()
                .and_hms_opt(hour, minute, 0)
                .unwrap()
        };
        let view = Status {
            lanes: vec![
                StatusLane {
                    done: vec!["T0", "T5"],
                    ..lane(
                        "agent-1",
                        vec![
                            task("T1", "Parser", "agent-1", assigned(true)),
                            StatusTask {
                                estimate_hours: None,
                                ..task("T6", "Lexer", "agent-1", assigned(false))
                            },
                        ],
                    )
                },
                lane("agent-2", vec![]),
            ],
            queued: vec![task("T7", "Notes", "agent-2", file_wait())],
            blocked: vec![task(
                "T8",
                "Loop",
                "agent-2",
                Standing::Cycle {
                    cycle: vec!["T8".into(), "T9".into(), "T8".into()],
                },
            )],
            plan: time(&["T1", "T7"], &["T6"], &["T8", "T9"]),
            claims: &[],
        };
        let claims = [ClaimView {
            lane: "agent-2",
            path: "src/store/",
            task: Some("T7"),
            reason: Some("new schema"),
            until: at(15, 40),
            now: at(13, 40),
        }];
        insta::assert_snapshot!(status(&view, &claims));
    }

    #[test]
    fn a_status_with_nothing_to_schedule() {
        let view = Status {
            lanes: vec![lane("agent-1", vec![])],
            queued: vec![],
            blocked: vec![],
            plan: time(&[], &[], &[]),
            claims: &[],
        };
        insta::assert_snapshot!(status(&view, &[]));
    }
}
