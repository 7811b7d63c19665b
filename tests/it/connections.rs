//! Clients that hold connections open or send their bodies slowly, as an attacker (or a broken
//! proxy) would: deliveries still get through, memory stays bounded, and SIGTERM still ends
//! the process within its grace period.

use crate::support::{Binary, Harness, Http, REPO, SECRET, pull_request_payload, sqlite_url};
use fake_github::PrSpec;
use serde_json::json;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn app_env(database_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GITHUB_APP_ID", "42".into()),
        (
            "GITHUB_PRIVATE_KEY",
            fake_github::TEST_PRIVATE_KEY_PEM.into(),
        ),
        ("GITHUB_WEBHOOK_SECRET", SECRET.into()),
        ("GITHUB_API_URL", "http://127.0.0.1:9".into()),
        ("DATABASE_URL", database_url.into()),
    ]
}

fn as_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn connect(binary: &Binary, patience: Duration) -> Option<TcpStream> {
    let addr = binary.url("").trim_start_matches("http://").parse().ok()?;
    TcpStream::connect_timeout(&addr, patience).ok()
}

#[test]
fn sigterm_ends_the_process_though_a_client_holds_a_half_sent_request() {
    let dir = tempfile::tempdir().unwrap();
    let env = app_env(&sqlite_url(dir.path()));
    let mut binary = Binary::spawn(dir.path(), &as_refs(&env));
    let mut half_sent = connect(&binary, Duration::from_secs(5)).expect("a connection");
    half_sent
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"zen\"")
        .unwrap();
    let mut no_head = connect(&binary, Duration::from_secs(5)).expect("a connection");
    no_head.write_all(b"POST /webhook HTTP/1.1\r\nHo").unwrap();
    let started = Instant::now();
    assert_eq!(binary.stop(), Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no job runs, so only the connections' deadline counts: {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_connections_and_stalled_bodies_leave_room_for_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    let env = app_env(&sqlite_url(dir.path()));
    let binary = Binary::spawn_with_open_files(dir.path(), &as_refs(&env), 1024);
    let base = binary.url("");

    // Twice the open-file limit in connections that never send a request (a connect the
    // server is too busy to accept within a second is given up, as an attacker's would be).
    let idle: Vec<TcpStream> = (0..2_000)
        .filter_map(|_| connect(&binary, Duration::from_secs(1)))
        .collect();
    // Bodies announced as 24 MB, of which up to 1 MB arrives, then nothing. The server may
    // refuse one it has no room for before all of it is sent: that is its defence.
    let stalled: Vec<TcpStream> = (0..40)
        .filter_map(|_| {
            let mut stream = connect(&binary, Duration::from_secs(10))?;
            let head = format!(
                "POST /webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: ping\r\n\
                 X-GitHub-Delivery: stalled\r\nContent-Length: {}\r\n\r\n",
                24 * 1024 * 1024
            );
            let _ = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(&vec![b' '; 1024 * 1024]));
            Some(stream)
        })
        .collect();
    assert!(idle.len() > 1_000, "{} idle connections opened", idle.len());
    assert_eq!(stalled.len(), 40);

    let http = Http::new();
    for n in 0..20 {
        let sent = Instant::now();
        let answer = tokio::time::timeout(
            Duration::from_secs(10),
            http.deliver(&base, SECRET, "ping", &json!({ "zen": n, "hook_id": 1 })),
        )
        .await
        .unwrap_or_else(|_| panic!("delivery {n}: no answer within GitHub's 10 seconds"));
        assert_eq!(
            answer.0,
            200,
            "delivery {n}: {answer:?} after {:?}",
            sent.elapsed()
        );
    }
    let resident = binary.resident_kib().expect("the process's memory");
    assert!(resident < 100 * 1024, "resident: {resident} KiB");
    drop((idle, stalled));
}

#[tokio::test]
async fn deliveries_are_still_taken_while_running_jobs_finish() {
    let h = Harness::start().await;
    // Every call to GitHub is slow, so the first reconcile is still running at the signal.
    h.gh.set_latency(Duration::from_millis(300));
    let first = h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = h.app().shutdown_handle().send(true);
    let second = h.gh.open_pr(REPO, PrSpec::new("parallel-dev/agent-2", ""));
    let (status, answer) = h
        .deliver(
            "pull_request",
            &pull_request_payload("opened", REPO, second, &h.head(second)),
        )
        .await;
    assert_eq!(
        status, 202,
        "{answer}: recorded, to be worked on after the restart"
    );
    assert!(first < second);
}
