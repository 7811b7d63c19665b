//! The store's suite, one set of tests run on both backends: a SQLite file and a PostgreSQL
//! schema. Then what only several instances on one PostgreSQL database can show: leases,
//! takeovers, one delivery id received by two instances at once, migrations started together.

use crate::database::Schema;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Barrier};
use switchyard::assign::{AssignmentRecord, Completion, MergedPr, TaskLedger, WasBlocked};
use switchyard::github::Pauses;
use switchyard::ids::{CommentId, InstallationId, IssueNumber, PrNumber, RepoName};
use switchyard::jobs::{JobCounts, JobRequest, RepoChange, Trigger};
use switchyard::store::{
    self, CacheKind, Delivery, PostgresStore, Published, Recorded, SharedStore, Store, StoreError,
};

/// A database the suite opens stores on, as often as a test likes.
trait Backend {
    fn open(&self) -> SharedStore;
}

struct SqliteFile(tempfile::TempDir);

impl Backend for SqliteFile {
    fn open(&self) -> SharedStore {
        let path = self.0.path().join("store.db");
        store::open(&format!("sqlite://{}", path.display())).expect("the SQLite store opens")
    }
}

impl Backend for Schema {
    fn open(&self) -> SharedStore {
        store::open(&self.url).expect("the PostgreSQL store opens")
    }
}

macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    super::$test(&super::SqliteFile(tempfile::tempdir().unwrap()));
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    if let Some(schema) = crate::database::Schema::create() {
                        super::$test(&schema);
                    }
                }
            )*
        }
    };
}

on_both_backends!(
    a_redelivery_records_nothing,
    one_repository_runs_one_claim_at_a_time_and_coalesces,
    retries_wait_and_failures_are_kept,
    running_jobs_are_recovered_after_a_restart,
    caches_and_published_records_round_trip,
    installation_changes_track_active_repositories,
    task_records_round_trip_and_are_replaced_whole,
    a_handled_command_is_remembered,
    each_turn_at_a_periodic_task_goes_to_one_asker,
    old_deliveries_are_pruned_and_forgotten,
    concurrent_deliveries_share_commits_and_each_id_is_recorded_once,
    a_long_backlog_is_claimed_oldest_first_in_bounded_claims,
    jobs_queued_behind_a_job_backing_off_wait_for_it,
    write_slots_are_spaced_and_pauses_only_grow,
);

fn write_slots_are_spaced_and_pauses_only_grow(db: &dyn Backend) {
    let (store, other) = (db.open(), db.open());
    let (one, two) = (InstallationId(1), InstallationId(2));
    assert_eq!(store.installation_pauses(one).unwrap(), Pauses::default());
    assert_eq!(store.take_write_slot(one, 1_000, 1_000).unwrap().0, 1_000);
    assert_eq!(
        other.take_write_slot(one, 1_200, 1_000).unwrap().0,
        2_000,
        "a second after the slot taken before, whoever took it"
    );
    assert_eq!(store.take_write_slot(two, 1_200, 1_000).unwrap().0, 1_200);
    assert_eq!(store.take_write_slot(one, 9_000, 1_000).unwrap().0, 9_000);
    let paused = Pauses {
        writes_until: 20_000,
        all_until: 15_000,
    };
    store.pause_installation(one, paused).unwrap();
    other
        .pause_installation(
            one,
            Pauses {
                writes_until: 18_000,
                all_until: 16_000,
            },
        )
        .unwrap();
    let expected = Pauses {
        writes_until: 20_000,
        all_until: 16_000,
    };
    assert_eq!(other.installation_pauses(one).unwrap(), expected);
    assert_eq!(
        store.take_write_slot(one, 10_000, 1_000).unwrap(),
        (10_000, expected)
    );
    assert_eq!(store.installation_pauses(two).unwrap(), Pauses::default());
}

/// [`Store::submit_delivery`], waiting for its answer: the suite calls the store from plain
/// threads, as the queue's workers do.
pub trait RecordBlocking {
    fn record_delivery(
        &self,
        delivery: &Delivery,
        changes: &[RepoChange],
        jobs: &[JobRequest],
    ) -> store::Result<Recorded>;
}

