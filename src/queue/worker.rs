//! The dispatcher: claims due work from the store, runs it, records the outcome.

use crate::jobs::ClaimedJobs;
use crate::jobs::{JobRequest, Trigger};
use crate::metrics::Metrics;
use crate::store::{self, SharedStore};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// How a job went wrong, and so what the queue does with it.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another try after a backoff, for as long as it takes (GitHub down or answering
    /// 5xx, a network error, a timeout, a store hiccup): accepted work is never dropped for
    /// an outage, however long.
    #[error("{0}")]
    Transient(String),
    /// GitHub asked us to wait until this unix time. Waiting is not a failed try.
    #[error("rate limited until {until}: {reason}")]
    RateLimited { until: i64, reason: String },
    /// Trying again cannot help (GitHub answered 4xx: the repository is gone, the App may
    /// not do this). The jobs are kept as failed, counted under `reason`, a short label.
    #[error("{message}")]
    Permanent { reason: String, message: String },
}

/// What runs a claim: in production the reconcile pipeline, in tests whatever they like.
pub trait Reconcile: Send + Sync + 'static {
    fn reconcile<'a>(
        &'a self,
        claim: &'a ClaimedJobs,
    ) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;
}

#[derive(Debug, Clone)]
pub struct QueueSettings {
    /// Repositories reconciled at once.
    pub max_parallel: usize,
    /// First retry delay; it doubles with each failed try, up to `max_backoff`. Also the
    /// first wait before an outcome that could not be recorded is written again.
    pub backoff: Duration,
    /// The longest wait between tries: a job that keeps failing (GitHub down for hours)
    /// is tried again this often until it goes through.
    pub max_backoff: Duration,
    /// How often every repository with open coordinated work is reconciled anyway.
    pub sweep_interval: Duration,
    /// How long running jobs may take to finish at shutdown.
    pub shutdown_grace: Duration,
    /// How long a repository's lease lasts without renewal. Work renews it four times in
    /// that span; an instance that dies holds its repositories until it runs out, and
    /// another instance takes them over within `lease` and a quarter (see [`Queue::run`]).
    pub lease: Duration,
}

impl Default for QueueSettings {
    fn default() -> Self {
        Self {
            max_parallel: 8,
            backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(10 * 60),
            sweep_interval: Duration::from_secs(15 * 60),
            shutdown_grace: Duration::from_secs(20),
            lease: Duration::from_secs(DEFAULT_LEASE_SECS),
        }
    }
}

/// A repository's lease by default: a dead instance's work is taken over within 25 s.
pub const DEFAULT_LEASE_SECS: u64 = 20;

/// The periodic sweep's name among the tasks instances take turns at.
const SWEEP: &str = "sweep";

/// How long deliveries are remembered for deduplication (GitHub lets a delivery be
/// redelivered by hand for a few days).
const DELIVERY_MEMORY_SECS: i64 = 7 * 24 * 3600;

