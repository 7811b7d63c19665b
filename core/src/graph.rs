//! Directed graphs over the vertices `0..n`, given as each vertex's successors: which vertices
//! lie on a common cycle, and a shortest cycle through each. The dependencies between tracks,
//! between issues and between pull requests all ask these questions. Every search keeps its own
//! stack, so a long chain of dependencies cannot exhaust the thread's.

use std::collections::VecDeque;

/// Tarjan's algorithm with an explicit stack (a long chain of dependencies must not exhaust
/// the thread's stack). Returns a component number per vertex.
pub fn strongly_connected_components(successors: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let len = successors.len();
    let mut index = vec![UNVISITED; len];
    let mut low = vec![0; len];
    let mut on_stack = vec![false; len];
    let mut stack = Vec::new();
    let mut component = vec![UNVISITED; len];
    let mut next_index = 0;
    let mut next_component = 0;

    for root in 0..len {
        if index[root] != UNVISITED {
            continue;
        }
        // (vertex, how many of its successors have been looked at)
        let mut calls = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;

        while let Some(&(v, seen)) = calls.last() {
            if let Some(&w) = successors[v].get(seen) {
                if let Some(call) = calls.last_mut() {
                    call.1 += 1;
                }
                if index[w] == UNVISITED {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// Cycles covering every vertex that lies on one, each a shortest cycle written from its
/// smallest vertex in the order of the edges (`[a, b, c]` for a → b → c → a). Vertices are taken
/// in increasing order, and each one not yet on a listed cycle adds a shortest cycle through it.
/// Self-loops are not cycles here.
pub fn cycles(successors: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let component = strongly_connected_components(successors);
    let mut size = vec![0usize; successors.len()];
    for &c in &component {
        size[c] += 1;
    }
    let mut covered = vec![false; successors.len()];
    let mut found = Vec::new();
    for start in 0..successors.len() {
        if covered[start] || size[component[start]] < 2 {
            continue;
        }
        let Some(mut cycle) = shortest_cycle_through(successors, &component, start) else {
            continue;
        };
        for &v in &cycle {
            covered[v] = true;
        }
        let smallest = cycle
            .iter()
            .enumerate()
            .min_by_key(|&(_, v)| *v)
            .map_or(0, |(at, _)| at);
        cycle.rotate_left(smallest);
        found.push(cycle);
    }
    found
}

/// Breadth-first from `start` within its component until `start` is reached again: the
/// cycle's vertices in edge order, `start` first.
fn shortest_cycle_through(
    successors: &[Vec<usize>],
    component: &[usize],
    start: usize,
) -> Option<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut came_from = vec![UNSEEN; successors.len()];
    let mut frontier = VecDeque::from([start]);
    while let Some(v) = frontier.pop_front() {
        for &w in &successors[v] {
            if w == v || component[w] != component[start] {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                while let Some(&last) = path.last() {
                    if last == start {
                        break;
                    }
                    path.push(came_from[last]);
                }
                path.reverse();
                return Some(path);
            }
            if came_from[w] == UNSEEN {
                came_from[w] = v;
                frontier.push_back(w);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_vertices_on_a_common_cycle() {
        let component = strongly_connected_components(&[vec![1], vec![2], vec![0], vec![2]]);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[3], component[0]);
    }

    #[test]
    fn each_vertex_on_a_cycle_is_covered_by_a_shortest_one() {
        assert_eq!(
            cycles(&[vec![1], vec![0, 2], vec![3], vec![1]]),
            [vec![0, 1], vec![1, 2, 3]]
        );
        assert_eq!(
            cycles(&[vec![0, 1], vec![2], vec![]]),
            Vec::<Vec<usize>>::new()
        );
        assert_eq!(cycles(&[vec![2], vec![0], vec![1]]), [vec![0, 2, 1]]);
    }

    #[test]
    fn long_chains_do_not_exhaust_the_stack() {
        let n = 100_000;
        let mut successors: Vec<Vec<usize>> = (0..n).map(|v| vec![v + 1]).collect();
        successors.push(vec![0]);
        let found = cycles(&successors);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), n + 1);
        assert_eq!(found[0][0], 0);
    }
}
