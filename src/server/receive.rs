//! `POST /webhook`: verify, parse, record, answer. Nothing else happens before the answer,
//! and the job is on disk before a 202 goes out.

use super::AppState;
use super::body::BodyError;
use crate::queue::now;
use crate::store::{self, Delivery, Recorded};
use crate::webhook::{Disposition, Event, event_names, parse_event, route};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

pub async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    let delivery_id = header(&headers, "x-github-delivery")
        .unwrap_or("-")
        .to_owned();
    let event_name = header(&headers, "x-github-event").unwrap_or("-").to_owned();
    let (status, outcome, detail) = match state.bodies.read(&headers, body).await {
        Ok(held) => receive(&state, &headers, &held.bytes).await,
        Err(e) => {
            let (status, outcome) = match e {
                BodyError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
                BodyError::TooSlow => (StatusCode::REQUEST_TIMEOUT, "too_slow"),
                BodyError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
                BodyError::Broken(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            };
            answer(status, outcome, e.to_string())
        }
    };
    // The header comes before the signature is checked: as a metric label, only names the
    // App reads are kept, so that no sender can grow the label set without end.
    let event_label = event_names()
        .find(|name| *name == event_name)
        .unwrap_or("other");
    state.metrics.delivery(event_label, outcome);
    tracing::info!(
        delivery = %delivery_id,
        event = %event_name,
        action = detail.action.as_deref().unwrap_or("-"),
        repo = detail.repo.as_deref().unwrap_or("-"),
        outcome,
        status = status.as_u16(),
        "{}",
        detail.message
    );
    (status, detail.message)
}

#[derive(Default)]
struct Detail {
    action: Option<String>,
    repo: Option<String>,
    message: String,
}

fn answer(
    status: StatusCode,
    outcome: &'static str,
    message: impl Into<String>,
) -> (StatusCode, &'static str, Detail) {
    (
        status,
        outcome,
        Detail {
            message: message.into(),
            ..Detail::default()
        },
    )
}

async fn receive(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> (StatusCode, &'static str, Detail) {
    if let Err(e) = state
        .secrets
        .verify(header(headers, "x-hub-signature-256"), body)
    {
        return answer(StatusCode::UNAUTHORIZED, "bad_signature", e.to_string());
    }
    let Some(event_name) = header(headers, "x-github-event") else {
        return answer(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the X-GitHub-Event header is missing",
        );
    };
    let Some(delivery_id) = header(headers, "x-github-delivery") else {
        return answer(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the X-GitHub-Delivery header is missing",
        );
    };
    let not_json = || {
        answer(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the body is not JSON",
        )
    };
    // The events Switchyard reads are checked as they are parsed; the rest only here.
    let event = match parse_event(event_name, body) {
        Ok(Event::Ping | Event::Other { .. })
            if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() =>
        {
            return not_json();
        }
        Ok(event) => event,
        Err(e) if e.is_not_json() => return not_json(),
        Err(e) => return answer(StatusCode::BAD_REQUEST, "bad_request", e.to_string()),
    };
    let action = event.action().map(str::to_owned);
    let repo = event.repo().map(|r| r.to_string());
    let with = |status, outcome, message: &str| {
        (
            status,
            outcome,
            Detail {
                action: action.clone(),
                repo: repo.clone(),
                message: message.to_owned(),
            },
        )
    };
    let (changes, jobs) = match route(&event) {
        Disposition::Ignore("ping") => return with(StatusCode::OK, "ping", "pong"),
        Disposition::Ignore(reason) => return with(StatusCode::OK, "ignored", reason),
        Disposition::Work { changes, jobs } => (changes, jobs),
    };
    let delivery = Delivery {
        id: delivery_id.to_owned(),
        event: event_name.to_owned(),
        action: action.clone(),
        repo: event.repo().cloned(),
        received_at: now(),
    };
    let recorded = store::record(&state.store, delivery, changes, jobs).await;
    match recorded {
        Ok(Recorded::New) => {
            state.queue.wake();
            with(StatusCode::ACCEPTED, "queued", "queued")
        }
        Ok(Recorded::Duplicate) => with(StatusCode::OK, "duplicate", "already received"),
        Err(e) => with(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_error",
            &format!("could not record the delivery: {e}"),
        ),
    }
}
