//! The overlap engine against real concurrent PRs (`../shared/datasets`, see its README) and
//! on a synthetic repository of 1,000 open PRs. Prints measures; asserts nothing.
//!
//! Run with `cargo bench --bench overlap`.

use flate2::read::GzDecoder;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::LazyLock;
use std::time::{Duration, Instant};
use switchyard::config::Config;
use switchyard::globs::PathFilter;
use switchyard::ids::{PrNumber, Sha};
use switchyard::overlap::{
    Analysis, BaseDiff, ChangedFile, FileOverlap, FileStatus, Inputs, OpenPr, PairOverlap, Tier,
    analyze, files_to_fetch, parse_patch,
};

const DATASETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/datasets");
const DATASET_FILES: [(&str, &str); 2] = [
    ("real-heads", "rails-rails.jsonl.gz"),
    ("replay", "rails-rails.replay.jsonl.gz"),
];
#[path = "dataset.rs"]
mod dataset;

use dataset::{Compare, NO_PATHS};

/// The App's default `regenerated_paths`: lock files.
static LOCK_FILES: LazyLock<PathFilter> = LazyLock::new(|| Config::default().regenerated_paths);

/// The README's changelog-like files, counted apart among the true conflicts.
fn is_changelog(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_uppercase();
    ["CHANGELOG", "CHANGES", "NEWS", "HISTORY"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = Path::new(DATASETS);
    if DATASET_FILES
        .iter()
        .all(|(_, file)| dir.join(file).exists())
    {
        let mut largest: Option<Prepared> = None;
        for (variant, file) in DATASET_FILES {
            let slices = read_slices(&dir.join(file))?;
            let prepared: Vec<Prepared> = slices.iter().map(Prepared::new).collect();
            report_dataset(variant, &slices, &prepared);
            for slice in prepared {
                if largest
                    .as_ref()
                    .is_none_or(|l| slice.prs.len() > l.prs.len())
                {
                    largest = Some(slice);
                }
            }
        }
        if let Some(slice) = largest {
            let label = format!("largest slice ({} PRs, {})", slice.prs.len(), slice.time);
            time_engine(
                &label,
                &slice.prs,
                &slice.base_diffs,
                &slice.default_head,
                31,
            );
        }
    } else {
        println!(
            "datasets not found in {}: skipping the dataset measures",
            dir.display()
        );
    }
    let synthetic = Synthetic::generate(1_000, 30);
    let label = format!(
        "synthetic repository (1,000 PRs x 30 files, {} distinct paths, {} merge bases)",
        synthetic.distinct_paths,
        synthetic.base_diffs.len() + 1
    );
    time_engine(
        &label,
        &synthetic.prs,
        &synthetic.base_diffs,
        &synthetic.head,
        51,
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The dataset, as its README describes it.

#[derive(Deserialize)]
struct Slice {
    slice_time: String,
    master_sha: String,
    prs: Vec<DatasetPr>,
    pairs: Vec<LabelledPair>,
    #[serde(default)]
    compares: BTreeMap<String, Compare>,
}

#[derive(Deserialize)]
struct DatasetPr {
    number: u64,
    head_sha: Option<String>,
    #[serde(default)]
    synthetic_head_sha: Option<String>,
    merge_base: String,
    conflicts_with_base: bool,
    files: Vec<ChangedFile>,
}

#[derive(Deserialize)]
struct LabelledPair {
    a: u64,
    b: u64,
    conflict: bool,
    #[serde(default)]
    conflict_paths: Vec<String>,
}

fn read_slices(path: &Path) -> Result<Vec<Slice>, Box<dyn Error>> {
    let reader = BufReader::new(GzDecoder::new(File::open(path)?));
    let mut slices = Vec::new();
    for line in reader.lines() {
        let line = line?;
        if !line.trim().is_empty() {
            slices.push(serde_json::from_str(&line)?);
        }
    }
    Ok(slices)
}

// ---------------------------------------------------------------------------------------
// Feeding a slice to the engine as the app would: PR files as listed, compares capped at
// 300 files, and the files past the cap that the engine asks for fetched.

struct Prepared {
    time: String,
    default_head: Sha,
    prs: Vec<OpenPr>,
    base_diffs: HashMap<Sha, BaseDiff>,
    fetches: usize,
}

impl Prepared {
    fn new(slice: &Slice) -> Self {
        let default_head = Sha(slice.master_sha.clone());
        let prs: Vec<OpenPr> = slice.prs.iter().map(open_pr).collect();
        let (base_diffs, fetches) = dataset::base_diffs(&default_head, &prs, &slice.compares);
        Self {
            time: slice.slice_time.clone(),
            default_head,
            prs,
            base_diffs,
            fetches,
        }
    }

    fn analyze(&self) -> Analysis<'_> {
        analyze(&Inputs {
            default_head: &self.default_head,
            prs: &self.prs,
            base_diffs: &self.base_diffs,
            ignore: &NO_PATHS,
            regenerated: &LOCK_FILES,
            tracks: &[],
        })
    }
}

fn open_pr(pr: &DatasetPr) -> OpenPr {
    let head = pr.head_sha.as_ref().or(pr.synthetic_head_sha.as_ref());
    dataset::open_pr(pr.number, head, &pr.merge_base, &pr.files)
}

// ---------------------------------------------------------------------------------------
// Scoring.

type Pair = (u64, u64);

fn pair(a: u64, b: u64) -> Pair {
    (a.min(b), a.max(b))
}

#[derive(Default)]
struct Tally {
    flagged: usize,
    true_positive: usize,
    false_positive: usize,
    false_negative: usize,
}

impl Tally {
    fn add(&mut self, predicted: &BTreeSet<Pair>, conflicts: &BTreeSet<Pair>) {
        let hits = predicted.intersection(conflicts).count();
        self.flagged += predicted.len();
        self.true_positive += hits;
        self.false_positive += predicted.len() - hits;
        self.false_negative += conflicts.len() - hits;
    }

    fn row(&self, name: &str, conflicts: usize) -> String {
        let ratio = |num: usize, den: usize| {
            if den == 0 {
                "n/a".to_owned()
            } else {
                format!("{:.3}", num as f64 / den as f64)
            }
        };
        format!(
            "  {name:<34} {:>7} {:>9} {:>6} {:>6} {:>6} {:>7} {:>9}",
            self.flagged,
            conflicts,
            self.true_positive,
            self.false_positive,
            self.false_negative,
            ratio(self.true_positive, conflicts),
            ratio(self.true_positive, self.flagged),
        )
    }
}

/// The labelled universe of one slice: base-clean PRs and their conflicting pairs.
struct Truth {
    clean: BTreeSet<u64>,
    conflicts: BTreeSet<Pair>,
    /// The conflicting pairs git stopped on in a lock file, and in a changelog-like file.
    lock_conflicts: BTreeSet<Pair>,
    changelog_conflicts: BTreeSet<Pair>,
    labelled: BTreeSet<Pair>,
}

impl Truth {
    fn new(slice: &Slice) -> Self {
        Self {
            clean: slice
                .prs
                .iter()
                .filter(|p| !p.conflicts_with_base)
                .map(|p| p.number)
                .collect(),
            conflicts: slice
                .pairs
                .iter()
                .filter(|p| p.conflict)
                .map(|p| pair(p.a, p.b))
                .collect(),
            lock_conflicts: conflicts_in(slice, |path| LOCK_FILES.matches(path)),
            changelog_conflicts: conflicts_in(slice, is_changelog),
            labelled: slice.pairs.iter().map(|p| pair(p.a, p.b)).collect(),
        }
    }

    fn labelled_only(&self, pairs: impl Iterator<Item = Pair>) -> BTreeSet<Pair> {
        pairs
            .filter(|(a, b)| self.clean.contains(a) && self.clean.contains(b))
            .collect()
    }
}

/// The conflicting pairs with a conflicting path that `keep` accepts.
fn conflicts_in(slice: &Slice, keep: impl Fn(&str) -> bool) -> BTreeSet<Pair> {
    slice
        .pairs
        .iter()
        .filter(|p| p.conflict && p.conflict_paths.iter().any(|path| keep(path)))
        .map(|p| pair(p.a, p.b))
        .collect()
}

/// A file that may stop a merge on its lines: the lines tier leaves lock files' same lines to
/// their own rows.
fn lines_may_conflict(file: &FileOverlap) -> bool {
    file.may_conflict() && file.tier() != Tier::Regenerated
}

fn lines_tier(pair: &PairOverlap) -> bool {
    pair.files().any(|f| lines_may_conflict(&f))
}

fn engine_pairs<'a, 'p>(
    analysis: &'a Analysis<'p>,
    keep: impl Fn(&PairOverlap<'a>) -> bool + 'a,
) -> impl Iterator<Item = Pair> + 'a {
    analysis
        .pairs()
        .filter(move |p| keep(p))
        .map(|p| pair(p.a.0, p.b.0))
}

/// The README's naive baseline: raw `@@` old ranges of a shared path within 3 lines, ignoring
/// merge bases; a shared file without hunks counts as a conflict.
fn naive_pairs(slice: &Slice) -> BTreeSet<Pair> {
    let mut by_path: BTreeMap<&str, Vec<(u64, &ChangedFile)>> = BTreeMap::new();
    for pr in &slice.prs {
        for file in &pr.files {
            for path in file.touched_paths() {
                by_path.entry(path).or_default().push((pr.number, file));
            }
        }
    }
    let mut predicted = BTreeSet::new();
    for entries in by_path.values() {
        for (i, (a, file_a)) in entries.iter().enumerate() {
            for (b, file_b) in &entries[i + 1..] {
                if a != b && raw_hunks_meet(file_a, file_b) {
                    predicted.insert(pair(*a, *b));
                }
            }
        }
    }
    predicted
}

fn raw_hunks_meet(a: &ChangedFile, b: &ChangedFile) -> bool {
    let (Some(ranges_a), Some(ranges_b)) = (raw_old_ranges(a), raw_old_ranges(b)) else {
        return true;
    };
    ranges_a.iter().any(|&(start_a, end_a)| {
        ranges_b.iter().any(|&(start_b, end_b)| {
            i64::from(start_a.max(start_b)) - i64::from(end_a.min(end_b)) <= 3
        })
    })
}

/// `[old_start, old_start + old_lines)` as the header writes them.
fn raw_old_ranges(file: &ChangedFile) -> Option<Vec<(u32, u32)>> {
    let patch = parse_patch(file.patch.as_deref()?).ok()?;
    if patch.hunks.is_empty() {
        return None;
    }
    let header_start = |h: &switchyard::overlap::Hunk| {
        if h.old.is_empty() {
            h.old.start.saturating_sub(1)
        } else {
            h.old.start
        }
    };
    Some(
        patch
            .hunks
            .iter()
            .map(|h| (header_start(h), header_start(h) + h.old.len()))
            .collect(),
    )
}

fn report_dataset(variant: &str, slices: &[Slice], prepared: &[Prepared]) {
    let mut tallies: [Tally; 5] = Default::default();
    let (mut locks, mut lock_sharing) = (Tally::default(), Tally::default());
    let mut locks_conflicting_anywhere = 0;
    let mut conflicts = 0;
    let (mut lock_conflicts, mut changelog_conflicts) = (0, 0);
    let (mut fetches, mut missing_pairs, mut extra_pairs) = (0, 0, 0);
    let (mut base_found, mut base_missed, mut base_false, mut base_unsure) = (0, 0, 0, 0);
    let mut false_alarms = Vec::new();
    let mut misses = Vec::new();
    let mut caught_uncertain = Vec::new();
    for (slice, run) in slices.iter().zip(prepared) {
        let truth = Truth::new(slice);
        let analysis = run.analyze();
        conflicts += truth.conflicts.len();
        lock_conflicts += truth.lock_conflicts.len();
        changelog_conflicts += truth.changelog_conflicts.len();
        fetches += run.fetches;
        let file_level = truth.labelled_only(engine_pairs(&analysis, |_| true));
        missing_pairs += truth.labelled.difference(&file_level).count();
        extra_pairs += file_level.difference(&truth.labelled).count();
        let naive = truth.labelled_only(naive_pairs(slice).into_iter());
        let lines = truth.labelled_only(engine_pairs(&analysis, lines_tier));
        let certain = truth.labelled_only(engine_pairs(&analysis, |p| {
            p.files().any(|f| f.tier() == Tier::Lines)
        }));
        let everything = truth.labelled_only(engine_pairs(&analysis, |p| p.may_conflict()));
        let is_lock = |f: &FileOverlap| LOCK_FILES.matches(f.path);
        let sharing_a_lock = truth.labelled_only(engine_pairs(&analysis, move |p| {
            p.files().any(|f| is_lock(&f))
        }));
        let lock_flagged = truth.labelled_only(engine_pairs(&analysis, move |p| {
            p.files().any(|f| is_lock(&f) && f.may_conflict())
        }));
        lock_sharing.add(&sharing_a_lock, &truth.lock_conflicts);
        locks.add(&lock_flagged, &truth.lock_conflicts);
        locks_conflicting_anywhere += lock_flagged.intersection(&truth.conflicts).count();
        for (tally, predicted) in
            tallies
                .iter_mut()
                .zip([&file_level, &naive, &lines, &certain, &everything])
        {
            tally.add(predicted, &truth.conflicts);
        }
        for p in analysis.pairs().filter(lines_tier) {
            let key = pair(p.a.0, p.b.0);
            if lines.contains(&key) && !truth.conflicts.contains(&key) {
                false_alarms.push(describe(&slice.slice_time, &p));
            }
        }
        for key in truth.conflicts.difference(&lines) {
            misses.push((slice.slice_time.clone(), *key));
        }
        for p in analysis
            .pairs()
            .filter(|p| lines_tier(p) && p.files().all(|f| f.tier() != Tier::Lines))
        {
            if truth.conflicts.contains(&pair(p.a.0, p.b.0)) {
                caught_uncertain.push(describe(&slice.slice_time, &p));
            }
        }
        for (report, pr) in analysis.prs.iter().zip(sorted_prs(slice)) {
            match (
                pr.conflicts_with_base,
                report.base_conflicts.is_empty(),
                report.unmapped_files.is_empty(),
            ) {
                (true, false, _) => base_found += 1,
                (true, true, _) => base_missed += 1,
                (false, false, _) => base_false += 1,
                (false, true, false) => base_unsure += 1,
                (false, true, true) => {}
            }
        }
    }
    println!(
        "== {variant}: {} slices, {} PR entries ==",
        slices.len(),
        prepared.iter().map(|p| p.prs.len()).sum::<usize>()
    );
    println!(
        "  {:<34} {:>7} {:>9} {:>6} {:>6} {:>6} {:>7} {:>9}",
        "tier", "flagged", "conflicts", "TP", "FP", "FN", "recall", "precision"
    );
    let names = [
        "file (share a path)",
        "naive hunk (@@ ranges within 3)",
        "lines (engine: may conflict)",
        "  of which certain (tier Lines)",
        "app: every pair it orders",
    ];
    for (tally, name) in tallies.iter().zip(names) {
        println!("{}", tally.row(name, conflicts));
    }
    println!(
        "{}",
        lock_sharing.row("lock files: any pair sharing one", lock_conflicts)
    );
    println!("{}", locks.row("lock files: engine flags", lock_conflicts));
    println!(
        "  true conflicts on a changelog file: {changelog_conflicts} pairs; on a lock file: {lock_conflicts} pairs (the lock-file rows' conflicts); pairs flagged on a lock file that conflict on any path: {locks_conflicting_anywhere} of {}",
        locks.flagged
    );
    println!(
        "  labelled same-file pairs the engine did not pair: {missing_pairs}; engine pairs not labelled: {extra_pairs}"
    );
    println!("  files past the 300-file compare cap fetched and diffed by the fallback: {fetches}");
    println!(
        "  PRs conflicting with the base: {} flagged by the engine, {} not; base-clean PRs flagged: {}; base-clean PRs with files whose base changes are unknown: {}",
        base_found, base_missed, base_false, base_unsure
    );
    print_examples(
        &format!("false alarms ({variant})"),
        &false_alarms,
        variant == "real-heads",
    );
    print_examples(
        "conflicts flagged only for lack of certainty",
        &caught_uncertain,
        false,
    );
    if !misses.is_empty() {
        println!("  missed conflicts: {}", misses.len());
        for (time, (a, b)) in misses.iter().take(5) {
            println!("    {time} #{a} #{b}");
        }
    }
    println!();
}

fn sorted_prs(slice: &Slice) -> Vec<&DatasetPr> {
    let mut prs: Vec<&DatasetPr> = slice.prs.iter().collect();
    prs.sort_by_key(|p| p.number);
    prs
}

fn describe(time: &str, p: &PairOverlap) -> String {
    let mut text = format!("    {time} {} {}", p.a, p.b);
    for f in p.files().filter(lines_may_conflict) {
        text.push_str(&format!(
            "\n      {} {:?} {:?} {:?}",
            f.path, f.kind, f.certainty, f.regions
        ));
    }
    text
}

fn print_examples(title: &str, alarms: &[String], all: bool) {
    println!("  {title}: {}", alarms.len());
    let shown = if all {
        alarms.len()
    } else {
        alarms.len().min(5)
    };
    for alarm in &alarms[..shown] {
        println!("{alarm}");
    }
}

// ---------------------------------------------------------------------------------------
// Timing.

fn time_engine(
    label: &str,
    prs: &[OpenPr],
    base_diffs: &HashMap<Sha, BaseDiff>,
    head: &Sha,
    runs: usize,
) {
    let inputs = Inputs {
        default_head: head,
        prs,
        base_diffs,
        ignore: &NO_PATHS,
        regenerated: &LOCK_FILES,
        tracks: &[],
    };
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        drop(std::hint::black_box(analyze(&inputs)));
        times.push(start.elapsed());
    }
    times.sort();
    let fetch_start = Instant::now();
    let requests = files_to_fetch(&inputs);
    let fetch_time = fetch_start.elapsed();
    let analysis = analyze(&inputs);
    let pairs = analysis.pairs().count();
    let lines = analysis.pairs().filter(|p| p.may_conflict()).count();
    println!("== engine time: {label} ==");
    println!(
        "  analyze: median {} over {runs} runs (min {}, max {}); cores available: {}, load average {}",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1]),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_average(),
    );
    println!("  {pairs} pairs sharing a file, {lines} may conflict");
    println!(
        "  files_to_fetch: {} ({} requests)",
        ms(fetch_time),
        requests.len()
    );
    println!();
}

