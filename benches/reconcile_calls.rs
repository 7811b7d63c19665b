//! What a reconcile costs in repositories with 10, 100 and 1,000 open PRs: the GitHub API
//! calls (reads GitHub counts against the rate limit, conditional reads answered 304 that it
//! does not count, and writes) and the CPU time, for the first reconcile of a fresh install,
//! a push to one PR and the periodic sweep. Unchanged PRs are served from cache, so a push
//! must not cost more calls with more open PRs.
//!
//! Then the first reconcile of 100 and 1,000 open PRs with the fake GitHub holding the
//! installation to GitHub's limits on writes (80 a minute, 500 an hour): how long until the
//! first PR has its run and until every PR has, and how many writes arrived while GitHub had
//! said to wait (none may). An hour of limits is lived through in a minute: the fake's clock
//! runs [`TIME_SCALE`] times faster, and the App's waits between writes are as much shorter;
//! the times are printed as measured and as GitHub's clock would show them (measured times
//! [`TIME_SCALE`]). The fake answers a read in about a millisecond where GitHub takes tens, so
//! at that scale reads weigh about what they would on GitHub.
//!
//! The CPU time is the App's: the process's (`/proc/self/stat`) less that of the threads of
//! the fake GitHub's own runtime (`/proc/self/task/*/stat`), and the fake's share is printed
//! beside it. A push is measured over [`PUSHES`] pushes, for a finer figure than the clock's
//! 10 ms ticks.
//!
//! cargo bench --bench reconcile_calls

#[allow(dead_code)]
#[path = "../tests/it/support.rs"]
mod support;

use fake_github::{FakeGitHub, FileChange, PrSpec, RequestRecord, WriteLimits};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};
use support::{Harness, INSTALLATION, REPO, pull_request_payload, settings};

const PUSHES: usize = 10;

/// How much faster than GitHub's the limits' clock runs in the run under write limits.
const TIME_SCALE: u32 = 60;

/// The name of the fake GitHub's threads, as `/proc` shows it.
const FAKE_THREADS: &str = "fake-github";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let fake_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(FAKE_THREADS)
        .enable_all()
        .build()
        .expect("the fake GitHub's runtime");
    runtime.block_on(async {
        for open in [10usize, 100, 1000] {
            measure(open, fake_runtime.handle()).await;
        }
        println!(
            "Under GitHub's limits on writes (80 a minute, 500 an hour), a fresh install; \
             the fake's clock and the App's waits {TIME_SCALE} times faster than GitHub's:"
        );
        for open in [100usize, 1000] {
            under_write_limits(open, fake_runtime.handle()).await;
        }
    });
}

/// Calls by kind, and the CPU spent, over one stretch of work.
struct Cost {
    reads: usize,
    not_modified: usize,
    writes: usize,
    cpu: Cpu,
    by_endpoint: BTreeMap<String, usize>,
}

impl Cost {
    fn of(log: &[RequestRecord], cpu: Cpu) -> Self {
        let mut by_endpoint = BTreeMap::new();
        for record in log {
            *by_endpoint.entry(record.endpoint.clone()).or_default() += 1;
        }
        let gets = || log.iter().filter(|r| r.method == "GET");
        Cost {
            reads: gets().filter(|r| r.status != 304).count(),
            not_modified: gets().filter(|r| r.status == 304).count(),
            writes: log.iter().filter(|r| r.method != "GET").count(),
            cpu,
            by_endpoint,
        }
    }

    fn print(&self, what: &str, times: usize) {
        let per = |n: usize| n as f64 / times as f64;
        let ms = |cpu: Duration| cpu.as_secs_f64() * 1000.0 / times as f64;
        println!(
            "  {what}: {:.1} counted reads, {:.1} writes, {:.1} reads answered 304 (not \
             counted), {:.1} ms App CPU ({:.1} ms the fake GitHub's)",
            per(self.reads),
            per(self.writes),
            per(self.not_modified),
            ms(self.cpu.app),
            ms(self.cpu.fake),
        );
        for (endpoint, count) in &self.by_endpoint {
            println!("      {:>7.1}  {endpoint}", per(*count));
        }
    }
}

/// CPU time spent so far: by the App, and by the fake GitHub's threads.
#[derive(Clone, Copy)]
struct Cpu {
    app: Duration,
    fake: Duration,
}

impl std::ops::Sub for Cpu {
    type Output = Cpu;
    fn sub(self, earlier: Cpu) -> Cpu {
        Cpu {
            app: self.app.saturating_sub(earlier.app),
            fake: self.fake.saturating_sub(earlier.fake),
        }
    }
}

fn cpu_time() -> Cpu {
    let process = ticks("/proc/self/stat").map_or(0, |(_, ticks)| ticks);
    let fake: u64 = std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|task| ticks(&format!("{}/stat", task.path().display())))
        .filter(|(name, _)| name == FAKE_THREADS)
        .map(|(_, ticks)| ticks)
        .sum();
    // Linux reports them in USER_HZ, 100 a second on every architecture it runs on.
    let tick = Duration::from_millis(10);
    Cpu {
        app: tick * (process.saturating_sub(fake)) as u32,
        fake: tick * fake as u32,
    }
}

