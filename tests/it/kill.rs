//! The binary on its default SQLite file through a burst of deliveries for twenty
//! repositories: once killed with SIGKILL three times and restarted on the same file, once
//! with GitHub failing a share of its requests. Either way every delivery answered 202 runs,
//! each effect lands on GitHub once, and nothing is left queued or running.
//!
//! The random parts (when to kill, which requests fail) come from a seed the tests print;
//! `SWITCHYARD_TEST_SEED=<seed>` runs them again with it.

use crate::burst::{Repositories, Run, runs, serve, settle};
use crate::support::{Binary, Http, SECRET, delivery_id, sqlite_url};
use fake_github::{Failure, FakeGitHub, SplitMix64};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use tokio::task::JoinSet;

const REPOS: usize = 20;
const DELIVERIES: usize = 500;
const KILLS: usize = 3;
const SENDERS: usize = 8;
/// How long any one wait may take before the test gives up: generous, since two cores are
/// shared with other builds; no assertion is about time.
const PATIENCE: Duration = Duration::from_secs(90);

/// The seed from `SWITCHYARD_TEST_SEED`, or a fresh one; printed, so that a failure can be
/// repeated.
fn seed(test: &str) -> u64 {
    let seed = match std::env::var("SWITCHYARD_TEST_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .expect("SWITCHYARD_TEST_SEED is a number"),
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock is past 1970")
            .as_nanos() as u64,
    };
    eprintln!("{test}: seed {seed} (SWITCHYARD_TEST_SEED={seed} repeats it)");
    seed
}

/// Where the server answers: its generation, one more after every restart, and its base
/// URL, `None` while it is down.
type Whereabouts = (usize, Option<String>);

/// What the deliveries got.
#[derive(Default)]
struct Tally {
    /// 202: recorded and queued.
    accepted: AtomicUsize,
    /// 200 "already received" on a resend: the first send was recorded, but the server died
    /// before its answer went out.
    recorded_unanswered: AtomicUsize,
    /// Sends that got no answer at all: refused while the server was down, or cut off when
    /// it died.
    unanswered: AtomicUsize,
}

impl Tally {
    fn answered(&self) -> usize {
        self.accepted.load(Ordering::SeqCst) + self.recorded_unanswered.load(Ordering::SeqCst)
    }
}

/// Sends the burst from eight senders at once, each delivery under its own id to wherever
/// the server is. A send that gets no answer is sent again under the same id once the
/// server is back, as GitHub's redelivery would.
fn send_burst(
    repos: &Repositories,
    server: &watch::Sender<Whereabouts>,
    tally: &Arc<Tally>,
) -> JoinSet<()> {
    let mut senders = JoinSet::new();
    for sender in 0..SENDERS {
        let deliveries: Vec<(String, Vec<u8>)> = (0..DELIVERIES)
            .filter(|n| n % SENDERS == sender)
            .map(|n| {
                let body = serde_json::to_vec(&repos.payload(n)).expect("JSON");
                (delivery_id(), body)
            })
            .collect();
        let (server, tally) = (server.subscribe(), tally.clone());
        senders.spawn(send(deliveries, server, tally));
    }
    senders
}

async fn send(
    deliveries: Vec<(String, Vec<u8>)>,
    mut server: watch::Receiver<Whereabouts>,
    tally: Arc<Tally>,
) {
    let http = Http::new();
    for (id, body) in deliveries {
        loop {
            let (generation, base) = {
                let up = server
                    .wait_for(|(_, base)| base.is_some())
                    .await
                    .expect("the test knows where the server is");
                (up.0, up.1.clone().expect("the server is up"))
            };
            match http
                .try_deliver_body(&base, SECRET, "pull_request", &id, &body)
                .await
            {
                Ok((202, _)) => {
                    tally.accepted.fetch_add(1, Ordering::SeqCst);
                    break;
                }
                Ok((200, answer)) if answer == "already received" => {
                    tally.recorded_unanswered.fetch_add(1, Ordering::SeqCst);
                    break;
                }
                Ok((status, answer)) => panic!("delivery {id}: {status} {answer}"),
                Err(_) => {
                    tally.unanswered.fetch_add(1, Ordering::SeqCst);
                    // Sent again once the server is back, or after a while should it
                    // have been up all along.
                    let restarted = server.wait_for(|(now, _)| *now != generation);
                    let _ = tokio::time::timeout(Duration::from_secs(2), restarted).await;
                }
            }
        }
    }
}

