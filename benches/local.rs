//! Local mode on a real repository's real pull requests: the time `conflicts` and
//! `merge-order` take over 3, 10, 30 and 100 lane branches, how often the line tier (the
//! App's engine on `git diff` patches) and the exact tier (`git merge-tree`) agree on the
//! pairs that really conflict and on those that do not, and whether the merge order costs
//! what it claims. Then the questions one lane's agent asks, with 10 and 30 lanes each
//! checked out in a worktree of its own holding committed and uncommitted work: `touching`
//! on the files its pull request changes (one of them by line), and `conflicts --mine`.
//!
//! `SWITCHYARD_BENCH_REPO` names a local clone (bare or not) of a repository whose pull
//! requests were merged with merge commits; it is cloned again into a temporary directory
//! and only that copy is touched. There, one commit B of the first-parent history is the
//! base: each lane branch is B plus one later pull request, its second parent's changes
//! since its merge base replayed onto B with a three-way merge as `git cherry-pick` would
//! (pull requests that do not apply to B are skipped), and the default branch is B plus the
//! first of them, so the lanes' line numbers are carried through a real base diff as the App
//! carries them.

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use switchyard::local::cli::{LocalArgs, LocalCommand};
use switchyard::local::conflicts::{self, Focus, Report, Tiers, ToCompare};
use switchyard::local::repo::Repo;

const LANE_COUNTS: [usize; 4] = [3, 10, 30, 100];
/// Lanes checked out in worktrees, each with uncommitted work, for the asking lane's
/// questions.
const WORKTREE_LANE_COUNTS: [usize; 2] = [10, 30];
/// Runs per timing of a question; the median is printed.
const QUESTION_RUNS: usize = 5;
/// Runs per timing; the median is printed.
const RUNS: usize = 3;
/// How many merges further back each new try for B lies.
const STEP: usize = 50;
const DEFAULT_BRANCH: &str = "bench-main";

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

/// B plus the pull request merged by `merge` (its second parent's changes since the merge
/// base of its parents), if they apply cleanly to B and change something there.
fn replay(dir: &Path, base: &str, merge: &str) -> Option<String> {
    let (first, second) = (format!("{merge}^1"), format!("{merge}^2"));
    let (code, merge_base) = git(dir, &["merge-base", &first, &second]);
    if code != 0 {
        return None;
    }
    let merge_base = format!("--merge-base={merge_base}");
    let (code, out) = git(
        dir,
        &["merge-tree", "--write-tree", &merge_base, base, &second],
    );
    if code != 0 {
        return None;
    }
    let tree = out.lines().next()?.to_owned();
    if tree == must(dir, &["rev-parse", &format!("{base}^{{tree}}")]) {
        return None;
    }
    let message = format!("replay of the pull request merged by {merge}");
    let (code, made) = git(dir, &["commit-tree", &tree, "-p", base, "-m", &message]);
    (code == 0).then_some(made)
}

/// Replays of `merges` onto `base`, up to `wanted`, and how many were skipped meanwhile.
fn replays_onto(dir: &Path, base: &str, merges: &[&str], wanted: usize) -> (Vec<String>, usize) {
    let mut replays = Vec::new();
    let mut skipped = 0;
    for merge in merges {
        match replay(dir, base, merge) {
            Some(made) => replays.push(made),
            None => skipped += 1,
        }
        if replays.len() == wanted {
            break;
        }
    }
    (replays, skipped)
}

/// How the two tiers judged the pairs and branches (with the default branch).
#[derive(Default)]
struct Agreement {
    both: usize,
    line_only: usize,
    exact_only: usize,
    neither: usize,
    /// Exact conflicts that stop only on regenerated files (lock files).
    regenerated_only: usize,
}

fn agreement(report: &Report) -> Agreement {
    let findings = report
        .pairs
        .iter()
        .map(|p| (&p.line, &p.exact, &p.regenerated))
        .chain(
            report
                .with_default
                .iter()
                .map(|b| (&b.line, &b.exact, &b.regenerated)),
        );
    let mut counts = Agreement::default();
    for (line, exact, regenerated) in findings {
        let line = line.as_ref().is_some_and(|line| line.conflict);
        match (line, exact.conflict) {
            (true, true) => counts.both += 1,
            (true, false) => counts.line_only += 1,
            (false, true) => counts.exact_only += 1,
            (false, false) => counts.neither += 1,
        }
        if exact.conflict && exact.paths.len() == regenerated.len() {
            counts.regenerated_only += 1;
        }
    }
    counts
}

