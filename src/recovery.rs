//! Recovering what GitHub could not deliver. GitHub does not try a failed delivery again by
//! itself: at start-up and every few minutes, one instance at a time walks GitHub's log of
//! deliveries to the App's webhook, newest first, back to where the last walk left off (never
//! past the three days GitHub keeps), and asks GitHub to deliver again every event of a kind
//! the App handles that no attempt delivered and the App has not recorded. The App records
//! each delivery under its `X-GitHub-Delivery`, which a redelivery keeps, so an event asked for
//! twice is still worked on once. The rules are [`crate::redeliver`]'s; this is the I/O.

use crate::github::{GitHubApp, GitHubError, HookDeliveryItem};
use crate::metrics::Metrics;
use crate::queue::now;
use crate::redeliver::{
    Attempt, Backoff, DeliveryGuid, HookDeliveryId, Pending, WalkLimit, select, unanswered,
};
use crate::store::{self, SharedStore, StoreError};
use crate::webhook::may_be_work;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How often the log is walked by default, in seconds.
pub const DEFAULT_RECOVERY_SECS: u64 = 300;

/// How long a walk's turn outlasts its interval: a request in flight when the walk's time is
/// up (GitHub's retries included) has this long to end before another instance may walk.
const TURN_SLACK_SECS: i64 = 120;

/// The longest wait before an event whose redeliveries keep failing is asked for again.
const LONGEST_BACKOFF_SECS: i64 = 3600;

#[derive(Debug, Clone)]
pub struct RecoverySettings {
    /// How often GitHub's log is walked; zero turns recovery off. Also the most one walk may
    /// take, and the first wait before an event whose redelivery failed is asked for again.
    pub interval: Duration,
    /// Entries asked for per page of the log (GitHub gives at most 100).
    pub per_page: u32,
    /// The pause between two requests for a redelivery: GitHub asks for a second between
    /// writes.
    pub spacing: Duration,
}

impl Default for RecoverySettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(DEFAULT_RECOVERY_SECS),
            per_page: 100,
            spacing: Duration::from_secs(1),
        }
    }
}

impl RecoverySettings {
    /// Recovery turned off.
    pub fn off() -> Self {
        Self {
            interval: Duration::ZERO,
            ..Self::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("{0}")]
    GitHub(#[from] GitHubError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("GitHub's log was not read to the checkpoint within the walk's time")]
    OutOfTime,
}

/// Which turn a walk asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Whenever no other instance is walking: at start-up, when the App may just have missed
    /// deliveries.
    Now,
    /// Only if no walk began within the last interval, on this instance or another.
    WhenDue,
}

/// What one walk did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkReport {
    /// Pages of GitHub's log read, and the attempts on them before the walk's limit.
    pub pages: usize,
    pub attempts: usize,
    /// Events GitHub agreed to deliver again.
    pub recovered: usize,
    /// Events GitHub refused to deliver again, or the walk had no time left for; asked for
    /// again at the next walk.
    pub not_asked: usize,
    /// The walk's time ran out before it had asked for every event: the next walk follows at
    /// once rather than an interval later.
    pub cut_short: bool,
    /// Events whose earlier redelivery failed too, waiting to be asked for again.
    pub waiting: usize,
    /// The oldest gap left, as `switchyard_delivery_gap_seconds` shows it.
    pub oldest_gap_secs: i64,
    /// Where the next walk stops.
    pub checkpoint: Option<HookDeliveryId>,
}

/// The walker of GitHub's delivery log for one App.
pub struct Recovery {
    app: Arc<GitHubApp>,
    store: SharedStore,
    metrics: Arc<Metrics>,
    settings: RecoverySettings,
    /// This instance's name on the turn it holds.
    holder: String,
}

impl Recovery {
    pub fn new(
        app: Arc<GitHubApp>,
        store: SharedStore,
        metrics: Arc<Metrics>,
        settings: RecoverySettings,
    ) -> Self {
        Self {
            app,
            store,
            metrics,
            settings,
            holder: store::instance_name(),
        }
    }

