//! Failures a test scripts for the next matching requests, or for a random share of them.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::error_body;
use crate::log::RoutePattern;

/// How a scripted request fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Answer with this status and GitHub's error body for it (e.g. 500, 502, 404).
    Status(u16),
    /// 403 with `retry-after`, as GitHub answers when a secondary rate limit trips.
    SecondaryRateLimit { retry_after_secs: u64 },
    /// 403 with `x-ratelimit-remaining: 0` and a reset this far ahead.
    PrimaryRateLimit { reset_in_secs: u64 },
}

pub(crate) struct ScriptedFailure {
    pub route: RoutePattern,
    pub failure: Failure,
    pub remaining: usize,
}

/// Takes one use of the first scripted failure matching the request, if any.
pub(crate) fn take(
    failures: &mut Vec<ScriptedFailure>,
    method: &str,
    path: &str,
) -> Option<Failure> {
    let index = failures
        .iter()
        .position(|scripted| scripted.route.matches(method, path))?;
    let failure = failures[index].failure;
    failures[index].remaining -= 1;
    if failures[index].remaining == 0 {
        failures.remove(index);
    }
    Some(failure)
}

/// Failures for a random share of the requests matching a route, until turned off. The
/// draws come from a seeded generator, so the same seed fails the same requests of the same
/// sequence again.
pub(crate) struct RandomFailures {
    pub route: RoutePattern,
    /// Out of 100 matching requests, how many fail on average.
    pub percent: u64,
    /// What a failing request gets, each equally likely.
    pub failures: Vec<Failure>,
    pub rng: SplitMix64,
    /// Requests failed so far.
    pub served: usize,
}

impl RandomFailures {
    /// Draws whether this request fails, and how.
    pub fn draw(&mut self, method: &str, path: &str) -> Option<Failure> {
        if self.failures.is_empty() || !self.route.matches(method, path) {
            return None;
        }
        if self.rng.next_u64() % 100 >= self.percent {
            return None;
        }
        let index = (self.rng.next_u64() % self.failures.len() as u64) as usize;
        self.served += 1;
        Some(self.failures[index])
    }
}

/// SplitMix64: small, fast, and well mixed from any seed, zero included. Tests that pick
/// their own random moments use it too, so one seed reproduces a whole run.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `range`.
    pub fn within(&mut self, range: std::ops::Range<usize>) -> usize {
        range.start + (self.next_u64() % (range.end - range.start) as u64) as usize
    }
}

impl Failure {
    pub(crate) fn into_response(self) -> Response {
        match self {
            Failure::Status(code) => {
                let status = StatusCode::from_u16(code)
                    .expect("scripted status must be a valid HTTP status");
                let message = status.canonical_reason().unwrap_or("Error");
                (status, axum::Json(error_body(status, message))).into_response()
            }
            Failure::SecondaryRateLimit { retry_after_secs } => {
                let message = "You have exceeded a secondary rate limit. Please wait a few minutes \
                               before you try again. If you reach out to GitHub Support for help, \
                               please include the request ID.";
                let mut response = forbidden(message);
                response
                    .headers_mut()
                    .insert("retry-after", HeaderValue::from(retry_after_secs));
                response
            }
            // The gateway sets the exhausted rate-limit headers that go with it.
            Failure::PrimaryRateLimit { .. } => forbidden(
                "API rate limit exceeded. If you reach out to GitHub Support for help, please \
                 include the request ID.",
            ),
        }
    }
}

pub(crate) fn forbidden(message: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::Json(error_body(StatusCode::FORBIDDEN, message)),
    )
        .into_response()
}