/// The longest the dispatcher waits before it looks for work again.
const MAX_IDLE: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Queue {
    store: SharedStore,
    settings: QueueSettings,
    wake: Arc<Notify>,
    metrics: Arc<Metrics>,
    /// Counts the claims whose outcome is on record, so that a waiter learns of each at once.
    outcomes: Arc<watch::Sender<u64>>,
    /// Why the last outcome could not be recorded, while none has been since.
    write_error: Arc<Mutex<Option<String>>>,
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Queue {
    pub fn new(store: SharedStore, settings: QueueSettings, metrics: Arc<Metrics>) -> Self {
        Self {
            store,
            settings,
            wake: Arc::new(Notify::new()),
            metrics,
            outcomes: Arc::new(watch::channel(0).0),
            write_error: Arc::new(Mutex::new(None)),
        }
    }

    /// Why the store refuses to record outcomes, while it does: then the App is not ready.
    pub fn write_error(&self) -> Option<String> {
        self.write_error
            .lock()
            .map(|error| error.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    fn set_write_error(&self, error: Option<String>) {
        match self.write_error.lock() {
            Ok(mut held) => *held = error,
            Err(poisoned) => *poisoned.into_inner() = error,
        }
    }

    /// Changes each time a claim's outcome (done, failed, or to retry) is on record: the
    /// moment to look again at what is queued, for whoever waits for the queue to drain.
    pub fn outcomes(&self) -> watch::Receiver<u64> {
        self.outcomes.subscribe()
    }

    /// Tells the dispatcher new work may be due.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until `shutdown` turns true or its sender is dropped, then lets running jobs finish
    /// within the grace period.
    /// Between looks for work it waits until the next job is due, a new delivery or an
    /// outcome wakes it, or at most a minute; with other instances on the queue, at most a
    /// quarter of the lease, so that the work of an instance that died is taken over within
    /// `lease` and a quarter of it.
    pub async fn run(self, reconciler: Arc<dyn Reconcile>, mut shutdown: watch::Receiver<bool>) {
        match store::blocking(&self.store, |s| s.recover_running(now())).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "picked up jobs left running by the last process"),
            Err(e) => tracing::error!(error = %e, "could not recover running jobs"),
        }
        let sweeper = tokio::spawn(self.clone().sweep_forever());
        let mut running = JoinSet::new();
        while !*shutdown.borrow() {
            self.fill(&mut running, &reconciler).await;
            let idle = self.until_next_due().await;
            tokio::select! {
                _ = self.wake.notified() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = tokio::time::sleep(idle) => {}
                // A shutdown asked for, or nobody left who could ask for one: a closed
                // channel answers at once, so looping on it would spin.
                _ = shutdown.wait_for(|stop| *stop) => break,
            }
        }
        sweeper.abort();
        let drained = tokio::time::timeout(self.settings.shutdown_grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("shutdown grace period over; unfinished jobs run again at next start");
        }
    }

    async fn fill(&self, running: &mut JoinSet<()>, reconciler: &Arc<dyn Reconcile>) {
        while running.len() < self.settings.max_parallel {
            let lease_until = self.lease_until();
            let claim =
                match store::blocking(&self.store, move |s| s.claim(now(), lease_until)).await {
                    Ok(Some(claim)) => claim,
                    Ok(None) => return,
                    Err(e) => {
                        tracing::error!(error = %e, "could not claim jobs");
                        return;
                    }
                };
            if claim.taken_over {
                self.metrics.lease_taken_over();
                tracing::warn!(repo = %claim.repo, "took over a repository whose lease ran out");
            }
            let queue = self.clone();
            let reconciler = reconciler.clone();
            self.metrics.lease_held(true);
            running.spawn(async move {
                queue.work(claim, reconciler.as_ref()).await;
                queue.metrics.lease_held(false);
            });
        }
    }

    fn lease_until(&self) -> i64 {
        now() + self.settings.lease.as_secs().max(1) as i64
    }

    async fn work(&self, claim: ClaimedJobs, reconciler: &dyn Reconcile) {
        let started = std::time::Instant::now();
        tracing::info!(repo = %claim.repo, jobs = ?claim.job_ids, "reconciling");
        let lease = self.keep_lease(&claim);
        tokio::pin!(lease);
        let result = tokio::select! {
            result = reconciler.reconcile(&claim) => result,
            () = &mut lease => {
                // Another instance has the repository now and runs these jobs itself.
                tracing::warn!(repo = %claim.repo, "lost the repository's lease; left its jobs to the instance that took it");
                return;
            }
        };
        self.metrics.observe_reconcile(started.elapsed());
        let outcome = outcome(&result, claim.attempts, now(), &self.settings);
        self.report(&claim, &outcome);
        tokio::select! {
            () = self.record(&claim, &outcome) => {}
            () = &mut lease => {
                // The jobs are still running in the store: they run again wherever the
                // repository is claimed next, once the lease has run out.
                tracing::warn!(repo = %claim.repo, "lost the repository's lease before its outcome was on record");
            }
        }
        self.outcomes.send_modify(|recorded| *recorded += 1);
        self.wake();
    }

    /// Says in the log and the metrics what became of a claim.
    fn report(&self, claim: &ClaimedJobs, outcome: &Outcome) {
        let (repo, jobs) = (&claim.repo, &claim.job_ids);
        match outcome {
            Outcome::Done => tracing::info!(repo = %repo, jobs = ?jobs, "reconciled"),
            Outcome::Wait { run_at, error, .. } => {
                tracing::warn!(repo = %repo, until = run_at, error = %error, "reconcile failed on GitHub's rate limit; waiting it out, not counted as a try")
            }
            Outcome::Retry {
                run_at,
                attempts,
                error,
            } => tracing::warn!(
                repo = %repo,
                attempt = attempts,
                retry_in_secs = run_at - now(),
                error = %error,
                "reconcile failed; trying again"
            ),
            Outcome::Failed { reason, error } => {
                self.metrics.jobs_failed(reason, jobs.len());
                tracing::error!(repo = %repo, jobs = ?jobs, reason = %reason, error = %error, "reconcile failed for good; its jobs are kept as failed");
            }
        }
    }

    /// Writes the outcome down, trying again until the store takes it: a write that failed
    /// (a full disk, an I/O error, the database away) must not leave the jobs running and
    /// the repository stuck. Meanwhile the App says it is not ready.
    async fn record(&self, claim: &ClaimedJobs, outcome: &Outcome) {
        let mut wait = self.settings.backoff.max(Duration::from_millis(50));
        let longest = (self.settings.lease / 4).max(wait);
        loop {
            let (ids, outcome) = (claim.job_ids.clone(), outcome.clone());
            let written = store::blocking(&self.store, move |s| match outcome {
                Outcome::Done => s.finish(&ids),
                Outcome::Wait {
                    run_at,
                    attempts,
                    error,
                }
                | Outcome::Retry {
                    run_at,
                    attempts,
                    error,
                } => s.retry_at(&ids, run_at, attempts, &error),
                Outcome::Failed { error, .. } => s.fail(&ids, &error),
            })
            .await;
            match written {
                Ok(()) => {
                    self.set_write_error(None);
                    return;
                }
                Err(e) => {
                    tracing::error!(repo = %claim.repo, error = %e, retry_in_ms = wait.as_millis() as u64, "could not record a job's outcome; trying again");
                    self.set_write_error(Some(e.to_string()));
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(longest);
                }
            }
        }
    }

    /// Renews the claim's lease four times per lease; resolves only once the lease is lost:
    /// another instance took it, or no renewal got through before it ran out.
    async fn keep_lease(&self, claim: &ClaimedJobs) {
        let period = self.settings.lease / 4;
        let mut held_until = now() + self.settings.lease.as_secs() as i64;
        loop {
            tokio::time::sleep(period).await;
            let (repo, lease_until) = (claim.repo.clone(), self.lease_until());
            match store::blocking(&self.store, move |s| s.renew(&repo, lease_until)).await {
                Ok(true) => held_until = lease_until,
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(repo = %claim.repo, error = %e, "could not renew a lease");
                    if now() >= held_until {
                        return;
                    }
                }
            }
        }
    }

    async fn until_next_due(&self) -> Duration {
        let next = store::blocking(&self.store, |s| s.next_due(now())).await;
        let longest = if self.store.shared() {
            (self.settings.lease / 4).clamp(Duration::from_millis(50), MAX_IDLE)
        } else {
            MAX_IDLE
        };
        match next {
            Ok(Some(at)) => Duration::from_secs((at - now()).max(0) as u64)
                .clamp(Duration::from_millis(50), longest),
            _ => longest,
        }
    }

    /// Queues a full reconcile of every repository with open coordinated work, now and then,
    /// to heal what a missed delivery left behind. Instances take turns: each interval's
    /// sweep runs on whichever asks first.
    async fn sweep_forever(self) {
        let interval = self.settings.sweep_interval;
        let mut timer = tokio::time::interval(interval);
        timer.tick().await;
        loop {
            timer.tick().await;
            // A second's slack, so that this instance's own timer never misses its turn.
            let (at, next_at) = (now(), now() + interval.as_secs() as i64 - 1);
            match store::blocking(&self.store, move |s| s.take_turn(SWEEP, at, next_at)).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "could not take the sweep's turn");
                    continue;
                }
            }
            if let Err(e) = self.sweep().await {
                tracing::error!(error = %e, "periodic sweep failed");
            }
        }
    }

    pub async fn sweep(&self) -> store::Result<usize> {
        let repos = store::blocking(&self.store, |s| s.repos_with_open_work()).await?;
        let jobs: Vec<JobRequest> = repos
            .into_iter()
            .map(|(repo, installation)| JobRequest {
                repo,
                installation,
                trigger: Trigger::Full,
            })
            .collect();
        let count = jobs.len();
        store::blocking(&self.store, move |s| {
            s.enqueue(&jobs, now())?;
            s.prune_deliveries(now() - DELIVERY_MEMORY_SECS)
        })
        .await?;
        self.wake();
        Ok(count)
    }
}

