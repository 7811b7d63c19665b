//! `conflicts`' answer: where a trial merge stops, where the line engine disagrees with it,
//! and what else the user should know of the branches compared.

use super::claims::{ClaimView, changes_claimed};
use super::short;
use super::worktrees::{LeftOutView, in_progress, uncommitted_compared};
use crate::text::plural;

/// What `conflicts` found, as it is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictsView<'a> {
    pub scope: Scope<'a>,
    pub default_branch: &'a str,
    pub default_head: &'a str,
    /// Where the trial merge stops: every pair's, then each branch's with the default branch.
    pub conflicts: Vec<ConflictLine<'a>>,
    /// The branches the line engine could not read, with why.
    pub unread: Vec<(&'a str, &'a str)>,
    pub disagreements: Vec<Disagreement<'a>>,
    pub claimed: Vec<ClaimedChangeView<'a>>,
    /// The branches whose worktrees' uncommitted work was compared.
    pub uncommitted: Vec<&'a str>,
    pub in_progress: Vec<LeftOutView<'a>>,
}

/// The branches compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// One lane's branches with the `others`.
    Lane { lane: &'a str, others: usize },
    /// Every pair of these many branches.
    All { branches: usize },
}

/// Two sides a trial merge stops on (`b` may be the default branch), and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConflictLine<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub paths: &'a [String],
    /// Those of `paths` regenerated rather than merged (lock files).
    pub regenerated: &'a [String],
}

/// Two sides on which the line engine and the trial merge disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disagreement<'a> {
    /// The line engine warns about `paths`; git merges the two cleanly.
    LineWarns {
        a: &'a str,
        b: &'a str,
        paths: &'a [String],
    },
    /// Git stops on `paths`; the line engine saw no overlap.
    GitStops {
        a: &'a str,
        b: &'a str,
        paths: &'a [String],
    },
}

/// A branch changing paths another lane has claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimedChangeView<'a> {
    pub branch: &'a str,
    pub claim: ClaimView<'a>,
    /// The branch's changed files the claim covers.
    pub paths: &'a [String],
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

/// `conflicts`' answer for a terminal.
pub fn conflicts(view: &ConflictsView<'_>) -> String {
    let base = format!("{} ({})", view.default_branch, short(view.default_head));
    let scope = match view.scope {
        Scope::Lane { lane, others } => format!(
            "of {lane} with {} and {base}",
            plural(others, "other branch", "other branches")
        ),
        Scope::All { branches } => format!(
            "among {} and {base}",
            plural(branches, "branch", "branches")
        ),
    };
    let mut lines = Vec::new();
    if view.conflicts.is_empty() {
        lines.push(format!("No conflicts {scope}."));
    } else {
        lines.push(format!(
            "Conflicts {scope}, by a trial merge (git merge-tree):"
        ));
        for conflict in &view.conflicts {
            lines.push(format!(
                "  {} × {}: {}",
                conflict.a,
                conflict.b,
                conflict_paths(conflict.paths, conflict.regenerated)
            ));
        }
    }
    for (name, reason) in &view.unread {
        lines.push(format!(
            "The line engine could not read {name}, so the trial merge alone judged it: {reason}"
        ));
    }
    if view.disagreements.is_empty() {
        lines.push(if view.unread.is_empty() {
            "The line engine agrees on every pair.".into()
        } else {
            "The line engine agrees on every other pair.".into()
        });
    } else {
        lines.push("Where the line engine and the trial merge disagree:".into());
        lines.extend(view.disagreements.iter().map(disagreement));
    }
    for claimed in &view.claimed {
        lines.push(changes_claimed(
            claimed.branch,
            &claimed.claim,
            claimed.paths,
        ));
    }
    if !view.uncommitted.is_empty() {
        lines.push(uncommitted_compared(&view.uncommitted));
    }
    lines.extend(view.in_progress.iter().map(in_progress));
    lines.join("\n")
}

