//! The merge order: in which order to merge the open PRs so that the fewest of them need a
//! rebase, and what each PR waits for.
//!
//! Every PR that lands forces a rebase on each open PR that conflicts with it, so an order costs
//! as many rebases as there are PRs with an earlier conflicting partner. The fewest possible is
//! the number of PRs minus the largest set of PRs no two of which conflict: merge that set
//! first, then the rest. Dependencies come first: a PR is never placed before one it depends
//! on. Among equals, ready PRs go first, then older ones, then lower numbers.
//!
//! The order is partial: a PR waits only for the PRs it depends on and for the conflicting PRs
//! placed before it, so every PR that waits for nothing may merge now. Each PR's [`Placement`] is
//! exactly what its check run shows (places are for the status board), so that after a merge
//! [`changed_placements`] names the only runs worth rewriting.
//!
//! Pure and deterministic: the same input gives the same result, whatever the machine's load
//! (the exact search is metered in work units, not wall time).

mod bits;
mod deps;
mod mis;
mod partial;
mod ranking;

use crate::ids::PrNumber;
use deps::Dependencies;
use mis::{Graph, Work};
use ranking::Ranking;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Work units the exact search gets per millisecond of budget, measured on a 2-core machine
/// (the benchmark prints how long the units actually took). The search counts units instead of
/// reading a clock so that a loaded machine does not change the result.
pub const WORK_UNITS_PER_MS: u64 = 15_000;

/// A PR that takes part in the order: coordinated, open and not a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub pr: PrNumber,
    /// Approved by review, and nothing more (checks and mergeability are not read): goes
    /// first among equals.
    pub ready: bool,
    /// When it arrived, smaller is older: a creation time in seconds or an arrival index.
    pub arrival: i64,
    /// The open PRs this one must not precede ("Depends on #N", an issue's dependencies
    /// resolved to the PRs that close them). Leave out dependencies that were merged (they are
    /// satisfied) or closed without merging (there is nothing left to wait for). A dependency
    /// that is not a candidate (a draft, an uncoordinated PR, an issue with no PR yet) is still
    /// waited for: the PR cannot merge now, see [`WaitReason::DependsOnUnqueued`].
    pub depends_on: Vec<PrNumber>,
}

/// Two candidates that conflict (they change the same lines), with why. The reason is opaque
/// here and handed back wherever the pair is mentioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict<R> {
    pub a: PrNumber,
    pub b: PrNumber,
    pub reason: R,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderInput<R> {
    /// Repeated PR numbers: the first entry counts.
    pub candidates: Vec<Candidate>,
    /// Pairs naming a PR that is not a candidate, or the same PR twice, are ignored; for a pair
    /// given twice the first reason counts.
    pub conflicts: Vec<Conflict<R>>,
    /// How long the exact search may take (at [`WORK_UNITS_PER_MS`]) before a group of
    /// conflicting PRs falls back to the best order found, which is never worse than "fewest
    /// conflicts first".
    pub exact_budget: Duration,
}

/// The recommended order and what it costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeOrder<R> {
    /// Every candidate once, in the recommended order (place 1 first). Only the dependencies
    /// and the conflicts in `placements` bind; any order consistent with them costs the same.
    pub order: Vec<PrNumber>,
    /// What each candidate's check run shows.
    pub placements: BTreeMap<PrNumber, Placement<R>>,
    /// Rebases the recommended order forces: PRs with an earlier conflicting partner.
    pub rebases: usize,
    /// No order can force fewer rebases than this.
    pub fewest_rebases: usize,
    /// Whether `rebases == fewest_rebases`, i.e. the recommended order is proven best.
    pub fewest_proven: bool,
    /// Rebases merging in order of arrival (oldest first, dependencies ignored) would force.
    pub arrival_rebases: usize,
    /// How many PRs may merge now (wait for nothing).
    pub merge_now: usize,
    /// The groups of conflicting PRs the search solved, and how.
    pub groups: Vec<ConflictGroup>,
    /// Sets of PRs whose "Depends on" lead round in a circle, each in increasing order.
    pub cycles: Vec<Vec<PrNumber>>,
}

impl<R> MergeOrder<R> {
    /// 1-based place of `pr` in the order.
    pub fn place(&self, pr: PrNumber) -> Option<usize> {
        self.order.iter().position(|&p| p == pr).map(|i| i + 1)
    }
}

