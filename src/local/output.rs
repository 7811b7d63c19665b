//! What local commands print: a few plain lines for a terminal, or JSON for scripts. Tasks are
//! named by the ids the team gave them, where the App's posts name issues.

use super::book::{Book, Standing, describe};
use super::claims::view;
use super::conflicts::{Finding, Report};
use super::merge_order::LocalOrder;
use super::touching::Touching;
use crate::assign::UNESTIMATED_HOURS;
use crate::claims::Claim;
use crate::store::TaskRecord;
use crate::tasks::Plan;
use crate::text::assign::duration;
use crate::text::footprint_wait;
use crate::text::local as words;
use chrono::{DateTime, Utc};
use serde::Serialize;

fn short(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// One line on a task: what it is and where it stands.
pub fn task_line(book: &Book, plan: &Plan, task: &TaskRecord, worktree: &str) -> String {
    let standing = book.standing(plan, task);
    let lane = &task.lane;
    match &standing {
        Standing::Assigned { branch, started } => format!(
            "{} {} on {lane}: branch {branch}, worktree {worktree}",
            task.id,
            if *started { "started" } else { "assigned" },
        ),
        Standing::Queued {
            footprint: Some(wait),
        } => format!("{} queued for {lane}: {}", task.id, footprint_wait(wait)),
        Standing::Queued { footprint: None } => format!(
            "{} queued for {lane}: the lane is full ({} at a time)",
            task.id,
            plural(book.config().capacity as usize, "task", "tasks")
        ),
        Standing::Blocked { waits_for } => {
            format!(
                "{} blocked for {lane}: waits for {}",
                task.id,
                waits_for.join(", ")
            )
        }
        other => format!("{} is {} ({lane})", task.id, describe(other)),
    }
}

#[derive(Serialize)]
struct StatusJson<'a> {
    lanes: Vec<LaneJson<'a>>,
    queued: Vec<TaskJson<'a>>,
    blocked: Vec<TaskJson<'a>>,
    plan: PlanJson,
    /// The claims holding now.
    claims: &'a [Claim],
}

#[derive(Serialize)]
struct LaneJson<'a> {
    name: &'a str,
    branch: Option<&'a str>,
    worktree: String,
    tasks: Vec<TaskJson<'a>>,
    done: Vec<&'a str>,
}

#[derive(Serialize)]
struct TaskJson<'a> {
    id: &'a str,
    title: &'a str,
    lane: &'a str,
    estimate_hours: Option<f64>,
    depends_on: &'a [String],
    #[serde(flatten)]
    standing: Standing,
}

#[derive(Serialize)]
struct PlanJson {
    work_hours: f64,
    parallel_hours: f64,
    lanes: usize,
    longest_chain: Vec<String>,
    longest_chain_hours: f64,
    unestimated: Vec<String>,
    left_out: Vec<String>,
}

