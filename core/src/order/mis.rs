//! Maximum independent set of one connected group of conflicting PRs: the largest set of PRs
//! no two of which conflict, i.e. the PRs that can land without a rebase.
//!
//! Vertices are numbered in order of preference (0 is the PR to favour most). Two steps:
//!
//! 1. The size: branch and reduce. Vertices with at most one neighbour are taken and dominated
//!    vertices dropped (both keep some maximum set intact), a greedy clique cover bounds what
//!    the rest can still add, and the search branches on the vertex with the most neighbours.
//! 2. Which set of that size: the first in order of preference (compare the members in
//!    increasing order), so that among equally cheap orders the preferred PRs are the ones
//!    that land without a rebase. Vertices are decided in order, keeping a maximum set that
//!    agrees with the decisions so far as witness: a vertex in the witness is taken; one that
//!    can replace its single witness neighbour is swapped in; otherwise a search (as in 1)
//!    tells whether some maximum set takes it.
//!
//! The work is metered in units (one per vertex per machine word of a set operation) rather
//! than wall time so that the same input always gives the same answer. When the units run out
//! in step 1, the best set found so far is kept (never worse than the "fewest conflicts first"
//! greedy set it starts from); in step 2, the maximum set is only improved by simple swaps
//! towards preferred vertices.

use super::bits::Bits;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Components larger than this are not searched: the adjacency matrix would be large and the
/// search too deep to finish anyway; they get the greedy set.
const MAX_SEARCHED_VERTICES: usize = 2048;

/// An undirected graph over `0..len`: adjacency lists, and an adjacency matrix of bit sets
/// for the search when the graph is small enough to be searched.
pub(super) struct Graph {
    lists: Vec<Vec<usize>>,
    /// Empty when the graph has more than `MAX_SEARCHED_VERTICES` vertices.
    matrix: Vec<Bits>,
}

impl Graph {
    /// Self-loops, repeated edges and edges with an end outside `0..len` are ignored.
    pub(super) fn new(len: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut lists = vec![Vec::new(); len];
        for (a, b) in edges {
            if a != b && a < len && b < len {
                lists[a].push(b);
                lists[b].push(a);
            }
        }
        for list in &mut lists {
            list.sort_unstable();
            list.dedup();
        }
        let matrix = if len <= MAX_SEARCHED_VERTICES {
            lists
                .iter()
                .map(|list| Bits::with(len, list.iter().copied()))
                .collect()
        } else {
            Vec::new()
        };
        Self { lists, matrix }
    }

    fn len(&self) -> usize {
        self.lists.len()
    }

    fn searchable(&self) -> bool {
        self.matrix.len() == self.lists.len()
    }

    /// Only for searchable graphs.
    fn neighbours(&self, v: usize) -> &Bits {
        &self.matrix[v]
    }

    /// Only for searchable graphs.
    fn neighbours_within(&self, v: usize, within: &Bits) -> Bits {
        let mut neighbours = self.matrix[v].clone();
        neighbours.intersect_with(within);
        neighbours
    }

    /// The neighbours of `v` that `within` holds, in increasing order.
    fn listed_within<'a>(&'a self, v: usize, within: &'a Bits) -> impl Iterator<Item = usize> + 'a {
        self.lists[v]
            .iter()
            .copied()
            .filter(|&u| within.contains(u))
    }
}

/// What is left of the exact search's allowance, in work units.
pub(super) struct Work {
    left: u64,
}

impl Work {
    pub(super) fn new(units: u64) -> Self {
        Self { left: units }
    }

