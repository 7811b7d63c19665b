//! What a reconcile costs in repositories with 10, 100 and 1,000 open PRs: the GitHub API
//! calls (reads GitHub counts against the rate limit, conditional reads answered 304 that it
//! does not count, and writes) and the CPU time, for the first reconcile of a fresh install,
//! a push to one PR and the periodic sweep. Unchanged PRs are served from cache, so a push
//! must not cost more calls with more open PRs.
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

use fake_github::{FakeGitHub, FileChange, PrSpec, RequestRecord};
use std::collections::BTreeMap;
use std::time::Duration;
use support::{Harness, INSTALLATION, REPO, pull_request_payload};

const PUSHES: usize = 10;

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
            "  {what}: {:.1} counted reads, {:.1} reads answered 304, {:.1} writes, \
             {:.1} ms App CPU ({:.1} ms the fake GitHub's)",
            per(self.reads),
            per(self.not_modified),
            per(self.writes),
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

async fn measure(open: usize, fake_runtime: &tokio::runtime::Handle) {
    let h = Harness::start_against(FakeGitHub::start_on(fake_runtime)).await;
    // The first full reconcile of 1,000 PRs needs more calls than GitHub's 5,000 an hour;
    // here only the count matters, so the fake's limit is lifted.
    h.gh.set_rate_limit(INSTALLATION, 1_000_000, Duration::from_secs(3600));
    for i in 0..open {
        h.gh.open_pr(
            REPO,
            PrSpec {
                files: vec![FileChange::modified(format!("src/file_{i}.rs"))],
                ..PrSpec::new(format!("parallel-dev/agent-{}", i % 3 + 1), "")
            },
        );
    }
    println!("{open} open PRs:");

    let start = cpu_time();
    h.add_repository().await;
    h.settle().await;
    Cost::of(&h.gh.requests(), cpu_time() - start).print("fresh install", 1);

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
}
