use super::*;
use crate::test_rng::Rng;

const BUDGET: Duration = Duration::from_millis(100);

fn pr(n: u64) -> PrNumber {
    PrNumber(n)
}

fn prs(numbers: &[u64]) -> Vec<PrNumber> {
    numbers.iter().map(|&n| pr(n)).collect()
}

/// Ready, arrived in the order of its number, no dependencies.
fn candidate(n: u64) -> Candidate {
    Candidate {
        pr: pr(n),
        ready: true,
        arrival: n as i64,
        depends_on: Vec::new(),
    }
}

fn depending(n: u64, on: &[u64]) -> Candidate {
    Candidate {
        depends_on: prs(on),
        ..candidate(n)
    }
}

fn conflicts(pairs: &[(u64, u64)]) -> Vec<Conflict<String>> {
    pairs
        .iter()
        .map(|&(a, b)| Conflict {
            a: pr(a),
            b: pr(b),
            reason: format!("lines {a}/{b}"),
        })
        .collect()
}

fn input(candidates: Vec<Candidate>, pairs: &[(u64, u64)]) -> OrderInput<String> {
    OrderInput {
        candidates,
        conflicts: conflicts(pairs),
        exact_budget: BUDGET,
    }
}

fn numbered(count: u64) -> Vec<Candidate> {
    (1..=count).map(candidate).collect()
}

/// The input once `merged` has landed: gone from the candidates, its conflicts and the
/// dependencies on it.
fn after_merge(before: &OrderInput<String>, merged: u64) -> OrderInput<String> {
    let merged = pr(merged);
    OrderInput {
        candidates: before
            .candidates
            .iter()
            .filter(|c| c.pr != merged)
            .map(|c| Candidate {
                depends_on: c
                    .depends_on
                    .iter()
                    .copied()
                    .filter(|&d| d != merged)
                    .collect(),
                ..c.clone()
            })
            .collect(),
        conflicts: before
            .conflicts
            .iter()
            .filter(|c| c.a != merged && c.b != merged)
            .cloned()
            .collect(),
        exact_budget: before.exact_budget,
    }
}

fn waits(result: &MergeOrder<String>, n: u64) -> Vec<(u64, WaitReason<String>)> {
    result.placements[&pr(n)]
        .waits_for
        .iter()
        .map(|w| (w.pr.0, w.reason.clone()))
        .collect()
}

fn merge_now(result: &MergeOrder<String>) -> Vec<u64> {
    result
        .placements
        .iter()
        .filter(|(_, v)| v.merge_now())
        .map(|(p, _)| p.0)
        .collect()
}

fn conflicting(a: u64, b: u64) -> WaitReason<String> {
    WaitReason::Conflicts(format!("lines {a}/{b}"))
}

#[test]
fn independent_prs_may_all_merge_now() {
    let mut candidates = numbered(4);
    candidates[2].ready = false;
    let result = recommend(&input(candidates, &[]));
    assert_eq!(result.order, prs(&[1, 2, 4, 3]));
    assert_eq!(merge_now(&result), vec![1, 2, 3, 4]);
    assert_eq!((result.rebases, result.fewest_rebases), (0, 0));
    assert!(result.fewest_proven && result.groups.is_empty() && result.cycles.is_empty());
}

#[test]
fn dependency_chain_is_followed() {
    // 1 depends on 2, which depends on 3: 3 lands first although it is the newest.
    let candidates = vec![
        depending(1, &[2]),
        depending(2, &[3]),
        candidate(3),
        candidate(4),
    ];
    let result = recommend(&input(candidates, &[]));
    assert_eq!(result.order, prs(&[3, 2, 1, 4]));
    assert_eq!(waits(&result, 1), vec![(2, WaitReason::DependsOn)]);
    assert_eq!(waits(&result, 2), vec![(3, WaitReason::DependsOn)]);
    assert_eq!(merge_now(&result), vec![3, 4]);
    assert_eq!(result.merge_now, 2);
}

