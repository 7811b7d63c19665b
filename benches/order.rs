//! The merge order against reality: for every time slice of the rails/rails datasets (see
//! `../shared/datasets/README.md`), the rebases forced, counted on the true conflicts (pairs
//! with `conflict: true`), when merging
//!
//! - in the order the App recommends from its own predicted conflicts,
//! - in historical order (`historical_merge_order`),
//! - in arrival order: when the PR's work started, `first_authored_at` (which survives
//!   rebases), or `head_date` where that is absent (the real-heads file has no
//!   `first_authored_at`); the datasets do not record when a PR was opened,
//! - greedily, "fewest conflicts first" on the true conflicts (the README's baseline),
//! - and the fewest possible (n minus a maximum independent set of the true conflicts).
//!
//! Then how many PRs may merge at once, the check-run writes one merge costs, and the time to
//! order each slice and a synthetic queue of 1,000 PRs.
//!
//! The datasets record no approvals or checks: every PR counts as ready, except those that
//! conflict with their base (not mergeable). There are no dependencies.

use flate2::read::GzDecoder;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};
use switchyard::ids::{PrNumber, Sha};
use switchyard::order::{
    Candidate, Conflict, MergeOrder, OrderInput, Solved, changed_placements, rebases_forced,
    recommend,
};
use switchyard::overlap::{ChangedFile, Inputs, OpenPr, analyze};

const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/datasets");
const REPLAY: &str = "rails-rails.replay.jsonl.gz";
const REAL_HEADS: &str = "rails-rails.jsonl.gz";

/// The App's budget for the exact search.
const APP_BUDGET: Duration = Duration::from_millis(50);
/// Enough for the fewest possible to be proven on every slice.
const OPTIMUM_BUDGET: Duration = Duration::from_secs(60);
/// Runs per timing; the median is printed.
const RUNS: usize = 7;

#[path = "dataset.rs"]
mod dataset;

#[derive(Deserialize)]
struct Slice {
    slice_time: String,
    master_sha: String,
    prs: Vec<Pr>,
    historical_merge_order: Vec<u64>,
    pairs: Vec<Pair>,
    #[serde(default)]
    compares: BTreeMap<String, dataset::Compare>,
}

#[derive(Deserialize)]
struct Pr {
    number: u64,
    head_sha: Option<String>,
    #[serde(default)]
    synthetic_head_sha: Option<String>,
    merge_base: String,
    head_date: Option<String>,
    first_authored_at: Option<String>,
    #[serde(default)]
    conflicts_with_base: bool,
    files: Vec<ChangedFile>,
}

#[derive(Deserialize)]
struct Pair {
    a: u64,
    b: u64,
    conflict: bool,
}

type Edges = Vec<Conflict<()>>;

fn main() {
    let Some(replay) = load(REPLAY) else {
        println!("skipped: {DATASETS}/{REPLAY} not found");
        return;
    };
    report_dataset(REPLAY, &replay, true);
    match load(REAL_HEADS) {
        Some(real_heads) => report_dataset(REAL_HEADS, &real_heads, false),
        None => println!("\nskipped: {DATASETS}/{REAL_HEADS} not found"),
    }
    report_synthetic();
}

fn load(name: &str) -> Option<Vec<Slice>> {
    let file = File::open(format!("{DATASETS}/{name}")).ok()?;
    let mut slices = Vec::new();
    for (n, line) in BufReader::new(GzDecoder::new(file)).lines().enumerate() {
        let parsed = line
            .map_err(|e| e.to_string())
            .and_then(|l| serde_json::from_str(&l).map_err(|e| e.to_string()));
        match parsed {
            Ok(slice) => slices.push(slice),
            Err(e) => {
                println!("skipped: {name} line {}: {e}", n + 1);
                return None;
            }
        }
    }
    Some(slices)
}

