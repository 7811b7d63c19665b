//! Desired state vs what we last wrote → the fewest writes. Running it twice writes nothing
//! the second time, and a retry after a crash finds what it already created.

use super::ReconcileError;
use super::plan::Annotation;
use crate::github::checks::{
    ANNOTATIONS_PER_REQUEST, ActionWrite, AnnotationWrite, CheckRunWrite, Conclusion, OutputWrite,
};
use crate::github::{GitHubError, RepoClient};
use crate::ids::{RepoName, Sha};
use crate::jobs::RECOMPUTE_ACTION;
use crate::store::{self, Published, SharedStore};
use crate::text::OVERLAP_MARKER;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// A check run as we want it to be on one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRunSpec {
    pub name: String,
    pub head_sha: Sha,
    pub conclusion: Conclusion,
    pub title: String,
    pub summary: String,
    pub annotations: Vec<Annotation>,
    /// Offers the "Recompute" button.
    pub recompute: bool,
}

/// The overlap comment as we want it on one PR.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentSpec {
    pub issue: u64,
    pub body: String,
}

fn digest<T: Serialize + ?Sized>(value: &T) -> String {
    hex::encode(Sha256::digest(
        serde_json::to_vec(value).unwrap_or_default(),
    ))
}

/// Marks digests of runs that carry annotations: GitHub appends annotations on every update,
/// so such a run is replaced by a new one rather than updated.
const ANNOTATED: &str = "+annotated";

impl CheckRunSpec {
    fn key(&self) -> String {
        format!("check:{}:{}", self.name, self.head_sha)
    }

    fn digest(&self) -> String {
        let mark = if self.annotations.is_empty() {
            ""
        } else {
            ANNOTATED
        };
        format!("{}{mark}", digest(self))
    }

    fn write<'a>(&'a self, annotations: &'a [Annotation]) -> CheckRunWrite<'a> {
        let actions = if self.recompute {
            vec![ActionWrite {
                label: "Recompute",
                description: "Compute the merge order again",
                identifier: RECOMPUTE_ACTION,
            }]
        } else {
            vec![]
        };
        CheckRunWrite {
            name: &self.name,
            head_sha: &self.head_sha,
            status: "completed",
            conclusion: self.conclusion,
            output: OutputWrite {
                title: &self.title,
                summary: &self.summary,
                annotations: annotations
                    .iter()
                    .map(|a| AnnotationWrite {
                        path: &a.path,
                        start_line: a.start_line,
                        end_line: a.end_line,
                        annotation_level: a.level,
                        title: &a.title,
                        message: &a.message,
                    })
                    .collect(),
            },
            actions,
        }
    }
}

/// Writes the check runs whose content differs from what we last wrote. A rerequested run
/// is created anew, as GitHub expects.
pub async fn apply_check_runs(
    client: &RepoClient,
    store: &SharedStore,
    app_id: u64,
    specs: &[CheckRunSpec],
    rerequested: &BTreeSet<(Sha, String)>,
) -> Result<(), ReconcileError> {
    for spec in specs {
        let (key, digest) = (spec.key(), spec.digest());
        let held = {
            let (repo, key) = (client.repo().clone(), key.clone());
            store::blocking(store, move |s| s.published(&repo, &key)).await?
        };
        let fresh_run = rerequested.contains(&(spec.head_sha.clone(), spec.name.clone()));
        let update = match held {
            _ if fresh_run => None,
            Some(p) if p.digest == digest => continue,
            Some(p) if p.digest.ends_with(ANNOTATED) || !spec.annotations.is_empty() => None,
            Some(p) => Some(p.github_id),
            // Ours from before a crash that lost its record: written over, unless annotations
            // go on it (GitHub appends them, and which it already has is unknown).
            None if spec.annotations.is_empty() => find_check_run(client, spec, app_id).await?,
            None => None,
        };
        let (first, rest) = spec
            .annotations
            .split_at(spec.annotations.len().min(ANNOTATIONS_PER_REQUEST));
        let id = match update {
            Some(id) => {
                client.update_check_run(id, &spec.write(first)).await?;
                id
            }
            None => client.create_check_run(&spec.write(first)).await?,
        };
        for chunk in rest.chunks(ANNOTATIONS_PER_REQUEST) {
            client.update_check_run(id, &spec.write(chunk)).await?;
        }
        // Only once every annotation is on: a retry after a failed batch writes the run again.
        record(store, client.repo(), &key, id, digest).await?;
    }
    Ok(())
}

async fn record(
    store: &SharedStore,
    repo: &RepoName,
    key: &str,
    github_id: u64,
    digest: String,
) -> Result<(), ReconcileError> {
    let (repo, key) = (repo.clone(), key.to_owned());
    let published = Published { github_id, digest };
    store::blocking(store, move |s| s.set_published(&repo, &key, &published)).await?;
    Ok(())
}

/// Our run of this name on this head, if one exists that we did not record (a crash between
/// creating it and writing down its id).
async fn find_check_run(
    client: &RepoClient,
    spec: &CheckRunSpec,
    app_id: u64,
) -> Result<Option<u64>, GitHubError> {
    let runs = client
        .check_runs(&spec.head_sha, &spec.name, app_id)
        .await?;
    Ok(runs
        .iter()
        .filter(|run| run.name == spec.name && run.app.as_ref().is_none_or(|a| a.id == app_id))
        .map(|run| run.id.0)
        .max())
}

/// The store key of the overlap comment on a PR.
pub fn overlap_comment_key(issue: u64) -> String {
    format!("comment:{issue}")
}

/// Writes each comment whose text changed; finds our comment again by its marker when we
/// hold no record of it, so a retry never posts a second one.
pub async fn apply_comments(
    client: &RepoClient,
    store: &SharedStore,
    app_id: u64,
    specs: &[CommentSpec],
) -> Result<(), ReconcileError> {
    for spec in specs {
        let key = overlap_comment_key(spec.issue);
        let digest = digest(&spec.body);
        let held = {
            let (repo, key) = (client.repo().clone(), key.clone());
            store::blocking(store, move |s| s.published(&repo, &key)).await?
        };
        let edited = match held {
            Some(p) if p.digest == digest => continue,
            Some(p) => match client.edit_comment(p.github_id, &spec.body).await {
                Ok(()) => Some(p.github_id),
                // Deleted by someone: the PR gets a new one.
                Err(e) if e.is_not_found() => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let id = match edited {
            Some(id) => id,
            None => {
                let body = &spec.body;
                post_once(client, spec.issue, app_id, is_overlap_comment, body).await?
            }
        };
        record(store, client.repo(), &key, id, digest).await?;
    }
    Ok(())
}

/// Posts a comment that must exist once per issue, unless the issue already holds one of
/// ours that `is_ours` recognises and that we hold no record of (a crash right after
/// posting it): that one is edited instead, so an issue never gets two. Returns its id.
pub(super) async fn post_once(
    client: &RepoClient,
    issue: u64,
    app_id: u64,
    is_ours: fn(&str) -> bool,
    body: &str,
) -> Result<u64, GitHubError> {
    let listed = client.comments(issue).await?;
    let ours = listed
        .into_iter()
        .find(|c| c.by_app(app_id) && is_ours(c.body()));
    if let Some(ours) = ours {
        if ours.body() != body {
            client.edit_comment(ours.id, body).await?;
        }
        return Ok(ours.id);
    }
    client.post_comment(issue, body).await
}

fn is_overlap_comment(body: &str) -> bool {
    body.starts_with(OVERLAP_MARKER)
}