/// The one-minute load average (Linux): timings on a shared machine need it for context.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

// ---------------------------------------------------------------------------------------
// A synthetic repository: 1,000 open PRs on 9 merge bases, 30 files each, 4,025 paths of
// which 25 are hot (each touched by about 80 PRs).

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Synthetic {
    head: Sha,
    prs: Vec<OpenPr>,
    base_diffs: HashMap<Sha, BaseDiff>,
    distinct_paths: usize,
}

const COLD_PATHS: u64 = 4_000;
const HOT_PATHS: u64 = 25;
const HOT_FILES_PER_PR: usize = 2;
const MERGE_BASES: u64 = 8;

impl Synthetic {
    fn generate(pr_count: u64, files_per_pr: usize) -> Self {
        let mut rng = Rng(0x5EED_0F0E_1A2B_3C4D);
        let head = Sha(format!("{:040x}", 0));
        let merge_base = |i: u64| {
            if i == 0 {
                head.clone()
            } else {
                Sha(format!("{i:040x}"))
            }
        };
        let prs = (0..pr_count)
            .map(|n| {
                let files = Self::pr_files(&mut rng, files_per_pr);
                OpenPr {
                    number: PrNumber(1_000 + n),
                    head_sha: Sha(format!("{:040x}", 1_000_000 + n)),
                    merge_base: merge_base(n % (MERGE_BASES + 1)),
                    files,
                    files_complete: true,
                    lane: None,
                }
            })
            .collect();
        let base_diffs = (1..=MERGE_BASES)
            .map(|i| {
                let files = (0..150)
                    .map(|_| {
                        let path = Self::cold_path(rng.below(COLD_PATHS));
                        modified(&mut rng, path)
                    })
                    .collect();
                (
                    merge_base(i),
                    BaseDiff {
                        files,
                        complete: true,
                    },
                )
            })
            .collect();
        Self {
            head,
            prs,
            base_diffs,
            distinct_paths: (COLD_PATHS + HOT_PATHS) as usize,
        }
    }

