//! `merge-order`'s answer: the lane branches in the order that costs the fewest rebases,
//! what each waits for, and what the order costs.

use super::conflicts::conflict_paths;
use super::short;
use crate::text::merge_order::order_cost;
use crate::text::plural;

/// The merge order, as it is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOrderView<'a> {
    pub default_branch: &'a str,
    pub default_head: &'a str,
    pub places: Vec<PlaceView<'a>>,
    pub rebases: usize,
    pub fewest_rebases: usize,
    pub fewest_proven: bool,
    pub arrival_rebases: usize,
    /// Branches with nothing the default branch lacks.
    pub nothing_to_merge: &'a [String],
}

/// One branch's place in the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceView<'a> {
    pub branch: &'a str,
    /// None: it may merge now.
    pub waits_for: Vec<WaitView<'a>>,
    /// Branches that will need a rebase once it lands.
    pub forces_rebase_on: &'a [String],
}

/// A branch another one waits for, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitView<'a> {
    pub branch: &'a str,
    /// A task on the waiting branch depends on a task on this one.
    pub depends: bool,
    /// The paths both change so that git stops; none if none.
    pub conflicts: &'a [String],
    /// Those of them regenerated rather than merged (lock files).
    pub regenerated: &'a [String],
}

/// `merge-order`'s answer for a terminal.
pub fn merge_order(view: &MergeOrderView<'_>) -> String {
    let base = format!("{} at {}", view.default_branch, short(view.default_head));
    let mut lines = Vec::new();
    if view.places.is_empty() {
        lines.push(format!("Nothing to merge into {base}."));
    } else {
        lines.push(format!(
            "Merge order of {} ({base}):",
            plural(view.places.len(), "branch", "branches")
        ));
        for (at, place) in view.places.iter().enumerate() {
            let when = if place.waits_for.is_empty() {
                "merge now".to_owned()
            } else {
                let waits: Vec<String> = place.waits_for.iter().map(wait).collect();
                format!("after {}", waits.join(", "))
            };
            let rebase = if place.forces_rebase_on.is_empty() {
                String::new()
            } else {
                format!("; then rebase {}", place.forces_rebase_on.join(", "))
            };
            lines.push(format!("  {}. {}: {when}{rebase}", at + 1, place.branch));
        }
        lines.push(order_cost(
            view.rebases,
            view.fewest_rebases,
            view.fewest_proven,
            view.arrival_rebases,
        ));
    }
    if !view.nothing_to_merge.is_empty() {
        lines.push(format!(
            "Nothing to merge yet: {}.",
            view.nothing_to_merge.join(", ")
        ));
    }
    lines.join("\n")
}

/// "parallel-dev/agent-1 (both change src/app.rs)".
fn wait(wait: &WaitView<'_>) -> String {
    let why = match (wait.depends, wait.conflicts.is_empty()) {
        (true, true) => "a task here depends on it".to_owned(),
        (true, false) => format!(
            "a task here depends on it, and both change {}",
            conflict_paths(wait.conflicts, wait.regenerated)
        ),
        (false, _) => format!(
            "both change {}",
            conflict_paths(wait.conflicts, wait.regenerated)
        ),
    };
    format!("{} ({why})", wait.branch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A1: &str = "parallel-dev/agent-1";
    const A2: &str = "parallel-dev/agent-2";
    const A3: &str = "parallel-dev/agent-3";

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    fn view<'a>(places: Vec<PlaceView<'a>>, nothing_to_merge: &'a [String]) -> MergeOrderView<'a> {
        MergeOrderView {
            default_branch: "main",
            default_head: "0123456789abcdef",
            places,
            rebases: 1,
            fewest_rebases: 1,
            fewest_proven: true,
            arrival_rebases: 1,
            nothing_to_merge,
        }
    }

    fn after<'a>(branch: &'a str, depends: bool, conflicts: &'a [String]) -> WaitView<'a> {
        WaitView {
            branch,
            depends,
            conflicts,
            regenerated: &[],
        }
    }

    #[test]
    fn each_branch_merges_now_or_after_others_and_the_order_has_a_cost() {
        let rebase_a2 = strings(&[A2]);
        let app = strings(&["app.txt"]);
        let said = merge_order(&view(
            vec![
                PlaceView {
                    branch: A3,
                    waits_for: vec![],
                    forces_rebase_on: &[],
                },
                PlaceView {
                    branch: A1,
                    waits_for: vec![after(A3, true, &[])],
                    forces_rebase_on: &rebase_a2,
                },
                PlaceView {
                    branch: A2,
                    waits_for: vec![after(A1, false, &app)],
                    forces_rebase_on: &[],
                },
            ],
            &[],
        ));
        assert_eq!(
            said,
            format!(
                "Merge order of 3 branches (main at 0123456):\n  \
                 1. {A3}: merge now\n  \
                 2. {A1}: after {A3} (a task here depends on it); then rebase {A2}\n  \
                 3. {A2}: after {A1} (both change app.txt)\n\
                 This order costs 1 rebase; the fewest possible is 1; arrival order would cost 1."
            )
        );
        insta::assert_snapshot!(said);
    }

    #[test]
    fn lock_files_dependencies_with_conflicts_an_unproven_fewest_and_branches_with_nothing() {
        let lock = strings(&["Cargo.lock"]);
        let both = strings(&["src/app.rs", "Cargo.lock"]);
        let nothing = strings(&[A3, "spike"]);
        let mut order = view(
            vec![
                PlaceView {
                    branch: A1,
                    waits_for: vec![],
                    forces_rebase_on: &[],
                },
                PlaceView {
                    branch: A2,
                    waits_for: vec![
                        WaitView {
                            regenerated: &lock,
                            ..after(A1, false, &lock)
                        },
                        WaitView {
                            regenerated: &lock,
                            ..after("feature", true, &both)
                        },
                    ],
                    forces_rebase_on: &[],
                },
            ],
            &nothing,
        );
        order.rebases = 2;
        order.fewest_proven = false;
        order.arrival_rebases = 3;
        insta::assert_snapshot!(merge_order(&order));
    }

    #[test]
    fn nothing_to_merge_at_all() {
        let nothing = strings(&[A1]);
        insta::assert_snapshot!(merge_order(&view(vec![], &nothing)));
    }
}
