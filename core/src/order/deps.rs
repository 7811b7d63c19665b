//! "Depends on" between candidates: which dependencies form cycles, and which ones the order
//! must honour.
//!
//! A cycle cannot be honoured, so the dependencies between members of one cycle are left out of
//! the order (its members are placed like independent PRs) while every dependency that enters
//! or leaves the cycle still is. The PRs of a cycle keep waiting for what they depend on, so
//! none of them is told to merge before someone fixes the "Depends on" lines.

use crate::graph::strongly_connected_components;

/// The dependency structure of the candidates `0..len`.
pub(super) struct Dependencies {
    /// For each candidate, the candidates it depends on outside its own cycle: these must be
    /// placed before it.
    pub(super) before: Vec<Vec<usize>>,
    /// For each candidate, the inverse of `before`.
    pub(super) after: Vec<Vec<usize>>,
    /// For each candidate, its cycle (an index into `cycles`), if it is in one.
    pub(super) cycle_of: Vec<Option<usize>>,
    /// The groups of candidates whose dependencies lead round in a circle (strongly connected
    /// sets of two or more), each in increasing order, ordered by their first member.
    pub(super) cycles: Vec<Vec<usize>>,
}

impl Dependencies {
    /// `depends_on[v]`: the candidates `v` depends on (no self-dependencies, no out-of-range
    /// numbers).
    pub(super) fn new(depends_on: &[Vec<usize>]) -> Self {
        let len = depends_on.len();
        let component = strongly_connected_components(depends_on);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); len];
        for (v, &c) in component.iter().enumerate() {
            members[c].push(v);
        }
        let mut cycles: Vec<Vec<usize>> = members.into_iter().filter(|m| m.len() > 1).collect();
        cycles.sort();
        let mut cycle_of = vec![None; len];
        for (i, cycle) in cycles.iter().enumerate() {
            for &v in cycle {
                cycle_of[v] = Some(i);
            }
        }

        let mut before = vec![Vec::new(); len];
        let mut after = vec![Vec::new(); len];
        for (v, deps) in depends_on.iter().enumerate() {
            for &d in deps {
                if component[d] != component[v] {
                    before[v].push(d);
                    after[d].push(v);
                }
            }
        }
        Self {
            before,
            after,
            cycle_of,
            cycles,
        }
    }

    /// Whether some candidate that must be placed before `v` (directly or through others)
    /// satisfies `is_target`.
    pub(super) fn comes_after_any(&self, v: usize, is_target: impl Fn(usize) -> bool) -> bool {
        let mut seen = vec![false; self.before.len()];
        let mut stack = self.before[v].clone();
        while let Some(u) = stack.pop() {
            if std::mem::replace(&mut seen[u], true) {
                continue;
            }
            if is_target(u) {
                return true;
            }
            stack.extend(&self.before[u]);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_has_no_cycle_and_keeps_every_dependency() {
        let deps = Dependencies::new(&[vec![], vec![0], vec![1]]);
        assert!(deps.cycles.is_empty());
        assert_eq!(deps.before, vec![vec![], vec![0], vec![1]]);
        assert_eq!(deps.after, vec![vec![1], vec![2], vec![]]);
        assert!(deps.comes_after_any(2, |u| u == 0));
        assert!(!deps.comes_after_any(0, |u| u == 2));
    }

    #[test]
    fn cycle_is_found_and_only_its_inner_dependencies_dropped() {
        // 1 -> 2 -> 3 -> 1 is a cycle; 3 also depends on 0, and 4 on 2.
        let deps = Dependencies::new(&[vec![], vec![2], vec![3], vec![1, 0], vec![2]]);
        assert_eq!(deps.cycles, vec![vec![1, 2, 3]]);
        assert_eq!(deps.cycle_of, vec![None, Some(0), Some(0), Some(0), None]);
        assert_eq!(deps.before, vec![vec![], vec![], vec![], vec![0], vec![2]]);
        assert!(deps.comes_after_any(4, |u| u == 2));
        assert!(!deps.comes_after_any(4, |u| u == 0));
    }

    #[test]
    fn two_separate_cycles() {
        let deps = Dependencies::new(&[vec![1], vec![0], vec![3], vec![2]]);
        assert_eq!(deps.cycles, vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn long_chain_does_not_recurse() {
        let len = 200_000;
        let depends_on: Vec<Vec<usize>> = (0..len)
            .map(|v| if v == 0 { vec![len - 1] } else { vec![v - 1] })
            .collect();
        let deps = Dependencies::new(&depends_on);
        assert_eq!(deps.cycles.len(), 1);
        assert_eq!(deps.cycles[0].len(), len);
    }
}
