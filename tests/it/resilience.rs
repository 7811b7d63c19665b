//! Nothing is lost: restarts, GitHub errors, rate limits, broken config.

use crate::store::RecordBlocking;
use crate::support::{Harness, INSTALLATION, REPO, changed, pull_request_payload};
use fake_github::{Failure, PrSpec};
use std::time::Duration;

#[tokio::test]
async fn a_server_killed_with_jobs_queued_processes_each_once_after_restart() {
    let mut h = Harness::start().await;
    h.app.take().unwrap().kill();
    h.start_app_without_workers().await;
    let mut prs = vec![];
    for lane in ["agent-1", "agent-2", "agent-3"] {
        prs.push(h.open_lane_pr(lane, &["src/x.rs"]).await);
    }
    assert_eq!(h.app().store.job_counts().unwrap().queued, 3);
    h.app.take().unwrap().kill();
    h.start_app().await;
    h.settle().await;
    for pr in prs {
        assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 1, "PR {pr}");
    }
}

#[tokio::test]
async fn a_crash_after_writing_but_before_recording_never_duplicates() {
    let mut h = Harness::start().await;
    let pr = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.settle().await;
    // Lose what we recorded, as if the process died right after GitHub created the run.
    let head = h.head(pr);
    crash_before_recording_the_run(&mut h, &head).await;
    h.open_lane_pr("agent-2", &["src/y.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &head).len(), 1);
}

/// Leaves the store as a process that died right after GitHub created the "Merge order" run
/// on `head` leaves it (the sign that the create began, no record of the run), and starts the
/// App again.
async fn crash_before_recording_the_run(h: &mut Harness, head: &str) {
    let repo: switchyard::ids::RepoName = REPO.parse().unwrap();
    let key = format!("check:Merge order:{head}");
    let store = &h.app().store;
    store.forget_published(&repo, &key).unwrap();
    let sign = switchyard::store::Published {
        github_id: 0,
        digest: String::new(),
    };
    store
        .set_published(&repo, &format!("creating:{key}"), &sign)
        .unwrap();
    h.app.take().unwrap().kill();
    h.start_app().await;
}

#[tokio::test]
async fn a_crash_after_creating_an_annotated_run_but_before_recording_it_never_duplicates() {
    let mut h = Harness::start().await;
    let first = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 3, "one")])
        .await;
    h.open_pr_with("agent-2", "", vec![changed("src/app.rs", 11, 2, "two")])
        .await;
    h.settle().await;
    let head = h.head(first);
    assert_eq!(h.merge_order_run(first).annotations.len(), 1);
    crash_before_recording_the_run(&mut h, &head).await;
    h.tell_pr(first, "synchronize").await;
    h.settle().await;
    let runs = h.gh.check_runs(REPO, &head);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].annotations.len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_and_creates_are_not_repeated_blindly() {
    let h = Harness::start().await;
    h.gh.fail_next("GET /repos/*/*/pulls", Failure::Status(502), 2);
    let pr = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 1);
    assert_eq!(h.gh.pending_failures(), 0);

    // A 500 on the create: the job fails and runs again, reading before it writes.
    h.gh.fail_next("POST /repos/*/*/check-runs", Failure::Status(500), 1);
    let second = h.open_lane_pr("agent-2", &["src/y.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(second)).len(), 1);
    assert_eq!(
        h.gh.count("POST /repos/*/*/check-runs"),
        3,
        "one failed create, two real ones"
    );
}

#[tokio::test]
async fn a_secondary_rate_limit_is_waited_out() {
    let h = Harness::start().await;
    h.gh.fail_next(
        "GET /repos/*/*/pulls",
        Failure::SecondaryRateLimit {
            retry_after_secs: 1,
        },
        1,
    );
    let pr = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 1);
    let reads: Vec<_> =
        h.gh.requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path == format!("/repos/{REPO}/pulls"))
            .collect();
    assert_eq!(reads.len(), 2, "{:?}", h.gh.calls_by_endpoint());
    let waited = reads[1].at.duration_since(reads[0].at).unwrap();
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
}

#[tokio::test]
async fn a_spent_primary_rate_limit_reschedules_the_job() {
    let h = Harness::start().await;
    h.gh.fail_next(
        "GET /repos/*/*/pulls",
        Failure::PrimaryRateLimit { reset_in_secs: 2 },
        1,
    );
    let pr = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 1);
    assert_eq!(h.gh.pending_failures(), 0);
}

#[tokio::test]
async fn a_broken_config_reports_its_error_and_does_not_stop_other_repositories() {
    let h = Harness::start().await;
    h.gh.install(INSTALLATION, "octo/other");
    h.gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "coordinate: everything\ntrak: 1\n",
    );
    let broken = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    let fine =
        h.gh.open_pr("octo/other", PrSpec::new("parallel-dev/agent-1", ""));
    let head =
        h.gh.issue("octo/other", fine)
            .pull_request
            .unwrap()
            .head_sha;
    h.deliver(
        "pull_request",
        &pull_request_payload("opened", "octo/other", fine, &head),
    )
    .await;
    h.settle().await;
    assert!(h.gh.check_runs(REPO, &h.head(broken)).is_empty());
    assert_eq!(h.gh.check_runs("octo/other", &head).len(), 1);
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}

