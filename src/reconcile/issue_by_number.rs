//! Issues and pull requests read by number, kept with their ETags: read again only when an
//! event names them or on a full reconcile.

use super::cache::{last_read, read_through};
use super::error::ReconcileError;
use crate::github::RepoClient;
use crate::github::models::GhIssue;
use crate::jobs::Trigger;
use crate::store::{CacheKind, SharedStore};
use std::collections::BTreeSet;

/// An issue or pull request by number. Unless `refresh` is asked for, a copy read before is
/// taken as it is: events name the issues that change, and the periodic sweep reads all.
pub async fn read_issue(
    client: &RepoClient,
    store: &SharedStore,
    number: u64,
    refresh: bool,
) -> Result<Option<GhIssue>, ReconcileError> {
    let key = format!("{}:{number}", client.repo());
    if !refresh {
        let held = last_read(store, CacheKind::Issue, key.clone()).await?;
        if held.is_some() {
            return Ok(held);
        }
    }
    read_through(store, CacheKind::Issue, key, |etag| async move {
        client.issue(number, etag.as_deref()).await
    })
    .await
}

/// The issues whose own events arrived.
pub fn changed(triggers: &[Trigger]) -> BTreeSet<u64> {
    Trigger::issues(triggers)
        .into_iter()
        .map(|issue| issue.0)
        .collect()
}

/// Every number an event named, pull requests included.
pub fn named(triggers: &[Trigger]) -> BTreeSet<u64> {
    let mut named = changed(triggers);
    named.extend(Trigger::pull_requests(triggers).into_iter().map(|pr| pr.0));
    named
}
