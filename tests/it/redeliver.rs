//! What GitHub could not deliver is recovered: GitHub logs each failed delivery (the App down,
//! a proxy answering 502) and never sends it again by itself; once the App runs, it walks that
//! log and asks GitHub for every event it handles that it has not recorded, each once.

use crate::database::Schema;
use crate::support::{
    APP_ID, Harness, Http, INSTALLATION, REPO, SECRET, pull_request_payload, settings,
};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use fake_github::{FakeGitHub, HookDelivery, PrSpec, TEST_PRIVATE_KEY_PEM};
use serde_json::json;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchyard::github::{AppCredentials, GitHubApp, RetrySettings};
use switchyard::recovery::{Recovery, RecoverySettings, Turn, WalkReport};
use switchyard::redeliver::HookDeliveryId;
use switchyard::service::{self, Running};
use switchyard::store::{self, StoreLedger};

/// Recovery as the tests run it: a walk at start-up, the next only when a test asks; two
/// entries a page, so that walks cross pages; no pause between redeliveries.
fn recovery_on() -> RecoverySettings {
    RecoverySettings {
        interval: Duration::from_secs(3600),
        per_page: 2,
        spacing: Duration::ZERO,
    }
}

/// What stands in front of the App, as a load balancer would.
#[derive(Clone)]
enum Front {
    /// The App is gone from behind it: 502.
    BadGateway,
    /// Passes the delivery to the App, which records it, then answers 504 as if the App's
    /// answer came too late: GitHub logs a failure for a delivery the App has.
    Lose(SocketAddr),
}

struct FrontDoor {
    url: String,
    mode: Arc<Mutex<Front>>,
}

