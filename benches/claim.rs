//! The PostgreSQL store's claim with a long queue: 1,000, 100,000 and 1,000,000 queued jobs
//! over 10 and 10,000 repositories, filled by bulk SQL in a schema of its own (dropped
//! after). For each: the time of a claim that finds work, of a claim that finds nothing due
//! (every repository's oldest job backing off: what an idle App does once a second), and of
//! `next_due`. Uses `SWITCHYARD_TEST_DATABASE_URL` (by default
//! `postgres://root@127.0.0.1/test`) and skips with a note when the server does not answer.
//!
//! cargo bench --bench claim                 # every size
//! cargo bench --bench claim -- 1000 100000  # these numbers of queued jobs only

use std::time::{Duration, Instant};
use switchyard::store::{PostgresStore, Store};

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
    for &jobs in &jobs {
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
                    .retry_at(&claim.job_ids, later, "benchmark")
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