impl<S: Store + ?Sized> RecordBlocking for S {
    fn record_delivery(
        &self,
        delivery: &Delivery,
        changes: &[RepoChange],
        jobs: &[JobRequest],
    ) -> store::Result<Recorded> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let reply = Box::new(move |recorded| {
            let _ = tx.send(recorded);
        });
        self.submit_delivery(delivery.clone(), changes.to_vec(), jobs.to_vec(), reply);
        rx.recv().map_err(|_| StoreError::Closed)?
    }
}

fn repo(s: &str) -> RepoName {
    s.parse().unwrap()
}

fn job(r: &str, trigger: Trigger) -> JobRequest {
    JobRequest {
        repo: repo(r),
        installation: InstallationId(7),
        trigger,
    }
}

fn delivery(id: &str) -> Delivery {
    Delivery {
        id: id.into(),
        event: "pull_request".into(),
        action: Some("opened".into()),
        repo: Some(repo("o/a")),
        received_at: 100,
    }
}

/// A lease long enough that no test runs into its end unless it means to.
const LEASE: i64 = 1_000;

fn a_redelivery_records_nothing(db: &dyn Backend) {
    let store = db.open();
    let jobs = [job("o/a", Trigger::PullRequest(PrNumber(1)))];
    assert_eq!(
        store.record_delivery(&delivery("d1"), &[], &jobs).unwrap(),
        Recorded::New
    );
    assert_eq!(
        store.record_delivery(&delivery("d1"), &[], &jobs).unwrap(),
        Recorded::Duplicate
    );
    assert_eq!(store.job_counts().unwrap().queued, 1);
}

fn one_repository_runs_one_claim_at_a_time_and_coalesces(db: &dyn Backend) {
    let store = db.open();
    store
        .enqueue(
            &[
                job("o/a", Trigger::PullRequest(PrNumber(1))),
                job("o/b", Trigger::Full),
                job("o/a", Trigger::PullRequest(PrNumber(2))),
            ],
            10,
        )
        .unwrap();
    let first = store.claim(10, 10 + LEASE).unwrap().unwrap();
    assert_eq!(first.repo, repo("o/a"));
    assert_eq!(
        first.triggers,
        [
            Trigger::PullRequest(PrNumber(1)),
            Trigger::PullRequest(PrNumber(2))
        ],
        "a burst coalesces, in order"
    );
    assert!(!first.taken_over);
    store.enqueue(&[job("o/a", Trigger::Refresh)], 11).unwrap();
    let second = store.claim(11, 11 + LEASE).unwrap().unwrap();
    assert_eq!(second.repo, repo("o/b"), "o/a is busy");
    assert_eq!(store.claim(11, 11 + LEASE).unwrap(), None);
    assert!(store.renew(&first.repo, 12 + LEASE).unwrap());
    store.finish(&first.job_ids).unwrap();
    let third = store.claim(12, 12 + LEASE).unwrap().unwrap();
    assert_eq!(third.repo, repo("o/a"));
    assert_eq!(third.triggers, vec![Trigger::Refresh]);
}

/// A repository's backlog after GitHub was down: claims of at most
/// [`store::MAX_JOBS_PER_CLAIM`] jobs, oldest first, while other repositories still get
/// their turn in the order their work came.
fn a_long_backlog_is_claimed_oldest_first_in_bounded_claims(db: &dyn Backend) {
    let store = db.open();
    let backlog = store::MAX_JOBS_PER_CLAIM as u64 + 10;
    let jobs: Vec<JobRequest> = (1..=backlog)
        .map(|n| job("o/a", Trigger::PullRequest(PrNumber(n))))
        .collect();
    store.enqueue(&jobs, 0).unwrap();
    store.enqueue(&[job("o/b", Trigger::Refresh)], 0).unwrap();
    let first = store.claim(0, LEASE).unwrap().unwrap();
    assert_eq!(first.repo, repo("o/a"));
    assert_eq!(first.job_ids.len() as i64, store::MAX_JOBS_PER_CLAIM);
    assert_eq!(first.triggers[0], Trigger::PullRequest(PrNumber(1)));
    assert_eq!(store.claim(0, LEASE).unwrap().unwrap().repo, repo("o/b"));
    store.finish(&first.job_ids).unwrap();
    let rest = store.claim(0, LEASE).unwrap().unwrap();
    assert_eq!(rest.repo, repo("o/a"));
    assert_eq!(
        rest.triggers,
        ((store::MAX_JOBS_PER_CLAIM as u64 + 1)..=backlog)
            .map(|n| Trigger::PullRequest(PrNumber(n)))
            .collect::<Vec<_>>()
    );
}