#[test]
fn dependency_cycle_is_reported_and_none_of_it_merges() {
    // 1 -> 2 -> 3 -> 1, and 4 depends on the cycle.
    let candidates = vec![
        depending(1, &[2]),
        depending(2, &[3]),
        depending(3, &[1]),
        depending(4, &[3]),
        candidate(5),
    ];
    let result = recommend(&input(candidates, &[]));
    assert_eq!(result.cycles, vec![prs(&[1, 2, 3])]);
    assert_eq!(result.order, prs(&[1, 2, 3, 4, 5]));
    for n in 1..=3 {
        assert_eq!(
            result.placements[&pr(n)].dependency_cycle,
            Some(prs(&[1, 2, 3]))
        );
    }
    assert_eq!(waits(&result, 1), vec![(2, WaitReason::DependsOn)]);
    assert_eq!(result.placements[&pr(4)].dependency_cycle, None);
    assert_eq!(merge_now(&result), vec![5]);
}

#[test]
fn conflict_triangle_costs_two_rebases() {
    let result = recommend(&input(numbered(3), &[(1, 2), (2, 3), (1, 3)]));
    assert_eq!(result.order, prs(&[1, 2, 3]));
    assert_eq!(merge_now(&result), vec![1]);
    assert_eq!(waits(&result, 2), vec![(1, conflicting(1, 2))]);
    assert_eq!(
        waits(&result, 3),
        vec![(1, conflicting(1, 3)), (2, conflicting(2, 3))]
    );
    let forced: Vec<_> = result.placements[&pr(1)]
        .will_force_rebase_on
        .iter()
        .map(|c| c.pr.0)
        .collect();
    assert_eq!(forced, vec![2, 3]);
    assert_eq!((result.rebases, result.fewest_rebases), (2, 2));
    assert!(result.fewest_proven);
    assert_eq!(
        result.groups,
        vec![ConflictGroup {
            prs: prs(&[1, 2, 3]),
            solved: Solved::Exact
        }]
    );
}

#[test]
fn star_merges_its_leaves_first() {
    // The oldest PR conflicts with three others: merging it first would rebase all three.
    let result = recommend(&input(numbered(4), &[(1, 2), (1, 3), (1, 4)]));
    assert_eq!(result.order, prs(&[2, 3, 4, 1]));
    assert_eq!(merge_now(&result), vec![2, 3, 4]);
    assert_eq!((result.rebases, result.arrival_rebases), (1, 3));
}

#[test]
fn ready_pr_goes_first_between_equals() {
    let mut candidates = numbered(2);
    candidates[0].ready = false;
    let result = recommend(&input(candidates.clone(), &[(1, 2)]));
    assert_eq!(result.order, prs(&[2, 1]));

    // An approval changes the order.
    candidates[0].ready = true;
    let approved = recommend(&input(candidates, &[(1, 2)]));
    assert_eq!(approved.order, prs(&[1, 2]));
    assert_eq!(merge_now(&approved), vec![1]);
}

#[test]
fn depending_on_a_conflicting_pr_costs_a_rebase_in_every_order() {
    // 2 depends on 1 and both change the same lines; 3 conflicts with 2 only.
    let candidates = vec![candidate(1), depending(2, &[1]), candidate(3)];
    let result = recommend(&input(candidates, &[(1, 2), (2, 3)]));
    assert_eq!(result.order, prs(&[1, 3, 2]));
    assert_eq!(
        waits(&result, 2),
        vec![
            (1, WaitReason::DependsOnAndConflicts("lines 1/2".into())),
            (3, conflicting(2, 3))
        ]
    );
    assert_eq!((result.rebases, result.fewest_rebases), (1, 1));
}

