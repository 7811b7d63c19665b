//! Primary rate limits: one budget per installation (as on GitHub, new tokens share it), one for
//! the app's JWT, one for unauthenticated callers.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue};

const HOUR_SECS: u64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RateKey {
    App,
    Installation(u64),
    Anonymous,
}

impl RateKey {
    fn hourly_limit(self) -> u32 {
        match self {
            RateKey::App | RateKey::Installation(_) => 5000,
            RateKey::Anonymous => 60,
        }
    }
}

/// What the `x-ratelimit-*` headers of one response say.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateSnapshot {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the budget refills.
    pub reset: u64,
}

impl RateSnapshot {
    pub fn write_headers(self, headers: &mut HeaderMap) {
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset));
        headers.insert(
            "x-ratelimit-used",
            HeaderValue::from(self.limit.saturating_sub(self.remaining)),
        );
        headers.insert("x-ratelimit-resource", HeaderValue::from_static("core"));
    }
}

#[derive(Default)]
pub(crate) struct RateLimits {
    buckets: HashMap<RateKey, RateSnapshot>,
}

impl RateLimits {
    /// The budget as it stands, refilled if its reset time has passed.
    pub fn current(&mut self, key: RateKey, now: u64) -> RateSnapshot {
        *self.bucket(key, now)
    }

    /// Spends one request from the budget and returns what is left.
    pub fn spend(&mut self, key: RateKey, now: u64) -> RateSnapshot {
        let bucket = self.bucket(key, now);
        bucket.remaining = bucket.remaining.saturating_sub(1);
        *bucket
    }

    pub fn set(&mut self, key: RateKey, remaining: u32, reset: u64) {
        let limit = key.hourly_limit().max(remaining);
        self.buckets.insert(
            key,
            RateSnapshot {
                limit,
                remaining,
                reset,
            },
        );
    }

    fn bucket(&mut self, key: RateKey, now: u64) -> &mut RateSnapshot {
        let fresh = RateSnapshot {
            limit: key.hourly_limit(),
            remaining: key.hourly_limit(),
            reset: now + HOUR_SECS,
        };
        let bucket = self.buckets.entry(key).or_insert(fresh);
        if now >= bucket.reset {
            *bucket = fresh;
        }
        bucket
    }
}
