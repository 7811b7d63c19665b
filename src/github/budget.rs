//! One budget per installation, shared by every worker and, through the database, by every
//! instance, as GitHub asks of Apps: writes go out one at a time with at least a second between
//! them; a secondary rate limit met by a write pauses every write of the installation until the
//! time GitHub gives, and one met by a read (or the primary limit spent) pauses every request,
//! so that no other worker spends a request to find the limit again.
//!
//! Times are unix milliseconds: instances sharing a ledger compare them, so their clocks must
//! agree, as for leases.

use super::error::GitHubError;
use crate::ids::InstallationId;
use crate::metrics::Metrics;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

/// Until when an installation's requests wait, as unix milliseconds (0: they don't).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pauses {
    /// Writes wait until then: a write met a secondary rate limit.
    pub writes_until: i64,
    /// Every request waits until then: a read met a secondary limit, or the hour's budget is
    /// spent.
    pub all_until: i64,
}

impl Pauses {
    /// When a request of this kind may go.
    fn until(self, write: bool) -> i64 {
        if write {
            self.writes_until.max(self.all_until)
        } else {
            self.all_until
        }
    }

    fn max(self, other: Pauses) -> Pauses {
        Pauses {
            writes_until: self.writes_until.max(other.writes_until),
            all_until: self.all_until.max(other.all_until),
        }
    }
}

/// Where the budget is kept: the store. Calls block; the budget makes them off the executor.
pub trait Ledger: Send + Sync + 'static {
    /// Whether other processes keep their budget here too: then each write takes its slot
    /// from the ledger. Otherwise this process alone writes, and the ledger only keeps pauses
    /// across restarts.
    fn shared(&self) -> bool;
    /// Takes the installation's next write slot: `now`, or `interval_ms` after the slot taken
    /// before it, whichever is later. Returns the slot and the pauses on record.
    fn take_write_slot(
        &self,
        installation: InstallationId,
        now: i64,
        interval_ms: i64,
    ) -> Result<(i64, Pauses), String>;
    /// Records pauses; a later one already on record stays.
    fn pause(&self, installation: InstallationId, pauses: Pauses) -> Result<(), String>;
    fn pauses(&self, installation: InstallationId) -> Result<Pauses, String>;
}

/// How long what another instance recorded may go unseen by this one's reads.
const SHARED_REFRESH_MS: i64 = 1000;

/// The budget of every installation this process works for.
pub struct Budget {
    ledger: Arc<dyn Ledger>,
    shared: bool,
    /// The least time between two writes of one installation.
    interval: Duration,
    metrics: Arc<Metrics>,
    installations: Mutex<HashMap<InstallationId, Arc<Installation>>>,
}

/// One installation's budget as this process knows it.
struct Installation {
    /// Held for the length of a write, so this process's writes go one at a time; holds the
    /// last write's slot.
    writing: Arc<tokio::sync::Mutex<i64>>,
    known: Mutex<Known>,
}

#[derive(Default)]
struct Known {
    pauses: Pauses,
    /// When the pauses were last read from the ledger; `None`: never.
    read_at: Option<i64>,
}

/// The right to send one write; the next write of the installation in this process waits
/// until it is dropped.
pub struct WriteTurn {
    _held: OwnedMutexGuard<i64>,
}

