//! Issues and pull requests read by number, kept with their ETags: read again only when an
//! event names them or on a full reconcile.

use super::cache::Reads;
use super::error::ReconcileError;
use crate::github::RepoClient;
use crate::github::models::GhIssue;
use crate::ids::IssueNumber;
use crate::store::{CacheKind, SharedStore};

/// An issue or pull request by number. Unless the events made it stale, a copy read before is
/// taken as it is: events name the issues that change, and the periodic sweep reads all.
pub async fn read_issue(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
    number: IssueNumber,
) -> Result<Option<GhIssue>, ReconcileError> {
    reads
        .kept_or_read(
            client,
            store,
            CacheKind::Issue,
            Some(number),
            |etag| async move { client.issue(number, etag.as_deref()).await },
        )
        .await
}
