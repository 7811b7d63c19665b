//! From the set of PRs that can land without a rebase to the order and to what each PR waits
//! for.
//!
//! The order is one line, but only the dependencies and the conflicts it resolves matter: a PR
//! waits for the PRs it depends on and for the conflicting PRs placed before it, nothing else,
//! so every PR that waits for nothing may merge now.

use super::deps::Dependencies;
use super::ranking::Ranking;
use super::{ConflictWith, Placement, Wait, WaitReason};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A line through all candidates that honours every dependency outside a cycle and places each
/// `free` candidate before its conflicting partners wherever the dependencies allow.
///
/// Kahn's algorithm over the dependencies, picking among the PRs whose dependencies are all
/// placed: a free PR first; else a PR that no unplaced free PR conflicts with; else (the
/// dependencies leave no other way) any, which costs one of the free PRs its rebase-free
/// landing. Ties go to the preferred PR.
pub(super) fn linear_order<R>(
    ranking: &Ranking<R>,
    deps: &Dependencies,
    free: &[bool],
) -> Vec<usize> {
    let len = ranking.len();
    let mut unplaced_dependencies: Vec<usize> = deps.before.iter().map(Vec::len).collect();
    let mut unplaced_free_partners: Vec<usize> = (0..len)
        .map(|v| {
            ranking.conflicts[v]
                .iter()
                .filter(|&&(u, _)| free[u])
                .count()
        })
        .collect();
    let mut placed = vec![false; len];
    let mut available = Available::default();
    for v in (0..len).filter(|&v| unplaced_dependencies[v] == 0) {
        available.add(v, free[v], unplaced_free_partners[v]);
    }

    let mut order = Vec::with_capacity(len);
    while let Some(v) = available.take(&placed) {
        placed[v] = true;
        order.push(v);
        if free[v] {
            for &(u, _) in &ranking.conflicts[v] {
                unplaced_free_partners[u] = unplaced_free_partners[u].saturating_sub(1);
                if !placed[u] && unplaced_dependencies[u] == 0 && unplaced_free_partners[u] == 0 {
                    available.unblock(u);
                }
            }
        }
        for &w in &deps.after[v] {
            unplaced_dependencies[w] = unplaced_dependencies[w].saturating_sub(1);
            if unplaced_dependencies[w] == 0 {
                available.add(w, free[w], unplaced_free_partners[w]);
            }
        }
    }
    // Unreachable with acyclic `before`; kept so that no candidate can ever go missing.
    order.extend((0..len).filter(|&v| !placed[v]));
    order
}

/// The candidates whose dependencies are all placed, in the three tiers `linear_order` picks
/// from, each preferred PR first.
#[derive(Default)]
struct Available {
    free: BinaryHeap<Reverse<usize>>,
    unblocked: BinaryHeap<Reverse<usize>>,
    blocked: BinaryHeap<Reverse<usize>>,
}

impl Available {
    fn add(&mut self, v: usize, free: bool, unplaced_free_partners: usize) {
        let tier = if free {
            &mut self.free
        } else if unplaced_free_partners == 0 {
            &mut self.unblocked
        } else {
            &mut self.blocked
        };
        tier.push(Reverse(v));
    }

    fn unblock(&mut self, v: usize) {
        self.unblocked.push(Reverse(v));
    }

    /// The next PR to place; entries placed since they were queued are skipped.
    fn take(&mut self, placed: &[bool]) -> Option<usize> {
        [&mut self.free, &mut self.unblocked, &mut self.blocked]
            .into_iter()
            .find_map(|tier| std::iter::from_fn(|| tier.pop()).find(|&Reverse(v)| !placed[v]))
            .map(|Reverse(v)| v)
    }
}

/// What each candidate waits for and whom it will force to rebase, given the order.
pub(super) fn placements<R: Clone>(
    ranking: &Ranking<R>,
    deps: &Dependencies,
    order: &[usize],
) -> Vec<Placement<R>> {
    let mut place = vec![usize::MAX; ranking.len()];
    for (i, &v) in order.iter().enumerate() {
        place[v] = i;
    }
    (0..ranking.len())
        .map(|v| {
            let mut waits: Vec<(usize, Wait<R>)> = Vec::new();
            for &d in &ranking.depends_on[v] {
                let reason = match ranking.conflict(v, d) {
                    Some(why) => WaitReason::DependsOnAndConflicts(why.clone()),
                    None => WaitReason::DependsOn,
                };
                waits.push((place[d], wait(ranking, d, reason)));
            }
            let mut will_force_rebase_on = Vec::new();
            for (u, why) in &ranking.conflicts[v] {
                if place[*u] > place[v] {
                    will_force_rebase_on.push((
                        place[*u],
                        ConflictWith {
                            pr: ranking.prs[*u],
                            reason: (*why).clone(),
                        },
                    ));
                } else if !ranking.depends_on[v].contains(u) {
                    let reason = WaitReason::Conflicts((*why).clone());
                    waits.push((place[*u], wait(ranking, *u, reason)));
                }
            }
            waits.sort_by_key(|(at, _)| *at);
            will_force_rebase_on.sort_by_key(|(at, _)| *at);

            let mut waits_for: Vec<Wait<R>> = waits.into_iter().map(|(_, w)| w).collect();
            waits_for.extend(ranking.depends_on_unqueued[v].iter().map(|&pr| Wait {
                pr,
                reason: WaitReason::DependsOnUnqueued,
            }));
            let dependency_cycle = deps.cycle_of[v].map(|c| {
                let mut prs: Vec<_> = deps.cycles[c].iter().map(|&u| ranking.prs[u]).collect();
                prs.sort_unstable();
                prs
            });
            Placement {
                waits_for,
                will_force_rebase_on: will_force_rebase_on.into_iter().map(|(_, c)| c).collect(),
                dependency_cycle,
            }
        })
        .collect()
}

fn wait<R>(ranking: &Ranking<R>, candidate: usize, reason: WaitReason<R>) -> Wait<R> {
    Wait {
        pr: ranking.prs[candidate],
        reason,
    }
}
