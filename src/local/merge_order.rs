//! The merge order of the lane branches: the App's order engine over the exact conflicts and
//! the task book's dependencies.

use super::book::{Book, Standing};
use super::conflicts::Report;
use super::error::LocalError;
use super::repo::Repo;
use crate::ids::{IssueNumber, PrNumber};
use crate::order::{Candidate, Conflict, MergeOrder, OrderInput, WaitReason, recommend};
use chrono::Utc;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// One branch's place in the order.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub branch: String,
    /// Empty: it may merge now.
    pub waits_for: Vec<Wait>,
    /// Branches that will need a rebase once it lands.
    pub forces_rebase_on: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Wait {
    pub branch: String,
    /// A task on this branch depends on a task on that one.
    pub depends: bool,
    /// The paths both change so that git stops; empty if none.
    pub conflicts: Vec<String>,
    /// Those of them regenerated rather than merged (lock files): regenerate them after
    /// rebasing.
    pub regenerated: Vec<String>,
}

/// Why two branches conflict: the paths git stops on, and the regenerated ones among them.
#[derive(Debug, Clone, Default)]
struct Paths {
    all: Vec<String>,
    regenerated: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LocalOrder {
    pub places: Vec<Place>,
    pub rebases: usize,
    pub fewest_rebases: usize,
    pub fewest_proven: bool,
    pub arrival_rebases: usize,
    /// Branches with nothing the default branch lacks: nothing to merge.
    pub nothing_to_merge: Vec<String>,
}

/// The order over the branches of `report` that have something to merge. A branch depends on
/// another when a task whose work is on it depends on a task whose work is on the other.
pub fn order(
    repo: &Repo,
    report: &Report,
    arrivals: &BTreeMap<String, Option<i64>>,
    book: &Book,
) -> Result<LocalOrder, LocalError> {
    let queued: Vec<(PrNumber, &super::branch::Branch)> = (1..)
        .map(PrNumber)
        .zip(&report.branches)
        .filter(|(_, branch)| branch.ahead)
        .collect();
    let by_name: BTreeMap<&str, PrNumber> = queued
        .iter()
        .map(|(number, branch)| (branch.name.as_str(), *number))
        .collect();
    let name_of: BTreeMap<PrNumber, &str> = by_name.iter().map(|(name, n)| (*n, *name)).collect();
    let plan = book.plan(Utc::now());
    // The branch each task's work is on, when that branch takes part: a done task's work
    // stays on its branch until the branch is merged.
    let mut branch_of_task: BTreeMap<&str, PrNumber> = BTreeMap::new();
    for task in &book.tasks {
        let on_branch = matches!(
            book.standing(&plan, task),
            Standing::Assigned { .. } | Standing::Done
        );
        if let (true, Some(agent)) = (on_branch, repo.config.agent(&task.lane)) {
            let branch = repo
                .config
                .branch_for(agent, IssueNumber(task.seq), &task.title);
            if let Some(&number) = by_name.get(branch.as_str()) {
                branch_of_task.insert(task.id.as_str(), number);
            }
        }
    }
    let mut candidates = Vec::new();
    for &(number, branch) in &queued {
        let depends_on: BTreeSet<PrNumber> = book
            .tasks
            .iter()
            .filter(|task| branch_of_task.get(task.id.as_str()) == Some(&number))
            .flat_map(|task| &task.depends_on)
            .filter_map(|dep| branch_of_task.get(dep.as_str()).copied())
            .filter(|dep| *dep != number)
            .collect();
        candidates.push(Candidate {
            pr: number,
            ready: false,
            arrival: arrivals
                .get(&branch.name)
                .copied()
                .flatten()
                .unwrap_or(i64::MAX),
            depends_on: depends_on.into_iter().collect(),
        });
    }
    let conflicts: Vec<Conflict<Paths>> = report
        .pairs
        .iter()
        .filter(|pair| pair.exact.conflict)
        .filter_map(|pair| {
            Some(Conflict {
                a: *by_name.get(pair.a.as_str())?,
                b: *by_name.get(pair.b.as_str())?,
                reason: Paths {
                    all: pair.exact.paths.clone(),
                    regenerated: pair.regenerated.clone(),
                },
            })
        })
        .collect();
    let order = recommend(&OrderInput {
        candidates,
        conflicts,
        exact_budget: Duration::from_millis(repo.config.merge_order.exact_budget_ms),
    });
    Ok(local_order(&order, &name_of, report))
}

fn local_order(
    order: &MergeOrder<Paths>,
    name_of: &BTreeMap<PrNumber, &str>,
    report: &Report,
) -> LocalOrder {
    let name = |pr: PrNumber| {
        name_of
            .get(&pr)
            .map_or_else(|| pr.to_string(), |n| (*n).to_owned())
    };
    let places = order
        .order
        .iter()
        .map(|&pr| {
            let placement = order.placements.get(&pr);
            Place {
                branch: name(pr),
                waits_for: placement
                    .map(|v| {
                        v.waits_for
                            .iter()
                            .map(|wait| {
                                let (depends, paths) = match &wait.reason {
                                    WaitReason::DependsOn | WaitReason::DependsOnUnqueued => {
                                        (true, Paths::default())
                                    }
                                    WaitReason::Conflicts(paths) => (false, paths.clone()),
                                    WaitReason::DependsOnAndConflicts(paths) => {
                                        (true, paths.clone())
                                    }
                                };
                                Wait {
                                    branch: name(wait.pr),
                                    depends,
                                    conflicts: paths.all,
                                    regenerated: paths.regenerated,
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                forces_rebase_on: placement
                    .map(|v| v.will_force_rebase_on.iter().map(|w| name(w.pr)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    LocalOrder {
        places,
        rebases: order.rebases,
        fewest_rebases: order.fewest_rebases,
        fewest_proven: order.fewest_proven,
        arrival_rebases: order.arrival_rebases,
        nothing_to_merge: report
            .branches
            .iter()
            .filter(|b| !b.ahead)
            .map(|b| b.name.clone())
            .collect(),
    }
}

/// When each branch's work arrived: the commit time of its first commit the default branch
/// lacks (`None`: it has none). Read side by side, and without the merge bases, so that it
/// can run while the trial merges do.
pub fn arrivals(
    repo: &Repo,
    branches: &[(String, String)],
) -> Result<BTreeMap<String, Option<i64>>, LocalError> {
    let times = super::parallel::map(branches, |(_, head)| {
        let range = format!("{}..{head}", repo.default_head);
        let out = repo
            .git
            .text(&["log", "--reverse", "--format=%ct", &range, "--"])?;
        Ok::<_, LocalError>(out.lines().next().and_then(|line| line.trim().parse().ok()))
    });
    branches
        .iter()
        .zip(times)
        .map(|((name, _), time)| Ok((name.clone(), time?)))
        .collect()
}