async fn join(mut senders: JoinSet<()>) {
    while let Some(sent) = senders.join_next().await {
        sent.expect("a sender");
    }
}

/// Polls `done` until it holds, or panics after [`PATIENCE`] saying what was awaited.
async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Every process's runs, once the last one, still running, has logged the end of each of
/// its runs (the log line follows the database's record of the outcome).
async fn logged_runs(processes: &[Binary]) -> Vec<Run> {
    let last = processes.len() - 1;
    wait_until("the last process logs the end of every run", || {
        runs(last, &processes[last].log())
            .iter()
            .all(|run| run.finished.is_some())
    })
    .await;
    processes
        .iter()
        .enumerate()
        .flat_map(|(i, process)| runs(i, &process.log()))
        .collect()
}

/// Every delivery's job ran to its end once. Jobs are only ever removed by a run that
/// ended well, after it logged its start, and the queue is empty: so every job shows up in
/// some run, and ended in one. Only a kill between the database's record of a run's end and
/// the log line saying so leaves that run unlogged. Returns how many runs there were.
fn assert_every_job_ran_to_its_end_once(all: &[Run]) -> usize {
    let started: BTreeSet<i64> = all.iter().flat_map(|run| run.jobs.clone()).collect();
    assert_eq!(started.len(), DELIVERIES, "one job per delivery recorded");
    let ended_well: Vec<i64> = all
        .iter()
        .filter(|run| run.finished.is_some() && !run.failed)
        .flat_map(|run| run.jobs.clone())
        .collect();
    let distinct: BTreeSet<i64> = ended_well.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        ended_well.len(),
        "a job ran to its end twice"
    );
    let cut: BTreeSet<i64> = all
        .iter()
        .filter(|run| run.finished.is_none())
        .flat_map(|run| run.jobs.clone())
        .collect();
    let unlogged: Vec<&i64> = started.difference(&distinct).collect();
    assert!(
        unlogged.iter().all(|job| cut.contains(job)),
        "jobs that never ran to their end: {unlogged:?}"
    );
    all.len()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("unknown".to_owned(), |kib| {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_through_three_sigkills_runs_every_delivery_and_writes_each_effect_once() {
    let started = Instant::now();
    let mut rng = SplitMix64(seed("kill"));
    let mut kill_points: Vec<usize> = Vec::new();
    while kill_points.len() < KILLS {
        let point = rng.within(DELIVERIES / 10..DELIVERIES * 9 / 10);
        if !kill_points.contains(&point) {
            kill_points.push(point);
        }
    }
    kill_points.sort_unstable();

    let gh = FakeGitHub::start().await;
    let repos = Repositories::open(&gh, REPOS);
    // Slow enough that reconciles are under way when the kills come.
    gh.set_latency(Duration::from_millis(5));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut processes = vec![serve(dir.path(), &gh, &[])];
    let (server, _) = watch::channel((0, Some(processes[0].url(""))));
    let tally = Arc::new(Tally::default());
    let senders = send_burst(&repos, &server, &tally);

    let mut cut_short = Vec::new();
    for &point in &kill_points {
        wait_until("the deliveries before the kill are answered", || {
            tally.answered() >= point
        })
        .await;
        let current = processes.len() - 1;
        wait_until("a reconcile under way", || {
            runs(current, &processes[current].log())
                .iter()
                .any(|run| run.finished.is_none())
        })
        .await;
        processes[current].kill();
        server.send_replace((current + 1, None));
        let cut = runs(current, &processes[current].log())
            .iter()
            .filter(|run| run.finished.is_none())
            .count();
        cut_short.push(cut);
        let restarted = tokio::task::block_in_place(|| serve(dir.path(), &gh, &[]));
        server.send_replace((current + 1, Some(restarted.url(""))));
        processes.push(restarted);
    }
    join(senders).await;
    settle(&sqlite_url(dir.path()), PATIENCE).await;

    let all = logged_runs(&processes).await;
    assert!(all.iter().all(|run| !run.failed), "no reconcile failed");
    let reconciles = assert_every_job_ran_to_its_end_once(&all);
    repos.assert_effects_once(&gh);
    let accepted = tally.accepted.load(Ordering::SeqCst);
    let recorded_unanswered = tally.recorded_unanswered.load(Ordering::SeqCst);
    assert_eq!(accepted + recorded_unanswered, DELIVERIES);
    eprintln!(
        "kill: {DELIVERIES} deliveries for {REPOS} repositories; SIGKILL after {kill_points:?} \
         answers, cutting {cut_short:?} reconciles short; {accepted} answered 202, \
         {recorded_unanswered} recorded but unanswered when the server died (200 on \
         redelivery), {} sends unanswered and sent again; {reconciles} reconciles, {} GitHub \
         requests; last server's RSS {}; {:.1} s",
        tally.unanswered.load(Ordering::SeqCst),
        gh.requests().len(),
        mib(processes[KILLS].resident_kib()),
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_while_github_fails_30_percent_of_requests_writes_each_effect_once() {
    let started = Instant::now();
    let seed = seed("github failures");
    let gh = FakeGitHub::start().await;
    let repos = Repositories::open(&gh, REPOS);
    gh.set_latency(Duration::from_millis(5));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let process = [serve(dir.path(), &gh, &[])];
    gh.fail_randomly(
        "/**",
        30,
        &[
            Failure::Status(502),
            Failure::SecondaryRateLimit {
                retry_after_secs: 1,
            },
        ],
        seed,
    );
    let (server, _) = watch::channel((0, Some(process[0].url(""))));
    let tally = Arc::new(Tally::default());
    join(send_burst(&repos, &server, &tally)).await;
    // The failures last until every repository's first reconcile has begun under them, or
    // the queue tries a failed job again, whichever comes first: so that a job fails at most
    // once or twice and the test stays short, for all the queue's backoff.
    wait_until("every repository's first reconcile, or a retry", || {
        let runs = runs(0, &process[0].log());
        let repos: BTreeSet<&str> = runs.iter().map(|run| run.repo.as_str()).collect();
        let mut jobs = BTreeSet::new();
        let retried = runs
            .iter()
            .flat_map(|run| &run.jobs)
            .any(|job| !jobs.insert(job));
        repos.len() == REPOS || retried
    })
    .await;
    let failed_requests = gh.stop_failing_randomly();
    let failing_for = started.elapsed();
    let requests_while_failing = gh.requests().len();
    settle(&sqlite_url(dir.path()), PATIENCE).await;

    let all = logged_runs(&process).await;
    let reconciles = assert_every_job_ran_to_its_end_once(&all);
    repos.assert_effects_once(&gh);
    assert_eq!(tally.accepted.load(Ordering::SeqCst), DELIVERIES);
    assert_eq!(tally.unanswered.load(Ordering::SeqCst), 0);
    assert!(failed_requests > 0, "GitHub failed some requests");
    eprintln!(
        "github failures: {DELIVERIES} deliveries for {REPOS} repositories, all answered 202; \
         GitHub failed {failed_requests} of the first {requests_while_failing} requests, in \
         {:.1} s, with 502 or a secondary rate limit; {reconciles} reconciles, {} of them failed and were \
         tried again; {} GitHub requests in all; server's RSS {}; {:.1} s",
        failing_for.as_secs_f64(),
        all.iter().filter(|run| run.failed).count(),
        gh.requests().len(),
        mib(process[0].resident_kib()),
        started.elapsed().as_secs_f64()
    );
}