fn jobs_queued_behind_a_job_backing_off_wait_for_it(db: &dyn Backend) {
    let store = db.open();
    store.enqueue(&[job("o/a", Trigger::Full)], 0).unwrap();
    let first = store.claim(0, LEASE).unwrap().unwrap();
    // Deliveries while it runs: one behind it, one for another repository.
    store
        .enqueue(&[job("o/a", Trigger::PullRequest(PrNumber(2)))], 5)
        .unwrap();
    store.enqueue(&[job("o/b", Trigger::Refresh)], 5).unwrap();
    store
        .retry_at(&first.job_ids, 100, 1, "GitHub answered 502")
        .unwrap();
    let other = store.claim(10, 10 + LEASE).unwrap().unwrap();
    assert_eq!(other.repo, repo("o/b"));
    store.finish(&other.job_ids).unwrap();
    assert_eq!(store.claim(10, 10 + LEASE).unwrap(), None);
    assert_eq!(
        store.next_due(10).unwrap(),
        Some(100),
        "the job queued at 5 waits for the one backing off"
    );
    let again = store.claim(100, 100 + LEASE).unwrap().unwrap();
    assert_eq!(again.repo, repo("o/a"));
    assert_eq!(again.attempts, 2, "the try of the job that failed once");
    assert_eq!(
        again.triggers,
        [Trigger::Full, Trigger::PullRequest(PrNumber(2))],
        "in the order they were queued"
    );
    store.finish(&again.job_ids).unwrap();
    assert_eq!(store.next_due(100).unwrap(), None);
}

fn retries_wait_and_failures_are_kept(db: &dyn Backend) {
    let store = db.open();
    store.enqueue(&[job("o/a", Trigger::Full)], 0).unwrap();
    let claim = store.claim(0, LEASE).unwrap().unwrap();
    store.retry_at(&claim.job_ids, 50, 1, "boom").unwrap();
    assert_eq!(store.claim(49, 49 + LEASE).unwrap(), None);
    assert_eq!(store.next_due(49).unwrap(), Some(50));
    let again = store.claim(50, 50 + LEASE).unwrap().unwrap();
    assert_eq!(again.attempts, 2);
    // A wait that is no failed try (a rate limit) leaves the count where it was.
    store
        .retry_at(&again.job_ids, 60, again.attempts - 1, "rate limited")
        .unwrap();
    let third = store.claim(60, 60 + LEASE).unwrap().unwrap();
    assert_eq!(third.attempts, 2);
    store.fail(&third.job_ids, "gave up").unwrap();
    assert_eq!(
        store.job_counts().unwrap(),
        JobCounts {
            queued: 0,
            running: 0,
            failed: 1
        }
    );
    assert_eq!(store.next_due(60).unwrap(), None);
}

fn running_jobs_are_recovered_after_a_restart(db: &dyn Backend) {
    {
        let store = db.open();
        store.enqueue(&[job("o/a", Trigger::Full)], 0).unwrap();
        store.claim(0, 10).unwrap().unwrap();
    }
    let store = db.open();
    assert_eq!(store.recover_running(10).unwrap(), 1);
    let claim = store.claim(10, 10 + LEASE).unwrap().unwrap();
    assert_eq!(claim.attempts, 2);
}