    fn cold_path(i: u64) -> String {
        format!("src/module_{}/file_{}.rs", i % 97, i)
    }

    fn pr_files(rng: &mut Rng, count: usize) -> Vec<ChangedFile> {
        let mut paths = BTreeSet::new();
        while paths.len() < HOT_FILES_PER_PR {
            paths.insert(format!("hot/file_{}.md", rng.below(HOT_PATHS)));
        }
        while paths.len() < count {
            paths.insert(Self::cold_path(rng.below(COLD_PATHS)));
        }
        paths.into_iter().map(|path| modified(rng, path)).collect()
    }
}

/// A modified file with one to three hunks of realistic shape (three lines of context).
fn modified(rng: &mut Rng, filename: String) -> ChangedFile {
    let hunk_count = 1 + rng.below(3);
    let mut patch = String::new();
    let (mut old_line, mut shift) = (1 + rng.below(40), 0i64);
    let (mut additions, mut deletions) = (0, 0);
    for _ in 0..hunk_count {
        let (removed, added) = (rng.below(4), 1 + rng.below(4));
        let old_len = 6 + removed;
        let new_len = 6 + added;
        let new_start = old_line as i64 + shift;
        patch.push_str(&format!(
            "@@ -{old_line},{old_len} +{new_start},{new_len} @@\n"
        ));
        for i in 0..3 {
            patch.push_str(&format!(" context line {}\n", old_line + i));
        }
        for i in 0..removed {
            patch.push_str(&format!("-old line {}\n", old_line + 3 + i));
        }
        for i in 0..added {
            patch.push_str(&format!("+new line {} {}\n", rng.below(1_000), i));
        }
        for i in 0..3 {
            patch.push_str(&format!(" context line {}\n", old_line + 3 + removed + i));
        }
        additions += added;
        deletions += removed;
        shift += added as i64 - removed as i64;
        old_line += old_len + 5 + rng.below(200);
    }
    ChangedFile {
        filename,
        status: FileStatus::Modified,
        previous_filename: None,
        additions,
        deletions,
        changes: additions + deletions,
        patch: Some(patch.trim_end_matches('\n').to_owned()),
    }
}