/// What the queue records of a claim's result.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Done,
    /// A rate limit: back in the queue until GitHub's time, the try not counted.
    Wait {
        run_at: i64,
        attempts: u32,
        error: String,
    },
    /// A failure retrying can fix: back in the queue after a backoff.
    Retry {
        run_at: i64,
        attempts: u32,
        error: String,
    },
    /// Kept as failed: trying again cannot help.
    Failed {
        reason: String,
        error: String,
    },
}

/// Decides what becomes of a claim that had `attempts` tries, this one included, and ended
/// with `result` at `now`.
fn outcome(
    result: &Result<(), JobError>,
    attempts: u32,
    now: i64,
    settings: &QueueSettings,
) -> Outcome {
    match result {
        Ok(()) => Outcome::Done,
        Err(e @ JobError::RateLimited { until, .. }) => Outcome::Wait {
            run_at: (*until).max(now + 1),
            attempts: attempts.saturating_sub(1),
            error: e.to_string(),
        },
        Err(e @ JobError::Transient(_)) => Outcome::Retry {
            run_at: now + whole_seconds(backoff(settings, attempts)),
            attempts,
            error: e.to_string(),
        },
        Err(e @ JobError::Permanent { reason, .. }) => Outcome::Failed {
            reason: reason.clone(),
            error: e.to_string(),
        },
    }
}

