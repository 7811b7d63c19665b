//! Several instances of the binary on one PostgreSQL database behind one webhook URL, as an
//! operator runs them: a burst of deliveries sent to both runs every job once, one
//! repository on one instance at a time, with each effect once; and when one instance is
//! killed halfway, the other takes its repositories over once their leases run out.

use crate::burst::{Repositories, Run, log_time, runs, serve, settle};
use crate::database::Schema;
use crate::support::{APP_ID, Binary, Http, SECRET};
use fake_github::{FakeGitHub, TEST_PRIVATE_KEY_PEM};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime};

const REPOS: usize = 10;
const DELIVERIES: usize = 300;

fn start_instance(
    dir: &std::path::Path,
    gh: &FakeGitHub,
    database_url: &str,
    lease: &str,
) -> Binary {
    serve(
        dir,
        gh,
        &[
            ("DATABASE_URL", database_url),
            ("SWITCHYARD_LEASE_SECS", lease),
        ],
    )
}

/// Sends deliveries `range` of the burst, eight at a time, each to the instance `to` picks.
async fn send_burst(
    range: std::ops::Range<usize>,
    repos: &Repositories,
    to: impl Fn(usize) -> String,
) {
    const SENDERS: usize = 8;
    let mut senders = tokio::task::JoinSet::new();
    for sender in 0..SENDERS {
        let deliveries: Vec<(String, serde_json::Value)> = range
            .clone()
            .filter(|n| n % SENDERS == sender)
            .map(|n| (to(n), repos.payload(n)))
            .collect();
        senders.spawn(async move {
            let http = Http::new();
            for (base, payload) in deliveries {
                let (status, body) = http.deliver(&base, SECRET, "pull_request", &payload).await;
                assert_eq!(status, 202, "{body}");
            }
        });
    }
    while let Some(sent) = senders.join_next().await {
        sent.expect("a sender");
    }
}

