//! Desired state vs what we last wrote → the fewest writes. Running it twice writes nothing
//! the second time, and a retry after a crash finds what it already created.

use super::desired::{Annotation, CheckRunSpec, CommentSpec};
use super::error::ReconcileError;
use super::publish::{self, Comment, WriteHistory, check_run_key, overlap_comment_key};
use crate::github::checks::{
    ANNOTATIONS_PER_REQUEST, ActionWrite, AnnotationWrite, CheckRunCreate, CheckRunWrite,
    OutputWrite,
};
use crate::github::models::CheckRun;
use crate::github::{GitHubError, RepoClient};
use crate::ids::Sha;
use crate::jobs::RECOMPUTE_ACTION;
use crate::store::SharedStore;
use crate::text::OVERLAP_MARKER;
use std::collections::BTreeSet;

/// Marks digests of runs that carry annotations: GitHub appends annotations on every update,
/// so such a run is replaced by a new one rather than updated.
const ANNOTATED: &str = "+annotated";

impl CheckRunSpec {
    fn digest(&self) -> String {
        let mark = if self.annotations.is_empty() {
            ""
        } else {
            ANNOTATED
        };
        format!("{}{mark}", publish::digest(self))
    }

    /// The write that sends `annotations`; `external_id` is the run's digest on the write
    /// that completes it, so that a run found without our record says whether it is whole.
    fn write<'a>(
        &'a self,
        annotations: &'a [Annotation],
        external_id: &'a str,
    ) -> CheckRunWrite<'a> {
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
            external_id,
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
    history: &mut WriteHistory,
) -> Result<(), ReconcileError> {
    let keys: Vec<String> = specs
        .iter()
        .map(|spec| check_run_key(&spec.name, &spec.head_sha))
        .collect();
    let records = publish::last_published_many(store, client, keys.clone()).await?;
    for ((spec, key), published) in specs.iter().zip(keys).zip(records) {
        let digest = spec.digest();
        let fresh_run = rerequested.contains(&(spec.head_sha.clone(), spec.name.clone()));
        let update = match published {
            _ if fresh_run => None,
            Some(p) if p.digest == digest => continue,
            Some(p) if p.digest.ends_with(ANNOTATED) || !spec.annotations.is_empty() => None,
            Some(p) => Some(p.github_id),
            None if !history.may_hold_unrecorded() => None,
            None => match find_check_run(client, spec, app_id).await? {
                // Ours from before a crash that lost its record, whole and current: kept.
                Some(found) if found.external_id.as_deref() == Some(digest.as_str()) => {
                    publish::record(store, client, &key, found.id.0, digest).await?;
                    continue;
                }
                // Ours but stale or unfinished: written over, unless annotations go on it
                // (GitHub appends them, and which it already has is unknown).
                Some(found) if spec.annotations.is_empty() => Some(found.id.0),
                _ => None,
            },
        };
        let batches: Vec<&[Annotation]> = if spec.annotations.is_empty() {
            vec![&[]]
        } else {
            spec.annotations.chunks(ANNOTATIONS_PER_REQUEST).collect()
        };
        let last = batches.len() - 1;
        let external_id = |batch: usize| if batch == last { digest.as_str() } else { "" };
        let id = match update {
            Some(id) => {
                client
                    .update_check_run(id, &spec.write(batches[0], external_id(0)))
                    .await?;
                id
            }
            None => {
                history.before_create(store, client).await?;
                client
                    .create_check_run(&CheckRunCreate {
                        head_sha: &spec.head_sha,
                        run: spec.write(batches[0], external_id(0)),
                    })
                    .await?
            }
        };
        for (batch, annotations) in batches.iter().enumerate().skip(1) {
            client
                .update_check_run(id, &spec.write(annotations, external_id(batch)))
                .await?;
        }
        // Only once every annotation is on: a retry after a failed batch writes the run again.
        publish::record(store, client, &key, id, digest).await?;
    }
    Ok(())
}

/// Our latest run of this name on this head, if one exists that we did not record (a crash
/// between creating it and writing down its id).
async fn find_check_run(
    client: &RepoClient,
    spec: &CheckRunSpec,
    app_id: u64,
) -> Result<Option<CheckRun>, GitHubError> {
    let runs = client
        .check_runs(&spec.head_sha, &spec.name, app_id)
        .await?;
    Ok(runs
        .into_iter()
        .filter(|run| run.name == spec.name && run.app.as_ref().is_none_or(|a| a.id == app_id))
        .max_by_key(|run| run.id.0))
}

/// Writes each comment whose text changed; finds our comment again by its marker when we
/// hold no record of it, so a retry never posts a second one.
pub async fn apply_comments(
    client: &RepoClient,
    store: &SharedStore,
    app_id: u64,
    specs: &[CommentSpec],
    history: &mut WriteHistory,
) -> Result<(), ReconcileError> {
    let keys: Vec<String> = specs
        .iter()
        .map(|spec| overlap_comment_key(spec.issue))
        .collect();
    let records = publish::last_published_many(store, client, keys.clone()).await?;
    for ((spec, key), published) in specs.iter().zip(keys).zip(records) {
        if published
            .as_ref()
            .is_some_and(|p| p.digest == publish::digest(&spec.body))
        {
            continue;
        }
        let comment = Comment {
            key,
            issue: spec.issue,
            body: &spec.body,
            is_ours: is_overlap_comment,
        };
        let known = published.map(|p| p.github_id);
        if known.is_none() {
            history.before_create(store, client).await?;
        }
        let look = history.may_hold_unrecorded();
        publish::comment(client, store, app_id, &comment, known, look).await?;
    }
    Ok(())
}

fn is_overlap_comment(body: &str) -> bool {
    body.starts_with(OVERLAP_MARKER)
}
