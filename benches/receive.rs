//! Signed deliveries over loopback to running servers at concurrency 64, with durable
//! persistence on: a SQLite file (synchronous=FULL), then PostgreSQL with one instance and
//! with two instances sharing the database (deliveries sent to them in turn). Accepted
//! deliveries per second and the time to answer. Workers are idle so the numbers are the
//! receivers' alone. The PostgreSQL runs use `SWITCHYARD_TEST_DATABASE_URL` (by default
//! `postgres://root@127.0.0.1/test`), each in a schema of its own, and are skipped with a
//! note when the server does not answer.
//!
//! cargo bench --bench receive

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use switchyard::github::{AppCredentials, RetrySettings};
use switchyard::queue::QueueSettings;
use switchyard::recovery::RecoverySettings;
use switchyard::service::{self, ServerSettings};
use switchyard::webhook::WebhookSecrets;

const CONCURRENCY: usize = 64;
const DELIVERIES: u64 = 30_000;
const SECRET: &str = "bench-secret";

fn payload(n: u64) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "action": "synchronize",
        "number": n % 500 + 1,
        "pull_request": { "number": n % 500 + 1, "head": { "sha": format!("{n:040x}"), "ref": "parallel-dev/agent-1" } },
        "repository": { "full_name": format!("octo/repo-{}", n % 50), "default_branch": "main" },
        "installation": { "id": 1 },
        "sender": { "login": "octocat", "type": "User" }
    }))
    .expect("JSON")
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    measure("SQLite file with synchronous=FULL, one instance", &[sqlite]).await;

    let base = std::env::var("SWITCHYARD_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1/test".to_owned());
    for instances in [1, 2] {
        let schema = format!("bench_receive_{}_{instances}", std::process::id());
        if let Err(e) = execute(&base, &format!("CREATE SCHEMA {schema}")).await {
            println!("receive: PostgreSQL skipped: needs PostgreSQL at {base} ({e})");
            return;
        }
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        let urls = vec![url; instances];
        let label = match instances {
            1 => "PostgreSQL, one instance".to_owned(),
            n => format!("PostgreSQL, {n} instances on one database"),
        };
        measure(&label, &urls).await;
        if let Err(e) = execute(&base, &format!("DROP SCHEMA {schema} CASCADE")).await {
            println!("  (could not drop schema {schema}: {e})");
        }
    }
}

/// One batch of SQL on a connection of its own.
async fn execute(url: &str, sql: &str) -> Result<(), String> {
    let connect = tokio_postgres::connect(url, tokio_postgres::NoTls);
    let (client, connection) = tokio::time::timeout(Duration::from_secs(5), connect)
        .await
        .map_err(|_| "no answer within 5 s".to_owned())?
        .map_err(|e| e.to_string())?;
    let connection = tokio::spawn(connection);
    let done = client.batch_execute(sql).await.map_err(|e| {
        e.as_db_error()
            .map_or_else(|| e.to_string(), |db| db.to_string())
    });
    drop(client);
    let _ = connection.await;
    done
}

/// Starts one server per database URL and sends them the deliveries in turn.
async fn measure(label: &str, database_urls: &[String]) {
    let mut servers = Vec::new();
    for database_url in database_urls {
        let settings = ServerSettings {
            listen: "127.0.0.1:0".parse().expect("an address"),
            credentials: AppCredentials {
                app_id: 1,
                private_key_pem: fake_github::TEST_PRIVATE_KEY_PEM.to_owned(),
            },
            secrets: WebhookSecrets::parse(SECRET).expect("a secret"),
            api_url: "http://127.0.0.1:9".into(),
            database_url: database_url.clone(),
            queue: QueueSettings {
                max_parallel: 0,
                ..QueueSettings::default()
            },
            retry: RetrySettings::default(),
            recovery: RecoverySettings::off(),
        };
        servers.push(service::start(settings).await.expect("the App starts"));
    }
    let urls: Arc<Vec<String>> = Arc::new(
        servers
            .iter()
            .map(|running| format!("http://{}/webhook", running.addr))
            .collect(),
    );
    let secrets = WebhookSecrets::parse(SECRET).expect("a secret");
    let bodies: Arc<Vec<(Bytes, String)>> = Arc::new(
        (0..DELIVERIES)
            .map(|n| {
                let body = payload(n);
                let signature = secrets.sign(&body);
                (Bytes::from(body), signature)
            })
            .collect(),
    );
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(CONCURRENCY)
        .build_http::<Full<Bytes>>();
    let next = Arc::new(AtomicU64::new(0));
    let accepted = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, urls, bodies, next, accepted) = (
            client.clone(),
            urls.clone(),
            bodies.clone(),
            next.clone(),
            accepted.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= DELIVERIES {
                    return latencies;
                }
                let (body, signature) = &bodies[n as usize];
                let request = http::Request::post(&urls[n as usize % urls.len()])
                    .header("x-github-event", "pull_request")
                    .header("x-github-delivery", format!("bench-{n}"))
                    .header("x-hub-signature-256", signature)
                    .header("content-type", "application/json")
                    .body(Full::new(body.clone()))
                    .expect("a request");
                let sent = Instant::now();
                let response = client.request(request).await.expect("the server answers");
                latencies.push(sent.elapsed());
                if response.status() == 202 {
                    accepted.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a sender"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let store = servers[0].store.clone();
    let queued = tokio::task::spawn_blocking(move || store.job_counts())
        .await
        .expect("a count")
        .expect("counts")
        .queued;
    println!("receive: {DELIVERIES} signed deliveries, concurrency {CONCURRENCY}, {label}");
    println!(
        "  accepted {} ({} jobs on disk) in {:.2} s: {:.0} deliveries/s",
        accepted.load(Ordering::Relaxed),
        queued,
        elapsed.as_secs_f64(),
        accepted.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  time to answer: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pick(0.50).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    for running in servers {
        running.kill();
    }
}
