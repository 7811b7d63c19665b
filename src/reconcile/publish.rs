//! How everything the App shows on GitHub goes out, for pull requests and tasks alike: each
//! thing under a key, with a digest of what was written, found again by its marker when a
//! create's record was lost, created or updated, and recorded only once the write is done.

use super::error::ReconcileError;
use crate::github::{GitHubError, RepoClient};
use crate::ids::{AppId, CommentId, IssueNumber, PrNumber, Sha};
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
pub fn overlap_comment_key(pr: PrNumber) -> String {
    format!("comment:{}", pr.0)
}

/// The handoff comment on a PR of a lane that takes handoffs.
pub fn handoff_comment_key(pr: PrNumber) -> String {
    format!("handoff:{}", pr.0)
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

/// Where the sign that a create under `key` began is kept until its record replaces it.
fn creating_key(key: &str) -> String {
    format!("creating:{key}")
}

/// What the store holds of one key: the record of what was published, or only the sign
/// that a create began and its record never came (the process stopped in between).
pub enum Held {
    Nothing,
    /// Something may exist on GitHub without its id on record: look for it before creating.
    Unrecorded,
    Published(Published),
}

/// [`Held`] for many keys, in the keys' order: one trip to the store for the records, and one
/// more for the signs of the keys without a record, if any.
pub async fn held_many(
    store: &SharedStore,
    client: &RepoClient,
    keys: &[String],
) -> Result<Vec<Held>, ReconcileError> {
    let found = last_published_many(store, client, keys.to_vec()).await?;
    let unrecorded: Vec<String> = keys
        .iter()
        .zip(&found)
        .filter(|(_, published)| published.is_none())
        .map(|(key, _)| creating_key(key))
        .collect();
    let mut signs = if unrecorded.is_empty() {
        Vec::new()
    } else {
        last_published_many(store, client, unrecorded).await?
    }
    .into_iter();
    Ok(found
        .into_iter()
        .map(|published| match published {
            Some(published) => Held::Published(published),
            None if signs.next().flatten().is_some() => Held::Unrecorded,
            None => Held::Nothing,
        })
        .collect())
}

/// Written down before creates under `keys`, in one trip to the store: a crash between a
/// create and its record leaves this sign, and only a key with it is looked for on GitHub
/// before the next create. So a first reconcile of 1,000 PRs, or a push, creates without
/// first listing what exists.
pub async fn before_creates(
    store: &SharedStore,
    client: &RepoClient,
    keys: &[String],
) -> Result<(), ReconcileError> {
    if keys.is_empty() {
        return Ok(());
    }
    let repo = client.repo().clone();
    let signs: Vec<String> = keys.iter().map(|key| creating_key(key)).collect();
    let sign = Published {
        github_id: 0,
        digest: String::new(),
    };
    store::blocking(store, move |s| {
        signs
            .iter()
            .try_for_each(|key| s.set_published(&repo, key, &sign))
    })
    .await?;
    Ok(())
}

/// Whether a create under `key` began and its record never came: then what it made may be on
/// GitHub without our knowing its id.
pub async fn create_began(
    store: &SharedStore,
    client: &RepoClient,
    key: &str,
) -> Result<bool, ReconcileError> {
    Ok(last_published(store, client, &creating_key(key))
        .await?
        .is_some())
}

/// Takes back the signs of creates that were never tried (a write before them failed).
pub async fn not_created(
    store: &SharedStore,
    client: &RepoClient,
    keys: Vec<String>,
) -> Result<(), ReconcileError> {
    if keys.is_empty() {
        return Ok(());
    }
    let repo = client.repo().clone();
    store::blocking(store, move |s| {
        keys.iter()
            .try_for_each(|key| s.forget_published(&repo, &creating_key(key)))
    })
    .await?;
    Ok(())
}

/// Written down after the write to GitHub succeeded, never before: a crash in between leaves
/// the sign [`before_creates`] wrote, and the thing is found again by its marker.
pub async fn record(
    store: &SharedStore,
    client: &RepoClient,
    key: &str,
    github_id: u64,
    digest: String,
) -> Result<(), ReconcileError> {
    let (repo, key) = (client.repo().clone(), key.to_owned());
    let published = Published { github_id, digest };
    store::blocking(store, move |s| {
        s.set_published(&repo, &key, &published)?;
        s.forget_published(&repo, &creating_key(&key))
    })
    .await?;
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

/// A comment that exists once per issue.
pub struct Comment<'a> {
    pub key: String,
    pub issue: IssueNumber,
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
    app_id: AppId,
    comment: &Comment<'_>,
    known: Option<CommentId>,
    look_for_ours: bool,
) -> Result<CommentId, ReconcileError> {
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
        None => {
            before_creates(store, client, std::slice::from_ref(&comment.key)).await?;
            if look_for_ours {
                post_once(client, app_id, comment).await?
            } else {
                client.post_comment(comment.issue, comment.body).await?
            }
        }
    };
    record(store, client, &comment.key, id.0, digest(comment.body)).await?;
    Ok(id)
}

/// Posts the comment unless the issue already holds one of ours that we hold no record of (a
/// crash right after posting it): that one is edited instead, so an issue never gets two.
async fn post_once(
    client: &RepoClient,
    app_id: AppId,
    comment: &Comment<'_>,
) -> Result<CommentId, GitHubError> {
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
        assert_eq!(overlap_comment_key(PrNumber(7)), "comment:7");
        assert_eq!(handoff_comment_key(PrNumber(7)), "handoff:7");
        assert_eq!(assignment_comment_key(IssueNumber(3)), "assign_comment:3");
        // The digest of a text is that of its JSON string, as the records already written.
        assert_eq!(
            digest("x"),
            "ba2df4903a2c14e86dc3bcca58911b44ac1d2514b7227bf6eb08cfb978f55a1b"
        );
    }
}