    /// Walks at start-up and then each interval, until `stopped` turns true. A walk under way
    /// then is dropped, its turn given up, and its checkpoint left where it was.
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        if self.settings.interval.is_zero() {
            return;
        }
        let mut turn = Turn::Now;
        loop {
            let walked = tokio::select! {
                walked = self.walk(turn) => walked,
                () = until_stopped(&mut stopped) => {
                    self.give_up_turn().await;
                    return;
                }
            };
            report(&walked);
            if matches!(&walked, Ok(Some(walk)) if walk.cut_short) {
                // More is missing than one walk could ask for: go on at once.
                turn = Turn::Now;
                continue;
            }
            turn = Turn::WhenDue;
            tokio::select! {
                () = tokio::time::sleep(self.settings.interval) => {}
                () = until_stopped(&mut stopped) => return,
            }
        }
    }

    /// One walk, if this instance gets the turn (`None` when it does not): reads GitHub's log
    /// back to the checkpoint, asks for what is missing, and keeps the new checkpoint.
    pub async fn walk(&self, turn: Turn) -> Result<Option<WalkReport>, RecoveryError> {
        let began = now();
        let interval = self.settings.interval.as_secs().max(1) as i64;
        let last_began_by = match turn {
            Turn::Now => None,
            // A second's slack, so that this instance's own timer never misses its turn.
            Turn::WhenDue => Some(began - interval + 1),
        };
        let (holder, lease_until) = (self.holder.clone(), began + interval + TURN_SLACK_SECS);
        let Some(taken) = store::blocking(&self.store, move |s| {
            s.begin_recovery(&holder, began, lease_until, last_began_by)
        })
        .await?
        else {
            return Ok(None);
        };
        let deadline = Instant::now() + self.settings.interval;
        let walked = self.walk_from(taken.checkpoint, began, deadline).await;
        let checkpoint = walked.as_ref().ok().and_then(|report| report.checkpoint);
        let holder = self.holder.clone();
        let kept =
            store::blocking(&self.store, move |s| s.end_recovery(&holder, checkpoint)).await?;
        if !kept {
            tracing::warn!(
                "the walk of GitHub's delivery log outlasted its turn; its checkpoint was not kept"
            );
        }
        walked.map(Some)
    }

    async fn give_up_turn(&self) {
        let holder = self.holder.clone();
        if let Err(e) = store::blocking(&self.store, move |s| s.end_recovery(&holder, None)).await {
            tracing::warn!(error = %e, "could not give up the turn at walking GitHub's delivery log");
        }
    }

    async fn walk_from(
        &self,
        checkpoint: Option<HookDeliveryId>,
        began: i64,
        deadline: Instant,
    ) -> Result<WalkReport, RecoveryError> {
        let (attempts, pages) = self
            .read_log(WalkLimit::new(checkpoint, began), deadline)
            .await?;
        let missing = unanswered(&attempts, may_be_work);
        let recorded =
            store::blocking(&self.store, move |s| s.recorded_deliveries(&missing)).await?;
        let backoff = Backoff {
            first: self.settings.interval.as_secs() as i64,
            longest: LONGEST_BACKOFF_SECS,
        };
        let selection = select(&attempts, &recorded, may_be_work, began, backoff);
        let (asked, cut_short) = self.ask_again(&selection.redeliver, deadline).await;
        let oldest_gap_secs = selection.oldest_gap(now(), &asked);
        self.metrics.set_delivery_gap(oldest_gap_secs);
        Ok(WalkReport {
            pages,
            attempts: attempts.len(),
            recovered: asked.len(),
            not_asked: selection.redeliver.len() - asked.len(),
            cut_short,
            waiting: selection.waiting.len(),
            oldest_gap_secs,
            checkpoint: selection.checkpoint(checkpoint),
        })
    }

    /// The log's attempts from the newest back to `limit`, and the pages read for them.
    async fn read_log(
        &self,
        limit: WalkLimit,
        deadline: Instant,
    ) -> Result<(Vec<Attempt>, usize), RecoveryError> {
        let mut attempts = Vec::new();
        let mut pages = 0;
        let mut next = Some(GitHubApp::hook_deliveries_start(self.settings.per_page));
        while let Some(page) = next {
            if Instant::now() >= deadline {
                return Err(RecoveryError::OutOfTime);
            }
            let listed = self.app.hook_deliveries(&page).await?;
            pages += 1;
            next = listed.next;
            for item in listed.items {
                let attempt = attempt(item);
                if limit.reached(&attempt) {
                    return Ok((attempts, pages));
                }
                attempts.push(attempt);
            }
        }
        Ok((attempts, pages))
    }

    /// Asks GitHub to deliver each pending event again, a pause between requests, until the
    /// walk's time is up: the guids GitHub agreed to deliver, and whether time ran out.
    async fn ask_again(
        &self,
        pending: &[Pending],
        deadline: Instant,
    ) -> (HashSet<DeliveryGuid>, bool) {
        let mut asked = HashSet::new();
        for (n, event) in pending.iter().enumerate() {
            if n > 0 {
                tokio::time::sleep(self.settings.spacing).await;
            }
            if Instant::now() >= deadline {
                tracing::info!(
                    left = pending.len() - n,
                    "the walk's time is up; the next walk asks for the rest"
                );
                return (asked, true);
            }
            match self.app.redeliver(event.latest).await {
                Ok(()) => {
                    self.metrics.delivery_recovered();
                    asked.insert(event.guid.clone());
                    tracing::info!(
                        delivery = %event.guid.0,
                        event = %event.event,
                        action = event.action.as_deref().unwrap_or("-"),
                        failed_secs_ago = now() - event.failed_at,
                        redeliveries_before = event.redeliveries,
                        "asked GitHub to deliver again an event it could not deliver"
                    );
                }
                Err(e @ (GitHubError::RateLimited { .. } | GitHubError::Transport { .. })) => {
                    tracing::warn!(delivery = %event.guid.0, error = %e, "GitHub did not take a request for a redelivery; the next walk asks again");
                    break;
                }
                Err(e) => {
                    tracing::warn!(delivery = %event.guid.0, error = %e, "GitHub refused to deliver an event again; the next walk asks again");
                }
            }
        }
        (asked, false)
    }
}

