//! The App's webhook: GitHub sending it events, and GitHub's log of those deliveries.
//!
//! Where the shapes and rules come from (GitHub's REST description, `@octokit/openapi`,
//! operations `apps/list-webhook-deliveries` and `apps/redeliver-webhook-delivery`, and
//! GitHub's webhook documentation):
//! - Every attempt at delivering an event is logged with an `id` of its own; every attempt at
//!   one event shares its `guid`, which is the `X-GitHub-Delivery` header. A redelivery is a
//!   new attempt, `redelivery: true`, of the same event, to the webhook URL as it is now.
//! - A delivery is `POST`ed with `X-GitHub-Event`, `X-GitHub-Delivery` and
//!   `X-Hub-Signature-256` (`sha256=` and the HMAC-SHA256 of the body under the webhook
//!   secret, in hex); GitHub waits 10 seconds for an answer and never tries again by itself.
//! - `status_code` is the App's answer, 0 when none came, with `status` saying why ("OK",
//!   "failed to connect", "timed out", "Invalid HTTP Response: 503").
//! - The log is kept three days.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use sha2::Sha256;

use crate::{FakeGitHub, Shared, hash};

/// How long GitHub waits for the App's answer.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// How long GitHub keeps its log of deliveries.
pub(crate) const KEPT_FOR: chrono::TimeDelta = chrono::TimeDelta::days(3);

/// One attempt at delivering an event to the App's webhook, as GitHub logs it.
#[derive(Debug, Clone, PartialEq)]
pub struct HookDelivery {
    pub id: u64,
    /// The event's id, shared by every attempt at it: the `X-GitHub-Delivery` header.
    pub guid: String,
    pub delivered_at: DateTime<Utc>,
    pub redelivery: bool,
    /// Seconds the attempt took.
    pub duration: f64,
    pub status: String,
    /// The App's answer; 0 when none came.
    pub status_code: u16,
    pub event: String,
    pub action: Option<String>,
    pub installation_id: Option<u64>,
    pub repository_id: Option<u64>,
}

/// Where GitHub sends the App's events.
#[derive(Debug, Clone)]
struct Webhook {
    url: String,
    secret: String,
}

/// The webhook as configured, and every attempt at it, oldest first, with what it sent.
#[derive(Default)]
pub(crate) struct HookLog {
    webhook: Option<Webhook>,
    attempts: Vec<(HookDelivery, Arc<Vec<u8>>)>,
}

impl HookLog {
    /// The attempts still kept at `now`, newest first.
    pub fn kept_newest_first(&self, now: DateTime<Utc>) -> Vec<&HookDelivery> {
        self.attempts
            .iter()
            .rev()
            .map(|(attempt, _)| attempt)
            .filter(|attempt| attempt.delivered_at > now - KEPT_FOR)
            .collect()
    }

    /// A kept attempt and the body it sent.
    pub fn kept(&self, id: u64, now: DateTime<Utc>) -> Option<(HookDelivery, Arc<Vec<u8>>)> {
        self.attempts
            .iter()
            .find(|(attempt, _)| attempt.id == id && attempt.delivered_at > now - KEPT_FOR)
            .cloned()
    }
}

/// What GitHub sends for one event: its names and ids, and the body.
pub(crate) struct Event {
    pub guid: String,
    pub name: String,
    pub action: Option<String>,
    pub installation_id: Option<u64>,
    pub repository_id: Option<u64>,
    pub body: Arc<Vec<u8>>,
}

impl Event {
    fn of(guid: String, name: &str, payload: &Value) -> Self {
        Event {
            guid,
            name: name.to_owned(),
            action: payload["action"].as_str().map(str::to_owned),
            installation_id: payload["installation"]["id"].as_u64(),
            repository_id: payload["repository"]["id"].as_u64(),
            body: Arc::new(serde_json::to_vec(payload).expect("a payload serializes")),
        }
    }

    /// The event an earlier attempt delivered, to deliver again.
    pub fn again(attempt: &HookDelivery, body: Arc<Vec<u8>>) -> Self {
        Event {
            guid: attempt.guid.clone(),
            name: attempt.event.clone(),
            action: attempt.action.clone(),
            installation_id: attempt.installation_id,
            repository_id: attempt.repository_id,
            body,
        }
    }
}