#[test]
fn rebase_free_pr_waits_for_its_dependency_all_the_same() {
    // 1 and 2 conflict, 3 depends on 2 and conflicts with 4. Best: 1 and 3 land without a
    // rebase, which puts 2 before 3 and 1 before 2.
    let candidates = vec![candidate(1), candidate(2), depending(3, &[2]), candidate(4)];
    let result = recommend(&input(candidates, &[(1, 2), (3, 4)]));
    assert_eq!(result.order, prs(&[1, 2, 3, 4]));
    assert_eq!(waits(&result, 3), vec![(2, WaitReason::DependsOn)]);
    assert_eq!(merge_now(&result), vec![1]);
    assert_eq!((result.rebases, result.fewest_rebases), (2, 2));
}

#[test]
fn dependency_outside_the_queue_is_waited_for() {
    // 7 is a draft: 1 waits for it, and self-dependencies mean nothing.
    let candidates = vec![depending(1, &[7, 1, 7]), candidate(2)];
    let result = recommend(&input(candidates, &[]));
    assert_eq!(waits(&result, 1), vec![(7, WaitReason::DependsOnUnqueued)]);
    assert_eq!(merge_now(&result), vec![2]);
    assert_eq!(result.place(pr(1)), Some(1));
    assert_eq!(result.place(pr(7)), None);
}

#[test]
fn merge_releases_the_prs_that_waited_only_for_it() {
    // 1, 2 and 3 conflict with each other, 4 with 5; 6 depends on 1.
    let mut candidates = numbered(5);
    candidates.push(depending(6, &[1]));
    let before = input(candidates, &[(1, 2), (1, 3), (2, 3), (4, 5)]);
    let first = recommend(&before);
    assert_eq!(first.order, prs(&[1, 4, 6, 2, 3, 5]));
    assert_eq!(merge_now(&first), vec![1, 4]);
    assert_eq!(
        waits(&first, 3),
        vec![(1, conflicting(1, 3)), (2, conflicting(2, 3))]
    );

    let after = recommend(&after_merge(&before, 1));
    assert_eq!(merge_now(&after), vec![2, 4, 6]);
    assert_eq!(waits(&after, 3), vec![(2, conflicting(2, 3))]);

    // 2 and 6 are released, 3 waits for 2 alone now, 1 has no run left to write; 4 and 5
    // are untouched.
    let changes = changed_placements(&first.placements, &after.placements);
    assert_eq!(changes.changed, prs(&[2, 3, 6]));
    assert_eq!(changes.gone, prs(&[1]));
}

#[test]
fn unchanged_queue_rewrites_nothing() {
    let queue = input(numbered(5), &[(1, 2), (2, 3), (4, 5)]);
    let changes = changed_placements(&recommend(&queue).placements, &recommend(&queue).placements);
    assert_eq!(changes, PlacementChanges::default());
}

#[test]
fn no_budget_falls_back_and_says_so() {
    // A 5-cycle: no reduction applies, so only the search can prove 2 is the most.
    let mut queue = input(numbered(5), &[(1, 2), (2, 3), (3, 4), (4, 5), (5, 1)]);
    queue.exact_budget = Duration::ZERO;
    let result = recommend(&queue);
    assert_eq!(result.groups.len(), 1);
    assert_eq!(result.groups[0].solved, Solved::Fallback);
    assert!(result.fewest_rebases <= result.rebases);
    assert_eq!(result.order.len(), 5);

    queue.exact_budget = BUDGET;
    let exact = recommend(&queue);
    assert_eq!(exact.groups[0].solved, Solved::Exact);
    assert!(exact.fewest_proven);
    assert_eq!(exact.rebases, 3);
}

