//! Desired state vs what we last wrote → the fewest writes. Running it twice writes nothing
//! the second time, and a retry after a crash finds what it already created.

use super::error::ReconcileError;
use super::publish::{self, Comment, Held, check_run_key, overlap_comment_key};
use crate::github::checks::{
    ANNOTATIONS_PER_REQUEST, ActionWrite, AnnotationWrite, CheckRunCreate, CheckRunWrite,
    OutputWrite,
};
use crate::github::models::CheckRun;
use crate::github::{GitHubError, RepoClient};
use crate::ids::{AppId, CheckRunId, CommentId, Sha};
use crate::jobs::RECOMPUTE_ACTION;
use crate::pulls::{Annotation, CheckRunSpec, CommentSpec};
use crate::store::SharedStore;
use crate::text::{self, OVERLAP_MARKER};
use std::collections::BTreeSet;

/// Marks digests of runs that carry annotations: GitHub appends annotations on every update,
/// so such a run is replaced by a new one rather than updated.
const ANNOTATED: &str = "+annotated";

/// What we keep of a run we wrote, to tell whether it needs writing again.
fn run_digest(spec: &CheckRunSpec) -> String {
    let mark = if spec.annotations.is_empty() {
        ""
    } else {
        ANNOTATED
    };
    format!("{}{mark}", publish::digest(spec))
}