/// The conflicts the App predicts for a slice: the overlap engine's pairs that may conflict,
/// from the PRs' files as GitHub lists them and the compares capped as GitHub caps them.
fn predicted_conflicts(slice: &Slice) -> Edges {
    let default_head = Sha(slice.master_sha.clone());
    let prs: Vec<OpenPr> = slice
        .prs
        .iter()
        .map(|pr| {
            let head = pr.head_sha.as_ref().or(pr.synthetic_head_sha.as_ref());
            dataset::open_pr(pr.number, head, &pr.merge_base, &pr.files)
        })
        .collect();
    let (base_diffs, _) = dataset::base_diffs(&default_head, &prs, &slice.compares);
    let analysis = analyze(&Inputs {
        default_head: &default_head,
        prs: &prs,
        base_diffs: &base_diffs,
        ignore: &dataset::NO_PATHS,
        regenerated: &dataset::NO_PATHS,
        tracks: &[],
    });
    analysis
        .pairs()
        .filter(|pair| pair.may_conflict())
        .map(|pair| edge(pair.a.0, pair.b.0))
        .collect()
}

fn true_conflicts(slice: &Slice) -> Edges {
    slice
        .pairs
        .iter()
        .filter(|p| p.conflict)
        .map(|p| edge(p.a, p.b))
        .collect()
}

fn edge(a: u64, b: u64) -> Conflict<()> {
    Conflict {
        a: PrNumber(a),
        b: PrNumber(b),
        reason: (),
    }
}

/// PR numbers by when their work started (see the top of the file), ties by number.
fn arrival_order(slice: &Slice) -> Vec<PrNumber> {
    let mut prs: Vec<(&str, u64)> = slice
        .prs
        .iter()
        .map(|pr| {
            let started = pr.first_authored_at.as_deref().or(pr.head_date.as_deref());
            (started.unwrap_or(""), pr.number)
        })
        .collect();
    prs.sort_unstable();
    prs.into_iter().map(|(_, n)| PrNumber(n)).collect()
}

fn candidates(slice: &Slice) -> Vec<Candidate> {
    let arrival: BTreeMap<PrNumber, usize> = arrival_order(slice)
        .into_iter()
        .enumerate()
        .map(|(i, pr)| (pr, i))
        .collect();
    slice
        .prs
        .iter()
        .map(|pr| Candidate {
            pr: PrNumber(pr.number),
            ready: !pr.conflicts_with_base,
            arrival: arrival.get(&PrNumber(pr.number)).map_or(0, |&i| i as i64),
            depends_on: Vec::new(),
        })
        .collect()
}

fn queue(candidates: Vec<Candidate>, conflicts: Edges, budget: Duration) -> OrderInput<()> {
    OrderInput {
        candidates,
        conflicts,
        exact_budget: budget,
    }
}

/// The README's greedy baseline: repeatedly merge the remaining PR with the fewest conflicts
/// with other remaining PRs, ties by historical order.
fn greedy_order(slice: &Slice, conflicts: &Edges) -> Vec<PrNumber> {
    let mut remaining: Vec<PrNumber> = slice
        .historical_merge_order
        .iter()
        .map(|&n| PrNumber(n))
        .collect();
    let pairs: BTreeSet<(PrNumber, PrNumber)> = conflicts
        .iter()
        .flat_map(|c| [(c.a, c.b), (c.b, c.a)])
        .collect();
    let mut order = Vec::new();
    while !remaining.is_empty() {
        let degree = |p: PrNumber| {
            remaining
                .iter()
                .filter(|&&q| pairs.contains(&(p, q)))
                .count()
        };
        let Some((at, _)) = remaining
            .iter()
            .enumerate()
            .min_by_key(|&(i, &p)| (degree(p), i))
        else {
            break;
        };
        order.push(remaining.remove(at));
    }
    order
}

fn median_time(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[RUNS / 2]
}