#[tokio::test]
async fn an_expired_token_is_renewed() {
    let h = Harness::start().await;
    let first = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.count("POST /app/installations/*/access_tokens"), 1);
    h.gh.expire_tokens();
    let second = h.open_lane_pr("agent-2", &["src/y.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(first)).len(), 1);
    assert_eq!(h.gh.check_runs(REPO, &h.head(second)).len(), 1);
    assert_eq!(h.gh.count("POST /app/installations/*/access_tokens"), 2);
}

#[tokio::test]
async fn a_graceful_stop_finishes_and_a_restart_keeps_going() {
    let mut h = Harness::start().await;
    h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.app.take().unwrap().stop().await;
    h.start_app().await;
    h.settle().await;
    assert_eq!(h.gh.count("POST /repos/*/*/check-runs"), 1);
}

#[tokio::test]
async fn the_periodic_sweep_queues_every_repository_with_open_work_or_never_reconciled() {
    use switchyard::ids::{InstallationId, RepoName};
    use switchyard::jobs::RepoChange;
    use switchyard::metrics::Metrics;
    use switchyard::queue::{Queue, QueueSettings};
    use switchyard::store::{Delivery, SharedStore, SqliteStore};

    let store: SharedStore = std::sync::Arc::new(SqliteStore::open(":memory:").unwrap());
    let [busy, idle, new]: [RepoName; 3] =
        ["o/busy", "o/idle", "o/new"].map(|name| name.parse().unwrap());
    let delivery = Delivery {
        id: "d".into(),
        event: "installation".into(),
        action: Some("created".into()),
        repo: None,
        received_at: 0,
    };
    let changes = [
        RepoChange::Add(busy.clone(), InstallationId(1)),
        RepoChange::Add(idle.clone(), InstallationId(1)),
        RepoChange::Add(new.clone(), InstallationId(1)),
    ];
    store.record_delivery(&delivery, &changes, &[]).unwrap();
    // Reconciled: one with open work, one without; the third never got through.
    store.set_open_work(&busy, true).unwrap();
    store.set_open_work(&idle, false).unwrap();
    let queue = Queue::new(
        store.clone(),
        QueueSettings::default(),
        std::sync::Arc::new(Metrics::new()),
    );
    assert_eq!(queue.sweep().await.unwrap(), 2);
    let mut swept = vec![];
    while let Some(claim) = store.claim(i64::MAX - 1, i64::MAX).unwrap() {
        swept.push(claim.repo);
    }
    swept.sort();
    assert_eq!(swept, [busy, new]);
}

#[tokio::test]
async fn a_github_outage_outlasting_every_old_try_is_waited_out() {
    let h = Harness::start().await;
    // Four tries a request: six reconciles in a row fail before GitHub answers again.
    h.gh.fail_next("GET /repos/*/*/pulls", Failure::Status(502), 24);
    let pr = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.pending_failures(), 0);
    assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 1);
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}

#[tokio::test]
async fn what_retrying_cannot_fix_fails_with_its_reason_in_the_metrics() {
    let h = Harness::start().await;
    h.gh.fail_next("GET /repos/*/*/pulls", Failure::Status(422), 1);
    h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    h.settle().await;
    assert_eq!(h.app().store.job_counts().unwrap().failed, 1);
    let (status, metrics) = h.request("GET", "/metrics", &[], vec![]).await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("switchyard_jobs_failed_total{reason=\"github_422\"} 1"),
        "{metrics}"
    );
}

/// Answers GitHub's rate limit `limits` times, then succeeds; keeps the tries each claim
/// had.
struct RateLimitedFor {
    limits: usize,
    tries: std::sync::Mutex<Vec<u32>>,
}

impl switchyard::queue::Reconcile for RateLimitedFor {
    fn reconcile<'a>(
        &'a self,
        claim: &'a switchyard::jobs::ClaimedJobs,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), switchyard::queue::JobError>> + Send + 'a>,
    > {
        let mut tries = self.tries.lock().unwrap();
        tries.push(claim.attempts);
        let limited = tries.len() <= self.limits;
        Box::pin(async move {
            if limited {
                return Err(switchyard::queue::JobError::RateLimited {
                    until: switchyard::queue::now(),
                    reason: "GitHub's rate limit".into(),
                });
            }
            Ok(())
        })
    }
}