#[test]
fn same_snapshot_same_order_whatever_the_input_order() {
    let pairs = [(1, 2), (2, 3), (3, 4), (5, 6), (6, 1), (2, 5)];
    let mut candidates = numbered(7);
    candidates[3].ready = false;
    candidates[6].depends_on = prs(&[2]);
    let forward = recommend(&input(candidates.clone(), &pairs));
    candidates.reverse();
    let mut reversed = input(candidates, &[]);
    reversed.conflicts = conflicts(&pairs)
        .into_iter()
        .rev()
        .map(|c| Conflict {
            a: c.b,
            b: c.a,
            ..c
        })
        .collect();
    let backward = recommend(&reversed);
    assert_eq!(forward.order, backward.order);
    assert_eq!(
        changed_placements(&forward.placements, &backward.placements),
        PlacementChanges::default()
    );
}

#[test]
fn malformed_input_is_tolerated() {
    let mut candidates = numbered(3);
    candidates.push(Candidate {
        ready: false,
        ..candidate(2)
    });
    let mut queue = input(candidates, &[(1, 1), (1, 9), (1, 2), (2, 1), (9, 9)]);
    queue.conflicts[3].reason = "second reason".into();
    let result = recommend(&queue);
    assert_eq!(result.order, prs(&[1, 3, 2]));
    assert_eq!(waits(&result, 2), vec![(1, conflicting(1, 2))]);
    assert_eq!(result.rebases, 1);

    let empty = recommend(&input(Vec::new(), &[(1, 2)]));
    assert!(empty.order.is_empty() && empty.placements.is_empty());
    assert_eq!(
        (empty.rebases, empty.fewest_rebases, empty.merge_now),
        (0, 0, 0)
    );
}

#[test]
fn rebases_forced_counts_prs_not_pairs() {
    let pairs = conflicts(&[(1, 2), (1, 3), (2, 3), (3, 9)]);
    assert_eq!(rebases_forced(&prs(&[1, 2, 3]), &pairs), 2);
    assert_eq!(rebases_forced(&prs(&[3, 1, 2]), &pairs), 2);
    assert_eq!(rebases_forced(&prs(&[1, 1, 4]), &pairs), 0);
}

fn random_queue(rng: &mut Rng, count: u64, with_dependencies: bool) -> OrderInput<String> {
    let mut candidates = numbered(count);
    for c in &mut candidates {
        c.ready = rng.below_u64(3) > 0;
        c.arrival = rng.below_u64(5) as i64;
        if with_dependencies && rng.below_u64(4) == 0 {
            // Mostly on older PRs, sometimes on any (cycles) or on a PR outside the queue.
            let on = match rng.below_u64(6) {
                0 => 1 + rng.below_u64(count),
                1 => 100,
                _ => 1 + rng.below_u64(c.pr.0),
            };
            c.depends_on.push(pr(on));
        }
    }
    let density = 15 + rng.below_u64(40);
    let mut pairs = Vec::new();
    for a in 1..=count {
        for b in a + 1..=count {
            if rng.below_u64(100) < density {
                pairs.push((a, b));
            }
        }
    }
    input(candidates, &pairs)
}

/// Visits every order of `0..len` that honours `honoured` (candidate index -> indices that must
/// come first).
fn each_order(len: usize, honoured: &[Vec<usize>], visit: &mut impl FnMut(&[usize])) {
    fn extend(
        prefix: &mut Vec<usize>,
        len: usize,
        honoured: &[Vec<usize>],
        visit: &mut impl FnMut(&[usize]),
    ) {
        if prefix.len() == len {
            visit(prefix);
            return;
        }
        for v in 0..len {
            if !prefix.contains(&v) && honoured[v].iter().all(|d| prefix.contains(d)) {
                prefix.push(v);
                extend(prefix, len, honoured, visit);
                prefix.pop();
            }
        }
    }
    extend(&mut Vec::new(), len, honoured, visit);
}

/// The fewest rebases over every order that honours the dependencies outside cycles.
fn brute_force_fewest(queue: &OrderInput<String>) -> usize {
    let ranking = Ranking::new(queue);
    let deps = Dependencies::new(&ranking.depends_on);
    let mut fewest = usize::MAX;
    each_order(ranking.len(), &deps.before, &mut |order| {
        let order: Vec<PrNumber> = order.iter().map(|&v| ranking.prs[v]).collect();
        fewest = fewest.min(rebases_forced(&order, &queue.conflicts));
    });
    fewest
}

