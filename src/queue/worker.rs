//! The dispatcher: claims due work from the store, runs it, records the outcome.

use crate::jobs::Claim;
use crate::jobs::{JobRequest, Trigger};
use crate::metrics::Metrics;
use crate::store::{self, SharedStore};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// How a job went wrong, and so what the queue does with it.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another try after a backoff (network, 5xx, a store hiccup).
    #[error("{0}")]
    Transient(String),
    /// GitHub asked us to wait until this unix time.
    #[error("rate limited until {until}: {reason}")]
    RateLimited { until: i64, reason: String },
    /// Trying again cannot help (the repository is gone, the installation was removed).
    #[error("{0}")]
    Permanent(String),
}

/// What runs a claim: in production the reconcile pipeline, in tests whatever they like.
pub trait Reconcile: Send + Sync + 'static {
    fn reconcile<'a>(
        &'a self,
        claim: &'a Claim,
    ) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;
}

#[derive(Debug, Clone)]
pub struct QueueSettings {
    /// Repositories reconciled at once.
    pub max_parallel: usize,
    /// Tries before a job is kept as failed.
    pub max_attempts: u32,
    /// First retry delay; it doubles with each attempt.
    pub backoff: Duration,
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
            max_attempts: 5,
            backoff: Duration::from_secs(10),
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

    /// Runs until `shutdown` turns true, then lets running jobs finish within the grace period.
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
                _ = shutdown.changed() => {}
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

    async fn work(&self, claim: Claim, reconciler: &dyn Reconcile) {
        let started = std::time::Instant::now();
        tracing::info!(repo = %claim.repo, jobs = ?claim.job_ids, "reconciling");
        let result = tokio::select! {
            result = reconciler.reconcile(&claim) => result,
            () = self.keep_lease(&claim) => {
                // Another instance has the repository now and runs these jobs itself.
                tracing::warn!(repo = %claim.repo, "lost the repository's lease; left its jobs to the instance that took it");
                return;
            }
        };
        self.metrics.observe_reconcile(started.elapsed());
        let ids = claim.job_ids.clone();
        let outcome = match &result {
            Ok(()) => store::blocking(&self.store, move |s| s.finish(&ids)).await,
            Err(JobError::Permanent(_)) => {
                self.metrics.job_failed();
                let error = result_text(&result);
                store::blocking(&self.store, move |s| s.fail(&ids, &error)).await
            }
            Err(_) if claim.attempts >= self.settings.max_attempts => {
                self.metrics.job_failed();
                let error = result_text(&result);
                store::blocking(&self.store, move |s| s.fail(&ids, &error)).await
            }
            Err(e) => {
                let run_at = match e {
                    JobError::RateLimited { until, .. } => (*until).max(now() + 1),
                    _ => now() + self.backoff(claim.attempts).as_secs() as i64,
                };
                let error = result_text(&result);
                store::blocking(&self.store, move |s| s.retry_at(&ids, run_at, &error)).await
            }
        };
        match &result {
            Ok(()) => tracing::info!(repo = %claim.repo, jobs = ?claim.job_ids, "reconciled"),
            Err(e) => {
                tracing::warn!(repo = %claim.repo, attempt = claim.attempts, error = %e, "reconcile failed")
            }
        }
        if let Err(e) = outcome {
            tracing::error!(repo = %claim.repo, error = %e, "could not record a job's outcome");
        }
        self.outcomes.send_modify(|recorded| *recorded += 1);
        self.wake();
    }

    /// Renews the claim's lease four times per lease; resolves only once the lease is lost:
    /// another instance took it, or no renewal got through before it ran out.
    async fn keep_lease(&self, claim: &Claim) {
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

    fn backoff(&self, attempts: u32) -> Duration {
        self.settings.backoff * 2u32.saturating_pow(attempts.saturating_sub(1).min(16))
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

fn result_text(result: &Result<(), JobError>) -> String {
    match result {
        Ok(()) => String::new(),
        Err(e) => e.to_string(),
    }
}