/// Resolves once a shutdown is asked for, or nobody can ask for one any more.
async fn until_stopped(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// One entry of GitHub's log as the rules read it.
fn attempt(item: HookDeliveryItem) -> Attempt {
    Attempt {
        id: HookDeliveryId(item.id),
        guid: DeliveryGuid(item.guid),
        delivered_at: item.delivered_at.timestamp(),
        redelivery: item.redelivery,
        // Anything else than an HTTP status is no answer, as GitHub's 0 is.
        status_code: u16::try_from(item.status_code).unwrap_or(0),
        event: item.event,
        action: item.action,
    }
}

fn report(walked: &Result<Option<WalkReport>, RecoveryError>) {
    match walked {
        Ok(Some(walk)) if walk.recovered + walk.not_asked + walk.waiting > 0 => tracing::info!(
            recovered = walk.recovered,
            not_asked = walk.not_asked,
            waiting = walk.waiting,
            cut_short = walk.cut_short,
            oldest_gap_secs = walk.oldest_gap_secs,
            pages = walk.pages,
            "walked GitHub's delivery log"
        ),
        Ok(Some(walk)) => tracing::debug!(
            attempts = walk.attempts,
            pages = walk.pages,
            "walked GitHub's delivery log: nothing missing"
        ),
        Ok(None) => tracing::debug!("another instance walks GitHub's delivery log now"),
        Err(e) => {
            tracing::warn!(error = %e, "could not walk GitHub's delivery log; the next walk tries again")
        }
    }
}