#[test]
fn optimal_on_small_random_queues() {
    let mut rng = Rng(3);
    let mut dependency_cases_not_proven = 0;
    for round in 0..400 {
        let with_dependencies = round % 2 == 1;
        let count = 1 + rng.below_u64(6);
        let queue = random_queue(&mut rng, count, with_dependencies);
        let result = recommend(&queue);
        let fewest = brute_force_fewest(&queue);
        assert!(
            result.fewest_rebases <= fewest,
            "bound too high in round {round}"
        );
        assert!(result.rebases >= fewest);
        assert_eq!(
            result.rebases,
            rebases_forced(&result.order, &queue.conflicts)
        );
        if result.fewest_proven {
            assert_eq!(result.rebases, fewest, "round {round}");
        }
        if with_dependencies {
            dependency_cases_not_proven += usize::from(!result.fewest_proven);
        } else {
            assert_eq!(result.rebases, fewest, "round {round}");
            assert!(result.fewest_proven);
        }
    }
    // Dependencies can interlock with conflicts in ways the search does not model; rarely.
    assert!(
        dependency_cases_not_proven <= 10,
        "{dependency_cases_not_proven}"
    );
}

#[test]
fn waits_follow_the_order_on_random_queues() {
    let mut rng = Rng(5);
    for _ in 0..200 {
        let count = 1 + rng.below_u64(30);
        let queue = random_queue(&mut rng, count, true);
        let result = recommend(&queue);
        assert_eq!(result.order.len() as u64, count);
        let place = |p: PrNumber| result.place(p).unwrap_or(usize::MAX);
        let conflict_pairs: BTreeSet<(PrNumber, PrNumber)> = queue
            .conflicts
            .iter()
            .flat_map(|c| [(c.a, c.b), (c.b, c.a)])
            .collect();
        for (&p, placement) in &result.placements {
            for wait in &placement.waits_for {
                match wait.reason {
                    WaitReason::Conflicts(_) => assert!(place(wait.pr) < place(p)),
                    WaitReason::DependsOn | WaitReason::DependsOnAndConflicts(_)
                        if placement.dependency_cycle.is_none() =>
                    {
                        assert!(place(wait.pr) < place(p))
                    }
                    _ => {}
                }
            }
            for later in &placement.will_force_rebase_on {
                assert!(place(later.pr) > place(p));
                assert!(conflict_pairs.contains(&(p, later.pr)));
            }
        }
        // Two PRs that may both merge now never conflict.
        let now = merge_now(&result);
        for a in &now {
            for b in &now {
                assert!(!conflict_pairs.contains(&(pr(*a), pr(*b))));
            }
        }
    }
}

/// Not a theorem: after a merge, a more preferred PR that the merge freed can take the place of
/// one that waited only for the merged PR (about 1 in 500 such PRs on random graphs); these
/// queues do not run into it.
#[test]
fn merges_release_the_prs_that_waited_only_for_them_on_random_queues() {
    let mut rng = Rng(9);
    let mut released = 0;
    let mut still_waiting = 0;
    for _ in 0..500 {
        let count = 2 + rng.below_u64(20);
        let queue = random_queue(&mut rng, count, false);
        let result = recommend(&queue);
        for merged in merge_now(&result) {
            let after = recommend(&after_merge(&queue, merged));
            for (p, placement) in &result.placements {
                let only_that =
                    placement.waits_for.len() == 1 && placement.waits_for[0].pr.0 == merged;
                if only_that {
                    if after.placements[p].merge_now() {
                        released += 1;
                    } else {
                        still_waiting += 1;
                    }
                }
            }
        }
    }
    assert_eq!(still_waiting, 0, "{released} released");
    assert!(released > 150, "{released}");
}