/// The status board, as text or JSON. `worktree` gives each lane's worktree for display;
/// `claims` are those holding at `now`.
pub fn status<'b>(
    book: &'b Book,
    plan: &'b Plan,
    worktree: &dyn Fn(&str) -> String,
    claims: &'b [Claim],
    now: DateTime<Utc>,
    json: bool,
) -> String {
    let board = &plan.board;
    let full = |task: &'b TaskRecord| -> TaskJson<'b> {
        TaskJson {
            id: &task.id,
            title: &task.title,
            lane: &task.lane,
            estimate_hours: task.estimate.as_deref().and_then(|estimate| {
                book.config()
                    .estimate_hours_from_labels(&[format!("estimate: {estimate}")])
            }),
            depends_on: &task.depends_on,
            standing: book.standing(plan, task),
        }
    };
    let of_issue = |issue: crate::ids::IssueNumber| book.tasks.iter().find(|t| t.seq == issue.0);
    let lanes: Vec<LaneJson> = board
        .lanes
        .iter()
        .map(|lane| LaneJson {
            name: &lane.name,
            branch: lane.branch.as_deref(),
            worktree: worktree(&lane.name),
            tasks: lane
                .tasks
                .iter()
                .filter_map(|t| of_issue(t.issue))
                .map(full)
                .collect(),
            done: book
                .tasks
                .iter()
                .filter(|t| t.done_at.is_some() && t.lane.eq_ignore_ascii_case(&lane.name))
                .map(|t| t.id.as_str())
                .collect(),
        })
        .collect();
    let queued: Vec<TaskJson> = board
        .queued
        .iter()
        .filter_map(|t| of_issue(t.issue))
        .map(full)
        .collect();
    let blocked: Vec<TaskJson> = board
        .blocked
        .iter()
        .filter_map(|t| of_issue(t.issue))
        .map(full)
        .collect();
    let ids = |issues: &[crate::ids::IssueNumber]| -> Vec<String> {
        issues.iter().map(|&i| book.id_of(i)).collect()
    };
    let time = &board.time;
    let plan_json = PlanJson {
        work_hours: time.work_hours,
        parallel_hours: time.parallel_hours,
        lanes: time.lanes,
        longest_chain: ids(&time.longest_chain),
        longest_chain_hours: time.longest_chain_hours,
        unestimated: ids(&time.unestimated),
        left_out: ids(&time.left_out),
    };
    if json {
        let status = StatusJson {
            lanes,
            queued,
            blocked,
            plan: plan_json,
            claims,
        };
        return serde_json::to_string_pretty(&status).unwrap_or_default();
    }
    let estimate = |hours: Option<f64>| hours.map(duration).unwrap_or_else(|| "no estimate".into());
    let mut lines = vec!["Lanes:".to_owned()];
    for lane in &lanes {
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
    if !queued.is_empty() {
        lines.push("Queued, assigned oldest first when their lane frees:".into());
        for t in &queued {
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
    if !blocked.is_empty() {
        lines.push("Blocked:".into());
        for t in &blocked {
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
        for claim in claims {
            lines.push(words::status_claim(&view(claim, now)));
        }
    }
    lines.push(plan_lines(&plan_json));
    lines.join("\n")
}

/// "Plan: 10.5 h of work, 7 h with 3 lanes." and what it leaves out.
fn plan_lines(time: &PlanJson) -> String {
    if time.longest_chain.is_empty() {
        return "Plan: no open tasks to schedule.".into();
    }
    let mut lines = vec![format!(
        "Plan: {} of work, {} with {}.",
        duration(time.work_hours),
        duration(time.parallel_hours),
        plural(time.lanes, "lane", "lanes")
    )];
    if time.longest_chain.len() > 1 {
        lines.push(format!(
            "  Longest chain of dependencies: {}, {}.",
            time.longest_chain.join(" → "),
            duration(time.longest_chain_hours)
        ));
    }
    if !time.unestimated.is_empty() {
        lines.push(format!(
            "  Without an estimate, counted as {} each: {}.",
            duration(UNESTIMATED_HOURS),
            time.unestimated.join(", ")
        ));
    }
    if !time.left_out.is_empty() {
        lines.push(format!(
            "  Left out, on or behind a dependency cycle: {}.",
            time.left_out.join(", ")
        ));
    }
    lines.join("\n")
}

/// The paths two sides conflict on, the regenerated ones last with what to do about them:
/// "src/x.rs, Cargo.lock; regenerate Cargo.lock after rebasing, don't merge it by hand".
pub fn conflict_paths(paths: &[String], regenerated: &[String]) -> String {
    let merged = paths.iter().filter(|path| !regenerated.contains(path));
    let listed: Vec<&str> = merged.chain(regenerated).map(String::as_str).collect();
    let mut text = listed.join(", ");
    match regenerated {
        [] => {}
        [lock] if listed.len() > 1 => text.push_str(&format!(
            "; regenerate {lock} after rebasing, don't merge it by hand"
        )),
        [_] => text.push_str("; regenerate it after rebasing, don't merge it by hand"),
        _ if listed.len() > regenerated.len() => text.push_str(&format!(
            "; regenerate {} after rebasing, don't merge them by hand",
            regenerated.join(", ")
        )),
        _ => text.push_str("; regenerate them after rebasing, don't merge them by hand"),
    }
    text
}

/// The conflicts, as text or JSON; claims told on the clock at `now`.
pub fn conflicts(report: &Report, now: DateTime<Utc>, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(report).unwrap_or_default();
    }
    let base = format!(
        "{} ({})",
        report.default_branch,
        short(&report.default_head)
    );
    let mut lines = Vec::new();
    let pairs: Vec<_> = report.pairs.iter().filter(|p| p.exact.conflict).collect();
    let bases: Vec<_> = report
        .with_default
        .iter()
        .filter(|b| b.exact.conflict)
        .collect();
    let scope = match &report.lane {
        Some(lane) => {
            let others = report
                .branches
                .iter()
                .filter(|b| b.lane.as_deref() != Some(lane.as_str()))
                .count();
            format!(
                "of {lane} with {} and {base}",
                plural(others, "other branch", "other branches")
            )
        }
        None => format!(
            "among {} and {base}",
            plural(report.branches.len(), "branch", "branches")
        ),
    };
    if pairs.is_empty() && bases.is_empty() {
        lines.push(format!("No conflicts {scope}."));
    } else {
        lines.push(format!(
            "Conflicts {scope}, by a trial merge (git merge-tree):"
        ));
        for pair in &pairs {
            lines.push(format!(
                "  {} × {}: {}",
                pair.a,
                pair.b,
                conflict_paths(&pair.exact.paths, &pair.regenerated)
            ));
        }
        for branch in &bases {
            lines.push(format!(
                "  {} × {}: {}",
                branch.branch,
                report.default_branch,
                conflict_paths(&branch.exact.paths, &branch.regenerated)
            ));
        }
    }
    let unread: Vec<_> = report
        .branches
        .iter()
        .filter_map(|b| Some((&b.name, b.unread.as_ref()?)))
        .collect();
    for (name, reason) in &unread {
        lines.push(format!(
            "The line engine could not read {name}, so the trial merge alone judged it: {reason}"
        ));
    }
    let (pair_disagreements, base_disagreements) = report.disagreements();
    if pair_disagreements.is_empty() && base_disagreements.is_empty() {
        lines.push(if unread.is_empty() {
            "The line engine agrees on every pair.".into()
        } else {
            "The line engine agrees on every other pair.".into()
        });
    } else {
        lines.push("Where the line engine and the trial merge disagree:".into());
        let say = |who: String, line: Option<&Finding>, exact: &Finding| match line {
            Some(line) if line.conflict => format!(
                "  {who}: the line engine warns about {}; git merges them cleanly",
                line.paths.join(", ")
            ),
            _ => format!(
                "  {who}: git stops on {}; the line engine saw no overlap",
                exact.paths.join(", ")
            ),
        };
        for p in pair_disagreements {
            lines.push(say(format!("{} × {}", p.a, p.b), p.line.as_ref(), &p.exact));
        }
        for b in base_disagreements {
            lines.push(say(
                format!("{} × {}", b.branch, report.default_branch),
                b.line.as_ref(),
                &b.exact,
            ));
        }
    }
    for claimed in &report.claimed {
        lines.push(words::changes_claimed(
            &claimed.branch,
            &view(&claimed.claim, now),
            &claimed.paths,
        ));
    }
    let uncommitted: Vec<String> = report
        .branches
        .iter()
        .filter(|b| b.uncommitted)
        .map(|b| b.name.clone())
        .collect();
    if !uncommitted.is_empty() {
        lines.push(words::uncommitted_compared(&uncommitted));
    }
    for branch in &report.branches {
        if let (Some(operation), Some(worktree)) = (branch.in_progress, &branch.worktree) {
            lines.push(words::in_progress(worktree, operation.name(), &branch.name));
        }
    }
    lines.join("\n")
}

/// What touches the paths asked about, as text or JSON.
pub fn touching(answer: &Touching, now: DateTime<Utc>, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(answer).unwrap_or_default();
    }
    let asked: Vec<String> = answer.asked.iter().map(|a| a.spelled()).collect();
    let mut lines = Vec::new();
    if asked.is_empty() {
        lines.push(words::nothing_staged());
    } else if !answer.touched {
        lines.push(words::nothing_touching(&asked, answer.compared));
    } else {
        let lined = answer.asked.iter().any(|a| !a.lines.is_empty());
        let lines_of = answer
            .asking
            .lane
            .as_deref()
            .filter(|_| lined)
            .map(|lane| (lane, answer.asking.staged));
        lines.push(words::touching_heading(&asked, lines_of));
        for branch in &answer.branches {
            let files: Vec<String> = branch
                .files
                .iter()
                .map(|file| words::touching_file(&file.path, &file.lines))
                .collect();
            lines.push(words::touching_branch(
                &branch.name,
                branch.uncommitted,
                &files,
            ));
        }
        for on in &answer.claims {
            lines.push(format!("  {}", words::claimed(&view(&on.claim, now))));
        }
    }
    for left in &answer.in_progress {
        lines.push(words::in_progress(
            &left.worktree,
            left.operation.name(),
            &left.branch,
        ));
    }
    lines.join("\n")
}

/// The merge order, as text or JSON.
pub fn merge_order(order: &LocalOrder, report: &Report, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(order).unwrap_or_default();
    }
    let base = format!(
        "{} at {}",
        report.default_branch,
        short(&report.default_head)
    );
    let mut lines = Vec::new();
    if order.places.is_empty() {
        lines.push(format!("Nothing to merge into {base}."));
    } else {
        lines.push(format!(
            "Merge order of {} ({base}):",
            plural(order.places.len(), "branch", "branches")
        ));
        for (at, place) in order.places.iter().enumerate() {
            let when = if place.waits_for.is_empty() {
                "merge now".to_owned()
            } else {
                let waits: Vec<String> = place
                    .waits_for
                    .iter()
                    .map(|wait| {
                        let why = match (wait.depends, wait.conflicts.is_empty()) {
                            (true, true) => "a task here depends on it".to_owned(),
                            (true, false) => format!(
                                "a task here depends on it, and both change {}",
                                conflict_paths(&wait.conflicts, &wait.regenerated)
                            ),
                            (false, _) => format!(
                                "both change {}",
                                conflict_paths(&wait.conflicts, &wait.regenerated)
                            ),
                        };
                        format!("{} ({why})", wait.branch)
                    })
                    .collect();
                format!("after {}", waits.join(", "))
            };
            let rebase = if place.forces_rebase_on.is_empty() {
                String::new()
            } else {
                format!("; then rebase {}", place.forces_rebase_on.join(", "))
            };
            lines.push(format!("  {}. {}: {when}{rebase}", at + 1, place.branch));
        }
        let fewest = if order.fewest_proven {
            format!("the fewest possible is {}", order.fewest_rebases)
        } else {
            format!("no order can cost fewer than {}", order.fewest_rebases)
        };
        lines.push(format!(
            "This order costs {}; {fewest}; arrival order would cost {}.",
            plural(order.rebases, "rebase", "rebases"),
            order.arrival_rebases
        ));
    }
    if !order.nothing_to_merge.is_empty() {
        lines.push(format!(
            "Nothing to merge yet: {}.",
            order.nothing_to_merge.join(", ")
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::conflicts::{BaseFinding, Branch, Finding, PairFinding};

    fn finding(paths: &[&str]) -> Finding {
        Finding {
            conflict: !paths.is_empty(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn branch(name: &str) -> Branch {
        Branch {
            name: name.into(),
            lane: None,
            head: "b".repeat(40),
            merge_base: "c".repeat(40),
            ahead: true,
            uncommitted: false,
            snapshot: None,
            worktree: None,
            in_progress: None,
            unread: None,
            files: Vec::new(),
        }
    }

    #[test]
    fn the_tiers_disagreements_lock_files_and_unread_branches_are_named() {
        let mut unread = branch("d");
        unread.unread = Some("git diff x y: unable to read 1234".into());
        let report = Report {
            lane: None,
            committed_only: false,
            claimed: Vec::new(),
            default_branch: "main".into(),
            default_head: "0123456789".repeat(4),
            branches: vec![branch("a"), branch("b"), branch("c"), unread],
            pairs: vec![
                PairFinding {
                    a: "a".into(),
                    b: "b".into(),
                    line: Some(finding(&["Cargo.lock", "src/x.rs"])),
                    exact: finding(&["Cargo.lock"]),
                    regenerated: vec!["Cargo.lock".into()],
                },
                PairFinding {
                    a: "a".into(),
                    b: "c".into(),
                    line: Some(finding(&[])),
                    exact: finding(&["src/y.rs"]),
                    regenerated: vec![],
                },
                PairFinding {
                    a: "b".into(),
                    b: "c".into(),
                    line: Some(finding(&[])),
                    exact: finding(&[]),
                    regenerated: vec![],
                },
                PairFinding {
                    a: "c".into(),
                    b: "d".into(),
                    line: None,
                    exact: finding(&["README"]),
                    regenerated: vec![],
                },
            ],
            with_default: vec![BaseFinding {
                branch: "c".into(),
                line: Some(finding(&["README"])),
                exact: finding(&["README"]),
                regenerated: vec![],
            }],
        };
        assert_eq!(
            conflicts(&report, Utc::now(), false),
            "Conflicts among 4 branches and main (0123456), by a trial merge (git merge-tree):\n  \
             a × b: Cargo.lock; regenerate it after rebasing, don't merge it by hand\n  \
             a × c: src/y.rs\n  \
             c × d: README\n  \
             c × main: README\n\
             The line engine could not read d, so the trial merge alone judged it: \
             git diff x y: unable to read 1234\n\
             Where the line engine and the trial merge disagree:\n  \
             a × c: git stops on src/y.rs; the line engine saw no overlap"
        );
        assert!(report.any_conflict());
    }

    #[test]
    fn lock_files_come_last_with_the_advice_to_regenerate_them() {
        let strings =
            |paths: &[&str]| -> Vec<String> { paths.iter().map(|p| p.to_string()).collect() };
        assert_eq!(
            conflict_paths(&strings(&["a.rs", "b.rs"]), &[]),
            "a.rs, b.rs"
        );
        assert_eq!(
            conflict_paths(
                &strings(&["Cargo.lock", "src/x.rs"]),
                &strings(&["Cargo.lock"])
            ),
            "src/x.rs, Cargo.lock; regenerate Cargo.lock after rebasing, don't merge it by hand"
        );
        assert_eq!(
            conflict_paths(
                &strings(&["Cargo.lock", "yarn.lock"]),
                &strings(&["Cargo.lock", "yarn.lock"])
            ),
            "Cargo.lock, yarn.lock; regenerate them after rebasing, don't merge them by hand"
        );
        assert_eq!(
            conflict_paths(
                &strings(&["Cargo.lock", "a.rs", "yarn.lock"]),
                &strings(&["Cargo.lock", "yarn.lock"])
            ),
            "a.rs, Cargo.lock, yarn.lock; regenerate Cargo.lock, yarn.lock after rebasing, \
             don't merge them by hand"
        );
    }
}
