//! The queue's costs with a long backlog.
//!
//! First the PostgreSQL store's claim: 1,000, 100,000 and 1,000,000 queued jobs over 10 and
//! 10,000 repositories, filled by bulk SQL in a schema of its own (dropped after). For each:
//! the time of a claim that finds work, of a claim that finds nothing due (every
//! repository's oldest job backing off: what an idle instance does now and then), and of
//! `next_due`. Uses `SWITCHYARD_TEST_DATABASE_URL` (by default
//! `postgres://root@127.0.0.1/test`) and skips with a note when the server does not answer.
//!
//! Then an idle App on SQLite: the queue's dispatcher running for a minute
//! (`SWITCHYARD_BENCH_IDLE_SECS`) over 100,000 queued jobs in 1,000 repositories whose
//! oldest jobs back off for an hour, and the CPU time the process spent meanwhile.
//!
//! cargo bench --bench claim                 # every size
//! cargo bench --bench claim -- 1000 100000  # these numbers of queued jobs only

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use switchyard::ids::InstallationId;
use switchyard::jobs::{ClaimedJobs, JobRequest, Trigger};
use switchyard::metrics::Metrics;
use switchyard::queue::{JobError, Queue, QueueSettings, Reconcile};
use switchyard::store::{PostgresStore, SharedStore, SqliteStore, Store};

const JOBS: [i64; 3] = [1_000, 100_000, 1_000_000];
const REPOS: [i64; 2] = [10, 10_000];
/// Calls timed per measurement; with 10 repositories, one claim of each.
const CALLS: usize = 10;

fn main() {
    let jobs: Vec<i64> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .map(|arg| arg.parse().expect("a number of queued jobs"))
        .collect();
    let jobs = if jobs.is_empty() { JOBS.to_vec() } else { jobs };
    claims(&jobs);
    idle_with_a_backlog();
}

