//! The line tier: the App's line engine, fed from `git diff` exactly as the App feeds it from
//! GitHub: each branch's changes since its merge base with the default branch, and the
//! default branch's changes since each merge base, to carry line numbers to its head.
//!
//! A branch whose changes cannot be read is left out, with the reason, and every other
//! branch is still judged.

use super::branch::{Branch, FileLines};
use super::diff::{changed_files, changed_files_touching};
use super::error::LocalError;
use super::parallel;
use super::repo::Repo;
use crate::ids::{PrNumber, Sha};
use crate::overlap::{self, BaseDiff, ChangedFile, FileStatus, OpenPr, PathRules};
use crate::text::errors;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the line engine says, by index in the branches given.
#[derive(Debug, Default)]
pub struct LineTier {
    /// The files each pair may conflict on, by (lower index, higher index); pairs without
    /// any are absent.
    pub pairs: HashMap<(usize, usize), Vec<String>>,
    /// The files each branch may conflict on with the default branch.
    pub with_default: Vec<Vec<String>>,
    /// Why a branch's changes could not be read: it is judged by the exact tier alone.
    pub unread: Vec<Option<String>>,
    /// What each branch changes, file by file.
    pub files: Vec<Vec<FileLines>>,
}

pub fn judge(repo: &Repo, branches: &[Branch]) -> LineTier {
    let git = &repo.git;
    let mut files: Vec<Result<Vec<ChangedFile>, LocalError>> = parallel::map(branches, |branch| {
        if branch.ahead {
            changed_files(git, &branch.merge_base, branch.tip())
        } else {
            Ok(Vec::new())
        }
    });

    let mut touched: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (branch, files) in branches.iter().zip(&files) {
        let paths = touched.entry(branch.merge_base.as_str()).or_default();
        for file in files.iter().flatten() {
            paths.extend(file.touched_paths());
        }
    }
    // The default branch's changes matter only where a branch changes something.
    let bases: Vec<(&str, &BTreeSet<&str>)> = touched
        .iter()
        .filter(|(base, paths)| **base != repo.default_head && !paths.is_empty())
        .map(|(base, paths)| (*base, paths))
        .collect();
    let read = parallel::map(&bases, |(base, paths)| {
        changed_files_touching(git, base, &repo.default_head, paths)
    });
    let mut base_diffs: HashMap<Sha, BaseDiff> = HashMap::new();
    let mut unread_bases: HashMap<&str, String> = HashMap::new();
    for base in touched.keys() {
        base_diffs.insert(
            Sha((*base).to_owned()),
            BaseDiff {
                files: Vec::new(),
                complete: true,
            },
        );
    }
    for ((base, _), diff) in bases.iter().zip(read) {
        match diff {
            Ok(files) => {
                base_diffs.insert(
                    Sha((*base).to_owned()),
                    BaseDiff {
                        files,
                        complete: true,
                    },
                );
            }
            Err(e) => {
                unread_bases.insert(
                    base,
                    errors::default_changes_unread(&repo.default_branch, &e.to_string()),
                );
            }
        }
    }

    let ignored = &repo.config.ignore_paths;
    let file_lines: Vec<Vec<FileLines>> = files
        .iter()
        .map(|files| {
            files
                .iter()
                .flatten()
                .filter(|file| !ignored.matches(&file.filename))
                .map(FileLines::of)
                .collect()
        })
        .collect();
    let mut unread: Vec<Option<String>> = Vec::with_capacity(branches.len());
    let mut prs = Vec::new();
    let mut index_of: HashMap<PrNumber, usize> = HashMap::new();
    for (at, (branch, files)) in branches.iter().zip(files.iter_mut()).enumerate() {
        let files = match std::mem::replace(files, Ok(Vec::new())) {
            Ok(files) => files,
            Err(e) => {
                unread.push(Some(e.to_string()));
                continue;
            }
        };
        if let Some(reason) = unread_bases.get(branch.merge_base.as_str()) {
            unread.push(Some(reason.clone()));
            continue;
        }
        unread.push(None);
        let number = PrNumber(at as u64 + 1);
        index_of.insert(number, at);
        prs.push(OpenPr {
            number,
            head_sha: Sha(branch.tip().to_owned()),
            merge_base: Sha(branch.merge_base.clone()),
            files,
            files_complete: true,
            lane: branch.lane.clone(),
        });
    }

    let rules = PathRules::without_ownership(&repo.config);
    let default_head = Sha(repo.default_head.clone());
    let analysis = overlap::analyze(&rules.inputs(&default_head, &prs, &base_diffs));

    let mut pairs = HashMap::new();
    for pair in analysis.pairs() {
        let paths: BTreeSet<String> = pair
            .files()
            .filter(|file| file.may_conflict())
            .map(|file| file.path.to_owned())
            .collect();
        if let (false, Some(&a), Some(&b)) = (
            paths.is_empty(),
            index_of.get(&pair.a),
            index_of.get(&pair.b),
        ) {
            pairs.insert((a.min(b), a.max(b)), paths.into_iter().collect());
        }
    }
    let mut with_default = vec![Vec::new(); branches.len()];
    for (pr, report) in prs.iter().zip(&analysis.prs) {
        let base = &base_diffs[&pr.merge_base];
        let paths: BTreeSet<String> = report
            .base_conflicts
            .iter()
            .map(|conflict| conflict.path.to_owned())
            .chain(report.unmapped_files.iter().map(|path| (*path).to_owned()))
            .chain(
                without_line_detail_on_both(&pr.files, &base.files)
                    .filter(|path| !rules.ignore.matches(path))
                    .map(str::to_owned),
            )
            .collect();
        with_default[index_of[&pr.number]] = paths.into_iter().collect();
    }
    LineTier {
        pairs,
        with_default,
        unread,
        files: file_lines,
    }
}

/// The branch's files without line detail (binary, say) that the default branch changed too:
/// the engine compares lines, so it has nothing to say of them, but a merge may stop there.
/// A pure rename is followed by git whatever the other side does to the file's lines.
fn without_line_detail_on_both<'f>(
    files: &'f [ChangedFile],
    base: &'f [ChangedFile],
) -> impl Iterator<Item = &'f str> {
    let changed_on_default: BTreeSet<&str> =
        base.iter().flat_map(ChangedFile::touched_paths).collect();
    files
        .iter()
        .filter(|file| file.patch.is_none())
        .filter(|file| !matches!(file.status, FileStatus::Renamed | FileStatus::Copied))
        .filter(move |file| changed_on_default.contains(file.base_path()))
        .map(|file| file.filename.as_str())
}