    /// Takes `units` from the allowance; false (and nothing taken) when not enough is left.
    fn spend(&mut self, units: u64) -> bool {
        match self.left.checked_sub(units) {
            Some(left) => {
                self.left = left;
                true
            }
            None => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Solution {
    /// An independent set, in increasing order.
    pub(super) members: Vec<usize>,
    /// Whether `members` is proven maximum.
    pub(super) exact: bool,
    /// No independent set is larger than this (equals `members.len()` when exact).
    pub(super) upper_bound: usize,
}

/// A maximum independent set, if the allowance lets the search prove it; else the best set
/// found.
pub(super) fn maximum_independent_set(graph: &Graph, work: &mut Work) -> Solution {
    let everything = Bits::full(graph.len());
    let greedy = fewest_conflicts_first(graph, &everything);
    if !graph.searchable() {
        return Solution {
            members: prefer_earlier(graph, greedy),
            exact: false,
            upper_bound: graph.len(),
        };
    }
    let mut search = Search::new(graph, work);
    let upper_bound = search.upper_bound(&everything);
    let largest = search.improve(everything, greedy, None);
    if search.stopped {
        Solution {
            members: prefer_earlier(graph, largest),
            exact: false,
            upper_bound,
        }
    } else {
        Solution {
            upper_bound: largest.len(),
            members: largest,
            exact: true,
        }
    }
}

/// The first maximum independent set in order of preference, given `maximum`, one maximum
/// set. If the allowance runs out, the decisions made so far stand and the rest only moves by
/// simple swaps towards preferred vertices.
pub(super) fn first_in_preference(graph: &Graph, maximum: &[usize], work: &mut Work) -> Vec<usize> {
    if !graph.searchable() {
        return prefer_earlier(graph, maximum.to_vec());
    }
    let witness = Search::new(graph, work).first_in_preference(maximum);
    prefer_earlier(graph, witness.iter().collect())
}

/// "Fewest conflicts first" within `within`: repeatedly take the vertex with the fewest
/// remaining neighbours (ties: lowest number) and drop its neighbours.
fn fewest_conflicts_first(graph: &Graph, within: &Bits) -> Vec<usize> {
    let mut alive = within.clone();
    let mut degree = vec![0; graph.len()];
    let mut queue = BinaryHeap::new();
    for v in alive.iter() {
        degree[v] = graph.listed_within(v, &alive).count();
        queue.push(Reverse((degree[v], v)));
    }
    let mut members = Vec::new();
    while let Some(Reverse((d, v))) = queue.pop() {
        // Entries for dropped vertices or outdated degrees are skipped.
        if !alive.contains(v) || d != degree[v] {
            continue;
        }
        members.push(v);
        alive.remove(v);
        let dropped: Vec<usize> = graph.listed_within(v, &alive).collect();
        for &u in &dropped {
            alive.remove(u);
        }
        for &gone in &dropped {
            let touched: Vec<usize> = graph.listed_within(gone, &alive).collect();
            for u in touched {
                degree[u] = degree[u].saturating_sub(1);
                queue.push(Reverse((degree[u], u)));
            }
        }
    }
    members.sort_unstable();
    members
}

struct Search<'a> {
    graph: &'a Graph,
    work: &'a mut Work,
    /// Set when the allowance ran out; every search then unwinds.
    stopped: bool,
    /// The largest independent set the current `improve` has found.
    best: Vec<usize>,
    /// A size at which the current `improve` may stop: it only needs to know whether a set
    /// that large exists.
    enough: Option<usize>,
}

/// The allowance ran out.
struct OutOfWork;

impl<'a> Search<'a> {
    fn new(graph: &'a Graph, work: &'a mut Work) -> Self {
        Self {
            graph,
            work,
            stopped: false,
            best: Vec::new(),
            enough: None,
        }
    }

    /// Takes the cost of a pass over `alive` from the allowance; false once it is spent.
    fn charge(&mut self, alive: &Bits) -> bool {
        let units = (alive.count() * alive.words()) as u64;
        if !self.stopped && !self.work.spend(units) {
            self.stopped = true;
        }
        !self.stopped
    }

    /// What no independent set of `within` can exceed: the reduced vertices plus one per
    /// clique of a cover of the rest.
    fn upper_bound(&mut self, within: &Bits) -> usize {
        let mut alive = within.clone();
        let mut taken = Vec::new();
        self.reduce(&mut alive, &mut taken);
        taken.len() + self.clique_cover_size(&alive)
    }

    /// The largest independent set of `within` the search finds starting from `start` (one
    /// such set), stopping early once one has `enough` members.
    fn improve(&mut self, within: Bits, start: Vec<usize>, enough: Option<usize>) -> Vec<usize> {
        self.best = start;
        self.enough = enough;
        self.largest(within, &mut Vec::new());
        std::mem::take(&mut self.best)
    }

    /// Extends `chosen` with a maximum independent set of `alive`, recording in `best` every
    /// set larger than the best so far. `chosen` is restored before returning.
    fn largest(&mut self, mut alive: Bits, chosen: &mut Vec<usize>) {
        let satisfied = self.enough.is_some_and(|e| self.best.len() >= e);
        if satisfied || !self.charge(&alive) {
            return;
        }
        let restore = chosen.len();
        self.reduce(&mut alive, chosen);
        // Only sets larger than this are of use.
        let floor = self
            .best
            .len()
            .max(self.enough.map_or(0, |e| e.saturating_sub(1)));
        if alive.is_empty() {
            if chosen.len() > self.best.len() {
                let mut found = chosen.clone();
                found.sort_unstable();
                self.best = found;
            }
        } else if chosen.len() + self.clique_cover_size(&alive) > floor {
            let v = self.most_connected(&alive);
            // Without `v` first: the vertex with most conflicts rarely belongs to a maximum
            // set, so this side finds the good sets early and prunes the other.
            let mut without = alive.clone();
            without.remove(v);
            self.largest(without, chosen);
            alive.remove(v);
            alive.remove_all(self.graph.neighbours(v));
            chosen.push(v);
            self.largest(alive, chosen);
        }
        chosen.truncate(restore);
    }

    /// The first maximum independent set in order of preference, given `maximum`, one
    /// maximum set; if the allowance runs out, a maximum set that agrees with it on the
    /// vertices decided by then.
    fn first_in_preference(&mut self, maximum: &[usize]) -> Bits {
        let len = self.graph.len();
        // Invariant: `witness` is a maximum set that contains every vertex taken so far, and
        // its other members are undecided; `alive` holds the undecided vertices that do not
        // conflict with a taken one.
        let mut witness = Bits::with(len, maximum.iter().copied());
        let mut alive = Bits::full(len);
        for v in 0..len {
            if !alive.contains(v) {
                continue;
            }
            if !witness.contains(v) {
                match self.witness_with(v, &alive, &witness) {
                    Ok(Some(with_v)) => witness = with_v,
                    Ok(None) => {
                        alive.remove(v);
                        continue;
                    }
                    Err(OutOfWork) => break,
                }
            }
            alive.remove(v);
            alive.remove_all(self.graph.neighbours(v));
        }
        witness
    }

    /// A maximum set that agrees with the decisions so far and contains `v` (the most
    /// preferred undecided vertex, not in `witness`), if there is one.
    fn witness_with(
        &mut self,
        v: usize,
        alive: &Bits,
        witness: &Bits,
    ) -> Result<Option<Bits>, OutOfWork> {
        let in_the_way = self.graph.neighbours_within(v, witness);
        let mut with_v = witness.clone();
        with_v.insert(v);
        if in_the_way.count() <= 1 {
            with_v.remove_all(&in_the_way);
            return Ok(Some(with_v));
        }
        // Only the witness's part in `v`'s component of `alive` can change, and without `v`'s
        // neighbours that component must still hold all but one of that part.
        let mut free = self.component_of(v, alive);
        let mut part = witness.clone();
        part.intersect_with(&free);
        let needed = part.count().saturating_sub(1);
        free.remove(v);
        free.remove_all(self.graph.neighbours(v));
        if !self.charge(&free) {
            return Err(OutOfWork);
        }
        let greedy = fewest_conflicts_first(self.graph, &free);
        let found = if greedy.len() >= needed {
            greedy
        } else {
            self.improve(free, greedy, Some(needed))
        };
        if self.stopped {
            return Err(OutOfWork);
        }
        if found.len() < needed {
            return Ok(None);
        }
        with_v.remove_all(&part);
        with_v.add_all(&Bits::with(self.graph.len(), found));
        Ok(Some(with_v))
    }

    /// The vertices of `alive` connected to `v` through `alive`.
    fn component_of(&self, v: usize, alive: &Bits) -> Bits {
        let mut reached = Bits::with(self.graph.len(), [v]);
        let mut frontier = vec![v];
        while let Some(u) = frontier.pop() {
            let mut new = self.graph.neighbours_within(u, alive);
            new.remove_all(&reached);
            reached.add_all(&new);
            frontier.extend(new.iter());
        }
        reached
    }

    /// Applies the reductions until none applies, each of which keeps some maximum set:
    /// - a vertex with at most one neighbour is taken (swap it for that neighbour);
    /// - a vertex `v` with a neighbour `u` whose closed neighbourhood lies inside `v`'s is
    ///   dropped (swap `v` for `u`); of two twins the later one is dropped.
    fn reduce(&self, alive: &mut Bits, chosen: &mut Vec<usize>) {
        loop {
            let mut changed = false;
            let vertices: Vec<usize> = alive.iter().collect();
            for &v in &vertices {
                if alive.contains(v) && self.graph.neighbours(v).count_common(alive) <= 1 {
                    chosen.push(v);
                    alive.remove(v);
                    alive.remove_all(self.graph.neighbours(v));
                    changed = true;
                }
            }
            if !changed {
                changed = self.drop_dominating(alive, &vertices);
            }
            if !changed {
                return;
            }
        }
    }

    fn drop_dominating(&self, alive: &mut Bits, vertices: &[usize]) -> bool {
        let degree: Vec<usize> = (0..self.graph.len())
            .map(|v| {
                if alive.contains(v) {
                    self.graph.neighbours(v).count_common(alive)
                } else {
                    0
                }
            })
            .collect();
        let mut changed = false;
        for &v in vertices {
            let neighbours: Vec<usize> = self.graph.neighbours_within(v, alive).iter().collect();
            for u in neighbours {
                if !alive.contains(v) || !alive.contains(u) || degree[u] > degree[v] {
                    continue;
                }
                let n_v = self.graph.neighbours(v);
                let n_u = self.graph.neighbours(u);
                let u_inside_v = n_u.is_subset_within(n_v, alive, v);
                let twins = u_inside_v && n_v.is_subset_within(n_u, alive, u);
                if u_inside_v && (!twins || u < v) {
                    alive.remove(v);
                    changed = true;
                }
            }
        }
        changed
    }

    /// Size of a greedy partition of `alive` into cliques: an independent set takes at most one
    /// vertex per clique, so this bounds what `alive` can add.
    fn clique_cover_size(&self, alive: &Bits) -> usize {
        // For each clique so far: the vertices adjacent to all of its members.
        let mut extendable: Vec<Bits> = Vec::new();
        for v in alive.iter() {
            match extendable.iter_mut().find(|clique| clique.contains(v)) {
                Some(clique) => clique.intersect_with(self.graph.neighbours(v)),
                None => extendable.push(self.graph.neighbours_within(v, alive)),
            }
        }
        extendable.len()
    }

    fn most_connected(&self, alive: &Bits) -> usize {
        alive
            .iter()
            .max_by_key(|&v| (self.graph.neighbours(v).count_common(alive), Reverse(v)))
            .unwrap_or(0)
    }
}

/// Swaps members for earlier non-members where that keeps the set independent and no smaller
/// (a non-member with a single, later, member neighbour), and adds non-members with no member
/// neighbour, until neither applies. Each step lowers the sum of member numbers or grows the
/// set, so it ends.
fn prefer_earlier(graph: &Graph, members: Vec<usize>) -> Vec<usize> {
    let mut set = Bits::with(graph.len(), members);
    let mut changed = true;
    while changed {
        changed = false;
        for u in 0..graph.len() {
            if set.contains(u) {
                continue;
            }
            let member_neighbours: Vec<usize> = graph.listed_within(u, &set).take(2).collect();
            match member_neighbours[..] {
                [] => {
                    set.insert(u);
                    changed = true;
                }
                [s] if s > u => {
                    set.remove(s);
                    set.insert(u);
                    changed = true;
                }
                _ => {}
            }
        }
    }
    set.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    fn random_edges(rng: &mut Rng, len: usize, percent: u64) -> Vec<(usize, usize)> {
        let mut edges = Vec::new();
        for a in 0..len {
            for b in a + 1..len {
                if rng.below_u64(100) < percent {
                    edges.push((a, b));
                }
            }
        }
        edges
    }

    /// The first maximum independent set in order of preference, by trying every subset.
    fn brute_force_first(len: usize, edges: &[(usize, usize)]) -> Vec<usize> {
        (0u32..1 << len)
            .filter(|set| {
                edges
                    .iter()
                    .all(|&(a, b)| set & (1 << a) == 0 || set & (1 << b) == 0)
            })
            .map(|set| (0..len).filter(|v| set & (1 << v) != 0).collect::<Vec<_>>())
            .min_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)))
            .unwrap_or_default()
    }

    fn is_independent(members: &[usize], edges: &[(usize, usize)]) -> bool {
        edges
            .iter()
            .all(|(a, b)| !(members.contains(a) && members.contains(b)))
    }

    fn solve(len: usize, edges: &[(usize, usize)], units: u64) -> Solution {
        let graph = Graph::new(len, edges.iter().copied());
        let mut work = Work::new(units);
        let mut solution = maximum_independent_set(&graph, &mut work);
        if solution.exact {
            solution.members = first_in_preference(&graph, &solution.members, &mut work);
        }
        solution
    }

    #[test]
    fn matches_brute_force_on_random_graphs() {
        let mut rng = Rng(7);
        for round in 0..300 {
            let len = 1 + rng.below(14);
            let edges = random_edges(&mut rng, len, 10 + (round % 7) * 12);
            let solution = solve(len, &edges, u64::MAX);
            assert!(solution.exact);
            assert_eq!(solution.members, brute_force_first(len, &edges));
            assert_eq!(solution.upper_bound, solution.members.len());
        }
    }

    #[test]
    fn known_shapes() {
        let clique: Vec<_> = (0..6)
            .flat_map(|a| (a + 1..6).map(move |b| (a, b)))
            .collect();
        assert_eq!(solve(6, &clique, u64::MAX).members, vec![0]);

        let path: Vec<_> = (0..6).map(|v| (v, v + 1)).collect();
        assert_eq!(solve(7, &path, u64::MAX).members, vec![0, 2, 4, 6]);

        let cycle: Vec<_> = (0..7).map(|v| (v, (v + 1) % 7)).collect();
        assert_eq!(solve(7, &cycle, u64::MAX).members.len(), 3);

        assert_eq!(solve(3, &[], u64::MAX).members, vec![0, 1, 2]);
        assert_eq!(solve(0, &[], u64::MAX).members, Vec::<usize>::new());
    }

    #[test]
    fn equal_sizes_favour_earlier_vertices() {
        // An edge keeps its earlier end; a 4-cycle keeps {0, 2}; the path 1-0-2-3 keeps {0, 3}
        // although taking the leaf 1 would be the quicker reduction.
        assert_eq!(solve(2, &[(1, 0)], u64::MAX).members, vec![0]);
        let square = [(0, 1), (1, 2), (2, 3), (3, 0)];
        assert_eq!(solve(4, &square, u64::MAX).members, vec![0, 2]);
        assert_eq!(
            solve(4, &[(0, 1), (0, 2), (2, 3)], u64::MAX).members,
            vec![0, 3]
        );
    }

    #[test]
    fn without_allowance_keeps_the_greedy_set_and_says_so() {
        let mut rng = Rng(11);
        let len = 60;
        let edges = random_edges(&mut rng, len, 20);
        let stopped = solve(len, &edges, 0);
        assert!(!stopped.exact);
        assert!(is_independent(&stopped.members, &edges));
        let greedy =
            fewest_conflicts_first(&Graph::new(len, edges.iter().copied()), &Bits::full(len));
        assert!(stopped.members.len() >= greedy.len());
        let exact = solve(len, &edges, u64::MAX);
        assert!(exact.exact);
        assert!(stopped.upper_bound >= exact.members.len());
        assert!(exact.members.len() >= stopped.members.len());
    }

    #[test]
    fn ignores_bad_edges() {
        let solution = solve(2, &[(0, 0), (0, 9), (9, 9)], u64::MAX);
        assert_eq!(solution.members, vec![0, 1]);
    }
}