/// A `stat` file's command name and user plus system time, in ticks.
fn ticks(path: &str) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let (name, rest) = stat.split_once(" (")?.1.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Some((name.to_owned(), ticks))
}

/// When each check run the App created was asked for, in order.
fn created_runs(log: &[RequestRecord]) -> Vec<SystemTime> {
    let mut runs: Vec<SystemTime> = log
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/check-runs") && r.status == 201)
        .map(|r| r.at)
        .collect();
    runs.sort();
    runs
}

/// Opens `open` PRs, each on a file of its own, from the lanes' branches.
fn open_prs(gh: &FakeGitHub, open: usize) {
    for i in 0..open {
        gh.open_pr(
            REPO,
            PrSpec {
                files: vec![FileChange::modified(format!("src/file_{i}.rs"))],
                ..PrSpec::new(format!("parallel-dev/agent-{}", i % 3 + 1), "")
            },
        );
    }
}

/// A fresh install of `open` PRs with the fake GitHub holding writes to GitHub's limits.
async fn under_write_limits(open: usize, fake_runtime: &tokio::runtime::Handle) {
    let mut h = Harness::start_against(FakeGitHub::start_on(fake_runtime)).await;
    h.gh.set_rate_limit(INSTALLATION, 1_000_000, Duration::from_secs(3600));
    h.gh.limit_writes(WriteLimits {
        time_scale: TIME_SCALE,
        ..WriteLimits::github()
    });
    open_prs(&h.gh, open);
    h.app.take().expect("the App").stop().await;
    let mut scaled = settings(h.gh.url(), h.database_url());
    scaled.retry.write_interval = Duration::from_secs(1) / TIME_SCALE;
    scaled.retry.max_wait = Duration::from_secs(60) / TIME_SCALE;
    h.start_with(scaled).await;

    let started = Instant::now();
    let at = SystemTime::now();
    h.add_repository().await;
    let deadline = started + Duration::from_secs(30 * 60);
    let runs = loop {
        let runs = created_runs(&h.gh.requests());
        if runs.len() >= open || Instant::now() > deadline {
            break runs;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let all = started.elapsed();
    let since = |t: Option<&SystemTime>| t.and_then(|t| t.duration_since(at).ok());
    let (first, last) = (since(runs.first()), since(runs.last()));
    let both = |d: Option<Duration>| match d {
        Some(d) => format!(
            "{:.1} s ({:.0} s on GitHub's clock)",
            d.as_secs_f64(),
            d.as_secs_f64() * f64::from(TIME_SCALE)
        ),
        None => "never".to_owned(),
    };
    let writes = h.gh.requests().iter().filter(|r| r.method != "GET").count();
    println!(
        "  {open} open PRs: first run after {}, every PR's run after {}; {} of {open} runs; \
         {writes} writes, {} refused for the limits, {} sent while GitHub had said to wait \
         ({:.0} s measured in all)",
        both(first),
        both(last),
        runs.len(),
        h.gh.writes_refused(),
        h.gh.writes_while_limited(),
        all.as_secs_f64(),
    );
    if let Some(app) = h.app.take() {
        app.kill();
    }
}

async fn measure(open: usize, fake_runtime: &tokio::runtime::Handle) {
    let mut h = Harness::start_against(FakeGitHub::start_on(fake_runtime)).await;
    // The first full reconcile of 1,000 PRs needs more calls than GitHub's 5,000 an hour;
    // here only the count matters, so the fake's limit is lifted, and so are the waits
    // between writes (writes still go one at a time).
    h.gh.set_rate_limit(INSTALLATION, 1_000_000, Duration::from_secs(3600));
    h.app.take().expect("the App").stop().await;
    let mut unpaced = settings(h.gh.url(), h.database_url());
    unpaced.retry.write_interval = Duration::ZERO;
    h.start_with(unpaced).await;
    open_prs(&h.gh, open);
    println!("{open} open PRs:");

    let start = cpu_time();
    let started = SystemTime::now();
    h.add_repository().await;
    h.settle().await;
    let log = h.gh.requests();
    Cost::of(&log, cpu_time() - start).print("fresh install", 1);
    if let Some(first) = created_runs(&log).first() {
        let after = first.duration_since(started).unwrap_or_default();
        println!("      first run after {:.2} s", after.as_secs_f64());
    }

    h.gh.clear_log();
    let pushed = (open / 2) as u64;
    let start = cpu_time();
    for push in 0..PUSHES {
        let head = h.gh.push(
            REPO,
            pushed,
            "",
            vec![FileChange::modified(format!("src/pushed_{push}.rs"))],
        );
        h.deliver(
            "pull_request",
            &pull_request_payload("synchronize", REPO, pushed, &head),
        )
        .await;
        h.settle().await;
    }
    Cost::of(&h.gh.requests(), cpu_time() - start).print("a push to one PR", PUSHES);

    h.gh.clear_log();
    let start = cpu_time();
    h.app().queue.sweep().await.expect("the sweep queues");
    h.settle().await;
    Cost::of(&h.gh.requests(), cpu_time() - start).print("the periodic sweep", 1);
    // Stopped, so that the next size's figures are the next App's alone.
    if let Some(app) = h.app.take() {
        app.stop().await;
    }
}
