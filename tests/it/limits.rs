//! GitHub's rate limits honoured per installation, as GitHub asks of Apps: a secondary limit
//! one worker's write meets pauses every worker's writes until the time GitHub gave, on one
//! instance (SQLite) and across instances sharing PostgreSQL; writes go out one at a time,
//! spaced; a spent primary limit is found by one request, not one per worker.

use crate::burst::{self, Repositories};
use crate::database::Schema;
use crate::support::{Harness, Http, SECRET, settings};
use fake_github::{Failure, FakeGitHub, RequestRecord};
use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

/// Repositories of the one installation, each reconciled by a worker of its own at once.
const REPOS: usize = 4;
/// How long GitHub's refusal tells the App to wait.
const PAUSE: Duration = Duration::from_secs(2);
/// Between two writes, spaced wider than the stories' usual few milliseconds, to be seen.
const INTERVAL: Duration = Duration::from_millis(100);

/// The installation's writes, oldest first (a token is the App's to ask for, not theirs).
fn writes(gh: &FakeGitHub) -> Vec<RequestRecord> {
    let mut writes: Vec<RequestRecord> = gh
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && !r.path.starts_with("/app/"))
        .collect();
    writes.sort_by_key(|r| r.at);
    writes
}

fn repo_of(record: &RequestRecord) -> String {
    record
        .path
        .split('/')
        .skip(2)
        .take(2)
        .collect::<Vec<_>>()
        .join("/")
}

/// The one refused write's pause held every write of the installation, whichever worker or
/// instance had it: none arrived before the time GitHub gave, and the other repositories'
/// writes came after it. Writes went out one at a time, `INTERVAL` apart.
fn assert_one_pause_held_every_write(gh: &FakeGitHub) {
    let writes = writes(gh);
    let refused: Vec<&RequestRecord> = writes.iter().filter(|r| r.status == 403).collect();
    assert_eq!(refused.len(), 1, "one write met the limit");
    let (limited, limited_at) = (repo_of(refused[0]), refused[0].at);
    let ends = limited_at + PAUSE;
    let during: Vec<String> = writes
        .iter()
        .filter(|r| r.at > limited_at && r.at < ends)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(during.is_empty(), "writes while limited: {during:?}");
    assert_eq!(gh.writes_while_limited(), 0);
    let others_after: BTreeSet<String> = writes
        .iter()
        .filter(|r| r.at >= ends)
        .map(repo_of)
        .filter(|repo| *repo != limited)
        .collect();
    assert!(
        others_after.len() >= 2,
        "the other workers' writes waited for the pause: {others_after:?}"
    );
    // A write reaches the fake some milliseconds after it is sent, more on a loaded machine,
    // so the pace is checked over spans: the write `k + 1` places after another never arrives
    // sooner than `k` intervals after it, whatever one arrival's delay.
    for (at, first) in writes.iter().enumerate() {
        for (k, later) in writes[at + 1..].iter().enumerate() {
            let gap = later.at.duration_since(first.at).unwrap_or_default();
            assert!(
                gap >= INTERVAL * k as u32,
                "{} and {}, {} writes apart, only {gap:?} apart",
                first.path,
                later.path,
                k + 1
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_on_one_workers_write_pauses_every_workers_writes() {
    let gh = FakeGitHub::start().await;
    let repos = Repositories::open(&gh, REPOS);
    let mut h = Harness::start_against(gh).await;
    h.app.take().expect("the App").stop().await;
    let mut spaced = settings(h.gh.url(), h.database_url());
    spaced.queue.max_parallel = REPOS;
    spaced.retry.write_interval = INTERVAL;
    h.start_with(spaced).await;
    h.gh.fail_next(
        "POST /repos/*/*/check-runs",
        Failure::SecondaryRateLimit {
            retry_after_secs: PAUSE.as_secs(),
        },
        1,
    );
    for n in 0..REPOS * 3 {
        h.deliver("pull_request", &repos.payload(n)).await;
    }
    h.settle().await;

    repos.assert_effects_once(&h.gh);
    assert_one_pause_held_every_write(&h.gh);
    let (_, metrics) = h.request("GET", "/metrics", &[], Vec::new()).await;
    assert!(
        metrics.contains("switchyard_github_pauses_total{paused=\"writes\"} 1\n"),
        "one pause, counted once: {metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_rate_limit_is_found_by_one_request_not_one_per_worker() {
    let gh = FakeGitHub::start().await;
    // More repositories than workers: a worker that finishes one takes the next meanwhile.
    let repos = Repositories::open(&gh, REPOS * 3);
    let mut h = Harness::start_against(gh).await;
    h.app.take().expect("the App").stop().await;
    let mut parallel = settings(h.gh.url(), h.database_url());
    parallel.queue.max_parallel = REPOS;
    h.start_with(parallel).await;
    h.gh.fail_next(
        "GET /repos/*/*/pulls",
        Failure::PrimaryRateLimit { reset_in_secs: 2 },
        1,
    );
    for n in 0..repos.len() {
        h.deliver("pull_request", &repos.payload(n)).await;
    }
    h.settle().await;

    repos.assert_effects_once(&h.gh);
    let requests = h.gh.requests();
    let refused: Vec<SystemTime> = requests
        .iter()
        .filter(|r| r.status == 403)
        .map(|r| r.at)
        .collect();
    assert_eq!(refused.len(), 1, "one request found the limit spent");
    // Requests already on their way when the answer came are not held back; any sent after
    // it waits for the reset, which is at least a second off.
    let (from, to) = (
        refused[0] + Duration::from_millis(100),
        refused[0] + Duration::from_millis(900),
    );
    let spent: Vec<String> = requests
        .iter()
        .filter(|r| r.at > from && r.at < to && !r.path.starts_with("/app/"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        spent.is_empty(),
        "requests while the limit was spent: {spent:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_share_the_installations_write_budget() {
    let Some(schema) = Schema::create() else {
        return;
    };
    let gh = FakeGitHub::start().await;
    let repos = Repositories::open(&gh, REPOS * 2);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let interval = INTERVAL.as_millis().to_string();
    let env = [
        ("DATABASE_URL", schema.url.as_str()),
        ("SWITCHYARD_WRITE_INTERVAL_MS", interval.as_str()),
    ];
    let instances = [
        burst::serve(dir.path(), &gh, &env),
        burst::serve(dir.path(), &gh, &env),
    ];
    gh.fail_next(
        "POST /repos/*/*/check-runs",
        Failure::SecondaryRateLimit {
            retry_after_secs: PAUSE.as_secs(),
        },
        1,
    );
    let http = Http::new();
    for n in 0..repos.len() * 3 {
        let base = instances[n % 2].url("");
        let (status, body) = http
            .deliver(&base, SECRET, "pull_request", &repos.payload(n))
            .await;
        assert_eq!(status, 202, "{body}");
    }
    burst::settle(&schema.url, Duration::from_secs(60)).await;

    repos.assert_effects_once(&gh);
    assert_one_pause_held_every_write(&gh);
    let logs: Vec<Vec<String>> = instances.iter().map(|i| i.log()).collect();
    for (n, log) in logs.iter().enumerate() {
        assert!(
            burst::runs(n, log).iter().any(|run| run.finished.is_some()),
            "instance {n} reconciled repositories too"
        );
    }
    let warned: Vec<&String> = logs
        .iter()
        .flatten()
        .filter(|line| line.contains("WARN") && line.contains("writes pause"))
        .collect();
    assert_eq!(warned.len(), 1, "the pause is logged once: {warned:?}");
}