fn caches_and_published_records_round_trip(db: &dyn Backend) {
    let store = db.open();
    store.cache_put(CacheKind::PrFiles, "abc", b"[1]").unwrap();
    store.cache_put(CacheKind::PrFiles, "abc", b"[2]").unwrap();
    assert_eq!(
        store.cache_get(CacheKind::PrFiles, "abc").unwrap(),
        Some(b"[2]".to_vec())
    );
    store.cache_delete(CacheKind::PrFiles, "abc").unwrap();
    assert_eq!(store.cache_get(CacheKind::PrFiles, "abc").unwrap(), None);
    let r = repo("o/a");
    let p = Published {
        github_id: 9,
        digest: "d".into(),
    };
    store.set_published(&r, "check:abc", &p).unwrap();
    assert_eq!(store.published(&r, "check:abc").unwrap(), Some(p.clone()));
    assert_eq!(
        store.published(&repo("o/other"), "check:abc").unwrap(),
        None
    );
    store.forget_published(&r, "check:abc").unwrap();
    assert_eq!(store.published(&r, "check:abc").unwrap(), None);

    // Many keys at once come back in the keys' order, a repeated key each time it is asked.
    store.cache_put(CacheKind::PrFiles, "one", b"1").unwrap();
    store.cache_put(CacheKind::PrFiles, "two", b"2").unwrap();
    store
        .cache_put(CacheKind::MergeBase, "three", b"3")
        .unwrap();
    let keys: Vec<String> = ["two", "three", "one", "two"].map(String::from).to_vec();
    assert_eq!(
        store.cache_get_many(CacheKind::PrFiles, &keys).unwrap(),
        [
            Some(b"2".to_vec()),
            None,
            Some(b"1".to_vec()),
            Some(b"2".to_vec())
        ]
    );
    store.set_published(&r, "comment:1", &p).unwrap();
    let keys: Vec<String> = ["comment:2", "comment:1"].map(String::from).to_vec();
    assert_eq!(store.published_many(&r, &keys).unwrap(), [None, Some(p)]);
}

fn installation_changes_track_active_repositories(db: &dyn Backend) {
    let store = db.open();
    let changes = [RepoChange::Add(repo("o/a"), InstallationId(1))];
    store
        .record_delivery(&delivery("d"), &changes, &[])
        .unwrap();
    assert!(store.is_active(&repo("o/a")).unwrap());
    store.set_open_work(&repo("o/a"), true).unwrap();
    assert_eq!(
        store.repos_with_open_work().unwrap(),
        [(repo("o/a"), InstallationId(1))]
    );
    let changes = [RepoChange::RemoveInstallation(InstallationId(1))];
    store
        .record_delivery(&delivery("e"), &changes, &[])
        .unwrap();
    assert!(!store.is_active(&repo("o/a")).unwrap());
    assert!(store.repos_with_open_work().unwrap().is_empty());
    // A redelivered installation event changes nothing again.
    store.set_open_work(&repo("o/a"), true).unwrap();
    let changes = [RepoChange::Add(repo("o/a"), InstallationId(1))];
    store
        .record_delivery(&delivery("e"), &changes, &[])
        .unwrap();
    assert!(!store.is_active(&repo("o/a")).unwrap());
}