/// The write that sends `annotations` of `spec`; `external_id` is the run's digest on the
/// write that completes it, so that a run found without our record says whether it is whole.
fn run_write<'a>(
    spec: &'a CheckRunSpec,
    annotations: &'a [Annotation],
    external_id: &'a str,
) -> CheckRunWrite<'a> {
    let actions = if spec.recompute {
        let button = text::recompute_button();
        vec![ActionWrite {
            label: button.label,
            description: button.description,
            identifier: RECOMPUTE_ACTION,
        }]
    } else {
        vec![]
    };
    CheckRunWrite {
        name: &spec.name,
        external_id,
        status: "completed",
        conclusion: spec.conclusion,
        output: OutputWrite {
            title: &spec.title,
            summary: &spec.summary,
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

/// Which of the runs a pass writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// Every run whose content differs from what we last wrote.
    All,
    /// Only the runs of heads that have none yet, without their annotations: published while
    /// the rest of a large snapshot is still being read, and completed by the pass over
    /// [`Runs::All`] at its end (a run without annotations is updated in place, so no head
    /// gets a second run).
    New,
}

/// Writes the check runs whose content differs from what we last wrote, the runs of heads that
/// have none yet first: a PR waits longest for the run it does not have. A rerequested run is
/// created anew, as GitHub expects.
pub async fn apply_check_runs(
    client: &RepoClient,
    store: &SharedStore,
    app_id: AppId,
    specs: &[CheckRunSpec],
    rerequested: &BTreeSet<(Sha, String)>,
    runs: Runs,
) -> Result<(), ReconcileError> {
    let keys: Vec<String> = specs
        .iter()
        .map(|spec| check_run_key(&spec.name, &spec.head_sha))
        .collect();
    let held = publish::held_many(store, client, &keys).await?;
    let mut work: Vec<(&CheckRunSpec, String, Held)> = specs
        .iter()
        .zip(keys)
        .zip(held)
        .map(|((spec, key), held)| (spec, key, held))
        .filter(|(_, _, held)| runs == Runs::All || !matches!(held, Held::Published(_)))
        .collect();
    work.sort_by_key(|(_, _, held)| matches!(held, Held::Published(_)));
    // Every run that may be created for the first time is signed at once; should a write fail
    // part-way, the signs of those never tried are taken back, so they cost no look later.
    let first_creates: Vec<String> = work
        .iter()
        .filter(|(_, _, held)| matches!(held, Held::Nothing))
        .map(|(_, key, _)| key.clone())
        .collect();
    publish::before_creates(store, client, &first_creates).await?;
    let mut tried = 0;
    let written = async {
        for (spec, key, held) in &work {
            tried += 1;
            let bare;
            let spec = if runs == Runs::New && !spec.annotations.is_empty() {
                bare = CheckRunSpec {
                    annotations: Vec::new(),
                    ..(*spec).clone()
                };
                &bare
            } else {
                spec
            };
            let fresh_run = runs == Runs::All
                && rerequested.contains(&(spec.head_sha.clone(), spec.name.clone()));
            write_run(client, store, app_id, spec, key, held, fresh_run).await?;
        }
        Ok::<(), ReconcileError>(())
    }
    .await;
    if written.is_err() {
        let untried = work[tried..]
            .iter()
            .filter(|(_, _, held)| matches!(held, Held::Nothing))
            .map(|(_, key, _)| key.clone())
            .collect();
        publish::not_created(store, client, untried).await?;
    }
    written
}

/// Writes one run unless what we last wrote is the same: updates it in place where it can,
/// else creates it.
async fn write_run(
    client: &RepoClient,
    store: &SharedStore,
    app_id: AppId,
    spec: &CheckRunSpec,
    key: &str,
    held: &Held,
    fresh_run: bool,
) -> Result<(), ReconcileError> {
    let digest = run_digest(spec);
    let update = match held {
        _ if fresh_run => None,
        Held::Published(p) if p.digest == digest => return Ok(()),
        // GitHub appends annotations on every update, so a run that has some is replaced;
        // one that has none takes them as they are.
        Held::Published(p) if p.digest.ends_with(ANNOTATED) => None,
        Held::Published(p) => Some(CheckRunId(p.github_id)),
        Held::Nothing => None,
        Held::Unrecorded => match find_check_run(client, spec, app_id).await? {
            // Ours from before a crash that lost its record, whole and current: kept.
            Some(found) if found.external_id.as_deref() == Some(digest.as_str()) => {
                publish::record(store, client, key, found.id.0, digest).await?;
                return Ok(());
            }
            // Ours but stale or unfinished: written over, unless annotations go on it
            // (GitHub appends them, and which it already has is unknown).
            Some(found) if spec.annotations.is_empty() => Some(found.id),
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
                .update_check_run(id, &run_write(spec, batches[0], external_id(0)))
                .await?;
            id
        }
        None => {
            client
                .create_check_run(&CheckRunCreate {
                    head_sha: &spec.head_sha,
                    run: run_write(spec, batches[0], external_id(0)),
                })
                .await?
        }
    };
    for (batch, annotations) in batches.iter().enumerate().skip(1) {
        client
            .update_check_run(id, &run_write(spec, annotations, external_id(batch)))
            .await?;
    }
    // Only once every annotation is on: a retry after a failed batch writes the run again.
    publish::record(store, client, key, id.0, digest).await
}

/// Our latest run of this name on this head, if one exists that we did not record (a crash
/// between creating it and writing down its id).
async fn find_check_run(
    client: &RepoClient,
    spec: &CheckRunSpec,
    app_id: AppId,
) -> Result<Option<CheckRun>, GitHubError> {
    let runs = client
        .check_runs(&spec.head_sha, &spec.name, app_id)
        .await?;
    Ok(runs
        .into_iter()
        .filter(|run| run.name == spec.name && run.app.as_ref().is_none_or(|a| a.id == app_id))
        .max_by_key(|run| run.id.0))
}

/// Writes each comment whose text changed; finds our comment again by its marker when a
/// create's record was lost, so a retry never posts a second one.
pub async fn apply_comments(
    client: &RepoClient,
    store: &SharedStore,
    app_id: AppId,
    specs: &[CommentSpec],
) -> Result<(), ReconcileError> {
    let keys: Vec<String> = specs
        .iter()
        .map(|spec| overlap_comment_key(spec.issue))
        .collect();
    let held = publish::held_many(store, client, &keys).await?;
    for ((spec, key), held) in specs.iter().zip(keys).zip(held) {
        let (known, look) = match held {
            Held::Published(p) if p.digest == publish::digest(&spec.body) => continue,
            Held::Published(p) => (Some(CommentId(p.github_id)), false),
            Held::Unrecorded => (None, true),
            Held::Nothing => (None, false),
        };
        let comment = Comment {
            key,
            issue: spec.issue.into(),
            body: &spec.body,
            is_ours: is_overlap_comment,
        };
        publish::comment(client, store, app_id, &comment, known, look).await?;
    }
    Ok(())
}

fn is_overlap_comment(body: &str) -> bool {
    body.starts_with(OVERLAP_MARKER)
}