impl FrontDoor {
    async fn start(mode: Front) -> Self {
        let mode = Arc::new(Mutex::new(mode));
        let app = axum::Router::new().fallback(front).with_state(mode.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the front door");
        let url = format!(
            "http://{}/webhook",
            listener.local_addr().expect("its address")
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, mode }
    }

    fn set(&self, mode: Front) {
        *self.mode.lock().expect("the mode") = mode;
    }
}

async fn front(
    State(mode): State<Arc<Mutex<Front>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mode = mode.lock().expect("the mode").clone();
    match mode {
        Front::BadGateway => StatusCode::BAD_GATEWAY,
        Front::Lose(app) => {
            let passed: Vec<(&str, String)> = [
                "x-github-event",
                "x-github-delivery",
                "x-hub-signature-256",
                "content-type",
            ]
            .into_iter()
            .filter_map(|name| Some((name, headers.get(name)?.to_str().ok()?.to_owned())))
            .collect();
            let url = format!("http://{app}/webhook");
            let answer = Http::new()
                .try_send("POST", &url, &passed, body.to_vec())
                .await;
            assert_eq!(
                answer.map(|(status, _)| status),
                Ok(202),
                "the App records it"
            );
            StatusCode::GATEWAY_TIMEOUT
        }
    }
}

fn webhook_at(addr: SocketAddr) -> String {
    format!("http://{addr}/webhook")
}

/// Opens a lane PR on the fake without telling the App.
fn lane_pr(gh: &FakeGitHub, lane: &str) -> u64 {
    gh.open_pr(
        REPO,
        PrSpec {
            files: vec![fake_github::FileChange::modified(format!("src/{lane}.rs"))],
            ..PrSpec::new(format!("parallel-dev/{lane}"), "")
        },
    )
}

fn pr_event(gh: &FakeGitHub, action: &str, number: u64) -> serde_json::Value {
    let head = gh
        .issue(REPO, number)
        .pull_request
        .expect("a pull request")
        .head_sha;
    pull_request_payload(action, REPO, number, &head)
}

/// The redeliveries GitHub made, by guid: the status of each.
fn redeliveries(gh: &FakeGitHub) -> BTreeMap<String, Vec<u16>> {
    let mut by_guid: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    for attempt in gh.hook_deliveries().into_iter().filter(|a| a.redelivery) {
        by_guid
            .entry(attempt.guid)
            .or_default()
            .push(attempt.status_code);
    }
    by_guid
}

/// Waits until GitHub has redelivered `count` events, or panics after 20 s.
async fn until_redelivered(gh: &FakeGitHub, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while redeliveries(gh).len() < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "GitHub redelivered {:?}",
            redeliveries(gh)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A metric's value in the App's `/metrics` text, if it is there.
fn metric(running: &Running, name: &str) -> Option<f64> {
    running
        .metrics
        .render()
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// A walker of its own over the running App's store, for a test to walk when it likes.
fn walker(gh: &FakeGitHub, running: &Running) -> Recovery {
    let app = GitHubApp::new(
        &AppCredentials {
            app_id: APP_ID,
            private_key_pem: TEST_PRIVATE_KEY_PEM.to_owned(),
        },
        gh.url(),
        running.metrics.clone(),
        RetrySettings::default(),
        Arc::new(StoreLedger(running.store.clone())),
    )
    .expect("the App's client");
    Recovery::new(
        Arc::new(app),
        running.store.clone(),
        running.metrics.clone(),
        recovery_on(),
    )
}

async fn walk(recovery: &Recovery) -> WalkReport {
    recovery
        .walk(Turn::Now)
        .await
        .expect("the walk goes through")
        .expect("the turn is free")
}

/// Older than the checkpoint's margin for attempts GitHub may still be logging.
const SETTLED: Duration = Duration::from_secs(600);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_github_could_not_deliver_while_the_app_was_down_is_worked_on_once_when_it_starts() {
    let mut h = Harness::start().await;
    let gh = &h.gh;
    let prs = [
        lane_pr(gh, "agent-1"),
        lane_pr(gh, "agent-2"),
        lane_pr(gh, "agent-3"),
    ];
    let addr = h.app().addr;

    // The App records a delivery whose answer is lost on the way back: GitHub logs a 504.
    let door = FrontDoor::start(Front::Lose(addr)).await;
    gh.set_webhook(&door.url, SECRET);
    let lost = gh
        .send_webhook("pull_request", &pr_event(gh, "edited", prs[0]))
        .await;
    assert_eq!(lost.status_code, 504);

    // The App goes down: deliveries to it are refused.
    h.app.take().expect("the App").stop().await;
    let gh = &h.gh;
    gh.set_webhook(&webhook_at(addr), SECRET);
    let mut failed: Vec<HookDelivery> = Vec::new();
    for number in prs {
        failed.push(
            gh.send_webhook("pull_request", &pr_event(gh, "opened", number))
                .await,
        );
    }
    let ignored = [
        gh.send_webhook("pull_request", &pr_event(gh, "labeled", prs[0]))
            .await,
        gh.send_webhook("star", &json!({ "action": "created" }))
            .await,
    ];
    // Then a proxy in front of it answers 502.
    door.set(Front::BadGateway);
    gh.set_webhook(&door.url, SECRET);
    for number in &prs[1..] {
        failed.push(
            gh.send_webhook("pull_request", &pr_event(gh, "edited", *number))
                .await,
        );
    }
    let statuses: Vec<u16> = failed.iter().map(|a| a.status_code).collect();
    assert_eq!(statuses, [0, 0, 0, 502, 502], "{failed:?}");
    assert!(ignored.iter().all(|a| a.status_code == 0));

    // The App starts again where GitHub delivers, and walks GitHub's log at once.
    gh.set_webhook(&webhook_at(addr), SECRET);
    let mut restarted = settings(gh.url(), h.database_url());
    restarted.listen = addr;
    restarted.recovery = recovery_on();
    h.start_with(restarted).await;
    until_redelivered(&h.gh, failed.len()).await;
    h.settle().await;

    let gh = &h.gh;
    let expected: BTreeMap<String, Vec<u16>> = failed
        .iter()
        .map(|attempt| (attempt.guid.clone(), vec![202]))
        .collect();
    assert_eq!(
        redeliveries(gh),
        expected,
        "each failed delivery of a handled event redelivered once and accepted; not the one \
         the App recorded, nor the events it ignores"
    );
    assert_eq!(
        gh.count("POST /app/hook/deliveries/*/attempts"),
        failed.len()
    );
    let app = h.app();
    assert_eq!(
        metric(
            app,
            r#"switchyard_webhook_deliveries_total{event="pull_request",outcome="queued"}"#
        ),
        Some(failed.len() as f64),
        "each worked on once"
    );
    assert_eq!(
        metric(
            app,
            r#"switchyard_webhook_deliveries_total{event="pull_request",outcome="duplicate"}"#
        ),
        None
    );
    assert_eq!(
        metric(app, "switchyard_deliveries_recovered_total"),
        Some(5.0)
    );
    assert_eq!(metric(app, "switchyard_delivery_gap_seconds"), Some(0.0));
    for number in prs {
        let head = h.head(number);
        let runs = gh.check_runs(REPO, &head);
        assert_eq!(
            runs.iter().filter(|run| run.name == "Merge order").count(),
            1,
            "#{number}: {runs:?}"
        );
    }

    // The next walks: the first sees the redeliveries and moves the checkpoint to the newest
    // settled attempt; the one after stops there, on its first page.
    gh.age_hook_deliveries(SETTLED);
    let recovery = walker(gh, app);
    let settles = walk(&recovery).await;
    let newest = gh.hook_deliveries().iter().map(|a| a.id).max();
    assert_eq!(
        (settles.recovered, settles.checkpoint),
        (0, newest.map(HookDeliveryId))
    );
    let stops = walk(&recovery).await;
    assert_eq!((stops.pages, stops.attempts, stops.recovered), (1, 0, 0));

    // Two more fail behind the proxy: a walk reads back to the checkpoint and no further.
    gh.set_webhook(&door.url, SECRET);
    let more = [
        gh.send_webhook("pull_request", &pr_event(gh, "reopened", prs[1]))
            .await,
        gh.send_webhook("pull_request", &pr_event(gh, "reopened", prs[2]))
            .await,
    ];
    assert!(more.iter().all(|a| a.status_code == 502));
    gh.set_webhook(&webhook_at(addr), SECRET);
    let requests_before = gh.count("GET /app/hook/deliveries");
    let again = walk(&recovery).await;
    assert_eq!(
        (
            again.pages,
            again.attempts,
            again.recovered,
            again.oldest_gap_secs
        ),
        (2, 2, 2, 0),
        "the new page, and the first entry of the next at the checkpoint"
    );
    assert_eq!(gh.count("GET /app/hook/deliveries") - requests_before, 2);
    h.settle().await;
    assert_eq!(
        metric(h.app(), "switchyard_deliveries_recovered_total"),
        Some(7.0)
    );
    assert_eq!(redeliveries(&h.gh).len(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_that_fails_while_the_app_runs_is_recovered_at_the_next_walk() {
    let mut h = Harness::start().await;
    let number = lane_pr(&h.gh, "agent-1");
    let addr = h.app().addr;
    h.app.take().expect("the App").stop().await;
    let mut every_second = settings(h.gh.url(), h.database_url());
    every_second.listen = addr;
    every_second.recovery = RecoverySettings {
        interval: Duration::from_secs(1),
        ..recovery_on()
    };
    h.start_with(every_second).await;
    let door = FrontDoor::start(Front::BadGateway).await;
    h.gh.set_webhook(&door.url, SECRET);
    let failed =
        h.gh.send_webhook("pull_request", &pr_event(&h.gh, "opened", number))
            .await;
    assert_eq!(failed.status_code, 502);
    h.gh.set_webhook(&webhook_at(addr), SECRET);
    until_redelivered(&h.gh, 1).await;
    h.settle().await;
    assert_eq!(redeliveries(&h.gh)[&failed.guid], [202]);
    assert_eq!(h.merge_order_run(number).name, "Merge order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgresql_ask_for_each_missing_delivery_once() {
    let Some(schema) = Schema::create() else {
        return;
    };
    let gh = FakeGitHub::start().await;
    gh.set_app_id(APP_ID);
    gh.install(INSTALLATION, REPO);
    let prs = [lane_pr(&gh, "agent-1"), lane_pr(&gh, "agent-2")];
    let door = FrontDoor::start(Front::BadGateway).await;
    gh.set_webhook(&door.url, SECRET);
    let mut failed = Vec::new();
    for number in prs {
        for action in ["opened", "edited"] {
            failed.push(
                gh.send_webhook("pull_request", &pr_event(&gh, action, number))
                    .await,
            );
        }
    }
    assert!(failed.iter().all(|a| a.status_code == 502));

    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let first_addr = port.local_addr().expect("its address");
    drop(port);
    gh.set_webhook(&webhook_at(first_addr), SECRET);
    let instance = |listen: SocketAddr| {
        let mut instance = settings(gh.url(), schema.url.clone());
        instance.listen = listen;
        instance.recovery = recovery_on();
        instance
    };
    let (first, second) = tokio::join!(
        service::start(instance(first_addr)),
        service::start(instance("127.0.0.1:0".parse().expect("an address"))),
    );
    let instances = [
        first.expect("one starts"),
        second.expect("the other starts"),
    ];
    until_redelivered(&gh, failed.len()).await;
    for running in &instances {
        settle_store(running).await;
    }
    // Time for a second walk to show itself, were there one.
    tokio::time::sleep(Duration::from_millis(500)).await;

    assert_eq!(
        gh.count("POST /app/hook/deliveries/*/attempts"),
        failed.len()
    );
    assert!(
        redeliveries(&gh)
            .values()
            .all(|statuses| statuses == &[202])
    );
    let recovered: f64 = instances
        .iter()
        .filter_map(|running| metric(running, "switchyard_deliveries_recovered_total"))
        .sum();
    assert_eq!(recovered, failed.len() as f64);
    for running in instances {
        running.stop().await;
    }
}

/// Waits until the store holds no queued or running job, or panics after 20 s.
async fn settle_store(running: &Running) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let counts = running.store.job_counts().expect("the store answers");
        if counts.queued == 0 && counts.running == 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{counts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn the_turn_to_walk_is_one_instances_at_a_time_on_postgresql_and_always_free_on_sqlite() {
    let Some(schema) = Schema::create() else {
        return;
    };
    let shared = store::open(&schema.url).expect("PostgreSQL opens");
    let t = 1_000;
    let taken = shared.begin_recovery("a", t, t + 60, None).unwrap();
    assert_eq!(
        taken.map(|turn| turn.checkpoint),
        Some(None),
        "a first walk"
    );
    assert_eq!(
        shared.begin_recovery("b", t + 1, t + 61, None).unwrap(),
        None
    );
    assert!(!shared.end_recovery("b", Some(HookDeliveryId(9))).unwrap());
    assert!(shared.end_recovery("a", Some(HookDeliveryId(42))).unwrap());
    assert_eq!(
        shared
            .begin_recovery("b", t + 2, t + 62, Some(t - 1))
            .unwrap(),
        None,
        "a walk began within the interval"
    );
    let b = shared.begin_recovery("b", t + 3, t + 63, Some(t)).unwrap();
    assert_eq!(b.and_then(|turn| turn.checkpoint), Some(HookDeliveryId(42)));
    // b dies holding the turn; once it runs out, a takes it and b's end keeps nothing.
    assert_eq!(
        shared.begin_recovery("a", t + 62, t + 120, None).unwrap(),
        None
    );
    assert!(
        shared
            .begin_recovery("a", t + 63, t + 120, None)
            .unwrap()
            .is_some()
    );
    assert!(!shared.end_recovery("b", Some(HookDeliveryId(50))).unwrap());
    assert!(shared.end_recovery("a", None).unwrap());
    let kept = shared.begin_recovery("c", t + 64, t + 124, None).unwrap();
    assert_eq!(
        kept.and_then(|turn| turn.checkpoint),
        Some(HookDeliveryId(42))
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    let single = store::open(&crate::support::sqlite_url(dir.path())).expect("SQLite opens");
    assert!(
        single
            .begin_recovery("a", t, t + 60, None)
            .unwrap()
            .is_some()
    );
    assert!(
        single
            .begin_recovery("b", t + 1, t + 61, None)
            .unwrap()
            .is_some(),
        "one instance on SQLite: a turn left by a process that died is free"
    );
    assert!(single.end_recovery("b", Some(HookDeliveryId(7))).unwrap());
    let recorded = single
        .recorded_deliveries(&[switchyard::redeliver::DeliveryGuid("x".into())])
        .unwrap();
    assert!(recorded.is_empty());
}
