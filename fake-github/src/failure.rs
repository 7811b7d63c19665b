//! Failures a test scripts for the next matching requests.

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