/// Median time to order `input`, and the share of it the exact search takes: the difference
/// with the same input and no budget (greedy only), relative to the whole.
fn timed(input: &OrderInput<()>) -> (Duration, f64) {
    let whole = median_time(|| {
        std::hint::black_box(recommend(input));
    });
    let no_search = OrderInput {
        exact_budget: Duration::ZERO,
        ..input.clone()
    };
    let greedy_only = median_time(|| {
        std::hint::black_box(recommend(&no_search));
    });
    let share = whole.saturating_sub(greedy_only).as_secs_f64() / whole.as_secs_f64().max(1e-9);
    (whole, share)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn fallback_groups<R>(result: &MergeOrder<R>) -> usize {
    result
        .groups
        .iter()
        .filter(|g| g.solved == Solved::Fallback)
        .count()
}

#[derive(Default)]
struct Totals {
    prs: usize,
    true_edges: usize,
    predicted_edges: usize,
    app: usize,
    historical: usize,
    arrival: usize,
    greedy: usize,
    optimum: usize,
    proven: bool,
    merge_now: usize,
    slices: usize,
    predictor: Confusion,
}

/// The predictor against the labelled same-file pairs.
#[derive(Default)]
struct Confusion {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

fn report_dataset(name: &str, slices: &[Slice], detailed: bool) {
    println!("\n== {name}: rebases forced, counted on the true conflicts ==");
    println!(
        "{:<21} {:>4} {:>5} {:>5} | {:>4} {:>4} {:>4} {:>4} {:>5} | {:>3} {:>7} {:>6}",
        "slice",
        "PRs",
        "true",
        "pred",
        "app",
        "hist",
        "arr",
        "grdy",
        "fewest",
        "now",
        "ms",
        "exact%"
    );
    let mut totals = Totals {
        proven: true,
        ..Totals::default()
    };
    let mut largest: Option<&Slice> = None;
    for slice in slices {
        let truth = true_conflicts(slice);
        let predicted = predicted_conflicts(slice);
        let app_input = queue(candidates(slice), predicted.clone(), APP_BUDGET);
        let app = recommend(&app_input);
        let optimum = recommend(&queue(candidates(slice), truth.clone(), OPTIMUM_BUDGET));
        let historical: Vec<PrNumber> = slice
            .historical_merge_order
            .iter()
            .map(|&n| PrNumber(n))
            .collect();
        let row = [
            rebases_forced(&app.order, &truth),
            rebases_forced(&historical, &truth),
            rebases_forced(&arrival_order(slice), &truth),
            rebases_forced(&greedy_order(slice, &truth), &truth),
            optimum.fewest_rebases,
        ];
        let (time, share) = timed(&app_input);
        let fallback = match fallback_groups(&app) {
            0 => String::new(),
            n => format!(" ({n} groups fell back)"),
        };
        println!(
            "{:<21} {:>4} {:>5} {:>5} | {:>4} {:>4} {:>4} {:>4} {:>5}{} | {:>3} {:>7.2} {:>5.0}%{}",
            slice.slice_time,
            slice.prs.len(),
            truth.len(),
            predicted.len(),
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            if optimum.fewest_proven { " " } else { "?" },
            app.merge_now,
            ms(time),
            share * 100.0,
            fallback
        );
        add_confusion(&mut totals.predictor, slice, &predicted);
        totals.slices += 1;
        totals.prs += slice.prs.len();
        totals.true_edges += truth.len();
        totals.predicted_edges += predicted.len();
        totals.app += row[0];
        totals.historical += row[1];
        totals.arrival += row[2];
        totals.greedy += row[3];
        totals.optimum += row[4];
        totals.proven &= optimum.fewest_proven;
        totals.merge_now += app.merge_now;
        if largest.is_none_or(|l| l.prs.len() < slice.prs.len()) {
            largest = Some(slice);
        }
    }
    println!(
        "{:<21} {:>4} {:>5} {:>5} | {:>4} {:>4} {:>4} {:>4} {:>5}{} | {:>3}",
        "total",
        totals.prs,
        totals.true_edges,
        totals.predicted_edges,
        totals.app,
        totals.historical,
        totals.arrival,
        totals.greedy,
        totals.optimum,
        if totals.proven { " " } else { "?" },
        totals.merge_now
    );
    println!(
        "columns: app = order recommended from the predicted conflicts (budget {} ms), hist = \
         historical, arr = arrival, grdy = fewest conflicts first on the true conflicts, \
         fewest = n - maximum independent set of the true conflicts ('?' = not proven); \
         now = PRs that may merge at once (a strict single queue: 1); ms = median time to \
         order from the predicted conflicts; exact% = its share spent in the exact search",
        APP_BUDGET.as_millis()
    );
    if totals.optimum > 0 {
        println!(
            "app vs fewest possible: {} vs {} rebases ({:+.2}%); historical {:+.2}%, arrival \
             {:+.2}%, greedy {:+.2}%",
            totals.app,
            totals.optimum,
            percent_over(totals.app, totals.optimum),
            percent_over(totals.historical, totals.optimum),
            percent_over(totals.arrival, totals.optimum),
            percent_over(totals.greedy, totals.optimum),
        );
    }
    let c = &totals.predictor;
    println!(
        "predictor on the labelled same-file pairs: TP {} FP {} FN {} TN {}",
        c.tp, c.fp, c.fn_, c.tn
    );
    println!(
        "may merge at once: {} PRs over {} slices ({:.1} per slice; a strict single queue: 1 \
         per slice)",
        totals.merge_now,
        totals.slices,
        totals.merge_now as f64 / totals.slices.max(1) as f64
    );
    if detailed && let Some(slice) = largest {
        report_merges(slice);
    }
}

fn percent_over(value: usize, base: usize) -> f64 {
    (value as f64 - base as f64) / base as f64 * 100.0
}

fn add_confusion(confusion: &mut Confusion, slice: &Slice, predicted: &Edges) {
    let predicted: BTreeSet<(u64, u64)> = predicted
        .iter()
        .map(|c| (c.a.0.min(c.b.0), c.a.0.max(c.b.0)))
        .collect();
    for pair in &slice.pairs {
        let guessed = predicted.contains(&(pair.a.min(pair.b), pair.a.max(pair.b)));
        match (guessed, pair.conflict) {
            (true, true) => confusion.tp += 1,
            (true, false) => confusion.fp += 1,
            (false, true) => confusion.fn_ += 1,
            (false, false) => confusion.tn += 1,
        }
    }
}

/// The check-run writes merges cost in `slice`: merge the first PR of the recommended order,
/// recompute, and count the PRs whose placement changed (the merged PR's own run is not
/// written); then the same for every merge until the queue is empty.
fn report_merges(slice: &Slice) {
    let mut input = queue(candidates(slice), predicted_conflicts(slice), APP_BUDGET);
    let mut current = recommend(&input);
    let mut merges = Vec::new();
    while let Some(&merged) = current.order.first() {
        input.candidates.retain(|c| c.pr != merged);
        input.conflicts.retain(|c| c.a != merged && c.b != merged);
        let next = recommend(&input);
        let changes = changed_placements(&current.placements, &next.placements);
        let waited_only_for_it: Vec<PrNumber> = current
            .placements
            .iter()
            .filter(|(_, v)| v.waits_for.len() == 1 && v.waits_for[0].pr == merged)
            .map(|(&pr, _)| pr)
            .collect();
        let released = waited_only_for_it
            .iter()
            .filter(|pr| next.placements.get(pr).is_some_and(|v| v.merge_now()))
            .count();
        let demoted = current
            .placements
            .iter()
            .filter(|&(pr, v)| {
                *pr != merged
                    && v.merge_now()
                    && next.placements.get(pr).is_some_and(|n| !n.merge_now())
            })
            .count();
        merges.push(MergeEffect {
            open_after: next.order.len(),
            writes: changes.changed.len(),
            waited_only_for_it: waited_only_for_it.len(),
            released,
            demoted,
        });
        current = next;
    }
    let Some(first) = merges.first() else { return };
    println!(
        "one merge in the largest slice ({}, {} PRs): {} check-run writes for the {} PRs left \
         ({} waited only for the merged PR, {} of them now merge now; {} PRs that could merge \
         before must now wait)",
        slice.slice_time,
        slice.prs.len(),
        first.writes,
        first.open_after,
        first.waited_only_for_it,
        first.released,
        first.demoted
    );
    let sum = |f: fn(&MergeEffect) -> usize| merges.iter().map(f).sum::<usize>();
    println!(
        "merging that whole slice in the recommended order, one PR at a time: {} merges, {:.2} \
         writes per merge against {:.1} open PRs on average; {} of {} PRs that waited only for \
         the merged PR were released at once; {} times a PR that could merge had to wait after \
         a merge",
        merges.len(),
        sum(|m| m.writes) as f64 / merges.len() as f64,
        sum(|m| m.open_after) as f64 / merges.len() as f64,
        sum(|m| m.released),
        sum(|m| m.waited_only_for_it),
        sum(|m| m.demoted)
    );
}

struct MergeEffect {
    open_after: usize,
    writes: usize,
    waited_only_for_it: usize,
    released: usize,
    demoted: usize,
}

/// Deterministic pseudo-random numbers.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// 1,000 open PRs over 100 files, a few of them hot: each PR changes one to three files, a
/// random range of lines in each, and two PRs conflict when their ranges in a file overlap.
/// 70% are ready; one in thirty depends on an older PR.
fn synthetic_queue() -> OrderInput<()> {
    const PRS: u64 = 1000;
    const FILES: u64 = 100;
    let mut rng = Lcg(2024);
    let mut ranges: BTreeMap<u64, Vec<(u64, u64, u64)>> = BTreeMap::new();
    let mut candidates = Vec::new();
    for n in 1..=PRS {
        for _ in 0..1 + rng.below(3) {
            // Squaring a uniform number makes low-numbered files hot.
            let u = rng.below(1000);
            let file = u * u * FILES / 1_000_000;
            let start = rng.below(400);
            ranges
                .entry(file)
                .or_default()
                .push((n, start, start + 5 + rng.below(40)));
        }
        let depends_on = if n > 1 && rng.below(30) == 0 {
            vec![PrNumber(1 + rng.below(n - 1))]
        } else {
            Vec::new()
        };
        candidates.push(Candidate {
            pr: PrNumber(n),
            ready: rng.below(10) < 7,
            arrival: n as i64,
            depends_on,
        });
    }
    let mut pairs = BTreeSet::new();
    for in_file in ranges.values() {
        for (i, &(a, start_a, end_a)) in in_file.iter().enumerate() {
            for &(b, start_b, end_b) in &in_file[i + 1..] {
                if a != b && start_a.max(start_b) <= end_a.min(end_b) {
                    pairs.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    let conflicts = pairs.into_iter().map(|(a, b)| edge(a, b)).collect();
    queue(candidates, conflicts, APP_BUDGET)
}

fn report_synthetic() {
    let input = synthetic_queue();
    let n = input.candidates.len();
    let result = recommend(&input);
    let (time, share) = timed(&input);
    println!(
        "\n== synthetic: {n} open PRs, {} conflicts (average degree {:.1}) ==",
        input.conflicts.len(),
        2.0 * input.conflicts.len() as f64 / n as f64
    );
    println!(
        "ordered in {:.1} ms (median of {RUNS}), {:.0}% of it in the exact search; {} groups of \
         conflicting PRs, {} fell back to the best found within {} ms",
        ms(time),
        share * 100.0,
        result.groups.len(),
        fallback_groups(&result),
        APP_BUDGET.as_millis()
    );
    println!(
        "rebases: recommended {}, fewest possible {}{}, arrival order {}; {} may merge now; {} \
         dependency cycles",
        result.rebases,
        if result.fewest_proven {
            ""
        } else {
            "at least "
        },
        result.fewest_rebases,
        result.arrival_rebases,
        result.merge_now,
        result.cycles.len()
    );
    let calibration: Vec<String> = [0, 10, 50, 100, 200]
        .into_iter()
        .map(|budget| {
            let input = OrderInput {
                exact_budget: Duration::from_millis(budget),
                ..input.clone()
            };
            let time = median_time(|| {
                std::hint::black_box(recommend(&input));
            });
            format!("{budget} ms -> {:.1} ms", ms(time))
        })
        .collect();
    println!(
        "budget against the whole ordering's time (the search is metered in work units, {} per \
         ms of budget): {}",
        switchyard::order::WORK_UNITS_PER_MS,
        calibration.join(", ")
    );
}
