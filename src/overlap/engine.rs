//! The overlap engine: every pair of open PRs sharing a file, classified per file.
//!
//! PRs meet through an index from path to the PR files touching it, so the work grows with
//! the pairs that really share a path, never with all pairs times all files.

use super::BaseDiff;
use super::compare::{FileSide, Origin, Side, compare_files};
use super::coords::{BaseIndex, BaseView, MappedFile, Mapping, is_pure_move, map_to_head};
use super::files::{ChangedFile, FileStatus};
use super::findings::{Analysis, BaseConflict, FileOverlap, OwnershipFinding, PrReport};
use super::patch::{Change, parse_changes};
use super::paths::{Ownership, PathFilter};
use crate::ids::{PrNumber, Sha};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One coordinated open PR, as GitHub describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPr {
    pub number: PrNumber,
    pub head_sha: Sha,
    /// The merge base of the PR's head with the default branch's head.
    pub merge_base: Sha,
    pub files: Vec<ChangedFile>,
    /// False when GitHub's file list stopped at its 3,000-file cap.
    pub files_complete: bool,
    /// The lane the PR belongs to, if it comes from a lane branch.
    pub lane: Option<String>,
}

/// Everything [`analyze`] needs.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The head of the default branch: the coordinates all lines are compared in.
    pub default_head: &'a Sha,
    pub prs: &'a [OpenPr],
    /// The compare from each merge base to `default_head`. A merge base without one (the
    /// compare failed) leaves its PRs' line numbers unmapped, and says so.
    pub base_diffs: &'a HashMap<Sha, BaseDiff>,
    pub ignore: &'a PathFilter,
    pub ownership: &'a Ownership,
}

/// A file to fetch at a merge base and at the default branch's head, then diff with
/// [`super::fetched_file`], because the compare stopped listing before it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FetchRequest {
    pub merge_base: Sha,
    pub path: String,
}

/// Finds every overlap between the PRs (see the documentation of [`super`]).
pub fn analyze<'a>(inputs: &Inputs<'a>) -> Analysis<'a> {
    let repo = Repo::new(*inputs);
    let prepared: Vec<Option<Prepared<'a>>> = repo.entries.iter().map(|entry| repo.prepare(entry)).collect();
    Analysis {
        overlaps: file_overlaps(&repo, &prepared),
        ownership: ownership_findings(&repo),
        prs: pr_reports(&repo, &prepared),
    }
}

/// The files the compares did not list (GitHub's 300-file cap) whose lines are needed to
/// compare PRs on different merge bases. PRs on the same merge base compare in its own
/// numbering and need nothing. Sorted, without duplicates.
pub fn files_to_fetch(inputs: &Inputs) -> Vec<FetchRequest> {
    let repo = Repo::new(*inputs);
    let mut requests = BTreeSet::new();
    for ids in &repo.by_path {
        let entries = || ids.iter().map(|&id| &repo.entries[id as usize]);
        let first_base = entries().next().map(|entry| entry.side.merge_base_id);
        if entries().all(|entry| Some(entry.side.merge_base_id) == first_base) {
            continue;
        }
        for entry in entries() {
            let merge_base = &repo.prs[entry.pr as usize].merge_base;
            if let Some(index) = repo.bases.get(merge_base)
                && !index.knows(entry.lookup_path)
            {
                requests.insert((merge_base, entry.lookup_path));
            }
        }
    }
    requests
        .into_iter()
        .map(|(merge_base, path)| FetchRequest {
            merge_base: merge_base.clone(),
            path: path.to_owned(),
        })
        .collect()
}

/// One PR file that is not ignored. Holds what comparing it needs, so that the comparison,
/// which runs once per file pair, touches little memory.
struct Entry<'a> {
    pr: u32,
    side: FileSide<'a>,
    file: &'a ChangedFile,
    /// The path the base diff knows the file by: its old path, or its new one if added.
    lookup_path: &'a str,
    /// Ids of the paths it touches: new, old and origin, without repeats.
    paths: [u32; 3],
    path_count: usize,
    /// Whether another PR touches one of its paths.
    shared: bool,
}

impl Entry<'_> {
    fn paths(&self) -> &[u32] {
        &self.paths[..self.path_count]
    }
}

/// The PRs in number order, their files and the index from path to files.
struct Repo<'a> {
    inputs: Inputs<'a>,
    prs: Vec<&'a OpenPr>,
    bases: HashMap<&'a Sha, BaseIndex<'a>>,
    /// Grouped by PR, in PR order; `first_entry[pr]..first_entry[pr + 1]` are one PR's.
    entries: Vec<Entry<'a>>,
    first_entry: Vec<usize>,
    /// Entry ids by path id, in entry order.
    by_path: Vec<Vec<u32>>,
}

