//! `GET /app/hook/deliveries` and `POST /app/hook/deliveries/{delivery_id}/attempts`, as the
//! App (its JWT, which the gateway checks for every `/app` path).
//!
//! The log is listed newest first and paged by cursor (`per_page`, default 30, at most 100;
//! `cursor` from the `Link` header's `next`), optionally only redeliveries or only first
//! attempts (`redelivery`). Asking for an attempt again delivers its event once more and
//! answers 202 with an empty object; an attempt GitHub no longer keeps, or never made, is 404.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;
use serde_json::{Value, json};

use super::render::timestamp;
use super::{ApiResult, Ctx, with_link};
use crate::deliveries::{self, Event, HookDelivery};
use crate::error::ApiError;

const DEFAULT_PER_PAGE: usize = 30;
const MAX_PER_PAGE: usize = 100;

/// GitHub's cursors are opaque; the fake's name the first attempt of the page.
const CURSOR_PREFIX: &str = "v1_";

pub(crate) async fn list_deliveries(ctx: Ctx) -> ApiResult {
    let per_page = ctx
        .query("per_page")
        .and_then(|value| value.parse::<usize>().ok())
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let from = match ctx.query("cursor") {
        None => None,
        Some(cursor) => Some(
            cursor
                .strip_prefix(CURSOR_PREFIX)
                .and_then(|id| id.parse::<u64>().ok())
                .ok_or_else(|| ApiError::unprocessable(format!("Invalid cursor: {cursor}")))?,
        ),
    };
    let redelivery = match ctx.query("redelivery") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(ApiError::unprocessable(format!(
                "redelivery: {other} is not a boolean"
            )));
        }
    };
    let world = ctx.lock();
    let listed: Vec<&HookDelivery> = world
        .hooks
        .kept_newest_first(Utc::now())
        .into_iter()
        .filter(|attempt| redelivery.is_none_or(|wanted| attempt.redelivery == wanted))
        .filter(|attempt| from.is_none_or(|from| attempt.id <= from))
        .collect();
    let page: Vec<Value> = listed.iter().take(per_page).map(|a| render(a)).collect();
    let next = listed.get(per_page).map(|next| {
        let mut url = format!(
            "{}/app/hook/deliveries?per_page={per_page}&cursor={CURSOR_PREFIX}{}",
            ctx.base(),
            next.id
        );
        if let Some(redelivery) = redelivery {
            url.push_str(&format!("&redelivery={redelivery}"));
        }
        format!("<{url}>; rel=\"next\"")
    });
    Ok(with_link(Value::Array(page), next))
}

pub(crate) async fn redeliver(ctx: Ctx) -> ApiResult {
    let id = ctx.number("delivery_id")?;
    let (attempt, body) = ctx
        .lock()
        .hooks
        .kept(id, Utc::now())
        .ok_or(ApiError::NotFound)?;
    deliveries::deliver(&ctx.shared, Event::again(&attempt, body), true).await;
    Ok((StatusCode::ACCEPTED, axum::Json(json!({}))).into_response())
}

/// An attempt as GitHub lists it (`hook-delivery-item`).
fn render(attempt: &HookDelivery) -> Value {
    json!({
        "id": attempt.id,
        "guid": attempt.guid,
        "delivered_at": timestamp(attempt.delivered_at),
        "redelivery": attempt.redelivery,
        "duration": attempt.duration,
        "status": attempt.status,
        "status_code": attempt.status_code,
        "event": attempt.event,
        "action": attempt.action,
        "installation_id": attempt.installation_id,
        "repository_id": attempt.repository_id,
        "throttled_at": null,
    })
}