/// A rate limit one answer reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A secondary limit: wait until then.
    Secondary { until: i64 },
    /// The hour's requests are spent until then.
    Primary { until: i64 },
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Budget {
    pub fn new(ledger: Arc<dyn Ledger>, interval: Duration, metrics: Arc<Metrics>) -> Self {
        Self {
            shared: ledger.shared(),
            ledger,
            interval,
            metrics,
            installations: Mutex::new(HashMap::new()),
        }
    }

    fn installation(&self, id: InstallationId) -> Arc<Installation> {
        let mut all = self
            .installations
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        all.entry(id)
            .or_insert_with(|| {
                Arc::new(Installation {
                    writing: Arc::new(tokio::sync::Mutex::new(0)),
                    known: Mutex::new(Known::default()),
                })
            })
            .clone()
    }

    /// Waits until a read of the installation may go, or says until when it may not, when
    /// that is further off than `max_wait`.
    pub async fn before_read(
        &self,
        id: InstallationId,
        max_wait: Duration,
    ) -> Result<(), GitHubError> {
        let installation = self.installation(id);
        loop {
            let until = self.pauses(id, &installation, false).await?.until(false);
            if until <= now_ms() {
                return Ok(());
            }
            wait_until(until, max_wait).await?;
        }
    }

    /// Waits for the installation's next write slot, outside any pause, and holds it while
    /// the write is sent.
    pub async fn before_write(
        &self,
        id: InstallationId,
        max_wait: Duration,
    ) -> Result<WriteTurn, GitHubError> {
        let installation = self.installation(id);
        let mut last = installation.writing.clone().lock_owned().await;
        let interval = self.interval.as_millis() as i64;
        loop {
            let now = now_ms();
            let until = self.pauses(id, &installation, false).await?.until(true);
            if until > now {
                wait_until(until, max_wait).await?;
                continue;
            }
            let slot = if self.shared {
                let ledger = self.ledger.clone();
                let (slot, pauses) =
                    blocking(move || ledger.take_write_slot(id, now, interval)).await?;
                let pauses = self.learn(&installation, pauses, Some(now));
                if pauses.until(true) > now {
                    continue;
                }
                slot
            } else {
                now.max(*last + interval)
            };
            wait_until(slot, max_wait).await?;
            // A pause may have come while the slot was awaited: then the slot goes unused.
            if self
                .pauses(id, &installation, self.shared)
                .await?
                .until(true)
                > now_ms()
            {
                continue;
            }
            *last = slot;
            return Ok(WriteTurn { _held: last });
        }
    }

    /// Records what an answer said of the rate limits: a pause for this installation's
    /// writes (a write met a secondary limit) or for all its requests, logged once per pause.
    pub async fn observe(
        &self,
        id: InstallationId,
        write: bool,
        limit: Limit,
    ) -> Result<(), GitHubError> {
        let installation = self.installation(id);
        // What pauses, until when, and how the log and the metrics say it.
        let (pauses, writes_only, what) = match limit {
            Limit::Secondary { until } if write => (
                Pauses {
                    writes_until: until,
                    all_until: 0,
                },
                true,
                "secondary rate limit on a write: writes pause",
            ),
            Limit::Secondary { until } => (
                Pauses {
                    writes_until: 0,
                    all_until: until,
                },
                false,
                "secondary rate limit on a read: every request pauses",
            ),
            Limit::Primary { until } => (
                Pauses {
                    writes_until: 0,
                    all_until: until,
                },
                false,
                "rate limit spent: every request pauses",
            ),
        };
        let now = now_ms();
        let before = self.known(&installation);
        let after = self.learn(&installation, pauses, None);
        if after == before {
            return Ok(());
        }
        let (was, is) = if writes_only {
            (before.until(true), after.until(true))
        } else {
            (before.all_until, after.all_until)
        };
        // A pause that starts, not one that runs a little longer: once per pause.
        if was <= now && is > now {
            self.metrics
                .github_pause(if writes_only { "writes" } else { "all" });
            tracing::warn!(
                installation = id.0,
                until = %chrono::DateTime::from_timestamp_millis(is).unwrap_or_default(),
                wait_secs = (is - now) as f64 / 1000.0,
                "{what}"
            );
        }
        let ledger = self.ledger.clone();
        blocking(move || ledger.pause(id, pauses)).await
    }

    fn known(&self, installation: &Installation) -> Pauses {
        installation
            .known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pauses
    }

    /// Merges pauses into what this process knows; `read_at` when they are the ledger's.
    fn learn(&self, installation: &Installation, pauses: Pauses, read_at: Option<i64>) -> Pauses {
        let mut known = installation
            .known
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        known.pauses = known.pauses.max(pauses);
        if read_at.is_some() {
            known.read_at = read_at;
        }
        known.pauses
    }

    /// The installation's pauses: read from the ledger the first time, and with other
    /// instances sharing it, again when what this process holds is older than a second or
    /// `fresh` asks for it.
    async fn pauses(
        &self,
        id: InstallationId,
        installation: &Installation,
        fresh: bool,
    ) -> Result<Pauses, GitHubError> {
        let now = now_ms();
        let read_at = installation
            .known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .read_at;
        let stale = match read_at {
            None => true,
            Some(at) => self.shared && (fresh || now - at >= SHARED_REFRESH_MS),
        };
        if !stale {
            return Ok(self.known(installation));
        }
        let ledger = self.ledger.clone();
        let pauses = blocking(move || ledger.pauses(id)).await?;
        Ok(self.learn(installation, pauses, Some(now)))
    }
}

