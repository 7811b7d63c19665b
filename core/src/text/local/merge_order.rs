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
