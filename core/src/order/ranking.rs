//! The input cleaned up and numbered: candidates are numbered `0..len` in order of preference
//! (ready first, then older, then lower PR number), so that "lower number" means "favour this
//! one" everywhere in the engine and every tie is broken the same way.

use super::{Candidate, OrderInput};
use crate::ids::PrNumber;
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Ranking<'a, R> {
    /// PR of each candidate, in order of preference.
    pub(super) prs: Vec<PrNumber>,
    /// Arrival key of each candidate.
    pub(super) arrival: Vec<i64>,
    /// The candidates each one depends on (no duplicates, no self-dependency).
    pub(super) depends_on: Vec<Vec<usize>>,
    /// The PRs each one depends on that are not candidates.
    pub(super) depends_on_unqueued: Vec<Vec<PrNumber>>,
    /// The candidates each one conflicts with, in increasing order, with the reason.
    pub(super) conflicts: Vec<Vec<(usize, &'a R)>>,
}

impl<'a, R> Ranking<'a, R> {
    /// Later duplicates of a candidate, self-conflicts, repeated conflicts (the first reason
    /// is kept) and conflicts with PRs that are not candidates are ignored.
    pub(super) fn new(input: &'a OrderInput<R>) -> Self {
        let mut candidates: Vec<&Candidate> = Vec::new();
        let mut seen = BTreeSet::new();
        for candidate in &input.candidates {
            if seen.insert(candidate.pr) {
                candidates.push(candidate);
            }
        }
        candidates.sort_by_key(|c| (!c.ready, c.arrival, c.pr));
        let index: BTreeMap<PrNumber, usize> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.pr, i))
            .collect();

        let mut depends_on = Vec::with_capacity(candidates.len());
        let mut depends_on_unqueued = Vec::with_capacity(candidates.len());
        for candidate in &candidates {
            let mut queued = Vec::new();
            let mut unqueued = Vec::new();
            for &dependency in &candidate.depends_on {
                if dependency == candidate.pr {
                    continue;
                }
                match index.get(&dependency) {
                    Some(&d) => queued.push(d),
                    None => unqueued.push(dependency),
                }
            }
            queued.sort_unstable();
            queued.dedup();
            unqueued.sort_unstable();
            unqueued.dedup();
            depends_on.push(queued);
            depends_on_unqueued.push(unqueued);
        }

        let mut conflicts: Vec<Vec<(usize, &R)>> = vec![Vec::new(); candidates.len()];
        let mut pairs = BTreeSet::new();
        for conflict in &input.conflicts {
            if let (Some(&a), Some(&b)) = (index.get(&conflict.a), index.get(&conflict.b))
                && a != b
                && pairs.insert((a.min(b), a.max(b)))
            {
                conflicts[a].push((b, &conflict.reason));
                conflicts[b].push((a, &conflict.reason));
            }
        }
        for partners in &mut conflicts {
            partners.sort_by_key(|&(n, _)| n);
        }

        Self {
            prs: candidates.iter().map(|c| c.pr).collect(),
            arrival: candidates.iter().map(|c| c.arrival).collect(),
            depends_on,
            depends_on_unqueued,
            conflicts,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.prs.len()
    }

    /// Why `a` and `b` conflict, if they do.
    pub(super) fn conflict(&self, a: usize, b: usize) -> Option<&'a R> {
        let partners = self.conflicts.get(a)?;
        partners
            .binary_search_by_key(&b, |&(n, _)| n)
            .ok()
            .map(|i| partners[i].1)
    }
}
