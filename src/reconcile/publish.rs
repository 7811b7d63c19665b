//! How everything the App shows on GitHub goes out, for pull requests and tasks alike: each
//! thing under a key, with a digest of what was written, found again by its marker when its
//! record was lost, created or updated, and recorded only once the write is done.

use super::error::ReconcileError;
use crate::github::{GitHubError, RepoClient};
use crate::ids::{IssueNumber, Sha};
use crate::store::{self, Published, SharedStore};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The status board issue: its number as the id.
pub const BOARD_KEY: &str = "board";

/// A check run of one name on one head.
pub fn check_run_key(name: &str, head_sha: &Sha) -> String {
    format!("check:{name}:{head_sha}")
}

/// The overlap comment on a PR.
pub fn overlap_comment_key(issue: u64) -> String {
    format!("comment:{issue}")
}

/// The handoff comment on a PR of a lane that takes handoffs.
pub fn handoff_comment_key(issue: u64) -> String {
    format!("handoff:{issue}")
}

/// The App's assignment comment on an issue.
pub fn assignment_comment_key(issue: IssueNumber) -> String {
    format!("assign_comment:{}", issue.0)
}

/// What tells one version of a published thing from another.
pub fn digest<T: Serialize + ?Sized>(value: &T) -> String {
    hex::encode(Sha256::digest(
        serde_json::to_vec(value).unwrap_or_default(),
    ))
}

/// The record of what was last published under `key`, if anything was.
pub async fn last_published(
    store: &SharedStore,
    client: &RepoClient,
    key: &str,
) -> Result<Option<Published>, ReconcileError> {
    let (repo, key) = (client.repo().clone(), key.to_owned());
    Ok(store::blocking(store, move |s| s.published(&repo, &key)).await?)
}

/// [`last_published`] for many keys with one trip to the store, in the keys' order.
pub async fn last_published_many(
    store: &SharedStore,
    client: &RepoClient,
    keys: Vec<String>,
) -> Result<Vec<Option<Published>>, ReconcileError> {
    let repo = client.repo().clone();
    Ok(store::blocking(store, move |s| s.published_many(&repo, &keys)).await?)
}

/// Written down after the write to GitHub succeeded, never before: a crash in between leaves
/// a thing without a record, which its marker finds again.
pub async fn record(
    store: &SharedStore,
    client: &RepoClient,
    key: &str,
    github_id: u64,
    digest: String,
) -> Result<(), ReconcileError> {
    let (repo, key) = (client.repo().clone(), key.to_owned());
    let published = Published { github_id, digest };
    store::blocking(store, move |s| s.set_published(&repo, &key, &published)).await?;
    Ok(())
}

pub async fn forget(
    store: &SharedStore,
    client: &RepoClient,
    key: &str,
) -> Result<(), ReconcileError> {
    let (repo, key) = (client.repo().clone(), key.to_owned());
    store::blocking(store, move |s| s.forget_published(&repo, &key)).await?;
    Ok(())
}

/// Recorded before the App's first write on a repository, so that a crash between that write
/// and its record still leaves a sign that something of ours may be there.
const WRITES_BEGUN_KEY: &str = "writes_begun";

/// Whether the App may have written on the repository before this reconcile. Only then can a
/// comment or check run of ours exist without a record (a crash between a write and its
/// record), so only then is one looked for before creating it: the first reconcile of a
/// repository with 1,000 open PRs saves a listing of runs and one of comments per PR.
pub struct WriteHistory {
    wrote_before: bool,
    marked: bool,
}

impl WriteHistory {
    pub async fn read(store: &SharedStore, client: &RepoClient) -> Result<Self, ReconcileError> {
        let repo = client.repo().clone();
        let wrote_before = store::blocking(store, move |s| s.has_published(&repo)).await?;
        Ok(Self {
            wrote_before,
            marked: wrote_before,
        })
    }

    /// Whether a comment or run of ours may exist that the store holds no record of.
    pub fn may_hold_unrecorded(&self) -> bool {
        self.wrote_before
    }

    /// Called before each create; the first records the sign that writing began.
    pub async fn before_create(
        &mut self,
        store: &SharedStore,
        client: &RepoClient,
    ) -> Result<(), ReconcileError> {
        if !self.marked {
            record(store, client, WRITES_BEGUN_KEY, 0, String::new()).await?;
            self.marked = true;
        }
        Ok(())
    }
}

/// A comment that exists once per issue.
pub struct Comment<'a> {
    pub key: String,
    pub issue: u64,
    pub body: &'a str,
    /// Recognises the App's comment of this kind by its hidden marker.
    pub is_ours: fn(&str) -> bool,
}

/// Writes the comment: edits `known` (the id on record), or, when there is none or someone
/// deleted it, the App's comment the marker finds (when `look_for_ours`), or posts a new one.
/// Records it after.
pub async fn comment(
    client: &RepoClient,
    store: &SharedStore,
    app_id: u64,
    comment: &Comment<'_>,
    known: Option<u64>,
    look_for_ours: bool,
) -> Result<u64, ReconcileError> {
    let edited = match known {
        Some(id) => match client.edit_comment(id, comment.body).await {
            Ok(()) => Some(id),
            // Deleted by someone: the issue gets a new one.
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let id = match edited {
        Some(id) => id,
        None if look_for_ours => post_once(client, app_id, comment).await?,
        None => client.post_comment(comment.issue, comment.body).await?,
    };
    record(store, client, &comment.key, id, digest(comment.body)).await?;
    Ok(id)
}

/// Posts the comment unless the issue already holds one of ours that we hold no record of (a
/// crash right after posting it): that one is edited instead, so an issue never gets two.
async fn post_once(
    client: &RepoClient,
    app_id: u64,
    comment: &Comment<'_>,
) -> Result<u64, GitHubError> {
    let listed = client.comments(comment.issue).await?;
    let ours = listed
        .into_iter()
        .find(|c| c.by_app(app_id) && (comment.is_ours)(c.body()));
    if let Some(ours) = ours {
        if ours.body() != comment.body {
            client.edit_comment(ours.id, comment.body).await?;
        }
        return Ok(ours.id);
    }
    client.post_comment(comment.issue, comment.body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_digests_stay_what_the_store_already_holds() {
        let head = Sha("abc".into());
        assert_eq!(check_run_key("Merge order", &head), "check:Merge order:abc");
        assert_eq!(overlap_comment_key(7), "comment:7");
        assert_eq!(assignment_comment_key(IssueNumber(3)), "assign_comment:3");
        // The digest of a text is that of its JSON string, as the records already written.
        assert_eq!(
            digest("x"),
            "ba2df4903a2c14e86dc3bcca58911b44ac1d2514b7227bf6eb08cfb978f55a1b"
        );
    }
}