#[tokio::test]
async fn waiting_for_a_rate_limit_is_no_failed_try() {
    use switchyard::ids::InstallationId;
    use switchyard::jobs::{JobRequest, Trigger};
    use switchyard::metrics::Metrics;
    use switchyard::queue::{Queue, QueueSettings};
    use switchyard::store::{SharedStore, SqliteStore};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queue.db");
    let store: SharedStore =
        std::sync::Arc::new(SqliteStore::open(path.to_str().unwrap()).unwrap());
    let job = JobRequest {
        repo: REPO.parse().unwrap(),
        installation: InstallationId(INSTALLATION),
        trigger: Trigger::Full,
    };
    store.enqueue(&[job], switchyard::queue::now()).unwrap();
    let queue = Queue::new(
        store.clone(),
        QueueSettings::default(),
        std::sync::Arc::new(Metrics::new()),
    );
    let reconciler = std::sync::Arc::new(RateLimitedFor {
        limits: 5,
        tries: Default::default(),
    });
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let mut outcomes = queue.outcomes();
    let running = tokio::spawn(queue.run(reconciler.clone(), shutdown));
    while reconciler.tries.lock().unwrap().len() < 6 || store.job_counts().unwrap().queued > 0 {
        tokio::time::timeout(Duration::from_secs(20), outcomes.changed())
            .await
            .expect("the queue goes on")
            .unwrap();
    }
    stop.send(true).unwrap();
    running.await.unwrap();
    assert_eq!(*reconciler.tries.lock().unwrap(), [1; 6], "no wait counted");
    assert_eq!(store.job_counts().unwrap(), Default::default());
}

#[tokio::test]
async fn outcomes_sqlite_refuses_are_recorded_once_it_heals() {
    let h = Harness::start().await;
    let url = h.database_url();
    let db = rusqlite::Connection::open(url.strip_prefix("sqlite://").unwrap()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    // The disk refuses what ends a job (the claim's own write goes through, as it did when
    // the disk filled up mid-reconcile).
    db.execute_batch(
        "CREATE TRIGGER refuse_done BEFORE DELETE ON jobs
             BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;
         CREATE TRIGGER refuse_retry BEFORE UPDATE ON jobs WHEN NEW.state != 'running'
             BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
    )
    .unwrap();
    refused_outcomes_go_through_once_healed(&h, "database or disk is full", || {
        db.execute_batch("DROP TRIGGER refuse_done; DROP TRIGGER refuse_retry;")
            .unwrap()
    })
    .await;
}

#[tokio::test]
async fn outcomes_postgresql_refuses_are_recorded_once_it_heals() {
    let Some(schema) = crate::database::Schema::create() else {
        return;
    };
    let mut h = Harness::start().await;
    h.app.take().unwrap().stop().await;
    h.start_with(crate::support::settings(h.gh.url(), schema.url.clone()))
        .await;
    crate::database::execute(
        &schema.url,
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
         CREATE TRIGGER refuse_done BEFORE DELETE ON jobs
             FOR EACH ROW EXECUTE FUNCTION refuse();
         CREATE TRIGGER refuse_retry BEFORE UPDATE ON jobs
             FOR EACH ROW WHEN (NEW.state <> 'running') EXECUTE FUNCTION refuse();",
    )
    .unwrap();
    refused_outcomes_go_through_once_healed(&h, "No space left on device", || {
        crate::database::execute(
            &schema.url,
            "DROP TRIGGER refuse_done ON jobs; DROP TRIGGER refuse_retry ON jobs;",
        )
        .unwrap()
    })
    .await;
}

/// A pull request opened while the database refuses to end jobs: `/readyz` says so, and
/// once `heal` has run, the outcome goes through and the repository takes new work.
async fn refused_outcomes_go_through_once_healed(h: &Harness, refusal: &str, heal: impl FnOnce()) {
    let first = h.open_lane_pr("agent-1", &["src/x.rs"]).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = h.request("GET", "/readyz", &[], vec![]).await;
        if status == 503 {
            assert!(body.contains(refusal), "{body}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz stayed {status} while outcomes could not be recorded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    heal();
    h.settle().await;
    assert_eq!(h.request("GET", "/readyz", &[], vec![]).await.0, 200);
    let second = h.open_lane_pr("agent-2", &["src/y.rs"]).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(first)).len(), 1);
    assert_eq!(h.gh.check_runs(REPO, &h.head(second)).len(), 1);
    assert_eq!(h.app().store.job_counts().unwrap(), Default::default());
}

#[tokio::test]
async fn workers_stop_when_nobody_is_left_to_stop_them() {
    use switchyard::metrics::Metrics;
    use switchyard::queue::{Queue, QueueSettings};
    use switchyard::store::{SharedStore, SqliteStore};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queue.db");
    let store: SharedStore =
        std::sync::Arc::new(SqliteStore::open(path.to_str().unwrap()).unwrap());
    let queue = Queue::new(
        store,
        QueueSettings::default(),
        std::sync::Arc::new(Metrics::new()),
    );
    let reconciler = std::sync::Arc::new(RateLimitedFor {
        limits: 0,
        tries: Default::default(),
    });
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(queue.run(reconciler, shutdown));
    // Dropped rather than told: a closed channel must end the workers, not spin them.
    drop(stop);
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the workers stop")
        .unwrap();
}