impl<'a> Repo<'a> {
    fn new(inputs: Inputs<'a>) -> Self {
        let mut prs: Vec<&OpenPr> = inputs.prs.iter().collect();
        prs.sort_by_key(|pr| pr.number);
        let bases = inputs
            .base_diffs
            .iter()
            .filter(|(merge_base, _)| *merge_base != inputs.default_head)
            .map(|(merge_base, diff)| (merge_base, BaseIndex::new(diff)))
            .collect();
        let mut repo = Self {
            inputs,
            prs,
            bases,
            entries: Vec::new(),
            first_entry: Vec::new(),
            by_path: Vec::new(),
        };
        repo.collect_entries();
        repo.mark_shared();
        repo
    }

    fn collect_entries(&mut self) {
        let mut path_ids: HashMap<&'a str, u32> = HashMap::new();
        let mut merge_base_ids: HashMap<&'a Sha, u32> = HashMap::new();
        let mut by_path: Vec<Vec<u32>> = Vec::new();
        let mut entries = Vec::with_capacity(self.prs.iter().map(|pr| pr.files.len()).sum());
        for (pr, open) in (0u32..).zip(&self.prs) {
            self.first_entry.push(entries.len());
            let index = self.bases.get(&open.merge_base);
            let next_base = u32::try_from(merge_base_ids.len()).unwrap_or(u32::MAX);
            let merge_base_id = *merge_base_ids.entry(&open.merge_base).or_insert(next_base);
            for file in open.files.iter().filter(|file| !self.is_ignored(file)) {
                let origin = match file.old_path() {
                    Some(old) => Origin::Existing(index.and_then(|i| i.path_at_head(old)).unwrap_or(old)),
                    None => Origin::Added(&file.filename),
                };
                let id = u32::try_from(entries.len()).unwrap_or(u32::MAX);
                let mut path_id = |path: &'a str| {
                    let next = u32::try_from(path_ids.len()).unwrap_or(u32::MAX);
                    let path_id = *path_ids.entry(path).or_insert(next);
                    if path_id as usize == by_path.len() {
                        by_path.push(Vec::new());
                    }
                    path_id
                };
                let origin_path = path_id(origin.path());
                let mut paths = [origin_path; 3];
                let mut path_count = 1;
                for path in file.touched_paths() {
                    let path = path_id(path);
                    if !paths[..path_count].contains(&path) {
                        paths[path_count] = path;
                        path_count += 1;
                    }
                }
                for &path in &paths[..path_count] {
                    by_path[path as usize].push(id);
                }
                let origin_id = origin_path * 2 + u32::from(matches!(origin, Origin::Added(_)));
                entries.push(Entry {
                    pr,
                    side: FileSide::new(open.number, merge_base_id, file, origin, origin_id),
                    file,
                    lookup_path: file.old_path().unwrap_or(&file.filename),
                    paths,
                    path_count,
                    shared: false,
                });
            }
        }
        self.first_entry.push(entries.len());
        self.entries = entries;
        self.by_path = by_path;
    }

    fn is_ignored(&self, file: &ChangedFile) -> bool {
        file.touched_paths().all(|path| self.inputs.ignore.matches(path))
    }

    fn mark_shared(&mut self) {
        let entries = &mut self.entries;
        for ids in &self.by_path {
            let pr = |id: Option<&u32>| id.map(|&id| entries[id as usize].pr);
            if pr(ids.first()) != pr(ids.last()) {
                for &id in ids {
                    entries[id as usize].shared = true;
                }
            }
        }
    }

    fn base_view(&self, entry: &Entry<'a>) -> BaseView<'a> {
        let merge_base = &self.prs[entry.pr as usize].merge_base;
        if merge_base == self.inputs.default_head {
            return BaseView::Known(Vec::new());
        }
        match self.bases.get(merge_base) {
            Some(index) => index.view(entry.lookup_path),
            None => BaseView::Unknown,
        }
    }

    /// Parses and maps a file's changes, unless nothing would read them: a file no other PR
    /// shares, which the default branch has not changed since the merge base.
    fn prepare(&self, entry: &Entry<'a>) -> Option<Prepared<'a>> {
        let view = self.base_view(entry);
        if !entry.shared && matches!(&view, BaseView::Known(changes) if changes.is_empty()) {
            return None;
        }
        Some(match line_changes(entry.file) {
            Some(changes) => Prepared::Lines(map_to_head(changes, &view)),
            None => Prepared::NoLineDetail,
        })
    }

    fn side<'r>(&'r self, id: u32, prepared: &'r [Option<Prepared<'a>>]) -> Side<'r, 'a> {
        let lines = prepared[id as usize].as_ref().and_then(Prepared::lines);
        (&self.entries[id as usize].side, lines)
    }
}