fn disagreement(disagreement: &Disagreement<'_>) -> String {
    match disagreement {
        Disagreement::LineWarns { a, b, paths } => format!(
            "  {a} × {b}: the line engine warns about {}; git merges them cleanly",
            paths.join(", ")
        ),
        Disagreement::GitStops { a, b, paths } => format!(
            "  {a} × {b}: git stops on {}; the line engine saw no overlap",
            paths.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn the_tiers_disagreements_lock_files_and_unread_branches_are_named() {
        let lock = strings(&["Cargo.lock"]);
        let y = strings(&["src/y.rs"]);
        let readme = strings(&["README"]);
        let view = ConflictsView {
            scope: Scope::All { branches: 4 },
            default_branch: "main",
            default_head: &"0123456789".repeat(4),
            conflicts: vec![
                ConflictLine {
                    a: "a",
                    b: "b",
                    paths: &lock,
                    regenerated: &lock,
                },
                ConflictLine {
                    a: "a",
                    b: "c",
                    paths: &y,
                    regenerated: &[],
                },
                ConflictLine {
                    a: "c",
                    b: "d",
                    paths: &readme,
                    regenerated: &[],
                },
                ConflictLine {
                    a: "c",
                    b: "main",
                    paths: &readme,
                    regenerated: &[],
                },
            ],
            unread: vec![("d", "git diff x y: unable to read 1234")],
            disagreements: vec![Disagreement::GitStops {
                a: "a",
                b: "c",
                paths: &y,
            }],
            claimed: vec![],
            uncommitted: vec![],
            in_progress: vec![],
        };
        insta::assert_snapshot!(conflicts(&view));
    }

    #[test]
    fn no_conflicts_among_the_branches() {
        let said = conflicts(&ConflictsView {
            scope: Scope::All { branches: 1 },
            default_branch: "main",
            default_head: "0123456789",
            conflicts: vec![],
            unread: vec![],
            disagreements: vec![],
            claimed: vec![],
            uncommitted: vec![],
            in_progress: vec![],
        });
        assert_eq!(
            said,
            "No conflicts among 1 branch and main (0123456).\nThe line engine agrees on every pair."
        );
        insta::assert_snapshot!(said);
    }

    #[test]
    fn one_lanes_conflicts_with_claims_uncommitted_work_and_a_merge_under_way() {
        let at = |hour, minute| {
            chrono::NaiveDate::from_ymd_opt(2025, 3, 3)
                .unwrap()
                .and_hms_opt(hour, minute, 0)
                .unwrap()
        };
        let app = strings(&["src/app.rs"]);
        let readme = strings(&["README"]);
        let view = ConflictsView {
            scope: Scope::Lane {
                lane: "agent-1",
                others: 2,
            },
            default_branch: "main",
            default_head: "0123456789",
            conflicts: vec![ConflictLine {
                a: "parallel-dev/agent-1",
                b: "parallel-dev/agent-2",
                paths: &app,
                regenerated: &[],
            }],
            unread: vec![],
            disagreements: vec![Disagreement::LineWarns {
                a: "parallel-dev/agent-1",
                b: "parallel-dev/agent-3",
                paths: &readme,
            }],
            claimed: vec![ClaimedChangeView {
                branch: "parallel-dev/agent-1",
                claim: ClaimView {
                    lane: "agent-3",
                    path: "README",
                    task: Some("T3"),
                    reason: None,
                    until: at(15, 40),
                    now: at(13, 40),
                },
                paths: &readme,
            }],
            uncommitted: vec!["parallel-dev/agent-1", "parallel-dev/agent-2"],
            in_progress: vec![LeftOutView {
                worktree: "../repo-worktrees/agent-3",
                operation: "merge",
                branch: "parallel-dev/agent-3",
            }],
        };
        insta::assert_snapshot!(conflicts(&view));
    }

    #[test]
    fn lock_files_come_last_with_the_advice_to_regenerate_them() {
        let said = [
            conflict_paths(&strings(&["a.rs", "b.rs"]), &[]),
            conflict_paths(
                &strings(&["Cargo.lock", "src/x.rs"]),
                &strings(&["Cargo.lock"]),
            ),
            conflict_paths(
                &strings(&["Cargo.lock", "yarn.lock"]),
                &strings(&["Cargo.lock", "yarn.lock"]),
            ),
            conflict_paths(
                &strings(&["Cargo.lock", "a.rs", "yarn.lock"]),
                &strings(&["Cargo.lock", "yarn.lock"]),
            ),
        ];
        insta::assert_snapshot!(said.join("\n"));
    }
}
