//! Local mode's `conflicts` against a real history: the time for 3, 10 and 30 lane branches,
//! and how often the line tier (the App's engine on `git diff` patches) and the exact tier
//! (`git merge-tree --write-tree`) agree.
//!
//! `SWITCHYARD_BENCH_REPO` names any local clone; it is cloned again into a temporary
//! directory and only that copy is touched. There, the lanes start from one commit B, some
//! way back in the first-parent history: each lane branch is B plus one later real commit,
//! applied with a three-way merge as `git cherry-pick` would (commits that do not apply to B
//! are skipped), and the default branch is B plus the first of them, so the lanes' line
//! numbers are carried through a real base diff as the App carries them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use switchyard::local::conflicts::{self, Report};
use switchyard::local::repo::Repo;

const LANE_COUNTS: [usize; 3] = [3, 10, 30];
/// Runs per timing; the median is printed.
const RUNS: usize = 3;
/// How much further back each new try for B lies, in commits.
const STEP: usize = 5;

fn git(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.com")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.com")
        .output()
        .expect("git runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    )
}

fn must(dir: &Path, args: &[&str]) -> String {
    let (code, out) = git(dir, args);
    assert_eq!(code, 0, "git {args:?}");
    out
}

/// B plus `commit`'s own change, if it applies cleanly to B.
fn replay(dir: &Path, base: &str, commit: &str) -> Option<String> {
    let parent = format!("{commit}^");
    let merge_base = format!("--merge-base={parent}");
    let (code, out) = git(
        dir,
        &["merge-tree", "--write-tree", &merge_base, base, commit],
    );
    if code != 0 {
        return None;
    }
    let tree = out.lines().next()?.to_owned();
    let message = format!("replay of {commit}");
    let (code, made) = git(dir, &["commit-tree", &tree, "-p", base, "-m", &message]);
    (code == 0).then_some(made)
}

/// Replays of `later` onto `base`, up to `wanted`, and how many were skipped meanwhile.
fn replays_onto(dir: &Path, base: &str, later: &[&str], wanted: usize) -> (Vec<String>, usize) {
    let mut replays = Vec::new();
    let mut skipped = 0;
    for commit in later {
        match replay(dir, base, commit) {
            Some(made) => replays.push(made),
            None => skipped += 1,
        }
        if replays.len() == wanted {
            break;
        }
    }
    (replays, skipped)
}

struct Agreement {
    both: usize,
    line_only: usize,
    exact_only: usize,
    neither: usize,
}

fn agreement(report: &Report) -> Agreement {
    let findings = report
        .pairs
        .iter()
        .map(|p| (p.line.conflict, p.exact.conflict))
        .chain(
            report
                .with_default
                .iter()
                .map(|b| (b.line.conflict, b.exact.conflict)),
        );
    let mut counts = Agreement {
        both: 0,
        line_only: 0,
        exact_only: 0,
        neither: 0,
    };
    for finding in findings {
        match finding {
            (true, true) => counts.both += 1,
            (true, false) => counts.line_only += 1,
            (false, true) => counts.exact_only += 1,
            (false, false) => counts.neither += 1,
        }
    }
    counts
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let Some(source) = std::env::var_os("SWITCHYARD_BENCH_REPO") else {
        println!("skipped: set SWITCHYARD_BENCH_REPO to a local clone of a repository");
        return;
    };
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let clone = scratch.path().join("clone");
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-checkout"])
        .arg(&source)
        .arg(&clone)
        .status()
        .expect("git clone runs");
    assert!(status.success(), "cloning {}", Path::new(&source).display());

    let history = must(&clone, &["rev-list", "--no-merges", "--reverse", "HEAD"]);
    let commits: Vec<&str> = history.lines().collect();
    let wanted = LANE_COUNTS[LANE_COUNTS.len() - 1] + 1;
    // The newest base that enough later commits apply to, looking further back a step at a
    // time: the nearer the base, the more commits apply, as on a team's real lanes.
    let mut best: (usize, Vec<String>, usize) = (0, Vec::new(), 0);
    let mut back = wanted + 1;
    while back <= commits.len() {
        let start = commits.len() - back;
        let (replays, skipped) =
            replays_onto(&clone, commits[start], &commits[start + 1..], wanted);
        if replays.len() > best.1.len() {
            best = (start, replays, skipped);
        }
        if best.1.len() == wanted {
            break;
        }
        back += STEP;
    }
    let (start, replays, skipped) = best;
    let base = commits[start];
    if replays.len() <= LANE_COUNTS[0] {
        println!(
            "skipped: only {} commits of the history apply to one base; {} are needed",
            replays.len(),
            LANE_COUNTS[0] + 1
        );
        return;
    }
    must(&clone, &["branch", "bench-main", &replays[0]]);
    let mut lanes = Vec::new();
    for (lane, made) in replays[1..].iter().enumerate() {
        let name = format!("lane-{}", lane + 1);
        must(&clone, &["branch", &name, made]);
        lanes.push(name);
    }
    // The clone has no working tree files; the config is the default one.
    must(&clone, &["symbolic-ref", "HEAD", "refs/heads/bench-main"]);
    println!(
        "history: {} commits without merges; lanes from {} ({} commits back): {} lane \
         commits and the default branch's, {skipped} later commits skipped as not applying there",
        commits.len(),
        &base[..7],
        commits.len() - start,
        replays.len() - 1
    );

    let repo = Repo::open(&clone, Some("bench-main")).expect("the clone opens");
    for &count in &LANE_COUNTS {
        if count > lanes.len() {
            println!(
                "{count:>2} lanes: skipped: only {} later commits apply to one base",
                lanes.len()
            );
            continue;
        }
        let names = &lanes[..count];
        let mut times = Vec::new();
        let mut report = None;
        for _ in 0..RUNS {
            let began = Instant::now();
            let found = conflicts::find(&repo, names).expect("conflicts");
            times.push(began.elapsed());
            report = Some(found);
        }
        let report = report.expect("one run");
        let pairs = report.pairs.len() + report.with_default.len();
        let merges_began = Instant::now();
        for (i, a) in report.branches.iter().enumerate() {
            for b in &report.branches[i + 1..] {
                conflicts::trial_merge(&repo.git, &a.head, &b.head).expect("merge-tree");
            }
            conflicts::trial_merge(&repo.git, &repo.default_head, &a.head).expect("merge-tree");
        }
        let merges = merges_began.elapsed();
        let counts = agreement(&report);
        let agree = counts.both + counts.neither;
        println!(
            "{count:>2} lanes: conflicts {:>8.1} ms (median of {RUNS}; the {pairs} trial merges \
             alone, one thread: {:.1} ms) | tiers agree on {agree}/{pairs} ({:.1}%): both \
             conflict {}, neither {}, line tier only {}, exact tier only {}",
            median(times).as_secs_f64() * 1e3,
            merges.as_secs_f64() * 1e3,
            100.0 * agree as f64 / pairs.max(1) as f64,
            counts.both,
            counts.neither,
            counts.line_only,
            counts.exact_only,
        );
    }
}
