//! What each PR changed and how the default branch moved under it, read from GitHub and
//! cached for good by the SHAs that name them: commits never change, so an unchanged PR is
//! never read again.

use super::cache::{cached, store_cache};
use super::error::ReconcileError;
use crate::github::RepoClient;
use crate::ids::{PrNumber, RepoName, Sha};
use crate::overlap::{BaseDiff, ChangedFile, FetchRequest, fetched_file};
use crate::store::{CacheKind, SharedStore};
use serde::{Deserialize, Serialize};

/// GitHub lists at most this many files of a pull request.
pub const PR_FILE_CAP: usize = 3000;
/// GitHub's compare lists at most this many files.
pub const COMPARE_FILE_CAP: usize = 300;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrFiles {
    pub files: Vec<ChangedFile>,
    /// False when the list stopped at GitHub's cap.
    pub complete: bool,
}

/// The key of what is cached about one head of the repository.
pub fn head_key(repo: &RepoName, head: &Sha) -> String {
    format!("{repo}:{head}")
}

/// Every changed file of a PR head, paginated up to GitHub's cap.
pub async fn pr_files(
    client: &RepoClient,
    store: &SharedStore,
    number: PrNumber,
    head: &Sha,
) -> Result<PrFiles, ReconcileError> {
    let key = head_key(client.repo(), head);
    if let Some(files) = cached::<PrFiles>(store, CacheKind::PrFiles, key).await? {
        return Ok(files);
    }
    read_pr_files(client, store, number, head).await
}

/// [`pr_files`] read from GitHub, for a head found missing from the cache.
pub async fn read_pr_files(
    client: &RepoClient,
    store: &SharedStore,
    number: PrNumber,
    head: &Sha,
) -> Result<PrFiles, ReconcileError> {
    let files = client.pull_request_files(number).await?;
    let files = PrFiles {
        complete: files.len() < PR_FILE_CAP,
        files,
    };
    store_cache(
        store,
        CacheKind::PrFiles,
        head_key(client.repo(), head),
        &files,
    )
    .await?;
    Ok(files)
}

/// The merge base of a PR head with the default branch, read from GitHub for a head found
/// missing from the cache. It stays the same while the default branch only moves forward,
/// so it is kept by head.
pub async fn read_merge_base(
    client: &RepoClient,
    store: &SharedStore,
    default_head: &Sha,
    head: &Sha,
) -> Result<Sha, ReconcileError> {
    let sha = client.merge_base(default_head, head).await?;
    store_cache(
        store,
        CacheKind::MergeBase,
        head_key(client.repo(), head),
        &sha,
    )
    .await?;
    Ok(sha)
}

/// How the default branch changed since `merge_base`: one compare per distinct merge base.
pub async fn base_diff(
    client: &RepoClient,
    store: &SharedStore,
    merge_base: &Sha,
    default_head: &Sha,
) -> Result<BaseDiff, ReconcileError> {
    if merge_base == default_head {
        return Ok(BaseDiff {
            files: vec![],
            complete: true,
        });
    }
    let key = format!("{}:{merge_base}...{default_head}", client.repo());
    if let Some(files) = cached::<Vec<ChangedFile>>(store, CacheKind::BaseDiff, key.clone()).await?
    {
        return Ok(diff_of(files));
    }
    let comparison = client.compare(merge_base, default_head).await?;
    store_cache(store, CacheKind::BaseDiff, key, &comparison.files).await?;
    Ok(diff_of(comparison.files))
}

fn diff_of(files: Vec<ChangedFile>) -> BaseDiff {
    BaseDiff {
        complete: files.len() < COMPARE_FILE_CAP,
        files,
    }
}

/// A file past the compare's cap: fetched at the merge base and at the head, diffed here.
/// `None` when either version cannot be had as text (too large, binary): the engine then
/// treats the file as unknown rather than unchanged.
pub async fn fetched_base_file(
    client: &RepoClient,
    store: &SharedStore,
    request: &FetchRequest,
    default_head: &Sha,
) -> Result<Option<ChangedFile>, ReconcileError> {
    let key = format!(
        "{}:{}...{default_head}:{}",
        client.repo(),
        request.merge_base,
        request.path
    );
    if let Some(file) =
        cached::<Option<ChangedFile>>(store, CacheKind::FetchedFile, key.clone()).await?
    {
        return Ok(file);
    }
    let old = file_text(client, &request.path, &request.merge_base).await?;
    let new = file_text(client, &request.path, default_head).await?;
    let file = match (old, new) {
        (FileText::Unreadable, _) | (_, FileText::Unreadable) => None,
        (old, new) => Some(fetched_file(&request.path, old.text(), new.text())),
    };
    store_cache(store, CacheKind::FetchedFile, key, &file).await?;
    Ok(file)
}

/// A file at one commit, as the contents API gives it.
#[derive(Serialize, Deserialize)]
pub(super) enum FileText {
    Missing,
    Text(String),
    Unreadable,
}

impl FileText {
    fn text(&self) -> Option<&str> {
        match self {
            FileText::Text(text) => Some(text),
            FileText::Missing | FileText::Unreadable => None,
        }
    }
}

pub(super) async fn file_text(
    client: &RepoClient,
    path: &str,
    at: &Sha,
) -> Result<FileText, ReconcileError> {
    match client.file(path, at).await {
        Ok(content) => Ok(content.text().map_or(FileText::Unreadable, FileText::Text)),
        Err(e) if e.is_not_found() => Ok(FileText::Missing),
        Err(e) => Err(e.into()),
    }
}
