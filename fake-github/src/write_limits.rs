//! GitHub's secondary limits as an App meets them: writes (content-creating requests) capped per
//! installation per minute and per hour, refused beyond that with a 403 and `retry-after`; and a
//! count of the writes an App sent while it had been told to wait, which must be none.
//!
//! The limits' clock may run faster than the wall's ([`WriteLimits::time_scale`]), so that a
//! benchmark lives through an hour of GitHub's limits in a minute.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Writes allowed per installation, on a clock `time_scale` times faster than the wall's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimits {
    pub per_minute: usize,
    pub per_hour: usize,
    /// 1 for GitHub's own clock; 60 makes a minute last one real second, an hour one minute.
    pub time_scale: u32,
}

impl WriteLimits {
    /// GitHub's published limits on content-creating requests: 80 a minute, 500 an hour.
    pub fn github() -> Self {
        WriteLimits {
            per_minute: 80,
            per_hour: 500,
            time_scale: 1,
        }
    }

    fn window(&self, secs: u64) -> Duration {
        Duration::from_secs(secs) / self.time_scale.max(1)
    }
}

/// What the fake told each installation about waiting, and what came in while it had to wait.
#[derive(Default)]
pub(crate) struct Limiter {
    pub limits: Option<WriteLimits>,
    /// Each installation's writes accepted in the last (scaled) hour, oldest first.
    accepted: HashMap<u64, VecDeque<Instant>>,
    /// Until when each installation's writes were told to wait (a secondary limit).
    writes_until: HashMap<u64, Instant>,
    /// Writes refused for the limits above.
    pub refused: usize,
    /// Writes that arrived while their installation was told to wait.
    pub writes_while_limited: usize,
}

impl Limiter {
    /// Notes a write arriving, and whether its installation was told to wait.
    pub fn arrived(&mut self, installation: u64, now: Instant) {
        if self
            .writes_until
            .get(&installation)
            .is_some_and(|&until| now < until)
        {
            self.writes_while_limited += 1;
        }
    }

    /// Admits a write or says how long to wait: whole seconds, as `retry-after` has it.
    pub fn admit(&mut self, installation: u64, now: Instant) -> Result<(), u64> {
        let Some(limits) = self.limits else {
            return Ok(());
        };
        let (minute, hour) = (limits.window(60), limits.window(3600));
        let accepted = self.accepted.entry(installation).or_default();
        while accepted.front().is_some_and(|&at| now - at >= hour) {
            accepted.pop_front();
        }
        let in_minute = accepted.iter().rev().take_while(|&&at| now - at < minute);
        let frees = if in_minute.count() >= limits.per_minute {
            accepted
                .get(accepted.len() - limits.per_minute)
                .map(|&oldest| oldest + minute)
        } else if accepted.len() >= limits.per_hour {
            accepted
                .get(accepted.len() - limits.per_hour)
                .map(|&oldest| oldest + hour)
        } else {
            None
        };
        match frees {
            None => {
                accepted.push_back(now);
                Ok(())
            }
            Some(at) => {
                self.refused += 1;
                let wait = at.saturating_duration_since(now);
                Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
            }
        }
    }

    /// Notes that the installation was told to hold its writes for `secs`.
    pub fn told_to_wait(&mut self, installation: u64, secs: u64, now: Instant) {
        let until = now + Duration::from_secs(secs);
        let held = self.writes_until.entry(installation).or_insert(until);
        *held = (*held).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_minute_then_a_full_hour_refuse_until_the_oldest_write_leaves_the_window() {
        let mut limiter = Limiter {
            limits: Some(WriteLimits {
                per_minute: 2,
                per_hour: 3,
                time_scale: 1,
            }),
            ..Limiter::default()
        };
        let start = Instant::now();
        let at = |secs: u64| start + Duration::from_secs(secs);
        assert_eq!(limiter.admit(1, at(0)), Ok(()));
        assert_eq!(limiter.admit(1, at(10)), Ok(()));
        assert_eq!(limiter.admit(1, at(20)), Err(40), "two in the minute");
        assert_eq!(limiter.admit(2, at(20)), Ok(()), "another installation");
        assert_eq!(limiter.admit(1, at(60)), Ok(()));
        assert_eq!(limiter.admit(1, at(200)), Err(3400), "three in the hour");
        assert_eq!(limiter.admit(1, at(3600)), Ok(()));
        assert_eq!(limiter.refused, 2);
    }

    #[test]
    fn a_scaled_clock_shortens_the_windows() {
        let mut limiter = Limiter {
            limits: Some(WriteLimits {
                per_minute: 1,
                per_hour: 10,
                time_scale: 60,
            }),
            ..Limiter::default()
        };
        let start = Instant::now();
        assert_eq!(limiter.admit(1, start), Ok(()));
        assert_eq!(
            limiter.admit(1, start + Duration::from_millis(500)),
            Err(1),
            "a minute lasts a second"
        );
        assert_eq!(limiter.admit(1, start + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn what_arrives_while_told_to_wait_is_counted() {
        let mut limiter = Limiter::default();
        let start = Instant::now();
        limiter.told_to_wait(1, 2, start);
        limiter.arrived(1, start + Duration::from_secs(1));
        limiter.arrived(2, start + Duration::from_secs(1));
        limiter.arrived(1, start + Duration::from_secs(2));
        assert_eq!(limiter.writes_while_limited, 1);
    }
}
