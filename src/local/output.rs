//! What local commands print: JSON for scripts, or for a terminal the words of
//! [`crate::text::local`], told from the commands' answers.

use super::book::Book;
use super::claims::view;
use super::conflicts::{Finding, Report};
use super::merge_order::LocalOrder;
use super::touching::Touching;
use crate::claims::Claim;
use crate::ids::IssueNumber;
use crate::store::TaskRecord;
use crate::tasks::Plan;
use crate::text::local::{
    self as words, ClaimedChangeView, ConflictLine, ConflictsView, Disagreement, LeftOutView,
    MergeOrderView, PlaceView, Scope, Status, StatusLane, StatusTask, ToucherView, TouchingView,
    WaitView,
};
use chrono::{DateTime, Utc};

/// One line on a task: what it is and where it stands.
pub fn task_line(book: &Book, plan: &Plan, task: &TaskRecord, worktree: &str) -> String {
    words::task_line(
        &task.id,
        &task.lane,
        &book.standing(plan, task),
        book.config().capacity,
        worktree,
    )
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
    let full = |task: &'b TaskRecord| -> StatusTask<'b> {
        StatusTask {
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
    let of_issue = |issue: IssueNumber| book.tasks.iter().find(|t| t.seq == issue.0);
    let tasks = |issues: &mut dyn Iterator<Item = IssueNumber>| -> Vec<StatusTask<'b>> {
        issues.filter_map(of_issue).map(full).collect()
    };
    let status = Status {
        lanes: board
            .lanes
            .iter()
            .map(|lane| StatusLane {
                name: &lane.name,
                branch: lane.branch.as_deref(),
                worktree: worktree(&lane.name),
                tasks: tasks(&mut lane.tasks.iter().map(|t| t.issue)),
                done: book
                    .tasks
                    .iter()
                    .filter(|t| t.done_at.is_some() && t.lane.eq_ignore_ascii_case(&lane.name))
                    .map(|t| t.id.as_str())
                    .collect(),
            })
            .collect(),
        queued: tasks(&mut board.queued.iter().map(|t| t.issue)),
        blocked: tasks(&mut board.blocked.iter().map(|t| t.issue)),
        plan: board.time.named(|&issue| book.id_of(issue)),
        claims,
    };
    if json {
        return serde_json::to_string_pretty(&status).unwrap_or_default();
    }
    let claims: Vec<_> = claims.iter().map(|claim| view(claim, now)).collect();
    words::status(&status, &claims)
}

/// The conflicts, as text or JSON; claims told on the clock at `now`.
pub fn conflicts(report: &Report, now: DateTime<Utc>, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(report).unwrap_or_default();
    }
    let scope = match &report.lane {
        Some(lane) => Scope::Lane {
            lane,
            others: report
                .branches
                .iter()
                .filter(|b| b.lane.as_deref() != Some(lane.as_str()))
                .count(),
        },
        None => Scope::All {
            branches: report.branches.len(),
        },
    };
    let pairs = report.pairs.iter().filter(|p| p.exact.conflict);
    let bases = report.with_default.iter().filter(|b| b.exact.conflict);
    let conflicts = pairs
        .map(|pair| ConflictLine {
            a: &pair.a,
            b: &pair.b,
            paths: &pair.exact.paths,
            regenerated: &pair.regenerated,
        })
        .chain(bases.map(|base| ConflictLine {
            a: &base.branch,
            b: &report.default_branch,
            paths: &base.exact.paths,
            regenerated: &base.regenerated,
        }))
        .collect();
    let (pair_disagreements, base_disagreements) = report.disagreements();
    let disagreements =
        pair_disagreements
            .into_iter()
            .map(|p| disagreement(&p.a, &p.b, p.line.as_ref(), &p.exact))
            .chain(base_disagreements.into_iter().map(|b| {
                disagreement(&b.branch, &report.default_branch, b.line.as_ref(), &b.exact)
            }))
            .collect();
    let view = ConflictsView {
        scope,
        default_branch: &report.default_branch,
        default_head: &report.default_head,
        conflicts,
        unread: report
            .branches
            .iter()
            .filter_map(|b| Some((b.name.as_str(), b.unread.as_deref()?)))
            .collect(),
        disagreements,
        claimed: report
            .claimed
            .iter()
            .map(|claimed| ClaimedChangeView {
                branch: &claimed.branch,
                claim: view(&claimed.claim, now),
                paths: &claimed.paths,
            })
            .collect(),
        uncommitted: report
            .branches
            .iter()
            .filter(|b| b.uncommitted)
            .map(|b| b.name.as_str())
            .collect(),
        in_progress: report
            .branches
            .iter()
            .filter_map(|branch| {
                Some(LeftOutView {
                    worktree: branch.worktree.as_deref()?,
                    operation: branch.in_progress?.name(),
                    branch: &branch.name,
                })
            })
            .collect(),
    };
    words::conflicts(&view)
}