/// What one PR's check run shows. Places are deliberately absent: a merge moves every PR up
/// one place, and that alone must not rewrite every run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement<R> {
    /// What this PR waits for: candidates in the order's order, then dependencies that are not
    /// candidates by number. Empty means "merge now".
    pub waits_for: Vec<Wait<R>>,
    /// The conflicting PRs placed after this one: each will need a rebase once it lands.
    pub will_force_rebase_on: Vec<ConflictWith<R>>,
    /// When this PR's dependencies lead round in a circle: every PR of that circle, in
    /// increasing order (this one included). Such a PR waits for all it depends on, including
    /// PRs placed after it, so none of the circle is told to merge until it is broken.
    pub dependency_cycle: Option<Vec<PrNumber>>,
}

impl<R> Placement<R> {
    /// Waits for nothing.
    pub fn merge_now(&self) -> bool {
        self.waits_for.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait<R> {
    pub pr: PrNumber,
    pub reason: WaitReason<R>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitReason<R> {
    /// This PR depends on it.
    DependsOn,
    /// This PR depends on it and it is not in the order (a draft, an uncoordinated PR, an issue
    /// without a PR): nothing to do but wait until it is merged or the dependency dropped.
    DependsOnUnqueued,
    /// Both change the same lines, and the order puts it first.
    Conflicts(R),
    /// This PR depends on it, and both change the same lines: a rebase is unavoidable.
    DependsOnAndConflicts(R),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictWith<R> {
    pub pr: PrNumber,
    pub reason: R,
}

/// A connected group of conflicting PRs, searched on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictGroup {
    /// In increasing order.
    pub prs: Vec<PrNumber>,
    pub solved: Solved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Solved {
    /// The fewest rebases for this group are proven.
    Exact,
    /// The time budget ran out: the best order found, starting from "fewest conflicts first".
    Fallback,
}

/// The recommended order of `input.candidates`.
pub fn recommend<R: Clone>(input: &OrderInput<R>) -> MergeOrder<R> {
    let ranking = Ranking::new(input);
    let deps = Dependencies::new(&ranking.depends_on);
    let len = ranking.len();

    // A PR placed after a conflicting PR it depends on (directly or not) needs a rebase in
    // every order, so it is left out of the search for PRs that can avoid one.
    let rebases_anyway: Vec<bool> = (0..len)
        .map(|v| {
            !ranking.conflicts[v].is_empty()
                && deps.comes_after_any(v, |u| ranking.conflict(v, u).is_some())
        })
        .collect();

    let Searched {
        free,
        most_free,
        groups,
    } = search_groups(&ranking, &rebases_anyway, input.exact_budget);
    let line = partial::linear_order(&ranking, &deps, &free);
    let placements: BTreeMap<PrNumber, Placement<R>> = partial::placements(&ranking, &deps, &line)
        .into_iter()
        .enumerate()
        .map(|(v, placement)| (ranking.prs[v], placement))
        .collect();
    let order: Vec<PrNumber> = line.iter().map(|&v| ranking.prs[v]).collect();

    let mut by_arrival: Vec<usize> = (0..len).collect();
    by_arrival.sort_by_key(|&v| (ranking.arrival[v], ranking.prs[v]));
    let by_arrival: Vec<PrNumber> = by_arrival.into_iter().map(|v| ranking.prs[v]).collect();

    let rebases = rebases_forced(&order, &input.conflicts);
    let fewest_rebases = len.saturating_sub(most_free);
    let mut cycles: Vec<Vec<PrNumber>> = deps
        .cycles
        .iter()
        .map(|cycle| sorted_prs(&ranking, cycle))
        .collect();
    cycles.sort();

    MergeOrder {
        merge_now: placements.values().filter(|v| v.merge_now()).count(),
        arrival_rebases: rebases_forced(&by_arrival, &input.conflicts),
        fewest_proven: rebases == fewest_rebases,
        rebases,
        fewest_rebases,
        order,
        placements,
        groups,
        cycles,
    }
}

/// How many PRs of `order` have an earlier conflicting partner, i.e. need a rebase when merged
/// in this order. Pairs with a PR not in `order` are ignored; a PR listed twice counts at its
/// first place.
pub fn rebases_forced<R>(order: &[PrNumber], conflicts: &[Conflict<R>]) -> usize {
    let mut place = BTreeMap::new();
    for (i, &pr) in order.iter().enumerate() {
        place.entry(pr).or_insert(i);
    }
    let rebased: BTreeSet<PrNumber> = conflicts
        .iter()
        .filter_map(|c| match (place.get(&c.a), place.get(&c.b)) {
            (Some(a), Some(b)) if a < b => Some(c.b),
            (Some(a), Some(b)) if b < a => Some(c.a),
            _ => None,
        })
        .collect();
    rebased.len()
}

/// Which check runs to rewrite between two recomputations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlacementChanges {
    /// PRs whose placement is new or different, in increasing order.
    pub changed: Vec<PrNumber>,
    /// PRs that had a placement and have none now (merged, closed, turned draft), in increasing
    /// order.
    pub gone: Vec<PrNumber>,
}

pub fn changed_placements<R: PartialEq>(
    previous: &BTreeMap<PrNumber, Placement<R>>,
    current: &BTreeMap<PrNumber, Placement<R>>,
) -> PlacementChanges {
    PlacementChanges {
        changed: current
            .iter()
            .filter(|&(pr, placement)| previous.get(pr) != Some(placement))
            .map(|(&pr, _)| pr)
            .collect(),
        gone: previous
            .keys()
            .filter(|pr| !current.contains_key(pr))
            .copied()
            .collect(),
    }
}

/// What the search found over all groups of conflicting PRs.
struct Searched {
    /// Per candidate: lands without a rebase in the recommended order (unless dependencies
    /// interfere).
    free: Vec<bool>,
    /// No order lets more candidates land without a rebase.
    most_free: usize,
    groups: Vec<ConflictGroup>,
}

/// Every group's size first, then, with what is left of the budget, which sets of that size
/// favour the preferred PRs: the number of rebases matters more than who avoids them.
fn search_groups<R>(ranking: &Ranking<R>, excluded: &[bool], budget: Duration) -> Searched {
    let mut work = Work::new(work_units(budget));
    let solved: Vec<(Vec<usize>, Graph, mis::Solution)> = conflict_groups(ranking, excluded)
        .into_iter()
        .map(|group| {
            let local = |v: usize| group.binary_search(&v).ok();
            let edges = group.iter().enumerate().flat_map(|(i, &v)| {
                ranking.conflicts[v]
                    .iter()
                    .filter_map(move |&(u, _)| local(u).map(|j| (i, j)))
            });
            let graph = Graph::new(group.len(), edges);
            let solution = mis::maximum_independent_set(&graph, &mut work);
            (group, graph, solution)
        })
        .collect();

    let mut searched = Searched {
        free: vec![false; ranking.len()],
        most_free: 0,
        groups: Vec::new(),
    };
    for (group, graph, solution) in solved {
        let members = if solution.exact {
            mis::first_in_preference(&graph, &solution.members, &mut work)
        } else {
            solution.members
        };
        for &v in members.iter().filter_map(|&i| group.get(i)) {
            searched.free[v] = true;
        }
        searched.most_free += solution.upper_bound;
        if group.len() > 1 {
            searched.groups.push(ConflictGroup {
                prs: sorted_prs(ranking, &group),
                solved: if solution.exact {
                    Solved::Exact
                } else {
                    Solved::Fallback
                },
            });
        }
    }
    searched.groups.sort_by(|a, b| a.prs.cmp(&b.prs));
    searched
}

fn sorted_prs<R>(ranking: &Ranking<R>, candidates: &[usize]) -> Vec<PrNumber> {
    let mut prs: Vec<PrNumber> = candidates.iter().map(|&v| ranking.prs[v]).collect();
    prs.sort_unstable();
    prs
}

fn work_units(budget: Duration) -> u64 {
    u64::try_from(budget.as_millis())
        .unwrap_or(u64::MAX)
        .saturating_mul(WORK_UNITS_PER_MS)
}

/// The connected groups of conflicting candidates, leaving out `excluded` ones: each in
/// increasing order, smallest groups first so that a hard group cannot starve easy ones of
/// budget (ties: the group with the most preferred PR first).
fn conflict_groups<R>(ranking: &Ranking<R>, excluded: &[bool]) -> Vec<Vec<usize>> {
    let mut seen = excluded.to_vec();
    let mut groups = Vec::new();
    for start in 0..ranking.len() {
        if std::mem::replace(&mut seen[start], true) {
            continue;
        }
        let mut group = vec![start];
        let mut next = 0;
        while let Some(&v) = group.get(next) {
            next += 1;
            for &(u, _) in &ranking.conflicts[v] {
                if !std::mem::replace(&mut seen[u], true) {
                    group.push(u);
                }
            }
        }
        group.sort_unstable();
        groups.push(group);
    }
    groups.sort_by_key(|g| (g.len(), g.first().copied()));
    groups
}

#[cfg(test)]
mod tests;