/// The wait after the `attempts`th failed try: `backoff`, doubled for each try before it,
/// at most `max_backoff`.
fn backoff(settings: &QueueSettings, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    (settings.backoff * 2u32.pow(doublings)).min(settings.max_backoff)
}

/// Seconds, as the store keeps times, rounded up: a wait is never shorter than asked.
fn whole_seconds(wait: Duration) -> i64 {
    wait.as_secs() as i64 + i64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> QueueSettings {
        QueueSettings {
            backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(600),
            ..QueueSettings::default()
        }
    }

    #[test]
    fn failures_retrying_can_fix_back_off_doubling_up_to_the_cap_for_ever() {
        let failed = Err(JobError::Transient("GitHub answered 502".into()));
        let waits: Vec<i64> = [1, 2, 3, 4, 5, 6, 7, 50, 5000]
            .into_iter()
            .map(
                |attempts| match outcome(&failed, attempts, 1000, &settings()) {
                    Outcome::Retry {
                        run_at,
                        attempts: a,
                        ..
                    } if a == attempts => run_at - 1000,
                    other => panic!("try {attempts}: {other:?}"),
                },
            )
            .collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 600, 600, 600]);
    }

    #[test]
    fn a_rate_limit_is_waited_out_without_counting_a_try() {
        let limited = Err(JobError::RateLimited {
            until: 1300,
            reason: "GitHub's rate limit".into(),
        });
        assert_eq!(
            outcome(&limited, 4, 1000, &settings()),
            Outcome::Wait {
                run_at: 1300,
                attempts: 3,
                error: "rate limited until 1300: GitHub's rate limit".into()
            }
        );
        let past = Err(JobError::RateLimited {
            until: 900,
            reason: "r".into(),
        });
        assert!(matches!(
            outcome(&past, 1, 1000, &settings()),
            Outcome::Wait {
                run_at: 1001,
                attempts: 0,
                ..
            }
        ));
    }

    #[test]
    fn only_what_retrying_cannot_fix_fails_with_its_reason() {
        let gone = Err(JobError::Permanent {
            reason: "github_404".into(),
            message: "GitHub answered 404 to GET /repos/o/a/pulls: Not Found".into(),
        });
        assert_eq!(
            outcome(&gone, 1, 1000, &settings()),
            Outcome::Failed {
                reason: "github_404".into(),
                error: "GitHub answered 404 to GET /repos/o/a/pulls: Not Found".into()
            }
        );
        assert_eq!(outcome(&Ok(()), 9, 1000, &settings()), Outcome::Done);
    }

    #[test]
    fn waits_under_a_second_round_up() {
        assert_eq!(whole_seconds(Duration::from_millis(200)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(3)), 3);
        let short = QueueSettings {
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_millis(500),
            ..QueueSettings::default()
        };
        assert_eq!(backoff(&short, 9), Duration::from_millis(500));
    }
}