fn claims(jobs: &[i64]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let base = std::env::var("SWITCHYARD_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1/test".to_owned());
    let client = match runtime.block_on(connect(&base)) {
        Ok(client) => client,
        Err(e) => {
            println!("claim: skipped: needs PostgreSQL at {base} ({e})");
            return;
        }
    };
    let schema = format!("bench_claim_{}", std::process::id());
    let sql = |sql: &str| {
        runtime
            .block_on(client.batch_execute(sql))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    sql(&format!(
        "CREATE SCHEMA {schema}; SET search_path TO {schema}"
    ));
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let store = PostgresStore::open(&url).expect("the PostgreSQL store opens");
    println!(
        "{:>9} {:>7} | {:>21} | {:>21} | {:>9}",
        "jobs", "repos", "claim, work due", "claim, nothing due", "next_due"
    );
    println!(
        "{:>9} {:>7} | {:>10} {:>10} | {:>10} {:>10} | {:>9}",
        "", "", "median", "max", "median", "max", "median"
    );
    for &jobs in jobs {
        for repos in REPOS {
            let now = chrono::Utc::now().timestamp();
            let later = now + 3600;
            // Each repository's first job backs off; the rest queue behind it.
            sql(&format!(
                "TRUNCATE jobs, queue_heads, leases;
                 INSERT INTO jobs (repo, installation, trigger, run_at)
                     SELECT 'bench/r' || (i % {repos}), 1, '\"refresh\"',
                            CASE WHEN i < {repos} THEN {later} ELSE 0 END
                     FROM generate_series(0, {jobs} - 1) AS i;
                 INSERT INTO queue_heads (repo, job_id, run_at)
                     SELECT DISTINCT ON (repo) repo, id, run_at FROM jobs ORDER BY repo, id;
                 ANALYZE"
            ));
            let idle = timed(|| {
                let claim = store.claim(now, now + 60).expect("a claim");
                assert!(claim.is_none(), "nothing is due");
            });
            let next_due = timed(|| {
                let due = store.next_due(now).expect("next_due");
                assert_eq!(due, Some(later));
            });
            sql(&format!(
                "UPDATE jobs SET run_at = 0 WHERE run_at = {later};
                 UPDATE queue_heads SET run_at = 0"
            ));
            let mut claimed = 0;
            let mut busy = Vec::with_capacity(CALLS);
            for _ in 0..CALLS {
                let started = Instant::now();
                let claim = store.claim(now, now + 60).expect("a claim");
                busy.push(started.elapsed());
                let claim = claim.expect("work is due");
                claimed += claim.job_ids.len();
                store
                    .retry_at(&claim.job_ids, later, 1, "benchmark")
                    .expect("retry_at");
            }
            assert!(claimed > 0);
            println!(
                "{jobs:>9} {repos:>7} | {:>10} {:>10} | {:>10} {:>10} | {:>9}",
                ms(median(&mut busy)),
                ms(max(&busy)),
                ms(median(&mut idle.clone())),
                ms(max(&idle)),
                ms(median(&mut next_due.clone())),
            );
        }
    }
    drop(store);
    sql(&format!("DROP SCHEMA {schema} CASCADE"));
}

/// Counts the reconciles the dispatcher runs, which at rest should be none.
#[derive(Default)]
struct Counted(AtomicU64);

impl Reconcile for Counted {
    fn reconcile<'a>(
        &'a self,
        _claim: &'a ClaimedJobs,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), JobError>> + Send + 'a>>
    {
        self.0.fetch_add(1, Ordering::Relaxed);
        Box::pin(async { Ok(()) })
    }
}

fn idle_with_a_backlog() {
    const JOBS: usize = 100_000;
    const REPOS: usize = 1_000;
    let seconds: u64 = std::env::var("SWITCHYARD_BENCH_IDLE_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .unwrap_or(60);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("idle.db");
    let store: SharedStore =
        Arc::new(SqliteStore::open(path.to_str().expect("a UTF-8 path")).expect("SQLite opens"));
    let now = chrono::Utc::now().timestamp();
    let jobs: Vec<JobRequest> = (0..JOBS)
        .map(|n| JobRequest {
            repo: format!("bench/r{}", n % REPOS)
                .parse()
                .expect("a repository"),
            installation: InstallationId(1),
            trigger: Trigger::Refresh,
        })
        .collect();
    // Each repository's first job runs and backs off; the rest queue up behind it.
    store.enqueue(&jobs[..REPOS], now).expect("enqueue");
    for _ in 0..REPOS {
        let claim = store.claim(now, now + 60).expect("a claim").expect("work");
        store
            .retry_at(&claim.job_ids, now + 3600, 1, "GitHub answered 502")
            .expect("retry_at");
    }
    store.enqueue(&jobs[REPOS..], now).expect("enqueue");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let reconciles = Arc::new(Counted::default());
    let queue = Queue::new(store, QueueSettings::default(), Arc::new(Metrics::new()));
    let used = runtime.block_on(async {
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        let dispatcher = tokio::spawn(queue.run(reconciles.clone(), shutdown));
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = cpu_time();
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        let used = cpu_time() - before;
        let _ = stop.send(true);
        let _ = dispatcher.await;
        used
    });
    println!(
        "idle on SQLite, {JOBS} jobs queued in {REPOS} repositories behind jobs backing off: \
         {:.0} ms of CPU in {seconds} s ({:.1} ms a minute), {} reconciles",
        used.as_secs_f64() * 1000.0,
        used.as_secs_f64() * 1000.0 * 60.0 / seconds as f64,
        reconciles.0.load(Ordering::Relaxed)
    );
}

/// The CPU time (user and system) this process has used, from `/proc/self/stat`, in the
/// kernel's clock ticks of 10 ms.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat[stat.rfind(')').expect("a command name") + 1..]
        .split_whitespace()
        .collect();
    let ticks: u64 =
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime");
    Duration::from_millis(ticks * 10)
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, String> {
    let connect = tokio_postgres::connect(url, tokio_postgres::NoTls);
    let (client, connection) = tokio::time::timeout(Duration::from_secs(5), connect)
        .await
        .map_err(|_| "no answer within 5 s".to_owned())?
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(client)
}

fn timed(mut call: impl FnMut()) -> Vec<Duration> {
    (0..CALLS)
        .map(|_| {
            let started = Instant::now();
            call();
            started.elapsed()
        })
        .collect()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn max(times: &[Duration]) -> Duration {
    times.iter().copied().max().unwrap_or_default()
}

fn ms(took: Duration) -> String {
    format!("{:.3} ms", took.as_secs_f64() * 1000.0)
}