/// A PR file's line-level changes, or `None` when the file has no usable patch. A copy's
/// patch numbers the lines of its source, not of a file both sides share.
fn line_changes(file: &ChangedFile) -> Option<Vec<Change<'_>>> {
    if file.status == FileStatus::Copied {
        return None;
    }
    match &file.patch {
        Some(text) => parse_changes(text).ok(),
        None if is_pure_move(file) => Some(Vec::new()),
        None => None,
    }
}

enum Prepared<'a> {
    Lines(MappedFile<'a>),
    NoLineDetail,
}

impl<'a> Prepared<'a> {
    fn lines(&self) -> Option<&MappedFile<'a>> {
        match self {
            Prepared::Lines(mapped) => Some(mapped),
            Prepared::NoLineDetail => None,
        }
    }
}

/// Every file shared by two PRs, in order of the pair, then path. Each PR meets the PRs after
/// it through the path index, so the output comes out grouped without a global sort.
fn file_overlaps<'a>(repo: &Repo<'a>, prepared: &[Option<Prepared<'a>>]) -> Vec<FileOverlap<'a>> {
    let mut overlaps = Vec::new();
    let mut partners: Vec<(u32, u32, u32)> = Vec::new();
    for (pr, own) in (0u32..).zip(repo.first_entry.windows(2)) {
        partners.clear();
        for a in own[0]..own[1] {
            let entry = &repo.entries[a];
            if !entry.shared {
                continue;
            }
            for &path in entry.paths() {
                let ids = &repo.by_path[path as usize];
                let later = ids.partition_point(|&id| repo.entries[id as usize].pr <= pr);
                for &b in &ids[later..] {
                    partners.push((repo.entries[b as usize].pr, a as u32, b));
                }
            }
        }
        partners.sort_unstable();
        partners.dedup();
        for group in partners.chunk_by(|x, y| x.0 == y.0) {
            let first = overlaps.len();
            overlaps.extend(
                group
                    .iter()
                    .map(|&(_, a, b)| compare_files(repo.side(a, prepared), repo.side(b, prepared))),
            );
            overlaps[first..].sort_by_key(|f| (f.path, f.path_in_a, f.path_in_b));
        }
    }
    overlaps
}

fn ownership_findings<'a>(repo: &Repo<'a>) -> Vec<OwnershipFinding<'a>> {
    let mut found: BTreeMap<(PrNumber, &str), (&OpenPr, &str, BTreeSet<&str>)> = BTreeMap::new();
    for entry in &repo.entries {
        let pr = repo.prs[entry.pr as usize];
        for path in entry.file.touched_paths() {
            for track in repo.inputs.ownership.foreign_owners(path, pr.lane.as_deref()) {
                found
                    .entry((pr.number, &track.name))
                    .or_insert_with(|| (pr, &track.lane, BTreeSet::new()))
                    .2
                    .insert(path);
            }
        }
    }
    found
        .into_iter()
        .map(|((_, track), (pr, owner_lane, paths))| OwnershipFinding {
            pr: pr.number,
            pr_lane: pr.lane.as_deref(),
            track,
            owner_lane,
            paths: paths.into_iter().collect(),
        })
        .collect()
}

fn pr_reports<'a>(repo: &Repo<'a>, prepared: &[Option<Prepared<'a>>]) -> Vec<PrReport<'a>> {
    let mut reports: Vec<PrReport> = repo
        .prs
        .iter()
        .map(|pr| PrReport {
            number: pr.number,
            head_sha: &pr.head_sha,
            files_complete: pr.files_complete,
            base_conflicts: Vec::new(),
            unmapped_files: Vec::new(),
        })
        .collect();
    for (entry, prepared) in repo.entries.iter().zip(prepared) {
        let Some(lines) = prepared.as_ref().and_then(Prepared::lines) else {
            continue;
        };
        let report = &mut reports[entry.pr as usize];
        if !lines.base_conflicts.is_empty() {
            report.base_conflicts.push(BaseConflict {
                path: &entry.file.filename,
                lines: lines.base_conflicts.clone(),
            });
        }
        if lines.mapping != Mapping::Exact {
            report.unmapped_files.push(&entry.file.filename);
        }
    }
    for report in &mut reports {
        report.base_conflicts.sort_by_key(|conflict| conflict.path);
        report.unmapped_files.sort_unstable();
    }
    reports
}