/// Sends `event` to the webhook as it is configured now, and logs the attempt.
pub(crate) async fn deliver(shared: &Shared, event: Event, redelivery: bool) -> HookDelivery {
    let (webhook, app_id) = {
        let world = shared.lock();
        (world.hooks.webhook.clone(), world.app.id)
    };
    let delivered_at = Utc::now();
    let started = Instant::now();
    let (status_code, status) = match webhook {
        Some(webhook) => post(&webhook, app_id, &event).await,
        None => (0, "no webhook URL is set".to_owned()),
    };
    let mut world = shared.lock();
    let attempt = HookDelivery {
        id: world.seq.id(),
        guid: event.guid,
        delivered_at,
        redelivery,
        duration: started.elapsed().as_secs_f64(),
        status,
        status_code,
        event: event.name,
        action: event.action,
        installation_id: event.installation_id,
        repository_id: event.repository_id,
    };
    world.hooks.attempts.push((attempt.clone(), event.body));
    attempt
}

/// One `POST` as GitHub makes it: the App's status, or 0 and why there was none.
async fn post(webhook: &Webhook, app_id: u64, event: &Event) -> (u16, String) {
    let request = axum::http::Request::post(&webhook.url)
        .header("content-type", "application/json")
        .header("user-agent", "GitHub-Hookshot/fake")
        .header("x-github-event", &event.name)
        .header("x-github-delivery", &event.guid)
        .header("x-github-hook-installation-target-type", "integration")
        .header("x-github-hook-installation-target-id", app_id.to_string())
        .header(
            "x-hub-signature-256",
            signature(&webhook.secret, &event.body),
        )
        .body(Full::new(Bytes::from(event.body.as_ref().clone())));
    let Ok(request) = request else {
        return (0, "invalid webhook URL".to_owned());
    };
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let exchange = async {
        let response = client.request(request).await?;
        let status = response.status().as_u16();
        // The whole answer is read, as GitHub reads it, before the connection is dropped.
        let _ = response.into_body().collect().await;
        Ok::<_, hyper_util::client::legacy::Error>(status)
    };
    match tokio::time::timeout(ANSWER_WITHIN, exchange).await {
        Ok(Ok(status)) if (200..300).contains(&status) => (status, "OK".to_owned()),
        Ok(Ok(status)) => (status, format!("Invalid HTTP Response: {status}")),
        Ok(Err(_)) => (0, "failed to connect to host".to_owned()),
        Err(_) => (0, "timed out".to_owned()),
    }
}

/// `X-Hub-Signature-256` of `body` under `secret`.
fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// The App's webhook, as a test drives GitHub's side of it.
impl FakeGitHub {
    /// Where GitHub delivers the App's events, and the secret it signs them with (as in the
    /// App's settings on GitHub). Redeliveries go where this says at the time.
    pub fn set_webhook(&self, url: &str, secret: &str) {
        self.world().hooks.webhook = Some(Webhook {
            url: url.to_owned(),
            secret: secret.to_owned(),
        });
    }

    /// Delivers a new event to the webhook, as GitHub does when it happens (a new guid), and
    /// returns the attempt as logged: what the App answered, or why it did not.
    pub async fn send_webhook(&self, event: &str, payload: &Value) -> HookDelivery {
        let guid = {
            let mut world = self.world();
            let seed = hash::fake_sha(&format!("delivery:{}", world.seq.id()));
            format!(
                "{}-{}-4{}-8{}-{}",
                &seed[..8],
                &seed[8..12],
                &seed[13..16],
                &seed[17..20],
                &seed[20..32]
            )
        };
        deliver(&self.shared, Event::of(guid, event, payload), false).await
    }

    /// Every attempt at delivering to the webhook, oldest first.
    pub fn hook_deliveries(&self) -> Vec<HookDelivery> {
        self.world()
            .hooks
            .attempts
            .iter()
            .map(|(attempt, _)| attempt.clone())
            .collect()
    }

    /// Moves every logged attempt `by` into the past; those past three days are gone from the
    /// log, as on GitHub.
    pub fn age_hook_deliveries(&self, by: Duration) {
        let by = chrono::TimeDelta::from_std(by).expect("an age in range");
        for (attempt, _) in &mut self.world().hooks.attempts {
            attempt.delivered_at -= by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn the_signature_is_githubs_example() {
        // GitHub's documentation, "Validating webhook deliveries": secret "It's a Secret to
        // Everybody", payload "Hello, World!".
        assert_eq!(
            signature("It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }
}