/// Sleeps until `until` (unix milliseconds), unless that is further off than `max_wait`:
/// then the job ends, to run again at that time.
async fn wait_until(until: i64, max_wait: Duration) -> Result<(), GitHubError> {
    let wait = until - now_ms();
    if wait <= 0 {
        return Ok(());
    }
    let wait = Duration::from_millis(wait as u64);
    if wait > max_wait {
        return Err(GitHubError::RateLimited {
            until: until.div_euclid(1000) + i64::from(until.rem_euclid(1000) > 0),
        });
    }
    tokio::time::sleep(wait).await;
    Ok(())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, GitHubError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| GitHubError::Budget(e.to_string()))?
        .map_err(GitHubError::Budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ledger in memory, shared or not, counting its calls.
    #[derive(Default)]
    struct Memory {
        shared: bool,
        state: Mutex<(i64, Pauses)>,
        calls: Mutex<usize>,
    }

    impl Ledger for Memory {
        fn shared(&self) -> bool {
            self.shared
        }
        fn take_write_slot(
            &self,
            _: InstallationId,
            now: i64,
            interval: i64,
        ) -> Result<(i64, Pauses), String> {
            *self.calls.lock().unwrap() += 1;
            let mut state = self.state.lock().unwrap();
            let slot = state.0.max(now);
            state.0 = slot + interval;
            Ok((slot, state.1))
        }
        fn pause(&self, _: InstallationId, pauses: Pauses) -> Result<(), String> {
            *self.calls.lock().unwrap() += 1;
            let mut state = self.state.lock().unwrap();
            state.1 = state.1.max(pauses);
            Ok(())
        }
        fn pauses(&self, _: InstallationId) -> Result<Pauses, String> {
            *self.calls.lock().unwrap() += 1;
            Ok(self.state.lock().unwrap().1)
        }
    }

    fn budget(ledger: Arc<Memory>, interval_ms: u64) -> Budget {
        Budget::new(
            ledger,
            Duration::from_millis(interval_ms),
            Arc::new(Metrics::new()),
        )
    }

    const ID: InstallationId = InstallationId(7);
    const WAIT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn writes_are_spaced_by_the_interval_and_reads_are_not() {
        let ledger = Arc::new(Memory::default());
        let budget = budget(ledger.clone(), 100);
        let start = std::time::Instant::now();
        for _ in 0..3 {
            drop(budget.before_write(ID, WAIT).await.unwrap());
        }
        assert!(start.elapsed() >= Duration::from_millis(200));
        let reads = std::time::Instant::now();
        for _ in 0..3 {
            budget.before_read(ID, WAIT).await.unwrap();
        }
        assert!(reads.elapsed() < Duration::from_millis(50));
        assert_eq!(
            *ledger.calls.lock().unwrap(),
            1,
            "one process alone reads the ledger once and takes its slots itself"
        );
    }

    #[tokio::test]
    async fn a_limit_on_a_write_pauses_writes_not_reads_and_a_long_one_ends_the_job() {
        let ledger = Arc::new(Memory::default());
        let budget = budget(ledger.clone(), 0);
        let until = now_ms() + 60_000;
        budget
            .observe(ID, true, Limit::Secondary { until })
            .await
            .unwrap();
        budget.before_read(ID, WAIT).await.unwrap();
        match budget.before_write(ID, WAIT).await {
            Err(GitHubError::RateLimited { until: secs }) => {
                assert_eq!(secs, until.div_euclid(1000) + 1)
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a write went during the pause"),
        }
        assert_eq!(ledger.state.lock().unwrap().1.writes_until, until);
    }

    #[tokio::test]
    async fn a_short_pause_is_waited_out_by_reads_and_writes() {
        let ledger = Arc::new(Memory::default());
        let budget = budget(ledger, 0);
        let until = now_ms() + 300;
        budget
            .observe(ID, false, Limit::Primary { until })
            .await
            .unwrap();
        budget.before_read(ID, WAIT).await.unwrap();
        assert!(now_ms() >= until);
        drop(budget.before_write(ID, WAIT).await.unwrap());
    }

    #[tokio::test]
    async fn a_pause_another_instance_recorded_stops_this_ones_writes() {
        let ledger = Arc::new(Memory {
            shared: true,
            ..Memory::default()
        });
        let (here, there) = (budget(ledger.clone(), 50), budget(ledger.clone(), 50));
        drop(here.before_write(ID, WAIT).await.unwrap());
        let until = now_ms() + 60_000;
        there
            .observe(ID, true, Limit::Secondary { until })
            .await
            .unwrap();
        assert!(matches!(
            here.before_write(ID, WAIT).await,
            Err(GitHubError::RateLimited { .. })
        ));
    }

    #[tokio::test]
    async fn slots_from_a_shared_ledger_space_two_instances_writes() {
        let ledger = Arc::new(Memory {
            shared: true,
            ..Memory::default()
        });
        let (here, there) = (budget(ledger.clone(), 100), budget(ledger, 100));
        let start = std::time::Instant::now();
        drop(here.before_write(ID, WAIT).await.unwrap());
        drop(there.before_write(ID, WAIT).await.unwrap());
        drop(here.before_write(ID, WAIT).await.unwrap());
        assert!(start.elapsed() >= Duration::from_millis(200));
    }
}