/// What the order printed by `merge-order --json` costs by the trial merges: the branches
/// with an earlier branch they conflict with.
fn real_cost(order: &Value, report: &Report) -> usize {
    let placed: Vec<&str> = order["places"]
        .as_array()
        .expect("places")
        .iter()
        .map(|place| place["branch"].as_str().expect("a name"))
        .collect();
    let conflict = |a: &str, b: &str| {
        report
            .pairs
            .iter()
            .any(|p| p.exact.conflict && ((p.a == a && p.b == b) || (p.a == b && p.b == a)))
    };
    (0..placed.len())
        .filter(|&at| {
            placed[..at]
                .iter()
                .any(|earlier| conflict(earlier, placed[at]))
        })
        .count()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// `switchyard local COMMAND --branch …` as the binary runs it, timed; its output.
fn timed(dir: &Path, command: LocalCommand) -> (Duration, String) {
    let args = LocalArgs {
        default_branch: Some(DEFAULT_BRANCH.to_owned()),
        command,
    };
    let began = Instant::now();
    let done = switchyard::local::execute(args, dir).expect("the command runs");
    (began.elapsed(), done.text)
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

/// `switchyard local COMMAND` run in `dir`, timed `runs` times: the median, the first
/// run's time, and the last answer's text and exit code.
fn asked(
    dir: &Path,
    runs: usize,
    command: impl Fn() -> LocalCommand,
) -> (Duration, Duration, String, u8) {
    let mut times = Vec::new();
    let mut last = (String::new(), 0);
    for _ in 0..runs {
        let args = LocalArgs {
            default_branch: Some(DEFAULT_BRANCH.to_owned()),
            command: command(),
        };
        let began = Instant::now();
        let done = switchyard::local::execute(args, dir).expect("the command runs");
        times.push(began.elapsed());
        last = (done.text, done.code);
    }
    let first = times[0];
    (median(times), first, last.0, last.1)
}

/// The lanes `agent-1` … `agent-N` of the config, each on one of `lanes`' commits, checked
/// out in `<clone>-worktrees/agent-K`, each with uncommitted work: a line added to the
/// first file its pull request changes and a new file. Then `agent-1`'s questions, timed.
fn questions_from_worktrees(clone: &Path, lanes: &[String], base: &str) {
    let most = WORKTREE_LANE_COUNTS[WORKTREE_LANE_COUNTS.len() - 1].min(lanes.len());
    let group = clone.with_file_name("clone-worktrees");
    for (at, commit) in lanes[..most].iter().enumerate() {
        let lane = format!("agent-{}", at + 1);
        let branch = format!("parallel-dev/{lane}");
        must(clone, &["branch", "--force", &branch, commit]);
        let worktree = group.join(&lane);
        let target = worktree.to_string_lossy().into_owned();
        must(clone, &["worktree", "add", "--quiet", &target, &branch]);
        let changed = must(
            clone,
            &["diff", "--name-only", "--diff-filter=AM", base, commit],
        );
        if let Some(first) = changed.lines().next() {
            let path = worktree.join(first);
            let mut text = std::fs::read(&path).expect("a changed file");
            text.extend_from_slice(format!("\n// uncommitted work of {lane}\n").as_bytes());
            std::fs::write(&path, text).expect("an edit");
        }
        std::fs::write(
            worktree.join(format!("uncommitted-{lane}.txt")),
            "not committed yet\n",
        )
        .expect("a new file");
        // As the lane's own `git status` leaves it: an index written in the second its
        // files were checked out holds their times as unsure, and every reading of the
        // worktree would hash them all again until git writes the index anew.
        must(&worktree, &["status", "--porcelain"]);
    }
    let asker = group.join("agent-1");
    let changed = must(
        clone,
        &["diff", "--name-only", "--diff-filter=AM", base, &lanes[0]],
    );
    let mut question: Vec<String> = changed.lines().take(3).map(str::to_owned).collect();
    // The first file by the lines of its first change, as the asker's worktree has them.
    let hunk = must(&asker, &["diff", "--unified=0", base, "--", &question[0]]);
    if let Some(lines) = hunk
        .lines()
        .find_map(|line| line.strip_prefix("@@ "))
        .and_then(|header| header.split(' ').nth(1))
        .and_then(|new| new.strip_prefix('+'))
    {
        let (start, count) = lines.split_once(',').unwrap_or((lines, "1"));
        let (start, count): (u32, u32) = (start.parse().unwrap(), count.parse().unwrap());
        question[0] = format!("{}:{start}-{}", question[0], start + count.max(1) - 1);
    }
    for &count in &WORKTREE_LANE_COUNTS {
        if count > most {
            println!("{count:>3} lanes in worktrees: skipped: only {most} lanes");
            continue;
        }
        std::fs::write(
            clone.join(".github/switchyard.yml"),
            format!("agents: {count}\n"),
        )
        .expect("the config");
        let question = &question;
        let touching = |committed_only| {
            move || LocalCommand::Touching {
                paths: question.clone(),
                lane: None,
                mine: false,
                committed_only,
                staged: false,
                json: true,
            }
        };
        // The merge bases the commands remember are forgotten: the first run finds them.
        let remembered = clone.join(".git/switchyard/merge-bases");
        let _ = std::fs::remove_file(&remembered);
        let (touching_time, touching_first, text, touched) =
            asked(&asker, QUESTION_RUNS, touching(false));
        let answer: Value = serde_json::from_str(&text).expect("touching's JSON");
        let (committed_time, _, _, _) = asked(&asker, QUESTION_RUNS, touching(true));
        let mine = || LocalCommand::Conflicts {
            branches: Vec::new(),
            lane: None,
            mine: true,
            committed_only: false,
            json: true,
        };
        let _ = std::fs::remove_file(&remembered);
        let (mine_time, mine_first, text, found) = asked(&asker, QUESTION_RUNS, mine);
        let report: Value = serde_json::from_str(&text).expect("conflicts' JSON");
        let stops = report["pairs"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(report["with_default"].as_array().into_iter().flatten())
            .filter(|finding| finding["exact"]["conflict"] == true)
            .count();
        let uncommitted = report["branches"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| b["uncommitted"] == true)
            .count();
        let every = || LocalCommand::Conflicts {
            branches: Vec::new(),
            lane: None,
            mine: false,
            committed_only: false,
            json: false,
        };
        let (every_time, _, _, _) = asked(clone, RUNS, every);
        println!(
            "{count:>3} lanes in worktrees: touching {:>6.1} ms (first run {:>6.1} ms; \
             --committed-only {:>6.1} ms; {} asked, {} of {} other branches touch, exit \
             {touched}), conflicts --mine {:>6.1} ms (first run {:>6.1} ms; {} pairs and \
             branch × default, git stops on {stops}, {uncommitted} branches with uncommitted \
             work on the paths that matter, exit {found}) (medians of {QUESTION_RUNS}); \
             conflicts of every pair, every worktree read whole {:>6.1} ms (median of {RUNS})",
            ms(touching_time),
            ms(touching_first),
            ms(committed_time),
            question.join(" "),
            answer["branches"].as_array().map_or(0, Vec::len),
            answer["compared"],
            ms(mine_time),
            ms(mine_first),
            report["pairs"].as_array().map_or(0, Vec::len)
                + report["with_default"].as_array().map_or(0, Vec::len),
            ms(every_time),
        );
    }
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

    let tip = must(&clone, &["rev-parse", "HEAD"]);
    let files = must(&clone, &["ls-tree", "-r", "--name-only", "HEAD"])
        .lines()
        .count();
    let history = must(&clone, &["rev-list", "--first-parent", "--merges", "HEAD"]);
    let mut merges: Vec<&str> = history.lines().collect();
    merges.reverse();
    let wanted = LANE_COUNTS[LANE_COUNTS.len() - 1] + 1;
    // The newest base that enough later pull requests apply to, looking further back a
    // step at a time: the nearer the base, the more apply, as on a team's real lanes.
    let mut best: (usize, Vec<String>, usize) = (0, Vec::new(), 0);
    let mut back = wanted + wanted / 2;
    while back <= merges.len() {
        let start = merges.len() - back;
        let base = format!("{}^1", merges[start]);
        let base = must(&clone, &["rev-parse", &base]);
        let (replays, skipped) = replays_onto(&clone, &base, &merges[start..], wanted);
        if replays.len() > best.1.len() {
            best = (start, replays, skipped);
        }
        if best.1.len() == wanted {
            break;
        }
        back += STEP;
    }
    let (start, replays, skipped) = best;
    if replays.len() <= LANE_COUNTS[0] {
        println!(
            "skipped: only {} pull requests of the history apply to one base; {} are needed",
            replays.len(),
            LANE_COUNTS[0] + 1
        );
        return;
    }
    must(&clone, &["branch", DEFAULT_BRANCH, &replays[0]]);
    let mut lanes = Vec::new();
    for (lane, made) in replays[1..].iter().enumerate() {
        let name = format!("lane-{}", lane + 1);
        must(&clone, &["branch", &name, made]);
        lanes.push(name);
    }
    // The clone has no working tree files; the config is the default one.
    must(
        &clone,
        &[
            "symbolic-ref",
            "HEAD",
            &format!("refs/heads/{DEFAULT_BRANCH}"),
        ],
    );
    println!(
        "repository at {} ({files} files, {} merges on its first-parent history); base: the \
         first parent of the merge {} merges back; lanes: {} pull requests merged after it, \
         {skipped} more skipped as not applying there; {} cores",
        &tip[..10],
        merges.len(),
        merges.len() - start,
        replays.len() - 1,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );

    let repo = Repo::open(&clone, Some(DEFAULT_BRANCH)).expect("the clone opens");
    let replay_base = must(&clone, &["merge-base", DEFAULT_BRANCH, &lanes[0]]);
    for &count in &LANE_COUNTS {
        if count > lanes.len() {
            println!(
                "{count:>3} lanes: skipped: only {} pull requests apply to one base",
                lanes.len()
            );
            continue;
        }
        let names = &lanes[..count];
        let conflicts = || LocalCommand::Conflicts {
            branches: names.to_vec(),
            lane: None,
            mine: false,
            committed_only: false,
            json: false,
        };
        let merge_order = |json| LocalCommand::MergeOrder {
            branches: names.to_vec(),
            committed_only: false,
            json,
        };
        let conflicts_times: Vec<Duration> =
            (0..RUNS).map(|_| timed(&clone, conflicts()).0).collect();
        let order_times: Vec<Duration> = (0..RUNS)
            .map(|_| timed(&clone, merge_order(false)).0)
            .collect();
        let heads = repo.heads().expect("the branches");
        let named: Vec<ToCompare> = names
            .iter()
            .map(|name| ToCompare::committed(name.clone(), heads[name].clone()))
            .collect();
        let report = conflicts::find(&repo, &named, Tiers::Both, Focus::All).expect("conflicts");
        let (_, order) = timed(&clone, merge_order(true));
        let order: Value = serde_json::from_str(&order).expect("merge-order's JSON");
        let pairs = report.pairs.len() + report.with_default.len();
        let counts = agreement(&report);
        let exact = counts.both + counts.exact_only;
        let line = counts.both + counts.line_only;
        let unread = report
            .branches
            .iter()
            .filter(|b| b.unread.is_some())
            .count();
        println!(
            "{count:>3} lanes: conflicts {:>7.1} ms, merge-order {:>7.1} ms (medians of {RUNS}) \
             | {pairs} pairs and branch × default: git stops on {exact} ({} only on lock \
             files), the line tier warns on {line}; both {}, neither {}, line tier only {}, \
             exact tier only {} (recall {:.3}, precision {:.3}); {unread} branches unread \
             | merge order claims {} rebases, costs {} by the trial merges, arrival order {}",
            ms(median(conflicts_times)),
            ms(median(order_times)),
            counts.regenerated_only,
            counts.both,
            counts.neither,
            counts.line_only,
            counts.exact_only,
            counts.both as f64 / exact.max(1) as f64,
            counts.both as f64 / line.max(1) as f64,
            order["rebases"],
            real_cost(&order, &report),
            order["arrival_rebases"],
        );
    }
    std::fs::create_dir_all(clone.join(".github")).expect("the config's folder");
    questions_from_worktrees(&clone, &replays[1..], &replay_base);
}
