//! The App's own webhook, called as the App (its JWT, no installation): GitHub's log of the
//! deliveries it attempted, and asking it to deliver one again. Neither needs a permission
//! beyond being the App.

use super::GitHubApp;
use crate::github::client::{decode, error_for, next_link};
use crate::github::error::GitHubError;
use crate::redeliver::HookDeliveryId;
use chrono::{DateTime, Utc};
use http::Method;
use serde::Deserialize;

/// GitHub allows at most this many entries per page of the log.
const MAX_HOOK_DELIVERIES_PER_PAGE: u32 = 100;

/// One entry of GitHub's log of deliveries to the App's webhook (its `hook-delivery-item`):
/// one attempt at delivering one event.
#[derive(Debug, Clone, Deserialize)]
pub struct HookDeliveryItem {
    pub id: u64,
    /// Shared by every attempt at delivering the event: its `X-GitHub-Delivery`.
    pub guid: String,
    pub delivered_at: DateTime<Utc>,
    pub redelivery: bool,
    /// The App's answer; GitHub gives 0 when none came (no connection, a timeout).
    pub status_code: i64,
    pub event: String,
    pub action: Option<String>,
}

/// One page of the log, newest first, and where the next one is.
#[derive(Debug)]
pub struct HookDeliveryPage {
    pub items: Vec<HookDeliveryItem>,
    /// The next (older) page's URL, as GitHub's `Link` header gives it.
    pub next: Option<String>,
}

impl GitHubApp {
    /// Where the log starts: its newest `per_page` entries (at most 100).
    pub fn hook_deliveries_start(per_page: u32) -> String {
        format!(
            "/app/hook/deliveries?per_page={}",
            per_page.clamp(1, MAX_HOOK_DELIVERIES_PER_PAGE)
        )
    }

    /// One page of the log: [`GitHubApp::hook_deliveries_start`], or a page's `next`. GitHub
    /// pages it by cursor, so a page is only reached through the one before it.
    pub async fn hook_deliveries(&self, page: &str) -> Result<HookDeliveryPage, GitHubError> {
        let auth = format!("Bearer {}", self.jwt()?);
        let response = self
            .transport
            .send(Method::GET, page, &auth, None, None, None)
            .await?;
        if !response.status.is_success() {
            return Err(error_for(&Method::GET, page, &response));
        }
        Ok(HookDeliveryPage {
            items: decode(page, &response.body)?,
            next: next_link(&response.headers),
        })
    }

    /// Asks GitHub to deliver again the event that attempt `id` delivered, to the webhook as
    /// it is now, under the same `X-GitHub-Delivery`. GitHub answers 202 and delivers later.
    pub async fn redeliver(&self, id: HookDeliveryId) -> Result<(), GitHubError> {
        let path = format!("/app/hook/deliveries/{}/attempts", id.0);
        let auth = format!("Bearer {}", self.jwt()?);
        let response = self
            .transport
            .send(Method::POST, &path, &auth, None, None, None)
            .await?;
        if response.status.is_success() {
            Ok(())
        } else {
            Err(error_for(&Method::POST, &path, &response))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_of_githubs_log_reads_as_its_documentation_shows_it() {
        // GitHub's example for `GET /app/hook/deliveries` (`hook-delivery-items`).
        let items: Vec<HookDeliveryItem> = serde_json::from_str(
            r#"[{"id":12345678,"guid":"0b989ba4-242f-11e5-81e1-c7b6966d2516",
                 "delivered_at":"2019-06-03T00:57:16Z","redelivery":false,"duration":0.27,
                 "status":"OK","status_code":200,"event":"issues","action":"opened",
                 "installation_id":123,"repository_id":456,
                 "throttled_at":"2019-06-03T00:57:16Z"},
                {"id":123456789,"guid":"0b989ba4-242f-11e5-81e1-c7b6966d2516",
                 "delivered_at":"2019-06-04T00:57:16Z","redelivery":true,"duration":0.28,
                 "status":"failed to connect","status_code":0,"event":"push","action":null,
                 "installation_id":null,"repository_id":null,"throttled_at":null}]"#,
        )
        .unwrap();
        assert_eq!(items[0].id, 12345678);
        assert_eq!(items[0].delivered_at.timestamp(), 1_559_523_436);
        assert_eq!(items[1].action, None);
        assert!(items[1].redelivery);
        assert_eq!(
            GitHubApp::hook_deliveries_start(500),
            "/app/hook/deliveries?per_page=100"
        );
    }
}