/// Eight receivers at once, their delivery ids overlapping, each delivery saying its
/// repository is installed and asking for two jobs; one also removes a repository, which
/// a commit shared with the others must apply as well.
fn concurrent_deliveries_share_commits_and_each_id_is_recorded_once(db: &dyn Backend) {
    let store = db.open();
    let gone = [RepoChange::Add(repo("o/gone"), InstallationId(3))];
    store
        .record_delivery(&delivery("first"), &gone, &[])
        .unwrap();
    let start = Arc::new(Barrier::new(8));
    let receivers: Vec<_> = (0..8)
        .map(|receiver| {
            let (store, start) = (store.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut new = 0;
                for n in receiver * 25..receiver * 25 + 50 {
                    let id = format!("d-{}", n % 200);
                    let name = format!("o/r{}", n % 5);
                    let mut changes = vec![RepoChange::Add(repo(&name), InstallationId(7))];
                    if n == 60 {
                        changes.push(RepoChange::Remove(repo("o/gone")));
                    }
                    let jobs = [
                        job(&name, Trigger::Refresh),
                        job(&name, Trigger::PullRequest(PrNumber(n as u64))),
                    ];
                    let mut at = delivery(&id);
                    at.repo = Some(repo(&name));
                    if store.record_delivery(&at, &changes, &jobs).unwrap() == Recorded::New {
                        new += 1;
                    }
                }
                new
            })
        })
        .collect();
    let new: usize = receivers.into_iter().map(|r| r.join().unwrap()).sum();
    assert_eq!(new, 200, "every id once, whichever receiver had it first");
    assert_eq!(store.job_counts().unwrap().queued, 400);
    for n in 0..5 {
        assert!(store.is_active(&repo(&format!("o/r{n}"))).unwrap());
    }
    assert!(!store.is_active(&repo("o/gone")).unwrap());
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn task_records_round_trip_and_are_replaced_whole(db: &dyn Backend) {
    let store = db.open();
    let (a, b) = (repo("o/a"), repo("o/b"));
    assert_eq!(store.task_ledger(&a).unwrap(), TaskLedger::default());
    let records = TaskLedger {
        assignments: vec![
            AssignmentRecord {
                issue: IssueNumber(4),
                lane: "agent-2".into(),
                assigned_at: at("2026-03-01T10:00:00.123456789Z"),
            },
            AssignmentRecord {
                issue: IssueNumber(2),
                lane: "agent-1".into(),
                assigned_at: at("2026-03-01T09:00:00Z"),
            },
        ],
        completions: vec![Completion {
            issue: IssueNumber(1),
            lane: "agent-1".into(),
            pr: PrNumber(9),
            files_changed: vec!["src/a.rs".into(), "src/ü.rs".into()],
            assigned_at: at("2026-02-28T08:00:00Z"),
            merged_at: at("2026-03-01T08:30:00Z"),
        }],
        merged: vec![MergedPr {
            number: PrNumber(11),
            merged_at: at("2026-03-01T11:00:00Z"),
            files: vec!["Cargo.lock".into()],
            closes: vec![IssueNumber(4), IssueNumber(5)],
        }],
        was_blocked: vec![
            WasBlocked {
                issue: IssueNumber(6),
                by: vec![IssueNumber(4), IssueNumber(2)],
            },
            WasBlocked {
                issue: IssueNumber(3),
                by: vec![IssueNumber(1)],
            },
        ],
    };
    store.set_task_ledger(&a, &records, &[]).unwrap();
    store
        .set_task_ledger(&b, &TaskLedger::default(), &[])
        .unwrap();
    assert_eq!(
        store.task_ledger(&a).unwrap(),
        records,
        "in order, to the nanosecond"
    );
    let fewer = TaskLedger {
        assignments: records.assignments[1..].to_vec(),
        ..TaskLedger::default()
    };
    store.set_task_ledger(&a, &fewer, &[]).unwrap();
    assert_eq!(store.task_ledger(&a).unwrap(), fewer);
    assert_eq!(db.open().task_ledger(&a).unwrap(), fewer, "durable");
}

fn a_handled_command_is_remembered(db: &dyn Backend) {
    let store = db.open();
    let (a, b) = (repo("o/a"), repo("o/b"));
    assert!(!store.command_handled(&a, CommentId(5)).unwrap());
    let records = TaskLedger::default();
    store
        .set_task_ledger(&a, &records, &[CommentId(5)])
        .unwrap();
    store
        .set_task_ledger(&a, &records, &[CommentId(5), CommentId(6)])
        .unwrap();
    assert!(store.command_handled(&a, CommentId(5)).unwrap());
    assert!(store.command_handled(&a, CommentId(6)).unwrap());
    assert!(!store.command_handled(&b, CommentId(5)).unwrap());
}

fn each_turn_at_a_periodic_task_goes_to_one_asker(db: &dyn Backend) {
    let (one, other) = (db.open(), db.open());
    assert!(one.take_turn("sweep", 100, 200).unwrap());
    assert!(!other.take_turn("sweep", 150, 250).unwrap());
    assert!(!one.take_turn("sweep", 199, 299).unwrap());
    assert!(other.take_turn("sweep", 200, 300).unwrap());
    assert!(one.take_turn("other", 200, 300).unwrap(), "tasks are apart");
}

fn old_deliveries_are_pruned_and_forgotten(db: &dyn Backend) {
    let store = db.open();
    store.record_delivery(&delivery("old"), &[], &[]).unwrap();
    assert_eq!(store.prune_deliveries(101).unwrap(), 1);
    assert_eq!(
        store.record_delivery(&delivery("old"), &[], &[]).unwrap(),
        Recorded::New
    );
    store.ping().unwrap();
}

/// Two instances' stores on one fresh schema.
fn two_instances() -> Option<(Schema, SharedStore, SharedStore)> {
    let schema = Schema::create()?;
    let (one, other) = (schema.open(), schema.open());
    Some((schema, one, other))
}

