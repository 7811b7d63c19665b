//! What happens around every request, in GitHub's order: scripted failures, authentication,
//! the primary rate limit, the limits on writes, the handler, ETags, rate-limit headers, and
//! the request log.

use std::time::{Instant, SystemTime};

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Shared;
use crate::auth::{self, Caller, unix_secs};
use crate::failure::{self, Failure};
use crate::hash;
use crate::log::RequestRecord;
use crate::rate_limit::RateKey;
use crate::state::World;

/// Why a request never reached its handler.
enum Refusal {
    Scripted(Failure),
    Denied(crate::error::ApiError),
    RateLimited(RateKey),
    /// A write past the installation's limits on writes: wait this many seconds.
    WritesLimited(u64),
}

pub(crate) async fn gateway(
    State(shared): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let json_body = serde_json::from_slice::<serde_json::Value>(&body).ok();
    let mut request = Request::from_parts(parts, Body::from(body));
    let now = SystemTime::now();
    let now_instant = Instant::now();
    let now_secs = unix_secs(now);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let template = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(path.as_str(), MatchedPath::as_str);
    let endpoint = format!("{method} {template}");
    let if_none_match = header(&request, IF_NONE_MATCH);
    let authorization = header(&request, AUTHORIZATION);
    let accept = header(&request, ACCEPT);

    let write = method != Method::GET && method != Method::HEAD;
    let (caller, refusal, latency) = {
        let mut world = shared.lock();
        let caller = auth::identify(&world, authorization.as_deref(), now);
        if write && let Caller::Installation(id) = caller {
            world.limiter.arrived(id, now_instant);
        }
        let refusal = refusal(&mut world, &caller, &method, &path, now_instant, now_secs);
        (caller, refusal, world.latency)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let primary_reset = match &refusal {
        Some(Refusal::Scripted(Failure::PrimaryRateLimit { reset_in_secs })) => {
            Some(now_secs + reset_in_secs)
        }
        _ => None,
    };
    let mut response = match refusal {
        Some(Refusal::Scripted(failure)) => failure.into_response(),
        Some(Refusal::Denied(denied)) => denied.into_response(),
        Some(Refusal::RateLimited(key)) => failure::forbidden(&exhausted_message(key)),
        Some(Refusal::WritesLimited(secs)) => Failure::SecondaryRateLimit {
            retry_after_secs: secs,
        }
        .into_response(),
        None => {
            request.extensions_mut().insert(caller.clone());
            next.run(request).await
        }
    };

    // GitHub tags successful GETs and answers a matching `If-None-Match` with an empty 304 that
    // does not count against the rate limit.
    let mut counts_against_limit = true;
    if method == Method::GET && response.status() == StatusCode::OK {
        let (mut parts, body) = response.into_parts();
        let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
        let tag = hash::etag(&bytes);
        let tag_header = HeaderValue::from_str(&tag).expect("ETag is ASCII");
        response = if if_none_match
            .as_deref()
            .is_some_and(|candidates| etag_matches(candidates, &tag))
        {
            counts_against_limit = false;
            (StatusCode::NOT_MODIFIED, [(ETAG, tag_header)]).into_response()
        } else {
            parts.headers.insert(ETAG, tag_header);
            Response::from_parts(parts, Body::from(bytes))
        };
    }

    let mut world = shared.lock();
    let key = caller.rate_key();
    let mut limits = if counts_against_limit {
        world.rate_limits.spend(key, now_secs)
    } else {
        world.rate_limits.current(key, now_secs)
    };
    if let Some(reset) = primary_reset {
        limits.remaining = 0;
        limits.reset = reset;
    }
    limits.write_headers(response.headers_mut());
    if let (Caller::Installation(id), Some(secs)) = (&caller, retry_after(&response)) {
        world.limiter.told_to_wait(*id, secs, now_instant);
    }
    world.log.push(RequestRecord {
        method: method.to_string(),
        path,
        query,
        endpoint,
        status: response.status().as_u16(),
        at: now,
        accept,
        body: json_body,
    });
    response
}

/// A scripted failure comes first (an outage ignores credentials), then a random one, then
/// authentication, then the primary rate limit, then the limits on an installation's writes.
fn refusal(
    world: &mut World,
    caller: &Caller,
    method: &Method,
    path: &str,
    now: Instant,
    now_secs: u64,
) -> Option<Refusal> {
    let method = method.as_str();
    if let Some(failure) = failure::take(&mut world.failures, method, path) {
        return Some(Refusal::Scripted(failure));
    }
    if let Some(failure) = world
        .random_failures
        .as_mut()
        .and_then(|random| random.draw(method, path))
    {
        return Some(Refusal::Scripted(failure));
    }
    if let Err(denied) = auth::authorize(world, caller, path) {
        return Some(Refusal::Denied(denied));
    }
    let key = caller.rate_key();
    if world.rate_limits.current(key, now_secs).remaining == 0 {
        return Some(Refusal::RateLimited(key));
    }
    match caller {
        Caller::Installation(id) if method != "GET" && method != "HEAD" => world
            .limiter
            .admit(*id, now)
            .err()
            .map(Refusal::WritesLimited),
        _ => None,
    }
}

/// The wait a secondary rate limit asks for, in seconds.
fn retry_after(response: &Response) -> Option<u64> {
    if response.status() != StatusCode::FORBIDDEN
        && response.status() != StatusCode::TOO_MANY_REQUESTS
    {
        return None;
    }
    response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn header(request: &Request, name: HeaderName) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn exhausted_message(key: RateKey) -> String {
    let whom = match key {
        RateKey::Installation(id) => format!("installation ID {id}"),
        RateKey::App => "this app".to_owned(),
        RateKey::Anonymous => "this IP address".to_owned(),
    };
    format!(
        "API rate limit exceeded for {whom}. If you reach out to GitHub Support for help, please include the request ID."
    )
}

/// Whether an `If-None-Match` list names this tag; weak and strong forms compare equal.
fn etag_matches(candidates: &str, tag: &str) -> bool {
    let strip = |candidate: &str| candidate.trim().trim_start_matches("W/").to_owned();
    candidates
        .split(',')
        .any(|candidate| candidate.trim() == "*" || strip(candidate) == strip(tag))
}

#[cfg(test)]
mod tests {
    use super::etag_matches;

    #[test]
    fn weak_and_strong_tags_match_and_lists_are_searched() {
        assert!(etag_matches("W/\"abc\"", "W/\"abc\""));
        assert!(etag_matches("\"abc\"", "W/\"abc\""));
        assert!(etag_matches("\"x\", W/\"abc\"", "W/\"abc\""));
        assert!(!etag_matches("W/\"abd\"", "W/\"abc\""));
    }
}