/// Where the tiers disagree on `a` and `b`: the line engine warns where git merges cleanly,
/// or git stops where the line engine saw no overlap.
fn disagreement<'a>(
    a: &'a str,
    b: &'a str,
    line: Option<&'a Finding>,
    exact: &'a Finding,
) -> Disagreement<'a> {
    match line {
        Some(line) if line.conflict => Disagreement::LineWarns {
            a,
            b,
            paths: &line.paths,
        },
        _ => Disagreement::GitStops {
            a,
            b,
            paths: &exact.paths,
        },
    }
}

/// What touches the paths asked about, as text or JSON.
pub fn touching(answer: &Touching, now: DateTime<Utc>, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(answer).unwrap_or_default();
    }
    let lined = answer.asked.iter().any(|a| !a.lines.is_empty());
    let view = TouchingView {
        asked: answer.asked.iter().map(|a| a.spelled()).collect(),
        touched: answer.touched,
        compared: answer.compared,
        lines_of: answer
            .asking
            .lane
            .as_deref()
            .filter(|_| lined)
            .map(|lane| (lane, answer.asking.staged)),
        branches: answer
            .branches
            .iter()
            .map(|branch| ToucherView {
                name: &branch.name,
                uncommitted: branch.uncommitted,
                files: branch
                    .files
                    .iter()
                    .map(|file| (file.path.as_str(), file.lines.as_slice()))
                    .collect(),
            })
            .collect(),
        claims: answer
            .claims
            .iter()
            .map(|on| view(&on.claim, now))
            .collect(),
        in_progress: answer
            .in_progress
            .iter()
            .map(|left| LeftOutView {
                worktree: &left.worktree,
                operation: left.operation.name(),
                branch: &left.branch,
            })
            .collect(),
    };
    words::touching(&view)
}

/// The merge order, as text or JSON.
pub fn merge_order(order: &LocalOrder, report: &Report, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(order).unwrap_or_default();
    }
    let places = order
        .places
        .iter()
        .map(|place| PlaceView {
            branch: &place.branch,
            waits_for: place
                .waits_for
                .iter()
                .map(|wait| WaitView {
                    branch: &wait.branch,
                    depends: wait.depends,
                    conflicts: &wait.conflicts,
                    regenerated: &wait.regenerated,
                })
                .collect(),
            forces_rebase_on: &place.forces_rebase_on,
        })
        .collect();
    words::merge_order(&MergeOrderView {
        default_branch: &report.default_branch,
        default_head: &report.default_head,
        places,
        rebases: order.rebases,
        fewest_rebases: order.fewest_rebases,
        fewest_proven: order.fewest_proven,
        arrival_rebases: order.arrival_rebases,
        nothing_to_merge: &order.nothing_to_merge,
    })
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::branch::Branch;
    use crate::local::conflicts::{BaseFinding, Finding, PairFinding};

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
        insta::assert_snapshot!(conflicts(&report, Utc::now(), false));
        assert!(report.any_conflict());
    }
}