#[test]
fn a_leased_repository_waits_for_its_holder_and_is_taken_over_when_the_lease_runs_out() {
    let Some((_schema, one, other)) = two_instances() else {
        return;
    };
    one.enqueue(&[job("o/a", Trigger::Full), job("o/b", Trigger::Full)], 0)
        .unwrap();
    let held = one.claim(0, 30).unwrap().unwrap();
    assert_eq!(held.repo, repo("o/a"));
    let elsewhere = other.claim(1, 100).unwrap().unwrap();
    assert_eq!(elsewhere.repo, repo("o/b"), "o/a is leased");
    other.enqueue(&[job("o/a", Trigger::Refresh)], 2).unwrap();
    assert_eq!(other.claim(2, 32).unwrap(), None);
    assert_eq!(
        other.next_due(2).unwrap(),
        Some(3),
        "it looks again soon for the queued job"
    );
    assert!(!other.renew(&held.repo, 40).unwrap(), "not its lease");
    assert!(one.renew(&held.repo, 40).unwrap());
    assert_eq!(other.claim(39, 69).unwrap(), None, "renewed");

    // The holder stops renewing: at the end of its lease the other takes the repository,
    // with the jobs that were running and those queued behind them, in order.
    let taken = other.claim(40, 70).unwrap().unwrap();
    assert!(taken.taken_over);
    assert_eq!(taken.repo, repo("o/a"));
    assert_eq!(taken.triggers, [Trigger::Full, Trigger::Refresh]);
    assert!(!one.renew(&held.repo, 80).unwrap(), "the lease is lost");
    one.finish(&held.job_ids).unwrap();
    assert_eq!(
        one.job_counts().unwrap().running,
        3,
        "a late finish leaves the jobs to the instance that took them over"
    );
    other.finish(&taken.job_ids).unwrap();
    other.finish(&elsewhere.job_ids).unwrap();
    assert_eq!(other.job_counts().unwrap(), JobCounts::default());
    assert_eq!(one.next_due(41).unwrap(), None);
}

#[test]
fn a_restarting_instance_leaves_the_jobs_live_leases_cover() {
    let Some((schema, one, _)) = two_instances() else {
        return;
    };
    one.enqueue(&[job("o/a", Trigger::Full)], 0).unwrap();
    one.claim(0, 30).unwrap().unwrap();
    let restarted = schema.open();
    assert_eq!(restarted.recover_running(10).unwrap(), 0);
    assert_eq!(restarted.job_counts().unwrap().running, 1);
    assert_eq!(
        restarted.recover_running(30).unwrap(),
        1,
        "the lease ran out"
    );
}

#[test]
fn one_delivery_id_sent_to_two_instances_at_once_is_recorded_once() {
    let Some((_schema, one, other)) = two_instances() else {
        return;
    };
    let ids: Vec<String> = (0..100).map(|n| format!("d-{n}")).collect();
    let start = Arc::new(Barrier::new(2));
    let receive = |store: SharedStore| {
        let (ids, start) = (ids.clone(), start.clone());
        std::thread::spawn(move || {
            start.wait();
            ids.iter()
                .filter(|id| {
                    let jobs = [job("o/a", Trigger::Refresh)];
                    store.record_delivery(&delivery(id), &[], &jobs).unwrap() == Recorded::New
                })
                .count()
        })
    };
    let (a, b) = (receive(one.clone()), receive(other));
    let recorded = a.join().unwrap() + b.join().unwrap();
    assert_eq!(recorded, 100);
    assert_eq!(one.job_counts().unwrap().queued, 100);
}

#[test]
fn instances_opening_an_empty_database_together_migrate_it_once() {
    let Some(schema) = Schema::create() else {
        return;
    };
    let start = Arc::new(Barrier::new(4));
    let opening: Vec<_> = (0..4)
        .map(|_| {
            let (url, start) = (schema.url.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                PostgresStore::open(&url).map(drop)
            })
        })
        .collect();
    for open in opening {
        open.join().unwrap().expect("every instance comes up");
    }
    let store = schema.open();
    store.ping().unwrap();
    assert_eq!(store.job_counts().unwrap(), JobCounts::default());
}
