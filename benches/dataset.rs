//! The datasets' compares, fed to the overlap engine as GitHub would give them: at most the
//! first 300 files of each compare, and the files past that cap that the engine asks for
//! fetched and diffed. Shared by the overlap and order benchmarks.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use switchyard::globs::PathFilter;
use switchyard::ids::{PrNumber, Sha};
use switchyard::overlap::{BaseDiff, ChangedFile, Inputs, OpenPr, fetched_file, files_to_fetch};

/// GitHub's compare lists at most this many files.
const COMPARE_CAP: usize = 300;
/// The benchmarks ignore no path and bind no track: no rules about particular files.
pub static NO_PATHS: PathFilter = PathFilter::empty();

#[derive(Deserialize)]
pub struct Compare {
    #[serde(default)]
    files_total: Option<usize>,
    #[serde(default)]
    files: Vec<CompareFile>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct CompareFile {
    #[serde(flatten)]
    file: ChangedFile,
    diff_index: usize,
}

/// The base diffs of a slice's merge bases, with the fallback's fetches applied; and how many
/// files the fallback fetched.
pub fn base_diffs(
    default_head: &Sha,
    prs: &[OpenPr],
    compares: &BTreeMap<String, Compare>,
) -> (HashMap<Sha, BaseDiff>, usize) {
    let mut diffs = capped_compares(compares);
    let requests = files_to_fetch(&Inputs {
        default_head,
        prs,
        base_diffs: &diffs,
        ignore: &NO_PATHS,
        regenerated: &NO_PATHS,
        tracks: &[],
    });
    for request in &requests {
        if let Some(diff) = diffs.get_mut(&request.merge_base) {
            diff.files
                .push(fetched(compares, &request.merge_base, &request.path));
        }
    }
    (diffs, requests.len())
}

/// What GitHub's compare returns: at most the first 300 files of the diff.
fn capped_compares(compares: &BTreeMap<String, Compare>) -> HashMap<Sha, BaseDiff> {
    compares
        .iter()
        .filter(|(_, compare)| compare.error.is_none())
        .map(|(base, compare)| {
            let files = compare
                .files
                .iter()
                .filter(|f| f.diff_index < COMPARE_CAP)
                .map(|f| f.file.clone())
                .collect();
            let complete = compare
                .files_total
                .is_some_and(|total| total <= COMPARE_CAP);
            (Sha(base.clone()), BaseDiff { files, complete })
        })
        .collect()
}

/// The fallback's result for a file past the cap: the stored compare entry (the dataset
/// keeps every entry a PR path needs), or unchanged when the full diff does not have it.
fn fetched(compares: &BTreeMap<String, Compare>, merge_base: &Sha, path: &str) -> ChangedFile {
    let stored = compares
        .get(merge_base.as_str())
        .and_then(|compare| compare.files.iter().find(|f| f.file.base_path() == path));
    match stored {
        Some(entry) => entry.file.clone(),
        None => fetched_file(path, None, None),
    }
}

/// A dataset PR as the engine takes it. Replayed PRs have no head of their own on GitHub:
/// the dataset's synthetic head, or a made-up name, stands for it.
pub fn open_pr(
    number: u64,
    head_sha: Option<&String>,
    merge_base: &str,
    files: &[ChangedFile],
) -> OpenPr {
    OpenPr {
        number: PrNumber(number),
        head_sha: Sha(head_sha
            .cloned()
            .unwrap_or_else(|| format!("replayed-{number}"))),
        merge_base: Sha(merge_base.to_owned()),
        files: files.to_vec(),
        files_complete: true,
        lane: None,
    }
}