/// The runs the instances logged, once their logs show every job finished (the log line
/// follows the database's record of it), or after a few seconds.
fn logged_runs(instances: &[&Binary]) -> Vec<Run> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let runs: Vec<Run> = instances
            .iter()
            .enumerate()
            .flat_map(|(i, instance)| runs(i, &instance.log()))
            .collect();
        let finished: usize = runs
            .iter()
            .filter(|run| run.finished.is_some())
            .map(|run| run.jobs.len())
            .sum();
        if finished >= DELIVERIES || Instant::now() >= deadline {
            return runs;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// No repository's runs overlap in time, whichever instance ran them.
fn assert_one_instance_at_a_time(runs: &[Run], killed_at: Option<SystemTime>) {
    let mut by_repo: BTreeMap<&str, Vec<&Run>> = BTreeMap::new();
    for run in runs {
        by_repo.entry(&run.repo).or_default().push(run);
    }
    for (repo, mut runs) in by_repo {
        runs.sort_by_key(|run| run.started);
        for pair in runs.windows(2) {
            let end = pair[0]
                .finished
                .or(killed_at)
                .expect("only a killed instance leaves a run unfinished");
            assert!(
                pair[1].started >= end,
                "{repo} ran on instances {} and {} at once",
                pair[0].instance,
                pair[1].instance
            );
        }
    }
}

/// Every job of the burst finished exactly once.
fn assert_every_job_ran_once(runs: &[Run]) {
    assert!(runs.iter().all(|run| !run.failed), "no reconcile failed");
    let finished: Vec<i64> = runs
        .iter()
        .filter(|run| run.finished.is_some())
        .flat_map(|run| run.jobs.iter().copied())
        .collect();
    let distinct: BTreeSet<i64> = finished.iter().copied().collect();
    assert_eq!(distinct.len(), finished.len(), "a job finished twice");
    assert_eq!(finished.len(), DELIVERIES, "one job per delivery");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_a_burst_and_run_each_job_once_one_repository_at_a_time() {
    let Some(schema) = Schema::create() else {
        return;
    };
    let gh = FakeGitHub::start().await;
    let repos = Repositories::open(&gh, REPOS);
    gh.set_latency(Duration::from_millis(5));
    let dir = tempfile::tempdir().unwrap();
    let instances = [
        start_instance(dir.path(), &gh, &schema.url, "20"),
        start_instance(dir.path(), &gh, &schema.url, "20"),
    ];
    let bases = [instances[0].url(""), instances[1].url("")];
    send_burst(0..DELIVERIES, &repos, |n| bases[n % 2].clone()).await;
    settle(&schema.url, Duration::from_secs(120)).await;

    let runs = logged_runs(&[&instances[0], &instances[1]]);
    assert!(
        runs.iter().any(|run| run.instance == 0) && runs.iter().any(|run| run.instance == 1),
        "both instances did work"
    );
    assert_one_instance_at_a_time(&runs, None);
    assert_every_job_ran_once(&runs);
    repos.assert_effects_once(&gh);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_one_instance_is_killed_the_other_takes_its_repositories_over_and_finishes_every_job()
{
    let Some(schema) = Schema::create() else {
        return;
    };
    let gh = FakeGitHub::start().await;
    let repos = Repositories::open(&gh, REPOS);
    // Slow enough that the instance killed is in the middle of reconciles when it dies.
    gh.set_latency(Duration::from_millis(40));
    let dir = tempfile::tempdir().unwrap();
    let lease_secs = 3;
    let mut doomed = start_instance(dir.path(), &gh, &schema.url, &lease_secs.to_string());
    let survivor = start_instance(dir.path(), &gh, &schema.url, &lease_secs.to_string());
    let (doomed_base, survivor_base) = (doomed.url(""), survivor.url(""));
    send_burst(0..DELIVERIES / 2, &repos, |n| {
        if n % 2 == 0 {
            doomed_base.clone()
        } else {
            survivor_base.clone()
        }
    })
    .await;
    // Wait until the doomed instance is in the middle of a reconcile, then kill it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while runs(0, &doomed.log())
        .iter()
        .all(|run| run.finished.is_some())
    {
        assert!(
            Instant::now() < deadline,
            "the instance never started a reconcile"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    doomed.kill();
    let killed_at = SystemTime::now();
    let killed = Instant::now();
    // The load balancer sends the rest to the instance still answering.
    send_burst(DELIVERIES / 2..DELIVERIES, &repos, |_| {
        survivor_base.clone()
    })
    .await;
    settle(&schema.url, Duration::from_secs(120)).await;
    let settled = killed.elapsed();

    let all = logged_runs(&[&doomed, &survivor]);
    let unfinished: Vec<&Run> = all
        .iter()
        .filter(|run| run.instance == 0 && run.finished.is_none())
        .collect();
    assert!(
        !unfinished.is_empty(),
        "it died in the middle of a reconcile"
    );
    let survivor_log = survivor.log();
    let takeovers: Vec<SystemTime> = survivor_log
        .iter()
        .filter(|line| line.contains("took over a repository"))
        .map(|line| log_time(line))
        .collect();
    assert_eq!(
        takeovers.len(),
        unfinished.len(),
        "each repository it held is taken over"
    );
    let first_takeover = takeovers
        .iter()
        .min()
        .and_then(|at| at.duration_since(killed_at).ok())
        .expect("a takeover after the kill");
    let bound = Duration::from_secs(lease_secs) + Duration::from_secs(lease_secs) / 4;
    assert!(
        first_takeover <= bound + Duration::from_secs(1),
        "taken over {first_takeover:?} after the kill, bound {bound:?}"
    );
    eprintln!(
        "lease {lease_secs} s: first takeover {:.2} s after SIGKILL; all {} jobs done {:.2} s after it",
        first_takeover.as_secs_f64(),
        DELIVERIES,
        settled.as_secs_f64()
    );

    assert_one_instance_at_a_time(&all, Some(killed_at));
    assert_every_job_ran_once(&all);
    repos.assert_effects_once(&gh);
    let (status, metrics) = Http::new().get(&survivor.url("/metrics")).await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains(&format!(
            "switchyard_lease_takeovers_total {}",
            takeovers.len()
        )),
        "{metrics}"
    );
    assert!(metrics.contains("switchyard_leases_held 0"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_started_together_on_an_empty_database_both_come_up() {
    let Some(schema) = Schema::create() else {
        return;
    };
    let gh = FakeGitHub::start().await;
    let repos = Repositories::open(&gh, REPOS);
    let dir = tempfile::tempdir().unwrap();
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let starting: Vec<_> = (0..2)
        .map(|_| {
            let (dir, api, url, start) = (
                dir.path().to_owned(),
                gh.url().to_owned(),
                schema.url.clone(),
                start.clone(),
            );
            std::thread::spawn(move || {
                start.wait();
                Binary::spawn(
                    &dir,
                    &[
                        ("GITHUB_APP_ID", &APP_ID.to_string()),
                        ("GITHUB_PRIVATE_KEY", TEST_PRIVATE_KEY_PEM),
                        ("GITHUB_WEBHOOK_SECRET", SECRET),
                        ("GITHUB_API_URL", &api),
                        ("DATABASE_URL", &url),
                    ],
                )
            })
        })
        .collect();
    let instances: Vec<Binary> = starting
        .into_iter()
        .map(|started| started.join().expect("the instance comes up"))
        .collect();
    let http = Http::new();
    for (n, instance) in instances.iter().enumerate() {
        assert_eq!(http.get(&instance.url("/readyz")).await.0, 200);
        let (status, body) = http
            .deliver(&instance.url(""), SECRET, "pull_request", &repos.payload(n))
            .await;
        assert_eq!(status, 202, "{body}");
    }
    settle(&schema.url, Duration::from_secs(60)).await;
}
