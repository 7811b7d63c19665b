//! Writes the handoff comments: one live comment per PR, posted anew only when its cause
//! changes (so the mention reaches the agent once per cause), edited while the cause stays,
//! and turned into a short "nothing to do" when the cause is gone.
//!
//! The record's digest says what the live comment is about: `<cause>:<digest of its text>`,
//! or `done` once it says there is nothing to do.

use super::error::ReconcileError;
use super::publish::{self, handoff_comment_key};
use crate::github::RepoClient;
use crate::ids::{AppId, CommentId, PrNumber};
use crate::pulls::{HandoffRequest, HandoffSpec};
use crate::store::SharedStore;
use crate::text::{handoff_cause_of, handoff_done_comment, handoff_replaced_comment};

const DONE: &str = "done";

pub async fn apply_handoffs(
    client: &RepoClient,
    store: &SharedStore,
    app_id: AppId,
    specs: &[HandoffSpec],
) -> Result<(), ReconcileError> {
    let keys: Vec<String> = specs
        .iter()
        .map(|spec| handoff_comment_key(spec.issue))
        .collect();
    let records = publish::last_published_many(store, client, keys.clone()).await?;
    for ((spec, key), published) in specs.iter().zip(keys).zip(records) {
        let live = published
            .as_ref()
            .filter(|p| p.digest != DONE)
            .and_then(|p| {
                p.digest
                    .split_once(':')
                    .map(|(cause, _)| (CommentId(p.github_id), cause))
            });
        let Some(request) = &spec.request else {
            if let Some((id, _)) = live {
                edit_or_gone(client, id, &handoff_done_comment()).await?;
                publish::record(store, client, &key, id.0, DONE.into()).await?;
            }
            continue;
        };
        let digest = format!("{}:{}", request.cause, publish::digest(&request.body));
        if published.as_ref().is_some_and(|p| p.digest == digest) {
            continue;
        }
        let kept = match live {
            Some((id, cause)) if cause == request.cause => {
                edit_or_gone(client, id, &request.body).await?.then_some(id)
            }
            Some((old, _)) => {
                edit_or_gone(client, old, &handoff_replaced_comment()).await?;
                None
            }
            None => None,
        };
        let id = match kept {
            Some(id) => id,
            None => {
                // Only a post that began and was never recorded can have left a comment we
                // hold no id of.
                if publish::create_began(store, client, &key).await?
                    && let Some(id) = find_posted(client, app_id, spec.issue, request).await?
                {
                    id
                } else {
                    publish::before_creates(store, client, std::slice::from_ref(&key)).await?;
                    client
                        .post_comment(spec.issue.into(), &request.body)
                        .await?
                }
            }
        };
        publish::record(store, client, &key, id.0, digest).await?;
    }
    Ok(())
}

/// Edits a comment; false when someone deleted it.
async fn edit_or_gone(
    client: &RepoClient,
    id: CommentId,
    body: &str,
) -> Result<bool, ReconcileError> {
    match client.edit_comment(id, body).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Our comment for this cause, if one is there that we hold no record of (a crash between
/// posting it and recording it), brought up to date: nobody is mentioned twice for one cause.
/// A new cause is rare, so the listing costs little.
async fn find_posted(
    client: &RepoClient,
    app_id: AppId,
    pr: PrNumber,
    request: &HandoffRequest,
) -> Result<Option<CommentId>, ReconcileError> {
    let listed = client.comments(pr.into()).await?;
    let Some(ours) = listed
        .into_iter()
        .find(|c| c.by_app(app_id) && handoff_cause_of(c.body()) == Some(&request.cause))
    else {
        return Ok(None);
    };
    if ours.body() != request.body {
        client.edit_comment(ours.id, &request.body).await?;
    }
    Ok(Some(ours.id))
}
